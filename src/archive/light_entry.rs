//! A reused dump's entries as `arshif build` reads them from the build cache: light, each a
//! [`Head`] of the fields a build reads of every article (its id, publication date, format
//! and capture date), the rest left in the cache's mapped bytes ([`Raw`]), decoded whole only
//! where an entry is written out (a chunk of the compiled archive that changed, an article
//! indexed again).
//!
//! The cache writes each entry as its head's fields, then its whole self as one run of bytes
//! with its length before it ([`AsCached`]): a head is read and the rest passed in one step.
//! Read past field by field, an entry was ≈ 1,000 instructions, a million of them at every
//! `+1` of a million dumps (notes/build-bench.md, sessions 35 and 36); decoded whole, some
//! eighteen allocations and a UTF-8 check per string (sessions 28 and 29).

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use compact_str::CompactString;
use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};

use super::entry::Entry;
use super::model::Part;
use super::store::PartRef;
use super::threads::ProfileRef;
use crate::capture::Format;
use crate::parse::Date;
use crate::varint;

mod entry_ref;
pub use entry_ref::{AsCached, EntryRef, encode_placed};

/// What a build reads of a reused article: the rest of its entry stays in the cache's bytes.
#[derive(Debug, Clone, Default)]
pub struct Head {
    /// As the cache holds it (a dump's is its file's as the last build gave it; a build that
    /// gives another sets it), inline: a numbered dump's 16 hex digits are no allocation.
    pub id: CompactString,
    pub published: Option<Date>,
    pub format: Format,
    /// When a crawl fetched it: the newest capture of an address is its article.
    pub captured: Option<Date>,
    /// Where its whole entry's bytes are in the chunk of its [`Raw`], and its profile's (read
    /// there: [`Raw::profile`]): chunks are a few megabytes, 32 bits (not 64) for a million.
    at: Range<u32>,
    profile_at: Range<u32>,
}

/// The fields of a [`Head`] the cache writes before each entry's bytes.
#[derive(Deserialize)]
struct Written {
    published: Option<Date>,
    format: Format,
    captured: Option<Date>,
}

impl Written {
    /// The head postcard wrote at the start of `bytes`, and the bytes after it: its dates'
    /// varints read straight from the bytes ([`varint`]), as postcard reads them.
    fn take_from(bytes: &[u8]) -> Result<(Written, &[u8]), postcard::Error> {
        let (published, rest) = take_date(bytes)?;
        let (format, rest) = postcard::take_from_bytes::<Format>(rest)?;
        let (captured, rest) = take_date(rest)?;
        let head = Written {
            published,
            format,
            captured,
        };
        Ok((head, rest))
    }
}

/// An `Option<Date>` as postcard writes it (a tag, then the packed date's varint).
fn take_date(bytes: &[u8]) -> Result<(Option<Date>, &[u8]), postcard::Error> {
    match bytes.split_first() {
        Some((0, rest)) => Ok((None, rest)),
        Some((1, rest)) => {
            let (bits, rest) =
                varint::take_u64(rest).ok_or(postcard::Error::DeserializeBadVarint)?;
            let date = Date::from_packed(bits).ok_or(postcard::Error::DeserializeBadEncoding)?;
            Ok((Some(date), rest))
        }
        Some(_) => Err(postcard::Error::DeserializeBadOption),
        None => Err(postcard::Error::DeserializeUnexpectedEnd),
    }
}

/// A chunk of the cache's dumps read light: its mapped bytes, and the heads and parts of all
/// its dumps' articles in one vector. A vector a dump was an allocation (and a free) for each
/// of a million reused dumps at every `+1` (15.5 M instructions at 100,000 in mimalloc's
/// allocation alone: notes/build-bench.md, session 42).
#[derive(Debug)]
pub struct Chunk {
    map: memmap2::Mmap,
    heads: Vec<LightResult>,
}

impl Chunk {
    pub fn new(map: memmap2::Mmap, heads: Vec<LightResult>) -> Chunk {
        Chunk { map, heads }
    }
}

/// Where a reused dump's results are in a chunk of the cache, as written: the bytes of its
/// list of `(entry, parts, profile)`, each entry as [`AsCached`] writes it.
#[derive(Debug, Clone)]
pub struct Raw {
    chunk: Arc<Chunk>,
    range: Range<u32>,
}

