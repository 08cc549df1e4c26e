//! The feed, the sitemaps, robots.txt and link previews, as a crawler or a feed reader gets
//! them: XML parsed with a real parser, HTML with scraper, all under a sub-path public address.

mod common;

use std::collections::BTreeSet;

use arshif::web::Config;
use axum::Router;
use axum::http::{Method, StatusCode};
use common::{attrs, entry, get, hostile, resolve, router_with, seeds, send};

const BASE: &str = "https://example.org/archive/";
const ATOM: &str = "http://www.w3.org/2005/Atom";
const SITEMAP: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";
const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

fn config() -> Config {
    Config {
        base_url: Some(BASE.parse().unwrap()),
        ..Config::default()
    }
}

/// The seeds, an article with every field hostile, and one updated after it was published.
fn entries() -> Vec<arshif::archive::Entry> {
    let mut all = seeds();
    all.push(hostile());
    let mut updated = entry("later", Some("2015-09-20T09:05"), "خبر حُدّث لاحقًا");
    updated.article.updated = "2015-09-21T10:00".parse().ok();
    all.push(updated);
    all
}

fn app() -> Router {
    router_with(entries(), Some(common::ABOUT), config())
}

/// The text of the one child of `node` named `name` in namespace `ns`.
fn child_text<'a>(node: roxmltree::Node<'a, '_>, ns: &str, name: &str) -> &'a str {
    let found: Vec<_> = node
        .children()
        .filter(|c| c.has_tag_name((ns, name)))
        .collect();
    assert_eq!(found.len(), 1, "one {name} in {:?}", node.tag_name());
    found[0].text().unwrap_or_default()
}

fn children<'a, 'i>(
    node: roxmltree::Node<'a, 'i>,
    ns: &str,
    name: &str,
) -> Vec<roxmltree::Node<'a, 'i>> {
    node.children()
        .filter(|c| c.has_tag_name((ns, name)))
        .collect()
}

/// The `href` of `node`'s link with `rel`.
fn link<'a>(node: roxmltree::Node<'a, '_>, rel: &str) -> &'a str {
    let found: Vec<_> = children(node, ATOM, "link")
        .into_iter()
        .filter(|l| l.attribute("rel").unwrap_or("alternate") == rel)
        .collect();
    assert_eq!(found.len(), 1, "one {rel} link");
    found[0].attribute("href").unwrap()
}

fn is_rfc3339(s: &str) -> bool {
    regex::Regex::new(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
        .unwrap()
        .is_match(s)
}

#[tokio::test]
async fn the_feed_is_atom_with_every_dated_article() {
    let reply = get(&app(), "/feed.xml").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.content_type(), "application/atom+xml; charset=utf-8");
    let doc = roxmltree::Document::parse(&reply.body).unwrap();
    let feed = doc.root_element();
    assert!(feed.has_tag_name((ATOM, "feed")));
    assert_eq!(feed.attribute((XML_NS, "lang")), Some("ar"));
    assert_eq!(child_text(feed, ATOM, "id"), format!("{BASE}feed.xml"));
    assert_eq!(link(feed, "self"), format!("{BASE}feed.xml"));
    assert_eq!(link(feed, "alternate"), BASE);
    assert!(!child_text(feed, ATOM, "title").is_empty());
    // The newest change of any entry.
    assert_eq!(child_text(feed, ATOM, "updated"), "2015-09-21T10:00:00Z");

    let mut ids = Vec::new();
    for e in children(feed, ATOM, "entry") {
        let id = child_text(e, ATOM, "id");
        assert_eq!(link(e, "alternate"), id);
        assert!(id.starts_with(&format!("{BASE}articles/")), "{id}");
        assert!(!child_text(e, ATOM, "title").is_empty());
        assert!(is_rfc3339(child_text(e, ATOM, "updated")));
        assert!(is_rfc3339(child_text(e, ATOM, "published")));
        ids.push(id.strip_prefix(&format!("{BASE}articles/")).unwrap());
    }
    // Dated only, newest first; the three undated seeds are not there.
    assert_eq!(
        ids,
        ["later", "91d6d82d5f0f2529", "hostile", "cf3dbfa4259b4b62"]
    );
}

