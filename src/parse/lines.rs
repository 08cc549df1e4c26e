//! A dump's lines, cleaned, with what each one looks like. The deciders (`body`, `title`,
//! `dateline`, `meta`) read these features; nothing here decides what a line *is* in the
//! article.
//!
//! One pass over the text does the work: each character is cleaned, folded into the key and
//! counted as it goes by, and the costlier readers (dates, links, hashtags, stamps) run only
//! on the lines whose counts say they can find something.

use super::dates::{FoundDate, find_dates, find_hijri, is_date_word, is_stamp_line};
use super::lexicon::{Furniture, LEXICON};
use super::text::{CharInfo, Cleaner, KeyFolder};

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
        let mut scan = Scanner::default();
        for c in raw.chars() {
            scan.push(c, CharInfo::of(c));
        }
        scan.finish()
    }

    pub fn kind(&self) -> Kind {
        match self.furniture {
            Some(Furniture::Always | Furniture::EndsArticle) => return Kind::Break,
            Some(_) => return Kind::Other,
            None => {}
        }
        if self.embed || self.credit || self.stamp || self.arabic < 0.5 {
            return Kind::Other;
        }
        if self.date_line {
            return Kind::Other;
        }
        if self.words >= 10 && (self.terminal || self.words >= 20) {
            Kind::Prose
        } else if self.words >= 4 && self.terminal {
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
    }
}

/// "Breaking" and live-ticker lines (`عاجل …`).
fn is_ticker(key: &str) -> bool {
    key.starts_with("عاجل ") || key.starts_with("breaking ") || key.starts_with("مباشر ")
}

fn is_terminal(text: &str, words: usize) -> bool {
    let t = text.trim_end_matches(|c: char| "\"'”»)]›’ ".contains(c));
    match t.chars().last() {
        Some('.' | '!' | '؟' | '?' | '…') => true,
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
    let mut scan = Scanner::default();
    for c in text.chars() {
        let info = CharInfo::of(c);
        // Lone CR (old Mac files), NEL and the Unicode separators end lines too.
        if info.is(CharInfo::LINE_END) {
            lines.extend(scan.finish());
        } else {
            scan.push(c, info);
        }
    }
    lines.extend(scan.finish());
    lines
}

/// One line being read: its cleaned text and key so far, and counts of what went by. The
/// buffers are reused from line to line.
#[derive(Debug, Default)]
struct Scanner {
    cleaner: Cleaner,
    seen: Seen,
}

/// What the cleaned characters of a line add up to.
#[derive(Debug)]
struct Seen {
    text: String,
    /// The key with a space on each side, as the furniture matcher wants it.
    padded: String,
    folder: KeyFolder,
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
}

impl Default for Seen {
    fn default() -> Self {
        Seen {
            text: String::new(),
            padded: String::from(" "),
            folder: KeyFolder::default(),
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
        }
    }
}

impl Scanner {
    /// One raw character of the line.
    #[inline]
    fn push(&mut self, c: char, info: CharInfo) {
        let seen = &mut self.seen;
        self.cleaner.push(c, info, |c, info| seen.keep(c, info));
    }

    /// The line read so far, if it holds anything; the scanner is ready for the next one.
    fn finish(&mut self) -> Option<Line> {
        let line = self.seen.line();
        self.cleaner = Cleaner::default();
        // Keep the buffers' room for the next line.
        let mut text = std::mem::take(&mut self.seen.text);
        let mut padded = std::mem::take(&mut self.seen.padded);
        text.clear();
        padded.truncate(1);
        self.seen = Seen {
            text,
            padded,
            ..Seen::default()
        };
        line
    }
}

impl Seen {
    /// One character of the cleaned line.
    #[inline]
    fn keep(&mut self, c: char, info: CharInfo) {
        self.text.push(c);
        self.chars += 1;
        self.folder.push(&mut self.padded, c, info);
        if info.is(CharInfo::DIGIT) {
            self.digit = true;
            self.ascii_digit |= c.is_ascii_digit();
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
            self.ascii_letter |= c.is_ascii();
        }
        if info.is(CharInfo::WHITESPACE) {
            self.end_word();
        } else {
            self.in_word = true;
            self.word_alnum |= info.is(CharInfo::ALNUM);
            self.hash |= c == '#';
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

    fn line(&mut self) -> Option<Line> {
        self.end_word();
        self.end_number();
        if self.text.is_empty() {
            return None;
        }
        self.padded.push(' ');
        let text = self.text.as_str();
        let padded = self.padded.as_str();
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
        let mut furniture = LEXICON.furniture_padded(padded, words);
        let credit = text.contains('©');
        // A copyright notice is furniture; a short `© AGENCY / PHOTOGRAPHER` is a photo credit.
        if credit && (self.ascii_digit || words > 8) {
            furniture = furniture.or(Some(Furniture::Always));
        }
        // Breadcrumbs: `الرئيسية تقارير مصرية`.
        let first = key.split(' ').next().unwrap_or("");
        if matches!(first, "الرئيسيه" | "home") && words <= 6 {
            furniture = furniture.or(Some(Furniture::Exactly));
        }
        // Every date needs a year of four digits: most lines have none and are not tokenized.
        let dates = if self.year {
            find_dates(text)
        } else {
            Vec::new()
        };
        let hijri = if self.hijri_year {
            find_hijri(text)
        } else {
            None
        };
        let stamp =
            self.digit && is_stamp(key, words) || words <= 6 && self.ascii_digit && has_clock(text);
        let date_line = !dates.is_empty() && is_stamp_line(key);
        Some(Line {
            terminal: is_terminal(text, words),
            chars: self.chars,
            arabic: if self.letters == 0 {
                0.0
            } else {
                self.arabic as f32 / self.letters as f32
            },
            compact: key.split(' ').collect(),
            key: key.to_string(),
            publication: LEXICON.publication_by_key(key),
            text: text.to_string(),
            words,
            furniture,
            embed,
            credit,
            dates,
            hijri,
            stamp,
            date_line,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(s: &str) -> Kind {
        Line::new(s).unwrap().kind()
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
    fn line_endings_of_every_kind() {
        let lines = split("أ\r\nب\rج\nد\u{2028}هـ\n\n  \n");
        let texts: Vec<_> = lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, ["أ", "ب", "ج", "د", "هـ"]);
    }
}
