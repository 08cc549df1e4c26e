//! A real crawl into the archive: pages served by Debian's nginx on 127.0.0.1 (the four real
//! pages' original HTML, the seed articles as pages, a home page, an image, a style sheet, a
//! script and a redirect), crawled twice with Debian's `wget --recursive --warc-file` (the
//! second time with `--warc-dedup`, after one page changed), built with `arshif build`, and
//! served: the pages are browsable, searchable and threaded, the changed page lists its other
//! capture, and the report counts the records that are not pages by kind.
//!
//! `#[ignore]`d because it needs nginx and wget, which `.ci/run` installs; a missing one fails
//! the test, never skips it. Everything listens on 127.0.0.1; nginx is stopped by its PID.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use arshif::archive::id;
use arshif::web::site::{self, Build};
use arshif::web::{AppState, Config, app};
use common::nginx::{Client, main_configuration, start_nginx_on_a_free_port, tempdir};
use common::process::BIN;
use common::warc::html_of_dump;

const REAL: [&str; 4] = [
    "001_arabic.sputniknews.com",
    "002_almadenahnews.com",
    "004_youm7.com",
    "006_beirutobserver.com",
];

/// The seed dumps (articles/), served as pages: five reports of one story.
const SEEDS: [&str; 5] = [
    "000_4873890e38737cc0",
    "001_adaa0b1178cf7dcd",
    "002_33d0e17b3f187f76",
    "003_cf3dbfa4259b4b62",
    "004_91d6d82d5f0f2529",
];

fn wget_binary() -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|dir| dir.join("wget"))
        .find(|p| p.is_file())
        .expect("wget is not installed (`apt-get install wget`; .ci/run does)")
}

/// The site nginx serves: a home page linking every page, the image, style and script, and
/// `/old`, which nginx redirects to the home page.
fn site(root: &Path) {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut links = String::new();
    for name in REAL {
        fs::copy(
            manifest.join(format!("tests/fixtures/real-pages/html/{name}.html")),
            root.join(format!("{name}.html")),
        )
        .unwrap();
        links += &format!("<li><a href=\"{name}.html\">{name}</a></li>\n");
    }
    for name in SEEDS {
        let text = fs::read_to_string(manifest.join(format!("articles/{name}.txt"))).unwrap();
        fs::write(root.join(format!("{name}.html")), html_of_dump(&text)).unwrap();
        links += &format!("<li><a href=\"{name}.html\">{name}</a></li>\n");
    }
    fs::write(
        root.join("index.html"),
        format!(
            "<!doctype html><html lang=\"ar\"><head><meta charset=\"utf-8\"><title>الرئيسية</title>\
             <link rel=\"stylesheet\" href=\"site.css\"><script src=\"app.js\"></script></head>\
             <body><img src=\"logo.png\" alt=\"\"><ul>\n{links}<li><a href=\"old\">قديم</a></li></ul></body></html>\n"
        ),
    )
    .unwrap();
    fs::write(root.join("site.css"), "body { margin: 0 }\n").unwrap();
    fs::write(root.join("app.js"), "console.log(1);\n").unwrap();
    fs::write(root.join("logo.png"), b"\x89PNG\r\n\x1a\n").unwrap();
}

fn configuration(dir: &Path, root: &Path, port: u16) -> String {
    let site = format!(
        "types {{ text/html html; text/css css; application/javascript js; image/png png; }}\n\
         default_type application/octet-stream;\n\
         server {{\n\
           listen 127.0.0.1:{port};\n\
           root {};\n\
           location = /old {{ return 301 /index.html; }}\n\
         }}\n",
        root.display(),
    );
    main_configuration(dir, &site, "")
}

