//! A reused dump's entries as `arshif build` reads them from the build cache: light, each a
//! [`Head`] of the fields a build reads of every article (its id, publication date, format
//! and capture date), the rest left in the cache's mapped bytes ([`Raw`]), decoded whole only
//! where an entry is written out (a chunk of the compiled archive that changed, an article
//! indexed again).
//!
//! At a million dumps, decoding every reused entry whole was some eighteen allocations and
//! a UTF-8 check per string for each, most of a `+1`'s "load the cache" and of its page
//! faults (notes/build-bench.md, sessions 28 and 29), for strings that were then only copied
//! back to the disk unchanged.

use std::fmt;
use std::marker::PhantomData;
use std::ops::Range;
use std::sync::{Arc, OnceLock};

use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use super::chunk_files;
use super::entry::{Entry, OtherCapture};
use super::model::Part;
use super::store::PartRef;
use super::threads::Profile;
use crate::capture::{Format, Origin};
use crate::parse::{Date, WarningCode};

/// What a build reads of a reused article: the rest of its entry stays in the cache's bytes.
#[derive(Debug, Clone, Default)]
pub struct Head {
    /// A dump's is its file's, given by the build (empty as read); a crawled page's is read.
    pub id: String,
    pub published: Option<Date>,
    pub format: Format,
    /// When a crawl fetched it: the newest capture of an address is its article.
    pub captured: Option<Date>,
}

/// Where a reused dump's results are in a chunk of the cache, as written: the bytes of its
/// list of `(entry, parts, profile)`.
#[derive(Debug, Clone)]
pub struct Raw {
    pub(super) chunk: Arc<memmap2::Mmap>,
    range: Range<usize>,
    /// A crawl's entries, decoded whole at the first ask: its entries are written out one by
    /// one, and decoding the list for each would cost a crawl of `k` pages `k²` entries.
    many: OnceLock<Vec<Entry>>,
}

impl Raw {
    /// The results of a dump at `range` of `chunk`.
    pub fn new(chunk: Arc<memmap2::Mmap>, range: Range<usize>) -> Raw {
        Raw {
            chunk,
            range,
            many: OnceLock::new(),
        }
    }

    /// The whole entry `j` of the dump, with the id `id` (its head's, which a build may have
    /// changed since: a file whose namesake came or went).
    pub fn entry(&self, j: usize, id: &str) -> Result<Entry, postcard::Error> {
        let missing = postcard::Error::DeserializeUnexpectedEnd;
        let mut entry = match self.many.get() {
            Some(entries) => entries.get(j).ok_or(missing)?.clone(),
            None => {
                let outcomes: Vec<(Entry, PartRef, Profile)> =
                    postcard::from_bytes(&self.chunk[self.range.clone()])?;
                let mut entries: Vec<Entry> = outcomes.into_iter().map(|o| o.0).collect();
                if entries.len() == 1 {
                    // A dump's one entry is asked for once: nothing to keep.
                    (j == 0).then(|| entries.remove(0)).ok_or(missing)?
                } else {
                    let entries = self.many.get_or_init(|| entries);
                    entries.get(j).ok_or(missing)?.clone()
                }
            }
        };
        id.clone_into(&mut entry.article.id);
        Ok(entry)
    }
}

impl Raw {
    /// The bytes the dump's entry `j` was read from, when they are what encoding it whole
    /// gives: it is the dump's one entry, and `id` is the id it was read with.
    fn entry_bytes(&self, j: usize, id: &str) -> Option<&[u8]> {
        let (n, rest) = postcard::take_from_bytes::<usize>(&self.chunk[self.range.clone()]).ok()?;
        if (n, j) != (1, 0) {
            return None;
        }
        let (light, after) = postcard::take_from_bytes::<LightEntry>(rest).ok()?;
        (light.article.id.0 == id.as_bytes()).then(|| &rest[..rest.len() - after.len()])
    }

