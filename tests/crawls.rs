//! `arshif build` on a folder that holds saved pages and crawls beside text dumps: one
//! archive of them all; each crawled address one article with stable id, its captures listed
//! and each viewable as source; the records that are not pages counted by kind; damaged
//! crawls and pages with no article reported by file (and offset) without losing the rest.

mod common;

use std::fs;
use std::path::Path;

use arshif::archive::Changes;
use arshif::archive::build_lock::BuildLock;
use arshif::archive::{self, BuildReport, compiled};
use arshif::web::site::{self, Build};
use arshif::web::{AppState, Config, app};
use axum::Router;
use common::warc::{gz, html_of_dump, http, page, record};

fn fixture(path: &str) -> Vec<u8> {
    let full = format!("{}/tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"));
    fs::read(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

/// A seed dump (articles/), as a page.
fn seed_page(name: &str) -> Vec<u8> {
    let path = format!("{}/articles/{name}.txt", env!("CARGO_MANIFEST_DIR"));
    html_of_dump(&fs::read_to_string(path).unwrap()).into_bytes()
}

const KERRY: &str = "000_4873890e38737cc0";
const MOSCOW: &str = "001_adaa0b1178cf7dcd";

/// A crawl of two seed pages (one of them fetched twice, a day apart, the second time
/// changed) and a real page, with the records every crawl also holds.
fn crawl() -> Vec<u8> {
    let mut changed = String::from_utf8(seed_page(KERRY)).unwrap();
    changed = changed.replace(
        "</body>",
        "<p>تصحيح: أضيفت فقرة بعد النشر لتوضيح موعد الاجتماع المقبل بين الوزيرين.</p></body>",
    );
    let records = [
        record(
            "warcinfo",
            "",
            "2024-05-01T10:00:00Z",
            b"software: Wget/1.21.3",
        ),
        record(
            "request",
            "http://127.0.0.1/kerry.html",
            "2024-05-01T10:00:00Z",
            b"GET /kerry.html HTTP/1.1\r\n\r\n",
        ),
        page(
            "http://127.0.0.1/kerry.html",
            "2024-05-01T10:00:01Z",
            &seed_page(KERRY),
        ),
        page(
            "http://127.0.0.1/moscow.html",
            "2024-05-01T10:00:02Z",
            &seed_page(MOSCOW),
        ),
        page(
            "http://127.0.0.1/beirut.html",
            "2024-05-01T10:00:03Z",
            &fixture("real-pages/html/006_beirutobserver.com.html"),
        ),
        record(
            "response",
            "http://127.0.0.1/old",
            "2024-05-01T10:00:04Z",
            &http("301 Moved Permanently", "Location: /kerry.html\r\n", b""),
        ),
        record(
            "response",
            "http://127.0.0.1/logo.png",
            "2024-05-01T10:00:04Z",
            &http("200 OK", "Content-Type: image/png\r\n", b"\x89PNG"),
        ),
        record(
            "response",
            "http://127.0.0.1/site.css",
            "2024-05-01T10:00:04Z",
            &http("200 OK", "Content-Type: text/css\r\n", b"body{}"),
        ),
        record(
            "response",
            "http://127.0.0.1/app.js",
            "2024-05-01T10:00:04Z",
            &http("200 OK", "Content-Type: application/javascript\r\n", b"1"),
        ),
        record(
            "revisit",
            "http://127.0.0.1/moscow.html",
            "2024-05-02T10:00:00Z",
            b"HTTP/1.1 200 OK\r\n\r\n",
        ),
        // The same address a day later, written another way: the same article.
        page(
            "http://127.0.0.1:80/kerry.html#top",
            "2024-05-02T10:00:01Z",
            changed.as_bytes(),
        ),
    ];
    records.iter().flat_map(|r| gz(r)).collect()
}

fn folder(dir: &Path, crawl_name: &str) {
    fs::write(dir.join(crawl_name), crawl()).unwrap();
    fs::write(
        dir.join("sputnik.html"),
        fixture("real-pages/html/001_arabic.sputniknews.com.html"),
    )
    .unwrap();
    fs::write(
        dir.join("youm7.txt"),
        fixture("real-pages/004_youm7.com.txt"),
    )
    .unwrap();
}

fn build(articles: &Path) -> (tempfile::TempDir, archive::Archive, BuildReport) {
    let out = tempfile::tempdir().unwrap();
    let (a, r) = archive::build_and_save(articles, &compiled::path_in(out.path())).unwrap();
    (out, a, r)
}

fn id_of(a: &archive::Archive, source: &str, title_part: &str) -> String {
    a.entries()
        .iter()
        .find(|e| e.article.source == source && e.article.title.contains(title_part))
        .unwrap_or_else(|| panic!("no {title_part:?} from {source}"))
        .article
        .id
        .clone()
}

#[test]
fn dumps_pages_and_crawls_build_into_one_archive() {
    let articles = tempfile::tempdir().unwrap();
    folder(articles.path(), "crawl.warc.gz");
    let (_out, a, report) = build(articles.path());
    assert_eq!(
        report.errors(),
        0,
        "{}",
        report.render(archive::Warnings::Each)
    );
    // The dump, the saved page, and three crawled addresses (one captured twice).
    assert_eq!(
        (report.files_read, report.articles),
        (3, 5),
        "{}",
        report.render(archive::Warnings::Each)
    );
    let skipped: Vec<(&str, usize)> = report
        .skipped
        .iter()
        .map(|(k, n)| (k.label(), *n))
        .collect();
    assert_eq!(
        skipped,
        [
            ("warcinfo", 1),
            ("request", 1),
            ("revisit", 1),
            ("redirect", 1),
            ("image", 1),
            ("script", 1),
            ("style", 1)
        ]
    );
    let summary = report.render(archive::Warnings::Each);
    assert!(
        summary.contains("skipped 7 crawl records that are not pages")
            && summary.contains("1 image"),
        "{summary}"
    );

    // The newest capture is the article; the older one is listed with its date.
    let kerry = a.get(&id_of(&a, "crawl.warc.gz", "كيري")).unwrap();
    let origin = &kerry.provenance.origin;
    assert_eq!(origin.format, arshif::capture::Format::Warc);
    assert_eq!(
        origin.captured.unwrap().to_string(),
        "2024-05-02T10:00:01+00:00"
    );
    assert!(
        kerry.text.contains("تصحيح"),
        "the newest capture's page is served"
    );
    assert_eq!(kerry.provenance.others.len(), 1);
    let older = &kerry.provenance.others[0];
    assert_eq!(older.source, "crawl.warc.gz");
    assert_eq!(
        older.origin.captured.unwrap().to_string(),
        "2024-05-01T10:00:01+00:00"
    );
    let older_html = a.capture_source(&kerry.article.id, 1).unwrap();
    assert!(older_html.starts_with("<!doctype html>") && !older_html.contains("تصحيح"));
    assert_eq!(a.capture_source(&kerry.article.id, 2), None);

    // A crawled page's record knows its canonical address; a saved page's source is its HTML.
    let beirut = a
        .entries()
        .iter()
        .find(|e| {
            e.provenance.origin.url.as_deref()
                == Some("https://www.beirutobserver.com/2020/11/2338761/")
        })
        .map(|e| a.get(&e.article.id).unwrap())
        .expect("the Beirut page, by its canonical address");
    assert!(beirut.text.contains("<html"));
    let sputnik = a
        .entries()
        .iter()
        .find(|e| e.article.source == "sputnik.html")
        .unwrap();
    assert_eq!(
        sputnik.provenance.origin.format,
        arshif::capture::Format::Html
    );

    // The two seed pages report one event: one thread, across the crawl.
    let moscow = id_of(&a, "crawl.warc.gz", "واشنطن");
    let thread: Vec<&str> = a
        .thread(&kerry.article.id)
        .iter()
        .map(|e| e.article.id.as_str())
        .collect();
    assert!(thread.contains(&moscow.as_str()), "{thread:?}");
}

#[test]
fn a_crawled_page_keeps_its_id_across_rebuilds_renames_and_other_files() {
    let first = tempfile::tempdir().unwrap();
    folder(first.path(), "crawl.warc.gz");
    let (_o1, a, _) = build(first.path());
    let ids = |a: &archive::Archive| {
        let mut v: Vec<String> = a
            .entries()
            .iter()
            .filter(|e| e.article.source.ends_with(".warc.gz"))
            .map(|e| e.article.id.clone())
            .collect();
        v.sort();
        v
    };
    let before = ids(&a);
    assert_eq!(before.len(), 3);

    // Another name that sorts first, and more files beside it.
    let second = tempfile::tempdir().unwrap();
    folder(second.path(), "0-renamed.warc.gz");
    fs::write(
        second.path().join("extra.txt"),
        fixture("real-pages/002_almadenahnews.com.txt"),
    )
    .unwrap();
    let (_o2, b, _) = build(second.path());
    assert_eq!(ids(&b), before);

    // Built again in place (the cache reused): the same ids, the captures still listed.
    let out = tempfile::tempdir().unwrap();
    let path = compiled::path_in(out.path());
    archive::build_and_save(first.path(), &path).unwrap();
    let (again, _) = archive::build_and_save(first.path(), &path).unwrap();
    assert_eq!(ids(&again), before);
    let kerry = id_of(&again, "crawl.warc.gz", "كيري");
    assert_eq!(again.get(&kerry).unwrap().provenance.others.len(), 1);
    assert!(again.capture_source(&kerry, 1).is_some());
    // And loaded from disk as a server does.
    let loaded = compiled::load(&path).unwrap();
    assert!(
        loaded
            .capture_source(&kerry, 1)
            .unwrap()
            .contains("<title>")
    );
}

#[test]
fn damaged_crawls_and_pages_with_no_article_are_reported_and_the_rest_kept() {
    let articles = tempfile::tempdir().unwrap();
    let dir = articles.path();
    let good = |n: u32| {
        gz(&page(
            &format!("http://e.com/{n}"),
            "2024-05-01T10:00:00Z",
            &seed_page(
                [
                    "000_4873890e38737cc0",
                    "001_adaa0b1178cf7dcd",
                    "003_cf3dbfa4259b4b62",
                ][n as usize],
            ),
        ))
    };
    let broken = gz(b"WARC/1.0\r\nWARC-Type response\r\n\r\n");
    let (a, b, c) = (good(0), good(1), good(2));
    // A good record, a broken header, a good one, and the last one cut in half.
    let mut cut = [a.clone(), broken.clone(), b.clone(), c.clone()].concat();
    cut.truncate(cut.len() - c.len() / 2);
    fs::write(dir.join("cut.warc.gz"), cut).unwrap();
    fs::write(
        dir.join("menu.html"),
        "<html><head><title>الرئيسية</title></head><body><nav><a>سياسة</a><a>رياضة</a></nav></body></html>",
    )
    .unwrap();
    fs::write(
        dir.join("sputnik.html"),
        fixture("real-pages/html/001_arabic.sputniknews.com.html"),
    )
    .unwrap();

    let (_out, archive, report) = build(dir);
    assert_eq!(
        report.articles,
        3,
        "{}",
        report.render(archive::Warnings::Each)
    );
    let errors: Vec<String> = report
        .problems
        .iter()
        .filter(|p| p.is_error)
        .map(|p| format!("{}: {}", p.file, p.message))
        .collect();
    assert_eq!(errors.len(), 3, "{errors:?}");
    assert!(
        errors.iter().any(
            |e| e.starts_with(&format!("cut.warc.gz: at offset {}", a.len()))
                && e.contains("header")
        ),
        "{errors:?}"
    );
    assert!(
        errors.iter().any(|e| e.starts_with(&format!(
            "cut.warc.gz: at offset {}",
            a.len() + broken.len() + b.len()
        ))),
        "{errors:?}"
    );
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with("menu.html: ") && e.contains("no article")),
        "{errors:?}"
    );
    let sources: Vec<&str> = archive
        .entries()
        .iter()
        .map(|e| e.article.source.as_str())
        .collect();
    assert_eq!(
        sources.iter().filter(|s| **s == "cut.warc.gz").count(),
        2,
        "{sources:?}"
    );
}

