//! The threads from the join's roots: each root's articles counted, then each thread made
//! once, in the order of its first article, its articles in the order of their places.

use super::super::prefetch::prefetch;

/// The threads of the articles kept, `root` giving each place's root among `space` (the
/// roots [`join`](super::join) gave: by place for [`group_profiles`](super::group_profiles),
/// by number for a kept grouping), each article as `name` gives it from its item's place.
pub(super) fn threads_of<T>(
    kept: &[usize],
    space: usize,
    root: impl Fn(usize) -> u32,
    name: impl Fn(usize) -> T,
) -> Vec<Vec<T>> {
    // Roots are counted and numbered in an array, not maps (at a million articles, a hashed
    // map of every root was a tenth of a `+1`'s grouping): a root's size, then, once its
    // thread is made, that thread's index with the top bit set (one array, not two).
    const THREAD: u32 = 1 << 31;
    // The roots come in no order: at a million articles each place's count is a read out of
    // the caches (4 MB of counts against a core's 4 MB of cache, beside the rest), asked
    // for this many places ahead.
    const AHEAD: usize = 16;
    let mut at = vec![0u32; space];
    let ahead = |p: usize, at: &[u32]| {
        if p + AHEAD < kept.len() {
            prefetch(at, root(p + AHEAD) as usize);
        }
    };
    for p in 0..kept.len() {
        ahead(p, &at);
        at[root(p) as usize] += 1;
    }
    let mut threads: Vec<Vec<T>> = Vec::new();
    for (p, &item) in kept.iter().enumerate() {
        ahead(p, &at);
        let at = &mut at[root(p) as usize];
        if *at < 2 {
            continue;
        }
        if *at & THREAD == 0 {
            // Sized once: its size is counted (grown by doubling, a thread was two or three
            // allocations and copies).
            threads.push(Vec::with_capacity(*at as usize));
            *at = THREAD | (threads.len() - 1) as u32;
        }
        threads[(*at & !THREAD) as usize].push(name(item));
    }
    threads
}

#[cfg(test)]
mod tests {
    use super::super::named;
    use super::*;

    /// [`threads_of`] as it was until session 45: the places of the items in the threads,
    /// named afterwards with [`named`].
    fn threads_of_places(
        kept: &[usize],
        space: usize,
        root: impl Fn(usize) -> u32,
    ) -> Vec<Vec<u32>> {
        const THREAD: u32 = 1 << 31;
        let mut at = vec![0u32; space];
        for p in 0..kept.len() {
            at[root(p) as usize] += 1;
        }
        let mut threads: Vec<Vec<u32>> = Vec::new();
        for (p, &item) in kept.iter().enumerate() {
            let at = &mut at[root(p) as usize];
            if *at < 2 {
                continue;
            }
            if *at & THREAD == 0 {
                threads.push(Vec::with_capacity(*at as usize));
                *at = THREAD | (threads.len() - 1) as u32;
            }
            threads[(*at & !THREAD) as usize].push(item as u32);
        }
        threads
    }

    proptest::proptest! {
        /// Threads named as they are made are the threads of places named after, whatever
        /// items are left out (verbatim duplicates) and whatever the roots.
        #[test]
        fn threads_named_as_made_are_their_places_named(
            left_out in proptest::collection::vec(proptest::bool::weighted(0.1), 1..300),
            roots in proptest::collection::vec(0..300u32, 300),
        ) {
            let kept: Vec<usize> = (0..left_out.len()).filter(|&k| !left_out[k]).collect();
            let root = |p: usize| roots[p];
            let name = |k: usize| k * 7 + 1;
            let made = threads_of(&kept, roots.len(), root, name);
            let places = threads_of_places(&kept, roots.len(), root);
            proptest::prop_assert_eq!(made, named(&places, |k| name(k as usize)));
        }
    }
}
