//! The table the analyzer remembers words in: a value per word, a short word found by its
//! bytes held in the table itself.
//!
//! Every word of every article is looked up here (twice a word in a build: once for the
//! profile and the index's line, once when a query or passage reads it). As a hashbrown map of
//! `Box<str>` keys a lookup hashed the word byte-group by byte-group, probed, then compared
//! the key through a `bcmp` call behind a pointer: ≈ 188 instructions a word with the word's
//! handling (notes/build-bench.md, session 31). Nearly every word (99.9 % of a generated
//! corpus's) is at most [`SHORT`] bytes: such a word is read as three machine words, which
//! hash it in three multiplies and compare it in three comparisons inside the slot. Longer
//! ones go to a map of their own.

use std::ops::Range;

use rustc_hash::FxHashMap;

/// The longest word kept by its bytes in a slot: 12 Arabic letters.
const SHORT: usize = 24;

/// Slots of a table's first use.
const FIRST_SLOTS: usize = 1 << 12;

/// FxHash's multiplier: odd, with its bits spread, so that a product's top bits depend on
/// every bit of the factor.
const MIX: u64 = 0x517c_c1b7_2722_0a95;

/// Values by word: [`Memo::get_or_insert`] finds a word's, or makes it once.
#[derive(Debug)]
pub(super) struct Memo<V> {
    /// Open addressing, at most half full: each short word's bytes, length and value's index.
    slots: Vec<Slot>,
    /// `64 - log2(slots.len())`: a word's first slot is the top bits of its hash.
    shift: u32,
    /// The short words' values, in the order first seen.
    values: Vec<V>,
    /// Words longer than [`SHORT`] bytes.
    long: FxHashMap<Box<str>, V>,
    /// The words held at most: the next new word past it starts the table afresh.
    limit: usize,
}

/// A short word where it is kept: its bytes as [`key`] reads them, its length (0 for a free
/// slot: a word has a byte at least) and the index of its value.
#[derive(Debug, Clone, Copy, Default)]
struct Slot {
    key: [u64; 3],
    len: u32,
    at: u32,
}

impl<V> Memo<V> {
    /// An empty table that holds at most `limit` words, with its first slots: made empty,
    /// every lookup asked whether they were made yet (≈ 2 instructions a word,
    /// notes/build-bench.md session 51).
    pub fn new(limit: usize) -> Memo<V> {
        Memo {
            slots: vec![Slot::default(); FIRST_SLOTS],
            shift: 64 - FIRST_SLOTS.trailing_zeros(),
            values: Vec::new(),
            long: FxHashMap::default(),
            limit,
        }
    }

    /// The value of the word `text[range]` (a non-empty word between character boundaries),
    /// made by `make` the first time. The text around the word is read to spare a short word
    /// a byte-by-byte gathering.
    ///
    /// Inlined into the caller's loop, with the making of a new value out of it (in
    /// [`Memo::insert`]): as a call of its own, its frame and saved registers were some 20
    /// instructions a word, as many as the lookup.
    #[inline(always)]
    pub fn get_or_insert(
        &mut self,
        text: &str,
        range: Range<usize>,
        make: impl FnOnce(&str) -> V,
    ) -> &V {
        let Some(key) = key(text.as_bytes(), range.clone()) else {
            if self.len() >= self.limit && !self.long.contains_key(&text[range.clone()]) {
                self.clear();
            }
            return self
                .long
                .entry(text[range.clone()].into())
                .or_insert_with(|| make(&text[range]));
        };
        let len = range.len() as u32;
        let mask = self.slots.len() - 1;
        let mut at = (hash(&key) >> self.shift) as usize;
        loop {
            let slot = self.slots[at];
            if slot.len == len && slot.key == key {
                return &self.values[slot.at as usize];
            }
            if slot.len == 0 {
                break;
            }
            at = (at + 1) & mask;
        }
        self.insert(at, key, len, make, &text[range])
    }

