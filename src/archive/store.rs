//! The parts store: each article's heavy parts (its body and the dump's text), compressed,
//! in one file beside the compiled archive, read back one article at a time through a memory
//! map.
//!
//! The compiled archive keeps only each article's [`PartRef`] (where its parts are), so the
//! server holds the light records in memory and the store's pages only while they are read.
//!
//! Each article's parts are one frame (its layout and codec: [`super::part_frame`]), so an
//! article is read without touching its neighbours.
//!
//! Bytes once written are never changed, so a server reading an older compiled archive keeps
//! reading the same bytes while a build works. Incremental builds append the parts of the
//! dumps that changed; what the replaced parts took is dead. When dead bytes pass a share of
//! the file ([`super::compaction`]), the build copies the live frames (as they are, not
//! recompressed) into a new file, and the old one is removed only once a compiled archive
//! that names the new one is in place. A build killed at any point leaves the compiled
//! archive and the store it names as they were; what it wrote is unreferenced (a tail of the
//! file, or a new file that the next compaction or full build removes).

use std::cell::RefCell;
use std::fs::{self, File, OpenOptions};
use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use memmap2::Mmap;
use serde::{Deserialize, Serialize};

use super::ArchiveError;
pub use super::part_frame::{Parts, decode, decode_body, decode_lines, encode, encode_with};

/// A store's first bytes: its name, then its version in the last byte.
pub(super) const MAGIC: &[u8; 8] = b"ARSHIFP\x03";

// Versions: 3, each part an lz4 block after its length; 2 held zstd frames, 1 bare postcard.
// A store of another version is refused by `Store::open`, and a build then writes a new one
// (the build cache needs its store open, so every dump is parsed again).

/// Where one article's [`Parts`] are in the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct PartRef {
    pub offset: u64,
    pub len: u32,
}

impl PartRef {
    /// A reference to no part: what a moved store maps a dropped part to.
    pub const NOWHERE: PartRef = PartRef {
        offset: u64::MAX,
        len: 0,
    };
}

/// A new empty store in `dir`, for tests: its file's name and its length.
#[cfg(test)]
pub fn empty_in(dir: &Path) -> (String, u64) {
    let name = new_file_name();
    let len = StoreWriter::create(&dir.join(&name))
        .unwrap()
        .finish()
        .unwrap();
    (name, len)
}

/// The name of a new store file: unique per build, so a full build never writes into a file
/// that a running server maps.
pub fn new_file_name() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("parts-{nanos:x}-{}.bin", std::process::id())
}

/// Whether `name` is one of the build folder's store files.
pub fn is_store_file(name: &str) -> bool {
    name.starts_with("parts-") && name.ends_with(".bin")
}

/// A store open for appending.
pub struct StoreWriter {
    path: PathBuf,
    out: BufWriter<File>,
    at: u64,
}

impl StoreWriter {
    /// Starts a new store file.
    pub fn create(path: &Path) -> Result<StoreWriter, ArchiveError> {
        let werr = write_error(path);
        let mut file = File::create(path).map_err(&werr)?;
        file.write_all(MAGIC).map_err(&werr)?;
        Ok(StoreWriter {
            path: path.to_path_buf(),
            out: BufWriter::with_capacity(1 << 20, file),
            at: MAGIC.len() as u64,
        })
    }

    /// Appends to an existing store file (after whatever a failed build may have left).
    pub fn append(path: &Path) -> Result<StoreWriter, ArchiveError> {
        let werr = write_error(path);
        let mut file = OpenOptions::new().append(true).open(path).map_err(&werr)?;
        let at = file.seek(SeekFrom::End(0)).map_err(&werr)?;
        Ok(StoreWriter {
            path: path.to_path_buf(),
            out: BufWriter::with_capacity(1 << 20, file),
            at,
        })
    }

    pub fn put(&mut self, parts: &Parts) -> Result<PartRef, ArchiveError> {
        // Appended from the thread's buffer it was framed in, as a build's sink does.
        let werr = write_error(&self.path);
        encode_with(parts, |frame| self.put_encoded(frame)).map_err(werr)?
    }

    /// Appends parts already [`encode`]d.
    pub fn put_encoded(&mut self, bytes: &[u8]) -> Result<PartRef, ArchiveError> {
        let len = u32::try_from(bytes.len()).map_err(|_| {
            write_error(&self.path)(std::io::Error::other("one article's parts exceed 4 GB"))
        })?;
        self.out.write_all(bytes).map_err(write_error(&self.path))?;
        let at = PartRef {
            offset: self.at,
            len,
        };
        self.at += u64::from(len);
        Ok(at)
    }

