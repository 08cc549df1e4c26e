//! The cache's writing: a build's dumps in chunks ([`write_held`], beside the steps after the
//! parse), then the file naming them and the index list's chunks beside its place
//! ([`write_unnamed`]), renamed into it once the index is committed ([`Unnamed::name`]).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::super::atomic_file::{self, Durability};
use super::super::chunk_files::{self, ChunkName, Piece};
use super::super::kill_point;
use super::super::report::Problem;
use super::super::results::Outcomes;

use super::{CacheFile, KnownChunk, MAGIC, Program, Stamp, VERSION, chunks_in, path_in, read_file};
use crate::capture::warc::Skip;

/// [`Cached`] by reference, to write the cache without copying the archive's entries.
#[derive(Serialize)]
pub struct CachedRef<'a> {
    pub name: &'a str,
    pub stamp: &'a Stamp,
    pub over: Option<&'a Stamp>,
    pub outcomes: Outcomes<'a>,
    pub problems: &'a [Problem],
    pub skipped: &'a BTreeMap<Skip, usize>,
    /// Taken from the cache as it was, its part references unmoved: its bytes are the ones
    /// read.
    #[serde(skip)]
    pub reused: bool,
}

impl CachedRef<'_> {
    /// Appends the dump as [`Serialize`] writes it, its results copied from the bytes they
    /// were read from when those are what encoding them gives ([`Results::bytes_as_read`]).
    fn encode_into(&self, out: &mut Vec<u8>) -> std::io::Result<()> {
        match self.outcomes.0.bytes_as_read() {
            Some(bytes) => {
                chunk_files::postcard_item(&(self.name, self.stamp, self.over), out)?;
                out.extend_from_slice(bytes);
                chunk_files::postcard_item(&(self.problems, self.skipped), out)
            }
            None => chunk_files::postcard_item(self, out),
        }
    }
}

/// A mark for one build, written in its cache and its compiled archive: from the clock and
/// the process, through a hasher keyed at random, so two builds' marks differ; never 0 (the
/// mark of an archive no cache names).
pub fn new_mark() -> u64 {
    use std::hash::BuildHasher;
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
    let nanos = now.map_or(0, |d| d.as_nanos());
    std::collections::hash_map::RandomState::new().hash_one((nanos, std::process::id())) | 1
}

/// The chunks of the cache's dumps, written and not yet named ([`write_unnamed`] names them): they
/// depend on the parse alone, so a build writes them beside the steps after it, not after
/// the index. A build killed before [`Unnamed::name`] leaves them named by no file, for the
/// next one to remove.
pub struct DumpChunks {
    pub(super) names: Vec<ChunkName>,
    /// [`BuildCache::ids_as_named`], as the build that wrote them says.
    ids_as_named: bool,
}

/// Writes the chunks of the cache's dumps whose content is new (a run of reused dumps that
/// fills one of the `known` chunks is not even encoded again); `ids_as_named` is what the
/// build says of their ids ([`BuildCache::ids_as_named`]). Every dump is collected and cut.
/// Builds write with [`write_held`] since session 43; this is kept as its tests' oracle.
#[cfg(test)]
pub fn write_dumps<'a>(
    build_dir: &Path,
    dumps: impl Iterator<Item = CachedRef<'a>>,
    known: &[KnownChunk],
    ids_as_named: bool,
) -> std::io::Result<DumpChunks> {
    // Sized once: grown by doubling, the list was copied into fresh pages at each growth.
    let mut all = Vec::with_capacity(dumps.size_hint().1.unwrap_or(0));
    all.extend(dumps);
    let known = |run: &[CachedRef]| (KnownChunk::holding(known, run), ());
    let pieces = vec![Piece::Items(0..all.len())];
    let names = chunk_files::write_pieces(
        &chunks_in(build_dir),
        &all,
        pieces,
        |d| d.name,
        known,
        CachedRef::encode_into,
        super::table::append,
        Durability::Cached,
    )?;
    Ok(DumpChunks {
        names: names.into_iter().map(|(name, ())| name).collect(),
        ids_as_named,
    })
}

