//! The index page over HTTP, in-process: newest first then the undated, the order flipped,
//! year and month headings, and its pages (where they break, their single addresses).

mod common;

use axum::http::StatusCode;
use common::*;

/// The acceptance, over hand-made records with the seeds' dates: 2015-09-18 first,
/// then 2015-09-16, then the three undated in their own section.
#[tokio::test]
async fn index_lists_newest_first_then_the_undated() {
    let app = router(seeds(), None);
    let html = get(&app, "/").await.html();
    assert_eq!(
        ids_in_order(&html, ".month .entry-title"),
        ["91d6d82d5f0f2529", "cf3dbfa4259b4b62"]
    );
    assert_eq!(
        ids_in_order(&html, ".undated .entry-title"),
        ["33d0e17b3f187f76", "4873890e38737cc0", "adaa0b1178cf7dcd"]
    );
    assert_eq!(texts(&html, "h2.year"), ["2015"]);
    assert_eq!(texts(&html, ".month h3"), ["أيلول/سبتمبر 2015"]);
    assert_eq!(texts(&html, ".undated h2"), ["مقالات بلا تاريخ"]);
    // Undated articles carry no date at all, not a made-up one.
    assert!(texts(&html, ".undated time").is_empty());

    let first = scraper::Selector::parse(".month .entry").unwrap();
    let first = html.select(&first).next().unwrap();
    let first = scraper::Html::parse_fragment(&first.html());
    assert_eq!(
        attrs(&first, ".entry-date > time", "datetime"),
        ["2015-09-18T16:41"]
    );
    assert_eq!(
        texts(&first, ".entry-date > time"),
        ["الجمعة 18 أيلول/سبتمبر 2015، الساعة 16:41"]
    );
    assert_eq!(texts(&first, ".outlet"), ["وكالة الصحافة الفرنسية (أ ف ب)"]);
    let dated = texts(&html, ".month .entry");
    assert!(
        dated[1].contains("الأربعاء 16 أيلول/سبتمبر 2015"),
        "{dated:?}"
    );
    assert!(dated[1].contains("الوسط"), "{dated:?}");
    let undated = texts(&html, ".undated .entry");
    assert!(undated[1].contains("نيويورك"), "{undated:?}");
    assert!(undated[1].contains("العرب اليوم"), "{undated:?}");
}

#[tokio::test]
async fn order_flips_to_oldest_first_and_back() {
    let app = router(seeds(), None);
    let newest = get(&app, "/").await.html();
    assert_eq!(attrs(&newest, ".order a", "href"), ["./?order=oldest"]);
    assert_eq!(texts(&newest, ".order [aria-current]"), ["الأحدث أولًا"]);

    let oldest = get(&app, "/?order=oldest").await.html();
    assert_eq!(
        ids_in_order(&oldest, ".month .entry-title"),
        ["cf3dbfa4259b4b62", "91d6d82d5f0f2529"]
    );
    assert_eq!(ids_in_order(&oldest, ".undated .entry-title").len(), 3);
    assert_eq!(attrs(&oldest, ".order a", "href"), ["./"]);
    assert_eq!(texts(&oldest, ".order [aria-current]"), ["الأقدم أولًا"]);
}

#[tokio::test]
async fn months_and_years_get_headings_in_the_order_shown() {
    let entries = vec![
        entry("a", Some("2014-12-31"), "أ"),
        entry("b", Some("2015-01-02"), "ب"),
        entry("c", Some("2015-01-20T08:00"), "ج"),
        entry("d", Some("2015-03-01"), "د"),
    ];
    let app = router(entries, None);
    let html = get(&app, "/").await.html();
    assert_eq!(texts(&html, "h2.year"), ["2015", "2014"]);
    assert_eq!(
        texts(&html, ".month h3"),
        [
            "آذار/مارس 2015",
            "كانون الثاني/يناير 2015",
            "كانون الأول/ديسمبر 2014"
        ]
    );
    assert!(texts(&html, ".undated").is_empty());
    let html = get(&app, "/?order=oldest").await.html();
    assert_eq!(texts(&html, "h2.year"), ["2014", "2015"]);
    assert_eq!(ids_in_order(&html, ".entry-title"), ["a", "b", "c", "d"]);
}

