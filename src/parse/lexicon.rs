//! The data tables (`data/*.txt`) folded once into matchers: furniture phrases, agencies,
//! publishers and dateline places. Everything is matched on [`key`]-folded text, whole words.

use std::sync::LazyLock;

use rustc_hash::FxHashMap;

use super::phrases::Phrases;
use super::text::{key, key_words, with_key_at_most, word_hash};

/// What a furniture phrase says about a line that holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Furniture {
    /// Any line containing it is furniture (`!`).
    Always,
    /// A short line containing it is furniture (`~`).
    WhenShort,
    /// A line starting with it ends the article (`>`).
    EndsArticle,
    /// A line that is exactly it is furniture (`=`).
    Exactly,
    /// A line starting with it interrupts the article: an ad label, a "read also" box (`^`).
    Interrupts,
}

pub struct Lexicon {
    phrases: Phrases,
    phrase_kind: Vec<Furniture>,
    phrase_words: Vec<usize>,
    exact: FxHashMap<String, ()>,
    /// Each agency alias's [`key`], to its canonical name (the first line naming it wins).
    agencies: FxHashMap<String, &'static str>,
    publications: FxHashMap<String, &'static str>,
    /// Two bits per [`word_hash`] value (two of its 16-bit parts) of every word of the
    /// phrases: the scanner keeps a line's words that hit both, and a phrase can only match a
    /// line that holds all of its words. (With one bit, a few common words of prose that hit
    /// one by chance were kept.)
    phrase_bits: Box<WordBits>,
    /// The same, of each phrase's longest word: the words [`Lexicon::may_hold_phrase`] looks
    /// the phrases up by.
    longest_bits: Box<WordBits>,
    /// The phrases by their longest word's hash, each as the hashes of all its words.
    by_longest: FxHashMap<u64, Vec<Vec<u64>>>,
    /// The longest key of `exact`, `publications`, `agencies` and `places`: a longer line is
    /// none of them.
    exact_len: usize,
    publication_len: usize,
    agency_len: usize,
    place_len: usize,
    places: FxHashMap<String, ()>,
}

pub static LEXICON: LazyLock<Lexicon> = LazyLock::new(Lexicon::load);

fn entries(table: &'static str) -> impl Iterator<Item = &'static str> {
    table
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// The longest key of a table.
fn longest<V>(table: &FxHashMap<String, V>) -> usize {
    table.keys().map(String::len).max().unwrap_or(0)
}

/// Bits in [`Lexicon::phrase_word_bits`]'s table: enough that prose words rarely hit two
/// of the phrases' two hundred-odd.
const PHRASE_BITS: usize = 1 << 16;

/// A word's two bits in the table: its hash's top two 16-bit parts.
fn phrase_bits(hash: u64) -> [usize; 2] {
    let part = |shift: u32| (hash >> shift) as usize % PHRASE_BITS;
    [part(48), part(32)]
}

/// Two bits of [`PHRASE_BITS`] set for each of some words' [`word_hash`]es: whether a word
/// may be one of them. A fixed size, so that its reads need no bounds check.
pub struct WordBits([u64; PHRASE_BITS / 64]);

impl std::fmt::Debug for WordBits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let set: u32 = self.0.iter().map(|w| w.count_ones()).sum();
        f.debug_struct("WordBits").field("set", &set).finish()
    }
}

impl WordBits {
    fn new() -> Box<Self> {
        Box::new(WordBits([0; PHRASE_BITS / 64]))
    }

    fn set(&mut self, hash: u64) {
        for bit in phrase_bits(hash) {
            self.0[bit / 64] |= 1 << (bit % 64);
        }
    }

    /// Whether the word whose hash is `hash` may be one of those set.
    #[inline(always)]
    pub fn has(&self, hash: u64) -> bool {
        let set = |bit: usize| self.0[bit / 64] & (1 << (bit % 64)) != 0;
        let [first, second] = phrase_bits(hash);
        set(first) && set(second)
    }
}

