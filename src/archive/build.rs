//! The build: every dump's result (reused or parsed in parallel and handed to a [`Sink`]),
//! then threads, duplicates and `about.md` over all of them, and the archive assembled.
//! [`build`] does it in memory; [`super::incremental`] saves it.

use std::collections::HashMap;
use std::fs;
use std::io::IsTerminal;
use std::path::Path;

use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;

use super::ArchiveError;
use super::build_cache::{BuildCache, Stamp};
use super::dump::build_one;
use super::entry::Entry;
use super::model::{Archive, Part};
use super::report::{BuildReport, Problem};
use super::scan::{Dump, assign_ids, scan};
use super::store::Store;
use super::threads::{self, Profile};

/// One dump's result in this build.
pub(super) struct Done {
    pub(super) name: String,
    pub(super) stamp: Option<Stamp>,
    pub(super) over: Option<Stamp>,
    /// The light entry, where its parts are, and its thread profile.
    pub(super) outcome: Option<(Entry, Part, Profile)>,
    pub(super) problems: Vec<Problem>,
}

/// Where a build puts each newly parsed article's heavy parts (and its search document).
pub(super) trait Sink: Sync {
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

/// Every dump's result: reused from `cache` when the dump and its override are unchanged,
/// else parsed (in parallel) and handed to `sink`.
pub(super) fn collect(
    dir: &Path,
    dumps: Vec<Dump>,
    ids: &[(String, Option<String>)],
    cache: Option<BuildCache>,
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
pub(super) struct Assembled {
    /// Indices into the results of the articles served (dropped duplicates left out).
    pub(super) served: Vec<usize>,
    pub(super) threads: Vec<Vec<String>>,
    pub(super) aliases: HashMap<String, String>,
    pub(super) about: Option<String>,
}

/// Threads, duplicates and `about.md` over all results; the report's problems.
pub(super) fn assemble(
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
pub(super) fn into_archive(done: Vec<Done>, a: Assembled, store: Option<Store>) -> Archive {
    let mut done: Vec<Option<Done>> = done.into_iter().map(Some).collect();
    let entries = a
        .served
        .iter()
        .filter_map(|&i| done[i].take()?.outcome)
        .map(|(entry, part, _)| (entry, part))
        .collect();
    Archive::from_parts(entries, a.about, store).with_threads(a.threads, a.aliases)
}

pub(super) fn finish_report(report: &mut BuildReport, archive: &Archive) {
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
