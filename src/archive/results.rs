//! A file's results as a build holds them: each article with where its parts are and its
//! thread profile, the article either whole (parsed in this build, or read whole from the
//! cache) or, for a dump reused from the cache, a small [`Head`] with where its whole self
//! is ([`Raw`]). A build reads of every article its id, dates and origin through
//! [`Results`]; the whole entry is made only where one is written out or served.
//!
//! At a million reused dumps, a whole-shaped entry (some twenty strings, vectors and options,
//! ≈ 0.5 KB with its parts and profile) was written as defaults for each, in fresh pages,
//! to hold the four fields a build reads (notes/build-bench.md, sessions 31 and 33).

use serde::ser::{Error as _, SerializeSeq};
use serde::{Serialize, Serializer};

use super::entry::Entry;
use super::light_entry::{AsCached, EntryRef, Heads, Raw};
use super::model::Part;
use super::store::PartRef;
use super::threads::{Profile, ProfileRef};
use crate::capture::Format;
use crate::parse::Date;

/// An article whole (but for its body and text), where its parts are, and its profile.
pub type WholeResult = (Entry, Part, Profile);

/// An article reused from the cache, as a build holds it: [`WholeResult`] with a head, its
/// profile left in the cache's bytes ([`Raw::profile`]).
pub use super::light_entry::LightResult;

/// One file's articles (one for a dump or a saved page, one per page of a crawl).
#[derive(Debug, Clone)]
pub enum Results {
    /// Whole entries (light: no body, no text): parsed, or read whole from the cache.
    Whole(Vec<WholeResult>),
    /// Read light from the cache: each article's head (where its chunk's read holds them),
    /// and where the whole entries are.
    Light(Heads, Raw),
}

impl Default for Results {
    fn default() -> Results {
        Results::Whole(Vec::new())
    }
}

