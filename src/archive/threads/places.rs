//! Where each article of a build was in the last grouping: the articles are listed in file
//! order at each build, so all but the few added or removed line up.

use rustc_hash::FxHashMap;

/// How far [`old_places`] looks ahead in either list for the id at hand before taking both
/// as unmatched: a run of this many added (or removed) articles in one place still lines up.
const LOOK_AHEAD: usize = 8;

/// An article's place in [`old_places`] when it was not among the old ones.
pub(super) const NEW: u32 = u32::MAX;

/// Each article's place among the `old_len` ids `old` gives (by place), [`NEW`] when it was
/// not there (four bytes an article, not an `Option`'s eight). A build lists its articles
/// in file order, as the last one did, so all but the few added or removed line up: the two
/// lists are walked together, and only the articles that did not line up are looked up in a
/// map (of those alone; a map of every old id was a million strings hashed at each build).
pub(super) fn old_places<'a, 'b>(
    old_len: usize,
    old: impl Fn(usize) -> &'a [u8],
    new_len: usize,
    new: impl Fn(usize) -> &'b [u8],
) -> Vec<u32> {
    let mut place = vec![NEW; new_len];
    let (mut new_left, mut old_left) = (Vec::new(), Vec::new());
    let (mut i, mut o) = (0, 0);
    while i < new_len && o < old_len {
        if new(i) == old(o) {
            place[i] = o as u32;
            i += 1;
            o += 1;
        } else if let Some(k) = (1..=LOOK_AHEAD).find(|&k| o + k < old_len && old(o + k) == new(i))
        {
            // Old articles gone (or moved) before this one.
            old_left.extend(o..o + k);
            o += k;
        } else if let Some(k) = (1..=LOOK_AHEAD).find(|&k| i + k < new_len && new(i + k) == old(o))
        {
            // New articles (or moved ones) before this one.
            new_left.extend(i..i + k);
            i += k;
        } else {
            new_left.push(i);
            old_left.push(o);
            i += 1;
            o += 1;
        }
    }
    new_left.extend(i..new_len);
    old_left.extend(o..old_len);
    if !new_left.is_empty() && !old_left.is_empty() {
        let by_id: FxHashMap<&[u8], u32> = old_left.iter().map(|&o| (old(o), o as u32)).collect();
        for i in new_left {
            place[i] = by_id.get(new(i)).copied().unwrap_or(NEW);
        }
    }
    place
}

/// Which of `values` (distinct) make a longest run that rises, in their order: the articles
/// that kept their order when some moved among the others (a file renamed); the rest are the
/// ones that moved.
pub(super) fn longest_rising(values: &[u32]) -> Vec<bool> {
    const NO: usize = usize::MAX;
    // `tails[k]`: the index of the least value that ends a rising run of `k + 1`.
    let (mut tails, mut before): (Vec<usize>, Vec<usize>) = (Vec::new(), vec![NO; values.len()]);
    for (i, &v) in values.iter().enumerate() {
        let k = tails.partition_point(|&j| values[j] < v);
        if k > 0 {
            before[i] = tails[k - 1];
        }
        match tails.get_mut(k) {
            Some(tail) => *tail = i,
            None => tails.push(i),
        }
    }
    let mut member = vec![false; values.len()];
    let mut at = tails.last().copied().unwrap_or(NO);
    while at != NO {
        member[at] = true;
        at = before[at];
    }
    member
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_places_are_found_in_step_and_out_of_it() {
        let old: Vec<String> = (0..100).map(|i| format!("{i:03}")).collect();
        let expect = |new: &[&str]| -> Vec<u32> {
            new.iter()
                .map(|id| old.iter().position(|o| o == id).map_or(NEW, |p| p as u32))
                .collect()
        };
        let mut new: Vec<String> = old.clone();
        new.insert(10, "new-a".into());
        new.remove(40);
        new.drain(60..75);
        new.insert(50, "new-b".into());
        new.swap(2, 80);
        new.reverse();
        new.push("new-c".into());
        for new in [
            new.clone(),
            new.iter().rev().cloned().collect(),
            old.clone(),
            Vec::new(),
        ] {
            let new: Vec<&str> = new.iter().map(String::as_str).collect();
            let (old_id, new_id) = (|o: usize| old[o].as_bytes(), |i: usize| new[i].as_bytes());
            let found = old_places(old.len(), old_id, new.len(), new_id);
            assert_eq!(found, expect(&new));
        }
        assert_eq!(old_places(0, |_| b"", 1, |_| b"a"), vec![NEW]);
    }

    #[test]
    fn a_longest_rising_run_leaves_out_the_moved() {
        let members = |values: &[u32]| -> Vec<u32> {
            let member = longest_rising(values);
            values
                .iter()
                .zip(member)
                .filter(|x| x.1)
                .map(|x| *x.0)
                .collect()
        };
        assert_eq!(members(&[0, 1, 2, 3]), [0, 1, 2, 3]);
        assert_eq!(members(&[0, 2, 3, 1, 4]), [0, 2, 3, 4]);
        assert_eq!(members(&[9, 0, 1, 2]), [0, 1, 2]);
        assert_eq!(members(&[1, 2, 3, 0]), [1, 2, 3]);
        assert_eq!(members(&[]), [0u32; 0]);
    }
}
