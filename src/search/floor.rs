//! What tantivy is handed for a build's articles, without the build around it: our schema, a
//! new index's writer as a build sets it up, and an article's document of analysed lines.
//! `benches/index_floor.rs` times tantivy alone on them, to tell what of a build is the
//! library's own cost (notes/build-bench.md, session 46).

use tantivy::Index;
use tantivy::schema::Schema;

pub use super::document::ArticleDoc;
use super::pairs::{ArticleTerms, analysed_by};
pub use super::writer::INDEX_THREADS;
use super::writer::{Writing, tantivy_writer};
use crate::parse::Article;

/// The index's schema, as a build writes it.
pub fn schema() -> Schema {
    super::schema::schema().0
}

/// A new index's writer as a build sets it up (tokenizers, memory, merges), with `threads`
/// indexing threads (a build's: [`INDEX_THREADS`]). `index`'s schema must hold [`schema`]'s
/// fields in its order; how each is indexed may differ.
pub fn new_writer(
    index: &Index,
    threads: usize,
) -> tantivy::Result<tantivy::IndexWriter<ArticleDoc>> {
    tantivy_writer(index, Writing::New, threads)
}

/// The document a build hands tantivy for `a`, whose title and body are `terms` (made by
/// [`ArticleTerms::analyse`] on `a`).
pub fn document(a: &Article, terms: ArticleTerms) -> ArticleDoc {
    ArticleDoc::of(super::schema::schema().1, a, terms)
}

/// The document a build would hand tantivy for `a` if the common terms were those `common`
/// says are (the pairs fields hold the pairs of which one term is common, `super::pairs`).
pub fn document_by(a: &Article, common: &dyn Fn(&str) -> bool) -> ArticleDoc {
    let analyse = |text: &str| analysed_by(text, common);
    let terms = ArticleTerms {
        title: analyse(&a.title),
        body: analyse(&a.body.join("\n")),
    };
    ArticleDoc::of_by(super::schema::schema().1, a, terms, analyse)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn it_feeds_tantivy_what_a_build_does() {
        let articles: Vec<Article> = (0..50)
            .map(|i| Article {
                id: format!("a{i}"),
                title: "وزير الخارجية".into(),
                subtitle: (i % 3 == 0).then(|| "لافروف في دمشق".into()),
                body: vec![format!("قال وزير الخارجية {}", "الروسي ".repeat(i % 7))],
                captions: vec!["صورة: الوزير".into()],
                ..Default::default()
            })
            .collect();
        let built = tempfile::tempdir().unwrap();
        super::super::build_index(&articles, built.path()).unwrap();
        let fed = tempfile::tempdir().unwrap();
        let index = Index::create_in_dir(fed.path(), schema()).unwrap();
        let mut writer = new_writer(&index, INDEX_THREADS).unwrap();
        for a in &articles {
            writer
                .add_document(document(a, ArticleTerms::of(a)))
                .unwrap();
        }
        writer.commit().unwrap();
        let read = |dir: &std::path::Path| {
            let searcher = Index::open_in_dir(dir)
                .unwrap()
                .reader()
                .unwrap()
                .searcher();
            let schema = searcher.schema().clone();
            // Summed over the segments: a new index's threads share its articles.
            let fields: Vec<_> = schema
                .fields()
                .map(|(field, entry)| {
                    let (mut tokens, mut terms) = (0, std::collections::BTreeSet::new());
                    for segment in searcher.segment_readers() {
                        let inverted = segment.inverted_index(field).unwrap();
                        tokens += inverted.total_num_tokens();
                        let mut stream = inverted.terms().stream().unwrap();
                        while stream.advance() {
                            terms.insert(stream.key().to_vec());
                        }
                    }
                    (entry.name().to_owned(), tokens, terms.len())
                })
                .collect();
            (searcher.num_docs(), schema, fields)
        };
        let (built, fed) = (read(built.path()), read(fed.path()));
        assert_eq!(built, fed);
        assert_eq!(built.0, 50);
        assert!(
            built.2.iter().all(|(_, tokens, _)| *tokens > 0),
            "{:?}",
            built.2
        );
    }
}
