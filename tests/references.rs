//! The seeds' BibTeX and RIS downloads imported by the parsers reference managers' users
//! reach for, Python's `bibtexparser` and `rispy` (`tests/references/check.py`), every field
//! checked against the article's record; the hostile article too, for the escaping.
//!
//! `#[ignore]`d because it needs those packages: `.ci/run` installs them in a venv at
//! `target/ci-python` (or set `ARSHIF_PYTHON` to an interpreter that has them). A missing
//! interpreter or package fails the test, never skips it.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::process;
use common::*;
use serde_json::{Value, json};

fn python() -> PathBuf {
    match std::env::var_os("ARSHIF_PYTHON") {
        Some(p) => p.into(),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("target/ci-python/bin/python3"),
    }
}

fn words(v: &Value) -> Option<String> {
    let s = v.as_str()?.split_whitespace().collect::<Vec<_>>().join(" ");
    (!s.is_empty()).then_some(s)
}

/// What the reference to `record` (a record as `/articles/{id}.json` gives it) must say.
fn expected(record: &Value, base: &str, retrieved: &str) -> Value {
    let id = record["id"].as_str().unwrap();
    let date = record["published"].as_str().map(|d| {
        arshif::parse::Date::parse(d)
            .unwrap()
            .day_only()
            .to_string()
    });
    json!({
        "key": format!("arshif-{id}"),
        "title": words(&record["title"]).unwrap_or_else(|| "(بلا عنوان)".into()),
        "author": words(&record["author"]),
        "outlet": words(&record["publication"]).or_else(|| words(&record["agency"])),
        "date": date,
        "url": format!("{base}articles/{id}"),
        "retrieved": retrieved,
    })
}

#[tokio::test]
#[ignore = "needs Python with bibtexparser and rispy (.ci/run installs them)"]
async fn bibtex_and_ris_import_with_reference_managers_parsers() {
    let python = python();
    assert!(
        python.is_file(),
        "{} is missing: .ci/run makes it (python3 -m venv target/ci-python; pip install bibtexparser rispy)",
        python.display()
    );
    let base = "https://example.org/archive/";
    let config = || arshif::web::Config {
        base_url: Some(base.parse().unwrap()),
        ..arshif::web::Config::default()
    };
    let build = tempfile::tempdir().unwrap();
    let (site, _) = arshif::web::site::open(
        &process::articles(),
        build.path(),
        arshif::web::site::Build::IfStale,
    )
    .unwrap();
    let ids: Vec<String> = site
        .archive
        .entries()
        .iter()
        .map(|e| e.article.id.clone())
        .collect();
    assert_eq!(ids.len(), 5, "the five seeds");
    let seeds_app = arshif::web::app(arshif::web::AppState::with_site(site, config()));
    let hostile_app = router_with(vec![hostile()], None, config());

    let retrieved = arshif::parse::Date::utc_day_of(std::time::SystemTime::now()).to_string();
    let dir = tempfile::tempdir().unwrap();
    let mut cases = Vec::new();
    let all = ids
        .iter()
        .map(|id| (&seeds_app, id.as_str()))
        .chain([(&hostile_app, "hostile")]);
    for (app, id) in all {
        let record =
            serde_json::from_slice::<Value>(&get(app, &format!("/articles/{id}.json")).await.bytes)
                .unwrap()["record"]
                .clone();
        let mut case = json!({ "expect": expected(&record, base, &retrieved) });
        for kind in ["bib", "ris"] {
            let reply = get(app, &format!("/articles/{id}.{kind}")).await;
            assert_eq!(reply.status, axum::http::StatusCode::OK, "{id}.{kind}");
            let file = dir.path().join(format!("{id}.{kind}"));
            std::fs::write(&file, &reply.bytes).unwrap();
            case[kind] = json!(file);
        }
        cases.push(case);
    }
    let cases_file = dir.path().join("cases.json");
    std::fs::write(&cases_file, serde_json::to_vec_pretty(&cases).unwrap()).unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/references/check.py");
    let out = Command::new(&python)
        .arg(&script)
        .arg(&cases_file)
        .output()
        .expect("cannot run python");
    let said = String::from_utf8_lossy(&out.stdout);
    println!("{said}");
    eprintln!("{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        out.status.success(),
        "the imports differ from the records:\n{said}"
    );
    assert!(
        said.contains("6 references imported, 0 differences"),
        "{said}"
    );
}
