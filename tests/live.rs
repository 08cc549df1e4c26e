//! Live updates of a running `arshif serve`: dumps added, edited and removed while a client
//! reads, with `--watch` or on SIGHUP. Every response must be a whole page of one build,
//! never of a half-built archive nor a mix of two; a rebuild that fails keeps the last good
//! build serving.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use arshif::archive::{self, Archive};
use arshif::web::view::counts::ARTICLES;
use arshif::web::view::links::article_path;
use arshif::web::{AppState, Config, Site, app};
use common::process::{self, Server};
use common::{attrs, get, resolve, texts};

/// What a reader can see of one build: the index's count line and list, and for each
/// article its title and the other articles it links to.
#[derive(Debug, PartialEq)]
struct Generation {
    count: String,
    /// Article path → title, as the index lists them.
    listed: BTreeMap<String, String>,
    /// Article path → the paths of its neighbours in time, which its page links to.
    neighbours: BTreeMap<String, BTreeSet<String>>,
    /// Article path → the paths of the rest of its story thread, which its page may link to.
    thread: BTreeMap<String, BTreeSet<String>>,
}

fn path_of(id: &str) -> String {
    format!("/{}", article_path(id))
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The build of a folder holding `files`, made in-process as the expected state.
fn generation(files: &[(String, Vec<u8>)]) -> Generation {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in files {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    let (archive, _) = archive::build(dir.path()).unwrap();
    facts(&archive)
}

fn facts(archive: &Archive) -> Generation {
    let entries = archive.entries();
    Generation {
        count: ARTICLES.count(entries.len()),
        listed: entries
            .iter()
            .map(|e| (path_of(&e.article.id), collapse(&e.article.title)))
            .collect(),
        neighbours: entries
            .iter()
            .map(|e| {
                let (older, newer) = archive.neighbours(&e.article.id);
                let paths = older.into_iter().chain(newer);
                (
                    path_of(&e.article.id),
                    paths.map(|o| path_of(&o.article.id)).collect(),
                )
            })
            .collect(),
        thread: entries
            .iter()
            .map(|e| {
                let paths = archive.thread(&e.article.id).into_iter();
                (
                    path_of(&e.article.id),
                    paths.map(|o| path_of(&o.article.id)).collect(),
                )
            })
            .collect(),
    }
}

/// Which of `gens` the page at `path` was rendered from (the first when several agree), or
/// why it belongs to none.
fn generation_of(
    path: &str,
    status: u16,
    body: &str,
    gens: &[Generation],
) -> Result<usize, String> {
    if !body.trim_end().ends_with("</html>") {
        return Err(format!(
            "{path}: {status}, an incomplete page ({} bytes)",
            body.len()
        ));
    }
    let html = scraper::Html::parse_document(body);
    if attrs(&html, "html[lang=ar][dir=rtl]", "lang").is_empty() {
        return Err(format!("{path}: no <html lang=ar dir=rtl>"));
    }
    let found = if path == "/" {
        if status != 200 {
            return Err(format!("/: status {status}"));
        }
        let summary = texts(&html, ".summary").concat();
        let sel = scraper::Selector::parse("a.entry-title").unwrap();
        let listed: BTreeMap<String, String> = html
            .select(&sel)
            .map(|a| {
                let href = a.value().attr("href").unwrap_or_default();
                (resolve("/", href), collapse(&a.text().collect::<String>()))
            })
            .collect();
        gens.iter()
            .position(|g| summary.starts_with(&g.count) && listed == g.listed)
    } else if status == 404 {
        gens.iter().position(|g| !g.listed.contains_key(path))
    } else if status == 200 {
        let title = texts(&html, "h1").concat();
        let linked: BTreeSet<String> = attrs(&html, "a[href]", "href")
            .iter()
            .map(|href| resolve(path, href))
            // Other articles: not this one's source, record (.json) or references (.bib, .ris).
            .filter(|p| {
                p.starts_with("/articles/")
                    && !p.ends_with("/source")
                    && p != path
                    && !p.starts_with(&format!("{path}."))
            })
            .collect();
        gens.iter().position(|g| {
            let (Some(neighbours), Some(thread)) = (g.neighbours.get(path), g.thread.get(path))
            else {
                return false;
            };
            g.listed.get(path) == Some(&title)
                && neighbours.is_subset(&linked)
                && linked
                    .iter()
                    .all(|p| neighbours.contains(p) || thread.contains(p))
        })
    } else {
        return Err(format!("{path}: status {status}"));
    };
    found.ok_or_else(|| format!("{path}: {status}, a page of no single build"))
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .into()
}

fn fetch(agent: &ureq::Agent, server: &str, path: &str) -> Result<(u16, String), String> {
    let url = format!("{}{}", server.trim_end_matches('/'), path);
    let mut reply = agent.get(&url).call().map_err(|e| format!("{path}: {e}"))?;
    let status = reply.status().as_u16();
    let body = reply
        .body_mut()
        .read_to_string()
        .map_err(|e| format!("{path}: body: {e}"))?;
    Ok((status, body))
}

/// Waits until the index shows `target` (bounded).
fn wait_for(server: &str, gens: &[Generation], target: usize) {
    let agent = agent();
    let start = Instant::now();
    loop {
        if let Ok((status, body)) = fetch(&agent, server, "/")
            && let Ok(g) = generation_of("/", status, &body, gens)
            && gens[g] == gens[target]
        {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the server never served build {target}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn seeds() -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(process::articles())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&p).unwrap())
        })
        .collect();
    files.sort();
    files
}

