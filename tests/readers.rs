//! What a reader sees beside the text: the Hijri date of every dated article (the page's
//! own, or one computed with the Umm al-Qura calendar and marked so), and for an undated
//! article a note that says so and how an archivist can date it.

mod common;

use common::*;

/// The seeds' two dated articles: 91d6d82d5f0f2529 (2015-09-18, no Hijri date printed) and
/// cf3dbfa4259b4b62 (2015-09-16, the page printed `02 ذي الحجة 1436`).
const COMPUTED: &str = "/articles/91d6d82d5f0f2529";
const PRINTED: &str = "/articles/cf3dbfa4259b4b62";
const UNDATED: &str = "/articles/4873890e38737cc0";

#[tokio::test]
async fn a_dated_article_shows_its_computed_hijri_date_marked_as_computed() {
    let app = router(seeds(), None);
    let page = get(&app, COMPUTED).await.html();
    // 1 Dhu al-Hijjah 1436 is 2015-09-14 in KACST's table, so the 18th is the 5th.
    assert_eq!(
        texts(&page, ".dates .hijri.computed time"),
        ["5 ذو الحجة 1436 هـ"]
    );
    assert_eq!(
        attrs(&page, ".dates .hijri.computed time", "datetime"),
        ["2015-09-18"]
    );
    let title = attrs(&page, ".dates .hijri.computed", "title");
    assert!(title[0].contains("أم القرى"), "{title:?}");
    // The star is explained in words on the page, not only in a tooltip.
    let note = texts(&page, ".provenance .hijri-note");
    assert!(
        note[0].contains("محسوب") && note[0].contains("رؤية الهلال"),
        "{note:?}"
    );
}

#[tokio::test]
async fn the_date_the_page_printed_is_shown_as_written() {
    let app = router(seeds(), None);
    let page = get(&app, PRINTED).await.html();
    assert_eq!(texts(&page, ".dates .hijri bdi"), ["02 ذي الحجة 1436"]);
    assert!(texts(&page, ".dates .hijri.computed").is_empty());
}

#[tokio::test]
async fn index_entries_carry_the_hijri_date_under_the_gregorian() {
    let app = router(seeds(), None);
    for path in ["/", "/2015/09/", "/2015/"] {
        let page = get(&app, path).await.html();
        let hijri = texts(&page, ".entry-date .hijri");
        assert_eq!(
            hijri,
            ["5 ذو الحجة 1436 هـ*", "02 ذي الحجة 1436"],
            "{path}: newest first"
        );
        assert_eq!(texts(&page, ".hijri-note").len(), 1, "{path}");
    }
}

#[tokio::test]
async fn an_undated_article_says_how_to_date_it() {
    let app = router(seeds(), None);
    let page = get(&app, UNDATED).await.html();
    let note = texts(&page, "#date-unknown");
    assert_eq!(note.len(), 1);
    assert!(note[0].contains("غير معروف"), "{note:?}");
    assert_eq!(
        texts(&page, "#date-unknown code"),
        ["4873890e38737cc0.toml", "published = \"YYYY-MM-DD\""]
    );
    assert_eq!(attrs(&page, ".undated-label a", "href"), ["#date-unknown"]);
    // A dated article has no such note.
    assert!(texts(&get(&app, COMPUTED).await.html(), "#date-unknown").is_empty());
}

#[tokio::test]
async fn the_index_counts_the_undated_articles_and_links_to_them() {
    let config = arshif::web::Config {
        per_page: 2,
        ..arshif::web::Config::default()
    };
    let app = router_with(seeds(), None, config);
    let page = get(&app, "/").await.html();
    let summary = texts(&page, ".index-head .summary");
    assert!(summary[0].contains("منها 3 مقالات بلا تاريخ"), "{summary:?}");
    // Two dated articles fill page 1; the undated ones begin on page 2.
    let href = attrs(&page, ".index-head .summary a", "href");
    assert_eq!(href, ["./page/2#undated"]);
    let page2 = get(&app, "/page/2").await.html();
    assert_eq!(texts(&page2, "#undated h2").len(), 1);
}

