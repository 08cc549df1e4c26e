//! A build of a folder full of odd dumps beside good ones: each odd file gets its own clear
//! message (or is built, when it is only odd, not broken), every good dump is built, and the
//! whole build ends in bounded time and memory.
//!
//! The small odd files are committed under `tests/fixtures/odd/` (made from the real pages of
//! `tests/fixtures/real-pages/`); the big ones (a 50 MB dump, a 5 MB line, 100,000 tiny lines),
//! the symlink out of the folder and the duplicate are made here at run time.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use arshif::archive::{self, Archive, BuildReport, compiled};
use arshif::parse_dump;

fn fixtures(dir: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(dir)
}

/// What the build must make of a file.
enum Expect {
    /// Skipped, with an error that says this.
    Error(&'static str),
    /// Built, with a warning that says this.
    Warning(&'static str),
    /// Built (perhaps with warnings about missing fields).
    Built,
}

fn copy_dir(from: &Path, to: &Path) {
    for item in std::fs::read_dir(from).unwrap() {
        let path = item.unwrap().path();
        std::fs::copy(&path, to.join(path.file_name().unwrap())).unwrap();
    }
}

/// The odd files made at run time, with what the build must make of them.
fn generate(dir: &Path, outside: &Path) -> Vec<(String, Expect)> {
    let page = std::fs::read_to_string(fixtures("real-pages").join("004_youm7.com.txt")).unwrap();
    let paragraphs: Vec<&str> = page.lines().filter(|l| l.chars().count() > 80).collect();
    let headline = page.lines().next().unwrap();

    // 50 MB of a real page's paragraphs under its headline: far past any news page.
    let mut big = String::with_capacity(51 << 20);
    big.push_str(&page);
    while big.len() < 50 << 20 {
        for p in &paragraphs {
            big.push_str(p);
            big.push('\n');
        }
    }
    std::fs::write(dir.join("big.txt"), &big).unwrap();
    drop(big);

    // One 5 MB line of text under a headline.
    let mut line = format!("{headline}\n");
    while line.len() < 5 << 20 {
        line.push_str(&paragraphs.join(" "));
        line.push(' ');
    }
    std::fs::write(dir.join("one-line.txt"), &line).unwrap();
    drop(line);

    // 100,000 lines of one word each: no paragraph of text anywhere.
    let words: Vec<&str> = paragraphs.iter().flat_map(|p| p.split(' ')).collect();
    let tiny: Vec<&str> = (0..100_000).map(|i| words[i % words.len()]).collect();
    std::fs::write(dir.join("tiny-lines.txt"), tiny.join("\n")).unwrap();

    // A dump scraped twice under two names.
    let seed = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with("000_"))
        .unwrap();
    std::fs::copy(&seed, dir.join("copy of 000.txt")).unwrap();

    // A link to a dump outside the folder: not the archive's to publish.
    let secret = outside.join("secret.txt");
    std::fs::write(&secret, &page).unwrap();
    std::os::unix::fs::symlink(&secret, dir.join("link-out.txt")).unwrap();

    vec![
        ("big.txt".into(), Expect::Error("MB a dump may be; skipped")),
        ("one-line.txt".into(), Expect::Built),
        ("tiny-lines.txt".into(), Expect::Error("no article found")),
        (
            "copy of 000.txt".into(),
            Expect::Warning("the same article as"),
        ),
        (
            "link-out.txt".into(),
            Expect::Error("links outside the articles folder"),
        ),
    ]
}

/// The committed odd files and what the build must make of them.
fn committed() -> Vec<(String, Expect)> {
    [
        ("empty.txt", Expect::Error("the file is empty")),
        ("whitespace.txt", Expect::Error("holds no letters")),
        ("binary.txt", Expect::Error("the file is binary")),
        ("nul-bytes.txt", Expect::Warning("NUL bytes were removed")),
        (
            "invalid-utf8.txt",
            Expect::Warning("invalid UTF-8 sequences were replaced"),
        ),
        ("presentation-forms.txt", Expect::Built),
        ("combining-marks.txt", Expect::Built),
        ("rtl-override.txt", Expect::Built),
        ("file name with spaces.txt", Expect::Built),
        ("مقال بأحرف عربية.txt", Expect::Built),
    ]
    .into_iter()
    .map(|(name, expect)| (name.to_owned(), expect))
    .collect()
}

/// The peak resident memory of this process so far, in MiB (Linux).
fn peak_rss_mib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024)
}

