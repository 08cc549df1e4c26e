//! Results of equal score in a stable order: the order the index page lists them (newest
//! first, then the undated by id). Tantivy breaks a tie by the document's address, which
//! depends on how the writer's threads shared the articles out into segments and on the
//! merges since: two builds of the same dumps (or one on a machine with another number of
//! cores) could rank tied articles, and so page them, differently.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::ops::Range;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::query::Weight;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

use super::{Paragraphs, SearchIndex};

/// The best `n` live documents by score and every other one scoring as the `n`-th does, best
/// first, ties in any order: all a page of the best `n` needs to order its ties, in one pass.
/// Pruned as tantivy's top documents are (block-max WAND), with the bound just below the
/// `n`-th score rather than at it, so that the documents equal to it still come.
pub(super) struct BestWithTies(pub usize);

impl Collector for BestWithTies {
    type Fruit = Vec<(Score, DocAddress)>;
    type Child = SegmentBest;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        _: &SegmentReader,
    ) -> tantivy::Result<SegmentBest> {
        let n = self.0.max(1);
        Ok(SegmentBest {
            n,
            segment,
            best: BinaryHeap::with_capacity(n + 1),
            tied: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Self::Fruit>) -> tantivy::Result<Self::Fruit> {
        // Each segment's holds its best `n` and their ties: the whole archive's best `n` are
        // among them, and so are their ties (the archive's `n`-th score is at least any one
        // segment's).
        Ok(best_with_ties(fruits.concat(), self.0))
    }

    /// Alone, the segment is walked with pruning (in a tuple with another collector, tantivy
    /// walks it whole and calls [`SegmentBest::collect`]).
    fn collect_segment(
        &self,
        weight: &dyn Weight,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<Self::Fruit> {
        let mut best = self.for_segment(segment, reader)?;
        let alive = reader.alive_bitset();
        weight.for_each_pruning(Score::MIN, reader, &mut |doc, score| {
            if alive.is_none_or(|a| a.is_alive(doc)) {
                best.collect(doc, score);
            }
            best.bound()
        })?;
        Ok(best.harvest())
    }
}

/// One segment's best `n` (a min-heap on the score) and the others scoring as its least.
pub(super) struct SegmentBest {
    n: usize,
    segment: SegmentOrdinal,
    best: BinaryHeap<Reverse<Ranked>>,
    tied: Vec<DocId>,
}

impl SegmentBest {
    /// What a document must score above to count: just below the least of a full `best`, so
    /// that its equals still come.
    pub(super) fn bound(&self) -> Score {
        match self.best.peek() {
            Some(least) if self.best.len() == self.n => least.0.0.next_down(),
            _ => Score::MIN,
        }
    }
}

impl SegmentCollector for SegmentBest {
    type Fruit = Vec<(Score, DocAddress)>;

    fn collect(&mut self, doc: DocId, score: Score) {
        let least = self.best.peek().map(|r| r.0.0);
        match least {
            Some(least) if self.best.len() == self.n && score < least => {}
            Some(least) if self.best.len() == self.n && score == least => self.tied.push(doc),
            _ => {
                self.best.push(Reverse(Ranked(score, doc)));
                if self.best.len() > self.n {
                    let Reverse(Ranked(out, out_doc)) = self.best.pop().expect("n + 1 held");
                    if self.best.peek().expect("n held").0.0 == out {
                        self.tied.push(out_doc);
                    } else {
                        self.tied.clear();
                    }
                }
            }
        }
    }

    fn harvest(self) -> Self::Fruit {
        let least = self.best.peek().map(|r| r.0.0);
        let segment = self.segment;
        let mut found: Vec<(Score, DocAddress)> = self
            .best
            .into_iter()
            .map(|Reverse(Ranked(score, doc))| (score, DocAddress::new(segment, doc)))
            .collect();
        if let Some(least) = least {
            let tied = self.tied.into_iter();
            found.extend(tied.map(|doc| (least, DocAddress::new(segment, doc))));
        }
        found
    }
}

/// `ranked`'s best `n` and the others scoring as the `n`-th, best first.
fn best_with_ties(mut ranked: Vec<(Score, DocAddress)>, n: usize) -> Vec<(Score, DocAddress)> {
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
    if n > 0 && ranked.len() > n {
        let least = ranked[n - 1].0;
        ranked.truncate(ranked.partition_point(|r| r.0 >= least));
    }
    ranked
}

/// A document and its score, ordered by the score alone.
struct Ranked(Score, DocId);

impl PartialEq for Ranked {
    fn eq(&self, other: &Self) -> bool {
        self.0.total_cmp(&other.0).is_eq()
    }
}

impl Eq for Ranked {}

impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Ranked {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

/// What a page of results needs of the index and the archive besides the ranking.
pub(super) trait Lookups {
    /// The article id of a document.
    fn id(&self, address: DocAddress) -> tantivy::Result<String>;
    /// Where the index page lists each of `ids` (`None`: not in the archive).
    fn listed_at(&self, ids: &[&str]) -> Vec<Option<usize>>;
}

/// What [`page`] reads: the stored ids, and the archive's order.
pub(super) struct PageLookups<'a> {
    pub(super) index: &'a SearchIndex,
    pub(super) paragraphs: &'a dyn Paragraphs,
}

impl Lookups for PageLookups<'_> {
    fn id(&self, address: DocAddress) -> tantivy::Result<String> {
        self.index.id_of(address)
    }

    fn listed_at(&self, ids: &[&str]) -> Vec<Option<usize>> {
        self.paragraphs.listed_at(ids)
    }
}

/// The results of `ranked` (best first) whose ids [`page`] reads for results
/// `offset..offset + per_page`: every result scoring as one of the page's does, the page and
/// the ties reaching into it. Empty past the results.
pub(super) fn group(
    ranked: &[(Score, DocAddress)],
    offset: usize,
    per_page: usize,
) -> Range<usize> {
    let end = offset.saturating_add(per_page).min(ranked.len());
    if offset >= end {
        return 0..0;
    }
    let (first, last) = (ranked[offset].0, ranked[end - 1].0);
    ranked.partition_point(|r| r.0 > first)..ranked.partition_point(|r| r.0 >= last)
}

/// Results `offset..offset + per_page`, with their scores and ids, of `ranked`: the best
/// `offset + per_page` by score and every other scoring as the last of them ([`BestWithTies`]),
/// best first, ties in any order. That set is the same whatever the order of ties; the ties
/// reaching into the page are put in the index page's order. A page without ties reads only
/// its own ids, as before.
pub(super) fn page(
    ranked: Vec<(Score, DocAddress)>,
    offset: usize,
    per_page: usize,
    lookups: &dyn Lookups,
) -> tantivy::Result<Vec<(Score, String)>> {
    if offset >= ranked.len() {
        return Ok(Vec::new());
    }
    let end = (offset + per_page).min(ranked.len());
    let Range {
        start: from,
        end: to,
    } = group(&ranked, offset, per_page);
    let mut group = ranked[from..to]
        .iter()
        .map(|&(score, address)| Ok((score, lookups.id(address)?)))
        .collect::<tantivy::Result<Vec<_>>>()?;
    if group.windows(2).any(|w| w[0].0 == w[1].0) {
        let ids: Vec<&str> = group.iter().map(|(_, id)| id.as_str()).collect();
        let listed = lookups.listed_at(&ids);
        let mut keyed: Vec<_> = group.into_iter().zip(listed).collect();
        keyed.sort_by(|((s, id), at), ((t, other), at_other)| {
            t.total_cmp(s)
                .then_with(|| {
                    at.unwrap_or(usize::MAX)
                        .cmp(&at_other.unwrap_or(usize::MAX))
                })
                .then_with(|| id.cmp(other))
        });
        group = keyed.into_iter().map(|(hit, _)| hit).collect();
    }
    Ok(group.drain(offset - from..end - from).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Documents 0..n of one segment, with the given scores; listed in reverse id order.
    struct Scored(Vec<Score>);

    impl Scored {
        /// What [`BestWithTies`] gives for `n`, tantivy's tie order (by address) kept.
        fn best(&self, n: usize) -> Vec<(Score, DocAddress)> {
            let all = (0..self.0.len() as u32)
                .map(|d| (self.0[d as usize], DocAddress::new(0, d)))
                .collect();
            best_with_ties(all, n)
        }

        fn ids(&self, offset: usize, per_page: usize) -> Vec<String> {
            let page = page(self.best(offset + per_page), offset, per_page, self).unwrap();
            page.into_iter().map(|(_, id)| id).collect()
        }
    }

    impl Lookups for Scored {
        fn id(&self, address: DocAddress) -> tantivy::Result<String> {
            Ok(format!("d{}", address.doc_id))
        }

        fn listed_at(&self, ids: &[&str]) -> Vec<Option<usize>> {
            let n = self.0.len();
            let at = |id: &str| n - 1 - id[1..].parse::<usize>().unwrap();
            ids.iter().map(|id| Some(at(id))).collect()
        }
    }

    #[test]
    fn the_best_n_come_with_every_tie_of_the_last() {
        let scored = Scored(vec![3.0, 2.0, 2.0, 2.0, 2.0, 1.0]);
        assert_eq!(scored.best(1).len(), 1);
        assert_eq!(scored.best(2).len(), 5);
        assert_eq!(scored.best(5).len(), 5);
        assert_eq!(scored.best(6).len(), 6);
    }

    #[test]
    fn ties_come_in_the_index_pages_order_across_pages() {
        let scored = Scored(vec![3.0, 2.0, 2.0, 2.0, 2.0, 1.0]);
        // d0, then the tie d1..d4 listed d4 first, then d5.
        let pages: Vec<Vec<String>> = (0..3).map(|p| scored.ids(p * 2, 2)).collect();
        assert_eq!(pages, [["d0", "d4"], ["d3", "d2"], ["d1", "d5"]]);
    }

    #[test]
    fn a_page_without_ties_is_in_score_order() {
        let scored = Scored(vec![5.0, 4.0, 3.0, 2.0, 2.0]);
        assert_eq!(scored.ids(0, 3), ["d0", "d1", "d2"]);
        assert_eq!(scored.ids(3, 3), ["d4", "d3"]);
        assert_eq!(scored.ids(6, 3), Vec::<String>::new());
    }
}
