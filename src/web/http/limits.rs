//! What one client may ask of the server: bounds that keep a slow or hostile client from
//! holding it. The request timeout is `--request-timeout`; the rest are fixed here, being far
//! above anything a reader's browser or a proxy sends to a read-only archive.

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::error::WebError;

/// Longest request target (path and query) answered; longer gets 414. The site's own URLs
/// are under 100 bytes.
pub const MAX_URI_BYTES: usize = 8 * 1024;

/// Largest request body accepted (413 above it). The archive takes no input, so any body is
/// a mistake; this only stops one being read at length.
pub const MAX_BODY_BYTES: usize = 16 * 1024;

/// Connections served at once; the next ones wait in the kernel's accept queue. Each HTTP/1
/// connection carries one request at a time, so this also bounds requests in flight.
pub const MAX_CONNECTIONS: usize = 512;

/// 414 for an over-long request target, before any handler sees it.
pub async fn uri_length(request: Request, next: Next) -> Response {
    let uri = request.uri();
    let len = uri.path_and_query().map_or(0, |pq| pq.as_str().len());
    if len > MAX_URI_BYTES {
        return WebError::UriTooLong.into_response();
    }
    next.run(request).await
}
