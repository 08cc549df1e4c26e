//! Search over a fixture archive: the five seeds and seven unrelated articles of
//! `tests/fixtures/bodies`, indexed with `search::build_index` and queried as a reader would.

use std::collections::BTreeSet;
use std::path::Path;

use arshif::Article;
use arshif::archive::{Archive, Entry};
use arshif::search::{SearchIndex, SearchResults, Total, build_index};

fn entry(id: &str, title: &str, body: Vec<String>) -> Entry {
    Entry {
        article: Article {
            id: id.into(),
            title: title.into(),
            body,
            ..Article::default()
        },
        note: None,
        overridden: vec![],
        text: String::new(),
        provenance: Default::default(),
    }
}

/// Each fixture file is a title line, then one paragraph a line.
fn fixtures() -> Vec<Entry> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bodies");
    let mut entries: Vec<Entry> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            let mut lines = text.lines();
            let title = lines.next().unwrap();
            let body = lines
                .filter(|l| !l.trim().is_empty())
                .map(String::from)
                .collect();
            entry(p.file_stem().unwrap().to_str().unwrap(), title, body)
        })
        .collect();
    entries.sort_by(|a, b| a.article.id.cmp(&b.article.id));
    entries
}

/// An index and the archive of the same entries, whose bodies its passages are found in.
struct Indexed {
    index: SearchIndex,
    archive: Archive,
}

impl Indexed {
    fn open(path: &Path, entries: &[Entry]) -> Indexed {
        Indexed {
            index: SearchIndex::open(path).unwrap(),
            archive: Archive::from_entries(entries.to_vec(), None),
        }
    }

    fn search(&self, query: &str, page: usize, per_page: usize) -> tantivy::Result<SearchResults> {
        self.index.search(query, page, per_page, &self.archive)
    }
}

fn index(entries: &[Entry]) -> (tempfile::TempDir, Indexed) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("search");
    build_index(entries.iter().map(|e| &e.article), &path).unwrap();
    let index = Indexed::open(&path, entries);
    (dir, index)
}

/// How many of `entries` hold `word`, as written, in the title or the first paragraph.
fn holding(entries: &[Entry], word: &str) -> usize {
    entries
        .iter()
        .filter(|e| e.article.title.contains(word) || e.article.body[0].contains(word))
        .count()
}

fn ids(index: &Indexed, query: &str) -> BTreeSet<String> {
    let results = index.search(query, 0, 100).unwrap();
    assert_eq!(
        results.total.value(),
        results.hits.len(),
        "{query}: one page holds all"
    );
    results.hits.into_iter().map(|h| h.id).collect()
}

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

/// Made-up articles whose matches are spelled every way the analyzer folds together (variant
/// table, harakat, clitics stretched by tatweel, Latin case), after paragraphs without them,
/// with a query's letters inside longer words, and with more matching paragraphs than a
/// snippet compares.
fn spelled_many_ways() -> Vec<Entry> {
    let paragraphs = [
        "قال المتحدث إن الاجتماع انتهى دون اتفاق.",
        "وصل وفد سُورِيَّةٌ إلى العاصمة، وقالت وكالة AFP إن تنظيم لـ\"داعش\" تراجع.",
        "السورة الأولى من الكتاب تُقرأ في المساء، والأسوار عالية.",
        "أكد وزير الخارجية الأمريكي أن سورية وسوريا ليستا كلمتين مختلفتين في البحث.",
        "رد وزيرُ الخارجيةِ الروسي لافروف على كيري: سوريا، سوريا، سوريا.",
        "وأضاف أن الأميركية والأمريكية واحدة، وأن أوباما واوباما كذلك.",
        "فقرة أخيرة فيها سوريا مرة واحدة بعد كل ما سبق.",
    ];
    (0..paragraphs.len())
        .map(|k| {
            // Each article starts at another paragraph, so matches come first, late or not at all.
            let body = paragraphs[k..].iter().map(|p| p.to_string()).collect();
            entry(&format!("m{k}"), &format!("مقال {k}"), body)
        })
        .collect()
}

