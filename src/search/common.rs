//! The common terms: those whose pairs the index holds (`super::pairs`), because a phrase
//! query over their positions would read most of the archive.
//!
//! A fixed table, not the build's own counts: an update indexes what a build from nothing
//! does, and a query knows without the index which of its phrases are pairs. Lucene's
//! `CommonGramsFilter` works the same way, from a list of common words its user gives.

use std::sync::LazyLock;

use rustc_hash::FxHashSet;

/// The longest common term, in bytes: a line of terms writes a common term's length above
/// every other length, in one ASCII byte (`super::pairs`).
pub(super) const MAX_COMMON_BYTES: usize = 27;

/// The common terms, each as the analyzer gives it and with a word it is the term of.
///
/// Where they come from (notes/build-bench.md, session 48):
/// - the first 100: the most frequent terms of Arabic, from the word list of wordfreq 3.1.1
///   (PyPI; its large Arabic list, drawn from web text, Wikipedia, subtitles and social media):
///   its 100,000 most frequent words through our analyzer, the frequencies of the words of one
///   term summed, in that order. Function words most of them, then everyday words and a few
///   names a general list holds (محمد, مصر, السعودية);
/// - the other 31: words of state and politics that news reports use in nearly every story
///   (ministers, government, foreign affairs, defence, security, the army, the United Nations
///   and States, parliament, courts, police, statements), chosen by knowledge of Arabic news
///   and not by counts of the bench's generated corpus; the general list ranks them lower
///   (وزير 406th) than news does.
///
/// In the articles of `tests/fixtures/real-pages` (3,176 pairs of adjacent terms), a pair of
/// which one term is in this table is 51 % of the pairs and 50 % of their distinct keys; in the
/// bench's generated corpus 55 % and 37 %.
const COMMON: [(&str, &str); 131] = [
    ("في", "في"),
    ("من", "من"),
    ("علي", "على"),
    ("ان", "أن"),
    ("الي", "إلى"),
    ("لا", "لا"),
    ("و", "و"),
    ("ما", "ما"),
    ("عن", "عن"),
    ("تي", "التي"),
    ("هذا", "هذا"),
    ("مع", "مع"),
    ("كان", "كان"),
    ("او", "أو"),
    ("ذي", "الذي"),
    ("كل", "كل"),
    ("هذه", "هذه"),
    ("له", "الله"),
    ("هو", "هو"),
    ("بعد", "بعد"),
    ("ذلك", "ذلك"),
    ("يوم", "اليوم"),
    ("اخر", "أخرى"),
    ("احد", "أحد"),
    ("لكن", "ولكن"),
    ("عام", "عام"),
    ("عمل", "العمل"),
    ("بين", "بين"),
    ("لم", "لم"),
    ("انه", "أنه"),
    ("كانت", "كانت"),
    ("حتي", "حتى"),
    ("اي", "أي"),
    ("قبل", "قبل"),
    ("اول", "الأول"),
    ("يا", "يا"),
    ("هي", "هي"),
    ("انا", "انا"),
    ("دول", "الدولة"),
    ("اذا", "إذا"),
    ("غير", "غير"),
    ("قد", "قد"),
    ("عالم", "العالم"),
    ("بعض", "بعض"),
    ("كما", "كما"),
    ("انت", "أنت"),
    ("عرب", "العربية"),
    ("ايضا", "أيضا"),
    ("خلال", "خلال"),
    ("اكثر", "أكثر"),
    ("حيث", "حيث"),
    ("مثل", "مثل"),
    ("رئيس", "رئيس"),
    ("نفس", "نفسه"),
    ("وهو", "وهو"),
    ("لي", "لي"),
    ("جديد", "جديد"),
    ("الا", "إلا"),
    ("تم", "تم"),
    ("حال", "حالة"),
    ("هناك", "هناك"),
    ("بان", "بأن"),
    ("خاص", "الخاصة"),
    ("يمكن", "يمكن"),
    ("محمد", "محمد"),
    ("ناس", "الناس"),
    ("شخص", "شخص"),
    ("مصر", "مصر"),
    ("قال", "قال"),
    ("لك", "لك"),
    ("ولا", "ولا"),
    ("طريق", "طريق"),
    ("ثم", "ثم"),
    ("سعود", "السعودية"),
    ("شيء", "شيء"),
    ("وقت", "الوقت"),
    ("بن", "بن"),
    ("كبير", "كبير"),
    ("مدين", "مدينة"),
    ("به", "به"),
    ("جميع", "جميع"),
    ("ثان", "الثاني"),
    ("وفي", "وفي"),
    ("ليس", "ليس"),
    ("عند", "عند"),
    ("عدد", "عدد"),
    ("امر", "الأمر"),
    ("عندما", "عندما"),
    ("ذين", "الذين"),
    ("كثير", "الكثير"),
    ("صور", "صور"),
    ("منذ", "منذ"),
    ("لان", "لأن"),
    ("فيه", "فيه"),
    ("يكون", "يكون"),
    ("فيها", "فيها"),
    ("ومن", "ومن"),
    ("حيا", "الحياة"),
    ("انها", "أنها"),
    ("كيف", "كيف"),
    // State and politics in the news.
    ("زير", "وزير"),
    ("زار", "وزارة"),
    ("زراء", "الوزراء"),
    ("رئاس", "رئاسة"),
    ("حكوم", "حكومة"),
    ("خارج", "الخارجية"),
    ("داخل", "الداخلية"),
    ("دفاع", "الدفاع"),
    ("مجلس", "مجلس"),
    ("امن", "الأمن"),
    ("قوات", "القوات"),
    ("جيش", "الجيش"),
    ("امم", "الأمم"),
    ("متحد", "المتحدة"),
    ("لاي", "الولايات"),
    ("اتحاد", "الاتحاد"),
    ("برلم", "البرلمان"),
    ("نواب", "النواب"),
    ("حزب", "الحزب"),
    ("محكم", "المحكمة"),
    ("شرط", "الشرطة"),
    ("مصادر", "مصادر"),
    ("بيان", "بيان"),
    ("اعلن", "أعلن"),
    ("اكد", "أكد"),
    ("متحدث", "المتحدث"),
    ("مؤتمر", "مؤتمر"),
    ("صحف", "صحفي"),
    ("عاصم", "العاصمة"),
    ("منطق", "منطقة"),
    ("محافظ", "محافظة"),
];

/// Whether `term` (a term as the analyzer gives it) is common.
pub(super) fn is_common(term: &str) -> bool {
    static SET: LazyLock<FxHashSet<&'static str>> =
        LazyLock::new(|| COMMON.into_iter().map(|(term, _)| term).collect());
    term.len() <= MAX_COMMON_BYTES && SET.contains(term)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::analyzer::terms;

    #[test]
    fn each_common_term_is_the_term_of_its_word_short_and_listed_once() {
        let mut seen = FxHashSet::default();
        for (term, word) in COMMON {
            assert_eq!(terms(word), [term], "{word}");
            assert!(term.len() <= MAX_COMMON_BYTES, "{term}");
            assert!(seen.insert(term), "{term} twice");
            assert!(is_common(term), "{term}");
        }
        for term in ["سوريا", "لافروف", "", "2015", "فيي"] {
            assert!(!is_common(term), "{term}");
        }
    }
}
