//! `arshif export` served by Debian's real nginx with `deploy/nginx-export.conf` (root and
//! port swapped for temporary ones), under `/archive/`, against `arshif serve` with the same
//! base URL: every page reachable on the live site is there, byte for byte, with the same
//! content type, in gzip and brotli too; a missing page gets the same Arabic 404 at any depth.
//!
//! `#[ignore]`d because it needs nginx and its brotli_static module, which `.ci/run`
//! installs; a missing one fails the test, never skips it. Everything listens on 127.0.0.1
//! and every process is stopped by its PID, on panic too.

mod common;

use std::collections::{BTreeSet, VecDeque};
use std::path::Path;
use std::process::Command;

use common::nginx::{Client, main_configuration, start_nginx_on_a_free_port, tempdir};
use common::process::{self, BIN};
use common::{attrs, gunzip, resolve, unbrotli};

const BROTLI_MODULE: &str = "/usr/lib/nginx/modules/ngx_http_brotli_static_module.so";

/// `deploy/nginx-export.conf` serving the export under `root` on `port`.
fn configuration(dir: &Path, root: &Path, port: u16) -> String {
    let deploy = Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/nginx-export.conf");
    let mut site = std::fs::read_to_string(deploy).unwrap();
    for (from, to) in [
        ("root /srv/arshif/www;", format!("root {};", root.display())),
        ("listen 80;", format!("listen 127.0.0.1:{port};")),
    ] {
        assert!(
            site.contains(from),
            "deploy/nginx-export.conf lacks {from:?}"
        );
        site = site.replace(from, &to);
    }
    assert!(
        Path::new(BROTLI_MODULE).is_file(),
        "no {BROTLI_MODULE} (`apt-get install libnginx-mod-http-brotli-static`; .ci/run does)"
    );
    main_configuration(dir, &site, &format!("load_module {BROTLI_MODULE};"))
}

/// `arshif export` as a sysadmin runs it.
fn export(build: &Path, out: &Path, base_url: &str, extra: &[&str]) -> String {
    let run = Command::new(BIN)
        .arg("export")
        .arg(out)
        .arg("--articles")
        .arg(process::articles())
        .arg("--build-dir")
        .arg(build)
        .arg("--base-url")
        .arg(base_url)
        .args(extra)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr).into_owned();
    assert!(run.status.success(), "{stderr}");
    stderr
}

