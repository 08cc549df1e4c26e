//! The cache's dumps read light ([`super::Decode::Light`]): each chunk's table
//! ([`super::table`]) checked and kept where it is in the mapped chunk, with its articles'
//! heads ([`light_entry::Chunk`]); a dump is made from its row when a build takes it
//! ([`CachedChunk`]).

use std::path::Path;
use std::sync::Arc;

use super::super::chunk_files::{self, ChunkName};
use super::super::light_entry;
use super::cached_chunk::{CachedChunk, Light};
use super::table::Table;

/// The dumps of the chunks `names` in `dir`, read light from their tables on both cores. A
/// chunk whose table is not whole, or points outside it, is an error of kind `InvalidData`.
pub(super) fn light(dir: &Path, names: &[ChunkName]) -> std::io::Result<Vec<CachedChunk>> {
    use rayon::prelude::*;
    let bad = || std::io::Error::new(std::io::ErrorKind::InvalidData, "a damaged table");
    names
        .par_iter()
        .map(|name| {
            let chunk = chunk_files::map(dir, name)?;
            let (table, said) = Table::read(&chunk).ok_or_else(bad)?;
            let chunk = light_entry::Chunk::new(chunk, table.heads()).ok_or_else(bad)?;
            Ok(CachedChunk::Light(Light::new(Arc::new(chunk), table, said)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::Cached;

    #[test]
    fn a_dump_read_light_is_held_in_128_bytes() {
        // Made as each dump is taken, moved into the build's results: 168 bytes with the
        // override's stamp held in place and 64-bit offsets of its name.
        assert!(std::mem::size_of::<Cached>() <= 128);
    }
}
