//! The hashes of the words of a dump's keys, as the scan ends each word: all of them, and
//! those that may be a furniture phrase's.

use crate::parse::lexicon::{LEXICON, WordBits};

/// The [`word_hash`](crate::parse::text::word_hash) of each word of the dump's keys, line
/// after line: all of them (the deciders look the headline's words up by them: hashed again
/// from the keys, they cost ≈ 20 instructions a word, twice), and those that
/// [`Lexicon::phrase_word_bits`](crate::parse::lexicon::Lexicon::phrase_word_bits) has.
#[derive(Debug)]
pub(super) struct Hashes {
    pub(super) all: Vec<u64>,
    pub(super) phrase: Vec<u64>,
    /// [`LEXICON`]'s phrase words, borrowed once rather than asked for at every word.
    phrase_bits: &'static WordBits,
}

impl Default for Hashes {
    fn default() -> Self {
        Hashes {
            all: Vec::new(),
            phrase: Vec::new(),
            phrase_bits: LEXICON.phrase_word_bits(),
        }
    }
}

impl Hashes {
    /// Emptied for a dump of `len` bytes: its words reserved (a word of the corpus's keys
    /// takes ≈ 11 bytes of its dump).
    pub(super) fn clear(&mut self, len: usize) {
        self.all.clear();
        self.all.reserve(len / 8 + 8);
        self.phrase.clear();
        // A word of a phrase comes about once in 100 bytes (grown from empty, the vector was
        // reallocated six times a dump).
        self.phrase.reserve(len / 64 + 8);
    }

    #[inline(always)]
    pub(super) fn word(&mut self, hash: u64) {
        self.all.push(hash);
        if self.phrase_bits.has(hash) {
            self.phrase.push(hash);
        }
    }

    /// Where the next line's hashes start.
    pub(super) fn ends(&self) -> (usize, usize) {
        (self.all.len(), self.phrase.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::text::{key, word_hash};

    /// The words kept as a phrase's are those the lexicon says may be (the table borrowed
    /// once gives its answers): in a line that holds a furniture phrase and in prose.
    #[test]
    fn phrase_words_are_the_lexicon_s() {
        let text = "التعليقات المنشورة لا تعبر عن رأي الموقع وقال إن هذه المواقف تعبر عن قلق واسع";
        let mut hashes = Hashes::default();
        hashes.clear(text.len());
        for w in key(text).split(' ') {
            hashes.word(word_hash(w.as_bytes()));
        }
        let all = hashes.all.iter().copied();
        let kept: Vec<u64> = all.filter(|&h| LEXICON.phrase_word_bits().has(h)).collect();
        assert_eq!(hashes.phrase, kept);
        assert!(kept.len() >= 4 && kept.len() < hashes.all.len());
    }
}
