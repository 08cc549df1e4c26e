//! Grouping again after a few articles changed, from what the last grouping kept
//! ([`Grouping`]): the weighing base (document frequencies and the number of articles they
//! were counted over), each article's signature and the links each article found.
//!
//! While the base is kept, an unchanged article keeps its vector, signature and candidates
//! unless a changed article enters or leaves the part of a posting list it reads: only those
//! articles (and the changed ones) compare themselves again. An article reads its place in
//! each of its signature terms' lists and [`REACH`] neighbours either side, an undated one the
//! list's first [`MAX_CANDIDATES_PER_TERM`](super::MAX_CANDIDATES_PER_TERM): a change at
//! place `q` of a list touches the articles within `REACH + 1` of `q`, and all its undated
//! ones when `q` is within the first `REACH + 1`. A removed article's old place is among the
//! places of its day in the new list, so the whole of that day is touched (more than needed:
//! comparing an article again gives the same links, so touching more stays exact). The links
//! are then joined again whole: joining is linear in the links, which are few beside the
//! articles' terms.

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet, FxHasher};
use serde::{Deserialize, Serialize};
use std::hash::{Hash, Hasher};

use super::kept::KeptLists;
use super::links::{self, Link, REACH, UNDATED, Vector, day_key};
use super::packed_ids::PackedIds;
use super::places::old_places;
use super::profile::Profile;

/// The document frequencies a grouping weighed with, and over how many articles.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct Base {
    pub(super) n: u32,
    /// `(term, df)` of the terms in more than one profile, sorted by term: a term in one
    /// weighs nothing.
    #[serde(with = "crate::serde_le")]
    pub(super) df: Vec<(u32, u32)>,
}

impl Base {
    pub(super) fn of(n: usize, counts: &FxHashMap<u32, u32>) -> Base {
        let mut df: Vec<(u32, u32)> = counts
            .iter()
            .filter(|&(_, &df)| df > 1)
            .map(|(&t, &df)| (t, df))
            .collect();
        df.par_sort_unstable();
        Base { n: n as u32, df }
    }

    pub(super) fn df(&self, t: u32) -> u32 {
        self.df
            .binary_search_by_key(&t, |&(t, _)| t)
            .map_or(0, |k| self.df[k].1)
    }
}

/// What a grouping keeps for the next one: its base, and for each article it grouped (in
/// order) its id, a fingerprint of what it was grouped by, its day, its signature, and the
/// links it found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Grouping {
    pub(super) base: Base,
    /// Articles added, changed or removed since the base was counted.
    pub(super) drift: u32,
    pub(super) ids: PackedIds,
    #[serde(with = "crate::serde_le")]
    pub(super) prints: Vec<u64>,
    pub(super) days: Vec<Option<i32>>,
    /// Every article's signature, one after the other; `ends[i]` is where article `i`'s ends.
    #[serde(with = "crate::serde_le")]
    pub(super) terms: Vec<u32>,
    #[serde(with = "crate::serde_le")]
    pub(super) ends: Vec<u32>,
    /// `(a, b, similarity)` in join order (see [`links::join_order`]).
    #[serde(with = "crate::serde_le")]
    pub(super) links: Vec<(u32, u32, f32)>,
    /// The signature terms' lists, carried to the next grouping rather than made again.
    pub(super) lists: KeptLists,
}

impl Grouping {
    fn signature(&self, i: usize) -> &[u32] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.terms[start..self.ends[i] as usize]
    }

    pub(super) fn links(&self) -> impl Iterator<Item = Link> + '_ {
        self.links.iter().map(|&(a, b, similarity)| Link {
            a: a as usize,
            b: b as usize,
            similarity,
        })
    }

    /// How many articles may be added, changed or removed before the base is counted again:
    /// 1% of those it was counted over (none under 100 articles). Each changes N or a few
    /// terms' document frequencies by one; 1% moves every IDF by at most ln(1.01) ≈ 0.01
    /// plus the changed terms' own shift, small beside the [`THRESHOLD`](super::THRESHOLD)'s
    /// margin in the fixtures (0.05).
    pub(super) fn allowance(&self) -> u32 {
        self.base.n / 100
    }
}

/// What an article is grouped by: its profile's terms and its day.
pub(super) fn fingerprint(profile: &Profile, day: Option<i32>) -> u64 {
    let mut h = FxHasher::default();
    profile.terms.hash(&mut h);
    day.hash(&mut h);
    h.finish()
}

