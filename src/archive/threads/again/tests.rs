//! Grouping again against grouping from nothing with the same base.

use super::super::{Grouped, Item, ends, group_again, join, profiles_and_days, threads_of};
use super::*;
use crate::archive::threads::Profile;

use crate::parse::Date;

/// A made-up archive: stories of a few days each told by several articles, each article
/// a mix of its story's terms and common ones, some undated. Deterministic in `seed`.
#[derive(Clone)]
pub(in crate::archive::threads) struct Made {
    seed: u64,
    /// `(id, published, profile)` in id order, as a build lists them.
    pub(in crate::archive::threads) articles: Vec<(String, Option<Date>, Profile)>,
    next: u32,
}

impl Made {
    pub(in crate::archive::threads) fn new(seed: u64, n: usize) -> Made {
        let mut made = Made {
            seed,
            articles: Vec::new(),
            next: 0,
        };
        for _ in 0..n {
            let a = made.article();
            made.articles.push(a);
        }
        made.articles.sort_by(|x, y| x.0.cmp(&y.0));
        made
    }

    fn random(&mut self, below: u64) -> u64 {
        // xorshift64*: enough to scatter terms and days.
        self.seed ^= self.seed >> 12;
        self.seed ^= self.seed << 25;
        self.seed ^= self.seed >> 27;
        (self.seed.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) % below
    }

    fn article(&mut self) -> (String, Option<Date>, Profile) {
        let story = self.random(80);
        let mut terms: FxHashMap<u32, u32> = FxHashMap::default();
        for _ in 0..12 {
            *terms
                .entry(1000 + story as u32 * 20 + self.random(20) as u32)
                .or_default() += 1 + self.random(4) as u32;
        }
        for _ in 0..20 {
            *terms.entry(self.random(300) as u32).or_default() += 1 + self.random(2) as u32;
        }
        let mut terms: Vec<(u32, u32)> = terms.into_iter().collect();
        terms.sort_unstable();
        terms.truncate(32);
        let published = (self.random(10) != 0).then(|| {
            let day = (story * 5 + self.random(6)) % 56;
            Date::parse(&format!("2020-{:02}-{:02}", 1 + day / 28, 1 + day % 28)).unwrap()
        });
        // Ids spread over the order, so that new articles land among the old ones.
        self.next += 1;
        let id = format!("{:06}-{}", self.random(1_000_000), self.next);
        (id, published, Profile { body: None, terms })
    }

    pub(in crate::archive::threads) fn items(&self) -> Vec<Item<'_>> {
        self.articles
            .iter()
            .map(|(id, published, profile)| Item {
                id,
                published: *published,
                profile: profile.into(),
                unchanged: false,
            })
            .collect()
    }

    /// [`Made::items`], each said unchanged when `before` held its id with the same date and
    /// profile (as a build says of a dump reused from the cache its grouping was saved beside).
    pub(in crate::archive::threads) fn items_since(&self, before: &Made) -> Vec<Item<'_>> {
        let was: FxHashMap<&str, (&Option<Date>, &Profile)> = before
            .articles
            .iter()
            .map(|(id, published, profile)| (id.as_str(), (published, profile)))
            .collect();
        let mut items = self.items();
        for item in &mut items {
            item.unchanged = was.get(item.id).is_some_and(|&(published, profile)| {
                *published == item.published && item.profile.to_profile() == *profile
            });
        }
        items
    }

    pub(in crate::archive::threads) fn add(&mut self) {
        let a = self.article();
        self.put(a);
    }

    /// `article` put in id order.
    fn put(&mut self, article: (String, Option<Date>, Profile)) {
        let at = self.articles.partition_point(|x| x.0 < article.0);
        self.articles.insert(at, article);
    }

    pub(in crate::archive::threads) fn remove(&mut self) {
        let at = self.random(self.articles.len() as u64) as usize;
        self.articles.remove(at);
    }

    /// Another article's text under an existing id and date.
    pub(in crate::archive::threads) fn change(&mut self) {
        let at = self.random(self.articles.len() as u64) as usize;
        let (_, published, profile) = self.article();
        self.articles[at].1 = published;
        self.articles[at].2 = profile;
    }
}

