//! Which articles are linked: TF-IDF vectors of the profiles, and the pairs at or above the
//! threshold, found through shared signature terms within each article's date window (nothing
//! compares all pairs). The steps are apart so that a build can redo them for a few articles
//! ([`super::again`]) as well as for all.

use std::cmp::Ordering;
use std::sync::atomic::AtomicU32;
use std::sync::atomic::Ordering::Relaxed;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::profile::ProfileRef;
use super::shared;
use super::{MAX_CANDIDATES_PER_TERM, MAX_COMPARED, PAIR_WINDOW_DAYS, SIGNATURE, THRESHOLD};

/// An article's terms weighted and normalised to length 1, sorted by term.
pub(super) type Vector = Vec<(u32, f32)>;

/// Document frequencies of the profiles' terms: each core counts its share of the profiles
/// in a map of its own, and the smaller map is added into the larger. At a million
/// articles these are 32 million increments in a map of a million terms or so, most of them
/// cache misses, and they were counted on one core while the other waited.
pub(super) fn count(profiles: &[ProfileRef]) -> FxHashMap<u32, u32> {
    let share = profiles.len().div_ceil(rayon::current_num_threads()).max(1);
    profiles
        .par_chunks(share)
        .map(|share| {
            let mut df: FxHashMap<u32, u32> = FxHashMap::default();
            for p in share {
                for (t, _) in p.terms() {
                    *df.entry(t).or_insert(0) += 1;
                }
            }
            df
        })
        .reduce(FxHashMap::default, |a, b| {
            let (mut larger, smaller) = if a.len() >= b.len() { (a, b) } else { (b, a) };
            for (t, n) in smaller {
                *larger.entry(t).or_insert(0) += n;
            }
            larger
        })
}

/// The TF-IDF vector (sublinear tf) of a profile's terms that another article of the base also
/// has, normalised: `n` articles, `df` each term's document frequency among them.
pub(super) fn vector(p: ProfileRef, n: u32, df: impl Fn(u32) -> u32) -> Vector {
    let n = n as f32;
    let mut v: Vector = p
        .terms()
        .map(|(t, tf)| (t, tf, df(t)))
        .filter(|&(_, _, df)| df > 1)
        .map(|(t, tf, df)| (t, (1.0 + (tf as f32).ln()) * (n / df as f32).ln()))
        .filter(|&(_, w)| w > 0.0)
        .collect();
    let norm = v.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
    for (_, w) in &mut v {
        *w /= norm;
    }
    v
}

/// The vectors of `profiles` weighed among themselves.
#[cfg(test)]
pub(super) fn weigh(profiles: &[ProfileRef]) -> Vec<Vector> {
    let df = count(profiles);
    let n = profiles.len() as u32;
    profiles.iter().map(|&p| vector(p, n, |t| df[&t])).collect()
}

/// The [`SIGNATURE`] heaviest terms of a vector: what its article is indexed under.
pub(super) fn signature(v: &Vector) -> Vec<u32> {
    let mut s = v.clone();
    s.sort_unstable_by(by_weight);
    s.into_iter().take(SIGNATURE).map(|(t, _)| t).collect()
}

/// Heaviest first, ties by term so that the order never depends on hash-map iteration.
fn by_weight(a: &(u32, f32), b: &(u32, f32)) -> Ordering {
    b.1.total_cmp(&a.1).then(a.0.cmp(&b.0))
}

pub(super) fn cosine(a: &Vector, b: &Vector) -> f32 {
    let (mut i, mut j, mut dot) = (0, 0, 0.0);
    // Without branches on the comparison: which side moves is unpredictable, and this runs
    // for every compared pair.
    while i < a.len() && j < b.len() {
        let ((ta, wa), (tb, wb)) = (a[i], b[j]);
        dot += if ta == tb { wa * wb } else { 0.0 };
        i += usize::from(ta <= tb);
        j += usize::from(tb <= ta);
    }
    dot
}

/// A link between two articles (indices into the kept entries) at a similarity: `a` is the
/// article that compared the pair (see [`owns`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Link {
    pub(super) a: usize,
    pub(super) b: usize,
    pub(super) similarity: f32,
}

/// The day of an article in the postings.
pub(super) fn day_key(day: Option<i32>) -> i32 {
    day.unwrap_or(UNDATED)
}

