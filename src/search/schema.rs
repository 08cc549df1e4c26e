//! The search index's schema: its fields, how each is indexed, and the tokenizers they name
//! (which only split the lines of terms the writer analysed, see `super::pairs`).

use tantivy::Index;
use tantivy::schema::{
    Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};

use super::line::{Line, PAIRS_NAME, TERMS_NAME};

#[derive(Clone, Copy)]
pub(super) struct Fields {
    pub(super) id: Field,
    pub(super) title: Field,
    pub(super) body: Field,
    /// Every two adjacent terms of the title and of the body as one term (see [`pairs`]): a
    /// two-word phrase is a term of these, not a phrase query.
    pub(super) title_pairs: Field,
    pub(super) body_pairs: Field,
}

pub(super) fn schema() -> (Schema, Fields) {
    let indexed = |tokenizer, option| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenizer)
                .set_index_option(option),
        )
    };
    let text = indexed(TERMS_NAME, IndexRecordOption::WithFreqsAndPositions);
    // A pair's positions would serve only phrases of three words or more, which the terms'
    // positions answer: frequencies (for the score) are all a pair needs.
    let pairs = indexed(PAIRS_NAME, IndexRecordOption::WithFreqs);
    let mut builder = Schema::builder();
    // Only the id is stored: a hit's passage is found in the body the archive's parts store
    // holds already (`super::Paragraphs`). The body's paragraphs were stored here too until
    // session 23, the larger part of the index (4.5 of 6.9 GB at a million articles) and
    // ≈ 5 % of a build's instructions (notes/search-bench.md).
    let fields = Fields {
        id: builder.add_text_field("id", STRING | STORED),
        title: builder.add_text_field("title", text.clone()),
        body: builder.add_text_field("body", text),
        title_pairs: builder.add_text_field("title_pairs", pairs.clone()),
        body_pairs: builder.add_text_field("body_pairs", pairs),
    };
    (builder.build(), fields)
}

/// The fields a search reads, of an index of this format (`super::format`); an error for an
/// index without them.
pub(super) fn fields_of(schema: &Schema) -> tantivy::Result<Fields> {
    Ok(Fields {
        id: schema.get_field("id")?,
        title: schema.get_field("title")?,
        body: schema.get_field("body")?,
        title_pairs: schema.get_field("title_pairs")?,
        body_pairs: schema.get_field("body_pairs")?,
    })
}

/// The fields of an index this version can update: one of exactly this version's schema, so
/// that one index never holds two kinds of documents; an error for another (which the build
/// then writes again from nothing, and `serve` builds before it serves). An index that still
/// stores the paragraphs has every field [`fields_of`] reads, so the whole schema is compared.
pub(super) fn fields_to_update(schema: &Schema) -> tantivy::Result<Fields> {
    if *schema != self::schema().0 {
        return Err(tantivy::TantivyError::SchemaError(
            "an index of another arshif's schema".to_owned(),
        ));
    }
    fields_of(schema)
}

/// The tokenizers the schema's text fields name: they only split lines of terms the writer
/// analysed (see [`pairs`]).
pub(super) fn register_tokenizers(index: &Index) {
    index.tokenizers().register(TERMS_NAME, Line::terms());
    index.tokenizers().register(PAIRS_NAME, Line::pairs());
}
