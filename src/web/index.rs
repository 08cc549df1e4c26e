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

use super::cache::CachePolicy;
use super::dates::{Date, month_name};
use super::error::WebError;
use super::links::{Links, Order};
use super::preview::Preview;
use super::{AppState, DateView, page};
use crate::archive::{Archive, Entry};

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

/// A page number as written in a URL: digits only, from 1.
fn parse_page_number(s: &str) -> Option<usize> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok().filter(|&n| n >= 1)
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
    let raw = n;
    let n = parse_page_number(&raw).ok_or(WebError::NotFound)?;
    let (_, order) = query(q)?;
    // `/page/1` is `/`, and `/page/007` is `/page/7`: one address per page.
    if n == 1 || raw != n.to_string() {
        if n > page_count(&state.site().archive, state.config.per_page) {
            return Err(WebError::NotFound);
        }
        return Ok((
            CachePolicy::Short,
            Redirect::permanent(&links.index_page(n, order)),
        )
            .into_response());
    }
    listing(&state, &links, n, order)
}

pub(super) fn page_count(archive: &Archive, per_page: usize) -> usize {
    archive.len().div_ceil(per_page).max(1)
}

/// One line of the index.
pub struct Item<'a> {
    pub href: String,
    pub title: &'a str,
    pub date: Option<DateView>,
    pub place: Option<&'a str>,
    /// The publication, else the agency.
    pub outlet: Option<&'a str>,
}

impl<'a> Item<'a> {
    fn new(links: &Links, entry: &'a Entry) -> Item<'a> {
        let a = &entry.article;
        Item {
            href: links.article(&a.id),
            title: super::title_of(a),
            date: a.published.as_deref().and_then(DateView::new),
            place: a.place.as_deref(),
            outlet: a.publication.as_deref().or(a.agency.as_deref()),
        }
    }
}

/// The articles of one month on this page, with the year's heading when the year begins here.
pub struct MonthGroup<'a> {
    pub year: Option<String>,
    pub heading: String,
    pub items: Vec<Item<'a>>,
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
    /// Positions (from 1) of the first and last article on this page.
    first: usize,
    last: usize,
    months: Vec<MonthGroup<'a>>,
    undated: Vec<Item<'a>>,
    newest_href: String,
    oldest_href: String,
    prev_href: Option<String>,
    next_href: Option<String>,
    preview: Preview,
}

/// The entry at `position` of the index in `order`.
fn at(archive: &Archive, order: Order, position: usize) -> &Entry {
    let dated = archive.dated_oldest_first();
    match (position < dated.len(), order) {
        (true, Order::NewestFirst) => &dated[dated.len() - 1 - position],
        (true, Order::OldestFirst) => &dated[position],
        (false, _) => &archive.undated()[position - dated.len()],
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

    let mut months: Vec<MonthGroup> = Vec::new();
    let mut undated = Vec::new();
    let mut last_key = None;
    for position in start..end {
        let entry = at(archive, order, position);
        let item = Item::new(links, entry);
        let Some(published) = entry.article.published.as_deref() else {
            undated.push(item);
            continue;
        };
        let date = Date::parse(published);
        let key = date.map(|d| (d.year, d.month));
        if months.is_empty() || last_key != Some(key) {
            let new_year = months.is_empty() || last_key.flatten().map(|k| k.0) != key.map(|k| k.0);
            months.push(MonthGroup {
                year: new_year
                    .then(|| key.map_or_else(|| "تاريخ غير مقروء".to_owned(), |k| k.0.to_string())),
                heading: key.map_or_else(
                    || format!("كما ورد: {published}"),
                    |(y, m)| format!("{} {y}", month_name(m)),
                ),
                items: Vec::new(),
            });
            last_key = Some(key);
        }
        months.last_mut().expect("pushed above").items.push(item);
    }

    let mut links = links.clone();
    links.set_here(super::links::index_path(n, order));
    let count = super::articles_count(archive.len());
    let preview = Preview::website(
        &links,
        &if n > 1 {
            format!("فهرس المقالات، الصفحة {n}")
        } else {
            "فهرس المقالات".to_owned()
        },
        &format!("{count} من صفحات الأخبار العربية كما نُشرت، مرتّبة بتاريخ نشرها."),
    );
    let index_page = IndexPage {
        oldest_first: order == Order::OldestFirst,
        page: n,
        pages,
        total: archive.len(),
        count,
        first: if end > start { start + 1 } else { 0 },
        last: end,
        months,
        undated,
        newest_href: links.index_page(1, Order::NewestFirst),
        oldest_href: links.index_page(1, Order::OldestFirst),
        prev_href: (n > 1).then(|| links.index_page(n - 1, order)),
        next_href: (n < pages).then(|| links.index_page(n + 1, order)),
        preview,
        links,
    };
    page::render(&index_page, StatusCode::OK, CachePolicy::Short)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_numbers() {
        assert_eq!(parse_page_number("1"), Some(1));
        assert_eq!(parse_page_number("0042"), Some(42));
        for bad in [
            "",
            "0",
            "-1",
            "+2",
            "1.5",
            "abc",
            "٢",
            "99999999999999999999999",
        ] {
            assert_eq!(parse_page_number(bad), None, "{bad:?}");
        }
    }
}
