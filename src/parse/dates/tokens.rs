//! A date line cut into tokens (numbers of any script, folded words, punctuation), and the
//! small readers over them that the date and clock rules share.

use std::borrow::Cow;

use super::vocabulary::weekday_name;
use crate::parse::text::{CharInfo, ascii_digit, is_harakah, is_letter, key};

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

/// Whether `c` is its own fold in a key, with nothing dropped or rewritten: a word made only
/// of such letters is its own key.
#[inline]
fn folds_to_itself(c: char) -> bool {
    let info = CharInfo::of(c);
    info.is(CharInfo::PLAIN) && !info.is(CharInfo::REFOLD)
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
            let mut own = folds_to_itself(c);
            while let Some(&(at, n)) = chars.peek() {
                if !(is_letter(n) || is_harakah(n) || n == 'ـ') || ascii_digit(n).is_some() {
                    break;
                }
                own &= folds_to_itself(n);
                end = at + n.len_utf8();
                chars.next();
            }
            // The word is the stretch of the line it spans: folded from there, not copied.
            let word = &line[i..end];
            Tok::Word(if own {
                Cow::Borrowed(word)
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
        assert!(matches!(&toks[5].tok, Tok::Word(Cow::Borrowed("سبتمبر"))));
    }
}
