//! The crawl: every page the router answers, from the start URLs along every same-site link,
//! fetched in-process, each page visited by a rayon task as soon as a page links to it (no
//! level waits for its last page), each written with its `.gz` and `.br` siblings.
//!
//! What is streamed rather than compressed (fonts, the archive's whole download) is written
//! by a thread of its own while the crawl goes on: the download, gzipped as it is made, is a
//! fifth of an export's work, and waiting for it would hold the level it was found on (the
//! front page's links) while the other core idles.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, mpsc};

use axum::body::{Body, Bytes};
use axum::http::{Request, StatusCode, header};
use tower::ServiceExt;

use super::files::{Folders, file_for, link, not_found_page, sibling, write};
use super::links::{is_dynamic, same_site};
use super::{COMPRESS_FROM, DEEPEST_404, ExportError, ExportReport, Options, Pages, precompressed};
use crate::web::http::coding::{self, Coding, Levels};
use crate::web::http::render::{self, HandedLinks};
use crate::web::http::{assets, cache_policy};
use crate::web::view::page_links::links;

/// A URL to fetch and why: the page that linked to it, or `None` for a start URL that may
/// not exist (a site without a feed).
struct Visit {
    target: String,
    from: Option<Arc<str>>,
}

/// The targets reached so far, hashed by foldhash rather than std's SipHash: the keys are the
/// site's own URLs, 35,000 links at 1,000 articles.
type Seen = HashSet<String, foldhash::fast::RandomState>;

/// Claims `target` in `seen`: whether nothing reached it before. Most links lead where
/// another did (six in seven), and those are not copied to be turned away: copied and hashed
/// by SipHash, the claims were 19.3 M instructions at 1,000 articles, 7.6 M now
/// (notes/serve-bench.md, session 46).
fn claim(seen: &mut Seen, target: &str) -> bool {
    !seen.contains(target) && seen.insert(target.to_owned())
}

#[derive(Default)]
struct Written {
    files: AtomicUsize,
    bytes: AtomicU64,
    unchanged: AtomicUsize,
}

/// Crawls `router` and writes every page it answers into `out`, the 404 pages too, keeping
/// the files of `previous` (an earlier export at the same levels) that did not change.
pub(super) fn write_site(
    router: &impl Pages,
    out: &Path,
    previous: Option<&Path>,
    options: &Options,
    runtime: &tokio::runtime::Handle,
) -> Result<ExportReport, ExportError> {
    let written = Written::default();
    let (streams, to_write) = mpsc::channel::<Stream>();
    let (crawled, streamed) = std::thread::scope(|scope| {
        let writer = scope.spawn(|| write_streams(to_write, runtime, &written));
        let crawler = Crawler {
            router,
            out,
            previous,
            base: options.base_url.as_deref(),
            levels: options.levels,
            precompress: options.precompress,
            runtime,
            written: &written,
            folders: Folders::default(),
            streams,
        };
        let crawled = crawler.crawl().and_then(|report| {
            crawler.write_404_pages()?;
            Ok(report)
        });
        // The crawl's end closes the channel, which ends the writer's loop.
        drop(crawler);
        (crawled, writer.join())
    });
    let mut report = crawled?;
    streamed.expect("the writer thread does not panic")?;
    report.files = written.files.load(Ordering::Relaxed);
    report.bytes = written.bytes.load(Ordering::Relaxed);
    report.unchanged = written.unchanged.load(Ordering::Relaxed);
    report.precompressed = options.precompress;
    Ok(report)
}

/// A response to write as it comes: its body, its file, its URL.
type Stream = (Body, PathBuf, String);

/// Writes every stream the crawl hands over, in order; stops at the first failure (the
/// crawl's later hand-overs then fail quietly, and the export with this error).
fn write_streams(
    streams: mpsc::Receiver<Stream>,
    runtime: &tokio::runtime::Handle,
    written: &Written,
) -> Result<(), ExportError> {
    for (body, path, target) in streams {
        let bytes = runtime.block_on(stream_to(body, &path, &target))?;
        written.files.fetch_add(1, Ordering::Relaxed);
        written.bytes.fetch_add(bytes, Ordering::Relaxed);
    }
    Ok(())
}

