//! Bytes to text: UTF-8 with or without BOM, UTF-16 with BOM, or a legacy Arabic code page
//! (windows-1256 and kin) found by charset detection.

use encoding_rs::{Encoding, UTF_8};

use super::{ParseError, Warning};

/// A dump's text and what was done to get it.
#[derive(Debug)]
pub struct Decoded {
    pub text: String,
    /// The encoding's WHATWG name (`UTF-8`, `windows-1256`, `UTF-16LE`, …).
    pub encoding: &'static str,
    /// Repairs worth telling the archivist about (replaced bytes, removed NULs).
    pub notes: Vec<Warning>,
}

/// Share of invalid bytes under which a file that is mostly valid UTF-8 stays UTF-8: a few
/// broken bytes in an Arabic UTF-8 page are damage to repair, not a sign of another encoding.
const MAX_BROKEN_UTF8_SHARE: f64 = 0.02;

pub fn decode(bytes: &[u8]) -> Result<Decoded, ParseError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ParseError::Empty);
    }
    let mut notes = Vec::new();

    // A byte order mark names the encoding outright (and covers UTF-16, full of NULs).
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        if had_errors {
            notes.push(Warning::invalid_bytes(encoding.name()));
        }
        return finish(text.into_owned(), encoding.name(), notes, None);
    }

    // A NUL is a control code: a dump with none (nearly all) has no NUL to look for, and its
    // count is its text's when the bytes are that text (a second pass cost ≈ 0.3 instruction a
    // byte).
    let control = count_control(bytes);
    // NULs in an 8-bit file: a few are junk to drop, many mean a binary file.
    let nuls = if control == 0 {
        0
    } else {
        memchr::memchr_iter(0, bytes).count()
    };
    let cleaned;
    let bytes = if nuls > 0 {
        if nuls * 100 > bytes.len() {
            return Err(ParseError::Binary(format!("{nuls} NUL bytes")));
        }
        notes.push(Warning::nul_bytes_removed(nuls));
        cleaned = bytes
            .iter()
            .copied()
            .filter(|&b| b != 0)
            .collect::<Vec<u8>>();
        &cleaned[..]
    } else {
        bytes
    };

    // Nearly every dump is valid UTF-8: a SIMD check says so several times faster than std's.
    if let Ok(text) = simdutf8::basic::from_utf8(bytes) {
        let counted = (nuls == 0).then_some(control);
        return finish(text.to_owned(), "UTF-8", notes, counted);
    }
    let broken = count_invalid_utf8(bytes);
    let multibyte = bytes.iter().filter(|&&b| b >= 0x80).count();
    if (broken as f64) < (multibyte.max(1) as f64) * MAX_BROKEN_UTF8_SHARE {
        notes.push(Warning::invalid_utf8(broken));
        let text = String::from_utf8_lossy(bytes).into_owned();
        return finish(text, "UTF-8", notes, None);
    }

    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    // Arabic pages that are not UTF-8 are nearly always windows-1256; let the detector say
    // otherwise only for what it is sure of, through its top-level-domain-free guess.
    let encoding = detector.guess(None, chardetng::Utf8Detection::Deny);
    let encoding = if encoding == UTF_8 {
        encoding_rs::WINDOWS_1256
    } else {
        encoding
    };
    let (text, _, had_errors) = encoding.decode(bytes);
    if had_errors {
        notes.push(Warning::invalid_bytes(encoding.name()));
    }
    finish(text.into_owned(), encoding.name(), notes, None)
}

/// A dump's text when its bytes are it as they are (valid UTF-8 with no byte order mark)
/// and hold a letter: [`decode`]'s answer but for the control codes, which are not counted,
/// and without a copy (the bytes become the text). The caller counts the control codes in
/// its own pass over the text (the line scan) and hands a dump that holds any to [`decode`]:
/// counted here too, they cost a second pass over the bytes (≈ 0.9 instruction a byte). Every
/// other dump is given back, for [`decode`] to read.
pub(super) fn utf8_uncounted(bytes: Vec<u8>) -> Result<Decoded, Vec<u8>> {
    if Encoding::for_bom(&bytes).is_some() {
        return Err(bytes);
    }
    let Ok(text) = simdutf8::basic::from_utf8(&bytes) else {
        return Err(bytes);
    };
    // A text with no letter is refused by `finish`, after its control codes: `decode` says which.
    if !text.chars().any(super::text::is_letter) {
        return Err(bytes);
    }
    // SAFETY: the bytes were just found to be valid UTF-8 (`String::from_utf8` would check them
    // again, a byte at a time: more than the copy it saves).
    let text = unsafe { String::from_utf8_unchecked(bytes) };
    Ok(Decoded {
        text,
        encoding: "UTF-8",
        notes: Vec::new(),
    })
}

