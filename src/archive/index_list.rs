//! The build cache's list of what the search index holds (each article's id and the parts it
//! was indexed from, by id), as a build reads it back: its chunks mapped, the ids borrowed
//! from them rather than copied, the list merged with what the build indexed itself, and
//! written again taking by name the chunks whose runs of it did not change.
//!
//! Read into owned strings, the list was an allocation and a copy an article at every `+1`
//! (a million at a million articles, ≈ 30 M instructions at 100,000 in "load the cache"),
//! for ids that are only compared and written back. Written whole, it was encoded and hashed
//! whole at each build (a million items, 0.19 s at a million: the index lap's bound).

use std::io;
use std::path::Path;

use rayon::prelude::*;

use super::atomic_file::Durability;
use super::chunk_files::{self, ChunkName, Piece};
use super::id;
use super::store::PartRef;
use crate::varint;

/// The list's chunks, mapped and not yet read.
#[derive(Debug, Default)]
pub struct IndexList(Vec<(ChunkName, memmap2::Mmap)>);

/// What the index holds as a build knows it: each article's id and parts, by id, and the runs
/// of it that a chunk of the cache holds exactly, in order (none once parts were moved).
#[derive(Debug, Default)]
pub struct Listed<'a> {
    /// A caller that changes an item calls [`Listed::forget_chunks`].
    pub items: Vec<(&'a str, PartRef)>,
    held: Vec<Run>,
}

/// `items[start..start + len]` is exactly what the chunk `name` holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Run {
    name: ChunkName,
    start: usize,
    len: usize,
}

impl IndexList {
    /// The chunks `names` of `dir`, mapped (a missing one is an error of kind `NotFound`).
    pub fn map(dir: &Path, names: &[ChunkName]) -> io::Result<IndexList> {
        let maps = names
            .par_iter()
            .map(|name| Ok((*name, chunk_files::map(dir, name)?)));
        maps.collect::<io::Result<_>>().map(IndexList)
    }

    /// Each article's id (borrowed from the chunks) and parts, in the order written; `None`
    /// when a chunk does not decode (the index is then made again). Each chunk's items are
    /// read straight into their place in one vector sized once, not into a vector of their
    /// own then copied (at a million, 32 MB of fresh pages twice).
    pub fn read(&self) -> Option<Listed<'_>> {
        let counts: Vec<usize> = (self.0.iter())
            .map(|(_, map)| items_in(map))
            .collect::<Option<_>>()?;
        let mut items = vec![("", PartRef { offset: 0, len: 0 }); counts.iter().sum()];
        let mut held = Vec::with_capacity(counts.len());
        let mut places = Vec::with_capacity(counts.len());
        let (mut rest, mut start) = (items.as_mut_slice(), 0);
        for ((name, map), &len) in self.0.iter().zip(&counts) {
            held.push(Run {
                name: *name,
                start,
                len,
            });
            start += len;
            let place;
            (place, rest) = rest.split_at_mut(len);
            places.push((place, map));
        }
        let read = (places.into_par_iter()).all(|(place, map)| read_chunk(map, place).is_some());
        read.then_some(Listed { items, held })
    }
}

/// How many items a chunk's bytes say they hold (the varint they begin with), when no more
/// than a chunk may hold ([`chunk_files::MAX_ITEMS`]) nor than its bytes can (an item takes
/// three at least): a damaged length is not allocated.
fn items_in(bytes: &[u8]) -> Option<usize> {
    let (n, _) = varint::take_usize(bytes)?;
    (n <= chunk_files::MAX_ITEMS.min(bytes.len())).then_some(n)
}