/// One export in progress.
struct Crawler<'a, S> {
    router: &'a S,
    /// Where files are written.
    out: &'a Path,
    /// The export being replaced, when its files may be kept.
    previous: Option<&'a Path>,
    base: Option<&'a str>,
    levels: Levels,
    precompress: bool,
    runtime: &'a tokio::runtime::Handle,
    written: &'a Written,
    /// The folders made so far.
    folders: Folders,
    /// To the thread that writes streamed responses.
    streams: mpsc::Sender<Stream>,
}

/// What the crawl's threads share: the targets reached so far (each visited once, by the
/// thread that reached it first), what the report gathers, and the first failure.
#[derive(Default)]
struct Shared {
    seen: Mutex<Seen>,
    report: Mutex<ExportReport>,
    failed: Mutex<Option<ExportError>>,
}

/// The lock's value: a thread that panicked holding it has already ended the export.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl<'a, S: Pages> Crawler<'a, S> {
    /// Every page from the start URLs on, each visited as soon as a page links to it: one
    /// rayon task a page, which spawns the tasks of the pages it found. Crawled a level of
    /// links at a time, both cores waited at each level's end for its last page, 38 levels
    /// at 10,000 articles, 30 of them of 8 pages or fewer (notes/serve-bench.md, session 37).
    /// The tasks run first in, first out, near the order of the levels: last in, first out,
    /// the download (linked from the front page) was reached at the end and then gzipped
    /// while the other core idled.
    fn crawl(&self) -> Result<ExportReport, ExportError> {
        let starts = ["", "about", "robots.txt", "sitemap.xml", "feed.xml"]
            .into_iter()
            .map(String::from)
            .chain(assets::hashed_paths());
        let starts: Vec<Visit> = starts
            .map(|path| Visit {
                target: format!("/{path}"),
                from: None,
            })
            .collect();
        let shared = Shared::default();
        lock(&shared.seen).extend(starts.iter().map(|v| v.target.clone()));
        rayon::scope_fifo(|scope| {
            for visit in starts {
                let shared = &shared;
                scope.spawn_fifo(move |scope| self.follow(scope, visit, shared));
            }
        });
        if let Some(e) = shared
            .failed
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner)
        {
            return Err(e);
        }
        Ok(shared
            .report
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner))
    }

    /// Visits `visit` and spawns a visit of each target it links to that nothing reached
    /// before; after a failure anywhere, nothing more.
    fn follow<'s>(&'s self, scope: &rayon::ScopeFifo<'s>, visit: Visit, shared: &'s Shared)
    where
        'a: 's,
    {
        if lock(&shared.failed).is_some() {
            return;
        }
        let found = match self.visit_with_files(&visit, &shared.seen) {
            Ok(found) => found,
            Err(e) => {
                lock(&shared.failed).get_or_insert(e);
                return;
            }
        };
        {
            let mut report = lock(&shared.report);
            report.redirects.extend(found.redirects);
            report.dynamic += found.dynamic;
        }
        let next: Vec<Visit> = {
            let mut seen = lock(&shared.seen);
            found
                .links
                .into_iter()
                .filter(|(target, _)| claim(&mut seen, target))
                .map(|(target, from)| Visit {
                    target,
                    from: Some(from),
                })
                .collect()
        };
        for visit in next {
            scope.spawn_fifo(move |scope| self.follow(scope, visit, shared));
        }
    }

    /// Visits a page, then, by the same thread, the files named after it that it links to
    /// and nothing else has reached ([`page_of`]: an article's `/source` and `.json`), so
    /// that the article's frame its page read is still this thread's last read from the
    /// store (`store::LAST_READ`): one decompression an article instead of three. A file is
    /// claimed in `seen` before it is visited, so no two threads visit it.
    fn visit_with_files(&self, visit: &Visit, seen: &Mutex<Seen>) -> Result<Found, ExportError> {
        let mut found = self.visit(visit)?;
        let mut files: Vec<String> = found
            .links
            .iter()
            // A file named after this page starts with its path: the rest are turned away
            // before `page_of` splits them (most of a page's links).
            .filter(|(target, _)| {
                target.starts_with(visit.target.as_str())
                    && page_of(target) == Some(visit.target.as_str())
            })
            .map(|(target, _)| target.clone())
            .collect();
        files.sort_unstable();
        files.dedup();
        {
            let mut seen = lock(seen);
            files.retain(|target| claim(&mut seen, target));
        }
        for target in files {
            let file = self.visit(&Visit {
                target,
                from: Some(Arc::from(visit.target.as_str())),
            })?;
            found.links.extend(file.links);
            found.redirects.extend(file.redirects);
            found.dynamic += file.dynamic;
        }
        Ok(found)
    }

    fn visit(&self, visit: &Visit) -> Result<Found, ExportError> {
        let (status, headers, handed, body) =
            self.runtime.block_on(fetch(self.router, &visit.target))?;
        let content_type = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        // What is not compressed (fonts, the archive's gzip download) is not read into memory
        // either: it goes to its file as it comes.
        let small = status != StatusCode::OK
            || content_type.starts_with("text/html")
            || coding::compressible(content_type, usize::MAX);
        let from = visit.from.as_deref().unwrap_or("the start URLs");
        let unmappable = |why| ExportError::Unmappable {
            url: visit.target.clone(),
            from: from.to_owned(),
            why,
        };
        if !small {
            let path = self
                .out
                .join(file_for(&visit.target, false).map_err(unmappable)?);
            // A closed channel means the writer failed: its error ends the export.
            let _ = self.streams.send((body, path, visit.target.clone()));
            return Ok(Found::default());
        }
        let body = self.runtime.block_on(read(body, &visit.target))?;
        let mut found = Found::default();
        if status.is_redirection() {
            let location = headers
                .get(header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            if let Some(to) = same_site(&visit.target, location, self.base) {
                found.redirects.push((visit.target.clone(), to.clone()));
                found.links.push((to, Arc::from(visit.target.as_str())));
            }
            return Ok(found);
        }
        if status != StatusCode::OK {
            return match &visit.from {
                None if status == StatusCode::NOT_FOUND => Ok(found),
                from => Err(ExportError::BrokenLink {
                    from: from.as_deref().unwrap_or("the start URLs").to_owned(),
                    url: visit.target.clone(),
                    status,
                }),
            };
        }
        let html = content_type.starts_with("text/html");
        let file = file_for(&visit.target, html).map_err(unmappable)?;
        if html {
            // The links the page's rendering handed over; any other HTML (none is known) is
            // read for them.
            let handed = handed.map_or_else(|| links(&body), |h| h.0);
            // One name of this page for all its links, shared rather than copied to each.
            let here: Arc<str> = Arc::from(visit.target.as_str());
            for link in handed {
                match same_site(&visit.target, &link, self.base) {
                    Some(target) if is_dynamic(&target) => found.dynamic += 1,
                    Some(target) => found.links.push((target, Arc::clone(&here))),
                    None => {}
                }
            }
        }
        self.write_with_siblings(&file, &body, content_type)?;
        Ok(found)
    }

    /// The 404 page for each depth (see the module comment): the bytes the server sends for a
    /// missing path as deep.
    fn write_404_pages(&self) -> Result<(), ExportError> {
        for depth in 0..=DEEPEST_404 {
            let name = not_found_page(depth);
            let target = format!("/{}{name}", "404/".repeat(depth));
            let (status, _, _, body) = self.runtime.block_on(fetch(self.router, &target))?;
            let body = self.runtime.block_on(read(body, &target))?;
            if status != StatusCode::NOT_FOUND {
                return Err(ExportError::Render {
                    url: target,
                    reason: format!("a missing page answers {status}, not 404"),
                });
            }
            self.write_with_siblings(Path::new(&name), &body, render::HTML)?;
        }
        Ok(())
    }

    /// `body` at `file` (from the export's root), with its `.gz` and `.br` when it is worth
    /// compressing ahead ([`precompressed`], [`COMPRESS_FROM`] bytes or more): linked from the
    /// previous export when it had these very bytes.
    fn write_with_siblings(
        &self,
        file: &Path,
        body: &[u8],
        content_type: &str,
    ) -> Result<(), ExportError> {
        let compressible =
            self.precompress && body.len() >= COMPRESS_FROM && precompressed(content_type);
        let bytes = match self.keep(file, body, compressible) {
            Some(bytes) => {
                self.written.unchanged.fetch_add(1, Ordering::Relaxed);
                bytes
            }
            None => self.write_new(file, body, compressible)?,
        };
        self.written.files.fetch_add(1, Ordering::Relaxed);
        self.written.bytes.fetch_add(bytes, Ordering::Relaxed);
        Ok(())
    }

    /// Writes `body` and compresses it; the bytes written.
    fn write_new(&self, file: &Path, body: &[u8], compressible: bool) -> Result<u64, ExportError> {
        let path = self.out.join(file);
        self.folders.make_for(&path)?;
        write(&path, body)?;
        let mut bytes = body.len() as u64;
        if compressible {
            for (coding, suffix) in [(Coding::Gzip, "gz"), (Coding::Brotli, "br")] {
                let encoded = coding::encode(coding, body, self.levels);
                // nginx sends the sibling whenever it exists; one that saves nothing is left out.
                if encoded.len() < body.len() {
                    write(&sibling(&path, suffix), &encoded)?;
                    bytes += encoded.len() as u64;
                }
            }
        }
        Ok(bytes)
    }

    /// Links `file` and its siblings from the previous export when that has the same bytes;
    /// the bytes linked, or `None` to write them anew. The previous export compressed these
    /// very bytes at the same levels, so a sibling it lacks was left out as not worth it and
    /// is left out again.
    fn keep(&self, file: &Path, body: &[u8], compressible: bool) -> Option<u64> {
        let old = self.previous?.join(file);
        let same_length = std::fs::metadata(&old).is_ok_and(|m| m.len() == body.len() as u64);
        if !same_length || std::fs::read(&old).ok()? != body {
            return None;
        }
        let suffixes: &[&str] = if compressible { &["gz", "br"] } else { &[] };
        let mut bytes = body.len() as u64;
        let mut pairs = vec![(old.clone(), self.out.join(file))];
        self.folders.make_for(&pairs[0].1).ok()?;
        for suffix in suffixes {
            let from = sibling(&old, suffix);
            if let Ok(meta) = std::fs::metadata(&from) {
                bytes += meta.len();
                pairs.push((from, sibling(&pairs[0].1, suffix)));
            }
        }
        for (k, (from, to)) in pairs.iter().enumerate() {
            if link(from, to).is_err() {
                // A folder that refuses hard links (another file system): written anew. What
                // was linked goes first, so that writing cannot reach the old export's file.
                for (_, linked) in &pairs[..k] {
                    let _ = std::fs::remove_file(linked);
                }
                return None;
            }
        }
        Some(bytes)
    }
}

