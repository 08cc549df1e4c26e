//! Live updates: rebuild the archive when its folder changes (`--watch`) or on SIGHUP, and
//! swap the new build in whole, without a moment of downtime.
//!
//! Each rebuild is a `+1` of the build folder itself, as `arshif build` makes one: the last
//! build's cache, parts store and search index are brought up to date in place, told which
//! dumps the watcher saw change ([`Pending`]), so that a rebuild costs what changed, not the
//! whole archive. The site being served reads nothing of the folder by name once opened
//! (its archive is in memory, its parts store and index segments are mapped, and a build
//! only appends to a store, writes new segments and new files, and unlinks old ones), so it
//! keeps serving the build it was opened from while the folder changes under it. The new
//! site (archive and search index, opened from the same build) is swapped into [`AppState`]
//! only once whole: a reader never meets a half-built archive, nor an archive paired with
//! another build's index; requests in flight finish on the site they started with. A rebuild
//! that fails (the folder gone or unreadable, the disk full) is logged and the last good site
//! keeps serving; the folder is left as a build killed at that point leaves it, which the
//! next build takes up. Two servers on one build folder, or a server and `arshif build`, take
//! turns (the folder's [`BuildLock`], held by a rebuild until its site is open).
//!
//! Changes come in bursts (an editor's save, a copy of many dumps), so a rebuild starts only
//! after [`QUIET`] without a new change; changes during a rebuild cause one more after it.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context;
use notify::{RecommendedWatcher, RecursiveMode, Watcher};
use tokio::sync::Notify;

use super::download;
use super::idle;
use super::pending::{Pending, Shared, lock};
use super::site::{self, AppState, Build, Site};
use crate::archive::build_lock::BuildLock;
use crate::archive::{BuildReport, Changes, compiled, staleness};

/// How long the folder must stay unchanged before a rebuild starts.
pub const QUIET: Duration = Duration::from_millis(300);

/// The rebuild machinery of a running server: the rebuild task and the folder watch (which
/// lasts as long as this value). [`Reloader::finish`] stops both.
pub struct Reloader {
    task: tokio::task::JoinHandle<()>,
    watcher: Option<RecommendedWatcher>,
}

/// Starts rebuilding `articles` into `build_dir` on SIGHUP, on every change of the folder when
/// `watch` is set, and once now if any of its files is newer than the build (start-up only
/// looked at the folder's time). Must be called inside the Tokio runtime.
pub fn start(
    state: AppState,
    articles: PathBuf,
    build_dir: &Path,
    watch: bool,
) -> anyhow::Result<Reloader> {
    // Left by servers before session 39, which rebuilt into generation folders there.
    remove_orphans(&build_dir.join("live"));
    let wanted = Arc::new(Notify::new());
    let pending: Shared = Arc::new(Mutex::new(Pending::new(watch)));

    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut hangup = signal(SignalKind::hangup()).context("cannot handle SIGHUP")?;
        let (wanted, pending) = (wanted.clone(), pending.clone());
        tokio::spawn(async move {
            while hangup.recv().await.is_some() {
                tracing::info!("SIGHUP: rebuilding the archive");
                lock(&pending).lost_track();
                wanted.notify_one();
            }
        });
    }

    let watcher = if watch {
        let (on_change, pending) = (wanted.clone(), pending.clone());
        let mut watcher =
            notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
                let concerns = match event {
                    Ok(event) => lock(&pending).note(&event),
                    // The watcher lost track (queue overflow): only a whole look is sure.
                    Err(e) => {
                        tracing::warn!("watching the articles folder: {e}");
                        lock(&pending).lost_track();
                        true
                    }
                };
                if concerns {
                    on_change.notify_one();
                }
            })
            .context("cannot watch the articles folder")?;
        watcher
            .watch(&articles, RecursiveMode::NonRecursive)
            .with_context(|| format!("cannot watch {}", articles.display()))?;
        tracing::info!("watching {} for changes", articles.display());
        Some(watcher)
    } else {
        None
    };
    // Start-up looked at the folder's time alone (a stat per dump would keep a large archive
    // from answering for a second or more): a dump rewritten in place since the last build is
    // found here, once the server answers, as is a change between start-up and the watch;
    // either is rebuilt like any other change. Watching, the folder is set against the build
    // folder's last listing (a stat a dump, as the check by times): found as listed, the
    // first rebuild is told the watcher's names too.
    let compiled_path = compiled::path_in(build_dir);
    let (folder, on_stale, stale) = (articles.clone(), wanted.clone(), pending.clone());
    let listed_in = build_dir.to_path_buf();
    // At idle priority: it must not take a core from the first readers (see `idle`).
    let checked = idle::spawn("arshif-check", move || {
        let by_listing = watch.then(|| check_against_listing(&folder, &listed_in, &stale));
        let rebuild = by_listing.flatten().unwrap_or_else(|| {
            let is_stale = staleness::is_stale_on_one_core(&compiled_path, &folder);
            if is_stale {
                lock(&stale).lost_track();
            }
            is_stale
        });
        if rebuild {
            tracing::info!(
                "{} changed since {} was built: rebuilding",
                folder.display(),
                compiled_path.display()
            );
            on_stale.notify_one();
        }
    });
    if let Err(e) = checked {
        tracing::warn!("cannot check the articles folder against the build: {e}");
    }

    let task = tokio::spawn(rebuild_loop(
        state,
        articles,
        build_dir.to_path_buf(),
        pending,
        wanted,
    ));
    Ok(Reloader { task, watcher })
}

