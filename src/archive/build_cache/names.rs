//! The cache's dumps by name: a table in which a build looks up each file it lists, in the
//! order the folder gives them, to know whether the cache holds it as it is now (the same
//! name, the same stamps) and where.
//!
//! A `+1` of a million dumps used to sort the listing and read each listed name in name
//! order, out of the batches it was read in (a miss each, three times over), to walk it beside
//! the cache: 0.16 s of two cores, a tenth of the build (notes/build-bench.md, session 69).
//! Looked up here, each name is read where it lies, and the cache is walked in its own order.
//!
//! Only hashes are kept: a name's (64 bits, of which the slot and a 32-bit tag are compared)
//! and its stamps' (64 bits). A file is taken for its cached result only where both agree,
//! and a file that changed has other stamps (its length, times and inode), so a result is
//! reused wrongly only if a 64-bit hash of a changed file's stamps meets its old one's.

use std::hash::BuildHasher;

use foldhash::quality::FixedState;

use super::super::prefetch::prefetch;
use super::{CachedChunk, Stamp};

/// How many dumps ahead a table's rows are asked for as they are written or looked up.
const AHEAD: usize = 16;

/// Each cached dump's place, by the hash of its name, and the hash of its stamps.
#[derive(Debug)]
pub struct Names {
    /// Open addressing, linear probing: a slot holds a name hash's upper half (the tag) and
    /// its dump's place plus one (zero: empty). At least twice as many slots as dumps.
    slots: Vec<u64>,
    /// Each dump's stamps' hash, by place ([`stamps_key`]).
    stamps: Vec<u64>,
    /// Two dumps whose names have one tag in one slot's run: neither is found, and the
    /// build walks the cache by names instead (never at a million distinct names, in practice).
    tied: bool,
    /// The dumps are in the order of their names, across the chunks: a build puts the ones
    /// it finds in the cache's order ([`super::super::found`]). A damaged cache is walked by
    /// names, where it costs only its reuse.
    ordered: bool,
}

/// The hash of a dump's name: the same in the build that writes the table and the one that
/// reads it (both in one process).
pub fn name_key(name: &[u8]) -> u64 {
    FixedState::with_seed(0x6172_7368_6966_6e6d).hash_one(name)
}

/// The hash of a dump's stamp and its override's.
pub fn stamps_key(stamp: &Stamp, over: Option<&Stamp>) -> u64 {
    let over = over.map(|o| o.to_bytes());
    stamps_key_of_bytes(&stamp.to_bytes(), over.as_ref().map(|o| &o[..]))
}

/// [`stamps_key`] of the stamps' bytes as the cache writes them (`Stamp::to_bytes`): a
/// table read light hashes them where they lie, not decoded and encoded again.
pub(super) fn stamps_key_of_bytes(stamp: &[u8], over: Option<&[u8]>) -> u64 {
    FixedState::with_seed(0x6172_7368_6966_7374).hash_one((stamp, over))
}

impl Names {
    /// The table of every dump of `chunks`, placed in order across them.
    pub fn of(chunks: &[CachedChunk]) -> Names {
        let len: usize = chunks.iter().map(CachedChunk::len).sum();
        let mut names = Names::with_room(len);
        // A chunk's names hashed, then put in the table: its keys reused from chunk to chunk
        // (a vector of every name's key was 8 MB of fresh pages at a million).
        let mut keys = Vec::new();
        let mut last: Option<&[u8]> = None;
        for chunk in chunks {
            keys.clear();
            for i in 0..chunk.len() {
                let (name, stamps) = chunk.name_and_key(i);
                names.ordered &= last.is_none_or(|last| last < name);
                last = Some(name);
                keys.push(name_key(name));
                names.stamps.push(stamps);
            }
            names.put(&keys);
        }
        names
    }

    /// A table with room for `len` dumps, none put.
    fn with_room(len: usize) -> Names {
        Names {
            slots: vec![0; (len * 2).next_power_of_two().max(16)],
            stamps: Vec::with_capacity(len),
            tied: false,
            ordered: true,
        }
    }

    /// The table of dumps whose names hash to `keys`, their stamps to `stamps`.
    #[cfg(test)]
    fn of_keys(keys: &[u64], stamps: Vec<u64>) -> Names {
        let mut names = Names::with_room(keys.len());
        names.stamps = stamps;
        names.put(keys);
        names
    }

    /// The dumps whose names hash to `keys` put in the table, at the places that follow the
    /// ones put before (their stamps' keys are already in `stamps`).
    fn put(&mut self, keys: &[u64]) {
        let first = self.stamps.len() - keys.len();
        let mask = self.slots.len() - 1;
        for (k, &key) in keys.iter().enumerate() {
            // Each slot lies at random in a table larger than the caches.
            if let Some(&ahead) = keys.get(k + AHEAD) {
                prefetch(&self.slots, self.slot_of(ahead));
            }
            let mut at = self.slot_of(key);
            while self.slots[at] != 0 {
                self.tied |= self.slots[at] >> 32 == key >> 32;
                at = (at + 1) & mask;
            }
            self.slots[at] = (key >> 32 << 32) | ((first + k) as u64 + 1);
        }
    }

    fn slot_of(&self, key: u64) -> usize {
        key as usize & (self.slots.len() - 1)
    }