    /// Flushes and syncs: the compiled archive that points into the store is written after.
    pub fn finish(self) -> Result<u64, ArchiveError> {
        self.flush()?.sync()
    }

    /// [`StoreWriter::finish`] but for the sync, which the caller runs where it likes (a build
    /// syncs beside the threads step: at a million dumps, 0.7 s with a core idle).
    pub fn flush(self) -> Result<Unsynced, ArchiveError> {
        let werr = write_error(&self.path);
        let file = self.out.into_inner().map_err(|e| werr(e.into_error()))?;
        Ok(Unsynced {
            path: self.path,
            file,
            end: self.at,
        })
    }
}

/// A store flushed, not yet synced: nothing may name it before [`Unsynced::sync`] returned.
#[must_use = "a store is named only once synced"]
pub struct Unsynced {
    path: PathBuf,
    file: File,
    /// The store's length.
    pub end: u64,
}

impl Unsynced {
    /// Syncs; gives back the store's length.
    pub fn sync(self) -> Result<u64, ArchiveError> {
        self.file.sync_data().map_err(write_error(&self.path))?;
        Ok(self.end)
    }
}

fn write_error(path: &Path) -> impl Fn(std::io::Error) -> ArchiveError + use<> {
    let path = path.to_path_buf();
    move |source| ArchiveError::Write {
        path: path.clone(),
        cause: source,
    }
}

/// A store open for reading.
#[derive(Debug)]
pub struct Store {
    path: PathBuf,
    map: Mmap,
    /// The file mapped, kept open for [`Store::sequential`]: after a compaction the store's
    /// path is gone (or names another file), while this handle still reads the same bytes.
    file: File,
    /// This store among every store opened by the process: with an offset, it names a frame
    /// in [`LAST_READ`] (a map's address may be reused once it is dropped, an id is not).
    id: u64,
}

/// The stores opened so far, for [`Store::id`].
static STORES_OPENED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

thread_local! {
    /// The frame this thread read last (store id, offset) and its parts. The pages made from
    /// one article (its page, its dump, its record) are rendered one after another by the
    /// same thread (the export's crawl sees to it), and each read the same frame: this keeps
    /// the second and third from decompressing and checking it again (a quarter of an export
    /// without compression, notes/serve-bench.md, session 21). One frame a thread, some
    /// 50 KB; stores are never changed under a map, so a kept frame cannot go stale.
    static LAST_READ: RefCell<Option<(u64, u64, Parts)>> = const { RefCell::new(None) };
}

