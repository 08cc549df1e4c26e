//! The `arshif` command: parse the CLI, call the library, map errors to an exit code.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};

use arshif::archive::{self, compiled};
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
    /// Print each dump's parsed record as one JSON line (no override applied).
    Parse {
        /// Dump files to parse.
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

/// JSON Lines on stdout, one per file in order; `Ok(false)` when any file failed.
fn parse(files: &[PathBuf]) -> anyhow::Result<bool> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut all_ok = true;
    for path in files {
        let source = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        let line = match archive::read_dump(path) {
            Ok(bytes) => match arshif::parse_dump(&bytes, &source) {
                Ok(article) => serde_json::to_string(&article)?,
                Err(e) => {
                    all_ok = false;
                    serde_json::json!({ "source": source, "error": e.to_string() }).to_string()
                }
            },
            Err(e) => {
                all_ok = false;
                let error = format!("{}: {e}", path.display());
                serde_json::json!({ "source": source, "error": error }).to_string()
            }
        };
        writeln!(out, "{line}").context("writing to stdout")?;
    }
    out.flush().context("writing to stdout")?;
    Ok(all_ok)
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
