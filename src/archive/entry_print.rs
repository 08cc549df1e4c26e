//! How a build knows that a run of the compiled archive's entries is a chunk the archive it
//! replaces already holds, so that the run is neither encoded nor hashed
//! (`chunk_files::write_known`): by the run's first and last ids and its count, when every
//! entry of it is as that archive holds it ([`AsBefore`]); else by a fingerprint hashed from
//! far less than the bytes (a build that knows only its entries, or a run that changed).
//!
//! At a million articles, fingerprinting every chunk at every build was BLAKE3 over some 60 MB
//! of keys gathered from entries scattered in memory, a third of writing the archive of a
//! `+1` (notes/build-bench.md, sessions 33 and 34).

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::chunk_files::{ChunkName, Fingerprint};
use super::light_entry::EntryRef;
use super::store::PartRef;

/// A chunk of the compiled archive's entries as the file's head names it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct Chunk {
    pub(super) name: ChunkName,
    pub(super) run: Run,
}

/// What the head says of a chunk's run of entries, for the next build to know it again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct Run {
    print: Fingerprint,
    first: String,
    last: String,
    len: usize,
    /// No entry of it has other captures. Only such a chunk is known by its ends: an entry
    /// read light has none, and one whose other captures went is otherwise as it was.
    plain: bool,
}

impl Run {
    /// How many entries it holds.
    pub(super) fn count(&self) -> usize {
        self.len
    }

    /// Its last entry's id.
    pub(super) fn last(&self) -> &str {
        &self.last
    }

    /// No entry of it has other captures.
    pub(super) fn plain(&self) -> bool {
        self.plain
    }
}

/// Which entries of a build are as the archive it replaces holds them, when the build can
/// tell: an entry read light from the build cache (its parts where they were, its fields
/// what the parse of those parts made, no other captures) whose id and parts the cache's
/// index list holds too, which is what the last build served. `same` says it of one entry.
/// Only when the replaced archive was written by the build that wrote that cache (`mark`,
/// [`super::build_cache::BuildCache::mark`]): a build killed between the two leaves an older
/// archive beside a newer cache.
pub(super) struct AsBefore<'a> {
    pub(super) mark: u64,
    pub(super) same: &'a Same<'a>,
}

/// Whether an entry, its parts where they are, is as the replaced archive holds it.
pub(super) type Same<'a> = dyn Fn(&EntryRef, &PartRef) -> bool + Sync + 'a;

/// The replaced archive's chunks, and how a run is matched with one of them.
pub(super) struct Known<'a> {
    store: &'a str,
    other_parts: &'a [(String, Vec<PartRef>)],
    by_print: FxHashMap<Fingerprint, ChunkName>,
    /// Its chunks without other captures by first id, when the build says which entries
    /// are as before (and its store is this one).
    by_first: FxHashMap<&'a str, &'a Chunk>,
    same: Option<&'a Same<'a>>,
}

impl<'a> Known<'a> {
    /// `replaced`, the chunks of the archive replaced (its store `replaced_store`, written
    /// with `replaced_mark`), for a build writing into the store `store` (entries with other
    /// captures: `other_parts`, sorted by id).
    pub(super) fn new(
        replaced: &'a [Chunk],
        (replaced_store, replaced_mark): (&str, u64),
        as_before: Option<&AsBefore<'a>>,
        store: &'a str,
        other_parts: &'a [(String, Vec<PartRef>)],
    ) -> Known<'a> {
        let same = as_before
            .filter(|a| a.mark == replaced_mark && replaced_store == store)
            .map(|a| a.same);
        let by_first = match same {
            Some(_) => replaced
                .iter()
                .filter(|c| c.run.plain)
                .map(|c| (c.run.first.as_str(), c))
                .collect(),
            None => FxHashMap::default(),
        };
        Known {
            store,
            other_parts,
            by_print: replaced.iter().map(|c| (c.run.print, c.name)).collect(),
            by_first,
            same,
        }
    }

    /// The replaced chunk that holds exactly `run`, if any, and what to say of `run`.
    pub(super) fn run(&self, run: &[(EntryRef, PartRef)]) -> (Option<ChunkName>, Run) {
        if let Some(chunk) = self.by_ends(run) {
            return (Some(chunk.name), chunk.run.clone());
        }
        let print = fingerprint(self.store, run, self.other_parts);
        let id = |pair: Option<&(EntryRef, PartRef)>| pair.map_or("", |(e, _)| e.id()).to_owned();
        let said = Run {
            print,
            first: id(run.first()),
            last: id(run.last()),
            len: run.len(),
            plain: run.iter().all(|(e, _)| e.others().is_empty()),
        };
        (self.by_print.get(&print).copied(), said)
    }

    /// The chunk with `run`'s first and last ids and count, when every entry of `run` is as
    /// before: each was in the replaced archive, where reading order (a total order: ids are
    /// unique) put it between the chunk's ends, and the chunk holds as many as `run`.
    fn by_ends(&self, run: &[(EntryRef, PartRef)]) -> Option<&'a Chunk> {
        let same = self.same?;
        let ((first, _), (last, _)) = (run.first()?, run.last()?);
        let chunk = *self.by_first.get(first.id())?;
        let ends = chunk.run.len == run.len() && chunk.run.last == last.id();
        (ends && run.iter().all(|(e, at)| same(e, at))).then_some(chunk)
    }
}

