//! The search page over HTTP, in-process, over the five real seeds (built and indexed as
//! `arshif build` would): what a query finds and how a result reads, empty and refused queries,
//! paging through results, escaping, and the search form on every page.

mod common;

use std::collections::BTreeSet;

use arshif::archive::Archive;
use arshif::web::Config;
use axum::Router;
use axum::http::StatusCode;
use common::seeded::{seed_id, seed_ids, seed_site};
use common::*;

fn search_uri(query: &str) -> String {
    format!(
        "/search?q={}",
        arshif::web::view::links::encode_segment(query)
    )
}

async fn result_ids(app: &Router, query: &str) -> BTreeSet<String> {
    let reply = get(app, &search_uri(query)).await;
    assert_eq!(reply.status, StatusCode::OK, "{query}");
    let ids = linked_ids(&reply.html(), ".results .entry-title");
    let set: BTreeSet<String> = ids.iter().cloned().collect();
    assert_eq!(set.len(), ids.len(), "{query}: an article listed twice");
    set
}

#[tokio::test]
async fn the_issues_queries_find_their_articles() {
    let (_dir, app, archive) = seed_site(50);
    let all = seed_ids(&archive, &["000_", "001_", "002_", "003_", "004_"]);
    assert_eq!(result_ids(&app, "سوريا").await, all);
    assert_eq!(
        result_ids(&app, "لافروف").await,
        seed_ids(&archive, &["000_", "002_", "003_"])
    );
    assert_eq!(
        result_ids(&app, "شويجو").await,
        seed_ids(&archive, &["001_", "004_"])
    );
}

#[tokio::test]
async fn a_result_shows_title_date_source_and_marked_passage() {
    let (_dir, app, archive) = seed_site(50);
    let reply = get(&app, &search_uri("البنتاغون")).await;
    assert_eq!(reply.content_type(), HTML);
    let html = reply.html();
    assert_eq!(
        linked_ids(&html, ".results .entry-title"),
        [seed_id(&archive, "004_")]
    );
    let pentagon = archive.get(&seed_id(&archive, "004_")).unwrap();
    assert_eq!(
        texts(&html, ".results .entry-title"),
        std::slice::from_ref(&pentagon.article.title)
    );
    assert_eq!(
        attrs(&html, ".results .entry-date > time", "datetime"),
        ["2015-09-18T16:41"]
    );
    assert_eq!(texts(&html, ".results .outlet"), ["أ ف ب"]);
    let marks = texts(&html, ".results .snippet mark");
    assert!(!marks.is_empty(), "no <mark> in the passage");
    assert!(marks.iter().all(|m| m.contains("البنتاغون")), "{marks:?}");
    assert_eq!(texts(&html, "h1"), ["نتائج البحث عن «البنتاغون»"]);
    assert_eq!(texts(&html, ".summary"), ["نتيجة واحدة."]);
    // The query stays in the box, for the next search.
    assert_eq!(attrs(&html, "input[name=q]", "value"), ["البنتاغون"]);
}

#[tokio::test]
async fn results_pages_are_not_indexed_and_cached_by_the_browser_only() {
    let (_dir, app, _) = seed_site(50);
    for uri in [search_uri("سوريا"), search_uri("!!!"), "/search".to_owned()] {
        let reply = get(&app, &uri).await;
        assert_eq!(reply.status, StatusCode::OK, "{uri}");
        assert_eq!(
            attrs(&reply.html(), "meta[name=robots]", "content"),
            ["noindex"],
            "{uri}"
        );
        assert_eq!(
            reply.header("cache-control"),
            "private, max-age=300",
            "{uri}"
        );
    }
    // Other pages stay indexable.
    let front = get(&app, "/").await.html();
    assert!(attrs(&front, "meta[name=robots]", "content").is_empty());
}

