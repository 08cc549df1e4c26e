//! The table a thread profile counts an article's terms and word pairs in, by their hashes.
//!
//! Every term and every pair of every article is counted here, two counts a word: as a
//! hashbrown map this was 143 M of a build's 3,522 M instructions at 1,000 dumps (session 29,
//! notes/build-bench.md), the keys hashed a second time, probed by groups, and the whole map
//! walked slot by slot to read the counts back. The keys are hashes already, so a slot is one
//! multiply away; the counts are kept in a vector in the order first seen, which is all the
//! profile reads, and the slots only point into it.

/// Counts by 64-bit key, for keys that are hashes already. Emptied by [`Tally::clear`] with
/// its room kept, so one table serves a thread's articles one after the other.
#[derive(Debug, Default)]
pub(super) struct Tally {
    /// For each slot, `base` + 1 + the index in `counts` of the key it holds; at most `base`
    /// when free. A power of two long and at most a quarter full, so that a probe meets a free
    /// slot soon: at half full 1.76 M slots were read for 1.51 M counts (1,000 dumps), at a
    /// quarter 1.61 M (≈ −2 M instructions, notes/build-bench.md session 32), for 16 KB of
    /// slots an article instead of 8.
    slots: Vec<u32>,
    /// What the slots filled before the last [`Tally::clear`] hold at most: clearing raises
    /// it past them instead of writing every slot (a 16 KB `memset` an article, 14 M
    /// instructions at 1,000 dumps).
    base: u32,
    /// `64 - log2(slots.len())`: a key's first slot is the top bits of its product with
    /// [`SPREAD`].
    shift: u32,
    counts: Vec<(u64, u32)>,
}

/// Fibonacci hashing's multiplier (2^64 / φ): spreads keys whose low bits are alike (a pair's
/// key is its terms' hashes rotated and mixed) over the top bits that pick a slot.
const SPREAD: u64 = 0x9E37_79B9_7F4A_7C15;

/// Slots of a table's first use: an article has some 1,000 terms and pairs.
const FIRST_SLOTS: usize = 1 << 12;

/// The slots a table has for each key it holds at most.
const SLOTS_A_KEY: usize = 4;

impl Tally {
    /// Adds `n` to `key`'s count (the tests'; a profile makes room for a word's two keys at
    /// once).
    #[cfg(test)]
    pub fn add(&mut self, key: u64, n: u32) {
        self.make_room(1);
        self.add_in_room(key, n);
    }

    /// Makes room for `keys` more keys: [`Tally::add_in_room`] may then add that many. A word
    /// adds its term and its pair: their room made once (≈ 4 instructions a word,
    /// notes/build-bench.md session 51).
    #[inline(always)]
    pub fn make_room(&mut self, keys: usize) {
        if SLOTS_A_KEY * (self.counts.len() + keys) > self.slots.len() {
            self.grow(keys);
        }
    }

    /// Adds `n` to `key`'s count, where [`Tally::make_room`] made room for it.
    ///
    /// Always inlined: as a call, its frame and saved registers were ≈ 16 of its ≈ 45
    /// instructions (notes/build-bench.md session 32).
    #[inline(always)]
    pub fn add_in_room(&mut self, key: u64, n: u32) {
        debug_assert!(SLOTS_A_KEY * (self.counts.len() + 1) <= self.slots.len());
        let mask = self.slots.len() - 1;
        let mut at = (key.wrapping_mul(SPREAD) >> self.shift) as usize;
        loop {
            let slot = self.slots[at];
            if slot <= self.base {
                self.counts.push((key, n));
                self.slots[at] = self.base + self.counts.len() as u32;
                return;
            }
            let count = &mut self.counts[(slot - self.base - 1) as usize];
            if count.0 == key {
                count.1 += n;
                return;
            }
            at = (at + 1) & mask;
        }
    }

    /// Every key counted since the table was last cleared, with its count, in the order each
    /// was first added.
    pub fn counts(&self) -> &[(u64, u32)] {
        &self.counts
    }