#[tokio::test]
async fn feed_entries_carry_dates_author_and_full_text() {
    let reply = get(&app(), "/feed.xml").await;
    let doc = roxmltree::Document::parse(&reply.body).unwrap();
    let entry = |id: &str| {
        children(doc.root_element(), ATOM, "entry")
            .into_iter()
            .find(|e| child_text(*e, ATOM, "id").ends_with(id))
            .unwrap()
    };

    let pentagon = entry("91d6d82d5f0f2529");
    assert_eq!(
        child_text(pentagon, ATOM, "published"),
        "2015-09-18T16:41:00Z"
    );
    assert_eq!(
        child_text(pentagon, ATOM, "updated"),
        "2015-09-18T16:41:00Z"
    );
    let later = entry("later");
    assert_eq!(child_text(later, ATOM, "published"), "2015-09-20T09:05:00Z");
    assert_eq!(child_text(later, ATOM, "updated"), "2015-09-21T10:00:00Z");

    // The writer when known, else the byline's outlet; none when the record has neither.
    let author = |e| {
        children(e, ATOM, "author")
            .first()
            .map(|a| child_text(*a, ATOM, "name").to_owned())
    };
    assert_eq!(
        author(entry("cf3dbfa4259b4b62")).as_deref(),
        Some("المحرر السياسي")
    );
    assert_eq!(
        author(pentagon).as_deref(),
        Some("وكالة الصحافة الفرنسية (أ ف ب)")
    );
    assert_eq!(author(later), None);

    // Hostile text is text at every level: the title as written, and the body's markup
    // still text once the content's HTML is parsed.
    let h = entry("hostile");
    assert_eq!(child_text(h, ATOM, "title"), hostile().article.title);
    let content = children(h, ATOM, "content")[0];
    assert_eq!(content.attribute("type"), Some("html"));
    let html = scraper::Html::parse_fragment(content.text().unwrap());
    let paragraphs = common::texts(&html, "p");
    assert_eq!(paragraphs.len(), hostile().article.body.len());
    assert_eq!(paragraphs[3], "<script>alert(3)</script>");
    assert_eq!(paragraphs[4], "AT&T <b>bold</b> &amp; &lt;");
    assert!(common::texts(&html, "script, b").is_empty());
}

#[tokio::test]
async fn feed_ids_survive_a_rebuild() {
    // Two archives built separately from the same records, entries given in another order.
    let mut reversed = entries();
    reversed.reverse();
    let a = get(&app(), "/feed.xml").await;
    let b = get(
        &router_with(reversed, Some(common::ABOUT), config()),
        "/feed.xml",
    )
    .await;
    assert_eq!(a.body, b.body);
}

