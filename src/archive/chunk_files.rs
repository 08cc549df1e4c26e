//! Long lists kept as content-defined chunks, each in a file named by the hash of its bytes,
//! in a folder beside the small file that names them (the compiled archive, the build cache): a build that
//! changes a few items writes the few chunks that hold them, not the whole list (at a million
//! articles the list is hundreds of megabytes, and rewriting and syncing it was most of an
//! incremental build's writing).
//!
//! Where chunks end depends on the items themselves, not on their positions ([`Cut`]): adding
//! or removing one item changes the chunk that holds it (and its neighbour when the item is a
//! boundary), and every other chunk is the same bytes under the same name, already on disk.
//!
//! Safe against readers and kills: a chunk is written under a temporary name and renamed (its
//! name is its content, so a chunk file that is there is whole and is not written again); the
//! file naming the chunks is renamed into place only after all of them are; and chunks are
//! removed only after that, and only those that neither the new file nor the one it replaced
//! names, so a build killed with `kill -9` leaves the previous file with all its chunks, and a
//! reader that read the previous file still finds them.

use std::fs;
use std::io::{self, Write};
use std::marker::PhantomData;
use std::ops::Range;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use rustc_hash::FxHashSet;
use serde::Serialize;
use serde::de::{Deserialize, DeserializeOwned, DeserializeSeed};

use super::atomic_file::{self, Durability};
pub use super::chunk_cut::{Cut, MAX_ITEMS};
use super::chunk_seeds::{Exact, Placed};

/// A chunk's name: the BLAKE3 hash of its bytes.
pub type ChunkName = [u8; 32];

/// A chunk's file in `dir`.
pub fn path_of(dir: &Path, name: &ChunkName) -> PathBuf {
    // By hand, not `format!` a byte: a build names each of its chunks a few times (when it
    // looks for one, writes one, keeps or removes one), a thousand at a million articles.
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut file = String::with_capacity(68);
    for b in name {
        file.push(HEX[usize::from(b >> 4)] as char);
        file.push(HEX[usize::from(b & 15)] as char);
    }
    file.push_str(".bin");
    dir.join(file)
}

/// Whether `file` is a chunk's name as [`path_of`] makes it (64 lowercase hex digits, `.bin`),
/// for the build's sweep of a chunk folder (`super::sweep`): beside it, so the two cannot drift.
pub fn is_chunk(file: &std::ffi::OsStr) -> bool {
    let name = file.as_encoded_bytes();
    let hex = |b: &u8| b.is_ascii_digit() || (b'a'..=b'f').contains(b);
    name.len() == 68 && name.ends_with(b".bin") && name[..64].iter().all(hex)
}

/// Writes the chunks of `items` (cut by `key`) that `dir` does not hold yet, encoded and
/// hashed on both cores; gives back every chunk's name, in order.
pub fn write<T: Serialize + Sync>(
    dir: &Path,
    items: &[T],
    key: impl Fn(&T) -> &str,
    durability: Durability,
) -> io::Result<Vec<ChunkName>> {
    write_unless_known(dir, items, key, |_| None, postcard_item, durability)
}

/// Appends `item` as postcard encodes it: a chunk's item when the caller has no quicker way
/// to the same bytes.
pub fn postcard_item<T: Serialize>(item: &T, out: &mut Vec<u8>) -> io::Result<()> {
    *out = postcard::to_extend(item, std::mem::take(out))
        .map_err(|e| io::Error::other(e.to_string()))?;
    Ok(())
}

/// [`write`], except that a chunk for which `known` gives a name (the caller knows the run of
/// items is the very one that chunk holds, and that `dir` holds it) is neither encoded nor
/// hashed again, and that each item of a chunk written is appended by `encode`, which must
/// give the bytes [`postcard_item`] gives (a caller may copy them from where it read them).
pub fn write_unless_known<T: Sync>(
    dir: &Path,
    items: &[T],
    key: impl Fn(&T) -> &str,
    known: impl Fn(&[T]) -> Option<ChunkName> + Sync,
    encode: impl Fn(&T, &mut Vec<u8>) -> io::Result<()> + Sync,
    durability: Durability,
) -> io::Result<Vec<ChunkName>> {
    let named = write_known(dir, items, key, |run| (known(run), ()), encode, durability)?;
    Ok(named.into_iter().map(|(name, ())| name).collect())
}

