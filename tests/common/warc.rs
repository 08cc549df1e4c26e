//! WARC records and pages made by hand, for the tests of crawls as input.

use std::io::Write;

/// A WARC record of `kind` for `uri`, captured at `date`, holding `block`.
pub fn record(kind: &str, uri: &str, date: &str, block: &[u8]) -> Vec<u8> {
    let mut r = format!(
        "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: <{uri}>\r\nWARC-Date: {date}\r\nContent-Type: application/http;msgtype=response\r\nContent-Length: {}\r\n\r\n",
        block.len()
    )
    .into_bytes();
    r.extend_from_slice(block);
    r.extend_from_slice(b"\r\n\r\n");
    r
}

/// An HTTP response of `status` with `headers` (each ending in CRLF) and `body`.
pub fn http(status: &str, headers: &str, body: &[u8]) -> Vec<u8> {
    let mut b = format!("HTTP/1.1 {status}\r\n{headers}\r\n").into_bytes();
    b.extend_from_slice(body);
    b
}

/// A `200 OK` HTML response record for `uri` at `date`.
pub fn page(uri: &str, date: &str, html: &[u8]) -> Vec<u8> {
    record(
        "response",
        uri,
        date,
        &http("200 OK", "Content-Type: text/html; charset=UTF-8\r\n", html),
    )
}

/// `data` as one gzip member (a `.warc.gz` is one member per record).
pub fn gz(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// A text dump as the simplest page that renders back to it: its first line the `<title>`,
/// every other line a paragraph.
pub fn html_of_dump(text: &str) -> String {
    let escape = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let mut lines = text.lines();
    let title = escape(lines.next().unwrap_or_default());
    let mut html = format!(
        "<!doctype html>\n<html lang=\"ar\"><head><meta charset=\"utf-8\"><title>{title}</title></head><body>\n"
    );
    for line in lines.filter(|l| !l.trim().is_empty()) {
        html += &format!("<p>{}</p>\n", escape(line));
    }
    html + "</body></html>\n"
}
