//! The `arshif` command: parse the CLI, call the library, map errors to an exit code.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};

use arshif::archive::{self, compiled};
use arshif::capture::{self, Captured, Format};
use arshif::export::ExportArgs;
use arshif::web::ServeArgs;

/// Turns raw text dumps of Arabic news pages into a self-hostable web archive.
#[derive(Parser)]
#[command(version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Print each page's parsed record as one JSON line (no override applied).
    Parse {
        /// Files to parse: text dumps (`.txt`), saved pages (`.html`, `.htm`) and crawls
        /// (`.warc`, `.warc.gz`, one line per page record).
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Parse every dump of the articles folder and write the compiled archive.
    Build {
        /// Folder of `.txt` dumps (with optional `<stem>.toml` overrides and `about.md`).
        #[arg(long, env = "ARSHIF_ARTICLES", default_value = "articles")]
        articles: PathBuf,
        /// Folder the compiled archive is written to.
        #[arg(long, env = "ARSHIF_BUILD_DIR", default_value = archive::DEFAULT_BUILD_DIR)]
        out: PathBuf,
        /// Also print how long each step of the build took.
        #[arg(long, env = "ARSHIF_BUILD_TIMINGS")]
        timings: bool,
    },
    /// Serve the archive over HTTP (building it first when it is missing or stale).
    Serve(ServeArgs),
    /// Write the whole site as static files, with .gz and .br siblings, for nginx or a CDN.
    Export(ExportArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Parse { files }) => parse(&files),
        Some(Command::Build {
            articles,
            out,
            timings,
        }) => build(&articles, &out, timings),
        Some(Command::Serve(args)) => arshif::web::run(args).map(|()| true),
        Some(Command::Export(args)) => arshif::export::run(args).map(|report| {
            eprint!("{}", report.render());
            true
        }),
        // `cargo run --release` with no arguments serves the shipped articles.
        None => match Cli::parse_from(["arshif", "serve"]).command {
            Some(Command::Serve(args)) => arshif::web::run(args).map(|()| true),
            _ => unreachable!("`serve` parses as the serve command"),
        },
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("arshif: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// JSON Lines on stdout, one per page in order (a WARC file gives one per page record, and
/// its other records are counted on stderr); `Ok(false)` when any page failed.
fn parse(files: &[PathBuf]) -> anyhow::Result<bool> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut all_ok = true;
    for path in files {
        let source = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        let mut lines = Vec::new();
        // (whether it is an error, the line)
        let error_line = |error: String| {
            (
                true,
                serde_json::json!({ "source": source, "error": error }).to_string(),
            )
        };
        match Format::of(&source) {
            Some(Format::Warc) => match std::fs::File::open(path) {
                Ok(file) => {
                    let crawl = capture::read_warc(std::io::BufReader::new(file), &source);
                    for page in crawl.pages {
                        lines.push(match page {
                            Ok(c) => (false, record_line(c, &source)?),
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
            format => lines.push(match archive::read_dump(path) {
                Ok(bytes) => {
                    let read = match format {
                        Some(Format::Html) => {
                            capture::read_html(&bytes, &source, &capture::Origin::default())
                        }
                        // Any other name is read as a text dump, as it always was.
                        _ => capture::read_text(&bytes, &source),
                    };
                    match read {
                        Ok(c) => (false, record_line(c, &source)?),
                        Err(e) => error_line(e.to_string()),
                    }
                }
                Err(e) => error_line(format!("{}: {e}", path.display())),
            }),
        }
        for (failed, line) in lines {
            all_ok &= !failed;
            writeln!(out, "{line}").context("writing to stdout")?;
        }
    }
    out.flush().context("writing to stdout")?;
    Ok(all_ok)
}

/// A page's record as a JSON line, with the id the archive would give it.
fn record_line(mut c: Captured, source: &str) -> anyhow::Result<String> {
    c.record.article.id = c
        .target
        .as_deref()
        .and_then(archive::id::from_url)
        .unwrap_or_else(|| archive::id::from_file_name(source));
    Ok(serde_json::to_string(&c.record)?)
}

fn build(articles: &std::path::Path, out: &std::path::Path, timings: bool) -> anyhow::Result<bool> {
    let (_, report) = archive::build_and_save(articles, &compiled::path_in(out))?;
    eprint!("{}", report.render());
    if timings {
        for (step, took) in &report.timings {
            eprintln!("{:>9.3} s  {step}", took.as_secs_f64());
        }
    }
    Ok(report.errors() == 0)
}
