//! Which encoding a saved page is in, in the order browsers settle it: a byte order mark, the
//! charset of the HTTP header it was served with, the page's own `<meta charset>`, and else
//! detection (the dump decoder's: UTF-8 when it is, otherwise `chardetng`).

use encoding_rs::{Encoding, UTF_8};
use lol_html::{HtmlRewriter, Settings, element};

use crate::parse::decode::{self, Decoded};
use crate::parse::{ParseError, Warning};

/// How far into the page a `<meta charset>` is looked for. The HTML standard's prescan stops
/// at 1024 bytes; pages that declare it later (after long comments or scripts) are common
/// enough in Arabic news to look a little further.
const PRESCAN_BYTES: usize = 4096;

/// The page's text. `declared` is the charset of the HTTP header, when there was one.
pub fn decode(bytes: &[u8], declared: Option<&str>) -> Result<Decoded, ParseError> {
    if Encoding::for_bom(bytes).is_some() {
        return decode::decode(bytes);
    }
    let label = declared
        .map(str::to_string)
        .filter(|l| Encoding::for_label(l.trim().as_bytes()).is_some())
        .or_else(|| meta_charset(&bytes[..bytes.len().min(PRESCAN_BYTES)]));
    match label.and_then(|l| Encoding::for_label(l.trim().as_bytes())) {
        Some(encoding) => declared_as(bytes, encoding),
        None => undeclared(bytes),
    }
}

/// A page that names no charset: UTF-8 when it is (checked fast, and without the dump
/// decoder's scan for control codes: the rendered text gets that scan), else detection.
fn undeclared(bytes: &[u8]) -> Result<Decoded, ParseError> {
    match simdutf8::basic::from_utf8(bytes) {
        Ok(text) if memchr::memchr(0, bytes).is_none() => Ok(Decoded {
            text: text.to_string(),
            encoding: UTF_8.name(),
            notes: Vec::new(),
        }),
        _ => decode::decode(bytes),
    }
}

/// Decodes as the page says, except where the bytes show the label wrong.
fn declared_as(bytes: &[u8], encoding: &'static Encoding) -> Result<Decoded, ParseError> {
    // A UTF-16 label on an 8-bit page means UTF-8 (the HTML standard says so), and UTF-8
    // goes through the dump decoder, which repairs a few broken bytes and sends a page full
    // of them to detection.
    let non_ascii_utf8 = || !bytes.is_ascii() && simdutf8::basic::from_utf8(bytes).is_ok();
    if encoding == UTF_8
        || encoding == encoding_rs::UTF_16LE
        || encoding == encoding_rs::UTF_16BE
        // Valid UTF-8 with Arabic in it is never a legacy code page's text: a stale label.
        || non_ascii_utf8()
    {
        return undeclared(bytes);
    }
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ParseError::Empty);
    }
    let nuls = memchr::memchr_iter(0, bytes).count();
    if nuls * 100 > bytes.len() {
        return Err(ParseError::Binary(format!("{nuls} NUL bytes")));
    }
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    let mut notes = Vec::new();
    if had_errors {
        notes.push(Warning::invalid_bytes(encoding.name()));
    }
    Ok(Decoded {
        text: text.replace('\0', ""),
        encoding: encoding.name(),
        notes,
    })
}

/// The charset a `<meta charset>` or `<meta http-equiv="content-type">` names, if any.
fn meta_charset(head: &[u8]) -> Option<String> {
    let mut found = None;
    let mut rewriter = HtmlRewriter::new(
        Settings::new()
            .with_strict(false)
            .append_element_content_handler(element!("meta", |el| {
                let label = el.get_attribute("charset").or_else(|| {
                    let equiv = el.get_attribute("http-equiv")?;
                    equiv
                        .trim()
                        .eq_ignore_ascii_case("content-type")
                        .then(|| el.get_attribute("content"))
                        .flatten()
                        .and_then(|c| charset_param(&c).map(str::to_string))
                });
                match label {
                    Some(l) if !l.trim().is_empty() => {
                        found = Some(l);
                        // The first declaration counts: stop reading.
                        Err("found".into())
                    }
                    _ => Ok(()),
                }
            })),
        |_: &[u8]| {},
    );
    // An error is the handler stopping early, or a cut-off tag at the prescan's end.
    let _ = rewriter.write(head);
    drop(rewriter);
    found
}

