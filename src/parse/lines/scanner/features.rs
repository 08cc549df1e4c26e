//! What a line is like, read from what the scan counted on it: the costlier readers (links,
//! hashtags, furniture, stamps, dates) run only on the lines whose counts say they can find
//! something.

use std::sync::{LazyLock, OnceLock};

use super::Counts;
use crate::parse::dates::{find_dates, find_hijri, is_stamp_line_by_words};
use crate::parse::lexicon::{Furniture, LEXICON};
use crate::parse::lines::kinds::{
    has_clock, has_copyright_sign, is_comment_policy, is_menu_line, is_stamp, is_terminal,
    place_led, stamp_segment,
};
use crate::parse::lines::{Kind, Line};
use crate::parse::text::key_words;

/// What a link or an embedded post holds, looked for in the lower-cased line: searchers
/// built once (`str::contains` builds one per call).
static LINK_MARKS: LazyLock<[memchr::memmem::Finder<'static>; 4]> = LazyLock::new(|| {
    ["http://", "https://", "www.", "pic.twitter.com"].map(memchr::memmem::Finder::new)
});

/// Lines of up to this many words keep their dates whatever their shape: the deciders ask
/// whether a short line (a name, a site's name) holds a date ([`Line::dates`]).
const MAX_WORDS_DATES_ASKED: usize = 4;

/// A line's features, from its cleaned text, its key, the hashes of its words and of those that
/// may be a furniture phrase's, and what the scan counted on it.
pub(super) fn line<'a>(
    text: &'a str,
    key: &'a str,
    hashes: &'a [u64],
    phrase_words: &[u64],
    s: &Counts,
) -> Line<'a> {
    let words = s.words;
    let embed = s.ascii_letter && {
        let lower = text.to_ascii_lowercase();
        LINK_MARKS
            .iter()
            .any(|m| m.find(lower.as_bytes()).is_some())
    } || s.hash
        && text
            .split_whitespace()
            .any(|w| w.starts_with('#') && w.chars().nth(1).is_some_and(char::is_alphabetic));
    let mut furniture = LEXICON.furniture_by_words(key, hashes, words, Some(phrase_words));
    if furniture.is_none() && is_comment_policy(key) {
        furniture = Some(Furniture::Always);
    }
    let credit = s.marks && has_copyright_sign(text.as_bytes());
    // A copyright notice is furniture; a short `© AGENCY / PHOTOGRAPHER` is a photo credit.
    if credit && (s.ascii_digit || words > 8) {
        furniture = furniture.or(Some(Furniture::Always));
    }
    // Breadcrumbs: `الرئيسية تقارير مصرية`.
    let first = key_words(key).next().unwrap_or("");
    if matches!(first, "الرئيسيه" | "home") && words <= 6 {
        furniture = furniture.or(Some(Furniture::Exactly));
    }
    let hijri = if s.hijri_year { find_hijri(text) } else { None };
    let stamp = s.digit && is_stamp(key, words) || words <= 6 && s.ascii_digit && has_clock(text);
    let stamp_shaped =
        || is_stamp_line_by_words(key, hashes) || stamp_segment(text) || place_led(text).is_some();
    // Every date needs a year of four digits: most lines have none and are not tokenized.
    // Past a few words, a line's dates are read only when it is a date line (they are asked
    // of short lines, stamps and date lines alone): a paragraph that mentions a year
    // without the shape of a stamp is not tokenized.
    let (dates, date_line) = if !s.year {
        (Vec::new(), false)
    } else if words <= MAX_WORDS_DATES_ASKED || stamp {
        let dates = find_dates(text);
        let date_line = !dates.is_empty() && stamp_shaped();
        (dates, date_line)
    } else if stamp_shaped() {
        let dates = find_dates(text);
        let date_line = !dates.is_empty();
        (dates, date_line)
    } else {
        (Vec::new(), false)
    };
    let menu = s.marks && is_menu_line(text);
    let mut line = Line {
        terminal: is_terminal(text, words),
        chars: s.chars,
        arabic: if s.letters == 0 {
            0.0
        } else {
            s.arabic as f32 / s.letters as f32
        },
        compact: OnceLock::new(),
        compact_len: key.len() - s.key_spaces,
        key,
        hashes,
        publication: LEXICON.publication_by_key(key),
        text,
        words,
        furniture,
        embed,
        credit,
        dates,
        hijri,
        stamp,
        date_line,
        menu,
        header: OnceLock::new(),
        // Read below, from the rest.
        kind: Kind::Other,
    };
    line.kind = line.read_kind();
    line
}
