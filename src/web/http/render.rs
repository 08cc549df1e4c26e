//! The one helper every page goes through (HTML, and the feed, sitemaps and robots.txt):
//! render, then status, content type, cache policy and `ETag` in one place. The canonical
//! link is the template's, from [`Links`].
//!
//! While the static export awaits a response ([`handing_links`]), a page also hands over the
//! links its template wrote ([`HandedLinks`], a response extension): the export follows them
//! without reading the HTML again (`view::page_links`).
//!
//! [`Links`]: crate::web::view::links::Links

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::cache_policy::{CachePolicy, ETag};
use super::error::WebError;
use crate::web::view::page_links::Collector;

pub const HTML: &str = "text/html; charset=utf-8";

tokio::task_local! {
    /// Set while the static export awaits a response: pages hand over their links.
    static HANDING_LINKS: ();
}

/// Every `href` and `src` a page's template wrote, in order, entities not yet escaped (as a
/// browser reads them): an extension of a response rendered under [`handing_links`].
#[derive(Debug, Clone, Default)]
pub struct HandedLinks(pub Vec<String>);

/// Awaits `future` (a response) with every page rendered in it handing over its links.
pub async fn handing_links<F: std::future::Future>(future: F) -> F::Output {
    HANDING_LINKS.scope((), future).await
}

/// An HTML response for `page`, or the error that stopped it rendering. A 200 carries the
/// `ETag` of its bytes, hashed once here.
pub fn render(
    page: &impl Template,
    status: StatusCode,
    cache: CachePolicy,
) -> Result<Response, WebError> {
    render_as(page, status, cache, HTML)
}

/// [`render`] for a document that is not HTML, sent as `content_type`.
pub fn render_as(
    page: &impl Template,
    status: StatusCode,
    cache: CachePolicy,
    content_type: &'static str,
) -> Result<Response, WebError> {
    let (body, handed) = if HANDING_LINKS.try_with(|_| ()).is_ok() {
        let collector = Collector::default();
        let body = page
            .render_with_values(&collector.values())
            .map_err(WebError::Render)?;
        (body, Some(HandedLinks(collector.into_links())))
    } else {
        (page.render().map_err(WebError::Render)?, None)
    };
    let etag = (status == StatusCode::OK)
        .then(|| ETag::of(body.as_bytes()))
        .flatten();
    let mut response = (
        status,
        cache,
        [(header::CONTENT_TYPE, HeaderValue::from_static(content_type))],
        etag,
        body,
    )
        .into_response();
    if let Some(handed) = handed {
        response.extensions_mut().insert(handed);
    }
    Ok(response)
}
