//! One streaming pass over a page (lol_html): its visible text, rendered the way the text
//! dumps are made, and the tags only HTML has, kept raw for [`super::super::metadata`].
//!
//! The rendering, read off pairs of saved pages and their dumps:
//! - the `<title>` comes first, then every block of the body in document order;
//! - a block is the text between two boundaries; boundaries are the start and end tags of
//!   block elements (`p`, `div`, `li`, `td`, `h1`…, and `time`, `label`, form controls), and
//!   `<br>`; inline elements (`a`, `span`, `b`, `img`…) add nothing, so two adjacent links
//!   with no space between them read as one word, as they do in the dumps;
//! - whitespace, `&nbsp;` included, collapses to one space; empty blocks vanish; blocks are
//!   separated by a blank line;
//! - nothing of the `<head>` shows but its title, nor anything inside `script`, `style`,
//!   `template`, `noscript`, `iframe`, `svg`, `math`, `object`, `select` or `textarea`;
//!   attributes never show (no `alt`, no `title`, no `content`).

use std::cell::RefCell;
use std::rc::Rc;

use lol_html::html_content::{Element, EndTag, TextType};
use lol_html::{EndTagHandler, HtmlRewriter, Settings, doc_text, element};

/// A page's text and what its tags say.
#[derive(Debug, Default)]
pub struct Rendered {
    /// The visible text: the title, then one block a line, blocks apart by a blank line.
    pub text: String,
    pub found: Found,
}

/// The tags only HTML has, as written (attribute values entity-decoded).
#[derive(Debug, Default, Clone)]
pub struct Found {
    /// The first `<title>`, whitespace collapsed.
    pub title: Option<String>,
    /// Each `<meta>` with a `property`, `name` or `itemprop` (lower-cased) and a `content`.
    pub metas: Vec<(String, String)>,
    /// `<link rel="canonical" href>`.
    pub canonical: Option<String>,
    /// `<base href>`, against which a relative canonical link resolves.
    pub base: Option<String>,
    /// Each `<time datetime>`.
    pub times: Vec<TimeTag>,
    /// The text of each `<h1>`, whitespace collapsed.
    pub h1: Vec<String>,
    /// The text of each `<script type="application/ld+json">`.
    pub json_ld: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeTag {
    pub datetime: String,
    /// `itemprop`, lower-cased (`datepublished`, `datemodified`…), or empty.
    pub itemprop: String,
    /// The old `pubdate` attribute, or a class naming publication.
    pub marks_publication: bool,
}

/// What an element does to the rendering and the collection.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    /// Ends the block before it and starts a new one (and its end tag does the same).
    Block,
    /// Hidden with everything inside it.
    Hidden,
    Head,
    Body,
    Title,
    Meta,
    Link,
    Base,
    Script,
    Time,
    H1,
    Inline,
}

fn role(name: &str) -> Role {
    match name {
        "address" | "article" | "aside" | "blockquote" | "br" | "button" | "caption" | "center"
        | "dd" | "details" | "dialog" | "dir" | "div" | "dl" | "dt" | "fieldset" | "figcaption"
        | "figure" | "footer" | "form" | "h2" | "h3" | "h4" | "h5" | "h6" | "header" | "hgroup"
        | "hr" | "html" | "input" | "label" | "legend" | "li" | "main" | "menu" | "nav" | "ol"
        | "p" | "pre" | "section" | "summary" | "table" | "tbody" | "td" | "tfoot" | "th"
        | "thead" | "tr" | "ul" => Role::Block,
        "style" | "template" | "noscript" | "iframe" | "svg" | "math" | "object" | "select"
        | "textarea" | "noembed" | "noframes" => Role::Hidden,
        "head" => Role::Head,
        "body" => Role::Body,
        "title" => Role::Title,
        "meta" => Role::Meta,
        "link" => Role::Link,
        "base" => Role::Base,
        "script" => Role::Script,
        "time" => Role::Time,
        "h1" => Role::H1,
        _ => Role::Inline,
    }
}

/// Longest `<h1>` text kept: past this it is not a headline (an unclosed `<h1>`).
const MAX_H1_CHARS: usize = 1000;

