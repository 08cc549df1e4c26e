//! The pages of a WARC crawl: each `response` record with HTTP status 200 and an HTML body
//! (or a `resource` record of HTML), with its address, capture date and HTTP charset. Every
//! other record is skipped and counted by [`Skip`] kind; damage is reported by offset.

mod http;
mod reader;

use std::io::{BufRead, Seek};

use serde::{Deserialize, Serialize};

pub use http::{HttpError, media_type};
pub use reader::{Problem, WarcError};

use super::html::charset_param;
use crate::parse::Date;

/// One HTML page a crawl fetched.
#[derive(Debug)]
pub struct Fetched {
    /// The record's offset in the file.
    pub offset: u64,
    /// `WARC-Target-URI`.
    pub target: String,
    /// `WARC-Date`: when it was fetched.
    pub date: Option<Date>,
    /// The charset the HTTP header named.
    pub charset: Option<String>,
    /// The HTML, as served (transfer and content codings undone).
    pub body: Vec<u8>,
}

/// Why a record is not a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Skip {
    Warcinfo,
    Request,
    Metadata,
    /// A `resource` record that is not HTML (wget's log, its arguments).
    Resource,
    /// A `revisit` record: the same content as an earlier capture.
    Revisit,
    /// A response with a 3xx status.
    Redirect,
    /// A response with another status than 200 (404, 500…).
    ErrorStatus,
    Image,
    Script,
    Style,
    Font,
    /// Audio or video.
    Media,
    /// Any other non-HTML body (JSON, XML, PDF, plain text…).
    Document,
    /// A record too large to be a page.
    TooLarge,
    /// `conversion`, `continuation`, or a record type the standard does not name.
    Other,
}

impl Skip {
    /// The kind as the build report names it.
    pub fn label(self) -> &'static str {
        match self {
            Skip::Warcinfo => "warcinfo",
            Skip::Request => "request",
            Skip::Metadata => "metadata",
            Skip::Resource => "resource",
            Skip::Revisit => "revisit",
            Skip::Redirect => "redirect",
            Skip::ErrorStatus => "error status",
            Skip::Image => "image",
            Skip::Script => "script",
            Skip::Style => "style",
            Skip::Font => "font",
            Skip::Media => "audio/video",
            Skip::Document => "other document",
            Skip::TooLarge => "too large",
            Skip::Other => "other record",
        }
    }
}

/// What one record of a crawl is.
#[derive(Debug)]
pub enum Item {
    Page(Fetched),
    Skipped(Skip),
    Broken(WarcError),
}

/// The records of a crawl, read as a stream: each block is read only when it may be a page,
/// and a page may be at most `limit` bytes.
pub fn items<R: BufRead + Seek>(reader: R, limit: usize) -> impl Iterator<Item = Item> {
    // Room for the HTTP header around a body at the limit.
    let block_limit = limit as u64 + 64 * 1024;
    reader::Records::new(reader, may_be_page, block_limit).map(move |r| match r {
        Ok(record) => classify(record, limit),
        Err(e) => Item::Broken(e),
    })
}

fn record_type(headers: &[(String, String)]) -> String {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("warc-type"))
        .map(|(_, v)| v.trim().to_ascii_lowercase())
        .unwrap_or_default()
}

fn may_be_page(headers: &[(String, String)]) -> bool {
    matches!(record_type(headers).as_str(), "response" | "resource")
}

fn classify(record: reader::RawRecord, limit: usize) -> Item {
    let kind = record_type(&record.headers);
    let skip = match kind.as_str() {
        "warcinfo" => Skip::Warcinfo,
        "request" => Skip::Request,
        "metadata" => Skip::Metadata,
        "revisit" => Skip::Revisit,
        "response" | "resource" => {
            let Some(block) = &record.block else {
                return Item::Skipped(Skip::TooLarge);
            };
            let page = if kind == "response" {
                response_page(&record, block, limit)
            } else {
                resource_page(&record, block)
            };
            match page {
                Ok(fetched) => return Item::Page(fetched),
                Err(item) => return item,
            }
        }
        _ => Skip::Other,
    };
    Item::Skipped(skip)
}

