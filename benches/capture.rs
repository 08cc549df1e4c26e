//! Saved pages against their text dumps: [`arshif::capture::read_html`] on the four real
//! pages under `tests/fixtures/real-pages/html/` beside [`arshif::parse_dump`] on the dumps of
//! the same pages (issue 14's budget: an HTML page at most twice the CPU of its dump).
//!
//! ```sh
//! cargo bench --bench capture
//! ```
//!
//! For instruction counts, independent of load, `scripts/capture-instructions.sh` runs the
//! CLI under cachegrind once with one copy of each file and once with eleven, and divides the
//! difference by ten (figures in notes/capture-bench.md).

use std::path::Path;
use std::time::Duration;

use arshif::capture::{self, Served};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

const PAGES: [&str; 4] = [
    "001_arabic.sputniknews.com",
    "002_almadenahnews.com",
    "004_youm7.com",
    "006_beirutobserver.com",
];

fn html_vs_text(c: &mut Criterion) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/real-pages");
    let read = |p: &Path| std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    let mut group = c.benchmark_group("capture");
    group
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    for name in PAGES {
        let text = read(&dir.join(format!("{name}.txt")));
        let html = read(&dir.join(format!("html/{name}.html")));
        group.throughput(Throughput::Elements(1));
        group.bench_with_input(BenchmarkId::new("text", name), &text, |b, bytes| {
            b.iter(|| arshif::parse_dump(std::hint::black_box(bytes), "page.txt"))
        });
        group.bench_with_input(BenchmarkId::new("html", name), &html, |b, bytes| {
            b.iter(|| {
                capture::read_html(std::hint::black_box(bytes), "page.html", &Served::default())
            })
        });
    }
    group.finish();
}

criterion_group!(benches, html_vs_text);
criterion_main!(benches);
