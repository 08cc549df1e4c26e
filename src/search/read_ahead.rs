//! What a query will read of the index, asked of the disk before the query reads it.
//!
//! The index is read through memory maps, so on a cold page cache (a server started after a
//! large build) a query waits for the disk once for every page it touches, one wait after
//! another: each segment's dictionaries, then its postings and field norms, then the hits'
//! stored ids. Two things shorten that (notes/search-bench.md, session 32):
//! - the index's maps are advised random ([`open_index`]): a page fault then reads its page,
//!   not the disk's whole read-ahead window around it (8 MB on the machine measured, 12–25 ms
//!   a fault), where a query reads a few scattered pages of each file (dictionaries, postings,
//!   field norms, stored ids). The positions keep the kernel's read-around: a phrase of three
//!   words reads long runs of them, and the background read-ahead does not read them.
//! - while the background read-ahead of the whole index runs ([`ReadAhead::run`], once
//!   `serve` listens), a query first looks its terms up in every segment at once, a thread a
//!   few segments, and hands the kernel the byte ranges of their postings, positions and
//!   norms ([`Ahead::terms`]); and the page's hits' stored ids are read on a thread each
//!   ([`Ahead::stored`]). The waits then overlap instead of queueing. Once the read-ahead has
//!   ended, the index is in memory and a query does neither (no thread, no system call).

use std::io::Read;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tantivy::directory::CompositeFile;
use tantivy::index::{Segment, SegmentComponent};
use tantivy::schema::Field;
use tantivy::{DocAddress, Index, Searcher, SegmentReader, Term};

use super::stored::Stores;

/// At most this many threads look a query's terms up: a thread takes several segments of an
/// index of more (an archive updated often holds many small ones).
const MAX_THREADS: usize = 16;

/// A field's postings start after its count of tokens, a `u64` (`InvertedIndexReader::new`).
const TOKEN_COUNT_BYTES: usize = 8;

/// What a query reads of one of its terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Reads {
    /// Its entry in the dictionary (a document frequency).
    Entry,
    /// Its postings and its field's norms too (a term scored).
    Postings,
    /// And its positions (a word of a phrase of three words or more).
    Positions,
}

/// A part of a segment's files handed to the kernel ahead of a query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Part {
    Postings,
    Positions,
    Norms,
}

/// A range asked for ahead, for the tests: `bytes` of `part` of `field` in segment `segment`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Asked {
    pub(super) segment: usize,
    pub(super) field: Field,
    pub(super) part: Part,
    pub(super) bytes: usize,
}

/// The composite files of one segment whose ranges are asked for ahead.
struct SegmentFiles {
    postings: CompositeFile,
    positions: CompositeFile,
    norms: CompositeFile,
}

impl SegmentFiles {
    /// The segment's files; the positions' map is given back the kernel's read-around.
    fn open(segment: &Segment) -> tantivy::Result<SegmentFiles> {
        let open = |component| segment.open_read(component);
        let positions = open(SegmentComponent::Positions)?;
        // The directory hands back the map the segment's reader holds (it keeps one a file
        // while any reader uses it), so the advice is on the map queries read.
        advise(&positions.read_bytes()?, Advice::Normal);
        Ok(SegmentFiles {
            postings: CompositeFile::open(&open(SegmentComponent::Postings)?)?,
            positions: CompositeFile::open(&positions)?,
            norms: CompositeFile::open(&open(SegmentComponent::FieldNorms)?)?,
        })
    }
}

/// The index in `dir`, every file mapped for random reading (from its first page: opening a
/// segment reads each file's footer) but for the positions ([`SegmentFiles::open`]).
pub(super) fn open_index(dir: &Path) -> tantivy::Result<Index> {
    #[cfg(unix)]
    let directory = tantivy::directory::MmapDirectory::open_with_madvice(
        dir,
        tantivy::directory::Advice::Random,
    )?;
    #[cfg(not(unix))]
    let directory = tantivy::directory::MmapDirectory::open(dir)?;
    Index::open(directory)
}

