//! A gzip file written as a run of independent members, each compressed whole by libdeflate.
//!
//! RFC 1952 lets a gzip file hold several members one after the other, and every reader
//! (`zcat`, Python's `gzip`, flate2's `MultiGzDecoder`, browsers) decompresses them as one
//! stream. So a long stream (the archive's download, hundreds of megabytes of JSON Lines at a
//! million articles) can be cut into pieces of [`MEMBER`] bytes, each handed to libdeflate at
//! once: libdeflate compresses a whole buffer, not a stream, for some 40% fewer instructions
//! than zlib-rs at level 6 (notes/serve-bench.md, session 24). A member starts with an empty
//! window, which costs well under a percent of the bytes at this size; memory stays one
//! member and its compressed copy.

use std::io::{self, Write};

use libdeflater::{CompressionLvl, Compressor};

/// Bytes of input a member holds (the last holds what is left).
pub const MEMBER: usize = 1 << 20;

/// Room the pending member's buffer has past [`MEMBER`], for what [`GzipMembers::write_in_place`]
/// writes across a member's end: a serializer makes room for six times a string before
/// writing it, and a buffer grown past its capacity would copy the whole member.
const SLACK: usize = MEMBER / 4;

/// Writes what it is given to `out` as gzip members (see the module comment); [`finish`]
/// writes the last one.
///
/// [`finish`]: GzipMembers::finish
pub struct GzipMembers<W: Write> {
    out: W,
    compressor: Compressor,
    /// Input not yet in a member.
    pending: Vec<u8>,
    /// Where a member is compressed to, kept between members.
    packed: Vec<u8>,
    members: usize,
}

impl<W: Write> GzipMembers<W> {
    /// Members compressed at `level` (1 to 12, libdeflate's; 6 is zlib's default).
    pub fn new(out: W, level: i32) -> GzipMembers<W> {
        let level = CompressionLvl::new(level).unwrap_or_default();
        GzipMembers {
            out,
            compressor: Compressor::new(level),
            pending: Vec::with_capacity(MEMBER + SLACK),
            packed: Vec::new(),
            members: 0,
        }
    }

    /// Compresses the first `len` bytes pending as one member, writes it, and keeps the rest
    /// pending.
    fn pack(&mut self, len: usize) -> io::Result<()> {
        let member = compress_member(&mut self.compressor, &self.pending[..len], &mut self.packed)
            .map_err(io::Error::other)?;
        self.out.write_all(member)?;
        self.pending.drain(..len);
        self.members += 1;
        Ok(())
    }

    /// Lets `write` append to the pending member's own buffer, then writes each member that
    /// filled: the same file as [`Write::write_all`] of what `write` appended, without the
    /// copy from a buffer of the caller's (the download's lines, 11 MB at 1,000 articles:
    /// 10 M instructions, notes/serve-bench.md, session 47). `write` must only append.
    pub fn write_in_place<T>(
        &mut self,
        write: impl FnOnce(&mut Vec<u8>) -> io::Result<T>,
    ) -> io::Result<T> {
        let written = write(&mut self.pending)?;
        while self.pending.len() >= MEMBER {
            self.pack(MEMBER)?;
        }
        Ok(written)
    }

    /// Writes the last member (an empty one when nothing was written, so that the file is
    /// still gzip), flushes `out` and hands it back.
    pub fn finish(mut self) -> io::Result<W> {
        if !self.pending.is_empty() || self.members == 0 {
            self.pack(self.pending.len())?;
        }
        self.out.flush()?;
        Ok(self.out)
    }
}

/// `input` as one gzip member by `compressor`, written into `scratch` (grown to libdeflate's
/// bound when shorter, and kept by the caller between members); the member's bytes. The
/// download's members and the export's and server's `.gz` bodies (`web::http::encoders`) are
/// all made here.
pub fn compress_member<'a>(
    compressor: &mut Compressor,
    input: &[u8],
    scratch: &'a mut Vec<u8>,
) -> Result<&'a [u8], libdeflater::CompressionError> {
    let bound = compressor.gzip_compress_bound(input.len());
    if scratch.len() < bound {
        scratch.resize(bound, 0);
    }
    let len = compressor.gzip_compress(input, scratch)?;
    Ok(&scratch[..len])
}

impl<W: Write> Write for GzipMembers<W> {
    /// Takes what fits in the pending member: every member but the last holds exactly
    /// [`MEMBER`] bytes, so the file depends on the bytes alone, not on how they were written.
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let taken = bytes.len().min(MEMBER - self.pending.len());
        self.pending.extend_from_slice(&bytes[..taken]);
        if self.pending.len() == MEMBER {
            self.pack(MEMBER)?;
        }
        Ok(taken)
    }

    /// Flushes `out` only: a member is written when it is full or at [`GzipMembers::finish`].
    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    /// Many members read back as one stream, by flate2's multi-member decoder (as `zcat`
    /// and Python's `gzip` read them), the same however the input was cut; an empty input is
    /// one empty member.
    #[test]
    fn members_decompress_as_one_stream() {
        let text: Vec<u8> = (0..MEMBER * 2 + 12_345)
            .map(|i| b"abcdefgh\n"[i * 7 % 9] ^ ((i / 4096) as u8 % 3))
            .collect();
        for input in [&text[..], &text[..10], &[][..]] {
            let mut writer = GzipMembers::new(Vec::new(), 6);
            for piece in input.chunks(1000) {
                writer.write_all(piece).unwrap();
            }
            let gz = writer.finish().unwrap();
            let mut whole = GzipMembers::new(Vec::new(), 6);
            whole.write_all(input).unwrap();
            assert_eq!(
                whole.finish().unwrap(),
                gz,
                "the same bytes however written"
            );
            let mut back = Vec::new();
            flate2::read::MultiGzDecoder::new(gz.as_slice())
                .read_to_end(&mut back)
                .unwrap();
            assert_eq!(back, input);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(24))]
        /// Pieces written in place make the file that `write_all` of the same pieces makes,
        /// pieces that end a member exactly, cross one, or are longer than one and its room.
        #[test]
        fn pieces_written_in_place_are_the_file_written_whole(
            lengths in proptest::collection::vec(
                proptest::prop_oneof![0usize..5_000, MEMBER - 10..MEMBER + 10, 0..MEMBER * 2],
                0..6,
            ),
        ) {
            let pieces: Vec<Vec<u8>> = lengths
                .iter()
                .enumerate()
                .map(|(k, &n)| (0..n).map(|i| (i * 31 + k * 7 + i / 4096) as u8).collect())
                .collect();
            let mut whole = GzipMembers::new(Vec::new(), 1);
            let mut in_place = GzipMembers::new(Vec::new(), 1);
            for piece in &pieces {
                whole.write_all(piece).unwrap();
                in_place
                    .write_in_place(|pending| {
                        pending.extend_from_slice(piece);
                        Ok(())
                    })
                    .unwrap();
            }
            proptest::prop_assert!(whole.finish().unwrap() == in_place.finish().unwrap());
        }
    }
}
