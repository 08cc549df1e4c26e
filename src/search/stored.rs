//! A hit's stored fields, read as slices of tantivy's stored bytes rather than decoded into a
//! document.
//!
//! Tantivy's own `Searcher::doc` copies every stored value out through a byte-at-a-time
//! `Read` (some 2.5 instructions a byte: a third of a common word's query at 100,000 articles
//! in notes/search-bench.md, when the body's paragraphs were stored too), where a hit needs
//! only its id.
//! Here a segment's [`StoreReader`] hands back the document's raw bytes (a slice of the cached
//! decompressed block) and [`values`] walks the layout tantivy's document serializer writes:
//! the number of values (a VInt), then for each the field (`u32`, little-endian), a type code
//! (`u8`) and, for text and bytes, a VInt length and the bytes. A VInt is 7 bits a byte, low
//! bits first, its last byte marked by the high bit (`tantivy_common::VInt`). The test below
//! reads a document tantivy wrote, so a change of that layout in a new tantivy fails it.

use std::io;

use tantivy::directory::OwnedBytes;
use tantivy::schema::Field;
use tantivy::store::StoreReader;
use tantivy::{DocAddress, Searcher};

/// Decompressed blocks kept per segment: tantivy's default for a searcher.
const CACHED_BLOCKS: usize = 100;

/// Tantivy's type codes (`schema::document::type_codes`) of the values read here.
const TEXT_CODE: u8 = 0;
const BYTES_CODE: u8 = 4;

/// The document stores of a searcher's segments, in its segment order.
pub(super) struct Stores(Vec<StoreReader>);

impl Stores {
    pub(super) fn open(searcher: &Searcher) -> io::Result<Stores> {
        searcher
            .segment_readers()
            .iter()
            .map(|segment| segment.get_store_reader(CACHED_BLOCKS))
            .collect::<io::Result<_>>()
            .map(Stores)
    }

    /// The stored bytes of the document at `address`.
    pub(super) fn get(&self, address: DocAddress) -> tantivy::Result<OwnedBytes> {
        let store = self
            .0
            .get(address.segment_ord as usize)
            .ok_or_else(|| invalid(format!("no segment {}", address.segment_ord)))?;
        store.get_document_bytes(address.doc_id)
    }
}

/// Stored bytes that are not what this module (or its caller) expects.
pub(super) fn invalid(message: String) -> tantivy::TantivyError {
    tantivy::TantivyError::from(io::Error::new(io::ErrorKind::InvalidData, message))
}

/// The text and bytes values of a stored document, in the order stored, each as its field and
/// a slice of `doc`. A value of another type ends the walk with an error: the index stores
/// none (their lengths are not written, so they could not be stepped over anyway).
pub(super) fn values(doc: &[u8]) -> impl Iterator<Item = tantivy::Result<(Field, &[u8])>> {
    let mut rest = doc;
    let mut left = None;
    std::iter::from_fn(move || {
        let count = match left {
            Some(count) => count,
            None => match vint(&mut rest) {
                Ok(count) => count,
                Err(e) => {
                    left = Some(0);
                    return Some(Err(e));
                }
            },
        };
        if count == 0 {
            left = Some(0);
            return None;
        }
        left = Some(count - 1);
        let value = value(&mut rest);
        if value.is_err() {
            left = Some(0);
        }
        Some(value)
    })
}

fn value<'a>(rest: &mut &'a [u8]) -> tantivy::Result<(Field, &'a [u8])> {
    let field = take(rest, 4)?;
    let field = Field::from_field_id(u32::from_le_bytes([field[0], field[1], field[2], field[3]]));
    match take(rest, 1)?[0] {
        TEXT_CODE | BYTES_CODE => {
            let len = vint(rest)?;
            let len = usize::try_from(len).map_err(|_| invalid(format!("length {len}")))?;
            Ok((field, take(rest, len)?))
        }
        code => Err(invalid(format!("a stored value of type code {code}"))),
    }
}

fn take<'a>(rest: &mut &'a [u8], n: usize) -> tantivy::Result<&'a [u8]> {
    if rest.len() < n {
        return Err(invalid("a stored document ends inside a value".to_owned()));
    }
    let (head, tail) = rest.split_at(n);
    *rest = tail;
    Ok(head)
}

fn vint(rest: &mut &[u8]) -> tantivy::Result<u64> {
    let mut value = 0u64;
    for (i, &byte) in rest.iter().enumerate().take(10) {
        value |= u64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 != 0 {
            *rest = &rest[i + 1..];
            return Ok(value);
        }
    }
    Err(invalid("a stored document ends inside a number".to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::schema::{STORED, STRING, Schema};
    use tantivy::{Index, TantivyDocument};

    #[test]
    fn values_are_those_tantivy_stored() {
        let mut schema = Schema::builder();
        let id = schema.add_text_field("id", STRING | STORED);
        let unstored = schema.add_text_field("unstored", STRING);
        let body = schema.add_bytes_field("body", STORED);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        // A body longer than 127 bytes takes a VInt of two bytes, and one of 16,384 three.
        let long = "سوريا ".repeat(2_000);
        for (i, text) in ["", "قصير", long.as_str()].into_iter().enumerate() {
            let mut doc = TantivyDocument::default();
            doc.add_text(id, format!("a{i}"));
            doc.add_text(unstored, "x");
            doc.add_bytes(body, text.as_bytes());
            doc.add_bytes(body, b"\xff second");
            writer.add_document(doc).unwrap();
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let stores = Stores::open(&searcher).unwrap();
        for (i, text) in ["", "قصير", long.as_str()].into_iter().enumerate() {
            let raw = stores.get(DocAddress::new(0, i as u32)).unwrap();
            let read: Vec<(Field, &[u8])> = values(&raw).collect::<tantivy::Result<_>>().unwrap();
            let id_text = format!("a{i}");
            let want: [(Field, &[u8]); 3] = [
                (id, id_text.as_bytes()),
                (body, text.as_bytes()),
                (body, b"\xff second"),
            ];
            assert_eq!(read, want, "document {i}");
        }
        assert!(stores.get(DocAddress::new(1, 0)).is_err());
    }

    #[test]
    fn damaged_bytes_are_an_error_not_a_panic() {
        // Two values announced; the second is cut short, then one of a type not read here.
        let doc = [0x82, 0, 0, 0, 0, 4, 0x81, b'x', 1, 0, 0, 0, 4, 0x85, b'y'];
        let read: Vec<_> = values(&doc).collect();
        assert_eq!(read.len(), 2);
        assert_eq!(read[0].as_ref().unwrap().1, b"x");
        assert!(read[1].is_err());
        let u64_value = [0x81, 0, 0, 0, 0, 2, 1, 2, 3, 4, 5, 6, 7, 8];
        assert!(values(&u64_value).next().unwrap().is_err());
        assert!(values(&[]).next().unwrap().is_err());
        assert_eq!(values(&[0x80]).count(), 0);
        // A number whose last byte never comes.
        assert!(values(&[0x00, 0x01]).next().unwrap().is_err());
    }
}
