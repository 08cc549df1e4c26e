//! `arshif serve`: logging, the listener (TCP or Unix socket), the connection loop and
//! graceful shutdown.
//!
//! The loop is hyper's rather than `axum::serve`, which sets no timer on its connections and
//! so no header read timeout: with it, a client that opens a connection and never finishes
//! its headers (or idles between requests) holds it forever. Here each connection gets
//! `--request-timeout` to send its headers, at most [`MAX_CONNECTIONS`] are served at once,
//! and on SIGTERM or Ctrl-C the listener closes, requests in flight are answered, and the
//! process exits 0 (after a grace period, whatever the remaining connections are doing).

use std::io::IsTerminal;
use std::path::Path;
use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum::serve::{Listener, ListenerExt};
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::sync::Semaphore;

use super::config::{Config, ListenAddr, LogFormat, ServeArgs};
use super::http::limits::MAX_CONNECTIONS;
use super::idle;
use super::site::{self, AppState, Build};
use super::{app, reload};

/// Serves `state` on `listener` until `shutdown` resolves (see [`shutdown_signal`]); requests
/// in flight are finished.
pub async fn serve<L: Listener>(
    mut listener: L,
    state: AppState,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let timeout = state.config.request_timeout;
    let router = app(state);
    let mut http = http1::Builder::new();
    // `writev`: the head and the body leave in one vectored write; flattened, hyper copied
    // every body into its write buffer (a third of the instructions of a kept page, measured
    // with callgrind). No `pipeline_flush`: it forces the flattening back on, for pipelined
    // requests that browsers do not send.
    http.timer(TokioTimer::new())
        .header_read_timeout(timeout)
        .writev(true);
    let connections = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let graceful = GracefulShutdown::new();
    let mut signal = pin!(shutdown);

    loop {
        let permit = tokio::select! {
            permit = connections.clone().acquire_owned() => permit.expect("never closed"),
            () = &mut signal => break,
        };
        let (io, _) = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut signal => break,
        };
        let service = TowerToHyperService::new(router.clone());
        let connection = graceful.watch(http.serve_connection(TokioIo::new(io), service));
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!("connection ended: {e}");
            }
            drop(permit);
        });
    }
    drop(listener);
    tracing::info!("shutting down: finishing requests in flight");
    let grace = timeout + Duration::from_secs(5);
    if tokio::time::timeout(grace, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("closed connections still busy after {grace:?}");
    }
    Ok(())
}

/// Resolves on SIGTERM or SIGINT (Ctrl-C). The handlers are installed when this is called, not
/// when the future is first polled, so a signal that comes as soon as the server says it
/// listens is not lost (and does not kill it uncleanly).
pub fn shutdown_signal() -> std::io::Result<impl Future<Output = ()> + Send + 'static> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut terminate = signal(SignalKind::terminate())?;
        let mut interrupt = signal(SignalKind::interrupt())?;
        Ok(async move {
            tokio::select! {
                _ = terminate.recv() => {},
                _ = interrupt.recv() => {},
            }
        })
    }
    #[cfg(not(unix))]
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
    })
}

fn init_logging(format: LogFormat, filter: &str) {
    let filter = tracing_subscriber::EnvFilter::new(filter);
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal());
    // A second initialisation (a test calling `run` twice) is harmless, so its error is not.
    let _ = match format {
        LogFormat::Human => builder.try_init(),
        LogFormat::Json => builder
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .try_init(),
    };
}

