//! What the index is fed: each text analysed once into its terms, and the word pairs (shingles,
//! as Elasticsearch's `index_phrases`) made of them.
//!
//! A text of an article is analysed once, by [`analysed`], into a line of its terms (see
//! [`LineWriter`]); the indexed fields read that line back with two tokenizers that only
//! split it: [`Line::terms`] gives the terms themselves (the `title` and `body` fields, with
//! positions) and [`Line::pairs`] every two adjacent terms joined as one term (the `*_pairs`
//! fields). A two-word phrase is then one term of a pairs field: one postings list, no
//! positions to read, where a phrase query reads the positions of every article holding both
//! words.
//!
//! The pairs are made from the tokens the terms field gets, so they agree with its phrase
//! query by construction: a spelling the analyzer folds reaches the same pair; words without
//! a term (punctuation, tatweel alone, a word too long) take no position in the terms field
//! either, so the words on each side of them are adjacent in both; and a pair never spans two
//! values of a field (title and subtitle, body and a caption), as tantivy leaves a position
//! free between values. Paragraphs and sentences of one value are one run of terms: the
//! phrase query matches across them, and so do the pairs.

use std::ops::Range;

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use super::analyzer::{Analyzed, ReadWord, for_each_term, read_words};
use crate::parse::Article;

/// The tokenizer name of [`Line::terms`] in the index's tokenizer manager.
pub const TERMS_NAME: &str = "arabic-terms";
/// The tokenizer name of [`Line::pairs`].
pub const PAIRS_NAME: &str = "arabic-pairs";

/// Joins the two terms of a pair: a character no term holds (terms are made of letters,
/// digits and marks, see `crate::arabic::words`), so that no pair reads as another.
const PAIR_JOIN: char = '\u{1F}';

/// Ends a line's terms, before their lengths: a byte no term holds, nor a length (a term is
/// never empty).
const END_OF_TERMS: u8 = 0;

/// The terms of `text` as a line [`Line`] reads.
pub fn analysed(text: &str) -> String {
    let mut line = LineWriter::default();
    for_each_term(text, |term| line.push(term));
    line.finish()
}

/// An article's title and body as lines of terms ([`analysed`]), what the index reads of
/// them. Made by [`ArticleTerms::analyse`], which also hands each word to whoever else reads
/// them (the build's thread profile), so that a build reads an article's words once.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ArticleTerms {
    pub(super) title: String,
    /// The paragraphs' terms in order, as one line (no word spans two paragraphs).
    pub(super) body: String,
}

/// Who reads an article's words as [`ArticleTerms::analyse`] hands them on (the build's thread
/// profile). Its methods run at every word of every article: an implementation marks them
/// `#[inline(always)]`, so that they are part of the analyzer's loop, not a call a word (a
/// closure was not inlined, ≈ 15 instructions a word to save and restore registers).
pub trait WordReader {
    /// A word of the title that has a term.
    fn title(&mut self, word: &Analyzed);
    /// A word of the body, term or not.
    fn body(&mut self, word: &Analyzed);
    /// The end of the title or of a paragraph.
    fn end_of_text(&mut self);
}

/// Reads nothing.
impl WordReader for () {
    fn title(&mut self, _: &Analyzed) {}
    fn body(&mut self, _: &Analyzed) {}
    fn end_of_text(&mut self) {}
}

impl ArticleTerms {
    pub fn of(article: &Article) -> ArticleTerms {
        ArticleTerms::analyse(article, &mut ())
    }

    /// The terms of `article`'s title and body, handing `each` every word on the way: the
    /// title's terms, then each paragraph's words, each text followed by its end. `each`
    /// must not analyse text itself (the analyzer's memo is borrowed meanwhile).
    pub fn analyse(article: &Article, each: &mut impl WordReader) -> ArticleTerms {
        // The body's terms are about as long as the body (its words normalised and stemmed,
        // a join where a space was): sized once, the line is not grown and copied a dozen
        // times an article.
        let body_len = article.body.iter().map(|p| p.len() + 1).sum();
        let mut title = Text::<_, true> {
            line: LineWriter::default(),
            each: &mut *each,
        };
        read_words(&article.title, &mut title);
        let title = title.line;
        each.end_of_text();
        let mut body = Text::<_, false> {
            line: LineWriter::with_capacity(body_len),
            each,
        };
        for paragraph in &article.body {
            read_words(paragraph, &mut body);
            body.each.end_of_text();
        }
        ArticleTerms {
            title: title.finish(),
            body: body.line.finish(),
        }
    }
}

