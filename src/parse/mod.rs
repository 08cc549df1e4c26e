//! One dump's bytes to one [`Article`]: pure functions, no file or network I/O, so every rule
//! is testable on a string.
//!
//! The stages: `decode` (bytes to text, whatever the encoding), `lines` (normalised lines with
//! what each one looks like), then the deciders that read those lines: `title`, `dates`,
//! `dateline`, `body`.

mod body;
mod dateline;
pub mod dates;
pub mod decode;
mod lexicon;
mod lines;
mod meta;
mod record;
mod text;
mod title;

pub use record::Article;

use std::collections::HashSet;

use crate::archive::id;
use lexicon::LEXICON;
use lines::Line;

/// Why a dump yields no article.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is binary, not text ({0})")]
    Binary(String),
    #[error("no article found: {0}")]
    NoArticle(String),
}

/// A parsed dump: the record and the decoded text it came from.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub article: Article,
    pub text: String,
}

/// Parses one dump. `source` is the file's name: it gives the record's `source` and `id`.
pub fn parse_dump(bytes: &[u8], source: &str) -> Result<Article, ParseError> {
    parse_file(bytes, source).map(|p| p.article)
}

/// Like [`parse_dump`], keeping the decoded text.
pub fn parse_file(bytes: &[u8], source: &str) -> Result<Parsed, ParseError> {
    let decoded = decode::decode(bytes)?;
    let lines = lines::split(&decoded.text);
    let mut article = read(&lines)?;
    article.id = id::from_file_name(source);
    article.source = source.to_string();
    article.encoding = decoded.encoding.to_string();
    let mut warnings = decoded.notes;
    warnings.append(&mut article.warnings);
    article.warnings = warnings;
    Ok(Parsed {
        article,
        text: decoded.text,
    })
}

/// Reads the article out of a page's lines.
fn read(lines: &[Line]) -> Result<Article, ParseError> {
    let first = lines.first().ok_or(ParseError::Empty)?;
    let page = title::page_title(first, lines);
    let (mut start, end) = choose_region(lines, first, &page)
        .ok_or_else(|| ParseError::NoArticle("no paragraph of running text".into()))?;
    let body_words: HashSet<&str> = lines[start..end]
        .iter()
        .flat_map(|l| l.key.split(' '))
        .collect();
    let title = match title::find(lines, start, &page, &body_words) {
        Some(t) => t,
        // A headline long enough to read as text opens the run: take it, if text follows.
        None if lines[start].headline_like() && end - start >= 2 => {
            start += 1;
            title::Title {
                index: start - 1,
                text: lines[start - 1].text.clone(),
                compact: lines[start - 1].compact.clone(),
            }
        }
        None => return Err(ParseError::NoArticle("no headline above the text".into())),
    };
    let body: Vec<String> = lines[start..end]
        .iter()
        .filter(|l| body::is_paragraph(l) && !title.is_copy(l))
        .map(|l| l.text.clone())
        .collect();
    if body.is_empty() {
        return Err(ParseError::NoArticle(
            "no paragraph under the headline".into(),
        ));
    }
    let site = page.site.as_deref();
    let mut a = Article {
        title: title.text.clone(),
        body,
        ..Article::default()
    };
    a.subtitle = title::subtitle(lines, &title, site);

    // The header: the lines between the headline and the text.
    let header = title.index + 1..start;
    let mut dateline_at = None;
    for i in header.clone() {
        let line = &lines[i];
        if let Some((left, right)) = dateline::header(line) {
            dateline_at = Some(i);
            match dateline::publication_named(&left, site) {
                Some(p) => a.publication = Some(p),
                None => a.place = Some(left),
            }
            if let Some(agency) = LEXICON.agency_exactly(&right) {
                a.agency = Some(agency.to_string());
            } else if let Some(p) = dateline::publication_named(&right, site) {
                a.publication.get_or_insert(p);
            } else {
                a.author = Some(right);
            }
            break;
        }
        if let Some(name) = dateline::byline(line) {
            a.author.get_or_insert(name);
        }
    }
    a.captions = title::captions(lines, &title, start, dateline_at, site);

    let inline = dateline::inline(&a.body[0], site);
    if a.place.is_none() {
        a.place = inline.place;
    }
    if a.publication.is_none() {
        a.publication = inline.publication;
    }
    a.agency = a.agency.take().or_else(|| {
        header
            .clone()
            .find_map(|i| LEXICON.agency_exactly(&lines[i].text))
            .map(String::from)
    });
    a.agency = a
        .agency
        .take()
        .or(inline.agency.map(String::from))
        .or_else(|| {
            // A credit under the text (`--(بترا)`) or closing its last paragraph (`(رويترز)`).
            let after = lines[end..(end + 2).min(lines.len())].iter();
            after
                .map(|l| l.text.as_str())
                .chain(closing_parenthesis(a.body.last()))
                .find_map(|t| LEXICON.agency_exactly(t))
                .map(String::from)
        });
    a.publication = a
        .publication
        .take()
        .or_else(|| publication(lines, &title, &page));

    let dates = meta::choose(lines, Some(title.index), (start, end));
    a.published = dates.published;
    a.updated = dates.updated;
    a.hijri = dates.hijri;

    if a.published.is_none() {
        a.warnings.push(match &a.updated {
            Some(_) => "no publication date found (only an \"updated\" date)".into(),
            None => "no publication date found".into(),
        });
    }
    if a.place.is_none() && a.author.is_none() && a.agency.is_none() {
        a.warnings
            .push("no dateline found (place, author or agency)".into());
    }
    Ok(a)
}

