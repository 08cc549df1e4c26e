//! A build's results where the folder was listed whole: each name looked up in the last
//! build's cache where the listing read it ([`Names`]), the cache's dumps found there taken in
//! their own order, and the few names it does not hold as they are sorted and put among them.
//!
//! Sorted first, a million names were each read again in name order, at random in the batches
//! the folder was read in, to be made into a `Dump` and walked beside the cache: 0.16 s of
//! two cores at a `+1`, and it was the reading in name order that cost, whatever was made of
//! each name (notes/build-bench.md, session 69). Looked up, no name is read twice, no `Dump`
//! is made of a file found unchanged, and the cache is read in the order it was written.

use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

use super::ArchiveError;
use super::build::{Placed, Still, taken_with, walked};
use super::build_cache::{BuildCache, Names, name_key, stamps_key};
use super::listing::Run;
use super::prefetch::NAMES_AHEAD as AHEAD;
use super::scan::{Dump, Folder, dump_of};

/// Every dump's place among the results, in name order (as [`walked`] gives them), and whether
/// a watcher follows every dump by name (`Listing::placed` says why it is asked).
pub(super) fn placed(
    folder: Folder,
    mut cache: Option<BuildCache>,
) -> Result<(Placed, bool), ArchiveError> {
    // Overrides are few and named as their dumps are: a folder with any is walked by name.
    let names = (cache.as_mut())
        .and_then(|c| c.names.take())
        .filter(|_| folder.overrides.is_empty());
    let Some(found) = names.and_then(|names| found(&folder, &names)) else {
        return Ok(by_name(folder, cache));
    };
    // Every name not found is in a `Dump` of its own now.
    drop(folder);
    let as_named = cache.as_ref().is_some_and(|c| c.ids_as_named);
    let chunks = cache.map(|c| c.dumps).unwrap_or_default();
    let placed = taken_with(found.fresh, chunks, as_named, Still::Found(&found.at))?;
    Ok((placed, found.vouches))
}

/// What the listing found in the cache.
struct Found {
    /// The dumps the cache does not hold as they are, sorted by name.
    fresh: Vec<Dump>,
    /// Whether each of the cache's dumps was found, by its place.
    at: Vec<AtomicBool>,
    vouches: bool,
}

/// Each listed name of `folder` looked up in `names`; `None` where the table cannot answer
/// (two names tie in it, or two listed names found one dump: hashes that meet, never seen).
fn found(folder: &Folder, names: &Names) -> Option<Found> {
    names.answers().then_some(())?;
    let at: Vec<AtomicBool> = (0..names.len()).map(|_| AtomicBool::new(false)).collect();
    let looked: Vec<Looked> = (folder.stamped.par_runs())
        .map(|run| look_up(run, names, &at))
        .collect();
    if looked.iter().any(|l| l.twice) {
        return None;
    }
    let follow = looked.iter().all(|l| l.follow);
    let mut fresh: Vec<Dump> = looked.into_iter().flat_map(|l| l.fresh).collect();
    fresh.par_sort_unstable_by(|a, b| a.name.as_bytes().cmp(b.name.as_bytes()));
    let vouches = follow && fresh.iter().all(Dump::follows_by_name);
    Some(Found { fresh, at, vouches })
}

/// [`placed`] by the names sorted and walked beside the cache.
fn by_name(folder: Folder, cache: Option<BuildCache>) -> (Placed, bool) {
    let dumps = folder.dumps();
    let vouches = dumps.iter().all(Dump::follows_by_name);
    (walked(dumps, cache), vouches)
}

/// What one run of the listing found in the cache.
struct Looked {
    /// Its dumps the cache does not hold as they are (in the folder's order).
    fresh: Vec<Dump>,
    /// Whether every dump found has one name and is not a link (the fresh ones are told by
    /// their `Dump`s).
    follow: bool,
    /// A dump found that another name had found.
    twice: bool,
}

