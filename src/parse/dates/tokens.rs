//! A date line cut into tokens (numbers of any script, folded words, punctuation), and the
//! small readers over them that the date and clock rules share.

use std::borrow::Cow;

use super::vocabulary::weekday_name;
use crate::arabic::is_joiner;
use crate::parse::text::{
    CharInfo, TABLE_SIZE, ascii_digit, is_harakah, is_letter, key, two_byte_slot,
};

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

/// What the tokenizer asks of a character: the same answers as `char::is_whitespace`,
/// [`ascii_digit`], [`is_letter`] and [`is_harakah`] give, read from the scanner's table for
/// the one and two-byte characters (through those functions a character cost ≈ 40
/// instructions: 3.0 M of `parse_file`'s 125.9 M in 200 dumps, notes/parser-bench.md,
/// session 33).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Class {
    space: bool,
    digit: Option<u32>,
    /// A letter, a harakah or the tatweel, not a digit: a word's character.
    word: bool,
    /// A plain letter ([`CharInfo::PLAIN`]: two bytes in the line and in a key), and whether
    /// it is its own fold, with nothing dropped or rewritten: a word made only of such letters
    /// is its own key.
    plain: bool,
    own: bool,
}

impl Class {
    /// By the functions themselves (the definition; the path of characters of three bytes
    /// or more, which the table does not hold).
    fn of(c: char) -> Self {
        // Only a character of two bytes can be plain (and the table's answer for a longer one
        // would be computed afresh).
        let info = (c.len_utf8() == 2).then(|| CharInfo::of(c));
        let plain = info.is_some_and(|i| i.is(CharInfo::PLAIN));
        let digit = ascii_digit(c);
        Class {
            space: c.is_whitespace(),
            digit,
            word: (is_letter(c) || is_harakah(c) || c == 'ـ') && digit.is_none(),
            plain,
            own: plain && info.is_some_and(|i| !i.is(CharInfo::REFOLD)),
        }
    }

    /// From the table's answers for `c`: [`CharInfo::MARK`] is a harakah, the tatweel or a
    /// joiner, and a joiner is no word's character here.
    #[inline(always)]
    fn from_info(c: char, info: CharInfo) -> Self {
        let digit = info.is(CharInfo::DIGIT);
        let plain = info.is(CharInfo::PLAIN);
        Class {
            space: info.is(CharInfo::WHITESPACE),
            digit: digit.then(|| info.digit()),
            word: !digit && (info.is(CharInfo::LETTER) || info.is(CharInfo::MARK) && !is_joiner(c)),
            plain,
            own: plain && !info.is(CharInfo::REFOLD),
        }
    }
}

/// The character that starts at `line[i..]`, its class and its length in bytes.
#[inline(always)]
fn char_at(line: &str, i: usize, table: &[CharInfo; TABLE_SIZE]) -> (char, Class, usize) {
    let b = line.as_bytes();
    match b[i] {
        b0 @ ..0x80 => (
            char::from(b0),
            Class::from_info(char::from(b0), table[usize::from(b0)]),
            1,
        ),
        b0 @ ..0xe0 => {
            let at = two_byte_slot(b0, b.get(i + 1).copied().unwrap_or(0));
            let c = char::from_u32(at as u32).unwrap_or_default();
            (c, Class::from_info(c, table[at]), 2)
        }
        _ => {
            let c = line[i..].chars().next().unwrap_or_default();
            (c, Class::of(c), c.len_utf8())
        }
    }
}

/// The [`key`] of a word of plain letters: each letter's two bytes as the folder writes them
/// (through [`key`], a word cost ≈ 570 instructions: 1,900 words of date lines in 200 dumps,
/// notes/parser-bench.md, session 31).
fn plain_key(word: &str) -> String {
    let table = CharInfo::table();
    let mut out = Vec::with_capacity(word.len());
    for pair in word.as_bytes().chunks_exact(2) {
        out.extend_from_slice(&table[two_byte_slot(pair[0], pair[1])].plain_fold());
    }
    String::from_utf8(out).unwrap_or_else(|_| key(word))
}

/// A word's token: the word itself when it is its own key, else its key. A word of ASCII
/// letters (`GMT` before nearly every clock of the corpus) is its lower case, as [`key`] folds
/// it (through [`key`], ≈ 1,300 instructions a word: 870 words of date lines in 200 dumps).
fn word_token(word: &str, all_plain: bool, own: bool) -> Tok<'_> {
    Tok::Word(if own {
        Cow::Borrowed(word)
    } else if all_plain {
        Cow::Owned(plain_key(word))
    } else if word.bytes().all(|b| b.is_ascii_lowercase()) {
        Cow::Borrowed(word)
    } else if word.bytes().all(|b| b.is_ascii_alphabetic()) {
        Cow::Owned(word.to_ascii_lowercase())
    } else {
        Cow::Owned(key(word))
    })
}

