//! The table each chunk of the cache's dumps ends with: a row of fixed width for each dump
//! (its stamp, where its name, override's stamp, problems and results are, its heads among the
//! table's), one for each of its articles' heads ([`light_entry::ROW`]), the dumps' names,
//! override stamps and problems copied after them, then a footer saying where the table
//! begins. A build that reads the cache light ([`super::Decode::Light`]) reads the table alone
//! and, for a dump it reuses, nothing of the records before it; a build that serves reads the
//! records whole (postcard's reading of the items stops where they end).
//!
//! Read from the records, a `+1` of a million dumps decoded every dump's fields and every
//! entry's head, scattered among the entries' bytes: all 662 MB of chunks touched, and a
//! million heads copied into fresh pages. Read from the tables, ≈ 8 % less user time, 30 to
//! 370 MB less at its peak, 0.055–0.075 s less by the paired rounds' medians
//! (notes/build-bench.md, session 56).

use std::ops::Range;

use super::super::light_entry::{self, LightResult, ROW};
use super::super::report::Said;
use super::Stamp;
use crate::serde_le::Le;
use crate::varint;

/// A dump's row: its name's bytes (start, end), its stamp, where its override's stamp is (0
/// for none), where its problems are (start, end: postcard's, empty for none), its heads among
/// the table's (first, end), its results' bytes (start, end).
const DUMP_ROW: usize = 72;

/// The table's footer: where it begins, how many dumps and heads it has, and [`MARK`].
const FOOTER: usize = 16;
const MARK: &[u8; 4] = b"TBL1";

/// One dump's record, as [`records`] finds it in the chunk.
struct Record {
    name: Range<usize>,
    stamp: Stamp,
    over: Option<Stamp>,
    said: Range<usize>,
    heads: Range<u32>,
    results: Range<u32>,
}

/// Appends the table of the dumps' records `chunk` holds (as the cache writes them: their
/// count, then each one's name, stamps, results and problems).
pub(super) fn append(chunk: &mut Vec<u8>) -> std::io::Result<()> {
    let bad = |e: postcard::Error| std::io::Error::new(std::io::ErrorKind::InvalidData, e);
    let mut heads = Vec::new();
    let records = records(chunk, &mut heads).map_err(bad)?;
    let at = chunk.len();
    // The names, override stamps and problems, after the rows.
    let mut blob = Vec::new();
    let blob_at = at + records.len() * DUMP_ROW + heads.len() * ROW;
    let mut rows = Vec::with_capacity(records.len() * DUMP_ROW);
    let span = |i: usize| light_entry::span(i).map_err(bad);
    for r in &records {
        let mut copy = |bytes: &[u8]| -> std::io::Result<[u8; 8]> {
            let from = blob_at + blob.len();
            blob.extend_from_slice(bytes);
            let mut ends = [0; 8];
            span(from)?.put(&mut ends[..4]);
            span(from + bytes.len())?.put(&mut ends[4..]);
            Ok(ends)
        };
        let mut row = [0u8; DUMP_ROW];
        row[0..8].copy_from_slice(&copy(&chunk[r.name.clone()])?);
        row[8..40].copy_from_slice(&r.stamp.to_bytes());
        if let Some(over) = r.over {
            row[40..44].copy_from_slice(&copy(&over.to_bytes())?[..4]);
        }
        if !r.said.is_empty() {
            row[44..52].copy_from_slice(&copy(&chunk[r.said.clone()])?);
        }
        r.heads.start.put(&mut row[52..56]);
        r.heads.end.put(&mut row[56..60]);
        r.results.start.put(&mut row[60..64]);
        r.results.end.put(&mut row[64..68]);
        rows.extend_from_slice(&row);
    }
    chunk.reserve(rows.len() + heads.len() * ROW + blob.len() + FOOTER);
    chunk.extend_from_slice(&rows);
    let mut table = Vec::with_capacity(heads.len() * ROW);
    for (head, part) in &heads {
        table.extend_from_slice(&light_entry::encode_row(head, part, chunk));
    }
    chunk.extend_from_slice(&table);
    chunk.extend_from_slice(&blob);
    for n in [at, records.len(), heads.len()] {
        chunk.extend_from_slice(&span(n)?.to_le_bytes());
    }
    chunk.extend_from_slice(MARK);
    Ok(())
}

