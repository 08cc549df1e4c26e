//! The one helper every page goes through (HTML, and the feed, sitemaps and robots.txt):
//! render, then status, content type, cache policy and `ETag` in one place. The canonical
//! link is the template's, from [`Links`].
//!
//! While the static export awaits a response ([`handing_links`]), a page also hands over the
//! links its template wrote ([`HandedLinks`], a response extension): the export follows them
//! without reading the HTML again (`view::page_links`).
//!
//! [`Links`]: crate::web::view::links::Links

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::cache_policy::{CachePolicy, ETag};
use super::error::WebError;
use crate::web::view::page_links::Collector;

pub const HTML: &str = "text/html; charset=utf-8";

tokio::task_local! {
    /// Set while the static export awaits a response: pages hand over their links.
    static HANDING_LINKS: ();
}

/// Every `href` and `src` a page's template wrote, in order, entities not yet escaped (as a
/// browser reads them): an extension of a response rendered under [`handing_links`].
#[derive(Debug, Clone, Default)]
pub struct HandedLinks(pub Vec<String>);

/// Awaits `future` (a response) with every page rendered in it handing over its links.
pub async fn handing_links<F: std::future::Future>(future: F) -> F::Output {
    HANDING_LINKS.scope((), future).await
}

/// An HTML response for `page`, or the error that stopped it rendering. A 200 carries the
/// `ETag` of its bytes, hashed once here.
pub fn render(
    page: &impl Template,
    status: StatusCode,
    cache: CachePolicy,
) -> Result<Response, WebError> {
    render_as(page, status, cache, HTML)
}

/// [`render`] for a document that is not HTML, sent as `content_type`.
pub fn render_as(
    page: &impl Template,
    status: StatusCode,
    cache: CachePolicy,
    content_type: &'static str,
) -> Result<Response, WebError> {
    let (body, handed) = if HANDING_LINKS.try_with(|_| ()).is_ok() {
        let collector = Collector::default();
        let body = render_sized(page, &collector.values()).map_err(WebError::Render)?;
        (body, Some(HandedLinks(collector.into_links())))
    } else {
        (page.render().map_err(WebError::Render)?, None)
    };
    let etag = (status == StatusCode::OK)
        .then(|| ETag::of(body.as_bytes()))
        .flatten();
    let mut response = (
        status,
        cache,
        [(header::CONTENT_TYPE, HeaderValue::from_static(content_type))],
        etag,
        body,
    )
        .into_response();
    if let Some(handed) = handed {
        response.extensions_mut().insert(handed);
    }
    Ok(response)
}

thread_local! {
    /// The length of the last page of each template this thread rendered for the export,
    /// by the template's type name.
    static LAST_LENGTHS: std::cell::RefCell<Vec<(&'static str, usize)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// `page` rendered with `values` as `render_with_values` renders it, into a string made as
/// large as this thread's last page of the same template, and a little more: grown from
/// askama's size hint, a page's string doubled some ten times, copying itself each time
/// (54,000 growths, 34 M instructions at 1,000 articles, notes/serve-bench.md, session 46).
/// For the export only, whose bodies are written out and dropped: the server's response
/// cache keeps each body with the capacity it was made with.
fn render_sized<T: Template>(page: &T, values: &dyn askama::Values) -> askama::Result<String> {
    let name = std::any::type_name::<T>();
    let last = LAST_LENGTHS.with_borrow(|lengths| {
        lengths
            .iter()
            .find(|(template, _)| *template == name)
            .map(|&(_, length)| length)
    });
    let mut body = String::with_capacity(last.map_or(T::SIZE_HINT, |n| n + n / 8));
    page.render_into_with_values(&mut body, values)?;
    LAST_LENGTHS.with_borrow_mut(|lengths| {
        match lengths.iter_mut().find(|(template, _)| *template == name) {
            Some(kept) => kept.1 = body.len(),
            None => lengths.push((name, body.len())),
        }
    });
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Template)]
    #[template(
        source = "<p>{{ text }}</p>{% for _ in 0..*times %}<i>{{ text }}</i>{% endfor %}",
        ext = "html"
    )]
    struct Repeated<'a> {
        text: &'a str,
        times: &'a usize,
    }

    /// Rendered into a string sized from the last page, a page is the string askama renders,
    /// whether the last page was shorter, longer or the same.
    #[test]
    fn a_page_sized_from_the_last_is_the_page_rendered() {
        let values = ("none", &() as &dyn std::any::Any);
        for times in [3, 300, 0, 300, 299, 5000, 1] {
            let page = Repeated {
                text: "نص \"مقتبس\" & <b>",
                times: &times,
            };
            let sized = render_sized(&page, &values).unwrap();
            assert_eq!(sized, page.render_with_values(&values).unwrap(), "{times}");
            assert!(sized.capacity() >= sized.len());
        }
    }
}