/// [`write_unless_known`], with what the caller says of each run (`known` gives it beside the
/// name of a chunk known to hold the run, if any) given back beside the chunk's name: a
/// caller keeps it to know the run again at the next build.
pub fn write_known<T: Sync, D: Send>(
    dir: &Path,
    items: &[T],
    key: impl Fn(&T) -> &str,
    known: impl Fn(&[T]) -> (Option<ChunkName>, D) + Sync,
    encode: impl Fn(&T, &mut Vec<u8>) -> io::Result<()> + Sync,
    durability: Durability,
) -> io::Result<Vec<(ChunkName, D)>> {
    let pieces = vec![Piece::Items(0..items.len())];
    write_pieces(
        dir,
        items,
        pieces,
        key,
        known,
        encode,
        nothing_after,
        durability,
    )
}

/// A chunk's end that appends nothing after its items ([`write_pieces`]).
pub fn nothing_after(_: &mut Vec<u8>) -> io::Result<()> {
    Ok(())
}

/// A stretch of the list [`write_pieces`] writes.
pub enum Piece<D> {
    /// Items (their places among the caller's), cut into chunks by their keys ([`Cut::LISTS`]).
    /// One followed by a [`Piece::Held`] must end where a chunk ends (its last item's key a
    /// boundary).
    Items(Range<usize>),
    /// [`Piece::Items`] cut by a list's own [`Cut`].
    Cut(Range<usize>, Cut),
    /// A chunk `dir` holds whose items the caller knows to be the ones the list has here,
    /// after a chunk's end: taken by its name, its items neither visited nor cut again (at a
    /// million articles, the scattered reads of every entry a `+1` did not change).
    Held(ChunkName, D),
}

/// [`write_known`] of a list given as [`Piece`]s: the items' stretches cut and written as it
/// writes them, the chunks held taken as they are. Each chunk written is ended by `finish`,
/// which appends what its reader wants after the items (postcard's reading of the items stops
/// before it: [`items`]); [`nothing_after`] for none.
#[allow(clippy::too_many_arguments)]
pub fn write_pieces<T: Sync, D: Send>(
    dir: &Path,
    items: &[T],
    pieces: Vec<Piece<D>>,
    key: impl Fn(&T) -> &str,
    known: impl Fn(&[T]) -> (Option<ChunkName>, D) + Sync,
    encode: impl Fn(&T, &mut Vec<u8>) -> io::Result<()> + Sync,
    finish: impl Fn(&mut Vec<u8>) -> io::Result<()> + Sync,
    durability: Durability,
) -> io::Result<Vec<(ChunkName, D)>> {
    fs::create_dir_all(dir)?;
    let mut chunks = Vec::with_capacity(pieces.len());
    for piece in pieces {
        let (range, by) = match piece {
            Piece::Items(range) => (range, Cut::LISTS),
            Piece::Cut(range, by) => (range, by),
            held => {
                chunks.push(held);
                continue;
            }
        };
        let start = range.start;
        let ranges = by.ranges(&items[range], &key).into_iter();
        chunks.extend(ranges.map(|r| Piece::Items(start + r.start..start + r.end)));
    }
    chunks
        .into_par_iter()
        .map(|piece| {
            let range = match piece {
                Piece::Held(name, said) => return Ok((name, said)),
                Piece::Items(range) | Piece::Cut(range, _) => range,
            };
            let run = &items[range];
            let (name, said) = known(run);
            let name = match name.filter(|n| path_of(dir, n).is_file()) {
                Some(name) => name,
                None => put_finished(dir, run, &encode, &finish, durability)?,
            };
            Ok((name, said))
        })
        .collect()
}

