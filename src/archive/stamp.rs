//! What identifies one version of a file without reading it ([`Stamp`]), and the program
//! that wrote a file of the build folder ([`Program`]): the build cache's keys, and the
//! grouping's.

use std::fs;
use std::path::Path;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

/// What identifies one version of a file without reading it.
///
/// Times in nanoseconds as `i64` (until the year 2262; later ones are all the same last
/// nanosecond): as `i128` a stamp took 48 bytes and 64 as an `Option`, and every build holds
/// two per dump in the listing, in the cache as read and in the results (at a million dumps,
/// some 150 MB more of fresh pages), and decoded each as two 128-bit varints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    len: u64,
    modified_ns: i64,
    /// The inode's change time: unlike the modification time, no tool sets it back.
    changed_ns: i64,
    inode: u64,
}

impl Stamp {
    /// The file's length when it was stamped.
    pub fn file_len(&self) -> u64 {
        self.len
    }

    pub fn of(meta: &fs::Metadata) -> Stamp {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            // The nanoseconds of a time are in 0..1e9 whatever its sign.
            let nanos = |ns: i64| u32::try_from(ns).unwrap_or(0);
            Stamp::of_parts(
                meta.len(),
                (meta.mtime(), nanos(meta.mtime_nsec())),
                (meta.ctime(), nanos(meta.ctime_nsec())),
                meta.ino(),
            )
        }
        #[cfg(not(unix))]
        {
            let modified_ns = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX));
            Stamp {
                len: meta.len(),
                modified_ns,
                changed_ns: 0,
                inode: 0,
            }
        }
    }

    /// The stamp of what a stat gives: the length, the modification and change times
    /// (seconds since 1970 and nanoseconds), the inode. A modification before 1970 counts as
    /// 1970 itself, as it always has; a change time is kept as it is.
    pub fn of_parts(len: u64, modified: (i64, u32), changed: (i64, u32), inode: u64) -> Stamp {
        let modified_ns = if modified.0 < 0 {
            0
        } else {
            i64::try_from(i128::from(modified.0) * 1_000_000_000 + i128::from(modified.1))
                .unwrap_or(i64::MAX)
        };
        Stamp {
            len,
            modified_ns,
            changed_ns: changed
                .0
                .saturating_mul(1_000_000_000)
                .saturating_add(i64::from(changed.1)),
            inode,
        }
    }
}

/// Which program wrote a file of the build folder: the BLAKE3 hash of its executable's bytes.
/// Not the executable's [`Stamp`]: its change time moves whenever anything hard-links the
/// binary (`perf record` does, for its build-id cache), and at a million dumps the next `+1`
/// then parsed every dump again. Same bytes, same parsing, whatever the file's name or times.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Program([u8; 32]);

impl Program {
    pub fn of_file(path: &Path) -> std::io::Result<Program> {
        let mut hasher = blake3::Hasher::new();
        hasher.update_reader(fs::File::open(path)?)?;
        Ok(Program(*hasher.finalize().as_bytes()))
    }

    /// The running program's, hashed once a process (≈ 17 MB for the release binary).
    pub fn running() -> Option<Program> {
        static RUNNING: OnceLock<Option<Program>> = OnceLock::new();
        *RUNNING.get_or_init(|| Program::of_file(&std::env::current_exe().ok()?).ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stamp_changes_with_the_content_and_survives_a_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        fs::write(&path, "one").unwrap();
        let before = Stamp::of(&fs::metadata(&path).unwrap());
        assert_eq!(before, Stamp::of(&fs::metadata(&path).unwrap()));
        fs::write(&path, "two!").unwrap();
        assert_ne!(before, Stamp::of(&fs::metadata(&path).unwrap()));
    }

    #[test]
    fn a_stamp_is_40_bytes_and_keeps_its_times() {
        // Two per dump in every list a build holds: the size is a million times over.
        assert!(std::mem::size_of::<Option<Stamp>>() <= 40);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        fs::write(&path, "one").unwrap();
        let file = fs::File::options().write(true).open(&path).unwrap();
        let at = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000);
        file.set_modified(at).unwrap();
        let before = Stamp::of(&fs::metadata(&path).unwrap());
        // Whole seconds: what every file system keeps.
        assert_eq!(before.modified_ns, 1_700_000_000_000_000_000);
        file.set_modified(at + std::time::Duration::from_secs(1))
            .unwrap();
        assert_ne!(Stamp::of(&fs::metadata(&path).unwrap()), before);
    }

    #[test]
    fn a_program_is_its_bytes_not_its_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("arshif");
        fs::write(&path, b"one program").unwrap();
        let before = Program::of_file(&path).unwrap();
        // A hard link moves the file's change time (`perf record` makes one): same program.
        fs::hard_link(&path, dir.path().join("linked")).unwrap();
        assert_eq!(Program::of_file(&path).unwrap(), before);
        fs::copy(&path, dir.path().join("copied")).unwrap();
        assert_eq!(
            Program::of_file(&dir.path().join("copied")).unwrap(),
            before
        );
        fs::write(&path, b"two program").unwrap();
        assert_ne!(Program::of_file(&path).unwrap(), before);
        assert!(Program::running().is_some());
    }
}
