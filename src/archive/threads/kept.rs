//! The signature terms' lists kept in the grouping for the next build: each term's articles
//! by number (see [`super::again`]), each list in the order grouping reads it (by day,
//! undated last, then by place). Numbers do not move when an article is added or removed, so
//! a change edits only the lists of the changed articles' terms: the rest are neither read
//! nor written again (a `+1` used to carry every list to the new places, sixteen entries an
//! article). The lists fall in [`BUCKETS`] buckets by their term's top bits, each bucket its
//! own arrays, so that an edit moves a bucket's entries, not all of them. A bucket read back
//! from its chunk is read where it lies, and made its own only when a change edits it.

use rayon::prelude::*;

use super::in_place::{Chunk, Words};
use crate::serde_le::put;

/// Buckets of lists: terms are hashes, so each holds about as many lists; at a million
/// articles (sixteen million entries) a bucket is some 250 kB.
pub(super) const BUCKETS: usize = 256;

/// The bucket of term `t`'s list: its top bits.
fn bucket_of(t: u32) -> usize {
    (t >> (32 - BUCKETS.trailing_zeros())) as usize
}

/// The lists of the terms of one bucket, terms ascending, no list empty.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Bucket {
    terms: Words<u32>,
    /// Where each term's list ends in `articles`.
    ends: Words<u32>,
    /// Numbers only: an article's day and place are the grouping's, not written twice.
    articles: Words<u32>,
}

/// A bucket's lists being made: [`Bucket`]'s arrays, its own.
#[derive(Default)]
struct Making {
    terms: Vec<u32>,
    ends: Vec<u32>,
    articles: Vec<u32>,
}

impl Making {
    fn push(&mut self, t: u32, list: &[u32]) {
        let start = self.articles.len();
        self.articles.extend_from_slice(list);
        self.close(t, start);
    }

    /// Term `t`'s list as the articles from `start` on, unless there are none.
    fn close(&mut self, t: u32, start: usize) {
        if self.articles.len() > start {
            self.terms.push(t);
            self.ends.push(self.articles.len() as u32);
        }
    }

    fn made(self) -> Bucket {
        Bucket {
            terms: Words::Made(self.terms),
            ends: Words::Made(self.ends),
            articles: Words::Made(self.articles),
        }
    }
}

impl Bucket {
    fn list(&self, k: usize) -> &[u32] {
        let start = if k == 0 { 0 } else { self.ends[k - 1] as usize };
        &self.articles[start..self.ends[k] as usize]
    }

    /// The bucket as its chunk keeps it: its counts of terms and of numbers, then its terms,
    /// ends and numbers, each a little-endian word. Words throughout, so that a chunk mapped
    /// at a page is read where it lies ([`Bucket::read`]).
    pub(super) fn encode(&self) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(4 * (2 + 2 * self.terms.len() + self.articles.len()));
        put(
            &mut bytes,
            &[self.terms.len() as u32, self.articles.len() as u32],
        );
        put(&mut bytes, &self.terms);
        put(&mut bytes, &self.ends);
        put(&mut bytes, &self.articles);
        bytes
    }

    /// The bucket `chunk` keeps ([`Bucket::encode`]), its arrays read where they lie
    /// ([`Words::read`]). `None` for a chunk of another length than its counts say; whether
    /// its lists agree is [`Bucket::is_whole`]'s to tell.
    pub(super) fn read(chunk: Chunk) -> Option<Bucket> {
        let counts = Words::<u32>::read(&chunk, 0, 2)?;
        let (terms, articles) = (u64::from(counts[0]), u64::from(counts[1]));
        if (*chunk).as_ref().len() as u64 != 4 * (2 + 2 * terms + articles) {
            return None;
        }
        let (terms, articles) = (terms as usize, articles as usize);
        Some(Bucket {
            terms: Words::read(&chunk, 8, terms)?,
            ends: Words::read(&chunk, 8 + 4 * terms, terms)?,
            articles: Words::read(&chunk, 8 + 8 * terms, articles)?,
        })
    }

    /// Whether the arrays agree, every term is in this bucket (`k`) and every number is
    /// below `slots`: a damaged file is grouped from nothing rather than read out of bounds.
    fn is_whole(&self, k: usize, slots: usize) -> bool {
        let slots = u32::try_from(slots).unwrap_or(u32::MAX);
        self.ends.len() == self.terms.len()
            && self.ends.last().map_or(0, |&e| e as usize) == self.articles.len()
            && self.ends.is_sorted()
            && self.terms.is_sorted()
            && self.terms.iter().all(|&t| bucket_of(t) == k)
            // Those out of bounds counted, not each compared with an early way out nor the
            // largest found (an unsigned maximum the baseline x86-64 lacks, so done a number
            // at a time: 4.8 M instructions a `+1` at 100,000 articles): a loop made wide.
            && self.articles.iter().fold(0u32, |out, &n| out | u32::from(n >= slots)) == 0
    }
}

