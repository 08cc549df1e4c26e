//! The `arshif` command: parse the CLI, call the library, map errors to an exit code.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};

use arshif::archive::commands::{self, BuildArgs};
use arshif::export::ExportArgs;
use arshif::web::ServeArgs;

// mimalloc, told to keep the pages it frees (`keep_freed_pages`): under glibc's malloc each
// live rebuild took its large vectors in fresh pages the kernel zeroed (a fifth of a live `+1`'s
// CPU at a million); kept, a rebuild at 100,000 took 18 ticks of CPU, not 26, and a build from
// nothing 3 to 9 % less (notes/build-bench.md, session 41).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc.h's `mi_option_purge_delay` (the same place in its versions 2 and 3; the crate
/// names it in neither).
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Tells mimalloc never to give freed pages back to the kernel (by default it does so a second
/// after the free, and each rebuild of a server then faulted them in again, zeroed). A server's
/// memory stays at its rebuild's peak: at 100,000 its RSS settled at 337 MB after twelve
/// rebuilds. Set, not defaulted: mimalloc reads its options before `main`. `MIMALLOC_PURGE_DELAY`
/// in the environment is left to rule.
fn keep_freed_pages() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: sets one of mimalloc's options, a word it reads atomically.
        unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, -1) };
    }
}

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
    keep_freed_pages();
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

#[cfg(test)]
mod tests {
    /// The option read back as set: `mi_option_set_default` did nothing, as mimalloc had read
    /// its options before `main`. Its default first (1,000 ms in mimalloc 3): a mimalloc whose
    /// options moved would set another one.
    #[test]
    fn freed_pages_are_kept() {
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
            return;
        }
        // SAFETY: reads one of mimalloc's options.
        let get = || unsafe { libmimalloc_sys::mi_option_get(super::PURGE_DELAY) };
        assert_eq!(get(), 1000);
        super::keep_freed_pages();
        assert_eq!(get(), -1);
    }
}
