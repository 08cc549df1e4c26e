//! Where a page's links lead: each `href` and `src` it hands over (`web::view::page_links`) as
//! a path on this site (or not), resolved against the page's own path as a browser resolves it.

/// Pages answered per request that a static copy cannot hold.
pub(super) fn is_dynamic(target: &str) -> bool {
    let path = target.split('?').next().unwrap_or_default();
    path == "/search"
        || path == "/search.json"
        || path.starts_with("/search/")
        || path == "/healthz"
}

/// `reference` (an `href` on the page at `page`) as a target on this site (`/path?query`,
/// no fragment), or `None` when it leads elsewhere. Absolute URLs under `base` count as
/// this site's.
pub(super) fn same_site(page: &str, reference: &str, base: Option<&str>) -> Option<String> {
    const ORIGIN: &str = "http://export.invalid";
    let under_base;
    let reference = match base {
        Some(base) if reference.starts_with(base) => {
            under_base = format!("/{}", &reference[base.len()..]);
            under_base.as_str()
        }
        _ => reference,
    };
    if let Some(target) = resolve_plain(page, reference) {
        return Some(target);
    }
    let page_url = url::Url::parse(&format!("{ORIGIN}{page}")).ok()?;
    let resolved = page_url.join(reference).ok()?;
    if resolved.origin() != page_url.origin() {
        return None;
    }
    let mut target = resolved.path().to_owned();
    if let Some(query) = resolved.query() {
        target.push('?');
        target.push_str(query);
    }
    Some(target)
}

/// `reference` resolved against `page` without the `url` crate, for the references the site's
/// own templates write (relative or absolute paths of plain ASCII, see `web::view::links`);
/// `None` for anything else, which [`same_site`] hands to `url`. The characters allowed are
/// those `url` copies as they are into a path and a query, and a `%2e` (a dot segment in
/// disguise) is left to `url`, so both give the same target (a test compares them).
fn resolve_plain(page: &str, reference: &str) -> Option<String> {
    let reference = reference.split('#').next().unwrap_or_default();
    // A table, not a search of the list for each byte: the byte checks were a third of
    // resolving, and resolving 2% of an export (notes/serve-bench.md, session 37).
    const PLAIN: [bool; 256] = {
        let mut table = [false; 256];
        let mut b = 0;
        while b < 256 {
            table[b] = (b as u8).is_ascii_alphanumeric();
            b += 1;
        }
        let others = b"-._~!$&()*+,;=:@/%?";
        let mut i = 0;
        while i < others.len() {
            table[others[i] as usize] = true;
            i += 1;
        }
        table
    };
    let plain = |b: u8| PLAIN[usize::from(b)];
    if reference.is_empty()
        || reference.starts_with('?')
        || reference.starts_with("//")
        || !reference.bytes().all(plain)
        || reference.contains("%2e")
        || reference.contains("%2E")
    {
        return None;
    }
    let (path, query) = match reference.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (reference, None),
    };
    if path.is_empty() {
        return None;
    }
    let page_path = page.split('?').next().unwrap_or_default();
    // A scheme (`mailto:`) or anything before the first `/` with a colon is not a path.
    if path
        .split('/')
        .next()
        .is_some_and(|first| first.contains(':'))
    {
        return None;
    }
    let joined = if path.starts_with('/') {
        std::borrow::Cow::Borrowed(path)
    } else {
        let dir = &page_path[..page_path.rfind('/')? + 1];
        std::borrow::Cow::Owned([dir, path].concat())
    };
    let mut segments: Vec<&str> = Vec::new();
    let mut parts = joined[1..].split('/').peekable();
    while let Some(segment) = parts.next() {
        let last = parts.peek().is_none();
        match segment {
            ".." => {
                segments.pop();
                if last {
                    segments.push("");
                }
            }
            "." => {
                if last {
                    segments.push("");
                }
            }
            _ => segments.push(segment),
        }
    }
    let mut target = String::with_capacity(joined.len() + query.map_or(0, |q| q.len() + 1));
    for segment in &segments {
        target.push('/');
        target.push_str(segment);
    }
    if segments.is_empty() {
        target.push('/');
    }
    if let Some(query) = query {
        target.push('?');
        target.push_str(query);
    }
    Some(target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_resolve_against_their_page() {
        let s = |page, href| same_site(page, href, None);
        assert_eq!(s("/", "./articles/x").as_deref(), Some("/articles/x"));
        assert_eq!(s("/page/2", "../").as_deref(), Some("/"));
        assert_eq!(
            s("/page/2", "../page/3?order=oldest#top").as_deref(),
            Some("/page/3?order=oldest")
        );
        assert_eq!(
            s("/articles/x", "../static/style.css").as_deref(),
            Some("/static/style.css")
        );
        assert_eq!(s("/about", "#main").as_deref(), Some("/about"));
        assert_eq!(s("/", "https://example.org/"), None);
        assert_eq!(s("/", "mailto:a@example.org"), None);
        assert_eq!(s("/", "//example.org/x"), None);
        let base = Some("https://example.org/archive/");
        assert_eq!(
            same_site("/", "https://example.org/archive/articles/x", base).as_deref(),
            Some("/articles/x")
        );
        assert!(is_dynamic("/search?q=x") && !is_dynamic("/searching"));
    }

    /// The plain path takes the site's own links and gives what `url` gives; whatever it
    /// declines goes to `url`.
    #[test]
    fn plain_references_resolve_as_url_resolves_them() {
        let by_url = |page: &str, reference: &str| {
            let page_url = url::Url::parse(&format!("http://export.invalid{page}")).unwrap();
            let resolved = page_url.join(reference).ok()?;
            (resolved.origin() == page_url.origin()).then(|| match resolved.query() {
                Some(query) => format!("{}?{query}", resolved.path()),
                None => resolved.path().to_owned(),
            })
        };
        let pages = [
            "/",
            "/about",
            "/page/2",
            "/page/2?order=oldest",
            "/articles/x/source",
            "/a//b/",
            "/year/2024/05/",
        ];
        let references = [
            "x",
            "./x",
            "../x",
            "../../../../x",
            ".",
            "..",
            "./",
            "../",
            "x/.",
            "x/..",
            "a/./b/../c",
            "/",
            "/a/../../b",
            "a//b",
            "//b",
            "x?order=oldest",
            "../page/3?order=oldest#top",
            "x?",
            "x?a=b?c/d",
            "%2e%2e/x",
            "x/%2E",
            "a:b",
            "x/y:z",
            "x%20y",
            "x%zz",
            "x'y",
            "x?'",
            "x y",
            "x|y",
            "\\x",
            "\u{0645}",
            "mailto:a@b",
            "https://export.invalid/x",
            "?q",
            "#f",
            "",
            "x#y?z",
            "articles/x.json",
            "../static/style.css",
        ];
        let mut taken = 0;
        for page in pages {
            for reference in references {
                if let Some(target) = resolve_plain(page, reference) {
                    taken += 1;
                    assert_eq!(
                        Some(target),
                        by_url(page, reference),
                        "{page} + {reference}"
                    );
                }
                assert_eq!(same_site(page, reference, None), by_url(page, reference));
            }
        }
        assert!(taken > pages.len() * 20, "{taken}");
    }
}
