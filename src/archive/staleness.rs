//! Whether a compiled archive must be built again: it is missing, of another format or source,
//! or older than its articles folder or anything in it. The checks read the archive's start
//! ([`compiled::source_of`]) and stat the folder's files; they never decode the archive.

use std::fs;
use std::path::Path;
use std::time::SystemTime;

use rayon::prelude::*;

use super::compiled::{self, Source};

/// Whether the compiled file must be (re)built: it is missing, of another format, built from
/// another folder or by another arshif, or older than anything in the articles folder (dumps,
/// overrides, `about.md`, or the folder itself, whose time changes when a file is removed).
/// One stat per file: a million dumps take a second or more.
pub fn is_stale(compiled: &Path, articles: &Path) -> bool {
    let Some(built) = built_at(compiled, articles) else {
        return true;
    };
    newest_input(articles, Cores::All).is_none_or(|newest| newest > built)
}

/// [`is_stale`] on the calling thread alone: `serve`'s check once it answers, which must
/// leave the other core to the requests. Spread over both cores, a million stats took both
/// for a second or more just as the first readers came: the first search at 100,000 took
/// 105 ms instead of 9 (notes/search-bench.md, session 21).
pub fn is_stale_on_one_core(compiled: &Path, articles: &Path) -> bool {
    let Some(built) = built_at(compiled, articles) else {
        return true;
    };
    newest_input(articles, Cores::One).is_none_or(|newest| newest > built)
}

/// How many cores a check of every file may take.
#[derive(Clone, Copy)]
enum Cores {
    All,
    One,
}

/// [`is_stale`] as far as the folder alone tells, in a few stats however many dumps it holds:
/// the compiled file is missing, of another format or source, or older than the folder or its
/// `about.md`. The folder's time changes when a file is added, removed or renamed in it, which
/// is how most tools save; a dump or override rewritten in place leaves it alone, and only
/// [`is_stale`] sees that.
pub fn is_stale_by_folder(compiled: &Path, articles: &Path) -> bool {
    let Some(built) = built_at(compiled, articles) else {
        return true;
    };
    let folder = fs::metadata(articles).and_then(|m| m.modified());
    folder.map_or(true, |folder| folder > built) || about_newer(built, articles)
}

/// Whether the folder's `about.md` (which no build cache lists: a build reads it each time)
/// is newer than the compiled file, or cannot be looked at; `true` where the compiled file is
/// not an archive of `articles` by this program.
pub fn is_about_newer(compiled: &Path, articles: &Path) -> bool {
    built_at(compiled, articles).is_none_or(|built| about_newer(built, articles))
}

fn about_newer(built: SystemTime, articles: &Path) -> bool {
    match fs::metadata(articles.join("about.md")).and_then(|m| m.modified()) {
        Ok(t) => t > built,
        Err(e) => e.kind() != std::io::ErrorKind::NotFound,
    }
}

/// When the compiled file was written, if it is an archive of `articles` by this program.
fn built_at(compiled: &Path, articles: &Path) -> Option<SystemTime> {
    let built = fs::metadata(compiled).and_then(|m| m.modified()).ok()?;
    match (compiled::source_of(compiled), Source::of(articles)) {
        (Some(held), Ok(wanted)) if held == wanted => Some(built),
        _ => None,
    }
}

fn newest_input(dir: &Path, cores: Cores) -> Option<SystemTime> {
    let folder = fs::metadata(dir).and_then(|m| m.modified()).ok()?;
    let modified = |item: &fs::DirEntry| item.metadata().and_then(|m| m.modified()).ok();
    let newest = match cores {
        // One stat per file, the bulk of a large archive's check: spread over the cores.
        Cores::All => {
            let items: Vec<fs::DirEntry> = fs::read_dir(dir).ok()?.flatten().collect();
            items.par_iter().filter_map(modified).max()
        }
        Cores::One => fs::read_dir(dir)
            .ok()?
            .flatten()
            .filter_map(|item| modified(&item))
            .max(),
    };
    Some(newest.map_or(folder, |t| t.max(folder)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::Archive;
    use crate::archive::compiled::{path_in, save};

    #[test]
    fn a_dump_rewritten_in_place_is_seen_by_the_full_check_only() {
        let articles = tempfile::tempdir().unwrap();
        let dump = articles.path().join("a.txt");
        fs::write(&dump, "old").unwrap();
        let about = articles.path().join("about.md");
        fs::write(&about, "about").unwrap();
        let build = tempfile::tempdir().unwrap();
        let path = path_in(build.path());
        let source = Source::of(articles.path()).unwrap();
        save(&Archive::default(), &source, &path).unwrap();
        let later = |p: &Path| {
            let t = fs::metadata(&path).unwrap().modified().unwrap();
            let f = fs::File::options().write(true).open(p).unwrap();
            f.set_modified(t + std::time::Duration::from_secs(5))
                .unwrap();
        };
        assert!(!is_stale(&path, articles.path()));
        assert!(!is_stale_on_one_core(&path, articles.path()));

        later(&dump);
        assert!(is_stale(&path, articles.path()));
        assert!(is_stale_on_one_core(&path, articles.path()));
        assert!(
            !is_stale_by_folder(&path, articles.path()),
            "writing into a file leaves its folder's time alone"
        );

        assert!(!is_about_newer(&path, articles.path()));
        later(&about);
        assert!(
            is_stale_by_folder(&path, articles.path()),
            "about.md is looked at"
        );
        assert!(is_about_newer(&path, articles.path()));
    }
}
