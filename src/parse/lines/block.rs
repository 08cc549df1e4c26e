//! Sixteen bytes of a run of plain letters read at once: the common Arabic letters (U+0621 to
//! U+063A and U+0641 to U+064A, UTF-8 `D8 A1`–`D8 BA` and `D9 81`–`D9 8A`) and the single
//! spaces between them, classified with SSE2 (every x86-64 has it) into bit masks, one bit a
//! byte; thirty-two at once with AVX2 ([`read_wide`]). Anything else (Latin letters, the
//! Persian ones, marks, punctuation) stops the block and is left to the character table
//! (`lines::plain`).
//!
//! Through the table a letter costs a lookup, its flags' tests and their counts: about 31
//! instructions (notes/parser-bench.md, session 24). Here sixteen bytes cost about forty, and
//! each space and each letter whose fold differs (أ إ آ ة ى) a few more.

/// Bytes a block looks at: sixteen where a letter or a space may start, and the byte after
/// the last (a letter's second byte).
pub const LEN: usize = 17;

/// The same for a block of [`read_wide`]: thirty-two, and the byte after.
pub const WIDE_LEN: usize = 33;

/// How wide the blocks of a run are read, as a type, so that the scan's two copies are
/// compiled apart: [`Narrow`] (sixteen bytes, every x86-64) or [`Wide`] (thirty-two). A
/// `Wide` is the proof that the CPU has AVX2, so that only code which knows it can ask for
/// [`read_wide`].
pub trait Width: Copy {
    /// The proof of AVX2 this width carries: `None` for [`Narrow`].
    fn wide(self) -> Option<Wide>;
}

/// Blocks of sixteen bytes ([`read`]).
#[derive(Clone, Copy)]
pub struct Narrow;

/// Blocks of thirty-two bytes ([`read_wide`]): the CPU has AVX2.
#[derive(Clone, Copy)]
pub struct Wide(());

impl Wide {
    /// # Safety
    ///
    /// The CPU has AVX2.
    pub unsafe fn new_unchecked() -> Wide {
        Wide(())
    }

    /// [`read_wide`], safe to call with the proof in hand.
    #[inline(always)]
    pub fn read(self, bytes: &[u8; WIDE_LEN]) -> Block {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: a `Wide` is made only where the CPU has AVX2 (`new_unchecked`).
        return unsafe { read_wide(bytes) };
        #[cfg(not(target_arch = "x86_64"))]
        read_wide(bytes)
    }
}

impl Width for Narrow {
    #[inline(always)]
    fn wide(self) -> Option<Wide> {
        None
    }
}

impl Width for Wide {
    #[inline(always)]
    fn wide(self) -> Option<Wide> {
        Some(self)
    }
}

/// What a block read: one bit per byte from its start.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Block {
    /// How many bytes, from the start, are letters and single spaces between letters (the
    /// byte before the block is a letter's last).
    pub len: usize,
    pub letters: usize,
    /// The spaces among them.
    pub spaces: u64,
    /// The letters among them whose fold is not their own bytes.
    pub refolds: u64,
    /// It read fewer bytes than all but its last two: it stopped at a byte it does not know.
    /// (One that read more may only have reached its end.)
    pub stopped: bool,
}

impl Block {
    /// From the bits of the bytes that start a letter, start one that refolds, are a space,
    /// for a block of `len` bytes ([`LEN`] or [`WIDE_LEN`]).
    #[inline(always)]
    fn from_masks(letters: u64, refolds: u64, spaces: u64, len: usize) -> Self {
        let block_len = len;
        // A space counts between a letter's last byte and a letter; the byte before the block
        // is a letter's last.
        let spaces = spaces & (letters << 2 | 1) & (letters >> 1);
        let len = (letters | letters << 1 | spaces).trailing_ones() as usize;
        let taken = (1u64 << len) - 1;
        Block {
            len,
            letters: (letters & taken).count_ones() as usize,
            spaces: spaces & taken,
            refolds: refolds & taken,
            stopped: len < block_len - 2,
        }
    }
}

