//! The archive's entries found by id without a copy of any id: a hash table of positions in
//! the entries list, hashed and compared through the entry's own id. A map from owned ids
//! cost a million string copies and SipHash inserts at a million articles, the largest serial
//! part of loading the archive after its decoding (`serve`'s start-up, notes/build-bench.md).

use std::hash::BuildHasher;

use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;

use std::sync::Arc;

use rustc_hash::FxHashMap;

use super::chunked::Chunks;

/// Positions in an entries list, by the entry's id. It holds no ids: each look-up is given
/// the list it was made from (as the id at each position).
#[derive(Debug, Default)]
pub(super) struct ById {
    table: HashTable<u32>,
    /// Whether no two entries share an id: only then is a table patched ([`ById::patched`]),
    /// where taking out an entry cannot uncover another of its id.
    unique: bool,
}

fn hash(id: &str) -> u64 {
    FxBuildHasher.hash_one(id)
}

/// A position as the table holds it.
fn slot(p: usize) -> u32 {
    u32::try_from(p).expect("fewer than 2^32 articles")
}

/// The id at position `p` of `chunks`.
fn id_at(chunks: &Chunks, p: u32) -> &str {
    &chunks.entry(p as usize).article.id
}

impl ById {
    /// The positions of the entries of `chunks` by id; of entries sharing an id, the last one.
    pub(super) fn new(chunks: &Chunks) -> ById {
        let mut by_id = ById {
            table: HashTable::with_capacity(chunks.len()),
            unique: true,
        };
        let mut p = 0;
        for chunk in chunks.chunks() {
            for entry in &chunk.entries {
                by_id.put(chunks, &entry.article.id, slot(p));
                p += 1;
            }
        }
        by_id
    }

    /// Puts `id` at `p` (`chunks`' entry `p` is its), in place of any entry of that id before.
    fn put(&mut self, chunks: &Chunks, id: &str, p: u32) {
        let h = hash(id);
        match self.table.find_mut(h, |&q| id_at(chunks, q) == id) {
            Some(q) => {
                *q = p;
                self.unique = false;
            }
            None => {
                self.table.insert_unique(h, p, |&q| hash(id_at(chunks, q)));
            }
        }
    }

    /// The table of `new`, made from this one (`old`'s) rather than from every entry: the
    /// entries of `old`'s chunks that `new` does not share taken out, those of `new`'s that
    /// `old` does not share put in, and every other position moved by as much as its chunk
    /// moved. At a million entries a `+1` shares all but a chunk or two: a few thousand ids
    /// hashed, not a million read from where they lie. Made whole when `old` held an id twice.
    pub(super) fn patched(&self, old: &Chunks, new: &Chunks) -> ById {
        // Where each chunk starts, by the chunk (shared chunks are one allocation), in `old`
        // and in `new`; a chunk held twice (two runs of the same bytes) is left to `new`.
        let starts = |chunks: &Chunks| {
            let mut at = FxHashMap::default();
            let places = chunks.chunks().iter().zip(chunks.starts());
            let once = places
                .into_iter()
                .all(|(c, &s)| at.insert(Arc::as_ptr(c), s).is_none());
            once.then_some(at)
        };
        let (Some(in_old), Some(in_new)) = (starts(old), starts(new)) else {
            return ById::new(new);
        };
        // Where each chunk of `old` starts in `new`, if `new` holds it.
        let kept: Vec<Option<usize>> = (old.chunks().iter())
            .map(|c| in_new.get(&Arc::as_ptr(c)).copied())
            .collect();
        if !self.unique || kept.iter().flatten().count() * 2 < new.chunks().len() {
            return ById::new(new);
        }
        let mut table = self.table.clone();
        for (k, chunk) in old.chunks().iter().enumerate() {
            if kept[k].is_some() {
                continue;
            }
            for (j, entry) in chunk.entries.iter().enumerate() {
                let p = slot(old.starts()[k] + j);
                match table.find_entry(hash(&entry.article.id), |&q| q == p) {
                    Ok(found) => drop(found.remove()),
                    // Not where `old`'s own entries say: not `old`'s table.
                    Err(_) => return ById::new(new),
                }
            }
        }
        let old_starts = old.starts();
        for q in table.iter_mut() {
            let p = *q as usize;
            let k = old_starts.partition_point(|&s| s <= p) - 1;
            let start = kept[k].expect("the chunks not kept were taken out");
            *q = slot(start + p - old_starts[k]);
        }
        let mut by_id = ById {
            table,
            unique: true,
        };
        let added = new.len() - by_id.table.len();
        by_id.table.reserve(added, |&q| hash(id_at(new, q)));
        for (chunk, &start) in new.chunks().iter().zip(new.starts()) {
            if in_old.contains_key(&Arc::as_ptr(chunk)) {
                continue;
            }
            for (j, entry) in chunk.entries.iter().enumerate() {
                by_id.put(new, &entry.article.id, slot(start + j));
            }
        }
        match by_id.unique {
            true => by_id,
            false => ById::new(new),
        }
    }

