//! The Arabic analyzer: what a stretch of text becomes as search terms.
//!
//! The same steps run when an article is indexed, when a reader's query is read and when story
//! threads compare articles, so a spelling the writer chose and one the reader types meet on one
//! term:
//!
//! 1. [`words`] splits on anything that is not a letter or digit, keeping harakat, tatweel and
//!    zero-width joiners inside the word they decorate. A clitic stretched off its word by
//!    tatweel (`لـ"داعش"`, `لـداعش`, `بـ`) is dropped, so the word after it stands alone.
//! 2. [`normalize`] folds spellings as Lucene's `ArabicNormalizer` does, plus digits and case.
//! 3. [`stem`] removes clitic prefixes and suffixes, as Lucene's `ArabicStemmer` does, with
//!    stricter length guards.
//! 4. The variant table ([`super::variants`]) maps outlets' spellings of a name to one form.
//!
//! [`text_analyzer`] packs the steps as a tantivy tokenizer and two filters; [`for_each_term`]
//! runs them without an index.

use std::ops::Range;

use tantivy::tokenizer::{TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer};

use super::variants;

/// The name the analyzer is registered under in the index's tokenizer manager.
pub const ANALYZER_NAME: &str = "arabic";

/// Longer "words" are URLs, base64 or glued-together garbage; nobody searches for them.
const MAX_TERM_BYTES: usize = 100;

const TATWEEL: char = '\u{0640}';

/// Characters that may sit inside a word without splitting it and that normalisation removes:
/// harakat and Quranic marks, superscript alef, and the invisible joiners and direction marks
/// that scraped pages leave inside words.
fn is_ignorable(c: char) -> bool {
    matches!(c,
        '\u{064B}'..='\u{065F}'
        | '\u{0670}'
        | TATWEEL
        | '\u{00AD}'
        | '\u{200C}'..='\u{200F}'
    )
}

fn is_word_char(c: char) -> bool {
    // Arabic letters and ASCII first: Unicode's tables are slow next to a range check.
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else if ('\u{0621}'..='\u{064A}').contains(&c) {
        true
    } else {
        c.is_alphanumeric() || is_ignorable(c)
    }
}

/// Appends the normalised form of `text` to `out`: آ أ إ ٱ → ا, ى ی → ي, ک → ك, ة → ه,
/// harakat, tatweel and joiners removed, Arabic-Indic and Persian digits to ASCII, letters
/// lower-cased.
pub fn normalize_into(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            'آ' | 'أ' | 'إ' | 'ٱ' => out.push('ا'),
            'ى' | 'ی' => out.push('ي'),
            'ک' => out.push('ك'),
            'ة' => out.push('ه'),
            '٠'..='٩' => out.push(char::from(b'0' + (c as u32 - 0x0660) as u8)),
            '۰'..='۹' => out.push(char::from(b'0' + (c as u32 - 0x06F0) as u8)),
            // The other Arabic letters have no case: skip Unicode's lower-casing tables.
            '\u{0621}'..='\u{063A}' | '\u{0641}'..='\u{064A}' => out.push(c),
            c if is_ignorable(c) => {}
            c if c.is_ascii() => out.push(c.to_ascii_lowercase()),
            c => out.extend(c.to_lowercase()),
        }
    }
}

/// The normalised form of `text` (see [`normalize_into`]).
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    normalize_into(text, &mut out);
    out
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
            if text[start..end].chars().any(|c| !is_ignorable(c)) {
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
            c if is_ignorable(c) && c != TATWEEL => {}
            _ => return 0,
        }
    }
    0
}

/// Definite article and the clitics fused with it; removed when at least two letters remain.
const ARTICLES: [&str; 6] = ["وال", "بال", "كال", "فال", "لل", "ال"];

/// Removed in this order, each at most once, as Lucene does (after normalisation ة is ه, so
/// `ية` is `يه`).
const SUFFIXES: [&str; 8] = ["ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي"];

/// Lucene lets a suffix go when two letters remain, which turns بيان into بي and مكان into مك
/// while مكانه keeps مكان; three keeps most triliteral roots whole.
const MIN_STEM_AFTER_SUFFIX: usize = 3;

/// Names whose last letters look like a suffix (ان, ين): stripping would give لبن for لبنان
/// and بحر for البحرين, while اللبناني and البحريني keep the name. Written as stems are
/// compared: normalised, without the article.
const WHOLE_NAMES: [&str; 14] = [
    "لبنان",
    "ايران",
    "سودان",
    "يابان",
    "يونان",
    "طهران",
    "باكستان",
    "افغانستان",
    "اذربيجان",
    "كازاخستان",
    "اوزبكستان",
    "فاتيكان",
    "تايوان",
    "بحرين",
];

fn len(s: &str) -> usize {
    s.chars().count()
}

