//! The one helper every page goes through (HTML, and the feed, sitemaps and robots.txt):
//! render, then status, content type, cache policy and `ETag` in one place. The canonical
//! link is the template's, from [`Links`].
//!
//! [`Links`]: crate::web::view::links::Links

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::cache_policy::{CachePolicy, ETag};
use super::error::WebError;

pub const HTML: &str = "text/html; charset=utf-8";

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
    let body = page.render().map_err(WebError::Render)?;
    let etag = (status == StatusCode::OK)
        .then(|| ETag::of(body.as_bytes()))
        .flatten();
    Ok((
        status,
        cache,
        [(header::CONTENT_TYPE, HeaderValue::from_static(content_type))],
        etag,
        body,
    )
        .into_response())
}
