//! Links joined into threads, strongest first, within the caps on a thread's size and span;
//! and the day numbers the date windows are counted in.

use super::{MAX_SPAN_DAYS, MAX_THREAD};

/// Union-find over the links, strongest first, refusing a union that would make a thread
/// larger than [`MAX_THREAD`] or longer than [`MAX_SPAN_DAYS`]. Returns each article's root.
/// `links` are pairs of places, strongest first.
pub(super) fn join(
    n: usize,
    links: impl Iterator<Item = (usize, usize)>,
    days: &[Option<i32>],
) -> Vec<u32> {
    // Twelve bytes a set and four of parent, not forty (`usize`s and `Option`s): every
    // article has one, at every build. A set without a dated article spans from `NO_FIRST`
    // to `NO_LAST`, which `min` and `max` pass over as the `Option`s' `None` was.
    const NO_FIRST: i32 = i32::MAX;
    const NO_LAST: i32 = i32::MIN;
    struct Set {
        size: u32,
        first: i32,
        last: i32,
    }
    // The parents apart from the sets: made roots in place at the end, they are the result
    // (a vector of roots made beside them was four bytes more an article).
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

#[cfg(test)]
mod tests {
    use super::super::links::Link;
    use super::*;

    #[test]
    fn a_chain_of_links_stops_at_the_span_cap() {
        // Five articles a week apart, each linked to the next: one thread would span 28 days.
        let days: Vec<_> = (0..5).map(|k| Some(k * 7)).collect();
        let links: Vec<Link> = (0..4)
            .map(|k| Link {
                a: k,
                b: k + 1,
                similarity: 0.9 - k as f32 * 0.1,
            })
            .collect();
        let roots = join(5, links.iter().map(|l| (l.a, l.b)), &days);
        assert_eq!(roots[0], roots[3]);
        assert_ne!(roots[3], roots[4]);
    }
}
