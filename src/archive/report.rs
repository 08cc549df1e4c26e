//! What a build says: one [`Problem`] per file that needs a word, and the [`BuildReport`]
//! printed after it.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::capture::warc::Skip;

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
    /// Articles handed to the search index and not yet indexed when the parse ended: what
    /// tantivy's thread was left to do alone (for `--timings`).
    pub left_to_index: usize,
    pub articles: usize,
    pub dated: usize,
    pub problems: Vec<Problem>,
    /// The records of crawls that are not pages, by kind.
    pub skipped: BTreeMap<Skip, usize>,
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
        // Written in place: a line made apart and copied in was a string per problem, and a
        // large archive has a warning for every undated article.
        for p in &self.problems {
            let kind = if p.is_error { "error" } else { "warning" };
            let _ = writeln!(s, "  {kind}: {}: {}", p.file, p.message);
        }
        s
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
