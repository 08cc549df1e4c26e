//! The site as a well-behaved HTTP service, in-process: validators and 304s, HEAD,
//! compression, caching and security headers, the health check, absolute URLs from the
//! configured address or a trusted proxy only, and the limits.

mod common;

use std::time::{Duration, SystemTime};

use arshif::archive::{Archive, Entry};
use arshif::web::{AppState, Config, Site, app};
use axum::Router;
use axum::http::{Method, StatusCode};
use common::*;

/// Seeds, enough more for a second index page, and the about page.
fn entries() -> Vec<Entry> {
    let mut entries = seeds();
    entries.extend((0..50).map(|i| entry(&format!("n{i:02}"), Some("2014-01-01"), "مقال")));
    entries
}

fn site() -> Router {
    router(entries(), Some(ABOUT))
}

fn site_with(config: Config) -> Router {
    router_with(entries(), Some(ABOUT), config)
}

const BROWSER_HEADERS: [&str; 4] = [
    "content-security-policy",
    "x-content-type-options",
    "referrer-policy",
    "x-frame-options",
];

#[tokio::test]
async fn every_page_has_a_strong_etag_and_last_modified() {
    let app = site();
    for uri in page_urls(&app).await {
        let reply = get(&app, &uri).await;
        assert_eq!(reply.status, StatusCode::OK, "{uri}");
        let etag = reply.header("etag");
        assert!(
            etag.starts_with('"') && etag.ends_with('"') && etag.len() > 10,
            "{uri}: {etag:?} is not a strong tag"
        );
        let last_modified = httpdate::parse_http_date(reply.header("last-modified"));
        assert!(last_modified.is_ok(), "{uri}: {:?}", reply.headers);
        // Computed from the bytes: asking again gives the same tag.
        assert_eq!(get(&app, &uri).await.header("etag"), etag, "{uri}");
    }
}

#[tokio::test]
async fn if_none_match_gives_304_only_for_the_current_tag() {
    let app = site();
    for uri in page_urls(&app).await {
        let full = get(&app, &uri).await;
        let etag = full.header("etag");
        for method in [Method::GET, Method::HEAD] {
            let reply = send(&app, method.clone(), &uri, &[("if-none-match", etag)]).await;
            assert_eq!(reply.status, StatusCode::NOT_MODIFIED, "{method} {uri}");
            assert!(reply.bytes.is_empty(), "{uri}");
            // A 304 carries what a cache needs to refresh its copy.
            for name in ["etag", "cache-control", "last-modified"] {
                assert_eq!(reply.header(name), full.header(name), "{uri}: {name}");
            }
            for name in BROWSER_HEADERS {
                assert!(!reply.header(name).is_empty(), "{uri}: {name}");
            }
        }
        let listed = format!("\"nope\", W/{etag}");
        let reply = send(&app, Method::GET, &uri, &[("if-none-match", &listed)]).await;
        assert_eq!(reply.status, StatusCode::NOT_MODIFIED, "{uri}: {listed}");
        let reply = send(&app, Method::GET, &uri, &[("if-none-match", "\"other\"")]).await;
        assert_eq!(reply.status, StatusCode::OK, "{uri}");
        assert_eq!(reply.bytes, full.bytes, "{uri}");
    }
}

#[tokio::test]
async fn if_modified_since_gives_304_from_the_archive_time_on() {
    let built = SystemTime::UNIX_EPOCH + Duration::from_secs(1_442_400_000);
    let site = Site::new(Archive::from_entries(entries(), Some(ABOUT.into())), None);
    let app = app(AppState::with_site(
        site.modified_at(built),
        Config::default(),
    ));
    let date = |t: SystemTime| httpdate::fmt_http_date(t);
    for uri in page_urls(&app).await {
        let full = get(&app, &uri).await;
        assert_eq!(full.header("last-modified"), date(built), "{uri}");
        let ims = async |t| {
            let since = date(t);
            send(&app, Method::GET, &uri, &[("if-modified-since", &since)])
                .await
                .status
        };
        assert_eq!(ims(built).await, StatusCode::NOT_MODIFIED, "{uri}");
        let later = built + Duration::from_secs(60);
        assert_eq!(ims(later).await, StatusCode::NOT_MODIFIED, "{uri}");
        let earlier = built - Duration::from_secs(1);
        assert_eq!(ims(earlier).await, StatusCode::OK, "{uri}");
        // If-None-Match decides when both are sent.
        let both = [
            ("if-modified-since", date(later)),
            ("if-none-match", "\"other\"".into()),
        ];
        let both: Vec<(&str, &str)> = both.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(
            send(&app, Method::GET, &uri, &both).await.status,
            StatusCode::OK,
            "{uri}"
        );
        let garbage = [("if-modified-since", "yesterday")];
        assert_eq!(
            send(&app, Method::GET, &uri, &garbage).await.status,
            StatusCode::OK
        );
    }
}

