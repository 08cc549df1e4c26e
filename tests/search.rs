//! Search over a fixture archive: the five seeds and seven unrelated articles of
//! `tests/fixtures/bodies`, indexed with `search::build_index` and queried as a reader would:
//! what is found, its rank, its count, its pages and its marked passage.

mod common;

use std::collections::BTreeSet;

use arshif::search::{Total, build_index};
use common::indexed::{Indexed, entry, fixtures, holding, ids, index};

const SEEDS: &[&str] = &["000", "001", "002", "003", "004"];

#[test]
fn query_table() {
    let (_dir, index) = index(&fixtures());
    let table: &[(&str, &[&str])] = &[
        // The acceptance queries.
        ("سوريا", SEEDS),
        ("لافروف", &["000", "002", "003"]),
        ("شويجو", &["001", "004"]),
        ("!!! ... ؟", &[]),
        // `"داعش"` and `لـ"داعش"` (001's title) are found by داعش.
        ("داعش", SEEDS),
        ("لـ\"داعش\"", SEEDS),
        // تنظيم finds التنظيم (002, 003) and وتنظيم (004) as well as itself; 001 has only
        // لتنظيم, and a lone ل is not taken off (it would turn لبنان into بنان).
        ("تنظيم", &["000", "002", "003", "004"]),
        // الاسلامية finds الإسلامية (002, r011) and the other forms of the stem (004's
        // الاسلامية, 001's الإسلاميين).
        ("الاسلامية", &["001", "002", "004", "r011"]),
        ("الإسلاميّة", &["001", "002", "004", "r011"]),
        // Variant pairs, both ways.
        ("سورية", SEEDS),
        ("شويغو", &["001", "004"]),
        ("البنتاجون", &["004"]),
        ("البنتاغون", &["004"]),
        // Lavrov's first name in 000, 002, 003; Shoigu's in 001 and 004.
        ("سيرجي", SEEDS),
        ("سيرغي", SEEDS),
        ("أمريكا", &["001", "002", "r002"]),
        ("أميركا", &["001", "002", "r002"]),
        // Every word must occur.
        ("لافروف شويغو", &[]),
        ("لافروف البيت الأبيض", &["003"]),
        // Phrases: the words together, in order.
        ("\"البيت الأبيض\"", &["003", "004"]),
        ("\"الأبيض البيت\"", &[]),
        // r013 says وزير خارجية: the article goes, as in any other word.
        (
            "\"وزير الخارجية\"",
            &["000", "001", "002", "003", "004", "r013"],
        ),
        ("\"وزير الدفاع الأميركي\"", &["004"]),
        // Nothing, and syntax that would trip a query parser.
        ("بطيخ", &[]),
        ("", &[]),
        ("كورونا AND (مصر OR", &["r001"]),
        ("title:كورونا", &[]),
        ("\"كورونا", &["r001", "r002"]),
    ];
    let mut failures = Vec::new();
    for (query, want) in table {
        let got = ids(&index, query);
        let want: BTreeSet<String> = want.iter().map(|s| s.to_string()).collect();
        if got != want {
            failures.push(format!("{query:?}: got {got:?}, want {want:?}"));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn title_matches_rank_above_body_matches() {
    let (_dir, index) = index(&fixtures());
    // 003 has البيت الأبيض in its title, 004 only in its body (several times).
    let hits = index.search("البيت الأبيض", 0, 10).unwrap().hits;
    assert_eq!(hits[0].id, "003");
    // 000's title names كيري and لافروف; 002 and 003 name them more often, in their bodies.
    let hits = index.search("كيري لافروف", 0, 10).unwrap().hits;
    assert_eq!(hits[0].id, "000");
}

#[test]
fn snippets_mark_the_matches_and_escape_the_rest() {
    let mut entries = fixtures();
    entries.push(entry(
        "xss",
        "عنوان",
        vec!["نص فيه <script>alert(\"داعش\")</script> & ما بعده".into()],
    ));
    let (_dir, index) = index(&entries);
    let results = index.search("لافروف", 0, 10).unwrap();
    for hit in &results.hits {
        assert!(hit.snippet_html.contains("<mark>لافروف</mark>"), "{hit:?}");
    }
    let hit = index
        .search("alert", 0, 10)
        .unwrap()
        .hits
        .pop()
        .expect("the entry with a script in its body");
    assert_eq!(
        hit.snippet_html,
        "نص فيه &lt;script&gt;<mark>alert</mark>(&quot;داعش&quot;)&lt;/script&gt; &amp; ما بعده"
    );
    // Only the title matches: the snippet is the body's beginning, escaped.
    let hit = &index.search("عنوان", 0, 10).unwrap().hits[0];
    assert!(
        hit.snippet_html.starts_with("نص فيه &lt;script&gt;"),
        "{hit:?}"
    );
}

#[test]
fn pages_split_the_results() {
    let (_dir, index) = index(&fixtures());
    let all: Vec<String> = index
        .search("سوريا", 0, 10)
        .unwrap()
        .hits
        .into_iter()
        .map(|h| h.id)
        .collect();
    let first = index.search("سوريا", 0, 2).unwrap();
    let third = index.search("سوريا", 2, 2).unwrap();
    assert_eq!(first.total, Total::Exact(5));
    assert_eq!(third.total, Total::Exact(5));
    let paged: Vec<String> = first
        .hits
        .iter()
        .chain(&third.hits)
        .map(|h| h.id.clone())
        .collect();
    assert_eq!(paged, [&all[..2], &all[4..]].concat());
    // Silly pages give nothing, not an error or a panic.
    assert!(index.search("سوريا", 9, 10).unwrap().hits.is_empty());
    assert!(
        index
            .search("سوريا", usize::MAX, 0)
            .unwrap()
            .hits
            .is_empty()
    );
    assert_eq!(
        index.search("سوريا", usize::MAX, 0).unwrap().total,
        Total::Exact(5)
    );
}

#[test]
fn building_again_replaces_the_index() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("search");
    let entries = fixtures();
    build_index(entries.iter().map(|e| &e.article), &path).unwrap();
    build_index([&entries[0].article], &path).unwrap();
    let index = Indexed::open(&path, &entries[..1]);
    assert_eq!(index.search("سوريا", 0, 10).unwrap().total, Total::Exact(1));
    assert!(!dir.path().join("search.building").exists());
}

/// A word in many articles (postings of several blocks, which the top ten may skip): the
/// count is still every article that has it, and the best page is the one a full ranking
/// gives (the word in the title first, then the articles that repeat it most).
#[test]
fn a_common_word_counts_every_article_and_ranks_as_a_full_scan() {
    let mut entries = Vec::new();
    for i in 0..1_000 {
        let repeats = i % 7 + 1;
        let title = if i % 250 == 3 {
            "سوريا في عنوان المقال".to_owned()
        } else {
            format!("مقال رقم {i}")
        };
        let word = if i % 4 == 0 { "مصر" } else { "سوريا" };
        let body = vec![format!(
            "{} نص عادي عن موضوع آخر.",
            format!("{word} ").repeat(repeats)
        )];
        entries.push(entry(&format!("a{i:04}"), &title, body));
    }
    let (_dir, index) = index(&entries);
    let with_word = holding(&entries, "سوريا");
    let all = index.search("سوريا", 0, 100).unwrap();
    let first = index.search("سوريا", 0, 10).unwrap();
    assert_eq!(first.total, Total::Exact(with_word));
    assert_eq!(all.total, Total::Exact(with_word));
    // The first ten of a page of a hundred, score for score.
    let scores = |r: &arshif::search::SearchResults| -> Vec<f32> {
        r.hits.iter().map(|h| h.score).take(10).collect()
    };
    assert_eq!(scores(&first), scores(&all));
    let titled: BTreeSet<String> = first.hits.iter().take(4).map(|h| h.id.clone()).collect();
    assert_eq!(
        titled,
        BTreeSet::from(["a0003", "a0253", "a0503", "a0753"].map(String::from))
    );
}

/// A word in more articles than the pages serve: the count is an estimate, said to be one,
/// within a tenth of the true count and never below what the pages need; a rarer word in the
/// same archive, and two words together, are still counted.
#[test]
fn a_word_in_more_articles_than_pages_serve_is_counted_about() {
    let mut entries = Vec::new();
    for i in 0..10_300 {
        // The word in every body but every 100th, and in every 60th title.
        let title = if i % 60 == 0 {
            "سوريا اليوم"
        } else {
            "خبر"
        };
        let body = if i % 100 == 7 {
            "نص آخر"
        } else {
            "نص عن سوريا"
        };
        let rare = if i % 500 == 0 { " ومصر" } else { "" };
        entries.push(entry(
            &format!("a{i:05}"),
            title,
            vec![format!("{body}{rare}")],
        ));
    }
    let (_dir, index) = index(&entries);
    let truth = holding(&entries, "سوريا");
    let results = index.search("سوريا", 0, 10).unwrap();
    let Total::About(at_least) = results.total else {
        panic!("{:?} is not an estimate", results.total)
    };
    assert!(
        at_least <= truth && truth - at_least <= at_least / 10,
        "{at_least} of {truth}"
    );
    assert!(at_least > arshif::search::servable_results(10));
    assert_eq!(results.hits.len(), 10);
    assert_eq!(index.search("مصر", 0, 10).unwrap().total, Total::Exact(21));
    assert_eq!(
        index.search("مصر سوريا", 0, 10).unwrap().total,
        Total::Exact(
            entries
                .iter()
                .filter(|e| e.article.body[0].contains("سوريا ومصر"))
                .count()
        )
    );
}

/// Articles scoring the same come in the order the index page lists them (newest first, then
/// the undated by id), on every page, however the index happens to hold them: here written
/// in two opposite orders, which tantivy's own tie-break (the document's address) follows.
#[test]
fn ties_come_newest_first_whatever_order_the_index_holds_them_in() {
    let tied: Vec<_> = (0..25)
        .map(|i| {
            let mut e = entry(&format!("t{i:02}"), "خبر", vec!["نص عن سوريا".into()]);
            // Every fifth undated; the others a day apart, not in id order.
            if i % 5 != 0 {
                let day = 1 + (i * 7) % 28;
                e.article.published =
                    Some(arshif::parse::Date::parse(&format!("2015-09-{day:02}")).unwrap());
            }
            e
        })
        .collect();
    let archive = arshif::archive::Archive::from_entries(tied.clone(), None);
    let listed: Vec<String> = archive
        .dated_oldest_first()
        .iter()
        .rev()
        .chain(archive.undated())
        .map(|e| e.article.id.clone())
        .collect();
    let mut reversed = tied.clone();
    reversed.reverse();
    for entries in [tied, reversed] {
        let (_dir, index) = index(&entries);
        let paged: Vec<String> = (0..3)
            .flat_map(|page| index.search("سوريا", page, 10).unwrap().hits)
            .map(|h| h.id)
            .collect();
        assert_eq!(paged, listed);
    }
}
