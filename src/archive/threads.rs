//! Story threads: the articles of the archive that report one event, whichever outlet wrote
//! them, and the verbatim duplicates (one article scraped twice) to serve once.
//!
//! Two articles are about one event when the TF-IDF cosine of their [`Profile`]s (each
//! article's most frequent search terms and word pairs: the analyzer's normalised, stemmed,
//! variant-mapped words, title counted twice) reaches [`THRESHOLD`] and, when both are dated, they are at most [`PAIR_WINDOW_DAYS`] apart. Threads
//! are the groups such links join, strongest links first, as long as a thread stays within
//! [`MAX_THREAD`] articles and [`MAX_SPAN_DAYS`] days: without those caps a chain of related
//! reports (or an archive of one long war) would merge into a single thread.
//!
//! Nothing compares all pairs. Each article is indexed under its [`SIGNATURE`] heaviest terms;
//! it is compared only with articles sharing two of them, looked up within its date window and
//! at most [`MAX_CANDIDATES_PER_TERM`] per term, so the work grows linearly with the archive.
//!
//! A profile depends on its article alone, so a build keeps profiles between runs and analyses
//! only the dumps that changed; what depends on the whole archive (document frequencies, links,
//! the threads) is recomputed from the profiles every time, so an incremental build groups
//! exactly as a full one. Document frequencies are counted over the profiles, not every word:
//! a term common enough to matter is in many articles' profiles.

use std::cmp::Ordering;
use std::collections::HashMap;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use serde::{Deserialize, Serialize};

use super::Entry;
use crate::arabic::{normalize_into, words};
use crate::parse::Article;
use crate::search::analyzer::for_each_term;
use crate::stable_hash::stable_hash;

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
const PROFILE: usize = 32;

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
    /// For each article in a thread of two or more, the index of its thread in `threads`.
    pub thread_of: HashMap<String, usize>,
    /// Threads of two articles or more, each in the order of the entries given to [`group`],
    /// ordered by their first article.
    pub threads: Vec<Vec<String>>,
    /// `(kept, dropped)`: articles whose normalised body is the same as an earlier entry's
    /// (the same article scraped twice). The dropped ones are in no thread: serve them once.
    pub duplicates: Vec<(String, String)>,
}

impl Threads {
    /// The other articles of `id`'s thread, for "تغطيات أخرى للحدث".
    pub fn others<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.thread_of
            .get(id)
            .map(|&t| self.threads[t].as_slice())
            .unwrap_or_default()
            .iter()
            .map(String::as_str)
            .filter(move |&other| other != id)
    }
}

/// An article's terms weighted and normalised to length 1, sorted by term.
type Vector = Vec<(u32, f32)>;

/// What threads need of one article, computed from it alone: a build keeps it between runs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    /// A hash of the normalised body and its length, `None` when the body has no words:
    /// articles with equal keys are verbatim duplicates. Among the archive's articles a false
    /// match of 64 bits (and a length) is about as likely as a disk error.
    body: Option<(u64, u32)>,
    /// The [`PROFILE`] most frequent terms and word pairs (title counted twice) as
    /// `(term hash, count)`, sorted by hash. 32-bit hashes: two of an archive's terms sharing
    /// one moves a weight a little, and the profiles stay small enough to keep.
    terms: Vec<(u32, u32)>,
}

impl Profile {
    pub fn of(article: &Article) -> Profile {
        let mut text = String::new();
        for paragraph in &article.body {
            for w in words(paragraph) {
                normalize_into(&paragraph[w], &mut text);
                text.push(' ');
            }
        }
        let body = (!text.is_empty()).then(|| (stable_hash(text.as_bytes()), text.len() as u32));
        let mut terms: Vec<(u32, u32)> = term_counts(article)
            .into_iter()
            .map(|(t, n)| ((t ^ (t >> 32)) as u32, n))
            .collect();
        // Most frequent first; among equals the order is the hash's, never the map's.
        terms.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        terms.truncate(PROFILE);
        // Every parsed article's profile is kept until the build ends: without this, each
        // kept the capacity of all its terms (some 9 KB, 0.9 GB over 100,000 articles).
        terms.shrink_to_fit();
        terms.sort_unstable();
        Profile { body, terms }
    }
}

