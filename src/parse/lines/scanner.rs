//! The one pass over a dump's text: each character cleaned, folded into the key and counted
//! as it goes by, so that the costlier readers run only on lines that can hold what they find.

use std::sync::{LazyLock, OnceLock};

use unicode_normalization::UnicodeNormalization;

use super::Line;
use super::kinds::{
    has_clock, has_copyright_sign, is_comment_policy, is_menu_line, is_stamp, is_terminal,
    place_led, stamp_segment,
};
use super::plain;

use crate::parse::dates::{find_dates, find_hijri, is_stamp_line};
use crate::parse::lexicon::{Furniture, LEXICON};
use crate::parse::text::{CharInfo, KeyFolder, TABLE_SIZE, first_char, key_words, utf8_str};

/// What a link or an embedded post holds, looked for in the lower-cased line: searchers
/// built once (`str::contains` builds one per call).
static LINK_MARKS: LazyLock<[memchr::memmem::Finder<'static>; 4]> = LazyLock::new(|| {
    ["http://", "https://", "www.", "pic.twitter.com"].map(memchr::memmem::Finder::new)
});

/// Lines of up to this many words keep their dates whatever their shape: the deciders ask
/// whether a short line (a name, a site's name) holds a date ([`Line::dates`]).
const MAX_WORDS_DATES_ASKED: usize = 4;

/// Reads `text` character by character, handing on each non-empty line; `split_lines` says
/// whether line ends end lines (or are cleaned away, for a line on its own).
pub(super) fn scan(text: &str, split_lines: bool, mut emit: impl FnMut(Line)) {
    let table = CharInfo::table();
    let bytes = text.as_bytes();
    let mut scan = Scanner::new(text);
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        // One and two-byte characters (ASCII, Latin, Arabic) straight from the table.
        let (info, len) = if b < 0x80 {
            (table[usize::from(b) % TABLE_SIZE], 1)
        } else if b < 0xe0 {
            let next = bytes.get(i + 1).map_or(0, |n| n & 0x3f);
            (
                table[(usize::from(b & 0x1f) << 6 | usize::from(next)) % TABLE_SIZE],
                2,
            )
        } else {
            let c = text[i..].chars().next().unwrap_or_default();
            (CharInfo::of(c), c.len_utf8())
        };
        // Lone CR (old Mac files), NEL and the Unicode separators end lines too.
        if split_lines && info.is(CharInfo::LINE_END) {
            scan.finish().map(&mut emit);
        } else {
            scan.push(i, len, info);
            if info.is(CharInfo::PLAIN) {
                i = scan.plain_run(i + len, table);
                continue;
            }
        }
        i += len;
    }
    scan.finish().map(emit);
}

/// One line being read: its cleaned text and key so far, and counts of what went by. The
/// buffers are kept from line to line.
#[derive(Debug)]
struct Scanner<'a> {
    src: &'a [u8],
    /// The same, as text: the cleaned text is copied from it in whole characters, so it is
    /// never checked again.
    source: &'a str,
    /// Cleaned text is mostly the source as it is: the stretch of it not yet copied.
    run: std::ops::Range<usize>,
    text: String,
    /// The key with a space on each side, as the furniture matcher wants it.
    padded: Vec<u8>,
    folder: KeyFolder,
    /// White space was seen since the last kept character.
    space: bool,
    /// Some character was kept (so a space before the next one is inside the line).
    started: bool,
    chars: usize,
    letters: usize,
    arabic: usize,
    words: usize,
    /// Inside a run of non-space characters, and whether it has held a letter or digit.
    in_word: bool,
    word_alnum: bool,
    /// A digit of any script, an ASCII digit, an ASCII letter, `#`.
    digit: bool,
    ascii_digit: bool,
    ascii_letter: bool,
    hash: bool,
    /// The current run of digits (any script), as the date reader's tokenizer reads it.
    run_digits: usize,
    run_value: u32,
    /// A four-digit number that can be a Gregorian year, a Hijri one.
    year: bool,
    hijri_year: bool,
    /// Some word of the key is one the furniture phrases need.
    phrase_word: bool,
    /// Spaces between the key's words (the key's length less these is the compact key's).
    key_spaces: usize,
}

impl<'a> Scanner<'a> {
    fn new(source: &'a str) -> Self {
        Self::with_buffers(source, String::new(), vec![b' '])
    }

