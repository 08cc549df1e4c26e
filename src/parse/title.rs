//! The headline, the kicker above it, and the image captions under it.
//!
//! A page prints its headline several ways: in the `<title>` line with the site's name, as the
//! in-page heading (with its quotes), glued to itself, prefixed with the site's name. Those
//! copies, the page-title line and closeness to the body are the evidence; no site's layout is
//! assumed.

use std::borrow::Cow;

use super::lexicon::LEXICON;
use super::lines::Line;
use super::ranking::{self, Points};
use super::weights::{
    MAX_TITLE_CANDIDATES, TITLE_COPIES, TITLE_FIRST, TITLE_FOUR_WORDS, TITLE_IN_LIST,
    TITLE_IS_PAGE_TITLE,
};
use super::word_set::WordSet;

/// The site-name suffix of a page-title line (`عنوان الخبر - اليوم السابع`).
pub struct PageTitle {
    pub head: String,
    pub head_compact: String,
    pub site: Option<String>,
}

const SEPARATORS: [&str; 7] = [" - ", " – ", " — ", " | ", " :: ", " ـ ", " « "];

/// Splits the site's name off the first line. A tail counts as the site's name only when the
/// page names that site elsewhere too (or it is a known publisher): `مصر - إصابات جديدة` is a
/// headline with a dash, not a site called `إصابات جديدة`.
pub fn page_title(first: &Line, lines: &[Line]) -> PageTitle {
    let text = first.text;
    let named_elsewhere = |site: &str| {
        let k = super::text::key(site);
        let finder = memchr::memmem::Finder::new(&k);
        LEXICON.publication(site).is_some()
            || lines.iter().skip(1).any(|l| {
                finder.find(l.key.as_bytes()).is_some() && !line_is_copy_of(first.compact(), l)
            })
    };
    if let Some(shown) = shown_part(text, lines, &named_elsewhere) {
        return shown;
    }
    // The last separator: the rightmost space one starts at.
    let split = memchr::memrchr_iter(b' ', text.as_bytes())
        .find_map(|at| separator_at(text, at).map(|sep| (at, sep.len())))
        .map(|(at, len)| (text[..at].trim(), text[at + len..].trim()))
        .filter(|(head, tail)| {
            let tail_words = super::text::words(tail).count();
            (1..=5).contains(&tail_words)
                && super::text::words(head).count() >= 2
                && named_elsewhere(tail)
        });
    match split {
        Some((head, site)) => PageTitle {
            head: head.to_string(),
            head_compact: super::text::compact_key(head),
            site: Some(site.to_string()),
        },
        None => PageTitle {
            head: text.to_string(),
            head_compact: first.compact().to_string(),
            site: None,
        },
    }
}

/// The separator that starts at `text[at..]`, if one does (none is another's prefix).
fn separator_at(text: &str, at: usize) -> Option<&'static str> {
    SEPARATORS
        .into_iter()
        .find(|sep| text[at..].starts_with(sep))
}

/// The separators of a page-title line, as `(start, end)` byte ranges, in order: each one's
/// matches as `match_indices` finds them (left to right, not overlapping one another), found by
/// trying the spaces only, where every separator starts (a `str` search a separator built a
/// searcher for each, ≈ 1,000 instructions a dump).
fn separators(text: &str) -> Vec<(usize, usize)> {
    let mut ends = [0; SEPARATORS.len()];
    let mut out = Vec::new();
    for at in memchr::memchr_iter(b' ', text.as_bytes()) {
        for (end, sep) in ends.iter_mut().zip(SEPARATORS) {
            if at >= *end && text[at..].starts_with(sep) {
                *end = at + sep.len();
                out.push((at, *end));
            }
        }
    }
    out.sort_unstable();
    out.dedup_by(|b, a| b.0 < a.1);
    out
}