/// One article as [`group_profiles`] sees it.
#[derive(Debug, Clone, Copy)]
pub struct Item<'a> {
    pub id: &'a str,
    /// The publication date (ISO), when known.
    pub published: Option<&'a str>,
    pub profile: &'a Profile,
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
            published: e.article.published.as_deref(),
            profile,
        })
        .collect();
    group_profiles(&items)
}

/// Groups articles known by their profiles: [`group`] without analysing any text.
pub fn group_profiles(items: &[Item]) -> Threads {
    let (kept, duplicates) = verbatim_duplicates(items);
    let profiles: Vec<&Profile> = kept.iter().map(|&i| items[i].profile).collect();
    let vectors = weigh(&profiles);
    let days: Vec<Option<i32>> = kept
        .iter()
        .map(|&i| items[i].published.and_then(day_number))
        .collect();
    let links = links(&vectors, &days);
    let roots = join(kept.len(), &links, &days);

    let mut by_root: HashMap<usize, usize> = HashMap::new();
    let mut threads: Vec<Vec<String>> = Vec::new();
    let sizes = roots.iter().fold(HashMap::new(), |mut m, &r| {
        *m.entry(r).or_insert(0usize) += 1;
        m
    });
    let mut thread_of = HashMap::new();
    for (k, &root) in roots.iter().enumerate() {
        if sizes[&root] < 2 {
            continue;
        }
        let t = *by_root.entry(root).or_insert_with(|| {
            threads.push(Vec::new());
            threads.len() - 1
        });
        let id = items[kept[k]].id.to_owned();
        thread_of.insert(id.clone(), t);
        threads[t].push(id);
    }
    Threads {
        thread_of,
        threads,
        duplicates,
    }
}

/// The items to keep (indices) and the `(kept, dropped)` id pairs of verbatim duplicates.
fn verbatim_duplicates(items: &[Item]) -> (Vec<usize>, Vec<(String, String)>) {
    let mut first: HashMap<(u64, u32), usize> = HashMap::new();
    let mut kept = Vec::with_capacity(items.len());
    let mut duplicates = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match item.profile.body.map(|k| *first.entry(k).or_insert(i)) {
            Some(j) if j != i => duplicates.push((items[j].id.to_owned(), item.id.to_owned())),
            _ => kept.push(i),
        }
    }
    (kept, duplicates)
}

/// Words every report uses, whatever its story (as the analyzer gives them: normalised and
/// stemmed). With a large archive their IDF is near zero anyway; in a small one they would
/// make unrelated articles look alike.
const STOPWORDS: [&str; 62] = [
    "في", "من", "الي", "علي", "عن", "مع", "ان", "انه", "انها", "ما", "لا", "لم", "لن", "قد", "كما",
    "هذا", "هذه", "ذلك", "تلك", "تي", "ذي", "ذين", "حيث", "بين", "بعد", "قبل", "عند", "كل", "او",
    "ثم", "قال", "اضاف", "وفي", "ومع", "وقد", "كان", "كانت", "الا", "اي", "منذ", "خلال", "ضد", "حول",
    "غير", "له", "لها", "هو", "هي", "هم", "نحن", "لكن", "اذا", "فيه", "فيها", "منه", "منها",
    "عليه", "به", "بها", "تم", "ايضا", "نحو",
];

fn is_stopword(t: &str) -> bool {
    STOPWORDS.contains(&t)
        // Single letters and numbers (dates, counts) say nothing of the story either.
        || t.chars().nth(1).is_none()
        || t.bytes().all(|b| b.is_ascii_digit())
}

/// Term and word-pair (shingle) counts of an article, the title's counted twice. Pairs of
/// consecutive words carry names and set phrases (جون كيري, وزير الخارجية) that tell one
/// story from another on the same subject.
fn term_counts(a: &Article) -> FxHashMap<u64, u32> {
    let mut counts = FxHashMap::default();
    let mut add = |text: &str, n: u32| {
        let mut previous: Option<u64> = None;
        for_each_term(text, |t| {
            if is_stopword(t) {
                return;
            }
            // Kept in the build cache and deciding ties between terms: the stable hash.
            let h = stable_hash(t.as_bytes());
            *counts.entry(h).or_insert(0) += n;
            if let Some(p) = previous {
                let pair = p.rotate_left(17) ^ h;
                *counts.entry(pair).or_insert(0) += n;
            }
            previous = Some(h);
        })
    };
    add(&a.title, 2);
    for paragraph in &a.body {
        add(paragraph, 1);
    }
    counts
}

