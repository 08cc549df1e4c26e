//! The build cache (the only "cache" of `archive/`): what the last build made of each file,
//! kept in the build folder so that the next build parses only the files (and overrides)
//! that changed.
//!
//! A dump's result is reused when its file and its override's are as they were (same size,
//! modification and change times, inode) and the program is the same one (a new binary may
//! parse differently: [`Program`]). Anything else about the file is a miss, and a cache that cannot be
//! read is no cache: the build starts over, never fails because of it.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Deserializer, Serialize};

use super::atomic_file;
use super::chunk_files::{self, ChunkName};
use super::index_list::IndexList;
use super::light_entry::{WholeEntry, usize_range};
use super::model::Part;
use super::report::{Problem, Said};
use super::results::Results;
pub use super::stamp::{Program, Stamp};
use super::store::Store;
use super::threads::Profile;
use crate::capture::warc::Skip;

mod cached_chunk;
mod names;
mod read;
mod table;
mod walk;
mod write;
pub use cached_chunk::{CachedChunk, Taken};
pub use names::{Names, name_key, stamps_key};
pub use walk::Walk;
pub use write::{
    CachedRef, DumpChunks, Dumps, Unnamed, name_written, new_mark, write_held, write_unnamed,
};
#[cfg(test)]
pub use write::{save, write_dumps};

const MAGIC: &[u8; 8] = b"ARSHIFC\x01";
/// Bump whenever anything inside [`BuildCache`] changes shape. v14: an entry's head holds its
/// dates in bytes of fixed width ([`super::light_entry::HEAD_LEN`]), not as varints. v15: each
/// chunk of dumps ends with their table ([`table`]), which a build reads light.
const VERSION: u32 = 15;
/// The file's name inside the build folder.
pub const FILE_NAME: &str = "cache.bin";

/// One file's result as the last build made it.
#[derive(Debug, Clone, Deserialize)]
#[serde(from = "Written")]
pub struct Cached {
    pub name: String,
    pub stamp: Stamp,
    /// The override's stamp, when the file had one. Boxed: few dumps have an override, and a
    /// million are read at every `+1`, into fresh pages.
    pub over: Option<Box<Stamp>>,
    /// Each article (whole, or light: [`Decode`]), where its parts are in the store, and its
    /// profile, in the shape of a build's results (a reused dump's are moved, not rebuilt).
    pub outcomes: Results,
    /// Its problems, and a crawl's skipped records.
    pub said: Said,
    /// Where `name` is in the chunk of `outcomes` read light (`name` is empty then).
    name_at: std::ops::Range<u32>,
}

/// [`Cached`] as [`CachedRef`] writes it, read whole (name, stamps, results, said).
#[derive(Deserialize)]
struct Written(
    String,
    Stamp,
    Option<Stamp>,
    #[serde(deserialize_with = "whole")] Results,
    Vec<Problem>,
    BTreeMap<Skip, usize>,
);

impl From<Written> for Cached {
    fn from(Written(name, stamp, over, outcomes, problems, skipped): Written) -> Cached {
        let said = Said::new(problems, skipped);
        let name_at = 0..0;
        Cached {
            name,
            stamp,
            over: over.map(Box::new),
            outcomes,
            said,
            name_at,
        }
    }
}

/// A dump's results read whole.
fn whole<'de, D: Deserializer<'de>>(d: D) -> Result<Results, D::Error> {
    let read = Vec::<(WholeEntry, Part, Profile)>::deserialize(d)?.into_iter();
    Ok(Results::Whole(
        read.map(|(e, part, profile)| (e.0, part, profile))
            .collect(),
    ))
}

impl Cached {
    /// Its file's name as written. Read light, it is left in the chunk, not checked nor copied:
    /// a build compares it with the name of a file it lists, and keeps that one.
    pub fn name_bytes(&self) -> &[u8] {
        match &self.outcomes {
            Results::Light(_, raw) => raw.chunk_bytes(usize_range(self.name_at.clone())),
            Results::Whole(_) => self.name.as_bytes(),
        }
    }
}

impl BuildCache {
    /// The cache with its dumps' table by name, for a listing that looks its names up in it
    /// rather than sorting them ([`Names`]).
    pub fn with_names(mut self) -> BuildCache {
        self.names = Some(Names::of(&self.dumps));
        self
    }

    /// Every dump, in order, each made or moved out of its chunk.
    pub fn every_dump(self) -> impl Iterator<Item = Cached> {
        self.dumps.into_iter().flat_map(CachedChunk::into_dumps)
    }
}

