//! A dump's lines, cleaned, with what each one looks like. The deciders (`body`, `title`,
//! `dateline`, `meta`) read these features; nothing here decides what a line *is* in the
//! article.
//!
//! One pass over the text does the work: each character is cleaned, folded into the key and
//! counted as it goes by, and the costlier readers (dates, links, hashtags, stamps) run only
//! on the lines whose counts say they can find something.

mod block;
mod kinds;
mod plain;
mod scanner;

pub use kinds::place_led;

use std::sync::OnceLock;

use super::dates::FoundDate;
use super::lexicon::Furniture;

use kinds::{is_contact_line, is_list_item, is_ticker};
pub use scanner::Buffers;
use scanner::scan;

/// A line borrows its text and key from the dump's source and [`Buffers`].
#[derive(Debug, Clone)]
pub struct Line<'a> {
    /// The line as it appears in a record.
    pub text: &'a str,
    /// Folded for comparison ([`key`]).
    pub key: &'a str,
    /// The [`word_hash`](super::text::word_hash) of each word of `key`, in order.
    pub hashes: &'a [u64],
    /// [`Line::compact`], made when first asked for: only the lines compared with a headline
    /// need it (writing it for every line cost a copy a word).
    compact: OnceLock<String>,
    /// Its length, known without it.
    compact_len: usize,
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
    /// The dates the line holds, read on a line of a few words, a stamp or a date line only
    /// (no decider asks a paragraph's dates: `scanner::features::MAX_WORDS_DATES_ASKED`).
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
    /// [`dateline::header`](super::dateline::header)'s answer, made when first asked for: the
    /// title's candidates, its captions, the standfirst and the header's loop ask it of the
    /// same few lines (asked each time, ≈ 3 M instructions in 200 dumps,
    /// notes/parser-bench.md, session 34).
    pub(in crate::parse) header: OnceLock<Option<(&'a str, &'a str)>>,
    /// [`Line::kind`], read with the line: the deciders ask it of each line several times
    /// (≈ 13,000 times for ≈ 9,000 lines in 200 dumps, ≈ 130 instructions each).
    kind: Kind,
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

impl<'a> Line<'a> {
    /// One line on its own, as [`split`] reads it (for tests of the deciders: its buffers are
    /// leaked).
    #[cfg(test)]
    pub fn new(raw: &'a str) -> Option<Self> {
        let buf = Box::leak(Box::default());
        scan(raw, false, buf);
        buf.lines(raw).into_iter().next()
    }

    /// A piece of a line read as a line of its own, into `buf`. (Through [`split`], so that
    /// the scanner is compiled once and stays inlined in the one loop that reads whole dumps.)
    pub fn one(raw: &'a str, buf: &'a mut Buffers) -> Option<Self> {
        split(raw, buf).into_iter().next()
    }

    /// Folded without spaces ([`super::text::compact_key`]), for title matching.
    pub fn compact(&self) -> &str {
        self.compact.get_or_init(|| {
            let mut compact = String::with_capacity(self.compact_len);
            super::text::key_words(self.key).for_each(|w| compact.push_str(w));
            compact
        })
    }

    /// Whether [`Line::compact`] is `compact` (not made: of the same length, it is `compact`
    /// when it starts with it).
    pub fn compact_is(&self, compact: &str) -> bool {
        self.compact_len == compact.len() && self.compact_has_end(compact)
    }

    /// Whether [`Line::compact`] starts or ends with `s`, read from the key without its spaces
    /// when it is not made. (Most lines compared with a headline differ from it at their first
    /// or last character, which are their key's: making theirs cost ≈ 1,000 instructions a
    /// line, ≈ 2.6 M in 200 dumps.)
    pub fn compact_has_end(&self, s: &str) -> bool {
        if let Some(compact) = self.compact.get() {
            return compact.starts_with(s) || compact.ends_with(s);
        }
        // A key neither starts nor ends with a space: its first and last bytes are its compact
        // key's.
        let compact = || self.key.bytes().filter(|&b| b != b' ');
        let (key, want) = (self.key.as_bytes(), s.as_bytes());
        want.is_empty()
            || key.first() == want.first() && compact().take(want.len()).eq(s.bytes())
            || key.last() == want.last() && compact().rev().take(want.len()).eq(s.bytes().rev())
    }

    /// The length of [`Line::compact`].
    pub fn compact_len(&self) -> usize {
        self.compact_len
    }

    /// An ad label or a "read also" box: the article may go on after it.
    pub fn interrupts(&self) -> bool {
        self.furniture == Some(Furniture::Interrupts)
    }

    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// [`Line::kind`] from the line's other features.
    fn read_kind(&self) -> Kind {
        // A press release's closing "for more information" line, with its address or link.
        if is_contact_line(self.key) && (4..=40).contains(&self.words) {
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
        } else if self.words >= 4 && (self.terminal || is_list_item(self.text)) {
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
            && !is_ticker(self.key)
            && !self.menu
    }
}

/// Splits a dump's text into its non-empty lines, written into `buf`.
pub fn split<'a>(text: &'a str, buf: &'a mut Buffers) -> Vec<Line<'a>> {
    split_counting(text, buf).1
}

/// [`split`], and how many control codes the text holds
/// ([`is_control_code`](super::text::is_control_code)): counted by the same pass.
pub fn split_counting<'a>(text: &'a str, buf: &'a mut Buffers) -> (usize, Vec<Line<'a>>) {
    let control = scan(text, true, buf);
    (control, buf.lines(text))
}

/// [`split`] of a copy of `text` into buffers, both leaked: lines that outlive what a test
/// made them from.
#[cfg(test)]
pub fn split_leaked(text: &str) -> Vec<Line<'static>> {
    split(Box::leak(text.into()), Box::leak(Box::default()))
}

