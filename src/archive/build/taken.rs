//! Every dump's place among a build's results where the last build's cached dumps are taken
//! in their own order, chunk by chunk on rayon's threads, and the fresh ones (new, or not as
//! cached) put among them by name: where a watcher told the build the names that changed
//! (`told`), and where the build looked each listed name up in the cache (`found`).

use std::ffi::OsStr;
use std::mem::MaybeUninit;
use std::os::unix::ffi::OsStrExt;
use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

use super::super::ArchiveError;
use super::super::build_cache::{Cached, CachedChunk};
use super::super::scan::{Dump, Overrides};
use super::{Done, Placed};

/// Which of the cache's dumps that no fresh dump replaces are still in the folder as cached.
pub(in crate::archive) enum Still<'a> {
    /// All but those of the names a watcher saw change, their overrides as the last listing
    /// found them (told the names).
    Unnamed {
        named: &'a [Vec<u8>],
        overrides: &'a Overrides<'a>,
    },
    /// Those the listing found as cached, by their places among the cache's dumps (each name
    /// looked up). Their overrides are as cached.
    Found(&'a [AtomicBool]),
}

impl Still<'_> {
    /// How many of `chunk`'s dumps (the first at `place` among the cache's) are still there.
    fn count(&self, chunk: &CachedChunk, place: usize) -> usize {
        match self {
            Still::Unnamed { named, .. } => {
                chunk.len() - named.iter().filter(|n| chunk.holds(n)).count()
            }
            Still::Found(found) => (found.get(place..place + chunk.len()).unwrap_or_default())
                .iter()
                .filter(|f| f.load(Ordering::Relaxed))
                .count(),
        }
    }

    /// Cached dump `c` (at `place` among the cache's) as the folder holds it still, `None`
    /// when it is gone or named (changed).
    fn dump(&self, c: &mut Cached, place: usize) -> Result<Option<Dump>, ArchiveError> {
        let (there, over) = match self {
            Still::Unnamed { named, overrides } => {
                let name = c.name_bytes();
                let named = named.binary_search_by(|n| n.as_slice().cmp(name)).is_ok();
                (!named, overrides.of(OsStr::from_bytes(name)))
            }
            Still::Found(found) => {
                let there = found.get(place).is_some_and(|f| f.load(Ordering::Relaxed));
                (there, c.over.as_deref().copied())
            }
        };
        if !there {
            return Ok(None);
        }
        let known = Dump::known(take_name(c)?, c.stamp);
        let mut dump = known.ok_or_else(|| not_a_dump(c))?;
        dump.over = over.map(Box::new);
        Ok(Some(dump))
    }
}

/// The places of the cache's dumps (in `chunks`) that are `still` there and the `fresh` ones,
/// in name order; `as_named`: [`Placed::as_named`].
pub(in crate::archive) fn taken_with(
    fresh: Vec<Dump>,
    chunks: Vec<CachedChunk>,
    as_named: bool,
    still: Still,
) -> Result<Placed, ArchiveError> {
    // Each fresh dump goes with the first chunk whose last name is not before its own (the
    // chunk that holds it when the cache does); those after every chunk, in a last group.
    let lasts: Vec<&[u8]> = chunks.iter().map(CachedChunk::last_name).collect();
    let mut fresh_of: Vec<Vec<Dump>> = (0..=chunks.len()).map(|_| Vec::new()).collect();
    for dump in fresh {
        let group = lasts.partition_point(|last| *last < dump.name.as_bytes());
        fresh_of[group].push(dump);
    }
    // Each group's count of results, so that each fills its own run of one vector; the last
    // group's fresh dumps go with no chunk.
    let no_chunk = CachedChunk::Whole(Vec::new());
    let every_chunk = || chunks.iter().chain([&no_chunk]);
    // Where each chunk's first dump is among the cache's.
    let starts: Vec<usize> = (every_chunk())
        .scan(0, |place, chunk| {
            let at = *place;
            *place += chunk.len();
            Some(at)
        })
        .collect();
    let lens: Vec<usize> = (every_chunk().zip(&starts).zip(&fresh_of))
        .map(|((chunk, &place), fresh)| still.count(chunk, place) + fresh.len())
        .collect();
    let len = lens.iter().sum();
    // Each result written once, in its place: first filled with placeholders and then
    // written over, a million results were 128 MB written twice (as in `walked`).
    let mut done: Vec<Done> = Vec::with_capacity(len);
    let mut runs = Vec::with_capacity(lens.len());
    let (mut rest, mut at) = (&mut done.spare_capacity_mut()[..len], 0);
    for (&len, &place) in lens.iter().zip(&starts) {
        let (run, after) = rest.split_at_mut(len);
        runs.push((run, at, place));
        (rest, at) = (after, at + len);
    }
    let to_parse: Vec<Vec<(usize, Dump)>> = (chunks.into_par_iter().chain([no_chunk]))
        .zip(fresh_of)
        .zip(runs)
        .map(|((chunk, fresh), run)| fill(chunk, fresh, run, &still))
        .collect::<Result<_, _>>()?;
    // SAFETY: each run cuts `done`'s first `len` places, and every fill wrote each place of
    // its run once (it fails where it did not: its results, and any other run's, are then
    // leaked, never read).
    unsafe { done.set_len(len) };
    let to_parse = to_parse.into_iter().flatten().collect();
    Ok(Placed {
        done,
        to_parse,
        as_named,
    })
}

