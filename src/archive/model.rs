//! The loaded archive and its lookups: entries in reading order, by id, their neighbours, story
//! threads, aliases of dropped duplicates, facets, and an entry's heavy parts on demand.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;

use super::ArchiveError;
use super::bodies::{Body, KeptBodies};
pub use super::chunked::Part;
use super::chunked::{Chunks, Entries};
use super::entry::Entry;
use super::facets;
use super::lookup::ById;
use super::store::{Parts, Store};
use super::str_order;
use crate::parse::Date;

/// The bodies a search's passages are found in: read from the store a page at a time and
/// kept ([`super::bodies`]).
impl crate::search::Paragraphs for Archive {
    fn paragraphs(&self, ids: &[&str]) -> Vec<Option<Arc<str>>> {
        let wanted: Vec<Option<Body<'_>>> = ids.iter().map(|id| self.body_of(id)).collect();
        self.kept_bodies.read(self.store.as_ref(), &wanted, ids)
    }

    fn listed_at(&self, ids: &[&str]) -> Vec<Option<usize>> {
        ids.iter().map(|id| self.listed_at(id)).collect()
    }
}

/// [`Archive::thread_of`] of an entry in no thread.
const NO_THREAD: u32 = u32::MAX;

/// The loaded archive.
///
/// Its entries are in reading order: dated articles oldest first, then the undated ones by id.
/// The index walks the dated part backwards for "newest first". They are held as chunks
/// ([`super::chunked`]) that a live rebuild's archive shares with the one it replaces.
///
/// The entries it lists are light: each article's `body` and the entry's `text` are left
/// out (in the store beside the compiled file when the archive was loaded from one), so that
/// a large archive takes little memory. [`Archive::get`] gives an entry whole.
#[derive(Debug, Default)]
pub struct Archive {
    pub(super) chunks: Chunks,
    pub(super) store: Option<Store>,
    pub(super) dated: usize,
    pub(super) about: Option<String>,
    /// Story threads (ids of two or more articles reporting one event).
    pub(super) threads: Vec<Vec<String>>,
    /// Ids of verbatim duplicates that were dropped, to the id of the copy that is served:
    /// a link to either keeps working.
    pub(super) aliases: HashMap<String, String>,
    pub(super) by_id: ById,
    /// Each entry's thread (an index in `threads`), by position; [`NO_THREAD`] when it has
    /// none.
    pub(super) thread_of: Vec<u32>,
    pub(super) facets: facets::Facets,
    /// The parts of each article's other captures, in the order of its
    /// `provenance.others`, for their source views.
    pub(super) other_parts: HashMap<String, Vec<Part>>,
    /// Bodies read for search passages, kept decoded ([`super::bodies`]).
    pub(super) kept_bodies: KeptBodies,
}

impl Archive {
    /// Builds an archive from entries in any order (sorting them and indexing ids).
    pub fn from_entries(entries: Vec<Entry>, about: Option<String>) -> Self {
        let (entries, parts) = entries
            .into_iter()
            .map(|e| {
                let (light, parts) = e.split();
                (light, Part::Memory(parts))
            })
            .unzip();
        Archive::from_parts(entries, parts, about, None)
    }

    /// Builds an archive from light entries and where their parts are (`parts[i]` is
    /// `entries[i]`'s).
    ///
    /// They are put in reading order where they are: at a million articles the entries alone
    /// are half a gigabyte, and sorting them as pairs then unzipping held two more copies
    /// at the end of a build, its largest moment after indexing.
    pub(crate) fn from_parts(
        entries: Vec<Entry>,
        parts: Vec<Part>,
        about: Option<String>,
        store: Option<Store>,
    ) -> Self {
        Archive::in_order(entries, parts, about, store).indexed()
    }

    /// [`Archive::from_parts`] without the lookups (by id, facets, threads): an archive only
    /// to be written, by a build that does not serve it, until [`Archive::indexed`].
    pub(super) fn in_order(
        mut entries: Vec<Entry>,
        mut parts: Vec<Part>,
        about: Option<String>,
        store: Option<Store>,
    ) -> Self {
        assert_eq!(entries.len(), parts.len(), "one part per entry");
        let order = reading_order(entries.len(), |i| {
            let a = &entries[i].article;
            (a.published, a.id.as_str())
        });
        gather(&mut entries, &mut parts, order);
        Archive::ordered(entries, parts, about, store)
    }