/// Whether an item with this key ends a chunk of a list cut by [`Cut::LISTS`].
pub fn ends_chunk(key: &str) -> bool {
    Cut::LISTS.ends(key)
}

/// What decides a chunk's bytes, hashed from far less than the bytes (the caller says what:
/// for the compiled archive, each entry's id and where its parts are).
pub type Fingerprint = [u8; 32];

/// Writes the chunk of `run` unless `dir` holds it already; gives back its name. Its bytes
/// are postcard's of the slice: the items' count, then each item's.
pub fn put<T>(
    dir: &Path,
    run: &[T],
    encode: &impl Fn(&T, &mut Vec<u8>) -> io::Result<()>,
    durability: Durability,
) -> io::Result<ChunkName> {
    put_finished(dir, run, encode, &nothing_after, durability)
}

/// [`put`], the chunk's bytes ended by `finish`.
fn put_finished<T>(
    dir: &Path,
    run: &[T],
    encode: &impl Fn(&T, &mut Vec<u8>) -> io::Result<()>,
    finish: &impl Fn(&mut Vec<u8>) -> io::Result<()>,
    durability: Durability,
) -> io::Result<ChunkName> {
    let mut bytes = Vec::new();
    postcard_item(&run.len(), &mut bytes)?;
    for item in run {
        encode(item, &mut bytes)?;
    }
    finish(&mut bytes)?;
    put_bytes(dir, &bytes, durability)
}

/// Writes a chunk of `bytes` unless `dir` holds it already; gives back its name.
pub fn put_bytes(dir: &Path, bytes: &[u8], durability: Durability) -> io::Result<ChunkName> {
    let name = *blake3::hash(bytes).as_bytes();
    let path = path_of(dir, &name);
    // Its name is its content, and it was renamed into place whole.
    let there = fs::metadata(&path).is_ok_and(|m| m.len() == bytes.len() as u64);
    if !there {
        atomic_file::replace(&path, durability, |out| out.write_all(bytes))?;
    }
    Ok(name)
}

/// The chunk `name` of `dir`, mapped.
pub fn map(dir: &Path, name: &ChunkName) -> io::Result<memmap2::Mmap> {
    let file = fs::File::open(path_of(dir, name))?;
    // SAFETY: a chunk file is only ever created whole by a rename and never written in place
    // (its name is its content).
    unsafe { memmap2::Mmap::map(&file) }
}

/// The items of the chunks `names` in `dir`, decoded on both cores, chunk by chunk in order
/// (the caller moves them where they go: at a million items, once). A chunk that is missing is
/// an error of kind `NotFound`; one that does not decode, of kind `InvalidData`.
pub fn read<T: DeserializeOwned + Send>(
    dir: &Path,
    names: &[ChunkName],
) -> io::Result<Vec<Vec<T>>> {
    names
        .par_iter()
        .map(|name| {
            let path = path_of(dir, name);
            let file = fs::File::open(&path)?;
            // Mapped rather than read: decoded straight from the file's pages.
            // SAFETY: a chunk file is only ever created whole by a rename and never written
            // in place (its name is its content).
            let bytes = unsafe { memmap2::Mmap::map(&file) }?;
            items(&bytes).map(|(items, _)| items).map_err(|e| {
                io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("{}: {e}", path.display()),
                )
            })
        })
        .collect()
}

/// The items of one chunk's bytes (borrowing from them where `T` does), in a vector sized
/// once ([`Exact`]), and the bytes after them.
pub fn items<'a, T: Deserialize<'a>>(bytes: &'a [u8]) -> postcard::Result<(Vec<T>, &'a [u8])> {
    let mut input = postcard::Deserializer::from_bytes(bytes);
    let exact = Exact {
        cap: MAX_ITEMS,
        items: PhantomData,
    };
    let items = exact.deserialize(&mut input)?;
    Ok((items, input.finalize()?))
}

