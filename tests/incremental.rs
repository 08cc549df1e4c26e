//! A build over the build folder of an earlier one: only the dumps (and overrides) that
//! changed are parsed again, and the result is what a build from nothing gives — the
//! compiled archive, its parts and the search index alike. A broken cache or store is no
//! cache: the build starts over.

use std::fs;
use std::path::{Path, PathBuf};

use arshif::archive::{self, BuildReport, compiled};
use arshif::search::{SearchIndex, Total};

const SEEDS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/articles");
const REAL_PAGES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/real-pages");

fn dumps_of(dir: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|f| f.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    files
}

fn copy_into(files: &[PathBuf], dir: &Path) {
    for f in files {
        fs::copy(f, dir.join(f.file_name().unwrap())).unwrap();
    }
}

/// The seeds and every real page but the first copied into `dir`; the page held back, for a
/// test to add later, and the real pages copied.
fn seeds_and_real_pages_but_one(dir: &Path) -> (PathBuf, Vec<PathBuf>) {
    let mut pages = dumps_of(REAL_PAGES);
    let held_back = pages.remove(0);
    copy_into(&dumps_of(SEEDS), dir);
    copy_into(&pages, dir);
    (held_back, pages)
}

fn build(articles: &Path, out: &Path) -> BuildReport {
    archive::build_and_save(articles, &compiled::path_in(out))
        .unwrap()
        .1
}

/// Everything a reader can get from a build folder, as text: each entry whole (loaded from
/// the compiled file and its store), its thread and neighbours, the about page, the aliases
/// of `ids`, and what searches find.
fn snapshot(out: &Path, ids: &[&str]) -> String {
    let compiled_path = compiled::path_in(out);
    let archive = compiled::load(&compiled_path).unwrap();
    let mut s = String::new();
    for light in archive.entries() {
        let id = &light.article.id;
        let entry = archive.get(id).unwrap();
        let thread: Vec<&str> = archive
            .thread(id)
            .iter()
            .map(|e| e.article.id.as_str())
            .collect();
        let (older, newer) = archive.neighbours(id);
        s += &format!(
            "{}\n  thread {thread:?}\n  neighbours {:?} {:?}\n",
            serde_json::to_string(&entry).unwrap(),
            older.map(|e| &e.article.id),
            newer.map(|e| &e.article.id),
        );
    }
    s += &format!("about {:?}\n", archive.about());
    for id in ids {
        s += &format!("alias {id} {:?}\n", archive.alias(id));
    }
    let index = SearchIndex::open(&archive::search_dir(&compiled_path)).unwrap();
    for query in [
        "سوريا",
        "لافروف",
        "غزة",
        "كورونا",
        "الاحتلال",
        "\"وزير الخارجية\"",
    ] {
        let results = index.search(query, 0, 100, &archive).unwrap();
        let mut hits: Vec<(&str, &str)> = results
            .hits
            .iter()
            .map(|h| (h.id.as_str(), h.snippet_html.as_str()))
            .collect();
        hits.sort_unstable();
        s += &format!("search {query}: {} {hits:?}\n", results.total.value());
    }
    s
}

fn sorted_problems(report: &BuildReport) -> Vec<String> {
    let mut p: Vec<String> = report
        .problems
        .iter()
        .map(|p| format!("{} {} {}", p.is_error, p.file, p.message))
        .collect();
    p.sort();
    p
}

