//! A chunk of the cache's dumps read light ([`Chunk`]): each dump's articles' heads, read
//! straight from the mapped bytes (a head's dates and format in bytes of fixed width,
//! [`HEAD_LEN`]; postcard's varints without its deserializer's calls a byte: [`crate::varint`]),
//! into one vector a chunk, where each dump's results find them ([`Heads`]).

use std::ops::Range;

use compact_str::CompactString;

use super::super::store::PartRef;
use super::super::threads::ProfileRef;
use super::row::{self, HeadRef, ROW};
use super::{FORMATS, Head, LightResult, Raw, Written};
use crate::capture::Format;
use crate::parse::Date;
use crate::varint;

/// A chunk of the cache's dumps read light: its mapped bytes, where the heads of all its
/// dumps' articles are in them (its table's rows, [`ROW`] bytes each, checked when read:
/// [`row::check`]). A vector of heads a chunk, copied out of the bytes, was ≈ 112 MB of fresh
/// pages at every `+1` of a million dumps; a vector a dump before it, an allocation (and a
/// free) for each (notes/build-bench.md, sessions 42 and 56).
#[derive(Debug)]
pub struct Chunk {
    pub(super) map: memmap2::Mmap,
    /// Where the rows are in `map`.
    rows: Range<usize>,
}

impl Chunk {
    /// The chunk `map`, its heads' rows at `rows`: `None` unless they are whole rows within
    /// it, each one [`row::check`] passes.
    pub fn new(map: memmap2::Mmap, rows: Range<usize>) -> Option<Chunk> {
        let table = map.get(rows.clone())?;
        let whole = table.len() % ROW == 0;
        (whole
            && table
                .chunks_exact(ROW)
                .all(|r| row::check(r.try_into().unwrap_or(&[0; ROW]), &map)))
        .then_some(Chunk { map, rows })
    }

    /// Its bytes: the whole chunk, mapped.
    pub fn bytes(&self) -> &[u8] {
        &self.map
    }

    /// Its head `i`, where it lies.
    fn head(&self, i: usize) -> Option<HeadRef<'_>> {
        let at = self.rows.start.checked_add(i.checked_mul(ROW)?)?;
        let row = self
            .map
            .get(at..at + ROW)
            .filter(|_| at + ROW <= self.rows.end)?;
        Some(HeadRef::Row(row.try_into().ok()?, &self.map))
    }
}

/// A dump's articles read light: each one's head (with where its profile is) and parts, where
/// its chunk holds them ([`Chunk`]: its rows `InChunk`), or its own once one of them changed (an
/// id given again, parts moved by a compaction).
#[derive(Debug, Clone)]
pub enum Heads {
    InChunk(Range<u32>),
    Own(Vec<LightResult>),
}

/// The results of a dump written at `start` of `chunk` (as [`super::results::Outcomes`] writes
/// them), read light: each entry's head, where its bytes and profile are (passed, the profile
/// checked), and its parts, pushed onto `heads`. Gives where they end in `chunk`.
pub fn read_heads(
    chunk: &[u8],
    start: usize,
    heads: &mut Vec<LightResult>,
) -> Result<usize, postcard::Error> {
    let short = || postcard::Error::DeserializeUnexpectedEnd;
    let end = chunk.len();
    let at = |rest: &[u8]| end - rest.len();
    let (n, mut rest) =
        varint::take_usize(chunk.get(start..).ok_or_else(short)?).ok_or_else(short)?;
    for _ in 0..n {
        let head: Written;
        (head, rest) = Written::take_from(rest)?;
        let len: usize;
        (len, rest) = varint::take_usize(rest).ok_or_else(short)?;
        let from = at(rest);
        let entry = rest.get(..len).ok_or_else(short)?;
        rest = &rest[len..];
        // Its id, a dump's too (the build keeps it where no new name's id meets another's):
        // the entry's first field, as postcard writes a string (its length, then its bytes).
        let (id_len, id) = varint::take_usize(entry).ok_or_else(short)?;
        let id = id.get(..id_len).ok_or_else(short)?;
        let id = super::super::id::from_bytes(id).map(CompactString::new);
        let (offset, stored_len);
        (offset, rest) = varint::take_u64(rest).ok_or_else(short)?;
        (stored_len, rest) = varint::take_u32(rest).ok_or_else(short)?;
        let part = PartRef {
            offset,
            len: stored_len,
        };
        let profile_from = at(rest);
        (_, rest) = ProfileRef::take_from(rest)?;
        let head = Head {
            id: id.ok_or(postcard::Error::DeserializeBadUtf8)?,
            published: head.published,
            format: head.format,
            captured: head.captured,
            at: span(from)?..span(from + len)?,
            profile_at: span(profile_from)?..span(at(rest))?,
        };
        heads.push((head, part));
    }
    Ok(at(rest))
}

