//! The archive as data: one article's record at `/articles/{id}.json`, and the whole archive
//! as JSON Lines at `/archive.jsonl.gz` (documents of `archive::dataset`, schema in
//! `docs/schema/`). Search results as JSON are the search page's (`search.rs`).
//!
//! Only these answers carry `Access-Control-Allow-Origin: *`, so that a script on another
//! site may read the data; the HTML pages stay same-origin.

use std::cell::RefCell;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tower::ServiceExt;
use tower_http::services::ServeFile;

use crate::archive::Entry;
use crate::archive::dataset::{self, ArticleDocument};
use crate::web::download;
use crate::web::http::cache_policy::{CachePolicy, ETag};
use crate::web::http::error::WebError;
use crate::web::site::{AppState, Site};
use crate::web::view::links::{Links, article_path};

/// The header that lets any site's scripts read the data.
pub const ANYONE_MAY_READ: (HeaderName, HeaderValue) = (
    header::ACCESS_CONTROL_ALLOW_ORIGIN,
    HeaderValue::from_static("*"),
);

pub const JSON: &str = "application/json";

/// The path of the JSON Lines download, from the site's root.
pub const JSONL_PATH: &str = "archive.jsonl.gz";

/// `GET /articles/{id}.json`, for `entry`, an entry of `site` (the article page's lookup
/// found it, aliases redirected). `links` are the request's.
pub fn article(site: &Site, links: &Links, entry: &Entry) -> Result<Response, WebError> {
    let mut document = ArticleDocument::new(&site.archive, entry);
    let page = article_path(&entry.article.id);
    document.url = Some(links.absolute(&page).unwrap_or_else(|| links.to(&page)));
    let body = record_bytes(&document)
        .map_err(|e| WebError::Data(format!("article {}: {e}", entry.article.id)))?;
    Ok(json(body, CachePolicy::Short))
}

/// `document` as JSON ([`dataset::write_json`]), written in this thread's [`SCRATCH`].
fn record_bytes(document: &ArticleDocument) -> std::io::Result<Vec<u8>> {
    SCRATCH.with_borrow_mut(|scratch| {
        scratch.clear();
        dataset::write_json(document, scratch)?;
        let body = scratch.to_vec();
        if scratch.capacity() > KEPT_BYTES {
            *scratch = Vec::new();
        }
        Ok(body)
    })
}

thread_local! {
    /// The buffer each record is written into, kept by the thread, the body then copied out
    /// at its length. sonic-rs makes room for six times each string before writing it (its
    /// worst case of escapes), so a buffer grown from empty doubled some five times a record,
    /// copying itself each time: the records were 41.2 M instructions at 1,000 articles, 34.7 M
    /// in the kept buffer (notes/serve-bench.md, session 47).
    static SCRATCH: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// The largest [`SCRATCH`] a thread keeps: a record is some 20 KB, the room made for its
/// longest paragraph six times that; a thread that met a huge one lets go.
const KEPT_BYTES: usize = 1 << 20;

/// A JSON answer: its `ETag`, the caching `policy`, readable from any site.
pub fn json(body: Vec<u8>, policy: CachePolicy) -> Response {
    (
        StatusCode::OK,
        policy,
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(JSON)),
            ANYONE_MAY_READ,
        ],
        ETag::of(&body),
        body,
    )
        .into_response()
}

/// `GET /archive.jsonl.gz`: the file when it is written, else a stream made as it goes (see
/// [`download`]), or a 503 when too many streams run already.
pub async fn archive_jsonl(State(state): State<AppState>, request: Request) -> Response {
    let site = state.site();
    if let Some(file) = site.download.ready() {
        return send_file(file, request).await;
    }
    download::start_writing(Arc::clone(&site));
    let Some(permit) = site.download.live_permit() else {
        return WebError::DownloadBusy.into_response();
    };
    let body = download::stream(site, permit);
    (
        StatusCode::OK,
        CachePolicy::Short,
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(GZIP)),
            ANYONE_MAY_READ,
        ],
        body,
    )
        .into_response()
}

/// The download's content type: the file is gzip (it is not sent gzip-encoded).
pub const GZIP: &str = "application/gzip";

/// The written file, by tower-http's `ServeFile` (ranges, `Content-Length`, `Last-Modified`
/// and `If-Modified-Since`), with this build's `ETag`.
async fn send_file(file: download::ReadyFile, request: Request) -> Response {
    let response = match ServeFile::new(&file.path).oneshot(request).await {
        Ok(response) => response.map(Body::new),
        Err(never) => match never {},
    };
    let (mut parts, body) = response.into_parts();
    if parts.status.is_success() {
        parts
            .headers
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(GZIP));
        if let Ok(tag) = HeaderValue::from_str(&file.etag) {
            parts.headers.insert(header::ETAG, tag);
        }
        parts.extensions.insert(CachePolicy::Short);
    }
    let (name, value) = ANYONE_MAY_READ;
    parts.headers.insert(name, value);
    Response::from_parts(parts, body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::Archive;

    /// A record written in the kept buffer is the bytes written into a new one, whatever
    /// records came before it: longer, shorter, or past what the buffer keeps.
    #[test]
    fn a_record_is_the_bytes_of_a_fresh_buffer_whatever_came_before() {
        let entry = |id: &str, paragraph: &str, n: usize| {
            let mut e = Entry::default();
            e.article.id = id.into();
            e.article.title = format!("عنوان \"{id}\"");
            e.article.body = vec![paragraph.repeat(n); 3];
            e
        };
        let entries = vec![
            entry("a", "فقرة طويلة \" ", 500),
            entry("b", "قصيرة", 1),
            entry("c", "x\\", 70_000),
            entry("d", "", 0),
        ];
        let archive = Archive::from_entries(entries.clone(), None);
        for e in entries.iter().chain(&entries) {
            let document = ArticleDocument::new(&archive, e);
            let mut fresh = Vec::new();
            dataset::write_json(&document, &mut fresh).unwrap();
            assert!(
                record_bytes(&document).unwrap() == fresh,
                "{}",
                e.article.id
            );
        }
        assert!(SCRATCH.with_borrow(Vec::capacity) <= KEPT_BYTES);
    }
}
