//! The HTTP response a WARC `response` record holds, as the crawler received it: status line,
//! headers, and the body with its transfer coding (chunked) and content coding (gzip,
//! deflate, br) undone.

use std::io::Read;

/// A response's status, headers and decoded body.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// Why a record's HTTP message cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HttpError {
    #[error("no HTTP status line")]
    NoStatusLine,
    #[error("the HTTP headers do not end")]
    UnendedHeaders,
    #[error("the body's {0} coding does not decode")]
    Coding(String),
    #[error("the decoded body is over {0} bytes")]
    TooLarge(usize),
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The media type, lower-cased, without parameters (`text/html`).
    pub fn media_type(&self) -> Option<String> {
        media_type(self.header("content-type")?)
    }
}

/// The media type of a `Content-Type` value, lower-cased, parameters dropped.
pub fn media_type(content_type: &str) -> Option<String> {
    let t = content_type.split(';').next()?.trim().to_ascii_lowercase();
    (!t.is_empty()).then_some(t)
}

/// Parses an HTTP response; the decoded body may be at most `limit` bytes.
pub fn parse(block: &[u8], limit: usize) -> Result<Response, HttpError> {
    let (status_line, mut rest) = split_line(block).ok_or(HttpError::NoStatusLine)?;
    let mut words = status_line.split(|&b| b == b' ').filter(|w| !w.is_empty());
    let version = words.next().ok_or(HttpError::NoStatusLine)?;
    if !version.starts_with(b"HTTP/") {
        return Err(HttpError::NoStatusLine);
    }
    let status = words
        .next()
        .and_then(|c| std::str::from_utf8(c).ok())
        .and_then(|c| c.parse::<u16>().ok())
        .filter(|c| (100..1000).contains(c))
        .ok_or(HttpError::NoStatusLine)?;
    let mut headers = Vec::new();
    loop {
        let (line, next) = split_line(rest).ok_or(HttpError::UnendedHeaders)?;
        rest = next;
        if line.is_empty() {
            break;
        }
        let line = String::from_utf8_lossy(line);
        if let Some((name, value)) = line.split_once(':') {
            headers.push((name.trim().to_string(), value.trim().to_string()));
        }
    }
    let mut response = Response {
        status,
        headers,
        body: Vec::new(),
    };
    let chunked = response
        .header("transfer-encoding")
        .is_some_and(|t| t.to_ascii_lowercase().contains("chunked"));
    let body = match chunked.then(|| dechunk(rest)).flatten() {
        Some(b) => b,
        // Some archivers store the body already de-chunked under the original header.
        None => rest.to_vec(),
    };
    let coding = response
        .header("content-encoding")
        .map(|c| c.trim().to_ascii_lowercase())
        .unwrap_or_default();
    response.body = decode(body, &coding, limit)?;
    if response.body.len() > limit {
        return Err(HttpError::TooLarge(limit));
    }
    Ok(response)
}

/// The line up to `\n` (its `\r` dropped) and what follows; `None` when there is no `\n`.
fn split_line(b: &[u8]) -> Option<(&[u8], &[u8])> {
    let end = memchr::memchr(b'\n', b)?;
    let line = &b[..end];
    Some((line.strip_suffix(b"\r").unwrap_or(line), &b[end + 1..]))
}

/// Undoes chunked transfer coding; `None` when `b` is not chunked after all. A message cut
/// off inside a chunk keeps what arrived.
fn dechunk(mut b: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(b.len());
    let mut first = true;
    loop {
        let Some((line, rest)) = split_line(b) else {
            return (!first).then_some(out);
        };
        let size = line.split(|&c| c == b';').next().unwrap_or_default();
        let size = std::str::from_utf8(size).ok()?.trim();
        let Ok(size) = usize::from_str_radix(size, 16) else {
            return (!first).then_some(out);
        };
        first = false;
        if size == 0 {
            return Some(out);
        }
        let take = size.min(rest.len());
        out.extend_from_slice(&rest[..take]);
        if take < size {
            return Some(out);
        }
        b = &rest[take..];
        b = b
            .strip_prefix(b"\r\n")
            .or_else(|| b.strip_prefix(b"\n"))
            .unwrap_or(b);
    }
}

