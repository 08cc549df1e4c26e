//! Runs of plain letters ([`CharInfo::PLAIN`]: Arabic words and the single spaces between
//! them, most of a line): read first without writing anything, to find where the run ends,
//! what it counts and its words' hashes; then copied whole into the key, which holds the same
//! bytes but for the few letters whose fold differs (أ إ آ ة ى, Latin capitals).
//!
//! Writing each letter's fold as it was read cost about 56 instructions a letter: every push
//! to a `Vec` stores its length back and the loop's state did not fit in registers
//! (notes/parser-bench.md, session 20). Reading with no writes keeps the loop in registers.

use rustc_hash::FxHasher;

use crate::parse::lexicon::Lexicon;
use crate::parse::text::{CharInfo, TABLE_SIZE, hash_plain};

/// How many letters whose fold differs a run remembers the place of; a run with more rewrites
/// its key letter by letter.
const REFOLDS: usize = 32;

/// How many spaces a run remembers the place of, to copy its words into the compact key one
/// `memcpy` each; a run with more is copied byte by byte. (Looking for the spaces again in
/// the copied key cost 8 instructions a byte.)
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
    /// Some word the run finished may belong to a furniture phrase
    /// ([`Lexicon::may_be_phrase_word`]).
    pub phrase_word: bool,
    /// The hash of the word the run ends inside, so far ([`crate::parse::text::word_hash`]).
    pub hash: FxHasher,
    /// Where the first [`REFOLDS`] letters marked [`CharInfo::REFOLD`] start, and how many
    /// such letters there were.
    refolds: [usize; REFOLDS],
    refold_count: usize,
    /// Where the first [`SPACES`] spaces are.
    spaces_at: [usize; SPACES],
}

#[inline(always)]
fn info_at(table: &[CharInfo; TABLE_SIZE], b0: u8, b1: u8) -> CharInfo {
    table[(usize::from(b0 & 0x1f) << 6 | usize::from(b1 & 0x3f)) % TABLE_SIZE]
}

/// Reads the plain letters from `src[start..]`, right after a plain letter of a word that has
/// begun (whose hash so far is `hash`): letters of the same word, and of the next ones past a
/// single ASCII space.
#[inline(always)]
pub(super) fn read(
    src: &[u8],
    start: usize,
    table: &[CharInfo; TABLE_SIZE],
    lexicon: &Lexicon,
    mut hash: FxHasher,
) -> Run {
    let (mut letters, mut arabic, mut spaces, mut phrase_word) = (0, 0, 0, false);
    let mut refolds = [0; REFOLDS];
    let mut refold_count = 0;
    let mut spaces_at = [0; SPACES];
    let mut i = start;
    loop {
        let (info, at) = match src[i..] {
            [b0 @ 0xc0..=0xdf, b1, ..] => {
                let info = info_at(table, b0, b1);
                if !info.is(CharInfo::PLAIN) {
                    break;
                }
                i += 2;
                (info, i - 2)
            }
            // One space, then a plain letter: the word ends and the next one begins.
            [b' ', b0 @ 0xc0..=0xdf, b1, ..] => {
                let info = info_at(table, b0, b1);
                if !info.is(CharInfo::PLAIN) {
                    break;
                }
                if let Some(slot) = spaces_at.get_mut(spaces) {
                    *slot = i;
                }
                spaces += 1;
                phrase_word |= lexicon.may_be_phrase_word(std::hash::Hasher::finish(&hash));
                hash = FxHasher::default();
                i += 3;
                (info, i - 2)
            }
            _ => break,
        };
        letters += 1;
        arabic += usize::from(info.is(CharInfo::ARABIC));
        hash_plain(&mut hash, info);
        if info.is(CharInfo::REFOLD) {
            if let Some(slot) = refolds.get_mut(refold_count) {
                *slot = at;
            }
            refold_count += 1;
        }
    }
    Run {
        start,
        end: i,
        letters,
        arabic,
        spaces,
        phrase_word,
        hash,
        refolds,
        refold_count,
        spaces_at,
    }
}

impl Run {
    /// Appends the run's key to `padded` (the source bytes, the letters whose fold differs
    /// rewritten) and the same without its spaces to `compact`.
    #[inline(always)]
    pub(super) fn write_key(
        &self,
        src: &[u8],
        table: &[CharInfo; TABLE_SIZE],
        padded: &mut Vec<u8>,
        compact: &mut Vec<u8>,
    ) {
        let base = padded.len();
        padded.extend_from_slice(&src[self.start..self.end]);
        let key = &mut padded[base..];
        if self.refold_count <= REFOLDS {
            for &at in &self.refolds[..self.refold_count] {
                let k = at - self.start;
                let info = info_at(table, key[k], key[k + 1]);
                key[k..k + 2].copy_from_slice(&info.plain_fold());
            }
        } else {
            refold_all(key, table);
        }
        if self.spaces <= SPACES {
            let mut from = 0;
            for &at in &self.spaces_at[..self.spaces] {
                let space = at - self.start;
                compact.extend_from_slice(&key[from..space]);
                from = space + 1;
            }
            compact.extend_from_slice(&key[from..]);
        } else {
            compact.extend(key.iter().filter(|&&b| b != b' '));
        }
    }
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
        let info = info_at(table, key[k], key[k + 1]);
        key[k..k + 2].copy_from_slice(&info.plain_fold());
        k += 2;
    }
}

#[cfg(test)]
mod tests {
    use crate::parse::lines::Line;
    use crate::parse::text::{compact_key, key};

    /// The scanner's key and compact key (a run read then copied) agree with the folding
    /// functions, for runs with few letters that fold differently, with more than a run
    /// remembers (rewritten letter by letter), and broken off by other characters.
    #[test]
    fn runs_key_as_the_folder_does() {
        let many = "مدرسة أخرى إلى آخر القرية ".repeat(20);
        for text in [
            "الإسلامية في القاهرة",
            "كتب الصحفي خبرا",
            many.as_str(),
            "Élan وÉcole أحمد, إبراهيم ومصطفى—سلمى ٢٠١٥ الأولى",
            "قال  الوزير   إن",
        ] {
            let line = Line::new(text).unwrap();
            assert_eq!(line.key, key(text), "{text}");
            assert_eq!(line.compact, compact_key(text), "{text}");
        }
    }
}
