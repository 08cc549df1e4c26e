//! Which of a page's dates is the publication date.
//!
//! Pages carry many dates: a clock in the site header, "updated" stamps, a date beside every
//! related headline, copyright years. The publication date is the one printed with the
//! article's own heading: between the title and the body, or just above the title (a paper's
//! issue line), or flagged as such (`تم نشره`, `نشر في`). Dates that come in lists, dates in
//! the body and dates after it are never taken; "updated" stamps go to `updated`. When no date
//! qualifies the record says `null`: no date beats a wrong one.

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickKind};

use super::dates::FoundDate;
use super::lines::Line;
use super::record::Date;
use super::weights::{DATE_ABOVE_TITLE as ABOVE_TITLE, DATE_LIST_SPAN as LIST_SPAN};

#[derive(Debug, Default)]
pub struct Dates {
    pub published: Option<Date>,
    pub updated: Option<Date>,
    pub hijri: Option<String>,
}

const UPDATED: [&str; 8] = [
    "تحديث",
    "محدث",
    "محدّث",
    "آخر تعديل",
    "اخر تعديل",
    "updated",
    "update",
    "modified",
];
const PUBLISHED: [&str; 8] = [
    "نشر",
    "نُشر",
    "بتاريخ",
    "العدد",
    "published",
    "posted",
    "تاريخ الخبر",
    "date",
];

/// [`PUBLISHED`] then [`UPDATED`], looked for at once: a match's pattern says which list it is
/// of. (A reverse searcher a marker, each run over the text before a date, cost ≈ 1.5 M
/// instructions in 200 dumps: notes/parser-bench.md, session 46.)
static MARKS: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::builder()
        .kind(Some(AhoCorasickKind::DFA))
        .build(PUBLISHED.iter().chain(&UPDATED))
        .expect("sixteen short words")
});

