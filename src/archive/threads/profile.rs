//! An article's thread profile: its most frequent search terms and word pairs (the analyzer's
//! normalised, stemmed, variant-mapped words, title counted twice), and a hash of its folded
//! body for finding verbatim duplicates. Computed from the article alone, so a build keeps it.

use std::cell::RefCell;
use std::collections::BinaryHeap;

use serde::{Deserialize, Serialize};

use super::PROFILE;
use super::tally::Tally;
use crate::parse::{Article, BodyKeys};
use crate::search::analyzer::Analyzed;
use crate::search::{ArticleTerms, WordReader};

/// What threads need of one article, computed from it alone: a build keeps it between runs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    /// A hash of the normalised body's words ([`body_mix`] of each folded word's
    /// [`stable_hash`](crate::stable_hash::stable_hash), in order) and the body's length,
    /// `None` when the body has no words: articles with equal keys are verbatim duplicates.
    /// Among the archive's articles a false match of 64 bits (and a length) is about as likely
    /// as a disk error.
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
        Profile::with_terms_keyed(article, &BodyKeys::default())
    }

    /// [`Profile::with_terms`], the paragraphs that `keys` holds the parser's keys of read by
    /// them ([`ArticleTerms::analyse_keyed`]): what a build's worker runs on the article it
    /// has just parsed.
    pub fn with_terms_keyed(article: &Article, keys: &BodyKeys) -> (Profile, ArticleTerms) {
        // One pass over the body gives the folded text's hash and length (for duplicates:
        // each folded word's hash, which the analyzer keeps with the word, mixed in order;
        // the length counts a space after each word), the terms counted and the index's terms.
        let mut reading = Reading {
            counts: TermCounts {
                counts: COUNTS.take(),
                previous: None,
            },
            text: 0,
            text_len: 0,
        };
        reading.counts.counts.clear();
        let index_terms = ArticleTerms::analyse_keyed(article, keys, &mut reading);
        let Reading {
            counts,
            text,
            text_len,
        } = reading;
        let body = (text_len > 0).then_some((text, text_len as u32));
        let mut terms = most_weighed(
            (counts.counts.counts().iter()).map(|&(t, n)| ((t ^ (t >> 32)) as u32, n)),
        );
        if counts.counts.room() <= KEEP_COUNTS {
            COUNTS.set(counts.counts);
        }
        terms.sort_unstable();
        (Profile { body, terms }, index_terms)
    }
}

/// The [`PROFILE`] most weighed of `terms`: most frequent first; among equals the order is the
/// hash's, never the table's, so the order is total and the terms kept are the same whatever
/// way they are chosen. An article has some 1,000 terms and pairs: sorting all of them was a
/// tenth of the profile's cost, and `select_nth_unstable_by` still ≈ 29 instructions a term
/// (2.5 % of the parse workers', notes/build-bench.md session 44). The 32 kept so far are
/// held as a heap whose top is the least weighed: most terms are said once and lose to it in
/// one comparison, and only a term that beats it goes in. Read from the counts as they come,
/// not gathered first into a vector of all of them (≈ 1,300 an article, written and read
/// again; notes/build-bench.md session 48).
fn most_weighed(mut terms: impl Iterator<Item = (u32, u32)>) -> Vec<(u32, u32)> {
    // Ordered as `(Reverse(count), hash)`: the heap's greatest is the least weighed.
    let key = |(hash, count): (u32, u32)| (std::cmp::Reverse(count), hash);
    let mut kept: BinaryHeap<(std::cmp::Reverse<u32>, u32)> =
        terms.by_ref().take(PROFILE).map(key).collect();
    for term in terms {
        let k = key(term);
        if let Some(mut least) = kept.peek_mut()
            && k < *least
        {
            *least = k;
        }
    }
    // Every parsed article's profile is kept until the build ends: exactly its terms' room.
    let mut terms: Vec<(u32, u32)> = (kept.into_iter())
        .map(|(count, hash)| (hash, count.0))
        .collect();
    terms.shrink_to_fit();
    terms
}