#[cfg(test)]
impl Cached {
    /// A dump of no articles, read whole, for the walks' tests outside this module.
    pub fn empty(name: &str, stamp: Stamp, over: Option<Stamp>) -> Cached {
        Cached {
            name: name.into(),
            stamp,
            over: over.map(Box::new),
            outcomes: Results::default(),
            said: Said::default(),
            name_at: 0..0,
        }
    }
}

/// How the cache's dumps are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decode {
    /// Every entry whole: the archive is to be made (and served) from them.
    Whole,
    /// Each entry's id, dates and provenance only, the rest kept where it is in the mapped
    /// chunk ([`super::light_entry`]): the archive is only to be written.
    Light,
}

/// The whole cache file, as read.
#[derive(Debug)]
pub struct BuildCache {
    pub program: Option<Program>,
    /// The store file (in the build folder) the part references point into.
    pub store: String,
    /// Its length when the cache was written: a shorter one lost parts.
    pub store_len: u64,
    /// The build that wrote it ([`new_mark`]): the compiled archive that build wrote holds
    /// the same, which tells the next build that the cache's index list is what that
    /// archive serves (a build killed between writing the two leaves them apart).
    pub mark: u64,
    /// The last build gave each file its name's id (none made unique) and each reused dump
    /// kept the id the cache held: every dump's entries hold its name's id, which the next
    /// build keeps where no new name's id meets another's ([`super::build::collect`]).
    pub ids_as_named: bool,
    /// Every dump of the last build, by name, in the chunks it was read from: at a million
    /// dumps, gathering them in one list was a quarter of a gigabyte moved into fresh pages.
    pub dumps: Vec<CachedChunk>,
    /// What the search index holds: each article's id and the parts it was indexed from,
    /// mapped, read where a build needs it ([`IndexList::read`]).
    pub indexed: IndexList,
    /// The chunks `dumps` was read from, in order.
    pub dump_chunks: Vec<KnownChunk>,
    /// `dumps` by name, for a listing to look its names up in ([`BuildCache::with_names`]).
    pub names: Option<Names>,
}

/// One chunk of the cache's dumps as read: enough to know, at the next save, that a run of
/// dumps reused unchanged is the very run it holds (names are unique and sorted, so the same
/// first and last name and the same count are the same dumps).
#[derive(Debug, Clone)]
pub struct KnownChunk {
    name: ChunkName,
    first: String,
    last: String,
    len: usize,
}

impl KnownChunk {
    fn of(name: ChunkName, dumps: &CachedChunk) -> Option<KnownChunk> {
        (!dumps.is_empty()).then_some(())?;
        Some(KnownChunk {
            name,
            first: String::from_utf8(dumps.name(0).to_vec()).ok()?,
            last: String::from_utf8(dumps.last_name().to_vec()).ok()?,
            len: dumps.len(),
        })
    }

    /// The chunk of `known` (in list order) that holds exactly `run`, if every dump of `run`
    /// was reused unchanged.
    fn holding(known: &[KnownChunk], run: &[CachedRef]) -> Option<ChunkName> {
        let (first, last) = (run.first()?, run.last()?);
        if !run.iter().all(|d| d.reused) {
            return None;
        }
        let at = known
            .binary_search_by(|c| c.first.as_str().cmp(first.name))
            .ok()?;
        let chunk = &known[at];
        (chunk.len == run.len() && chunk.last == last.name).then_some(chunk.name)
    }
}

pub fn path_in(build_dir: &Path) -> PathBuf {
    build_dir.join(FILE_NAME)
}

/// The folder of the chunks the cache file names.
pub(super) fn chunks_in(build_dir: &Path) -> PathBuf {
    path_in(build_dir).with_extension("chunks")
}

/// The cache file of `build_dir` as written, its lists not read.
fn read_file(build_dir: &Path) -> Option<CacheFile> {
    let bytes = fs::read(path_in(build_dir)).ok()?;
    let body = atomic_file::versioned_body(&bytes, MAGIC, VERSION)?;
    postcard::from_bytes(body).ok()
}

impl BuildCache {
    /// The cache of `build_dir` when it is readable, was written by this program, and its
    /// store is there; otherwise `None`.
    pub fn load(build_dir: &Path, decode: Decode) -> Option<BuildCache> {
        let cache = BuildCache::read_as(build_dir, decode)?;
        let program = Program::running_in(build_dir);
        let store = Store::open(&build_dir.join(&cache.store)).ok()?;
        (program.is_some() && cache.program == program && store.len() >= cache.store_len)
            .then_some(cache)
    }