#[tokio::test]
async fn the_etag_follows_the_content() {
    let one = site();
    let same = site();
    let other = router(seeds(), None);
    for uri in ["/", "/about"] {
        let tag = get(&one, uri).await.header("etag").to_owned();
        // Two instances serving the same archive agree (two upstreams behind one proxy).
        assert_eq!(get(&same, uri).await.header("etag"), tag, "{uri}");
        assert_ne!(get(&other, uri).await.header("etag"), tag, "{uri}");
    }
}

#[tokio::test]
async fn head_is_get_without_the_body() {
    let app = site();
    let mut uris = page_urls(&app).await;
    uris.extend(["/healthz".into(), "/no/such/page".into(), "/page/1".into()]);
    for uri in uris {
        for encoding in ["identity", "gzip", "br"] {
            let h = [("accept-encoding", encoding)];
            let get = send(&app, Method::GET, &uri, &h).await;
            let head = send(&app, Method::HEAD, &uri, &h).await;
            assert_eq!(head.status, get.status, "{uri}");
            assert!(head.bytes.is_empty(), "{uri}");
            let mut get_headers = get.headers.clone();
            let mut head_headers = head.headers.clone();
            // A streamed (compressed) GET has no length; HEAD may know it or not.
            get_headers.remove("content-length");
            head_headers.remove("content-length");
            assert_eq!(head_headers, get_headers, "{uri} {encoding}");
        }
    }
}

#[tokio::test]
async fn gzip_and_brotli_by_accept_encoding() {
    let app = site();
    let mut uris = page_urls(&app).await;
    uris.push("/no/such/page".into());
    for uri in uris {
        let plain = send(&app, Method::GET, &uri, &[("accept-encoding", "identity")]).await;
        assert_eq!(plain.header("content-encoding"), "", "{uri}");
        assert_eq!(plain.header("vary"), "accept-encoding", "{uri}");
        for (accept, encoding, decode) in [
            ("gzip", "gzip", gunzip as fn(&[u8]) -> Vec<u8>),
            ("br", "br", unbrotli),
            ("gzip, deflate, br", "br", unbrotli),
            ("gzip;q=1, br;q=0.5", "gzip", gunzip),
        ] {
            let reply = send(&app, Method::GET, &uri, &[("accept-encoding", accept)]).await;
            assert_eq!(reply.status, plain.status, "{uri}");
            assert_eq!(reply.header("content-encoding"), encoding, "{uri} {accept}");
            assert_eq!(reply.header("vary"), "accept-encoding", "{uri}");
            assert_eq!(decode(&reply.bytes), plain.bytes, "{uri} {accept}");
            if plain.status == StatusCode::OK {
                // Other bytes, another strong tag, and each revalidates on its own.
                let tag = plain.header("etag").trim_end_matches('"');
                assert_eq!(reply.header("etag"), format!("{tag}-{encoding}\""));
                let again = [
                    ("accept-encoding", accept),
                    ("if-none-match", reply.header("etag")),
                ];
                let again = send(&app, Method::GET, &uri, &again).await;
                assert_eq!(again.status, StatusCode::NOT_MODIFIED, "{uri} {accept}");
                assert_eq!(again.header("vary"), "accept-encoding");
                assert_eq!(again.header("etag"), reply.header("etag"));
                let cross = [
                    ("accept-encoding", "identity"),
                    ("if-none-match", reply.header("etag")),
                ];
                let cross = send(&app, Method::GET, &uri, &cross).await;
                assert_eq!(cross.status, StatusCode::OK, "{uri} {accept}");
            }
        }
    }
}

#[tokio::test]
async fn fonts_are_not_compressed_again() {
    let app = site();
    let font = "/static/fonts/noto-naskh-arabic-regular.woff2";
    let reply = send(&app, Method::GET, font, &[("accept-encoding", "gzip, br")]).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.header("content-encoding"), "");
}

#[tokio::test]
async fn security_headers_on_every_response() {
    let app = site();
    let mut uris = page_urls(&app).await;
    uris.extend([
        "/healthz".into(),
        "/no/such/page".into(),
        "/?order=sideways".into(),
        "/page/1".into(),
        format!("/{}", "a".repeat(9000)),
    ]);
    let mut replies = Vec::new();
    for uri in &uris {
        replies.push((uri.clone(), get(&app, uri).await));
    }
    replies.push(("POST /".into(), request(&app, Method::POST, "/").await));
    for (uri, reply) in replies {
        let csp = reply.header("content-security-policy");
        assert!(csp.contains("default-src 'none'"), "{uri}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{uri}: {csp}");
        assert!(!csp.contains("unsafe"), "{uri}: {csp}");
        assert_eq!(reply.header("x-content-type-options"), "nosniff", "{uri}");
        assert_eq!(reply.header("referrer-policy"), "same-origin", "{uri}");
        assert_eq!(reply.header("x-frame-options"), "DENY", "{uri}");
    }
}

