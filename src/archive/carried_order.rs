//! The reading order carried from one build to the next (`order.bin` in the build folder):
//! the served articles of the build that wrote the build cache, in reading order, each as its
//! place in that cache (its dump's among the cache's dumps, its own among the dump's
//! articles). The next build maps those places to its own results ([`walk`], beside the
//! threads step, which decides what is served), keeps the articles still served as they were,
//! and merges in the few others, sorted, by their keys ([`Walked::finish`]).
//!
//! At a million articles, sorting the order from nothing at every build was a pass reading
//! every article's date and id (scattered in memory) and eleven radix passes over 24 MB: 0.17
//! to 0.20 s of a `+1`'s 0.41–0.45 s writing the compiled archive (notes/build-bench.md,
//! sessions 34 and 35). Carried over, it is one pass over 8 bytes an article read in order,
//! and the changed articles' keys.
//!
//! Safe by the cache's mark ([`super::build_cache::new_mark`]): the file holds the mark of the
//! cache whose places it names, and a build uses it only beside that very cache. Only when
//! every file's id is its name's in both builds (none had to be made unique): then a reused
//! dump's articles have the ids, and so the keys, they had.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::atomic_file::{self, Durability};
use crate::parse::Date;

/// Where one article is among a build's results: its file's index and its own within the file.
pub(super) type At = (usize, usize);

const MAGIC: &[u8; 8] = b"ARSHIFO\x01";
/// Bump whenever the body's layout changes.
const VERSION: u32 = 1;
/// The file's name inside the build folder.
pub const FILE_NAME: &str = "order.bin";

/// The body after the header: the cache's mark, whether every file's id was its name's (1 or
/// 0), the count, then each place as a little-endian `u64` (the dump's place in the high 32
/// bits, the article's in the low).
const FIXED: usize = 8 + 1 + 8;

/// The last build's order, as its places in the cache it wrote: the file mapped, its places
/// read where they are (at a million articles, 8 MB not copied twice into fresh pages).
#[derive(Debug)]
pub(super) struct LastOrder {
    file: memmap2::Mmap,
}

impl LastOrder {
    /// How many articles it holds.
    fn count(&self) -> u64 {
        ((self.file.len() - (MAGIC.len() + 4 + FIXED)) / 8) as u64
    }

    fn places(&self) -> impl Iterator<Item = u64> + '_ {
        let body = &self.file[MAGIC.len() + 4 + FIXED..];
        body.chunks_exact(8)
            .map(|b| u64::from_le_bytes(b.try_into().expect("8 bytes")))
    }
}

pub fn path_in(build_dir: &Path) -> PathBuf {
    build_dir.join(FILE_NAME)
}

/// The order of `build_dir` when it names the places of the cache with `mark` and every file's
/// id was its name's; `None` otherwise (the order is then sorted from nothing).
pub(super) fn load(build_dir: &Path, mark: u64) -> Option<LastOrder> {
    let file = fs::File::open(path_in(build_dir)).ok()?;
    // SAFETY: the file is only ever replaced whole by a rename, never written in place.
    let file = unsafe { memmap2::Mmap::map(&file) }.ok()?;
    let body = atomic_file::versioned_body(&file, MAGIC, VERSION)?;
    let (fixed, places) = body.split_at_checked(FIXED)?;
    let word = |at: usize| u64::from_le_bytes(fixed[at..at + 8].try_into().expect("8 bytes"));
    let (read_mark, as_named, count) = (word(0), fixed[8], word(9));
    if read_mark != mark || as_named != 1 || places.len() as u64 != count.checked_mul(8)? {
        return None;
    }
    Some(LastOrder { file })
}

/// Writes `order` (this build's served articles in reading order) as places in the cache this
/// build wrote with `mark`: a file's place is its index among the files the cache holds
/// (`cached` says, of each file in order, whether the cache holds it). `as_named`: every
/// file's id is its name's.
pub(super) fn save(
    build_dir: &Path,
    mark: u64,
    as_named: bool,
    order: &[At],
    cached: impl ExactSizeIterator<Item = bool>,
) -> io::Result<()> {
    let mut place = Vec::with_capacity(cached.len());
    let mut next = 0u32;
    for cached in cached {
        place.push(next);
        next += u32::from(cached);
    }
    atomic_file::replace(&path_in(build_dir), Durability::Cached, |out| {
        out.write_all(MAGIC)?;
        out.write_all(&VERSION.to_le_bytes())?;
        out.write_all(&mark.to_le_bytes())?;
        out.write_all(&[u8::from(as_named)])?;
        out.write_all(&(order.len() as u64).to_le_bytes())?;
        for &(i, j) in order {
            let j = u32::try_from(j).map_err(io::Error::other)?;
            out.write_all(&(u64::from(place[i]) << 32 | u64::from(j)).to_le_bytes())?;
        }
        Ok(())
    })
}

