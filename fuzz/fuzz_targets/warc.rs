//! Any bytes as a WARC file (plain or gzip members): the reader must go through to the end
//! without panicking or looping, every damaged place named by an offset inside the file.
#![no_main]

use arshif::capture::{self, PageError};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let crawl = capture::read_warc(std::io::Cursor::new(bytes), "fuzz.warc");
    for page in &crawl.pages {
        let offset = match page {
            Ok(c) => c.record.origin.offset.expect("a crawled page has its offset"),
            Err(PageError::Warc(e)) => e.offset,
            Err(PageError::Page { offset, .. }) => *offset,
        };
        assert!(offset < bytes.len() as u64, "offset {offset} past the end");
    }
});