/// One chunk's dumps and the fresh ones among them put into `out` (at `at` among all the
/// results; the chunk's first dump at `place` among the cache's): the dumps to parse given
/// back with their places. An error where they do not fill `out` exactly (a cache whose names
/// are not in order).
fn fill(
    chunk: CachedChunk,
    fresh: Vec<Dump>,
    (out, at, place): (&mut [MaybeUninit<Done>], usize, usize),
    still: &Still,
) -> Result<Vec<(usize, Dump)>, ArchiveError> {
    let mut fresh = fresh.into_iter().peekable();
    let mut to_parse = Vec::new();
    let mut k = 0;
    let mut put = |k: &mut usize, done: Done| -> Result<(), ArchiveError> {
        out.get_mut(*k).ok_or_else(out_of_order)?.write(done);
        *k += 1;
        Ok(())
    };
    for (p, mut c) in chunk.into_dumps().enumerate() {
        let name = c.name_bytes();
        while let Some(dump) = fresh.next_if(|d| d.name.as_bytes() < name) {
            to_parse.push((at + k, dump));
            put(&mut k, Done::placeholder())?;
        }
        let dump = match fresh.next_if(|d| d.name.as_bytes() == name) {
            Some(dump) => dump,
            None => match still.dump(&mut c, place + p)? {
                Some(dump) => dump,
                None => continue,
            },
        };
        match dump.stamped_as(c.stamp, c.over.as_deref().copied()) {
            true => put(&mut k, reused(c, dump.name, (place + p) as u32))?,
            false => {
                to_parse.push((at + k, dump));
                put(&mut k, Done::placeholder())?;
            }
        }
    }
    for dump in fresh {
        to_parse.push((at + k, dump));
        put(&mut k, Done::placeholder())?;
    }
    if k != out.len() {
        return Err(out_of_order());
    }
    Ok(to_parse)
}

/// The cache's dumps did not fill the places counted for them.
fn out_of_order() -> ArchiveError {
    ArchiveError::Corrupt {
        path: super::super::build_cache::FILE_NAME.into(),
        reason: "its dumps are not in the order of their names".into(),
    }
}

/// A cached dump's result, reused: `name` is its own.
fn reused(c: Cached, name: String, place: u32) -> Done {
    Done {
        name,
        stamp: Some(c.stamp),
        over: c.over,
        outcomes: c.outcomes,
        said: c.said,
        from_cache: Some(place),
    }
}

/// The cached dump's name as a string, moved out (read whole) or copied from the chunk (read
/// light: its bytes were checked as a dump's name by the watched listing).
fn take_name(c: &mut Cached) -> Result<String, ArchiveError> {
    match c.name.is_empty() {
        false => Ok(std::mem::take(&mut c.name)),
        true => String::from_utf8(c.name_bytes().to_vec()).map_err(|_| not_a_dump(c)),
    }
}

fn not_a_dump(c: &Cached) -> ArchiveError {
    ArchiveError::Corrupt {
        path: super::super::build_cache::FILE_NAME.into(),
        reason: format!(
            "{:?} is not a dump's name",
            String::from_utf8_lossy(c.name_bytes())
        ),
    }
}
