//! One dump's bytes to its article: the text decoded, its lines read into the thread's
//! buffers, the article read out of them.

use super::lines::{self, Line};
use super::{Article, MAX_DUMP_BYTES, ParseError, decode, read};

/// A parsed dump: the record and the decoded text it came from.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub article: Article,
    pub text: String,
}

/// Parses one dump. `source` is the file's name, the record's `source`. The record's `id` is
/// left empty: ids are the archive's to give (`archive::id`).
pub fn parse_dump(bytes: &[u8], source: &str) -> Result<Article, ParseError> {
    parse_file(bytes, source).map(|p| p.article)
}

thread_local! {
    /// The dump's line buffers, kept from dump to dump by the thread that parses them: a
    /// build's workers parse thousands each, and a dump's five buffers, allocated and freed
    /// each time, cost their `malloc` and `free` and fresh pages to fill.
    static BUFFERS: std::cell::RefCell<lines::Buffers> = std::cell::RefCell::default();
}

/// The buffers of a dump whose text is longer than this are freed after it rather than kept
/// by the thread (they hold a few times its length): a news page's text is tens of kilobytes.
pub(super) const MAX_KEPT_TEXT: usize = 1 << 18;

/// Like [`parse_dump`], keeping the decoded text.
pub fn parse_file(bytes: &[u8], source: &str) -> Result<Parsed, ParseError> {
    if bytes.len() > MAX_DUMP_BYTES {
        return Err(ParseError::TooLarge(bytes.len() as u64));
    }
    parse_owned(bytes.to_vec(), source)
}

/// [`parse_file`] of bytes the caller gives up: a dump that is valid UTF-8 (nearly all)
/// becomes its text without a copy.
pub fn parse_owned(bytes: Vec<u8>, source: &str) -> Result<Parsed, ParseError> {
    if bytes.len() > MAX_DUMP_BYTES {
        return Err(ParseError::TooLarge(bytes.len() as u64));
    }
    let (decoded, article) = match decode::utf8_uncounted(bytes).map(uncounted) {
        Ok(Ok(read)) => read,
        Ok(Err(text)) => counted(text.as_bytes())?,
        Err(bytes) => counted(&bytes)?,
    };
    let mut article = article?;
    article.source = source.to_string();
    article.encoding = decoded.encoding.to_string();
    let mut warnings = decoded.notes;
    warnings.append(&mut article.warnings);
    article.warnings = warnings;
    Ok(Parsed {
        article,
        text: decoded.text,
    })
}

/// The article read from a dump's text that is its bytes as they are, when the text holds
/// no control code: nearly every dump. Its control codes are counted by the line scan, not
/// by [`decode::decode`] (a pass over the bytes of its own, ≈ 0.9 instruction a byte); the
/// text of a dump that holds any is given back, to be [`counted`].
fn uncounted(
    decoded: decode::Decoded,
) -> Result<(decode::Decoded, Result<Article, ParseError>), String> {
    match with_lines(&decoded.text, |control, lines| {
        (control == 0).then(|| read(lines))
    }) {
        Some(article) => Ok((decoded, article)),
        None => Err(decoded.text),
    }
}

/// The dump decoded by [`decode::decode`], which counts its control codes (a binary file is
/// refused, NULs dropped), and the article read from it.
fn counted(bytes: &[u8]) -> Result<(decode::Decoded, Result<Article, ParseError>), ParseError> {
    let decoded = decode::decode(bytes)?;
    let article = with_lines(&decoded.text, |_, lines| read(lines));
    Ok((decoded, article))
}

/// `f` of a dump's decoded text's lines and of how many control codes it holds, in the
/// thread's buffers.
fn with_lines<R>(text: &str, f: impl FnOnce(usize, &[Line<'_>]) -> R) -> R {
    BUFFERS.with_borrow_mut(|buf| {
        let (control, lines) = lines::split_counting(text, buf);
        let answer = f(control, &lines);
        drop(lines);
        if text.len() > MAX_KEPT_TEXT {
            *buf = lines::Buffers::default();
        }
        answer
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "عنوان الخبر الذي نقرأه اليوم في الصحيفة\n\nقال وزير الخارجية الروسي سيرجي \
        لافروف إن روسيا والولايات المتحدة اتفقتا على مواصلة العمل المشترك في الأيام المقبلة.\n\
        وأضاف في مؤتمر صحافي أن المحادثات كانت بناءة وصريحة وأن الجانبين سيلتقيان مرة أخرى قريبا.\n";

    /// A dump read without its control codes counted is read as [`decode::decode`] reads it:
    /// one that holds a control code anywhere (each kind, at every place against the line
    /// scan's blocks and runs) is left to it.
    #[test]
    fn a_dump_read_uncounted_is_read_as_decoded() {
        let uncounted = |bytes: &[u8]| {
            let decoded = decode::utf8_uncounted(bytes.to_vec()).ok()?;
            uncounted(decoded).ok()
        };
        let same = |bytes: &[u8]| {
            let (decoded, article) = uncounted(bytes).unwrap();
            let (old, old_article) = counted(bytes).unwrap();
            assert_eq!(format!("{decoded:?}"), format!("{old:?}"));
            assert_eq!(format!("{article:?}"), format!("{old_article:?}"));
        };
        same(PAGE.as_bytes());
        same(format!("{PAGE}\u{a0}«نص» © ·\u{feff}ﻻ\t\r\n\u{c}").as_bytes());
        let controls = [
            "\0", "\u{1}", "\u{b}", "\u{1f}", "\u{7f}", "\u{80}", "\u{85}", "\u{9f}",
        ];
        for control in controls.into_iter().chain(["\u{fffd}"]) {
            for at in PAGE.char_indices().map(|(i, _)| i) {
                let text = format!("{}{control}{}", &PAGE[..at], &PAGE[at..]);
                assert!(uncounted(text.as_bytes()).is_none(), "{control:?} at {at}");
            }
        }
        // Not the bytes as they are, or no letter: `decode` says what it is.
        for bytes in [
            &b"\xef\xbb\xbfx"[..],
            b"\xff\xfex\0",
            b"\xd8 x",
            b"12:30",
            b"",
            b"  ",
        ] {
            assert!(uncounted(bytes).is_none(), "{bytes:?}");
        }
    }

    /// A dump that is mostly control codes is refused as binary, valid UTF-8 as it is.
    #[test]
    fn a_binary_dump_is_refused() {
        let bytes = format!("ب{}", "\u{1}".repeat(40));
        assert!(matches!(
            parse_file(bytes.as_bytes(), "a.txt"),
            Err(ParseError::Binary(_))
        ));
        let nuls = format!("{PAGE}{}", "\0".repeat(PAGE.len()));
        assert!(matches!(
            parse_file(nuls.as_bytes(), "a.txt"),
            Err(ParseError::Binary(_))
        ));
        let stray = format!("\0{PAGE}");
        let p = parse_file(stray.as_bytes(), "a.txt").unwrap();
        assert_eq!(p.text, PAGE);
        assert_eq!(
            p.article.warnings[0].code,
            crate::parse::WarningCode::NulBytesRemoved
        );
    }
}
