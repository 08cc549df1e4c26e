//! The grouping as the chunks it is kept in (`threads.bin` names them, `grouping_file` writes
//! and reads them): the articles' ids, fingerprints, days and signatures by ranges of
//! [`NUMBERS`] numbers, the lists by bucket, the base, and each place's number and the links
//! cut where their content says. Numbers are only appended and a change edits the buckets of
//! a few terms, so a `+1` encodes the last range of numbers, a few buckets, and the places
//! and links (a few bytes an article): every other chunk is the one already written, known by
//! its name. The whole grouping written at each build was 19 MB at 100,000 articles and
//! ≈ 190 MB at a million. The buckets and the numbers' ranges are words, read back where they
//! lie in their mapped chunks (`in_place`), not copied out at every build.

use std::hash::Hasher;
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHasher};
use serde::{Deserialize, Serialize};

use super::again::{Base, Grouping};
use super::chunks::{ChunkName, Names, Piece, Pieces, Stored};
use super::in_place::{Chunk, Words};
use super::kept::{BUCKETS, Bucket, KeptLists};
use super::packed_ids::PackedIds;
use super::signatures::{NUMBERS, Range, Signatures};
use crate::serde_le;

/// A run of places or links ends after an item whose hash has this many low zero bits:
/// ≈ 4,096 items a chunk, so that an article added or removed changes a few kilobytes.
const CUT_BITS: u32 = 12;

/// A day that is none, as a range of numbers keeps it: no day counted from a date is it.
const NO_DAY: i32 = i32::MIN;

/// A range of numbers as its chunk keeps it: each one's fingerprint, signature, id and day, as
/// words. Its counts (numbers, terms, bytes of ids, and a zero: 16 bytes, so that the
/// fingerprints after them fall at a multiple of 8), then the fingerprints, the terms, where
/// each signature ends among them, where each id ends, the days ([`NO_DAY`] for none), each a
/// little-endian word, and the ids' text. A chunk mapped at a page has its fingerprints and
/// signatures read where they lie ([`read_articles`]).
fn encode_articles(
    prints: &[u64],
    terms: &[u32],
    ends: &[u32],
    ids: &PackedIds,
    days: &[Option<i32>],
) -> Piece {
    let (text, id_ends) = ids.written();
    let counts = [
        prints.len() as u32,
        terms.len() as u32,
        text.len() as u32,
        0,
    ];
    let mut bytes = Vec::with_capacity(16 + 20 * prints.len() + 4 * terms.len() + text.len());
    serde_le::put(&mut bytes, &counts);
    serde_le::put(&mut bytes, prints);
    serde_le::put(&mut bytes, terms);
    serde_le::put(&mut bytes, ends);
    serde_le::put(&mut bytes, id_ends);
    let days: Vec<u32> = days.iter().map(|d| d.unwrap_or(NO_DAY) as u32).collect();
    serde_le::put(&mut bytes, &days);
    bytes.extend_from_slice(text.as_bytes());
    Piece::New(bytes)
}

/// A range of numbers read from its chunk ([`encode_articles`]).
struct ArticlesRead<'a> {
    /// Its fingerprints and signatures, where they lie.
    range: Range,
    /// Its ids, and where each ends (little-endian bytes).
    text: &'a str,
    id_ends: &'a [u8],
    days: Vec<Option<i32>>,
}

/// The range of numbers `chunk` keeps ([`encode_articles`]); `None` for a chunk of another
/// length than its counts say, or ids that are not UTF-8.
fn read_articles(chunk: &Chunk) -> Option<ArticlesRead<'_>> {
    let counts = Words::<u32>::read(chunk, 0, 4)?;
    let [slots, terms, text] = [0, 1, 2].map(|k| u64::from(counts[k]));
    let bytes = (**chunk).as_ref();
    if bytes.len() as u64 != 16 + 20 * slots + 4 * terms + text {
        return None;
    }
    // Within the chunk's length, so within a `usize`.
    let [slots, terms] = [slots, terms].map(|n| n as usize);
    let at = [16, 16 + 8 * slots, 16 + 8 * slots + 4 * terms];
    let (id_ends, days) = (at[2] + 4 * slots, at[2] + 8 * slots);
    let text_at = days + 4 * slots;
    let range = Range {
        prints: Words::read(chunk, at[0], slots)?,
        terms: Words::read(chunk, at[1], terms)?,
        ends: Words::read(chunk, at[2], slots)?,
    };
    let days = serde_le::items::<u32>(&bytes[days..text_at])?
        .map(|d| Some(d as i32).filter(|&d| d != NO_DAY))
        .collect();
    let text = std::str::from_utf8(&bytes[text_at..]).ok()?;
    Some(ArticlesRead {
        range,
        text,
        id_ends: &bytes[id_ends..id_ends + 4 * slots],
        days,
    })
}

