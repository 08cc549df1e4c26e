//! Where each crawled URL lands on disk (the file nginx's `try_files` looks for), and the
//! writing of the export beside its folder and then in its place.

use std::borrow::Cow;
use std::collections::HashSet;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use super::{ExportError, MARKER};
use crate::web::http::coding::Levels;

/// The file (from the export's root) nginx finds for `target`; see the module comment.
///
/// Its segments are joined into one string, then made a path once: collected into a `Vec`
/// and pushed onto a `PathBuf` one by one (which looks at each for a separator) they were
/// 13.1 M instructions at 1,000 articles (notes/serve-bench.md, session 47). A test holds it
/// to that way.
pub(super) fn file_for(target: &str, html: bool) -> Result<PathBuf, &'static str> {
    let (path, decoded, query) = split(target)?;
    // What follows the first `/` (a target starts with it), less one `/` that ends a folder.
    let segments = decoded.split_once('/').map_or("", |(_, rest)| rest);
    let mut file = String::with_capacity(segments.len() + 32);
    // A name goes into the folder `file` names so far (none yet: the export's root).
    let folder = |file: &mut String| {
        if !file.is_empty() {
            file.push('/');
        }
    };
    if !segments.is_empty() {
        let segments = segments.strip_suffix('/').unwrap_or(segments);
        for segment in segments.split('/') {
            if segment.is_empty() || segment == "." || segment == ".." || segment.contains('\0') {
                return Err("its path has an empty, `.` or `..` segment");
            }
            folder(&mut file);
            file.push_str(segment);
        }
    }
    match (html, query) {
        (true, None) => {
            folder(&mut file);
            file.push_str("index.html");
        }
        (true, Some(query)) => {
            if !plain_query(query) {
                return Err("its query has characters other than letters, digits and _=&-");
            }
            folder(&mut file);
            file.push_str("index.");
            file.push_str(query);
            file.push_str(".html");
        }
        (false, Some(_)) => return Err("a file other than a page cannot have a query"),
        (false, None) if file.is_empty() || path.ends_with('/') => {
            return Err("a file other than a page must have a name");
        }
        (false, None) => {}
    }
    Ok(PathBuf::from(file))
}

/// `target`'s path, that path percent-decoded (nginx looks files up by the decoded path), and
/// its query.
fn split(target: &str) -> Result<(&str, Cow<'_, str>, Option<&str>), &'static str> {
    let (path, query) = match target.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (target, None),
    };
    let decoded = percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .map_err(|_| "its path is not UTF-8")?;
    Ok((path, decoded, query))
}

/// Whether a page's `query` may be part of its file's name.
fn plain_query(query: &str) -> bool {
    !query.is_empty()
        && query
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_=&-".contains(&b))
}

/// The name of the 404 page for paths `depth` folders deep.
pub fn not_found_page(depth: usize) -> String {
    match depth {
        0 => "404.html".into(),
        d => format!("404-{d}.html"),
    }
}

/// Writes `bytes` to `path`, creating its folder when it is missing.
pub(super) fn write(path: &Path, bytes: &[u8]) -> Result<(), ExportError> {
    in_folder(path, || std::fs::write(path, bytes)).map_err(|source| ExportError::Write {
        path: path.to_path_buf(),
        cause: source,
    })
}

/// The folders of an export made so far, so that a file's folder is made before its first
/// file is opened: opening first and making the folder when the open failed was one failing
/// `openat` a folder (1,359 an export of 1,000 articles, notes/serve-bench.md, session 42).
/// Hashed by foldhash, not std's SipHash: the export's own paths, looked up once a file. Kept
/// by their bytes, not as paths: a `Path` hashes and compares component by component, which
/// was two thirds of the look-ups' 10.9 M instructions at 1,000 articles (notes/serve-bench.md,
/// session 47). The folders all come from joining the export's root and [`file_for`]'s
/// segments, so one folder has one spelling.
#[derive(Debug, Default)]
pub(super) struct Folders(Mutex<Made>);

/// The folders made, by their path's bytes.
type Made = HashSet<OsString, foldhash::fast::RandomState>;