/// One chunk's items as [`chunk_files::write`] wrote them (postcard's `(&str, PartRef)`s),
/// nothing after them, read into `items` (as many as the chunk holds). Read straight from the
/// bytes ([`varint`]), as postcard reads them, each id checked as ASCII first
/// ([`id::from_bytes`]): through postcard's deserializer, with the standard UTF-8 check of each
/// id (13.1 M), the list was 32.5 M instructions of the cache's load at 100,000
/// (notes/build-bench.md, session 43).
fn read_chunk<'a>(bytes: &'a [u8], items: &mut [(&'a str, PartRef)]) -> Option<()> {
    let (n, mut rest) = varint::take_usize(bytes)?;
    if n != items.len() {
        return None;
    }
    for item in items {
        let len;
        (len, rest) = varint::take_usize(rest)?;
        let id = rest.get(..len)?;
        rest = &rest[len..];
        let (offset, len);
        (offset, rest) = varint::take_u64(rest)?;
        (len, rest) = varint::take_u32(rest)?;
        *item = (id::from_bytes(id)?, PartRef { offset, len });
    }
    rest.is_empty().then_some(())
}

impl<'a> Listed<'a> {
    /// No run is a chunk's any longer (an item's parts were moved).
    pub fn forget_chunks(&mut self) {
        self.held.clear();
    }
}

/// The list as read, sorted by id as it is written; a list that is not (written otherwise)
/// is sorted, never misread, and its chunks forgotten.
pub fn by_id(mut indexed: Listed<'_>) -> Listed<'_> {
    if !indexed.items.is_sorted_by(|a, b| a.0 < b.0) {
        indexed.items.sort_unstable();
        indexed.items.dedup_by(|a, b| a.0 == b.0);
        indexed.forget_chunks();
    }
    indexed
}

/// `indexed` (sorted by id, ids unique) with what this build `added` over it (sorted by id):
/// the index's content once the changed dumps were parsed. A chunk's run keeps its chunk
/// where no added id falls inside it (between its first id and its last, or on one of them).
pub fn with_added<'a>(indexed: Listed<'a>, added: &'a [(String, PartRef)]) -> Listed<'a> {
    if added.is_empty() {
        return indexed;
    }
    let Listed { items, held } = indexed;
    // Where each added id goes among the items (rising, as the ids do), and whether it
    // replaces the item there: a few binary searches, not a pass.
    let places: Vec<(usize, bool)> = added
        .iter()
        .map(|(id, _)| {
            let place = items.partition_point(|(old, _)| *old < id.as_str());
            (place, items.get(place).is_some_and(|(old, _)| *old == id))
        })
        .collect();
    let mut kept = Vec::with_capacity(held.len());
    let (mut next, mut inserted) = (0, 0);
    for run in held {
        let end = run.start + run.len;
        // Those placed before the run's first item shift it; a replaced item does not.
        while let Some(&(place, replaces)) = places.get(next)
            && place <= run.start
            && !(replaces && place == run.start)
        {
            inserted += usize::from(!replaces);
            next += 1;
        }
        let touched = places
            .get(next)
            .is_some_and(|&(place, replaces)| place < end && (replaces || place > run.start));
        if !touched {
            kept.push(Run {
                start: run.start + inserted,
                ..run
            });
        }
    }
    let mut merged = Vec::with_capacity(items.len() + added.len());
    let mut before = items.into_iter().peekable();
    for (id, at) in added {
        while let Some(kept) = before.next_if(|(old, _)| *old < id.as_str()) {
            merged.push(kept);
        }
        // Added again in this build: the earlier copy was removed from the index.
        before.next_if(|(old, _)| *old == id);
        merged.push((id.as_str(), *at));
    }
    merged.extend(before);
    Listed {
        items: merged,
        held: kept,
    }
}

/// Writes the chunks of `items` (sorted by id) in `dir` that it does not hold yet, all of them
/// encoded and hashed; gives back every chunk's name.
pub fn write_whole(dir: &Path, items: &[(&str, PartRef)]) -> io::Result<Vec<ChunkName>> {
    chunk_files::write(dir, items, |(id, _)| id, Durability::Cached)
}

/// Writes the chunks of `listed` in `dir` that it does not hold yet, as [`chunk_files::write`]
/// would cut them, taking by name each chunk whose run is unchanged and begins and ends where
/// a cut of the whole list would (its last id a boundary, or the list's end, and the id
/// before it one): it is neither encoded nor hashed again. Gives back every chunk's name.
pub fn write(
    dir: &Path,
    listed: &Listed<'_>,
    durability: Durability,
) -> io::Result<Vec<ChunkName>> {
    let items = &listed.items;
    let ends_chunk = |at: usize| chunk_files::ends_chunk(items[at].0);
    let mut pieces = Vec::with_capacity(2 * listed.held.len() + 1);
    let mut from = 0;
    for run in &listed.held {
        let end = run.start + run.len;
        let cut_before = run.start == 0 || ends_chunk(run.start - 1);
        let cut_after = end == items.len() || ends_chunk(end - 1);
        if run.start >= from && end <= items.len() && run.len > 0 && cut_before && cut_after {
            pieces.push(Piece::Items(from..run.start));
            pieces.push(Piece::Held(run.name, ()));
            from = end;
        }
    }
    pieces.push(Piece::Items(from..items.len()));
    let names = chunk_files::write_pieces(
        dir,
        items,
        pieces,
        |(id, _)| id,
        |_| (None, ()),
        chunk_files::postcard_item,
        chunk_files::nothing_after,
        durability,
    )?;
    Ok(names.into_iter().map(|(name, ())| name).collect())
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
        assert_eq!(list.read().unwrap().items, written);

        let path = chunk_files::path_of(dir.path(), &names[1]);
        let bytes = std::fs::read(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        assert!(
            IndexList::map(dir.path(), &names).is_err(),
            "a chunk missing"
        );
        std::fs::write(&path, &bytes[..bytes.len() - 1]).unwrap();
        let cut = IndexList::map(dir.path(), &names).unwrap();
        assert!(cut.read().is_none(), "a chunk cut short");
    }

    /// A chunk as postcard reads it (the list's reader before it read the varints itself).
    fn postcard_chunk(bytes: &[u8]) -> Option<Vec<(&str, PartRef)>> {
        let (items, rest) = chunk_files::items(bytes).ok()?;
        rest.is_empty().then_some(items)
    }

    /// A chunk as [`IndexList::read`] reads it.
    fn our_chunk(bytes: &[u8]) -> Option<Vec<(&str, PartRef)>> {
        let mut items = vec![("", at(0)); items_in(bytes)?];
        read_chunk(bytes, &mut items).map(|()| items)
    }

    proptest::proptest! {
        /// Read straight from the bytes, a chunk is what postcard reads, and refused where it
        /// refuses: cut anywhere, a byte changed (an id no longer UTF-8, a varint overlong),
        /// bytes after it.
        #[test]
        fn a_chunk_is_read_as_postcard_reads_it(
            ids in proptest::collection::vec(
                proptest::prop_oneof![
                    "[0-9a-f]{16}", "[0-9]{6}_[0-9a-f]{16}", "\\PC{0,12}", "مقال-[0-9]{1,3}",
                ],
                0..6,
            ),
            places in proptest::collection::vec(
                (proptest::prelude::any::<u64>(), proptest::prelude::any::<u32>()), 6),
            edit in proptest::option::of((proptest::prelude::any::<usize>(), proptest::prelude::any::<u8>())),
            after in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..2),
        ) {
            let items: Vec<(&str, PartRef)> = ids
                .iter()
                .zip(&places)
                .map(|(id, &(offset, len))| (id.as_str(), PartRef { offset, len }))
                .collect();
            let mut bytes = postcard::to_stdvec(&items).unwrap();
            proptest::prop_assert_eq!(our_chunk(&bytes), Some(items.clone()));
            if let Some((i, byte)) = edit {
                let i = i % bytes.len();
                bytes[i] = byte;
            }
            bytes.extend(&after);
            for cut in 0..=bytes.len() {
                proptest::prop_assert_eq!(our_chunk(&bytes[..cut]), postcard_chunk(&bytes[..cut]));
            }
        }
    }

    #[test]
    fn what_a_build_added_is_merged_in_by_id_replacing_the_earlier_copy() {
        let unsorted = Listed {
            items: vec![("c", at(3)), ("a", at(1)), ("e", at(5))],
            held: vec![Run {
                name: [0; 32],
                start: 0,
                len: 3,
            }],
        };
        let indexed = by_id(unsorted);
        assert_eq!(indexed.items, [("a", at(1)), ("c", at(3)), ("e", at(5))]);
        assert!(indexed.held.is_empty(), "a list sorted again is no chunk's");
        let added = [("b".to_string(), at(20)), ("c".to_string(), at(30))];
        assert_eq!(
            with_added(indexed, &added).items,
            [("a", at(1)), ("b", at(20)), ("c", at(30)), ("e", at(5))]
        );
    }

    /// Written again after `added`, the list has the chunks a whole write gives, and only the
    /// chunks its change reached are written (the others are taken by name).
    fn written_again(added: &[(String, PartRef)]) {
        let (old, again, whole) = (
            tempfile::tempdir().unwrap(),
            tempfile::tempdir().unwrap(),
            tempfile::tempdir().unwrap(),
        );
        let ids: Vec<String> = (0..40_000).map(|i| format!("{:06}", 2 * i)).collect();
        let items: Vec<(&str, PartRef)> = ids
            .iter()
            .zip(0..)
            .map(|(id, i)| (id.as_str(), at(i)))
            .collect();
        let names = write_whole(old.path(), &items).unwrap();
        let list = IndexList::map(old.path(), &names).unwrap();
        let listed = with_added(by_id(list.read().unwrap()), added);
        let written = write(again.path(), &listed, Durability::Cached).unwrap();
        let expected = write_whole(whole.path(), &listed.items).unwrap();
        assert_eq!(written, expected, "added {added:?}");
        let new = std::fs::read_dir(again.path()).unwrap().count();
        let reached = expected.iter().filter(|n| !names.contains(n)).count();
        assert_eq!(
            new, reached,
            "only the chunks changed are written (added {added:?})"
        );
        assert!(
            new <= 2 * added.len() + 1,
            "added {added:?}: {new} of {} written",
            expected.len()
        );
    }

    #[test]
    fn a_list_written_again_takes_the_chunks_its_change_did_not_reach_by_name() {
        let id = |i: usize| format!("{i:06}");
        let added = |ids: &[String]| -> Vec<(String, PartRef)> {
            ids.iter().map(|id| (id.clone(), at(1_000_000))).collect()
        };
        // Nothing, one added between two ids, one replaced, before the first, after the
        // last, a run of them, and an id on each chunk's edges.
        written_again(&[]);
        written_again(&added(&[id(40_001)]));
        written_again(&added(&[id(40_000)]));
        written_again(&added(&["".to_string(), "999999z".to_string()]));
        written_again(&added(
            &(30_001..30_011).step_by(2).map(id).collect::<Vec<_>>(),
        ));
        let ids: Vec<String> = (0..40_000).map(|i| id(2 * i)).collect();
        let edges: Vec<usize> = (0..ids.len())
            .filter(|&i| chunk_files::ends_chunk(&ids[i]))
            .take(3)
            .collect();
        assert!(!edges.is_empty());
        for i in edges {
            written_again(&added(&[ids[i].clone()]));
            written_again(&added(&[ids[i + 1].clone()]));
            written_again(&added(&[id(2 * i + 1)]));
            written_again(&added(&[id(2 * i - 1)]));
        }
    }
}
