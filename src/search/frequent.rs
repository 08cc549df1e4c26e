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

use std::ops::Range;

use rustc_hash::FxHashMap;

use super::common::{MAX_FREQUENT_BYTES, is_common};
use super::line::{Kind, Pairs, each_term, mark_frequent};
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
    set: Table,
}

impl FrequentTerms {
    /// The set of `terms`, in their order, but for any a line cannot mark frequent (empty or
    /// longer than [`MAX_FREQUENT_BYTES`]).
    pub fn of(terms: impl IntoIterator<Item = impl Into<Box<str>>>) -> FrequentTerms {
        let terms: Vec<Box<str>> = (terms.into_iter().map(Into::into))
            .filter(|t| (1..=MAX_FREQUENT_BYTES).contains(&str::len(t)))
            .collect();
        let set = Table::of(&terms);
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
        self.set.contains(term.as_bytes())
    }

    /// `line` with its terms of this set marked frequent (`super::line`).
    pub(super) fn mark(&self, line: String) -> String {
        match self.is_empty() {
            true => line,
            false => mark_frequent(line, |terms, term| self.set.contains_at(terms, term)),
        }
    }
}

/// A set of terms of at most [`MAX_FREQUENT_BYTES`], looked up at every term of every article
/// of a build (its lines marked on the parse workers): each term packed into three words, its
/// bytes zero-padded (no term holds a zero byte, `super::line`'s `END_OF_TERMS`), in an open
/// table of twice as many slots as terms, where a look-up is a hash of the words and a compare
/// or two. A `HashSet<Box<str>>` hashed every byte and compared strings: ≈ 120 instructions a
/// term with the line written again, +5 % of a build's at 1,000 dumps (notes/build-bench.md,
/// session 49).
///
/// Most terms are not in it: a bitmap of the terms' length, first and last bytes tells most
/// of them in a few instructions, before their words are read and hashed.
#[derive(Clone, Default, PartialEq, Eq)]
struct Table {
    slots: Vec<Key>,
    seen: Vec<u64>,
}

/// Bits of [`Table::seen`].
const SEEN_BITS: usize = 1 << 12;

/// A term's bit in [`Table::seen`], of its length and its first and last bytes (in Arabic,
/// the first letter's second byte and the last's).
#[inline(always)]
fn seen_bit(term: &[u8]) -> usize {
    match term {
        [] => 0,
        [first, .., last] | [first @ last] => {
            let mixed = (term.len() * 7) ^ (usize::from(*first) * 31) ^ (usize::from(*last) * 131);
            mixed & (SEEN_BITS - 1)
        }
    }
}

type Key = [u64; 3];

const _: () = assert!(MAX_FREQUENT_BYTES <= std::mem::size_of::<Key>());

impl Table {
    fn of(terms: &[Box<str>]) -> Table {
        if terms.is_empty() {
            return Table::default();
        }
        let mut table = Table {
            slots: vec![[0; 3]; (2 * terms.len()).next_power_of_two()],
            seen: vec![0; SEEN_BITS / 64],
        };
        for term in terms {
            let bit = seen_bit(term.as_bytes());
            table.seen[bit / 64] |= 1 << (bit % 64);
            let key = key(term.as_bytes());
            let mut at = table.slot(&key);
            while table.slots[at] != [0; 3] && table.slots[at] != key {
                at = (at + 1) & (table.slots.len() - 1);
            }
            table.slots[at] = key;
        }
        table
    }

    fn slot(&self, key: &Key) -> usize {
        let mixed = key[0] ^ key[1].rotate_left(21) ^ key[2].rotate_left(42);
        let bits = self.slots.len().trailing_zeros();
        (mixed.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - bits.max(1))) as usize
            & (self.slots.len() - 1)
    }

    fn contains(&self, term: &[u8]) -> bool {
        self.contains_at(term, 0..term.len())
    }

    /// Whether the term at `term` of `bytes` is in the table.
    #[inline(always)]
    fn contains_at(&self, bytes: &[u8], term: Range<usize>) -> bool {
        if term.is_empty() || term.len() > MAX_FREQUENT_BYTES {
            return false;
        }
        let Some(bit) = bytes.get(term.clone()).map(seen_bit) else {
            return false;
        };
        if self
            .seen
            .get(bit / 64)
            .is_none_or(|bits| bits & (1 << (bit % 64)) == 0)
        {
            return false;
        }
        let key = key_at(bytes, term);
        let mut at = self.slot(&key);
        loop {
            match self.slots[at] {
                slot if slot == key => return true,
                [0, 0, 0] => return false,
                _ => at = (at + 1) & (self.slots.len() - 1),
            }
        }
    }
}

