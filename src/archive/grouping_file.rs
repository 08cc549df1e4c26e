//! The threads' grouping kept in the build folder ([`threads::Grouping`]: the weighing base,
//! each article's signature and links), so that the next build groups again only where the
//! change reaches. Like the build cache, it is kept only for the program that wrote it, and a
//! file that cannot be read is no file: the next build groups from nothing.

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::atomic_file::{self, Durability};
use super::build_cache::Program;
use super::threads::Grouping;

const MAGIC: &[u8; 8] = b"ARSHIFT\x01";
/// Bump whenever [`Grouping`] changes shape.
const VERSION: u32 = 6;
/// The file's name inside the build folder.
pub const FILE_NAME: &str = "threads.bin";

pub fn path_in(build_dir: &Path) -> PathBuf {
    build_dir.join(FILE_NAME)
}

#[derive(Serialize, Deserialize)]
struct GroupingFile {
    program: Option<Program>,
    grouping: Grouping,
}

/// The grouping of `build_dir` when it is readable and this program wrote it.
pub fn load(build_dir: &Path) -> Option<Grouping> {
    let file = fs::File::open(path_in(build_dir)).ok()?;
    // Mapped rather than read: decoded straight from the file's pages, not from a copy of
    // the whole file (at a million articles, a hundred megabytes of fresh pages).
    // SAFETY: the file is only ever replaced whole, by a rename ([`atomic_file`]), never
    // written in place.
    let bytes = unsafe { memmap2::Mmap::map(&file) }.ok()?;
    let body = atomic_file::versioned_body(&bytes, MAGIC, VERSION)?;
    let file: GroupingFile = postcard::from_bytes(body).ok()?;
    let program = Program::running();
    (program.is_some() && file.program == program).then_some(file.grouping)
}

/// Writes the grouping of `build_dir` (through a temporary file, so a reader never sees half
/// of one).
pub fn save(build_dir: &Path, grouping: Grouping) -> std::io::Result<()> {
    let file = GroupingFile {
        program: Program::running(),
        grouping,
    };
    let path = path_in(build_dir);
    atomic_file::save_versioned(&path, MAGIC, VERSION, &file, Durability::Cached)
}
