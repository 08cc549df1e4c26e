//! Two-word phrases, answered from the pairs fields when one word is common and by the words'
//! positions otherwise: the same articles as a phrase query over the terms' positions, and as
//! a pair of every two adjacent terms (the pairs fields before session 48), across every
//! boundary a phrase may or may not cross. Longer phrases, by positions among the articles
//! holding their indexed pairs: the same articles and scores as by positions alone; a lone
//! one in more articles than the pages serve ranked the same, its count an estimate.

mod common;

use std::collections::BTreeSet;

use arshif::archive::Entry;
use arshif::search::Total;
use common::indexed::{Indexed, entry, fixtures, ids, index, spelled_many_ways};

/// Made-up articles where a phrase's two words meet across what may or may not stop a phrase:
/// a sentence, a paragraph, a word with no term (too long, tatweel alone), the title and its
/// subtitle, the body and a caption; spelled with harakat, clitics and variants.
fn phrase_edges() -> Vec<Entry> {
    let long = "ا".repeat(60);
    let with = |id: &str, title: &str, subtitle: Option<&str>, body: &[&str], captions: &[&str]| {
        let mut e = entry(id, title, body.iter().map(|p| p.to_string()).collect());
        e.article.subtitle = subtitle.map(String::from);
        e.article.captions = captions.iter().map(|c| c.to_string()).collect();
        e
    };
    vec![
        with(
            "p0",
            "خبر",
            None,
            &["قال الوزير. الخارجية أعلنت أمس أن سورية ترفض."],
            &[],
        ),
        with(
            "p1",
            "خبر",
            None,
            &["التقى الوزير", "الخارجية الروسية قالت إن سوريا ستحضر."],
            &[],
        ),
        with(
            "p2",
            "خبر",
            None,
            &["وصل الوزير"],
            &["الخارجية في صورة أرشيفية"],
        ),
        with(
            "p3",
            "تصريحات الوزير",
            Some("الخارجية تنفي"),
            &["نص قصير عن سوريا."],
            &[],
        ),
        with(
            "p4",
            "خبر",
            None,
            &[&format!("الوزير {long} الخارجية ـ سوريا")],
            &[],
        ),
        with(
            "p5",
            "وزيرُ الخارجيّةِ",
            None,
            &["ووزير الخارجيه لـ\"سورية\" وزير وزير"],
            &[],
        ),
        with(
            "p6",
            "خبر",
            None,
            &["أكد وزير الخارجية الأميركي أن الأمريكية واحدة."],
            &["وزير الخارجية"],
        ),
        with(
            "p7",
            "سوريا سوريا",
            Some("وزير"),
            &["الخارجية وزير"],
            &["وزير", "الخارجية"],
        ),
    ]
}

/// The fixtures, the articles spelled many ways, and [`phrase_edges`].
fn phrase_corpus() -> Vec<Entry> {
    let mut entries = fixtures();
    entries.extend(spelled_many_ways());
    entries.extend(phrase_edges());
    entries
}

/// What is wrong with the results of `words` as a phrase, unless they are the articles of
/// `want` and counted exactly.
fn unless_found(index: &Indexed, words: &str, want: &BTreeSet<String>) -> Option<String> {
    let query = format!("\"{words}\"");
    let results = index.search(&query, 0, 100).unwrap();
    let got: BTreeSet<String> = results.hits.iter().map(|h| h.id.clone()).collect();
    (got != *want || results.total != Total::Exact(want.len()))
        .then(|| format!("{query}: got {got:?} ({:?}), want {want:?}", results.total))
}

/// Each text of `e`'s article (the title, the subtitle, each paragraph, each caption) as its
/// words, in order. Quotes inside a text would end a query's phrase: left out.
fn texts_words(e: &Entry) -> Vec<Vec<String>> {
    let a = &e.article;
    let texts = std::iter::once(&a.title)
        .chain(&a.subtitle)
        .chain(&a.body)
        .chain(&a.captions);
    texts
        .map(|text| {
            let unquoted: String = text
                .chars()
                .filter(|c| !matches!(c, '"' | '“' | '”' | '«' | '»' | '„' | '″'))
                .collect();
            unquoted.split_whitespace().map(String::from).collect()
        })
        .collect()
}

