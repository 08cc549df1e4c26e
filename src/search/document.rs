//! The document the writer hands tantivy for an article: each text's line of terms held once
//! and read by both its fields (the terms and the pairs, see `super::pairs`).
//!
//! Tantivy's own `TantivyDocument` copies every value it is given into its buffer, so a line
//! added to two fields was copied twice, and each line is as long as the text it comes from
//! (the body: most of an article). Tantivy's writers read any [`Document`] through borrowed
//! values, so this one lends the same line to both fields. What is stored (the id) is
//! serialized from these values as from a `TantivyDocument`'s: the same bytes.

use tantivy::Document;

use super::backlog::Permit;
use super::pairs::{ArticleTerms, analysed};
use super::schema::Fields;
use crate::parse::Article;
use tantivy::schema::Field;
use tantivy::schema::document::{ReferenceValue, ReferenceValueLeaf, Value};

/// An article as the index receives it.
pub struct ArticleDoc {
    id: (Field, String),
    /// Each text's line of terms and the two fields that read it, in the article's order.
    lines: Vec<(Field, Field, String)>,
    /// Its place in the writer's backlog, given back when tantivy drops it, indexed.
    _permit: Option<Permit>,
}

impl ArticleDoc {
    pub(super) fn new(id: Field, article_id: &str) -> ArticleDoc {
        ArticleDoc {
            id: (id, article_id.to_owned()),
            lines: Vec::new(),
            _permit: None,
        }
    }

    /// The document of `a`, whose title and body are `terms` (made by [`ArticleTerms::analyse`]
    /// on `a`), in `f`'s fields.
    pub(super) fn of(f: Fields, a: &Article, terms: ArticleTerms) -> ArticleDoc {
        ArticleDoc::of_by(f, a, terms, analysed)
    }

    /// [`ArticleDoc::of`], the subtitle and the captions analysed by `analyse` (the floor
    /// bench's tables of common terms).
    pub(super) fn of_by(
        f: Fields,
        a: &Article,
        terms: ArticleTerms,
        analyse: impl Fn(&str) -> String,
    ) -> ArticleDoc {
        let mut doc = ArticleDoc::new(f.id, &a.id);
        // Each text is analysed once; its terms and its pairs fields both read the line of
        // terms. One value each, in the same order: a pair never spans two values.
        doc.add_line(f.title, f.title_pairs, terms.title);
        if let Some(subtitle) = &a.subtitle {
            doc.add_line(f.title, f.title_pairs, analyse(subtitle));
        }
        doc.add_line(f.body, f.body_pairs, terms.body);
        for caption in &a.captions {
            doc.add_line(f.body, f.body_pairs, analyse(caption));
        }
        doc
    }

    /// Holds `permit` until tantivy has indexed this document.
    pub(super) fn hold(&mut self, permit: Permit) {
        self._permit = Some(permit);
    }

    /// Adds a line of terms, indexed in both `terms` and `pairs`.
    pub(super) fn add_line(&mut self, terms: Field, pairs: Field, line: String) {
        self.lines.push((terms, pairs, line));
    }
}

/// A value of an [`ArticleDoc`]: a text, borrowed from it.
#[derive(Clone, Debug)]
pub struct Leaf<'a>(ReferenceValueLeaf<'a>);

impl<'a> Value<'a> for Leaf<'a> {
    type ArrayIter = std::iter::Empty<Leaf<'a>>;
    type ObjectIter = std::iter::Empty<(&'a str, Leaf<'a>)>;

    fn as_value(&self) -> ReferenceValue<'a, Self> {
        ReferenceValue::Leaf(self.0.clone())
    }
}

impl Document for ArticleDoc {
    type Value<'a> = Leaf<'a>;
    type FieldsValuesIter<'a> = std::vec::IntoIter<(Field, Leaf<'a>)>;

    fn iter_fields_and_values(&self) -> Self::FieldsValuesIter<'_> {
        fn text(s: &str) -> Leaf<'_> {
            Leaf(ReferenceValueLeaf::Str(s))
        }
        let mut values = Vec::with_capacity(1 + 2 * self.lines.len());
        values.push((self.id.0, text(&self.id.1)));
        for (terms, pairs, line) in &self.lines {
            values.push((*pairs, text(line)));
            values.push((*terms, text(line)));
        }
        values.into_iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::pairs::analysed;
    use crate::search::schema::{fields_of, register_tokenizers, schema};
    use tantivy::{DocAddress, Index, IndexWriter, TantivyDocument, Term};

    fn index_one<D: Document>(doc: D) -> Index {
        let index = Index::create_in_ram(schema().0);
        register_tokenizers(&index);
        let mut writer: IndexWriter<D> = index.writer_with_num_threads(1, 15_000_000).unwrap();
        writer.add_document(doc).unwrap();
        writer.commit().unwrap();
        index
    }

    #[test]
    fn it_stores_and_indexes_what_a_tantivy_document_of_the_same_values_does() {
        let (_, f) = schema();
        let texts = [
            (f.title, f.title_pairs, "وزير الخارجية الروسي"),
            (
                f.body,
                f.body_pairs,
                "قال وزير الخارجية سيرغي لافروف.\nوأضاف لافروف",
            ),
            (f.body, f.body_pairs, "صورة: وزير الخارجية"),
        ];
        let mut ours = ArticleDoc::new(f.id, "2016-05-01-lavrov");
        let mut theirs = TantivyDocument::default();
        theirs.add_text(f.id, "2016-05-01-lavrov");
        for (terms, pairs, text) in texts {
            let line = analysed(text);
            theirs.add_text(pairs, &line);
            theirs.add_text(terms, &line);
            ours.add_line(terms, pairs, line);
        }
        let (ours, theirs) = (index_one(ours), index_one(theirs));
        let searchers = [&ours, &theirs].map(|i| i.reader().unwrap().searcher());
        let stored = searchers.clone().map(|s| {
            let store = s.segment_reader(0).get_store_reader(1).unwrap();
            store
                .get_document_bytes(DocAddress::new(0, 0).doc_id)
                .unwrap()
        });
        assert_eq!(stored[0].as_slice(), stored[1].as_slice());
        assert!(!stored[0].is_empty());
        let fields = fields_of(&ours.schema()).unwrap();
        for (field, term) in [
            (fields.title, "زير"),
            (fields.body, "لافروف"),
            (fields.title_pairs, "زير\u{1F}خارج"),
            (fields.body_pairs, "خارج\u{1F}سيرغ"),
            (fields.body_pairs, "لافروف\u{1F}صورة"),
        ] {
            let term = Term::from_field_text(field, term);
            let freq = searchers.clone().map(|s| s.doc_freq(&term).unwrap());
            assert_eq!(freq[0], freq[1], "{term:?}");
        }
        for field in [
            fields.title,
            fields.body,
            fields.title_pairs,
            fields.body_pairs,
        ] {
            let tokens = searchers.clone().map(|s| {
                let inverted = s.segment_reader(0).inverted_index(field).unwrap();
                (inverted.total_num_tokens(), inverted.terms().num_terms())
            });
            assert_eq!(tokens[0], tokens[1]);
            assert!(tokens[0].0 > 0);
        }
    }
}