/// A made-up archive of `n` articles and its grouping from nothing.
pub(in crate::archive::threads) fn made_grouping(n: usize) -> (Made, Grouping) {
    let made = Made::new(0x5eed, n);
    let (_, grouping) = group_again(&made.items(), None);
    (made, grouping)
}

/// The grouping and threads of `items` from nothing, weighed with `base`.
fn with_base(items: &[Item], base: &Base, drift: u32) -> (Grouped, Grouping) {
    let kept: Vec<usize> = (0..items.len()).collect();
    let (profiles, days) = profiles_and_days(items, &kept);
    let ids = items.iter().map(|i| i.id).collect();
    let grouping = from_nothing(base.clone(), drift, ids, &profiles, days.clone());
    let links: Vec<Link> = grouping.links();
    let roots = join(&links, ends, &days);
    let threads = threads_of(&kept, roots.len(), |p| roots[p], |k| k as u32);
    let duplicates = Vec::new();
    (
        Grouped {
            threads,
            duplicates,
        },
        grouping,
    )
}

/// A grouping as its places see it, whatever its numbers: base, drift, each place's id,
/// fingerprint, day and signature, the links between places in their order, and each list
/// as places. Two groupings that agree here group alike.
#[derive(Debug, PartialEq)]
struct ByPlace {
    base: Base,
    drift: u32,
    articles: Vec<(String, u64, Option<i32>, Vec<u32>)>,
    links: Vec<(usize, usize, f32)>,
    lists: Vec<(u32, Vec<u32>)>,
}

fn by_place(g: &Grouping) -> ByPlace {
    let place = g.places().expect("a whole grouping");
    ByPlace {
        base: g.base.clone(),
        drift: g.drift,
        articles: g
            .order
            .iter()
            .map(|&m| {
                let k = m as usize;
                let signature = g.signature(m).to_vec();
                (
                    g.ids.get(k).to_string(),
                    g.signatures.print(k),
                    g.days[k],
                    signature,
                )
            })
            .collect(),
        links: g.links().iter().map(|l| (l.a, l.b, l.similarity)).collect(),
        lists: g
            .lists
            .iter()
            .map(|(t, list)| (t, list.iter().map(|&m| place[m as usize]).collect()))
            .collect(),
    }
}

#[test]
fn grouping_again_equals_grouping_from_nothing_with_the_same_base() {
    // Each archive grouped again with every article's fingerprint made, and with those of
    // the articles the last round held as they are taken as known (`Item::unchanged`).
    for (seed, said) in (1..=12u64).flat_map(|seed| [(seed, false), (seed, true)]) {
        let mut made = Made::new(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15), 1000);
        let (first, mut grouping) = group_again(&made.items(), None);
        assert!(first.threads.len() > 20, "the made-up archive has threads");
        let base = grouping.base.clone();
        // Nine changes of 1,000 articles are within the allowance (1%): three rounds.
        for round in 0..3 {
            let last = made.clone();
            match round {
                0 => (0..3).for_each(|_| made.add()),
                1 => {
                    made.change();
                    made.remove();
                    made.add();
                }
                _ => {
                    made.remove();
                    made.remove();
                    made.change();
                }
            }
            let items = match said {
                true => made.items_since(&last),
                false => made.items(),
            };
            let told = items.iter().filter(|i| !i.unchanged).count();
            match said {
                true => assert!((1..=3).contains(&told), "seed {seed} round {round}: {told}"),
                false => assert_eq!(told, items.len()),
            }
            let before = grouping.clone();
            let (threads, again) = group_again(&items, Some(grouping));
            assert_eq!(
                again.base, base,
                "seed {seed} round {round}: the base is kept"
            );
            let (expected_threads, expected) = with_base(&items, &base, again.drift);
            assert_eq!(
                by_place(&again),
                by_place(&expected),
                "seed {seed} round {round}"
            );
            assert_eq!(threads, expected_threads, "seed {seed} round {round}");
            // Numbers stay: the articles kept are where they were, the new ones after.
            let kept = before.order.iter().filter(|&&m| again.order.contains(&m));
            assert!(kept.count() >= before.order.len() - 3);
            assert_eq!(&again.ids.get(0), &before.ids.get(0));
            assert!(again.slots() > before.slots());
            // Kept as its chunks and read back, it is the same.
            let mut disk = rustc_hash::FxHashMap::default();
            let pieces = again.pieces(|_| false, |_| None::<Vec<u8>>).unwrap();
            let (names, _) = super::super::stored::put(&mut disk, pieces);
            let doubled = (again.drift, again.doubled.clone());
            let back = Grouping::from_pieces(names, doubled, |n| disk.get(n).cloned()).unwrap();
            assert_eq!(
                Grouping {
                    stored: None,
                    ..back
                },
                again
            );
            grouping = again;
        }
        assert_eq!(grouping.drift, 3 + 3 + 3);
    }
}

