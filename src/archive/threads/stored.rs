//! The grouping as the chunks it is kept in (`threads.bin` names them, `grouping_file` writes
//! and reads them): the articles' ids, fingerprints, days and signatures by ranges of
//! [`NUMBERS`] numbers, the lists by bucket, the base, and each place's number and the links
//! cut where their content says. Numbers are only appended and a change edits the buckets of
//! a few terms, so a `+1` encodes the last range of numbers, a few buckets, and the places
//! and links (a few bytes an article): every other chunk is the one already written, known by
//! its name. The whole grouping written at each build was 19 MB at 100,000 articles and
//! ≈ 190 MB at a million.

use std::hash::Hasher;

use rayon::prelude::*;
use rustc_hash::FxHasher;
use serde::{Deserialize, Serialize};

use super::again::{Base, Grouping};
use super::chunks::{ChunkName, Names, Piece, Pieces, Stored};
use super::kept::{BUCKETS, Bucket, KeptLists};
use super::packed_ids::PackedIds;

/// Numbers a chunk of articles holds: at a million articles, 62 chunks of ≈ 1.7 MB (fewer
/// in tests, so that a small archive has several).
const NUMBERS: usize = if cfg!(test) { 1 << 10 } else { 1 << 14 };

/// A run of places or links ends after an item whose hash has this many low zero bits:
/// ≈ 4,096 items a chunk, so that an article added or removed changes a few kilobytes.
const CUT_BITS: u32 = 12;

/// A range of numbers: each one's id, fingerprint, day and signature (`ends` from the
/// range's first term).
#[derive(Serialize, Deserialize)]
struct Articles {
    ids: PackedIds,
    #[serde(with = "crate::serde_le")]
    prints: Vec<u64>,
    days: Vec<Option<i32>>,
    #[serde(with = "crate::serde_le")]
    terms: Vec<u32>,
    #[serde(with = "crate::serde_le")]
    ends: Vec<u32>,
}

