//! Story threads: the articles of the archive that report one event, whichever outlet wrote
//! them, and the verbatim duplicates (one article scraped twice) to serve once.
//!
//! Two articles are about one event when the TF-IDF cosine of their [`Profile`]s (each
//! article's most frequent search terms and word pairs: the analyzer's normalised, stemmed,
//! variant-mapped words, title counted twice) reaches [`THRESHOLD`] and, when both are dated,
//! they are at most [`PAIR_WINDOW_DAYS`] apart. Threads are the groups such links join,
//! strongest links first, as long as a thread stays within [`MAX_THREAD`] articles and
//! [`MAX_SPAN_DAYS`] days: without those caps a chain of related reports (or an archive of one
//! long war) would merge into a single thread.
//!
//! Nothing compares all pairs. Each article is indexed under its [`SIGNATURE`] heaviest terms;
//! it is compared only with articles sharing two of them, looked up within its date window and
//! at most [`MAX_CANDIDATES_PER_TERM`] per term, so the work grows linearly with the archive.
//!
//! A profile depends on its article alone, so a build keeps profiles between runs and analyses
//! only the dumps that changed. Weights depend on the whole archive (IDF: the number of
//! articles N and each term's document frequency, counted over the profiles, not every word:
//! a term common enough to matter is in many articles' profiles), so a saved build keeps the
//! [`Grouping`] it made: that weighing base, each article's signature and links. The next
//! build weighs with the same base while the articles added, changed or removed since it was
//! counted stay within 1% of its N (none under 100 articles): unchanged articles keep their
//! weights and links, only the changed ones and those whose candidates they enter or leave
//! compare themselves again, and the links are joined again. Past that bound, for a new
//! program or without a saved grouping, the base is counted anew and everything is weighed
//! again, as a build from nothing does. So an incremental build groups exactly as a build from
//! nothing weighing with the same base would (the `again` tests), and not always as one
//! counting a new base: with a new N every weight moves a little, a pair near [`THRESHOLD`]
//! may cross it, and one added article would shift threads across the whole archive. A reader
//! adding one article expects it to join its story, not other stories to change; and an
//! archive grown by 1% is re-weighed whole anyway.
//!
//! The steps by file: `profile` (one article), `links` (which pairs are one story), `join`
//! (pairs into threads under the caps), `again` (grouping again from the last grouping, its ids
//! in `packed_ids`), `regroup` (a grouping made, its threads joined apart, where a build
//! wants them), `shared` (the comparing article's counts of shared terms), `tally` (the
//! table a profile counts its terms in), `verbatim` (the same article scraped twice),
//! `by_root` (the threads from each article's root); this file holds the tuning constants and
//! groups.

mod again;
mod by_root;
mod chunks;
mod in_place;
mod join;
mod kept;
mod links;
mod packed_ids;
mod places;
mod profile;
mod regroup;
mod shared;
mod signatures;
mod stored;
mod tally;
mod verbatim;

use rayon::prelude::*;

use super::entry::Entry;
use crate::parse::Date;
pub use again::Grouping;
use by_root::threads_of;
pub use chunks::{ChunkName, Chunks, Names, Piece, Pieces};
// Public for `benches/join.rs` alone (the join at a million's sizes, on made-up links).
#[doc(hidden)]
pub use join::join;
use links::{Link, Vector, links};
pub use profile::{BODY_KEY, Profile, ProfileRef, body_key_bytes};
pub use regroup::{Unjoined, regroup};
use rustc_hash::FxHashMap;
use verbatim::{Verbatim, verbatim_duplicates};

/// Cosine similarity from which two articles are one story.
///
/// Measured on the fixtures (`tests/fixtures/bodies`: the five seeds and seven unrelated
/// articles; the `similarities_of_the_fixtures` test prints them): the ten seed pairs range
/// from 0.24 to 0.64 and each seed's closest other seed is at 0.53 or more, so the five join
/// through links of 0.49 and up; a seed and an unrelated article reach at most 0.20. 0.30
/// leaves a margin on both sides. The weakest pair a test relies on alone is 000–001 (0.31,
/// `same_story_years_apart_is_two_threads`). Articles on one subject but not one story can
/// score above it (two coronavirus reports 0.71, three on Israel and the West Bank
/// 0.32–0.57): the date window is what keeps those apart, so undated ones may share a thread.
pub const THRESHOLD: f32 = 0.30;

/// Two dated articles further apart than this are never linked directly.
pub const PAIR_WINDOW_DAYS: i32 = 7;

/// A thread's dated articles span at most this many days.
pub const MAX_SPAN_DAYS: i32 = 21;

/// Articles in one thread at most; the weakest links are the ones left out.
pub const MAX_THREAD: usize = 50;

/// Terms an article is indexed under for finding candidates.
const SIGNATURE: usize = 16;

