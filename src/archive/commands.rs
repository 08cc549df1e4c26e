//! The `arshif build` and `arshif parse` commands as library calls: their flags, what they
//! print, and whether every file went through (`main` maps that to the exit status).

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use clap::Args;

use super::{
    ArchiveError, DEFAULT_BUILD_DIR, Warnings, build_and_save_for_exit, build_cache, compiled, id,
    read_dump,
};
use crate::capture::{self, Captured, Format};

/// The flags of `arshif build`.
#[derive(Debug, Clone, Args)]
pub struct BuildArgs {
    /// Folder of `.txt` dumps (with optional `<stem>.toml` overrides and `about.md`).
    #[arg(long, env = "ARSHIF_ARTICLES", default_value = "articles")]
    pub articles: PathBuf,
    /// Folder the compiled archive is written to (the one `serve` and `export` read).
    // `--out` was its first name: still accepted, not shown (an alias is hidden from --help).
    #[arg(long, alias = "out", env = "ARSHIF_BUILD_DIR", default_value = DEFAULT_BUILD_DIR)]
    pub build_dir: PathBuf,
    /// Also print how long each step of the build took.
    #[arg(long, env = "ARSHIF_BUILD_TIMINGS")]
    pub timings: bool,
    /// List every warning on a line of its own: without it, a warning that many files share
    /// (such as no publication date found) is said once, with their count and the first few.
    #[arg(long)]
    pub all_warnings: bool,
    /// Replace the archive in the build folder even when it was built from another articles
    /// folder (without it, that is refused).
    #[arg(long)]
    pub force: bool,
}

/// What a build that wrote the archive says by its exit status (an error, when none was
/// written, is status 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Built {
    /// Every file read (warnings aside): status 0.
    Clean,
    /// Written, but some files were refused (the report names them): status
    /// [`EXIT_REFUSED_FILES`].
    WithRefusedFiles,
}

/// The exit status of a build that wrote the archive but refused files. Not 1, which says no
/// archive was written, nor 2, clap's for a command line it did not understand.
pub const EXIT_REFUSED_FILES: u8 = 3;

/// What `arshif build --help` says of its exit status (README's "Commands" says the same).
pub const BUILD_EXIT_STATUS: &str = "Exit status:
  0  the archive was built and written, and every file read
  1  no archive was written (the error is on standard error)
  2  the command line was not understood
  3  the archive was built and written, but files were refused (the report names them)";

impl Built {
    pub fn exit_status(self) -> u8 {
        match self {
            Built::Clean => 0,
            Built::WithRefusedFiles => EXIT_REFUSED_FILES,
        }
    }
}

/// Builds the archive of `args.articles` into `args.build_dir` and prints the report (and the
/// timings, when asked) on stderr; `Err` when no archive was written.
pub fn build(args: &BuildArgs) -> Result<Built, ArchiveError> {
    let compiled_path = compiled::path_in(&args.build_dir);
    if !args.force
        && let Some(held) = compiled::source_of(&compiled_path)
        && let Ok(asked) = compiled::Source::of(&args.articles)
        && !held.same_folder(&asked)
    {
        return Err(ArchiveError::AnotherFolder {
            build_dir: args.build_dir.clone(),
            held: held.articles(),
            asked: asked.articles(),
        });
    }
    pad_the_heap_for_a_cache(&args.build_dir);
    // Nothing reads the archive here, and the process ends with the command.
    let report = build_and_save_for_exit(&args.articles, &compiled_path)?;
    let warnings = match args.all_warnings {
        true => Warnings::Each,
        false => Warnings::Grouped,
    };
    eprint!("{}", report.render(warnings));
    if args.timings {
        for (step, took) in &report.timings {
            eprintln!("{:>9.3} s  {step}", took.as_secs_f64());
        }
        eprintln!(
            "{:>9}    articles left to index when the parse ended",
            report.left_to_index
        );
    }
    let built = if report.errors() == 0 {
        Built::Clean
    } else {
        Built::WithRefusedFiles
    };
    // A warning per undated article: not freed one at a time, the process ends here.
    std::mem::forget(report);
    Ok(built)
}

