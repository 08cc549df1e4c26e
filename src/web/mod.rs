//! The axum application: right-to-left Arabic pages over a loaded archive.
//!
//! [`app`] builds the router from an [`AppState`] (tests drive it in-process); [`serve`] runs
//! it on a listener until [`shutdown_signal`] (SIGTERM or Ctrl-C); [`run`] is `arshif serve`.
//! The folders say what each file is: [`pages`] (one file per page family, and the error
//! page), [`view`] (what the templates show: links, lists, pagers, dates), [`http`] (the error
//! type, caching, rendering, kept responses, compression, static files, headers, limits).
//! [`site`] owns the loaded site and the state; `server` and `reload` run it; [`config`] reads
//! the options. `server` imports this file for [`app`], the export for [`app_for_export`]; the
//! folders import each other one way only: `pages` uses `site`, `view` and `http`; `site` and
//! `view` use `http` and `config`.

pub mod config;
pub mod download;
pub mod http;
mod idle;
pub mod pages;
mod pending;
mod reload;
mod server;
pub mod site;
pub mod view;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;
use axum::routing::get;
use tower::ServiceBuilder;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;

pub use config::{BaseUrl, Config, ListenAddr, LogFormat, SITEMAP_MAX_URLS, ServeArgs, SiteArgs};
pub use http::error::WebError;
pub use http::response_cache::ResponseCache;
pub use server::{run, serve, shutdown_signal};
pub use site::{AppState, Site};

use http::replay::ReplayLayer;
use http::{assets, cache_policy, limits, response_cache, security};
use pages::{about, article, data, error, facets, feed, health, index, search, sitemap};
use view::links;

/// The whole site as a router, no listener involved.
///
/// Layers, from the outside in: request logs; a kept page sent again with the headers the
/// layers below gave it the first time ([`response_cache::replay`]); security headers; caching (`Cache-Control`,
/// `ETag`, `Last-Modified`, 304); the kept responses and compression ([`response_cache`]),
/// which answer a page rendered before without going further; the Arabic error page for any
/// error below it; the URI and body limits; the request timeout (503: the server was too slow,
/// not the client); the routes. HEAD is answered by every GET route (axum strips the body).
pub fn app(state: AppState) -> Router {
    let routes = routes(&state);
    // One stack around the whole router rather than `Router::layer`, which wraps every route
    // in each layer boxed apart: axum then clones that nest of boxes for each request (some
    // forty allocations, measured), where this clones plain structs once.
    let replay_state = state.clone();
    let layers = ServiceBuilder::new()
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
                .on_response(
                    DefaultOnResponse::new()
                        .level(Level::INFO)
                        .latency_unit(tower_http::LatencyUnit::Millis),
                ),
        )
        .layer(ReplayLayer::new(move |request: &Request| {
            replay(&replay_state, request)
        }))
        .layer(axum::middleware::from_fn(security::headers))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            revalidate,
        ))
        .layer(axum::middleware::from_fn_with_state(state.clone(), respond))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            render_errors,
        ))
        .layer(axum::middleware::from_fn(limits::uri_length))
        .layer(RequestBodyLimitLayer::new(limits::MAX_BODY_BYTES))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            state.config.request_timeout,
        ));
    Router::new().fallback_service(layers.service(routes))
}

/// The site as `arshif export` crawls it: [`app`]'s routes, its error pages and its limit on
/// a request's length, without the layers that only add headers, keep or compress
/// responses, or log. The export writes bodies alone, fetched once each and uncompressed, so
/// every body is the one [`app`] sends (a test holds the two exports equal); those layers
/// were 102.8 M instructions of an export of 1,000 articles without `.gz` and `.br` files
/// (1,356.2 M, callgrind; notes/serve-bench.md, session 47). No timeout either: a slow page
/// is written when it is done rather than failing the export.
///
/// The stack itself, not a `Router` around it as [`app`] has: that router matched every
/// request once more only to reach its one fallback.
pub fn app_for_export(
    state: AppState,
) -> impl tower::Service<Request, Response = Response, Error = std::convert::Infallible, Future: Send>
+ Clone
+ Send
+ Sync
+ 'static {
    ServiceBuilder::new()
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            render_errors,
        ))
        .layer(axum::middleware::from_fn(limits::uri_length))
        .service(routes(&state))
}

/// Every page family's route, over `state`.
fn routes(state: &AppState) -> Router {
    Router::new()
        .route("/", get(index::front))
        .route("/page/{n}", get(index::numbered))
        .route("/articles/{id}", get(article::show))
        .route("/articles/{id}/source", get(article::source))
        .route("/articles/{id}/captures/{n}", get(article::capture_source))
        .route(&format!("/{}", data::JSONL_PATH), get(data::archive_jsonl))
        .route("/about", get(about::show))
        .route("/feed.xml", get(feed::show))
        .route("/sitemap.xml", get(sitemap::show))
        .route("/sitemaps/{file}", get(sitemap::part))
        .route("/robots.txt", get(sitemap::robots))
        .route("/healthz", get(health::show))
        .route("/static/{*path}", get(assets::serve))
        .merge(search::routes())
        .merge(facets::routes())
        .fallback(|| async { WebError::NotFound })
        .with_state(state.clone())
}

/// [`cache_policy::revalidate`] with this run's `Cache-Control` values and the site's time,
/// taken before the handler runs (see there why).
async fn revalidate(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let site = state.site();
    cache_policy::revalidate(&state.cache_control, &site.last_modified, request, next).await
}

/// [`response_cache::replay`] over the responses kept for the site being served, with the
/// same key and daily renewal as [`respond`].
fn replay(state: &AppState, request: &Request) -> Option<Response> {
    let site = state.site();
    site.responses.renew_daily(today());
    let forwarded_site = forwarded_site(&state.config, request);
    response_cache::replay(&site.responses, forwarded_site.as_deref(), request)
}

/// Days since the Unix epoch (UTC).
fn today() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400)
}

/// The public address a trusted proxy's headers name for `request` (empty when they name
/// none), or `None` when the address does not come from the request.
fn forwarded_site(config: &Config, request: &Request) -> Option<String> {
    (config.base_url.is_none() && config.trust_proxy)
        .then(|| links::public_site(config, request.headers()).unwrap_or_default())
}

/// [`response_cache::respond`] over the responses kept for the site being served, renewed each
/// day (article pages say the day they were retrieved). When the public address comes from a
/// trusted proxy's headers, it is part of what a page depends on.
async fn respond(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let site = state.site();
    site.responses.renew_daily(today());
    let forwarded_site = forwarded_site(&state.config, &request);
    response_cache::respond(&site.responses, forwarded_site, request, next).await
}

/// [`error::render_errors`] with the public address the pages would have, so that an error
/// page links to the feed and carries a link preview like every other page.
async fn render_errors(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let site = links::public_site(&state.config, request.headers());
    error::render_errors(site, request, next).await
}
