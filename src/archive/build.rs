//! The build: every file's result (reused or parsed in parallel and handed to a [`Sink`]),
//! then the captures of one address gathered, threads, duplicates and `about.md` over all of
//! them, and the archive assembled. [`build`] does it in memory; [`super::incremental`] saves
//! it.

use std::collections::HashMap;
use std::fs;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use super::ArchiveError;
use super::build_cache::Stamp;
use super::dump::{DumpReadError, build_one, start_ahead};
use super::entry::{Entry, OtherCapture};
use super::model::{Archive, Part, reading_order};
use super::report::{BuildReport, Problem, Said};
use super::results::{Results, WholeResult};
use super::scan::{Dump, scan};
use super::store::{PartRef, Parts, Store};
use super::str_order;
use super::threads::{self, Profile};
use super::{read_ahead, read_once};
use crate::capture::Format;
use crate::parse::BodyKeys;
use crate::search::ArticleTerms;
pub(super) use ids::Ids;
use ids::{given_by_name, kept_ids};
pub(super) use taken::{Still, taken_with};
pub(super) use threads_at::{Joining, Keep, ThreadsAt};
#[cfg(test)]
pub(super) use walked::placed as walked_placed;
pub(super) use walked::{Placed, walked};

mod heads;
mod ids;
mod taken;
mod threads_at;
mod walked;

/// One file's result in this build.
pub(super) struct Done {
    pub(super) name: String,
    pub(super) stamp: Option<Stamp>,
    /// Boxed: few dumps have an override, and a result is held for each of a million.
    pub(super) over: Option<Box<Stamp>>,
    /// Each article (one for a dump or a saved page, one per page of a crawl), where its
    /// parts are, and its thread profile.
    pub(super) outcomes: Results,
    /// Its problems, and a crawl's records that are not pages, by kind.
    pub(super) said: Said,
    /// Its place among the dumps of the cache it was taken from, when reused (taken as it
    /// was, not parsed again).
    pub(super) from_cache: Option<u32>,
}

impl Done {
    /// The place of a file still to parse.
    pub(super) fn placeholder() -> Done {
        Done {
            name: String::new(),
            stamp: None,
            over: None,
            outcomes: Results::default(),
            said: Said::default(),
            from_cache: None,
        }
    }

    /// Whether the build cache holds it: only results whose parts are all in the store.
    pub(super) fn is_cached(&self) -> bool {
        self.stamp.is_some() && self.outcomes.stored()
    }

    /// Every entry whole, each decoded once from the cache where it was read light: for a
    /// build that writes every entry out again.
    pub(super) fn make_whole(&mut self) -> Result<(), ArchiveError> {
        self.outcomes.make_whole().map_err(cache_damaged)
    }
}

/// Where one article is among the results: the file's index and the entry's within it.
pub(super) type At = (usize, usize);

/// Where a build puts each newly parsed article's heavy parts (and its search document).
pub(super) trait Sink: Sync {
    /// Indexes `entry`, whose title's and body's search terms are `terms` (made with its
    /// thread profile), and gives it back light with its parts, for [`Sink::store`].
    fn index(&self, entry: Entry, terms: ArticleTerms) -> Result<(Entry, Parts), ArchiveError>;

    /// Keeps the parts of the article `id`, indexed before.
    fn store(&self, id: &str, parts: Parts) -> Result<Part, ArchiveError>;
}

/// Parts kept with the entries: an archive built for the moment, not saved.
struct MemorySink;

impl Sink for MemorySink {
    fn index(&self, entry: Entry, _: ArticleTerms) -> Result<(Entry, Parts), ArchiveError> {
        Ok(entry.split())
    }

    fn store(&self, _: &str, parts: Parts) -> Result<Part, ArchiveError> {
        Ok(Part::Memory(parts))
    }
}

