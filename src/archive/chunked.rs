//! The loaded archive's entries and their parts, held as chunks shared through [`Arc`]: the
//! runs of entries the compiled file's chunks hold ([`super::chunk_files`]), each known by its
//! chunk's name (the hash of its bytes). A live rebuild's new archive takes the chunks the
//! file it replaces already decoded, by name, and decodes only the new ones; the old site's
//! drop frees only the chunks no longer named. An archive made in memory is one chunk, with
//! no name. [`Entries`] is the view the web reads them through, which never shows a chunk;
//! [`Part`] says where an entry's heavy parts are.

use std::ops::{Index, Range};
use std::sync::{Arc, OnceLock};

use super::Entry;
use super::chunk_files::ChunkName;
use super::facets::RunFacets;
use super::store::{PartRef, Parts};

/// Where an entry's [`Parts`] are: with it (an archive built in memory) or in the store.
#[derive(Debug, Clone)]
pub enum Part {
    Memory(Parts),
    Stored(PartRef),
}

/// Read as the [`PartRef`] a build cache holds (only stored parts are written there), so
/// that a reused dump's results are this build's as decoded, not rebuilt one by one.
impl<'de> serde::Deserialize<'de> for Part {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Part, D::Error> {
        PartRef::deserialize(d).map(Part::Stored)
    }
}

impl Part {
    /// Where it is in the store, if it is there.
    pub(crate) fn stored(&self) -> Option<PartRef> {
        match self {
            Part::Stored(at) => Some(*at),
            Part::Memory(_) => None,
        }
    }
}

/// A run of consecutive entries in reading order, with their parts (`parts[i]` is
/// `entries[i]`'s).
#[derive(Debug)]
pub(super) struct Chunk {
    /// The compiled file's chunk it was decoded from; `None` for entries made in memory,
    /// which no file names.
    pub(super) name: Option<ChunkName>,
    pub(super) entries: Vec<Entry>,
    pub(super) parts: Vec<Part>,
    /// What its entries give the publications' and agencies' facets, made when the archive
    /// holding it is first indexed and kept for the next one that shares it.
    pub(super) facets: OnceLock<RunFacets>,
}

/// The archive's entries in reading order, as chunks.
#[derive(Debug, Clone)]
pub(super) struct Chunks {
    chunks: Vec<Arc<Chunk>>,
    /// Where each chunk starts among all entries, and one more: how many there are.
    starts: Vec<usize>,
}

impl Default for Chunks {
    fn default() -> Chunks {
        Chunks::new(Vec::new())
    }
}

impl Chunks {
    /// The chunks, in reading order.
    pub(super) fn new(chunks: Vec<Arc<Chunk>>) -> Chunks {
        let mut starts = Vec::with_capacity(chunks.len() + 1);
        let mut at = 0;
        starts.push(at);
        for chunk in &chunks {
            assert_eq!(chunk.entries.len(), chunk.parts.len(), "one part per entry");
            at += chunk.entries.len();
            starts.push(at);
        }
        Chunks { chunks, starts }
    }

    /// Entries made in memory: one chunk, no name.
    pub(super) fn one(entries: Vec<Entry>, parts: Vec<Part>) -> Chunks {
        let chunk = Chunk {
            name: None,
            entries,
            parts,
            facets: OnceLock::new(),
        };
        Chunks::new(vec![Arc::new(chunk)])
    }

    pub(super) fn len(&self) -> usize {
        self.starts[self.chunks.len()]
    }

    /// The chunks, in reading order.
    pub(super) fn chunks(&self) -> &[Arc<Chunk>] {
        &self.chunks
    }

    /// Where each chunk starts, and how many entries there are.
    pub(super) fn starts(&self) -> &[usize] {
        &self.starts
    }

    /// The chunk holding entry `i`, and `i`'s place in it.
    fn at(&self, i: usize) -> (&Chunk, usize) {
        let k = self.starts.partition_point(|&s| s <= i) - 1;
        (&self.chunks[k], i - self.starts[k])
    }

    /// Entry `i` (a panic past the end, as a slice's).
    pub(super) fn entry(&self, i: usize) -> &Entry {
        let (chunk, j) = self.at(i);
        &chunk.entries[j]
    }

    /// Entry `i`'s parts.
    pub(super) fn part(&self, i: usize) -> &Part {
        let (chunk, j) = self.at(i);
        &chunk.parts[j]
    }
    /// Every entry's parts, in reading order.
    pub(super) fn parts(&self) -> impl Iterator<Item = &Part> {
        self.chunks.iter().flat_map(|c| &c.parts)
    }

