//! Which gzip level and brotli quality the export should use: the bytes each level makes of
//! the export's own pages against the CPU time it takes (issue 13). Not run by default:
//!
//! ```sh
//! arshif export /tmp/x/www --articles /tmp/x/articles --build-dir /tmp/x/build
//! ARSHIF_EXPORT=/tmp/x/www cargo bench --bench compress_levels
//! ```
//!
//! Takes up to `ARSHIF_PAGES` (default 600) of the export's HTML pages, spread over the whole
//! folder (articles, index and facet pages alike, as the export has them), and compresses
//! all of them at each level with the export's own encoders (`web::http::coding::encode`:
//! libdeflate, and brotli's C encoder with its 4 MB window), so that the table is the
//! shipped encoders'. Time is this thread's CPU time (`getrusage`), which a loaded machine
//! disturbs much less than wall time; each level runs `ARSHIF_ROUNDS` times (default 3) and
//! the smallest time is kept.
//!
//! Instruction counts, which load does not disturb at all: `ARSHIF_ONLY="gzip 9"` (or
//! `"brotli 5"`, `"none"` for the baseline of reading the pages) compresses at that one level
//! once, to be run under `valgrind --tool=cachegrind --cache-sim=no`; the level's count is its
//! `I refs` less the baseline's (`scripts/compress-instructions.sh` runs every level).

#[path = "common/cpu.rs"]
mod cpu;

use std::path::{Path, PathBuf};
use std::time::Duration;

use arshif::web::http::coding::{Coding, Levels, encode};

fn html_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            html_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "html") {
            out.push(path);
        }
    }
}

fn gzip(body: &[u8], level: u32) -> usize {
    let levels = Levels {
        gzip: level,
        brotli: 0,
    };
    encode(Coding::Gzip, body, levels).len()
}

fn brotli(body: &[u8], quality: u32) -> usize {
    let levels = Levels {
        gzip: 1,
        brotli: quality,
    };
    encode(Coding::Brotli, body, levels).len()
}

fn main() {
    let root = std::env::var("ARSHIF_EXPORT").expect("ARSHIF_EXPORT names an export folder");
    let wanted: usize = std::env::var("ARSHIF_PAGES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(600);
    let rounds: usize = std::env::var("ARSHIF_ROUNDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(3);
    let only = std::env::var("ARSHIF_ONLY").ok();
    let rounds = if only.is_some() { 1 } else { rounds };
    let mut files = Vec::new();
    html_files(Path::new(&root), &mut files);
    let step = (files.len() / wanted).max(1);
    let pages: Vec<Vec<u8>> = files
        .iter()
        .step_by(step)
        .take(wanted)
        .map(|p| std::fs::read(p).unwrap())
        .collect();
    let total: usize = pages.iter().map(Vec::len).sum();
    eprintln!(
        "{} pages of {} HTML files, {:.1} MB, {:.1} KB on average",
        pages.len(),
        files.len(),
        total as f64 / 1e6,
        total as f64 / pages.len() as f64 / 1e3
    );
    println!("| coding | level | bytes | of the page | CPU ms a page | MB/s of CPU |");
    println!("|---|---:|---:|---:|---:|---:|");
    let measure = |name: &str, level: String, f: &dyn Fn(&[u8]) -> usize| {
        if only
            .as_deref()
            .is_some_and(|o| o != format!("{name} {level}"))
        {
            return;
        }
        let mut best = Duration::MAX;
        let mut bytes = 0;
        for _ in 0..rounds {
            let t = cpu::thread_cpu();
            bytes = pages.iter().map(|p| f(p)).sum::<usize>();
            best = best.min(cpu::thread_cpu() - t);
        }
        println!(
            "| {name} | {level} | {bytes} | {:.1}% | {:.3} | {:.0} |",
            bytes as f64 * 100.0 / total as f64,
            best.as_secs_f64() * 1e3 / pages.len() as f64,
            total as f64 / best.as_secs_f64() / 1e6
        );
    };
    for level in 1..=9 {
        measure("gzip", level.to_string(), &|p| gzip(p, level));
    }
    for quality in 0..=11 {
        measure("brotli", format!("{quality}"), &|p| brotli(p, quality));
    }
}
