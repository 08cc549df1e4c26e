//! The articles folder listed (its dumps, saved pages and crawls, and their overrides' stamps,
//! without reading them) and each file's id given, on the names alone, before anything is
//! parsed.

use std::collections::HashMap;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use std::hash::BuildHasher;

use rustc_hash::{FxBuildHasher, FxHashMap, FxHashSet};

use super::ArchiveError;
use super::build_cache::Stamp;
use super::id;
use super::listing::{self, Aside, Listed, Wanted};
use crate::capture::Format;

/// One input file of the articles folder (`.txt`, `.html`/`.htm`, `.warc`/`.warc.gz`), as
/// listed (nothing read yet).
pub(super) struct Dump {
    pub(super) name: String,
    /// The file's own name when it is not UTF-8 (`name` is then its lossy spelling): the
    /// path is made from it. No path is kept per dump: a million of them were a million
    /// allocations of the folder's name, and only the few dumps parsed need one. Boxed, as
    /// `over` is: a dump is made for each of a million names, and few have either.
    raw: Option<Box<OsStr>>,
    pub(super) format: Format,
    /// `None` when the file could not even be looked at (the build then reports why).
    pub(super) stamp: Option<Stamp>,
    /// The override's stamp, when there is one (boxed as a build's result keeps it).
    pub(super) over: Option<Box<Stamp>>,
    /// A symbolic link, whose target must be inside the folder.
    pub(super) is_link: bool,
    /// The file has this one name (not a link, one hard link).
    one_name: bool,
}

impl Dump {
    /// A dump as the last listing found it, known from the build cache: a file of one name,
    /// UTF-8, stamped ([`Dump::follows_by_name`]), its override given by [`give_overrides`].
    /// `None` for a name that is not a dump's.
    pub(super) fn known(name: String, stamp: Stamp) -> Option<Dump> {
        Some(Dump {
            format: Format::of(&name)?,
            name,
            raw: None,
            stamp: Some(stamp),
            over: None,
            is_link: false,
            one_name: true,
        })
    }

    /// Whether a watcher of the folder sees every change of this dump under its own name, and
    /// the build cache keeps it as listed: a stamped file of one name (not a link, whose
    /// target changes under another name; not one of several hard links, written through
    /// another), named in UTF-8 (the cache keeps the name's UTF-8 spelling).
    pub(super) fn follows_by_name(&self) -> bool {
        self.one_name && !self.is_link && self.raw.is_none() && self.stamp.is_some()
    }

    /// Whether the file is as a build cache found it: stamped `stamp`, its override `over`.
    pub(super) fn stamped_as(&self, stamp: Stamp, over: Option<Stamp>) -> bool {
        self.stamp == Some(stamp) && self.over.as_deref() == over.as_ref()
    }

    /// The dump, moved out of a list that keeps its place (left nameless, its boxes taken):
    /// the few to parse are taken from a list walked in place on rayon's threads.
    pub(super) fn take(&mut self) -> Dump {
        Dump {
            name: std::mem::take(&mut self.name),
            raw: self.raw.take(),
            over: self.over.take(),
            ..*self
        }
    }

    /// The file's name as the folder holds it.
    pub(super) fn file_name(&self) -> &OsStr {
        self.raw.as_deref().unwrap_or(OsStr::new(&self.name))
    }

    /// The file's path in `dir`, the folder it was listed from.
    pub(super) fn path_in(&self, dir: &Path) -> PathBuf {
        dir.join(self.file_name())
    }
}

/// The dumps of `dir`, sorted by name, with their overrides' stamps.
pub(super) fn scan(dir: &Path) -> Result<Vec<Dump>, ArchiveError> {
    scan_with_overrides(dir).map(|(dumps, _)| dumps)
}

/// [`scan`], and the overrides' names with their stamps (what the next build's listing by the
/// watcher's names starts from: [`super::watched`]).
pub(super) fn scan_with_overrides(dir: &Path) -> Result<(Vec<Dump>, Aside), ArchiveError> {
    let folder = read_folder(dir)?;
    let overrides = folder.overrides.clone();
    Ok((folder.dumps(), overrides))
}

