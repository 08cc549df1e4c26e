//! A search index over hand-made articles, queried as a reader would: the five seeds and
//! seven unrelated articles of `tests/fixtures/bodies`, and articles spelled every way the
//! analyzer folds together.

use std::collections::BTreeSet;
use std::path::Path;

use arshif::Article;
use arshif::archive::{Archive, Entry};
use arshif::search::{SearchIndex, SearchResults, build_index};

pub fn entry(id: &str, title: &str, body: Vec<String>) -> Entry {
    Entry {
        article: Article {
            id: id.into(),
            title: title.into(),
            body,
            ..Article::default()
        },
        note: None,
        overridden: vec![],
        text: String::new(),
        provenance: Default::default(),
    }
}

/// Each fixture file is a title line, then one paragraph a line.
pub fn fixtures() -> Vec<Entry> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bodies");
    let mut entries: Vec<Entry> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            let mut lines = text.lines();
            let title = lines.next().unwrap();
            let body = lines
                .filter(|l| !l.trim().is_empty())
                .map(String::from)
                .collect();
            entry(p.file_stem().unwrap().to_str().unwrap(), title, body)
        })
        .collect();
    entries.sort_by(|a, b| a.article.id.cmp(&b.article.id));
    entries
}

/// An index and the archive of the same entries, whose bodies its passages are found in.
pub struct Indexed {
    pub index: SearchIndex,
    pub archive: Archive,
}

impl Indexed {
    pub fn open(path: &Path, entries: &[Entry]) -> Indexed {
        Indexed {
            index: SearchIndex::open(path).unwrap(),
            archive: Archive::from_entries(entries.to_vec(), None),
        }
    }

    pub fn search(
        &self,
        query: &str,
        page: usize,
        per_page: usize,
    ) -> tantivy::Result<SearchResults> {
        self.index.search(query, page, per_page, &self.archive)
    }
}

pub fn index(entries: &[Entry]) -> (tempfile::TempDir, Indexed) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("search");
    build_index(entries.iter().map(|e| &e.article), &path).unwrap();
    let index = Indexed::open(&path, entries);
    (dir, index)
}

/// How many of `entries` hold `word`, as written, in the title or the first paragraph.
pub fn holding(entries: &[Entry], word: &str) -> usize {
    entries
        .iter()
        .filter(|e| e.article.title.contains(word) || e.article.body[0].contains(word))
        .count()
}

pub fn ids(index: &Indexed, query: &str) -> BTreeSet<String> {
    let results = index.search(query, 0, 100).unwrap();
    assert_eq!(
        results.total.value(),
        results.hits.len(),
        "{query}: one page holds all"
    );
    results.hits.into_iter().map(|h| h.id).collect()
}

/// Made-up articles whose matches are spelled every way the analyzer folds together (variant
/// table, harakat, clitics stretched by tatweel, Latin case), after paragraphs without them,
/// with a query's letters inside longer words, and with more matching paragraphs than a
/// snippet compares.
pub fn spelled_many_ways() -> Vec<Entry> {
    let paragraphs = [
        "قال المتحدث إن الاجتماع انتهى دون اتفاق.",
        "وصل وفد سُورِيَّةٌ إلى العاصمة، وقالت وكالة AFP إن تنظيم لـ\"داعش\" تراجع.",
        "السورة الأولى من الكتاب تُقرأ في المساء، والأسوار عالية.",
        "أكد وزير الخارجية الأمريكي أن سورية وسوريا ليستا كلمتين مختلفتين في البحث.",
        "رد وزيرُ الخارجيةِ الروسي لافروف على كيري: سوريا، سوريا، سوريا.",
        "وأضاف أن الأميركية والأمريكية واحدة، وأن أوباما واوباما كذلك.",
        "فقرة أخيرة فيها سوريا مرة واحدة بعد كل ما سبق.",
    ];
    (0..paragraphs.len())
        .map(|k| {
            // Each article starts at another paragraph, so matches come first, late or not at all.
            let body = paragraphs[k..].iter().map(|p| p.to_string()).collect();
            entry(&format!("m{k}"), &format!("مقال {k}"), body)
        })
        .collect()
}
