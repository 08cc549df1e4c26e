//! A capture's address: a canonical link made absolute, and the normal form of a URL, from
//! which the archive derives a crawled article's id, so that the same page fetched twice,
//! or by another path to the same address, is one article.

use url::Url;

/// `href` made absolute against `base`; only web addresses (`http`, `https`) are kept.
pub fn absolute(href: &str, base: Option<&str>) -> Option<String> {
    let href = href.trim();
    let url = Url::parse(href)
        .ok()
        .or_else(|| Url::parse(base?.trim()).ok()?.join(href).ok())?;
    matches!(url.scheme(), "http" | "https").then(|| url.to_string())
}

/// Query parameters that only say how a reader arrived (campaigns, click ids): two links
/// that differ by them alone are the same page.
const TRACKING: &[&str] = &[
    "fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "_ga", "ocid", "cmpid", "ref",
];

/// The normal form: `https`, lower-case host without `www.`, no default port, no user, no
/// fragment, no trailing slash, no tracking parameters, the others sorted, percent escapes
/// in upper case. `None` for what is not a web address.
pub fn normal(url: &str) -> Option<String> {
    let u = Url::parse(url.trim()).ok()?;
    if !matches!(u.scheme(), "http" | "https") {
        return None;
    }
    let host = u.host_str()?.trim_end_matches('.').to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host).to_string();
    let mut query: Vec<(String, String)> = u
        .query_pairs()
        .filter(|(k, _)| {
            let k = k.to_ascii_lowercase();
            !k.starts_with("utm_") && !TRACKING.contains(&k.as_str())
        })
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    query.sort();
    let path = u.path().trim_end_matches('/');
    let mut out = format!("https://{host}");
    if let Some(port) = u.port().filter(|&p| p != 80 && p != 443) {
        out.push_str(&format!(":{port}"));
    }
    out.push_str(&upper_escapes(path));
    if !query.is_empty() {
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        q.extend_pairs(&query);
        out.push('?');
        out.push_str(&q.finish());
    }
    Some(out)
}

/// `%d8%a3` and `%D8%A3` are one byte: write every escape one way.
fn upper_escapes(path: &str) -> String {
    let b = path.as_bytes();
    let mut out = String::with_capacity(path.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && b[i + 1].is_ascii_hexdigit()
            && b[i + 2].is_ascii_hexdigit()
        {
            out.push('%');
            out.push(char::from(b[i + 1].to_ascii_uppercase()));
            out.push(char::from(b[i + 2].to_ascii_uppercase()));
            i += 3;
        } else {
            let c = path[i..].chars().next().unwrap_or('\u{fffd}');
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_of_one_address_share_a_normal_form() {
        let forms = [
            "https://www.example.com/news/2020/11/2338761/",
            "http://example.com/news/2020/11/2338761",
            "HTTPS://Example.COM:443/news/2020/11/2338761/#comments",
            "https://example.com/news/2020/11/2338761?utm_source=rss&fbclid=x",
        ];
        let normals: Vec<_> = forms.iter().map(|f| normal(f).unwrap()).collect();
        assert!(
            normals
                .iter()
                .all(|n| n == "https://example.com/news/2020/11/2338761"),
            "{normals:?}"
        );
    }

    #[test]
    fn what_tells_pages_apart_is_kept() {
        assert_ne!(
            normal("https://e.com/story?id=1"),
            normal("https://e.com/story?id=2")
        );
        assert_eq!(
            normal("https://e.com/s?b=2&a=1"),
            normal("https://e.com/s?a=1&b=2")
        );
        assert_ne!(normal("https://e.com:8080/a"), normal("https://e.com/a"));
        assert_eq!(
            normal("https://e.com/%d8%a3-%D8%A8").unwrap(),
            normal("https://e.com/أ-ب").unwrap()
        );
        assert_eq!(normal("mailto:a@e.com"), None);
        assert_eq!(normal("not a url"), None);
    }

    #[test]
    fn relative_canonical_links_resolve_against_the_base() {
        assert_eq!(
            absolute("/a/1", Some("https://e.com/x/y")).as_deref(),
            Some("https://e.com/a/1")
        );
        assert_eq!(
            absolute("https://e.com/a", None).as_deref(),
            Some("https://e.com/a")
        );
        assert_eq!(absolute("/a/1", None), None);
        assert_eq!(absolute("javascript:void(0)", Some("https://e.com/")), None);
    }
}