/// A grouping of every article weighed with `base`, from nothing: what [`again`] must equal.
#[cfg(test)]
pub(super) fn from_nothing(
    base: Base,
    drift: u32,
    ids: PackedIds,
    profiles: &[&Profile],
    days: Vec<Option<i32>>,
) -> Grouping {
    let vectors: Vec<Vector> = profiles
        .par_iter()
        .map(|p| links::vector(p, base.n, |t| base.df(t)))
        .collect();
    grouping_of(base, drift, ids, profiles, days, &vectors)
}

/// The grouping of articles whose vectors are known.
pub(super) fn grouping_of(
    base: Base,
    drift: u32,
    ids: PackedIds,
    profiles: &[&Profile],
    days: Vec<Option<i32>>,
    vectors: &[Vector],
) -> Grouping {
    let (signatures, links, lists) = links::links(vectors, &days);
    let lists = KeptLists::of(&lists.terms, &lists.starts, &lists.entries);
    let prints = profiles
        .par_iter()
        .zip(&days)
        .map(|(p, &d)| fingerprint(p, d))
        .collect();
    let mut terms = Vec::new();
    let mut ends = Vec::with_capacity(signatures.len());
    for s in &signatures {
        terms.extend_from_slice(s);
        ends.push(terms.len() as u32);
    }
    Grouping {
        base,
        drift,
        ids,
        prints,
        days,
        terms,
        ends,
        links: links
            .iter()
            .map(|l| (l.a as u32, l.b as u32, l.similarity))
            .collect(),
        lists,
    }
}

/// The grouping of the articles (`ids`, `profiles`, `days`, in order) from `previous`, with
/// its base, when the changes since it was counted stay within its allowance; `None` when the
/// base is to be counted again.
pub(super) fn again(
    previous: &Grouping,
    ids: &[&str],
    profiles: &[&Profile],
    days: &[Option<i32>],
) -> Option<Grouping> {
    let n = ids.len();
    let old_place = old_places(&previous.ids, ids);
    let prints: Vec<u64> = profiles
        .par_iter()
        .zip(days)
        .map(|(p, &d)| fingerprint(p, d))
        .collect();
    // The old article each article is, when it is unchanged.
    let mut same: Vec<Option<u32>> = vec![None; n];
    let mut new_of_old: Vec<Option<u32>> = vec![None; previous.ids.len()];
    let mut changed = Vec::new();
    for (i, place) in old_place.iter().enumerate() {
        match *place {
            Some(o) if previous.prints[o as usize] == prints[i] => {
                same[i] = Some(o);
                new_of_old[o as usize] = Some(i as u32);
            }
            _ => changed.push(i),
        }
    }
    // Old articles gone or changed: their old entries leave the lists.
    let gone: Vec<usize> = (0..previous.ids.len())
        .filter(|&o| new_of_old[o].is_none())
        .collect();
    let added_only = changed.iter().filter(|&&i| old_place[i].is_none()).count();
    let drift = previous.drift as usize + added_only + gone.len();
    if drift > previous.allowance() as usize {
        return None;
    }
    let base = &previous.base;
    let vector_of = |i: usize| links::vector(profiles[i], base.n, |t| base.df(t));
    let mut vectors: FxHashMap<usize, Vector> =
        changed.par_iter().map(|&i| (i, vector_of(i))).collect();
    let new_signatures: FxHashMap<usize, Vec<u32>> = changed
        .iter()
        .map(|&i| (i, links::signature(&vectors[&i])))
        .collect();
    let signatures: Vec<&[u32]> = (0..n)
        .map(|i| match same[i] {
            Some(o) => previous.signature(o as usize),
            None => new_signatures[&i].as_slice(),
        })
        .collect();

    // The kept lists carried to the new places, the changed articles merged in.
    let added: Vec<(u32, i32, u32)> = changed
        .iter()
        .flat_map(|&i| {
            let day = day_key(days[i]);
            signatures[i].iter().map(move |&t| (t, day, i as u32))
        })
        .collect();
    let lists = previous
        .lists
        .again(&new_of_old, added, |i| day_key(days[i as usize]))?;

    // Who reads a changed place.
    let mut touched = vec![false; n];
    for &i in &changed {
        touched[i] = true;
        for &t in signatures[i] {
            let list = lists.get(t).expect("a changed article's terms have lists");
            let q = list
                .binary_search(&(day_key(days[i]), i as u32))
                .expect("a changed article is in its terms' lists");
            touch(list, q, q + 1, &mut touched);
        }
    }
    for &o in &gone {
        let day = day_key(previous.days[o]);
        for &t in previous.signature(o) {
            if let Some(list) = lists.get(t) {
                let from = list.partition_point(|&(d, _)| d < day);
                let to = list.partition_point(|&(d, _)| d <= day);
                touch(list, from, to, &mut touched);
            }
        }
    }
    let owners: Vec<usize> = (0..n).filter(|&i| touched[i]).collect();

    // The touched articles compare themselves again, in the lists of all their terms.
    let compared: Vec<(usize, Vec<usize>)> = owners
        .par_iter()
        .map(|&a| {
            let places = signatures[a].iter().map(|&t| {
                let list = lists.get(t).expect("an article's terms have lists");
                let place = list.binary_search(&(day_key(days[a]), a as u32));
                (list, place.expect("an article is in its terms' lists"))
            });
            (a, links::compared(a, places, days))
        })
        .collect();
    let wanted: FxHashSet<usize> = compared
        .iter()
        .flat_map(|(a, c)| std::iter::once(*a).chain(c.iter().copied()))
        .filter(|i| !vectors.contains_key(i))
        .collect();
    let wanted: Vec<usize> = wanted.into_iter().collect();
    vectors.par_extend(wanted.par_iter().map(|&i| (i, vector_of(i))));
    let mut fresh: Vec<Link> = compared
        .into_par_iter()
        .flat_map_iter(|(a, c)| links::links_of(a, c, days, |i| &vectors[&i]))
        .collect();
    links::sort(&mut fresh);

    // The links of untouched articles stand, in their order (indices only shift up or down).
    let kept = previous.links().filter_map(|l| {
        let a = new_of_old[l.a]? as usize;
        let b = new_of_old[l.b]? as usize;
        (!touched[a]).then_some(Link { a, b, ..l })
    });
    let mut links = Vec::with_capacity(previous.links.len() + fresh.len());
    let mut fresh = fresh.into_iter().peekable();
    for l in kept {
        while let Some(f) = fresh.next_if(|f| links::join_order(f, &l).is_lt()) {
            links.push(f);
        }
        links.push(l);
    }
    links.extend(fresh);

    let mut terms = Vec::with_capacity(previous.terms.len() + 16 * changed.len());
    let mut ends = Vec::with_capacity(n);
    for s in &signatures {
        terms.extend_from_slice(s);
        ends.push(terms.len() as u32);
    }
    Some(Grouping {
        base: base.clone(),
        drift: drift as u32,
        ids: ids.iter().copied().collect(),
        prints,
        days: days.to_vec(),
        terms,
        ends,
        links: links
            .iter()
            .map(|l| (l.a as u32, l.b as u32, l.similarity))
            .collect(),
        lists: lists.kept(),
    })
}

