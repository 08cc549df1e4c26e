//! The compiled archive of `arshif build` written straight from the build's results, in
//! reading order ([`save_in_order`]): the order carried over from the last build where it can
//! be ([`super::carried_order`]), the entries borrowed where they lie, only new chunks written
//! ([`super::compiled::save_ordered`]).

use std::path::Path;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use super::ArchiveError;
use super::atomic_file::Durability;
use super::build::{Assembled, At, Done, cache_damaged};
use super::carried_order::{self, LastOrder};
use super::chunk_files::{ChunkName, Cut};
use super::compiled::{self, Ordered, Source};
use super::entry::{Entry, OtherCapture};
use super::entry_print::AsBefore;
use super::light_entry::EntryRef;
use super::model::reading_order;
use super::report::BuildReport;
use super::store::PartRef;
use super::thread_ids::ThreadIds;

/// [`into_archive`] and [`compiled::save`] at once, for a build that writes the archive and
/// does not keep it (`arshif build`): each served entry is written from where it lies in the
/// results, in reading order, not moved into a new list first (at a million articles, half a
/// gigabyte of fresh pages, then the results freed one string at a time). Fills the report's
/// counts and gives back how long putting the entries in order took; `None`, with nothing
/// named (the threads' chunks may be written, for the next save to remove), when a part is
/// not in the store `store_name` (beside `path`).
pub(super) fn save_in_order(
    done: &[Done],
    a: &Assembled,
    (store_name, source, path): (&str, &Source, &Path),
    marks: Marks,
    report: &mut BuildReport,
) -> Result<Option<std::time::Duration>, ArchiveError> {
    // Each threaded article's id borrowed where it lies as it is written, not copied.
    let id = |(i, j): At| done[i].outcomes.id(j);
    let dir = compiled::chunks_dir(path);
    // The threads' chunks need no order: encoded and written on a thread of their own while
    // the order is put together (at a million articles, some 11 MB encoded and hashed), once
    // the threads are joined ([`ThreadsAt::get`](super::build::ThreadsAt::get)).
    std::thread::scope(|scope| {
        let threads = &a.threads;
        let id = &id;
        let write = move || ThreadIds::At(threads.get(), id).write(&dir, Durability::Synced);
        let threads = scope.spawn(write);
        let files = (store_name, source, path);
        put_in_order(done, a, files, marks, report, threads)
    })
}

/// The threads' chunks as they are being written.
type Threads<'s> = std::thread::ScopedJoinHandle<'s, std::io::Result<Vec<ChunkName>>>;

