//! The web layer's error type and the Arabic error page every failed request gets.
//!
//! A handler returns [`WebError`]; its `IntoResponse` sets the status and leaves the error in
//! the response's extensions. The [`render_errors`] middleware, which knows the request path
//! and so how the page's relative links must climb (see `links`), renders `error.html` for it,
//! and for any other error response (axum's own 405 or a malformed path), so a reader never
//! meets an English or empty error.

use askama::Template;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::cache_policy::CachePolicy;
use super::render::render;
use crate::web::view::links::Links;

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// 404: no such page, article, index page or static file.
    #[error("not found")]
    NotFound,
    /// 400: a query parameter the site does not understand (`?page=abc`, `?order=sideways`).
    #[error("bad request: {0}")]
    BadRequest(String),
    /// 414: a request path and query longer than [`super::limits::MAX_URI_BYTES`].
    #[error("URI too long")]
    UriTooLong,
    /// 400: a search query longer than [`crate::web::pages::search::MAX_QUERY_CHARS`].
    #[error("search query too long")]
    QueryTooLong,
    /// 503: the site runs without a search index.
    #[error("no search index")]
    SearchUnavailable,
    /// 500: a template failed to render. Logged; the reader sees only that something failed.
    #[error("cannot render a page: {0}")]
    Render(#[from] askama::Error),
    /// 500: the search index failed to answer (a broken or vanished index folder).
    #[error("search failed: {0}")]
    Search(String),
}

impl WebError {
    fn status(&self) -> StatusCode {
        match self {
            WebError::NotFound => StatusCode::NOT_FOUND,
            WebError::BadRequest(_) => StatusCode::BAD_REQUEST,
            WebError::UriTooLong => StatusCode::URI_TOO_LONG,
            WebError::QueryTooLong => StatusCode::BAD_REQUEST,
            WebError::SearchUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            WebError::Render(_) | WebError::Search(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The page's title and message, when this error needs its own rather than its status's.
    fn wording(&self) -> Option<(&'static str, &'static str)> {
        match self {
            WebError::QueryTooLong => Some((
                "عبارة البحث أطول من اللازم",
                "اختصر ما تبحث عنه إلى بضع كلمات، فالبحث يجد المقالات التي تضمّها كلها.",
            )),
            WebError::SearchUnavailable => Some((
                "البحث غير متاح",
                "لا يملك الخادم فهرس البحث الآن. يمكنك تصفّح المقالات من الفهرس أو بحسب الشهر والمطبوعة.",
            )),
            _ => None,
        }
    }
}

/// What the middleware needs to know that a response is an error still to be rendered, with
/// the error's own wording when it has one.
#[derive(Debug, Clone, Copy)]
struct PendingErrorPage(Option<(&'static str, &'static str)>);

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            tracing::error!("{self}");
        } else {
            tracing::debug!("{self}");
        }
        let mut response = status.into_response();
        response
            .extensions_mut()
            .insert(PendingErrorPage(self.wording()));
        response
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    links: Links,
    status: u16,
    title: &'static str,
    message: &'static str,
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
/// to the path that was asked for. Headers the error set (`Allow` on a 405) are kept.
pub async fn render_errors(request: Request, next: Next) -> Response {
    let links = Links::for_path(request.uri().path());
    let mut response = next.run(request).await;
    let status = response.status();
    let pending = response.extensions_mut().remove::<PendingErrorPage>();
    if pending.is_none() && !status.is_client_error() && !status.is_server_error() {
        return response;
    }
    let (title, message) = pending.and_then(|p| p.0).unwrap_or_else(|| wording(status));
    let page = ErrorPage {
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