/// Each signature term's list, in [`BUCKETS`] buckets: one form whichever build made it.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct KeptLists {
    buckets: Vec<Bucket>,
}

impl KeptLists {
    /// From lists in any order of terms: `terms[k]`'s list is
    /// `entries[starts[k]..starts[k + 1]]`, `(day, article)` sorted, as a build from nothing
    /// makes them (its articles' numbers are their places).
    pub(super) fn of(terms: &[u32], starts: &[u32], entries: &[(i32, u32)]) -> KeptLists {
        let mut order: Vec<(u32, u32)> = terms.iter().zip(0..).map(|(&t, k)| (t, k)).collect();
        order.sort_unstable();
        let mut buckets: Vec<Making> = (0..BUCKETS).map(|_| Making::default()).collect();
        let mut list = Vec::new();
        for (t, k) in order {
            let (from, to) = (starts[k as usize] as usize, starts[k as usize + 1] as usize);
            list.clear();
            list.extend(entries[from..to].iter().map(|&(_, i)| i));
            buckets[bucket_of(t)].push(t, &list);
        }
        let buckets = buckets.into_iter().map(Making::made).collect();
        KeptLists { buckets }
    }

    /// Term `t`'s list of numbers, when a signature holds it.
    pub(super) fn get(&self, t: u32) -> Option<&[u32]> {
        let bucket = &self.buckets[bucket_of(t)];
        let k = bucket.terms.binary_search(&t).ok()?;
        Some(bucket.list(k))
    }

