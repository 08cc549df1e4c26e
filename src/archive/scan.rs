//! The articles folder listed (its dumps, saved pages and crawls, and their overrides' stamps,
//! without reading them) and each file's id given, on the names alone, before anything is
//! parsed.

use std::collections::HashMap;
use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use std::hash::BuildHasher;

use rustc_hash::{FxBuildHasher, FxHashMap, FxHashSet};

use super::ArchiveError;
use super::build_cache::Stamp;
use super::id;
use super::listing::{self, Wanted};
use crate::capture::Format;

/// One input file of the articles folder (`.txt`, `.html`/`.htm`, `.warc`/`.warc.gz`), as
/// listed (nothing read yet).
pub(super) struct Dump {
    pub(super) name: String,
    /// The file's own name when it is not UTF-8 (`name` is then its lossy spelling): the
    /// path is made from it. No path is kept per dump: a million of them were a million
    /// allocations of the folder's name, and only the few dumps parsed need one.
    raw: Option<OsString>,
    pub(super) format: Format,
    /// `None` when the file could not even be looked at (the build then reports why).
    pub(super) stamp: Option<Stamp>,
    /// The override's stamp, when there is one.
    pub(super) over: Option<Stamp>,
    /// A symbolic link, whose target must be inside the folder.
    pub(super) is_link: bool,
}

impl Dump {
    /// The file's name as the folder holds it.
    fn file_name(&self) -> &OsStr {
        self.raw.as_deref().unwrap_or(OsStr::new(&self.name))
    }

    /// The file's path in `dir`, the folder it was listed from.
    pub(super) fn path_in(&self, dir: &Path) -> PathBuf {
        dir.join(self.file_name())
    }
}

/// The dumps of `dir`, sorted by name, with their overrides' stamps.
pub(super) fn scan(dir: &Path) -> Result<Vec<Dump>, ArchiveError> {
    // The folder read once, each dump stamped on all cores into its place ([`listing`]):
    // nothing kept of a name but itself, its format and its stamp.
    let (mut dumps, overrides) = listing::list(
        dir,
        |name| {
            if Format::of_bytes(name).is_some() {
                Wanted::Listed
            } else if Path::new(OsStr::from_bytes(name)).extension() == Some(OsStr::new("toml")) {
                Wanted::Aside
            } else {
                Wanted::No
            }
        },
        |listed| {
            let (name, raw) = match std::str::from_utf8(listed.name) {
                Ok(name) => (name.to_owned(), None),
                Err(_) => {
                    let raw = OsStr::from_bytes(listed.name).to_owned();
                    (raw.to_string_lossy().into_owned(), Some(raw))
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
            }
        },
    )
    .map_err(|e| ArchiveError::ReadDir {
        path: dir.to_path_buf(),
        cause: e,
    })?;
    // A folder without overrides (the usual one) makes no override name per dump.
    if !overrides.is_empty() {
        let overrides: HashMap<OsString, Stamp> = overrides.into_iter().collect();
        for d in &mut dumps {
            if let Some(name) = Path::new(d.file_name()).with_extension("toml").file_name() {
                d.over = overrides.get(name).copied();
            }
        }
    }
    Ok(dumps)
}

/// Each dump's id, and a warning for the dumps whose id had to be made unique.
///
/// Two names can slug to one id (`a b.txt`, `a-b.txt`). The file whose stem is the id keeps
/// it; any other gets the id plus a hash of its own name, so neither depends on what else is
/// in the folder. Decided on the names alone, before anything is parsed.
pub(super) fn assign_ids(dumps: &[Dump]) -> Vec<(String, Option<String>)> {
    let mut ids: Vec<(String, Option<String>)> = dumps
        .par_iter()
        .with_min_len(1024)
        .map(|d| (id::from_file_name(&d.name), None))
        .collect();
    if !may_share(dumps, &ids) {
        // The usual folder: no id to look up again.
        return ids;
    }
    // A crawl's pages take their ids from their addresses: its own name's id is no one's.
    // Fx rather than SipHash: a million names hashed on every build, none chosen by an attacker
    // who is not also writing the articles folder.
    let mut seen: FxHashMap<&str, u32> =
        FxHashMap::with_capacity_and_hasher(ids.len(), Default::default());
    for (d, (id, _)) in dumps.iter().zip(&ids) {
        if d.format != Format::Warc {
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
    for (d, (id, warning)) in dumps.iter().zip(&mut ids) {
        let stem = d.name.rsplit_once('.').map_or(d.name.as_str(), |(s, _)| s);
        if d.format == Format::Warc
            || !shared.contains(id.as_str())
            || (stem == id && kept.insert(id.clone()))
        {
            continue;
        }
        let unique = format!(
            "{id}-{:08x}",
            crate::stable_hash::stable_hash(d.name.as_bytes()) as u32
        );
        *warning = Some(format!(
            "another file also has the id {id}; this one is {unique}"
        ));
        *id = unique;
    }
    ids
}

/// Whether two files (not crawls) may share an id: their ids' hashes sorted on all cores and
/// compared side by side. A map of every id was a million random writes on one core at a
/// million dumps; equal hashes send the build to the map, which decides.
fn may_share(dumps: &[Dump], ids: &[(String, Option<String>)]) -> bool {
    let mut hashes: Vec<u64> = dumps
        .par_iter()
        .zip(ids)
        .with_min_len(1024)
        .filter(|(d, _)| d.format != Format::Warc)
        .map(|(_, (id, _))| FxBuildHasher.hash_one(id))
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

    fn listed(name: &str) -> Dump {
        Dump {
            name: name.into(),
            raw: None,
            format: Format::of(name).unwrap(),
            stamp: None,
            over: None,
            is_link: false,
        }
    }

    #[test]
    fn a_crawl_named_like_a_dump_takes_no_id_from_it() {
        let ids = assign_ids(&[listed("news.warc"), listed("news-warc.txt")]);
        assert_eq!(ids[1], ("news-warc".to_string(), None));
        let ids = assign_ids(&[listed("news.html"), listed("news.txt")]);
        assert_eq!(ids[0], ("news".to_string(), None));
        assert!(
            ids[1].0.starts_with("news-") && ids[1].1.is_some(),
            "{ids:?}"
        );
    }
}