/// The key reading order sorts by: the date's ([`Date::sort_key`], undated last), then the id.
pub(super) type Key<'a> = (Option<&'a Date>, &'a str);

fn ordered((date, id): Key<'_>) -> (u64, &str) {
    (date.map_or(u64::MAX, Date::sort_key), id)
}

/// A number no article has: the articles are numbered by `u32`s ([`walk`]).
const NONE: u32 = u32::MAX;

/// The carry's first step: `last` mapped to this build's results, each of its places to the
/// article of this build it names, if any. `files` gives, for each file of the results in
/// order, its articles' count and its place in the cache it was reused from. `None` when the
/// articles are too many to number by `u32`s.
///
/// It needs neither the served articles nor the runs of the archive replaced, so it is done
/// beside the threads step that decides which articles are served: at a million articles,
/// mapping every place of the last order (a miss or two each) took ≈ 0.09 s on the main
/// thread after that step, with the other core idle during its last 0.1 s (a `+1`'s profile).
/// [`Walked::finish`] is the second step.
pub(super) fn walk(
    last: &LastOrder,
    files: impl ExactSizeIterator<Item = (usize, Option<u32>)>,
) -> Option<Walked> {
    // Each file's first article's number, and the file reused from each place of the cache.
    // As `u32`s: at a million articles, each list is 4 MB of fresh pages rather than 8.
    let number = |n: usize| u32::try_from(n).ok();
    let mut first = Vec::with_capacity(files.len() + 1);
    let mut from_cache = Vec::with_capacity(files.len());
    let mut n = 0;
    for (i, (len, from)) in files.enumerate() {
        first.push(number(n)?);
        n += len;
        if let Some(k) = from {
            let k = k as usize;
            if from_cache.len() <= k {
                from_cache.resize(k + 1, NONE);
            }
            from_cache[k] = number(i)?;
        }
    }
    first.push(number(n)?);
    // Each article the last order names, by its number: its place among them. The first
    // place naming it has it; a later one never keeps it (the first took it, or it is not
    // served).
    let mut rank = vec![NONE; n];
    let mut named = Vec::with_capacity(n.min(last.count() as usize));
    let mut gone = Vec::new();
    for (p, place) in last.places().enumerate() {
        let (k, j) = (
            (place >> 32) as usize,
            (place & u64::from(u32::MAX)) as usize,
        );
        let article = from_cache.get(k).filter(|&&i| i != NONE).and_then(|&i| {
            let (i, nth) = (i as usize, first[i as usize] as usize + j);
            (nth < first[i + 1] as usize).then_some((i, nth))
        });
        match article {
            Some((i, nth)) if rank[nth] == NONE => {
                // Fewer than the articles, whose count is a `u32`.
                rank[nth] = named.len() as u32;
                named.push((i, j));
            }
            // Its file not reused, past its file's end, or named before.
            _ => gone.push(p),
        }
    }
    Some(Walked {
        first,
        rank,
        named,
        gone,
        count: last.count(),
    })
}

/// The last order mapped to this build's results ([`walk`]), waiting for the served articles.
pub(super) struct Walked {
    /// Each file's first article's number, then the articles' count.
    first: Vec<u32>,
    /// Each article's (by its number) place in `named`; [`NONE`] for those it does not hold.
    rank: Vec<u32>,
    /// The articles the last order names, each once, in its order: kept where still served.
    named: Vec<At>,
    /// The places of the last order that name none of `named`, rising.
    gone: Vec<usize>,
    /// How many places the last order holds.
    count: u64,
}