/// Every article's links, through the lists of every signature term.
/// The lists come back too, for a grouping to keep.
pub(super) fn links(vectors: &[Vector], days: &[Option<i32>]) -> (Vec<Vec<u32>>, Vec<Link>, Lists) {
    let signatures: Vec<Vec<u32>> = vectors.par_iter().map(signature).collect();
    let lists = Lists::new(&signatures, days);
    // The articles in list order: neighbours in time read the same parts of the lists and
    // mostly compare the same articles, so these stay in the cache from one to the next
    // (in index order each article's lists and vectors were misses at a million). Each
    // share's articles compared and links found in lists it keeps, not in vectors allocated
    // per article (≈ 5,500 instructions an article at a million's density); the links are
    // sorted after, whatever order found them.
    let found: Vec<Vec<Link>> = lists
        .order
        .par_iter()
        .fold(
            || (Vec::new(), Vec::new()),
            |(mut compared, mut found), &(_, a)| {
                let a = a as usize;
                compared.clear();
                let day = |i: usize| days[i];
                compare_into(a, lists.of(a), (days.len(), day), &mut compared);
                found.extend(linked(a, &compared, day, |i| &vectors[i]));
                (compared, found)
            },
        )
        .map(|(_, found)| found)
        .collect();
    let mut links = found.concat();
    sort(&mut links);
    (signatures, links, lists)
}

/// Every signature term's list of articles as `(day, index)`, dated ones by date then undated, in one array, and each
/// article's place in the lists of its terms. At a million articles, the lists in a hash map
/// cost each article sixteen dependent cache misses (the map, the list, its place), and finding
/// the places walked every list once more on one thread; here the articles are laid out in
/// list order (by day, then index) and each list fills in that order, so the lists come out
/// sorted and every place is known as it is written.
pub(super) struct Lists {
    /// Every article as `(day, article)`, sorted: the order the lists are in.
    order: Vec<(i32, u32)>,
    /// Each list's term.
    pub(super) terms: Vec<u32>,
    /// The lists one after the other: `(day, article)`, each sorted.
    pub(super) entries: Vec<(i32, u32)>,
    /// Where each list starts in `entries`; one more for the end of the last.
    pub(super) starts: Vec<u32>,
    /// Where article `i`'s terms are in `list` and `at`: `slots[i]..slots[i + 1]`.
    slots: Vec<u32>,
    /// For each of an article's terms (in signature order), its list and its place in
    /// `entries`.
    list: Vec<u32>,
    at: Vec<u32>,
}

impl Lists {
    /// Filled on every core, each over a share of the terms (by their hashes' remainder):
    /// a share's lists are numbered and laid out together, so each core writes its own part
    /// of the lists. On one core, at a million articles, this was the step's largest serial
    /// part: sixteen million terms looked up in a map of them, and as many scattered writes.
    fn new(signatures: &[Vec<u32>], days: &[Option<i32>]) -> Lists {
        let mut slots = Vec::with_capacity(signatures.len() + 1);
        let mut total = 0;
        for s in signatures {
            slots.push(total);
            total += s.len() as u32;
        }
        slots.push(total);
        let total = total as usize;
        // A power of two, so that a term's share is its hash's low bits (not a division).
        let bits = rayon::current_num_threads()
            .clamp(1, 64)
            .next_power_of_two()
            .trailing_zeros();
        let (shares, mask) = (1u32 << bits, (1u32 << bits) - 1);
        // Each slot's list: its number within its share, times `shares`, plus its share (so
        // that the fill below tells a slot's share without its term). Atomic only so that the shares write their own slots of one array
        // (relaxed: plain stores).
        let list: Vec<AtomicU32> = (0..total).map(|_| AtomicU32::new(0)).collect();
        // Each share's terms, in the order their lists are numbered, and their lengths.
        let numbered: Vec<(Vec<u32>, Vec<u32>)> = (0..shares)
            .into_par_iter()
            .map(|k| {
                let mut ids: FxHashMap<u32, u32> = FxHashMap::default();
                let (mut terms, mut lens) = (Vec::new(), Vec::new());
                for (s, &t) in signatures.iter().flatten().enumerate() {
                    if t & mask != k {
                        continue;
                    }
                    let id = *ids.entry(t).or_insert_with(|| {
                        terms.push(t);
                        lens.push(0);
                        lens.len() as u32 - 1
                    });
                    lens[id as usize] += 1;
                    list[s].store(id << bits | k, Relaxed);
                }
                (terms, lens)
            })
            .collect();
        // Share `k`'s lists are `first[k]..first[k + 1]`.
        let lists: usize = numbered.iter().map(|(terms, _)| terms.len()).sum();
        let (mut first, mut terms) = (
            Vec::with_capacity(numbered.len() + 1),
            Vec::with_capacity(lists),
        );
        let mut starts = Vec::with_capacity(lists + 1);
        starts.push(0);
        for (share_terms, lens) in &numbered {
            first.push(terms.len());
            terms.extend_from_slice(share_terms);
            for len in lens {
                starts.push(starts[starts.len() - 1] + len);
            }
        }
        first.push(terms.len());
        let mut order: Vec<(i32, u32)> = (0..signatures.len())
            .map(|i| (day_key(days[i]), i as u32))
            .collect();
        order.par_sort_unstable();
        let mut entries = vec![(0, 0); total];
        let at: Vec<AtomicU32> = (0..total).map(|_| AtomicU32::new(0)).collect();
        let mut parts = Vec::with_capacity(numbered.len());
        let mut rest = entries.as_mut_slice();
        for k in 0..numbered.len() {
            let len = starts[first[k + 1]] - starts[first[k]];
            let (part, after) = rest.split_at_mut(len as usize);
            parts.push(part);
            rest = after;
        }
        parts.into_par_iter().enumerate().for_each(|(k, part)| {
            let (from, to) = (first[k], first[k + 1]);
            let base = starts[from];
            let mut tails = starts[from..to].to_vec();
            for &(day, i) in &order {
                let i = i as usize;
                for s in slots[i] as usize..slots[i + 1] as usize {
                    let held = list[s].load(Relaxed);
                    if held & mask != k as u32 {
                        continue;
                    }
                    let id = held >> bits;
                    let tail = &mut tails[id as usize];
                    part[(*tail - base) as usize] = (day, i as u32);
                    at[s].store(*tail, Relaxed);
                    *tail += 1;
                }
            }
        });
        Lists {
            order,
            terms,
            entries,
            starts,
            slots,
            // Numbered among all only now: read above by every share, a slot rewritten
            // meanwhile would have told another share it was its own.
            list: list
                .into_iter()
                .map(|held| {
                    let held = held.into_inner();
                    first[(held & mask) as usize] as u32 + (held >> bits)
                })
                .collect(),
            at: at.into_iter().map(AtomicU32::into_inner).collect(),
        }
    }

