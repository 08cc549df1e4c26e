//! What the templates show, made from the archive's data: links, lists of articles, pagers,
//! link previews, dates (Gregorian and Hijri) and counts in Arabic, the archivist's Markdown. No handler or
//! middleware here: these are plain values and functions the pages in [`super::pages`] put
//! together.

pub mod citation;
pub mod counts;
pub mod dates;
pub mod escaped;
pub mod hijri;
pub mod links;
pub(crate) mod listing;
pub mod markdown;
pub mod page_links;
pub(crate) mod pager;
pub mod preview;

use crate::parse::Article;

/// The archive's name, as the masthead, the feed and link previews give it.
pub const SITE_NAME: &str = "أرشيف";

/// An article's title, or a stand-in when the record has none.
pub fn title_of(a: &Article) -> &str {
    let title = a.title.trim();
    if title.is_empty() {
        "(بلا عنوان)"
    } else {
        title
    }
}

/// Each `.html` template's path and text, for the tests that read what every page template
/// writes (its links, its filters).
#[cfg(test)]
pub(crate) fn html_templates() -> Vec<(std::path::PathBuf, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "html"))
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            (path, text)
        })
        .collect()
}
