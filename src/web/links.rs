//! Every URL the site emits, written relative to the page that carries it.
//!
//! Why relative: the archive is often served under a sub-path by a proxy that strips it
//! (nginx `location /archive/ { proxy_pass http://127.0.0.1:8080/; }`). The server then sees
//! `/articles/x` while the reader's browser is at `/archive/articles/x`; a link written as
//! `../static/style.css` resolves correctly in both worlds, with no configuration, and a static
//! export of the site can be moved to any folder. Absolute URLs (canonical links, feeds) need
//! the public base URL and are issue 4's `--base-url`; they will be built here too.
//!
//! A page's links depend only on how deep its own path is, so [`Links`] is made from the
//! request path, by the extractor below or by the error middleware.

use std::convert::Infallible;
use std::fmt::Write;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use super::assets;

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
}

impl Links {
    /// Links for a page served at `path` (the request path, as the server sees it).
    pub fn for_path(path: &str) -> Links {
        // `/` and `/about` sit at the root; `/page/2` and `/articles/x` one folder down.
        let depth = path.matches('/').count().saturating_sub(1);
        let root = if depth == 0 {
            "./".to_owned()
        } else {
            "../".repeat(depth)
        };
        Links { root }
    }

    /// The site's front page (the index, newest first).
    pub fn home(&self) -> String {
        self.root.clone()
    }

    /// Page `n` (from 1) of the index in `order`; page 1 is the root itself.
    pub fn index_page(&self, n: usize, order: Order) -> String {
        let mut url = self.root.clone();
        if n > 1 {
            let _ = write!(url, "page/{n}");
        }
        url + order.query()
    }

    pub fn article(&self, id: &str) -> String {
        format!("{}articles/{}", self.root, encode_segment(id))
    }

    /// The dump an article was parsed from, as plain text.
    pub fn source(&self, id: &str) -> String {
        format!("{}articles/{}/source", self.root, encode_segment(id))
    }

    pub fn about(&self) -> String {
        format!("{}about", self.root)
    }

    /// A file of `static/`, by its plain name, under its content-hashed name.
    pub fn asset(&self, name: &str) -> String {
        format!("{}static/{}", self.root, assets::hashed_name(name))
    }
}

/// Every page handler can ask for its links as an argument.
impl<S: Send + Sync> FromRequestParts<S> for Links {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Links::for_path(parts.uri.path()))
    }
}

/// Percent-encodes all but RFC 3986's unreserved characters, so an id with Arabic letters or
/// punctuation stays one path segment.
pub fn encode_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for b in segment.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn ids_stay_one_segment() {
        assert_eq!(encode_segment("4873890e38737cc0"), "4873890e38737cc0");
        assert_eq!(encode_segment("a/b?c#d"), "a%2Fb%3Fc%23d");
        assert_eq!(encode_segment("خبر"), "%D8%AE%D8%A8%D8%B1");
    }
}
