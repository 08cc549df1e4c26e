//! The CI step that scores the parser (`scripts/eval/check.sh`: `scripts/eval/score.py` on
//! every set with a `gold.json`, against `tests/fixtures/score-floors.txt`) passes on today's
//! parser and fails when any figure drops: here it is run on deliberately worse parses, given
//! by a stand-in for `arshif parse`.
//!
//! Ignored by a plain `cargo test`, which needs only the Rust toolchain: the step needs
//! python3. `.ci/run` runs it (`--include-ignored`) before running the step itself.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const SETS: [&str; 3] = ["real-pages", "layouts", "real-pages-html"];

fn check(arshif: &Path, floors: Option<&Path>) -> (bool, String) {
    let mut cmd = Command::new(Path::new(ROOT).join("scripts/eval/check.sh"));
    cmd.arg(arshif);
    if let Some(floors) = floors {
        cmd.env("FLOORS", floors);
    }
    let Output {
        status,
        stdout,
        stderr,
    } = cmd.output().expect("check.sh runs");
    let text = String::from_utf8_lossy(&stdout).into_owned() + &String::from_utf8_lossy(&stderr);
    (status.success(), text)
}

/// Today's records of one set, as the real `arshif parse` prints them.
fn parse(set: &str) -> Vec<Value> {
    let dir = Path::new(ROOT).join("tests/fixtures").join(set);
    let mut dumps: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    dumps.sort();
    let out = Command::new(env!("CARGO_BIN_EXE_arshif"))
        .arg("parse")
        .args(&dumps)
        .output()
        .unwrap();
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// A stand-in for `arshif` whose `parse` prints the given records of the set its files are in.
fn stand_in(dir: &Path, real_pages: &[Value], layouts: &[Value]) -> PathBuf {
    for (set, records) in SETS.iter().zip([real_pages, layouts]) {
        let lines: Vec<String> = records.iter().map(Value::to_string).collect();
        std::fs::write(dir.join(format!("{set}.jsonl")), lines.join("\n") + "\n").unwrap();
    }
    let script = dir.join("arshif");
    let body = format!(
        "#!/bin/sh\ncase \"$2\" in\n  */real-pages/*) cat '{0}/real-pages.jsonl' ;;\n  *) cat '{0}/layouts.jsonl' ;;\nesac\nexit 1\n",
        dir.display()
    );
    std::fs::write(&script, body).unwrap();
    make_executable(&script);
    script
}

fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// The records that have an article (not the `{source, error}` of a page without one).
fn articles(records: &mut [Value]) -> impl Iterator<Item = &mut Value> {
    records.iter_mut().filter(|r| r.get("error").is_none())
}

/// Runs the step with the real-pages records made worse by `spoil` (the layouts as today) and
/// returns its output, after checking that it failed.
fn fails_with(spoil: impl FnOnce(&mut Vec<Value>)) -> String {
    let dir = tempfile::tempdir().unwrap();
    let mut real_pages = parse("real-pages");
    spoil(&mut real_pages);
    let arshif = stand_in(dir.path(), &real_pages, &parse("layouts"));
    let (ok, out) = check(&arshif, None);
    assert!(!ok, "the step passed on a worse parse:\n{out}");
    out
}

fn below(out: &str, figure: &str) -> bool {
    out.lines().any(|l| {
        l.starts_with("floor real-pages: ") && l.contains(figure) && l.ends_with("BELOW FLOOR")
    })
}

#[test]
#[ignore = "needs python3; .ci/run runs it"]
fn passes_on_todays_parser_and_prints_the_figures() {
    let (ok, out) = check(Path::new(env!("CARGO_BIN_EXE_arshif")), None);
    assert!(ok, "{out}");
    for set in SETS {
        for figure in [
            "fields right",
            "body F1",
            "boilerplate leaks",
            "wrong dates",
        ] {
            assert!(
                out.contains(&format!("floor {set}: {figure} ")),
                "{figure} of {set}:\n{out}"
            );
        }
    }
    assert_eq!(out.matches(", body P ").count(), 3, "{out}");
    assert!(!out.contains("BELOW FLOOR"), "{out}");
}

#[test]
#[ignore = "needs python3; .ci/run runs it"]
fn the_same_records_through_the_stand_in_pass() {
    // The stand-in itself does not make the step fail: the failures below are the scores'.
    let dir = tempfile::tempdir().unwrap();
    let arshif = stand_in(dir.path(), &parse("real-pages"), &parse("layouts"));
    let (ok, out) = check(&arshif, None);
    assert!(ok, "{out}");
}

#[test]
#[ignore = "needs python3; .ci/run runs it"]
fn fails_when_fields_drop() {
    let out = fails_with(|records| {
        for r in articles(records) {
            r["title"] = Value::from("عنوان آخر");
        }
    });
    assert!(below(&out, "fields right"), "{out}");
}

#[test]
#[ignore = "needs python3; .ci/run runs it"]
fn fails_when_body_f1_drops() {
    let out = fails_with(|records| {
        for r in articles(records) {
            r["body"].as_array_mut().unwrap().pop();
        }
    });
    assert!(below(&out, "body F1"), "{out}");
}

#[test]
#[ignore = "needs python3; .ci/run runs it"]
fn fails_when_boilerplate_leaks() {
    let gold: Vec<Value> = serde_json::from_str(
        &std::fs::read_to_string(Path::new(ROOT).join("tests/fixtures/real-pages/gold.json"))
            .unwrap(),
    )
    .unwrap();
    let page = gold
        .iter()
        .find(|g| g["must_not"].as_array().is_some_and(|m| !m.is_empty()));
    let page = page.expect("a gold page with must_not lines");
    let out = fails_with(|records| {
        let r = articles(records)
            .find(|r| {
                r["source"]
                    .as_str()
                    .unwrap()
                    .ends_with(page["file"].as_str().unwrap())
            })
            .unwrap();
        let junk = page["must_not"][0].clone();
        r["body"].as_array_mut().unwrap().push(junk);
    });
    assert!(below(&out, "boilerplate leaks"), "{out}");
}

#[test]
#[ignore = "needs python3; .ci/run runs it"]
fn fails_on_a_wrong_date() {
    let out = fails_with(|records| {
        let r = articles(records)
            .find(|r| r["published"].is_string())
            .expect("a dated record");
        r["published"] = Value::from("1999-01-01");
    });
    assert!(below(&out, "wrong dates"), "{out}");
}

#[test]
#[ignore = "needs python3; .ci/run runs it"]
fn fails_when_the_parse_crashes() {
    let dir = tempfile::tempdir().unwrap();
    let arshif = dir.path().join("arshif");
    std::fs::write(
        &arshif,
        "#!/bin/sh\necho 'thread main panicked' >&2\nexit 101\n",
    )
    .unwrap();
    make_executable(&arshif);
    let (ok, out) = check(&arshif, None);
    assert!(!ok, "{out}");
    assert!(
        out.contains("parse failed on real-pages (exit 101)"),
        "{out}"
    );
}

#[test]
#[ignore = "needs python3; .ci/run runs it"]
fn fails_when_a_set_has_no_floors() {
    let dir = tempfile::tempdir().unwrap();
    let floors = dir.path().join("floors.txt");
    std::fs::write(&floors, "real-pages 0 0.0 100 100\n").unwrap();
    let (ok, out) = check(Path::new(env!("CARGO_BIN_EXE_arshif")), Some(&floors));
    assert!(!ok, "{out}");
    assert!(out.contains("no floors for set 'layouts'"), "{out}");
}
