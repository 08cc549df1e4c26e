//! Every URL the site emits: relative to the page that carries it, or absolute from the
//! configured public address.
//!
//! Why relative: the archive is often served under a sub-path by a proxy that strips it
//! (nginx `location /archive/ { proxy_pass http://127.0.0.1:8080/; }`). The server then sees
//! `/articles/x` while the reader's browser is at `/archive/articles/x`; a link written as
//! `../static/style.css` resolves correctly in both worlds, with no configuration, and a static
//! export of the site can be moved to any folder. Redirects use the same relative form in
//! `Location`, which browsers resolve against the URL they asked for.
//!
//! Absolute URLs (the canonical link, link previews, the Atom feed, sitemaps) cannot be
//! relative, and a server behind a proxy does not know its public address. They come from
//! `--base-url`, else, only with `--trust-proxy`, from the proxy's
//! `X-Forwarded-Proto`/`-Host`/`-Prefix`. Without either, [`Links::absolute`] is `None`: pages
//! carry no canonical link or `og:url`, and the feed and sitemaps are not served (nor linked
//! to). A URL built from the `Host` header would let anyone who can send a request name the
//! archive's address (cache poisoning), and a relative one would say nothing a browser does
//! not already know; a sitemap must hold absolute URLs, and an Atom id must be absolute.
//!
//! A page's relative links depend only on how deep its own path is, so [`Links`] is made from
//! the request path, by the extractor in `pages` or by the error page's middleware.

use std::fmt::Write;

use axum::http::HeaderMap;

use crate::archive::facets::Source;
use crate::web::config::Config;
use crate::web::http::assets;

/// The order of the index.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Order {
    #[default]
    NewestFirst,
    OldestFirst,
}

impl Order {
    /// The query string that selects this order (empty for the default).
    fn query(self) -> &'static str {
        match self {
            Order::NewestFirst => "",
            Order::OldestFirst => "?order=oldest",
        }
    }
}

/// URL builder for one page: `root` leads from the page back to the site's root.
#[derive(Debug, Clone)]
pub struct Links {
    root: String,
    /// The site's public address, ending in `/`, when it is known.
    site: Option<String>,
    /// This page's path from the site's root (`articles/x`), for its canonical link; `None`
    /// for a page that has no address of its own (an error page).
    here: Option<String>,
}

impl Links {
    /// Links for a page served at `path` (the request path, as the server sees it), with no
    /// public address known.
    pub fn for_path(path: &str) -> Links {
        // `/` and `/about` sit at the root; `/page/2` and `/articles/x` one folder down.
        let depth = path.matches('/').count().saturating_sub(1);
        let root = if depth == 0 {
            "./".to_owned()
        } else {
            "../".repeat(depth)
        };
        Links {
            root,
            site: None,
            here: Some(path.trim_start_matches('/').to_owned()),
        }
    }

    /// The same links, with absolute URLs made from `site` (`https://example.org/archive/`).
    pub fn with_site(mut self, site: Option<String>) -> Links {
        self.site = site;
        self
    }

    /// Names this page's one address (a path from the site's root, as [`index_path`] and
    /// [`article_path`] make), when the request path may be one of several.
    pub fn set_here(&mut self, path: String) {
        self.here = Some(path);
    }

    /// The same links for a page that is no address of its own (an error page): no canonical
    /// link, while the feed and the other absolute URLs stay.
    pub fn without_canonical(mut self) -> Links {
        self.here = None;
        self
    }

    /// The absolute URL of `path` (from the site's root, no leading `/`), when the public
    /// address is known.
    pub fn absolute(&self, path: &str) -> Option<String> {
        self.site.as_ref().map(|site| format!("{site}{path}"))
    }

    /// The site's public address (`https://example.org/archive/`), when it is known.
    pub fn site(&self) -> Option<&str> {
        self.site.as_deref()
    }

    /// This page's canonical URL, when the public address is known.
    pub fn canonical(&self) -> Option<String> {
        self.absolute(self.here.as_deref()?)
    }

    /// The site's front page (the index, newest first).
    pub fn home(&self) -> String {
        self.root.clone()
    }

    /// Page `n` (from 1) of the index in `order`; page 1 is the root itself.
    pub fn index_page(&self, n: usize, order: Order) -> String {
        self.root.clone() + &index_path(n, order)
    }

