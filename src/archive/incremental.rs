//! The saved build: the compiled archive written with its parts store, its search index and the
//! build cache, so that the next build parses only the dumps that changed and updates the index
//! rather than rebuilding it (index reconciliation).

use std::collections::HashMap;
use std::fs;
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::sync::{Mutex, OnceLock};
use std::time::Instant;

use super::build::{Again, Done, Joining, assemble, collect, finish_report, into_archive};
use super::build_cache::{self, BuildCache, CachedRef, Decode};
use super::in_order::{Marks, save_in_order};
use super::index_list::{self, Listed};
use super::index_update::{self, unnamed};
use super::last_build::{self, Last};
use super::list_digest::Digester;
use super::model::Archive;
use super::reconcile::{LazyIndex, Pending};
use super::report::BuildReport;
use super::results::Outcomes;
use super::store::{self, PartRef, Store, StoreWriter};
use super::store_sink::StoreSink;
use super::told::Listing;
use super::watched::{self, Changes};
use super::{
    ArchiveError, build_lock::BuildLock, carried_order, compiled, own_pool, results_compaction,
    search_dir, staleness,
};

/// How [`load_or_build`] tells that the compiled archive is current.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// Every file of the folder ([`staleness::is_stale`]): one stat per dump.
    EveryFile,
    /// The folder and `about.md` alone ([`staleness::is_stale_by_folder`]): a dump rewritten in
    /// place goes unseen, for the caller to check once it is under way (`serve` does).
    Folder,
}

/// The archive the server should serve: the compiled file when it is current (as `check`
/// tells), else a fresh build of `articles` (saved for next time). The report is `Some` when
/// a build ran.
pub fn load_or_build(
    articles: &Path,
    compiled_path: &Path,
    check: Check,
) -> Result<(Archive, Option<BuildReport>), ArchiveError> {
    let (archive, report, _lock) = load_or_build_locked(articles, compiled_path, check)?;
    Ok((archive, report))
}

/// [`load_or_build`] under the build folder's lock, given back held: a site that opens the
/// search index before letting go of it pairs the archive with the index of the same build,
/// never with one another build of the folder committed in between. `None` where the folder
/// cannot be locked because it cannot be written (a read-only copy: no build can come between
/// there either); a current archive is then loaded as it is.
pub fn load_or_build_locked(
    articles: &Path,
    compiled_path: &Path,
    check: Check,
) -> Result<(Archive, Option<BuildReport>, Option<BuildLock>), ArchiveError> {
    let lock = match BuildLock::of_archive(compiled_path) {
        Ok(lock) => Some(lock),
        Err(ArchiveError::Lock { cause, .. }) if cannot_be_written(&cause) => None,
        Err(e) => return Err(e),
    };
    let stale = match check {
        Check::EveryFile => staleness::is_stale(compiled_path, articles),
        Check::Folder => staleness::is_stale_by_folder(compiled_path, articles),
    };
    let index = crate::search::readable(&search_dir(compiled_path));
    if !stale
        && index.is_ok()
        && let Ok(archive) = compiled::load(compiled_path)
    {
        return Ok((archive, None, lock));
    }
    let built = match &lock {
        Some(lock) => build_and_save_holding(articles, compiled_path, &Changes::Unknown, lock),
        // Taken again to fail as any build into that folder fails, naming it.
        None => build_and_save(articles, compiled_path),
    };
    // An index of another format is never served: without a build there is nothing to serve,
    // and the error says why the build was needed.
    let (archive, report) = built.map_err(|cause| match index {
        Err(other @ crate::search::SearchError::Format { .. }) => ArchiveError::CannotRebuild {
            why: other,
            cause: Box::new(cause),
        },
        _ => cause,
    })?;
    Ok((archive, Some(report), lock))
}

/// Whether taking a folder's lock failed because the folder cannot be written.
fn cannot_be_written(cause: &std::io::Error) -> bool {
    matches!(
        cause.kind(),
        std::io::ErrorKind::ReadOnlyFilesystem | std::io::ErrorKind::PermissionDenied
    )
}

/// Builds the archive of `articles` and writes it to `compiled_path`, with its search index
/// ([`search_dir`]), its parts store and the build cache beside it.
///
/// A dump is parsed again only when it or its override changed since the last build (or the
/// program did); the search index is updated for the articles that changed rather than
/// rebuilt. Threads are grouped again from the last build's grouping (`threads.bin`) where the
/// change reaches, with its weighing base while the archive has changed by less than 1% since
/// it was counted (see [`super::threads`]).
pub fn build_and_save(
    articles: &Path,
    compiled_path: &Path,
) -> Result<(Archive, BuildReport), ArchiveError> {
    build_and_save_knowing(articles, compiled_path, &Changes::Unknown)
}