#[test]
fn changed_added_and_removed_dumps_and_overrides_are_picked_up_as_a_full_build_would() {
    let articles = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let dir = articles.path();
    let (held_back, copied) = seeds_and_real_pages_but_one(dir);
    let report = build(dir, out.path());
    assert_eq!(report.reused, 0);
    let files = report.files_read;

    let again = build(dir, out.path());
    assert_eq!(again.reused, files, "nothing changed: nothing parsed");
    assert_eq!(sorted_problems(&again), sorted_problems(&report));

    // One dump added, one removed, one rewritten, one override added.
    let added = dir.join(held_back.file_name().unwrap());
    fs::copy(&held_back, &added).unwrap();
    fs::remove_file(dir.join("004_91d6d82d5f0f2529.txt")).unwrap();
    rewrite(&dir.join(copied[0].file_name().unwrap()), "زمردستان");
    fs::write(
        dir.join("000_4873890e38737cc0.toml"),
        "title = \"عنوان صححه الأرشيفي\"\n",
    )
    .unwrap();

    let incremental = build(dir, out.path());
    assert_eq!(incremental.files_read, files);
    assert_eq!(
        incremental.reused,
        files - 3,
        "the added, the rewritten and the overridden dump are parsed; no other"
    );
    let fresh_out = tempfile::tempdir().unwrap();
    let fresh = build(dir, fresh_out.path());
    assert_eq!(fresh.reused, 0);
    assert_eq!(sorted_problems(&incremental), sorted_problems(&fresh));
    assert_eq!(
        (incremental.articles, incremental.dated),
        (fresh.articles, fresh.dated)
    );
    let ids = ["91d6d82d5f0f2529", "4873890e38737cc0"];
    let snap = snapshot(out.path(), &ids);
    assert_eq!(snap, snapshot(fresh_out.path(), &ids));

    let loaded = compiled::load(&compiled::path_in(out.path())).unwrap();
    assert!(loaded.get("91d6d82d5f0f2529").is_none(), "removed");
    assert_eq!(
        loaded.get("4873890e38737cc0").unwrap().article.title,
        "عنوان صححه الأرشيفي"
    );
    let added_id = archive::id::from_file_name(&added.file_name().unwrap().to_string_lossy());
    assert!(loaded.get(&added_id).is_some(), "added");
    let index = SearchIndex::open(&archive::search_dir(&compiled::path_in(out.path()))).unwrap();
    assert_eq!(
        index.search("زمردستان", 0, 10, &loaded).unwrap().total,
        Total::Exact(1)
    );
    assert_eq!(
        index.search("صححه الأرشيفي", 0, 10, &loaded).unwrap().total,
        Total::Exact(1)
    );
}

/// A dump reused from the cache is read without its id and takes the one its name gives it in
/// this build: a namesake that comes makes it unique, and it gets its id back when the
/// namesake goes, as a build from nothing names it, for both kinds of build (the cache read
/// whole by `serve`, light by `arshif build`).
#[test]
fn a_reused_dump_is_named_as_a_build_from_nothing_names_it() {
    for for_exit in [false, true] {
        let articles = tempfile::tempdir().unwrap();
        let out = tempfile::tempdir().unwrap();
        let dir = articles.path();
        let seeds = dumps_of(SEEDS);
        let run = |out: &Path| match for_exit {
            true => archive::build_and_save_for_exit(dir, &compiled::path_in(out)).unwrap(),
            false => build(dir, out),
        };
        // `a b.txt` slugs to `a-b` without being named so: `a-b.txt` takes the id from it.
        fs::copy(&seeds[0], dir.join("a b.txt")).unwrap();
        fs::copy(&seeds[1], dir.join("x.txt")).unwrap();
        run(out.path());
        let ids = |out: &Path| -> Vec<String> {
            let archive = compiled::load(&compiled::path_in(out)).unwrap();
            let mut ids: Vec<String> = archive
                .entries()
                .iter()
                .map(|e| e.article.id.clone())
                .collect();
            ids.sort();
            ids
        };
        assert_eq!(ids(out.path()), ["a-b", "x"]);

        fs::copy(&seeds[2], dir.join("a-b.txt")).unwrap();
        let report = run(out.path());
        assert_eq!(report.reused, 2, "`a b.txt` is reused under another id");
        let fresh = tempfile::tempdir().unwrap();
        run(fresh.path());
        let now = ids(out.path());
        assert_eq!(now, ids(fresh.path()));
        assert_eq!(now.len(), 3);
        assert!(now[0] == "a-b" && now[1].starts_with("a-b-"), "{now:?}");
        let names = [now[0].as_str(), now[1].as_str(), "x"];
        assert_eq!(snapshot(out.path(), &names), snapshot(fresh.path(), &names));

        fs::remove_file(dir.join("a-b.txt")).unwrap();
        let report = run(out.path());
        assert_eq!(report.reused, 2);
        assert_eq!(ids(out.path()), ["a-b", "x"], "its id back");

        // Once every id is its name's again, a `+1` keeps the ids the cache holds where no new
        // name's id meets another's (`y.txt`), and gives them again by name where one does
        // (`a_b.txt`, whose id is `a b.txt`'s): each build as one from nothing names it.
        let added = [("y.txt", 2), ("z.txt", 3), ("a_b.txt", 4), ("w.txt", 5)];
        let pages = dumps_of(REAL_PAGES);
        for ((added, reused), seed) in added.into_iter().zip(&pages) {
            fs::copy(seed, dir.join(added)).unwrap();
            let report = run(out.path());
            assert_eq!(report.reused, reused, "{added}");
            let fresh = tempfile::tempdir().unwrap();
            run(fresh.path());
            assert_eq!(ids(out.path()), ids(fresh.path()), "{added}");
        }
        // Neither `a b` nor `a_b` is `a-b`: both made unique.
        let now = ids(out.path());
        assert_eq!(now.len(), 6);
        assert!(now[..2].iter().all(|id| id.starts_with("a-b-")), "{now:?}");
    }
}

