//! Writing the index: a new one built beside its folder and moved into place, or the one in
//! place updated article by article, and the memory and merge budget both work within.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tantivy::indexer::{LogMergePolicy, NoMergePolicy};
use tantivy::{Index, Term};

use super::backlog::Backlog;
use super::document::ArticleDoc;
use super::format::{INDEX_FORMAT, of_this_format};
use super::pairs::ArticleTerms;
use super::schema::{Fields, fields_to_update, register_tokenizers, schema};
use super::{SearchError, index_error};
use crate::parse::Article;

/// Tantivy's indexing threads of a new index: two, one a core, beside the build's two parse
/// workers. A new index's articles are shared out between them (each writes its own segment)
/// and its last segments are written out by both at once when the parse ends.
///
/// Session 49 measured what the second thread costs (notes/build-bench.md). Earlier sessions
/// (30, 37, 46) had rejected it under load, seeing more `sched_yield` calls and more system
/// time. On a quiet machine neither is work: the threads' waits on tantivy's channel, the
/// backlog and rayon are under 1 % of a build's samples either way (perf at 2 kHz, 10,000
/// dumps), the kernel's samples the same (0.69 CPU-s with one, 0.66 with two); the higher
/// system time that `/usr/bin/time` shows is a split sampled at the kernel's 250 Hz tick. The
/// build's CPU was the same with either at 10,000, its wall 9 % shorter (the lead's five
/// interleaved turns on a quiet machine, load ≤ 0.8: user + sys 4.04–4.51 CPU-s with one,
/// 4.11–4.52 with two; wall 2.27–2.53 s against 2.13–2.33 s). Under load (3–6) two threads
/// took 2–4 % more CPU and no less wall; handing articles in batches took the wakes away, not
/// that (branch `index49-batches`). At 100,000 the two threads' term tables, each of the whole
/// vocabulary, make tantivy's `subscribe` ≈ 9 % dearer (≈ +1 CPU-s of ≈ 43).
pub const INDEX_THREADS: usize = 2;

/// Tantivy's indexing threads of an update (a `+1`, `serve --watch`): one. An update's few
/// articles make one segment, and a second thread would start (and maybe write a second
/// segment of two articles, for every later update's merges to take up) for no time to win.
const UPDATE_THREADS: usize = 1;

/// Indexing memory of an update's writer thread. Tantivy flushes a segment whenever a thread
/// fills its share (≈ 44,300 generated articles with this, session 49), so more memory means
/// fewer, larger segments and less merging; but a flush needs about as much again while it
/// runs, and a build's whole peak is to stay under 1 GB at 100,000 articles (678 MB with
/// this, 555 MB with 96 MB over two threads, notes/build-bench.md session 30).
const WRITER_MEMORY: usize = 192 << 20;

/// Indexing memory of a new index's writer, shared by its [`INDEX_THREADS`] threads (tantivy
/// gives each an equal share): as much as the flushes a merge of [`NEW_MERGE_SEGMENTS`] took,
/// so that a segment is written once at that size, not flushed three times and merged (the
/// merge thread was ≈ 3.1 CPU-s of a build's ≈ 59 at 100,000 generated dumps, on the cores the
/// parse shares; notes/build-bench.md, session 44). A thread's share of 288 MB flushes
/// ≈ 66,000 generated articles (one of 192 MB flushed 44,300, session 49), past
/// [`MERGE_BELOW_DOCS`]: never merged; 100,000 articles end in one segment a thread. The price
/// is the last segments' `finalize` after the parse (at 100,000 the whole index's, in two
/// halves side by side) and a segment every ≈ 66,000 articles at a million (≈ 17 segments,
/// against ≈ 8 of one thread's 576 MB), each visited by a query; the peak is the same (the
/// arenas hold what they were given, together); an update's few articles never fill either
/// budget.
const NEW_WRITER_MEMORY: usize = NEW_MERGE_SEGMENTS * WRITER_MEMORY;

