//! The passage shown under each search result: the one tantivy's snippet generator makes,
//! however it is found.

mod common;

use common::indexed::{fixtures, index, spelled_many_ways};

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