impl Results {
    pub fn len(&self) -> usize {
        match self {
            Results::Whole(v) => v.len(),
            Results::Light(h, _) => h.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn id(&self, j: usize) -> &str {
        match self {
            Results::Whole(v) => &v[j].0.article.id,
            Results::Light(h, raw) => h.get(raw, j).id(),
        }
    }

    pub fn published(&self, j: usize) -> Option<Date> {
        match self {
            Results::Whole(v) => v[j].0.article.published,
            Results::Light(h, raw) => h.get(raw, j).published(),
        }
    }

    pub fn format(&self, j: usize) -> Format {
        match self {
            Results::Whole(v) => v[j].0.provenance.origin.format,
            Results::Light(h, raw) => h.get(raw, j).format(),
        }
    }

    /// When a crawl fetched article `j`.
    pub fn captured(&self, j: usize) -> Option<Date> {
        match self {
            Results::Whole(v) => v[j].0.provenance.origin.captured,
            Results::Light(h, raw) => h.get(raw, j).captured(),
        }
    }

    /// Where article `j`'s parts are in the store; `None` while they are held in memory.
    pub fn stored_at(&self, j: usize) -> Option<PartRef> {
        match self {
            Results::Whole(v) => match &v[j].1 {
                Part::Stored(at) => Some(*at),
                Part::Memory(_) => None,
            },
            Results::Light(h, raw) => Some(h.get(raw, j).part()),
        }
    }

    pub fn profile(&self, j: usize) -> ProfileRef<'_> {
        match self {
            Results::Whole(v) => ProfileRef::Owned(&v[j].2),
            Results::Light(h, raw) => raw.profile(h.get(raw, j)),
        }
    }

    /// Whether article `j`'s id comes from its file's name (a crawled page's comes from its
    /// address).
    pub fn named_by_file(&self, j: usize) -> bool {
        self.format(j) != Format::Warc
    }

    /// Gives the file's id to the articles it names (a file names one; a crawl's pages name
    /// theirs): moved into the last whole one, copied to any other. Whether an article named
    /// had another id (a reused one's, as the cache held it).
    pub(super) fn name(&mut self, id: &mut String) -> bool {
        let mut left = (0..self.len()).filter(|&j| self.named_by_file(j)).count();
        let mut renamed = false;
        for j in 0..self.len() {
            if !self.named_by_file(j) {
                continue;
            }
            left -= 1;
            renamed |= self.id(j) != id.as_str();
            match (&mut *self, left) {
                (Results::Whole(v), 0) => v[j].0.article.id = std::mem::take(id),
                (Results::Whole(v), _) => v[j].0.article.id.clone_from(id),
                (Results::Light(h, raw), _) => h.to_mut(raw)[j].0.id = id.as_str().into(),
            }
        }
        renamed
    }

    /// Where each article's parts are in the store, to be moved (a compaction); the parts
    /// held in memory are not there.
    pub(super) fn stored_mut(&mut self) -> impl Iterator<Item = &mut PartRef> {
        let (whole, light): (&mut [WholeResult], &mut [LightResult]) = match self {
            Results::Whole(v) => (v.as_mut_slice(), &mut []),
            Results::Light(h, raw) => (&mut [], h.to_mut(raw)),
        };
        let whole = whole.iter_mut().filter_map(|(_, part, _)| match part {
            Part::Stored(at) => Some(at),
            Part::Memory(_) => None,
        });
        whole.chain(light.iter_mut().map(|(_, at)| at))
    }

    /// Article `j` whole, decoded from the cache when it was read light.
    pub(super) fn whole(&self, j: usize) -> Result<Entry, postcard::Error> {
        match self {
            Results::Whole(v) => Ok(v[j].0.clone()),
            Results::Light(h, raw) => raw.entry(h.get(raw, j)),
        }
    }

    /// Every article whole, each decoded once from the cache where it was read light: for a
    /// build that writes every entry out again, or makes the archive from them.
    pub(super) fn into_whole(self) -> Result<Vec<WholeResult>, postcard::Error> {
        match self {
            Results::Whole(v) => Ok(v),
            Results::Light(h, raw) => h
                .iter(&raw)
                .map(|head| {
                    let profile = raw.profile(head).to_profile();
                    Ok((raw.entry(head)?, Part::Stored(head.part()), profile))
                })
                .collect(),
        }
    }

    /// [`Results::into_whole`] in place.
    pub(super) fn make_whole(&mut self) -> Result<(), postcard::Error> {
        if let Results::Light(..) = self {
            *self = Results::Whole(std::mem::take(self).into_whole()?);
        }
        Ok(())
    }

    /// Article `j`, to be written.
    pub(super) fn entry_ref(&self, j: usize) -> EntryRef<'_> {
        match self {
            Results::Whole(v) => EntryRef::Whole(&v[j].0),
            Results::Light(h, raw) => EntryRef::Light(h.get(raw, j), raw),
        }
    }

    /// The results' bytes as the cache holds them, when they are what encoding them again
    /// gives: read light, each with the id and parts it was read with ([`Raw::outcomes_bytes`]).
    pub(super) fn bytes_as_read(&self) -> Option<&[u8]> {
        match self {
            Results::Whole(_) => None,
            Results::Light(h, raw) => {
                let now = (h.iter(raw)).map(|head| (head.id(), Some(head.part())));
                raw.outcomes_bytes(now)
            }
        }
    }

    /// Whether every article's parts are in the store (only those are cached).
    pub fn stored(&self) -> bool {
        (0..self.len()).all(|j| self.stored_at(j).is_some())
    }

    /// The bytes its articles' parts take in the store, read where the heads lie: through
    /// [`Results::stored_mut`] every reused dump's heads were first copied out of the cache's
    /// chunk into a vector of their own (a million at a `+1`, on one core, to learn that the
    /// store was not worth compacting).
    pub fn stored_len(&self) -> u64 {
        (0..self.len())
            .filter_map(|j| self.stored_at(j))
            .map(|at| u64::from(at.len))
            .sum()
    }
}

/// A file's results as the cache writes them (and [`super::build_cache::Cached`] reads them
/// back): each entry's head and its whole self ([`AsCached`]: a light one as it was read),
/// where its parts are in the store, and its profile. A file whose parts are not all in the store is not cached
/// ([`Results::stored`]); writing one is an error, never a wrong cache.
#[derive(Clone, Copy)]
pub struct Outcomes<'a>(pub &'a Results);

