//! Any text as one line for the date reader: every date it finds is a real calendar day (and
//! time), and it points inside the line.
#![no_main]

use arshif::parse::dates::{find_dates, find_hijri, is_iso_date};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|line: &str| {
    for d in find_dates(line) {
        assert!(is_iso_date(&d.iso()), "{} from {line:?}", d.iso());
        assert!(
            line.is_char_boundary(d.start),
            "start {} in {line:?}",
            d.start
        );
    }
    if let Some(h) = find_hijri(line) {
        assert!(!h.is_empty());
    }
    let _ = is_iso_date(line);
});
