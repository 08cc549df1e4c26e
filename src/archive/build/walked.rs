//! Every listed dump put in its place among a build's results: reused from the build cache
//! where its stamps are the cached ones, else left as a placeholder to parse. The listing and
//! the cache are both in name order, so each chunk of the cache is walked beside the run of
//! listed names that falls in it, the chunks on rayon's threads.
//!
//! Walked on the main thread, this was the whole of a `+1`'s parse lap with one core idle:
//! at 100,000 dumps its samples were the fresh pages of the results (136 B a dump), the names
//! compared and each cached result moved into its place (notes/build-bench.md, session 43).

use std::mem::MaybeUninit;

use rayon::prelude::*;

use super::super::build_cache::{BuildCache, CachedChunk, Walk};
use super::super::prefetch::{NAMES_AHEAD as AHEAD, prefetch};
use super::super::scan::Dump;
use super::Done;

/// Every file's result in its place (a placeholder where it is to be parsed), and the dumps
/// to parse with their places.
pub(in crate::archive) struct Placed {
    pub(in crate::archive) done: Vec<Done>,
    pub(in crate::archive) to_parse: Vec<(usize, Dump)>,
    /// The cache the results were taken from says its ids are its names'
    /// ([`BuildCache::ids_as_named`]).
    pub(in crate::archive) as_named: bool,
}

/// Every listed dump's place among the results: reused from the cache where its stamps
/// are the cached ones, else left as a placeholder and given back with its place, to parse.
pub(in crate::archive) fn walked(dumps: Vec<Dump>, cache: Option<BuildCache>) -> Placed {
    let as_named = cache.as_ref().is_some_and(|c| c.ids_as_named);
    let (done, to_parse) = placed(dumps, cache.map(|c| c.dumps).unwrap_or_default());
    Placed {
        done,
        to_parse,
        as_named,
    }
}

/// [`walked`] of the cache's dumps in their chunks.
pub(in crate::archive) fn placed(
    mut dumps: Vec<Dump>,
    chunks: Vec<CachedChunk>,
) -> (Vec<Done>, Vec<(usize, Dump)>) {
    // Without a cache, every dump is walked beside one empty chunk.
    let mut chunks: Vec<CachedChunk> = (chunks.into_iter())
        .filter(|chunk| !chunk.is_empty())
        .collect();
    if chunks.is_empty() {
        chunks.push(CachedChunk::Whole(Vec::new()));
    }
    let runs = runs(&dumps, &chunks);
    // Each file's result written once, in its place, by the walk of its run on rayon's
    // threads: a million results are moved once, not gathered again. They were first filled
    // with placeholders on both cores and then written over: 128 MB written twice at a
    // million (5 % of a `+1`'s samples after its listing, notes/build-bench.md, session 68).
    let len = dumps.len();
    let mut done: Vec<Done> = Vec::with_capacity(len);
    let mut work = Vec::with_capacity(runs.len());
    let (mut listed, mut places) = (dumps.as_mut_slice(), &mut done.spare_capacity_mut()[..len]);
    for (chunk, run) in chunks.into_iter().zip(runs) {
        let (these, after) = listed.split_at_mut(run.len);
        let (theirs, after_places) = places.split_at_mut(run.len);
        (listed, places) = (after, after_places);
        work.push((chunk, these, theirs, run));
    }
    // What the `set_len` below stands on, checked where it is cheap: a place left unwalked
    // would be read unwritten.
    assert!(places.is_empty(), "the runs cut the whole listing");
    let to_parse: Vec<Vec<(usize, Dump)>> = (work.into_par_iter())
        .map(|(chunk, listed, places, run)| walk_run(chunk, listed, places, run))
        .collect();
    // SAFETY: the runs cut the listing from its start to its end ([`runs`], checked above),
    // and each walk wrote every place of its run; a walk that panicked never gets here, and
    // the results it wrote are leaked, never read.
    unsafe { done.set_len(len) };
    (done, to_parse.into_iter().flatten().collect())
}

/// The listed dumps a chunk of the cache is walked beside.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Run {
    /// Where the run begins among the listed dumps.
    at: usize,
    len: usize,
    /// Where the chunk's first dump is among the cache's.
    place: u32,
}

