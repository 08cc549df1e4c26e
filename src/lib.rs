//! arshif: raw Arabic news dumps in, a read-only web archive out.
//!
//! The pipeline is `parse` (one dump's bytes to one [`Article`] record), `archive` (every dump
//! of a folder, overrides, ordering and the compiled file the server loads) and `web` (axum
//! pages over a loaded archive).

/// The collection: build from a folder, overrides, ordering, the compiled file.
pub mod archive;
/// `arshif export`: the site `web` renders, crawled in-process and written as static files.
pub mod export;
/// One dump's bytes to one article record: pure functions, no I/O.
pub mod parse;
/// The Arabic analyzer and the full-text index the build writes and the server searches.
pub mod search;
/// The axum application that renders the archive as right-to-left HTML.
pub mod web;

pub use parse::{Article, ParseError, parse_dump};
