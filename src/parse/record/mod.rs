//! The article record every later stage reads, with its typed fields: dates ([`Date`]) and
//! warnings ([`Warning`]).

mod date;
mod warning;

use serde::{Deserialize, Serialize};

pub use date::{Date, DateError, text as date_text};
pub use warning::{Warning, WarningCode};

/// What the parser (and then an archivist's override) says one dump holds.
///
/// Dates are written as ISO 8601 text (`2015-09-18`, `2015-09-18T16:41`,
/// `2014-07-03T09:30+03:00`: see [`Date`]). Its strings are read back through
/// [`crate::serde_utf8`] (the compiled archive holds one record an article).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Article {
    #[serde(deserialize_with = "crate::serde_utf8::string")]
    pub id: String,
    #[serde(deserialize_with = "crate::serde_utf8::string")]
    pub source: String,
    #[serde(deserialize_with = "crate::serde_utf8::string")]
    pub title: String,
    #[serde(default, deserialize_with = "crate::serde_utf8::option")]
    pub subtitle: Option<String>,
    #[serde(deserialize_with = "crate::serde_utf8::lines")]
    pub captions: Vec<String>,
    #[serde(default, deserialize_with = "crate::serde_utf8::option")]
    pub place: Option<String>,
    #[serde(default, deserialize_with = "crate::serde_utf8::option")]
    pub author: Option<String>,
    #[serde(default, deserialize_with = "crate::serde_utf8::option")]
    pub agency: Option<String>,
    #[serde(default, deserialize_with = "crate::serde_utf8::option")]
    pub publication: Option<String>,
    pub published: Option<Date>,
    pub updated: Option<Date>,
    #[serde(default, deserialize_with = "crate::serde_utf8::option")]
    pub hijri: Option<String>,
    #[serde(deserialize_with = "crate::serde_utf8::lines")]
    pub body: Vec<String>,
    pub warnings: Vec<Warning>,
    /// The character encoding the dump was decoded from (`UTF-8`, `windows-1256`, …).
    #[serde(deserialize_with = "crate::serde_utf8::string")]
    pub encoding: String,
}