    /// The results' bytes as read, when they are what encoding them again gives: as many as
    /// `now`, each read with the id `now` gives it and its parts still where `now` says.
    pub fn outcomes_bytes<'a>(
        &self,
        now: impl ExactSizeIterator<Item = (&'a str, Option<PartRef>)>,
    ) -> Option<&[u8]> {
        let bytes = &self.chunk[self.range.clone()];
        let (n, mut rest) = postcard::take_from_bytes::<usize>(bytes).ok()?;
        if n != now.len() {
            return None;
        }
        for (id, part) in now {
            let light: LightEntry;
            (light, rest) = postcard::take_from_bytes(rest).ok()?;
            let at: PartRef;
            (at, rest) = postcard::take_from_bytes(rest).ok()?;
            if light.article.id.0 != id.as_bytes() || Some(at) != part {
                return None;
            }
            (_, rest) = postcard::take_from_bytes::<Profile>(rest).ok()?;
        }
        rest.is_empty().then_some(bytes)
    }
}

/// An entry to write: whole, or a reused one's head with where its whole self is (entry `j`
/// of a [`Raw`]). Written as [`Entry`] is.
#[derive(Clone, Copy)]
pub enum EntryRef<'a> {
    Whole(&'a Entry),
    Light(&'a Head, &'a Raw, usize),
}

impl EntryRef<'_> {
    pub fn id(&self) -> &str {
        match self {
            EntryRef::Whole(entry) => &entry.article.id,
            EntryRef::Light(head, _, _) => &head.id,
        }
    }

    pub fn published(&self) -> Option<&Date> {
        match self {
            EntryRef::Whole(entry) => entry.article.published.as_ref(),
            EntryRef::Light(head, _, _) => head.published.as_ref(),
        }
    }

    /// Its other captures: none for an entry read light (they are given to a whole one).
    pub fn others(&self) -> &[OtherCapture] {
        match self {
            EntryRef::Whole(entry) => &entry.provenance.others,
            EntryRef::Light(..) => &[],
        }
    }

    /// Appends the entry as [`Serialize`] writes it: an entry read light from the bytes it
    /// was read from when they are the same ([`Raw::entry_bytes`]), not decoded whole and
    /// encoded again (≈ 7,000 instructions an entry, for every entry of a chunk a `+1`
    /// writes again).
    pub fn encode_into(&self, out: &mut Vec<u8>) -> std::io::Result<()> {
        let read = match *self {
            EntryRef::Light(head, raw, j) => raw.entry_bytes(j, &head.id),
            EntryRef::Whole(_) => None,
        };
        match read {
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
pub fn encode_placed((entry, at): &(EntryRef, &PartRef), out: &mut Vec<u8>) -> std::io::Result<()> {
    entry.encode_into(out)?;
    chunk_files::postcard_item(at, out)
}

impl Serialize for EntryRef<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match *self {
            EntryRef::Whole(entry) => entry.serialize(s),
            EntryRef::Light(head, raw, j) => raw
                .entry(j, &head.id)
                .map_err(serde::ser::Error::custom)?
                .serialize(s),
        }
    }
}

/// A dump's results decoded light: what [`Vec<(Entry, Part, Profile)>`] reads whole.
pub struct LightOutcomes(pub Vec<(Head, Part, Profile)>);

impl<'de> Deserialize<'de> for LightOutcomes {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<LightOutcomes, D::Error> {
        // Each item made a head as it is read: one vector a dump, not a second one of the
        // items as read first.
        struct Outcomes;
        impl<'de> Visitor<'de> for Outcomes {
            type Value = LightOutcomes;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a sequence of results")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<LightOutcomes, A::Error> {
                // A damaged length is not trusted for the allocation.
                let room = seq.size_hint().unwrap_or(0).min(4096);
                let mut outcomes = Vec::with_capacity(room);
                while let Some((light, part, profile)) =
                    seq.next_element::<(LightEntry<'de>, Part, Profile)>()?
                {
                    outcomes.push((light.head().map_err(de::Error::custom)?, part, profile));
                }
                Ok(LightOutcomes(outcomes))
            }
        }
        d.deserialize_seq(Outcomes)
    }
}

/// [`Entry`] in the order postcard writes its fields, the cold ones read past.
#[derive(Deserialize)]
struct LightEntry<'a> {
    #[serde(borrow)]
    article: LightArticle<'a>,
    _note: Option<Past>,
    _overridden: Skipped<Past>,
    _text: Past,
    provenance: LightProvenance,
}