fn count_invalid_utf8(mut bytes: &[u8]) -> usize {
    let mut broken = 0;
    loop {
        match std::str::from_utf8(bytes) {
            Ok(_) => return broken,
            Err(e) => {
                broken += 1;
                let skip = e.valid_up_to() + e.error_len().unwrap_or(bytes.len() - e.valid_up_to());
                bytes = &bytes[skip.min(bytes.len())..];
            }
        }
    }
}

/// Rejects text that decoded but is not prose: mostly control characters means binary.
/// `control` is their count when it was taken on the same bytes.
fn finish(
    text: String,
    encoding: &'static str,
    notes: Vec<Warning>,
    control: Option<usize>,
) -> Result<Decoded, ParseError> {
    let control = control.unwrap_or_else(|| count_control(text.as_bytes()));
    // The characters are counted only when some are control codes: nearly no text has one,
    // and the count cost more than the control codes' (≈ 0.65 instruction a byte).
    let total = if control == 0 {
        0
    } else {
        text.chars().count()
    };
    if control * 10 > total {
        return Err(ParseError::Binary(format!(
            "{control} of {total} characters are control codes or undecodable"
        )));
    }
    if !text.chars().any(super::text::is_letter) {
        return Err(ParseError::NoArticle("the file holds no letters".into()));
    }
    Ok(Decoded {
        text,
        encoding,
        notes,
    })
}

/// Control characters other than line and tab ones, and replacement characters: counted on
/// the UTF-8 bytes, where C0 controls and DEL are single bytes, C1 controls are `C2 80..9F`
/// and U+FFFD is `EF BF BD` (the two lead bytes are rare in Arabic text).
fn count_control(b: &[u8]) -> usize {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has just been found to have AVX2.
        return unsafe { count_control_avx2(b) };
    }
    count_control_blocks(b)
}

/// [`count_control_blocks`] compiled for AVX2: the same code, its block test 32 bytes at a time
/// with three-operand instructions (on SSE2, x86-64's baseline, it took ≈ 1.7 instructions a
/// byte).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn count_control_avx2(b: &[u8]) -> usize {
    count_control_blocks(b)
}

/// [`count_control`] of `b`'s bytes.
#[inline(always)]
fn count_control_blocks(b: &[u8]) -> usize {
    // Nearly no block holds a sequence that is one: each is tested whole, branch-free (the
    // compiler tests many bytes at a time), and only the rare blocks that may hold one are
    // counted byte by byte. (Counting every byte cost ≈ 2.3 instructions a byte.) A block is
    // tested with the byte after it, so that a pair is seen where its first byte ends a block.
    let mut count = 0;
    let mut at = 0;
    while let Some(window) = b[at..].first_chunk::<{ CONTROL_BLOCK + 1 }>() {
        if window[..CONTROL_BLOCK]
            .iter()
            .zip(&window[1..])
            .fold(false, |any, (&c, &n)| any | may_start_control(c, n))
        {
            count += count_control_in(b, at..at + CONTROL_BLOCK);
        }
        at += CONTROL_BLOCK;
    }
    count + count_control_in(b, at..b.len())
}

/// Bytes tested at once by [`count_control`].
const CONTROL_BLOCK: usize = 64;

/// Whether the byte `c`, followed by `n`, can start a sequence [`control_at`] counts: a C0
/// control but a line or tab one, DEL, a C1 control (`C2 80..9F`) and U+FFFD (`EF BF BD`).
/// Written with `&` and `|`, not `&&`, so that it compiles to vector compares.
///
/// The pair's second byte is looked at because `C2` and `EF` lead common characters too:
/// `C2 A0..BF` the no-break space, `«»`, `©`, `·`, and `EF AD..BB` the Arabic presentation
/// forms. Each block that held one was counted byte by byte (1,054 blocks of 64 bytes in the
/// first 200 dumps, ≈ 2 M instructions, notes/parser-bench.md, session 46).
#[inline(always)]
fn may_start_control(c: u8, n: u8) -> bool {
    (c < 0x20) & !(9..=13).contains(&c)
        | (c == 0x0b)
        | (c == 0x7f)
        | (c == 0xc2) & (n < 0xa0)
        | (c == 0xef) & (n == 0xbf)
}

/// How many control characters start in `b[range]`.
fn count_control_in(b: &[u8], range: std::ops::Range<usize>) -> usize {
    range.filter(|&i| control_at(b, i)).count()
}