    /// The cache file of `build_dir` as written, whichever program wrote it and whether or
    /// not its store is there (for measuring what a build does with it).
    pub fn read(build_dir: &Path) -> Option<BuildCache> {
        BuildCache::read_as(build_dir, Decode::Whole)
    }

    fn read_as(build_dir: &Path, decode: Decode) -> Option<BuildCache> {
        let file = read_file(build_dir)?;
        let chunks = chunks_in(build_dir);
        let (dumps, indexed) = rayon::join(
            || match decode {
                Decode::Whole => chunk_files::read(&chunks, &file.dumps)
                    .map(|chunks| chunks.into_iter().map(CachedChunk::Whole).collect()),
                Decode::Light => read::light(&chunks, &file.dumps),
            },
            || IndexList::map(&chunks, &file.indexed),
        );
        let dumps = dumps.ok()?;
        let dump_chunks = file
            .dumps
            .iter()
            .zip(&dumps)
            .map(|(name, run)| KnownChunk::of(*name, run))
            .collect::<Option<_>>()?;
        Some(BuildCache {
            program: file.program,
            store: file.store,
            store_len: file.store_len,
            mark: file.mark,
            ids_as_named: file.ids_as_named,
            dumps,
            indexed: indexed.ok()?,
            dump_chunks,
            names: None,
        })
    }
}

/// The cache file as written: [`BuildCache`] with its two long lists in chunks
/// ([`chunk_files`], in the folder `cache.chunks` beside it).
#[derive(Serialize, Deserialize)]
struct CacheFile {
    program: Option<Program>,
    store: String,
    store_len: u64,
    mark: u64,
    /// [`BuildCache::ids_as_named`].
    ids_as_named: bool,
    /// Of [`Cached`]s ([`CachedRef`]s as written), by name.
    dumps: Vec<ChunkName>,
    /// Of `(String, PartRef)`s, by id.
    indexed: Vec<ChunkName>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::results::Outcomes;

    /// A new empty store in `dir`: its file name and length.
    fn empty_store(dir: &Path) -> (String, u64) {
        super::super::store::empty_in(dir)
    }

    #[test]
    fn an_unreadable_cache_is_no_cache() {
        let dir = tempfile::tempdir().unwrap();
        assert!(BuildCache::load(dir.path(), Decode::Whole).is_none());
        fs::write(path_in(dir.path()), b"ARSHIFC\x01\x01\0\0\0garbage").unwrap();
        assert!(BuildCache::load(dir.path(), Decode::Whole).is_none());

        let (store, len) = empty_store(dir.path());
        save(dir.path(), &store, len, std::iter::empty(), &[], &[]).unwrap();
        assert!(BuildCache::load(dir.path(), Decode::Whole).is_some());
        save(dir.path(), &store, len + 1, std::iter::empty(), &[], &[]).unwrap();
        assert!(
            BuildCache::load(dir.path(), Decode::Whole).is_none(),
            "a store shorter than the cache knew it lost parts"
        );
        save(dir.path(), &store, len, std::iter::empty(), &[], &[]).unwrap();
        assert!(BuildCache::load(dir.path(), Decode::Whole).is_some());
        fs::remove_file(dir.path().join(&store)).unwrap();
        assert!(
            BuildCache::load(dir.path(), Decode::Whole).is_none(),
            "a cache whose store is gone points nowhere"
        );
    }

    #[test]
    fn a_cache_of_an_older_version_is_no_cache() {
        // Version 13 says whether its dumps' entries hold their names' ids: a cache of 12 read
        // as one would have its old ids kept. A cache of 13 writes its heads' dates as
        // varints: read as 14's fixed-width bytes, they would be refused, or misread. A
        // cache of 14's chunks end with no table (15's `table`): read light, refused.
        let dir = tempfile::tempdir().unwrap();
        let (store, len) = empty_store(dir.path());
        save(dir.path(), &store, len, std::iter::empty(), &[], &[]).unwrap();
        let read = BuildCache::load(dir.path(), Decode::Light).unwrap();
        assert!(
            !read.ids_as_named,
            "saved without a build's word for its ids"
        );
        let mut bytes = fs::read(path_in(dir.path())).unwrap();
        for older in [12u32, 13, 14] {
            bytes[MAGIC.len()..MAGIC.len() + 4].copy_from_slice(&older.to_le_bytes());
            fs::write(path_in(dir.path()), &bytes).unwrap();
            assert!(BuildCache::load(dir.path(), Decode::Light).is_none());
        }
    }

