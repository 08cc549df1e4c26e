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
