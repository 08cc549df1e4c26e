//! The collection: every dump of a folder parsed, overridden, ordered, and compiled into a
//! file that the server loads without parsing anything again.
//!
//! A build folder holds the compiled archive (light records: [`compiled`]), the articles'
//! bodies and dump texts ([`store`], read one article at a time), the search index, and the
//! build cache ([`cache`]) that lets the next build parse only what changed. Bodies go to the
//! store and the index as dumps are parsed, so memory holds the light records, not the text.

pub mod cache;
pub mod compiled;
pub mod facets;
pub mod id;
pub mod overrides;
pub mod store;
pub mod threads;

use std::collections::{HashMap, HashSet};
use std::ffi::OsString;
use std::fs;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::parse::{self, Article};
use crate::search::IndexWriter;
use cache::{Cache, CachedRef, Stamp};
use overrides::Override;
use store::{PartRef, Parts, Store, StoreWriter};
use threads::Profile;

/// What can go wrong with the collection as a whole (a single bad dump is not one of them:
/// it becomes a [`Problem`] in the report and the build goes on).
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error("cannot read the articles folder {path}: {source}")]
    ReadDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write the compiled archive {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot read the compiled archive {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the compiled archive {path} is unreadable ({reason}); rebuild it with `arshif build`")]
    Corrupt { path: PathBuf, reason: String },
    #[error(transparent)]
    Search(#[from] crate::search::SearchError),
}

/// One article of the archive with what the server needs beside the record.
///
/// The archive's listings hold light entries, without the body and the text: see [`Archive`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    pub article: Article,
    /// The archivist's note (Markdown) from the override file.
    pub note: Option<String>,
    /// The record fields an override set.
    pub overridden: Vec<String>,
    /// The dump as decoded, served as the article's source for provenance.
    pub text: String,
}

/// A per-file message of the build report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    pub file: String,
    pub message: String,
    /// An error lost the file's article (or its override); a warning did not.
    pub is_error: bool,
}

/// What a build read and made, for the report printed after it.
#[derive(Debug, Default)]
pub struct BuildReport {
    pub files_read: usize,
    /// Files whose result the build cache gave (unchanged since the last build, not parsed).
    pub reused: usize,
    /// How long each step took, in order (for `arshif build --timings`).
    pub timings: Vec<(&'static str, Duration)>,
    pub articles: usize,
    pub dated: usize,
    pub problems: Vec<Problem>,
}

impl BuildReport {
    /// Records that `step` took the time since `since`, and restarts the clock.
    fn lap(&mut self, step: &'static str, since: &mut Instant) {
        self.timings.push((step, since.elapsed()));
        *since = Instant::now();
    }

    pub fn errors(&self) -> usize {
        self.problems.iter().filter(|p| p.is_error).count()
    }

