//! The articles folder listed without reading it: what the last build listed (its build cache's
//! names and stamps) with the files a watcher of the folder saw change since stamped again,
//! one stat each. Owns [`Changes`], what the caller knows, and the listing's record
//! (`listing.bin`), which says whether the build folder can vouch for the last listing.
//!
//! At a million dumps the listing is a stat a dump (≈ 0.85 s of CPU on two cores: nothing
//! makes a stat cheaper, build-bench session 35) and the folder's read: `serve --watch` knows
//! which names changed, and the rest of the folder is what the last listing found.
//!
//! **The watcher's promise is the contract.** A file changed and left out of
//! [`Changes::Names`] is taken as the last listing found it: its old result is served until a
//! build with [`Changes::Unknown`] (a changed stamp then parses it again). Nothing here checks
//! the promise; checking it would be the stat a dump this saves.
//!
//! Where the build folder cannot vouch for the last listing, the folder is listed whole
//! ([`Fallback`] says why, each variant why it must); never a guess.

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::{OsStr, OsString};
use std::fs;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::atomic_file::{self, Durability};
use super::build_cache::{BuildCache, CachedChunk, Stamp};
use super::compiled::Source;
use super::listing::{self, Aside, Wanted};
use super::scan::{self, Dump};
use super::told::Known;

/// What the caller knows of the articles folder since the build folder's last build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Changes {
    /// Anything may have changed: every file is listed and stamped.
    Unknown,
    /// Only these file names of the folder were created, modified, removed or renamed since
    /// the last build's listing began; every other file is as that listing found it.
    Names(BTreeSet<OsString>),
}

const MAGIC: &[u8; 8] = b"ARSHIFL\x01";
/// Bump whenever [`Record`] changes shape.
const VERSION: u32 = 1;
/// The record's name inside the build folder.
pub const FILE_NAME: &str = "listing.bin";

/// What a build's listing leaves beside its cache for the next build to list from: written
/// only by a build whose every dump a watcher follows by name and which the cache holds
/// whole, last of all its files (after the compiled archive), with the build's mark.
#[derive(Serialize, Deserialize)]
struct Record {
    /// The build's ([`super::build_cache::new_mark`]): the cache holding the same was written
    /// by the same build, which then ran to its end.
    mark: u64,
    /// The articles folder it listed.
    source: Source,
    /// The overrides (`.toml`) it found, by their names' bytes: not in the cache, which keeps
    /// only each dump's override's stamp, not the overrides of no dump yet.
    overrides: Vec<(Vec<u8>, Stamp)>,
}

/// Why the folder is listed whole though the caller named what changed.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub(super) enum Fallback {
    /// No cache of this program for this folder: nothing says what the folder held.
    #[error("no build cache of this program and folder to list from")]
    NoCache,
    /// No record: the last build could not vouch for its listing (a link, a file of several
    /// names, a name not UTF-8, a file unstamped or not cached:
    /// [`super::told::Listing::vouches`]) or was killed before it wrote one, or the record is
    /// unreadable (another version).
    #[error("no record of the last listing in the build folder")]
    NoRecord,
    /// The record and the cache were written by two builds: one of them was killed or failed
    /// between the two files, or could not write its cache (which then holds an older
    /// listing, while the caller's names are since the later build's).
    #[error("the build cache is not of the build that recorded its listing")]
    OtherBuild,
    /// The record lists another articles folder (the build folder served another one).
    #[error("the last listing was of another articles folder")]
    OtherFolder,
    /// A name that is not one file of the folder: a stat of it would look elsewhere.
    #[error("{0:?} is not a file name of the articles folder")]
    NotAName(OsString),
    /// A named file neither there nor missing (permissions, the folder gone): whether the
    /// folder lists it is not known.
    #[error("cannot look at {name:?}: {cause}")]
    Look { name: OsString, cause: String },
    /// The cache holds a name the listing would not make a dump of (not UTF-8, not a dump's
    /// suffix): a damaged cache, listed whole.
    #[error("the build cache holds {0:?}, not a dump's name")]
    NotADump(String),
}

