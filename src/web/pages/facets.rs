//! Browsing by period and by source: a year's articles at `/2015/`, a month's at `/2015/09/`,
//! a publication's at `/publications/{name}` and an agency's at `/agencies/{name}` (the name
//! as one percent-encoded segment), each newest first and cut into pages at `…/page/{n}`
//! like the index; and the lists of every publication and agency, at `/publications` and
//! `/agencies`.
//!
//! Each page has one address: a year or month without its closing slash, and a name or list
//! with one, redirect (308) to it, as do `…/page/1` and `…/page/02`. A year, month or name the
//! archive does not have is a 404. The pages read the archive's precomputed facets, so a page
//! costs its own articles, not a scan of the archive.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;

use crate::archive::facets::{Facets, Listing, Source};
use crate::web::http::cache_policy::CachePolicy;
use crate::web::http::error::WebError;
use crate::web::http::render::render;
use crate::web::site::AppState;
// The templates' `link` and `linked_html` (every link a page writes, handed to the export).
use crate::web::view::counts;
use crate::web::view::dates::month_name;
use crate::web::view::links::{
    self, Links, month_path, paged_path, source_path, sources_path, year_path,
};
use crate::web::view::listing::{Grouped, Headings, Link, group};
use crate::web::view::page_links::filters;
use crate::web::view::pager::{Pager, Wanted, wanted};
use crate::web::view::preview::Preview;

pub fn routes() -> Router<AppState> {
    let mut router = Router::new()
        .route("/{year}", get(year_unslashed))
        .route("/{year}/", get(year_first))
        .route("/{year}/page/{n}", get(year_numbered))
        .route("/{year}/{month}", get(month_unslashed))
        .route("/{year}/{month}/", get(month_first))
        .route("/{year}/{month}/page/{n}", get(month_numbered));
    for source in [Source::Publication, Source::Agency] {
        let list = format!("/{}", sources_path(source));
        router = router
            .route(
                &list,
                get(move |state: State<AppState>, links: Links| overview(state, links, source)),
            )
            .route(
                &format!("{list}/"),
                get(move |links: Links| async move { redirect(links.to(sources_path(source))) }),
            )
            .route(
                &format!("{list}/{{name}}"),
                get(
                    move |state: State<AppState>, links: Links, Path(segment): Path<String>| {
                        source_page(state, links, source, segment, None)
                    },
                ),
            )
            .route(
                &format!("{list}/{{name}}/"),
                get(
                    move |state: State<AppState>, links: Links, Path(segment): Path<String>| {
                        source_unslashed(state, links, source, segment)
                    },
                ),
            )
            .route(
                &format!("{list}/{{name}}/page/{{n}}"),
                get(
                    move |state: State<AppState>,
                          links: Links,
                          Path((segment, n)): Path<(String, String)>| {
                        source_page(state, links, source, segment, Some(n))
                    },
                ),
            );
    }
    router
}

/// The list one facet page shows.
enum Facet {
    Year(i32),
    Month(i32, u32),
    Source(Source, String),
}

impl Facet {
    /// Its page 1, from the site's root.
    fn path(&self, facets: &Facets) -> String {
        match self {
            Facet::Year(y) => year_path(*y),
            Facet::Month(y, m) => month_path(*y, *m),
            Facet::Source(source, name) => {
                source_path(*source, facets.slug(*source, name).unwrap_or(name))
            }
        }
    }

    fn listing<'a>(&self, facets: &'a Facets) -> Option<Listing<'a>> {
        match self {
            Facet::Year(y) => facets.year(*y),
            Facet::Month(y, m) => facets.month(*y, *m),
            Facet::Source(source, name) => facets.source(*source, name),
        }
    }
}

/// A year as a path segment: four digits.
fn year(segment: &str) -> Result<i32, WebError> {
    if segment.len() != 4 || !segment.bytes().all(|b| b.is_ascii_digit()) {
        return Err(WebError::NotFound);
    }
    segment.parse().map_err(|_| WebError::NotFound)
}

/// A month as a path segment: two digits, `01` to `12`.
fn month(segment: &str) -> Result<u32, WebError> {
    if segment.len() != 2 || !segment.bytes().all(|b| b.is_ascii_digit()) {
        return Err(WebError::NotFound);
    }
    segment
        .parse()
        .ok()
        .filter(|m| (1..=12).contains(m))
        .ok_or(WebError::NotFound)
}

fn redirect(to: String) -> Response {
    (CachePolicy::Short, Redirect::permanent(&to)).into_response()
}

/// A facet asked for at a near-miss of its address (`/2015`, `/publications/x/`).
async fn unslashed(
    State(state): State<AppState>,
    links: Links,
    facet: Facet,
) -> Result<Response, WebError> {
    let site = state.site();
    let facets = site.archive.facets();
    facet.listing(facets).ok_or(WebError::NotFound)?;
    Ok(redirect(links.to(&facet.path(facets))))
}

