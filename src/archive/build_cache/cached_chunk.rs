//! One chunk of the cache's dumps as read: whole, each dump's record decoded
//! ([`super::Decode::Whole`]), or light, the chunk's table ([`table::Table`]), each dump made
//! from its row only when a build walks to it ([`super::Decode::Light`]).
//!
//! Made into a vector of [`Cached`] at the load (128 bytes a dump), a `+1` of a million dumps
//! wrote 128 MB of fresh pages that the walk then moved into its results, one by one
//! (notes/build-bench.md, session 66): light, a dump is made where it is taken.

use std::sync::Arc;

use super::super::light_entry::{Chunk, Heads, Raw};
use super::super::report::Said;
use super::super::results::Results;
use super::table::Table;
use super::{Cached, Stamp};

/// One chunk of the cache's dumps, in name order.
#[derive(Debug)]
pub enum CachedChunk {
    Whole(Vec<Cached>),
    Light(Light),
}

/// A chunk's dumps read light: its table, and each dump's problems (read and checked with it).
#[derive(Debug)]
pub struct Light {
    chunk: Arc<Chunk>,
    table: Table,
    said: Vec<Said>,
}

impl Light {
    pub(super) fn new(chunk: Arc<Chunk>, table: Table, said: Vec<Said>) -> Light {
        debug_assert_eq!(table.len(), said.len());
        Light { chunk, table, said }
    }

    /// The dump at `i`, made from its row; its problems moved out.
    fn take(&mut self, i: usize) -> Cached {
        let row = self.table.row(self.chunk.bytes(), i);
        Cached {
            name: String::new(),
            name_at: row.name,
            stamp: row.stamp,
            over: row.over.map(Box::new),
            outcomes: Results::Light(
                Heads::InChunk(row.heads),
                Raw::new(&self.chunk, row.results),
            ),
            said: self.said.get_mut(i).map(std::mem::take).unwrap_or_default(),
        }
    }
}

