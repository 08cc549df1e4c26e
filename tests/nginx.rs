//! The archive behind Debian's real nginx, configured by `deploy/nginx.conf` (ports and paths
//! swapped for temporary ones), under `/archive/`, with two arshif instances upstream.
//!
//! One test, because it is one setup: crawl every link of every page through the proxy and
//! find none broken; the feed, the sitemap and robots.txt name the public sub-path addresses,
//! and each URL they list answers; a 304 passes through; gzip and brotli arrive; killing one instance while
//! requests keep coming loses none of them. `#[ignore]`d because it needs nginx, which
//! `.ci/run` installs; a missing nginx fails the test, never skips it. Everything listens on
//! 127.0.0.1 and every process is stopped by its PID, on panic too.

mod common;

use std::collections::{BTreeSet, VecDeque};
use std::path::Path;
use std::time::Duration;

use common::nginx::{
    Client, free_port, main_configuration, start_nginx_on_a_free_port, start_nginx_on_one_of,
    tempdir,
};
use common::process;
use common::{attrs, gunzip, resolve, unbrotli};

/// `deploy/nginx.conf` with the example's ports and cache folder swapped for the test's,
/// inside a main configuration that keeps every file nginx writes in `dir`.
fn configuration(dir: &Path, port: u16, upstreams: [&str; 2]) -> String {
    let deploy = Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/nginx.conf");
    let mut site = std::fs::read_to_string(deploy).unwrap();
    let cache = dir.join("cache");
    for (from, to) in [
        (
            "server 127.0.0.1:8080 ",
            format!("server {} ", upstreams[0]),
        ),
        (
            "server 127.0.0.1:8081 ",
            format!("server {} ", upstreams[1]),
        ),
        ("/var/cache/nginx/arshif", cache.display().to_string()),
        ("listen 80;", format!("listen 127.0.0.1:{port};")),
    ] {
        assert!(
            site.contains(from),
            "deploy/nginx.conf no longer has {from:?}"
        );
        site = site.replace(from, &to);
    }
    main_configuration(dir, &site, "")
}

