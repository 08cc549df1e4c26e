//! Sorting by strings without reaching into them at each comparison: each item carries its
//! string's first eight bytes as an integer that orders as they do, and only items whose
//! integers tie compare the strings themselves.
//!
//! At a million articles the ids and names are a million small allocations scattered over
//! hundreds of megabytes: a sort that compares the strings follows two pointers out of the
//! caches some twenty times per item (`memcmp` was a tenth of a `+1`'s CPU at one million,
//! the lead's perf, notes/build-bench.md session 25). The integers sit beside the items.

use std::cmp::Ordering;

use rayon::prelude::*;

/// The first eight bytes of `s` as a big-endian integer, short strings padded with zero
/// bytes: `prefix(a) < prefix(b)` only when `a < b` (bytewise), so equal prefixes are a tie
/// to settle on the whole strings, never an order.
pub(super) fn prefix(s: &[u8]) -> u64 {
    let mut head = [0u8; 8];
    let n = s.len().min(8);
    head[..n].copy_from_slice(&s[..n]);
    u64::from_be_bytes(head)
}

/// Sorts `items` by their keys, and items whose keys tie by `then`: each item's key holds
/// [`prefix`] of its string (after anything that orders first, such as a date), and `then`
/// compares the whole strings (and then whatever else orders them), so the strings are
/// reached only where the keys tie.
pub(super) fn par_sort<K, T>(items: &mut [(K, T)], then: impl Fn(&T, &T) -> Ordering + Sync)
where
    K: Ord + Send,
    T: Send,
{
    items.par_sort_unstable_by(|(ka, a), (kb, b)| ka.cmp(kb).then_with(|| then(a, b)));
}

/// [`par_sort`] of items keyed by two integers (a date's and an id's [`prefix`]), by the keys'
/// bytes rather than by comparisons: a least-significant-digit radix sort, a pass a byte that
/// the keys do not all share, then the few runs of tied keys sorted by `then`. The same order
/// as [`par_sort`]'s when `then` orders every tie.
///
/// A `+1` at 100,000 articles sorted its reading order by comparisons in 63 M instructions,
/// half of writing the compiled archive (notes/build-bench.md, session 34): some thirty
/// comparisons an item, each a few branches. Here an item costs a pass to count its bytes
/// and one copy a varying byte (some eleven of the sixteen: a date's year and an id's hex
/// digits leave several alike).
pub(super) fn radix_sort<T: Copy + Send + Sync>(
    items: &mut Vec<((u64, u64), T)>,
    then: impl Fn(&T, &T) -> Ordering + Sync,
) {
    let n = items.len();
    // Below this, counting 4,096 buckets a pass costs more than comparing.
    if n < 1 << 12 {
        par_sort(items, then);
        return;
    }
    // Byte `d` of a key, from the least significant: the second integer's, then the first's.
    let byte = |&(high, low): &(u64, u64), d: usize| -> usize {
        let word = if d < 8 { low } else { high };
        ((word >> (8 * (d % 8))) & 0xff) as usize
    };
    // Every byte's counts in one pass over the keys, on both cores: the passes below are
    // one core's (each item moves to a place that depends on all before it).
    let counted = |run: &[((u64, u64), T)]| {
        let mut counts = vec![[0usize; 256]; 16];
        for (key, _) in run {
            for (d, count) in counts.iter_mut().enumerate() {
                count[byte(key, d)] += 1;
            }
        }
        counts
    };
    let counts = items.par_chunks(1 << 14).map(counted).reduce(
        || vec![[0usize; 256]; 16],
        |mut sum, more| {
            for (s, m) in sum.iter_mut().zip(&more) {
                s.iter_mut().zip(m).for_each(|(s, m)| *s += m);
            }
            sum
        },
    );
    let mut from = std::mem::take(items);
    let mut to = from.clone();
    for (d, count) in counts.iter().enumerate() {
        if count.contains(&n) {
            continue;
        }
        let mut next = [0usize; 256];
        let mut at = 0;
        for (slot, c) in next.iter_mut().zip(count) {
            *slot = at;
            at += c;
        }
        for item in &from {
            let b = byte(&item.0, d);
            to[next[b]] = *item;
            next[b] += 1;
        }
        std::mem::swap(&mut from, &mut to);
    }
    let mut start = 0;
    while start < n {
        let mut end = start + 1;
        while end < n && from[end].0 == from[start].0 {
            end += 1;
        }
        if end - start > 1 {
            from[start..end].sort_unstable_by(|a, b| then(&a.1, &b.1));
        }
        start = end;
    }
    *items = from;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_order_as_the_strings_do_or_tie() {
        // Every string of up to 9 bytes over a small alphabet with a zero byte, a byte that
        // sorts high and a multi-byte letter's start.
        let alphabet: [u8; 4] = [0, b'a', b'b', 0xd8];
        let mut strings: Vec<Vec<u8>> = vec![vec![]];
        let mut last = vec![vec![]];
        for _ in 0..9 {
            last = last
                .iter()
                .flat_map(|s: &Vec<u8>| {
                    alphabet.iter().map(move |&c| {
                        let mut t = s.clone();
                        t.push(c);
                        t
                    })
                })
                .filter(|t| t.len() < 6 || t[..t.len() - 1].iter().all(|&c| c == b'a'))
                .collect();
            strings.extend(last.iter().cloned());
        }
        for a in &strings {
            for b in &strings {
                match prefix(a).cmp(&prefix(b)) {
                    Ordering::Equal => {}
                    order => assert_eq!(order, a.cmp(b), "{a:?} {b:?}"),
                }
            }
        }
    }

    #[test]
    fn sorted_as_the_whole_strings_then_the_tie() {
        let words = [
            "مقال",
            "مقالة",
            "abcdefgh",
            "abcdefghi",
            "abcdefgh",
            "abcdefgha",
            "",
            "a",
            "a\0",
            "z",
            "abcdefgg~",
        ];
        let mut items: Vec<(u64, (&str, usize))> = words
            .iter()
            .enumerate()
            .map(|(i, w)| (prefix(w.as_bytes()), (*w, i)))
            .rev()
            .collect();
        par_sort(&mut items, |a, b| a.cmp(b));
        let mut expected: Vec<(&str, usize)> = words.iter().copied().zip(0..).collect();
        expected.sort();
        let got: Vec<(&str, usize)> = items.into_iter().map(|(_, t)| t).collect();
        assert_eq!(got, expected);
    }

    #[test]
    fn a_radix_sort_orders_as_the_comparison_sort() {
        // Keys drawn from few values, so that many tie (on the first integer, on both) and
        // several bytes are alike in every key; ties ordered by the item, as reading order
        // orders them by id and position.
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for n in [0, 1, 100, 5_000, 40_000] {
            let items: Vec<((u64, u64), u32)> = (0..n)
                .map(|i| {
                    let high = 20_000_000 + next() % 40;
                    let low = ((next() % 300) << 40) | (next() % 3);
                    ((high, low), (next() % 1_000) as u32 * 100_000 + i)
                })
                .collect();
            let mut by_radix = items.clone();
            radix_sort(&mut by_radix, |a, b| a.cmp(b));
            let mut by_comparing = items;
            par_sort(&mut by_comparing, |a, b| a.cmp(b));
            assert_eq!(by_radix, by_comparing, "{n} items");
        }
    }
}
