//! Build and query figures on a generated corpus (issue 6's workload), not run by default:
//!
//! ```sh
//! python3 ../shared/bench/gen_corpus.py 2000 /tmp/gc/articles
//! ARSHIF_TRUTH=/tmp/gc/truth.jsonl cargo bench --bench search_scale
//! # the queries alone, on the index of an `arshif build` (its `search` folder):
//! ARSHIF_SEARCH_INDEX=/tmp/b/search cargo bench --bench search_scale
//! ARSHIF_SEARCH_INDEX=/tmp/b/search ARSHIF_QUERY=سوريا ARSHIF_ROUNDS=100 ARSHIF_PER_PAGE=10 \
//!     valgrind --tool=callgrind --toggle-collect='*SearchIndex*search*' target/…/search_scale-…
//! ```
//!
//! Entries are made from the generator's truth file (its true titles, dates and bodies), so
//! the figures are the index's and the threads', without the parser. Each query's CPU time
//! (this thread's, from `getrusage`) is printed beside its wall time: on a shared machine the
//! CPU time is the steadier figure.

#[path = "common/cpu.rs"]
mod cpu;

use std::time::{Duration, Instant};

use arshif::Article;
use arshif::archive::{Archive, Entry, compiled, threads};
use arshif::parse::Date;
use arshif::search::{SearchIndex, Total, build_index};

fn entries(truth: &str) -> Vec<Entry> {
    std::fs::read_to_string(truth)
        .expect("ARSHIF_TRUTH names the generator's truth.jsonl")
        .lines()
        .map(|line| {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            let s = |k: &str| v[k].as_str().map(String::from);
            Entry {
                article: Article {
                    id: s("file").unwrap().trim_end_matches(".txt").to_string(),
                    title: s("title").unwrap_or_default(),
                    subtitle: s("subtitle"),
                    published: s("date").and_then(|d| Date::parse(&d).ok()),
                    body: v["body"]
                        .as_array()
                        .map(|a| {
                            a.iter()
                                .filter_map(|p| p.as_str().map(String::from))
                                .collect()
                        })
                        .unwrap_or_default(),
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

const QUERIES: [&str; 17] = [
    "سوريا",
    "لافروف",
    "شويجو",
    "داعش",
    "تنظيم",
    "الاسلامية",
    "\"وزير الخارجية\"",
    "كيري لافروف",
    "البيت الأبيض",
    "الولايات المتحدة",
    "موسكو",
    "بطيخ",
    "!!!",
    "\"الرئيس السوري بشار الأسد\"",
    "أوباما",
    "في",
    "روسيا سوريا داعش",
];

/// Runs the queries (`ARSHIF_QUERY` alone if set) `ARSHIF_ROUNDS` times (default 20) and
/// prints each one's hits, wall and CPU time, then percentiles over all.
fn query(index: &SearchIndex, archive: &Archive) {
    let only = std::env::var("ARSHIF_QUERY").ok();
    let queries: Vec<&str> = match &only {
        Some(q) => vec![q.as_str()],
        None => QUERIES.to_vec(),
    };
    let rounds: usize = std::env::var("ARSHIF_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(20);
    // The server shows `per_page` results (10 unless configured), each with its passage.
    let per_page: usize = std::env::var("ARSHIF_PER_PAGE")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(10);
    let mut times: Vec<Duration> = Vec::new();
    let mut per_query = vec![(Duration::ZERO, Duration::ZERO, Total::Exact(0)); queries.len()];
    for round in 0..rounds {
        for (k, q) in queries.iter().enumerate() {
            let (t, cpu_before) = (Instant::now(), cpu::thread_cpu());
            // The first page most of the time, as readers ask.
            let r = index
                .search(q, usize::from(round % 5 == 4), per_page, archive)
                .unwrap();
            let took = t.elapsed();
            per_query[k].0 += took;
            per_query[k].1 += cpu::thread_cpu() - cpu_before;
            per_query[k].2 = r.total;
            times.push(took);
        }
    }
    for (q, (wall, cpu, total)) in queries.iter().zip(&per_query) {
        eprintln!(
            "  {q}: {total:?} hits, {:.3} ms wall, {:.3} ms CPU a query",
            wall.as_secs_f64() * 1e3 / rounds as f64,
            cpu.as_secs_f64() * 1e3 / rounds as f64
        );
    }
    times.sort();
    let at = |p: f64| times[((times.len() - 1) as f64 * p) as usize].as_secs_f64() * 1e3;
    eprintln!(
        "search: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms (wall)",
        at(0.5),
        at(0.99),
        at(1.0)
    );
}

fn main() {
    if let Ok(dir) = std::env::var("ARSHIF_SEARCH_INDEX") {
        let t = Instant::now();
        let dir = std::path::Path::new(&dir);
        let index = SearchIndex::open(dir).unwrap();
        // The passages are found in the bodies of the archive beside the index.
        let archive = compiled::load(&compiled::path_in(dir.parent().unwrap())).unwrap();
        eprintln!("open: {:.1} ms", t.elapsed().as_secs_f64() * 1e3);
        query(&index, &archive);
        return;
    }
    let truth = std::env::var("ARSHIF_TRUTH").unwrap_or("/tmp/gc/truth.jsonl".into());
    let entries = entries(&truth);
    let n = entries.len();
    let bytes: usize = entries
        .iter()
        .map(|e| e.article.body.iter().map(String::len).sum::<usize>())
        .sum();
    eprintln!("{n} articles, {} MB of body text", bytes >> 20);

    let t = Instant::now();
    let mut terms = 0usize;
    for e in &entries {
        for p in &e.article.body {
            arshif::search::analyzer::for_each_term(p, |_| terms += 1);
        }
    }
    let took = t.elapsed().as_secs_f64();
    eprintln!(
        "analyzer alone, one thread: {terms} terms in {took:.2} s, {:.0} MB/s",
        bytes as f64 / took / 1e6
    );

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("search");
    let t = Instant::now();
    build_index(entries.iter().map(|e| &e.article), &path).unwrap();
    let build = t.elapsed();
    eprintln!(
        "index: {:.2} s, {:.0} articles/s",
        build.as_secs_f64(),
        n as f64 / build.as_secs_f64()
    );

    let t = Instant::now();
    let index = SearchIndex::open(&path).unwrap();
    eprintln!("open: {:.1} ms", t.elapsed().as_secs_f64() * 1e3);
    query(&index, &Archive::from_entries(entries.clone(), None));

    let t = Instant::now();
    let threads = threads::group(&entries);
    let took = t.elapsed();
    let mut sizes: Vec<usize> = threads.threads.iter().map(Vec::len).collect();
    sizes.sort_unstable_by(|a, b| b.cmp(a));
    eprintln!(
        "threads: {:.2} s, {} threads holding {} articles, largest {:?}, {} verbatim duplicates",
        took.as_secs_f64(),
        threads.threads.len(),
        sizes.iter().sum::<usize>(),
        &sizes[..sizes.len().min(8)],
        threads.duplicates.len()
    );
    assert!(sizes.first().is_none_or(|&s| s <= threads::MAX_THREAD));
}
