//! The archive as data, for researchers who study coverage by the thousands of articles: one
//! versioned JSON document per article ([`ArticleDocument`], the schema in
//! `docs/schema/article.v1.json`), and the whole archive as JSON Lines of them
//! ([`write_jsonl`]), written in constant memory however many articles there are.
//!
//! A document nests the record as `arshif parse` prints it under `record` rather than adding
//! to it: what the archive says about an article (its page, its story thread, what an
//! archivist corrected) can then never collide with a field the record gains later.

use std::io::{self, Write};

use serde::Serialize;

use super::gzip_members::GzipMembers;
use super::model::Part;
use super::store::SequentialReader;
use super::{Archive, ArchiveError, Entry};
use crate::capture::Origin;
use crate::parse::Article;

/// The version of the documents' schema. Version 1 grows only by new optional properties;
/// removing or retyping one makes version 2.
pub const SCHEMA_VERSION: u32 = 1;

/// One article as data (see the module comment and the schema file).
#[derive(Debug, Serialize)]
pub struct ArticleDocument<'a> {
    pub schema_version: u32,
    /// The article's page, when the document is served at an address (not in JSON Lines).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    pub record: RecordRef<'a>,
    /// The ids of the other articles of its story thread, oldest first.
    pub thread: Vec<&'a str>,
    /// The record fields an archivist's override set.
    pub corrected: &'a [String],
    /// The archivist's note, in Markdown.
    pub note: Option<&'a str>,
}

/// The record as `arshif parse` prints it: the article and where its page came from (format,
/// address, capture date, offset), one flat object.
#[derive(Debug, Serialize)]
pub struct RecordRef<'a> {
    #[serde(flatten)]
    pub article: &'a Article,
    #[serde(flatten)]
    pub origin: &'a Origin,
}

impl<'a> ArticleDocument<'a> {
    /// The document of `entry`, whole (body included), an entry of `archive`.
    pub fn new(archive: &'a Archive, entry: &'a Entry) -> ArticleDocument<'a> {
        ArticleDocument {
            schema_version: SCHEMA_VERSION,
            url: None,
            record: RecordRef {
                article: &entry.article,
                origin: &entry.provenance.origin,
            },
            thread: archive
                .thread(&entry.article.id)
                .into_iter()
                .map(|e| e.article.id.as_str())
                .collect(),
            corrected: &entry.overridden,
            note: entry.note.as_deref(),
        }
    }
}

/// libdeflate's level for the download. 4 is the knee of its table on the download's own
/// bytes: 6.3 % more bytes than level 6 for a quarter fewer instructions, where 5 saves only
/// 12 % of them for 4.4 % more bytes, and 6 then buys 4.2 % of the bytes for 13 % more
/// (notes/serve-bench.md, sessions 37 and 42). The download is made by every export and every
/// build `serve` loads, and fetched now and then by a researcher: its deflate was a fifth of
/// an export without `.gz` and `.br` files.
pub const DOWNLOAD_LEVEL: i32 = 4;

/// Writes every article of `archive`, in reading order (dated oldest first, then undated),
/// as one [`ArticleDocument`] a line; gives back how many. Memory stays that of one article:
/// each body is read from the store, written, and dropped.
pub fn write_jsonl(archive: &Archive, out: &mut impl Write) -> io::Result<usize> {
    // One line at a time, written whole: a writer takes a line in one copy, not in the
    // pieces of a few bytes a serializer writes.
    let mut line = Vec::new();
    for_each_document(archive, |document| {
        line.clear();
        write_line(document, &mut line)?;
        out.write_all(&line)
    })
}

/// `write` of each article's [`ArticleDocument`], in reading order; how many articles.
fn for_each_document(
    archive: &Archive,
    mut write: impl FnMut(&ArticleDocument) -> io::Result<()>,
) -> io::Result<usize> {
    let mut store = archive
        .store
        .as_ref()
        .map(|s| s.sequential())
        .transpose()
        .map_err(io::Error::other)?;
    let mut whole = Entry::default();
    for (light, part) in archive.entries().into_iter().zip(archive.chunks.parts()) {
        let body = body_of(part, store.as_mut()).map_err(io::Error::other)?;
        whole.article.clone_from(&light.article);
        whole.article.body = body;
        whole.note.clone_from(&light.note);
        whole.overridden.clone_from(&light.overridden);
        whole.provenance.clone_from(&light.provenance);
        write(&ArticleDocument::new(archive, &whole))?;
    }
    Ok(archive.len())
}

/// `document` as one line of JSON Lines, appended to `out`.
fn write_line(document: &ArticleDocument, out: &mut Vec<u8>) -> io::Result<()> {
    write_json(document, out)?;
    out.push(b'\n');
    Ok(())
}

/// Appends `document` to `out` as JSON: the very bytes of `serde_json::to_writer` (a proptest
/// holds the two equal), written by sonic-rs, which finds the bytes a string must escape 32
/// at a time. serde_json looks at each byte (≈ 8 instructions a byte): on the documents'
/// Arabic text that was a tenth of an export without `.gz` and `.br` files, the download's
/// lines and the articles' `.json` together (notes/serve-bench.md, session 45).
pub fn write_json(document: &ArticleDocument, out: &mut Vec<u8>) -> io::Result<()> {
    sonic_rs::to_writer(out, document).map_err(io::Error::from)
}