/// The record's path in a build folder.
pub fn path_in(build_dir: &Path) -> PathBuf {
    build_dir.join(FILE_NAME)
}

/// The dumps of `articles` and its overrides as [`scan::scan_with_overrides`] would list them,
/// made from `cache` (the last build's) and the `names` that changed since its listing began,
/// each of those stamped again; no reading of the folder and no other stat. The cache's dumps
/// are not made into [`scan::Dump`]s: a build takes them as they are ([`super::told::taken`]). An error
/// says why the build folder `build_dir` cannot vouch for the last listing.
pub(super) fn list(
    articles: &Path,
    build_dir: &Path,
    source: &Source,
    cache: Option<&BuildCache>,
    names: &BTreeSet<OsString>,
) -> Result<(Known, Aside), Fallback> {
    let cache = cache.ok_or(Fallback::NoCache)?;
    let record = read(build_dir).ok_or(Fallback::NoRecord)?;
    if record.mark != cache.mark {
        return Err(Fallback::OtherBuild);
    }
    if !record.source.same_folder(source) {
        return Err(Fallback::OtherFolder);
    }
    if let Some(bad) = names.iter().find(|n| !is_a_file_name(n)) {
        return Err(Fallback::NotAName(bad.clone()));
    }
    // Read light, the cache's names are its bytes, unchecked: each one a dump's, as the
    // listing would make it, or the folder is listed whole.
    let not_a_dump = (cache.dumps.par_iter())
        .flat_map_iter(CachedChunk::names)
        .find_any(|name| {
            std::str::from_utf8(name).is_err() || scan::wanted(name) != Wanted::Listed
        });
    if let Some(name) = not_a_dump {
        return Err(Fallback::NotADump(
            String::from_utf8_lossy(name).into_owned(),
        ));
    }
    // The named files the listing keeps, in name order (a set's order is its bytes'), each
    // looked at as the listing looks.
    let kept: Vec<(&[u8], Wanted)> = names
        .iter()
        .map(|n| (n.as_bytes(), scan::wanted(n.as_bytes())))
        .filter(|(_, w)| *w != Wanted::No)
        .collect();
    let looked =
        listing::look_at(articles, kept.iter().map(|(n, _)| *n)).map_err(|(name, cause)| {
            Fallback::Look {
                name: OsStr::from_bytes(name).to_owned(),
                cause: cause.to_string(),
            }
        })?;
    let mut overrides: BTreeMap<Vec<u8>, Stamp> = record.overrides.into_iter().collect();
    let (mut fresh, mut named) = (Vec::new(), Vec::new());
    for ((name, wanted), looked) in kept.iter().zip(looked) {
        match wanted {
            Wanted::Listed => {
                named.push(name.to_vec());
                fresh.extend(looked.map(scan::dump_of));
            }
            // As the listing sets an override aside: only when it could be stamped.
            _ => match looked.and_then(|l| l.stamp) {
                Some(stamp) => drop(overrides.insert(name.to_vec(), stamp)),
                None => drop(overrides.remove(*name)),
            },
        }
    }
    let overrides: Aside = overrides
        .into_iter()
        .map(|(name, stamp)| (OsString::from_vec(name), stamp))
        .collect();
    scan::give_overrides(&mut fresh, &overrides);
    let known = Known {
        fresh,
        named,
        overrides: overrides.clone(),
    };
    Ok((known, overrides))
}

