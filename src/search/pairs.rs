//! What the index is fed: each text analysed once into its terms, and the word pairs (shingles,
//! as Elasticsearch's `index_phrases`) made of them.
//!
//! A text of an article is analysed once, by [`analysed_into`], into a line of its terms, each
//! after its length; the indexed fields read that line back with two tokenizers that only
//! split it: [`Line::terms`] gives the terms themselves (the `title` and `body` fields, with positions)
//! and [`Line::pairs`] every two adjacent terms joined as one term (the `*_pairs` fields). A two-word
//! phrase is then one term of a pairs field: one postings list, no positions to read, where a
//! phrase query reads the positions of every article holding both words.
//!
//! The pairs are made from the tokens the terms field gets, so they agree with its phrase
//! query by construction: a spelling the analyzer folds reaches the same pair; words without
//! a term (punctuation, tatweel alone, a word too long) take no position in the terms field
//! either, so the words on each side of them are adjacent in both; and a pair never spans two
//! values of a field (title and subtitle, body and a caption), as tantivy leaves a position
//! free between values. Paragraphs and sentences of one value are one run of terms: the
//! phrase query matches across them, and so do the pairs.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use super::analyzer::{Analyzed, for_each_term, for_each_word};
use crate::parse::Article;

/// The tokenizer name of [`Line::terms`] in the index's tokenizer manager.
pub const TERMS_NAME: &str = "arabic-terms";
/// The tokenizer name of [`Line::pairs`].
pub const PAIRS_NAME: &str = "arabic-pairs";

/// Joins the two terms of a pair: a character no term holds (terms are made of letters,
/// digits and marks, see `crate::arabic::words`), so that no pair reads as another.
const PAIR_JOIN: char = '\u{1F}';

/// Appends the terms of `text` to `out`, each after its length in one byte: what [`Line`]
/// reads.
pub fn analysed_into(text: &str, out: &mut String) {
    for_each_term(text, |term| push_term(out, term));
}

/// An article's title and body as lines of terms ([`analysed_into`]), what the index reads of
/// them. Made by [`ArticleTerms::analyse`], which also hands each word to whoever else reads
/// them (the build's thread profile), so that a build reads an article's words once.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ArticleTerms {
    pub(super) title: String,
    /// The paragraphs' terms in order: what [`analysed_into`] makes of each, one after the
    /// other (no word spans two paragraphs).
    pub(super) body: String,
}

/// A word of an article as [`ArticleTerms::analyse`] reads it.
pub enum Word<'a> {
    /// A word of the title that has a term.
    Title(&'a Analyzed),
    /// A word of the body, term or not.
    Body(&'a Analyzed),
    /// The end of the title or of a paragraph.
    EndOfText,
}

impl ArticleTerms {
    pub fn of(article: &Article) -> ArticleTerms {
        ArticleTerms::analyse(article, |_| {})
    }

    /// The terms of `article`'s title and body, calling `each` with every word on the way:
    /// the title's terms, then each paragraph's words, each text followed by
    /// [`Word::EndOfText`]. `each` must not analyse text itself (the analyzer's memo is
    /// borrowed meanwhile).
    pub fn analyse(article: &Article, mut each: impl FnMut(Word)) -> ArticleTerms {
        // The body's line of terms is about as long as the body (its words normalised and
        // stemmed, each after a length byte where a space was): sized once, it is not grown
        // and copied a dozen times an article.
        let body_len = article.body.iter().map(|p| p.len() + 1).sum();
        let mut terms = ArticleTerms {
            title: String::new(),
            body: String::with_capacity(body_len),
        };
        for_each_word(&article.title, |word| {
            if !word.term.is_empty() {
                push_term(&mut terms.title, &word.term);
                each(Word::Title(word));
            }
        });
        each(Word::EndOfText);
        for paragraph in &article.body {
            for_each_word(paragraph, |word| {
                if !word.term.is_empty() {
                    push_term(&mut terms.body, &word.term);
                }
                each(Word::Body(word));
            });
            each(Word::EndOfText);
        }
        terms
    }
}

/// Appends `term` to a line: its length in bytes as one ASCII character, then the term. Every
/// token the index reads is read back from a line twice (terms and pairs): a length is read in
/// a few instructions where a separator was searched for byte by byte (terms and pairs read
/// by `split_ascii_whitespace` were 5.8 % of a build's instructions, notes/build-bench.md).
/// A length under 128 is ASCII, so the line stays UTF-8.
fn push_term(line: &mut String, term: &str) {
    match u8::try_from(term.len()) {
        Ok(len) if len < 0x80 => {
            line.push(char::from(len));
            line.push_str(term);
        }
        // Never: a term is at most `MAX_TERM_BYTES` long, and a variant's canonical form too
        // (`a_terms_length_fits_in_one_ascii_byte`).
        _ => debug_assert!(false, "a term of {} bytes", term.len()),
    }
}

/// The first term of a line [`push_term`] wrote, which is left after it.
fn next_term<'a>(rest: &mut &'a str) -> Option<&'a str> {
    let len = usize::from(*rest.as_bytes().first()?);
    // `get` checks both ends are character boundaries: a line made otherwise ends here.
    let term = rest.get(1..1 + len)?;
    *rest = &rest[1 + len..];
    Some(term)
}