    pub fn article(&self, id: &str) -> String {
        let mut href = String::with_capacity(self.root.len() + "articles/".len() + id.len());
        href.push_str(&self.root);
        push_article_path(&mut href, id);
        href
    }

    /// The file an article was parsed from, as plain text.
    pub fn source(&self, id: &str) -> String {
        format!("{}/source", self.article(id))
    }

    /// Capture `n` (from 1) of the other captures of an article's address, as plain text.
    pub fn capture_source(&self, id: &str, n: usize) -> String {
        format!("{}/captures/{n}", self.article(id))
    }

    pub fn about(&self) -> String {
        format!("{}about", self.root)
    }

    /// The Atom feed, when it is served: only with a public address (see the module comment).
    pub fn feed(&self) -> Option<String> {
        self.site
            .as_ref()
            .map(|_| format!("{}{FEED_PATH}", self.root))
    }

    /// Any page, by its path from the site's root (as the `*_path` functions below make).
    pub fn to(&self, path: &str) -> String {
        // Made to its length at once: the root cloned and then grown was a second allocation
        // and a copy for each of a listing's links.
        let mut href = String::with_capacity(self.root.len() + path.len());
        href.push_str(&self.root);
        href.push_str(path);
        href
    }

    /// The search page, where the search form sends its query.
    pub fn search(&self) -> String {
        format!("{}search", self.root)
    }

    /// A file of `static/`, by its plain name, under its content-hashed name.
    pub fn asset(&self, name: &str) -> String {
        format!("{}static/{}", self.root, assets::hashed_name(name))
    }
}

/// Page `n` of the index in `order`, from the site's root (page 1 is the root, ``).
pub fn index_path(n: usize, order: Order) -> String {
    let mut path = String::new();
    if n > 1 {
        let _ = write!(path, "page/{n}");
    }
    path + order.query()
}

/// The Atom feed, from the site's root.
pub const FEED_PATH: &str = "feed.xml";

/// The sitemap (or the sitemap index, when the site needs more than one), from the site's root.
pub const SITEMAP_PATH: &str = "sitemap.xml";

/// Part `n` (from 1) of a sitemap split in several, from the site's root.
pub fn sitemap_part_path(n: usize) -> String {
    format!("sitemaps/{n}.xml")
}

/// An article's page, from the site's root.
pub fn article_path(id: &str) -> String {
    let mut path = String::with_capacity("articles/".len() + id.len());
    push_article_path(&mut path, id);
    path
}

/// [`article_path`] onto the end of `href`.
fn push_article_path(href: &mut String, id: &str) {
    href.push_str("articles/");
    push_encoded(href, id);
}

/// A year's articles: `2015/`. Years and months are folders, so that `2015/09/` reads as the
/// part of `2015/` it is.
pub fn year_path(year: i32) -> String {
    format!("{year:04}/")
}

/// A month's articles: `2015/09/`.
pub fn month_path(year: i32, month: u32) -> String {
    format!("{year:04}/{month:02}/")
}

/// The list of every publication (or agency).
pub fn sources_path(source: Source) -> &'static str {
    match source {
        Source::Publication => "publications",
        Source::Agency => "agencies",
    }
}

/// One publication's (or agency's) articles, by the slug of its name (see
/// [`crate::archive::slug`]; Arabic letters percent-encoded, as URLs carry them).
pub fn source_path(source: Source, slug: &str) -> String {
    let folder = sources_path(source);
    // An Arabic slug's every byte is encoded: three characters each.
    let mut path = String::with_capacity(folder.len() + 1 + 3 * slug.len());
    path.push_str(folder);
    path.push('/');
    push_encoded(&mut path, slug);
    path
}

/// Page `n` of the list at `path` (a year, a month, a source): the list itself for page 1.
pub fn paged_path(path: &str, n: usize) -> String {
    if n <= 1 {
        path.to_owned()
    } else {
        format!("{}/page/{n}", path.trim_end_matches('/'))
    }
}

/// Page `n` of the results for `query`.
pub fn search_path(query: &str, n: usize) -> String {
    search_path_in("search", query, n)
}

/// Page `n` of the results for `query`, as data (`/search.json`).
pub fn search_json_path(query: &str, n: usize) -> String {
    search_path_in("search.json", query, n)
}

fn search_path_in(page: &str, query: &str, n: usize) -> String {
    let mut path = format!("{page}?q={}", encode_segment(query));
    if n > 1 {
        let _ = write!(path, "&page={n}");
    }
    path
}