/// Asks glibc's malloc to keep 64 MB free at the top of each heap when the build reads a
/// cache (a `+1`), and says whether it did. Without it, decoding the cache on both cores grew
/// each thread's arena a page at a time, each page an `mprotect` that takes the address
/// space's lock from the other core's page faults (38,023 calls in a `+1` at 100,000, 44 with
/// it, `strace -c`), and a heap trimmed after a free was grown again into fresh pages (minor
/// faults 89 K -> 78 K). Not for a build from nothing, which was not measured with it
/// (notes/build-bench.md, session 27).
fn pad_the_heap_for_a_cache(build_dir: &Path) -> bool {
    if !build_cache::path_in(build_dir).is_file() {
        return false;
    }
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: only sets one of malloc's parameters, which it reads under its own lock.
    return unsafe { libc::mallopt(libc::M_TOP_PAD, 64 << 20) } == 1;
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    false
}

/// Each page's parsed record as one JSON line on `out`, in order, with the id the archive would
/// give it: a text dump or a saved page gives one line, a WARC file one per page record (its
/// other records are counted on stderr). A page that yields no record gets a line with its
/// `error`. `Ok(false)` when any page failed; `Err` only when `out` cannot be written.
pub fn parse(files: &[PathBuf], out: &mut impl Write) -> io::Result<bool> {
    let mut all_ok = true;
    for path in files {
        for (failed, line) in lines(path) {
            all_ok &= !failed;
            writeln!(out, "{line}")?;
        }
    }
    out.flush()?;
    Ok(all_ok)
}

/// One file's JSON lines, each with whether it is an error.
fn lines(path: &Path) -> Vec<(bool, String)> {
    let source = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let error_line = |error: String| {
        (
            true,
            serde_json::json!({ "source": source, "error": error }).to_string(),
        )
    };
    let record_line = |c: Captured| match record(c, &source) {
        Ok(line) => (false, line),
        Err(e) => error_line(e.to_string()),
    };
    let mut lines = Vec::new();
    match Format::of(&source) {
        Some(Format::Warc) => match std::fs::File::open(path) {
            Ok(file) => {
                let crawl = capture::read_warc(io::BufReader::new(file), &source);
                for page in crawl.pages {
                    lines.push(match page {
                        Ok(c) => record_line(c),
                        Err(e) => error_line(e.to_string()),
                    });
                }
                if !crawl.skipped.is_empty() {
                    let counts: Vec<String> = crawl
                        .skipped
                        .iter()
                        .map(|(kind, n)| format!("{n} {}", kind.label()))
                        .collect();
                    eprintln!("{source}: skipped {}", counts.join(", "));
                }
            }
            Err(e) => lines.push(error_line(format!("{}: {e}", path.display()))),
        },
        format => lines.push(match read_dump(path) {
            Ok(bytes) => {
                let read = match format {
                    Some(Format::Html) => {
                        capture::read_html(&bytes, &source, &capture::Served::default())
                    }
                    // Any other name is read as a text dump, as it always was.
                    _ => capture::read_text(bytes, &source),
                };
                match read {
                    Ok(c) => record_line(c),
                    Err(e) => error_line(e.to_string()),
                }
            }
            Err(e) => error_line(format!("{}: {e}", path.display())),
        }),
    }
    lines
}

/// A page's record as JSON, with the id the archive would give it.
fn record(mut c: Captured, source: &str) -> serde_json::Result<String> {
    c.record.article.id = c
        .target
        .as_deref()
        .and_then(id::from_url)
        .unwrap_or_else(|| id::from_file_name(source));
    serde_json::to_string(&c.record)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_heap_is_padded_for_a_build_over_a_cache_only() {
        let dir = tempfile::tempdir().unwrap();
        assert!(!pad_the_heap_for_a_cache(dir.path()));
        std::fs::write(build_cache::path_in(dir.path()), b"").unwrap();
        assert_eq!(
            pad_the_heap_for_a_cache(dir.path()),
            cfg!(all(target_os = "linux", target_env = "gnu"))
        );
    }
}
