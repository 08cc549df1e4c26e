//! The page handlers, one file per page family, each with the askama struct of its template.
//! A handler reads the site from [`AppState`], builds its view from [`super::view`], and
//! answers through [`super::http::render`]; its failures are [`WebError`]s.
//!
//! [`AppState`]: super::site::AppState
//! [`WebError`]: super::http::error::WebError

pub(crate) mod about;
pub(crate) mod article;
pub(crate) mod facets;
pub(crate) mod feed;
pub(crate) mod health;
pub(crate) mod index;
pub mod search;
pub(crate) mod sitemap;