/// Whether a control character or U+FFFD starts at `b[i]`.
fn control_at(b: &[u8], i: usize) -> bool {
    match b[i] {
        c @ ..0x20 => !matches!(c, b'\n' | b'\r' | b'\t' | 0x0c),
        0x7f => true,
        0xc2 => b.get(i + 1).is_some_and(|n| (0x80..=0x9f).contains(n)),
        0xef => b.get(i + 1..i + 3) == Some(&[0xbf, 0xbd][..]),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::text::is_control_code;

    const ARABIC: &str = "قال وزير الخارجية الروسي سيرجي لافروف إن روسيا والولايات المتحدة";

    #[test]
    fn utf8_with_and_without_bom() {
        let plain = decode(ARABIC.as_bytes()).unwrap();
        assert_eq!((plain.text.as_str(), plain.encoding), (ARABIC, "UTF-8"));
        let mut bom = b"\xef\xbb\xbf".to_vec();
        bom.extend_from_slice(ARABIC.as_bytes());
        let d = decode(&bom).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), (ARABIC, "UTF-8"));
    }

    #[test]
    fn windows_1256_is_detected() {
        let (bytes, _, _) = encoding_rs::WINDOWS_1256.encode(ARABIC);
        let d = decode(&bytes).unwrap();
        assert_eq!(d.encoding, "windows-1256");
        assert_eq!(d.text, ARABIC);
    }

    #[test]
    fn utf16_with_bom() {
        let mut bytes = vec![0xff, 0xfe];
        for unit in ARABIC.encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        let d = decode(&bytes).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), (ARABIC, "UTF-16LE"));
    }

    #[test]
    fn a_few_broken_bytes_stay_utf8() {
        let mut bytes = ARABIC.repeat(20).into_bytes();
        bytes.insert(40, 0xff);
        let d = decode(&bytes).unwrap();
        assert_eq!(d.encoding, "UTF-8");
        assert!(d.text.contains('\u{fffd}'));
        let codes: Vec<_> = d.notes.iter().map(|w| w.code).collect();
        assert_eq!(codes, [crate::parse::WarningCode::BytesReplaced]);
    }

    #[test]
    fn empty_binary_and_letterless_files_are_refused() {
        assert_eq!(decode(b"").unwrap_err(), ParseError::Empty);
        assert_eq!(decode(b" \r\n\t ").unwrap_err(), ParseError::Empty);
        assert!(matches!(
            decode(&[0u8, 1, 2, 3, 0, 0, 9, 0]),
            Err(ParseError::Binary(_))
        ));
        let png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06";
        assert!(matches!(decode(png), Err(ParseError::Binary(_))));
        assert!(matches!(
            decode(b"12:30 -- 45"),
            Err(ParseError::NoArticle(_))
        ));
    }

    /// The count on bytes is the count of characters, wherever the control codes fall against
    /// the blocks tested whole (at every offset, across a block's end).
    #[test]
    fn control_count_on_bytes_is_the_count_of_characters() {
        let text = "a\u{0}b\tc\n\r\u{c}\u{b}\u{1f}\u{7f}\u{80}\u{85}\u{9f}\u{a0}é\u{fffd}\u{fffc}\u{feff}ﻻ";
        let by_char = |t: &str| t.chars().filter(|&c| is_control_code(c)).count();
        assert_eq!(count_control(text.as_bytes()), by_char(text));
        assert_eq!(by_char(text), 8);
        for shift in 0..CONTROL_BLOCK + 1 {
            let t = format!("{}{}", "x".repeat(shift), text.repeat(5));
            // The path this CPU takes, and the baseline one.
            assert_eq!(count_control(t.as_bytes()), by_char(&t), "{shift}");
            assert_eq!(count_control_blocks(t.as_bytes()), by_char(&t), "{shift}");
        }
        // Every pair of bytes that starts a counted sequence stops the block test.
        for c in 0..=u8::MAX {
            for n in 0..=u8::MAX {
                if control_at(&[c, n, 0xbd], 0) {
                    assert!(may_start_control(c, n), "{c:#x} {n:#x}");
                }
            }
        }
        // The common characters that share a lead byte with one do not: a block of them is
        // not counted byte by byte.
        for common in ["\u{a0}", "«", "»", "©", "·", "ﻻ", "ﺏ", "\u{feff}"] {
            let b = common.as_bytes();
            assert!(!may_start_control(b[0], b[1]), "{common}");
        }
    }

    /// `decode` looks for NULs only in a dump whose control codes it counted: a NUL must be
    /// one, wherever it falls against the blocks.
    #[test]
    fn a_nul_is_a_control_code() {
        for shift in 0..2 * CONTROL_BLOCK {
            let mut bytes = ARABIC.repeat(4).into_bytes();
            bytes.insert(shift, 0);
            assert_eq!(count_control(&bytes), 1, "{shift}");
            let d = decode(&bytes).unwrap();
            assert_eq!(d.notes, [Warning::nul_bytes_removed(1)], "{shift}");
        }
    }

    #[test]
    fn stray_nuls_are_dropped() {
        let mut bytes = ARABIC.repeat(10).into_bytes();
        bytes.insert(0, 0);
        let d = decode(&bytes).unwrap();
        assert!(!d.text.contains('\0'));
        assert_eq!(d.notes, [Warning::nul_bytes_removed(1)]);
    }
}