/// Each name of `run` looked up in `names`: those held with their stamps marked `found` at
/// their places, the others made into `Dump`s.
fn look_up(run: Run, names: &Names, found: &[AtomicBool]) -> Looked {
    // Hashed first, in order: each slot is then asked for ahead of its lookup, out of the
    // caches in a table of some 16 MB at a million dumps.
    let keys: Vec<u64> = (0..run.len()).map(|i| name_key(run.name(i))).collect();
    let mut looked = Looked {
        fresh: Vec::new(),
        follow: true,
        twice: false,
    };
    for (i, &key) in keys.iter().enumerate() {
        if let Some(&ahead) = keys.get(i + AHEAD) {
            names.ask(ahead);
        }
        if let Some(&ahead) = keys.get(i + AHEAD / 2) {
            names.ask_stamps(ahead);
        }
        let listed = run.listed(i);
        let stamps = listed.stamp.map(|stamp| stamps_key(&stamp, None));
        match stamps.and_then(|stamps| names.find(key, stamps)) {
            Some(place) => {
                looked.follow &= listed.one_name && !listed.is_link;
                // Always there: the table's places are the cache's.
                let at = found.get(place as usize);
                looked.twice |= at.is_none_or(|at| at.swap(true, Ordering::Relaxed));
            }
            None => looked.fresh.push(dump_of(listed)),
        }
    }
    looked
}

#[cfg(test)]
mod tests {
    use std::fs;
    use std::path::Path;

    use super::*;
    use crate::archive::build::Done;
    use crate::archive::build_cache::{Cached, CachedChunk, Stamp};
    use crate::archive::scan::read_folder;

    type Seen = (
        Vec<(String, Option<Stamp>, Option<Stamp>, Option<u32>)>,
        Vec<(usize, String, Option<Stamp>, Option<Stamp>)>,
    );

    fn seen(done: Vec<Done>, to_parse: Vec<(usize, Dump)>) -> Seen {
        let done = (done.into_iter())
            .map(|d| (d.name, d.stamp, d.over.map(|o| *o), d.from_cache))
            .collect();
        let to_parse = (to_parse.into_iter())
            .map(|(i, d)| (i, d.name, d.stamp, d.over.map(|o| *o)))
            .collect();
        (done, to_parse)
    }

    /// The folder's dumps placed by their names looked up, and by their names sorted and
    /// walked beside the cache (the oracle), with whether each vouches.
    fn both(dir: &Path, chunks: impl Fn() -> Vec<CachedChunk>) -> ((Seen, bool), (Seen, bool)) {
        let dumps = read_folder(dir).unwrap().dumps();
        let vouches = dumps.iter().all(Dump::follows_by_name);
        let (done, to_parse) = crate::archive::build::walked_placed(dumps, chunks());
        let by_name = (seen(done, to_parse), vouches);
        let folder = read_folder(dir).unwrap();
        let chunks = chunks();
        let found = found(&folder, &Names::of(&chunks)).expect("a table that answers");
        let placed = taken_with(found.fresh, chunks, true, Still::Found(&found.at)).unwrap();
        let looked_up = (seen(placed.done, placed.to_parse), found.vouches);
        (looked_up, by_name)
    }

    fn name(k: usize) -> String {
        format!("{k:04}_{k:08x}.txt")
    }

    /// A cache of the dumps of `dir` as they are now, but: every third not held, every fifth
    /// rewritten since, one with an override (none now), and one gone; in three chunks.
    fn cache_of(dir: &Path) -> Vec<CachedChunk> {
        let other = Stamp::of(&fs::metadata("Cargo.toml").unwrap());
        let dumps = read_folder(dir).unwrap().dumps();
        let mut cached: Vec<Cached> = (dumps.iter().enumerate())
            .filter(|(k, _)| k % 3 != 1)
            .map(|(k, d)| {
                let stamp = if k % 5 == 0 { other } else { d.stamp.unwrap() };
                Cached::empty(&d.name, stamp, (k == 8).then_some(other))
            })
            .collect();
        let gone = cached.partition_point(|c| c.name.as_str() < "0030_gone.txt");
        cached.insert(gone, Cached::empty("0030_gone.txt", other, None));
        let later = cached.split_off(30);
        let middle = cached.split_off(12);
        [cached, middle, later]
            .into_iter()
            .map(CachedChunk::Whole)
            .collect()
    }

