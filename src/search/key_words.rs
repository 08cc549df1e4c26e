//! The words of a parser's key (folded words, one space between them, none at either end):
//! where the analyzer reads a paragraph by its key (`super::analyzer::read_key_words`).
//!
//! The spaces are found 16 bytes at a time as a mask of bits, and each word read off the mask:
//! a search for the next space from each word (`parse::text::next_space`, eight bytes a
//! step) was ≈ 19 instructions a word, at every word of every article a build reads
//! (notes/build-bench.md session 51).

use std::ops::Range;

/// The bytes whose spaces [`spaces`] finds at once.
const BLOCK: usize = 16;

/// Calls `f` with the byte range of each word of `key`, in order: the pieces between its
/// spaces, as `key.split(' ')` gives them (empty ones too, which a key has none of).
#[inline(always)]
pub(super) fn each_word(key: &[u8], mut f: impl FnMut(Range<usize>)) {
    let mut start = 0;
    let mut block = 0;
    while block < key.len() {
        let mut mask = spaces(key, block);
        while mask != 0 {
            let at = block + mask.trailing_zeros() as usize;
            f(start..at);
            start = at + 1;
            mask &= mask - 1;
        }
        block += BLOCK;
    }
    f(start..key.len());
}

/// A bit for each space among the [`BLOCK`] bytes of `key` from `from`: bit `i` for byte
/// `from + i` (none past its end).
#[inline(always)]
fn spaces(key: &[u8], from: usize) -> u32 {
    let mut block = [0; BLOCK];
    let bytes = match key.get(from..from + BLOCK) {
        Some(whole) => whole,
        None => {
            let rest = &key[from..];
            block[..rest.len()].copy_from_slice(rest);
            &block
        }
    };
    block_spaces(bytes.first_chunk::<BLOCK>().unwrap_or(&[0; BLOCK]))
}

#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn block_spaces(block: &[u8; BLOCK]) -> u32 {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_set1_epi8,
    };
    // SAFETY: SSE2 is part of x86-64; the load reads the array's 16 bytes, and `loadu` needs
    // no alignment.
    unsafe {
        let v = _mm_loadu_si128(block.as_ptr().cast::<__m128i>());
        _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(b' ' as i8))) as u32
    }
}

#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
fn block_spaces(block: &[u8; BLOCK]) -> u32 {
    (block.iter().enumerate())
        .filter(|(_, &b)| b == b' ')
        .fold(0, |mask, (i, _)| mask | 1 << i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(key: &str) -> Vec<&str> {
        let mut out = Vec::new();
        each_word(key.as_bytes(), |r| out.push(&key[r]));
        out
    }

    /// `split(' ')`'s pieces, at every length across the blocks' edges, with spaces at each
    /// place of a block.
    #[test]
    fn the_words_are_the_pieces_between_spaces() {
        let mut keys: Vec<String> = ["", " ", "a", "ab cd", " الحكومه  تقر خطه ", "x y"]
            .map(String::from)
            .to_vec();
        for len in 1..=3 * BLOCK + 1 {
            let word = "ب".repeat(len / 2) + &"k".repeat(len % 2);
            keys.push(format!("{word} {word} a {word}"));
            keys.push(format!("{} {word}", "q".repeat(len)));
        }
        for key in &keys {
            assert_eq!(words(key), key.split(' ').collect::<Vec<_>>(), "{key:?}");
        }
    }
}