/// A searcher's files as queries read them ahead; see the module's documentation.
pub(super) struct Ahead {
    /// The searcher's segments in its order; `None` for one whose files would not open (its
    /// queries read as they would without this).
    segments: Vec<Option<SegmentFiles>>,
    /// How many read-aheads of the whole index run: while any does, queries fetch their own
    /// pages first.
    running: Arc<AtomicUsize>,
    dir: PathBuf,
}

impl Ahead {
    /// The files of `searcher`'s segments, of `index` in `dir`.
    pub(super) fn open(index: &Index, searcher: &Searcher, dir: &Path) -> tantivy::Result<Ahead> {
        let segments = index.searchable_segments()?;
        let segments = searcher
            .segment_readers()
            .iter()
            .map(|reader| {
                let segment = segments.iter().find(|s| s.id() == reader.segment_id())?;
                SegmentFiles::open(segment)
                    .inspect_err(|e| {
                        tracing::debug!("segment {}: {e}", segment.id().short_uuid_string())
                    })
                    .ok()
            })
            .collect();
        Ok(Ahead {
            segments,
            running: Arc::default(),
            dir: dir.to_path_buf(),
        })
    }

    /// The read-ahead of the whole index, to run on a background thread: until it ends,
    /// queries fetch their own pages first.
    pub(super) fn start(&self) -> ReadAhead {
        self.running.fetch_add(1, Ordering::Relaxed);
        ReadAhead {
            dir: self.dir.clone(),
            running: self.running.clone(),
        }
    }

    /// Whether queries fetch their own pages first.
    pub(super) fn is_running(&self) -> bool {
        self.running.load(Ordering::Relaxed) > 0
    }

    /// Looks each of `wanted` up in every segment of `searcher` at once and asks the kernel for
    /// what the query will read of it. Returns what was asked for. A segment that fails is left
    /// to the query, which reads it as it would have (and reports the error itself).
    pub(super) fn terms(&self, searcher: &Searcher, wanted: &[(Term, Reads)]) -> Vec<Asked> {
        let readers = searcher.segment_readers();
        let files = &self.segments;
        let asked = on_threads(readers, |first, readers| {
            let mut asked = Vec::new();
            for (i, reader) in readers.iter().enumerate() {
                let files = files[first + i].as_ref();
                match fetch(reader, files, wanted, first + i) {
                    Ok(more) => asked.extend(more),
                    Err(e) => tracing::debug!("cannot read ahead a segment: {e}"),
                }
            }
            asked
        });
        asked.into_iter().flatten().collect()
    }

    /// Reads the stored documents at `hits` on a thread each (a few each past [`MAX_THREADS`]),
    /// so that their blocks' pages are read at once; each block is kept decompressed by
    /// `stores`, where the page's ids are then read one after another.
    pub(super) fn stored(&self, stores: &Stores, hits: &[DocAddress]) {
        on_threads(hits, |_, hits| {
            for &hit in hits {
                if let Err(e) = stores.get(hit) {
                    tracing::debug!("cannot read a stored document ahead: {e}");
                }
            }
        });
    }
}

/// `work` on `items` shared among at most [`MAX_THREADS`] scoped threads, a run of items each,
/// given with the place of its first item; the results of the threads that ran. A thread
/// that cannot be started leaves its items to the query, which reads them itself.
fn on_threads<T: Sync, R: Send>(items: &[T], work: impl Fn(usize, &[T]) -> R + Sync) -> Vec<R> {
    let per_thread = items.len().div_ceil(MAX_THREADS).max(1);
    let work = &work;
    std::thread::scope(|scope| {
        let threads: Vec<_> = items
            .chunks(per_thread)
            .enumerate()
            .filter_map(|(chunk, items)| {
                let spawned = std::thread::Builder::new()
                    .name("arshif-ahead".to_owned())
                    .spawn_scoped(scope, move || work(chunk * per_thread, items));
                spawned
                    .inspect_err(|e| tracing::debug!("cannot read ahead: {e}"))
                    .ok()
            })
            .collect();
        threads.into_iter().filter_map(|t| t.join().ok()).collect()
    })
}

