//! `arshif export DIR`: the whole site as static files, for nginx or a CDN, each page the
//! bytes `arshif serve` sends for it, with `.gz` and `.br` siblings beside every page,
//! feed and style sheet of a kilobyte or more (nginx's `gzip_static` and `brotli_static`; see
//! [`precompressed`] for the data files, which have none).
//!
//! The site is crawled in-process through the server's routes and error pages (its router
//! less the layers that only add headers or keep responses, `web::app_for_export`): from the
//! front page, `/about`, `/robots.txt`, `/sitemap.xml`, `/feed.xml` (those that exist), the 404
//! page and every static file, following every same-site `href` and `src` of every HTML page
//! (each page hands over the links its template wrote, `web::view::page_links`), so a page
//! family added to the router is exported as soon as a page links to it, with no list to keep.
//! `/search` is dynamic and is not exported.
//!
//! URLs become files the way nginx's `try_files` in `deploy/nginx-export.conf` looks them up:
//! an HTML page at `/a/b` is `a/b/index.html` (the front page `index.html`), one with a query
//! (`/page/2?order=oldest`) is `page/2/index.order=oldest.html`, any other response is a file
//! at its path (`articles/x/source`, `static/style.0123456789.css`). The Arabic 404 page is
//! written once for each depth of the path it answers (`404.html` for `/x`, `404-1.html` for
//! `/x/y`, ... to `404-3.html`), since its relative links climb from where it is shown.
//!
//! The export is written beside `DIR` and then put in its place, so a server reading `DIR`
//! meets the old files or the new ones, not half of each. A file whose bytes the previous
//! export at `DIR` already had, compressed at the same levels (its [`MARKER`] says which), is
//! hard-linked from it with its `.gz` and `.br` rather than compressed again: after a rebuild
//! that changed a few articles, most of an export is such files. An export made from the very
//! archive, program and options the marker names ([`Options::made_from`]) is left as it is:
//! nothing is loaded, rendered or written (so a file added to it by hand stays until the
//! archive changes; remove the folder to have it made afresh).
//!
//! [`crawl`] follows the links ([`links`] resolves them) and writes what it finds;
//! [`files`] says where each URL lands and puts the finished export in place; [`jsonl`] writes
//! `--jsonl FILE`, the archive as data.

mod crawl;
mod files;
mod jsonl;
mod links;

use std::convert::Infallible;
use std::path::{Path, PathBuf};

use anyhow::Context;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::response::Response;
use clap::Args;
use tower::Service;

use crate::archive::{self, compiled, staleness};
use crate::web::app_for_export;
use crate::web::config::{Config, SiteArgs};
use crate::web::http::coding::Levels;
use crate::web::site::{self, AppState, Build};
pub use crate::web::view::page_links::links;
pub use crawl::page_with_links;
use files::Marker;
pub use files::not_found_page;

/// `arshif export` options; each flag also reads an environment variable.
#[derive(Debug, Clone, Args)]
pub struct ExportArgs {
    /// Folder to write the site to. It must be missing, empty, or an earlier export, which
    /// is replaced whole.
    #[arg(required_unless_present = "jsonl")]
    pub dir: Option<PathBuf>,
    /// Also (or only, without DIR) write every article as JSON Lines to FILE, one document a
    /// line (schema: docs/schema/article.v1.json), gzip-compressed when FILE ends in `.gz`;
    /// `-` writes to standard output.
    #[arg(long, env = "ARSHIF_EXPORT_JSONL", value_name = "FILE")]
    pub jsonl: Option<PathBuf>,
    /// The archive, and the public address the export will be served at (as for `arshif
    /// serve`): each page's canonical link is made from it.
    #[command(flatten)]
    pub site: SiteArgs,
    /// Brotli quality of the `.br` files, 0 to 11. 11 makes them some 13% smaller than the
    /// default but takes about ninety times as long (notes/serve-bench.md).
    #[arg(long, env = "ARSHIF_BROTLI_QUALITY", value_name = "Q",
          default_value_t = EXPORT_LEVELS.brotli,
          value_parser = clap::value_parser!(u32).range(0..=11))]
    pub brotli_quality: u32,
    /// Gzip level of the `.gz` files, 1 to 9.
    #[arg(long, env = "ARSHIF_GZIP_LEVEL", value_name = "L",
          default_value_t = EXPORT_LEVELS.gzip,
          value_parser = clap::value_parser!(u32).range(1..=9))]
    pub gzip_level: u32,
    /// Write no `.gz` or `.br` files, for a CDN or a server that compresses as it sends (nginx
    /// `gzip on`): the export then takes less than half the time (9.6 s against 22 s for
    /// 10,000 articles, BENCHMARKS.md), and each reader's request costs the server the
    /// compressing instead.
    #[arg(long, env = "ARSHIF_NO_PRECOMPRESS")]
    pub no_precompress: bool,
}

