//! Live updates: rebuild the archive when its folder changes (`--watch`) or on SIGHUP, and
//! swap the new build in whole, without a moment of downtime.
//!
//! Each rebuild writes a fresh *generation* folder (`<build-dir>/live/<pid>-<n>/`: compiled
//! archive and search index together), loads the site from it, and only then swaps it into
//! [`AppState`]: a reader never meets a half-built archive, nor an archive paired with
//! another build's index. Requests in flight finish on the site they started with; the old
//! generation's folder is removed once they have. A rebuild that fails (the folder gone or
//! unreadable, the disk full) is logged and the last good site keeps serving.
//!
//! Changes come in bursts (an editor's save, a copy of many dumps), so a rebuild starts only
//! after [`QUIET`] without a new change; changes during a rebuild cause one more after it.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher};
use tokio::sync::Notify;

use super::idle;
use super::site::{self, AppState, Build, Site};
use crate::archive::{compiled, staleness};

/// How long the folder must stay unchanged before a rebuild starts.
pub const QUIET: Duration = Duration::from_millis(300);

/// The rebuild machinery of a running server: the rebuild task and the folder watch (which
/// lasts as long as this value). [`Reloader::finish`] stops both and removes the generations
/// this process made.
pub struct Reloader {
    task: tokio::task::JoinHandle<()>,
    watcher: Option<RecommendedWatcher>,
    live_dir: PathBuf,
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
    let live_dir = build_dir.join("live");
    remove_orphans(&live_dir);
    let wanted = Arc::new(Notify::new());

    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut hangup = signal(SignalKind::hangup()).context("cannot handle SIGHUP")?;
        let wanted = wanted.clone();
        tokio::spawn(async move {
            while hangup.recv().await.is_some() {
                tracing::info!("SIGHUP: rebuilding the archive");
                wanted.notify_one();
            }
        });
    }

    let watcher = if watch {
        let on_change = wanted.clone();
        let mut watcher =
            notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
                match event {
                    Ok(event) if concerns_the_archive(&event) => on_change.notify_one(),
                    Ok(_) => {}
                    // The watcher lost track (queue overflow): only a rebuild is sure to be right.
                    Err(e) => {
                        tracing::warn!("watching the articles folder: {e}");
                        on_change.notify_one();
                    }
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
    // either is rebuilt like any other change.
    let compiled_path = compiled::path_in(build_dir);
    let (folder, on_stale) = (articles.clone(), wanted.clone());
    // At idle priority: it must not take a core from the first readers (see `idle`).
    let checked = idle::spawn("arshif-check", move || {
        if staleness::is_stale_on_one_core(&compiled_path, &folder) {
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

    let generations = Generations {
        dir: live_dir.clone(),
        next: AtomicU64::new(1),
    };
    let task = tokio::spawn(rebuild_loop(state, articles, generations, wanted));
    Ok(Reloader {
        task,
        watcher,
        live_dir,
    })
}

impl Reloader {
    /// Stops rebuilding and removes this process's generation folders (the site being served
    /// goes with the process; the next start loads or rebuilds the build folder's own copy).
    pub fn finish(self) {
        self.task.abort();
        drop(self.watcher);
        let mine = format!("{}-", std::process::id());
        for dir in generation_dirs(&self.live_dir) {
            if file_name(&dir).starts_with(&mine) {
                let _ = std::fs::remove_dir_all(&dir);
            }
        }
        let _ = std::fs::remove_dir(&self.live_dir);
    }
}

/// Which changes a rebuild would see: dumps, overrides and `about.md`, not an editor's
/// swap files or reads.
fn concerns_the_archive(event: &notify::Event) -> bool {
    if matches!(event.kind, EventKind::Access(_)) {
        return false;
    }
    event.paths.is_empty()
        || event.paths.iter().any(|p| {
            p.extension().is_some_and(|e| e == "txt" || e == "toml")
                || p.file_name().is_some_and(|n| n == "about.md")
        })
}

struct Generations {
    dir: PathBuf,
    next: AtomicU64,
}

impl Generations {
    fn fresh(&self) -> PathBuf {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        self.dir.join(format!("{}-{n}", std::process::id()))
    }
}

async fn rebuild_loop(
    state: AppState,
    articles: PathBuf,
    generations: Generations,
    wanted: Arc<Notify>,
) {
    // The generation folder being served; `None` for the build folder's own copy, which a
    // later start of the server loads, so it is never removed.
    let mut serving: Option<PathBuf> = None;
    loop {
        wanted.notified().await;
        loop {
            tokio::select! {
                () = wanted.notified() => {}
                () = tokio::time::sleep(QUIET) => break,
            }
        }
        let dir = generations.fresh();
        let started = Instant::now();
        let (articles, into) = (articles.clone(), dir.clone());
        let opened = move || site::open(&articles, &into, Build::Always);
        let built = match tokio::task::spawn_blocking(opened).await {
            Ok(built) => built.map_err(anyhow::Error::from),
            Err(panicked) => Err(anyhow::Error::from(panicked)),
        };
        match built {
            Ok((site, report)) => {
                let site = site.with_response_cache(state.site().responses.budget());
                let old = state.replace(site);
                // `Build::Always` always reports.
                let report = report.map(|r| r.render()).unwrap_or_default();
                tracing::info!(
                    "rebuilt in {:.1?}, now serving it: {}",
                    started.elapsed(),
                    report.trim_end()
                );
                if let Some(old_dir) = serving.replace(dir) {
                    let timeout = state.config.request_timeout;
                    tokio::spawn(remove_when_unused(old, old_dir, timeout));
                }
            }
            Err(e) => {
                tracing::error!("rebuild failed, still serving the previous build: {e:#}");
                let _ = tokio::fs::remove_dir_all(&dir).await;
            }
        }
    }
}

/// Removes a replaced generation's folder once no request holds its site. A request lasts at
/// most the request timeout, so after that (and a margin) the folder goes anyway: on Unix the
/// files a straggler has open stay readable until it lets go of them.
async fn remove_when_unused(old: Arc<Site>, dir: PathBuf, request_timeout: Duration) {
    let deadline = Instant::now() + request_timeout + Duration::from_secs(5);
    while Arc::strong_count(&old) > 1 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    drop(old);
    if let Err(e) = tokio::fs::remove_dir_all(&dir).await {
        tracing::warn!("cannot remove the old build {}: {e}", dir.display());
    }
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

    fn event(kind: EventKind, path: &str) -> notify::Event {
        notify::Event::new(kind).add_path(PathBuf::from(path))
    }

    #[test]
    fn only_the_archives_inputs_matter() {
        use notify::event::{AccessKind, CreateKind, ModifyKind, RemoveKind};
        let modify = EventKind::Modify(ModifyKind::Any);
        assert!(concerns_the_archive(&event(modify, "/a/x.txt")));
        assert!(concerns_the_archive(&event(
            EventKind::Remove(RemoveKind::File),
            "/a/x.toml"
        )));
        assert!(concerns_the_archive(&event(
            EventKind::Create(CreateKind::File),
            "/a/about.md"
        )));
        assert!(!concerns_the_archive(&event(modify, "/a/.x.txt.swp")));
        assert!(!concerns_the_archive(&event(modify, "/a/notes.md")));
        assert!(!concerns_the_archive(&event(
            EventKind::Access(AccessKind::Any),
            "/a/x.txt"
        )));
        // An event without paths (the watcher rescanned) may hide any change.
        assert!(concerns_the_archive(&notify::Event::new(EventKind::Any)));
    }

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
