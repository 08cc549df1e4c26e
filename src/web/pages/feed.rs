//! `/feed.xml`: the newest dated articles as an Atom feed (RFC 4287), each with its full text.
//!
//! Conventions a subscriber can rely on:
//! - Only dated articles are in it ([`FEED_ENTRIES`] of them, newest first); an undated
//!   article has no place in a feed ordered by time.
//! - Dates are written by [`crate::parse::Date::rfc3339`]: in the zone the page printed, and where it
//!   printed none (most dumps), the printed time taken as UTC. An entry's `<updated>` is the record's `updated`, else its `published`;
//!   the feed's is the newest of its entries' (so it changes only when the feed's content
//!   does), or the archive's build time when it has none.
//! - An entry's `<id>` is the article's absolute URL. Article ids come from the dump's file
//!   name, so the id stays the same across rebuilds for as long as the public address does.
//! - The feed needs that public address (an Atom id must be an absolute IRI): without
//!   `--base-url` or a trusted proxy's headers it is a 404, and pages do not link to it.

use std::time::SystemTime;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use crate::archive::Archive;
use crate::parse::Article;
use crate::web::http::cache_policy::CachePolicy;
use crate::web::http::error::WebError;
use crate::web::http::render::render_as;
use crate::web::site::AppState;
use crate::web::view::SITE_NAME;
use crate::web::view::links::{self, Links, Order};
use crate::web::view::title_of;

/// How many articles the feed carries: enough for a reader who checks weekly, small enough
/// that a feed of full texts stays a few hundred kilobytes.
pub const FEED_ENTRIES: usize = 50;

pub const ATOM: &str = "application/atom+xml; charset=utf-8";

#[derive(Template)]
#[template(path = "feed.xml")]
pub struct Feed<'a> {
    /// The feed's own URL, which is also its id.
    self_url: String,
    home_url: String,
    title: &'static str,
    subtitle: &'static str,
    updated: String,
    entries: Vec<FeedEntry<'a>>,
}

pub struct FeedEntry<'a> {
    /// The article's absolute URL, which is also its id.
    url: String,
    title: &'a str,
    published: String,
    updated: String,
    /// The byline's credit: the writer, else the publication, else the agency.
    author: Option<&'a str>,
    summary: Option<&'a str>,
    /// The paragraphs as HTML (`<p>…</p>`), escaped once here and once more by the template,
    /// as `<content type="html">` wants.
    content_html: String,
}

/// The feed of `archive`'s `max` newest dated articles, with URLs from `links`' public
/// address; `None` without one. `built` dates a feed that has no entry.
pub fn feed<'a>(
    archive: &'a Archive,
    links: &Links,
    max: usize,
    built: SystemTime,
) -> Option<Feed<'a>> {
    let site = links.site()?;
    let entries: Vec<FeedEntry> = archive
        .dated_oldest_first()
        .iter()
        .rev()
        .filter_map(|e| {
            // Listed entries are light (no body): the feed carries full texts, so each of
            // its few articles is read whole.
            let whole = archive.get(&e.article.id)?;
            entry(site, &e.article, &whole.article.body)
        })
        .take(max)
        .collect();
    let updated = entries
        .iter()
        .map(|e| &e.updated)
        .max()
        .cloned()
        .unwrap_or_else(|| humantime::format_rfc3339_seconds(built).to_string());
    Some(Feed {
        self_url: format!("{site}{}", links::FEED_PATH),
        home_url: format!("{site}{}", links::index_path(1, Order::NewestFirst)),
        title: SITE_NAME,
        subtitle: "آخر المقالات المحفوظة في الأرشيف، بنصوصها كاملة",
        updated,
        entries,
    })
}

/// An article's entry, or `None` when it has no readable date.
fn entry<'a>(site: &str, a: &'a Article, body: &[String]) -> Option<FeedEntry<'a>> {
    let published = a.published?.rfc3339();
    let updated = a.updated.map_or_else(|| published.clone(), |d| d.rfc3339());
    let nonblank = |s: &'a Option<String>| s.as_deref().filter(|s| !s.trim().is_empty());
    Some(FeedEntry {
        url: format!("{site}{}", links::article_path(&a.id)),
        title: title_of(a),
        published,
        updated,
        author: nonblank(&a.author)
            .or(nonblank(&a.publication))
            .or(nonblank(&a.agency)),
        summary: nonblank(&a.subtitle),
        content_html: content_html(body),
    })
}

