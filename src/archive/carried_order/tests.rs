//! The carried order's tests: saved and loaded, carried over as a build from nothing would
//! sort it, and as its rules say ([`model`]) on any next build.

use std::collections::{HashMap, HashSet};

use proptest::bool::weighted;
use proptest::collection::vec;
use proptest::prelude::any;

use super::*;
use crate::archive::build::Done;
use crate::archive::entry::Entry;
use crate::archive::model::{Part, reading_order};
use crate::archive::results::Results;
use crate::archive::store::PartRef;
use crate::archive::threads::Profile;

/// A file's result of one article per `(date, id)`; reused from the cache at `from_cache`.
fn result(articles: &[(Option<&str>, &str)], from_cache: Option<u32>) -> Done {
    let whole = articles
        .iter()
        .map(|&(date, id)| {
            let mut entry = Entry::default();
            entry.article.id = id.into();
            entry.article.published = date.map(|d| Date::parse(d).unwrap());
            let part = Part::Stored(PartRef { offset: 0, len: 1 });
            (entry, part, Profile::default())
        })
        .collect();
    Done {
        name: String::new(),
        stamp: Some(super::super::stamp::Stamp::of(&fs::metadata(".").unwrap())),
        over: None,
        outcomes: Results::Whole(whole),
        said: Default::default(),
        from_cache,
    }
}

fn sorted(done: &[Done], served: &[At]) -> Vec<At> {
    let key = |(i, j): At| (done[i].outcomes.published(j), done[i].outcomes.id(j));
    by_key(served, key)
}

/// `ats` in reading order, sorted from nothing.
fn by_key<'a>(ats: &[At], key: impl Fn(At) -> Key<'a> + Sync) -> Vec<At> {
    let order = reading_order(ats.len(), |k| key(ats[k]));
    order.into_iter().map(|k| ats[k]).collect()
}

fn carried(last: &LastOrder, done: &[Done], served: &[At]) -> Option<Vec<At>> {
    let key = |(i, j): At| (done[i].outcomes.published(j), done[i].outcomes.id(j));
    let files = done.iter().map(|d| (d.outcomes.len(), d.from_cache));
    carry(last, files, served, key, |fresh| sorted(done, fresh), &[]).map(|c| c.order)
}

fn cached(done: &[Done]) -> impl ExactSizeIterator<Item = bool> + '_ {
    done.iter().map(Done::is_cached)
}

fn every(done: &[Done]) -> Vec<At> {
    super::super::build::every_article(done).collect()
}

