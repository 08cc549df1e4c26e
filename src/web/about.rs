//! `/about`: the archivist's `about.md`, or a short default when the folder has none.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use super::cache::CachePolicy;
use super::error::WebError;
use super::links::Links;
use super::{AppState, markdown, page};

#[derive(Template)]
#[template(path = "about.html")]
struct AboutPage {
    links: Links,
    /// `about.md` rendered; `None` shows the default text.
    about_html: Option<String>,
    count: String,
    dated: usize,
}

pub async fn show(State(state): State<AppState>, links: Links) -> Result<Response, WebError> {
    let site = state.site();
    let archive = &site.archive;
    let page = AboutPage {
        links,
        about_html: archive.about().map(markdown::to_safe_html),
        count: super::articles_count(archive.len()),
        dated: archive.dated_oldest_first().len(),
    };
    page::render(&page, StatusCode::OK, CachePolicy::Short)
}
