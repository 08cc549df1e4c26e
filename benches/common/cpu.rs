//! CPU time of the calling thread, for benches that report it beside (or instead of) wall
//! time: on a shared machine it moves far less than wall time.

use std::time::Duration;

/// CPU time (user + system) this thread has used so far.
pub fn thread_cpu() -> Duration {
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `usage` is a valid rusage to fill; RUSAGE_THREAD is Linux's.
    let ok = unsafe { libc::getrusage(libc::RUSAGE_THREAD, &mut usage) } == 0;
    assert!(ok, "getrusage");
    let t = |tv: libc::timeval| {
        Duration::from_secs(tv.tv_sec as u64) + Duration::from_micros(tv.tv_usec as u64)
    };
    t(usage.ru_utime) + t(usage.ru_stime)
}
