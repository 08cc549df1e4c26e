//! `/search?q=…&page=N`: the archive's full-text search, best match first, a page of
//! `Config::search_per_page` results at a time, each with its title, date, source and passage.
//!
//! A query is never the reader's error: an empty one, or one of punctuation only, is answered
//! with the page that says nothing was found (200). Only a query longer than
//! [`MAX_QUERY_CHARS`] is refused (400): the analyzer's and the index's work grows with it, and
//! no reader types a paragraph into a search box. Pages past the last are 404, as on the index.
//! The pages are `noindex` (a search engine has the articles themselves) and cached by the
//! reader's browser only ([`CachePolicy::Private`]).

use askama::Template;
use axum::Router;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;

use crate::archive::facets::Source;
use crate::parse::Date;
use std::sync::Arc;

use serde::Serialize;

use crate::archive::dataset::SCHEMA_VERSION;
use crate::search::{Hit, MAX_PER_PAGE, SearchResults, Total, servable_results};
use crate::web::http::cache_policy::CachePolicy;
use crate::web::http::error::WebError;
use crate::web::http::render::render;
use crate::web::pages::data;
use crate::web::site::AppState;
use crate::web::site::Site;
// The templates' `link` and `linked_html` (every link a page writes, handed to the export).
use crate::web::view::counts;
use crate::web::view::links::{Links, article_path, search_json_path, search_path, sources_path};
use crate::web::view::listing::{Item, any_computed_hijri};
use crate::web::view::page_links::filters;
use crate::web::view::pager::{Pager, parse_page_number};
use crate::web::view::title_of;

/// Longest query searched, in characters.
pub const MAX_QUERY_CHARS: usize = 256;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/search", get(show))
        .route("/search.json", get(json))
}

/// The query string, raw.
#[derive(Debug, Default, Deserialize)]
pub struct SearchQuery {
    q: Option<String>,
    page: Option<String>,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage<'a> {
    links: Links,
    /// The query as the reader typed it (trimmed), shown back in the form and the heading.
    query: &'a str,
    /// "5 نتائج", or "نحو 46000 نتيجة" for an estimate.
    count: String,
    total: usize,
    /// Positions (from 1) of the first and last result on this page.
    first: usize,
    last: usize,
    /// Fewer pages than the results would fill: the deepest ones are not served.
    capped: bool,
    items: Vec<Item<'a>>,
    /// Whether a result shows a computed Hijri date (see `hijri_note` in macros.html).
    computed_hijri: bool,
    pager: Pager,
    /// The same results as data.
    json_href: String,
    publications_href: String,
}

/// One page of results, as both forms of the search show it.
struct Searched {
    site: Arc<Site>,
    /// The query as searched (trimmed).
    query: String,
    /// This page, from 1, and how many are served.
    page: usize,
    pages: usize,
    per_page: usize,
    /// Fewer pages than the results would fill: the deepest ones are not served.
    capped: bool,
    total: Total,
    hits: Vec<Hit>,
}

/// Validates the query string and runs the search: the work `/search` and `/search.json`
/// share.
async fn search(
    state: &AppState,
    params: Result<Query<SearchQuery>, QueryRejection>,
) -> Result<Searched, WebError> {
    let Query(params) = params.map_err(|e| WebError::BadRequest(e.body_text()))?;
    let n = match params.page.as_deref() {
        None => 1,
        Some(p) => parse_page_number(p).ok_or_else(|| WebError::BadRequest(format!("page={p}")))?,
    };
    let query = params.q.as_deref().unwrap_or_default().trim().to_owned();
    if query.chars().count() > MAX_QUERY_CHARS {
        return Err(WebError::QueryTooLong);
    }
    let site = state.site();
    if site.search.is_none() {
        return Err(WebError::SearchUnavailable);
    }
    let per_page = state.config.search_per_page.clamp(1, MAX_PER_PAGE);

    // A search is blocking work (tantivy reads its mapped files): off the async workers.
    let results = {
        let (site, query) = (site.clone(), query.clone());
        tokio::task::spawn_blocking(move || {
            site.search.as_ref().expect("checked above").search(
                &query,
                n - 1,
                per_page,
                &site.archive,
            )
        })
        .await
        .map_err(|e| WebError::Search(e.to_string()))?
        .map_err(|e| WebError::Search(e.to_string()))?
    };
    let SearchResults { total, hits } = results;
    let (pages, capped) = servable_pages(total.value(), per_page);
    if n > pages {
        return Err(WebError::NotFound);
    }
    // The index and the archive are built and swapped together; say so if not.
    let hits = hits
        .into_iter()
        .filter(|hit| {
            let known = site.archive.light(&hit.id).is_some();
            if !known {
                tracing::warn!("search hit {} is not in the archive", hit.id);
            }
            known
        })
        .collect();
    Ok(Searched {
        site,
        query,
        page: n,
        pages,
        per_page,
        capped,
        total,
        hits,
    })
}

