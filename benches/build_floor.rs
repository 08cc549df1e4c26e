//! The build's floor: what the same dumps cost the parser alone, the search index alone (our
//! schema and analyzer, no parse, no store, no threads or cache) and the parts store's frames
//! alone (each article's body and dump text, postcard then lz4), in CPU seconds of the
//! process, so that a build's own CPU can be set against their sum (notes/build-bench.md,
//! sessions 22 and 58). `scripts/bench.sh` runs it in each round beside Hugo and the build.
//!
//! ```sh
//! ARSHIF_FLOOR_DUMPS=/tmp/some-dumps cargo bench --bench build_floor
//! # instructions of each stage alone (load-independent):
//! valgrind --tool=callgrind --toggle-collect='*parse_dump*' target/release/deps/build_floor-*
//! valgrind --tool=callgrind --toggle-collect='*build_index*' target/release/deps/build_floor-*
//! ```
//!
//! Its last line, `floor: PARSE INDEX FRAMES SUM` (CPU-s), is what `scripts/bench.sh` reads.
//!
//! The dumps are read into memory first; the parse is one thread (as one worker of the build
//! runs it); the index is tantivy's writer as the build sets it up, fed the parsed articles;
//! the frames are the parts store's own encoder (`archive::store::encode`) on one thread. What
//! the floor leaves out is the build's own: the files listed and read, the story threads'
//! profiles and grouping, the cache, the archive written, the threads handing work on.

use std::path::PathBuf;
use std::time::Duration;

#[path = "common/dumps.rs"]
mod dumps;
use arshif::archive::store::{self, Parts};
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
    // Each article beside its dump's bytes (a dump without an article has none).
    let articles: Vec<(arshif::Article, &[u8])> = dumps
        .iter()
        .filter_map(|(name, bytes)| Some((arshif::parse_dump(bytes, name).ok()?, &bytes[..])))
        .collect();
    let parsed = cpu();

    let out = tempfile::tempdir().expect("a temporary folder");
    arshif::search::build_index(articles.iter().map(|(a, _)| a), &out.path().join("index"))
        .expect("an index");
    let indexed = cpu();

    // The parts as a build frames them: the body its parse found, the dump's text decoded.
    let parts: Vec<Parts> = articles
        .iter()
        .map(|(a, bytes)| Parts {
            body: a.body.clone(),
            text: String::from_utf8_lossy(bytes).into_owned(),
        })
        .collect();
    let framing_start = cpu();
    let framed: usize = parts
        .iter()
        .map(|part| store::encode(part).expect("a frame").len())
        .sum();
    let framed_end = cpu();

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
    println!(
        "store frames alone (one thread): {:.2} CPU-s, {:.1} MB framed",
        (framed_end - framing_start).as_secs_f64(),
        framed as f64 / 1e6
    );
    let [parse, index, frames] =
        [parsed - start, indexed - parsed, framed_end - framing_start].map(|d| d.as_secs_f64());
    println!(
        "floor: {parse:.3} {index:.3} {frames:.3} {:.3}",
        parse + index + frames
    );
}
