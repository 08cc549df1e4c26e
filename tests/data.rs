//! The archive as data: `/articles/{id}.json`, `/search.json` and `/archive.jsonl.gz`,
//! validated against their schemas in `docs/schema/`, cached like the pages, readable from any
//! site (and only they), and the JSON Lines of the seeds the very records `arshif parse` prints.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use axum::http::{Method, StatusCode};
use common::process::{self, BIN};
use common::*;
use serde_json::Value;

fn schema(name: &str) -> jsonschema::Validator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("docs/schema")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::meta::validate(&schema).expect("a valid JSON Schema");
    jsonschema::validator_for(&schema).unwrap()
}

fn assert_valid(validator: &jsonschema::Validator, doc: &Value, what: &str) {
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{what}: {errors:#?}\n{doc:#}");
}

fn json(reply: &Reply) -> Value {
    serde_json::from_slice(&reply.bytes).unwrap()
}

/// The site of the repository's `articles/`, built into a fresh folder as `serve` opens it,
/// with its state (for the download's progress) and a public address.
fn built_site() -> (tempfile::TempDir, arshif::web::AppState, axum::Router) {
    site_of(&process::articles())
}

/// [`built_site`] of the folder `articles`.
fn site_of(articles: &Path) -> (tempfile::TempDir, arshif::web::AppState, axum::Router) {
    let dir = tempfile::tempdir().unwrap();
    let (site, _) =
        arshif::web::site::open(articles, dir.path(), arshif::web::site::Build::IfStale).unwrap();
    let config = arshif::web::Config {
        base_url: Some("https://example.org/archive/".parse().unwrap()),
        ..arshif::web::Config::default()
    };
    let state = arshif::web::AppState::with_site(site, config);
    let app = arshif::web::app(state.clone());
    (dir, state, app)
}

#[tokio::test]
async fn an_articles_record_is_json_of_the_documented_schema() {
    let validator = schema("article.v1.json");
    let mut entries = seeds();
    let thread = vec!["cf3dbfa4259b4b62".into(), "91d6d82d5f0f2529".into()];
    entries.push(hostile());
    let archive = arshif::archive::Archive::from_entries(entries, None)
        .with_threads(vec![thread], Default::default());
    let app = arshif::web::app(arshif::web::AppState::new(
        archive,
        arshif::web::Config::default(),
    ));
    for id in [
        "cf3dbfa4259b4b62",
        "91d6d82d5f0f2529",
        "4873890e38737cc0",
        "hostile",
    ] {
        let reply = get(&app, &format!("/articles/{id}.json")).await;
        assert_eq!(reply.status, StatusCode::OK, "{id}");
        assert_eq!(reply.content_type(), "application/json", "{id}");
        assert_eq!(reply.header("access-control-allow-origin"), "*", "{id}");
        let doc = json(&reply);
        assert_valid(&validator, &doc, id);
        assert_eq!(doc["record"]["id"], id);
        // Relative to the document's own address without a public one: `../articles/{id}`.
        assert_eq!(
            resolve(
                &format!("/articles/{id}.json"),
                doc["url"].as_str().unwrap()
            ),
            format!("/articles/{id}")
        );
    }
    let doc = json(&get(&app, "/articles/cf3dbfa4259b4b62.json").await);
    assert_eq!(doc["thread"], serde_json::json!(["91d6d82d5f0f2529"]));
    assert_eq!(doc["corrected"], serde_json::json!(["published"]));
    assert_eq!(doc["record"]["hijri"], "02 ذي الحجة 1436");
    assert!(doc["note"].as_str().unwrap().contains("العدد 4758"));
    assert_eq!(doc["record"]["body"].as_array().unwrap().len(), 2);
    // The hostile record's markup is data, kept as it is (JSON escapes what it must).
    let hostile = json(&get(&app, "/articles/hostile.json").await);
    assert_eq!(hostile["record"]["hijri"], "<script>alert(2)</script>");
    assert!(get(&app, "/articles/no-such.json").await.status == StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn records_are_cached_like_pages_and_only_data_is_open_to_other_sites() {
    let app = router(seeds(), None);
    let path = "/articles/cf3dbfa4259b4b62.json";
    let reply = get(&app, path).await;
    assert!(
        reply
            .header("cache-control")
            .starts_with("public, max-age=")
    );
    let etag = reply.header("etag").to_owned();
    assert!(etag.starts_with('"'), "{etag:?}");
    assert!(!reply.header("last-modified").is_empty());
    let again = send(&app, Method::GET, path, &[("if-none-match", &etag)]).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    let gzipped = send(&app, Method::GET, path, &[("accept-encoding", "gzip")]).await;
    assert_eq!(gzipped.header("content-encoding"), "gzip");
    assert_eq!(gunzip(&gzipped.bytes), reply.bytes);
    // Pages, sources and errors stay same-origin.
    for page in [
        "/",
        "/articles/cf3dbfa4259b4b62",
        "/articles/cf3dbfa4259b4b62/source",
        "/no/such",
    ] {
        let reply = get(&app, page).await;
        assert_eq!(reply.header("access-control-allow-origin"), "", "{page}");
    }
}

#[tokio::test]
async fn search_results_as_json_are_the_search_pages_results() {
    let validator = schema("search.v1.json");
    let (_dir, state, app) = built_site();
    let per_page = state.config.search_per_page;
    let query = "%D8%B3%D9%88%D8%B1%D9%8A%D8%A7"; // سوريا
    let html = get(&app, &format!("/search?q={query}")).await.html();
    let reply = get(&app, &format!("/search.json?q={query}")).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.content_type(), "application/json");
    assert_eq!(reply.header("access-control-allow-origin"), "*");
    assert!(reply.header("cache-control").starts_with("private"));
    let doc = json(&reply);
    assert_valid(&validator, &doc, "search.json");
    assert_eq!(doc["query"], "سوريا");
    assert_eq!(doc["page"], 1);
    assert_eq!(doc["per_page"], per_page);
    let results = doc["results"].as_array().unwrap();
    let ids: Vec<&str> = results.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let page_ids: Vec<String> = attrs(&html, ".results .entry-title", "href")
        .iter()
        .map(|h| h.rsplit('/').next().unwrap().to_owned())
        .collect();
    assert_eq!(ids, page_ids);
    assert_eq!(doc["total"], ids.len(), "one page holds them all");
    for r in results {
        let snippet = r["snippet"].as_str().unwrap();
        assert!(!snippet.is_empty() && !snippet.contains('<'), "{snippet}");
        assert!(
            r["url"]
                .as_str()
                .unwrap()
                .starts_with("https://example.org/archive/articles/"),
            "{r}"
        );
    }
    // The search page names its data.
    assert_eq!(
        attrs(
            &html,
            "link[rel=alternate][type='application/json']",
            "href"
        ),
        [format!("./search.json?q={query}")]
    );
    // The same refusals as the page.
    let long = format!("/search.json?q={}", "x".repeat(300));
    assert_eq!(get(&app, &long).await.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        get(&app, "/search.json?q=x&page=abc").await.status,
        StatusCode::BAD_REQUEST
    );
    let none = json(&get(&app, "/search.json?q=!!!").await);
    assert_valid(&validator, &none, "no results");
    assert_eq!(none["total"], 0);
}

/// Reads a JSON Lines body (gzip) into its documents, each validated.
fn lines(gz: &[u8]) -> Vec<Value> {
    let validator = schema("article.v1.json");
    let text = String::from_utf8(gunzip(gz)).unwrap();
    text.lines()
        .map(|line| {
            let doc: Value = serde_json::from_str(line).unwrap();
            assert_valid(&validator, &doc, line);
            doc
        })
        .collect()
}

#[tokio::test]
async fn the_jsonl_of_the_seeds_holds_the_records_arshif_parse_prints() {
    // The seeds, and a saved page: its record says where the page came from.
    let articles = tempfile::tempdir().unwrap();
    for seed in std::fs::read_dir(process::articles()).unwrap() {
        let seed = seed.unwrap().path();
        std::fs::copy(&seed, articles.path().join(seed.file_name().unwrap())).unwrap();
    }
    let saved = "001_arabic.sputniknews.com.html";
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/real-pages/html")
            .join(saved),
        articles.path().join(saved),
    )
    .unwrap();
    let (_dir, _state, app) = site_of(articles.path());
    let reply = get(&app, "/archive.jsonl.gz").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.content_type(), "application/gzip");
    assert_eq!(
        reply.header("content-encoding"),
        "",
        "sent as it is, not re-encoded"
    );
    assert_eq!(reply.header("access-control-allow-origin"), "*");
    let docs = lines(&reply.bytes);

    let mut files: Vec<_> = std::fs::read_dir(articles.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt" || e == "html"))
        .collect();
    files.sort();
    let out = Command::new(BIN)
        .arg("parse")
        .args(&files)
        .output()
        .unwrap();
    assert!(out.status.success());
    let parsed: BTreeMap<String, Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            (v["id"].as_str().unwrap().to_owned(), v)
        })
        .collect();
    let exported: BTreeMap<String, Value> = docs
        .iter()
        .map(|d| {
            (
                d["record"]["id"].as_str().unwrap().to_owned(),
                d["record"].clone(),
            )
        })
        .collect();
    assert_eq!(exported.len(), 6);
    let from_html: Vec<&Value> = exported
        .values()
        .filter(|r| r["format"] == "html")
        .collect();
    assert_eq!(from_html.len(), 1);
    assert!(from_html[0]["url"].is_string(), "{}", from_html[0]);
    assert_eq!(
        exported.keys().collect::<Vec<_>>(),
        parsed.keys().collect::<Vec<_>>()
    );
    for (id, record) in &exported {
        // The whole record, field for field, where the page came from included.
        assert_eq!(record, &parsed[id], "{id}");
    }
}

