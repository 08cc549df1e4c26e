//! Snapshots of the whole record the parser makes of every dump the repository keeps: the five
//! seeds (`articles/`), the real pages (`tests/fixtures/real-pages/`), the odd inputs
//! (`tests/fixtures/odd/`) and the made-up layouts (`tests/fixtures/layouts/`). A change to any
//! field of any record shows in review as a diff of `tests/snapshots/`.
//!
//! The snapshots hold the parser's output as it is, its mistakes included: they show change, not
//! truth. Truth is each set's `gold.json`, scored by `scripts/eval/check.sh`. After a parser
//! change, run `INSTA_UPDATE=always cargo test --test records` (or `cargo insta review`) and
//! read every changed snapshot before committing it.

use std::path::Path;

use serde_json::{Value, json};

/// The record of one dump, or the error that refuses it. Named by the file name alone, so no
/// snapshot depends on where the repository is checked out.
fn record(path: &Path) -> Value {
    let name = path.file_name().unwrap().to_string_lossy();
    let bytes = std::fs::read(path).unwrap();
    match arshif::parse_dump(&bytes, &name) {
        Ok(article) => serde_json::to_value(article).unwrap(),
        Err(error) => json!({ "source": name, "error": error.to_string() }),
    }
}

#[test]
fn seeds() {
    insta::glob!("../articles", "*.txt", |path| {
        insta::assert_json_snapshot!(record(path));
    });
}

#[test]
fn real_pages() {
    insta::glob!("fixtures/real-pages/*.txt", |path| {
        insta::assert_json_snapshot!(record(path));
    });
}

#[test]
fn odd_inputs() {
    insta::glob!("fixtures/odd/*", |path| {
        insta::assert_json_snapshot!(record(path));
    });
}

#[test]
fn layouts() {
    insta::glob!("fixtures/layouts/*.txt", |path| {
        insta::assert_json_snapshot!(record(path));
    });
}