/// The word without its article, and the article's length in letters.
fn strip_article(word: &str, letters: usize) -> Option<(&str, usize)> {
    ARTICLES.iter().find_map(|a| {
        let k = len(a);
        word.strip_prefix(a)
            .filter(|_| letters >= k + 2)
            .map(|rest| (rest, k))
    })
}

/// The light stem of a normalised word: one clitic prefix (ال وال بال كال فال لل, or و when
/// four letters or more), then the suffixes ها ان ات ون ين ية ه ي in turn.
///
/// Stemming can only shorten a word, so the stem is a slice of it.
///
/// Beyond Lucene: a و left at the front after a prefix went is removed too, so الوزير, ووزير
/// and وزير (whose و Lucene removes as the conjunction) end on one stem; and after a و the
/// article may go as well (وللأمم, وبالتالي).
pub fn stem(word: &str) -> &str {
    let mut w = word;
    // Counted once: this runs for every word of every article.
    let mut n = len(word);
    if let Some((rest, k)) = strip_article(w, n) {
        (w, n) = (rest, n - k);
    } else if n >= 4
        && let Some(rest) = w.strip_prefix('و')
    {
        (w, n) = (rest, n - 1);
        if let Some((rest, k)) = strip_article(w, n) {
            (w, n) = (rest, n - k);
        }
    }
    if w.len() != word.len()
        && n >= 4
        && let Some(rest) = w.strip_prefix('و')
    {
        (w, n) = (rest, n - 1);
    }
    for suffix in SUFFIXES {
        let k = len(suffix);
        if n >= k + MIN_STEM_AFTER_SUFFIX && w.ends_with(suffix) && !WHOLE_NAMES.contains(&w) {
            w = &w[..w.len() - suffix.len()];
            n -= k;
        }
    }
    w
}

/// Calls `f` with each search term of `text`, in order: what the index stores for it.
pub fn for_each_term(text: &str, mut f: impl FnMut(&str)) {
    let mut analyzer = text_analyzer();
    let mut stream = analyzer.token_stream(text);
    while let Some(token) = stream.next() {
        f(&token.text);
    }
}

/// The search terms of `text` (see [`for_each_term`]).
pub fn terms(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_each_term(text, |t| out.push(t.to_owned()));
    out
}

/// The analyzer to register as [`ANALYZER_NAME`] for the indexed fields.
pub fn text_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(ArabicTokenizer::default())
        .filter(MapFilter(stem_in_place))
        .filter(MapFilter(canonical_in_place))
        .build()
}

/// Splits into [`words`] and normalises them; offsets stay those of the original text so
/// snippets highlight what the article says, harakat and all.
#[derive(Clone, Default)]
pub struct ArabicTokenizer {
    token: Token,
}

pub struct ArabicTokenStream<'a> {
    text: &'a str,
    words: Box<dyn Iterator<Item = Range<usize>> + 'a>,
    token: &'a mut Token,
}

impl Tokenizer for ArabicTokenizer {
    type TokenStream<'a> = ArabicTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> ArabicTokenStream<'a> {
        self.token.reset();
        ArabicTokenStream {
            text,
            words: Box::new(words(text)),
            token: &mut self.token,
        }
    }
}

impl TokenStream for ArabicTokenStream<'_> {
    fn advance(&mut self) -> bool {
        for range in self.words.by_ref() {
            self.token.text.clear();
            normalize_into(&self.text[range.clone()], &mut self.token.text);
            if self.token.text.is_empty() || self.token.text.len() > MAX_TERM_BYTES {
                continue;
            }
            self.token.offset_from = range.start;
            self.token.offset_to = range.end;
            self.token.position = self.token.position.wrapping_add(1);
            return true;
        }
        false
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

/// A token filter that rewrites each token's text in place (the analyzer's stemming and
/// variant steps).
#[derive(Clone, Copy)]
pub struct MapFilter(pub fn(&mut String));

impl TokenFilter for MapFilter {
    type Tokenizer<T: Tokenizer> = MapFilterWrapper<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> MapFilterWrapper<T> {
        MapFilterWrapper {
            inner: tokenizer,
            map: self.0,
        }
    }
}

#[derive(Clone)]
pub struct MapFilterWrapper<T> {
    inner: T,
    map: fn(&mut String),
}

impl<T: Tokenizer> Tokenizer for MapFilterWrapper<T> {
    type TokenStream<'a> = MapTokenStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        MapTokenStream {
            inner: self.inner.token_stream(text),
            map: self.map,
        }
    }
}

pub struct MapTokenStream<S> {
    inner: S,
    map: fn(&mut String),
}

impl<S: TokenStream> TokenStream for MapTokenStream<S> {
    fn advance(&mut self) -> bool {
        if !self.inner.advance() {
            return false;
        }
        (self.map)(&mut self.inner.token_mut().text);
        true
    }

    fn token(&self) -> &Token {
        self.inner.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.inner.token_mut()
    }
}