/// Marks the articles that read places `from..to` of `list` (see the module documentation).
fn touch(list: &[(i32, u32)], from: usize, to: usize, touched: &mut [bool]) {
    let start = from.saturating_sub(REACH + 1);
    let end = (to + REACH + 1).min(list.len());
    for &(_, i) in &list[start..end] {
        touched[i as usize] = true;
    }
    if from <= REACH + 1 {
        let undated = list.partition_point(|&(d, _)| d < UNDATED);
        for &(_, i) in &list[undated..] {
            touched[i as usize] = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Item, Threads, group_again, profiles_and_days, threads_of};
    use super::*;

    use crate::parse::Date;

    /// A made-up archive: stories of a few days each told by several articles, each article
    /// a mix of its story's terms and common ones, some undated. Deterministic in `seed`.
    struct Made {
        seed: u64,
        /// `(id, published, profile)` in id order, as a build lists them.
        articles: Vec<(String, Option<Date>, Profile)>,
        next: u32,
    }

    impl Made {
        fn new(seed: u64, n: usize) -> Made {
            let mut made = Made {
                seed,
                articles: Vec::new(),
                next: 0,
            };
            for _ in 0..n {
                let a = made.article();
                made.articles.push(a);
            }
            made.articles.sort_by(|x, y| x.0.cmp(&y.0));
            made
        }

        fn random(&mut self, below: u64) -> u64 {
            // xorshift64*: enough to scatter terms and days.
            self.seed ^= self.seed >> 12;
            self.seed ^= self.seed << 25;
            self.seed ^= self.seed >> 27;
            (self.seed.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) % below
        }

        fn article(&mut self) -> (String, Option<Date>, Profile) {
            let story = self.random(80);
            let mut terms: FxHashMap<u32, u32> = FxHashMap::default();
            for _ in 0..12 {
                *terms
                    .entry(1000 + story as u32 * 20 + self.random(20) as u32)
                    .or_default() += 1 + self.random(4) as u32;
            }
            for _ in 0..20 {
                *terms.entry(self.random(300) as u32).or_default() += 1 + self.random(2) as u32;
            }
            let mut terms: Vec<(u32, u32)> = terms.into_iter().collect();
            terms.sort_unstable();
            terms.truncate(32);
            let published = (self.random(10) != 0).then(|| {
                let day = (story * 5 + self.random(6)) % 56;
                Date::parse(&format!("2020-{:02}-{:02}", 1 + day / 28, 1 + day % 28)).unwrap()
            });
            // Ids spread over the order, so that new articles land among the old ones.
            self.next += 1;
            let id = format!("{:06}-{}", self.random(1_000_000), self.next);
            (id, published, Profile { body: None, terms })
        }

        fn items(&self) -> Vec<Item<'_>> {
            self.articles
                .iter()
                .map(|(id, published, profile)| Item {
                    id,
                    published: *published,
                    profile,
                })
                .collect()
        }

        fn add(&mut self) {
            let a = self.article();
            let at = self.articles.partition_point(|x| x.0 < a.0);
            self.articles.insert(at, a);
        }

        fn remove(&mut self) {
            let at = self.random(self.articles.len() as u64) as usize;
            self.articles.remove(at);
        }

        /// Another article's text under an existing id and date.
        fn change(&mut self) {
            let at = self.random(self.articles.len() as u64) as usize;
            let (_, published, profile) = self.article();
            self.articles[at].1 = published;
            self.articles[at].2 = profile;
        }
    }

    /// The grouping and threads of `items` from nothing, weighed with `base`.
    fn with_base(items: &[Item], base: &Base, drift: u32) -> (Threads, Grouping) {
        let kept: Vec<usize> = (0..items.len()).collect();
        let (profiles, days) = profiles_and_days(items, &kept);
        let ids = items.iter().map(|i| i.id).collect();
        let grouping = from_nothing(base.clone(), drift, ids, &profiles, days.clone());
        let links: Vec<Link> = grouping.links().collect();
        let threads = threads_of(items, &kept, &links, &days, Vec::new());
        (threads, grouping)
    }

    #[test]
    fn grouping_again_equals_grouping_from_nothing_with_the_same_base() {
        for seed in 1..=12u64 {
            let mut made = Made::new(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15), 1000);
            let (first, mut grouping) = group_again(&made.items(), None);
            assert!(first.threads.len() > 20, "the made-up archive has threads");
            let base = grouping.base.clone();
            // Nine changes of 1,000 articles are within the allowance (1%): three rounds.
            for round in 0..3 {
                match round {
                    0 => (0..3).for_each(|_| made.add()),
                    1 => {
                        made.change();
                        made.remove();
                        made.add();
                    }
                    _ => {
                        made.remove();
                        made.remove();
                        made.change();
                    }
                }
                let items = made.items();
                let (threads, again) = group_again(&items, Some(&grouping));
                assert_eq!(
                    again.base, base,
                    "seed {seed} round {round}: the base is kept"
                );
                let (expected_threads, expected) = with_base(&items, &base, again.drift);
                assert_eq!(again, expected, "seed {seed} round {round}");
                assert_eq!(threads, expected_threads, "seed {seed} round {round}");
                grouping = again;
            }
            assert_eq!(grouping.drift, 3 + 3 + 3);
        }
    }

    #[test]
    fn past_the_allowance_the_base_is_counted_again() {
        let mut made = Made::new(7, 300);
        let (_, grouping) = group_again(&made.items(), None);
        assert_eq!((grouping.allowance(), grouping.base.n), (3, 300));
        made.add();
        made.add();
        made.remove();
        let (_, within) = group_again(&made.items(), Some(&grouping));
        assert_eq!((within.base.n, within.drift), (300, 3));
        made.add();
        let items = made.items();
        let (threads, past) = group_again(&items, Some(&within));
        let (expected_threads, expected) = group_again(&items, None);
        assert_eq!((past.base.n, past.drift), (302, 0));
        assert_eq!(past, expected);
        assert_eq!(threads, expected_threads);
        assert_eq!(threads, super::super::group_profiles(&items));
    }

    #[test]
    fn under_a_hundred_articles_every_change_counts_the_base_again() {
        let mut made = Made::new(3, 99);
        let (_, grouping) = group_again(&made.items(), None);
        let (_, unchanged) = group_again(&made.items(), Some(&grouping));
        assert_eq!(unchanged, grouping);
        made.change();
        let (_, changed) = group_again(&made.items(), Some(&grouping));
        assert_eq!((changed.base.n, changed.drift), (99, 0));
        assert_ne!(changed.base, grouping.base);
    }
}
