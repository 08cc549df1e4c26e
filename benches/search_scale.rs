//! Build and query figures on a generated corpus (issue 6's workload), not run by default:
//!
//! ```sh
//! python3 ../shared/bench/gen_corpus.py 2000 /tmp/gc/articles
//! ARSHIF_TRUTH=/tmp/gc/truth.jsonl cargo bench --bench search_scale
//! ```
//!
//! Entries are made from the generator's truth file (its true titles, dates and bodies), so
//! the figures are the index's and the threads', without the parser.

use std::time::{Duration, Instant};

use arshif::Article;
use arshif::archive::{Entry, threads};
use arshif::parse::Date;
use arshif::search::{SearchIndex, build_index};

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

fn main() {
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
    let queries = [
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
    let mut times: Vec<Duration> = Vec::new();
    for round in 0..20 {
        for (k, q) in queries.iter().enumerate() {
            let t = Instant::now();
            let r = index.search(q, round % 3, 10).unwrap();
            times.push(t.elapsed());
            if round == 0 {
                eprintln!(
                    "  {q}: {} hits, {:.2} ms",
                    r.total,
                    times[k].as_secs_f64() * 1e3
                );
            }
        }
    }
    times.sort();
    let at = |p: f64| times[((times.len() - 1) as f64 * p) as usize].as_secs_f64() * 1e3;
    eprintln!(
        "search: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        at(0.5),
        at(0.99),
        at(1.0)
    );

    let t = Instant::now();
    let threads = threads::group(&entries);
    let took = t.elapsed();
    let mut sizes: Vec<usize> = threads.threads.iter().map(Vec::len).collect();
    sizes.sort_unstable_by(|a, b| b.cmp(a));
    eprintln!(
        "threads: {:.2} s, {} threads holding {} articles, largest {:?}, {} verbatim duplicates",
        took.as_secs_f64(),
        threads.threads.len(),
        threads.thread_of.len(),
        &sizes[..sizes.len().min(8)],
        threads.duplicates.len()
    );
    assert!(sizes.first().is_none_or(|&s| s <= threads::MAX_THREAD));
}
