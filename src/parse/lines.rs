//! A dump's lines, cleaned, with what each one looks like. The deciders (`body`, `title`,
//! `dateline`, `meta`) read these features; nothing here decides what a line *is* in the
//! article.

use super::dates::{FoundDate, find_dates, find_hijri, is_date_word, is_stamp_line};
use super::lexicon::{Furniture, LEXICON};
use super::text::{clean_line, is_arabic_letter, is_letter, key, words};

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
    pub fn new(raw: &str) -> Option<Self> {
        let text = clean_line(raw);
        if text.is_empty() {
            return None;
        }
        let key = key(&text);
        let compact = key.replace(' ', "");
        let words = words(&text).count();
        let (mut arabic, mut letters) = (0usize, 0usize);
        for c in text.chars().filter(|&c| is_letter(c)) {
            letters += 1;
            arabic += usize::from(is_arabic_letter(c));
        }
        let lower = text.to_ascii_lowercase();
        let embed = lower.contains("http://")
            || lower.contains("https://")
            || lower.contains("www.")
            || lower.contains("pic.twitter.com")
            || text
                .split_whitespace()
                .any(|w| w.starts_with('#') && w.chars().nth(1).is_some_and(char::is_alphabetic));
        let mut furniture = LEXICON.furniture(&key, words);
        let credit = text.contains('©');
        // A copyright notice is furniture; a short `© AGENCY / PHOTOGRAPHER` is a photo credit.
        if credit && (text.chars().any(|c| c.is_ascii_digit()) || words > 8) {
            furniture = furniture.or(Some(Furniture::Always));
        }
        // Breadcrumbs: `الرئيسية تقارير مصرية`.
        let first = key.split(' ').next().unwrap_or("");
        if matches!(first, "الرئيسيه" | "home") && words <= 6 {
            furniture = furniture.or(Some(Furniture::Exactly));
        }
        let dates = find_dates(&text);
        let hijri = find_hijri(&text);
        let stamp = is_stamp(&key, words) || words <= 6 && has_clock(&text);
        let date_line = !dates.is_empty() && is_stamp_line(&key);
        let publication = LEXICON.publication_by_key(&key);
        Some(Line {
            terminal: is_terminal(&text, words),
            chars: text.chars().count(),
            arabic: if letters == 0 {
                0.0
            } else {
                arabic as f32 / letters as f32
            },
            text,
            key,
            compact,
            words,
            furniture,
            embed,
            credit,
            dates,
            hijri,
            stamp,
            date_line,
            publication,
        })
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
    // Lone CR (old Mac files), NEL and the Unicode separators end lines too.
    text.split(['\n', '\r', '\u{85}', '\u{2028}', '\u{2029}', '\u{c}'])
        .filter_map(Line::new)
        .collect()
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