impl Folders {
    /// Makes the folder `path` goes in, unless this export made it already.
    pub fn make_for(&self, path: &Path) -> Result<(), ExportError> {
        let Some(folder) = path.parent() else {
            return Ok(());
        };
        let made = |folders: &Mutex<Made>| {
            folders
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .contains(folder.as_os_str())
        };
        if made(&self.0) {
            return Ok(());
        }
        // Made outside the lock: two threads making one folder both succeed.
        std::fs::create_dir_all(folder).map_err(|cause| ExportError::Write {
            path: folder.to_path_buf(),
            cause,
        })?;
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(folder.as_os_str().to_owned());
        Ok(())
    }
}

/// `make` (which creates the file at `path`), after creating `path`'s folder if `make` finds
/// it missing. Most files go into a folder made already (an article's folder holds its page
/// and dump); creating the folder first for each was 51,000 `mkdir` calls for an export of
/// 10,000 articles, 40,000 of them failing (`strace -c`, notes/serve-bench.md, session 21).
fn in_folder(path: &Path, make: impl Fn() -> std::io::Result<()>) -> std::io::Result<()> {
    match make() {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            make()
        }
        done => done,
    }
}

/// What an export's [`MARKER`] holds: the levels its `.gz` and `.br` files were made at, what
/// it was made from (when the caller could name all of it, see [`super::Options::made_from`])
/// and what it wrote. An older marker holds only the levels; the rest then reads as unknown.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(super) struct Marker {
    #[serde(flatten)]
    pub levels: Levels,
    /// False for an export made without `.gz` and `.br` files (older markers: true).
    #[serde(default = "made_with_siblings")]
    pub precompress: bool,
    #[serde(default)]
    pub made_from: Option<String>,
    #[serde(default)]
    pub files: usize,
    #[serde(default)]
    pub bytes: u64,
}

fn made_with_siblings() -> bool {
    true
}

impl Marker {
    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("numbers and a string serialise")
    }

    /// Whether the export's files were compressed as `levels` and `precompress` say: its
    /// siblings, and those it lacks, are what such an export would have.
    pub fn compressed_as(&self, levels: Levels, precompress: bool) -> bool {
        self.levels == levels && self.precompress == precompress
    }

    /// The marker of the export at `dir`, if it is one this program can read.
    pub fn of(dir: &Path) -> Option<Marker> {
        serde_json::from_slice(&std::fs::read(dir.join(MARKER)).ok()?).ok()
    }
}

/// `dir` when it holds an earlier export whose siblings were made at `levels` (or that has
/// none, as `precompress` says), so that its unchanged files may be kept. An export older than
/// the levels in its marker, or one made otherwise, lends nothing: its missing siblings would
/// read as "not worth writing".
pub(super) fn previous_export(dir: &Path, levels: Levels, precompress: bool) -> Option<PathBuf> {
    Marker::of(dir)?
        .compressed_as(levels, precompress)
        .then(|| dir.to_path_buf())
}

/// `path` with `.suffix` added (`a/index.html.gz`).
pub(super) fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(suffix);
    PathBuf::from(name)
}

/// Hard-links `from` (a file of the previous export) to `to`, creating `to`'s folder.
pub(super) fn link(from: &Path, to: &Path) -> std::io::Result<()> {
    in_folder(to, || std::fs::hard_link(from, to))
}

/// A fresh folder beside `dir` to write into, after checking `dir` may be replaced.
pub(super) fn staging_dir(dir: &Path) -> Result<PathBuf, ExportError> {
    let err = |source| ExportError::Write {
        path: dir.to_path_buf(),
        cause: source,
    };
    if let Ok(mut entries) = std::fs::read_dir(dir)
        && entries.next().is_some()
        && !dir.join(MARKER).is_file()
    {
        return Err(ExportError::NotAnExport {
            path: dir.to_path_buf(),
        });
    }
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "export".into());
    let parent = dir.parent().filter(|p| !p.as_os_str().is_empty());
    let parent = parent.unwrap_or_else(|| Path::new("."));
    std::fs::create_dir_all(parent).map_err(err)?;
    let staging = parent.join(format!(".{name}.arshif-new-{}", std::process::id()));
    if staging.exists() {
        std::fs::remove_dir_all(&staging).map_err(err)?;
    }
    std::fs::create_dir(&staging).map_err(err)?;
    Ok(staging)
}

