//! A search hit's passage: the best of the first matching paragraphs, as escaped HTML with the
//! matches marked.
//!
//! The rules are those of tantivy's `SnippetGenerator` run on each paragraph (the passages
//! readers saw before this module found them itself, pinned by `tests/search.rs`): a
//! paragraph is cut, from its first word, into windows of at most [`Passages::max_bytes`]
//! bytes, each window new at the word that would overflow the last; a window scores the sum
//! of its matched words' weights (a term weighs `1 / (1 + articles holding it)`, so rarer
//! query words count more), and the paragraph's passage is its best window, the earliest on
//! ties. Of the first [`SNIPPET_PARAGRAPHS`] paragraphs that match, the one whose passage
//! marks the most words wins, the earliest on ties.
//!
//! Found over the analyzer's own tokens ([`for_each_token`]): a token's term is already
//! folded, so it is compared as it is (tantivy lowercased every token again, most of its
//! cost), and nothing is copied but the winning passage.

use std::ops::Range;

use super::analyzer::for_each_token;

/// How many matching paragraphs are compared for the passage. A generated article has some
/// 10 KB: stopping at the third matching paragraph keeps most of it unread.
const SNIPPET_PARAGRAPHS: usize = 3;

/// The query's terms with their weights, ready to find passages in many bodies.
pub(super) struct Passages {
    /// Each term of the query the body field holds, with its weight.
    terms: Vec<(String, f32)>,
    /// The longest passage, in bytes (a word longer than that is a passage alone).
    max_bytes: usize,
}

/// A passage of a body: a slice of one paragraph and its matched words.
#[derive(Debug, PartialEq)]
pub(super) struct Passage<'a> {
    pub text: &'a str,
    /// Byte ranges of the matched words within `text`, in order.
    pub marks: Vec<Range<usize>>,
}

/// A paragraph's best window, as offsets into the paragraph.
#[derive(Default)]
struct Window {
    score: f32,
    span: Range<usize>,
    marks: Vec<Range<usize>>,
}

impl Passages {
    /// `terms` with the number of articles holding each in the body; terms no article holds
    /// are left out (they mark nothing).
    pub(super) fn new(terms: impl IntoIterator<Item = (String, u64)>, max_bytes: usize) -> Self {
        let mut weighted: Vec<(String, f32)> = Vec::new();
        for (term, articles) in terms {
            if articles > 0 && !weighted.iter().any(|(t, _)| *t == term) {
                weighted.push((term, 1.0 / (1.0 + articles as f32)));
            }
        }
        Passages {
            terms: weighted,
            max_bytes,
        }
    }

    fn weight(&self, term: &str) -> Option<f32> {
        self.terms.iter().find(|(t, _)| t == term).map(|&(_, w)| w)
    }

    /// The passage of `body` (UTF-8 paragraphs separated by `\n`), or `None` when no word of
    /// it matches. Each paragraph is checked as UTF-8 only when it is reached (one that is not
    /// is skipped).
    pub(super) fn best<'a>(&self, body: &'a [u8]) -> Option<Passage<'a>> {
        if self.terms.is_empty() {
            return None;
        }
        let mut best: Option<(&'a str, Window)> = None;
        let mut matching = 0;
        for paragraph in body.split(|&b| b == b'\n') {
            let Ok(paragraph) = std::str::from_utf8(paragraph) else {
                continue;
            };
            let Some(window) = self.best_window(paragraph) else {
                continue;
            };
            if best
                .as_ref()
                .is_none_or(|(_, b)| window.marks.len() > b.marks.len())
            {
                best = Some((paragraph, window));
            }
            matching += 1;
            if matching == SNIPPET_PARAGRAPHS {
                break;
            }
        }
        best.map(|(paragraph, w)| Passage {
            text: &paragraph[w.span.clone()],
            marks: w
                .marks
                .iter()
                .map(|m| m.start - w.span.start..m.end - w.span.start)
                .collect(),
        })
    }

    /// `paragraph`'s best window, if a word of it matches.
    fn best_window(&self, paragraph: &str) -> Option<Window> {
        let mut best: Option<Window> = None;
        let mut window = Window::default();
        let keep = |window: &mut Window, best: &mut Option<Window>| {
            if window.score > 0.0 && best.as_ref().is_none_or(|b| window.score > b.score) {
                *best = Some(std::mem::take(window));
            }
        };
        for_each_token(paragraph, |range, term| {
            if range.end - window.span.start > self.max_bytes {
                keep(&mut window, &mut best);
                window.score = 0.0;
                window.marks.clear();
                window.span = range.start..range.start;
            }
            window.span.end = range.end;
            if let Some(weight) = self.weight(term) {
                window.score += weight;
                window.marks.push(range);
            }
        });
        keep(&mut window, &mut best);
        best
    }
}

