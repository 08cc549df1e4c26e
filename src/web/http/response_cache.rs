//! Rendered responses, kept and sent again: the response cache of a [`Site`] (HTTP
//! `Cache-Control` is [`super::cache_policy`]'s), and the one place that compresses bodies.
//!
//! A page of a read-only archive is the same bytes until the next build, so rendering it
//! again for every reader is wasted work. The [`respond`] middleware keeps each cacheable
//! `GET` response (a `200` the handler marked [`CachePolicy::Short`] or
//! [`CachePolicy::Immutable`]) as a [`Representation`]: the body, its headers, and its gzip
//! and brotli encodings, each made the first time a client asks for it. The next request for
//! the same path and query (and the same public address, when a trusted proxy names it) is
//! answered from memory before routing; the layers outside it (`cache_policy::revalidate` with its
//! 304s, the security headers, the request log) apply as to any response.
//!
//! Memory is bounded: the cache holds at most `--page-cache-mib` of bodies (quick_cache's
//! CLOCK-Pro eviction, which a crawler's one-off visits do not flush). The cache belongs to
//! the [`Site`], so when a rebuild swaps the site in, the old pages go with the old site.
//!
//! Every other response with an in-memory body (error pages, redirects, whatever is not
//! kept) is compressed here too, by the same rules ([`coding`]), so no other compression
//! layer is needed. A streamed body (no exact length) passes as it is, uncompressed.
//!
//! [`Site`]: crate::web::site::Site

use std::borrow::Cow;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use axum::body::HttpBody as _;
use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{Extensions, HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use quick_cache::Weighter;
use quick_cache::sync::Cache;

use super::cache_policy::CachePolicy;
use super::coding::{self, Coding};

/// The largest body buffered to be compressed or kept; larger (or streamed) bodies pass.
const MAX_BODY_BYTES: u64 = 16 * 1024 * 1024;

/// One response as the handlers made it, with its encodings made on demand.
pub struct Representation {
    status: StatusCode,
    /// The handler's headers, without `Content-Length`, with `Vary: accept-encoding` when the
    /// body is compressible.
    headers: HeaderMap,
    extensions: Extensions,
    identity: Bytes,
    compressible: bool,
    gzip: OnceLock<Bytes>,
    brotli: OnceLock<Bytes>,
    /// The `ETag` of the gzip and brotli bodies, made once rather than for each response
    /// (a `format!` per compressed response was 6% of its instructions, callgrind).
    gzip_tag: Option<HeaderValue>,
    brotli_tag: Option<HeaderValue>,
    /// The headers the layers outside this one ended up sending with the body in each coding
    /// (by [`Coding`]'s order), learnt from the first full answer ([`learn`]): [`replay`]
    /// answers a later request with them, without going through those layers again.
    replies: [OnceLock<HeaderMap>; 3],
}

impl Representation {
    /// Reads `response` into memory; gives it back untouched when its body is streamed,
    /// too large, or already encoded.
    pub async fn read(response: Response) -> Result<Representation, Response> {
        let exact = response.body().size_hint().exact();
        let encoded = response.headers().contains_key(header::CONTENT_ENCODING)
            || response.headers().contains_key(header::CONTENT_RANGE);
        if encoded || exact.is_none_or(|len| len > MAX_BODY_BYTES) {
            return Err(response);
        }
        let (parts, body) = response.into_parts();
        let identity = match axum::body::to_bytes(body, usize::MAX).await {
            Ok(bytes) => bytes,
            Err(e) => {
                // In-memory bodies do not fail; if one does, the reader gets a plain 500.
                tracing::error!("cannot read a response body: {e}");
                return Err(StatusCode::INTERNAL_SERVER_ERROR.into_response());
            }
        };
        let mut headers = parts.headers;
        headers.remove(header::CONTENT_LENGTH);
        let content_type = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        let compressible = coding::compressible(content_type, identity.len());
        if compressible && !varies_on_accept_encoding(&headers) {
            headers.append(
                header::VARY,
                HeaderValue::from_static(header::ACCEPT_ENCODING.as_str()),
            );
        }
        let coded_tag = |coding| {
            compressible
                .then(|| {
                    headers
                        .get(header::ETAG)
                        .and_then(|t| coded_etag(t, coding))
                })
                .flatten()
        };
        let (gzip_tag, brotli_tag) = (coded_tag(Coding::Gzip), coded_tag(Coding::Brotli));
        Ok(Representation {
            status: parts.status,
            headers,
            extensions: parts.extensions,
            identity,
            compressible,
            gzip: OnceLock::new(),
            brotli: OnceLock::new(),
            gzip_tag,
            brotli_tag,
            replies: Default::default(),
        })
    }

    /// Whether every reader may be sent these bytes: a `200` marked cacheable that depends on
    /// nothing in the request but what the cache key holds.
    fn cacheable(&self) -> bool {
        let policy = self.extensions.get::<CachePolicy>();
        self.status == StatusCode::OK
            && matches!(policy, Some(CachePolicy::Short | CachePolicy::Immutable))
            && !self.headers.contains_key(header::SET_COOKIE)
            && self
                .headers
                .get_all(header::VARY)
                .iter()
                .all(|v| v.as_bytes().eq_ignore_ascii_case(b"accept-encoding"))
    }

    /// The body in `coding`, encoded the first time it is asked for.
    fn body(&self, coding: Coding) -> Bytes {
        let cell = match coding {
            Coding::Identity => return self.identity.clone(),
            Coding::Gzip => &self.gzip,
            Coding::Brotli => &self.brotli,
        };
        cell.get_or_init(|| coding::encode(coding, &self.identity, coding::SERVER_LEVELS).into())
            .clone()
    }

    /// The coding this body is sent in to a client that accepts `coding`.
    fn sent_in(&self, coding: Coding) -> Coding {
        if self.compressible {
            coding
        } else {
            Coding::Identity
        }
    }

    /// The response for a client that accepts `coding` (`head`: without the body).
    pub fn response(&self, coding: Coding, head: bool) -> Response {
        let coding = self.sent_in(coding);
        let body = self.body(coding);
        let mut headers = self.headers.clone();
        let coded_tag = match coding {
            Coding::Identity => None,
            Coding::Gzip => Some(&self.gzip_tag),
            Coding::Brotli => Some(&self.brotli_tag),
        };
        if let Some(tag) = coded_tag {
            headers.insert(header::CONTENT_ENCODING, coding.header_value());
            headers.remove(header::ACCEPT_RANGES);
            match tag {
                Some(tag) => headers.insert(header::ETAG, tag.clone()),
                // A tag that cannot carry the suffix would name the identity bytes: none.
                None => headers.remove(header::ETAG),
            };
        }
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(body.len()));
        let mut response = Response::new(if head {
            Body::empty()
        } else {
            Body::from(body)
        });
        *response.status_mut() = self.status;
        *response.headers_mut() = headers;
        *response.extensions_mut() = self.extensions.clone();
        response
    }

    /// Bytes of memory this holds, counting the encodings it may come to hold (about half
    /// the body for both together, on the archive's pages).
    fn weight(&self) -> u64 {
        let body = self.identity.len() as u64;
        let headers: u64 = self
            .headers
            .iter()
            .map(|(k, v)| (k.as_str().len() + v.len()) as u64)
            .sum();
        body + body / 2 + headers + 256
    }
}

