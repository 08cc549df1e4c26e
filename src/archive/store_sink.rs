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
use super::store::{self, PartRef, StoreWriter};
use crate::search::ArticleTerms;

/// Parts appended to the store, and each article indexed as it is parsed, so that a build
/// never holds the bodies of the whole archive at once.
pub(super) struct StoreSink<'a> {
    pub(super) store: Mutex<StoreWriter>,
    pub(super) store_path: PathBuf,
    pub(super) index: &'a LazyIndex,
    /// What this build indexed, by id.
    pub(super) added: Mutex<HashMap<String, PartRef>>,
    /// Whether an article was removed from the index to be added again.
    pub(super) removed: AtomicBool,
}

impl Sink for StoreSink<'_> {
    fn keep(&self, entry: Entry, terms: ArticleTerms) -> Result<(Entry, Part), ArchiveError> {
        let id = entry.article.id.clone();
        // An index that is not new may hold the article though the cache's list does not (a
        // build killed between the index's commit and its cache's rename): an add replaces.
        // A new index (made whenever no list was held) holds only what this build added.
        let stale = !self.index.is_new()
            || self
                .added
                .lock()
                .expect("no panic holds it")
                .contains_key(&id);
        if stale {
            self.index.get()?.remove(&id);
            self.removed.store(true, Ordering::Relaxed);
        }
        self.index.get()?.add_analysed(&entry.article, terms)?;
        let (light, parts) = entry.split();
        // Compressed on this thread; only the append is serial.
        let bytes = store::encode(&parts).map_err(|source| ArchiveError::Write {
            path: self.store_path.clone(),
            cause: source,
        })?;
        let at = self
            .store
            .lock()
            .expect("no panic holds it")
            .put_encoded(&bytes)?;
        self.added.lock().expect("no panic holds it").insert(id, at);
        Ok((light, Part::Stored(at)))
    }
}