fn target(record: &reader::RawRecord) -> String {
    // wget writes the address in angle brackets (the WARC 1.0 grammar's), others bare.
    let t = record.header("warc-target-uri").unwrap_or("").trim();
    t.strip_prefix('<')
        .and_then(|t| t.strip_suffix('>'))
        .unwrap_or(t)
        .to_string()
}

fn fetched(record: &reader::RawRecord, charset: Option<String>, body: Vec<u8>) -> Fetched {
    Fetched {
        offset: record.offset,
        target: target(record),
        date: record.header("warc-date").and_then(|d| Date::parse(d).ok()),
        charset,
        body,
    }
}

fn response_page(record: &reader::RawRecord, block: &[u8], limit: usize) -> Result<Fetched, Item> {
    let response = match http::parse(block, limit) {
        Ok(r) => r,
        Err(HttpError::TooLarge(_)) => return Err(Item::Skipped(Skip::TooLarge)),
        Err(e) => {
            return Err(Item::Broken(WarcError {
                offset: record.offset,
                problem: Problem::BadHeader(format!("its HTTP response: {e}")),
            }));
        }
    };
    match response.status {
        200 => {}
        300..=399 => return Err(Item::Skipped(Skip::Redirect)),
        _ => return Err(Item::Skipped(Skip::ErrorStatus)),
    }
    let media = response.media_type();
    let skip = match media.as_deref() {
        None if looks_like_html(&response.body) => None,
        None => Some(Skip::Document),
        Some(m) => body_kind(m),
    };
    if let Some(skip) = skip {
        return Err(Item::Skipped(skip));
    }
    let charset = response
        .header("content-type")
        .and_then(charset_param)
        .map(str::to_string);
    Ok(fetched(record, charset, response.body))
}

fn resource_page(record: &reader::RawRecord, block: &[u8]) -> Result<Fetched, Item> {
    let content_type = record.header("content-type").unwrap_or("");
    let html = match media_type(content_type) {
        Some(m) => body_kind(&m).is_none(),
        None => looks_like_html(block),
    };
    if !html {
        return Err(Item::Skipped(Skip::Resource));
    }
    Ok(fetched(
        record,
        charset_param(content_type).map(str::to_string),
        block.to_vec(),
    ))
}

/// `None` for HTML, else what the media type is.
fn body_kind(media: &str) -> Option<Skip> {
    let (major, minor) = media.split_once('/').unwrap_or((media, ""));
    match (major, minor) {
        ("text", "html") | ("application", "xhtml+xml") => None,
        ("image", _) => Some(Skip::Image),
        ("text", "css") => Some(Skip::Style),
        (_, m) if m.contains("javascript") || m.contains("ecmascript") => Some(Skip::Script),
        ("font", _) => Some(Skip::Font),
        (_, m) if m.contains("font") => Some(Skip::Font),
        ("audio" | "video", _) => Some(Skip::Media),
        _ => Some(Skip::Document),
    }
}