/// The folder read and every dump stamped, on all cores, in the order the folder gave them
/// ([`listing`]): nothing kept of a name but itself and its stamp.
pub(super) fn read_folder(dir: &Path) -> Result<Folder, ArchiveError> {
    let (stamped, overrides) = listing::read(dir, wanted).map_err(|e| ArchiveError::ReadDir {
        path: dir.to_path_buf(),
        cause: e,
    })?;
    Ok(Folder { stamped, overrides })
}

/// The dumps of a folder as read, in the folder's order, and its overrides.
pub(super) struct Folder {
    pub(super) stamped: listing::Stamped,
    pub(super) overrides: Aside,
}

impl Folder {
    /// Every dump, sorted by name, with its override's stamp.
    pub(super) fn dumps(self) -> Vec<Dump> {
        let mut dumps = self.stamped.sorted(dump_of);
        give_overrides(&mut dumps, &self.overrides);
        dumps
    }
}

/// What the listing keeps of a file name: a dump's is listed, an override's set aside.
pub(super) fn wanted(name: &[u8]) -> Wanted {
    if Format::of_bytes(name).is_some() {
        Wanted::Listed
    } else if Path::new(OsStr::from_bytes(name)).extension() == Some(OsStr::new("toml")) {
        Wanted::Aside
    } else {
        Wanted::No
    }
}

/// The dump of a listed name (its override not yet given).
pub(super) fn dump_of(listed: Listed<'_>) -> Dump {
    let (name, raw) = match std::str::from_utf8(listed.name) {
        Ok(name) => (name.to_owned(), None),
        Err(_) => {
            let raw = OsStr::from_bytes(listed.name);
            (raw.to_string_lossy().into_owned(), Some(raw.into()))
        }
    };
    Dump {
        // The suffixes are ASCII: the lossy name has the bytes' format.
        format: Format::of(&name).unwrap_or(Format::Text),
        name,
        raw,
        stamp: listed.stamp,
        over: None,
        is_link: listed.is_link,
        one_name: listed.one_name,
    }
}

/// Each dump's override's stamp, from `overrides` (the folder's `.toml` files).
pub(super) fn give_overrides(dumps: &mut [Dump], overrides: &Aside) {
    // A folder without overrides (the usual one) makes no override name per dump.
    if overrides.is_empty() {
        return;
    }
    let overrides = Overrides::new(overrides);
    for d in dumps {
        d.over = overrides.of(d.file_name()).map(Box::new);
    }
}

/// The folder's overrides by name, to give each dump its own: the `.toml` file named as the
/// dump is.
pub(super) struct Overrides<'a>(HashMap<&'a OsStr, Stamp>);