/// [`write_jsonl`] through gzip. The bytes depend on the archive alone (no time or file name
/// in the gzip header), so every instance serving one build sends the same file.
///
/// The gzip is a run of independent members of a megabyte of JSON each, compressed by
/// libdeflate at [`DOWNLOAD_LEVEL`] ([`GzipMembers`]): read back as one stream by every gzip
/// reader, for fewer instructions than a zlib-rs stream (notes/serve-bench.md, session 25).
/// serde_json writes a document in pieces of a few bytes; the member's buffer takes them.
///
/// Each line is written in the gzip's own buffer ([`GzipMembers::write_in_place`]), not in
/// one of its own and then copied there.
pub fn write_jsonl_gz(archive: &Archive, out: impl Write) -> io::Result<usize> {
    let mut gz = GzipMembers::new(out, DOWNLOAD_LEVEL);
    let n = for_each_document(archive, |document| {
        gz.write_in_place(|pending| write_line(document, pending))
    })?;
    gz.finish()?;
    Ok(n)
}

fn body_of(part: &Part, store: Option<&mut SequentialReader>) -> Result<Vec<String>, ArchiveError> {
    match (part, store) {
        (Part::Memory(parts), _) => Ok(parts.body.clone()),
        (Part::Stored(at), Some(store)) => store.body(*at),
        (Part::Stored(_), None) => Err(ArchiveError::Corrupt {
            path: std::path::PathBuf::new(),
            reason: "an article points into a store the archive does not have".into(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: &str, published: Option<&str>) -> Entry {
        Entry {
            article: Article {
                id: id.into(),
                title: format!("عنوان {id}"),
                published: published.map(|d| crate::parse::Date::parse(d).unwrap()),
                body: vec![format!("نص {id}"), "فقرة ثانية.".into()],
                ..Article::default()
            },
            note: Some("*ملاحظة*".into()),
            overridden: vec!["published".into()],
            text: "الصفحة كما حُفظت".into(),
            provenance: Default::default(),
        }
    }

    #[test]
    fn one_line_per_article_in_reading_order_with_bodies_and_threads() {
        let archive =
            Archive::from_entries(vec![entry("b", None), entry("a", Some("2015-09-16"))], None)
                .with_threads(vec![vec!["a".into(), "b".into()]], Default::default());
        let mut out = Vec::new();
        assert_eq!(write_jsonl(&archive, &mut out).unwrap(), 2);
        let lines: Vec<serde_json::Value> = String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0]["schema_version"], 1);
        assert_eq!(lines[0]["record"]["id"], "a");
        assert_eq!(lines[0]["record"]["body"][0], "نص a");
        assert_eq!(lines[0]["thread"], serde_json::json!(["b"]));
        assert_eq!(lines[1]["thread"], serde_json::json!(["a"]));
        assert_eq!(lines[0]["corrected"], serde_json::json!(["published"]));
        assert_eq!(lines[0]["note"], "*ملاحظة*");
        // The dump's text is the source page's, not data about the article.
        assert!(!lines[0].to_string().contains("كما حُفظت"));
        assert!(lines[0].get("url").is_none());
    }

    /// Text that JSON must escape (quotes, backslashes, every control character) amid Arabic
    /// and any other characters, often longer than the 32 bytes sonic-rs looks at at once.
    fn text() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let char = prop_oneof![
            any::<char>(),
            (0u8..0x80).prop_map(char::from),
            proptest::sample::select(vec!['"', '\\', '\u{7f}', 'ء', 'ي', '\u{200f}']),
        ];
        proptest::collection::vec(char, 0..90).prop_map(String::from_iter)
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(64))]
        /// `write_json` writes what serde_json wrote before it: the download and the
        /// articles' `.json` keep their bytes.
        #[test]
        fn a_document_is_the_bytes_serde_json_writes(
            title in text(),
            body in proptest::collection::vec(text(), 0..5),
            note in proptest::option::of(text()),
            place in proptest::option::of(text()),
            url in proptest::option::of(text()),
            warning in text(),
            offset in proptest::option::of(proptest::prelude::any::<u64>()),
            dated in proptest::prelude::any::<bool>(),
        ) {
            let mut one = entry("a", dated.then_some("2015-09-16T16:41+03:00"));
            one.article.title = title;
            one.article.body = body;
            one.article.place = place;
            one.article.warnings = vec![crate::parse::Warning {
                code: crate::parse::WarningCode::DateConflict,
                message: warning,
            }];
            one.note = note;
            one.provenance.origin.url = url.clone();
            one.provenance.origin.offset = offset;
            let archive = Archive::from_entries(vec![one.clone(), entry("b", None)], None)
                .with_threads(vec![vec!["a".into(), "b".into()]], Default::default());
            let mut document = ArticleDocument::new(&archive, &one);
            document.url = url;
            let mut ours = Vec::new();
            write_json(&document, &mut ours).unwrap();
            proptest::prop_assert_eq!(ours, serde_json::to_vec(&document).unwrap());
        }
    }

    #[test]
    fn the_gzip_is_the_same_bytes_every_time() {
        let archive = Archive::from_entries(vec![entry("a", None)], None);
        let (mut one, mut two) = (Vec::new(), Vec::new());
        write_jsonl_gz(&archive, &mut one).unwrap();
        write_jsonl_gz(&archive, &mut two).unwrap();
        assert_eq!(one, two);
        let mut plain = Vec::new();
        write_jsonl(&archive, &mut plain).unwrap();
        let mut unzipped = Vec::new();
        std::io::Read::read_to_end(
            &mut flate2::read::MultiGzDecoder::new(&one[..]),
            &mut unzipped,
        )
        .unwrap();
        assert_eq!(unzipped, plain);
    }
}