/// The body among the candidate runs of text. The page's first line is nearly always its
/// `<title>`: when it reads as a headline, the run that shares its vocabulary is the article,
/// even when a longer block (a site's comment rules, an "about us") outweighs it.
fn choose_region(lines: &[Line], first: &Line, page: &title::PageTitle) -> Option<(usize, usize)> {
    let candidates = body::regions(lines);
    let headline = page.site.is_some() || first.headline_like();
    let best = if headline {
        let title_words: Vec<&str> = first
            .key
            .split(' ')
            .filter(|w| w.chars().count() >= 3)
            .collect();
        candidates.iter().max_by(|a, b| {
            let score = |&(s, e, w): &(usize, usize, f64)| {
                let words: HashSet<&str> =
                    lines[s..e].iter().flat_map(|l| l.key.split(' ')).collect();
                let shared = title_words.iter().filter(|t| words.contains(*t)).count();
                w * (0.1 + shared as f64 / title_words.len().max(1) as f64)
            };
            score(a).total_cmp(&score(b))
        })
    } else {
        candidates.first()
    };
    best.map(|&(s, e, _)| (s, e))
}

/// The `(…)` that ends a paragraph, if any.
fn closing_parenthesis(p: Option<&String>) -> Option<&str> {
    let p = p?.trim_end_matches(['.', ' ']);
    let open = p.rfind('(')?;
    p.ends_with(')').then(|| &p[open..])
}

/// The publisher named by the page: the `<title>` suffix, a `site -` header line, or a line
/// that is exactly a known publisher's name.
fn publication(lines: &[Line], title: &title::Title, page: &title::PageTitle) -> Option<String> {
    if let Some(site) = &page.site {
        return Some(
            LEXICON
                .publication(site)
                .map_or_else(|| site.clone(), String::from),
        );
    }
    let dashed = lines[..title.index].iter().find_map(|l| {
        let t = l.text.trim_end_matches(|c: char| "-ـ–— ".contains(c));
        (t.len() < l.text.len() && (1..=4).contains(&l.words) && l.dates.is_empty() && !l.stamp)
            .then(|| t.to_string())
    });
    if let Some(name) = dashed {
        return Some(LEXICON.publication(&name).map_or(name, String::from));
    }
    lines
        .iter()
        .filter(|l| l.words <= 4)
        .find_map(|l| LEXICON.publication(&l.text))
        .map(String::from)
}
