//! `archive::build_and_save` on a folder of dumps: threads, duplicates, overrides, bad files,
//! the compiled file and the search index beside it, the dumps left in the page cache.

use std::fs;
use std::path::Path;

use arshif::archive::{self, compiled};
use arshif::search::{SearchIndex, Total};

fn seeds_into(dir: &Path) {
    for f in fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/articles")).unwrap() {
        let f = f.unwrap().path();
        if f.extension().is_some_and(|e| e == "txt") {
            fs::copy(&f, dir.join(f.file_name().unwrap())).unwrap();
        }
    }
}

#[test]
fn the_seeds_build_into_one_thread_with_a_search_index() {
    let articles = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    seeds_into(articles.path());
    let compiled_path = compiled::path_in(out.path());
    let (archive, report) = archive::build_and_save(articles.path(), &compiled_path).unwrap();
    assert_eq!(
        (
            report.files_read,
            report.articles,
            report.dated,
            report.errors()
        ),
        (5, 5, 2, 0)
    );

    // The acceptance order: 2015-09-16 then 2015-09-18 (oldest first), then the undated.
    let dated: Vec<&str> = archive
        .dated_oldest_first()
        .iter()
        .map(|e| e.article.id.as_str())
        .collect();
    assert_eq!(dated, ["cf3dbfa4259b4b62", "91d6d82d5f0f2529"]);

    // All five report the US–Russia talks of September 2015: one thread.
    for e in archive.entries() {
        let others = archive.thread(&e.article.id);
        assert_eq!(others.len(), 4, "{}", e.article.id);
        assert!(others.iter().all(|o| o.article.id != e.article.id));
    }

    let loaded = compiled::load(&compiled_path).unwrap();
    assert_eq!(
        loaded.thread("4873890e38737cc0").len(),
        4,
        "threads survive the compiled file"
    );

    let index = SearchIndex::open(&archive::search_dir(&compiled_path)).unwrap();
    let hits = index.search("لافروف", 0, 10, &loaded).unwrap();
    let mut ids: Vec<&str> = hits.hits.iter().map(|h| h.id.as_str()).collect();
    ids.sort_unstable();
    assert_eq!(
        ids,
        ["33d0e17b3f187f76", "4873890e38737cc0", "cf3dbfa4259b4b62"]
    );
    assert_eq!(
        index.search("سوريا", 0, 10, &loaded).unwrap().total,
        Total::Exact(5)
    );
}

#[test]
fn a_duplicate_is_served_once_and_its_link_kept() {
    let articles = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    seeds_into(articles.path());
    fs::copy(
        articles.path().join("002_33d0e17b3f187f76.txt"),
        articles.path().join("900_ffff0000ffff0000.txt"),
    )
    .unwrap();
    let (archive, report) =
        archive::build_and_save(articles.path(), &compiled::path_in(out.path())).unwrap();
    assert_eq!((report.files_read, report.articles), (6, 5));
    assert!(
        report
            .problems
            .iter()
            .any(|p| p.file == "900_ffff0000ffff0000.txt"
                && p.message.contains("002_33d0e17b3f187f76.txt"))
    );
    assert!(archive.get("ffff0000ffff0000").is_none());
    assert_eq!(archive.alias("ffff0000ffff0000"), Some("33d0e17b3f187f76"));
}

#[test]
fn overrides_win_and_bad_files_are_reported_without_stopping_the_build() {
    let articles = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    seeds_into(articles.path());
    let dir = articles.path();
    fs::write(
        dir.join("000_4873890e38737cc0.toml"),
        "published = \"2015-10-01\"\nnote = \"من *الأرشيف*\"\n",
    )
    .unwrap();
    fs::write(dir.join("001_adaa0b1178cf7dcd.toml"), "titel = \"typo\"\n").unwrap();
    fs::write(dir.join("empty.txt"), "").unwrap();
    fs::write(dir.join("binary.txt"), [0u8, 1, 2, 3, 0, 0, 0, 4]).unwrap();
    fs::write(dir.join("about.md"), "# عن الأرشيف\n").unwrap();

    let (archive, report) = archive::build_and_save(dir, &compiled::path_in(out.path())).unwrap();
    assert_eq!((report.files_read, report.articles), (7, 5));
    let error = |file: &str| report.problems.iter().any(|p| p.file == file && p.is_error);
    assert!(error("empty.txt") && error("binary.txt") && error("001_adaa0b1178cf7dcd.toml"));

    let kerry = archive.get("4873890e38737cc0").unwrap();
    assert_eq!(
        kerry.article.published.map(|d| d.to_string()).as_deref(),
        Some("2015-10-01")
    );
    assert_eq!(kerry.overridden, ["published"]);
    assert_eq!(kerry.note.as_deref(), Some("من *الأرشيف*"));
    // The broken override is ignored, the parser's record kept.
    assert!(
        archive
            .get("adaa0b1178cf7dcd")
            .unwrap()
            .article
            .title
            .starts_with("واشنطن وموسكو")
    );
    assert_eq!(archive.about(), Some("# عن الأرشيف\n"));
    assert!(
        report
            .render(archive::Warnings::Each)
            .contains("read 7 files, built 5 articles")
    );
}

