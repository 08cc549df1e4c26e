//! An article's paragraphs as a page writes them: the very bytes of askama's HTML escaping,
//! found faster. askama looks at each byte of the text it escapes (≈ 14 instructions a byte:
//! the paragraphs were 146 M instructions at 1,000 articles, the export's largest work of
//! ours past the download, notes/serve-bench.md, session 45). Arabic text holds few of the
//! five characters HTML escapes (its quotes mostly), so a paragraph's runs without one are
//! found by a vector search and written whole; each character found is written by askama's
//! own escaper.

use std::fmt::{self, Display, Formatter};

use askama::filters::{Escaper, Html, HtmlSafe};

/// `text` escaped for HTML as askama escapes it.
pub struct Escaped<'a>(pub &'a str);

impl Display for Escaped<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let (text, bytes) = (self.0, self.0.as_bytes());
        // The next of `&<>` and the next of `"'` from where the text is written to, each
        // looked for by `memchr` (a vector search, well under an instruction a byte) and
        // looked for again only once it is passed: the blocks of 32 bytes looked through
        // for all five were 2.8 instructions a byte (notes/serve-bench.md, session 46).
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
            f.write_str(&text[written..at])?;
            Html.write_escaped_char(&mut *f, char::from(bytes[at]))?;
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
        f.write_str(&text[written..])
    }
}

/// Escaped already: askama writes it as it is.
impl HtmlSafe for Escaped<'_> {}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// askama's escaping of `text`, the oracle.
    fn askama_escapes(text: &str) -> String {
        let mut out = String::new();
        Html.write_escaped_str(&mut out, text).unwrap();
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        /// A paragraph is written as askama wrote it, whether it holds escaped characters
        /// or not, at any place of any block.
        #[test]
        fn a_paragraph_is_the_bytes_askama_writes(
            text in proptest::collection::vec(
                prop_oneof![
                    any::<char>(),
                    proptest::sample::select(vec!['ء', 'ي', ' ', 'a']),
                    proptest::sample::select(vec!['"', '&', '\'', '<', '>']),
                ],
                0..120,
            ).prop_map(String::from_iter),
        ) {
            prop_assert_eq!(Escaped(&text).to_string(), askama_escapes(&text));
        }
    }

    #[test]
    fn each_escaped_character_is_found_in_any_block() {
        let arabic = "ب".repeat(40);
        for c in ['"', '&', '\'', '<', '>'] {
            for at in [0, 30, 32, 64, 80] {
                let mut text = arabic.clone();
                text.insert(at, c);
                assert_eq!(
                    Escaped(&text).to_string(),
                    askama_escapes(&text),
                    "{c:?} at {at}"
                );
                assert_ne!(Escaped(&text).to_string(), text);
            }
        }
        assert_eq!(Escaped(&arabic).to_string(), arabic);
        assert_eq!(Escaped("").to_string(), "");
    }
}
