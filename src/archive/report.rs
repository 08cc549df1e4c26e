//! What a build says: one [`Problem`] per file that needs a word, and the [`BuildReport`]
//! printed after it.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::capture::warc::Skip;

/// A per-file message of the build report. Its strings are read back checked by
/// [`crate::serde_utf8`]: a build reads every reused dump's warnings from the build cache.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    #[serde(deserialize_with = "crate::serde_utf8::string")]
    pub file: String,
    #[serde(deserialize_with = "crate::serde_utf8::string")]
    pub message: String,
    /// An error lost the file's article (or its override); a warning did not.
    pub is_error: bool,
}

/// A file's problems and, for a crawl, its skipped records by kind: none for most files,
/// so held boxed (as two empty collections, 48 bytes in each of a million results, in
/// the cache as read and again in the build's results).
#[derive(Debug, Clone, Default)]
pub struct Said(Option<Box<Told>>);

/// What a file that had something to say said.
type Told = (Vec<Problem>, BTreeMap<Skip, usize>);

/// The skipped records of a file that skipped none.
static NONE_SKIPPED: BTreeMap<Skip, usize> = BTreeMap::new();

impl Said {
    pub fn new(problems: Vec<Problem>, skipped: BTreeMap<Skip, usize>) -> Said {
        match problems.is_empty() && skipped.is_empty() {
            true => Said(None),
            false => Said(Some(Box::new((problems, skipped)))),
        }
    }

    pub fn problems(&self) -> &[Problem] {
        self.0.as_ref().map_or(&[], |said| &said.0)
    }

    pub fn skipped(&self) -> &BTreeMap<Skip, usize> {
        self.0.as_ref().map_or(&NONE_SKIPPED, |said| &said.1)
    }

    /// The problems, to be moved into the report ([`BuildReport::put_files_first`]).
    pub(super) fn problems_mut(&mut self) -> Option<&mut Vec<Problem>> {
        self.0.as_mut().map(|said| &mut said.0)
    }
}

/// What a build read and made, for the report printed after it.
#[derive(Debug, Default)]
pub struct BuildReport {
    pub files_read: usize,
    /// Files whose result the build cache gave (unchanged since the last build, not parsed).
    pub reused: usize,
    /// How long each step took, in order (for `arshif build --timings`).
    pub timings: Vec<(&'static str, Duration)>,
    /// Articles handed to the search index and not yet indexed when the parse ended: what
    /// tantivy's thread was left to do alone (for `--timings`).
    pub left_to_index: usize,
    pub articles: usize,
    pub dated: usize,
    pub problems: Vec<Problem>,
    /// The records of crawls that are not pages, by kind.
    pub skipped: BTreeMap<Skip, usize>,
    /// The search index's format, where the build found one of another than this arshif's
    /// and wrote the index again from nothing.
    pub index_of_other_format: Option<crate::search::OtherFormat>,
}

impl BuildReport {
    /// Each file's problems (`files`, in file order) moved in before those already reported,
    /// the order the report lists them in: moved, not cloned (at 100,000 dumps, 28,000
    /// undated ones, two strings each), and one file's list at a time (a `flat_map` over
    /// every file's was an iterator a file).
    pub(super) fn put_files_first<'a>(
        &mut self,
        files: impl Iterator<Item = &'a mut Vec<Problem>>,
    ) {
        let found = std::mem::take(&mut self.problems);
        for problems in files {
            self.problems.append(problems);
        }
        self.problems.extend(found);
    }

    /// Records that `step` took the time since `since`, and restarts the clock.
    pub(super) fn lap(&mut self, step: &'static str, since: &mut Instant) {
        self.timings.push((step, since.elapsed()));
        *since = Instant::now();
    }

    pub fn errors(&self) -> usize {
        self.problems.iter().filter(|p| p.is_error).count()
    }

