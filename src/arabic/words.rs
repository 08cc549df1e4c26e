//! The one word splitter: what a letter is, and where words begin and end.
//!
//! A word is a run of letters (of any script) and digits (ASCII, Arabic-Indic, Persian), with
//! marks ([`super::marks`]) kept inside the word they decorate. The parser's keys split on the
//! same classes, one character at a time through its table (`parse::text::CharInfo`).

use std::ops::Range;
use std::sync::LazyLock;

use super::chars::{ascii_digit, is_letter};
use super::marks::{TATWEEL, is_mark};

/// A character that belongs to a word: a letter, a digit, or a mark inside it.
pub fn is_word_char(c: char) -> bool {
    // The other characters below U+0800 (Latin-1, the rest of the Arabic block) from a table
    // made once by the rule itself: Arabic punctuation (`،` `؛` `؟`) and guillemets fell
    // through to Unicode's alphabetic table, some 500 instructions each (tens of thousands in
    // the analysis of a thousand articles, notes/build-bench.md).
    static BELOW_0800: LazyLock<[bool; 0x800]> =
        LazyLock::new(|| std::array::from_fn(|i| char::from_u32(i as u32).is_some_and(by_rule)));
    // Arabic letters and ASCII first, as the rule does: a range check is cheaper than the
    // table's.
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else if ('\u{0621}'..='\u{064A}').contains(&c) {
        true
    } else {
        match BELOW_0800.get(c as usize) {
            Some(&is) => is,
            None => by_rule(c),
        }
    }
}

/// [`is_word_char`] by its rule.
fn by_rule(c: char) -> bool {
    // Arabic letters and ASCII first: Unicode's tables are slow next to a range check.
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else if ('\u{0621}'..='\u{064A}').contains(&c) {
        true
    } else {
        is_letter(c) || ascii_digit(c).is_some() || is_mark(c)
    }
}

/// The words of `text` as byte ranges into it, with a clitic that tatweel stretches off its
/// word (`لـ`, `بـ`, `ولـ`) left out: `لـ"داعش"` gives one word, `داعش`.
pub fn words(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut chars = text.char_indices().peekable();
    std::iter::from_fn(move || {
        loop {
            let (start, _) = chars.find(|&(_, c)| is_word_char(c))?;
            let mut end = text.len();
            while let Some(&(i, c)) = chars.peek() {
                if !is_word_char(c) {
                    end = i;
                    break;
                }
                chars.next();
            }
            let start = start + clitic_len(&text[start..end]);
            if text[start..end].chars().any(|c| !is_mark(c)) {
                return Some(start..end);
            }
        }
    })
}

/// The byte length of a leading clitic (one or two of و ف ب ك ل) followed by tatweel, or 0.
///
/// Writers put tatweel after a one-letter clitic to keep it visually apart from a quoted or
/// foreign word (`لـ"داعش"`, `بـ"الناتو"`); inside a word tatweel only stretches a letter.
fn clitic_len(word: &str) -> usize {
    let mut letters = 0;
    for (i, c) in word.char_indices() {
        match c {
            TATWEEL if letters > 0 => {
                let rest = &word[i..];
                let skip = rest.len() - rest.trim_start_matches(TATWEEL).len();
                return i + skip;
            }
            'و' | 'ف' | 'ب' | 'ك' | 'ل' if letters < 2 => letters += 1,
            c if is_mark(c) && c != TATWEEL => {}
            _ => return 0,
        }
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word_strs(text: &str) -> Vec<&str> {
        words(text).map(|r| &text[r]).collect()
    }

    #[test]
    fn words_split_on_punctuation_and_keep_marks_inside() {
        let cases: [(&str, &[&str]); 9] = [
            ("لـ\"داعش\"", &["داعش"]),
            ("لـداعش", &["داعش"]),
            ("التصدي لـ \"داعش\"", &["التصدي", "داعش"]),
            ("ولـ«داعش»", &["داعش"]),
            (
                "تنظيم \"داعش\"، و(القاعدة).",
                &["تنظيم", "داعش", "و", "القاعدة"],
            ),
            ("سُورِيَّة", &["سُورِيَّة"]),
            ("الأخبـــار", &["الأخبـــار"]),
            ("دمشق ـ نور", &["دمشق", "نور"]),
            // An honorific sign over a name stays with the name.
            ("محمد\u{0610} قال", &["محمد\u{0610}", "قال"]),
        ];
        for (input, want) in cases {
            assert_eq!(word_strs(input), want, "words({input:?})");
        }
        assert!(word_strs("«»،؛؟!... - ـ").is_empty());
    }

    #[test]
    fn the_table_says_what_the_rule_says() {
        for c in (0..0x900).filter_map(char::from_u32) {
            assert_eq!(is_word_char(c), by_rule(c), "{c:?}");
        }
    }
}
