//! Reading a file that the build reads once (a dump) without leaving it in the page cache,
//! unless the cache held it already.
//!
//! A build from nothing reads every dump once: at a million, 13.6 GB went through a page
//! cache of 24 GB and pushed out the index and the parts store the build had just written, so
//! the first search after it read them back from the disk, page fault by page fault
//! (BENCHMARKS.md, session 25: 20 pages, 167 ms). A dump read from the disk is therefore
//! dropped from the cache once read (`POSIX_FADV_DONTNEED`). A dump the cache held before is
//! left there: a build of 10,000 run again reads its dumps from memory, as it always did
//! (reading them back from the disk cost ≈ 0.5 s of system time at 10,000, a seventh of the
//! build). Whether the cache held it is asked of the kernel before the first read
//! (`cachestat`, Linux 6.5), which counts the file's cached pages and starts no read. The
//! first read's own answer cannot tell: a read that may not wait for the disk (`preadv2` with
//! `RWF_NOWAIT`) starts the kernel's readahead, and on a fast disk that readahead may finish
//! within the call, which then returns the whole file as if it had been cached (seen in CI).
//!
//! A read may be started some time before it is finished ([`start`], [`Started::finish`]), so
//! that the disk works while the thread does something else ([`super::read_ahead`]); whether
//! the cache held the file is then decided at the start.
//!
//! A build whose dumps are few beside the machine's memory keeps them ([`Cache::for_build`]):
//! dropped, a dump read from the disk once was read from it by every build after, and a build
//! of 10,000 from cold dumps took 0.7–1.0 CPU-s more than from cached ones, most of it the
//! kernel's reads (notes/build-bench.md, session 50). Dropping pays only when the dumps could
//! push the build's own files out of the cache.

use std::fs::File;
use std::io::{self, Read};

/// Starts reading `file` from its start (it was just opened: its position is its start) into
/// `bytes` (empty; its capacity is what is expected, the file's length): notes whether the page cache holds all of it, then
/// copies what the cache holds of its start, without waiting. For a file not in the
/// cache, the copy's own first read asks the kernel for the file's pages (its readahead), so
/// a read started a little before it is finished ([`Started::finish`]) overlaps the disk's
/// work with whatever the thread does meanwhile.
pub fn start(file: File, mut bytes: Vec<u8>, cache: Cache) -> Started {
    // Asked before the read, whose readahead would bring the pages in. A file kept is taken
    // as cached: nothing asked, nothing dropped.
    let cached = cache == Cache::Keep || all_cached(&file, bytes.capacity());
    read_cached(&file, &mut bytes);
    Started {
        file,
        bytes,
        cached,
    }
}

/// What a read leaves in the page cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cache {
    /// A file read from the disk is dropped once read; one the cache held is left there.
    DropCold,
    /// Whatever the read brought in stays.
    Keep,
}

impl Cache {
    /// For a build that reads `bytes` of dumps: they are kept while they are at most an
    /// eighth of the machine's memory (3 GB of 24: 100,000 generated dumps are 1.3 GB, a
    /// million 13.6 GB, which pushed the index and the store out in session 25).
    pub fn for_build(bytes: u64) -> Cache {
        Cache::within(bytes, physical_memory())
    }

    fn within(bytes: u64, memory: u64) -> Cache {
        if bytes <= memory / 8 {
            Cache::Keep
        } else {
            Cache::DropCold
        }
    }
}

/// The machine's memory in bytes; 0 where it cannot be told (then dumps are dropped, as
/// before this was asked).
#[cfg(unix)]
fn physical_memory() -> u64 {
    // SAFETY: `sysconf` with valid names reads no memory of ours.
    let (pages, page) = unsafe {
        (
            libc::sysconf(libc::_SC_PHYS_PAGES),
            libc::sysconf(libc::_SC_PAGESIZE),
        )
    };
    u64::try_from(pages)
        .unwrap_or(0)
        .saturating_mul(u64::try_from(page).unwrap_or(0))
}

