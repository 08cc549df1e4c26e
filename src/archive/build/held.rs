//! The parts a parse worker has indexed and not stored yet: held up to [`HELD_BYTES`] and
//! stored oldest first, the rest once the worker's walk ends.
//!
//! A build from nothing ends its parse with tantivy's last segments still to write (their
//! `finalize`). The index needs an article's terms, not its stored parts, so the parts of a
//! worker's last articles are compressed (lz4, a fifth of the workers' instructions) once the
//! index has them. Held by a bound of bytes, so that a build never holds many bodies at once.
//!
//! Session 45 meant this framing to run beside the `finalize`, on the core the one indexing
//! thread left. It does not: tantivy starts a segment's `finalize` only when the writer
//! commits, and the build commits once the walks end, these parts stored (a profile of 10,000
//! dumps, session 49: both workers framing for ≈ 90 ms after their last parse, tantivy's
//! threads idle, then the `finalize`). Since session 49 a new index has two indexing threads,
//! whose two `finalize`s and the threads step keep both cores busy after the commit: the
//! framing, before or beside them, is the same work on the same two cores.

use std::collections::VecDeque;

use super::{ArchiveError, Done, Part, Results, Sink};

/// The bytes of parts (bodies and texts, before compression) a worker holds. At 10,000 dumps
/// (≈ 230 MB of parts) the last segment's `finalize` took 344 ms of CPU and the other threads
/// beside it 152 ms (the threads step, the cache's and the grouping's files): ≈ 190 ms of a
/// core to fill. The two workers' 96 MB are ≈ 135–165 ms of framing there, which both cores
/// did in half that before (notes/build-bench.md, session 45). More would hold back the
/// threads step, which starts once they are stored; the build's peak is up by as much.
const HELD_BYTES: usize = 48 << 20;

/// One worker's results in the order it made them, and which of them still hold their parts.
pub(super) struct Held<'a> {
    sink: &'a dyn Sink,
    results: Vec<(usize, Done)>,
    /// Places in `results` whose parts are held, oldest first, with their parts' bytes.
    held: VecDeque<(usize, usize)>,
    bytes: usize,
    bound: usize,
}

impl<'a> Held<'a> {
    pub(super) fn new(sink: &'a dyn Sink) -> Held<'a> {
        Held::within(sink, HELD_BYTES)
    }

    fn within(sink: &'a dyn Sink, bound: usize) -> Held<'a> {
        Held {
            sink,
            results: Vec::new(),
            held: VecDeque::new(),
            bytes: 0,
            bound,
        }
    }

    /// Takes a file's result, whose parts are still in memory (as indexed), and stores the
    /// oldest results' parts while more than the bound is held.
    pub(super) fn push(&mut self, result: (usize, Done)) -> Result<(), ArchiveError> {
        let bytes = held_bytes(&result.1.outcomes);
        self.results.push(result);
        self.held.push_back((self.results.len() - 1, bytes));
        self.bytes += bytes;
        while self.bytes > self.bound
            && let Some(oldest) = self.held.pop_front()
        {
            self.store(oldest)?;
        }
        Ok(())
    }

    /// Every result, each one's parts stored.
    pub(super) fn store_all(mut self) -> Result<Vec<(usize, Done)>, ArchiveError> {
        while let Some(oldest) = self.held.pop_front() {
            self.store(oldest)?;
        }
        Ok(self.results)
    }

    fn store(&mut self, (k, bytes): (usize, usize)) -> Result<(), ArchiveError> {
        self.bytes -= bytes;
        if let Results::Whole(outcomes) = &mut self.results[k].1.outcomes {
            for (light, part, _) in outcomes {
                if let Part::Memory(parts) = part {
                    *part = self.sink.store(&light.article.id, std::mem::take(parts))?;
                }
            }
        }
        Ok(())
    }
}

/// The bytes of the parts a file's results hold in memory.
fn held_bytes(outcomes: &Results) -> usize {
    let Results::Whole(outcomes) = outcomes else {
        return 0;
    };
    outcomes
        .iter()
        .map(|(_, part, _)| match part {
            Part::Memory(p) => p.text.len() + p.body.iter().map(String::len).sum::<usize>(),
            Part::Stored(_) => 0,
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;
    use crate::archive::entry::Entry;
    use crate::archive::store::{PartRef, Parts};
    use crate::archive::threads::Profile;
    use crate::search::ArticleTerms;

    /// Stores each part as its number in the order stored (from 1), noting its id.
    #[derive(Default)]
    struct Counting {
        stored: Mutex<Vec<String>>,
    }

    impl Sink for Counting {
        fn index(&self, entry: Entry, _: ArticleTerms) -> Result<(Entry, Parts), ArchiveError> {
            Ok(entry.split())
        }

        fn store(&self, id: &str, parts: Parts) -> Result<Part, ArchiveError> {
            let mut stored = self.stored.lock().unwrap();
            assert_eq!(parts.text, format!("text of {id}"));
            stored.push(id.to_owned());
            Ok(Part::Stored(PartRef {
                offset: stored.len() as u64,
                len: 0,
            }))
        }
    }

    /// File `i` with `n` articles `i.0`, `i.1`…, each part's text 10 bytes or more.
    fn file(i: usize, n: usize) -> (usize, Done) {
        let outcomes = (0..n)
            .map(|j| {
                let mut entry = Entry::default();
                entry.article.id = format!("{i}.{j}");
                let parts = Parts {
                    body: Vec::new(),
                    text: format!("text of {i}.{j}"),
                };
                (entry, Part::Memory(parts), Profile::default())
            })
            .collect();
        let mut done = Done::placeholder();
        done.outcomes = Results::Whole(outcomes);
        (i, done)
    }

    #[test]
    fn parts_are_stored_oldest_first_past_the_bound_and_all_at_the_end() {
        let sink = Counting::default();
        // An article's parts are 11 bytes: two fit under the bound, a third does not.
        let mut held = Held::within(&sink, 30);
        let files = [(0, 1), (1, 1), (2, 0), (3, 2), (4, 1)];
        let mut stored_as_pushed = Vec::new();
        for (i, n) in files {
            held.push(file(i, n)).unwrap();
            stored_as_pushed.push(sink.stored.lock().unwrap().len());
            assert!(held.bytes <= 30, "{} bytes held", held.bytes);
        }
        // The first two held until the fourth file's two articles came; the fifth's pushed
        // out the fourth's (the empty third's results stored with nothing to store).
        assert_eq!(stored_as_pushed, [0, 0, 0, 2, 4]);
        let results = held.store_all().unwrap();
        let stored = sink.stored.into_inner().unwrap();
        assert_eq!(stored, ["0.0", "1.0", "3.0", "3.1", "4.0"]);
        // Every result, in the order pushed, each part stored once where it is.
        let places: Vec<usize> = results.iter().map(|(i, _)| *i).collect();
        assert_eq!(places, [0, 1, 2, 3, 4]);
        for (_, done) in &results {
            let Results::Whole(outcomes) = &done.outcomes else {
                panic!("whole results")
            };
            for (entry, part, _) in outcomes {
                let Part::Stored(at) = part else {
                    panic!("{} not stored", entry.article.id)
                };
                let k = usize::try_from(at.offset).unwrap() - 1;
                assert_eq!(stored[k], entry.article.id);
            }
        }
    }
}
