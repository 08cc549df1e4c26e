//! The one word splitter: what a letter is, and where words begin and end.
//!
//! A word is a run of letters (of any script) and digits (ASCII, Arabic-Indic, Persian), with
//! marks ([`super::marks`]) kept inside the word they decorate. The parser's keys split on the
//! same classes, one character at a time through its table (`parse::text::CharInfo`).

use std::ops::Range;
use std::sync::LazyLock;

use super::chars::{ascii_digit, is_letter};
use super::marks::{TATWEEL, is_mark};

/// A character that belongs to a word: a letter, a digit, or a mark inside it.
pub fn is_word_char(c: char) -> bool {
    // The other characters below U+0800 (Latin-1, the rest of the Arabic block) from a table
    // made once by the rule itself: Arabic punctuation (`،` `؛` `؟`) and guillemets fell
    // through to Unicode's alphabetic table, some 500 instructions each (tens of thousands in
    // the analysis of a thousand articles, notes/build-bench.md).
    static BELOW_0800: LazyLock<[bool; 0x800]> =
        LazyLock::new(|| std::array::from_fn(|i| char::from_u32(i as u32).is_some_and(by_rule)));
    // Arabic letters and ASCII first, as the rule does: a range check is cheaper than the
    // table's.
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else if ('\u{0621}'..='\u{064A}').contains(&c) {
        true
    } else {
        match BELOW_0800.get(c as usize) {
            Some(&is) => is,
            None => by_rule(c),
        }
    }
}

/// [`is_word_char`] by its rule.
fn by_rule(c: char) -> bool {
    // Arabic letters and ASCII first: Unicode's tables are slow next to a range check.
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else if ('\u{0621}'..='\u{064A}').contains(&c) {
        true
    } else {
        is_letter(c) || ascii_digit(c).is_some() || is_mark(c)
    }
}

/// The words of `text` as byte ranges into it, with a clitic that tatweel stretches off its
/// word (`لـ`, `بـ`, `ولـ`) left out: `لـ"داعش"` gives one word, `داعش`.
///
/// Read byte by byte, with the Arabic letters and ASCII taken from their bytes and only the
/// other characters decoded: every word of every article passes here, and a `char_indices`
/// walk cost some 360 instructions a word (10 % of a build's, notes/build-bench.md).
pub fn words(text: &str) -> Words<'_> {
    Words { text, at: 0 }
}

/// The iterator [`words`] returns.
pub struct Words<'a> {
    text: &'a str,
    /// Where the next word is looked for: a character boundary.
    at: usize,
}

impl Iterator for Words<'_> {
    type Item = Range<usize>;

    /// Inlined into the caller's loop: as a call of its own (a `from_fn` closure) its frame
    /// and saved registers were ≈ 17 instructions a word (notes/build-bench.md session 32).
    #[inline(always)]
    fn next(&mut self) -> Option<Range<usize>> {
        let text = self.text;
        loop {
            // Each character is classed once: the first of the word here, the one that ends
            // it below, which the next call then starts after (classing the space between two
            // words twice, and the first letter again in the run, was ≈ 29 instructions a
            // word, notes/build-bench.md session 31).
            let (start, first) = loop {
                let (len, class) = class_at(text, self.at)?;
                if class & WORD != 0 {
                    break (self.at, (len, class));
                }
                self.at += len;
            };
            let (mut end, mut seen) = (start + first.0, first.1);
            loop {
                // Runs of the Arabic letters that are not tatweel, in a loop of their own: most
                // of a word's characters, and nothing to note of them but that they are letters.
                let run = end;
                end += letter_run(&text.as_bytes()[end..]);
                if end > run {
                    seen |= WORD | NOT_MARK;
                }
                match class_at(text, end) {
                    Some((len, class)) if class & WORD != 0 => {
                        seen |= class;
                        end += len;
                    }
                    Some((len, _)) => {
                        self.at = end + len;
                        break;
                    }
                    None => {
                        self.at = end;
                        break;
                    }
                }
            }
            // A clitic is cut off only before tatweel, and a word without tatweel that has a
            // letter or digit is a word: the checks below are for the rare rest.
            if seen & TATWEEL_SEEN == 0 {
                if seen & NOT_MARK != 0 {
                    return Some(start..end);
                }
                continue;
            }
            let start = start + clitic_len(&text[start..end]);
            if text[start..end].chars().any(|c| !is_mark(c)) {
                return Some(start..end);
            }
        }
    }
}

