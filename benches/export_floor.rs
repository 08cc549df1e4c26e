//! The floor of "build + export" against Hugo: what the export's precompressed siblings cost
//! the encoders alone. Every file of an export that has a `.gz` beside it (the pages the
//! export chose to precompress) is read into memory first; then each is encoded in gzip and
//! in brotli by the export's own encoders (`web::http::coding::encode`, libdeflate and
//! brotli's C encoder), on rayon's threads as the export runs them, at the export's levels
//! and again at the cheapest (gzip 1, brotli 0). Hugo writes no siblings, so this is work
//! only one side of the row does: Hugo's time against half these CPU seconds (two cores busy
//! with nothing else) is the highest the row could reach were the build and the pages free.
//! `scripts/bench.sh` runs it in each round, after the export.
//!
//! ```sh
//! arshif export /tmp/x/www --articles /tmp/x/articles --build-dir /tmp/x/build
//! ARSHIF_EXPORT=/tmp/x/www cargo bench --bench export_floor
//! ```
//!
//! Its last line, `floor: PAGES MB SHIPPED_CPU CHEAPEST_CPU GZIP BROTLI` (CPU-s of the whole
//! process, both encoders; the export's levels), is what `scripts/bench.sh` reads.

#[path = "common/cpu.rs"]
mod cpu;

use std::path::{Path, PathBuf};
use std::time::Instant;

use arshif::export::EXPORT_LEVELS;
use arshif::web::http::coding::{Coding, Levels, encode};
use rayon::prelude::*;

/// The cheapest levels each encoder has: what no choice of level can go under.
const CHEAPEST: Levels = Levels { gzip: 1, brotli: 0 };

/// Every file under `dir` with a `.gz` sibling, the siblings themselves left out.
fn precompressed(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("a folder entry").path();
        if path.is_dir() {
            precompressed(&path, out);
        } else if path.extension().is_none_or(|e| e != "gz" && e != "br") {
            let mut gz = path.clone().into_os_string();
            gz.push(".gz");
            if Path::new(&gz).is_file() {
                out.push(path);
            }
        }
    }
}

/// Both encodings of every page at `levels` on rayon's threads: the process's CPU seconds,
/// the wall seconds and the bytes written (gzip, brotli).
fn encode_all(pages: &[Vec<u8>], levels: Levels) -> (f64, f64, usize, usize) {
    let (cpu, wall) = (cpu::process_cpu(), Instant::now());
    let (gzip, brotli) = pages
        .par_iter()
        .map(|page| {
            let gzip = encode(Coding::Gzip, page, levels).len();
            (gzip, encode(Coding::Brotli, page, levels).len())
        })
        .reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    let cpu = (cpu::process_cpu() - cpu).as_secs_f64();
    (cpu, wall.elapsed().as_secs_f64(), gzip, brotli)
}

fn main() {
    let Some(dir) = std::env::var_os("ARSHIF_EXPORT").map(PathBuf::from) else {
        eprintln!("export_floor: set ARSHIF_EXPORT to an export's folder; skipped");
        return;
    };
    let mut files = Vec::new();
    precompressed(&dir, &mut files);
    assert!(
        !files.is_empty(),
        "{}: no file with a .gz beside it (an export made with --no-precompress?)",
        dir.display()
    );
    let pages: Vec<Vec<u8>> = files
        .iter()
        .map(|p| std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display())))
        .collect();
    let mb = pages.iter().map(Vec::len).sum::<usize>() as f64 / 1e6;
    println!(
        "{} pages with siblings ({mb:.1} MB), {} threads",
        pages.len(),
        rayon::current_num_threads()
    );
    // In this order (an array's `map` runs front to back): the shipped levels first.
    let [shipped, cheapest] = [("shipped", EXPORT_LEVELS), ("cheapest", CHEAPEST)].map(
        |(name, levels)| {
            let (seconds, wall, gzip, brotli) = encode_all(&pages, levels);
            println!(
                "{name} (gzip {}, brotli {}): {seconds:.2} CPU-s, {wall:.2} s; .gz {:.1} MB, .br {:.1} MB",
                levels.gzip,
                levels.brotli,
                gzip as f64 / 1e6,
                brotli as f64 / 1e6
            );
            seconds
        },
    );
    println!(
        "floor: {} {mb:.1} {shipped:.3} {cheapest:.3} {} {}",
        pages.len(),
        EXPORT_LEVELS.gzip,
        EXPORT_LEVELS.brotli
    );
}
