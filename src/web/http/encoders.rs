//! gzip and brotli encoders that keep their tables from one body to the next, per thread.
//!
//! An export compresses tens of thousands of pages of 10–40 KB each. Made afresh for every
//! body, brotli 5 allocated and zeroed its 1 MB hash table and zlib-rs its window and hash
//! chains: about a seventh of a default export's instructions, whatever the page's size
//! (`notes/serve-bench.md`, session 22). Here each thread keeps one deflate stream, reset
//! between bodies, and brotli's buffers, handed back to the next body instead of freed. The
//! bytes are those of a fresh `flate2::write::GzEncoder` and `brotli::CompressorWriter`
//! (tests below compare them on bodies of many sizes).

use std::any::{Any, TypeId};
use std::cell::RefCell;
use std::io::Write;

use brotli::enc::{Allocator, SliceWrapper, SliceWrapperMut};
use flate2::{Compress, Compression, Crc, FlushCompress, Status};

/// `body` as a gzip member at `level` (1 to 9), as `flate2::write::GzEncoder` writes it
/// (no name, no time, operating system 255).
pub fn gzip(body: &[u8], level: u32) -> Vec<u8> {
    thread_local! {
        static DEFLATE: RefCell<Option<(u32, Compress)>> = const { RefCell::new(None) };
    }
    let level = level.clamp(1, 9);
    let mut out = Vec::with_capacity(body.len() / 3 + 64);
    out.extend_from_slice(&gzip_header(level));
    DEFLATE.with(|cell| {
        let mut cell = cell.borrow_mut();
        let deflate = match &mut *cell {
            Some((kept, deflate)) if *kept == level => {
                deflate.reset();
                deflate
            }
            slot => {
                &mut slot
                    .insert((level, Compress::new(Compression::new(level), false)))
                    .1
            }
        };
        // As `GzEncoder` does: the body without flushing, then an empty write that finishes
        // the stream (finishing with the body would mark its first block the last one).
        let start = deflate.total_in();
        let mut read = 0;
        loop {
            if out.capacity() - out.len() < 64 {
                out.reserve(out.capacity().max(4096));
            }
            let flush = if read < body.len() {
                FlushCompress::None
            } else {
                FlushCompress::Finish
            };
            let status = deflate
                .compress_vec(&body[read..], &mut out, flush)
                .expect("deflate into memory");
            read = (deflate.total_in() - start) as usize;
            if status == Status::StreamEnd {
                break;
            }
        }
    });
    let mut crc = Crc::new();
    crc.update(body);
    out.extend_from_slice(&crc.sum().to_le_bytes());
    out.extend_from_slice(&crc.amount().to_le_bytes());
    out
}

/// flate2's header for a gzip member without name, comment or time: the extra flags say
/// "slowest" at 9 and "fastest" at 1.
fn gzip_header(level: u32) -> [u8; 10] {
    let extra_flags = match level {
        9 => 2,
        1 => 4,
        _ => 0,
    };
    [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, extra_flags, 255]
}

/// `body` in brotli at `quality` (0 to 11), a window of 4 MB, written as
/// `brotli::CompressorWriter` writes it through a buffer of 4 KB.
pub fn brotli(body: &[u8], quality: u32) -> Vec<u8> {
    let quality = quality.min(11);
    let mut out = Vec::with_capacity(body.len() / 3 + 64);
    {
        let mut pool = Pool {
            unread_until_written: hash_buckets(quality),
        };
        let buffer = <Pool as Allocator<u8>>::alloc_cell(&mut pool, 4096);
        let mut writer = brotli::enc::writer::CompressorWriterCustomAlloc::new(
            &mut out, buffer, pool, quality, 22,
        );
        writer.write_all(body).expect("writing to memory");
        // Dropping the writer finishes the stream and hands every buffer back to the pool.
    }
    out
}

/// The lengths (in `u32`s) of the hash table brotli's hasher H5 uses at `quality` (5 to 8 at
/// a 4 MB window: 2^bucket_bits buckets of 2^(quality − 1) entries, bucket_bits 14 or 15).
/// Its entries are read only below the bucket's count, which brotli zeroes itself, so that
/// table alone needs no zeroing when it is handed back (brotli's C encoder `malloc`s it).
fn hash_buckets(quality: u32) -> [usize; 2] {
    match quality {
        5..=8 => [1 << (14 + quality - 1), 1 << (15 + quality - 1)],
        _ => [0, 0],
    }
}

/// At most this many buffers wait in a thread's pool: brotli 5 makes some 30 a body.
const POOL_BUFFERS: usize = 64;

/// A buffer brotli freed: a `Box<[T]>` of `len` items of the type `kind`.
struct Freed {
    kind: TypeId,
    len: usize,
    items: Box<dyn Any>,
}

thread_local! {
    /// The buffers brotli freed on this thread, most recently freed last.
    static FREED: RefCell<Vec<Freed>> = const { RefCell::new(Vec::new()) };
}