#[derive(Default)]
struct State {
    out: String,
    /// The current block's text, entity-decoded, whitespace not yet collapsed.
    block: String,
    /// The current text node's raw chunks.
    raw: String,
    /// Depth of hidden elements around the current point.
    hidden: u32,
    in_head: bool,
    title: String,
    /// The `<h1>` being read, if any.
    h1: Option<String>,
    /// The JSON-LD script being read, if any.
    json_ld: Option<String>,
    found: Found,
}

impl State {
    /// Ends the current block: its text, collapsed, becomes a line of the output.
    fn flush(&mut self) {
        if self.block.is_empty() {
            return;
        }
        let start = self.out.len();
        if start > 0 {
            self.out.push_str("\n\n");
        }
        let body = self.out.len();
        push_collapsed(&mut self.out, &self.block);
        if self.out.len() == body {
            self.out.truncate(start);
        }
        self.block.clear();
    }

    fn visible(&self) -> bool {
        self.hidden == 0 && !self.in_head
    }
}

/// Appends `text` with each run of whitespace made one space, none at either end.
fn push_collapsed(out: &mut String, text: &str) {
    let start = out.len();
    for word in text.split_whitespace() {
        if out.len() > start {
            out.push(' ');
        }
        out.push_str(word);
    }
}

fn collapsed(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    push_collapsed(&mut s, text);
    s
}

type Shared = Rc<RefCell<State>>;

/// An end-tag handler that runs `f` on the state.
fn on_end(state: &Shared, f: impl FnOnce(&mut State) + 'static) -> EndTagHandler<'static> {
    let state = state.clone();
    Box::new(move |_: &mut EndTag<'_>| {
        f(&mut state.borrow_mut());
        Ok(())
    })
}

fn attr(el: &Element<'_, '_>, name: &str) -> Option<String> {
    el.get_attribute(name)
        .map(|v| htmlize::unescape_attribute(v).into_owned())
}

fn start_tag(state: &Shared, el: &mut Element<'_, '_>) {
    let name = el.tag_name();
    let role = role(&name);
    let mut s = state.borrow_mut();
    match role {
        Role::Inline | Role::Title => {}
        Role::Head => {
            s.in_head = true;
            if let Some(h) = el.end_tag_handlers() {
                h.push(on_end(state, |s| s.in_head = false));
            }
        }
        Role::Body => {
            s.in_head = false;
            s.flush();
        }
        Role::Hidden => {
            s.hidden += 1;
            match el.end_tag_handlers() {
                Some(h) => h.push(on_end(state, |s| s.hidden = s.hidden.saturating_sub(1))),
                // `<svg/>` and the like: nothing inside to hide.
                None => s.hidden -= 1,
            }
        }
        Role::Script => {
            let json = attr(el, "type").is_some_and(|t| t.to_ascii_lowercase().contains("ld+json"));
            if json {
                s.json_ld = Some(String::new());
            }
            if let Some(h) = el.end_tag_handlers() {
                h.push(on_end(state, |s| {
                    if let Some(j) = s.json_ld.take() {
                        s.found.json_ld.push(j);
                    }
                }));
            }
        }
        Role::Meta => {
            let key = ["property", "name", "itemprop"]
                .iter()
                .find_map(|k| el.get_attribute(k).filter(|v| !v.trim().is_empty()));
            if let (Some(key), Some(content)) = (key, attr(el, "content")) {
                s.found
                    .metas
                    .push((key.trim().to_ascii_lowercase(), content));
            }
        }
        Role::Link => {
            let canonical = el.get_attribute("rel").is_some_and(|r| {
                r.split_ascii_whitespace()
                    .any(|t| t.eq_ignore_ascii_case("canonical"))
            });
            if canonical && s.found.canonical.is_none() {
                s.found.canonical = attr(el, "href").filter(|h| !h.trim().is_empty());
            }
        }
        Role::Base => {
            if s.found.base.is_none() {
                s.found.base = attr(el, "href");
            }
        }
        Role::Time | Role::H1 | Role::Block => {
            if role == Role::Time
                && let Some(datetime) = attr(el, "datetime").filter(|d| !d.trim().is_empty())
            {
                let itemprop = el.get_attribute("itemprop").unwrap_or_default();
                let class = el
                    .get_attribute("class")
                    .unwrap_or_default()
                    .to_ascii_lowercase();
                s.found.times.push(TimeTag {
                    datetime,
                    itemprop: itemprop.to_ascii_lowercase(),
                    marks_publication: el.has_attribute("pubdate") || class.contains("publish"),
                });
            }
            if role == Role::H1 {
                s.h1 = Some(String::new());
            }
            if s.visible() {
                s.flush();
            }
            // A block closes whatever hidden element was left open inside it, as the HTML
            // parser does (`<p><svg>…</p>`): lol_html runs no end handler for those.
            let level = s.hidden;
            let h1 = role == Role::H1;
            if let Some(h) = el.end_tag_handlers() {
                h.push(on_end(state, move |s| {
                    s.hidden = s.hidden.min(level);
                    if h1 && let Some(t) = s.h1.take() {
                        let t = collapsed(&t);
                        if !t.is_empty() {
                            s.found.h1.push(t);
                        }
                    }
                    if s.visible() {
                        s.flush();
                    }
                }));
            }
        }
    }
}