/// A dump's articles read light: each one's head (with where its profile is) and parts, where
/// its chunk holds them ([`Chunk`]: as read), or its own once one of them changed (an id
/// given again, parts moved by a compaction).
#[derive(Debug, Clone)]
pub enum Heads {
    InChunk(Range<u32>),
    Own(Vec<LightResult>),
}

/// A reused article as a build holds it: its head, and where its parts are.
pub type LightResult = (Head, Part);

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
    let (n, mut rest) = postcard::take_from_bytes::<usize>(chunk.get(start..).ok_or_else(short)?)?;
    for _ in 0..n {
        let head: Written;
        (head, rest) = Written::take_from(rest)?;
        let len: usize;
        (len, rest) = varint::take_usize(rest).ok_or_else(short)?;
        let from = at(rest);
        let entry = rest.get(..len).ok_or_else(short)?;
        rest = &rest[len..];
        // Its id, a dump's too (the build keeps it where no new name's id meets another's).
        let (Held(id), _) = postcard::take_from_bytes::<Held>(entry)?;
        let id = super::id::from_bytes(id).map(CompactString::new);
        let (offset, stored_len);
        (offset, rest) = varint::take_u64(rest).ok_or_else(short)?;
        (stored_len, rest) = varint::take_u32(rest).ok_or_else(short)?;
        let part = Part::Stored(PartRef {
            offset,
            len: stored_len,
        });
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

/// The results of one dump written at `start` of `map`, read light on their own (as a chunk
/// of that one dump).
#[cfg(test)]
pub fn read_alone(
    map: memmap2::Mmap,
    start: usize,
) -> Result<(Heads, Raw, usize), postcard::Error> {
    let mut heads = Vec::new();
    let end = read_heads(&map, start, &mut heads)?;
    let n = span(heads.len())?;
    let chunk = Arc::new(Chunk::new(map, heads));
    let raw = Raw::new(&chunk, span(start)?..span(end)?);
    Ok((Heads::InChunk(0..n), raw, end))
}

/// An offset in a chunk, as held: chunks are a few megabytes, 32 bits (not 64) for a million.
pub fn span(i: usize) -> Result<u32, postcard::Error> {
    u32::try_from(i).map_err(|_| postcard::Error::DeserializeBadVarint)
}

impl Heads {
    /// The heads of `heads`, as `raw` holds them.
    pub fn of<'a>(&'a self, raw: &'a Raw) -> &'a [LightResult] {
        match self {
            Heads::InChunk(at) => (raw.chunk.heads)
                .get(at.start as usize..at.end as usize)
                .unwrap_or_default(),
            Heads::Own(v) => v,
        }
    }

    /// Its own heads, to be changed: copied out of the chunk's the first time.
    pub fn to_mut(&mut self, raw: &Raw) -> &mut [LightResult] {
        if let Heads::InChunk(_) = self {
            *self = Heads::Own(self.of(raw).to_vec());
        }
        match self {
            Heads::Own(v) => v,
            Heads::InChunk(_) => &mut [],
        }
    }
}

impl Raw {
    /// The results written at `range` of `chunk`.
    pub fn new(chunk: &Arc<Chunk>, range: Range<u32>) -> Raw {
        let chunk = chunk.clone();
        Raw { chunk, range }
    }

    /// The bytes at `at` of its chunk (empty where the chunk is shorter).
    pub fn chunk_bytes(&self, at: Range<usize>) -> &[u8] {
        self.chunk.map.get(at).unwrap_or_default()
    }

    /// The bytes of the entry `head` heads.
    fn bytes_of(&self, head: &Head) -> Result<&[u8], postcard::Error> {
        let at = head.at.start as usize..head.at.end as usize;
        (self.chunk.map.get(at)).ok_or(postcard::Error::DeserializeUnexpectedEnd)
    }

    /// The profile of the article `head` heads, where the chunk holds it (checked when read).
    pub fn profile(&self, head: &Head) -> ProfileRef<'_> {
        let at = head.profile_at.start as usize..head.profile_at.end as usize;
        ProfileRef::Encoded(self.chunk.map.get(at).unwrap_or_default())
    }

    /// The whole entry `head` heads, with its head's id (which a build may have changed
    /// since: a file whose namesake came or went).
    pub fn entry(&self, head: &Head) -> Result<Entry, postcard::Error> {
        let mut entry: Entry = postcard::from_bytes(self.bytes_of(head)?)?;
        head.id.as_str().clone_into(&mut entry.article.id);
        Ok(entry)
    }

    /// The bytes the entry `head` heads was read from, when they are what encoding it whole
    /// gives: it was read with the id its head has now.
    fn entry_bytes(&self, head: &Head) -> Option<&[u8]> {
        let bytes = self.bytes_of(head).ok()?;
        let (id, _) = postcard::take_from_bytes::<Held>(bytes).ok()?;
        (id.0 == head.id.as_bytes()).then_some(bytes)
    }

    /// The results' bytes as read, when they are what encoding them again gives: as many as
    /// `now`, each read with the id `now` gives it and its parts still where `now` says.
    pub fn outcomes_bytes<'a>(
        &self,
        now: impl ExactSizeIterator<Item = (&'a str, Option<PartRef>)>,
    ) -> Option<&[u8]> {
        let bytes = (self.chunk.map).get(self.range.start as usize..self.range.end as usize)?;
        let (n, mut rest) = postcard::take_from_bytes::<usize>(bytes).ok()?;
        if n != now.len() {
            return None;
        }
        for (id, part) in now {
            (_, rest) = postcard::take_from_bytes::<Written>(rest).ok()?;
            let entry: Held;
            (entry, rest) = postcard::take_from_bytes(rest).ok()?;
            let (read, _) = postcard::take_from_bytes::<Held>(entry.0).ok()?;
            let at: PartRef;
            (at, rest) = postcard::take_from_bytes(rest).ok()?;
            if read.0 != id.as_bytes() || Some(at) != part {
                return None;
            }
            (_, rest) = ProfileRef::take_from(rest).ok()?;
        }
        rest.is_empty().then_some(bytes)
    }
}

