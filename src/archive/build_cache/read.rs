//! The cache's dumps read light ([`super::Decode::Light`]): each dump's name left in its
//! mapped chunk, its articles' heads read ([`light_entry::read_heads`], all of a chunk's in one
//! vector), the rest of its results kept where they are.

use std::path::Path;
use std::sync::Arc;

use super::super::chunk_files::{self, ChunkName};
use super::super::light_entry::{self, Heads, Raw};
use super::super::report::Said;
use super::super::results::Results;
use super::{Cached, Stamp};
use crate::varint;

/// The dumps of the chunks `names` in `dir`, decoded light on both cores: each one's fields
/// in the order [`super::CachedRef`] writes them, of its results what a build reads of every article
/// (each entry's head, [`light_entry::read_heads`], all of a chunk's in one vector), their
/// bytes kept where they are.
pub(super) fn light(dir: &Path, names: &[ChunkName]) -> std::io::Result<Vec<Vec<Cached>>> {
    use rayon::prelude::*;
    let bad = |e: postcard::Error| std::io::Error::new(std::io::ErrorKind::InvalidData, e);
    names
        .par_iter()
        .map(|name| {
            let chunk = chunk_files::map(dir, name)?;
            let end = chunk.len();
            let at = |rest: &[u8]| end - rest.len();
            let (n, mut rest) = postcard::take_from_bytes::<usize>(&chunk).map_err(bad)?;
            let cap = n.min(chunk_files::MAX_ITEMS);
            let mut dumps = Vec::with_capacity(cap);
            // Each dump's heads among the chunk's, and where its results' bytes are.
            let (mut heads, mut spans) = (Vec::with_capacity(cap), Vec::with_capacity(cap));
            let short = || bad(postcard::Error::DeserializeUnexpectedEnd);
            let span = |i| light_entry::span(i).map_err(bad);
            for _ in 0..n {
                let name_len;
                (name_len, rest) = varint::take_usize(rest).ok_or_else(short)?;
                let from = at(rest);
                rest = rest.get(name_len..).ok_or_else(short)?;
                let name_at = span(from)?..span(at(rest))?;
                let stamp;
                (stamp, rest) = postcard::take_from_bytes::<Stamp>(rest).map_err(bad)?;
                let over: Option<Stamp>;
                (over, rest) = postcard::take_from_bytes(rest).map_err(bad)?;
                let (start, first) = (at(rest), heads.len());
                let after = light_entry::read_heads(&chunk, start, &mut heads).map_err(bad)?;
                spans.push((span(first)?..span(heads.len())?, span(start)?..span(after)?));
                rest = &chunk[after..];
                let said;
                (said, rest) = said_from(rest).map_err(bad)?;
                dumps.push(Cached {
                    name: String::new(),
                    name_at,
                    stamp,
                    over: over.map(Box::new),
                    outcomes: Results::default(),
                    said,
                });
            }
            let chunk = Arc::new(light_entry::Chunk::new(chunk, heads));
            for (dump, (heads, bytes)) in dumps.iter_mut().zip(spans) {
                dump.outcomes = Results::Light(Heads::InChunk(heads), Raw::new(&chunk, bytes));
            }
            Ok(dumps)
        })
        .collect()
}

/// A dump's problems and skipped records as [`super::CachedRef`] writes them, and the bytes after
/// them. Most dumps have none (two zero bytes): said so without postcard's deserializer (a
/// vector's and a map's calls, ≈ 5 M instructions at 100,000 for the maps alone).
fn said_from(bytes: &[u8]) -> Result<(Said, &[u8]), postcard::Error> {
    if let Some(([0, 0], rest)) = bytes.split_first_chunk() {
        return Ok((Said::default(), rest));
    }
    let (problems, rest) = postcard::take_from_bytes(bytes)?;
    let (skipped, rest) = postcard::take_from_bytes(rest)?;
    Ok((Said::new(problems, skipped), rest))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::archive::report::Problem;
    use crate::capture::warc::Skip;

    #[test]
    fn a_dump_read_light_is_held_in_128_bytes() {
        // A million at every `+1`, in fresh pages: 168 bytes with the override's stamp held in
        // place and 64-bit offsets of its name.
        assert!(std::mem::size_of::<Cached>() <= 128);
    }

    proptest::proptest! {
        /// A dump's problems and skipped records read as postcard reads them (none, some, cut
        /// short, bytes after them), and refused where it refuses.
        #[test]
        fn what_a_dump_said_is_read_as_postcard_reads_it(
            problems in proptest::collection::vec(("[a-z0-9_.]{0,8}", "\\PC{0,6}", proptest::prelude::any::<bool>()), 0..3),
            skipped in proptest::collection::btree_map(
                proptest::sample::select(vec![Skip::Warcinfo, Skip::Request, Skip::Revisit]),
                0usize..300,
                0..3,
            ),
            after in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..3),
        ) {
            let problems: Vec<Problem> = problems
                .into_iter()
                .map(|(file, message, is_error)| Problem { file, message, is_error })
                .collect();
            let mut bytes = postcard::to_stdvec(&(&problems, &skipped)).unwrap();
            bytes.extend(&after);
            let read = |said: (Said, &[u8])| {
                (said.0.problems().to_vec(), said.0.skipped().clone(), said.1.to_vec())
            };
            let theirs = |b| -> Option<_> {
                let (problems, rest) = postcard::take_from_bytes::<Vec<Problem>>(b).ok()?;
                let (skipped, rest) = postcard::take_from_bytes::<BTreeMap<Skip, usize>>(rest).ok()?;
                Some((problems, skipped, rest.to_vec()))
            };
            proptest::prop_assert_eq!(
                said_from(&bytes).ok().map(read),
                Some((problems, skipped, after))
            );
            for cut in 0..=bytes.len() {
                proptest::prop_assert_eq!(said_from(&bytes[..cut]).ok().map(read), theirs(&bytes[..cut]));
            }
        }
    }
}