/// Two words side by side in each text of `entries`, and the last word of each text with the
/// first of the next one of the same article (a paragraph, the subtitle, a caption), each as
/// a query's words.
fn adjacent_words(entries: &[Entry]) -> BTreeSet<String> {
    let mut queries = BTreeSet::new();
    for e in entries {
        let mut previous_last: Option<String> = None;
        for words in texts_words(e) {
            for w in words.windows(2) {
                queries.insert(format!("{} {}", w[0], w[1]));
            }
            if let (Some(last), Some(first)) = (&previous_last, words.first()) {
                queries.insert(format!("{last} {first}"));
            }
            previous_last = words.last().cloned();
        }
    }
    queries
}

/// The phrase query over the terms' positions alone, in the title (weighing `title_boost`
/// times a body match) or the body, of an index written by `common::indexed::index`.
struct ByPositions {
    searcher: tantivy::Searcher,
    id: tantivy::schema::Field,
    title: tantivy::schema::Field,
    body: tantivy::schema::Field,
}

impl ByPositions {
    fn open(dir: &std::path::Path) -> ByPositions {
        let index = tantivy::Index::open_in_dir(dir.join("search")).unwrap();
        let schema = index.schema();
        let field = |name| schema.get_field(name).unwrap();
        ByPositions {
            searcher: index.reader().unwrap().searcher(),
            id: field("id"),
            title: field("title"),
            body: field("body"),
        }
    }

    /// Each article the phrase of `terms` is found in, with its score, by id.
    fn hits(&self, terms: &[String], title_boost: f32) -> Vec<(String, f32)> {
        use tantivy::collector::TopDocs;
        use tantivy::query::{BooleanQuery, BoostQuery, Occur, PhraseQuery, Query};
        use tantivy::schema::Value;

        let phrase = |f| -> Box<dyn Query> {
            let terms = terms.iter().map(|t| tantivy::Term::from_field_text(f, t));
            Box::new(PhraseQuery::new(terms.collect()))
        };
        let query = BooleanQuery::new(vec![
            (
                Occur::Should,
                Box::new(BoostQuery::new(phrase(self.title), title_boost)),
            ),
            (Occur::Should, phrase(self.body)),
        ]);
        let top = TopDocs::with_limit(1_000).order_by_score();
        let mut found: Vec<(String, f32)> = (self.searcher.search(&query, &top).unwrap())
            .into_iter()
            .map(|(score, address)| {
                let doc: tantivy::TantivyDocument = self.searcher.doc(address).unwrap();
                let id = doc.get_first(self.id).and_then(|v| v.as_str());
                (id.unwrap().to_owned(), score)
            })
            .collect();
        found.sort_by(|a, b| a.0.cmp(&b.0));
        found
    }
}

