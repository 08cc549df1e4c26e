//! The threads' grouping kept in the build folder ([`threads::Grouping`]: the weighing base,
//! each article's signature and links), so that the next build groups again only where the
//! change reaches. Kept as content-named chunks in [`CHUNKS`] (see `threads::stored`: a `+1`
//! writes the few a change reaches) and `threads.bin`, which names them. Like the build cache,
//! it is kept only for the program that wrote it, and a grouping that cannot be read is no
//! grouping: the next build groups from nothing.
//!
//! Safe against kills as [`chunk_files`] is: chunks are renamed into place whole before
//! `threads.bin` names them, and removed only once neither it nor the file it replaced does.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::atomic_file::{self, Durability};
use super::build_cache::Program;
use super::chunk_files;
use super::threads::{ChunkName, Grouping, Names, Piece};

const MAGIC: &[u8; 8] = b"ARSHIFT\x01";
/// Bump whenever [`Grouping`] or its chunks change shape.
/// v8: an article's fingerprint hashes its pairs as 64-bit words (`threads::again`): a v7
/// file's would all read as changed. v9: the head names the build cache the grouping was
/// saved beside ([`Saved::beside`]). v10: the head keeps the body keys held twice
/// ([`Grouping::doubled`]): a v9 file's, none, would hide a duplicate. v11: a bucket of the
/// kept lists, and a range of numbers, are words: their lists, fingerprints and signatures
/// read where they lie in their mapped chunks (`threads::in_place`).
const VERSION: u32 = 11;
/// The file's name inside the build folder.
pub const FILE_NAME: &str = "threads.bin";
/// The folder of the grouping's chunks, inside the build folder.
pub const CHUNKS: &str = "threads";

pub fn path_in(build_dir: &Path) -> PathBuf {
    build_dir.join(FILE_NAME)
}

#[derive(Serialize, Deserialize)]
struct Head {
    program: Option<Program>,
    drift: u32,
    beside: Option<u64>,
    names: Names,
    /// Few: as postcard writes them.
    doubled: Vec<(u64, u32)>,
}

/// A grouping as saved, and what it was saved beside.
pub struct Saved {
    pub grouping: Grouping,
    /// The mark of the build cache the build that made it wrote
    /// ([`super::build_cache::new_mark`]), when every article's id was its file's name in
    /// that build. Read beside that very cache, by a build whose ids are its files' names
    /// too, the grouping holds each dump reused from it under its id, as it is: a file's
    /// id is its name's, and a reused dump's profile and date are the cache's.
    pub beside: Option<u64>,
}

/// The grouping of `build_dir` when it is readable and this program wrote it.
pub fn load(build_dir: &Path) -> Option<Saved> {
    let bytes = fs::read(path_in(build_dir)).ok()?;
    let body = atomic_file::versioned_body(&bytes, MAGIC, VERSION)?;
    let head: Head = postcard::from_bytes(body).ok()?;
    let program = Program::running_in(build_dir);
    if program.is_none() || head.program != program {
        return None;
    }
    let dir = build_dir.join(CHUNKS);
    // Mapped rather than read: decoded straight from the files' pages.
    let grouping = Grouping::from_pieces(head.names, (head.drift, head.doubled), |name| {
        chunk_files::map(&dir, name).ok()
    })?;
    Some(Saved {
        grouping,
        beside: head.beside,
    })
}