/// Segments of this many articles or more are never merged again. A merge reads its
/// segments through memory maps, and every page it reads counts in the build's resident
/// memory until the merge ends: at 100,000 articles the build's peak is the last merge's
/// mapped files (anonymous memory flat at 351 MB while mapped files rise from 10 to 500 MB).
/// Tantivy's default policy merges any eight segments of a size, up to 10 million articles,
/// so a million-article build once ended by merging eight segments of ≈ 80,000 into one:
/// ≈ 3.7 GB of segment files mapped at once (peak 6.1 GB, notes/build-bench.md). With this
/// cap only flushed segments are merged, [`NEW_MERGE_SEGMENTS`] at a time (≈ 90,000
/// articles, ≈ 0.5 GB mapped) whatever the archive's size, and a new index's flushes are
/// already past it ([`NEW_WRITER_MEMORY`]): a million generated articles end in ≈ 17
/// segments, which a query visits one after the other.
const MERGE_BELOW_DOCS: usize = 50_000;

/// How many flushed segments a build from nothing merges into one, when its flushes are
/// smaller than [`MERGE_BELOW_DOCS`] (articles longer than the generated ones): three of
/// [`WRITER_MEMORY`]'s made ≈ 88,500 generated articles, as many as eight 48 MB flushes
/// made before (so a merge maps as much). A phrase query visits each segment, and seven
/// unmerged flushes of 96 MB cost it 4.22 M instructions against 2.85 M
/// (notes/build-bench.md).
const NEW_MERGE_SEGMENTS: usize = 3;

/// Segments are grouped for merging by their size's logarithm, and tantivy's default puts
/// every segment under 10,000 articles in one group. That suits a build from nothing: its
/// last flushes and their smaller remainders merge into one segment, and a query visits
/// fewer (100,000 articles end in 3 segments this way, in 9 with the update's layers: a word
/// query then cost 1.11 ms of CPU instead of 0.78, BENCHMARKS.md, session 21). An update is
/// the opposite case: the one-article segment it adds joined the full build's last flushed
/// segments (≈ 10,000 each), and when that made eight the `+1` merged them all (100,000
/// articles: 6.1 s of a `+1`, 54,000 articles rewritten, notes/build-bench.md). So an
/// update groups segments by their own size (from this many articles): its small segments
/// merge only with each other (eight of one article, then eight of eight…), and the full
/// build's flushes, thousands of articles each, never with them.
const UPDATE_MIN_MERGE_LAYER_DOCS: u32 = 1;

/// Writes the search index of `articles` to `dir`, replacing what was there.
///
/// The index is built beside `dir` and moved into place at the end, so a server that has the
/// old index open keeps reading it (its files stay mapped) and a failed build leaves it intact.
pub fn build_index<'a>(
    articles: impl IntoIterator<Item = &'a Article>,
    dir: &Path,
) -> Result<(), SearchError> {
    let writer = IndexWriter::create(dir)?;
    for article in articles {
        writer.add(article)?;
    }
    writer.commit()
}

/// An index being written: a new one ([`IndexWriter::create`]) or the one in place, updated
/// article by article ([`IndexWriter::open`]). Articles may be added from several threads.
pub struct IndexWriter {
    writer: tantivy::IndexWriter<ArticleDoc>,
    fields: Fields,
    /// Where the index is written and its final place, for a new index.
    staging: Option<(PathBuf, PathBuf)>,
    dir: PathBuf,
    /// Whether anything was added or removed: an index in place left as it was needs no
    /// commit (which writes and syncs files).
    changed: AtomicBool,
    /// The articles added and not yet indexed.
    backlog: Arc<Backlog>,
    /// How segments are merged ([`merge_policy`]), set again for the last commit after an
    /// early one held merges ([`IndexWriter::commit_added`]).
    writing: Writing,
}

