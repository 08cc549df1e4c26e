//! The one pass over a dump's text: each character cleaned, folded into the key and counted
//! as it goes by, so that the costlier readers run only on lines that can hold what they find.

mod buffers;
mod features;
mod hashes;
mod runs;

use std::ops::Range;

use unicode_normalization::UnicodeNormalization;

use super::block::{Narrow, Wide, Width};
use super::kinds::is_separator_or_sign;
use super::plain;
use buffers::Scanned;
use hashes::Hashes;

pub use buffers::Buffers;

use crate::parse::text::{CharInfo, KeyFolder, TABLE_SIZE, first_char, info_at, word_hash};

/// How many lines' records to reserve for a dump of `len` bytes: an estimate, not a count
/// (counting the `\n`s cost ≈ 0.5 instruction a byte). Of the first 2,000 dumps of the
/// corpus, none has a non-empty line for fewer than ≈ 80 bytes (the densest: a `\n` every
/// 44 bytes, half of them blank lines); a dump denser still only grows the vector.
fn lines_reserved(len: usize) -> usize {
    len / 48 + 8
}

/// Reads `text` character by character into `buf`: each non-empty line's cleaned text and
/// key, and what was counted on it. `split_lines` says whether line ends end lines (or are
/// cleaned away, for a line on its own). Returns how many control codes
/// ([`CharInfo::CONTROL`]) the text holds.
pub(super) fn scan(text: &str, split_lines: bool, buf: &mut Buffers) -> usize {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2")
        && std::arch::is_x86_feature_detected!("bmi1")
        && std::arch::is_x86_feature_detected!("popcnt")
    {
        // SAFETY: the CPU has just been found to have these features.
        return unsafe { scan_avx2(text, split_lines, buf) };
    }
    scan_with(Narrow, text, split_lines, buf)
}

/// [`scan`] compiled for the x86-64 CPUs of the last ten years: a block's counts
/// (`count_ones`, `trailing_ones`, `trailing_zeros`) are one instruction each (`popcnt`,
/// `tzcnt`) where x86-64's baseline takes several, a mask's lowest bit is cleared in one
/// (`blsr`), vector instructions have three operands, and a run's blocks are 32 bytes wide.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,bmi1,popcnt")]
fn scan_avx2(text: &str, split_lines: bool, buf: &mut Buffers) -> usize {
    // SAFETY: this copy runs only where the CPU has AVX2 (its `target_feature`, which `scan`
    // checks before calling it).
    let wide = unsafe { Wide::new_unchecked() };
    scan_with(wide, text, split_lines, buf)
}

/// [`scan`], for the features the caller was compiled with; `width`: the blocks of a run of
/// plain letters ([`Wide`] where those include AVX2).
#[inline(always)]
fn scan_with<W: Width>(width: W, text: &str, split_lines: bool, buf: &mut Buffers) -> usize {
    let table = CharInfo::table();
    let bytes = text.as_bytes();
    let mut keys = std::mem::take(&mut buf.keys);
    keys.clear();
    // A key is at most about as long as its line: one allocation for the dump's keys, and one
    // for its lines (growing them a line at a time cost ≈ 1 instruction a byte, measured).
    keys.reserve(text.len());
    buf.text.clear();
    buf.scanned.clear();
    buf.scanned.reserve(lines_reserved(text.len()));
    buf.hashes.clear(text.len());
    let mut scan = Scanner::new(
        text,
        std::mem::take(&mut buf.text),
        keys,
        std::mem::take(&mut buf.scanned),
        std::mem::take(&mut buf.hashes),
    );
    // Control codes are never plain letters nor in a run's gap (they are invisible, or a line's
    // end, or U+FFFD of three bytes): each comes by this loop's reading through the table.
    let mut control = 0;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let (info, len) = info_at(text, i, b, table);
        // Lone CR (old Mac files), NEL and the Unicode separators end lines too. (One test for
        // both flags on the common path: a character is seldom either.)
        let ends_line = if info.is(CharInfo::LINE_END | CharInfo::CONTROL) {
            control += usize::from(info.is(CharInfo::CONTROL));
            split_lines && info.is(CharInfo::LINE_END)
        } else {
            false
        };
        if ends_line {
            scan.finish();
        } else {
            scan.push(i, len, info);
            if info.is(CharInfo::PLAIN) {
                i = scan.plain_run(width, i + len, table);
                continue;
            }
            if b.is_ascii_alphabetic() {
                i = scan.latin_run(i + 1);
                continue;
            }
            if b.is_ascii_digit() {
                i = scan.digit_run(i + 1);
                continue;
            }
        }
        i += len;
    }
    scan.finish();
    buf.text = scan.text;
    buf.keys = scan.keys;
    buf.scanned = scan.scanned;
    buf.hashes = scan.hashes;
    control
}