    /// The report as printed after a build: a summary line, then its problems in file order,
    /// each on a line of its own, but for a warning that more than [`LISTED_UP_TO`] files share,
    /// said once where its first file comes, with their count and the first few of them (all
    /// of them with [`Warnings::Each`]).
    pub fn render(&self, warnings: Warnings) -> String {
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
        if let Some(formats) = self.index_of_other_format {
            s += &format!("the search index was {formats}: written again from nothing\n");
        }
        if !self.skipped.is_empty() {
            let total: usize = self.skipped.values().sum();
            let kinds: Vec<String> = self
                .skipped
                .iter()
                .map(|(kind, n)| format!("{n} {}", kind.label()))
                .collect();
            s += &format!(
                "skipped {total} crawl records that are not pages: {}\n",
                kinds.join(", ")
            );
        }
        let mut shared = match warnings {
            Warnings::Grouped => shared(&self.problems),
            Warnings::Each => FxHashMap::default(),
        };
        // Each line's pieces appended, into a string sized once: a line through `writeln!`'s
        // formatting machinery was ≈ 675 instructions (notes/build-bench.md, session 38), and
        // a build told to list every warning lists one for each undated article (280,000 at a
        // million dumps).
        let kind = |is_error: bool| if is_error { "  error: " } else { "  warning: " };
        let len: usize = (self.problems.iter())
            .filter(|p| p.is_error || !shared.contains_key(p.message.as_str()))
            .map(|p| kind(p.is_error).len() + p.file.len() + 2 + p.message.len() + 1)
            .sum();
        s.reserve(len);
        for p in &self.problems {
            match shared.get_mut(p.message.as_str()) {
                Some(group) if !p.is_error => {
                    if !std::mem::replace(&mut group.said, true) {
                        s += &group.line(&p.message);
                    }
                }
                _ => {
                    for piece in [kind(p.is_error), &p.file, ": ", &p.message, "\n"] {
                        s.push_str(piece);
                    }
                }
            }
        }
        s
    }
}

/// How a report lists its warnings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Warnings {
    /// A warning many files share said once, with their count ([`BuildReport::render`]).
    Grouped,
    /// One line a file and warning (`arshif build --all-warnings`).
    Each,
}

/// How many files may share a warning before the report says it once for all of them: a
/// few lines name their files, where 280,000 lines of "no publication date found" at a
/// million dumps buried the report's other lines (and took seconds to scroll past).
pub const LISTED_UP_TO: usize = 10;
/// How many of the files sharing a warning its line names.
const NAMED: usize = 3;

/// The files that share one warning: how many, the first of them, and whether its line was
/// written.
#[derive(Default)]
struct Group<'a> {
    files: usize,
    first: Vec<&'a str>,
    said: bool,
}

/// The warnings more than [`LISTED_UP_TO`] files share, by message.
fn shared(problems: &[Problem]) -> FxHashMap<&str, Group<'_>> {
    let mut groups: FxHashMap<&str, Group> = FxHashMap::default();
    for p in problems.iter().filter(|p| !p.is_error) {
        let group = groups.entry(p.message.as_str()).or_default();
        group.files += 1;
        if group.first.len() < NAMED {
            group.first.push(&p.file);
        }
    }
    groups.retain(|_, group| group.files > LISTED_UP_TO);
    groups
}

