//! One build over a build folder, told which names of the articles folder changed as
//! `serve --watch` tells it ([`Changes::Names`]) or not ([`Changes::Unknown`]: the folder
//! listed whole): its laps, and the process's CPU and minor faults, to set the listing by
//! names against the full listing of the same `+1` (notes/build-bench.md, "Session 39").
//!
//! ```sh
//! # the folder built once (either way), a dump added, then:
//! ARSHIF_KNOWING_ARTICLES=DIR ARSHIF_KNOWING_BUILD=OUT ARSHIF_KNOWING_NAMES=plus-1.txt \
//!     cargo bench --bench plus_one_knowing
//! # ARSHIF_KNOWING_NAMES unset: the folder listed whole; ARSHIF_KNOWING_EXIT=1 builds as
//! # `arshif build` does (the archive written, not made); ARSHIF_KNOWING_DIGEST=1 prints a
//! # hash of every served entry (read whole, in reading order) and its thread, to compare
//! # two build folders. Syscalls, instructions:
//! strace -c -f target/profiling/deps/plus_one_knowing-*
//! valgrind --tool=callgrind target/profiling/deps/plus_one_knowing-*
//! ```

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Instant;

use arshif::archive::{self, Changes, compiled};

/// The process's user and system CPU so far, in clock ticks (every thread), and its minor
/// faults, as `/proc/self/stat` counts them (fields 10, 14 and 15).
fn usage() -> (u64, u64, u64) {
    let stat = std::fs::read_to_string("/proc/self/stat").expect("/proc/self/stat");
    // The fields after the command's name, which is in parentheses and may hold spaces.
    let after = &stat[stat.rfind(')').expect("a command's name") + 2..];
    let field = |n: usize| -> u64 {
        let value = after
            .split(' ')
            .nth(n - 3)
            .expect("a field of /proc/self/stat");
        value.parse().expect("a number")
    };
    (field(14), field(15), field(10))
}

fn main() {
    let var = |name| std::env::var_os(name).map(PathBuf::from);
    let (Some(articles), Some(out)) = (var("ARSHIF_KNOWING_ARTICLES"), var("ARSHIF_KNOWING_BUILD"))
    else {
        eprintln!(
            "plus_one_knowing: set ARSHIF_KNOWING_ARTICLES and ARSHIF_KNOWING_BUILD; skipped"
        );
        return;
    };
    let changes = match std::env::var("ARSHIF_KNOWING_NAMES") {
        Ok(names) => Changes::Names(
            names
                .split(',')
                .filter(|n| !n.is_empty())
                .map(OsString::from)
                .collect::<BTreeSet<_>>(),
        ),
        Err(_) => Changes::Unknown,
    };
    let started = Instant::now();
    let compiled_path = compiled::path_in(&out);
    // As `arshif build` writes it (the archive not made), or as `serve` makes it.
    let for_exit = std::env::var_os("ARSHIF_KNOWING_EXIT").is_some();
    let (built, report) = match for_exit {
        true => archive::build_and_save_for_exit_knowing(&articles, &compiled_path, &changes)
            .map(|report| (None, report)),
        false => archive::build_and_save_knowing(&articles, &compiled_path, &changes)
            .map(|(built, report)| (Some(built), report)),
    }
    .unwrap_or_else(|e| panic!("the build failed: {e}"));
    let took = started.elapsed();
    let (user, system, faults) = usage();
    for (lap, time) in &report.timings {
        println!("{:>9.3} s  {lap}", time.as_secs_f64());
    }
    // Ticks of 10 ms (USER_HZ).
    println!(
        "{:?}: {} files, {} reused; {:.3} s, CPU user {:.2} s system {:.2} s, {faults} minor faults",
        match changes {
            Changes::Unknown => "listed whole",
            Changes::Names(_) => "told the names",
        },
        report.files_read,
        report.reused,
        took.as_secs_f64(),
        user as f64 / 100.0,
        system as f64 / 100.0,
    );
    if let Some(built) = built
        .as_ref()
        .filter(|_| std::env::var_os("ARSHIF_KNOWING_DIGEST").is_some())
    {
        let mut all = Vec::new();
        for light in built.entries() {
            let id = &light.article.id;
            let entry = serde_json::to_vec(&built.get(id)).expect("an entry as JSON");
            let thread: Vec<&str> = built
                .thread(id)
                .iter()
                .map(|e| e.article.id.as_str())
                .collect();
            all.extend(entry);
            all.extend(format!("{thread:?}\n").bytes());
        }
        let digest = arshif::stable_hash::stable_hash(&all);
        println!(
            "digest {digest:016x} of {} entries ({} bytes)",
            built.len(),
            all.len()
        );
    }
    // The process's exit gives the pages back whole.
    std::mem::forget(built);
}