    /// A build killed once its dumps' chunks are written, before the cache file names them:
    /// the cache read is still the last one whole, and the next save removes what it wrote.
    #[test]
    fn dump_chunks_written_ahead_are_the_cache_only_once_a_file_names_them() {
        let dir = tempfile::tempdir().unwrap();
        let (store, len) = empty_store(dir.path());
        let stamp = Stamp::of(&fs::metadata(dir.path()).unwrap());
        let (problems, skipped, none) = (Vec::new(), BTreeMap::new(), Results::default());
        let one = |name| {
            std::iter::once(CachedRef {
                name,
                stamp: &stamp,
                over: None,
                outcomes: Outcomes(&none),
                problems: &problems,
                skipped: &skipped,
                reused: false,
            })
        };
        save(dir.path(), &store, len, one("a.txt"), &[], &[]).unwrap();
        let killed = write_dumps(dir.path(), one("b.txt"), &[], false).unwrap();
        let written = chunk_files::path_of(&chunks_in(dir.path()), &killed.names[0]);
        assert!(written.is_file());
        let names = |c: BuildCache| c.every_dump().map(|d| d.name);
        let read = BuildCache::load(dir.path(), Decode::Whole).unwrap();
        assert_eq!(names(read).collect::<Vec<_>>(), ["a.txt"]);
        save(dir.path(), &store, len, one("c.txt"), &[], &[]).unwrap();
        assert!(!written.exists(), "named by no file: removed");
        let read = BuildCache::load(dir.path(), Decode::Whole).unwrap();
        assert_eq!(names(read).collect::<Vec<_>>(), ["c.txt"]);
    }

    /// A build's dumps for [`write_held`]: each name, whether it is the cache's dump of that
    /// place as read, whether the cache holds it (its parts all in the store), its stamp.
    struct Listed {
        dumps: Vec<(String, Option<u32>, bool, Stamp)>,
        none: Results,
        problems: Vec<Problem>,
        skipped: BTreeMap<Skip, usize>,
    }

    impl<'a> Dumps<'a> for &'a Listed {
        fn count(&self) -> usize {
            self.dumps.len()
        }

