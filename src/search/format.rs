//! The index's format: a version of what it holds and how it is read, stamped in every commit
//! of it, so that an index another arshif wrote is built again, never served to fail.
//!
//! Tantivy reads any index of its own file format, but not every index it reads is ours to
//! search: with another term dictionary compiled in (tantivy's `quickwit` feature: an sstable
//! where an FST was), every query of an old index failed ("Unsupported dictionary type"), and
//! another tokenization or field would answer wrong without failing. The version is the
//! commit's payload, which tantivy writes into `meta.json` with the commit itself (and carries
//! over its merges), so no kill leaves an index without the stamp of what it holds.
//!
//! Here too: whether a folder holds an index this arshif reads and updates ([`readable`]).

use std::fmt;
use std::path::Path;

use tantivy::Index;

use super::schema::fields_to_update;
use super::{SearchError, index_error};

/// A version of the index's format: its fields and their tokens, what each records, the term
/// dictionary's kind (tantivy's features). Any change to one of them is a new version
/// ([`INDEX_FORMAT`]), and an index of another version is written again from nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexFormat(u32);

/// The format this arshif writes and reads. Versions:
/// - 1: every index written before the format was stamped (session 48): no stamp, an FST
///   term dictionary, this schema or an earlier one;
/// - 2: the same index, stamped;
/// - 3: the pairs fields hold only the pairs of which one term is common (`super::common`),
///   a common term's length marked in the line of terms; the other two-word phrases are
///   searched by positions (session 48).
pub const INDEX_FORMAT: IndexFormat = IndexFormat(3);

/// What an index without a stamp is: written before there was one.
const UNSTAMPED: IndexFormat = IndexFormat(1);

/// How a stamp begins, before its version: `meta.json`'s payload is anyone's text.
const PAYLOAD_PREFIX: &str = "arshif index format ";

impl IndexFormat {
    /// The commit payload that stamps an index with this format.
    pub(super) fn payload(self) -> String {
        format!("{PAYLOAD_PREFIX}{}", self.0)
    }

    /// The format a commit's `payload` stamps; `None` for a payload that is not a stamp.
    fn of_payload(payload: Option<&str>) -> Option<IndexFormat> {
        match payload {
            None => Some(UNSTAMPED),
            Some(text) => text
                .strip_prefix(PAYLOAD_PREFIX)
                .and_then(|version| version.parse().ok())
                .map(IndexFormat),
        }
    }
}

impl fmt::Display for IndexFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// An index of a format this arshif does not read: the one it was written in (`None`: its
/// payload is not our stamp) and this arshif's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OtherFormat {
    pub found: Option<IndexFormat>,
    pub wanted: IndexFormat,
}

impl fmt::Display for OtherFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.found {
            Some(found) => write!(f, "of format {found}")?,
            None => f.write_str("of an unknown format")?,
        }
        write!(f, ", where this arshif reads format {}", self.wanted)
    }
}

/// Whether `dir` holds an index this arshif reads and updates (a build updates it rather than
/// starting over): see [`readable`].
pub fn is_readable(dir: &Path) -> bool {
    readable(dir).is_ok()
}

/// Why `dir` holds no index this arshif reads and updates, if it does not: there is none,
/// it does not open, it is of another format ([`SearchError::Format`]: [`INDEX_FORMAT`]) or of
/// another schema.
pub fn readable(dir: &Path) -> Result<(), SearchError> {
    let index = Index::open_in_dir(dir).map_err(index_error(dir))?;
    of_this_format(&index, dir)?;
    fields_to_update(&index.schema()).map_err(index_error(dir))?;
    Ok(())
}

/// An error for `index`, in `dir`, unless its last commit stamped it with [`INDEX_FORMAT`].
pub(super) fn of_this_format(index: &Index, dir: &Path) -> Result<(), SearchError> {
    check(index)
        .map_err(index_error(dir))?
        .map_err(|formats| SearchError::Format {
            path: dir.to_path_buf(),
            formats,
        })
}

