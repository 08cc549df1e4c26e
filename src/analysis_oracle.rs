//! The build's analysis of an article (`Profile::with_terms`: its thread profile and the lines
//! of terms the index reads) against the same analysis written plainly: each word analysed
//! afresh, its line built by string joins, its counts in a map. The build's path is cut for
//! speed (a memo of words, terms copied in fixed-size blocks, a tally of hashes, a heap); this
//! is its oracle, on made-up texts and on real pages: the same terms, pairs and positions,
//! and the same profile; with the parser's keys of the body's paragraphs
//! (`Profile::with_terms_keyed`, a build's worker) or without them, and with keys of
//! another body, which must not be read.

use std::collections::HashMap;

use proptest::prelude::*;

use crate::arabic::words;
use crate::archive::threads::{Profile, ProfileRef};
use crate::parse::{Article, BodyKeys};
use crate::search::analyzer::{Analyzed, analyze_word};
use crate::search::line_tokens;
use crate::stable_hash::stable_hash;

/// The terms of `text` that the index holds, each with its word's analysis, analysed afresh.
fn fresh(text: &str) -> Vec<Analyzed> {
    words(text)
        .map(|range| analyze_word(&text[range]))
        .collect()
}

/// A line of terms as `search::line` documents it: the terms joined by U+001F, a NUL, then
/// each term's length as a character, 100 more for a common term.
fn plain_line(words: &[Analyzed]) -> String {
    let terms: Vec<&Analyzed> = words.iter().filter(|w| !w.term.is_empty()).collect();
    let mut line = terms
        .iter()
        .map(|w| &*w.term)
        .collect::<Vec<_>>()
        .join("\u{1F}");
    line.push('\0');
    for w in terms {
        let len = w.term.len() as u32 + if w.common { 100 } else { 0 };
        line.push(char::from_u32(len).unwrap());
    }
    line
}

/// The tokens a field reads of a text's words: its terms at their positions, and the pairs of
/// adjacent terms one of which is common.
fn plain_tokens(words: &[Analyzed]) -> [Vec<(String, usize)>; 2] {
    let terms: Vec<&Analyzed> = words.iter().filter(|w| !w.term.is_empty()).collect();
    let at = terms
        .iter()
        .enumerate()
        .map(|(i, w)| (w.term.to_string(), i))
        .collect();
    let pairs = terms
        .windows(2)
        .filter(|w| w[0].common || w[1].common)
        .enumerate()
        .map(|(i, w)| (format!("{}\u{1F}{}", w[0].term, w[1].term), i))
        .collect();
    [at, pairs]
}

/// A body's key as a profile holds it: a hash of its folded words and their length.
type BodyKey = Option<(u64, u32)>;

/// The profile of `article`: its body's key, and its 32 most counted terms and pairs (title
/// twice, stopwords left out and passed over by pairs, no pair across two texts), sorted by
/// their hashes folded to 32 bits.
fn plain_profile(article: &Article) -> (BodyKey, Vec<(u32, u32)>) {
    let mut counts: HashMap<u64, u32> = HashMap::new();
    let mut count = |text: &[Analyzed], n: u32| {
        let mut previous: Option<u64> = None;
        for w in text.iter().filter(|w| !w.term.is_empty() && !w.stopword) {
            *counts.entry(w.term_hash).or_default() += n;
            if let Some(p) = previous {
                *counts.entry(p.rotate_left(17) ^ w.term_hash).or_default() += n;
            }
            previous = Some(w.term_hash);
        }
    };
    count(&fresh(&article.title), 2);
    let (mut key, mut len) = (0u64, 0usize);
    for paragraph in &article.body {
        let words = fresh(paragraph);
        count(&words, 1);
        for range in crate::arabic::words(paragraph) {
            let folded = crate::arabic::normalize(&paragraph[range]);
            let h = (key ^ stable_hash(folded.as_bytes())).wrapping_mul(0x9E37_79B9_7F4A_7C15);
            key = h ^ (h >> 29);
            len += folded.len() + 1;
        }
    }
    let mut terms: Vec<(u32, u32)> = counts
        .into_iter()
        .map(|(t, n)| ((t ^ (t >> 32)) as u32, n))
        .collect();
    terms.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    terms.truncate(crate::archive::threads::PROFILE);
    terms.sort_unstable();
    ((len > 0).then_some((key, len as u32)), terms)
}

/// `article`'s analysis by the build's path against the plain one: without keys, with
/// `keys` (the parser's of its body, or another body's) and with the keys its body makes.
fn agrees(article: &Article, keys: &BodyKeys) {
    agrees_with(article, &BodyKeys::default());
    agrees_with(article, keys);
    agrees_with(article, &BodyKeys::of(&article.body));
}

