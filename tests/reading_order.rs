//! `arshif build` carries the reading order over from its last build (`order.bin`) rather
//! than sorting it again: after dumps are added, removed and moved (an override's date), the
//! compiled archive lists its articles as a build from nothing does.

use std::fs;
use std::path::{Path, PathBuf};

use arshif::archive::{self, compiled};

const SEEDS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/articles");
const REAL_PAGES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/real-pages");

fn copy_txt(from: &str, to: &Path) {
    for f in fs::read_dir(from).unwrap() {
        let path: PathBuf = f.unwrap().path();
        if path.extension().is_some_and(|e| e == "txt") {
            fs::copy(&path, to.join(path.file_name().unwrap())).unwrap();
        }
    }
}

/// The compiled archive's ids in reading order, and how many are dated.
fn listed(out: &Path) -> (Vec<String>, Vec<bool>) {
    let archive = compiled::load(&compiled::path_in(out)).unwrap();
    archive
        .entries()
        .iter()
        .map(|e| (e.article.id.clone(), e.article.published.is_some()))
        .unzip()
}

/// A folder of the seeds and the real pages.
fn articles() -> tempfile::TempDir {
    let articles = tempfile::tempdir().unwrap();
    copy_txt(SEEDS, articles.path());
    copy_txt(REAL_PAGES, articles.path());
    articles
}

/// `arshif build` of `dir` into `out`.
fn build_for_exit(dir: &Path, out: &Path) {
    archive::build_and_save_for_exit(dir, &compiled::path_in(out)).unwrap();
}

#[test]
fn a_build_for_exit_lists_the_articles_as_a_build_from_nothing_after_they_moved() {
    let (articles, out) = (articles(), tempfile::tempdir().unwrap());
    let dir = articles.path();
    let exit = |out: &Path| build_for_exit(dir, out);
    exit(out.path());
    assert!(out.path().join("order.bin").is_file());
    let before = listed(out.path());

    // One dump moved to the front by its override's date, one behind every other dated one
    // (its date set late), one removed, one added (a copy under a new name).
    fs::write(
        dir.join("003_cf3dbfa4259b4b62.toml"),
        "published = \"1990-01-01\"\n",
    )
    .unwrap();
    fs::write(
        dir.join("000_4873890e38737cc0.toml"),
        "published = \"2099-12-31\"\n",
    )
    .unwrap();
    fs::remove_file(dir.join("004_91d6d82d5f0f2529.txt")).unwrap();
    fs::copy(
        dir.join("001_adaa0b1178cf7dcd.txt"),
        dir.join("500_50000000bbbb0000.txt"),
    )
    .unwrap();
    exit(out.path());
    let after = listed(out.path());
    assert_ne!(after, before);
    assert_eq!(
        after.0.first().map(String::as_str),
        Some("cf3dbfa4259b4b62")
    );

    let fresh = tempfile::tempdir().unwrap();
    exit(fresh.path());
    assert_eq!(after, listed(fresh.path()));

    // Nothing changed: the order carried over as it is.
    exit(out.path());
    assert_eq!(listed(out.path()), after);
}

/// A `+1` with no duplicate (every article served, the order carried with one article put in):
/// written out, its order is a build from nothing's, and so is the next one's.
#[test]
fn a_build_for_exit_after_a_new_article_lists_as_a_build_from_nothing() {
    let (articles, out) = (articles(), tempfile::tempdir().unwrap());
    let dir = articles.path();
    let exit = |out: &Path| build_for_exit(dir, out);
    exit(out.path());
    let before = listed(out.path());

    // A made-up article of its own, dated among the others, and one moved by its override.
    fs::write(
        dir.join("600_60000000cccc0000.txt"),
        "الرئيسية\nأخبار\nوزير الزراعة يفتتح سوقاً جديدة للمزارعين في حمص\n\
         حمص ـ سامر علي\n12 أيلول 2015\n\
         افتتح وزير الزراعة صباح اليوم سوقاً جديدة للمزارعين في مدينة حمص، تضم أكثر من مئة محل \
         لبيع الخضار والفواكه.\n\
         وقال الوزير إن السوق ستخفف عن المزارعين أعباء النقل وتقرّب الإنتاج من المستهلكين.\n",
    )
    .unwrap();
    fs::write(
        dir.join("003_cf3dbfa4259b4b62.toml"),
        "published = \"1990-01-01\"\n",
    )
    .unwrap();
    exit(out.path());
    let after = listed(out.path());
    assert_eq!(after.0.len(), before.0.len() + 1);
    assert!(after.0.contains(&"60000000cccc0000".to_string()));
    let fresh = tempfile::tempdir().unwrap();
    exit(fresh.path());
    assert_eq!(after, listed(fresh.path()));

    // Another new article: the order the last build carried, carried again.
    fs::copy(
        dir.join("600_60000000cccc0000.txt"),
        dir.join("601_60000000dddd0000.txt"),
    )
    .unwrap();
    fs::remove_file(dir.join("600_60000000cccc0000.txt")).unwrap();
    exit(out.path());
    let again = listed(out.path());
    let fresh = tempfile::tempdir().unwrap();
    exit(fresh.path());
    assert_eq!(again, listed(fresh.path()));
}