impl Serialize for Outcomes<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let results = self.0;
        let mut seq = s.serialize_seq(Some(results.len()))?;
        for j in 0..results.len() {
            let at: PartRef = results
                .stored_at(j)
                .ok_or_else(|| S::Error::custom("parts kept in memory are not cached"))?;
            seq.serialize_element(&(AsCached(results.entry_ref(j)), at, results.profile(j)))?;
        }
        seq.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::light_entry::WholeEntry;

    #[test]
    fn a_files_result_in_a_build_is_at_most_136_bytes() {
        // One a dump, a million of them written in fresh pages at each `+1` (176 bytes with
        // a flag beside the cache's place and the override's stamp held in place).
        assert!(std::mem::size_of::<crate::archive::build::Done>() <= 136);
    }

    fn entry(id: &str, format: Format) -> Entry {
        let mut entry = Entry::default();
        entry.article.id = id.into();
        entry.article.title = format!("عنوان {id}");
        entry.article.published = Date::parse("2015-09-18T16:41").ok();
        entry.provenance.origin.format = format;
        entry.provenance.origin.url = Some(format!("https://example.org/{id}"));
        entry.provenance.origin.captured = Date::parse("2015-09-20").ok();
        entry
    }

    /// Results of `entries` as a build reads them from the cache: written whole, read light.
    fn light(entries: &[Entry]) -> Results {
        let whole = Results::Whole(
            entries
                .iter()
                .enumerate()
                .map(|(i, e)| {
                    let at = PartRef {
                        offset: i as u64,
                        len: 1,
                    };
                    (e.clone(), Part::Stored(at), Profile::default())
                })
                .collect(),
        );
        let bytes = postcard::to_stdvec(&Outcomes(&whole)).unwrap();
        let (heads, raw, _) = super::super::light_entry::read_alone(&bytes, 0).unwrap();
        Results::Light(heads, raw)
    }

    #[test]
    fn outcomes_by_reference_are_written_as_they_are_read() {
        let mut entry = Entry::default();
        entry.article.id = "abc".into();
        entry.article.title = "عنوان".into();
        let profile = Profile::default();
        let at = PartRef { offset: 7, len: 9 };
        let results = Results::Whole(vec![(entry.clone(), Part::Stored(at), profile.clone())]);
        let written = postcard::to_stdvec(&Outcomes(&results)).unwrap();
        // The shape of a vector of references, each entry as the cache writes it: the same
        // bytes.
        assert_eq!(
            written,
            postcard::to_stdvec(&vec![(AsCached(EntryRef::Whole(&entry)), &at, &profile)]).unwrap()
        );
        let read: Vec<(WholeEntry, Part, Profile)> = postcard::from_bytes(&written).unwrap();
        assert_eq!(read[0].0.0.article.title, "عنوان");
        assert_eq!(read[0].1.stored(), Some(at));
        assert!(results.stored());
        // Whole, nothing is copied as read.
        assert_eq!(results.bytes_as_read(), None);

        let in_memory = Results::Whole(vec![(entry, Part::Memory(Default::default()), profile)]);
        assert!(!in_memory.stored());
        assert!(postcard::to_stdvec(&Outcomes(&in_memory)).is_err());
    }

    #[test]
    fn the_parts_stored_length_is_read_without_taking_the_heads_out_of_the_chunk() {
        let entries = [entry("a", Format::Text), entry("b", Format::Warc)];
        let mut read = light(&entries);
        assert_eq!(read.stored_len(), 2, "two parts of one byte each");
        assert!(matches!(&read, Results::Light(Heads::InChunk(_), _)));
        // The same sum as the parts handed out to be moved, which do take the heads out.
        let moved: u64 = read.stored_mut().map(|at| u64::from(at.len)).sum();
        assert_eq!(moved, 2);
        assert!(matches!(&read, Results::Light(Heads::Own(_), _)));
        let mut whole = Results::Whole(vec![
            (
                entry("c", Format::Text),
                Part::Stored(PartRef { offset: 0, len: 5 }),
                Profile::default(),
            ),
            (
                entry("d", Format::Text),
                Part::Memory(Default::default()),
                Profile::default(),
            ),
        ]);
        assert_eq!(
            whole.stored_len(),
            5,
            "a part held in memory takes no store"
        );
        assert_eq!(whole.stored_mut().count(), 1);
    }

    #[test]
    fn a_reused_article_is_held_in_a_third_of_a_whole_one() {
        // A million of each are held through a `+1`.
        let (light, whole) = (
            std::mem::size_of::<LightResult>(),
            std::mem::size_of::<WholeResult>(),
        );
        assert!(light * 3 <= whole, "{light} bytes against {whole}");
        // Its parts as a `PartRef` (16 bytes), not a `Part` (48): 144 bytes with one.
        assert!(light <= 112, "{light} bytes");
    }

    #[test]
    fn light_results_read_as_whole_ones_and_come_back_whole() {
        let entries = [entry("", Format::Warc), entry("صفحة", Format::Warc)];
        let mut read = light(&entries);
        let whole = Results::Whole(
            entries
                .iter()
                .map(|e| {
                    (
                        e.clone(),
                        Part::Stored(PartRef::NOWHERE),
                        Profile::default(),
                    )
                })
                .collect(),
        );
        for j in 0..2 {
            assert_eq!(read.id(j), whole.id(j));
            assert_eq!(read.published(j), whole.published(j));
            assert_eq!(read.format(j), Format::Warc);
            assert_eq!(read.captured(j), whole.captured(j));
            assert!(!read.named_by_file(j));
            assert_eq!(read.stored_at(j).map(|at| at.offset), Some(j as u64));
        }
        assert!(read.stored());
        // As read, its bytes are the cache's (moved, below, they are not).
        let written = postcard::to_stdvec(&Outcomes(&read)).unwrap();
        assert_eq!(read.bytes_as_read(), Some(&written[..]));
        // Written again, a light result is its whole self.
        assert_eq!(
            postcard::to_stdvec(&read.entry_ref(1)).unwrap(),
            postcard::to_stdvec(&entries[1]).unwrap()
        );
        // Its parts moved (a compaction), then made whole: the entries as they were.
        for at in read.stored_mut() {
            *at = PartRef { offset: 9, len: 1 };
        }
        assert_eq!(read.bytes_as_read(), None);
        read.make_whole().unwrap();
        let Results::Whole(v) = &read else {
            panic!("made whole")
        };
        assert_eq!(v[1].0.provenance, entries[1].provenance);
        assert_eq!(v[1].0.article.title, entries[1].article.title);
        assert!(
            v.iter()
                .all(|(_, part, _)| part.stored().unwrap().offset == 9)
        );
    }

    #[test]
    fn a_file_gives_its_id_to_the_articles_it_names_whole_or_light() {
        // A dump read light holds the id the cache held, until the build gives another.
        let mut read = light(&[entry("قديم", Format::Text)]);
        assert_eq!(read.id(0), "قديم");
        assert!(!read.name(&mut String::from("قديم")), "the same id");
        let mut id = String::from("جديد");
        assert!(read.name(&mut id), "another id");
        assert_eq!((read.id(0), id.as_str()), ("جديد", "جديد"));
        assert_eq!(read.whole(0).unwrap().article.id, "جديد");
        // A crawl's pages keep their addresses' ids.
        let mut crawl = Results::Whole(vec![
            (
                entry("a", Format::Warc),
                Part::Stored(PartRef::NOWHERE),
                Profile::default(),
            ),
            (
                entry("b", Format::Warc),
                Part::Stored(PartRef::NOWHERE),
                Profile::default(),
            ),
        ]);
        let mut id = String::from("ملف");
        assert!(!crawl.name(&mut id));
        assert_eq!((crawl.id(0), crawl.id(1), id.as_str()), ("a", "b", "ملف"));
        // A parsed dump takes the id, moved.
        let mut parsed = Results::Whole(vec![(
            entry("", Format::Text),
            Part::Stored(PartRef::NOWHERE),
            Profile::default(),
        )]);
        parsed.name(&mut id);
        assert_eq!((parsed.id(0), id.as_str()), ("ملف", ""));
    }
}