#[tokio::test]
async fn without_a_public_address_there_is_no_feed_or_sitemap() {
    let app = router_with(entries(), None, Config::default());
    for path in ["/feed.xml", "/sitemap.xml", "/sitemaps/1.xml"] {
        let reply = send(&app, Method::GET, path, &[("host", "evil.example")]).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{path}");
    }
    let html = get(&app, "/").await.html();
    assert!(attrs(&html, "link[type='application/atom+xml']", "href").is_empty());
    let robots = get(&app, "/robots.txt").await;
    assert_eq!(
        robots.body.lines().collect::<Vec<_>>(),
        ["User-agent: *", "Disallow: /search"]
    );
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_feed_uses_its_address() {
    let app = router_with(
        entries(),
        None,
        Config {
            trust_proxy: true,
            ..Config::default()
        },
    );
    let proxy = [
        ("host", "127.0.0.1:8080"),
        ("x-forwarded-proto", "https"),
        ("x-forwarded-host", "example.org"),
        ("x-forwarded-prefix", "/archive"),
    ];
    let reply = send(&app, Method::GET, "/feed.xml", &proxy).await;
    assert_eq!(reply.status, StatusCode::OK);
    let doc = roxmltree::Document::parse(&reply.body).unwrap();
    assert_eq!(
        child_text(doc.root_element(), ATOM, "id"),
        format!("{BASE}feed.xml")
    );
    let robots = send(&app, Method::GET, "/robots.txt", &proxy).await;
    assert!(robots.body.contains("Disallow: /archive/search\n"));
}

#[tokio::test]
async fn every_page_links_to_the_feed() {
    let app = app();
    for path in [
        "/",
        "/?order=oldest",
        "/about",
        "/articles/cf3dbfa4259b4b62",
    ] {
        let reply = get(&app, path).await;
        let hrefs = attrs(
            &reply.html(),
            "head link[rel=alternate][type='application/atom+xml']",
            "href",
        );
        assert_eq!(hrefs.len(), 1, "{path}");
        assert_eq!(resolve(path, &hrefs[0]), "/feed.xml", "{path}");
    }
}

/// The `<loc>`s of a urlset, with their `<lastmod>`.
fn urlset(xml: &str) -> Vec<(String, Option<String>)> {
    let doc = roxmltree::Document::parse(xml).unwrap();
    let root = doc.root_element();
    assert!(root.has_tag_name((SITEMAP, "urlset")), "{xml}");
    children(root, SITEMAP, "url")
        .into_iter()
        .map(|u| {
            let lastmod = children(u, SITEMAP, "lastmod")
                .first()
                .map(|l| l.text().unwrap().to_owned());
            (child_text(u, SITEMAP, "loc").to_owned(), lastmod)
        })
        .collect()
}

#[tokio::test]
async fn the_sitemap_lists_every_page_once() {
    let app = app();
    let reply = get(&app, "/sitemap.xml").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.content_type(), "application/xml; charset=utf-8");
    let urls = urlset(&reply.body);
    let locs: Vec<&str> = urls.iter().map(|(l, _)| l.as_str()).collect();
    assert_eq!(
        locs.iter().collect::<BTreeSet<_>>().len(),
        locs.len(),
        "a URL listed twice"
    );
    for loc in &locs {
        assert!(loc.starts_with(BASE), "{loc}");
    }
    for e in entries() {
        let loc = format!("{BASE}articles/{}", e.article.id);
        assert!(locs.contains(&loc.as_str()), "{loc} missing");
    }
    // Index pages (newest first, 50 a page: one page) and about; no other order's copies.
    assert!(locs.contains(&BASE));
    assert!(locs.contains(&format!("{BASE}about").as_str()));
    assert_eq!(locs.len(), entries().len() + 2);
    let lastmod = |id: &str| {
        urls.iter()
            .find(|(l, _)| l.ends_with(id))
            .unwrap()
            .1
            .clone()
    };
    assert_eq!(
        lastmod("later").as_deref(),
        Some("2015-09-21T10:00:00Z"),
        "updated wins"
    );
    assert_eq!(
        lastmod("cf3dbfa4259b4b62").as_deref(),
        Some("2015-09-16T00:00:00Z")
    );
    assert_eq!(lastmod("4873890e38737cc0"), None, "undated");

    // Every URL it lists answers.
    for loc in &locs {
        let path = format!("/{}", loc.strip_prefix(BASE).unwrap());
        assert_eq!(get(&app, &path).await.status, StatusCode::OK, "{path}");
    }
    // One sitemap is enough: it has no parts.
    assert_eq!(
        get(&app, "/sitemaps/1.xml").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_big_sitemap_is_split_into_an_index_of_parts() {
    // 7 articles at 2 a page: 4 index pages, about, 7 articles = 12 URLs; 5 a part = 3 parts.
    let small = Config {
        per_page: 2,
        sitemap_limit: 5,
        ..config()
    };
    let app = router_with(entries(), Some(common::ABOUT), small.clone());
    let whole = router_with(
        entries(),
        Some(common::ABOUT),
        Config {
            sitemap_limit: 1000,
            ..small
        },
    );
    let expected: BTreeSet<String> = urlset(&get(&whole, "/sitemap.xml").await.body)
        .into_iter()
        .map(|(l, _)| l)
        .collect();
    assert_eq!(expected.len(), 12);

    let reply = get(&app, "/sitemap.xml").await;
    assert_eq!(reply.content_type(), "application/xml; charset=utf-8");
    let doc = roxmltree::Document::parse(&reply.body).unwrap();
    let root = doc.root_element();
    assert!(root.has_tag_name((SITEMAP, "sitemapindex")));
    let parts: Vec<String> = children(root, SITEMAP, "sitemap")
        .into_iter()
        .map(|s| child_text(s, SITEMAP, "loc").to_owned())
        .collect();
    assert_eq!(
        parts,
        (1..=3)
            .map(|n| format!("{BASE}sitemaps/{n}.xml"))
            .collect::<Vec<_>>()
    );

    let mut seen = Vec::new();
    for part in &parts {
        let path = format!("/{}", part.strip_prefix(BASE).unwrap());
        let reply = get(&app, &path).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}");
        let urls = urlset(&reply.body);
        assert!(
            !urls.is_empty() && urls.len() <= 5,
            "{path}: {}",
            urls.len()
        );
        seen.extend(urls.into_iter().map(|(l, _)| l));
    }
    assert_eq!(seen.len(), expected.len(), "a URL in two parts");
    assert_eq!(seen.into_iter().collect::<BTreeSet<_>>(), expected);

    for missing in [
        "/sitemaps/4.xml",
        "/sitemaps/0.xml",
        "/sitemaps/01.xml",
        "/sitemaps/1",
        "/sitemaps/x.xml",
        "/sitemaps/99999999999999999999999.xml",
    ] {
        assert_eq!(
            get(&app, missing).await.status,
            StatusCode::NOT_FOUND,
            "{missing}"
        );
    }
}

#[tokio::test]
async fn robots_txt_keeps_crawlers_off_search_and_names_the_sitemap() {
    let reply = get(&app(), "/robots.txt").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.content_type(), "text/plain; charset=utf-8");
    let lines: Vec<&str> = reply.body.lines().filter(|l| !l.is_empty()).collect();
    assert_eq!(
        lines,
        [
            "User-agent: *",
            "Disallow: /archive/search",
            "Sitemap: https://example.org/archive/sitemap.xml",
        ]
    );
}