impl Lexicon {
    fn load() -> Self {
        let mut patterns = Vec::new();
        let mut phrase_kind = Vec::new();
        let mut phrase_words = Vec::new();
        let mut bits = WordBits::new();
        let mut longest_bits = WordBits::new();
        let mut by_longest: FxHashMap<u64, Vec<Vec<u64>>> = FxHashMap::default();
        let mut exact = FxHashMap::default();
        for line in entries(include_str!("data/boilerplate.txt")) {
            let (mark, phrase) = line.split_at(1);
            let kind = match mark {
                "!" => Furniture::Always,
                "~" => Furniture::WhenShort,
                ">" => Furniture::EndsArticle,
                "^" => Furniture::Interrupts,
                _ => Furniture::Exactly,
            };
            let folded = key(phrase);
            if folded.is_empty() {
                continue; // `©` and its like are checked on the raw line
            }
            if kind == Furniture::Exactly {
                exact.insert(folded, ());
            } else {
                phrase_words.push(folded.split(' ').count());
                let longest = folded
                    .split(' ')
                    .max_by_key(|w| w.len())
                    .unwrap_or_default();
                let hashes: Vec<u64> = folded.split(' ').map(|w| word_hash(w.as_bytes())).collect();
                for &h in &hashes {
                    bits.set(h);
                }
                let longest = word_hash(longest.as_bytes());
                longest_bits.set(longest);
                by_longest.entry(longest).or_default().push(hashes);
                patterns.push(folded);
                phrase_kind.push(kind);
            }
        }

        let mut agencies = FxHashMap::default();
        for line in entries(include_str!("data/agencies.txt")) {
            let names: Vec<&'static str> = line.split('|').map(str::trim).collect();
            for alias in &names {
                agencies.entry(key(alias)).or_insert(names[0]);
            }
        }

        let mut publications = FxHashMap::default();
        for line in entries(include_str!("data/publications.txt")) {
            let names: Vec<&'static str> = line.split('|').map(str::trim).collect();
            for alias in &names {
                publications.insert(key(alias), names[0]);
            }
        }

        let places: FxHashMap<String, ()> = entries(include_str!("data/places.txt"))
            .map(|p| (key(p), ()))
            .collect();

        Lexicon {
            phrase_bits: bits,
            longest_bits,
            by_longest,
            exact_len: exact.keys().map(String::len).max().unwrap_or(0),
            publication_len: longest(&publications),
            agency_len: longest(&agencies),
            place_len: longest(&places),
            phrases: Phrases::new(patterns),
            phrase_kind,
            phrase_words,
            exact,
            agencies,
            publications,
            places,
        }
    }

    /// How furniture-like a line is, from its folded key and word count.
    pub fn furniture(&self, line_key: &str, words: usize) -> Option<Furniture> {
        let hashes: Vec<u64> = key_words(line_key)
            .filter(|w| !w.is_empty())
            .map(|w| word_hash(w.as_bytes()))
            .collect();
        self.furniture_by_words(line_key, &hashes, words, None)
    }

    /// The furniture phrases (for their tests).
    #[cfg(test)]
    pub(super) fn phrases(&self) -> &Phrases {
        &self.phrases
    }

    /// Whether a word of a line (its [`word_hash`]) may belong to a furniture phrase
    /// ([`WordBits::has`]). The table is handed out to be borrowed once by a loop over every
    /// word of a dump: through [`LEXICON`], each word also asked whether the lexicon was made.
    pub fn phrase_word_bits(&self) -> &WordBits {
        &self.phrase_bits
    }

    /// Whether a line can hold a phrase, from the hashes of those of its words that
    /// [`Lexicon::phrase_word_bits`] has: all the words of some phrase are among them. (A
    /// phrase's longest word alone let through to the search three times the bytes that hold
    /// a phrase: `تعبر`, `الموقع` and their like are words of prose too.)
    pub fn may_hold_phrase(&self, hashes: &[u64]) -> bool {
        hashes.iter().any(|h| {
            self.longest_bits.has(*h)
                && self.by_longest.get(h).is_some_and(|phrases| {
                    phrases.iter().any(|p| p.iter().all(|w| hashes.contains(w)))
                })
        })
    }

