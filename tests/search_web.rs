//! Finding articles over HTTP, in-process: the search page over the five real seeds (built
//! and indexed as `arshif build` would), the search form on every page, the other coverage of
//! a story on each article page, and the pages by year, month, publication and agency.

mod common;

use std::collections::BTreeSet;

use arshif::archive::{self, Archive};
use arshif::web::Config;
use axum::Router;
use axum::http::StatusCode;
use common::*;

const HTML: &str = "text/html; charset=utf-8";

/// The seeds as the build makes them: parsed, threaded, indexed.
fn seed_site(per_page: usize) -> (tempfile::TempDir, Router, Archive) {
    let (archive, _) = archive::build(&process::articles()).unwrap();
    let (dir, app) = searchable(
        archive::build(&process::articles()).unwrap().0,
        Config {
            per_page,
            search_per_page: per_page,
            ..Config::default()
        },
    );
    (dir, app, archive)
}

/// The id of the seed whose file name starts with `prefix` (`000_`).
fn seed_id(archive: &Archive, prefix: &str) -> String {
    archive
        .entries()
        .iter()
        .find(|e| e.article.source.starts_with(prefix))
        .unwrap_or_else(|| panic!("no seed {prefix}"))
        .article
        .id
        .clone()
}

fn seed_ids(archive: &Archive, prefixes: &[&str]) -> BTreeSet<String> {
    prefixes.iter().map(|p| seed_id(archive, p)).collect()
}

/// The article ids that `selector`'s links lead to, in page order.
fn linked_ids(html: &scraper::Html, selector: &str) -> Vec<String> {
    attrs(html, selector, "href")
        .into_iter()
        .map(|h| {
            assert!(h.contains("articles/"), "{h} is not an article link");
            h.rsplit('/').next().unwrap().to_owned()
        })
        .collect()
}

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

/// The five seeds report one event: each page lists the other four.
#[tokio::test]
async fn each_seed_lists_the_other_coverage_of_its_story() {
    let (_dir, app, archive) = seed_site(50);
    let all = seed_ids(&archive, &["000_", "001_", "002_", "003_", "004_"]);
    for id in &all {
        let html = get(&app, &format!("/articles/{id}")).await.html();
        assert_eq!(texts(&html, ".thread h2"), ["تغطيات أخرى للحدث"], "{id}");
        let listed: BTreeSet<String> = linked_ids(&html, ".thread .entry-title")
            .into_iter()
            .collect();
        let mut others = all.clone();
        others.remove(id);
        assert_eq!(listed, others, "{id}");
        assert_eq!(texts(&html, ".thread .entry").len(), 4, "{id}");
    }
    // Where the other coverage comes from is shown: 004's agency, 003's paper.
    let html = get(&app, &format!("/articles/{}", seed_id(&archive, "000_")))
        .await
        .html();
    let outlets = texts(&html, ".thread .outlet");
    assert!(outlets.contains(&"أ ف ب".to_owned()), "{outlets:?}");
    assert!(outlets.contains(&"الوسط".to_owned()), "{outlets:?}");
    assert_eq!(
        attrs(&html, ".thread .entry-date > time", "datetime").len(),
        2
    );
}

#[tokio::test]
async fn an_article_alone_in_its_story_has_no_other_coverage() {
    let app = router(seeds(), None);
    let html = get(&app, "/articles/cf3dbfa4259b4b62").await.html();
    assert!(texts(&html, ".thread").is_empty());
    assert!(
        !get(&app, "/articles/cf3dbfa4259b4b62")
            .await
            .body
            .contains("تغطيات أخرى")
    );
}

#[tokio::test]
async fn periods_list_their_dated_articles_newest_first() {
    let (_dir, app, archive) = seed_site(50);
    let newest_first = [seed_id(&archive, "004_"), seed_id(&archive, "003_")];
    for path in ["/2015/", "/2015/09/"] {
        let reply = get(&app, path).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}");
        assert_eq!(reply.content_type(), HTML);
        let html = reply.html();
        assert_eq!(linked_ids(&html, ".entry-title"), newest_first, "{path}");
        assert!(texts(&html, ".undated").is_empty(), "{path}");
        assert_eq!(texts(&html, ".summary"), ["مقالان."], "{path}");
    }
    let month = get(&app, "/2015/09/").await.html();
    assert_eq!(texts(&month, "h1"), ["أرشيف أيلول/سبتمبر 2015"]);
    assert_eq!(attrs(&month, ".facet-up a", "href"), ["../../2015/"]);
    let year = get(&app, "/2015/").await.html();
    assert_eq!(texts(&year, "h1"), ["أرشيف 2015"]);
    assert_eq!(texts(&year, ".facet-months li"), ["أيلول/سبتمبر مقالان"]);
    assert_eq!(attrs(&year, ".facet-months a", "href"), ["../2015/09/"]);
    assert_eq!(texts(&year, ".month-heading"), ["أيلول/سبتمبر 2015"]);
    // One year, one month: no neighbours to link.
    assert!(texts(&year, ".facet-neighbours").is_empty());
}

