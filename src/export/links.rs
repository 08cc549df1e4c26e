//! What a page links to: every `href` and `src` of its HTML, and each as a path on this site
//! (or not), resolved against the page's own path as a browser resolves it.

/// Every `href` and `src` of an HTML page, entities decoded, as a browser reads them.
///
/// The page is read by HTML's own tokenizer rules, kept to what finds attributes: text is
/// skipped with `memchr` to the next `<`, comments, declarations and the raw text of
/// `<script>`, `<style>` (and the other raw-text elements) are passed over whole, and a start
/// tag's attributes are read quoted three ways. lol_html, which this replaced, tokenised
/// every byte of every page: 9.5% of a default export's instructions (notes/serve-bench.md,
/// session 25). `tests/export.rs` checks it finds what `scraper` (html5ever) finds on every
/// page of an export.
pub fn links(html: &[u8]) -> Vec<String> {
    let mut found = Vec::new();
    let mut at = 0;
    while let Some(lt) = memchr::memchr(b'<', &html[at..]) {
        let next = at + lt + 1;
        at = match html.get(next) {
            Some(b'!') => past_declaration(html, next + 1),
            Some(b'?') => past(html, next, b">"),
            Some(b'/') => match html.get(next + 1) {
                Some(c) if c.is_ascii_alphabetic() => {
                    past_tag(html, next + 1, &mut Vec::new()).map_or(html.len(), |(end, _)| end)
                }
                Some(b'>') => next + 2,
                Some(_) => past(html, next + 1, b">"),
                None => html.len(),
            },
            Some(c) if c.is_ascii_alphabetic() => {
                let mut attributes = Vec::new();
                match past_tag(html, next, &mut attributes) {
                    None => html.len(),
                    Some((end, name)) => {
                        found.append(&mut attributes);
                        let raw = RAW_TEXT
                            .iter()
                            .find(|r| name.eq_ignore_ascii_case(r.as_bytes()));
                        match raw {
                            Some(&"plaintext") => html.len(),
                            Some(raw) => past_end_tag(html, end, raw),
                            None => end,
                        }
                    }
                }
            }
            _ => next,
        };
    }
    found
}

/// The elements whose content is text up to their end tag, however it looks (html5ever's
/// with scripting on, as `scraper` parses: `noscript` too).
const RAW_TEXT: [&str; 10] = [
    "script",
    "style",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "noscript",
    "title",
    "textarea",
    "plaintext",
];

/// HTML's whitespace between attributes.
fn is_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
}

/// Where the first `needle` from `from` ends, or the end of the page.
fn past(html: &[u8], from: usize, needle: &[u8]) -> usize {
    memchr::memmem::find(&html[from.min(html.len())..], needle)
        .map_or(html.len(), |i| from + i + needle.len())
}

/// After `<!` at `from`: a comment (`<!-->` and `<!--->` end at once, others at `-->` or
/// `--!>`), or a doctype or bogus comment, which ends at the first `>`.
fn past_declaration(html: &[u8], from: usize) -> usize {
    let rest = &html[from.min(html.len())..];
    let Some(comment) = rest.strip_prefix(b"--") else {
        return past(html, from, b">");
    };
    if comment.starts_with(b">") {
        return from + 3;
    }
    if comment.starts_with(b"->") {
        return from + 4;
    }
    let body = from + 2;
    let dashes = past(html, body, b"-->");
    let bang = past(html, body, b"--!>");
    dashes.min(bang)
}

/// Reads the tag whose name starts at `from` (just after `<` or `</`): where it ends (past
/// its `>`) and its name, or `None` when the page ends inside it (the tag then does not
/// count); each `href` and `src` goes to `links` (the first of each name, as the tokenizer
/// keeps it).
fn past_tag<'h>(html: &'h [u8], from: usize, links: &mut Vec<String>) -> Option<(usize, &'h [u8])> {
    let name_end = html[from..]
        .iter()
        .position(|&b| is_space(b) || b == b'/' || b == b'>')
        .map_or(html.len(), |i| from + i);
    let name = &html[from..name_end];
    let (mut href, mut src) = (false, false);
    let mut at = name_end;
    loop {
        // Before an attribute's name: a `/` between attributes is as good as a space.
        while at < html.len() && (is_space(html[at]) || html[at] == b'/') {
            at += 1;
        }
        match html.get(at) {
            None => return None,
            Some(b'>') => return Some((at + 1, name)),
            Some(_) => {}
        }
        // Its name: a first `=` belongs to it.
        let start = at;
        at += 1;
        while at < html.len() && !(is_space(html[at]) || b"/>=".contains(&html[at])) {
            at += 1;
        }
        let attribute = &html[start..at];
        while at < html.len() && is_space(html[at]) {
            at += 1;
        }
        let value = if html.get(at) == Some(&b'=') {
            at += 1;
            while at < html.len() && is_space(html[at]) {
                at += 1;
            }
            match html.get(at) {
                None => return None,
                Some(&quote @ (b'"' | b'\'')) => {
                    let len = memchr::memchr(quote, &html[at + 1..])?;
                    let value = &html[at + 1..at + 1 + len];
                    at += len + 2;
                    value
                }
                // A missing value: the tag ends here.
                Some(b'>') => &html[at..at],
                Some(_) => {
                    let start = at;
                    while at < html.len() && !is_space(html[at]) && html[at] != b'>' {
                        at += 1;
                    }
                    &html[start..at]
                }
            }
        } else {
            &html[at..at]
        };
        let first = if attribute.eq_ignore_ascii_case(b"href") {
            !std::mem::replace(&mut href, true)
        } else if attribute.eq_ignore_ascii_case(b"src") {
            !std::mem::replace(&mut src, true)
        } else {
            false
        };
        if first {
            let value = String::from_utf8_lossy(value);
            links.push(htmlize::unescape_attribute(value.as_ref()).into_owned());
        }
    }
}

