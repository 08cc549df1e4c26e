//! The signature terms' lists kept in the grouping for the next build: each term's articles
//! by place, sorted as the lists are read (by day, undated last, then by place). A `+1`
//! used to make again nearly every list a build from nothing makes (the articles whose
//! candidates a change reaches hold the common terms, whose lists cover nine places in ten)
//! and sort each; kept, they are carried over by one pass that moves each old place to its
//! new one, drops the articles gone or changed and merges the changed ones in where they
//! fall.

use serde::{Deserialize, Serialize};

/// Up to this many articles added to one list are put in their places one by one (each
/// moving the list's tail); more, and the list is sorted again.
const FEW: usize = 8;

/// Each term's list, terms ascending, no list empty: one form whichever build made it, so a
/// grouping made again equals one made from nothing.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(super) struct KeptLists {
    #[serde(with = "crate::serde_le")]
    terms: Vec<u32>,
    /// Where each term's list ends in `articles`.
    #[serde(with = "crate::serde_le")]
    ends: Vec<u32>,
    /// Places only: an article's day is the grouping's, so it is not written twice.
    #[serde(with = "crate::serde_le")]
    articles: Vec<u32>,
}

/// The lists as grouping reads them: `(day, place)`, each list sorted.
#[derive(Debug, Default)]
pub(super) struct Lists {
    terms: Vec<u32>,
    starts: Vec<u32>,
    entries: Vec<(i32, u32)>,
}

impl Lists {
    /// Term `t`'s list, when a signature holds it.
    pub(super) fn get(&self, t: u32) -> Option<&[(i32, u32)]> {
        let k = self.terms.binary_search(&t).ok()?;
        Some(&self.entries[self.starts[k] as usize..self.starts[k + 1] as usize])
    }

    /// As kept for the next build.
    pub(super) fn kept(&self) -> KeptLists {
        KeptLists {
            terms: self.terms.clone(),
            ends: self.starts[1..].to_vec(),
            articles: self.entries.iter().map(|&(_, i)| i).collect(),
        }
    }
}

impl KeptLists {
    /// From lists in any order of terms: `terms[k]`'s list is
    /// `entries[starts[k]..starts[k + 1]]`, sorted, as a build from nothing makes them.
    pub(super) fn of(terms: &[u32], starts: &[u32], entries: &[(i32, u32)]) -> KeptLists {
        let mut order: Vec<(u32, u32)> = terms.iter().zip(0..).map(|(&t, k)| (t, k)).collect();
        order.sort_unstable();
        let mut kept = KeptLists {
            terms: Vec::with_capacity(order.len()),
            ends: Vec::with_capacity(order.len()),
            articles: Vec::with_capacity(entries.len()),
        };
        for (t, k) in order {
            let list = &entries[starts[k as usize] as usize..starts[k as usize + 1] as usize];
            if list.is_empty() {
                continue;
            }
            kept.articles.extend(list.iter().map(|&(_, i)| i));
            kept.terms.push(t);
            kept.ends.push(kept.articles.len() as u32);
        }
        kept
    }

