//! Runs of plain letters ([`CharInfo::PLAIN`]: Arabic words and the single spaces between
//! them, most of a line): read first without writing anything, to find where the run ends,
//! what it counts, where its spaces are; then copied whole into the key, which holds the same
//! bytes but for the few letters whose fold differs (أ إ آ ة ى, Latin capitals), and each word
//! the run ends hashed from the key's bytes. The punctuation and spaces between two runs
//! ([`gap`]) are read here too when the line keeps them as they are.
//!
//! Writing each letter's fold as it was read cost about 56 instructions a letter: every push
//! to a `Vec` stores its length back and the loop's state did not fit in registers
//! (notes/parser-bench.md, session 20). Reading letter by letter with no writes cost 31
//! (session 24); reading the common Arabic letters 16 bytes at a time ([`block`]) leaves a
//! few instructions a letter.

use super::block::{self, Width};
use super::kinds::is_separator_or_sign;
use crate::parse::text::{CharInfo, TABLE_SIZE, two_byte_slot, word_hash};

/// How many letters whose fold differs a run remembers the place of; a run with more rewrites
/// its key letter by letter.
const REFOLDS: usize = 32;

/// How many spaces a run remembers the place of, to hash the words it ends; a run with more
/// looks for them again in its key. (Looking for the spaces again in every run's key cost 8
/// instructions a byte.)
const SPACES: usize = 64;

/// A run of plain letters as read, before anything is written.
pub(super) struct Run {
    /// Where the run starts and ends in the source.
    pub start: usize,
    pub end: usize,
    pub letters: usize,
    pub arabic: usize,
    /// Single spaces inside the run: each ended a word that held a letter.
    pub spaces: usize,
    /// How many letters marked [`CharInfo::REFOLD`] the run holds.
    refold_count: usize,
}

/// Where a run's first letters to refold and spaces are: kept by the caller from run to run,
/// since setting up the arrays for each run cost more than many runs' reading (≈ 60
/// instructions a run, measured).
#[derive(Debug)]
pub(super) struct Places {
    /// Where the first [`REFOLDS`] letters marked [`CharInfo::REFOLD`] start.
    refolds: [usize; REFOLDS],
    /// Where the first [`SPACES`] spaces are.
    spaces: [usize; SPACES],
}

impl Default for Places {
    fn default() -> Self {
        Places {
            refolds: [0; REFOLDS],
            spaces: [0; SPACES],
        }
    }
}

impl Run {
    #[inline(always)]
    fn space_at(&mut self, places: &mut Places, at: usize) {
        if let Some(slot) = places.spaces.get_mut(self.spaces) {
            *slot = at;
        }
        self.spaces += 1;
    }

    #[inline(always)]
    fn refold_at(&mut self, places: &mut Places, at: usize) {
        if let Some(slot) = places.refolds.get_mut(self.refold_count) {
            *slot = at;
        }
        self.refold_count += 1;
    }

    /// One letter, or a space and the letter after it, read through the table: any plain
    /// letter. Returns whether there was one at `self.end`.
    #[inline(always)]
    fn step(&mut self, src: &[u8], table: &[CharInfo; TABLE_SIZE], places: &mut Places) -> bool {
        let i = self.end;
        let (info, at) = match src[i..] {
            [b0 @ 0xc0..=0xdf, b1, ..] => {
                let info = table[two_byte_slot(b0, b1)];
                if !info.is(CharInfo::PLAIN) {
                    return false;
                }
                (info, i)
            }
            // One space, then a plain letter: the word ends and the next one begins.
            [b' ', b0 @ 0xc0..=0xdf, b1, ..] => {
                let info = table[two_byte_slot(b0, b1)];
                if !info.is(CharInfo::PLAIN) {
                    return false;
                }
                self.space_at(places, i);
                (info, i + 1)
            }
            _ => return false,
        };
        self.end = at + 2;
        self.letters += 1;
        self.arabic += usize::from(info.is(CharInfo::ARABIC));
        if info.is(CharInfo::REFOLD) {
            self.refold_at(places, at);
        }
        true
    }
}