/// An entry as [`AsCached`] wrote it, read whole (for a build that serves what it builds).
pub struct WholeEntry(pub Entry);

impl<'de> Deserialize<'de> for WholeEntry {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<WholeEntry, D::Error> {
        #[derive(Deserialize)]
        struct Item {
            _head: Written,
            entry: Nested,
        }
        Item::deserialize(d).map(|item| WholeEntry(item.entry.0))
    }
}

/// An [`Entry`] encoded in a run of bytes.
struct Nested(Entry);

impl<'de> Deserialize<'de> for Nested {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Nested, D::Error> {
        struct Bytes;
        impl Visitor<'_> for Bytes {
            type Value = Nested;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an entry's bytes")
            }
            fn visit_bytes<E: de::Error>(self, bytes: &[u8]) -> Result<Nested, E> {
                postcard::from_bytes(bytes).map(Nested).map_err(E::custom)
            }
        }
        d.deserialize_bytes(Bytes)
    }
}

/// A string's bytes as they are in the chunk, neither checked nor copied.
struct Held<'a>(&'a [u8]);

impl<'de: 'a, 'a> Deserialize<'de> for Held<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Held<'a>, D::Error> {
        struct Bytes;
        impl<'de> Visitor<'de> for Bytes {
            type Value = Held<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("borrowed bytes")
            }
            fn visit_borrowed_bytes<E: de::Error>(self, bytes: &'de [u8]) -> Result<Held<'de>, E> {
                Ok(Held(bytes))
            }
            fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Held<'de>, E> {
                Ok(Held(s.as_bytes()))
            }
        }
        d.deserialize_bytes(Bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::threads::Profile;
    use crate::parse::{Warning, WarningCode};

    fn whole() -> Entry {
        let mut entry = Entry::default();
        let a = &mut entry.article;
        a.id = "مقال-1".into();
        a.source = "مصدر".into();
        a.title = "عنوان طويل".into();
        a.subtitle = Some("تحت".into());
        a.captions = vec!["صورة".into(), "أخرى".into()];
        a.place = Some("دمشق".into());
        a.author = None;
        a.agency = Some("وكالة".into());
        a.publication = Some("جريدة".into());
        a.published = Some(Date::parse("2015-09-18T16:41").unwrap());
        a.updated = Some(Date::parse("2015-09-19").unwrap());
        a.hijri = Some("٥ ذو الحجة".into());
        a.warnings = vec![Warning {
            code: WarningCode::BytesReplaced,
            message: "بايتات".into(),
        }];
        a.encoding = "windows-1256".into();
        entry.note = Some("ملاحظة".into());
        entry.overridden = vec!["title".into()];
        entry.provenance.origin.format = Format::Warc;
        entry.provenance.origin.url = Some("https://example.org/a".into());
        entry.provenance.origin.captured = Some(Date::parse("2015-09-20T08:00").unwrap());
        entry.provenance.origin.offset = Some(4096);
        entry
    }

    /// A dump's results as the cache writes them: `entries`, each with its parts at `at`.
    fn written(entries: &[&Entry], at: PartRef) -> Vec<u8> {
        let items: Vec<_> = entries
            .iter()
            .map(|e| (AsCached(EntryRef::Whole(e)), at, Profile::of(&e.article)))
            .collect();
        postcard::to_stdvec(&items).unwrap()
    }

    /// `bytes` mapped, as a cache chunk is.
    fn mapped(bytes: &[u8]) -> memmap2::Mmap {
        let mut file = tempfile::tempfile().unwrap();
        std::io::Write::write_all(&mut file, bytes).unwrap();
        unsafe { memmap2::Mmap::map(&file) }.unwrap()
    }

    /// A dump's results read light from `bytes`, as a chunk holds them.
    fn light(bytes: &[u8]) -> (Vec<LightResult>, Raw) {
        let (heads, raw, end) = read_alone(mapped(bytes), 0).unwrap();
        assert_eq!(end, bytes.len(), "read to their end");
        (heads.of(&raw).to_vec(), raw)
    }

    #[test]
    fn a_light_entry_keeps_what_a_build_reads_and_its_raw_bytes_give_it_whole() {
        let entry = whole();
        let at = PartRef { offset: 3, len: 5 };
        let (light, raw) = light(&written(&[&entry, &entry], at));
        assert_eq!(light.len(), 2);
        let (read, part) = &light[1];
        assert_eq!(part.stored(), Some(at));
        assert_eq!(raw.profile(read).to_profile(), Profile::of(&entry.article));
        assert_eq!(read.id, entry.article.id);
        assert_eq!(read.published, entry.article.published);
        let origin = &entry.provenance.origin;
        assert_eq!(read.format, origin.format);
        assert_eq!(read.captured, origin.captured);
        // A dump's id is read too (the build keeps it, or gives it again).
        let mut dump = entry.clone();
        dump.provenance.origin.format = Format::Text;
        let (light_dump, _) = self::light(&written(&[&dump], at));
        assert_eq!(light_dump[0].0.id, "مقال-1");
        assert_eq!(light_dump[0].0.format, Format::Text);

        let renamed = Head {
            id: "مقال-2".into(),
            ..read.clone()
        };
        let back = raw.entry(&renamed).unwrap();
        assert_eq!(back.article.id, "مقال-2");
        assert_eq!(
            raw.entry(&light[0].0).unwrap().article.title,
            entry.article.title
        );
        // The fields not in the head (the address, the offset, the update) come back whole.
        assert_eq!(back.provenance.origin, entry.provenance.origin);
        assert_eq!(back.article.updated, entry.article.updated);
        // Written through its reference, a light entry is its whole self.
        let by_ref = EntryRef::Light(&renamed, &raw);
        assert_eq!(by_ref.id(), "مقال-2");
        assert_eq!(by_ref.published(), entry.article.published.as_ref());
        assert!(by_ref.others().is_empty());
        assert_eq!(
            postcard::to_stdvec(&by_ref).unwrap(),
            postcard::to_stdvec(&back).unwrap()
        );
        let mut expected = entry.clone();
        expected.article.id = "مقال-2".into();
        assert_eq!(
            postcard::to_stdvec(&back).unwrap(),
            postcard::to_stdvec(&expected).unwrap()
        );
        // A head whose bytes are not in the chunk is an error, not a panic.
        let astray = Head {
            at: 0..u32::MAX,
            ..read.clone()
        };
        assert!(raw.entry(&astray).is_err());
    }

    proptest::proptest! {
        /// Read straight from the bytes, a head is what postcard reads, and refused where it
        /// refuses (cut short, or any bytes at all).
        #[test]
        fn a_head_is_read_as_postcard_reads_it(
            dates in proptest::collection::vec(0usize..5, 2),
            format in 0usize..3,
            garbage in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..12),
        ) {
            let known = [
                None,
                Date::parse("2015-09-18").ok(),
                Date::parse("2015-09-18T16:41").ok(),
                Date::parse("2020-03-17T17:27:41+03:00").ok(),
                Date::parse("1901-01-01T00:00-05:30").ok(),
            ];
            let format = [Format::Text, Format::Html, Format::Warc][format];
            let fields = |w: (Written, &[u8])| (w.0.published, w.0.format, w.0.captured, w.1.to_vec());
            let ours = |b| Written::take_from(b).ok().map(fields);
            let theirs = |b| postcard::take_from_bytes::<Written>(b).ok().map(fields);
            let mut bytes = postcard::to_stdvec(&(known[dates[0]], format, known[dates[1]])).unwrap();
            bytes.extend(&garbage);
            proptest::prop_assert!(ours(&bytes).is_some());
            for cut in 0..=bytes.len() {
                proptest::prop_assert_eq!(ours(&bytes[..cut]), theirs(&bytes[..cut]));
            }
            proptest::prop_assert_eq!(ours(&garbage), theirs(&garbage));
        }
    }

    #[test]
    fn a_chunks_dumps_share_its_heads_until_one_of_them_changes() {
        let (mut first, mut second) = (whole(), whole());
        first.article.id = "أول".into();
        second.article.id = "ثان".into();
        let at = PartRef { offset: 3, len: 5 };
        let mut bytes = written(&[&first], at);
        let start = bytes.len();
        bytes.extend(written(&[&second, &second], at));
        let map = mapped(&bytes);
        let mut heads = Vec::new();
        assert_eq!(read_heads(&map, 0, &mut heads).unwrap(), start);
        assert_eq!(read_heads(&map, start, &mut heads).unwrap(), bytes.len());
        let chunk = Arc::new(Chunk::new(map, heads));
        let one = (
            Heads::InChunk(0..1),
            Raw::new(&chunk, 0..span(start).unwrap()),
        );
        let end = span(bytes.len()).unwrap();
        let (mut two, two_raw) = (
            Heads::InChunk(1..3),
            Raw::new(&chunk, span(start).unwrap()..end),
        );
        assert_eq!(one.0.of(&one.1)[0].0.id, "أول");
        assert_eq!(two.of(&two_raw).len(), 2);
        assert_eq!(two.of(&two_raw)[1].0.id, "ثان");
        // Changed, the dump's heads are its own: the chunk's, and so its neighbour's, are not.
        two.to_mut(&two_raw)[0].0.id = "آخر".into();
        assert!(matches!(two, Heads::Own(_)));
        let ids = |h: &Heads, raw| {
            h.of(raw)
                .iter()
                .map(|(h, _)| h.id.to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(&two, &two_raw), ["آخر", "ثان"]);
        assert_eq!(ids(&Heads::InChunk(0..3), &two_raw), ["أول", "ثان", "ثان"]);
        assert_eq!(ids(&one.0, &one.1), ["أول"]);
        // A range past the chunk's heads holds none, rather than panicking.
        assert!(Heads::InChunk(2..9).of(&two_raw).is_empty());
    }

    #[test]
    fn an_entry_is_written_after_its_head_as_one_run_of_its_own_bytes() {
        let entry = whole();
        let at = PartRef { offset: 3, len: 5 };
        let bytes = written(&[&entry], at);
        let head = postcard::to_stdvec(&(
            &entry.article.published,
            entry.provenance.origin.format,
            &entry.provenance.origin.captured,
        ))
        .unwrap();
        let own = postcard::to_stdvec(&entry).unwrap();
        let mut expected = vec![1];
        expected.extend(&head);
        expected.extend(postcard::to_stdvec(&own.len()).unwrap());
        expected.extend(&own);
        expected.extend(postcard::to_stdvec(&(at, Profile::of(&entry.article))).unwrap());
        assert_eq!(bytes, expected);
        // Read whole, as a build that serves reads it.
        let read: Vec<(WholeEntry, PartRef, Profile)> = postcard::from_bytes(&bytes).unwrap();
        assert_eq!(
            postcard::to_stdvec(&read[0].0.0).unwrap(),
            postcard::to_stdvec(&entry).unwrap()
        );
        // Cut anywhere, the results are an error, never a head pointing past the chunk.
        for cut in 1..bytes.len() {
            assert!(
                read_alone(mapped(&bytes[..cut]), 0).is_err(),
                "cut at {cut}"
            );
        }
    }

    #[test]
    fn bytes_read_are_written_again_only_where_they_are_what_encoding_gives() {
        let entry = whole();
        let at = PartRef { offset: 3, len: 5 };
        let one = written(&[&entry], at);
        let (light, raw) = light(&one);
        let read = &light[0].0;
        let whole_bytes = postcard::to_stdvec(&entry).unwrap();
        assert_eq!(raw.entry_bytes(read), Some(&whole_bytes[..]));
        let mut out = vec![9];
        EntryRef::Light(read, &raw).encode_into(&mut out).unwrap();
        assert_eq!((out[0], &out[1..]), (9, &whole_bytes[..]), "appended");
        // Under another id (a namesake came or went): encoded whole, with that id.
        let renamed = Head {
            id: "مقال-2".into(),
            ..read.clone()
        };
        assert_eq!(raw.entry_bytes(&renamed), None);
        let mut out = Vec::new();
        EntryRef::Light(&renamed, &raw)
            .encode_into(&mut out)
            .unwrap();
        let mut expected = entry.clone();
        expected.article.id = "مقال-2".into();
        assert_eq!(out, postcard::to_stdvec(&expected).unwrap());
        // Written to the cache again under the new id: the cache's bytes of the renamed one.
        let item = (
            AsCached(EntryRef::Light(&renamed, &raw)),
            at,
            Profile::of(&expected.article),
        );
        let again = postcard::to_stdvec(&vec![item]).unwrap();
        assert_eq!(again, written(&[&expected], at));

        // The results whole: the ids and parts they were read with give the bytes read.
        let now = |id, part| [(id, part)].into_iter();
        assert_eq!(raw.outcomes_bytes(now("مقال-1", Some(at))), Some(&one[..]));
        assert_eq!(raw.outcomes_bytes(now("مقال-2", Some(at))), None);
        let moved = PartRef { offset: 4, len: 5 };
        assert_eq!(raw.outcomes_bytes(now("مقال-1", Some(moved))), None);
        assert_eq!(raw.outcomes_bytes(now("مقال-1", None)), None);
        assert_eq!(raw.outcomes_bytes(std::iter::empty()), None);
        // A crawl's pages: each page's bytes alone, and the list's when all are as read.
        let two = written(&[&entry, &entry], at);
        let (pages, raw) = self::light(&two);
        assert_eq!(raw.entry_bytes(&pages[1].0), Some(&whole_bytes[..]));
        let both = [("مقال-1", Some(at)); 2].into_iter();
        assert_eq!(raw.outcomes_bytes(both), Some(&two[..]));
    }

    #[test]
    fn a_cache_read_light_is_written_back_whole() {
        use crate::archive::build_cache::{self, BuildCache, CachedRef, Decode, Stamp};
        use crate::archive::results::{Outcomes, Results};
        use crate::archive::store::{StoreWriter, new_file_name};
        let dir = tempfile::tempdir().unwrap();
        let store = new_file_name();
        let len = StoreWriter::create(&dir.path().join(&store))
            .unwrap()
            .finish()
            .unwrap();
        let stamp = Stamp::of(&std::fs::metadata(dir.path()).unwrap());
        let names: Vec<String> = (0..3).map(|i| format!("{i}.txt")).collect();
        let results: Vec<Results> = (0..3)
            .map(|i| {
                let mut entry = whole();
                entry.article.id = format!("مقال-{i}");
                Results::Whole(vec![(
                    entry,
                    Part::Stored(PartRef { offset: i, len: 1 }),
                    Profile::default(),
                )])
            })
            .collect();
        let (problems, skipped) = (Vec::new(), Default::default());
        let save = |outcomes: Vec<Outcomes>| {
            let dumps = names
                .iter()
                .zip(outcomes)
                .map(|(name, outcomes)| CachedRef {
                    name,
                    stamp: &stamp,
                    over: None,
                    outcomes,
                    problems: &problems,
                    skipped: &skipped,
                    reused: false,
                });
            build_cache::save(dir.path(), &store, len, dumps, &[], &[]).unwrap();
        };
        save(results.iter().map(Outcomes).collect());
        let light = BuildCache::load(dir.path(), Decode::Light).unwrap();
        let light: Vec<_> = light.dumps.into_iter().flatten().collect();
        assert!(
            light
                .iter()
                .all(|d| matches!(d.outcomes, Results::Light(..)))
        );
        // Encoded again (not taken as a known chunk): each entry whole, as it was.
        save(light.iter().map(|d| Outcomes(&d.outcomes)).collect());
        let again = BuildCache::load(dir.path(), Decode::Whole).unwrap();
        for (d, r) in again.dumps.iter().flatten().zip(&results) {
            assert!(matches!(d.outcomes, Results::Whole(_)));
            assert_eq!(
                postcard::to_stdvec(&d.outcomes.entry_ref(0)).unwrap(),
                postcard::to_stdvec(&r.entry_ref(0)).unwrap()
            );
        }
        assert_eq!(again.dumps.iter().flatten().count(), 3);
    }
}