/// Terms of an article's [`Profile`]: its most frequent; the rest say little of its story, and
/// every profile is kept in the build cache and compared in memory (32 halved both from 64).
pub(crate) const PROFILE: usize = 32;

/// Candidates taken from one term's list for one article: a term that hundreds of articles of
/// the same days share says little about which of them tell the same story.
const MAX_CANDIDATES_PER_TERM: usize = 24;

/// Articles an article is compared with at most (those sharing most signature terms): in a
/// week of a big archive's coverage of one war, hundreds qualify, and a thread takes only
/// [`MAX_THREAD`] anyway.
const MAX_COMPARED: usize = 16;

/// The threads of an archive.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Threads {
    /// Threads of two articles or more, each in the order of the entries given to [`group`],
    /// ordered by their first article.
    pub threads: Vec<Vec<String>>,
    /// `(kept, dropped)`: articles whose normalised body is the same as an earlier entry's
    /// (the same article scraped twice). The dropped ones are in no thread: serve them once.
    pub duplicates: Vec<(String, String)>,
}

impl Threads {
    /// The index in `threads` of `id`'s thread, if it is in one. A walk through the threads:
    /// a build hands them to the archive, which indexes them by position
    /// ([`crate::archive::Archive::thread`]); a map of every threaded id made here was a
    /// string copied and hashed per article at each build, for nothing.
    pub fn thread_of(&self, id: &str) -> Option<usize> {
        self.threads.iter().position(|t| t.iter().any(|a| a == id))
    }

    /// The other articles of `id`'s thread, for "تغطيات أخرى للحدث".
    pub fn others<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.thread_of(id)
            .map(|t| self.threads[t].as_slice())
            .unwrap_or_default()
            .iter()
            .map(String::as_str)
            .filter(move |&other| other != id)
    }
}

/// Threads by the articles' places among the items grouped: what a build needs to write
/// them (it names each article where its id lies), without a `String` made for every
/// threaded article at each build ([`Grouped::named`] for owned ids).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Grouped<T = u32> {
    /// Threads of two articles or more, each a list of places among the items (or what
    /// [`group_again_as`] named them), in order, ordered by their first article (as
    /// [`Threads::threads`]).
    pub threads: Vec<Vec<T>>,
    /// As [`Threads::duplicates`]: few, so named.
    pub duplicates: Vec<(String, String)>,
}

impl Grouped {
    /// The threads with their articles' ids, `items` being the ones grouped.
    pub fn named(self, items: &[Item]) -> Threads {
        Threads {
            threads: named(&self.threads, |k| items[k as usize].id.to_owned()),
            duplicates: self.duplicates,
        }
    }
}

/// Each thread's articles as `name` gives them.
pub fn named<A: Copy, B>(threads: &[Vec<A>], name: impl Fn(A) -> B) -> Vec<Vec<B>> {
    threads
        .iter()
        .map(|t| t.iter().map(|&a| name(a)).collect())
        .collect()
}

/// One article as [`group_profiles`] sees it.
#[derive(Debug, Clone, Copy)]
pub struct Item<'a> {
    pub id: &'a str,
    /// The publication date, when known. A copy, not borrowed: a reused article's is packed
    /// in its row of the cache's chunk ([`crate::archive::light_entry::HeadRef`]), where no
    /// `Date` lies to borrow.
    pub published: Option<Date>,
    pub profile: ProfileRef<'a>,
    /// The article the grouping handed to [`group_again`] holds under this id, with this
    /// profile and date: its fingerprint is not made again (at a million articles, every
    /// profile's 32 pairs read and hashed at each build to find the one or few that
    /// changed). The caller knows it where the grouping was saved beside the build cache a
    /// reused dump came from and every id was its file's name in both builds; say `false`
    /// when in doubt, and the fingerprint tells.
    pub unchanged: bool,
}

/// Groups `entries` into threads (see the module documentation).
pub fn group(entries: &[Entry]) -> Threads {
    let profiles: Vec<Profile> = entries
        .par_iter()
        .map(|e| Profile::of(&e.article))
        .collect();
    let items: Vec<Item> = entries
        .iter()
        .zip(&profiles)
        .map(|(e, profile)| Item {
            id: &e.article.id,
            published: e.article.published,
            profile: profile.into(),
            unchanged: false,
        })
        .collect();
    group_profiles(&items).named(&items)
}

/// Groups articles known by their profiles: [`group`] without analysing any text.
pub fn group_profiles(items: &[Item]) -> Grouped {
    let Verbatim {
        kept, duplicates, ..
    } = verbatim_duplicates(items, None);
    let (profiles, days) = profiles_and_days(items, &kept);
    let (_, vectors) = weigh(&profiles);
    let (_, links, _) = links(&vectors, &days);
    let roots = join(&links, ends, &days);
    let threads = threads_of(&kept, roots.len(), |p| roots[p], |k| k as u32);
    Grouped {
        threads,
        duplicates,
    }
}