/// General form: a `<title>` that wraps the headline shown on the page in site and section
/// names, before (`Site - SECTION - HEADLINE`) or after it (`HEADLINE - SECTION - SECTION -
/// SITE`). The longest run of its parts, from either end, that the page prints as a line of its
/// own (of three words or more: a menu word is not a headline) is the headline; the part at the
/// other end is the site when the page names it elsewhere.
fn shown_part(
    text: &str,
    lines: &[Line],
    named_elsewhere: &dyn Fn(&str) -> bool,
) -> Option<PageTitle> {
    let seps = separators(text);
    if seps.is_empty() {
        return None;
    }
    let printed = |compact: &str| lines.iter().skip(1).any(|l| l.compact_is(compact));
    let mut best: Option<(usize, &str, &str)> = None;
    for &(a, b) in &seps {
        // The headline first (`HEADLINE - …`), then last (`… - HEADLINE`).
        for (head, rest, site) in [
            (
                &text[..a],
                &text[b..],
                text[seps[seps.len() - 1].1..].trim(),
            ),
            (&text[b..], &text[..a], text[..seps[0].0].trim()),
        ] {
            let head = head.trim();
            if super::text::words(head).count() < 3 || rest.trim().is_empty() {
                continue;
            }
            let compact = super::text::compact_key(head);
            if best.is_none_or(|(n, _, _)| head.len() > n) && printed(&compact) {
                best = Some((head.len(), head, site));
            }
        }
    }
    let (_, head, site) = best?;
    Some(PageTitle {
        head: head.to_string(),
        head_compact: super::text::compact_key(head),
        site: (!site.is_empty() && named_elsewhere(site)).then(|| site.to_string()),
    })
}

/// A line that only names the site: `العرب اليوم -`, `almaghribtoday`, `إرم نيوز`.
pub fn is_site_line(line: &Line, site: Option<&str>) -> bool {
    // The dashes matched as characters, and the site's name folded only as far as the line's
    // key is long, into no new string: asked of every line above the text.
    let t = line
        .text
        .trim_end_matches(['-', 'ـ', '–', '—', ':', '|', ' ']);
    (t.len() < line.text.len() && line.words <= 4 && !t.is_empty())
        || line.publication.is_some()
        || site.is_some_and(|s| {
            super::text::with_key_at_most(s, line.key.len(), |k| k == line.key) == Some(true)
        })
}

/// How the title is printed on the page, and where.
pub struct Title {
    /// The line the headline ends on (the header starts under it).
    pub index: usize,
    /// The line it starts on: above `index` when the page splits it over two lines.
    pub top: usize,
    pub text: String,
    pub compact: String,
}

impl Title {
    /// Whether `line` is one more copy of the title: as is, glued to itself, or with the site's
    /// name before or after it.
    pub fn is_copy(&self, line: &Line) -> bool {
        line_is_copy_of(&self.compact, line)
    }
}

/// [`is_copy_of`] for a line's compact key, not made when its length rules a copy out (what
/// is left of a copy past the title is the title again or at most 25 characters) or when it
/// neither starts nor ends with the title.
pub fn line_is_copy_of(title: &str, line: &Line) -> bool {
    let n = line.compact_len();
    n >= title.len()
        && n - title.len() <= title.len().max(25 * 4)
        && line.compact_has_end(title)
        && is_copy_of(title, line.compact())
}

pub fn is_copy_of(title: &str, line: &str) -> bool {
    if title.len() < 8 || line.len() < title.len() {
        return false;
    }
    if line == title {
        return true;
    }
    let rest = if let Some(r) = line.strip_prefix(title) {
        r
    } else if let Some(r) = line.strip_suffix(title) {
        r
    } else {
        return false;
    };
    rest == title || rest.chars().count() <= 25
}

