//! The site's routes over HTTP, in-process: every route's status and content type, methods,
//! the about page, error pages, static files cached by name, a built folder served, and every
//! link of the site followed.

mod common;

use std::collections::{BTreeSet, VecDeque};

use axum::http::{Method, StatusCode};
use common::*;

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
