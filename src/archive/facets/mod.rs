//! The archive's indexes by period and by source: which entries each year, month, publication
//! and agency holds. They are made when the archive is loaded, so that a facet page slices a
//! list it already has instead of scanning every entry per request, and made at the cost of
//! what changed: a live rebuild's archive shares the old one's unchanged runs of entries.
//!
//! Positions are in the archive's entries, given as consecutive runs in reading order: dated
//! oldest first, then undated. A year's or a month's entries are so one range of positions,
//! found by binary search over the dated ones, not a list of every position (at a million
//! entries, walking them all to push each position was most of indexing the archive). A
//! publication's or agency's entries are a list of positions, concatenated from what each run
//! gives ([`RunFacets`], made once per run and kept with it). [`Listing`] walks either in the
//! index's order (dated newest first, then undated).

mod periods;
mod runs;

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;

use self::periods::{Periods, Span, find, neighbours, periods};
use self::runs::{Runs, concatenated};
use super::{Entry, slug};
use crate::arabic::collate;

pub use self::runs::RunFacets;

/// Where an article came from, as a facet: the paper that ran it, or the agency it credits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    // The discriminants index the per-source arrays of `Facets` and `RunFacets`.
    Publication = 0,
    Agency = 1,
}

const SOURCES: [Source; 2] = [Source::Publication, Source::Agency];

/// A month of a year: `(2015, 9)`.
pub type YearMonth = (i32, u32);

#[derive(Debug, Default)]
pub struct Facets {
    /// Each year (month) with articles, oldest first, with its entries.
    years: Periods<i32>,
    months: Periods<YearMonth>,
    /// By name: the publications, then the agencies (indexed by [`Source`]), each name's
    /// positions ascending.
    sources: [BTreeMap<String, Vec<u32>>; 2],
    /// The same, as [`Facets::sources`] lists them.
    ranked: [Vec<(String, usize)>; 2],
    /// Each name's page's URL segment ([`slug`]), and back.
    slugs: [HashMap<String, String>; 2],
    names: [HashMap<String, String>; 2],
    /// How many of the archive's entries are dated (they come first).
    dated: usize,
}

impl Facets {
    /// Indexes the entries of `runs` (consecutive, in reading order), of which the first
    /// `dated` are the dated ones.
    pub fn build(runs: &[&[Entry]], dated: usize) -> Facets {
        let made: Vec<RunFacets> = runs.par_iter().map(|run| RunFacets::of(run)).collect();
        let runs: Vec<(&[Entry], &RunFacets)> = runs.iter().copied().zip(&made).collect();
        Facets::of_runs(&runs, dated)
    }

    /// Indexes the entries of `runs` (consecutive, in reading order, each with its
    /// [`RunFacets`]), of which the first `dated` are the dated ones.
    pub fn of_runs(runs: &[(&[Entry], &RunFacets)], dated: usize) -> Facets {
        let list = Runs::new(runs);
        let (years, months) = periods(&list, dated);
        let sources = SOURCES.map(|source| concatenated(&list, source));
        let mut facets = Facets {
            years,
            months,
            sources,
            dated,
            ..Facets::default()
        };
        facets.slugs = facets.sources.each_ref().map(|by_name| {
            slug::assign(by_name.keys().map(String::as_str))
                .into_iter()
                .map(|(name, slug)| (name.to_owned(), slug))
                .collect()
        });
        facets.names = facets.slugs.each_ref().map(|slugs| {
            slugs
                .iter()
                .map(|(name, slug)| (slug.clone(), name.clone()))
                .collect()
        });
        facets.ranked = facets.sources.each_ref().map(|by_name| {
            let mut all: Vec<(String, usize)> = by_name
                .iter()
                .map(|(name, p)| (name.clone(), p.len()))
                .collect();
            all.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| collate::compare(&a.0, &b.0)));
            all
        });
        facets
    }

    /// Years with articles, oldest first, with how many each has.
    pub fn years(&self) -> impl Iterator<Item = (i32, usize)> + '_ {
        self.years.iter().map(|&(y, span)| (y, span.len()))
    }

    /// Months of `year` with articles, January first, with how many each has.
    pub fn months(&self, year: i32) -> impl Iterator<Item = (u32, usize)> + '_ {
        let from = self.months.partition_point(|&((y, _), _)| y < year);
        let to = self.months.partition_point(|&((y, _), _)| y <= year);
        self.months[from..to]
            .iter()
            .map(|&((_, m), span)| (m, span.len()))
    }

    pub fn year(&self, year: i32) -> Option<Listing<'_>> {
        find(&self.years, year).map(|span| Listing::of_span(*span))
    }

    pub fn month(&self, year: i32, month: u32) -> Option<Listing<'_>> {
        find(&self.months, (year, month)).map(|span| Listing::of_span(*span))
    }

    /// The nearest earlier and later years that have articles.
    pub fn year_neighbours(&self, year: i32) -> (Option<i32>, Option<i32>) {
        neighbours(&self.years, year)
    }

    /// The nearest earlier and later months that have articles, across years.
    pub fn month_neighbours(
        &self,
        year: i32,
        month: u32,
    ) -> (Option<YearMonth>, Option<YearMonth>) {
        neighbours(&self.months, (year, month))
    }

    /// Every publication (or agency) of the archive with how many articles it has, most
    /// first, then by name in Arabic alphabetical order ([`collate`]).
    pub fn sources(&self, source: Source) -> &[(String, usize)] {
        &self.ranked[source as usize]
    }

    /// The URL segment of `name`'s page, when the archive has articles of it.
    pub fn slug(&self, source: Source, name: &str) -> Option<&str> {
        self.slugs[source as usize].get(name).map(String::as_str)
    }

    /// The name whose page's URL segment is `slug`.
    pub fn name_of_slug(&self, source: Source, slug: &str) -> Option<&str> {
        self.names[source as usize].get(slug).map(String::as_str)
    }

    pub fn source(&self, source: Source, name: &str) -> Option<Listing<'_>> {
        self.sources[source as usize]
            .get(name)
            .map(|positions| Listing {
                of: Of::Positions {
                    positions,
                    dated: positions.partition_point(|&p| (p as usize) < self.dated),
                },
            })
    }
}

