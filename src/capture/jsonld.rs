//! Schema.org article records in a page's JSON-LD (`<script type="application/ld+json">`).
//!
//! News sites write them in many shapes: one object, an array, a `@graph`, the article as
//! the `mainEntity` of a `WebPage`; `@type` as a string, an array or a full URL; `author`
//! as a string, an object or an array of either. Only article types count: a `WebSite`'s
//! name or an `Organization`'s logo says nothing about the story.

use serde_json::Value;

/// What one article object states.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct LdArticle {
    pub headline: Option<String>,
    pub published: Option<String>,
    pub modified: Option<String>,
    pub created: Option<String>,
    pub authors: Vec<String>,
    pub publisher: Option<String>,
    pub url: Option<String>,
}

/// Deepest nesting searched for the article (`@graph` in an array in a `mainEntity`…).
const MAX_DEPTH: usize = 4;

/// The article objects of every script, the outermost first.
pub fn articles(scripts: &[String]) -> Vec<LdArticle> {
    let mut found = Vec::new();
    for script in scripts {
        if let Some(value) = parse(script) {
            collect(&value, 0, &mut found);
        }
    }
    found
}

/// Parses a script, forgiving what sites get wrong: a CDATA or comment wrapper, and raw
/// line breaks or tabs inside strings (invalid JSON, common in hand-made templates).
fn parse(script: &str) -> Option<Value> {
    let unwrapped;
    let script = if script.contains("<![CDATA[") || script.contains("<!--") {
        unwrapped = script
            .replace("<![CDATA[", "")
            .replace("]]>", "")
            .replace("<!--", "")
            .replace("-->", "");
        unwrapped.as_str()
    } else {
        script
    };
    let start = script.find(['{', '['])?;
    let close = if script[start..].starts_with('{') {
        '}'
    } else {
        ']'
    };
    let end = script.rfind(close)?;
    if end < start {
        return None;
    }
    let body = &script[start..=end];
    serde_json::from_str(body).ok().or_else(|| {
        let cleaned: String = body
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        serde_json::from_str(&cleaned).ok()
    })
}

fn collect(value: &Value, depth: usize, out: &mut Vec<LdArticle>) {
    if depth > MAX_DEPTH {
        return;
    }
    match value {
        Value::Array(items) => items.iter().for_each(|v| collect(v, depth + 1, out)),
        Value::Object(map) => {
            if is_article(map.get("@type")) {
                out.push(read(map));
            }
            for key in ["@graph", "mainEntity", "mainEntityOfPage"] {
                if let Some(v) = map.get(key).filter(|v| v.is_array() || v.is_object()) {
                    collect(v, depth + 1, out);
                }
            }
        }
        _ => {}
    }
}

fn is_article(kind: Option<&Value>) -> bool {
    let one = |t: &str| {
        let t = t.rsplit(['/', ':', '#']).next().unwrap_or(t);
        t.ends_with("Article") || matches!(t, "BlogPosting" | "LiveBlogPosting" | "Report")
    };
    match kind {
        Some(Value::String(t)) => one(t),
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).any(one),
        _ => false,
    }
}

fn read(map: &serde_json::Map<String, Value>) -> LdArticle {
    let field = |key: &str| map.get(key).and_then(text);
    LdArticle {
        headline: field("headline").or_else(|| field("name")),
        published: field("datePublished"),
        modified: field("dateModified"),
        created: field("dateCreated"),
        authors: map.get("author").map(names).unwrap_or_default(),
        publisher: map
            .get("publisher")
            .and_then(|p| names(p).into_iter().next()),
        url: field("url").or_else(|| {
            map.get("mainEntityOfPage")
                .and_then(|m| m.get("@id").or(Some(m)))
                .and_then(text)
        }),
    }
}

/// A text value: a string, the first string of an array, or an `@value` object; entities
/// decoded (some templates write them into JSON) and whitespace collapsed.
fn text(value: &Value) -> Option<String> {
    let s = match value {
        Value::String(s) => s.as_str(),
        Value::Array(items) => return items.iter().find_map(text),
        Value::Object(map) => return map.get("@value").and_then(text),
        _ => return None,
    };
    let s = htmlize::unescape(s);
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    (!s.is_empty()).then_some(s)
}

/// Names of people or organisations: a string, an object's `name`, or an array of those.
fn names(value: &Value) -> Vec<String> {
    match value {
        Value::Array(items) => items.iter().flat_map(names).collect(),
        Value::Object(map) => map.get("name").and_then(text).into_iter().collect(),
        other => text(other).into_iter().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(script: &str) -> LdArticle {
        let mut all = articles(&[script.to_string()]);
        assert_eq!(all.len(), 1, "{all:?}");
        all.remove(0)
    }

    #[test]
    fn a_plain_news_article() {
        let a = one(
            r#"{"@context":"https://schema.org","@type":"NewsArticle","headline":"عنوان الخبر",
               "datePublished":"2021-05-02T10:00:00+03:00","dateModified":"2021-05-02T12:00:00+03:00",
               "author":{"@type":"Person","name":"سامر خليل"},
               "publisher":{"@type":"Organization","name":"صوت الريف","logo":{"url":"x.png"}},
               "mainEntityOfPage":{"@type":"WebPage","@id":"https://example.com/a/1"}}"#,
        );
        assert_eq!(a.headline.as_deref(), Some("عنوان الخبر"));
        assert_eq!(a.published.as_deref(), Some("2021-05-02T10:00:00+03:00"));
        assert_eq!(a.modified.as_deref(), Some("2021-05-02T12:00:00+03:00"));
        assert_eq!(a.authors, ["سامر خليل"]);
        assert_eq!(a.publisher.as_deref(), Some("صوت الريف"));
        assert_eq!(a.url.as_deref(), Some("https://example.com/a/1"));
    }

    #[test]
    fn graph_arrays_and_type_forms() {
        let graph = r#"{"@context":"https://schema.org","@graph":[
            {"@type":"WebSite","name":"الموقع"},
            {"@type":["Article","NewsArticle"],"headline":"أ","author":[{"name":"س"},"ص"]}]}"#;
        let a = one(graph);
        assert_eq!(a.headline.as_deref(), Some("أ"));
        assert_eq!(a.authors, ["س", "ص"]);
        let array = r#"[{"@type":"BreadcrumbList"},{"@type":"http://schema.org/ReportageNewsArticle","headline":"ب","author":"ع"}]"#;
        assert_eq!(one(array).authors, ["ع"]);
        let page = r#"{"@type":"WebPage","mainEntity":{"@type":"BlogPosting","name":"ج"}}"#;
        assert_eq!(one(page).headline.as_deref(), Some("ج"));
    }

    #[test]
    fn broken_json_that_sites_write_is_forgiven() {
        let raw_newline = "//<![CDATA[\n{\"@type\":\"NewsArticle\",\"headline\":\"سطر\nثان &quot;هنا&quot;\"}\n//]]>";
        assert_eq!(
            one(raw_newline).headline.as_deref(),
            Some("سطر ثان \"هنا\"")
        );
        assert!(articles(&["{not json".into(), "".into(), "]x[".into()]).is_empty());
    }

    #[test]
    fn non_article_types_say_nothing() {
        let s =
            r#"{"@type":"Organization","name":"الموقع","@graph":[{"@type":"Person","name":"س"}]}"#;
        assert!(articles(&[s.to_string()]).is_empty());
    }
}
