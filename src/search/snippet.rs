//! A search hit's snippet: the best of the first matching paragraphs, as escaped HTML with the
//! matches marked.

use std::ops::Range;

use aho_corasick::AhoCorasick;
use tantivy::snippet::SnippetGenerator;

use super::variants;
use crate::arabic::normalize_into;

/// How many matching paragraphs are compared for the snippet. Tantivy analyses the whole text
/// it is given, and a generated article has some 10 KB: analysing paragraph by paragraph and
/// stopping early keeps a page of snippets well under a millisecond.
const SNIPPET_PARAGRAPHS: usize = 3;

/// Which paragraphs may hold one of a query's terms, told without running the analyzer.
///
/// A term is the canonical form of a stem, a stem is a slice of a folded word, and folding
/// works character by character: so a paragraph in which the analyzer finds a term holds,
/// folded, one of the stems that become that term ([`variants::spellings`]). The converse need
/// not hold (the stem may sit inside a longer word), so a paragraph that passes is still given
/// to the snippet generator; one that does not is skipped unanalysed, which is most of them.
pub(super) struct ParagraphFilter {
    stems: Option<AhoCorasick>,
}

impl ParagraphFilter {
    /// The filter for the search terms `terms` (the analyzer's output, as the index holds them).
    pub(super) fn new<'a>(terms: impl IntoIterator<Item = &'a str>) -> ParagraphFilter {
        let mut stems: Vec<&str> = Vec::new();
        for term in terms {
            stems.extend(variants::spellings(term).filter(|s| !s.is_empty()));
        }
        // Patterns that do not build (none can be too many here) leave every paragraph in.
        let stems = if stems.is_empty() {
            None
        } else {
            AhoCorasick::new(stems).ok()
        };
        ParagraphFilter { stems }
    }

    /// Whether `paragraph` may hold a term; `folded` is scratch space.
    fn may_match(&self, paragraph: &str, folded: &mut String) -> bool {
        let Some(stems) = &self.stems else {
            return true;
        };
        folded.clear();
        normalize_into(paragraph, folded);
        stems.is_match(folded.as_str())
    }
}

/// The snippet of the paragraph with the most matches among the first few that match.
pub(super) fn best_paragraph_snippet(
    snippets: &SnippetGenerator,
    filter: &ParagraphFilter,
    body: &str,
) -> Option<tantivy::snippet::Snippet> {
    let mut folded = String::new();
    body.split('\n')
        .filter(|paragraph| filter.may_match(paragraph, &mut folded))
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

    /// The filter's promise: a paragraph in which the analyzer finds a term passes the filter
    /// made for that term, on every paragraph of the test fixtures (real articles) and on every
    /// spelling of the variant table, dressed in harakat, clitics and tatweel.
    #[test]
    fn a_paragraph_holding_a_term_passes_its_filter() {
        use crate::search::analyzer::terms;
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bodies");
        let mut paragraphs: Vec<String> = Vec::new();
        for file in std::fs::read_dir(dir).unwrap() {
            let path = file.unwrap().path();
            if path.extension().is_some_and(|e| e == "txt") {
                let text = std::fs::read_to_string(path).unwrap();
                paragraphs.extend(text.lines().map(String::from));
            }
        }
        let table = include_str!("variants.txt");
        for word in table
            .lines()
            .flat_map(|l| l.split('#').next().unwrap_or("").split_whitespace())
        {
            paragraphs.push(format!("قال إن {word} وال{word} ولـ\"{word}\" ف{word}ها"));
            let marked: String = word.chars().flat_map(|c| [c, '\u{064E}']).collect();
            paragraphs.push(format!("وب{marked}ـ"));
        }
        let mut folded = String::new();
        let mut checked = 0;
        for paragraph in &paragraphs {
            for term in terms(paragraph) {
                let filter = ParagraphFilter::new([term.as_str()]);
                assert!(
                    filter.may_match(paragraph, &mut folded),
                    "{term:?} in {paragraph:?}"
                );
                checked += 1;
            }
        }
        assert!(checked > 1000, "{checked}");
        // And it does rule paragraphs out.
        let filter = ParagraphFilter::new(["لافروف"]);
        assert!(!filter.may_match("قال وزير الخارجية الأمريكي", &mut folded));
    }
}