async fn served(articles: &Path, build_dir: &Path) -> Router {
    let lock = BuildLock::take(build_dir).unwrap();
    let (site, _) = site::open(
        articles,
        build_dir,
        Build::Knowing(&Changes::Unknown, &lock, None),
    )
    .unwrap();
    app(AppState::with_site(site, Config::default()))
}

#[tokio::test]
async fn sources_are_plain_text_and_captures_are_listed_on_the_page() {
    let articles = tempfile::tempdir().unwrap();
    folder(articles.path(), "crawl.warc.gz");
    let out = tempfile::tempdir().unwrap();
    let app = served(articles.path(), out.path()).await;
    let (a, _) = archive::build_and_save(articles.path(), &compiled::path_in(out.path())).unwrap();
    let kerry = id_of(&a, "crawl.warc.gz", "كيري");

    let page = common::get(&app, &format!("/articles/{kerry}")).await;
    assert_eq!(page.status, 200);
    let html = page.html();
    let listed = common::attrs(&html, ".captures a", "href");
    assert_eq!(listed, [format!("../articles/{kerry}/captures/1")]);
    let dates = common::attrs(&html, ".captures time", "datetime");
    assert_eq!(dates, ["2024-05-01T10:00+00:00"]);
    assert_eq!(
        common::attrs(&html, ".captured-from a", "href"),
        ["http://127.0.0.1:80/kerry.html#top"],
        "the address the shown capture was fetched from"
    );

    for uri in [
        format!("/articles/{kerry}/source"),
        format!("/articles/{kerry}/captures/1"),
    ] {
        let source = common::get(&app, &uri).await;
        assert_eq!(source.status, 200, "{uri}");
        assert_eq!(source.content_type(), "text/plain; charset=utf-8");
        assert_eq!(source.header("x-content-type-options"), "nosniff");
        assert!(source.body.contains("<title>"), "{uri}: the HTML, as text");
    }
    assert_eq!(
        common::get(&app, &format!("/articles/{kerry}/captures/2"))
            .await
            .status,
        404
    );

    // The article as data: the record with where its page came from, of the documented schema.
    let doc: serde_json::Value = serde_json::from_str(
        &common::get(&app, &format!("/articles/{kerry}.json"))
            .await
            .body,
    )
    .unwrap();
    let record = &doc["record"];
    assert_eq!(record["format"], "warc");
    assert_eq!(record["captured"], "2024-05-02T10:00:01+00:00");
    assert_eq!(record["url"], "http://127.0.0.1:80/kerry.html#top");
    assert!(record["offset"].as_u64().is_some_and(|o| o > 0));
    let schema = fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/docs/schema/article.v1.json"
    ))
    .unwrap();
    let validator = jsonschema::validator_for(&serde_json::from_str(&schema).unwrap()).unwrap();
    let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}");

    let search = common::get(&app, "/search?q=%D9%84%D8%A7%D9%81%D8%B1%D9%88%D9%81").await;
    assert_eq!(search.status, 200);
    assert!(search.body.contains(&kerry), "the crawled page is found");
}

