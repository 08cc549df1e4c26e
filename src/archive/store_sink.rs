//! The build's sink ([`Sink`]) when it is saved: each parsed article's parts appended to the
//! store and the article indexed as it is parsed, so that a build never holds the bodies of
//! the whole archive at once.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use super::ArchiveError;
use super::build::Sink;
use super::entry::Entry;
use super::model::Part;
use super::reconcile::LazyIndex;
use super::store::{self, PartRef, Parts, StoreWriter};
use crate::search::ArticleTerms;

/// Parts appended to the store, and each article indexed as it is parsed, so that a build
/// never holds the bodies of the whole archive at once.
pub(super) struct StoreSink<'a> {
    pub(super) store: Mutex<StoreWriter>,
    pub(super) store_path: PathBuf,
    pub(super) index: &'a LazyIndex,
    /// What this build indexed, by id, with its part once stored (the last stored of an id
    /// indexed twice).
    pub(super) added: Mutex<HashMap<String, Option<PartRef>>>,
    /// Whether an article was removed from the index to be added again.
    pub(super) removed: AtomicBool,
}

impl Sink for StoreSink<'_> {
    fn index(&self, entry: Entry, terms: ArticleTerms) -> Result<(Entry, Parts), ArchiveError> {
        let id = &entry.article.id;
        // An index that is not new may hold the article though the cache's list does not (a
        // build killed between the index's commit and its cache's rename): an add replaces.
        // A new index (made whenever no list was held) holds only what this build added: an
        // id is named in `added` when indexed (its part given when stored), so that a second
        // capture indexed before the first is stored still replaces it.
        let stale = {
            let mut added = self.added.lock().expect("no panic holds it");
            let seen = added.insert(id.clone(), None).is_some();
            !self.index.is_new() || seen
        };
        if stale {
            self.index.get()?.remove(id);
            self.removed.store(true, Ordering::Relaxed);
        }
        self.index.get()?.add_analysed(&entry.article, terms)?;
        Ok(entry.split())
    }

    fn store(&self, id: &str, parts: Parts) -> Result<Part, ArchiveError> {
        // Compressed on this thread; only the append is serial, from the thread's buffer.
        let at = store::encode_with(&parts, |frame| {
            self.store
                .lock()
                .expect("no panic holds it")
                .put_encoded(frame)
        })
        .map_err(|source| ArchiveError::Write {
            path: self.store_path.clone(),
            cause: source,
        })??;
        if let Some(part) = self.added.lock().expect("no panic holds it").get_mut(id) {
            *part = Some(at);
        }
        Ok(Part::Stored(at))
    }
}
