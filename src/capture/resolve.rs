//! Where a page's metadata and the parser's reading of its text disagree, who is right.
//!
//! The parser reads the page's visible text like any dump; the metadata ([`Metadata`]) is
//! then used only where it agrees with that page:
//! - **title**: a metadata headline (JSON-LD, `og:title`, `<h1>`…), with a trailing site name
//!   cut off, wins over the parser's title when it is a whole line of the page (not the
//!   `<title>` line): the page shows it as a headline. A headline the page never shows is
//!   ignored.
//! - **published**: a metadata date wins over a text date (it is written for machines and
//!   carries the zone), with three exceptions. A date the capture disproves (later than the
//!   WARC record's date) or before the web is ignored. A date without a time on the same
//!   day as the text's dated time keeps the text's time. And when the text's time and the
//!   metadata's are the same instant seen from a zone (a whole number of quarter hours
//!   apart, 14 hours at most), the page's own local time is kept with that zone: the date
//!   a reader of the page saw, and the instant it was.
//!   A metadata date more than a day from the text's is still taken, with a warning.
//! - **updated**: a metadata modification date later than the publication wins.
//! - **author**: a metadata name fills an empty byline when the page shows it where bylines
//!   stand, between the headline and the text, and it is not a web address nor holds the
//!   publisher's name or the dateline's place (sites put their name, or a whole dateline,
//!   in `<meta name=author>`, and WordPress the account that posted the story in a hidden
//!   author card).
//! - **publication**: the parser's (the site's name as the page shows it, through the
//!   lexicon) stays; metadata fills it when the parser found none.
//! - **body**, place, agency: the text's alone.

use super::metadata::Metadata;
use crate::parse::{Article, Date, Warning};

/// Earliest year a metadata date may name: before it, it is a placeholder (`1970-01-01`).
const FIRST_YEAR: i32 = 1995;

/// Brings what the metadata knows into `a`, the parser's record of the page's `text`.
/// `captured` is when the page was fetched, if known.
pub fn apply(a: &mut Article, text: &str, m: &Metadata, captured: Option<&Date>) {
    let lines = Lines::new(text);
    let sites: Vec<String> = m
        .publishers
        .iter()
        .chain(a.publication.as_ref())
        .map(|s| key(s))
        .filter(|k| !k.is_empty())
        .collect();
    title(a, &lines, m, &sites);
    dates(a, m, captured);
    author(a, &lines, m, &sites);
    if a.publication.is_none() {
        a.publication = m
            .publishers
            .iter()
            .find(|p| !p.contains("://") && p.chars().count() <= 80)
            .cloned();
    }
}

/// The page's non-empty lines, each compared by [`key`] only when its length makes a match
/// possible: keying every line of a long page for every candidate costs more than the parse.
struct Lines<'a> {
    lines: Vec<&'a str>,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        Lines {
            lines: text
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect(),
        }
    }

    /// The index of the first line after the `<title>` line (line 0) whose key is `k`.
    fn find(&self, k: &str, from: usize) -> Option<usize> {
        self.lines
            .iter()
            .enumerate()
            .skip(from.max(1))
            .find(|(_, l)| could_be(l, k) && key(l) == k)
            .map(|(i, _)| i)
    }
}

/// Whether a line of `line.len()` bytes may have the key `k`: keys drop punctuation and
/// spacing, never letters, so the line is at least as long and not many times longer.
fn could_be(line: &str, k: &str) -> bool {
    line.len() >= k.len() && line.len() <= k.len() * 2 + 16
}

fn title(a: &mut Article, lines: &Lines, m: &Metadata, sites: &[String]) {
    let current = key(&a.title);
    for headline in &m.headlines {
        let cut = without_site(headline, sites);
        let k = key(cut);
        if k.split(' ').count() < 2 {
            continue;
        }
        if k == current || key(headline) == current {
            return;
        }
        // Line 0 is the page's `<title>`, which holds the site name and SEO words: a headline
        // only it shows is not the page's headline.
        if let Some(i) = lines.find(&k, 1) {
            a.title = lines.lines[i].to_string();
            a.body.retain(|p| key(p) != k);
            return;
        }
    }
}

