//! What identifies one version of a file without reading it ([`Stamp`]), and the program
//! that wrote a file of the build folder ([`Program`]): the build cache's keys, and the
//! grouping's.

use std::fs;
use std::path::Path;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::atomic_file;

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
    pub(super) const BYTES: usize = 32;

    pub(super) fn to_bytes(self) -> [u8; Stamp::BYTES] {
        let mut out = [0; Stamp::BYTES];
        out[..8].copy_from_slice(&self.len.to_le_bytes());
        out[8..16].copy_from_slice(&self.modified_ns.to_le_bytes());
        out[16..24].copy_from_slice(&self.changed_ns.to_le_bytes());
        out[24..].copy_from_slice(&self.inode.to_le_bytes());
        out
    }

    pub(super) fn from_bytes(bytes: &[u8; Stamp::BYTES]) -> Stamp {
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
        RUNNING
            .get_or_init(|| Program::hashed(None))
            .map(|(p, _)| p)
    }

    /// The running program's, as [`Program::running`], but taken from the hash kept in
    /// `build_dir` ([`KEPT`]) when the executable's file is the one it was kept for, and kept
    /// there otherwise. Hashing the release binary was ≈ 80 M instructions at the start of
    /// every build, at any scale.
    ///
    /// As safe as hashing: the file is known by its device, inode, length and modification
    /// and change times (nanoseconds). A binary written in place moves both times; one
    /// replaced (`cargo build` links a new file in, `install` removes and creates) is
    /// another inode, or the same number with a new change time; and no tool sets a change
    /// time back (only the clock set back to that very nanosecond would). Anything that moves
    /// them without changing the bytes (a hard link: `perf record` makes one) costs one hash,
    /// which gives the same program, so the cache stays.
    pub fn running_in(build_dir: &Path) -> Option<Program> {
        let kept = fs::read(build_dir.join(KEPT)).ok();
        let kept = kept
            .as_deref()
            .and_then(|b| atomic_file::versioned_body(b, KEPT_MAGIC, KEPT_VERSION))
            .and_then(|body| postcard::from_bytes::<(ExeKey, Program)>(body).ok());
        let (program, key) = (*RUNNING.get_or_init(|| Program::hashed(kept)))?;
        if let Some(key) = key
            && kept.map(|(k, _)| k) != Some(key)
        {
            // Best effort: kept or not, the program is the same; a folder not made yet keeps
            // it at its next build.
            let _ = atomic_file::save_versioned(
                &build_dir.join(KEPT),
                KEPT_MAGIC,
                KEPT_VERSION,
                &(key, program),
                atomic_file::Durability::Cached,
            );
        }
        Some(program)
    }

    /// The running program and its file's key: `kept`'s program when its key is the file's
    /// now, its bytes hashed otherwise.
    fn hashed(kept: Option<(ExeKey, Program)>) -> Option<(Program, Option<ExeKey>)> {
        let exe = std::env::current_exe().ok()?;
        Program::hashed_file(&exe, kept, std::time::SystemTime::now())
    }

    /// [`Program::hashed`] of the file `exe` at `now`; the key given only when it was the same
    /// before and after the hash, and [`ExeKey::settled`].
    fn hashed_file(
        exe: &Path,
        kept: Option<(ExeKey, Program)>,
        now: std::time::SystemTime,
    ) -> Option<(Program, Option<ExeKey>)> {
        let before = ExeKey::of(exe);
        if let (Some(now), Some((key, program))) = (before, kept)
            && now == key
        {
            return Some((program, Some(now)));
        }
        let program = Program::of_file(exe).ok()?;
        let after = ExeKey::of(exe);
        let key = before.filter(|k| before == after && k.settled(now));
        Some((program, key))
    }
}

/// The running program, hashed or taken from a kept hash once a process, with its file's key.
static RUNNING: OnceLock<Option<(Program, Option<ExeKey>)>> = OnceLock::new();