impl Group<'_> {
    /// `  warning: 12 files: no date (a.txt, b.txt, c.txt and 9 more; …)`.
    fn line(&self, message: &str) -> String {
        let more = self.files - self.first.len();
        format!(
            "  warning: {} files: {message} ({} and {more} more; `arshif build --all-warnings` lists each)\n",
            self.files,
            self.first.join(", "),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(file: &str) -> Problem {
        Problem {
            file: file.into(),
            message: "m".into(),
            is_error: false,
        }
    }

    #[test]
    fn a_file_that_said_nothing_holds_nothing_but_a_null_pointer() {
        assert_eq!(std::mem::size_of::<Said>(), 8);
        let none = Said::new(Vec::new(), BTreeMap::new());
        assert!(none.0.is_none());
        assert!(none.problems().is_empty() && none.skipped().is_empty());
        let skipped = BTreeMap::from([(Skip::Request, 2)]);
        let mut said = Said::new(vec![problem("a")], skipped.clone());
        assert_eq!(
            (said.problems(), said.skipped()),
            (&[problem("a")][..], &skipped)
        );
        let mut report = BuildReport::default();
        report.put_files_first(said.problems_mut().into_iter());
        assert_eq!(report.problems, [problem("a")]);
        assert!(said.problems().is_empty(), "moved");
        assert!(Said::default().problems_mut().is_none());
    }

    #[test]
    fn the_report_is_a_summary_then_a_line_a_problem_in_order() {
        let report = BuildReport {
            files_read: 3,
            articles: 2,
            dated: 1,
            problems: vec![
                problem("a.txt"),
                Problem {
                    file: "b.txt".into(),
                    message: "cannot read: gone".into(),
                    is_error: true,
                },
            ],
            ..BuildReport::default()
        };
        assert_eq!(
            report.render(Warnings::Grouped),
            "read 3 files, built 2 articles (1 dated, 1 undated), 1 errors, 1 warnings\n\
             \x20 warning: a.txt: m\n\
             \x20 error: b.txt: cannot read: gone\n"
        );
    }

    /// A warning more files share than are listed is said once, where its first file comes,
    /// with their count and the first three; errors and the other warnings keep their lines.
    #[test]
    fn a_warning_many_files_share_is_said_once_with_their_count() {
        let warn = |file: String, message: &str| Problem {
            file,
            message: message.into(),
            is_error: false,
        };
        let shared = |n: usize| warn(format!("{n:02}.txt"), "no date");
        let mut problems = vec![warn("a.txt".into(), "odd bytes")];
        problems.extend((0..LISTED_UP_TO + 2).map(shared));
        problems.insert(3, warn("b.txt".into(), "odd bytes"));
        problems.push(Problem {
            file: "c.txt".into(),
            message: "no date".into(),
            is_error: true,
        });
        let report = BuildReport {
            files_read: 15,
            problems,
            ..BuildReport::default()
        };
        let lines: Vec<String> = (report.render(Warnings::Grouped).lines())
            .skip(1)
            .map(str::to_owned)
            .collect();
        assert_eq!(
            lines,
            [
                "  warning: a.txt: odd bytes",
                "  warning: 12 files: no date (00.txt, 01.txt, 02.txt and 9 more; \
                 `arshif build --all-warnings` lists each)",
                "  warning: b.txt: odd bytes",
                "  error: c.txt: no date",
            ]
        );
        let each = report.render(Warnings::Each);
        assert_eq!(each.lines().count(), 1 + report.problems.len(), "{each}");
        assert!(each.contains("  warning: 11.txt: no date\n"), "{each}");
        assert!(
            each.starts_with(
                "read 15 files, built 0 articles (0 dated, 0 undated), 1 errors, 14 warnings\n"
            ),
            "{each}"
        );
    }

    /// As many files as are listed each keep their lines.
    #[test]
    fn a_warning_few_files_share_keeps_a_line_a_file() {
        let problems: Vec<Problem> = (0..LISTED_UP_TO)
            .map(|n| problem(&format!("{n}.txt")))
            .collect();
        let report = BuildReport {
            problems,
            ..BuildReport::default()
        };
        assert_eq!(
            report.render(Warnings::Grouped),
            report.render(Warnings::Each)
        );
        assert_eq!(
            report.render(Warnings::Grouped).lines().count(),
            1 + LISTED_UP_TO
        );
    }

    #[test]
    fn the_files_problems_come_first_in_file_order_and_are_moved() {
        let mut report = BuildReport {
            problems: vec![problem("duplicate")],
            ..BuildReport::default()
        };
        let mut files = [vec![problem("a"), problem("b")], vec![], vec![problem("c")]];
        report.put_files_first(files.iter_mut());
        let order: Vec<&str> = report.problems.iter().map(|p| p.file.as_str()).collect();
        assert_eq!(order, ["a", "b", "c", "duplicate"]);
        assert!(files.iter().all(Vec::is_empty));
    }
}
