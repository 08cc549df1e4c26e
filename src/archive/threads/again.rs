//! Grouping again after a few articles changed, from what the last grouping kept
//! ([`Grouping`]): the weighing base (document frequencies and the number of articles they
//! were counted over), each article's signature and the links each article found.
//!
//! The grouping knows an article by its *number*, the order it came in, not by its place
//! among the articles given (the build's order): an article added at place `p` would move
//! every later place by one, and with it every entry of the lists and links, so that a `+1`
//! made and wrote every array again. Numbers never move; the places are looked up once per
//! build (`order`, each place's number), and everything ordered by place (the lists, the
//! links' join order, which article of a pair compares it) stays in order, since an added or
//! removed article does not change the order of the others. An article removed, or changed,
//! leaves its number as a hole (in no list, link or place; its last values kept); a changed
//! one comes back under a new number. The holes are at most the drift, 1% of the articles,
//! and a base counted anew numbers the articles by place again.
//!
//! While the base is kept, an unchanged article keeps its vector, signature and candidates
//! unless a changed article enters or leaves the part of a posting list it reads: only those
//! articles (and the changed ones) compare themselves again. An article reads its place in
//! each of its signature terms' lists and [`REACH`] neighbours either side, an undated one the
//! list's first [`MAX_CANDIDATES_PER_TERM`](super::MAX_CANDIDATES_PER_TERM): a change at place `q` of a list touches the
//! articles within `REACH + 1` of `q`, and all its undated ones when `q` is within the first
//! `REACH + 1`. A removed article's old place is among the places of its day in the new list,
//! so the whole of that day is touched (more than needed: comparing an article again gives
//! the same links, so touching more stays exact). The links are then joined again whole:
//! joining is linear in the links, which are few beside the articles' terms.

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHasher};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::hash::{Hash, Hasher};

use super::Item;
use super::chunks::{Read, Stored};
use super::kept::{BUCKETS, KeptLists};
use super::links::{self, Link, REACH, UNDATED, Vector, day_key};
use super::packed_ids::PackedIds;
use super::places::{NEW, longest_rising, old_places};
use super::profile::ProfileRef;
use super::signatures::Signatures;

#[cfg(test)]
pub(super) mod tests;
mod window;

use window::{Window, undated_heads, undated_window, window};

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

/// A number that is no article's (a hole's place).
const NONE: u32 = u32::MAX;

/// What a grouping keeps for the next one: its base; for each article by number its id, a
/// fingerprint of what it was grouped by, its day and its signature; each place's number;
/// and the links and lists, by number.
#[derive(Debug, Clone, PartialEq)]
pub struct Grouping {
    pub(super) base: Base,
    /// Articles added, changed or removed since the base was counted.
    pub(super) drift: u32,
    pub(super) ids: PackedIds,
    pub(super) days: Vec<Option<i32>>,
    /// Every number's fingerprint and signature.
    pub(super) signatures: Signatures,
    /// The number of the article at each place.
    pub(super) order: Vec<u32>,
    /// `(a, b, similarity)` by number, in join order (see [`links::join_order`], by place).
    pub(super) links: Vec<(u32, u32, f32)>,
    /// The signature terms' lists, carried to the next grouping rather than made again.
    pub(super) lists: KeptLists,
    /// The body keys two articles or more held, verbatim duplicates (see
    /// `verbatim_duplicates`): few, kept beside the chunks' names.
    pub(super) doubled: Vec<(u64, u32)>,
    /// The chunks this grouping was read from, and what changed since (see `stored`).
    pub(super) stored: Option<Stored>,
}

impl Grouping {
    pub(super) fn signature(&self, m: u32) -> &[u32] {
        self.signatures.signature(m as usize)
    }

    /// Numbers given out, holes among them.
    pub(super) fn slots(&self) -> usize {
        self.signatures.len()
    }

    /// Each number's place ([`NONE`] for a hole), when the grouping is whole: its arrays
    /// agree, every place's number is one and only one, and links name numbers given out.
    /// `None` for a damaged file, grouped from nothing. The lists are checked where they are
    /// read ([`KeptLists::are_whole`]).
    fn places(&self) -> Option<Vec<u32>> {
        let slots = self.slots();
        let agree =
            self.ids.len() == slots && self.days.len() == slots && self.signatures.is_whole();
        if !agree {
            return None;
        }
        let mut place = vec![NONE; slots];
        for (p, &m) in self.order.iter().enumerate() {
            let at = place.get_mut(m as usize)?;
            if *at != NONE {
                return None;
            }
            *at = p as u32;
        }
        let live = |m: u32| place.get(m as usize).is_some_and(|&p| p != NONE);
        self.links
            .iter()
            .all(|&(a, b, _)| live(a) && live(b))
            .then_some(place)
    }