/// [`super::entry::Provenance`] in the order postcard writes its fields: the address read past
/// (a build reads a reused entry's format and capture date; a page's address, a string to
/// check and copy for every dump, is needed only where an entry is written out, whole).
#[derive(Deserialize)]
struct LightProvenance {
    format: Format,
    _url: Option<Past>,
    captured: Option<Date>,
    _offset: Option<u64>,
    /// Empty as cached: other captures are given to an article after the cache's dumps are
    /// written (and never to a reused entry itself).
    _others: Skipped<(Past, Origin)>,
}

/// [`crate::parse::Article`] in the order postcard writes its fields.
#[derive(Deserialize)]
struct LightArticle<'a> {
    /// Unchecked until the origin, after it, says whether the id is the file's, which the
    /// build gives every reused entry again (a crawled page's is its address's).
    #[serde(borrow)]
    id: Held<'a>,
    _source: Past,
    _title: Past,
    _subtitle: Option<Past>,
    _captions: Skipped<Past>,
    _place: Option<Past>,
    _author: Option<Past>,
    _agency: Option<Past>,
    _publication: Option<Past>,
    published: Option<Date>,
    /// A date is written as its packed number: read past as one, not unpacked.
    _updated: Option<u64>,
    _hijri: Option<Past>,
    _body: Skipped<Past>,
    _warnings: Skipped<(WarningCode, Past)>,
    _encoding: Past,
}

impl LightEntry<'_> {
    fn head(self) -> Result<Head, std::str::Utf8Error> {
        let (a, p) = (self.article, self.provenance);
        let id = match p.format {
            Format::Warc => std::str::from_utf8(a.id.0)?.to_owned(),
            _ => String::new(),
        };
        Ok(Head {
            id,
            published: a.published,
            format: p.format,
            captured: p.captured,
        })
    }
}

/// A string (or byte string) read past: its bytes neither checked nor copied.
struct Past;

