//! Any bytes as a saved HTML page: decoding, rendering, metadata and the parser must return
//! (a record or an error) without panicking, and the record must hold its promises.
#![no_main]

use arshif::capture::{self, Served, stamp::Stamp};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let rendered = capture::html::walk(&String::from_utf8_lossy(bytes));
    assert!(rendered.text.ends_with('\n'));
    assert!(!rendered.text.contains("\n\n\n"), "an empty block was kept");
    let Ok(c) = capture::read_html(bytes, "fuzz.html", &Served::default()) else {
        return;
    };
    let a = &c.record.article;
    assert!(!a.title.trim().is_empty(), "an article without a title");
    assert!(!a.body.is_empty(), "an article without a body");
    for d in [&a.published, &a.updated].into_iter().flatten() {
        assert!(Stamp::parse(d).is_some(), "{d} is not a date");
    }
});
