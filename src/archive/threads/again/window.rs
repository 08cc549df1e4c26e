//! The part of its lists an article touched by a change compares itself in again: a
//! window around its place, or for an undated article its list's head, made once a list.

use std::borrow::Cow;
use std::collections::hash_map::Entry;

use rustc_hash::FxHashMap;

use super::super::MAX_CANDIDATES_PER_TERM;
use super::super::kept::KeptLists;
use super::super::links::UNDATED;

/// Each list an undated one of `owners` reads: its first [`MAX_CANDIDATES_PER_TERM`] as
/// `(day, place)`, then one undated entry standing for the reader when it comes after them
/// (what [`window`] gives an undated article, the reader's own place aside: the candidates of
/// an undated article are the list's head, whatever its place). At 100,000 articles a `+1`
/// touched 7,650 undated articles, each of its sixteen lists' heads looked up again.
pub(super) fn undated_heads<'a>(
    owners: &[u32],
    signature: impl Fn(u32) -> &'a [u32],
    days: &[Option<i32>],
    lists: &KeptLists,
    key: impl Fn(u32) -> (i32, u32),
) -> FxHashMap<u32, Vec<(i32, u32)>> {
    let mut heads = FxHashMap::default();
    for &m in owners.iter().filter(|&&m| days[m as usize].is_none()) {
        for &t in signature(m) {
            if let (Some(list), Entry::Vacant(head)) = (lists.get(t), heads.entry(t)) {
                let first = list.len().min(MAX_CANDIDATES_PER_TERM);
                let mut part: Vec<(i32, u32)> = list[..first].iter().map(|&x| key(x)).collect();
                part.push((UNDATED, u32::MAX));
                head.insert(part);
            }
        }
    }
    heads
}

/// The part of a list an article takes candidates from, as `(day, place)`, and its own
/// place in it: borrowed from the list's head for an undated article.
pub(super) type Window<'a> = (Cow<'a, [(i32, u32)]>, usize);

/// [`window`] of an undated article at `q` from its list's head ([`undated_heads`]).
pub(super) fn undated_window(head: &[(i32, u32)], q: usize) -> Window<'_> {
    let first = head.len() - 1;
    if q < first {
        return (Cow::Borrowed(&head[..first]), q);
    }
    (Cow::Borrowed(head), first)
}

/// The part of `list` (numbers) the article at `q` can take candidates from, as `(day,
/// place)`, and its own place in that part: [`MAX_CANDIDATES_PER_TERM`] either side (one
/// more after), or for an undated article the list's first that many (itself after them).
pub(super) fn window(
    list: &[u32],
    q: usize,
    key: impl Fn(u32) -> (i32, u32),
) -> (Vec<(i32, u32)>, usize) {
    let own = key(list[q]);
    if own.0 == UNDATED {
        let first = list.len().min(MAX_CANDIDATES_PER_TERM);
        let mut part: Vec<(i32, u32)> = list[..first].iter().map(|&m| key(m)).collect();
        if q < first {
            return (part, q);
        }
        part.push(own);
        return (part, first);
    }
    let from = q.saturating_sub(MAX_CANDIDATES_PER_TERM);
    let to = (q + MAX_CANDIDATES_PER_TERM + 1).min(list.len());
    (list[from..to].iter().map(|&m| key(m)).collect(), q - from)
}
