//! One dump's bytes to one [`Article`]: pure functions, no file or network I/O, so every rule
//! is testable on a string.
//!
//! The stages: `decode` (bytes to text, whatever the encoding), `lines` (normalised lines with
//! what each one looks like), then the deciders that read those lines: `title`, `dates`,
//! `dateline`, `body`.

pub mod dates;
pub mod decode;
mod record;

pub use record::Article;

use crate::archive::id;

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
    let mut article = Article {
        id: id::from_file_name(source),
        source: source.to_string(),
        encoding: decoded.encoding.to_string(),
        ..Article::default()
    };
    let lines: Vec<&str> = decoded
        .text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let Some(first) = lines.first() else {
        return Err(ParseError::Empty);
    };
    article.title = first.to_string();
    article.body = lines[1..].iter().map(|l| l.to_string()).collect();
    Ok(Parsed {
        article,
        text: decoded.text,
    })
}