#[test]
#[ignore = "needs nginx"]
fn nginx_serves_the_export_as_arshif_serves_the_site() {
    let dir = tempdir();
    // The export builds the archive, as `serve` would, and the server then loads it.
    let build = dir.path().join("build");
    let www = dir.path().join("www");
    // nginx first: the export is made for the address it got.
    let (mut nginx, port) =
        start_nginx_on_a_free_port(dir.path(), |port| configuration(dir.path(), &www, port));
    let base = format!("http://127.0.0.1:{port}/archive/");
    let said = export(&build, &www.join("archive"), &base, &[]);
    assert!(said.contains("exported"), "{said}");
    // A second export replaces the first whole (made at another gzip level, so that it is
    // made again rather than found up to date).
    std::fs::write(www.join("archive/stale.html"), "old").unwrap();
    export(&build, &www.join("archive"), &base, &["--gzip-level", "9"]);
    assert!(!www.join("archive/stale.html").exists());

    let live = process::serve_built(&build, &["--base-url", &base]);
    let live = Client::new(format!("http://{}", live.addr()));
    let exported = Client::new(format!("http://127.0.0.1:{port}"));
    nginx.wait_until_up(&exported, "/archive/");

    // Crawl the live site; each page it links to must be in the export, the same bytes.
    let mut queue = VecDeque::from(["/".to_owned()]);
    let mut seen = BTreeSet::from(["/".to_owned()]);
    while let Some(path) = queue.pop_front() {
        let page = live.get(&path, &[]);
        assert_eq!(page.status, 200, "live {path}");
        let copy = exported.get(&format!("/archive{path}"), &[]);
        assert_eq!(copy.status, 200, "exported {path}");
        assert_eq!(
            copy.header("content-type"),
            page.header("content-type"),
            "{path}"
        );
        assert!(copy.bytes == page.bytes, "{path}: the export differs");
        if !page.header("content-type").starts_with("text/html") {
            continue;
        }
        let html = scraper::Html::parse_document(&page.text());
        for href in attrs(&html, "a[href], link[href]:not([rel=canonical])", "href") {
            let target = resolve(&path, &href);
            if seen.insert(target.clone()) {
                queue.push_back(target);
            }
        }
    }
    // Index both ways, 5 articles and their sources, about, CSS, font, licence, icon.
    assert!(seen.len() >= 16, "only {} URLs: {seen:?}", seen.len());
    assert!(seen.iter().any(|u| u.contains("order=oldest")), "{seen:?}");

    // The precompressed siblings decode to the page.
    for path in ["/", "/about", "/?order=oldest"] {
        let plain = live.get(path, &[]);
        for (encoding, decode) in [("gzip", gunzip as fn(&[u8]) -> Vec<u8>), ("br", unbrotli)] {
            let copy = exported.get(&format!("/archive{path}"), &[("accept-encoding", encoding)]);
            assert_eq!(copy.header("content-encoding"), encoding, "{path}");
            assert!(decode(&copy.bytes) == plain.bytes, "{path} {encoding}");
        }
    }

    // The data files have no siblings: nginx gzips them as it sends them.
    for path in [
        "/articles/cf3dbfa4259b4b62/source",
        "/articles/cf3dbfa4259b4b62.json",
    ] {
        let plain = live.get(path, &[]);
        assert!(plain.bytes.len() >= arshif::export::COMPRESS_FROM, "{path}");
        assert!(!www.join(format!("archive{path}.gz")).exists(), "{path}");
        let copy = exported.get(
            &format!("/archive{path}"),
            &[("accept-encoding", "gzip, br")],
        );
        assert_eq!(copy.header("content-encoding"), "gzip", "{path}");
        assert_eq!(copy.header("content-type"), plain.header("content-type"));
        assert!(gunzip(&copy.bytes) == plain.bytes, "{path}");
    }

    // A missing page: the same Arabic 404, whose links work from where it is shown.
    for path in ["/nope", "/articles/nope", "/articles/x/nope", "/a/b/c/nope"] {
        let page = live.get(path, &[]);
        let copy = exported.get(&format!("/archive{path}"), &[]);
        assert_eq!((page.status, copy.status), (404, 404), "{path}");
        assert!(copy.bytes == page.bytes, "{path}: the 404 pages differ");
        let html = scraper::Html::parse_document(&copy.text());
        let css = attrs(&html, "link[rel=stylesheet]", "href");
        let css = resolve(&format!("/archive{path}"), &css[0]);
        assert_eq!(exported.get(&css, &[]).status, 200, "{path}: {css}");
    }

    let status = nginx.stop();
    assert!(status.success(), "nginx exited with {status}");
}

