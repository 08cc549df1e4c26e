//! The build folder's lock: every build into a folder (`arshif build`, `serve`'s and
//! `export`'s start-up build, a live rebuild) holds an exclusive `flock` of [`NAME`] in it
//! while it writes, so that two builds of one folder take turns rather than write its cache,
//! store and index at once. A build that finds the lock held waits for it, and says so once.
//!
//! The lock is the kernel's: a holder killed with `kill -9` lets go of it with its process.
//! Two opens of the file are two locks, even in one process, so a holder passes its
//! [`BuildLock`] down rather than taking it again (a live rebuild holds it from its build to
//! its site opened: `build_and_save_then_load`).

use std::fs::{File, TryLockError};
use std::path::Path;

use super::ArchiveError;

/// The lock file in a build folder.
pub const NAME: &str = ".live.lock";

/// The build folder's lock, held until dropped.
#[derive(Debug)]
pub struct BuildLock {
    _file: File,
}

impl BuildLock {
    /// Takes the lock of `build_dir` (made if missing), waiting while another build holds it.
    pub fn take(build_dir: &Path) -> Result<BuildLock, ArchiveError> {
        let path = build_dir.join(NAME);
        let failed = |cause| ArchiveError::Lock {
            path: path.clone(),
            cause,
        };
        std::fs::create_dir_all(build_dir).map_err(failed)?;
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(failed)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                say_waiting(build_dir);
                file.lock().map_err(failed)?;
            }
            Err(TryLockError::Error(e)) => return Err(failed(e)),
        }
        Ok(BuildLock { _file: file })
    }

    /// [`BuildLock::take`] of the folder of the compiled archive at `compiled_path`.
    pub fn of_archive(compiled_path: &Path) -> Result<BuildLock, ArchiveError> {
        BuildLock::take(compiled_path.parent().unwrap_or(Path::new(".")))
    }
}

/// Says once that a build waits: in the log of a process that keeps one (`serve`), else on
/// stderr (`arshif build`, `export`, which print their report there).
fn say_waiting(build_dir: &Path) {
    let dir = build_dir.display();
    match tracing::dispatcher::has_been_set() {
        true => tracing::info!("waiting for another build of {dir}"),
        false => eprintln!("waiting for another build of {dir}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_of_a_folder_waits_for_the_first() {
        let dir = tempfile::tempdir().unwrap();
        let first = BuildLock::take(dir.path()).unwrap();
        let other = File::options()
            .write(true)
            .open(dir.path().join(NAME))
            .unwrap();
        assert!(matches!(other.try_lock(), Err(TryLockError::WouldBlock)));
        drop(first);
        other.try_lock().unwrap();
    }

    #[test]
    fn a_folder_that_cannot_be_made_is_an_error_naming_the_lock() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a file");
        std::fs::write(&file, b"").unwrap();
        let e = BuildLock::take(&file.join("build")).unwrap_err();
        assert!(e.to_string().contains(NAME), "{e}");
    }
}