/// Loads (or builds) the archive and serves it until interrupted.
pub fn run(args: ServeArgs) -> anyhow::Result<()> {
    init_logging(args.log_format, &args.log_level);

    let (site, report) = site::open(
        &args.site.articles,
        &args.site.build_dir,
        Build::IfFolderStale,
    )?;
    if let Some(report) = report {
        eprint!("{}", report.render(crate::archive::Warnings::Grouped));
    }
    let site = site.with_response_cache(args.page_cache_mib.saturating_mul(1024 * 1024));
    let articles = site.archive.len();
    let config = Config::from_args(&args);
    if config.base_url.is_none() && !config.trust_proxy {
        tracing::warn!(
            "no public address (--base-url or --trust-proxy): pages have no canonical link or \
             og:url, and /feed.xml and /sitemap.xml are not served"
        );
    }
    let state = AppState::with_site(site, config);

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let served = runtime.block_on(async {
        let shutdown = shutdown_signal().context("cannot handle SIGTERM")?;
        let reloader = reload::start(
            state.clone(),
            args.site.articles.clone(),
            &args.site.build_dir,
            args.watch,
        )?;
        let served = match &args.addr {
            ListenAddr::Tcp(addr) => {
                let listener = tokio::net::TcpListener::bind(addr)
                    .await
                    .with_context(|| format!("cannot listen on {addr}"))?;
                let addr = listener.local_addr()?;
                // A response is one write; Nagle's algorithm would only hold back the
                // last segment of a large one until the client's delayed ACK.
                let listener = listener.tap_io(|tcp| {
                    if let Err(e) = tcp.set_nodelay(true) {
                        tracing::debug!("cannot set TCP_NODELAY: {e}");
                    }
                });
                println!("serving {articles} articles at http://{addr}/");
                warm_search(&state);
                serve(listener, state, shutdown).await.context("serving")
            }
            #[cfg(unix)]
            ListenAddr::Unix(path) => {
                let listener = bind_unix(path)?;
                println!("serving {articles} articles at unix:{}", path.display());
                warm_search(&state);
                let served = serve(listener, state, shutdown).await.context("serving");
                let _ = std::fs::remove_file(path);
                served
            }
            #[cfg(not(unix))]
            ListenAddr::Unix(_) => Err(anyhow::anyhow!("Unix sockets need a Unix system")),
        };
        reloader.finish();
        served
    });
    // A rebuild still running is not waited for: stopped as `kill -9` would stop a build, it
    // leaves the build folder good.
    runtime.shutdown_timeout(Duration::from_secs(1));
    served
}

/// Reads ahead the search index being served on an idle thread, once `serve` listens (never
/// before its first answer): a first search after a large build otherwise waits for the disk
/// (see [`crate::search::ReadAhead`]). Until it has read the index, queries ask for their own pages first
/// ([`crate::search::SearchIndex::read_ahead`]).
fn warm_search(state: &AppState) {
    let Some(ahead) = state.site().search.as_ref().map(|s| s.read_ahead()) else {
        return;
    };
    let warming = idle::spawn("arshif-warm", move || match ahead.run() {
        Ok(bytes) => tracing::debug!("read {bytes} bytes of the search index ahead"),
        Err(e) => tracing::debug!("cannot read the search index ahead: {e}"),
    });
    if let Err(e) = warming {
        tracing::debug!("cannot start reading the search index ahead: {e}");
    }
}

/// Binds a Unix socket at `path`, replacing a socket left by a previous run (but no other
/// kind of file). The socket is made connectable by any local user, as a loopback port is;
/// the folder it is in decides who reaches it (systemd's `RuntimeDirectory`).
#[cfg(unix)]
fn bind_unix(path: &Path) -> anyhow::Result<tokio::net::UnixListener> {
    use std::os::unix::fs::{FileTypeExt, PermissionsExt};
    if let Ok(meta) = std::fs::symlink_metadata(path) {
        anyhow::ensure!(
            meta.file_type().is_socket(),
            "{} exists and is not a socket",
            path.display()
        );
        std::fs::remove_file(path).with_context(|| format!("cannot remove {}", path.display()))?;
    }
    let listener = tokio::net::UnixListener::bind(path)
        .with_context(|| format!("cannot listen on unix:{}", path.display()))?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o666))
        .with_context(|| format!("cannot open {} to other users", path.display()))?;
    Ok(listener)
}