/// `content` of the one `<meta>` whose `attr` (`property` or `name`) is `key`.
fn meta(html: &scraper::Html, attr: &str, key: &str) -> Option<String> {
    let found = attrs(html, &format!("head meta[{attr}='{key}']"), "content");
    assert!(found.len() <= 1, "{key} twice");
    found.into_iter().next()
}

#[tokio::test]
async fn article_pages_have_link_previews() {
    let app = app();
    let html = get(&app, "/articles/91d6d82d5f0f2529").await.html();
    let og = |k: &str| meta(&html, "property", k);
    let url = format!("{BASE}articles/91d6d82d5f0f2529");
    assert_eq!(
        attrs(&html, "link[rel=canonical]", "href"),
        std::slice::from_ref(&url)
    );
    assert_eq!(og("og:url"), Some(url));
    assert_eq!(og("og:type").as_deref(), Some("article"));
    assert_eq!(og("og:locale").as_deref(), Some("ar_AR"));
    assert_eq!(og("og:site_name").as_deref(), Some("أرشيف"));
    let title = "البنتاغون يعلن عن محادثات عسكرية حول سوريا بين الولايات المتحدة وروسيا";
    assert_eq!(og("og:title").as_deref(), Some(title));
    assert_eq!(
        og("article:published_time").as_deref(),
        Some("2015-09-18T16:41:00Z")
    );
    assert_eq!(og("article:modified_time"), None);
    let first = &seeds()[4].article.body[0];
    let description = og("og:description").unwrap();
    assert_eq!(&description, first, "a short first paragraph is whole");
    assert_eq!(
        meta(&html, "name", "twitter:card").as_deref(),
        Some("summary")
    );
    assert_eq!(meta(&html, "name", "twitter:title").as_deref(), Some(title));
    assert_eq!(
        meta(&html, "name", "twitter:description"),
        Some(description)
    );

    // A long first paragraph is cut at a word, and an update is the modified time.
    let mut long = entry("long", Some("2015-09-20"), "طويل");
    long.article.body = vec!["كلمة طويلة نسبيًا ".repeat(30)];
    long.article.updated = "2015-09-22T07:30".parse().ok();
    let app = router_with(vec![long.clone()], None, config());
    let html = get(&app, "/articles/long").await.html();
    let description = meta(&html, "property", "og:description").unwrap();
    assert!(description.chars().count() <= 200, "{description}");
    let kept = description.strip_suffix('…').unwrap();
    assert!(long.article.body[0].starts_with(&format!("{kept} ")));
    assert_eq!(
        meta(&html, "property", "article:modified_time").as_deref(),
        Some("2015-09-22T07:30:00Z")
    );
    assert_eq!(
        meta(&html, "property", "article:published_time").as_deref(),
        Some("2015-09-20T00:00:00Z")
    );
}