/// The export's compression levels unless told otherwise, chosen by measuring bytes against
/// CPU time on the export's own pages (`benches/compress_levels.rs`, notes/serve-bench.md).
pub const EXPORT_LEVELS: Levels = Levels { gzip: 6, brotli: 5 };

/// What went wrong with an export.
///
/// A `cause` is part of the message rather than a `source`: a log line with `{e}` keeps it,
/// and the CLI's `{:#}` does not print it a second time.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("cannot write {path}: {cause}")]
    Write {
        path: PathBuf,
        cause: std::io::Error,
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

/// The smallest file the export writes `.gz` and `.br` siblings for (nginx's
/// `gzip_min_length` for precompressed files). Under a kilobyte a response fits one TCP
/// segment either way, so compressing saves the reader no round trip; and each encoder's
/// fixed cost (about 0.6 M instructions for gzip, 1.3 M for brotli, whatever the size)
/// made the 20,000 `.bib` and `.ris` files of 10,000 articles (≈ 280 bytes each, saving some
/// 90 bytes) an eighth of an export's compression. notes/serve-bench.md has the figures.
pub const COMPRESS_FROM: usize = 1024;

/// Whether the export writes `.gz` and `.br` beside a file of `content_type` (of
/// [`COMPRESS_FROM`] bytes or more): what readers' browsers fetch, the pages, the Atom feed,
/// the sitemaps, the style sheet and icons. Not the data a researcher fetches now and then (an
/// article's dump, its record and references): compressing those ahead for every article was
/// 59% of an export's compression, for files few ever ask for; nginx gzips them as it sends
/// them (`deploy/nginx-export.conf`), as `arshif serve` does. notes/serve-bench.md has the
/// figures.
pub fn precompressed(content_type: &str) -> bool {
    const READ: [&str; 5] = [
        "text/html",
        "text/css",
        "application/xml",
        "application/atom+xml",
        "image/svg+xml",
    ];
    READ.iter().any(|t| content_type.starts_with(t))
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
    /// Files whose bytes the previous export already had: linked from it with their `.gz`
    /// and `.br`, not compressed again.
    pub unchanged: usize,
    /// Where the JSON Lines went, and how many articles.
    pub jsonl: Option<(PathBuf, usize)>,
    /// The export at the folder was made from the same archive, program and options, and
    /// was left as it is (`files` and `bytes` are then what it holds).
    pub up_to_date: bool,
    /// The files have `.gz` and `.br` siblings (no `--no-precompress`): the report names them
    /// only then.
    pub precompressed: bool,
}

impl ExportReport {
    pub fn render(&self) -> String {
        let mut out = String::new();
        if let Some((path, n)) = &self.jsonl {
            out += &format!("wrote {n} articles as JSON Lines to {}\n", path.display());
        }
        if self.files == 0 {
            return out;
        }
        let siblings = if self.precompressed {
            " with their .gz and .br"
        } else {
            ""
        };
        if self.up_to_date {
            out += &format!(
                "export up to date (made from this archive, program and options): its {} files \
                 ({:.1} MB{siblings}) left as they are\n",
                self.files,
                self.bytes as f64 / 1e6
            );
            return out;
        }
        out += &format!(
            "exported {} files ({:.1} MB{siblings})\n",
            self.files,
            self.bytes as f64 / 1e6
        );
        if !self.redirects.is_empty() {
            out += &format!(
                "{} redirects followed (a static server cannot send them)\n",
                self.redirects.len()
            );
        }
        if self.unchanged > 0 {
            let kept = if self.precompressed {
                "kept their .gz and .br"
            } else {
                "were linked, not written again"
            };
            out += &format!(
                "{} files unchanged since the previous export {kept}\n",
                self.unchanged
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
    let levels = Levels {
        gzip: args.gzip_level,
        brotli: args.brotli_quality,
    };
    // Named once: naming stats every dump, as does `Build::IfStale` (three stats a dump
    // were 30,000 `statx` calls an export of 10,000 articles, notes/serve-bench.md).
    let named = made_from(&args.site);
    // Checked before the archive is even loaded: that is most of what is left to do.
    if args.jsonl.is_none()
        && let Some(dir) = &args.dir
        && let Some(made_from) = &named
        && let Some(report) = up_to_date(dir, levels, !args.no_precompress, made_from)
    {
        return Ok(report);
    }
    // An archive just named is no older than any dump: only the folder is checked again.
    let build = match named {
        Some(_) => Build::IfFolderStale,
        None => Build::IfStale,
    };
    let (site, report) = site::open(&args.site.articles, &args.site.build_dir, build)?;
    let report_built = report.is_some();
    if let Some(report) = report {
        eprint!("{}", report.render(crate::archive::Warnings::Grouped));
    }
    let jsonl = match &args.jsonl {
        Some(path) => Some((path.clone(), jsonl::write(&site.archive, path)?)),
        None => None,
    };
    let Some(dir) = &args.dir else {
        return Ok(ExportReport {
            jsonl,
            ..ExportReport::default()
        });
    };
    // The site's download is streamed into the export (no file left behind in the build
    // folder by a thread the end of this process would cut short).
    let site = site.with_response_cache(0).without_download_file();
    let state = AppState::with_site(site, config);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let options = Options {
        base_url: args.site.base_url.as_ref().map(|b| b.as_str().to_owned()),
        levels,
        precompress: !args.no_precompress,
        // Named after the build `site::open` may have run: the archive as exported.
        made_from: match (named, report_built) {
            (Some(named), false) => Some(named),
            _ => made_from(&args.site),
        },
    };
    let mut report = export(&app_for_export(state), dir, &options, runtime.handle())?;
    report.jsonl = jsonl;
    Ok(report)
}

/// How to export.
#[derive(Debug, Clone)]
pub struct Options {
    /// The public address the pages were rendered with, if any: absolute links under it are
    /// followed too.
    pub base_url: Option<String>,
    /// Of the `.gz` and `.br` files.
    pub levels: Levels,
    /// Whether `.gz` and `.br` files are written at all.
    pub precompress: bool,
    /// Everything the router's answers are made from, when the caller can name all of it
    /// (see [`made_from`]): recorded in the [`MARKER`], and an export at the folder whose
    /// marker names the same (at the same levels) is left as it is. `None`: always crawled.
    pub made_from: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            base_url: None,
            levels: EXPORT_LEVELS,
            precompress: true,
            made_from: None,
        }
    }
}

/// What an export crawls: a service that answers the site's requests as the server does, its
/// whole router (`web::app`) or the one made for the export (`web::app_for_export`), which is
/// no `Router` of its own: a router around its layers matched every request once more, to
/// reach its one fallback (12.2 M instructions at 1,000 articles, notes/serve-bench.md,
/// session 47).
pub trait Pages:
    Service<Request<Body>, Response = Response, Error = Infallible, Future: Send>
    + Clone
    + Send
    + Sync
    + 'static
{
}

impl<S> Pages for S where
    S: Service<Request<Body>, Response = Response, Error = Infallible, Future: Send>
        + Clone
        + Send
        + Sync
        + 'static
{
}

/// Crawls `router` and writes the site to `dir` (see the module comment).
pub fn export(
    router: &impl Pages,
    dir: &Path,
    options: &Options,
    runtime: &tokio::runtime::Handle,
) -> Result<ExportReport, ExportError> {
    if let Some(made_from) = &options.made_from
        && let Some(report) = up_to_date(dir, options.levels, options.precompress, made_from)
    {
        return Ok(report);
    }
    let staging = files::staging_dir(dir)?;
    let previous = files::previous_export(dir, options.levels, options.precompress);
    let report = match crawl::write_site(router, &staging, previous.as_deref(), options, runtime) {
        Ok(report) => report,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&staging);
            return Err(e);
        }
    };
    let marker = Marker {
        levels: options.levels,
        precompress: options.precompress,
        made_from: options.made_from.clone(),
        files: report.files,
        bytes: report.bytes,
    };
    files::write(&staging.join(MARKER), &marker.to_bytes())?;
    files::replace(&staging, dir)?;
    Ok(report)
}