/// A link's two articles' places.
fn ends(link: &Link) -> (usize, usize) {
    (link.a, link.b)
}

/// [`group_profiles`] for a build that keeps its [`Grouping`] for the next: from `previous`
/// with its frozen base while the changes since stay within its allowance (see `again`),
/// from nothing with a base counted anew otherwise.
pub fn group_again(items: &[Item], previous: Option<Grouping>) -> (Grouped, Grouping) {
    group_again_as(items, previous, |k| k as u32)
}

/// [`group_again`] with each threaded article as `name` gives it from its place among the
/// items: named as the threads are made, in the order of the places, rather than each thread
/// looked up again article by article ([`named`]: at a million articles, a read out of the
/// caches an article).
pub fn group_again_as<T>(
    items: &[Item],
    previous: Option<Grouping>,
    name: impl Fn(usize) -> T,
) -> (Grouped<T>, Grouping) {
    let (duplicates, unjoined) = regroup(items, previous);
    let threads = unjoined.threads(name);
    let grouped = Grouped {
        threads,
        duplicates,
    };
    (grouped, unjoined.into_grouping())
}

fn profiles_and_days<'a>(
    items: &[Item<'a>],
    kept: &[usize],
) -> (Vec<ProfileRef<'a>>, Vec<Option<i32>>) {
    let profiles = kept.iter().map(|&i| items[i].profile).collect();
    let days = kept
        .iter()
        .map(|&i| items[i].published.map(|d| d.day_number()))
        .collect();
    (profiles, days)
}

/// The profiles' document frequencies and their vectors weighed with them.
fn weigh(profiles: &[ProfileRef]) -> (FxHashMap<u32, u32>, Vec<Vector>) {
    let counts = links::count(profiles);
    let n = profiles.len() as u32;
    let vectors = profiles
        .par_iter()
        .map(|&p| links::vector(p, n, |t| counts[&t]))
        .collect();
    (counts, vectors)
}

#[cfg(test)]
mod tests {
    use super::links::cosine;
    use super::*;
    use crate::parse::Article;

    fn entry(id: &str, published: Option<&str>, title: &str, body: &[&str]) -> Entry {
        Entry {
            article: Article {
                id: id.into(),
                title: title.into(),
                published: published.map(|d| Date::parse(d).unwrap()),
                body: body.iter().map(|s| s.to_string()).collect(),
                ..Article::default()
            },
            ..Entry::default()
        }
    }

    #[test]
    fn verbatim_duplicates_are_found_through_harakat_and_spacing() {
        let entries = [
            entry("a", None, "t", &["وزير الخارجية الروسي، سيرجي لافروف"]),
            entry(
                "b",
                None,
                "other title",
                &["وزيرُ  الخارجيةِ الروسيّ سيرجي لافروف."],
            ),
            entry("c", None, "t", &["وزير الخارجية الأمريكي"]),
            entry("d", None, "", &[]),
            entry("e", None, "", &[]),
        ];
        let profiles: Vec<Profile> = entries.iter().map(|e| Profile::of(&e.article)).collect();
        let items: Vec<Item> = entries
            .iter()
            .zip(&profiles)
            .map(|(e, profile)| Item {
                id: &e.article.id,
                published: None,
                profile: profile.into(),
                unchanged: false,
            })
            .collect();
        let found = verbatim_duplicates(&items, None);
        assert_eq!(found.kept, [0, 2, 3, 4]);
        assert_eq!(found.duplicates, [("a".to_string(), "b".to_string())]);
        assert_eq!(found.doubled, [profiles[0].body.unwrap()]);
    }