#[tokio::test]
async fn nothing_to_search_is_an_empty_page_not_an_error() {
    let (_dir, app, _) = seed_site(50);
    for uri in [
        search_uri("!!! ... ؟؟ «»"),
        search_uri("   "),
        "/search?q=".to_owned(),
        "/search".to_owned(),
        search_uri("بطيخ"),
    ] {
        let reply = get(&app, &uri).await;
        assert_eq!(reply.status, StatusCode::OK, "{uri}");
        let html = reply.html();
        assert_eq!(attrs(&html, "html", "dir"), ["rtl"]);
        assert!(texts(&html, ".results").is_empty(), "{uri}");
        assert_eq!(texts(&html, ".no-results").len(), 1, "{uri}");
        assert!(texts(&html, ".pager").is_empty(), "{uri}");
    }
    let nothing = get(&app, &search_uri("!!!")).await.html();
    assert_eq!(
        texts(&nothing, ".no-results .empty"),
        ["لا نتائج: لم نجد مقالًا فيه كل ما طلبت."]
    );
    let blank = get(&app, "/search").await.html();
    assert_eq!(texts(&blank, "h1"), ["البحث في الأرشيف"]);
    // No results has one page; the next is past the end.
    let past = get(&app, &format!("{}&page=2", search_uri("!!!"))).await;
    assert_eq!(past.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_query_too_long_is_refused_in_arabic() {
    let (_dir, app, _) = seed_site(50);
    let max = arshif::web::pages::search::MAX_QUERY_CHARS;
    let longest = "س".repeat(max);
    assert_eq!(
        get(&app, &search_uri(&longest)).await.status,
        StatusCode::OK
    );
    let reply = get(&app, &search_uri(&format!("{longest}س"))).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.content_type(), HTML);
    assert_eq!(reply.header("cache-control"), "no-store");
    assert_eq!(texts(&reply.html(), "h1"), ["عبارة البحث أطول من اللازم"]);
    // The form says so before the server has to.
    let front = get(&app, "/").await.html();
    assert_eq!(
        attrs(&front, "input[name=q]", "maxlength"),
        [max.to_string()]
    );
}

#[tokio::test]
async fn bad_page_numbers_are_refused() {
    let (_dir, app, _) = seed_site(50);
    for (page, status) in [
        ("0", 400),
        ("abc", 400),
        ("-1", 400),
        ("2", 404),
        ("1", 200),
    ] {
        let uri = format!("{}&page={page}", search_uri("سوريا"));
        assert_eq!(get(&app, &uri).await.status.as_u16(), status, "{uri}");
    }
}

#[tokio::test]
async fn without_an_index_search_is_unavailable() {
    let app = router(seeds(), None);
    let reply = get(&app, &search_uri("سوريا")).await;
    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(reply.content_type(), HTML);
    assert_eq!(texts(&reply.html(), "h1"), ["البحث غير متاح"]);
    // Everything else still works.
    assert_eq!(get(&app, "/").await.status, StatusCode::OK);
}

#[tokio::test]
async fn results_are_paginated_in_rank_order() {
    let (_dir, app, archive) = seed_site(2);
    let first = get(&app, &search_uri("سوريا")).await.html();
    assert_eq!(
        texts(&first, ".summary"),
        ["5 نتائج، الأقرب إلى ما طلبت أولًا؛ هذه الصفحة 1 من 3، بالنتائج 1–2."]
    );
    assert_eq!(texts(&first, ".pager [aria-current=page]"), ["1"]);
    assert_eq!(attrs(&first, ".results", "start"), ["1"]);

    // Follow "next" to the end, as a reader would.
    let mut path = search_uri("سوريا");
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let reply = get(&app, &path).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}");
        let html = reply.html();
        pages += 1;
        assert_eq!(
            texts(&html, ".pager [aria-current=page]"),
            [pages.to_string()],
            "{path}"
        );
        seen.extend(linked_ids(&html, ".results .entry-title"));
        match attrs(&html, ".pager a[rel=next]", "href").first() {
            Some(next) => path = resolve(&path, next),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(path, format!("{}&page=3", search_uri("سوريا")));
    assert_eq!(seen.len(), 5);
    let unique: BTreeSet<String> = seen.iter().cloned().collect();
    assert_eq!(
        unique,
        seed_ids(&archive, &["000_", "001_", "002_", "003_", "004_"])
    );

    // Page by page is the same ranking as one long page.
    let (_dir2, one_page, _) = seed_site(50);
    let ranked = linked_ids(
        &get(&one_page, &search_uri("سوريا")).await.html(),
        ".results .entry-title",
    );
    assert_eq!(seen, ranked);

    let last = get(&app, &path).await.html();
    assert_eq!(attrs(&last, ".results", "start"), ["5"]);
    let prev = attrs(&last, ".pager a[rel=prev]", "href");
    assert_eq!(
        resolve(&path, &prev[0]),
        format!("{}&page=2", search_uri("سوريا"))
    );
    let past = format!("{}&page=4", search_uri("سوريا"));
    assert_eq!(get(&app, &past).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn search_escapes_what_the_dumps_hold() {
    let mut entries = seeds();
    entries.push(hostile());
    let (_dir, app) = searchable(Archive::from_entries(entries, None), Config::default());
    let reply = get(&app, &search_uri("alert")).await;
    assert_eq!(reply.status, StatusCode::OK);
    let html = reply.html();
    assert_eq!(linked_ids(&html, ".results .entry-title"), ["hostile"]);
    assert!(
        texts(&html, "script").is_empty(),
        "a dump's markup became a tag"
    );
    assert!(
        !reply.body.contains("<script>"),
        "a dump's markup is in the page"
    );
    assert!(texts(&html, ".snippet b, .snippet img").is_empty());
    let snippet = texts(&html, ".snippet").join(" ");
    assert!(snippet.contains("alert"), "{snippet}");
    // The query is shown as text too.
    let reply = get(&app, &search_uri("<b>x</b>\"")).await;
    assert_eq!(reply.status, StatusCode::OK);
    let html = reply.html();
    assert!(texts(&html, "h1 b").is_empty());
    assert_eq!(attrs(&html, "input[name=q]", "value"), ["<b>x</b>\""]);
}

/// Every kind of page carries the same search form, and its action leads to the search page
/// from wherever it is.
#[tokio::test]
async fn the_search_form_is_on_every_page() {
    let (_dir, app, archive) = seed_site(50);
    let wasat = arshif::web::view::links::encode_segment("الوسط");
    let pages = [
        "/".to_owned(),
        format!("/articles/{}", seed_id(&archive, "003_")),
        "/about".to_owned(),
        "/2015/".to_owned(),
        "/2015/09/".to_owned(),
        "/publications".to_owned(),
        format!("/publications/{wasat}"),
        "/agencies".to_owned(),
        search_uri("سوريا"),
        "/search".to_owned(),
        "/no/such/page".to_owned(),
    ];
    for path in pages {
        let html = get(&app, &path).await.html();
        let forms = scraper::Selector::parse("form[role=search]").unwrap();
        let forms: Vec<_> = html.select(&forms).collect();
        assert_eq!(forms.len(), 1, "{path}");
        let form = scraper::Html::parse_fragment(&forms[0].html());
        assert_eq!(attrs(&form, "form", "method"), ["get"], "{path}");
        let action = &attrs(&form, "form", "action")[0];
        assert_eq!(resolve(&path, action), "/search", "{path}: {action}");
        let input = attrs(&form, "input[type=search][name=q]", "id");
        assert_eq!(input.len(), 1, "{path}");
        assert_eq!(
            texts(&form, &format!("label[for={}]", input[0])),
            ["ابحث في الأرشيف"],
            "{path}"
        );
    }
}
