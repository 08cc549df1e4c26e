//! The site over HTTP, in-process: every route's status and content type, the index's order
//! and pages, the article page, escaping of whatever a dump holds, and error pages.

mod common;

use std::collections::{BTreeSet, VecDeque};

use axum::http::{Method, StatusCode};
use common::*;

const HTML: &str = "text/html; charset=utf-8";

fn ids_in_order(html: &scraper::Html, selector: &str) -> Vec<String> {
    attrs(html, selector, "href")
        .into_iter()
        .map(|h| h.rsplit('/').next().unwrap().to_owned())
        .collect()
}

#[test]
fn resolve_follows_browser_rules() {
    assert_eq!(resolve("/page/2", "../"), "/");
    assert_eq!(
        resolve("/page/2", "../page/3?order=oldest"),
        "/page/3?order=oldest"
    );
    assert_eq!(resolve("/", "./"), "/");
    assert_eq!(resolve("/", "./articles/a"), "/articles/a");
    assert_eq!(resolve("/articles/a", "../static/x.css"), "/static/x.css");
    assert_eq!(resolve("/a/b/c", "../../"), "/");
}

#[tokio::test]
async fn every_route_answers_with_its_status_and_type() {
    let app = router(seeds(), Some(ABOUT));
    let cases: &[(&str, u16, &str)] = &[
        ("/", 200, HTML),
        ("/?order=oldest", 200, HTML),
        ("/?order=newest", 200, HTML),
        ("/?utm_source=x", 200, HTML),
        ("/articles/cf3dbfa4259b4b62", 200, HTML),
        (
            "/articles/cf3dbfa4259b4b62/source",
            200,
            "text/plain; charset=utf-8",
        ),
        ("/about", 200, HTML),
        ("/static/style.css", 200, "text/css; charset=utf-8"),
        (
            "/static/fonts/noto-naskh-arabic-regular.woff2",
            200,
            "font/woff2",
        ),
        ("/static/fonts/OFL.txt", 200, "text/plain; charset=utf-8"),
        ("/page/1", 308, ""),
        ("/?page=1", 308, ""),
        ("/page/2", 404, HTML),
        ("/page/0", 404, HTML),
        ("/page/abc", 404, HTML),
        ("/page/-1", 404, HTML),
        ("/page/99999999999999999999999999", 404, HTML),
        ("/?page=2", 404, HTML),
        ("/?page=0", 400, HTML),
        ("/?page=abc", 400, HTML),
        ("/?order=sideways", 400, HTML),
        ("/articles/missing", 404, HTML),
        ("/articles/missing/source", 404, HTML),
        ("/articles/", 404, HTML),
        ("/articles/cf3dbfa4259b4b62/", 404, HTML),
        ("/static/missing.css", 404, HTML),
        ("/static/style.0000000000.css", 404, HTML),
        ("/no/such/page", 404, HTML),
        ("/about/", 404, HTML),
    ];
    for &(uri, status, content_type) in cases {
        let reply = get(&app, uri).await;
        assert_eq!(reply.status.as_u16(), status, "{uri}");
        if !content_type.is_empty() {
            assert_eq!(reply.content_type(), content_type, "{uri}");
        }
    }
}