    /// The articles of `tests/fixtures/bodies`, with the dates their pages state (000–002 and
    /// r011–r013 state none).
    pub(crate) fn fixture_entries() -> Vec<Entry> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bodies");
        let mut names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.ends_with(".txt"))
            .collect();
        names.sort();
        names
            .iter()
            .map(|name| {
                let text = std::fs::read_to_string(dir.join(name)).unwrap();
                let mut lines = text.lines();
                let title = lines.next().unwrap();
                let body: Vec<&str> = lines.filter(|l| !l.trim().is_empty()).collect();
                let id = name.trim_end_matches(".txt");
                let date = match id {
                    "003" => Some("2015-09-16"),
                    "004" => Some("2015-09-18T16:41"),
                    "r001" => Some("2020-03-17T17:27"),
                    "r002" => Some("2020-04-24T21:22"),
                    "r004" => Some("2020-08-24T09:23"),
                    "r006" => Some("2020-11-09"),
                    _ => None,
                };
                entry(id, date, title, &body)
            })
            .collect()
    }

    const SEEDS: [&str; 5] = ["000", "001", "002", "003", "004"];

    #[test]
    fn similarities_of_the_fixtures() {
        let entries = fixture_entries();
        let profiles: Vec<_> = entries.iter().map(|e| Profile::of(&e.article)).collect();
        let vectors = links::weigh(&profiles.iter().map(ProfileRef::from).collect::<Vec<_>>());
        let is_seed = |i: usize| SEEDS.contains(&entries[i].article.id.as_str());
        let (mut seed_min, mut seed_max, mut cross_max, mut other_max) = (1f32, 0f32, 0f32, 0f32);
        let mut best = vec![0f32; entries.len()];
        for i in 0..entries.len() {
            for j in i + 1..entries.len() {
                let s = cosine(&vectors[i], &vectors[j]);
                eprintln!("{} {} {s:.3}", entries[i].article.id, entries[j].article.id);
                match (is_seed(i), is_seed(j)) {
                    (true, true) => {
                        seed_min = seed_min.min(s);
                        seed_max = seed_max.max(s);
                        best[i] = best[i].max(s);
                        best[j] = best[j].max(s);
                    }
                    (false, false) => other_max = other_max.max(s),
                    _ => cross_max = cross_max.max(s),
                }
            }
        }
        let weakest_best = (0..entries.len())
            .filter(|&i| is_seed(i))
            .map(|i| best[i])
            .fold(1f32, f32::min);
        eprintln!(
            "seed pairs {seed_min:.3}..{seed_max:.3}, each seed's best >= {weakest_best:.3}, seed-other <= {cross_max:.3}, other-other <= {other_max:.3}"
        );
        assert!(weakest_best >= THRESHOLD + 0.05);
        assert!(cross_max <= THRESHOLD - 0.05);
    }

    #[test]
    fn the_five_seeds_are_one_thread_and_the_others_in_none() {
        let threads = group(&fixture_entries());
        // r011–r013 are one subject (Israel and the West Bank, 2024), not one story, and
        // undated: similarity alone cannot tell them apart (see THRESHOLD). r001 and r002, both
        // on coronavirus, are five weeks apart and so not linked.
        assert_eq!(
            threads.threads,
            [
                SEEDS.map(String::from).to_vec(),
                vec!["r011".into(), "r012".into(), "r013".into()]
            ]
        );
        assert_eq!(
            threads.others("002").collect::<Vec<_>>(),
            ["000", "001", "003", "004"]
        );
        assert_eq!(threads.thread_of("000"), Some(0));
        assert_eq!(threads.thread_of("r001"), None);
        assert!(threads.duplicates.is_empty());
    }

    #[test]
    fn a_dump_scraped_twice_is_reported_and_kept_out_of_the_thread() {
        let mut entries = fixture_entries();
        let mut again = entries[1].clone();
        again.article.id = "001-again".into();
        again.article.title = "عنوان آخر".into();
        entries.push(again);
        let threads = group(&entries);
        assert_eq!(
            threads.duplicates,
            [("001".to_string(), "001-again".to_string())]
        );
        assert_eq!(threads.threads[0], SEEDS.map(String::from).to_vec());
        assert_eq!(threads.thread_of("001-again"), None);
    }

    #[test]
    fn same_story_years_apart_is_two_threads() {
        let mut entries = fixture_entries();
        for (e, date) in entries.iter_mut().zip([
            "2015-09-16",
            "2015-09-17",
            "2019-09-16",
            "2019-09-17",
            "2019-09-18",
        ]) {
            e.article.published = Some(Date::parse(date).unwrap());
        }
        let threads = group(&entries);
        assert_eq!(threads.threads[0], ["000", "001"], "{:?}", threads.threads);
        assert_eq!(threads.threads[1], ["002", "003", "004"]);
    }

    /// An item is made for every article at each build, in fresh pages: its date copied (24
    /// bytes), its id and profile borrowed (a profile with the copy of its body key that the
    /// cache's table holds: 32 bytes).
    #[test]
    fn an_item_is_held_in_80_bytes() {
        assert_eq!(std::mem::size_of::<Option<Date>>(), 24);
        assert_eq!(std::mem::size_of::<ProfileRef>(), 32);
        assert_eq!(std::mem::size_of::<Item>(), 80);
    }

    #[test]
    fn others_lists_the_rest_of_the_thread() {
        let threads = Threads {
            threads: vec![
                vec!["x".into(), "y".into()],
                vec!["a".into(), "b".into(), "c".into()],
            ],
            duplicates: vec![],
        };
        assert_eq!(threads.others("b").collect::<Vec<_>>(), ["a", "c"]);
        assert_eq!(threads.others("z").count(), 0);
        assert_eq!(threads.thread_of("c"), Some(1));
    }
}
