//! A capture: one saved page, as a text dump, an HTML page or a WARC record, turned into
//! the text the parser reads plus what only HTML knows.
//!
//! Text dumps go to the parser as they are. An HTML page is decoded ([`html`]: BOM, HTTP
//! charset, `<meta charset>`, detection), rendered to the text its dump would hold, parsed
//! by the same extractor, and then completed from its metadata where the metadata agrees
//! with the page ([`metadata`], [`resolve`]). A WARC file ([`warc`]) is a stream of such
//! pages, each with its address and capture date; its other records are counted by kind.

pub mod address;
pub mod html;
mod jsonld;
pub mod metadata;
pub mod resolve;
pub mod warc;

use std::collections::BTreeMap;
use std::io::{BufRead, Seek};

use serde::{Deserialize, Serialize};

use crate::parse::{self, Article, Date, MAX_DUMP_BYTES, ParseError};
use warc::{Item, Skip, WarcError};

/// The kind of file a page came from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    #[default]
    Text,
    Html,
    Warc,
}

impl Format {
    /// The format of a file, by its name: `.txt`, `.html`/`.htm`, `.warc`/`.warc.gz`.
    pub fn of(file_name: &str) -> Option<Format> {
        Format::of_bytes(file_name.as_bytes())
    }

    /// [`Format::of`] a name as the folder holds it, UTF-8 or not (the suffixes are ASCII).
    pub fn of_bytes(name: &[u8]) -> Option<Format> {
        // Compared in place, without a lower-cased copy: a listing asks this of every file
        // of the folder (a million at the largest).
        let ends = |suffix: &str| {
            name.len() >= suffix.len()
                && name[name.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
        };
        if ends(".txt") {
            Some(Format::Text)
        } else if ends(".html") || ends(".htm") {
            Some(Format::Html)
        } else if ends(".warc") || ends(".warc.gz") {
            Some(Format::Warc)
        } else {
            None
        }
    }
}

/// Where a record came from, beyond its file's name (the article's `source`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Origin {
    pub format: Format,
    /// The page's address: its canonical link, else the address it was fetched from.
    pub url: Option<String>,
    /// When a crawl fetched it (`WARC-Date`).
    pub captured: Option<Date>,
    /// The WARC record's offset in its file. Always written (the entry is stored with
    /// postcard, which cannot skip a field).
    pub offset: Option<u64>,
}

/// The record of one page: the parser's article and where the page came from, as one flat
/// JSON object (what `arshif parse` prints).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    #[serde(flatten)]
    pub article: Article,
    #[serde(flatten)]
    pub origin: Origin,
}

/// A page read: its record, the text the parser read, and the HTML it was rendered from.
///
/// The record's `id` is left empty: ids are the archive's (`archive::id`), from the file
/// name, or for a crawled page from `target`.
#[derive(Debug, Clone)]
pub struct Captured {
    pub record: Record,
    pub text: String,
    pub html: Option<String>,
    /// The address a crawl fetched the page from.
    pub target: Option<String>,
}

/// How an HTML page was served, when a crawl says.
#[derive(Debug, Default, Clone)]
pub struct Served {
    /// The charset its HTTP header named.
    pub charset: Option<String>,
    /// The address it was fetched from.
    pub target: Option<String>,
    /// When it was fetched.
    pub captured: Option<Date>,
}

/// A text dump, its bytes given up (a valid UTF-8 dump becomes its text without a copy).
pub fn read_text(bytes: Vec<u8>, source: &str) -> Result<Captured, ParseError> {
    let parsed = parse::parse_owned(bytes, source)?;
    Ok(Captured {
        record: Record {
            article: parsed.article,
            origin: Origin::default(),
        },
        text: parsed.text,
        html: None,
        target: None,
    })
}