fn agrees_with(article: &Article, keys: &BodyKeys) {
    let (profile, lines) = Profile::with_terms_keyed(article, keys);
    let title = fresh(&article.title);
    let body: Vec<Analyzed> = article.body.iter().flat_map(|p| fresh(p)).collect();
    let [got_title, got_body] = lines.lines();
    for (name, got, words) in [("title", got_title, &title), ("body", got_body, &body)] {
        assert_eq!(got, plain_line(words), "{name} of {:?}", article.title);
        let [terms, pairs] = plain_tokens(words);
        assert_eq!(line_tokens(got, false), terms, "{name}'s terms");
        assert_eq!(line_tokens(got, true), pairs, "{name}'s pairs");
    }
    let profile = ProfileRef::from(&profile);
    let (body_key, terms) = plain_profile(article);
    assert_eq!(profile.body(), body_key, "{:?}", article.title);
    assert_eq!(
        profile.terms().collect::<Vec<_>>(),
        terms,
        "{:?}",
        article.title
    );
}

/// Latin words of every length a term can have and past it, Arabic words of remembered and
/// too long lengths: terms of each length copied into the line.
fn made_up() -> Vec<Article> {
    let latin: Vec<String> = (1..=110).map(|n| "k".repeat(n - 1) + "z").collect();
    let arabic: Vec<String> = (1..=60).map(|n| "ب".repeat(n)).collect();
    let mut articles = vec![
        Article {
            title: "وزيرُ الخارجيّة في «دمشق» لـ\"داعش\"".into(),
            body: vec![
                "قال وزير الخارجية إن وزير الخارجية في موسكو مع بوتين".into(),
                "ـ والمعارضة ١٠ مرات. … Obama's AFP-news 2015".into(),
                String::new(),
                "في من على".into(),
                // Clitics stretched off their word by tatweel, and tatweel inside a word.
                "قال لـ\"داعش\" ولـداعش بـ الأخبـــار كـ \"الناتو\" 1436 هـ".into(),
                // Harakat, marks alone, digits of three scripts, Latin with punctuation inside
                // its words, a capital whose lower case is two characters.
                "الإسلاميَّةُ ً ّ ١٠ ۱۹۷۹ 2015 U.S. e-mail İSTANBUL Ünal ZWNJ\u{200C}in".into(),
                " «قال»  ...  الوزير، ".into(),
            ],
            ..Article::default()
        },
        Article::default(),
    ];
    for words in [&latin, &arabic] {
        articles.push(Article {
            title: words.join(" "),
            body: words
                .iter()
                .rev()
                .map(|w| format!("قال {w} في {w}"))
                .collect(),
            ..Article::default()
        });
    }
    articles
}

/// The real pages' articles and the threads' fixtures, each with the keys of its body its
/// parse left.
fn real() -> Vec<(Article, BodyKeys)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut articles = Vec::new();
    for dir in ["real-pages", "bodies"] {
        let mut names: Vec<_> = std::fs::read_dir(root.join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "txt"))
            .collect();
        names.sort();
        for path in names {
            let bytes = std::fs::read(&path).unwrap();
            if let Ok(article) = crate::parse_dump(&bytes, &path.display().to_string()) {
                articles.push((article, BodyKeys::with_last(BodyKeys::clone)));
            }
        }
    }
    assert!(articles.len() >= 15, "{} articles", articles.len());
    articles
}

#[test]
fn the_builds_analysis_is_the_plain_one_on_made_up_and_real_articles() {
    let made_up: Vec<(Article, BodyKeys)> = made_up()
        .into_iter()
        .map(|a| (a, BodyKeys::default()))
        .collect();
    let real = real();
    // Twice: the first pass fills the thread's memo of words, the second reads it.
    for _ in 0..2 {
        for (article, keys) in made_up.iter().chain(&real) {
            agrees(article, keys);
        }
    }
    // Keys of another body: a paragraph is read by its key only where its text is the one the
    // key was made of.
    for pair in real.windows(2) {
        agrees(&pair[0].0, &pair[1].1);
    }
    let (article, keys) = &real[0];
    let mut changed = article.clone();
    // A letter for another of as many bytes: a text of the key's length, not the key's text.
    changed.body[0] = changed.body[0].replacen('ا', "ل", 1);
    assert_eq!(changed.body[0].len(), article.body[0].len());
    assert_ne!(changed.body[0], article.body[0]);
    agrees(&changed, keys);
    changed.body[0].push_str(" وزير");
    agrees(&changed, keys);
    changed.body.remove(0);
    agrees(&changed, keys);
}

/// The parser's keys cover the real pages' paragraphs: the keyed path is the one tested.
#[test]
fn the_real_pages_paragraphs_are_read_by_their_keys() {
    let (mut paragraphs, mut keyed) = (0, 0);
    for (article, keys) in real() {
        for (i, p) in article.body.iter().enumerate() {
            paragraphs += 1;
            keyed += usize::from(keys.key(i, p).is_some());
        }
    }
    assert!(keyed * 10 >= paragraphs * 9, "{keyed} of {paragraphs}");
}

proptest! {
    #[test]
    fn the_builds_analysis_is_the_plain_one_on_any_text(
        title in "[ a-zبتثوالمعكيرـًّ«»\"\\.]{0,40}",
        body in proptest::collection::vec("[ a-zA-Zبتثوالمعكيرأةىـًّ«»\"\\.١2\u{200C}]{0,80}", 0..6),
    ) {
        let other = BodyKeys::of(&body.iter().rev().cloned().collect::<Vec<_>>());
        agrees(&Article { title, body, ..Article::default() }, &other);
    }
}