/// The byte length of the run of Arabic letters U+0621–U+063F and U+0641–U+064A (`D8 A1`–`D8 BF`,
/// `D9 81`–`D9 8A`; tatweel, `D9 80`, is not one) that `bytes`, from a character boundary,
/// begins with.
#[inline(always)]
fn letter_run(bytes: &[u8]) -> usize {
    let mut len = 0;
    // Eight letters at a time where 16 bytes are left: a word's letters are some five, and
    // one at a time they were ≈ 10 instructions each (notes/build-bench.md session 32).
    #[cfg(target_arch = "x86_64")]
    while let Some(block) = bytes[len..].first_chunk::<16>() {
        let letters = block_letters(block);
        len += letters;
        if letters < 16 {
            return len;
        }
    }
    len + pair_letters(&bytes[len..])
}

/// [`letter_run`] two bytes at a time.
#[inline(always)]
fn pair_letters(bytes: &[u8]) -> usize {
    // Two bytes read as one number and two comparisons a letter: between `D8 A1` and `D9 8A`
    // the only characters that valid UTF-8 spells are those letters and tatweel. A slice
    // pattern re-sliced the text at each letter, some 16 instructions a letter (4.9 M letters
    // at 1,000 dumps, notes/build-bench.md session 31).
    let mut len = 0;
    for pair in bytes.chunks_exact(2) {
        let x = u16::from_be_bytes([pair[0], pair[1]]);
        if x.wrapping_sub(FIRST_LETTER) > LAST_LETTER - FIRST_LETTER || x == TATWEEL_BYTES {
            break;
        }
        len += 2;
    }
    len
}

/// U+0621's bytes as a big-endian number: the first letter of [`letter_run`]'s.
const FIRST_LETTER: u16 = 0xD8A1;
/// U+064A's: the last.
const LAST_LETTER: u16 = 0xD98A;
/// Tatweel's, between them and not a letter.
const TATWEEL_BYTES: u16 = 0xD980;

/// [`pair_letters`] on 16 bytes at once: the byte length of the letters `block` begins with.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn block_letters(block: &[u8; 16]) -> usize {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi16, _mm_cmpgt_epi16, _mm_loadu_si128, _mm_movemask_epi8,
        _mm_or_si128, _mm_set1_epi16, _mm_slli_epi16, _mm_srli_epi16, _mm_sub_epi16, _mm_xor_si128,
    };
    // SAFETY: SSE2 is part of x86-64; the load reads the array's 16 bytes, and `loadu` needs
    // no alignment.
    let outside = unsafe {
        let v = _mm_loadu_si128(block.as_ptr().cast::<__m128i>());
        // Each pair as a big-endian number, as `pair_letters` reads it.
        let x = _mm_or_si128(_mm_slli_epi16::<8>(v), _mm_srli_epi16::<8>(v));
        // `x - FIRST_LETTER > LAST_LETTER - FIRST_LETTER`, unsigned, as a signed comparison
        // of both sides with their top bit flipped.
        let flip = _mm_set1_epi16(i16::MIN);
        let above = _mm_cmpgt_epi16(
            _mm_xor_si128(_mm_sub_epi16(x, _mm_set1_epi16(FIRST_LETTER as i16)), flip),
            _mm_xor_si128(_mm_set1_epi16((LAST_LETTER - FIRST_LETTER) as i16), flip),
        );
        let tatweel = _mm_cmpeq_epi16(x, _mm_set1_epi16(TATWEEL_BYTES as i16));
        _mm_movemask_epi8(_mm_or_si128(above, tatweel)) as u32
    };
    // Two bits a pair: the first pair outside is at an even byte.
    (outside | 1 << 16).trailing_zeros() as usize
}

/// [`class_at`]: the character belongs to a word ([`is_word_char`]).
const WORD: u8 = 1;
/// [`class_at`]: the character is not a mark ([`is_mark`]).
const NOT_MARK: u8 = 2;
/// [`class_at`]: the character is [`TATWEEL`].
const TATWEEL_SEEN: u8 = 4;

