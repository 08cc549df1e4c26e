//! The furniture phrases found in a line's key by its words: each phrase is the [`word_hash`]
//! of each word of its key, looked for where a line's words start, and confirmed on the key's
//! bytes. What is found is what an aho-corasick search of the phrases, each with a space on
//! each side, finds in the key with a space on each side (leftmost-longest, non-overlapping):
//! the match that starts at the earliest word, the phrase with the most words among those that
//! start there (of equal ones, the first in the table), then the next match no sooner than one
//! word past its end (the space after a match is the one a phrase starting at the next word
//! would need).
//!
//! The automaton this replaces was a DFA over the phrases: building it cost 13 M instructions
//! in every process that parses (as much as parsing twenty dumps), and searching a line's key
//! with it about 3.5 instructions a byte, where the line's words are already hashed by the
//! scanner (notes/parser-bench.md, session 31).

use rustc_hash::FxHashMap;

use super::text::{next_space, word_hash};

/// Bits in the table of the phrases' first words (a line's word that hits none starts no
/// phrase): a hash's top 16 bits index it.
const FIRST_BITS: usize = 1 << 16;

/// The phrases of a table, in its order: a phrase's number is its place there.
#[derive(Debug)]
pub struct Phrases {
    /// Each phrase's key (words separated by single spaces).
    keys: Vec<String>,
    /// The hashes of each phrase's words.
    words: Vec<Vec<u64>>,
    /// The phrases by their first word's hash: most words first, then in the table's order.
    by_first: FxHashMap<u64, Vec<usize>>,
    first_bits: Vec<u64>,
}

/// A phrase found in a line: its number, and the word of the line it starts at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found {
    pub phrase: usize,
    pub word: usize,
}

fn first_bit(hash: u64) -> usize {
    (hash >> 48) as usize % FIRST_BITS
}

impl Phrases {
    /// The phrases whose keys are `keys` (each non-empty, folded by [`super::text::key`]).
    pub fn new(keys: Vec<String>) -> Self {
        let words: Vec<Vec<u64>> = keys
            .iter()
            .map(|k| k.split(' ').map(|w| word_hash(w.as_bytes())).collect())
            .collect();
        let mut by_first: FxHashMap<u64, Vec<usize>> = FxHashMap::default();
        let mut first_bits = vec![0u64; FIRST_BITS / 64];
        for (i, w) in words.iter().enumerate() {
            let Some(&first) = w.first() else { continue };
            by_first.entry(first).or_default().push(i);
            let bit = first_bit(first);
            first_bits[bit / 64] |= 1 << (bit % 64);
        }
        for ids in by_first.values_mut() {
            // Stable: of phrases with as many words, the first in the table stays first.
            ids.sort_by_key(|&i| std::cmp::Reverse(words[i].len()));
        }
        Phrases {
            keys,
            words,
            by_first,
            first_bits,
        }
    }

    #[inline]
    fn may_start(&self, hash: u64) -> bool {
        let bit = first_bit(hash);
        self.first_bits[bit / 64] & (1 << (bit % 64)) != 0
    }

    /// The phrases in `key`, whose words' hashes are `hashes` (one a word, in order), left to
    /// right as the module's header says.
    pub fn find_iter<'a>(
        &'a self,
        key: &'a str,
        hashes: &'a [u64],
    ) -> impl Iterator<Item = Found> + 'a {
        let mut next = 0;
        // Where the line's words start in `key`, found as far as a candidate needs them.
        let mut cursor = (0, 0);
        std::iter::from_fn(move || {
            while let Some(&h) = hashes.get(next) {
                let at = next;
                next += 1;
                if !self.may_start(h) {
                    continue;
                }
                let Some(ids) = self.by_first.get(&h) else {
                    continue;
                };
                for &id in ids {
                    let words = &self.words[id];
                    if hashes.get(at..at + words.len()) != Some(words.as_slice()) {
                        continue;
                    }
                    // The hashes agree: the bytes decide (two words may share a hash).
                    let start = word_start(key, &mut cursor, at);
                    let phrase = self.keys[id].as_bytes();
                    let end = start + phrase.len();
                    let k = key.as_bytes();
                    if k.get(start..end) == Some(phrase) && k.get(end).is_none_or(|&b| b == b' ') {
                        next = at + words.len() + 1;
                        return Some(Found {
                            phrase: id,
                            word: at,
                        });
                    }
                }
            }
            None
        })
    }
}