/// The policy allows no inline style or script, so the pages must not need any.
#[tokio::test]
async fn pages_need_nothing_the_policy_forbids() {
    let mut all = entries();
    all.push(hostile());
    let app = router(all, Some(ABOUT));
    for uri in [
        "/",
        "/page/2",
        "/articles/cf3dbfa4259b4b62",
        "/articles/hostile",
        "/about",
        "/nothing",
    ] {
        let reply = get(&app, uri).await;
        let html = reply.html();
        assert!(texts(&html, "script, style").is_empty(), "{uri}");
        assert!(attrs(&html, "[style]", "style").is_empty(), "{uri}");
        let every = scraper::Selector::parse("*").unwrap();
        for node in html.select(&every) {
            for (name, _) in node.value().attrs() {
                assert!(!name.starts_with("on"), "{uri}: {name}");
            }
        }
    }
}

#[tokio::test]
async fn healthz_is_plain_and_never_cached() {
    let app = site();
    for method in [Method::GET, Method::HEAD] {
        let reply = request(&app, method.clone(), "/healthz").await;
        assert_eq!(reply.status, StatusCode::OK);
        assert_eq!(reply.content_type(), "text/plain; charset=utf-8");
        assert_eq!(reply.header("cache-control"), "no-store");
        assert_eq!(reply.header("etag"), "");
        if method == Method::GET {
            assert_eq!(reply.body, "ok\n");
        }
    }
    // An empty archive is still healthy: the server only listens once it is loaded.
    assert_eq!(
        get(&router(vec![], None), "/healthz").await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn page_max_age_comes_from_the_config() {
    let app = site_with(Config {
        max_age: 60,
        ..Config::default()
    });
    let css = resolve(
        "/",
        &attrs(&get(&app, "/").await.html(), "link[rel=stylesheet]", "href")[0],
    );
    for (uri, cache_control) in [
        ("/", "public, max-age=60"),
        ("/articles/cf3dbfa4259b4b62", "public, max-age=60"),
        ("/articles/cf3dbfa4259b4b62/source", "public, max-age=60"),
        ("/about", "public, max-age=60"),
        ("/page/1", "public, max-age=60"),
        ("/static/style.css", "public, max-age=60"),
        (css.as_str(), "public, max-age=31536000, immutable"),
        ("/nothing", "no-store"),
        ("/healthz", "no-store"),
    ] {
        assert_eq!(
            get(&app, uri).await.header("cache-control"),
            cache_control,
            "{uri}"
        );
    }
}

fn canonical(reply: &Reply) -> Vec<String> {
    attrs(&reply.html(), "link[rel=canonical]", "href")
}

#[tokio::test]
async fn canonical_links_come_from_the_base_url() {
    let base = "https://example.org/archive/";
    let app = site_with(Config {
        base_url: Some(base.parse().unwrap()),
        ..Config::default()
    });
    for (uri, expected) in [
        ("/", ""),
        ("/?utm_source=x", ""),
        ("/?order=newest", ""),
        ("/?order=oldest", "?order=oldest"),
        ("/page/2", "page/2"),
        ("/page/2?order=oldest&x=1", "page/2?order=oldest"),
        ("/articles/cf3dbfa4259b4b62", "articles/cf3dbfa4259b4b62"),
        ("/about", "about"),
    ] {
        let reply = get(&app, uri).await;
        assert_eq!(reply.status, StatusCode::OK);
        assert_eq!(canonical(&reply), [format!("{base}{expected}")], "{uri}");
    }
    // An id is written one way, however the request spelled it.
    let app_odd = router_with(
        vec![entry("خبر", None, "خبر")],
        None,
        Config {
            base_url: Some(base.parse().unwrap()),
            ..Config::default()
        },
    );
    let reply = get(&app_odd, "/articles/%d8%ae%d8%a8%d8%b1").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        canonical(&reply),
        [format!("{base}articles/%D8%AE%D8%A8%D8%B1")]
    );
    // Error pages name no canonical address.
    assert!(canonical(&get(&app, "/nothing").await).is_empty());
}

#[tokio::test]
async fn without_a_base_url_or_trusted_proxy_there_is_no_canonical() {
    let app = site();
    for uri in ["/", "/articles/cf3dbfa4259b4b62", "/about"] {
        assert!(canonical(&get(&app, uri).await).is_empty(), "{uri}");
    }
}

const FORWARDED: [(&str, &str); 4] = [
    ("host", "127.0.0.1:8080"),
    ("x-forwarded-proto", "https"),
    ("x-forwarded-host", "example.org"),
    ("x-forwarded-prefix", "/archive"),
];

#[tokio::test]
async fn forwarded_headers_count_only_with_trust_proxy() {
    let uri = "/articles/cf3dbfa4259b4b62";
    let untrusting = site();
    let plain = get(&untrusting, uri).await;
    let forwarded = send(&untrusting, Method::GET, uri, &FORWARDED).await;
    assert!(canonical(&forwarded).is_empty());
    assert_eq!(forwarded.bytes, plain.bytes);

    let trusting = site_with(Config {
        trust_proxy: true,
        ..Config::default()
    });
    let reply = send(&trusting, Method::GET, uri, &FORWARDED).await;
    assert_eq!(
        canonical(&reply),
        ["https://example.org/archive/articles/cf3dbfa4259b4b62"]
    );
    // Only Host: what the proxy passed on.
    let reply = send(&trusting, Method::GET, uri, &FORWARDED[..1]).await;
    assert_eq!(
        canonical(&reply),
        ["http://127.0.0.1:8080/articles/cf3dbfa4259b4b62"]
    );
    // A malformed header makes no address rather than a strange one.
    let bad = [("host", "a.org"), ("x-forwarded-prefix", "//evil.org")];
    assert!(canonical(&send(&trusting, Method::GET, uri, &bad).await).is_empty());

    // The configured address beats the headers.
    let both = site_with(Config {
        trust_proxy: true,
        base_url: Some("https://archive.example.net/".parse().unwrap()),
        ..Config::default()
    });
    let reply = send(&both, Method::GET, uri, &FORWARDED).await;
    assert_eq!(
        canonical(&reply),
        ["https://archive.example.net/articles/cf3dbfa4259b4b62"]
    );
}

/// Whatever Host or X-Forwarded-* a client sends, an untrusting server's pages are the same
/// bytes (nothing for a shared cache to be poisoned with).
#[tokio::test]
async fn a_spoofed_host_changes_no_link() {
    let spoofed = [
        ("host", "evil.example"),
        ("x-forwarded-host", "evil.example"),
        ("x-forwarded-proto", "https"),
        ("x-forwarded-prefix", "/evil"),
        ("forwarded", "host=evil.example;proto=https"),
    ];
    for config in [
        Config::default(),
        Config {
            base_url: Some("https://example.org/archive/".parse().unwrap()),
            ..Config::default()
        },
    ] {
        let app = site_with(config);
        for uri in page_urls(&app).await {
            let plain = get(&app, &uri).await;
            let reply = send(&app, Method::GET, &uri, &spoofed).await;
            assert_eq!(reply.bytes, plain.bytes, "{uri}");
            assert_eq!(reply.header("etag"), plain.header("etag"), "{uri}");
            assert!(!reply.body.contains("evil"), "{uri}");
        }
        for uri in ["/page/1", "/?page=2"] {
            let reply = send(&app, Method::GET, uri, &spoofed).await;
            assert_eq!(reply.status, StatusCode::PERMANENT_REDIRECT);
            assert!(!reply.header("location").contains("evil"), "{uri}");
        }
    }
}

#[tokio::test]
async fn redirects_stay_relative_so_a_prefix_survives() {
    let app = site_with(Config {
        base_url: Some("https://example.org/archive/".parse().unwrap()),
        ..Config::default()
    });
    for (uri, location) in [("/page/1", "../"), ("/?page=2", "./page/2")] {
        let reply = get(&app, uri).await;
        assert_eq!(reply.status, StatusCode::PERMANENT_REDIRECT);
        assert_eq!(reply.header("location"), location);
        assert_eq!(reply.header("cache-control"), "public, max-age=300");
    }
}

#[tokio::test]
async fn over_long_uris_get_414_and_bodies_413() {
    let app = site();
    let limit = arshif::web::http::limits::MAX_URI_BYTES;
    let long = format!("/{}", "a".repeat(limit));
    let reply = get(&app, &long).await;
    assert_eq!(reply.status, StatusCode::URI_TOO_LONG);
    assert_eq!(reply.content_type(), "text/html; charset=utf-8");
    assert_eq!(texts(&reply.html(), "h1"), ["الرابط أطول من اللازم"]);
    let query = format!("/?{}", "x=1&".repeat(limit / 4));
    assert_eq!(get(&app, &query).await.status, StatusCode::URI_TOO_LONG);
    // Just under the limit is an ordinary miss.
    let fits = format!("/{}", "a".repeat(limit - 1));
    assert_eq!(get(&app, &fits).await.status, StatusCode::NOT_FOUND);

    let big = (arshif::web::http::limits::MAX_BODY_BYTES + 1).to_string();
    let reply = send(&app, Method::POST, "/", &[("content-length", &big)]).await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(texts(&reply.html(), "h1"), ["الطلب أكبر من اللازم"]);
}
