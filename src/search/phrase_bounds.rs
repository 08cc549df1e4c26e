//! A lone phrase by positions held in many articles (`"وزير الخارجية الروسي"`, in half of a
//! generated archive): its best found without reading every article's positions, and its
//! count estimated, and said to be.
//!
//! Checking a phrase at an article reads its words' positions there: at 100,000 generated
//! articles, a phrase in 47,000 of them took 26 ms of CPU a query, seven tenths of it in
//! positions (notes/search-bench.md, session 59). Yet what an article can score is known
//! before its positions are read. The phrase occurs in the body at most as often as each of
//! its indexed pairs does, or each of its words when no pair is indexed (each occurrence puts
//! every one of them at a position of its own, and the pairs are made of the same terms, see
//! `super::pairs`), and a score rises with the occurrences and falls with the body's length,
//! which the field's norms hold. So each article holding those terms gets a bound, its title's
//! score (read: few titles hold the phrase's terms) plus the body's score at its least term's
//! frequency, and an article whose bound cannot reach the page's last score is not read: it is
//! not among the best, whatever it holds. The ranking is the exact one, ties included.
//!
//! What the articles not read add to the count is estimated from a sample of them, read all
//! the same ([`Sampling`]): the count is then [`Total::About`]. Only a phrase whose bounding
//! terms are each in more articles than the pages serve is walked so, and an estimate under that falls
//! back to counting (the pager then needs the count).

use std::iter::Peekable;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{Bm25Weight, BoostQuery, EnableScoring, PhraseQuery, Query, Scorer, Weight};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{
    DocAddress, DocId, DocSet, Executor, Score, Searcher, SeekDangerResult, SegmentOrdinal,
    SegmentReader, TERMINATED, Term,
};

use super::count::{Total, servable_results};
use super::query::{ParsedQuery, TITLE_BOOST, by_positions, field_terms, indexed_pairs, pair_term};
use super::schema::Fields;
use super::ties::BestWithTies;

/// Documents and their scores, as [`BestWithTies`] collects them.
type Scored = Vec<(Score, DocAddress)>;

/// How the articles whose bound falls short are sampled, and when a phrase is walked so.
#[derive(Debug, Clone, Copy)]
pub(super) struct Sampling {
    /// About how many of the articles whose bound falls short are read for the count, at
    /// most: one in so many that the articles holding the rarest bounding term give this many.
    pub(super) size: u64,
    /// The fewest articles each bounding term must be in for the phrase to be walked so, and
    /// the least estimate that stands: below it the phrase is counted.
    pub(super) from: u64,
}

impl Sampling {
    /// For pages of `per_page`: a sample of some 2,000 articles, from twice the results the
    /// pages serve, so that the pager is the one the count would give.
    ///
    /// The sample's size, not the archive's, sets how near the estimate comes: with 2,000, for
    /// a phrase in four of five articles holding its pairs, the rate's standard error is 1.1 %
    /// of it (2.2 % for one in two), under the two digits a reader is shown. The sample is the
    /// walk's dearest part: it reads positions (≈ 0.6 µs an article, scattered). At 100,000
    /// generated articles, a phrase in 47,000 of them and in 60,000 with its pairs: one in 16
    /// (3,700) took 4.6 ms of CPU a query, one in 32 (1,850) 3.3 ms and one in 64 2.9 ms;
    /// one in 31 (this size) 3.1 ms, and the reader is told "about 48,000" for 47,291
    /// (notes/search-bench.md, session 59).
    pub(super) fn for_pages(per_page: usize) -> Sampling {
        Sampling {
            size: 2_000,
            from: 2 * servable_results(per_page) as u64,
        }
    }

    /// One in how many short articles is read, when the rarest bounding term is in `fewest`
    /// articles.
    fn every(self, fewest: u64) -> u32 {
        u32::try_from(fewest.div_ceil(self.size.max(1))).map_or(u32::MAX, |e| e.max(1))
    }
}

/// The phrase of a query that is that phrase alone, searched by its words' positions (not a
/// pair term); `None` for any other query.
pub(super) fn lone_phrase(parsed: &ParsedQuery) -> Option<&[String]> {
    match (parsed.words.as_slice(), parsed.phrases.as_slice()) {
        ([], [phrase]) if pair_term(phrase).is_none() => Some(phrase),
        _ => None,
    }
}

/// The terms whose frequencies in an article bound the phrase's there: its indexed pairs in the
/// body's pairs field (each occurrence of the phrase puts each of them at a position of its
/// own), or, when none of its pairs is indexed, its words in the body (each occurrence puts
/// each word at a position of its own). A pair is rarer than its words: the tighter bound,
/// and the fewer articles to walk.
fn bounding(phrase: &[String], f: Fields) -> Vec<Term> {
    let pairs: Vec<Term> = indexed_pairs(phrase)
        .map(|p| Term::from_field_text(f.body_pairs, &p))
        .collect();
    if !pairs.is_empty() {
        return pairs;
    }
    field_terms(f.body, phrase)
}

