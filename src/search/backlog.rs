//! The articles handed to tantivy's indexing threads and not yet indexed: counted, and kept
//! few by making a parse worker wait while the indexing threads catch up.
//!
//! Tantivy's own queue holds up to 10,000 documents. The build's parse workers (one per core)
//! and the indexing threads share the cores, so an indexing thread may get less than its share
//! and fall behind (the one thread of a build before session 49 did; each of two has half the
//! work); when the parse ends, what was queued (up to those 10,000 articles, seconds of one
//! core's work) is indexed with a core idle. Here a worker that finds [`BOUND`] articles queued
//! waits until an indexing thread takes one, so the indexing threads get their share while the
//! other worker parses, and the parse ends with few queued. But only one worker waits at a
//! time: with one worker per core, the workers that do not wait and the indexing threads are
//! then at least as many as the cores, so a core is idle only when there is no work for it
//! (and while tantivy flushes a segment, not taking articles for a second or more, the other
//! worker goes on parsing rather than waiting with the first).

use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

/// Articles queued before a worker waits: enough that the indexing threads do not run dry
/// while the waiting worker wakes and parses its next article, and few enough to be indexed
/// in milliseconds once the parse ends.
const BOUND: usize = 64;

/// The longest a worker waits. An indexing thread takes an article every fraction of a
/// millisecond, or the channel drops its articles when the thread stops, so the wait always
/// ends well before; this only keeps a worker from waiting forever on a queue that a
/// failure left full (tantivy's own queue still bounds what it then adds).
const LONGEST_WAIT: Duration = Duration::from_secs(1);

/// The count of articles queued, shared by the writer and each article's [`Permit`].
pub(super) struct Backlog {
    state: Mutex<State>,
    /// Signalled when an article is taken while a worker waits.
    taken: Condvar,
    bound: usize,
    longest_wait: Duration,
}

#[derive(Default)]
struct State {
    queued: usize,
    /// Whether a worker waits (at most one does).
    waiting: bool,
}

/// An article's place in the [`Backlog`], given back when it is dropped: tantivy drops each
/// document once it has indexed it.
pub(super) struct Permit(Arc<Backlog>);

impl Backlog {
    pub(super) fn new() -> Backlog {
        Backlog::within(BOUND, LONGEST_WAIT)
    }

    fn within(bound: usize, longest_wait: Duration) -> Backlog {
        Backlog {
            state: Mutex::default(),
            taken: Condvar::new(),
            bound,
            longest_wait,
        }
    }

    /// A place for one more article, once fewer than [`BOUND`] are queued, unless another
    /// worker already waits for one (then at once).
    pub(super) fn enter(self: &Arc<Backlog>) -> Permit {
        let mut state = self.lock();
        if state.queued >= self.bound && !state.waiting {
            state.waiting = true;
            let (mut back, _) = self
                .taken
                .wait_timeout_while(state, self.longest_wait, |s| s.queued >= self.bound)
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            back.waiting = false;
            state = back;
        }
        state.queued += 1;
        Permit(Arc::clone(self))
    }

    /// Articles handed to the indexing threads and not yet indexed.
    pub(super) fn queued(&self) -> usize {
        self.lock().queued
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // The count stays right whatever panicked while holding it: each change is one step.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        let mut state = self.0.lock();
        state.queued -= 1;
        if state.waiting {
            self.0.taken.notify_one();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Spins (yielding) until a worker waits: no clock, the test ends when the state does.
    fn until_one_waits(backlog: &Backlog) {
        while !backlog.lock().waiting {
            std::thread::yield_now();
        }
    }

    #[test]
    fn a_worker_waits_for_a_taken_article_and_a_second_one_does_not() {
        // A wait longer than any test: only articles taken end it here.
        let backlog = Arc::new(Backlog::within(3, Duration::from_secs(24 * 3600)));
        let mut held: Vec<Permit> = (0..3).map(|_| backlog.enter()).collect();
        assert_eq!(backlog.queued(), 3);
        std::thread::scope(|scope| {
            let first = scope.spawn(|| backlog.enter());
            until_one_waits(&backlog);
            // One worker waits: another goes past the bound rather than leave a core idle.
            let second = backlog.enter();
            assert_eq!(backlog.queued(), 4);
            assert!(backlog.lock().waiting);
            // The indexing thread takes one: four queued, three still, the worker waits on.
            held.pop();
            // It takes another: the waiting worker is let in, once fewer than three are
            // queued.
            held.pop();
            let first = first.join().unwrap();
            assert_eq!(backlog.queued(), 3);
            assert!(!backlog.lock().waiting);
            drop((first, second));
        });
        drop(held);
        assert_eq!(backlog.queued(), 0);
    }
}