/// Picks the title among the lines before the body.
pub fn find(lines: &[Line], body_start: usize, page: &PageTitle, body: &[Line]) -> Option<Title> {
    if let Some(split) = split_headline(lines, body_start, page) {
        return Some(split);
    }
    let lists = list_items(lines, body_start);
    // Copies of a title are at least as long as it and at most twice as long plus a site's
    // name: sorting lines by length keeps the search for them from comparing every pair.
    let mut by_len: Vec<&Line> = lines.iter().collect();
    by_len.sort_unstable_by_key(|l| l.compact_len());
    let count_copies = |c: &str| {
        let lo = by_len.partition_point(|l| l.compact_len() < c.len());
        let hi = by_len.partition_point(|l| l.compact_len() <= 2 * c.len() + 100);
        by_len[lo..hi]
            .iter()
            .filter(|l| line_is_copy_of(c, l))
            .count()
    };
    // The headline sits near the text: only the lines just above it (and the page title) are
    // candidates, so a huge page costs no more than a normal one.
    let first_candidate = body_start.saturating_sub(MAX_TITLE_CANDIDATES);
    // The page title is most often its first line whole, which the scan has folded and counted
    // (`lines`' proptest holds a line's key and words to `key` and `words` of its text).
    let whole = lines.first().filter(|l| l.text == page.head);
    let head_key = whole.map_or_else(
        || Cow::Owned(super::text::key(&page.head)),
        |l| l.key.into(),
    );
    let candidates: Vec<Candidate> = lines
        .iter()
        .enumerate()
        .take(body_start)
        .filter(|&(i, line)| {
            if i == 0 {
                page.site.is_some() || line.headline_like()
            } else {
                i >= first_candidate
                    && line.headline_like()
                    && !is_site_line(line, page.site.as_deref())
                    && super::dateline::header(line).is_none()
                    && super::dateline::byline(line).is_none()
            }
        })
        .map(|(i, line)| {
            // A line's `words` is the count `text::words` gives of its text (the scanner's, held
            // to it by `lines`' tests): counted again, ≈ 1,900 instructions a candidate.
            let (text_words, key, compact) = if i == 0 {
                (
                    whole.map_or_else(|| super::text::words(&page.head).count(), |l| l.words),
                    &*head_key,
                    page.head_compact.as_str(),
                )
            } else {
                (line.words, line.key, line.compact())
            };
            let words = super::text::key_words(key)
                .filter(|w| w.chars().count() >= 3)
                .collect();
            Candidate {
                index: i,
                text_words,
                compact,
                words,
            }
        })
        .filter(|c| c.compact.chars().count() >= 6)
        .collect();
    // Each candidate's points but for the share of its words the text uses, which adds 0 to 1:
    // the text's words are looked up only when that share can change which candidate wins
    // (the set built and the body's words looked up were ≈ 6.9 M of the parser's 111.5 M
    // instructions for 200 dumps, notes/parser-bench.md, session 34).
    let points: Vec<Points> = candidates
        .iter()
        .enumerate()
        .map(|(k, c)| {
            let (i, compact) = (c.index, c.compact);
            let copies =
                count_copies(compact) + usize::from(i != 0 && compact == page.head_compact);
            let mut before = 0.0;
            if copies >= 2 {
                before += TITLE_COPIES;
            }
            if i == 0 && page.site.is_some() || i != 0 && compact == page.head_compact {
                before += TITLE_IS_PAGE_TITLE;
            }
            if c.text_words >= 4 {
                before += TITLE_FOUR_WORDS;
            }
            let after = if lists.contains(&i) {
                TITLE_IN_LIST
            } else if k == 0 {
                // Pages print the headline before captions and datelines.
                TITLE_FIRST
            } else {
                0.0
            };
            Points { before, after }
        })
        .collect();
    let winner = ranking::clear_winner(&points).or_else(|| {
        // Which candidates' words the body uses, bare or after `ال`: one pass over the body.
        let wanted = WordSet::new(candidates.iter().flat_map(|c| {
            c.words
                .iter()
                .flat_map(|w| [*w, w.strip_prefix("ال").unwrap_or(w)])
        }));
        let found = wanted.found_in(body.iter().map(|l| (l.key, l.hashes)));
        let in_body = |w: &str| wanted.get(w).is_some_and(|i| found[i]);
        ranking::by_score(&points, |k| {
            ranking::coherence(&candidates[k].words, in_body)
        })
    })?;
    let (index, compact) = (
        candidates[winner].index,
        candidates[winner].compact.to_string(),
    );
    // The printed form: the in-page copy with the most quote marks (the `<title>` line and
    // glued copies often drop them), nearest the body on a tie.
    let printed = lines
        .iter()
        .enumerate()
        .take(body_start)
        .skip(1)
        .filter(|(_, l)| l.compact_is(&compact))
        .max_by_key(|(i, l)| (l.text.chars().filter(|c| is_quote(*c)).count(), *i));
    Some(match printed {
        Some((i, l)) => Title {
            index: i,
            top: i,
            text: l.text.to_string(),
            compact,
        },
        None => Title {
            index,
            top: index,
            text: if index == 0 {
                page.head.clone()
            } else {
                lines[index].text.to_string()
            },
            compact,
        },
    })
}

/// General form: a headline the page prints over two lines, whose halves together are the
/// `<title>`'s headline. The record takes it whole, from the page title.
fn split_headline(lines: &[Line], body_start: usize, page: &PageTitle) -> Option<Title> {
    let head = page.head_compact.as_str();
    if super::text::words(&page.head).count() < 4 {
        return None;
    }
    let region = lines.get(1..body_start)?;
    if region.iter().any(|l| l.compact_is(head)) {
        return None;
    }
    let i = region.windows(2).position(|w| {
        w[0].compact_len() != 0
            && w[1].compact_len() != 0
            && w[0].compact_len() + w[1].compact_len() == head.len()
            && head.starts_with(w[0].compact())
            && head.ends_with(w[1].compact())
    })? + 1;
    Some(Title {
        index: i + 1,
        top: i,
        text: page.head.clone(),
        compact: page.head_compact.clone(),
    })
}

