//! Background work that must never delay a reader: a thread of its own in the scheduler's
//! idle class (Linux `SCHED_IDLE`), which runs only on a core no other thread wants (or, when every core is busy, a sliver of one).
//!
//! `serve` does two such jobs once it answers: the check of every dump against the build
//! (a stat each, seconds of system time at a million), and reading ahead the search index
//! a first query reads ([`crate::search::warm`]). At the normal priority the check took a
//! core just as the first readers came (notes/search-bench.md, sessions 21 and 22).

use std::thread::JoinHandle;

/// Runs `job` on a new thread named `name` at idle priority (elsewhere than Linux, or when
/// the scheduler refuses, at the normal one).
pub fn spawn<T: Send + 'static>(
    name: &str,
    job: impl FnOnce() -> T + Send + 'static,
) -> std::io::Result<JoinHandle<T>> {
    std::thread::Builder::new()
        .name(name.to_owned())
        .spawn(move || {
            lower_this_thread();
            job()
        })
}

#[cfg(target_os = "linux")]
fn lower_this_thread() {
    let param = libc::sched_param { sched_priority: 0 };
    // SAFETY: pid 0 is the calling thread; `param` is a valid, initialised value.
    let refused = unsafe { libc::sched_setscheduler(0, libc::SCHED_IDLE, &param) } != 0;
    if refused {
        tracing::debug!(
            "cannot lower a background thread's priority: {}",
            std::io::Error::last_os_error()
        );
    }
}

#[cfg(not(target_os = "linux"))]
fn lower_this_thread() {}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    #[test]
    fn the_job_runs_in_the_idle_class() {
        let policy = super::spawn("idle-test", || unsafe { libc::sched_getscheduler(0) })
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(policy, libc::SCHED_IDLE);
    }
}