/// What one visit leads to.
#[derive(Default)]
struct Found {
    /// (target, the page it was found on).
    links: Vec<(String, Arc<str>)>,
    redirects: Vec<(String, String)>,
    dynamic: usize,
}

/// The page a file is named after: `/a/b` for `/a/b.json` (its last segment less an
/// extension) and for `/a/b/source` (less its last segment), `None` for a folder's page
/// (`/a/`) or a query. One target, one page, so at most one visit reaches a file through it.
fn page_of(target: &str) -> Option<&str> {
    if target.contains('?') {
        return None;
    }
    let (folder, last) = target.rsplit_once('/')?;
    match last.rsplit_once('.') {
        _ if last.is_empty() => None,
        Some((stem, _)) if !stem.is_empty() => Some(&target[..folder.len() + 1 + stem.len()]),
        _ if folder.is_empty() => None,
        _ => Some(folder),
    }
}

/// The response `router` gives for `target`, with the links its page handed over (if it is
/// a page rendered by the site's templates), its body unread.
async fn fetch(
    router: &impl Pages,
    target: &str,
) -> Result<(StatusCode, axum::http::HeaderMap, Option<HandedLinks>, Body), ExportError> {
    let render = |reason: String| ExportError::Render {
        url: target.to_owned(),
        reason,
    };
    let request = Request::get(target)
        .header(header::ACCEPT_ENCODING, "identity")
        .body(Body::empty())
        .map_err(|e| render(e.to_string()))?;
    // The export writes bodies; the headers it reads are the status, type and location.
    let response =
        render::handing_links(cache_policy::bodies_only(router.clone().oneshot(request)))
            .await
            .map_err(|e| render(e.to_string()))?;
    let (mut parts, body) = response.into_parts();
    let handed = parts.extensions.remove::<HandedLinks>();
    Ok((parts.status, parts.headers, handed, body))
}

