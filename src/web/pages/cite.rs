//! An article's reference as a file to import into a reference manager:
//! `/articles/{id}.bib` (BibTeX) and `/articles/{id}.ris` (RIS), with the content type each
//! format is known by and a file name. The page's citation line is made by the same
//! [`reference`].

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::parse::Article;
use crate::parse::Date;
use crate::web::http::cache_policy::CachePolicy;
use crate::web::view::citation::Citation;
use crate::web::view::links::{Links, article_path};

/// The two formats of the downloads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Bibtex,
    Ris,
}

impl Format {
    pub fn suffix(self) -> &'static str {
        match self {
            Format::Bibtex => ".bib",
            Format::Ris => ".ris",
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Format::Bibtex => "application/x-bibtex; charset=utf-8",
            Format::Ris => "application/x-research-info-systems; charset=utf-8",
        }
    }
}

/// The reference to `a` as retrieved today, with the page's absolute URL when the public
/// address is known.
pub fn reference(links: &Links, a: &Article) -> Citation {
    let url = links.absolute(&article_path(&a.id));
    Citation::new(a, url, Date::utc_day_of(std::time::SystemTime::now()))
}

/// `GET /articles/{id}.bib` and `.ris`. Browsers may keep it (`Private`), caches not: it says
/// the day it was retrieved.
pub fn download(links: &Links, a: &Article, format: Format) -> Response {
    let citation = reference(links, a);
    let body = match format {
        Format::Bibtex => citation.bibtex(),
        Format::Ris => citation.ris(),
    };
    let disposition = format!(
        "attachment; filename=\"{}{}\"",
        citation.key,
        format.suffix()
    );
    let disposition = HeaderValue::from_str(&disposition)
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
    (
        StatusCode::OK,
        CachePolicy::Private,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(format.content_type()),
            ),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response()
}
