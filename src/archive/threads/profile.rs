//! An article's thread profile: its most frequent search terms and word pairs (the analyzer's
//! normalised, stemmed, variant-mapped words, title counted twice), and a hash of its folded
//! body for finding verbatim duplicates. Computed from the article alone, so a build keeps it.

use std::cell::RefCell;
use std::sync::LazyLock;

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::PROFILE;
use crate::parse::Article;
use crate::search::analyzer::Analyzed;
use crate::search::{ArticleTerms, Word};
use crate::stable_hash::stable_hash;

/// What threads need of one article, computed from it alone: a build keeps it between runs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    /// A hash of the normalised body's words ([`body_mix`] of each folded word's
    /// [`stable_hash`], in order) and the body's length, `None` when the body has no words:
    /// articles with equal keys are verbatim duplicates. Among the archive's articles a false
    /// match of 64 bits (and a length) is about as likely as a disk error.
    pub(super) body: Option<(u64, u32)>,
    /// The [`PROFILE`] most frequent terms and word pairs (title counted twice) as
    /// `(term hash, count)`, sorted by hash. 32-bit hashes: two of an archive's terms sharing
    /// one moves a weight a little, and the profiles stay small enough to keep. Kept as one
    /// run of little-endian bytes: a `+1` reads back every article's profile from the build
    /// cache, and as varints its 64 numbers were decoded a byte at a time.
    #[serde(with = "crate::serde_le")]
    pub(super) terms: Vec<(u32, u32)>,
}

impl Profile {
    pub fn of(article: &Article) -> Profile {
        Profile::with_terms(article).0
    }

    /// The profile of `article` and the terms the search index reads of it, from one pass
    /// over its words (the index would otherwise analyse the body again).
    pub fn with_terms(article: &Article) -> (Profile, ArticleTerms) {
        // One pass over the body gives the folded text's hash and length (for duplicates:
        // each folded word's hash, which the analyzer keeps with the word, mixed in order;
        // the length counts a space after each word), the terms counted and the index's terms.
        let (mut text, mut text_len) = (0u64, 0usize);
        let mut counts = TermCounts {
            counts: COUNTS.take(),
            previous: None,
        };
        let index_terms = ArticleTerms::analyse(article, |word| match word {
            Word::Title(word) => counts.add(word, 2),
            Word::Body(word) => {
                text = body_mix(text, word.folded_hash);
                text_len += word.folded.len() + 1;
                if !word.term.is_empty() {
                    counts.add(word, 1);
                }
            }
            Word::EndOfText => counts.end_of_text(),
        });
        let body = (text_len > 0).then_some((text, text_len as u32));
        let mut terms: Vec<(u32, u32)> = counts
            .counts
            .drain()
            .map(|(t, n)| ((t ^ (t >> 32)) as u32, n))
            .collect();
        if counts.counts.capacity() <= KEEP_COUNTS {
            COUNTS.set(counts.counts);
        }
        // Most frequent first; among equals the order is the hash's, never the map's. An
        // article has some 1,000 terms and pairs and keeps 32: selecting them is linear,
        // sorting all of them was a tenth of the profile's cost. The order is total, so the
        // 32 kept are the same either way.
        let by_weight = |a: &(u32, u32), b: &(u32, u32)| b.1.cmp(&a.1).then(a.0.cmp(&b.0));
        if terms.len() > PROFILE {
            terms.select_nth_unstable_by(PROFILE, by_weight);
            terms.truncate(PROFILE);
        }
        // Every parsed article's profile is kept until the build ends: without this, each
        // kept the capacity of all its terms (some 9 KB, 0.9 GB over 100,000 articles).
        terms.shrink_to_fit();
        terms.sort_unstable();
        (Profile { body, terms }, index_terms)
    }
}

/// The body key's hash so far, `h`, followed by a word whose folded form hashes to `word`:
/// an order-dependent mix defined by its constants (the key is kept in the build cache).
fn body_mix(h: u64, word: u64) -> u64 {
    let h = (h ^ word).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    h ^ (h >> 29)
}

