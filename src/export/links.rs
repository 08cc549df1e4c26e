//! Where a page's links lead: each `href` and `src` it hands over (`web::view::page_links`) as
//! a path on this site (or not), resolved against the page's own path as a browser resolves it.

/// Pages answered per request that a static copy cannot hold.
pub(super) fn is_dynamic(target: &str) -> bool {
    // Nearly every target is neither: two prefixes turn them away before any split.
    if !target.starts_with("/search") && !target.starts_with("/healthz") {
        return false;
    }
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

/// The bytes [`resolve_plain`] takes as they are: those `url` copies unchanged into a path
/// and a query. A table, not a search of the list for each byte: the byte checks were a
/// third of resolving, and resolving 2% of an export (notes/serve-bench.md, session 37).
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

/// `reference` resolved against `page` without the `url` crate, for the references the site's
/// own templates write (relative or absolute paths of plain ASCII, see `web::view::links`);
/// `None` for anything else, which [`same_site`] hands to `url`. The characters allowed are
/// those `url` copies as they are into a path and a query, and a `%2e` (a dot segment in
/// disguise) is left to `url`, so both give the same target (a test compares them).
///
/// One look at each byte of the reference, and the segments resolved straight into the
/// target: splitting it six ways, joining it to the page's folder and collecting the segments
/// were 2,800 instructions a link, 6 % of an export without `.gz` and `.br` files
/// (notes/serve-bench.md, session 46). Bytes are looked for in loops, not by `memchr`,
/// whose set-up cost more than the few bytes a link's parts have.
fn resolve_plain(page: &str, reference: &str) -> Option<String> {
    // Up to a fragment: whether every byte is plain, and where the first `?`, `/` and `:`
    // are and whether there is a `%`.
    let mut end = reference.len();
    let (mut query_at, mut slash_at, mut colon_at, mut percent) = (None, None, None, false);
    for (i, &b) in reference.as_bytes().iter().enumerate() {
        match b {
            b'#' => {
                end = i;
                break;
            }
            _ if !PLAIN[usize::from(b)] => return None,
            b'?' if query_at.is_none() => query_at = Some(i),
            b'/' if slash_at.is_none() => slash_at = Some(i),
            b':' if colon_at.is_none() => colon_at = Some(i),
            b'%' => percent = true,
            _ => {}
        }
    }
    let reference = &reference[..end];
    if reference.is_empty()
        || reference.starts_with('?')
        || reference.starts_with("//")
        || (percent && (reference.contains("%2e") || reference.contains("%2E")))
    {
        return None;
    }
    let (path, query) = match query_at {
        Some(at) => (&reference[..at], Some(&reference[at + 1..])),
        None => (reference, None),
    };
    // A scheme (`mailto:`) or anything before the first `/` with a colon is not a path.
    let colon_first = colon_at.is_some_and(|c| c < path.len() && slash_at.is_none_or(|s| c < s));
    if path.is_empty() || colon_first {
        return None;
    }
    let page_path = position(page, b'?').map_or(page, |end| &page[..end]);
    let mut target = String::with_capacity(page_path.len() + reference.len() + 1);
    // The segments of the joined path after its first character, as `url` removes dot
    // segments: the page's folder's (never the last) and then the reference's.
    let path_segments = match path.strip_prefix('/') {
        Some(rest) => rest,
        None => {
            let slash = page_path.as_bytes().iter().rposition(|&b| b == b'/')?;
            let dir = &page_path[..slash + 1];
            if dir.len() > 1 {
                resolve_segments(&mut target, dir.get(1..dir.len() - 1)?, false);
            }
            path
        }
    };
    resolve_segments(&mut target, path_segments, true);
    end_target(&mut target, query);
    Some(target)
}

/// Where the first `byte` of `text` is.
fn position(text: &str, byte: u8) -> Option<usize> {
    text.as_bytes().iter().position(|&b| b == byte)
}

/// Each `/`-separated segment of `segments` added to `target` ([`resolve_segment`]); the
/// last of them is the path's last when `ends_path`.
fn resolve_segments(target: &mut String, segments: &str, ends_path: bool) {
    let mut start = 0;
    for (i, &b) in segments.as_bytes().iter().enumerate() {
        if b == b'/' {
            resolve_segment(target, &segments[start..i], false);
            start = i + 1;
        }
    }
    resolve_segment(target, &segments[start..], ends_path);
}

/// Ends a resolved path: the root's `/` when no segment is left, then the query.
fn end_target(target: &mut String, query: Option<&str>) {
    if target.is_empty() {
        target.push('/');
    }
    if let Some(query) = query {
        target.push('?');
        target.push_str(query);
    }
}

/// Adds `segment` to `target` (a path of whole segments, each after its `/`): `..` takes the
/// last one off, `.` adds nothing, and either, as the last segment, leaves a folder's `/`.
fn resolve_segment(target: &mut String, segment: &str, last: bool) {
    match segment {
        ".." => {
            if let Some(start) = target.as_bytes().iter().rposition(|&b| b == b'/') {
                target.truncate(start);
            }
            if last {
                target.push('/');
            }
        }
        "." => {
            if last {
                target.push('/');
            }
        }
        _ => {
            target.push('/');
            target.push_str(segment);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// [`resolve_plain`] as it was before session 46: the reference split, joined to the
    /// page's folder and its segments collected, then written out. The oracle of the one pass.
    fn resolve_plain_by_segments(page: &str, reference: &str) -> Option<String> {
        let reference = reference.split('#').next().unwrap_or_default();
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
        end_target(&mut target, query);
        Some(target)
    }

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

    proptest! {
        /// The one pass gives what the segments collected gave, for any page and reference
        /// made of the characters that steer resolving (dots, slashes, queries, fragments,
        /// escapes, colons) and some that are not plain.
        #[test]
        fn one_pass_resolves_as_the_segments_did(
            page in "/[a./?%:]{0,10}|[a.][a./?]{0,6}",
            reference in "[a./?#%2eE:~\\- م]{0,14}",
        ) {
            prop_assert_eq!(
                resolve_plain(&page, &reference),
                resolve_plain_by_segments(&page, &reference)
            );
        }

        #[test]
        fn one_pass_resolves_site_links_as_the_segments_did(
            page in "(/[a-z0-9.]{0,4}){0,4}/?(\\?order=oldest)?",
            ups in 0usize..5,
            down in "([a-z0-9.]{0,4}/){0,3}[a-z0-9.]{0,4}(\\?[a-z=/.]{0,6})?(#[a-z]{0,3})?",
        ) {
            let reference = format!("{}{down}", "../".repeat(ups));
            prop_assert_eq!(
                resolve_plain(&page, &reference),
                resolve_plain_by_segments(&page, &reference)
            );
            let absolute = format!("/{down}");
            prop_assert_eq!(
                resolve_plain(&page, &absolute),
                resolve_plain_by_segments(&page, &absolute)
            );
        }

        #[test]
        fn a_target_is_dynamic_as_before(target in "/(search|healthz|s|)[a-z./?]{0,8}") {
            let path = target.split('?').next().unwrap_or_default();
            let before = path == "/search"
                || path == "/search.json"
                || path.starts_with("/search/")
                || path == "/healthz";
            prop_assert_eq!(is_dynamic(&target), before);
        }
    }
}
