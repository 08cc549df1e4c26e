//! Each number's fingerprint and signature (see `again`): for the numbers read back, where
//! they lie in their chunks of the grouping ([`Range`], [`NUMBERS`] numbers each); for those
//! given out since, made. Numbers are only appended, so a `+1` reads the ranges and makes the
//! few numbers it adds.

use super::in_place::Words;

/// Numbers a range (a chunk) of articles holds: at a million articles, 62 chunks of ≈ 1.7 MB
/// (fewer in tests, so that a small archive has several).
pub(super) const NUMBERS: usize = if cfg!(test) { 1 << 10 } else { 1 << 14 };

/// A range of numbers as read: each one's fingerprint and signature (`ends` from the range's
/// first term).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Range {
    pub(super) prints: Words<u64>,
    pub(super) terms: Words<u32>,
    pub(super) ends: Words<u32>,
}

impl Range {
    fn is_whole(&self) -> bool {
        agree(self.prints.len(), &self.terms, &self.ends)
    }
}

/// Whether numbers' arrays agree: a fingerprint (of `prints`) and an end each, the ends rising
/// to the terms' count.
fn agree(prints: usize, terms: &[u32], ends: &[u32]) -> bool {
    ends.len() == prints
        && ends.is_sorted()
        && ends.last().map_or(0, |&e| e as usize) == terms.len()
}

/// Every number's fingerprint and signature.
#[derive(Debug, Clone, Default)]
pub(super) struct Signatures {
    /// The ranges read, each [`NUMBERS`] numbers but the last.
    read: Vec<Range>,
    /// Numbers the ranges hold.
    read_slots: usize,
    /// The numbers given out since (from `read_slots` on): their fingerprints and signatures,
    /// `ends[m]` where number `read_slots + m`'s ends in `terms`.
    prints: Vec<u64>,
    terms: Vec<u32>,
    ends: Vec<u32>,
}

impl Signatures {
    /// Numbers `0..prints.len()` made: number `m`'s signature is `terms[ends[m - 1]..ends[m]]`.
    pub(super) fn made(prints: Vec<u64>, terms: Vec<u32>, ends: Vec<u32>) -> Signatures {
        Signatures {
            prints,
            terms,
            ends,
            ..Signatures::default()
        }
    }

    /// The numbers of `ranges` as read, `None` unless each is whole and all but the last hold
    /// [`NUMBERS`]; room made for `more` to be given out, with `terms` terms.
    pub(super) fn read(ranges: Vec<Range>, more: usize, terms: usize) -> Option<Signatures> {
        let last = ranges.len().saturating_sub(1);
        let whole = (ranges.iter().enumerate())
            .all(|(k, r)| r.is_whole() && (k == last || r.prints.len() == NUMBERS));
        whole.then(|| Signatures {
            read_slots: ranges.iter().map(|r| r.prints.len()).sum(),
            read: ranges,
            prints: Vec::with_capacity(more),
            terms: Vec::with_capacity(terms),
            ends: Vec::with_capacity(more),
        })
    }

    /// Numbers given out.
    pub(super) fn len(&self) -> usize {
        self.read_slots + self.prints.len()
    }

    /// Whether the numbers made since the ranges were read agree.
    pub(super) fn is_whole(&self) -> bool {
        agree(self.prints.len(), &self.terms, &self.ends)
    }

    /// Number `m`'s fingerprint.
    pub(super) fn print(&self, m: usize) -> u64 {
        match m.checked_sub(self.read_slots) {
            Some(m) => self.prints[m],
            None => self.read[m / NUMBERS].prints[m % NUMBERS],
        }
    }

    /// Number `m`'s signature.
    pub(super) fn signature(&self, m: usize) -> &[u32] {
        let (terms, ends, m): (&[u32], &[u32], usize) = match m.checked_sub(self.read_slots) {
            Some(m) => (&self.terms, &self.ends, m),
            None => {
                let range = &self.read[m / NUMBERS];
                (&range.terms, &range.ends, m % NUMBERS)
            }
        };
        let start = if m == 0 { 0 } else { ends[m - 1] as usize };
        &terms[start..ends[m] as usize]
    }

    /// Gives out the next number: its fingerprint and signature.
    pub(super) fn push(&mut self, print: u64, signature: &[u32]) {
        self.prints.push(print);
        self.terms.extend_from_slice(signature);
        self.ends.push(self.terms.len() as u32);
    }