    /// The entries in `range`.
    pub(super) fn view(&self, range: Range<usize>) -> Entries<'_> {
        assert!(
            range.start <= range.end && range.end <= self.len(),
            "{range:?} of {} entries",
            self.len()
        );
        Entries {
            chunks: self,
            start: range.start,
            end: range.end,
        }
    }
}

/// A stretch of the archive's entries in reading order, as a slice of them reads: its
/// length, each by place (`entries[i]`), and in order either way.
#[derive(Debug, Clone, Copy)]
pub struct Entries<'a> {
    chunks: &'a Chunks,
    start: usize,
    end: usize,
}

impl<'a> Entries<'a> {
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// Entry `i` of these, if there is one.
    pub fn get(&self, i: usize) -> Option<&'a Entry> {
        (i < self.len()).then(|| self.chunks.entry(self.start + i))
    }

    /// Entry `i` of these, for as long as the archive (`entries[i]` borrows the view), a panic
    /// past the end as a slice's.
    pub fn at(&self, i: usize) -> &'a Entry {
        assert!(i < self.len(), "entry {i} of {}", self.len());
        self.chunks.entry(self.start + i)
    }

    pub fn first(&self) -> Option<&'a Entry> {
        self.get(0)
    }

    pub fn last(&self) -> Option<&'a Entry> {
        self.len().checked_sub(1).and_then(|i| self.get(i))
    }

    /// These in order (and backwards: `.rev()`).
    pub fn iter(&self) -> Iter<'a> {
        let (start, end) = (self.start, self.end);
        let starts = &self.chunks.starts;
        // The chunks holding `start..end`: a part of the first and of the last.
        let first = starts.partition_point(|&s| s <= start).saturating_sub(1);
        let last = starts.partition_point(|&s| s < end).saturating_sub(1);
        let chunks = &self.chunks.chunks;
        let run = |k: usize| {
            let (from, to) = (starts[k].max(start), starts[k + 1].min(end));
            chunks[k].entries[from - starts[k]..to - starts[k]].iter()
        };
        if start == end {
            return Iter::default();
        }
        Iter {
            front: run(first),
            middle: chunks[(first + 1).min(last)..last].iter(),
            back: if last > first { run(last) } else { [].iter() },
            left: end - start,
        }
    }

    /// The runs of consecutive entries these are (each within one chunk), in order.
    pub fn runs(&self) -> Vec<&'a [Entry]> {
        let mut runs = Vec::new();
        let mut iter = self.iter();
        runs.push(iter.front.as_slice());
        runs.extend(iter.middle.by_ref().map(|c| &c.entries[..]));
        runs.push(iter.back.as_slice());
        runs.retain(|r| !r.is_empty());
        runs
    }
}

impl Index<usize> for Entries<'_> {
    type Output = Entry;

    fn index(&self, i: usize) -> &Entry {
        self.at(i)
    }
}

impl<'a> IntoIterator for Entries<'a> {
    type Item = &'a Entry;
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

impl<'a> IntoIterator for &Entries<'a> {
    type Item = &'a Entry;
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

/// [`Entries`] in order: the rest of the first chunk, the chunks between, the start of the
/// last.
#[derive(Debug, Clone, Default)]
pub struct Iter<'a> {
    front: std::slice::Iter<'a, Entry>,
    middle: std::slice::Iter<'a, Arc<Chunk>>,
    back: std::slice::Iter<'a, Entry>,
    left: usize,
}

impl<'a> Iterator for Iter<'a> {
    type Item = &'a Entry;

    fn next(&mut self) -> Option<&'a Entry> {
        loop {
            if let Some(e) = self.front.next() {
                self.left -= 1;
                return Some(e);
            }
            match self.middle.next() {
                Some(chunk) => self.front = chunk.entries.iter(),
                None => {
                    let e = self.back.next()?;
                    self.left -= 1;
                    return Some(e);
                }
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl<'a> DoubleEndedIterator for Iter<'a> {
    fn next_back(&mut self) -> Option<&'a Entry> {
        loop {
            if let Some(e) = self.back.next_back() {
                self.left -= 1;
                return Some(e);
            }
            match self.middle.next_back() {
                Some(chunk) => self.back = chunk.entries.iter(),
                None => {
                    let e = self.front.next_back()?;
                    self.left -= 1;
                    return Some(e);
                }
            }
        }
    }
}

impl ExactSizeIterator for Iter<'_> {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::Article;

    fn chunk(ids: &[&str]) -> Arc<Chunk> {
        let entries: Vec<Entry> = (ids.iter())
            .map(|id| Entry {
                article: Article {
                    id: (*id).into(),
                    ..Article::default()
                },
                ..Entry::default()
            })
            .collect();
        let parts = vec![Part::Stored(PartRef::NOWHERE); entries.len()];
        Arc::new(Chunk {
            name: None,
            entries,
            parts,
            facets: OnceLock::new(),
        })
    }

    fn ids<'a>(entries: impl Iterator<Item = &'a Entry>) -> String {
        entries.map(|e| e.article.id.as_str()).collect()
    }