/// A profile as the threads read it: an owned one (parsed in this build, or read whole), or
/// one left encoded where the build cache's mapped chunk holds it. A `+1` reads every reused
/// article light, and decoding each one's profile into a `Vec` of its own was ≈ 660
/// instructions and 270 bytes of fresh heap an article (at 100,000: 66 M instructions, 464 K
/// last-level misses, notes/build-bench.md session 38), for profiles the threads then read only
/// where an article changed or is compared again.
#[derive(Debug, Clone, Copy)]
pub enum ProfileRef<'a> {
    Owned(&'a Profile),
    /// A [`Profile`] as postcard writes it, checked when it was taken
    /// ([`ProfileRef::take_from`]).
    Encoded(&'a [u8]),
    /// An encoded one ([`ProfileRef::Encoded`]) whose body key was copied beside it
    /// ([`body_key_bytes`]): the threads read every reused article's key at each build
    /// (verbatim duplicates), and from the copy in the cache's table of heads without touching
    /// the page the profile is on (at a million articles, each of the cache's pages).
    Placed(&'a [u8; BODY_KEY], &'a [u8]),
}

/// The bytes of a body key's copy ([`ProfileRef::Placed`]): 1 and the key's hash and length
/// (little-endian), or 0 for none.
pub const BODY_KEY: usize = 13;

/// The copy of `body`, a profile's body key ([`ProfileRef::Placed`]).
pub fn body_key_bytes(body: Option<(u64, u32)>) -> [u8; BODY_KEY] {
    let mut bytes = [0; BODY_KEY];
    if let Some((hash, len)) = body {
        bytes[0] = 1;
        bytes[1..9].copy_from_slice(&hash.to_le_bytes());
        bytes[9..].copy_from_slice(&len.to_le_bytes());
    }
    bytes
}

/// The body key a copy holds ([`body_key_bytes`]); `None` for none, or a tag not 0 or 1.
fn body_key_of(bytes: &[u8; BODY_KEY]) -> Option<(u64, u32)> {
    let (tag, rest) = bytes.split_first()?;
    let (hash, len) = rest.split_first_chunk::<8>()?;
    let len: [u8; 4] = len.try_into().ok()?;
    (*tag == 1).then(|| (u64::from_le_bytes(*hash), u32::from_le_bytes(len)))
}

impl<'a> From<&'a Profile> for ProfileRef<'a> {
    fn from(profile: &'a Profile) -> ProfileRef<'a> {
        ProfileRef::Owned(profile)
    }
}

impl<'a> ProfileRef<'a> {
    /// The profile postcard wrote at the start of `bytes`, left where it is, and the bytes
    /// after it. Checked whole here (its body, and its terms whole pairs), so that reading it
    /// later cannot fail.
    pub fn take_from(bytes: &'a [u8]) -> Result<(ProfileRef<'a>, &'a [u8]), postcard::Error> {
        let (terms, rest) = Self::split(bytes)?;
        if !terms.len().is_multiple_of(TERM_BYTES) {
            return Err(postcard::Error::DeserializeBadEncoding);
        }
        let used = bytes.len() - rest.len();
        Ok((ProfileRef::Encoded(&bytes[..used]), rest))
    }

    /// An encoded profile's terms' bytes, and the bytes after them; its body key passed, not
    /// decoded (as postcard reads it: [`crate::varint`]).
    fn split(bytes: &'a [u8]) -> Result<(&'a [u8], &'a [u8]), postcard::Error> {
        use crate::varint::{take_u32, take_u64, take_usize};
        let bad = || postcard::Error::DeserializeBadEncoding;
        let rest = match bytes.split_first().ok_or_else(bad)? {
            (0, rest) => rest,
            (1, key) => {
                let (_, len) = take_u64(key).ok_or_else(bad)?;
                take_u32(len).ok_or_else(bad)?.1
            }
            _ => return Err(bad()),
        };
        let (len, rest) = take_usize(rest).ok_or_else(bad)?;
        rest.split_at_checked(len).ok_or_else(bad)
    }

    /// The key of its body's words ([`Profile::body`]): equal keys are verbatim duplicates.
    pub fn body(self) -> Option<(u64, u32)> {
        match self {
            ProfileRef::Owned(p) => p.body,
            ProfileRef::Encoded(bytes) => postcard::take_from_bytes(bytes).ok().and_then(|b| b.0),
            ProfileRef::Placed(key, _) => body_key_of(key),
        }
    }

    /// The low six bits of its body key's hash, `None` without a body: what verbatim
    /// duplicates are sifted by before a key is decoded (postcard writes the hash as a
    /// varint after the `Some` tag, its first byte's low seven bits the hash's); decoding
    /// every reused article's key was ≈ 150 instructions an article at every `+1`.
    pub fn body_bits(self) -> Option<u8> {
        match self {
            ProfileRef::Owned(p) => p.body.map(|(h, _)| (h % 64) as u8),
            ProfileRef::Encoded([1, first, ..]) => Some(first % 64),
            ProfileRef::Encoded(_) => None,
            ProfileRef::Placed(key, _) => body_key_of(key).map(|(h, _)| (h % 64) as u8),
        }
    }

    /// Its terms and word pairs as `(term hash, count)`, sorted by hash ([`Profile::terms`]).
    pub fn terms(self) -> Terms<'a> {
        match self {
            ProfileRef::Owned(p) => Terms::Owned(p.terms.iter()),
            // Checked when taken: an error here is not possible, and would read as no terms.
            ProfileRef::Encoded(bytes) | ProfileRef::Placed(_, bytes) => {
                let terms = Self::split(bytes).map_or(&[][..], |(terms, _)| terms);
                Terms::Le(terms.chunks_exact(TERM_BYTES))
            }
        }
    }

    /// The profile decoded, owned.
    pub fn to_profile(self) -> Profile {
        match self {
            ProfileRef::Owned(p) => p.clone(),
            ProfileRef::Encoded(_) | ProfileRef::Placed(..) => Profile {
                body: self.body(),
                terms: self.terms().collect(),
            },
        }
    }
}