impl<'a> Overrides<'a> {
    pub(super) fn new(aside: &'a Aside) -> Overrides<'a> {
        Overrides(aside.iter().map(|(n, s)| (&**n, *s)).collect())
    }

    /// The stamp of the override of the dump named `name`; no override name made where there
    /// are none (the usual folder).
    pub(super) fn of(&self, name: &OsStr) -> Option<Stamp> {
        if self.0.is_empty() {
            return None;
        }
        let own = Path::new(name).with_extension("toml");
        self.0.get(own.file_name()?).copied()
    }
}

/// Each dump's id, and a warning for the dumps whose id had to be made unique.
///
/// Two names can slug to one id (`a b.txt`, `a-b.txt`). The file whose stem is the id keeps
/// it; any other gets the id plus a hash of its own name, so neither depends on what else is
/// in the folder. Decided on the names alone, before anything is parsed.
///
/// Of `len` files in name order, file `i` named `name(i)` (a listed dump's name, or a reused
/// result's: [`super::build::collect`]).
pub(super) fn assign_ids<'a>(
    len: usize,
    name: &(dyn Fn(usize) -> &'a str + Sync),
) -> Vec<(String, Option<String>)> {
    // The suffixes are ASCII: a dump's format is its name's (as [`dump_of`] gives it).
    let format = |i: usize| Format::of(name(i)).unwrap_or(Format::Text);
    let mut ids: Vec<(String, Option<String>)> = (0..len)
        .into_par_iter()
        .with_min_len(1024)
        .map(|i| (id::from_file_name(name(i)), None))
        .collect();
    if !may_share(&ids) {
        // The usual folder: no id to look up again.
        return ids;
    }
    // A crawl's pages take their ids from their addresses: its own name's id is no one's.
    // Fx rather than SipHash: a million names hashed on every build, none chosen by an attacker
    // who is not also writing the articles folder.
    let mut seen: FxHashMap<&str, u32> =
        FxHashMap::with_capacity_and_hasher(ids.len(), Default::default());
    for (i, (id, _)) in ids.iter().enumerate() {
        if format(i) != Format::Warc {
            *seen.entry(id.as_str()).or_insert(0) += 1;
        }
    }
    let shared: FxHashSet<String> = seen
        .into_iter()
        .filter(|&(_, n)| n > 1)
        .map(|(id, _)| id.to_owned())
        .collect();
    if shared.is_empty() {
        // The usual folder: no id to look up again.
        return ids;
    }
    // The file whose stem is the id keeps it; the first by name when a dump and a saved page
    // share one (`x.htm`, `x.html`, `x.txt`).
    let mut kept: FxHashSet<String> = FxHashSet::default();
    for (i, (id, warning)) in ids.iter_mut().enumerate() {
        let name = name(i);
        let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
        if format(i) == Format::Warc
            || !shared.contains(id.as_str())
            || (stem == id && kept.insert(id.clone()))
        {
            continue;
        }
        let unique = format!(
            "{id}-{:08x}",
            crate::stable_hash::stable_hash(name.as_bytes()) as u32
        );
        *warning = Some(format!(
            "another file also has the id {id}; this one is {unique}"
        ));
        *id = unique;
    }
    ids
}

/// Whether two files may share an id: their ids' hashes sorted on all cores and compared side
/// by side. A map of every id was a million random writes on one core at a million dumps;
/// equal hashes send the build to the map, which decides (and leaves crawls out: a crawl's own
/// name's id here only sends a folder to the map, where a crawl named like a dump is rare).
fn may_share(ids: &[(String, Option<String>)]) -> bool {
    let mut hashes: Vec<u64> = ids
        .par_iter()
        .with_min_len(1024)
        .map(|(id, _)| FxBuildHasher.hash_one(id))
        .collect();
    hashes.par_sort_unstable();
    hashes.windows(2).any(|w| w[0] == w[1])
}

pub(super) fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dump_is_small_and_its_override_compares_by_value() {
        // One for each of a million names, every `+1`: 136 bytes with its override and
        // foreign name held in place, 96 with them boxed.
        assert!(std::mem::size_of::<Dump>() <= 96);
        let stamp = Stamp::of_parts(1, (2, 3), (4, 5), 6);
        let over = Stamp::of_parts(7, (8, 9), (10, 11), 12);
        let mut dump = Dump::known("a.txt".into(), stamp).unwrap();
        assert!(dump.stamped_as(stamp, None));
        assert!(!dump.stamped_as(stamp, Some(over)));
        dump.over = Some(Box::new(over));
        assert!(dump.stamped_as(stamp, Some(over)));
        assert!(!dump.stamped_as(stamp, None));
        assert!(!dump.stamped_as(over, Some(over)));
    }

    #[test]
    fn a_crawl_named_like_a_dump_takes_no_id_from_it() {
        let ids = assign_ids(2, &|i| ["news.warc", "news-warc.txt"][i]);
        assert_eq!(ids[1], ("news-warc".to_string(), None));
        let ids = assign_ids(2, &|i| ["news.html", "news.txt"][i]);
        assert_eq!(ids[0], ("news".to_string(), None));
        assert!(
            ids[1].0.starts_with("news-") && ids[1].1.is_some(),
            "{ids:?}"
        );
    }
}