    /// Every list as `(term, numbers)`, terms ascending.
    #[cfg(test)]
    pub(super) fn iter(&self) -> impl Iterator<Item = (u32, &[u32])> + '_ {
        self.buckets
            .iter()
            .flat_map(|b| b.terms.iter().enumerate().map(|(k, &t)| (t, b.list(k))))
    }

    /// Whether every bucket is whole (see [`Bucket::is_whole`]), numbers below `slots`.
    #[cfg(test)]
    pub(super) fn is_whole(&self, slots: usize) -> bool {
        self.buckets.len() == BUCKETS
            && self
                .buckets
                .iter()
                .enumerate()
                .all(|(k, b)| b.is_whole(k, slots))
    }

    /// Whether the buckets of `terms` are whole (see [`Bucket::is_whole`]), numbers below
    /// `slots`: those not yet in `checked`, which they are put in. A build reads only the
    /// buckets of the terms a change reaches, so only those are checked (each bucket's every
    /// number was read at every `+1`: sixteen million at a million articles). The touched
    /// articles' terms reach most buckets: they are checked on both cores.
    pub(super) fn are_whole(
        &self,
        terms: impl IntoIterator<Item = u32>,
        slots: usize,
        checked: &mut [bool; BUCKETS],
    ) -> bool {
        if self.buckets.len() != BUCKETS {
            return false;
        }
        let to_check: Vec<usize> = (terms.into_iter())
            .map(bucket_of)
            .filter(|&k| !std::mem::replace(&mut checked[k], true))
            .collect();
        (to_check.par_iter()).all(|&k| self.buckets[k].is_whole(k, slots))
    }

    /// The lists after a change: `gone` `(term, number)` taken out of their lists, `added`
    /// put in where `key` (an article's `(day, place)`) places them; the articles kept must
    /// be in the order they were. Only the buckets these reach are made again: they are
    /// given back.
    pub(super) fn change(
        &mut self,
        mut gone: Vec<(u32, u32)>,
        mut added: Vec<(u32, u32)>,
        key: impl Fn(u32) -> (i32, u32),
    ) -> Vec<usize> {
        gone.sort_unstable();
        added.sort_unstable_by_key(|&(t, n)| (t, key(n)));
        let mut reached: Vec<usize> = gone
            .iter()
            .chain(&added)
            .map(|&(t, _)| bucket_of(t))
            .collect();
        reached.sort_unstable();
        reached.dedup();
        for &k in &reached {
            let of_bucket = |postings: &[(u32, u32)]| {
                let from = postings.partition_point(|&(t, _)| bucket_of(t) < k);
                let to = postings.partition_point(|&(t, _)| bucket_of(t) <= k);
                (from, to)
            };
            let (g, a) = (of_bucket(&gone), of_bucket(&added));
            let (mut gone, mut added) = (&gone[g.0..g.1], &added[a.0..a.1]);
            // Made anew, its arrays its own (one read where it lies in its chunk is not
            // written to), sized once: grown from nothing, each bucket made again was copied
            // at every doubling (a quarter of the lists at a `+1` of four articles).
            let old = std::mem::take(&mut self.buckets[k]);
            let mut bucket = Making {
                terms: Vec::with_capacity(old.terms.len() + added.len()),
                ends: Vec::with_capacity(old.ends.len() + added.len()),
                articles: Vec::with_capacity(old.articles.len() + added.len()),
            };
            let mut terms: Vec<u32> = Vec::with_capacity(old.terms.len() + added.len());
            terms.extend_from_slice(&old.terms);
            terms.extend(added.iter().map(|&(t, _)| t));
            terms.sort_unstable();
            terms.dedup();
            for t in terms {
                let was = old.terms.binary_search(&t).map_or(&[][..], |j| old.list(j));
                let count = gone.iter().take_while(|&&(g, _)| g == t).count();
                let (gone_here, rest) = gone.split_at(count);
                gone = rest;
                let count = added.iter().take_while(|&&(a, _)| a == t).count();
                let (added_here, rest) = added.split_at(count);
                added = rest;
                // Most lists of a bucket reached are not changed: copied once, as they are.
                if gone_here.is_empty() && added_here.is_empty() {
                    bucket.push(t, was);
                    continue;
                }
                // Made where it goes in the bucket: through a list of its own it was copied
                // twice, and the lists a change reaches are the long ones (common terms: at
                // 100,000 articles 51 lists of ≈ 14,000 numbers, 5.8 M instructions a `+1`).
                let start = bucket.articles.len();
                if gone_here.is_empty() {
                    // In runs between the added (their keys rise and are no kept one's).
                    let mut from = 0;
                    for &(_, n) in added_here {
                        let at = from + was[from..].partition_point(|&m| key(m) < key(n));
                        bucket.articles.extend_from_slice(&was[from..at]);
                        bucket.articles.push(n);
                        from = at;
                    }
                    bucket.articles.extend_from_slice(&was[from..]);
                } else {
                    // The gone are holes, out of the keys' order: taken out first.
                    let kept = was
                        .iter()
                        .filter(|n| !gone_here.iter().any(|&(_, g)| g == **n));
                    bucket.articles.extend(kept);
                    for &(_, n) in added_here {
                        let list = &bucket.articles[start..];
                        let at = start + list.partition_point(|&m| key(m) < key(n));
                        bucket.articles.insert(at, n);
                    }
                }
                bucket.close(t, start);
            }
            self.buckets[k] = bucket.made();
        }
        reached
    }

    /// The buckets, each its own chunk when kept.
    pub(super) fn buckets(&self) -> &[Bucket] {
        &self.buckets
    }

    /// From buckets read back ([`KeptLists::is_whole`] tells whether they fit).
    pub(super) fn from_buckets(buckets: Vec<Bucket>) -> KeptLists {
        KeptLists { buckets }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    /// The lists of `postings` `(term, number)` in `key` order, as a build from nothing makes
    /// them.
    fn made(postings: &[(u32, u32)], key: impl Fn(u32) -> (i32, u32)) -> KeptLists {
        let mut sorted: Vec<(u32, (i32, u32), u32)> =
            postings.iter().map(|&(t, n)| (t, key(n), n)).collect();
        sorted.sort_unstable();
        let (mut terms, mut starts, mut entries) = (Vec::new(), vec![0], Vec::new());
        for (t, (day, _), n) in sorted {
            if terms.last() != Some(&t) {
                if !entries.is_empty() {
                    starts.push(entries.len() as u32);
                }
                terms.push(t);
            }
            entries.push((day, n));
        }
        starts.push(entries.len() as u32);
        KeptLists::of(&terms, &starts, &entries)
    }

    #[test]
    fn lists_changed_equal_lists_made_anew() {
        let mut seed = 9u64;
        let mut random = move |below: u64| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (seed >> 33) % below
        };
        // Twelve terms over several buckets, one of them shared by all.
        let terms: Vec<u32> = (0..12).map(|k| (k * 0x1555_5555u32) ^ 77).collect();
        let n = 400;
        let signature = |random: &mut dyn FnMut(u64) -> u64| -> Vec<u32> {
            let mut s: Vec<u32> = terms.iter().copied().filter(|_| random(3) == 0).collect();
            s.push(terms[0]);
            s.sort_unstable();
            s.dedup();
            s
        };
        let mut sigs: Vec<Vec<u32>> = (0..n).map(|_| signature(&mut random)).collect();
        let mut days: Vec<i32> = (0..n).map(|_| random(9) as i32).collect();
        // Places: numbers in order, so a number's key is (day, number).
        let mut place: Vec<u32> = (0..n as u32).collect();
        let postings = |sigs: &[Vec<u32>], live: &dyn Fn(usize) -> bool| -> Vec<(u32, u32)> {
            (0..sigs.len())
                .filter(|&m| live(m))
                .flat_map(|m| sigs[m].iter().map(move |&t| (t, m as u32)))
                .collect()
        };
        let mut kept = made(&postings(&sigs, &|_| true), |m| (days[m as usize], m));
        assert!(kept.is_whole(n));
        assert_eq!(kept.get(terms[0]).map(<[u32]>::len), Some(n));

        // Numbers 5 and 17 gone; three added, placed among the others.
        let gone: Vec<(u32, u32)> = [5u32, 17]
            .iter()
            .flat_map(|&m| sigs[m as usize].iter().map(move |&t| (t, m)))
            .collect();
        for (at, day) in [(0u32, 3), (200, 0), (399, 8)] {
            sigs.push(signature(&mut random));
            days.push(day);
            // The added article comes just before `at`'s old number.
            place.push(2 * at);
        }
        place.iter_mut().take(n).for_each(|p| *p = 2 * *p + 1);
        let added: Vec<(u32, u32)> = (n as u32..n as u32 + 3)
            .flat_map(|m| sigs[m as usize].iter().map(move |&t| (t, m)))
            .collect();
        let key = |m: u32| (days[m as usize], place[m as usize]);
        kept.change(gone, added, key);
        let live = |m: usize| m != 5 && m != 17;
        assert_eq!(kept, made(&postings(&sigs, &live), key));
        assert!(kept.is_whole(n + 3));
        assert!(!kept.is_whole(n), "numbers past the slots");
        // Only the buckets of the terms read are checked, each once.
        let past = *sigs[n + 2].last().unwrap();
        let added_buckets: Vec<usize> = sigs[n..].iter().flatten().map(|&t| bucket_of(t)).collect();
        let other = terms
            .iter()
            .copied()
            .find(|t| !added_buckets.contains(&bucket_of(*t)));
        assert!(other.is_some(), "a bucket the added articles are not in");
        let mut checked = [false; BUCKETS];
        assert!(kept.are_whole(other, n, &mut checked));
        assert!(
            !kept.are_whole([past], n, &mut checked),
            "number n + 2 in its lists"
        );
        assert!(kept.are_whole([past], n, &mut checked), "checked once");
        assert!(kept.are_whole([past], n + 3, &mut [false; BUCKETS]));

        // A list left empty is dropped.
        let only: Vec<(u32, u32)> = postings(&sigs, &live)
            .into_iter()
            .filter(|&(t, _)| t == terms[0])
            .collect();
        kept.change(only, Vec::new(), key);
        assert_eq!(kept.get(terms[0]), None);
    }

    #[test]
    fn a_bucket_read_back_is_the_bucket_and_lies_in_its_chunk() {
        let postings: Vec<(u32, u32)> = (0..60u32).map(|m| (m % 7 * 3 + 1, m)).collect();
        let kept = made(&postings, |m| ((m % 5) as i32, m));
        let bucket = &kept.buckets()[0];
        assert!(bucket.terms.len() > 3, "several lists in the first bucket");
        let bytes = bucket.encode();

        let aligned = Bucket::read(Arc::new(bytes.clone()) as Chunk).unwrap();
        assert_eq!(&aligned, bucket);
        assert_eq!(aligned.articles.in_place(), cfg!(target_endian = "little"));

        // A chunk cut short, or longer than its counts say, is no bucket.
        let cut = bytes[..bytes.len() - 4].to_vec();
        assert!(Bucket::read(Arc::new(cut) as Chunk).is_none());
        let mut long = bytes.clone();
        long.extend_from_slice(&[0; 4]);
        assert!(Bucket::read(Arc::new(long) as Chunk).is_none());
        assert!(Bucket::read(Arc::new(vec![1u8, 0, 0]) as Chunk).is_none());
    }

    #[test]
    fn lists_read_where_they_lie_change_as_lists_made() {
        let postings: Vec<(u32, u32)> = (0..300u32)
            .flat_map(|m| [((m % 11 * 0x1555_5555) ^ 77, m), (m % 3 * 0x3000_0001, m)])
            .collect();
        let key = |m: u32| ((m % 9) as i32, m);
        let mut made_lists = made(&postings, key);
        let read: Vec<Bucket> = (made_lists.buckets().iter())
            .map(|b| Bucket::read(Arc::new(b.encode()) as Chunk).unwrap())
            .collect();
        let mut read = KeptLists::from_buckets(read);
        assert_eq!(read, made_lists);
        let gone: Vec<(u32, u32)> = postings.iter().copied().filter(|&(_, m)| m == 40).collect();
        let added = vec![(77, 300), (0x3000_0001, 300)];
        let reached = read.change(gone.clone(), added.clone(), key);
        assert_eq!(made_lists.change(gone, added, key), reached);
        assert_eq!(read, made_lists);
        // The buckets the change did not reach are still read where they lie.
        let untouched =
            (0..BUCKETS).find(|k| !reached.contains(k) && !read.buckets()[*k].terms.is_empty());
        let untouched = untouched.expect("a bucket with lists the change did not reach");
        assert!(
            matches!(read.buckets()[untouched].articles, Words::Read { .. })
                || cfg!(target_endian = "big")
        );
        assert!(
            reached
                .iter()
                .all(|&k| matches!(read.buckets()[k].articles, Words::Made(_)))
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// Any change (lists with gone numbers, with added, with both, left empty) gives the
        /// lists made anew: the lists changed are made in their bucket, in runs where
        /// nothing is gone.
        #[test]
        fn any_change_gives_the_lists_made_anew(
            old in proptest::collection::vec(
                (proptest::collection::vec(0..12u32, 1..5), 0..6i32, proptest::bool::weighted(0.15)),
                0..150,
            ),
            added in proptest::collection::vec(
                (proptest::collection::vec(0..12u32, 1..5), 0..6i32, 0..160usize),
                0..10,
            ),
        ) {
            // Twelve terms over several buckets.
            let signature = |ks: &[u32]| {
                let mut sig: Vec<u32> = ks.iter().map(|&k| (k * 0x1555_5555u32) ^ 77).collect();
                sig.sort_unstable();
                sig.dedup();
                sig
            };
            let n = old.len();
            let mut sigs: Vec<Vec<u32>> = old.iter().map(|(ks, _, _)| signature(ks)).collect();
            let mut days: Vec<i32> = old.iter().map(|&(_, day, _)| day).collect();
            let mut place: Vec<u32> = (0..n as u32).map(|m| 100 * m + 50).collect();
            let postings = |sigs: &[Vec<u32>], numbers: &mut dyn Iterator<Item = usize>| {
                numbers
                    .flat_map(|m| sigs[m].iter().map(move |&t| (t, m as u32)))
                    .collect::<Vec<_>>()
            };
            let mut kept = made(&postings(&sigs, &mut (0..n)), |m| {
                (days[m as usize], place[m as usize])
            });
            let gone_numbers: Vec<usize> = (0..n).filter(|&m| old[m].2).collect();
            let gone = postings(&sigs, &mut gone_numbers.iter().copied());
            // Each added article comes just before old article `at` (or after them all).
            for (j, (ks, day, at)) in added.iter().enumerate() {
                sigs.push(signature(ks));
                days.push(*day);
                place.push(100 * (*at).min(n) as u32 + j as u32);
            }
            let added = postings(&sigs, &mut (n..sigs.len()));
            let key = |m: u32| (days[m as usize], place[m as usize]);
            kept.change(gone, added, key);
            let live = (0..sigs.len()).filter(|m| *m >= n || !old[*m].2);
            proptest::prop_assert_eq!(kept, made(&postings(&sigs, &mut live.into_iter()), key));
        }
    }
}
