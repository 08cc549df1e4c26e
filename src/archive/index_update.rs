//! The saved build's index step: the search index brought up to date with the served articles
//! (by id, from their current parts) while the build cache is written beside it, with the
//! step's lap and timings, and the threads' grouping saved beside it to the build's end
//! ([`grouping_saver`]). The cache is written unnamed: the caller names it once the
//! index is committed ([`build_cache::Unnamed`]).

use std::collections::HashSet;
use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use rustc_hash::FxHashSet;

use super::ArchiveError;
use super::atomic_file::Durability;
use super::build::{Assembled, Done, Keep};
use super::build_cache::{self, DumpChunks, Unnamed};
use super::chunk_files::ChunkName;
use super::index_list::{self, Listed};
use super::list_digest::{Digest, Digester};
use super::reconcile::{LazyIndex, Pending, reconcile_index};
use super::report::BuildReport;
use super::store::{PartRef, Store};
use super::threads::Grouping;
use super::{grouping_file, str_order};

/// The build's results the index is brought up to date from.
pub(super) struct Results<'a> {
    pub(super) done: &'a [Done],
    pub(super) assembled: &'a Assembled,
    pub(super) store: &'a Store,
    /// What the index held, by id (references into a compacted store already moved).
    pub(super) indexed: &'a [(&'a str, PartRef)],
    /// `indexed` digested, and its chunks written, beside the threads step ([`listed_early`]).
    pub(super) listed: Early,
    /// The digester of `listed`.
    pub(super) digester: &'a Digester,
}

/// The index list as the parse left it ([`Listed`]), digested and its chunks written for the
/// cache, on a thread beside the threads step: it needs the parse alone.
pub(super) struct Early {
    digest: Digest,
    /// Named by the cache only where the served articles are the ones it holds.
    names: std::io::Result<Vec<ChunkName>>,
    pub(super) took: Duration,
}

/// [`Early`] of `indexed`, its chunks written in the cache's folder of `out` (a build killed
/// before the cache names them leaves them for the next one to remove).
pub(super) fn listed_early(out: &Path, indexed: &Listed<'_>, digester: &Digester) -> Early {
    let started = Instant::now();
    let digest = digester.of(indexed.items.par_iter().copied());
    let names = index_list::write(&build_cache::chunks_in(out), indexed, Durability::Cached);
    Early {
        digest,
        names,
        took: started.elapsed(),
    }
}

/// What the cache file names beside the index: the store, the dumps' chunks, the build's mark.
pub(super) struct CacheOf<'a> {
    pub(super) store_name: &'a str,
    pub(super) store_len: u64,
    pub(super) dump_chunks: std::io::Result<DumpChunks>,
    pub(super) mark: u64,
}

/// What the step leaves for the index's commit and the compiled archive.
pub(super) struct Updated {
    pub(super) index: LazyIndex,
    /// Named only once the index is committed.
    pub(super) cache: std::io::Result<Unnamed>,
    /// The parts added to the index again, which the compiled archive needs of it.
    pub(super) reindexed: FxHashSet<PartRef>,
}

/// The `served` (at most `count` of them) sorted by id, borrowed (ids of served articles are
/// unique), as the cache keeps them, through the ids' first bytes ([`str_order`]).
fn by_id<'a>(
    count: usize,
    served: impl Iterator<Item = (&'a str, PartRef)>,
) -> Vec<(&'a str, PartRef)> {
    // Sized once (a filtered list grew by doubling, each time copied into fresh pages).
    let mut keyed: Vec<(u64, (&str, PartRef))> = Vec::with_capacity(count);
    keyed.extend(served.map(|(id, at)| (str_order::prefix(id.as_bytes()), (id, at))));
    str_order::par_sort(&mut keyed, |a, b| a.cmp(b));
    keyed.into_iter().map(|(_, w)| w).collect()
}

/// The cache says what the index holds; an index that did not take it is not kept so.
pub(super) fn unnamed<T>(out: &Path, e: ArchiveError) -> Result<T, ArchiveError> {
    let _ = fs::remove_file(build_cache::path_in(out));
    Err(e)
}

/// What saves the threads' grouping in `out` on the thread that joined its threads
/// ([`super::build::ThreadsAt::beside`]), beside the cache of `mark` when every article's id
/// is its file's name: while the index is updated and the compiled archive written, as
/// nothing the build does after it reads it. A build killed before it is saved leaves the
/// last one (not beside this build's cache: the next one groups from its items, slower, not
/// wrong). At a million it was the index step's longest writer once the index list was no
/// longer written whole.
pub(super) fn grouping_saver(out: &Path, mark: u64) -> Keep {
    let out = out.to_path_buf();
    Box::new(move |grouping: Grouping, named: bool| {
        let started = Instant::now();
        if let Err(e) = grouping_file::save(&out, grouping, named.then_some(mark)) {
            // Without it the next build groups from nothing: slower, not wrong.
            let _ = fs::remove_file(grouping_file::path_in(&out));
            tracing::warn!(
                "cannot write the threads' grouping in {}: {e}",
                out.display()
            );
        }
        started.elapsed()
    })
}

