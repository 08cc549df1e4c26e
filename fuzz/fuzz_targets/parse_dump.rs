//! Any bytes as a dump: the parser must return (an article or an error) without panicking,
//! and what it returns must hold the record's promises.
#![no_main]

use arshif::parse::dates::is_iso_date;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let Ok(a) = arshif::parse_dump(bytes, "fuzz.txt") else {
        return;
    };
    assert!(!a.title.trim().is_empty(), "an article without a title");
    assert!(!a.body.is_empty(), "an article without a body");
    for d in [&a.published, &a.updated].into_iter().flatten() {
        assert!(is_iso_date(d), "{d} is not a calendar date");
    }
});
