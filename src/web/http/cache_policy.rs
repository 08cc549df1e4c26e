//! HTTP caching, in one place: the only code that writes `Cache-Control` and
//! `Last-Modified`, and answers `304 Not Modified`.
//!
//! A handler says how its response may be cached by returning a [`CachePolicy`] (it goes into
//! the response's extensions) and, for a body worth revalidating, an [`etag`] of its bytes.
//! The [`revalidate`] middleware, which sits outside the compression layer, turns the policy
//! into `Cache-Control` with the configured page `max-age`, adds `Last-Modified`, and
//! answers a conditional request whose validators still match with a bodiless 304. A
//! compressed body's `ETag` comes from the compression layer (`response_cache`) with its
//! coding's suffix already in it: a strong tag names one exact byte sequence, and gzip and
//! brotli bytes differ.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, IntoResponseParts, Response, ResponseParts};

use crate::stable_hash::stable_hash;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CachePolicy {
    /// Pages, redirects and plain-named static files: they change when the archive is rebuilt
    /// or the binary upgraded, so caches keep them for `--max-age` seconds.
    Short,
    /// Search results: the reader's browser may keep them for `--max-age` seconds (the back
    /// button), shared caches not at all. Queries are a long tail that a proxy cache would
    /// hold once each, and anyone could evict the pages worth caching by sending made-up ones.
    Private,
    /// Static files under a content-hashed name: that name never serves other bytes.
    Immutable,
    /// Error pages and the health check: a missing article may be added by the next build.
    NoStore,
}

/// The `Cache-Control` values of one run, made once rather than for each response (they
/// depend on the configured `max-age` only; `Last-Modified` is the site's, which a reload
/// changes).
#[derive(Debug, Clone)]
pub struct CacheControl {
    short: HeaderValue,
    private: HeaderValue,
}

impl CacheControl {
    /// The values for pages that caches may keep `max_age` seconds.
    pub fn new(max_age: u32) -> CacheControl {
        CacheControl {
            short: HeaderValue::from_str(&format!("public, max-age={max_age}"))
                .expect("digits are a valid header value"),
            private: HeaderValue::from_str(&format!("private, max-age={max_age}"))
                .expect("digits are a valid header value"),
        }
    }

    fn value(&self, policy: CachePolicy) -> HeaderValue {
        match policy {
            CachePolicy::Short => self.short.clone(),
            CachePolicy::Private => self.private.clone(),
            CachePolicy::Immutable => {
                HeaderValue::from_static("public, max-age=31536000, immutable")
            }
            CachePolicy::NoStore => HeaderValue::from_static("no-store"),
        }
    }
}

/// When a site's pages last changed, in whole seconds (HTTP dates have no more), with its
/// `Last-Modified` value made once: formatting the date for every response was 4% of the
/// instructions of a kept page (callgrind, notes/serve-bench.md, session 22).
#[derive(Debug, Clone)]
pub struct LastModified {
    time: SystemTime,
    header: HeaderValue,
}

impl LastModified {
    /// `t` without its fraction of a second, so that it equals the HTTP date made from it.
    pub fn at(t: SystemTime) -> LastModified {
        let secs = t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let time = UNIX_EPOCH + Duration::from_secs(secs);
        LastModified {
            time,
            header: http_date(time),
        }
    }

    pub fn time(&self) -> SystemTime {
        self.time
    }
}

/// A handler returns its policy beside the body: `(CachePolicy::Short, body)`.
impl IntoResponseParts for CachePolicy {
    type Error = std::convert::Infallible;

    fn into_response_parts(self, mut res: ResponseParts) -> Result<ResponseParts, Self::Error> {
        res.extensions_mut().insert(self);
        Ok(res)
    }
}

/// The strong `ETag` of a body: a hash of its bytes, so every instance of the same binary
/// serving the same archive gives the same tag (two upstreams behind one proxy agree).
pub fn etag(body: &[u8]) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{:016x}\"", stable_hash(body)))
        .expect("hex digits are a valid header value")
}

tokio::task_local! {
    /// Set while a caller that keeps only bodies (the static export) awaits a response.
    static BODIES_ONLY: ();
}

/// An `ETag` header a handler adds to its response (an [`IntoResponseParts`]).
#[derive(Debug, Clone)]
pub struct ETag(HeaderValue);

impl ETag {
    /// [`etag`] of `body`, or `None` while the response is awaited under [`bodies_only`]:
    /// hashing every body was 2% of an export's instructions, 5% of one without `.gz` and
    /// `.br` files (notes/serve-bench.md, session 37), for headers it throws away.
    pub fn of(body: &[u8]) -> Option<ETag> {
        if BODIES_ONLY.try_with(|_| ()).is_ok() {
            return None;
        }
        Some(ETag(etag(body)))
    }
}

impl IntoResponseParts for ETag {
    type Error = std::convert::Infallible;

    fn into_response_parts(self, mut res: ResponseParts) -> Result<ResponseParts, Self::Error> {
        res.headers_mut().insert(header::ETAG, self.0);
        Ok(res)
    }
}