/// The results of one dump written at `start` of `bytes`, read light on their own: as a chunk
/// of that one dump, its table of heads after them, mapped.
#[cfg(test)]
pub fn read_alone(bytes: &[u8], start: usize) -> Result<(Heads, Raw, usize), postcard::Error> {
    let mut heads = Vec::new();
    let end = read_heads(bytes, start, &mut heads)?;
    let n = span(heads.len())?;
    let (map, rows) = with_rows(bytes, &heads);
    let chunk = Chunk::new(map, rows).ok_or(postcard::Error::DeserializeBadEncoding)?;
    let raw = Raw::new(&std::sync::Arc::new(chunk), span(start)?..span(end)?);
    Ok((Heads::InChunk(0..n), raw, end))
}

/// `bytes` followed by the rows of `heads` (read from them), as a chunk of the cache ends with
/// its table, mapped; and where the rows are.
#[cfg(test)]
fn with_rows(bytes: &[u8], heads: &[LightResult]) -> (memmap2::Mmap, Range<usize>) {
    let mut chunk = bytes.to_vec();
    let rows = chunk.len()..chunk.len() + heads.len() * ROW;
    for (head, part) in heads {
        chunk.extend(super::encode_row(head, part, bytes));
    }
    (super::tests::mapped(&chunk), rows)
}

/// An offset in a chunk, as held: chunks are a few megabytes, 32 bits (not 64) for a million.
pub fn span(i: usize) -> Result<u32, postcard::Error> {
    u32::try_from(i).map_err(|_| postcard::Error::DeserializeBadVarint)
}

/// The bytes of a head as the cache writes it: the publication date packed in a
/// little-endian `u64` (0 where there is none: no date packs to 0), the format's byte, the
/// capture date as the first. Read as postcard's varints, the two dates were ≈ 15 M
/// instructions of the cache's load at 100,000 (notes/build-bench.md, session 43).
pub const HEAD_LEN: usize = 17;

impl Written {
    /// A head's bytes.
    pub(super) fn encode(
        published: Option<&Date>,
        format: Format,
        captured: Option<&Date>,
    ) -> [u8; HEAD_LEN] {
        let date = |d: Option<&Date>| d.map_or(0, Date::packed).to_le_bytes();
        let mut bytes = [0; HEAD_LEN];
        bytes[..8].copy_from_slice(&date(published));
        bytes[8] = format as u8;
        bytes[9..].copy_from_slice(&date(captured));
        bytes
    }

    /// The head written at the start of `bytes`, and the bytes after it.
    fn take_from(bytes: &[u8]) -> Result<(Written, &[u8]), postcard::Error> {
        let (head, rest) = bytes
            .split_first_chunk::<HEAD_LEN>()
            .ok_or(postcard::Error::DeserializeUnexpectedEnd)?;
        let head = Written::try_from(*head).map_err(|_| postcard::Error::DeserializeBadEncoding)?;
        Ok((head, rest))
    }
}

impl TryFrom<[u8; HEAD_LEN]> for Written {
    type Error = &'static str;

    fn try_from(bytes: [u8; HEAD_LEN]) -> Result<Written, &'static str> {
        let date = |at: usize| match bytes[at..at + 8].try_into().map(u64::from_le_bytes) {
            Ok(0) => Ok(None),
            Ok(bits) => Date::from_packed(bits).map(Some).ok_or("not a packed date"),
            Err(_) => Err("a date cut short"),
        };
        Ok(Written {
            published: date(0)?,
            format: *FORMATS.get(usize::from(bytes[8])).ok_or("not a format")?,
            captured: date(9)?,
        })
    }
}

impl Heads {
    /// How many heads it has.
    pub fn len(&self) -> usize {
        match self {
            Heads::InChunk(at) => at.len(),
            Heads::Own(v) => v.len(),
        }
    }