    /// Article `a`'s terms' lists, each with `a`'s place in it, in signature order.
    fn of(&self, a: usize) -> impl Iterator<Item = (&[(i32, u32)], usize)> + '_ {
        (self.slots[a] as usize..self.slots[a + 1] as usize).map(|s| {
            let l = self.list[s] as usize;
            let start = self.starts[l] as usize;
            let list = &self.entries[start..self.starts[l + 1] as usize];
            (list, (self.at[s] as usize) - start)
        })
    }
}

/// The order links are joined in: strongest first, then by their articles' order.
pub(super) fn join_order(x: &Link, y: &Link) -> Ordering {
    y.similarity
        .total_cmp(&x.similarity)
        .then((x.a, x.b).cmp(&(y.a, y.b)))
}

/// On both cores: the order is total (a pair is linked once), so an unstable sort gives the
/// one order; at a million articles it was the step's largest serial part after the lists.
pub(super) fn sort(links: &mut [Link]) {
    links.par_sort_unstable_by(join_order);
}

/// The articles `a` compares itself with: those sharing most of its signature terms among
/// each term's candidates (see [`candidates`]), at most [`MAX_COMPARED`], each pair it owns.
/// `lists` are `a`'s signature terms' lists, each with `a`'s place in it; `days`: how many
/// articles, and each one's day (see [`Days`]).
pub(super) fn compared<'l>(
    a: usize,
    lists: impl Iterator<Item = (&'l [(i32, u32)], usize)>,
    days: (usize, impl Days),
) -> Vec<usize> {
    let mut compared = Vec::new();
    compare_into(a, lists, days, &mut compared);
    compared
}

/// Each article's day by its index: read from a slice grouping from nothing, looked up by
/// number grouping again (a vector of every place's day was 8 bytes an article made at each
/// `+1`, for the few articles compared again).
pub(super) trait Days: Fn(usize) -> Option<i32> + Copy {}

impl<D: Fn(usize) -> Option<i32> + Copy> Days for D {}

/// [`compared`], appended to `out`.
fn compare_into<'l>(
    a: usize,
    lists: impl Iterator<Item = (&'l [(i32, u32)], usize)>,
    (n, day): (usize, impl Days),
    out: &mut Vec<usize>,
) {
    // A dated article's candidates are all dated, so it owns the pairs with later ones.
    let dated = day(a).is_some();
    shared::counting(n, |shared| {
        for (list, place) in lists {
            for &(_, b) in candidates(list, place) {
                let owned = if dated {
                    b as usize > a
                } else {
                    owns(a, b as usize, day)
                };
                if owned {
                    shared.add(b);
                }
            }
        }
        let pairs = shared.take_at_least(2);
        // Most shared signature terms first: the cosine of the rest is not computed. At the
        // cap a hundred or more share two terms: the first few are picked before sorting.
        let order = |x: &(u32, u32), y: &(u32, u32)| y.1.cmp(&x.1).then(x.0.cmp(&y.0));
        if pairs.len() > MAX_COMPARED {
            pairs.select_nth_unstable_by(MAX_COMPARED, order);
            pairs.truncate(MAX_COMPARED);
        }
        pairs.sort_unstable_by(order);
        out.extend(pairs.iter().map(|&(b, _)| b as usize));
    })
}

