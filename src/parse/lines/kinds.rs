//! The rules that say what a line looks like from its text and key: menus, list items,
//! contact lines, tickers, date stamps, comment policies. Each names the general pattern it
//! serves.

use crate::parse::dates::{find_dates, is_date_word, is_stamp_line};
use crate::parse::lexicon::LEXICON;
use crate::parse::text::key_words;

/// How many menu separators the line holds: `|`, a spaced `-`, `•` (E2 80 A2) and `·`
/// (C2 B7). One memchr pass for each pair of bytes: neither E2 nor C2 starts an Arabic letter,
/// so an Arabic line rarely stops the scan (a finder built per line would cost more than the
/// line).
pub(super) fn separators(b: &[u8]) -> usize {
    let dashes = memchr::memchr2_iter(b'|', b'-', b)
        .filter(|&i| b[i] == b'|' || i > 0 && b[i - 1] == b' ' && b.get(i + 1) == Some(&b' '))
        .count();
    let bullets = memchr::memchr2_iter(0xE2, 0xC2, b)
        .filter(|&i| match b[i] {
            0xE2 => b.get(i + 1..i + 3) == Some(&[0x80u8, 0xA2][..]),
            _ => b.get(i + 1) == Some(&0xB7),
        })
        .count();
    dashes + bullets
}

/// Whether one character (`raw`, its UTF-8) is a menu separator ([`separators`]) or `©`: the
/// scan notes a line that holds one, and asks [`is_menu_line`] and [`has_copyright_sign`] of
/// no other.
#[inline(always)]
pub(super) fn is_separator_or_sign(raw: &[u8]) -> bool {
    matches!(raw, b"|" | b"-" | [0xc2, 0xa9 | 0xb7] | [0xe2, 0x80, 0xa2])
}

/// Whether the line holds `©` (C2 A9 in UTF-8).
pub(super) fn has_copyright_sign(b: &[u8]) -> bool {
    memchr::memchr_iter(0xC2, b).any(|i| b.get(i + 1) == Some(&0xA9))
}

/// General form: a navigation line, section names set side by side with `|`, `•`, `·` or a
/// spaced dash (`الرئيسية | محليات | دولي | فن`). It is never a headline, however many words
/// it has.
pub fn is_menu_line(text: &str) -> bool {
    // Three parts need two separators: counted on the bytes first, most lines have none.
    if separators(text.as_bytes()) < 2 {
        return false;
    }
    let parts: Vec<&str> = text
        .split(['|', '•', '·'])
        .flat_map(|p| p.split(" - "))
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    parts.len() >= 3
        && parts
            .iter()
            .all(|p| crate::parse::text::words(p).count() <= 3)
}

/// General form: an item of a list inside the text, opened by a bullet or a number
/// (`- تطوير شبكة النقل العام`, `٢. رفع الحد الأدنى للأجور`).
pub(super) fn is_list_item(text: &str) -> bool {
    let t = text.trim_start();
    let rest = t.trim_start_matches(|c: char| c.is_numeric());
    let numbered = rest.len() < t.len() && rest.starts_with(['.', '-', ')', '،']);
    numbered || t.starts_with(['•', '●', '▪', '◦', '*', '-', '–'])
}

/// General form: the "for more information" line closing a press release
/// (`للمزيد من المعلومات يرجى التواصل مع …`).
pub(super) fn is_contact_line(key: &str) -> bool {
    // Asked of every line: its first byte sends it to the prefixes that can start it (five
    // `starts_with` a line cost ≈ 80 instructions).
    match key.as_bytes().first() {
        Some(0xd9) => CONTACT_PREFIXES.iter().any(|p| key.starts_with(p)),
        Some(b'f') => key.starts_with("for more information"),
        _ => false,
    }
}

/// The Arabic openings of [`is_contact_line`]: each starts with `ل` (`D9 84`).
const CONTACT_PREFIXES: [&str; 4] = [
    "للمزيد من المعلومات",
    "لمزيد من المعلومات",
    "للمزيد من التفاصيل",
    "للاستفسار",
];

/// "Breaking" and live-ticker lines (`عاجل …`).
pub(super) fn is_ticker(key: &str) -> bool {
    key.starts_with("عاجل ") || key.starts_with("breaking ") || key.starts_with("مباشر ")
}

pub(super) fn is_terminal(text: &str, words: usize) -> bool {
    // The closing quotes and brackets after the stop, matched as characters: a search of a
    // string of them for each character cost ≈ 300 instructions a line.
    let last = text
        .chars()
        .rev()
        .find(|c| !matches!(c, '"' | '\'' | '”' | '»' | ')' | ']' | '›' | '’' | ' '));
    match last {
        // `؛` and `;` close the items of a list inside the text.
        Some('.' | '!' | '؟' | '?' | '…' | '؛' | ';') => true,
        // `وأضاف:` opens a quotation in running text; `الموضوع:` is a label.
        Some(':') => words >= 6,
        _ => false,
    }
}