impl Store {
    pub fn open(path: &Path) -> Result<Store, ArchiveError> {
        let rerr = |source| ArchiveError::Read {
            path: path.to_path_buf(),
            cause: source,
        };
        let file = File::open(path).map_err(rerr)?;
        // SAFETY: store files are only ever appended to, and compaction writes a new file
        // (see the module documentation), so the mapped bytes do not change under the map.
        let map = unsafe { Mmap::map(&file) }.map_err(rerr)?;
        let (name, version) = MAGIC.split_at(MAGIC.len() - 1);
        let reason = match map.get(..MAGIC.len()) {
            Some(head) if head == MAGIC => None,
            Some(head) if head.starts_with(name) => Some(format!(
                "a parts store of version {}, where this arshif reads version {}",
                head[name.len()],
                version[0]
            )),
            _ => Some("not an arshif parts store".to_owned()),
        };
        if let Some(reason) = reason {
            return Err(ArchiveError::Corrupt {
                path: path.to_path_buf(),
                reason,
            });
        }
        Ok(Store {
            path: path.to_path_buf(),
            map,
            file,
            id: STORES_OPENED.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn len(&self) -> u64 {
        self.map.len() as u64
    }

    pub fn is_empty(&self) -> bool {
        self.map.len() <= MAGIC.len()
    }

    /// The parts at `at`; the frame read last by this thread is kept decoded ([`LAST_READ`]).
    pub fn get(&self, at: PartRef) -> Result<Parts, ArchiveError> {
        let kept = LAST_READ.with_borrow(|last| match last {
            Some((id, offset, parts)) if *id == self.id && *offset == at.offset => {
                Some(parts.clone())
            }
            _ => None,
        });
        if let Some(parts) = kept {
            return Ok(parts);
        }
        let parts =
            decode(self.raw(at)?).map_err(|e| self.corrupt(format!("at {}: {e}", at.offset)))?;
        LAST_READ.set(Some((self.id, at.offset, parts.clone())));
        Ok(parts)
    }

    /// `f` of the parts at `at`, lent in place rather than cloned: [`Store::get`] without its
    /// copy, for [`super::Archive::with_entry`], which moves them into an entry and back. `f`
    /// must leave them as it found them: they are this thread's kept frame ([`LAST_READ`])
    /// again once it returns. While it runs none is kept, so a read inside it decodes its
    /// own frame (and a panic in it leaves none kept).
    pub(super) fn lend<R>(
        &self,
        at: PartRef,
        f: impl FnOnce(&mut Parts) -> R,
    ) -> Result<R, ArchiveError> {
        let kept = LAST_READ.take().and_then(|(id, offset, parts)| {
            (id == self.id && offset == at.offset).then_some(parts)
        });
        let mut parts = match kept {
            Some(parts) => parts,
            None => {
                decode(self.raw(at)?).map_err(|e| self.corrupt(format!("at {}: {e}", at.offset)))?
            }
        };
        let lent = f(&mut parts);
        LAST_READ.set(Some((self.id, at.offset, parts)));
        Ok(lent)
    }

    /// The body alone at `at` ([`decode_body`]), not kept.
    pub fn body(&self, at: PartRef) -> Result<String, ArchiveError> {
        decode_body(self.raw(at)?).map_err(|e| self.corrupt(format!("at {}: {e}", at.offset)))
    }

    /// Tells the kernel the frame at `at` will be read soon (`madvise(WILLNEED)`): its pages
    /// are read from the disk in the background, so that the frames of several articles
    /// announced one after another are read at once rather than one page fault after
    /// another. Only a hint: a frame out of the map is left to [`Store::raw`] to refuse.
    pub fn will_need(&self, at: PartRef) {
        #[cfg(unix)]
        if let (Ok(offset), true) = (usize::try_from(at.offset), at.len > 0) {
            let _ = self
                .map
                .advise_range(memmap2::Advice::WillNeed, offset, at.len as usize);
        }
    }

    /// The stored frame at `at`, compressed.
    pub fn raw(&self, at: PartRef) -> Result<&[u8], ArchiveError> {
        usize::try_from(at.offset)
            .ok()
            .and_then(|start| self.map.get(start..start.checked_add(at.len as usize)?))
            .ok_or_else(|| self.corrupt(format!("no article at {}+{}", at.offset, at.len)))
    }

    fn corrupt(&self, reason: String) -> ArchiveError {
        ArchiveError::Corrupt {
            path: self.path.clone(),
            reason,
        }
    }
}

/// A store read through a file handle rather than its map: for a pass over every article
/// (the JSON Lines download), whose pages would otherwise all stay mapped into the process.
/// Read this way, they go to the kernel's page cache, which is not the process's memory.
pub struct SequentialReader {
    path: PathBuf,
    file: File,
    buffer: Vec<u8>,
}

impl SequentialReader {
    /// The body alone at `at` ([`decode_lines`]): the dump's text is not read.
    pub fn body(&mut self, at: PartRef) -> Result<Vec<String>, ArchiveError> {
        use std::os::unix::fs::FileExt;
        self.buffer.resize(at.len as usize, 0);
        self.file
            .read_exact_at(&mut self.buffer, at.offset)
            .map_err(|source| ArchiveError::Read {
                path: self.path.clone(),
                cause: source,
            })?;
        decode_lines(&self.buffer).map_err(|e| ArchiveError::Corrupt {
            path: self.path.clone(),
            reason: format!("at {}: {e}", at.offset),
        })
    }
}

impl Store {
    /// A [`SequentialReader`] of this store, through the handle it was opened by rather than
    /// its path (a compaction since may have removed the file: an old site's download).
    pub fn sequential(&self) -> Result<SequentialReader, ArchiveError> {
        let file = self.file.try_clone().map_err(|source| ArchiveError::Read {
            path: self.path.clone(),
            cause: source,
        })?;
        Ok(SequentialReader {
            path: self.path.clone(),
            file,
            buffer: Vec::new(),
        })
    }
}

/// Removes the store files of `dir` other than `keep`; one still mapped by a server stays
/// readable to it until it lets go.
pub fn remove_others(dir: &Path, keep: &str) {
    let Ok(items) = fs::read_dir(dir) else {
        return;
    };
    for item in items.flatten() {
        let name = item.file_name();
        let name = name.to_string_lossy();
        if is_store_file(&name) && name != keep {
            let _ = fs::remove_file(item.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parts made from `text`, one paragraph of it.
    fn parts(text: &str) -> Parts {
        Parts {
            body: vec![format!("فقرة {text}")],
            text: text.into(),
        }
    }

    #[test]
    fn parts_come_back_as_put_and_appends_keep_earlier_ones() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(new_file_name());
        let a = Parts {
            body: vec!["فقرة".into()],
            text: "نص".into(),
        };
        let b = Parts {
            body: vec![],
            text: "x".repeat(3000),
        };
        let mut w = StoreWriter::create(&path).unwrap();
        let at_a = w.put(&a).unwrap();
        w.finish().unwrap();
        let mut w = StoreWriter::append(&path).unwrap();
        let at_b = w.put(&b).unwrap();
        w.finish().unwrap();

        let store = Store::open(&path).unwrap();
        assert_eq!(store.get(at_a).unwrap(), a);
        assert_eq!(store.get(at_b).unwrap(), b);
        let beyond = PartRef {
            offset: store.len(),
            len: 1,
        };
        assert!(matches!(
            store.get(beyond),
            Err(ArchiveError::Corrupt { .. })
        ));
    }

    #[test]
    fn a_frame_read_again_comes_back_the_same_from_its_own_store() {
        // The frame read last is kept per thread (`LAST_READ`): reading it again, another
        // frame, or the same offset of another store gives each its own parts.
        let dir = tempfile::tempdir().unwrap();
        let mut at = Vec::new();
        let mut stores = Vec::new();
        for name in ["one", "two"] {
            let path = dir.path().join(new_file_name());
            let mut w = StoreWriter::create(&path).unwrap();
            at.push((w.put(&parts(&format!("{name} a"))).unwrap(), name));
            w.put(&parts(&format!("{name} b"))).unwrap();
            w.finish().unwrap();
            stores.push(Store::open(&path).unwrap());
        }
        let (first, _) = at[0];
        assert_eq!(
            at[1].0, first,
            "both stores' first frames are at one offset"
        );
        for (store, name) in stores.iter().zip(["one", "two", "one"]) {
            for _ in 0..2 {
                assert_eq!(store.get(first).unwrap(), parts(&format!("{name} a")));
            }
        }
        assert_eq!(stores[1].get(first).unwrap(), parts("two a"));
        assert_eq!(stores[0].get(first).unwrap(), parts("one a"));
    }

    #[test]
    fn a_body_alone_is_its_paragraphs_joined_by_line_breaks() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(new_file_name());
        let mut w = StoreWriter::create(&path).unwrap();
        let bodies: [&[&str]; 3] = [&["فقرة أولى", "", "ثانية, ascii"], &["وحيدة"], &[]];
        let at: Vec<PartRef> = bodies
            .iter()
            .map(|body| {
                let parts = Parts {
                    body: body.iter().map(|p| p.to_string()).collect(),
                    text: "نص الملف\n".repeat(50),
                };
                w.put(&parts).unwrap()
            })
            .collect();
        w.finish().unwrap();
        let store = Store::open(&path).unwrap();
        for (body, at) in bodies.iter().zip(at) {
            store.will_need(at);
            assert_eq!(store.body(at).unwrap(), body.join("\n"));
        }
        // A body that is not UTF-8 is refused, as the whole parts are.
        // A frame out of the map is announced harmlessly and refused when read.
        let beyond = PartRef {
            offset: store.len() + 10,
            len: 5,
        };
        store.will_need(beyond);
        assert!(store.body(beyond).is_err());
    }

    #[test]
    fn a_store_is_read_in_sequence_after_its_file_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(new_file_name());
        let mut w = StoreWriter::create(&path).unwrap();
        let at = [w.put(&parts("one")).unwrap(), w.put(&parts("two")).unwrap()];
        w.finish().unwrap();
        let store = Store::open(&path).unwrap();
        // What a compaction does once the archive names its new store.
        fs::remove_file(&path).unwrap();
        let mut reader = store.sequential().unwrap();
        assert_eq!(reader.body(at[1]).unwrap(), parts("two").body);
        assert_eq!(reader.body(at[0]).unwrap(), parts("one").body);
    }

    #[test]
    fn a_store_of_another_version_is_refused_by_its_version() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(new_file_name());
        // A version-2 store: zstd frames after its name.
        fs::write(&path, b"ARSHIFP\x02\x28\xb5\x2f\xfd\x20\x00\x01\x00\x00").unwrap();
        let Err(ArchiveError::Corrupt { reason, .. }) = Store::open(&path) else {
            panic!("an old store is refused");
        };
        assert_eq!(
            reason,
            "a parts store of version 2, where this arshif reads version 3"
        );
    }

    #[test]
    fn a_foreign_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("parts-x.bin");
        fs::write(&path, b"something else").unwrap();
        assert!(matches!(
            Store::open(&path),
            Err(ArchiveError::Corrupt { .. })
        ));
    }
}
