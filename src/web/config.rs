//! `arshif serve`'s options, parsed raw by clap (every flag also reads an `ARSHIF_…`
//! environment variable, for systemd units), then turned into the typed [`Config`] the pages
//! read.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use clap::{Args, ValueEnum};

/// `arshif serve` options; each flag also reads an environment variable.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Where to listen: HOST:PORT, or a Unix socket as `unix:/run/arshif/arshif.sock` (a path
    /// starting with `/` is a socket too).
    #[arg(long, env = "ARSHIF_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: ListenAddr,
    #[command(flatten)]
    pub site: SiteArgs,
    /// Believe the proxy's `X-Forwarded-Proto`, `X-Forwarded-Host` (else `Host`) and
    /// `X-Forwarded-Prefix` for absolute links when `--base-url` is not given. Only behind a
    /// proxy that sets these headers itself: a client could send them too.
    #[arg(long, env = "ARSHIF_TRUST_PROXY")]
    pub trust_proxy: bool,
    /// Seconds browsers and proxies may reuse a page before asking again (`max-age`).
    /// Content-hashed static files are cached for a year whatever this says.
    #[arg(
        long,
        env = "ARSHIF_MAX_AGE",
        value_name = "SECONDS",
        default_value_t = 300
    )]
    pub max_age: u32,
    /// Seconds a request may take, from its first header byte to its response; also how long
    /// an idle connection is kept open.
    #[arg(long, env = "ARSHIF_REQUEST_TIMEOUT", value_name = "SECONDS", default_value_t = 10,
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub request_timeout: u64,
    /// Rebuild the archive when a dump, an override or `about.md` changes, and serve the new
    /// build from then on (SIGHUP rebuilds with or without this flag). A failed rebuild keeps
    /// the last good build serving.
    #[arg(long, env = "ARSHIF_WATCH")]
    pub watch: bool,
    /// Memory for rendered pages kept to be sent again, with their gzip and brotli
    /// encodings, in MiB (0: render every request). 64 MiB holds some 4,000 article pages.
    #[arg(
        long,
        env = "ARSHIF_PAGE_CACHE_MIB",
        value_name = "MIB",
        default_value_t = 64
    )]
    pub page_cache_mib: u64,
    /// Log lines for people (`human`) or one JSON object per line (`json`).
    #[arg(long, env = "ARSHIF_LOG_FORMAT", value_enum, default_value_t = LogFormat::Human)]
    pub log_format: LogFormat,
    /// What to log: a level (`error`, `warn`, `info`, `debug`, `trace`) or per-module
    /// directives (`info,tower_http=debug`). `info` logs one line per request.
    #[arg(long, env = "ARSHIF_LOG_LEVEL", default_value = "info", value_name = "FILTER",
          value_parser = parse_log_filter)]
    pub log_level: String,
}

/// What `arshif serve` and `arshif export` render: the archive and its public address.
#[derive(Debug, Clone, Args)]
pub struct SiteArgs {
    /// Folder of `.txt` dumps (built first when the compiled archive is stale).
    #[arg(long, env = "ARSHIF_ARTICLES", default_value = "articles")]
    pub articles: PathBuf,
    /// Folder of the compiled archive (must be writable when a rebuild is due).
    #[arg(long, env = "ARSHIF_BUILD_DIR", default_value = crate::archive::DEFAULT_BUILD_DIR)]
    pub build_dir: PathBuf,
    /// Public address of the archive, e.g. `https://example.org/archive/`. Absolute links
    /// (each page's canonical link) are made from it; relative links work without it.
    #[arg(long, env = "ARSHIF_BASE_URL", value_name = "URL")]
    pub base_url: Option<BaseUrl>,
}

fn parse_log_filter(s: &str) -> Result<String, String> {
    tracing_subscriber::EnvFilter::try_new(s)
        .map(|_| s.to_owned())
        .map_err(|e| e.to_string())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Human,
    Json,
}

/// A TCP address or a Unix socket path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListenAddr {
    Tcp(SocketAddr),
    Unix(PathBuf),
}

impl FromStr for ListenAddr {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if let Some(path) = s.strip_prefix("unix:") {
            if path.is_empty() {
                return Err("`unix:` needs a socket path after it".into());
            }
            return Ok(ListenAddr::Unix(path.into()));
        }
        if s.starts_with('/') {
            return Ok(ListenAddr::Unix(s.into()));
        }
        s.parse().map(ListenAddr::Tcp).map_err(|_| {
            format!("`{s}` is neither HOST:PORT (e.g. 127.0.0.1:8080) nor unix:/path/to.sock")
        })
    }
}

