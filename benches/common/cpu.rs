//! CPU time of the calling thread, for benches that report it beside (or instead of) wall
//! time: on a shared machine it moves far less than wall time.

use std::time::Duration;

/// CPU time (user + system) this thread has used so far.
#[allow(dead_code)] // Not every bench that includes this file measures one thread's work.
pub fn thread_cpu() -> Duration {
    cpu(libc::RUSAGE_THREAD)
}

/// CPU time (user + system) of the whole process so far: what a step run on rayon's workers
/// costs, which the calling thread's time does not see.
#[allow(dead_code)] // Not every bench that includes this file measures rayon's work.
pub fn process_cpu() -> Duration {
    cpu(libc::RUSAGE_SELF)
}

fn cpu(who: libc::c_int) -> Duration {
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `usage` is a valid rusage to fill; RUSAGE_THREAD is Linux's.
    let ok = unsafe { libc::getrusage(who, &mut usage) } == 0;
    assert!(ok, "getrusage");
    let t = |tv: libc::timeval| {
        Duration::from_secs(tv.tv_sec as u64) + Duration::from_micros(tv.tv_usec as u64)
    };
    t(usage.ru_utime) + t(usage.ru_stime)
}
