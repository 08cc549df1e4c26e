//! Link previews: the Open Graph and Twitter card `<meta>` tags a page carries so that a chat
//! app or a social site shows its title, a line of its text and its address when it is shared.
//!
//! Every URL here is the page's canonical one, from [`Links`]: made from the configured public
//! address, never from the request's `Host` header (see `links`). Without a public address
//! the tags that need a URL are left out and the others stay.

use super::SITE_NAME;
use super::links::Links;
use crate::parse::Article;

/// About how long a preview's description may be, in characters; it is cut at a word
/// boundary at or before this, as share cards show two or three lines.
pub const DESCRIPTION_CHARS: usize = 200;

/// What `macros.html`'s `preview` writes into a page's `<head>` (see [`Preview::tags`]).
pub struct Preview {
    /// `og:type`: `article` or `website`.
    pub kind: &'static str,
    pub site_name: &'static str,
    pub title: String,
    pub description: Option<String>,
    /// `og:url`: the page's canonical URL.
    pub url: Option<String>,
    /// `article:published_time` and `article:modified_time`, RFC 3339.
    pub published: Option<String>,
    pub modified: Option<String>,
}

impl Preview {
    /// The preview of an index or about page.
    pub fn website(links: &Links, title: &str, description: &str) -> Preview {
        Preview {
            kind: "website",
            site_name: SITE_NAME,
            title: title.to_owned(),
            description: Some(description.to_owned()),
            url: links.canonical(),
            published: None,
            modified: None,
        }
    }

    /// The preview of an article's page; `links` must name the article as its page.
    pub fn article(links: &Links, a: &Article) -> Preview {
        let lead = a
            .body
            .iter()
            .chain(&a.subtitle)
            .map(|p| p.trim())
            .find(|p| !p.is_empty());
        Preview {
            kind: "article",
            site_name: SITE_NAME,
            title: super::title_of(a).to_owned(),
            description: lead.map(|p| shorten(p, DESCRIPTION_CHARS)),
            url: links.canonical(),
            published: a.published.map(|d| d.rfc3339()),
            modified: a.updated.map(|d| d.rfc3339()),
        }
    }
}

impl Preview {
    /// The `<meta>` tags, as (attribute, its value, `content`): Open Graph's by `property`,
    /// Twitter's by `name`. A tag whose value is unknown is left out.
    pub fn tags(&self) -> Vec<(&'static str, &'static str, &str)> {
        fn og<'a>(
            key: &'static str,
            content: &'a Option<String>,
        ) -> Option<(&'static str, &'static str, &'a str)> {
            content.as_deref().map(|c| ("property", key, c))
        }
        let mut tags = vec![
            ("property", "og:type", self.kind),
            ("property", "og:site_name", self.site_name),
            ("property", "og:locale", "ar_AR"),
            ("property", "og:title", &self.title),
        ];
        tags.extend(og("og:description", &self.description));
        tags.extend(og("og:url", &self.url));
        tags.extend(og("article:published_time", &self.published));
        tags.extend(og("article:modified_time", &self.modified));
        tags.push(("name", "twitter:card", "summary"));
        tags.push(("name", "twitter:title", &self.title));
        tags.extend(
            self.description
                .as_deref()
                .map(|d| ("name", "twitter:description", d)),
        );
        tags
    }
}

/// `text` cut to at most `max` characters (not bytes: Arabic letters are two bytes each) at
/// the last space before the limit, with `…` when anything was cut. Whitespace runs become
/// one space, and punctuation left dangling at the cut goes.
pub fn shorten(text: &str, max: usize) -> String {
    // The words up to the first that takes the text past `max`: the cut falls before it, so
    // a long paragraph is not split and joined whole (split whole, an article's lead was
    // 14,600 instructions, notes/serve-bench.md, session 46).
    let mut words: Vec<&str> = Vec::new();
    let mut chars = 0;
    for word in text.split_whitespace() {
        chars += word.chars().count() + usize::from(!words.is_empty());
        words.push(word);
        if chars > max {
            break;
        }
    }
    cut(&words, max)
}