    /// [`Lexicon::furniture`] for a key whose words' [`word_hash`]es are `hashes`;
    /// `phrase_words`, when known, are those of them that [`Lexicon::phrase_word_bits`] has (the
    /// phrase search is skipped unless [`Lexicon::may_hold_phrase`]).
    pub fn furniture_by_words(
        &self,
        line_key: &str,
        hashes: &[u64],
        words: usize,
        phrase_words: Option<&[u64]>,
    ) -> Option<Furniture> {
        if line_key.len() <= self.exact_len && self.exact.contains_key(line_key) {
            return Some(Furniture::Exactly);
        }
        if phrase_words.is_some_and(|h| !self.may_hold_phrase(h)) {
            return None;
        }
        let mut found = None;
        // Overlapping search is not needed: the strongest verdict wins among leftmost matches.
        for m in self.phrases.find_iter(line_key, hashes) {
            let i = m.phrase;
            let kind = self.phrase_kind[i];
            let verdict = match kind {
                Furniture::Always => Some(kind),
                Furniture::WhenShort if words <= 15 => Some(kind),
                // A heading, not a paragraph that happens to start with the words.
                Furniture::EndsArticle if m.word == 0 && words <= self.phrase_words[i] + 3 => {
                    Some(kind)
                }
                // `اقرأ أيضاً: عنوان قصة أخرى`: the label, perhaps with the story it points to.
                Furniture::Interrupts if m.word == 0 && words <= self.phrase_words[i] + 15 => {
                    Some(kind)
                }
                _ => None,
            };
            match verdict {
                Some(Furniture::EndsArticle | Furniture::Interrupts) => return verdict,
                Some(_) => found = verdict,
                None => {}
            }
        }
        found
    }