        fn cached(&self, i: usize) -> Option<CachedRef<'a>> {
            let (name, place, cached, stamp) = &self.dumps[i];
            cached.then_some(CachedRef {
                name,
                stamp,
                over: None,
                outcomes: Outcomes(&self.none),
                problems: &self.problems,
                skipped: &self.skipped,
                reused: place.is_some(),
            })
        }

        fn name(&self, i: usize) -> &'a str {
            &self.dumps[i].0
        }

        fn reused_from(&self, i: usize) -> Option<u32> {
            self.dumps[i].1
        }
    }

    /// Every dump of `listed` the cache holds, as it holds them.
    fn every(listed: &Listed) -> impl Iterator<Item = CachedRef<'_>> {
        (0..listed.dumps.len()).filter_map(move |i| listed.cached(i))
    }

    /// What a build did to the dump at one place of the last cache.
    #[derive(Debug, Clone, Copy)]
    enum Edit {
        Removed,
        Rewritten,
        /// Parsed again, its parts not all in the store: left out of the cache.
        LeftOut,
        /// A new dump named just after it.
        AddedAfter,
        /// A new dump named just after it, left out of the cache.
        AddedLeftOutAfter,
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(24))]
        /// Taking by name the last cache's chunks that no change reached, the dumps' chunks are
        /// the ones a cut of the whole list gives, and as many results are left out.
        #[test]
        fn chunks_held_by_the_walks_places_are_the_whole_lists_chunks(
            edits in proptest::collection::vec(
                (0usize..20_000, proptest::option::of(-2i64..=2), proptest::sample::select(vec![
                    Edit::Removed, Edit::Rewritten, Edit::LeftOut, Edit::AddedAfter,
                    Edit::AddedLeftOutAfter,
                ])),
                0..12,
            ),
            appended in 0usize..3,
        ) {
            let dir = tempfile::tempdir().unwrap();
            let (store, len) = empty_store(dir.path());
            let stamp = Stamp::of_parts(1, (1, 0), (1, 0), 1);
            let later = Stamp::of_parts(2, (2, 0), (2, 0), 2);
            let names: Vec<String> = (0..20_000).map(|i| format!("{i:06}.txt")).collect();
            let listed = |dumps| Listed {
                dumps,
                none: Results::default(),
                problems: Vec::new(),
                skipped: BTreeMap::new(),
            };
            let first = listed(names.iter().map(|n| (n.clone(), None, true, stamp)).collect());
            save(dir.path(), &store, len, every(&first), &[], &[]).unwrap();
            let known = BuildCache::load(dir.path(), Decode::Whole).unwrap().dump_chunks;
            // Most edits near a chunk's first dump, where whether a chunk is held turns.
            let starts: Vec<usize> = known
                .iter()
                .scan(0, |at, chunk| Some(std::mem::replace(at, *at + chunk.len)))
                .collect();
            let near = |i: usize, by: i64| {
                let start = starts[i % starts.len()];
                start.saturating_add_signed(by as isize).min(names.len() - 1)
            };
            let edited: BTreeMap<usize, Edit> = (edits.into_iter())
                .map(|(i, by, edit)| (by.map_or(i, |by| near(i, by)), edit))
                .collect();
            let mut dumps = Vec::new();
            for (i, name) in names.iter().enumerate() {
                let place = u32::try_from(i).ok();
                match edited.get(&i) {
                    None => dumps.push((name.clone(), place, true, stamp)),
                    Some(Edit::Removed) => {}
                    Some(Edit::Rewritten) => dumps.push((name.clone(), None, true, later)),
                    Some(Edit::LeftOut) => dumps.push((name.clone(), None, false, later)),
                    Some(Edit::AddedAfter | Edit::AddedLeftOutAfter) => {
                        let cached = matches!(edited.get(&i), Some(Edit::AddedAfter));
                        dumps.push((name.clone(), place, true, stamp));
                        dumps.push((format!("{i:06}~.txt"), None, cached, later));
                    }
                }
            }
            for k in 0..appended {
                dumps.push((format!("zz{k}.txt"), None, true, later));
            }
            let listed = listed(dumps);
            let changed: Vec<usize> = (0..listed.dumps.len())
                .filter(|&i| listed.dumps[i].1.is_none())
                .collect();
            let (held, left_out) = write_held(dir.path(), &&listed, &changed, &known, true).unwrap();
            let whole = write_dumps(dir.path(), every(&listed), &known, true).unwrap();
            proptest::prop_assert_eq!(held.names, whole.names);
            let uncached = listed.dumps.iter().filter(|d| !d.2).count();
            proptest::prop_assert_eq!(left_out, uncached);
        }
    }

    #[test]
    fn reused_dumps_keep_their_chunk_and_a_changed_one_gets_a_new_one() {
        let dir = tempfile::tempdir().unwrap();
        let (store, len) = empty_store(dir.path());
        let stamp = Stamp::of(&fs::metadata(dir.path()).unwrap());
        let names: Vec<String> = (0..20_000).map(|i| format!("{i:06}.txt")).collect();
        let (problems, skipped, none) = (Vec::new(), BTreeMap::new(), Results::default());
        let refs = |reused: bool| -> Vec<CachedRef> {
            names
                .iter()
                .map(|name| CachedRef {
                    name,
                    stamp: &stamp,
                    over: None,
                    outcomes: Outcomes(&none),
                    problems: &problems,
                    skipped: &skipped,
                    reused,
                })
                .collect()
        };
        save(dir.path(), &store, len, refs(false).into_iter(), &[], &[]).unwrap();
        let first = BuildCache::load(dir.path(), Decode::Whole).unwrap();
        assert_eq!(
            first.dumps.iter().map(CachedChunk::len).sum::<usize>(),
            names.len()
        );
        let known = first.dump_chunks.clone();
        assert!(known.len() > 1);
        save(dir.path(), &store, len, refs(true).into_iter(), &known, &[]).unwrap();
        let second = BuildCache::load(dir.path(), Decode::Whole).unwrap();
        let chunks = |c: &BuildCache| c.dump_chunks.iter().map(|k| k.name).collect::<Vec<_>>();
        assert_eq!(chunks(&second), chunks(&first));

        // One dump parsed again (not reused) and its stamp changed: its chunk is new.
        let later = Stamp::of(&fs::metadata(path_in(dir.path())).unwrap());
        let changed = names.iter().enumerate().map(|(i, name)| CachedRef {
            name,
            stamp: if i == 5 { &later } else { &stamp },
            over: None,
            outcomes: Outcomes(&none),
            problems: &problems,
            skipped: &skipped,
            reused: i != 5,
        });
        save(dir.path(), &store, len, changed, &known, &[]).unwrap();
        let third = BuildCache::load(dir.path(), Decode::Whole).unwrap();
        assert_ne!(chunks(&third)[0], chunks(&first)[0]);
        assert_eq!(chunks(&third)[1..], chunks(&first)[1..]);
        assert_eq!(third.every_dump().nth(5).unwrap().stamp, later);
    }
}
