//! Whole pages in real tools: the Nu HTML Checker validates them, and headless Debian
//! chromium renders them (right to left, no sideways scroll, web font loaded, axe-core clean)
//! and saves screenshots under `target/screenshots/`.
//!
//! Both are `#[ignore]`d because they need tools outside cargo; `.ci/run` installs the tools
//! and runs them. Missing tools fail these tests, never skip them.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use axum::http::StatusCode;
use common::*;

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn node_modules() -> PathBuf {
    let dir = manifest_dir().join("tests/browser/node_modules");
    assert!(
        dir.is_dir(),
        "{} is missing: run `npm ci` in tests/browser (.ci/run does)",
        dir.display()
    );
    dir
}

/// The archive both tests look at: the seed-shaped articles, one story thread of them, and
/// one hostile article, searchable, three to a page so that every list has a pager.
fn site() -> (tempfile::TempDir, axum::Router) {
    let mut entries = seeds();
    let thread = entries.iter().map(|e| e.article.id.clone()).collect();
    entries.push(hostile());
    let archive = arshif::archive::Archive::from_entries(entries, Some(ABOUT.into()))
        .with_threads(vec![thread], Default::default());
    let config = arshif::web::Config {
        per_page: 3,
        search_per_page: 3,
        ..arshif::web::Config::default()
    };
    searchable(archive, config)
}

/// (file name, path, expected status) of every kind of page.
const PAGES: [(&str, &str, u16); 19] = [
    ("index", "/", 200),
    ("index-oldest", "/?order=oldest", 200),
    ("index-2", "/page/2", 200),
    ("article", "/articles/91d6d82d5f0f2529", 200),
    ("article-note", "/articles/cf3dbfa4259b4b62", 200),
    ("article-undated", "/articles/4873890e38737cc0", 200),
    ("article-hostile", "/articles/hostile", 200),
    ("about", "/about", 200),
    ("search", "/search?q=%D8%B3%D9%88%D8%B1%D9%8A%D8%A7", 200),
    (
        "search-2",
        "/search?q=%D8%B3%D9%88%D8%B1%D9%8A%D8%A7&page=2",
        200,
    ),
    ("search-none", "/search?q=!!!", 200),
    ("year", "/2015/", 200),
    ("month", "/2015/09/", 200),
    ("publications", "/publications", 200),
    (
        "publication",
        "/publications/%D8%A7%D9%84%D9%88%D8%B3%D8%B7",
        200,
    ),
    (
        "publication-hostile",
        "/publications/a-href-javascript-alert-1-%D9%85%D8%B7%D8%A8%D9%88%D8%B9%D8%A9-a",
        200,
    ),
    ("agencies", "/agencies", 200),
    (
        "agency",
        "/agencies/%D9%88%D9%83%D8%A7%D9%84%D8%A9-%D8%A7%D9%84%D8%B5%D8%AD%D8%A7%D9%81%D8%A9-%D8%A7%D9%84%D9%81%D8%B1%D9%86%D8%B3%D9%8A%D8%A9-%D8%A3-%D9%81-%D8%A8",
        200,
    ),
    ("not-found", "/no/such/page", 404),
];

#[tokio::test]
#[ignore = "needs vnu-jar (npm) and java"]
async fn pages_are_valid_html() {
    let jar = node_modules().join("vnu-jar/build/dist/vnu.jar");
    assert!(jar.is_file(), "{} is missing", jar.display());

    let (_index, app) = site();
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for (name, path, status) in PAGES {
        let reply = get(&app, path).await;
        assert_eq!(
            reply.status,
            StatusCode::from_u16(status).unwrap(),
            "{path}"
        );
        let file = dir.path().join(format!("{name}.html"));
        std::fs::write(&file, &reply.bytes).unwrap();
        files.push(file);
    }
    // The other error pages share error.html, but their wording differs.
    let no_search = router(seeds(), None);
    for (name, path, app) in [
        ("bad-request", "/?order=sideways", &app),
        (
            "query-too-long",
            &*format!("/search?q={}", "x".repeat(300)),
            &app,
        ),
        ("search-unavailable", "/search?q=x", &no_search),
    ] {
        let file = dir.path().join(format!("{name}.html"));
        std::fs::write(&file, get(app, path).await.bytes).unwrap();
        files.push(file);
    }

    let output = Command::new("java")
        .arg("-jar")
        .arg(&jar)
        .args(["--errors-only", "--format", "json"])
        .args(&files)
        .output()
        .expect("cannot run java: install a JRE (.ci/run installs default-jre-headless)");
    // vnu writes its JSON report to stderr.
    let report = String::from_utf8_lossy(&output.stderr);
    let json: serde_json::Value = serde_json::from_str(&report)
        .unwrap_or_else(|e| panic!("vnu did not report JSON ({e}): {report}"));
    let messages = json["messages"].as_array().expect("a messages array");
    for m in messages {
        eprintln!(
            "{}: {} line {}: {}",
            m["type"],
            m["url"]
                .as_str()
                .unwrap_or("")
                .rsplit('/')
                .next()
                .unwrap_or(""),
            m["lastLine"],
            m["message"]
        );
    }
    assert!(
        messages.is_empty(),
        "the validator found {} error(s)",
        messages.len()
    );
    assert!(output.status.success(), "vnu exited with {}", output.status);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs chromium"]
async fn pages_render_right_to_left_in_chromium() {
    let modules = node_modules();
    assert!(
        modules.join("playwright-core").is_dir(),
        "playwright-core is not installed"
    );
    assert!(
        modules.join("axe-core").is_dir(),
        "axe-core is not installed"
    );

    // A real listener, as a reader's browser would meet it.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (_index, app) = site();
    let server = tokio::spawn(async move { axum::serve(listener, app).await });

    let out_dir = manifest_dir().join("target/screenshots");
    let _ = std::fs::remove_dir_all(&out_dir);
    let pages: Vec<serde_json::Value> = PAGES
        .iter()
        .map(|(name, path, status)| {
            serde_json::json!({ "name": name, "path": format!(".{path}"), "status": status })
        })
        .collect();
    let script = manifest_dir().join("tests/browser/check.mjs");
    let base = format!("http://{addr}/");
    let pages = serde_json::to_string(&pages).unwrap();
    let out = out_dir.clone();
    let output = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .arg(&script)
            .arg(&base)
            .arg(&out)
            .arg(&pages)
            .output()
            .expect("cannot run node")
    })
    .await
    .unwrap();
    server.abort();

    println!("{}", String::from_utf8_lossy(&output.stdout));
    eprintln!("{}", String::from_utf8_lossy(&output.stderr));
    assert!(
        output.status.success(),
        "browser checks failed ({})",
        output.status
    );
    let shots = std::fs::read_dir(&out_dir).unwrap().count();
    assert_eq!(shots, PAGES.len() * 3, "one screenshot per page and view");
}