fn real_page(name: &str) -> Vec<u8> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/real-pages");
    std::fs::read(dir.join(name)).unwrap()
}

/// `root/articles` holding `files`.
fn folder_of(root: &Path, files: &[(String, Vec<u8>)]) -> std::path::PathBuf {
    let articles = root.join("articles");
    std::fs::create_dir(&articles).unwrap();
    for (name, bytes) in files {
        std::fs::write(articles.join(name), bytes).unwrap();
    }
    articles
}

/// The seeds, plus `added.txt` holding `extra` when given.
fn state(seeds: &[(String, Vec<u8>)], extra: Option<&Vec<u8>>) -> Vec<(String, Vec<u8>)> {
    let mut files = seeds.to_vec();
    files.extend(extra.map(|bytes| ("added.txt".to_owned(), bytes.clone())));
    files
}

#[test]
fn watch_swaps_whole_builds_while_a_client_reads() {
    let seeds = seeds();
    let first = real_page("001_arabic.sputniknews.com.txt");
    let second = real_page("004_youm7.com.txt");
    let gens = vec![
        generation(&state(&seeds, None)),
        generation(&state(&seeds, Some(&first))),
        generation(&state(&seeds, Some(&second))),
    ];
    assert!(
        gens[0] != gens[1] && gens[1] != gens[2],
        "three distinct builds"
    );

    let articles = tempfile::tempdir().unwrap();
    for (name, bytes) in &seeds {
        std::fs::write(articles.path().join(name), bytes).unwrap();
    }
    let build = tempfile::tempdir().unwrap();
    let server = Server::start(
        &process::serve_args(
            articles.path(),
            build.path(),
            &["--watch", "--log-level", "warn"],
        ),
        &[],
    );
    let url = server.url.clone();
    wait_for(&url, &gens, 0);

    // The reader: the index, then every article it lists, and the added one by name.
    let stop = Arc::new(AtomicBool::new(false));
    let errors = Arc::new(Mutex::new(Vec::<String>::new()));
    let seen = Arc::new(Mutex::new(vec![0usize; gens.len()]));
    let gens = Arc::new(gens);
    let reader = {
        let (stop, errors, seen, gens, url) = (
            stop.clone(),
            errors.clone(),
            seen.clone(),
            gens.clone(),
            url.clone(),
        );
        std::thread::spawn(move || {
            let agent = agent();
            let added = path_of("added");
            let check = |path: &str| -> Option<String> {
                let result = fetch(&agent, &url, path).and_then(|(status, body)| {
                    generation_of(path, status, &body, &gens).map(|g| (g, body))
                });
                match result {
                    Ok((g, body)) => {
                        seen.lock().unwrap()[g] += 1;
                        Some(body)
                    }
                    Err(e) => {
                        errors.lock().unwrap().push(e);
                        None
                    }
                }
            };
            while !stop.load(Ordering::Relaxed) {
                if let Some(index) = check("/") {
                    let html = scraper::Html::parse_document(&index);
                    for href in attrs(&html, "a.entry-title", "href") {
                        check(&resolve("/", &href));
                    }
                }
                check(&added);
            }
        })
    };

    // Each build is changed only once the reader has been answered from it: a fixed pause
    // was a guess at how fast the reader goes, which a loaded machine can miss.
    let seen_by_reader = |target: usize| {
        let start = Instant::now();
        while seen.lock().unwrap()[target] == 0 {
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "the reader was never answered from build {target}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    };
    let added = articles.path().join("added.txt");
    seen_by_reader(0);
    std::fs::write(&added, &first).unwrap();
    wait_for(&url, &gens, 1);
    seen_by_reader(1);
    std::fs::write(&added, &second).unwrap();
    wait_for(&url, &gens, 2);
    seen_by_reader(2);
    std::fs::remove_file(&added).unwrap();
    wait_for(&url, &gens, 0);
    std::thread::sleep(Duration::from_millis(500));

    stop.store(true, Ordering::Relaxed);
    reader.join().unwrap();
    let errors = errors.lock().unwrap();
    let seen = seen.lock().unwrap();
    eprintln!("responses per build: {seen:?}");
    assert!(
        errors.is_empty(),
        "{} bad responses: {:#?}",
        errors.len(),
        &errors[..errors.len().min(10)]
    );
    assert!(
        seen.iter().all(|&n| n > 0),
        "the reader saw every build: {seen:?}"
    );

    // Rebuilt in the build folder itself: no generation folders beside it.
    assert!(!build.path().join("live").exists());
}

/// The `rebuilt (…)` lines of a server's log, in order.
fn rebuilds(log_path: &Path) -> Vec<String> {
    let log = std::fs::read_to_string(log_path).unwrap();
    log.lines()
        .filter(|l| l.contains("rebuilt ("))
        .map(str::to_owned)
        .collect()
}

/// Waits until a rebuild after the first `after` says all of `what` (bounded).
fn wait_for_rebuild(log_path: &Path, after: usize, what: &[&str]) {
    let start = Instant::now();
    loop {
        let lines = rebuilds(log_path);
        if (lines.iter().skip(after)).any(|l| what.iter().all(|w| l.contains(w))) {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "no rebuild after the first {after} says {what:?}: {lines:#?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The parts stores of a build folder, by name.
fn stores(build: &Path) -> BTreeSet<String> {
    std::fs::read_dir(build)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("parts-"))
        .collect()
}

/// A live rebuild is a `+1` of the build folder (the last build's results reused, its parts
/// store appended to), told by the watcher which dumps changed, and serves what a build
/// from nothing of the same folder makes; searches keep answering while the folder is
/// rebuilt under the site being served.
#[test]
fn a_live_rebuild_is_a_plus_one_told_the_changed_names() {
    let seeds = seeds();
    let added = real_page("004_youm7.com.txt");
    let mut edited = state(&seeds, Some(&added));
    edited[0].1 = real_page("006_beirutobserver.com.txt");
    let gens = vec![
        generation(&seeds),
        generation(&state(&seeds, Some(&added))),
        generation(&edited),
    ];
    assert!(gens[0] != gens[1] && gens[1] != gens[2]);
    let root = tempfile::tempdir().unwrap();
    let articles = folder_of(root.path(), &seeds);
    let build = root.path().join("build");
    process::build(&articles, &build);
    let store = stores(&build);
    assert_eq!(store.len(), 1, "{store:?}");
    let log_path = root.path().join("serve.log");
    let mut server = Server::start_logging(
        &process::serve_args(&articles, &build, &["--watch", "--log-level", "info"]),
        &[],
        std::fs::File::create(&log_path).unwrap(),
    );
    let url = server.url.clone();
    wait_for(&url, &gens, 0);

    let stop = Arc::new(AtomicBool::new(false));
    let searcher = {
        let (stop, url) = (stop.clone(), url.clone());
        std::thread::spawn(move || {
            let agent = agent();
            let mut bad = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                match fetch(
                    &agent,
                    &url,
                    "/search?q=%D8%A7%D9%84%D8%B1%D8%A6%D9%8A%D8%B3",
                ) {
                    Ok((200, body)) if body.trim_end().ends_with("</html>") => {}
                    other => bad.push(format!("{other:?}")),
                }
            }
            bad
        })
    };

    // One dump added: every other file's result reused, the same store appended to.
    std::fs::write(articles.join("added.txt"), &added).unwrap();
    wait_for(&url, &gens, 1);
    let unchanged = format!("({} unchanged)", seeds.len());
    wait_for_rebuild(&log_path, 0, &[&unchanged]);
    let before_the_edit = rebuilds(&log_path).len();
    assert_eq!(stores(&build), store, "the parts store kept");

    // A dump rewritten in place: named by the watcher, the rest reused.
    let mut file = std::fs::File::options()
        .write(true)
        .truncate(true)
        .open(articles.join(&edited[0].0))
        .unwrap();
    std::io::Write::write_all(&mut file, &edited[0].1).unwrap();
    file.set_modified(SystemTime::now() + Duration::from_secs(2))
        .unwrap();
    drop(file);
    wait_for(&url, &gens, 2);
    let told = "told 1 changed names";
    wait_for_rebuild(&log_path, before_the_edit, &[told, &unchanged]);

    stop.store(true, Ordering::Relaxed);
    let bad = searcher.join().unwrap();
    assert!(bad.is_empty(), "searches that failed: {bad:#?}");
    server.signal(libc::SIGTERM);
    assert!(server.wait(Duration::from_secs(10)).success());
    assert!(!build.join("live").exists());
}

#[test]
fn sighup_rebuilds_and_a_failed_rebuild_keeps_the_last_good_build() {
    let seeds = seeds();
    let extra = real_page("006_beirutobserver.com.txt");
    let gens = vec![
        generation(&state(&seeds, None)),
        generation(&state(&seeds, Some(&extra))),
    ];
    let root = tempfile::tempdir().unwrap();
    let articles = folder_of(root.path(), &seeds);
    let build = root.path().join("build");
    let log_path = root.path().join("serve.log");
    let mut server = Server::start_logging(
        &process::serve_args(&articles, &build, &[]),
        &[],
        std::fs::File::create(&log_path).unwrap(),
    );
    let url = server.url.clone();
    wait_for(&url, &gens, 0);

    std::fs::write(articles.join("added.txt"), &extra).unwrap();
    server.signal(libc::SIGHUP);
    wait_for(&url, &gens, 1);

    // The folder disappears: the rebuild fails, is logged, and the last build stays.
    std::fs::rename(&articles, root.path().join("gone")).unwrap();
    server.signal(libc::SIGHUP);
    let start = Instant::now();
    let log = loop {
        let log = std::fs::read_to_string(&log_path).unwrap();
        if log.contains("rebuild failed") {
            break log;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "no failure logged: {log}"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(log.contains("cannot read the articles folder"), "{log}");
    let (status, body) = fetch(&agent(), &url, "/").unwrap();
    assert_eq!(generation_of("/", status, &body, &gens), Ok(1));

    server.signal(libc::SIGTERM);
    assert!(server.wait(Duration::from_secs(10)).success());
    assert!(
        !build.join("live").exists(),
        "the server's builds are left behind"
    );
}

/// Writes `bytes` into the file at `path` (the same file, not a new one put in its place, as
/// an editor saving in place does) and gives it the time `modified`.
fn rewrite_in_place(path: &Path, bytes: &[u8], modified: SystemTime) {
    let mut file = std::fs::File::options()
        .write(true)
        .truncate(true)
        .open(path)
        .unwrap();
    std::io::Write::write_all(&mut file, bytes).unwrap();
    file.set_modified(modified).unwrap();
}

/// A dump rewritten in place (which leaves the folder's time alone) after the last build:
/// `serve` answers at once from that build, finds the change once it is listening, and swaps
/// the rebuilt archive in, without `--watch` or a signal.
#[test]
fn a_dump_rewritten_in_place_before_start_is_rebuilt_once_serving() {
    let seeds = seeds();
    let extra = real_page("006_beirutobserver.com.txt");
    let mut rewritten = seeds.clone();
    rewritten[0].1.clone_from(&extra);
    let gens = vec![generation(&seeds), generation(&rewritten)];
    assert_ne!(gens[0], gens[1]);
    let root = tempfile::tempdir().unwrap();
    let articles = folder_of(root.path(), &seeds);
    let build = root.path().join("build");
    process::build(&articles, &build);

    let folder_time = || std::fs::metadata(&articles).unwrap().modified().unwrap();
    let before = folder_time();
    // Later than the build even on a file system counting whole seconds.
    rewrite_in_place(
        &articles.join(&seeds[0].0),
        &extra,
        SystemTime::now() + Duration::from_secs(2),
    );
    assert_eq!(
        folder_time(),
        before,
        "a write into a file leaves its folder's time"
    );

    let mut server = Server::start(&process::serve_args(&articles, &build, &[]), &[]);
    wait_for(&server.url, &gens, 1);
    server.signal(libc::SIGTERM);
    assert!(server.wait(Duration::from_secs(10)).success());
}

/// Watching, the start-up check sets the folder against the last build's listing: a dump
/// rewritten in place during that build's window (older than the archive: the check by times
/// misses it) is rebuilt; once a check finds the folder as listed, the first rebuild after
/// the start is told the watcher's names rather than looking at every file.
#[test]
fn the_start_up_check_against_the_listing_finds_the_window_and_vouches_for_the_first_rebuild() {
    let seeds = seeds();
    let (extra, added) = (
        real_page("006_beirutobserver.com.txt"),
        real_page("004_youm7.com.txt"),
    );
    let mut rewritten = seeds.clone();
    rewritten[0].1.clone_from(&extra);
    let mut grown = rewritten.clone();
    grown.push(("added.txt".into(), added.clone()));
    let gens = vec![
        generation(&seeds),
        generation(&rewritten),
        generation(&grown),
    ];
    let root = tempfile::tempdir().unwrap();
    let articles = folder_of(root.path(), &seeds);
    let build = root.path().join("build");
    process::build(&articles, &build);
    let built = std::fs::metadata(build.join("archive.bin"))
        .unwrap()
        .modified()
        .unwrap();
    rewrite_in_place(
        &articles.join(&seeds[0].0),
        &extra,
        built - Duration::from_secs(60),
    );

    let watching = |log: &str| {
        let log_path = root.path().join(log);
        let server = Server::start_logging(
            &process::serve_args(&articles, &build, &["--watch", "--log-level", "info"]),
            &[],
            std::fs::File::create(&log_path).unwrap(),
        );
        (server, log_path)
    };
    let (mut server, log_path) = watching("first.log");
    wait_for(&server.url, &gens, 1);
    wait_for_rebuild(&log_path, 0, &["every file looked at"]);
    server.signal(libc::SIGTERM);
    assert!(server.wait(Duration::from_secs(10)).success());

    let (mut server, log_path) = watching("second.log");
    let start = Instant::now();
    while !std::fs::read_to_string(&log_path)
        .unwrap()
        .contains("is as its last build listed it")
    {
        assert!(start.elapsed() < Duration::from_secs(60), "never vouched");
        std::thread::sleep(Duration::from_millis(50));
    }
    std::fs::write(articles.join("added.txt"), &added).unwrap();
    wait_for(&server.url, &gens, 2);
    wait_for_rebuild(&log_path, 0, &["told 1 changed names"]);
    server.signal(libc::SIGTERM);
    assert!(server.wait(Duration::from_secs(10)).success());
}

/// A swapped-in build brings its own `Last-Modified`: caches revalidating against the old
/// time get the new pages, not a 304.
#[tokio::test]
async fn a_swapped_build_brings_its_own_last_modified() {
    let old = SystemTime::UNIX_EPOCH + Duration::from_secs(1_442_400_000);
    let new = old + Duration::from_secs(3600);
    let site = |t| Site::new(Archive::from_entries(common::seeds(), None), None).modified_at(t);
    let state = AppState::with_site(site(old), Config::default());
    let router = app(state.clone());
    let date = httpdate::fmt_http_date;
    assert_eq!(get(&router, "/").await.header("last-modified"), date(old));

    state.replace(site(new));
    let reply = get(&router, "/").await;
    assert_eq!(reply.header("last-modified"), date(new));
    let since = date(old);
    let reply = common::send(
        &router,
        axum::http::Method::GET,
        "/",
        &[("if-modified-since", &since)],
    )
    .await;
    assert_eq!(reply.status, 200);
}

/// `serve`'s and `export`'s start: the archive is loaded and its search index opened under the
/// build folder's lock, so that another build of the folder (an `arshif build` run beside)
/// cannot commit its index between the two and pair one build's pages with another's search.
#[test]
fn a_site_opens_its_archive_and_index_under_the_folders_lock() {
    use arshif::archive::build_lock::BuildLock;
    use arshif::web::site::{self, Build};

    let root = tempfile::tempdir().unwrap();
    let articles = folder_of(root.path(), &seeds());
    let build_dir = root.path().join("build");
    archive::build_and_save(&articles, &archive::compiled::path_in(&build_dir)).unwrap();

    for build in [Build::IfFolderStale, Build::IfStale] {
        let other_build = BuildLock::take(&build_dir).unwrap();
        let (opened, told) = std::sync::mpsc::channel();
        let (articles, build_dir) = (articles.clone(), build_dir.clone());
        let opening = std::thread::spawn(move || {
            let site = site::open(&articles, &build_dir, build);
            opened.send(()).unwrap();
            site.map(|(site, _)| site.archive.len())
        });
        // However long it is given, it does not open while the other build holds the folder.
        assert!(
            told.recv_timeout(Duration::from_millis(300)).is_err(),
            "{build:?}: the site opened while another build held its folder"
        );
        drop(other_build);
        assert_eq!(opening.join().unwrap().unwrap(), seeds().len(), "{build:?}");
    }
}