/// The body as the HTML a feed reader shows: one `<p>` per paragraph, right to left.
fn content_html(body: &[String]) -> String {
    let mut html = String::from("<div dir=\"rtl\">");
    for paragraph in body {
        let escaped = askama::filters::escape(paragraph, askama::filters::Html)
            .map_or_else(|never| match never {}, |e| e.to_string());
        html += "<p>";
        html += &escaped;
        html += "</p>";
    }
    html + "</div>"
}

/// `GET /feed.xml`.
pub async fn show(State(state): State<AppState>, links: Links) -> Result<Response, WebError> {
    let site = state.site();
    let feed = feed(
        &site.archive,
        &links,
        FEED_ENTRIES,
        site.last_modified.time(),
    )
    .ok_or(WebError::NotFound)?;
    render_as(&feed, StatusCode::OK, CachePolicy::Short, ATOM)
}

#[cfg(test)]
mod tests {
    //! The feed against RFC 4287's own rules, element by element, on a hand-made archive.

    use super::*;
    use crate::archive::Entry;
    use crate::parse::Date;

    const ATOM_NS: &str = "http://www.w3.org/2005/Atom";

    fn entry(id: &str, published: Option<&str>) -> Entry {
        Entry {
            article: Article {
                id: id.into(),
                title: format!("عنوان {id}"),
                published: published.map(|d| Date::parse(d).unwrap()),
                body: vec![format!("نص {id} <b>&</b>"), "فقرة ثانية".into()],
                ..Article::default()
            },
            ..Entry::default()
        }
    }

    fn render(entries: Vec<Entry>, max: usize) -> String {
        let archive = Archive::from_entries(entries, None);
        let links = Links::for_path("/feed.xml").with_site(Some("https://example.org/a/".into()));
        feed(&archive, &links, max, SystemTime::UNIX_EPOCH)
            .unwrap()
            .render()
            .unwrap()
    }

    /// The children of `node` named `name` in the Atom namespace.
    fn children<'a, 'i>(
        node: roxmltree::Node<'a, 'i>,
        name: &'static str,
    ) -> Vec<roxmltree::Node<'a, 'i>> {
        node.children()
            .filter(|c| c.has_tag_name((ATOM_NS, name)))
            .collect()
    }

    /// RFC 3339 `date-time` as Atom's §3.3 restricts it (upper-case `T` and `Z`).
    fn is_rfc3339(s: &str) -> bool {
        let re =
            regex::Regex::new(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
                .unwrap();
        re.is_match(s)
    }

    fn is_absolute_iri(s: &str) -> bool {
        s.starts_with("https://") || s.starts_with("http://")
    }

    /// The "MUST"s of RFC 4287 §4.1.1 and §4.1.2 that a well-formed document can break.
    fn check_rfc4287(xml: &str) -> roxmltree::Document<'_> {
        let doc = roxmltree::Document::parse(xml).expect("well-formed XML");
        let feed = doc.root_element();
        assert!(feed.has_tag_name((ATOM_NS, "feed")));
        for name in ["id", "title", "updated"] {
            assert_eq!(children(feed, name).len(), 1, "feed has one atom:{name}");
        }
        let id = children(feed, "id")[0].text().unwrap();
        assert!(is_absolute_iri(id), "{id}");
        assert!(is_rfc3339(children(feed, "updated")[0].text().unwrap()));
        let entries = children(feed, "entry");
        // §4.1.1: an author for the feed, or one in every entry.
        assert!(
            !children(feed, "author").is_empty()
                || entries.iter().all(|e| !children(*e, "author").is_empty())
        );
        for author in children(feed, "author") {
            assert_eq!(children(author, "name").len(), 1);
        }
        // §4.1.1: at most one alternate link per type and hreflang; the self link is
        // recommended, and we promise it.
        let rel = |l: &roxmltree::Node| l.attribute("rel").unwrap_or("alternate").to_owned();
        let links = children(feed, "link");
        let alternates: Vec<_> = links.iter().filter(|l| rel(l) == "alternate").collect();
        assert_eq!(alternates.len(), 1);
        assert_eq!(links.iter().filter(|l| rel(l) == "self").count(), 1);
        for link in &links {
            assert!(is_absolute_iri(link.attribute("href").unwrap()));
        }
        for e in &entries {
            for name in ["id", "title", "updated"] {
                assert_eq!(children(*e, name).len(), 1, "entry has one atom:{name}");
            }
            assert!(is_absolute_iri(children(*e, "id")[0].text().unwrap()));
            for name in ["updated", "published"] {
                for d in children(*e, name) {
                    assert!(is_rfc3339(d.text().unwrap()), "{:?}", d.text());
                }
            }
            // §4.1.2: an entry without content has an alternate link.
            let content = children(*e, "content");
            assert!(content.len() <= 1);
            let entry_links = children(*e, "link");
            assert!(
                !content.is_empty() || entry_links.iter().any(|l| rel(l) == "alternate"),
                "entry without content or alternate link"
            );
            for c in content {
                let kind = c.attribute("type").unwrap_or("text");
                assert!(["text", "html", "xhtml"].contains(&kind), "{kind}");
            }
        }
        doc
    }