/// The export of the in-process router, no nginx: the files and their siblings.
#[test]
fn the_export_holds_every_page_with_its_compressed_siblings() {
    use arshif::export::{ExportError, Options, export, page_with_links};
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let app = common::router(common::seeds(), Some(common::ABOUT));
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    let report = export(&app, &out, &Options::default(), runtime.handle()).unwrap();
    let page = |p: &str| std::fs::read(out.join(p)).unwrap();
    let mut data_over_a_kilobyte = false;
    for (file, uri) in [
        ("index.html", "/"),
        ("index.order=oldest.html", "/?order=oldest"),
        ("about/index.html", "/about"),
        (
            "articles/cf3dbfa4259b4b62/index.html",
            "/articles/cf3dbfa4259b4b62",
        ),
        (
            "articles/cf3dbfa4259b4b62/source",
            "/articles/cf3dbfa4259b4b62/source",
        ),
        (
            "articles/cf3dbfa4259b4b62.json",
            "/articles/cf3dbfa4259b4b62.json",
        ),
        ("404.html", "/nope"),
        ("404-1.html", "/articles/nope"),
    ] {
        let served = runtime.block_on(common::get(&app, uri));
        assert!(
            page(file) == served.bytes,
            "{file} is not what {uri} serves"
        );
        let big = served.bytes.len() >= arshif::export::COMPRESS_FROM;
        // Every page has both siblings; the data files (the dump, the record) have none,
        // even over a kilobyte: nginx gzips them as it sends them.
        if !file.ends_with(".html") {
            data_over_a_kilobyte |= big;
            for suffix in ["gz", "br"] {
                assert!(!out.join(format!("{file}.{suffix}")).exists(), "{file}");
            }
            continue;
        }
        assert!(big, "{file} is only {} bytes", served.bytes.len());
        assert_eq!(gunzip(&page(&format!("{file}.gz"))), served.bytes, "{file}");
        assert_eq!(
            unbrotli(&page(&format!("{file}.br"))),
            served.bytes,
            "{file}"
        );
    }
    assert!(data_over_a_kilobyte, "no data file proves the rule");
    // Each page hands over the links its template wrote: on every page they are the links a
    // full HTML parser finds (less references to a fragment of the page itself, which lead
    // nowhere else), so the export holds every page reachable from the start.
    // A router of its own: the export's has its pages in its response cache, which keeps bytes.
    let fresh = common::router(common::seeds(), Some(common::ABOUT));
    let mut pages = 0;
    for file in inodes(&out)
        .keys()
        .filter(|f| f.ends_with(".html") && !f.starts_with("404"))
    {
        let mut target = url_of(file);
        let mut fetched = runtime.block_on(page_with_links(&fresh, &target)).unwrap();
        if fetched.0.is_redirection() {
            target = target.replacen('?', "/?", 1);
            if !target.contains('?') {
                target.push('/');
            }
            fetched = runtime.block_on(page_with_links(&fresh, &target)).unwrap();
        }
        let (status, html, handed) = fetched;
        assert_eq!(status, 200, "{file}: {target}");
        assert!(html == page(file), "{file} is not what {target} serves");
        let document = scraper::Html::parse_document(&String::from_utf8_lossy(&html));
        let selector = scraper::Selector::parse("[href], [src]").unwrap();
        let elsewhere = |link: &String| !link.starts_with('#');
        let mut parsed: Vec<String> = document
            .select(&selector)
            .flat_map(|e| [e.value().attr("href"), e.value().attr("src")])
            .flatten()
            .map(str::to_owned)
            .filter(elsewhere)
            .collect();
        let mut handed = handed.unwrap_or_else(|| panic!("{target} handed over no links"));
        handed.retain(elsewhere);
        parsed.sort();
        handed.sort();
        assert!(!parsed.is_empty(), "{file} links nowhere");
        assert_eq!(handed, parsed, "{file}");
        pages += 1;
    }
    assert!(pages > 15, "only {pages} pages");
    // The pages by year, month, publication and agency are reached by following links, so
    // they are exported without a list of them here; each has its index.html.
    let mut facets = Vec::new();
    for top in ["2015", "publications", "agencies"] {
        let mut stack = vec![out.join(top)];
        while let Some(dir) = stack.pop() {
            for f in std::fs::read_dir(&dir).unwrap() {
                let path = f.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "html") {
                    facets.push(path.strip_prefix(&out).unwrap().display().to_string());
                }
            }
        }
    }
    for wanted in [
        "2015/index.html",
        "2015/09/index.html",
        "publications/index.html",
        "agencies/index.html",
    ] {
        assert!(facets.iter().any(|f| f == wanted), "{wanted}: {facets:?}");
    }
    // Beside them: five articles with their sources, records (.json) and references (.bib,
    // .ris), the index both ways, about, four static files, robots.txt and the whole archive
    // as JSON Lines.
    assert!(out.join("robots.txt").is_file());
    assert!(out.join("archive.jsonl.gz").is_file());
    assert!(out.join("articles/cf3dbfa4259b4b62.bib").is_file());
    assert_eq!(
        report.files,
        5 * 5 + 2 + 1 + 5 + 4 + 1 + 1 + facets.len(),
        "{}",
        report.render()
    );
    // A file under a kilobyte gets no siblings (compressing it saves the reader no round
    // trip); a page over it gets both.
    for small in ["articles/cf3dbfa4259b4b62.bib", "robots.txt"] {
        let len = std::fs::metadata(out.join(small)).unwrap().len();
        assert!(
            len < arshif::export::COMPRESS_FROM as u64,
            "{small}: {len} bytes"
        );
        for suffix in ["gz", "br"] {
            assert!(
                !out.join(format!("{small}.{suffix}")).exists(),
                "{small}.{suffix}"
            );
        }
    }
    let fonts = std::fs::read_dir(out.join("static/fonts")).unwrap();
    let names: Vec<String> = fonts
        .map(|f| f.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().any(|n| n.ends_with(".woff2")), "{names:?}");
    assert!(!names.iter().any(|n| n.ends_with(".woff2.gz")), "{names:?}");

    // An archivist's note that links to no article stops the export, naming both.
    let mut entries = common::seeds();
    entries[0].note = Some("انظر [المقال المحذوف](deleted-article).".into());
    let broken = common::router(entries, None);
    let error = export(
        &broken,
        &dir.path().join("broken"),
        &Options::default(),
        runtime.handle(),
    )
    .unwrap_err();
    let said = error.to_string();
    assert!(
        matches!(error, ExportError::BrokenLink { .. })
            && said.contains("/articles/deleted-article")
            && said.contains(&format!("/articles/{}", common::seeds()[0].article.id)),
        "{said}"
    );
    assert!(!dir.path().join("broken").exists());
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, ["site"], "a failed export left files behind");

    // A folder of other files is never replaced.
    let other = dir.path().join("other");
    std::fs::create_dir(&other).unwrap();
    std::fs::write(other.join("notes.txt"), "mine").unwrap();
    let refused = export(&app, &other, &Options::default(), runtime.handle()).unwrap_err();
    assert!(
        matches!(refused, ExportError::NotAnExport { .. }),
        "{refused}"
    );
    assert_eq!(
        std::fs::read_to_string(other.join("notes.txt")).unwrap(),
        "mine"
    );
}