/// How many items each of the chunks `names` in `dir` holds, from the length each one's
/// encoding begins with (its first bytes, not its items): a caller places every chunk's items
/// before any is decoded ([`read_into`]). A chunk that is missing is an error of kind
/// `NotFound`; a length past [`MAX_ITEMS`] (a damaged file), of kind `InvalidData`.
pub fn lengths(dir: &Path, names: &[ChunkName]) -> io::Result<Vec<usize>> {
    use std::io::Read;
    names
        .par_iter()
        .map(|name| {
            let path = path_of(dir, name);
            // postcard writes a sequence's length as the varint of a `usize`: ten bytes at most.
            let mut head = Vec::with_capacity(10);
            fs::File::open(&path)?.take(10).read_to_end(&mut head)?;
            match postcard::take_from_bytes::<usize>(&head) {
                Ok((n, _)) if n <= MAX_ITEMS => Ok(n),
                _ => Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("{}: not a chunk's length", path.display()),
                )),
            }
        })
        .collect()
}

/// The items of the chunks `names` in `dir`, decoded on both cores, each chunk's straight into
/// its sink by `put` (`sinks[k]` is chunk `k`'s, with room for the [`lengths`] of it; `put`
/// gives back whether the sink had room), rather than into a vector of the chunk's items that
/// the caller then moves where they go: at a million entries that move was half a gigabyte
/// copied into fresh pages on one core, while the other waited (`serve`'s start-up,
/// notes/build-bench.md, session 28). A chunk that holds more or fewer items than its sink's
/// room is an error of kind `InvalidData`, as is one that does not decode.
pub fn read_into<T: DeserializeOwned, S: Send>(
    dir: &Path,
    names: &[ChunkName],
    sinks: Vec<(usize, S)>,
    put: impl Fn(&mut S, T) -> bool + Sync,
) -> io::Result<()> {
    assert_eq!(names.len(), sinks.len(), "one sink a chunk");
    names
        .par_iter()
        .zip(sinks)
        .try_for_each(|(name, (room, mut sink))| {
            let path = path_of(dir, name);
            let file = fs::File::open(&path)?;
            // SAFETY: as in `read`: a chunk file is never written in place.
            let bytes = unsafe { memmap2::Mmap::map(&file) }?;
            let mut input = postcard::Deserializer::from_bytes(&bytes);
            let placed = Placed {
                room,
                sink: &mut sink,
                put: &put,
                items: PhantomData,
            };
            placed.deserialize(&mut input).map_err(|e| {
                io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("{}: {e}", path.display()),
                )
            })
        })
}

/// Removes every file of `dir` that is not one of the chunks `keep` names (chunks of lists no
/// longer named, temporary files of a killed writer).
pub fn remove_others<'a>(dir: &Path, keep: impl IntoIterator<Item = &'a ChunkName>) {
    let keep: FxHashSet<PathBuf> = keep.into_iter().map(|n| path_of(dir, n)).collect();
    let Ok(items) = fs::read_dir(dir) else {
        return;
    };
    for item in items.flatten() {
        let path = item.path();
        if !keep.contains(&path) {
            let _ = fs::remove_file(&path);
        }
    }
}

#[cfg(test)]
mod tests {
    use rustc_hash::FxHashMap;

    use super::*;

    fn items(ids: impl Iterator<Item = u32>) -> Vec<(String, u32)> {
        ids.map(|i| (format!("مقال-{i}"), i)).collect()
    }

    fn exact<T>() -> Exact<T> {
        Exact {
            cap: MAX_ITEMS,
            items: PhantomData,
        }
    }

    fn key(item: &(String, u32)) -> &str {
        &item.0
    }

    fn read_all(dir: &Path, names: &[ChunkName]) -> io::Result<Vec<(String, u32)>> {
        Ok(read(dir, names)?.concat())
    }

    #[test]
    fn a_chunk_is_named_by_its_hash_in_hex() {
        let mut name = [0u8; 32];
        name[0] = 0xab;
        name[1] = 0x09;
        name[31] = 0xf0;
        let path = path_of(Path::new("d"), &name);
        let expected = format!("ab09{}f0.bin", "00".repeat(29));
        assert_eq!(path, Path::new("d").join(expected));
    }

