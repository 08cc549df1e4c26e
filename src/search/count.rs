//! How many articles a query matches, as the reader is told it: counted, or, for a word in
//! most of the archive, estimated from its terms' document frequencies and said to be an
//! estimate. The counting itself is tantivy's (`super::SearchIndex::search`).

use super::MAX_OFFSET;

/// How many articles match a query: counted, or estimated where counting would walk most of
/// the archive's postings for a figure no page needs exactly (see [`estimate`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Total {
    Exact(usize),
    /// About this many, and more than the pages serve ([`servable_results`]), so the pager is
    /// that of the exact count. For a word, at least this many and at most a tenth more (see
    /// [`estimate`]); for a lone phrase in many articles, those found to hold it and the rest
    /// at the rate of a sample of them (`super::phrase_bounds`).
    About(usize),
}

impl Total {
    /// The count, or the estimate (for the pager).
    pub fn value(self) -> usize {
        match self {
            Total::Exact(n) | Total::About(n) => n,
        }
    }

    /// The count, or the estimate to its two leading digits (12,345 → 12,000): what a reader
    /// is shown.
    pub fn shown(self) -> usize {
        match self {
            Total::Exact(n) => n,
            Total::About(n) => two_digits(n),
        }
    }
}

/// How many results the pages of `per_page` serve at most: the deepest page served is the
/// one starting at or before [`MAX_OFFSET`].
pub fn servable_results(per_page: usize) -> usize {
    let per_page = per_page.max(1);
    (MAX_OFFSET / per_page + 1) * per_page
}

/// What is known of a one-word query's count without walking its postings: the word's
/// title and body terms are in `title` and `body` articles (deleted ones included: tantivy's
/// document frequencies count them until a merge drops them), `deleted` articles are deleted
/// and `alive` are not.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Frequencies {
    pub(super) title: u64,
    pub(super) body: u64,
    pub(super) deleted: u64,
    pub(super) alive: u64,
}

/// The count of a query matching the articles holding the title term or the body term, from
/// their document frequencies alone, or `None` when it must be counted.
///
/// Exact when one field holds the term in no article, or one holds it in every article, and
/// nothing is deleted. Otherwise the count lies between the larger frequency (less what is
/// deleted) and the sum (or all articles); it is estimated, as the lower bound, only when
/// that range is within a tenth of the lower bound (a title's words are mostly in its body,
/// so a common word's range is narrow) and the lower bound is past the results any page
/// serves (so the pager is the same as with the exact count); `None` otherwise, counting
/// being cheap for a rarer word.
pub(super) fn estimate(f: Frequencies, per_page: usize) -> Option<Total> {
    let larger = f.title.max(f.body);
    if f.deleted == 0 && (f.title.min(f.body) == 0 || larger == f.alive) {
        return Some(Total::Exact(usize::try_from(larger).ok()?));
    }
    let low = larger.saturating_sub(f.deleted);
    let high = (f.title + f.body).min(f.alive);
    let served = u64::try_from(servable_results(per_page)).ok()?;
    if low <= served || high.saturating_sub(low) * 10 > low {
        return None;
    }
    Some(Total::About(usize::try_from(low).ok()?))
}

/// `n` rounded to its two leading digits: 12,345 → 12,000; 99,960 → 100,000.
fn two_digits(n: usize) -> usize {
    let mut unit = 1;
    while n / unit >= 100 {
        unit *= 10;
    }
    (n + unit / 2) / unit * unit
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_count_is_estimated_only_when_close_and_past_the_pages() {
        let f = |title, body, deleted, alive| Frequencies {
            title,
            body,
            deleted,
            alive,
        };
        // 10 a page serve 10,010 results.
        assert_eq!(servable_results(10), 10_010);
        assert_eq!(servable_results(50), 10_050);
        // Exact: one field never holds the word, or one always does, and nothing is deleted.
        assert_eq!(
            estimate(f(0, 54_321, 0, 90_000), 10),
            Some(Total::Exact(54_321))
        );
        assert_eq!(estimate(f(7, 0, 0, 90_000), 10), Some(Total::Exact(7)));
        assert_eq!(
            estimate(f(3, 90_000, 0, 90_000), 10),
            Some(Total::Exact(90_000))
        );
        // A common word: between 99,960 and 100,000, about 100,000.
        let about = estimate(f(30_000, 99_960, 0, 100_000), 10);
        assert_eq!(about, Some(Total::About(99_960)));
        assert_eq!(about.unwrap().shown(), 100_000);
        assert_eq!(
            estimate(f(1_200, 45_678, 0, 100_000), 10),
            Some(Total::About(45_678))
        );
        // Deleted articles widen the range: 45,678 - 2,000 is the lower bound.
        assert_eq!(
            estimate(f(1_200, 45_678, 2_000, 100_000), 10),
            Some(Total::About(43_678))
        );
        assert_eq!(estimate(f(1_200, 45_678, 5_000, 100_000), 10), None);
        // Too wide a range (the title adds up to 30%), or too few to matter: counted.
        assert_eq!(estimate(f(6_000, 20_000, 0, 100_000), 10), None);
        assert_eq!(estimate(f(100, 10_010, 0, 100_000), 10), None);
        assert_eq!(
            estimate(f(100, 10_011, 0, 100_000), 10),
            Some(Total::About(10_011))
        );
        assert_eq!(estimate(f(100, 10_011, 0, 100_000), 50), None);
    }

    #[test]
    fn estimates_keep_two_digits() {
        let cases = [
            (0, 0),
            (7, 7),
            (99, 99),
            (123, 120),
            (125, 130),
            (10_011, 10_000),
        ];
        for (n, rounded) in cases {
            assert_eq!(two_digits(n), rounded, "{n}");
        }
        assert_eq!(two_digits(99_960), 100_000);
        assert_eq!(two_digits(1_234_567), 1_200_000);
    }
}
