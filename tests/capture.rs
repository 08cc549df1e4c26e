//! Saved HTML pages as input: the four real pages under tests/fixtures/real-pages/html render
//! to exactly their text dumps, and their records match gold.json field by field, with the
//! dates their metadata states (zone kept).

mod common;

use std::collections::HashSet;

use arshif::capture::{self, Record, Served};
use common::warc::{gz, http, record as warc_record};
use serde_json::Value;

const PAGES: [&str; 4] = [
    "001_arabic.sputniknews.com",
    "002_almadenahnews.com",
    "004_youm7.com",
    "006_beirutobserver.com",
];

fn fixture(path: &str) -> Vec<u8> {
    let full = format!(
        "{}/tests/fixtures/real-pages/{path}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

fn html(name: &str) -> Vec<u8> {
    fixture(&format!("html/{name}.html"))
}

fn record(name: &str) -> Record {
    capture::read_html(&html(name), &format!("{name}.html"), &Served::default())
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .record
}

fn gold(name: &str) -> Value {
    let all: Vec<Value> = serde_json::from_slice(&fixture("gold.json")).unwrap();
    all.into_iter()
        .find(|g| g["file"] == format!("{name}.txt"))
        .unwrap()
}

/// The scorer's comparison form (../shared/eval/score.py): no quotes, spacing collapsed,
/// edge punctuation trimmed.
fn norm(s: &str) -> String {
    let s: String = s.chars().filter(|c| !"\"“”«»'‘’".contains(*c)).collect();
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .trim_matches(|c| " :-ـ–—,.،".contains(c))
        .to_string()
}

fn opt(v: &Value) -> Option<String> {
    v.as_str().map(norm).filter(|s| !s.is_empty())
}

#[test]
fn each_page_renders_to_exactly_its_text_dump() {
    for name in PAGES {
        let page = capture::html::read(&html(name), None).unwrap();
        let dump = String::from_utf8(fixture(&format!("{name}.txt"))).unwrap();
        if page.text != dump {
            let first = page
                .text
                .lines()
                .zip(dump.lines())
                .position(|(a, b)| a != b)
                .unwrap_or(0);
            panic!(
                "{name}: first difference at line {first}: got {:?}, want {:?}",
                page.text.lines().nth(first),
                dump.lines().nth(first)
            );
        }
    }
}

#[test]
fn every_gold_field_of_the_html_records() {
    for name in PAGES {
        let (r, g) = (record(name), gold(name));
        let a = &r.article;
        let titles: HashSet<String> = g["titles"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| norm(t.as_str().unwrap()))
            .collect();
        assert!(
            titles.contains(&norm(&a.title)),
            "{name}: title {:?}",
            a.title
        );
        for (field, have) in [
            ("subtitle", &a.subtitle),
            ("place", &a.place),
            ("author", &a.author),
            ("agency", &a.agency),
        ] {
            assert_eq!(have.as_deref().map(norm), opt(&g[field]), "{name}: {field}");
        }
        // The publication is the parser's lexicon name, checked against the text path below.
        let published = a
            .published
            .map(|d| d.to_string())
            .unwrap_or_else(|| panic!("{name}: no date"));
        assert_eq!(Some(&published[..10]), g["date"].as_str(), "{name}: date");
        if let Some(time) = g["time"].as_str() {
            assert!(published.contains(time), "{name}: time {published}");
        }
    }
}

#[test]
fn bodies_match_gold_with_f1_at_least_098_and_no_boilerplate() {
    let (mut hit, mut predicted, mut wanted) = (0, 0, 0);
    for name in PAGES {
        let (r, g) = (record(name), gold(name));
        let want: HashSet<String> = g["body"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| norm(p.as_str().unwrap()))
            .collect();
        let have: Vec<String> = r.article.body.iter().map(|p| norm(p)).collect();
        hit += have.iter().filter(|p| want.contains(*p)).count();
        predicted += have.len();
        wanted += want.len();
        for bad in g["must_not"].as_array().unwrap() {
            let bad = norm(bad.as_str().unwrap());
            assert!(
                !have.iter().any(|p| p.contains(&bad)),
                "{name}: kept {bad:?}"
            );
        }
    }
    let (p, r) = (hit as f64 / predicted as f64, hit as f64 / wanted as f64);
    let f1 = 2.0 * p * r / (p + r);
    assert!(f1 >= 0.98, "body F1 {f1:.3} (P {p:.3}, R {r:.3})");
}

#[test]
fn dates_come_from_metadata_with_their_zone_where_the_page_has_it() {
    // 001 states `datePublished` 17:27:41Z, 004 `article:published_time` 09:23:13Z and 006
    // 18:34:47+00:00, times the text does not show; 002 has no date in its tags.
    let published = |name| record(name).article.published.unwrap().to_string();
    assert_eq!(
        published("001_arabic.sputniknews.com"),
        "2020-03-17T17:27+00:00"
    );
    assert_eq!(published("004_youm7.com"), "2020-08-24T09:23+00:00");
    assert_eq!(
        published("006_beirutobserver.com"),
        "2020-11-09T18:34+00:00"
    );
    assert_eq!(published("002_almadenahnews.com"), "2020-04-24T21:22");
}

#[test]
fn the_html_record_knows_its_format_and_canonical_address() {
    let r = record("006_beirutobserver.com");
    assert_eq!(r.origin.format, capture::Format::Html);
    assert_eq!(
        r.origin.url.as_deref(),
        Some("https://www.beirutobserver.com/2020/11/2338761/")
    );
    assert_eq!(r.article.encoding, "UTF-8");
}

#[test]
fn html_with_no_article_is_an_error_not_a_record() {
    let menu = "<html><head><title>الرئيسية</title></head><body><nav><a>سياسة</a><a>رياضة</a></nav><footer>جميع الحقوق محفوظة 2024</footer></body></html>";
    let e = capture::read_html(menu.as_bytes(), "menu.html", &Served::default()).unwrap_err();
    assert!(matches!(e, arshif::ParseError::NoArticle(_)), "{e}");
}

#[test]
fn where_metadata_is_silent_the_html_and_text_paths_agree() {
    for name in PAGES {
        let html = record(name).article;
        let text =
            arshif::parse_dump(&fixture(&format!("{name}.txt")), &format!("{name}.txt")).unwrap();
        assert_eq!(
            (
                &html.title,
                &html.place,
                &html.agency,
                &html.publication,
                &html.body
            ),
            (
                &text.title,
                &text.place,
                &text.agency,
                &text.publication,
                &text.body
            ),
            "{name}"
        );
    }
}

#[test]
fn a_warc_gz_of_the_real_pages_with_the_records_a_crawl_holds() {
    let page = |n: usize| html(PAGES[n]);
    let html_type = "Content-Type: text/html; charset=UTF-8\r\n";
    let chunked = {
        // A chunked body, as servers send dynamic pages.
        let body = page(3);
        let mut b = format!("{:x}\r\n", 1000).into_bytes();
        b.extend_from_slice(&body[..1000]);
        b.extend_from_slice(format!("\r\n{:x}\r\n", body.len() - 1000).as_bytes());
        b.extend_from_slice(&body[1000..]);
        b.extend_from_slice(b"\r\n0\r\n\r\n");
        b
    };
    let records = [
        warc_record(
            "warcinfo",
            "",
            "2024-05-01T10:00:00Z",
            b"software: Wget/1.21.3",
        ),
        warc_record(
            "request",
            "http://127.0.0.1/a.html",
            "2024-05-01T10:00:00Z",
            b"GET /a.html HTTP/1.1\r\n\r\n",
        ),
        warc_record(
            "response",
            "http://127.0.0.1/a.html",
            "2024-05-01T10:00:01Z",
            &http("200 OK", html_type, &page(0)),
        ),
        warc_record(
            "response",
            "http://127.0.0.1/old",
            "2024-05-01T10:00:02Z",
            &http("301 Moved Permanently", "Location: /a.html\r\n", b""),
        ),
        warc_record(
            "response",
            "http://127.0.0.1/x.png",
            "2024-05-01T10:00:02Z",
            &http("200 OK", "Content-Type: image/png\r\n", b"\x89PNG"),
        ),
        warc_record(
            "response",
            "http://127.0.0.1/b.html",
            "2024-05-01T10:00:03Z",
            &http(
                "200 OK",
                "Content-Type: text/html\r\nTransfer-Encoding: chunked\r\n",
                &chunked,
            ),
        ),
        warc_record(
            "revisit",
            "http://127.0.0.1/a.html",
            "2024-05-02T10:00:00Z",
            b"HTTP/1.1 200 OK\r\n\r\n",
        ),
        // The same address again, a day later: one article, two captures.
        warc_record(
            "response",
            "http://127.0.0.1/a.html#top",
            "2024-05-02T10:00:01Z",
            &http("200 OK", html_type, &page(0)),
        ),
        warc_record(
            "metadata",
            "metadata://gnu.org/software/wget/warc/MANIFEST.txt",
            "2024-05-02T10:00:01Z",
            b"x",
        ),
    ];
    let bytes: Vec<u8> = records.iter().flat_map(|r| gz(r)).collect();
    let crawl = capture::read_warc(std::io::Cursor::new(bytes), "crawl.warc.gz");

    let captured: Vec<&capture::Captured> =
        crawl.pages.iter().map(|p| p.as_ref().unwrap()).collect();
    let pages: Vec<&Record> = captured.iter().map(|c| &c.record).collect();
    let ids: Vec<String> = captured
        .iter()
        .map(|c| arshif::archive::id::from_url(c.target.as_deref().unwrap()).unwrap())
        .collect();
    assert_eq!(pages.len(), 3);
    assert!(
        pages.iter().all(
            |r| r.origin.format == capture::Format::Warc && r.article.source == "crawl.warc.gz"
        )
    );
    assert_eq!(ids[0], ids[2], "one address, one id");
    assert_ne!(ids[0], ids[1]);
    assert_eq!(
        captured[2].target.as_deref(),
        Some("http://127.0.0.1/a.html#top")
    );
    assert_eq!(
        pages[0].origin.captured.unwrap().to_string(),
        "2024-05-01T10:00:01+00:00"
    );
    assert!(pages[0].origin.offset.unwrap() > 0);
    // The canonical link names the page's address, not the crawl's.
    assert_eq!(
        pages[1].origin.url.as_deref(),
        Some("https://www.beirutobserver.com/2020/11/2338761/")
    );
    assert_eq!(pages[1].article.title, record(PAGES[3]).article.title);

    let skipped: Vec<(&str, usize)> = crawl.skipped.iter().map(|(k, n)| (k.label(), *n)).collect();
    assert_eq!(
        skipped,
        [
            ("warcinfo", 1),
            ("request", 1),
            ("metadata", 1),
            ("revisit", 1),
            ("redirect", 1),
            ("image", 1)
        ]
    );
}

#[test]
fn a_damaged_warc_keeps_every_good_record_and_names_the_offsets() {
    let good = |n: usize, uri: &str| {
        gz(&warc_record(
            "response",
            uri,
            "2024-05-01T10:00:00Z",
            &http("200 OK", "Content-Type: text/html\r\n", &html(PAGES[n])),
        ))
    };
    let broken_header = gz(b"WARC/1.0\r\nWARC-Type response\r\n\r\n");
    let no_article = gz(&warc_record(
        "response",
        "http://e.com/menu",
        "2024-05-01T10:00:00Z",
        &http(
            "200 OK",
            "Content-Type: text/html\r\n",
            "<title>الرئيسية</title><nav><a>سياسة</a></nav>".as_bytes(),
        ),
    ));
    let (a, b, c) = (
        good(1, "http://e.com/1"),
        good(2, "http://e.com/2"),
        good(3, "http://e.com/3"),
    );
    let mut bytes = [
        a.clone(),
        broken_header.clone(),
        b.clone(),
        no_article.clone(),
        c.clone(),
    ]
    .concat();
    bytes.truncate(bytes.len() - c.len() / 2);
    let crawl = capture::read_warc(std::io::Cursor::new(bytes), "cut.warc.gz");
    let errors: Vec<String> = crawl
        .pages
        .iter()
        .filter_map(|p| p.as_ref().err())
        .map(ToString::to_string)
        .collect();
    let titles: Vec<String> = crawl
        .pages
        .iter()
        .filter_map(|p| p.as_ref().ok())
        .map(|c| c.record.article.title.clone())
        .collect();
    assert_eq!(titles.len(), 2, "{errors:?}");
    let at = |n: usize| format!("at offset {n}");
    assert_eq!(errors.len(), 3, "{errors:?}");
    assert!(
        errors[0].starts_with(&at(a.len())) && errors[0].contains("header"),
        "{}",
        errors[0]
    );
    assert!(
        errors[1].starts_with(&at(a.len() + broken_header.len() + b.len()))
            && errors[1].contains("no article"),
        "{}",
        errors[1]
    );
    assert!(
        errors[2].starts_with(&at(a.len()
            + broken_header.len()
            + b.len()
            + no_article.len()))
            && errors[2].contains("ends inside"),
        "{}",
        errors[2]
    );
}
