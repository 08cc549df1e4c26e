//! The buffers one scan of a dump writes into (its lines' cleaned text, keys, word hashes
//! and counts), and the lines read back from them.

use std::ops::Range;

use super::Counts;
use super::features;
use super::hashes::Hashes;
use crate::parse::lines::Line;

/// The bytes a dump's lines are read from, one buffer for the whole dump rather than strings
/// a line (their copies, allocations and checks cost ≈ 13 instructions a byte of the dump,
/// notes/parser-bench.md, session 26). Kept by the caller: the lines borrow it.
#[derive(Debug, Default)]
pub struct Buffers {
    /// The cleaned text of the lines that are not a stretch of the source as it is.
    pub(super) text: String,
    /// Each line's key, one after the other.
    pub(super) keys: Vec<u8>,
    /// The same, where its bytes were not valid UTF-8 (never, by construction: see
    /// [`same_length_lossy`]).
    repaired: String,
    pub(super) scanned: Vec<Scanned>,
    pub(super) hashes: Hashes,
}

/// One non-empty line as the scan left it: where its text and key are, and its counts.
#[derive(Debug)]
pub(super) struct Scanned {
    /// In the source when the cleaned line is a stretch of it as it is (most are), else in
    /// [`Buffers::text`].
    pub(super) in_source: bool,
    pub(super) text: Range<usize>,
    /// In [`Buffers::keys`].
    pub(super) key: Range<usize>,
    /// In [`Hashes::all`] and [`Hashes::phrase`].
    pub(super) hashes: Range<usize>,
    pub(super) phrase_hashes: Range<usize>,
    pub(super) counts: Counts,
}

impl Buffers {
    /// The lines [`scan`] read from `source` into these buffers.
    pub(in crate::parse::lines) fn lines<'a>(&'a mut self, source: &'a str) -> Vec<Line<'a>> {
        let Buffers {
            text,
            keys,
            repaired,
            scanned,
            hashes,
        } = self;
        let keys: &'a Vec<u8> = keys;
        // One check for the whole dump's keys, not one a line.
        let keys: &'a str = match simdutf8::basic::from_utf8(keys) {
            Ok(k) => k,
            Err(_) => {
                *repaired = same_length_lossy(keys);
                let repaired: &'a String = repaired;
                repaired
            }
        };
        let text: &'a str = text;
        scanned
            .iter()
            .map(|s| {
                let t = if s.in_source { source } else { text };
                // `get`: a repaired key may have lost a character boundary (never, as said).
                let key = keys.get(s.key.clone()).unwrap_or("");
                let words = &hashes.all[s.hashes.clone()];
                let phrase_words = &hashes.phrase[s.phrase_hashes.clone()];
                features::line(&t[s.text.clone()], key, words, phrase_words, &s.counts)
            })
            .collect()
    }
}

/// `bytes` as a string of the same length, each byte of an invalid sequence written as `?`:
/// ranges into it still hold. (Keys are written from whole characters, so they are valid;
/// were they not, the damage is replaced rather than trusted.)
#[cold]
fn same_length_lossy(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        out.extend(std::iter::repeat_n('?', chunk.invalid().len()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repaired_keys_keep_their_length() {
        let bytes = b"ab \xff\xd8 \xd8\xa8";
        let s = same_length_lossy(bytes);
        assert_eq!(s, "ab ?? ب");
        assert_eq!(s.len(), bytes.len());
    }
}