/// [`save_in_order`], the threads' chunks written beside.
fn put_in_order(
    done: &[Done],
    a: &Assembled,
    (store_name, source, path): (&str, &Source, &Path),
    marks: Marks,
    report: &mut BuildReport,
    threads: Threads,
) -> Result<Option<std::time::Duration>, ArchiveError> {
    let started = std::time::Instant::now();
    let stored = |(i, j): At| done[i].outcomes.stored_at(j);
    // The few articles with other captures: copies given them, with their files' names.
    let mut with_others: FxHashMap<At, Entry> = FxHashMap::default();
    let mut other_parts: Vec<(String, Vec<PartRef>)> = Vec::new();
    for &at in a.served.iter().filter(|_| !a.others.is_empty()) {
        let Some(others) = a.others.get(&at) else {
            continue;
        };
        let mut entry = done[at.0].outcomes.whole(at.1).map_err(cache_damaged)?;
        let mut parts = Vec::with_capacity(others.len());
        for &(i, j) in others {
            // Whole: a light entry is read without its address.
            let other = done[i].outcomes.whole(j).map_err(cache_damaged)?;
            entry.provenance.others.push(OtherCapture {
                source: done[i].name.clone(),
                origin: other.provenance.origin,
            });
            let Some(part) = stored((i, j)) else {
                return Ok(None);
            };
            parts.push(part);
        }
        other_parts.push((entry.article.id.clone(), parts));
        with_others.insert(at, entry);
    }
    other_parts.sort_by(|a, b| a.0.cmp(&b.0));
    let key = |(i, j): At| (done[i].outcomes.published(j), done[i].outcomes.id(j));
    let sorted = |served: &[At]| -> Vec<At> {
        let order = reading_order(served.len(), |k| key(served[k]));
        order.into_iter().map(|k| served[k]).collect()
    };
    // The file replaced, whose chunks the order may keep whole: only where its entries are as
    // the build knows them to be (`entry_print::Known` knows them so by their ends), written
    // by the build whose cache this one read, into this store, none indexed again.
    let replaced = compiled::head_of(path);
    let as_before = replaced.as_ref().filter(|head| {
        marks.read == Some(head.mark()) && head.store() == store_name && marks.reindexed.is_empty()
    });
    let chunks = as_before.map_or(&[][..], |head| head.chunks());
    let spans: Vec<usize> = chunks.iter().map(|c| c.run.count()).collect();
    // Carried over from the last build when it can be, else sorted from nothing.
    // Each file's articles' count, its place in the cache it was reused from, and whether this
    // build's cache holds it: read in one pass over the results (at a million files, each
    // pass is some 170 MB read), a reused file known to be held without reading its parts.
    // As `u32`s (a file's place, `u32::MAX` for none): 12 bytes a file, not 24.
    // On both cores: each result's heads are read where they lie in the mapped chunks.
    let shape: Vec<(u32, u32, bool)> = (done.par_iter())
        .with_min_len(4096)
        .map(|d| {
            let cached = d.from_cache.is_some() || d.is_cached();
            let len = u32::try_from(d.outcomes.len()).unwrap_or(u32::MAX);
            (len, d.from_cache.unwrap_or(u32::MAX), cached)
        })
        .collect();
    let files =
        (shape.iter()).map(|&(len, from, _)| (len as usize, (from != u32::MAX).then_some(from)));
    let last = marks.last_order.as_ref();
    let carried =
        last.and_then(|last| carried_order::carry(last, files, &a.served, key, sorted, &spans));
    let (order, whole) = match carried {
        Some(carried) => (carried.order, carried.whole),
        None => (sorted(&a.served), Vec::new()),
    };
    // Each entry with where its parts are, but for the replaced chunks kept whole: those are
    // taken by their names, their entries not visited (at a million articles, a `+1` read
    // every entry where it lay in the results, scattered, to find the few chunks it changed).
    let mut pairs = Vec::with_capacity(order.len());
    let mut held = Vec::new();
    let put = |pairs: &mut Vec<_>, at: At| -> Option<()> {
        let part = stored(at)?;
        let entry = match with_others.get(&at) {
            Some(entry) => EntryRef::Whole(entry),
            None => done[at.0].outcomes.entry_ref(at.1),
        };
        pairs.push((entry, part));
        Some(())
    };
    // How many entries since the last chunk's end, as `chunk_files` cuts them.
    let mut since = 0;
    let mut next = 0;
    let starts = whole.iter().enumerate();
    for (k, start) in starts.filter_map(|(k, start)| Some((k, (*start)?))) {
        for &at in &order[next..start] {
            if put(&mut pairs, at).is_none() {
                return Ok(None);
            }
            since += 1;
            if Cut::ARCHIVE.ends(key(at).1) || since == Cut::ARCHIVE.max_items() {
                since = 0;
            }
        }
        next = start;
        let (chunk, len) = (&chunks[k], spans[k]);
        // It ends where it ended: the replaced file's last chunk ended with the list.
        let ends = k + 1 < chunks.len()
            || Cut::ARCHIVE.ends(chunk.run.last())
            || len == Cut::ARCHIVE.max_items()
            || start + len == order.len();
        let plain = chunk.run.plain()
            && (with_others.is_empty()
                || !order[start..start + len]
                    .iter()
                    .any(|at| with_others.contains_key(at)));
        if since == 0 && ends && plain && compiled::holds(path, &chunk.name) {
            held.push((pairs.len(), k));
            next = start + len;
        }
    }
    for &at in &order[next..] {
        if put(&mut pairs, at).is_none() {
            return Ok(None);
        }
    }
    report.articles = order.len();
    // Dated articles come first.
    report.dated = order.partition_point(|&at| key(at).0.is_some());
    let ordering = started.elapsed();
    // As the last build wrote it: read light (its parts where they were, no other captures)
    // and indexed by the last build with the same id and parts, so served by it.
    let same = |entry: &EntryRef, at: &PartRef| {
        matches!(entry, EntryRef::Light(..))
            && (marks.reindexed.is_empty() || !marks.reindexed.contains(at))
    };
    let threads = threads.join().expect("writing the threads does not panic");
    let threads = threads.map_err(|e| ArchiveError::Write {
        path: path.to_path_buf(),
        cause: e,
    })?;
    let archive = Ordered {
        pairs,
        held,
        replaced,
        dated: report.dated,
        about: a.about.as_deref(),
        threads: &threads,
        aliases: &a.aliases,
        other_parts: &other_parts,
        mark: marks.mark,
        as_before: marks.read.map(|mark| AsBefore { mark, same: &same }),
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    let cached = shape.iter().map(|&(_, _, cached)| cached);
    // The order's file (8 MB at a million, not synced) written on a thread of its own while
    // the archive's chunks are: it names places in this build's cache alone, so it is right
    // beside that cache whether the archive was written or not.
    let (saved, order_saved) = std::thread::scope(|scope| {
        let (mark, as_named, order) = (marks.mark, marks.as_named, &order);
        let saving = scope.spawn(move || carried_order::save(dir, mark, as_named, order, cached));
        let saved = compiled::save_ordered(archive, store_name, source, path);
        let order_saved = saving.join().expect("writing the order does not panic");
        (saved, order_saved)
    });
    saved?;
    if let Err(e) = order_saved {
        // The next build sorts the order from nothing: slower, not wrong.
        tracing::warn!("cannot write the reading order in {}: {e}", dir.display());
    }
    Ok(Some(ordering))
}

/// What tells [`save_in_order`] which entries are as the archive it replaces holds them.
pub(super) struct Marks<'a> {
    /// This build's ([`super::build_cache::new_mark`]).
    pub(super) mark: u64,
    /// The mark of the build cache this build read, if it read one.
    pub(super) read: Option<u64>,
    /// The parts of the articles the index did not hold with the same id and parts
    /// ([`super::reconcile::reconcile_index`]).
    pub(super) reindexed: &'a FxHashSet<PartRef>,
    /// The reading order of the build whose cache this one read, when it can be carried over.
    pub(super) last_order: Option<LastOrder>,
    /// Every file's id is its name's (none had to be made unique).
    pub(super) as_named: bool,
}
