//! `GET /healthz`: for load balancers and monitoring. It answers once the archive is loaded
//! (the server listens only then) and is never cached.

use axum::http::{HeaderValue, header};
use axum::response::IntoResponse;

use crate::web::http::cache_policy::CachePolicy;

pub async fn show() -> impl IntoResponse {
    (
        CachePolicy::NoStore,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        )],
        "ok\n",
    )
}
