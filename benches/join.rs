//! The join of links into threads alone, at a million articles' sizes, on made-up links: the
//! join as it was (parents and sets in two arrays, `by_parent.rs`) against
//! [`arshif::archive::threads::join`], in one run.
//!
//! ```sh
//! cargo bench --bench join                    # the turns, then criterion's figures
//! ARSHIF_TURNS=31 cargo bench --bench join -- --turns-only
//! ```
//!
//! The machine is shared, so the two are first timed in interleaved turns (old, new, then new,
//! old, …), each turn's thread CPU and wall taken, and the ratio of their medians printed with
//! the load before and after: a load that slows one slows the other in the next turn.
//!
//! The made-up archive is the generated corpus's shape: days over 2000–2025, 28 % of the
//! articles undated; 2.5 links an article, a dated article's within a week of it or to an
//! undated one, an undated one's to anyone; the links in no order of place or date (their
//! strength is not related to where their articles are), seeded.

#[path = "common/cpu.rs"]
mod cpu;

#[path = "../src/archive/threads/join/by_parent.rs"]
mod by_parent;

use std::time::{Duration, Instant};

use arshif::archive::threads::{MAX_SPAN_DAYS, MAX_THREAD, join};
use criterion::Criterion;
use proptest::prelude::RngExt;
use proptest::test_runner::{RngAlgorithm, TestRng};

const ARTICLES: usize = 1_000_000;
const LINKS_PER_TEN: usize = 25;
const DAYS: i32 = 9_500;
const UNDATED_PERCENT: u32 = 28;

/// A link as a grouping keeps it: its two articles' numbers and its similarity.
type Link = (u32, u32, f32);
type Join = fn(&[Option<i32>], &[Link]) -> Vec<u32>;

/// Each article's day and the links, by number, as a grouping keeps them.
fn made_up(n: usize) -> (Vec<Option<i32>>, Vec<Link>) {
    let mut rng = TestRng::from_seed(RngAlgorithm::XorShift, &[45; 16]);
    let days: Vec<Option<i32>> = (0..n)
        .map(|_| (rng.random_range(0..100) >= UNDATED_PERCENT).then(|| rng.random_range(0..DAYS)))
        .collect();
    let mut by_day: Vec<u32> = (0..n as u32)
        .filter(|&i| days[i as usize].is_some())
        .collect();
    by_day.sort_by_key(|&i| days[i as usize]);
    let mut rank = vec![0u32; n];
    for (k, &i) in by_day.iter().enumerate() {
        rank[i as usize] = k as u32;
    }
    let undated: Vec<u32> = (0..n as u32)
        .filter(|&i| days[i as usize].is_none())
        .collect();
    let week = (7 * by_day.len() / DAYS as usize) as i64;
    let links = (0..n * LINKS_PER_TEN / 10)
        .map(|_| {
            let a = rng.random_range(0..n as u32);
            let b = if days[a as usize].is_none() {
                rng.random_range(0..n as u32)
            } else if rng.random_range(0..100) < UNDATED_PERCENT {
                undated[rng.random_range(0..undated.len())]
            } else {
                let k = i64::from(rank[a as usize]) + rng.random_range(-week..=week);
                by_day[k.clamp(0, by_day.len() as i64 - 1) as usize]
            };
            (a, b, rng.random_range(0.3..1.0f32))
        })
        .collect();
    (days, links)
}

fn old(days: &[Option<i32>], links: &[Link]) -> Vec<u32> {
    let pairs = links.iter().map(|&(a, b, _)| (a as usize, b as usize));
    by_parent::join(days.len(), pairs, days)
}

fn new(days: &[Option<i32>], links: &[Link]) -> Vec<u32> {
    join(links, |&(a, b, _)| (a as usize, b as usize), days)
}

fn load() -> String {
    let avg = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    avg.split_whitespace().take(3).collect::<Vec<_>>().join(" ")
}

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

/// Old and new in interleaved turns: their medians of thread CPU and of wall, and the ratios.
fn turns(days: &[Option<i32>], links: &[Link], turns: usize) {
    let load_before = load();
    let ways: [Join; 2] = [old, new];
    let mut cpu = [Vec::new(), Vec::new()];
    let mut wall = [Vec::new(), Vec::new()];
    for t in 0..turns {
        for k in [t % 2, 1 - t % 2] {
            let (c, w) = (cpu::thread_cpu(), Instant::now());
            std::hint::black_box(ways[k](days, links));
            cpu[k].push(cpu::thread_cpu() - c);
            wall[k].push(w.elapsed());
        }
    }
    let [c_old, c_new] = cpu.map(median);
    let [w_old, w_new] = wall.map(median);
    println!(
        "join at {} articles, {} links, {turns} turns: old {:.1} ms CPU ({:.1} wall), new {:.1} ms \
         CPU ({:.1} wall); new/old {:.3} CPU, {:.3} wall; load {load_before} -> {}",
        days.len(),
        links.len(),
        c_old.as_secs_f64() * 1e3,
        w_old.as_secs_f64() * 1e3,
        c_new.as_secs_f64() * 1e3,
        w_new.as_secs_f64() * 1e3,
        c_new.as_secs_f64() / c_old.as_secs_f64(),
        w_new.as_secs_f64() / w_old.as_secs_f64(),
        load(),
    );
}

fn main() {
    let (days, links) = made_up(ARTICLES);
    let roots = old(&days, &links);
    assert_eq!(new(&days, &links), roots, "the new join's roots");
    let threaded = {
        let mut size = vec![0u32; roots.len()];
        roots.iter().for_each(|&r| size[r as usize] += 1);
        size.iter()
            .filter(|&&s| s > 1)
            .map(|&s| s as usize)
            .sum::<usize>()
    };
    println!(
        "made up: {} articles, {} links, {threaded} articles in threads (caps {MAX_THREAD} \
         articles, {MAX_SPAN_DAYS} days)",
        days.len(),
        links.len()
    );
    let count = std::env::var("ARSHIF_TURNS")
        .ok()
        .and_then(|t| t.parse().ok());
    turns(&days, &links, count.unwrap_or(15));
    if std::env::args().any(|a| a == "--turns-only") {
        return;
    }
    let mut c = Criterion::default().configure_from_args();
    let mut group = c.benchmark_group("join");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(5));
    group.bench_function("old", |b| b.iter(|| old(&days, &links)));
    group.bench_function("new", |b| b.iter(|| new(&days, &links)));
    group.finish();
    c.final_summary();
}
