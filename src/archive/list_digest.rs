//! An order-free digest of a list of articles' ids and parts: two lists have the same digest
//! when they hold the same pairs, whatever their order, so a build tells that the articles it
//! serves (in file order) are the very ones the search index's list holds (by id) without
//! sorting a million ids to compare them.
//!
//! The digest is the pairs' count and the sum of their hashes under a seed drawn at random for
//! the process (foldhash's `quality` hasher). Two different lists of one length have the same
//! sum by chance with odds of about 2⁻⁶⁴, and no one can aim for it (the seed never leaves the
//! process); nothing is kept between builds. std's SipHash-1-3 was some 170 instructions a
//! pair (an id of some twenty bytes and its parts): at a million articles, two lists, 0.1 s
//! of CPU for a check that stands in for a sort.

use std::hash::BuildHasher;

use rayon::prelude::*;

use super::store::PartRef;

/// The digest of a list of `(id, parts)` pairs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Digest {
    count: usize,
    sum: u64,
}

/// Digests lists under one key: only digests of one `Digester` compare.
#[derive(Debug, Clone, Default)]
pub struct Digester(foldhash::quality::RandomState);

impl Digester {
    pub fn new() -> Digester {
        Digester::default()
    }

    /// The digest of `pairs`, hashed on every core.
    pub fn of<'a>(&self, pairs: impl ParallelIterator<Item = (&'a str, PartRef)>) -> Digest {
        let (count, sum) = pairs
            .map(|pair| (1, self.0.hash_one(pair)))
            .reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1.wrapping_add(b.1)));
        Digest { count, sum }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(offset: u64) -> PartRef {
        PartRef { offset, len: 1 }
    }

    #[test]
    fn the_same_pairs_in_any_order_have_one_digest_and_a_change_of_one_pair_another() {
        let d = Digester::new();
        let of = |pairs: &[(&'static str, PartRef)]| d.of(pairs.par_iter().copied());
        let list = [("a", at(1)), ("b", at(2)), ("c", at(3))];
        assert_eq!(of(&list), of(&[list[2], list[0], list[1]]));
        assert_ne!(of(&list), of(&[("a", at(1)), ("b", at(2)), ("c", at(4))]));
        assert_ne!(of(&list), of(&[("a", at(1)), ("b", at(2)), ("d", at(3))]));
        assert_ne!(of(&list), of(&list[..2]));
        // One pair gone and another come: the count alone would not tell.
        assert_ne!(of(&list), of(&[("a", at(1)), ("b", at(2)), ("e", at(5))]));
        assert_eq!(of(&[]), of(&[]));
    }
}
