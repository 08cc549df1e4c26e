//! Character-level helpers: what each character is (for cleaning a line and counting what it
//! holds), and folding text into comparison keys (so `"داعش"` and `داعش`, or a title glued to
//! itself, can be recognised as the same). Letters, digits and marks are folded and split by
//! [`crate::arabic`], the search analyzer's table too.

use std::hash::Hasher;

use rustc_hash::FxHasher;

pub use crate::arabic::{ascii_digit, is_alnum, is_arabic_letter, is_harakah, is_letter};

/// What the line scanner and the key folder ask of a character, answered once: by a table
/// for the first 2,048 code points (ASCII, Latin, Arabic: one or two bytes of UTF-8), by the
/// functions below for the rest. The table is filled by those same functions.
#[derive(Debug, Clone, Copy)]
pub struct CharInfo {
    flags: u16,
    fold_len: u8,
    /// The character in a key, as UTF-8: an ASCII digit for a digit, the folded letter for a
    /// letter.
    fold: [u8; 4],
}

impl CharInfo {
    /// Dropped from the line ([`is_invisible`]).
    pub const INVISIBLE: u16 = 1;
    pub const WHITESPACE: u16 = 1 << 1;
    /// Folded by NFKC ([`is_presentation_form`]).
    pub const PRESENTATION: u16 = 1 << 2;
    /// A digit of any script ([`ascii_digit`]).
    pub const DIGIT: u16 = 1 << 3;
    /// A mark ([`crate::arabic::is_mark`]): dropped from keys without breaking the word.
    pub const MARK: u16 = 1 << 4;
    /// [`is_letter`].
    pub const LETTER: u16 = 1 << 5;
    /// [`is_arabic_letter`].
    pub const ARABIC: u16 = 1 << 6;
    /// [`is_alnum`].
    pub const ALNUM: u16 = 1 << 7;
    /// A letter whose lower case is more than one character (`İ`): `fold` does not hold it.
    pub const LONG_FOLD: u16 = 1 << 8;
    /// Ends a line (LF, CR, form feed, NEL, the Unicode line and paragraph separators).
    pub const LINE_END: u16 = 1 << 9;
    /// A letter of two bytes (Arabic, most Latin) kept as it is in a line and folded to two
    /// bytes in a key: nothing but counting and copying to do, so the line scanner takes runs
    /// of them in a loop of their own (`lines::plain`).
    pub const PLAIN: u16 = 1 << 10;
    /// A [`CharInfo::PLAIN`] letter whose fold is not its own bytes (أ إ آ ة ى, capitals): the
    /// few a copied run of plain letters has to rewrite in its key.
    pub const REFOLD: u16 = 1 << 11;
    /// What makes a dump binary ([`is_control_code`]): the scan counts them as it goes, so
    /// that `decode` need not pass over the bytes for them.
    pub const CONTROL: u16 = 1 << 12;

    fn compute(c: char) -> Self {
        let mut flags = 0;
        let mut set = |flag: u16, on: bool| {
            if on {
                flags |= flag;
            }
        };
        set(Self::INVISIBLE, is_invisible(c));
        set(Self::WHITESPACE, c.is_whitespace());
        set(Self::PRESENTATION, is_presentation_form(c));
        set(Self::DIGIT, ascii_digit(c).is_some());
        set(Self::MARK, crate::arabic::is_mark(c));
        set(Self::LETTER, is_letter(c));
        set(Self::ARABIC, is_arabic_letter(c));
        set(Self::ALNUM, is_alnum(c));
        set(Self::CONTROL, is_control_code(c));
        set(
            Self::LINE_END,
            matches!(
                c,
                '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{c}'
            ),
        );
        let fold = crate::arabic::fold_char(c);
        if c.to_lowercase().nth(1).is_some() {
            flags |= Self::LONG_FOLD;
        }
        let mut bytes = [0; 4];
        let fold_len = fold.encode_utf8(&mut bytes).len() as u8;
        let kept = Self::INVISIBLE
            | Self::WHITESPACE
            | Self::PRESENTATION
            | Self::DIGIT
            | Self::MARK
            | Self::LONG_FOLD
            | Self::LINE_END;
        if flags & kept == 0
            && flags & Self::LETTER != 0
            && flags & Self::ALNUM != 0
            && c.len_utf8() == 2
            && fold_len == 2
        {
            flags |= Self::PLAIN;
            let mut own = [0; 4];
            c.encode_utf8(&mut own);
            if own != bytes {
                flags |= Self::REFOLD;
            }
        }
        CharInfo {
            flags,
            fold_len,
            fold: bytes,
        }
    }