#[tokio::test]
async fn sources_list_their_articles_and_the_overviews_count_them() {
    let (_dir, app, archive) = seed_site(50);
    // A source's page is at the slug of its name (no name of the seeds shares one).
    let enc = |name: &str| {
        arshif::web::view::links::encode_segment(&arshif::archive::slug::readable(name))
    };
    let publications = get(&app, "/publications").await;
    assert_eq!(publications.status, StatusCode::OK);
    let html = publications.html();
    assert_eq!(texts(&html, "h1"), ["المطبوعات"]);
    let mut names = texts(&html, ".source-list a");
    names.sort();
    assert_eq!(names, ["إرم نيوز", "العرب اليوم", "المغرب اليوم", "الوسط"]);
    assert_eq!(texts(&html, ".source-list .facet-count"), ["مقال واحد"; 4]);
    assert_eq!(texts(&html, ".summary a"), ["وكالات الأنباء"]);
    // Every name leads to its page, which lists that paper's article.
    for (prefix, name) in [
        ("000_", "العرب اليوم"),
        ("003_", "الوسط"),
        ("002_", "إرم نيوز"),
    ] {
        let path = format!("/publications/{}", enc(name));
        let listed = attrs(&html, ".source-list a", "href")
            .iter()
            .any(|h| resolve("/publications", h) == path);
        assert!(listed, "{name} not linked as {path}");
        let page = get(&app, &path).await.html();
        assert_eq!(texts(&page, "h1"), [name], "{path}");
        assert_eq!(texts(&page, ".facet-kind"), ["المطبوعة"]);
        assert_eq!(
            linked_ids(&page, ".entry-title"),
            [seed_id(&archive, prefix)]
        );
    }
    let agencies = get(&app, "/agencies").await.html();
    assert_eq!(texts(&agencies, ".source-list a"), ["أ ف ب"]);
    let afp = get(&app, &format!("/agencies/{}", enc("أ ف ب")))
        .await
        .html();
    assert_eq!(texts(&afp, ".facet-kind"), ["وكالة الأنباء"]);
    assert_eq!(
        linked_ids(&afp, ".entry-title"),
        [seed_id(&archive, "004_")]
    );
    // Undated articles have their section on a source's page too.
    let undated = get(&app, &format!("/publications/{}", enc("العرب اليوم")))
        .await
        .html();
    assert_eq!(linked_ids(&undated, ".undated .entry-title").len(), 1);
}

#[tokio::test]
async fn unknown_facets_are_arabic_404s() {
    let (_dir, app, _) = seed_site(50);
    let enc = arshif::web::view::links::encode_segment;
    for path in [
        "/2014/".to_owned(),
        "/2014".to_owned(),
        "/2015/10/".to_owned(),
        "/2015/13/".to_owned(),
        "/2015/9/".to_owned(),
        "/2015/00/".to_owned(),
        "/201/".to_owned(),
        "/02015/".to_owned(),
        "/abcd/".to_owned(),
        format!("/publications/{}", enc("الأهرام")),
        format!("/publications/{}/", enc("الأهرام")),
        format!("/agencies/{}", enc("الوسط")),
        "/2015/page/2".to_owned(),
        "/2015/09/page/0".to_owned(),
    ] {
        let reply = get(&app, &path).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(texts(&reply.html(), "h1"), ["الصفحة غير موجودة"], "{path}");
    }
}