#[tokio::test]
async fn exactly_fifty_is_one_page() {
    let app = router(numbered(50, true), None);
    let html = get(&app, "/").await.html();
    assert_eq!(texts(&html, ".entry").len(), 50);
    assert!(texts(&html, ".pager").is_empty(), "no pager for one page");
    assert_eq!(get(&app, "/page/2").await.status, StatusCode::NOT_FOUND);
    assert_eq!(get(&app, "/?page=2").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn fifty_one_is_two_pages() {
    let app = router(numbered(51, true), None);
    let one = get(&app, "/").await.html();
    assert_eq!(texts(&one, ".entry").len(), 50);
    assert_eq!(ids_in_order(&one, ".entry-title")[0], "n050");
    assert_eq!(attrs(&one, ".pager a[rel=next]", "href"), ["./page/2"]);
    assert!(attrs(&one, ".pager a[rel=prev]", "href").is_empty());

    let two = get(&app, "/page/2").await;
    assert_eq!(two.status, StatusCode::OK);
    let two = two.html();
    assert_eq!(ids_in_order(&two, ".entry-title"), ["n000"]);
    assert_eq!(attrs(&two, ".pager a[rel=prev]", "href"), ["../"]);
    assert!(attrs(&two, ".pager a[rel=next]", "href").is_empty());
    assert_eq!(texts(&two, ".pager-where"), ["الصفحة 2 من 2"]);

    // The last page's links still climb to the root and find the stylesheet.
    let css = attrs(&two, "link[rel=stylesheet]", "href");
    assert_eq!(
        get(&app, &resolve("/page/2", &css[0])).await.status,
        StatusCode::OK
    );

    assert_eq!(get(&app, "/page/3").await.status, StatusCode::NOT_FOUND);
    let oldest_two = get(&app, "/page/2?order=oldest").await.html();
    assert_eq!(ids_in_order(&oldest_two, ".entry-title"), ["n050"]);
    assert_eq!(
        attrs(&oldest_two, ".pager a[rel=prev]", "href"),
        ["../?order=oldest"]
    );
}

#[tokio::test]
async fn page_one_and_query_pages_redirect_to_their_single_address() {
    let app = router(numbered(120, true), None);
    for (uri, location) in [
        ("/page/1", "../"),
        ("/page/1?order=oldest", "../?order=oldest"),
        ("/?page=1", "./"),
        ("/?page=3", "./page/3"),
        ("/?page=2&order=oldest", "./page/2?order=oldest"),
        ("/page/02", "../page/2"),
        ("/page/0001?order=oldest", "../?order=oldest"),
    ] {
        let reply = get(&app, uri).await;
        assert_eq!(reply.status, StatusCode::PERMANENT_REDIRECT, "{uri}");
        assert_eq!(reply.header("location"), location, "{uri}");
        let target = resolve(uri, location);
        assert_eq!(
            get(&app, &target).await.status,
            StatusCode::OK,
            "{uri} -> {target}"
        );
    }
    assert_eq!(get(&app, "/?page=4").await.status, StatusCode::NOT_FOUND);
    assert_eq!(get(&app, "/page/4").await.status, StatusCode::NOT_FOUND);
    assert_eq!(get(&app, "/page/004").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn undated_articles_follow_the_dated_across_pages() {
    let mut entries = numbered(49, true);
    entries.extend(numbered(3, false).into_iter().map(|mut e| {
        e.article.id = format!("u{}", e.article.id);
        e
    }));
    let app = router(entries, None);
    let one = get(&app, "/").await.html();
    assert_eq!(texts(&one, ".month .entry").len(), 49);
    assert_eq!(ids_in_order(&one, ".undated .entry-title"), ["un000"]);
    let two = get(&app, "/page/2").await.html();
    assert!(texts(&two, ".month").is_empty());
    assert_eq!(
        ids_in_order(&two, ".undated .entry-title"),
        ["un001", "un002"]
    );
}

#[tokio::test]
async fn an_empty_archive_has_a_front_page_and_nothing_else() {
    let app = router(vec![], None);
    let reply = get(&app, "/").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(texts(&reply.html(), ".empty"), ["لا مقالات في الأرشيف بعد."]);
    assert_eq!(get(&app, "/page/2").await.status, StatusCode::NOT_FOUND);
}