    #[test]
    fn chunks_are_decoded_into_their_places_and_a_wrong_room_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let all = items(0..30_000);
        let names = write(dir.path(), &all, key, Durability::Cached).unwrap();
        assert!(names.len() > 1, "several chunks");
        let room = lengths(dir.path(), &names).unwrap();
        assert_eq!(room.iter().sum::<usize>(), all.len());
        let put = |sink: &mut std::slice::IterMut<'_, (String, u32)>, item| {
            sink.next().map(|slot| *slot = item).is_some()
        };
        let mut placed = vec![(String::new(), 0); all.len()];
        let mut rest = &mut placed[..];
        let mut sinks = Vec::new();
        for &n in &room {
            let (here, after) = std::mem::take(&mut rest).split_at_mut(n);
            sinks.push((n, here.iter_mut()));
            rest = after;
        }
        read_into(dir.path(), &names, sinks, put).unwrap();
        assert_eq!(placed, all);
        // A sink with room for one item fewer or more than its chunk holds.
        for wrong in [room[0] - 1, room[0] + 1] {
            let mut slots = vec![(String::new(), 0); wrong];
            let sinks = vec![(wrong, slots.iter_mut())];
            let e = read_into(dir.path(), &names[..1], sinks, put).unwrap_err();
            assert_eq!(e.kind(), io::ErrorKind::InvalidData);
        }
        // A length past what a chunk may hold, as a damaged file may say.
        let damaged = [0x80, 0x80, 0x80, 0x80, 0x80, 0x01];
        fs::write(path_of(dir.path(), &names[0]), damaged).unwrap();
        let e = lengths(dir.path(), &names).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidData);
    }

    #[test]
    fn a_chunk_holds_postcard_of_its_run() {
        // The count, then each item as `encode` appends it: postcard's bytes of the slice,
        // which `read` decodes and `lengths` reads the count of.
        let dir = tempfile::tempdir().unwrap();
        let all = items(0..20_000);
        let names = write(dir.path(), &all, key, Durability::Cached).unwrap();
        let ranges = Cut::LISTS.ranges(&all, key);
        assert_eq!(ranges.len(), names.len());
        for (range, name) in ranges.into_iter().zip(&names) {
            let bytes = fs::read(path_of(dir.path(), name)).unwrap();
            assert_eq!(bytes, postcard::to_stdvec(&all[range]).unwrap());
        }
    }

    #[test]
    fn a_chunk_is_decoded_into_a_vector_sized_once() {
        // Items of 264 bytes: 8,192 of them are past the 1 MiB serde trusts.
        let items: Vec<(u64, [u64; 32])> = (0..8_192).map(|i| (i, [i; 32])).collect();
        let bytes = postcard::to_stdvec(&items).unwrap();
        let mut input = postcard::Deserializer::from_bytes(&bytes);
        let read: Vec<(u64, [u64; 32])> = exact().deserialize(&mut input).unwrap();
        assert_eq!(read, items);
        assert_eq!(read.capacity(), items.len());
    }

    #[test]
    fn a_damaged_length_is_an_error_and_reserves_no_more_than_a_chunk() {
        // A length of 2^35 items, and no items.
        let bytes = [0x80, 0x80, 0x80, 0x80, 0x80, 0x01];
        let mut input = postcard::Deserializer::from_bytes(&bytes);
        let read: Result<Vec<(String, u32)>, _> = exact().deserialize(&mut input);
        assert!(read.is_err());
    }

    #[test]
    fn chunks_read_back_in_order_and_an_added_item_changes_only_its_own_chunk() {
        let dir = tempfile::tempdir().unwrap();
        let before = items(0..60_000);
        let names = write(dir.path(), &before, key, Durability::Cached).unwrap();
        assert!(names.len() > 3, "{} chunks", names.len());
        assert_eq!(read_all(dir.path(), &names).unwrap(), before);

        let mut after = before.clone();
        after.insert(30_000, ("مقال جديد".into(), 7));
        let again = write(dir.path(), &after, key, Durability::Cached).unwrap();
        assert_eq!(read_all(dir.path(), &again).unwrap(), after);
        let new: Vec<_> = again.iter().filter(|n| !names.contains(n)).collect();
        assert!(
            (1..=2).contains(&new.len()),
            "{} of {} chunks changed",
            new.len(),
            again.len()
        );
        let files = fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(
            files,
            names.len() + new.len(),
            "the unchanged ones were not written twice"
        );

        remove_others(dir.path(), &again);
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), again.len());
        assert_eq!(read_all(dir.path(), &again).unwrap(), after);
        let gone = read_all(dir.path(), &names).unwrap_err();
        assert_eq!(gone.kind(), io::ErrorKind::NotFound);
    }

    #[test]
    fn a_run_the_caller_knows_is_taken_by_name_without_being_encoded() {
        let dir = tempfile::tempdir().unwrap();
        let before = items(0..30_000);
        let names = write(dir.path(), &before, key, Durability::Cached).unwrap();
        // The caller's word is taken when the chunk is there: the first run is named as the
        // last chunk, which it is not, and nothing is encoded for it.
        let first_len = Cut::LISTS.ranges(&before, key)[0].len();
        let claimed =
            |run: &[(String, u32)]| (run.len() == first_len).then(|| names[names.len() - 1]);
        let again = write_unless_known(
            dir.path(),
            &before,
            key,
            claimed,
            postcard_item,
            Durability::Cached,
        )
        .unwrap();
        assert_eq!(again[0], names[names.len() - 1]);
        assert_eq!(again[1..], names[1..]);
        // A name whose file is not there is not taken.
        let missing = |_: &[(String, u32)]| Some([7; 32]);
        let honest = write_unless_known(
            dir.path(),
            &before,
            key,
            missing,
            postcard_item,
            Durability::Cached,
        )
        .unwrap();
        assert_eq!(honest, names);
    }

    #[test]
    fn a_run_known_by_what_the_caller_says_of_it_is_taken_by_name_and_a_changed_one_is_written() {
        let dir = tempfile::tempdir().unwrap();
        // The fingerprint of a run: its keys alone (the values are left out on purpose, to
        // see that a run taken by fingerprint is not encoded).
        let print = |run: &[(String, u32)]| {
            let keys: Vec<&str> = run.iter().map(|(k, _)| k.as_str()).collect();
            *blake3::hash(keys.concat().as_bytes()).as_bytes()
        };
        // What is said of each run is its fingerprint, given back beside the chunk's name.
        let write_known = |items: &[(String, u32)], known: &FxHashMap<Fingerprint, ChunkName>| {
            let said = |run: &[(String, u32)]| {
                let print = print(run);
                (known.get(&print).copied(), print)
            };
            super::write_known(
                dir.path(),
                items,
                key,
                said,
                postcard_item,
                Durability::Cached,
            )
            .unwrap()
        };
        let before = items(0..30_000);
        let first = write_known(&before, &FxHashMap::default());
        let names: Vec<ChunkName> = first.iter().map(|c| c.0).collect();
        assert_eq!(
            names,
            write(dir.path(), &before, key, Durability::Cached).unwrap()
        );
        let known: FxHashMap<Fingerprint, ChunkName> = first.iter().map(|&(n, f)| (f, n)).collect();

        // Every value changed, no key: every chunk taken by its fingerprint, none encoded.
        let mut values = before.clone();
        values.iter_mut().for_each(|item| item.1 += 1);
        let same = write_known(&values, &known);
        assert_eq!(same, first);
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), names.len());

        // One key changed: its chunk is encoded and written, the others are taken.
        let mut after = before.clone();
        after[10_000].0.push('!');
        let again = write_known(&after, &known);
        let new: Vec<_> = again.iter().filter(|c| !first.contains(c)).collect();
        assert!((1..=2).contains(&new.len()), "{} chunks new", new.len());
        let names: Vec<ChunkName> = again.iter().map(|c| c.0).collect();
        assert_eq!(read_all(dir.path(), &names).unwrap(), after);
    }
}
