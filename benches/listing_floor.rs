//! The floor under the CLI's `+1` (issue 13): what learning whether any file of an articles
//! folder changed costs *any* program that looks, measured beside the `+1` on the same machine
//! at the same minute (`scripts/plus-one.sh`, `FLOOR=`).
//!
//! A file rewritten in place changes nothing but its own inode, so a build that is not told
//! what changed (`serve --watch` is told; `arshif build` is not) reads every name of the
//! folder and stats each once. This does that and nothing else: the names read with
//! `getdents64` into one buffer (256 KiB a call), handed over a batch of 4,096 at a time and
//! each batch stat'ed relative to the open folder, with the fields a build's stamp asks for,
//! on every core. No sorting, no items, no cache: what stands above it in a `+1` is the
//! build's own work (`notes/build-bench.md`, session 54).
//!
//! ```sh
//! ARSHIF_FLOOR_FOLDER=/tmp/m1/articles cargo bench --bench listing_floor
//! # the binary alone, as scripts/plus-one.sh runs it:
//! cargo bench --bench listing_floor --no-run   # prints target/release/deps/listing_floor-*
//! ```

use std::path::PathBuf;
use std::time::Instant;

use rustix::fs::{AtFlags, CWD, Mode, OFlags, RawDir};

/// Names stat'ed by one task: as the build's listing batches them.
const BATCH: usize = 4096;

/// The process's user and system CPU in seconds and its minor faults (`getrusage`).
fn usage() -> (f64, f64, i64) {
    // SAFETY: getrusage only writes the struct it is given.
    let usage = unsafe {
        let mut usage = std::mem::zeroed::<libc::rusage>();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    };
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    (secs(usage.ru_utime), secs(usage.ru_stime), usage.ru_minflt)
}

fn main() {
    let Some(dir) = std::env::var_os("ARSHIF_FLOOR_FOLDER").map(PathBuf::from) else {
        eprintln!("listing_floor: set ARSHIF_FLOOR_FOLDER to an articles folder; skipped");
        return;
    };
    let started = Instant::now();
    let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
    let folder = rustix::fs::openat(CWD, &dir, flags, Mode::empty())
        .unwrap_or_else(|e| panic!("cannot open {}: {e}", dir.display()));
    // The fields the build's listing asks for: the same stat, none of the listing's own work.
    let fields = arshif::archive::STAMP_FIELDS;
    // Each batch's names in one buffer, each ending in a NUL (the stat's path as it is read).
    let stat_all = |names: &[u8]| -> (usize, u64) {
        let (mut files, mut bytes) = (0, 0);
        for name in names.split_inclusive(|&b| b == 0) {
            let name = std::ffi::CStr::from_bytes_with_nul(name).expect("one NUL a name");
            if let Ok(st) = rustix::fs::statx(&folder, name, AtFlags::SYMLINK_NOFOLLOW, fields) {
                files += 1;
                bytes += st.stx_size;
            }
        }
        (files, bytes)
    };
    let (mut files, mut bytes) = (0, 0);
    // The names read on this thread while the pool's threads stat, as the build's listing does.
    rayon::in_place_scope(|scope| {
        let (sender, counts) = std::sync::mpsc::channel();
        let mut buf = Vec::with_capacity(256 << 10);
        let mut entries = RawDir::new(&folder, buf.spare_capacity_mut());
        let mut batch = Vec::with_capacity(BATCH * 40);
        let mut in_batch = 0;
        let hand_over = |batch: Vec<u8>| {
            let sender = sender.clone();
            scope.spawn(move |_| {
                let _ = sender.send(stat_all(&batch));
            });
        };
        while let Some(entry) = entries.next() {
            let entry = entry.unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
            let name = entry.file_name().to_bytes_with_nul();
            if name == b".\0" || name == b"..\0" {
                continue;
            }
            batch.extend_from_slice(name);
            in_batch += 1;
            if in_batch == BATCH {
                hand_over(std::mem::replace(
                    &mut batch,
                    Vec::with_capacity(BATCH * 40),
                ));
                in_batch = 0;
            }
        }
        hand_over(batch);
        drop(sender);
        for (n, b) in counts {
            files += n;
            bytes += b;
        }
    });
    let took = started.elapsed().as_secs_f64();
    let (user, system, faults) = usage();
    println!(
        "listing floor: {files} files ({:.1} GB) read and stat'ed in {took:.3} s on {} threads, \
         CPU user {user:.2} s system {system:.2} s, {faults} minor faults",
        bytes as f64 / 1e9,
        rayon::current_num_threads(),
    );
}
