//! The build cache's list of what the search index holds (each article's id and the parts it
//! was indexed from, by id), as a build reads it back: its chunks mapped, the ids borrowed
//! from them rather than copied, and the list merged with what the build indexed itself.
//!
//! Read into owned strings, the list was an allocation and a copy an article at every `+1`
//! (a million at a million articles, ≈ 30 M instructions at 100,000 in "load the cache"),
//! for ids that are only compared and written back.

use std::io;
use std::path::Path;

use rayon::prelude::*;

use super::chunk_files::{self, ChunkName};
use super::store::PartRef;

/// The list's chunks, mapped and not yet read.
#[derive(Debug, Default)]
pub struct IndexList(Vec<memmap2::Mmap>);

impl IndexList {
    /// The chunks `names` of `dir`, mapped (a missing one is an error of kind `NotFound`).
    pub fn map(dir: &Path, names: &[ChunkName]) -> io::Result<IndexList> {
        let maps = names.par_iter().map(|name| chunk_files::map(dir, name));
        maps.collect::<io::Result<_>>().map(IndexList)
    }

    /// Each article's id (borrowed from the chunks) and parts, in the order written, read on
    /// both cores; `None` when a chunk does not decode (the index is then made again).
    pub fn read(&self) -> Option<Vec<(&str, PartRef)>> {
        let chunks: Option<Vec<Vec<(&str, PartRef)>>> =
            self.0.par_iter().map(|map| read_chunk(map)).collect();
        let chunks = chunks?;
        // Sized once: a flattening iterator cannot tell its length.
        let mut all = Vec::with_capacity(chunks.iter().map(Vec::len).sum());
        for chunk in chunks {
            all.extend(chunk);
        }
        Some(all)
    }
}

/// One chunk's items as [`chunk_files::write`] wrote them, nothing after them.
fn read_chunk(bytes: &[u8]) -> Option<Vec<(&str, PartRef)>> {
    let (items, rest) = chunk_files::items(bytes).ok()?;
    rest.is_empty().then_some(items)
}

/// The list as read, sorted by id as it is written; a list that is not (written otherwise)
/// is sorted, never misread.
pub fn by_id(mut indexed: Vec<(&str, PartRef)>) -> Vec<(&str, PartRef)> {
    if !indexed.is_sorted_by(|a, b| a.0 < b.0) {
        indexed.sort_unstable();
        indexed.dedup_by(|a, b| a.0 == b.0);
    }
    indexed
}

/// `indexed` (sorted by id, ids unique) with what this build `added` over it (sorted by id):
/// the index's content once the changed dumps were parsed.
pub fn with_added<'a>(
    indexed: Vec<(&'a str, PartRef)>,
    added: &'a [(String, PartRef)],
) -> Vec<(&'a str, PartRef)> {
    if added.is_empty() {
        return indexed;
    }
    let mut merged = Vec::with_capacity(indexed.len() + added.len());
    let mut before = indexed.into_iter().peekable();
    for (id, at) in added {
        while let Some(kept) = before.next_if(|(old, _)| *old < id.as_str()) {
            merged.push(kept);
        }
        // Added again in this build: the earlier copy was removed from the index.
        before.next_if(|(old, _)| *old == id);
        merged.push((id.as_str(), *at));
    }
    merged.extend(before);
    merged
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::atomic_file::Durability;

    fn at(offset: u64) -> PartRef {
        PartRef { offset, len: 1 }
    }

    #[test]
    fn the_list_is_read_as_written_across_chunks_and_a_damaged_chunk_is_none() {
        let dir = tempfile::tempdir().unwrap();
        let ids: Vec<String> = (0..30_000).map(|i| format!("{i:06}")).collect();
        let written: Vec<(&str, PartRef)> = ids
            .iter()
            .zip(0..)
            .map(|(id, i)| (id.as_str(), at(i)))
            .collect();
        let names =
            chunk_files::write(dir.path(), &written, |(id, _)| id, Durability::Cached).unwrap();
        assert!(names.len() > 1, "more than one chunk");
        let list = IndexList::map(dir.path(), &names).unwrap();
        assert_eq!(list.read().unwrap(), written);

        let path = chunk_files::path_of(dir.path(), &names[1]);
        let bytes = std::fs::read(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        assert!(
            IndexList::map(dir.path(), &names).is_err(),
            "a chunk missing"
        );
        std::fs::write(&path, &bytes[..bytes.len() - 1]).unwrap();
        let cut = IndexList::map(dir.path(), &names).unwrap();
        assert_eq!(cut.read(), None, "a chunk cut short");
    }

    #[test]
    fn what_a_build_added_is_merged_in_by_id_replacing_the_earlier_copy() {
        let indexed = by_id(vec![("c", at(3)), ("a", at(1)), ("e", at(5))]);
        assert_eq!(indexed, [("a", at(1)), ("c", at(3)), ("e", at(5))]);
        let added = [("b".to_string(), at(20)), ("c".to_string(), at(30))];
        assert_eq!(
            with_added(indexed, &added),
            [("a", at(1)), ("b", at(20)), ("c", at(30)), ("e", at(5))]
        );
    }
}
