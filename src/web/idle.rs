//! Background work that must never delay a reader: a thread of its own in the scheduler's
//! idle class (Linux `SCHED_IDLE`), which runs only on a core no other thread wants (or, when every core is busy, a sliver of one),
//! and in the disk's idle class (`IOPRIO_CLASS_IDLE`), whose reads wait behind a reader's.
//!
//! `serve` does two such jobs once it answers: the check of every dump against the build
//! (a stat each, seconds of system time at a million), and reading ahead the search index
//! a first query reads ([`crate::search::warm`]). At the normal priority the check took a
//! core just as the first readers came (notes/search-bench.md, sessions 21 and 22).

use std::thread::JoinHandle;

/// `ioprio_set`'s "who": a process or, with id 0, the calling thread.
#[cfg(target_os = "linux")]
const IOPRIO_WHO_PROCESS: libc::c_int = 1;
/// `IOPRIO_PRIO_VALUE(IOPRIO_CLASS_IDLE, 0)`: the class sits above the 13 bits of the level.
#[cfg(target_os = "linux")]
const IOPRIO_IDLE: libc::c_int = 3 << 13;

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
    // The CPU class alone does not order the disk: on a cold cache the check's million inode
    // reads queued in front of the first reader's, and `serve`'s first answer after dropping
    // the page cache took 30 s at a million dumps (BENCHMARKS.md, session 23).
    // SAFETY: `ioprio_set` takes three integers; id 0 is the calling thread.
    let refused =
        unsafe { libc::syscall(libc::SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, IOPRIO_IDLE) } != 0;
    if refused {
        tracing::debug!(
            "cannot lower a background thread's disk priority: {}",
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

    #[test]
    fn the_job_reads_the_disk_in_the_idle_class() {
        let class = super::spawn("idle-test", || unsafe {
            libc::syscall(libc::SYS_ioprio_get, super::IOPRIO_WHO_PROCESS, 0)
        })
        .unwrap()
        .join()
        .unwrap();
        assert_eq!(class >> 13, 3, "IOPRIO_CLASS_IDLE, got {class}");
    }
}