/// A reused dump given its name's id again while the cache's chunk that holds it is kept whole
/// (none of its dumps changed) leaves that chunk with the id it had: the build says so, and the
/// next `+1` gives the ids by name again rather than keep the cache's.
#[test]
fn an_id_given_again_in_a_chunk_of_the_cache_kept_whole_is_not_kept_from_it() {
    let articles = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let dir = articles.path();
    copy_into(&dumps_of(REAL_PAGES), dir);
    let seeds = dumps_of(SEEDS);
    // `a!6643.txt`'s name ends a chunk of the cache's dumps (its hash's low 13 bits are 0:
    // `chunk_files::ends_chunk`), so `a-b.txt`, after it, is in the next chunk.
    for (seed, name) in seeds.iter().zip(["a b.txt", "a!6643.txt", "a-b.txt"]) {
        fs::copy(seed, dir.join(name)).unwrap();
    }
    let ids = |out: &Path| -> Vec<String> {
        let archive = compiled::load(&compiled::path_in(out)).unwrap();
        let mut ids: Vec<String> = (archive.entries().iter())
            .map(|e| e.article.id.clone())
            .collect();
        ids.sort();
        ids
    };
    build(dir, out.path());
    assert!(ids(out.path()).iter().any(|id| id.starts_with("a-b-")));
    fs::remove_file(dir.join("a-b.txt")).unwrap();
    build(dir, out.path());
    assert!(ids(out.path()).contains(&"a-b".to_string()));
    fs::copy(&seeds[3], dir.join("x.txt")).unwrap();
    build(dir, out.path());
    let fresh = tempfile::tempdir().unwrap();
    build(dir, fresh.path());
    assert_eq!(ids(out.path()), ids(fresh.path()));
}

#[test]
fn a_duplicate_is_served_and_searchable_once_its_kept_copy_is_gone() {
    let articles = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let dir = articles.path();
    copy_into(&dumps_of(SEEDS), dir);
    fs::copy(
        dir.join("002_33d0e17b3f187f76.txt"),
        dir.join("900_ffff0000ffff0000.txt"),
    )
    .unwrap();
    build(dir, out.path());
    fs::remove_file(dir.join("002_33d0e17b3f187f76.txt")).unwrap();
    let report = build(dir, out.path());
    assert_eq!(report.reused, 5);

    let archive = compiled::load(&compiled::path_in(out.path())).unwrap();
    assert!(archive.get("ffff0000ffff0000").is_some());
    assert_eq!(archive.alias("ffff0000ffff0000"), None);
    let index = SearchIndex::open(&archive::search_dir(&compiled::path_in(out.path()))).unwrap();
    let hits = index.search("لافروف", 0, 10, &archive).unwrap();
    let ids: Vec<&str> = hits.hits.iter().map(|h| h.id.as_str()).collect();
    assert!(ids.contains(&"ffff0000ffff0000"), "{ids:?}");
    assert!(!ids.contains(&"33d0e17b3f187f76"), "{ids:?}");
}

