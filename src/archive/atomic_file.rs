//! Files replaced whole: written beside their place under a temporary name, then renamed over
//! it, so a reader (or the next build, after one killed midway) meets the old file or the new
//! one, never half of one. Also the versioned postcard files of the build folder (the compiled
//! archive, the build cache, the threads' grouping): a magic, a format version, the encoding.

use std::ffi::OsStr;
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use serde::Serialize;

/// Whether the new file must be on disk before it replaces the old one (`sync_all`): for what
/// a reader relies on; a cache that is rebuilt when lost need not wait for the disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    Synced,
    Cached,
}

/// Replaces `path` with what `write` writes (through a buffer), atomically; the temporary
/// file is removed when anything fails. Gives back what `write` gave.
pub fn replace<T>(
    path: &Path,
    durability: Durability,
    write: impl FnOnce(&mut BufWriter<File>) -> io::Result<T>,
) -> io::Result<T> {
    let (beside, value) = write_beside(path, durability, write)?;
    beside.rename()?;
    Ok(value)
}

/// [`replace`] for a name the user gave (`export --jsonl FILE`). A name that stands for
/// something other than a file, such as `/dev/null`, a FIFO or a terminal, is written straight
/// into: a rename would put a regular file in its place (run as root over `/dev/null`, every
/// later `2>/dev/null` on the machine writes into that file, and every read of it gets what
/// they wrote). A symbolic link is followed, so the file it names is replaced and the link
/// stays.
pub fn replace_named<T>(
    path: &Path,
    durability: Durability,
    write: impl FnOnce(&mut BufWriter<File>) -> io::Result<T>,
) -> io::Result<T> {
    match fs::metadata(path) {
        Ok(meta) if !meta.is_file() && !meta.is_dir() => {
            let mut out =
                BufWriter::with_capacity(1 << 20, File::options().write(true).open(path)?);
            let value = write(&mut out)?;
            out.into_inner().map_err(|e| e.into_error())?;
            Ok(value)
        }
        Ok(_) => replace(&fs::canonicalize(path)?, durability, write),
        Err(e) if e.kind() == io::ErrorKind::NotFound => replace(path, durability, write),
        Err(e) => Err(e),
    }
}

/// A file written whole beside its place ([`write_beside`]), not yet renamed over it: removed
/// when dropped unless [`Beside::rename`]d, so that what fails between the two leaves nothing.
pub struct Beside {
    tmp: PathBuf,
    path: PathBuf,
    renamed: bool,
}

/// [`replace`] but for the rename, which the caller does later ([`Beside::rename`]): for a
/// file that is to name something only once that something is on disk (the build cache
/// naming what the index holds, renamed once the index is committed).
pub fn write_beside<T>(
    path: &Path,
    durability: Durability,
    write: impl FnOnce(&mut BufWriter<File>) -> io::Result<T>,
) -> io::Result<(Beside, T)> {
    let beside = Beside {
        tmp: temporary(path),
        path: path.to_path_buf(),
        renamed: false,
    };
    let mut out = BufWriter::with_capacity(1 << 20, File::create(&beside.tmp)?);
    let value = write(&mut out)?;
    let file = out.into_inner().map_err(|e| e.into_error())?;
    if durability == Durability::Synced {
        file.sync_all()?;
    }
    Ok((beside, value))
}

impl Beside {
    /// Renames the file over its place.
    pub fn rename(mut self) -> io::Result<()> {
        fs::rename(&self.tmp, &self.path)?;
        self.renamed = true;
        Ok(())
    }
}

impl Drop for Beside {
    fn drop(&mut self) {
        if !self.renamed {
            let _ = fs::remove_file(&self.tmp);
        }
    }
}

/// The temporary name beside `path`: one per process and call, so two writers never share
/// one. One per process was not enough: two threads writing one content-named chunk (a
/// grouping's identical pieces, its empty buckets in a small archive, written in parallel)
/// shared the file, and the second `rename` found it gone (a failed save, now and then).
fn temporary(path: &Path) -> PathBuf {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let call = NEXT.fetch_add(1, Ordering::Relaxed);
    let mut name = path.as_os_str().to_owned();
    name.push(format!(".tmp{}.{call}", std::process::id()));
    PathBuf::from(name)
}

/// The name of the file a temporary named `name` was to replace, when `name` is one that
/// [`temporary`] makes (`<file>.tmp<pid>.<call>`, both numbers in digits), else `None`: the
/// test a build's sweep of a killed writer's leftovers makes ([`super::sweep`]), kept beside
/// the maker so the two cannot drift.
pub fn temporary_of(name: &OsStr) -> Option<&OsStr> {
    let bytes = name.as_encoded_bytes();
    let digits = |s: &[u8]| !s.is_empty() && s.iter().all(u8::is_ascii_digit);
    let dot = bytes.iter().rposition(|&b| b == b'.')?;
    let (head, call) = (&bytes[..dot], &bytes[dot + 1..]);
    let tmp = head.windows(4).rposition(|w| w == b".tmp")?;
    let (file, pid) = (&head[..tmp], &head[tmp + 4..]);
    if file.is_empty() || !digits(pid) || !digits(call) {
        return None;
    }
    // SAFETY: `file` is `name`'s bytes up to an ASCII `.`, so it ends where one of its
    // characters does.
    Some(unsafe { OsStr::from_encoded_bytes_unchecked(file) })
}