/// The value of `charset=` in a content-type (`text/html; charset="windows-1256"`).
pub fn charset_param(content_type: &str) -> Option<&str> {
    let lower = content_type.to_ascii_lowercase();
    let at = lower.find("charset")?;
    let rest = content_type[at + "charset".len()..].trim_start();
    let rest = rest.strip_prefix('=')?.trim_start();
    let rest = rest.trim_start_matches(['"', '\'']);
    let end = rest
        .find(|c: char| c == ';' || c == '"' || c == '\'' || c.is_whitespace())
        .unwrap_or(rest.len());
    (end > 0).then(|| &rest[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARABIC: &str = "<p>قال وزير الخارجية إن المفاوضات ستستأنف الأسبوع المقبل</p>";

    fn page(meta: &str) -> String {
        format!(
            "<!doctype html><html><head>{meta}<title>خبر</title></head><body>{ARABIC}</body></html>"
        )
    }

    #[test]
    fn meta_charset_names_a_legacy_code_page() {
        let html = page(r#"<meta charset="windows-1256">"#);
        let (bytes, _, _) = encoding_rs::WINDOWS_1256.encode(&html);
        let d = decode(&bytes, None).unwrap();
        assert_eq!(
            (d.encoding, d.text.as_str()),
            ("windows-1256", html.as_str())
        );
    }

    #[test]
    fn http_equiv_content_type_is_read_too() {
        let html =
            page(r#"<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-6">"#);
        let (bytes, _, _) = encoding_rs::ISO_8859_6.encode(&html);
        assert_eq!(decode(&bytes, None).unwrap().encoding, "ISO-8859-6");
    }

    #[test]
    fn the_http_header_outranks_the_meta_and_the_bom_outranks_both() {
        let html = page(r#"<meta charset="iso-8859-6">"#);
        let (bytes, _, _) = encoding_rs::WINDOWS_1256.encode(&html);
        let d = decode(&bytes, Some("windows-1256")).unwrap();
        assert_eq!(
            (d.encoding, d.text.as_str()),
            ("windows-1256", html.as_str())
        );
        let mut bom = b"\xef\xbb\xbf".to_vec();
        bom.extend_from_slice(html.as_bytes());
        assert_eq!(
            decode(&bom, Some("windows-1256")).unwrap().encoding,
            "UTF-8"
        );
    }

    #[test]
    fn a_stale_label_on_utf8_bytes_and_no_label_at_all() {
        let html = page(r#"<meta charset="windows-1256">"#);
        let d = decode(html.as_bytes(), None).unwrap();
        assert_eq!((d.encoding, d.text.as_str()), ("UTF-8", html.as_str()));
        let bare = page("");
        let (bytes, _, _) = encoding_rs::WINDOWS_1256.encode(&bare);
        let d = decode(&bytes, None).unwrap();
        assert_eq!(
            (d.encoding, d.text.as_str()),
            ("windows-1256", bare.as_str())
        );
        // An unknown label is no label.
        assert_eq!(
            decode(&bytes, Some("x-no-such")).unwrap().encoding,
            "windows-1256"
        );
    }

    #[test]
    fn charset_parameter_forms() {
        assert_eq!(charset_param("text/html; charset=UTF-8"), Some("UTF-8"));
        assert_eq!(
            charset_param("text/html;charset=\"windows-1256\""),
            Some("windows-1256")
        );
        assert_eq!(
            charset_param("text/html; Charset = 'cp1256' ; x=1"),
            Some("cp1256")
        );
        assert_eq!(charset_param("text/html"), None);
        assert_eq!(charset_param("text/html; charset="), None);
    }
}