/// Reads the plain letters from `src[start..]`, right after a plain letter of a word that has
/// begun: letters of the same word, and of the next ones past a single ASCII space. `width`:
/// how wide its blocks are read ([`block::Wide`] only from the scan compiled for AVX2, which
/// holds the proof: `cfg!(target_feature)` does not see a function's own features).
#[inline(always)]
pub(super) fn read<W: Width>(
    width: W,
    src: &[u8],
    start: usize,
    table: &[CharInfo; TABLE_SIZE],
    places: &mut Places,
) -> Run {
    let mut run = Run {
        start,
        end: start,
        letters: 0,
        arabic: 0,
        spaces: 0,
        refold_count: 0,
    };
    loop {
        let rest = &src[run.end..];
        let b = if let Some(wide) = width.wide()
            && let Some(bytes) = rest.first_chunk::<{ block::WIDE_LEN }>()
        {
            wide.read(bytes)
        } else if let Some(bytes) = rest.first_chunk::<{ block::LEN }>() {
            block::read(bytes)
        } else if run.step(src, table, places) {
            continue;
        } else {
            break;
        };
        let at = run.end;
        let mut spaces = b.spaces;
        while spaces != 0 {
            run.space_at(places, at + spaces.trailing_zeros() as usize);
            spaces &= spaces - 1;
        }
        let mut refolds = b.refolds;
        while refolds != 0 {
            run.refold_at(places, at + refolds.trailing_zeros() as usize);
            refolds &= refolds - 1;
        }
        run.letters += b.letters;
        run.arabic += b.letters;
        run.end += b.len;
        // Stopped short of the block's end by a byte it does not know: the table decides.
        if b.stopped && !run.step(src, table, places) {
            break;
        }
    }
    run
}

/// What parts two words of a line right after a run of plain letters: punctuation and single
/// spaces (`، `, ` "`, `". `, ` (`), up to the plain letter that follows.
pub(super) struct Gap {
    /// Where the letter after it starts.
    pub end: usize,
    /// Its characters: the line keeps each as it is.
    pub chars: usize,
    /// Whether a space is among them.
    pub spaced: bool,
}

/// The [`Gap`] at `src[start..]`, right after a run of plain letters, when a plain letter ends
/// it and it holds nothing but characters the scanner keeps as they are and counts alone:
/// single ASCII spaces, and [`CharInfo::is_other`] characters of one or two bytes but `#` and
/// those [`is_separator_or_sign`] (noted on the line). Anything else (a line's end, a digit,
/// a mark, two spaces) is left to the scanner's path a character at a time.
///
/// Most of that path's turns were these (a punctuation mark, a space and the next word's
/// first letter after each run: 55 K of its 139 K in 200 dumps, ≈ 64 instructions each).
#[inline(always)]
pub(super) fn gap(src: &[u8], start: usize, table: &[CharInfo; TABLE_SIZE]) -> Option<Gap> {
    let mut at = start;
    let mut chars = 0;
    let mut spaced = false;
    let mut after_space = false;
    loop {
        let (info, len) = match src[at..] {
            // Two spaces are cleaned into one: the line is no longer a stretch of the source.
            [b' ', ..] if after_space => return None,
            [b' ', ..] => {
                (spaced, after_space) = (true, true);
                chars += 1;
                at += 1;
                continue;
            }
            [b, ..] if b < 0x80 => (table[usize::from(b) % TABLE_SIZE], 1),
            [b0 @ 0xc0..=0xdf, b1, ..] => (table[two_byte_slot(b0, b1)], 2),
            _ => return None,
        };
        if info.is(CharInfo::PLAIN) {
            return (chars > 0).then_some(Gap {
                end: at,
                chars,
                spaced,
            });
        }
        let raw = &src[at..at + len];
        if !info.is_other() || raw == b"#" || is_separator_or_sign(raw) {
            return None;
        }
        after_space = false;
        chars += 1;
        at += len;
    }
}