/// `a`'s links among the articles it compared, by the other article's index.
pub(super) fn links_of<'v>(
    a: usize,
    compared: Vec<usize>,
    day: impl Days,
    vector: impl Fn(usize) -> &'v Vector,
) -> Vec<Link> {
    let mut found: Vec<Link> = linked(a, &compared, day, vector).collect();
    found.sort_unstable_by_key(|l| l.b);
    found
}

/// `a`'s links among the articles it compared, in their order.
fn linked<'v, 'c>(
    a: usize,
    compared: &'c [usize],
    day: impl Days + 'c,
    vector: impl Fn(usize) -> &'v Vector + 'c,
) -> impl Iterator<Item = Link> + 'c {
    compared
        .iter()
        .map(move |&b| Link {
            a,
            b,
            similarity: cosine(vector(a), vector(b)),
        })
        .filter(|l| l.similarity >= THRESHOLD)
        .filter(move |l| match (day(l.a), day(l.b)) {
            (Some(x), Some(y)) => (x - y).abs() <= PAIR_WINDOW_DAYS,
            _ => true,
        })
}

/// Whether the pair is `a`'s to compare: each pair is compared once, and a pair with one
/// undated article by the undated one (the dated one does not look it up).
fn owns(a: usize, b: usize, day: impl Days) -> bool {
    match (day(a).is_some(), day(b).is_some()) {
        (true, false) => false,
        (false, true) => true,
        _ => a < b,
    }
}

/// The day of an undated article in the postings: after every date.
pub(super) const UNDATED: i32 = i32::MAX;

/// How far from its own place in a term's list an article reads that list (see
/// [`candidates`]); an undated one reads the list's first [`MAX_CANDIDATES_PER_TERM`].
pub(super) const REACH: usize = MAX_CANDIDATES_PER_TERM + 1;