fn entry_of<'a>(archive: &'a Archive, file: &str) -> Option<&'a arshif::archive::Entry> {
    archive.entries().iter().find(|e| e.article.source == file)
}

#[test]
fn odd_dumps_get_their_own_message_and_stop_nothing() {
    let root = tempfile::tempdir().unwrap();
    let articles = root.path().join("articles");
    let outside = root.path().join("elsewhere");
    std::fs::create_dir_all(&articles).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("articles"),
        &articles,
    );
    let seeds: Vec<String> = std::fs::read_dir(&articles)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    copy_dir(&fixtures("odd"), &articles);
    let mut expectations = committed();
    expectations.extend(generate(&articles, &outside));

    // A hang must fail the test, not stall it: the build runs in a thread with a generous
    // bound (a debug build takes a few seconds).
    let compiled_path = compiled::path_in(&root.path().join("build"));
    let (tx, rx) = mpsc::channel();
    let (dir, out) = (articles.clone(), compiled_path.clone());
    std::thread::spawn(move || {
        let _ = tx.send(archive::build_and_save(&dir, &out));
    });
    let (archive, report): (Archive, BuildReport) = rx
        .recv_timeout(Duration::from_secs(120))
        .expect("the build did not finish in 120 s")
        .expect("the build as a whole failed");
    let rendered = report.render(archive::Warnings::Each);

    assert_eq!(
        report.files_read,
        seeds.len() + expectations.len(),
        "{rendered}"
    );
    for (file, expect) in &expectations {
        let problems: Vec<_> = report.problems.iter().filter(|p| &p.file == file).collect();
        let says = |text: &str, error: bool| {
            problems
                .iter()
                .any(|p| p.is_error == error && p.message.contains(text))
        };
        let built = entry_of(&archive, file).is_some() || archive.alias(&file_id(file)).is_some();
        match expect {
            Expect::Error(text) => {
                assert!(
                    says(text, true),
                    "{file}: no error saying {text:?}\n{rendered}"
                );
                assert!(!built, "{file} was built");
            }
            Expect::Warning(text) => {
                assert!(
                    says(text, false),
                    "{file}: no warning saying {text:?}\n{rendered}"
                );
                assert!(built, "{file} was not built\n{rendered}");
            }
            Expect::Built => {
                assert!(built, "{file} was not built\n{rendered}");
                assert!(problems.iter().all(|p| !p.is_error), "{file}\n{rendered}");
            }
        }
    }
    // Every good dump is served (a seed of which a copy was dropped is served as itself or
    // through the copy's id).
    for seed in &seeds {
        let id = file_id(seed);
        assert!(
            archive.get(&id).is_some() || archive.alias(&id).is_some(),
            "{seed} is missing\n{rendered}"
        );
    }
    // What the odd-but-readable files became.
    let original = |name: &str| {
        let bytes = std::fs::read(fixtures("real-pages").join(name)).unwrap();
        parse_dump(&bytes, name).unwrap()
    };
    let title = |file: &str| entry_of(&archive, file).unwrap().article.title.clone();
    assert_eq!(
        title("presentation-forms.txt"),
        original("004_youm7.com.txt").title,
        "presentation forms are read as the letters they stand for"
    );
    assert_eq!(
        title("combining-marks.txt"),
        original("006_beirutobserver.com.txt").title
    );
    let rtl = title("rtl-override.txt");
    assert!(
        !rtl.contains(['\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}', '\u{202e}']),
        "{rtl:?} keeps a direction override"
    );
    assert!(
        entry_of(&archive, "file name with spaces.txt")
            .unwrap()
            .article
            .id
            == "file-name-with-spaces"
    );
    assert!(
        entry_of(&archive, "مقال بأحرف عربية.txt")
            .unwrap()
            .article
            .id
            == "مقال-بأحرف-عربية"
    );

    // The compiled archive and its index were written and load again.
    let loaded = compiled::load(&compiled_path).unwrap();
    assert_eq!(loaded.len(), archive.len());
    arshif::search::SearchIndex::open(&archive::search_dir(&compiled_path)).unwrap();

    // The 50 MB dump is refused before it is read, so the build stays far below what
    // reading it would cost (its parse alone peaks near 8 times its size).
    if let Some(peak) = peak_rss_mib() {
        assert!(peak < 1024, "the build peaked at {peak} MiB");
    }
}

fn file_id(file: &str) -> String {
    arshif::archive::id::from_file_name(file)
}