/// The byte length and class of the character at byte `at` of `text` (a character boundary),
/// `None` at the end.
#[inline(always)]
fn class_at(text: &str, at: usize) -> Option<(usize, u8)> {
    let bytes = text.as_bytes();
    let lead = *bytes.get(at)?;
    if lead < 0x80 {
        let word = lead.is_ascii_alphanumeric();
        return Some((1, if word { WORD | NOT_MARK } else { 0 }));
    }
    // U+0621..U+063F are D8 A1..D8 BF, U+0640 (tatweel) is D9 80, U+0641..U+064A are D9 81..
    // D9 8A: letters all, `is_word_char`'s first range.
    match (lead, bytes.get(at + 1)) {
        (0xD8, Some(0xA1..=0xBF)) | (0xD9, Some(0x81..=0x8A)) => return Some((2, WORD | NOT_MARK)),
        (0xD9, Some(0x80)) => return Some((2, WORD | TATWEEL_SEEN)),
        _ => {}
    }
    let c = text[at..].chars().next()?;
    let class = if !is_word_char(c) {
        0
    } else if is_mark(c) {
        WORD | if c == TATWEEL { TATWEEL_SEEN } else { 0 }
    } else {
        WORD | NOT_MARK
    };
    Some((c.len_utf8(), class))
}

/// Whether [`words`] cuts a clitic off a word of `text` (`لـ"داعش"` gives `داعش`): where it
/// does, the words are not the text's runs of word characters, as the parser's keys have them
/// (`parse::BodyKeys`); where it does not, they are.
///
/// Only a word with tatweel can lose a clitic, so each tatweel's word is asked [`clitic_len`],
/// from the word's start found backwards: a paragraph is not walked a character at a time (a
/// split of each paragraph with tatweel was 0.3 % of a build, notes/build-bench.md session 51).
/// Tatweel (`D9 80`) is looked for by its second byte, rare in Arabic text (the letters after
/// it are `D9 81` to `D9 8A`): a search for the pair met a candidate at nearly every letter's
/// `D9`.
pub fn cuts_a_clitic(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr_iter(0x80, bytes)
        .filter(|&at| at > 0 && bytes[at - 1] == 0xD9)
        .any(|at| {
            let before = &text[..at - 1];
            let start = before
                .char_indices()
                .rev()
                .find(|&(_, c)| !is_word_char(c))
                .map_or(0, |(i, c)| i + c.len_utf8());
            clitic_len(&text[start..]) > 0
        })
}

