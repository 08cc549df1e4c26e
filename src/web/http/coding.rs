//! Content codings: which one a client asked for (`Accept-Encoding`, q-values included), which
//! responses are worth compressing, and the gzip and brotli encoders the server and the
//! static export share.
//!
//! The rules follow tower-http's `CompressionLayer`, which the server used before bodies were
//! kept compressed (see `response_cache`): gzip and brotli, the highest q-value wins and brotli wins a
//! tie, a `*` stands for any coding not listed, nothing under 32 bytes, no images but SVG, no
//! fonts (woff2 is compressed already). One difference: when a client refuses every coding
//! including identity, it gets identity rather than a 406, which RFC 9110 §12.5.3 allows.

use super::encoders;

use axum::http::{HeaderMap, HeaderValue, header};

/// A content coding the server can send.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Coding {
    Identity,
    Gzip,
    Brotli,
}

impl Coding {
    /// The `Content-Encoding` token (and the export's file suffix without the dot, but for
    /// brotli's `br`).
    pub fn token(self) -> &'static str {
        match self {
            Coding::Identity => "identity",
            Coding::Gzip => "gzip",
            Coding::Brotli => "br",
        }
    }

    pub fn header_value(self) -> HeaderValue {
        HeaderValue::from_static(self.token())
    }

    fn parse(token: &str) -> Option<Coding> {
        if token.eq_ignore_ascii_case("gzip") || token.eq_ignore_ascii_case("x-gzip") {
            Some(Coding::Gzip)
        } else if token.eq_ignore_ascii_case("br") {
            Some(Coding::Brotli)
        } else if token.eq_ignore_ascii_case("identity") {
            Some(Coding::Identity)
        } else {
            None
        }
    }
}

/// A q-value in thousandths (`q=0.5` is 500); `None` when malformed (RFC 9110 §12.4.2).
fn qvalue(param: &str) -> Option<u16> {
    let value = param
        .trim()
        .strip_prefix(['q', 'Q'])?
        .trim_start()
        .strip_prefix('=')?
        .trim();
    let (whole, fraction) = value.split_once('.').unwrap_or((value, ""));
    if fraction.len() > 3 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let thousandths = match whole {
        "0" => 0,
        "1" => 1000,
        _ => return None,
    } + fraction
        .bytes()
        .zip([100, 10, 1])
        .map(|(b, scale)| u16::from(b - b'0') * scale)
        .sum::<u16>();
    (thousandths <= 1000).then_some(thousandths)
}

/// The coding to send a client whose request carries `headers`.
pub fn negotiate(headers: &HeaderMap) -> Coding {
    let mut listed: [Option<u16>; 3] = [None; 3];
    let mut wildcard = None;
    let mut any = false;
    for value in headers.get_all(header::ACCEPT_ENCODING) {
        let Ok(value) = value.to_str() else { continue };
        for item in value.split(',') {
            let mut parts = item.split(';');
            let token = parts.next().unwrap_or_default().trim();
            if token.is_empty() {
                continue;
            }
            // An unreadable q-value drops the item, as tower-http does.
            let q = match parts.next() {
                Some(param) => match qvalue(param) {
                    Some(q) => q,
                    None => continue,
                },
                None => 1000,
            };
            any = true;
            if token == "*" {
                wildcard = Some(q);
            } else if let Some(coding) = Coding::parse(token) {
                listed[coding as usize] = Some(q);
            }
        }
    }
    if !any {
        return Coding::Identity;
    }
    [Coding::Identity, Coding::Gzip, Coding::Brotli]
        .into_iter()
        .filter_map(|c| {
            let q = listed[c as usize].or(wildcard)?;
            (q > 0).then_some((q, c))
        })
        .max()
        .map_or(Coding::Identity, |(_, c)| c)
}

/// Whether a body of `len` bytes of `content_type` is worth compressing.
pub fn compressible(content_type: &str, len: usize) -> bool {
    const NOT: [&str; 5] = [
        "image/",
        "font/",
        "application/grpc",
        "text/event-stream",
        // The archive's download is gzip already.
        "application/gzip",
    ];
    if len < 32 {
        return false;
    }
    if content_type.starts_with("image/svg+xml") {
        return true;
    }
    !NOT.iter().any(|prefix| content_type.starts_with(prefix))
}