thread_local! {
    /// The map [`TermCounts`] counts in, one per thread, emptied after each article and kept
    /// with its room: grown from nothing for every article it was rehashed some ten times on
    /// the way to an article's ~1,000 terms and pairs (`reserve_rehash`, 61 M of 3,977 M
    /// instructions at 1,000 dumps, notes/build-bench.md session 25). What it counted is gone
    /// after each article, and the profile's order does not depend on the map's.
    static COUNTS: RefCell<FxHashMap<u64, u32>> = RefCell::new(FxHashMap::default());
}

/// The room [`COUNTS`] keeps at most (entries): an outsized article's is given back.
const KEEP_COUNTS: usize = 1 << 16;

/// Words every report uses, whatever its story (as the analyzer gives them: normalised and
/// stemmed). With a large archive their IDF is near zero anyway; in a small one they would
/// make unrelated articles look alike.
const STOPWORDS: [&str; 62] = [
    "في", "من", "الي", "علي", "عن", "مع", "ان", "انه", "انها", "ما", "لا", "لم", "لن", "قد", "كما",
    "هذا", "هذه", "ذلك", "تلك", "تي", "ذي", "ذين", "حيث", "بين", "بعد", "قبل", "عند", "كل", "او",
    "ثم", "قال", "اضاف", "وفي", "ومع", "وقد", "كان", "كانت", "الا", "اي", "منذ", "خلال", "ضد", "حول",
    "غير", "له", "لها", "هو", "هي", "هم", "نحن", "لكن", "اذا", "فيه", "فيها", "منه", "منها",
    "عليه", "به", "بها", "تم", "ايضا", "نحو",
];

/// Whether `t` (whose [`stable_hash`] is `hash`) tells nothing of a story.
fn is_stopword(t: &str, hash: u64) -> bool {
    // Single letters and numbers (dates, counts) say nothing of the story either.
    t.chars().nth(1).is_none()
        || t.bytes().all(|b| b.is_ascii_digit())
        // Every term of every article comes here: the term's hash (already made) looked up,
        // not the term hashed again or the list scanned (the scan's string compares were
        // some 6% of a build's instructions); the words compared when a hash matches.
        || stopwords().get(hash).is_some_and(|s| s == t)
}

/// The stopwords by their stable hash, and a filter of those hashes in front of them: a
/// term's hash mostly rules it out by one bit, without the map's probe.
struct Stopwords {
    /// Bit `filter_bit(h)` is set for the hash `h` of each stopword.
    filter: [u64; 16],
    by_hash: FxHashMap<u64, &'static str>,
}

impl Stopwords {
    fn get(&self, hash: u64) -> Option<&'static str> {
        let bit = filter_bit(hash);
        if self.filter[bit / 64] & (1 << (bit % 64)) == 0 {
            return None;
        }
        self.by_hash.get(&hash).copied()
    }
}

/// Which of [`Stopwords::filter`]'s 1,024 bits stands for the hash `h`: its top ten bits
/// (the map reads the low ones).
fn filter_bit(h: u64) -> usize {
    (h >> 54) as usize
}

fn stopwords() -> &'static Stopwords {
    static SET: LazyLock<Stopwords> = LazyLock::new(|| {
        let by_hash: FxHashMap<u64, &'static str> = STOPWORDS
            .into_iter()
            .map(|s| (stable_hash(s.as_bytes()), s))
            .collect();
        let mut filter = [0u64; 16];
        for &h in by_hash.keys() {
            filter[filter_bit(h) / 64] |= 1 << (filter_bit(h) % 64);
        }
        Stopwords { filter, by_hash }
    });
    &SET
}

/// Term and word-pair (shingle) counts of an article, the title's counted twice. Pairs of
/// consecutive words carry names and set phrases (جون كيري, وزير الخارجية) that tell one
/// story from another on the same subject; a pair never spans two texts (title, paragraphs).
#[derive(Default)]
struct TermCounts {
    counts: FxHashMap<u64, u32>,
    previous: Option<u64>,
}

impl TermCounts {
    fn add(&mut self, word: &Analyzed, n: u32) {
        if is_stopword(&word.term, word.term_hash) {
            return;
        }
        // Kept in the build cache and deciding ties between terms: the stable hash.
        let h = word.term_hash;
        *self.counts.entry(h).or_insert(0) += n;
        if let Some(p) = self.previous {
            let pair = p.rotate_left(17) ^ h;
            *self.counts.entry(pair).or_insert(0) += n;
        }
        self.previous = Some(h);
    }

