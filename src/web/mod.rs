//! The axum application: right-to-left Arabic pages over a loaded archive.
//!
//! [`app`] builds the router from an [`AppState`] (tests drive it in-process); [`serve`] runs
//! it on a listener until Ctrl-C or SIGTERM; [`run`] is `arshif serve`: load or build the
//! archive, bind, print the address, serve. Each page family has its own file; every link goes
//! through [`links::Links`], every page through [`page::render`], every `Cache-Control`
//! through [`cache::CachePolicy`], every failure through [`error::WebError`].

mod about;
mod article;
mod assets;
mod cache;
pub mod dates;
mod error;
mod index;
pub mod links;
pub mod markdown;
mod page;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use axum::Router;
use axum::routing::get;
use clap::Args;

use crate::archive::{self, Archive, compiled};
use crate::parse::Article;
pub use error::WebError;

/// `arshif serve` options; each flag also reads an environment variable.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "ARSHIF_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Folder of `.txt` dumps to serve (built first when the compiled archive is stale).
    #[arg(long, env = "ARSHIF_ARTICLES", default_value = "articles")]
    pub articles: PathBuf,
    /// Folder of the compiled archive.
    #[arg(long, env = "ARSHIF_BUILD_DIR", default_value = crate::archive::DEFAULT_BUILD_DIR)]
    pub build_dir: PathBuf,
}

/// What the pages need to know beside the archive.
#[derive(Debug, Clone)]
pub struct Config {
    /// Articles per index page.
    pub per_page: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config { per_page: 50 }
    }
}

/// The one state value every handler gets.
#[derive(Clone)]
pub struct AppState {
    pub archive: Arc<Archive>,
    pub config: Arc<Config>,
}

impl AppState {
    pub fn new(archive: Archive, config: Config) -> AppState {
        assert!(
            config.per_page > 0,
            "an index page holds at least one article"
        );
        AppState {
            archive: Arc::new(archive),
            config: Arc::new(config),
        }
    }
}

/// The whole site as a router, no listener involved.
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/", get(index::front))
        .route("/page/{n}", get(index::numbered))
        .route("/articles/{id}", get(article::show))
        .route("/articles/{id}/source", get(article::source))
        .route("/about", get(about::show))
        .route("/static/{*path}", get(assets::serve))
        .fallback(|| async { WebError::NotFound })
        .layer(axum::middleware::from_fn(error::render_errors))
        .with_state(state)
}

/// Serves `state` on `listener` until Ctrl-C or SIGTERM; requests in flight are finished.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown_signal())
        .await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        // If the handler cannot be installed, only SIGTERM (or a kill) stops the server.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

/// Loads (or builds) the archive and serves it until interrupted.
pub fn run(args: ServeArgs) -> anyhow::Result<()> {
    // A second initialisation (a test calling `run` twice) is harmless, so its error is not.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .try_init();

    let compiled_path = compiled::path_in(&args.build_dir);
    let (archive, report) = archive::load_or_build(&args.articles, &compiled_path)?;
    if let Some(report) = report {
        eprint!("{}", report.render());
    }
    let articles = archive.len();
    let state = AppState::new(archive, Config::default());

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(args.addr)
            .await
            .with_context(|| format!("cannot listen on {}", args.addr))?;
        let addr = listener.local_addr()?;
        println!("serving {articles} articles at http://{addr}/");
        serve(listener, state).await.context("serving")
    })
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
    match (n, n % 100) {
        (0, _) => "لا مقالات".to_owned(),
        (1, _) => "مقال واحد".to_owned(),
        (2, _) => "مقالان".to_owned(),
        (_, 3..=10) => format!("{n} مقالات"),
        (_, 11..=99) => format!("{n} مقالًا"),
        _ => format!("{n} مقال"),
    }
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
