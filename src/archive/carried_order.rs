//! The reading order carried from one build to the next (`order.bin` in the build folder):
//! the served articles of the build that wrote the build cache, in reading order, each as its
//! place in that cache (its dump's among the cache's dumps, its own among the dump's
//! articles). The next build maps those places to its own results, keeps the articles still
//! served as they were, and merges in the few others, sorted, by their keys.
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
///
/// An article of a file the cache does not hold gets a place no cache holds ([`UNHELD`]):
/// numbered as the next held file, it would name that file's article of its number, and the
/// next build would keep that one where this one was.
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
        place.push(if cached { next } else { UNHELD });
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

/// The place of a file the cache does not hold: past any it holds (a cache holds fewer than
/// `u32::MAX` dumps), so [`carry`] finds no file of the next build there.
const UNHELD: u32 = u32::MAX;

/// The key reading order sorts by: the date's ([`Date::sort_key`], undated last), then the id.
pub(super) type Key<'a> = (Option<Date>, &'a str);

fn ordered((date, id): Key<'_>) -> (u64, &str) {
    (date.map_or(u64::MAX, |d| d.sort_key()), id)
}

/// This build's `served` articles in reading order (by `key`), from `last`: each article of
/// it still served, from a file reused from the cache, kept where it was; the others sorted
/// by `sort` and merged in by their keys. `files` gives, for each file of the results in
/// order, its articles' count and its place in the cache it was reused from. `None` when two
/// keys tie (reading order then orders by more than its keys).
///
/// `spans` cuts the last order into runs (their lengths, in order: the chunks of the archive
/// the last build wrote, `compiled`); [`Carried::whole`] says where each run is in the new
/// order when it is there whole: every article of it kept, none put inside it. Runs that do not
/// add up to the last order's length are none of them whole.
pub(super) fn carry<'a>(
    last: &LastOrder,
    files: impl ExactSizeIterator<Item = (usize, Option<u32>)>,
    served: &[At],
    key: impl Fn(At) -> Key<'a>,
    sort: impl FnOnce(&[At]) -> Vec<At>,
    spans: &[usize],
) -> Option<Carried> {
    // Each file's first article's number, and which articles are served and not yet placed.
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
                from_cache.resize(k + 1, u32::MAX);
            }
            from_cache[k] = number(i)?;
        }
    }
    first.push(number(n)?);
    let at = |(i, j): At| first[i] as usize + j;
    let mut waiting = vec![false; n];
    for &served in served {
        waiting[at(served)] = true;
    }
    // Each run's first place among the kept, and whether one of its articles was not kept.
    let counted = spans.iter().sum::<usize>() as u64 == last.count();
    let spans = if counted { spans } else { &[] };
    let mut runs = Runs::new(spans);
    let mut kept = Vec::with_capacity(served.len());
    for place in last.places() {
        runs.next(kept.len());
        let (k, j) = (
            (place >> 32) as usize,
            (place & u64::from(u32::MAX)) as usize,
        );
        let Some(&i) = from_cache.get(k).filter(|&&i| i != u32::MAX) else {
            runs.broken();
            continue;
        };
        let i = i as usize;
        if first[i] as usize + j >= first[i + 1] as usize {
            runs.broken();
            continue;
        }
        let slot = &mut waiting[at((i, j))];
        if std::mem::take(slot) {
            kept.push((i, j));
        } else {
            runs.broken();
        }
    }
    let fresh: Vec<At> = served
        .iter()
        .filter(|&&served| waiting[at(served)])
        .copied()
        .collect();
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

/// What [`carry`] gives.
pub(super) struct Carried {
    /// The served articles in reading order.
    pub(super) order: Vec<At>,
    /// For each of the runs `carry` was given: its first place in `order` when it is there
    /// whole, the same articles side by side in the same order; else `None`.
    pub(super) whole: Vec<Option<usize>>,
}

/// The runs of the last order as [`carry`] walks it: each one's first place among the kept
/// articles and whether it lost one.
struct Runs<'s> {
    spans: &'s [usize],
    /// The run the walk is in, and how many of its places are left.
    at: usize,
    left: usize,
    /// Each run's first place among the kept, `None` once it lost an article.
    starts: Vec<Option<usize>>,
}

impl<'s> Runs<'s> {
    fn new(spans: &'s [usize]) -> Runs<'s> {
        Runs {
            spans,
            at: 0,
            left: 0,
            starts: Vec::with_capacity(spans.len()),
        }
    }

    /// The walk is at its next place, with `kept` articles kept before it.
    fn next(&mut self, kept: usize) {
        while self.left == 0 && self.at < self.spans.len() {
            self.starts.push(Some(kept));
            self.left = self.spans[self.at];
            self.at += 1;
        }
        self.left = self.left.saturating_sub(1);
    }

    /// The article at the walk's place was not kept.
    fn broken(&mut self) {
        if let Some(start) = self.starts.last_mut() {
            *start = None;
        }
    }

    /// Each run's first place in the new order, when whole: the fresh articles go before the
    /// kept at `places` (rising), and one put strictly inside a run breaks it.
    fn placed(self, places: &[usize]) -> Vec<Option<usize>> {
        let mut before = 0;
        let mut starts = self.starts;
        starts.resize(self.spans.len(), None);
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