/// A chunk of [`Numbers`] or [`Links`] as written, borrowed.
#[derive(Deserialize)]
struct Written<'a>(&'a [u8]);

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

/// The runs a grouping was read with (`was`: each run's length and chunk), for finding among
/// them a run of the items to save: by its `first` item (`was_first(k, start)`: that of run
/// `k`, which started at `start` among the items read), then all of it compared
/// (`was_same(k, start, run)`).
struct Runs<'a, F, W, S> {
    was: Option<(&'a [u32], &'a [ChunkName])>,
    first: F,
    was_first: W,
    was_same: S,
}

impl<F, W, S> Runs<'_, F, W, S> {
    /// `items` cut in runs ([`cut`] by `hash`); a run equal to one read is that one's chunk
    /// when `known` gives its name back (it is still there), the others `encode`d. A `+1`
    /// changes a run or two of places and links: encoding and hashing every run again was
    /// ≈ 6 MB at 100,000 articles, ≈ 50 MB at a million, at every save.
    fn pieces<T, K>(
        &self,
        items: &[T],
        hash: impl Fn(&T) -> u64,
        known: impl Fn(Option<&ChunkName>) -> Option<ChunkName>,
        encode: impl Fn(&[T]) -> Result<Piece, postcard::Error>,
    ) -> Result<Vec<Piece>, postcard::Error>
    where
        K: std::hash::Hash + Eq,
        F: Fn(&T) -> K,
        W: Fn(usize, usize) -> Option<K>,
        S: Fn(usize, usize, &[T]) -> bool,
    {
        // Each run read by its first item: (where it starts, its length, its chunk).
        let mut read: FxHashMap<K, (usize, usize, usize)> = FxHashMap::default();
        let whole = self.was.filter(|(lens, names)| lens.len() == names.len());
        if let Some((lens, _)) = whole {
            read.reserve(lens.len());
            let mut start = 0;
            for (k, &len) in lens.iter().enumerate() {
                let len = len as usize;
                if let Some(first) = (len > 0).then(|| (self.was_first)(k, start)).flatten() {
                    read.entry(first).or_insert((start, len, k));
                }
                start += len;
            }
        }
        cut(items, hash)
            .map(|run| {
                let same = read
                    .get(&(self.first)(&run[0]))
                    .filter(|&&(start, len, k)| len == run.len() && (self.was_same)(k, start, run));
                let name = same.and_then(|&(_, _, k)| known(whole.and_then(|w| w.1.get(k))));
                match name {
                    Some(name) => Ok(Piece::Known(name)),
                    None => encode(run),
                }
            })
            .collect()
    }
}

/// A link's ends and similarity, the similarity by its bits: a zero signed otherwise would be
/// another chunk's.
fn link_bits(&(a, b, s): &(u32, u32, f32)) -> (u32, u32, u32) {
    (a, b, s.to_bits())
}

impl Grouping {
    /// The chunks read, if the grouping was read from chunks.
    pub fn read_from(&self) -> Option<&Names> {
        self.stored.as_ref().map(|s| &s.names)
    }

