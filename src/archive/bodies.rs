//! The bodies search passages are found in ([`crate::search::Paragraphs`]), read from the
//! parts store: the search index stores only ids.
//!
//! A page's hits are read together. Each frame not already kept is first announced to the
//! kernel ([`Store::will_need`]) and only then read, in the store's order: on a cold disk
//! (right after a large build) the ten reads are in flight at once rather than one page fault
//! after another, which was most of a first search's wait at a million articles
//! (notes/search-bench.md, session 22). Bodies read are kept decoded, the last few megabytes of
//! them, as tantivy's document store kept its last blocks when it held the paragraphs: a query
//! asked again reads no frame (a frame is some 25 KB to decompress, for a body of
//! 10 KB).

use std::sync::Arc;

use quick_cache::Weighter;
use quick_cache::sync::Cache;

use super::store::{PartRef, Store};

/// Bytes of bodies kept decoded: some 800 generated articles.
const KEPT_BYTES: u64 = 8 << 20;

/// Bodies kept decoded, by their frame's offset in the archive's one store (whose bytes never
/// change under it, so a kept body cannot go stale).
pub(super) struct KeptBodies(Cache<u64, Arc<str>, ByLen>);

#[derive(Clone)]
struct ByLen;

impl Weighter<u64, Arc<str>> for ByLen {
    fn weight(&self, _: &u64, body: &Arc<str>) -> u64 {
        body.len() as u64 + 64
    }
}

impl Default for KeptBodies {
    fn default() -> Self {
        KeptBodies(Cache::with_weighter(
            (KEPT_BYTES / 10_000) as usize,
            KEPT_BYTES,
            ByLen,
        ))
    }
}

impl std::fmt::Debug for KeptBodies {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "KeptBodies({} kept)", self.0.len())
    }
}

/// Where one article's body is, for [`KeptBodies::read`].
pub(super) enum Body<'a> {
    /// With the entry (an archive built in memory).
    Memory(&'a [String]),
    Stored(PartRef),
}

impl KeptBodies {
    /// The bodies at `wanted` (`None`: an article the archive does not hold), in that order,
    /// read from `store` and kept; `ids` name them in the log when one cannot be read.
    pub(super) fn read(
        &self,
        store: Option<&Store>,
        wanted: &[Option<Body<'_>>],
        ids: &[&str],
    ) -> Vec<Option<Arc<str>>> {
        let mut bodies: Vec<Option<Arc<str>>> = vec![None; wanted.len()];
        let mut to_read: Vec<(PartRef, usize)> = Vec::new();
        for (i, body) in wanted.iter().enumerate() {
            match body {
                None => {}
                Some(Body::Memory(paragraphs)) => {
                    bodies[i] = Some(Arc::from(paragraphs.join("\n")))
                }
                Some(Body::Stored(at)) => match self.0.get(&at.offset) {
                    Some(body) => bodies[i] = Some(body),
                    None => to_read.push((*at, i)),
                },
            }
        }
        let Some(store) = store else {
            return bodies;
        };
        to_read.sort_unstable();
        for &(at, _) in &to_read {
            store.will_need(at);
        }
        for (at, i) in to_read {
            match store.body(at) {
                Ok(body) => {
                    let body: Arc<str> = Arc::from(body);
                    self.0.insert(at.offset, body.clone());
                    bodies[i] = Some(body);
                }
                Err(e) => tracing::error!("article {}: {e}", ids.get(i).unwrap_or(&"?")),
            }
        }
        bodies
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::entry::Entry;
    use crate::archive::model::{Archive, Part};
    use crate::archive::store::{self, Parts, StoreWriter};
    use crate::parse::Article;
    use crate::search::Paragraphs;

    fn entry(id: &str, body: &[&str]) -> Entry {
        Entry {
            article: Article {
                id: id.into(),
                body: body.iter().map(|p| p.to_string()).collect(),
                ..Default::default()
            },
            ..Default::default()
        }
    }

    #[test]
    fn bodies_come_from_the_store_in_the_order_asked_and_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(store::new_file_name());
        let mut writer = StoreWriter::create(&path).unwrap();
        let written = [
            ("a", &["أولى", "ثانية"][..]),
            ("b", &[][..]),
            ("c", &["ج"][..]),
        ];
        let (mut entries, mut parts) = (Vec::new(), Vec::new());
        for (id, body) in written {
            let (light, whole) = entry(id, body).split();
            let at = writer.put(&whole).unwrap();
            entries.push(light);
            parts.push(Part::Stored(at));
        }
        writer.finish().unwrap();
        let store = Store::open(&path).unwrap();
        let archive = Archive::from_parts(entries, parts, None, Some(store));
        let want = |s: &str| Some(Arc::<str>::from(s));
        let asked = ["c", "missing", "a", "b", "a"];
        let read = archive.paragraphs(&asked);
        assert_eq!(
            read,
            [
                want("ج"),
                None,
                want("أولى\nثانية"),
                want(""),
                want("أولى\nثانية")
            ]
        );
        assert_eq!(archive.kept_bodies.0.len(), 3);
        // Asked again, they come from what was kept: the same bodies, shared.
        let again = archive.paragraphs(&asked);
        assert_eq!(again, read);
        assert!(Arc::ptr_eq(
            again[0].as_ref().unwrap(),
            read[0].as_ref().unwrap()
        ));
        let _: Parts = archive.parts_of(0).unwrap();
    }

    #[test]
    fn an_archive_in_memory_gives_its_own_bodies() {
        let archive = Archive::from_entries(vec![entry("x", &["p1", "p2"])], None);
        assert_eq!(
            archive.paragraphs(&["x", "y"]),
            [Some(Arc::from("p1\np2")), None]
        );
    }
}
