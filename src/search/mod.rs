//! Full-text search over the archive: the Arabic analyzer, the spelling-variant table, and
//! the on-disk index the build writes and the server opens.
//!
//! The build writes it with an [`IndexWriter`] (or [`build_index`] at once), from articles: this
//! module knows nothing of the archive that drives it; the server opens the folder once with
//! [`SearchIndex::open`] and calls [`SearchIndex::search`] per request, handing it the
//! archive's bodies as [`Paragraphs`] (the index stores only ids). A reader's query is
//! never an error: quotes make phrases, everything else is words that must all occur (in the
//! title or the body), and what the analyzer does not see as words is ignored.

pub mod analyzer;
mod backlog;
mod common;
mod count;
mod document;
mod fan_out;
/// Tantivy's part of a build alone, for the build's floor bench.
pub mod floor;
mod format;
mod key_words;
mod line;
mod memo;
mod pairs;
mod phrase_bounds;
mod query;
mod read_ahead;
mod schema;
mod snippet;
pub mod stem;
mod stopwords;
mod stored;
mod ties;
pub mod variants;
mod writer;

use count::Frequencies;
pub use count::{Total, servable_results};
use format::of_this_format;
pub use format::{INDEX_FORMAT, IndexFormat, OtherFormat, is_readable, readable};
pub use pairs::{ArticleTerms, WordReader, pair_is_indexed};
pub use read_ahead::ReadAhead;
use schema::{Fields, fields_of, register_tokenizers};
pub use snippet::highlight_html;
use snippet::{Passages, opening};
pub use writer::{IndexWriter, build_index};

/// The tokens a line of terms gives its field, the terms' (`pairs` false) or the pairs', with
/// their positions: the analysis oracle's reader (`crate::analysis_oracle`).
#[cfg(test)]
pub(crate) fn line_tokens(line: &str, pairs: bool) -> Vec<(String, usize)> {
    let tokenizer = if pairs {
        line::Line::pairs()
    } else {
        line::Line::terms()
    };
    line::tokens(tokenizer, line)
}

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tantivy::collector::Count;
use tantivy::query::EnableScoring;
use tantivy::{DocAddress, ReloadPolicy, Searcher, Term};

use query::{ParsedQuery, pair_term, parse_query, wanted};

/// Past this many results a reader is not paging any more but probing; tantivy would keep
/// `offset + per_page` hits in memory, so deeper pages are refused (empty), not computed.
pub const MAX_OFFSET: usize = 10_000;

/// Largest page a caller may ask for; more is clamped.
pub const MAX_PER_PAGE: usize = 100;

/// Snippet length in bytes (tantivy counts bytes; Arabic letters take two).
const SNIPPET_BYTES: usize = 360;

/// A `cause` is part of the message rather than a `source`: a log line with `{e}` keeps it,
/// and the CLI's `{:#}` does not print it a second time.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("cannot prepare the search index folder {path}: {cause}")]
    Io {
        path: PathBuf,
        cause: std::io::Error,
    },
    #[error("search index {path}: {cause}")]
    Index {
        path: PathBuf,
        cause: tantivy::TantivyError,
    },
    /// An index another arshif wrote, which this one neither reads nor updates.
    #[error("the search index {path} is {formats}")]
    Format { path: PathBuf, formats: OtherFormat },
}

impl SearchError {
    /// The formats, for an index of another format than this arshif's.
    pub fn other_format(&self) -> Option<OtherFormat> {
        match self {
            SearchError::Format { formats, .. } => Some(*formats),
            _ => None,
        }
    }
}

/// One result page.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchResults {
    /// Articles matching the query, over all pages.
    pub total: Total,
    /// This page's hits, best first.
    pub hits: Vec<Hit>,
}

