//! When the parts store is compacted, and the copy that does it: an incremental build appends
//! the parts of the dumps that changed, and what the replaced parts took is dead until a
//! compaction copies the live frames into a new file (the store's module doc says why that is
//! safe for a reader and a killed build).

use std::collections::HashMap;
use std::fs;
use std::path::Path;

use super::ArchiveError;
use super::store::{MAGIC, PartRef, Store, StoreWriter, new_file_name};

/// A build compacts the store when its dead bytes pass `1 / COMPACT_DIVISOR` of the file.
///
/// So the file is never more than 4/3 of its live bytes, and a compaction copies at most
/// three live bytes per dead byte it drops. Copying is a sequential read and write of frames
/// already compressed, far cheaper than the parsing that made the dead bytes (each dead byte
/// stands for several bytes of dump parsed again), so a low threshold costs little.
pub const COMPACT_DIVISOR: u64 = 4;

/// Whether a store of `len` bytes, `live` of them referenced, is worth compacting (see
/// [`COMPACT_DIVISOR`]). A torn tail left by a killed build counts as dead.
pub fn worth_compacting(len: u64, live: u64) -> bool {
    let dead = len.saturating_sub(MAGIC.len() as u64 + live);
    dead > len / COMPACT_DIVISOR
}

/// Copies the frames at `live` out of `from` into a new store file in `dir`, as they are:
/// the new file's name, and where each part went. `from` is left untouched, so a server
/// reading it, or an archive naming it, is unaffected until the new file is put in use.
pub fn compact(
    from: &Store,
    dir: &Path,
    live: impl IntoIterator<Item = PartRef>,
) -> Result<(String, HashMap<PartRef, PartRef>), ArchiveError> {
    let mut live: Vec<PartRef> = live.into_iter().collect();
    // In file order: the old file is read front to back.
    live.sort_unstable();
    live.dedup();
    let name = new_file_name();
    let path = dir.join(&name);
    let copy = || {
        let mut writer = StoreWriter::create(&path)?;
        let mut moved = HashMap::with_capacity(live.len());
        for &at in &live {
            moved.insert(at, writer.put_encoded(from.raw(at)?)?);
        }
        writer.finish()?;
        Ok(moved)
    };
    match copy() {
        Ok(moved) => Ok((name, moved)),
        Err(e) => {
            let _ = fs::remove_file(&path);
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::store::Parts;

    #[test]
    fn a_compaction_copies_the_live_frames_and_leaves_the_old_file_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(new_file_name());
        let parts: Vec<Parts> = (0..4)
            .map(|i| Parts {
                body: vec![format!("فقرة {i}")],
                text: format!("نص {i} ").repeat(200),
            })
            .collect();
        let mut w = StoreWriter::create(&path).unwrap();
        let at: Vec<PartRef> = parts.iter().map(|p| w.put(p).unwrap()).collect();
        let len = w.finish().unwrap();
        let frames: u64 = at.iter().map(|a| u64::from(a.len)).sum();
        assert!(
            frames < parts.iter().map(|p| p.text.len() as u64).sum::<u64>() / 4,
            "repetitive text is compressed"
        );
        assert!(!worth_compacting(len, frames));
        // Half of the parts replaced: a quarter of the file is dead and more.
        let live = [at[1], at[3]];
        assert!(worth_compacting(
            len,
            live.iter().map(|a| u64::from(a.len)).sum()
        ));

        let old = Store::open(&path).unwrap();
        let (name, moved) = compact(&old, dir.path(), live).unwrap();
        let new = Store::open(&dir.path().join(&name)).unwrap();
        assert_eq!(
            new.len(),
            MAGIC.len() as u64 + u64::from(at[1].len + at[3].len)
        );
        for i in [1, 3] {
            assert_eq!(new.get(moved[&at[i]]).unwrap(), parts[i]);
        }
        assert_eq!(moved.len(), 2);
        for (a, p) in at.iter().zip(&parts) {
            assert_eq!(&old.get(*a).unwrap(), p, "the old file is untouched");
        }
    }
}
