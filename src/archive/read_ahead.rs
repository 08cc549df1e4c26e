//! Files read a few ahead of their parse, so that a thread parsing one dump finds the next
//! ones read, or being read, rather than waiting for the disk.
//!
//! A build from nothing reads every dump once, from the disk when the page cache does not hold
//! it (at a million, 14.6 GB). Read where it was parsed, each dump's read blocked its thread
//! until the disk answered, and that thread's core had nothing else to do: the parse step of
//! the quiet one-million build kept 1.73 of two cores busy (BENCHMARKS.md, session 27). So the
//! files are handed out in [`Runs`] of consecutive ones, and each thread keeps the next
//! [`DEPTH`] of its own started ([`super::read_once::start`]: the first read asks the kernel
//! for the file's pages and does not wait for them) while it parses the one before, taking
//! its next run before it has finished the last.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::vec;

/// How many consecutive files a thread takes at a time. A thread reads ahead across the runs
/// it takes, so a run's size does not bound how far; small, so that the last runs share the
/// cores evenly (32 generated dumps are ≈ 10 ms of parsing).
pub(super) const RUN: usize = 32;

/// How many files ahead of the one parsed a thread keeps started: enough that a file started
/// has the time of parsing this many (≈ 5 ms on a quiet machine) to come from the disk, few
/// enough that their pages and open files cost nothing that matters (≈ 16 × 14 kB a thread).
pub(super) const DEPTH: usize = 16;

/// Items handed out in runs of consecutive ones, in order, to whichever thread asks next.
/// Rather than rayon's split (halves, then halves of what is left), so that what a thread
/// reads ahead is what it will parse next, and the disk is asked for the files in order.
pub(super) struct Runs<T> {
    left: Mutex<vec::IntoIter<T>>,
    run: usize,
}

impl<T> Runs<T> {
    pub(super) fn new(items: Vec<T>, run: usize) -> Runs<T> {
        Runs {
            left: Mutex::new(items.into_iter()),
            run: run.max(1),
        }
    }

    /// The next run; empty when every item was handed out (or [`Runs::stop`] was called).
    fn take(&self) -> Vec<T> {
        let mut left = self.left.lock().unwrap_or_else(|e| e.into_inner());
        left.by_ref().take(self.run).collect()
    }

    /// The items a thread takes: its runs one after another, each taken when the one before
    /// is used up.
    pub(super) fn items(&self) -> impl Iterator<Item = T> + '_ {
        std::iter::from_fn(|| Some(self.take()).filter(|run| !run.is_empty())).flatten()
    }

    /// Hands out nothing more (a thread failed: the others need not go on).
    pub(super) fn stop(&self) {
        let mut left = self.left.lock().unwrap_or_else(|e| e.into_inner());
        *left = Vec::new().into_iter();
    }
}

/// `items`, each with `start(&item)`, which is called `depth` items before the item is given
/// out (all at once for the first ones).
pub(super) fn ahead<I, S, F>(items: I, depth: usize, start: F) -> Ahead<I, S, F>
where
    I: Iterator,
    F: FnMut(&I::Item) -> S,
{
    Ahead {
        items,
        start,
        started: VecDeque::with_capacity(depth + 1),
        depth,
    }
}

/// The iterator of [`ahead`].
pub(super) struct Ahead<I: Iterator, S, F> {
    items: I,
    start: F,
    /// The items taken from `items` and started, not yet given out, in order.
    started: VecDeque<(I::Item, S)>,
    depth: usize,
}

impl<I, S, F> Iterator for Ahead<I, S, F>
where
    I: Iterator,
    F: FnMut(&I::Item) -> S,
{
    type Item = (I::Item, S);

    fn next(&mut self) -> Option<(I::Item, S)> {
        while self.started.len() <= self.depth {
            let Some(item) = self.items.next() else {
                break;
            };
            let s = (self.start)(&item);
            self.started.push_back((item, s));
        }
        self.started.pop_front()
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use super::*;

    #[test]
    fn each_item_is_started_depth_items_before_it_is_given_out() {
        let log = RefCell::new(Vec::new());
        let items = ahead(0..10, 3, |&i| {
            log.borrow_mut().push(format!("start {i}"));
            i * 10
        });
        for (i, s) in items {
            assert_eq!(s, i * 10);
            log.borrow_mut().push(format!("give {i}"));
        }
        let log = log.into_inner();
        assert_eq!(log.len(), 20);
        for i in 0..10 {
            let given = log.iter().position(|l| *l == format!("give {i}")).unwrap();
            let started = log.iter().position(|l| *l == format!("start {i}")).unwrap();
            assert!(started < given);
            // When item i is given out, the next three (those there are) are started.
            let ahead_started = log[..given]
                .iter()
                .filter(|l| l.starts_with("start"))
                .count();
            assert_eq!(ahead_started, (i + 4).min(10), "{log:?}");
        }
    }

    #[test]
    fn runs_hand_out_every_item_once_in_order_until_stopped() {
        let runs = Runs::new((0..10).collect(), 4);
        let mut first = runs.items();
        assert_eq!(first.next(), Some(0));
        // Another thread takes the next run while the first uses its own.
        assert_eq!(runs.take(), [4, 5, 6, 7]);
        assert_eq!(first.collect::<Vec<_>>(), [1, 2, 3, 8, 9]);
        let runs = Runs::new((0..10).collect(), 4);
        assert_eq!(runs.take(), [0, 1, 2, 3]);
        runs.stop();
        assert_eq!(runs.items().count(), 0);
    }
}
