//! The archive's entries found by id without a copy of any id: a hash table of positions in
//! the entries list, hashed and compared through the entry's own id. A map from owned ids
//! cost a million string copies and SipHash inserts at a million articles, the largest serial
//! part of loading the archive after its decoding (`serve`'s start-up, notes/build-bench.md).

use std::hash::BuildHasher;

use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;

use super::Entry;

/// Positions in an entries list, by the entry's id. It holds no ids: each look-up is given
/// the list it was made from.
#[derive(Debug, Default)]
pub(super) struct ById {
    table: HashTable<u32>,
}

fn hash(id: &str) -> u64 {
    FxBuildHasher.hash_one(id)
}

impl ById {
    /// The positions of `entries` by id; of entries sharing an id, the last one.
    pub(super) fn new(entries: &[Entry]) -> ById {
        let id = |p: u32| entries[p as usize].article.id.as_str();
        let mut table = HashTable::with_capacity(entries.len());
        for (p, entry) in entries.iter().enumerate() {
            let p = u32::try_from(p).expect("fewer than 2^32 articles");
            let key = entry.article.id.as_str();
            match table.find_mut(hash(key), |&q| id(q) == key) {
                Some(q) => *q = p,
                None => {
                    table.insert_unique(hash(key), p, |&q| hash(id(q)));
                }
            }
        }
        ById { table }
    }

    /// The position of `id` in `entries`, the list this was made from.
    pub(super) fn get(&self, entries: &[Entry], id: &str) -> Option<usize> {
        self.table
            .find(hash(id), |&p| entries[p as usize].article.id == id)
            .map(|&p| p as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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

    #[test]
    fn finds_each_id_and_the_last_of_a_repeated_one() {
        let list = entries(&["b", "a", "c", "a"]);
        let by_id = ById::new(&list);
        assert_eq!(by_id.get(&list, "b"), Some(0));
        assert_eq!(by_id.get(&list, "c"), Some(2));
        assert_eq!(by_id.get(&list, "a"), Some(3));
        assert_eq!(by_id.get(&list, "d"), None);
        assert_eq!(ById::default().get(&list, "a"), None);
    }
}