/// The pair term of two adjacent terms, as the pairs fields hold it.
pub fn pair(first: &str, second: &str) -> String {
    let mut out = String::with_capacity(first.len() + second.len() + 1);
    out.push_str(first);
    out.push(PAIR_JOIN);
    out.push_str(second);
    out
}

/// Reads a line [`analysed_into`] wrote: its terms in order ([`Line::terms`]), or every two
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
    /// What is left of the line.
    rest: &'a str,
    /// The term before the next one, for pairs (the first pair needs two terms).
    previous: Option<&'a str>,
    pairs: bool,
    token: &'a mut Token,
}

impl Tokenizer for Line {
    type TokenStream<'a> = LineStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> LineStream<'a> {
        self.token.reset();
        let mut rest = text;
        let previous = if self.pairs {
            next_term(&mut rest)
        } else {
            None
        };
        LineStream {
            rest,
            previous,
            pairs: self.pairs,
            token: &mut self.token,
        }
    }
}

impl TokenStream for LineStream<'_> {
    fn advance(&mut self) -> bool {
        let Some(word) = next_term(&mut self.rest) else {
            return false;
        };
        let text = &mut self.token.text;
        text.clear();
        if self.pairs
            && let Some(previous) = self.previous.replace(word)
        {
            text.push_str(previous);
            text.push(PAIR_JOIN);
        }
        text.push_str(word);
        self.token.position = self.token.position.wrapping_add(1);
        true
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
        let text = "قال وزيرُ الخارجيّة: «سوريا»... ـ لـ\"داعش\" ١٠";
        let mut line = String::new();
        analysed_into(text, &mut line);
        let want = terms(text);
        assert!(want.len() >= 5, "{want:?}");
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
        assert_eq!(pairs, want_pairs);
    }

    #[test]
    fn an_articles_terms_are_its_texts_analysed_and_each_word_is_handed_on_once() {
        // Paragraphs that end and begin on a word, a clitic and a mark: joined by a line
        // break (as the index stores them) they give the same terms as one by one.
        let article = Article {
            title: "وزيرُ الخارجيّة في «دمشق»".into(),
            body: vec![
                "قال الوزير لـ\"داعش\"".into(),
                "ـ والمعارضة ١٠ مرات.".into(),
                "…".into(),
            ],
            ..Article::default()
        };
        let mut seen = Vec::new();
        let got = ArticleTerms::analyse(&article, |w| {
            seen.push(match w {
                Word::Title(w) => format!("title {}", w.term),
                Word::Body(w) => format!("body {}", w.term),
                Word::EndOfText => "end".into(),
            })
        });
        let mut title = String::new();
        analysed_into(&article.title, &mut title);
        let mut body = String::new();
        analysed_into(&article.body.join("\n"), &mut body);
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
    fn a_terms_length_fits_in_one_ascii_byte() {
        use crate::search::analyzer::MAX_TERM_BYTES;
        const { assert!(MAX_TERM_BYTES < 0x80) };
        let long = "ب".repeat(MAX_TERM_BYTES / 2);
        let mut line = String::new();
        analysed_into(&format!("{long} قال"), &mut line);
        assert_eq!(tokens(Line::terms(), &line).len(), 2, "{line:?}");
    }

    #[test]
    fn no_term_holds_the_join_or_a_space_and_short_texts_have_no_pair() {
        let text = "Obama's ٢٠١٥ ﷺ ﻻ AFP-news تـــم";
        for term in terms(text) {
            assert!(!term.contains(PAIR_JOIN) && !term.contains(char::is_whitespace));
        }
        let mut line = String::new();
        analysed_into("وزير", &mut line);
        assert_eq!(tokens(Line::pairs(), &line), []);
        assert_eq!(tokens(Line::pairs(), ""), []);
        assert_eq!(tokens(Line::terms(), "").len(), 0);
    }
}