/// [`build_and_save`] told what changed in `articles` since the build folder's last build
/// (a watcher's names: [`Changes`]): with [`Changes::Names`] the folder is not listed, only
/// the named files stamped again ([`watched`], which lists it whole when the build folder
/// cannot vouch for the last listing). The same archive as [`Changes::Unknown`] gives when
/// the names are true.
pub fn build_and_save_knowing(
    articles: &Path,
    compiled_path: &Path,
    changes: &Changes,
) -> Result<(Archive, BuildReport), ArchiveError> {
    let lock = BuildLock::of_archive(compiled_path)?;
    build_and_save_holding(articles, compiled_path, changes, &lock)
}

/// [`build_and_save_knowing`] by a caller that holds the folder's `lock` already (and lets go
/// of it when it is done with the folder).
fn build_and_save_holding(
    articles: &Path,
    compiled_path: &Path,
    changes: &Changes,
    lock: &BuildLock,
) -> Result<(Archive, BuildReport), ArchiveError> {
    let (archive, mut report) =
        build_and_write(articles, compiled_path, Then::Serve, changes, lock)?;
    let started = Instant::now();
    let archive = archive.expect("kept to serve").indexed();
    report.timings.push((
        "index the archive (ids, facets, threads)",
        started.elapsed(),
    ));
    Ok((archive, report))
}

/// [`build_and_save`] for a command that ends once the archive is written (`arshif build`):
/// the archive is not indexed, and not freed either (a million entries freed one string at
/// a time; the process's exit gives the pages back whole).
pub fn build_and_save_for_exit(
    articles: &Path,
    compiled_path: &Path,
) -> Result<BuildReport, ArchiveError> {
    build_and_save_for_exit_knowing(articles, compiled_path, &Changes::Unknown)
}

/// [`build_and_save_for_exit`] told what changed, as [`build_and_save_knowing`] is.
pub fn build_and_save_for_exit_knowing(
    articles: &Path,
    compiled_path: &Path,
    changes: &Changes,
) -> Result<BuildReport, ArchiveError> {
    let lock = BuildLock::of_archive(compiled_path)?;
    let (archive, report) = build_and_write(articles, compiled_path, Then::Exit, changes, &lock)?;
    std::mem::forget(archive);
    Ok(report)
}

/// [`build_and_save_knowing`] for a server that swaps the archive in (a live rebuild): written
/// as `arshif build` writes it, then loaded, taking the chunks the archive it replaces (`old`)
/// holds ([`compiled::load_reusing`]). Made whole in memory and written whole, a `+1` took
/// 4.1 s at 100,000 dumps (build-bench.md, session 39); `arshif build` writes it in 1.0 s.
pub fn build_and_save_then_load(
    articles: &Path,
    compiled_path: &Path,
    changes: &Changes,
    old: Option<&Archive>,
    lock: &BuildLock,
) -> Result<(Archive, BuildReport), ArchiveError> {
    let (_, mut report) = build_and_write(articles, compiled_path, Then::Load, changes, lock)?;
    let mut clock = Instant::now();
    let archive = compiled::load_reusing(compiled_path, old)?;
    report.lap("load the compiled archive (and index it)", &mut clock);
    Ok((archive, report))
}

/// What the caller of [`build_and_write`] does with the archive once it is written.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Then {
    /// Serves it: it is made and given back.
    Serve,
    /// Exits: it is written from the build's results and not made.
    Exit,
    /// Loads it from the file: it is written as for [`Then::Exit`], and the build's results
    /// freed (on a thread of their own: a process that lives on cannot leave them to its exit).
    Load,
}