/// The URL an exported page answers for (`a/b/index.order=oldest.html`: `/a/b?order=oldest`),
/// without the `/` a folder's page may end in.
fn url_of(file: &str) -> String {
    let (folder, name) = file.rsplit_once('/').unwrap_or(("", file));
    let folder = percent_encoding::utf8_percent_encode(folder, percent_encoding::CONTROLS);
    let query = name
        .strip_prefix("index.")
        .and_then(|q| q.strip_suffix(".html"))
        .filter(|q| !q.is_empty() && *q != "html");
    match query {
        Some(query) => format!("/{folder}?{query}"),
        None => format!("/{folder}"),
    }
}

/// The export's router (`web::app_for_export`: the server's routes and error pages, less the
/// layers that only add headers or keep responses) writes the very files the server's whole
/// router does, pages, 404 pages, data files and siblings alike.
#[test]
fn the_export_router_writes_what_the_whole_router_serves() {
    use arshif::archive::Archive;
    use arshif::export::{Options, export};
    use arshif::web::{AppState, Config, app, app_for_export};
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let state = || {
        let archive = Archive::from_entries(common::seeds(), Some(common::ABOUT.into()));
        AppState::new(archive, Config::default())
    };
    let dir = tempfile::tempdir().unwrap();
    let (whole, lean) = (dir.path().join("whole"), dir.path().join("lean"));
    let options = Options::default();
    export(&app(state()), &whole, &options, runtime.handle()).unwrap();
    export(&app_for_export(state()), &lean, &options, runtime.handle()).unwrap();
    let files: Vec<String> = inodes(&whole).into_keys().collect();
    assert_eq!(files, inodes(&lean).into_keys().collect::<Vec<_>>());
    assert!(files.len() > 40, "only {} files", files.len());
    for file in files.iter().filter(|f| *f != arshif::export::MARKER) {
        let read = |root: &Path| std::fs::read(root.join(file)).unwrap();
        assert!(read(&whole) == read(&lean), "{file} differs");
    }
}

