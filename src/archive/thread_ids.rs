//! The threads as the compiled archive writes them: in content-named chunks
//! ([`super::chunk_files`]) cut by each thread's first id, so that a build writes only the
//! chunks of the threads it changed; each thread's article ids looked up where they lie as
//! they are written, not gathered into a list of lists first.

use std::io;
use std::path::Path;

use rayon::prelude::*;
use serde::ser::{Serialize, Serializer};

use super::atomic_file::Durability;
use super::build::At;
use super::chunk_files::{self, ChunkName, Cut};

/// Each thread's ids, written as a `Vec<String>` is (postcard writes a `&str` as a `String`):
/// each chunk's threads are what [`read`] gives back.
#[derive(Clone, Copy)]
pub(super) enum ThreadIds<'a> {
    /// The ids themselves (an archive held whole).
    Named(&'a [Vec<String>]),
    /// Each article by its place in a build's results, named by the function: a `+1` at a
    /// million articles made a vector of borrowed ids for each thread (some 600 K ids) only
    /// to write them once.
    At(&'a [Vec<At>], &'a (dyn Fn(At) -> &'a str + Sync)),
}

impl ThreadIds<'_> {
    /// Writes the chunks of the threads that `dir` does not hold yet, encoded and hashed on
    /// both cores; gives back every chunk's name, in order. At a million articles the threads
    /// are some 11 MB, written and synced whole in the archive's own file at every build
    /// before (notes/build-bench.md, session 43); a `+1` changes a few threads.
    pub(super) fn write(self, dir: &Path, durability: Durability) -> io::Result<Vec<ChunkName>> {
        match self {
            ThreadIds::Named(threads) => {
                let ends = |t: &Vec<String>| t.first().is_some_and(|id| Cut::ARCHIVE.ends(id));
                write_chunks(dir, threads, ends, chunk_files::postcard_item, durability)
            }
            ThreadIds::At(threads, id) => {
                let ends = |t: &Vec<At>| t.first().is_some_and(|&at| Cut::ARCHIVE.ends(id(at)));
                let encode =
                    |t: &Vec<At>, out: &mut Vec<u8>| chunk_files::postcard_item(&Ids(t, id), out);
                write_chunks(dir, threads, ends, encode, durability)
            }
        }
    }
}

/// The threads of the chunks `names` in `dir`, in order, as [`ThreadIds::write`] wrote them.
pub(super) fn read(dir: &Path, names: &[ChunkName]) -> io::Result<Vec<Vec<String>>> {
    let chunks: Vec<Vec<Vec<String>>> = chunk_files::read(dir, names)?;
    Ok(chunks.concat())
}

/// The chunks of `threads`, cut after each thread that `ends` says ends one (its first id,
/// by [`Cut::ARCHIVE`]).
fn write_chunks<T: Sync>(
    dir: &Path,
    threads: &[T],
    ends: impl Fn(&T) -> bool,
    encode: impl Fn(&T, &mut Vec<u8>) -> io::Result<()> + Sync,
    durability: Durability,
) -> io::Result<Vec<ChunkName>> {
    std::fs::create_dir_all(dir)?;
    let ranges = Cut::ARCHIVE.ranges_by(threads, ends);
    ranges
        .into_par_iter()
        .map(|range| chunk_files::put(dir, &threads[range], &encode, durability))
        .collect()
}

/// One thread's ids, by place.
struct Ids<'t, 'a>(&'t [At], &'a (dyn Fn(At) -> &'a str + Sync));

impl Serialize for Ids<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|&at| (self.1)(at)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threads_by_place_are_written_as_the_named_ones_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        // Enough threads for several chunks, one of them empty.
        let ids: Vec<Vec<String>> = (0..20_000)
            .map(|i| vec![format!("t{i}"), format!("u{i}")])
            .collect();
        let mut at: Vec<Vec<At>> = (0..ids.len()).map(|i| vec![(i, 0), (i, 1)]).collect();
        let mut named = ids.clone();
        at.insert(7, vec![]);
        named.insert(7, vec![]);
        let id = |(i, j): At| ids[i][j].as_str();
        let written = |t: ThreadIds| t.write(dir.path(), Durability::Cached).unwrap();
        let by_name = written(ThreadIds::Named(&named));
        assert!(by_name.len() > 4, "{} chunks", by_name.len());
        assert_eq!(written(ThreadIds::At(&at, &id)), by_name);
        assert_eq!(read(dir.path(), &by_name).unwrap(), named);
        // One thread more: one chunk new, the others the same names.
        named.insert(10_000, vec!["new".into(), "x".into()]);
        let again = written(ThreadIds::Named(&named));
        let new = again.iter().filter(|n| !by_name.contains(n)).count();
        assert!(
            (1..=2).contains(&new),
            "{new} of {} chunks new",
            again.len()
        );
        assert_eq!(read(dir.path(), &again).unwrap(), named);
    }
}
