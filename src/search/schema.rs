//! The search index's schema: its fields, how each is indexed, and the tokenizers they name
//! (which only split the lines of terms the writer analysed, see `super::pairs`).

use tantivy::Index;
use tantivy::schema::{
    Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};

use super::pairs::{Line, PAIRS_NAME, TERMS_NAME};

#[derive(Clone, Copy)]
pub(super) struct Fields {
    pub(super) id: Field,
    pub(super) title: Field,
    pub(super) body: Field,
    /// Every two adjacent terms of the title and of the body as one term (see [`pairs`]): a
    /// two-word phrase is a term of these, not a phrase query.
    pub(super) title_pairs: Field,
    pub(super) body_pairs: Field,
    /// The body's paragraphs as stored bytes, what passages are found in. Bytes, not text:
    /// tantivy checks a stored text whole as UTF-8 when a hit is loaded (some 10 KB an
    /// article, a third of a query's work in the profile of notes/search-bench.md), where a
    /// passage needs only its first matching paragraphs, checked one by one. The indexed
    /// title and body are not stored: nothing reads them back.
    pub(super) paragraphs: Field,
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
    let fields = Fields {
        id: builder.add_text_field("id", STRING | STORED),
        title: builder.add_text_field("title", text.clone()),
        body: builder.add_text_field("body", text),
        paragraphs: builder.add_bytes_field("paragraphs", STORED),
        title_pairs: builder.add_text_field("title_pairs", pairs.clone()),
        body_pairs: builder.add_text_field("body_pairs", pairs),
    };
    (builder.build(), fields)
}

/// The fields of an index this version wrote; an error for an older index (which the build
/// then writes again from nothing).
pub(super) fn fields_of(schema: &Schema) -> tantivy::Result<Fields> {
    Ok(Fields {
        id: schema.get_field("id")?,
        title: schema.get_field("title")?,
        body: schema.get_field("body")?,
        paragraphs: schema.get_field("paragraphs")?,
        title_pairs: schema.get_field("title_pairs")?,
        body_pairs: schema.get_field("body_pairs")?,
    })
}

/// The tokenizers the schema's text fields name: they only split lines of terms the writer
/// analysed (see [`pairs`]).
pub(super) fn register_tokenizers(index: &Index) {
    index.tokenizers().register(TERMS_NAME, Line::terms());
    index.tokenizers().register(PAIRS_NAME, Line::pairs());
}