/// Past the raw text of the element `name` that starts at `from`: past its end tag (`</name`
/// in any case, then a space, `/` or `>`), or at the page's end.
fn past_end_tag(html: &[u8], from: usize, name: &str) -> usize {
    let mut at = from.min(html.len());
    while let Some(i) = memchr::memmem::find(&html[at..], b"</") {
        let tag = at + i + 2;
        let after = tag + name.len();
        let named = html
            .get(tag..after)
            .is_some_and(|n| n.eq_ignore_ascii_case(name.as_bytes()));
        if named
            && html
                .get(after)
                .is_none_or(|&b| is_space(b) || b == b'/' || b == b'>')
        {
            return at + i;
        }
        at = tag;
    }
    html.len()
}

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
    let reference = match base {
        Some(base) if reference.starts_with(base) => {
            format!("/{}", &reference[base.len()..])
        }
        _ => reference.to_owned(),
    };
    if let Some(target) = resolve_plain(page, &reference) {
        return Some(target);
    }
    let page_url = url::Url::parse(&format!("{ORIGIN}{page}")).ok()?;
    let resolved = page_url.join(&reference).ok()?;
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
    let plain = |b: u8| b.is_ascii_alphanumeric() || b"-._~!$&()*+,;=:@/%?".contains(&b);
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
        path.to_owned()
    } else {
        let dir = &page_path[..page_path.rfind('/')? + 1];
        format!("{dir}{path}")
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

    /// What html5ever's tree (through `scraper`) holds, against the scanner, on the corners
    /// of the tokenizer: quoting, case, repeated attributes, comments, raw text, end tags
    /// and a page cut inside a tag.
    #[test]
    fn links_are_what_a_full_parser_finds() {
        let pages = [
            r#"<a href=a href=b><A HREF="C"></A><img src='d' SRC=e href="f">"#,
            r#"<a/href="g"/><a href = "h" ><a href="i"src="j"><a =href="k"><a href=l/>"#,
            r#"<!--><a href=1><!---><a href=2><!-- <a href=no> --!><a href=3>"#,
            r#"<!doctype html><a href=4><?php echo '<a href=no>' ?><a href=5>"#,
            r#"<script><a href=no></scripts></script ><a href=6><SCRIPT>"</a href=no>"</ScRiPt>"#,
            r#"<style>a{}</style/><a href=7><title><a href=no></title><a href=8>"#,
            r#"<textarea><a href=no></TEXTAREA><a href=9></a href="no"><p>1 < 2 </ 3 <a href=10>"#,
            r#"<noscript><a href=no></noscript><iframe><a href=no></iframe><a href="&amp;&lt;&#34;x">"#,
            r#"<a href><a href=""><a href=><a href=11 title='>'><p>x</p><a href="12"#,
            "<a\thref=\"13\"\nsrc=14><xmp><a href=no></xmp><plaintext><a href=no>",
        ];
        for page in pages {
            // Every element's attributes, as the tree holds them (one of each name).
            let tree = scraper::Html::parse_document(page);
            let mut parsed: Vec<String> = tree
                .root_element()
                .descendent_elements()
                .flat_map(|e| e.value().attrs())
                .filter(|(name, _)| matches!(*name, "href" | "src"))
                .map(|(_, value)| value.to_owned())
                .collect();
            parsed.sort();
            let mut scanned = links(page.as_bytes());
            scanned.sort();
            assert_eq!(scanned, parsed, "{page}");
        }
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
}
