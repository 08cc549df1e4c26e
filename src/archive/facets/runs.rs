//! What each run of an archive's entries gives the publications' and agencies' facets, and
//! the runs' contributions put together into each name's positions.

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::Source;
use crate::archive::Entry;

/// What one run of entries gives the publications' and agencies' facets: each name it holds,
/// with the offsets of its entries in the run. It depends on the run alone, so a run shared
/// by the next archive (a live rebuild's unchanged chunk) is not walked again.
#[derive(Debug, Default)]
pub struct RunFacets {
    /// The publications, then the agencies: each name (trimmed) in the order first seen, with
    /// its entries' offsets, ascending.
    names: [Vec<(Box<str>, Vec<u32>)>; 2],
}

/// How many entries [`RunFacets::of`] walks in one task: a chunk's worth (`chunk_files`).
const PIECE: usize = 8192;

/// A publication or agency name as a facet key: trimmed; blank is no name.
fn name(field: Option<&String>) -> Option<&str> {
    field.map(|s| s.trim()).filter(|s| !s.is_empty())
}

impl RunFacets {
    /// The names of `run`'s entries: a long run (an archive made in memory is one) in pieces
    /// on all cores.
    pub fn of(run: &[Entry]) -> RunFacets {
        if run.len() <= PIECE {
            return RunFacets::of_piece(run);
        }
        let pieces: Vec<RunFacets> = run.par_chunks(PIECE).map(RunFacets::of_piece).collect();
        let mut names: [Vec<(Box<str>, Vec<u32>)>; 2] = Default::default();
        for (source, names) in names.iter_mut().enumerate() {
            let mut seen: FxHashMap<&str, usize> = FxHashMap::default();
            for (k, piece) in pieces.iter().enumerate() {
                let start = u32::try_from(k * PIECE).expect("fewer than 2^32 articles");
                for (name, offsets) in &piece.names[source] {
                    let at = *seen.entry(name).or_insert_with(|| {
                        names.push((name.clone(), Vec::new()));
                        names.len() - 1
                    });
                    names[at].1.extend(offsets.iter().map(|&o| start + o));
                }
            }
        }
        RunFacets { names }
    }

    fn of_piece(run: &[Entry]) -> RunFacets {
        let mut names: [Vec<(Box<str>, Vec<u32>)>; 2] = Default::default();
        // A few dozen names over thousands of entries: each found through a map of the run's
        // own strings, a name copied once, when first seen.
        let mut seen: [FxHashMap<&str, usize>; 2] = Default::default();
        for (offset, entry) in run.iter().enumerate() {
            let offset = u32::try_from(offset).expect("fewer than 2^32 articles");
            let a = &entry.article;
            for (source, field) in [
                (Source::Publication, &a.publication),
                (Source::Agency, &a.agency),
            ] {
                if let Some(name) = name(field.as_ref()) {
                    let names = &mut names[source as usize];
                    let at = *seen[source as usize].entry(name).or_insert_with(|| {
                        names.push((name.into(), Vec::new()));
                        names.len() - 1
                    });
                    names[at].1.push(offset);
                }
            }
        }
        for list in &mut names {
            for (_, offsets) in list.iter_mut() {
                offsets.shrink_to_fit();
            }
        }
        RunFacets { names }
    }
}

/// Consecutive runs of entries read as one list, by position.
pub(super) struct Runs<'r, 'a> {
    pub(super) runs: &'r [(&'a [Entry], &'a RunFacets)],
    /// Each run's first position, and the total last.
    pub(super) starts: Vec<usize>,
}

impl<'r, 'a> Runs<'r, 'a> {
    pub(super) fn new(runs: &'r [(&'a [Entry], &'a RunFacets)]) -> Self {
        let mut starts = Vec::with_capacity(runs.len() + 1);
        let mut at = 0;
        starts.push(at);
        for (run, _) in runs {
            at += run.len();
            starts.push(at);
        }
        Runs { runs, starts }
    }

    pub(super) fn get(&self, position: usize) -> &'a Entry {
        let run = self.starts.partition_point(|&s| s <= position) - 1;
        &self.runs[run].0[position - self.starts[run]]
    }
}

/// Every `source` name of `list`'s runs with its positions, the runs' offsets concatenated.
pub(super) fn concatenated(list: &Runs, source: Source) -> BTreeMap<String, Vec<u32>> {
    let mut sizes: HashMap<&str, usize> = HashMap::new();
    for (_, made) in list.runs {
        for (name, offsets) in &made.names[source as usize] {
            *sizes.entry(name).or_default() += offsets.len();
        }
    }
    let mut by_name: BTreeMap<String, Vec<u32>> = sizes
        .into_iter()
        .map(|(name, size)| (name.to_owned(), Vec::with_capacity(size)))
        .collect();
    for ((_, made), &start) in list.runs.iter().zip(&list.starts) {
        let start = u32::try_from(start).expect("fewer than 2^32 articles");
        for (name, offsets) in &made.names[source as usize] {
            let positions = by_name.get_mut(&**name).expect("counted above");
            positions.extend(offsets.iter().map(|&o| start + o));
        }
    }
    by_name
}