#[test]
fn past_the_allowance_the_base_is_counted_again() {
    let mut made = Made::new(7, 300);
    let (_, grouping) = group_again(&made.items(), None);
    assert_eq!((grouping.allowance(), grouping.base.n), (3, 300));
    made.add();
    made.add();
    made.remove();
    let (_, within) = group_again(&made.items(), Some(grouping));
    assert_eq!((within.base.n, within.drift), (300, 3));
    made.add();
    let items = made.items();
    let (threads, past) = group_again(&items, Some(within));
    let (expected_threads, expected) = group_again(&items, None);
    assert_eq!((past.base.n, past.drift), (302, 0));
    assert_eq!(past, expected);
    assert_eq!(threads, expected_threads);
    assert_eq!(threads, super::super::group_profiles(&items));
}

#[test]
fn under_a_hundred_articles_every_change_counts_the_base_again() {
    let mut made = Made::new(3, 99);
    let (_, grouping) = group_again(&made.items(), None);
    let (_, unchanged) = group_again(&made.items(), Some(grouping.clone()));
    assert_eq!(unchanged, grouping);
    made.change();
    let (_, changed) = group_again(&made.items(), Some(grouping.clone()));
    assert_eq!((changed.base.n, changed.drift), (99, 0));
    assert_ne!(changed.base, grouping.base);
}

#[test]
fn an_article_moved_among_the_others_groups_as_from_nothing() {
    let mut made = Made::new(11, 1000);
    let (_, grouping) = group_again(&made.items(), None);
    let base = grouping.base.clone();
    let last = made.clone();
    // A rename: the article keeps its id and text, but is listed elsewhere (and so is said
    // unchanged, as a build says of a dump reused from the cache).
    let moved = made.articles.remove(100);
    made.articles.insert(700, moved);
    made.add();
    let items = made.items_since(&last);
    assert_eq!(items.iter().filter(|i| !i.unchanged).count(), 1);
    let (threads, again) = group_again(&items, Some(grouping));
    let (expected_threads, expected) = with_base(&items, &base, again.drift);
    assert_eq!(by_place(&again), by_place(&expected));
    assert_eq!(threads, expected_threads);
}

#[test]
fn a_damaged_grouping_is_grouped_from_nothing() {
    let made = Made::new(5, 300);
    let items = made.items();
    let (threads, grouping) = group_again(&items, None);
    let mut damaged = [grouping.clone(), grouping.clone(), grouping.clone()];
    damaged[0].order[3] = damaged[0].order[4];
    damaged[1].links.push((0, u32::MAX - 1, 0.5));
    damaged[2].days.pop();
    for g in damaged {
        assert!(g.places().is_none());
        let (again, regrouped) = group_again(&items, Some(g));
        assert_eq!((again, regrouped), (threads.clone(), grouping.clone()));
    }
}

