//! Facet pages of a large archive: what a year's, month's, publication's or agency's page
//! costs against the index page beside it, and against the scan of every entry that the
//! precomputed facets replace. Not run by default:
//!
//! ```sh
//! cargo bench --bench facet_pages            # 100,000 articles
//! ARSHIF_BENCH_N=20000 cargo bench --bench facet_pages
//! ```
//!
//! The archive is made in memory (dates over 20 years, 40 publications, 8 agencies, a tenth
//! undated), so the figures are the web layer's, without the parser. Each page is requested
//! through the whole router, in-process, and the median of its runs is printed beside its
//! ratio to the index's first page.

use std::time::{Duration, Instant};

use arshif::Article;
use arshif::archive::facets::Facets;
use arshif::archive::{Archive, Entry};
use arshif::parse::Date;
use arshif::web::view::links::encode_segment;
use arshif::web::{AppState, Config, app};
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use tower::ServiceExt;

const RUNS: usize = 41;

fn entries(n: usize) -> Vec<Entry> {
    (0..n)
        .map(|i| {
            let published = (i % 10 != 0).then(|| {
                let text = format!(
                    "{}-{:02}-{:02}T{:02}:{:02}",
                    2000 + i % 20,
                    1 + i / 20 % 12,
                    1 + i / 240 % 28,
                    i % 24,
                    i % 60
                );
                Date::parse(&text).expect("a real day")
            });
            Entry {
                article: Article {
                    id: format!("{i:06x}"),
                    source: format!("{i:06}.txt"),
                    title: format!("خبر رقم {i} عن الأحداث في المنطقة"),
                    published,
                    place: Some("بيروت".into()),
                    publication: (i % 3 != 0).then(|| format!("صحيفة {}", i % 40)),
                    agency: (i % 3 == 0).then(|| format!("وكالة {}", i % 8)),
                    body: vec!["نص قصير.".into()],
                    ..Article::default()
                },
                note: None,
                overridden: vec![],
                text: String::new(),
                provenance: Default::default(),
            }
        })
        .collect()
}

async fn median(app: &Router, uri: &str) -> Duration {
    let mut times = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let request = Request::get(uri).body(Body::empty()).unwrap();
        let t = Instant::now();
        let response = app.clone().oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{uri}");
        let body = response.into_body().collect().await.unwrap().to_bytes();
        times.push(t.elapsed());
        assert!(!body.is_empty());
    }
    times.sort();
    times[RUNS / 2]
}

fn main() {
    let n: usize = std::env::var("ARSHIF_BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let t = Instant::now();
    let archive = Archive::from_entries(entries(n), None);
    let load = t.elapsed();
    let dated = archive.dated_oldest_first().len();
    let t = Instant::now();
    let facets = Facets::build(&archive.entries().runs(), dated);
    let build = t.elapsed();
    eprintln!(
        "{n} articles: archive sorted and indexed in {load:.2?}, facets included; the facets \
         alone take {build:.2?} ({:.2} of it), once per load",
        build.as_secs_f64() / load.as_secs_f64()
    );

    // The cost a facet page would have without the facets: one pass over every entry.
    let t = Instant::now();
    let mut scans = 0;
    for _ in 0..RUNS {
        scans += archive
            .entries()
            .iter()
            .filter(|e| e.article.publication.as_deref() == Some("صحيفة 7"))
            .count();
    }
    let scan = t.elapsed() / RUNS as u32;
    assert!(scans > 0);
    drop(facets);

    let publication = encode_segment("صحيفة 7");
    let agency = encode_segment("وكالة 3");
    let last = |count: usize| count.div_ceil(50);
    let archive_pages = last(archive.len());
    let f = archive.facets();
    let year_pages = last(f.year(2007).unwrap().len());
    let publication_pages = last(
        f.source(arshif::archive::facets::Source::Publication, "صحيفة 7")
            .unwrap()
            .len(),
    );
    let pages = [
        ("index, page 1 (the peer)", "/".to_owned()),
        ("index, last page", format!("/page/{archive_pages}")),
        ("year, page 1", "/2007/".to_owned()),
        ("year, last page", format!("/2007/page/{year_pages}")),
        ("month", "/2007/06/".to_owned()),
        (
            "publication, page 1",
            format!("/publications/{publication}"),
        ),
        (
            "publication, last page",
            format!("/publications/{publication}/page/{publication_pages}"),
        ),
        ("agency, page 1", format!("/agencies/{agency}")),
        ("publications overview", "/publications".to_owned()),
    ];

    let app = app(AppState::new(archive, Config::default()));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let peer = median(&app, "/").await;
        println!("{:<28} {:>10} {:>8}", "page", "median", "× peer");
        for (name, uri) in &pages {
            let t = median(&app, uri).await;
            println!(
                "{name:<28} {:>10.2?} {:>8.2}",
                t,
                t.as_secs_f64() / peer.as_secs_f64()
            );
        }
        println!(
            "{:<28} {:>10.2?} {:>8.2}",
            "one scan of every entry",
            scan,
            scan.as_secs_f64() / peer.as_secs_f64()
        );
    });
}