/// How hard each coding compresses: gzip's level (1 to 9) and brotli's quality (0 to 11).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Levels {
    pub gzip: u32,
    pub brotli: u32,
}

/// The levels of the bodies the server keeps, each made the first time a reader asks for it
/// (so that reader waits for it). On the archive's 20 KB pages (measured on this crate's
/// encoders, see `notes/serve-bench.md`), brotli 5 takes about 1.5 ms and gives 2% more
/// bytes than 9 (ten times slower) and 13% more than 11 (forty times slower).
pub const SERVER_LEVELS: Levels = Levels { gzip: 9, brotli: 5 };

/// `body` in `coding` (identity returns it as it is), at `levels`.
pub fn encode(coding: Coding, body: &[u8], levels: Levels) -> Vec<u8> {
    match coding {
        Coding::Identity => body.to_vec(),
        Coding::Gzip => encoders::gzip(body, levels.gzip),
        Coding::Brotli => encoders::brotli(body, levels.brotli),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pick(accept: &str) -> Coding {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT_ENCODING, accept.parse().unwrap());
        negotiate(&h)
    }

    #[test]
    fn the_highest_q_value_wins_and_brotli_wins_a_tie() {
        assert_eq!(negotiate(&HeaderMap::new()), Coding::Identity);
        for (accept, coding) in [
            ("gzip", Coding::Gzip),
            ("x-gzip", Coding::Gzip),
            ("br", Coding::Brotli),
            ("gzip, deflate, br, zstd", Coding::Brotli),
            ("gzip;q=1, br;q=0.5", Coding::Gzip),
            ("br;q=0.999, gzip;q=1.0", Coding::Gzip),
            ("GZIP ; Q=0.3, identity;q=0.2", Coding::Gzip),
            ("br;q=0, gzip;q=0", Coding::Identity),
            ("identity", Coding::Identity),
            ("deflate", Coding::Identity),
            ("*", Coding::Brotli),
            ("*;q=0.5, gzip", Coding::Gzip),
            ("br;q=0, *", Coding::Gzip),
            // Nothing acceptable: identity rather than a 406.
            ("identity;q=0", Coding::Identity),
            ("*;q=0", Coding::Identity),
            // A malformed q-value drops its item only.
            ("br;q=2, gzip", Coding::Gzip),
            ("br;q=0.1234, gzip;q=0.5", Coding::Gzip),
            ("br;level=5, gzip;q=0.5", Coding::Gzip),
        ] {
            assert_eq!(pick(accept), coding, "{accept}");
        }
    }

    #[test]
    fn what_is_worth_compressing() {
        assert!(compressible("text/html; charset=utf-8", 100));
        assert!(compressible("image/svg+xml", 100));
        assert!(!compressible("text/html; charset=utf-8", 31));
        assert!(!compressible("font/woff2", 10_000));
        assert!(!compressible("image/png", 10_000));
    }

    #[test]
    fn both_codings_decode_to_the_body() {
        use std::io::Read;
        let body = "<p>نص عربي مكرر</p>\n".repeat(200);
        for levels in [
            SERVER_LEVELS,
            Levels {
                gzip: 1,
                brotli: 11,
            },
        ] {
            let gz = encode(Coding::Gzip, body.as_bytes(), levels);
            let mut out = String::new();
            flate2::read::GzDecoder::new(gz.as_slice())
                .read_to_string(&mut out)
                .unwrap();
            assert_eq!(out, body);
            let br = encode(Coding::Brotli, body.as_bytes(), levels);
            let mut out = String::new();
            brotli::Decompressor::new(br.as_slice(), 4096)
                .read_to_string(&mut out)
                .unwrap();
            assert_eq!(out, body);
            assert!(br.len() < body.len() / 4 && gz.len() < body.len() / 4);
        }
    }
}