impl<'de> Deserialize<'de> for Past {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Past, D::Error> {
        struct Bytes;
        impl Visitor<'_> for Bytes {
            type Value = Past;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("bytes")
            }
            fn visit_bytes<E: de::Error>(self, _: &[u8]) -> Result<Past, E> {
                Ok(Past)
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Past, E> {
                Ok(Past)
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

/// A sequence read past item by item: no vector for a list not kept.
struct Skipped<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Skipped<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Skipped<T>, D::Error> {
        d.deserialize_seq(Skipped(PhantomData))
    }
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for Skipped<T> {
    type Value = Skipped<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a sequence")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Skipped<T>, A::Error> {
        while seq.next_element::<T>()?.is_some() {}
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::Warning;

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

    #[test]
    fn a_light_entry_keeps_what_a_build_reads_and_its_raw_bytes_give_it_whole() {
        let entry = whole();
        let at = PartRef { offset: 3, len: 5 };
        let written = postcard::to_stdvec(&vec![(&entry, &at, &Profile::default()); 2]).unwrap();
        let light = postcard::from_bytes::<LightOutcomes>(&written).unwrap().0;
        assert_eq!(light.len(), 2);
        let (read, part, _) = &light[1];
        assert_eq!(part.stored(), Some(at));
        assert_eq!(read.id, entry.article.id);
        assert_eq!(read.published, entry.article.published);
        let origin = &entry.provenance.origin;
        assert_eq!(read.format, origin.format);
        assert_eq!(read.captured, origin.captured);
        // A dump's id is its file's, given again by the build: not read.
        let mut dump = entry.clone();
        dump.provenance.origin.format = Format::Text;
        let written_dump = postcard::to_stdvec(&vec![(&dump, &at, &Profile::default())]).unwrap();
        let light_dump = postcard::from_bytes::<LightOutcomes>(&written_dump)
            .unwrap()
            .0;
        assert_eq!(light_dump[0].0.id, "");
        assert_eq!(light_dump[0].0.format, Format::Text);

        let mut file = tempfile::tempfile().unwrap();
        std::io::Write::write_all(&mut file, &written).unwrap();
        let raw = Raw::new(
            Arc::new(unsafe { memmap2::Mmap::map(&file) }.unwrap()),
            0..written.len(),
        );
        let renamed = Head {
            id: "مقال-2".into(),
            ..read.clone()
        };
        let back = raw.entry(1, &renamed.id).unwrap();
        assert_eq!(back.article.id, "مقال-2");
        // A crawl's list is decoded once and kept for its other entries.
        assert_eq!(raw.many.get().map(Vec::len), Some(2));
        assert_eq!(
            raw.entry(0, &read.id).unwrap().article.title,
            entry.article.title
        );
        assert!(raw.entry(2, &read.id).is_err());
        // The fields not in the head (the address, the offset, the update) come back whole.
        assert_eq!(back.provenance.origin, entry.provenance.origin);
        assert_eq!(back.article.updated, entry.article.updated);
        // Written through its reference, a light entry is its whole self.
        let by_ref = EntryRef::Light(&renamed, &raw, 1);
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
    }

    /// A reused dump's bytes, as a cache chunk holds them.
    fn raw_of(bytes: &[u8]) -> Raw {
        let mut file = tempfile::tempfile().unwrap();
        std::io::Write::write_all(&mut file, bytes).unwrap();
        Raw::new(
            Arc::new(unsafe { memmap2::Mmap::map(&file) }.unwrap()),
            0..bytes.len(),
        )
    }

    #[test]
    fn bytes_read_are_written_again_only_where_they_are_what_encoding_gives() {
        let entry = whole();
        let at = PartRef { offset: 3, len: 5 };
        let one = postcard::to_stdvec(&vec![(&entry, &at, &Profile::default())]).unwrap();
        let raw = raw_of(&one);
        let light = postcard::from_bytes::<LightOutcomes>(&one).unwrap().0;
        let read = &light[0].0;
        let whole_bytes = postcard::to_stdvec(&entry).unwrap();
        assert_eq!(raw.entry_bytes(0, "مقال-1"), Some(&whole_bytes[..]));
        let mut out = vec![9];
        EntryRef::Light(read, &raw, 0)
            .encode_into(&mut out)
            .unwrap();
        assert_eq!((out[0], &out[1..]), (9, &whole_bytes[..]), "appended");
        // Under another id (a namesake came or went): encoded whole, with that id.
        let renamed = Head {
            id: "مقال-2".into(),
            ..read.clone()
        };
        assert_eq!(raw.entry_bytes(0, "مقال-2"), None);
        let mut out = Vec::new();
        EntryRef::Light(&renamed, &raw, 0)
            .encode_into(&mut out)
            .unwrap();
        let mut expected = entry.clone();
        expected.article.id = "مقال-2".into();
        assert_eq!(out, postcard::to_stdvec(&expected).unwrap());

        // The results whole: the ids and parts they were read with give the bytes read.
        let now = |id, part| [(id, part)].into_iter();
        assert_eq!(raw.outcomes_bytes(now("مقال-1", Some(at))), Some(&one[..]));
        assert_eq!(raw.outcomes_bytes(now("مقال-2", Some(at))), None);
        let moved = PartRef { offset: 4, len: 5 };
        assert_eq!(raw.outcomes_bytes(now("مقال-1", Some(moved))), None);
        assert_eq!(raw.outcomes_bytes(now("مقال-1", None)), None);
        assert_eq!(raw.outcomes_bytes(std::iter::empty()), None);
        // A crawl's pages: no page's bytes alone, the list's when all are as read.
        let two = postcard::to_stdvec(&vec![(&entry, &at, &Profile::default()); 2]).unwrap();
        let raw = raw_of(&two);
        assert_eq!(raw.entry_bytes(1, "مقال-1"), None);
        let both = [("مقال-1", Some(at)); 2].into_iter();
        assert_eq!(raw.outcomes_bytes(both), Some(&two[..]));
        // Damaged bytes are never copied.
        let raw = raw_of(&one[..one.len() / 2]);
        assert_eq!(raw.entry_bytes(0, "مقال-1"), None);
        assert_eq!(raw.outcomes_bytes(now("مقال-1", Some(at))), None);
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
                    over: &None,
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