    #[inline]
    pub fn of(c: char) -> Self {
        match Self::table().get(c as usize) {
            Some(info) => *info,
            None => Self::compute(c),
        }
    }

    /// The answers for U+0000..U+07FF, indexed by code point.
    #[inline]
    pub fn table() -> &'static [CharInfo; TABLE_SIZE] {
        &CHAR_TABLE
    }

    #[inline]
    pub fn is(self, flag: u16) -> bool {
        self.flags & flag != 0
    }

    /// Punctuation and symbols: none of the flags (no letter, digit, mark, space, control or
    /// presentation form). Kept in a line as it is; in a key, a break between words.
    #[inline]
    pub fn is_other(self) -> bool {
        self.flags == 0
    }

    /// The key's two bytes for a [`CharInfo::PLAIN`] letter.
    #[inline]
    pub fn plain_fold(self) -> [u8; 2] {
        [self.fold[0], self.fold[1]]
    }

    /// A digit's value (for a character that [`CharInfo::DIGIT`] says is one).
    #[inline]
    pub fn digit(self) -> u32 {
        u32::from(self.fold[0].wrapping_sub(b'0'))
    }
}

/// Code points below this are answered by [`CharInfo::table`].
pub const TABLE_SIZE: usize = 0x800;

/// The slot of [`CharInfo::table`] for the character of two bytes of UTF-8 `b0 b1`: its code
/// point (eleven bits, so inside the table whatever the bytes are: the `%` changes nothing
/// and lets the compiler drop the bounds check). The scanner's, the plain runs' and the date
/// tokenizer's hot loops read a character this way.
#[inline(always)]
pub fn two_byte_slot(b0: u8, b1: u8) -> usize {
    (usize::from(b0 & 0x1f) << 6 | usize::from(b1 & 0x3f)) % TABLE_SIZE
}

static CHAR_TABLE: std::sync::LazyLock<[CharInfo; TABLE_SIZE]> = std::sync::LazyLock::new(|| {
    std::array::from_fn(|u| CharInfo::compute(char::from_u32(u as u32).unwrap_or('\0')))
});

/// Format and direction controls that carry no text: zero-width space/joiners' kin, BOM,
/// bidi embeddings, overrides and isolates, soft hyphen.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{200b}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}' | '\u{feff}' | '\u{ad}' | '\u{061c}')
        || (c.is_control() && c != '\t')
}

/// What makes a dump binary, as `decode` counts it on the bytes: control characters other
/// than line and tab ones, and the replacement character.
pub fn is_control_code(c: char) -> bool {
    c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}') || c == '\u{fffd}'
}

fn is_presentation_form(c: char) -> bool {
    matches!(c, '\u{fb50}'..='\u{fdff}' | '\u{fe70}'..='\u{fefe}')
}

/// `char::is_alphabetic`, with ASCII and the common Arabic letters (U+0620 to U+064A, all
/// letters) answered first: for any other character Unicode's table is searched, ≈ 100
/// instructions a character (the datelines' name tests asked it of every letter).
pub fn is_alphabetic(c: char) -> bool {
    c.is_ascii_alphabetic()
        || matches!(c, '\u{620}'..='\u{64a}')
        || !c.is_ascii() && c.is_alphabetic()
}

/// The character whose UTF-8 `bytes` are.
pub fn first_char(bytes: &[u8]) -> char {
    std::str::from_utf8(bytes)
        .ok()
        .and_then(|s| s.chars().next())
        .unwrap_or(char::REPLACEMENT_CHARACTER)
}

/// What the table (or [`CharInfo::of`]) says of the character that starts at `text[i..]`,
/// whose first byte is `b`, and its length: one and two-byte characters (ASCII, Latin, Arabic)
/// straight from the table by their bytes, as the hot loops read them.
#[inline(always)]
pub fn info_at(text: &str, i: usize, b: u8, table: &[CharInfo; TABLE_SIZE]) -> (CharInfo, usize) {
    if b < 0x80 {
        (table[usize::from(b) % TABLE_SIZE], 1)
    } else if b < 0xe0 {
        let next = text.as_bytes().get(i + 1).copied().unwrap_or(0);
        (table[two_byte_slot(b, next)], 2)
    } else {
        let c = text[i..].chars().next().unwrap_or_default();
        (CharInfo::of(c), c.len_utf8())
    }
}

