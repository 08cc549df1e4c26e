//! The Arabic analyzer: what a stretch of text becomes as search terms.
//!
//! The same steps run when an article is indexed, when a reader's query is read and when story
//! threads compare articles, so a spelling the writer chose and one the reader types meet on one
//! term:
//!
//! 1. [`crate::arabic::words`] splits into words, keeping marks inside the word they decorate
//!    and dropping a clitic stretched off its word by tatweel (`لـ"داعش"`, `لـداعش`, `بـ`).
//! 2. [`crate::arabic::normalize`] folds spellings by the crate's one table (the parser's keys
//!    and the threads' profiles fold by it too), digits and case.
//! 3. [`stem`] removes clitic prefixes and suffixes, as Lucene's `ArabicStemmer` does, with
//!    stricter length guards.
//! 4. The variant table ([`super::variants`]) maps outlets' spellings of a name to one form.
//!
//! [`text_analyzer`] packs the steps as a tantivy tokenizer and two filters; [`for_each_term`]
//! runs them without an index.

use std::ops::Range;

use tantivy::tokenizer::{
    PreTokenizedString, TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer,
};

use super::stem::stem;
use super::variants;
use crate::arabic::{normalize_into, words};
use crate::parse::Article;

/// The name the analyzer is registered under in the index's tokenizer manager.
pub const ANALYZER_NAME: &str = "arabic";

/// Longer "words" are URLs, base64 or glued-together garbage; nobody searches for them.
const MAX_TERM_BYTES: usize = 100;

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

/// An article's search terms, made once while the article is built: the thread profile counts
/// them and the index takes them as they are ([`PreTokenizedString`]), so the analyzer runs
/// once per article, not once for the profile and again inside tantivy. The tokens are what
/// the registered analyzer makes of the stored text (same texts, positions and offsets), so
/// the index is the same either way.
pub struct Analyzed {
    pub(super) title: PreTokenizedString,
    pub(super) subtitle: Option<PreTokenizedString>,
    /// The paragraphs joined by newlines, as the index stores the body.
    pub(super) body: PreTokenizedString,
    /// Where each paragraph's tokens end in `body.tokens`.
    paragraph_ends: Vec<usize>,
    pub(super) captions: Vec<PreTokenizedString>,
}

impl Analyzed {
    pub fn of(a: &Article) -> Analyzed {
        let mut analyzer = text_analyzer();
        let mut whole = |text: &str| {
            let mut tokens = Vec::new();
            analyzer
                .token_stream(text)
                .process(&mut |t| tokens.push(t.clone()));
            PreTokenizedString {
                text: text.to_owned(),
                tokens,
            }
        };
        let title = whole(&a.title);
        let subtitle = a.subtitle.as_deref().map(&mut whole);
        let captions = a.captions.iter().map(|c| whole(c)).collect();
        // Paragraph by paragraph, as if the joined text were analysed: a newline is never
        // inside a word, so the words are the same, counted on across paragraphs.
        let text = a.body.join("\n");
        let mut tokens: Vec<Token> = Vec::new();
        let mut paragraph_ends = Vec::with_capacity(a.body.len());
        let mut start = 0;
        for paragraph in &a.body {
            analyzer.token_stream(paragraph).process(&mut |t| {
                let mut t = t.clone();
                t.offset_from += start;
                t.offset_to += start;
                t.position = tokens.len();
                tokens.push(t);
            });
            paragraph_ends.push(tokens.len());
            start += paragraph.len() + 1;
        }
        Analyzed {
            title,
            subtitle,
            body: PreTokenizedString { text, tokens },
            paragraph_ends,
            captions,
        }
    }

    /// The title's terms (not the subtitle's).
    pub fn title_terms(&self) -> impl Iterator<Item = &str> {
        self.title.tokens.iter().map(|t| t.text.as_str())
    }

    /// Each paragraph's terms.
    pub fn paragraph_terms(&self) -> impl Iterator<Item = impl Iterator<Item = &str>> {
        let mut start = 0;
        self.paragraph_ends.iter().map(move |&end| {
            let tokens = &self.body.tokens[start..end];
            start = end;
            tokens.iter().map(|t| t.text.as_str())
        })
    }
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

    /// What the registered analyzer makes of `text`: what tantivy would index.
    fn analysed(text: &str) -> Vec<(String, usize, usize, usize)> {
        let mut analyzer = text_analyzer();
        let mut out = Vec::new();
        analyzer.token_stream(text).process(&mut |t| {
            out.push((t.text.clone(), t.offset_from, t.offset_to, t.position));
        });
        out
    }

    fn tokens(p: &PreTokenizedString) -> Vec<(String, usize, usize, usize)> {
        p.tokens
            .iter()
            .map(|t| (t.text.clone(), t.offset_from, t.offset_to, t.position))
            .collect()
    }

    #[test]
    fn terms_made_once_are_what_the_index_would_make_of_the_stored_text() {
        let article = Article {
            title: "وزير الخارجية يلتقي نظيره".into(),
            subtitle: Some("بحثا في الأزمة".into()),
            body: vec![
                "قال الوزير لـ\"الصحيفة\" إنّ".into(),
                String::new(),
                "...".into(),
                "وأضاف: الوضع في سورية صعب\nجداً".into(),
            ],
            captions: vec!["صورة الوزير".into()],
            ..Article::default()
        };
        let a = Analyzed::of(&article);
        assert_eq!(a.body.text, article.body.join("\n"));
        assert_eq!(tokens(&a.body), analysed(&a.body.text));
        assert_eq!(tokens(&a.title), analysed(&article.title));
        assert_eq!(
            tokens(a.subtitle.as_ref().unwrap()),
            analysed("بحثا في الأزمة")
        );
        assert_eq!(tokens(&a.captions[0]), analysed("صورة الوزير"));
        let paragraphs: Vec<Vec<&str>> = a.paragraph_terms().map(Iterator::collect).collect();
        let expected: Vec<Vec<String>> = article.body.iter().map(|p| terms(p)).collect();
        assert_eq!(paragraphs, expected);
        assert_eq!(a.title_terms().collect::<Vec<_>>(), terms(&article.title));
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