/// The report of an export at `dir` made from `made_from` at `levels` (and with `.gz` and `.br`
/// files or without, as `precompress` says) already, if there is one.
fn up_to_date(
    dir: &Path,
    levels: Levels,
    precompress: bool,
    made_from: &str,
) -> Option<ExportReport> {
    let marker = Marker::of(dir)?;
    let same = marker.compressed_as(levels, precompress);
    (same && marker.made_from.as_deref() == Some(made_from)).then(|| ExportReport {
        files: marker.files,
        bytes: marker.bytes,
        unchanged: marker.files,
        up_to_date: true,
        precompressed: precompress,
        ..ExportReport::default()
    })
}

/// What an export of `site` would be made from, named so that two exports of the same name
/// hold the same bytes: the compiled archive (the very file, by device, inode, length and
/// modification time: a build writes a new file, never the old one in place), the program
/// that renders it (another binary may render the same archive otherwise) and the public
/// address. `None` when the archive is due for a build, or a file cannot be read: the export
/// is then made in full.
pub fn made_from(site: &SiteArgs) -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let compiled = compiled::path_in(&site.build_dir);
    if staleness::is_stale(&compiled, &site.articles) || !archive::search_dir(&compiled).is_dir() {
        return None;
    }
    let program = std::env::current_exe().ok()?;
    let name = |path: &Path| {
        let m = std::fs::metadata(path).ok()?;
        Some(format!(
            "{} ({}:{}, {} bytes, {}.{:09})",
            path.display(),
            m.dev(),
            m.ino(),
            m.len(),
            m.mtime(),
            m.mtime_nsec()
        ))
    };
    let base = site.base_url.as_ref().map_or("", |b| b.as_str());
    Some(format!(
        "archive {}; program {}; base URL {base:?}",
        name(&compiled)?,
        name(&program)?
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_report_names_the_siblings_only_when_the_export_wrote_them() {
        let report = |precompressed, up_to_date| ExportReport {
            files: 12,
            bytes: 3_400_000,
            unchanged: 5,
            up_to_date,
            precompressed,
            ..ExportReport::default()
        };
        for up_to_date in [false, true] {
            let with = report(true, up_to_date).render();
            assert!(with.contains("3.4 MB with their .gz and .br"), "{with}");
            let without = report(false, up_to_date).render();
            assert!(without.contains("12 files (3.4 MB)"), "{without}");
            assert!(!without.contains(".gz"), "{without}");
        }
        assert!(report(true, false).render().contains("5 files unchanged"));
        assert!(
            report(false, false)
                .render()
                .contains("5 files unchanged since the previous export were linked")
        );
    }
}