/// Brings `index` up to date with the served articles of `results`, writing the cache in `out`
/// meanwhile; laps "update the index, write the cache and the grouping" (the grouping's save,
/// [`grouping_saver`], begins before it, once the threads are joined, and runs on).
pub(super) fn update_index(
    out: &Path,
    results: Results<'_>,
    index: Pending,
    cache_of: CacheOf<'_>,
    report: &mut BuildReport,
    clock: &mut Instant,
) -> Result<Updated, ArchiveError> {
    let Results {
        done,
        assembled,
        store,
        indexed,
        listed,
        digester,
    } = results;
    let CacheOf {
        store_name,
        store_len,
        dump_chunks,
        mark,
    } = cache_of;
    // An address captured more than once may have been indexed once per capture as each was
    // parsed, perhaps at the same moment: such an id is removed whole and its served capture
    // added again.
    let recaptured: HashSet<&str> = assembled
        .others
        .keys()
        .map(|&(i, j)| done[i].outcomes.id(j))
        .collect();
    // What the index is to hold: every served article, from its current parts.
    let sorting = Instant::now();
    let stored = |&(i, j): &(usize, usize)| {
        let at = done[i].outcomes.stored_at(j)?;
        Some((done[i].outcomes.id(j), at))
    };
    // Most often exactly what it holds already (the last list and this build's additions):
    // told by a digest of the served in file order, one pass, not by sorting them. The index
    // then has nothing to remove or add, and the cache names the list's chunks written
    // beside the threads step.
    let held = recaptured.is_empty()
        && digester.of(assembled.served.par_iter().filter_map(stored)) == listed.digest;
    let sorted: Vec<(&str, PartRef)>;
    let want: &[(&str, PartRef)] = match held {
        true => indexed,
        false => {
            sorted = by_id(
                assembled.served.len(),
                assembled.served.iter().filter_map(stored),
            );
            &sorted
        }
    };
    let sorted_took = sorting.elapsed();
    let names = listed.names;
    let write_cache = move || {
        let started = Instant::now();
        let list = match held {
            true => names,
            false => index_list::write_whole(&build_cache::chunks_in(out), want),
        };
        let written = dump_chunks.and_then(|dumps| {
            build_cache::write_unnamed(out, store_name, store_len, dumps, list?, mark)
        });
        (written, started.elapsed())
    };
    // The cache is written on another thread while the index is brought up to date; with the
    // list held there is nothing to update, and the cache is its small file alone, written
    // here after it (a thread more beside the grouping's was only a wait for a core).
    let (indexing, index_took, (cache, cache_took), early, reindexed) =
        std::thread::scope(|scope| {
            let cache_writer = match held {
                true => Err(write_cache),
                false => Ok(scope.spawn(write_cache)),
            };
            let started = Instant::now();
            let mut early = None;
            let mut reindexed = Default::default();
            let indexing = index.ready().and_then(|(index, took)| {
                early = took;
                if !held {
                    reindexed = reconcile_index(&index, indexed, want, &recaptured, done, store)?;
                }
                Ok(index)
            });
            let index_took = started.elapsed();
            let took = match cache_writer {
                Ok(writer) => writer.join().expect("writing the cache does not panic"),
                Err(write) => write(),
            };
            (indexing, index_took, took, early, reindexed)
        });
    let index = match indexing {
        Ok(index) => index,
        Err(e) => return unnamed(out, e),
    };
    // The step ends when the slower of the two does: each one's own time is printed too, so
    // that a slow cache is not read as a slow index.
    report.lap("update the index, write the cache and the grouping", clock);
    report.timings.extend([
        ("  of which the index (update)", index_took),
        (
            "  of which the cache's index and file (meanwhile)",
            cache_took,
        ),
        (
            match held {
                true => "  of which the served checked against the index list (before)",
                false => "  of which the served sorted by id (before)",
            },
            sorted_took,
        ),
    ]);
    if let Some(took) = early {
        // Begun when the parse ended, beside the threads step: it is the part of the index's
        // lap above that waited for it.
        report.timings.push((
            "  the index's additions written out (from the parse's end)",
            took,
        ));
    }
    Ok(Updated {
        index,
        cache,
        reindexed,
    })
}
