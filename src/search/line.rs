//! A line of terms: how the writer hands tantivy an analysed text (`super::pairs`), and the
//! two tokenizers that read it back, its terms ([`Line::terms`]) and the pairs of which one
//! term is common ([`Line::pairs`]).

use std::ops::Range;

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use super::common::MAX_COMMON_BYTES;

/// The tokenizer name of [`Line::terms`] in the index's tokenizer manager.
pub const TERMS_NAME: &str = "arabic-terms";
/// The tokenizer name of [`Line::pairs`].
pub const PAIRS_NAME: &str = "arabic-pairs";

/// Joins the two terms of a pair: a character no term holds (terms are made of letters,
/// digits and marks, see `crate::arabic::words`), so that no pair reads as another.
pub(super) const PAIR_JOIN: char = '\u{1F}';

/// Ends a line's terms, before their lengths: a byte no term holds, nor a length (a term is
/// never empty).
pub(super) const END_OF_TERMS: u8 = 0;

/// A common term's length is written as this plus its length, a term that is not common's as
/// its length: the lengths of both kinds are under 128, one ASCII byte (a common term is at
/// most [`MAX_COMMON_BYTES`] long), and the line stays UTF-8. The analyzer's longest term
/// (`super::analyzer::MAX_TERM_BYTES`, which asserts it fits): a number here, as the
/// analyzer's words hold what this module writes of them.
pub(super) const COMMON_LENGTH: u8 = 100;

const _: () = assert!(COMMON_LENGTH as usize + MAX_COMMON_BYTES < 0x80);

/// A line of terms being written: the terms joined by [`PAIR_JOIN`], then [`END_OF_TERMS`]
/// and each term's length in bytes as one ASCII character, which also says whether the term
/// is common ([`COMMON_LENGTH`]).
///
/// Every token the index reads is read back from a line twice (terms and pairs). A term is
/// found by its length in a few instructions where a separator was searched for byte by byte
/// (terms and pairs read by `split_ascii_whitespace` were 5.8 % of a build's instructions,
/// notes/build-bench.md); and as the terms are joined as [`pair`] joins them, two adjacent
/// terms are already their pair: each token is one slice of the line, copied once (a length
/// before each term made a pair of two copies and a join, ≈ 57 instructions a token). The
/// lengths come last so that the line is the terms' own buffer, not a copy of it.
///
/// Each term is written followed by its join, and the last join becomes [`END_OF_TERMS`]:
/// a remembered word's term is then one copy of its [`Spelled`] bytes.
#[derive(Default)]
pub(super) struct LineWriter {
    /// Whole terms, each followed by [`PAIR_JOIN`]: UTF-8 (see [`LineWriter::finish`]).
    terms: Vec<u8>,
    lengths: Vec<u8>,
}

/// The bytes [`LineWriter::push_spelled`] copies at once: a term shorter than this is copied
/// as one block of this size, the bytes past its join cut off after.
const SPELLED: usize = 32;

/// A term as a line writes it, made once a word by the analyzer: the term and its join in
/// one block of [`SPELLED`] bytes when they fit, and its length byte ([`LineWriter::push`]'s).
///
/// At every term of every article the term's copy into the line was a `memcpy` call of its
/// length (with its setup ≈ 19 instructions a term, notes/build-bench.md session 48); a
/// copy of a fixed size is a few moves in the loop. Held in the word's analysis itself, not
/// behind a pointer: one cache line less to read a word.
#[derive(Debug, Clone)]
pub(super) struct Spelled {
    /// The term's bytes, [`PAIR_JOIN`], then zeros; all zeros when they do not fit.
    block: [u8; SPELLED],
    /// The term's length.
    len: u8,
    /// Its length byte in the line, 0 for a word without a term (see [`length_byte`]).
    length: u8,
}

impl Default for Spelled {
    fn default() -> Spelled {
        Spelled {
            block: [0; SPELLED],
            len: 0,
            length: 0,
        }
    }
}