    #[test]
    fn every_stretch_reads_as_the_slice_of_all_entries_would() {
        // Chunks of 2, 0, 3, 1 and 2 entries: a, bc, def, g, hi.
        let chunks = Chunks::new(
            [&["a", "b"][..], &[], &["c", "d", "e"], &["f"], &["g", "h"]]
                .map(chunk)
                .to_vec(),
        );
        let all = "abcdefgh";
        assert_eq!(chunks.len(), all.len());
        for start in 0..=all.len() {
            for end in start..=all.len() {
                let view = chunks.view(start..end);
                let want = &all[start..end];
                assert_eq!(view.len(), want.len());
                assert_eq!(ids(view.iter()), want, "{start}..{end}");
                let back: String = want.chars().rev().collect();
                assert_eq!(ids(view.iter().rev()), back, "{start}..{end} backwards");
                assert_eq!(view.iter().len(), want.len());
                let by_place: String = (0..view.len())
                    .map(|i| view[i].article.id.as_str())
                    .collect();
                assert_eq!(by_place, want);
                assert_eq!(ids(view.runs().into_iter().flatten()), want);
                assert!(view.runs().iter().all(|r| !r.is_empty()));
                assert!(view.get(view.len()).is_none());
                // From both ends at once, meeting in the middle.
                let mut iter = view.iter();
                let mut met = String::new();
                while let Some(e) = iter.next() {
                    met.push_str(&e.article.id);
                    if let Some(e) = iter.next_back() {
                        met.push_str(&e.article.id);
                    }
                }
                assert_eq!(met.len(), want.len());
            }
        }
        assert_eq!(chunks.entry(5).article.id, "f");
        assert_eq!(Chunks::default().len(), 0);
        assert_eq!(Chunks::default().view(0..0).iter().count(), 0);
    }

    /// An entry `id`, dated when `date` is given, its text (in the store once saved) `text`.
    fn entry(id: &str, date: Option<String>, text: &str) -> Entry {
        Entry {
            article: Article {
                id: id.into(),
                title: format!("عنوان {id}"),
                published: date.map(|d| crate::parse::Date::parse(&d).unwrap()),
                ..Article::default()
            },
            text: text.into(),
            ..Entry::default()
        }
    }

    /// Everything a reader sees of `archive`, entry by entry, in order.
    fn seen(archive: &crate::archive::Archive) -> Vec<String> {
        let mut lines = vec![format!("{} dated", archive.dated_oldest_first().len())];
        for e in archive.entries() {
            let id = &e.article.id;
            let (before, after) = archive.neighbours(id);
            let thread: Vec<&str> = archive
                .thread(id)
                .iter()
                .map(|o| o.article.id.as_str())
                .collect();
            lines.push(format!(
                "{} at {:?}, {:?} {:?}, between {:?} and {:?}, thread {thread:?}",
                serde_json::to_string(e).unwrap(),
                archive.listed_at(id),
                archive.get(id).map(|whole| whole.text),
                archive.light(id).map(|l| &l.article.title),
                before.map(|b| &b.article.id),
                after.map(|a| &a.article.id),
            ));
        }
        lines
    }

    /// That `a` and `b` read the same, naming the first entry that differs.
    fn same(a: &crate::archive::Archive, b: &crate::archive::Archive) {
        let (a, b) = (seen(a), seen(b));
        let differs = a.iter().zip(&b).position(|(x, y)| x != y);
        assert!(
            differs.is_none() && a.len() == b.len(),
            "{differs:?} of {}",
            a.len()
        );
    }

