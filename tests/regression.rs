//! One test per fault found by trying the archive as a new user would (issue 15), each
//! saying what broke. Each failed before its fix.

mod common;

use axum::http::StatusCode;
use common::*;

fn with_base_url() -> arshif::web::Config {
    arshif::web::Config {
        base_url: Some("https://example.org/archive/".parse().unwrap()),
        ..arshif::web::Config::default()
    }
}

/// Fault 4: error pages carried neither the feed link nor the link preview tags every other
/// page has, so a shared link to a missing article showed a bare URL and a feed reader
/// pointed at one found no feed.
#[tokio::test]
async fn error_pages_carry_the_feed_link_and_preview_tags() {
    let app = router_with(seeds(), None, with_base_url());
    for path in ["/articles/no-such-article", "/page/99", "/?order=sideways"] {
        let reply = get(&app, path).await;
        assert!(reply.status.is_client_error(), "{path}");
        let page = reply.html();
        assert_eq!(
            attrs(
                &page,
                "link[rel=alternate][type='application/atom+xml']",
                "href"
            )
            .len(),
            1,
            "{path}: feed link"
        );
        let og = |key: &str| attrs(&page, &format!("meta[property='{key}']"), "content");
        assert_eq!(og("og:site_name"), ["أرشيف"], "{path}");
        assert_eq!(og("og:title").len(), 1, "{path}");
        assert_eq!(og("og:description").len(), 1, "{path}");
        assert_eq!(
            attrs(&page, "meta[name='twitter:card']", "content"),
            ["summary"],
            "{path}"
        );
        // An error page is no address of its own: no canonical link, no og:url.
        assert!(
            attrs(&page, "link[rel=canonical]", "href").is_empty(),
            "{path}"
        );
        assert!(og("og:url").is_empty(), "{path}");
    }
    // The feed link climbs from where the error is shown, like every other link.
    let deep = get(&app, "/articles/x/y").await;
    assert_eq!(deep.status, StatusCode::NOT_FOUND);
    assert_eq!(
        attrs(
            &deep.html(),
            "link[rel=alternate][type='application/atom+xml']",
            "href"
        ),
        ["../../feed.xml"]
    );
}

/// Fault 3: the overview pages listed names of equal counts by code point, so every Latin
/// name came before every Arabic one and `الأهرام` before `الاتحاد` (hamza on alef is a later
/// code point), not as an Arabic reader looks them up.
#[tokio::test]
async fn overview_pages_sort_names_as_arabic_readers_do() {
    let mut entries = Vec::new();
    for (i, name) in ["CNN", "الأهرام", "الاتحاد", "أخبار اليوم", "البيان"]
        .into_iter()
        .enumerate()
    {
        let mut e = entry(&format!("a{i}"), Some("2015-09-16"), "عنوان");
        e.article.publication = Some(name.into());
        e.article.agency = Some(name.into());
        entries.push(e);
    }
    // One name with more articles still comes first.
    let mut more = entry("b", Some("2015-09-17"), "عنوان");
    more.article.publication = Some("البيان".into());
    entries.push(more);
    let app = router(entries, None);
    let names = texts(&get(&app, "/publications").await.html(), ".source-list a");
    assert_eq!(names, ["البيان", "أخبار اليوم", "الاتحاد", "الأهرام", "CNN"]);
    let names = texts(&get(&app, "/agencies").await.html(), ".source-list a");
    assert_eq!(names, ["أخبار اليوم", "الاتحاد", "الأهرام", "البيان", "CNN"]);
}

