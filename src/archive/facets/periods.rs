//! The years and months of an archive as spans of positions: its dated entries are in date
//! order, so a period's entries are consecutive, and a period ends where the first entry of a
//! later one is, found by binary search.

use super::YearMonth;
use super::runs::Runs;

/// A period's entries: positions `start..end`, all dated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Span {
    pub(super) start: usize,
    pub(super) end: usize,
}

impl Span {
    pub(super) fn len(self) -> usize {
        self.end - self.start
    }
}

/// Periods (years or months) with articles, oldest first, each with its entries.
pub(super) type Periods<K> = Vec<(K, Span)>;

/// The years and the months of the first `dated` entries of `list`, each a span of positions:
/// the dated entries are in date order, so a month ends where the first entry of a later
/// month is, found by binary search (a few hundred months: thousands of entries read, not a
/// million).
pub(super) fn periods(list: &Runs, dated: usize) -> (Periods<i32>, Periods<YearMonth>) {
    let month_of = |position: usize| {
        let published = list.get(position).article.published;
        // The first `dated` entries are dated (`Archive::dated`).
        published.map_or((i32::MAX, 0), |d| (d.year(), d.month()))
    };
    let mut months: Periods<YearMonth> = Vec::new();
    let mut start = 0;
    while start < dated {
        let month = month_of(start);
        let end = first_after(start + 1, dated, |p| month_of(p) > month);
        months.push((month, Span { start, end }));
        start = end;
    }
    let mut years: Periods<i32> = Vec::new();
    for &((year, _), span) in &months {
        match years.last_mut() {
            Some((y, s)) if *y == year => s.end = span.end,
            _ => years.push((year, span)),
        }
    }
    (years, months)
}

/// The first position of `from..to` for which `after` holds (`to` when none does), `after`
/// being false and then true along it. Gallops from `from` (a month is a small part of an
/// archive), then bisects.
fn first_after(from: usize, to: usize, after: impl Fn(usize) -> bool) -> usize {
    let (mut low, mut step) = (from, 1);
    // `after` is false before `low`.
    let mut high = loop {
        let probe = low.saturating_add(step - 1);
        if probe >= to {
            break to;
        }
        if after(probe) {
            break probe;
        }
        low = probe + 1;
        step *= 2;
    };
    // `after` is false before `low` and true at `high` (or `high` is `to`).
    while low < high {
        let mid = low + (high - low) / 2;
        if after(mid) {
            high = mid;
        } else {
            low = mid + 1;
        }
    }
    high
}

/// The span of `key` in `periods` (sorted by key).
pub(super) fn find<K: Ord + Copy>(periods: &[(K, Span)], key: K) -> Option<&Span> {
    let at = periods.binary_search_by_key(&key, |&(k, _)| k).ok()?;
    Some(&periods[at].1)
}

pub(super) fn neighbours<K: Ord + Copy>(periods: &[(K, Span)], key: K) -> (Option<K>, Option<K>) {
    let below = periods.partition_point(|&(k, _)| k < key);
    let above = periods.partition_point(|&(k, _)| k <= key);
    let before = below.checked_sub(1).map(|i| periods[i].0);
    let after = periods.get(above).map(|&(k, _)| k);
    (before, after)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_after_finds_where_a_predicate_turns_true() {
        for to in 0..40 {
            for from in 0..=to {
                for turn in from..=to {
                    assert_eq!(
                        first_after(from, to, |p| p >= turn),
                        turn,
                        "{from}..{to} at {turn}"
                    );
                }
            }
        }
    }
}