impl IndexWriter {
    /// A new, empty index for `dir`, built beside it and moved into place by
    /// [`IndexWriter::commit`].
    pub fn create(dir: &Path) -> Result<IndexWriter, SearchError> {
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| SearchError::Io {
                path,
                cause: source,
            }
        };
        let staging = staging_dir(dir);
        if staging.exists() {
            fs::remove_dir_all(&staging).map_err(io(&staging))?;
        }
        fs::create_dir_all(&staging).map_err(io(&staging))?;
        let (schema, fields) = schema();
        let index = Index::create_in_dir(&staging, schema).map_err(index_error(&staging))?;
        let mut writer = Self::writer(index, fields, &staging, Writing::New)?;
        writer.staging = Some((staging, dir.to_path_buf()));
        Ok(writer)
    }

    /// The index in `dir`, to update in place: readers see the update when it is committed.
    pub fn open(dir: &Path) -> Result<IndexWriter, SearchError> {
        let index = Index::open_in_dir(dir).map_err(index_error(dir))?;
        of_this_format(&index, dir)?;
        let fields = fields_to_update(&index.schema()).map_err(index_error(dir))?;
        Self::writer(index, fields, dir, Writing::Update)
    }

    fn writer(
        index: Index,
        fields: Fields,
        dir: &Path,
        writing: Writing,
    ) -> Result<IndexWriter, SearchError> {
        let writer = tantivy_writer(&index, writing, threads(writing)).map_err(index_error(dir))?;
        Ok(IndexWriter {
            writer,
            fields,
            staging: None,
            dir: dir.to_path_buf(),
            changed: AtomicBool::new(false),
            backlog: Arc::new(Backlog::new()),
            writing,
        })
    }

    /// Indexes `article` under its id (a copy already there stays: see [`IndexWriter::remove`]).
    /// May wait while tantivy's thread catches up (see `super::backlog`).
    pub fn add(&self, a: &Article) -> Result<(), SearchError> {
        self.add_analysed(a, ArticleTerms::of(a))
    }

    /// [`IndexWriter::add`] with the title's and body's terms already made (by
    /// [`ArticleTerms::analyse`] on `a`).
    pub fn add_analysed(&self, a: &Article, terms: ArticleTerms) -> Result<(), SearchError> {
        let mut doc = ArticleDoc::of(self.fields, a, terms);
        doc.hold(self.backlog.enter());
        self.writer
            .add_document(doc)
            .map_err(index_error(&self.dir))?;
        self.changed.store(true, Ordering::Relaxed);
        Ok(())
    }

    /// Articles added and not yet indexed by tantivy's thread (a few dozen at most while
    /// parse workers add them: see `super::backlog`).
    pub fn queued(&self) -> usize {
        self.backlog.queued()
    }

    /// Removes the article `id` (every copy added before this call).
    pub fn remove(&self, id: &str) {
        self.writer
            .delete_term(Term::from_field_text(self.fields.id, id));
        self.changed.store(true, Ordering::Relaxed);
    }

    /// Writes out what was added so far (the last segment's `finalize`, the longest part of a
    /// commit), leaving the index where it is (a new one stays in its staging folder) and no
    /// segment merged, until [`IndexWriter::commit`].
    ///
    /// A build commits what it parsed while it decides what to remove (duplicates are known
    /// only once threads are grouped): a merge started now would keep in its segment the
    /// articles removed after it, and those still count in every word's scores (tantivy's
    /// BM25 counts a segment's documents and tokens, deleted or not), so merges wait for the
    /// removals, as with one commit.
    pub fn commit_added(&mut self) -> Result<(), SearchError> {
        self.writer.set_merge_policy(Box::new(NoMergePolicy));
        stamped_commit(&mut self.writer).map_err(index_error(&self.dir))
    }

    /// Makes the additions and removals visible to readers opened after it, and moves a new
    /// index into place.
    pub fn commit(self) -> Result<(), SearchError> {
        let IndexWriter {
            mut writer,
            staging,
            dir,
            changed,
            writing,
            ..
        } = self;
        if staging.is_none() && !changed.into_inner() {
            return Ok(());
        }
        writer.set_merge_policy(Box::new(merge_policy(writing)));
        stamped_commit(&mut writer).map_err(index_error(&dir))?;
        writer.wait_merging_threads().map_err(index_error(&dir))?;
        if let Some((staging, dir)) = staging {
            let io = |source| SearchError::Io {
                path: dir.clone(),
                cause: source,
            };
            if dir.exists() {
                fs::remove_dir_all(&dir).map_err(io)?;
            }
            fs::rename(&staging, &dir).map_err(io)?;
        }
        Ok(())
    }
}

/// Commits what `writer` was given, the index stamped with this arshif's format (every commit
/// writes its own stamp: one without would leave the index unstamped).
fn stamped_commit(writer: &mut tantivy::IndexWriter<ArticleDoc>) -> tantivy::Result<()> {
    let mut commit = writer.prepare_commit()?;
    commit.set_payload(&INDEX_FORMAT.payload());
    commit.commit()?;
    Ok(())
}

/// Whether the writer makes an index from nothing or updates one in place: they merge
/// differently ([`UPDATE_MIN_MERGE_LAYER_DOCS`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Writing {
    New,
    Update,
}

