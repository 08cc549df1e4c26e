//! The marks written on or between letters that do not make another word: harakat and Quranic
//! signs, tatweel, and the invisible joiners and direction marks that scraped pages leave inside
//! words. Folding drops them; splitting keeps them inside the word they sit in.

/// Tatweel (kashida) stretches a letter; it is never a letter itself.
pub const TATWEEL: char = '\u{0640}';

/// Harakat (short vowels, tanwin, shadda, sukun), superscript alef, and the honorific and
/// Quranic annotation signs written over letters.
pub fn is_harakah(c: char) -> bool {
    matches!(c, '\u{610}'..='\u{61a}' | '\u{64b}'..='\u{65f}' | '\u{670}' | '\u{6d6}'..='\u{6ed}')
}

/// Invisible characters found inside words: soft hyphen, zero-width non-joiner and joiner,
/// left-to-right and right-to-left marks.
pub fn is_joiner(c: char) -> bool {
    matches!(c, '\u{00AD}' | '\u{200C}'..='\u{200F}')
}

/// What folding drops without splitting the word: [`is_harakah`], [`TATWEEL`], [`is_joiner`].
pub fn is_mark(c: char) -> bool {
    is_harakah(c) || c == TATWEEL || is_joiner(c)
}