/// The dumps' records of `chunk`, their articles' heads pushed onto `heads`.
fn records(chunk: &[u8], heads: &mut Vec<LightResult>) -> Result<Vec<Record>, postcard::Error> {
    let short = || postcard::Error::DeserializeUnexpectedEnd;
    let span = light_entry::span;
    let end = chunk.len();
    let at = |rest: &[u8]| end - rest.len();
    let (n, mut rest) = varint::take_usize(chunk).ok_or_else(short)?;
    let mut records = Vec::with_capacity(n.min(super::chunk_files::MAX_ITEMS));
    for _ in 0..n {
        let name_len;
        (name_len, rest) = varint::take_usize(rest).ok_or_else(short)?;
        let from = at(rest);
        rest = rest.get(name_len..).ok_or_else(short)?;
        let name = from..at(rest);
        let stamp;
        (stamp, rest) = postcard::take_from_bytes::<Stamp>(rest)?;
        let over: Option<Stamp>;
        (over, rest) = postcard::take_from_bytes(rest)?;
        let (start, first) = (at(rest), heads.len());
        let after = light_entry::read_heads(chunk, start, heads)?;
        rest = &chunk[after..];
        let said_at = at(rest);
        let said: Said;
        (said, rest) = said_from(rest)?;
        let none = said.problems().is_empty() && said.skipped().is_empty();
        records.push(Record {
            name,
            stamp,
            over,
            said: if none { 0..0 } else { said_at..at(rest) },
            heads: span(first)?..span(heads.len())?,
            results: span(start)?..span(after)?,
        });
    }
    Ok(records)
}

/// A dump as its chunk's table gives it: its name and results where they are in the chunk,
/// its stamps read (its problems are read once, by [`Table::read`]).
pub(super) struct DumpRow {
    pub name: Range<u32>,
    pub stamp: Stamp,
    pub over: Option<Stamp>,
    pub heads: Range<u32>,
    pub results: Range<u32>,
}

/// Where the table at the end of a chunk lies, every row checked: a dump's row is read where
/// it lies when the dump is taken ([`Table::row`]). Gathered into a vector of rows, then into
/// one of [`super::Cached`], a million dumps were two vectors of fresh pages at every `+1`
/// (notes/build-bench.md, session 66).
#[derive(Debug, Clone)]
pub(super) struct Table {
    /// Where the dumps' rows are in the chunk.
    rows: Range<usize>,
    /// Where the heads' rows are.
    heads: Range<usize>,
}

impl Table {
    /// The table at the end of `chunk`, and each dump's problems. `None` where the chunk does
    /// not end with one (a damaged file), or a row points outside it.
    pub(super) fn read(chunk: &[u8]) -> Option<(Table, Vec<Said>)> {
        let footer = chunk.len().checked_sub(FOOTER)?;
        let word = |at: usize| Some(u32::get(chunk.get(at..at + 4)?) as usize);
        if chunk.get(footer + 12..)? != MARK {
            return None;
        }
        let (at, dumps, heads) = (word(footer)?, word(footer + 4)?, word(footer + 8)?);
        let heads_at = at.checked_add(dumps.checked_mul(DUMP_ROW)?)?;
        let blob_at = heads_at.checked_add(heads.checked_mul(ROW)?)?;
        let blob = blob_at..footer;
        (blob.start <= blob.end).then_some(())?;
        let mut said = Vec::with_capacity(dumps);
        let mut next_head = 0;
        for row in chunk[at..heads_at].chunks_exact(DUMP_ROW) {
            let half = |k: usize| u32::get(&row[k..k + 4]) as usize;
            // A range of the blob, or (the results) of the records.
            let range = |k: usize, within: &Range<usize>| {
                let r = half(k)..half(k + 4);
                let inside = within.start <= r.start && r.start <= r.end && r.end <= within.end;
                inside.then_some(r)
            };
            range(0, &blob)?;
            let over = half(40);
            let in_blob = over >= blob.start && over + Stamp::BYTES <= blob.end;
            (over == 0 || in_blob).then_some(())?;
            said.push(match range(44, &(0..footer))? {
                none if none.is_empty() => Said::default(),
                _ => said_from(&chunk[range(44, &blob)?]).ok()?.0,
            });
            // Each dump's heads follow the one before's, and stay among the table's.
            let dump_heads = half(52)..half(56);
            (dump_heads.start == next_head && dump_heads.start <= dump_heads.end).then_some(())?;
            next_head = dump_heads.end;
            range(60, &(0..at))?;
        }
        let table = Table {
            rows: at..heads_at,
            heads: heads_at..blob_at,
        };
        (next_head == heads).then_some((table, said))
    }

