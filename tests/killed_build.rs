//! A build `kill -9`ed between its index's commit and its cache's rename: whichever comes
//! first, the next build leaves the index holding each served article exactly once.
//!
//! Regression (session 41): the cache, which says what the index holds, was renamed into
//! place while the index was committed beside it; killed between the two, the cache said the
//! index held the new articles when it did not, and the next build never added them: they
//! stayed out of search until their dumps changed.

use std::fs;
use std::path::Path;
use std::sync::Mutex;

use arshif::archive::kill_point::{self, KillPoint};
use arshif::archive::{self, compiled};
use arshif::search::{SearchIndex, Total};

const SEEDS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/articles");
const REAL_PAGES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/real-pages");

/// The real page added by the build that is killed.
const HELD_BACK: &str = "001_arabic.sputniknews.com.txt";

/// The kill point is one for the process: the tests take turns.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Copies every file of the folder `from` (not its folders) into `to`, but the one named `but`.
fn copy_folder(from: &str, to: &Path, but: &str) {
    for f in fs::read_dir(from).unwrap().map(|f| f.unwrap().path()) {
        if f.is_file() && f.file_name().unwrap() != but {
            fs::copy(&f, to.join(f.file_name().unwrap())).unwrap();
        }
    }
}

fn build(articles: &Path, out: &Path) {
    archive::build_and_save(articles, &compiled::path_in(out)).unwrap();
}

/// How many articles a search for `word` finds in the build folder `out`.
fn found(out: &Path, word: &str) -> Total {
    let compiled_path = compiled::path_in(out);
    let archive = compiled::load(&compiled_path).unwrap();
    let index = SearchIndex::open(&archive::search_dir(&compiled_path)).unwrap();
    index.search(word, 0, 10, &archive).unwrap().total
}

/// Builds the seeds and the real pages but one, then adds that page (a word of its own in
/// it) and builds again, killed at `point`; then builds once more, and the new page is found
/// once. An article that changed is found once too.
fn killed_then_built_again(point: KillPoint) {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let articles = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let dir = articles.path();
    copy_folder(SEEDS, dir, "");
    copy_folder(REAL_PAGES, dir, HELD_BACK);
    build(dir, out.path());

    let added = dir.join(HELD_BACK);
    fs::copy(Path::new(REAL_PAGES).join(HELD_BACK), &added).unwrap();
    add_word(&added, "زمردستان");
    add_word(&dir.join("000_4873890e38737cc0.txt"), "قرمزيات");
    kill_point::stop_at(Some(point));
    let killed = std::panic::catch_unwind(|| build(dir, out.path()));
    kill_point::stop_at(None);
    assert!(killed.is_err(), "the build reached {point:?}");

    build(dir, out.path());
    assert_eq!(found(out.path(), "زمردستان"), Total::Exact(1), "added");
    assert_eq!(found(out.path(), "قرمزيات"), Total::Exact(1), "changed");
}

/// Adds `word` to the longest line of dump `path` (a body paragraph).
fn add_word(path: &Path, word: &str) {
    let text = fs::read_to_string(path).unwrap();
    let longest = text.lines().max_by_key(|l| l.len()).unwrap();
    let text = text.replacen(longest, &format!("{longest} {word}"), 1);
    fs::write(path, text).unwrap();
}

#[test]
fn a_build_killed_once_its_cache_is_named_leaves_the_next_one_finding_new_articles_once() {
    killed_then_built_again(KillPoint::CacheNamed);
}

#[test]
fn a_build_killed_once_its_index_is_committed_leaves_the_next_one_finding_new_articles_once() {
    killed_then_built_again(KillPoint::IndexCommitted);
}