    /// Numbers `from..to`: their fingerprints, signatures, and where each ends among them.
    pub(super) fn range(&self, from: usize, to: usize) -> (Vec<u64>, Vec<u32>, Vec<u32>) {
        let prints = (from..to).map(|m| self.print(m)).collect();
        let mut terms = Vec::new();
        let ends = (from..to)
            .map(|m| {
                terms.extend_from_slice(self.signature(m));
                terms.len() as u32
            })
            .collect();
        (prints, terms, ends)
    }
}

/// The same numbers, each with the same fingerprint and signature, however they were read.
impl PartialEq for Signatures {
    fn eq(&self, other: &Signatures) -> bool {
        self.len() == other.len()
            && (0..self.len())
                .all(|m| self.print(m) == other.print(m) && self.signature(m) == other.signature(m))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::super::in_place::Chunk;
    use super::*;
    use crate::serde_le::put;

    /// Numbers `0..n`, number `m` with fingerprint `m * 3` and signature `[m, m + 1]` but
    /// every fifth, with none.
    fn made(n: usize) -> Signatures {
        let mut s = Signatures::default();
        for m in 0..n {
            let sig: &[u32] = if m % 5 == 0 {
                &[]
            } else {
                &[m as u32, m as u32 + 1]
            };
            s.push(m as u64 * 3, sig);
        }
        s
    }

    /// Numbers `from..to` of `s` as a range read from a chunk.
    fn range_of(s: &Signatures, from: usize, to: usize) -> Range {
        let (prints, terms, ends) = s.range(from, to);
        let mut bytes = Vec::new();
        put(&mut bytes, &prints);
        put(&mut bytes, &terms);
        put(&mut bytes, &ends);
        let chunk: Chunk = Arc::new(bytes);
        let (t, e) = (8 * prints.len(), 8 * prints.len() + 4 * terms.len());
        Range {
            prints: Words::read(&chunk, 0, prints.len()).unwrap(),
            terms: Words::read(&chunk, t, terms.len()).unwrap(),
            ends: Words::read(&chunk, e, ends.len()).unwrap(),
        }
    }

    #[test]
    fn numbers_read_in_ranges_then_given_out_are_the_numbers_made() {
        let n = 2 * NUMBERS + 300;
        let all = made(n + 2);
        let ranges = vec![
            range_of(&all, 0, NUMBERS),
            range_of(&all, NUMBERS, 2 * NUMBERS),
            range_of(&all, 2 * NUMBERS, n),
        ];
        let mut read = Signatures::read(ranges, 2, 4).unwrap();
        assert_eq!(read.len(), n);
        assert!(
            read.read
                .iter()
                .all(|r| r.terms.in_place() == cfg!(target_endian = "little"))
        );
        read.push(all.print(n), all.signature(n));
        read.push(all.print(n + 1), all.signature(n + 1));
        assert!(read.is_whole());
        assert_eq!(read, all);
        for m in [0, 1, NUMBERS - 1, NUMBERS, 2 * NUMBERS + 7, n, n + 1] {
            assert_eq!(
                (read.print(m), read.signature(m)),
                (m as u64 * 3, all.signature(m))
            );
        }
        assert_eq!(
            read.range(NUMBERS - 2, n + 2),
            all.range(NUMBERS - 2, n + 2)
        );
        let mut other = all.clone();
        other.push(0, &[]);
        assert_ne!(read, other);
    }

    #[test]
    fn ranges_that_do_not_agree_are_not_read() {
        let all = made(NUMBERS + 10);
        // A range short of its numbers before the last.
        let short = vec![
            range_of(&all, 0, NUMBERS - 1),
            range_of(&all, NUMBERS - 1, NUMBERS + 10),
        ];
        assert!(Signatures::read(short, 0, 0).is_none());
        // A range whose ends do not reach its terms, or its fingerprints another count.
        let mut cut = range_of(&all, 0, 10);
        cut.terms = Words::Made(cut.terms[..cut.terms.len() - 1].to_vec());
        assert!(Signatures::read(vec![cut], 0, 0).is_none());
        let mut fewer = range_of(&all, 0, 10);
        fewer.prints = Words::Made(fewer.prints[1..].to_vec());
        assert!(Signatures::read(vec![fewer], 0, 0).is_none());
        assert!(Signatures::read(vec![range_of(&all, 0, 10)], 0, 0).is_some());
    }
}
