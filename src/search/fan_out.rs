//! The threads a query by positions shares its segments between.
//!
//! A phrase whose pair is not indexed (`"جون كيري"`: no common term in it) is checked
//! position by position in every article holding both words, with nothing to skip: at a
//! million generated articles that is ≈ 150 ms on one core, where a word or a pair takes a
//! few milliseconds (BENCHMARKS.md, session 50). Each segment is walked on its own, so such a
//! query is handed to a pool with a thread a core, and a reader alone with the server waits
//! about half as long. Busy servers gain nothing (every core is taken anyway): only the slow
//! kind is fanned out, so the cheap queries do not pay the hand-over. A lone such phrase in
//! many articles reads positions at few of them (`super::phrase_bounds`), segment by segment
//! on the same pool.

use std::sync::OnceLock;

use tantivy::Executor;

/// The pool's threads: one a core the process may use. `None` with one core, where a pool
/// would only add the hand-over.
fn threads() -> Option<usize> {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    (cores > 1).then_some(cores)
}

/// The executor for a query by positions over `segments` segments: the shared pool when
/// there is more than one segment and more than one core, else the caller's own thread.
pub(super) fn for_positions(segments: usize) -> &'static Executor {
    static POOL: OnceLock<Executor> = OnceLock::new();
    static CALLER: Executor = Executor::SingleThread;
    if segments < 2 {
        return &CALLER;
    }
    POOL.get_or_init(|| {
        threads()
            .and_then(|n| Executor::multi_thread(n, "arshif-positions-").ok())
            .unwrap_or(Executor::SingleThread)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_segment_stays_on_the_callers_thread() {
        assert!(matches!(for_positions(1), Executor::SingleThread));
        assert!(matches!(for_positions(0), Executor::SingleThread));
    }

    #[test]
    fn segments_go_to_a_pool_when_there_are_cores() {
        let pooled = matches!(for_positions(2), Executor::ThreadPool(_));
        assert_eq!(pooled, threads().is_some());
    }

    fn article(id: &str, body: &str) -> crate::parse::Article {
        crate::parse::Article {
            id: id.into(),
            title: "خبر".into(),
            body: vec![body.into()],
            ..Default::default()
        }
    }

    /// The pool's answer to a phrase by positions is the caller's own: the same best, in the
    /// same order with the same scores, and the same count, whatever segment finished first.
    #[test]
    fn a_phrase_by_positions_ranks_and_counts_the_same_in_the_pool() {
        use tantivy::collector::Count;
        use tantivy::query::EnableScoring;

        use super::super::query::{pair_term, parse_query, query};
        use super::super::ties::BestWithTies;
        use super::super::{IndexWriter, SearchIndex, build_index};

        let dir = tempfile::tempdir().unwrap();
        build_index(&[], dir.path()).unwrap();
        let bodies = [
            ["التقى سيرغي لافروف نظيره", "لافروف وحده"],
            ["قال سيرغي لافروف إن سيرغي لافروف", "سيرغي في موسكو ثم لافروف"],
            ["أمطار غزيرة", "سيرغي لافروف"],
            ["سيرغي لافروف سيرغي لافروف سيرغي لافروف", "مباراة"],
        ];
        // An update writes one segment: four of them.
        for (n, batch) in bodies.iter().enumerate() {
            let writer = IndexWriter::open(dir.path()).unwrap();
            for (k, body) in batch.iter().enumerate() {
                writer.add(&article(&format!("{n}{k}"), body)).unwrap();
            }
            writer.commit().unwrap();
        }
        let index = SearchIndex::open(dir.path()).unwrap();
        let searcher = &index.searcher;
        assert_eq!(searcher.segment_readers().len(), 4);
        let parsed = parse_query("\"سيرغي لافروف\"");
        assert!(
            pair_term(&parsed.phrases[0]).is_none(),
            "a phrase by positions"
        );
        let q = query(&parsed, index.fields).unwrap();
        let collector = (BestWithTies(3), Count);
        let scoring = || EnableScoring::enabled_from_searcher(searcher);
        let alone = searcher
            .search_with_executor(&q, &collector, &Executor::SingleThread, scoring())
            .unwrap();
        assert_eq!(alone.1, 4, "{alone:?}");
        for _ in 0..20 {
            let pooled = searcher
                .search_with_executor(&q, &collector, for_positions(4), scoring())
                .unwrap();
            assert_eq!(pooled, alone);
        }
        // The reader's search goes through the pool: every article holding the phrase, the
        // one holding it three times first.
        struct NoBodies;
        impl super::super::Paragraphs for NoBodies {
            fn paragraphs(&self, ids: &[&str]) -> Vec<Option<std::sync::Arc<str>>> {
                vec![None; ids.len()]
            }
            fn listed_at(&self, ids: &[&str]) -> Vec<Option<usize>> {
                vec![None; ids.len()]
            }
        }
        let found = index.search("\"سيرغي لافروف\"", 0, 10, &NoBodies).unwrap();
        assert_eq!(found.total, super::super::Total::Exact(4));
        let mut ids: Vec<&str> = found.hits.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids[0], "30");
        ids.sort_unstable();
        assert_eq!(ids, ["00", "10", "21", "30"]);
    }
}