#[tokio::test]
async fn each_facet_has_one_address() {
    let (_dir, app, _) = seed_site(50);
    let wasat = arshif::web::view::links::encode_segment("الوسط");
    for (from, to) in [
        ("/2015".to_owned(), "/2015/".to_owned()),
        ("/2015/09".to_owned(), "/2015/09/".to_owned()),
        ("/2015/page/1".to_owned(), "/2015/".to_owned()),
        ("/2015/09/page/01".to_owned(), "/2015/09/".to_owned()),
        ("/publications/".to_owned(), "/publications".to_owned()),
        ("/agencies/".to_owned(), "/agencies".to_owned()),
        (
            format!("/publications/{wasat}/"),
            format!("/publications/{wasat}"),
        ),
        (
            format!("/publications/{wasat}/page/1"),
            format!("/publications/{wasat}"),
        ),
    ] {
        let reply = get(&app, &from).await;
        assert_eq!(reply.status, StatusCode::PERMANENT_REDIRECT, "{from}");
        assert_eq!(resolve(&from, reply.header("location")), to, "{from}");
        assert_eq!(get(&app, &to).await.status, StatusCode::OK, "{to}");
    }
    // A name written with other (lower-case) escapes is the same page, and says which
    // address is its own.
    let lower = format!("/publications/{}", wasat.to_lowercase());
    let config = Config {
        base_url: Some("https://example.org/archive/".parse().unwrap()),
        ..Config::default()
    };
    let (archive, _) = archive::build(&process::articles()).unwrap();
    let (_dir2, with_base) = searchable(archive, config);
    let reply = get(&with_base, &lower).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        attrs(&reply.html(), "link[rel=canonical]", "href"),
        [format!("https://example.org/archive/publications/{wasat}")]
    );
}

/// An article's date leads to its month, its paper and agency to their pages; the index's
/// headings lead to their year and month.
#[tokio::test]
async fn articles_and_the_index_link_to_their_facets() {
    let (_dir, app, archive) = seed_site(50);
    let enc = |name: &str| {
        arshif::web::view::links::encode_segment(&arshif::archive::slug::readable(name))
    };
    let path = format!("/articles/{}", seed_id(&archive, "003_"));
    let html = get(&app, &path).await.html();
    let to = |selector: &str| {
        attrs(&html, selector, "href")
            .iter()
            .map(|h| resolve(&path, h))
            .collect::<Vec<_>>()
    };
    assert_eq!(to(".published a"), ["/2015/09/"]);
    assert_eq!(
        to(".dateline a"),
        [format!("/publications/{}", enc("الوسط"))]
    );

    let path = format!("/articles/{}", seed_id(&archive, "004_"));
    let html = get(&app, &path).await.html();
    let agency: Vec<_> = attrs(&html, ".dateline a", "href")
        .iter()
        .map(|h| resolve(&path, h))
        .collect();
    assert_eq!(agency, [format!("/agencies/{}", enc("أ ف ب"))]);
    assert_eq!(texts(&html, ".dateline a"), ["أ ف ب"]);

    let index = get(&app, "/").await.html();
    assert_eq!(attrs(&index, "h2.year a", "href"), ["./2015/"]);
    assert_eq!(attrs(&index, ".month h3 a", "href"), ["./2015/09/"]);
    let outlets = attrs(&index, ".outlet a", "href");
    assert_eq!(outlets.len(), 5);
    for href in outlets {
        let target = resolve("/", &href);
        assert_eq!(get(&app, &target).await.status, StatusCode::OK, "{target}");
    }
    // And the index points to the overviews and each year, and to the archive as data.
    let browse: Vec<_> = attrs(&index, ".browse a", "href")
        .iter()
        .map(|h| resolve("/", h))
        .collect();
    assert_eq!(
        browse,
        ["/2015/", "/publications", "/agencies", "/archive.jsonl.gz"]
    );
}

/// `n` articles a day apart from 2015-08-25 (to 2015-10-31 at most), every third one from
/// الوسط.
fn days(n: usize) -> Vec<archive::Entry> {
    (0..n)
        .map(|i| {
            let day = 25 + i;
            let (month, day) = match day {
                ..=31 => (8, day),
                32..=61 => (9, day - 31),
                _ => (10, day - 61),
            };
            let mut e = entry(
                &format!("d{i:03}"),
                Some(&format!("2015-{month:02}-{day:02}")),
                &format!("خبر {i}"),
            );
            if i % 3 == 0 {
                e.article.publication = Some("الوسط".into());
            }
            e
        })
        .collect()
}

