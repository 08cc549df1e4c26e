//! The web layer's error type: what can go wrong answering a request, and the status each
//! failure is.
//!
//! A handler returns [`WebError`]; its `IntoResponse` logs it, sets the status and leaves a
//! [`PendingErrorPage`] in the response's extensions. The page itself is rendered further out
//! by `pages::error`, which knows the request path and so how the page's links must climb.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

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
    /// 500: a JSON document could not be made (logged).
    #[error("cannot write JSON: {0}")]
    Data(String),
    /// 503, with `Retry-After`: the archive's download is being written, and as many
    /// downloads as the server streams meanwhile are running.
    #[error("the download is being prepared")]
    DownloadBusy,
}

/// Seconds a client is asked to wait before asking again for a download being prepared.
pub const RETRY_DOWNLOAD_AFTER: u32 = 30;

impl WebError {
    fn status(&self) -> StatusCode {
        match self {
            WebError::NotFound => StatusCode::NOT_FOUND,
            WebError::BadRequest(_) => StatusCode::BAD_REQUEST,
            WebError::UriTooLong => StatusCode::URI_TOO_LONG,
            WebError::QueryTooLong => StatusCode::BAD_REQUEST,
            WebError::SearchUnavailable | WebError::DownloadBusy => StatusCode::SERVICE_UNAVAILABLE,
            WebError::Render(_) | WebError::Search(_) | WebError::Data(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
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
            WebError::DownloadBusy => Some((
                "التنزيل قيد الإعداد",
                "يُعدّ الأرشيف ملف التنزيل الكامل الآن، وتجري تنزيلات أخرى منه. أعد المحاولة بعد قليل.",
            )),
            _ => None,
        }
    }
}

/// What the error page's middleware needs to know that a response is an error still to be
/// rendered: the error's own title and message when it has them, else `None` (the status's).
#[derive(Debug, Clone, Copy)]
pub struct PendingErrorPage(pub Option<(&'static str, &'static str)>);

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
        if matches!(self, WebError::DownloadBusy) {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, RETRY_DOWNLOAD_AFTER.into());
        }
        response
    }
}
