//! The collection: every dump of a folder parsed, overridden, ordered, and compiled into one
//! file that the server loads without parsing anything again.

pub mod compiled;
pub mod facets;
pub mod id;
pub mod overrides;
pub mod threads;

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::parse::{self, Article};
use overrides::Override;

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
    pub articles: usize,
    pub dated: usize,
    pub problems: Vec<Problem>,
}

impl BuildReport {
    pub fn errors(&self) -> usize {
        self.problems.iter().filter(|p| p.is_error).count()
    }

    /// The report as printed after a build: a summary line, then one line per problem.
    pub fn render(&self) -> String {
        let mut s = format!(
            "read {} files, built {} articles ({} dated, {} undated), {} errors, {} warnings\n",
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

/// Builds the archive of `articles` and writes it to `compiled_path`, with its search index
/// beside it ([`search_dir`]).
pub fn build_and_save(
    articles: &Path,
    compiled_path: &Path,
) -> Result<(Archive, BuildReport), ArchiveError> {
    let (archive, report) = build(articles)?;
    crate::search::build_index(archive.entries(), &search_dir(compiled_path))?;
    compiled::save(&archive, compiled_path)?;
    Ok((archive, report))
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

/// The loaded archive.
///
/// `entries` is in reading order: dated articles oldest first, then the undated ones by id.
/// The index walks the dated part backwards for "newest first".
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Archive {
    entries: Vec<Entry>,
    dated: usize,
    about: Option<String>,
    /// Story threads (ids of two or more articles reporting one event).
    threads: Vec<Vec<String>>,
    /// Ids of verbatim duplicates that were dropped, to the id of the copy that is served:
    /// a link to either keeps working.
    aliases: HashMap<String, String>,
    #[serde(skip)]
    by_id: HashMap<String, usize>,
    #[serde(skip)]
    thread_of: HashMap<String, usize>,
    #[serde(skip)]
    facets: facets::Facets,
}

impl Archive {
    /// Builds an archive from entries in any order (sorting them and indexing ids).
    pub fn from_entries(mut entries: Vec<Entry>, about: Option<String>) -> Self {
        entries.sort_by(|a, b| {
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
            .take_while(|e| e.article.published.is_some())
            .count();
        let mut archive = Archive {
            entries,
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
        self.index();
        self
    }

    fn index(&mut self) {
        self.by_id = self
            .entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.article.id.clone(), i))
            .collect();
        self.thread_of = self
            .threads
            .iter()
            .enumerate()
            .flat_map(|(t, ids)| ids.iter().map(move |id| (id.clone(), t)))
            .collect();
        self.facets = facets::Facets::build(&self.entries, self.dated);
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

    pub fn get(&self, id: &str) -> Option<&Entry> {
        self.by_id.get(id).map(|&i| &self.entries[i])
    }

    /// Dated articles, oldest first.
    pub fn dated_oldest_first(&self) -> &[Entry] {
        &self.entries[..self.dated]
    }

    /// Undated articles, by id.
    pub fn undated(&self) -> &[Entry] {
        &self.entries[self.dated..]
    }

    /// All entries in reading order (dated oldest first, then undated).
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

/// Parses every `.txt` dump under `dir` (in parallel), applies overrides and orders the lot.
/// A bad file is reported and skipped; only an unreadable folder fails the build.
pub fn build(dir: &Path) -> Result<(Archive, BuildReport), ArchiveError> {
    let read_dir = |e| ArchiveError::ReadDir {
        path: dir.to_path_buf(),
        source: e,
    };
    let mut dumps: Vec<PathBuf> = Vec::new();
    for item in fs::read_dir(dir).map_err(read_dir)? {
        let path = item.map_err(read_dir)?.path();
        if path.extension().is_some_and(|e| e == "txt") {
            dumps.push(path);
        }
    }
    dumps.sort();

    let results: Vec<(Option<Entry>, Vec<Problem>)> =
        dumps.par_iter().map(|path| build_one(dir, path)).collect();

    let mut report = BuildReport {
        files_read: dumps.len(),
        ..BuildReport::default()
    };
    let mut entries = Vec::with_capacity(results.len());
    for (entry, problems) in results {
        report.problems.extend(problems);
        entries.extend(entry);
    }
    dedupe_ids(&mut entries, &mut report);

    // The same article scraped twice is served once; its other id points to the kept copy.
    let grouped = threads::group(&entries);
    let mut aliases = HashMap::new();
    if !grouped.duplicates.is_empty() {
        let sources: HashMap<&str, &str> = entries
            .iter()
            .map(|e| (e.article.id.as_str(), e.article.source.as_str()))
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
    entries.retain(|e| !aliases.contains_key(&e.article.id));

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
    let archive = Archive::from_entries(entries, about).with_threads(grouped.threads, aliases);
    report.articles = archive.len();
    report.dated = archive.dated;
    Ok((archive, report))
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn build_one(dir: &Path, path: &Path) -> (Option<Entry>, Vec<Problem>) {
    let name = file_name(path);
    let problem = |message: String, is_error| Problem {
        file: name.clone(),
        message,
        is_error,
    };
    let mut problems = Vec::new();

    // A link in articles/ may point anywhere on the machine; only files inside the folder
    // are the archive's to publish.
    if let (Ok(real), Ok(root)) = (fs::canonicalize(path), fs::canonicalize(dir))
        && !real.starts_with(&root)
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

/// Two names can slug to one id (`a b.txt`, `a-b.txt`). The file whose stem is the id keeps
/// it; any other gets the id plus a hash of its own name, so neither depends on what else is
/// in the folder.
fn dedupe_ids(entries: &mut [Entry], report: &mut BuildReport) {
    let mut seen: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, e) in entries.iter().enumerate() {
        seen.entry(e.article.id.clone()).or_default().push(i);
    }
    for (id, idx) in seen {
        if idx.len() < 2 {
            continue;
        }
        for i in idx {
            let a = &mut entries[i].article;
            let stem = a
                .source
                .rsplit_once('.')
                .map_or(a.source.as_str(), |(s, _)| s);
            if stem == id {
                continue;
            }
            a.id = format!("{id}-{:08x}", id::fnv1a(a.source.as_bytes()) as u32);
            report.problems.push(Problem {
                file: a.source.clone(),
                message: format!("another file also has the id {id}; this one is {}", a.id),
                is_error: false,
            });
        }
    }
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
