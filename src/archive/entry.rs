//! One article of the archive: the parsed (and overridden) record with the archivist's note
//! and the dump's text, and how an entry splits into its light part and its heavy parts.

use serde::{Deserialize, Serialize};

use super::store::Parts;
use crate::parse::Article;

/// One article of the archive with what the server needs beside the record.
///
/// The archive's listings hold light entries, without the body and the text: see [`Archive`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    pub article: Article,
    /// The archivist's note (Markdown) from the override file.
    pub note: Option<String>,
    /// The record fields an override set.
    pub overridden: Vec<String>,
    /// The dump as decoded, served as the article's source for provenance.
    pub text: String,
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
