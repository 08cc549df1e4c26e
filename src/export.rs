//! `arshif export DIR`: the whole site as static files, for nginx or a CDN, each page the
//! bytes `arshif serve` sends for it, with `.gz` and `.br` siblings beside every
//! compressible file (nginx's `gzip_static` and `brotli_static`).
//!
//! The site is crawled in-process through the same router the server runs: from the front
//! page, `/about`, `/robots.txt`, `/sitemap.xml`, `/feed.xml` (those that exist), the 404
//! page and every static file, following every same-site `href` and `src` of every HTML page
//! (parsed with `scraper`), so a page family added to the router is exported as soon as a
//! page links to it, with no list to keep. `/search` is dynamic and is not exported.
//!
//! URLs become files the way nginx's `try_files` in `deploy/nginx-export.conf` looks them up:
//! an HTML page at `/a/b` is `a/b/index.html` (the front page `index.html`), one with a query
//! (`/page/2?order=oldest`) is `page/2/index.order=oldest.html`, any other response is a file
//! at its path (`articles/x/source`, `static/style.0123456789.css`). The Arabic 404 page is
//! written once for each depth of the path it answers (`404.html` for `/x`, `404-1.html` for
//! `/x/y`, ... to `404-3.html`), since its relative links climb from where it is shown.
//!
//! The export is written beside `DIR` and then put in its place, so a server reading `DIR`
//! meets the old files or the new ones, not half of each.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use anyhow::Context;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{Request, StatusCode, header};
use clap::Args;
use rayon::prelude::*;
use tower::ServiceExt;

use crate::web::app;
use crate::web::config::{Config, SiteArgs};
use crate::web::http::coding::{self, Coding};
use crate::web::http::{assets, render};
use crate::web::site::{self, AppState, Build};

/// `arshif export` options; each flag also reads an environment variable.
#[derive(Debug, Clone, Args)]
pub struct ExportArgs {
    /// Folder to write the site to. It must be missing, empty, or an earlier export, which
    /// is replaced whole.
    pub dir: PathBuf,
    /// The archive, and the public address the export will be served at (as for `arshif
    /// serve`): each page's canonical link is made from it.
    #[command(flatten)]
    pub site: SiteArgs,
    /// Brotli quality of the `.br` files, 0 to 11. 11 makes them some 13% smaller than the
    /// default but takes forty times as long (about 50 ms a page).
    #[arg(long, env = "ARSHIF_BROTLI_QUALITY", value_name = "Q",
          default_value_t = coding::BROTLI_QUALITY,
          value_parser = clap::value_parser!(u32).range(0..=11))]
    pub brotli_quality: u32,
}

/// What went wrong with an export.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{path} holds files and is no earlier export (no {MARKER} in it); name an empty or missing folder"
    )]
    NotAnExport { path: PathBuf },
    #[error("{from} links to {url}, which answers {status}")]
    BrokenLink {
        from: String,
        url: String,
        status: StatusCode,
    },
    #[error("{url} (linked from {from}) cannot be a static file: {why}")]
    Unmappable {
        url: String,
        from: String,
        why: &'static str,
    },
    #[error("cannot render {url}: {reason}")]
    Render { url: String, reason: String },
}

/// The file an export leaves at its top so that the next export knows it may replace it.
pub const MARKER: &str = ".arshif-export";

/// The deepest path whose 404 page is written (`404-3.html`); deeper misses get that one.
pub const DEEPEST_404: usize = 3;

/// What an export wrote.
#[derive(Debug, Default)]
pub struct ExportReport {
    /// Pages and files, without their `.gz`/`.br` siblings.
    pub files: usize,
    /// Bytes of those files, siblings included.
    pub bytes: u64,
    /// Redirects met on the way (from, to): followed, not written.
    pub redirects: Vec<(String, String)>,
    /// Dynamic pages linked to and left out (`/search`).
    pub dynamic: usize,
}

