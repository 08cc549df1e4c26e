//! The five real seeds of `articles/`, built and indexed as `arshif build` would, and their ids
//! by file name: for the web tests that check what the parser makes of real pages.

use std::collections::BTreeSet;

use arshif::archive::{self, Archive};
use arshif::web::Config;
use axum::Router;

use super::{process, searchable};

/// The seeds as the build makes them: parsed, threaded, indexed.
pub fn seed_site(per_page: usize) -> (tempfile::TempDir, Router, Archive) {
    let (archive, _) = archive::build(&process::articles()).unwrap();
    let (dir, app) = searchable(
        archive::build(&process::articles()).unwrap().0,
        Config {
            per_page,
            search_per_page: per_page,
            ..Config::default()
        },
    );
    (dir, app, archive)
}

/// The id of the seed whose file name starts with `prefix` (`000_`).
pub fn seed_id(archive: &Archive, prefix: &str) -> String {
    archive
        .entries()
        .iter()
        .find(|e| e.article.source.starts_with(prefix))
        .unwrap_or_else(|| panic!("no seed {prefix}"))
        .article
        .id
        .clone()
}

pub fn seed_ids(archive: &Archive, prefixes: &[&str]) -> BTreeSet<String> {
    prefixes.iter().map(|p| seed_id(archive, p)).collect()
}