/// The masks [`read`] and [`read_wide`] compute, a byte at a time: the definition, and the
/// fallback off x86-64.
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
fn masks_bytewise(bytes: &[u8]) -> (u64, u64, u64) {
    let (mut letters, mut refolds, mut spaces) = (0, 0, 0);
    for p in 0..bytes.len() - 1 {
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
    Block::from_masks(letters, refolds, spaces, LEN)
}

/// A block's masks (letters, those that refold, spaces) from its bytes `$v` and the bytes
/// one further `$n`, in vectors of type `$t` through one width's intrinsics: the same
/// classification for SSE2's 16 bytes and AVX2's 32.
#[cfg(target_arch = "x86_64")]
macro_rules! classify {
    ($v:expr, $n:expr, $t:ty, $set1:ident, $cmpeq:ident, $sub:ident, $min:ident, $and:ident,
     $or:ident, $movemask:ident) => {{
        let (v, n) = ($v, $n);
        let splat = |b: u8| $set1(b as i8);
        let is = |x: $t, b: u8| $cmpeq(x, splat(b));
        // `lo <= x <= hi`, unsigned: `x - lo` is at most `hi - lo`.
        let within = |x: $t, lo: u8, hi: u8| {
            let t = $sub(x, splat(lo));
            $cmpeq($min(t, splat(hi - lo)), t)
        };
        let (d8, d9) = (is(v, 0xd8), is(v, 0xd9));
        let letters = $or(
            $and(d8, within(n, 0xa1, 0xba)),
            $and(d9, within(n, 0x81, 0x8a)),
        );
        // آ أ, إ, ة; ى.
        let refolds = $or(
            $and(
                d8,
                $or(within(n, 0xa2, 0xa3), $or(is(n, 0xa5), is(n, 0xa9))),
            ),
            $and(d9, is(n, 0x89)),
        );
        let mask = |m: $t| u64::from($movemask(m) as u32);
        (mask(letters), mask(refolds), mask(is(v, b' ')))
    }};
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
    let (letters, refolds, spaces) = unsafe {
        classify!(
            _mm_loadu_si128(bytes.as_ptr().cast::<__m128i>()),
            _mm_loadu_si128(bytes[1..].as_ptr().cast::<__m128i>()),
            __m128i,
            _mm_set1_epi8,
            _mm_cmpeq_epi8,
            _mm_sub_epi8,
            _mm_min_epu8,
            _mm_and_si128,
            _mm_or_si128,
            _mm_movemask_epi8
        )
    };
    Block::from_masks(letters, refolds, spaces, LEN)
}

/// [`read_wide`] off x86-64: never called (only the scan compiled for AVX2 asks for it).
#[cfg(not(target_arch = "x86_64"))]
pub fn read_wide(bytes: &[u8; WIDE_LEN]) -> Block {
    let (letters, refolds, spaces) = masks_bytewise(bytes);
    Block::from_masks(letters, refolds, spaces, WIDE_LEN)
}

/// [`read`] of thirty-two bytes with AVX2: half the blocks of a run (a block's fixed cost,
/// its loads, compares and counts, is most of what a run of plain letters costs).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
pub fn read_wide(bytes: &[u8; WIDE_LEN]) -> Block {
    use std::arch::x86_64::{
        __m256i, _mm256_and_si256, _mm256_cmpeq_epi8, _mm256_loadu_si256, _mm256_min_epu8,
        _mm256_movemask_epi8, _mm256_or_si256, _mm256_set1_epi8, _mm256_sub_epi8,
    };
    // SAFETY: both loads read 32 of the 33 bytes the array holds, and `loadu` needs no
    // alignment.
    let (v, n) = unsafe {
        (
            _mm256_loadu_si256(bytes.as_ptr().cast::<__m256i>()),
            _mm256_loadu_si256(bytes[1..].as_ptr().cast::<__m256i>()),
        )
    };
    let (letters, refolds, spaces) = classify!(
        v,
        n,
        __m256i,
        _mm256_set1_epi8,
        _mm256_cmpeq_epi8,
        _mm256_sub_epi8,
        _mm256_min_epu8,
        _mm256_and_si256,
        _mm256_or_si256,
        _mm256_movemask_epi8
    );
    Block::from_masks(letters, refolds, spaces, WIDE_LEN)
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

    /// The SSE2 masks, and the AVX2 ones where the CPU has it, are the bytewise ones on every
    /// window of some mixed text (for AVX2: a letter across its two 16-byte lanes, a stop in
    /// either, at every place).
    #[test]
    fn blocks_are_the_bytewise_reading() {
        // Every letter a block takes (ء to غ, ف to ي) and those either side of them.
        let text = "قال الوزير إن آلاف  الأسر، École و پیام ٱلله مدرسةٌ على ٢٠١٥ ى ة أ \
                    جداً ءآأؤإئابةتثجحخدذرزسشصضطظعغ ػ ـفقكلمنهوىي ًٌ";
        let bytes = [
            text.as_bytes(),
            &[0xd8, 0xa1, 0xd9, 0x8a, 0xd9, 0x8b, b' ', 0xff, 0xd9],
        ]
        .concat()
        .repeat(3);
        let bytewise = |w: &[u8]| {
            let (letters, refolds, spaces) = masks_bytewise(w);
            Block::from_masks(letters, refolds, spaces, w.len())
        };
        for w in bytes.windows(LEN) {
            assert_eq!(read(w.try_into().unwrap()), bytewise(w), "{w:x?}");
        }
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            for w in bytes.windows(WIDE_LEN) {
                // SAFETY: the CPU has AVX2.
                let wide = unsafe { read_wide(w.try_into().unwrap()) };
                assert_eq!(wide, bytewise(w), "{w:x?}");
            }
        }
    }
}