/// TF-IDF vectors (sublinear tf) of the profiles' terms that another profile also has,
/// normalised.
fn weigh(profiles: &[&Profile]) -> Vec<Vector> {
    let mut df: FxHashMap<u32, u32> = FxHashMap::default();
    for p in profiles {
        for &(t, _) in &p.terms {
            *df.entry(t).or_insert(0) += 1;
        }
    }
    let n = profiles.len() as f32;
    profiles
        .par_iter()
        .map(|p| {
            let mut v: Vector = p
                .terms
                .iter()
                .filter(|&(t, _)| df[t] > 1)
                .map(|&(t, tf)| (t, (1.0 + (tf as f32).ln()) * (n / df[&t] as f32).ln()))
                .filter(|&(_, w)| w > 0.0)
                .collect();
            let norm = v.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
            for (_, w) in &mut v {
                *w /= norm;
            }
            v
        })
        .collect()
}

/// Heaviest first, ties by term so that the order never depends on hash-map iteration.
fn by_weight(a: &(u32, f32), b: &(u32, f32)) -> Ordering {
    b.1.total_cmp(&a.1).then(a.0.cmp(&b.0))
}

fn cosine(a: &Vector, b: &Vector) -> f32 {
    let (mut i, mut j, mut dot) = (0, 0, 0.0);
    // Without branches on the comparison: which side moves is unpredictable, and this runs
    // for every compared pair.
    while i < a.len() && j < b.len() {
        let ((ta, wa), (tb, wb)) = (a[i], b[j]);
        dot += if ta == tb { wa * wb } else { 0.0 };
        i += usize::from(ta <= tb);
        j += usize::from(tb <= ta);
    }
    dot
}

/// A link between two articles (indices into the kept entries) at a similarity.
#[derive(Debug, Clone, Copy)]
struct Link {
    a: usize,
    b: usize,
    similarity: f32,
}

/// The pairs at or above [`THRESHOLD`], found through shared signature terms.
fn links(vectors: &[Vector], days: &[Option<i32>]) -> Vec<Link> {
    // Each term's articles as (day, index), dated ones by date then undated, and where each
    // article is in the lists of its signature terms: its date window is around that place,
    // found by walking a few neighbours instead of searching a list of thousands.
    let mut postings: FxHashMap<u32, Vec<(i32, u32)>> = FxHashMap::default();
    let signatures: Vec<Vec<u32>> = vectors
        .iter()
        .map(|v| {
            let mut s = v.clone();
            s.sort_unstable_by(by_weight);
            s.into_iter().take(SIGNATURE).map(|(t, _)| t).collect()
        })
        .collect();
    for (i, s) in signatures.iter().enumerate() {
        let day = days[i].unwrap_or(UNDATED);
        for &t in s {
            postings.entry(t).or_default().push((day, i as u32));
        }
    }
    let mut places: Vec<[u32; SIGNATURE]> = vec![[0; SIGNATURE]; signatures.len()];
    for (t, list) in postings.iter_mut() {
        list.sort_unstable();
        for (place, &(_, i)) in list.iter().enumerate() {
            let i = i as usize;
            if let Some(k) = signatures[i].iter().position(|s| s == t) {
                places[i][k] = place as u32;
            }
        }
    }

    let mut links: Vec<Link> = signatures
        .par_iter()
        .enumerate()
        .flat_map_iter(|(a, signature)| {
            // Candidates counted by sorting: a few hundred indices sort faster than they hash.
            // A dated article's candidates are all dated, so it owns the pairs with later ones.
            let dated = days[a].is_some();
            let mut seen: Vec<usize> = signature
                .iter()
                .zip(places[a])
                .flat_map(|(t, place)| candidates(&postings[t], place as usize))
                .map(|&(_, b)| b as usize)
                .filter(|&b| if dated { b > a } else { owns(a, b, days) })
                .collect();
            seen.sort_unstable();
            let mut pairs: Vec<(usize, u32)> = seen
                .chunk_by(|x, y| x == y)
                .filter(|run| run.len() >= 2)
                .map(|run| (run[0], run.len() as u32))
                .collect();
            // Most shared signature terms first: the cosine of the rest is not computed.
            pairs.sort_unstable_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
            pairs.truncate(MAX_COMPARED);
            let mut found: Vec<Link> = pairs
                .into_iter()
                .map(|(b, _)| Link {
                    a,
                    b,
                    similarity: cosine(&vectors[a], &vectors[b]),
                })
                .filter(|l| l.similarity >= THRESHOLD)
                .filter(|l| match (days[l.a], days[l.b]) {
                    (Some(x), Some(y)) => (x - y).abs() <= PAIR_WINDOW_DAYS,
                    _ => true,
                })
                .collect();
            found.sort_unstable_by_key(|l| l.b);
            found
        })
        .collect();
    links.sort_by(|x, y| {
        y.similarity
            .total_cmp(&x.similarity)
            .then((x.a, x.b).cmp(&(y.a, y.b)))
    });
    links
}

