//! The bounded walk's tests: ranked as the query ranks, counted within its bounds, and its
//! rules (when a phrase is walked, the sample's step, the count from a tally).

use tantivy::collector::Count;

use super::super::query::{parse_query, query};
use super::super::{IndexWriter, SearchIndex, build_index};
use super::*;

/// A phrase with a common word (its pairs indexed), and one without (no pair indexed).
const PHRASE: &str = "\"وزير الخارجية الروسي\"";
const RARE_WORDS: &str = "\"سيرغي لافروف\"";

/// A made-up archive of four segments where the phrases' words, their pairs and the
/// phrases themselves come in every mix, at every frequency, in bodies of every length and
/// in titles; some articles deleted.
fn archive(dir: &std::path::Path) -> SearchIndex {
    let words = [
        "وزير",
        "الخارجية",
        "الروسي",
        "قال",
        "إن",
        "الحكومة",
        "موسكو",
        "المفاوضات",
        "اليوم",
        "وزير الخارجية",
        "الخارجية الروسي",
        "سيرغي",
        "لافروف",
    ];
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = |below: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % below
    };
    build_index(&[], dir).unwrap();
    for batch in 0..4 {
        let writer = IndexWriter::open(dir).unwrap();
        for k in 0..120 {
            let mut body = Vec::new();
            for _ in 0..1 + next(60) {
                match next(8) {
                    0 => body.push("وزير الخارجية الروسي"),
                    1 => body.push("سيرغي لافروف"),
                    _ => body.push(words[next(words.len() as u64) as usize]),
                }
            }
            let title = match next(8) {
                0 => "وزير الخارجية الروسي في موسكو",
                1 => "وزير الخارجية يزور الروسي",
                2 => "سيرغي لافروف في موسكو",
                _ => "خبر",
            };
            writer
                .add(&crate::parse::Article {
                    id: format!("{batch}-{k}"),
                    title: title.into(),
                    body: vec![body.join(" ")],
                    ..Default::default()
                })
                .unwrap();
        }
        if batch == 3 {
            for k in (0..120).step_by(7) {
                writer.remove(&format!("1-{k}"));
            }
        }
        writer.commit().unwrap();
    }
    SearchIndex::open(dir).unwrap()
}

fn sorted(mut found: Vec<(Score, DocAddress)>) -> Vec<(Score, DocAddress)> {
    found.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    found
}

/// The bounded walk ranks as the phrase's query does, ties and deleted articles included,
/// for a page of every depth, bounded by its pairs or by its words; read whole (a sample
/// of every article) it counts as the query does, and sampled its estimate lies between
/// what it found and what it could not rule out.
#[test]
fn the_bounded_walk_ranks_as_the_query_and_counts_within_its_bounds() {
    let dir = tempfile::tempdir().unwrap();
    let index = archive(dir.path());
    assert!(index.searcher.segment_readers().len() >= 4);
    for (query, pairs) in [(PHRASE, 2), (RARE_WORDS, 0)] {
        let parsed = parse_query(query);
        let phrase = lone_phrase(&parsed).expect("a lone phrase");
        assert_eq!(
            indexed_pairs(phrase).count(),
            pairs,
            "{query}: pairs indexed"
        );
        walks_as_the_query(&index, &parsed);
    }
}

fn walks_as_the_query(index: &SearchIndex, parsed: &ParsedQuery) {
    let searcher = &index.searcher;
    let phrase = &parsed.phrases[0];
    let whole = query(parsed, index.fields).unwrap();
    let alone = &Executor::SingleThread;
    let mut pruned = 0;
    for n in [1, 3, 10, 40, 1_000] {
        let (want, count) = searcher.search(&whole, &(BestWithTies(n), Count)).unwrap();
        assert!(count > 100, "{count}");
        let read_all = Sampling {
            size: u64::MAX,
            from: 0,
        };
        let (got, total) = best_and_count(searcher, index.fields, phrase, n, read_all, alone)
            .unwrap()
            .expect("walked");
        assert_eq!(sorted(got), sorted(want.clone()), "the best {n}");
        assert_eq!(total, Total::Exact(count), "the best {n}");

        let (fruits, tally) = walk(
            searcher,
            index.fields,
            phrase,
            bounding(phrase, index.fields),
            n,
            5,
            alone,
        )
        .unwrap();
        let got = BestWithTies(n).merge_fruits(fruits).unwrap();
        assert_eq!(sorted(got), sorted(want), "the best {n}, sampled");
        let found = tally.held + tally.sampled_held;
        let (low, high) = (found, found + tally.unread);
        assert!((low..=high).contains(&(count as u64)), "{tally:?} {count}");
        let estimate = tally.total().value() as u64;
        assert!((low..=high).contains(&estimate), "{tally:?} {estimate}");
        pruned += tally.unread;
    }
    assert!(pruned > 0, "{phrase:?}: some articles were bounded out");
}

/// A phrase whose bounding terms are in fewer articles than `from` is counted, and so is one
/// whose estimate falls under it.
#[test]
fn a_phrase_in_few_articles_is_counted_not_estimated() {
    let dir = tempfile::tempdir().unwrap();
    let index = archive(dir.path());
    let searcher = &index.searcher;
    let parsed = parse_query(PHRASE);
    let phrase = &parsed.phrases[0];
    let alone = &Executor::SingleThread;
    let fewest = (bounding(phrase, index.fields).iter())
        .map(|term| searcher.doc_freq(term).unwrap())
        .min()
        .unwrap();
    let beyond = Sampling {
        size: 10,
        from: fewest + 1,
    };
    assert_eq!(
        best_and_count(searcher, index.fields, phrase, 10, beyond, alone).unwrap(),
        None
    );
    // Walked, and estimated under `from`: fewer articles hold the phrase than its pairs.
    let at = Sampling {
        size: 10,
        from: fewest,
    };
    assert_eq!(
        best_and_count(searcher, index.fields, phrase, 10, at, alone).unwrap(),
        None
    );
    let under = Sampling { size: 10, from: 50 };
    let (_, total) = best_and_count(searcher, index.fields, phrase, 10, under, alone)
        .unwrap()
        .expect("walked");
    assert!(matches!(total, Total::About(n) if n >= 50), "{total:?}");
}

#[test]
fn the_count_is_the_found_and_the_unread_at_the_samples_rate() {
    let tally = |held, unread, sampled, sampled_held| Tally {
        held,
        unread,
        sampled,
        sampled_held,
    };
    assert_eq!(tally(40, 0, 5, 3).total(), Total::Exact(43));
    // 30 of 40 sampled hold it: 300 of the 400 unread are taken to.
    assert_eq!(tally(100, 400, 40, 30).total(), Total::About(430));
    assert_eq!(tally(7, 90, 10, 0).total(), Total::About(7));
}

#[test]
fn the_sample_is_one_in_as_many_as_keep_it_near_its_size() {
    let s = |size| Sampling { size, from: 0 };
    assert_eq!(s(2_000).every(60_000), 30);
    assert_eq!(s(2_000).every(60_001), 31);
    assert_eq!(s(2_000).every(1_500), 1);
    assert_eq!(s(u64::MAX).every(60_000), 1);
    assert_eq!(s(0).every(60_000), 60_000);
}
