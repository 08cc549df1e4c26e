//! What a saved build reads of the last one before it parses anything: the build cache, the
//! threads' grouping saved beside it and what the search index holds. None of it needs the
//! articles folder's listing, so a build that lists the folder whole loads it meanwhile
//! ([`beside`]).
//!
//! At a million dumps the listing is a `statx` a dump (1.18 s, its floor ≈ 0.85 s on two
//! cores: notes/build-bench.md, session 35) and the load came after it (0.36 s), both on the
//! CLI `+1`'s critical path; the load maps and decodes files the build folder holds, which
//! the listing does not touch.

use std::path::Path;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use super::ArchiveError;
use super::build_cache::BuildCache;
use super::grouping_file;
use super::index_list::{self, IndexList, Listed};
use super::scan::{Folder, read_folder};
use super::threads::Grouping;

/// The last build as this one starts from it.
pub(super) struct Last<'a> {
    /// `None` when there is none this program may use: everything is parsed again.
    pub(super) cache: Option<BuildCache>,
    /// The last grouping (only beside a cache: see [`Last::load`]), and whether it was saved
    /// beside this very cache (`grouping_file::Saved::beside`).
    pub(super) grouping: (Option<Grouping>, bool),
    /// What the index holds (each article's id, borrowed from the cache's mapped chunks, and
    /// its parts, by id, with the chunks it was read from); `None` when the index is to be
    /// made again.
    pub(super) indexed: Option<Listed<'a>>,
    /// The index's format, where it is another than this arshif's: it is written again from
    /// nothing, and the report says so.
    pub(super) other_format: Option<crate::search::OtherFormat>,
    /// How long the load took on its own (beside the listing, it is not a lap).
    pub(super) took: Duration,
}

impl<'a> Last<'a> {
    /// Loads the cache `load_cache` gives, the grouping of `out` and the index list of
    /// `search`; the list's mapped chunks are kept in `list`, which the build keeps until it
    /// ends.
    pub(super) fn load(
        load_cache: impl FnOnce() -> Option<BuildCache>,
        out: &Path,
        search: &Path,
        list: &'a OnceLock<IndexList>,
    ) -> Last<'a> {
        let started = Instant::now();
        let mut cache = load_cache();
        let read_mark = cache.as_ref().map(|c| c.mark);
        // Grouped again from the last grouping only where the cache is this program's too;
        // its reused dumps are taken as the grouping holds them where it was saved beside this
        // very cache, their fingerprints not made again.
        let grouping = cache
            .as_ref()
            .and_then(|_| grouping_file::load(out))
            .map_or((None, false), |saved| {
                (
                    Some(saved.grouping),
                    saved.beside.is_some() && saved.beside == read_mark,
                )
            });
        // Read only where the index is there and this arshif's; a list that does not decode
        // means an index made again.
        let readable = crate::search::readable(search);
        let other_format = readable.as_ref().err().and_then(|e| e.other_format());
        let indexed = cache
            .as_mut()
            .map(|c| list.get_or_init(|| std::mem::take(&mut c.indexed)))
            .filter(|_| readable.is_ok())
            .and_then(IndexList::read)
            .map(index_list::by_id);
        Last {
            cache,
            grouping,
            indexed,
            other_format,
            took: started.elapsed(),
        }
    }
}

/// `list` run on this thread while [`Last::load`] runs beside it: `load` needs nothing that
/// `list` gives.
///
/// The load runs in a rayon pool of its own, of one thread. The listing's stats are spawned on
/// rayon's global pool a batch at a time as the folder is read: the load's own parallel reads,
/// put on that pool, were queued behind every batch and began only when the listing ended (at
/// 100,000 dumps "of which the cache loaded" was the listing's whole lap). On a thread of its
/// own it shares the cores with the listing's from the start; where no thread can be started
/// it loads after the listing, as before.
pub(super) fn beside<'a, T>(
    list: impl FnOnce() -> T,
    load: impl FnOnce() -> Last<'a> + Send,
) -> (T, Last<'a>) {
    let Some(pool) = super::own_pool::of_one("arshif-load") else {
        return (list(), load());
    };
    std::thread::scope(|scope| {
        let loading = scope.spawn(|| pool.install(load));
        let listed = list();
        let last = loading
            .join()
            .expect("loading the last build does not panic");
        (listed, last)
    })
}

/// The folder `articles` read whole while the last build is loaded ([`beside`]), the cache
/// then given its table by name on the load's thread, for the listing to look its names up in
/// where it read them (`super::found`).
pub(super) fn read_beside<'a>(
    articles: &Path,
    load: impl FnOnce() -> Last<'a> + Send,
) -> (Result<Folder, ArchiveError>, Last<'a>) {
    let load = || {
        let mut last = load();
        let started = Instant::now();
        last.cache = last.cache.map(BuildCache::with_names);
        last.took += started.elapsed();
        last
    };
    beside(|| read_folder(articles), load)
}