#[test]
fn the_order_carried_over_is_the_order_sorted_from_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let date = |d: usize| format!("2015-{:02}-{:02}", 1 + d % 12, 1 + d % 28);
    // Some undated, several on one day, a crawl of three pages.
    let ids: Vec<String> = (0..300).map(|i| format!("{:x}", i * 7919 % 1000)).collect();
    let articles = |i: usize| -> Vec<(Option<String>, &str)> {
        match i {
            7 => vec![
                (None, "crawl-a"),
                (Some(date(3)), "crawl-b"),
                (None, "crawl-c"),
            ],
            _ => vec![((!i.is_multiple_of(9)).then(|| date(i / 5)), ids[i].as_str())],
        }
    };
    let make = |i: usize, from_cache: Option<u32>| {
        let a = articles(i);
        let refs: Vec<(Option<&str>, &str)> = a.iter().map(|(d, id)| (d.as_deref(), *id)).collect();
        result(&refs, from_cache)
    };
    let first: Vec<Done> = (0..300).map(|i| make(i, None)).collect();
    let served = every(&first);
    let order = sorted(&first, &served);
    save(dir.path(), 42, true, &order, cached(&first)).unwrap();
    assert!(load(dir.path(), 41).is_none(), "another cache's places");
    let last = load(dir.path(), 42).unwrap();

    // The next build: dump 5 gone, dumps 10 and 11 parsed again (11 with a new date), new
    // dumps, and dump 20's article no longer served (a duplicate dropped).
    let mut next = Vec::new();
    for i in 0..300 {
        match i {
            5 => {}
            10 => next.push(make(i, None)),
            11 => next.push(result(&[(Some("1999-01-01"), ids[11].as_str())], None)),
            150 => {
                // Two new ones side by side, and one last of all (undated, a high id).
                next.push(result(&[(Some("2015-06-06"), "new")], None));
                next.push(result(&[(Some("2015-06-06"), "new2")], None));
                next.push(result(&[(None, "zzz")], None));
                next.push(make(i, Some(i as u32)));
            }
            _ => next.push(make(i, Some(i as u32))),
        }
    }
    let served: Vec<At> = every(&next).into_iter().filter(|&(i, _)| i != 19).collect();
    let expected = sorted(&next, &served);
    assert_eq!(carried(&last, &next, &served), Some(expected.clone()));
    assert_eq!(expected.len(), 302 - 1 + 3 - 1);
    // The last order cut into runs: each is whole where all its articles were kept (from a
    // reused file, still served) and stand side by side in the new order.
    // Runs of one to five articles: fresh ones land inside runs and between them.
    let mut spans: Vec<usize> = (0..).map(|k| 1 + k % 5).take(100).collect();
    let cut: usize = spans.iter().sum();
    spans.push(order.len() - cut);
    let whole = |done: &[Done], served: &[At], expected: &[At]| {
        let id = |d: &[Done], (i, j): At| d[i].outcomes.id(j).to_owned();
        let place: HashMap<String, usize> = (expected.iter().enumerate())
            .map(|(k, &at)| (id(done, at), k))
            .collect();
        let kept: HashSet<String> = (served.iter())
            .filter(|&&(i, _)| done[i].from_cache.is_some())
            .map(|&at| id(done, at))
            .collect();
        let mut from = 0;
        let mut runs = Vec::new();
        for &len in &spans {
            let ids: Vec<String> = order[from..from + len]
                .iter()
                .map(|&at| id(&first, at))
                .collect();
            from += len;
            let start = place.get(&ids[0]).copied();
            let side_by_side = (ids.iter().enumerate())
                .all(|(k, i)| kept.contains(i) && start.map(|s| s + k) == place.get(i).copied());
            runs.push(start.filter(|_| side_by_side));
        }
        runs
    };
    let key = |(i, j): At| (next[i].outcomes.published(j), next[i].outcomes.id(j));
    let files = next.iter().map(|d| (d.outcomes.len(), d.from_cache));
    let carried_runs = carry(&last, files, &served, key, |f| sorted(&next, f), &spans).unwrap();
    let runs = whole(&next, &served, &expected);
    assert!(runs.iter().any(Option::is_some) && runs.iter().any(Option::is_none));
    assert_eq!(carried_runs.whole, runs);
    let short = carry(
        &last,
        next.iter().map(|d| (d.outcomes.len(), d.from_cache)),
        &served,
        key,
        |f| sorted(&next, f),
        &spans[1..],
    );
    assert!(
        short.unwrap().whole.iter().all(Option::is_none),
        "runs that do not add up"
    );

    // Nothing changed: the order as it was.
    let again: Vec<Done> = (0..300).map(|i| make(i, Some(i as u32))).collect();
    let served = every(&again);
    let key = |(i, j): At| (again[i].outcomes.published(j), again[i].outcomes.id(j));
    let files = again.iter().map(|d| (d.outcomes.len(), d.from_cache));
    let all = carry(&last, files, &served, key, |f| sorted(&again, f), &spans).unwrap();
    let starts = spans.iter().scan(0, |at, len| {
        *at += len;
        Some(Some(*at - len))
    });
    assert_eq!(all.whole, starts.collect::<Vec<_>>());
    assert_eq!(carried(&last, &again, &served), Some(order));
}

#[test]
fn an_order_of_another_cache_or_of_ids_made_unique_or_cut_short_is_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let done = vec![result(&[(None, "a")], None), result(&[(None, "b")], None)];
    let order = every(&done);
    save(dir.path(), 7, true, &order, cached(&done)).unwrap();
    let places: Vec<u64> = load(dir.path(), 7).unwrap().places().collect();
    assert_eq!(places, [0, 1 << 32]);
    assert!(load(dir.path(), 8).is_none());
    save(dir.path(), 7, false, &order, cached(&done)).unwrap();
    assert!(load(dir.path(), 7).is_none(), "an id was made unique");
    save(dir.path(), 7, true, &order, cached(&done)).unwrap();
    let bytes = fs::read(path_in(dir.path())).unwrap();
    fs::write(path_in(dir.path()), &bytes[..bytes.len() - 1]).unwrap();
    assert!(load(dir.path(), 7).is_none(), "cut short");
}

