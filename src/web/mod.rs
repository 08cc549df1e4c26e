//! The axum application: right-to-left Arabic pages over a loaded archive.
//!
//! [`app`] builds the router from an [`AppState`] (tests drive it in-process); [`serve`] runs
//! it on a listener until [`shutdown_signal`] (SIGTERM or Ctrl-C); [`run`] is `arshif serve`: load or build the
//! archive, bind, print the address, serve. Each page family has its own file; every link goes
//! through [`links::Links`], every page through [`page::render`], every `Cache-Control` and
//! `304` through [`cache`], every failure through [`error::WebError`], the options through
//! [`config`].

mod about;
mod article;
mod assets;
mod cache;
pub mod coding;
pub mod config;
mod counts;
pub mod dates;
mod error;
pub mod export;
mod facets;
mod feed;
mod health;
mod index;
pub mod limits;
pub mod links;
mod listing;
pub mod markdown;
mod page;
mod pager;
pub mod pages;
pub mod preview;
mod reload;
pub mod search;
pub mod security;
mod server;
mod sitemap;

use std::sync::Arc;
use std::time::SystemTime;

use arc_swap::ArcSwap;
use axum::Router;
use axum::http::StatusCode;
use axum::routing::get;
use tower::ServiceBuilder;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::archive::Archive;
use crate::parse::Article;
use crate::search::SearchIndex;
pub use config::{BaseUrl, Config, ListenAddr, LogFormat, ServeArgs, SiteArgs};
pub use error::WebError;
pub use pages::PageCache;
pub use server::{load_site, run, serve, shutdown_signal};
pub use sitemap::SITEMAP_MAX_URLS;

/// The archive's name, as the masthead, the feed and link previews give it.
pub const SITE_NAME: &str = "أرشيف";

/// What one build produced, served as a unit: a rebuild replaces the whole of it at once.
pub struct Site {
    pub archive: Archive,
    /// The full-text index; `None` when the site runs without one (tests of other pages).
    pub search: Option<SearchIndex>,
    /// `Last-Modified` of every page: when this build (or the binary rendering it) last
    /// changed, in whole seconds as HTTP dates have no more. It lives here, not in
    /// [`Config`], so that a rebuild swapped in brings its own time.
    pub last_modified: SystemTime,
    /// Responses rendered from this site, kept to be sent again (see [`pages`]).
    pub pages: PageCache,
}

impl Site {
    /// A site made now: its pages are `Last-Modified` now (see [`Site::modified_at`]).
    pub fn new(archive: Archive, search: Option<SearchIndex>) -> Site {
        Site {
            archive,
            search,
            last_modified: config::whole_seconds(SystemTime::now()),
            pages: PageCache::default(),
        }
    }

    /// The same site, its pages `Last-Modified` at `t`.
    pub fn modified_at(mut self, t: SystemTime) -> Site {
        self.last_modified = config::whole_seconds(t);
        self
    }

    /// The same site keeping at most `budget` bytes of rendered responses (0: none).
    pub fn with_page_cache(mut self, budget: u64) -> Site {
        self.pages = PageCache::new(budget);
        self
    }
}

/// The one state value every handler gets.
///
/// The site sits behind an [`ArcSwap`]: a handler takes one snapshot ([`AppState::site`]) and
/// renders from it alone, so a request in flight finishes on the site it started with while
/// [`AppState::replace`] swaps a new build in for the requests after it.
#[derive(Clone)]
pub struct AppState {
    site: Arc<ArcSwap<Site>>,
    pub config: Arc<Config>,
    /// Header values made from the configuration once.
    fixed: Arc<cache::Fixed>,
}

impl AppState {
    pub fn new(archive: Archive, config: Config) -> AppState {
        AppState::with_site(Site::new(archive, None), config)
    }

    pub fn with_site(site: Site, config: Config) -> AppState {
        assert!(
            config.per_page > 0,
            "an index page holds at least one article"
        );
        AppState {
            site: Arc::new(ArcSwap::from_pointee(site)),
            fixed: Arc::new(cache::Fixed::new(&config)),
            config: Arc::new(config),
        }
    }

    /// The site as it is now; hold it for the whole request.
    pub fn site(&self) -> Arc<Site> {
        self.site.load_full()
    }

    /// Serves `site` from the next request on; gives back the site it replaces, which the
    /// requests still in flight hold until they finish.
    pub fn replace(&self, site: Site) -> Arc<Site> {
        self.site.swap(Arc::new(site))
    }
}

/// The whole site as a router, no listener involved.
///
/// Layers, from the outside in: request logs; security headers; caching (`Cache-Control`,
/// `ETag`, `Last-Modified`, 304); the kept responses and compression ([`pages`]), which
/// answer a page rendered before without going further; the Arabic error page for any error below it;
/// the URI and body limits; the request timeout (503: the server was too slow, not the
/// client); the routes. HEAD is answered by every GET route (axum strips the body).
pub fn app(state: AppState) -> Router {
    let routes = Router::new()
        .route("/", get(index::front))
        .route("/page/{n}", get(index::numbered))
        .route("/articles/{id}", get(article::show))
        .route("/articles/{id}/source", get(article::source))
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
        .with_state(state.clone());
    // One stack around the whole router rather than `Router::layer`, which wraps every route
    // in each layer boxed apart: axum then clones that nest of boxes for each request (some
    // forty allocations, measured), where this clones plain structs once.
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
        .layer(axum::middleware::from_fn(security::headers))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            cache::revalidate,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            pages::respond,
        ))
        .layer(axum::middleware::from_fn(error::render_errors))
        .layer(axum::middleware::from_fn(limits::uri_length))
        .layer(RequestBodyLimitLayer::new(limits::MAX_BODY_BYTES))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            state.config.request_timeout,
        ));
    Router::new().fallback_service(layers.service(routes))
}

/// An article's title, or a stand-in when the record has none.
fn title_of(a: &Article) -> &str {
    let title = a.title.trim();
    if title.is_empty() {
        "(بلا عنوان)"
    } else {
        title
    }
}

/// A count of articles with the noun in the form Arabic grammar wants after that number.
pub fn articles_count(n: usize) -> String {
    counts::ARTICLES.count(n)
}

/// A date as the templates show it: `<time datetime="{iso}">{arabic}</time>`.
pub struct DateView {
    pub iso: String,
    pub arabic: String,
}

impl DateView {
    fn new(s: &str) -> Option<DateView> {
        dates::Date::parse(s).map(|d| DateView {
            iso: d.iso(),
            arabic: d.arabic(),
        })
    }
}