/// Puts `staging` in `dir`'s place; the earlier export, if any, is removed after.
pub(super) fn replace(staging: &Path, dir: &Path) -> Result<(), ExportError> {
    let err = |source| ExportError::Write {
        path: dir.to_path_buf(),
        cause: source,
    };
    let old = staging.with_extension("old");
    let had_old = dir.exists();
    if had_old {
        std::fs::rename(dir, &old).map_err(err)?;
    }
    std::fs::rename(staging, dir).map_err(err)?;
    if had_old {
        std::fs::remove_dir_all(&old).map_err(err)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A folder is made once: the set finds it again by the same path (here shown by making
    /// it no more after it was removed behind the set's back), and a sibling folder is made.
    #[test]
    fn a_folder_is_made_for_its_first_file_only() {
        let dir = tempfile::tempdir().unwrap();
        let folders = Folders::default();
        let page = dir.path().join("articles").join("x").join("index.html");
        folders.make_for(&page).unwrap();
        assert!(page.parent().unwrap().is_dir());
        std::fs::remove_dir(page.parent().unwrap()).unwrap();
        folders.make_for(&page.with_file_name("source")).unwrap();
        assert!(!page.parent().unwrap().exists());
        let other = dir.path().join("articles").join("y").join("index.html");
        folders.make_for(&other).unwrap();
        assert!(other.parent().unwrap().is_dir());
    }

    /// [`file_for`] as it was before session 47: the segments collected and pushed onto a
    /// `PathBuf` one by one. The oracle of the joined string.
    fn file_for_by_segments(target: &str, html: bool) -> Result<PathBuf, &'static str> {
        let (path, decoded, query) = split(target)?;
        let mut segments: Vec<&str> = decoded.split('/').skip(1).collect();
        if segments.last() == Some(&"") {
            segments.pop();
        }
        if segments
            .iter()
            .any(|s| s.is_empty() || *s == "." || *s == ".." || s.contains('\0'))
        {
            return Err("its path has an empty, `.` or `..` segment");
        }
        let mut file: PathBuf = segments.iter().collect();
        match (html, query) {
            (true, None) => file.push("index.html"),
            (true, Some(query)) => {
                if !plain_query(query) {
                    return Err("its query has characters other than letters, digits and _=&-");
                }
                file.push(format!("index.{query}.html"));
            }
            (false, Some(_)) => return Err("a file other than a page cannot have a query"),
            (false, None) if segments.is_empty() || path.ends_with('/') => {
                return Err("a file other than a page must have a name");
            }
            (false, None) => {}
        }
        Ok(file)
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(2048))]
        /// Any target becomes the file, or is refused for the reason, that the segments
        /// pushed one by one gave.
        #[test]
        fn a_target_is_the_file_of_its_segments(
            target in "(/|a|\\.|\\.\\.|\\?|=|&|-|%2e|%D8%AE|%FF){0,10}",
            html in proptest::prelude::any::<bool>(),
        ) {
            proptest::prop_assert_eq!(file_for(&target, html), file_for_by_segments(&target, html));
        }
    }

    #[test]
    fn urls_become_the_files_try_files_looks_for() {
        let ok = |t: &str, html| file_for(t, html).unwrap().display().to_string();
        assert_eq!(ok("/", true), "index.html");
        assert_eq!(ok("/?order=oldest", true), "index.order=oldest.html");
        assert_eq!(ok("/page/2", true), "page/2/index.html");
        assert_eq!(
            ok("/page/2?order=oldest", true),
            "page/2/index.order=oldest.html"
        );
        assert_eq!(ok("/articles/abc/", true), "articles/abc/index.html");
        assert_eq!(ok("/articles/abc/source", false), "articles/abc/source");
        // nginx looks files up by the decoded path.
        assert_eq!(
            ok("/articles/%D8%AE%D8%A8%D8%B1", true),
            "articles/خبر/index.html"
        );
        for (bad, html) in [
            ("/a/../b", true),
            ("/a//b", true),
            ("/a/%2e%2e/b", true),
            ("/?q=a/b", true),
            ("/?q=a.b", true),
            ("/static/a.css?v=1", false),
            ("/", false),
            ("/static/", false),
        ] {
            assert!(file_for(bad, html).is_err(), "{bad}");
        }
    }
}