/// An article of a file the cache does not hold is saved at a place no file of the next build
/// has: the next build sorts it in by its key, and keeps in place only the articles it named.
#[test]
fn an_article_of_a_file_the_cache_leaves_out_names_no_other_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut done = vec![
        result(&[(Some("2024-01-02"), "a")], None),
        result(&[(Some("2024-01-01"), "b")], None),
        result(&[(Some("2024-01-03"), "c")], None),
    ];
    // `b`'s file is read but not held (its stamp unknown): the cache holds `a` and `c` only.
    done[1].stamp = None;
    let order = sorted(&done, &every(&done));
    save(dir.path(), 7, true, &order, cached(&done)).unwrap();
    let last = load(dir.path(), 7).unwrap();
    assert_eq!(
        last.places().collect::<Vec<_>>(),
        [u64::from(UNHELD) << 32, 0, 1 << 32],
        "b at no file's place, then a and c at theirs"
    );
    // The next build: `a` and `c` reused from the cache's places 0 and 1, and a new file.
    // Had `b` been numbered as the next held file, `c` would be kept first, before `a`.
    let again = vec![
        result(&[(Some("2024-01-02"), "a")], Some(0)),
        result(&[(Some("2024-01-01"), "b")], None),
        result(&[(Some("2024-01-03"), "c")], Some(1)),
        result(&[(Some("2024-01-04"), "d")], None),
    ];
    let served = every(&again);
    assert_eq!(
        carried(&last, &again, &served),
        Some(sorted(&again, &served))
    );
}

/// What [`carry`] gives, said plainly for orders as builds make them (sorted by keys that
/// all differ): each place of the last order looked up in maps, kept where its article is
/// still served (once); the others sorted and merged in by their keys, a tie with a kept
/// one giving `None`; a run whole where each of its places was kept and nothing came in
/// between.
fn model<'a>(
    last: &[u64],
    files: &[(usize, Option<u32>)],
    served: &[At],
    key: impl Fn(At) -> Key<'a>,
    sort: impl FnOnce(&[At]) -> Vec<At>,
    spans: &[usize],
) -> Option<(Vec<At>, Vec<Option<usize>>)> {
    // Two files reused from one place: the later one has it.
    let reused: HashMap<u64, usize> = (files.iter().enumerate())
        .filter_map(|(i, &(_, from))| Some((u64::from(from?), i)))
        .collect();
    let is_served: HashSet<At> = served.iter().copied().collect();
    let mut taken = HashSet::new();
    let by_place: Vec<Option<At>> = (last.iter())
        .map(|&place| {
            let i = *reused.get(&(place >> 32))?;
            let at = (i, (place & u64::from(u32::MAX)) as usize);
            (at.1 < files[i].0 && is_served.contains(&at) && taken.insert(at)).then_some(at)
        })
        .collect();
    let kept: Vec<At> = by_place.iter().flatten().copied().collect();
    let fresh: Vec<At> = (served.iter())
        .filter(|at| !taken.contains(at))
        .copied()
        .collect();
    let fresh = sort(&fresh);
    let mut order = Vec::with_capacity(kept.len() + fresh.len());
    let (mut k, mut f) = (0, 0);
    while k < kept.len() || f < fresh.len() {
        let fresh_first = match (kept.get(k), fresh.get(f)) {
            (Some(&old), Some(&new)) => match ordered(key(new)).cmp(&ordered(key(old))) {
                std::cmp::Ordering::Equal => return None,
                by => by.is_lt(),
            },
            (old, _) => old.is_none(),
        };
        if fresh_first {
            order.push(fresh[f]);
            f += 1;
        } else {
            order.push(kept[k]);
            k += 1;
        }
    }
    if spans.iter().sum::<usize>() != last.len() {
        return Some((order, Vec::new()));
    }
    let place: HashMap<At, usize> = (order.iter().enumerate()).map(|(q, &at)| (at, q)).collect();
    let mut whole = Vec::with_capacity(spans.len());
    let mut start = 0;
    for &len in spans {
        let run = &by_place[start..start + len];
        whole.push(match len {
            // A run of none (no chunk is empty; the rule is the carry's): where the next
            // kept article is, the order's end after the last; none at the very end.
            _ if start == last.len() => None,
            0 => Some(
                (by_place[start..].iter().flatten().next()).map_or(order.len(), |at| place[at]),
            ),
            _ => (run.iter().copied().collect::<Option<Vec<At>>>()).and_then(|run| {
                let q = place[&run[0]];
                (order.get(q..q + len) == Some(&run[..])).then_some(q)
            }),
        });
        start += len;
    }
    Some((order, whole))
}

/// The dates the generated articles take; a fifth is undated.
const DATES: [&str; 4] = ["2015-01-01", "2015-01-02", "2015-03-01", "2016-01-01"];

