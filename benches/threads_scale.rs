//! The story threads' global step (document frequencies, vectors, links, threads) on the
//! profiles of a real build, as every build (an incremental one too) runs it; not run by
//! default:
//!
//! ```sh
//! arshif build --articles /tmp/c100k --build-dir /tmp/b100k
//! ARSHIF_BUILD_DIR=/tmp/b100k RAYON_NUM_THREADS=1 cargo bench --bench threads_scale
//! ```
//!
//! It prints the CPU time of decoding the build cache and of each round of grouping (the whole
//! process's: the grouping runs on rayon's workers, which the calling thread's time missed).
//! `ARSHIF_NARROW=K` packs K days of dates into one: at 100,000 articles, K = 10 gives each
//! signature term's list the density in time of a million (most articles' candidates at the
//! cap), the one-million build's candidate search at a tenth of its size.

#[path = "common/cpu.rs"]
mod cpu;

use std::path::PathBuf;

use arshif::archive::build_cache::BuildCache;
use arshif::archive::threads::{self, Item};
use arshif::parse::Date;

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
    let dumps: Vec<_> = cache.every_dump().collect();
    println!(
        "decode the cache: {:.2} s CPU, {} files",
        (cpu::thread_cpu() - before).as_secs_f64(),
        dumps.len()
    );
    let narrow: i32 = std::env::var("ARSHIF_NARROW")
        .ok()
        .and_then(|k| k.parse().ok())
        .unwrap_or(1);
    let origin = jiff::civil::date(2000, 1, 1);
    let narrowed = |d: Date| {
        let days =
            (d.day_number() - Date::from_civil(origin).unwrap().day_number()).div_euclid(narrow);
        let day = origin.checked_add(jiff::Span::new().days(days)).unwrap();
        Date::from_civil(day).expect("a four-digit year")
    };
    let articles: Vec<_> = dumps
        .iter()
        .flat_map(|d| (0..d.outcomes.len()).map(move |j| (&d.outcomes, j)))
        .collect();
    // Items borrow their dates: the narrowed ones are kept beside them.
    let dates: Vec<Option<Date>> = articles
        .iter()
        .map(|(outcomes, j)| outcomes.published(*j).map(narrowed))
        .collect();
    let items: Vec<Item> = articles
        .iter()
        .zip(&dates)
        .map(|((outcomes, j), date)| Item {
            id: outcomes.id(*j),
            published: *date,
            profile: outcomes.profile(*j),
            unchanged: false,
        })
        .collect();
    for _ in 0..rounds {
        let before = cpu::process_cpu();
        let grouped = threads::group_profiles(&items).named(&items);
        println!(
            "group {} articles: {:.2} s CPU, {} threads (digest {:016x}), {} duplicates",
            items.len(),
            (cpu::process_cpu() - before).as_secs_f64(),
            grouped.threads.len(),
            digest(&grouped.threads),
            grouped.duplicates.len()
        );
    }
}

/// A digest of the threads, to tell two programs' groupings apart (same digest, same threads).
fn digest(threads: &[Vec<String>]) -> u64 {
    use std::hash::{DefaultHasher, Hash, Hasher};
    let mut h = DefaultHasher::new();
    threads.hash(&mut h);
    h.finish()
}
