//! The only code that writes `Cache-Control`.

use axum::http::HeaderValue;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CachePolicy {
    /// Pages and plain-named static files: they change when the archive is rebuilt or the
    /// binary upgraded, so caches keep them briefly (issue 4 makes this configurable).
    Short,
    /// Static files under a content-hashed name: that name never serves other bytes.
    Immutable,
    /// Error pages: a missing article may be added by the next build.
    NoStore,
}

impl CachePolicy {
    pub fn header_value(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            CachePolicy::Short => "public, max-age=300",
            CachePolicy::Immutable => "public, max-age=31536000, immutable",
            CachePolicy::NoStore => "no-store",
        })
    }
}