/// The entries of one facet, read in the index's order: dated newest first, then undated.
#[derive(Debug, Clone, Copy)]
pub struct Listing<'a> {
    of: Of<'a>,
}

#[derive(Debug, Clone, Copy)]
enum Of<'a> {
    /// A period's: all dated, one span.
    Span(Span),
    /// A source's: positions ascending, of which the first `dated` are dated entries.
    Positions { positions: &'a [u32], dated: usize },
}

impl Listing<'_> {
    fn of_span(span: Span) -> Self {
        Listing { of: Of::Span(span) }
    }

    pub fn len(&self) -> usize {
        match self.of {
            Of::Span(span) => span.len(),
            Of::Positions { positions, .. } => positions.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The position in the archive's entries of the `i`th article (from 0) of this listing.
    pub fn position(&self, i: usize) -> usize {
        match self.of {
            Of::Span(span) => {
                assert!(i < span.len(), "article {i} of a listing of {}", span.len());
                span.end - 1 - i
            }
            Of::Positions { positions, dated } => {
                let at = if i < dated { dated - 1 - i } else { i };
                positions[at] as usize
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{Article, Date};

    fn entry(published: Option<&str>, publication: Option<&str>, agency: Option<&str>) -> Entry {
        Entry {
            article: Article {
                published: published.map(|d| Date::parse(d).unwrap()),
                publication: publication.map(String::from),
                agency: agency.map(String::from),
                ..Article::default()
            },
            ..Entry::default()
        }
    }

    /// Entries in reading order, as `Archive` keeps them: dated oldest first, then undated.
    fn sample() -> (Vec<Entry>, usize) {
        let entries = vec![
            entry(Some("2014-12-31"), Some("الوسط"), None),
            entry(Some("2015-01-02"), Some(" الوسط "), Some("رويترز")),
            entry(Some("2015-01-05"), Some("الوسط"), None),
            entry(Some("2015-09-16"), None, Some("رويترز")),
            entry(Some("2015-09-18T16:41"), Some("الوسط"), Some("  ")),
            entry(None, Some("الوسط"), None),
        ];
        (entries, 5)
    }

    #[test]
    fn periods_hold_their_dated_articles() {
        let (entries, dated) = sample();
        let f = Facets::build(&[&entries], dated);
        assert_eq!(f.years().collect::<Vec<_>>(), [(2014, 1), (2015, 4)]);
        assert_eq!(f.months(2015).collect::<Vec<_>>(), [(1, 2), (9, 2)]);
        assert!(f.month(2015, 2).is_none(), "no article of February");
        let sept = f.month(2015, 9).unwrap();
        assert_eq!(
            (0..sept.len())
                .map(|i| sept.position(i))
                .collect::<Vec<_>>(),
            [4, 3]
        );
        assert_eq!(f.year_neighbours(2015), (Some(2014), None));
        assert_eq!(f.year_neighbours(2014), (None, Some(2015)));
        assert_eq!(
            f.month_neighbours(2015, 1),
            (Some((2014, 12)), Some((2015, 9)))
        );
    }

    fn ranked(f: &Facets, source: Source) -> Vec<(&str, usize)> {
        f.sources(source)
            .iter()
            .map(|(name, n)| (name.as_str(), *n))
            .collect()
    }

    #[test]
    fn sources_list_newest_first_then_undated() {
        let (entries, dated) = sample();
        let f = Facets::build(&[&entries], dated);
        assert_eq!(
            ranked(&f, Source::Publication),
            [("الوسط", 5)],
            "names are trimmed"
        );
        assert_eq!(
            ranked(&f, Source::Agency),
            [("رويترز", 2)],
            "blank is no agency"
        );
        let wasat = f.source(Source::Publication, "الوسط").unwrap();
        let order: Vec<usize> = (0..wasat.len()).map(|i| wasat.position(i)).collect();
        assert_eq!(order, [4, 2, 1, 0, 5]);
        assert!(f.source(Source::Agency, "أ ف ب").is_none());
    }

    #[test]
    fn most_articles_first_then_by_name() {
        let entries = vec![
            entry(None, Some("ب"), None),
            entry(None, Some("أ"), None),
            entry(None, Some("ج"), None),
            entry(None, Some("ج"), None),
        ];
        let f = Facets::build(&[&entries], 0);
        assert_eq!(
            ranked(&f, Source::Publication),
            [("ج", 2), ("أ", 1), ("ب", 1)]
        );
    }

    /// Every listing of `f` as positions in its order, with the periods' and names' counts
    /// and neighbours: all that the pages read.
    fn everything(f: &Facets) -> Vec<String> {
        let order = |l: Listing| (0..l.len()).map(|i| l.position(i)).collect::<Vec<_>>();
        let mut out = Vec::new();
        for (y, n) in f.years() {
            out.push(format!(
                "{y} {n} {:?} {:?}",
                order(f.year(y).unwrap()),
                f.year_neighbours(y)
            ));
            for (m, n) in f.months(y) {
                let l = f.month(y, m).unwrap();
                out.push(format!(
                    "{y}-{m} {n} {:?} {:?}",
                    order(l),
                    f.month_neighbours(y, m)
                ));
            }
        }
        for source in SOURCES {
            for (name, n) in f.sources(source) {
                let l = f.source(source, name).unwrap();
                let slug = f.slug(source, name).unwrap();
                assert_eq!(f.name_of_slug(source, slug), Some(name.as_str()));
                out.push(format!("{source:?} {name} {n} {slug} {:?}", order(l)));
            }
        }
        out
    }

    /// A month's, a year's entries as the index lists them, by walking every entry.
    fn walked(entries: &[Entry], dated: usize, period: impl Fn(&Date) -> bool) -> Vec<usize> {
        let mut found: Vec<usize> = (0..dated)
            .filter(|&p| entries[p].article.published.as_ref().is_some_and(&period))
            .collect();
        found.reverse();
        found
    }

    #[test]
    fn periods_end_at_the_edges_of_months_and_years() {
        let dates = [
            "2013-06-30",
            "2014-12-31",
            "2014-12-31T23:59+03:00",
            "2015-01-01",
            "2015-01-01T00:00",
            "2015-01-31T23:59",
            "2015-02-01",
            "2015-12-31",
            "2016-01-01",
            "2016-01-01",
            "2016-01-02",
        ];
        let mut entries: Vec<Entry> = dates.iter().map(|d| entry(Some(d), None, None)).collect();
        entries.push(entry(None, None, None));
        let dated = dates.len();
        let f = Facets::build(&[&entries], dated);
        assert_eq!(
            f.years().collect::<Vec<_>>(),
            [(2013, 1), (2014, 2), (2015, 5), (2016, 3)]
        );
        for (y, _) in f.years() {
            let year = f.year(y).unwrap();
            let order: Vec<usize> = (0..year.len()).map(|i| year.position(i)).collect();
            assert_eq!(order, walked(&entries, dated, |d| d.year() == y), "{y}");
            for (m, _) in f.months(y) {
                let month = f.month(y, m).unwrap();
                let order: Vec<usize> = (0..month.len()).map(|i| month.position(i)).collect();
                let expected = walked(&entries, dated, |d| (d.year(), d.month()) == (y, m));
                assert_eq!(order, expected, "{y}-{m}");
            }
        }
        assert_eq!(
            f.months(2015).collect::<Vec<_>>(),
            [(1, 3), (2, 1), (12, 1)]
        );
        assert_eq!(f.months(2017).count(), 0);
        assert_eq!(f.year_neighbours(2014), (Some(2013), Some(2015)));
        assert_eq!(f.year_neighbours(2010), (None, Some(2013)));
        assert_eq!(f.year_neighbours(2020), (Some(2016), None));
        assert_eq!(
            f.month_neighbours(2015, 12),
            (Some((2015, 2)), Some((2016, 1)))
        );
        assert_eq!(
            f.month_neighbours(2015, 6),
            (Some((2015, 2)), Some((2015, 12))),
            "a month without articles has neighbours too"
        );
        assert!(f.year(2017).is_none() && f.month(2016, 2).is_none());
    }

    #[test]
    fn runs_cut_anywhere_index_as_one() {
        let publications = [
            Some("الوسط"),
            None,
            Some("الحياة"),
            Some(" الوسط"),
            Some(""),
        ];
        let agencies = [None, Some("رويترز"), Some("أ ف ب"), None];
        // Several entries a day over months and years, then undated ones.
        let mut entries: Vec<Entry> = (0..300)
            .map(|i| {
                let day = format!("{}-{:02}-01", 2014 + i / 120, i / 11 % 12 + 1);
                entry(Some(&day), publications[i % 5], agencies[i % 4])
            })
            .collect();
        entries.sort_by_key(|e| e.article.published);
        let dated = entries.len();
        entries.extend((0..17).map(|i| entry(None, publications[i % 5], agencies[i % 3])));
        let whole = everything(&Facets::build(&[&entries], dated));
        assert!(whole.len() > 20, "{whole:?}");
        for cut in [1, 2, 7, 11, 64, 299, 300, 301] {
            let runs: Vec<&[Entry]> = entries.chunks(cut).collect();
            assert_eq!(
                everything(&Facets::build(&runs, dated)),
                whole,
                "runs of {cut}"
            );
        }
        // Runs of every length, an empty one among them.
        let runs = [
            &entries[..0],
            &entries[..5],
            &entries[5..5],
            &entries[5..190],
            &entries[190..],
        ];
        assert_eq!(everything(&Facets::build(&runs, dated)), whole);
    }

    #[test]
    fn a_run_longer_than_a_piece_indexes_as_short_runs() {
        let names = ["الوسط", "الحياة", "النهار"];
        let entries: Vec<Entry> = (0..20_000)
            .map(|i| {
                let day = format!("{}-{:02}-01", 2000 + i / 2000, i / 200 % 10 + 1);
                let dated = i < 19_000;
                entry(dated.then_some(&day[..]), Some(names[i * i % 3]), None)
            })
            .collect();
        let long = everything(&Facets::build(&[&entries], 19_000));
        let runs: Vec<&[Entry]> = entries.chunks(999).collect();
        assert_eq!(everything(&Facets::build(&runs, 19_000)), long);
    }

    #[test]
    fn a_run_kept_from_an_earlier_archive_indexes_at_its_new_place() {
        let names = [Some("الوسط"), None, Some("الحياة")];
        let day = |i: usize| format!("2015-{:02}-{:02}", 1 + i / 28, 1 + i % 28);
        let old: Vec<Entry> = (0..60)
            .map(|i| entry(Some(&day(i)), names[i % 3], names[(i + 1) % 3]))
            .collect();
        let kept = RunFacets::of(&old[30..]);
        // An entry added to the first run: the kept run's positions move by one.
        let mut new = old.clone();
        new.insert(3, entry(Some(&day(3)), Some("النهار"), None));
        let (first, second) = new.split_at(31);
        let made = RunFacets::of(first);
        let reused = Facets::of_runs(&[(first, &made), (second, &kept)], new.len());
        assert_eq!(
            everything(&reused),
            everything(&Facets::build(&[&new], new.len()))
        );
    }

    #[test]
    fn an_archive_without_dated_entries_has_no_periods() {
        let entries = vec![
            entry(None, Some("الوسط"), None),
            entry(None, None, Some("رويترز")),
        ];
        let f = Facets::build(&[&entries], 0);
        assert_eq!(f.years().count(), 0);
        assert!(f.year(2015).is_none() && f.month(2015, 1).is_none());
        assert_eq!(f.year_neighbours(2015), (None, None));
        assert_eq!(f.month_neighbours(2015, 1), (None, None));
        assert_eq!(ranked(&f, Source::Agency), [("رويترز", 1)]);
        let empty = Facets::build(&[], 0);
        assert_eq!(everything(&empty), Vec::<String>::new());
    }

    #[test]
    fn a_name_only_in_undated_entries_lists_them_in_order() {
        let entries = [
            entry(Some("2015-01-02"), Some("الوسط"), None),
            entry(Some("2015-03-02"), Some("الوسط"), None),
            entry(None, Some("الحياة"), None),
            entry(None, Some("الوسط"), None),
            entry(None, Some("الحياة "), None),
        ];
        let f = Facets::build(&[&entries[..1], &entries[1..3], &entries[3..]], 2);
        let hayat = f.source(Source::Publication, "الحياة").unwrap();
        assert_eq!(
            (0..hayat.len())
                .map(|i| hayat.position(i))
                .collect::<Vec<_>>(),
            [2, 4]
        );
        let wasat = f.source(Source::Publication, "الوسط").unwrap();
        assert_eq!(
            (0..wasat.len())
                .map(|i| wasat.position(i))
                .collect::<Vec<_>>(),
            [1, 0, 3]
        );
        assert!(f.slug(Source::Publication, "الحياة").is_some());
    }
}
