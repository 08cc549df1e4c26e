//! Points of a build where a test stops it as `kill -9` would (`tests/killed_build.rs`): a
//! build that reaches the point set panics there, leaving on disk what a kill there leaves
//! (the temporary file of a cache not yet named aside). None is set outside those tests.

use std::sync::Mutex;

/// A point of a build, just after one of its steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KillPoint {
    /// The search index committed.
    IndexCommitted,
    /// The build cache renamed into place.
    CacheNamed,
}

static AT: Mutex<Option<KillPoint>> = Mutex::new(None);

/// Sets where the builds of this process stop (`None`: nowhere).
pub fn stop_at(point: Option<KillPoint>) {
    *AT.lock().unwrap_or_else(|e| e.into_inner()) = point;
}

/// Stops the build (a panic) when `point` is where it is to stop.
pub(super) fn reached(point: KillPoint) {
    if *AT.lock().unwrap_or_else(|e| e.into_inner()) == Some(point) {
        panic!("build killed at {point:?}");
    }
}
