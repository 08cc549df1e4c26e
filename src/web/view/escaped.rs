//! The pages' HTML escaping (`askama.toml` names [`Html`] the escaper of every `.html`
//! template): the very bytes of askama's own `Html` escaper, found faster. askama looks at
//! each byte of the text it escapes (≈ 14 instructions a byte: an article's paragraphs were
//! 146 M instructions at 1,000 articles, notes/serve-bench.md, session 45, and every other
//! value of the pages 52 M, session 46). Arabic text holds few of the five characters HTML
//! escapes (its quotes mostly), and links none, so a value's runs without one are found by a
//! vector search and written whole; each character found is written by askama's escaper.
//!
//! askama writes a value it knows is HTML already (`HtmlSafe`) as it is only under its own
//! escaper: under this one, every value is escaped but a `Safe` one (`|linked_html`), and
//! numbers, which hold nothing to escape, are written as they were.

use std::fmt::{self, Write};

use askama::filters::Escaper;

/// HTML escaping as askama's `Html` escapes, by `memchr`.
#[derive(Debug, Clone, Copy)]
pub struct Html;

impl Escaper for Html {
    fn write_escaped_str<W: Write>(&self, mut out: W, text: &str) -> fmt::Result {
        let bytes = text.as_bytes();
        // The next of `&<>` and the next of `"'` from where the text is written to, each
        // looked for by `memchr` (a vector search, well under an instruction a byte) and
        // looked for again only once it is passed: a paragraph's blocks of 32 bytes looked
        // through for all five were 2.8 instructions a byte (notes/serve-bench.md, session 46).
        let after = |found: Option<usize>, from: usize| found.map(|i| from + i);
        let mut markup = memchr::memchr3(b'&', b'<', b'>', bytes);
        let mut quote = memchr::memchr2(b'"', b'\'', bytes);
        // The text before `written` is written; the characters escaped are ASCII, so every
        // place cut at is a character's boundary.
        let mut written = 0;
        loop {
            let at = match (markup, quote) {
                (Some(m), Some(q)) => m.min(q),
                (Some(at), None) | (None, Some(at)) => at,
                (None, None) => break,
            };
            if written < at {
                out.write_str(&text[written..at])?;
            }
            askama::filters::Html.write_escaped_char(&mut out, char::from(bytes[at]))?;
            written = at + 1;
            if markup == Some(at) {
                markup = after(
                    memchr::memchr3(b'&', b'<', b'>', &bytes[written..]),
                    written,
                );
            } else {
                quote = after(memchr::memchr2(b'"', b'\'', &bytes[written..]), written);
            }
        }
        if written < text.len() {
            out.write_str(&text[written..])?;
        }
        Ok(())
    }

    fn write_escaped_char<W: Write>(&self, out: W, c: char) -> fmt::Result {
        askama::filters::Html.write_escaped_char(out, c)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// `text` escaped by `escaper`.
    fn escaped(escaper: impl Escaper, text: &str) -> String {
        let mut out = String::new();
        escaper.write_escaped_str(&mut out, text).unwrap();
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        /// A value is written as askama's own escaper writes it, whether it holds escaped
        /// characters or not, anywhere.
        #[test]
        fn a_value_is_the_bytes_askama_writes(
            text in proptest::collection::vec(
                prop_oneof![
                    any::<char>(),
                    proptest::sample::select(vec!['ء', 'ي', ' ', 'a', '/', '.']),
                    proptest::sample::select(vec!['"', '&', '\'', '<', '>']),
                ],
                0..120,
            ).prop_map(String::from_iter),
        ) {
            prop_assert_eq!(escaped(Html, &text), escaped(askama::filters::Html, &text));
        }

        #[test]
        fn a_character_is_the_bytes_askama_writes(c in any::<char>()) {
            let (mut ours, mut askamas) = (String::new(), String::new());
            Html.write_escaped_char(&mut ours, c).unwrap();
            askama::filters::Html.write_escaped_char(&mut askamas, c).unwrap();
            prop_assert_eq!(ours, askamas);
        }
    }

    #[test]
    fn each_escaped_character_is_found_anywhere() {
        let arabic = "ب".repeat(40);
        for c in ['"', '&', '\'', '<', '>'] {
            for at in [0, 30, 32, 64, 80] {
                let mut text = arabic.clone();
                text.insert(at, c);
                let ours = escaped(Html, &text);
                assert_eq!(ours, escaped(askama::filters::Html, &text), "{c:?} at {at}");
                assert_ne!(ours, text);
            }
        }
        assert_eq!(escaped(Html, &arabic), arabic);
        assert_eq!(escaped(Html, ""), "");
    }

    /// Under this escaper askama escapes even what its own filters mark as HTML already
    /// (`HtmlSafe`: `|linebreaks`, `|urlize`…), which would then reach the reader escaped
    /// twice, with no error. So an `.html` template applies only our filters, whose output
    /// is a plain value (`|link`) or `Safe` (`|linked_html`), which askama honours under any
    /// escaper.
    #[test]
    fn templates_apply_only_filters_this_escaper_writes_right() {
        // A filter is `|name` with no space after the bar (`a || b` is an `or`).
        let filter = regex::Regex::new(r"(?:^|[^|])\|([a-z_]+)").unwrap();
        let mut applied = 0;
        for (path, text) in crate::web::view::html_templates() {
            for found in filter.captures_iter(&text) {
                let name = &found[1];
                assert!(
                    ["link", "linked_html"].contains(&name),
                    "{}: |{name}",
                    path.display()
                );
                applied += 1;
            }
        }
        assert!(applied > 40, "only {applied} filters found");
    }
}
