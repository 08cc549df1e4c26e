//! Links joined into threads, strongest first, within the caps on a thread's size and span;
//! and the day numbers the date windows are counted in.

use super::links::Link;
use super::{MAX_SPAN_DAYS, MAX_THREAD};

/// Union-find over the links, strongest first, refusing a union that would make a thread
/// larger than [`MAX_THREAD`] or longer than [`MAX_SPAN_DAYS`]. Returns each article's root.
pub(super) fn join(n: usize, links: &[Link], days: &[Option<i32>]) -> Vec<usize> {
    struct Set {
        parent: usize,
        size: usize,
        first: Option<i32>,
        last: Option<i32>,
    }
    let mut sets: Vec<Set> = (0..n)
        .map(|i| Set {
            parent: i,
            size: 1,
            first: days[i],
            last: days[i],
        })
        .collect();
    fn root(sets: &mut [Set], mut i: usize) -> usize {
        while sets[i].parent != i {
            let up = sets[sets[i].parent].parent;
            sets[i].parent = up;
            i = up;
        }
        i
    }
    for l in links {
        let (x, y) = (root(&mut sets, l.a), root(&mut sets, l.b));
        if x == y || sets[x].size + sets[y].size > MAX_THREAD {
            continue;
        }
        let first = opt_min(sets[x].first, sets[y].first);
        let last = opt_max(sets[x].last, sets[y].last);
        if let (Some(f), Some(l)) = (first, last)
            && l - f > MAX_SPAN_DAYS
        {
            continue;
        }
        let (big, small) = if sets[x].size >= sets[y].size {
            (x, y)
        } else {
            (y, x)
        };
        sets[small].parent = big;
        sets[big].size += sets[small].size;
        sets[big].first = first;
        sets[big].last = last;
    }
    (0..n).map(|i| root(&mut sets, i)).collect()
}

fn opt_min(a: Option<i32>, b: Option<i32>) -> Option<i32> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        _ => a.or(b),
    }
}

fn opt_max(a: Option<i32>, b: Option<i32>) -> Option<i32> {
    a.max(b)
}

#[cfg(test)]
mod tests {
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
        let roots = join(5, &links, &days);
        assert_eq!(roots[0], roots[3]);
        assert_ne!(roots[3], roots[4]);
    }
}