/// The byte length of a leading clitic (one or two of و ف ب ك ل) followed by tatweel, or 0.
///
/// Writers put tatweel after a one-letter clitic to keep it visually apart from a quoted or
/// foreign word (`لـ"داعش"`, `بـ"الناتو"`); inside a word tatweel only stretches a letter.
fn clitic_len(word: &str) -> usize {
    let mut letters = 0;
    for (i, c) in word.char_indices() {
        match c {
            TATWEEL if letters > 0 => {
                let rest = &word[i..];
                let skip = rest.len() - rest.trim_start_matches(TATWEEL).len();
                return i + skip;
            }
            'و' | 'ف' | 'ب' | 'ك' | 'ل' if letters < 2 => letters += 1,
            c if is_mark(c) && c != TATWEEL => {}
            _ => return 0,
        }
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The splitter as it was written first, one character at a time: what [`words`] must
    /// give.
    fn words_by_chars(text: &str) -> Vec<Range<usize>> {
        let mut chars = text.char_indices().peekable();
        std::iter::from_fn(move || {
            loop {
                let (start, _) = chars.find(|&(_, c)| is_word_char(c))?;
                let mut end = text.len();
                while let Some(&(i, c)) = chars.peek() {
                    if !is_word_char(c) {
                        end = i;
                        break;
                    }
                    chars.next();
                }
                let start = start + clitic_len(&text[start..end]);
                if text[start..end].chars().any(|c| !is_mark(c)) {
                    return Some(start..end);
                }
            }
        })
        .collect()
    }

    #[test]
    fn sixteen_bytes_at_once_are_two_at_a_time() {
        // Every pair of the letters' edges and their neighbours, at each even place of a
        // block of letters, and one character across the pairs (an odd start).
        let edges = [
            0xD8A0u16, 0xD8A1, 0xD8BF, 0xD8C0, 0xD97F, 0xD980, 0xD981, 0xD98A, 0xD98B, 0x2020,
            0xA1D8, 0x0000, 0xFFFF,
        ];
        for edge in edges {
            for place in 0..9 {
                let mut bytes = Vec::new();
                for i in 0..9 {
                    let x = if i == place { edge } else { 0xD8A8 };
                    bytes.extend(x.to_be_bytes());
                }
                for from in [0, 1, 2] {
                    let rest = &bytes[from..];
                    #[cfg(target_arch = "x86_64")]
                    {
                        let block = rest.first_chunk::<16>().unwrap();
                        assert_eq!(
                            block_letters(block),
                            pair_letters(block),
                            "{edge:04X} at {place} from {from}"
                        );
                    }
                    assert_eq!(letter_run(rest), pair_letters(rest));
                }
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn words_by_bytes_are_words_by_chars(
            picks in proptest::collection::vec(0usize..ALPHABET.len(), 0..40)
        ) {
            let text: String = picks.iter().map(|&i| ALPHABET[i]).collect();
            proptest::prop_assert_eq!(words(&text).collect::<Vec<_>>(), words_by_chars(&text));
        }
    }

    /// Characters at the edges of every class [`class_at`] tells apart by bytes, and some it
    /// decodes: clitics, tatweel, marks, joiners, digits, Latin, punctuation, four-byte ones.
    const ALPHABET: [char; 40] = [
        'a', 'Z', '0', ' ', '"', '.', '-', '\u{0620}', '\u{0621}', '\u{063F}', '\u{0640}',
        '\u{0641}', '\u{064A}', '\u{064B}', '\u{065F}', '\u{0660}', '\u{066A}', '\u{0670}',
        '\u{06D6}', '\u{06F1}', '\u{0610}', 'و', 'ف', 'ب', 'ك', 'ل', 'د', '،', '«', '»',
        '\u{00AD}', '\u{200C}', '\u{200F}', '\u{2010}', 'é', 'ß', '\u{0800}', '中', '😀',
        '\u{0609}',
    ];

    #[test]
    fn words_by_bytes_are_words_by_chars_on_every_pair() {
        for a in ALPHABET {
            for b in ALPHABET {
                for text in [format!("{a}{b}"), format!("{a}{b}{a}"), format!("ل{a}{b}")] {
                    assert_eq!(
                        words(&text).collect::<Vec<_>>(),
                        words_by_chars(&text),
                        "{text:?}"
                    );
                }
            }
        }
    }

    fn word_strs(text: &str) -> Vec<&str> {
        words(text).map(|r| &text[r]).collect()
    }

    #[test]
    fn words_split_on_punctuation_and_keep_marks_inside() {
        let cases: [(&str, &[&str]); 9] = [
            ("لـ\"داعش\"", &["داعش"]),
            ("لـداعش", &["داعش"]),
            ("التصدي لـ \"داعش\"", &["التصدي", "داعش"]),
            ("ولـ«داعش»", &["داعش"]),
            (
                "تنظيم \"داعش\"، و(القاعدة).",
                &["تنظيم", "داعش", "و", "القاعدة"],
            ),
            ("سُورِيَّة", &["سُورِيَّة"]),
            ("الأخبـــار", &["الأخبـــار"]),
            ("دمشق ـ نور", &["دمشق", "نور"]),
            // An honorific sign over a name stays with the name.
            ("محمد\u{0610} قال", &["محمد\u{0610}", "قال"]),
        ];
        for (input, want) in cases {
            assert_eq!(word_strs(input), want, "words({input:?})");
        }
        assert!(word_strs("«»،؛؟!... - ـ").is_empty());
    }

    #[test]
    fn the_table_says_what_the_rule_says() {
        for c in (0..0x900).filter_map(char::from_u32) {
            assert_eq!(is_word_char(c), by_rule(c), "{c:?}");
        }
    }
}