#[test]
fn a_static_export_holds_each_capture_beside_the_source() {
    let articles = tempfile::tempdir().unwrap();
    folder(articles.path(), "crawl.warc.gz");
    let build = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let run = std::process::Command::new(common::process::BIN)
        .arg("export")
        .arg(&site)
        .arg("--articles")
        .arg(articles.path())
        .arg("--build-dir")
        .arg(build.path())
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let a = compiled::load(&compiled::path_in(build.path())).unwrap();
    let kerry = id_of(&a, "crawl.warc.gz", "كيري");
    let dir = site.join("articles").join(&kerry);
    let source = fs::read_to_string(dir.join("source")).unwrap();
    let older = fs::read_to_string(dir.join("captures/1")).unwrap();
    assert!(source.contains("تصحيح") && !older.contains("تصحيح"));
}

/// Everything a reader gets of each article of the build folder `out`, in reading order: the
/// entry whole, its other captures' sources, its thread, and the aliases and the dated count.
fn as_read(out: &Path) -> Vec<String> {
    let a = compiled::load(&compiled::path_in(out)).unwrap();
    let mut lines: Vec<String> = a
        .entries()
        .iter()
        .map(|e| {
            let id = &e.article.id;
            let captures: Vec<Option<String>> = (1..=e.provenance.others.len() + 1)
                .map(|n| a.capture_source(id, n))
                .collect();
            let thread: Vec<&str> = a.thread(id).iter().map(|t| t.article.id.as_str()).collect();
            let whole = serde_json::to_string(&a.get(id).unwrap()).unwrap();
            format!("{whole} {captures:?} {thread:?} {:?}", a.alias(id))
        })
        .collect();
    lines.push(format!("dated {}", a.dated_oldest_first().len()));
    lines
}

