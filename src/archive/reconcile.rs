//! The search index brought to hold what the archive serves: its writer opened on first use,
//! a new index's additions written out while the build goes on ([`Pending`]), and the
//! reconciliation of what it holds with what is served ([`reconcile_index`]).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use rustc_hash::FxHashSet;

use super::ArchiveError;
use super::build::Done;
use super::store::{PartRef, Store};
use crate::search::IndexWriter;

/// Makes the index hold exactly `want` (each served article from its current parts, sorted by
/// id) when it holds `indexed` (sorted by id): removes what went, changed parts or was dropped
/// as a duplicate, and adds what is not there yet. Both lists are walked together, so an
/// unchanged article costs a comparison of ids, not a hash; an article added to an index that
/// is not new replaces any copy of it there. Gives back the parts of the
/// articles added: those of `want` that `indexed` did not hold with the same id and parts.
pub(super) fn reconcile_index(
    index: &LazyIndex,
    indexed: &[(&str, PartRef)],
    want: &[(&str, PartRef)],
    recaptured: &HashSet<&str>,
    done: &[Done],
    store: &Store,
) -> Result<FxHashSet<PartRef>, ArchiveError> {
    let mut missing: FxHashSet<PartRef> = FxHashSet::default();
    let (mut held, mut wanted) = (indexed.iter().peekable(), want.iter().peekable());
    loop {
        let (remove, add) = match (held.peek(), wanted.peek()) {
            (None, None) => break,
            (Some(&&(id, _)), None) => (Some(id), None),
            (None, Some(&&(_, at))) => (None, Some(at)),
            (Some(&&(id, had)), Some(&&(wanted_id, at))) => match id.cmp(wanted_id) {
                std::cmp::Ordering::Less => (Some(id), None),
                std::cmp::Ordering::Greater => (None, Some(at)),
                std::cmp::Ordering::Equal if had == at && !recaptured.contains(wanted_id) => {
                    (None, None)
                }
                std::cmp::Ordering::Equal => (Some(id), Some(at)),
            },
        };
        match (remove, add) {
            (None, None) => {
                held.next();
                wanted.next();
            }
            (Some(id), None) => {
                index.get()?.remove(id);
                held.next();
            }
            (None, Some(at)) => {
                missing.insert(at);
                wanted.next();
            }
            (Some(id), Some(at)) => {
                index.get()?.remove(id);
                missing.insert(at);
                held.next();
                wanted.next();
            }
        }
    }
    if missing.is_empty() {
        return Ok(missing);
    }
    done.par_iter()
        .flat_map_iter(|d| (0..d.outcomes.len()).map(move |j| (d, j)))
        .filter_map(|(d, j)| {
            let at = d.outcomes.stored_at(j)?;
            missing.contains(&at).then_some((d, j, at))
        })
        .try_for_each(|(d, j, at)| {
            let whole = d.outcomes.whole(j);
            let mut article = whole.map_err(super::build::cache_damaged)?.article;
            article.body = store.get(at)?.body;
            // A kept index may be ahead of the list it was said to hold (a build killed
            // between the index's commit and its cache's rename): an add replaces.
            if !index.is_new() {
                index.get()?.remove(&article.id);
            }
            index.get()?.add(&article).map_err(ArchiveError::from)
        })?;
    Ok(missing)
}

/// The search index's writer, opened on first use: a build that changes nothing in the index
/// does not pay for opening (and committing) it.
pub(super) struct LazyIndex {
    dir: PathBuf,
    /// A new index (built beside `dir`, then moved into place) rather than the one there.
    fresh: bool,
    writer: OnceLock<IndexWriter>,
    /// Held while opening: tantivy allows one writer per index.
    opening: Mutex<()>,
}

impl LazyIndex {
    pub(super) fn new(dir: &Path, fresh: bool) -> LazyIndex {
        LazyIndex {
            dir: dir.to_path_buf(),
            fresh,
            writer: OnceLock::new(),
            opening: Mutex::new(()),
        }
    }

    pub(super) fn get(&self) -> Result<&IndexWriter, ArchiveError> {
        if let Some(w) = self.writer.get() {
            return Ok(w);
        }
        let _opening = self.opening.lock().expect("no panic holds it");
        if let Some(w) = self.writer.get() {
            return Ok(w);
        }
        let w = if self.fresh {
            IndexWriter::create(&self.dir)?
        } else {
            IndexWriter::open(&self.dir)?
        };
        Ok(self.writer.get_or_init(|| w))
    }

    /// Articles added and not yet indexed (none when nothing was added).
    pub(super) fn queued(&self) -> usize {
        self.writer.get().map_or(0, IndexWriter::queued)
    }

    /// Commits what was written; a new index is written (and moved into place) even empty.
    pub(super) fn commit(self) -> Result<(), ArchiveError> {
        if self.fresh {
            self.get()?;
        }
        if let Some(w) = self.writer.into_inner() {
            w.commit()?;
        }
        super::kill_point::reached(super::kill_point::KillPoint::IndexCommitted);
        Ok(())
    }

    /// Whether this writes a new index (in its staging folder until [`LazyIndex::commit`]).
    pub(super) fn is_new(&self) -> bool {
        self.fresh
    }

    /// Writes out what was added, on a thread of its own, while the build goes on; the index
    /// is back in hand with [`Pending::ready`]. For a new index only: see [`Pending`].
    pub(super) fn commit_added(mut self) -> Pending {
        if !self.fresh || self.writer.get().is_none() {
            return Pending::Ready(Box::new(self));
        }
        Pending::Committing(std::thread::spawn(move || {
            let started = Instant::now();
            if let Some(w) = self.writer.get_mut() {
                w.commit_added()?;
            }
            Ok((self, started.elapsed()))
        }))
    }
}

/// A new index whose additions are being written out ([`LazyIndex::commit_added`]), or an
/// index in hand.
///
/// A new index's last segment is written out (tantivy's `finalize`, 0.3–0.5 s of one core at
/// 10,000 articles) by its first commit, which once waited for the threads step: that step
/// decides which duplicates leave the index. Committed right after the parse, the segment is
/// written beside the threads step, on the other core, and the duplicates are removed by the
/// second commit (tantivy records removals beside the segment; the documents stay in it, as
/// with one commit, so scores are the same). The index stays in its staging folder until the
/// second commit moves it into place, so a build killed between the two leaves the last one.
pub(super) enum Pending {
    /// Boxed: a writer's handles are some 400 bytes, the thread's one pointer.
    Ready(Box<LazyIndex>),
    Committing(std::thread::JoinHandle<Result<(LazyIndex, Duration), ArchiveError>>),
}

impl Pending {
    /// The index, once its additions are written out, and how long that took on its thread
    /// (`None` when nothing was to be written early).
    pub(super) fn ready(self) -> Result<(LazyIndex, Option<Duration>), ArchiveError> {
        match self {
            Pending::Ready(index) => Ok((*index, None)),
            Pending::Committing(thread) => {
                let (index, took) = thread.join().expect("committing does not panic")?;
                Ok((index, Some(took)))
            }
        }
    }
}