/// `GET /search`.
pub async fn show(
    State(state): State<AppState>,
    links: Links,
    params: Result<Query<SearchQuery>, QueryRejection>,
) -> Result<Response, WebError> {
    let searched = search(&state, params).await?;
    let (n, query, per_page, total) = (
        searched.page,
        searched.query.as_str(),
        searched.per_page,
        searched.total,
    );
    let archive = &searched.site.archive;
    let items: Vec<Item> = searched
        .hits
        .into_iter()
        .filter_map(|hit| {
            let entry = archive.light(&hit.id)?;
            let mut item = Item::new(&links, archive.facets(), entry);
            item.snippet_html = Some(hit.snippet_html);
            Some(item)
        })
        .collect();

    let start = (n - 1) * per_page;
    let mut page_links = links.clone();
    page_links.set_here(search_path(query, n));
    let page = SearchPage {
        query,
        count: count(total),
        total: total.value(),
        first: start + 1,
        last: start + items.len(),
        capped: searched.capped,
        computed_hijri: any_computed_hijri(&items),
        items,
        pager: Pager::new("صفحات النتائج", n, searched.pages, |k| {
            links.to(&search_path(query, k))
        }),
        json_href: links.to(&search_json_path(query, n)),
        publications_href: links.to(sources_path(Source::Publication)),
        links: page_links,
    };
    render(&page, StatusCode::OK, CachePolicy::Private)
}

/// One result of `/search.json` (schema: `docs/schema/search.v1.json`).
#[derive(Serialize)]
struct JsonResult<'a> {
    id: &'a str,
    url: String,
    title: &'a str,
    published: Option<Date>,
    updated: Option<Date>,
    publication: Option<&'a str>,
    agency: Option<&'a str>,
    /// The passage, plain text.
    snippet: String,
}

/// `/search.json` (schema: `docs/schema/search.v1.json`).
#[derive(Serialize)]
struct JsonResults<'a> {
    schema_version: u32,
    query: &'a str,
    page: usize,
    pages: usize,
    per_page: usize,
    total: usize,
    /// Whether `total` was counted; otherwise it is an estimate to two digits, as the page
    /// shows it.
    total_exact: bool,
    results: Vec<JsonResult<'a>>,
}

/// `GET /search.json`: the results `/search` shows for the same query and page, as data.
pub async fn json(
    State(state): State<AppState>,
    links: Links,
    params: Result<Query<SearchQuery>, QueryRejection>,
) -> Result<Response, WebError> {
    let searched = search(&state, params).await?;
    let archive = &searched.site.archive;
    let results = searched
        .hits
        .into_iter()
        .filter_map(|hit| {
            let a = &archive.light(&hit.id)?.article;
            let page = article_path(&a.id);
            Some(JsonResult {
                id: &a.id,
                url: links.absolute(&page).unwrap_or_else(|| links.to(&page)),
                title: title_of(a),
                published: a.published,
                updated: a.updated,
                publication: a.publication.as_deref(),
                agency: a.agency.as_deref(),
                snippet: hit.snippet_text,
            })
        })
        .collect();
    let document = JsonResults {
        schema_version: SCHEMA_VERSION,
        query: &searched.query,
        page: searched.page,
        pages: searched.pages,
        per_page: searched.per_page,
        total: searched.total.shown(),
        total_exact: matches!(searched.total, Total::Exact(_)),
        results,
    };
    let body = serde_json::to_vec(&document).map_err(|e| WebError::Data(e.to_string()))?;
    Ok(data::json(body, CachePolicy::Private))
}

/// How many pages of `total` results are served (at least one, the page that says there are
/// none), and whether that is fewer than they fill: the index serves no page that starts past
/// `MAX_OFFSET` results ([`servable_results`]).
fn servable_pages(total: usize, per_page: usize) -> (usize, bool) {
    let pages = total.div_ceil(per_page).max(1);
    let servable = pages.min(servable_results(per_page) / per_page);
    (servable, servable < pages)
}

/// The count as the page says it: "5 نتائج", and an estimate as one ("نحو 46000 نتيجة"),
/// never as a figure that looks counted.
fn count(total: Total) -> String {
    match total {
        Total::Exact(n) => counts::RESULTS.count(n),
        about @ Total::About(_) => format!("نحو {}", counts::RESULTS.count(about.shown())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::MAX_OFFSET;

    #[test]
    fn an_estimated_count_says_so() {
        assert_eq!(count(Total::Exact(5)), "5 نتائج");
        assert_eq!(count(Total::Exact(10_011)), "10011 نتيجة");
        assert_eq!(count(Total::About(45_678)), "نحو 46000 نتيجة");
        assert_eq!(count(Total::About(99_960)), "نحو 100000 نتيجة");
    }

    #[test]
    fn the_deepest_pages_are_not_served() {
        assert_eq!(servable_pages(0, 50), (1, false));
        assert_eq!(servable_pages(5, 2), (3, false));
        // The last page served starts at result MAX_OFFSET, the one after it would not.
        let last = MAX_OFFSET / 50 + 1;
        assert_eq!(servable_pages(last * 50, 50), (last, false));
        assert_eq!(servable_pages(last * 50 + 1, 50), (last, true));
        assert_eq!(servable_pages(1_000_000, 50), (last, true));
    }
}