impl ExportReport {
    pub fn render(&self) -> String {
        let mut out = format!(
            "exported {} files ({:.1} MB with their .gz and .br)\n",
            self.files,
            self.bytes as f64 / 1e6
        );
        if !self.redirects.is_empty() {
            out += &format!(
                "{} redirects followed (a static server cannot send them)\n",
                self.redirects.len()
            );
        }
        if self.dynamic > 0 {
            out += &format!("{} links to the search page left out\n", self.dynamic);
        }
        out
    }
}

/// Loads (or builds) the archive as `arshif serve` would and exports it to `args.dir`.
pub fn run(args: ExportArgs) -> anyhow::Result<ExportReport> {
    let config = Config {
        base_url: args.site.base_url.clone(),
        ..Config::default()
    };
    let (site, report) = site::open(&args.site.articles, &args.site.build_dir, Build::IfStale)?;
    if let Some(report) = report {
        eprint!("{}", report.render());
    }
    let state = AppState::with_site(site.with_response_cache(0), config);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let options = Options {
        base_url: args.site.base_url.as_ref().map(|b| b.as_str().to_owned()),
        brotli_quality: args.brotli_quality,
    };
    Ok(export(&app(state), &args.dir, &options, runtime.handle())?)
}

/// How to export.
#[derive(Debug, Clone)]
pub struct Options {
    /// The public address the pages were rendered with, if any: absolute links under it are
    /// followed too.
    pub base_url: Option<String>,
    /// Of the `.br` files.
    pub brotli_quality: u32,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            base_url: None,
            brotli_quality: coding::BROTLI_QUALITY,
        }
    }
}

/// A URL to fetch and why: the page that linked to it, or `None` for a start URL that may
/// not exist (a site without a feed).
struct Visit {
    target: String,
    from: Option<String>,
}

/// Crawls `router` and writes the site to `dir` (see the module comment).
pub fn export(
    router: &Router,
    dir: &Path,
    options: &Options,
    runtime: &tokio::runtime::Handle,
) -> Result<ExportReport, ExportError> {
    let staging = staging_dir(dir)?;
    let crawler = Crawler {
        router,
        out: &staging,
        base: options.base_url.as_deref(),
        brotli_quality: options.brotli_quality,
        runtime,
        written: Written::default(),
    };
    let result = crawler
        .crawl()
        .and_then(|report| crawler.write_404_pages().map(|()| report));
    let written = crawler.written;
    let mut report = match result {
        Ok(report) => report,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&staging);
            return Err(e);
        }
    };
    write(&staging.join(MARKER), b"")?;
    replace(&staging, dir)?;
    report.files = written.files.load(Ordering::Relaxed);
    report.bytes = written.bytes.load(Ordering::Relaxed);
    Ok(report)
}

#[derive(Default)]
struct Written {
    files: AtomicUsize,
    bytes: AtomicU64,
}

/// One export in progress.
struct Crawler<'a> {
    router: &'a Router,
    /// Where files are written.
    out: &'a Path,
    base: Option<&'a str>,
    brotli_quality: u32,
    runtime: &'a tokio::runtime::Handle,
    written: Written,
}