/// Written as the [`Profile`] it is: an encoded one's terms as the bytes they are.
impl serde::Serialize for ProfileRef<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        match *self {
            ProfileRef::Owned(p) => p.serialize(s),
            ProfileRef::Encoded(bytes) | ProfileRef::Placed(_, bytes) => {
                let terms = Self::split(bytes).map_or(&[][..], |(terms, _)| terms);
                let mut p = s.serialize_struct("Profile", 2)?;
                p.serialize_field("body", &self.body())?;
                p.serialize_field("terms", &LeBytes(terms))?;
                p.end()
            }
        }
    }
}

/// Bytes written as one run (as [`crate::serde_le`] writes a profile's terms).
struct LeBytes<'a>(&'a [u8]);

impl serde::Serialize for LeBytes<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(self.0)
    }
}

/// A term as [`crate::serde_le`] writes it: two little-endian `u32`s.
const TERM_BYTES: usize = 8;

/// A profile's terms, from an owned one or from its encoded bytes.
#[derive(Clone)]
pub enum Terms<'a> {
    Owned(std::slice::Iter<'a, (u32, u32)>),
    Le(std::slice::ChunksExact<'a, u8>),
}

impl Iterator for Terms<'_> {
    type Item = (u32, u32);

    #[inline]
    fn next(&mut self) -> Option<(u32, u32)> {
        match self {
            Terms::Owned(it) => it.next().copied(),
            Terms::Le(it) => it.next().map(<(u32, u32) as crate::serde_le::Le>::get),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match self {
            Terms::Owned(it) => it.size_hint(),
            Terms::Le(it) => it.size_hint(),
        }
    }
}

impl ExactSizeIterator for Terms<'_> {}

/// The body key's hash so far, `h`, followed by a word whose folded form hashes to `word`:
/// an order-dependent mix defined by its constants (the key is kept in the build cache).
fn body_mix(h: u64, word: u64) -> u64 {
    let h = (h ^ word).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    h ^ (h >> 29)
}

thread_local! {
    /// The table [`TermCounts`] counts in, one per thread, emptied before each article and
    /// kept with its room: grown from nothing for every article it was rehashed some ten times
    /// on the way to an article's ~1,000 terms and pairs (`reserve_rehash`, 61 M of 3,977 M
    /// instructions at 1,000 dumps, notes/build-bench.md session 25). The profile's order
    /// does not depend on the table's.
    static COUNTS: RefCell<Tally> = RefCell::new(Tally::default());
}

/// The room [`COUNTS`] keeps at most (entries): an outsized article's is given back.
const KEEP_COUNTS: usize = 1 << 16;

/// What [`Profile::with_terms`] gathers from an article's words as the analyzer reads them.
struct Reading {
    counts: TermCounts,
    /// The body key's hash so far ([`body_mix`] of each folded word's).
    text: u64,
    /// The folded body's length so far, a space after each word.
    text_len: usize,
}

/// Inlined into the analyzer's loop (see [`WordReader`]).
impl WordReader for Reading {
    #[inline(always)]
    fn title(&mut self, word: &Analyzed) {
        self.counts.add(word, 2);
    }

    #[inline(always)]
    fn body(&mut self, word: &Analyzed) {
        self.text_len += word.folded_len as usize + 1;
        self.body_keyed(word);
    }

    /// Each word of a key is its folded form, and a space follows each but the last: the
    /// paragraph's words are `len + 1` long with a space after each.
    #[inline(always)]
    fn key(&mut self, len: usize) {
        if len > 0 {
            self.text_len += len + 1;
        }
    }

    #[inline(always)]
    fn body_keyed(&mut self, word: &Analyzed) {
        self.text = body_mix(self.text, word.folded_hash);
        if !word.term.is_empty() {
            self.counts.add(word, 1);
        }
    }

    #[inline(always)]
    fn end_of_text(&mut self) {
        self.counts.end_of_text();
    }
}

/// Term and word-pair (shingle) counts of an article, the title's counted twice. Pairs of
/// consecutive words carry names and set phrases (جون كيري, وزير الخارجية) that tell one
/// story from another on the same subject; a pair never spans two texts (title, paragraphs).
struct TermCounts {
    counts: Tally,
    previous: Option<u64>,
}

impl TermCounts {
    /// Always inlined, as [`Tally::add`] is: once a word of every article.
    #[inline(always)]
    fn add(&mut self, word: &Analyzed, n: u32) {
        if word.stopword {
            return;
        }
        // Kept in the build cache and deciding ties between terms: the stable hash.
        let h = word.term_hash;
        self.counts.make_room(2);
        self.counts.add_in_room(h, n);
        if let Some(p) = self.previous {
            self.counts.add_in_room(p.rotate_left(17) ^ h, n);
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
    use crate::stable_hash::stable_hash;

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
    fn a_profile_read_where_it_is_encoded_is_the_profile() {
        let profiles = [
            Profile {
                body: Some((u64::MAX, 300)),
                terms: vec![(1, 2), (0x1234_5678, 40), (u32::MAX, 1)],
            },
            Profile::default(),
        ];
        for profile in &profiles {
            let mut bytes = postcard::to_stdvec(profile).unwrap();
            bytes.extend_from_slice(b"after");
            let (read, rest) = ProfileRef::take_from(&bytes).unwrap();
            assert_eq!(rest, b"after");
            assert!(matches!(read, ProfileRef::Encoded(_)));
            assert_eq!(read.body(), profile.body);
            assert_eq!(read.terms().len(), profile.terms.len());
            assert_eq!(read.terms().collect::<Vec<_>>(), profile.terms);
            assert_eq!(read.to_profile(), *profile);
            // Written again, the bytes it was read from.
            assert_eq!(
                postcard::to_stdvec(&read).unwrap(),
                bytes[..bytes.len() - 5]
            );
            let owned = ProfileRef::from(profile);
            assert_eq!(owned.terms().collect::<Vec<_>>(), profile.terms);
            assert_eq!(owned.body(), profile.body);
        }
        // Terms that are not whole pairs, or bytes cut short: an error when taken.
        let bad = postcard::to_stdvec(&(None::<(u64, u32)>, &[1u8, 2, 3][..])).unwrap();
        assert!(ProfileRef::take_from(&bad).is_err());
        let whole = postcard::to_stdvec(&profiles[0]).unwrap();
        assert!(ProfileRef::take_from(&whole[..whole.len() - 1]).is_err());
    }

    /// The selection [`most_weighed`] replaced: its oracle.
    fn most_weighed_by_selection(terms: &mut Vec<(u32, u32)>) {
        let by_weight = |a: &(u32, u32), b: &(u32, u32)| b.1.cmp(&a.1).then(a.0.cmp(&b.0));
        if terms.len() > PROFILE {
            terms.select_nth_unstable_by(PROFILE, by_weight);
            terms.truncate(PROFILE);
        }
    }

    proptest::proptest! {
        #[test]
        fn the_heap_keeps_the_terms_the_selection_kept(
            // Few counts and hashes, so that ties of count and whole duplicates are common.
            terms in proptest::collection::vec((0u32..200, 1u32..6), 0..400),
        ) {
            let mut expected = terms.clone();
            most_weighed_by_selection(&mut expected);
            let mut terms = most_weighed(terms.into_iter());
            expected.sort_unstable();
            terms.sort_unstable();
            proptest::prop_assert_eq!(terms, expected);
        }
    }

    proptest::proptest! {
        /// Its body key passed, not decoded: split where postcard's decoding splits it, and
        /// refused where it refuses.
        #[test]
        fn a_profile_is_split_as_postcard_reads_it(
            body: Option<(u64, u32)>,
            terms in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..24),
            after in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..24),
        ) {
            let postcard = |b| -> Option<(&[u8], &[u8])> {
                let (_, rest) = postcard::take_from_bytes::<Option<(u64, u32)>>(b).ok()?;
                postcard::take_from_bytes::<&[u8]>(rest).ok()
            };
            let mut bytes = postcard::to_stdvec(&(body, &terms[..])).unwrap();
            bytes.extend(&after);
            let split = ProfileRef::split(&bytes).ok();
            proptest::prop_assert_eq!(split, Some((&terms[..], &after[..])));
            for cut in 0..bytes.len() {
                proptest::prop_assert_eq!(ProfileRef::split(&bytes[..cut]).ok(), postcard(&bytes[..cut]));
            }
            // Any bytes at all (after a tag, often a bad one).
            proptest::prop_assert_eq!(ProfileRef::split(&after).ok(), postcard(&after));
        }
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

    #[test]
    fn the_body_bits_are_the_low_bits_of_the_body_key_encoded_or_not() {
        for body in [
            None,
            Some((7, 3)),
            Some((u64::MAX - 5, 9)),
            Some((0x1234_5678_9abc, 1)),
        ] {
            let profile = Profile {
                body,
                terms: vec![(5, 1)],
            };
            let bytes = postcard::to_stdvec(&profile).unwrap();
            let (encoded, _) = ProfileRef::take_from(&bytes).unwrap();
            let bits = body.map(|(h, _)| (h % 64) as u8);
            assert_eq!(encoded.body_bits(), bits, "{body:?}");
            assert_eq!(ProfileRef::from(&profile).body_bits(), bits);
        }
    }

    #[test]
    fn a_profile_placed_beside_its_body_keys_copy_reads_as_the_encoded_one() {
        for body in [None, Some((7, 3)), Some((u64::MAX - 5, 9))] {
            let profile = Profile {
                body,
                terms: vec![(5, 1), (9, 4)],
            };
            let bytes = postcard::to_stdvec(&profile).unwrap();
            let (encoded, _) = ProfileRef::take_from(&bytes).unwrap();
            let key = body_key_bytes(body);
            let placed = ProfileRef::Placed(&key, &bytes);
            assert_eq!(placed.body(), body);
            assert_eq!(placed.body_bits(), encoded.body_bits());
            assert_eq!(placed.terms().collect::<Vec<_>>(), profile.terms);
            assert_eq!(placed.to_profile(), profile);
            assert_eq!(postcard::to_stdvec(&placed).unwrap(), bytes);
            // The key is read from the copy alone: the profile's bytes are not looked at.
            let elsewhere = ProfileRef::Placed(&key, &[]);
            assert_eq!(
                (elsewhere.body(), elsewhere.body_bits()),
                (body, encoded.body_bits())
            );
        }
        // A copy whose tag is neither 0 nor 1 holds no key.
        let mut bad = body_key_bytes(Some((7, 3)));
        bad[0] = 2;
        assert_eq!(ProfileRef::Placed(&bad, &[]).body(), None);
    }
}