#[tokio::test]
async fn the_download_is_written_once_then_sent_as_a_file() {
    let (dir, state, app) = built_site();
    // The first request starts writing the file and is answered by a stream meanwhile.
    let first = get(&app, "/archive.jsonl.gz").await;
    assert_eq!(first.status, StatusCode::OK);
    let deadline = Instant::now() + Duration::from_secs(30);
    while state.site().download.ready().is_none() {
        assert!(Instant::now() < deadline, "the download was never written");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let files: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".jsonl.gz"))
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");

    let file = get(&app, "/archive.jsonl.gz").await;
    assert_eq!(file.status, StatusCode::OK);
    assert_eq!(
        file.bytes, first.bytes,
        "the stream and the file are the same bytes"
    );
    assert_eq!(file.header("content-length"), file.bytes.len().to_string());
    assert_eq!(file.content_type(), "application/gzip");
    assert_eq!(file.header("access-control-allow-origin"), "*");
    assert!(file.header("cache-control").starts_with("public"));
    let etag = file.header("etag").to_owned();
    assert!(etag.ends_with("-jsonl\""), "{etag}");
    let again = send(
        &app,
        Method::GET,
        "/archive.jsonl.gz",
        &[("if-none-match", &etag)],
    )
    .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    // A download cut off resumes where it stopped.
    let rest = send(
        &app,
        Method::GET,
        "/archive.jsonl.gz",
        &[("range", "bytes=10-")],
    )
    .await;
    assert_eq!(rest.status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(rest.bytes, file.bytes[10..]);

    // A server started later on the same build finds the file written.
    let (reopened, _) = arshif::web::site::open(
        &process::articles(),
        dir.path(),
        arshif::web::site::Build::IfStale,
    )
    .unwrap();
    assert!(reopened.download.ready().is_some());
}