    /// Head `j`, as `raw` holds it. Panics past the last, as a slice's index does; a row past
    /// its chunk's table (a damaged cache) is an empty head.
    pub fn get<'a>(&'a self, raw: &'a Raw, j: usize) -> HeadRef<'a> {
        match self {
            Heads::InChunk(at) => {
                assert!(j < at.len(), "head {j} of {}", at.len());
                (raw.chunk.head(at.start as usize + j)).unwrap_or(HeadRef::Own(&EMPTY))
            }
            Heads::Own(v) => HeadRef::Own(&v[j]),
        }
    }

    /// Every head, in order.
    pub fn iter<'a>(&'a self, raw: &'a Raw) -> impl ExactSizeIterator<Item = HeadRef<'a>> + 'a {
        (0..self.len()).map(move |j| self.get(raw, j))
    }

    /// Its own heads, to be changed: copied out of the chunk's the first time.
    pub fn to_mut(&mut self, raw: &Raw) -> &mut [LightResult] {
        if let Heads::InChunk(_) = self {
            *self = Heads::Own(self.iter(raw).map(HeadRef::to_owned).collect());
        }
        match self {
            Heads::Own(v) => v,
            Heads::InChunk(_) => &mut [],
        }
    }
}

/// The head of a row its chunk does not hold.
static EMPTY: LightResult = (
    Head {
        id: CompactString::const_new(""),
        published: None,
        format: Format::Text,
        captured: None,
        at: 0..0,
        profile_at: 0..0,
    },
    PartRef { offset: 0, len: 0 },
);

#[cfg(test)]
mod tests {
    use super::super::tests::{mapped, whole, written};
    use std::sync::Arc;

    use super::*;

    proptest::proptest! {
        /// A head written is read back as it was, straight from the bytes and through serde
        /// (an entry read whole) alike; any bytes are read the same by both or refused by both
        /// (cut short, a date that packs no date, a format past the known).
        #[test]
        fn a_head_is_read_back_and_any_bytes_read_alike_both_ways(
            dates in proptest::collection::vec(0usize..5, 2),
            format in 0usize..3,
            garbage in proptest::collection::vec(
                proptest::prop_oneof![proptest::prelude::any::<u8>(), proptest::strategy::Just(0u8)],
                0..20,
            ),
        ) {
            let known = [
                None,
                Date::parse("2015-09-18").ok(),
                Date::parse("2015-09-18T16:41").ok(),
                Date::parse("2020-03-17T17:27:41+03:00").ok(),
                Date::parse("1901-01-01T00:00-05:30").ok(),
            ];
            let (published, captured) = (known[dates[0]], known[dates[1]]);
            let format = FORMATS[format];
            let fields = |w: (Written, &[u8])| (w.0.published, w.0.format, w.0.captured, w.1.to_vec());
            let ours = |b| Written::take_from(b).ok().map(fields);
            let serde = |b| postcard::take_from_bytes::<Written>(b).ok().map(fields);
            let mut bytes = Written::encode(published.as_ref(), format, captured.as_ref()).to_vec();
            bytes.extend(&garbage);
            proptest::prop_assert_eq!(
                ours(&bytes),
                Some((published, format, captured, garbage.clone()))
            );
            for cut in 0..=bytes.len() {
                proptest::prop_assert_eq!(ours(&bytes[..cut]), serde(&bytes[..cut]));
            }
            proptest::prop_assert_eq!(ours(&garbage), serde(&garbage));
        }
    }

    #[test]
    fn a_heads_format_byte_is_its_place_in_the_enum() {
        for (i, format) in FORMATS.into_iter().enumerate() {
            assert_eq!(format as usize, i);
        }
        let mut bytes = Written::encode(None, Format::Warc, None);
        assert!(Written::take_from(&bytes).is_ok());
        bytes[8] = 3;
        assert!(Written::take_from(&bytes).is_err(), "no fourth format");
        bytes[8] = 0;
        bytes[0] = 1;
        assert!(
            Written::take_from(&bytes).is_err(),
            "the 0th of a month packs no date"
        );
    }

    /// `bytes` with the table of the heads of the results written at each of `starts`
    /// ([`super::with_rows`]).
    fn with_rows(bytes: &[u8], starts: &[usize]) -> (memmap2::Mmap, Range<usize>) {
        let mut heads = Vec::new();
        for &start in starts {
            read_heads(bytes, start, &mut heads).unwrap();
        }
        super::with_rows(bytes, &heads)
    }

