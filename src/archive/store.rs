//! The parts store: each article's heavy parts (its body and the dump's text) in one
//! append-only file beside the compiled archive, read back one article at a time through a
//! memory map.
//!
//! The compiled archive keeps only each article's [`PartRef`] (where its parts are), so the
//! server holds the light records in memory and the store's pages only while they are read.
//! Incremental builds append the parts of the dumps that changed and leave the rest where it
//! is: bytes once written are never changed, so a server reading an older compiled archive
//! keeps reading the same bytes while a build appends behind it. A full build writes a new
//! store file and removes the old ones once the new archive is in place (a server that still
//! maps an old one keeps it until it lets go).

use std::fs::{self, File, OpenOptions};
use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use memmap2::Mmap;
use serde::{Deserialize, Serialize};

use super::ArchiveError;

const MAGIC: &[u8; 8] = b"ARSHIFP\x01";

/// What of an article is only needed when its own page is shown.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Parts {
    pub body: Vec<String>,
    /// The dump as decoded (the article's source page).
    pub text: String,
}

/// Where one article's [`Parts`] are in the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct PartRef {
    pub offset: u64,
    pub len: u32,
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
        let bytes = postcard::to_stdvec(parts)
            .map_err(|e| write_error(&self.path)(std::io::Error::other(e.to_string())))?;
        let len = u32::try_from(bytes.len()).map_err(|_| {
            write_error(&self.path)(std::io::Error::other("one article's parts exceed 4 GB"))
        })?;
        self.out
            .write_all(&bytes)
            .map_err(write_error(&self.path))?;
        let at = PartRef {
            offset: self.at,
            len,
        };
        self.at += u64::from(len);
        Ok(at)
    }

    /// Flushes and syncs: the compiled archive that points into the store is written after.
    pub fn finish(self) -> Result<u64, ArchiveError> {
        let werr = write_error(&self.path);
        let file = self.out.into_inner().map_err(|e| werr(e.into_error()))?;
        file.sync_data().map_err(&werr)?;
        Ok(self.at)
    }
}

fn write_error(path: &Path) -> impl Fn(std::io::Error) -> ArchiveError + use<> {
    let path = path.to_path_buf();
    move |source| ArchiveError::Write {
        path: path.clone(),
        source,
    }
}

/// A store open for reading.
#[derive(Debug)]
pub struct Store {
    path: PathBuf,
    map: Mmap,
}

impl Store {
    pub fn open(path: &Path) -> Result<Store, ArchiveError> {
        let rerr = |source| ArchiveError::Read {
            path: path.to_path_buf(),
            source,
        };
        let file = File::open(path).map_err(rerr)?;
        // SAFETY: store files are only ever appended to (see the module documentation), so
        // the mapped bytes do not change under the map.
        let map = unsafe { Mmap::map(&file) }.map_err(rerr)?;
        if map.len() < MAGIC.len() || &map[..MAGIC.len()] != MAGIC {
            return Err(ArchiveError::Corrupt {
                path: path.to_path_buf(),
                reason: "not an arshif parts store".into(),
            });
        }
        Ok(Store {
            path: path.to_path_buf(),
            map,
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

    pub fn get(&self, at: PartRef) -> Result<Parts, ArchiveError> {
        let corrupt = |reason: String| ArchiveError::Corrupt {
            path: self.path.clone(),
            reason,
        };
        let start = usize::try_from(at.offset).map_err(|_| corrupt("offset too large".into()))?;
        let bytes = start
            .checked_add(at.len as usize)
            .and_then(|end| self.map.get(start..end))
            .ok_or_else(|| corrupt(format!("no article at {}+{}", at.offset, at.len)))?;
        postcard::from_bytes(bytes).map_err(|e| corrupt(format!("at {}: {e}", at.offset)))
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
    pub fn get(&mut self, at: PartRef) -> Result<Parts, ArchiveError> {
        use std::os::unix::fs::FileExt;
        self.buffer.resize(at.len as usize, 0);
        self.file
            .read_exact_at(&mut self.buffer, at.offset)
            .map_err(|source| ArchiveError::Read {
                path: self.path.clone(),
                source,
            })?;
        postcard::from_bytes(&self.buffer).map_err(|e| ArchiveError::Corrupt {
            path: self.path.clone(),
            reason: format!("at {}: {e}", at.offset),
        })
    }
}

impl Store {
    /// A [`SequentialReader`] of this store.
    pub fn sequential(&self) -> Result<SequentialReader, ArchiveError> {
        let file = File::open(&self.path).map_err(|source| ArchiveError::Read {
            path: self.path.clone(),
            source,
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
