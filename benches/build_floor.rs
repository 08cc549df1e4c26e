//! The build's floor: what the same dumps cost the parser alone and the search index alone
//! (our schema and analyzer, no parse, no store, no threads or cache), in CPU seconds of the
//! process, so that a build's own CPU can be set against their sum (notes/build-bench.md,
//! "Session 22").
//!
//! ```sh
//! ARSHIF_FLOOR_DUMPS=/tmp/some-dumps cargo bench --bench build_floor
//! # instructions of each stage alone (load-independent):
//! valgrind --tool=callgrind --toggle-collect='*parse_dump*' target/release/deps/build_floor-*
//! valgrind --tool=callgrind --toggle-collect='*build_index*' target/release/deps/build_floor-*
//! ```
//!
//! The dumps are read into memory first; the parse is one thread (as one worker of the build
//! runs it); the index is tantivy's writer as the build sets it up, fed the parsed articles.

use std::path::PathBuf;
use std::time::Duration;

#[path = "common/dumps.rs"]
mod dumps;
use dumps::read_dumps;

/// User + system CPU of the whole process so far (every thread).
fn cpu() -> Duration {
    // SAFETY: getrusage only writes the struct it is given.
    let usage = unsafe {
        let mut usage = std::mem::zeroed::<libc::rusage>();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    };
    let time = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
    };
    time(usage.ru_utime) + time(usage.ru_stime)
}

fn main() {
    let Some(dir) = std::env::var_os("ARSHIF_FLOOR_DUMPS").map(PathBuf::from) else {
        eprintln!("build_floor: set ARSHIF_FLOOR_DUMPS to a folder of .txt dumps; skipped");
        return;
    };
    let dumps = read_dumps(&dir);

    let start = cpu();
    let articles: Vec<arshif::Article> = dumps
        .iter()
        .filter_map(|(name, bytes)| arshif::parse_dump(bytes, name).ok())
        .collect();
    let parsed = cpu();

    let out = tempfile::tempdir().expect("a temporary folder");
    arshif::search::build_index(&articles, &out.path().join("index")).expect("an index");
    let indexed = cpu();

    let mb = dumps.iter().map(|(_, b)| b.len()).sum::<usize>() as f64 / 1e6;
    println!(
        "{} dumps ({mb:.1} MB), {} articles",
        dumps.len(),
        articles.len()
    );
    println!(
        "parse alone (one thread): {:.2} CPU-s",
        (parsed - start).as_secs_f64()
    );
    println!(
        "index alone (tantivy, our schema and analyzer): {:.2} CPU-s",
        (indexed - parsed).as_secs_f64()
    );
}
