//! A dump's lines, cleaned, with what each one looks like. The deciders (`body`, `title`,
//! `dateline`, `meta`) read these features; nothing here decides what a line *is* in the
//! article.
//!
//! One pass over the text does the work: each character is cleaned, folded into the key and
//! counted as it goes by, and the costlier readers (dates, links, hashtags, stamps) run only
//! on the lines whose counts say they can find something.

use unicode_normalization::UnicodeNormalization;

use super::dates::{FoundDate, find_dates, find_hijri, is_date_word, is_stamp_line};
use super::lexicon::{Furniture, LEXICON};
use super::text::{CharInfo, KeyFolder, TABLE_SIZE, first_char, key_words, utf8};

#[derive(Debug, Clone)]
pub struct Line {
    /// The line as it appears in a record.
    pub text: String,
    /// Folded for comparison ([`key`]).
    pub key: String,
    /// Folded without spaces ([`super::text::compact_key`]), for title matching.
    pub compact: String,
    pub words: usize,
    pub chars: usize,
    /// Ends like a sentence (`.`, `!`, `؟`, `…`, a closing quote after one).
    pub terminal: bool,
    pub furniture: Option<Furniture>,
    /// Embedded social posts and links: hashtags, URLs, `pic.twitter.com`.
    pub embed: bool,
    /// A photo credit (`© REUTERS / …`).
    pub credit: bool,
    /// Share of letters that are Arabic.
    pub arabic: f32,
    pub dates: Vec<FoundDate>,
    pub hijri: Option<String>,
    /// A clock or date stamp with no words around it (`GMT 17:27`, `اليوم 13:00`, `15 اب`).
    pub stamp: bool,
    /// A line that states a date as a stamp (see [`is_stamp_line`]), not text mentioning one.
    pub date_line: bool,
    /// The known publisher this line names exactly, if any.
    pub publication: Option<&'static str>,
    /// A navigation line ([`is_menu_line`]).
    pub menu: bool,
}

/// What a line can be for the body finder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A paragraph of running text.
    Prose,
    /// A short sentence: body text when it sits among prose.
    Sentence,
    /// Anything else: headings, captions, labels, stamps, list items.
    Other,
    /// Page furniture the article never runs across (comment forms, "most read", footers).
    Break,
}

impl Line {
    /// One line on its own, as [`split`] reads it (for tests of the deciders).
    #[cfg(test)]
    pub fn new(raw: &str) -> Option<Self> {
        let mut line = None;
        scan(raw, false, |l| line = Some(l));
        line
    }

    /// A piece of a line read as a line of its own. (Through [`split`], so that the scanner
    /// is compiled once and stays inlined in the one loop that reads whole dumps.)
    pub fn one(raw: &str) -> Option<Self> {
        split(raw).into_iter().next()
    }

    /// An ad label or a "read also" box: the article may go on after it.
    pub fn interrupts(&self) -> bool {
        self.furniture == Some(Furniture::Interrupts)
    }

    pub fn kind(&self) -> Kind {
        // A press release's closing "for more information" line, with its address or link.
        if is_contact_line(&self.key) && (4..=40).contains(&self.words) {
            return Kind::Sentence;
        }
        match self.furniture {
            Some(Furniture::Always | Furniture::EndsArticle | Furniture::Interrupts) => {
                return Kind::Break;
            }
            Some(_) => return Kind::Other,
            None => {}
        }
        if self.embed || self.credit || self.stamp || self.arabic < 0.5 {
            return Kind::Other;
        }
        if self.date_line {
            return Kind::Other;
        }
        // A short question alone on its line is a heading or a teaser (`كيف غيرت الجائحة
        // عادات التسوق؟`), not a sentence of the text.
        if self.words < 10
            && self.text.trim_end().ends_with(['؟', '?'])
            && !self.text.contains(['،', ','])
        {
            return Kind::Other;
        }
        if self.words >= 10 && (self.terminal || self.words >= 20) {
            Kind::Prose
        } else if self.words >= 4 && (self.terminal || is_list_item(&self.text)) {
            Kind::Sentence
        } else {
            Kind::Other
        }
    }

    /// Short enough, and shaped, like a headline or caption: no sentence end, no furniture.
    pub fn headline_like(&self) -> bool {
        (2..=30).contains(&self.words)
            && self.furniture.is_none()
            && !self.embed
            && !self.credit
            && !self.stamp
            && !self.date_line
            && self.arabic >= 0.5
            && !self
                .text
                .trim_end_matches(['"', '”', '»', ')', '\''])
                .ends_with('.')
            && !is_ticker(&self.key)
            && !self.menu
    }
}