    /// How many dumps it has.
    pub(super) fn len(&self) -> usize {
        self.rows.len() / DUMP_ROW
    }

    /// Where its heads' rows are in the chunk.
    pub(super) fn heads(&self) -> Range<usize> {
        self.heads.clone()
    }

    /// The bytes of the `i`th dump's row (zeros past the table: [`Table::read`] checked it).
    fn row_bytes<'a>(&self, chunk: &'a [u8], i: usize) -> &'a [u8; DUMP_ROW] {
        let at = self.rows.start + i * DUMP_ROW;
        (chunk.get(at..at + DUMP_ROW).filter(|_| at < self.rows.end))
            .and_then(|row| row.try_into().ok())
            .unwrap_or(&[0; DUMP_ROW])
    }

    /// The `i`th dump's name (empty past the table).
    pub(super) fn name<'a>(&self, chunk: &'a [u8], i: usize) -> &'a [u8] {
        let row = self.row_bytes(chunk, i);
        let half = |k: usize| u32::get(&row[k..k + 4]) as usize;
        chunk.get(half(0)..half(4)).unwrap_or_default()
    }

    /// The `i`th dump's name and its stamps' bytes as written (its override's, if it has one),
    /// from one read of its row: what a table by name is made of ([`super::names`]).
    pub(super) fn name_and_stamps<'a>(
        &self,
        chunk: &'a [u8],
        i: usize,
    ) -> (&'a [u8], &'a [u8], Option<&'a [u8]>) {
        let row = self.row_bytes(chunk, i);
        let half = |k: usize| u32::get(&row[k..k + 4]) as usize;
        let name = chunk.get(half(0)..half(4)).unwrap_or_default();
        let stamp = &row[8..8 + Stamp::BYTES];
        let over = match half(40) {
            0 => None,
            from => Some(chunk.get(from..from + Stamp::BYTES).unwrap_or_default()),
        };
        (name, stamp, over)
    }

    /// The `i`th dump's row of `chunk`, as [`Table::read`] checked it.
    pub(super) fn row(&self, chunk: &[u8], i: usize) -> DumpRow {
        let row = self.row_bytes(chunk, i);
        let half = |k: usize| u32::get(&row[k..k + 4]);
        let stamp =
            |bytes: &[u8]| Stamp::from_bytes(bytes.try_into().unwrap_or(&[0; Stamp::BYTES]));
        let over = match half(40) as usize {
            0 => None,
            from => Some(stamp(
                chunk.get(from..from + Stamp::BYTES).unwrap_or_default(),
            )),
        };
        DumpRow {
            name: half(0)..half(4),
            stamp: stamp(&row[8..40]),
            over,
            heads: half(52)..half(56),
            results: half(60)..half(64),
        }
    }
}