/// What `wanted` reads of the segment `reader` (number `segment`), asked of the kernel.
fn fetch(
    reader: &SegmentReader,
    files: Option<&SegmentFiles>,
    wanted: &[(Term, Reads)],
    segment: usize,
) -> tantivy::Result<Vec<Asked>> {
    let mut asked = Vec::new();
    let mut ask = |field, part, bytes: &[u8]| {
        advise(bytes, Advice::WillNeed);
        asked.push(Asked {
            segment,
            field,
            part,
            bytes: bytes.len(),
        });
    };
    let mut normed: Vec<Field> = Vec::new();
    for (term, reads) in wanted {
        let field = term.field();
        // Opens the field's dictionary in the reader (kept there for the query) and walks it.
        let Some(info) = reader.inverted_index(field)?.get_term_info(term)? else {
            continue;
        };
        let Some(files) = files else { continue };
        if *reads >= Reads::Postings {
            if let Some(postings) = files.postings.open_read(field) {
                let postings = postings.read_bytes()?;
                let range = shifted(&info.postings_range, TOKEN_COUNT_BYTES);
                if let Some(bytes) = postings.as_slice().get(range) {
                    ask(field, Part::Postings, bytes);
                }
            }
            if !normed.contains(&field) {
                normed.push(field);
                if let Some(norms) = files.norms.open_read(field) {
                    ask(field, Part::Norms, &norms.read_bytes()?);
                }
            }
        }
        if *reads >= Reads::Positions
            && let Some(positions) = files.positions.open_read(field)
        {
            let positions = positions.read_bytes()?;
            if let Some(bytes) = positions.as_slice().get(info.positions_range.clone()) {
                ask(field, Part::Positions, bytes);
            }
        }
    }
    Ok(asked)
}

fn shifted(range: &Range<usize>, by: usize) -> Range<usize> {
    range.start.saturating_add(by)..range.end.saturating_add(by)
}

/// The read-ahead of an index's files, to run on a background thread ([`ReadAhead::run`]).
pub struct ReadAhead {
    dir: PathBuf,
    running: Arc<AtomicUsize>,
}

impl ReadAhead {
    /// Reads the index through ([`warm`]); gives the bytes read. Queries stop fetching their
    /// own pages first when it ends, whether it read all or failed.
    pub fn run(self) -> std::io::Result<u64> {
        warm(&self.dir)
    }
}

impl Drop for ReadAhead {
    fn drop(&mut self) {
        self.running.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Reads through what any query of the index at `dir` reads, so that the kernel keeps it in
/// memory: the term dictionaries, the field norms, the stored ids (small: the ids alone) and
/// the postings (not the positions, which only phrases of three words or more read). After a
/// large build these may have left the page cache, and a first query then waits
/// for the disk page by page. Read a megabyte at a time rather than handed to the kernel
/// whole (`posix_fadvise`): a read-ahead of a gigabyte at once would queue in front of the
/// first reader's own page faults. Gives the bytes read; meant for a background thread.
fn warm(dir: &Path) -> std::io::Result<u64> {
    let mut files: Vec<(usize, PathBuf)> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter_map(|path| {
            let rank = match path.extension()?.to_str()? {
                "term" => 0,
                "fieldnorm" => 1,
                "store" => 2,
                "idx" => 3,
                _ => return None,
            };
            Some((rank, path))
        })
        .collect();
    // The small files every query opens first, the postings after them.
    files.sort();
    let mut buffer = vec![0; 1 << 20];
    let mut read = 0;
    for (_, path) in files {
        let mut file = std::fs::File::open(&path)?;
        loop {
            match file.read(&mut buffer)? {
                0 => break,
                n => read += n as u64,
            }
        }
    }
    Ok(read)
}

#[derive(Clone, Copy)]
enum Advice {
    Normal,
    WillNeed,
}

/// Tells the kernel how the mapped `bytes` will be read (`madvise`). Only a hint: an error
/// (memory that is not a file's map, as in an index held in memory) changes nothing.
fn advise(bytes: &[u8], advice: Advice) {
    #[cfg(unix)]
    {
        if bytes.is_empty() {
            return;
        }
        // SAFETY: `sysconf` reads a constant of the system.
        let page = usize::try_from(unsafe { libc::sysconf(libc::_SC_PAGESIZE) }).unwrap_or(4096);
        let start = bytes.as_ptr() as usize;
        let aligned = start - start % page.max(1);
        let advice = match advice {
            Advice::Normal => libc::MADV_NORMAL,
            Advice::WillNeed => libc::MADV_WILLNEED,
        };
        // SAFETY: the range is the pages holding `bytes`, mapped while it is borrowed; these
        // two advices change what the kernel reads ahead, never what the memory holds.
        unsafe {
            libc::madvise(
                aligned as *mut libc::c_void,
                bytes.len() + (start - aligned),
                advice,
            );
        }
    }
    #[cfg(not(unix))]
    let _ = (bytes, advice);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warming_reads_the_dictionaries_norms_and_postings_whole() {
        let dir = tempfile::tempdir().unwrap();
        let search = dir.path().join("search");
        let article = crate::parse::Article {
            id: "a".into(),
            title: "وزير الخارجية".into(),
            body: vec!["قال وزير الخارجية الروسي سيرغي لافروف".into()],
            ..Default::default()
        };
        super::super::build_index([&article], &search).unwrap();
        let wanted: u64 = std::fs::read_dir(&search)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                p.extension().is_some_and(|e| {
                    ["term", "fieldnorm", "store", "idx"].contains(&e.to_str().unwrap())
                })
            })
            .map(|p| std::fs::metadata(p).unwrap().len())
            .sum();
        assert!(wanted > 0);
        assert_eq!(warm(&search).unwrap(), wanted);
        assert!(warm(&dir.path().join("missing")).is_err());
    }