/// Whether the articles folder is, file for file, what the build folder's last listing found
/// (the names, stamps and overrides' stamps of its cache and record): the folder listed whole
/// now, a stat a dump. `None` when the build folder cannot vouch for its last listing at all
/// ([`Fallback`]): the caller then checks as it did without it.
///
/// **What it lets a watcher vouch for.** Started *after* a watch of the folder began, a `true`
/// says every file was, when this looked at it, as the last listing found it; any change since
/// the watch began (before this looked, or after) is an event the watcher saw, by name. So
/// from here the folder is the last listing plus the names the watcher gives: the next build
/// may be told them ([`Changes::Names`]) as long as the build folder holds that same listing
/// (no other build wrote it since: the caller's to check, by the compiled archive's stamp
/// taken before this). The compiled archive's time, which the check by times compares with,
/// cannot vouch so: a dump written during the last build after its listing began is older
/// than the archive, and would be served as it was listed with no event ever to name it.
pub fn folder_is_as_listed(articles: &Path, build_dir: &Path) -> Option<bool> {
    use super::build_cache::Decode;
    let source = Source::of(articles).ok()?;
    let cache = BuildCache::load(build_dir, Decode::Light)?;
    let (known, overrides) = list(articles, build_dir, &source, Some(&cache), &BTreeSet::new())
        .inspect_err(|why| tracing::debug!("the start-up check cannot vouch: {why}"))
        .ok()?;
    let Ok((dumps, now)) = scan::scan_with_overrides(articles) else {
        return Some(false);
    };
    let sorted = |mut aside: Aside| {
        aside.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        aside
    };
    let cached = (cache.dumps.iter()).flat_map(|c| (0..c.len()).map(move |i| (c, i)));
    let same = |(d, (c, i)): (&Dump, (&CachedChunk, usize))| {
        d.follows_by_name()
            && d.name.as_bytes() == c.name(i)
            && c.stamps(i)
                .is_some_and(|(stamp, over)| d.stamped_as(stamp, over))
    };
    Some(
        known.fresh.is_empty()
            && sorted(overrides) == sorted(now)
            && dumps.len() == cache.dumps.iter().map(CachedChunk::len).sum::<usize>()
            && dumps.iter().zip(cached).all(same),
    )
}

/// One name of the folder itself: not empty, not `.` nor `..`, no `/` (a path elsewhere).
fn is_a_file_name(name: &OsStr) -> bool {
    let bytes = name.as_bytes();
    !bytes.is_empty() && bytes != b"." && bytes != b".." && !bytes.contains(&b'/')
}

/// Writes the record of a build (`mark`) of `source` that found `overrides`, when it
/// `vouches` for its listing; else removes the last one. Called last of a build's writes: a
/// build killed before leaves the last record, whose mark is then not the cache's or is the
/// cache's and both are the last whole build's.
pub(super) fn keep_record(
    build_dir: &Path,
    mark: u64,
    source: &Source,
    overrides: &Aside,
    vouches: bool,
) {
    let path = path_in(build_dir);
    let record = Record {
        mark,
        source: source.clone(),
        overrides: overrides
            .iter()
            .map(|(name, stamp)| (name.as_bytes().to_vec(), *stamp))
            .collect(),
    };
    // Lost with the machine, the next build lists the folder whole: not synced.
    let saved = vouches
        .then(|| atomic_file::save_versioned(&path, MAGIC, VERSION, &record, Durability::Cached));
    if !matches!(saved, Some(Ok(()))) {
        let _ = fs::remove_file(&path);
    }
}

fn read(build_dir: &Path) -> Option<Record> {
    let bytes = fs::read(path_in(build_dir)).ok()?;
    postcard::from_bytes(atomic_file::versioned_body(&bytes, MAGIC, VERSION)?).ok()
}

#[cfg(test)]
mod tests {
    use super::super::told;
    use super::*;
    use crate::archive::{build_and_save, build_and_save_knowing, compiled};
    use std::time::{Duration, SystemTime};

    const SEEDS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/articles");