    /// [`Archive::in_order`] of entries already in reading order (as [`reading_order`] gives
    /// it): a build takes each from its results straight into its place.
    pub(super) fn ordered(
        entries: Vec<Entry>,
        parts: Vec<Part>,
        about: Option<String>,
        store: Option<Store>,
    ) -> Self {
        assert_eq!(entries.len(), parts.len(), "one part per entry");
        let dated = entries
            .iter()
            .take_while(|e| e.article.published.is_some())
            .count();
        Archive {
            chunks: Chunks::one(entries, parts),
            store,
            dated,
            about,
            ..Archive::default()
        }
    }

    /// The archive with its lookups made: by id, facets, threads.
    pub(crate) fn indexed(mut self) -> Self {
        self.index();
        self
    }

    /// Adds story threads and the aliases of dropped duplicates.
    pub fn with_threads(
        mut self,
        threads: Vec<Vec<String>>,
        aliases: HashMap<String, String>,
    ) -> Self {
        self.threads = threads;
        self.aliases = aliases;
        // Only the thread map depends on the threads; ids and facets are already indexed.
        self.index_threads();
        self
    }

    /// The page of capture `n` (1 for the first of `provenance.others`) of article `id`, as
    /// decoded: what its source view shows. `None` when there is no such capture, or its parts
    /// cannot be read (logged).
    pub fn capture_source(&self, id: &str, n: usize) -> Option<String> {
        let part = self.other_parts.get(id)?.get(n.checked_sub(1)?)?;
        match self.part(part) {
            Ok(parts) => Some(parts.text),
            Err(e) => {
                tracing::error!("article {id}, capture {n}: {e}");
                None
            }
        }
    }

    pub(super) fn index(&mut self) {
        self.index_reusing(None);
    }

    /// [`Archive::index`] of an archive that shares chunks with `old` (the one it replaces):
    /// the table by id is `old`'s, patched by the chunks that differ.
    pub(super) fn index_reusing(&mut self, old: Option<&Archive>) {
        // Both walk every entry of a new archive (a million at the scale aimed at): one core
        // each. A chunk shared with `old` has its part of the facets already.
        let (by_id, facets) = rayon::join(
            || match old {
                Some(old) => old.by_id.patched(&old.chunks, &self.chunks),
                None => ById::new(&self.chunks),
            },
            || {
                let runs: Vec<(&[Entry], &facets::RunFacets)> = self
                    .chunks
                    .chunks()
                    .par_iter()
                    .map(|c| {
                        (
                            &c.entries[..],
                            c.facets.get_or_init(|| facets::RunFacets::of(&c.entries)),
                        )
                    })
                    .collect();
                facets::Facets::of_runs(&runs, self.dated)
            },
        );
        self.by_id = by_id;
        self.facets = facets;
        self.index_threads();
    }

    fn index_threads(&mut self) {
        // Each id found on all cores (a hash, and a compare in an entry scattered in memory:
        // at a million articles the largest part of indexing a reloaded archive once its ids
        // and facets are kept), then set in the threads' order, so that an id in two threads
        // is the later one's, as it was set one by one.
        let this = &*self;
        let found: Vec<(u32, u32)> = this
            .threads
            .par_iter()
            .enumerate()
            .flat_map_iter(|(t, ids)| {
                let t = u32::try_from(t).expect("fewer than 2^32 threads");
                ids.iter()
                    .filter_map(move |id| Some((this.position(id)? as u32, t)))
            })
            .collect();
        let mut thread_of = vec![NO_THREAD; self.len()];
        for (i, t) in found {
            thread_of[i as usize] = t;
        }
        self.thread_of = thread_of;
    }

    /// Where `id` is among the entries.
    fn position(&self, id: &str) -> Option<usize> {
        self.by_id
            .get(|p| self.chunks.entry(p).article.id.as_str(), id)
    }

    /// Where the index page lists `id`: the dated newest first, then the undated by id.
    pub fn listed_at(&self, id: &str) -> Option<usize> {
        let at = self.position(id)?;
        Some(if at < self.dated {
            self.dated - 1 - at
        } else {
            at
        })
    }

    /// The archive by year, month, publication and agency.
    pub fn facets(&self) -> &facets::Facets {
        &self.facets
    }