/// The run of listed dumps each chunk (in order) is walked beside: those from the chunk's
/// first name to the next chunk's, the first chunk's from the listing's start, the last one's
/// to its end. A run never begins before the one before it ends: a damaged cache out of order
/// has its dumps parsed again, never misplaced.
fn runs(dumps: &[Dump], chunks: &[CachedChunk]) -> Vec<Run> {
    let mut starts: Vec<usize> = Vec::with_capacity(chunks.len());
    let mut places = Vec::with_capacity(chunks.len());
    let mut place = 0u32;
    for chunk in chunks {
        let start = match starts.last() {
            Some(&before) if !chunk.is_empty() => {
                before.max(dumps.partition_point(|d| d.name.as_bytes() < chunk.name(0)))
            }
            _ => 0,
        };
        starts.push(start);
        places.push(place);
        place = place.saturating_add(u32::try_from(chunk.len()).unwrap_or(u32::MAX));
    }
    let ends = starts.iter().skip(1).copied().chain([dumps.len()]);
    (starts.iter().zip(ends).zip(places))
        .map(|((&at, end), place)| Run {
            at,
            len: end - at,
            place,
        })
        .collect()
}

/// One chunk's dumps walked beside its run of the listing (`listed`, whose results go in
/// `places`): each reused where its stamps are the cached ones, the others given back with their
/// places, to parse.
fn walk_run(
    chunk: CachedChunk,
    listed: &mut [Dump],
    places: &mut [MaybeUninit<Done>],
    run: Run,
) -> Vec<(usize, Dump)> {
    let mut cached = Walk::new(vec![chunk]);
    let mut to_parse = Vec::new();
    for (k, place) in places.iter_mut().enumerate() {
        // The names `AHEAD` dumps on asked for now: each is out of the caches, on both sides.
        if let Some(ahead) = listed.get(k + AHEAD) {
            prefetch(ahead.name.as_bytes(), 0);
        }
        cached.look_ahead(AHEAD);
        let d = &mut listed[k];
        // By bytes: a cache read light keeps its names unchecked, and bytes equal to a
        // listed name's are UTF-8.
        let done = match cached.take(d.name.as_bytes()) {
            Some(c) if d.stamped_as(c.stamp, c.over.as_deref().copied()) => Done {
                name: std::mem::take(&mut d.name),
                stamp: Some(c.stamp),
                over: c.over,
                outcomes: c.outcomes,
                said: c.said,
                from_cache: Some(run.place + cached.last_place()),
            },
            _ => {
                to_parse.push((run.at + k, d.take()));
                Done::placeholder()
            }
        };
        place.write(done);
    }
    to_parse
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;
    use crate::archive::build_cache::{Cached, Stamp};

    /// The walk as it was made on one thread before it was cut by chunks: the oracle.
    fn walked_in_one(
        dumps: Vec<Dump>,
        chunks: Vec<CachedChunk>,
    ) -> (Vec<Done>, Vec<(usize, Dump)>) {
        let mut cached = Walk::new(chunks);
        let mut done = Vec::with_capacity(dumps.len());
        let mut to_parse = Vec::new();
        for (i, d) in dumps.into_iter().enumerate() {
            match cached.take(d.name.as_bytes()) {
                Some(c) if d.stamped_as(c.stamp, c.over.as_deref().copied()) => done.push(Done {
                    name: d.name,
                    stamp: Some(c.stamp),
                    over: c.over,
                    outcomes: c.outcomes,
                    said: c.said,
                    from_cache: Some(cached.last_place()),
                }),
                _ => {
                    done.push(Done::placeholder());
                    to_parse.push((i, d));
                }
            }
        }
        (done, to_parse)
    }

    type Seen = (
        Vec<(String, Option<Stamp>, Option<Stamp>, Option<u32>)>,
        Vec<(usize, String, Option<Stamp>)>,
    );

    fn seen((done, to_parse): (Vec<Done>, Vec<(usize, Dump)>)) -> Seen {
        let done = (done.into_iter())
            .map(|d| (d.name, d.stamp, d.over.map(|o| *o), d.from_cache))
            .collect();
        let to_parse = (to_parse.into_iter())
            .map(|(i, d)| (i, d.name, d.stamp))
            .collect();
        (done, to_parse)
    }

    /// What each name is to the walk: listed or not, cached or not, and how its stamps compare.
    #[derive(Debug, Clone, Copy)]
    enum Is {
        Listed,
        Cached,
        Both,
        Rewritten,
        Overridden,
        OverrideGone,
    }

    fn case(names: &[Is], cuts: &[usize], out_of_order: bool) -> (Vec<Dump>, Vec<CachedChunk>) {
        let stamp = Stamp::of(&fs::metadata(".").unwrap());
        let other = Stamp::of(&fs::metadata("Cargo.toml").unwrap());
        let mut dumps = Vec::new();
        let mut cached = Vec::new();
        for (k, is) in names.iter().enumerate() {
            let name = format!("{k:04}_{k:08x}.txt");
            let listed = |stamp, over: Option<Stamp>| {
                let mut dump = Dump::known(name.clone(), stamp).expect("a dump's name");
                dump.over = over.map(Box::new);
                dump
            };
            let kept = |over| Cached::empty(&name, stamp, over);
            match is {
                Is::Listed => dumps.push(listed(stamp, None)),
                Is::Cached => cached.push(kept(None)),
                Is::Both => (dumps.push(listed(stamp, None)), cached.push(kept(None))).1,
                Is::Rewritten => (dumps.push(listed(other, None)), cached.push(kept(None))).1,
                Is::Overridden => {
                    (
                        dumps.push(listed(stamp, Some(other))),
                        cached.push(kept(None)),
                    )
                        .1
                }
                Is::OverrideGone => {
                    (
                        dumps.push(listed(stamp, None)),
                        cached.push(kept(Some(other))),
                    )
                        .1
                }
            }
        }
        let mut chunks = Vec::new();
        let mut cuts: Vec<usize> = cuts.iter().map(|&c| c.min(cached.len())).collect();
        cuts.sort_unstable();
        let mut rest = cached;
        let mut taken = 0;
        for cut in cuts {
            let after = rest.split_off(cut - taken);
            chunks.push(std::mem::replace(&mut rest, after));
            taken = cut;
        }
        chunks.push(rest);
        if out_of_order {
            chunks.reverse();
        }
        let chunks = chunks.into_iter().map(CachedChunk::Whole).collect();
        (dumps, chunks)
    }

    fn is() -> impl proptest::strategy::Strategy<Value = Is> {
        proptest::prop_oneof![
            proptest::strategy::Just(Is::Listed),
            proptest::strategy::Just(Is::Cached),
            proptest::strategy::Just(Is::Both),
            proptest::strategy::Just(Is::Both),
            proptest::strategy::Just(Is::Both),
            proptest::strategy::Just(Is::Rewritten),
            proptest::strategy::Just(Is::Overridden),
            proptest::strategy::Just(Is::OverrideGone),
        ]
    }

    proptest::proptest! {
        /// Cut by chunks, the walk places every dump as the walk on one thread did: the same
        /// results reused from the same places of the cache, the same dumps left to parse.
        /// A cache whose chunks are out of order (damaged) is only a loss of reuse, never a
        /// dump misplaced: its dumps are parsed again.
        #[test]
        fn the_walk_by_chunks_places_every_dump_as_the_walk_in_one_did(
            names in proptest::collection::vec(is(), 0..120),
            cuts in proptest::collection::vec(0usize..120, 0..8),
            out_of_order in proptest::bool::weighted(0.1),
        ) {
            let (dumps, chunks) = case(&names, &cuts, out_of_order);
            let by_chunks = seen(placed(dumps, chunks));
            let (dumps, chunks) = case(&names, &cuts, out_of_order);
            if out_of_order {
                // Every dump is placed, each one once, reused or to parse.
                let (done, to_parse) = &by_chunks;
                proptest::prop_assert_eq!(done.len(), dumps.len());
                for (i, d) in dumps.iter().enumerate() {
                    let reused = done[i].0 == d.name && done[i].3.is_some();
                    let parsed = to_parse.iter().any(|(at, name, _)| *at == i && *name == d.name);
                    proptest::prop_assert!(reused != parsed);
                }
            } else {
                proptest::prop_assert_eq!(by_chunks, seen(walked_in_one(dumps, chunks)));
            }
        }
    }
}