impl Run {
    /// Appends the run's key to `keys` (the source bytes, the letters whose fold differs
    /// rewritten); hands the [`word_hash`] of each word the run ends, the first starting at
    /// `keys[word_start..]`, to `word_end`. Returns where the word the run ends inside starts.
    #[inline(always)]
    pub(super) fn write_key(
        &self,
        places: &Places,
        src: &[u8],
        table: &[CharInfo; TABLE_SIZE],
        keys: &mut Vec<u8>,
        mut word_start: usize,
        word_end: &mut impl FnMut(u64),
    ) -> usize {
        let base = keys.len();
        keys.extend_from_slice(&src[self.start..self.end]);
        let key = &mut keys[base..];
        if self.refold_count <= REFOLDS {
            for &at in &places.refolds[..self.refold_count] {
                let k = at - self.start;
                let info = table[two_byte_slot(key[k], key[k + 1])];
                key[k..k + 2].copy_from_slice(&info.plain_fold());
            }
        } else {
            refold_all(key, table);
        }
        if self.spaces > SPACES {
            return hash_words_found(keys, base, word_start, word_end);
        }
        // One call site for the hash, so that it is inlined (through a closure called from two
        // it was not, and cost a call a word).
        for &at in &places.spaces[..self.spaces] {
            let space = base + at - self.start;
            word_end(word_hash(&keys[word_start..space]));
            word_start = space + 1;
        }
        word_start
    }
}

/// [`Run::write_key`]'s words for a run with more spaces than it remembers: they are looked
/// for again in its key, from `base`.
#[cold]
fn hash_words_found(
    keys: &[u8],
    base: usize,
    mut word_start: usize,
    word_end: &mut impl FnMut(u64),
) -> usize {
    for space in (base..keys.len()).filter(|&k| keys[k] == b' ') {
        word_end(word_hash(&keys[word_start..space]));
        word_start = space + 1;
    }
    word_start
}

