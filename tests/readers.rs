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