fn text_chunk(state: &Shared, kind: TextType, chunk: &str, last: bool) {
    let mut s = state.borrow_mut();
    match kind {
        // `<title>`; a `<textarea>` is hidden.
        TextType::RCData if s.hidden == 0 => {
            s.title.push_str(chunk);
            if last && s.found.title.is_none() {
                let t = collapsed(&htmlize::unescape(s.title.as_str()));
                if !t.is_empty() {
                    s.found.title = Some(t);
                }
                s.title.clear();
            }
        }
        TextType::ScriptData => {
            if let Some(j) = &mut s.json_ld {
                j.push_str(chunk);
            }
        }
        TextType::Data if s.visible() => {
            s.raw.push_str(chunk);
            if last {
                let raw = std::mem::take(&mut s.raw);
                let text = htmlize::unescape(raw.as_str());
                s.block.push_str(&text);
                if let Some(h) = &mut s.h1 {
                    if h.len() < MAX_H1_CHARS {
                        h.push_str(&text);
                    } else {
                        s.h1 = None;
                    }
                }
                let mut raw = raw;
                raw.clear();
                s.raw = raw;
            }
        }
        _ => {}
    }
}

/// Renders `html` (already decoded) and collects its tags.
pub fn walk(html: &str) -> Rendered {
    let state: Shared = Rc::default();
    let (on_element, on_text) = (state.clone(), state.clone());
    let settings = Settings::new()
        .append_element_content_handler(element!("*", move |el| {
            start_tag(&on_element, el);
            Ok(())
        }))
        .append_document_content_handler(doc_text!(move |t| {
            text_chunk(&on_text, t.text_type(), t.as_str(), t.last_in_text_node());
            Ok(())
        }));
    // Not strict: markup lol_html cannot place without the DOM tree (`<select><xmp>…`)
    // is read as best it can rather than ending the page there; we only read.
    let mut rewriter = HtmlRewriter::new(settings.with_strict(false), |_: &[u8]| {});
    // The handlers never fail and no memory limit is set, so lol_html has nothing left to
    // report; if it did, what was read stays (and `end` must not follow a failed `write`).
    if rewriter.write(html.as_bytes()).is_ok() {
        let _ = rewriter.end();
    }
    let mut s = state.take();
    if !s.raw.is_empty() {
        let raw = std::mem::take(&mut s.raw);
        s.block.push_str(&htmlize::unescape(raw.as_str()));
    }
    s.flush();
    let mut text = String::with_capacity(s.out.len() + 256);
    if let Some(t) = &s.found.title {
        text.push_str(t);
        if !s.out.is_empty() {
            text.push_str("\n\n");
        }
    }
    text.push_str(&s.out);
    text.push('\n');
    Rendered {
        text,
        found: s.found,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(html: &str) -> String {
        walk(html).text
    }

    #[test]
    fn title_first_then_one_block_a_line() {
        let html = "<html><head><title> خبر  اليوم </title></head><body><div>أ<p>ب</p>ج</div><ul><li>د</li><li>هـ</li></ul></body></html>";
        assert_eq!(text(html), "خبر اليوم\n\nأ\n\nب\n\nج\n\nد\n\nهـ\n");
    }

    #[test]
    fn inline_elements_join_and_br_breaks() {
        let html = "<p><a>دخول</a><a>تسجيل</a> <b>الآن</b><br>سطر<span>ثان</span></p>";
        assert_eq!(text(html), "دخولتسجيل الآن\n\nسطرثان\n");
    }

    #[test]
    fn time_label_and_form_controls_are_their_own_lines() {
        let html = "<div><time datetime='2020-01-02'>GMT 17:27</time><time>(محدثة)</time><span>انسخ</span></div><span>Short URL</span><input value=x><button>Copy</button>";
        assert_eq!(
            text(html),
            "GMT 17:27\n\n(محدثة)\n\nانسخ\n\nShort URL\n\nCopy\n"
        );
    }

    #[test]
    fn hidden_content_and_attributes_never_show() {
        let html = r#"<head><meta name="description" content="وصف"><style>p{}</style>//stray head text</head><body><script>var a = "<p>x</p>";</script><noscript>فعّل جافاسكربت</noscript><template><p>قالب</p></template><svg><title>رمز</title><text>ن</text></svg><p><img alt="صورة" title="عنوان">نص</p><select><option>خيار</option></select><textarea>اكتب</textarea></body>"#;
        assert_eq!(text(html), "نص\n");
    }

    #[test]
    fn entities_and_whitespace() {
        let html = "<p>  أ&nbsp;&amp;&nbsp;ب\n\t&#8211; &quot;ج&quot;&hellip; &copy </p>";
        assert_eq!(text(html), "أ & ب – \"ج\"… ©\n");
    }

    #[test]
    fn an_unclosed_hidden_element_ends_with_its_block() {
        let html = "<div><p>أ<svg><g></p><p>ب</p></div>";
        assert_eq!(text(html), "أ\n\nب\n");
    }

    #[test]
    fn tags_only_html_has_are_collected() {
        let html = r#"<html><head>
            <meta property="og:title" content="عنوان &amp; آخر">
            <meta name="Author" content="سامر">
            <meta itemprop="datePublished" content="2020-03-17T17:27:41Z">
            <link rel="canonical" href="https://example.com/a/1">
            <base href="https://example.com/">
            <script type="application/ld+json">{"@type":"NewsArticle","headline":"<b>"}</script>
            <script>ignored()</script>
            </head><body><h1> عنوان <span>الخبر</span> </h1>
            <time datetime="2020-03-17T17:27" itemprop="dateCreated">x</time>
            <time pubdate datetime="2020-03-18">y</time></body></html>"#;
        let f = walk(html).found;
        assert_eq!(
            f.metas,
            [
                ("og:title".to_string(), "عنوان & آخر".to_string()),
                ("author".into(), "سامر".into()),
                ("datepublished".into(), "2020-03-17T17:27:41Z".into()),
            ]
        );
        assert_eq!(f.canonical.as_deref(), Some("https://example.com/a/1"));
        assert_eq!(f.base.as_deref(), Some("https://example.com/"));
        assert_eq!(f.json_ld, [r#"{"@type":"NewsArticle","headline":"<b>"}"#]);
        assert_eq!(f.h1, ["عنوان الخبر"]);
        assert_eq!(f.times.len(), 2);
        assert_eq!(f.times[0].itemprop, "datecreated");
        assert!(f.times[1].marks_publication);
    }

    #[test]
    fn markup_lol_html_finds_ambiguous_is_read_on() {
        // Found by fuzzing a real page: in strict mode lol_html stopped here, and calling
        // `end` after its error panicked.
        // (lol_html then reads the rest of this one as the `<xmp>`'s text, unlike a browser.)
        let html = r#"<p>قبل</p><select><xmp><script>"use strict";</script></select><p>بعد</p>"#;
        assert!(text(html).starts_with("قبل\n"));
    }

    #[test]
    fn empty_and_broken_input_render_without_panic() {
        assert_eq!(text(""), "\n");
        assert_eq!(text("<p"), "\n");
        assert_eq!(text("<title>t"), "t\n");
        assert_eq!(text("نص بلا وسوم"), "نص بلا وسوم\n");
    }
}