fn is_quote(c: char) -> bool {
    matches!(c, '"' | '«' | '»' | '“' | '”' | '\'')
}

/// A line that may be the headline.
struct Candidate<'a> {
    index: usize,
    /// How many words its text has ([`super::text::words`]).
    text_words: usize,
    compact: &'a str,
    /// Its folded words of three letters or more.
    words: Vec<&'a str>,
}

/// Lines that belong to a list (menu, ticker, related headlines): five or more headline-like
/// lines in a row, or three with dates or clock stamps among them.
fn list_items(lines: &[Line], end: usize) -> rustc_hash::FxHashSet<usize> {
    let mut out = rustc_hash::FxHashSet::default();
    let mut start = 0;
    while start < end {
        let mut i = start;
        let (mut heads, mut stamps, mut last_stamp) = (0, 0, start);
        while i < end && (lines[i].headline_like() || lines[i].stamp || lines[i].date_line) {
            if lines[i].headline_like() {
                heads += 1;
            } else {
                stamps += 1;
                last_stamp = i;
            }
            i += 1;
        }
        if heads >= 3 && stamps >= 2 {
            // A dated list ends with its last date: the headline right under it is not an item.
            out.extend(start..=last_stamp);
        } else if heads >= 5 {
            out.extend(start..i);
        }
        start = i + 1;
    }
    out
}

/// The kicker printed just above the title (`هدنة مؤقتة من التصريحات النارية …`).
pub fn subtitle(lines: &[Line], title: &Title, site: Option<&str>) -> Option<String> {
    let mut above = (1..title.top)
        .rev()
        .filter(|&j| !is_site_line(&lines[j], site));
    let j = above.next()?;
    let line = &lines[j];
    if !line.headline_like() || line.words < 4 || title.is_copy(line) {
        return None;
    }
    // One headline over another is a ticker or a list, not a kicker.
    if let Some(k) = above.next()
        && k != 0
        && lines[k].headline_like()
    {
        return None;
    }
    Some(line.text.to_string())
}

/// Image captions between the title and the body: the first headline-like line under the
/// title (past stamps and credits), and the one just above the dateline.
pub fn captions(
    lines: &[Line],
    title: &Title,
    body_start: usize,
    dateline: Option<usize>,
    site: Option<&str>,
) -> Vec<String> {
    // `المغرب اليوم - واشنطن وموسكو تبحثان …`: the site's name before a (cut) title.
    let site_led = |l: &Line| {
        // A dash alone is a word no longer than the four dashes together (9 bytes): the
        // length turns most words away before the substring search.
        let lead = l
            .text
            .split([' '])
            .take_while(|w| !(w.len() <= 9 && "-ـ–—".contains(*w)))
            .collect::<Vec<_>>()
            .join(" ");
        lead.len() < l.text.len()
            && (super::dateline::publication_named(&lead, site).is_some() || {
                let lead = super::text::key(&lead);
                lines[..title.index]
                    .iter()
                    .any(|s| is_site_line(s, site) && s.key == lead)
            })
    };
    // The cheap questions first (all of them must hold).
    let is_caption = |l: &Line| {
        l.headline_like()
            && l.words >= 3
            && l.words <= 20
            && !title.is_copy(l)
            && !is_site_line(l, site)
            && !site_led(l)
            && super::dateline::header(l).is_none()
            && super::dateline::byline(l).is_none()
            && LEXICON.agency_by_key(l.key).is_none()
    };
    let mut out: Vec<String> = Vec::new();
    for l in &lines[title.index + 1..body_start] {
        if l.stamp || l.credit || l.date_line || is_site_line(l, site) || title.is_copy(l) {
            continue;
        }
        if is_caption(l) {
            out.push(strip_credit(l.text));
        }
        break;
    }
    if let Some(d) = dateline
        && d > title.index + 1
        && is_caption(&lines[d - 1])
    {
        let c = strip_credit(lines[d - 1].text);
        if !out.contains(&c) {
            out.push(c);
        }
    }
    out
}