/// What decides the bytes of a chunk of `(entry, parts)` pairs, without encoding them: the
/// store, and each entry's id, where its parts are and where its other captures' are. An
/// entry's light fields are what the parse that stored those parts made of its dump (the
/// store only grows, so a place in it is one parse's; a store made anew has a new name); a
/// build changes an entry only by its id (a namesake came or went) and its other captures.
fn fingerprint(
    store: &str,
    run: &[(EntryRef, PartRef)],
    other_parts: &[(String, Vec<PartRef>)],
) -> Fingerprint {
    // An entry puts 36 bytes and its id: room for a numbered dump's (23 bytes) and some, so
    // that the keys are not copied into a buffer twice as large midway (a chunk's 8,192
    // entries grew it two or three times: 6.7 M instructions of `realloc` in a `+1` at 100,000).
    let mut keys = Vec::with_capacity(store.len() + 8 + run.len() * 64);
    let mut put = |bytes: &[u8]| {
        keys.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
        keys.extend_from_slice(bytes);
    };
    put(store.as_bytes());
    for (entry, at) in run {
        let id = entry.id();
        put(id.as_bytes());
        put(&at.offset.to_le_bytes());
        put(&at.len.to_le_bytes());
        let others = entry.others();
        if others.is_empty() {
            continue;
        }
        let refs = other_parts
            .binary_search_by(|(held, _)| held.as_str().cmp(id))
            .map_or(&[][..], |i| &other_parts[i].1[..]);
        put(&(others.len() as u64).to_le_bytes());
        for (other, at) in others.iter().zip(refs) {
            put(other.source.as_bytes());
            put(&at.offset.to_le_bytes());
            put(&at.len.to_le_bytes());
        }
    }
    *blake3::hash(&keys).as_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::entry::Entry;

    fn r(entry: &Entry) -> EntryRef<'_> {
        EntryRef::Whole(entry)
    }

    #[test]
    fn a_chunk_fingerprint_changes_with_what_a_build_changes_in_an_entry() {
        let entry = |id: &str, others: &[&str]| {
            let mut e = Entry::default();
            e.article.id = id.into();
            for source in others {
                e.provenance
                    .others
                    .push(crate::archive::entry::OtherCapture {
                        source: (*source).into(),
                        ..Default::default()
                    });
            }
            e
        };
        let at = |offset| PartRef { offset, len: 10 };
        let (a, b) = (entry("a", &[]), entry("b", &["b.warc"]));
        let (a2, b2) = (entry("a2", &[]), entry("b", &["c.warc"]));
        let others = |offset| vec![("b".to_string(), vec![at(offset)])];
        let base = fingerprint("s", &[(r(&a), at(0)), (r(&b), at(10))], &others(20));
        assert_eq!(
            base,
            fingerprint("s", &[(r(&a), at(0)), (r(&b), at(10))], &others(20))
        );
        let changed = [
            fingerprint("t", &[(r(&a), at(0)), (r(&b), at(10))], &others(20)),
            fingerprint("s", &[(r(&a2), at(0)), (r(&b), at(10))], &others(20)),
            fingerprint("s", &[(r(&a), at(30)), (r(&b), at(10))], &others(20)),
            fingerprint("s", &[(r(&a), at(0)), (r(&b2), at(10))], &others(20)),
            fingerprint("s", &[(r(&a), at(0)), (r(&b), at(10))], &others(40)),
            fingerprint("s", &[(r(&a), at(0))], &others(20)),
        ];
        for (i, print) in changed.iter().enumerate() {
            assert_ne!(*print, base, "change {i} unseen");
        }
    }

    /// Entries `ids`, each its parts at its index.
    fn entries(ids: &[&str]) -> Vec<Entry> {
        ids.iter()
            .map(|id| {
                let mut e = Entry::default();
                e.article.id = (*id).into();
                e
            })
            .collect()
    }

    #[test]
    fn a_run_as_before_is_known_by_its_ends_and_any_other_by_its_fingerprint() {
        let at: Vec<PartRef> = (0..8).map(|offset| PartRef { offset, len: 1 }).collect();
        fn placed<'a>(
            entries: &'a [Entry],
            at: &'a [PartRef],
            parts: &[usize],
        ) -> Vec<(EntryRef<'a>, PartRef)> {
            entries
                .iter()
                .map(r)
                .zip(parts.iter().map(|&k| at[k]))
                .collect()
        }
        let pairs = |entries, parts| placed(entries, &at, parts);
        let old = entries(&["a", "b", "c", "d"]);
        let written = Known::new(&[], ("s", 0), None, "s", &[]);
        let (name, said) = written.run(&pairs(&old, &[0, 1, 2, 3]));
        assert_eq!(name, None, "nothing known");
        let chunk = Chunk {
            name: [7; 32],
            run: said.clone(),
        };
        let replaced = std::slice::from_ref(&chunk);
        // An entry is as before unless its parts are the ones said to have moved (4 to 7).
        let same = |_: &EntryRef, at: &PartRef| at.offset < 4;
        let as_before = AsBefore {
            mark: 9,
            same: &same,
        };
        let known = Known::new(replaced, ("s", 9), Some(&as_before), "s", &[]);

        // The same ends and count, every entry as before: known without a fingerprint (the
        // one said is the chunk's, though these entries would print otherwise: the parts
        // of `b` and `c` swapped, which `same` does not see).
        let swapped = pairs(&old, &[0, 2, 1, 3]);
        assert_ne!(fingerprint("s", &swapped, &[]), said.print);
        assert_eq!(known.run(&swapped), (Some([7; 32]), said.clone()));

        // An entry not as before, the ends or the count otherwise: known only when its
        // fingerprint is the chunk's.
        let other = entries(&["a", "x", "c", "d"]);
        let shorter = entries(&["a", "b", "d"]);
        for (run, known_by_print) in [
            (pairs(&old, &[0, 1, 2, 3]), true),
            (pairs(&old, &[0, 5, 2, 3]), false),
            (pairs(&other, &[0, 6, 2, 3]), false),
            (pairs(&shorter, &[0, 1, 3]), false),
        ] {
            let as_written = Known::new(replaced, ("s", 9), None, "s", &[]);
            let expected = known_by_print.then_some([7; 32]);
            assert_eq!(as_written.run(&run).0, expected);
            let (name, now) = known.run(&run);
            assert_eq!((name, now.print), (expected, fingerprint("s", &run, &[])));
        }

        // The same run, but the archive was not written by the build whose cache said which
        // entries are as before, or into another store, or its chunk had other captures.
        let plain_no_more = Chunk {
            name: [7; 32],
            run: Run {
                plain: false,
                ..said.clone()
            },
        };
        for (chunks, store, mark) in [
            (replaced, "s", 8),
            (replaced, "t", 9),
            (std::slice::from_ref(&plain_no_more), "s", 9),
        ] {
            let known = Known::new(chunks, (store, mark), Some(&as_before), "s", &[]);
            assert_eq!(known.run(&swapped).0, None);
        }
    }
}