/// Every file under `dir` (from its root) with its inode: a file linked from the previous
/// export keeps its inode, one written anew gets another.
fn inodes(dir: &Path) -> std::collections::BTreeMap<String, u64> {
    use std::os::unix::fs::MetadataExt;
    let mut found = std::collections::BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for f in std::fs::read_dir(&folder).unwrap() {
            let path = f.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let name = path.strip_prefix(dir).unwrap().display().to_string();
                found.insert(name, std::fs::metadata(&path).unwrap().ino());
            }
        }
    }
    found
}

/// An export over an earlier one compresses only what changed: the same archive rewrites
/// nothing; a changed article rewrites its page (with new siblings) and keeps the rest.
#[test]
fn a_second_export_rewrites_only_the_pages_that_changed() {
    use arshif::export::{Options, export};
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    let export_of = |entries| {
        export(
            &common::router(entries, None),
            &out,
            &Options::default(),
            runtime.handle(),
        )
        .unwrap()
    };
    let first = export_of(common::seeds());
    assert_eq!(first.unchanged, 0, "{}", first.render());
    let before = inodes(&out);

    let again = export_of(common::seeds());
    let after = inodes(&out);
    assert_eq!(
        after.keys().collect::<Vec<_>>(),
        before.keys().collect::<Vec<_>>()
    );
    // Fonts and the archive's download are not compressed by the export but copied as the
    // server streams them, so they are written again; every page is kept.
    let streamed = |name: &str| name.starts_with("static/fonts/") || name == "archive.jsonl.gz";
    let rewritten: Vec<&String> = after
        .iter()
        .filter(|(name, ino)| before[*name] != **ino && *name != ".arshif-export")
        .map(|(name, _)| name)
        .collect();
    assert!(
        rewritten.iter().all(|name| streamed(name)),
        "rewritten: {rewritten:?}"
    );
    assert_eq!(again.files, first.files);
    assert_eq!(
        again.unchanged + rewritten.len(),
        again.files,
        "{}",
        again.render()
    );
    assert!(again.render().contains("unchanged"), "{}", again.render());

    // One article's body changes: its page and siblings are new, and hold the new text.
    let mut entries = common::seeds();
    let changed = entries[2].article.id.clone();
    entries[2]
        .article
        .body
        .push("فقرة أضيفت بعد التصدير الأول.".into());
    let third = export_of(entries);
    let page = format!("articles/{changed}/index.html");
    let now = inodes(&out);
    for file in [page.clone(), format!("{page}.gz"), format!("{page}.br")] {
        assert_ne!(now[&file], after[&file], "{file} was kept");
    }
    let html = std::fs::read_to_string(out.join(&page)).unwrap();
    assert!(html.contains("فقرة أضيفت بعد التصدير الأول."));
    assert_eq!(
        gunzip(&std::fs::read(out.join(format!("{page}.gz"))).unwrap()),
        html.as_bytes()
    );
    // The other articles' pages did not change.
    let other = format!("articles/{}/index.html", common::seeds()[0].article.id);
    assert_eq!(now[&other], after[&other]);
    assert!(
        third.unchanged > 0 && third.unchanged < third.files,
        "{}",
        third.render()
    );
}