#[cfg(not(unix))]
fn physical_memory() -> u64 {
    0
}

/// A file whose read was started: what the page cache held of it, and whether that was all.
/// Whether it was cached is decided here, before the read, and not when it is finished: by
/// then the readahead the start asked for may have brought the whole file in.
#[derive(Debug)]
pub struct Started {
    file: File,
    bytes: Vec<u8>,
    cached: bool,
}

impl Started {
    /// Reads the rest of the file, up to `limit` bytes in all; a file that was not wholly in
    /// the page cache when started is then dropped from it, a file that was is left there.
    pub fn finish(self, limit: u64) -> io::Result<Vec<u8>> {
        let Started {
            mut file,
            mut bytes,
            cached,
        } = self;
        // The start's read left the file's position at the end of what it read.
        file.by_ref()
            .take(limit.saturating_sub(bytes.len() as u64))
            .read_to_end(&mut bytes)?;
        // The start's non-blocking read takes up to the buffer's capacity, past `limit` when
        // the capacity is: on a fast disk the readahead it starts can bring the rest of the
        // file in within that call (a build's capacity is the file's length, under its limit,
        // but this is the contract).
        bytes.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        if !cached {
            forget(&file);
        }
        Ok(bytes)
    }
}

/// Whether the page cache holds all of the file's first `len` bytes, asked without reading
/// them (`cachestat`). Where it cannot be known (another system, a kernel before 6.5, a
/// sandbox that refuses the call), says it does: then nothing is dropped.
#[cfg(all(
    target_os = "linux",
    any(
        target_arch = "x86_64",
        target_arch = "aarch64",
        target_arch = "riscv64",
        target_arch = "loongarch64"
    ),
    not(target_pointer_width = "32")
))]
fn all_cached(file: &File, len: usize) -> bool {
    use std::os::fd::AsRawFd;
    /// `cachestat`'s number, the same on every architecture since the tables were unified at
    /// 424 (the `libc` crate does not name it for all of them yet).
    const SYS_CACHESTAT: libc::c_long = 451;
    #[repr(C)]
    struct Range {
        off: u64,
        len: u64,
    }
    #[repr(C)]
    #[derive(Default)]
    struct Stat {
        cache: u64,
        dirty: u64,
        writeback: u64,
        evicted: u64,
        recently_evicted: u64,
    }
    if len == 0 {
        return true;
    }
    let range = Range {
        off: 0,
        len: len as u64,
    };
    let mut stat = Stat::default();
    // SAFETY: both pointers are to live values of the layouts the kernel expects
    // (`struct cachestat_range`, `struct cachestat`); the kernel only writes `stat`.
    let r = unsafe {
        libc::syscall(
            SYS_CACHESTAT,
            file.as_raw_fd(),
            &range as *const Range,
            &mut stat as *mut Stat,
            0u32,
        )
    };
    if r != 0 {
        return true;
    }
    // SAFETY: `sysconf` with a valid name reads no memory of ours.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) }.max(1) as u64;
    stat.cache >= (len as u64).div_ceil(page)
}

#[cfg(not(all(
    target_os = "linux",
    any(
        target_arch = "x86_64",
        target_arch = "aarch64",
        target_arch = "riscv64",
        target_arch = "loongarch64"
    ),
    not(target_pointer_width = "32")
)))]
fn all_cached(_: &File, _: usize) -> bool {
    true
}