    /// Whether all of `text` is an agency credit (`(رويترز)`, `--(بترا)`, `وكالات`): its key is
    /// exactly an alias's (the punctuation around a credit is no part of a key).
    pub fn agency_exactly(&self, text: &str) -> Option<&'static str> {
        with_key_at_most(text, self.agency_len, |k| self.agency_by_key(k))?
    }

    /// [`Lexicon::agency_exactly`] for text already folded with [`key`] (a line's key).
    pub fn agency_by_key(&self, folded: &str) -> Option<&'static str> {
        if folded.len() > self.agency_len {
            return None;
        }
        self.agencies.get(folded).copied()
    }

    /// The publisher's canonical name when `text` is exactly one of the known names.
    pub fn publication(&self, text: &str) -> Option<&'static str> {
        with_key_at_most(text, self.publication_len, |k| self.publication_by_key(k))?
    }

    /// [`Lexicon::publication`] for text already folded with [`key`].
    pub fn publication_by_key(&self, folded: &str) -> Option<&'static str> {
        if folded.len() > self.publication_len {
            return None;
        }
        self.publications.get(folded).copied()
    }

    pub fn is_place(&self, text: &str) -> bool {
        with_key_at_most(text, self.place_len, |k| self.is_place_by_key(k)).unwrap_or(false)
    }

    /// [`Lexicon::is_place`] for text already folded with [`key`] (a line's key).
    pub fn is_place_by_key(&self, folded: &str) -> bool {
        folded.len() <= self.place_len && self.places.contains_key(folded)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn furniture(line: &str) -> Option<Furniture> {
        let k = key(line);
        LEXICON.furniture(&k, super::super::text::words(line).count())
    }

    #[test]
    fn furniture_kinds() {
        assert_eq!(furniture("الإسم *"), Some(Furniture::EndsArticle));
        assert_eq!(furniture("Security Code*"), Some(Furniture::Always));
        assert_eq!(furniture("الرئيسية"), Some(Furniture::Exactly));
        assert_eq!(furniture("الأكثر قراءة"), Some(Furniture::EndsArticle));
        assert_eq!(
            furniture("اقرأ أيضاً: ارتفاع أسعار الذهب في الأسواق"),
            Some(Furniture::Interrupts)
        );
        assert_eq!(furniture("إعلان"), Some(Furniture::Interrupts));
        assert_eq!(
            furniture("اشترك الآن واحصل مجانًا على أفضل مقالاتنا في صندوق بريدك الإلكتروني الخاص."),
            Some(Furniture::Always)
        );
        assert_eq!(
            furniture("قال الوزير إن الحكومة ستدرس الأمر خلال الأيام المقبلة."),
            None
        );
        // A long news paragraph that mentions e-mail is not furniture.
        let long = "وقالت الشركة في بيان إن المخترقين تمكنوا من الوصول إلى البريد الإلكتروني لآلاف \
                    الموظفين خلال الأسابيع الماضية قبل أن يكتشف فريق الأمن الثغرة ويغلقها.";
        assert_eq!(furniture(long), None);
        // A paragraph that merely starts with a heading's words is not a heading.
        assert_eq!(
            furniture("التعليقات التي أدلى بها الوزير أثارت غضب المعارضة في البرلمان أمس."),
            None
        );
    }

    /// A line is searched for phrases only when it holds every word of one: the longest word
    /// of `لا تعبر عن رأي` alone does not send a paragraph to the search; the scanner keeps
    /// the words a phrase needs, and a line that holds one is still furniture.
    #[test]
    fn lines_are_searched_only_with_all_of_a_phrases_words() {
        let hashes = |k: &str| -> Vec<u64> {
            k.split(' ')
                .map(|w| word_hash(w.as_bytes()))
                .filter(|&h| LEXICON.phrase_word_bits().has(h))
                .collect()
        };
        let phrase = key("لا تعبر عن رأي");
        assert!(LEXICON.may_hold_phrase(&hashes(&phrase)));
        let prose = key("وقال إن هذه المواقف تعبر عن قلق واسع في الشارع");
        assert!(!hashes(&prose).is_empty());
        assert!(!LEXICON.may_hold_phrase(&hashes(&prose)));
        let text = "التعليقات المنشورة لا تعبر عن رأي الموقع";
        let line = crate::parse::lines::Line::new(text).unwrap();
        assert_eq!(line.furniture, furniture(text));
        assert_eq!(line.furniture, Some(Furniture::Always));
    }

    #[test]
    fn agencies_fold_to_one_name() {
        assert_eq!(
            LEXICON.agency_exactly("(وكالة الصحافة الفرنسية أ ف ب)"),
            Some("أ ف ب")
        );
        assert_eq!(LEXICON.agency_exactly("--(بترا)"), Some("بترا"));
        assert_eq!(LEXICON.agency_exactly("رويترز"), Some("رويترز"));
        assert_eq!(LEXICON.agency_exactly("قال رويترز"), None);
    }

    #[test]
    fn publications_and_places() {
        assert_eq!(LEXICON.publication("www.eremnews.com"), Some("إرم نيوز"));
        assert_eq!(LEXICON.publication("الوسط"), Some("الوسط"));
        assert!(LEXICON.is_place("نيويورك"));
        assert!(LEXICON.is_place("الإسكندرية"));
        assert!(!LEXICON.is_place("المحرر السياسي"));
    }

    /// The deciders ask about a line by its key (`Line::key` is `key(text)`): the by-key
    /// lookups answer as the text ones do, at, under and over the tables' longest names.
    #[test]
    fn lookups_by_a_lines_key_answer_as_by_its_text() {
        let texts = [
            "--(بترا)",
            "(وكالة الصحافة الفرنسية أ ف ب)",
            "قال رويترز",
            "الإسكندرية",
            "نيويورك، الولايات المتحدة الأمريكية",
            "",
        ];
        for t in texts {
            for line in crate::parse::lines::split_leaked(t) {
                assert_eq!(
                    LEXICON.agency_by_key(line.key),
                    LEXICON.agency_exactly(t),
                    "{t}"
                );
                assert_eq!(
                    LEXICON.is_place_by_key(line.key),
                    LEXICON.is_place(t),
                    "{t}"
                );
            }
        }
    }
}
