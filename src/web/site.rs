//! The loaded site and the state every handler gets: [`Site`] (one build's archive, search
//! index, time and kept responses), [`AppState`] (the site being served, swappable, and the
//! configuration), and [`open`], the one way a site is opened from a build folder, for
//! `serve`, `export` and each live rebuild alike. A rebuild is [`open`] with [`Build::Knowing`]
//! then [`AppState::replace`]; `reload` only decides when (a change, SIGHUP) and says which
//! dumps changed.

use std::path::Path;
use std::sync::Arc;
use std::time::{Instant, SystemTime};

use arc_swap::ArcSwap;

use super::config::Config;
use super::download::{self, Download};
use super::http::cache_policy::{CacheControl, LastModified};
use super::http::response_cache::ResponseCache;
use crate::archive::build_lock::BuildLock;
use crate::archive::{self, Archive, ArchiveError, BuildReport, Changes, compiled};
use crate::search::SearchIndex;

/// What one build produced, served as a unit: a rebuild replaces the whole of it at once.
pub struct Site {
    pub archive: Archive,
    /// The full-text index; `None` when the site runs without one (tests of other pages).
    pub search: Option<SearchIndex>,
    /// `Last-Modified` of every page: when this build (or the binary rendering it) last
    /// changed, in whole seconds as HTTP dates have no more. It lives here, not in
    /// [`Config`], so that a rebuild swapped in brings its own time.
    pub last_modified: LastModified,
    /// Responses rendered from this site, kept to be sent again (see [`ResponseCache`]).
    pub responses: ResponseCache,
    /// The whole archive as one JSON Lines download (see [`Download`]).
    pub download: Download,
}

impl download::Source for Site {
    fn archive(&self) -> &Archive {
        &self.archive
    }

    fn download(&self) -> &Download {
        &self.download
    }
}

impl Site {
    /// A site made now: its pages are `Last-Modified` now (see [`Site::modified_at`]).
    pub fn new(archive: Archive, search: Option<SearchIndex>) -> Site {
        Site {
            archive,
            search,
            last_modified: LastModified::at(SystemTime::now()),
            responses: ResponseCache::default(),
            download: Download::in_memory(),
        }
    }

    /// The same site, its pages `Last-Modified` at `t`.
    pub fn modified_at(mut self, t: SystemTime) -> Site {
        self.last_modified = LastModified::at(t);
        self
    }

    /// The same site with its download kept beside the compiled archive at `compiled_path`.
    pub fn with_download_beside(mut self, compiled_path: &Path) -> Site {
        self.download = Download::beside(compiled_path);
        self
    }

    /// The same site whose download is always streamed, never written to a file (for a
    /// process that will not live to finish writing it).
    pub fn without_download_file(mut self) -> Site {
        self.download = Download::in_memory();
        self
    }

    /// The same site keeping at most `budget` bytes of rendered responses (0: none).
    pub fn with_response_cache(mut self, budget: u64) -> Site {
        self.responses = ResponseCache::new(budget);
        self
    }
}

/// Whether [`open`] builds the archive.
#[derive(Debug, Clone, Copy)]
pub enum Build<'a> {
    /// Only when the compiled archive is missing, of another folder or older than it or any
    /// of its files (`export`).
    IfStale,
    /// Only when the compiled archive is missing, of another folder or older than it, as the
    /// folder itself tells ([`archive::Check::Folder`]: no stat of each dump). `serve` at
    /// start-up, which checks every file once it is listening.
    IfFolderStale,
    /// Always, as a `+1` of the build folder's last build, told which files changed since
    /// (a live rebuild): written as `arshif build` writes it, then loaded as at start. The
    /// report's laps end with what opening the site took. Under the build folder's lock, which
    /// the caller takes before and lets go of once the site is open. The archive of the site
    /// it replaces, if any, lends the new one the chunks of entries both hold
    /// ([`compiled::load_reusing`]).
    Knowing(&'a Changes, &'a BuildLock, Option<&'a Archive>),
}

/// The site of the articles folder `articles` compiled in `build_dir`, built first as `build`
/// says, with its search index; the build's report when there was a build. The archive and
/// the index are of one build: loaded (or built) and opened under the folder's lock.
pub fn open(
    articles: &Path,
    build_dir: &Path,
    build: Build<'_>,
) -> Result<(Site, Option<BuildReport>), ArchiveError> {
    let compiled_path = compiled::path_in(build_dir);
    // The search index is opened under the lock the archive was loaded (or built) under, so
    // both are of one build; `Knowing`'s caller holds it until the site is open.
    let (archive, report, _lock) = match build {
        Build::IfStale => {
            archive::load_or_build_locked(articles, &compiled_path, archive::Check::EveryFile)?
        }
        Build::IfFolderStale => {
            archive::load_or_build_locked(articles, &compiled_path, archive::Check::Folder)?
        }
        Build::Knowing(changes, lock, old) => {
            let (archive, report) =
                archive::build_and_save_then_load(articles, &compiled_path, changes, old, lock)?;
            (archive, Some(report), None)
        }
    };
    let mut clock = Instant::now();
    let search = SearchIndex::open(&archive::search_dir(&compiled_path))?;
    let opened = clock.elapsed();
    clock = Instant::now();
    let site = Site::new(archive, Some(search))
        .modified_at(last_modified(&compiled_path))
        .with_download_beside(&compiled_path);
    let mut report = report;
    if let Some(report) = &mut report {
        report.timings.extend([
            ("open the search index", opened),
            ("make the site (its time, its download)", clock.elapsed()),
        ]);
    }
    Ok((site, report))
}

/// When the pages last changed: the newer of the compiled archive and the running binary
/// (a new binary may render the same archive differently). Every instance serving the same
/// build with the same binary gives the same time.
fn last_modified(compiled_path: &Path) -> SystemTime {
    let mtime = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let archive = mtime(compiled_path);
    let binary = std::env::current_exe().ok().and_then(|exe| mtime(&exe));
    archive
        .into_iter()
        .chain(binary)
        .max()
        .unwrap_or_else(SystemTime::now)
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
    /// `Cache-Control` values made from the configuration once.
    pub(super) cache_control: Arc<CacheControl>,
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
        assert!(
            config.search_per_page > 0,
            "a search page holds at least one result"
        );
        AppState {
            site: Arc::new(ArcSwap::from_pointee(site)),
            cache_control: Arc::new(CacheControl::new(config.max_age)),
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
