//! Each file's id, given before anything is parsed: kept as the build cache holds it for a
//! reused file where the last build gave every file its name's and no new name's id meets
//! another's, else made again from every file's name ([`assign_ids`]).

use std::borrow::Cow;

use rayon::prelude::*;
use rustc_hash::FxHashSet;

use super::super::id;
use super::super::scan::{Dump, assign_ids};
use super::Done;
use crate::capture::Format;

/// The ids of the dumps to parse (in their order), when each reused result keeps the id the
/// cache holds (the last build gave every file its name's: [`super::Placed::as_named`]): no two new
/// names' ids are one, and none is a reused file's. A million reused files' ids read where
/// they are (a few dozen instructions each, on both cores) rather than made again from their
/// names (≈ 570 instructions and a `String` each, notes/build-bench.md, session 40).
pub(super) fn kept_ids(done: &[Done], to_parse: &[(usize, Dump)]) -> Option<Vec<String>> {
    let fresh: Vec<String> = (to_parse.iter())
        .map(|(_, d)| id::from_file_name(&d.name))
        .collect();
    // A crawl's pages take their ids from their addresses: its own name's id is no one's.
    let mut named: FxHashSet<&str> = FxHashSet::default();
    for ((_, d), id) in to_parse.iter().zip(&fresh) {
        if d.format != Format::Warc && !named.insert(id) {
            return None;
        }
    }
    let met = !named.is_empty()
        && (done.par_iter().with_min_len(4096))
            .filter(|d| d.from_cache.is_some())
            .any(|d| name_id(d).is_some_and(|id| named.contains(&*id)));
    drop(named);
    (!met).then_some(fresh)
}

/// The id a reused file's name gives, unless it is a crawl's: its article's as the cache holds
/// it (the last build gave it by name), made from its name where it has none (a dump that
/// could not be read).
fn name_id(d: &Done) -> Option<Cow<'_, str>> {
    match d.outcomes.is_empty() {
        false => d.outcomes.named_by_file(0).then(|| d.outcomes.id(0).into()),
        true => {
            (Format::of(&d.name) != Some(Format::Warc)).then(|| id::from_file_name(&d.name).into())
        }
    }
}

/// Every file's id given by its name ([`assign_ids`]), the reused results named with theirs
/// (on both cores): the ids of the dumps to parse (in their order), and the others' left
/// with their warnings.
pub(super) fn given_by_name(done: &mut [Done], to_parse: &[(usize, Dump)]) -> (Vec<String>, Ids) {
    // Named from their results where reused, from their dumps where to be parsed.
    let name = |i: usize| match done[i].from_cache {
        Some(_) => done[i].name.as_str(),
        None => {
            let k = to_parse.partition_point(|(at, _)| *at < i);
            to_parse[k].1.name.as_str()
        }
    };
    let mut given = assign_ids(done.len(), &name);
    // Read with the ids the cache held (namesakes come and go): named here on both cores,
    // not in the walk, where each reused dump's results were a wait on memory (build-bench,
    // session 38).
    let renamed = (done.par_iter_mut().zip(given.par_iter_mut()))
        .filter(|(d, _)| d.from_cache.is_some())
        .map(|(d, (id, _))| d.outcomes.name(id))
        .reduce(|| false, |a, b| a || b);
    let fresh = (to_parse.iter())
        .map(|(i, _)| std::mem::take(&mut given[*i].0))
        .collect();
    let as_cached = !renamed;
    (fresh, Ids { given, as_cached })
}

/// The files' ids once [`super::collect`] gave them to their entries.
pub(in crate::archive) struct Ids {
    /// Each file's id (moved or copied into its entries) and, where it had to be made unique,
    /// a warning; empty where the ids the cache held were kept (none made unique).
    pub(in crate::archive) given: Vec<(String, Option<String>)>,
    /// Where the ids were given by name: no reused file's entries got another id than the
    /// cache held (so the cache's chunks kept as they are hold the ids given).
    as_cached: bool,
}

impl Ids {
    /// The ids the cache held, kept: none made unique, none given again.
    pub(super) fn kept() -> Ids {
        let (given, as_cached) = (Vec::new(), true);
        Ids { given, as_cached }
    }

    /// No file's id made unique: each is its name's.
    pub(in crate::archive) fn as_named(&self) -> bool {
        self.given.iter().all(|(_, warning)| warning.is_none())
    }

    /// What the cache this build writes says of its ids ([`super::super::build_cache::BuildCache::ids_as_named`]): each
    /// file's is its name's, and its cached entries hold it.
    pub(in crate::archive) fn cached_as_named(&self) -> bool {
        self.as_named() && self.as_cached
    }
}