#[derive(Serialize, Deserialize)]
struct Numbers(#[serde(with = "crate::serde_le")] Vec<u32>);

#[derive(Serialize, Deserialize)]
struct Links(#[serde(with = "crate::serde_le")] Vec<(u32, u32, f32)>);

fn encode<T: Serialize>(value: &T) -> Result<Piece, postcard::Error> {
    postcard::to_stdvec(value).map(Piece::New)
}

/// Runs of `items` ending after an item whose `hash` has [`CUT_BITS`] low zero bits.
fn cut<T>(items: &[T], hash: impl Fn(&T) -> u64) -> impl Iterator<Item = &[T]> {
    let mask = (1u64 << CUT_BITS) - 1;
    items.split_inclusive(move |item| hash(item) & mask == 0)
}

fn hash(words: &[u32]) -> u64 {
    let mut h = FxHasher::default();
    words.iter().for_each(|&w| h.write_u32(w));
    // FxHasher's low bits are its input's: mixed, so that runs end where bits say.
    h.finish().wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 20
}

impl Grouping {
    /// The chunks read, if the grouping was read from chunks.
    pub fn read_from(&self) -> Option<&Names> {
        self.stored.as_ref().map(|s| &s.names)
    }

    /// The grouping's chunks: those not changed since it was read, and that `exists` says
    /// are still there, by name; the others encoded.
    pub fn pieces(
        &self,
        exists: impl Fn(&ChunkName) -> bool + Sync,
    ) -> Result<Pieces, postcard::Error> {
        let stored = self.stored.as_ref();
        let known = |name: Option<&ChunkName>| name.filter(|n| exists(n)).copied();
        let base = match known(stored.map(|s| &s.names.base)) {
            Some(name) => Piece::Known(name),
            None => encode(&self.base)?,
        };
        let slots = self.slots();
        let numbers = (0..slots.div_ceil(NUMBERS))
            .into_par_iter()
            .map(|k| {
                let (from, to) = (k * NUMBERS, ((k + 1) * NUMBERS).min(slots));
                // Numbers are only appended: a range that ends where it ended is as written.
                let same = stored
                    .filter(|s| ((k + 1) * NUMBERS).min(s.slots) == to)
                    .and_then(|s| known(s.names.numbers.get(k)));
                if let Some(name) = same {
                    return Ok(Piece::Known(name));
                }
                let first = if from == 0 { 0 } else { self.ends[from - 1] };
                encode(&Articles {
                    ids: self.ids.range(from, to),
                    prints: self.prints[from..to].to_vec(),
                    days: self.days[from..to].to_vec(),
                    terms: self.terms[first as usize..self.ends[to - 1] as usize].to_vec(),
                    ends: self.ends[from..to].iter().map(|e| e - first).collect(),
                })
            })
            .collect::<Result<_, _>>()?;
        let buckets = self
            .lists
            .buckets()
            .par_iter()
            .enumerate()
            .map(|(k, bucket)| {
                let same = stored
                    .filter(|s| s.names.buckets.len() == BUCKETS && !s.reached[k])
                    .and_then(|s| known(s.names.buckets.get(k)));
                match same {
                    Some(name) => Ok(Piece::Known(name)),
                    None => encode(bucket),
                }
            })
            .collect::<Result<_, _>>()?;
        let order = cut(&self.order, |&m| hash(&[m]))
            .map(|run| encode(&Numbers(run.to_vec())))
            .collect::<Result<_, _>>()?;
        let links = cut(&self.links, |&(a, b, _)| hash(&[a, b]))
            .map(|run| encode(&Links(run.to_vec())))
            .collect::<Result<_, _>>()?;
        Ok(Pieces {
            base,
            numbers,
            buckets,
            order,
            links,
        })
    }

    /// The grouping the chunks `names` hold (`read` gives a chunk's bytes), `None` when one
    /// is missing or does not decode; `drift` is kept beside the names.
    pub fn from_pieces<B: AsRef<[u8]>>(
        names: Names,
        drift: u32,
        read: impl Fn(&ChunkName) -> Option<B> + Sync,
    ) -> Option<Grouping> {
        fn decode<T: for<'de> Deserialize<'de> + Send, B: AsRef<[u8]>>(
            read: &(impl Fn(&ChunkName) -> Option<B> + Sync),
            names: &[ChunkName],
        ) -> Option<Vec<T>> {
            names
                .par_iter()
                .map(|name| postcard::from_bytes(read(name)?.as_ref()).ok())
                .collect()
        }
        let base: Base = decode(&read, &[names.base])?.pop()?;
        let articles: Vec<Articles> = decode(&read, &names.numbers)?;
        let buckets: Vec<Bucket> = decode(&read, &names.buckets)?;
        let order: Vec<Numbers> = decode(&read, &names.order)?;
        let links: Vec<Links> = decode(&read, &names.links)?;
        let slots: usize = articles.iter().map(|a| a.prints.len()).sum();
        let mut g = Grouping {
            base,
            drift,
            ids: PackedIds::default(),
            prints: Vec::with_capacity(slots),
            days: Vec::with_capacity(slots),
            terms: Vec::with_capacity(slots * super::SIGNATURE),
            ends: Vec::with_capacity(slots),
            order: order.into_iter().flat_map(|o| o.0).collect(),
            links: links.into_iter().flat_map(|l| l.0).collect(),
            lists: KeptLists::from_buckets(buckets),
            stored: None,
        };
        let last = articles.len().saturating_sub(1);
        for (k, a) in articles.into_iter().enumerate() {
            let len = a.prints.len();
            let whole = (len == NUMBERS || k == last)
                && a.ids.len() == len
                && a.days.len() == len
                && a.ends.len() == len
                && a.ends.last().map_or(0, |&e| e as usize) == a.terms.len();
            if !whole {
                return None;
            }
            let first = u32::try_from(g.terms.len()).ok()?;
            g.ids.append(&a.ids);
            g.prints.extend(a.prints);
            g.days.extend(a.days);
            g.terms.extend(a.terms);
            g.ends.extend(a.ends.iter().map(|e| e + first));
        }
        g.stored = Some(Stored {
            names,
            slots,
            reached: vec![false; BUCKETS],
        });
        Some(g)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustc_hash::FxHashMap;

    /// The chunks of `pieces` put in `disk`, and their names.
    fn put(disk: &mut FxHashMap<ChunkName, Vec<u8>>, pieces: Pieces) -> (Names, usize) {
        let mut written = 0;
        let mut name = |p: Piece| match p {
            Piece::Known(n) => n,
            Piece::New(bytes) => {
                let n = *blake3::hash(&bytes).as_bytes();
                written += usize::from(!disk.contains_key(&n));
                disk.insert(n, bytes);
                n
            }
        };
        let names = Names {
            base: name(pieces.base),
            numbers: pieces.numbers.into_iter().map(&mut name).collect(),
            buckets: pieces.buckets.into_iter().map(&mut name).collect(),
            order: pieces.order.into_iter().map(&mut name).collect(),
            links: pieces.links.into_iter().map(&mut name).collect(),
        };
        (names, written)
    }

    #[test]
    fn a_grouping_read_back_from_its_chunks_is_the_same_and_a_change_writes_few() {
        let (mut made, grouping) = super::super::again::tests::made_grouping(3_000);
        let mut disk = FxHashMap::default();
        let (names, written) = put(&mut disk, grouping.pieces(|_| false).unwrap());
        assert_eq!(
            written,
            names.all().collect::<std::collections::HashSet<_>>().len()
        );
        let read = |n: &ChunkName| disk.get(n).cloned();
        let back = Grouping::from_pieces(names.clone(), grouping.drift, read).unwrap();
        assert_eq!(back.read_from(), Some(&names));
        let mut unstored = back.clone();
        unstored.stored = None;
        assert_eq!(unstored, grouping);

        // Unchanged, everything is known by name; one article added, few chunks are new.
        let pieces = back.pieces(|n| disk.contains_key(n)).unwrap();
        assert!(
            pieces
                .numbers
                .iter()
                .chain(&pieces.buckets)
                .all(|p| matches!(p, Piece::Known(_)))
        );
        assert!(matches!(pieces.base, Piece::Known(_)));
        made.add();
        let (_, again) = super::super::group_again(&made.items(), Some(back));
        let pieces = again.pieces(|n| disk.contains_key(n)).unwrap();
        let (names, written) = put(&mut disk, pieces);
        let chunks = names.all().count();
        assert!(
            written <= 1 + 16 + 6,
            "{written} of {chunks} chunks written again"
        );
        let read = |n: &ChunkName| disk.get(n).cloned();
        let back = Grouping::from_pieces(names.clone(), again.drift, read).unwrap();
        let mut unstored = back.clone();
        unstored.stored = None;
        let mut expected = again.clone();
        expected.stored = None;
        assert_eq!(unstored, expected);

        // A chunk missing or damaged: no grouping.
        let read = |n: &ChunkName| {
            (n != &names.numbers[0])
                .then(|| disk.get(n).cloned())
                .flatten()
        };
        assert!(Grouping::from_pieces(names.clone(), 0, read).is_none());
        let read = |n: &ChunkName| {
            disk.get(n).map(|b| {
                if n == &names.links[0] {
                    b[..b.len() - 1].to_vec()
                } else {
                    b.clone()
                }
            })
        };
        assert!(Grouping::from_pieces(names.clone(), 0, read).is_none());
    }
}