/// `words` joined by spaces when that is at most `max` characters, else cut as [`shorten`]
/// says: the words that fit with the ellipsis after them.
fn cut(words: &[&str], max: usize) -> String {
    let whole = words.join(" ");
    if whole.chars().count() <= max {
        return whole;
    }
    let mut out = String::new();
    let mut len = 0;
    for word in words {
        let extra = word.chars().count() + usize::from(!out.is_empty());
        // Leave room for the ellipsis.
        if len + extra + 1 > max {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
        len += extra;
    }
    if out.is_empty() {
        // One word longer than the limit: cut inside it rather than show nothing.
        out = whole.chars().take(max - 1).collect();
    }
    let kept = out
        .trim_end_matches(|c: char| c.is_ascii_punctuation() || "،؛:".contains(c))
        .len();
    out.truncate(kept);
    out + "…"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::Date;

    #[test]
    fn short_text_is_kept_whole() {
        assert_eq!(shorten("خبر  قصير\nجدًا", 200), "خبر قصير جدًا");
    }

    #[test]
    fn long_text_is_cut_at_a_word() {
        let text = "كلمة ".repeat(100);
        let short = shorten(&text, 200);
        assert!(short.chars().count() <= 200, "{short}");
        assert!(short.ends_with("كلمة…"), "{short}");
        // Nothing but whole words before the ellipsis.
        assert!(short.trim_end_matches('…').split(' ').all(|w| w == "كلمة"));
    }

    #[test]
    fn dangling_punctuation_goes() {
        assert_eq!(shorten("واحد، اثنان ثلاثة", 10), "واحد…");
        assert_eq!(shorten("واحد، اثنان ثلاثة", 14), "واحد، اثنان…");
        assert_eq!(shorten("one, two three", 8), "one…");
    }

    #[test]
    fn one_long_word_is_cut_inside() {
        let short = shorten(&"ب".repeat(300), 200);
        assert_eq!(short.chars().count(), 200);
        assert!(short.ends_with('…'));
    }

    #[test]
    fn article_preview_reads_the_record() {
        let a = Article {
            id: "x".into(),
            title: "عنوان".into(),
            body: vec!["  ".into(), "الفقرة الأولى.".into(), "الثانية.".into()],
            published: Date::parse("2015-09-18T16:41").ok(),
            updated: Date::parse("2015-09-19T08:00+03:00").ok(),
            ..Article::default()
        };
        let mut links =
            Links::for_path("/articles/x").with_site(Some("https://example.org/a/".into()));
        links.set_here(crate::web::view::links::article_path("x"));
        let p = Preview::article(&links, &a);
        assert_eq!(p.kind, "article");
        assert_eq!(p.title, "عنوان");
        assert_eq!(p.description.as_deref(), Some("الفقرة الأولى."));
        assert_eq!(p.url.as_deref(), Some("https://example.org/a/articles/x"));
        assert_eq!(p.published.as_deref(), Some("2015-09-18T16:41:00Z"));
        assert_eq!(p.modified.as_deref(), Some("2015-09-19T08:00:00+03:00"));
        let p = Preview::article(&Links::for_path("/articles/x"), &Article::default());
        assert_eq!((p.url, p.description), (None, None));
    }

    /// [`shorten`] as it was before session 46, splitting the whole text: the oracle.
    fn shorten_whole(text: &str, max: usize) -> String {
        let words: Vec<&str> = text.split_whitespace().collect();
        cut(&words, max)
    }

    proptest::proptest! {
        /// Cut from the words it needs, a text is shortened as when it was split whole: any
        /// words, long ones, runs of spaces, punctuation at any cut, any limit.
        #[test]
        fn a_text_is_shortened_as_when_split_whole(
            text in "([ \\n]{0,3}(ب{1,12}|[a-z]{1,30}|[.،؛:!]|\\PC{1,4})){0,60}",
            max in 1usize..240,
        ) {
            proptest::prop_assert_eq!(shorten(&text, max), shorten_whole(&text, max));
        }
    }
}