/// Every dump's result, each in its place (`placed`: reused from the cache when the dump and
/// its override are unchanged, else a placeholder and its dump, [`walked`] or
/// [`super::told`]), the others parsed (in parallel) and handed to `sink`; and each file's
/// id: a reused result keeps the one the cache holds where the last build gave every file
/// its name's and no new name's id meets another's ([`kept_ids`]), else every file's is
/// given again by name (a warning for those made unique: [`super::scan::assign_ids`]). The
/// places of the results parsed are given back, in order.
pub(super) fn collect(
    dir: &Path,
    placed: Placed,
    sink: &dyn Sink,
) -> Result<(Vec<Done>, Ids, Vec<usize>), ArchiveError> {
    let Placed {
        mut done,
        to_parse,
        as_named,
    } = placed;
    let parsed_at = to_parse.iter().map(|(i, _)| *i).collect();
    let kept = as_named.then(|| kept_ids(&done, &to_parse)).flatten();
    let (fresh, ids) = match kept {
        Some(fresh) => (fresh, Ids::kept()),
        None => given_by_name(&mut done, &to_parse),
    };
    let progress = progress_bar(to_parse.len());
    let root = fs::canonicalize(dir).ok();
    // Each thread takes runs of consecutive dumps and reads each a few ahead of its parse
    // ([`read_ahead`]), so that it does not wait for the disk.
    let to_parse = to_parse
        .into_iter()
        .zip(fresh)
        .map(|((i, d), id)| (i, d, id));
    let to_parse: Vec<_> = to_parse.collect();
    // Whether the dumps read from the disk stay in the page cache ([`read_once::Cache`]).
    let bytes = to_parse
        .iter()
        .filter_map(|(_, d, _)| d.stamp.map(|s| s.file_len()))
        .sum();
    let cache = read_once::Cache::for_build(bytes);
    let runs = read_ahead::Runs::new(to_parse, read_ahead::RUN);
    let start = |(_, d, _): &(usize, Dump, String)| {
        let path = d.path_in(dir);
        let listed = d.stamp.map(|s| s.file_len());
        let started = start_ahead(&path, d.format, d.is_link, listed, cache);
        (path, started)
    };
    type Started = Option<Result<read_once::Started, DumpReadError>>;
    let parse = |((i, d, id), (path, started)): ((usize, Dump, String), (PathBuf, Started))|
     -> Result<(usize, Done), ArchiveError> {
        let result = build_one(
            root.as_deref(),
            &path,
            d.is_link,
            d.format,
            d.over.is_some(),
            started,
        );
        let mut outcomes = Vec::with_capacity(result.entries.len());
        for mut entry in result.entries {
            // A crawled page's id is its address's.
            if entry.provenance.origin.format != Format::Warc {
                entry.article.id.clone_from(&id);
            }
            // The keys of the body this thread has just parsed: those of this article's
            // paragraphs that are as parsed spare the analyzer their split and fold.
            let (profile, terms) =
                BodyKeys::with_last(|keys| Profile::with_terms_keyed(&entry.article, keys));
            let (light, parts) = sink.index(entry, terms)?;
            // Stored once indexed. Held to be framed after the worker's parse (session 45),
            // a worker's last 48 MB of parts cost 100 MB of peak and 26,000 page faults at
            // 10,000 and saved no CPU once two indexing threads kept both cores busy to the
            // end (notes/build-bench.md, session 50).
            let part = sink.store(&light.article.id, parts)?;
            outcomes.push((light, part, profile));
        }
        progress.inc(1);
        Ok((
            i,
            Done {
                name: d.name,
                stamp: d.stamp,
                over: d.over,
                outcomes: Results::Whole(outcomes),
                said: Said::new(result.problems, result.skipped),
                from_cache: None,
            },
        ))
    };
    // One walk over the runs on each of rayon's threads.
    let parsed: Vec<Result<Vec<(usize, Done)>, ArchiveError>> = rayon::broadcast(|_| {
        let parsed: Result<Vec<_>, ArchiveError> =
            read_ahead::ahead(runs.items(), read_ahead::DEPTH, &start)
                .map(&parse)
                .collect();
        if parsed.is_err() {
            runs.stop();
        }
        parsed
    });
    progress.finish_and_clear();
    for parsed in parsed {
        for (i, d) in parsed? {
            done[i] = d;
        }
    }
    Ok((done, ids, parsed_at))
}

