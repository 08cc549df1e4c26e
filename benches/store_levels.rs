//! The parts store's codec: the bytes of a built archive's parts and the CPU time per part to
//! compress and to read back, for the store's own frames (`archive::store::encode`, lz4) and
//! for zstd's levels on the same postcard bytes (the store's codec until session 34). Figures,
//! not a test; the choice and the runs are in `notes/build-bench.md`.
//!
//! ```sh
//! arshif build --articles /tmp/b10k --out /tmp/b10k-out
//! ARSHIF_BUILD_DIR=/tmp/b10k-out ARSHIF_PARTS=2000 cargo bench --bench store_levels
//! ```
//!
//! CPU time is the thread's own (`CLOCK_THREAD_CPUTIME_ID`), so other work on the machine
//! changes it far less than it changes wall time.

use std::path::PathBuf;

use arshif::archive::compiled;
use arshif::archive::store::{self, Parts};

fn thread_cpu_ns() -> u128 {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `t` is a valid timespec for the call to fill.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
    t.tv_sec as u128 * 1_000_000_000 + t.tv_nsec as u128
}

fn main() {
    let Some(dir) = std::env::var_os("ARSHIF_BUILD_DIR").map(PathBuf::from) else {
        eprintln!("store_levels: set ARSHIF_BUILD_DIR to a build folder (see the header)");
        return;
    };
    let limit: usize = std::env::var("ARSHIF_PARTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(2000);
    let archive = compiled::load(&compiled::path_in(&dir)).expect("a build folder");
    let parts: Vec<Parts> = archive
        .entries()
        .iter()
        .take(limit)
        .map(|e| {
            let whole = archive.get(&e.article.id).expect("readable parts");
            Parts {
                body: whole.article.body,
                text: whole.text,
            }
        })
        .collect();
    let n = parts.len() as u128;
    let raw: usize = parts
        .iter()
        .map(|p| postcard::to_stdvec(p).unwrap().len())
        .sum();
    println!("{n} parts, {raw} bytes uncompressed (postcard: the store before compression)");
    println!("codec  bytes  ratio  compress µs/part  read µs/part");
    let started = thread_cpu_ns();
    let frames: Vec<Vec<u8>> = parts.iter().map(|p| store::encode(p).unwrap()).collect();
    let compress = thread_cpu_ns() - started;
    let started = thread_cpu_ns();
    let back: Vec<Parts> = frames.iter().map(|f| store::decode(f).unwrap()).collect();
    let read = thread_cpu_ns() - started;
    assert!(back == parts, "the store's frames give back their parts");
    report("store", raw, &frames, compress, read, n);
    let raws: Vec<Vec<u8>> = parts
        .iter()
        .map(|p| postcard::to_stdvec(p).unwrap())
        .collect();
    for level in [-7, -5, -3, -1, 1, 2, 3, 6, 9, 19] {
        let mut compressor = zstd::bulk::Compressor::new(level).unwrap();
        let started = thread_cpu_ns();
        let frames: Vec<Vec<u8>> = raws
            .iter()
            .map(|r| compressor.compress(r).unwrap())
            .collect();
        let compress = thread_cpu_ns() - started;
        let mut decompressor = zstd::bulk::Decompressor::new().unwrap();
        let started = thread_cpu_ns();
        let back: Vec<Parts> = frames
            .iter()
            .map(|f| postcard::from_bytes(&decompressor.decompress(f, 1 << 28).unwrap()).unwrap())
            .collect();
        let read = thread_cpu_ns() - started;
        assert!(
            back == parts,
            "zstd {level}: parts come back as they went in"
        );
        report(&format!("zstd {level}"), raw, &frames, compress, read, n);
    }
}

fn report(codec: &str, raw: usize, frames: &[Vec<u8>], compress: u128, read: u128, n: u128) {
    let bytes: usize = frames.iter().map(Vec::len).sum();
    println!(
        "{codec:>7}  {bytes}  {:.2}  {:.1}  {:.1}",
        raw as f64 / bytes as f64,
        compress as f64 / n as f64 / 1000.0,
        read as f64 / n as f64 / 1000.0,
    );
}