/// A build's results, in name order, as the cache's writer ([`write_held`]) reads them.
pub trait Dumps<'a> {
    /// How many results there are.
    fn count(&self) -> usize;
    /// Result `i` as the cache holds it; `None` when the cache leaves it out (its parts are
    /// not all in the store).
    fn cached(&self, i: usize) -> Option<CachedRef<'a>>;
    fn name(&self, i: usize) -> &'a str;
    /// Where result `i` was among the last cache's dumps, when it is that dump as read (its
    /// bytes the ones read: [`CachedRef::reused`]).
    fn reused_from(&self, i: usize) -> Option<u32>;
}

/// Writes the chunks of the cache's dumps whose content is new, as a cut of the whole list
/// would cut them, taking by name each of the last cache's chunks (`known`) whose dumps are
/// results `reused_from` it in one run (none of the results `changed`, in order, among them)
/// that begins and ends where a cut of the whole list would (its last name a boundary, or
/// the list's end, and the name the cache holds before it one): those are neither visited,
/// encoded nor hashed again (at a million dumps, a `+1` collected and cut every one of them
/// beside the threads step, and was that step's longest writer at 100,000: notes/build-bench.md,
/// session 43). `ids_as_named` is what the build says of their ids
/// ([`BuildCache::ids_as_named`]). Gives back, beside the chunks, how many results the cache
/// leaves out.
pub fn write_held<'a>(
    build_dir: &Path,
    dumps: &impl Dumps<'a>,
    changed: &[usize],
    known: &[KnownChunk],
    ids_as_named: bool,
) -> std::io::Result<(DumpChunks, usize)> {
    let dir = chunks_in(build_dir);
    let len = dumps.count();
    let held = |i: usize| dumps.cached(i).is_some();
    let ends_chunk = |i: usize| chunk_files::ends_chunk(dumps.name(i));
    let mut items: Vec<CachedRef<'a>> = Vec::new();
    let mut pieces = Vec::with_capacity(2 * known.len() + 1);
    let mut left_out = 0;
    // The results from `from` up to `to` as the cache holds them, to be cut and written.
    let mut take = |from: usize, to: usize, pieces: &mut Vec<Piece<()>>| {
        let start = items.len();
        for i in from..to {
            match dumps.cached(i) {
                Some(d) => items.push(d),
                None => left_out += 1,
            }
        }
        pieces.push(Piece::Items(start..items.len()));
    };
    let (mut from, mut place) = (0, 0u32);
    for chunk in known {
        let first = place;
        place = place.saturating_add(u32::try_from(chunk.len).unwrap_or(u32::MAX));
        let start = partition_point(len, |i| dumps.name(i) < chunk.first.as_str());
        let end = start + chunk.len;
        if start < from || end > len || chunk.len == 0 {
            continue;
        }
        // Its dumps, each as read, in one run: the places rise with the names, so the run's
        // ends hold the chunk's ends and none between was parsed again.
        let next_changed = changed[changed.partition_point(|&c| c < start)..].first();
        let unchanged = dumps.reused_from(start) == Some(first)
            && dumps.reused_from(end - 1) == Some(place - 1)
            && next_changed.is_none_or(|&c| c >= end);
        let cut_before = (0..start).rev().find(|&i| held(i)).is_none_or(ends_chunk);
        let cut_after = ends_chunk(end - 1) || (end..len).find(|&i| held(i)).is_none();
        let there = || chunk_files::path_of(&dir, &chunk.name).is_file();
        if unchanged && cut_before && cut_after && there() {
            take(from, start, &mut pieces);
            pieces.push(Piece::Held(chunk.name, ()));
            from = end;
        }
    }
    take(from, len, &mut pieces);
    let known = |run: &[CachedRef]| (KnownChunk::holding(known, run), ());
    // Lost with the machine, the cache is rebuilt: not synced.
    let names = chunk_files::write_pieces(
        &dir,
        &items,
        pieces,
        |d| d.name,
        known,
        CachedRef::encode_into,
        super::table::append,
        Durability::Cached,
    )?;
    let chunks = DumpChunks {
        names: names.into_iter().map(|(name, ())| name).collect(),
        ids_as_named,
    };
    Ok((chunks, left_out))
}

