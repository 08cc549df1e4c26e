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
//! [`for_each_term`] runs them (the index is fed its terms through `super::pairs`);
//! [`text_analyzer`] packs them as a tantivy tokenizer, for tantivy's own tools. A word's
//! term depends on the word alone, so each thread remembers the terms of the words it has
//! seen (see [`term_into`]).

use std::cell::RefCell;
use std::ops::Range;

use tantivy::tokenizer::{TextAnalyzer, Token, TokenStream, Tokenizer};

use super::common::is_common;
use super::key_words::each_word;
use super::line::Spelled;
use super::memo::Memo;
use super::stem::stem;
use super::stopwords::is_stopword;
use super::variants;
use crate::arabic::{normalize_into, words};
use crate::stable_hash::stable_hash;

/// Longer "words" are URLs, base64 or glued-together garbage; nobody searches for them.
pub(super) const MAX_TERM_BYTES: usize = 100;

// A line of terms writes a term's length in one byte beside the common ones' (`super::line`).
const _: () = assert!(MAX_TERM_BYTES == super::line::COMMON_LENGTH as usize);

/// Calls `f` with each search term of `text`, in order: what the index stores for it.
pub fn for_each_term(text: &str, mut f: impl FnMut(&str)) {
    for_each_word(text, |word| {
        if !word.term.is_empty() {
            f(&word.term);
        }
    });
}

/// The search terms of `text` (see [`for_each_term`]).
pub fn terms(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_each_term(text, |t| out.push(t.to_owned()));
    out
}

/// The analyzer as a tantivy tokenizer: the terms of [`for_each_term`], with their offsets
/// in the text (what tantivy's snippet generator needs).
pub fn text_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(ArabicTokenizer::default()).build()
}

/// Words longer than this are not remembered: they are rare, and a hostile query could
/// otherwise fill the memo with long keys.
const MEMO_WORD_BYTES: usize = 64;
/// Distinct words a thread remembers before it starts afresh (a few megabytes): news text
/// uses some tens of thousands of word forms, so a build rarely reaches it.
const MEMO_WORDS: usize = 1 << 17;

thread_local! {
    /// What the analyzer made of each word, per thread so that the build's workers and
    /// tantivy's indexing threads never wait on each other.
    static WORDS: RefCell<Remembered> = RefCell::new(Remembered {
        memo: Memo::new(MEMO_WORDS),
        folded: None,
        long: Analyzed::default(),
    });
}

/// A thread's words: those remembered, and the last one too long to remember, analysed where
/// a reader can borrow it as it borrows a remembered one.
struct Remembered {
    memo: Memo<Analyzed>,
    /// By the word folded: the words of a parser's key ([`read_key_words`]). Made at its first
    /// use: a thread that only reads queries never needs its slots.
    folded: Option<Memo<Analyzed>>,
    long: Analyzed,
}

/// What the analyzer makes of one word.
#[derive(Debug, Default)]
pub struct Analyzed {
    /// The length of the word folded (what finding verbatim duplicates compares): the
    /// folded word itself is not kept, only what a thread profile reads of it.
    pub folded_len: u32,
    /// [`stable_hash`] of `folded`: a thread profile keys an article's body by its words'
    /// (hashing the folded body byte by byte at every word was 1.7 % of a build's
    /// instructions, notes/build-bench.md).
    pub folded_hash: u64,
    /// Its search term: folded, stemmed and mapped to its canonical variant; empty when the
    /// word has none.
    pub term: Box<str>,
    /// [`stable_hash`] of the term. The thread profiles count terms by it, at every
    /// occurrence of every word of a build (6 % of a build's instructions when hashed there,
    /// notes/build-bench.md): worked out once a word, with its term.
    pub term_hash: u64,
    /// Whether the term tells nothing of a story ([`is_stopword`]): the thread profiles leave
    /// it out.
    pub stopword: bool,
    /// Whether the term is common ([`is_common`]): the pairs it is part of are indexed
    /// (`super::pairs`).
    pub common: bool,
    /// The term as the index's line writes it.
    pub(super) spelled: Spelled,
}

