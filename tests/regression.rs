//! One test per fault found by trying the archive as a new user would (issue 15), each
//! saying what broke. Each failed before its fix.

mod common;

use axum::http::StatusCode;
use common::*;

fn with_base_url() -> arshif::web::Config {
    arshif::web::Config {
        base_url: Some("https://example.org/archive/".parse().unwrap()),
        ..arshif::web::Config::default()
    }
}

/// Fault 4: error pages carried neither the feed link nor the link preview tags every other
/// page has, so a shared link to a missing article showed a bare URL and a feed reader
/// pointed at one found no feed.
#[tokio::test]
async fn error_pages_carry_the_feed_link_and_preview_tags() {
    let app = router_with(seeds(), None, with_base_url());
    for path in ["/articles/no-such-article", "/page/99", "/?order=sideways"] {
        let reply = get(&app, path).await;
        assert!(reply.status.is_client_error(), "{path}");
        let page = reply.html();
        assert_eq!(
            attrs(
                &page,
                "link[rel=alternate][type='application/atom+xml']",
                "href"
            )
            .len(),
            1,
            "{path}: feed link"
        );
        let og = |key: &str| attrs(&page, &format!("meta[property='{key}']"), "content");
        assert_eq!(og("og:site_name"), ["أرشيف"], "{path}");
        assert_eq!(og("og:title").len(), 1, "{path}");
        assert_eq!(og("og:description").len(), 1, "{path}");
        assert_eq!(
            attrs(&page, "meta[name='twitter:card']", "content"),
            ["summary"],
            "{path}"
        );
        // An error page is no address of its own: no canonical link, no og:url.
        assert!(
            attrs(&page, "link[rel=canonical]", "href").is_empty(),
            "{path}"
        );
        assert!(og("og:url").is_empty(), "{path}");
    }
    // The feed link climbs from where the error is shown, like every other link.
    let deep = get(&app, "/articles/x/y").await;
    assert_eq!(deep.status, StatusCode::NOT_FOUND);
    assert_eq!(
        attrs(
            &deep.html(),
            "link[rel=alternate][type='application/atom+xml']",
            "href"
        ),
        ["../../feed.xml"]
    );
}

/// Fault 3: the overview pages listed names of equal counts by code point, so every Latin
/// name came before every Arabic one and `الأهرام` before `الاتحاد` (hamza on alef is a later
/// code point), not as an Arabic reader looks them up.
#[tokio::test]
async fn overview_pages_sort_names_as_arabic_readers_do() {
    let mut entries = Vec::new();
    for (i, name) in ["CNN", "الأهرام", "الاتحاد", "أخبار اليوم", "البيان"]
        .into_iter()
        .enumerate()
    {
        let mut e = entry(&format!("a{i}"), Some("2015-09-16"), "عنوان");
        e.article.publication = Some(name.into());
        e.article.agency = Some(name.into());
        entries.push(e);
    }
    // One name with more articles still comes first.
    let mut more = entry("b", Some("2015-09-17"), "عنوان");
    more.article.publication = Some("البيان".into());
    entries.push(more);
    let app = router(entries, None);
    let names = texts(&get(&app, "/publications").await.html(), ".source-list a");
    assert_eq!(names, ["البيان", "أخبار اليوم", "الاتحاد", "الأهرام", "CNN"]);
    let names = texts(&get(&app, "/agencies").await.html(), ".source-list a");
    assert_eq!(names, ["أخبار اليوم", "الاتحاد", "الأهرام", "البيان", "CNN"]);
}

/// The path nginx passes on for `path` when `proxy_pass` names a URI (as
/// deploy/nginx.conf's does): percent-decoded, `%2F` included, then sent as it is.
fn as_nginx_passes_it(path: &str) -> String {
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    // What reaches arshif is the decoded path written back as bytes: a decoded `/` is a
    // separator now, other bytes are sent raw (re-encoded here so the request is valid).
    decoded
        .split('/')
        .map(|segment| {
            percent_encoding::utf8_percent_encode(segment, percent_encoding::NON_ALPHANUMERIC)
                .to_string()
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Fault 2: a publication or agency whose name held `/` was linked as `%2F` inside one path
/// segment; nginx decodes `%2F` before passing the request on, so its page answered 404
/// behind the proxy. Pages are now at a slug of the name, and the old address redirects.
#[tokio::test]
async fn names_with_a_slash_are_reachable_behind_a_decoding_proxy() {
    let mut a = entry("a", Some("2015-09-16"), "عنوان");
    a.article.publication = Some("الشرق/الغرب".into());
    a.article.agency = Some("رويترز/أ ف ب".into());
    let mut b = entry("b", Some("2015-09-17"), "عنوان آخر");
    // A name that makes the same slug as the first: both stay reachable, each its own page.
    b.article.publication = Some("الشرق الغرب".into());
    let app = router(vec![a, b], None);

    let mut hrefs = Vec::new();
    for page in [
        "/",
        "/publications",
        "/agencies",
        "/articles/a",
        "/articles/b",
    ] {
        let html = get(&app, page).await.html();
        for href in attrs(&html, "a[href]", "href") {
            let target = resolve(page, &href);
            if target.starts_with("/publications/") || target.starts_with("/agencies/") {
                hrefs.push(target);
            }
        }
    }
    hrefs.sort();
    hrefs.dedup();
    assert_eq!(hrefs.len(), 3, "{hrefs:?}");
    let mut headings = Vec::new();
    for target in &hrefs {
        assert!(!target.contains("%2F"), "{target}");
        let reply = get(&app, &as_nginx_passes_it(target)).await;
        assert_eq!(reply.status, StatusCode::OK, "{target}");
        headings.extend(texts(&reply.html(), "h1"));
    }
    headings.sort();
    assert_eq!(headings, ["الشرق الغرب", "الشرق/الغرب", "رويترز/أ ف ب"]);

    // Links given out before slugs (the name as one encoded segment) redirect to the slug.
    let old = get(
        &app,
        "/publications/%D8%A7%D9%84%D8%B4%D8%B1%D9%82%2F%D8%A7%D9%84%D8%BA%D8%B1%D8%A8",
    )
    .await;
    assert_eq!(old.status, StatusCode::PERMANENT_REDIRECT);
    let to = resolve("/publications/x", old.header("location"));
    assert!(hrefs.contains(&to), "{to} not among {hrefs:?}");
    let old_page = get(
        &app,
        "/agencies/%D8%B1%D9%88%D9%8A%D8%AA%D8%B1%D8%B2%2F%D8%A3%20%D9%81%20%D8%A8/page/2",
    )
    .await;
    assert_eq!(old_page.status, StatusCode::PERMANENT_REDIRECT);
    assert!(old_page.header("location").ends_with("/page/2"));
}