    /// The links between places, in join order.
    #[cfg(test)]
    pub(super) fn links(&self) -> Vec<Link> {
        let place = self.places().unwrap_or_default();
        self.links
            .iter()
            .map(|&(a, b, similarity)| Link {
                a: place[a as usize] as usize,
                b: place[b as usize] as usize,
                similarity,
            })
            .collect()
    }

    /// Articles added, changed or removed since the base was counted.
    pub fn drift(&self) -> u32 {
        self.drift
    }

    /// The body keys two articles or more held (see [`Grouping::doubled`]'s field).
    pub fn doubled(&self) -> &[(u64, u32)] {
        &self.doubled
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

/// What an article is grouped by: its profile's terms and its day. Every article's is made
/// at every build: each `(term, count)` is one 64-bit word hashed, not two 32-bit ones
/// (`Hash` for the pairs took twice the steps, on a million profiles of 32 pairs).
pub(super) fn fingerprint(profile: ProfileRef, day: Option<i32>) -> u64 {
    let mut h = FxHasher::default();
    let terms = profile.terms();
    h.write_usize(terms.len());
    for (t, n) in terms {
        h.write_u64(u64::from(t) << 32 | u64::from(n));
    }
    day.hash(&mut h);
    h.finish()
}

/// A grouping of every article weighed with `base`, from nothing: what [`again`] must equal.
#[cfg(test)]
pub(super) fn from_nothing(
    base: Base,
    drift: u32,
    ids: PackedIds,
    profiles: &[ProfileRef],
    days: Vec<Option<i32>>,
) -> Grouping {
    let vectors: Vec<Vector> = profiles
        .par_iter()
        .map(|&p| links::vector(p, base.n, |t| base.df(t)))
        .collect();
    grouping_of(base, drift, ids, profiles, days, &vectors).0
}

/// The grouping of articles whose vectors are known, numbered by place; and its links.
pub(super) fn grouping_of(
    base: Base,
    drift: u32,
    ids: PackedIds,
    profiles: &[ProfileRef],
    days: Vec<Option<i32>>,
    vectors: &[Vector],
) -> (Grouping, Vec<Link>) {
    let (signatures, links, lists) = links::links(vectors, &days);
    let lists = KeptLists::of(&lists.terms, &lists.starts, &lists.entries);
    let prints = profiles
        .par_iter()
        .zip(&days)
        .map(|(&p, &d)| fingerprint(p, d))
        .collect();
    let mut terms = Vec::new();
    let mut ends = Vec::with_capacity(signatures.len());
    for s in &signatures {
        terms.extend_from_slice(s);
        ends.push(terms.len() as u32);
    }
    let signatures = Signatures::made(prints, terms, ends);
    let grouping = Grouping {
        base,
        drift,
        ids,
        order: (0..days.len() as u32).collect(),
        days,
        signatures,
        links: links
            .iter()
            .map(|l| (l.a as u32, l.b as u32, l.similarity))
            .collect(),
        lists,
        doubled: Vec::new(),
        stored: None,
    };
    (grouping, links)
}

/// The grouping of the articles (`items` at the places `kept` gives) from `previous`, with
/// its base, when the changes since it was counted stay within its allowance. `None` when
/// the base is to be counted again. An item said unchanged ([`super::Item::unchanged`]) is
/// held by `previous` under its id as it is, its date too.
pub(super) fn again(mut g: Grouping, items: &[Item], kept_items: &[usize]) -> Option<Grouping> {
    let n = kept_items.len();
    let item = |i: usize| &items[kept_items[i]];
    let profile = |i: usize| item(i).profile;
    // Counted from the date only for the articles not held as they are: the others' are
    // the grouping's (a day counted from a date was ≈ 120 instructions, at every `+1`).
    let day = |i: usize| item(i).published.map(|d| d.day_number());
    let old_id = |o: usize| g.ids.get_bytes(g.order[o] as usize);
    // Two passes over every article, apart: one on each core.
    let (old_place_of, old_place) = rayon::join(
        || g.places(),
        || old_places(g.order.len(), old_id, n, |i| item(i).id.as_bytes()),
    );
    let old_place_of = old_place_of?;
    // Made only for the articles not known to be unchanged (their profiles are not read),
    // and kept by place only for them: a vector of every place's was 8 bytes an article.
    let unsaid: Vec<usize> = (0..n)
        .into_par_iter()
        .with_min_len(4096)
        .filter(|&i| !item(i).unchanged)
        .collect();
    let prints: Vec<u64> = unsaid
        .par_iter()
        .map(|&i| fingerprint(profile(i), day(i)))
        .collect();
    let print_of = |i: usize| prints[unsaid.binary_search(&i).expect("an unsaid place")];
    // Each place's number: the old article's when it is unchanged, a new one otherwise.
    let mut number = vec![NONE; n];
    let mut kept = vec![false; g.order.len()];
    let mut changed = Vec::new();
    let mut unsaid_prints = unsaid.iter().zip(&prints).peekable();
    for (i, &o) in old_place.iter().enumerate() {
        let print = unsaid_prints.next_if(|u| *u.0 == i).map(|u| *u.1);
        if o != NEW && print.is_none_or(|p| g.signatures.print(g.order[o as usize] as usize) == p) {
            number[i] = g.order[o as usize];
            kept[o as usize] = true;
        } else {
            changed.push(i);
        }
    }
    // Old articles gone or changed: their numbers become holes.
    let gone = g.order.len() - kept.iter().filter(|&&k| k).count();
    let added_only = changed.iter().filter(|&&i| old_place[i] == NEW).count();
    let drift = g.drift as usize + added_only + gone;
    if drift > g.allowance() as usize {
        return None;
    }
    // An article moved among the others (a file renamed) is taken as changed, so that the
    // articles kept stay in the order the lists and links are in: not counted in the drift,
    // its profile is the same.
    let kept_places = || {
        let numbers = number.iter().filter(|&&m| m != NONE);
        numbers.map(|&m| old_place_of[m as usize])
    };
    // Checked as they come; collected only when some moved (a vector of every place's).
    if !kept_places().is_sorted() {
        let kept_places: Vec<u32> = kept_places().collect();
        let mut stays = longest_rising(&kept_places).into_iter();
        for (i, m) in number.iter_mut().enumerate() {
            if *m != NONE && stays.next() == Some(false) {
                kept[old_place_of[*m as usize] as usize] = false;
                *m = NONE;
                changed.push(i);
            }
        }
        changed.sort_unstable();
    }
    let gone: Vec<u32> = (0..g.order.len())
        .filter(|&o| !kept[o])
        .map(|o| g.order[o])
        .collect();

    // The buckets a change reads and edits: those of the gone and changed articles' terms
    // (the changed ones' as they were, while they are still unnumbered).
    let mut checked = [false; BUCKETS];
    let slots = g.slots();
    let gone_terms = gone.iter().flat_map(|&m| g.signature(m).iter().copied());
    if !g.lists.are_whole(gone_terms, slots, &mut checked) {
        return None;
    }
    let base = g.base.clone();
    let vector_of = |i: usize| links::vector(profile(i), base.n, |t| base.df(t));
    let mut vectors: FxHashMap<usize, Vector> =
        changed.par_iter().map(|&i| (i, vector_of(i))).collect();
    for &i in &changed {
        number[i] = g.slots() as u32;
        g.ids.push(item(i).id);
        // Made here for an article said to be unchanged but taken as changed (moved, or
        // not in the grouping: a verbatim duplicate then).
        let print = match item(i).unchanged {
            true => fingerprint(profile(i), day(i)),
            false => print_of(i),
        };
        g.days.push(day(i));
        g.signatures.push(print, &links::signature(&vectors[&i]));
    }
    let mut place_of = vec![NONE; g.slots()];
    for (i, &m) in number.iter().enumerate() {
        place_of[m as usize] = i as u32;
    }
    let g_days = &g.days;
    // Each place's day, looked up by its number: only the articles compared again read it.
    let day_at = |i: usize| g_days[number[i] as usize];
    let key = |m: u32| (day_key(g_days[m as usize]), place_of[m as usize]);

    let postings = |numbers: &mut dyn Iterator<Item = u32>| -> Vec<(u32, u32)> {
        numbers
            .flat_map(|m| g.signature(m).iter().map(move |&t| (t, m)))
            .collect()
    };
    let gone_postings = postings(&mut gone.iter().copied());
    let added_postings = postings(&mut changed.iter().map(|&i| number[i]));
    let added_terms = added_postings.iter().map(|&(t, _)| t);
    if !g.lists.are_whole(added_terms, slots, &mut checked) {
        return None;
    }
    let mut lists = std::mem::replace(&mut g.lists, KeptLists::of(&[], &[0], &[]));
    let reached = lists.change(gone_postings, added_postings, key);
    if let Some(stored) = &mut g.stored {
        reached.into_iter().for_each(|k| stored.reached[k] = true);
    }

    // Who reads a changed place, by number; and the holes. A number's state is one byte
    // (a hole, touched), made once for finding the touched and the links that stand.
    let mut state: Vec<u8> = place_of
        .iter()
        .map(|&p| u8::from(p == NONE) * HOLE)
        .collect();
    let touched = &mut state;
    for &i in &changed {
        let m = number[i];
        touched[m as usize] |= TOUCHED;
        for &t in g.signature(m) {
            let list = lists.get(t)?;
            let q = list.partition_point(|&x| key(x) < key(m));
            touch(list, q, q + 1, g_days, touched);
        }
    }
    for &m in &gone {
        let day = day_key(g.days[m as usize]);
        for &t in g.signature(m) {
            if let Some(list) = lists.get(t) {
                let from = list.partition_point(|&x| day_key(g_days[x as usize]) < day);
                let to = list.partition_point(|&x| day_key(g_days[x as usize]) <= day);
                touch(list, from, to, g_days, touched);
            }
        }
    }
    let owners: Vec<u32> = (0..g.slots() as u32)
        .filter(|&m| state[m as usize] == TOUCHED)
        .collect();

    // The touched articles compare themselves again, in the lists of all their terms: of
    // each list only the part its candidates can come from, by place. An undated article's
    // part is its list's head, the same for every undated one: made once a list.
    // Buckets a change edited were made whole; the others the touched articles read are
    // checked as they were read.
    let owner_terms = owners.iter().flat_map(|&m| g.signature(m).iter().copied());
    if !lists.are_whole(owner_terms, g.slots(), &mut checked) {
        return None;
    }
    let heads = undated_heads(&owners, |m| g.signature(m), g_days, &lists, key);
    let compared: Vec<(usize, Vec<usize>)> = owners
        .par_iter()
        .map(|&m| {
            let windows: Vec<Window> = g
                .signature(m)
                .iter()
                .map(|&t| {
                    let list = lists.get(t)?;
                    let q = list.partition_point(|&x| key(x) < key(m));
                    if list.get(q) != Some(&m) {
                        return None;
                    }
                    Some(
                        match heads.get(&t).filter(|_| g_days[m as usize].is_none()) {
                            Some(head) => undated_window(head, q),
                            None => {
                                let (part, at) = window(list, q, key);
                                (Cow::Owned(part), at)
                            }
                        },
                    )
                })
                .collect::<Option<_>>()?;
            let a = place_of[m as usize] as usize;
            let lists = windows.iter().map(|(w, q)| (&w[..], *q));
            Some((a, links::compared(a, lists, (n, day_at))))
        })
        .collect::<Option<_>>()?;
    // Gathered and made unique on both cores: put in a set on the lap's main thread, they
    // were 2.2 M instructions there at a `+1` of four at 100,000.
    let mut wanted: Vec<usize> = (compared.par_iter())
        .flat_map_iter(|(a, c)| std::iter::once(*a).chain(c.iter().copied()))
        .filter(|i| !vectors.contains_key(i))
        .collect();
    wanted.par_sort_unstable();
    wanted.dedup();
    vectors.par_extend(wanted.par_iter().map(|&i| (i, vector_of(i))));
    let mut fresh: Vec<Link> = compared
        .into_par_iter()
        .flat_map_iter(|(a, c)| links::links_of(a, c, day_at, |i| &vectors[&i]))
        .collect();
    links::sort(&mut fresh);

    // The links of untouched articles stand, in their order (places only shift up or down),
    // by number as they are; the fresh ones are merged in where join order puts them. A
    // kept link is read by its numbers' states: it was looked up in `place_of` at both
    // ends, made a `Link` by place and mapped back to numbers, every link at every `+1`;
    // its places are needed only where a fresh link has its similarity.
    let stands =
        |&&(a, b, _): &&(u32, u32, f32)| state[a as usize] == 0 && state[b as usize] & HOLE == 0;
    let by_number = |l: Link| (number[l.a], number[l.b], l.similarity);
    // Where each fresh link goes among the kept ones: found by its similarity (the links are
    // in join order, strongest first), then among the few of exactly its similarity by
    // place. Between two fresh links the kept ones are copied as they stand: each kept link
    // given to a merge's step was ≈ 40 instructions, 2.5 links an article at every `+1`.
    let at = |f: &Link| {
        let from = g
            .links
            .partition_point(|l| l.2.total_cmp(&f.similarity).is_gt());
        let ties = g.links[from..].partition_point(|l| l.2.total_cmp(&f.similarity).is_eq());
        let after_f = |l: &(u32, u32, f32)| {
            stands(&l) && {
                let (a, b) = (place_of[l.0 as usize], place_of[l.1 as usize]);
                let (a, b) = (a as usize, b as usize);
                links::join_order(
                    f,
                    &Link {
                        a,
                        b,
                        similarity: l.2,
                    },
                )
                .is_lt()
            }
        };
        from + g.links[from..from + ties]
            .iter()
            .position(after_f)
            .unwrap_or(ties)
    };
    // Each fresh link with the place among the kept ones it goes before, found while they
    // are as they were; then the links edited where they are. A new vector written with
    // the standing links was 12 bytes a link of fresh pages (and zeroed first) at every `+1`.
    let mut fresh_at = Vec::with_capacity(fresh.len());
    let mut copied = 0;
    for f in fresh {
        let to = at(&f).max(copied);
        fresh_at.push((to, by_number(f)));
        copied = to;
    }
    edit_in_place(&mut g.links, &fresh_at, |l| stands(&l));
    g.lists = lists;
    let order = std::mem::replace(&mut g.order, number);
    if let Some(stored) = g.stored.as_mut().filter(|s| s.read.is_none()) {
        // Kept, not dropped: saving finds in them the runs no change reached (the links as
        // read, in their chunks).
        stored.read = Some(Read { order });
    }
    g.drift = drift as u32;
    Some(g)
}

/// `links` without those that do not stand, and each of `fresh` (`(k, link)`, `k` rising)
/// put before the one that was at `k`: edited in place. The standing links are moved down
/// over the others, each written and kept by moving on past it when it stands (no branch a
/// link: thousands of touched articles' links lie among the others, and a filter was ≈ 27
/// instructions a link); then, from the back, each run between two fresh links is moved up
/// past the fresh ones before it, as a slice. Whether each link stands is found first, on
/// both cores: two lookups of its ends' states out of the caches, two and a half links an
/// article, were half of this pass on the lap's main thread.
fn edit_in_place<L: Copy + Default + Sync>(
    links: &mut Vec<L>,
    fresh: &[(usize, L)],
    stands: impl Fn(&L) -> bool + Sync,
) {
    let standing: Vec<bool> = (links.par_iter().with_min_len(4096)).map(&stands).collect();
    // Through cells: each link read where it is, by an iterator, and written further down
    // the same slice (read and written by index, the bounds checks were 3.2 M instructions
    // at 100,000 articles).
    let mut k = 0;
    let mut from = 0;
    let mut compact = |links: &mut [L], to: usize, k: &mut usize| {
        let cells = std::cell::Cell::from_mut(links).as_slice_of_cells();
        let mut at = *k;
        for (l, &stands) in cells[from..to].iter().zip(&standing[from..to]) {
            cells[at].set(l.get());
            at += usize::from(stands);
        }
        (*k, from) = (at, to);
    };
    // Where each fresh link goes among the standing ones.
    let mut places = Vec::with_capacity(fresh.len());
    let len = links.len();
    for &(to, _) in fresh {
        compact(links, to.min(len), &mut k);
        places.push(k);
    }
    compact(links, len, &mut k);
    links.truncate(k);
    links.resize(k + fresh.len(), L::default());
    let mut end = k;
    for (before, (&p, &(_, l))) in places.iter().zip(fresh).enumerate().rev() {
        links.copy_within(p..end, p + before + 1);
        links[p + before] = l;
        end = p;
    }
}

/// A number's state ([`again`]): a hole, and touched (it compares itself again).
const HOLE: u8 = 1;
const TOUCHED: u8 = 2;

/// Marks [`TOUCHED`] the articles (numbers) that read places `from..to` of `list` (see the
/// module documentation).
fn touch(list: &[u32], from: usize, to: usize, days: &[Option<i32>], state: &mut [u8]) {
    let start = from.saturating_sub(REACH + 1);
    let end = (to + REACH + 1).min(list.len());
    for &m in &list[start..end] {
        state[m as usize] |= TOUCHED;
    }
    if from <= REACH + 1 {
        let undated = list.partition_point(|&m| day_key(days[m as usize]) < UNDATED);
        for &m in &list[undated..] {
            state[m as usize] |= TOUCHED;
        }
    }
}
