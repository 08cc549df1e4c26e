//! Sixteen bytes of a run of plain letters read at once: the common Arabic letters (U+0621 to
//! U+063A and U+0641 to U+064A, UTF-8 `D8 A1`–`D8 BA` and `D9 81`–`D9 8A`) and the single
//! spaces between them, classified with SSE2 (every x86-64 has it) into bit masks, one bit a
//! byte. Anything else (Latin letters, the Persian ones, marks, punctuation) stops the block
//! and is left to the character table (`lines::plain`).
//!
//! Through the table a letter costs a lookup, its flags' tests and their counts: about 31
//! instructions (notes/parser-bench.md, session 24). Here sixteen bytes cost about forty, and
//! each space and each letter whose fold differs (أ إ آ ة ى) a few more.

/// Bytes a block looks at: sixteen where a letter or a space may start, and the byte after
/// the last (a letter's second byte).
pub const LEN: usize = 17;

/// A block that read fewer bytes than this stopped at a byte it does not know; one that read
/// more may only have reached its end.
pub const STOPPED: usize = LEN - 2;

/// What a block read: one bit per byte from its start.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Block {
    /// How many bytes, from the start, are letters and single spaces between letters (the
    /// byte before the block is a letter's last).
    pub len: usize,
    pub letters: usize,
    /// The spaces among them.
    pub spaces: u32,
    /// The letters among them whose fold is not their own bytes.
    pub refolds: u32,
}

impl Block {
    /// From the bits of the bytes that start a letter, start one that refolds, are a space.
    #[inline(always)]
    fn from_masks(letters: u32, refolds: u32, spaces: u32) -> Self {
        // A space counts between a letter's last byte and a letter; the byte before the block
        // is a letter's last.
        let spaces = spaces & (letters << 2 | 1) & (letters >> 1);
        let len = (letters | letters << 1 | spaces).trailing_ones() as usize;
        let taken = (1u32 << len) - 1;
        Block {
            len,
            letters: (letters & taken).count_ones() as usize,
            spaces: spaces & taken,
            refolds: refolds & taken,
        }
    }
}

/// The masks [`read`] computes, a byte at a time: the definition, and the fallback off x86-64.
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
fn masks_bytewise(bytes: &[u8; LEN]) -> (u32, u32, u32) {
    let (mut letters, mut refolds, mut spaces) = (0, 0, 0);
    for p in 0..LEN - 1 {
        let (b, n) = (bytes[p], bytes[p + 1]);
        if b == 0xd8 && (0xa1..=0xba).contains(&n) || b == 0xd9 && (0x81..=0x8a).contains(&n) {
            letters |= 1 << p;
        }
        if b == 0xd8 && matches!(n, 0xa2 | 0xa3 | 0xa5 | 0xa9) || b == 0xd9 && n == 0x89 {
            refolds |= 1 << p;
        }
        if b == b' ' {
            spaces |= 1 << p;
        }
    }
    (letters, refolds, spaces)
}

/// Reads a block: the letters and spaces that start it.
#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
pub fn read(bytes: &[u8; LEN]) -> Block {
    let (letters, refolds, spaces) = masks_bytewise(bytes);
    Block::from_masks(letters, refolds, spaces)
}

/// Reads a block: the letters and spaces that start it.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
pub fn read(bytes: &[u8; LEN]) -> Block {
    use std::arch::x86_64::{
        __m128i, _mm_and_si128, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_min_epu8, _mm_movemask_epi8,
        _mm_or_si128, _mm_set1_epi8, _mm_sub_epi8,
    };
    // SAFETY: SSE2 is part of x86-64 (the intrinsics are `unsafe` only for CPUs that may
    // lack the feature); both loads read 16 of the 17 bytes the array holds, and `loadu`
    // needs no alignment.
    unsafe {
        let v = _mm_loadu_si128(bytes.as_ptr().cast::<__m128i>());
        let n = _mm_loadu_si128(bytes[1..].as_ptr().cast::<__m128i>());
        let splat = |b: u8| _mm_set1_epi8(b as i8);
        let is = |x: __m128i, b: u8| _mm_cmpeq_epi8(x, splat(b));
        // `lo <= x <= hi`, unsigned: `x - lo` is at most `hi - lo`.
        let within = |x: __m128i, lo: u8, hi: u8| {
            let t = _mm_sub_epi8(x, splat(lo));
            _mm_cmpeq_epi8(_mm_min_epu8(t, splat(hi - lo)), t)
        };
        let (d8, d9) = (is(v, 0xd8), is(v, 0xd9));
        let letters = _mm_or_si128(
            _mm_and_si128(d8, within(n, 0xa1, 0xba)),
            _mm_and_si128(d9, within(n, 0x81, 0x8a)),
        );
        // آ أ, إ, ة; ى.
        let refolds = _mm_or_si128(
            _mm_and_si128(
                d8,
                _mm_or_si128(
                    within(n, 0xa2, 0xa3),
                    _mm_or_si128(is(n, 0xa5), is(n, 0xa9)),
                ),
            ),
            _mm_and_si128(d9, is(n, 0x89)),
        );
        let mask = |m: __m128i| _mm_movemask_epi8(m) as u32;
        Block::from_masks(mask(letters), mask(refolds), mask(is(v, b' ')))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::text::CharInfo;

    /// Every pair a block takes for a letter is a plain Arabic letter by the table, and it
    /// refolds exactly when the table says so.
    #[test]
    fn blocks_agree_with_the_table() {
        for b in [0xd8u8, 0xd9] {
            for n in 0x80u8..=0xbf {
                let c = std::str::from_utf8(&[b, n])
                    .unwrap()
                    .chars()
                    .next()
                    .unwrap();
                let mut bytes = [b' '; LEN];
                bytes[..2].copy_from_slice(&[b, n]);
                let (letters, refolds, _) = masks_bytewise(&bytes);
                if letters & 1 != 0 {
                    let info = CharInfo::of(c);
                    assert!(info.is(CharInfo::PLAIN) && info.is(CharInfo::ARABIC), "{c}");
                    assert_eq!(refolds & 1 != 0, info.is(CharInfo::REFOLD), "{c}");
                } else {
                    assert_eq!(refolds & 1, 0, "{c}");
                }
            }
        }
    }

    /// The SSE2 masks are the bytewise ones, on every window of some mixed text.
    #[test]
    fn read_is_the_bytewise_reading() {
        let text = "قال الوزير إن آلاف  الأسر، École و پیام ٱلله مدرسةٌ على ٢٠١٥ ى ة أ";
        let bytes = [
            text.as_bytes(),
            &[0xd8, 0xa1, 0xd9, 0x8a, 0xd9, 0x8b, b' ', 0xff, 0xd9],
        ]
        .concat()
        .repeat(3);
        for w in bytes.windows(LEN) {
            let w: &[u8; LEN] = w.try_into().unwrap();
            let (letters, refolds, spaces) = masks_bytewise(w);
            assert_eq!(
                read(w),
                Block::from_masks(letters, refolds, spaces),
                "{w:x?}"
            );
        }
    }
}