/// [`build_and_save`] but for the archive's lookups: the archive as written, not indexed
/// (`None` when `then` is [`Then::Exit`] and the archive did not need to be made); `_lock`
/// shows that the caller holds the folder's lock for the whole build.
fn build_and_write(
    articles: &Path,
    compiled_path: &Path,
    then: Then,
    changes: &Changes,
    _lock: &BuildLock,
) -> Result<(Option<Archive>, BuildReport), ArchiveError> {
    let out = compiled_path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(out).map_err(|e| ArchiveError::Write {
        path: out.to_path_buf(),
        cause: e,
    })?;
    super::sweep::leftovers(compiled_path);
    let mut clock = Instant::now();
    let mut report = BuildReport::default();
    let source = compiled::Source::of(articles).map_err(|e| ArchiveError::ReadDir {
        path: articles.to_path_buf(),
        cause: e,
    })?;
    // The build folder held another folder's archive (`build` asked first, `serve` rebuilds
    // on its own): nothing of it is reused, and its store and index are not kept growing.
    let another_folder = compiled::source_of(compiled_path)
        .filter(|held| !held.same_folder(&source))
        .inspect(|held| {
            tracing::warn!(
                "{} held the archive of {}; building the archive of {} in its place",
                out.display(),
                held.articles(),
                source.articles()
            );
        })
        .is_some();
    // An archive only written needs of a reused entry its id, dates and origin; the rest is
    // decoded where an entry is written out.
    let decode = match then {
        Then::Serve => Decode::Whole,
        Then::Exit | Then::Load => Decode::Light,
    };
    let load_cache = || BuildCache::load(out, decode).filter(|_| !another_folder);
    // Told the names that changed, the folder is listed from the cache, read first.
    let (loaded, known) = match changes {
        Changes::Unknown => (None, None),
        Changes::Names(names) => {
            let cache = load_cache();
            report.lap("load the cache (to list from it)", &mut clock);
            let known = watched::list(articles, out, &source, cache.as_ref(), names)
                .inspect_err(|why| tracing::info!("listing {} whole: {why}", articles.display()))
                .ok();
            (Some(cache), known)
        }
    };
    // Listed whole, the folder is listed while the last build is loaded, on a thread of its
    // own ([`last_build::beside`]).
    let search = search_dir(compiled_path);
    let list = OnceLock::new();
    let load = || Last::load(|| loaded.unwrap_or_else(load_cache), out, &search, &list);
    let (listed, last) = match known {
        Some((known, overrides)) => {
            report.lap("list the dumps", &mut clock);
            let last = load();
            report.lap("load the cache", &mut clock);
            (Ok((Listing::Known(known), overrides)), last)
        }
        None => {
            let (folder, last) = last_build::read_beside(articles, load);
            let listed = folder.map(|f| {
                let overrides = f.overrides.clone();
                (Listing::Whole(f), overrides)
            });
            report.lap("list the dumps (and load the cache beside)", &mut clock);
            let took = last.took;
            report.timings.push(("  of which the cache loaded", took));
            (listed, last)
        }
    };
    let (listing, overrides) = listed?;
    let Last {
        mut cache,
        grouping: (previous, saved),
        indexed: held,
        other_format,
        ..
    } = last;
    report.index_of_other_format = other_format;
    // This build's, written in its cache and its archive; the last one's, read from its cache.
    let mark = build_cache::new_mark();
    let read_mark = cache.as_ref().map(|c| c.mark);
    let (index, indexed) = match held {
        Some(indexed) => (LazyIndex::new(&search, false), indexed),
        None => (LazyIndex::new(&search, true), Listed::default()),
    };
    let (mut store_name, writer, fresh) = match &cache {
        Some(c) => (
            c.store.clone(),
            StoreWriter::append(&out.join(&c.store))?,
            false,
        ),
        None => {
            let name = store::new_file_name();
            let writer = StoreWriter::create(&out.join(&name))?;
            (name, writer, true)
        }
    };
    let sink = StoreSink {
        store: Mutex::new(writer),
        store_path: out.join(&store_name),
        index: &index,
        added: Mutex::new(HashMap::new()),
        removed: AtomicBool::new(false),
    };
    report.lap("open the index and the store", &mut clock);
    // Which chunks the cache's dumps came from, for writing again only those that changed.
    let known = cache
        .as_mut()
        .map(|c| std::mem::take(&mut c.dump_chunks))
        .unwrap_or_default();
    // Whether the next build may list from this one's cache (and the watcher's names).
    let (placed, vouches) = listing.placed(cache)?;
    let (mut done, ids, parsed) = collect(articles, placed, &sink)?;
    report.files_read = done.len();
    report.reused = done.len() - parsed.len();
    // Carried over only while every file's id is its name's, in this build as in the last.
    let as_named = ids.as_named();
    let last_order = read_mark
        .filter(|_| as_named && then != Then::Serve)
        .and_then(|mark| carried_order::load(out, mark));
    report.left_to_index = index.queued();
    report.lap("parse, store and index the changed dumps", &mut clock);
    let StoreSink {
        store: writer,
        added,
        removed,
        ..
    } = sink;
    // A new index's additions are written out while threads are grouped, unless an article
    // was indexed twice (a crawl's address captured twice): its served capture is added again
    // once known, as the last segment's, not in a segment of its own.
    let index = match index.is_new() && !removed.into_inner() {
        true => index.commit_added(),
        false => Pending::Ready(Box::new(index)),
    };
    // Synced beside the threads step, below, before anything names the store.
    let unsynced = writer.into_inner().expect("no panic holds it").flush()?;
    let mut store_len = unsynced.end;
    // Every article indexed was stored once the parse ended without an error.
    let mut added: Vec<(String, PartRef)> = added
        .into_inner()
        .expect("no panic holds it")
        .into_iter()
        .filter_map(|(id, at)| Some((id, at?)))
        .collect();
    added.sort_unstable();
    let mut indexed = index_list::with_added(indexed, &added);
    let mut store = Store::open(&out.join(&store_name))?;
    report.lap("flush the store", &mut clock);
    let mut compacted = false;
    if !fresh
        && let Some((name, moved_to)) = results_compaction::compact_if_worth(
            out,
            &store,
            store_len,
            &mut done,
            &mut indexed.items,
        )?
    {
        indexed.forget_chunks();
        store = moved_to;
        store_len = store.len();
        store_name = name;
        compacted = true;
        report.lap("compact the store", &mut clock);
    }

    // The cache's dumps depend on the parse alone: their chunks are written while the threads
    // are grouped (at a million dumps, 2.6 s that came after the index, alone on the step's
    // critical path). Named by the cache file only once the index is committed, below.
    let digester = Digester::new();
    let (mut assembled, dump_chunks, dumps_took, synced, every_one_cached, listed) =
        std::thread::scope(|scope| {
            let syncing = scope.spawn(|| unsynced.sync());
            // The writers beside the step, one after the other on a thread of their own, their
            // passes too: on rayon's global pool, `assemble`'s passes queued behind theirs.
            let writing = scope.spawn(|| {
                own_pool::install("arshif-write", || {
                    // What the index holds now, digested to be checked against what is served,
                    // and its chunks written for the cache (taking by name those of the last
                    // list that did not change): it needs the parse alone, and is what the
                    // cache names whenever the served articles are the ones it holds (the
                    // index step, below).
                    let listed = index_update::listed_early(out, &indexed, &digester);
                    let started = Instant::now();
                    let dumps = CacheDumps {
                        done: &done,
                        compacted,
                    };
                    let as_named = ids.cached_as_named();
                    let written = build_cache::write_held(out, &dumps, &parsed, &known, as_named);
                    // None left out: the cache then holds the whole listing (names and stamps).
                    let every_one = written.as_ref().is_ok_and(|(_, left_out)| *left_out == 0);
                    let written = written.map(|(chunks, _)| chunks);
                    (written, started.elapsed(), every_one, listed)
                })
            });
            // The threads are joined, then the grouping saved, on a thread of their own from
            // here to the build's end ([`index_update::grouping_saver`]).
            let again = Again {
                previous,
                saved,
                keep: index_update::grouping_saver(out, mark),
            };
            let assembled = assemble(articles, &done, &ids.given, &mut report, Some(again));
            let (written, took, every_one, listed) =
                writing.join().expect("writing the cache does not panic");
            let synced = syncing.join().expect("syncing the store does not panic");
            (assembled, written, took, synced, every_one, listed)
        });
    // Taken out at once: joined whatever the build does next (a failed one waits for it in
    // its drop, an exiting one that forgets the results too).
    let grouping = assembled.grouping.take();
    synced?;
    // Moved once nothing reads them: cloned while the cache's dumps were written beside the
    // threads, every reused dump's warnings were copied at each `+1`.
    report.put_files_first(done.iter_mut().filter_map(|d| d.said.problems_mut()));
    report.lap("threads and duplicates", &mut clock);
    report.timings.extend([
        ("  of which the cache's dumps (meanwhile)", dumps_took),
        ("  of which the index list (meanwhile)", listed.took),
    ]);

    let updated = index_update::update_index(
        out,
        index_update::Results {
            done: &done,
            assembled: &assembled,
            store: &store,
            indexed: &indexed.items,
            listed,
            digester: &digester,
        },
        index,
        index_update::CacheOf {
            store_name: &store_name,
            store_len,
            dump_chunks,
            mark,
        },
        &mut report,
        &mut clock,
    )?;
    // Committed (tantivy writes the new segment's files and syncs each one: at 100,000 some ten
    // `fdatasync`s, 60-100 ms whatever the archive's size) while the compiled archive is
    // written, which needs of the index only what was added again (`reindexed`); the build
    // ends, its store and listing named, only once the commit has. The cache is named after
    // the commit, so it never says the index holds what it does not; an index ahead of it is
    // mended by the next build (each kill point: [`build_cache::Unnamed`]).
    let (archived, committed) = std::thread::scope(|scope| {
        let committing = scope.spawn(move || {
            let started = Instant::now();
            let took = updated.index.commit().map(|()| started.elapsed())?;
            build_cache::name_written(updated.cache, out);
            Ok::<_, ArchiveError>(took)
        });
        let archived = (|| -> Result<_, ArchiveError> {
            let written = match then {
                Then::Exit | Then::Load => save_in_order(
                    &done,
                    &assembled,
                    (&store_name, &source, compiled_path),
                    Marks {
                        mark,
                        read: read_mark,
                        reindexed: &updated.reindexed,
                        last_order,
                        as_named,
                    },
                    &mut report,
                )?,
                Then::Serve => None,
            };
            let archived = match written {
                Some(took) if then == Then::Load => {
                    // Freed beside the archive's load, not before it (at a million, some
                    // three million strings): a thread that cannot start frees them here.
                    let freed = move || drop((done, assembled, ids));
                    if let Err(e) = std::thread::Builder::new()
                        .name("arshif-free".into())
                        .spawn(freed)
                    {
                        tracing::debug!("cannot free a build's results on a thread: {e}");
                    }
                    (None, took)
                }
                Some(took) => {
                    // Not freed one string at a time (at a million, some three million
                    // strings left after the last lap): the process's exit gives the pages
                    // back whole.
                    std::mem::forget(done);
                    std::mem::forget(assembled);
                    std::mem::forget(indexed);
                    std::mem::forget(ids);
                    (None, took)
                }
                None => {
                    let started = Instant::now();
                    let archive = into_archive(done, assembled, Some(store))?;
                    finish_report(&mut report, &archive);
                    let took = started.elapsed();
                    compiled::save_marked(&archive, &source, compiled_path, mark)?;
                    (Some(archive), took)
                }
            };
            Ok(archived)
        })();
        let committed = committing
            .join()
            .expect("committing the index does not panic");
        (archived, committed)
    });
    let commit_took = match committed {
        Ok(took) => took,
        Err(e) => return unnamed(out, e),
    };
    let (archive, assembled_took) = archived?;
    let grouping_took = grouping.and_then(Joining::join);
    if fresh || compacted {
        // Only now that the archive names the new store: a build killed before this point
        // left the old archive with its store.
        store::remove_others(out, &store_name);
    }
    // Last: the record names this build's cache as the whole listing of a build that ended.
    watched::keep_record(out, mark, &source, &overrides, vouches && every_one_cached);
    report.lap("write the compiled archive", &mut clock);
    report.timings.extend([
        ("  of which the archive put in order", assembled_took),
        ("  of which the index's commit (meanwhile)", commit_took),
    ]);
    if let Some(took) = grouping_took {
        report.timings.extend([
            (
                "  of which the threads joined and named (meanwhile, from the threads step)",
                took.joined,
            ),
            (
                "  of which the grouping saved (meanwhile, after the threads joined)",
                took.kept,
            ),
        ]);
    }
    Ok((archive, report))
}

/// The build's results as the cache's writer reads them ([`build_cache::write_held`]).
struct CacheDumps<'a> {
    done: &'a [Done],
    /// A compaction moved every part: no dump is as it was read.
    compacted: bool,
}

impl<'a> build_cache::Dumps<'a> for CacheDumps<'a> {
    fn count(&self) -> usize {
        self.done.len()
    }

    /// Only results whose parts are all in the store.
    fn cached(&self, i: usize) -> Option<CachedRef<'a>> {
        let d = &self.done[i];
        if !d.is_cached() {
            return None;
        }
        Some(CachedRef {
            name: &d.name,
            stamp: d.stamp.as_ref()?,
            over: d.over.as_deref(),
            outcomes: Outcomes(&d.outcomes),
            problems: d.said.problems(),
            skipped: d.said.skipped(),
            reused: self.reused_from(i).is_some(),
        })
    }

    fn name(&self, i: usize) -> &'a str {
        &self.done[i].name
    }

    fn reused_from(&self, i: usize) -> Option<u32> {
        self.done[i].from_cache.filter(|_| !self.compacted)
    }
}