/// Every letter of a run's copied bytes rewritten as its fold (a plain letter that does not
/// change folds to its own bytes).
fn refold_all(key: &mut [u8], table: &[CharInfo; TABLE_SIZE]) {
    let mut k = 0;
    while k + 1 < key.len() {
        if key[k] == b' ' {
            k += 1;
            continue;
        }
        let info = table[two_byte_slot(key[k], key[k + 1])];
        key[k..k + 2].copy_from_slice(&info.plain_fold());
        k += 2;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::lines::Line;
    use crate::parse::text::{compact_key, key};

    /// A gap is taken up to the next plain letter when it holds nothing but punctuation a line
    /// keeps as it is and single spaces; whatever the scanner has to look at stops it.
    #[test]
    fn gaps_are_punctuation_and_single_spaces_up_to_a_letter() {
        // (the gap's bytes, characters, whether a space is among them), read after a letter.
        let read = |s: &str| {
            let src = format!("ب{s}");
            let g = gap(src.as_bytes(), 2, CharInfo::table())?;
            assert_eq!(&src[g.end..g.end + 2], "و", "{s}");
            Some((g.end - 2, g.chars, g.spaced))
        };
        assert_eq!(read("، و"), Some((3, 2, true)));
        assert_eq!(read(" \"و"), Some((2, 2, true)));
        assert_eq!(read("\". و"), Some((3, 3, true)));
        assert_eq!(read(".\"و"), Some((2, 2, false)));
        assert_eq!(read(" («و"), Some((4, 3, true)));
        for stopped in [
            "،  و",
            "، 2015 و",
            "، ١٠ و",
            " #و",
            " - و",
            " | و",
            " © و",
            " · و",
            "،\nو",
            "، \u{a0}و",
            ".\u{200f} و",
            " \u{fefb}",
            "، aو",
            "، ًو",
            " ”و",
            "، ",
            "",
        ] {
            assert_eq!(read(stopped), None, "{stopped:?}");
        }
    }

    /// A run hands on each word it ends with the hash of the word's key, as the lexicon hashes
    /// its phrases' words, and gives back where its last word starts: for a run of a few words,
    /// and for one with more spaces and refolded letters than it remembers the places of.
    #[test]
    fn runs_hash_the_words_they_end() {
        let many = "مدرسة أخرى إلى آخر القرية ".repeat(20);
        // One set of places for every run, as the scanner keeps it: a run after a longer one
        // reads its own places only.
        let mut places = Places::default();
        for text in [
            many.trim_end(),
            "قال الوزير إن آلاف الأسر تعيش على مساعدات منظمات الإغاثة الدولية في المخيمات",
            many.trim_end(),
        ] {
            let (src, table) = (text.as_bytes(), CharInfo::table());
            // As the scanner has it: the first letter (one that folds to itself) written.
            let run = read(block::Narrow, src, 2, table, &mut places);
            assert_eq!(run.end, src.len(), "{text}");
            #[cfg(target_arch = "x86_64")]
            if std::arch::is_x86_feature_detected!("avx2") {
                // Blocks of 32 bytes find the same run and places.
                let mut wide_places = Places::default();
                // SAFETY: the CPU has AVX2.
                let width = unsafe { block::Wide::new_unchecked() };
                let wide = read(width, src, 2, table, &mut wide_places);
                assert_eq!(
                    (wide.end, wide.letters, wide.spaces, wide.refold_count),
                    (run.end, run.letters, run.spaces, run.refold_count)
                );
                let (spaces, refolds) = (run.spaces.min(SPACES), run.refold_count.min(REFOLDS));
                assert_eq!(wide_places.spaces[..spaces], places.spaces[..spaces]);
                assert_eq!(wide_places.refolds[..refolds], places.refolds[..refolds]);
            }
            let mut keys = src[..2].to_vec();
            let mut hashes = Vec::new();
            let last = run.write_key(&places, src, table, &mut keys, 0, &mut |h| hashes.push(h));
            let k = key(text);
            let words: Vec<&str> = k.split(' ').collect();
            assert_eq!(keys, k.as_bytes(), "{text}");
            let (last_word, ended) = words.split_last().unwrap();
            let expected: Vec<u64> = ended.iter().map(|w| word_hash(w.as_bytes())).collect();
            assert_eq!(hashes, expected, "{text}");
            assert_eq!(&keys[last..], last_word.as_bytes(), "{text}");
        }
    }

    /// The scanner's key and compact key (a run read then copied) agree with the folding
    /// functions, for runs with few letters that fold differently, with more than a run
    /// remembers (rewritten letter by letter), broken off by other characters, and read from
    /// every place in a block.
    #[test]
    fn runs_key_as_the_folder_does() {
        let many = "مدرسة أخرى إلى آخر القرية ".repeat(20);
        for text in [
            "الإسلامية في القاهرة",
            "كتب الصحفي خبرا",
            many.as_str(),
            "Élan وÉcole أحمد, إبراهيم ومصطفى—سلمى ٢٠١٥ الأولى",
            "قال  الوزير   إن",
            "أعلنت وزارة الصحة الفلسطينية، اليوم، ارتفاع حصيلة الضحايا إلى ٢٠ شهيدا.",
            "في پیام الدولة ٱلمدينة فيأ ى ة ي مدرسةٌ كبيرةٌ جداً   و  ب ت",
        ] {
            // Every place a 16-byte block can start at.
            for shift in 0..17 {
                let text = format!("{}{text}", "ب ".repeat(shift % 2) + &"ت".repeat(shift));
                let line = Line::new(&text).unwrap();
                assert_eq!(line.key, key(&text), "{text}");
                assert_eq!(line.compact(), compact_key(&text), "{text}");
                assert_eq!(line.compact_len(), line.compact().len(), "{text}");
            }
        }
    }
}
