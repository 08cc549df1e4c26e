//! The compiled archive file: what `build` writes and `serve` loads, so serving never parses.
//!
//! Layout: an 8-byte magic, a little-endian u32 format version, then the postcard encoding of
//! the archive's [`Source`] (which folder and options it was built from, first so that it is
//! read without the rest), the store's name, the names of the chunks holding its light entries
//! (no bodies, no dump text) with where each one's parts are in the store beside it
//! ([`super::store`]; the chunks are files of the folder `archive.chunks` beside it, written
//! only when their content is new: [`chunk_files`]) and what the next build knows each chunk
//! by (`entry_print`), the names of the chunks holding the threads (in the same folder:
//! [`super::thread_ids`]), the aliases. A file of another
//! version is refused (and rebuilt by `serve`), never misread. Loading decodes only the light
//! part, so it is quick and small however large the archive's text.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::atomic_file::{self, Durability};
pub use super::built_from::Source;
use super::chunk_files::{self, ChunkName, Cut, Piece};
use super::chunked::{self, Chunks};
use super::entry_print::{AsBefore, Chunk, Known};
use super::light_entry::EntryRef;
use super::model::{Archive, Part};
use super::store::{self, PartRef, Store, StoreWriter};
use super::thread_ids::ThreadIds;
use super::{ArchiveError, Entry};

const MAGIC: &[u8; 8] = b"ARSHIF\0\x01";
/// Bump whenever [`Compiled`] or anything inside it changes shape (12: the threads in chunks).
const VERSION: u32 = 12;

/// The file's content, as read.
#[derive(Deserialize)]
struct Compiled {
    /// Read by [`source_of`] alone; decoded here only to reach what follows.
    _source: Source,
    /// The store file's name, in the same folder.
    store: String,
    _mark: u64,
    /// The chunks of `(Entry, PartRef)`s, in reading order: read through [`Head`], so that
    /// they are decoded while the rest of this is.
    _chunks: Vec<Chunk>,
    /// The chunks of the threads: read through [`Head`] too.
    _threads: Vec<ChunkName>,
    dated: usize,
    about: Option<String>,
    aliases: HashMap<String, String>,
    /// Where each article's other captures' parts are, by id.
    other_parts: Vec<(String, Vec<PartRef>)>,
}

/// The start of [`Compiled`]: what names the chunks, read without the rest.
#[derive(Deserialize)]
pub(super) struct Head {
    _source: Source,
    store: String,
    /// The build that wrote it, as the build cache it wrote says.
    mark: u64,
    chunks: Vec<Chunk>,
    /// The chunks holding the threads, in order.
    threads: Vec<ChunkName>,
}

impl Head {
    /// The chunks of its entries, in reading order.
    fn names(&self) -> Vec<ChunkName> {
        self.chunks.iter().map(|c| c.name).collect()
    }

    /// Every chunk it names: its entries' and its threads'.
    fn every_name(&self) -> impl Iterator<Item = &ChunkName> {
        self.chunks.iter().map(|c| &c.name).chain(&self.threads)
    }

    /// The build that wrote it, as its build cache says.
    pub(super) fn mark(&self) -> u64 {
        self.mark
    }

    /// The store its parts are in.
    pub(super) fn store(&self) -> &str {
        &self.store
    }

    /// Its chunks, in reading order.
    pub(super) fn chunks(&self) -> &[Chunk] {
        &self.chunks
    }
}

/// Whether the chunk `name` of the compiled file at `path` is there.
pub(super) fn holds(path: &Path, name: &ChunkName) -> bool {
    chunk_files::path_of(&chunks_dir(path), name).is_file()
}

/// [`Compiled`] by reference, as written: the same bytes without copying the archive.
#[derive(Serialize)]
struct CompiledRef<'a> {
    source: &'a Source,
    store: &'a str,
    mark: u64,
    chunks: &'a [Chunk],
    threads: &'a [ChunkName],
    dated: usize,
    about: Option<&'a str>,
    aliases: &'a HashMap<String, String>,
    other_parts: &'a [(String, Vec<PartRef>)],
}
/// The file's name inside the build folder.
pub const FILE_NAME: &str = "archive.bin";

/// Where the compiled archive lives inside a build folder.
pub fn path_in(build_dir: &Path) -> PathBuf {
    build_dir.join(FILE_NAME)
}

/// The folder of the chunks the compiled file at `path` names.
pub(super) fn chunks_dir(path: &Path) -> PathBuf {
    path.with_extension("chunks")
}