/// The opening of `body` (UTF-8) shown when only the title matched: its first `max_bytes`
/// bytes or so, cut at a word's end. Only that much of it is checked as UTF-8.
pub(super) fn opening(body: &[u8], max_bytes: usize) -> &str {
    // A character starting before `max_bytes` ends within 3 bytes of it.
    let head = &body[..body.len().min(max_bytes + 4)];
    let head = match std::str::from_utf8(head) {
        Ok(text) => text,
        Err(e) => std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or_default(),
    };
    let end = head
        .char_indices()
        .map(|(i, _)| i)
        .find(|&i| i >= max_bytes)
        .unwrap_or(head.len());
    // Cut at a word end, not inside a word.
    let cut = head[..end]
        .rfind(char::is_whitespace)
        .filter(|_| end < body.len());
    &head[..cut.unwrap_or(end)]
}

/// `text` as HTML with the byte ranges `marks` (sorted, within `text`) in `<mark>`.
pub fn highlight_html(text: &str, marks: &[Range<usize>]) -> String {
    let mut html = String::with_capacity(text.len() + marks.len() * 13);
    let mut at = 0;
    for m in marks {
        if m.start < at
            || m.end > text.len()
            || m.start > m.end
            || !text.is_char_boundary(m.start)
            || !text.is_char_boundary(m.end)
        {
            continue;
        }
        escape_into(&text[at..m.start], &mut html);
        html.push_str("<mark>");
        escape_into(&text[m.clone()], &mut html);
        html.push_str("</mark>");
        at = m.end;
    }
    escape_into(&text[at..], &mut html);
    html
}

fn escape_into(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn passages(terms: &[(&str, u64)], max_bytes: usize) -> Passages {
        Passages::new(terms.iter().map(|&(t, n)| (t.to_owned(), n)), max_bytes)
    }

    fn marked<'a>(p: &Passage<'a>) -> Vec<&'a str> {
        p.marks.iter().map(|m| &p.text[m.clone()]).collect()
    }

    #[test]
    fn the_paragraph_marking_most_words_among_the_first_matching_wins() {
        let p = passages(&[("داعش", 10)], 360);
        let body = "لا شيء هنا\nداعش مرة\nداعش و\"داعش\" مرتين\nداعش أخرى\nداعش داعش داعش ثلاثا";
        let found = p.best(body.as_bytes()).unwrap();
        // The last paragraph marks more, but only the first three matching are compared.
        assert_eq!(found.text, "داعش و\"داعش\" مرتين");
        assert_eq!(marked(&found), ["داعش", "داعش"]);
        assert_eq!(p.best("لا شيء هنا\nولا هنا".as_bytes()), None);
        assert_eq!(passages(&[("داعش", 0)], 360).best(body.as_bytes()), None);
    }

    #[test]
    fn a_window_starts_at_the_word_that_overflows_the_last() {
        // Windows of 12 bytes: "aa bb cc dd" (11), then "ee ff xx gg" ...
        let p = passages(&[("xx", 5), ("gg", 50)], 12);
        let found = p.best(b"aa bb cc dd ee ff xx gg hh").unwrap();
        assert_eq!(found.text, "ee ff xx gg");
        assert_eq!(marked(&found), ["xx", "gg"]);
        assert_eq!(found.marks[0], 6..8);
        // The rarer term outweighs the commoner one: its window wins, the earliest on ties.
        let p = passages(&[("rare", 1), ("common", 1000)], 12);
        let found = p.best(b"common common x rare y common").unwrap();
        assert_eq!(marked(&found), ["rare"]);
        let found = p.best(b"rare a b c d rare e f").unwrap();
        assert_eq!(found.text, "rare a b c d");
    }

    #[test]
    fn a_paragraph_that_is_not_utf8_is_skipped() {
        let p = passages(&[("x", 1)], 360);
        let found = p.best(b"x \xff\nx y").unwrap();
        assert_eq!(found.text, "x y");
    }

    #[test]
    fn highlighting_escapes_the_text_around_marks() {
        let text = "a <script>alert('x')</script> & داعش";
        let at = text.find("داعش").unwrap();
        let mark = at..text.len();
        assert_eq!(
            highlight_html(text, &[mark]),
            "a &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; <mark>داعش</mark>"
        );
        // Ranges that do not fit are ignored rather than panicking.
        let reversed = Range { start: 1, end: 0 };
        assert_eq!(highlight_html("abc", &[2..9, reversed]), "abc");
        let inside_a_letter = 1..3;
        assert_eq!(highlight_html("داعش", &[inside_a_letter]), "داعش");
    }

    #[test]
    fn the_opening_is_cut_at_a_word_end() {
        assert_eq!(opening(b"short body", 360), "short body");
        assert_eq!(opening(b"aaa bbb ccc", 6), "aaa");
        // Never inside a letter: Arabic letters take two bytes.
        let arabic = "كلمة ".repeat(100);
        let cut = opening(arabic.as_bytes(), 9);
        assert_eq!(cut, "كلمة");
        assert!(arabic.starts_with(opening(arabic.as_bytes(), 360)));
        assert_eq!(opening(b"", 360), "");
    }
}