/// `arshif build` knows an unchanged chunk of the compiled archive by its first and last ids
/// and count when its entries are as the last build wrote them: a duplicate served once its
/// kept copy is gone was read light and unchanged from the cache, but was not served, and
/// takes the gone one's place between the same ends, the count the same (an undated copy
/// whose id sorts between its twin's and the last's). Its chunk is written anew: what is
/// served is what a build from nothing serves.
#[test]
fn a_duplicate_served_in_its_twins_place_is_written_by_a_build_for_exit() {
    let articles = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let dir = articles.path();
    copy_into(&dumps_of(SEEDS), dir);
    copy_into(&dumps_of(REAL_PAGES), dir);
    fs::copy(
        dir.join("002_33d0e17b3f187f76.txt"),
        dir.join("900_40000000aaaa0000.txt"),
    )
    .unwrap();
    let exit = || archive::build_and_save_for_exit(dir, &compiled::path_in(out.path())).unwrap();
    let ends = || {
        let archive = compiled::load(&compiled::path_in(out.path())).unwrap();
        let ids: Vec<String> = archive
            .entries()
            .iter()
            .map(|e| e.article.id.clone())
            .collect();
        (ids.len(), ids.first().cloned(), ids.last().cloned(), ids)
    };
    exit();
    let (len, first, last, ids) = ends();
    assert!(ids.contains(&"33d0e17b3f187f76".to_string()));
    assert!(!ids.contains(&"40000000aaaa0000".to_string()));

    fs::remove_file(dir.join("002_33d0e17b3f187f76.txt")).unwrap();
    let report = exit();
    assert!(report.reused > 0);
    let (len_now, first_now, last_now, ids_now) = ends();
    assert_eq!(
        (len_now, first_now, last_now),
        (len, first, last),
        "the same ends and count"
    );
    assert!(ids_now.contains(&"40000000aaaa0000".to_string()));
    let fresh = tempfile::tempdir().unwrap();
    build(dir, fresh.path());
    assert_eq!(
        snapshot(out.path(), &["40000000aaaa0000"]),
        snapshot(fresh.path(), &["40000000aaaa0000"])
    );
}

#[test]
fn a_corrupt_cache_or_a_lost_store_means_a_build_from_nothing() {
    let articles = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    copy_into(&dumps_of(SEEDS), articles.path());
    build(articles.path(), out.path());
    let before = snapshot(out.path(), &[]);

    // A lost index is written again from the store, without parsing anything.
    fs::remove_dir_all(archive::search_dir(&compiled::path_in(out.path()))).unwrap();
    let report = build(articles.path(), out.path());
    assert_eq!(report.reused, 5);
    assert_eq!(snapshot(out.path(), &[]), before);

    fs::write(
        out.path().join(archive::build_cache::FILE_NAME),
        b"ARSHIFC\x01junk",
    )
    .unwrap();
    let report = build(articles.path(), out.path());
    assert_eq!((report.reused, report.articles), (0, 5));
    assert_eq!(snapshot(out.path(), &[]), before);

    // A cache of the version before (or after) this one's is not read: v11's entries, one
    // field after another, would be misread as v12's, each one's head and length first.
    let cache = out.path().join(archive::build_cache::FILE_NAME);
    let version = |bytes: &[u8]| u32::from_le_bytes(bytes[8..12].try_into().unwrap());
    for step in [-1, 1] {
        let report = build(articles.path(), out.path());
        assert_eq!(report.reused, 5, "read as written");
        let mut bytes = fs::read(&cache).unwrap();
        let other = version(&bytes).checked_add_signed(step).unwrap();
        bytes[8..12].copy_from_slice(&other.to_le_bytes());
        fs::write(&cache, &bytes).unwrap();
        let report = build(articles.path(), out.path());
        assert_eq!((report.reused, report.articles), (0, 5), "version {other}");
        assert_eq!(snapshot(out.path(), &[]), before);
    }

    let store = fs::read_dir(out.path())
        .unwrap()
        .map(|f| f.unwrap().path())
        .find(|p| archive::store::is_store_file(&p.file_name().unwrap().to_string_lossy()))
        .expect("a store beside the archive");
    let len = fs::metadata(&store).unwrap().len();
    fs::OpenOptions::new()
        .write(true)
        .open(&store)
        .unwrap()
        .set_len(len / 2)
        .unwrap();
    let report = build(articles.path(), out.path());
    assert_eq!((report.reused, report.articles), (0, 5));
    assert_eq!(snapshot(out.path(), &[]), before);
}

