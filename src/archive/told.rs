//! A build's results where the listing was told the names that changed ([`super::watched`]):
//! the last build's cached dumps taken as they are into their places, chunk by chunk on
//! rayon's threads, the named files put among them, and the few to parse set aside.
//!
//! Listed whole, every dump is a [`Dump`] and the cache is walked by name beside the list.
//! Told the names, that was a million `Dump`s made from the cache (a name copied each), joined
//! into one vector, then walked against the cache again on one core to find each one's result
//! (notes/build-bench.md, session 40): here each cached dump is looked at once, where it lies.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;

use rayon::prelude::*;

use super::ArchiveError;
use super::build::{Done, Placed, walked};
use super::build_cache::{BuildCache, Cached, CachedChunk};
use super::listing::Aside;
use super::scan::{Dump, Overrides};

/// The folder's dumps as a build has them.
pub(super) enum Listing {
    /// Every dump, listed.
    Whole(Vec<Dump>),
    /// The last build's cached dumps but for the files named since.
    Known(Known),
}

impl Listing {
    /// Whether a watcher follows every dump of the listing by name ([`Dump::follows_by_name`]:
    /// not a link, one name, UTF-8, stamped; told the names, the cache's dumps were when it
    /// was written). The next build may list from this one's cache and the watcher's names
    /// when this holds and the cache holds every dump's result (so its names and stamps are
    /// the whole listing): the build then [`super::watched::keep_record`]s that it vouches.
    pub(super) fn vouches(&self) -> bool {
        let dumps = match self {
            Listing::Whole(dumps) => dumps,
            Listing::Known(known) => &known.fresh,
        };
        dumps.iter().all(Dump::follows_by_name)
    }

    /// Each dump's result in its place, reused from `cache` or to parse.
    pub(super) fn placed(self, cache: Option<BuildCache>) -> Result<Placed, ArchiveError> {
        match self {
            Listing::Whole(dumps) => Ok(walked(dumps, cache)),
            Listing::Known(known) => taken(known, cache),
        }
    }
}

/// The folder as the last listing found it, but for the files named since: what
/// [`super::watched::list`] makes of the cache and the watcher's names.
pub(super) struct Known {
    /// The named dumps that are there (stamped again, their overrides given), in name order.
    pub(super) fresh: Vec<Dump>,
    /// The named dumps' names, there or not, sorted: the cache's of these names are replaced
    /// by `fresh` or gone.
    pub(super) named: Vec<Vec<u8>>,
    /// The folder's overrides as the last listing found them, the named ones looked at again.
    pub(super) overrides: Aside,
}

