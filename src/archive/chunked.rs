//! Long lists (the compiled archive's entries, the build cache's files) written as runs of
//! independently encoded postcard chunks, so that both cores encode and decode them: at a
//! million articles one list is hundreds of megabytes, and decoding it on one core was most
//! of `serve`'s start-up.
//!
//! On the wire a chunk is a byte string (postcard: its length, then its bytes), so the file
//! holding them reads the chunks without copying and hands each to a core.

use rayon::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Items per chunk: enough that a chunk's bookkeeping is nothing beside its items, few enough
/// that a hundred thousand items keep two cores busy.
const ITEMS: usize = 8192;

/// `items` as chunks of [`ITEMS`] items, encoded in parallel. Written as a list of byte
/// strings (a `Vec<Vec<u8>>`, which postcard writes as [`decode`] reads it).
pub fn encode<T: Serialize + Sync>(items: &[T]) -> postcard::Result<Vec<Vec<u8>>> {
    items.par_chunks(ITEMS).map(postcard::to_stdvec).collect()
}

/// The items of chunks made by [`encode`], decoded in parallel, in their order.
pub fn decode<T: DeserializeOwned + Send>(chunks: &[&[u8]]) -> postcard::Result<Vec<T>> {
    let decoded: Vec<Vec<T>> = chunks
        .par_iter()
        .map(|chunk| postcard::from_bytes(chunk))
        .collect::<postcard::Result<_>>()?;
    let mut items = Vec::with_capacity(decoded.iter().map(Vec::len).sum());
    for part in decoded {
        items.extend(part);
    }
    Ok(items)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_written_as_byte_lists_read_back_borrowed_and_in_order() {
        let items: Vec<(u32, String)> = (0..3 * ITEMS as u32 + 5)
            .map(|i| (i, format!("عنصر {i}")))
            .collect();
        let chunks = encode(&items).unwrap();
        assert_eq!(chunks.len(), 4);
        let file = postcard::to_stdvec(&chunks).unwrap();
        let read: Vec<&[u8]> = postcard::from_bytes(&file).unwrap();
        assert_eq!(decode::<(u32, String)>(&read).unwrap(), items);
        assert!(decode::<(u32, String)>(&[&file[..3]]).is_err());
    }
}