/// The seeds in an articles folder, built into a build folder: both, and the build's
/// [`snapshot`].
fn seeds_built() -> (tempfile::TempDir, tempfile::TempDir, String) {
    let articles = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    copy_into(&dumps_of(SEEDS), articles.path());
    build(articles.path(), out.path());
    let before = snapshot(out.path(), &[]);
    (articles, out, before)
}

/// A store of an older version (session 34 moved its frames from zstd to lz4): `serve` and
/// `build` over it write a new store and parse every dump again, and the old file goes.
#[test]
fn a_store_of_an_older_version_is_written_again() {
    let (articles, out, before) = seeds_built();
    let compiled_path = compiled::path_in(out.path());
    let make_old = || {
        let [(name, _)] = store_files(out.path()).try_into().unwrap();
        let path = out.path().join(&name);
        let mut bytes = fs::read(&path).unwrap();
        assert_eq!(&bytes[..8], b"ARSHIFP\x03");
        bytes[7] = 2;
        fs::write(&path, bytes).unwrap();
        name
    };

    // `serve` opening the folder: the compiled archive names a store it cannot read.
    let old = make_old();
    assert!(compiled::load(&compiled_path).is_err());
    let (_, report) =
        archive::load_or_build(articles.path(), &compiled_path, archive::Check::Folder).unwrap();
    let report = report.expect("a build ran");
    assert_eq!((report.reused, report.articles), (0, 5));
    assert_eq!(snapshot(out.path(), &[]), before);
    let files = store_files(out.path());
    assert!(files.len() == 1 && files[0].0 != old, "{files:?}");

    // `build` over it.
    let old = make_old();
    let report = build(articles.path(), out.path());
    assert_eq!((report.reused, report.articles), (0, 5));
    assert_eq!(snapshot(out.path(), &[]), before);
    let files = store_files(out.path());
    assert!(files.len() == 1 && files[0].0 != old, "{files:?}");
}

/// An index of the schema before session 23 (the body's paragraphs stored beside the id),
/// empty: the fields are what a reader of another version checks.
fn write_old_schema_index(dir: &Path) {
    use tantivy::schema::{STORED, STRING, Schema, TEXT};
    let mut schema = Schema::builder();
    schema.add_text_field("id", STRING | STORED);
    schema.add_text_field("title", TEXT);
    schema.add_text_field("body", TEXT);
    schema.add_bytes_field("paragraphs", STORED);
    schema.add_text_field("title_pairs", TEXT);
    schema.add_text_field("body_pairs", TEXT);
    fs::create_dir_all(dir).unwrap();
    let index = tantivy::Index::create_in_dir(dir, schema.build()).unwrap();
    let mut writer: tantivy::IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
    writer.commit().unwrap();
}

#[test]
fn an_index_of_another_schema_is_written_again_not_read() {
    let (articles, out, before) = seeds_built();
    let compiled_path = compiled::path_in(out.path());
    let search = archive::search_dir(&compiled_path);

    // `serve` opening the folder: the archive is current, the index is not this version's.
    fs::remove_dir_all(&search).unwrap();
    write_old_schema_index(&search);
    // It would be searched (the passages are the archive's), but never updated: written anew.
    assert!(!arshif::search::is_readable(&search));
    let (_, report) =
        archive::load_or_build(articles.path(), &compiled_path, archive::Check::Folder).unwrap();
    assert_eq!(report.expect("a build ran").reused, 5);
    assert_eq!(snapshot(out.path(), &[]), before);

    // `build` over it: the index is written from nothing, nothing parsed again.
    fs::remove_dir_all(&search).unwrap();
    write_old_schema_index(&search);
    let report = build(articles.path(), out.path());
    assert_eq!(report.reused, 5);
    assert_eq!(snapshot(out.path(), &[]), before);
}

/// The store files of a build folder, by name.
fn store_files(out: &Path) -> Vec<(String, u64)> {
    let mut files: Vec<(String, u64)> = fs::read_dir(out)
        .unwrap()
        .map(|f| f.unwrap())
        .filter(|f| archive::store::is_store_file(&f.file_name().to_string_lossy()))
        .map(|f| {
            let len = f.metadata().unwrap().len();
            (f.file_name().to_string_lossy().into_owned(), len)
        })
        .collect();
    files.sort();
    files
}