/// The site's public address for a request with `headers`: `--base-url`, else a trusted
/// proxy's headers, else unknown.
pub fn public_site(config: &Config, headers: &HeaderMap) -> Option<String> {
    match &config.base_url {
        Some(url) => Some(url.as_str().to_owned()),
        None if config.trust_proxy => forwarded_site(headers),
        None => None,
    }
}

/// `proto://host/prefix/` from a trusted proxy's headers; `None` when one is malformed (a
/// proxy that forwards a client's own header unchecked still cannot inject markup or a
/// foreign scheme).
fn forwarded_site(headers: &HeaderMap) -> Option<String> {
    // A chain of proxies appends: the first value is the one the reader used.
    let first = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .map(str::trim)
            .filter(|v| !v.is_empty())
    };
    let proto = first("x-forwarded-proto")
        .unwrap_or("http")
        .to_ascii_lowercase();
    if proto != "http" && proto != "https" {
        return None;
    }
    let host = first("x-forwarded-host").or_else(|| first("host"))?;
    let host_ok = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b));
    if !host_ok {
        return None;
    }
    let prefix = first("x-forwarded-prefix")
        .unwrap_or("")
        .trim_end_matches('/');
    let prefix_ok = prefix.is_empty()
        || (prefix.starts_with('/')
            && !prefix.starts_with("//")
            && prefix
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._~/%".contains(&b))
            && !prefix.split('/').any(|seg| seg == ".."));
    if !prefix_ok {
        return None;
    }
    Some(format!("{proto}://{host}{prefix}/"))
}

/// Percent-encodes all but RFC 3986's unreserved characters, so an id with Arabic letters or
/// punctuation stays one path segment. By `percent-encoding`, which writes each byte's `%XX`
/// from a table: a `write!` a byte was 47 M instructions an export of 1,000 articles, whose
/// facets' slugs are Arabic (notes/serve-bench.md, session 45).
pub fn encode_segment(segment: &str) -> String {
    let mut encoded = String::with_capacity(segment.len());
    push_encoded(&mut encoded, segment);
    encoded
}