/// A bar on stderr while dumps are parsed, when stderr is a terminal and there are enough of
/// them to wait for; hidden otherwise.
fn progress_bar(len: usize) -> ProgressBar {
    if len < 1000 || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len as u64);
    bar.set_style(
        ProgressStyle::with_template("parsing {bar:40} {human_pos}/{human_len} files, {eta} left")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

/// What the whole archive is made of once every file has its result.
pub(super) struct Assembled {
    /// The articles served (other captures and dropped duplicates left out). Shared: without
    /// duplicates they are every article, which the threads are named from beside.
    pub(super) served: Arc<Vec<At>>,
    /// The other captures of a served article's address, newest first.
    pub(super) others: HashMap<At, Vec<At>>,
    /// The threads, each article where its result is: named where it is written.
    pub(super) threads: ThreadsAt,
    /// The thread that joins the threads and then keeps the grouping, when this build was
    /// asked to keep it ([`Again`]).
    pub(super) grouping: Option<Joining>,
    pub(super) aliases: HashMap<String, String>,
    pub(super) about: Option<String>,
}

/// Every article of the results, in file order.
pub(super) fn every_article(done: &[Done]) -> impl Iterator<Item = At> + '_ {
    done.iter()
        .enumerate()
        .flat_map(|(i, d)| (0..d.outcomes.len()).map(move |j| (i, j)))
}

/// The captures of one address gathered: each id's newest capture (then the one read last)
/// is the article, in file order; the map gives each such article its other captures,
/// newest first. Ids are unique but for a crawled address fetched more than once. Called
/// only when some id is not its file's name: without a crawl's page every id is a file's,
/// none is seen twice, and a sort of a million ids is not needed to tell (a numbered dump's
/// id is its name's hash, not in name order).
fn gather_captures(done: &[Done]) -> (Vec<At>, HashMap<At, Vec<At>>) {
    let id = |(i, j): At| done[i].outcomes.id(j);
    // Files come in name order, and a dump's id is made from its name: when the ids come in
    // strictly rising order too, no id is seen twice.
    let mut ids = every_article(done).map(id);
    let mut last = ids.next();
    if ids.all(|id| last.replace(id) < Some(id)) {
        return (every_article(done).collect(), HashMap::new());
    }
    // The ids seen more than once, each with its captures in file order: the articles sorted
    // by id ([`str_order`], the ids reached only where their first bytes tie), the groups
    // being runs of one id. A map of every id was a million strings hashed and inserted at
    // random places of a table out of the caches.
    let mut by_id: Vec<(u64, At)> = every_article(done)
        .map(|at| (str_order::prefix(id(at).as_bytes()), at))
        .collect();
    str_order::par_sort(&mut by_id, |&a, &b| (id(a), a).cmp(&(id(b), b)));
    let id_of = |k: usize| id(by_id[k].1);
    let mut repeated: Vec<Vec<At>> = Vec::new();
    let mut k = 0;
    while k < by_id.len() {
        let mut end = k + 1;
        while end < by_id.len() && by_id[end].0 == by_id[k].0 && id_of(end) == id_of(k) {
            end += 1;
        }
        if end - k > 1 {
            repeated.push(by_id[k..end].iter().map(|&(_, at)| at).collect());
        }
        k = end;
    }
    drop(by_id);
    let newest_first = |a: &At, b: &At| {
        let key = |(i, j): At| done[i].outcomes.captured(j).map(|c| (c.utc_wall(), c));
        (key(*b), *b).cmp(&(key(*a), *a))
    };
    let mut others = HashMap::new();
    for mut group in repeated {
        group.sort_by(newest_first);
        let newest = group.remove(0);
        others.insert(newest, group);
    }
    let dropped: FxHashSet<At> = others.values().flatten().copied().collect();
    let articles = every_article(done)
        .filter(|at| !dropped.contains(at))
        .collect();
    (articles, others)
}

/// Article `j` of `d` as the threads see it; `saved`: the grouping was saved beside the
/// cache a reused dump came from, and every id is its file's name (see
/// [`threads::Item::unchanged`]).
fn item_of(d: &Done, j: usize, saved: bool) -> threads::Item<'_> {
    threads::Item {
        id: d.outcomes.id(j),
        published: d.outcomes.published(j),
        profile: d.outcomes.profile(j),
        unchanged: saved && d.from_cache.is_some(),
    }
}