/// Rewrites dump `path` with a made-up word added to its longest line (a body paragraph), so
/// that its parts are replaced.
fn rewrite(path: &Path, word: &str) {
    let text = fs::read_to_string(path).unwrap();
    let longest = text.lines().max_by_key(|l| l.len()).unwrap();
    let text = text.replacen(longest, &format!("{longest} {word}"), 1);
    fs::write(path, text).unwrap();
}

/// Words added to a dump per round: six rewrites of three dumps leave enough dead bytes in
/// the store for a build to compact it at least once.
const REPLACED: [&str; 6] = [
    "زمردستان",
    "قرمزيات",
    "فيروزآباد",
    "لازورديا",
    "ياقوتيل",
    "عقيقان",
];

/// An articles folder of the seeds and the real pages, and its build folder, built.
fn built_seeds_and_pages() -> (tempfile::TempDir, tempfile::TempDir) {
    let articles = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    copy_into(&dumps_of(SEEDS), articles.path());
    copy_into(&dumps_of(REAL_PAGES), articles.path());
    build(articles.path(), out.path());
    (articles, out)
}

#[test]
fn rebuilds_that_replace_parts_do_not_grow_the_store_past_a_third_of_its_live_bytes() {
    let (articles, out) = built_seeds_and_pages();
    let dir = articles.path();
    let first = store_files(out.path());
    assert_eq!(first.len(), 1);

    let dumps = dumps_of(dir.to_str().unwrap());
    let mut names = vec![first[0].0.clone()];
    let mut appended = 0;
    for (round, word) in REPLACED.iter().enumerate() {
        let before = store_files(out.path())[0].1;
        rewrite(&dumps[round % 3], word);
        build(dir, out.path());
        let files = store_files(out.path());
        assert_eq!(files.len(), 1, "round {round}: the old store is removed");
        let (name, len) = files[0].clone();
        if name == *names.last().unwrap() {
            appended += len - before;
        } else {
            names.push(name);
        }

        // What a build from nothing of the same dumps writes: the live bytes alone.
        let fresh = tempfile::tempdir().unwrap();
        build(dir, fresh.path());
        let live = store_files(fresh.path())[0].1;
        assert!(
            len <= live + live / 3,
            "round {round}: {len} bytes for {live} live"
        );
        if round == 5 {
            assert_eq!(snapshot(out.path(), &[]), snapshot(fresh.path(), &[]));
        }
    }
    assert!(appended > 0, "replaced parts are appended");
    assert!(names.len() > 1, "the store was compacted: {names:?}");
}

/// `arshif build` reads the cache light (a reused entry's id, dates and origin, the rest left in
/// the cache's bytes): a build that compacts the store moves every part, so every reused entry
/// is written out again, to the cache and to the compiled archive, from those bytes. What it
/// writes is what a build from nothing writes, and the next build reads it back.
#[test]
fn a_build_for_exit_that_compacts_the_store_writes_every_entry_whole() {
    let articles = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    copy_into(&dumps_of(SEEDS), articles.path());
    copy_into(&dumps_of(REAL_PAGES), articles.path());
    let exit = |dir: &Path| {
        archive::build_and_save_for_exit(articles.path(), &compiled::path_in(dir)).unwrap()
    };
    exit(out.path());
    let dumps = dumps_of(articles.path().to_str().unwrap());
    let mut names = vec![store_files(out.path())[0].0.clone()];
    for (round, word) in REPLACED.iter().enumerate() {
        rewrite(&dumps[round % 3], word);
        let report = exit(out.path());
        assert!(report.reused > 0, "round {round}: the cache was read");
        let name = store_files(out.path())[0].0.clone();
        if name != *names.last().unwrap() {
            names.push(name);
        }
        let fresh = tempfile::tempdir().unwrap();
        build(articles.path(), fresh.path());
        assert_eq!(
            snapshot(out.path(), &[]),
            snapshot(fresh.path(), &[]),
            "round {round}"
        );
    }
    assert!(names.len() > 1, "the store was compacted: {names:?}");
}

