//! The one helper every HTML page goes through: render, then status, content type and cache
//! policy in one place.

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::cache::CachePolicy;
use super::error::WebError;

pub const HTML: &str = "text/html; charset=utf-8";

/// An HTML response for `page`, or the error that stopped it rendering.
pub fn render(
    page: &impl Template,
    status: StatusCode,
    cache: CachePolicy,
) -> Result<Response, WebError> {
    let body = page.render().map_err(WebError::Render)?;
    Ok((
        status,
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(HTML)),
            (header::CACHE_CONTROL, cache.header_value()),
        ],
        body,
    )
        .into_response())
}