    /// The report as printed after a build: a summary line, then one line per problem.
    pub fn render(&self) -> String {
        let reused = match self.reused {
            0 => String::new(),
            n => format!(" ({n} unchanged, not parsed again)"),
        };
        let mut s = format!(
            "read {} files{reused}, built {} articles ({} dated, {} undated), {} errors, {} warnings\n",
            self.files_read,
            self.articles,
            self.dated,
            self.articles - self.dated,
            self.errors(),
            self.problems.len() - self.errors(),
        );
        for p in &self.problems {
            let kind = if p.is_error { "error" } else { "warning" };
            s += &format!("  {kind}: {}: {}\n", p.file, p.message);
        }
        s
    }
}

/// Where `build` writes and `serve` looks when no build folder is given.
pub const DEFAULT_BUILD_DIR: &str = "target/arshif";

/// The search index's folder beside a compiled archive.
pub fn search_dir(compiled_path: &Path) -> PathBuf {
    compiled_path.with_file_name("search")
}

/// The archive the server should serve: the compiled file when it is current, else a fresh
/// build of `articles` (saved for next time). The report is `Some` when a build ran.
pub fn load_or_build(
    articles: &Path,
    compiled_path: &Path,
) -> Result<(Archive, Option<BuildReport>), ArchiveError> {
    if !compiled::is_stale(compiled_path, articles)
        && search_dir(compiled_path).is_dir()
        && let Ok(archive) = compiled::load(compiled_path)
    {
        return Ok((archive, None));
    }
    let (archive, report) = build_and_save(articles, compiled_path)?;
    Ok((archive, Some(report)))
}

/// Where an entry's [`Parts`] are: with it (an archive built in memory) or in the store.
#[derive(Debug, Clone)]
pub(crate) enum Part {
    Memory(Parts),
    Stored(PartRef),
}

/// The loaded archive.
///
/// `entries` is in reading order: dated articles oldest first, then the undated ones by id.
/// The index walks the dated part backwards for "newest first".
///
/// The entries it lists are light: each article's `body` and the entry's `text` are left
/// out (in the store beside the compiled file when the archive was loaded from one), so that
/// a large archive takes little memory. [`Archive::get`] gives an entry whole.
#[derive(Debug, Default)]
pub struct Archive {
    entries: Vec<Entry>,
    parts: Vec<Part>,
    store: Option<Store>,
    dated: usize,
    about: Option<String>,
    /// Story threads (ids of two or more articles reporting one event).
    threads: Vec<Vec<String>>,
    /// Ids of verbatim duplicates that were dropped, to the id of the copy that is served:
    /// a link to either keeps working.
    aliases: HashMap<String, String>,
    by_id: HashMap<String, usize>,
    thread_of: HashMap<String, usize>,
    facets: facets::Facets,
}

impl Entry {
    /// The entry without its heavy parts, and the parts.
    fn split(mut self) -> (Entry, Parts) {
        let parts = Parts {
            body: std::mem::take(&mut self.article.body),
            text: std::mem::take(&mut self.text),
        };
        (self, parts)
    }
}

impl Archive {
    /// Builds an archive from entries in any order (sorting them and indexing ids).
    pub fn from_entries(entries: Vec<Entry>, about: Option<String>) -> Self {
        let entries = entries
            .into_iter()
            .map(|e| {
                let (light, parts) = e.split();
                (light, Part::Memory(parts))
            })
            .collect();
        Archive::from_parts(entries, about, None)
    }

    /// Builds an archive from light entries and where their parts are.
    pub(crate) fn from_parts(
        mut entries: Vec<(Entry, Part)>,
        about: Option<String>,
        store: Option<Store>,
    ) -> Self {
        entries.sort_by(|(a, _), (b, _)| {
            let (a, b) = (&a.article, &b.article);
            // `None` sorts first in Option's order; undated go last, so compare on is_none.
            (a.published.is_none(), &a.published, &a.id).cmp(&(
                b.published.is_none(),
                &b.published,
                &b.id,
            ))
        });
        let dated = entries
            .iter()
            .take_while(|(e, _)| e.article.published.is_some())
            .count();
        let (entries, parts) = entries.into_iter().unzip();
        let mut archive = Archive {
            entries,
            parts,
            store,
            dated,
            about,
            ..Archive::default()
        };
        archive.index();
        archive
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

    fn index(&mut self) {
        self.by_id = self
            .entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.article.id.clone(), i))
            .collect();
        self.index_threads();
        self.facets = facets::Facets::build(&self.entries, self.dated);
    }

    fn index_threads(&mut self) {
        self.thread_of = self
            .threads
            .iter()
            .enumerate()
            .flat_map(|(t, ids)| ids.iter().map(move |id| (id.clone(), t)))
            .collect();
    }

    /// The archive by year, month, publication and agency.
    pub fn facets(&self) -> &facets::Facets {
        &self.facets
    }

    /// The other articles of `id`'s story thread, in reading order (oldest first).
    pub fn thread(&self, id: &str) -> Vec<&Entry> {
        let Some(&t) = self.thread_of.get(id) else {
            return Vec::new();
        };
        let mut others: Vec<usize> = self.threads[t]
            .iter()
            .filter(|other| *other != id)
            .filter_map(|other| self.by_id.get(other).copied())
            .collect();
        others.sort_unstable();
        others.into_iter().map(|i| &self.entries[i]).collect()
    }

