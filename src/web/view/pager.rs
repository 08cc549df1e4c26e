//! Page navigation under every paginated list (the index, facet pages, search results), and
//! the reading of the page numbers that address them. One pager, so they all look and behave
//! alike: previous and next, where the reader is, and a short run of page numbers with the
//! current one marked `aria-current="page"`.

use crate::web::http::error::WebError;

/// Page numbers shown on each side of the current one; further pages are an ellipsis, but the
/// first and last are always there.
const AROUND: usize = 2;

pub struct Pager {
    /// The `aria-label` of the navigation landmark (`صفحات الفهرس`).
    pub label: &'static str,
    pub page: usize,
    pub pages: usize,
    pub prev: Option<String>,
    pub next: Option<String>,
    pub numbers: Vec<PageNumber>,
}

/// One item of the run of numbers: a page, or a gap (`…`) when `href` is `None`.
pub struct PageNumber {
    pub n: usize,
    pub href: Option<String>,
    pub current: bool,
}

impl Pager {
    /// The pager of page `page` of `pages`, with `href(n)` the link to page `n`.
    pub fn new(
        label: &'static str,
        page: usize,
        pages: usize,
        href: impl Fn(usize) -> String,
    ) -> Pager {
        let mut numbers = Vec::new();
        let near = page.saturating_sub(AROUND).max(1)..=(page + AROUND).min(pages);
        for n in 1..=pages {
            if n == 1 || n == pages || near.contains(&n) {
                numbers.push(PageNumber {
                    n,
                    href: Some(href(n)),
                    current: n == page,
                });
            } else if numbers.last().is_some_and(|p| p.href.is_some()) {
                numbers.push(PageNumber {
                    n,
                    href: None,
                    current: false,
                });
            }
        }
        Pager {
            label,
            page,
            pages,
            prev: (page > 1).then(|| href(page - 1)),
            next: (page < pages).then(|| href(page + 1)),
            numbers,
        }
    }
}

/// A page number as written in a URL: digits only, from 1.
pub fn parse_page_number(s: &str) -> Option<usize> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok().filter(|&n| n >= 1)
}

/// What a `…/page/{n}` segment asks for.
#[derive(Debug, PartialEq, Eq)]
pub enum Wanted {
    /// Page `n`, at its own address.
    Page(usize),
    /// Page `n`, asked for at another address (`page/1` is the list's own address,
    /// `page/007` is `page/7`): redirect to its one address.
    Elsewhere(usize),
}

/// Reads the segment of a list of `pages` pages: 404 for no page number or a page past the end.
pub fn wanted(segment: &str, pages: usize) -> Result<Wanted, WebError> {
    let n = parse_page_number(segment).ok_or(WebError::NotFound)?;
    if n > pages {
        return Err(WebError::NotFound);
    }
    if n == 1 || segment != n.to_string() {
        Ok(Wanted::Elsewhere(n))
    } else {
        Ok(Wanted::Page(n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(page: usize, pages: usize) -> String {
        Pager::new("", page, pages, |n| n.to_string())
            .numbers
            .iter()
            .map(|p| match (&p.href, p.current) {
                (None, _) => "…".to_owned(),
                (Some(_), true) => format!("[{}]", p.n),
                (Some(_), false) => p.n.to_string(),
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn numbers_around_the_current_page() {
        assert_eq!(run(1, 1), "[1]");
        assert_eq!(run(1, 3), "[1] 2 3");
        assert_eq!(run(1, 20), "[1] 2 3 … 20");
        assert_eq!(run(10, 20), "1 … 8 9 [10] 11 12 … 20");
        assert_eq!(run(4, 20), "1 2 3 [4] 5 6 … 20");
        assert_eq!(run(20, 20), "1 … 18 19 [20]");
    }

    #[test]
    fn previous_and_next() {
        let p = Pager::new("", 2, 3, |n| format!("p{n}"));
        assert_eq!(p.prev.as_deref(), Some("p1"));
        assert_eq!(p.next.as_deref(), Some("p3"));
        let last = Pager::new("", 3, 3, |n| format!("p{n}"));
        assert_eq!(last.next, None);
    }

    #[test]
    fn page_numbers() {
        assert_eq!(parse_page_number("1"), Some(1));
        assert_eq!(parse_page_number("0042"), Some(42));
        for bad in [
            "",
            "0",
            "-1",
            "+2",
            "1.5",
            "abc",
            "٢",
            "99999999999999999999999",
        ] {
            assert_eq!(parse_page_number(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn segments() {
        assert_eq!(wanted("2", 3).unwrap(), Wanted::Page(2));
        assert_eq!(wanted("1", 3).unwrap(), Wanted::Elsewhere(1));
        assert_eq!(wanted("03", 3).unwrap(), Wanted::Elsewhere(3));
        for bad in ["4", "0", "x", "004"] {
            assert!(wanted(bad, 3).is_err(), "{bad}");
        }
    }
}
