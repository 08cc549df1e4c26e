//! `/about`: the archivist's `about.md`, or a short default when the folder has none.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use crate::web::http::cache_policy::CachePolicy;
use crate::web::http::error::WebError;
use crate::web::http::render::render;
use crate::web::site::AppState;
// The templates' `link` and `linked_html` (every link a page writes, handed to the export).
use crate::web::view::links::Links;
use crate::web::view::page_links::filters;
use crate::web::view::preview::{DESCRIPTION_CHARS, Preview, shorten};
use crate::web::view::{counts, markdown};

/// What the page says when the folder has no `about.md`; also its preview's description.
const DEFAULT_ABOUT: &str = "هذا أرشيف لصفحات أخبار عربية جُمعت من الشبكة، نُظّفت نصوصها ورُتّبت بحسب تاريخ نشرها. يُعرض كل مقال كما نُشر، ومعه نصّه الأصلي كما حُفظ.";

#[derive(Template)]
#[template(path = "about.html")]
struct AboutPage {
    links: Links,
    /// `about.md` rendered; `None` shows the default text.
    about_html: Option<String>,
    count: String,
    default_about: &'static str,
    dated: usize,
    preview: Preview,
}

pub async fn show(State(state): State<AppState>, links: Links) -> Result<Response, WebError> {
    let site = state.site();
    let archive = &site.archive;
    let description = shorten(
        &format!(
            "{DEFAULT_ABOUT} يضمّ الأرشيف الآن {}.",
            counts::ARTICLES.count(archive.len())
        ),
        DESCRIPTION_CHARS,
    );
    let page = AboutPage {
        preview: Preview::website(&links, "عن الأرشيف", &description),
        links,
        about_html: archive.about().map(markdown::to_safe_html),
        count: counts::ARTICLES.count(archive.len()),
        default_about: DEFAULT_ABOUT,
        dated: archive.dated_oldest_first().len(),
    };
    render(&page, StatusCode::OK, CachePolicy::Short)
}
