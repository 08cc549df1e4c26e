//! The gzip and brotli encoders of the export and of the server's kept bodies.
//!
//! An export compresses tens of thousands of pages of 10–40 KB each. Made afresh for every
//! body, brotli 5 allocated and zeroed its 1 MB hash table and zlib-rs its window and hash
//! chains: about a seventh of a default export's instructions, whatever the page's size
//! (`notes/serve-bench.md`, session 22). Both are C encoders now (session 24): gzip is
//! libdeflate, one compressor kept per thread, whose whole-buffer parsing gives 1.3% smaller
//! files than zlib-rs for 40% fewer instructions; brotli is brotli's own encoder, which
//! allocates its tables without zeroing them, a third fewer instructions than the Rust port
//! for the same bytes at the qualities used (tests below compare them on bodies of many sizes).

use std::cell::RefCell;

use brotlic::encode::BrotliOperation;
use brotlic::{BrotliEncoderOptions, Quality, WindowSize};
use libdeflater::{CompressionLvl, Compressor};

use crate::archive::gzip_members::compress_member;

/// `body` as a gzip member at `level` (1 to 9), by libdeflate.
///
/// libdeflate compresses a whole buffer at once rather than a stream, which lets it choose
/// its matches better: at level 6 its `.gz` files were 1.3% smaller than zlib-rs' for 40%
/// fewer instructions (157 M against 263 M on 300 of the export's pages, cachegrind,
/// notes/serve-bench.md, session 24). Each thread keeps one compressor (its tables are
/// allocated once a level) and one buffer to compress into, so a body keeps only its bytes.
pub fn gzip(body: &[u8], level: u32) -> Vec<u8> {
    thread_local! {
        static DEFLATE: RefCell<Option<(u32, Compressor, Vec<u8>)>> = const { RefCell::new(None) };
    }
    let level = level.clamp(1, 9);
    DEFLATE.with(|cell| {
        let mut cell = cell.borrow_mut();
        let (_, compressor, scratch) = match &mut *cell {
            Some(kept) if kept.0 == level => kept,
            slot => {
                let lvl = CompressionLvl::new(level as i32).expect("1 to 9 is a level");
                slot.insert((level, Compressor::new(lvl), Vec::new()))
            }
        };
        compress_member(compressor, body, scratch)
            .expect("the bound fits the member")
            .to_vec()
    })
}

/// `body` in brotli at `quality` (0 to 11), a window of 4 MB, by brotli's C encoder.
///
/// At qualities 5 to 8 (the export's and the server's) its bytes are those of the Rust port's
/// `brotli::CompressorWriter::new(_, _, quality, 22)`, which this used before, for a third
/// fewer instructions (349.7 M against 534.6 M on 300 of the export's pages, cachegrind,
/// notes/serve-bench.md, session 24). It allocates its tables without zeroing them, so no
/// pool is kept. At some other qualities (1, 3, 4, 9 to 11) the two encoders' bytes differ,
/// both valid brotli.
pub fn brotli(body: &[u8], quality: u32) -> Vec<u8> {
    let quality = Quality::new(quality.min(11) as u8).expect("0 to 11 is a quality");
    let window = WindowSize::new(22).expect("22 is a window size");
    let mut encoder = BrotliEncoderOptions::new()
        .quality(quality)
        .window_size(window)
        .build()
        .expect("a quality and a window in range");
    let mut out = vec![0; body.len() / 3 + 64];
    let (mut read, mut written) = (0, 0);
    while !encoder.is_finished() {
        if out.len() - written < 64 {
            out.resize(out.len() * 2, 0);
        }
        let done = encoder
            .compress(&body[read..], &mut out[written..], BrotliOperation::Finish)
            .expect("brotli into memory");
        read += done.bytes_read;
        written += done.bytes_written;
    }
    out.truncate(written);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

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

    fn fresh_brotli(body: &[u8], quality: u32) -> Vec<u8> {
        let mut out = Vec::new();
        {
            let mut writer = brotli::CompressorWriter::new(&mut out, 4096, quality, 22);
            writer.write_all(body).unwrap();
        }
        out
    }

    #[test]
    fn every_gzip_level_decodes_to_the_body() {
        use std::io::Read;
        // Twice round, so that each body reuses a larger or smaller body's buffer.
        for level in 1..=9 {
            for body in bodies().iter().chain(bodies().iter().rev()) {
                let member = gzip(body, level);
                let mut decoded = Vec::new();
                let mut decoder = flate2::read::GzDecoder::new(member.as_slice());
                decoder.read_to_end(&mut decoded).unwrap();
                assert!(decoded == *body, "level {level}, {} bytes", body.len());
                assert!(
                    decoder.into_inner().is_empty(),
                    "one member, nothing after it"
                );
            }
        }
    }

    #[test]
    fn the_c_encoder_writes_the_rust_ports_bytes_at_the_qualities_used() {
        // 5 is the export's and the server's quality; 6 to 8 share its hasher.
        for quality in [5, 6, 7, 8] {
            for body in bodies() {
                assert_eq!(
                    brotli(&body, quality),
                    fresh_brotli(&body, quality),
                    "quality {quality}, {} bytes",
                    body.len()
                );
            }
        }
    }

    #[test]
    fn every_quality_decodes_to_the_body() {
        use std::io::Read;
        for quality in 0..=11 {
            for body in bodies() {
                let mut decoded = Vec::new();
                brotli::Decompressor::new(brotli(&body, quality).as_slice(), 4096)
                    .read_to_end(&mut decoded)
                    .unwrap();
                assert!(decoded == body, "quality {quality}, {} bytes", body.len());
            }
        }
    }
}