/// The start of the compiled file at `path` (its chunks named), if it is one of this format:
/// what a build replaces. The file's first bytes hold it (some five hundred chunks of entries at
/// a million articles, and of threads), not the aliases and other captures after it.
pub(super) fn head_of(path: &Path) -> Option<Head> {
    use std::io::Read;
    const PREFIX: u64 = 64 << 10;
    let mut file = fs::File::open(path).ok()?;
    let mut bytes = Vec::new();
    file.by_ref().take(PREFIX).read_to_end(&mut bytes).ok()?;
    loop {
        let body = atomic_file::versioned_body(&bytes, MAGIC, VERSION)?;
        match postcard::take_from_bytes::<Head>(body) {
            Ok((head, _)) => return Some(head),
            Err(postcard::Error::DeserializeUnexpectedEnd) if bytes.len() as u64 >= PREFIX => {
                file.read_to_end(&mut bytes).ok()?;
            }
            Err(_) => return None,
        }
    }
}

/// Writes the archive built from `source` atomically: a reader sees the old file or the new
/// one, never half of one.
///
/// An archive whose parts are in a store of the same folder (as [`super::build_and_save`]
/// makes it) is written as it is; any other gets a new store written beside the file.
pub fn save(archive: &Archive, source: &Source, path: &Path) -> Result<(), ArchiveError> {
    save_marked(archive, source, path, 0)
}

