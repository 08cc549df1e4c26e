//! The links a page's rendering hands over: every `href` and `src` its template writes, as
//! the reader's browser reads them, so that the static export follows a page's links without
//! reading its HTML again (lol_html reading every page was 28 % of an export without `.gz`
//! and `.br` files, notes/serve-bench.md, session 42).
//!
//! A template writes each link through one of two filters: `{{ url|link }}` for an
//! attribute's value, `{{ html|linked_html }}` for the archivist's Markdown made HTML (a
//! note, `about.md`), whose links [`links`] reads from that fragment alone. While a page is
//! rendered with a [`Collector`] among askama's values (`render::render_as` does so when the
//! export asks), the filters add to it; otherwise they only pass the value on. A literal
//! reference to a fragment of the page itself (`href="#main"`) is not handed over: it leads
//! nowhere the page is not. A test reads every template for an `href` or `src` that goes
//! through neither filter, and `tests/export.rs` checks the handed links of every exported
//! page against what `scraper` finds in it.

use std::any::Any;
use std::cell::RefCell;
use std::fmt::Display;

/// The name the [`Collector`] goes by among askama's values.
pub const KEY: &str = "arshif.page_links";

/// The links one page's rendering wrote, in the order it wrote them.
#[derive(Debug, Default)]
pub struct Collector(RefCell<Vec<String>>);

impl Collector {
    /// Askama's values holding this collector, for `render_with_values`.
    pub fn values(&self) -> (&'static str, &dyn Any) {
        (KEY, self)
    }

    pub fn into_links(self) -> Vec<String> {
        self.0.into_inner()
    }

    fn of(values: &dyn askama::Values) -> Option<&Collector> {
        askama::get_value::<Collector>(values, KEY).ok()
    }
}

/// Every `href` and `src` of an HTML page, entities decoded, as a browser reads them.
///
/// lol_html tokenises the page as a stream, building no tree: the crawl needs attributes,
/// not a document (a full parse with `scraper` was 5–14% of an export).
pub fn links(html: &[u8]) -> Vec<String> {
    use lol_html::{HtmlRewriter, Settings, element};
    let mut found = Vec::new();
    let mut rewriter = HtmlRewriter::new(
        Settings::new()
            .with_strict(false)
            .append_element_content_handler(element!("[href], [src]", |el| {
                for name in ["href", "src"] {
                    if let Some(value) = el.get_attribute(name) {
                        found.push(htmlize::unescape_attribute(&value).into_owned());
                    }
                }
                Ok(())
            })),
        |_: &[u8]| {},
    );
    // The handler never fails, and without strict mode neither does the tokeniser.
    let _ = rewriter.write(html);
    let _ = rewriter.end();
    found
}

/// The template filters (askama looks them up as `filters::NAME` from the page's module).
pub mod filters {
    use super::*;

    /// `url`, an `href` or `src` the template writes (escaped as any value), handed over.
    #[askama::filter_fn]
    pub fn link<T: Display>(url: T, values: &dyn askama::Values) -> askama::Result<T> {
        if let Some(collector) = Collector::of(values) {
            collector.0.borrow_mut().push(url.to_string());
        }
        Ok(url)
    }

    /// `html`, HTML the site made safe (`markdown::to_safe_html`), written as it is, its links
    /// handed over.
    #[askama::filter_fn]
    pub fn linked_html<T: Display>(
        html: T,
        values: &dyn askama::Values,
    ) -> askama::Result<askama::filters::Safe<T>> {
        if let Some(collector) = Collector::of(values) {
            let found = links(html.to_string().as_bytes());
            collector.0.borrow_mut().extend(found);
        }
        Ok(askama::filters::Safe(html))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_read_as_a_browser_reads_them() {
        // Quoted three ways, entities decoded, nothing from a comment, a script or text.
        let page = br#"<!doctype html><html><head><link rel=stylesheet href=static/a.css>
<script src='x.js'>var s = '<a href="not-a-link">';</script></head>
<body><!-- <a href="commented-out"> --><p>href="text"</p>
<a href="page/2?order=oldest&amp;x=1">next</a><img src="i&#x2F;j.svg" alt=""><a>none</a>
</body></html>"#;
        let mut found = links(page);
        found.sort();
        assert_eq!(
            found,
            ["i/j.svg", "page/2?order=oldest&x=1", "static/a.css", "x.js"]
        );
    }

    /// Every `href` and `src` a template writes goes through `link` (or is a fragment of the
    /// page itself), and no HTML is written `|safe`, past `linked_html`: a link written
    /// otherwise would not be handed over, and the export would miss the page it leads to.
    #[test]
    fn every_link_a_template_writes_is_handed_over() {
        let attribute = regex::Regex::new(r#"\s(href|src)="#).unwrap();
        let mut checked = 0;
        for (path, text) in crate::web::view::html_templates() {
            let name = path.display();
            assert!(
                !text.contains("|safe"),
                "{name}: `|safe`, not `|linked_html`"
            );
            for found in attribute.find_iter(&text) {
                let value = &text[found.end()..];
                let handed = value.starts_with("\"{{ ")
                    && value.find("}}").is_some_and(|end| {
                        value[..end].ends_with("|link ") && value[end + 2..].starts_with('"')
                    });
                let shown: String = value.chars().take(60).collect();
                assert!(handed || value.starts_with("\"#"), "{name}: {shown}");
                checked += 1;
            }
        }
        assert!(checked > 40, "only {checked} links");
    }
}
