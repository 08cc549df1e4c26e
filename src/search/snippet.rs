//! A search hit's snippet: the best of the first matching paragraphs, as escaped HTML with the
//! matches marked.

use std::ops::Range;

use tantivy::snippet::SnippetGenerator;

/// How many matching paragraphs are compared for the snippet. Tantivy analyses the whole text
/// it is given, and a generated article has some 10 KB: analysing paragraph by paragraph and
/// stopping early keeps a page of snippets well under a millisecond.
const SNIPPET_PARAGRAPHS: usize = 3;

/// The snippet of the paragraph with the most matches among the first few that match.
pub(super) fn best_paragraph_snippet(
    snippets: &SnippetGenerator,
    body: &str,
) -> Option<tantivy::snippet::Snippet> {
    body.split('\n')
        .map(|paragraph| snippets.snippet(paragraph))
        .filter(|s| !s.is_empty())
        .take(SNIPPET_PARAGRAPHS)
        .reduce(|best, s| {
            if s.highlighted().len() > best.highlighted().len() {
                s
            } else {
                best
            }
        })
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
}