/// What a path segment after `/publications/` (or `/agencies/`) names.
enum Segment {
    /// The page of this name, by its slug.
    Name(String),
    /// A name itself, as pages were addressed before slugs (links to them were given out):
    /// its page is at this slug now.
    Moved(String),
    Unknown,
}

fn segment(facets: &Facets, source: Source, segment: &str) -> Segment {
    if let Some(name) = facets.name_of_slug(source, segment) {
        return Segment::Name(name.to_owned());
    }
    match facets.slug(source, segment.trim()) {
        Some(slug) => Segment::Moved(slug.to_owned()),
        None => Segment::Unknown,
    }
}

/// `/publications/{slug}` and `…/page/{n}`; the same with the name in place of the slug
/// redirects (308) to the slug's.
async fn source_page(
    state: State<AppState>,
    links: Links,
    source: Source,
    name: String,
    n: Option<String>,
) -> Result<Response, WebError> {
    let found = segment(state.site().archive.facets(), source, &name);
    match found {
        Segment::Name(name) => show(state, links, Facet::Source(source, name), n).await,
        Segment::Moved(slug) => {
            let path = source_path(source, &slug);
            Ok(redirect(links.to(&match n {
                None => path,
                Some(n) => format!("{path}/page/{}", links::encode_segment(&n)),
            })))
        }
        Segment::Unknown => Err(WebError::NotFound),
    }
}

/// `/publications/{slug}/` (or the name's): redirects (308) to the page without the slash.
async fn source_unslashed(
    state: State<AppState>,
    links: Links,
    source: Source,
    name: String,
) -> Result<Response, WebError> {
    let found = segment(state.site().archive.facets(), source, &name);
    match found {
        Segment::Name(name) => unslashed(state, links, Facet::Source(source, name)).await,
        Segment::Moved(slug) => Ok(redirect(links.to(&source_path(source, &slug)))),
        Segment::Unknown => Err(WebError::NotFound),
    }
}

async fn year_unslashed(
    state: State<AppState>,
    links: Links,
    Path(y): Path<String>,
) -> Result<Response, WebError> {
    unslashed(state, links, Facet::Year(year(&y)?)).await
}

async fn year_first(
    state: State<AppState>,
    links: Links,
    Path(y): Path<String>,
) -> Result<Response, WebError> {
    show(state, links, Facet::Year(year(&y)?), None).await
}

async fn year_numbered(
    state: State<AppState>,
    links: Links,
    Path((y, n)): Path<(String, String)>,
) -> Result<Response, WebError> {
    show(state, links, Facet::Year(year(&y)?), Some(n)).await
}

async fn month_unslashed(
    state: State<AppState>,
    links: Links,
    Path((y, m)): Path<(String, String)>,
) -> Result<Response, WebError> {
    unslashed(state, links, Facet::Month(year(&y)?, month(&m)?)).await
}

async fn month_first(
    state: State<AppState>,
    links: Links,
    Path((y, m)): Path<(String, String)>,
) -> Result<Response, WebError> {
    show(state, links, Facet::Month(year(&y)?, month(&m)?), None).await
}

async fn month_numbered(
    state: State<AppState>,
    links: Links,
    Path((y, m, n)): Path<(String, String, String)>,
) -> Result<Response, WebError> {
    show(state, links, Facet::Month(year(&y)?, month(&m)?), Some(n)).await
}

/// A month of a year's page, with its count.
pub struct MonthLink {
    pub link: Link,
    pub count: String,
}

#[derive(Template)]
#[template(path = "facet.html")]
struct FacetPage<'a> {
    links: Links,
    /// The `<title>`.
    title: String,
    /// `مطبوعة` or `وكالة أنباء` above a source's name; `None` for a period.
    kind: Option<&'static str>,
    /// The `<h1>`: the period (`أرشيف 2015`) or the source's name.
    heading: String,
    count: String,
    first: usize,
    last: usize,
    /// The wider list this one belongs to: a month's year, a source's overview.
    up: Option<Link>,
    /// The previous and next periods with articles.
    older: Option<Link>,
    newer: Option<Link>,
    /// A year's months.
    months: Vec<MonthLink>,
    list: Grouped<'a>,
    pager: Pager,
    preview: Preview,
}

