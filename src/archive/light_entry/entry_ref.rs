//! An entry to write ([`EntryRef`]): whole, or read light and written from the bytes it was
//! read from where they are what encoding it gives; and the shape the build cache writes it in
//! ([`AsCached`]).

use serde::ser::SerializeTuple;
use serde::{Serialize, Serializer};

use super::super::chunk_files;
use super::super::entry::{Entry, OtherCapture};
use super::super::store::PartRef;
use super::{HeadRef, Raw, Written};
use crate::capture::Format;
use crate::parse::Date;

/// An entry to write: whole, or a reused one's head with where its whole self is. Written as
/// [`Entry`] is.
#[derive(Clone, Copy)]
pub enum EntryRef<'a> {
    Whole(&'a Entry),
    Light(HeadRef<'a>, &'a Raw),
}

impl EntryRef<'_> {
    pub fn id(&self) -> &str {
        match self {
            EntryRef::Whole(entry) => &entry.article.id,
            EntryRef::Light(head, _) => head.id(),
        }
    }

    pub fn published(&self) -> Option<Date> {
        match self {
            EntryRef::Whole(entry) => entry.article.published,
            EntryRef::Light(head, _) => head.published(),
        }
    }

    fn format(&self) -> Format {
        match self {
            EntryRef::Whole(entry) => entry.provenance.origin.format,
            EntryRef::Light(head, _) => head.format(),
        }
    }

    fn captured(&self) -> Option<Date> {
        match self {
            EntryRef::Whole(entry) => entry.provenance.origin.captured,
            EntryRef::Light(head, _) => head.captured(),
        }
    }

    /// Its other captures: none for an entry read light (they are given to a whole one).
    pub fn others(&self) -> &[OtherCapture] {
        match self {
            EntryRef::Whole(entry) => &entry.provenance.others,
            EntryRef::Light(..) => &[],
        }
    }

    /// The bytes it was read from, when they are what encoding it gives.
    fn bytes_as_read(&self) -> Option<&[u8]> {
        match *self {
            EntryRef::Light(head, raw) => raw.entry_bytes(head),
            EntryRef::Whole(_) => None,
        }
    }

    /// Appends the entry as [`Serialize`] writes it: an entry read light from the bytes it
    /// was read from when they are the same ([`Raw::entry_bytes`]), not decoded whole and
    /// encoded again (≈ 7,000 instructions an entry, for every entry of a chunk a `+1`
    /// writes again).
    pub fn encode_into(&self, out: &mut Vec<u8>) -> std::io::Result<()> {
        match self.bytes_as_read() {
            Some(bytes) => {
                out.extend_from_slice(bytes);
                Ok(())
            }
            None => chunk_files::postcard_item(self, out),
        }
    }
}

/// Appends an entry of the compiled archive and where its parts are, as postcard writes the
/// pair.
pub fn encode_placed((entry, at): &(EntryRef, PartRef), out: &mut Vec<u8>) -> std::io::Result<()> {
    entry.encode_into(out)?;
    chunk_files::postcard_item(at, out)
}

impl Serialize for EntryRef<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match *self {
            EntryRef::Whole(entry) => entry.serialize(s),
            EntryRef::Light(head, raw) => raw
                .entry(head)
                .map_err(serde::ser::Error::custom)?
                .serialize(s),
        }
    }
}

/// An entry as the build cache writes it: its head's fields (publication date, format,
/// capture date, in bytes of fixed width: [`Written::encode`]), then its whole self ([`EntryRef`]'s bytes) with their length before them,
/// so that a build reads the head and passes the rest in one step ([`super::read_heads`]).
pub struct AsCached<'a>(pub EntryRef<'a>);

impl Serialize for AsCached<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let entry = self.0;
        let mut t = s.serialize_tuple(2)?;
        let head = Written::encode(
            entry.published().as_ref(),
            entry.format(),
            entry.captured().as_ref(),
        );
        t.serialize_element(&head)?;
        match entry.bytes_as_read() {
            Some(bytes) => t.serialize_element(&AsBytes(bytes))?,
            None => {
                let bytes = postcard::to_stdvec(&entry).map_err(serde::ser::Error::custom)?;
                t.serialize_element(&AsBytes(&bytes))?;
            }
        }
        t.end()
    }
}

/// Bytes written as one run with its length (serde writes a `&[u8]` as a sequence of
/// numbers, one varint a byte).
struct AsBytes<'a>(&'a [u8]);

impl Serialize for AsBytes<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(self.0)
    }
}