impl Crawler<'_> {
    fn crawl(&self) -> Result<ExportReport, ExportError> {
        let mut report = ExportReport::default();
        let starts = ["", "about", "robots.txt", "sitemap.xml", "feed.xml"]
            .into_iter()
            .map(String::from)
            .chain(assets::hashed_paths());
        let mut frontier: Vec<Visit> = starts
            .map(|path| Visit {
                target: format!("/{path}"),
                from: None,
            })
            .collect();
        let mut seen: HashSet<String> = frontier.iter().map(|v| v.target.clone()).collect();
        // Breadth first, one level at a time, each level's pages rendered, parsed, compressed
        // and written in parallel.
        while !frontier.is_empty() {
            let found: Vec<Found> = frontier
                .par_iter()
                .map(|visit| self.visit(visit))
                .collect::<Result<Vec<_>, _>>()?;
            let mut next = Vec::new();
            for f in found {
                if let Some(redirect) = f.redirect {
                    report.redirects.push(redirect);
                }
                report.dynamic += f.dynamic;
                for (target, from) in f.links {
                    if seen.insert(target.clone()) {
                        next.push(Visit {
                            target,
                            from: Some(from),
                        });
                    }
                }
            }
            frontier = next;
        }
        Ok(report)
    }

    fn visit(&self, visit: &Visit) -> Result<Found, ExportError> {
        let (status, headers, body) = self.runtime.block_on(fetch(self.router, &visit.target))?;
        let mut found = Found::default();
        if status.is_redirection() {
            let location = headers
                .get(header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            if let Some(to) = same_site(&visit.target, location, self.base) {
                found.redirect = Some((visit.target.clone(), to.clone()));
                found.links.push((to, visit.target.clone()));
            }
            return Ok(found);
        }
        if status != StatusCode::OK {
            return match &visit.from {
                None if status == StatusCode::NOT_FOUND => Ok(found),
                from => Err(ExportError::BrokenLink {
                    from: from.clone().unwrap_or_else(|| "the start URLs".into()),
                    url: visit.target.clone(),
                    status,
                }),
            };
        }
        let content_type = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        let html = content_type.starts_with("text/html");
        let from = visit.from.as_deref().unwrap_or("the start URLs");
        let file = file_for(&visit.target, html).map_err(|why| ExportError::Unmappable {
            url: visit.target.clone(),
            from: from.to_owned(),
            why,
        })?;
        if html {
            let text = String::from_utf8_lossy(&body);
            for link in links(&text) {
                match same_site(&visit.target, &link, self.base) {
                    Some(target) if is_dynamic(&target) => found.dynamic += 1,
                    Some(target) => found.links.push((target, visit.target.clone())),
                    None => {}
                }
            }
        }
        self.write_with_siblings(&self.out.join(file), &body, content_type)?;
        Ok(found)
    }

    /// The 404 page for each depth (see the module comment): the bytes the server sends for a
    /// missing path as deep.
    fn write_404_pages(&self) -> Result<(), ExportError> {
        for depth in 0..=DEEPEST_404 {
            let name = not_found_page(depth);
            let target = format!("/{}{name}", "404/".repeat(depth));
            let (status, _, body) = self.runtime.block_on(fetch(self.router, &target))?;
            if status != StatusCode::NOT_FOUND {
                return Err(ExportError::Render {
                    url: target,
                    reason: format!("a missing page answers {status}, not 404"),
                });
            }
            self.write_with_siblings(&self.out.join(name), &body, render::HTML)?;
        }
        Ok(())
    }

    /// `body` at `path`, with its `.gz` and `.br` when it is worth compressing.
    fn write_with_siblings(
        &self,
        path: &Path,
        body: &[u8],
        content_type: &str,
    ) -> Result<(), ExportError> {
        write(path, body)?;
        let mut bytes = body.len() as u64;
        if coding::compressible(content_type, body.len()) {
            for (coding, suffix) in [(Coding::Gzip, "gz"), (Coding::Brotli, "br")] {
                let encoded = coding::encode(coding, body, self.brotli_quality);
                // nginx sends the sibling whenever it exists; one that saves nothing is left out.
                if encoded.len() < body.len() {
                    let mut name = path.as_os_str().to_owned();
                    name.push(format!(".{suffix}"));
                    write(Path::new(&name), &encoded)?;
                    bytes += encoded.len() as u64;
                }
            }
        }
        self.written.files.fetch_add(1, Ordering::Relaxed);
        self.written.bytes.fetch_add(bytes, Ordering::Relaxed);
        Ok(())
    }
}

/// What one visit leads to.
#[derive(Default)]
struct Found {
    /// (target, the page it was found on).
    links: Vec<(String, String)>,
    redirect: Option<(String, String)>,
    dynamic: usize,
}