/// `target` as the crawl fetches it: its status, its body, and the links its page handed over
/// (`None` for a response that handed none, whose HTML the crawl reads with [`links`]: one
/// the router's response cache held already). For tests that check what pages hand over
/// against their HTML.
pub async fn page_with_links(
    router: &impl Pages,
    target: &str,
) -> Result<(StatusCode, Bytes, Option<Vec<String>>), ExportError> {
    let (status, _, handed, body) = fetch(router, target).await?;
    Ok((status, read(body, target).await?, handed.map(|h| h.0)))
}

/// The whole of `body`, the answer for `target`.
async fn read(body: Body, target: &str) -> Result<Bytes, ExportError> {
    axum::body::to_bytes(body, usize::MAX)
        .await
        .map_err(|e| ExportError::Render {
            url: target.to_owned(),
            reason: e.to_string(),
        })
}

/// Writes `body`, the answer for `target`, to `path` as it comes; gives back its length.
async fn stream_to(body: Body, path: &Path, target: &str) -> Result<u64, ExportError> {
    use futures_util::StreamExt;
    use std::io::Write;
    write(path, b"")?;
    let werr = |source| ExportError::Write {
        path: path.to_path_buf(),
        cause: source,
    };
    let mut file = std::io::BufWriter::new(std::fs::File::create(path).map_err(werr)?);
    let mut stream = body.into_data_stream();
    let mut len = 0;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| ExportError::Render {
            url: target.to_owned(),
            reason: e.to_string(),
        })?;
        file.write_all(&chunk).map_err(werr)?;
        len += chunk.len() as u64;
    }
    file.flush().map_err(werr)?;
    Ok(len)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_target_is_claimed_once() {
        let mut seen = Seen::default();
        let claims: Vec<bool> = ["/a", "/b", "/a", "/a?x", "/b"]
            .into_iter()
            .map(|target| claim(&mut seen, target))
            .collect();
        assert_eq!(claims, [true, true, false, true, false]);
        assert_eq!(seen.len(), 3);
    }

    proptest::proptest! {
        /// The page a file is named after is a prefix of it, so a target that does not start
        /// with a page's path is none of its files.
        #[test]
        fn a_file_starts_with_its_page(target in "[/a.?]{0,12}") {
            if let Some(page) = page_of(&target) {
                proptest::prop_assert!(target.starts_with(page) && target.len() > page.len());
            }
        }
    }

    #[test]
    fn a_file_is_named_after_one_page() {
        assert_eq!(page_of("/articles/x.json"), Some("/articles/x"));
        assert_eq!(page_of("/articles/x/source"), Some("/articles/x"));
        assert_eq!(page_of("/articles/x"), Some("/articles"));
        assert_eq!(
            page_of("/static/style.0123.css"),
            Some("/static/style.0123")
        );
        assert_eq!(page_of("/feed.xml"), Some("/feed"));
        assert_eq!(page_of("/2020/05/"), None);
        assert_eq!(page_of("/page/2?order=oldest"), None);
        assert_eq!(page_of("/about"), None);
        assert_eq!(page_of("/"), None);
        assert_eq!(page_of("/.hidden"), None);
    }
}