/// The first of `0..len` for which `before` is false (`before` holds for a prefix).
fn partition_point(len: usize, before: impl Fn(usize) -> bool) -> usize {
    let (mut lo, mut hi) = (0, len);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        match before(mid) {
            true => lo = mid + 1,
            false => hi = mid,
        }
    }
    lo
}

/// Writes the cache of `build_dir`: the file naming the chunks of the index list (`indexed`,
/// written already: [`super::super::index_list::write`]) and of `dumps`, beside its place, renamed into it by [`Unnamed::name`]: a build names its cache
/// only once the index holds what the cache says it holds (its commit). `mark` is the
/// build's ([`new_mark`]), which the compiled archive it writes holds too.
pub fn write_unnamed(
    build_dir: &Path,
    store: &str,
    store_len: u64,
    dumps: DumpChunks,
    indexed: Vec<ChunkName>,
    mark: u64,
) -> std::io::Result<Unnamed> {
    let file = CacheFile {
        program: Program::running_in(build_dir),
        store: store.to_owned(),
        store_len,
        mark,
        ids_as_named: dumps.ids_as_named,
        dumps: dumps.names,
        indexed,
    };
    let path = path_in(build_dir);
    let beside = atomic_file::write_versioned(&path, MAGIC, VERSION, &file, Durability::Cached)?;
    Ok(Unnamed {
        build_dir: build_dir.to_path_buf(),
        file,
        beside,
    })
}

/// A build cache written beside its place ([`write_unnamed`]); dropped, its file is removed.
///
/// A build names it only once its index is committed, so at each `kill -9` the index holds
/// every served article once for the next build: killed before the commit, the index and the
/// cache are both the last build's; after the commit and before the rename, the index is
/// ahead of the cache, and the next build parses again every dump changed since the cache,
/// each add to a kept index removing its id first (`StoreSink`, `reconcile_index`), and
/// removes what went (removing an id no longer there does nothing); after it, both are new.
pub struct Unnamed {
    build_dir: PathBuf,
    file: CacheFile,
    beside: atomic_file::Beside,
}

/// [`Unnamed::name`] of the cache `written`: without it the next build starts over.
pub fn name_written(written: std::io::Result<Unnamed>, dir: &Path) {
    if let Err(e) = written.and_then(Unnamed::name) {
        tracing::warn!("cannot write the build cache in {}: {e}", dir.display());
    }
}

impl Unnamed {
    /// Renames the cache file into place, then removes the chunks that neither it nor the
    /// file it replaced names.
    pub fn name(self) -> std::io::Result<()> {
        let replaced = read_file(&self.build_dir);
        self.beside.rename()?;
        kill_point::reached(kill_point::KillPoint::CacheNamed);
        let named = |f: &CacheFile| {
            f.dumps
                .iter()
                .chain(&f.indexed)
                .copied()
                .collect::<Vec<_>>()
        };
        let mut keep = named(&self.file);
        keep.extend(replaced.as_ref().map(named).unwrap_or_default());
        chunk_files::remove_others(&chunks_in(&self.build_dir), &keep);
        Ok(())
    }
}

/// [`write_dumps`] then [`write_unnamed`] named, as a build does them apart.
#[cfg(test)]
pub fn save<'a>(
    build_dir: &Path,
    store: &str,
    store_len: u64,
    dumps: impl Iterator<Item = CachedRef<'a>>,
    known: &[KnownChunk],
    indexed: &[(&str, super::super::store::PartRef)],
) -> std::io::Result<()> {
    let dumps = write_dumps(build_dir, dumps, known, false)?;
    let indexed = super::super::index_list::write_whole(&chunks_in(build_dir), indexed)?;
    write_unnamed(build_dir, store, store_len, dumps, indexed, new_mark())?.name()
}
