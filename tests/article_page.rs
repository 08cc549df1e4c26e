//! The article page over HTTP, in-process: its record, dates, note and neighbours, the other
//! coverage of its story, whatever a dump holds shown literally, ids of any characters, and a
//! dropped duplicate's redirect.

mod common;

use std::collections::BTreeSet;

use axum::http::StatusCode;
use common::seeded::{seed_id, seed_ids, seed_site};
use common::*;

#[tokio::test]
async fn article_page_shows_its_record() {
    let app = router(seeds(), None);
    let reply = get(&app, "/articles/4873890e38737cc0").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.header("cache-control"), "public, max-age=300");
    let html = reply.html();
    assert_eq!(attrs(&html, "html", "lang"), ["ar"]);
    assert_eq!(attrs(&html, "html", "dir"), ["rtl"]);
    assert_eq!(
        texts(&html, "h1"),
        ["كيري ولافروف يبحثان عن آلية مشتركة لضرب تنظيم \"داعش\""]
    );
    assert_eq!(
        texts(&html, "title"),
        ["كيري ولافروف يبحثان عن آلية مشتركة لضرب تنظيم \"داعش\" · أرشيف"]
    );
    assert_eq!(
        texts(&html, ".subtitle"),
        ["هدنة مؤقتة من التصريحات النارية ومفاوضات في غضون أيام"]
    );
    assert_eq!(
        texts(&html, ".dateline"),
        ["نيويورك ـ مادلين سعادة، العرب اليوم"]
    );
    assert_eq!(
        texts(&html, "figure figcaption bdi"),
        ["جون كيري وسيرغي لافروف"]
    );
    let seed = &seeds()[0];
    assert_eq!(texts(&html, ".body p"), seed.article.body);
    assert_eq!(texts(&html, ".published"), ["بلا تاريخ"]);
    assert!(texts(&html, ".note").is_empty());
    // Undated: no neighbour among the dated, but its undated neighbours by id.
    assert_eq!(
        ids_in_order(&html, ".neighbours a"),
        ["33d0e17b3f187f76", "adaa0b1178cf7dcd"]
    );

    let source = attrs(&html, ".provenance a", "href");
    assert_eq!(source, ["../articles/4873890e38737cc0/source"]);
    let source = get(&app, &resolve("/articles/4873890e38737cc0", &source[0])).await;
    assert_eq!(source.status, StatusCode::OK);
    assert_eq!(source.body, seed.text);
}

#[tokio::test]
async fn dated_article_shows_dates_note_and_chronological_neighbours() {
    let app = router(seeds(), None);
    let html = get(&app, "/articles/cf3dbfa4259b4b62").await.html();
    assert_eq!(attrs(&html, ".published time", "datetime"), ["2015-09-16"]);
    assert_eq!(
        texts(&html, ".published time"),
        ["الأربعاء 16 أيلول/سبتمبر 2015"]
    );
    assert_eq!(texts(&html, ".hijri-date"), ["الموافق 02 ذي الحجة 1436"]);
    assert_eq!(texts(&html, ".note h2"), ["ملاحظة المؤرشف"]);
    assert_eq!(texts(&html, ".note strong"), ["العدد 4758"]);
    assert_eq!(attrs(&html, ".note a", "href"), ["adaa0b1178cf7dcd"]);
    assert_eq!(
        texts(&html, ".provenance p:nth-child(2)"),
        ["صحّح المؤرشف: تاريخ النشر."]
    );
    // The oldest dated article: nothing older, the 18th newer.
    assert!(attrs(&html, ".neighbours a.older", "href").is_empty());
    assert_eq!(
        attrs(&html, ".neighbours a.newer", "href"),
        ["../articles/91d6d82d5f0f2529"]
    );
    let html = get(&app, "/articles/91d6d82d5f0f2529").await.html();
    assert_eq!(
        attrs(&html, ".neighbours a.older", "href"),
        ["../articles/cf3dbfa4259b4b62"]
    );
    assert!(attrs(&html, ".neighbours a.newer", "href").is_empty());
}