/// The part of a term's list (sorted by day, undated last) that the article at `place` in it
/// is compared with: the articles within its date window, or for an undated one all; at most
/// [`MAX_CANDIDATES_PER_TERM`], nearest in time first for a dated one.
fn candidates(list: &[(i32, u32)], place: usize) -> &[(i32, u32)] {
    let day = list[place].0;
    if day == UNDATED {
        return &list[..list.len().min(MAX_CANDIDATES_PER_TERM)];
    }
    // Undated articles are left to look dated ones up, which they do without a window.
    let mut from = place;
    let earliest = place.saturating_sub(MAX_CANDIDATES_PER_TERM);
    while from > earliest && list[from - 1].0 >= day - PAIR_WINDOW_DAYS {
        from -= 1;
    }
    let mut to = place + 1;
    let latest = (place + 1 + MAX_CANDIDATES_PER_TERM).min(list.len());
    while to < latest && list[to].0 <= day + PAIR_WINDOW_DAYS {
        to += 1;
    }
    if to - from <= MAX_CANDIDATES_PER_TERM {
        return &list[from..to];
    }
    let start = place
        .saturating_sub(MAX_CANDIDATES_PER_TERM / 2)
        .max(from)
        .min(to - MAX_CANDIDATES_PER_TERM);
    &list[start..start + MAX_CANDIDATES_PER_TERM]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::threads::Profile;

    /// A random number below its argument, the same sequence for a seed.
    fn random(mut seed: u64) -> impl FnMut(u64) -> u64 {
        move |below| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (seed >> 33) % below
        }
    }

    #[test]
    fn lists_hold_the_postings_and_each_article_its_place() {
        let mut random = random(11);
        let n = 2000;
        let days: Vec<Option<i32>> = (0..n)
            .map(|_| (random(5) > 0).then(|| random(60) as i32 - 30))
            .collect();
        // Up to SIGNATURE distinct terms an article, out of 40: long lists, some days crowded.
        let signatures: Vec<Vec<u32>> = (0..n)
            .map(|_| {
                let terms = (0..40).filter(|_| random(3) == 0);
                terms.take(SIGNATURE).collect()
            })
            .collect();
        let mut postings: FxHashMap<u32, Vec<(i32, u32)>> = FxHashMap::default();
        for (i, s) in signatures.iter().enumerate() {
            for &t in s {
                postings
                    .entry(t)
                    .or_default()
                    .push((day_key(days[i]), i as u32));
            }
        }
        postings.values_mut().for_each(|list| list.sort_unstable());
        // In three shares (as many as the pool's threads), whatever this machine's cores.
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(3)
            .build()
            .unwrap();
        let lists = pool.install(|| Lists::new(&signatures, &days));
        for (a, signature) in signatures.iter().enumerate() {
            let mine: Vec<(&[(i32, u32)], usize)> = lists.of(a).collect();
            assert_eq!(mine.len(), signature.len());
            for ((list, place), t) in mine.into_iter().zip(signature) {
                assert_eq!(list, postings[t].as_slice(), "term {t}");
                assert_eq!(list[place], (day_key(days[a]), a as u32));
            }
        }
        // Each list's term, as the grouping keeps them.
        assert_eq!(lists.terms.len(), postings.len());
        for (k, t) in lists.terms.iter().enumerate() {
            let list = &lists.entries[lists.starts[k] as usize..lists.starts[k + 1] as usize];
            assert_eq!(list, postings[t].as_slice(), "term {t}");
        }
    }

    /// Every article of a crowded archive compared in turn on one thread: the same articles
    /// as counting each one's candidates afresh in a map, so no count is left over from the
    /// article before.
    #[test]
    fn each_article_compares_those_sharing_most_terms_whatever_came_before() {
        let mut random = random(5);
        let n = 1500;
        let days: Vec<Option<i32>> = (0..n)
            .map(|_| (random(6) > 0).then(|| random(20) as i32))
            .collect();
        let signatures: Vec<Vec<u32>> = (0..n)
            .map(|_| (0..30).filter(|_| random(3) == 0).take(SIGNATURE).collect())
            .collect();
        let lists = Lists::new(&signatures, &days);
        let mut capped = 0;
        for a in 0..n {
            let mut shared: std::collections::BTreeMap<u32, u32> = Default::default();
            for (list, place) in lists.of(a) {
                for &(_, b) in candidates(list, place) {
                    if owns(a, b as usize, |i| days[i]) {
                        *shared.entry(b).or_default() += 1;
                    }
                }
            }
            let mut expected: Vec<(u32, u32)> =
                shared.into_iter().filter(|&(_, n)| n >= 2).collect();
            expected.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
            capped += usize::from(expected.len() > MAX_COMPARED);
            expected.truncate(MAX_COMPARED);
            let expected: Vec<usize> = expected.into_iter().map(|(b, _)| b as usize).collect();
            let day = |i: usize| days[i];
            assert_eq!(compared(a, lists.of(a), (n, day)), expected, "article {a}");
        }
        assert!(
            capped > 0,
            "some articles have more candidates than are compared"
        );
    }

    /// Counted in shares on rayon's threads and added together: each term's count is the
    /// number of profiles that hold it, as counted one profile after another.
    #[test]
    fn document_frequencies_count_every_profile_once() {
        let mut random = random(3);
        let profiles: Vec<Profile> = (0..3001)
            .map(|_| Profile {
                terms: (0..200)
                    .filter(|_| random(9) == 0)
                    .map(|t| (t, 1))
                    .collect(),
                ..Profile::default()
            })
            .collect();
        let borrowed: Vec<ProfileRef> = profiles.iter().map(ProfileRef::from).collect();
        let mut expected: std::collections::BTreeMap<u32, u32> = Default::default();
        for p in &profiles {
            for &(t, _) in &p.terms {
                *expected.entry(t).or_default() += 1;
            }
        }
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(3)
            .build()
            .unwrap();
        let counted = pool.install(|| count(&borrowed));
        assert_eq!(
            counted
                .into_iter()
                .collect::<std::collections::BTreeMap<_, _>>(),
            expected
        );
    }

    #[test]
    fn candidates_stay_in_the_date_window() {
        let days = [Some(100), Some(95), Some(110), Some(103), None, Some(92)];
        let mut list: Vec<(i32, u32)> = (0..days.len())
            .map(|i| (days[i].unwrap_or(UNDATED), i as u32))
            .collect();
        list.sort_unstable();
        let ids = |article: u32| {
            let place = list.iter().position(|&(_, i)| i == article).unwrap();
            candidates(&list, place)
                .iter()
                .map(|&(_, i)| i)
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(0), [1, 0, 3]);
        assert_eq!(ids(4), [5, 1, 0, 3, 2, 4]);
    }
}
