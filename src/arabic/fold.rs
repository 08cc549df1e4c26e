//! The folding table: the spellings of a letter that writers use for one another, and digits of
//! any of the three scripts, brought to one form. Arabic has no case; other scripts are
//! lower-cased.
//!
//! The table is Lucene's `ArabicNormalizer` (alef with hamza or madda and alef wasla to alef,
//! alef maqsura to yeh, ta marbuta to heh) plus the Persian yeh and keheh that some Arabic sites
//! type. Before the parser and the search analyzer shared it, the parser also folded the hamza
//! seats ؤ → و and ئ → ي, and the analyzer the Persian letters. The Persian letters are kept:
//! they are the Arabic letters typed on another keyboard. The hamza seats are not folded: a
//! seat tells words apart (رؤى visions, روى narrated; سئل was asked, سيل torrent), Lucene
//! keeps them for that reason, and folding them changed which terms the story threads weigh
//! (a quarter of a generated archive's articles got other "coverage of the same event"), while
//! the parser, which compares a page's strings with one another, never needed it: its records
//! are the same byte for byte without it.

use super::chars::{ascii_digit, is_arabic_letter};
use super::marks::is_mark;

/// An Arabic letter's folded form (any other character is returned as it is).
pub fn fold_letter(c: char) -> char {
    match c {
        'آ' | 'أ' | 'إ' | 'ٱ' => 'ا',
        'ى' | 'ی' => 'ي',
        'ک' => 'ك',
        'ة' => 'ه',
        _ => c,
    }
}

/// One character folded: a digit to ASCII, an Arabic letter by [`fold_letter`], anything else
/// to its lower case when that is one character (else itself: see [`normalize_into`]). Marks
/// are not folded but dropped, by the caller.
pub fn fold_char(c: char) -> char {
    if let Some(d) = ascii_digit(c) {
        return char::from(b'0' + d as u8);
    }
    if is_arabic_letter(c) {
        return fold_letter(c);
    }
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

/// Appends the folded form of `text` to `out`: marks dropped, every other character by
/// [`fold_char`] (or its whole lower case, for the few letters whose lower case is longer).
pub fn normalize_into(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            // The common case first: the Arabic letters, tatweel (a mark) excluded.
            '\u{0621}'..='\u{063A}' | '\u{0641}'..='\u{064A}' => out.push(fold_letter(c)),
            c if c.is_ascii() => out.push(c.to_ascii_lowercase()),
            c if is_mark(c) => {}
            c if ascii_digit(c).is_some() || is_arabic_letter(c) => out.push(fold_char(c)),
            c => out.extend(c.to_lowercase()),
        }
    }
}

/// The folded form of `text` (see [`normalize_into`]).
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    normalize_into(text, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_folds_letters_digits_and_case_and_drops_marks() {
        let cases = [
            ("آمنة", "امنه"),
            ("أحمد", "احمد"),
            ("إيران", "ايران"),
            ("ٱلله", "الله"),
            ("مصطفى", "مصطفي"),
            ("فارسی", "فارسي"),
            ("کتاب", "كتاب"),
            ("مدرسة", "مدرسه"),
            ("مسؤول", "مسؤول"),
            ("رئيس", "رئيس"),
            ("الأخبـــار", "الاخبار"),
            ("سُورِيَّةٌ", "سوريه"),
            ("الرَّحْمٰن", "الرحمن"),
            ("٢٠١٥", "2015"),
            ("۱۹۷۹", "1979"),
            ("AFP Reuters", "afp reuters"),
            ("Ünal", "ünal"),
            ("ZWNJ\u{200C}in", "zwnjin"),
            ("İ", "i\u{307}"),
        ];
        for (input, want) in cases {
            assert_eq!(normalize(input), want, "normalize({input:?})");
        }
    }

    #[test]
    fn fold_char_is_normalize_of_one_character() {
        for c in ('\0'..='\u{3000}').filter(|&c| !is_mark(c)) {
            let mut one = String::new();
            normalize_into(c.encode_utf8(&mut [0; 4]), &mut one);
            if one.chars().count() == 1 {
                assert_eq!(one.chars().next(), Some(fold_char(c)), "{c:?}");
            }
        }
    }
}
