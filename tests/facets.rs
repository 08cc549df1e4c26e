//! Browsing by facet over HTTP, in-process: the pages by year, month, publication and agency,
//! their overviews, single addresses and 404s, their paging and neighbours, and the links that
//! lead to them from articles and the index.

mod common;

use arshif::archive;
use arshif::web::Config;
use axum::http::StatusCode;
use common::seeded::{seed_id, seed_site};
use common::*;

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
