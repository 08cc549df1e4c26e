//! What the index is fed: each text analysed once into its terms, and the word pairs (common
//! grams, as Lucene's `CommonGramsFilter`) made of them.
//!
//! A text of an article is analysed once, by [`analysed`], into a line of its terms (see
//! `super::line`); the indexed fields read that line back with two tokenizers that only
//! split it: `Line::terms` gives the terms themselves (the `title` and `body` fields, with
//! positions) and `Line::pairs` every two adjacent terms of which one is common
//! ([`super::common`]) joined as one term (the `*_pairs` fields). A two-word phrase with a
//! common word is then one term of a pairs field: one postings list, where a phrase query
//! would read the positions of every article holding both words, most of the archive for two
//! common words. A phrase of two words that are not common is searched by their positions
//! ([`pair_is_indexed`]): the articles holding both are fewer, and the pairs of such words are
//! half the pairs of real text and of their distinct keys, each key costing tantivy's
//! dictionary some 7.6 K instructions (notes/build-bench.md, sessions 47 and 48).
//!
//! The pairs are made from the tokens the terms field gets, so they agree with its phrase
//! query by construction: a spelling the analyzer folds reaches the same pair; words without
//! a term (punctuation, tatweel alone, a word too long) take no position in the terms field
//! either, so the words on each side of them are adjacent in both; and a pair never spans two
//! values of a field (title and subtitle, body and a caption), as tantivy leaves a position
//! free between values. Paragraphs and sentences of one value are one run of terms: the
//! phrase query matches across them, and so do the pairs.

use super::analyzer::{Analyzed, ReadWord, for_each_word, read_key_words, read_words};
use super::common::{MAX_COMMON_BYTES, is_common};
use super::line::LineWriter;
use crate::parse::{Article, BodyKeys};

/// The terms of `text` as a line of terms (`super::line`).
pub fn analysed(text: &str) -> String {
    let mut line = LineWriter::default();
    for_each_word(text, |word| {
        if !word.term.is_empty() {
            line.push(&word.term, word.common);
        }
    });
    line.finish()
}

/// [`analysed`], a term common when `common` says so rather than by [`super::common`]'s table
/// (the floor bench's tables of other sizes); never one longer than [`MAX_COMMON_BYTES`].
pub(super) fn analysed_by(text: &str, common: &dyn Fn(&str) -> bool) -> String {
    let mut line = LineWriter::default();
    for_each_word(text, |word| {
        if !word.term.is_empty() {
            let term = &word.term;
            line.push(term, term.len() <= MAX_COMMON_BYTES && common(term));
        }
    });
    line.finish()
}

/// Whether the pairs fields hold the pair of the adjacent terms `first` and `second`: when one
/// of them is common, as `Line::pairs` decides at indexing.
pub fn pair_is_indexed(first: &str, second: &str) -> bool {
    is_common(first) || is_common(second)
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
    /// A paragraph of the body about to be read by its key ([`read_key_words`]), the key
    /// `len` bytes long: its folded words and a space between each two. Its words then come
    /// to [`WordReader::body_keyed`].
    fn key(&mut self, len: usize);
    /// A word of a paragraph read by its key, term or not: [`WordReader::body`], but for
    /// what [`WordReader::key`] was told of the paragraph (its folded length once for all its
    /// words, not a word at a time: ≈ 5 instructions a word, notes/build-bench.md
    /// session 51).
    fn body_keyed(&mut self, word: &Analyzed);
    /// The end of the title or of a paragraph.
    fn end_of_text(&mut self);
}

/// Reads nothing.
impl WordReader for () {
    fn title(&mut self, _: &Analyzed) {}
    fn body(&mut self, _: &Analyzed) {}
    fn key(&mut self, _: usize) {}
    fn body_keyed(&mut self, _: &Analyzed) {}
    fn end_of_text(&mut self) {}
}

impl ArticleTerms {
    /// Its title's line and its body's.
    #[cfg(test)]
    pub(crate) fn lines(&self) -> [&str; 2] {
        [&self.title, &self.body]
    }

    pub fn of(article: &Article) -> ArticleTerms {
        ArticleTerms::analyse(article, &mut ())
    }

    /// The terms of `article`'s title and body, handing `each` every word on the way: the
    /// title's terms, then each paragraph's words, each text followed by its end. `each`
    /// must not analyse text itself (the analyzer's memo is borrowed meanwhile).
    pub fn analyse(article: &Article, each: &mut impl WordReader) -> ArticleTerms {
        ArticleTerms::analyse_keyed(article, &BodyKeys::default(), each)
    }

    /// [`ArticleTerms::analyse`], each paragraph that `keys` holds the key of read by its key
    /// ([`read_key_words`]), the others from their text: the same terms and words.
    pub fn analyse_keyed(
        article: &Article,
        keys: &BodyKeys,
        each: &mut impl WordReader,
    ) -> ArticleTerms {
        // The body's terms are about as long as the body (its words normalised and stemmed,
        // a join where a space was): sized once, the line is not grown and copied a dozen
        // times an article.
        let body_len = article.body.iter().map(|p| p.len() + 1).sum();
        let mut title_line = LineWriter::default();
        let mut title = Text::<_, true, false> {
            line: &mut title_line,
            each: &mut *each,
        };
        read_words(&article.title, &mut title);
        each.end_of_text();
        let mut body_line = LineWriter::with_capacity(body_len);
        for (i, paragraph) in article.body.iter().enumerate() {
            match keys.key(i, paragraph) {
                Some(key) => {
                    each.key(key.len());
                    let mut body = Text::<_, false, true> {
                        line: &mut body_line,
                        each: &mut *each,
                    };
                    read_key_words(key, &mut body);
                }
                None => {
                    let mut body = Text::<_, false, false> {
                        line: &mut body_line,
                        each: &mut *each,
                    };
                    read_words(paragraph, &mut body);
                }
            }
            each.end_of_text();
        }
        ArticleTerms {
            title: title_line.finish(),
            body: body_line.finish(),
        }
    }
}

