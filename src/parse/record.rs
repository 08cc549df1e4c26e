//! The article record every later stage reads.

use serde::{Deserialize, Serialize};

/// What the parser (and then an archivist's override) says one dump holds.
///
/// Dates are ISO 8601 strings (`YYYY-MM-DD` or `YYYY-MM-DDTHH:MM`), so they sort as text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Article {
    pub id: String,
    pub source: String,
    pub title: String,
    pub subtitle: Option<String>,
    pub captions: Vec<String>,
    pub place: Option<String>,
    pub author: Option<String>,
    pub agency: Option<String>,
    pub publication: Option<String>,
    pub published: Option<String>,
    pub updated: Option<String>,
    pub hijri: Option<String>,
    pub body: Vec<String>,
    pub warnings: Vec<String>,
    /// The character encoding the dump was decoded from (`UTF-8`, `windows-1256`, …).
    pub encoding: String,
}