/// The best `n` articles holding `phrase` (and every tie of the `n`-th), best first, and how
/// many hold it; `None` when `sampling` says to count it instead.
pub(super) fn best_and_count(
    searcher: &Searcher,
    fields: Fields,
    phrase: &[String],
    n: usize,
    sampling: Sampling,
    executor: &Executor,
) -> tantivy::Result<Option<(Scored, Total)>> {
    let bounding = bounding(phrase, fields);
    let mut fewest = u64::MAX;
    for term in &bounding {
        fewest = fewest.min(searcher.doc_freq(term)?);
    }
    if fewest < sampling.from {
        return Ok(None);
    }
    let (fruits, tally) = walk(
        searcher,
        fields,
        phrase,
        bounding,
        n,
        sampling.every(fewest),
        executor,
    )?;
    let total = tally.total();
    if matches!(total, Total::About(about) if (about as u64) < sampling.from) {
        return Ok(None);
    }
    Ok(Some((BestWithTies(n).merge_fruits(fruits)?, total)))
}

/// Each segment's best `n` and ties, and what the walk learnt of the count, reading one in
/// `every` of the articles whose bound falls short.
fn walk(
    searcher: &Searcher,
    fields: Fields,
    phrase: &[String],
    bounding: Vec<Term>,
    n: usize,
    every: u32,
    executor: &Executor,
) -> tantivy::Result<(Vec<Scored>, Tally)> {
    let walk = Walk::new(searcher, fields, phrase, bounding, n, every)?;
    let segments = searcher.segment_readers().iter().enumerate();
    let walked = executor.map(
        |(ordinal, reader)| walk.segment(ordinal as SegmentOrdinal, reader),
        segments,
    )?;
    let mut tally = Tally::default();
    let mut fruits = Vec::with_capacity(walked.len());
    for (best, counted) in walked {
        fruits.push(best);
        tally = tally.plus(counted);
    }
    Ok((fruits, tally))
}

/// What a walk learns of the count.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub(super) struct Tally {
    /// Articles found to hold the phrase: read, or matched by their title.
    held: u64,
    /// Articles whose bound fell short, not read.
    unread: u64,
    /// Articles whose bound fell short, read for the sample.
    sampled: u64,
    /// Of those, the ones holding the phrase.
    sampled_held: u64,
}

impl Tally {
    fn plus(self, other: Tally) -> Tally {
        Tally {
            held: self.held + other.held,
            unread: self.unread + other.unread,
            sampled: self.sampled + other.sampled,
            sampled_held: self.sampled_held + other.sampled_held,
        }
    }

    /// The count when every article was read; otherwise those found, and the unread at the
    /// sample's rate (the first article short of its bound in a segment is always sampled,
    /// so there is a rate whenever some are unread).
    fn total(self) -> Total {
        let found = self.held + self.sampled_held;
        if self.unread == 0 || self.sampled == 0 {
            return Total::Exact(found as usize);
        }
        let rate = self.sampled_held as f64 / self.sampled as f64;
        Total::About(found as usize + (self.unread as f64 * rate).round() as usize)
    }
}

/// A phrase's weights, shared by the segments' walks.
struct Walk {
    /// The title's clause as the query has it (by positions, boosted).
    title: Box<dyn Weight>,
    /// The phrase in the body, by positions alone: its score is the body clause's (the pairs
    /// weigh nothing there).
    body: Box<dyn Weight>,
    body_field: Field,
    /// The body phrase's scoring, for the bounds.
    bm25: Bm25Weight,
    /// The terms whose frequencies bound the body's ([`bounding`]).
    bounding: Vec<Term>,
    n: usize,
    every: u32,
}

impl Walk {
    fn new(
        searcher: &Searcher,
        f: Fields,
        phrase: &[String],
        bounding: Vec<Term>,
        n: usize,
        every: u32,
    ) -> tantivy::Result<Walk> {
        let scoring = || EnableScoring::enabled_from_searcher(searcher);
        let title = BoostQuery::new(by_positions(f.title, f.title_pairs, phrase), TITLE_BOOST);
        let terms = field_terms(f.body, phrase);
        Ok(Walk {
            title: title.weight(scoring())?,
            bm25: Bm25Weight::for_terms(searcher, &terms)?,
            body: PhraseQuery::new(terms).weight(scoring())?,
            body_field: f.body,
            bounding,
            n,
            every: every.max(1),
        })
    }

