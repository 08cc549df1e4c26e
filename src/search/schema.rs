//! The search index's schema: its fields, how each is indexed, and the tokenizers they name
//! (which only split the lines of terms the writer analysed, see `super::pairs`).

use tantivy::Index;
use tantivy::schema::{
    Field, FieldType, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
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
    /// The body's paragraphs, stored, what passages are found in. A stored text, not bytes:
    /// tantivy serialises a bytes value one byte at a time, a text with one copy (2 % of a
    /// build's instructions, notes/build-bench.md); the stored layout is otherwise the same.
    /// Hits never load it as tantivy's document (which checks a stored text whole as UTF-8,
    /// a third of a query's work in notes/search-bench.md): `super::stored` reads the raw
    /// value and a passage checks only the paragraphs it looks at. An index of an earlier
    /// version stored them as bytes: it is still searched, but an update writes it anew
    /// ([`fields_to_update`]). The indexed title and body are not stored: nothing reads them
    /// back.
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
        paragraphs: builder.add_text_field("paragraphs", STORED),
        title_pairs: builder.add_text_field("title_pairs", pairs.clone()),
        body_pairs: builder.add_text_field("body_pairs", pairs),
    };
    (builder.build(), fields)
}

/// The fields of an index this version or the one before wrote (which searches read alike);
/// an error for an older index.
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

/// The fields of an index this version can update: [`fields_of`] with the paragraphs stored
/// as this version stores them, so that one index never holds both kinds; an error for an
/// older index (which the build then writes again from nothing).
pub(super) fn fields_to_update(schema: &Schema) -> tantivy::Result<Fields> {
    let fields = fields_of(schema)?;
    match schema.get_field_entry(fields.paragraphs).field_type() {
        FieldType::Str(_) => Ok(fields),
        _ => Err(tantivy::TantivyError::SchemaError(
            "the paragraphs are stored as an earlier version stored them".to_owned(),
        )),
    }
}

/// The tokenizers the schema's text fields name: they only split lines of terms the writer
/// analysed (see [`pairs`]).
pub(super) fn register_tokenizers(index: &Index) {
    index.tokenizers().register(TERMS_NAME, Line::terms());
    index.tokenizers().register(PAIRS_NAME, Line::pairs());
}