/// `--build-dir` names the build folder in every command (`serve` and `export` read what
/// `build` wrote); `build --out`, the flag's first name, still works and is not advertised.
#[test]
fn build_writes_to_build_dir_and_still_takes_the_old_out_flag() {
    let articles = tempfile::tempdir().unwrap();
    seeds_into(articles.path());
    let arshif = |args: &[&std::ffi::OsStr]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_arshif"))
            .args(args)
            .output()
            .unwrap()
    };
    for flag in ["--build-dir", "--out"] {
        let out = tempfile::tempdir().unwrap();
        let run = arshif(&[
            "build".as_ref(),
            "--articles".as_ref(),
            articles.path().as_os_str(),
            flag.as_ref(),
            out.path().as_os_str(),
        ]);
        assert!(run.status.success(), "{flag}: {run:?}");
        let loaded = compiled::load(&compiled::path_in(out.path())).unwrap();
        assert_eq!(loaded.len(), 5, "{flag}");
    }
    let help = String::from_utf8(arshif(&["build".as_ref(), "--help".as_ref()]).stdout).unwrap();
    assert!(help.contains("--build-dir"), "{help}");
    assert!(!help.contains("--out"), "{help}");
}

/// A folder that cannot be read stops the build with one line that names the folder and says
/// why, once: the error's message already carries its cause.
#[test]
fn a_missing_articles_folder_is_named_with_its_cause_once() {
    let missing = tempfile::tempdir().unwrap().path().join("nowhere");
    let out = tempfile::tempdir().unwrap();
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_arshif"))
        .arg("build")
        .arg("--articles")
        .arg(&missing)
        .arg("--build-dir")
        .arg(out.path())
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1), "{run:?}");
    let said = String::from_utf8(run.stderr).unwrap();
    assert!(said.contains(&missing.display().to_string()), "{said}");
    // What the system says of a path that does not exist (ENOENT).
    let cause = std::io::Error::from_raw_os_error(2).to_string();
    assert_eq!(said.matches(&cause).count(), 1, "{said}");
}

/// `arshif build` takes the build folder's lock (the one a live rebuild holds): while another
/// holds it, the build says once that it waits and writes nothing of its archive; once it is
/// let go, the build goes on and writes it. Told by what the build says, not by a time.
#[test]
fn a_build_waits_for_the_build_folders_lock() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};

    use arshif::archive::build_lock::BuildLock;

    let articles = tempfile::tempdir().unwrap();
    seeds_into(articles.path());
    let out = tempfile::tempdir().unwrap();
    let held = BuildLock::take(out.path()).unwrap();
    let mut build = Command::new(env!("CARGO_BIN_EXE_arshif"))
        .arg("build")
        .arg("--articles")
        .arg(articles.path())
        .arg("--build-dir")
        .arg(out.path())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut said = BufReader::new(build.stderr.take().unwrap()).lines();
    let waiting = format!("waiting for another build of {}", out.path().display());
    // Ends at the line, or (when the build does not wait) at the build's end.
    let first = said.next().transpose().unwrap();
    assert_eq!(first.as_deref(), Some(waiting.as_str()));
    let compiled_path = compiled::path_in(out.path());
    assert!(!compiled_path.exists(), "written while the lock was held");
    drop(held);
    let rest: Vec<String> = said.map(Result::unwrap).collect();
    assert!(build.wait().unwrap().success(), "{rest:?}");
    assert!(!rest.contains(&waiting), "said twice: {rest:?}");
    assert_eq!(compiled::load(&compiled_path).unwrap().len(), 5);
}

