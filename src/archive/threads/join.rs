//! Links joined into threads, strongest first, within the caps on a thread's size and span.

use super::super::prefetch::prefetch;
use super::{MAX_SPAN_DAYS, MAX_THREAD};

#[cfg(test)]
pub(super) mod by_parent;

/// A set's span when it holds no dated article: `min` and `max` pass over it as an
/// `Option`'s `None` did.
const NO_FIRST: i32 = i32::MAX;
const NO_LAST: i32 = i32::MIN;

/// Links read ahead of the one joined, for the cache (see [`join`]): far enough that a read
/// out of the last level (≈ 25 links' time at a million articles) is done before the link's
/// turn, near enough that the nodes asked for are still in the core's cache then.
const AHEAD: usize = 16;

/// An article's place in the union-find: its parent and, while it is a root, its set's size
/// and span. One aligned 16 bytes, so that a find's step and the set it reaches are one
/// cache line (parents and sets in two arrays were two lines out of the caches a step).
#[derive(Clone, Copy)]
#[repr(C, align(16))]
struct Node {
    parent: u32,
    size: u32,
    first: i32,
    last: i32,
}

/// Union-find over the links, strongest first, refusing a union that would make a thread
/// larger than [`MAX_THREAD`] or longer than [`MAX_SPAN_DAYS`]. Returns each article's root,
/// `days` giving each article's day; `links` are strongest first, `ends` giving a link's
/// two articles' places.
///
/// The links come in no order of place or date, so at a million articles each find reads
/// nodes out of the last level cache (16 MB of nodes against a core's 4 MB), one after the
/// other: ≈ 40 ns a link, four times its instructions' time. The links being known in
/// advance, the nodes of the link [`AHEAD`] on are asked for, and the parents of the link
/// `AHEAD / 2` on (by then its nodes are in): most finds are one step, so their reads are
/// then in the cache. Asking changes nothing of what is read, so the roots are the same.
pub fn join<L>(links: &[L], ends: impl Fn(&L) -> (usize, usize), days: &[Option<i32>]) -> Vec<u32> {
    let mut nodes: Vec<Node> = (days.iter().zip(0..))
        .map(|(day, i)| Node {
            parent: i,
            size: 1,
            first: day.unwrap_or(NO_FIRST),
            last: day.unwrap_or(NO_LAST),
        })
        .collect();
    fn root(nodes: &mut [Node], mut i: usize) -> usize {
        while nodes[i].parent as usize != i {
            let up = nodes[nodes[i].parent as usize].parent;
            nodes[i].parent = up;
            i = up as usize;
        }
        i
    }
    // Read ahead by index: two iterators skipped ahead and stepped beside the links were
    // ≈ 44 instructions a link.
    for (k, link) in links.iter().enumerate() {
        if let Some(far) = links.get(k + AHEAD) {
            let (a, b) = ends(far);
            prefetch(&nodes, a);
            prefetch(&nodes, b);
        }
        if let Some(near) = links.get(k + AHEAD / 2) {
            let (a, b) = ends(near);
            for i in [a, b] {
                if let Some(node) = nodes.get(i) {
                    prefetch(&nodes, node.parent as usize);
                }
            }
        }
        let (a, b) = ends(link);
        let (x, y) = (root(&mut nodes, a), root(&mut nodes, b));
        let (nx, ny) = (nodes[x], nodes[y]);
        if x == y || (nx.size + ny.size) as usize > MAX_THREAD {
            continue;
        }
        let first = nx.first.min(ny.first);
        let last = nx.last.max(ny.last);
        if first != NO_FIRST && i64::from(last) - i64::from(first) > i64::from(MAX_SPAN_DAYS) {
            continue;
        }
        let (big, small) = if nx.size >= ny.size { (x, y) } else { (y, x) };
        nodes[small].parent = big as u32;
        nodes[big] = Node {
            parent: big as u32,
            size: nx.size + ny.size,
            first,
            last,
        };
    }
    // The parents copied out in one pass, then made roots in place: they are the result, and
    // the last finds read four bytes an article, not sixteen.
    let mut parent: Vec<u32> = nodes.iter().map(|node| node.parent).collect();
    drop(nodes);
    for i in 0..parent.len() {
        let mut r = i;
        while parent[r] as usize != r {
            let up = parent[parent[r] as usize];
            parent[r] = up;
            r = up as usize;
        }
        parent[i] = r as u32;
    }
    parent
}

#[cfg(test)]
mod tests {
    use super::super::links::Link;
    use super::*;
    use proptest::prelude::*;

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
        let roots = join(&links, |l| (l.a, l.b), &days);
        assert_eq!(roots[0], roots[3]);
        assert_ne!(roots[3], roots[4]);
    }

    /// Articles, some undated, within a few weeks (so that the span cap refuses some unions),
    /// and links among them, enough to fill threads to the size cap.
    fn articles_and_links() -> impl Strategy<Value = (Vec<Option<i32>>, Vec<(usize, usize)>)> {
        (1..400usize).prop_flat_map(|n| {
            let days = proptest::collection::vec(proptest::option::weighted(0.8, 0..60i32), n);
            let links = proptest::collection::vec((0..n, 0..n), 0..4 * n);
            (days, links)
        })
    }

    proptest! {
        #[test]
        fn the_roots_are_the_joins_by_parent((days, links) in articles_and_links()) {
            let want = by_parent::join(days.len(), links.iter().copied(), &days);
            prop_assert_eq!(join(&links, |&(a, b)| (a, b), &days), want);
        }
    }
}
