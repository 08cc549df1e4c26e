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
use arshif::web::site::{self, Build};
use arshif::web::{AppState, Config, app};

mod common;

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
    build_killed_at(point, dir, out.path());

    build(dir, out.path());
    assert_eq!(found(out.path(), "زمردستان"), Total::Exact(1), "added");
    assert_eq!(found(out.path(), "قرمزيات"), Total::Exact(1), "changed");
}

/// A build of `articles` into `out` that stops at `point` as `kill -9` would stop it there.
fn build_killed_at(point: KillPoint, articles: &Path, out: &Path) {
    kill_point::stop_at(Some(point));
    let killed = std::panic::catch_unwind(|| build(articles, out));
    kill_point::stop_at(None);
    assert!(killed.is_err(), "the build reached {point:?}");
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

/// A build killed once it has written an index of another format again (or once its cache is
/// named after that) leaves the next one serving an index of this format that finds every
/// article once, the changed one too. Killed before its new index is moved into place, the old
/// one is still there, of the other format, and never served (`tests/index_format.rs`).
#[test]
fn a_build_killed_after_replacing_an_index_of_another_format_leaves_the_next_one_right() {
    for point in [KillPoint::IndexCommitted, KillPoint::CacheNamed] {
        let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
        let articles = tempfile::tempdir().unwrap();
        let out = tempfile::tempdir().unwrap();
        let dir = articles.path();
        copy_folder(SEEDS, dir, "");
        build(dir, out.path());
        let lavrov = found(out.path(), "لافروف");
        common::stamped::put_empty_index(out.path(), Some("arshif index format 1"));
        add_word(&dir.join("000_4873890e38737cc0.txt"), "قرمزيات");

        build_killed_at(point, dir, out.path());

        build(dir, out.path());
        assert!(common::stamped::is_of_this_format(out.path()), "{point:?}");
        assert_eq!(found(out.path(), "قرمزيات"), Total::Exact(1), "{point:?}");
        assert_eq!(found(out.path(), "لافروف"), lavrov, "{point:?}");
    }
}

/// The temporaries a build killed with `kill -9` leaves (its files written beside their place,
/// never renamed) are removed by the next build, in the folder's root and in a chunk folder;
/// files that are not ours stay, and the archive is the same and served.
///
/// Regression (session 41): nothing ever removed them; at a million dumps the build cache's
/// alone is tens of megabytes a kill.
#[tokio::test]
async fn the_next_build_removes_the_temporaries_of_a_killed_one() {
    let turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let articles = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let (dir, root) = (articles.path(), out.path());
    copy_folder(SEEDS, dir, "");
    build(dir, root);
    let compiled_path = compiled::path_in(root);
    let articles_of = || -> Vec<String> {
        let archive = compiled::load(&compiled_path).unwrap();
        archive.entries().iter().map(|e| format!("{e:?}")).collect()
    };
    let before = articles_of();

    // A chunk folder is the build's own: a build that saves the file naming its chunks
    // removes whatever else is in it; one that does not save it left its temporaries.
    let chunks = root.join("archive.chunks");
    let chunk = fs::read_dir(&chunks).unwrap().next().unwrap().unwrap();
    let chunk = chunk.file_name().into_string().unwrap();
    let planted = [
        root.join("archive.bin.tmp4194304.0"),
        root.join("cache.bin.tmp4194304.1"),
        root.join("threads.bin.tmp77.12"),
        chunks.join(format!("{chunk}.tmp4194304.2")),
        root.join("cache.chunks")
            .join(format!("{chunk}.tmp4194304.3")),
    ];
    let not_ours = [
        root.join("notes.tmp"),
        root.join("x.tmp12"),
        root.join("cache.bin.tmp12"),
        root.join("notes.txt.tmp1.2"),
    ];
    for path in planted.iter().chain(&not_ours) {
        fs::write(path, vec![7u8; 4096]).unwrap();
    }

    build(dir, root);
    for path in &planted {
        assert!(!path.exists(), "{} is removed", path.display());
    }
    for path in &not_ours {
        assert!(path.exists(), "{} is not ours and stays", path.display());
    }
    assert_eq!(articles_of(), before, "the archive is the same");
    assert!(chunks.join(&chunk).exists(), "the chunk stays");

    let (site, _) = site::open(dir, root, Build::IfStale).unwrap();
    drop(turn);
    assert_eq!(site.archive.len(), 5);
    let router = app(AppState::with_site(site, Config::default()));
    assert_eq!(common::get(&router, "/").await.status, 200);
}