/// Where word `word` of `key` starts, walking on from `cursor` (a word and where it starts,
/// at or before `word`), which is left there.
fn word_start(key: &str, cursor: &mut (usize, usize), word: usize) -> usize {
    let b = key.as_bytes();
    while cursor.0 < word {
        cursor.1 = (next_space(b, cursor.1) + 1).min(b.len());
        cursor.0 += 1;
    }
    cursor.1
}

#[cfg(test)]
mod tests {
    use super::*;
    use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
    use proptest::prelude::*;

    /// The search this module replaces, as the lexicon built it: each phrase's key with a space
    /// on each side, in a DFA, searched in the key with a space on each side.
    fn automaton(keys: &[String]) -> AhoCorasick {
        let patterns: Vec<String> = keys.iter().map(|k| format!(" {k} ")).collect();
        AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(AhoCorasickKind::DFA))
            .prefilter(false)
            .build(&patterns)
            .unwrap()
    }

    fn found_by(ac: &AhoCorasick, key: &str) -> Vec<Found> {
        let hay = format!(" {key} ");
        ac.find_iter(&hay)
            .map(|m| Found {
                phrase: m.pattern().as_usize(),
                word: hay[..m.start()].matches(' ').count(),
            })
            .collect()
    }

    fn hashes(key: &str) -> Vec<u64> {
        key.split(' ')
            .filter(|w| !w.is_empty())
            .map(|w| word_hash(w.as_bytes()))
            .collect()
    }

    /// Phrases that share first words, that are each other's prefixes, a duplicate, and one
    /// of a word: lines made of them and of other words, side by side, find what the automaton
    /// finds (a phrase right after another is not found: their shared space).
    #[test]
    fn phrases_are_found_as_the_automaton_finds_them() {
        let keys: Vec<String> = [
            "اقرا ايضا",
            "اقرا",
            "اقرا ايضا عن",
            "جميع الحقوق محفوظه",
            "جميع الحقوق",
            "الحقوق",
            "اقرا ايضا",
            "ab cd ef",
            "cd",
            "ef ab",
        ]
        .map(String::from)
        .to_vec();
        let phrases = Phrases::new(keys.clone());
        let pieces: Vec<&str> = keys
            .iter()
            .map(String::as_str)
            .chain(["ايضا", "عن", "محفوظه", "ab", "ef", "قال", "x"])
            .collect();
        let ac = automaton(&keys);
        proptest!(|(picks in proptest::collection::vec(0..pieces.len(), 0..12))| {
            let key = picks.iter().map(|&i| pieces[i]).collect::<Vec<_>>().join(" ");
            let found: Vec<Found> = phrases.find_iter(&key, &hashes(&key)).collect();
            prop_assert_eq!(found, found_by(&ac, &key), "{}", key);
        });
    }

    /// The table's phrases, each alone, side by side with every other and among other words:
    /// the same phrases found at the same words as by the automaton.
    #[test]
    fn the_tables_phrases_are_found_as_the_automaton_finds_them() {
        let phrases = crate::parse::lexicon::LEXICON.phrases();
        let keys = &phrases.keys;
        assert!(keys.len() > 100);
        let ac = automaton(keys);
        for a in keys {
            for b in keys {
                for key in [format!("{a} {b}"), format!("قال {a} في {b} x")] {
                    let found: Vec<Found> = phrases.find_iter(&key, &hashes(&key)).collect();
                    assert_eq!(found, found_by(&ac, &key), "{key}");
                }
            }
        }
    }

    /// A word whose hash is a phrase's word's, and its bytes are not, matches nothing.
    #[test]
    fn the_bytes_decide() {
        let phrases = Phrases::new(vec!["جميع الحقوق".into()]);
        let key = "جميع الحقول";
        let forged = vec![word_hash("جميع".as_bytes()), word_hash("الحقوق".as_bytes())];
        assert_eq!(phrases.find_iter(key, &forged).count(), 0);
        assert_eq!(phrases.find_iter("جميع الحقوق", &forged).count(), 1);
    }
}