/// Replaces `path` with `magic`, `version` (little-endian) and the postcard encoding of
/// `value`, streamed to the file (the encoding is not held in memory).
pub fn save_versioned<T: Serialize + ?Sized>(
    path: &Path,
    magic: &[u8; 8],
    version: u32,
    value: &T,
    durability: Durability,
) -> io::Result<()> {
    write_versioned(path, magic, version, value, durability)?.rename()
}

/// [`save_versioned`] but for the rename ([`write_beside`]).
pub fn write_versioned<T: Serialize + ?Sized>(
    path: &Path,
    magic: &[u8; 8],
    version: u32,
    value: &T,
    durability: Durability,
) -> io::Result<Beside> {
    let (beside, ()) = write_beside(path, durability, |out| {
        out.write_all(magic)?;
        out.write_all(&version.to_le_bytes())?;
        postcard::to_io(value, out).map_err(|e| io::Error::other(e.to_string()))?;
        Ok(())
    })?;
    Ok(beside)
}

/// The encoding after the header of a file written by [`save_versioned`], or `None` when
/// `bytes` do not start with `magic` and `version`.
pub fn versioned_body<'a>(bytes: &'a [u8], magic: &[u8; 8], version: u32) -> Option<&'a [u8]> {
    bytes
        .strip_prefix(&magic[..])?
        .strip_prefix(&version.to_le_bytes()[..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_leaves_the_old_file_and_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.bin");
        save_versioned(&path, b"TESTMAG\x01", 2, &("old", 1u32), Durability::Cached).unwrap();
        let failed = replace(&path, Durability::Synced, |out| {
            out.write_all(b"half")?;
            Err::<(), _>(io::Error::other("killed"))
        });
        assert!(failed.is_err());
        let bytes = fs::read(&path).unwrap();
        let body = versioned_body(&bytes, b"TESTMAG\x01", 2).unwrap();
        assert_eq!(
            postcard::from_bytes::<(&str, u32)>(body).unwrap(),
            ("old", 1)
        );
        assert!(versioned_body(&bytes, b"TESTMAG\x01", 3).is_none());
        assert!(versioned_body(&bytes, b"OTHERMA\x01", 2).is_none());
        let names: Vec<_> = fs::read_dir(dir.path()).unwrap().flatten().collect();
        assert_eq!(names.len(), 1, "the temporary file is gone");
    }

    #[test]
    fn a_temporary_is_known_by_its_name_and_near_misses_are_not() {
        let made = temporary(Path::new("cache.bin"));
        assert_eq!(
            temporary_of(made.as_os_str()),
            Some(OsStr::new("cache.bin"))
        );
        fn of(name: &str) -> Option<&str> {
            temporary_of(OsStr::new(name)).map(|f| f.to_str().unwrap())
        }
        assert_eq!(of("archive.bin.tmp4242.0"), Some("archive.bin"));
        assert_eq!(of("a.tmp1.tmp2.3"), Some("a.tmp1"));
        let chunk = format!("{}.bin.tmp7.12", "ab".repeat(32));
        assert_eq!(of(&chunk), Some(&chunk[..68]));
        for near in [
            "notes.tmp",
            "x.tmp12",
            "x.tmp12.",
            "x.tmp.3",
            "x.tmp12.3x",
            "x.tmp1a.3",
            "x.TMP12.3",
            "x.tmp-1.3",
            ".tmp12.3",
            "x.bin",
            "x.tmp12.3.bak",
        ] {
            assert_eq!(of(near), None, "{near}");
        }
    }

    #[test]
    fn a_named_fifo_is_written_into_and_stays_a_fifo() {
        use std::os::unix::fs::FileTypeExt;
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("out.jsonl");
        rustix::fs::mknodat(
            rustix::fs::CWD,
            &fifo,
            rustix::fs::FileType::Fifo,
            rustix::fs::Mode::from_bits_truncate(0o600),
            0,
        )
        .unwrap();
        let reader = std::thread::spawn({
            let fifo = fifo.clone();
            move || fs::read_to_string(fifo).unwrap()
        });
        let n = replace_named(&fifo, Durability::Synced, |out| {
            out.write_all(b"{\"id\":1}\n")?;
            Ok(1)
        })
        .unwrap();
        // Checked before the reader is joined: had the FIFO been renamed over, nothing could
        // open it for writing again and the join would wait forever.
        let kind = fs::symlink_metadata(&fifo).unwrap().file_type();
        assert!(kind.is_fifo(), "the FIFO was replaced by {kind:?}");
        assert_eq!(n, 1);
        assert_eq!(reader.join().unwrap(), "{\"id\":1}\n");
        let names: Vec<_> = fs::read_dir(dir.path()).unwrap().flatten().collect();
        assert_eq!(names.len(), 1, "no temporary beside it");
    }

    #[test]
    fn a_named_link_keeps_pointing_at_the_replaced_file() {
        let dir = tempfile::tempdir().unwrap();
        let (file, link) = (dir.path().join("data.jsonl"), dir.path().join("link.jsonl"));
        fs::write(&file, "old\n").unwrap();
        std::os::unix::fs::symlink(&file, &link).unwrap();
        replace_named(&link, Durability::Synced, |out| out.write_all(b"new\n")).unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read_to_string(&file).unwrap(), "new\n");
        let fresh = dir.path().join("fresh.jsonl");
        replace_named(&fresh, Durability::Cached, |out| out.write_all(b"x")).unwrap();
        assert_eq!(fs::read_to_string(&fresh).unwrap(), "x");
        assert!(replace_named(dir.path(), Durability::Cached, |out| out.write_all(b"x")).is_err());
    }
}