/// Whether the pair is `a`'s to compare: each pair is compared once, and a pair with one
/// undated article by the undated one (the dated one does not look it up).
fn owns(a: usize, b: usize, days: &[Option<i32>]) -> bool {
    match (days[a].is_some(), days[b].is_some()) {
        (true, false) => false,
        (false, true) => true,
        _ => a < b,
    }
}

/// The day of an undated article in the postings: after every date.
const UNDATED: i32 = i32::MAX;

/// The part of a term's list (sorted by day, undated last) that the article at `place` in it
/// is compared with: the articles within its date window, or for an undated one all; at most
/// [`MAX_CANDIDATES_PER_TERM`], nearest in time first for a dated one.
fn candidates(list: &[(i32, u32)], place: usize) -> &[(i32, u32)] {
    let day = list[place].0;
    if day == UNDATED {
        return &list[..list.len().min(MAX_CANDIDATES_PER_TERM)];
    }
    // Undated articles are left to look dated ones up, which they do without a window.
    let mut from = place;
    let earliest = place.saturating_sub(MAX_CANDIDATES_PER_TERM);
    while from > earliest && list[from - 1].0 >= day - PAIR_WINDOW_DAYS {
        from -= 1;
    }
    let mut to = place + 1;
    let latest = (place + 1 + MAX_CANDIDATES_PER_TERM).min(list.len());
    while to < latest && list[to].0 <= day + PAIR_WINDOW_DAYS {
        to += 1;
    }
    if to - from <= MAX_CANDIDATES_PER_TERM {
        return &list[from..to];
    }
    let start = place
        .saturating_sub(MAX_CANDIDATES_PER_TERM / 2)
        .max(from)
        .min(to - MAX_CANDIDATES_PER_TERM);
    &list[start..start + MAX_CANDIDATES_PER_TERM]
}

/// Union-find over the links, strongest first, refusing a union that would make a thread
/// larger than [`MAX_THREAD`] or longer than [`MAX_SPAN_DAYS`]. Returns each article's root.
fn join(n: usize, links: &[Link], days: &[Option<i32>]) -> Vec<usize> {
    struct Set {
        parent: usize,
        size: usize,
        first: Option<i32>,
        last: Option<i32>,
    }
    let mut sets: Vec<Set> = (0..n)
        .map(|i| Set {
            parent: i,
            size: 1,
            first: days[i],
            last: days[i],
        })
        .collect();
    fn root(sets: &mut [Set], mut i: usize) -> usize {
        while sets[i].parent != i {
            let up = sets[sets[i].parent].parent;
            sets[i].parent = up;
            i = up;
        }
        i
    }
    for l in links {
        let (x, y) = (root(&mut sets, l.a), root(&mut sets, l.b));
        if x == y || sets[x].size + sets[y].size > MAX_THREAD {
            continue;
        }
        let first = opt_min(sets[x].first, sets[y].first);
        let last = opt_max(sets[x].last, sets[y].last);
        if let (Some(f), Some(l)) = (first, last)
            && l - f > MAX_SPAN_DAYS
        {
            continue;
        }
        let (big, small) = if sets[x].size >= sets[y].size {
            (x, y)
        } else {
            (y, x)
        };
        sets[small].parent = big;
        sets[big].size += sets[small].size;
        sets[big].first = first;
        sets[big].last = last;
    }
    (0..n).map(|i| root(&mut sets, i)).collect()
}