async fn fetch(
    router: &Router,
    target: &str,
) -> Result<(StatusCode, axum::http::HeaderMap, Bytes), ExportError> {
    let render = |reason: String| ExportError::Render {
        url: target.to_owned(),
        reason,
    };
    let request = Request::get(target)
        .header(header::ACCEPT_ENCODING, "identity")
        .body(Body::empty())
        .map_err(|e| render(e.to_string()))?;
    let response = router
        .clone()
        .oneshot(request)
        .await
        .map_err(|e| render(e.to_string()))?;
    let (parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .map_err(|e| render(e.to_string()))?;
    Ok((parts.status, parts.headers, bytes))
}

/// Every `href` and `src` of an HTML page.
fn links(html: &str) -> Vec<String> {
    let document = scraper::Html::parse_document(html);
    let selector = scraper::Selector::parse("[href], [src]").expect("a valid selector");
    document
        .select(&selector)
        .flat_map(|e| [e.value().attr("href"), e.value().attr("src")])
        .flatten()
        .map(str::to_owned)
        .collect()
}

/// Pages answered per request that a static copy cannot hold.
fn is_dynamic(target: &str) -> bool {
    let path = target.split('?').next().unwrap_or_default();
    path == "/search" || path.starts_with("/search/") || path == "/healthz"
}

/// `reference` (an `href` on the page at `page`) as a target on this site (`/path?query`,
/// no fragment), or `None` when it leads elsewhere. Absolute URLs under `base` count as
/// this site's.
fn same_site(page: &str, reference: &str, base: Option<&str>) -> Option<String> {
    const ORIGIN: &str = "http://export.invalid";
    let page_url = url::Url::parse(&format!("{ORIGIN}{page}")).ok()?;
    let reference = match base {
        Some(base) if reference.starts_with(base) => {
            format!("/{}", &reference[base.len()..])
        }
        _ => reference.to_owned(),
    };
    let resolved = page_url.join(&reference).ok()?;
    if resolved.origin() != page_url.origin() {
        return None;
    }
    let mut target = resolved.path().to_owned();
    if let Some(query) = resolved.query() {
        target.push('?');
        target.push_str(query);
    }
    Some(target)
}

/// The file (from the export's root) nginx finds for `target`; see the module comment.
fn file_for(target: &str, html: bool) -> Result<PathBuf, &'static str> {
    let (path, query) = match target.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (target, None),
    };
    let decoded = percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .map_err(|_| "its path is not UTF-8")?;
    let mut segments: Vec<&str> = decoded.split('/').skip(1).collect();
    if segments.last() == Some(&"") {
        segments.pop();
    }
    if segments
        .iter()
        .any(|s| s.is_empty() || *s == "." || *s == ".." || s.contains('\0'))
    {
        return Err("its path has an empty, `.` or `..` segment");
    }
    let mut file: PathBuf = segments.iter().collect();
    match (html, query) {
        (true, None) => file.push("index.html"),
        (true, Some(query)) => {
            let safe = !query.is_empty()
                && query
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"_=&-".contains(&b));
            if !safe {
                return Err("its query has characters other than letters, digits and _=&-");
            }
            file.push(format!("index.{query}.html"));
        }
        (false, Some(_)) => return Err("a file other than a page cannot have a query"),
        (false, None) if segments.is_empty() || path.ends_with('/') => {
            return Err("a file other than a page must have a name");
        }
        (false, None) => {}
    }
    Ok(file)
}

/// The name of the 404 page for paths `depth` folders deep.
pub fn not_found_page(depth: usize) -> String {
    match depth {
        0 => "404.html".into(),
        d => format!("404-{d}.html"),
    }
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), ExportError> {
    let err = |source| ExportError::Write {
        path: path.to_path_buf(),
        source,
    };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(err)?;
    }
    std::fs::write(path, bytes).map_err(err)
}

