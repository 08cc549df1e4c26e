//! The saved build's compaction step: when the parts store is worth compacting
//! ([`compaction`]), its live parts copied into a new store and every reference to them, the
//! build's results' and the index list's, moved to match.

use std::path::Path;

use rayon::prelude::*;

use super::ArchiveError;
use super::build::Done;
use super::compaction;
use super::store::{PartRef, Store};

/// The new store's name and the store, when `store` (`store_len` bytes long, in `out`) was
/// worth compacting: `done`'s parts and `indexed`'s references then name it.
pub(super) fn compact_if_worth(
    out: &Path,
    store: &Store,
    store_len: u64,
    done: &mut [Done],
    indexed: &mut [(&str, PartRef)],
) -> Result<Option<(String, Store)>, ArchiveError> {
    // Read where each result lies, on both cores: most builds compact nothing.
    let live: u64 = (done.par_iter().with_min_len(4096))
        .map(|d| d.outcomes.stored_len())
        .sum();
    if !compaction::worth_compacting(store_len, live) {
        return Ok(None);
    }
    let (name, moved) = compaction::compact(store, out, stored_parts(done).map(|at| *at))?;
    for at in stored_parts(done) {
        *at = moved[&*at];
    }
    // An article indexed from parts that are gone is to be removed from the index:
    // a reference that matches no part says so.
    for (_, at) in indexed {
        *at = moved.get(at).copied().unwrap_or(PartRef::NOWHERE);
    }
    let store = Store::open(&out.join(&name))?;
    // Every part moved, so every entry is written out again, to the cache and to the
    // archive: an entry read light is decoded whole once here, not once for each.
    done.par_iter_mut().try_for_each(Done::make_whole)?;
    Ok(Some((name, store)))
}

/// Where each result's parts are in the store: the parts a build keeps (files that went, or
/// whose parts were replaced, are not among them).
fn stored_parts(done: &mut [Done]) -> impl Iterator<Item = &mut PartRef> {
    done.iter_mut().flat_map(|d| d.outcomes.stored_mut())
}