/// `arshif export` over an export made from the same archive, program and options leaves it
/// as it is (not a file written, the archive not even loaded); another public address or a
/// changed article makes a new one.
#[test]
fn an_export_of_the_same_archive_program_and_options_is_left_as_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let articles = dir.path().join("articles");
    std::fs::create_dir(&articles).unwrap();
    for f in std::fs::read_dir(process::articles()).unwrap() {
        let f = f.unwrap();
        std::fs::copy(f.path(), articles.join(f.file_name())).unwrap();
    }
    let build = dir.path().join("build");
    let out = dir.path().join("www");
    let export = |base: &str| {
        let run = Command::new(BIN)
            .arg("export")
            .arg(&out)
            .args(["--base-url", base, "--articles"])
            .arg(&articles)
            .arg("--build-dir")
            .arg(&build)
            .output()
            .unwrap();
        let said = String::from_utf8_lossy(&run.stderr).into_owned();
        assert!(run.status.success(), "{said}");
        said
    };
    let (here, there) = ("https://example.org/a/", "https://example.net/b/");
    let first = export(here);
    assert!(first.contains("exported"), "{first}");
    let before = inodes(&out);

    let again = export(here);
    assert!(again.contains("up to date"), "{again}");
    assert!(again.contains(&format!(
        "its {} files",
        before.len() - count_siblings(&before)
    )));
    assert_eq!(inodes(&out), before, "the export was written again");

    // Every page's canonical link names the public address: all of it is made again.
    let moved = export(there);
    assert!(
        moved.contains("exported") && !moved.contains("up to date"),
        "{moved}"
    );
    let front = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(front.contains(there) && !front.contains(here));
    assert!(export(there).contains("up to date"));

    // A dump changes: the archive is built again and so is the export, with the new text.
    let dump = articles.join("003_cf3dbfa4259b4b62.txt");
    let mut text = std::fs::read_to_string(&dump).unwrap();
    text.push_str("\nفقرة أضيفت بعد التصدير.\n");
    std::fs::write(&dump, text).unwrap();
    let rebuilt = export(there);
    assert!(rebuilt.contains("exported"), "{rebuilt}");
    let source = std::fs::read_to_string(out.join("articles/cf3dbfa4259b4b62/source")).unwrap();
    assert!(source.contains("فقرة أضيفت بعد التصدير."));
    assert!(export(there).contains("up to date"));
}

/// How many of `files` are `.gz` or `.br` siblings, or the marker (not counted as files).
fn count_siblings(files: &std::collections::BTreeMap<String, u64>) -> usize {
    files
        .keys()
        .filter(|f| f.ends_with(".gz") && f.as_str() != "archive.jsonl.gz" || f.ends_with(".br"))
        .count()
        + 1
}

/// Without precompression the export writes no `.gz` or `.br` file, and the same pages. An
/// export with siblings over it writes them all (the missing ones were not "not worth it"),
/// and one without over that leaves none behind.
#[test]
fn an_export_without_precompression_writes_no_siblings_and_lends_none() {
    use arshif::export::{Options, export};
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    let export_with = |precompress| {
        let options = Options {
            precompress,
            ..Options::default()
        };
        export(
            &common::router(common::seeds(), None),
            &out,
            &options,
            runtime.handle(),
        )
        .unwrap()
    };
    let page = format!("articles/{}/index.html", common::seeds()[0].article.id);
    let is_sibling =
        |f: &String| f.ends_with(".br") || f.ends_with(".gz") && f != "archive.jsonl.gz";

    let bare = export_with(false);
    let bare_files = inodes(&out);
    assert!(!bare_files.keys().any(is_sibling), "{bare_files:?}");
    assert!(bare_files.contains_key(&page));

    let full = export_with(true);
    let full_files = inodes(&out);
    assert_eq!(full.files, bare.files, "the same pages");
    for suffix in ["gz", "br"] {
        assert!(
            full_files.contains_key(&format!("{page}.{suffix}")),
            "{page}.{suffix}"
        );
    }
    assert_eq!(
        full_files
            .keys()
            .filter(|f| !is_sibling(f))
            .collect::<Vec<_>>(),
        bare_files.keys().collect::<Vec<_>>()
    );

    export_with(false);
    assert!(!inodes(&out).keys().any(is_sibling));
}