/// An HTML page; `source` is the name of the file it came from.
pub fn read_html(bytes: &[u8], source: &str, served: &Served) -> Result<Captured, ParseError> {
    let page = html::read(bytes, served.charset.as_deref())?;
    let parsed = parse::parse_file(page.text.as_bytes(), source)?;
    let mut article = parsed.article;
    article.encoding = page.encoding.to_string();
    let mut warnings = page.notes;
    warnings.append(&mut article.warnings);
    article.warnings = warnings;

    let meta = metadata::read(&page.found);
    resolve::apply(&mut article, &page.text, &meta, served.captured.as_ref());
    let base = meta.base.as_deref().or(served.target.as_deref());
    let url = meta
        .url
        .as_deref()
        .and_then(|u| address::absolute(u, base))
        .or_else(|| served.target.clone());
    Ok(Captured {
        record: Record {
            article,
            origin: Origin {
                format: Format::Html,
                url,
                captured: served.captured,
                offset: None,
            },
        },
        text: page.text,
        html: Some(page.html),
        target: served.target.clone(),
    })
}

/// A page of a crawl that could not be read, and where it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PageError {
    /// The record is damaged.
    #[error("{0}")]
    Warc(#[from] WarcError),
    /// The record is sound, its page holds no article (or cannot be decoded).
    #[error("at offset {offset} ({url}): {error}")]
    Page {
        offset: u64,
        url: String,
        error: ParseError,
    },
}

/// What a crawl gave.
#[derive(Debug, Default)]
pub struct Crawl {
    /// Each page record in file order, read or not.
    pub pages: Vec<Result<Captured, PageError>>,
    /// The records that are not pages, by kind.
    pub skipped: BTreeMap<Skip, usize>,
}

/// Every page of a WARC file.
pub fn read_warc<R: BufRead + Seek>(reader: R, source: &str) -> Crawl {
    let mut crawl = Crawl::default();
    for item in warc::items(reader, MAX_DUMP_BYTES) {
        match item {
            Item::Skipped(kind) => *crawl.skipped.entry(kind).or_default() += 1,
            Item::Broken(e) => crawl.pages.push(Err(PageError::Warc(e))),
            Item::Page(fetched) => crawl.pages.push(read_fetched(fetched, source)),
        }
    }
    crawl
}

fn read_fetched(fetched: warc::Fetched, source: &str) -> Result<Captured, PageError> {
    let served = Served {
        charset: fetched.charset.clone(),
        target: Some(fetched.target.clone()),
        captured: fetched.date,
    };
    let mut captured =
        read_html(&fetched.body, source, &served).map_err(|error| PageError::Page {
            offset: fetched.offset,
            url: fetched.target.clone(),
            error,
        })?;
    captured.record.origin.format = Format::Warc;
    captured.record.origin.offset = Some(fetched.offset);
    Ok(captured)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_by_file_name() {
        assert_eq!(Format::of("a.txt"), Some(Format::Text));
        assert_eq!(Format::of("A.HTM"), Some(Format::Html));
        assert_eq!(Format::of("page.html"), Some(Format::Html));
        assert_eq!(Format::of("crawl.warc.gz"), Some(Format::Warc));
        assert_eq!(Format::of("crawl.WARC"), Some(Format::Warc));
        assert_eq!(Format::of("notes.md"), None);
        assert_eq!(Format::of("x.gz"), None);
    }

    #[test]
    fn the_record_serialises_flat() {
        let c = read_text(
            "عنوان الخبر الجديد اليوم\nأقرت الحكومة اليوم خطة جديدة لدعم المزارعين في الأرياف تشمل قروضاً ميسرة وإعفاءات ضريبية.".into(),
            "a.txt",
        )
        .unwrap();
        let json: serde_json::Value = serde_json::to_value(&c.record).unwrap();
        assert_eq!(json["format"], "text");
        assert_eq!(json["source"], "a.txt");
        assert!(json["url"].is_null() && json["offset"].is_null());
        let back: Record = serde_json::from_value(json).unwrap();
        assert_eq!(back, c.record);
    }
}