#[tokio::test]
async fn head_is_answered_and_other_methods_are_refused_in_arabic() {
    let app = router(seeds(), None);
    let head = request(&app, Method::HEAD, "/articles/cf3dbfa4259b4b62").await;
    assert_eq!(head.status, StatusCode::OK);
    assert_eq!(head.content_type(), HTML);
    assert!(head.body.is_empty());

    let post = request(&app, Method::POST, "/").await;
    assert_eq!(post.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(post.content_type(), HTML);
    assert!(post.header("allow").contains("GET"), "{:?}", post.headers);
    let html = post.html();
    assert_eq!(attrs(&html, "html", "dir"), ["rtl"]);
    assert_eq!(texts(&html, "h1"), ["طريقة غير مسموح بها"]);
}

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

/// `n` articles, `n000` oldest; dated ones a day apart (28-day months keep it simple).
fn numbered(n: usize, dated: bool) -> Vec<arshif::archive::Entry> {
    (0..n)
        .map(|i| {
            let published = format!(
                "{}-{:02}-{:02}",
                2000 + i / 336,
                1 + i / 28 % 12,
                1 + i % 28
            );
            entry(
                &format!("n{i:03}"),
                dated.then_some(published.as_str()),
                &format!("مقال {i}"),
            )
        })
        .collect()
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

#[tokio::test]
async fn about_page_renders_the_archivists_markdown() {
    let app = router(seeds(), Some(ABOUT));
    let html = get(&app, "/about").await.html();
    assert_eq!(texts(&html, "h1"), ["عن الأرشيف"]);
    assert_eq!(texts(&html, "main h2"), ["المصادر"]);
    assert_eq!(
        texts(&html, "main li"),
        ["العرب اليوم", "المغرب اليوم", "الوسط"]
    );
    assert_eq!(
        texts(&html, ".stats"),
        ["يضمّ الأرشيف الآن 5 مقالات، منها 2 معروفة التاريخ."]
    );

    let hostile_about = "<script>alert(1)</script>\n\n[x](javascript:alert(1))";
    let app = router(seeds(), Some(hostile_about));
    let reply = get(&app, "/about").await;
    let html = reply.html();
    assert!(texts(&html, "script").is_empty());
    assert!(attrs(&html, "main a", "href").is_empty());
    assert!(!reply.body.contains("<script"));

    let app = router(seeds(), None);
    let html = get(&app, "/about").await.html();
    assert_eq!(texts(&html, "h1"), ["عن الأرشيف"]);
    assert_eq!(texts(&html, "main p").len(), 2);
}

#[tokio::test]
async fn not_found_is_an_arabic_rtl_page_with_working_links() {
    let app = router(seeds(), None);
    for uri in [
        "/nothing",
        "/articles/nothing",
        "/a/b/c/d",
        "/page/9",
        "/static/nothing.css",
    ] {
        let reply = get(&app, uri).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{uri}");
        assert_eq!(reply.content_type(), HTML, "{uri}");
        assert_eq!(reply.header("cache-control"), "no-store", "{uri}");
        let html = reply.html();
        assert_eq!(attrs(&html, "html", "lang"), ["ar"], "{uri}");
        assert_eq!(attrs(&html, "html", "dir"), ["rtl"], "{uri}");
        assert_eq!(texts(&html, "h1"), ["الصفحة غير موجودة"], "{uri}");
        assert_eq!(texts(&html, ".error-status"), ["404"], "{uri}");
        // Relative links from any depth still reach the site.
        for href in attrs(&html, "link[rel=stylesheet], main a", "href") {
            let target = resolve(uri, &href);
            assert_eq!(
                get(&app, &target).await.status,
                StatusCode::OK,
                "{uri}: {href}"
            );
        }
    }
    let bad = get(&app, "/?order=sideways").await;
    assert_eq!(texts(&bad.html(), "h1"), ["طلب غير مفهوم"]);
}

#[tokio::test]
async fn static_files_are_cached_by_name() {
    let app = router(seeds(), None);
    let html = get(&app, "/").await.html();
    let css = attrs(&html, "link[rel=stylesheet]", "href");
    assert_eq!(css.len(), 1);
    assert!(
        css[0].starts_with("./static/style.") && css[0].ends_with(".css"),
        "{css:?}"
    );
    let hashed = get(&app, &resolve("/", &css[0])).await;
    assert_eq!(hashed.status, StatusCode::OK);
    assert_eq!(
        hashed.header("cache-control"),
        "public, max-age=31536000, immutable"
    );
    // The stylesheet's fonts are also hashed names that resolve.
    let font_urls: Vec<&str> = hashed
        .body
        .split("url(\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap())
        .collect();
    assert_eq!(font_urls.len(), 2, "{font_urls:?}");
    let css_path = resolve("/", &css[0]);
    for url in font_urls {
        let font = get(&app, &resolve(&css_path, url)).await;
        assert_eq!(font.status, StatusCode::OK, "{url}");
        assert_eq!(font.content_type(), "font/woff2");
        assert_eq!(
            font.header("cache-control"),
            "public, max-age=31536000, immutable"
        );
    }
    let plain = get(&app, "/static/style.css").await;
    assert_eq!(plain.header("cache-control"), "public, max-age=300");
    assert_eq!(plain.body, hashed.body);
}

/// Follows every link of the site from the front page: none is broken. Relative links are
/// resolved as a browser would, so this also proves the site hangs together under any prefix.
#[tokio::test]
async fn every_link_on_every_page_works() {
    let mut entries = seeds();
    entries.extend(numbered(60, true));
    entries.push(hostile());
    let app = router(entries, Some(ABOUT));
    let mut queue = VecDeque::from(["/".to_owned()]);
    let mut seen = BTreeSet::from(["/".to_owned()]);
    while let Some(path) = queue.pop_front() {
        let reply = get(&app, &path).await;
        let reply = if reply.status == StatusCode::PERMANENT_REDIRECT {
            get(&app, &resolve(&path, reply.header("location"))).await
        } else {
            reply
        };
        assert_eq!(reply.status, StatusCode::OK, "{path}");
        if reply.content_type() != HTML {
            continue;
        }
        let html = reply.html();
        for href in attrs(&html, "a[href], link[href]", "href") {
            if href.starts_with("https:") || href.starts_with("#") {
                continue;
            }
            let target = resolve(&path, &href);
            if seen.insert(target.clone()) {
                queue.push_back(target);
            }
        }
    }
    // Two index pages each way, 66 articles and their sources, about, CSS, two fonts, licence.
    assert!(seen.len() > 66 * 2 + 4, "only {} pages reached", seen.len());
    assert!(seen.contains("/page/2?order=oldest"));
}

/// An archive built from a folder of dumps (whatever the parser makes of them) serves every
/// article it holds.
#[tokio::test]
async fn a_built_folder_is_served() {
    let dir = tempfile::tempdir().unwrap();
    // Two different articles: the build serves an article scraped twice only once.
    let dump = |title: &str| {
        format!(
            "{title}\n\nقال وزير الزراعة في مؤتمر صحافي اليوم إن الخطة الجديدة ستدخل حيز التنفيذ مطلع الشهر المقبل.\n\n{title}: هذا ما قالته النقابات في بيان صدر بعد ظهر اليوم عن مكاتبها في العاصمة.\n"
        )
    };
    std::fs::write(
        dir.path().join("001_aa.txt"),
        dump("الحكومة تقر خطة لدعم المزارعين"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("002_bb.txt"),
        dump("نقابات المزارعين ترحب بخطة الحكومة"),
    )
    .unwrap();
    std::fs::write(dir.path().join("about.md"), "# أرشيفنا\n").unwrap();
    let (archive, _) = arshif::archive::build(dir.path()).unwrap();
    let app = arshif::web::app(arshif::web::AppState::new(
        archive,
        arshif::web::Config::default(),
    ));
    let html = get(&app, "/").await.html();
    let hrefs = attrs(&html, ".entry-title", "href");
    assert_eq!(hrefs, ["./articles/aa", "./articles/bb"]);
    for href in hrefs {
        assert_eq!(get(&app, &resolve("/", &href)).await.status, StatusCode::OK);
    }
    assert_eq!(
        texts(&get(&app, "/about").await.html(), "main h1"),
        ["عن الأرشيف", "أرشيفنا"]
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