impl fmt::Display for ListenAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ListenAddr::Tcp(a) => write!(f, "{a}"),
            ListenAddr::Unix(p) => write!(f, "unix:{}", p.display()),
        }
    }
}

/// The archive's public address: `http(s)://host[:port]/path/`, always ending in `/`, no
/// query or fragment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl(String);

impl BaseUrl {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for BaseUrl {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad =
            |why: &str| format!("`{s}` is not a base URL like https://example.org/archive/: {why}");
        let uri: axum::http::Uri = s.parse().map_err(|_| bad("unparsable"))?;
        match uri.scheme_str() {
            Some("http" | "https") => {}
            _ => return Err(bad("it must start with http:// or https://")),
        }
        let Some(authority) = uri.authority() else {
            return Err(bad("no host"));
        };
        if authority.as_str().contains('@') {
            return Err(bad("no user name or password, please"));
        }
        if uri.query().is_some() || s.contains('#') {
            return Err(bad("no query or fragment"));
        }
        let mut url = format!(
            "{}://{}{}",
            uri.scheme_str().unwrap_or("https"),
            authority,
            uri.path()
        );
        if !url.ends_with('/') {
            url.push('/');
        }
        Ok(BaseUrl(url))
    }
}

/// The most URLs one sitemap may hold (sitemaps.org protocol).
pub const SITEMAP_MAX_URLS: usize = 50_000;

/// What the pages need to know beside the archive.
#[derive(Debug, Clone)]
pub struct Config {
    /// Articles per index page.
    pub per_page: usize,
    /// Results per search page: ten, as readers of search engines expect; each costs a
    /// stored document and a passage, so a page of fifty cost about five times as much
    /// (notes/search-bench.md). The pager reaches the rest.
    pub search_per_page: usize,
    /// `max-age` of pages, in seconds.
    pub max_age: u32,
    /// The public address absolute links are made from; see [`super::links`].
    pub base_url: Option<BaseUrl>,
    /// Whether `X-Forwarded-*` headers make absolute links when `base_url` is not set.
    pub trust_proxy: bool,
    /// How long a request may take.
    pub request_timeout: Duration,
    /// The most URLs in one sitemap before `/sitemap.xml` becomes an index of parts
    /// ([`SITEMAP_MAX_URLS`]; tests set a small one).
    pub sitemap_limit: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            per_page: 50,
            search_per_page: 10,
            max_age: 300,
            base_url: None,
            trust_proxy: false,
            request_timeout: Duration::from_secs(10),
            sitemap_limit: SITEMAP_MAX_URLS,
        }
    }
}

impl Config {
    /// The configuration `arshif serve` runs with.
    pub fn from_args(args: &ServeArgs) -> Config {
        Config {
            max_age: args.max_age,
            base_url: args.site.base_url.clone(),
            trust_proxy: args.trust_proxy,
            request_timeout: Duration::from_secs(args.request_timeout),
            ..Config::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listen_addresses() {
        assert_eq!(
            "127.0.0.1:8080".parse(),
            Ok(ListenAddr::Tcp("127.0.0.1:8080".parse().unwrap()))
        );
        assert_eq!(
            "[::1]:80".parse(),
            Ok(ListenAddr::Tcp("[::1]:80".parse().unwrap()))
        );
        assert_eq!(
            "unix:/run/arshif/a.sock".parse(),
            Ok(ListenAddr::Unix("/run/arshif/a.sock".into()))
        );
        assert_eq!(
            "/run/a.sock".parse(),
            Ok(ListenAddr::Unix("/run/a.sock".into()))
        );
        for bad in ["", "localhost", "8080", "unix:", "example.org:80"] {
            assert!(bad.parse::<ListenAddr>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn base_urls_end_in_a_slash() {
        let ok = |s: &str| s.parse::<BaseUrl>().unwrap().as_str().to_owned();
        assert_eq!(
            ok("https://example.org/archive/"),
            "https://example.org/archive/"
        );
        assert_eq!(
            ok("https://example.org/archive"),
            "https://example.org/archive/"
        );
        assert_eq!(ok("http://127.0.0.1:8080"), "http://127.0.0.1:8080/");
        for bad in [
            "example.org/archive/",
            "/archive/",
            "ftp://example.org/",
            "https://example.org/?x=1",
            "https://example.org/#top",
            "https://user:pw@example.org/",
            "javascript:alert(1)",
        ] {
            assert!(bad.parse::<BaseUrl>().is_err(), "{bad:?}");
        }
    }
}