/// Calls `f` with what the analyzer makes of `word`.
///
/// Remembered per thread because folding and stemming a word cost several times a hash
/// lookup, and an article repeats its words and the archive its vocabulary: at build time
/// this step was about a quarter of all instructions, run twice per article (thread profiles
/// and the index).
///
/// `f` runs while the memo is borrowed, so it must not analyse text itself (that would panic
/// on the second borrow); the crate's callers only copy, count or hash what they are given.
fn with_word<T>(word: &str, f: impl FnOnce(&Analyzed) -> T) -> T {
    WORDS.with_borrow_mut(|words| f(remembered(words, word, 0..word.len())))
}

/// What the analyzer makes of the word `text[range]`, with the thread's words already
/// borrowed: a text's words are looked up under one borrow (the thread-local access and the
/// borrow's check were some 20 instructions a word).
#[inline(always)]
fn remembered<'a>(words: &'a mut Remembered, text: &str, range: Range<usize>) -> &'a Analyzed {
    remembered_in(&mut words.memo, &mut words.long, text, range, analyze_word)
}

/// What `analyze` makes of `text[range]`, remembered in `memo`, or analysed into `long` when
/// the word is too long to be remembered: the text's words by [`analyze_word`] in the
/// thread's memo, a parser's key's folded words by [`analyze_folded`] in the memo of their own.
#[inline(always)]
fn remembered_in<'a>(
    memo: &'a mut Memo<Analyzed>,
    long: &'a mut Analyzed,
    text: &str,
    range: Range<usize>,
    analyze: impl FnOnce(&str) -> Analyzed,
) -> &'a Analyzed {
    if range.len() > MEMO_WORD_BYTES {
        *long = analyze(&text[range]);
        return long;
    }
    memo.get_or_insert(text, range, analyze)
}

/// Appends `word`'s term to `out` (nothing when it has none).
pub fn term_into(word: &str, out: &mut String) {
    with_word(word, |analyzed| out.push_str(&analyzed.term));
}

/// Calls `f` with what the analyzer makes of each word of `text`, in order, terms or not.
/// `f` must not analyse text itself: the memo is borrowed.
pub fn for_each_word(text: &str, f: impl FnMut(&Analyzed)) {
    read_words(text, &mut Each(f));
}

/// Who reads what the analyzer makes of each word of a text ([`read_words`]).
pub trait ReadWord {
    /// Runs at every word of every article a build reads: an implementation marks it
    /// `#[inline(always)]`, so that it is part of [`read_words`]' loop. A closure handed
    /// on stayed a call a word, its registers saved and its state read back each time
    /// (≈ 20 instructions a word, notes/build-bench.md session 48).
    fn word(&mut self, word: &Analyzed);
}

/// A closure as a [`ReadWord`]: called, not inlined (see [`ReadWord::word`]).
struct Each<F>(F);

impl<F: FnMut(&Analyzed)> ReadWord for Each<F> {
    #[inline(always)]
    fn word(&mut self, word: &Analyzed) {
        (self.0)(word);
    }
}

/// Hands `reader` what the analyzer makes of each word of `text`, in order, terms or not:
/// one pass where a thread profile needs the folded words and the index its terms. The
/// reader must not analyse text itself: the memo is borrowed.
pub fn read_words(text: &str, reader: &mut impl ReadWord) {
    WORDS.with_borrow_mut(|memo| {
        for range in words(text) {
            reader.word(remembered(memo, text, range));
        }
    });
}

/// [`read_words`] of a text whose words are, folded, those of `key` (one space between words,
/// none at either end): the parser's key of a paragraph (`crate::parse::BodyKeys`). The
/// words are split and looked up as the key has them, not found and folded again in the
/// text (≈ 80 instructions a word, notes/build-bench.md session 51); a word's analysis
/// depends on its folded form alone ([`analyze_word`]).
pub fn read_key_words(key: &str, reader: &mut impl ReadWord) {
    if key.is_empty() {
        return;
    }
    WORDS.with_borrow_mut(|words| {
        let memo = words.folded.get_or_insert_with(|| Memo::new(MEMO_WORDS));
        let long = &mut words.long;
        each_word(key.as_bytes(), |range| {
            debug_assert!(!range.is_empty(), "an empty word in the key {key:?}");
            reader.word(remembered_in(memo, long, key, range, analyze_folded));
        });
    });
}

