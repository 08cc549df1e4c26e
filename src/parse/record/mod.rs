//! The article record every later stage reads, with its typed fields: dates ([`Date`]) and
//! warnings ([`Warning`]).

mod date;
mod warning;

use serde::{Deserialize, Serialize};

pub use date::{Date, DateError};
pub use warning::{Warning, WarningCode};

/// What the parser (and then an archivist's override) says one dump holds.
///
/// Dates are written as ISO 8601 text (`2015-09-18`, `2015-09-18T16:41`,
/// `2014-07-03T09:30+03:00`: see [`Date`]).
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
    pub published: Option<Date>,
    pub updated: Option<Date>,
    pub hijri: Option<String>,
    pub body: Vec<String>,
    pub warnings: Vec<Warning>,
    /// The character encoding the dump was decoded from (`UTF-8`, `windows-1256`, …).
    pub encoding: String,
}