impl CachedChunk {
    pub fn len(&self) -> usize {
        match self {
            CachedChunk::Whole(dumps) => dumps.len(),
            CachedChunk::Light(light) => light.said.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The name of the dump at `i`, as its bytes (empty past the end). Read light, it is left
    /// in the chunk, not checked nor copied.
    pub fn name(&self, i: usize) -> &[u8] {
        match self {
            CachedChunk::Whole(dumps) => dumps.get(i).map_or(&[][..], Cached::name_bytes),
            CachedChunk::Light(light) => light.table.name(light.chunk.bytes(), i),
        }
    }

    /// Its last dump's name (empty when it has none).
    pub fn last_name(&self) -> &[u8] {
        self.len()
            .checked_sub(1)
            .map_or(&[][..], |last| self.name(last))
    }

    /// Every dump's name, in order.
    pub fn names(&self) -> impl Iterator<Item = &[u8]> {
        (0..self.len()).map(|i| self.name(i))
    }

    /// The name of the dump at `i` and the key of its stamps ([`super::stamps_key`]), read
    /// light from one read of its row, its stamps hashed as written.
    pub fn name_and_key(&self, i: usize) -> (&[u8], u64) {
        match self {
            CachedChunk::Whole(dumps) => dumps.get(i).map_or((&[][..], 0), |d| {
                let key = super::stamps_key(&d.stamp, d.over.as_deref());
                (d.name_bytes(), key)
            }),
            CachedChunk::Light(light) => {
                let (name, stamp, over) = light.table.name_and_stamps(light.chunk.bytes(), i);
                (name, super::names::stamps_key_of_bytes(stamp, over))
            }
        }
    }

    /// The stamp of the dump at `i` and its override's.
    pub fn stamps(&self, i: usize) -> Option<(Stamp, Option<Stamp>)> {
        match self {
            CachedChunk::Whole(dumps) => {
                dumps.get(i).map(|d| (d.stamp, d.over.as_deref().copied()))
            }
            CachedChunk::Light(light) => (i < light.said.len()).then(|| {
                let row = light.table.row(light.chunk.bytes(), i);
                (row.stamp, row.over)
            }),
        }
    }

    /// Whether it holds the dump named `name`.
    pub fn holds(&self, name: &[u8]) -> bool {
        let (mut low, mut high) = (0, self.len());
        while low < high {
            let mid = low + (high - low) / 2;
            match self.name(mid).cmp(name) {
                std::cmp::Ordering::Less => low = mid + 1,
                std::cmp::Ordering::Greater => high = mid,
                std::cmp::Ordering::Equal => return true,
            }
        }
        false
    }

    /// Its dumps in order, each one made as it is taken.
    pub fn into_dumps(self) -> Taken {
        let kind = match self {
            CachedChunk::Whole(dumps) => Kind::Whole(dumps.into_iter()),
            CachedChunk::Light(light) => Kind::Light(light, 0),
        };
        Taken(kind)
    }
}

/// A chunk's dumps taken in order ([`CachedChunk::into_dumps`]): the next one's name looked at
/// where it lies, the dump itself made (read light) or moved (read whole) only when taken.
pub struct Taken(Kind);

enum Kind {
    Whole(std::vec::IntoIter<Cached>),
    /// The chunk, and the place of the next dump in it.
    Light(Light, usize),
}

impl Taken {
    /// The name of the dump `ahead` places on from the next one, if there is one.
    pub fn name_ahead(&self, ahead: usize) -> Option<&[u8]> {
        match &self.0 {
            Kind::Whole(dumps) => dumps.as_slice().get(ahead).map(Cached::name_bytes),
            Kind::Light(light, next) => {
                let at = next
                    .checked_add(ahead)
                    .filter(|&at| at < light.said.len())?;
                Some(light.table.name(light.chunk.bytes(), at))
            }
        }
    }

    /// Passes the next dump, made of nothing.
    pub fn pass(&mut self) {
        match &mut self.0 {
            Kind::Whole(dumps) => drop(dumps.next()),
            Kind::Light(light, next) => *next = (*next + 1).min(light.said.len()),
        }
    }
}

impl Iterator for Taken {
    type Item = Cached;

    fn next(&mut self) -> Option<Cached> {
        match &mut self.0 {
            Kind::Whole(dumps) => dumps.next(),
            Kind::Light(light, next) => {
                let i = *next;
                (i < light.said.len()).then(|| {
                    *next += 1;
                    light.take(i)
                })
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = match &self.0 {
            Kind::Whole(dumps) => dumps.len(),
            Kind::Light(light, next) => light.said.len() - next,
        };
        (left, Some(left))
    }
}

impl ExactSizeIterator for Taken {}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::super::{BuildCache, CachedRef, Decode, save};
    use super::*;
    use crate::archive::report::Problem;
    use crate::archive::results::Outcomes;

    /// A cache of `n` dumps named `{i:06}.txt`, a seventh of them with an override and a fifth
    /// with a problem, saved in `dir`.
    fn saved(dir: &std::path::Path, n: usize) {
        let (store, len) = crate::archive::store::empty_in(dir);
        let names: Vec<String> = (0..n).map(|i| format!("{:06}.txt", 2 * i)).collect();
        let stamps: Vec<Stamp> = (0..n as u64 + 1)
            .map(|k| Stamp::of_parts(k, (1_700_000_000 + k as i64, 3), (5, 7), k * 13))
            .collect();
        let problem = vec![Problem {
            file: "x.txt".into(),
            message: "تحذير".into(),
            is_error: false,
        }];
        let (none, skipped, results) = (Vec::new(), BTreeMap::new(), Results::default());
        let dumps = (0..n).map(|i| CachedRef {
            name: &names[i],
            stamp: &stamps[i],
            over: i.is_multiple_of(7).then(|| &stamps[i + 1]),
            outcomes: Outcomes(&results),
            problems: if i.is_multiple_of(5) { &problem } else { &none },
            skipped: &skipped,
            reused: false,
        });
        save(dir, &store, len, dumps, &[], &[]).unwrap();
    }

    #[test]
    fn a_chunk_read_light_answers_as_the_chunk_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        saved(dir.path(), 20_000);
        let whole = BuildCache::load(dir.path(), Decode::Whole).unwrap().dumps;
        let light = BuildCache::load(dir.path(), Decode::Light).unwrap().dumps;
        assert!(light.len() > 1, "several chunks");
        assert!(light.iter().all(|c| matches!(c, CachedChunk::Light(_))));
        for (w, l) in whole.iter().zip(&light) {
            assert_eq!(w.len(), l.len());
            assert_eq!(w.names().collect::<Vec<_>>(), l.names().collect::<Vec<_>>());
            assert_eq!(w.last_name(), l.last_name());
            for i in [0, 1, 7, 35, l.len() - 1, l.len()] {
                assert_eq!(w.name(i), l.name(i), "name {i}");
                assert_eq!(w.stamps(i), l.stamps(i), "stamps {i}");
                if i < l.len() {
                    // Hashed where they lie, the stamps' key is the one of the stamps read.
                    assert_eq!(w.name_and_key(i), l.name_and_key(i), "key {i}");
                }
            }
            assert_eq!(l.name(l.len()), b"", "past the end, no name");
            // Held: each of its names; not: the names between, before and after them.
            for i in [0, 1, l.len() / 2, l.len() - 1] {
                let name = l.name(i).to_vec();
                assert!(l.holds(&name));
                let mut between = name.clone();
                between.insert(6, b'~');
                assert!(!l.holds(&between) && !w.holds(&between));
            }
            assert!(!l.holds(b"") && !l.holds(b"zz.txt"));
        }
    }

    #[test]
    fn dumps_taken_light_are_the_dumps_read_whole_and_passing_makes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        saved(dir.path(), 9_000);
        let seen = |c: &Cached| {
            let name = String::from_utf8_lossy(c.name_bytes()).into_owned();
            (name, c.stamp, c.over.clone(), c.said.problems().to_vec())
        };
        let whole = BuildCache::load(dir.path(), Decode::Whole).unwrap().dumps;
        let light = BuildCache::load(dir.path(), Decode::Light).unwrap().dumps;
        for (w, l) in whole.into_iter().zip(light) {
            let (mut w, mut l) = (w.into_dumps(), l.into_dumps());
            assert_eq!(w.len(), l.len());
            let mut k = 0;
            loop {
                assert_eq!(w.name_ahead(3), l.name_ahead(3));
                let Some(name) = l.name_ahead(0).map(<[u8]>::to_vec) else {
                    assert!(w.name_ahead(0).is_none() && w.next().is_none());
                    break;
                };
                // Every third dump passed, the others taken.
                if k % 3 == 0 {
                    w.pass();
                    l.pass();
                } else {
                    let (w, l) = (w.next().unwrap(), l.next().unwrap());
                    assert_eq!(seen(&w), seen(&l));
                    assert_eq!(l.name_bytes(), name);
                }
                k += 1;
            }
            // Past its end, passing does nothing.
            l.pass();
            assert!(l.next().is_none() && l.len() == 0);
        }
    }
}