/// The file in the build folder that keeps the running program's hash with its file's key.
pub const KEPT: &str = "program.bin";
const KEPT_MAGIC: &[u8; 8] = b"ARSHIFX\x01";
const KEPT_VERSION: u32 = 1;

/// What tells the executable's file from any other, or from itself rewritten: its device and
/// its [`Stamp`] (length, modification and change times, inode).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct ExeKey {
    device: u64,
    stamp: Stamp,
}

impl ExeKey {
    #[cfg(unix)]
    fn of(path: &Path) -> Option<ExeKey> {
        use std::os::unix::fs::MetadataExt;
        let meta = fs::metadata(path).ok()?;
        Some(ExeKey {
            device: meta.dev(),
            stamp: Stamp::of(&meta),
        })
    }

    /// Whether its file was last changed long enough before `now` that a change after it has
    /// another change time: file systems take times from a clock that moves in ticks of a few
    /// milliseconds, and a file rewritten within one tick at the same length keeps its key
    /// (git's "racily clean" files). A binary changed less than two seconds ago is hashed.
    fn settled(&self, now: std::time::SystemTime) -> bool {
        let now = now.duration_since(std::time::UNIX_EPOCH);
        let now = now.map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX));
        self.stamp.changed_ns < now.saturating_sub(2_000_000_000)
    }

    /// Without an inode and a change time, a file rewritten within one modification time
    /// would be taken for the one kept: always hashed.
    #[cfg(not(unix))]
    fn of(_: &Path) -> Option<ExeKey> {
        None
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
    fn a_kept_hash_is_taken_only_for_the_file_it_was_kept_for() {
        let dir = tempfile::tempdir().unwrap();
        let exe = dir.path().join("arshif");
        fs::write(&exe, b"one program").unwrap();
        let key = ExeKey::of(&exe).unwrap();
        let real = Program::of_file(&exe).unwrap();
        let (now, later) = (std::time::SystemTime::now(), |s| {
            std::time::SystemTime::now() + std::time::Duration::from_secs(s)
        });
        // Just changed: hashed, and not kept (a rewrite within the clock's tick would keep
        // its key).
        assert_eq!(Program::hashed_file(&exe, None, now), Some((real, None)));
        assert_eq!(
            Program::hashed_file(&exe, None, later(3)),
            Some((real, Some(key)))
        );
        // Kept for this very file: taken, not hashed (a wrong hash shows it was taken).
        let other = Program([7; 32]);
        let taken = Program::hashed_file(&exe, Some((key, other)), later(3));
        assert_eq!(taken, Some((other, Some(key))));
        // Kept for another file (or this one before a change): hashed.
        let mut moved = key;
        moved.device ^= 1;
        let hashed = Program::hashed_file(&exe, Some((moved, other)), later(3));
        assert_eq!(hashed, Some((real, Some(key))));

        // Replaced (a new file renamed over it, as `cargo build` and `install` do): another key.
        fs::write(dir.path().join("new"), b"two program").unwrap();
        fs::rename(dir.path().join("new"), &exe).unwrap();
        assert_ne!(ExeKey::of(&exe).unwrap(), key, "replaced");

        // The build folder keeps the running program's, and a build reads it back.
        let running = Program::running().unwrap();
        assert_eq!(Program::running_in(dir.path()), Some(running));
        if let Ok(bytes) = fs::read(dir.path().join(KEPT)) {
            let body = atomic_file::versioned_body(&bytes, KEPT_MAGIC, KEPT_VERSION).unwrap();
            let (_, kept) = postcard::from_bytes::<(ExeKey, Program)>(body).unwrap();
            assert_eq!(kept, running);
        }
        // Damaged, it is no kept hash: the same program.
        fs::write(dir.path().join(KEPT), b"ARSHIFX\x01garbage").unwrap();
        assert_eq!(Program::running_in(dir.path()), Some(running));
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
