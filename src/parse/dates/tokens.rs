//! A date line cut into tokens (numbers of any script, folded words, punctuation), and the
//! small readers over them that the date and clock rules share.

use super::vocabulary::weekday_name;
use crate::parse::text::{ascii_digit, is_harakah, is_letter, key};

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Tok {
    /// A run of digits (any script), its value and digit count.
    Num(u32, usize),
    /// A run of letters, folded with [`key`].
    Word(String),
    /// One punctuation character.
    Punct(char),
}

#[derive(Debug, Clone)]
pub(super) struct Token {
    pub(super) tok: Tok,
    pub(super) start: usize,
    /// Whether white space separates this token from the previous one.
    pub(super) spaced: bool,
}

pub(super) fn tokenize(line: &str) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::new();
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
            while let Some(&(at, n)) = chars.peek() {
                if !(is_letter(n) || is_harakah(n) || n == 'ـ') || ascii_digit(n).is_some() {
                    break;
                }
                end = at + n.len_utf8();
                chars.next();
            }
            // The word is the stretch of the line it spans: folded from there, not copied.
            Tok::Word(key(&line[i..end]))
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

pub(super) fn word(toks: &[Token], i: usize) -> Option<&str> {
    match toks.get(i).map(|t| &t.tok) {
        Some(Tok::Word(w)) => Some(w.as_str()),
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
        Some(t) if !t.spaced && t.tok == Tok::Word(s.into()) => i + 1,
        _ => i,
    }
}