/// A file's articles, each with its date and id.
type Articles = Vec<(Option<Date>, String)>;

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]
    /// Any next build (files reused where they were or elsewhere, reused twice, parsed
    /// again, gone or new; articles no longer served; a new one with a kept one's key) and
    /// any cut of the last order into runs: the carry gives what [`model`] says and, where
    /// it gives an order, the order sorted from nothing.
    #[test]
    fn the_carry_is_what_its_rules_say(
        last_files in vec(vec((0..5usize, weighted(0.1)), 0..4), 0..10),
        fates in vec(0..40u8, 10),
        added in vec((0..12usize, vec(0..5usize, 1..3)), 0..4),
        tie in proptest::option::weighted(0.15, any::<usize>()),
        dropped in vec(weighted(0.1), 48),
        names in proptest::option::of(vec(any::<u8>(), 24)),
        (lens, cut) in (vec(0..5usize, 0..24), 0..5u8),
    ) {
        let date = |d: usize| DATES.get(d).map(|d| Date::parse(d).unwrap());
        // The last build: its files, its served (each as it was left out or not) in
        // reading order, saved and loaded as `order.bin`.
        let last: Vec<Articles> = (last_files.iter().enumerate())
            .map(|(k, articles)| {
                (articles.iter().enumerate())
                    .map(|(j, &(d, _))| (date(d), format!("f{k}-{j}")))
                    .collect()
            })
            .collect();
        let last_served: Vec<At> = (last_files.iter().enumerate())
            .flat_map(|(k, articles)| {
                let left_out = articles.iter().map(|&(_, out)| out);
                (left_out.enumerate()).filter_map(move |(j, out)| (!out).then_some((k, j)))
            })
            .collect();
        let last_key = |(k, j): At| (last[k][j].0, last[k][j].1.as_str());
        let dir = tempfile::tempdir().unwrap();
        let last_order = by_key(&last_served, last_key);
        save(dir.path(), 1, true, &last_order, last.iter().map(|_| true)).unwrap();
        let loaded = load(dir.path(), 1).unwrap();
        let places: Vec<u64> = loaded.places().collect();

        // The next build's files, each with its place in the cache when reused.
        let mut next: Vec<(Articles, Option<u32>)> = Vec::new();
        for (k, articles) in last.iter().enumerate() {
            let from = Some(k as u32);
            match fates[k] {
                0..4 => {}
                4..6 => next.push((articles.clone(), None)),
                6..8 => {
                    let again = articles.iter().map(|(_, id)| (date(3), id.clone()));
                    next.push((again.collect(), None));
                }
                // No build reuses a file shorter, nor one twice: the carry checks both.
                8 => next.push((articles[..articles.len().saturating_sub(1)].to_vec(), from)),
                9 => next.extend([(articles.clone(), from), (articles.clone(), from)]),
                _ => next.push((articles.clone(), from)),
            }
        }
        for (m, (at, dates)) in added.iter().enumerate() {
            let articles = (dates.iter().enumerate())
                .map(|(j, &d)| (date(d), format!("n{m}-{j}")))
                .collect();
            next.insert((*at).min(next.len()), (articles, None));
        }
        if let Some(t) = tie.filter(|_| !last_served.is_empty()) {
            let (k, j) = last_served[t % last_served.len()];
            next.insert(t % (next.len() + 1), (vec![last[k][j].clone()], None));
        }
        if let Some(names) = names {
            let mut named: Vec<_> = next.into_iter().enumerate().collect();
            named.sort_by_key(|(i, _)| names[i % names.len()]);
            next = named.into_iter().map(|(_, file)| file).collect();
        }
        let files: Vec<(usize, Option<u32>)> =
            next.iter().map(|(articles, from)| (articles.len(), *from)).collect();
        let every = (next.iter().enumerate())
            .flat_map(|(i, (articles, _))| (0..articles.len()).map(move |j| (i, j)));
        let served: Vec<At> = (every.enumerate())
            .filter_map(|(n, at)| (!dropped[n % dropped.len()]).then_some(at))
            .collect();

        // The runs as drawn (those of none left out in one case of five: no chunk is
        // empty), short of the order or the rest as one more; then perhaps one of none
        // at the end, or one of a place the order does not hold.
        let mut spans = Vec::new();
        let mut sum = 0;
        for &len in lens.iter().filter(|&&len| cut != 1 || len > 0) {
            if sum + len > places.len() {
                break;
            }
            spans.push(len);
            sum += len;
        }
        if cut > 0 && sum < places.len() {
            spans.push(places.len() - sum);
        }
        match cut {
            3 => spans.push(0),
            4 => spans.push(1),
            _ => {}
        }

        let key = |(i, j): At| (next[i].0[j].0, next[i].0[j].1.as_str());
        let sort = |ats: &[At]| by_key(ats, key);
        let expected = model(&places, &files, &served, key, sort, &spans);
        let carried = carry(&loaded, files.iter().copied(), &served, key, sort, &spans);
        let carried = carried.map(|c| (c.order, c.whole));
        proptest::prop_assert_eq!(&carried, &expected);
        if let Some((order, _)) = carried {
            proptest::prop_assert_eq!(order, sort(&served));
        }
    }
}