/// `headline` without a trailing ` - site name` (or `|`, `–`, `—`, `:`), when the part cut
/// is one of the site's names.
fn without_site<'a>(headline: &'a str, sites: &[String]) -> &'a str {
    for sep in [" - ", " | ", " – ", " — ", " :: ", " : ", " « ", " » "] {
        if let Some((head, tail)) = headline.rsplit_once(sep)
            && sites.contains(&key(tail))
        {
            return head.trim();
        }
    }
    headline.trim()
}

fn dates(a: &mut Article, m: &Metadata, captured: Option<&Date>) {
    let plausible = |s: &&Date| {
        s.year() >= FIRST_YEAR && captured.is_none_or(|c| s.day_number() <= c.day_number() + 1)
    };
    if let Some(meta) = m.published.iter().find(plausible).map(|s| s.to_minute()) {
        let chosen = match a.published {
            None => meta,
            Some(t) => {
                if (meta.day_number() - t.day_number()).abs() > 1 {
                    a.warnings.push(Warning::dates_disagree(meta, t));
                }
                reconcile(meta, t)
            }
        };
        a.published = Some(chosen);
        a.warnings.retain(|w| !w.code.is_about_publication_date());
    }
    let published = a.published;
    if let Some(modified) = m.modified.iter().find(plausible).map(|s| s.to_minute()) {
        let later = published.is_none_or(|p| match (modified.instant(), p.instant()) {
            (Some(mi), Some(pi)) => mi > pi,
            _ => modified.wall() > p.wall(),
        });
        if later {
            a.updated = Some(modified);
        }
    }
}

/// One publication date from the metadata's and the text's (see the module's rules).
fn reconcile(meta: Date, text: Date) -> Date {
    match (meta.clock(), text.clock(), meta.offset()) {
        (None, Some(_), _) if meta.day_number() == text.day_number() => text,
        (Some(_), Some(_), Some(zone)) if text.offset().is_none() => {
            // The text's printed clock less the metadata's instant: the page's zone, when
            // both are the same moment.
            let seconds = text.wall_since(&meta).as_secs() + i64::from(zone.seconds());
            let minutes = seconds / 60;
            if seconds % 900 == 0 && minutes.abs() <= 14 * 60 {
                text.in_zone(minutes as i32).unwrap_or(meta)
            } else {
                meta
            }
        }
        _ => meta,
    }
}

fn author(a: &mut Article, lines: &Lines, m: &Metadata, sites: &[String]) {
    if a.author.is_some() || a.agency.is_some() {
        return;
    }
    // Where a byline stands: between the headline and the text. A name only in the page's
    // furniture (a hidden author card under the text, a list of writers) is not this
    // article's byline.
    let start = lines.find(&key(&a.title), 1).map_or(1, |i| i + 1);
    let end = a
        .body
        .first()
        .and_then(|p| lines.find(&key(p), start))
        .unwrap_or(lines.lines.len());
    let header: Vec<String> = lines.lines[start.min(end)..end]
        .iter()
        .map(|l| key(l))
        .collect();
    // `(أبوظبي - البيان)`: a place and the paper, a dateline in the author field.
    let place = a.place.as_deref().map(key).filter(|k| !k.is_empty());
    let not_a_person = |k: &str| {
        let words = format!(" {k} ");
        sites
            .iter()
            .chain(place.as_ref())
            .any(|s| words.contains(&format!(" {s} ")))
    };
    a.author = m
        .authors
        .iter()
        .filter(|n| !n.contains("://") && !n.starts_with("www.") && n.chars().count() <= 80)
        .find(|n| {
            let k = key(n);
            !k.is_empty() && !not_a_person(&k) && header.iter().any(|l| l.contains(&k))
        })
        .map(|n| {
            n.trim_matches(|c: char| c.is_whitespace() || "()[]".contains(c))
                .to_string()
        });
}

