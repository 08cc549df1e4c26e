//! The carried order's tests: saved and loaded, and carried over as a build from nothing
//! would sort it.

use std::collections::{HashMap, HashSet};

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
    let order = reading_order(served.len(), |k| key(served[k]));
    order.into_iter().map(|k| served[k]).collect()
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
