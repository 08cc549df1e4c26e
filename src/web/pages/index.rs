//! The chronological index: `/`, `/page/{n}`, `?page=N`, `?order=oldest`.
//!
//! The index is one sequence, dated articles (newest or oldest first) then the undated ones,
//! cut into pages of `Config::per_page`. Page 1 lives at `/`; `/page/1` and `?page=N`
//! redirect permanently to the one URL of their page, so each page has a single address.
//! A page is sliced by position, so page 2,000 costs what page 1 costs.

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::archive::facets::Source;
use crate::archive::{Archive, Entry};
use crate::web::http::cache_policy::CachePolicy;
use crate::web::http::error::WebError;
use crate::web::http::render::render;
use crate::web::pages::data;
use crate::web::site::AppState;
// The templates' `link` and `linked_html` (every link a page writes, handed to the export).
use crate::web::view::counts;
use crate::web::view::links::{self, Links, Order};
use crate::web::view::listing::{Grouped, Headings, Link, group};
use crate::web::view::page_links::filters;
use crate::web::view::pager::{Pager, Wanted, parse_page_number, wanted};
use crate::web::view::preview::Preview;

/// The query string, raw; [`IndexQuery::validate`] turns it into typed values.
#[derive(Debug, Default, Deserialize)]
pub struct IndexQuery {
    page: Option<String>,
    order: Option<String>,
}

impl IndexQuery {
    fn validate(&self) -> Result<(Option<usize>, Order), WebError> {
        let order = match self.order.as_deref() {
            None | Some("newest") => Order::NewestFirst,
            Some("oldest") => Order::OldestFirst,
            Some(other) => return Err(WebError::BadRequest(format!("order={other}"))),
        };
        let page = match self.page.as_deref() {
            None => None,
            Some(p) => Some(
                parse_page_number(p).ok_or_else(|| WebError::BadRequest(format!("page={p}")))?,
            ),
        };
        Ok((page, order))
    }
}

fn query(
    query: Result<Query<IndexQuery>, QueryRejection>,
) -> Result<(Option<usize>, Order), WebError> {
    match query {
        Ok(Query(q)) => q.validate(),
        Err(e) => Err(WebError::BadRequest(e.body_text())),
    }
}

/// `GET /`: page 1, or a redirect for `?page=N`.
pub async fn front(
    State(state): State<AppState>,
    links: Links,
    q: Result<Query<IndexQuery>, QueryRejection>,
) -> Result<Response, WebError> {
    match query(q)? {
        (None, order) => listing(&state, &links, 1, order),
        (Some(n), order) => {
            page_count(&state.site().archive, state.config.per_page)
                .checked_sub(n)
                .ok_or(WebError::NotFound)?;
            Ok((
                CachePolicy::Short,
                Redirect::permanent(&links.index_page(n, order)),
            )
                .into_response())
        }
    }
}

/// `GET /page/{n}`: page `n` (from 2; `/page/1` redirects to `/`, `/page/02` to `/page/2`).
pub async fn numbered(
    State(state): State<AppState>,
    links: Links,
    Path(n): Path<String>,
    q: Result<Query<IndexQuery>, QueryRejection>,
) -> Result<Response, WebError> {
    let (_, order) = query(q)?;
    let pages = page_count(&state.site().archive, state.config.per_page);
    match wanted(&n, pages)? {
        Wanted::Page(n) => listing(&state, &links, n, order),
        // `/page/1` is `/`, and `/page/007` is `/page/7`: one address per page.
        Wanted::Elsewhere(n) => Ok((
            CachePolicy::Short,
            Redirect::permanent(&links.index_page(n, order)),
        )
            .into_response()),
    }
}

pub(super) fn page_count(archive: &Archive, per_page: usize) -> usize {
    archive.len().div_ceil(per_page).max(1)
}

#[derive(Template)]
#[template(path = "index.html")]
struct IndexPage<'a> {
    links: Links,
    oldest_first: bool,
    page: usize,
    pages: usize,
    total: usize,
    /// "120 مقالًا".
    count: String,
    /// How many articles have no date ("3 مقالات"), and where the list of them begins.
    undated: Option<Link>,
    /// Positions (from 1) of the first and last article on this page.
    first: usize,
    last: usize,
    list: Grouped<'a>,
    newest_href: String,
    oldest_href: String,
    pager: Pager,
    /// Each year's page.
    years: Vec<Link>,
    publications_href: String,
    agencies_href: String,
    /// The whole archive as data.
    jsonl_href: String,
    preview: Preview,
}

/// The entry at `position` of the index in `order`.
fn at(archive: &Archive, order: Order, position: usize) -> &Entry {
    let dated = archive.dated_oldest_first();
    match (position < dated.len(), order) {
        (true, Order::NewestFirst) => dated.at(dated.len() - 1 - position),
        (true, Order::OldestFirst) => dated.at(position),
        (false, _) => archive.undated().at(position - dated.len()),
    }
}

fn listing(state: &AppState, links: &Links, n: usize, order: Order) -> Result<Response, WebError> {
    let site = state.site();
    let archive = &site.archive;
    let per_page = state.config.per_page;
    let pages = page_count(archive, per_page);
    if n > pages {
        return Err(WebError::NotFound);
    }
    let start = (n - 1) * per_page;
    let end = (start + per_page).min(archive.len());

    let list = group(
        links,
        archive.facets(),
        (start..end).map(|position| at(archive, order, position)),
        Headings::YearsAndMonths,
    );

    let mut links = links.clone();
    links.set_here(links::index_path(n, order));
    let count = counts::ARTICLES.count(archive.len());
    let preview = Preview::website(
        &links,
        &if n > 1 {
            format!("فهرس المقالات، الصفحة {n}")
        } else {
            "فهرس المقالات".to_owned()
        },
        &format!("{count} من صفحات الأخبار العربية كما نُشرت، مرتّبة بتاريخ نشرها."),
    );
    let undated_count = archive.undated().len();
    // Undated articles close the index in either order: they begin on the page after the
    // last dated one.
    let undated = (undated_count > 0).then(|| Link {
        text: counts::ARTICLES.count(undated_count),
        href: format!(
            "{}#undated",
            links.index_page(archive.dated_oldest_first().len() / per_page + 1, order)
        ),
    });
    let index_page = IndexPage {
        undated,
        oldest_first: order == Order::OldestFirst,
        page: n,
        pages,
        total: archive.len(),
        count,
        first: if end > start { start + 1 } else { 0 },
        last: end,
        list,
        newest_href: links.index_page(1, Order::NewestFirst),
        oldest_href: links.index_page(1, Order::OldestFirst),
        preview,
        pager: Pager::new("صفحات الفهرس", n, pages, |k| {
            links.index_page(k, order)
        }),
        years: archive
            .facets()
            .years()
            .map(|(y, _)| Link {
                text: y.to_string(),
                href: links.to(&links::year_path(y)),
            })
            .collect(),
        publications_href: links.to(links::sources_path(Source::Publication)),
        agencies_href: links.to(links::sources_path(Source::Agency)),
        jsonl_href: links.to(data::JSONL_PATH),
        links,
    };
    render(&index_page, StatusCode::OK, CachePolicy::Short)
}