/// The `ETag` of `tag`'s body encoded with `coding`: `-gzip` or `-br` inside the quotes.
fn coded_etag(tag: &HeaderValue, coding: Coding) -> Option<HeaderValue> {
    let tag = tag.to_str().ok()?.strip_suffix('"')?;
    HeaderValue::from_str(&format!("{tag}-{}\"", coding.token())).ok()
}

fn varies_on_accept_encoding(headers: &HeaderMap) -> bool {
    headers.get_all(header::VARY).iter().any(|v| {
        v.to_str().is_ok_and(|v| {
            v.split(',')
                .any(|f| f.trim().eq_ignore_ascii_case("accept-encoding"))
        })
    })
}

#[derive(Clone)]
struct ByBytes;

impl Weighter<String, Arc<Representation>> for ByBytes {
    fn weight(&self, key: &String, value: &Arc<Representation>) -> u64 {
        key.len() as u64 + value.weight()
    }
}

/// The rendered responses of one site, by request target, within a memory budget.
pub struct ResponseCache {
    /// `None` when the budget is zero: every request is rendered.
    cache: Option<Cache<String, Arc<Representation>, ByBytes>>,
    budget: u64,
    /// The day (since the Unix epoch, UTC) the kept responses were rendered on: see
    /// [`ResponseCache::renew_daily`].
    day: AtomicU64,
}

/// What a site keeps unless told otherwise: some 4,000 article pages.
pub const DEFAULT_BUDGET_BYTES: u64 = 64 * 1024 * 1024;

impl ResponseCache {
    /// A cache of at most `budget` bytes (0: none).
    pub fn new(budget: u64) -> ResponseCache {
        let cache = (budget > 0).then(|| {
            // quick_cache sizes its tables from the expected count; pages are ~16 KiB.
            let items = usize::try_from(budget / 16_384)
                .unwrap_or(usize::MAX)
                .max(16);
            Cache::with_weighter(items, budget, ByBytes)
        });
        ResponseCache {
            cache,
            budget,
            day: AtomicU64::new(0),
        }
    }

    /// Forgets every kept response when `day` (since the Unix epoch) is not the day they were
    /// rendered on. Article pages say the day a reader retrieved them (their citation), so
    /// none is sent again on a later day; every other page is rendered again once a day.
    pub fn renew_daily(&self, day: u64) {
        if self.day.swap(day, Ordering::Relaxed) != day
            && let Some(cache) = &self.cache
        {
            cache.clear();
        }
    }

    /// The budget it was made with, so that a rebuilt site keeps the same one.
    pub fn budget(&self) -> u64 {
        self.budget
    }

    fn get(&self, key: &str) -> Option<Arc<Representation>> {
        self.cache.as_ref()?.get(key)
    }

    fn insert(&self, key: String, value: Arc<Representation>) {
        if let Some(cache) = &self.cache {
            cache.insert(key, value);
        }
    }