#[tokio::test]
async fn index_and_about_have_basic_previews() {
    let app = app();
    for (path, url) in [
        ("/", BASE.to_owned()),
        ("/about", format!("{BASE}about")),
        ("/?order=oldest", format!("{BASE}?order=oldest")),
    ] {
        let html = get(&app, path).await.html();
        let og = |k: &str| meta(&html, "property", k);
        assert_eq!(og("og:url"), Some(url), "{path}");
        assert_eq!(og("og:type").as_deref(), Some("website"), "{path}");
        assert_eq!(og("og:locale").as_deref(), Some("ar_AR"), "{path}");
        assert_eq!(og("og:site_name").as_deref(), Some("أرشيف"), "{path}");
        assert!(!og("og:title").unwrap().is_empty(), "{path}");
        assert!(!og("og:description").unwrap().is_empty(), "{path}");
        assert_eq!(og("article:published_time"), None, "{path}");
    }
}

#[tokio::test]
async fn a_spoofed_host_changes_nothing() {
    let app = app();
    let spoof = [
        ("host", "evil.example"),
        ("x-forwarded-host", "evil.example"),
        ("x-forwarded-proto", "http"),
        ("x-forwarded-prefix", "/evil"),
    ];
    for path in [
        "/",
        "/about",
        "/articles/91d6d82d5f0f2529",
        "/feed.xml",
        "/sitemap.xml",
        "/robots.txt",
    ] {
        let plain = get(&app, path).await;
        let spoofed = send(&app, Method::GET, path, &spoof).await;
        assert_eq!(plain.status, StatusCode::OK, "{path}");
        assert_eq!(plain.body, spoofed.body, "{path}");
        assert!(!spoofed.body.contains("evil"), "{path}");
    }
    // With no public address configured, no URL is made from the request either.
    let app = router_with(entries(), None, Config::default());
    let html = send(&app, Method::GET, "/articles/91d6d82d5f0f2529", &spoof)
        .await
        .html();
    assert_eq!(meta(&html, "property", "og:url"), None);
    assert!(attrs(&html, "link[rel=canonical]", "href").is_empty());
    assert_eq!(
        meta(&html, "property", "og:type").as_deref(),
        Some("article")
    );
}
