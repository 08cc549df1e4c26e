//! The cache's dumps read light ([`super::Decode::Light`]): from the table each chunk ends
//! with ([`super::table`]), each dump's name and results left where they are in the mapped
//! chunk, its articles' heads read there too ([`light_entry::Chunk`]).

use std::path::Path;
use std::sync::Arc;

use super::super::chunk_files::{self, ChunkName};
use super::super::light_entry::{self, Heads, Raw};
use super::super::results::Results;
use super::{Cached, table};

/// The dumps of the chunks `names` in `dir`, read light from their tables on both cores. A
/// chunk whose table is not whole, or points outside it, is an error of kind `InvalidData`.
pub(super) fn light(dir: &Path, names: &[ChunkName]) -> std::io::Result<Vec<Vec<Cached>>> {
    use rayon::prelude::*;
    let bad = || std::io::Error::new(std::io::ErrorKind::InvalidData, "a damaged table");
    names
        .par_iter()
        .map(|name| {
            let chunk = chunk_files::map(dir, name)?;
            let (rows, heads) = table::read(&chunk).ok_or_else(bad)?;
            let chunk = Arc::new(light_entry::Chunk::new(chunk, heads).ok_or_else(bad)?);
            let dumps = rows.into_iter().map(|row| Cached {
                name: String::new(),
                name_at: row.name,
                stamp: row.stamp,
                over: row.over.map(Box::new),
                outcomes: Results::Light(Heads::InChunk(row.heads), Raw::new(&chunk, row.results)),
                said: row.said,
            });
            Ok(dumps.collect())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dump_read_light_is_held_in_128_bytes() {
        // A million at every `+1`, in fresh pages: 168 bytes with the override's stamp held in
        // place and 64-bit offsets of its name.
        assert!(std::mem::size_of::<Cached>() <= 128);
    }
}