/// [`save`] by the build whose build cache holds `mark`: the next build that reads that
/// cache knows this archive's chunks by their ends (`entry_print`).
pub(super) fn save_marked(
    archive: &Archive,
    source: &Source,
    path: &Path,
    mark: u64,
) -> Result<(), ArchiveError> {
    let werr = |e| ArchiveError::Write {
        path: path.to_path_buf(),
        cause: e,
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(werr)?;
    let in_place = archive
        .store
        .as_ref()
        .filter(|s| s.path().parent() == Some(dir))
        .and_then(|s| s.path().file_name()?.to_str().map(String::from));
    let stored: Option<Vec<PartRef>> = archive.chunks.parts().map(Part::stored).collect();
    // Other captures by id, in a fixed order so that one archive writes one file.
    let mut others: Vec<(&String, &Vec<Part>)> = archive.other_parts.iter().collect();
    others.sort_by(|a, b| a.0.cmp(b.0));
    let others_stored: Option<Vec<(String, Vec<PartRef>)>> = others
        .iter()
        .map(|(id, parts)| {
            let refs = parts.iter().map(Part::stored).collect::<Option<Vec<_>>>()?;
            Some(((*id).clone(), refs))
        })
        .collect();
    let (store_name, parts, other_parts, new_store) = match (in_place, stored, others_stored) {
        (Some(name), Some(parts), Some(others)) => (name, parts, others, false),
        _ => {
            let name = store::new_file_name();
            let mut writer = StoreWriter::create(&dir.join(&name))?;
            let parts = (0..archive.len())
                .map(|i| writer.put(&archive.parts_of(i)?))
                .collect::<Result<Vec<_>, _>>()?;
            let other_parts = others
                .iter()
                .map(|(id, parts)| {
                    let refs = parts
                        .iter()
                        .map(|p| writer.put(&archive.part(p)?))
                        .collect::<Result<Vec<_>, ArchiveError>>()?;
                    Ok(((*id).clone(), refs))
                })
                .collect::<Result<Vec<_>, ArchiveError>>()?;
            writer.finish()?;
            (name, parts, other_parts, true)
        }
    };
    let threads = ThreadIds::Named(&archive.threads);
    let threads = (threads.write(&chunks_dir(path), Durability::Synced)).map_err(werr)?;
    let entries = archive.entries().into_iter().map(EntryRef::Whole);
    let pairs = entries.zip(parts.iter().copied()).collect();
    let ordered = Ordered {
        pairs,
        held: Vec::new(),
        replaced: head_of(path),
        dated: archive.dated,
        about: archive.about.as_deref(),
        threads: &threads,
        aliases: &archive.aliases,
        other_parts: &other_parts,
        mark,
        as_before: None,
    };
    save_ordered(ordered, &store_name, source, path)?;
    if new_store {
        store::remove_others(dir, &store_name);
    }
    Ok(())
}

/// An archive to write, by reference: its entries in reading order, each with where its
/// parts are in the store beside the file, and the rest of [`Archive`] that is written.
pub(super) struct Ordered<'a> {
    /// But for the replaced file's chunks taken whole (`held`).
    pub(super) pairs: Vec<(EntryRef<'a>, PartRef)>,
    /// The replaced file's chunks taken whole, each as (the place in `pairs` it goes before,
    /// its index among `replaced`'s chunks), in order. Each goes where a chunk ends: after
    /// another one, or after a pair whose id ends a chunk ([`Cut::ARCHIVE`]), or
    /// first; and holds entries as the replaced file holds them ([`AsBefore`]).
    pub(super) held: Vec<(usize, usize)>,
    /// The start of the file replaced ([`replaced`]), if any.
    pub(super) replaced: Option<Head>,
    pub(super) dated: usize,
    pub(super) about: Option<&'a str>,
    /// The chunks of its threads, written ([`ThreadIds::write`]).
    pub(super) threads: &'a [ChunkName],
    pub(super) aliases: &'a HashMap<String, String>,
    /// Sorted by id.
    pub(super) other_parts: &'a [(String, Vec<PartRef>)],
    /// The build's mark, as its build cache holds it (0 for none).
    pub(super) mark: u64,
    /// Which entries are as the archive replaced holds them, when the build can tell.
    pub(super) as_before: Option<AsBefore<'a>>,
}

/// [`save`] of an archive whose parts are in the store `store_name` beside `path`, from
/// references to its entries: a build that only writes the archive does not move a million
/// entries into one (half a gigabyte of fresh pages) to write it.
pub(super) fn save_ordered(
    archive: Ordered,
    store_name: &str,
    source: &Source,
    path: &Path,
) -> Result<(), ArchiveError> {
    let werr = |e| ArchiveError::Write {
        path: path.to_path_buf(),
        cause: e,
    };
    // Each entry with where its parts are, cut where the ids say: only new chunks are written.
    let chunks = chunks_dir(path);
    let replaced = archive.replaced;
    // The replaced file's chunks whose entries did not change are taken as they are, neither
    // encoded nor hashed.
    let known = match &replaced {
        Some(head) => Known::new(
            &head.chunks,
            (&head.store, head.mark),
            archive.as_before.as_ref(),
            store_name,
            archive.other_parts,
        ),
        None => Known::new(&[], ("", 0), None, store_name, archive.other_parts),
    };
    let mut pieces = Vec::with_capacity(2 * archive.held.len() + 1);
    let mut from = 0;
    for &(place, k) in &archive.held {
        let chunk = replaced.as_ref().and_then(|h| h.chunks.get(k));
        let Some(chunk) = chunk.filter(|_| place >= from) else {
            // Not a chunk of the file replaced: a caller's mistake, not the disk's.
            return Err(werr(std::io::Error::other("a held chunk out of place")));
        };
        pieces.push(Piece::Cut(from..place, Cut::ARCHIVE));
        pieces.push(Piece::Held(chunk.name, chunk.run.clone()));
        from = place;
    }
    pieces.push(Piece::Cut(from..archive.pairs.len(), Cut::ARCHIVE));
    let written: Vec<Chunk> = chunk_files::write_pieces(
        &chunks,
        &archive.pairs,
        pieces,
        |(entry, _)| entry.id(),
        |run| known.run(run),
        super::light_entry::encode_placed,
        chunk_files::nothing_after,
        Durability::Synced,
    )
    .map_err(werr)?
    .into_iter()
    .map(|(name, run)| Chunk { name, run })
    .collect();
    let threads = archive.threads;
    drop(known);
    drop(archive.pairs);
    let compiled = CompiledRef {
        source,
        store: store_name,
        mark: archive.mark,
        chunks: &written,
        threads,
        dated: archive.dated,
        about: archive.about,
        aliases: archive.aliases,
        other_parts: archive.other_parts,
    };
    // Straight to the file: the encoded entries are not copied into one more buffer.
    atomic_file::save_versioned(path, MAGIC, VERSION, &compiled, Durability::Synced)
        .map_err(werr)?;
    // Only now that the new file names its chunks; the replaced file's are kept for a reader
    // that read it just before.
    let names = written.iter().map(|c| &c.name).chain(threads);
    let replaced = replaced.iter().flat_map(Head::every_name);
    chunk_files::remove_others(&chunks, names.chain(replaced));
    Ok(())
}

/// Loads a compiled archive written by [`save`], with its store mapped (not read).
pub fn load(path: &Path) -> Result<Archive, ArchiveError> {
    load_reusing(path, None)
}

/// [`load`] of the file that replaces `old`'s (a live rebuild's): the chunks of entries it
/// names that `old` holds (decoded from a chunk of that name: the same bytes) are taken from
/// `old`, shared, and only the others decoded; the file alone says which chunks there are.
pub fn load_reusing(path: &Path, old: Option<&Archive>) -> Result<Archive, ArchiveError> {
    // A build may replace the file between our reading it and its chunks, and remove the
    // chunks of the file before the one we read: read it again then.
    let mut tries = 3;
    loop {
        tries -= 1;
        match load_once(path, old) {
            Err(ArchiveError::Read { cause, .. })
                if tries > 0 && cause.kind() == std::io::ErrorKind::NotFound && path.exists() => {}
            result => return result,
        }
    }
}

fn load_once(path: &Path, old: Option<&Archive>) -> Result<Archive, ArchiveError> {
    let rerr = |e| ArchiveError::Read {
        path: path.into(),
        cause: e,
    };
    let bytes = fs::read(path).map_err(rerr)?;
    let corrupt = |reason: String| ArchiveError::Corrupt {
        path: path.into(),
        reason,
    };
    let header = MAGIC.len() + 4;
    if bytes.len() < header || &bytes[..MAGIC.len()] != MAGIC {
        return Err(corrupt("not an arshif archive".into()));
    }
    let version = u32::from_le_bytes(bytes[MAGIC.len()..header].try_into().expect("4 bytes"));
    if version != VERSION {
        return Err(corrupt(format!(
            "format version {version}, this arshif reads {VERSION}"
        )));
    }
    let body = &bytes[header..];
    let (head, _) = postcard::take_from_bytes::<Head>(body).map_err(|e| corrupt(e.to_string()))?;
    // The chunks `old` holds, by name: each was decoded from the chunk file of that name.
    let held: HashMap<ChunkName, &Arc<chunked::Chunk>> = (old.iter())
        .flat_map(|old| old.chunks.chunks())
        .filter_map(|chunk| Some((chunk.name?, chunk)))
        .collect();
    let names = head.names();
    let new: Vec<ChunkName> = (names.iter())
        .filter(|name| !held.contains_key(*name))
        .copied()
        .collect();
    // The threads, aliases and other captures are decoded on one core while the chunks of
    // entries are on the other.
    let dir = chunks_dir(path);
    let ((c, threads), decoded) = rayon::join(
        || {
            let c = postcard::from_bytes::<Compiled>(body);
            (c, super::thread_ids::read(&dir, &head.threads))
        },
        || chunks_of(&dir, &new),
    );
    let c = c.map_err(|e| corrupt(e.to_string()))?;
    // A chunk that does not decode is the archive's damage; one that cannot be read, the disk's.
    let chunk_error = |e: std::io::Error| match e.kind() {
        std::io::ErrorKind::InvalidData => corrupt(e.to_string()),
        _ => rerr(e),
    };
    let threads = threads.map_err(chunk_error)?;
    drop(bytes);
    let mut decoded = decoded.map_err(chunk_error)?.into_iter();
    let chunks: Vec<Arc<chunked::Chunk>> = (names.iter())
        .map(|name| match held.get(name) {
            Some(&chunk) => chunk.clone(),
            None => Arc::new(decoded.next().expect("one chunk decoded a name not held")),
        })
        .collect();
    let chunks = Chunks::new(chunks);
    if c.dated > chunks.len() {
        return Err(corrupt("more dated entries than entries".into()));
    }
    let store = Store::open(&path.with_file_name(&c.store))?;
    let mut archive = Archive {
        chunks,
        store: Some(store),
        dated: c.dated,
        about: c.about,
        threads,
        aliases: c.aliases,
        other_parts: c
            .other_parts
            .into_iter()
            .map(|(id, refs)| (id, refs.into_iter().map(Part::Stored).collect()))
            .collect(),
        ..Archive::default()
    };
    // By id patched from `old`'s table only when they share chunks (always by name).
    archive.index_reusing(old.filter(|_| !held.is_empty()));
    Ok(archive)
}

/// The chunks `names` of `dir`, each chunk's light entries with where each one's parts are:
/// both lists of a chunk sized first, then the chunk decoded straight into them, the chunks
/// on both cores ([`chunk_files::read_into`]; a vector of each chunk's entries, moved into
/// one list after, was half a gigabyte copied into fresh pages on one core at a million
/// articles).
fn chunks_of(dir: &Path, names: &[ChunkName]) -> std::io::Result<Vec<chunked::Chunk>> {
    let lengths = chunk_files::lengths(dir, names)?;
    let mut chunks: Vec<chunked::Chunk> = (names.iter().zip(&lengths))
        .map(|(name, &n)| chunked::Chunk {
            name: Some(*name),
            entries: Vec::with_capacity(n),
            parts: Vec::with_capacity(n),
            facets: Default::default(),
        })
        .collect();
    let sinks = lengths.into_iter().zip(chunks.iter_mut()).collect();
    // The chunk's length was read first, and the decoding stops at it: no vector grows.
    let put = |chunk: &mut &mut chunked::Chunk, (entry, at): (Entry, PartRef)| {
        chunk.entries.push(entry);
        chunk.parts.push(Part::Stored(at));
        true
    };
    chunk_files::read_into(dir, names, sinks, put)?;
    Ok(chunks)
}

/// What the compiled file at `path` was built from; `None` when there is no readable archive
/// of this format there. Reads only the start of the file.
pub fn source_of(path: &Path) -> Option<Source> {
    use std::io::Read;
    // The header and the source (a path) fit in this, however large the archive.
    const PREFIX: u64 = 64 << 10;
    let mut head = Vec::new();
    fs::File::open(path)
        .ok()?
        .take(PREFIX)
        .read_to_end(&mut head)
        .ok()?;
    let rest = atomic_file::versioned_body(&head, MAGIC, VERSION)?;
    postcard::take_from_bytes::<Source>(rest)
        .ok()
        .map(|(source, _)| source)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::Entry;
    use crate::archive::staleness::{is_stale, is_stale_by_folder};
    use crate::parse::Article;

    /// An entry with an id and nothing else.
    fn light(id: &str) -> Entry {
        Entry {
            article: Article {
                id: id.into(),
                ..Article::default()
            },
            ..Entry::default()
        }
    }

    #[test]
    fn round_trip_and_refusal_of_foreign_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = path_in(dir.path());
        let entry = Entry {
            article: Article {
                id: "x".into(),
                title: "عنوان".into(),
                ..Article::default()
            },
            note: Some("*ملاحظة*".into()),
            overridden: vec![],
            text: "نص".into(),
            provenance: Default::default(),
        };
        // The articles apart from the build folder, as they are used: saving renames the
        // archive into its folder, which makes that folder newer than the archive.
        let articles = tempfile::tempdir().unwrap();
        let source = Source::of(articles.path()).unwrap();
        save(
            &Archive::from_entries(vec![entry], Some("about".into())),
            &source,
            &path,
        )
        .unwrap();
        assert_eq!(source_of(&path), Some(source));
        assert!(!is_stale(&path, articles.path()));
        assert!(!is_stale_by_folder(&path, articles.path()));
        let other = tempfile::tempdir().unwrap();
        assert!(is_stale(&path, other.path()), "built from another folder");
        assert!(is_stale_by_folder(&path, other.path()));
        let back = load(&path).unwrap();
        let x = back.get("x").unwrap();
        assert_eq!(x.article.title, "عنوان");
        assert_eq!(x.text, "نص");
        assert!(back.entries()[0].text.is_empty(), "the listing is light");
        assert_eq!(back.about(), Some("about"));

        fs::write(&path, b"not an archive").unwrap();
        assert!(matches!(load(&path), Err(ArchiveError::Corrupt { .. })));
        assert_eq!(source_of(&path), None);
        assert!(is_stale(&path, articles.path()));
        assert!(is_stale_by_folder(&path, articles.path()));
    }

    #[test]
    fn chunks_of_the_replaced_file_stay_for_its_readers_and_older_ones_go() {
        let dir = tempfile::tempdir().unwrap();
        let path = path_in(dir.path());
        let source = Source::of(dir.path()).unwrap();
        let mut names = Vec::new();
        for ids in [&["a"][..], &["a", "b"], &["a", "b", "c"]] {
            let archive = Archive::from_entries(ids.iter().map(|id| light(id)).collect(), None);
            save(&archive, &source, &path).unwrap();
            names.push(head_of(&path).unwrap().names());
            assert_eq!(load(&path).unwrap().len(), ids.len());
        }
        let held = |n: &Vec<ChunkName>| {
            n.iter()
                .all(|c| chunk_files::path_of(&chunks_dir(&path), c).is_file())
        };
        assert!(held(&names[1]) && held(&names[2]));
        assert!(
            !held(&names[0]),
            "named by neither the file nor the one it replaced"
        );
        let files = fs::read_dir(chunks_dir(&path)).unwrap().count();
        assert_eq!(files, names[1].len() + names[2].len());
    }
}