/// The path nginx passes on for `path` when `proxy_pass` names a URI (as
/// deploy/nginx.conf's does): percent-decoded, `%2F` included, then sent as it is.
fn as_nginx_passes_it(path: &str) -> String {
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    // What reaches arshif is the decoded path written back as bytes: a decoded `/` is a
    // separator now, other bytes are sent raw (re-encoded here so the request is valid).
    decoded
        .split('/')
        .map(|segment| {
            percent_encoding::utf8_percent_encode(segment, percent_encoding::NON_ALPHANUMERIC)
                .to_string()
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Fault 2: a publication or agency whose name held `/` was linked as `%2F` inside one path
/// segment; nginx decodes `%2F` before passing the request on, so its page answered 404
/// behind the proxy. Pages are now at a slug of the name, and the old address redirects.
#[tokio::test]
async fn names_with_a_slash_are_reachable_behind_a_decoding_proxy() {
    let mut a = entry("a", Some("2015-09-16"), "عنوان");
    a.article.publication = Some("الشرق/الغرب".into());
    a.article.agency = Some("رويترز/أ ف ب".into());
    let mut b = entry("b", Some("2015-09-17"), "عنوان آخر");
    // A name that makes the same slug as the first: both stay reachable, each its own page.
    b.article.publication = Some("الشرق الغرب".into());
    let app = router(vec![a, b], None);

    let mut hrefs = Vec::new();
    for page in [
        "/",
        "/publications",
        "/agencies",
        "/articles/a",
        "/articles/b",
    ] {
        let html = get(&app, page).await.html();
        for href in attrs(&html, "a[href]", "href") {
            let target = resolve(page, &href);
            if target.starts_with("/publications/") || target.starts_with("/agencies/") {
                hrefs.push(target);
            }
        }
    }
    hrefs.sort();
    hrefs.dedup();
    assert_eq!(hrefs.len(), 3, "{hrefs:?}");
    let mut headings = Vec::new();
    for target in &hrefs {
        assert!(!target.contains("%2F"), "{target}");
        let reply = get(&app, &as_nginx_passes_it(target)).await;
        assert_eq!(reply.status, StatusCode::OK, "{target}");
        headings.extend(texts(&reply.html(), "h1"));
    }
    headings.sort();
    assert_eq!(headings, ["الشرق الغرب", "الشرق/الغرب", "رويترز/أ ف ب"]);

    // Links given out before slugs (the name as one encoded segment) redirect to the slug.
    let old = get(
        &app,
        "/publications/%D8%A7%D9%84%D8%B4%D8%B1%D9%82%2F%D8%A7%D9%84%D8%BA%D8%B1%D8%A8",
    )
    .await;
    assert_eq!(old.status, StatusCode::PERMANENT_REDIRECT);
    let to = resolve("/publications/x", old.header("location"));
    assert!(hrefs.contains(&to), "{to} not among {hrefs:?}");
    let old_page = get(
        &app,
        "/agencies/%D8%B1%D9%88%D9%8A%D8%AA%D8%B1%D8%B2%2F%D8%A3%20%D9%81%20%D8%A8/page/2",
    )
    .await;
    assert_eq!(old_page.status, StatusCode::PERMANENT_REDIRECT);
    assert!(old_page.header("location").ends_with("/page/2"));
}

/// `arshif build ARGS` in `dir`: its exit status and what it said.
fn arshif_build(dir: &std::path::Path, args: &[&str]) -> (Option<i32>, String) {
    let out = std::process::Command::new(common::process::BIN)
        .arg("build")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Fault 5: `arshif build` exited 1 when a dump was refused, though the archive was built and
/// written, the same status as when nothing was written: a script could not tell them apart.
#[test]
fn build_says_by_its_status_whether_it_wrote_the_archive() {
    let dir = tempfile::tempdir().unwrap();
    let articles = dir.path().join("articles");
    std::fs::create_dir(&articles).unwrap();
    for seed in ["003_cf3dbfa4259b4b62.txt", "004_91d6d82d5f0f2529.txt"] {
        std::fs::copy(common::process::articles().join(seed), articles.join(seed)).unwrap();
    }
    let build = |args: &[&str]| arshif_build(dir.path(), args);

    // Every file read: 0.
    let (status, said) = build(&["--build-dir", "out"]);
    assert_eq!(status, Some(0), "{said}");

    // One dump refused (no article in it), the archive still built and written: 3.
    std::fs::write(articles.join("empty.txt"), "\n\n").unwrap();
    let (status, said) = build(&["--build-dir", "out"]);
    assert_eq!(status, Some(3), "{said}");
    assert!(said.contains("empty.txt"), "{said}");
    assert!(dir.path().join("out/archive.bin").is_file());

    // No archive written (the folder of dumps is not there): 1.
    let (status, said) = build(&["--articles", "missing", "--build-dir", "out2"]);
    assert_eq!(status, Some(1), "{said}");
    assert!(!dir.path().join("out2/archive.bin").exists());

    // And `--help` says so.
    let help = std::process::Command::new(common::process::BIN)
        .args(["build", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    for status in ["0", "1", "2", "3"] {
        assert!(
            help.lines().any(|l| l.trim_start().starts_with(status)),
            "exit status {status} not explained:\n{help}"
        );
    }
}

/// A folder `name` in `dir` holding copies of `seeds` (file names of the shipped articles).
fn folder_of_seeds(dir: &std::path::Path, name: &str, seeds: &[&str]) -> std::path::PathBuf {
    let folder = dir.join(name);
    std::fs::create_dir(&folder).unwrap();
    for seed in seeds {
        std::fs::copy(common::process::articles().join(seed), folder.join(seed)).unwrap();
    }
    folder
}

/// Fault 1: `serve --articles /data/corpus` with a build folder holding a newer archive of
/// `articles/` served that archive, because it was newer than every file of the corpus: the
/// archive did not say which folder it came from. And `build` overwrote another folder's
/// archive without a word.
#[test]
fn the_build_folder_serves_the_archive_of_the_folder_asked_for() {
    use arshif::archive::{self, compiled};
    let dir = tempfile::tempdir().unwrap();
    // The corpus first, the other folder and its build after: the build is newer than the
    // corpus's every file, as after a `cargo run`.
    let corpus = folder_of_seeds(dir.path(), "corpus", &["003_cf3dbfa4259b4b62.txt"]);
    let shipped = folder_of_seeds(dir.path(), "articles", &["004_91d6d82d5f0f2529.txt"]);
    let out = dir.path().join("out");
    let compiled_path = compiled::path_in(&out);
    let titles = |a: &archive::Archive| -> Vec<String> {
        a.entries()
            .iter()
            .map(|e| e.article.title.clone())
            .collect()
    };
    let (of_shipped, _) = archive::build_and_save(&shipped, &compiled_path).unwrap();
    let of_corpus = titles(&archive::build(&corpus).unwrap().0);
    assert_ne!(titles(&of_shipped), of_corpus);

    // What `serve --articles corpus` loads: the corpus, built in place of the other archive.
    let (served, report) =
        archive::load_or_build(&corpus, &compiled_path, archive::Check::EveryFile).unwrap();
    assert_eq!(titles(&served), of_corpus);
    assert!(report.is_some(), "a mismatch rebuilds");
    // Now it is the corpus's archive: loaded, not built again, by either name of the folder.
    let (served, report) = archive::load_or_build(
        &dir.path().join("corpus/../corpus"),
        &compiled_path,
        archive::Check::EveryFile,
    )
    .unwrap();
    assert_eq!(titles(&served), of_corpus);
    assert!(report.is_none());

    // `build` of another folder into it refuses, names both folders, and leaves it as it was.
    let before = std::fs::read(&compiled_path).unwrap();
    let (status, said) = arshif_build(
        dir.path(),
        &["--articles", "articles", "--build-dir", "out"],
    );
    assert_eq!(status, Some(1), "{said}");
    let canonical = |p: &std::path::Path| std::fs::canonicalize(p).unwrap().display().to_string();
    for named in [canonical(&corpus), canonical(&shipped), "--force".into()] {
        assert!(said.contains(&named), "{named} not in: {said}");
    }
    assert_eq!(std::fs::read(&compiled_path).unwrap(), before);
    // The same folder by another path is no other folder.
    let (status, said) = arshif_build(
        dir.path(),
        &["--articles", &canonical(&corpus), "--build-dir", "out"],
    );
    assert_eq!(status, Some(0), "{said}");
    // `--force` replaces it.
    let (status, said) = arshif_build(
        dir.path(),
        &["--articles", "articles", "--build-dir", "out", "--force"],
    );
    assert_eq!(status, Some(0), "{said}");
    assert_eq!(
        titles(&compiled::load(&compiled_path).unwrap()),
        titles(&of_shipped)
    );
}