/// Drops a Latin photo-agency tag after an Arabic caption (`… كارتر afp_tickers`).
fn strip_credit(text: &str) -> String {
    let mut words: Vec<&str> = text.split(' ').collect();
    while words.len() > 1
        && words
            .last()
            .is_some_and(|w| w.is_ascii() && w.chars().any(|c| c.is_ascii_alphabetic()))
    {
        words.pop();
    }
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The separators found from the spaces are the ones a search for each finds: the last,
    /// and all of them in order with one separator's overlapping matches left out.
    #[test]
    fn separators_are_found_from_the_spaces() {
        for text in [
            " | - - ",
            " - - - x",
            "أ - ب – ج — د | هـ :: و ـ ز « ح",
            "مصر -- أخبار - | اليوم",
            "بلا فاصل",
        ] {
            let last = SEPARATORS.iter().filter_map(|sep| text.rfind(sep)).max();
            let found = memchr::memrchr_iter(b' ', text.as_bytes())
                .find(|&at| separator_at(text, at).is_some());
            assert_eq!(found, last, "{text}");
            let mut all: Vec<(usize, usize)> = SEPARATORS
                .iter()
                .flat_map(|sep| text.match_indices(sep).map(|(at, s)| (at, at + s.len())))
                .collect();
            all.sort_unstable();
            all.dedup_by(|b, a| b.0 < a.1);
            assert_eq!(separators(text), all, "{text}");
        }
    }

    #[test]
    fn copies_of_a_title() {
        let t = super::super::text::compact_key("روسيا وأمريكا تفشلان في التوصل لخطة");
        let c = |s: &str| is_copy_of(&t, &super::super::text::compact_key(s));
        assert!(c("روسيا وأمريكا تفشلان في التوصل لخطة"));
        assert!(c(
            "روسيا وأمريكا تفشلان في التوصل لخطةروسيا وأمريكا تفشلان في التوصل لخطة"
        ));
        assert!(c("العرب اليوم - روسيا وأمريكا تفشلان في \"التوصل\" لخطة"));
        assert!(!c("روسيا وأمريكا تفشلان"));
    }

    #[test]
    fn page_title_suffix() {
        let l = Line::new("مصر تسجل 30 إصابة جديدة - Sputnik Arabic").unwrap();
        let footer = Line::new("© 2020 Sputnik Arabic").unwrap();
        let p = page_title(&l, &[l.clone(), footer]);
        assert_eq!(p.head, "مصر تسجل 30 إصابة جديدة");
        assert_eq!(p.site.as_deref(), Some("Sputnik Arabic"));
    }

    fn page(text: &str) -> (PageTitle, Vec<Line<'static>>) {
        let lines = super::super::lines::split_leaked(text);
        (page_title(&lines[0], &lines), lines)
    }

    /// Regression: `HEADLINE - SECTION - SECTION - SITE` kept its sections in the title.
    #[test]
    fn section_suffixes_leave_the_page_title() {
        let (p, _) = page(
            "وزير النقل يفتتح جسرا جديدا فوق النهر - محليات - أخبار اليوم - صوت المدينة\nصوت المدينة\nوزير النقل يفتتح جسرا جديدا فوق النهر\nنص",
        );
        assert_eq!(p.head, "وزير النقل يفتتح جسرا جديدا فوق النهر");
        assert_eq!(p.site.as_deref(), Some("صوت المدينة"));
    }

    /// Regression: a Latin site name before the sections (`Site - SECTION - HEADLINE`).
    #[test]
    fn latin_site_prefix_leaves_the_page_title() {
        let (p, _) = page(
            "Sawt Almadina - اقتصاد - ارتفاع أسعار الذهب في الأسواق المحلية\nارتفاع أسعار الذهب في الأسواق المحلية\n© Sawt Almadina",
        );
        assert_eq!(p.head, "ارتفاع أسعار الذهب في الأسواق المحلية");
        assert_eq!(p.site.as_deref(), Some("Sawt Almadina"));
    }

    #[test]
    fn a_headline_split_over_two_lines_is_taken_whole() {
        let (p, lines) = page(
            "افتتاح المعرض الدولي للكتاب بمشاركة مئتي دار نشر\nافتتاح المعرض الدولي للكتاب\nبمشاركة مئتي دار نشر\nنص",
        );
        let t = split_headline(&lines, 3, &p).expect("the two halves");
        assert_eq!(t.text, "افتتاح المعرض الدولي للكتاب بمشاركة مئتي دار نشر");
        assert_eq!((t.top, t.index), (1, 2));
    }

    #[test]
    fn credit_tags_leave_captions() {
        assert_eq!(
            strip_credit("وزير الدفاع الاميركي اشتون كارتر afp_tickers"),
            "وزير الدفاع الاميركي اشتون كارتر"
        );
    }
}