impl SearchResults {
    fn empty() -> Self {
        SearchResults {
            total: Total::Exact(0),
            hits: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// The article's id in the archive.
    pub id: String,
    pub score: f32,
    /// A passage of the body as HTML: the text escaped, the matched words in `<mark>`. Safe to
    /// insert unescaped (askama `|safe`). The body's opening words when only the title matched.
    pub snippet_html: String,
    /// The same passage as plain text, for the JSON results.
    pub snippet_text: String,
}

/// Where a search reads its hits' bodies, to find their passages in, and the order of results
/// of equal score: the archive, which holds both already. The index stores only the ids
/// (`schema::Fields`).
pub trait Paragraphs {
    /// The body of each article of `ids`, in that order, its paragraphs joined by `\n`; `None`
    /// for an article it does not hold (or cannot read: it says so in the log).
    fn paragraphs(&self, ids: &[&str]) -> Vec<Option<Arc<str>>>;

    /// Where the index page lists each article of `ids` (newest first, then the undated by
    /// id); `None` for an article it does not hold. Results of equal score come in this order.
    fn listed_at(&self, ids: &[&str]) -> Vec<Option<usize>>;
}

fn index_error(path: &Path) -> impl Fn(tantivy::TantivyError) -> SearchError + use<> {
    let path = path.to_path_buf();
    move |source| SearchError::Index {
        path: path.clone(),
        cause: source,
    }
}

/// An index opened for searching. Cheap to share: searches take `&self`.
///
/// It searches the index as it was opened: a build swaps in a new index, and the server opens
/// that one anew.
pub struct SearchIndex {
    searcher: Searcher,
    /// The hits' stored fields, read without tantivy's copy ([`stored`]).
    stores: stored::Stores,
    fields: Fields,
    /// What a query reads, asked of the disk ahead while the index is not yet in memory.
    ahead: read_ahead::Ahead,
}

impl SearchIndex {
    /// Opens the index `build_index` wrote to `dir`; an error for an index of another format,
    /// which might fail every search or answer wrong ([`format`]).
    pub fn open(dir: &Path) -> Result<SearchIndex, SearchError> {
        let tantivy = |source| SearchError::Index {
            path: dir.to_path_buf(),
            cause: source,
        };
        let index = read_ahead::open_index(dir).map_err(tantivy)?;
        of_this_format(&index, dir)?;
        register_tokenizers(&index);
        let fields = fields_of(&index.schema()).map_err(tantivy)?;
        // The searcher's own document stores are never read (`stores` is), so they cache
        // nothing.
        let reader: tantivy::IndexReader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .doc_store_cache_num_blocks(0)
            .try_into()
            .map_err(tantivy)?;
        let searcher = reader.searcher();
        let stores = stored::Stores::open(&searcher).map_err(|e| tantivy(e.into()))?;
        let ahead = read_ahead::Ahead::open(&index, &searcher, dir).map_err(tantivy)?;
        Ok(SearchIndex {
            searcher,
            stores,
            fields,
            ahead,
        })
    }

    /// The read-ahead of this index's files into memory, to run on a background thread
    /// ([`ReadAhead::run`]): until it ends, each query first asks the disk for the pages it
    /// will read, of every segment at once ([`read_ahead`]).
    pub fn read_ahead(&self) -> ReadAhead {
        self.ahead.start()
    }

    /// The `page`th (from 0) page of `per_page` results for a reader's `query`, their passages
    /// found in the bodies `paragraphs` holds.
    ///
    /// An empty query, one of punctuation only, or a page past [`MAX_OFFSET`] gives no hits;
    /// only a broken index is an error.
    pub fn search(
        &self,
        query: &str,
        page: usize,
        per_page: usize,
        paragraphs: &dyn Paragraphs,
    ) -> tantivy::Result<SearchResults> {
        let parsed = parse_query(query);
        let Some(query) = query::query(&parsed, self.fields) else {
            return Ok(SearchResults::empty());
        };
        let searcher = &self.searcher;
        // Read only while the index is not yet all in memory: then the pages' waits overlap.
        let cold = self.ahead.is_running();
        if cold {
            self.ahead.terms(searcher, &wanted(&parsed, self.fields));
        }
        let per_page = per_page.clamp(1, MAX_PER_PAGE);
        let offset = page.saturating_mul(per_page);
        let estimated = self.estimate(searcher, &parsed, per_page)?;
        if offset > MAX_OFFSET {
            let total = match estimated {
                Some(total) => total,
                None => Total::Exact(searcher.search(&query, &Count)?),
            };
            return Ok(SearchResults {
                total,
                hits: Vec::new(),
            });
        }
        // The best up to the page's end, and every tie of the last (`ties`).
        let top = ties::BestWithTies(offset + per_page);
        // Terms only (words, and two-word phrases whose pair is indexed): collected alone, the
        // best `per_page` are found with block-max WAND, which skips the blocks of postings
        // that cannot beat the current tenth, and the exact count then walks the postings
        // without scoring them. Collected together, every matching article would be scored (a
        // common word: most of the archive). A phrase by positions gets nothing from the
        // skipping (each candidate's positions are read either way), so one pass ranks and
        // counts, its segments shared between the cores (`fan_out`); unless it is a lone phrase
        // in many articles, whose best are found by bounds and its count from a sample
        // (`phrase_bounds`).
        let (top, total) = match estimated {
            Some(total) => (searcher.search(&query, &top)?, total),
            None if parsed.phrases.iter().all(|p| pair_term(p).is_some()) => {
                let top = searcher.search(&query, &top)?;
                (top, Total::Exact(searcher.search(&query, &Count)?))
            }
            None => {
                let executor = fan_out::for_positions(searcher.segment_readers().len());
                let bounded = match phrase_bounds::lone_phrase(&parsed) {
                    Some(phrase) => phrase_bounds::best_and_count(
                        searcher,
                        self.fields,
                        phrase,
                        top.0,
                        phrase_bounds::Sampling::for_pages(per_page),
                        executor,
                    )?,
                    None => None,
                };
                match bounded {
                    Some(found) => found,
                    None => {
                        let scoring = EnableScoring::enabled_from_searcher(searcher);
                        let (top, total) = searcher.search_with_executor(
                            &query,
                            &(top, Count),
                            executor,
                            scoring,
                        )?;
                        (top, Total::Exact(total))
                    }
                }
            }
        };
        if cold {
            let group = &top[ties::group(&top, offset, per_page)];
            let hits: Vec<DocAddress> = group.iter().map(|h| h.1).collect();
            self.ahead.stored(&self.stores, &hits);
        }
        let lookups = ties::PageLookups {
            index: self,
            paragraphs,
        };
        let top = ties::page(top, offset, per_page, &lookups)?;
        let passages = self.passages(searcher, &parsed)?;
        // The page's bodies asked for together: read at once from a cold disk.
        let ids: Vec<&str> = top.iter().map(|(_, id)| id.as_str()).collect();
        let bodies = paragraphs.paragraphs(&ids);
        let hits = top
            .into_iter()
            .zip(bodies)
            .map(|((score, id), body)| {
                let body = body.as_deref().unwrap_or_default().as_bytes();
                let (snippet_html, snippet_text) = match passages.best(body) {
                    Some(p) => (highlight_html(p.text, &p.marks), p.text.to_owned()),
                    None => {
                        let opening = opening(body, SNIPPET_BYTES);
                        (highlight_html(opening, &[]), opening.to_owned())
                    }
                };
                Hit {
                    id,
                    score,
                    snippet_html,
                    snippet_text,
                }
            })
            .collect();
        Ok(SearchResults { total, hits })
    }

    /// The count of a one-word query, or of a lone two-word phrase whose pair is indexed (a
    /// pair term), from its term's document frequencies, when [`estimate`] allows; `None` for
    /// any other query.
    fn estimate(
        &self,
        searcher: &Searcher,
        parsed: &ParsedQuery,
        per_page: usize,
    ) -> tantivy::Result<Option<Total>> {
        let f = self.fields;
        let (title, body, term) = match (parsed.words.as_slice(), parsed.phrases.as_slice()) {
            ([word], []) => (f.title, f.body, word.clone()),
            ([], [phrase]) => match pair_term(phrase) {
                Some(pair) => (f.title_pairs, f.body_pairs, pair),
                None => return Ok(None),
            },
            _ => return Ok(None),
        };
        let frequency = |field| searcher.doc_freq(&Term::from_field_text(field, &term));
        let deleted = searcher
            .segment_readers()
            .iter()
            .map(|s| u64::from(s.num_deleted_docs()))
            .sum();
        let frequencies = Frequencies {
            title: frequency(title)?,
            body: frequency(body)?,
            deleted,
            alive: searcher.num_docs(),
        };
        Ok(count::estimate(frequencies, per_page))
    }

    /// The passage finder of a query: its words and its phrases' words, weighed by how many
    /// articles hold them in the body. A phrase's words are marked one by one, wherever they
    /// stand, as tantivy's snippets mark a phrase query's terms.
    fn passages(&self, searcher: &Searcher, parsed: &ParsedQuery) -> tantivy::Result<Passages> {
        let words = parsed.words.iter().chain(parsed.phrases.iter().flatten());
        let mut counted = Vec::new();
        for word in words {
            let term = Term::from_field_text(self.fields.body, word);
            counted.push((word.clone(), searcher.doc_freq(&term)?));
        }
        Ok(Passages::new(counted, SNIPPET_BYTES))
    }

    /// The article id of the hit at `address`.
    fn id_of(&self, address: DocAddress) -> tantivy::Result<String> {
        let doc = self.stores.get(address)?;
        let mut id: &[u8] = &[];
        for value in stored::values(&doc) {
            let (field, bytes) = value?;
            if field == self.fields.id {
                id = bytes;
            }
        }
        std::str::from_utf8(id)
            .map(str::to_owned)
            .map_err(|e| stored::invalid(format!("a stored id is not UTF-8: {e}")))
    }
}
