//! One article of the archive: the parsed (and overridden) record with the archivist's note,
//! the page's source text and where it came from, and how an entry splits into its light part
//! and its heavy parts.

use serde::{Deserialize, Serialize};

use super::store::Parts;
use crate::capture::Origin;
use crate::parse::Article;

/// One article of the archive with what the server needs beside the record.
///
/// The archive's listings hold light entries, without the body and the text: see [`Archive`].
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Entry {
    pub article: Article,
    /// The archivist's note (Markdown) from the override file.
    pub note: Option<String>,
    /// The record fields an override set.
    pub overridden: Vec<String>,
    /// The page as decoded (a dump's text, a saved page's HTML), served as the article's
    /// source for provenance.
    pub text: String,
    pub provenance: Provenance,
}

/// Where an article came from: its file's format, the page's address and capture date, and
/// the other captures of the same address (a crawl that fetched it more than once).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    pub origin: Origin,
    /// The other captures, newest first; the article shows the newest of all.
    pub others: Vec<OtherCapture>,
}

/// Another capture of an article's address, with its own source view.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OtherCapture {
    /// The file it is in.
    pub source: String,
    pub origin: Origin,
}

impl Entry {
    /// The entry without its heavy parts, and the parts.
    pub(super) fn split(mut self) -> (Entry, Parts) {
        let parts = Parts {
            body: std::mem::take(&mut self.article.body),
            text: std::mem::take(&mut self.text),
        };
        (self, parts)
    }
}