/// [`encode_segment`] onto the end of `path`. Its pieces (a run of bytes left as they are, a
/// `%XX`) are pushed one by one: written through `Display` (`to_string`, `format!`), each went
/// through a formatter, and a source's path was 2,900 instructions, 1.3 % of an export
/// without `.gz` and `.br` files (notes/serve-bench.md, session 46).
fn push_encoded(path: &mut String, segment: &str) {
    /// What is encoded: every byte but the unreserved `A-Z a-z 0-9 - . _ ~` (non-ASCII bytes
    /// always are).
    const ENCODED: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~');
    path.extend(percent_encoding::utf8_percent_encode(segment, ENCODED));
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The segment encoded as the byte loop with `write!` encoded it before.
        #[test]
        fn a_segment_is_encoded_as_before(segment in "\\PC{0,30}|[-._~%/ a-zA-Z0-9ء-ي]{0,30}") {
            let mut old = String::new();
            for b in segment.bytes() {
                if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                    old.push(char::from(b));
                } else {
                    let _ = write!(old, "%{b:02X}");
                }
            }
            proptest::prop_assert_eq!(encode_segment(&segment), old);
        }

        /// The paths built piece by piece are those `format!` made of the encoded segment.
        #[test]
        fn paths_are_built_as_formatted(segment in "\\PC{0,30}|[-._~%/ a-zA-Z0-9ء-ي]{0,30}") {
            proptest::prop_assert_eq!(
                article_path(&segment),
                format!("articles/{}", encode_segment(&segment))
            );
            for links in [Links::for_path("/"), Links::for_path("/a/b/c")] {
                proptest::prop_assert_eq!(
                    links.article(&segment),
                    links.root.clone() + &article_path(&segment)
                );
                proptest::prop_assert_eq!(links.to(&segment), links.root.clone() + &segment);
            }
            for source in [Source::Publication, Source::Agency] {
                proptest::prop_assert_eq!(
                    source_path(source, &segment),
                    format!("{}/{}", sources_path(source), encode_segment(&segment))
                );
            }
        }
    }

    #[test]
    fn links_climb_back_to_the_root() {
        let top = Links::for_path("/");
        assert_eq!(top.home(), "./");
        assert_eq!(top.article("abc"), "./articles/abc");
        assert_eq!(Links::for_path("/about").about(), "./about");
        let article = Links::for_path("/articles/abc");
        assert_eq!(article.home(), "../");
        assert_eq!(article.source("abc"), "../articles/abc/source");
        assert_eq!(Links::for_path("/a/b/c").home(), "../../");
    }

    #[test]
    fn index_pages() {
        let l = Links::for_path("/page/3");
        assert_eq!(l.index_page(1, Order::NewestFirst), "../");
        assert_eq!(l.index_page(1, Order::OldestFirst), "../?order=oldest");
        assert_eq!(l.index_page(4, Order::NewestFirst), "../page/4");
        assert_eq!(
            l.index_page(2, Order::OldestFirst),
            "../page/2?order=oldest"
        );
    }

    #[test]
    fn absolute_urls_need_a_site() {
        let mut l = Links::for_path("/page/2");
        assert_eq!(l.canonical(), None);
        l = l.with_site(Some("https://example.org/archive/".into()));
        assert_eq!(
            l.canonical().as_deref(),
            Some("https://example.org/archive/page/2")
        );
        l.set_here(index_path(1, Order::OldestFirst));
        assert_eq!(
            l.canonical().as_deref(),
            Some("https://example.org/archive/?order=oldest")
        );
        assert_eq!(
            l.absolute("feed.xml").as_deref(),
            Some("https://example.org/archive/feed.xml")
        );
        assert_eq!(l.feed().as_deref(), Some("../feed.xml"));
        assert_eq!(Links::for_path("/").feed(), None);
    }

    #[test]
    fn forwarded_headers_make_a_site_only_when_well_formed() {
        let site = |pairs: &[(&'static str, &str)]| {
            let mut h = HeaderMap::new();
            for (k, v) in pairs {
                h.insert(*k, v.parse().unwrap());
            }
            forwarded_site(&h)
        };
        assert_eq!(
            site(&[
                ("x-forwarded-proto", "https"),
                ("x-forwarded-host", "example.org"),
                ("x-forwarded-prefix", "/archive/"),
                ("host", "127.0.0.1:8080"),
            ])
            .as_deref(),
            Some("https://example.org/archive/")
        );
        assert_eq!(
            site(&[("host", "127.0.0.1:8080")]).as_deref(),
            Some("http://127.0.0.1:8080/")
        );
        assert_eq!(
            site(&[
                ("x-forwarded-host", "a.org, b.org"),
                ("x-forwarded-proto", "HTTPS, http")
            ])
            .as_deref(),
            Some("https://a.org/")
        );
        for bad in [
            &[("x-forwarded-proto", "javascript"), ("host", "a.org")][..],
            &[("host", "a.org\"><script>")][..],
            &[("host", "a.org/evil")][..],
            &[("host", "a.org"), ("x-forwarded-prefix", "//evil.org")][..],
            &[("host", "a.org"), ("x-forwarded-prefix", "/a/../b")][..],
            &[("host", "a.org"), ("x-forwarded-prefix", "archive")][..],
            &[][..],
        ] {
            assert_eq!(site(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn facet_and_search_paths() {
        let l = Links::for_path("/2015/09/");
        assert_eq!(l.to(&month_path(2015, 9)), "../../2015/09/");
        assert_eq!(l.to(&year_path(2015)), "../../2015/");
        assert_eq!(paged_path(&month_path(2015, 9), 3), "2015/09/page/3");
        assert_eq!(paged_path(&year_path(2015), 1), "2015/");
        assert_eq!(
            source_path(Source::Agency, "أ ف ب"),
            "agencies/%D8%A3%20%D9%81%20%D8%A8"
        );
        assert_eq!(
            paged_path(&source_path(Source::Publication, "a/b"), 2),
            "publications/a%2Fb/page/2"
        );
        assert_eq!(Links::for_path("/articles/x").search(), "../search");
        assert_eq!(search_path("a b&c", 1), "search?q=a%20b%26c");
        assert_eq!(search_path("x", 2), "search?q=x&page=2");
    }

    #[test]
    fn ids_stay_one_segment() {
        assert_eq!(encode_segment("0123456789abcdef"), "0123456789abcdef");
        assert_eq!(encode_segment("a/b?c#d"), "a%2Fb%3Fc%23d");
        assert_eq!(encode_segment("خبر"), "%D8%AE%D8%A8%D8%B1");
    }
}