/// Whether a rebuild is wanted because the folder changed since the build folder's last
/// build, by its last listing (every file as it found it: then vouched for,
/// [`Pending::vouch`]); `None` where the build folder cannot say. On the calling thread alone
/// (idle): the listing's stats would take every core.
fn check_against_listing(articles: &Path, build_dir: &Path, pending: &Shared) -> Option<bool> {
    let compiled_path = compiled::path_in(build_dir);
    // Before the look: a build since (another process's) leaves another stamp, and the first
    // rebuild then looks at every file.
    let stamp = download::stamp(&compiled_path);
    let one_core = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .ok()?;
    let as_listed =
        one_core.install(|| crate::archive::folder_is_as_listed(articles, build_dir))?;
    let is_stale = !as_listed || staleness::is_about_newer(&compiled_path, articles);
    if is_stale {
        return Some(lock(pending).found_stale());
    }
    lock(pending).vouch(stamp);
    tracing::info!(
        "{} is as its last build listed it: the next rebuild is told the watcher's names",
        articles.display()
    );
    Some(false)
}

impl Reloader {
    /// Stops rebuilding and watching. A rebuild under way is left to the process's exit,
    /// which stops it as `kill -9` would a build: the folder stays good.
    pub fn finish(self) {
        self.task.abort();
        drop(self.watcher);
    }
}

async fn rebuild_loop(
    state: AppState,
    articles: PathBuf,
    build_dir: PathBuf,
    pending: Shared,
    wanted: Arc<Notify>,
) {
    // The compiled archive as this server's last rebuild left it (`download::stamp`): one
    // built since by another process (another server, `arshif build`) has a cache listed
    // at a time this server's names do not reach back to, so the next rebuild looks at all.
    let mut left: Option<u64> = None;
    loop {
        wanted.notified().await;
        loop {
            tokio::select! {
                () = wanted.notified() => {}
                () = tokio::time::sleep(QUIET) => break,
            }
        }
        let started = Instant::now();
        // Taken before the build looks at anything: a change from now on is the next one's.
        let (changes, vouched) = lock(&pending).take();
        // The first rebuild's names reach back to the listing the start-up check vouched for.
        left = left.or(vouched);
        let (articles, build_dir) = (articles.clone(), build_dir.clone());
        // The site served now lends the new one the entries both hold: held until the new
        // one is open, as it is served until then anyway.
        let serving = state.site();
        let rebuilding = move || rebuild(&articles, &build_dir, changes, left, &serving.archive);
        let built = match tokio::task::spawn_blocking(rebuilding).await {
            Ok(built) => built,
            Err(panicked) => Err(anyhow::Error::from(panicked)),
        };
        match built {
            Ok(Rebuilt {
                site,
                mut report,
                told,
                stamp,
            }) => {
                let clock = Instant::now();
                let site = site.with_response_cache(state.site().responses.budget());
                let old = state.replace(site);
                report
                    .timings
                    .push(("swap it in (a response cache)", clock.elapsed()));
                let took = started.elapsed();
                left = Some(stamp);
                tracing::info!(
                    "rebuilt ({told}) in {took:.3?} from its start to the swap, now serving it: \
                     {}; laps: {}",
                    summary(&report),
                    laps(&report)
                );
                tokio::spawn(retire(old, state.config.request_timeout));
            }
            Err(e) => {
                // What the names were taken for may be half done: the next one looks at all.
                lock(&pending).lost_track();
                tracing::error!("rebuild failed, still serving the previous build: {e:#}");
            }
        }
    }
}

