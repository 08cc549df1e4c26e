//! The kept responses (`web::http::response_cache`): a page sent from memory is the page the handlers
//! render, byte for byte and header for header, in every coding; what depends on the request
//! is never shared between requests that differ; memory stays within its budget; a new site
//! starts with none of the old one's pages.

mod common;

use arshif::archive::{Archive, Entry};
use arshif::web::{AppState, Config, Site, app};
use axum::Router;
use axum::http::{Method, StatusCode};
use common::*;

fn entries() -> Vec<Entry> {
    let mut entries = seeds();
    entries.extend((0..60).map(|i| entry(&format!("n{i:02}"), Some("2014-01-01"), "مقال")));
    entries
}

fn state(budget: u64, config: Config) -> AppState {
    let archive = Archive::from_entries(entries(), Some(ABOUT.into()));
    // One time for every site the tests compare: a site is otherwise modified when it is
    // made, and two made across a second's boundary differ in `Last-Modified`.
    let built = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_442_400_000);
    let site = Site::new(archive, None).modified_at(built);
    AppState::with_site(site.with_response_cache(budget), config)
}

/// Every kind of URL, answering 200 or not.
async fn urls(app: &Router) -> Vec<String> {
    let mut urls = page_urls(app).await;
    urls.extend(
        [
            "/page/2?order=oldest",
            "/static/fonts/noto-naskh-arabic-bold.woff2",
            "/static/icon.svg",
            "/healthz",
            "/page/1",
            "/?order=sideways",
            "/no/such/page",
        ]
        .map(String::from),
    );
    urls
}

#[tokio::test]
async fn a_kept_response_is_the_rendered_one() {
    let kept = app(state(64 << 20, Config::default()));
    let rendered = app(state(0, Config::default()));
    for uri in urls(&kept).await {
        for accept in [
            "identity",
            "gzip",
            "br",
            "gzip, deflate, br",
            "br;q=0.1, gzip",
        ] {
            for method in [Method::GET, Method::HEAD] {
                let h = [("accept-encoding", accept)];
                // The first request fills the cache; the second is answered from it.
                let _ = send(&kept, method.clone(), &uri, &h).await;
                let from_memory = send(&kept, method.clone(), &uri, &h).await;
                let fresh = send(&rendered, method.clone(), &uri, &h).await;
                let what = format!("{method} {uri} ({accept})");
                assert_eq!(from_memory.status, fresh.status, "{what}");
                assert_eq!(from_memory.headers, fresh.headers, "{what}");
                assert_eq!(from_memory.bytes, fresh.bytes, "{what}");
            }
        }
    }
}

#[tokio::test]
async fn pages_are_kept_and_errors_are_not() {
    let state = state(64 << 20, Config::default());
    let app = app(state.clone());
    let kept = || state.site().responses.len();
    assert_eq!(kept(), 0);
    get(&app, "/about").await;
    assert_eq!(kept(), 1);
    // The same target, in any coding or as HEAD, is the same kept response.
    send(&app, Method::GET, "/about", &[("accept-encoding", "br")]).await;
    send(&app, Method::HEAD, "/about", &[]).await;
    assert_eq!(kept(), 1);
    // A HEAD first renders (and keeps) the GET response.
    send(&app, Method::HEAD, "/page/2", &[]).await;
    assert_eq!(kept(), 2);
    assert_eq!(
        get(&app, "/page/2").await.header("content-length"),
        send(&app, Method::HEAD, "/page/2", &[])
            .await
            .header("content-length")
    );
    // Errors, redirects, and the health check (a 200 that must never be stored).
    for uri in [
        "/no/such/page",
        "/page/1",
        "/?order=sideways",
        "/articles/missing",
        "/healthz",
    ] {
        let status = get(&app, uri).await.status;
        assert_eq!(kept(), 2, "{uri} ({status}) was kept");
    }
    let reply = send(&app, Method::POST, "/about", &[]).await;
    assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(kept(), 2);
}

#[tokio::test]
async fn memory_stays_within_the_budget() {
    let budget = 256 * 1024;
    let state = state(budget, Config::default());
    let app = app(state.clone());
    let page = get(&app, "/page/2").await.bytes.len();
    // Each query string is its own target (the index ignores `probe`).
    for i in 0..200 {
        let reply = get(&app, &format!("/page/2?probe={i}")).await;
        assert_eq!(reply.status, StatusCode::OK);
    }
    let kept = state.site().responses.len();
    let most = usize::try_from(budget).unwrap() / page;
    assert!(
        kept > 0 && kept <= most,
        "{kept} pages of {page} bytes kept"
    );
}

#[tokio::test]
async fn a_trusted_proxy_s_address_is_part_of_the_key() {
    let config = Config {
        trust_proxy: true,
        ..Config::default()
    };
    let app = app(state(64 << 20, config));
    for _ in 0..2 {
        for host in ["a.example.org", "b.example.org"] {
            let reply = send(&app, Method::GET, "/about", &[("x-forwarded-host", host)]).await;
            assert_eq!(
                attrs(&reply.html(), "link[rel=canonical]", "href"),
                [format!("http://{host}/about")]
            );
        }
    }
}

#[tokio::test]
async fn a_new_site_brings_no_old_page() {
    let state = state(64 << 20, Config::default());
    let app = app(state.clone());
    let before = get(&app, "/about").await;
    assert!(before.body.contains("المصادر"));
    assert_eq!(state.site().responses.len(), 1);
    state.replace(Site::new(
        Archive::from_entries(entries(), Some("أرشيف جديد".into())),
        None,
    ));
    assert_eq!(state.site().responses.len(), 0);
    let after = get(&app, "/about").await;
    assert!(after.body.contains("أرشيف جديد"), "{}", after.body);
    assert_ne!(after.header("etag"), before.header("etag"));
}

/// Article pages say the day they were retrieved (their citation): no kept page outlives its
/// day.
#[tokio::test]
async fn kept_pages_last_a_day() {
    let state = state(64 << 20, Config::default());
    let app = app(state.clone());
    let day = || {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
            / 86_400
    };
    // The request renews the cache on the server's own clock: a request that straddles
    // midnight UTC may have kept its page under either day, so it is asked again.
    let today = loop {
        let before = day();
        let _ = get(&app, "/articles/cf3dbfa4259b4b62").await;
        let after = day();
        if before == after {
            break after;
        }
    };
    let site = state.site();
    assert!(!site.responses.is_empty());
    site.responses.renew_daily(today);
    assert!(!site.responses.is_empty(), "the same day keeps them");
    site.responses.renew_daily(today + 1);
    assert!(site.responses.is_empty(), "the next day starts afresh");
}
