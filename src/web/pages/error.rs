//! The Arabic error page every failed request gets, whatever failed: a handler's
//! [`WebError`], axum's own 405 or malformed path, the limits' 413 and 414, the timeout's 503.
//!
//! [`render_errors`] sits outside the handlers and renders `error.html` for any response of
//! status 400 and up, with the error's own wording when [`WebError`] left one, else its
//! status's, so a reader never meets an English or empty error. It knows the request path,
//! and so how the page's relative links must climb (see `view::links`).
//!
//! [`WebError`]: crate::web::http::error::WebError

use askama::Template;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::web::http::cache_policy::CachePolicy;
use crate::web::http::error::PendingErrorPage;
use crate::web::http::render::render;
// The templates' `link` and `linked_html` (every link a page writes, handed to the export).
use crate::web::view::links::Links;
use crate::web::view::page_links::filters;
use crate::web::view::preview::Preview;

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    links: Links,
    status: u16,
    title: &'static str,
    message: &'static str,
    /// The basic link preview every page has (no `og:url`: an error is no address).
    preview: Preview,
}

fn wording(status: StatusCode) -> (&'static str, &'static str) {
    match status {
        StatusCode::NOT_FOUND => (
            "الصفحة غير موجودة",
            "لم نجد في الأرشيف ما طلبت. ربما تغيّر الرابط أو كُتب خطأً؛ الفهرس يسرد كل المقالات المحفوظة.",
        ),
        StatusCode::BAD_REQUEST => (
            "طلب غير مفهوم",
            "في الرابط معطى لا يفهمه الأرشيف، كرقم صفحة غير صالح أو ترتيب غير معروف.",
        ),
        StatusCode::METHOD_NOT_ALLOWED => (
            "طريقة غير مسموح بها",
            "هذا الأرشيف للقراءة فقط: لا يقبل إلا طلبات القراءة.",
        ),
        StatusCode::URI_TOO_LONG => (
            "الرابط أطول من اللازم",
            "لا يقبل الأرشيف رابطًا بهذا الطول؛ روابطه كلها قصيرة.",
        ),
        StatusCode::PAYLOAD_TOO_LARGE => (
            "الطلب أكبر من اللازم",
            "هذا الأرشيف للقراءة فقط ولا يقبل طلبات بهذا الحجم.",
        ),
        StatusCode::SERVICE_UNAVAILABLE => (
            "الخادم مشغول",
            "لم يتمكن الأرشيف من عرض هذه الصفحة في الوقت المحدد. حاول مرة أخرى بعد قليل.",
        ),
        s if s.is_server_error() => (
            "خطأ في الخادم",
            "تعذّر عرض هذه الصفحة بسبب خطأ عندنا، لا عندك. حاول مرة أخرى بعد قليل.",
        ),
        _ => ("تعذّر الطلب", "لم يتمكن الأرشيف من تلبية هذا الطلب."),
    }
}

/// Gives every error response (status 400 and up) the Arabic error page, with links relative
/// to the path that was asked for, and, given the public address `site`, the feed link and
/// link preview of every other page (but no canonical link: the page is no address of its
/// own). Headers the error set (`Allow` on a 405) are kept.
pub async fn render_errors(site: Option<String>, request: Request, next: Next) -> Response {
    let links = Links::for_path(request.uri().path())
        .with_site(site)
        .without_canonical();
    let mut response = next.run(request).await;
    let status = response.status();
    let pending = response.extensions_mut().remove::<PendingErrorPage>();
    if pending.is_none() && !status.is_client_error() && !status.is_server_error() {
        return response;
    }
    let (title, message) = pending.and_then(|p| p.0).unwrap_or_else(|| wording(status));
    let page = ErrorPage {
        preview: Preview::website(&links, title, message),
        links,
        status: status.as_u16(),
        title,
        message,
    };
    match render(&page, status, CachePolicy::NoStore) {
        Ok(mut rendered) => {
            let (mut parts, _) = response.into_parts();
            parts.headers.remove(header::CONTENT_LENGTH);
            parts.headers.extend(rendered.headers_mut().drain());
            parts.extensions.insert(CachePolicy::NoStore);
            Response::from_parts(parts, rendered.into_body())
        }
        Err(e) => {
            // The error page itself failed: say so plainly rather than loop.
            tracing::error!("{e}");
            (status, CachePolicy::NoStore, "error").into_response()
        }
    }
}
