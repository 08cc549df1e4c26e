//! A reused article's head as the cache's chunk holds it in its table of heads: a row of
//! fixed width ([`ROW`] bytes), read where it lies in the mapped chunk ([`HeadRef`]), never
//! copied into a vector of its own unless the build changes it ([`super::Heads::to_mut`]).
//!
//! Read from the entries' own bytes, a million heads were decoded and copied into fresh pages
//! (112 MB) at every `+1`, and reading them touched every page of the cache's chunks, their
//! entries lying between them (notes/build-bench.md, session 56).

use std::ops::Range;

use compact_str::CompactString;

use super::super::store::PartRef;
use super::super::threads::{BODY_KEY, ProfileRef, body_key_bytes};
use super::{FORMATS, Head, LightResult, usize_range};
use crate::capture::Format;
use crate::parse::Date;
use crate::serde_le::Le;

/// A head's row: the publication and capture dates packed (0 where there is none), where its
/// parts are in the store, where its entry's and its profile's bytes are in the chunk, its
/// format, its id (inline when it is short, a numbered dump's or a crawled page's 16 hex
/// digits, else the entry's own first field: [`LONG_ID`]), and a copy of its profile's body
/// key ([`ProfileRef::Placed`]).
pub const ROW: usize = 80;

/// Where the ends of the entry's bytes, then of the profile's, are in a row.
const AT: usize = 28;
const PROFILE_AT: usize = AT + 8;

/// Where the copy of the profile's body key is in a row.
const BODY_AT: usize = 64;

/// The longest id a row holds inline.
const INLINE_ID: usize = 18;

/// The id-length byte of a row whose id is its entry's first field, in the chunk.
const LONG_ID: u8 = u8::MAX;

/// The row of `head`, whose parts are at `part` and whose profile's body key is `body`.
pub fn encode(head: &Head, part: &PartRef, body: Option<(u64, u32)>) -> [u8; ROW] {
    let date = |d: Option<&Date>| d.map_or(0, Date::packed);
    let mut row = [0; ROW];
    date(head.published.as_ref()).put(&mut row[0..8]);
    date(head.captured.as_ref()).put(&mut row[8..16]);
    part.offset.put(&mut row[16..24]);
    part.len.put(&mut row[24..28]);
    let ends = [
        head.at.start,
        head.at.end,
        head.profile_at.start,
        head.profile_at.end,
    ];
    for (k, v) in ends.into_iter().enumerate() {
        v.put(&mut row[AT + 4 * k..AT + 4 + 4 * k]);
    }
    row[44] = head.format as u8;
    let id = head.id.as_bytes();
    if id.len() <= INLINE_ID {
        row[45] = id.len() as u8;
        row[46..46 + id.len()].copy_from_slice(id);
    } else {
        row[45] = LONG_ID;
    }
    row[BODY_AT..BODY_AT + BODY_KEY].copy_from_slice(&body_key_bytes(body));
    row
}

/// A reused article's head where it lies: a row of its chunk's table, or its own (changed by
/// the build: an id given again, parts moved).
#[derive(Debug, Clone, Copy)]
pub enum HeadRef<'a> {
    /// A row, and the chunk it is in (where a long id is).
    Row(&'a [u8; ROW], &'a [u8]),
    Own(&'a LightResult),
}

impl<'a> HeadRef<'a> {
    fn word(row: &[u8; ROW], at: usize) -> u64 {
        u64::get(&row[at..at + 8])
    }

    fn half(row: &[u8; ROW], at: usize) -> u32 {
        u32::get(&row[at..at + 4])
    }

    /// The range of the chunk's bytes whose ends the row holds at `at` and `at + 4`.
    fn halves(row: &[u8; ROW], at: usize) -> Range<u32> {
        HeadRef::half(row, at)..HeadRef::half(row, at + 4)
    }