    /// A scanner at the start of a line, writing into buffers kept from the line before
    /// (`padded` holding its one leading space).
    fn with_buffers(source: &'a str, text: String, padded: Vec<u8>) -> Self {
        Scanner {
            src: source.as_bytes(),
            source,
            run: 0..0,
            text,
            padded,
            folder: KeyFolder::default(),
            space: false,
            started: false,
            chars: 0,
            letters: 0,
            arabic: 0,
            words: 0,
            in_word: false,
            word_alnum: false,
            digit: false,
            ascii_digit: false,
            ascii_letter: false,
            hash: false,
            run_digits: 0,
            run_value: 0,
            year: false,
            hijri_year: false,
            phrase_word: false,
            key_spaces: 0,
        }
    }

    /// The raw character at `src[at..at + len]`: invisible and direction-override characters
    /// are dropped (a scraped RLO must not reorder our page), presentation forms folded to
    /// ordinary letters, every run of white space kept as one space, inside the line.
    #[inline]
    fn push(&mut self, at: usize, len: usize, info: CharInfo) {
        if info.is(CharInfo::INVISIBLE) {
            return;
        }
        if info.is(CharInfo::WHITESPACE) {
            self.space = self.started;
            return;
        }
        if self.space {
            self.space = false;
            // One ASCII space right after the copied stretch joins it; any other gap is
            // written as one.
            if self.run.end + 1 == at && self.src[self.run.end] == b' ' {
                self.run.end = at;
            } else {
                self.flush();
                self.text.push(' ');
            }
            self.keep(b" ", CharInfo::of(' '));
        }
        self.started = true;
        let raw = &self.src[at..at + len];
        if info.is(CharInfo::PRESENTATION) {
            self.flush();
            let mut buf = [0; 4];
            for n in std::iter::once(first_char(raw)).nfkc() {
                let n = n.encode_utf8(&mut buf);
                self.text.push_str(n);
                self.keep(n.as_bytes(), CharInfo::of(first_char(n.as_bytes())));
            }
            self.run = at + len..at + len;
        } else {
            if self.run.end != at {
                self.flush();
                self.run.start = at;
            }
            self.run.end = at + len;
            self.keep(raw, info);
        }
    }

    /// Right after a [`CharInfo::PLAIN`] letter, the plain letters that follow it, in the same
    /// word or in the next ones past a single ASCII space: most of a line's characters. Each
    /// only extends the copied stretch, the key and the counts, as [`Scanner::push`] would.
    /// Returns where the run ends.
    #[inline(always)]
    fn plain_run(&mut self, i: usize, table: &[CharInfo; TABLE_SIZE]) -> usize {
        debug_assert!(self.run.end == i && !self.space && self.run_digits == 0);
        debug_assert!(self.folder.in_word() && self.in_word && self.word_alnum);
        let run = plain::read(self.src, i, table);
        let phrase_word = &mut self.phrase_word;
        let word_start = run.write_key(
            self.src,
            table,
            &mut self.padded,
            self.folder.word_start(),
            &mut |h| *phrase_word |= LEXICON.may_be_phrase_word(h),
        );
        self.folder.resume_word(word_start);
        self.key_spaces += run.spaces;
        self.chars += run.letters + run.spaces;
        self.letters += run.letters;
        self.arabic += run.arabic;
        // Each space ended a word that held a letter.
        self.words += run.spaces;
        self.run.end = run.end;
        run.end
    }

    /// Copies the source stretch read so far into the text.
    fn flush(&mut self) {
        self.text.push_str(&self.source[self.run.clone()]);
        self.run.start = self.run.end;
    }

    /// One character of the cleaned line.
    // Once per character: a call costs more than the work.
    #[inline(always)]
    fn keep(&mut self, raw: &[u8], info: CharInfo) {
        self.chars += 1;
        let (phrase_word, key_spaces) = (&mut self.phrase_word, &mut self.key_spaces);
        // A word ended: the folder writes a space after it.
        self.folder.push(&mut self.padded, raw, info, &mut |h| {
            *phrase_word |= LEXICON.may_be_phrase_word(h);
            *key_spaces += 1;
        });
        let ascii = raw.len() == 1;
        if info.is(CharInfo::DIGIT) {
            self.digit = true;
            self.ascii_digit |= ascii;
            self.run_digits += 1;
            self.run_value = self
                .run_value
                .saturating_mul(10)
                .saturating_add(info.digit());
        } else if self.run_digits > 0 {
            self.end_number();
        }
        if info.is(CharInfo::LETTER) {
            self.letters += 1;
            self.arabic += usize::from(info.is(CharInfo::ARABIC));
            self.ascii_letter |= ascii;
        }
        if info.is(CharInfo::WHITESPACE) {
            self.end_word();
        } else {
            self.in_word = true;
            self.word_alnum |= info.is(CharInfo::ALNUM);
            self.hash |= raw == b"#";
        }
    }