/// A fresh folder beside `dir` to write into, after checking `dir` may be replaced.
fn staging_dir(dir: &Path) -> Result<PathBuf, ExportError> {
    let err = |source| ExportError::Write {
        path: dir.to_path_buf(),
        source,
    };
    if let Ok(mut entries) = std::fs::read_dir(dir)
        && entries.next().is_some()
        && !dir.join(MARKER).is_file()
    {
        return Err(ExportError::NotAnExport {
            path: dir.to_path_buf(),
        });
    }
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "export".into());
    let parent = dir.parent().filter(|p| !p.as_os_str().is_empty());
    let parent = parent.unwrap_or_else(|| Path::new("."));
    std::fs::create_dir_all(parent).map_err(err)?;
    let staging = parent.join(format!(".{name}.arshif-new-{}", std::process::id()));
    if staging.exists() {
        std::fs::remove_dir_all(&staging).map_err(err)?;
    }
    std::fs::create_dir(&staging).map_err(err)?;
    Ok(staging)
}

/// Puts `staging` in `dir`'s place; the earlier export, if any, is removed after.
fn replace(staging: &Path, dir: &Path) -> Result<(), ExportError> {
    let err = |source| ExportError::Write {
        path: dir.to_path_buf(),
        source,
    };
    let old = staging.with_extension("old");
    let had_old = dir.exists();
    if had_old {
        std::fs::rename(dir, &old).map_err(err)?;
    }
    std::fs::rename(staging, dir).map_err(err)?;
    if had_old {
        std::fs::remove_dir_all(&old).map_err(err)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_become_the_files_try_files_looks_for() {
        let ok = |t: &str, html| file_for(t, html).unwrap().display().to_string();
        assert_eq!(ok("/", true), "index.html");
        assert_eq!(ok("/?order=oldest", true), "index.order=oldest.html");
        assert_eq!(ok("/page/2", true), "page/2/index.html");
        assert_eq!(
            ok("/page/2?order=oldest", true),
            "page/2/index.order=oldest.html"
        );
        assert_eq!(ok("/articles/abc/", true), "articles/abc/index.html");
        assert_eq!(ok("/articles/abc/source", false), "articles/abc/source");
        // nginx looks files up by the decoded path.
        assert_eq!(
            ok("/articles/%D8%AE%D8%A8%D8%B1", true),
            "articles/خبر/index.html"
        );
        for (bad, html) in [
            ("/a/../b", true),
            ("/a//b", true),
            ("/a/%2e%2e/b", true),
            ("/?q=a/b", true),
            ("/?q=a.b", true),
            ("/static/a.css?v=1", false),
            ("/", false),
            ("/static/", false),
        ] {
            assert!(file_for(bad, html).is_err(), "{bad}");
        }
    }

    #[test]
    fn links_resolve_against_their_page() {
        let s = |page, href| same_site(page, href, None);
        assert_eq!(s("/", "./articles/x").as_deref(), Some("/articles/x"));
        assert_eq!(s("/page/2", "../").as_deref(), Some("/"));
        assert_eq!(
            s("/page/2", "../page/3?order=oldest#top").as_deref(),
            Some("/page/3?order=oldest")
        );
        assert_eq!(
            s("/articles/x", "../static/style.css").as_deref(),
            Some("/static/style.css")
        );
        assert_eq!(s("/about", "#main").as_deref(), Some("/about"));
        assert_eq!(s("/", "https://example.org/"), None);
        assert_eq!(s("/", "mailto:a@example.org"), None);
        assert_eq!(s("/", "//example.org/x"), None);
        let base = Some("https://example.org/archive/");
        assert_eq!(
            same_site("/", "https://example.org/archive/articles/x", base).as_deref(),
            Some("/articles/x")
        );
        assert!(is_dynamic("/search?q=x") && !is_dynamic("/searching"));
    }
}
