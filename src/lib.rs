//! arshif: raw Arabic news dumps in, a read-only web archive out.
//!
//! The pipeline is `parse` (one dump's bytes to one [`Article`] record), `archive` (every dump
//! of a folder, overrides, ordering and the compiled file the server loads) and `web` (axum
//! pages over a loaded archive), which `export` writes out as static files.

/// Arabic text as every stage compares it: one folding table, one set of marks, one splitter.
pub mod arabic;
/// The collection: build from a folder, overrides, ordering, the compiled file.
pub mod archive;
/// One saved page (a text dump, an HTML page, a WARC record) to the text the parser reads
/// and what only HTML knows.
pub mod capture;
/// `arshif export`: the site `web` renders, crawled in-process and written as static files.
pub mod export;
/// One dump's bytes to one article record: pure functions, no I/O.
pub mod parse;
/// The Arabic analyzer and the full-text index the build writes and the server searches.
pub mod search;
pub mod serde_le;
pub mod serde_utf8;
/// The one hash whose values are kept or published (ids, ETags, asset names).
pub mod stable_hash;
/// Postcard's varints read straight from a slice.
pub mod varint;
/// The axum application that renders the archive as right-to-left HTML.
pub mod web;

pub use parse::{Article, ParseError, parse_dump};

/// The build's analysis of an article (thread profile and index lines) against a plain one:
/// a test over the search and threads modules.
#[cfg(test)]
mod analysis_oracle;
/// The parser's keys, the search analyzer and the threads' profiles fold text alike: a test
/// over three modules, so it sits above them.
#[cfg(test)]
mod fold_agreement;