/// The pages of `path` the page cache holds (`mincore` of a map of it).
#[cfg(target_os = "linux")]
fn resident_pages(path: &Path) -> usize {
    let file = fs::File::open(path).unwrap();
    // SAFETY: the test's own file, not changed while mapped.
    let map = unsafe { memmap2::Mmap::map(&file) }.unwrap();
    // SAFETY: `sysconf` with a valid name reads no memory of ours.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) } as usize;
    let mut vec = vec![0u8; map.len().div_ceil(page)];
    // SAFETY: `vec` has a byte for each page of the map, which is live.
    let r = unsafe { libc::mincore(map.as_ptr() as *mut _, map.len(), vec.as_mut_ptr()) };
    assert_eq!(r, 0);
    vec.iter().filter(|&&b| b & 1 == 1).count()
}

/// A build of a few dumps leaves those it read from the disk in the page cache (it drops them
/// only when they are many beside the machine's memory): dropped, every build after read them
/// from the disk again (notes/build-bench.md, session 50).
#[cfg(target_os = "linux")]
#[test]
fn a_build_of_a_few_dumps_leaves_them_in_the_page_cache() {
    use std::os::fd::AsRawFd;
    let articles = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    seeds_into(articles.path());
    let dumps: Vec<_> = fs::read_dir(articles.path())
        .unwrap()
        .map(|f| f.unwrap().path())
        .collect();
    for dump in &dumps {
        let file = fs::File::open(dump).unwrap();
        file.sync_all().unwrap();
        // SAFETY: a valid descriptor and integers.
        let r = unsafe { libc::posix_fadvise(file.as_raw_fd(), 0, 0, libc::POSIX_FADV_DONTNEED) };
        assert_eq!(r, 0);
        if resident_pages(dump) > 0 {
            eprintln!("this file system keeps its pages: nothing to check");
            return;
        }
    }
    archive::build_and_save(articles.path(), &compiled::path_in(out.path())).unwrap();
    for dump in &dumps {
        assert!(resident_pages(dump) > 0, "{} not cached", dump.display());
    }
}

/// A warning many files share is said once by `arshif build`, with their count, and on a line
/// a file with `--all-warnings`; the summary counts every warning either way.
#[test]
fn a_warning_many_dumps_share_is_said_once_unless_every_one_is_asked_for() {
    let articles = tempfile::tempdir().unwrap();
    let undated = archive::report::LISTED_UP_TO + 2;
    let places = [
        "حلب",
        "حمص",
        "درعا",
        "إدلب",
        "اللاذقية",
        "طرطوس",
        "دير الزور",
    ];
    for n in 0..undated {
        // Made-up undated pages, each its own article (no two alike, so none a duplicate).
        let place = places[n % places.len()];
        let text = format!(
            "الرئيسية\nأخبار\nافتتاح المكتبة رقم {n} في {place}\n\
             افتتحت البلدية المكتبة العامة رقم {n} في حي من أحياء {place} بعد ترميم دام {n} أشهر.\n\
             وقال مدير المكتبة إن المبنى يضم {n} قاعة للقراءة ومكتبة للأطفال في {place}.\n"
        );
        fs::write(articles.path().join(format!("{n:03}_undated.txt")), text).unwrap();
    }
    let out = tempfile::tempdir().unwrap();
    let build = |flags: &[&str]| {
        let run = std::process::Command::new(env!("CARGO_BIN_EXE_arshif"))
            .arg("build")
            .arg("--articles")
            .arg(articles.path())
            .arg("--build-dir")
            .arg(out.path())
            .args(flags)
            .output()
            .unwrap();
        assert!(run.status.success(), "{run:?}");
        String::from_utf8(run.stderr).unwrap()
    };
    let undated_lines = |said: &str| {
        (said.lines())
            .filter(|l| l.contains("no publication date found"))
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    let grouped = build(&[]);
    assert_eq!(
        undated_lines(&grouped),
        [format!(
            "  warning: {undated} files: no publication date found (000_undated.txt, \
             001_undated.txt, 002_undated.txt and {} more; `arshif build --all-warnings` \
             lists each)",
            undated - 3
        )],
        "{grouped}"
    );
    let each = build(&["--all-warnings"]);
    let lines = undated_lines(&each);
    assert_eq!(lines.len(), undated, "{each}");
    assert_eq!(
        lines[undated - 1],
        format!(
            "  warning: {:03}_undated.txt: no publication date found",
            undated - 1
        )
    );
    // The first line, the summary, counts them all both times.
    let summary = |said: &str| {
        said.lines()
            .next()
            .unwrap()
            .split(", ")
            .last()
            .unwrap()
            .to_owned()
    };
    assert_eq!(summary(&grouped), summary(&each));
}