    /// Puts `word`, not yet held, in the free slot `at` its probe ended on, with the value
    /// `make` makes of it.
    #[cold]
    #[inline(never)]
    fn insert(
        &mut self,
        mut at: usize,
        key: [u64; 3],
        len: u32,
        make: impl FnOnce(&str) -> V,
        word: &str,
    ) -> &V {
        let value = make(word);
        if self.len() >= self.limit {
            self.clear();
            at = self.free_slot(&key);
        }
        if 2 * (self.values.len() + 1) > self.slots.len() {
            self.grow();
            at = self.free_slot(&key);
        }
        self.slots[at] = Slot {
            key,
            len,
            at: self.values.len() as u32,
        };
        self.values.push(value);
        &self.values[self.values.len() - 1]
    }

    /// The words held, short and long.
    fn len(&self) -> usize {
        self.values.len() + self.long.len()
    }

    /// Forgets every word.
    fn clear(&mut self) {
        self.slots.fill(Slot::default());
        self.values.clear();
        self.long.clear();
    }

    /// The first free slot of `key`'s probe.
    fn free_slot(&self, key: &[u64; 3]) -> usize {
        let mask = self.slots.len() - 1;
        let mut at = (hash(key) >> self.shift) as usize;
        while self.slots[at].len != 0 {
            at = (at + 1) & mask;
        }
        at
    }

    /// Doubles the slots and puts each word back.
    fn grow(&mut self) {
        let len = 2 * self.slots.len();
        let old = std::mem::replace(&mut self.slots, vec![Slot::default(); len]);
        self.shift = 64 - len.trailing_zeros();
        for slot in old.into_iter().filter(|s| s.len != 0) {
            let at = self.free_slot(&slot.key);
            self.slots[at] = slot;
        }
    }
}

/// The word `bytes[range]` as three little-endian machine words, `None` past [`SHORT`] bytes
/// (and for no bytes, which a free slot's length means).
/// With the word's length they give its bytes back, so equal keys of equal lengths are equal
/// words: a word under 8 bytes is its bytes and zeros, a longer one its first 8 or 16 bytes and
/// its last 8, which overlap when it is not a multiple of 8 long. The bytes around a word under
/// 8 bytes are read and masked off where the text has them.
#[inline(always)]
fn key(bytes: &[u8], range: Range<usize>) -> Option<[u64; 3]> {
    let (start, end) = (range.start, range.end);
    let n = end.checked_sub(start)?;
    Some(match n {
        1..=7 => {
            let spare = 64 - 8 * n as u32;
            let word = if start + 8 <= bytes.len() {
                load(bytes, start) << spare >> spare
            } else if end >= 8 {
                load(bytes, end - 8) >> spare
            } else {
                bytes[start..end]
                    .iter()
                    .rev()
                    .fold(0, |k, &b| k << 8 | u64::from(b))
            };
            [word, 0, 0]
        }
        8..=16 => [load(bytes, start), load(bytes, end - 8), 0],
        17..=SHORT => [
            load(bytes, start),
            load(bytes, start + 8),
            load(bytes, end - 8),
        ],
        _ => return None,
    })
}

/// The 8 bytes of `bytes` from `at`, little-endian.
#[inline(always)]
fn load(bytes: &[u8], at: usize) -> u64 {
    let mut word = [0; 8];
    word.copy_from_slice(&bytes[at..at + 8]);
    u64::from_le_bytes(word)
}