    #[test]
    fn the_compiled_archive_is_cut_as_its_entries_cut_says() {
        use crate::archive::chunk_files::Cut;
        use crate::archive::compiled::{self, Source};
        use crate::archive::model::Archive;
        let dir = tempfile::tempdir().unwrap();
        let path = compiled::path_in(dir.path());
        let ids: Vec<String> = (0..20_000).map(|i| format!("a{i:05}")).collect();
        let entries = ids.iter().map(|id| entry(id, None, "")).collect();
        let source = Source::of(dir.path()).unwrap();
        compiled::save(&Archive::from_entries(entries, None), &source, &path).unwrap();
        let lengths = |archive: &Archive| -> Vec<usize> {
            archive
                .chunks
                .chunks()
                .iter()
                .map(|c| c.entries.len())
                .collect()
        };
        let cut = Cut::ARCHIVE.ranges(&ids, |id| id.as_str());
        assert!(cut.len() > 4, "{} chunks", cut.len());
        let expected: Vec<usize> = cut.iter().map(|r| r.len()).collect();
        assert_eq!(lengths(&compiled::load(&path).unwrap()), expected);
    }

    #[test]
    fn an_archive_loaded_reusing_the_one_it_replaces_is_the_one_loaded_from_nothing() {
        use crate::archive::chunk_files::Cut;
        let ends_chunk = |id: &str| Cut::ARCHIVE.ends(id);
        use crate::archive::compiled::{self, Source};
        use crate::archive::model::Archive;
        let dir = tempfile::tempdir().unwrap();
        let path = compiled::path_in(dir.path());
        let source = Source::of(dir.path()).unwrap();
        // Forty thousand: about five chunks. The first three thousand dated, in id order.
        let id = |i: usize| format!("a{i:05}");
        let date = |i: usize| {
            (i < 3_000).then(|| {
                format!(
                    "{}-{:02}-{:02}",
                    2000 + i / 300,
                    1 + i / 25 % 12,
                    1 + i % 25
                )
            })
        };
        let before: Vec<Entry> = (0..40_000).map(|i| entry(&id(i), date(i), "نص")).collect();
        let threads = vec![
            vec![id(5), id(39_990)],
            vec![id(20), id(35_000), id(39_000)],
        ];
        let saved = |entries: Vec<Entry>, threads: &[Vec<String>]| {
            let archive = Archive::from_entries(entries, None)
                .with_threads(threads.to_vec(), Default::default());
            compiled::save(&archive, &source, &path).unwrap();
        };
        saved(before.clone(), &threads);
        let old = compiled::load(&path).unwrap();
        assert!(
            old.chunks.chunks().len() >= 3,
            "{} chunks",
            old.chunks.chunks().len()
        );

        // A `+1` in the last chunks (a store written anew moves every later part): the end
        // of one chunk gone (two chunks become one), ten entries after it gone, one edited
        // (its title and its text), some added, one of them an id that ends a chunk (one
        // chunk becomes two).
        let boundary = (0..40_000).rev().find(|&i| ends_chunk(&id(i))).unwrap();
        let splits = (0..)
            .map(|j| format!("a39999-{j}"))
            .find(|n| ends_chunk(n))
            .unwrap();
        let gone = |i: usize| i == boundary || (boundary + 100..boundary + 110).contains(&i);
        let edited = id(boundary.midpoint(40_000));
        let mut after: Vec<Entry> = (before.into_iter().enumerate())
            .filter(|(i, _)| !gone(*i))
            .map(|(_, e)| e)
            .collect();
        let changed = after.iter_mut().find(|e| e.article.id == edited).unwrap();
        changed.article.title = "عنوان آخر".into();
        changed.text = "نص آخر".into();
        after.extend(["a39999b", "a39999c", &splits].map(|i| entry(i, None, "جديد")));
        let threads = vec![vec![id(5), "a39999b".into()], threads[1].clone()];
        saved(after, &threads);

        let fresh = compiled::load(&path).unwrap();
        let reusing = compiled::load_reusing(&path, Some(&old)).unwrap();
        same(&reusing, &fresh);
        let shared = (reusing.chunks.chunks().iter())
            .filter(|c| old.chunks.chunks().iter().any(|o| Arc::ptr_eq(c, o)))
            .count();
        let total = reusing.chunks.chunks().len();
        assert!(
            shared >= 1 && shared < total,
            "{shared} of {total} chunks shared"
        );
        let edited = reusing.get(&edited).unwrap();
        assert_eq!(
            (edited.article.title, edited.text),
            ("عنوان آخر".into(), "نص آخر".into())
        );
        // Loaded again from itself (nothing changed): every chunk shared.
        let again = compiled::load_reusing(&path, Some(&reusing)).unwrap();
        same(&again, &fresh);
        let same = again.chunks.chunks().iter().zip(reusing.chunks.chunks());
        assert!(same.into_iter().all(|(a, b)| Arc::ptr_eq(a, b)));
    }
}