impl Walked {
    /// The carry's second step: this build's `served` articles in reading order (by `key`):
    /// each one the last order named kept where it was, the others sorted by `sort` and
    /// merged in by their keys. `None` when two keys tie (reading order then orders by more
    /// than its keys).
    ///
    /// `spans` cuts the last order into runs (their lengths, in order: the chunks of the
    /// archive the last build wrote, `compiled`); [`Carried::whole`] says where each run is in
    /// the new order when it is there whole: every article of it kept, none put inside it.
    /// Runs that do not add up to the last order's length are none of them whole.
    pub(super) fn finish<'a>(
        self,
        served: &[At],
        key: impl Fn(At) -> Key<'a>,
        sort: impl FnOnce(&[At]) -> Vec<At>,
        spans: &[usize],
    ) -> Option<Carried> {
        let Walked {
            first,
            rank,
            named: mut kept,
            gone: mut broken,
            count,
        } = self;
        let number = |(i, j): At| first[i] as usize + j;
        // The served the last order named (each counted once), and the others in the order
        // served: `served` comes in the results' order, so `rank` is read in its order too.
        let mut is_served = vec![false; rank.len()];
        let mut found = 0;
        let mut fresh = Vec::new();
        for &at in served {
            let n = number(at);
            if rank[n] == NONE {
                fresh.push(at);
            } else if !std::mem::replace(&mut is_served[n], true) {
                found += 1;
            }
        }
        // The named no longer served (a duplicate this build dropped): few, and looked for
        // only when there are some. Each is taken out, its place in the last order broken.
        if found < kept.len() {
            let mut lost: Vec<usize> = (rank.iter().zip(&is_served))
                .filter(|&(&r, &served)| r != NONE && !served)
                .map(|(&r, _)| r as usize)
                .collect();
            lost.sort_unstable();
            // A named article's place in the last order: its own in `kept`, after the gone
            // places before it.
            let mut before = 0;
            let places: Vec<usize> = (lost.iter())
                .map(|&r| {
                    while broken.get(before).is_some_and(|&p| p <= r + before) {
                        before += 1;
                    }
                    r + before
                })
                .collect();
            let mut lost = lost.into_iter().peekable();
            let mut r = 0;
            kept.retain(|_| {
                let keep = lost.next_if_eq(&r).is_none();
                r += 1;
                keep
            });
            broken.extend(places);
            broken.sort_unstable();
        }
        // Each run's first place among the kept, and whether one of its articles was not kept.
        let counted = spans.iter().sum::<usize>() as u64 == count;
        let spans = if counted { spans } else { &[] };
        let runs = Runs::new(spans, count as usize, &broken);
        if fresh.is_empty() {
            let whole = runs.placed(&[]);
            return Some(Carried { order: kept, whole });
        }
        let fresh = sort(&fresh);
        // Each one's place among the kept (the first kept article after it), found by its key.
        let mut places = Vec::with_capacity(fresh.len());
        let mut from = 0;
        for &at in &fresh {
            let new = ordered(key(at));
            let place = from + kept[from..].partition_point(|&old| ordered(key(old)) < new);
            if kept.get(place).is_some_and(|&old| ordered(key(old)) == new) {
                return None;
            }
            places.push(place);
            from = place;
        }
        let whole = runs.placed(&places);
        // Merged in place from the end, each kept article moved once (the list has room: the
        // kept and the fresh are the served).
        let mut order = kept;
        let mut end = order.len();
        order.resize(end + fresh.len(), (0, 0));
        for (m, (&at, &place)) in fresh.iter().zip(&places).enumerate().rev() {
            order.copy_within(place..end, place + m + 1);
            order[place + m] = at;
            end = place;
        }
        Some(Carried { order, whole })
    }
}

/// What [`Walked::finish`] gives.
pub(super) struct Carried {
    /// The served articles in reading order.
    pub(super) order: Vec<At>,
    /// For each of the runs `finish` was given: its first place in `order` when it is there
    /// whole, the same articles side by side in the same order; else `None`.
    pub(super) whole: Vec<Option<usize>>,
}

/// The runs of the last order: each one's first place among the kept articles, `None` where
/// one of its places was not kept.
struct Runs<'s> {
    spans: &'s [usize],
    starts: Vec<Option<usize>>,
}

impl<'s> Runs<'s> {
    /// The runs `spans` of an order of `count` places, those at `broken` (rising) not kept. A
    /// run of none has the place of the next place's article; none after the last place.
    fn new(spans: &'s [usize], count: usize, broken: &[usize]) -> Runs<'s> {
        let mut before = 0;
        let mut start = 0;
        let starts = (spans.iter())
            .map(|&len| {
                while broken.get(before).is_some_and(|&p| p < start) {
                    before += 1;
                }
                let lost = broken.get(before).is_some_and(|&p| p < start + len);
                let first = (start < count && !lost).then_some(start - before);
                start += len;
                first
            })
            .collect();
        Runs { spans, starts }
    }

    /// Each run's first place in the new order, when whole: the fresh articles go before the
    /// kept at `places` (rising), and one put strictly inside a run breaks it.
    fn placed(self, places: &[usize]) -> Vec<Option<usize>> {
        let mut before = 0;
        let mut starts = self.starts;
        for (start, &len) in starts.iter_mut().zip(self.spans) {
            let Some(first) = *start else { continue };
            while before < places.len() && places[before] <= first {
                before += 1;
            }
            let inside = places.get(before).is_some_and(|&p| p < first + len);
            *start = (!inside).then_some(first + before);
        }
        starts
    }
}

#[cfg(test)]
mod tests;
