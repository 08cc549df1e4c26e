//! Strings read back from postcard as bytes checked by `simdutf8`, for `#[serde(deserialize_with)]`.
//!
//! Postcard writes a string and a byte string alike (a length, then the bytes), and its own
//! string reading checks them with `core::str::from_utf8`, whose fast path is ASCII only: on
//! Arabic text it goes byte by byte. Read as bytes and checked with SIMD, the same frames
//! decode to the same strings (bad UTF-8 is still refused). The store's parts use it (a
//! quarter of an export's instructions, notes/serve-bench.md, session 20), and so do the
//! records of the compiled archive (a third of `serve`'s start-up, session 22). Text formats
//! (JSON) hand their strings to the same visitor and read as before.

use std::fmt;

use serde::Deserializer;
use serde::de::{self, SeqAccess, Visitor};

/// One string, written as `String` is.
struct Utf8;

impl Visitor<'_> for Utf8 {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("UTF-8 bytes")
    }

    fn visit_bytes<E: de::Error>(self, bytes: &[u8]) -> Result<String, E> {
        checked(bytes).ok_or_else(|| E::invalid_value(de::Unexpected::Bytes(bytes), &self))
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<String, E> {
        Ok(s.to_owned())
    }
}

/// Inputs shorter than this simdutf8 hands to the standard check.
const SIMD_FROM: usize = 64;

/// `bytes` as a string if they are UTF-8. simdutf8 checks inputs under [`SIMD_FROM`] bytes
/// (most names, places and dates of a record) with the standard check, byte by byte on Arabic
/// (136 M instructions of `serve`'s 708 M start-up at 100,000, notes/build-bench.md, session
/// 28); such a string is checked padded with spaces to that length instead. The answer is the
/// same: a space neither ends a character begun before it nor starts an invalid one, so the
/// padded bytes are UTF-8 exactly when the string is, and the string ends on a character's
/// boundary. ASCII is checked first ([`ascii`]): each of the 28,000 warnings read from the
/// build cache at 100,000 holds a file's name.
fn checked(bytes: &[u8]) -> Option<String> {
    if let Some(text) = ascii(bytes) {
        return Some(text.to_owned());
    }
    if bytes.len() >= SIMD_FROM {
        return simdutf8::basic::from_utf8(bytes).ok().map(str::to_owned);
    }
    let mut padded = [b' '; SIMD_FROM];
    padded[..bytes.len()].copy_from_slice(bytes);
    let whole = simdutf8::basic::from_utf8(&padded).ok()?;
    whole.get(..bytes.len()).map(str::to_owned)
}

/// `bytes` as a string when they are ASCII, checked a word at a time: the standard check goes a
/// byte at a time through a short string not aligned to a word (≈ 130 instructions for a
/// file's name or an id, where this takes a few).
pub fn ascii(bytes: &[u8]) -> Option<&str> {
    // SAFETY: ASCII bytes are UTF-8.
    bytes
        .is_ascii()
        .then(|| unsafe { std::str::from_utf8_unchecked(bytes) })
}

/// A string element of a sequence.
struct Line(String);

impl<'de> de::Deserialize<'de> for Line {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Line, D::Error> {
        d.deserialize_bytes(Utf8).map(Line)
    }
}

pub fn string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    d.deserialize_bytes(Utf8)
}

pub fn lines<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    struct Lines;
    impl<'de> Visitor<'de> for Lines {
        type Value = Vec<String>;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a sequence of strings")
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<String>, A::Error> {
            // A corrupt length is not trusted for the allocation.
            let mut lines = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
            while let Some(Line(line)) = seq.next_element()? {
                lines.push(line);
            }
            Ok(lines)
        }
    }
    d.deserialize_seq(Lines)
}

/// An optional string, written as `Option<String>` is.
pub fn option<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    struct Maybe;
    impl<'de> Visitor<'de> for Maybe {
        type Value = Option<String>;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an optional string")
        }

        fn visit_none<E: de::Error>(self) -> Result<Option<String>, E> {
            Ok(None)
        }

        fn visit_unit<E: de::Error>(self) -> Result<Option<String>, E> {
            Ok(None)
        }

        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<String>, D::Error> {
            string(d).map(Some)
        }
    }
    d.deserialize_option(Maybe)
}

#[cfg(test)]
mod tests {
    use crate::parse::Article;

    fn article() -> Article {
        Article {
            id: "a1".into(),
            title: "عنوان \"مقتبس\"\nوسطر".into(),
            subtitle: Some("عنوان فرعي".into()),
            captions: vec!["تعليق".into(), String::new()],
            body: vec!["فقرة أولى".into()],
            encoding: "UTF-8".into(),
            ..Article::default()
        }
    }

    #[test]
    fn records_read_back_the_same_from_postcard_and_json() {
        let a = article();
        let bytes = postcard::to_allocvec(&a).unwrap();
        assert_eq!(postcard::from_bytes::<Article>(&bytes).unwrap(), a);
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(serde_json::from_str::<Article>(&json).unwrap(), a);
        // An absent optional field is none, as without this module.
        let mut value = serde_json::to_value(&a).unwrap();
        value.as_object_mut().unwrap().remove("subtitle");
        let back: Article = serde_json::from_value(value).unwrap();
        assert_eq!(back.subtitle, None);
    }

    #[test]
    fn a_short_string_is_checked_as_the_standard_check_does() {
        let arabic = "وكالة الأنباء – رويترز، ٢٠١٥ é 😀".as_bytes();
        let mut cases: Vec<Vec<u8>> = (0..=arabic.len().min(63))
            .map(|n| arabic[..n].to_vec())
            .collect();
        cases.extend(
            [
                &b"0123456789abcdef"[..],
                &b"000001_8ca8181166d22876.txt"[..],
                &b"a\x7f"[..],
            ]
            .map(<[u8]>::to_vec),
        );
        for bad in [0x80u8, 0xc0, 0xed, 0xf5, 0xff] {
            for at in [0, 5, 17] {
                let mut b = arabic[..40].to_vec();
                b[at] = bad;
                cases.push(b);
            }
        }
        // Surrogates and overlong forms, which only the full check refuses.
        cases.extend([
            vec![0xed, 0xa0, 0x80],
            vec![0xc0, 0xaf],
            vec![0xe0, 0x80, 0xaf],
        ]);
        for bytes in cases {
            assert!(bytes.len() < super::SIMD_FROM);
            let expected = std::str::from_utf8(&bytes).ok().map(str::to_owned);
            assert_eq!(super::checked(&bytes), expected, "{bytes:x?}");
        }
    }

    #[test]
    fn bad_utf8_is_refused() {
        let mut bytes = postcard::to_allocvec(&article()).unwrap();
        // The id's one byte after its length: 'a' becomes a lone continuation byte.
        let at = bytes.iter().position(|&b| b == b'a').unwrap();
        bytes[at] = 0x80;
        assert!(postcard::from_bytes::<Article>(&bytes).is_err());
    }
}