    /// The lists after a change: each kept place `o` moved to `new_of_old[o]` (dropped when
    /// `None`: the article is gone or changed), and `added` (`(term, day, place)` of the
    /// changed articles' signatures, places new) merged in. `day` gives a new place's day.
    /// `None` when the kept lists do not fit `new_of_old` (a damaged file): group from
    /// nothing.
    pub(super) fn again(
        &self,
        new_of_old: &[Option<u32>],
        mut added: Vec<(u32, i32, u32)>,
        day: impl Fn(u32) -> i32,
    ) -> Option<Lists> {
        if self.ends.len() != self.terms.len()
            || self.ends.last().map_or(0, |&e| e as usize) != self.articles.len()
            || !self.ends.is_sorted()
            || !self.terms.is_sorted()
        {
            return None;
        }
        added.sort_unstable();
        // Places keep their order unless an article moved among the others (a rename):
        // then each list is sorted again rather than merged.
        let in_order = new_of_old.iter().flatten().is_sorted();
        // Each old place's new `(day, place)`, `GONE` for the dropped: one lookup a place in
        // the pass below, not one for the place and another for its day (at a million, two
        // arrays of 8 MB read at random, 16 million times).
        const GONE: u32 = u32::MAX;
        let moved: Vec<(i32, u32)> = new_of_old
            .iter()
            .map(|n| n.map_or((0, GONE), |n| (day(n), n)))
            .collect();
        let mut lists = Lists {
            terms: Vec::with_capacity(self.terms.len() + added.len()),
            starts: Vec::with_capacity(self.terms.len() + added.len() + 1),
            entries: Vec::with_capacity(self.articles.len() + added.len()),
        };
        lists.starts.push(0);
        let mut added = added.as_slice();
        let (mut k, mut start) = (0, 0);
        while k < self.terms.len() || !added.is_empty() {
            let old_term = self.terms.get(k).copied();
            let t = match (old_term, added.first()) {
                (Some(o), Some(&(a, _, _))) => o.min(a),
                (Some(o), None) => o,
                (None, Some(&(a, _, _))) => a,
                (None, None) => unreachable!("the loop's condition"),
            };
            let from = lists.entries.len();
            if old_term == Some(t) {
                let end = self.ends[k] as usize;
                // Written in place and the gone ones overwritten, without a branch or a
                // push's capacity check a place (29 instructions a place pushed).
                let list = &self.articles[start..end];
                let mut w = lists.entries.len();
                lists.entries.resize(w + list.len(), (0, GONE));
                for &o in list {
                    let to = *moved.get(o as usize)?;
                    lists.entries[w] = to;
                    w += usize::from(to.1 != GONE);
                }
                lists.entries.truncate(w);
                (k, start) = (k + 1, end);
            }
            let count = added.iter().take_while(|&&(a, _, _)| a == t).count();
            let (here, rest) = added.split_at(count);
            added = rest;
            if in_order && here.len() <= FEW {
                // Each put in its place: the list's tail moved up, no sort's buffer.
                for &(_, d, i) in here {
                    let at = from + lists.entries[from..].partition_point(|&e| e < (d, i));
                    lists.entries.insert(at, (d, i));
                }
            } else {
                lists.entries.extend(here.iter().map(|&(_, d, i)| (d, i)));
                lists.entries[from..].sort_unstable();
            }
            if lists.entries.len() > from {
                lists.terms.push(t);
                lists.starts.push(lists.entries.len() as u32);
            }
        }
        Some(lists)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lists made from `(term, day, place)` postings, the way a build from nothing sorts them.
    fn made(mut postings: Vec<(u32, i32, u32)>) -> Lists {
        postings.sort_unstable();
        let mut lists = Lists {
            starts: vec![0],
            ..Lists::default()
        };
        for (t, d, i) in postings {
            if lists.terms.last() != Some(&t) {
                if !lists.entries.is_empty() {
                    lists.starts.push(lists.entries.len() as u32);
                }
                lists.terms.push(t);
            }
            lists.entries.push((d, i));
        }
        lists.starts.push(lists.entries.len() as u32);
        lists
    }

    #[test]
    fn kept_lists_moved_to_new_places_equal_lists_made_anew() {
        // Six articles; article 2 is changed (new terms), 4 gone, one added before 1.
        let days = [3, 1, 5, 1, i32::MAX, 2];
        let old = made(vec![
            (10, 3, 0),
            (10, 1, 1),
            (10, 5, 2),
            (10, 1, 3),
            (20, 5, 2),
            (20, i32::MAX, 4),
            (30, 2, 5),
            (40, i32::MAX, 4),
        ]);
        let kept = KeptLists::of(&old.terms, &old.starts, &old.entries);
        assert_eq!(kept, old.kept());
        // New places: 0 -> 0, added 1, 1 -> 2, 2 changed (now 3), 3 -> 4, 4 gone, 5 -> 5.
        let new_of_old = [Some(0), Some(2), None, Some(4), None, Some(5)];
        let new_days = [3, 1, 1, 7, 1, 2];
        let added = vec![(10, 1, 1), (30, 1, 1), (5, 7, 3), (30, 7, 3)];
        let again = kept
            .again(&new_of_old, added, |n| new_days[n as usize])
            .unwrap();
        let expected = made(vec![
            (5, 7, 3),
            (10, 3, 0),
            (10, 1, 1),
            (10, 1, 2),
            (10, 1, 4),
            (30, 1, 1),
            (30, 2, 5),
            (30, 7, 3),
        ]);
        assert_eq!(again.kept(), expected.kept());
        assert_eq!(again.get(10), Some(&[(1, 1), (1, 2), (1, 4), (3, 0)][..]));
        assert_eq!(again.get(20), None, "a list left empty is dropped");

        // An article moved among the others: the lists are sorted again.
        let moved = [Some(4), Some(0), Some(1), Some(2), Some(3), Some(5)];
        let again = kept.again(&moved, Vec::new(), |n| n as i32).unwrap();
        assert_eq!(again.get(10), Some(&[(0, 0), (1, 1), (2, 2), (4, 4)][..]));

        // More added to one list than are put in one by one: the list is sorted again.
        let added: Vec<(u32, i32, u32)> = (6..20).map(|i| (10, (i % 4) as i32, i)).collect();
        let grown = [Some(0), Some(1), Some(2), Some(3), Some(4), Some(5)];
        let again = kept
            .again(&grown, added.clone(), |n| days[n as usize])
            .unwrap();
        let mut expected = added;
        expected.extend(old.get(10).unwrap().iter().map(|&(d, i)| (10, d, i)));
        expected.extend([(20, 5, 2), (20, i32::MAX, 4), (30, 2, 5), (40, i32::MAX, 4)]);
        assert_eq!(again.kept(), made(expected).kept());

        // Places past the old articles: a damaged file, grouped from nothing.
        assert!(kept.again(&[Some(0)], Vec::new(), |_| 0).is_none());
    }
}