    /// The position of `id` in the list this was made from, `id_at` giving the id at each.
    pub(super) fn get<'a>(&self, id_at: impl Fn(usize) -> &'a str, id: &str) -> Option<usize> {
        self.table
            .find(hash(id), |&p| id_at(p as usize) == id)
            .map(|&p| p as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::Entry;
    use crate::archive::chunked::Chunk;
    use crate::archive::model::Part;
    use crate::archive::store::PartRef;
    use crate::parse::Article;

    fn entries(ids: &[&str]) -> Vec<Entry> {
        ids.iter()
            .map(|id| Entry {
                article: Article {
                    id: (*id).into(),
                    ..Article::default()
                },
                ..Entry::default()
            })
            .collect()
    }

    fn chunk(ids: &[&str]) -> Arc<Chunk> {
        let entries = entries(ids);
        let parts = vec![Part::Stored(PartRef::NOWHERE); entries.len()];
        let name = None;
        Arc::new(Chunk {
            name,
            entries,
            parts,
            facets: Default::default(),
        })
    }

    fn get(by_id: &ById, chunks: &Chunks, id: &str) -> Option<usize> {
        by_id.get(|p| chunks.entry(p).article.id.as_str(), id)
    }

    #[test]
    fn finds_each_id_and_the_last_of_a_repeated_one() {
        let list = Chunks::new(vec![chunk(&["b", "a"]), chunk(&["c", "a"])]);
        let by_id = ById::new(&list);
        assert_eq!(get(&by_id, &list, "b"), Some(0));
        assert_eq!(get(&by_id, &list, "c"), Some(2));
        assert_eq!(get(&by_id, &list, "a"), Some(3));
        assert_eq!(get(&by_id, &list, "d"), None);
        assert_eq!(get(&ById::default(), &list, "a"), None);
        assert!(!by_id.unique);
    }

    #[test]
    fn a_patched_table_finds_what_one_made_whole_finds() {
        let runs: Vec<Arc<Chunk>> = (0..6)
            .map(|k| {
                let ids: Vec<String> = (0..5).map(|j| format!("{k}-{j}")).collect();
                chunk(&ids.iter().map(String::as_str).collect::<Vec<_>>())
            })
            .collect();
        let old = Chunks::new(runs.clone());
        let by_id = ById::new(&old);
        assert!(by_id.unique);
        // The second chunk edited (an id gone, one new), the fourth gone, one added before the
        // last, longer than the rest: every later position moves.
        let new = Chunks::new(vec![
            runs[0].clone(),
            chunk(&["1-0", "1-1", "1-new", "1-3", "1-4"]),
            runs[2].clone(),
            chunk(&[
                "new-0", "new-1", "new-2", "new-3", "new-4", "new-5", "new-6",
            ]),
            runs[4].clone(),
            runs[5].clone(),
        ]);
        let patched = by_id.patched(&old, &new);
        let whole = ById::new(&new);
        let ids = (old.chunks().iter().chain(new.chunks()))
            .flat_map(|c| c.entries.iter().map(|e| e.article.id.as_str()));
        for id in ids.chain(["1-2", "3-0", "absent"]) {
            assert_eq!(get(&patched, &new, id), get(&whole, &new, id), "{id}");
        }
        assert_eq!(get(&patched, &new, "5-4"), Some(new.len() - 1));
        assert_eq!(get(&patched, &new, "3-0"), None, "gone with its chunk");
        assert_eq!(patched.table.len(), new.len());
        // A new chunk repeating a kept chunk's id: the table is made whole, last one wins.
        let repeated = Chunks::new(vec![
            runs[0].clone(),
            runs[1].clone(),
            runs[2].clone(),
            runs[3].clone(),
            chunk(&["0-0"]),
        ]);
        let patched = by_id.patched(&old, &repeated);
        assert_eq!(get(&patched, &repeated, "0-0"), Some(repeated.len() - 1));
        assert!(!patched.unique);
    }
}
