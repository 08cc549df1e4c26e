//! A reused dump's entries as `arshif build` reads them from the build cache: light, each a
//! [`Head`] of the fields a build reads of every article (its id, publication date, format
//! and capture date), the rest left in the cache's mapped bytes ([`Raw`]), decoded whole only
//! where an entry is written out (a chunk of the compiled archive that changed, an article
//! indexed again).
//!
//! The cache writes each entry as its head's fields, then its whole self as one run of bytes
//! with its length before it ([`AsCached`]): a head is read and the rest passed in one step
//! ([`read_heads`]). That is done once, when a chunk is written, to make the rows of the
//! chunk's table ([`ROW`]); a build reads the heads there, where they lie ([`HeadRef`],
//! notes/build-bench.md, session 56). Read past field by field, an entry was ≈ 1,000
//! instructions, a million of them at every `+1` of a million dumps (sessions 35 and 36);
//! decoded whole, some eighteen allocations and a UTF-8 check per string (sessions 28 and 29).

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use compact_str::CompactString;
use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};

use super::entry::Entry;
use super::store::PartRef;
use super::threads::ProfileRef;
use crate::capture::Format;
use crate::parse::Date;

mod entry_ref;
mod read;
mod row;
pub use entry_ref::{AsCached, EntryRef, encode_placed};
#[cfg(test)]
pub use read::read_alone;
pub use read::{Chunk, HEAD_LEN, Heads, read_heads, span};
pub use row::{HeadRef, ROW};

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

/// The fields of a [`Head`] the cache writes before each entry's bytes, in [`HEAD_LEN`] bytes
/// of fixed width ([`Written::encode`]).
#[derive(Deserialize)]
#[serde(try_from = "[u8; HEAD_LEN]")]
struct Written {
    published: Option<Date>,
    format: Format,
    captured: Option<Date>,
}

/// The formats by the byte a head writes them as (their order in [`Format`]).
const FORMATS: [Format; 3] = [Format::Text, Format::Html, Format::Warc];

/// A reused article as a build holds it: its head, and where its parts are in the store (a
/// reused article's always are: only those are cached). A `PartRef`, not a
/// [`Part`](super::model::Part): 16 bytes where a `Part` is 48, for each of a million articles
/// at every `+1` (112 bytes, not 144).
pub type LightResult = (Head, PartRef);

/// The row of a head of `chunk` ([`ROW`]), its profile's body key read there.
pub fn encode_row(head: &Head, part: &PartRef, chunk: &[u8]) -> [u8; ROW] {
    let at = usize_range(head.profile_at.clone());
    let body = ProfileRef::Encoded(chunk.get(at).unwrap_or_default()).body();
    row::encode(head, part, body)
}

/// A range of a chunk's bytes as held (32-bit offsets: [`span`]) made an index.
pub fn usize_range(r: Range<u32>) -> Range<usize> {
    r.start as usize..r.end as usize
}

/// Where a reused dump's results are in a chunk of the cache, as written: the bytes of its
/// list of `(entry, parts, profile)`, each entry as [`AsCached`] writes it.
#[derive(Debug, Clone)]
pub struct Raw {
    chunk: Arc<Chunk>,
    range: Range<u32>,
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
    fn bytes_of(&self, head: HeadRef) -> Result<&[u8], postcard::Error> {
        (self.chunk.map.get(head.at())).ok_or(postcard::Error::DeserializeUnexpectedEnd)
    }

    /// The profile of the article `head` heads, where the chunk holds it (checked when read).
    pub fn profile<'a>(&'a self, head: HeadRef<'a>) -> ProfileRef<'a> {
        head.profile(&self.chunk.map)
    }

    /// The whole entry `head` heads, with its head's id (which a build may have changed
    /// since: a file whose namesake came or went).
    pub fn entry(&self, head: HeadRef) -> Result<Entry, postcard::Error> {
        let mut entry: Entry = postcard::from_bytes(self.bytes_of(head)?)?;
        head.id().clone_into(&mut entry.article.id);
        Ok(entry)
    }

    /// The bytes the entry `head` heads was read from, when they are what encoding it whole
    /// gives: it was read with the id its head has now.
    fn entry_bytes(&self, head: HeadRef) -> Option<&[u8]> {
        let bytes = self.bytes_of(head).ok()?;
        let (id, _) = postcard::take_from_bytes::<Held>(bytes).ok()?;
        (id.0 == head.id().as_bytes()).then_some(bytes)
    }

