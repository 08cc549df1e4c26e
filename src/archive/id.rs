//! Permanent ids: the part of a link that must never change once given.

use crate::stable_hash::stable_hash;

/// The id of the dump named `file_name`: the hex part of `NNN_<hex>.txt`, else a slug of the
/// file stem. It depends on the name alone, so adding other files never changes it.
pub fn from_file_name(file_name: &str) -> String {
    // One pass over the bytes, not two searches and a check of each half: a listing asks
    // this of every file (a million at the largest, ≈ 800 instructions a name before).
    let bytes = file_name.as_bytes();
    let stem_len = bytes
        .iter()
        .rposition(|&b| b == b'.')
        .unwrap_or(bytes.len());
    let stem = &file_name[..stem_len];
    let digits = stem.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 && stem.as_bytes().get(digits) == Some(&b'_') {
        let hex = &stem[digits + 1..];
        if !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return hex.to_ascii_lowercase();
        }
    }
    slug(stem)
}

/// The id of an article crawled from `url`: 16 hex digits of the stable hash of the URL's
/// normal form ([`crate::capture::address::normal`]), the shape of the numbered dumps' ids.
/// It depends on the address alone, not on the file or the order records are read in, so
/// the same page captured twice is one article. `None` for what is not a web address.
pub fn from_url(url: &str) -> Option<String> {
    let normal = crate::capture::address::normal(url)?;
    Some(format!("{:016x}", stable_hash(normal.as_bytes())))
}

/// An id read back as the build cache holds it, `None` if its bytes are not UTF-8. Checked as
/// ASCII first: a numbered dump's or a crawled page's id is 16 hex digits, a few instructions
/// where `str::from_utf8` took ≈ 130 (a million ids read at each `+1`).
pub fn from_bytes(bytes: &[u8]) -> Option<&str> {
    crate::serde_utf8::ascii(bytes).or_else(|| std::str::from_utf8(bytes).ok())
}

/// Letters and digits of any script kept (lower-cased), every other run folded to one `-`.
fn slug(stem: &str) -> String {
    let mut out = String::with_capacity(stem.len());
    for c in stem.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() {
        // A stem of only punctuation still needs a stable, URL-safe id.
        out = format!("dump-{:016x}", stable_hash(stem.as_bytes()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_part_of_numbered_names() {
        assert_eq!(
            from_file_name("000_0123456789abcdef.txt"),
            "0123456789abcdef"
        );
        assert_eq!(from_file_name("12_ABCDEF.txt"), "abcdef");
        assert_eq!(from_file_name("7_00ff.warc.gz"), "7-00ff-warc");
        assert_eq!(from_file_name("7_00ff"), "00ff");
        assert_eq!(from_file_name("7_00ff_1.txt"), "7-00ff-1");
    }

    #[test]
    fn numbered_or_not_as_two_searches_decided() {
        // The rule as it was first written: the stem before the last dot, split at the
        // first underscore, digits then hex digits.
        fn two_searches(file_name: &str) -> String {
            let stem = file_name.rsplit_once('.').map_or(file_name, |(s, _)| s);
            if let Some((number, hex)) = stem.split_once('_') {
                let is_hex = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_hexdigit());
                if !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()) && is_hex(hex) {
                    return hex.to_ascii_lowercase();
                }
            }
            slug(stem)
        }
        let parts = [
            "", "0", "12", "_", ".", "ab", "AF", "g", "٣", "خبر", ".txt", "_x",
        ];
        for a in parts {
            for b in parts {
                for c in parts {
                    let name = format!("{a}{b}{c}");
                    assert_eq!(from_file_name(&name), two_searches(&name), "{name:?}");
                }
            }
        }
    }

    #[test]
    fn slug_for_other_names() {
        assert_eq!(
            from_file_name("001_arabic.sputniknews.com.txt"),
            "001-arabic-sputniknews-com"
        );
        assert_eq!(from_file_name("My Page (2).txt"), "my-page-2");
        assert_eq!(from_file_name("خبر عاجل.txt"), "خبر-عاجل");
        assert_eq!(from_file_name("_x_.txt"), "x");
    }

    #[test]
    fn one_id_per_address_whatever_its_spelling() {
        let id = from_url("https://www.example.com/news/2020/11/2338761/").unwrap();
        assert_eq!(id.len(), 16);
        assert_eq!(
            from_url("http://example.com/news/2020/11/2338761?utm_source=rss").unwrap(),
            id
        );
        assert_ne!(
            from_url("https://example.com/news/2020/11/2338762").unwrap(),
            id
        );
        // The value is kept in links: it must never change.
        assert_eq!(
            from_url("https://example.com/a").unwrap(),
            format!("{:016x}", stable_hash(b"https://example.com/a"))
        );
        assert_eq!(from_url("mailto:x@example.com"), None);
    }

    #[test]
    fn ids_read_back_from_bytes_are_checked_as_text() {
        assert_eq!(from_bytes(b"0123456789abcdef"), Some("0123456789abcdef"));
        assert_eq!(from_bytes("خبر-عاجل".as_bytes()), Some("خبر-عاجل"));
        assert_eq!(from_bytes(b""), Some(""));
        assert_eq!(from_bytes(b"ab\xffcd"), None);
        assert_eq!(
            from_bytes(&"خبر".as_bytes()[..3]),
            None,
            "cut inside a letter"
        );
    }

    #[test]
    fn punctuation_only_stem_gets_a_stable_id() {
        // The value itself is in existing archives' URLs: it must not change.
        assert_eq!(from_file_name("---.txt"), "dump-de7cc417de1b3246");
    }
}