#[test]
fn a_reader_holding_the_old_store_reads_its_bytes_after_a_compaction() {
    let articles = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let dir = articles.path();
    copy_into(&dumps_of(SEEDS), dir);
    build(dir, out.path());
    let reader = compiled::load(&compiled::path_in(out.path())).unwrap();
    let read = |a: &archive::Archive| -> Vec<String> {
        a.entries()
            .iter()
            .map(|e| serde_json::to_string(&a.get(&e.article.id).unwrap()).unwrap())
            .collect()
    };
    let before = read(&reader);
    let old_store = store_files(out.path());

    // Every dump replaced: half the store is dead, so the build compacts it into a new file
    // and removes the old one, which the reader still maps.
    for (i, path) in dumps_of(dir.to_str().unwrap()).iter().enumerate() {
        rewrite(path, &format!("كلمةجديدة{i}"));
    }
    build(dir, out.path());
    assert_ne!(store_files(out.path())[0].0, old_store[0].0);
    assert!(!out.path().join(&old_store[0].0).exists());

    assert_eq!(read(&reader), before, "the old archive reads its old bytes");
    let now = read(&compiled::load(&compiled::path_in(out.path())).unwrap());
    assert_ne!(now, before);
    assert!(now.iter().all(|e| e.contains("كلمةجديدة")));
}

/// A copy of the files of `from` (one level of folders) into `to`.
fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for f in fs::read_dir(from).unwrap() {
        let f = f.unwrap();
        if f.file_type().unwrap().is_dir() {
            copy_tree(&f.path(), &to.join(f.file_name()));
        } else {
            fs::copy(f.path(), to.join(f.file_name())).unwrap();
        }
    }
}

#[test]
fn a_build_killed_mid_write_leaves_the_previous_archive_good() {
    let (articles, out) = built_seeds_and_pages();
    let dir = articles.path();
    let good = snapshot(out.path(), &[]);
    let saved = tempfile::tempdir().unwrap();
    copy_tree(out.path(), saved.path());
    let (store, len) = store_files(out.path())[0].clone();

    // The next build appends the rewritten dump's parts; `kill -9` comes halfway through
    // them, before the index, the cache and the compiled archive are replaced (each is
    // replaced whole by a rename, so it is the old one or the new one).
    let dumps = dumps_of(dir.to_str().unwrap());
    rewrite(&dumps[0], "زمردستان");
    build(dir, out.path());
    let grown = store_files(out.path());
    assert_eq!(
        grown[0].0, store,
        "one dump replaced: appended, not compacted"
    );
    for name in ["archive.bin", "cache.bin"] {
        fs::copy(saved.path().join(name), out.path().join(name)).unwrap();
    }
    let search = archive::search_dir(&compiled::path_in(out.path()));
    fs::remove_dir_all(&search).unwrap();
    copy_tree(&saved.path().join("search"), &search);
    fs::OpenOptions::new()
        .write(true)
        .open(out.path().join(&store))
        .unwrap()
        .set_len(len + (grown[0].1 - len) / 2)
        .unwrap();
    // And a compaction killed halfway leaves a new store file that nothing names.
    fs::write(
        out.path().join("parts-torn-1.bin"),
        &fs::read(out.path().join(&store)).unwrap()[..(len / 2) as usize],
    )
    .unwrap();
    assert_eq!(
        snapshot(out.path(), &[]),
        good,
        "the previous archive is whole"
    );

    // The next build picks up from there, as a build from nothing would.
    let report = build(dir, out.path());
    assert_eq!(report.reused, dumps.len() - 1);
    let fresh = tempfile::tempdir().unwrap();
    build(dir, fresh.path());
    assert_eq!(snapshot(out.path(), &[]), snapshot(fresh.path(), &[]));
}

/// Rewrites `path` with as many bytes (one dot made a bang) and a modification time a day
/// later: only its change time and its content say it changed.
fn edit_in_place(path: &Path) {
    let mut bytes = fs::read(path).unwrap();
    let at = bytes.iter().rposition(|&b| b == b'.').unwrap();
    bytes[at] = b'!';
    let was = fs::metadata(path).unwrap().modified().unwrap();
    fs::write(path, &bytes).unwrap();
    let file = fs::File::options().write(true).open(path).unwrap();
    file.set_modified(was + std::time::Duration::from_secs(86_400))
        .unwrap();
}

