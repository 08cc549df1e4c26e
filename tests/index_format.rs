//! A build folder whose search index another arshif wrote, in another format: `serve` builds
//! it again before it answers (or refuses to start, saying why), `build` writes it again from
//! nothing and says so, and searches answer.
//!
//! Regression (session 47): the format was not checked, only the index's fields. A build by a
//! new binary wrote the index anew (its cache was another program's), but `serve` of the old
//! folder served the old index, and with another term dictionary compiled in (tantivy's
//! `quickwit` feature) every search answered 500.

mod common;

use std::fs;

use arshif::archive::{self, compiled};
use arshif::search::INDEX_FORMAT;
use arshif::web::site::{self, Build};
use arshif::web::{AppState, Config, app};
use common::stamped;
use serde_json::Value;

const SEEDS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/articles");

/// A word of one seed ("Lavrov"), percent-encoded for a query.
const LAVROV: &str = "%D9%84%D8%A7%D9%81%D8%B1%D9%88%D9%81";

/// Stamps other than this arshif's: none (every index before the stamp), an older version's,
/// a newer one's, and a payload that is not a stamp.
fn other_stamps() -> [Option<String>; 4] {
    [
        None,
        Some("arshif index format 1".to_owned()),
        Some(format!("arshif index format {}", u32::MAX)),
        Some("not ours".to_owned()),
    ]
}

/// The seeds copied into a new folder and built into another.
fn seeds_built() -> (tempfile::TempDir, tempfile::TempDir) {
    let articles = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    for f in fs::read_dir(SEEDS).unwrap().map(|f| f.unwrap().path()) {
        if f.extension().is_some_and(|e| e == "txt") {
            fs::copy(&f, articles.path().join(f.file_name().unwrap())).unwrap();
        }
    }
    archive::build_and_save(articles.path(), &compiled::path_in(out.path())).unwrap();
    (articles, out)
}

/// How many articles `/search.json` finds for Lavrov, in the site `serve` opens.
async fn served_total(site: arshif::web::Site) -> u64 {
    let router = app(AppState::with_site(site, Config::default()));
    let reply = common::get(&router, &format!("/search.json?q={LAVROV}")).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let doc: Value = serde_json::from_str(&reply.body).unwrap();
    doc["total"].as_u64().unwrap()
}

#[tokio::test]
async fn serve_builds_an_index_of_another_format_again_before_it_answers() {
    let (articles, out) = seeds_built();
    let (site, report) = site::open(articles.path(), out.path(), Build::IfFolderStale).unwrap();
    assert!(report.is_none(), "a current folder is served as it is");
    let found = served_total(site).await;
    assert!(found > 0);
    for stamp in other_stamps() {
        stamped::put_empty_index(out.path(), stamp.as_deref());
        let (site, report) = site::open(articles.path(), out.path(), Build::IfFolderStale).unwrap();
        let report = report.expect("the index was built again");
        let formats = report
            .index_of_other_format
            .expect("and the report says why");
        assert_eq!(formats.wanted, INDEX_FORMAT);
        assert_ne!(formats.found, Some(INDEX_FORMAT));
        assert_eq!(served_total(site).await, found, "stamp {stamp:?}");
        assert!(stamped::is_of_this_format(out.path()));
    }
}

#[test]
fn build_writes_an_index_of_another_format_again_from_nothing_and_says_so() {
    let (articles, out) = seeds_built();
    for stamp in other_stamps() {
        stamped::put_empty_index(out.path(), stamp.as_deref());
        let report = archive::build_and_save(articles.path(), &compiled::path_in(out.path()))
            .unwrap()
            .1;
        // Nothing parsed again: the cache is this program's; only the index is new.
        assert_eq!(report.reused, 5);
        assert!(
            report
                .render(archive::Warnings::Each)
                .contains("the search index was of ")
                && report
                    .render(archive::Warnings::Each)
                    .contains("written again from nothing"),
            "{}",
            report.render(archive::Warnings::Each)
        );
        assert!(stamped::is_of_this_format(out.path()));
        let compiled_path = compiled::path_in(out.path());
        let archive = compiled::load(&compiled_path).unwrap();
        let index = arshif::search::SearchIndex::open(&archive::search_dir(&compiled_path));
        let found = index.unwrap().search("لافروف", 0, 10, &archive).unwrap();
        assert!(found.total.value() > 0, "stamp {stamp:?}");
    }
    // A build over this arshif's index says nothing of it.
    let report = archive::build_and_save(articles.path(), &compiled::path_in(out.path()))
        .unwrap()
        .1;
    assert!(report.index_of_other_format.is_none());
}

#[test]
fn serve_without_the_dumps_refuses_an_index_of_another_format_naming_it_and_the_formats() {
    let (articles, out) = seeds_built();
    stamped::put_empty_index(out.path(), Some("arshif index format 1"));
    let gone = articles.path().to_path_buf();
    drop(articles);
    let refused = site::open(&gone, out.path(), Build::IfFolderStale)
        .err()
        .unwrap();
    let said = refused.to_string();
    let search = archive::search_dir(&compiled::path_in(out.path()));
    for part in [
        &*search.display().to_string(),
        "of format 1",
        &*format!("reads format {INDEX_FORMAT}"),
        "could not be built again",
        &*gone.display().to_string(),
    ] {
        assert!(said.contains(part), "{part:?} in {said:?}");
    }
}
