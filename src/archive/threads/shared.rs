//! How many of an article's signature terms each of its candidates shares, counted per thread
//! for one comparing article after another.
//!
//! An article counts up to `MAX_CANDIDATES_PER_TERM` candidates in each of its lists. Hashed
//! into a map, the hashing and the map's walk were ≈ 8,000 instructions an article at a
//! million articles' density (`benches/threads_scale.rs`, notes/build-bench.md, session 29):
//! here a count is a byte indexed by the candidate's place, and only the candidates met are
//! walked. A byte an article a thread: 1 MB at a million.

use std::cell::RefCell;

use super::SIGNATURE;

/// A candidate is counted once in each of the comparing article's lists, so a count stays
/// within a byte.
const _: () = assert!(SIGNATURE <= u8::MAX as usize);

thread_local! {
    static SHARED: RefCell<Shared> = RefCell::default();
}

/// A count for every article (zero between two comparing articles), and the articles counted,
/// in the order first met.
#[derive(Default)]
pub(super) struct Shared {
    counts: Vec<u8>,
    counted: Vec<u32>,
    /// What [`Shared::take_at_least`] gives back.
    pairs: Vec<(u32, u32)>,
}

/// `f` given this thread's counts, room made for `n` articles, every count at zero.
pub(super) fn counting<R>(n: usize, f: impl FnOnce(&mut Shared) -> R) -> R {
    SHARED.with_borrow_mut(|shared| {
        if shared.counts.len() < n {
            shared.counts.resize(n, 0);
        }
        f(shared)
    })
}

impl Shared {
    /// One more shared term for article `b`.
    pub(super) fn add(&mut self, b: u32) {
        let n = &mut self.counts[b as usize];
        if *n == 0 {
            self.counted.push(b);
        }
        *n += 1;
    }

    /// `(article, count)` of those counted `least` times or more, in the order first met, in
    /// a list this thread keeps (not one allocated per comparing article); every count is set
    /// back to zero, ready for the next comparing article.
    pub(super) fn take_at_least(&mut self, least: u8) -> &mut Vec<(u32, u32)> {
        self.pairs.clear();
        for b in self.counted.drain(..) {
            let n = std::mem::take(&mut self.counts[b as usize]);
            if n >= least {
                self.pairs.push((b, u32::from(n)));
            }
        }
        &mut self.pairs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_start_from_zero_for_each_comparing_article() {
        let first = counting(10, |shared| {
            for b in [3, 7, 3, 9, 3, 7] {
                shared.add(b);
            }
            shared.take_at_least(2).clone()
        });
        assert_eq!(first, [(3, 3), (7, 2)]);
        let second = counting(10, |shared| {
            for b in [9, 3, 9] {
                shared.add(b);
            }
            shared.take_at_least(1).clone()
        });
        assert_eq!(second, [(9, 2), (3, 1)]);
    }
}
