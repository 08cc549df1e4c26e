//! What one request costs in-process (the router driven by `tower::ServiceExt::oneshot`, no
//! socket): an article page and index pages 1 and 2,000, rendered each time (page cache
//! off) and sent from the page cache, as identity and as brotli, beside a bare router that
//! returns the same bytes with no layer (the floor); and what making the gzip and
//! brotli bodies of an article page costs (gzip 6 and 9; brotli 5, 9 and 11).
//!
//! ```sh
//! cargo bench --bench render                 # 100,000 made-up articles, 50 a page
//! ARSHIF_BENCH_ARTICLES=10000 cargo bench --bench render
//! ```
//!
//! The articles are made here (a title, a date, four paragraphs), so the figures are the web
//! layer's alone. Compare the lines of one run with each other: the machine is shared.

use std::hint::black_box;

use arshif::Article;
use arshif::archive::{Archive, Entry};
use arshif::parse::Date;
use arshif::web::http::coding::{self, Coding, Levels};
use arshif::web::{AppState, Config, Site, app};
use axum::Router;
use axum::body::Body;
use axum::http::Request;
use criterion::{Criterion, criterion_group, criterion_main};
use http_body_util::BodyExt;
use tower::ServiceExt;

fn archive(n: usize) -> Archive {
    let paragraph = "قال وزير الخارجية إن المحادثات بين البلدين ستتواصل في الأيام المقبلة، \
                     وإن الجانبين اتفقا على مواصلة العمل من أجل التوصل إلى حل سياسي للأزمة.";
    let entries = (0..n)
        .map(|i| {
            let day = 1 + i % 28;
            let month = 1 + (i / 28) % 12;
            let year = 2000 + i / (28 * 12);
            Entry {
                article: Article {
                    id: format!("{i:016x}"),
                    source: format!("{i:05}.txt"),
                    title: format!("عنوان المقال رقم {i} عن المحادثات"),
                    published: Date::ymd(year as i32, month as u32, day as u32),
                    place: Some("بيروت".into()),
                    agency: Some("أ ف ب".into()),
                    body: vec![paragraph.to_owned(); 4],
                    ..Article::default()
                },
                note: None,
                overridden: vec![],
                text: paragraph.repeat(6),
                provenance: Default::default(),
            }
        })
        .collect();
    Archive::from_entries(entries, None)
}

fn router(archive: Archive, budget: u64) -> Router {
    app(AppState::with_site(
        Site::new(archive, None).with_response_cache(budget),
        Config::default(),
    ))
}

async fn fetch(app: &Router, uri: &str, accept: &str) -> usize {
    let request = Request::get(uri)
        .header("accept-encoding", accept)
        .body(Body::empty())
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), 200, "{uri}");
    response
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .len()
}

fn requests(c: &mut Criterion) {
    let n: usize = std::env::var("ARSHIF_BENCH_ARTICLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let last_page = n.div_ceil(50);
    let article = format!("/articles/{:016x}", n / 2);
    let far_page = format!("/page/{}", last_page.min(2000));
    let uris = [
        ("article", article.as_str()),
        ("index 1", "/"),
        ("index 2000", far_page.as_str()),
    ];
    // The floor: a bare router that returns the same article bytes with no layer at all.
    // `kept` minus this is what the layers and the cache lookup cost.
    let article_bytes = runtime.block_on(async {
        let app = router(archive(n.min(1000)), 0);
        let uri = format!("/articles/{:016x}", n.min(1000) / 2);
        let response = app.oneshot(Request::get(uri).body(Body::empty()).unwrap());
        let body = response.await.unwrap().into_body();
        body.collect().await.unwrap().to_bytes()
    });
    let bare = Router::new().route(
        "/articles/{id}",
        axum::routing::get(move || {
            let bytes = article_bytes.clone();
            async move { bytes }
        }),
    );
    c.bench_function("request/bare router/article identity", |b| {
        b.to_async(&runtime)
            .iter(|| async { black_box(fetch(&bare, &article, "identity").await) });
    });
    for (cache, budget) in [("rendered", 0), ("kept", 64 << 20)] {
        let app = router(archive(n), budget);
        let mut group = c.benchmark_group(format!("request/{cache}"));
        for (name, uri) in uris {
            for accept in ["identity", "br"] {
                runtime.block_on(fetch(&app, uri, accept));
                group.bench_function(format!("{name} {accept}"), |b| {
                    b.to_async(&runtime)
                        .iter(|| async { black_box(fetch(&app, uri, accept).await) });
                });
            }
        }
        group.finish();
    }
}

fn encoders(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let app = router(archive(1000), 0);
    let page = runtime.block_on(async {
        let request = Request::get("/articles/00000000000001f4")
            .body(Body::empty())
            .unwrap();
        let response = app.oneshot(request).await.unwrap();
        response.into_body().collect().await.unwrap().to_bytes()
    });
    let mut group = c.benchmark_group(format!("encode {} byte article page", page.len()));
    for (coding, level) in [
        (Coding::Gzip, 6),
        (Coding::Gzip, 9),
        (Coding::Brotli, 5),
        (Coding::Brotli, 9),
        (Coding::Brotli, 11),
    ] {
        let levels = Levels {
            gzip: level,
            brotli: level,
        };
        let size = coding::encode(coding, &page, levels).len();
        group.bench_function(format!("{coding:?} q{level} ({size} bytes)"), |b| {
            b.iter(|| coding::encode(coding, black_box(&page), levels));
        });
    }
    group.finish();
}

criterion_group!(benches, requests, encoders);
criterion_main!(benches);