/// An article of its own terms, dated 10 March 2020: twelve terms from each of `stories`
/// (`telling` of them, from each story's first), its counts varied by `k`.
fn told(id: &str, stories: &[u32], telling: u32, k: u32) -> (String, Option<Date>, Profile) {
    let terms = stories
        .iter()
        .flat_map(|&s| (0..telling).map(move |j| (s + j, 2 + (j + k) % 3)))
        .collect();
    let published = Some(Date::parse("2020-03-10").unwrap());
    (id.to_string(), published, Profile { body: None, terms })
}

/// The ids of the thread `id` is in, if any.
fn thread_with(threads: &Grouped, items: &[Item], id: &str) -> Option<Vec<String>> {
    let name = |&k: &u32| items[k as usize].id.to_string();
    let names = threads.threads.iter().map(|t| t.iter().map(name).collect());
    names
        .into_iter()
        .find(|t: &Vec<String>| t.iter().any(|a| a == id))
}

/// `items` grouped again from `grouping`, which keeps its base (`drift` articles changed
/// since it was counted), checked against a grouping from nothing with that base.
fn again_as_from_nothing(
    items: &[Item],
    grouping: Grouping,
    base: &Base,
    drift: u32,
) -> (Grouped, Grouping) {
    let (threads, again) = group_again(items, Some(grouping));
    assert_eq!((&again.base, again.drift), (base, drift), "grouped again");
    let (expected_threads, expected) = with_base(items, base, drift);
    assert_eq!(by_place(&again), by_place(&expected));
    assert_eq!(threads, expected_threads);
    (threads, again)
}

#[test]
fn a_plus_one_telling_two_stories_joins_their_threads_and_its_removal_splits_them() {
    // Two stories of three articles each, terms of their own; then one article telling both
    // (half its terms from each: a cosine of 0.5 with every one of them) added and removed,
    // each time grouped again from the last grouping, as a `+1` is.
    let mut made = Made::new(21, 1000);
    for k in 0..3 {
        made.put(told(&format!("~x{k}"), &[5000], 12, k));
        made.put(told(&format!("~y{k}"), &[6000], 12, k));
    }
    let items = made.items();
    let (first, grouping) = group_again(&items, None);
    let base = grouping.base.clone();
    let x = ["~x0", "~x1", "~x2"].map(String::from).to_vec();
    let y = ["~y0", "~y1", "~y2"].map(String::from).to_vec();
    assert_eq!(thread_with(&first, &items, "~x1"), Some(x.clone()));
    assert_eq!(thread_with(&first, &items, "~y1"), Some(y.clone()));

    let last = made.clone();
    made.put(told("~b", &[5000, 6000], 6, 0));
    let items = made.items_since(&last);
    let (joined, grouping) = again_as_from_nothing(&items, grouping, &base, 1);
    let all = [&["~b".to_string()][..], &x, &y].concat();
    assert_eq!(thread_with(&joined, &items, "~x1"), Some(all.clone()));
    assert_eq!(thread_with(&joined, &items, "~y2"), Some(all));

    let last = made.clone();
    made.articles.retain(|a| a.0 != "~b");
    let items = made.items_since(&last);
    let (split, _) = again_as_from_nothing(&items, grouping, &base, 2);
    assert_eq!(thread_with(&split, &items, "~x1"), Some(x));
    assert_eq!(thread_with(&split, &items, "~y1"), Some(y));
}