    /// The id served in place of `id` when `id` was a dropped verbatim duplicate.
    pub fn alias(&self, id: &str) -> Option<&str> {
        self.aliases.get(id).map(String::as_str)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The light entry `id` (no body, no text: see [`Archive`]), for lists.
    pub fn light(&self, id: &str) -> Option<&Entry> {
        self.by_id.get(id).map(|&i| &self.entries[i])
    }

    /// The whole entry `id`, body and text included (read from the store when the archive
    /// was loaded). An entry whose parts cannot be read is logged and missing.
    pub fn get(&self, id: &str) -> Option<Entry> {
        let &i = self.by_id.get(id)?;
        let parts = match self.parts_of(i) {
            Ok(parts) => parts,
            Err(e) => {
                tracing::error!("article {id}: {e}");
                return None;
            }
        };
        let mut entry = self.entries[i].clone();
        entry.article.body = parts.body;
        entry.text = parts.text;
        Some(entry)
    }

    fn parts_of(&self, i: usize) -> Result<Parts, ArchiveError> {
        match (&self.parts[i], &self.store) {
            (Part::Memory(parts), _) => Ok(parts.clone()),
            (Part::Stored(at), Some(store)) => store.get(*at),
            (Part::Stored(_), None) => Err(ArchiveError::Corrupt {
                path: PathBuf::new(),
                reason: "an article points into a store the archive does not have".into(),
            }),
        }
    }

    /// Dated articles, oldest first (light entries: see [`Archive`]).
    pub fn dated_oldest_first(&self) -> &[Entry] {
        &self.entries[..self.dated]
    }

    /// Undated articles, by id (light entries: see [`Archive`]).
    pub fn undated(&self) -> &[Entry] {
        &self.entries[self.dated..]
    }

    /// All entries in reading order, dated oldest first, then undated (light entries: see
    /// [`Archive`]).
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The chronologically previous (older) and next (newer) article within the same group
    /// (dated or undated): an undated article has no place in time, so it never neighbours a
    /// dated one.
    pub fn neighbours(&self, id: &str) -> (Option<&Entry>, Option<&Entry>) {
        let Some(&i) = self.by_id.get(id) else {
            return (None, None);
        };
        let group = if i < self.dated {
            0..self.dated
        } else {
            self.dated..self.entries.len()
        };
        let prev = (i > group.start).then(|| &self.entries[i - 1]);
        let next = (i + 1 < group.end).then(|| &self.entries[i + 1]);
        (prev, next)
    }

    /// `about.md` of the articles folder, when it has one.
    pub fn about(&self) -> Option<&str> {
        self.about.as_deref()
    }
}

/// One `.txt` file of the articles folder, as listed (nothing read yet).
struct Dump {
    name: String,
    path: PathBuf,
    /// `None` when the file could not even be looked at (the build then reports why).
    stamp: Option<Stamp>,
    /// The override's stamp, when there is one.
    over: Option<Stamp>,
    /// A symbolic link, whose target must be inside the folder.
    is_link: bool,
}

/// The dumps of `dir`, sorted by name, with their overrides' stamps.
fn scan(dir: &Path) -> Result<Vec<Dump>, ArchiveError> {
    let read_dir = |e| ArchiveError::ReadDir {
        path: dir.to_path_buf(),
        source: e,
    };
    let mut listed = Vec::new();
    for item in fs::read_dir(dir).map_err(read_dir)? {
        let item = item.map_err(read_dir)?;
        let path = item.path();
        let (is_txt, is_toml) = match path.extension() {
            Some(e) => (e == "txt", e == "toml"),
            None => (false, false),
        };
        if is_txt || is_toml {
            listed.push((item, path, is_txt));
        }
    }
    // One stat per file, the bulk of listing a large folder: spread over the cores.
    let stamped: Vec<(PathBuf, bool, bool, Option<Stamp>)> = listed
        .into_par_iter()
        .map(|(item, path, is_txt)| {
            let is_link = item.file_type().is_ok_and(|t| t.is_symlink());
            // A link's stamp is its target's: retargeting it or changing the target is a change.
            let meta = if is_link {
                fs::metadata(&path)
            } else {
                item.metadata()
            };
            let stamp = meta.ok().map(|m| Stamp::of(&m));
            (path, is_txt, is_link, stamp)
        })
        .collect();
    let mut dumps = Vec::new();
    let mut overrides: HashMap<OsString, Stamp> = HashMap::new();
    for (path, is_txt, is_link, stamp) in stamped {
        if !is_txt {
            if let (Some(stamp), Some(name)) = (stamp, path.file_name()) {
                overrides.insert(name.to_os_string(), stamp);
            }
            continue;
        }
        dumps.push(Dump {
            name: file_name(&path),
            path,
            stamp,
            over: None,
            is_link,
        });
    }
    for d in &mut dumps {
        if let Some(name) = d.path.with_extension("toml").file_name() {
            d.over = overrides.get(name).copied();
        }
    }
    dumps.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(dumps)
}

/// Each dump's id, and a warning for the dumps whose id had to be made unique.
///
/// Two names can slug to one id (`a b.txt`, `a-b.txt`). The file whose stem is the id keeps
/// it; any other gets the id plus a hash of its own name, so neither depends on what else is
/// in the folder. Decided on the names alone, before anything is parsed.
fn assign_ids(dumps: &[Dump]) -> Vec<(String, Option<String>)> {
    let mut ids: Vec<(String, Option<String>)> = dumps
        .iter()
        .map(|d| (id::from_file_name(&d.name), None))
        .collect();
    let mut seen: HashMap<&str, u32> = HashMap::new();
    for (id, _) in &ids {
        *seen.entry(id.as_str()).or_insert(0) += 1;
    }
    let shared: HashSet<String> = seen
        .into_iter()
        .filter(|&(_, n)| n > 1)
        .map(|(id, _)| id.to_owned())
        .collect();
    for (d, (id, warning)) in dumps.iter().zip(&mut ids) {
        let stem = d.name.rsplit_once('.').map_or(d.name.as_str(), |(s, _)| s);
        if !shared.contains(id.as_str()) || stem == id {
            continue;
        }
        let unique = format!(
            "{id}-{:08x}",
            crate::stable_hash::stable_hash(d.name.as_bytes()) as u32
        );
        *warning = Some(format!(
            "another file also has the id {id}; this one is {unique}"
        ));
        *id = unique;
    }
    ids
}

/// One dump's result in this build.
struct Done {
    name: String,
    stamp: Option<Stamp>,
    over: Option<Stamp>,
    /// The light entry, where its parts are, and its thread profile.
    outcome: Option<(Entry, Part, Profile)>,
    problems: Vec<Problem>,
}

/// Where a build puts each newly parsed article's heavy parts (and its search document).
trait Sink: Sync {
    fn keep(&self, entry: Entry) -> Result<(Entry, Part), ArchiveError>;
}

/// Parts kept with the entries: an archive built for the moment, not saved.
struct MemorySink;

impl Sink for MemorySink {
    fn keep(&self, entry: Entry) -> Result<(Entry, Part), ArchiveError> {
        let (light, parts) = entry.split();
        Ok((light, Part::Memory(parts)))
    }
}

/// The search index's writer, opened on first use: a build that changes nothing in the index
/// does not pay for opening (and committing) it.
struct LazyIndex {
    dir: PathBuf,
    /// A new index (built beside `dir`, then moved into place) rather than the one there.
    fresh: bool,
    writer: OnceLock<IndexWriter>,
    /// Held while opening: tantivy allows one writer per index.
    opening: Mutex<()>,
}

impl LazyIndex {
    fn new(dir: &Path, fresh: bool) -> LazyIndex {
        LazyIndex {
            dir: dir.to_path_buf(),
            fresh,
            writer: OnceLock::new(),
            opening: Mutex::new(()),
        }
    }

