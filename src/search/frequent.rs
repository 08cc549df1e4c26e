//! The archive's frequent terms: those whose pairs with each other the index holds, beside
//! the fixed table's (`super::common`), chosen once when the index is born and kept in its
//! stamp (`super::format`).
//!
//! A two-word phrase outside the pairs is searched by its words' positions, which reads every
//! article holding both words (≈ 176 ns an article): dear only when both words are frequent,
//! as its cost is bounded by the rarer word's articles. A general table cannot know an
//! archive's own frequent words (the outlet's name, the places it covers every day), so the
//! index also holds the pairs of two terms that are both in [`FREQUENT_SHARE`] of the first
//! [`SAMPLE_ARTICLES`] articles, in the build's order (Lucene's CommonGrams word list, which
//! its user derives from the collection's counts). The set is frozen in the index's stamp:
//! every update indexes what the index was born with, and a query knows which of its phrases
//! are pairs.
//!
//! An archive grows after its index is born: a term frequent in the first articles stays
//! frequent on the whole at these shares (notes/build-bench.md, session 49), and a term that
//! becomes frequent later is searched by positions, at the cost its frequency gives.

use rustc_hash::{FxHashMap, FxHashSet};

use super::common::{MAX_FREQUENT_BYTES, is_common};
use super::line::{Kind, each_term, mark_frequent};
use super::pairs::ArticleTerms;

/// A term is frequent when at least this share of the sample's articles hold it.
pub const FREQUENT_SHARE: f64 = 0.10;

/// The articles the set is chosen from: the build's first, in its order.
pub const SAMPLE_ARTICLES: usize = 500;

/// The most terms a set holds, the most frequent first: the stamp is read at every open of the
/// index.
pub const MAX_FREQUENT: usize = 128;

/// The terms of an archive whose pairs with each other its index holds.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct FrequentTerms {
    /// In the stamp's order: the most frequent first, then by the term.
    terms: Vec<Box<str>>,
    set: FxHashSet<Box<str>>,
}

impl FrequentTerms {
    /// The set of `terms`, in their order, but for any a line cannot mark frequent (empty or
    /// longer than [`MAX_FREQUENT_BYTES`]).
    pub fn of(terms: impl IntoIterator<Item = impl Into<Box<str>>>) -> FrequentTerms {
        let terms: Vec<Box<str>> = (terms.into_iter().map(Into::into))
            .filter(|t| (1..=MAX_FREQUENT_BYTES).contains(&str::len(t)))
            .collect();
        let set = terms.iter().cloned().collect();
        FrequentTerms { terms, set }
    }

    /// The terms of `sample` (an archive's first articles, in the build's order) that at least
    /// [`FREQUENT_SHARE`] of its articles hold, neither common nor longer than
    /// [`MAX_FREQUENT_BYTES`], at most [`MAX_FREQUENT`] of them: the same set for the same
    /// articles in the same order.
    pub fn choose<'a>(sample: impl IntoIterator<Item = &'a ArticleTerms>) -> FrequentTerms {
        FrequentTerms::choose_at(sample, FREQUENT_SHARE, MAX_FREQUENT)
    }

    /// [`FrequentTerms::choose`] at another share than [`FREQUENT_SHARE`] and another cap than
    /// [`MAX_FREQUENT`] (the floor bench's).
    pub fn choose_at<'a>(
        sample: impl IntoIterator<Item = &'a ArticleTerms>,
        share: f64,
        most: usize,
    ) -> FrequentTerms {
        // Each term's articles, and the last article that counted it.
        let mut counts: FxHashMap<&str, (u32, u32)> = FxHashMap::default();
        let mut articles = 0u32;
        for terms in sample {
            articles += 1;
            for line in [&terms.title, &terms.body] {
                for term in each_term(line) {
                    let (count, last) = counts.entry(term).or_insert((0, 0));
                    if *last != articles {
                        (*count, *last) = (*count + 1, articles);
                    }
                }
            }
        }
        let least = (f64::from(articles) * share).ceil().max(1.0) as u32;
        let mut frequent: Vec<(u32, &str)> = counts
            .into_iter()
            .filter(|&(term, (count, _))| {
                count >= least && term.len() <= MAX_FREQUENT_BYTES && !is_common(term)
            })
            .map(|(term, (count, _))| (count, term))
            .collect();
        frequent.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
        frequent.truncate(most);
        FrequentTerms::of(frequent.into_iter().map(|(_, term)| term))
    }

    pub fn len(&self) -> usize {
        self.terms.len()
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// The terms, the most frequent first.
    pub fn terms(&self) -> impl Iterator<Item = &str> {
        self.terms.iter().map(|t| &**t)
    }

    pub(super) fn contains(&self, term: &str) -> bool {
        self.set.contains(term)
    }

    /// `line` with its terms of this set marked frequent (`super::line`).
    pub(super) fn mark(&self, line: String) -> String {
        match self.is_empty() {
            true => line,
            false => mark_frequent(line, |term| self.contains(term)),
        }
    }
}