fn opt_min(a: Option<i32>, b: Option<i32>) -> Option<i32> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        _ => a.or(b),
    }
}

fn opt_max(a: Option<i32>, b: Option<i32>) -> Option<i32> {
    a.max(b)
}

/// Days since 1970-01-01 of an ISO date (`YYYY-MM-DD`, anything after ignored).
fn day_number(date: &str) -> Option<i32> {
    let y: i32 = date.get(0..4)?.parse().ok()?;
    let m: u32 = date.get(5..7)?.parse().ok()?;
    let d: u32 = date.get(8..10)?.parse().ok()?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    i32::try_from(crate::parse::dates::days_from_civil(y, m, d)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::Article;

    #[test]
    fn day_numbers() {
        assert_eq!(day_number("1970-01-01"), Some(0));
        assert_eq!(day_number("2015-09-16"), Some(16_694));
        assert_eq!(day_number("2015-09-18T16:41"), Some(16_696));
        assert_eq!(day_number("2016-03-01"), Some(16_861));
        assert_eq!(day_number("2000-02-29"), Some(11_016));
        assert_eq!(day_number("2015"), None);
        assert_eq!(day_number("2015-13-01"), None);
        assert_eq!(day_number("٢٠١٥-09-16"), None);
    }

    fn entry(id: &str, published: Option<&str>, title: &str, body: &[&str]) -> Entry {
        Entry {
            article: Article {
                id: id.into(),
                title: title.into(),
                published: published.map(String::from),
                body: body.iter().map(|s| s.to_string()).collect(),
                ..Article::default()
            },
            note: None,
            overridden: vec![],
            text: String::new(),
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
                profile,
            })
            .collect();
        let (kept, dups) = verbatim_duplicates(&items);
        assert_eq!(kept, [0, 2, 3, 4]);
        assert_eq!(dups, [("a".to_string(), "b".to_string())]);
    }

    #[test]
    fn candidates_stay_in_the_date_window() {
        let days = [Some(100), Some(95), Some(110), Some(103), None, Some(92)];
        let mut list: Vec<(i32, u32)> = (0..days.len())
            .map(|i| (days[i].unwrap_or(UNDATED), i as u32))
            .collect();
        list.sort_unstable();
        let ids = |article: u32| {
            let place = list.iter().position(|&(_, i)| i == article).unwrap();
            candidates(&list, place)
                .iter()
                .map(|&(_, i)| i)
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(0), [1, 0, 3]);
        assert_eq!(ids(4), [5, 1, 0, 3, 2, 4]);
    }

    #[test]
    fn a_chain_of_links_stops_at_the_span_cap() {
        // Five articles a week apart, each linked to the next: one thread would span 28 days.
        let days: Vec<_> = (0..5).map(|k| Some(k * 7)).collect();
        let links: Vec<Link> = (0..4)
            .map(|k| Link {
                a: k,
                b: k + 1,
                similarity: 0.9 - k as f32 * 0.1,
            })
            .collect();
        let roots = join(5, &links, &days);
        assert_eq!(roots[0], roots[3]);
        assert_ne!(roots[3], roots[4]);
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
        let vectors = weigh(&profiles.iter().collect::<Vec<_>>());
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
        assert_eq!(threads.thread_of["000"], 0);
        assert_eq!(threads.thread_of.get("r001"), None);
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
        assert_eq!(threads.thread_of.get("001-again"), None);
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
            e.article.published = Some(date.into());
        }
        let threads = group(&entries);
        assert_eq!(threads.threads[0], ["000", "001"], "{:?}", threads.threads);
        assert_eq!(threads.threads[1], ["002", "003", "004"]);
    }

    #[test]
    fn others_lists_the_rest_of_the_thread() {
        let threads = Threads {
            thread_of: [("a", 0), ("b", 0), ("c", 0)]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
            threads: vec![vec!["a".into(), "b".into(), "c".into()]],
            duplicates: vec![],
        };
        assert_eq!(threads.others("b").collect::<Vec<_>>(), ["a", "c"]);
        assert_eq!(threads.others("z").count(), 0);
    }
}