/// One line being read: its cleaned text and key so far, and counts of what went by. The
/// buffers are the dump's, written on from line to line.
#[derive(Debug)]
struct Scanner<'a> {
    src: &'a [u8],
    /// The same, as text: the cleaned text is copied from it in whole characters, so it is
    /// never checked again.
    source: &'a str,
    /// Cleaned text is mostly the source as it is: the stretch of it not yet copied.
    run: Range<usize>,
    /// [`Buffers::text`], and where this line's text starts in it: a line that is not written
    /// there by its end is the stretch `run` of the source.
    text: String,
    text_start: usize,
    /// [`Buffers::keys`], and where this line's key starts in it.
    keys: Vec<u8>,
    key_start: usize,
    scanned: Vec<Scanned>,
    /// [`Buffers::hashes`], and where this line's start in them.
    hashes: Hashes,
    hashes_start: (usize, usize),
    /// Where a run of plain letters found its spaces and letters to refold, kept from run to
    /// run (set up once a dump, not once a run).
    places: plain::Places,
    line: Counts,
}

/// What the scan counts on the line being read; a new line starts from the default.
#[derive(Debug, Default)]
struct Counts {
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
    /// A menu separator (`|`, `-`, `·`, `•`) or `©`: a line with none is no menu
    /// ([`is_menu_line`](super::kinds::is_menu_line)) and no credit (asking every line cost
    /// ≈ 350 instructions a line).
    marks: bool,
    /// The current run of digits (any script), as the date reader's tokenizer reads it.
    run_digits: usize,
    run_value: u32,
    /// A four-digit number that can be a Gregorian year, a Hijri one.
    year: bool,
    hijri_year: bool,
    /// Spaces between the key's words (the key's length less these is the compact key's).
    key_spaces: usize,
}

impl<'a> Scanner<'a> {
    /// A scanner at the start of a line, writing on after what the buffers hold.
    fn new(
        source: &'a str,
        text: String,
        keys: Vec<u8>,
        scanned: Vec<Scanned>,
        hashes: Hashes,
    ) -> Self {
        Scanner {
            src: source.as_bytes(),
            source,
            run: 0..0,
            text_start: text.len(),
            text,
            key_start: keys.len(),
            keys,
            scanned,
            hashes_start: hashes.ends(),
            hashes,
            places: plain::Places::default(),
            line: Counts::default(),
        }
    }