    /// A folder of the seed dumps (`a.txt` … `e.txt`) and a build folder of it, built.
    fn built() -> (tempfile::TempDir, tempfile::TempDir) {
        let articles = tempfile::tempdir().unwrap();
        let mut seeds: Vec<_> = fs::read_dir(SEEDS)
            .unwrap()
            .map(|f| f.unwrap().path())
            .collect();
        seeds.sort();
        for (seed, name) in seeds
            .iter()
            .zip(["a.txt", "b.txt", "c.txt", "d.txt", "e.txt"])
        {
            fs::copy(seed, articles.path().join(name)).unwrap();
        }
        let out = tempfile::tempdir().unwrap();
        build_and_save(articles.path(), &compiled::path_in(out.path())).unwrap();
        (articles, out)
    }

    fn names(names: &[&str]) -> BTreeSet<OsString> {
        names.iter().map(OsString::from).collect()
    }

    /// What a listing gives, comparable.
    fn seen(dumps: &[Dump]) -> Vec<String> {
        dumps
            .iter()
            .map(|d| format!("{} {:?} {:?}", d.name, d.stamp, d.over))
            .collect()
    }

    /// What a build takes of the listing by `named` from the cache of `out` (each dump's
    /// result reused or to parse: [`told::taken`]), the same read whole or light.
    fn list_knowing(articles: &Path, out: &Path, named: &[&str]) -> Result<Vec<String>, Fallback> {
        use super::super::build_cache::Decode;
        let source = Source::of(articles).unwrap();
        let [whole, light] = [Decode::Whole, Decode::Light].map(|decode| {
            let cache = BuildCache::load(out, decode);
            let known = list(articles, out, &source, cache.as_ref(), &names(named));
            known.map(|(known, _)| {
                let placed = told::taken(known, cache).unwrap();
                let (done, to_parse) = (placed.done, placed.to_parse);
                let mut to_parse = to_parse.into_iter().peekable();
                let taken = done.iter().enumerate().map(|(i, d)| match d.from_cache {
                    Some(_) => format!("{} {:?} {:?}", d.name, d.stamp, d.over),
                    None => {
                        let (at, dump) = to_parse.next().unwrap();
                        assert_eq!(at, i);
                        format!("{} {:?} {:?}", dump.name, dump.stamp, dump.over)
                    }
                });
                taken.collect()
            })
        });
        assert_eq!(whole, light);
        whole
    }

    fn listed_whole(articles: &Path) -> Vec<String> {
        seen(&scan::scan(articles).unwrap())
    }

    /// One byte of `path` written over (a dot made a bang) and its modification time put a
    /// day later: only its change time and content say it changed, not its size.
    fn edit_in_place(path: &Path) {
        use std::os::unix::fs::FileExt;
        let at = fs::read(path).unwrap().iter().rposition(|&b| b == b'.');
        let file = fs::File::options().write(true).open(path).unwrap();
        file.write_all_at(b"!", at.unwrap() as u64).unwrap();
        let later = SystemTime::now() + Duration::from_secs(86_400);
        file.set_modified(later).unwrap();
    }

    /// An added, an edited (same size, new time), a removed and a renamed dump, an override
    /// added, a file not a dump: listed from the cache and the names, as the folder lists.
    fn change(dir: &Path) -> BTreeSet<OsString> {
        fs::copy(dir.join("c.txt"), dir.join("f.txt")).unwrap();
        edit_in_place(&dir.join("b.txt"));
        fs::remove_file(dir.join("c.txt")).unwrap();
        fs::rename(dir.join("d.txt"), dir.join("0d.txt")).unwrap();
        fs::write(dir.join("e.toml"), "title = \"عنوان\"\n").unwrap();
        fs::write(dir.join("notes.md"), "not a dump").unwrap();
        names(&[
            "f.txt", "b.txt", "c.txt", "d.txt", "0d.txt", "e.toml", "notes.md",
        ])
    }