    /// The grouping's chunks: those not changed since it was read, and that `exists` says
    /// are still there, by name; the others encoded. `read` gives a chunk's bytes: the links
    /// as read are compared in their chunks once grouping again edited them.
    pub fn pieces<B: AsRef<[u8]>>(
        &self,
        exists: impl Fn(&ChunkName) -> bool + Sync,
        read: impl Fn(&ChunkName) -> Option<B>,
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
                let (prints, terms, ends) = self.signatures.range(from, to);
                let (ids, days) = (self.ids.range(from, to), &self.days[from..to]);
                Ok(encode_articles(&prints, &terms, &ends, &ids, days))
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
                Ok(match same {
                    Some(name) => Piece::Known(name),
                    None => Piece::New(bucket.encode()),
                })
            })
            .collect::<Result<_, _>>()?;
        let order_read = stored.map(|s| match &s.read {
            Some(read) => read.order.as_slice(),
            None => self.order.as_slice(),
        });
        let order = Runs {
            was: stored.map(|s| (s.runs.0.as_slice(), s.names.order.as_slice())),
            first: |&m: &u32| m,
            was_first: |_, start| order_read.and_then(|o| o.get(start)).copied(),
            was_same: |_, start, run: &[u32]| {
                order_read.and_then(|o| o.get(start..start + run.len())) == Some(run)
            },
        }
        .pieces(
            &self.order,
            |&m| hash(&[m]),
            known,
            |run| encode(&Numbers(run.to_vec())),
        )?;
        // The links as read: the grouping's own until grouping again edits them, then those
        // in the chunks.
        let in_chunks = stored.is_some_and(|s| s.read.is_some());
        // Compared where they are in the chunk, not decoded into a vector.
        let same_as_chunk = |k: usize, run: &[(u32, u32, f32)]| -> Option<bool> {
            let bytes = read(stored?.names.links.get(k)?)?;
            let written: Written = postcard::from_bytes(bytes.as_ref()).ok()?;
            let was = serde_le::items::<(u32, u32, f32)>(written.0)?;
            Some(was.len() == run.len() && was.map(|l| link_bits(&l)).eq(run.iter().map(link_bits)))
        };
        let links = Runs {
            was: stored.map(|s| (s.runs.1.as_slice(), s.names.links.as_slice())),
            first: |&(a, b, _): &(u32, u32, f32)| (a, b),
            was_first: |k, start| match in_chunks {
                true => stored.and_then(|s| s.first_links.get(k)).copied(),
                false => self.links.get(start).map(|&(a, b, _)| (a, b)),
            },
            was_same: |k, start, run: &[(u32, u32, f32)]| match in_chunks {
                true => same_as_chunk(k, run) == Some(true),
                false => self
                    .links
                    .get(start..start + run.len())
                    .is_some_and(|was| was.iter().map(link_bits).eq(run.iter().map(link_bits))),
            },
        }
        .pieces(
            &self.links,
            |&(a, b, _)| hash(&[a, b]),
            known,
            |run| encode(&Links(run.to_vec())),
        )?;
        Ok(Pieces {
            base,
            numbers,
            buckets,
            order,
            links,
        })
    }

    /// The grouping the chunks `names` hold (`read` gives a chunk's bytes), `None` when one
    /// is missing or does not decode; `drift` and `doubled` are kept beside the names.
    pub fn from_pieces<B: AsRef<[u8]> + Send + Sync + 'static>(
        names: Names,
        (drift, doubled): (u32, Vec<(u64, u32)>),
        read: impl Fn(&ChunkName) -> Option<B> + Sync,
    ) -> Option<Grouping> {
        let read_all =
            |names: &[ChunkName]| -> Option<Vec<B>> { names.par_iter().map(&read).collect() };
        fn decode<'a, T: Deserialize<'a>, B: AsRef<[u8]>>(chunks: &'a [B]) -> Option<Vec<T>> {
            chunks
                .iter()
                .map(|bytes| postcard::from_bytes(bytes.as_ref()).ok())
                .collect()
        }
        let base: Base = decode(&read_all(&[names.base])?)?.pop()?;
        // Kept where they lie in their chunks, which they hold on to.
        let buckets: Vec<Bucket> = names
            .buckets
            .par_iter()
            .map(|name| Bucket::read(Arc::new(read(name)?) as Chunk))
            .collect::<Option<_>>()?;
        // The numbers' ranges kept where they lie in their chunks, which they hold on to.
        let numbers: Vec<Chunk> = (names.numbers.par_iter())
            .map(|name| Some(Arc::new(read(name)?) as Chunk))
            .collect::<Option<_>>()?;
        let articles: Vec<_> = numbers.iter().map(read_articles).collect::<Option<_>>()?;
        let (order, links) = (read_all(&names.order)?, read_all(&names.links)?);
        let order: Vec<Written> = decode(&order)?;
        let links: Vec<Written> = decode(&links)?;
        let runs: (Vec<u32>, Vec<u32>) = (
            order.iter().map(|o| (o.0.len() / 4) as u32).collect(),
            links.iter().map(|l| (l.0.len() / 12) as u32).collect(),
        );
        let mut whole_order = Vec::with_capacity(runs.0.iter().map(|&l| l as usize).sum());
        for o in &order {
            whole_order.extend(serde_le::items::<u32>(o.0)?);
        }
        // Room for the links a change adds (grouping again edits them in place): full to
        // the brim, the first added moved them all into pages of their own.
        let links_read: usize = runs.1.iter().map(|&l| l as usize).sum();
        let mut whole_links = Vec::with_capacity(links_read + links_read / 32 + 1024);
        let mut first_links = Vec::with_capacity(links.len());
        for l in &links {
            let items = serde_le::items::<(u32, u32, f32)>(l.0)?;
            first_links.push(items.clone().next().map_or((0, 0), |(a, b, _)| (a, b)));
            whole_links.extend(items);
        }
        let slots: usize = articles.iter().map(|a| a.range.prints.len()).sum();
        // Room for the numbers a change appends (at most its allowance, 1% of the base's
        // articles): full to the brim, one more number moved each array whole into pages of
        // its own (at a million articles ≈ 100 MB copied, 25,000 pages faulted, at every `+1`).
        // Room not written to is never faulted.
        let more = slots / 64 + 64;
        let text: usize = articles.iter().map(|a| a.text.len()).sum();
        let mut ids = PackedIds::with_capacity(slots + more, text + text / 64 + more * 64);
        let mut days = Vec::with_capacity(slots + more);
        let mut ranges = Vec::with_capacity(articles.len());
        for a in articles {
            let before = ids.len();
            ids.append_written(a.text, a.id_ends)?;
            let len = a.range.prints.len();
            if ids.len() - before != len || a.days.len() != len {
                return None;
            }
            days.extend(a.days);
            ranges.push(a.range);
        }
        let signatures = Signatures::read(ranges, more, more * super::SIGNATURE)?;
        let mut g = Grouping {
            base,
            drift,
            ids,
            days,
            signatures,
            order: whole_order,
            links: whole_links,
            lists: KeptLists::from_buckets(buckets),
            doubled,
            stored: None,
        };
        g.stored = Some(Stored {
            names,
            slots,
            reached: vec![false; BUCKETS],
            runs,
            first_links,
            read: None,
        });
        Some(g)
    }
}