/// Reads into `bytes` (up to its capacity) what the page cache holds of the file's start,
/// without waiting for the disk; where nothing is cached, the read starts the kernel's
/// readahead of the file, so that [`Started::finish`] finds it on its way.
#[cfg(all(target_os = "linux", any(target_env = "gnu", target_env = "musl")))]
fn read_cached(file: &File, bytes: &mut Vec<u8>) {
    use std::os::fd::AsRawFd;
    debug_assert!(bytes.is_empty());
    let want = bytes.capacity();
    if want == 0 {
        return;
    }
    let spare = bytes.spare_capacity_mut();
    let iov = libc::iovec {
        iov_base: spare.as_mut_ptr().cast(),
        iov_len: want,
    };
    // SAFETY: `iov` points at the vector's `want` bytes of spare capacity, writable and
    // borrowed by nothing else; the kernel writes at most `iov_len` bytes there. Offset -1
    // reads from the file's position (its start: the file was just opened) and moves it past
    // what was read, where `finish` goes on, with no seek (a syscall a dump).
    let n = unsafe { libc::preadv2(file.as_raw_fd(), &iov, 1, -1, libc::RWF_NOWAIT) };
    // An error (EAGAIN: the first page is not cached) leaves the whole read to `finish`.
    if let Ok(n) = usize::try_from(n) {
        // SAFETY: the kernel initialised the first `n` bytes (n <= want <= capacity).
        unsafe { bytes.set_len(n) };
    }
}

#[cfg(not(all(target_os = "linux", any(target_env = "gnu", target_env = "musl"))))]
fn read_cached(_: &File, _: &mut Vec<u8>) {}

/// Tells the kernel the file's cached pages will not be read again. Only a hint.
#[cfg(target_os = "linux")]
fn forget(file: &File) {
    use std::os::fd::AsRawFd;
    // SAFETY: a valid descriptor and integers; the call reads or writes no memory of ours.
    let _ = unsafe { libc::posix_fadvise(file.as_raw_fd(), 0, 0, libc::POSIX_FADV_DONTNEED) };
}

#[cfg(not(target_os = "linux"))]
fn forget(_: &File) {}

#[cfg(all(
    test,
    target_os = "linux",
    any(target_env = "gnu", target_env = "musl")
))]
mod tests {
    use std::io::Write;
    use std::os::fd::AsRawFd;

    use super::*;

    const LEN: usize = 64 << 10;

    /// The system's memory page, the unit `mincore` answers in (4 KiB here, 16 or 64 KiB on
    /// some ARM systems).
    fn page() -> usize {
        // SAFETY: `sysconf` with a valid name reads no memory of ours.
        unsafe { libc::sysconf(libc::_SC_PAGESIZE) as usize }
    }

    /// The pages of `path` the page cache holds (`mincore` of a map of it).
    fn resident(path: &std::path::Path) -> usize {
        let file = File::open(path).unwrap();
        // SAFETY: the file is the test's own, and not changed while mapped.
        let map = unsafe { memmap2::Mmap::map(&file) }.unwrap();
        let pages = map.len().div_ceil(page());
        let mut vec = vec![0u8; pages];
        // SAFETY: `vec` has a byte for each page of the map, which is live.
        let r = unsafe { libc::mincore(map.as_ptr() as *mut _, map.len(), vec.as_mut_ptr()) };
        assert_eq!(r, 0);
        vec.iter().filter(|&&b| b & 1 == 1).count()
    }