pub(super) fn tokenize(line: &str) -> Vec<Token<'_>> {
    let table = CharInfo::table();
    // About one token for every eight bytes of a date line, so that the vector seldom grows
    // (growing it from empty cost ≈ 1.1 M instructions in 200 dumps).
    let mut out: Vec<Token> = Vec::with_capacity(line.len() / 8 + 4);
    let mut spaced = false;
    let mut i = 0;
    while i < line.len() {
        let start = i;
        let (c, class, len) = char_at(line, i, table);
        i += len;
        if class.space {
            spaced = true;
            continue;
        }
        let tok = if let Some(d) = class.digit {
            let (mut value, mut count) = (d, 1usize);
            while i < line.len() {
                let (_, n, len) = char_at(line, i, table);
                let Some(d) = n.digit else { break };
                value = value.saturating_mul(10).saturating_add(d);
                count += 1;
                i += len;
            }
            Tok::Num(value, count)
        } else if class.word {
            let (mut all_plain, mut own) = (class.plain, class.own);
            while i < line.len() {
                let (_, n, len) = char_at(line, i, table);
                if !n.word {
                    break;
                }
                all_plain &= n.plain;
                own &= n.own;
                i += len;
            }
            // The word is the stretch of the line it spans: folded from there, not copied.
            word_token(&line[start..i], all_plain, own)
        } else {
            Tok::Punct(c)
        };
        out.push(Token { tok, start, spaced });
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

    /// The tokenizer as it was before it read the scanner's table (session 33): character by
    /// character through the functions. The reference the table's reading must agree with.
    fn tokenize_by_chars(line: &str) -> Vec<Token<'_>> {
        let plain = |c: char| {
            let info = CharInfo::of(c);
            let plain = info.is(CharInfo::PLAIN);
            (plain, plain && !info.is(CharInfo::REFOLD))
        };
        let mut out = Vec::new();
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
                word_token(&line[i..end], all_plain, own)
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

    fn same(a: &[Token], b: &[Token]) -> bool {
        a.len() == b.len()
            && a.iter().zip(b).all(|(x, y)| {
                // Borrowed or owned alike: the same words, and borrowed exactly when the
                // reference borrows (a borrowed word is its own key).
                let kinds = match (&x.tok, &y.tok) {
                    (Tok::Word(p), Tok::Word(q)) => {
                        matches!(p, Cow::Borrowed(_)) == matches!(q, Cow::Borrowed(_))
                    }
                    _ => true,
                };
                kinds && x.tok == y.tok && x.start == y.start && x.spaced == y.spaced
            })
    }

    /// Every character up to U+2FFF (and a few past it), alone, inside a word, after a digit,
    /// between spaces: the table's reading gives the tokens the functions give.
    #[test]
    fn the_table_reads_as_the_functions() {
        let chars = ('\0'..'\u{3000}').chain([
            '\u{fb50}',
            '\u{fefb}',
            '\u{feff}',
            '\u{ff10}',
            '\u{1d7ce}',
            '\u{1f600}',
        ]);
        for c in chars {
            // Class::of is the definition: the table's answer must be it.
            let mut s = String::new();
            s.push(c);
            let (_, class, len) = char_at(&s, 0, CharInfo::table());
            assert_eq!((class, len), (Class::of(c), c.len_utf8()), "{c:?}");
            for line in [
                format!("{c}"),
                format!("ب{c}ب"),
                format!("{c}ت 12"),
                format!("1{c}2 {c} أ{c}"),
                format!("\u{a0}{c}\u{200c}ـً{c}٣"),
            ] {
                assert!(
                    same(&tokenize(&line), &tokenize_by_chars(&line)),
                    "{line:?}"
                );
            }
        }
    }

    /// Random lines of date-line characters: the same tokens, starts and spacing.
    #[test]
    fn lines_tokenize_as_before() {
        use proptest::prelude::*;
        let chars = "[ \t\u{a0}\u{2003}\u{200c}\u{200d}\u{ad}aZ09#:/.,()\u{621}-\u{64a}\u{64b}\u{651}\u{640}\u{660}-\u{669}\u{6f0}-\u{6f9}\u{6cc}\u{6a9}\u{671}\u{fefb}\u{130}\u{201c}\u{2013}\u{1f600}]{0,40}";
        proptest!(|(line in chars)| {
            prop_assert!(same(&tokenize(&line), &tokenize_by_chars(&line)), "{:?}", line);
        });
    }

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
        // Words of ASCII letters in any case, every letter alone: their key, not copied when
        // it is the word.
        let ascii = ('A'..='z')
            .filter(char::is_ascii_alphabetic)
            .map(String::from);
        let words = ["GMT", "gmt", "Gmt", "pM", "AbcDEFghiJKLmnoPQRstuVWXyz"].map(String::from);
        for w in ascii.chain(words) {
            let toks = tokenize(&w);
            assert_eq!(toks.len(), 1, "{w}");
            assert_eq!(word(&toks, 0), Some(key(&w).as_str()), "{w}");
            let borrowed = matches!(&toks[0].tok, Tok::Word(Cow::Borrowed(_)));
            assert_eq!(borrowed, key(&w) == w, "{w}");
        }
    }
}
