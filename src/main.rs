//! The `arshif` command: parse the CLI, call the library, map errors to an exit code.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};

use arshif::archive::commands::{self, BuildArgs};
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
    #[command(after_help = commands::BUILD_EXIT_STATUS)]
    Build(BuildArgs),
    /// Serve the archive over HTTP (building it first when it is missing or stale).
    Serve(ServeArgs),
    /// Write the whole site as static files, with .gz and .br siblings, for nginx or a CDN.
    Export(ExportArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Parse { files }) => {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            commands::parse(&files, &mut out).context("writing to stdout")
        }
        Some(Command::Build(args)) => {
            return match commands::build(&args) {
                Ok(built) => ExitCode::from(built.exit_status()),
                Err(e) => {
                    eprintln!("arshif: {:#}", anyhow::Error::from(e));
                    ExitCode::FAILURE
                }
            };
        }
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