/// Which segments the writer merges: see [`MERGE_BELOW_DOCS`], [`NEW_MERGE_SEGMENTS`] and
/// [`UPDATE_MIN_MERGE_LAYER_DOCS`].
fn merge_policy(writing: Writing) -> LogMergePolicy {
    let mut merges = LogMergePolicy::default();
    merges.set_max_docs_before_merge(MERGE_BELOW_DOCS);
    match writing {
        Writing::New => merges.set_min_num_segments(NEW_MERGE_SEGMENTS),
        Writing::Update => merges.set_min_layer_size(UPDATE_MIN_MERGE_LAYER_DOCS),
    }
    merges
}

/// Tantivy's writer of `index` as an [`IndexWriter`] sets it up for `writing` (its tokenizers,
/// memory and merges), with `threads` indexing threads.
pub(super) fn tantivy_writer(
    index: &Index,
    writing: Writing,
    threads: usize,
) -> tantivy::Result<tantivy::IndexWriter<ArticleDoc>> {
    register_tokenizers(index);
    let writer = index.writer_with_num_threads::<ArticleDoc>(threads, memory(writing))?;
    writer.set_merge_policy(Box::new(merge_policy(writing)));
    Ok(writer)
}

/// The indexing threads of a writer ([`INDEX_THREADS`], [`UPDATE_THREADS`]).
fn threads(writing: Writing) -> usize {
    match writing {
        Writing::New => INDEX_THREADS,
        Writing::Update => UPDATE_THREADS,
    }
}

/// A writer's indexing memory, shared by its threads ([`WRITER_MEMORY`], [`NEW_WRITER_MEMORY`]).
fn memory(writing: Writing) -> usize {
    match writing {
        Writing::New => NEW_WRITER_MEMORY,
        Writing::Update => WRITER_MEMORY,
    }
}

