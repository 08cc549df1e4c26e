//! Parser throughput: [`arshif::parse_dump`] over whole corpora, one thread, in MB/s and
//! dumps/s (criterion prints both).
//!
//! ```sh
//! cargo bench --bench parser                  # every corpus
//! cargo bench --bench parser -- generated     # one of them
//! ```
//!
//! The corpora, read into memory before timing so only the parser is measured:
//! - `seeds`: the five seed dumps in `articles/`;
//! - `real_pages`: the real pages under `tests/fixtures/real-pages/` (one of them has no
//!   article and is timed as the error it is);
//! - `generated`: `ARSHIF_BENCH_DUMPS` dumps (default 300) that `gen_corpus.py` writes into a
//!   temporary folder. The generator is `../shared/bench/gen_corpus.py` beside the repository,
//!   or `ARSHIF_GEN_CORPUS`. Without python3 or the generator this corpus is skipped (a line
//!   on stderr says so) and only the committed dumps are timed.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

#[path = "common/dumps.rs"]
mod dumps;

/// One corpus: each dump's file name and bytes.
type Corpus = Vec<(String, Vec<u8>)>;

/// Generated dumps in a temporary folder, or `None` (and why on stderr) when the generator
/// cannot run here.
fn generated(root: &Path) -> Option<(tempfile::TempDir, Corpus)> {
    let script = std::env::var_os("ARSHIF_GEN_CORPUS")
        .map_or_else(|| root.join("../shared/bench/gen_corpus.py"), PathBuf::from);
    let n: usize = std::env::var("ARSHIF_BENCH_DUMPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    if !script.is_file() {
        eprintln!(
            "parser bench: no generator at {}, timing the committed dumps only",
            script.display()
        );
        return None;
    }
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let out = tmp.path().join("articles");
    let status = Command::new("python3")
        .arg(&script)
        .arg(n.to_string())
        .arg(&out)
        .stdout(std::process::Stdio::null())
        .status();
    match status {
        Ok(s) if s.success() => {
            let corpus = dumps::read_dumps(&out);
            Some((tmp, corpus))
        }
        Ok(s) => {
            eprintln!(
                "parser bench: {} failed ({s}), skipping it",
                script.display()
            );
            None
        }
        Err(e) => {
            eprintln!("parser bench: cannot run python3 ({e}), timing the committed dumps only");
            None
        }
    }
}

fn parse_all(corpus: &Corpus) -> usize {
    corpus
        .iter()
        .map(|(name, bytes)| {
            std::hint::black_box(arshif::parse_dump(std::hint::black_box(bytes), name))
                .map_or(0, |a| a.body.len())
        })
        .sum()
}

fn parser(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut corpora = vec![
        ("seeds", dumps::read_dumps(&root.join("articles"))),
        (
            "real_pages",
            dumps::read_dumps(&root.join("tests/fixtures/real-pages")),
        ),
    ];
    // Kept alive until the end: dropping it removes the folder.
    let generated = generated(root);
    if let Some((_, corpus)) = &generated {
        corpora.push(("generated", corpus.clone()));
    }

    let mut group = c.benchmark_group("parse_dump");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    for (name, corpus) in &corpora {
        let bytes: usize = corpus.iter().map(|(_, b)| b.len()).sum();
        group.throughput(Throughput::ElementsAndBytes {
            elements: corpus.len() as u64,
            bytes: bytes as u64,
        });
        group.bench_with_input(BenchmarkId::from_parameter(name), corpus, |b, corpus| {
            b.iter(|| parse_all(corpus))
        });
    }
    group.finish();
}

criterion_group!(benches, parser);
criterion_main!(benches);
