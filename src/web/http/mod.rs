//! HTTP mechanics around the pages, none of which knows what a page says: the error type,
//! the caching rules, the one render helper, the kept responses, their content codings and
//! the layer that replays them,
//! the embedded static files, the security headers and the request limits.

pub(crate) mod assets;
pub mod cache_policy;
pub mod coding;
mod encoders;
pub(crate) mod error;
pub mod limits;
pub mod render;
pub mod replay;
pub mod response_cache;
pub mod security;