    /// Forgets every count, keeping the room.
    pub fn clear(&mut self) {
        // `counts` is never longer than `slots`, which an index of `u32` addresses.
        let filled = self.counts.len() as u32;
        self.counts.clear();
        match self.base.checked_add(filled) {
            Some(base) if base <= u32::MAX - self.slots.len() as u32 => self.base = base,
            _ => {
                self.slots.fill(0);
                self.base = 0;
            }
        }
    }

    /// The number of keys the table has room for without growing.
    pub fn room(&self) -> usize {
        self.slots.len() / SLOTS_A_KEY
    }

    /// Doubles the slots (or makes the first ones) until there is room for `keys` more keys,
    /// and puts each key back.
    #[cold]
    fn grow(&mut self, keys: usize) {
        let mut len = (2 * self.slots.len()).max(FIRST_SLOTS);
        while SLOTS_A_KEY * (self.counts.len() + keys) > len {
            len *= 2;
        }
        self.slots = vec![0; len];
        self.shift = 64 - len.trailing_zeros();
        let mask = len - 1;
        for (i, &(key, _)) in self.counts.iter().enumerate() {
            let mut at = (key.wrapping_mul(SPREAD) >> self.shift) as usize;
            while self.slots[at] > self.base {
                at = (at + 1) & mask;
            }
            self.slots[at] = self.base + i as u32 + 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    #[test]
    fn it_counts_as_a_map_does_through_growth_and_clearing() {
        let mut tally = Tally::default();
        // Keys that share their top bits or their low bits collide in slots; repeated keys
        // must find their count past those collisions, across the table's growth.
        let keys: Vec<u64> = (0..5_000u64)
            .map(|i| match i % 3 {
                0 => i,
                1 => i << 52,
                _ => i.wrapping_mul(0x0100_0000_01b3) ^ 0xcbf2_9ce4_8422_2325,
            })
            .collect();
        for round in 0..2 {
            let mut want: BTreeMap<u64, u32> = BTreeMap::new();
            let mut first_seen = Vec::new();
            for (i, &key) in keys.iter().enumerate() {
                let key = key ^ round;
                for repeat in 0..=(i % 4) as u32 {
                    tally.add(key, repeat + 1);
                    let count = want.entry(key).or_insert_with(|| {
                        first_seen.push(key);
                        0
                    });
                    *count += repeat + 1;
                }
            }
            let got: Vec<(u64, u32)> = tally.counts().to_vec();
            let expected: Vec<(u64, u32)> = first_seen.iter().map(|k| (*k, want[k])).collect();
            assert_eq!(got, expected, "round {round}");
            assert!(tally.room() >= got.len());
            tally.clear();
            assert!(tally.counts().is_empty());
        }
    }

    /// Keys added two at a time after one room made for both, as a profile adds a word's term
    /// and pair, across the table's growth: the counts of the keys added one by one.
    #[test]
    fn room_made_for_two_keys_holds_both() {
        let (mut pairs, mut singly) = (Tally::default(), Tally::default());
        for i in 0..5_000u64 {
            let (a, b) = (i % 1_700, i.rotate_left(17) ^ (i % 3));
            pairs.make_room(2);
            pairs.add_in_room(a, 1);
            pairs.add_in_room(b, 2);
            singly.add(a, 1);
            singly.add(b, 2);
            assert!(pairs.room() >= pairs.counts().len());
        }
        assert_eq!(pairs.counts(), singly.counts());
    }

    #[test]
    fn clearing_past_the_bases_end_starts_the_slots_afresh() {
        let mut tally = Tally::default();
        tally.add(1, 1);
        tally.clear();
        tally.base = u32::MAX - tally.slots.len() as u32 - 1;
        tally.add(1, 2);
        tally.add(2, 1);
        tally.add(1, 1);
        assert_eq!(tally.counts(), [(1, 3), (2, 1)]);
        tally.clear();
        assert_eq!(tally.base, 0, "the slots written afresh");
        tally.add(2, 5);
        tally.add(2, 1);
        assert_eq!(tally.counts(), [(2, 6)]);
    }

    #[test]
    fn a_cleared_table_counts_from_nothing() {
        let mut tally = Tally::default();
        tally.add(7, 3);
        tally.add(0, 1);
        tally.clear();
        tally.add(7, 1);
        tally.add(u64::MAX, 2);
        assert_eq!(tally.counts(), [(7, 1), (u64::MAX, 2)]);
    }
}