/// One recursive crawl of the site into `warc` (`.warc.gz` added by wget) with the README's
/// flags, plus the page's image, style and script and bounded retries, from a scratch folder
/// that it leaves empty.
fn crawl(origin: &str, warc: &Path, extra: &[&str]) {
    let scratch = tempfile::tempdir().unwrap();
    let out = Command::new(wget_binary())
        .current_dir(scratch.path())
        .args([
            "--recursive",
            "--level=2",
            "--no-parent",
            "--page-requisites",
            "--delete-after",
            "--no-verbose",
            "--tries=1",
            "--timeout=10",
        ])
        .arg(format!("--warc-file={}", warc.display()))
        .args(extra)
        .arg(format!("{origin}/index.html"))
        .output()
        .unwrap();
    // 8: some address answered an error (robots.txt is missing), which a crawl expects.
    assert!(
        matches!(out.status.code(), Some(0 | 8)),
        "wget: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test]
#[ignore = "needs nginx and wget"]
async fn a_wget_crawl_builds_into_a_browsable_searchable_threaded_archive() {
    let nginx_dir = tempdir();
    let root = nginx_dir.path().join("www");
    fs::create_dir(&root).unwrap();
    site(&root);
    let (mut nginx, port) = start_nginx_on_a_free_port(nginx_dir.path(), |port| {
        configuration(nginx_dir.path(), &root, port)
    });
    let origin = format!("http://127.0.0.1:{port}");
    let client = Client::new(origin.clone());
    nginx.wait_until_up(&client, "/index.html");

    let articles = tempfile::tempdir().unwrap();
    crawl(&origin, &articles.path().join("crawl-1"), &["--warc-cdx"]);
    // A day later one page has changed; the others are the same bytes, which wget records
    // as revisits of the first crawl.
    let first = root.join(format!("{}.html", SEEDS[0]));
    let changed = fs::read_to_string(&first).unwrap().replace(
        "<p>هدنة",
        "<p>تحديث: موعد الاجتماع المقبل بين الوزيرين لم يحدد بعد.</p>\n<p>هدنة",
    );
    fs::write(&first, changed).unwrap();
    let cdx = articles.path().join("crawl-1.cdx");
    assert!(cdx.is_file(), "wget wrote no CDX");
    crawl(
        &origin,
        &articles.path().join("crawl-2"),
        &[&format!("--warc-dedup={}", cdx.display())],
    );
    nginx.stop();
    // The CDX is wget's, not an input: the build does not read it.
    fs::remove_file(&cdx).unwrap();

    let build_dir = tempfile::tempdir().unwrap();
    let out = Command::new(BIN)
        .arg("build")
        .arg("--articles")
        .arg(articles.path())
        .arg("--build-dir")
        .arg(build_dir.path())
        .output()
        .unwrap();
    let report =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{report}");
    let real_and_seeds = REAL.len() + SEEDS.len();
    assert!(
        report.contains(&format!("read 2 files, built {real_and_seeds} articles")),
        "{report}"
    );
    let skipped = report
        .lines()
        .find(|l| l.starts_with("skipped "))
        .unwrap_or_else(|| panic!("no count of skipped records: {report}"));
    for kind in [
        "revisit", "redirect", "image", "style", "script", "request", "warcinfo",
    ] {
        assert!(
            skipped
                .split([':', ','])
                .any(|part| part.trim().ends_with(&format!(" {kind}"))
                    && part
                        .trim()
                        .split(' ')
                        .next()
                        .is_some_and(|n| n.parse::<u32>().is_ok_and(|n| n > 0))),
            "{kind} not counted: {skipped}"
        );
    }
    // The home page is fetched by every crawl and holds no article: a warning, not an error.
    assert!(report.contains("index.html"), "{report}");

    let (site, _) = site::open(articles.path(), build_dir.path(), Build::IfStale).unwrap();
    let app = app(AppState::with_site(site, Config::default()));
    let id_of = |name: &str| id::from_url(&format!("{origin}/{name}.html")).unwrap();

    // Browsable: every page is listed and opens.
    let front = common::get(&app, "/").await;
    for name in REAL.iter().chain(&SEEDS) {
        let id = id_of(name);
        let page = common::get(&app, &format!("/articles/{id}")).await;
        assert_eq!(page.status, 200, "{name}");
        assert!(
            front.body.contains(&id) || common::get(&app, "/page/2").await.body.contains(&id),
            "{name} listed"
        );
    }

    // Searchable: the seeds' story and a real page's headline word.
    let search = common::get(&app, "/search?q=%D9%84%D8%A7%D9%81%D8%B1%D9%88%D9%81").await;
    assert!(
        search.body.contains(&id_of(SEEDS[0])),
        "لافروف finds the seed"
    );

    // Threaded: the seed pages report one story.
    let kerry = common::get(&app, &format!("/articles/{}", id_of(SEEDS[0])))
        .await
        .html();
    let thread = common::attrs(&kerry, ".thread a", "href").join(" ");
    assert!(thread.contains(&id_of(SEEDS[1])), "{thread}");

    // The changed page shows its newest capture and lists the first one, viewable as text.
    let captures = common::attrs(&kerry, ".captures a", "href");
    assert_eq!(captures.len(), 1, "{captures:?}");
    let listed = common::get(&app, &format!("/articles/{}/captures/1", id_of(SEEDS[0]))).await;
    assert_eq!(listed.status, 200);
    assert_eq!(listed.header("x-content-type-options"), "nosniff");
    assert!(listed.content_type().starts_with("text/plain"));
    assert!(!listed.body.contains("تحديث: موعد") && listed.body.contains("<title>"));
    let shown = common::get(&app, &format!("/articles/{}/source", id_of(SEEDS[0]))).await;
    assert!(
        shown.body.contains("تحديث: موعد"),
        "the newest capture is the one shown"
    );
    // An unchanged page was a revisit the second time: one capture, none listed.
    let moscow = common::get(&app, &format!("/articles/{}", id_of(SEEDS[1])))
        .await
        .html();
    assert!(common::attrs(&moscow, ".captures a", "href").is_empty());
}