    fn end_word(&mut self) {
        if self.in_word {
            self.words += usize::from(self.word_alnum);
        }
        self.in_word = false;
        self.word_alnum = false;
    }

    fn end_number(&mut self) {
        if self.run_digits == 4 {
            self.year |= (1900..=2100).contains(&self.run_value);
            self.hijri_year |= (1300..=1600).contains(&self.run_value);
        }
        self.run_digits = 0;
        self.run_value = 0;
    }

    /// The line read so far, if it holds anything; the scanner is ready for the next one.
    fn finish(&mut self) -> Option<Line> {
        self.flush();
        let line = self.line();
        // Keep the buffers' room for the next line.
        let mut text = std::mem::take(&mut self.text);
        let mut padded = std::mem::take(&mut self.padded);
        text.clear();
        padded.truncate(1);
        *self = Scanner {
            run: self.run.clone(),
            ..Scanner::with_buffers(self.source, text, padded)
        };
        line
    }

    fn line(&mut self) -> Option<Line> {
        self.end_word();
        self.end_number();
        let phrase_word = &mut self.phrase_word;
        self.folder.finish(&self.padded, &mut |h| {
            *phrase_word |= LEXICON.may_be_phrase_word(h);
        });
        if self.text.is_empty() {
            return None;
        }
        self.padded.push(b' ');
        let text = self.text.clone();
        let padded = utf8_str(&self.padded);
        let key = &padded[1..padded.len() - 1];
        let words = self.words;
        let embed = self.ascii_letter && {
            let lower = text.to_ascii_lowercase();
            LINK_MARKS
                .iter()
                .any(|m| m.find(lower.as_bytes()).is_some())
        } || self.hash
            && text
                .split_whitespace()
                .any(|w| w.starts_with('#') && w.chars().nth(1).is_some_and(char::is_alphabetic));
        let mut furniture = LEXICON.furniture_padded(&padded, words, self.phrase_word);
        if furniture.is_none() && is_comment_policy(key) {
            furniture = Some(Furniture::Always);
        }
        let credit = has_copyright_sign(text.as_bytes());
        // A copyright notice is furniture; a short `© AGENCY / PHOTOGRAPHER` is a photo credit.
        if credit && (self.ascii_digit || words > 8) {
            furniture = furniture.or(Some(Furniture::Always));
        }
        // Breadcrumbs: `الرئيسية تقارير مصرية`.
        let first = key_words(key).next().unwrap_or("");
        if matches!(first, "الرئيسيه" | "home") && words <= 6 {
            furniture = furniture.or(Some(Furniture::Exactly));
        }
        let hijri = if self.hijri_year {
            find_hijri(&text)
        } else {
            None
        };
        let stamp = self.digit && is_stamp(key, words)
            || words <= 6 && self.ascii_digit && has_clock(&text);
        let stamp_shaped =
            || is_stamp_line(key) || stamp_segment(&text) || place_led(&text).is_some();
        // Every date needs a year of four digits: most lines have none and are not tokenized.
        // Past a few words, a line's dates are read only when it is a date line (they are asked
        // of short lines, stamps and date lines alone): a paragraph that mentions a year
        // without the shape of a stamp is not tokenized.
        let (dates, date_line) = if !self.year {
            (Vec::new(), false)
        } else if words <= MAX_WORDS_DATES_ASKED || stamp {
            let dates = find_dates(&text);
            let date_line = !dates.is_empty() && stamp_shaped();
            (dates, date_line)
        } else if stamp_shaped() {
            let dates = find_dates(&text);
            let date_line = !dates.is_empty();
            (dates, date_line)
        } else {
            (Vec::new(), false)
        };
        let menu = is_menu_line(&text);
        Some(Line {
            terminal: is_terminal(&text, words),
            chars: self.chars,
            arabic: if self.letters == 0 {
                0.0
            } else {
                self.arabic as f32 / self.letters as f32
            },
            compact: OnceLock::new(),
            compact_len: key.len() - self.key_spaces,
            key: key.to_string(),
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
        })
    }
}