    /// How many responses are kept (for tests and figures).
    pub fn len(&self) -> usize {
        self.cache.as_ref().map_or(0, Cache::len)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Default for ResponseCache {
    fn default() -> Self {
        ResponseCache::new(DEFAULT_BUDGET_BYTES)
    }
}

/// What a kept response depends on: the request target, and the public address when a
/// trusted proxy names it (it is in each page's canonical link).
fn key<'r>(forwarded_site: Option<&str>, request: &'r Request) -> Cow<'r, str> {
    let target = request.uri().path_and_query().map_or("/", |pq| pq.as_str());
    match forwarded_site {
        Some(site) => Cow::Owned(format!("{site}\n{target}")),
        None => Cow::Borrowed(target),
    }
}

/// The middleware described in the module comment, keeping responses in `kept` (the site's).
/// `forwarded_site` is the public address a trusted proxy's headers name for this request
/// (empty when they name none), or `None` when the address does not come from the request.
pub async fn respond(
    kept: &ResponseCache,
    forwarded_site: Option<String>,
    mut request: Request,
    next: Next,
) -> Response {
    let coding = coding::negotiate(request.headers());
    let method = request.method().clone();
    if method != Method::GET && method != Method::HEAD {
        return encoded(next.run(request).await, coding).await;
    }
    let head = method == Method::HEAD;
    let key = key(forwarded_site.as_deref(), &request);
    if let Some(representation) = kept.get(&key) {
        let mut response = representation.response(coding, head);
        Kept::mark(&mut response, representation, coding);
        return response;
    }
    let key = key.into_owned();
    // A HEAD is answered from the GET's response, which is then kept like any other.
    *request.method_mut() = Method::GET;
    let response = next.run(request).await;
    match Representation::read(response).await {
        Ok(representation) => {
            let mut response = representation.response(coding, head);
            if representation.cacheable() {
                let representation = Arc::new(representation);
                kept.insert(key, representation.clone());
                Kept::mark(&mut response, representation, coding);
            }
            response
        }
        Err(response) if head => response.map(|_| Body::empty()),
        Err(response) => response,
    }
}

/// Marks a response made from a kept representation (in its extensions), so that [`learn`]
/// can keep the headers it leaves with.
#[derive(Clone)]
struct Kept {
    representation: Arc<Representation>,
    coding: Coding,
}

impl Kept {
    fn mark(response: &mut Response, representation: Arc<Representation>, asked: Coding) {
        let coding = representation.sent_in(asked);
        response.extensions_mut().insert(Kept {
            representation,
            coding,
        });
    }
}

/// Keeps the headers of a `200` made from a kept representation as every layer left them,
/// for [`replay`]. They are the same for every request that reaches a `200` (a conditional
/// one that matched got a 304 and is not learnt from).
pub fn learn(response: &mut Response) {
    if let Some(Kept {
        representation,
        coding,
    }) = response.extensions_mut().remove::<Kept>()
        && response.status() == StatusCode::OK
    {
        let _ = representation.replies[coding as usize].set(response.headers().clone());
    }
}

/// The kept response to `request` with the headers every layer gave it before ([`learn`]),
/// made without those layers: a GET or HEAD without validators (`If-None-Match` and
/// `If-Modified-Since` may call for a 304) whose page is kept and was sent in the client's
/// coding before. `None`: go the whole way. A kept page costs the router, the security,
/// caching and compression layers a third of its instructions otherwise (callgrind,
/// notes/serve-bench.md, session 22).
pub fn replay(
    kept: &ResponseCache,
    forwarded_site: Option<&str>,
    request: &Request,
) -> Option<Response> {
    let method = request.method();
    let headers = request.headers();
    if (method != Method::GET && method != Method::HEAD)
        || headers.contains_key(header::IF_NONE_MATCH)
        || headers.contains_key(header::IF_MODIFIED_SINCE)
    {
        return None;
    }
    let representation = kept.get(&key(forwarded_site, request))?;
    let coding = representation.sent_in(coding::negotiate(headers));
    let sent = representation.replies[coding as usize].get()?.clone();
    let body = if method == Method::HEAD {
        Body::empty()
    } else {
        Body::from(representation.body(coding))
    };
    let mut response = Response::new(body);
    *response.status_mut() = representation.status;
    *response.headers_mut() = sent;
    Some(response)
}

/// `response` compressed for `coding` when its body is in memory, else as it is.
async fn encoded(response: Response, coding: Coding) -> Response {
    match Representation::read(response).await {
        Ok(representation) => representation.response(coding, false),
        Err(response) => response,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compressed_bodies_get_their_own_tag() {
        let tag = HeaderValue::from_static("\"abc\"");
        assert_eq!(
            coded_etag(&tag, Coding::Brotli),
            Some(HeaderValue::from_static("\"abc-br\""))
        );
        assert_eq!(
            coded_etag(&tag, Coding::Gzip),
            Some(HeaderValue::from_static("\"abc-gzip\""))
        );
        assert_eq!(
            coded_etag(&HeaderValue::from_static("abc"), Coding::Gzip),
            None
        );
    }
}