fn stem_in_place(text: &mut String) {
    let stemmed = stem(text);
    // A stem is a slice of its word: keep that slice.
    let start = stemmed.as_ptr() as usize - text.as_ptr() as usize;
    let end = start + stemmed.len();
    text.truncate(end);
    text.drain(..start);
}

fn canonical_in_place(text: &mut String) {
    if let Some(canonical) = variants::canonical(text) {
        text.clear();
        text.push_str(canonical);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_folds_as_lucene_does_plus_digits_and_case() {
        let cases = [
            ("آمنة", "امنه"),
            ("أحمد", "احمد"),
            ("إيران", "ايران"),
            ("ٱلله", "الله"),
            ("مصطفى", "مصطفي"),
            ("فارسی", "فارسي"),
            ("کتاب", "كتاب"),
            ("مدرسة", "مدرسه"),
            ("الأخبـــار", "الاخبار"),
            ("سُورِيَّةٌ", "سوريه"),
            ("الرَّحْمٰن", "الرحمن"),
            ("٢٠١٥", "2015"),
            ("۱۹۷۹", "1979"),
            ("AFP Reuters", "afp reuters"),
            ("Ünal", "ünal"),
            ("ZWNJ\u{200C}in", "zwnjin"),
        ];
        for (input, want) in cases {
            assert_eq!(normalize(input), want, "normalize({input:?})");
        }
    }

    fn word_strs(text: &str) -> Vec<&str> {
        words(text).map(|r| &text[r]).collect()
    }

    #[test]
    fn words_split_on_punctuation_and_keep_marks_inside() {
        let cases: [(&str, &[&str]); 8] = [
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
        ];
        for (input, want) in cases {
            assert_eq!(word_strs(input), want, "words({input:?})");
        }
        assert!(word_strs("«»،؛؟!... - ـ").is_empty());
    }

    #[test]
    fn stem_removes_clitics_and_suffixes() {
        let cases = [
            ("التنظيم", "تنظيم"),
            ("وتنظيم", "تنظيم"),
            ("بالتنظيم", "تنظيم"),
            ("للتنظيم", "تنظيم"),
            ("والتنظيم", "تنظيم"),
            ("وللامم", "امم"),
            ("وبالتالي", "تال"),
            ("الاسلاميه", "اسلام"),
            ("الامريكيين", "امريك"),
            ("الامريكي", "امريك"),
            ("مسلحات", "مسلح"),
            ("العسكريون", "عسكر"),
            ("صورها", "صور"),
            // The root's و: the same stem however the word comes.
            ("وزير", "زير"),
            ("الوزير", "زير"),
            ("ووزير", "زير"),
            // Guards: too short to lose anything.
            ("وقت", "وقت"),
            ("ان", "ان"),
            ("الي", "الي"),
            ("بيان", "بيان"),
            ("بيانات", "بيان"),
            ("مكان", "مكان"),
            ("مكانه", "مكان"),
            ("منها", "منها"),
            // Names the rules must leave alone.
            ("داعش", "داعش"),
            ("لافروف", "لافروف"),
            ("روسيا", "روسيا"),
            ("لبنان", "لبنان"),
            ("اللبنانيون", "لبنان"),
            ("البحريني", "بحرين"),
            ("2015", "2015"),
        ];
        for (input, want) in cases {
            assert_eq!(stem(input), want, "stem({input:?})");
        }
    }

    #[test]
    fn terms_of_a_sentence() {
        assert_eq!(
            terms("كيري ولافروف يبحثان ضرب تنظيم لـ\"داعش\" في سورية"),
            [
                "كير",
                "لافروف",
                "يبحث",
                "ضرب",
                "تنظيم",
                "داعش",
                "في",
                "سوريا"
            ]
        );
        assert!(terms("...!؟ «» ـ").is_empty());
    }

    #[test]
    fn the_index_and_the_query_agree_on_the_issue_examples() {
        let same = [
            ("داعش", "\"داعش\""),
            ("داعش", "لـ\"داعش\""),
            ("تنظيم", "التنظيم"),
            ("تنظيم", "وتنظيم"),
            ("الاسلامية", "الإسلامية"),
            ("الإسلاميَّة", "الاسلاميه"),
        ];
        for (query, text) in same {
            assert_eq!(terms(query), terms(text), "{query} ~ {text}");
        }
    }

    #[test]
    fn offsets_point_into_the_original_text() {
        let text = "قال لـ\"داعش\" إنّ";
        let mut analyzer = text_analyzer();
        let mut stream = analyzer.token_stream(text);
        let mut seen = Vec::new();
        while let Some(t) = stream.next() {
            seen.push((
                t.text.clone(),
                &text[t.offset_from..t.offset_to],
                t.position,
            ));
        }
        assert_eq!(
            seen,
            [
                ("قال".to_string(), "قال", 0),
                ("داعش".to_string(), "داعش", 1),
                ("ان".to_string(), "إنّ", 2),
            ]
        );
    }
}