    fn article(id: &str, title: &str, body: &str) -> crate::parse::Article {
        crate::parse::Article {
            id: id.into(),
            title: title.into(),
            body: vec![body.into()],
            ..Default::default()
        }
    }

    /// An index of three segments (three updates of an empty build, each one segment: a
    /// build shares its articles between its threads): the first and the last hold the
    /// query's words, the second not.
    fn three_segments(dir: &Path) {
        super::super::build_index(&[], dir).unwrap();
        for batch in [
            [
                article("a", "سوريا", "قال وزير الخارجية إن سوريا"),
                article("b", "خبر", "وزير الخارجية الروسي سيرغي لافروف"),
            ],
            [
                article("c", "طقس", "أمطار غزيرة"),
                article("d", "رياضة", "مباراة"),
            ],
            [
                article("e", "سوريا", "وزير الخارجية في سوريا"),
                article("f", "x", "لافروف"),
            ],
        ] {
            let writer = super::super::IndexWriter::open(dir).unwrap();
            for a in &batch {
                writer.add(a).unwrap();
            }
            writer.commit().unwrap();
        }
    }

    #[test]
    fn a_query_asks_for_its_terms_in_every_segment_that_holds_them() {
        let dir = tempfile::tempdir().unwrap();
        three_segments(dir.path());
        let index = super::super::SearchIndex::open(dir.path()).unwrap();
        let readers = index.searcher.segment_readers();
        assert_eq!(readers.len(), 3);
        let holds = |segment: usize, term: &Term| {
            let inverted = readers[segment].inverted_index(term.field()).unwrap();
            inverted.get_term_info(term).unwrap().is_some()
        };
        let f = index.fields;
        let queries = ["سوريا", "\"وزير الخارجية\"", "\"وزير الخارجية الروسي\""];
        for query in queries {
            let wanted = super::super::query::wanted(&super::super::query::parse_query(query), f);
            let asked = index.ahead.terms(&index.searcher, &wanted);
            // In each segment, a field's postings (positions) asked once for each of its terms
            // there that is scored (in a phrase of three words), and its norms when any is.
            for segment in 0..3 {
                for (field, _) in &wanted {
                    let field = field.field();
                    let scored = |least| {
                        let held = wanted.iter().filter(|(t, r)| {
                            t.field() == field && *r >= least && holds(segment, t)
                        });
                        held.count()
                    };
                    let got = |part| {
                        let of =
                            |a: &&Asked| (a.segment, a.field, a.part) == (segment, field, part);
                        asked.iter().filter(of).filter(|a| a.bytes > 0).count()
                    };
                    assert_eq!(got(Part::Postings), scored(Reads::Postings), "{query}");
                    assert_eq!(got(Part::Positions), scored(Reads::Positions), "{query}");
                    assert_eq!(got(Part::Norms), usize::from(scored(Reads::Postings) > 0));
                }
            }
            let norms = asked.iter().filter(|a| a.part == Part::Norms);
            let mut once: Vec<_> = norms.map(|a| (a.segment, a.field)).collect();
            let n = once.len();
            once.dedup();
            assert_eq!(once.len(), n, "{query}: a field's norms asked twice");
            // The words are in the build's segment and the last update's, not in the first
            // update's: nothing is asked of that one.
            let asked_of = |s| asked.iter().any(|a: &Asked| a.segment == s);
            assert_eq!(
                (0..3).filter(|&s| asked_of(s)).count(),
                2,
                "{query}: {asked:?}"
            );
        }
    }