/// brotli's allocator: the thread's freed buffers first, each zeroed as brotli expects of a
/// new one (except the hash table, see [`hash_buckets`]), else a new zeroed buffer.
struct Pool {
    unread_until_written: [usize; 2],
}

/// A buffer of at least `len` items, of which brotli sees the first `len`.
struct Cell<T> {
    items: Box<[T]>,
    len: usize,
}

impl<T> Default for Cell<T> {
    fn default() -> Self {
        Cell {
            items: Box::new([]),
            len: 0,
        }
    }
}

impl<T> SliceWrapper<T> for Cell<T> {
    fn slice(&self) -> &[T] {
        &self.items[..self.len]
    }
}

impl<T> SliceWrapperMut<T> for Cell<T> {
    fn slice_mut(&mut self) -> &mut [T] {
        &mut self.items[..self.len]
    }
}

impl<T: Clone + Default + 'static> Allocator<T> for Pool {
    type AllocatedMemory = Cell<T>;

    fn alloc_cell(&mut self, len: usize) -> Cell<T> {
        if len == 0 {
            return Cell::default();
        }
        let kind = TypeId::of::<T>();
        let kept = FREED.with(|freed| {
            let mut freed = freed.borrow_mut();
            // The smallest that fits, so a small request does not take the hash table.
            let best = freed
                .iter()
                .enumerate()
                .filter(|(_, f)| f.kind == kind && f.len >= len)
                .min_by_key(|(_, f)| f.len)
                .map(|(i, _)| i)?;
            freed
                .remove(best)
                .items
                .downcast::<Box<[T]>>()
                .ok()
                .map(|b| *b)
        });
        match kept {
            Some(mut items) => {
                let stale_is_fine =
                    kind == TypeId::of::<u32>() && self.unread_until_written.contains(&len);
                if !stale_is_fine {
                    items[..len].fill(T::default());
                }
                Cell { items, len }
            }
            None => Cell {
                items: vec![T::default(); len].into_boxed_slice(),
                len,
            },
        }
    }

    fn free_cell(&mut self, cell: Cell<T>) {
        if cell.items.is_empty() {
            return;
        }
        let entry = Freed {
            kind: TypeId::of::<T>(),
            len: cell.items.len(),
            items: Box::new(cell.items),
        };
        FREED.with(|freed| {
            let mut freed = freed.borrow_mut();
            if freed.len() == POOL_BUFFERS {
                freed.remove(0);
            }
            freed.push(entry);
        });
    }
}

impl brotli::enc::combined_alloc::BrotliAlloc for Pool {}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bodies of many sizes and kinds, in an order that makes each reuse the last one's
    /// buffers: HTML-like Arabic text, repeated runs, incompressible bytes, tiny and empty.
    fn bodies() -> Vec<Vec<u8>> {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let words = [
            "<p>",
            "وزير",
            "الخارجية",
            "سوريا",
            "</p>\n",
            "قال",
            " ",
            "2024",
            "<a href=\"/x\">",
        ];
        let mut out = vec![Vec::new(), b"a".to_vec()];
        for size in [40, 900, 5_000, 21_000, 70_000, 300, 33_000, 140_000, 12_000] {
            let mut text = Vec::new();
            while text.len() < size {
                text.extend_from_slice(words[(next() % words.len() as u64) as usize].as_bytes());
            }
            out.push(text);
            out.push((0..size).map(|_| next() as u8).collect());
        }
        out.push("نص مكرر ".repeat(10_000).into_bytes());
        out
    }

    fn fresh_gzip(body: &[u8], level: u32) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), Compression::new(level));
        encoder.write_all(body).unwrap();
        encoder.finish().unwrap()
    }

    fn fresh_brotli(body: &[u8], quality: u32) -> Vec<u8> {
        let mut out = Vec::new();
        {
            let mut writer = brotli::CompressorWriter::new(&mut out, 4096, quality, 22);
            writer.write_all(body).unwrap();
        }
        out
    }

    #[test]
    fn a_kept_deflate_stream_writes_the_bytes_of_a_fresh_gzip_encoder() {
        for level in [1, 5, 6, 9] {
            for body in bodies() {
                assert_eq!(
                    gzip(&body, level),
                    fresh_gzip(&body, level),
                    "level {level}, {} bytes",
                    body.len()
                );
            }
        }
    }

    #[test]
    fn reused_buffers_give_the_bytes_of_a_fresh_brotli_encoder() {
        for quality in [1, 4, 5, 6, 7] {
            // Twice round, so the second pass starts from the largest bodies' buffers.
            for body in bodies().iter().chain(bodies().iter().rev()) {
                assert_eq!(
                    brotli(body, quality),
                    fresh_brotli(body, quality),
                    "quality {quality}, {} bytes",
                    body.len()
                );
            }
        }
    }

    #[test]
    fn the_pool_keeps_a_bounded_number_of_buffers() {
        for body in bodies() {
            brotli(&body, 5);
        }
        let kept = FREED.with(|freed| freed.borrow().len());
        assert!(kept > 0 && kept <= POOL_BUFFERS, "{kept}");
    }
}