    /// The results' bytes as read, when they are what encoding them again gives: as many as
    /// `now`, each read with the id `now` gives it and its parts still where `now` says.
    pub fn outcomes_bytes<'a>(
        &self,
        now: impl ExactSizeIterator<Item = (&'a str, Option<PartRef>)>,
    ) -> Option<&[u8]> {
        let bytes = (self.chunk.map).get(usize_range(self.range.clone()))?;
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
    use crate::archive::model::Part;
    use crate::archive::threads::Profile;
    use crate::parse::{Warning, WarningCode};

    pub(super) fn whole() -> Entry {
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
    pub(super) fn written(entries: &[&Entry], at: PartRef) -> Vec<u8> {
        let items: Vec<_> = entries
            .iter()
            .map(|e| (AsCached(EntryRef::Whole(e)), at, Profile::of(&e.article)))
            .collect();
        postcard::to_stdvec(&items).unwrap()
    }

    /// `bytes` mapped, as a cache chunk is.
    pub(super) fn mapped(bytes: &[u8]) -> memmap2::Mmap {
        let mut file = tempfile::tempfile().unwrap();
        std::io::Write::write_all(&mut file, bytes).unwrap();
        unsafe { memmap2::Mmap::map(&file) }.unwrap()
    }

    /// A dump's results read light from `bytes`, as a chunk holds them.
    fn light(bytes: &[u8]) -> (Vec<LightResult>, Raw) {
        let (heads, raw, end) = read_alone(bytes, 0).unwrap();
        assert_eq!(end, bytes.len(), "read to their end");
        (heads.iter(&raw).map(HeadRef::to_owned).collect(), raw)
    }

    #[test]
    fn a_light_entry_keeps_what_a_build_reads_and_its_raw_bytes_give_it_whole() {
        let entry = whole();
        let at = PartRef { offset: 3, len: 5 };
        let (light, raw) = light(&written(&[&entry, &entry], at));
        assert_eq!(light.len(), 2);
        let (read, part) = &light[1];
        assert_eq!(*part, at);
        let own = |head: &Head| (head.clone(), at);
        let profile = raw.profile(HeadRef::Own(&light[1])).to_profile();
        assert_eq!(profile, Profile::of(&entry.article));
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
        let renamed = own(&renamed);
        let back = raw.entry(HeadRef::Own(&renamed)).unwrap();
        assert_eq!(back.article.id, "مقال-2");
        assert_eq!(
            raw.entry(HeadRef::Own(&light[0])).unwrap().article.title,
            entry.article.title
        );
        // The fields not in the head (the address, the offset, the update) come back whole.
        assert_eq!(back.provenance.origin, entry.provenance.origin);
        assert_eq!(back.article.updated, entry.article.updated);
        // Written through its reference, a light entry is its whole self.
        let by_ref = EntryRef::Light(HeadRef::Own(&renamed), &raw);
        assert_eq!(by_ref.id(), "مقال-2");
        assert_eq!(by_ref.published(), entry.article.published);
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
        assert!(raw.entry(HeadRef::Own(&own(&astray))).is_err());
    }

    #[test]
    fn an_entry_is_written_after_its_head_as_one_run_of_its_own_bytes() {
        let entry = whole();
        let at = PartRef { offset: 3, len: 5 };
        let bytes = written(&[&entry], at);
        // The head: each date packed in eight bytes, little-endian, and the format's byte.
        let packed = |d: &Option<Date>| d.as_ref().unwrap().packed().to_le_bytes();
        let mut head = packed(&entry.article.published).to_vec();
        head.push(2);
        head.extend(packed(&entry.provenance.origin.captured));
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
            assert!(read_alone(&bytes[..cut], 0).is_err(), "cut at {cut}");
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
        let as_read = HeadRef::Own(&light[0]);
        assert_eq!(raw.entry_bytes(as_read), Some(&whole_bytes[..]));
        let mut out = vec![9];
        EntryRef::Light(as_read, &raw)
            .encode_into(&mut out)
            .unwrap();
        assert_eq!((out[0], &out[1..]), (9, &whole_bytes[..]), "appended");
        // Under another id (a namesake came or went): encoded whole, with that id.
        let renamed = Head {
            id: "مقال-2".into(),
            ..read.clone()
        };
        let renamed = (renamed, at);
        let renamed = HeadRef::Own(&renamed);
        assert_eq!(raw.entry_bytes(renamed), None);
        let mut out = Vec::new();
        EntryRef::Light(renamed, &raw)
            .encode_into(&mut out)
            .unwrap();
        let mut expected = entry.clone();
        expected.article.id = "مقال-2".into();
        assert_eq!(out, postcard::to_stdvec(&expected).unwrap());
        // Written to the cache again under the new id: the cache's bytes of the renamed one.
        let item = (
            AsCached(EntryRef::Light(renamed, &raw)),
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
        assert_eq!(
            raw.entry_bytes(HeadRef::Own(&pages[1])),
            Some(&whole_bytes[..])
        );
        let both = [("مقال-1", Some(at)); 2].into_iter();
        assert_eq!(raw.outcomes_bytes(both), Some(&two[..]));
    }

    #[test]
    fn a_cache_read_light_is_written_back_whole() {
        use crate::archive::build_cache::{self, BuildCache, CachedRef, Decode, Stamp};
        use crate::archive::results::{Outcomes, Results};
        let dir = tempfile::tempdir().unwrap();
        let (store, len) = crate::archive::store::empty_in(dir.path());
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
        let light: Vec<_> = light.every_dump().collect();
        assert!(
            light
                .iter()
                .all(|d| matches!(d.outcomes, Results::Light(..)))
        );
        // Encoded again (not taken as a known chunk): each entry whole, as it was.
        save(light.iter().map(|d| Outcomes(&d.outcomes)).collect());
        let again = BuildCache::load(dir.path(), Decode::Whole).unwrap();
        let again: Vec<_> = again.every_dump().collect();
        for (d, r) in again.iter().zip(&results) {
            assert!(matches!(d.outcomes, Results::Whole(_)));
            assert_eq!(
                postcard::to_stdvec(&d.outcomes.entry_ref(0)).unwrap(),
                postcard::to_stdvec(&r.entry_ref(0)).unwrap()
            );
        }
        assert_eq!(again.len(), 3);
    }
}