/// The chunks of `pieces` put in `disk`, and their names.
#[cfg(test)]
pub(super) fn put(disk: &mut FxHashMap<ChunkName, Vec<u8>>, pieces: Pieces) -> (Names, usize) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_grouping_read_back_from_its_chunks_is_the_same_and_a_change_writes_few() {
        let (mut made, grouping) = super::super::again::tests::made_grouping(3_000);
        let mut disk = FxHashMap::default();
        let (names, written) = put(
            &mut disk,
            grouping.pieces(|_| false, |_| None::<Vec<u8>>).unwrap(),
        );
        assert_eq!(
            written,
            names.all().collect::<std::collections::HashSet<_>>().len()
        );
        let read = |n: &ChunkName| disk.get(n).cloned();
        let back = Grouping::from_pieces(
            names.clone(),
            (grouping.drift, grouping.doubled.clone()),
            read,
        )
        .unwrap();
        assert_eq!(back.read_from(), Some(&names));
        let mut unstored = back.clone();
        unstored.stored = None;
        assert_eq!(unstored, grouping);

        // Unchanged, everything is known by name; one article added, few chunks are new.
        let pieces = back.pieces(|n| disk.contains_key(n), read).unwrap();
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
        let read = |n: &ChunkName| disk.get(n).cloned();
        let pieces = again.pieces(|n| disk.contains_key(n), read).unwrap();
        // The runs of places and links the change did not reach are known by name, not
        // encoded again (each was, and its bytes hashed, at every save).
        let encoded = |p: &[Piece]| p.iter().filter(|p| matches!(p, Piece::New(_))).count();
        let (order, links) = (encoded(&pieces.order), encoded(&pieces.links));
        assert!(
            pieces.order.len() > 2 && pieces.links.len() > 4,
            "several runs: {} and {}",
            pieces.order.len(),
            pieces.links.len()
        );
        // Links are in join order, strongest first: the added article's own spread over the
        // runs, each changing its run (or splitting it in two); the others' are as they were.
        let added = (again.slots() - 1) as u32;
        let new_links = again
            .links
            .iter()
            .filter(|&&(a, b, _)| a == added || b == added)
            .count();
        assert!(
            order <= 2 && links <= 2 * new_links && links < pieces.links.len(),
            "{order} of {} runs of places and {links} of {} of links encoded ({new_links} new)",
            pieces.order.len(),
            pieces.links.len()
        );
        let (names, written) = put(&mut disk, pieces);
        let chunks = names.all().count();
        assert!(
            written <= 1 + 16 + 6,
            "{written} of {chunks} chunks written again"
        );
        let read = |n: &ChunkName| disk.get(n).cloned();
        let back = Grouping::from_pieces(names.clone(), (again.drift, again.doubled.clone()), read)
            .unwrap();
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
        assert!(Grouping::from_pieces(names.clone(), (0, Vec::new()), read).is_none());
        let read = |n: &ChunkName| {
            disk.get(n).map(|b| {
                if n == &names.links[0] {
                    b[..b.len() - 1].to_vec()
                } else {
                    b.clone()
                }
            })
        };
        assert!(Grouping::from_pieces(names.clone(), (0, Vec::new()), read).is_none());
    }
}