#[test]
fn duplicates_found_again_are_those_found_from_nothing() {
    // Bodies of their own but for three pairs (articles k and k + 997 share one), then a
    // copy added before its first, the kept one of a pair removed, an article changed into
    // another's copy: each round grouped again from the last, as a `+1` is.
    let mut made = Made::new(31, 1000);
    for (k, a) in made.articles.iter_mut().enumerate() {
        a.2.body = Some((k as u64 % 997, 40));
    }
    let (first, mut grouping) = group_again(&made.items(), None);
    assert_eq!(first.duplicates.len(), 3);
    for round in 0..3 {
        let last = made.clone();
        match round {
            0 => {
                let mut copy = made.articles[500].clone();
                copy.0 = format!("!{}", copy.0);
                made.put(copy);
            }
            1 => drop(made.articles.remove(1)),
            _ => {
                let body = made.articles[20].2.body;
                made.articles[10].2.body = body;
            }
        }
        let items = made.items_since(&last);
        let (threads, again) = group_again(&items, Some(grouping));
        let expected = super::super::verbatim_duplicates(&items, None);
        assert_eq!(threads.duplicates, expected.duplicates, "round {round}");
        assert_eq!(again.doubled, expected.doubled, "round {round}");
        grouping = again;
    }
    assert_eq!(grouping.doubled.len(), 4);
}

#[test]
fn a_change_at_one_end_of_a_chain_moves_an_article_at_its_other_end() {
    // Eleven articles three days apart, each sharing six terms of its own with the next and
    // none with any other: a chain of equal links but at its ends (an end's every term is
    // shared, so its link is stronger), joined from the first place. The span cap (21 days)
    // stops the first thread at c7 and leaves c8 to the last one; with c0 removed, the first
    // thread reaches c8 (a link with no end the change touched: the decision it flips is
    // seven links deep), and c9 and c10 stay two.
    let chained = |k: u32| {
        let group = |pair: u32| (0..6).map(move |j| (7000 + pair * 10 + j, 2));
        let before = (k > 0).then(|| group(k - 1)).into_iter().flatten();
        let after = (k < 10).then(|| group(k)).into_iter().flatten();
        let terms = before.chain(after).collect();
        let day = Date::parse(&format!("2020-03-{:02}", 1 + 3 * k)).unwrap();
        let profile = Profile { body: None, terms };
        (format!("~c{k:02}"), Some(day), profile)
    };
    let mut made = Made::new(41, 1000);
    (0..=10).for_each(|k| made.put(chained(k)));
    let items = made.items();
    let (first, grouping) = group_again(&items, None);
    let base = grouping.base.clone();
    let ids = |ks: std::ops::RangeInclusive<u32>| ks.map(|k| format!("~c{k:02}")).collect();
    assert_eq!(thread_with(&first, &items, "~c00"), Some(ids(0..=7)));
    assert_eq!(thread_with(&first, &items, "~c08"), Some(ids(8..=10)));

    let last = made.clone();
    made.articles.retain(|a| a.0 != "~c00");
    let items = made.items_since(&last);
    let (again, _) = again_as_from_nothing(&items, grouping, &base, 1);
    assert_eq!(thread_with(&again, &items, "~c08"), Some(ids(1..=8)));
    assert_eq!(thread_with(&again, &items, "~c09"), Some(ids(9..=10)));
}

proptest::proptest! {
    /// The links edited in place are what writing the standing ones, with each fresh one
    /// before the link it goes before, into a new vector gave.
    #[test]
    fn links_edited_in_place_are_the_standing_ones_with_the_fresh_among_them(
        links in proptest::collection::vec(0u32..1000, 0..300),
        fresh in proptest::collection::vec((0usize..320, 1000u32..2000), 0..40),
        every in 1u32..5,
    ) {
        let mut fresh: Vec<(usize, u32)> =
            fresh.into_iter().map(|(k, l)| (k.min(links.len()), l)).collect();
        fresh.sort_by_key(|f| f.0);
        let stands = |l: &u32| !l.is_multiple_of(every);
        let mut expected = Vec::new();
        let mut copied = 0;
        for &(to, l) in &fresh {
            expected.extend(links[copied..to].iter().filter(|l| stands(l)));
            expected.push(l);
            copied = to;
        }
        expected.extend(links[copied..].iter().filter(|l| stands(l)));
        let mut edited = links.clone();
        edit_in_place(&mut edited, &fresh, stands);
        proptest::prop_assert_eq!(edited, expected);
    }
}
