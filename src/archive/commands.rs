//! The `arshif build` and `arshif parse` commands as library calls: their flags, what they
//! print, and whether every file went through (`main` maps that to the exit status).

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use clap::Args;

use super::{ArchiveError, DEFAULT_BUILD_DIR, build_and_save, compiled, id, read_dump};
use crate::parse::parse_dump;

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
}

/// Builds the archive of `args.articles` into `args.build_dir` and prints the report (and the
/// timings, when asked) on stderr. `Ok(false)` when a file had an error.
pub fn build(args: &BuildArgs) -> Result<bool, ArchiveError> {
    let (_, report) = build_and_save(&args.articles, &compiled::path_in(&args.build_dir))?;
    eprint!("{}", report.render());
    if args.timings {
        for (step, took) in &report.timings {
            eprintln!("{:>9.3} s  {step}", took.as_secs_f64());
        }
    }
    Ok(report.errors() == 0)
}

/// Each file's parsed record as one JSON line on `out`, in order, with the id the archive
/// would give it; a file that yields no record gets a line with its `error`. `Ok(false)` when
/// any file failed; `Err` only when `out` cannot be written.
pub fn parse(files: &[PathBuf], out: &mut impl Write) -> io::Result<bool> {
    let mut all_ok = true;
    for path in files {
        let line = match record(path) {
            Ok(json) => json,
            Err(json) => {
                all_ok = false;
                json
            }
        };
        writeln!(out, "{line}")?;
    }
    out.flush()?;
    Ok(all_ok)
}

/// One file's JSON line: the record, or (as `Err`) the error line.
fn record(path: &Path) -> Result<String, String> {
    let source = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let error = |error: String| serde_json::json!({ "source": source, "error": error }).to_string();
    let bytes = read_dump(path).map_err(|e| error(format!("{}: {e}", path.display())))?;
    let mut article = parse_dump(&bytes, &source).map_err(|e| error(e.to_string()))?;
    article.id = id::from_file_name(&source);
    serde_json::to_string(&article).map_err(|e| error(e.to_string()))
}