    fn get(&self) -> Result<&IndexWriter, ArchiveError> {
        if let Some(w) = self.writer.get() {
            return Ok(w);
        }
        let _opening = self.opening.lock().expect("no panic holds it");
        if let Some(w) = self.writer.get() {
            return Ok(w);
        }
        let w = if self.fresh {
            IndexWriter::create(&self.dir)?
        } else {
            IndexWriter::open(&self.dir)?
        };
        Ok(self.writer.get_or_init(|| w))
    }

    /// Commits what was written; a new index is written (and moved into place) even empty.
    fn commit(self) -> Result<(), ArchiveError> {
        if self.fresh {
            self.get()?;
        }
        match self.writer.into_inner() {
            Some(w) => Ok(w.commit()?),
            None => Ok(()),
        }
    }
}

/// Parts appended to the store, and each article indexed as it is parsed, so that a build
/// never holds the bodies of the whole archive at once.
struct StoreSink<'a> {
    store: Mutex<StoreWriter>,
    index: &'a LazyIndex,
    /// What the index holds: the id and parts each article was indexed from.
    indexed: Mutex<HashMap<String, PartRef>>,
}

impl Sink for StoreSink<'_> {
    fn keep(&self, entry: Entry) -> Result<(Entry, Part), ArchiveError> {
        let id = entry.article.id.clone();
        let stale = self.indexed.lock().expect("no panic holds it").remove(&id);
        if stale.is_some() {
            self.index.get()?.remove(&id);
        }
        self.index.get()?.add(&entry.article)?;
        let (light, parts) = entry.split();
        let at = self.store.lock().expect("no panic holds it").put(&parts)?;
        self.indexed
            .lock()
            .expect("no panic holds it")
            .insert(id, at);
        Ok((light, Part::Stored(at)))
    }
}

