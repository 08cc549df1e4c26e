//! The compiled archive file: what `build` writes and `serve` loads, so serving never parses.
//!
//! Layout: an 8-byte magic, a little-endian u32 format version, then the postcard encoding of
//! [`Archive`]. A file of another version is refused (and rebuilt by `serve`), never misread.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use super::{Archive, ArchiveError};

const MAGIC: &[u8; 8] = b"ARSHIF\0\x01";
/// Bump whenever [`Archive`] or anything inside it changes shape.
const VERSION: u32 = 2;
/// The file's name inside the build folder.
pub const FILE_NAME: &str = "archive.bin";

/// Where the compiled archive lives inside a build folder.
pub fn path_in(build_dir: &Path) -> PathBuf {
    build_dir.join(FILE_NAME)
}

/// Writes the archive atomically: a reader sees the old file or the new one, never half of one.
pub fn save(archive: &Archive, path: &Path) -> Result<(), ArchiveError> {
    let werr = |e| ArchiveError::Write {
        path: path.to_path_buf(),
        source: e,
    };
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(werr)?;
    }
    let mut bytes = Vec::with_capacity(1 << 20);
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&VERSION.to_le_bytes());
    let bytes = postcard::to_extend(archive, bytes)
        .map_err(|e| werr(std::io::Error::other(e.to_string())))?;
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    let result = (|| {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(&bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result.map_err(werr)
}

/// Loads a compiled archive written by [`save`].
pub fn load(path: &Path) -> Result<Archive, ArchiveError> {
    let bytes = fs::read(path).map_err(|e| ArchiveError::Read {
        path: path.into(),
        source: e,
    })?;
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
    let mut archive: Archive =
        postcard::from_bytes(&bytes[header..]).map_err(|e| corrupt(e.to_string()))?;
    archive.index();
    Ok(archive)
}

/// Whether the compiled file must be (re)built: it is missing, of another format, or older
/// than anything in the articles folder (dumps, overrides, `about.md`, or the folder itself,
/// whose time changes when a file is removed).
pub fn is_stale(compiled: &Path, articles: &Path) -> bool {
    let Ok(built) = fs::metadata(compiled).and_then(|m| m.modified()) else {
        return true;
    };
    if !has_current_header(compiled) {
        return true;
    }
    newest_input(articles).is_none_or(|newest| newest > built)
}

fn has_current_header(path: &Path) -> bool {
    let mut head = [0u8; 12];
    fs::File::open(path)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head))
        .is_ok_and(|()| &head[..8] == MAGIC && head[8..] == VERSION.to_le_bytes())
}

fn newest_input(dir: &Path) -> Option<SystemTime> {
    let mut newest = fs::metadata(dir).and_then(|m| m.modified()).ok()?;
    for item in fs::read_dir(dir).ok()?.flatten() {
        if let Ok(t) = item.metadata().and_then(|m| m.modified()) {
            newest = newest.max(t);
        }
    }
    Some(newest)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::Entry;
    use crate::parse::Article;

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
        };
        save(
            &Archive::from_entries(vec![entry], Some("about".into())),
            &path,
        )
        .unwrap();
        let back = load(&path).unwrap();
        assert_eq!(back.get("x").unwrap().article.title, "عنوان");
        assert_eq!(back.about(), Some("about"));

        fs::write(&path, b"not an archive").unwrap();
        assert!(matches!(load(&path), Err(ArchiveError::Corrupt { .. })));
        assert!(is_stale(&path, dir.path()));
    }
}