#[tokio::test]
async fn facet_pages_are_cut_like_the_index() {
    let mut entries = days(45);
    entries.push(entry("z", Some("2016-01-05"), "خبر العام الجديد"));
    let config = Config {
        per_page: 10,
        ..Config::default()
    };
    let app = router_with(entries, None, config);
    // September holds d007 (the 1st) to d036 (the 30th): three pages, newest first.
    let one = get(&app, "/2015/09/").await.html();
    assert_eq!(
        texts(&one, ".summary"),
        ["30 مقالًا؛ هذه الصفحة 1 من 3، بالمقالات 1–10."]
    );
    let ids = linked_ids(&one, ".entry-title");
    assert_eq!(ids.first().map(String::as_str), Some("d036"));
    assert_eq!(ids.len(), 10);
    assert_eq!(
        attrs(&one, ".pager a[rel=next]", "href"),
        ["../../2015/09/page/2"]
    );
    assert_eq!(texts(&one, ".pager [aria-current=page]"), ["1"]);
    let three = get(&app, "/2015/09/page/3").await.html();
    assert_eq!(
        linked_ids(&three, ".entry-title")
            .last()
            .map(String::as_str),
        Some("d007")
    );
    assert_eq!(
        attrs(&three, ".pager a[rel=prev]", "href"),
        ["../../../2015/09/page/2"]
    );
    assert_eq!(
        get(&app, "/2015/09/page/4").await.status,
        StatusCode::NOT_FOUND
    );
    let redirect = get(&app, "/2015/09/page/03").await;
    assert_eq!(redirect.status, StatusCode::PERMANENT_REDIRECT);
    assert_eq!(
        resolve("/2015/09/page/03", redirect.header("location")),
        "/2015/09/page/3"
    );

    // Neighbouring months and years, across the turn of the year.
    let sept = get(&app, "/2015/09/").await.html();
    assert_eq!(texts(&sept, ".facet-older"), ["→ آب/أغسطس 2015"]);
    assert_eq!(texts(&sept, ".facet-newer"), ["تشرين الأول/أكتوبر 2015 ←"]);
    let oct = get(&app, "/2015/10/").await.html();
    assert_eq!(attrs(&oct, ".facet-newer", "href"), ["../../2016/01/"]);
    let y2015 = get(&app, "/2015/").await.html();
    assert_eq!(attrs(&y2015, ".facet-newer", "href"), ["../2016/"]);
    assert!(texts(&y2015, ".facet-older").is_empty());
    assert_eq!(
        texts(&y2015, ".facet-months li"),
        [
            "آب/أغسطس 7 مقالات",
            "أيلول/سبتمبر 30 مقالًا",
            "تشرين الأول/أكتوبر 8 مقالات"
        ]
    );
    // A year's page groups its articles by month, newest first.
    let y2015_two = get(&app, "/2015/page/2").await.html();
    assert_eq!(texts(&y2015_two, "h2.month-heading"), ["أيلول/سبتمبر 2015"]);

    // الوسط has every third article: 15, two pages.
    let wasat = format!(
        "/publications/{}",
        arshif::web::view::links::encode_segment("الوسط")
    );
    let first = get(&app, &wasat).await.html();
    assert_eq!(
        texts(&first, ".summary"),
        ["15 مقالًا؛ هذه الصفحة 1 من 2، بالمقالات 1–10."]
    );
    let second = get(&app, &format!("{wasat}/page/2")).await.html();
    let ids = linked_ids(&second, ".entry-title");
    assert_eq!(ids, ["d012", "d009", "d006", "d003", "d000"]);
}

/// A facet page reads the precomputed lists: the last page of a large archive's month is
/// served, whatever its size, and says how many there are.
#[tokio::test]
async fn facets_of_a_large_archive() {
    let entries: Vec<_> = (0..3_000)
        .map(|i| {
            entry(
                &format!("n{i:05}"),
                Some(&format!("20{:02}-{:02}-01", i % 20, 1 + i % 12)),
                "خبر",
            )
        })
        .collect();
    let app = router(entries, None);
    let month = get(&app, "/2005/06/").await.html();
    // i % 20 == 5 and i % 12 == 5: i ≡ 5 (mod 60), 50 of the 3,000.
    assert_eq!(texts(&month, ".summary"), ["50 مقالًا."]);
    let year = get(&app, "/2005/page/3").await.html();
    assert_eq!(
        texts(&year, ".summary"),
        ["150 مقالًا؛ هذه الصفحة 3 من 3، بالمقالات 101–150."]
    );
    let index = get(&app, "/").await.html();
    // Twenty years, the two overviews and the download.
    assert_eq!(attrs(&index, ".browse a", "href").len(), 20 + 2 + 1);
}