/// Runs `future` (a request to the router) with no [`ETag`] made for the responses its
/// handlers render in this task: for a caller that reads their bodies and not their headers.
pub async fn bodies_only<F: std::future::Future>(future: F) -> F::Output {
    BODIES_ONLY.scope((), future).await
}

/// The caching middleware described in the module comment, with the run's `Cache-Control`
/// values and the time of the site as it was before the handler ran: if a rebuild is swapped
/// in while the handler renders, the body is the old site's or the new one's and that time is
/// never newer than the body. A newer time on an older body would let a cache revalidate that
/// stale body with a 304 until the next rebuild.
pub async fn revalidate(
    cache_control: &CacheControl,
    last_modified: &LastModified,
    request: Request,
    next: Next,
) -> Response {
    let conditional = matches!(*request.method(), Method::GET | Method::HEAD);
    let if_none_match = request.headers().get(header::IF_NONE_MATCH).cloned();
    let if_modified_since = request.headers().get(header::IF_MODIFIED_SINCE).cloned();
    let mut response = next.run(request).await;

    if let Some(policy) = response.extensions().get::<CachePolicy>().copied() {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, cache_control.value(policy));
    }
    if response.status() != StatusCode::OK {
        return response;
    }
    // An encoded body's tag already names its coding (`response_cache` gives it).
    let Some(tag) = response.headers().get(header::ETAG).cloned() else {
        return response;
    };
    let headers = response.headers_mut();
    headers
        .entry(header::LAST_MODIFIED)
        .or_insert_with(|| last_modified.header.clone());

    if conditional
        && not_modified(
            if_none_match.as_ref(),
            if_modified_since.as_ref(),
            &tag,
            last_modified.time,
        )
    {
        return not_modified_response(response.headers());
    }
    response
}

fn http_date(t: SystemTime) -> HeaderValue {
    HeaderValue::from_str(&httpdate::fmt_http_date(t)).expect("an HTTP date is a valid value")
}

/// RFC 9110 §13.2.2: `If-None-Match` decides when present (weak comparison, `*` matches any
/// tag); else `If-Modified-Since` does, at the one-second precision of HTTP dates.
fn not_modified(
    if_none_match: Option<&HeaderValue>,
    if_modified_since: Option<&HeaderValue>,
    tag: &HeaderValue,
    last_modified: SystemTime,
) -> bool {
    if let Some(inm) = if_none_match {
        let Ok(inm) = inm.to_str() else {
            return false;
        };
        let ours = tag.to_str().unwrap_or_default();
        let ours = ours.strip_prefix("W/").unwrap_or(ours);
        return inm
            .split(',')
            .map(str::trim)
            .any(|theirs| theirs == "*" || theirs.strip_prefix("W/").unwrap_or(theirs) == ours);
    }
    if let Some(ims) = if_modified_since
        && let Some(since) = ims
            .to_str()
            .ok()
            .and_then(|s| httpdate::parse_http_date(s).ok())
    {
        return last_modified <= since;
    }
    false
}

/// RFC 9110 §15.4.5: a 304 carries the headers a 200 would have that caches need.
fn not_modified_response(full: &HeaderMap) -> Response {
    let mut response = StatusCode::NOT_MODIFIED.into_response();
    for name in [
        header::ETAG,
        header::LAST_MODIFIED,
        header::CACHE_CONTROL,
        header::VARY,
        header::CONTENT_LOCATION,
        header::EXPIRES,
    ] {
        for value in full.get_all(&name) {
            response.headers_mut().append(name.clone(), value.clone());
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> HeaderValue {
        HeaderValue::from_str(s).unwrap()
    }

    #[test]
    fn if_none_match_compares_tags_weakly() {
        let t = SystemTime::UNIX_EPOCH;
        let tag = v("\"abc\"");
        for (header, matches) in [
            ("\"abc\"", true),
            ("W/\"abc\"", true),
            ("\"x\", \"abc\"", true),
            ("*", true),
            ("\"abd\"", false),
            ("abc", false),
        ] {
            assert_eq!(
                not_modified(Some(&v(header)), None, &tag, t),
                matches,
                "{header}"
            );
        }
        // If-None-Match wins over a matching If-Modified-Since.
        let later = v(&httpdate::fmt_http_date(
            t + std::time::Duration::from_secs(9),
        ));
        assert!(!not_modified(Some(&v("\"x\"")), Some(&later), &tag, t));
        assert!(not_modified(None, Some(&later), &tag, t));
    }

    #[tokio::test]
    async fn a_response_awaited_for_its_body_alone_gets_no_etag() {
        let tagged = |response: Response| response.headers().get(header::ETAG).cloned();
        let answer = || async { (ETag::of(b"body"), "body").into_response() };
        assert_eq!(tagged(answer().await), Some(etag(b"body")));
        assert_eq!(tagged(bodies_only(answer()).await), None);
        // Only inside: what is awaited after is tagged again.
        assert_eq!(tagged(answer().await), Some(etag(b"body")));
    }
}