/// A text's words as [`ArticleTerms::analyse`] reads them: its terms to the line; to `each`
/// the title's terms (`TITLE`), or every word of the body.
struct Text<'a, R, const TITLE: bool> {
    line: LineWriter,
    each: &'a mut R,
}

impl<R: WordReader, const TITLE: bool> ReadWord for Text<'_, R, TITLE> {
    #[inline(always)]
    fn word(&mut self, word: &Analyzed) {
        let has_term = !word.term.is_empty();
        if has_term {
            self.line.push(&word.term);
        }
        if !TITLE {
            self.each.body(word);
        } else if has_term {
            self.each.title(word);
        }
    }
}

/// A line of terms being written: the terms joined by [`PAIR_JOIN`], then [`END_OF_TERMS`]
/// and each term's length in bytes as one ASCII character (a length under 128 is ASCII, so
/// the line stays UTF-8).
///
/// Every token the index reads is read back from a line twice (terms and pairs). A term is
/// found by its length in a few instructions where a separator was searched for byte by byte
/// (terms and pairs read by `split_ascii_whitespace` were 5.8 % of a build's instructions,
/// notes/build-bench.md); and as the terms are joined as [`pair`] joins them, two adjacent
/// terms are already their pair: each token is one slice of the line, copied once (a length
/// before each term made a pair of two copies and a join, ≈ 57 instructions a token). The
/// lengths come last so that the line is the terms' own buffer, not a copy of it.
#[derive(Default)]
struct LineWriter {
    terms: String,
    lengths: String,
}

impl LineWriter {
    fn with_capacity(terms: usize) -> LineWriter {
        LineWriter {
            terms: String::with_capacity(terms),
            // A term is some seven bytes and its join.
            lengths: String::with_capacity(terms / 8),
        }
    }

    /// Always inlined: once a term of every article (in the shipped binary it was a call).
    #[inline(always)]
    fn push(&mut self, term: &str) {
        match u8::try_from(term.len()) {
            Ok(len @ 1..0x80) => {
                if !self.lengths.is_empty() {
                    self.terms.push(PAIR_JOIN);
                }
                self.terms.push_str(term);
                self.lengths.push(char::from(len));
            }
            // Never: a term is at most `MAX_TERM_BYTES` long, and a variant's canonical form too
            // (`a_terms_length_fits_in_one_ascii_byte`), and never empty (`for_each_term`).
            _ => debug_assert!(false, "a term of {} bytes", term.len()),
        }
    }

    fn finish(mut self) -> String {
        self.terms.push(char::from(END_OF_TERMS));
        self.terms.push_str(&self.lengths);
        self.terms
    }
}

/// The pair term of two adjacent terms, as the pairs fields hold it.
pub fn pair(first: &str, second: &str) -> String {
    let mut out = String::with_capacity(first.len() + second.len() + 1);
    out.push_str(first);
    out.push(PAIR_JOIN);
    out.push_str(second);
    out
}

/// Reads a line [`analysed`] wrote: its terms in order ([`Line::terms`]), or every two
/// adjacent terms joined as [`pair`] does ([`Line::pairs`]).
#[derive(Clone, Default)]
pub struct Line {
    pairs: bool,
    token: Token,
}

impl Line {
    pub fn terms() -> Line {
        Line::default()
    }

    pub fn pairs() -> Line {
        Line {
            pairs: true,
            ..Line::default()
        }
    }
}

pub struct LineStream<'a> {
    /// The line's terms, joined.
    terms: &'a str,
    /// The lengths of the terms not read yet.
    lengths: std::slice::Iter<'a, u8>,
    /// Where the next term starts in `terms`.
    next: usize,
    /// Where the last term read starts, for pairs: the next pair runs from there.
    previous: usize,
    pairs: bool,
    token: &'a mut Token,
}

impl LineStream<'_> {
    /// The next term's place in `terms`, and moves past it and its join.
    #[inline]
    fn next_term(&mut self) -> Option<Range<usize>> {
        let len = usize::from(*self.lengths.next()?);
        let start = self.next;
        self.next = start + len + PAIR_JOIN.len_utf8();
        Some(start..start + len)
    }
}

