//! The story threads' global step (document frequencies, vectors, links, threads) on the
//! profiles of a real build, as every build (an incremental one too) runs it; not run by
//! default:
//!
//! ```sh
//! arshif build --articles /tmp/c100k --build-dir /tmp/b100k
//! ARSHIF_BUILD_DIR=/tmp/b100k RAYON_NUM_THREADS=1 cargo bench --bench threads_scale
//! ```
//!
//! It prints the CPU time of decoding the build cache and of each round of grouping (with one
//! rayon thread, this thread's CPU time is the whole step's).

#[path = "common/cpu.rs"]
mod cpu;

use std::path::PathBuf;

use arshif::archive::build_cache::BuildCache;
use arshif::archive::threads::{self, Item};

fn main() {
    let Some(dir) = std::env::var_os("ARSHIF_BUILD_DIR").map(PathBuf::from) else {
        eprintln!("set ARSHIF_BUILD_DIR to a build folder (see the file's header)");
        return;
    };
    let rounds: usize = std::env::var("ARSHIF_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(3);
    let before = cpu::thread_cpu();
    let cache = BuildCache::read(&dir).expect("a build cache of this format");
    println!(
        "decode the cache: {:.2} s CPU, {} files",
        (cpu::thread_cpu() - before).as_secs_f64(),
        cache.dumps.iter().flatten().count()
    );
    let items: Vec<Item> = cache
        .dumps
        .iter()
        .flatten()
        .flat_map(|d| &d.outcomes)
        .map(|(entry, _, profile)| Item {
            id: &entry.article.id,
            published: entry.article.published,
            profile,
        })
        .collect();
    for _ in 0..rounds {
        let before = cpu::thread_cpu();
        let grouped = threads::group_profiles(&items);
        println!(
            "group {} articles: {:.2} s CPU, {} threads, {} duplicates",
            items.len(),
            (cpu::thread_cpu() - before).as_secs_f64(),
            grouped.threads.len(),
            grouped.duplicates.len()
        );
    }
}