    /// Its id, as the cache holds it (empty where a damaged row's is not UTF-8: a table's rows
    /// are checked when its chunk is read, [`check`]).
    pub fn id(self) -> &'a str {
        match self {
            HeadRef::Row(row, chunk) => id_bytes(row, chunk)
                .and_then(super::super::id::from_bytes)
                .unwrap_or_default(),
            HeadRef::Own((head, _)) => head.id.as_str(),
        }
    }

    pub fn published(self) -> Option<Date> {
        match self {
            HeadRef::Row(row, _) => Date::from_packed(HeadRef::word(row, 0)),
            HeadRef::Own((head, _)) => head.published,
        }
    }

    pub fn captured(self) -> Option<Date> {
        match self {
            HeadRef::Row(row, _) => Date::from_packed(HeadRef::word(row, 8)),
            HeadRef::Own((head, _)) => head.captured,
        }
    }

    pub fn format(self) -> Format {
        match self {
            HeadRef::Row(row, _) => FORMATS
                .get(usize::from(row[44]))
                .copied()
                .unwrap_or_default(),
            HeadRef::Own((head, _)) => head.format,
        }
    }

    /// Where its parts are in the store.
    pub fn part(self) -> PartRef {
        match self {
            HeadRef::Row(row, _) => PartRef {
                offset: HeadRef::word(row, 16),
                len: HeadRef::half(row, 24),
            },
            HeadRef::Own((_, part)) => *part,
        }
    }

    /// Where its whole entry's bytes are in its chunk.
    pub(super) fn at(self) -> Range<usize> {
        match self {
            HeadRef::Row(row, _) => usize_range(HeadRef::halves(row, AT)),
            HeadRef::Own((head, _)) => usize_range(head.at.clone()),
        }
    }

    /// Where its profile's bytes are in its chunk.
    pub(super) fn profile_at(self) -> Range<usize> {
        match self {
            HeadRef::Row(row, _) => usize_range(HeadRef::halves(row, PROFILE_AT)),
            HeadRef::Own((head, _)) => usize_range(head.profile_at.clone()),
        }
    }

    /// Its profile, whose bytes are at [`HeadRef::profile_at`] of `chunk`: a row's with the
    /// copy of its body key the row holds.
    pub(super) fn profile(self, chunk: &'a [u8]) -> ProfileRef<'a> {
        let bytes = chunk.get(self.profile_at()).unwrap_or_default();
        match self {
            HeadRef::Row(row, _) => match row[BODY_AT..BODY_AT + BODY_KEY].try_into() {
                Ok(key) => ProfileRef::Placed(key, bytes),
                Err(_) => ProfileRef::Encoded(bytes),
            },
            HeadRef::Own(_) => ProfileRef::Encoded(bytes),
        }
    }

    /// The head as its own, to be changed.
    pub fn to_owned(self) -> LightResult {
        match self {
            HeadRef::Own(own) => own.clone(),
            HeadRef::Row(row, _) => {
                let head = Head {
                    id: CompactString::new(self.id()),
                    published: self.published(),
                    format: self.format(),
                    captured: self.captured(),
                    at: HeadRef::halves(row, AT),
                    profile_at: HeadRef::halves(row, PROFILE_AT),
                };
                (head, self.part())
            }
        }
    }
}

/// The bytes of a row's id: inline, or its entry's first field (as postcard writes a string:
/// its length, then its bytes).
fn id_bytes<'a>(row: &'a [u8; ROW], chunk: &'a [u8]) -> Option<&'a [u8]> {
    match row[45] {
        LONG_ID => {
            let entry = chunk.get(usize_range(HeadRef::halves(row, AT)))?;
            let (len, id) = crate::varint::take_usize(entry)?;
            id.get(..len)
        }
        len => {
            let len = usize::from(len);
            (len <= INLINE_ID).then(|| &row[46..46 + len])
        }
    }
}

/// Whether `row` is one [`encode`] could have written for an entry of `chunk`: its dates pack
/// dates, its format is one, its id is UTF-8, its entry's and profile's bytes are in the
/// chunk. A chunk's rows are checked once, when it is read: a cache that cannot be read is no
/// cache.
pub fn check(row: &[u8; ROW], chunk: &[u8]) -> bool {
    let date = |at| match HeadRef::word(row, at) {
        0 => true,
        bits => Date::from_packed(bits).is_some(),
    };
    let head = HeadRef::Row(row, chunk);
    let (at, profile_at) = (head.at(), head.profile_at());
    let within = |r: &Range<usize>| r.start <= r.end && r.end <= chunk.len();
    date(0)
        && date(8)
        && row[BODY_AT] <= 1
        && usize::from(row[44]) < FORMATS.len()
        && within(&at)
        && within(&profile_at)
        && id_bytes(row, chunk).is_some_and(|id| super::super::id::from_bytes(id).is_some())
}