/// Calls `f` with each token of `text` the index holds, in order: the word's byte range in
/// `text` and its term. What [`text_analyzer`] gives tantivy, without a token stream: the
/// search passages look at every word of the paragraphs they compare. `f` must not analyse
/// text itself: the memo is borrowed.
pub fn for_each_token(text: &str, mut f: impl FnMut(Range<usize>, &str)) {
    WORDS.with_borrow_mut(|memo| {
        for range in words(text) {
            let word = remembered(memo, text, range.clone());
            if !word.term.is_empty() {
                f(range, &word.term);
            }
        }
    });
}

/// What [`with_word`] remembers: the analyzer's steps on one word.
pub(crate) fn analyze_word(word: &str) -> Analyzed {
    let mut folded = String::new();
    normalize_into(word, &mut folded);
    analyze_folded(&folded)
}

/// [`analyze_word`] of a word that folds to `folded`: its steps after the folding.
fn analyze_folded(folded: &str) -> Analyzed {
    let mut term = String::new();
    if !folded.is_empty() && folded.len() <= MAX_TERM_BYTES {
        term.push_str(folded);
        stem_in_place(&mut term);
        canonical_in_place(&mut term);
    }
    let common = is_common(&term);
    Analyzed {
        folded_hash: stable_hash(folded.as_bytes()),
        folded_len: folded.len() as u32,
        term_hash: stable_hash(term.as_bytes()),
        stopword: is_stopword(&term),
        common,
        spelled: Spelled::new(&term, common),
        term: term.into(),
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
            term_into(&self.text[range.clone()], &mut self.token.text);
            if self.token.text.is_empty() {
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

    #[test]
    fn a_remembered_term_is_the_term_computed_afresh() {
        // Words too long to remember, one after another and between short ones: each is
        // analysed in the thread's one slot for them, which must hold that word's.
        let text = format!(
            "{} {} {} قال {}",
            "وقال الوزير إنّ الوزيرُ قال لـ\"داعش\" والإسلاميّة الاسلاميه 2021 ١٠",
            "ا".repeat(MEMO_WORD_BYTES),
            "ب".repeat(MEMO_WORD_BYTES / 2 + 1),
            "ت".repeat(MAX_TERM_BYTES),
        );
        // Twice: the first pass fills the memo, the second reads it.
        for _ in 0..2 {
            for range in words(&text) {
                let word = &text[range];
                let (mut remembered, mut fresh) = (String::new(), String::new());
                term_into(word, &mut remembered);
                fresh.push_str(&analyze_word(word).term);
                assert_eq!(remembered, fresh, "{word}");
                let mut folded = String::new();
                normalize_into(word, &mut folded);
                with_word(word, |w| {
                    assert_eq!(w.folded_len as usize, folded.len(), "{word}");
                    assert_eq!(w.folded_hash, stable_hash(folded.as_bytes()), "{word}");
                    assert_eq!(w.term_hash, stable_hash(fresh.as_bytes()), "{word}");
                    assert_eq!(w.stopword, is_stopword(&fresh), "{word}");
                    assert_eq!(w.common, is_common(&fresh), "{word}");
                });
            }
            // The words of the text read in one pass, as a build reads them.
            let mut read = Vec::new();
            for_each_word(&text, |w| read.push((w.folded_hash, w.term.clone())));
            let fresh: Vec<_> = words(&text)
                .map(|range| analyze_word(&text[range]))
                .map(|w| (w.folded_hash, w.term))
                .collect();
            assert_eq!(read, fresh);
        }
    }

    #[test]
    fn tokens_are_those_of_the_token_stream() {
        let text = "قال لـ\"داعش\" إنّ ... Obama's ١٠ ـ والإسلاميّة";
        let mut from_stream = Vec::new();
        let mut analyzer = text_analyzer();
        let mut stream = analyzer.token_stream(text);
        while let Some(t) = stream.next() {
            from_stream.push((t.offset_from..t.offset_to, t.text.clone()));
        }
        let mut tokens = Vec::new();
        for_each_token(text, |range, term| tokens.push((range, term.to_owned())));
        assert_eq!(tokens, from_stream);
        assert!(tokens.len() > 4, "{tokens:?}");
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