/// The term at `term` of `bytes` as [`key`] makes it: read as three words where it starts, the
/// bytes past its end masked off, when `bytes` holds three words from there (a line of terms
/// does, but for its last terms), which is a copy and a call fewer a term.
#[inline]
fn key_at(bytes: &[u8], term: Range<usize>) -> Key {
    let Some(words) = bytes.get(term.start..term.start + 24) else {
        return key(bytes.get(term).unwrap_or_default());
    };
    let word = |i: usize| {
        let word = u64::from_le_bytes(words[8 * i..8 * i + 8].try_into().unwrap_or_default());
        let keep = term.len().saturating_sub(8 * i).min(8);
        match keep {
            8 => word,
            keep => word & ((1 << (8 * keep)) - 1),
        }
    };
    [word(0), word(1), word(2)]
}

/// A term of at most three words' bytes as three words, zero-padded.
#[inline]
fn key(term: &[u8]) -> Key {
    let mut bytes = [0u8; 24];
    let len = term.len().min(bytes.len());
    bytes[..len].copy_from_slice(&term[..len]);
    let word =
        |i: usize| u64::from_le_bytes(bytes[8 * i..8 * i + 8].try_into().unwrap_or_default());
    [word(0), word(1), word(2)]
}

/// Whether the pairs fields of an index born with `frequent` hold the pair of the adjacent
/// terms `first` and `second`: when one of them is common, or both frequent, as `Line::pairs`
/// decides at indexing.
pub fn pair_is_indexed(first: &str, second: &str, frequent: &FrequentTerms) -> bool {
    pairs_of(first, second, frequent).is_some()
}

/// Which pairs fields hold the pair of `first` and `second` ([`pair_is_indexed`]), if any.
pub(super) fn pairs_of(first: &str, second: &str, frequent: &FrequentTerms) -> Option<Pairs> {
    let kind = |term: &str| match (is_common(term), frequent.contains(term)) {
        (true, _) => Kind::Common,
        (false, true) => Kind::Frequent,
        (false, false) => Kind::Other,
    };
    let (first, second) = (kind(first), kind(second));
    [Pairs::Common, Pairs::Frequent]
        .into_iter()
        .find(|pairs| pairs.hold(first, second))
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
    fn the_table_holds_its_terms_and_no_other() {
        use crate::search::analyzer::terms;
        // Terms of every length up to the longest, that share their first or last bytes.
        let text = "ب بب ببب بببب ببببب بببببب ببببببب بببببببب x xy xyz سوريا لافروف كيري جنيف \
                    الخارجية 2015 20150 a1 1a فلاديمير اوكرانيا";
        let all: Vec<String> = terms(text);
        for (n, k) in [(0, 1), (1, 1), (5, 2), (12, 3), (all.len(), 1)] {
            let kept: Vec<&str> = all.iter().take(n).step_by(k).map(String::as_str).collect();
            let set = FrequentTerms::of(kept.clone());
            for term in &all {
                let want = kept.contains(&term.as_str()) && term.len() <= MAX_FREQUENT_BYTES;
                assert_eq!(set.contains(term), want, "{term} of {kept:?}");
            }
            assert!(!set.contains("") && !set.contains(&"ب".repeat(12)));
            // Read in place from a line, with bytes after each term or none.
            let line = all.join(" ");
            let mut start = 0;
            for term in &all {
                let at = start..start + term.len();
                assert_eq!(
                    set.set.contains_at(line.as_bytes(), at.clone()),
                    set.contains(term)
                );
                let short = &line.as_bytes()[..at.end];
                assert_eq!(set.set.contains_at(short, at), set.contains(term), "{term}");
                start += term.len() + 1;
            }
        }
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