    #[test]
    fn a_chunks_dumps_share_its_heads_until_one_of_them_changes() {
        let (mut first, mut second) = (whole(), whole());
        first.article.id = "أول".into();
        // Longer than a row holds inline: read from its entry's bytes.
        second.article.id = "مقال-عن-الحرب-الطويلة".into();
        let at = PartRef { offset: 3, len: 5 };
        let mut bytes = written(&[&first], at);
        let start = bytes.len();
        bytes.extend(written(&[&second, &second], at));
        let (map, rows) = with_rows(&bytes, &[0, start]);
        let chunk = Arc::new(Chunk::new(map, rows).unwrap());
        let one = (
            Heads::InChunk(0..1),
            Raw::new(&chunk, 0..span(start).unwrap()),
        );
        let end = span(bytes.len()).unwrap();
        let (mut two, two_raw) = (
            Heads::InChunk(1..3),
            Raw::new(&chunk, span(start).unwrap()..end),
        );
        assert_eq!(one.0.get(&one.1, 0).id(), "أول");
        assert_eq!(two.len(), 2);
        assert_eq!(two.get(&two_raw, 1).id(), "مقال-عن-الحرب-الطويلة");
        assert_eq!(two.get(&two_raw, 1).part(), at);
        assert_eq!(two.get(&two_raw, 1).published(), second.article.published);
        // Its profile with the copy of its body key the row holds.
        let profile = two_raw.profile(two.get(&two_raw, 1));
        assert!(matches!(profile, ProfileRef::Placed(..)));
        let expected = crate::archive::threads::Profile::of(&second.article);
        assert_eq!(profile.to_profile(), expected);
        // Changed, the dump's heads are its own: the chunk's, and so its neighbour's, are not.
        two.to_mut(&two_raw)[0].0.id = "آخر".into();
        assert!(matches!(two, Heads::Own(_)));
        let ids = |h: &Heads, raw| h.iter(raw).map(|h| h.id().to_string()).collect::<Vec<_>>();
        assert_eq!(ids(&two, &two_raw), ["آخر", "مقال-عن-الحرب-الطويلة"]);
        let all = ["أول", "مقال-عن-الحرب-الطويلة", "مقال-عن-الحرب-الطويلة"];
        assert_eq!(ids(&Heads::InChunk(0..3), &two_raw), all);
        assert_eq!(ids(&one.0, &one.1), ["أول"]);
        // A range past the chunk's rows gives empty heads, rather than panicking.
        assert_eq!(Heads::InChunk(2..9).get(&two_raw, 5).id(), "");
    }

    #[test]
    fn a_chunk_whose_rows_do_not_check_is_refused() {
        let at = PartRef { offset: 3, len: 5 };
        let bytes = written(&[&whole()], at);
        let (map, rows) = with_rows(&bytes, &[0]);
        assert!(Chunk::new(map, rows.clone()).is_some());
        // Each field a row is checked by, made wrong in turn: a date that packs none, a
        // format past the known, an id that is not UTF-8, an entry past the chunk, a body
        // key's copy tagged neither 0 nor 1.
        let bad: [(usize, &[u8]); 5] = [
            (0, &[1, 0, 0, 0, 0, 0, 0, 0]),
            (44, &[3]),
            (46, &[0xff]),
            (32, &[0xff, 0xff, 0xff, 0x7f]),
            (64, &[2]),
        ];
        for (field, with) in bad {
            let mut chunk = map_bytes(&bytes, &[0]);
            let row = rows.start + field;
            chunk[row..row + with.len()].copy_from_slice(with);
            assert!(
                Chunk::new(mapped(&chunk), rows.clone()).is_none(),
                "field at {field}"
            );
        }
        // Rows that are not whole, or past the bytes.
        let (map, _) = with_rows(&bytes, &[0]);
        assert!(Chunk::new(map, rows.start..rows.end - 1).is_none());
        let (map, _) = with_rows(&bytes, &[0]);
        assert!(Chunk::new(map, rows.start..rows.end + ROW).is_none());
    }

    /// [`with_rows`]'s bytes, not mapped.
    fn map_bytes(bytes: &[u8], starts: &[usize]) -> Vec<u8> {
        with_rows(bytes, starts).0.to_vec()
    }
}
