//! Where a long list's chunks end ([`super::chunk_files`]): after an item whose key (an
//! article's id, a dump's name) hashes to a value with enough low zero bits, so that where
//! chunks end depends on the items themselves, not on their positions. Each list says how long
//! its chunks are on average ([`Cut`]).

use std::ops::Range;

use crate::stable_hash::stable_hash;

/// How a list is cut: a chunk ends after an item whose key's hash has `bits` low zero bits
/// (2^`bits` items a chunk on average), or after eight times that many items whatever the keys
/// (a run of unlucky hashes; the cut is still content-defined from the last boundary on).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cut {
    bits: u32,
}

impl Cut {
    /// The build cache's lists and the index list: 8,192 items a chunk on average, enough that
    /// a chunk's bookkeeping is nothing beside its items, few enough that a hundred thousand
    /// items keep two cores busy. Their changes fall in few chunks (dumps by name, added ones
    /// last).
    pub const LISTS: Cut = Cut { bits: 13 };

    /// The compiled archive's entries and threads: 2,048 a chunk on average (≈ 0.5 MB of
    /// entries). Articles added land anywhere in reading order, each one's chunk encoded,
    /// hashed, written and synced again, and a chunk is reached in proportion to its size: at
    /// 8,192 a `+1` of four dumps at 100,000 wrote 7.6 MB of chunks (three of eleven), ≈ 17 MB
    /// expected at a million (notes/build-bench.md, session 43). A million articles make
    /// ≈ 500 chunks of entries, read on both cores by `serve`.
    pub const ARCHIVE: Cut = Cut { bits: 11 };

    /// Whether an item with this key ends a chunk (whatever the items before it): the run of
    /// items after it starts a chunk.
    pub fn ends(self, key: &str) -> bool {
        stable_hash(key.as_bytes()) & ((1u64 << self.bits) - 1) == 0
    }

    /// No chunk of this cut is longer.
    pub const fn max_items(self) -> usize {
        8 << self.bits
    }

    /// Where the chunks of `items` end, from their keys alone.
    pub fn ranges<T>(self, items: &[T], key: impl Fn(&T) -> &str) -> Vec<Range<usize>> {
        self.ranges_by(items, |item| self.ends(key(item)))
    }

    /// [`Cut::ranges`], told of each item whether its key [`Cut::ends`] a chunk (for items
    /// whose key is not borrowed from them).
    pub fn ranges_by<T>(self, items: &[T], ends: impl Fn(&T) -> bool) -> Vec<Range<usize>> {
        let mut ranges = Vec::with_capacity(items.len() >> self.bits);
        let mut start = 0;
        for (i, item) in items.iter().enumerate() {
            if ends(item) || i + 1 - start == self.max_items() {
                ranges.push(start..i + 1);
                start = i + 1;
            }
        }
        if start < items.len() {
            ranges.push(start..items.len());
        }
        ranges
    }
}

/// No chunk of any list holds more items: what a chunk's length may say when read.
pub const MAX_ITEMS: usize = Cut::LISTS.max_items();

#[cfg(test)]
mod tests {
    use super::*;

    fn items(ids: impl Iterator<Item = u32>) -> Vec<(String, u32)> {
        ids.map(|i| (format!("مقال-{i}"), i)).collect()
    }

    fn key(item: &(String, u32)) -> &str {
        &item.0
    }

    #[test]
    fn no_chunk_is_longer_than_the_limit_and_none_is_empty() {
        let many = items(0..200_000);
        for cut in [Cut::LISTS, Cut::ARCHIVE] {
            let ranges = cut.ranges(&many, key);
            assert!(
                ranges
                    .iter()
                    .all(|r| !r.is_empty() && r.len() <= cut.max_items())
            );
            assert_eq!(ranges.first().unwrap().start, 0);
            assert_eq!(ranges.last().unwrap().end, many.len());
            assert!(ranges.windows(2).all(|w| w[0].end == w[1].start));
            // Every item the same key: only the limit cuts.
            let same: Vec<(String, u32)> = (0..cut.max_items() as u32 + 5)
                .map(|i| ("x".into(), i))
                .collect();
            assert!(!cut.ends("x"), "not a boundary");
            assert_eq!(cut.ranges(&same, key).len(), 2);
            assert!(cut.ranges(&items(0..0), key).is_empty());
        }
    }
}
