//! An index's own frequent terms (src/search/frequent.rs): chosen from the first articles in
//! the build's order, the same set whatever the workers' timing, and the set an update indexes
//! with.

use std::fs;
use std::path::{Path, PathBuf};

use arshif::archive::{self, compiled};
use arshif::search::frequent::SAMPLE_ARTICLES;
use arshif::search::{ArticleTerms, FrequentTerms, SearchIndex};

const SEEDS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/articles");

/// The seeds' texts, in name order.
fn seeds() -> Vec<String> {
    let mut files: Vec<PathBuf> = (fs::read_dir(SEEDS).unwrap())
        .map(|f| f.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|f| fs::read_to_string(f).unwrap())
        .collect()
}

/// `n` dumps in `dir`, each a seed with words added to its longest line, one of them only in
/// the last files: frequent in the whole folder, not in its first [`SAMPLE_ARTICLES`].
fn write_dumps(dir: &Path, n: usize) {
    let seeds = seeds();
    for k in 0..n {
        let text = &seeds[k % seeds.len()];
        let longest = text.lines().max_by_key(|l| l.len()).unwrap();
        let late = if k + 30 >= SAMPLE_ARTICLES {
            " مؤخرا"
        } else {
            ""
        };
        let added = format!("{longest} كلمة{} {}{late}", k % 7, "ب".repeat(k % 11 + 2));
        let text = text.replacen(longest, &added, 1);
        fs::write(dir.join(format!("{k:05}.txt")), text).unwrap();
    }
}

/// The frequent terms of the index the build folder `out` holds.
fn frequent_of(out: &Path) -> FrequentTerms {
    let search = archive::search_dir(&compiled::path_in(out));
    SearchIndex::open(&search).unwrap().frequent().clone()
}

/// What the first `n` dumps of `dir` (in name order) choose.
fn chosen_from_first(dir: &Path, n: usize) -> FrequentTerms {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|f| f.unwrap().path())
        .collect();
    files.sort();
    let terms: Vec<ArticleTerms> = files[..n]
        .iter()
        .map(|f| {
            let article = arshif::parse_dump(&fs::read(f).unwrap(), "x.txt").unwrap();
            ArticleTerms::of(&article)
        })
        .collect();
    FrequentTerms::choose(&terms)
}

#[test]
fn builds_from_nothing_choose_the_first_articles_set_whatever_the_workers() {
    let articles = tempfile::tempdir().unwrap();
    write_dumps(articles.path(), SAMPLE_ARTICLES + 400);
    let want = chosen_from_first(articles.path(), SAMPLE_ARTICLES);
    assert!(!want.is_empty());
    // Not the whole folder's: the files past the first hold a word of their own.
    assert_ne!(
        want,
        chosen_from_first(articles.path(), SAMPLE_ARTICLES + 400)
    );
    for threads in [1, 2, 3] {
        let out = tempfile::tempdir().unwrap();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            archive::build_and_save(articles.path(), &compiled::path_in(out.path())).unwrap()
        });
        assert_eq!(frequent_of(out.path()), want, "{threads} threads");
    }
}