#[test]
#[ignore = "needs nginx"]
fn the_archive_works_behind_nginx_under_a_sub_path() {
    let dir = tempdir();
    let build = dir.path().join("build");
    process::build(&process::articles(), &build);
    let mut a = process::serve_built(&build, &["--trust-proxy"]);
    let mut b = process::serve_built(&build, &["--trust-proxy"]);
    let (mut nginx, port) = start_nginx_on_a_free_port(dir.path(), |port| {
        configuration(dir.path(), port, [a.addr(), b.addr()])
    });
    let client = Client::new(format!("http://127.0.0.1:{port}"));

    // Up when the health check answers through it.
    nginx.wait_until_up(&client, "/archive/healthz");

    // `/archive` is sent to `/archive/` by nginx itself.
    let bare = client.get("/archive", &[]);
    assert_eq!(bare.status, 301);
    assert!(
        bare.header("location").ends_with("/archive/"),
        "{:?}",
        bare.headers
    );

    // The crawl: every link of every page, as a browser would resolve it.
    let mut queue = VecDeque::from(["/archive/".to_owned()]);
    let mut seen = BTreeSet::from(["/archive/".to_owned()]);
    while let Some(path) = queue.pop_front() {
        let mut reply = client.get(&path, &[]);
        let mut url = path.clone();
        if reply.status == 308 || reply.status == 301 {
            url = resolve(&path, reply.header("location"));
            assert!(url.starts_with("/archive/"), "{path} redirects out: {url}");
            reply = client.get(&url, &[]);
        }
        assert_eq!(reply.status, 200, "{url}");
        if !reply.header("content-type").starts_with("text/html") {
            continue;
        }
        let html = scraper::Html::parse_document(&reply.text());
        // Behind a trusted proxy, each page names its public address, in its link preview too.
        let public = format!("{}{url}", client.origin);
        assert_eq!(
            attrs(&html, "link[rel=canonical]", "href"),
            std::slice::from_ref(&public),
            "{url}"
        );
        assert_eq!(
            attrs(&html, "meta[property='og:url']", "content"),
            [public],
            "{url}"
        );
        for href in attrs(&html, "a[href], link[href]:not([rel=canonical])", "href") {
            if href.starts_with("https:") || href.starts_with('#') {
                continue;
            }
            let target = resolve(&url, &href);
            assert!(
                target.starts_with("/archive/"),
                "{url}: {href} leaves /archive/"
            );
            if seen.insert(target.clone()) {
                queue.push_back(target);
            }
        }
    }
    // Index both ways, 5 articles and their sources, about, CSS, font, licence, icon, and the
    // pages by year, month, publication and agency.
    assert!(
        seen.len() >= 16,
        "only {} URLs reached: {seen:?}",
        seen.len()
    );
    assert!(seen.iter().any(|u| u.starts_with("/archive/articles/")));
    assert!(seen.iter().any(|u| u.starts_with("/archive/static/style.")));
    assert!(
        seen.contains("/archive/feed.xml"),
        "no page links to the feed"
    );

    // The feed, the sitemap and robots.txt: absolute URLs under the public sub-path, each of
    // which answers through the proxy.
    let public = format!("{}/archive/", client.origin);
    let answers = |absolute: &str| {
        let path = absolute
            .strip_prefix(&client.origin)
            .unwrap_or_else(|| panic!("{absolute} is not on {}", client.origin));
        assert!(path.starts_with("/archive/"), "{absolute}");
        assert_eq!(client.get(path, &[]).status, 200, "{absolute}");
    };
    let feed = client.get("/archive/feed.xml", &[]);
    assert_eq!(feed.status, 200);
    assert_eq!(
        feed.header("content-type"),
        "application/atom+xml; charset=utf-8"
    );
    let feed = feed.text();
    let feed = roxmltree::Document::parse(&feed).unwrap();
    let atom_ids: Vec<&str> = feed
        .descendants()
        .filter(|n| n.has_tag_name(("http://www.w3.org/2005/Atom", "id")))
        .filter_map(|n| n.text())
        .collect();
    assert_eq!(atom_ids[0], format!("{public}feed.xml"));
    assert!(
        atom_ids.len() >= 2,
        "the seeds' dated articles: {atom_ids:?}"
    );
    for id in &atom_ids[1..] {
        assert!(id.starts_with(&format!("{public}articles/")), "{id}");
        answers(id);
    }
    let sitemap = client.get("/archive/sitemap.xml", &[]);
    assert_eq!(sitemap.status, 200);
    let sitemap = sitemap.text();
    let sitemap = roxmltree::Document::parse(&sitemap).unwrap();
    let locs: Vec<&str> = sitemap
        .descendants()
        .filter(|n| n.has_tag_name(("http://www.sitemaps.org/schemas/sitemap/0.9", "loc")))
        .filter_map(|n| n.text())
        .collect();
    // Article pages: not their sources, records or references.
    let articles = seen
        .iter()
        .filter(|u| {
            u.starts_with("/archive/articles/")
                && !u.ends_with("/source")
                && !u.rsplit('/').next().unwrap().contains('.')
        })
        .count();
    assert_eq!(
        locs.iter().filter(|l| l.contains("/articles/")).count(),
        articles
    );
    for loc in &locs {
        answers(loc);
    }
    let robots = client.get("/archive/robots.txt", &[]).text();
    assert!(robots.contains("Disallow: /archive/search\n"), "{robots}");
    assert!(
        robots.contains(&format!("Sitemap: {public}sitemap.xml")),
        "{robots}"
    );
    // The pages by period and by source are linked, so crawled.
    for facet in [
        "/archive/2015/",
        "/archive/2015/09/",
        "/archive/publications",
        "/archive/agencies",
    ] {
        assert!(seen.contains(facet), "{facet} not reached: {seen:?}");
    }
    assert!(
        seen.iter()
            .any(|u| u.starts_with("/archive/publications/%"))
    );

    // Search: the form sends the query under the sub-path, and every result leads to its
    // article there. Results are the reader's to cache, not the proxy's.
    let front = scraper::Html::parse_document(&client.get("/archive/", &[]).text());
    let action = resolve(
        "/archive/",
        &attrs(&front, "form[role=search]", "action")[0],
    );
    assert_eq!(action, "/archive/search");
    let query = format!("{action}?q=%D8%B3%D9%88%D8%B1%D9%8A%D8%A7");
    let results = client.get(&query, &[]);
    assert_eq!(results.status, 200);
    assert!(results.header("cache-control").starts_with("private"));
    let html = scraper::Html::parse_document(&results.text());
    let hits = attrs(&html, ".results .entry-title", "href");
    assert_eq!(hits.len(), 5, "سوريا finds the five seeds");
    for href in hits {
        let target = resolve(&query, &href);
        assert_eq!(client.get(&target, &[]).status, 200, "{target}");
    }
    assert_ne!(client.get(&query, &[]).header("x-cache-status"), "HIT");

    // Revalidation passes through nginx, and the proxy caches pages.
    let about = client.get("/archive/about", &[]);
    let etag = about.header("etag").to_owned();
    assert!(etag.starts_with('"'), "{:?}", about.headers);
    assert_eq!(
        client.get("/archive/about", &[]).header("x-cache-status"),
        "HIT"
    );
    for _ in 0..2 {
        let again = client.get("/archive/about", &[("if-none-match", &etag)]);
        assert_eq!(again.status, 304, "{:?}", again.headers);
        assert!(again.bytes.is_empty());
    }
    let since = about.header("last-modified").to_owned();
    let again = client.get("/archive/about", &[("if-modified-since", &since)]);
    assert_eq!(again.status, 304);

    // Compressed bodies arrive as arshif made them and decode to the page.
    for (encoding, decode) in [("gzip", gunzip as fn(&[u8]) -> Vec<u8>), ("br", unbrotli)] {
        let reply = client.get("/archive/about", &[("accept-encoding", encoding)]);
        assert_eq!(reply.status, 200);
        assert_eq!(reply.header("content-encoding"), encoding);
        assert!(
            reply
                .header("vary")
                .to_ascii_lowercase()
                .contains("accept-encoding")
        );
        assert_eq!(decode(&reply.bytes), about.bytes, "{encoding}");
    }
    let page = client.get("/archive/", &[]);
    assert!(!page.header("content-security-policy").is_empty());

    // One instance dies while readers keep asking: every request is answered (each query
    // string is a cache miss, so each reaches an upstream).
    for i in 0..120 {
        if i == 40 {
            b.signal(libc::SIGKILL);
        }
        let reply = client.get(&format!("/archive/?probe={i}"), &[]);
        assert_eq!(reply.status, 200, "request {i} lost");
    }
    b.wait(Duration::from_secs(10));

    // The dead instance was tried and the request retried on the other.
    let log = std::fs::read_to_string(&nginx.error_log).unwrap();
    assert!(
        log.lines()
            .any(|l| l.contains("upstream") && l.contains(b.addr())),
        "nginx never met the dead upstream {}: {log}",
        b.addr()
    );

    let status = nginx.stop();
    assert!(status.success(), "nginx exited with {status}");
    a.signal(libc::SIGTERM);
    assert!(a.wait(Duration::from_secs(10)).success());
}

/// A port found free and taken before nginx binds it (by another test's server, or as a
/// connection's local port) costs a retry on another port, not the test.
#[test]
#[ignore = "needs nginx"]
fn a_port_taken_before_nginx_binds_it_is_tried_no_more() {
    let dir = tempdir();
    let holder = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let taken = holder.local_addr().unwrap().port();
    let site = |port: u16| {
        let server =
            format!("server {{ listen 127.0.0.1:{port}; location / {{ return 200 \"ok\\n\"; }} }}");
        main_configuration(dir.path(), &server, "")
    };
    let (nginx, port) = start_nginx_on_one_of(dir.path(), [taken, free_port()], site);
    assert_ne!(port, taken);
    let client = Client::new(format!("http://127.0.0.1:{port}"));
    nginx.wait_until_up(&client, "/");
    assert_eq!(client.get("/", &[]).text(), "ok\n");
    drop(holder);
}
