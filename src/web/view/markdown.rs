//! The archivist's Markdown (override notes, `about.md`) as HTML that cannot run anything.
//!
//! pulldown-cmark passes raw HTML through by default; here every raw HTML event becomes text
//! (so `<script>` shows literally), and a link or image whose URL has a scheme other than
//! http, https or mailto loses its URL (so `[x](javascript:…)` is just the word `x`).

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd, html};

/// Markdown in, HTML safe to insert unescaped out.
pub fn to_safe_html(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_SMART_PUNCTUATION;
    // CommonMark links do not nest, so one flag tracks whether the open link was dropped.
    let mut in_dropped_link = false;
    let mut in_dropped_image = false;
    let events = Parser::new_ext(markdown, options).filter_map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Some(Event::Text(raw)),
        // An HTML block becomes a paragraph of its literal text.
        Event::Start(Tag::HtmlBlock) => Some(Event::Start(Tag::Paragraph)),
        Event::End(TagEnd::HtmlBlock) => Some(Event::End(TagEnd::Paragraph)),
        Event::Start(Tag::Link { ref dest_url, .. }) if !is_safe_url(dest_url) => {
            in_dropped_link = true;
            None
        }
        Event::End(TagEnd::Link) if in_dropped_link => {
            in_dropped_link = false;
            None
        }
        // An image's alt text arrives as text events between Start and End: keep it as text.
        Event::Start(Tag::Image { ref dest_url, .. }) if !is_safe_url(dest_url) => {
            in_dropped_image = true;
            None
        }
        Event::End(TagEnd::Image) if in_dropped_image => {
            in_dropped_image = false;
            None
        }
        other => Some(other),
    });
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, events);
    out
}

/// Relative URLs and fragments, and absolute ones with a harmless scheme.
fn is_safe_url(url: &str) -> bool {
    // Browsers drop ASCII whitespace and control characters inside a scheme
    // (`java\tscript:`), so compare with them removed.
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_ascii_control())
        .collect();
    let scheme_end = cleaned.find(|c: char| !(c.is_ascii_alphanumeric() || "+-.".contains(c)));
    match scheme_end {
        Some(i) if cleaned[i..].starts_with(':') && i > 0 => {
            let scheme = cleaned[..i].to_ascii_lowercase();
            matches!(scheme.as_str(), "http" | "https" | "mailto")
        }
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_renders() {
        let html = to_safe_html("# عنوان\n\nنص *مائل* و[رابط](https://example.org/).");
        assert!(html.contains("<h1>عنوان</h1>"), "{html}");
        assert!(html.contains("<em>مائل</em>"), "{html}");
        assert!(
            html.contains(r#"<a href="https://example.org/">رابط</a>"#),
            "{html}"
        );
    }

    #[test]
    fn raw_html_is_text() {
        let html = to_safe_html("<script>alert(1)</script>\n\nقبل <b>عريض</b> بعد");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<b>"), "{html}");
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{html}"
        );
        assert!(html.contains("&lt;b&gt;عريض&lt;/b&gt;"), "{html}");
    }

    #[test]
    fn dangerous_links_lose_their_url() {
        for md in [
            "[x](javascript:alert(1))",
            "[x](JavaScript:alert(1))",
            "[x](<java\tscript:alert(1)>)",
            "[x](vbscript:msgbox)",
            "[x](data:text/html,<script>alert(1)</script>)",
            "![x](javascript:alert(1))",
            "[x]\n\n[x]: javascript:alert(1)",
        ] {
            let html = to_safe_html(md);
            assert!(!html.contains("href"), "{md:?} -> {html}");
            assert!(!html.contains("src"), "{md:?} -> {html}");
            assert!(
                !html.to_ascii_lowercase().contains("script:"),
                "{md:?} -> {html}"
            );
            assert!(html.contains('x'), "{md:?} -> {html}");
        }
    }

    #[test]
    fn harmless_links_stay() {
        for url in [
            "https://a.example/",
            "http://a.example/",
            "mailto:a@b.example",
            "about",
            "../x",
            "#top",
            "?q=1",
        ] {
            assert!(is_safe_url(url), "{url}");
        }
        let html = to_safe_html("[مقال](articles/abc)");
        assert!(html.contains(r#"<a href="articles/abc">"#), "{html}");
    }
}
