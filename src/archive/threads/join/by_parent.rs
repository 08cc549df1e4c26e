//! The join as it was until session 45: parents and sets in two arrays. The new join must give
//! its roots exactly (the proptest in `join.rs`), and `benches/join.rs` times the two side by
//! side; both take this file as it is (the caps are their parent module's `MAX_THREAD` and
//! `MAX_SPAN_DAYS`).

use super::{MAX_SPAN_DAYS, MAX_THREAD};

/// Each article's root, `links` pairs of places strongest first, under the caps.
pub fn join(
    n: usize,
    links: impl Iterator<Item = (usize, usize)>,
    days: &[Option<i32>],
) -> Vec<u32> {
    const NO_FIRST: i32 = i32::MAX;
    const NO_LAST: i32 = i32::MIN;
    struct Set {
        size: u32,
        first: i32,
        last: i32,
    }
    let mut parent: Vec<u32> = (0..n as u32).collect();
    let mut sets: Vec<Set> = days
        .iter()
        .map(|day| Set {
            size: 1,
            first: day.unwrap_or(NO_FIRST),
            last: day.unwrap_or(NO_LAST),
        })
        .collect();
    fn root(parent: &mut [u32], mut i: usize) -> usize {
        while parent[i] as usize != i {
            let up = parent[parent[i] as usize];
            parent[i] = up;
            i = up as usize;
        }
        i
    }
    for (a, b) in links {
        let (x, y) = (root(&mut parent, a), root(&mut parent, b));
        if x == y || (sets[x].size + sets[y].size) as usize > MAX_THREAD {
            continue;
        }
        let first = sets[x].first.min(sets[y].first);
        let last = sets[x].last.max(sets[y].last);
        if first != NO_FIRST && i64::from(last) - i64::from(first) > i64::from(MAX_SPAN_DAYS) {
            continue;
        }
        let (big, small) = if sets[x].size >= sets[y].size {
            (x, y)
        } else {
            (y, x)
        };
        parent[small] = big as u32;
        sets[big].size += sets[small].size;
        sets[big].first = first;
        sets[big].last = last;
    }
    drop(sets);
    for i in 0..n {
        parent[i] = root(&mut parent, i) as u32;
    }
    parent
}
