//! What a character is: a letter (of the Arabic block or any script), a digit of the three
//! scripts Arabic text uses.

/// The value of an ASCII, Arabic-Indic or Persian digit.
pub fn ascii_digit(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        '\u{660}'..='\u{669}' => Some(c as u32 - 0x660),
        '\u{6f0}'..='\u{6f9}' => Some(c as u32 - 0x6f0),
        _ => None,
    }
}

/// The Arabic block's letters (and Persian, Urdu additions). Tatweel is in the range: callers
/// ask [`super::is_mark`] first.
pub fn is_arabic_letter(c: char) -> bool {
    matches!(c, '\u{621}'..='\u{64a}' | '\u{66e}'..='\u{6d3}' | '\u{6fa}'..='\u{6ff}')
}

/// `char::is_alphabetic` with the ASCII and Arabic answers first: Unicode's table lookup is
/// the parser's hottest instruction otherwise.
pub fn is_letter(c: char) -> bool {
    c.is_ascii_alphabetic() || is_arabic_letter(c) || !c.is_ascii() && c.is_alphabetic()
}

/// `char::is_alphanumeric` with the same fast paths.
pub fn is_alnum(c: char) -> bool {
    c.is_ascii_alphanumeric() || is_arabic_letter(c) || !c.is_ascii() && c.is_alphanumeric()
}