    /// The other articles of `id`'s story thread, in reading order (oldest first).
    pub fn thread(&self, id: &str) -> Vec<&Entry> {
        let Some(&t) = self.position(id).and_then(|i| self.thread_of.get(i)) else {
            return Vec::new();
        };
        let Some(thread) = self.threads.get(t as usize) else {
            return Vec::new();
        };
        let mut others: Vec<usize> = thread
            .iter()
            .filter(|other| *other != id)
            .filter_map(|other| self.position(other))
            .collect();
        others.sort_unstable();
        others.into_iter().map(|i| self.chunks.entry(i)).collect()
    }

    /// The id served in place of `id` when `id` was a dropped verbatim duplicate.
    pub fn alias(&self, id: &str) -> Option<&str> {
        self.aliases.get(id).map(String::as_str)
    }

    pub fn len(&self) -> usize {
        self.chunks.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The light entry `id` (no body, no text: see [`Archive`]), for lists.
    pub fn light(&self, id: &str) -> Option<&Entry> {
        self.position(id).map(|i| self.chunks.entry(i))
    }

    /// The whole entry `id`, body and text included (read from the store when the archive
    /// was loaded). An entry whose parts cannot be read is logged and missing.
    pub fn get(&self, id: &str) -> Option<Entry> {
        let i = self.position(id)?;
        let parts = match self.parts_of(i) {
            Ok(parts) => parts,
            Err(e) => {
                tracing::error!("article {id}: {e}");
                return None;
            }
        };
        let mut entry = self.chunks.entry(i).clone();
        entry.article.body = parts.body;
        entry.text = parts.text;
        Some(entry)
    }

    /// `f` of the whole entry `id`, as [`Archive::get`] gives it, without copying its body
    /// and text out of the store's kept frame: the article page, its `.json` and its
    /// `source` read one frame one after another, and three copies of its 80-odd strings
    /// were 48 M instructions at 1,000 articles, 3 % of an export without `.gz` and `.br`
    /// files (notes/serve-bench.md, session 46). `None` when `id` is missing or its parts
    /// cannot be read (logged).
    pub fn with_entry<R>(&self, id: &str, f: impl FnOnce(&Entry) -> R) -> Option<R> {
        let i = self.position(id)?;
        let mut entry = self.chunks.entry(i).clone();
        let lent = match (self.chunks.part(i), &self.store) {
            (Part::Stored(at), Some(store)) => store.lend(*at, |parts| {
                entry.article.body = std::mem::take(&mut parts.body);
                entry.text = std::mem::take(&mut parts.text);
                let shown = f(&entry);
                parts.body = std::mem::take(&mut entry.article.body);
                parts.text = std::mem::take(&mut entry.text);
                shown
            }),
            (part, _) => self.part(part).map(|parts| {
                entry.article.body = parts.body;
                entry.text = parts.text;
                f(&entry)
            }),
        };
        lent.map_err(|e| tracing::error!("article {id}: {e}")).ok()
    }

    pub(super) fn parts_of(&self, i: usize) -> Result<Parts, ArchiveError> {
        self.part(self.chunks.part(i))
    }

    pub(super) fn part(&self, part: &Part) -> Result<Parts, ArchiveError> {
        match (part, &self.store) {
            (Part::Memory(parts), _) => Ok(parts.clone()),
            (Part::Stored(at), Some(store)) => store.get(*at),
            (Part::Stored(_), None) => Err(ArchiveError::Corrupt {
                path: PathBuf::new(),
                reason: "an article points into a store the archive does not have".into(),
            }),
        }
    }

    /// Where the body of the article `id` is, for search passages.
    fn body_of(&self, id: &str) -> Option<Body<'_>> {
        Some(match self.chunks.part(self.position(id)?) {
            Part::Memory(parts) => Body::Memory(&parts.body),
            Part::Stored(at) => Body::Stored(*at),
        })
    }

    /// Dated articles, oldest first (light entries: see [`Archive`]).
    pub fn dated_oldest_first(&self) -> Entries<'_> {
        self.chunks.view(0..self.dated)
    }

    /// Undated articles, by id (light entries: see [`Archive`]).
    pub fn undated(&self) -> Entries<'_> {
        self.chunks.view(self.dated..self.len())
    }

    /// All entries in reading order, dated oldest first, then undated (light entries: see
    /// [`Archive`]).
    pub fn entries(&self) -> Entries<'_> {
        self.chunks.view(0..self.len())
    }

    /// The chronologically previous (older) and next (newer) article within the same group
    /// (dated or undated): an undated article has no place in time, so it never neighbours a
    /// dated one.
    pub fn neighbours(&self, id: &str) -> (Option<&Entry>, Option<&Entry>) {
        let Some(i) = self.position(id) else {
            return (None, None);
        };
        let group = if i < self.dated {
            0..self.dated
        } else {
            self.dated..self.len()
        };
        let prev = (i > group.start).then(|| self.chunks.entry(i - 1));
        let next = (i + 1 < group.end).then(|| self.chunks.entry(i + 1));
        (prev, next)
    }

    /// `about.md` of the articles folder, when it has one.
    pub fn about(&self) -> Option<&str> {
        self.about.as_deref()
    }
}