/// A rebuild's site, its report, what it was told of the folder, and the compiled archive's
/// stamp it left.
struct Rebuilt {
    site: Site,
    report: BuildReport,
    told: String,
    stamp: u64,
}

/// The `+1` of `build_dir` told `changes`, and its site opened, under the folder's lock.
fn rebuild(
    articles: &Path,
    build_dir: &Path,
    changes: Changes,
    left: Option<u64>,
    serving: &crate::archive::Archive,
) -> anyhow::Result<Rebuilt> {
    let lock = BuildLock::take(build_dir)?;
    let compiled_path = compiled::path_in(build_dir);
    let changes = match left == Some(download::stamp(&compiled_path)) {
        true => changes,
        false => Changes::Unknown,
    };
    let told = match &changes {
        Changes::Unknown => "every file looked at".to_owned(),
        Changes::Names(names) => format!("told {} changed names", names.len()),
    };
    let (site, report) = site::open(
        articles,
        build_dir,
        Build::Knowing(&changes, &lock, Some(serving)),
    )?;
    let stamp = download::stamp(&compiled_path);
    let report = report.context("a build that reports nothing")?;
    Ok(Rebuilt {
        site,
        report,
        told,
        stamp,
    })
}

/// A rebuild's counts and errors for the log (each warning is the build's to print, not a
/// live log's: 280,000 undated articles at a million).
fn summary(report: &BuildReport) -> String {
    let mut s = format!(
        "{} files ({} unchanged), {} articles, {} errors, {} warnings",
        report.files_read,
        report.reused,
        report.articles,
        report.errors(),
        report.problems.len() - report.errors(),
    );
    for p in report.problems.iter().filter(|p| p.is_error) {
        s += &format!("; error: {}: {}", p.file, p.message);
    }
    s
}

/// The report's laps, as `arshif build --timings` names them, on one line.
fn laps(report: &BuildReport) -> String {
    let laps: Vec<String> = (report.timings.iter())
        .map(|(step, took)| format!("{}: {:.3} s", step.trim(), took.as_secs_f64()))
        .collect();
    laps.join("; ")
}

/// Lets go of a replaced site once no request holds it (or after the request timeout and a
/// margin), on a blocking thread: a large archive takes a while to free.
async fn retire(old: Arc<Site>, request_timeout: Duration) {
    let deadline = Instant::now() + request_timeout + Duration::from_secs(5);
    while Arc::strong_count(&old) > 1 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = tokio::task::spawn_blocking(move || drop(old)).await;
}

fn generation_dirs(live_dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(live_dir)
        .map(|items| items.flatten().map(|e| e.path()).collect())
        .unwrap_or_default()
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Removes the generations left by servers that died without cleaning up (their process is
/// gone). Another server sharing the build folder keeps its own.
fn remove_orphans(live_dir: &Path) {
    for dir in generation_dirs(live_dir) {
        let name = file_name(&dir);
        let Some(pid) = name.split('-').next() else {
            continue;
        };
        if !process_is_running(pid) {
            let _ = std::fs::remove_dir_all(&dir);
        }
    }
    // Gone when empty: only a server of before session 39 still running keeps one.
    let _ = std::fs::remove_dir(live_dir);
}

/// Whether the process `pid` runs, where `/proc` says so; elsewhere assumed, which keeps
/// its folders.
fn process_is_running(pid: &str) -> bool {
    let proc = Path::new("/proc");
    !proc.is_dir() || proc.join(pid).exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orphaned_generations_go_and_live_ones_stay() {
        let build = tempfile::tempdir().unwrap();
        let live = build.path().join("live");
        let mine = live.join(format!("{}-1", std::process::id()));
        // pid_max on Linux is at most 2^22: this pid runs nowhere.
        let orphan = live.join("99999999-3");
        for d in [&mine, &orphan] {
            std::fs::create_dir_all(d).unwrap();
        }
        remove_orphans(&live);
        assert!(mine.is_dir());
        assert_eq!(orphan.is_dir(), !Path::new("/proc").is_dir());
    }
}