#[tokio::test]
async fn ids_with_any_characters_link_and_resolve() {
    let app = router(
        vec![entry("خبر-عاجل", None, "خبر"), entry("a b?c", None, "ب")],
        None,
    );
    let html = get(&app, "/").await.html();
    for href in attrs(&html, ".entry-title", "href") {
        assert!(href.is_ascii(), "{href}");
        let reply = get(&app, &resolve("/", &href)).await;
        assert_eq!(reply.status, StatusCode::OK, "{href}");
    }
}

/// A dump's text is shown as text: nothing in it becomes markup, wherever it is shown.
#[tokio::test]
async fn whatever_a_dump_holds_is_shown_literally() {
    let evil = hostile();
    let app = router(vec![evil.clone()], None);
    let no_markup = |html: &scraper::Html, page: &str| {
        for tag in [
            "script",
            "b",
            "i",
            "img",
            "a[href^='javascript']",
            "h1 a",
            ".body ul",
            ".body h1",
        ] {
            assert!(
                texts(html, tag).is_empty() && attrs(html, tag, "src").is_empty(),
                "{page}: found {tag}"
            );
        }
    };

    let article = get(&app, "/articles/hostile").await;
    assert_eq!(article.status, StatusCode::OK);
    let html = article.html();
    no_markup(&html, "article");
    let a = &evil.article;
    assert_eq!(texts(&html, "h1"), [a.title.as_str()]);
    assert_eq!(texts(&html, ".subtitle"), [a.subtitle.as_deref().unwrap()]);
    assert_eq!(texts(&html, "figcaption bdi"), [a.captions[0].as_str()]);
    assert_eq!(texts(&html, ".dateline bdi.place"), ["<b>مكان</b>"]);
    assert_eq!(
        texts(&html, ".dateline bdi.author"),
        ["[x](javascript:alert(1))"]
    );
    assert_eq!(texts(&html, ".hijri bdi"), ["<script>alert(2)</script>"]);
    assert_eq!(texts(&html, ".body p"), a.body);
    assert!(texts(&html, "title")[0].starts_with("<script>alert(1)</script> & <b>عريض</b>"));
    // The archivist's Markdown is rendered, its raw HTML and javascript: link are not.
    assert_eq!(texts(&html, ".note strong"), ["مهم"]);
    assert!(
        texts(&html, ".note p")
            .iter()
            .any(|p| p.contains("<script>alert(4)</script>"))
    );
    assert!(
        texts(&html, ".note p")
            .iter()
            .any(|p| p.contains("<b>وسم</b>"))
    );
    assert!(attrs(&html, ".note a", "href").is_empty());
    // In the raw bytes too: the only `<script` is escaped.
    assert!(!article.body.contains("<script"));
    assert!(!article.body.contains("<b>"));

    let index = get(&app, "/").await.html();
    no_markup(&index, "index");
    assert_eq!(texts(&index, ".entry-title"), [a.title.as_str()]);
    assert_eq!(
        texts(&index, ".outlet"),
        [a.publication.as_deref().unwrap()]
    );

    let source = get(&app, "/articles/hostile/source").await;
    assert_eq!(source.content_type(), "text/plain; charset=utf-8");
    assert_eq!(source.header("x-content-type-options"), "nosniff");
    assert_eq!(source.body, evil.text);
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

/// A verbatim duplicate dropped by the build keeps its permanent link: it redirects to the
/// copy that is served, page and source alike.
#[tokio::test]
async fn a_dropped_duplicate_redirects_to_the_kept_copy() {
    let archive = arshif::archive::Archive::from_entries(common::seeds(), None).with_threads(
        Vec::new(),
        [("0ddba11".to_string(), "4873890e38737cc0".to_string())].into(),
    );
    let app = arshif::web::app(arshif::web::AppState::new(
        archive,
        arshif::web::Config::default(),
    ));
    let page = get(&app, "/articles/0ddba11").await;
    assert_eq!(page.status, StatusCode::PERMANENT_REDIRECT);
    let target = resolve("/articles/0ddba11", page.header("location"));
    assert_eq!(target, "/articles/4873890e38737cc0");
    assert_eq!(get(&app, &target).await.status, StatusCode::OK);
    let source = get(&app, "/articles/0ddba11/source").await;
    assert_eq!(source.status, StatusCode::PERMANENT_REDIRECT);
    assert_eq!(
        resolve("/articles/0ddba11/source", source.header("location")),
        "/articles/4873890e38737cc0/source"
    );
}