/// Folds a string for comparison: letters and digits only, folded by [`crate::arabic`]'s table
/// (أ إ آ ٱ → ا, ى ی → ي, ک → ك, ة → ه), marks dropped, Latin lower-cased, digits
/// ASCII, words separated by single spaces.
pub fn key(s: &str) -> String {
    let mut out = Vec::with_capacity(s.len());
    fold_at_most(&mut out, s, usize::MAX);
    // The buffer becomes the string: checked, not copied (a key is made for every word of a
    // date line).
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// [`key`], if it is at most `max` bytes long, handed to `f`. Tables of short names
/// (agencies, places, publishers) are asked about whole lines and paragraphs: a key is folded
/// only until it is longer than the table's longest (a key only grows as it is folded), into
/// one buffer a thread keeps (a lookup's key is dropped at once: no allocation a call).
pub fn with_key_at_most<R>(s: &str, max: usize, f: impl FnOnce(&str) -> R) -> Option<R> {
    thread_local! {
        static SCRATCH: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    SCRATCH.with_borrow_mut(|out| {
        out.clear();
        fold_at_most(out, s, max)?;
        Some(f(&String::from_utf8_lossy(out)))
    })
}

/// Folds `s` into `out` while the key is at most `max` bytes; `None` once it is longer.
///
/// A character of one or two bytes is read from the table by its bytes, as the line scanner
/// reads it (decoded into a `char`, encoded back and looked up by [`CharInfo::of`], a
/// character cost ≈ 25 instructions more: the names' tables fold ≈ 2,000 strings in 200
/// dumps, 1.5 M instructions).
fn fold_at_most(out: &mut Vec<u8>, s: &str, max: usize) -> Option<()> {
    let table = CharInfo::table();
    let bytes = s.as_bytes();
    let mut folder = KeyFolder::default();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let (info, len) = info_at(s, i, b, table);
        folder.push(out, &bytes[i..i + len], info, &mut |_| {});
        if out.len() > max {
            return None;
        }
        i += len;
    }
    Some(())
}

/// A word's hash, of its key's bytes: tables of words (the furniture phrases') are checked
/// against the words of a line's key as the key is written. In memory only (the lexicon's
/// tables are hashed at start), so rustc-hash's hasher, whatever its version computes.
///
/// Hashing whole words, not letter by letter, lets a run of plain letters be read many bytes
/// at a time (`lines::plain`): the bytes are hashed once they are in the key.
#[inline]
pub fn word_hash(word: &[u8]) -> u64 {
    let mut h = FxHasher::default();
    h.write(word);
    h.finish()
}

/// [`key`] one character at a time into a byte buffer the caller owns, handing each finished
/// word's [`word_hash`] to `word_end`.
#[derive(Debug, Default)]
pub struct KeyFolder {
    gap: bool,
    started: bool,
    /// Where the word being written starts in the buffer.
    word_start: usize,
}

impl KeyFolder {
    /// One character: `raw` is its UTF-8.
    #[inline(always)]
    pub fn push(
        &mut self,
        out: &mut Vec<u8>,
        raw: &[u8],
        info: CharInfo,
        word_end: &mut impl FnMut(u64),
    ) {
        if info.is(CharInfo::MARK) {
            // Harakat and tatweel vanish inside the word.
            return;
        }
        if info.flags & (CharInfo::DIGIT | CharInfo::LETTER) == 0 {
            self.gap = true;
            return;
        }
        if !self.in_word() {
            if self.started {
                word_end(word_hash(&out[self.word_start..]));
                out.push(b' ');
            }
            self.word_start = out.len();
        }
        self.gap = false;
        self.started = true;
        if info.is(CharInfo::LONG_FOLD) {
            for l in first_char(raw).to_lowercase() {
                let mut bytes = [0; 4];
                let len = l.encode_utf8(&mut bytes).len();
                write(out, bytes, len);
            }
        } else {
            write(out, info.fold, usize::from(info.fold_len));
        }
    }

    /// Where the word being written starts in the buffer: a run of plain letters
    /// (`lines::plain`) writes its letters itself, hands on the words it ends and gives the
    /// last one's start back with [`KeyFolder::resume_word`].
    #[inline(always)]
    pub fn word_start(&self) -> usize {
        self.word_start
    }

    /// Goes on with the word that starts at `word_start` in the buffer, a run of plain letters
    /// having written its letters and the words before it.
    #[inline(always)]
    pub fn resume_word(&mut self, word_start: usize) {
        debug_assert!(self.started && !self.gap);
        self.word_start = word_start;
    }

    /// Whether the next letter goes on the current word (no word break is pending).
    #[inline]
    pub fn in_word(&self) -> bool {
        self.started && !self.gap
    }

    /// The end of the text written into `out`: the last word is finished too.
    pub fn finish(&mut self, out: &[u8], word_end: &mut impl FnMut(u64)) {
        if self.started {
            word_end(word_hash(&out[self.word_start..]));
        }
        *self = KeyFolder::default();
    }
}

/// A character's fold into a key.
#[inline(always)]
fn write(out: &mut Vec<u8>, utf8: [u8; 4], len: usize) {
    // Nearly every character of a key is one or two bytes: no copy loop for those.
    match len {
        1 => out.push(utf8[0]),
        2 => {
            out.push(utf8[0]);
            out.push(utf8[1]);
        }
        _ => out.extend_from_slice(&utf8[..len.min(4)]),
    }
}

/// [`key`] without spaces: for matching a title against a copy of it that was glued to
/// another, lost its quotes (`لـداعش` for `لـ"داعش"`) or its spacing.
pub fn compact_key(s: &str) -> String {
    key(s).replace(' ', "")
}

/// The words of a [`key`] (one space between words), as `key.split(' ')` gives them: the spaces
/// found eight bytes at a time ([`next_space`]; byte by byte, a key's words cost ≈ 3
/// instructions a byte, and `split`'s search a call a word).
pub fn key_words(key: &str) -> impl Iterator<Item = &str> {
    let mut from = Some(0);
    std::iter::from_fn(move || {
        let start = from?;
        let end = next_space(key.as_bytes(), start);
        from = (end < key.len()).then_some(end + 1);
        key.get(start..end)
    })
}

/// Where the next space is in `b` from `from` on (`b.len()` when there is none), eight bytes
/// at a time: a key's words are a dozen bytes long, where `memchr`'s calls cost more than the
/// search (≈ 60 instructions a word, measured).
#[inline]
pub fn next_space(b: &[u8], from: usize) -> usize {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    const SPACES: u64 = u64::from_ne_bytes([b' '; 8]);
    let mut i = from;
    while let Some(chunk) = b.get(i..i + 8) {
        let x = u64::from_le_bytes(chunk.try_into().unwrap_or_default()) ^ SPACES;
        // The lowest byte that was a space is the lowest flagged one (a flag above a zero byte
        // can be false, never one below it).
        let zero = x.wrapping_sub(ONES) & !x & HIGHS;
        if zero != 0 {
            return i + (zero.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    b[i..]
        .iter()
        .position(|&c| c == b' ')
        .map_or(b.len(), |p| i + p)
}

/// Words: runs between white space that hold at least one letter or digit.
pub fn words(s: &str) -> impl Iterator<Item = &str> {
    s.split_whitespace().filter(|w| w.chars().any(is_alnum))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The eight-byte search finds the first space at every offset, past bytes that differ
    /// from a space by one bit (`!`, `0`, `\xa0`'s bytes).
    #[test]
    fn next_space_is_the_first_space() {
        let text = "ab!0\u{a0}c d  الحكومه تقر خطه، 2021 x";
        let b = text.as_bytes();
        for from in 0..=b.len() {
            let plain = b[from..]
                .iter()
                .position(|&c| c == b' ')
                .map_or(b.len(), |p| from + p);
            assert_eq!(next_space(b, from), plain, "{from}");
        }
        assert_eq!(next_space(b"", 0), 0);
    }

    /// The words of a key are `split(' ')`'s, empty ones too (keys have none, but a caller
    /// may hand another string).
    #[test]
    fn key_words_are_split_s() {
        for s in [
            "",
            " ",
            "a",
            "ab cd",
            " الحكومه  تقر خطه ",
            "abcdefgh ijklmnopq r",
        ] {
            let words: Vec<&str> = key_words(s).collect();
            assert_eq!(words, s.split(' ').collect::<Vec<_>>(), "{s:?}");
        }
    }

    #[test]
    fn is_alphabetic_is_the_standard_library_s() {
        for c in ('\0'..='\u{2ffff}').chain(['\u{10ffff}']) {
            assert_eq!(is_alphabetic(c), c.is_alphabetic(), "{c:?}");
        }
    }

    /// Every character of two bytes is read from its own code point's slot.
    #[test]
    fn two_byte_characters_find_their_slot() {
        for c in '\u{80}'..'\u{800}' {
            let mut b = [0; 4];
            c.encode_utf8(&mut b);
            assert_eq!(two_byte_slot(b[0], b[1]), c as usize, "{c:?}");
        }
    }

    #[test]
    fn char_table_agrees_with_the_functions() {
        let others = ['\u{fb50}', '\u{fefb}', '\u{feff}', '\u{fffd}', '\u{1d400}'];
        for c in ('\0'..='\u{3000}').chain(others) {
            let info = CharInfo::of(c);
            assert_eq!(info.is(CharInfo::INVISIBLE), is_invisible(c), "{c:?}");
            assert_eq!(info.is(CharInfo::WHITESPACE), c.is_whitespace(), "{c:?}");
            assert_eq!(info.is(CharInfo::LETTER), is_letter(c), "{c:?}");
            assert_eq!(info.is(CharInfo::ALNUM), is_alnum(c), "{c:?}");
            assert_eq!(info.is(CharInfo::ARABIC), is_arabic_letter(c), "{c:?}");
            assert_eq!(info.is(CharInfo::DIGIT), ascii_digit(c).is_some(), "{c:?}");
            assert_eq!(info.is(CharInfo::CONTROL), is_control_code(c), "{c:?}");
            if let Some(d) = ascii_digit(c) {
                assert_eq!(info.digit(), d, "{c:?}");
            }
        }
        assert_eq!(key("İSTANBUL Ωmega"), "i\u{307}stanbul ωmega");
    }

    /// Folding by the table read by bytes is folding a character at a time through
    /// [`CharInfo::of`] (the old reading), at every length the fold may stop at.
    #[test]
    fn folding_by_bytes_is_folding_by_characters() {
        let by_chars = |s: &str, max: usize| {
            let (mut out, mut folder, mut buf) = (Vec::new(), KeyFolder::default(), [0; 4]);
            for c in s.chars() {
                let raw = c.encode_utf8(&mut buf).as_bytes();
                folder.push(&mut out, raw, CharInfo::of(c), &mut |_| {});
                if out.len() > max {
                    return None;
                }
            }
            Some(out)
        };
        let text = "(وكالة الأنباء) أحمدُ ـ مراسلنا İSTANBUL Ωmega ١٠ 2015 \u{fefb}\u{fdfa} \
                    «نص» \u{200f}x\u{a0}y 😀 ۴ ک ی";
        for (at, _) in text.char_indices() {
            let s = &text[at..];
            for max in [0, 3, 10, 40, usize::MAX] {
                let mut out = Vec::new();
                let folded = fold_at_most(&mut out, s, max).map(|()| out);
                assert_eq!(folded, by_chars(s, max), "{s:?} {max}");
            }
        }
    }

    #[test]
    fn key_at_most_gives_up_past_its_length() {
        let s = "(وكالة الأنباء) - مراسلنا";
        let k = key(s);
        let at_most = |s, max| with_key_at_most(s, max, str::to_owned);
        assert_eq!(at_most(s, k.len()).as_ref(), Some(&k));
        assert_eq!(at_most(s, k.len() - 1), None);
        assert_eq!(at_most("--(بترا)", 8).as_deref(), Some("بترا"));
        // The thread's buffer starts empty each call: a short key after a long one.
        assert_eq!(at_most("بترا", 8).as_deref(), Some("بترا"));
        assert_eq!(at_most("", 8).as_deref(), Some(""));
    }

    #[test]
    fn key_unifies_spelling_and_punctuation() {
        assert_eq!(compact_key("لـ\"داعش\""), compact_key("لـداعش"));
        assert_eq!(key("الإسلامية!"), key("الاسلامية"));
        assert_eq!(key("مدرسةٌ"), "مدرسه");
        assert_eq!(key("عام ٢٠١٥"), "عام 2015");
        assert_eq!(key("  Sputnik   Arabic "), "sputnik arabic");
    }
}