    #[test]
    fn a_listing_by_names_is_the_listing_of_the_folder() {
        let (articles, out) = built();
        let dir = articles.path();
        assert_eq!(list_knowing(dir, out.path(), &[]), Ok(listed_whole(dir)));
        change(dir);
        let named = [
            "f.txt", "b.txt", "c.txt", "d.txt", "0d.txt", "e.toml", "notes.md",
        ];
        let listed = list_knowing(dir, out.path(), &named).unwrap();
        assert_eq!(listed, listed_whole(dir));
        assert!(
            listed[0].starts_with("0d.txt") && listed.len() == 5,
            "{listed:?}"
        );
        assert!(
            listed
                .iter()
                .any(|d| d.starts_with("e.txt") && !d.ends_with("None"))
        );
    }

    /// Both kinds of build told the names (`serve`'s, the cache read whole and the archive
    /// made; `arshif build`'s, read light and written in order): the archive written is the
    /// one a full listing writes, and the record vouches for it in turn.
    #[test]
    fn a_build_told_the_names_writes_what_a_full_listing_writes() {
        use crate::archive::build_and_save_for_exit_knowing;
        for for_exit in [false, true] {
            let (articles, by_names) = built();
            let whole = tempfile::tempdir().unwrap();
            build_and_save(articles.path(), &compiled::path_in(whole.path())).unwrap();
            let changed = change(articles.path());
            let written = |out: &Path, changes: &Changes| {
                let (path, dir) = (compiled::path_in(out), articles.path());
                let reused = match for_exit {
                    true => build_and_save_for_exit_knowing(dir, &path, changes),
                    false => build_and_save_knowing(dir, &path, changes).map(|(_, r)| r),
                };
                let archive = compiled::load(&path).unwrap();
                let ids = archive.entries().iter().map(|e| e.article.id.clone());
                let entries: Vec<String> = ids
                    .map(|id| serde_json::to_string(&archive.get(&id)).unwrap())
                    .collect();
                (entries, archive.threads.clone(), reused.unwrap().reused)
            };
            let told = written(by_names.path(), &Changes::Names(changed));
            assert_eq!(told, written(whole.path(), &Changes::Unknown));
            assert_eq!(told.0.len(), 5);
            assert_eq!(
                told.2, 1,
                "a.txt reused; the others added, edited or overridden"
            );
            let dir = articles.path();
            assert_eq!(
                list_knowing(dir, by_names.path(), &[]),
                Ok(listed_whole(dir))
            );
        }
    }

    /// The watcher's promise is the contract: a file changed and not named is taken as the
    /// last listing found it, until a build that lists the folder whole.
    #[test]
    fn a_changed_file_left_unnamed_is_as_last_listed() {
        let (articles, out) = built();
        let dir = articles.path();
        let before = listed_whole(dir);
        edit_in_place(&dir.join("b.txt"));
        assert_eq!(list_knowing(dir, out.path(), &[]), Ok(before.clone()));
        assert_ne!(listed_whole(dir), before);
    }

