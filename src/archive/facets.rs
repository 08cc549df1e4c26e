//! The archive's indexes by period and by source: which entries each year, month, publication
//! and agency holds. They are made once, when the archive is loaded, so that a facet page
//! slices a list it already has instead of scanning every entry per request.
//!
//! Each facet holds positions in [`Archive::entries`](super::Archive::entries), ascending, so
//! in reading order: dated oldest first, then undated. [`Listing`] walks such a list in the
//! index's order (dated newest first, then undated).

use std::collections::{BTreeMap, HashMap};
use std::ops::Bound::{Excluded, Unbounded};

use super::{Entry, slug};
use crate::arabic::collate;

/// Where an article came from, as a facet: the paper that ran it, or the agency it credits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    // The discriminants index the per-source arrays of `Facets`.
    Publication = 0,
    Agency = 1,
}

/// A month of a year: `(2015, 9)`.
pub type YearMonth = (i32, u32);

#[derive(Debug, Default)]
pub struct Facets {
    years: BTreeMap<i32, Vec<usize>>,
    months: BTreeMap<YearMonth, Vec<usize>>,
    /// By name: the publications, then the agencies (indexed by [`Source`]).
    sources: [BTreeMap<String, Vec<usize>>; 2],
    /// The same, as [`Facets::sources`] lists them.
    ranked: [Vec<(String, usize)>; 2],
    /// Each name's page's URL segment ([`slug`]), and back.
    slugs: [HashMap<String, String>; 2],
    names: [HashMap<String, String>; 2],
    /// How many of the archive's entries are dated (they come first).
    dated: usize,
}

/// A publication or agency name as a facet key: trimmed; blank is no name.
fn name(field: Option<&String>) -> Option<&str> {
    field.map(|s| s.trim()).filter(|s| !s.is_empty())
}

impl Facets {
    /// Indexes the entries of `runs` (consecutive runs of the archive's entries, in reading
    /// order: its chunks), of which the first `dated` are the dated ones.
    pub fn build(runs: &[&[Entry]], dated: usize) -> Facets {
        let mut facets = Facets {
            dated,
            ..Facets::default()
        };
        for (position, entry) in runs.iter().flat_map(|run| run.iter()).enumerate() {
            let a = &entry.article;
            if let Some((year, month)) = a.published.map(|d| (d.year(), d.month())) {
                facets.years.entry(year).or_default().push(position);
                facets
                    .months
                    .entry((year, month))
                    .or_default()
                    .push(position);
            }
            for (source, field) in [
                (Source::Publication, &a.publication),
                (Source::Agency, &a.agency),
            ] {
                if let Some(name) = name(field.as_ref()) {
                    // A name is copied once, when first seen, not once per article.
                    let by_name = &mut facets.sources[source as usize];
                    match by_name.get_mut(name) {
                        Some(positions) => positions.push(position),
                        None => {
                            by_name.insert(name.to_owned(), vec![position]);
                        }
                    }
                }
            }
        }
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
        self.years.iter().map(|(&y, p)| (y, p.len()))
    }

    /// Months of `year` with articles, January first, with how many each has.
    pub fn months(&self, year: i32) -> impl Iterator<Item = (u32, usize)> + '_ {
        self.months
            .range((year, 1)..=(year, 12))
            .map(|(&(_, m), p)| (m, p.len()))
    }

    pub fn year(&self, year: i32) -> Option<Listing<'_>> {
        self.years.get(&year).map(|p| self.listing(p))
    }

    pub fn month(&self, year: i32, month: u32) -> Option<Listing<'_>> {
        self.months.get(&(year, month)).map(|p| self.listing(p))
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
            .map(|p| self.listing(p))
    }

    fn listing<'a>(&self, positions: &'a [usize]) -> Listing<'a> {
        Listing {
            positions,
            dated: positions.partition_point(|&p| p < self.dated),
        }
    }
}

fn neighbours<K: Ord + Copy, V>(map: &BTreeMap<K, V>, key: K) -> (Option<K>, Option<K>) {
    let before = map.range(..key).next_back().map(|(k, _)| *k);
    let after = map
        .range((Excluded(key), Unbounded))
        .next()
        .map(|(k, _)| *k);
    (before, after)
}

/// The entries of one facet, read in the index's order: dated newest first, then undated.
#[derive(Debug, Clone, Copy)]
pub struct Listing<'a> {
    positions: &'a [usize],
    /// How many of `positions` are dated entries (they come first).
    dated: usize,
}

impl Listing<'_> {
    pub fn len(&self) -> usize {
        self.positions.len()
    }

    pub fn is_empty(&self) -> bool {
        self.positions.is_empty()
    }

    /// The position in the archive's entries of the `i`th article (from 0) of this listing.
    pub fn position(&self, i: usize) -> usize {
        if i < self.dated {
            self.positions[self.dated - 1 - i]
        } else {
            self.positions[i]
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
}