/// A dump's problems and skipped records as [`super::CachedRef`] writes them, and the bytes after
/// them. Most dumps have none (two zero bytes): said so without postcard's deserializer (a
/// vector's and a map's calls, ≈ 5 M instructions at 100,000 for the maps alone).
pub(super) fn said_from(bytes: &[u8]) -> Result<(Said, &[u8]), postcard::Error> {
    if let Some(([0, 0], rest)) = bytes.split_first_chunk() {
        return Ok((Said::default(), rest));
    }
    let (problems, rest) = postcard::take_from_bytes(bytes)?;
    let (skipped, rest) = postcard::take_from_bytes(rest)?;
    Ok((Said::new(problems, skipped), rest))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::archive::build_cache::{self, BuildCache, CachedRef, Decode};
    use crate::archive::entry::Entry;
    use crate::archive::model::Part;
    use crate::archive::report::Problem;
    use crate::archive::results::{Outcomes, Results};
    use crate::archive::store::{PartRef, empty_in};
    use crate::archive::threads::Profile;
    use crate::capture::Format;
    use crate::capture::warc::Skip;
    use crate::parse::Date;

    /// A dump's articles: a file's one, or a crawl's pages, ids short and long.
    fn results(k: u64, pages: usize) -> Results {
        let entries = (0..pages.max(1)).map(|p| {
            let mut entry = Entry::default();
            entry.article.id = match p {
                0 => format!("{k:016x}"),
                _ => format!("صفحة-طويلة-من-الأرشيف-{k}-{p}"),
            };
            entry.article.title = format!("عنوان {k}");
            entry.article.published =
                (!k.is_multiple_of(3)).then(|| Date::ymd(2015, 9, 1 + k as u32 % 28).unwrap());
            entry.provenance.origin.format = if pages > 0 {
                Format::Warc
            } else {
                Format::Text
            };
            entry.provenance.origin.captured = (pages > 0).then(|| Date::ymd(2016, 1, 2).unwrap());
            let at = PartRef {
                offset: 100 * k + p as u64,
                len: 7,
            };
            (
                entry,
                Part::Stored(at),
                Profile::of(&Entry::default().article),
            )
        });
        Results::Whole(entries.collect())
    }

    /// What a build reads of a dump: its name, stamps, problems and each article's head.
    fn seen(d: &build_cache::Cached) -> String {
        let o = &d.outcomes;
        let heads: Vec<_> = (0..o.len())
            .map(|j| {
                (
                    o.id(j).to_owned(),
                    o.published(j),
                    o.format(j),
                    o.captured(j),
                    o.stored_at(j),
                )
            })
            .collect();
        let name = String::from_utf8_lossy(d.name_bytes());
        format!(
            "{name} {:?} {:?} {:?} {:?} {heads:?}",
            d.stamp,
            d.over,
            d.said.problems(),
            d.said.skipped()
        )
    }

    #[test]
    fn a_chunk_read_by_its_table_is_the_chunk_read_whole() {
        // Enough dumps for several chunks.
        const N: usize = 20_000;
        let dir = tempfile::tempdir().unwrap();
        let (store, len) = empty_in(dir.path());
        let names: Vec<String> = (0..N).map(|i| format!("{i:06}.txt")).collect();
        let stamp = |k: u64| Stamp::of_parts(k, (1_700_000_000 + k as i64, 7), (-3, 9), k * 31);
        let stamps: Vec<Stamp> = (0..N as u64 + 1).map(stamp).collect();
        let results: Vec<Results> = (0..N as u64)
            .map(|k| results(k, [0, 0, 0, 2][k as usize % 4]))
            .collect();
        let problem = vec![Problem {
            file: "x.txt".into(),
            message: "تحذير".into(),
            is_error: false,
        }];
        let skipped = BTreeMap::from([(Skip::Request, 3)]);
        let (none, nothing) = (Vec::new(), BTreeMap::new());
        let dumps = (0..N).map(|i| CachedRef {
            name: &names[i],
            stamp: &stamps[i],
            over: (i.is_multiple_of(7)).then(|| &stamps[i + 1]),
            outcomes: Outcomes(&results[i]),
            problems: if i.is_multiple_of(5) { &problem } else { &none },
            skipped: if i.is_multiple_of(11) {
                &skipped
            } else {
                &nothing
            },
            reused: false,
        });
        build_cache::save(dir.path(), &store, len, dumps, &[], &[]).unwrap();
        let read = |decode| BuildCache::load(dir.path(), decode).unwrap();
        let (whole, light) = (read(Decode::Whole), read(Decode::Light));
        assert!(light.dumps.len() > 1, "several chunks");
        let whole: Vec<String> = whole.every_dump().map(|d| seen(&d)).collect();
        let light: Vec<String> = light.every_dump().map(|d| seen(&d)).collect();
        assert_eq!(whole.len(), N);
        assert_eq!(whole, light);

        // A chunk whose table was damaged (its last head's row given a format past the known):
        // read light, the cache is no cache; read whole, its records are still read.
        let chunks = super::super::chunks_in(dir.path());
        let name = read(Decode::Light).dump_chunks[0].name;
        let path = crate::archive::chunk_files::path_of(&chunks, &name);
        let mut bytes = std::fs::read(&path).unwrap();
        let (table, _) = Table::read(&bytes).unwrap();
        assert!(table.len() > 0);
        bytes[table.heads().end - ROW + 44] = 9;
        std::fs::write(&path, &bytes).unwrap();
        assert!(BuildCache::load(dir.path(), Decode::Light).is_none());
        assert_eq!(read(Decode::Whole).every_dump().count(), N);
    }

    #[test]
    fn a_table_cut_or_pointing_outside_its_chunk_is_refused() {
        let mut chunk = Vec::new();
        let (problems, skipped) = (Vec::new(), BTreeMap::new());
        let (stamp, outcomes) = (Stamp::of_parts(1, (2, 3), (4, 5), 6), results(9, 0));
        let dump = CachedRef {
            name: "a.txt",
            stamp: &stamp,
            over: None,
            outcomes: Outcomes(&outcomes),
            problems: &problems,
            skipped: &skipped,
            reused: false,
        };
        crate::archive::chunk_files::postcard_item(&1usize, &mut chunk).unwrap();
        crate::archive::chunk_files::postcard_item(&dump, &mut chunk).unwrap();
        let records = chunk.len();
        append(&mut chunk).unwrap();
        let (table, said) = Table::read(&chunk).unwrap();
        assert_eq!((table.len(), table.heads().len(), said.len()), (1, ROW, 1));
        let row = table.row(&chunk, 0);
        let name = light_entry::usize_range(row.name.clone());
        assert_eq!(table.name(&chunk, 0), b"a.txt");
        assert_eq!(table.name(&chunk, 1), b"", "past the table, no name");
        assert_eq!(&chunk[name.clone()], b"a.txt");
        assert!(
            name.start >= table.heads().end,
            "a copy in the table, after the heads"
        );
        assert_eq!(row.stamp, stamp);
        // Cut anywhere, no table.
        for cut in 0..chunk.len() {
            assert!(Table::read(&chunk[..cut]).is_none(), "cut at {cut}");
        }
        // A name's start or end outside the table, heads past the table's, another mark.
        for (at, with) in [
            (records + 3, 0x7fu8),
            (records + 7, 0x7f),
            (records + 56, 2),
            (chunk.len() - 1, b'2'),
        ] {
            let mut bad = chunk.clone();
            bad[at] = with;
            assert!(Table::read(&bad).is_none(), "byte {at}");
        }
    }

    proptest::proptest! {
        /// A dump's problems and skipped records read as postcard reads them (none, some, cut
        /// short, bytes after them), and refused where it refuses.
        #[test]
        fn what_a_dump_said_is_read_as_postcard_reads_it(
            problems in proptest::collection::vec(("[a-z0-9_.]{0,8}", "\\PC{0,6}", proptest::prelude::any::<bool>()), 0..3),
            skipped in proptest::collection::btree_map(
                proptest::sample::select(vec![Skip::Warcinfo, Skip::Request, Skip::Revisit]),
                0usize..300,
                0..3,
            ),
            after in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..3),
        ) {
            let problems: Vec<Problem> = problems
                .into_iter()
                .map(|(file, message, is_error)| Problem { file, message, is_error })
                .collect();
            let mut bytes = postcard::to_stdvec(&(&problems, &skipped)).unwrap();
            bytes.extend(&after);
            let read = |said: (Said, &[u8])| {
                (said.0.problems().to_vec(), said.0.skipped().clone(), said.1.to_vec())
            };
            let theirs = |b| -> Option<_> {
                let (problems, rest) = postcard::take_from_bytes::<Vec<Problem>>(b).ok()?;
                let (skipped, rest) = postcard::take_from_bytes::<BTreeMap<Skip, usize>>(rest).ok()?;
                Some((problems, skipped, rest.to_vec()))
            };
            proptest::prop_assert_eq!(
                said_from(&bytes).ok().map(read),
                Some((problems, skipped, after))
            );
            for cut in 0..=bytes.len() {
                proptest::prop_assert_eq!(said_from(&bytes[..cut]).ok().map(read), theirs(&bytes[..cut]));
            }
        }
    }
}
