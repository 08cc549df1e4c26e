//! A grouping made apart from its threads' join ([`regroup`]): a build needs the duplicates
//! at once (they decide what it serves) and the threads only where it writes their ids, so it
//! joins them on a thread of its own meanwhile ([`Unjoined`]).
//! [`group_again_as`](super::group_again_as) is the two one after the other.

use super::again::{self, Grouping};
use super::by_root::threads_of;
use super::verbatim::{Verbatim, verbatim_duplicates};
use super::{Item, join, profiles_and_days, weigh};

/// [`group_again_as`](super::group_again_as) but for the join: the duplicates, and the
/// grouping made, its threads left to join ([`Unjoined::threads`]).
pub fn regroup(items: &[Item], previous: Option<Grouping>) -> (Vec<(String, String)>, Unjoined) {
    let Verbatim {
        kept,
        duplicates,
        doubled,
    } = verbatim_duplicates(items, previous.as_ref().map(Grouping::doubled));
    // The items are read through `kept` where they are: their ids, profiles, days and
    // whether they are unchanged copied by place were ≈ 49 bytes an article made at every
    // `+1`, and each day counted from its date.
    let again = previous.and_then(|p| again::again(p, items, &kept));
    let mut grouping = match again {
        Some(grouping) => grouping,
        None => {
            let (profiles, days) = profiles_and_days(items, &kept);
            let (counts, vectors) = weigh(&profiles);
            let base = again::Base::of(profiles.len(), &counts);
            let ids = kept.iter().map(|&i| items[i].id).collect();
            again::grouping_of(base, 0, ids, &profiles, days, &vectors).0
        }
    };
    grouping.doubled = doubled;
    (duplicates, Unjoined { kept, grouping })
}

/// A grouping made and its threads not yet joined ([`regroup`]'s): what the join and the
/// naming read (the grouping's links, days and order, and the places of the items kept),
/// with nothing borrowed from the items, so that it can be joined on another thread.
#[derive(Debug)]
pub struct Unjoined {
    /// The places of the items grouped: all but the verbatim duplicates dropped.
    kept: Vec<usize>,
    grouping: Grouping,
}

impl Unjoined {
    /// The threads, each article as `name` gives it from its item's place (see
    /// [`group_again_as`](super::group_again_as)).
    ///
    /// Joined by number, as the grouping keeps its links and days: a link's places were two
    /// lookups in an array of every article's, at every `+1`. The caps see the same links in
    /// the same order and the same days as a join by place would: a grouping made from
    /// nothing numbers its articles by place.
    pub fn threads<T>(&self, name: impl Fn(usize) -> T) -> Vec<Vec<T>> {
        let grouping = &self.grouping;
        let ends = |&(a, b, _): &(u32, u32, f32)| (a as usize, b as usize);
        let roots = join(&grouping.links, ends, &grouping.days);
        let root = |p: usize| roots[grouping.order[p] as usize];
        threads_of(&self.kept, roots.len(), root, name)
    }

    /// The grouping, for the next build (once joined: it is what the join reads).
    pub fn into_grouping(self) -> Grouping {
        self.grouping
    }
}

#[cfg(test)]
mod tests {
    use super::super::again::tests::Made;
    use super::super::{Grouped, group_again_as, group_profiles};
    use super::*;

    /// [`group_again_as`] as it was before the join was done apart from the grouping: the
    /// join from the links made from nothing by place, and `threads_of` called inline.
    fn group_again_inline<T>(
        items: &[Item],
        previous: Option<Grouping>,
        name: impl Fn(usize) -> T,
    ) -> (Grouped<T>, Grouping) {
        let Verbatim {
            kept,
            duplicates,
            doubled,
        } = verbatim_duplicates(items, previous.as_ref().map(Grouping::doubled));
        let again = previous.and_then(|p| again::again(p, items, &kept));
        if let Some(mut grouping) = again {
            grouping.doubled = doubled;
            let ends = |&(a, b, _): &(u32, u32, f32)| (a as usize, b as usize);
            let roots = join(&grouping.links, ends, &grouping.days);
            let root = |p: usize| roots[grouping.order[p] as usize];
            let threads = threads_of(&kept, roots.len(), root, name);
            return (
                Grouped {
                    threads,
                    duplicates,
                },
                grouping,
            );
        }
        let (profiles, days) = profiles_and_days(items, &kept);
        let (counts, vectors) = weigh(&profiles);
        let base = again::Base::of(profiles.len(), &counts);
        let ids = kept.iter().map(|&i| items[i].id).collect();
        let (mut grouping, links) =
            again::grouping_of(base, 0, ids, &profiles, days.clone(), &vectors);
        grouping.doubled = doubled;
        let roots = join(&links, super::super::ends, &days);
        let threads = threads_of(&kept, roots.len(), |p| roots[p], name);
        (
            Grouped {
                threads,
                duplicates,
            },
            grouping,
        )
    }

    /// `items` regrouped from `previous`, the threads joined afterwards, against the inline
    /// grouping; each threaded article named by something of its own (not its place alone).
    fn regrouped_as_inline(items: &[Item], previous: Option<Grouping>, what: &str) -> Grouping {
        let name = |k: usize| (k, items[k].id.to_string());
        let (expected, inline) = group_again_inline(items, previous.clone(), name);
        let (duplicates, unjoined) = regroup(items, previous.clone());
        assert_eq!(unjoined.threads(name), expected.threads, "{what}");
        // Joined twice, the same: the join reads the grouping, it does not change it.
        assert_eq!(unjoined.threads(name), expected.threads, "{what}");
        assert_eq!(duplicates, expected.duplicates, "{what}");
        let grouping = unjoined.into_grouping();
        assert_eq!(grouping, inline, "{what}");
        let (composed, again) = group_again_as(items, previous, name);
        assert_eq!((composed, again), (expected, inline), "{what}");
        grouping
    }

    #[test]
    fn regrouped_and_joined_apart_is_grouped_inline() {
        // From nothing (with three pairs of verbatim duplicates), then `+1`s, a change and a
        // removal grouped again from the last grouping, each with the items the last round
        // held said unchanged; then past the allowance (1%), counted from nothing again.
        let mut made = Made::new(0x70, 1000);
        for (k, a) in made.articles.iter_mut().enumerate() {
            a.2.body = Some((k as u64 % 997, 40));
        }
        let items = made.items();
        let mut grouping = regrouped_as_inline(&items, None, "from nothing");
        let threads = group_profiles(&items).threads.len();
        assert!(threads > 20, "the made-up archive has threads: {threads}");
        assert_eq!((grouping.drift(), grouping.doubled().len()), (0, 3));
        for round in 0..4 {
            let last = made.clone();
            match round {
                0 | 3 => made.add(),
                1 => made.change(),
                _ => made.remove(),
            }
            let items = made.items_since(&last);
            let what = format!("round {round}");
            let drift = grouping.drift();
            grouping = regrouped_as_inline(&items, Some(grouping), &what);
            assert!(grouping.drift() > drift, "{what}: grouped again");
        }
        (0..10).for_each(|_| made.add());
        let items = made.items();
        let grouping = regrouped_as_inline(&items, Some(grouping), "past the allowance");
        assert_eq!(grouping.drift(), 0, "counted again");
    }
}