/// Whether the pairs fields of an index born with `frequent` hold the pair of the adjacent
/// terms `first` and `second`: when one of them is common, or both frequent, as `Line::pairs`
/// decides at indexing.
pub fn pair_is_indexed(first: &str, second: &str, frequent: &FrequentTerms) -> bool {
    let kind = |term: &str| match (is_common(term), frequent.contains(term)) {
        (true, _) => Kind::Common,
        (false, true) => Kind::Frequent,
        (false, false) => Kind::Other,
    };
    kind(first).pairs_with(kind(second))
}

impl std::fmt::Debug for FrequentTerms {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.terms()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::Article;

    fn article(title: &str, body: &str) -> ArticleTerms {
        ArticleTerms::of(&Article {
            title: title.into(),
            body: vec![body.into()],
            ..Article::default()
        })
    }

    #[test]
    fn the_terms_in_a_tenth_of_the_articles_are_chosen_but_common_and_long_ones() {
        let long = "ب".repeat(MAX_FREQUENT_BYTES); // 30 bytes: too long.
        let mut sample = vec![article(
            "كيري لافروف",
            &format!("جون كيري في جنيف {long} وزير"),
        )];
        for i in 0..9 {
            sample.push(article("خبر", &format!("نص {i} {long} جنيف وزير")));
        }
        // Twenty articles: a tenth is two.
        for i in 0..10 {
            sample.push(article("تقرير", &format!("مقال {}", i + 10)));
        }
        let chosen = FrequentTerms::choose(&sample);
        let terms: Vec<&str> = chosen.terms().collect();
        // جنيف 10, خبر 9, نص 9, تقرير 10, مقال 10; كير 1 (twice in one article); وزير and في
        // common; the long term too long.
        assert_eq!(terms, ["تقرير", "جنيف", "مقال", "خبر", "نص"]);
        assert!(chosen.contains("جنيف") && !chosen.contains("كير"));
        assert_eq!(FrequentTerms::choose(&sample), chosen, "the same again");
        assert!(FrequentTerms::choose([]).is_empty());
    }

    #[test]
    fn at_most_the_cap_is_chosen_the_most_frequent_first() {
        let words: Vec<String> = (0..MAX_FREQUENT + 10).map(|i| format!("w{i}")).collect();
        // Word i in 1 + i % 3 articles of three: all at least a tenth.
        let sample: Vec<ArticleTerms> = (0..3)
            .map(|k| {
                let text: Vec<&str> = (words.iter().enumerate())
                    .filter(|(i, _)| i % 3 >= k)
                    .map(|(_, w)| w.as_str())
                    .collect();
                article("", &text.join(" "))
            })
            .collect();
        let chosen = FrequentTerms::choose(&sample);
        assert_eq!(chosen.len(), MAX_FREQUENT);
        let in_three = words.iter().enumerate().filter(|(i, _)| i % 3 == 2);
        assert!(in_three.clone().all(|(_, w)| chosen.contains(w)));
        assert!(chosen.terms().take(in_three.count()).all(|t| {
            let i: usize = t[1..].parse().unwrap();
            i % 3 == 2
        }));
    }
}
