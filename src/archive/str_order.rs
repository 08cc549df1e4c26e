//! Sorting by strings without reaching into them at each comparison: each item carries its
//! string's first eight bytes as an integer that orders as they do, and only items whose
//! integers tie compare the strings themselves.
//!
//! At a million articles the ids and names are a million small allocations scattered over
//! hundreds of megabytes: a sort that compares the strings follows two pointers out of the
//! caches some twenty times per item (`memcmp` was a tenth of a `+1`'s CPU at one million,
//! the lead's perf, notes/build-bench.md session 25). The integers sit beside the items.

use std::cmp::Ordering;

use rayon::slice::ParallelSliceMut;

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
}
