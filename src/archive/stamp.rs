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
///
/// Kept as its 32 bytes (four little-endian words): read back in one slice, where four
/// varints through serde's field visitor were ≈ 170 instructions a stamp, two stamps a dump
/// on every `+1` (34 M at 100,000).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

impl Stamp {
    const BYTES: usize = 32;

    fn to_bytes(self) -> [u8; Stamp::BYTES] {
        let mut out = [0; Stamp::BYTES];
        out[..8].copy_from_slice(&self.len.to_le_bytes());
        out[8..16].copy_from_slice(&self.modified_ns.to_le_bytes());
        out[16..24].copy_from_slice(&self.changed_ns.to_le_bytes());
        out[24..].copy_from_slice(&self.inode.to_le_bytes());
        out
    }

    fn from_bytes(bytes: &[u8; Stamp::BYTES]) -> Stamp {
        let word = |i: usize| {
            let mut w = [0; 8];
            w.copy_from_slice(&bytes[i * 8..i * 8 + 8]);
            w
        };
        Stamp {
            len: u64::from_le_bytes(word(0)),
            modified_ns: i64::from_le_bytes(word(1)),
            changed_ns: i64::from_le_bytes(word(2)),
            inode: u64::from_le_bytes(word(3)),
        }
    }
}

impl Serialize for Stamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(&self.to_bytes())
    }
}

impl<'de> Deserialize<'de> for Stamp {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Stamp, D::Error> {
        struct Bytes;
        impl serde::de::Visitor<'_> for Bytes {
            type Value = Stamp;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                write!(f, "a stamp's {} bytes", Stamp::BYTES)
            }

            fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Stamp, E> {
                let bytes = v
                    .try_into()
                    .map_err(|_| E::invalid_length(v.len(), &self))?;
                Ok(Stamp::from_bytes(bytes))
            }
        }
        d.deserialize_bytes(Bytes)
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
    fn a_stamp_is_kept_as_its_bytes_and_a_short_one_is_an_error() {
        let stamp = Stamp::of_parts(7, (1_700_000_000, 5), (-2, 999_999_999), u64::MAX);
        let bytes = postcard::to_stdvec(&Some(stamp)).unwrap();
        // The option's tag, the length, the four words.
        assert_eq!(bytes.len(), 2 + 32);
        assert_eq!(
            postcard::from_bytes::<Option<Stamp>>(&bytes).unwrap(),
            Some(stamp)
        );
        let short = postcard::to_stdvec(&[0u8; 31][..]).unwrap();
        assert!(postcard::from_bytes::<Stamp>(&short).is_err());
        // Before 1970 a modification counts as 1970 (what `SystemTime` made of it).
        assert_eq!(
            Stamp::of_parts(0, (-1, 500_000_000), (0, 0), 0).modified_ns,
            0
        );
        assert_eq!(stamp.changed_ns, -1_000_000_001);
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
