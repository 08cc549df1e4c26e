//! Verbatim duplicates: one article scraped twice (the same normalised body, a [`BodyKey`]),
//! served once.

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use super::Item;

/// Items a task takes at least: each is a profile's few bytes read where the cache left it.
const MIN_LEN: usize = 4096;

/// What [`verbatim_duplicates`] finds.
pub(super) struct Verbatim {
    /// The items to keep (indices).
    pub(super) kept: Vec<usize>,
    /// The `(kept, dropped)` id pairs of verbatim duplicates.
    pub(super) duplicates: Vec<(String, String)>,
    /// The body keys two items or more hold, sorted: for the next build
    /// ([`super::Grouping`]).
    pub(super) doubled: Vec<BodyKey>,
}

impl Verbatim {
    /// What was found, the doubled keys sorted once each.
    fn of(
        kept: Vec<usize>,
        duplicates: Vec<(String, String)>,
        mut doubled: Vec<BodyKey>,
    ) -> Verbatim {
        doubled.sort_unstable();
        doubled.dedup();
        Verbatim {
            kept,
            duplicates,
            doubled,
        }
    }
}

/// A normalised body's key ([`super::Profile`]'s `body`).
pub(super) type BodyKey = (u64, u32);

/// The verbatim duplicates among `items`: the first with a body key is kept, the others
/// dropped. `doubled`: the keys two items or more held in the build whose grouping the
/// items said unchanged ([`Item::unchanged`]) were grouped in. A key none of the other items
/// holds, held by one unchanged item alone then, is its alone now: only the keys held twice
/// then and the other items' keys are looked for, in a map of a few (a map of every body
/// key, a million at a million articles, was made at every `+1`).
///
/// The keys looked for are found on both cores (every item's profile is read, scattered
/// where the cache left it), then taken in order on one.
pub(super) fn verbatim_duplicates(items: &[Item], doubled: Option<&[BodyKey]>) -> Verbatim {
    let wanted: Option<FxHashSet<BodyKey>> = doubled.map(|doubled| {
        let others = (items.par_iter().with_min_len(MIN_LEN))
            .filter(|i| !i.unchanged)
            .filter_map(|i| i.profile.body());
        let others: Vec<BodyKey> = others.collect();
        doubled.iter().copied().chain(others).collect()
    });
    // A bit of each wanted key's: most items, whose bit is not set, are passed over without
    // hashing their key (a million lookups at a million articles).
    let bits = wanted.as_ref().map_or(u64::MAX, |w| {
        w.iter().fold(0, |bits, &(hash, _)| bits | 1 << (hash % 64))
    });
    let keyed: Vec<(usize, BodyKey)> = (items.par_iter().enumerate().with_min_len(MIN_LEN))
        .filter_map(|(i, item)| {
            let sifted = item.profile.body_bits().filter(|&b| bits & 1 << b != 0);
            let key = sifted.and_then(|_| item.profile.body());
            let key = key.filter(|k| wanted.as_ref().is_none_or(|w| w.contains(k)));
            key.map(|k| (i, k))
        })
        .collect();
    let mut first: FxHashMap<BodyKey, usize> =
        FxHashMap::with_capacity_and_hasher(keyed.len(), Default::default());
    let mut dropped = Vec::new();
    let mut duplicates = Vec::new();
    let mut doubled = Vec::new();
    for (i, k) in keyed {
        let j = *first.entry(k).or_insert(i);
        if j != i {
            doubled.push(k);
            duplicates.push((items[j].id.to_owned(), items[i].id.to_owned()));
            dropped.push(i);
        }
    }
    // Every item but the few dropped (rising), a run at a time.
    let mut kept = Vec::with_capacity(items.len() - dropped.len());
    let mut from = 0;
    for i in dropped {
        kept.extend(from..i);
        from = i + 1;
    }
    kept.extend(from..items.len());
    Verbatim::of(kept, duplicates, doubled)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::threads::Profile;
    use proptest::prelude::*;

    /// [`verbatim_duplicates`] as it was, on one core: the oracle.
    fn on_one_core(items: &[Item], doubled: Option<&[BodyKey]>) -> Verbatim {
        let wanted: Option<FxHashSet<BodyKey>> = doubled.map(|doubled| {
            let others = items.iter().filter(|i| !i.unchanged);
            let others = others.filter_map(|i| i.profile.body());
            doubled.iter().copied().chain(others).collect()
        });
        let bits = wanted.as_ref().map_or(u64::MAX, |w| {
            w.iter().fold(0, |bits, &(hash, _)| bits | 1 << (hash % 64))
        });
        let mut first: FxHashMap<BodyKey, usize> = FxHashMap::default();
        let mut kept = Vec::with_capacity(items.len());
        let mut duplicates = Vec::new();
        let mut doubled = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let sifted = item.profile.body_bits().filter(|&b| bits & 1 << b != 0);
            let key = sifted.and_then(|_| item.profile.body());
            let key = key.filter(|k| wanted.as_ref().is_none_or(|w| w.contains(k)));
            match key.map(|k| (k, *first.entry(k).or_insert(i))) {
                Some((k, j)) if j != i => {
                    doubled.push(k);
                    duplicates.push((items[j].id.to_owned(), item.id.to_owned()));
                }
                _ => kept.push(i),
            }
        }
        Verbatim::of(kept, duplicates, doubled)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(32))]
        /// Items with few bodies (many the same), some said unchanged, with or without the
        /// last build's doubled keys: the duplicates found on both cores are those found on
        /// one, in the same order.
        #[test]
        fn duplicates_on_both_cores_are_those_found_on_one(
            bodies in prop::collection::vec((0u64..2000, any::<bool>(), any::<bool>()), 0..3 * MIN_LEN),
            doubled in prop::option::of(prop::collection::vec(0u64..2000, 0..6)),
        ) {
            let profiles: Vec<Profile> = (bodies.iter())
                .map(|&(key, has, _)| Profile { body: has.then_some((key, 40)), terms: Vec::new() })
                .collect();
            let ids: Vec<String> = (0..bodies.len()).map(|k| format!("a{k}")).collect();
            let items: Vec<Item> = (bodies.iter().zip(&profiles).zip(&ids))
                .map(|((&(_, _, unchanged), profile), id)| Item {
                    id,
                    published: None,
                    profile: profile.into(),
                    unchanged,
                })
                .collect();
            let doubled: Option<Vec<BodyKey>> =
                doubled.map(|d| d.into_iter().map(|k| (k, 40)).collect());
            let found = verbatim_duplicates(&items, doubled.as_deref());
            let oracle = on_one_core(&items, doubled.as_deref());
            prop_assert_eq!(found.kept, oracle.kept);
            prop_assert_eq!(found.duplicates, oracle.duplicates);
            prop_assert_eq!(found.doubled, oracle.doubled);
        }
    }
}
