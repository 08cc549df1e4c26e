//! A new index's frequent terms (`crate::search::FrequentTerms`), chosen from the build's
//! first files: parsed before the others, their articles held until the set is chosen, then
//! indexed by the workers before they go on to the rest.
//!
//! The first files are the first in the build's order, whatever the workers' timing, so that
//! two builds from nothing of the same dumps choose the same set. Tantivy's indexing thread,
//! the build's longest path, has nothing to index while they are parsed: they are few
//! ([`FIRST_FILES`], ≈ 0.1 CPU-s of parsing, ≈ 50 ms of the two cores at 10,000 dumps), and the
//! workers' parse meanwhile is work the build does anyway.

use std::collections::VecDeque;
use std::sync::Mutex;

use super::super::read_ahead::{self, Runs};
use super::{Parsed, Sink};
use crate::search::FrequentTerms;
use crate::search::frequent::SAMPLE_ARTICLES;

/// The files parsed first: as many as the sample's articles (a dump is one article, a crawl
/// more).
pub(super) const FIRST_FILES: usize = SAMPLE_ARTICLES;

/// The first files parsed, in the build's order, to be indexed.
#[derive(Default)]
pub(super) struct First(Mutex<VecDeque<Parsed>>);

impl First {
    /// The files still to index, each taken by whichever worker comes for it.
    pub(super) fn take(&self) -> impl Iterator<Item = Parsed> + '_ {
        std::iter::from_fn(|| self.0.lock().unwrap_or_else(|e| e.into_inner()).pop_front())
    }
}

/// Parses `files` (the build's first, in its order) on every worker, each read ahead by
/// `start`, and tells `sink` the frequent terms of their first [`SAMPLE_ARTICLES`] articles.
pub(super) fn parse_first<T: Send, S>(
    files: Vec<T>,
    parse: &(impl Fn((T, S)) -> Parsed + Sync),
    start: &(impl Fn(&T) -> S + Sync),
    sink: &dyn Sink,
) -> First {
    let runs = Runs::new(files, read_ahead::RUN);
    let parsed: Vec<Vec<Parsed>> = rayon::broadcast(|_| {
        read_ahead::ahead(runs.items(), read_ahead::DEPTH, start)
            .map(parse)
            .collect()
    });
    let mut parsed: Vec<Parsed> = parsed.into_iter().flatten().collect();
    parsed.sort_unstable_by_key(|p| p.i);
    let terms = (parsed.iter())
        .flat_map(|p| p.entries.iter().map(|(_, _, terms)| terms))
        .take(SAMPLE_ARTICLES);
    sink.born_with(FrequentTerms::choose(terms));
    First(Mutex::new(parsed.into()))
}