/// A key's hash, whose top bits choose its first slot.
#[inline(always)]
fn hash(key: &[u64; 3]) -> u64 {
    let h = key[0].wrapping_mul(MIX);
    let h = (h.rotate_left(26) ^ key[1]).wrapping_mul(MIX);
    (h.rotate_left(26) ^ key[2]).wrapping_mul(MIX)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    /// Every word of `text` (split on spaces) looked up in `memo`, against a map of owned
    /// strings: the value made the first time comes back every time after.
    fn agrees_with_a_map(memo: &mut Memo<String>, text: &str) {
        let mut want: HashMap<String, String> = HashMap::new();
        let mut made = 0;
        let mut start = 0;
        for word in text.split(' ') {
            let range = start..start + word.len();
            start = range.end + 1;
            if word.is_empty() {
                continue;
            }
            let got = memo
                .get_or_insert(text, range, |w| {
                    made += 1;
                    format!("{w}#{made}")
                })
                .clone();
            let want = want.entry(word.to_owned()).or_insert_with(|| got.clone());
            assert_eq!(&got, want, "{word:?} in {text:?}");
            assert!(got.starts_with(word));
        }
        assert_eq!(memo.len(), want.len());
    }

    #[test]
    fn a_word_is_found_by_its_bytes_whatever_surrounds_it() {
        // Words of every length to past `SHORT`, sharing prefixes and suffixes, with a
        // multi-byte letter, at the text's start and end (where the bytes around a short word
        // are missing) and in its middle; then again, so that each is found, not made.
        let mut words = Vec::new();
        for n in 1..=30 {
            words.push("a".repeat(n));
            words.push(format!("{}b", "a".repeat(n - 1)));
            words.push(format!("b{}", "a".repeat(n - 1)));
        }
        words
            .extend(["ب", "با", "اب", "بب", "سوريا", "والمعارضة", "والاستخبارات"].map(String::from));
        let mut memo = Memo::new(usize::MAX);
        for short_text in &words {
            agrees_with_a_map(&mut Memo::new(usize::MAX), short_text);
        }
        let text = words.join(" ");
        agrees_with_a_map(&mut memo, &text);
        let reversed: Vec<&str> = words.iter().rev().map(String::as_str).collect();
        let before = memo.len();
        let again = format!("{} {}", reversed.join(" "), text);
        let mut made_again = 0;
        let mut start = 0;
        for word in again.split(' ') {
            let range = start..start + word.len();
            start = range.end + 1;
            let got = memo.get_or_insert(&again, range, |_| {
                made_again += 1;
                String::new()
            });
            assert!(got.starts_with(word), "{word:?} gave {got:?}");
        }
        assert_eq!(made_again, 0, "every word was held");
        assert_eq!(memo.len(), before);
    }

    #[test]
    fn it_holds_words_through_growth_and_clearing() {
        let words: Vec<String> = (0..20_000).map(|i| format!("w{i}")).collect();
        let text = words.join(" ");
        let mut memo = Memo::new(usize::MAX);
        agrees_with_a_map(&mut memo, &text);
        assert_eq!(memo.len(), words.len());
        assert!(memo.slots.len() >= 2 * words.len());
        memo.clear();
        assert_eq!(memo.len(), 0);
        agrees_with_a_map(&mut memo, &text);
    }

    #[test]
    fn past_its_limit_it_starts_afresh() {
        let words: Vec<String> = (0..25).map(|i| format!("w{i}{}", "x".repeat(i))).collect();
        let text = words.join(" ");
        let mut memo = Memo::new(10);
        for round in 0..2 {
            let mut start = 0;
            for word in &words {
                let range = start..start + word.len();
                start = range.end + 1;
                let got = memo.get_or_insert(&text, range, str::to_owned);
                assert_eq!(got, word, "round {round}");
                assert!(memo.len() <= 10, "{} words held", memo.len());
            }
        }
    }

    #[test]
    fn a_key_gives_the_words_bytes_back() {
        let text = "abcdefghijklmnopqrstuvwxyz0123456789";
        for start in 0..text.len() {
            for end in start + 1..=(start + SHORT).min(text.len()) {
                let k = key(text.as_bytes(), start..end).unwrap();
                let n = end - start;
                let bytes: Vec<u8> = k.iter().flat_map(|w| w.to_le_bytes()).collect();
                let back = match n {
                    ..8 => bytes[..n].to_vec(),
                    8..=16 => [&bytes[..8], &bytes[24 - n..16]].concat(),
                    _ => [&bytes[..16], &bytes[40 - n..24]].concat(),
                };
                assert_eq!(back, &text.as_bytes()[start..end], "{start}..{end}");
            }
        }
        assert_eq!(key(text.as_bytes(), 0..SHORT + 1), None);
        assert_eq!(key(text.as_bytes(), 3..3), None, "no word");
    }
}
