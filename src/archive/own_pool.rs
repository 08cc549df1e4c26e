//! Work beside a lap on a rayon pool of its own, of one thread: its parallel passes then run
//! there, sharing the cores with the lap's through the system's scheduler, rather than being
//! queued on rayon's global pool, whose two workers take a job another thread hands them only
//! once the work they split themselves is done. Beside the threads step, the index list's and
//! the cache's writers put their passes on the global pool, and `assemble`'s passes waited
//! behind them.

/// `work` run on the calling thread, its parallel passes on a pool of one thread named
/// `name` (so that a profile tells it apart); where no thread can be started, on the global
/// pool as before.
pub(super) fn install<T: Send>(name: &str, work: impl FnOnce() -> T + Send) -> T {
    match of_one(name) {
        Some(pool) => pool.install(work),
        None => work(),
    }
}

/// A rayon pool of one thread named `name`; `None` where no thread can be started (the
/// caller then does the work where it would have without one).
pub(super) fn of_one(name: &str) -> Option<rayon::ThreadPool> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .thread_name({
            let name = name.to_owned();
            move |_| name.clone()
        })
        .build();
    pool.map_err(|e| tracing::debug!("cannot start a thread for {name}: {e}"))
        .ok()
}

#[cfg(test)]
mod tests {
    use rayon::prelude::*;

    #[test]
    fn the_passes_run_on_the_pool_of_one_thread_not_the_global_one() {
        let threads = super::install("arshif-test", || {
            (0..64)
                .into_par_iter()
                .map(|_| {
                    let name = std::thread::current().name().map(str::to_owned);
                    (name, rayon::current_num_threads())
                })
                .collect::<Vec<_>>()
        });
        assert!(
            threads
                .iter()
                .all(|(name, n)| name.as_deref() == Some("arshif-test") && *n == 1)
        );
    }
}