    fn end_of_text(&mut self) {
        self.previous = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(title: &str, body: &[String]) -> Article {
        Article {
            title: title.into(),
            body: body.to_vec(),
            ..Article::default()
        }
    }

    fn term(t: &str) -> u32 {
        let h = stable_hash(t.as_bytes());
        (h ^ (h >> 32)) as u32
    }

    #[test]
    fn the_body_key_is_the_folded_words_in_order() {
        let key = |body: &[&str]| {
            let body: Vec<String> = body.iter().map(|p| p.to_string()).collect();
            Profile::of(&article("", &body)).body
        };
        let plain = key(&["قال الوزير", "إن سوريا"]);
        assert!(plain.is_some());
        // Spelled with harakat and tatweel, split into paragraphs elsewhere: the same words.
        assert_eq!(key(&["قالَ الوزيـــر إن", "سوريا"]), plain);
        assert_ne!(key(&["الوزير قال", "إن سوريا"]), plain, "the order counts");
        assert_ne!(key(&["قال الوزير إن"]), plain, "every word counts");
        assert_eq!(key(&["«»", "..."]), None);
    }

    #[test]
    fn stopwords_are_told_by_their_hash_and_their_words() {
        assert_eq!(
            stopwords().by_hash.len(),
            STOPWORDS.len(),
            "no two share a hash"
        );
        for s in STOPWORDS {
            assert!(is_stopword(s, stable_hash(s.as_bytes())), "{s}");
        }
        // A word whose hash were a stopword's is still a word of its own.
        let (hash, word) = stopwords().by_hash.iter().next().unwrap();
        let other = format!("{word}ز");
        assert!(!is_stopword(&other, *hash));
        // Nor is a word whose hash passes the filter without being a stopword's.
        let near = hash ^ 1;
        assert_eq!(filter_bit(near), filter_bit(*hash));
        assert!(!is_stopword(word, near));
        assert!(!is_stopword("سوريا", stable_hash("سوريا".as_bytes())));
        assert!(is_stopword("2016", stable_hash(b"2016")) && is_stopword("ب", 0));
    }

    #[test]
    fn the_profile_keeps_the_most_frequent_terms_without_stopwords() {
        // Forty made-up words, the k-th in k + 1 paragraphs of its own (a pair never spans
        // two texts, so only the words count), each beside a stopword and a number.
        let words: Vec<String> = (0..40u8)
            .map(|k| format!("zq{}{}", (b'a' + k / 26) as char, (b'a' + k % 26) as char))
            .collect();
        let body: Vec<String> = (0..40)
            .flat_map(|k| vec![format!("في {} 2016", words[k]); k + 1])
            .collect();
        let profile = Profile::of(&article("", &body));
        assert_eq!(profile.terms.len(), PROFILE);
        assert!(
            profile.terms.windows(2).all(|w| w[0].0 < w[1].0),
            "sorted by hash"
        );
        let kept: Vec<(u32, u32)> = (40 - PROFILE..40)
            .map(|k| (term(&words[k]), k as u32 + 1))
            .collect();
        let mut expected = kept.clone();
        expected.sort_unstable();
        assert_eq!(
            profile.terms, expected,
            "the 32 most said words, with their counts"
        );
    }

    #[test]
    fn a_profile_keeps_its_terms_as_fixed_width_bytes() {
        let profile = Profile {
            body: Some((7, 3)),
            terms: vec![(u32::MAX, 1), (0x1234_5678, 40)],
        };
        let bytes = postcard::to_stdvec(&profile).unwrap();
        // The body (a tag, 7 and 3), then the terms' length in bytes (16) and their 16 bytes:
        // as varints the first hash alone took five bytes and a loop to read.
        assert_eq!(bytes.len(), 3 + 1 + 16);
        assert_eq!(&bytes[4..8], &u32::MAX.to_le_bytes());
        assert_eq!(postcard::from_bytes::<Profile>(&bytes).unwrap(), profile);
    }
}