/// A comparison form: letters and digits of any script, lower-cased, every other run one
/// space; Arabic vowel marks dropped. Quotes, punctuation, spacing and vocalisation differ
/// between a page's tags and its text.
fn key(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let arabic_mark =
            matches!(c, '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{06D6}'..='\u{06ED}');
        if arabic_mark {
            continue;
        }
        // The Arabic block's letters and digits without the Unicode table walk.
        let letter = matches!(c, '\u{0621}'..='\u{064A}' | '\u{0660}'..='\u{0669}' | '\u{0671}'..='\u{06D3}')
            || c.is_ascii_alphanumeric()
            || (!c.is_ascii() && c.is_alphanumeric());
        if letter {
            if c.is_ascii() {
                out.push(c.to_ascii_lowercase());
            } else {
                out.extend(c.to_lowercase());
            }
        } else if !out.is_empty() && !out.ends_with(' ') {
            out.push(' ');
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "الحكومة تقر خطة - صوت الريف\n\nالرئيسية\n\nالحكومة تقر خطة جديدة لدعم المزارعين\n\nبقلم سامر خليل\n\nأقرت الحكومة اليوم خطة.\n";

    fn article() -> Article {
        Article {
            title: "الرئيسية".into(),
            publication: Some("صوت الريف".into()),
            body: vec![
                "الحكومة تقر خطة جديدة لدعم المزارعين".into(),
                "أقرت الحكومة اليوم خطة.".into(),
            ],
            ..Article::default()
        }
    }

    fn meta() -> Metadata {
        Metadata {
            publishers: vec!["صوت الريف".into()],
            ..Metadata::default()
        }
    }

    fn stamps(s: &[&str]) -> Vec<Date> {
        s.iter().map(|s| Date::parse(s).unwrap()).collect()
    }

    fn date(s: &str) -> Option<Date> {
        Some(Date::parse(s).unwrap())
    }

    #[test]
    fn a_headline_the_page_shows_wins_with_the_site_name_cut() {
        let mut a = article();
        let m = Metadata {
            headlines: vec!["الحكومة تقر خطة جديدة لدعم المزارعين | صوت الريف".into()],
            ..meta()
        };
        apply(&mut a, TEXT, &m, None);
        assert_eq!(a.title, "الحكومة تقر خطة جديدة لدعم المزارعين");
        assert_eq!(a.body, ["أقرت الحكومة اليوم خطة."]);
    }

    #[test]
    fn a_headline_only_in_the_tags_or_the_title_bar_is_ignored() {
        for headline in ["عنوان لا تظهره الصفحة", "الحكومة تقر خطة - صوت الريف"]
        {
            let mut a = article();
            let m = Metadata {
                headlines: vec![headline.into()],
                ..meta()
            };
            apply(&mut a, TEXT, &m, None);
            assert_eq!(a.title, "الرئيسية", "{headline}");
        }
    }

    #[test]
    fn a_metadata_date_wins_and_keeps_its_zone() {
        let mut a = article();
        a.published = date("2021-05-03");
        a.warnings.push(Warning::no_publication_date());
        let m = Metadata {
            published: stamps(&["2021-05-02T10:00:41+03:00"]),
            ..meta()
        };
        apply(&mut a, TEXT, &m, None);
        assert_eq!(a.published, date("2021-05-02T10:00+03:00"));
        assert!(a.warnings.is_empty(), "{:?}", a.warnings);
    }

    #[test]
    fn the_same_instant_keeps_the_pages_local_time() {
        let mut a = article();
        a.published = date("2020-04-24T21:22");
        let m = Metadata {
            published: stamps(&["2020-04-24T18:22:07Z"]),
            ..meta()
        };
        apply(&mut a, TEXT, &m, None);
        assert_eq!(a.published, date("2020-04-24T21:22+03:00"));
    }

    #[test]
    fn a_dated_time_in_the_text_completes_a_bare_metadata_date() {
        let mut a = article();
        a.published = date("2020-11-09T18:34");
        let m = Metadata {
            published: stamps(&["2020-11-09"]),
            ..meta()
        };
        apply(&mut a, TEXT, &m, None);
        assert_eq!(a.published, date("2020-11-09T18:34"));
    }

    #[test]
    fn dates_the_capture_or_the_calendar_disprove_are_ignored() {
        let mut a = article();
        let m = Metadata {
            published: stamps(&["2031-01-01", "1970-01-01", "2020-06-01T08:00Z"]),
            modified: stamps(&["2020-06-01T09:30Z"]),
            ..meta()
        };
        apply(&mut a, TEXT, &m, date("2021-01-01T00:00:00Z").as_ref());
        assert_eq!(a.published, date("2020-06-01T08:00+00:00"));
        assert_eq!(a.updated, date("2020-06-01T09:30+00:00"));
    }

    #[test]
    fn far_apart_dates_warn() {
        let mut a = article();
        a.published = date("2019-01-01");
        let m = Metadata {
            published: stamps(&["2020-06-01"]),
            ..meta()
        };
        apply(&mut a, TEXT, &m, None);
        assert_eq!(a.published, date("2020-06-01"));
        assert_eq!(a.warnings[0].code, crate::parse::WarningCode::DateConflict);
    }

    #[test]
    fn an_author_the_page_shows_fills_an_empty_byline() {
        let headed = || Article {
            title: "الحكومة تقر خطة جديدة لدعم المزارعين".into(),
            body: vec!["أقرت الحكومة اليوم خطة.".into()],
            ..article()
        };
        let m = Metadata {
            authors: vec![
                "https://facebook.com/x".into(),
                "صوت الريف".into(),
                "ليلى".into(),
                "سامر خليل".into(),
            ],
            ..meta()
        };
        let mut a = headed();
        apply(&mut a, TEXT, &m, None);
        assert_eq!(a.author.as_deref(), Some("سامر خليل"));
        let under = format!("{TEXT}\nليلى حسن\n");
        let mut c = headed();
        let only_under = Metadata {
            authors: vec!["ليلى حسن".into()],
            ..meta()
        };
        apply(&mut c, &under, &only_under, None);
        assert_eq!(c.author, None, "a name under the text is not a byline");
        let dateline = Metadata {
            authors: vec!["(بيروت - صوت الريف)".into()],
            ..meta()
        };
        let mut d = headed();
        d.place = Some("بيروت".into());
        apply(
            &mut d,
            &TEXT.replace("بقلم سامر خليل", "(بيروت - صوت الريف)"),
            &dateline,
            None,
        );
        assert_eq!(d.author, None, "a dateline is not a byline");
        let mut b = headed();
        b.agency = Some("رويترز".into());
        apply(&mut b, TEXT, &m, None);
        assert_eq!(b.author, None);
    }

    #[test]
    fn keys_ignore_punctuation_case_and_vowel_marks() {
        assert_eq!(key("«مطَّلع»:  Middle-East EYE!"), "مطلع middle east eye");
        assert_eq!(key("كلٍّ منها"), key("كل منها"));
        assert_eq!(key(" ... "), "");
    }

    #[test]
    fn publication_from_metadata_only_when_missing() {
        let mut a = article();
        a.publication = None;
        apply(
            &mut a,
            TEXT,
            &Metadata {
                publishers: vec!["الريف اليوم".into()],
                ..Metadata::default()
            },
            None,
        );
        assert_eq!(a.publication.as_deref(), Some("الريف اليوم"));
    }
}
