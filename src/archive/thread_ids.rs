//! The threads as the compiled archive writes them: in content-named chunks
//! ([`super::chunk_files`]) cut by each thread's first id, so that a build writes only the
//! chunks of the threads it changed; the threads' article ids read in the order of the
//! results into one buffer ([`Gathered`]), not into a list of lists.

use std::io;
use std::ops::Range;
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
                let (ids, threads) = Gathered::of(threads, id);
                let ends =
                    |t: &Range<usize>| (t.start < t.end) && Cut::ARCHIVE.ends(ids.id(t.start));
                let encode = |t: &Range<usize>, out: &mut Vec<u8>| {
                    chunk_files::postcard_item(&Ids(&ids, t.clone()), out)
                };
                write_chunks(dir, &threads, ends, encode, durability)
            }
        }
    }
}

/// Every threaded article's id, copied into one buffer, each thread's a run of it.
///
/// Read thread by thread, each id was a read out of the caches: a thread's articles lie
/// anywhere among the results, and an id is reached through its file's result and then its
/// head (at a million articles, some 600 K ids, two misses each, ≈ 0.17 CPU-s of a `+1`'s
/// last step by the profile, notes/build-bench.md, session 54). The places are sorted first,
/// so that the results are read in their order, as the hardware reads ahead; the ids are then
/// written from one buffer a few megabytes long.
struct Gathered {
    text: String,
    /// Where each id is in `text`, in the threads' order.
    spans: Vec<Range<usize>>,
}

impl Gathered {
    /// The ids of `threads` and each thread's run of them.
    fn of<'a>(
        threads: &[Vec<At>],
        id: &(dyn Fn(At) -> &'a str + Sync),
    ) -> (Gathered, Vec<Range<usize>>) {
        let total = threads.iter().map(Vec::len).sum();
        let mut runs = Vec::with_capacity(threads.len());
        let mut by_place: Vec<(At, usize)> = Vec::with_capacity(total);
        for thread in threads {
            let start = by_place.len();
            by_place.extend(thread.iter().zip(start..).map(|(&at, slot)| (at, slot)));
            runs.push(start..by_place.len());
        }
        by_place.par_sort_unstable_by_key(|&(at, _)| at);
        // A numbered dump's id is 16 hex digits; others grow it.
        let mut text = String::with_capacity(total * 16);
        let mut spans = vec![0..0; total];
        for (at, slot) in by_place {
            let start = text.len();
            text.push_str(id(at));
            spans[slot] = start..text.len();
        }
        (Gathered { text, spans }, runs)
    }

    fn id(&self, slot: usize) -> &str {
        &self.text[self.spans[slot].clone()]
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

/// One thread's ids, its run of the gathered ones.
struct Ids<'g>(&'g Gathered, Range<usize>);

impl Serialize for Ids<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.1.clone().map(|slot| self.0.id(slot)))
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

    #[test]
    fn threads_whose_articles_lie_anywhere_are_written_as_the_named_ones() {
        let dir = tempfile::tempdir().unwrap();
        // Places handed out in a scrambled order (a step prime to their count), so that every
        // thread's articles come from all over the results, and later threads from before
        // earlier ones; threads of one to five articles, ids of several lengths.
        let (files, per_file) = (997, 3);
        let ids: Vec<Vec<String>> = (0..files)
            .map(|i| {
                (0..per_file)
                    .map(|j| format!("{}-{j}", "م".repeat(i % 7)))
                    .collect()
            })
            .collect();
        let mut places = (0..files * per_file).map(|k| (k * 389) % (files * per_file));
        let mut at: Vec<Vec<At>> = Vec::new();
        'threads: for size in (1..=5).cycle() {
            let mut thread = Vec::new();
            for _ in 0..size {
                let Some(k) = places.next() else {
                    at.push(thread);
                    break 'threads;
                };
                thread.push((k / per_file, k % per_file));
            }
            at.push(thread);
        }
        let named: Vec<Vec<String>> = (at.iter())
            .map(|t| t.iter().map(|&(i, j)| ids[i][j].clone()).collect())
            .collect();
        let id = |(i, j): At| ids[i][j].as_str();
        let by_place = ThreadIds::At(&at, &id).write(dir.path(), Durability::Cached);
        let by_name = ThreadIds::Named(&named).write(dir.path(), Durability::Cached);
        assert_eq!(by_place.unwrap(), by_name.unwrap());
        let names = ThreadIds::At(&at, &id)
            .write(dir.path(), Durability::Cached)
            .unwrap();
        assert_eq!(read(dir.path(), &names).unwrap(), named);
    }
}
