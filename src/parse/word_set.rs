//! A few words looked for among the many of a stretch of text ([`WordSet`]): which of them a
//! text holds, asked by the [`word_hash`] of each of its words that the scanner made already,
//! so that the headline's words are found in the body without splitting it again.

use rustc_hash::FxHashMap;

use super::text::{next_space, word_hash};

/// A few words looked for among the many of a stretch of text: which of them occur. Scanning
/// the text once against the few is cheaper than a set of all the text's words.
pub struct WordSet<'a> {
    /// Bit `n` is set when some word is `n` bytes long (`63` stands for 63 and more).
    lengths: u64,
    /// The words by their number.
    words: Vec<&'a str>,
    /// The number of a word of each [`word_hash`]; the others of the same hash (if ever two
    /// words had one) follow in `same_hash`. The only map: a word is found by its hash, then
    /// its bytes (a second map of the words themselves cost an insertion a word, and its
    /// growth, ≈ 1 M instructions in 200 dumps, notes/parser-bench.md, session 33).
    by_hash: FxHashMap<u64, usize>,
    same_hash: Vec<Option<usize>>,
    /// How many of the words have a hash of each [`slot`] (saturating: a full count is never
    /// lowered). A text's word whose slot none of the words has is turned away with one load:
    /// most of a text's words are. Held in place, not allocated: zeroed and copied inline, the
    /// 2 KB cost less than a `calloc` and a clone's `malloc` and `free` (≈ 1,700 instructions a
    /// set, measured).
    slots: [u8; SLOTS],
}

/// Entries of [`WordSet`]'s slot table.
const SLOTS: usize = 2048;

/// A word hash's entry in [`WordSet`]'s slot table.
#[inline]
fn slot(hash: u64) -> usize {
    (hash.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - SLOTS.trailing_zeros())) as usize
}

impl<'a> WordSet<'a> {
    pub fn new(words: impl IntoIterator<Item = &'a str>) -> Self {
        let mut set = WordSet {
            lengths: 0,
            words: Vec::new(),
            by_hash: FxHashMap::default(),
            same_hash: Vec::new(),
            slots: [0u8; SLOTS],
        };
        for w in words {
            let hash = word_hash(w.as_bytes());
            if set.find(w, hash).is_none() {
                let n = set.words.len();
                set.same_hash.push(set.by_hash.insert(hash, n));
                set.words.push(w);
                let count = &mut set.slots[slot(hash)];
                *count = count.saturating_add(1);
            }
            set.lengths |= length_bit(w);
        }
        set
    }

    /// The number of `word`, whose [`word_hash`] is `hash`, if the set holds it.
    fn find(&self, word: &str, hash: u64) -> Option<usize> {
        let mut next = self.by_hash.get(&hash).copied();
        while let Some(i) = next {
            if self.words[i] == word {
                return Some(i);
            }
            next = self.same_hash[i];
        }
        None
    }

    /// Where `word` is in the set, from 0 to the number of distinct words.
    pub fn get(&self, word: &str) -> Option<usize> {
        if self.lengths & length_bit(word) == 0 {
            return None;
        }
        self.find(word, word_hash(word.as_bytes()))
    }

    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// Which of the words the keys hold (by [`WordSet::get`]'s numbering), from each key and
    /// the [`word_hash`] of each of its words (a line's `key` and `hashes`): a word is looked
    /// up by its hash, then found in the key (a hash alone could be another word's).
    pub fn found_in<'k>(&self, keys: impl IntoIterator<Item = (&'k str, &'k [u64])>) -> Vec<bool> {
        let mut found = vec![false; self.len()];
        let mut missing = self.len();
        // The slots of the words not found yet: a word found once is not looked up again.
        let mut slots = self.slots;
        for (key, hashes) in keys {
            if missing == 0 {
                break;
            }
            for &hash in hashes {
                let at = slot(hash);
                if slots[at] == 0 {
                    continue;
                }
                let mut next = self.by_hash.get(&hash).copied();
                while let Some(i) = next {
                    if !found[i] && holds_word(key, self.words[i]) {
                        found[i] = true;
                        missing -= 1;
                        if slots[at] != u8::MAX {
                            slots[at] -= 1;
                        }
                    }
                    next = self.same_hash[i];
                }
            }
        }
        found
    }
}

/// Whether `word` is one of `key`'s words (split at each space, as [`super::text::key_words`] does).
fn holds_word(key: &str, word: &str) -> bool {
    let (bytes, word) = (key.as_bytes(), word.as_bytes());
    let mut start = 0;
    while start <= bytes.len() {
        let end = next_space(bytes, start);
        if &bytes[start..end] == word {
            return true;
        }
        start = end + 1;
    }
    false
}

fn length_bit(w: &str) -> u64 {
    1 << w.len().min(63)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A word's number is where it first came, repeats taking none; a word of a length the
    /// set holds but not in it has none.
    #[test]
    fn words_are_numbered_once_in_order() {
        let set = WordSet::new(["خطه", "الحكومه", "خطه", "x", "الحكومه", ""]);
        assert_eq!(set.len(), 4);
        let numbers: Vec<_> = ["خطه", "الحكومه", "x", "", "خطة", "y", "حكومه"]
            .iter()
            .map(|w| set.get(w))
            .collect();
        assert_eq!(
            numbers,
            [Some(0), Some(1), Some(2), Some(3), None, None, None]
        );
    }

    /// Words of one slot are each found: finding one does not turn the other away. A hash
    /// that is a word's but a key that does not hold it finds nothing. And the result is the
    /// plain definition's.

    #[test]
    fn word_sets_find_words_that_share_a_slot() {
        let words = ["كتاب", "كذاب", "الحكومه", "حكومه", "خطه", "x", ""];
        let set = WordSet::new(words);
        let hash = |w: &str| word_hash(w.as_bytes());
        let shared = (0..10_000)
            .map(|n| format!("w{n}"))
            .find(|w| slot(hash(w)) == slot(hash("كتاب")))
            .unwrap();
        let set_shared = WordSet::new(["كتاب", shared.as_str()]);
        let both = format!("كتاب وقال {shared}");
        let hashes: Vec<u64> = both.split(' ').map(hash).collect();
        assert_eq!(
            set_shared.found_in([(both.as_str(), &hashes[..])]),
            [true, true]
        );
        // The hash of a word the key does not hold finds nothing.
        assert_eq!(
            set.found_in([("وقال كذاب", &[hash("كتاب")][..])]),
            vec![false; set.len()]
        );
        let texts: [&[&str]; 4] = [
            &["وقال كتاب الحكومه", "كذاب خطه"],
            &["كذاب كذاب", "وقال كتاب"],
            &["", "a x  b"],
            &["لا شيء هنا"],
        ];
        for keys in texts {
            let plain: Vec<bool> = words
                .iter()
                .map(|w| keys.iter().any(|k| k.split(' ').any(|x| x == *w)))
                .collect();
            let mut found = vec![false; set.len()];
            for (w, hit) in words.iter().zip(&plain) {
                found[set.get(w).unwrap_or_else(|| panic!("{w}"))] |= hit;
            }
            let hashes: Vec<Vec<u64>> = keys
                .iter()
                .map(|k| k.split(' ').map(hash).collect())
                .collect();
            let with_hashes = keys.iter().zip(&hashes).map(|(k, h)| (*k, &h[..]));
            assert_eq!(set.found_in(with_hashes), found, "{keys:?}");
        }
    }
}