fn staging_dir(dir: &Path) -> PathBuf {
    let mut name = dir.file_name().unwrap_or_default().to_os_string();
    name.push(".building");
    dir.with_file_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_index_merges_its_small_flushes_and_an_update_keeps_them_apart() {
        use tantivy::index::SegmentId;
        use tantivy::indexer::MergePolicy;
        let index = Index::create_in_ram(schema().0);
        let merged = |writing: Writing, sizes: &[u32]| -> Vec<usize> {
            let metas: Vec<_> = sizes
                .iter()
                .map(|&n| index.new_segment_meta(SegmentId::generate_random(), n))
                .collect();
            merge_policy(writing)
                .compute_merge_candidates(&metas)
                .iter()
                .map(|c| c.0.len())
                .collect()
        };
        use Writing::{New, Update};
        // A full build's last seven flushes and two smaller remainders: a new index merges
        // them into one segment, fewer for every query to visit.
        let flushed = [10_400, 10_200, 10_100, 9_900, 9_800, 9_700, 9_600];
        let remainders = [2_900, 2_200];
        assert_eq!(merged(New, &[&flushed[..], &remainders[..]].concat()), [9]);
        // Flushes three times as large (192 MB of longer articles, below the cap): three make
        // a merge, as eight of the smaller did, and two wait for a third.
        assert_eq!(merged(New, &[29_500, 29_400, 29_300]), [3]);
        assert!(merged(New, &[29_500, 29_400]).is_empty());
        // An update adds one article beside the same seven flushes: nothing to merge.
        assert!(merged(Update, &[&flushed[..], &[1]].concat()).is_empty());
        // An eighth flush merges the flushes, without the article.
        assert_eq!(merged(Update, &[&flushed[..], &[10_000, 1]].concat()), [8]);
        // Eight one-article updates merge together, without the flushes.
        assert_eq!(merged(Update, &[&flushed[..], &[1; 8]].concat()), [8]);
        // Segments past the cap are never merged again, however the index is written.
        for writing in [New, Update] {
            assert!(merged(writing, &[80_000; 8]).is_empty());
        }
    }

    #[test]
    fn a_new_index_flushes_past_the_merges_cap_in_the_memory_of_one_thread_before() {
        // Its memory is the flushes a merge took, as with the one thread before session 49.
        assert_eq!(
            memory(Writing::New),
            NEW_MERGE_SEGMENTS * memory(Writing::Update)
        );
        // Tantivy shares it out: each thread's share is half as much again as an update's,
        // whose 192 MB flushed 44,300 generated articles (two threads, session 49), so a
        // share flushes ≈ 66,000: past the cap of merges, a segment written once.
        let share = memory(Writing::New) / threads(Writing::New);
        assert_eq!(2 * share, 3 * WRITER_MEMORY);
        const { assert!(44_300 * 3 / 2 > MERGE_BELOW_DOCS) };
        // An update's segment holds a few articles: its memory stays what a `+1` measured.
        assert_eq!(memory(Writing::Update), WRITER_MEMORY);
    }

    /// The articles' bodies, by id (`a{i}` at place `i`); ties in that order.
    struct ById<'a>(&'a [Article]);

    impl super::super::Paragraphs for ById<'_> {
        fn paragraphs(&self, ids: &[&str]) -> Vec<Option<Arc<str>>> {
            let at = self.listed_at(ids);
            at.into_iter()
                .map(|i| i.map(|i| Arc::from(self.0[i].body.join("\n"))))
                .collect()
        }

        fn listed_at(&self, ids: &[&str]) -> Vec<Option<usize>> {
            ids.iter().map(|id| id[1..].parse().ok()).collect()
        }
    }

    #[test]
    fn removals_after_a_commit_of_the_added_score_as_in_one_commit() {
        // Bodies of different lengths, so that each article scores differently.
        let articles: Vec<_> = (0..60)
            .map(|i| Article {
                id: format!("a{i}"),
                title: "وزير الخارجية".into(),
                body: vec![format!("قال وزير الخارجية {}", "الروسي ".repeat(i % 9))],
                ..Default::default()
            })
            .collect();
        let removed = |i: usize| i % 7 == 3;
        let build = |early: bool| {
            let dir = tempfile::tempdir().unwrap();
            let search = dir.path().join("search");
            let mut writer = IndexWriter::create(&search).unwrap();
            for article in &articles {
                writer.add(article).unwrap();
            }
            if early {
                writer.commit_added().unwrap();
                // Still in its staging folder: a build killed now leaves no index.
                assert!(!search.exists());
            }
            for i in (0..60).filter(|&i| removed(i)) {
                writer.remove(&format!("a{i}"));
            }
            writer.commit().unwrap();
            let index = super::super::SearchIndex::open(&search).unwrap();
            let found = index.search("الروسي", 0, 100, &ById(&articles)).unwrap();
            let hits: Vec<(String, f32)> =
                found.hits.into_iter().map(|h| (h.id, h.score)).collect();
            (found.total, hits)
        };
        let (total, hits) = build(true);
        assert_eq!((total, hits.clone()), build(false));
        // Every article with the word but the removed; scores told apart by length.
        let kept = (0..60).filter(|&i| i % 9 > 0 && !removed(i)).count();
        assert_eq!(hits.len(), kept);
        assert!(
            hits.iter()
                .all(|(id, _)| !removed(id[1..].parse().unwrap()))
        );
        assert!(hits.first().unwrap().1 > hits.last().unwrap().1);
    }

    #[test]
    fn a_new_index_shares_its_articles_between_its_threads_and_an_update_adds_one_segment() {
        let article = |i: usize| Article {
            id: format!("a{i}"),
            title: "وزير الخارجية".into(),
            body: vec![format!("قال وزير الخارجية الروسي {i}")],
            ..Default::default()
        };
        let dir = tempfile::tempdir().unwrap();
        let articles: Vec<_> = (0..400).map(article).collect();
        build_index(&articles, dir.path()).unwrap();
        let index = Index::open_in_dir(dir.path()).unwrap();
        let segments = index.searchable_segment_metas().unwrap();
        // A segment a thread that took articles (both do, but for a thread not woken in
        // time): none flushed early, every article in one of them.
        assert!(
            (1..=INDEX_THREADS).contains(&segments.len()),
            "{segments:?}"
        );
        assert_eq!(segments.iter().map(|s| s.num_docs()).sum::<u32>(), 400);
        // An update's articles, however many, make one segment of their own: its one thread.
        let writer = IndexWriter::open(dir.path()).unwrap();
        for i in 400..800 {
            writer.add(&article(i)).unwrap();
        }
        writer.commit().unwrap();
        let after = index.searchable_segment_metas().unwrap();
        assert_eq!(after.len(), segments.len() + 1, "{after:?}");
        assert_eq!(after.iter().map(|s| s.num_docs()).sum::<u32>(), 800);
    }
}