/// Whether `index` is of [`INDEX_FORMAT`], as its last commit stamped it; the formats
/// otherwise.
fn check(index: &Index) -> tantivy::Result<Result<(), OtherFormat>> {
    let metas = index.load_metas()?;
    let found = IndexFormat::of_payload(metas.payload.as_deref());
    Ok(match found {
        Some(found) if found == INDEX_FORMAT => Ok(()),
        found => Err(OtherFormat {
            found,
            wanted: INDEX_FORMAT,
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stamp_is_read_back_and_anything_else_is_another_format() {
        let of = IndexFormat::of_payload;
        assert_eq!(of(Some(&*INDEX_FORMAT.payload())), Some(INDEX_FORMAT));
        assert_eq!(of(Some("arshif index format 7")), Some(IndexFormat(7)));
        assert_eq!(of(None), Some(UNSTAMPED));
        for foreign in [
            "",
            "arshif index format ",
            "arshif index format x",
            "7",
            "{}",
        ] {
            assert_eq!(of(Some(foreign)), None, "{foreign:?}");
        }
        assert_ne!(UNSTAMPED, INDEX_FORMAT);
    }

    #[test]
    fn an_index_of_an_earlier_format_is_neither_searched_nor_updated() {
        use super::super::schema::{fields_of, register_tokenizers, schema};
        use super::super::{IndexWriter, SearchIndex, build_index, pairs};
        use tantivy::TantivyDocument;
        use tantivy::schema::{STORED, Schema};
        // Earlier versions' indexes, unstamped: this schema, and the paragraphs stored beside
        // it (as bytes, then as a text) as before session 23.
        for paragraphs in [None, Some(false), Some(true)] {
            let mut builder = Schema::builder();
            for (_, entry) in schema().0.fields() {
                builder.add_field(entry.clone());
            }
            let stored = paragraphs.map(|text| {
                if text {
                    builder.add_text_field("paragraphs", STORED)
                } else {
                    builder.add_bytes_field("paragraphs", STORED)
                }
            });
            let dir = tempfile::tempdir().unwrap();
            let index = Index::create_in_dir(dir.path(), builder.build()).unwrap();
            register_tokenizers(&index);
            let f = fields_of(&index.schema()).unwrap();
            let mut doc = TantivyDocument::default();
            doc.add_text(f.id, "a");
            doc.add_text(f.body, pairs::analysed("وزير الخارجية"));
            if let Some(stored) = stored {
                doc.add_text(stored, "what the index stored, not read");
            }
            let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
            writer.add_document(doc).unwrap();
            writer.commit().unwrap();

            // Its format is another (its dictionary might be another kind, its tokens other
            // words): never searched, and a build writes it anew.
            let formats = Some(OtherFormat {
                found: Some(UNSTAMPED),
                wanted: INDEX_FORMAT,
            });
            let refused = SearchIndex::open(dir.path()).err().unwrap();
            assert_eq!(refused.other_format(), formats);
            assert_eq!(readable(dir.path()).unwrap_err().other_format(), formats);
            assert!(!is_readable(dir.path()));
            let updated = IndexWriter::open(dir.path()).err().unwrap();
            assert_eq!(updated.other_format(), formats);
        }
        let fresh = tempfile::tempdir().unwrap();
        build_index(std::iter::empty(), fresh.path()).unwrap();
        assert!(is_readable(fresh.path()));
        assert!(SearchIndex::open(fresh.path()).is_ok());
    }

    #[test]
    fn the_formats_are_said_with_their_versions() {
        let other = |found| OtherFormat {
            found,
            wanted: IndexFormat(3),
        };
        assert_eq!(
            other(Some(IndexFormat(2))).to_string(),
            "of format 2, where this arshif reads format 3"
        );
        assert_eq!(
            other(None).to_string(),
            "of an unknown format, where this arshif reads format 3"
        );
    }

    /// The kind of term dictionary tantivy writes, as the last four bytes of a field's part of
    /// a segment's `.term` file say it (tantivy's `termdict::DictionaryType`: 1 an FST, 2 an
    /// sstable).
    fn dictionary_kind(index: &Index) -> u32 {
        use tantivy::directory::CompositeFile;
        use tantivy::index::SegmentComponent;
        let segment = index.searchable_segments().unwrap().remove(0);
        let terms = segment.open_read(SegmentComponent::Terms).unwrap();
        let field = index.schema().get_field("body").unwrap();
        let dictionary = CompositeFile::open(&terms)
            .unwrap()
            .open_read(field)
            .unwrap();
        let bytes = dictionary.read_bytes().unwrap();
        u32::from_le_bytes(bytes[bytes.len() - 4..].try_into().unwrap())
    }

    #[test]
    fn the_term_dictionary_is_the_kind_this_format_names() {
        // A change of tantivy's features that changes the dictionary changes the format: this
        // fails until the version is raised and named here with its dictionary.
        let dictionary = match INDEX_FORMAT.0 {
            1..=3 => 1,
            version => panic!("format {version} names no term dictionary here"),
        };
        let dir = tempfile::tempdir().unwrap();
        let article = crate::Article {
            id: "a".into(),
            title: "وزير الخارجية".into(),
            body: vec!["قال وزير الخارجية".into()],
            ..Default::default()
        };
        super::super::build_index([&article], dir.path()).unwrap();
        let index = Index::open_in_dir(dir.path()).unwrap();
        assert_eq!(dictionary_kind(&index), dictionary);
        assert_eq!(check(&index).unwrap(), Ok(()), "stamped");
    }
}
