//! The page handlers, one file per page family, each with the askama struct of its template,
//! and the error page every failed request gets. A handler reads the site from [`AppState`],
//! takes its [`Links`] as an argument (the extractor below), builds its view from
//! [`super::view`], and answers through [`super::http::render`]; its failures are
//! [`WebError`]s.
//!
//! [`WebError`]: super::http::error::WebError

pub(crate) mod about;
pub(crate) mod article;
pub(crate) mod cite;
pub mod data;
pub(crate) mod error;
pub(crate) mod facets;
pub(crate) mod feed;
pub(crate) mod health;
pub(crate) mod index;
pub mod search;
pub(crate) mod sitemap;

use std::convert::Infallible;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use super::site::AppState;
use super::view::links::{Links, public_site};

/// Every page handler can ask for its links as an argument: relative to the request path,
/// absolute from the public address (see [`super::view::links`]).
impl FromRequestParts<AppState> for Links {
    type Rejection = Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let site = public_site(&state.config, &parts.headers);
        Ok(Links::for_path(parts.uri.path()).with_site(site))
    }
}