/// A text's words as [`ArticleTerms::analyse`] reads them: its terms to the line; to `each`
/// the title's terms (`TITLE`), or every word of the body (of a paragraph read by its key:
/// `KEYED`).
struct Text<'a, R, const TITLE: bool, const KEYED: bool> {
    line: &'a mut LineWriter,
    each: &'a mut R,
}

impl<R: WordReader, const TITLE: bool, const KEYED: bool> ReadWord for Text<'_, R, TITLE, KEYED> {
    #[inline(always)]
    fn word(&mut self, word: &Analyzed) {
        let has_term = !word.term.is_empty();
        if has_term {
            self.line.push_spelled(&word.spelled, &word.term);
        }
        if TITLE {
            if has_term {
                self.each.title(word);
            }
        } else if KEYED {
            self.each.body_keyed(word);
        } else {
            self.each.body(word);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::analyzer::terms;
    use crate::search::line::{END_OF_TERMS, Line, PAIR_JOIN, pair, tokens};
    use tantivy::tokenizer::{TokenStream, Tokenizer};

    /// Whether a term is common, by a table of the tests.
    type Table = &'static dyn Fn(&str) -> bool;

    /// Tables of common terms beside the shipped one: every term, none, and some.
    fn tables() -> [(&'static str, Table); 4] {
        [
            ("shipped", &is_common),
            ("all", &|_| true),
            ("none", &|_| false),
            ("lengths of four bytes", &|t| t.len() % 4 == 0),
        ]
    }

    #[test]
    fn the_terms_field_gets_the_analyzers_terms_and_the_pairs_field_the_pairs_of_a_common_one() {
        // Terms of one byte and of the longest length, first, last and alone, Latin and digits;
        // common and not, side by side and alone.
        let longest = "ب".repeat(crate::search::analyzer::MAX_TERM_BYTES / 2);
        for text in [
            "قال وزيرُ الخارجيّة: «سوريا»... ـ لـ\"داعش\" ١٠",
            &format!("{longest} قال {longest}"),
            &format!("a {longest} b"),
            "وزير الخارجية",
            "كيري لافروف في موسكو مع بوتين",
            "وزير",
            "Obama's AFP-news 2015 x 7",
        ] {
            let want = terms(text);
            for (name, common) in tables() {
                let line = analysed_by(text, common);
                let got = tokens(Line::terms(), &line);
                assert_eq!(got.iter().map(|(t, _)| t.clone()).collect::<Vec<_>>(), want);
                assert_eq!(
                    got.iter().map(|&(_, p)| p).collect::<Vec<_>>(),
                    (0..want.len()).collect::<Vec<_>>()
                );
                let pairs = tokens(Line::pairs(), &line);
                let common = |t: &str| t.len() <= MAX_COMMON_BYTES && common(t);
                let want_pairs: Vec<(String, usize)> = want
                    .windows(2)
                    .filter(|w| common(&w[0]) || common(&w[1]))
                    .enumerate()
                    .map(|(i, w)| (pair(&w[0], &w[1]), i))
                    .collect();
                assert_eq!(pairs, want_pairs, "{text}, {name}");
            }
            // The shipped table's line is the one a build writes, and it decides as queries do.
            assert_eq!(analysed(text), analysed_by(text, &is_common));
            let indexed = want.windows(2).filter(|w| pair_is_indexed(&w[0], &w[1]));
            assert_eq!(
                tokens(Line::pairs(), &analysed(text)).len(),
                indexed.count()
            );
        }
        let line = analysed("كيري لافروف في موسكو مع بوتين");
        let pairs: Vec<String> = tokens(Line::pairs(), &line)
            .into_iter()
            .map(|p| p.0)
            .collect();
        assert_eq!(
            pairs,
            [
                pair("لافروف", "في"),
                pair("في", "موسكو"),
                pair("موسكو", "مع"),
                pair("مع", "بوت"), // بوتين, stemmed
            ]
        );
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
            fn key(&mut self, _: usize) {}
            fn body_keyed(&mut self, word: &Analyzed) {
                self.body(word);
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
        let text = "قال وزيرُ الخارجيّة: «سوريا»... ـ لـ\"داعش\" ١٠ AFP";
        for (name, common) in tables() {
            let line = analysed_by(text, common);
            let broken = format!("{}\u{1}\u{1}", &line[..line.find('\0').unwrap()]);
            for text in [
                line.as_str(),
                &analysed_by("وزير", common),
                &analysed_by("", common),
                "",
                &broken,
                "ab\0\u{1}\u{7f}",
                "ab\0\u{7f}\u{1}",
            ] {
                for tokenizer in [Line::terms(), Line::pairs()] {
                    let want = tokens(tokenizer.clone(), text);
                    assert_eq!(processed(tokenizer, text), want, "{text:?}, {name}");
                }
            }
        }
        assert_eq!(
            tokens(Line::pairs(), &analysed_by(text, &|_| true)).len(),
            6
        );
        assert_eq!(
            tokens(Line::pairs(), &analysed_by(text, &|_| false)).len(),
            0
        );
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