    #[test]
    fn the_feed_meets_rfc4287() {
        let mut entries = vec![
            entry("a", Some("2015-09-16")),
            entry("b", Some("2015-09-18T16:41")),
            entry("undated", None),
        ];
        entries[1].article.updated = Date::parse("2015-09-19T08:00").ok();
        entries[0].article.author = Some("كاتب".into());
        let xml = render(entries, FEED_ENTRIES);
        let doc = check_rfc4287(&xml);
        let feed = doc.root_element();
        let ids: Vec<_> = children(feed, "entry")
            .iter()
            .map(|e| children(*e, "id")[0].text().unwrap().to_owned())
            .collect();
        assert_eq!(
            ids,
            [
                "https://example.org/a/articles/b",
                "https://example.org/a/articles/a"
            ]
        );
        assert_eq!(
            children(feed, "updated")[0].text(),
            Some("2015-09-19T08:00:00Z")
        );
    }

    #[test]
    fn content_is_the_escaped_paragraphs() {
        let xml = render(vec![entry("a", Some("2015-09-16"))], FEED_ENTRIES);
        let doc = check_rfc4287(&xml);
        let content = doc
            .descendants()
            .find(|n| n.has_tag_name((ATOM_NS, "content")))
            .unwrap();
        assert_eq!(content.attribute("type"), Some("html"));
        // Once unescaped by the XML parser, the text is HTML in which the body's own markup
        // is still text.
        let html = scraper::Html::parse_fragment(content.text().unwrap());
        let sel = scraper::Selector::parse("div[dir=rtl] > p").unwrap();
        let paragraphs: Vec<String> = html.select(&sel).map(|p| p.text().collect()).collect();
        assert_eq!(paragraphs, ["نص a <b>&</b>", "فقرة ثانية"]);
    }

    #[test]
    fn an_empty_feed_is_still_valid() {
        let xml = render(vec![entry("undated", None)], FEED_ENTRIES);
        let doc = check_rfc4287(&xml);
        assert_eq!(
            children(doc.root_element(), "updated")[0].text(),
            Some("1970-01-01T00:00:00Z")
        );
        assert!(children(doc.root_element(), "entry").is_empty());
    }

    #[test]
    fn the_newest_are_kept() {
        let entries = (1..=9)
            .map(|d| entry(&format!("d{d}"), Some(&format!("2015-09-0{d}"))))
            .collect();
        let xml = render(entries, 3);
        let doc = check_rfc4287(&xml);
        let titles: Vec<_> = children(doc.root_element(), "entry")
            .iter()
            .map(|e| children(*e, "title")[0].text().unwrap().to_owned())
            .collect();
        assert_eq!(titles, ["عنوان d9", "عنوان d8", "عنوان d7"]);
    }

    #[test]
    fn no_public_address_no_feed() {
        let archive = Archive::from_entries(vec![entry("a", Some("2015-09-16"))], None);
        assert!(
            feed(
                &archive,
                &Links::for_path("/feed.xml"),
                9,
                SystemTime::UNIX_EPOCH
            )
            .is_none()
        );
    }
}