    /// How many dumps it holds.
    pub fn len(&self) -> usize {
        self.stamps.len()
    }

    pub fn is_empty(&self) -> bool {
        self.stamps.is_empty()
    }

    /// Whether it may answer: its dumps are in order, and no two names tie in it.
    pub fn answers(&self) -> bool {
        self.ordered && !self.tied
    }

    /// Asks for the slot of the name hashed `key`, looked up soon.
    pub fn ask(&self, key: u64) {
        prefetch(&self.slots, self.slot_of(key));
    }

    /// Asks for the stamps of the dump whose name hashes to `key` where its slot, asked for
    /// before ([`Names::ask`]), is the first of its run.
    pub fn ask_stamps(&self, key: u64) {
        let slot = self.slots[self.slot_of(key)];
        if slot != 0 && slot >> 32 == key >> 32 {
            prefetch(&self.stamps, (slot as u32).wrapping_sub(1) as usize);
        }
    }

    /// The place of the dump whose name hashes to `key`, if it is held with stamps hashing to
    /// `stamps` ([`stamps_key`]).
    pub fn find(&self, key: u64, stamps: u64) -> Option<u32> {
        let mut at = self.slot_of(key);
        loop {
            let slot = self.slots[at];
            if slot == 0 {
                return None;
            }
            if slot >> 32 == key >> 32 {
                let place = (slot as u32).wrapping_sub(1);
                let held = self.stamps.get(place as usize) == Some(&stamps);
                return held.then_some(place);
            }
            at = (at + 1) & (self.slots.len() - 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::build_cache::Cached;

    fn stamp(k: u64) -> Stamp {
        Stamp::of_parts(100 + k, (1_700_000_000 + k as i64, 7), (9, 11), 1_000 + k)
    }

    fn chunks() -> Vec<CachedChunk> {
        let dump = |k: u64, over| Cached::empty(&format!("{k:03}_ab.txt"), stamp(k), over);
        vec![
            CachedChunk::Whole((0..40).map(|k| dump(k, None)).collect()),
            CachedChunk::Whole(Vec::new()),
            CachedChunk::Whole(
                (40..90)
                    .map(|k| dump(k, (k == 45).then(|| stamp(1))))
                    .collect(),
            ),
        ]
    }

    #[test]
    fn a_dump_is_found_at_its_place_only_with_its_own_stamps() {
        let names = Names::of(&chunks());
        assert_eq!(names.len(), 90);
        assert!(names.answers());
        let find =
            |k: u64, stamps: u64| names.find(name_key(format!("{k:03}_ab.txt").as_bytes()), stamps);
        for k in [0, 1, 39, 40, 44, 46, 89] {
            assert_eq!(
                find(k, stamps_key(&stamp(k), None)),
                Some(k as u32),
                "dump {k}"
            );
            // Rewritten: another length, other times, maybe another inode.
            assert_eq!(
                find(k, stamps_key(&stamp(k + 1), None)),
                None,
                "dump {k} rewritten"
            );
        }
        // Cached with an override, listed without one (or with another): not as cached.
        assert_eq!(find(45, stamps_key(&stamp(45), None)), None);
        assert_eq!(find(45, stamps_key(&stamp(45), Some(&stamp(2)))), None);
        assert_eq!(find(45, stamps_key(&stamp(45), Some(&stamp(1)))), Some(45));
        // Never cached.
        assert_eq!(find(90, stamps_key(&stamp(90), None)), None);
        assert_eq!(
            names.find(name_key(b"090_ab.txt.bak"), stamps_key(&stamp(0), None)),
            None
        );
    }

    #[test]
    fn names_of_one_tag_make_a_table_that_does_not_answer() {
        let stamps = vec![1, 2, 3];
        // Two keys of one tag and one slot, and one of its own.
        let names = Names::of_keys(&[0xabcd_0000_0000_0003, 0xabcd_0000_0001_0003, 7], stamps);
        assert!(!names.answers());
        let distinct = Names::of_keys(
            &[0xabcd_0000_0000_0003, 0xabce_0000_0000_0003, 7],
            vec![1, 2, 3],
        );
        assert!(distinct.answers());
        // Keys of one slot but other tags: each found past the other.
        assert_eq!(distinct.find(0xabcd_0000_0000_0003, 1), Some(0));
        assert_eq!(distinct.find(0xabce_0000_0000_0003, 2), Some(1));
        assert_eq!(distinct.find(0xabcf_0000_0000_0003, 2), None);
    }

    #[test]
    fn dumps_out_of_order_make_a_table_that_does_not_answer() {
        let mut chunks = chunks();
        assert!(Names::of(&chunks).answers());
        chunks.swap(0, 2);
        assert!(!Names::of(&chunks).answers());
        let mut chunks = self::chunks();
        if let CachedChunk::Whole(dumps) = &mut chunks[0] {
            dumps.swap(3, 4);
        }
        assert!(!Names::of(&chunks).answers());
    }

    #[test]
    fn an_empty_cache_holds_nothing() {
        let names = Names::of(&[]);
        assert!(names.is_empty());
        assert_eq!(
            names.find(name_key(b"a.txt"), stamps_key(&stamp(0), None)),
            None
        );
    }
}