/// What [`assemble`] groups again from, for a build that keeps its grouping.
pub(super) struct Again {
    /// The last build's grouping, if it could be read.
    pub(super) previous: Option<threads::Grouping>,
    /// It was saved beside the cache read (see [`threads::Item::unchanged`]).
    pub(super) saved: bool,
    /// What keeps the new one, on the thread that joins its threads.
    pub(super) keep: Keep,
}

/// Captures, threads, duplicates and `about.md` over all results; skipped records and the
/// problems found here (not the files': [`BuildReport::put_files_first`]). With `again`,
/// threads are grouped again from its grouping, and joined on a thread of their own that
/// then keeps the new one ([`ThreadsAt::beside`]).
pub(super) fn assemble(
    dir: &Path,
    done: &[Done],
    ids: &[(String, Option<String>)],
    report: &mut BuildReport,
    again: Option<Again>,
) -> Assembled {
    let saved = again.as_ref().is_some_and(|g| g.saved);
    // One pass over the results for what every file and article gives (on both cores):
    // the skipped records, the warnings, whether every id is its file's name, each
    // article's place and its item. Each was a pass of its own, every article's head
    // reached from its file's result at each (five at a million articles, and a vector of
    // places made twice).
    let heads::Heads {
        named,
        mut articles,
        mut items,
    } = heads::heads(done, ids, saved, report);
    // Ids not all their files' names (a crawl's pages, or some made unique): the captures of
    // one address gathered, and none of the items held as it was.
    let mut others = HashMap::new();
    if !named {
        (articles, others) = gather_captures(done);
        items = articles
            .iter()
            .map(|&(i, j)| item_of(&done[i], j, false))
            .collect();
    }
    let id = |(i, j): At| done[i].outcomes.id(j);
    let articles = Arc::new(articles);
    // Grouped again, each threaded article's place named as its thread is made, in the order
    // of the places: each thread's articles looked up in `articles` afterwards were a read out
    // of the caches an article, at a million articles. The duplicates are known once grouped;
    // the threads are joined and named beside what follows.
    let (threads, grouping, duplicates) = match again {
        Some(Again { previous, keep, .. }) => {
            let (duplicates, unjoined) = threads::regroup(&items, previous);
            let shared = Arc::clone(&articles);
            let (threads, joining) = ThreadsAt::beside(unjoined, shared, keep, named);
            (threads, Some(joining), duplicates)
        }
        None => {
            let grouped = threads::group_profiles(&items);
            let threads = threads::named(&grouped.threads, |k| articles[k as usize]);
            (ThreadsAt::Made(threads), None, grouped.duplicates)
        }
    };

    // The same article scraped twice is served once; its other id points to the kept copy.
    let mut aliases = HashMap::new();
    if !duplicates.is_empty() {
        // The files of the few ids named, not a map of every article's.
        let named: FxHashSet<&str> = duplicates
            .iter()
            .flat_map(|(kept, dropped)| [kept.as_str(), dropped.as_str()])
            .collect();
        let sources: FxHashMap<&str, &str> = articles
            .iter()
            .map(|&(i, j)| (id((i, j)), done[i].name.as_str()))
            .filter(|(id, _)| named.contains(id))
            .collect();
        let source_of = |id: &str| sources.get(id).map_or(id, |s| *s).to_string();
        for (kept, dropped) in duplicates {
            report.problems.push(Problem {
                file: source_of(&dropped),
                message: format!(
                    "the same article as {}; served once, as {kept}",
                    source_of(&kept)
                ),
                is_error: false,
            });
            aliases.insert(dropped, kept);
        }
    }
    // Without duplicates every article is served: no pass reaching each one's id.
    let served = match aliases.is_empty() {
        true => articles,
        false => Arc::new(
            (articles.iter().copied())
                .filter(|&at| !aliases.contains_key(id(at)))
                .collect(),
        ),
    };

    let about = match fs::read_to_string(dir.join("about.md")) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => {
            report.problems.push(Problem {
                file: "about.md".into(),
                message: format!("cannot read: {e}"),
                is_error: true,
            });
            None
        }
    };
    Assembled {
        served,
        others,
        threads,
        grouping,
        aliases,
        about,
    }
}