/// The passage of every hit is the one tantivy's snippet generator makes of the best of the
/// body's first three matching paragraphs, each paragraph analysed whole: a faster way of
/// finding it (notes/search-bench.md) must not change a passage.
#[test]
fn passages_are_those_of_analysing_every_paragraph() {
    use arshif::search::analyzer::{terms, text_analyzer};
    use arshif::search::highlight_html;
    use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
    use tantivy::schema::IndexRecordOption;
    use tantivy::snippet::SnippetGenerator;

    let mut entries = fixtures();
    entries.extend(spelled_many_ways());
    let (dir, index) = index(&entries);
    let tantivy_index = tantivy::Index::open_in_dir(dir.path().join("search")).unwrap();
    let body_field = tantivy_index.schema().get_field("body").unwrap();
    // The index's body tokenizer only splits the terms the writer analysed; the generator
    // reads raw paragraphs, so it gets the analyzer under that name.
    let tokenizer = match tantivy_index
        .schema()
        .get_field_entry(body_field)
        .field_type()
    {
        tantivy::schema::FieldType::Str(options) => options
            .get_indexing_options()
            .unwrap()
            .tokenizer()
            .to_owned(),
        other => panic!("body is {other:?}"),
    };
    tantivy_index
        .tokenizers()
        .register(&tokenizer, text_analyzer());
    let searcher = tantivy_index.reader().unwrap().searcher();
    let bodies: std::collections::HashMap<&str, String> = entries
        .iter()
        .map(|e| (e.article.id.as_str(), e.article.body.join("\n")))
        .collect();

    let queries = [
        "سوريا",
        "سورية",
        "داعش",
        "\"وزير الخارجية\"",
        "لافروف كيري",
        "afp",
        "أوباما",
        "الأمريكية",
        "تنظيم",
        "البيت الأبيض",
    ];
    let mut compared = 0;
    for query in queries {
        let body_terms: Vec<(Occur, Box<dyn Query>)> = terms(&query.replace('"', " "))
            .iter()
            .map(|t| {
                let term = tantivy::Term::from_field_text(body_field, t);
                let q: Box<dyn Query> = Box::new(TermQuery::new(term, IndexRecordOption::Basic));
                (Occur::Should, q)
            })
            .collect();
        let mut generator =
            SnippetGenerator::create(&searcher, &BooleanQuery::new(body_terms), body_field)
                .unwrap();
        generator.set_max_num_chars(360);
        let results = index.search(query, 0, 100).unwrap();
        assert!(!results.hits.is_empty(), "{query}");
        for hit in results.hits {
            let reference = bodies[hit.id.as_str()]
                .split('\n')
                .map(|p| generator.snippet(p))
                .filter(|s| !s.is_empty())
                .take(3)
                .reduce(|best, s| {
                    if s.highlighted().len() > best.highlighted().len() {
                        s
                    } else {
                        best
                    }
                });
            // Title-only matches show the body's opening, which the other tests cover.
            let Some(reference) = reference else { continue };
            assert_eq!(
                hit.snippet_text,
                reference.fragment(),
                "{query}: {}",
                hit.id
            );
            assert_eq!(
                hit.snippet_html,
                highlight_html(reference.fragment(), reference.highlighted()),
                "{query}: {}",
                hit.id
            );
            compared += 1;
        }
    }
    assert!(compared > 40, "only {compared} passages compared");
}

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

/// A two-word phrase is answered by a term of the pairs fields (src/search/pairs.rs): it must
/// find exactly the articles, and count them, as the phrase query over the terms' positions
/// does, for every pair of adjacent words of every text and across every boundary above.
#[test]
fn a_two_word_phrase_finds_what_the_phrase_query_finds() {
    use arshif::search::analyzer::terms;
    use tantivy::collector::TopDocs;
    use tantivy::query::{BooleanQuery, Occur, PhraseQuery, Query};
    use tantivy::schema::Value;

    let mut entries = fixtures();
    entries.extend(spelled_many_ways());
    entries.extend(phrase_edges());
    let (dir, index) = index(&entries);
    let tantivy_index = tantivy::Index::open_in_dir(dir.path().join("search")).unwrap();
    let schema = tantivy_index.schema();
    let field = |name| schema.get_field(name).unwrap();
    let (id_field, title, body) = (field("id"), field("title"), field("body"));
    let searcher = tantivy_index.reader().unwrap().searcher();
    let by_positions = |pair: &[String]| -> BTreeSet<String> {
        let phrase = |f| -> Box<dyn Query> {
            let terms = pair.iter().map(|t| tantivy::Term::from_field_text(f, t));
            Box::new(PhraseQuery::new(terms.collect()))
        };
        let query = BooleanQuery::new(vec![
            (Occur::Should, phrase(title)),
            (Occur::Should, phrase(body)),
        ]);
        let top = TopDocs::with_limit(1_000).order_by_score();
        let found = searcher.search(&query, &top).unwrap();
        found
            .into_iter()
            .map(|(_, address)| {
                let doc: tantivy::TantivyDocument = searcher.doc(address).unwrap();
                let id = doc.get_first(id_field).and_then(|v| v.as_str());
                id.unwrap().to_owned()
            })
            .collect()
    };

    // Adjacent words of each text, and the last word of each text with the first of the next
    // one of the same article (a paragraph, the subtitle, a caption).
    let mut queries = BTreeSet::new();
    for e in &entries {
        let a = &e.article;
        let texts = std::iter::once(&a.title)
            .chain(&a.subtitle)
            .chain(&a.body)
            .chain(&a.captions);
        let mut previous_last: Option<String> = None;
        for text in texts {
            // Quotes inside the text would end the query's phrase: left out.
            let unquoted: String = text
                .chars()
                .filter(|c| !matches!(c, '"' | '“' | '”' | '«' | '»' | '„' | '″'))
                .collect();
            let words: Vec<&str> = unquoted.split_whitespace().collect();
            for w in words.windows(2) {
                queries.insert(format!("{} {}", w[0], w[1]));
            }
            if let (Some(last), Some(first)) = (&previous_last, words.first()) {
                queries.insert(format!("{last} {first}"));
            }
            previous_last = words.last().map(|w| w.to_string());
        }
    }
    let mut compared = 0;
    let mut failures = Vec::new();
    for words in &queries {
        let terms = terms(words);
        if terms.len() != 2 {
            continue;
        }
        let want = by_positions(&terms);
        let query = format!("\"{words}\"");
        let results = index.search(&query, 0, 100).unwrap();
        let got: BTreeSet<String> = results.hits.iter().map(|h| h.id.clone()).collect();
        if got != want || results.total != Total::Exact(want.len()) {
            failures.push(format!(
                "{query}: got {got:?} ({:?}), want {want:?}",
                results.total
            ));
        }
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