/// Where the last [`PUBLISHED`] marker and the last [`UPDATED`] one start in `text`: every
/// occurrence of every marker is found (overlapping ones too), so each is the greatest start
/// of its list's.
fn last_marks(text: &str) -> (Option<usize>, Option<usize>) {
    let mut last = (None, None);
    for m in MARKS.find_overlapping_iter(text) {
        let list = if m.pattern().as_usize() < PUBLISHED.len() {
            &mut last.0
        } else {
            &mut last.1
        };
        *list = (*list).max(Some(m.start()));
    }
    last
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Role {
    Published,
    Updated,
    Plain,
}

/// The role of each date of a line: a date after an "updated" word is an update, one after a
/// "published" word a publication; a line can hold both (`نشر في … | آخر تحديث …`).
fn roles(line: &Line) -> Vec<(FoundDate, Role)> {
    // A role a date, two for a date with an update's clock: one allocation, not a vector grown
    // from empty (≈ 0.14 M instructions in 200 dumps).
    let mut out = Vec::with_capacity(line.dates.len() + 1);
    for d in &line.dates {
        // Slice before lower-casing: case mapping can change a character's byte length.
        let before = line.text.get(..d.start).unwrap_or_default().to_lowercase();
        let role = match last_marks(&before) {
            (Some(p), Some(u)) if u > p => Role::Updated,
            (None, Some(_)) => Role::Updated,
            (Some(_), _) => Role::Published,
            (None, None) => Role::Plain,
        };
        // General form: `الخميس، 3 تموز 2014، آخر تحديث 09:30`: the day is the publication's,
        // the clock after the "updated" word (and the zone printed with it) the update's.
        let between = d
            .time_at
            .filter(|&t| t > d.start)
            .and_then(|t| line.text.get(d.start..t))
            .map(str::to_lowercase);
        if role != Role::Updated
            && let Some(between) = between
            && last_marks(&between).1.is_some()
        {
            out.push((
                FoundDate {
                    date: d.date.day_only(),
                    time_at: None,
                    ..*d
                },
                role,
            ));
            out.push((*d, Role::Updated));
            continue;
        }
        out.push((*d, role));
    }
    out
}

/// `is_title` tells the headline's copies: a date in a headline is news, not a stamp.
pub fn choose(
    lines: &[Line],
    title: Option<usize>,
    body: (usize, usize),
    is_title: &dyn Fn(&Line) -> bool,
) -> Dates {
    let dated: Vec<(usize, Vec<(FoundDate, Role)>)> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.date_line && !is_title(l))
        .map(|(i, l)| (i, roles(l)))
        .collect();
    let is_update_line =
        |roles: &[(FoundDate, Role)]| roles.iter().all(|(_, r)| *r == Role::Updated);
    let (start, end) = body;
    let title = title.unwrap_or(start.saturating_sub(1));
    // Lines of a dated list: another dated line (not an update stamp) close by, on the same
    // side of the headline (a dated list above it says nothing of the stamp under it).
    let in_list = |i: usize| {
        dated.iter().any(|(j, r)| {
            *j != i
                && j.abs_diff(i) <= LIST_SPAN
                && !is_update_line(r)
                && (*j > title) == (i > title)
        })
    };

    let pick = |range: std::ops::Range<usize>, nearest_last: bool, need_mark: bool| {
        let mut found = dated
            .iter()
            .filter(|(i, r)| range.contains(i) && !is_update_line(r));
        let choice: Option<&(usize, Vec<(FoundDate, Role)>)> = if nearest_last {
            found.next_back()
        } else {
            found.next()
        };
        choice.and_then(|(i, r)| {
            let first = r.iter().find(|(_, role)| *role != Role::Updated)?;
            if need_mark && first.1 != Role::Published {
                return None;
            }
            // A flagged date in a list is still the article's when it says so.
            (first.1 == Role::Published || !in_list(*i)).then_some((*i, first.0))
        })
    };

    let published = pick(title + 1..start, false, false)
        .or_else(|| pick(title.saturating_sub(ABOVE_TITLE)..title, true, false))
        .or_else(|| pick(0..start, true, true))
        .or_else(|| pick(end..(end + LIST_SPAN).min(lines.len()), false, true));

    let updated = dated
        .iter()
        .filter(|(i, _)| *i < start || (end..end + LIST_SPAN).contains(i))
        .flat_map(|(_, r)| r.iter())
        .find(|(_, role)| *role == Role::Updated)
        .map(|(d, _)| d.date);

    let hijri = published
        .and_then(|(i, _)| lines[i].hijri.clone())
        .or_else(|| {
            lines[title.saturating_sub(ABOVE_TITLE)..start]
                .iter()
                .find_map(|l| l.hijri.clone())
        });

    // A date line with no clock takes the clock printed alone on the line above or below it.
    let published = published.map(|(i, mut d)| {
        if d.date.clock().is_none() {
            let clock = [i.wrapping_sub(1), i + 1]
                .into_iter()
                .filter_map(|j| lines.get(j))
                .filter(|l| l.stamp && l.dates.is_empty())
                .find_map(|l| super::dates::clock_only(l.text));
            d.date = clock.and_then(|c| c.on(d.date)).unwrap_or(d.date);
        }
        (i, d)
    });

    Dates {
        published: published.map(|(_, d)| d.date),
        updated,
        hijri,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The markers found at once are where each list's reverse searchers find their last one:
    /// markers inside others (`update` in `updated`, `نشر` in `بتاريخ نشر`), side by side,
    /// none, and each list alone.
    #[test]
    fn the_last_markers_are_the_reverse_searchers_last() {
        use memchr::memmem::FinderRev;
        let last = |marks: &[&str], text: &str| {
            marks
                .iter()
                .filter_map(|m| FinderRev::new(m.as_bytes()).rfind(text))
                .max()
        };
        let words = [
            "نشر في",
            "updated",
            "آخر تعديل",
            "تاريخ الخبر",
            "date",
            "محدّث",
            "العدد",
            "نص",
            "الخميس،",
            "updatedate",
            "بتاريخ نشر",
            "posted",
            "modified",
            "3",
            "|",
        ];
        for a in words {
            for b in words {
                for c in ["", " تحديث ", " nothing "] {
                    let text = format!("{a} {b}{c}");
                    assert_eq!(
                        last_marks(&text),
                        (last(&PUBLISHED, &text), last(&UPDATED, &text)),
                        "{text}"
                    );
                }
            }
        }
    }

    /// Regression: a date after a letter whose lower case is longer in bytes (Ⱥ → ⱥ) made the
    /// marker search slice inside a character and panic (found by tests/properties.rs).
    fn dates_of(text: &str) -> Dates {
        let lines = super::super::lines::split_leaked(text);
        choose(&lines, Some(0), (lines.len() - 1, lines.len()), &|_| false)
    }

    fn text(d: Option<Date>) -> Option<String> {
        d.map(|d| d.to_string())
    }

    /// Regression: an update clock after the date was taken as the publication time, and the
    /// zone printed with it was dropped (issue 11, item 4).
    #[test]
    fn update_clock_after_the_date_is_the_updates() {
        let d =
            dates_of("عنوان الخبر هنا\nالإثنين، 6 أيار/مايو 2019، آخر تحديث 18:05 (GMT+0200)\nنص");
        assert_eq!(text(d.published).as_deref(), Some("2019-05-06"));
        assert_eq!(text(d.updated).as_deref(), Some("2019-05-06T18:05+02:00"));
        // The issue's own line.
        let d =
            dates_of("عنوان الخبر هنا\nالخميس، 3 تموز/يوليو 2014، آخر تحديث 09:30 (GMT+0300)\nنص");
        assert_eq!(text(d.published).as_deref(), Some("2014-07-03"));
        assert_eq!(text(d.updated).as_deref(), Some("2014-07-03T09:30+03:00"));
    }

    /// Regression: a clock line over a date line was not read at all.
    #[test]
    fn clock_and_date_on_two_lines() {
        let d = dates_of("عنوان الخبر هنا\n١٠:٣٠\nالأحد ٧ / ٠٧ / ٢٠١٩\nنص");
        assert_eq!(text(d.published).as_deref(), Some("2019-07-07T10:30"));
        let d = dates_of("عنوان الخبر هنا\nGMT ٠٨:٤٥\nالأحد ٧ / ٠٧ / ٢٠١٩\nنص");
        assert_eq!(text(d.published).as_deref(), Some("2019-07-07T08:45+00:00"));
    }

    #[test]
    fn case_mapping_before_a_date_is_harmless() {
        let line = Line::new("ȺȺȺ نشر في 3 نيسان 2019").unwrap();
        let r = roles(&line);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].1, Role::Published);
    }
}