/// The positions of `n` entries (`key(i)` the `i`th's publication date and id) in reading
/// order: by date (the undated last), then id, then position. The keys side by side rather
/// than read from the entries at each comparison: a date as its integer key and the id's
/// first bytes as another ([`str_order`]), so that only ties reach into the entries (at a
/// million entries each comparison of ids followed two pointers out of the caches, and the
/// undated articles, one date to all of them, were ordered by ids alone), sorted by their
/// bytes ([`str_order::radix_sort`]) rather than by comparisons.
pub(super) fn reading_order<'a>(
    n: usize,
    key: impl Fn(usize) -> (Option<Date>, &'a str) + Sync,
) -> Vec<usize> {
    // Each key reads an entry (scattered in memory at a million): on both cores.
    let mut keys: Vec<((u64, u64), usize)> = (0..n)
        .into_par_iter()
        .map(|i| {
            let (date, id) = key(i);
            let date = date.map_or(u64::MAX, |d| d.sort_key());
            ((date, str_order::prefix(id.as_bytes())), i)
        })
        .collect();
    str_order::radix_sort(&mut keys, |&a, &b| (key(a).1, a).cmp(&(key(b).1, b)));
    keys.into_iter().map(|k| k.1).collect()
}

/// Puts `a[order[i]]` (and `b[order[i]]`) at `i`, for every `i`, in place: each cycle of
/// the permutation is walked once, swapping, so no element is copied but to its place.
fn gather<A, B>(a: &mut [A], b: &mut [B], mut order: Vec<usize>) {
    for start in 0..order.len() {
        let mut at = start;
        // `order[at] == at` once `at` holds its element (or already did).
        while order[at] != start && order[at] != at {
            let from = order[at];
            a.swap(at, from);
            b.swap(at, from);
            order[at] = at;
            at = from;
        }
        order[at] = at;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{Article, Date};

    fn entry(id: &str, published: Option<&str>) -> Entry {
        Entry {
            article: Article {
                id: id.into(),
                published: published.map(|d| Date::parse(d).unwrap()),
                ..Article::default()
            },
            ..Entry::default()
        }
    }

    #[test]
    fn dated_first_in_time_order_then_undated() {
        let a = Archive::from_entries(
            vec![
                entry("u2", None),
                entry("b", Some("2015-09-18T16:41")),
                entry("a", Some("2015-09-16")),
                entry("u1", None),
                entry("c", Some("2015-09-18")),
            ],
            None,
        );
        let ids: Vec<_> = a.entries().iter().map(|e| e.article.id.as_str()).collect();
        assert_eq!(ids, ["a", "c", "b", "u1", "u2"]);
        assert_eq!(a.dated_oldest_first().len(), 3);
        assert_eq!(a.undated().len(), 2);
    }

    #[test]
    fn gather_puts_each_element_where_the_order_says_through_every_cycle() {
        // Cycles of lengths 1, 2 and 4, and one of 3.
        let order = vec![0, 2, 1, 4, 5, 6, 3, 9, 7, 8];
        let mut a: Vec<usize> = (0..order.len()).map(|i| i * 10).collect();
        let mut b: Vec<String> = (0..order.len()).map(|i| i.to_string()).collect();
        gather(&mut a, &mut b, order.clone());
        assert_eq!(a, order.iter().map(|i| i * 10).collect::<Vec<_>>());
        assert_eq!(b, order.iter().map(|i| i.to_string()).collect::<Vec<_>>());
    }

    #[test]
    fn entries_in_id_order_and_shuffled_are_put_in_one_order() {
        let dates = [
            None,
            Some("2015-09-18"),
            Some("2015-09-18T16:41"),
            Some("2015-09-16"),
        ];
        let in_order: Vec<Entry> = (0..40)
            .map(|i| entry(&format!("a{i:02}"), dates[i * 7 % 4]))
            .collect();
        let mut shuffled = in_order.clone();
        shuffled.reverse();
        shuffled.swap(3, 17);
        let ids = |a: &Archive| -> Vec<String> {
            a.entries().iter().map(|e| e.article.id.clone()).collect()
        };
        let sorted = Archive::from_entries(in_order, None);
        assert_eq!(ids(&sorted), ids(&Archive::from_entries(shuffled, None)));
        let keys: Vec<_> = sorted
            .entries()
            .iter()
            .map(|e| {
                (
                    e.article.published.is_none(),
                    e.article.published,
                    e.article.id.clone(),
                )
            })
            .collect();
        assert!(keys.is_sorted(), "{keys:?}");
    }

    #[test]
    fn entries_of_one_date_and_id_keep_their_order_with_their_parts() {
        let same = |text: &str| Entry {
            text: text.into(),
            ..entry("x", Some("2015-09-16"))
        };
        let a = Archive::from_entries(
            vec![
                entry("b", None),
                same("first"),
                entry("a", None),
                same("second"),
            ],
            None,
        );
        let ids: Vec<_> = a.entries().iter().map(|e| e.article.id.as_str()).collect();
        assert_eq!(ids, ["x", "x", "a", "b"]);
        let texts: Vec<_> = (0..2).map(|i| a.parts_of(i).unwrap().text).collect();
        assert_eq!(texts, ["first", "second"]);
    }

    #[test]
    fn neighbours_stay_within_their_group() {
        let a = Archive::from_entries(
            vec![
                entry("a", Some("2015-01-01")),
                entry("b", Some("2015-01-02")),
                entry("u", None),
            ],
            None,
        );
        let ids = |(p, n): (Option<&Entry>, Option<&Entry>)| {
            (
                p.map(|e| e.article.id.clone()),
                n.map(|e| e.article.id.clone()),
            )
        };
        assert_eq!(ids(a.neighbours("a")), (None, Some("b".into())));
        assert_eq!(ids(a.neighbours("b")), (Some("a".into()), None));
        assert_eq!(ids(a.neighbours("u")), (None, None));
        assert_eq!(ids(a.neighbours("missing")), (None, None));
    }

    #[test]
    fn an_entry_lent_is_the_entry_got_and_the_kept_frame_stays_whole() {
        use super::super::store::{self, StoreWriter};
        // What a page shows of an entry read from the store (`Entry` has no `PartialEq`).
        type Shown = (String, Vec<String>, String);
        let shown =
            |e: &Entry| -> Shown { (e.article.id.clone(), e.article.body.clone(), e.text.clone()) };
        let whole = |id: &str, body: &[&str], text: &str| Entry {
            text: text.into(),
            article: Article {
                body: body.iter().map(|p| p.to_string()).collect(),
                ..entry(id, None).article
            },
            ..Entry::default()
        };
        let written = [
            whole("a", &["أولى", "ثانية"], "نص أ"),
            whole("b", &["ب"], "نص ب"),
        ];
        let want = |id: &str| written.iter().find(|e| e.article.id == id).map(shown);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(store::new_file_name());
        let mut writer = StoreWriter::create(&path).unwrap();
        let (mut entries, mut parts) = (Vec::new(), Vec::new());
        for e in written.iter().cloned() {
            let (light, heavy) = e.split();
            parts.push(Part::Stored(writer.put(&heavy).unwrap()));
            entries.push(light);
        }
        writer.finish().unwrap();
        let stored = Archive::from_parts(entries, parts, None, Some(Store::open(&path).unwrap()));
        let in_memory = Archive::from_entries(written.to_vec(), None);
        for archive in [&stored, &in_memory] {
            // Lent first (decoded), lent again (the kept frame), then got from what is kept.
            for id in ["a", "a", "b"] {
                let lent = archive.with_entry(id, shown);
                assert_eq!(lent, archive.get(id).as_ref().map(shown));
                assert_eq!(lent, want(id));
            }
            // A read inside the lending one leaves both whole.
            let (outer, inner) = archive
                .with_entry("a", |a| (shown(a), archive.get("b").as_ref().map(shown)))
                .unwrap();
            assert_eq!((Some(outer), inner), (want("a"), want("b")));
            assert_eq!(archive.get("a").as_ref().map(shown), want("a"));
            assert_eq!(archive.with_entry("missing", shown), None);
        }
    }
}
