//! A build folder's search index as another arshif would have left it: stamped with another
//! format than this one's (`arshif::search::INDEX_FORMAT`), and empty, so that served it would
//! find nothing (as an index of another term dictionary answers nothing but errors).

use std::fs;
use std::path::Path;

use arshif::archive::{self, compiled};
use arshif::search::{INDEX_FORMAT, build_index};
use serde_json::Value;

/// Replaces the index of the build folder `out` with an empty one stamped `stamp` (`None`:
/// unstamped, as every index before the stamp).
pub fn put_empty_index(out: &Path, stamp: Option<&str>) {
    let search = archive::search_dir(&compiled::path_in(out));
    fs::remove_dir_all(&search).unwrap();
    build_index(std::iter::empty(), &search).unwrap();
    let meta = search.join("meta.json");
    let mut json: Value = serde_json::from_slice(&fs::read(&meta).unwrap()).unwrap();
    json["payload"] = stamp.map_or(Value::Null, |s| Value::String(s.to_owned()));
    fs::write(&meta, serde_json::to_vec(&json).unwrap()).unwrap();
}

/// Whether the index of the build folder `out` is stamped with this arshif's format, as its
/// `meta.json` holds it.
pub fn is_of_this_format(out: &Path) -> bool {
    let search = archive::search_dir(&compiled::path_in(out));
    let json: Value = serde_json::from_slice(&fs::read(search.join("meta.json")).unwrap()).unwrap();
    json["payload"] == format!("arshif index format {INDEX_FORMAT}")
}