/// Every dump's place among the results in name order: the cache's dumps reused where their
/// stamps (and overrides') are as cached, the others (and the fresh ones not cached as they
/// are) left as placeholders and handed back with their places, to be parsed.
pub(super) fn taken(known: Known, cache: Option<BuildCache>) -> Result<Placed, ArchiveError> {
    let as_named = cache.as_ref().is_some_and(|c| c.ids_as_named);
    let chunks = cache.map(|c| c.dumps).unwrap_or_default();
    let named = &known.named;
    // Each fresh dump goes with the first chunk whose last name is not before its own (the
    // chunk that holds it when the cache does); those after every chunk, in a last group.
    let lasts: Vec<&[u8]> = chunks.iter().map(CachedChunk::last_name).collect();
    let mut fresh_of: Vec<Vec<Dump>> = (0..=chunks.len()).map(|_| Vec::new()).collect();
    for dump in known.fresh {
        let group = lasts.partition_point(|last| *last < dump.name.as_bytes());
        fresh_of[group].push(dump);
    }
    // Each group's count of results, so that each fills its own run of one vector; the last
    // group's fresh dumps go with no chunk.
    let no_chunk = CachedChunk::Whole(Vec::new());
    let lens: Vec<usize> = (chunks.iter().chain([&no_chunk]))
        .zip(&fresh_of)
        .map(|(chunk, fresh)| {
            let gone = named.iter().filter(|n| chunk.holds(n)).count();
            chunk.len() - gone + fresh.len()
        })
        .collect();
    let mut done: Vec<Done> = Vec::with_capacity(lens.iter().sum());
    done.par_extend(
        (0..lens.iter().sum::<usize>())
            .into_par_iter()
            .with_min_len(4096)
            .map(|_| Done::placeholder()),
    );
    let mut runs = Vec::with_capacity(lens.len());
    let (mut rest, mut at, mut place) = (done.as_mut_slice(), 0, 0);
    for (&len, chunk) in lens
        .iter()
        .zip(chunks.iter().chain([&no_chunk]).map(CachedChunk::len))
    {
        let (run, after) = rest.split_at_mut(len);
        runs.push((run, at, place));
        (rest, at, place) = (after, at + len, place + chunk);
    }
    let overrides = Overrides::new(&known.overrides);
    let to_parse: Vec<Vec<(usize, Dump)>> = (chunks.into_par_iter().chain([no_chunk]))
        .zip(fresh_of)
        .zip(runs)
        .map(|((chunk, fresh), run)| fill(chunk, fresh, run, named, &overrides))
        .collect::<Result<_, _>>()?;
    let to_parse = to_parse.into_iter().flatten().collect();
    Ok(Placed {
        done,
        to_parse,
        as_named,
    })
}

/// One chunk's dumps and the fresh ones among them put into `out` (at `at` among all the
/// results; the chunk's first dump at `place` among the cache's): the dumps to parse given
/// back with their places.
fn fill(
    chunk: CachedChunk,
    fresh: Vec<Dump>,
    (out, at, place): (&mut [Done], usize, usize),
    named: &[Vec<u8>],
    overrides: &Overrides,
) -> Result<Vec<(usize, Dump)>, ArchiveError> {
    let mut fresh = fresh.into_iter().peekable();
    let mut to_parse = Vec::new();
    let mut k = 0;
    for (p, mut c) in chunk.into_dumps().enumerate() {
        let name = c.name_bytes();
        while let Some(dump) = fresh.next_if(|d| d.name.as_bytes() < name) {
            to_parse.push((at + k, dump));
            k += 1;
        }
        let dump = match fresh.next_if(|d| d.name.as_bytes() == name) {
            Some(dump) => dump,
            None if named.binary_search_by(|n| n.as_slice().cmp(name)).is_ok() => continue,
            // As the last listing found it.
            None => {
                let over = overrides.of(OsStr::from_bytes(name));
                let known = Dump::known(take_name(&mut c)?, c.stamp);
                let mut dump = known.ok_or_else(|| not_a_dump(&c))?;
                dump.over = over.map(Box::new);
                dump
            }
        };
        match dump.stamped_as(c.stamp, c.over.as_deref().copied()) {
            true => out[k] = reused(c, dump.name, (place + p) as u32),
            false => to_parse.push((at + k, dump)),
        }
        k += 1;
    }
    for dump in fresh {
        to_parse.push((at + k, dump));
        k += 1;
    }
    debug_assert_eq!(k, out.len());
    Ok(to_parse)
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
/// light: its bytes were checked as a dump's name by [`super::watched::list`]).
fn take_name(c: &mut Cached) -> Result<String, ArchiveError> {
    match c.name.is_empty() {
        false => Ok(std::mem::take(&mut c.name)),
        true => String::from_utf8(c.name_bytes().to_vec()).map_err(|_| not_a_dump(c)),
    }
}

fn not_a_dump(c: &Cached) -> ArchiveError {
    ArchiveError::Corrupt {
        path: super::build_cache::FILE_NAME.into(),
        reason: format!(
            "{:?} is not a dump's name",
            String::from_utf8_lossy(c.name_bytes())
        ),
    }
}
