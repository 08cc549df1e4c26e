//! No file of `src/` is over 600 lines: a file that long holds more than one job (the house
//! rule the 1,100-line `archive/mod.rs` was split for). A test, so that CI says it rather than
//! a reviewer finding it later: session 28 found `parse/text.rs` at 610 lines after CI had
//! passed.

use std::path::{Path, PathBuf};

/// The most lines a source file may hold, its tests included.
const MOST: usize = 600;

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

#[test]
fn no_file_of_src_is_over_600_lines() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let files = rust_files(&src);
    assert!(
        files.len() > 20,
        "read {} files of {}",
        files.len(),
        src.display()
    );
    let long: Vec<String> = files
        .iter()
        .filter_map(|path| {
            let lines = std::fs::read_to_string(path).unwrap().lines().count();
            (lines > MOST).then(|| format!("{}: {lines} lines", path.display()))
        })
        .collect();
    assert!(
        long.is_empty(),
        "files over {MOST} lines:\n{}",
        long.join("\n")
    );
}
