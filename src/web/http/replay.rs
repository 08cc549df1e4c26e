//! The layer that answers a kept page at once: [`ReplayLayer`] asks a function for the whole
//! response ([`response_cache::replay`] through the site's cache) before any inner layer
//! runs, and otherwise passes the request on and lets [`response_cache::learn`] keep the
//! headers the inner layers gave a kept page, for the next request.
//!
//! A hand-written service rather than `axum::middleware::from_fn`: `from_fn` clones its inner
//! stack and boxes a future for every request, which is what this layer is here to skip.

use std::task::{Context, Poll};

use axum::extract::Request;
use axum::response::Response;
use futures_util::FutureExt as _;
use futures_util::future::{Either, Map, Ready, ready};
use tower::{Layer, Service};

use super::response_cache;

/// Wraps a service in [`Replay`] with `answer`: the response to send without the inner
/// service, if there is one.
#[derive(Clone)]
pub struct ReplayLayer<F> {
    answer: F,
}

impl<F> ReplayLayer<F> {
    pub fn new(answer: F) -> Self {
        ReplayLayer { answer }
    }
}

impl<S, F: Clone> Layer<S> for ReplayLayer<F> {
    type Service = Replay<S, F>;

    fn layer(&self, inner: S) -> Self::Service {
        Replay {
            inner,
            answer: self.answer.clone(),
        }
    }
}

/// See the module comment.
#[derive(Clone)]
pub struct Replay<S, F> {
    inner: S,
    answer: F,
}

type Learnt<E> = fn(Result<Response, E>) -> Result<Response, E>;

fn learnt<E>(mut result: Result<Response, E>) -> Result<Response, E> {
    if let Ok(response) = &mut result {
        response_cache::learn(response);
    }
    result
}

impl<S, F> Service<Request> for Replay<S, F>
where
    S: Service<Request, Response = Response>,
    F: Fn(&Request) -> Option<Response>,
{
    type Response = Response;
    type Error = S::Error;
    type Future = Either<Ready<Result<Response, S::Error>>, Map<S::Future, Learnt<S::Error>>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        match (self.answer)(&request) {
            Some(response) => Either::Left(ready(Ok(response))),
            None => Either::Right(self.inner.call(request).map(learnt as Learnt<S::Error>)),
        }
    }
}
