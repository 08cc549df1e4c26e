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