/// How many menu separators the line holds: `|`, a spaced `-`, `•` (E2 80 A2) and `·`
/// (C2 B7). One memchr pass for each pair of bytes: neither E2 nor C2 starts an Arabic letter,
/// so an Arabic line rarely stops the scan (a finder built per line would cost more than the
/// line).
fn separators(b: &[u8]) -> usize {
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

/// Whether the line holds `©` (C2 A9 in UTF-8).
fn has_copyright_sign(b: &[u8]) -> bool {
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
    parts.len() >= 3 && parts.iter().all(|p| super::text::words(p).count() <= 3)
}

/// General form: an item of a list inside the text, opened by a bullet or a number
/// (`- تطوير شبكة النقل العام`, `٢. رفع الحد الأدنى للأجور`).
fn is_list_item(text: &str) -> bool {
    let t = text.trim_start();
    let rest = t.trim_start_matches(|c: char| c.is_numeric());
    let numbered = rest.len() < t.len() && rest.starts_with(['.', '-', ')', '،']);
    numbered || t.starts_with(['•', '●', '▪', '◦', '*', '-', '–'])
}

/// General form: the "for more information" line closing a press release
/// (`للمزيد من المعلومات يرجى التواصل مع …`).
fn is_contact_line(key: &str) -> bool {
    [
        "للمزيد من المعلومات",
        "لمزيد من المعلومات",
        "للمزيد من التفاصيل",
        "للاستفسار",
        "for more information",
    ]
    .iter()
    .any(|p| key.starts_with(p))
}

/// "Breaking" and live-ticker lines (`عاجل …`).
fn is_ticker(key: &str) -> bool {
    key.starts_with("عاجل ") || key.starts_with("breaking ") || key.starts_with("مباشر ")
}

fn is_terminal(text: &str, words: usize) -> bool {
    let t = text.trim_end_matches(|c: char| "\"'”»)]›’ ".contains(c));
    match t.chars().last() {
        // `؛` and `;` close the items of a list inside the text.
        Some('.' | '!' | '؟' | '?' | '…' | '؛' | ';') => true,
        // `وأضاف:` opens a quotation in running text; `الموضوع:` is a label.
        Some(':') => words >= 6,
        _ => false,
    }
}

/// Clock and date stamps: every word is a number, a clock word, a month or `GMT`.
fn is_stamp(key: &str, words: usize) -> bool {
    if words > 8 || !key.chars().any(|c| c.is_ascii_digit()) {
        return false;
    }
    key.split(' ').all(|w| {
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
fn stamp_segment(text: &str) -> bool {
    text.contains('|')
        && text
            .split('|')
            .any(|seg| !find_dates(seg).is_empty() && is_stamp_line(&super::text::key(seg)))
}

/// General form: a dateline standing on its own line, a known place then a comma then the
/// date (`القاهرة، 3 أيار 2021`). The place.
pub fn place_led(text: &str) -> Option<&str> {
    let (place, rest) = text.split_once(['،', ','])?;
    let place = place.trim();
    (LEXICON.is_place(place) && is_stamp_line(&super::text::key(rest))).then_some(place)
}

/// General form: a site's comment policy closing the page (`ترحب شبكة … بالنقاش …`,
/// `نرحب بتعليقاتكم …`): the site welcoming its readers' discussion, in its own voice.
fn is_comment_policy(key: &str) -> bool {
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
fn has_clock(text: &str) -> bool {
    let b = text.as_bytes();
    (1..b.len().saturating_sub(2)).any(|i| {
        b[i] == b':'
            && b[i - 1].is_ascii_digit()
            && b[i + 1].is_ascii_digit()
            && b[i + 2].is_ascii_digit()
    })
}

/// Splits a dump's text into its non-empty lines.
pub fn split(text: &str) -> Vec<Line> {
    let mut lines = Vec::new();
    scan(text, true, |line| lines.push(line));
    lines
}

/// Reads `text` character by character, handing on each non-empty line; `split_lines` says
/// whether line ends end lines (or are cleaned away, for a line on its own).
fn scan(text: &str, split_lines: bool, mut emit: impl FnMut(Line)) {
    let table = CharInfo::table();
    let bytes = text.as_bytes();
    let mut scan = Scanner::new(bytes);
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        // One and two-byte characters (ASCII, Latin, Arabic) straight from the table.
        let (info, len) = if b < 0x80 {
            (table[usize::from(b) % TABLE_SIZE], 1)
        } else if b < 0xe0 {
            let next = bytes.get(i + 1).map_or(0, |n| n & 0x3f);
            (
                table[(usize::from(b & 0x1f) << 6 | usize::from(next)) % TABLE_SIZE],
                2,
            )
        } else {
            let c = text[i..].chars().next().unwrap_or_default();
            (CharInfo::of(c), c.len_utf8())
        };
        // Lone CR (old Mac files), NEL and the Unicode separators end lines too.
        if split_lines && info.is(CharInfo::LINE_END) {
            scan.finish().map(&mut emit);
        } else {
            scan.push(i, len, info);
        }
        i += len;
    }
    scan.finish().map(emit);
}

/// One line being read: its cleaned text and key so far, and counts of what went by. The
/// buffers are kept from line to line.
#[derive(Debug)]
struct Scanner<'a> {
    src: &'a [u8],
    /// Cleaned text is mostly the source as it is: the stretch of it not yet copied.
    run: std::ops::Range<usize>,
    text: Vec<u8>,
    /// The key with a space on each side, as the furniture matcher wants it.
    padded: Vec<u8>,
    folder: KeyFolder,
    /// White space was seen since the last kept character.
    space: bool,
    /// Some character was kept (so a space before the next one is inside the line).
    started: bool,
    chars: usize,
    letters: usize,
    arabic: usize,
    words: usize,
    /// Inside a run of non-space characters, and whether it has held a letter or digit.
    in_word: bool,
    word_alnum: bool,
    /// A digit of any script, an ASCII digit, an ASCII letter, `#`.
    digit: bool,
    ascii_digit: bool,
    ascii_letter: bool,
    hash: bool,
    /// The current run of digits (any script), as the date reader's tokenizer reads it.
    run_digits: usize,
    run_value: u32,
    /// A four-digit number that can be a Gregorian year, a Hijri one.
    year: bool,
    hijri_year: bool,
    /// Some word of the key is one the furniture phrases need.
    phrase_word: bool,
}

impl<'a> Scanner<'a> {
    fn new(src: &'a [u8]) -> Self {
        Scanner {
            src,
            run: 0..0,
            text: Vec::new(),
            padded: vec![b' '],
            folder: KeyFolder::default(),
            space: false,
            started: false,
            chars: 0,
            letters: 0,
            arabic: 0,
            words: 0,
            in_word: false,
            word_alnum: false,
            digit: false,
            ascii_digit: false,
            ascii_letter: false,
            hash: false,
            run_digits: 0,
            run_value: 0,
            year: false,
            hijri_year: false,
            phrase_word: false,
        }
    }

    /// The raw character at `src[at..at + len]`: invisible and direction-override characters
    /// are dropped (a scraped RLO must not reorder our page), presentation forms folded to
    /// ordinary letters, every run of white space kept as one space, inside the line.
    #[inline]
    fn push(&mut self, at: usize, len: usize, info: CharInfo) {
        if info.is(CharInfo::INVISIBLE) {
            return;
        }
        if info.is(CharInfo::WHITESPACE) {
            self.space = self.started;
            return;
        }
        if self.space {
            self.space = false;
            // One ASCII space right after the copied stretch joins it; any other gap is
            // written as one.
            if self.run.end + 1 == at && self.src[self.run.end] == b' ' {
                self.run.end = at;
            } else {
                self.flush();
                self.text.push(b' ');
            }
            self.keep(b" ", CharInfo::of(' '));
        }
        self.started = true;
        let raw = &self.src[at..at + len];
        if info.is(CharInfo::PRESENTATION) {
            self.flush();
            let mut buf = [0; 4];
            for n in std::iter::once(first_char(raw)).nfkc() {
                let n = n.encode_utf8(&mut buf).as_bytes();
                self.text.extend_from_slice(n);
                self.keep(n, CharInfo::of(first_char(n)));
            }
            self.run = at + len..at + len;
        } else {
            if self.run.end != at {
                self.flush();
                self.run.start = at;
            }
            self.run.end = at + len;
            self.keep(raw, info);
        }
    }

    /// Copies the source stretch read so far into the text.
    fn flush(&mut self) {
        self.text.extend_from_slice(&self.src[self.run.clone()]);
        self.run.start = self.run.end;
    }

    /// One character of the cleaned line.
    // Once per character: a call costs more than the work.
    #[inline(always)]
    fn keep(&mut self, raw: &[u8], info: CharInfo) {
        self.chars += 1;
        let phrase_word = &mut self.phrase_word;
        self.folder.push(&mut self.padded, raw, info, &mut |h| {
            *phrase_word |= LEXICON.may_be_phrase_word(h);
        });
        let ascii = raw.len() == 1;
        if info.is(CharInfo::DIGIT) {
            self.digit = true;
            self.ascii_digit |= ascii;
            self.run_digits += 1;
            self.run_value = self
                .run_value
                .saturating_mul(10)
                .saturating_add(info.digit());
        } else if self.run_digits > 0 {
            self.end_number();
        }
        if info.is(CharInfo::LETTER) {
            self.letters += 1;
            self.arabic += usize::from(info.is(CharInfo::ARABIC));
            self.ascii_letter |= ascii;
        }
        if info.is(CharInfo::WHITESPACE) {
            self.end_word();
        } else {
            self.in_word = true;
            self.word_alnum |= info.is(CharInfo::ALNUM);
            self.hash |= raw == b"#";
        }
    }

    fn end_word(&mut self) {
        if self.in_word {
            self.words += usize::from(self.word_alnum);
        }
        self.in_word = false;
        self.word_alnum = false;
    }

    fn end_number(&mut self) {
        if self.run_digits == 4 {
            self.year |= (1900..=2100).contains(&self.run_value);
            self.hijri_year |= (1300..=1600).contains(&self.run_value);
        }
        self.run_digits = 0;
        self.run_value = 0;
    }

    /// The key without its spaces ([`super::text::compact_key`]).
    fn compact(&mut self) -> String {
        // The text buffer is free once the text is made: reuse it.
        self.text.clear();
        let key = &self.padded[1..self.padded.len() - 1];
        let mut from = 0;
        for at in memchr::memchr_iter(b' ', key) {
            self.text.extend_from_slice(&key[from..at]);
            from = at + 1;
        }
        self.text.extend_from_slice(&key[from..]);
        utf8(&self.text)
    }

    /// The line read so far, if it holds anything; the scanner is ready for the next one.
    fn finish(&mut self) -> Option<Line> {
        self.flush();
        let line = self.line();
        // Keep the buffers' room for the next line.
        let mut text = std::mem::take(&mut self.text);
        let mut padded = std::mem::take(&mut self.padded);
        text.clear();
        padded.truncate(1);
        *self = Scanner {
            run: self.run.clone(),
            text,
            padded,
            ..Scanner::new(self.src)
        };
        line
    }

    fn line(&mut self) -> Option<Line> {
        self.end_word();
        self.end_number();
        let phrase_word = &mut self.phrase_word;
        self.folder.finish(&mut |h| {
            *phrase_word |= LEXICON.may_be_phrase_word(h);
        });
        if self.text.is_empty() {
            return None;
        }
        self.padded.push(b' ');
        let text = utf8(&self.text);
        let padded = utf8(&self.padded);
        let key = &padded[1..padded.len() - 1];
        let words = self.words;
        let embed = self.ascii_letter && {
            let lower = text.to_ascii_lowercase();
            lower.contains("http://")
                || lower.contains("https://")
                || lower.contains("www.")
                || lower.contains("pic.twitter.com")
        } || self.hash
            && text
                .split_whitespace()
                .any(|w| w.starts_with('#') && w.chars().nth(1).is_some_and(char::is_alphabetic));
        let mut furniture = LEXICON.furniture_padded(&padded, words, self.phrase_word);
        if furniture.is_none() && is_comment_policy(key) {
            furniture = Some(Furniture::Always);
        }
        let credit = has_copyright_sign(text.as_bytes());
        // A copyright notice is furniture; a short `© AGENCY / PHOTOGRAPHER` is a photo credit.
        if credit && (self.ascii_digit || words > 8) {
            furniture = furniture.or(Some(Furniture::Always));
        }
        // Breadcrumbs: `الرئيسية تقارير مصرية`.
        let first = key_words(key).next().unwrap_or("");
        if matches!(first, "الرئيسيه" | "home") && words <= 6 {
            furniture = furniture.or(Some(Furniture::Exactly));
        }
        // Every date needs a year of four digits: most lines have none and are not tokenized.
        let dates = if self.year {
            find_dates(&text)
        } else {
            Vec::new()
        };
        let hijri = if self.hijri_year {
            find_hijri(&text)
        } else {
            None
        };
        let stamp = self.digit && is_stamp(key, words)
            || words <= 6 && self.ascii_digit && has_clock(&text);
        let date_line = !dates.is_empty()
            && (is_stamp_line(key) || stamp_segment(&text) || place_led(&text).is_some());
        let menu = is_menu_line(&text);
        Some(Line {
            terminal: is_terminal(&text, words),
            chars: self.chars,
            arabic: if self.letters == 0 {
                0.0
            } else {
                self.arabic as f32 / self.letters as f32
            },
            compact: self.compact(),
            key: key.to_string(),
            publication: LEXICON.publication_by_key(key),
            text,
            words,
            furniture,
            embed,
            credit,
            dates,
            hijri,
            stamp,
            date_line,
            menu,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(s: &str) -> Kind {
        Line::new(s).unwrap().kind()
    }

    fn clean(s: &str) -> String {
        Line::new(s).map(|l| l.text).unwrap_or_default()
    }

    #[test]
    fn kinds_of_lines() {
        assert_eq!(
            kind(
                "ولكن لافروف اضاف أنه وكيري اتفقا على أن يستمر المسؤولون الروس والأمريكيون في العمل."
            ),
            Kind::Prose
        );
        assert_eq!(
            kind("كما تقوم الولايات المتحدة بنجاح محدود بتدريب سوريين."),
            Kind::Sentence
        );
        assert_eq!(
            kind("كيري ولافروف يبحثان عن آلية مشتركة لضرب تنظيم داعش"),
            Kind::Other
        );
        assert_eq!(kind("الإسم *"), Kind::Break);
        assert_eq!(kind("© 2020 Sputnik. جميع الحقوق محفوظة"), Kind::Break);
        assert_eq!(kind("© REUTERS / SHOKRY HUSSIEN"), Kind::Other);
        assert_eq!(kind("GMT 17:27 17.03.2020"), Kind::Other);
        assert_eq!(kind("اليوم 13:00"), Kind::Other);
        assert_eq!(kind("15 اب"), Kind::Other);
        assert_eq!(
            kind(
                "تعدّه \"إسرائيل\" المطلوب الأول لديها في #الضفة_الغربية، وعلى الرغم من الظرف الأمني المشدد ومطاردة الاحتلال له."
            ),
            Kind::Other
        );
    }

    #[test]
    fn clean_line_collapses_space_and_drops_controls() {
        assert_eq!(clean("  دمشق\u{a0}ـ \t نور  "), "دمشق ـ نور");
        assert_eq!(clean("\u{202e}عنوان\u{202c} مقلوب"), "عنوان مقلوب");
        assert_eq!(clean("a\u{200b}b\u{feff}"), "ab");
    }

    #[test]
    fn presentation_forms_become_letters() {
        // ﻻ (lam-alef ligature) and ﺏ (isolated beh).
        assert_eq!(clean("\u{fefb} \u{fe8f}"), "لا ب");
    }

    /// The one-pass scanner gives what the plain definitions give: clean the line, then fold
    /// it, count its words, letters and characters.
    #[test]
    fn one_pass_agrees_with_the_definitions() {
        use super::super::text::{is_arabic_letter, is_letter, key, words};
        use proptest::prelude::*;

        fn clean_line(raw: &str) -> String {
            let mut out = String::new();
            let mut space = false;
            for c in raw.chars() {
                let info = CharInfo::of(c);
                if info.is(CharInfo::INVISIBLE) {
                    continue;
                }
                if c.is_whitespace() {
                    space = !out.is_empty();
                    continue;
                }
                if space {
                    out.push(' ');
                    space = false;
                }
                if info.is(CharInfo::PRESENTATION) {
                    out.extend(std::iter::once(c).nfkc());
                } else {
                    out.push(c);
                }
            }
            out
        }

        let chars = "[ \t\u{a0}\u{2003}\u{200b}\u{202e}\u{feff}\u{ad}\u{85}\u{b}aZ09#©:/.\u{621}-\u{64a}\u{64b}\u{651}\u{640}\u{660}-\u{669}\u{6f4}\u{6de}\u{fe8f}\u{fefb}\u{fdfa}\u{130}\u{3a3}\u{201c}\u{1f600}]{0,30}";
        proptest!(|(raw in chars)| {
            let text = clean_line(&raw);
            let line = Line::new(&raw);
            prop_assert_eq!(line.is_none(), text.is_empty());
            if let Some(l) = line {
                prop_assert_eq!(&l.text, &text);
                prop_assert_eq!(&l.key, &key(&text));
                prop_assert_eq!(&l.compact, &key(&text).replace(' ', ""));
                prop_assert_eq!(l.words, words(&text).count());
                prop_assert_eq!(l.chars, text.chars().count());
                let letters = text.chars().filter(|&c| is_letter(c)).count();
                let arabic = text.chars().filter(|&c| is_arabic_letter(c)).count();
                let share = if letters == 0 { 0.0 } else { arabic as f32 / letters as f32 };
                prop_assert_eq!(l.arabic, share);
            }
        });
    }

    /// Regression: short list items and the closing contact line of a press release were
    /// dropped from its body.
    #[test]
    fn list_items_and_contact_lines() {
        assert_eq!(
            kind("تطوير شبكة النقل العام في المدن الكبرى؛"),
            Kind::Sentence
        );
        assert_eq!(
            kind("- رفع الحد الأدنى للأجور في القطاع الخاص"),
            Kind::Sentence
        );
        assert_eq!(kind("٢. إنشاء صندوق لدعم المشاريع الصغيرة"), Kind::Sentence);
        assert_eq!(
            kind("للمزيد من المعلومات يرجى التواصل مع المكتب الإعلامي: info@example.org"),
            Kind::Sentence
        );
        // A short menu entry with a bullet is not a list item of the text.
        assert_eq!(kind("• رياضة"), Kind::Other);
    }

    #[test]
    fn comment_policies_are_furniture() {
        assert_eq!(
            kind(
                "ترحب شبكة الأخبار بالنقاش المفيد، ونرجو من القراء الالتزام بآداب الحوار وعدم الإساءة لأحد."
            ),
            Kind::Break
        );
        assert_eq!(
            kind(
                "ترحب الحكومة بالنقاش حول القانون الجديد في البرلمان خلال الأسابيع المقبلة كما قال الوزير."
            ),
            Kind::Prose
        );
        assert_eq!(
            kind(
                "وقال الوزير إنه يرحب بالنقاش حول القانون الجديد في البرلمان خلال الأسابيع المقبلة."
            ),
            Kind::Prose
        );
    }

    #[test]
    fn stamps_that_share_a_line() {
        assert!(
            Line::new("03-05-2021 الساعة 09:15 | سامي خليل")
                .unwrap()
                .date_line
        );
        let l = Line::new("القاهرة، 3 أيار 2021").unwrap();
        assert!(l.date_line);
        assert_eq!(place_led(&l.text), Some("القاهرة"));
        assert!(
            !Line::new("وصل الوفد إلى القاهرة في 3 أيار 2021")
                .unwrap()
                .date_line
        );
    }

    #[test]
    fn separators_and_copyright_signs_on_the_bytes() {
        assert_eq!(separators("أ | ب • ج · د - هـ".as_bytes()), 4);
        assert_eq!(separators("2015-09-16 ة ط".as_bytes()), 0);
        assert!(has_copyright_sign("© 2020".as_bytes()));
        assert!(!has_copyright_sign("مدرسة".as_bytes()));
    }

    #[test]
    fn menu_lines_are_not_headlines() {
        assert!(is_menu_line("الرئيسية | محليات | دولي | فن"));
        assert!(is_menu_line("أخبار • رياضة • اقتصاد • منوعات"));
        assert!(
            !Line::new("الرئيسية | محليات | دولي | فن")
                .unwrap()
                .headline_like()
        );
        // A headline with one dash in it is still a headline.
        assert!(!is_menu_line("مصر - إصابات جديدة بفيروس كورونا في القاهرة"));
        assert!(
            Line::new("مصر - إصابات جديدة بفيروس كورونا")
                .unwrap()
                .headline_like()
        );
    }

    #[test]
    fn line_endings_of_every_kind() {
        let lines = split("أ\r\nب\rج\nد\u{2028}هـ\n\n  \n");
        let texts: Vec<_> = lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, ["أ", "ب", "ج", "د", "هـ"]);
    }
}