/// Page `segment` (page 1 when `None`) of `facet`.
async fn show(
    State(state): State<AppState>,
    links: Links,
    facet: Facet,
    segment: Option<String>,
) -> Result<Response, WebError> {
    let site = state.site();
    let archive = &site.archive;
    let facets = archive.facets();
    let listing = facet.listing(facets).ok_or(WebError::NotFound)?;
    let per_page = state.config.per_page;
    let pages = listing.len().div_ceil(per_page).max(1);
    let n = match segment.as_deref().map(|s| wanted(s, pages)).transpose()? {
        None => 1,
        Some(Wanted::Page(n)) => n,
        Some(Wanted::Elsewhere(n)) => {
            return Ok(redirect(links.to(&paged_path(&facet.path(facets), n))));
        }
    };
    let start = (n - 1) * per_page;
    let end = (start + per_page).min(listing.len());
    let entries = archive.entries();
    let headings = match facet {
        Facet::Year(_) => Headings::Months,
        Facet::Month(..) => Headings::None,
        Facet::Source(..) => Headings::YearsAndMonths,
    };
    let list = group(
        &links,
        facets,
        (start..end).map(|i| &entries[listing.position(i)]),
        headings,
    );

    let period = |text: String, path: String| Link {
        text,
        href: links.to(&path),
    };
    let month_text = |y: i32, m: u32| format!("{} {y}", month_name(m));
    let (title, kind, heading, up, older, newer, months) = match &facet {
        Facet::Year(y) => {
            let (before, after) = facets.year_neighbours(*y);
            let months = facets
                .months(*y)
                .map(|(m, count)| MonthLink {
                    link: period(month_name(m).to_owned(), month_path(*y, m)),
                    count: counts::ARTICLES.count(count),
                })
                .collect();
            (
                format!("أرشيف {y}"),
                None,
                format!("أرشيف {y}"),
                None,
                before.map(|b| period(b.to_string(), year_path(b))),
                after.map(|a| period(a.to_string(), year_path(a))),
                months,
            )
        }
        Facet::Month(y, m) => {
            let (before, after) = facets.month_neighbours(*y, *m);
            let heading = format!("أرشيف {}", month_text(*y, *m));
            (
                heading.clone(),
                None,
                heading,
                Some(period(format!("أرشيف {y}"), year_path(*y))),
                before.map(|(y, m)| period(month_text(y, m), month_path(y, m))),
                after.map(|(y, m)| period(month_text(y, m), month_path(y, m))),
                Vec::new(),
            )
        }
        Facet::Source(source, name) => {
            let (kind, all) = match source {
                Source::Publication => ("المطبوعة", "كل المطبوعات"),
                Source::Agency => ("وكالة الأنباء", "كل وكالات الأنباء"),
            };
            (
                format!("{kind}: {name}"),
                Some(kind),
                name.clone(),
                Some(period(all.to_owned(), sources_path(*source).to_owned())),
                None,
                None,
                Vec::new(),
            )
        }
    };

    let path = facet.path(facets);
    let mut page_links = links.clone();
    page_links.set_here(paged_path(&path, n));
    let preview = Preview::website(
        &page_links,
        &heading,
        &format!(
            "{} في أرشيف الأخبار العربية.",
            counts::ARTICLES.count(listing.len())
        ),
    );
    let page = FacetPage {
        preview,
        title,
        kind,
        heading,
        count: counts::ARTICLES.count(listing.len()),
        first: start + 1,
        last: end,
        up,
        older,
        newer,
        months,
        list,
        pager: Pager::new("صفحات القائمة", n, pages, |k| {
            links.to(&paged_path(&path, k))
        }),
        links: page_links,
    };
    render(&page, StatusCode::OK, CachePolicy::Short)
}

pub struct SourceItem<'a> {
    pub name: &'a str,
    pub href: String,
    pub count: String,
}

#[derive(Template)]
#[template(path = "sources.html")]
struct SourcesPage<'a> {
    links: Links,
    heading: &'static str,
    summary: String,
    /// The other overview.
    other: Link,
    items: Vec<SourceItem<'a>>,
    preview: Preview,
}

/// `GET /publications`, `GET /agencies`.
async fn overview(
    State(state): State<AppState>,
    links: Links,
    source: Source,
) -> Result<Response, WebError> {
    let site = state.site();
    let ranked = site.archive.facets().sources(source);
    let (heading, noun, other, other_text) = match source {
        Source::Publication => (
            "المطبوعات",
            &counts::PUBLICATIONS,
            Source::Agency,
            "وكالات الأنباء",
        ),
        Source::Agency => (
            "وكالات الأنباء",
            &counts::AGENCIES,
            Source::Publication,
            "المطبوعات",
        ),
    };
    let summary = noun.count(ranked.len());
    let page = SourcesPage {
        preview: Preview::website(&links, heading, &summary),
        heading,
        summary,
        other: Link {
            text: other_text.to_owned(),
            href: links.to(sources_path(other)),
        },
        items: ranked
            .iter()
            .map(|(name, count)| SourceItem {
                name,
                href: links.to(&links::source_path(
                    source,
                    site.archive.facets().slug(source, name).unwrap_or(name),
                )),
                count: counts::ARTICLES.count(*count),
            })
            .collect(),
        links,
    };
    render(&page, StatusCode::OK, CachePolicy::Short)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_have_one_spelling() {
        assert_eq!(year("2015").unwrap(), 2015);
        assert_eq!(month("09").unwrap(), 9);
        for bad in ["15", "02015", "٢٠١٥", "+201", "abcd"] {
            assert!(year(bad).is_err(), "{bad}");
        }
        for bad in ["9", "00", "13", "009", "٠٩"] {
            assert!(month(bad).is_err(), "{bad}");
        }
    }
}