/// Every dump's result: reused from `cache` when the dump and its override are unchanged,
/// else parsed (in parallel) and handed to `sink`.
fn collect(
    dir: &Path,
    dumps: Vec<Dump>,
    ids: &[(String, Option<String>)],
    cache: Option<Cache>,
    sink: &dyn Sink,
) -> Result<(Vec<Done>, usize), ArchiveError> {
    // Both lists are sorted by name (the cache was written in this order): walk them together.
    let mut cached = cache
        .map(|c| c.dumps)
        .unwrap_or_default()
        .into_iter()
        .peekable();
    let mut done: Vec<Option<Done>> = Vec::with_capacity(dumps.len());
    let mut to_parse = Vec::new();
    for (i, d) in dumps.into_iter().enumerate() {
        while cached.next_if(|c| c.name < d.name).is_some() {}
        let hit = cached
            .next_if(|c| c.name == d.name)
            .filter(|c| d.stamp == Some(c.stamp) && d.over == c.over);
        match hit {
            Some(c) => done.push(Some(Done {
                name: c.name,
                stamp: Some(c.stamp),
                over: c.over,
                outcome: c
                    .outcome
                    .map(|(entry, at, profile)| (entry, Part::Stored(at), profile)),
                problems: c.problems,
            })),
            None => {
                done.push(None);
                to_parse.push((i, d));
            }
        }
    }
    let reused = done.len() - to_parse.len();
    let progress = progress_bar(to_parse.len());
    let root = fs::canonicalize(dir).ok();
    let parsed: Vec<(usize, Done)> = to_parse
        .into_par_iter()
        .map(|(i, d)| {
            let (entry, problems) = build_one(root.as_deref(), &d.path, d.is_link);
            let outcome = match entry {
                Some(mut entry) => {
                    entry.article.id.clone_from(&ids[i].0);
                    let profile = Profile::of(&entry.article);
                    let (light, part) = sink.keep(entry)?;
                    Some((light, part, profile))
                }
                None => None,
            };
            progress.inc(1);
            Ok((
                i,
                Done {
                    name: d.name,
                    stamp: d.stamp,
                    over: d.over,
                    outcome,
                    problems,
                },
            ))
        })
        .collect::<Result<_, ArchiveError>>()?;
    progress.finish_and_clear();
    for (i, d) in parsed {
        done[i] = Some(d);
    }
    let mut done: Vec<Done> = done.into_iter().flatten().collect();
    for (d, (id, _)) in done.iter_mut().zip(ids) {
        if let Some((entry, _, _)) = &mut d.outcome {
            // A reused entry may have had another id when a namesake came or went.
            entry.article.id.clone_from(id);
        }
    }
    Ok((done, reused))
}