impl Tokenizer for Line {
    type TokenStream<'a> = LineStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> LineStream<'a> {
        self.token.reset();
        // The lengths hold no `END_OF_TERMS`: the last one in the line is the one it wrote.
        let (terms, lengths) = match memchr::memrchr(END_OF_TERMS, text.as_bytes()) {
            Some(end) => (&text[..end], &text.as_bytes()[end + 1..]),
            None => ("", &[][..]),
        };
        let mut stream = LineStream {
            terms,
            lengths: lengths.iter(),
            next: 0,
            previous: 0,
            pairs: self.pairs,
            token: &mut self.token,
        };
        if stream.pairs {
            // The first pair needs two terms.
            stream.next_term();
        }
        stream
    }
}

impl TokenStream for LineStream<'_> {
    #[inline]
    fn advance(&mut self) -> bool {
        let Some(term) = self.next_term() else {
            return false;
        };
        let start = if self.pairs {
            std::mem::replace(&mut self.previous, term.start)
        } else {
            term.start
        };
        // `get` checks both ends are character boundaries: a line made otherwise ends here.
        let Some(text) = self.terms.get(start..term.end) else {
            return false;
        };
        self.token.text.clear();
        self.token.text.push_str(text);
        self.token.position = self.token.position.wrapping_add(1);
        true
    }

    /// Every token to `sink`, as [`LineStream::advance`] gives them one by one, the stream's
    /// place held in locals meanwhile. Tantivy reads each text of a document this way, and in
    /// the shipped binary its default loop called `advance` at every token (not inlined),
    /// which saved registers and stored the place back each time: 19.7 M tokens at 10,000
    /// dumps, all on tantivy's one indexing thread (notes/build-bench.md, session 46).
    fn process(&mut self, sink: &mut dyn FnMut(&Token)) {
        let (terms, pairs) = (self.terms, self.pairs);
        let (mut next, mut previous) = (self.next, self.previous);
        let token = &mut *self.token;
        for &len in self.lengths.by_ref() {
            let start = next;
            let end = start + usize::from(len);
            next = end + PAIR_JOIN.len_utf8();
            let from = if pairs {
                std::mem::replace(&mut previous, start)
            } else {
                start
            };
            // As in `advance`: a line made otherwise ends here.
            let Some(text) = terms.get(from..end) else {
                break;
            };
            token.text.clear();
            token.text.push_str(text);
            token.position = token.position.wrapping_add(1);
            sink(token);
        }
        (self.next, self.previous) = (next, previous);
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::analyzer::terms;

    fn tokens<T: Tokenizer>(mut tokenizer: T, text: &str) -> Vec<(String, usize)> {
        let mut stream = tokenizer.token_stream(text);
        let mut out = Vec::new();
        while let Some(t) = stream.next() {
            out.push((t.text.clone(), t.position));
        }
        out
    }

    #[test]
    fn the_terms_field_gets_the_analyzers_terms_and_the_pairs_field_their_neighbours() {
        // Terms of one byte and of the longest length, first, last and alone, Latin and digits.
        let longest = "ب".repeat(crate::search::analyzer::MAX_TERM_BYTES / 2);
        for text in [
            "قال وزيرُ الخارجيّة: «سوريا»... ـ لـ\"داعش\" ١٠",
            &format!("{longest} قال {longest}"),
            &format!("a {longest} b"),
            "وزير الخارجية",
            "وزير",
            "Obama's AFP-news 2015 x 7",
        ] {
            let line = analysed(text);
            let want = terms(text);
            let got = tokens(Line::terms(), &line);
            assert_eq!(got.iter().map(|(t, _)| t.clone()).collect::<Vec<_>>(), want);
            assert_eq!(
                got.iter().map(|&(_, p)| p).collect::<Vec<_>>(),
                (0..want.len()).collect::<Vec<_>>()
            );
            let pairs = tokens(Line::pairs(), &line);
            let want_pairs: Vec<(String, usize)> = want
                .windows(2)
                .enumerate()
                .map(|(i, w)| (pair(&w[0], &w[1]), i))
                .collect();
            assert_eq!(pairs, want_pairs, "{text}");
        }
    }

    #[test]
    fn an_articles_terms_are_its_texts_analysed_and_each_word_is_handed_on_once() {
        // Paragraphs that end and begin on a word, a clitic and a mark: joined by a line
        // break (as the index stores them) they give the same terms as one by one. Words too
        // long to remember, with a term and without, in the title and the body: the
        // analyzer's own slot for them is read as a remembered word is.
        let (long, too_long) = ("ب".repeat(40), "ت".repeat(60));
        let article = Article {
            title: format!("وزيرُ {long} الخارجيّة في «دمشق» {too_long}"),
            body: vec![
                "قال الوزير لـ\"داعش\"".into(),
                format!("{long} {long}ي {too_long} قال"),
                "ـ والمعارضة ١٠ مرات.".into(),
                "…".into(),
            ],
            ..Article::default()
        };
        /// Each word read, as a line.
        struct Seen(Vec<String>);
        impl WordReader for Seen {
            fn title(&mut self, word: &Analyzed) {
                self.0.push(format!("title {}", word.term));
            }
            fn body(&mut self, word: &Analyzed) {
                self.0.push(format!("body {}", word.term));
            }
            fn end_of_text(&mut self) {
                self.0.push("end".into());
            }
        }
        let mut seen = Seen(Vec::new());
        let got = ArticleTerms::analyse(&article, &mut seen);
        let seen = seen.0;
        let (title, body) = (analysed(&article.title), analysed(&article.body.join("\n")));
        assert_eq!(got, ArticleTerms { title, body });
        assert_eq!(got, ArticleTerms::of(&article));
        let title_terms = terms(&article.title);
        assert!(
            seen.starts_with(
                &title_terms
                    .iter()
                    .map(|t| format!("title {t}"))
                    .collect::<Vec<_>>()
            )
        );
        let body_terms: Vec<String> = seen
            .iter()
            .filter_map(|s| s.strip_prefix("body "))
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect();
        assert_eq!(body_terms, terms(&article.body.join("\n")));
        assert_eq!(
            seen.iter().filter(|s| *s == "end").count(),
            1 + article.body.len()
        );
    }

    #[test]
    fn processing_a_line_gives_what_advancing_through_it_gives() {
        // Tantivy reads the fields by `process`; the other tests by `advance`.
        let processed = |mut tokenizer: Line, text: &str| {
            let mut stream = tokenizer.token_stream(text);
            let mut out = Vec::new();
            stream.process(&mut |t| out.push((t.text.clone(), t.position)));
            // Nothing is left to read after it.
            assert!(!stream.advance());
            out
        };
        let line = analysed("قال وزيرُ الخارجيّة: «سوريا»... ـ لـ\"داعش\" ١٠ AFP");
        let broken = format!("{}\u{1}\u{1}", &line[..line.find('\0').unwrap()]);
        for text in [
            line.as_str(),
            &analysed("وزير"),
            &analysed(""),
            "",
            &broken,
            "ab\0\u{1}\u{7f}",
        ] {
            for tokenizer in [Line::terms(), Line::pairs()] {
                let want = tokens(tokenizer.clone(), text);
                assert_eq!(processed(tokenizer, text), want, "{text:?}");
            }
        }
        assert_eq!(tokens(Line::pairs(), &line).len(), 6);
    }

    #[test]
    fn a_terms_length_fits_in_one_ascii_byte() {
        use crate::search::analyzer::MAX_TERM_BYTES;
        const { assert!(MAX_TERM_BYTES < 0x80) };
        let long = "ب".repeat(MAX_TERM_BYTES / 2);
        let line = analysed(&format!("{long} قال"));
        assert_eq!(tokens(Line::terms(), &line).len(), 2, "{line:?}");
    }

    #[test]
    fn no_term_holds_the_join_or_a_space_and_short_texts_have_no_pair() {
        let text = "Obama's ٢٠١٥ ﷺ ﻻ AFP-news\0x تـــم";
        for term in terms(text) {
            assert!(!term.contains(PAIR_JOIN) && !term.contains(char::is_whitespace));
            assert!(!term.contains(char::from(END_OF_TERMS)));
        }
        assert_eq!(tokens(Line::pairs(), &analysed("وزير")), []);
        assert_eq!(tokens(Line::pairs(), &analysed("")), []);
        assert_eq!(tokens(Line::terms(), &analysed("")), []);
        assert_eq!(tokens(Line::pairs(), ""), []);
        assert_eq!(tokens(Line::terms(), "").len(), 0);
    }
}