impl Spelled {
    /// `term` (at most [`COMMON_LENGTH`] long), `common` or not, as a line writes it; empty
    /// when the term is.
    pub(super) fn new(term: &str, common: bool) -> Spelled {
        let Some(length) = length_byte(term, common) else {
            return Spelled::default();
        };
        let mut block = [0; SPELLED];
        if let Some(room) = block.get_mut(..=term.len()) {
            room[..term.len()].copy_from_slice(term.as_bytes());
            room[term.len()] = PAIR_JOIN as u8;
        }
        Spelled {
            block,
            len: term.len() as u8,
            length,
        }
    }
}

/// `term`'s length byte: its length, plus [`COMMON_LENGTH`] when it is `common`. `None` for an
/// empty term, and one too long for its kind, which a line never holds.
fn length_byte(term: &str, common: bool) -> Option<u8> {
    match (u8::try_from(term.len()), common) {
        (Ok(len @ 1..=MAX_COMMON_BYTES_U8), true) => Some(COMMON_LENGTH + len),
        (Ok(len @ 1..=COMMON_LENGTH), false) => Some(len),
        _ => None,
    }
}

impl LineWriter {
    pub(super) fn with_capacity(terms: usize) -> LineWriter {
        LineWriter {
            // Room for one block of a term's copy past the terms.
            terms: Vec::with_capacity(terms + SPELLED),
            // A term is some seven bytes and its join.
            lengths: Vec::with_capacity(terms / 8),
        }
    }

    /// Adds `term`, which is `common` or not ([`super::common`]).
    pub(super) fn push(&mut self, term: &str, common: bool) {
        // Never none: a term is at most `COMMON_LENGTH` long (the analyzer's longest), and a variant's canonical form
        // too (`a_terms_length_fits_in_one_ascii_byte`), never empty (`for_each_term`), and a
        // common one at most `MAX_COMMON_BYTES` (`super::common`'s test).
        let Some(length) = length_byte(term, common) else {
            debug_assert!(false, "a term of {} bytes, common {common}", term.len());
            return;
        };
        self.terms.extend_from_slice(term.as_bytes());
        self.terms.push(PAIR_JOIN as u8);
        self.lengths.push(length);
    }

    /// Adds a remembered word's term, `term` as it is `spelled`, as [`LineWriter::push`] adds
    /// it; nothing when it has none. Always inlined: once a term of every article.
    #[inline(always)]
    pub(super) fn push_spelled(&mut self, spelled: &Spelled, term: &str) {
        if spelled.length == 0 {
            return;
        }
        let len = usize::from(spelled.len) + 1;
        if len <= SPELLED {
            let end = self.terms.len() + len;
            self.terms.extend_from_slice(&spelled.block);
            self.terms.truncate(end);
        } else {
            self.terms.extend_from_slice(term.as_bytes());
            self.terms.push(PAIR_JOIN as u8);
        }
        self.lengths.push(spelled.length);
    }

    pub(super) fn finish(mut self) -> String {
        // The last term's join ends the terms.
        match self.terms.last_mut() {
            Some(last) => *last = END_OF_TERMS,
            None => self.terms.push(END_OF_TERMS),
        }
        self.terms.extend_from_slice(&self.lengths);
        // SAFETY: `terms` holds whole terms (`&str`s, or a `Spelled` block's first bytes up to
        // and with its join, which are a `&str`'s and an ASCII byte), each followed by the ASCII
        // `PAIR_JOIN`, the last replaced by the ASCII `END_OF_TERMS`; then the lengths, ASCII
        // bytes (`length_byte`, under 0x80 by the assertion above). Checking it again was a
        // pass over every byte of every article's text.
        debug_assert!(std::str::from_utf8(&self.terms).is_ok());
        unsafe { String::from_utf8_unchecked(self.terms) }
    }
}

const MAX_COMMON_BYTES_U8: u8 = MAX_COMMON_BYTES as u8;

/// A term's length and whether it is common, from the byte [`LineWriter::push`] wrote.
#[inline(always)]
fn length_of(byte: u8) -> (usize, bool) {
    let common = byte > COMMON_LENGTH;
    let len = if common { byte - COMMON_LENGTH } else { byte };
    (usize::from(len), common)
}

/// The pair term of two adjacent terms, as the pairs fields hold it.
pub fn pair(first: &str, second: &str) -> String {
    let mut out = String::with_capacity(first.len() + second.len() + 1);
    out.push_str(first);
    out.push(PAIR_JOIN);
    out.push_str(second);
    out
}