/// Writes the grouping of `build_dir`: the chunks it does not hold yet, then the file naming
/// them (through a temporary file, so a reader never sees half of one), then removes the
/// chunks neither it nor the file it replaced names. `beside`: see [`Saved::beside`].
pub fn save(build_dir: &Path, grouping: Grouping, beside: Option<u64>) -> io::Result<()> {
    let dir = build_dir.join(CHUNKS);
    fs::create_dir_all(&dir)?;
    let pieces = grouping
        .pieces(
            |name| chunk_files::path_of(&dir, name).is_file(),
            |name| chunk_files::map(&dir, name).ok(),
        )
        .map_err(|e| io::Error::other(e.to_string()))?;
    let put = |pieces: Vec<Piece>| -> io::Result<Vec<ChunkName>> {
        pieces
            .into_par_iter()
            .map(|piece| match piece {
                Piece::Known(name) => Ok(name),
                Piece::New(bytes) => chunk_files::put_bytes(&dir, &bytes, Durability::Cached),
            })
            .collect()
    };
    let names = pieces
        .try_map(put)?
        .ok_or_else(|| io::Error::other("a grouping without its base"))?;
    let head = Head {
        program: Program::running_in(build_dir),
        drift: grouping.drift(),
        beside,
        names,
        doubled: grouping.doubled().to_vec(),
    };
    let path = path_in(build_dir);
    atomic_file::save_versioned(&path, MAGIC, VERSION, &head, Durability::Cached)?;
    let keep = head
        .names
        .all()
        .chain(grouping.read_from().into_iter().flat_map(Names::all));
    chunk_files::remove_others(&dir, keep);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::threads::{Item, Profile, group_again};
    use crate::parse::Article;

    fn article(i: usize) -> Article {
        Article {
            id: format!("{i:04}"),
            title: format!("عنوان الخبر {}", i % 7),
            body: vec![format!(
                "وزير الخارجية يزور المدينة {} ويلتقي الرئيس {} في القصر",
                i % 13,
                i % 5
            )],
            ..Article::default()
        }
    }

    fn chunks_in(dir: &Path) -> usize {
        fs::read_dir(dir.join(CHUNKS)).unwrap().count()
    }

    #[test]
    fn a_grouping_saved_is_read_back_and_chunks_no_longer_named_go() {
        let dir = tempfile::tempdir().unwrap();
        let articles: Vec<Article> = (0..300).map(article).collect();
        let profiles: Vec<Profile> = articles.iter().map(Profile::of).collect();
        let items = |n: usize| -> Vec<Item> {
            articles[..n]
                .iter()
                .zip(&profiles)
                .map(|(a, profile)| Item {
                    id: &a.id,
                    published: None,
                    profile: profile.into(),
                    unchanged: false,
                })
                .collect()
        };
        let (threads, grouping) = group_again(&items(299), None);
        save(dir.path(), grouping, Some(7)).unwrap();
        let first = chunks_in(dir.path());
        let saved = load(dir.path()).expect("the grouping is read back");
        assert_eq!(saved.beside, Some(7));
        let loaded = saved.grouping;
        let names = loaded.read_from().cloned().unwrap();

        // Grouped again unchanged: the same threads, and no chunk written or removed.
        let (again, grouping) = group_again(&items(299), Some(loaded));
        assert_eq!(again, threads);
        save(dir.path(), grouping, None).unwrap();
        assert_eq!(chunks_in(dir.path()), first);

        // One article added: its chunks are written, and the first build's are kept until
        // no file names them (the second build replaced a file naming the same ones).
        let loaded = load(dir.path()).unwrap();
        assert_eq!(loaded.beside, None);
        let (_, grouping) = group_again(&items(300), Some(loaded.grouping));
        save(dir.path(), grouping, None).unwrap();
        let now = load(dir.path()).unwrap().grouping;
        let named: std::collections::HashSet<&ChunkName> =
            now.read_from().unwrap().all().chain(names.all()).collect();
        assert_eq!(chunks_in(dir.path()), named.len());
        let (_, grouping) = group_again(&items(300), Some(now));
        let kept: std::collections::HashSet<ChunkName> =
            grouping.read_from().unwrap().all().copied().collect();
        save(dir.path(), grouping, None).unwrap();
        assert_eq!(chunks_in(dir.path()), kept.len());

        // A file of an older version (v9 had no `doubled`) is not read: grouped from nothing.
        let path = path_in(dir.path());
        let mut bytes = fs::read(&path).unwrap();
        assert!(load(dir.path()).is_some());
        bytes[MAGIC.len()..MAGIC.len() + 4].copy_from_slice(&9u32.to_le_bytes());
        fs::write(&path, &bytes).unwrap();
        assert!(load(dir.path()).is_none());
        bytes[MAGIC.len()..MAGIC.len() + 4].copy_from_slice(&VERSION.to_le_bytes());
        fs::write(&path, &bytes).unwrap();
        assert!(load(dir.path()).is_some());

        // A chunk gone, or a file of another version: no grouping.
        let chunk =
            chunk_files::path_of(&dir.path().join(CHUNKS), &kept.into_iter().next().unwrap());
        fs::remove_file(chunk).unwrap();
        assert!(load(dir.path()).is_none());
        fs::write(path_in(dir.path()), b"ARSHIFT\x01\x05\0\0\0").unwrap();
        assert!(load(dir.path()).is_none());
    }
}
