//! `/sitemap.xml`, `/sitemaps/{n}.xml` and `/robots.txt`: what search engines are told to
//! crawl.
//!
//! The sitemap lists the index's pages (newest first; the oldest-first order shows the same
//! articles again), the about page, and every article page with its `<lastmod>` (the record's
//! `updated`, else `published`, by [`crate::parse::Date::rfc3339`]'s convention). The index pages and about
//! have no `<lastmod>`: what they show changes with every build, and a date a crawler cannot
//! trust is worse than none. Past [`Config::sitemap_limit`] URLs (the protocol's 50,000 by
//! default) `/sitemap.xml` becomes a sitemap index of `/sitemaps/1.xml`, `/sitemaps/2.xml`, …
//!
//! Sitemap URLs must be absolute, so like the feed they need the public address: without one
//! both routes are 404s and robots.txt names no sitemap. robots.txt itself is always served;
//! it keeps crawlers off the search results (endless query URLs that add nothing).
//!
//! [`Config::sitemap_limit`]: crate::web::config::Config::sitemap_limit

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;

use crate::archive::Archive;
use crate::web::http::cache_policy::CachePolicy;
use crate::web::http::error::WebError;
use crate::web::http::render::render_as;
use crate::web::site::AppState;
use crate::web::view::links::{self, Links, Order};

pub const XML: &str = "application/xml; charset=utf-8";
pub const TEXT: &str = "text/plain; charset=utf-8";

pub struct Url {
    pub loc: String,
    pub lastmod: Option<String>,
}

#[derive(Template)]
#[template(path = "sitemap.xml")]
struct UrlSet {
    urls: Vec<Url>,
}

#[derive(Template)]
#[template(path = "sitemap-index.xml")]
struct SitemapIndex {
    sitemaps: Vec<String>,
}

#[derive(Template)]
#[template(path = "robots.txt")]
struct Robots {
    /// The search page's path as crawlers see it (under the public address's path).
    search_path: String,
    sitemap: Option<String>,
}

/// Every URL of the site a crawler should know, in a fixed order, addressable by position so
/// that one part of a split sitemap costs only its own URLs.
struct Urls<'a> {
    archive: &'a Archive,
    site: &'a str,
    index_pages: usize,
}

impl<'a> Urls<'a> {
    fn new(archive: &'a Archive, site: &'a str, per_page: usize) -> Urls<'a> {
        Urls {
            archive,
            site,
            index_pages: super::index::page_count(archive, per_page),
        }
    }

    fn len(&self) -> usize {
        self.index_pages + 1 + self.archive.len()
    }

    /// The URL at `i` (`i < len()`): index pages, about, then articles in reading order.
    fn at(&self, i: usize) -> Url {
        let absolute = |path: &str| format!("{}{path}", self.site);
        if i < self.index_pages {
            return Url {
                loc: absolute(&links::index_path(i + 1, Order::NewestFirst)),
                lastmod: None,
            };
        }
        if i == self.index_pages {
            return Url {
                loc: absolute("about"),
                lastmod: None,
            };
        }
        let a = &self.archive.entries().at(i - self.index_pages - 1).article;
        Url {
            loc: absolute(&links::article_path(&a.id)),
            lastmod: a.updated.or(a.published).map(|d| d.rfc3339()),
        }
    }

    fn range(&self, range: std::ops::Range<usize>) -> Vec<Url> {
        range.map(|i| self.at(i)).collect()
    }
}

/// `GET /sitemap.xml`: the sitemap, or the index of its parts when it is too big for one.
pub async fn show(State(state): State<AppState>, links: Links) -> Result<Response, WebError> {
    let site = links.site().ok_or(WebError::NotFound)?;
    let snapshot = state.site();
    let urls = Urls::new(&snapshot.archive, site, state.config.per_page);
    let limit = state.config.sitemap_limit.max(1);
    if urls.len() <= limit {
        let set = UrlSet {
            urls: urls.range(0..urls.len()),
        };
        return render_as(&set, StatusCode::OK, CachePolicy::Short, XML);
    }
    let index = SitemapIndex {
        sitemaps: (1..=urls.len().div_ceil(limit))
            .map(|n| format!("{site}{}", links::sitemap_part_path(n)))
            .collect(),
    };
    render_as(&index, StatusCode::OK, CachePolicy::Short, XML)
}

/// `GET /sitemaps/{n}.xml`: part `n` (from 1) of a split sitemap. A sitemap that fits in one
/// has no parts: each URL is listed at one address only.
pub async fn part(
    State(state): State<AppState>,
    links: Links,
    Path(file): Path<String>,
) -> Result<Response, WebError> {
    let site = links.site().ok_or(WebError::NotFound)?;
    let n = file
        .strip_suffix(".xml")
        .filter(|n| !n.starts_with('0') && !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|n| n.parse::<usize>().ok())
        .ok_or(WebError::NotFound)?;
    let snapshot = state.site();
    let urls = Urls::new(&snapshot.archive, site, state.config.per_page);
    let limit = state.config.sitemap_limit.max(1);
    let start = (n - 1).saturating_mul(limit);
    if urls.len() <= limit || start >= urls.len() {
        return Err(WebError::NotFound);
    }
    let set = UrlSet {
        urls: urls.range(start..urls.len().min(start + limit)),
    };
    render_as(&set, StatusCode::OK, CachePolicy::Short, XML)
}

/// `GET /robots.txt`.
///
/// Crawlers read robots.txt only at a host's root: under a sub-path this file is what the
/// host's own robots.txt should say about the archive (see the README), with paths already
/// under the public address's path.
pub async fn robots(links: Links) -> Result<Response, WebError> {
    let prefix = links
        .site()
        .and_then(|site| site.parse::<Uri>().ok())
        .map_or_else(|| "/".to_owned(), |uri| uri.path().to_owned());
    let robots = Robots {
        search_path: format!("{prefix}search"),
        sitemap: links.absolute(links::SITEMAP_PATH),
    };
    render_as(&robots, StatusCode::OK, CachePolicy::Short, TEXT)
}