/// The archive of the served results, each with its other captures listed and their parts
/// kept for their source views; not indexed ([`Archive::indexed`] before serving it).
///
/// Each file's results made whole (a reused dump's decoded from the cache), then each result
/// moved once: the served straight into their places in reading order, then the few other
/// captures (with their file's name) given to their article. Neither a vector per article
/// nor a copy of every file's name is made (at a million files, both were most of putting the
/// archive together).
pub(super) fn into_archive(
    done: Vec<Done>,
    a: Assembled,
    store: Option<Store>,
) -> Result<Archive, ArchiveError> {
    let threads = threads::named(a.threads.get(), |(i, j)| done[i].outcomes.id(j).to_owned());
    let mut done: Vec<(String, Vec<WholeResult>)> = done
        .into_par_iter()
        .map(|d| Ok((d.name, d.outcomes.into_whole().map_err(cache_damaged)?)))
        .collect::<Result<_, ArchiveError>>()?;
    let order = reading_order(a.served.len(), |k| {
        let (i, j) = a.served[k];
        let entry = &done[i].1[j].0;
        (entry.article.published, entry.article.id.as_str())
    });
    // Each served result taken straight into its place in reading order: moved once, rather
    // than gathered in file order and then permuted in place (at a million entries of some
    // 550 bytes, each swap of the permutation was two places out of the caches).
    let mut entries = Vec::with_capacity(order.len());
    let mut parts_of = Vec::with_capacity(order.len());
    // Where each article with other captures is among the entries.
    let mut place_of: FxHashMap<At, usize> = FxHashMap::default();
    for k in order {
        let at = a.served[k];
        if !a.others.is_empty() && a.others.contains_key(&at) {
            place_of.insert(at, entries.len());
        }
        let (entry, part, _) = &mut done[at.0].1[at.1];
        entries.push(std::mem::take(entry));
        parts_of.push(std::mem::replace(part, Part::Stored(PartRef::NOWHERE)));
    }
    // The few other captures, each given to its article with its file's name.
    let mut other_parts = HashMap::new();
    for (at, others) in &a.others {
        let Some(&place) = place_of.get(at) else {
            continue;
        };
        let mut parts = Vec::with_capacity(others.len());
        for &(i, j) in others {
            let (name, outcomes) = &mut done[i];
            let (other, part, _) = &mut outcomes[j];
            entries[place].provenance.others.push(OtherCapture {
                source: name.clone(),
                origin: std::mem::take(&mut other.provenance.origin),
            });
            parts.push(std::mem::replace(part, Part::Stored(PartRef::NOWHERE)));
        }
        other_parts.insert(entries[place].article.id.clone(), parts);
    }
    drop(done);
    let mut archive = Archive::ordered(entries, parts_of, a.about, store);
    archive.threads = threads;
    archive.aliases = a.aliases;
    archive.other_parts = other_parts;
    Ok(archive)
}

/// A build cache's entry that could be read light but not whole.
pub(super) fn cache_damaged(e: postcard::Error) -> ArchiveError {
    ArchiveError::Corrupt {
        path: super::build_cache::FILE_NAME.into(),
        reason: e.to_string(),
    }
}

pub(super) fn finish_report(report: &mut BuildReport, archive: &Archive) {
    report.articles = archive.len();
    report.dated = archive.dated;
}

/// Parses every dump, saved page and crawl under `dir` (in parallel), applies overrides and
/// orders the lot, in memory (nothing is written). A bad file is reported and skipped; only
/// an unreadable folder fails the build.
pub fn build(dir: &Path) -> Result<(Archive, BuildReport), ArchiveError> {
    let dumps = scan(dir)?;
    let mut report = BuildReport {
        files_read: dumps.len(),
        ..BuildReport::default()
    };
    let (mut done, ids, _) = collect(dir, walked(dumps, None), &MemorySink)?;
    let assembled = assemble(dir, &done, &ids.given, &mut report, None);
    report.put_files_first(done.iter_mut().filter_map(|d| d.said.problems_mut()));
    let archive = into_archive(done, assembled, None)?.indexed();
    finish_report(&mut report, &archive);
    Ok((archive, report))
}
