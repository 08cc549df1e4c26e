//! A date line cut into tokens (numbers of any script, folded words, punctuation), and the
//! small readers over them that the date and clock rules share.

use std::borrow::Cow;

use super::vocabulary::weekday_name;
use crate::parse::text::{CharInfo, TABLE_SIZE, ascii_digit, is_harakah, is_letter, key};

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Tok<'a> {
    /// A run of digits (any script), its value and digit count.
    Num(u32, usize),
    /// A run of letters, folded with [`key`]: borrowed from the line when the fold is the
    /// word's own bytes, as for most Arabic words (a `String` a word, and its fold, cost
    /// ≈ 1,000 instructions a word: 4,600 words in 200 dumps, notes/parser-bench.md, session 29).
    Word(Cow<'a, str>),
    /// One punctuation character.
    Punct(char),
}

#[derive(Debug, Clone)]
pub(super) struct Token<'a> {
    pub(super) tok: Tok<'a>,
    pub(super) start: usize,
    /// Whether white space separates this token from the previous one.
    pub(super) spaced: bool,
}

/// Whether `c` is a plain letter ([`CharInfo::PLAIN`]: two bytes in the line and in a key),
/// and whether it is its own fold, with nothing dropped or rewritten: a word made only of
/// such letters is its own key.
#[inline]
fn plain(c: char) -> (bool, bool) {
    let info = CharInfo::of(c);
    let plain = info.is(CharInfo::PLAIN);
    (plain, plain && !info.is(CharInfo::REFOLD))
}

/// The [`key`] of a word of plain letters: each letter's two bytes as the folder writes them
/// (through [`key`], a word cost ≈ 570 instructions: 1,900 words of date lines in 200 dumps,
/// notes/parser-bench.md, session 31).
fn plain_key(word: &str) -> String {
    let table = CharInfo::table();
    let mut out = Vec::with_capacity(word.len());
    for pair in word.as_bytes().chunks_exact(2) {
        let at = usize::from(pair[0] & 0x1f) << 6 | usize::from(pair[1] & 0x3f);
        out.extend_from_slice(&table[at % TABLE_SIZE].plain_fold());
    }
    String::from_utf8(out).unwrap_or_else(|_| key(word))
}

pub(super) fn tokenize(line: &str) -> Vec<Token<'_>> {
    // About one token for every eight bytes of a date line, so that the vector seldom grows
    // (growing it from empty cost ≈ 1.1 M instructions in 200 dumps).
    let mut out: Vec<Token> = Vec::with_capacity(line.len() / 8 + 4);
    let mut spaced = false;
    let mut chars = line.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c.is_whitespace() {
            spaced = true;
            continue;
        }
        let tok = if let Some(d) = ascii_digit(c) {
            let (mut value, mut count) = (d, 1usize);
            while let Some(&(_, n)) = chars.peek() {
                let Some(d) = ascii_digit(n) else { break };
                value = value.saturating_mul(10).saturating_add(d);
                count += 1;
                chars.next();
            }
            Tok::Num(value, count)
        } else if is_letter(c) || is_harakah(c) || c == 'ـ' {
            let mut end = i + c.len_utf8();
            let (mut all_plain, mut own) = plain(c);
            while let Some(&(at, n)) = chars.peek() {
                if !(is_letter(n) || is_harakah(n) || n == 'ـ') || ascii_digit(n).is_some() {
                    break;
                }
                let (p, o) = plain(n);
                all_plain &= p;
                own &= o;
                end = at + n.len_utf8();
                chars.next();
            }
            // The word is the stretch of the line it spans: folded from there, not copied.
            let word = &line[i..end];
            Tok::Word(if own {
                Cow::Borrowed(word)
            } else if all_plain {
                Cow::Owned(plain_key(word))
            } else {
                Cow::Owned(key(word))
            })
        } else {
            Tok::Punct(c)
        };
        out.push(Token {
            tok,
            start: i,
            spaced,
        });
        spaced = false;
    }
    out
}

pub(super) fn word<'t>(toks: &'t [Token], i: usize) -> Option<&'t str> {
    match toks.get(i).map(|t| &t.tok) {
        Some(Tok::Word(w)) => Some(w),
        _ => None,
    }
}

pub(super) fn num(toks: &[Token], i: usize) -> Option<(u32, usize)> {
    match toks.get(i).map(|t| &t.tok) {
        Some(Tok::Num(v, d)) => Some((*v, *d)),
        _ => None,
    }
}

/// Skips tokens that may stand between a date's parts: commas, weekday names, `م`.
pub(super) fn skip_filler(toks: &[Token], mut i: usize, forward: bool) -> Option<usize> {
    for _ in 0..4 {
        let filler = match toks.get(i).map(|t| &t.tok) {
            Some(Tok::Punct(',' | '،' | '-' | '/' | '.')) => true,
            Some(Tok::Word(w)) => {
                weekday_name(w).is_some() || w == "من" || w == "عام" || w == "سنه"
            }
            _ => false,
        };
        if !filler {
            return Some(i);
        }
        i = if forward { i + 1 } else { i.checked_sub(1)? };
    }
    Some(i)
}

/// Extends a date's last token over a glued suffix such as the `م` of `2015م`.
pub(super) fn suffix(toks: &[Token], i: usize, s: &str) -> usize {
    match toks.get(i + 1) {
        Some(Token {
            tok: Tok::Word(w),
            spaced: false,
            ..
        }) if w == s => i + 1,
        _ => i,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A word's token is its key, whether borrowed from the line or folded: for every letter,
    /// mark and tatweel up to U+2FFF inside a word, and at its start.
    #[test]
    fn words_are_their_keys() {
        let word_chars = ('\0'..'\u{3000}')
            .filter(|&c| (is_letter(c) || is_harakah(c) || c == 'ـ') && ascii_digit(c).is_none());
        for c in word_chars {
            for w in [format!("ب{c}ب"), format!("{c}ت")] {
                let toks = tokenize(&w);
                let words: Vec<&str> = (0..toks.len()).filter_map(|i| word(&toks, i)).collect();
                assert_eq!(words, [key(&w)], "{c:?}");
            }
        }
        let toks = tokenize("الأحد، 5 أيلول/سبتمبر 2015م مساءً");
        assert!(matches!(&toks[0].tok, Tok::Word(Cow::Owned(w)) if w == "الاحد"));
        // Every plain letter, alone and in a word, folded without the folder.
        for c in ('\u{80}'..'\u{800}').filter(|&c| CharInfo::of(c).is(CharInfo::PLAIN)) {
            for w in [format!("{c}"), format!("ب{c}أ{c}")] {
                assert_eq!(plain_key(&w), key(&w), "{c:?}");
            }
        }
        assert!(matches!(&toks[5].tok, Tok::Word(Cow::Borrowed("سبتمبر"))));
    }
}