/// A two-word phrase is answered by a term of the pairs fields (src/search/pairs.rs) or by
/// its words' positions: it must find exactly the articles, and count them, as the phrase
/// query over the terms' positions does, for every pair of adjacent words of every text and
/// across every boundary above.
#[test]
fn a_two_word_phrase_finds_what_the_phrase_query_finds() {
    use arshif::search::analyzer::terms;

    let entries = phrase_corpus();
    let (dir, index) = index(&entries);
    let by_positions = ByPositions::open(dir.path());

    let mut compared = 0;
    let mut failures = Vec::new();
    for words in &adjacent_words(&entries) {
        let terms = terms(words);
        if terms.len() != 2 {
            continue;
        }
        let want = (by_positions.hits(&terms, 1.0).into_iter())
            .map(|(id, _)| id)
            .collect();
        failures.extend(unless_found(&index, words, &want));
        compared += usize::from(!want.is_empty());
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
    assert!(compared > 300, "only {compared} phrases found anything");
    // The boundaries themselves: what the phrase query does at each, pinned.
    let found = |q: &str| ids(&index, q);
    let edges: BTreeSet<String> = found("\"وزير الخارجية\"")
        .into_iter()
        .filter(|id| id.starts_with('p'))
        .collect();
    let want: BTreeSet<String> = ["p0", "p1", "p4", "p5", "p6"].map(String::from).into();
    assert_eq!(edges, want);
}

/// The pairs fields held a pair of every two adjacent terms until session 48; now only those
/// of a common term, the other phrases searched by positions. A two-word phrase must find,
/// and count, what the old pairs fields found, worked out here from the analyzer's terms of
/// each text (a title, a subtitle, the body's paragraphs as one text, a caption): the
/// articles where the two terms stand side by side in one text.
#[test]
fn a_two_word_phrase_finds_what_the_pair_of_every_two_adjacent_terms_found() {
    use arshif::search::analyzer::terms;
    use arshif::search::pair_is_indexed;

    let entries = phrase_corpus();
    let (_dir, index) = index(&entries);
    let old_pairs: Vec<(&str, BTreeSet<(String, String)>)> = entries
        .iter()
        .map(|e| {
            let a = &e.article;
            let texts = [a.title.clone(), a.body.join("\n")]
                .into_iter()
                .chain(a.subtitle.clone())
                .chain(a.captions.iter().cloned());
            let pairs = texts
                .flat_map(|text| {
                    let terms = terms(&text);
                    let pairs: Vec<_> = terms
                        .windows(2)
                        .map(|w| (w[0].clone(), w[1].clone()))
                        .collect();
                    pairs
                })
                .collect();
            (a.id.as_str(), pairs)
        })
        .collect();
    // Phrases that found something, by whether their pair is indexed.
    let (mut by_pairs, mut by_positions) = (0, 0);
    let mut failures = Vec::new();
    for words in &adjacent_words(&entries) {
        let [first, second] = &terms(words)[..] else {
            continue;
        };
        let key = (first.clone(), second.clone());
        let want: BTreeSet<String> = old_pairs
            .iter()
            .filter(|(_, pairs)| pairs.contains(&key))
            .map(|(id, _)| id.to_string())
            .collect();
        failures.extend(unless_found(&index, words, &want));
        if !want.is_empty() {
            match pair_is_indexed(first, second) {
                true => by_pairs += 1,
                false => by_positions += 1,
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
    assert!(
        by_pairs > 200 && by_positions > 200,
        "found by pairs {by_pairs}, by positions {by_positions}"
    );
}

/// Every run of `n` words side by side in one text of `entries` (see [`texts_words`]), each
/// as a query's words.
fn runs_of_words(entries: &[Entry], n: usize) -> BTreeSet<String> {
    let texts = entries.iter().flat_map(texts_words);
    let runs = texts.flat_map(|words| words.windows(n).map(|w| w.join(" ")).collect::<Vec<_>>());
    runs.collect()
}

/// A phrase of three words or more is searched by its words' positions among the articles
/// whose pairs fields hold each of its indexed pairs (src/search/query.rs): it must find,
/// count and score exactly what the phrase query over the positions alone does, for every
/// run of three and four words of every text; and an article holding each of a phrase's
/// pairs, but apart, is not found by it.
#[test]
fn a_longer_phrase_finds_and_scores_what_the_phrase_query_alone_does() {
    use arshif::search::analyzer::terms;
    use arshif::search::pair_is_indexed;

    /// As src/search/query.rs weighs a title's match against the body's.
    const TITLE_BOOST: f32 = 3.0;
    let mut entries = phrase_corpus();
    entries.push(entry(
        "apart",
        "خبر",
        vec!["قال وزير الخارجية إن الخارجية الروسية لم ترد.".to_owned()],
    ));
    entries.push(entry(
        "together",
        "خبر",
        vec!["قال وزير الخارجية الروسية إن بلاده لم ترد.".to_owned()],
    ));
    let (dir, index) = index(&entries);
    let by_positions = ByPositions::open(dir.path());

    let (mut narrowed, mut failures) = (0, Vec::new());
    for n in [3, 4] {
        for words in &runs_of_words(&entries, n) {
            let terms = terms(words);
            if terms.len() < 3 {
                continue;
            }
            let want = by_positions.hits(&terms, TITLE_BOOST);
            let query = format!("\"{words}\"");
            let results = index.search(&query, 0, 1_000).unwrap();
            let mut got: Vec<(String, f32)> = (results.hits.iter())
                .map(|h| (h.id.clone(), h.score))
                .collect();
            got.sort_by(|a, b| a.0.cmp(&b.0));
            if got != want || results.total != Total::Exact(want.len()) {
                failures.push(format!(
                    "{query}: got {got:?} ({:?}), want {want:?}",
                    results.total
                ));
            }
            let has_pair = terms.windows(2).any(|w| pair_is_indexed(&w[0], &w[1]));
            narrowed += usize::from(has_pair && !want.is_empty());
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
    assert!(
        narrowed > 200,
        "only {narrowed} phrases with a pair found anything"
    );
    let found = |q: &str| ids(&index, q);
    assert!(found("\"وزير الخارجية الروسية\"").contains("together"));
    assert!(!found("\"وزير الخارجية الروسية\"").contains("apart"));
    assert!(found("\"وزير الخارجية\"").contains("apart"));
    assert!(found("\"الخارجية الروسية\"").contains("apart"));
}

/// A lone phrase of three words in more articles than the pages serve: its count is an
/// estimate, said to be one and near the truth, and its best page is still the exact one (the
/// articles holding it most often, bodies of one length); a phrase of the same words in fewer
/// articles is counted.
#[test]
fn a_lone_phrase_in_many_articles_is_ranked_exactly_and_counted_about() {
    let mut entries = Vec::new();
    let mut holding = 0;
    for i in 0..30_000 {
        // Every body has ten words and both pairs of the phrase: the phrase itself five times
        // in ten articles, once in most, apart in every fifth, and its words in another order
        // in every 80th.
        let body = match i {
            _ if i % 3_000 == 11 => "وزير الخارجية الروسي ".repeat(5).trim_end().to_owned(),
            _ if i % 80 == 3 => {
                "الخارجية الروسي وزير الخارجية الروسي تصريح ثم وزير الخارجية قال".to_owned()
            }
            _ if i % 5 == 0 => "قال وزير الخارجية إن الخارجية الروسي ترى أن الأمر صعب".to_owned(),
            _ => "قال وزير الخارجية الروسي إن الأمر صعب جدا اليوم".to_owned(),
        };
        holding += usize::from(body.contains("وزير الخارجية الروسي"));
        entries.push(entry(&format!("a{i:05}"), "خبر", vec![body]));
    }
    let (_dir, index) = index(&entries);
    let results = index.search("\"وزير الخارجية الروسي\"", 0, 10).unwrap();
    let Total::About(about) = results.total else {
        panic!("{:?} is not an estimate", results.total)
    };
    assert!(
        about.abs_diff(holding) <= holding / 20,
        "{about} of {holding}"
    );
    let best: BTreeSet<String> = results.hits.iter().map(|h| h.id.clone()).collect();
    let five_times: BTreeSet<String> = (0..10).map(|k| format!("a{:05}", k * 3_000 + 11)).collect();
    assert_eq!(best, five_times);
    // The same words in another order: in one article of 80 and those holding the phrase
    // five times, counted.
    let other = index.search("\"الخارجية الروسي وزير\"", 0, 10).unwrap();
    let reordered = (entries.iter())
        .filter(|e| e.article.body[0].contains("الخارجية الروسي وزير"))
        .count();
    assert_eq!(reordered, 30_000 / 80 + 10);
    assert_eq!(other.total, Total::Exact(reordered));
}