/// `arshif build` writes the archive from the build's results in place, without making it
/// (at a million articles, half a gigabyte of entries moved for nothing): what it writes is
/// what a build for serving writes, other captures, duplicates' aliases and all, from
/// nothing and again after a change.
#[test]
fn the_archive_a_build_writes_for_exit_is_the_one_it_writes_for_serving() {
    let articles = tempfile::tempdir().unwrap();
    folder(articles.path(), "crawl.warc.gz");
    // The seeds but the one the crawl fetched twice: the other crawled seed is a duplicate.
    let seeds = concat!(env!("CARGO_MANIFEST_DIR"), "/articles");
    for seed in fs::read_dir(seeds).unwrap().map(|f| f.unwrap().path()) {
        if seed.extension().is_some_and(|e| e == "txt") && !seed.ends_with(format!("{KERRY}.txt")) {
            fs::copy(&seed, articles.path().join(seed.file_name().unwrap())).unwrap();
        }
    }
    let (served, exited) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    for round in 0..2 {
        if round == 1 {
            let added = fixture("real-pages/002_almadenahnews.com.txt");
            fs::write(articles.path().join("added.txt"), added).unwrap();
        }
        let (kept, report) =
            archive::build_and_save(articles.path(), &compiled::path_in(served.path())).unwrap();
        let written =
            archive::build_and_save_for_exit(articles.path(), &compiled::path_in(exited.path()))
                .unwrap();
        assert_eq!(
            (written.articles, written.dated),
            (report.articles, report.dated)
        );
        assert_eq!(
            written.render(archive::Warnings::Each),
            report.render(archive::Warnings::Each)
        );
        assert!(
            kept.entries()
                .iter()
                .any(|e| !e.provenance.others.is_empty())
        );
        assert!(
            report
                .problems
                .iter()
                .any(|p| p.message.contains("served once"))
        );
        assert_eq!(
            as_read(exited.path()),
            as_read(served.path()),
            "round {round}"
        );
    }
}