    #[test]
    fn a_folder_the_record_cannot_vouch_for_is_listed_whole() {
        let (articles, out) = built();
        let (dir, out) = (articles.path(), out.path());
        assert_eq!(
            list_knowing(dir, out, &["x/a.txt"]),
            Err(Fallback::NotAName("x/a.txt".into()))
        );
        assert_eq!(
            list_knowing(dir, out, &[".."]),
            Err(Fallback::NotAName("..".into()))
        );
        let other = tempfile::tempdir().unwrap();
        assert_eq!(
            list_knowing(other.path(), out, &[]),
            Err(Fallback::OtherFolder)
        );
        let empty = tempfile::tempdir().unwrap();
        assert_eq!(list_knowing(dir, empty.path(), &[]), Err(Fallback::NoCache));

        // Another build's record: a build killed between its cache and its record.
        let record = fs::read(path_in(out)).unwrap();
        build_and_save(dir, &compiled::path_in(out)).unwrap();
        fs::write(path_in(out), &record).unwrap();
        assert_eq!(list_knowing(dir, out, &[]), Err(Fallback::OtherBuild));

        // A link, or a file with two names: changed under another name, unseen by the watcher.
        type Make = fn(&Path, &Path) -> std::io::Result<()>;
        let link: Make = |from, to| std::os::unix::fs::symlink(from, to);
        let hard: Make = |from, to| fs::hard_link(from, to);
        for (made, name) in [(link, "g.txt"), (hard, "h.txt")] {
            made(&dir.join("a.txt"), &dir.join(name)).unwrap();
            build_and_save(dir, &compiled::path_in(out)).unwrap();
            assert_eq!(
                list_knowing(dir, out, &[]),
                Err(Fallback::NoRecord),
                "{name}"
            );
            fs::remove_file(dir.join(name)).unwrap();
            build_and_save(dir, &compiled::path_in(out)).unwrap();
            assert_eq!(list_knowing(dir, out, &[]), Ok(listed_whole(dir)), "{name}");
        }
    }

    /// The start-up check vouches only for a folder whose every file is as the last listing
    /// found it: a dump written in place during the last build's window (so older than the
    /// archive, which the check by times misses), an added dump, a new override are seen.
    #[test]
    fn the_start_up_check_vouches_only_for_the_folder_as_last_listed() {
        let (articles, out) = built();
        let (dir, out) = (articles.path(), out.path());
        let compiled = compiled::path_in(out);
        assert_eq!(folder_is_as_listed(dir, out), Some(true));
        let built_at = fs::metadata(&compiled).unwrap().modified().unwrap();
        let before = built_at - Duration::from_secs(60);
        let set_before = |name: &str| {
            let file = fs::File::options()
                .write(true)
                .open(dir.join(name))
                .unwrap();
            file.set_modified(before).unwrap();
        };
        edit_in_place(&dir.join("b.txt"));
        set_before("b.txt");
        assert!(!super::super::staleness::is_stale(&compiled, dir));
        assert_eq!(folder_is_as_listed(dir, out), Some(false));
        build_and_save(dir, &compiled).unwrap();
        assert_eq!(folder_is_as_listed(dir, out), Some(true));

        fs::copy(dir.join("a.txt"), dir.join("f.txt")).unwrap();
        set_before("f.txt");
        assert_eq!(folder_is_as_listed(dir, out), Some(false));
        build_and_save(dir, &compiled).unwrap();
        fs::write(dir.join("a.toml"), "title = \"عنوان\"\n").unwrap();
        assert_eq!(folder_is_as_listed(dir, out), Some(false));
        build_and_save(dir, &compiled).unwrap();
        assert_eq!(folder_is_as_listed(dir, out), Some(true));
        fs::remove_file(dir.join("c.txt")).unwrap();
        assert_eq!(folder_is_as_listed(dir, out), Some(false));

        // Nothing to vouch with: the caller checks by times.
        fs::remove_file(path_in(out)).unwrap();
        assert_eq!(folder_is_as_listed(dir, out), None);
    }

    #[test]
    fn a_named_link_is_listed_as_the_folder_lists_it_and_ends_the_vouching() {
        let (articles, out) = built();
        let (dir, out) = (articles.path(), out.path());
        std::os::unix::fs::symlink(dir.join("a.txt"), dir.join("g.txt")).unwrap();
        std::os::unix::fs::symlink(dir.join("gone.txt"), dir.join("z.txt")).unwrap();
        assert_eq!(
            list_knowing(dir, out, &["g.txt", "z.txt"]),
            Ok(listed_whole(dir))
        );
        let told = Changes::Names(names(&["g.txt", "z.txt"]));
        build_and_save_knowing(dir, &compiled::path_in(out), &told).unwrap();
        assert_eq!(list_knowing(dir, out, &[]), Err(Fallback::NoRecord));
    }
}