fn decode(body: Vec<u8>, coding: &str, limit: usize) -> Result<Vec<u8>, HttpError> {
    let cap = limit as u64 + 1;
    let mut out = Vec::new();
    let result = match coding {
        "" | "identity" | "none" => return Ok(body),
        "gzip" | "x-gzip" => flate2::read::MultiGzDecoder::new(&body[..])
            .take(cap)
            .read_to_end(&mut out),
        "deflate" => {
            // `deflate` is meant to be zlib-wrapped; many servers send it raw.
            let zlib = flate2::read::ZlibDecoder::new(&body[..])
                .take(cap)
                .read_to_end(&mut out);
            if zlib.is_err() {
                out.clear();
                flate2::read::DeflateDecoder::new(&body[..])
                    .take(cap)
                    .read_to_end(&mut out)
            } else {
                zlib
            }
        }
        "br" => brotli::Decompressor::new(&body[..], 4096)
            .take(cap)
            .read_to_end(&mut out),
        other => return Err(HttpError::Coding(other.to_string())),
    };
    match result {
        Ok(_) if out.len() as u64 >= cap => Err(HttpError::TooLarge(limit)),
        Ok(_) => Ok(out),
        Err(_) => Err(HttpError::Coding(coding.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    const LIMIT: usize = 1 << 20;

    #[test]
    fn status_headers_and_body() {
        let r = parse(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=windows-1256\r\nX: a:b\r\n\r\n<p>x</p>",
            LIMIT,
        )
        .unwrap();
        assert_eq!(r.status, 200);
        assert_eq!(
            r.header("content-type"),
            Some("text/html; charset=windows-1256")
        );
        assert_eq!(r.media_type().as_deref(), Some("text/html"));
        assert_eq!(r.header("x"), Some("a:b"));
        assert_eq!(r.body, b"<p>x</p>");
        let bare = parse(b"HTTP/1.0 301 Moved\nLocation: /b\n\n", LIMIT).unwrap();
        assert_eq!((bare.status, bare.body.len()), (301, 0));
    }

    #[test]
    fn chunked_bodies_are_joined() {
        let r = parse(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\n<p>\xd8\r\n3\r\n\xa3</\r\n2\r\np>\r\n0\r\n\r\n",
            LIMIT,
        )
        .unwrap();
        assert_eq!(r.body, "<p>أ</p>".as_bytes());
        // Stored de-chunked under the original header: taken as it is.
        let plain = parse(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n<p>x</p>",
            LIMIT,
        )
        .unwrap();
        assert_eq!(plain.body, b"<p>x</p>");
        // Cut off inside a chunk: what arrived.
        let cut = parse(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n<p>x",
            LIMIT,
        )
        .unwrap();
        assert_eq!(cut.body, b"<p>x");
    }

    #[test]
    fn content_codings_are_undone() {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all("<p>خبر</p>".as_bytes()).unwrap();
        let mut block = b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n".to_vec();
        block.extend(gz.finish().unwrap());
        assert_eq!(parse(&block, LIMIT).unwrap().body, "<p>خبر</p>".as_bytes());
        let mut raw = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
        raw.write_all(b"<p>x</p>").unwrap();
        let mut block = b"HTTP/1.1 200 OK\r\nContent-Encoding: deflate\r\n\r\n".to_vec();
        block.extend(raw.finish().unwrap());
        assert_eq!(parse(&block, LIMIT).unwrap().body, b"<p>x</p>");
        let bad = parse(
            b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\nnot gzip",
            LIMIT,
        );
        assert_eq!(bad.unwrap_err(), HttpError::Coding("gzip".into()));
    }

    #[test]
    fn a_compression_bomb_stops_at_the_limit() {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(&vec![b'a'; 4 * LIMIT]).unwrap();
        let mut block = b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n".to_vec();
        block.extend(gz.finish().unwrap());
        assert_eq!(
            parse(&block, LIMIT).unwrap_err(),
            HttpError::TooLarge(LIMIT)
        );
    }

    #[test]
    fn not_http() {
        for b in [
            &b""[..],
            b"<html>",
            b"HTTP/1.1 abc OK\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nA: b",
        ] {
            assert!(parse(b, LIMIT).is_err(), "{:?}", String::from_utf8_lossy(b));
        }
    }
}
