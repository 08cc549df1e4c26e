//! The files of `static/`, embedded in the binary and served under content-hashed names.
//!
//! Embedding keeps the archive one self-contained binary (nothing to install beside it, no
//! path to get wrong). Each file is also reachable as `name.<hash>.ext`; only that form is
//! cached as immutable, and pages link only to it, so a new binary's CSS reaches readers at
//! once. The stylesheet names its fonts by plain name; they are rewritten to the hashed names
//! before the stylesheet's own hash is taken.

use std::collections::HashMap;
use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use super::cache_policy::{self, CachePolicy};
use super::error::WebError;
use crate::stable_hash::stable_hash;

/// (name under `static/`, bytes, content type). The stylesheet comes last: it is rewritten
/// with the hashed names of the files before it.
const FILES: [(&str, &[u8], &str); 5] = [
    (
        "icon.svg",
        include_bytes!("../../../static/icon.svg"),
        "image/svg+xml",
    ),
    (
        "fonts/noto-naskh-arabic-regular.woff2",
        include_bytes!("../../../static/fonts/noto-naskh-arabic-regular.woff2"),
        "font/woff2",
    ),
    (
        "fonts/noto-naskh-arabic-bold.woff2",
        include_bytes!("../../../static/fonts/noto-naskh-arabic-bold.woff2"),
        "font/woff2",
    ),
    (
        "fonts/OFL.txt",
        include_bytes!("../../../static/fonts/OFL.txt"),
        "text/plain; charset=utf-8",
    ),
    (
        "style.css",
        include_bytes!("../../../static/style.css"),
        "text/css; charset=utf-8",
    ),
];

struct Asset {
    bytes: Vec<u8>,
    content_type: &'static str,
    /// Its `ETag`, hashed once when the table is made.
    etag: HeaderValue,
}

struct Assets {
    files: Vec<Asset>,
    /// Plain name → (index in `files`, hashed name).
    plain: HashMap<&'static str, (usize, String)>,
    /// Hashed name → index in `files`.
    hashed: HashMap<String, usize>,
}

static ASSETS: LazyLock<Assets> = LazyLock::new(|| {
    let mut assets = Assets {
        files: Vec::new(),
        plain: HashMap::new(),
        hashed: HashMap::new(),
    };
    for (name, bytes, content_type) in FILES {
        let mut bytes = bytes.to_vec();
        if content_type.starts_with("text/css") {
            let mut css = String::from_utf8(bytes).expect("static/style.css is UTF-8");
            for (plain, (_, hashed)) in &assets.plain {
                css = css.replace(&format!("url(\"{plain}\")"), &format!("url(\"{hashed}\")"));
            }
            bytes = css.into_bytes();
        }
        let hashed = with_hash(name, &bytes);
        let index = assets.files.len();
        let etag = cache_policy::etag(&bytes);
        assets.files.push(Asset {
            bytes,
            content_type,
            etag,
        });
        assets.hashed.insert(hashed.clone(), index);
        assets.plain.insert(name, (index, hashed));
    }
    assets
});

/// `fonts/a.woff2` → `fonts/a.0123456789.woff2`.
fn with_hash(name: &str, bytes: &[u8]) -> String {
    let hash = format!("{:016x}", stable_hash(bytes));
    let hash = &hash[..10];
    match name.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}.{hash}.{ext}"),
        None => format!("{name}.{hash}"),
    }
}

/// The content-hashed name of a static file given by its plain name.
///
/// # Panics
/// When `name` is not one of `static/`'s files: a template names a file that does not exist,
/// which the HTTP tests catch on the first page they render.
pub fn hashed_name(name: &str) -> &'static str {
    match ASSETS.plain.get(name) {
        Some((_, hashed)) => hashed,
        None => panic!("no static file named {name:?}"),
    }
}

/// Every static file's path from the site's root under its content-hashed name
/// (`static/fonts/a.0123456789.woff2`), for the static export.
pub fn hashed_paths() -> impl Iterator<Item = String> {
    ASSETS.hashed.keys().map(|name| format!("static/{name}"))
}

/// `GET /static/{*path}`: a hashed name is immutable; a plain name is served too (for
/// hand-written links), with a short cache life.
pub async fn serve(Path(path): Path<String>) -> Result<Response, WebError> {
    let (index, cache) = if let Some(&i) = ASSETS.hashed.get(path.as_str()) {
        (i, CachePolicy::Immutable)
    } else if let Some((i, _)) = ASSETS.plain.get(path.as_str()) {
        (*i, CachePolicy::Short)
    } else {
        return Err(WebError::NotFound);
    };
    let asset = &ASSETS.files[index];
    Ok((
        cache,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(asset.content_type),
            ),
            (header::ETAG, asset.etag.clone()),
        ],
        asset.bytes.as_slice(),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stylesheet_names_the_hashed_fonts() {
        let css = &ASSETS.files[ASSETS.plain["style.css"].0].bytes;
        let css = std::str::from_utf8(css).unwrap();
        let font = hashed_name("fonts/noto-naskh-arabic-regular.woff2");
        assert!(font.starts_with("fonts/noto-naskh-arabic-regular."));
        assert!(css.contains(&format!("url(\"{font}\")")), "{css}");
        assert!(!css.contains("url(\"fonts/noto-naskh-arabic-regular.woff2\")"));
    }
}