    /// One segment's best `n` and ties, and what it learnt of the count.
    fn segment(
        &self,
        ordinal: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<(Scored, Tally)> {
        let mut best = BestWithTies(self.n).for_segment(ordinal, reader)?;
        let mut tally = Tally::default();
        let alive = |doc| reader.alive_bitset().is_none_or(|a| a.is_alive(doc));
        let mut titles = self.titles(reader, &alive)?;
        let mut holding = Holding::open(reader, &self.bounding)?;
        let norms = reader.get_fieldnorms_reader(self.body_field)?;
        let mut body = Checker::new(self.body.scorer(reader, 1.0)?);
        let mut short = 0u32;
        loop {
            let doc = holding.next();
            // A title holding the phrase without the body holding its bounding terms: its
            // score alone.
            while let Some((title_doc, score)) = titles.next_if(|t| t.0 < doc) {
                tally.held += 1;
                best.collect(title_doc, score);
            }
            if doc == TERMINATED {
                break;
            }
            let title = titles.next_if(|t| t.0 == doc).map(|t| t.1);
            if !alive(doc) {
                continue;
            }
            let most = title.unwrap_or(0.0)
                + self
                    .bm25
                    .score(norms.fieldnorm_id(doc), holding.least_freq());
            if most > best.bound() {
                let score = match (title, body.score(doc)) {
                    (Some(t), Some(b)) => t + b,
                    (Some(only), None) | (None, Some(only)) => only,
                    (None, None) => continue,
                };
                tally.held += 1;
                best.collect(doc, score);
            } else if title.is_some() {
                // Held, by its title; too low to rank.
                tally.held += 1;
            } else {
                if short.is_multiple_of(self.every) {
                    tally.sampled += 1;
                    tally.sampled_held += u64::from(body.score(doc).is_some());
                } else {
                    tally.unread += 1;
                }
                short += 1;
            }
        }
        Ok((best.harvest(), tally))
    }

    /// The live articles of the segment whose title holds the phrase, with the title's score,
    /// in order.
    fn titles(
        &self,
        reader: &SegmentReader,
        alive: &dyn Fn(DocId) -> bool,
    ) -> tantivy::Result<Peekable<std::vec::IntoIter<(DocId, Score)>>> {
        let mut titles = Vec::new();
        let mut scorer = self.title.scorer(reader, 1.0)?;
        let mut doc = scorer.doc();
        while doc != TERMINATED {
            if alive(doc) {
                titles.push((doc, scorer.score()));
            }
            doc = scorer.advance();
        }
        Ok(titles.into_iter().peekable())
    }
}

/// The articles of a segment whose body holds every bounding term, in order.
struct Holding {
    /// Rarest first: it leads, the others are sought to its articles.
    postings: Vec<SegmentPostings>,
    started: bool,
}

impl Holding {
    /// With no postings (no article) when a term is in no article of the segment.
    fn open(reader: &SegmentReader, terms: &[Term]) -> tantivy::Result<Holding> {
        let mut postings = Vec::with_capacity(terms.len());
        for term in terms {
            let index = reader.inverted_index(term.field())?;
            match index.read_postings(term, IndexRecordOption::WithFreqs)? {
                Some(p) => postings.push(p),
                None => {
                    postings.clear();
                    break;
                }
            }
        }
        postings.sort_by_key(|p| p.size_hint());
        Ok(Holding {
            postings,
            started: false,
        })
    }

    /// The next article holding every term, or [`TERMINATED`].
    fn next(&mut self) -> DocId {
        let Some((lead, rest)) = self.postings.split_first_mut() else {
            return TERMINATED;
        };
        let mut target = if self.started {
            lead.advance()
        } else {
            self.started = true;
            lead.doc()
        };
        'lead: while target != TERMINATED {
            for other in rest.iter_mut() {
                let doc = if other.doc() < target {
                    other.seek(target)
                } else {
                    other.doc()
                };
                if doc > target {
                    target = if doc == TERMINATED {
                        TERMINATED
                    } else {
                        lead.seek(doc)
                    };
                    continue 'lead;
                }
            }
            return target;
        }
        TERMINATED
    }

    /// How often the rarest-here term occurs in the current article: the most the phrase can.
    fn least_freq(&self) -> u32 {
        self.postings
            .iter()
            .map(|p| p.term_freq())
            .min()
            .unwrap_or(0)
    }
}

/// The body's phrase checked at chosen articles, in increasing order, reading positions only
/// there (`seek_danger`).
struct Checker {
    scorer: Box<dyn Scorer>,
    /// No article before this one holds the phrase (since the last asked).
    next: DocId,
}

impl Checker {
    fn new(scorer: Box<dyn Scorer>) -> Checker {
        // A new scorer stands at the first article holding the phrase.
        let next = scorer.doc();
        Checker { scorer, next }
    }

    /// The body's score at `doc` if it holds the phrase.
    fn score(&mut self, doc: DocId) -> Option<Score> {
        if doc < self.next {
            return None;
        }
        match self.scorer.seek_danger(doc) {
            SeekDangerResult::Found => {
                self.next = doc + 1;
                Some(self.scorer.score())
            }
            SeekDangerResult::SeekLowerBound(lower) => {
                self.next = lower;
                None
            }
        }
    }
}

#[cfg(test)]
mod tests;