/// A bar on stderr while dumps are parsed, when stderr is a terminal and there are enough of
/// them to wait for; hidden otherwise.
fn progress_bar(len: usize) -> ProgressBar {
    if len < 1000 || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len as u64);
    bar.set_style(
        ProgressStyle::with_template("parsing {bar:40} {human_pos}/{human_len} dumps, {eta} left")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

/// What the whole archive is made of once every dump has its result.
struct Assembled {
    /// Indices into the results of the articles served (dropped duplicates left out).
    served: Vec<usize>,
    threads: Vec<Vec<String>>,
    aliases: HashMap<String, String>,
    about: Option<String>,
}

/// Threads, duplicates and `about.md` over all results; the report's problems.
fn assemble(
    dir: &Path,
    done: &[Done],
    ids: &[(String, Option<String>)],
    report: &mut BuildReport,
) -> Assembled {
    for d in done {
        report.problems.extend(d.problems.iter().cloned());
    }
    for (d, (_, warning)) in done.iter().zip(ids) {
        if let (Some(_), Some(message)) = (&d.outcome, warning) {
            report.problems.push(Problem {
                file: d.name.clone(),
                message: message.clone(),
                is_error: false,
            });
        }
    }
    let with_article: Vec<usize> = (0..done.len())
        .filter(|&i| done[i].outcome.is_some())
        .collect();
    let entry = |i: usize| &done[i].outcome.as_ref().expect("has an article").0;
    let items: Vec<threads::Item> = with_article
        .iter()
        .map(|&i| {
            let (entry, _, profile) = done[i].outcome.as_ref().expect("has an article");
            threads::Item {
                id: &entry.article.id,
                published: entry.article.published.as_deref(),
                profile,
            }
        })
        .collect();
    let grouped = threads::group_profiles(&items);

    // The same article scraped twice is served once; its other id points to the kept copy.
    let mut aliases = HashMap::new();
    if !grouped.duplicates.is_empty() {
        let sources: HashMap<&str, &str> = with_article
            .iter()
            .map(|&i| (entry(i).article.id.as_str(), done[i].name.as_str()))
            .collect();
        let source_of = |id: &str| sources.get(id).map_or(id, |s| *s).to_string();
        for (kept, dropped) in grouped.duplicates {
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
    let served = with_article
        .into_iter()
        .filter(|&i| !aliases.contains_key(&entry(i).article.id))
        .collect();

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
        threads: grouped.threads,
        aliases,
        about,
    }
}

/// The archive of the served results.
fn into_archive(done: Vec<Done>, a: Assembled, store: Option<Store>) -> Archive {
    let mut done: Vec<Option<Done>> = done.into_iter().map(Some).collect();
    let entries = a
        .served
        .iter()
        .filter_map(|&i| done[i].take()?.outcome)
        .map(|(entry, part, _)| (entry, part))
        .collect();
    Archive::from_parts(entries, a.about, store).with_threads(a.threads, a.aliases)
}

fn finish_report(report: &mut BuildReport, archive: &Archive) {
    report.articles = archive.len();
    report.dated = archive.dated;
}

/// Parses every `.txt` dump under `dir` (in parallel), applies overrides and orders the lot,
/// in memory (nothing is written). A bad file is reported and skipped; only an unreadable
/// folder fails the build.
pub fn build(dir: &Path) -> Result<(Archive, BuildReport), ArchiveError> {
    let dumps = scan(dir)?;
    let ids = assign_ids(&dumps);
    let mut report = BuildReport {
        files_read: dumps.len(),
        ..BuildReport::default()
    };
    let (done, _) = collect(dir, dumps, &ids, None, &MemorySink)?;
    let assembled = assemble(dir, &done, &ids, &mut report);
    let archive = into_archive(done, assembled, None);
    finish_report(&mut report, &archive);
    Ok((archive, report))
}

/// Builds the archive of `articles` and writes it to `compiled_path`, with its search index
/// ([`search_dir`]), its parts store and the build cache beside it.
///
/// A dump is parsed again only when it or its override changed since the last build (or the
/// program did); the search index is updated for the articles that changed rather than
/// rebuilt. Threads are regrouped from every article's cached profile, so the result is the
/// same as a build from nothing.
pub fn build_and_save(
    articles: &Path,
    compiled_path: &Path,
) -> Result<(Archive, BuildReport), ArchiveError> {
    let out = compiled_path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(out).map_err(|e| ArchiveError::Write {
        path: out.to_path_buf(),
        source: e,
    })?;
    let mut clock = Instant::now();
    let dumps = scan(articles)?;
    let ids = assign_ids(&dumps);
    let mut report = BuildReport {
        files_read: dumps.len(),
        ..BuildReport::default()
    };
    report.lap("list the dumps", &mut clock);

    let cache = Cache::load(out).filter(|c| !mostly_garbage(out, c));
    report.lap("load the cache", &mut clock);
    let search = search_dir(compiled_path);
    let (index, indexed) = match &cache {
        Some(c) if crate::search::is_readable(&search) => (
            LazyIndex::new(&search, false),
            c.indexed.iter().cloned().collect(),
        ),
        _ => (LazyIndex::new(&search, true), HashMap::new()),
    };
    let (store_name, writer, fresh) = match &cache {
        Some(c) => (
            c.store.clone(),
            StoreWriter::append(&out.join(&c.store))?,
            false,
        ),
        None => {
            let name = store::new_file_name();
            let writer = StoreWriter::create(&out.join(&name))?;
            (name, writer, true)
        }
    };
    let sink = StoreSink {
        store: Mutex::new(writer),
        index: &index,
        indexed: Mutex::new(indexed),
    };
    report.lap("open the index and the store", &mut clock);
    let (done, reused) = collect(articles, dumps, &ids, cache, &sink)?;
    report.reused = reused;
    report.lap("parse, store and index the changed dumps", &mut clock);
    let StoreSink {
        store: writer,
        indexed,
        ..
    } = sink;
    let store_len = writer.into_inner().expect("no panic holds it").finish()?;
    let mut indexed = indexed.into_inner().expect("no panic holds it");
    let store = Store::open(&out.join(&store_name))?;
    report.lap("sync the store", &mut clock);

    let assembled = assemble(articles, &done, &ids, &mut report);
    report.lap("threads and duplicates", &mut clock);

    // What the index is to hold: every served article, from its current parts.
    let mut want: Vec<(String, PartRef)> = assembled
        .served
        .iter()
        .filter_map(|&i| match done[i].outcome.as_ref()? {
            (entry, Part::Stored(at), _) => Some((entry.article.id.clone(), *at)),
            (_, Part::Memory(_), _) => None,
        })
        .collect();
    want.sort_unstable();
    // The cache is written on another thread while the index is brought up to date.
    let (indexing, cache_took) = std::thread::scope(|scope| {
        let cache_writer = scope.spawn(|| {
            let started = Instant::now();
            let cached = done.iter().filter_map(|d| {
                let outcome = match &d.outcome {
                    Some((entry, Part::Stored(at), profile)) => Some((entry, at, profile)),
                    Some((_, Part::Memory(_), _)) => return None,
                    None => None,
                };
                Some(CachedRef {
                    name: &d.name,
                    stamp: d.stamp.as_ref()?,
                    over: &d.over,
                    outcome,
                    problems: &d.problems,
                })
            });
            // Without its cache the next build starts over: slower, not wrong.
            if let Err(e) = cache::save(out, &store_name, store_len, cached, &want) {
                tracing::warn!("cannot write the build cache in {}: {e}", out.display());
            }
            started.elapsed()
        });
        let indexing = reconcile_index(&index, &mut indexed, &want, &done, &store)
            .and_then(|()| index.commit());
        let took = cache_writer
            .join()
            .expect("writing the cache does not panic");
        (indexing, took)
    });
    if let Err(e) = indexing {
        // The cache says what the index holds; the index did not take it.
        let _ = fs::remove_file(cache::path_in(out));
        return Err(e);
    }
    report.lap("update and commit the index", &mut clock);
    report
        .timings
        .push(("write the cache (meanwhile)", cache_took));
    let archive = into_archive(done, assembled, Some(store));
    finish_report(&mut report, &archive);
    compiled::save(&archive, compiled_path)?;
    if fresh {
        store::remove_others(out, &store_name);
    }
    report.lap("write the compiled archive", &mut clock);
    Ok((archive, report))
}

/// Whether most of the cache's store is parts no dump points to any more (dumps that changed
/// or went): then a build from nothing writes a compact store again.
fn mostly_garbage(out: &Path, cache: &Cache) -> bool {
    let Ok(len) = fs::metadata(out.join(&cache.store)).map(|m| m.len()) else {
        return true;
    };
    let live: u64 = cache
        .dumps
        .iter()
        .filter_map(|d| d.outcome.as_ref())
        .map(|(_, at, _)| u64::from(at.len))
        .sum();
    len > 2 * live + (64 << 20)
}

/// Makes the index hold exactly `want` (each served article from its current parts): removes
/// what went, changed id or was dropped as a duplicate, and adds what is not there yet.
fn reconcile_index(
    index: &LazyIndex,
    indexed: &mut HashMap<String, PartRef>,
    want: &[(String, PartRef)],
    done: &[Done],
    store: &Store,
) -> Result<(), ArchiveError> {
    let wanted: HashMap<&str, PartRef> = want.iter().map(|(id, at)| (id.as_str(), *at)).collect();
    let mut failed = None;
    indexed.retain(|id, at| {
        let keep = wanted.get(id.as_str()) == Some(at);
        if !keep && let Err(e) = index.get().map(|w| w.remove(id)) {
            failed = Some(e);
        }
        keep
    });
    if let Some(e) = failed {
        return Err(e);
    }
    let missing: HashMap<PartRef, &str> = want
        .iter()
        .filter(|(id, _)| !indexed.contains_key(id))
        .map(|(id, at)| (*at, id.as_str()))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    done.par_iter()
        .filter_map(|d| match d.outcome.as_ref()? {
            (entry, Part::Stored(at), _) if missing.contains_key(at) => Some((entry, *at)),
            _ => None,
        })
        .try_for_each(|(entry, at)| {
            let mut article = entry.article.clone();
            article.body = store.get(at)?.body;
            index.get()?.add(&article).map_err(ArchiveError::from)
        })?;
    for (at, id) in missing {
        indexed.insert(id.to_owned(), at);
    }
    Ok(())
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// One dump parsed, its override applied. `root` is the articles folder, canonical.
fn build_one(root: Option<&Path>, path: &Path, is_link: bool) -> (Option<Entry>, Vec<Problem>) {
    let name = file_name(path);
    let problem = |message: String, is_error| Problem {
        file: name.clone(),
        message,
        is_error,
    };
    let mut problems = Vec::new();

    // A link in articles/ may point anywhere on the machine; only files inside the folder
    // are the archive's to publish.
    if is_link
        && let (Ok(real), Some(root)) = (fs::canonicalize(path), root)
        && !real.starts_with(root)
    {
        problems.push(problem(
            "links outside the articles folder; skipped".into(),
            true,
        ));
        return (None, problems);
    }

    let bytes = match read_dump(path) {
        Ok(b) => b,
        Err(e) => {
            problems.push(problem(e.to_string(), true));
            return (None, problems);
        }
    };
    let parsed = parse::parse_file(&bytes, &name);

    let over_path = path.with_extension("toml");
    let over = match fs::read_to_string(&over_path) {
        Ok(text) => match Override::from_toml(&text) {
            Ok(o) => Some(o),
            Err(e) => {
                let over_name = file_name(&over_path);
                problems.push(Problem {
                    file: over_name,
                    message: format!("override ignored: {e}"),
                    is_error: true,
                });
                None
            }
        },
        Err(_) => None,
    };

    let (mut article, text) = match parsed {
        Ok(p) => (p.article, p.text),
        Err(e) if over.as_ref().is_some_and(Override::is_complete) => {
            problems.push(problem(
                format!("{e}; the override supplies the article"),
                false,
            ));
            let article = Article {
                id: id::from_file_name(&name),
                source: name.clone(),
                ..Article::default()
            };
            (article, String::from_utf8_lossy(&bytes).into_owned())
        }
        Err(e) => {
            problems.push(problem(e.to_string(), true));
            return (None, problems);
        }
    };

    let mut note = None;
    let mut overridden = Vec::new();
    if let Some(mut o) = over {
        note = o.note.take();
        overridden = o
            .apply(&mut article)
            .into_iter()
            .map(String::from)
            .collect();
        if !overridden.is_empty() {
            problems.push(problem(
                format!("override sets {}", overridden.join(", ")),
                false,
            ));
        }
    }
    for w in &article.warnings {
        problems.push(problem(w.clone(), false));
    }
    (
        Some(Entry {
            article,
            note,
            overridden,
            text,
        }),
        problems,
    )
}

/// Why a dump's bytes could not be had.
#[derive(Debug, thiserror::Error)]
pub enum DumpReadError {
    #[error(transparent)]
    TooLarge(parse::ParseError),
    #[error("cannot read: {0}")]
    Io(std::io::Error),
}

/// A dump's bytes, unless it is over [`parse::MAX_DUMP_BYTES`]: then not even read, so a
/// huge file costs no memory. The read stops at the limit too, for a file that grows while
/// it is read.
pub fn read_dump(path: &Path) -> Result<Vec<u8>, DumpReadError> {
    use std::io::Read;
    let limit = parse::MAX_DUMP_BYTES as u64;
    let file = fs::File::open(path).map_err(DumpReadError::Io)?;
    let len = file.metadata().map_err(DumpReadError::Io)?.len();
    if len > limit {
        return Err(DumpReadError::TooLarge(parse::ParseError::TooLarge(len)));
    }
    let mut bytes = Vec::with_capacity(len as usize);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(DumpReadError::Io)?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: &str, published: Option<&str>) -> Entry {
        Entry {
            article: Article {
                id: id.into(),
                published: published.map(String::from),
                ..Article::default()
            },
            note: None,
            overridden: vec![],
            text: String::new(),
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
}