/// Reads a line `super::pairs::analysed` wrote: its terms in order ([`Line::terms`]), or every two
/// adjacent terms of which one is common, joined as [`pair`] does ([`Line::pairs`]).
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
    /// Whether the last term read is common, for pairs: the next pair is indexed if so.
    previous_common: bool,
    pairs: bool,
    token: &'a mut Token,
}

impl LineStream<'_> {
    /// The next term's place in `terms` and whether it is common, and moves past it and its
    /// join.
    #[inline]
    fn next_term(&mut self) -> Option<(Range<usize>, bool)> {
        let (len, common) = length_of(*self.lengths.next()?);
        let start = self.next;
        self.next = start + len + PAIR_JOIN.len_utf8();
        Some((start..start + len, common))
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
            previous_common: false,
            pairs: self.pairs,
            token: &mut self.token,
        };
        if stream.pairs {
            // The first pair needs two terms.
            stream.previous_common = stream.next_term().is_some_and(|(_, common)| common);
        }
        stream
    }
}

impl TokenStream for LineStream<'_> {
    #[inline]
    fn advance(&mut self) -> bool {
        loop {
            let Some((term, common)) = self.next_term() else {
                return false;
            };
            let start = if self.pairs {
                let indexed = common | std::mem::replace(&mut self.previous_common, common);
                let start = std::mem::replace(&mut self.previous, term.start);
                if !indexed {
                    continue;
                }
                start
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
            return true;
        }
    }

    /// Every token to `sink`, as [`LineStream::advance`] gives them one by one, the stream's
    /// place held in locals meanwhile. Tantivy reads each text of a document this way, and in
    /// the shipped binary its default loop called `advance` at every token (not inlined),
    /// which saved registers and stored the place back each time: 19.7 M tokens at 10,000
    /// dumps, all on tantivy's one indexing thread (notes/build-bench.md, session 46).
    fn process(&mut self, sink: &mut dyn FnMut(&Token)) {
        let (terms, pairs) = (self.terms, self.pairs);
        let (mut next, mut previous) = (self.next, self.previous);
        let mut previous_common = self.previous_common;
        let token = &mut *self.token;
        for &byte in self.lengths.by_ref() {
            let (len, common) = length_of(byte);
            let start = next;
            let end = start + len;
            next = end + PAIR_JOIN.len_utf8();
            let from = if pairs {
                let indexed = common | std::mem::replace(&mut previous_common, common);
                let from = std::mem::replace(&mut previous, start);
                if !indexed {
                    continue;
                }
                from
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
        self.previous_common = previous_common;
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

/// Each token `tokenizer` gives of `text` and its position, as tantivy's default loop reads
/// them (the tests of this module and of `super::pairs`).
#[cfg(test)]
pub(super) fn tokens<T: Tokenizer>(mut tokenizer: T, text: &str) -> Vec<(String, usize)> {
    let mut stream = tokenizer.token_stream(text);
    let mut out = Vec::new();
    while let Some(t) = stream.next() {
        out.push((t.text.clone(), t.position));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_terms_length_says_whether_it_is_common_at_every_length() {
        // Written and read back directly: no analyzed word reaches every length.
        for len in 1..=usize::from(COMMON_LENGTH) {
            for common in [false, true] {
                if common && len > MAX_COMMON_BYTES {
                    continue;
                }
                let mut line = LineWriter::default();
                let term = "x".repeat(len);
                line.push("a", false);
                line.push(&term, common);
                line.push("b", false);
                let line = line.finish();
                let terms: Vec<String> = tokens(Line::terms(), &line)
                    .into_iter()
                    .map(|t| t.0)
                    .collect();
                assert_eq!(terms, ["a", term.as_str(), "b"]);
                let pairs = tokens(Line::pairs(), &line).into_iter().map(|t| t.0);
                let want = [pair("a", &term), pair(&term, "b")];
                assert_eq!(
                    pairs.collect::<Vec<_>>(),
                    &want[..if common { 2 } else { 0 }]
                );
            }
        }
    }
}