    /// Every listed dump is placed as the walk by sorted names places it: the same results
    /// reused from the same places, the same dumps to parse with the same stamps, and the
    /// listing vouches as its `Dump`s do.
    #[test]
    fn names_looked_up_are_placed_as_names_sorted_and_walked() {
        let dir = tempfile::tempdir().unwrap();
        for k in 0..50 {
            fs::write(dir.path().join(name(k)), k.to_string()).unwrap();
        }
        // Names before, among and after the others.
        for extra in ["0000_first.txt", "0025_new.txt", "9999_last.txt"] {
            fs::write(dir.path().join(extra), "new").unwrap();
        }
        let chunks = || cache_of(dir.path());
        let (looked_up, by_name) = both(dir.path(), chunks);
        assert_eq!(looked_up, by_name);
        // Something of each kind: reused, and parsed for each reason.
        let ((done, parsed), vouches) = &looked_up;
        assert!(*vouches);
        let parsed: Vec<&str> = parsed.iter().map(|(_, n, _, _)| n.as_str()).collect();
        // By their places in name order, as the cache was made ([`cache_of`]).
        let sorted = read_folder(dir.path()).unwrap().dumps();
        for (k, why) in [(1, "not held"), (5, "rewritten"), (8, "its override gone")] {
            let name = sorted[k].name.as_str();
            assert!(parsed.contains(&name), "{name} {why}");
        }
        // Not held, before and after every cached name.
        assert_eq!(sorted[1].name, "0000_first.txt");
        assert_eq!(sorted[52].name, "9999_last.txt");
        assert!(parsed.contains(&"0000_first.txt") && parsed.contains(&"9999_last.txt"));
        assert!(done.iter().any(|d| d.0 == sorted[2].name && d.3.is_some()));
        assert!(!done.iter().any(|d| d.0 == "0030_gone.txt"));

        // A second name (a hard link) or a symbolic link: neither vouches, found or not.
        fs::hard_link(dir.path().join(name(4)), dir.path().join("0004_linked.txt")).unwrap();
        std::os::unix::fs::symlink(name(7), dir.path().join("0007_link.txt")).unwrap();
        let (looked_up, by_name) = both(dir.path(), chunks);
        assert_eq!(looked_up, by_name);
        assert!(!looked_up.1);
    }

    /// Names that are not UTF-8, and more names than one batch of the listing holds.
    #[test]
    fn names_of_every_batch_and_not_in_utf8_are_placed_as_walked() {
        use std::os::unix::ffi::OsStrExt;
        let dir = tempfile::tempdir().unwrap();
        for k in 0..4_500 {
            fs::write(dir.path().join(name(k)), "x").unwrap();
        }
        let raw = std::ffi::OsStr::from_bytes(b"0100_\xff\xfe.txt");
        fs::write(dir.path().join(raw), "raw").unwrap();
        let (looked_up, by_name) = both(dir.path(), || cache_of(dir.path()));
        assert_eq!(looked_up, by_name);
        assert!(!looked_up.1, "a name not in UTF-8 does not vouch");
        assert!(looked_up.0.1.len() > 1_000, "every third not held");
    }

    /// With overrides in the folder, or no cache, the listing is walked by sorted names.
    #[test]
    fn a_folder_with_overrides_is_placed_by_sorted_names() {
        let dir = tempfile::tempdir().unwrap();
        for k in 0..10 {
            fs::write(dir.path().join(name(k)), "x").unwrap();
        }
        fs::write(dir.path().join(name(3)).with_extension("toml"), "x = 1").unwrap();
        let (placed, vouches) = placed(read_folder(dir.path()).unwrap(), None).unwrap();
        assert!(vouches);
        assert_eq!(placed.to_parse.len(), 10);
        let over = placed.to_parse.iter().filter(|(_, d)| d.over.is_some());
        assert_eq!(over.map(|(i, _)| *i).collect::<Vec<_>>(), vec![3]);
    }
}