    /// A file of `LEN` bytes written to the disk, in its folder; `None` where its pages cannot
    /// be dropped from the cache (a memory file system): the rule has nothing to do there.
    fn written() -> Option<(tempfile::TempDir, std::path::PathBuf, Vec<u8>)> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("dump.txt");
        let text: Vec<u8> = (0..LEN).map(|i| b'a' + (i % 26) as u8).collect();
        let mut file = File::create(&path).unwrap();
        file.write_all(&text).unwrap();
        file.sync_all().unwrap();
        forget(&file);
        if resident(&path) > 0 {
            eprintln!("this file system keeps its pages: nothing to check");
            return None;
        }
        if all_cached(&File::open(&path).unwrap(), LEN) {
            eprintln!("this kernel does not say what it caches (cachestat): nothing to check");
            return None;
        }
        Some((dir, path, text))
    }

    fn read_once(path: &std::path::Path) -> Vec<u8> {
        let file = File::open(path).unwrap();
        let bytes = Vec::with_capacity(file.metadata().unwrap().len() as usize);
        start(file, bytes, Cache::DropCold).finish(1 << 30).unwrap()
    }

    #[test]
    fn a_file_read_from_the_disk_is_dropped_from_the_cache() {
        let Some((_dir, path, text)) = written() else {
            return;
        };
        assert_eq!(read_once(&path), text);
        assert_eq!(resident(&path), 0);
    }

    #[test]
    fn a_file_the_cache_held_stays_there() {
        let Some((_dir, path, text)) = written() else {
            return;
        };
        assert_eq!(std::fs::read(&path).unwrap(), text);
        assert_eq!(resident(&path), LEN / page());
        assert_eq!(read_once(&path), text);
        assert_eq!(resident(&path), LEN / page());
    }

    #[test]
    fn a_file_started_from_the_disk_is_dropped_though_in_the_cache_when_finished() {
        let Some((_dir, path, text)) = written() else {
            return;
        };
        let started = start(
            File::open(&path).unwrap(),
            Vec::with_capacity(LEN),
            Cache::DropCold,
        );
        // Its pages come in before the read is finished (here through another read; in a
        // build, through the readahead the start asked for).
        assert_eq!(std::fs::read(&path).unwrap(), text);
        assert_eq!(resident(&path), LEN / page());
        assert_eq!(started.finish(1 << 30).unwrap(), text);
        assert_eq!(resident(&path), 0);
    }

    #[test]
    fn a_file_read_from_the_disk_is_kept_when_asked() {
        let Some((_dir, path, text)) = written() else {
            return;
        };
        let file = File::open(&path).unwrap();
        assert_eq!(
            start(file, Vec::with_capacity(LEN), Cache::Keep)
                .finish(1 << 30)
                .unwrap(),
            text
        );
        assert_eq!(resident(&path), LEN / page());
    }

    #[test]
    fn a_build_keeps_its_dumps_up_to_an_eighth_of_the_memory() {
        const GB: u64 = 1 << 30;
        assert_eq!(Cache::within(139 << 20, 24 * GB), Cache::Keep);
        assert_eq!(Cache::within(3 * GB, 24 * GB), Cache::Keep);
        assert_eq!(Cache::within(3 * GB + 1, 24 * GB), Cache::DropCold);
        assert_eq!(Cache::within(13 * GB, 24 * GB), Cache::DropCold);
        // Memory unknown: dropped, as before.
        assert_eq!(Cache::within(1, 0), Cache::DropCold);
        assert!(physical_memory() > 0);
    }

    #[test]
    fn a_start_that_read_past_the_limit_is_cut_to_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("dump.txt");
        let text: Vec<u8> = (0..LEN).map(|i| b'a' + (i % 26) as u8).collect();
        std::fs::write(&path, &text).unwrap();
        // As a start's non-blocking read leaves it when the readahead was quicker than it.
        let started = Started {
            file: File::open(&path).unwrap(),
            bytes: text.clone(),
            cached: true,
        };
        assert_eq!(started.finish(LEN as u64 - 1).unwrap(), text[..LEN - 1]);
    }

    #[test]
    fn a_file_half_cached_is_read_whole_and_up_to_the_limit() {
        let Some((_dir, path, text)) = written() else {
            return;
        };
        // The first half in the cache, the second not.
        assert_eq!(std::fs::read(&path).unwrap(), text);
        let file = File::open(&path).unwrap();
        let half = (LEN / 2) as libc::off_t;
        // SAFETY: a valid descriptor and integers.
        let r =
            unsafe { libc::posix_fadvise(file.as_raw_fd(), half, half, libc::POSIX_FADV_DONTNEED) };
        assert_eq!(r, 0);
        assert_eq!(resident(&path), LEN / 2 / page());
        let bytes = start(file, Vec::with_capacity(LEN), Cache::DropCold)
            .finish(LEN as u64 - 1)
            .unwrap();
        assert_eq!(bytes, text[..LEN - 1]);
        assert_eq!(resident(&path), 0);
    }
}