#[cfg(test)]
mod tests {
    use super::kinds::{has_copyright_sign, is_menu_line, separators};
    use super::*;
    use crate::parse::text::CharInfo;
    use unicode_normalization::UnicodeNormalization;

    fn kind(s: &str) -> Kind {
        Line::new(s).unwrap().kind()
    }

    fn clean(s: &str) -> String {
        Line::new(s).map(|l| l.text.to_string()).unwrap_or_default()
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

        let chars = "[ \t\u{a0}\u{2003}\u{200b}\u{202e}\u{feff}\u{ad}\u{85}\u{b}aZ09#©:/.\"\u{60c}\u{ab}(|\\-\u{621}-\u{64a}\u{64b}\u{651}\u{640}\u{660}-\u{669}\u{6f4}\u{6de}\u{fe8f}\u{fefb}\u{fdfa}\u{130}\u{3a3}\u{201c}\u{1f600}]{0,30}";
        proptest!(|(raw in chars)| {
            let text = clean_line(&raw);
            let line = Line::new(&raw);
            prop_assert_eq!(line.is_none(), text.is_empty());
            if let Some(l) = line {
                prop_assert_eq!(l.text, &text);
                prop_assert_eq!(l.key, &key(&text));
                prop_assert_eq!(l.compact(), &key(&text).replace(' ', ""));
                prop_assert_eq!(l.compact_len(), l.compact().len());
                prop_assert_eq!(l.words, words(&text).count());
                prop_assert_eq!(l.chars, text.chars().count());
                let letters = text.chars().filter(|&c| is_letter(c)).count();
                let arabic = text.chars().filter(|&c| is_arabic_letter(c)).count();
                let share = if letters == 0 { 0.0 } else { arabic as f32 / letters as f32 };
                prop_assert_eq!(l.arabic, share);
            }
        });
    }

    /// The compact key's ends and equality, read from the key, are those of the compact key
    /// made: for every prefix and suffix of it, and for strings that differ from one by a byte.
    #[test]
    fn compact_ends_read_from_the_key_are_the_compact_key_s() {
        let text = "  أحمد  قال: «نص» مدرسةٌ جداً ١٠ إلى آخر Ab Cd القرية.\n";
        // `made` has its compact key made, `line` never does (it reads its key).
        let (line, made) = (Line::new(text).unwrap(), Line::new(text).unwrap());
        let compact = made.compact().to_string();
        let ends = |s: &str| compact.starts_with(s) || compact.ends_with(s);
        let mut asked: Vec<String> = Vec::new();
        for (i, _) in compact.char_indices().chain([(compact.len(), ' ')]) {
            for s in [&compact[..i], &compact[i..]] {
                asked.push(s.to_string());
                // A byte changed in the middle, at the start and at the end.
                for at in [s.len() / 2, 0, s.len().saturating_sub(1)] {
                    let mut b = s.as_bytes().to_vec();
                    if let Some(x) = b.get_mut(at) {
                        *x ^= 1;
                    }
                    asked.extend(String::from_utf8(b).ok());
                }
                asked.push(format!("{s}x"));
                asked.push(format!("x{s}"));
            }
        }
        for s in &asked {
            for l in [&line, &made] {
                assert_eq!(l.compact_has_end(s), ends(s), "{s}");
                assert_eq!(l.compact_is(s), compact == *s, "{s}");
            }
        }
        assert!(line.compact.get().is_none());
        assert!(asked.iter().filter(|s| ends(s)).count() > 20);
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
        assert_eq!(place_led(l.text), Some("القاهرة"));
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

    /// The scanner notes each separator and `©` as it goes by (a line without one is not
    /// asked whether it is a menu or a credit): each of them, after a letter or a digit, at
    /// the line's start or end, still makes the line one.
    #[test]
    fn the_scanner_sees_every_separator_and_copyright_sign() {
        for sep in ["|", "•", "·", "-"] {
            for text in [
                format!("الرئيسية {sep} محليات {sep} دولي {sep} فن"),
                format!("{sep} الرئيسية {sep} محليات {sep} دولي 2"),
            ] {
                let line = Line::new(&text).unwrap();
                assert_eq!(line.menu, is_menu_line(&text), "{text}");
                assert!(line.menu, "{text}");
            }
        }
        for text in ["© رويترز", "صورة: رويترز ©", "AFP©"] {
            assert!(Line::new(text).unwrap().credit, "{text}");
        }
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

    /// A paragraph that mentions a date is not tokenized for it (no decider asks); a short
    /// line, a stamp and a date line keep theirs.
    #[test]
    fn dates_are_read_where_they_are_asked() {
        let prose = Line::new(
            "وقال الوزير إن الحكومة ستبدأ تنفيذ الخطة في 3 أيار 2021 بعد موافقة البرلمان عليها.",
        )
        .unwrap();
        assert!(prose.dates.is_empty() && !prose.date_line);
        for stamp in [
            "3 أيار 2021",
            "نشر في: الأربعاء 3 نيسان 2019 - آخر تحديث الخميس 4 نيسان 2019 الساعة 10:00",
            "القاهرة، 3 أيار 2021",
        ] {
            assert!(!Line::new(stamp).unwrap().dates.is_empty(), "{stamp}");
        }
    }

    #[test]
    fn line_endings_of_every_kind() {
        let lines = split_leaked("أ\r\nب\rج\nد\u{2028}هـ\n\n  \n");
        let texts: Vec<_> = lines.iter().map(|l| l.text).collect();
        assert_eq!(texts, ["أ", "ب", "ج", "د", "هـ"]);
    }
}