    /// The raw character at `src[at..at + len]`: invisible and direction-override characters
    /// are dropped (a scraped RLO must not reorder our page), presentation forms folded to
    /// ordinary letters, every run of white space kept as one space, inside the line.
    // Once per character off the plain runs (≈ 84 K in 200 dumps): as a call, in the scan
    // compiled for AVX2 (`#[inline]` was not enough there), it cost its registers' saving and
    // the scanner's state read back from memory.
    #[inline(always)]
    fn push(&mut self, at: usize, len: usize, info: CharInfo) {
        if info.is(CharInfo::INVISIBLE) {
            return;
        }
        if info.is(CharInfo::WHITESPACE) {
            self.line.space = self.line.started;
            return;
        }
        if self.line.space {
            self.line.space = false;
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
        self.line.started = true;
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
    /// word or in the next ones past a single ASCII space or a [`plain::gap`] (punctuation and
    /// single spaces: `، `, ` "`, `". `): most of a line's characters. Each only extends the
    /// copied stretch, the key and the counts, as [`Scanner::push`] would. Returns where the
    /// run ends.
    #[inline(always)]
    fn plain_run<W: Width>(
        &mut self,
        width: W,
        mut i: usize,
        table: &[CharInfo; TABLE_SIZE],
    ) -> usize {
        debug_assert!(self.run.end == i && !self.line.space && self.line.run_digits == 0);
        debug_assert!(self.line.folder.in_word() && self.line.in_word && self.line.word_alnum);
        let mut word_start = self.line.folder.word_start();
        loop {
            let run = plain::read(width, self.src, i, table, &mut self.places);
            let hashes = &mut self.hashes;
            word_start = run.write_key(
                &self.places,
                self.src,
                table,
                &mut self.keys,
                word_start,
                &mut |h| hashes.word(h),
            );
            self.line.key_spaces += run.spaces;
            self.line.chars += run.letters + run.spaces;
            self.line.letters += run.letters;
            self.line.arabic += run.arabic;
            // Each space ended a word that held a letter.
            self.line.words += run.spaces;
            self.run.end = run.end;
            let Some(gap) = plain::gap(self.src, run.end, table) else {
                break;
            };
            // In the key the gap ends the word, as the folder ends it before the next letter;
            // in the text a space ends a word that held a letter (later ones hold none).
            self.hashes.word(word_hash(&self.keys[word_start..]));
            self.keys.push(b' ');
            self.line.key_spaces += 1;
            word_start = self.keys.len();
            self.line.chars += gap.chars;
            self.line.words += usize::from(gap.spaced);
            i = gap.end;
        }
        self.line.folder.resume_word(word_start);
        self.run.end
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
        self.line.chars += 1;
        let (hashes, key_spaces) = (&mut self.hashes, &mut self.line.key_spaces);
        // A word ended: the folder writes a space after it.
        self.line.folder.push(&mut self.keys, raw, info, &mut |h| {
            hashes.word(h);
            *key_spaces += 1;
        });
        let ascii = raw.len() == 1;
        if info.is(CharInfo::DIGIT) {
            self.line.digit = true;
            self.line.ascii_digit |= ascii;
            self.line.run_digits += 1;
            self.line.run_value = self
                .line
                .run_value
                .saturating_mul(10)
                .saturating_add(info.digit());
        } else if self.line.run_digits > 0 {
            self.end_number();
        }
        if info.is(CharInfo::LETTER) {
            self.line.letters += 1;
            self.line.arabic += usize::from(info.is(CharInfo::ARABIC));
            self.line.ascii_letter |= ascii;
        }
        if info.is(CharInfo::WHITESPACE) {
            self.end_word();
        } else {
            self.line.in_word = true;
            if info.is(CharInfo::ALNUM) {
                self.line.word_alnum = true;
            } else {
                self.line.hash |= raw == b"#";
                self.line.marks |= is_separator_or_sign(raw);
            }
        }
    }

    fn end_word(&mut self) {
        if self.line.in_word {
            self.line.words += usize::from(self.line.word_alnum);
        }
        self.line.in_word = false;
        self.line.word_alnum = false;
    }

    fn end_number(&mut self) {
        if self.line.run_digits == 4 {
            self.line.year |= (1900..=2100).contains(&self.line.run_value);
            self.line.hijri_year |= (1300..=1600).contains(&self.line.run_value);
        }
        self.line.run_digits = 0;
        self.line.run_value = 0;
    }

    /// The line read so far, kept if it holds anything; the scanner is ready for the next one.
    // Once a line (≈ 17 K in 200 dumps), from the scan's loop: as a call, the loop's state was
    // saved and read back around it.
    #[inline(always)]
    fn finish(&mut self) {
        // Nothing kept since the line began (a blank line, half of a dump's line ends): no
        // character went past `push`'s first two tests, so there is nothing to write or reset.
        if !self.line.started {
            debug_assert!(self.run.is_empty() && self.text.len() == self.text_start);
            debug_assert!(self.keys.len() == self.key_start);
            return;
        }
        self.end_word();
        self.end_number();
        let hashes = &mut self.hashes;
        self.line.folder.finish(&self.keys, &mut |h| hashes.word(h));
        // Nothing written since the line began: the text is the source's stretch as it is.
        let (in_source, text) = if self.text.len() == self.text_start {
            (true, self.run.clone())
        } else {
            self.flush();
            (false, self.text_start..self.text.len())
        };
        if !text.is_empty() {
            self.scanned.push(Scanned {
                in_source,
                text,
                key: self.key_start..self.keys.len(),
                hashes: self.hashes_start.0..self.hashes.all.len(),
                phrase_hashes: self.hashes_start.1..self.hashes.phrase.len(),
                counts: std::mem::take(&mut self.line),
            });
        } else {
            self.hashes.all.truncate(self.hashes_start.0);
            self.hashes.phrase.truncate(self.hashes_start.1);
        }
        self.hashes_start = self.hashes.ends();
        self.line = Counts::default();
        self.run.start = self.run.end;
        self.text_start = self.text.len();
        self.key_start = self.keys.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::lines::Line;
    use crate::parse::text::is_control_code;
    use crate::parse::text::{key, word_hash};

    /// The scan compiled for the CPU's features reads every line as the baseline's does.
    #[test]
    fn the_scan_for_this_cpu_is_the_baseline_s() {
        let text = "GMT 02:10 2022 السبت ,09 نيسان / أبريل\r\n  أحمد\u{a0}قال، \"نص\" مدرسةٌ \
                    (جداً) ١٠ إلى آخر القرية.\n© REUTERS | الرئيسية - محليات • \u{fefb} #وسم\n"
            .repeat(3);
        for shift in 0..20 {
            let text = format!("{}{text}", "ب".repeat(shift));
            let (mut here, mut base) = (Buffers::default(), Buffers::default());
            scan(&text, true, &mut here);
            scan_with(Narrow, &text, true, &mut base);
            let here = format!("{:?}", here.lines(&text));
            assert_eq!(here, format!("{:?}", base.lines(&text)), "{shift}");
        }
    }

    /// The scan counts the control codes `decode` would: each kind, in every place against
    /// the plain runs, their gaps and the Latin and digit runs, on both scans.
    #[test]
    fn control_codes_are_counted_as_decode_counts_them() {
        let text = "قال، \"نص\" Ab 12 «ب»\u{a0}\u{fefb}\n\u{2028}\r\t\u{c}";
        let controls = [
            "\0", "\u{1}", "\u{b}", "\u{1f}", "\u{7f}", "\u{80}", "\u{85}", "\u{9f}",
        ];
        for control in controls.into_iter().chain(["\u{fffd}"]) {
            for at in text.char_indices().map(|(i, _)| i) {
                let text = format!("{}{control}{}", &text[..at], &text[at..]).repeat(2);
                let want = text.chars().filter(|&c| is_control_code(c)).count();
                assert_eq!(want, 2, "{control:?} at {at}");
                assert_eq!(scan(&text, true, &mut Buffers::default()), want);
                assert_eq!(
                    scan_with(Narrow, &text, true, &mut Buffers::default()),
                    want
                );
            }
        }
    }

    /// Lines read as they are from the source, lines rewritten into the buffer, and a line with
    /// no key between them: each gets its own text and key.
    #[test]
    fn lines_denser_than_the_reservation_are_all_kept() {
        let text = "ب\n".repeat(1000);
        assert!(lines_reserved(text.len()) < 1000);
        let lines = super::super::split_leaked(&text);
        assert_eq!(lines.len(), 1000);
        assert!(lines.iter().all(|l| l.text == "ب" && l.key == "ب"));
    }

    /// Blank lines, lines of white space and lines of invisible characters keep nothing and
    /// leave nothing behind: the lines around them read as each would alone.
    #[test]
    fn blank_lines_leave_the_next_line_as_it_is() {
        let lines = ["أحمد قال، \"نص\" 2015", "Ab Cd ١٠", "\u{fefb} #وسم", "نص"];
        let blanks = [
            "",
            "  ",
            "\t \u{a0}",
            "\u{200b}\u{feff}",
            " \u{202e} ",
            "\r",
        ];
        for blank in blanks {
            let text = lines.join(&format!("\n{blank}\n"));
            let split = super::super::split_leaked(&text);
            let alone: Vec<_> = lines.iter().filter_map(|l| Line::new(l)).collect();
            assert_eq!(format!("{split:?}"), format!("{alone:?}"), "{blank:?}");
        }
    }

    #[test]
    fn each_line_borrows_its_own_text_and_key() {
        let text = "  أحمد  قال \n***\nنص نظيف تماما\n\u{200b}Ab\u{a0}Cd\n\u{fefb}\nآخر";
        let lines = super::super::split_leaked(text);
        let texts: Vec<_> = lines.iter().map(|l| l.text).collect();
        assert_eq!(
            texts,
            ["أحمد قال", "***", "نص نظيف تماما", "Ab Cd", "لا", "آخر"]
        );
        for l in &lines {
            assert_eq!(l.key, key(l.text), "{}", l.text);
            // The hashes the headline's words are looked up by: one for each word of the key.
            let words = l.key.split(' ').filter(|_| !l.key.is_empty());
            let hashes: Vec<u64> = words.map(|w| word_hash(w.as_bytes())).collect();
            assert_eq!(l.hashes, hashes, "{}", l.text);
        }
        // `***` has no key, and is not furniture.
        assert!(lines[1].key.is_empty() && lines[1].furniture.is_none());
    }
}