/// Today's and yesterday's dates in UTC as a citation says them (a test run may straddle
/// midnight).
fn retrieved_days() -> [String; 2] {
    let now = std::time::SystemTime::now();
    let day = std::time::Duration::from_secs(86_400);
    [now, now - day]
        .map(|t| arshif::web::view::dates::arabic_day(&arshif::parse::Date::utc_day_of(t)))
}

fn with_base_url() -> arshif::web::Config {
    arshif::web::Config {
        base_url: Some("https://example.org/archive/".parse().unwrap()),
        ..arshif::web::Config::default()
    }
}

#[tokio::test]
async fn each_article_page_says_how_to_cite_it() {
    let app = router_with(seeds(), None, with_base_url());
    let page = get(&app, PRINTED).await.html();
    let line = texts(&page, ".cite .citation");
    assert_eq!(line.len(), 1);
    let line = &line[0];
    for part in [
        "المحرر السياسي",
        "«البيت الأبيض: نرحب بأي دعم روسي للتحالف في محاربة \"داعش\"»",
        "الوسط",
        "16 أيلول/سبتمبر 2015",
        "https://example.org/archive/articles/cf3dbfa4259b4b62",
        "استُرجع في",
    ] {
        assert!(line.contains(part), "{part} missing from {line}");
    }
    assert!(
        retrieved_days().iter().any(|d| line.contains(d.as_str())),
        "{line}"
    );
    assert_eq!(
        attrs(&page, ".cite .citation bdi", "dir"),
        ["ltr"],
        "the URL is set apart"
    );
    let hrefs = attrs(&page, ".cite-downloads a", "href");
    assert_eq!(
        hrefs,
        [
            "../articles/cf3dbfa4259b4b62.bib",
            "../articles/cf3dbfa4259b4b62.ris",
            "../articles/cf3dbfa4259b4b62.json"
        ]
    );
}

#[tokio::test]
async fn the_references_download_as_bibtex_and_ris() {
    let app = router_with(seeds(), None, with_base_url());
    let bib = get(&app, "/articles/cf3dbfa4259b4b62.bib").await;
    assert_eq!(bib.status, axum::http::StatusCode::OK);
    assert_eq!(bib.content_type(), "application/x-bibtex; charset=utf-8");
    assert_eq!(
        bib.header("content-disposition"),
        "attachment; filename=\"arshif-cf3dbfa4259b4b62.bib\""
    );
    assert!(bib.header("cache-control").starts_with("private"));
    assert!(
        bib.body.starts_with("@article{arshif-cf3dbfa4259b4b62,"),
        "{}",
        bib.body
    );
    assert!(
        bib.body
            .contains("url = {https://example.org/archive/articles/cf3dbfa4259b4b62}")
    );

    let ris = get(&app, "/articles/91d6d82d5f0f2529.ris").await;
    assert_eq!(ris.status, axum::http::StatusCode::OK);
    assert_eq!(
        ris.content_type(),
        "application/x-research-info-systems; charset=utf-8"
    );
    assert_eq!(
        ris.header("content-disposition"),
        "attachment; filename=\"arshif-91d6d82d5f0f2529.ris\""
    );
    assert!(ris.body.starts_with("TY  - NEWS\r\n"), "{}", ris.body);
    assert!(
        ris.body
            .contains("T2  - وكالة الصحافة الفرنسية (أ ف ب)\r\n")
    );
    assert!(ris.body.contains("DA  - 2015/09/18/\r\n"));
    assert!(ris.body.ends_with("ER  - \r\n"));
    // An unknown article has no reference.
    assert_eq!(
        get(&app, "/articles/nope.ris").await.status,
        axum::http::StatusCode::NOT_FOUND
    );
}
