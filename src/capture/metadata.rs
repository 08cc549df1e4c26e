//! What a page's tags say about its article, source by source in order of trust: JSON-LD
//! first (written for machines, per article), then Open Graph and other `<meta>` tags, then
//! microdata `<time>` and `<h1>`. Nothing here is checked against the page's text yet:
//! [`super::resolve`] does that.

use super::html::Found;
use super::jsonld;
use crate::parse::Date;

/// A page's metadata, each list in order of trust.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Metadata {
    pub headlines: Vec<String>,
    pub published: Vec<Date>,
    pub modified: Vec<Date>,
    pub authors: Vec<String>,
    pub publishers: Vec<String>,
    /// The canonical link, else `og:url`, else JSON-LD's `url`, as written.
    pub url: Option<String>,
    /// `<base href>`, for resolving a relative `url`.
    pub base: Option<String>,
}

/// `<meta>` keys (`property`, `name` or `itemprop`, lower-cased) that state a publication
/// date, a modification date, a byline, a publisher or a headline: the common vocabulary of
/// Open Graph, schema.org microdata, Dublin Core and the big CMS and analytics tags.
const PUBLISHED: &[&str] = &[
    "article:published_time",
    "og:article:published_time",
    "og:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "article.published",
    "article_date_original",
    "sailthru.date",
    "parsely-pub-date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.date",
    "date",
    "citation_publication_date",
    "datecreated",
    "dcterms.created",
];
const MODIFIED: &[&str] = &[
    "article:modified_time",
    "og:updated_time",
    "datemodified",
    "lastmod",
    "last-modified",
    "dcterms.modified",
    "article.updated",
];
const AUTHORS: &[&str] = &[
    "author",
    "article:author",
    "og:article:author",
    "dc.creator",
    "dcterms.creator",
    "sailthru.author",
    "parsely-author",
    "byl",
];
const PUBLISHERS: &[&str] = &[
    "og:site_name",
    "publisher",
    "article:publisher",
    "dc.publisher",
];
const HEADLINES: &[&str] = &["og:title", "twitter:title", "headline", "dc.title"];

pub fn read(found: &Found) -> Metadata {
    let ld = jsonld::articles(&found.json_ld);
    let mut m = Metadata {
        base: found.base.clone(),
        ..Metadata::default()
    };
    let metas = |keys: &[&str]| -> Vec<String> {
        // In the order of the key list, then of the page.
        keys.iter()
            .flat_map(|k| {
                found
                    .metas
                    .iter()
                    .filter(move |(key, _)| key == k)
                    .map(|(_, v)| v.trim().to_string())
            })
            .filter(|v| !v.is_empty())
            .collect()
    };

    m.headlines
        .extend(ld.iter().filter_map(|a| a.headline.clone()));
    m.headlines.extend(metas(HEADLINES));
    m.headlines.extend(found.h1.iter().cloned());

    let stamps = |texts: Vec<String>| {
        texts
            .iter()
            .filter_map(|t| Date::parse(t).ok())
            .collect::<Vec<_>>()
    };
    m.published.extend(stamps(
        ld.iter().filter_map(|a| a.published.clone()).collect(),
    ));
    m.published.extend(stamps(metas(PUBLISHED)));
    let times = |wanted: &dyn Fn(&super::html::TimeTag) -> bool| {
        found
            .times
            .iter()
            .filter(|t| wanted(t))
            .filter_map(|t| Date::parse(&t.datetime).ok())
            .collect::<Vec<_>>()
    };
    m.published.extend(times(&|t| {
        t.itemprop == "datepublished" || t.marks_publication
    }));
    m.published.extend(stamps(
        ld.iter().filter_map(|a| a.created.clone()).collect(),
    ));
    m.published.extend(times(&|t| t.itemprop == "datecreated"));

    m.modified.extend(stamps(
        ld.iter().filter_map(|a| a.modified.clone()).collect(),
    ));
    m.modified.extend(stamps(metas(MODIFIED)));
    m.modified.extend(times(&|t| t.itemprop == "datemodified"));

    m.authors
        .extend(ld.iter().flat_map(|a| a.authors.iter().cloned()));
    m.authors.extend(metas(AUTHORS));
    m.publishers
        .extend(ld.iter().filter_map(|a| a.publisher.clone()));
    m.publishers.extend(metas(PUBLISHERS));
    for list in [&mut m.headlines, &mut m.authors, &mut m.publishers] {
        dedup_keep_order(list);
    }

    m.url = found
        .canonical
        .clone()
        .or_else(|| metas(&["og:url"]).into_iter().next())
        .or_else(|| ld.iter().find_map(|a| a.url.clone()));
    m
}

fn dedup_keep_order(list: &mut Vec<String>) {
    let mut seen = std::collections::HashSet::new();
    list.retain(|s| seen.insert(s.clone()));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::html::walk;

    #[test]
    fn sources_in_order_of_trust() {
        let html = r#"<head>
            <meta property="og:site_name" content="صوت الريف">
            <meta property="og:title" content="عنوان - صوت الريف">
            <meta property="article:published_time" content="2021-05-02T10:00:00+03:00">
            <meta name="author" content="سامر خليل">
            <meta property="og:url" content="https://example.com/og">
            <script type="application/ld+json">{"@type":"NewsArticle","headline":"عنوان",
              "datePublished":"2021-05-02T07:00:00Z","author":{"name":"سامر خليل"}}</script>
            </head><body><h1>عنوان</h1><time itemprop="dateModified" datetime="2021-05-03">x</time></body>"#;
        let m = read(&walk(html).found);
        assert_eq!(m.headlines, ["عنوان", "عنوان - صوت الريف"]);
        assert_eq!(
            m.published
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>(),
            ["2021-05-02T07:00+00:00", "2021-05-02T10:00+03:00"]
        );
        assert_eq!(m.modified[0].to_string(), "2021-05-03");
        assert_eq!(m.authors, ["سامر خليل"]);
        assert_eq!(m.publishers, ["صوت الريف"]);
        assert_eq!(m.url.as_deref(), Some("https://example.com/og"));
    }

    #[test]
    fn unreadable_dates_are_left_out() {
        let html =
            r#"<meta name="pubdate" content="منذ ساعتين"><meta name="date" content="2020-02-30">"#;
        assert!(read(&walk(html).found).published.is_empty());
    }
}
