//! The collection: every dump of a folder parsed, overridden, ordered, and compiled into a
//! file that the server loads without parsing anything again.
//!
//! A build folder holds the compiled archive (light records: [`compiled`]), the articles'
//! bodies and dump texts ([`store`], read one article at a time), the search index, and the
//! build cache ([`build_cache`]) that lets the next build parse only what changed. Bodies go
//! to the store and the index as dumps are parsed, so memory holds the light records, not the
//! text.
//!
//! The files by job: [`model`] (the loaded [`Archive`] and its lookups) over [`entry`]
//! (one article and its note); [`scan`] (the folder listed, ids given; by `listing`, or by
//! `watched` from the last listing and a watcher's names: [`Changes`]) and [`dump`] (one
//! dump read, parsed and overridden); [`build`] (every dump's result, threads and duplicates,
//! the archive assembled, and written in reading order by `in_order`; each file's articles
//! held by `results`, whole or, reused from the cache, as `light_entry`'s heads) and
//! [`incremental`] (the saved build, under the folder's [`build_lock`]: the cache, the store
//! and the search index brought up to date, the index by `reconcile` from the cache's
//! `index_list`, each article stored and indexed as it is parsed by `store_sink`; its steps
//! `results_compaction` and `index_update`);
//! [`report`] (what a build says); [`threads`], [`facets`] and the [`slug`]s of their names,
//! [`overrides`], [`id`], [`compiled`] (whether it is current: [`staleness`]), [`store`] (its
//! frames in `part_frame`), [`build_cache`] and [`grouping_file`] (the threads' base and links
//! kept for the next build), each replaced whole through [`atomic_file`] (the long lists of
//! the first two in content-named `chunk_files`, their serde seeds in `chunk_seeds`, written
//! only when new, the archive's known by their `entry_print`); [`dataset`] (the archive as JSON
//! documents, its gzip in `gzip_members`); [`commands`] (`arshif build` and `arshif parse`);
//! `bodies` (the bodies search passages are found in, read from the store and kept);
//! `str_order` (sorting by ids and names through their first bytes); `read_once` and
//! `read_ahead` (a build's dumps read once, a few ahead of their parse, and not kept in the
//! page cache); `own_pool` (work beside a lap on a thread of its own, its passes too);
//! `prefetch` (a cache line asked for before it is read, where the reads to come are known).

pub mod atomic_file;
mod bodies;
pub mod build;
pub mod build_cache;
pub mod build_lock;
mod built_from;
mod carried_order;
mod chunk_cut;
mod chunk_files;
mod chunk_seeds;
mod chunked;
pub mod commands;
mod compaction;
pub mod compiled;
pub mod dataset;
pub mod dump;
pub mod entry;
mod entry_print;
pub mod facets;
mod found;
pub mod grouping_file;
pub mod gzip_members;
pub mod id;
mod in_order;
pub mod incremental;
mod index_list;
mod index_update;
#[doc(hidden)]
pub mod kill_point;
mod last_build;
mod light_entry;
mod list_digest;
mod listing;
mod lookup;
pub mod model;
pub mod overrides;
mod own_pool;
mod part_frame;
mod prefetch;
mod read_ahead;
mod read_once;
mod reconcile;
pub mod report;
mod results;
mod results_compaction;
pub mod scan;
pub mod slug;
pub mod staleness;
mod stamp;
pub mod store;
mod store_sink;
mod str_order;
mod sweep;
mod thread_ids;
pub mod threads;
mod told;
mod watched;

use std::path::{Path, PathBuf};

pub use build::build;
pub use chunked::Entries;
pub use dump::{DumpReadError, read_dump};
pub use entry::Entry;
pub use incremental::{
    Check, build_and_save, build_and_save_for_exit, build_and_save_for_exit_knowing,
    build_and_save_knowing, build_and_save_then_load, load_or_build, load_or_build_locked,
};
#[cfg(target_os = "linux")]
pub use listing::STAMP_FIELDS;
pub use model::Archive;
pub use report::{BuildReport, Problem, Warnings};
pub use watched::{Changes, folder_is_as_listed};

/// What can go wrong with the collection as a whole (a single bad dump is not one of them:
/// it becomes a [`Problem`] in the report and the build goes on).
///
/// A `cause` is part of the message rather than a `source`: a log line with `{e}` keeps it,
/// and the CLI's `{:#}` does not print it a second time.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error("cannot read the articles folder {path}: {cause}")]
    ReadDir {
        path: PathBuf,
        cause: std::io::Error,
    },
    #[error("cannot write the compiled archive {path}: {cause}")]
    Write {
        path: PathBuf,
        cause: std::io::Error,
    },
    #[error("cannot read the compiled archive {path}: {cause}")]
    Read {
        path: PathBuf,
        cause: std::io::Error,
    },
    #[error("the compiled archive {path} is unreadable ({reason}); rebuild it with `arshif build`")]
    Corrupt { path: PathBuf, reason: String },
    #[error(
        "{build_dir} holds the archive of {held}, not of {asked}; give `--build-dir` another \
         folder, or `--force` to replace that archive"
    )]
    AnotherFolder {
        build_dir: PathBuf,
        held: String,
        asked: String,
    },
    #[error("cannot lock the build folder with {path}: {cause}")]
    Lock {
        path: PathBuf,
        cause: std::io::Error,
    },
    #[error(transparent)]
    Search(#[from] crate::search::SearchError),
    /// What had to be built again to be served (an index of another format) could not be.
    #[error("{why}, and it could not be built again: {cause}")]
    CannotRebuild {
        why: crate::search::SearchError,
        cause: Box<ArchiveError>,
    },
}

/// Where `build` writes and `serve` looks when no build folder is given.
pub const DEFAULT_BUILD_DIR: &str = "target/arshif";

/// The search index's folder beside a compiled archive.
pub fn search_dir(compiled_path: &Path) -> PathBuf {
    compiled_path.with_file_name("search")
}