/// `serve --watch` tells the build which names changed: the folder is listed from the last
/// build's cache and those names, and the archive is the one a full listing gives. A changed
/// file left out of the names is, by the watcher's contract, as the last listing found it
/// until a build that lists the folder whole.
#[test]
fn a_build_told_which_names_changed_gives_what_a_full_listing_gives() {
    use archive::Changes;
    let (articles, by_names) = built_seeds_and_pages();
    let dir = articles.path();
    let whole = tempfile::tempdir().unwrap();
    build(dir, whole.path());
    let run = |out: &Path, changes: &Changes| {
        archive::build_and_save_knowing(dir, &compiled::path_in(out), changes)
            .unwrap()
            .1
    };
    let dumps = dumps_of(dir.to_str().unwrap());
    let name = |p: &PathBuf| p.file_name().unwrap().to_owned();
    // Added, edited in place, removed, renamed.
    let added = dir.join("zz-added.txt");
    fs::copy(&dumps[1], &added).unwrap();
    edit_in_place(&dumps[2]);
    fs::remove_file(&dumps[3]).unwrap();
    let renamed = dir.join("00-renamed.txt");
    fs::rename(&dumps[4], &renamed).unwrap();
    let names = [&added, &dumps[2], &dumps[3], &dumps[4], &renamed].map(name);
    let told = run(
        by_names.path(),
        &Changes::Names(names.into_iter().collect()),
    );
    let listed = run(whole.path(), &Changes::Unknown);
    assert_eq!(told.files_read, listed.files_read);
    assert_eq!(sorted_problems(&told), sorted_problems(&listed));
    assert_eq!(snapshot(by_names.path(), &[]), snapshot(whole.path(), &[]));

    // The lie: a dump edited and not named.
    let before = snapshot(by_names.path(), &[]);
    edit_in_place(&dumps[5]);
    let told = run(by_names.path(), &Changes::Names(Default::default()));
    assert_eq!(
        told.reused, told.files_read,
        "nothing named: nothing parsed"
    );
    assert_eq!(snapshot(by_names.path(), &[]), before, "served as it was");
    run(by_names.path(), &Changes::Unknown);
    run(whole.path(), &Changes::Unknown);
    let after = snapshot(by_names.path(), &[]);
    assert_ne!(after, before, "a full listing sees it");
    assert_eq!(after, snapshot(whole.path(), &[]));
}

/// Whether a build's index step found the served articles to be those the index held (its
/// list kept, its chunks taken by name) rather than sorting them to reconcile the two.
fn index_list_kept(report: &BuildReport) -> bool {
    let line = |name: &str| report.timings.iter().any(|(step, _)| step.contains(name));
    assert_ne!(
        line("checked against the index list"),
        line("served sorted by id")
    );
    line("checked against the index list")
}

/// A dump added keeps the index's list (what is served is what it holds with the additions);
/// a dump removed, or a duplicate served in its kept twin's place (as many served as before),
/// does not: the index is reconciled, and either way it finds what a build from nothing does.
#[test]
fn the_index_list_is_kept_only_where_the_served_are_what_it_holds() {
    let articles = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let dir = articles.path();
    let (held_back, _) = seeds_and_real_pages_but_one(dir);
    fs::copy(
        dir.join("002_33d0e17b3f187f76.txt"),
        dir.join("900_ffff0000ffff0000.txt"),
    )
    .unwrap();
    build(dir, out.path());

    fs::copy(&held_back, dir.join(held_back.file_name().unwrap())).unwrap();
    assert!(index_list_kept(&build(dir, out.path())), "a dump added");
    assert!(index_list_kept(&build(dir, out.path())), "nothing changed");
    fs::remove_file(dir.join("004_91d6d82d5f0f2529.txt")).unwrap();
    assert!(!index_list_kept(&build(dir, out.path())), "a dump removed");
    fs::remove_file(dir.join("002_33d0e17b3f187f76.txt")).unwrap();
    assert!(!index_list_kept(&build(dir, out.path())), "a twin served");
    assert!(index_list_kept(&build(dir, out.path())), "nothing changed");

    let fresh_out = tempfile::tempdir().unwrap();
    build(dir, fresh_out.path());
    let ids = ["ffff0000ffff0000", "33d0e17b3f187f76"];
    assert_eq!(snapshot(out.path(), &ids), snapshot(fresh_out.path(), &ids));
}