/// Clock and date stamps: every word is a number, a clock word, a month or `GMT`.
pub(super) fn is_stamp(key: &str, words: usize) -> bool {
    if words > 8 || !key.chars().any(|c| c.is_ascii_digit()) {
        return false;
    }
    key_words(key).all(|w| {
        w.chars().all(|c| c.is_ascii_digit())
            || matches!(
                w,
                "gmt"
                    | "utc"
                    | "am"
                    | "pm"
                    | "ص"
                    | "م"
                    | "اليوم"
                    | "امس"
                    | "منذ"
                    | "ساعه"
                    | "ساعات"
                    | "دقيقه"
                    | "دقائق"
                    | "اب"
                    | "ايار"
                    | "مساء"
                    | "صباحا"
                    | "بتوقيت"
                    | "القدس"
                    | "مكه"
                    | "غرينتش"
            )
            || is_date_word(w)
    })
}

/// General form: a stamp that shares its line with other things, set apart by `|`
/// (`03-05-2021 الساعة 09:15 | سامي خليل`).
pub(super) fn stamp_segment(text: &str) -> bool {
    text.contains('|')
        && text
            .split('|')
            .any(|seg| !find_dates(seg).is_empty() && is_stamp_line(&crate::parse::text::key(seg)))
}

/// General form: a dateline standing on its own line, a known place then a comma then the
/// date (`القاهرة، 3 أيار 2021`). The place.
pub fn place_led(text: &str) -> Option<&str> {
    let (place, rest) = text.split_once(['،', ','])?;
    let place = place.trim();
    (LEXICON.is_place(place) && is_stamp_line(&crate::parse::text::key(rest))).then_some(place)
}

/// General form: a site's comment policy closing the page (`ترحب شبكة … بالنقاش …`,
/// `نرحب بتعليقاتكم …`): the site welcoming its readers' discussion, in its own voice.
pub(super) fn is_comment_policy(key: &str) -> bool {
    // Both openings end in `رحب`: a key without it there is turned away before its words are
    // split (asked of every line that is no furniture).
    if key.as_bytes().get(2..8) != Some("رحب".as_bytes()) {
        return false;
    }
    let mut words = key_words(key);
    if !matches!(words.next(), Some("ترحب" | "نرحب")) {
        return false;
    }
    let (mut welcome, mut readers) = (false, false);
    for w in words.take(40) {
        welcome |= matches!(
            w,
            "بالنقاش"
                | "بالتعليقات"
                | "بتعليقاتكم"
                | "بتعليقات"
                | "بارائكم"
                | "بالحوار"
                | "بمشاركاتكم"
        );
        readers |= matches!(
            w,
            "القراء"
                | "قرائها"
                | "قرائنا"
                | "التعليقات"
                | "التعليق"
                | "تعليق"
                | "الاساءه"
                | "مجتمعنا"
                | "حذف"
        );
    }
    welcome && readers
}

/// `HH:MM` somewhere in the text.
pub(super) fn has_clock(text: &str) -> bool {
    let b = text.as_bytes();
    (1..b.len().saturating_sub(2)).any(|i| {
        b[i] == b':'
            && b[i - 1].is_ascii_digit()
            && b[i + 1].is_ascii_digit()
            && b[i + 2].is_ascii_digit()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::text::key;

    /// The first byte that sends a key to the contact prefixes is each prefix's own, and each
    /// opening is found with a text after it.
    #[test]
    fn contact_lines_are_found_by_their_first_byte() {
        for p in CONTACT_PREFIXES {
            assert!(p.starts_with('ل'), "{p}");
            assert!(is_contact_line(&format!("{p} يرجى التواصل")), "{p}");
        }
        assert!(is_contact_line(&key("For more information, contact us")));
        assert!(!is_contact_line(&key("ولمزيد من المعلومات")));
    }

    /// Both openings of a comment policy pass the test of their third letters.
    #[test]
    fn comment_policies_open_with_either_verb() {
        for opening in ["ترحب الصحيفة", "نرحب"] {
            let policy = key(&format!("{opening} بتعليقاتكم ونرجو من القراء عدم الإساءة"));
            assert!(is_comment_policy(&policy), "{policy}");
        }
        assert!(!is_comment_policy(&key("يرحب بتعليقاتكم القراء")));
        assert!(!is_comment_policy(&key("ترحيب بتعليقاتكم القراء")));
    }
}