    #[test]
    fn queries_read_ahead_only_while_the_index_is_read_and_find_the_same() {
        struct NoBodies;
        impl super::super::Paragraphs for NoBodies {
            fn paragraphs(&self, ids: &[&str]) -> Vec<Option<Arc<str>>> {
                vec![None; ids.len()]
            }
            fn listed_at(&self, ids: &[&str]) -> Vec<Option<usize>> {
                vec![None; ids.len()]
            }
        }
        let dir = tempfile::tempdir().unwrap();
        three_segments(dir.path());
        let index = super::super::SearchIndex::open(dir.path()).unwrap();
        let queries = [
            "سوريا",
            "لافروف",
            "\"وزير الخارجية\"",
            "\"وزير الخارجية الروسي\"",
        ];
        let search = || -> Vec<_> {
            let found = queries
                .iter()
                .map(|q| index.search(q, 0, 10, &NoBodies).unwrap());
            found.collect()
        };
        assert!(!index.ahead.is_running());
        let plain = search();
        assert!(plain.iter().all(|r| !r.hits.is_empty()), "{plain:?}");
        let (first, second) = (index.read_ahead(), index.read_ahead());
        assert!(index.ahead.is_running());
        assert_eq!(search(), plain);
        // The query's own read-ahead stops when the last read-ahead of the index ends.
        assert!(first.run().unwrap() > 0);
        assert!(index.ahead.is_running());
        drop(second);
        assert!(!index.ahead.is_running());
        assert_eq!(search(), plain);
    }

    /// The maps' advice as the kernel holds it (`VmFlags` of `/proc/self/smaps`: `rr` is
    /// random reading).
    #[cfg(target_os = "linux")]
    #[test]
    fn the_maps_a_query_reads_scattered_pages_of_are_advised_random() {
        let dir = tempfile::tempdir().unwrap();
        three_segments(dir.path());
        let index = super::super::SearchIndex::open(dir.path()).unwrap();
        let smaps = std::fs::read_to_string("/proc/self/smaps").unwrap();
        let root = dir.path().canonicalize().unwrap();
        let mut flags: Vec<(String, bool)> = Vec::new();
        let mut file = None;
        for line in smaps.lines() {
            let path = line.split_whitespace().nth(5).map(Path::new);
            if let Some(path) = path.filter(|p| p.starts_with(&root)) {
                file = path.extension().map(|e| e.to_string_lossy().into_owned());
            } else if let Some(vm) = line.strip_prefix("VmFlags:")
                && let Some(extension) = file.take()
            {
                flags.push((extension, vm.split_whitespace().any(|f| f == "rr")));
            }
        }
        for extension in ["term", "idx", "fieldnorm", "store", "pos"] {
            let maps: Vec<bool> = flags
                .iter()
                .filter(|(e, _)| e == extension)
                .map(|(_, random)| *random)
                .collect();
            assert_eq!(maps.len(), 3, "{extension}: {flags:?}");
            assert!(
                maps.iter().all(|&random| random == (extension != "pos")),
                "{extension}"
            );
        }
        drop(index);
    }
}
