//! The temporaries a killed build left behind ([`atomic_file`]'s files written beside their
//! place, never renamed: `kill -9` skips the removal a failed write makes), removed by the next
//! build once it holds the folder's lock and before it writes. At a million dumps the build
//! cache's file alone is tens of megabytes, and nothing else ever removes them.
//!
//! Only what a lock holder alone writes is swept: the build's own files in the folder's root
//! and the chunks of its three chunk folders. The root also holds files written without the
//! lock (`serve`'s download beside the archive, the running program's hash `program.bin`),
//! whose temporaries may be a live writer's: never touched, nor is anything not named as
//! [`atomic_file::temporary_of`] names ours (a user's `notes.tmp` stays). One `readdir` a
//! folder; only the matches are `stat`ed (for the bytes the log line gives).

use std::ffi::OsStr;
use std::fs;
use std::path::Path;

use super::{
    atomic_file, build_cache, carried_order, chunk_files, compiled, grouping_file, watched,
};

/// Removes the temporaries of the build folder of `compiled_path` (see the module's doc);
/// says in one log line how many and how many bytes when there were any.
pub fn leftovers(compiled_path: &Path) {
    let root = compiled_path.parent().unwrap_or(Path::new("."));
    let ours = [
        compiled_path.file_name(),
        Some(OsStr::new(build_cache::FILE_NAME)),
        Some(OsStr::new(grouping_file::FILE_NAME)),
        Some(OsStr::new(watched::FILE_NAME)),
        Some(OsStr::new(carried_order::FILE_NAME)),
    ];
    let (mut files, mut bytes) = remove(root, |file| ours.contains(&Some(file)));
    for dir in [
        compiled::chunks_dir(compiled_path),
        build_cache::chunks_in(root),
        root.join(grouping_file::CHUNKS),
    ] {
        let (f, b) = remove(&dir, chunk_files::is_chunk);
        (files, bytes) = (files + f, bytes + b);
    }
    if files > 0 {
        tracing::info!(
            "removed {files} temporary files ({bytes} bytes) a killed build left in {}",
            root.display()
        );
    }
}

/// Removes the temporaries of `dir` whose file `ours` says is one of ours: how many, and
/// their bytes.
fn remove(dir: &Path, ours: impl Fn(&OsStr) -> bool) -> (u64, u64) {
    let Ok(items) = fs::read_dir(dir) else {
        return (0, 0);
    };
    let (mut files, mut bytes) = (0, 0);
    for item in items.flatten() {
        let name = item.file_name();
        if !atomic_file::temporary_of(&name).is_some_and(&ours) {
            continue;
        }
        let len = item.metadata().map_or(0, |m| m.len());
        if fs::remove_file(item.path()).is_ok() {
            (files, bytes) = (files + 1, bytes + len);
        }
    }
    (files, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_temporaries_of_our_files_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let chunk = "0f".repeat(32) + ".bin";
        let chunks = root.join("cache.chunks");
        fs::create_dir(&chunks).unwrap();
        let swept = [
            root.join("archive.bin.tmp123.0"),
            root.join("cache.bin.tmp123.7"),
            root.join("listing.bin.tmp9.1"),
            chunks.join(format!("{chunk}.tmp123.4")),
        ];
        let kept = [
            root.join("archive.bin"),
            root.join("notes.tmp"),
            root.join("x.tmp12"),
            root.join("cache.bin.tmp12"),
            root.join("program.bin.tmp5.1"),
            root.join("archive-00000000000000ab.jsonl.gz.tmp5.2"),
            root.join("mine.txt.tmp5.2"),
            chunks.join(&chunk),
            chunks.join("notes.tmp1.2"),
        ];
        for path in swept.iter().chain(&kept) {
            fs::write(path, b"bytes").unwrap();
        }
        leftovers(&root.join("archive.bin"));
        for path in &swept {
            assert!(!path.exists(), "{} is removed", path.display());
        }
        for path in &kept {
            assert!(path.exists(), "{} stays", path.display());
        }
    }

    #[test]
    fn a_chunk_name_is_64_hex_digits_and_bin() {
        let chunk = |name: String| chunk_files::is_chunk(OsStr::new(&name));
        assert!(chunk("a9".repeat(32) + ".bin"));
        assert!(!chunk("A9".repeat(32) + ".bin"));
        assert!(!chunk("a9".repeat(31) + ".bin"));
        assert!(!chunk("a9".repeat(32) + ".txt"));
        let made = chunk_files::path_of(Path::new("d"), &[0xa9; 32]);
        assert!(chunk_files::is_chunk(made.file_name().unwrap()));
    }
}