/// A body served without a media type that begins like an HTML document.
fn looks_like_html(body: &[u8]) -> bool {
    let start = body
        .strip_prefix(b"\xef\xbb\xbf")
        .unwrap_or(body)
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(0);
    let head: Vec<u8> = body[start..body.len().min(start + 15)].to_ascii_lowercase();
    head.starts_with(b"<!doctype html") || head.starts_with(b"<html")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn record(kind: &str, extra: &str, block: &[u8]) -> Vec<u8> {
        let mut r = format!(
            "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: <https://example.com/a>\r\nWARC-Date: 2024-01-02T03:04:05Z\r\n{extra}Content-Length: {}\r\n\r\n",
            block.len()
        )
        .into_bytes();
        r.extend_from_slice(block);
        r.extend_from_slice(b"\r\n\r\n");
        r
    }

    fn response(status: &str, headers: &str, body: &[u8]) -> Vec<u8> {
        let mut b = format!("HTTP/1.1 {status}\r\n{headers}\r\n").into_bytes();
        b.extend_from_slice(body);
        record("response", "", &b)
    }

    fn read(bytes: Vec<u8>) -> Vec<Item> {
        items(Cursor::new(bytes), 1 << 20).collect()
    }

    fn skips(items: &[Item]) -> Vec<Skip> {
        items
            .iter()
            .filter_map(|i| match i {
                Item::Skipped(s) => Some(*s),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_page_with_its_address_date_and_header_charset() {
        let got = read(response(
            "200 OK",
            "Content-Type: text/html; charset=windows-1256\r\n",
            b"<p>x</p>",
        ));
        let [Item::Page(p)] = &got[..] else {
            panic!("{got:?}")
        };
        assert_eq!(p.target, "https://example.com/a");
        assert_eq!(p.date.unwrap().to_string(), "2024-01-02T03:04:05+00:00");
        assert_eq!(p.charset.as_deref(), Some("windows-1256"));
        assert_eq!(p.body, b"<p>x</p>");
    }

    #[test]
    fn everything_else_is_counted_by_kind() {
        let bytes = [
            record("warcinfo", "", b"software: wget"),
            record("request", "", b"GET /a HTTP/1.1\r\n\r\n"),
            record("metadata", "", b"x"),
            record("revisit", "", b"HTTP/1.1 200 OK\r\n\r\n"),
            record("resource", "Content-Type: text/plain\r\n", b"log"),
            record("conversion", "", b"x"),
            response("301 Moved Permanently", "Location: /b\r\n", b""),
            response(
                "404 Not Found",
                "Content-Type: text/html\r\n",
                b"<p>gone</p>",
            ),
            response("200 OK", "Content-Type: image/png\r\n", b"\x89PNG"),
            response("200 OK", "Content-Type: application/javascript\r\n", b"f()"),
            response("200 OK", "Content-Type: text/css\r\n", b"p{}"),
            response("200 OK", "Content-Type: font/woff2\r\n", b"w"),
            response("200 OK", "Content-Type: video/mp4\r\n", b"v"),
            response("200 OK", "Content-Type: application/json\r\n", b"{}"),
        ]
        .concat();
        let got = read(bytes);
        assert!(got.iter().all(|i| matches!(i, Item::Skipped(_))), "{got:?}");
        assert_eq!(
            skips(&got),
            [
                Skip::Warcinfo,
                Skip::Request,
                Skip::Metadata,
                Skip::Revisit,
                Skip::Resource,
                Skip::Other,
                Skip::Redirect,
                Skip::ErrorStatus,
                Skip::Image,
                Skip::Script,
                Skip::Style,
                Skip::Font,
                Skip::Media,
                Skip::Document,
            ]
        );
    }

    #[test]
    fn html_without_a_media_type_and_html_resources_are_pages() {
        let got = read(
            [
                response("200 OK", "", b"\n<!DOCTYPE html><p>x</p>"),
                record(
                    "resource",
                    "Content-Type: text/html; charset=utf-8\r\n",
                    b"<p>y</p>",
                ),
                response("200 OK", "", b"{\"a\":1}"),
            ]
            .concat(),
        );
        assert!(matches!(got[0], Item::Page(_)));
        assert!(matches!(&got[1], Item::Page(p) if p.charset.as_deref() == Some("utf-8")));
        assert!(matches!(got[2], Item::Skipped(Skip::Document)));
    }

    #[test]
    fn a_response_without_http_is_reported_and_reading_goes_on() {
        let got = read(
            [
                record("response", "", b"<html>no status line</html>"),
                response("200 OK", "Content-Type: text/html\r\n", b"<p>x</p>"),
            ]
            .concat(),
        );
        assert!(matches!(&got[0], Item::Broken(e) if e.offset == 0));
        assert!(matches!(got[1], Item::Page(_)));
    }

    #[test]
    fn oversized_pages_are_skipped_as_too_large() {
        let big = response(
            "200 OK",
            "Content-Type: text/html\r\n",
            &vec![b'a'; 2 << 20],
        );
        assert_eq!(skips(&read(big)), [Skip::TooLarge]);
    }
}
