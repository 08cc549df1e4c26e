//! The terms that tell nothing of a story: function words every report uses, single letters
//! and numbers. The story threads' profiles leave them out (`crate::archive::threads`); the
//! analyzer marks them ([`super::analyzer::Analyzed::stopword`]) with a word's term, once a
//! word, where the profiles tested every occurrence of every word (some 25 instructions each,
//! notes/build-bench.md session 31).

use std::sync::LazyLock;

use rustc_hash::FxHashSet;

/// Words every report uses, whatever its story (as the analyzer gives them: normalised and
/// stemmed). With a large archive their IDF is near zero anyway; in a small one they would
/// make unrelated articles look alike.
pub(crate) const STOPWORDS: [&str; 62] = [
    "في", "من", "الي", "علي", "عن", "مع", "ان", "انه", "انها", "ما", "لا", "لم", "لن", "قد", "كما",
    "هذا", "هذه", "ذلك", "تلك", "تي", "ذي", "ذين", "حيث", "بين", "بعد", "قبل", "عند", "كل", "او",
    "ثم", "قال", "اضاف", "وفي", "ومع", "وقد", "كان", "كانت", "الا", "اي", "منذ", "خلال", "ضد", "حول",
    "غير", "له", "لها", "هو", "هي", "هم", "نحن", "لكن", "اذا", "فيه", "فيها", "منه", "منها",
    "عليه", "به", "بها", "تم", "ايضا", "نحو",
];

/// Whether the term `t` tells nothing of a story.
pub(crate) fn is_stopword(t: &str) -> bool {
    static SET: LazyLock<FxHashSet<&'static str>> =
        LazyLock::new(|| STOPWORDS.into_iter().collect());
    // Single letters and numbers (dates, counts) say nothing of the story either.
    t.chars().nth(1).is_none() || t.bytes().all(|b| b.is_ascii_digit()) || SET.contains(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn function_words_letters_and_numbers_are_stopwords_and_names_are_not() {
        for s in STOPWORDS {
            assert!(is_stopword(s), "{s}");
        }
        for s in ["ب", "", "2016", "7", "x"] {
            assert!(is_stopword(s), "{s:?}");
        }
        for s in ["سوريا", "في2", "فيه1", "لافروف", "ab", "2016م"] {
            assert!(!is_stopword(s), "{s}");
        }
    }
}