/// Articles with long bodies of varied words, so that their gzip fills more than the few
/// chunks a stream buffers ahead of its reader.
fn bulky(n: usize) -> Vec<arshif::archive::Entry> {
    let words = [
        "سوريا",
        "موسكو",
        "واشنطن",
        "محادثات",
        "الأمم",
        "المتحدة",
        "وزير",
        "الدفاع",
    ];
    (0..n)
        .map(|i| {
            let mut e = entry(&format!("b{i:04}"), Some("2015-09-16"), "عنوان");
            e.article.body = (0..40)
                .map(|p| {
                    (0..40)
                        .map(|w| {
                            let k = (i * 7919 + p * 104_729 + w * 1_299_709) % 9973;
                            format!("{}{k}", words[k % words.len()])
                        })
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .collect();
            e
        })
        .collect()
}

#[tokio::test]
async fn streams_are_few_at_once_while_the_file_is_not_written() {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    // In memory: no build folder, so every download is a stream.
    let app = router(bulky(300), None);
    let request = || {
        axum::http::Request::get("/archive.jsonl.gz")
            .body(axum::body::Body::empty())
            .unwrap()
    };
    // Two downloads begun and not read hold both streams.
    let one = app.clone().oneshot(request()).await.unwrap();
    let two = app.clone().oneshot(request()).await.unwrap();
    assert_eq!(
        (one.status(), two.status()),
        (StatusCode::OK, StatusCode::OK)
    );
    assert!(one.headers().get("content-length").is_none());
    let third = get(&app, "/archive.jsonl.gz").await;
    assert_eq!(third.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(third.header("retry-after"), "30");
    assert_eq!(texts(&third.html(), "h1"), ["التنزيل قيد الإعداد"]);
    // A download read to its end gives its stream back.
    let whole = one.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(lines(&whole).len(), 300);
    drop(two);
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let reply = get(&app, "/archive.jsonl.gz").await;
        if reply.status == StatusCode::OK {
            assert_eq!(reply.bytes, whole);
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the streams were never given back"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[test]
fn arshif_export_jsonl_writes_the_same_lines_as_the_download() {
    let dir = tempfile::tempdir().unwrap();
    let build = dir.path().join("build");
    let export = |file: &str| {
        let out = Command::new(BIN)
            .arg("export")
            .arg("--jsonl")
            .arg(file)
            .arg("--articles")
            .arg(process::articles())
            .arg("--build-dir")
            .arg(&build)
            .current_dir(dir.path())
            .output()
            .unwrap();
        let said = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.success(), "{said}");
        (out.stdout, said)
    };
    let (_, said) = export("all.jsonl");
    assert!(
        said.contains("wrote 5 articles as JSON Lines to all.jsonl"),
        "{said}"
    );
    let plain = std::fs::read(dir.path().join("all.jsonl")).unwrap();
    let (_, _) = export("all.jsonl.gz");
    let gz = std::fs::read(dir.path().join("all.jsonl.gz")).unwrap();
    assert_eq!(gunzip(&gz), plain);
    let (stdout, _) = export("-");
    assert_eq!(stdout, plain);
    // Each line a valid document, in the download's order and bytes.
    assert_eq!(lines(&gz).len(), 5);
    let (site, _) = arshif::web::site::open(
        &process::articles(),
        &build,
        arshif::web::site::Build::IfStale,
    )
    .unwrap();
    let mut again = Vec::new();
    arshif::archive::dataset::write_jsonl(&site.archive, &mut again).unwrap();
    assert_eq!(again, plain);
    // Without DIR and without --jsonl there is nothing to do.
    let none = Command::new(BIN).arg("export").output().unwrap();
    assert!(!none.status.success());
}
