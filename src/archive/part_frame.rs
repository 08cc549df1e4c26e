//! One article's heavy parts ([`Parts`]: its body and the dump's text) as the parts store
//! holds them: a frame of their postcard encoding, compressed as one lz4 block after its
//! length ([`encode`]), read back whole or body alone ([`decode`], [`decode_body`],
//! [`decode_lines`]).
//!
//! lz4 rather than zstd by measurement (notes/build-bench.md, session 34): zstd level 1 was
//! a sixth of a build's instructions; lz4 writes a part for half of them and reads it for
//! a third, for frames 1.6 times larger. A frame is read without its neighbours, and the
//! body, made of lines of the dump, costs little beside the dump's text in the same frame.

use std::cell::RefCell;

use serde::{Deserialize, Serialize};

/// Largest part a frame may claim to hold: a dump's text (at most [`MAX_DUMP_BYTES`], up to
/// twice that once decoded to UTF-8) and a body made of its lines. A corrupt frame header
/// claiming more is refused rather than allocated.
///
/// [`MAX_DUMP_BYTES`]: crate::parse::MAX_DUMP_BYTES
const MAX_PART_BYTES: usize = 4 * crate::parse::MAX_DUMP_BYTES + (1 << 20);

/// What of an article is only needed when its own page is shown.
///
/// Its strings are read back as bytes checked by `simdutf8` ([`crate::serde_utf8`]): on
/// Arabic text the check of postcard's own string reading was a quarter of an export's
/// instructions (notes/serve-bench.md, session 20).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Parts {
    #[serde(deserialize_with = "crate::serde_utf8::lines")]
    pub body: Vec<String>,
    /// The dump as decoded (the article's source page).
    #[serde(deserialize_with = "crate::serde_utf8::string")]
    pub text: String,
}

/// `parts` as stored: the length of its postcard encoding (4 bytes, little-endian), then
/// that encoding as one lz4 block. Done by the caller's thread, so that parts are compressed
/// in parallel and only appended under a lock.
pub fn encode(parts: &Parts) -> std::io::Result<Vec<u8>> {
    encode_with(parts, <[u8]>::to_vec)
}

/// [`encode`], the frame handed to `put` where the thread made it rather than copied out
/// first: a build appends it to the store's buffer straight from there.
pub fn encode_with<T>(parts: &Parts, put: impl FnOnce(&[u8]) -> T) -> std::io::Result<T> {
    thread_local! {
        // The buffers each part is encoded and compressed into, kept by the thread.
        static BUFFERS: RefCell<(Vec<u8>, Vec<u8>)> = const { RefCell::new((Vec::new(), Vec::new())) };
    }
    BUFFERS.with_borrow_mut(|(raw, out)| {
        let put = frame_into(parts, raw, out).map(put);
        // As the reading buffer (`KEPT_BYTES`): a thread that met a large part lets go.
        if raw.capacity() > KEPT_BYTES {
            (*raw, *out) = (Vec::new(), Vec::new());
        }
        put
    })
}

/// The frame of `parts` made in the thread's buffers: `raw` for postcard's bytes, `out` for
/// the block; it is the start of `out`.
fn frame_into<'a>(
    parts: &Parts,
    raw: &mut Vec<u8>,
    out: &'a mut Vec<u8>,
) -> std::io::Result<&'a [u8]> {
    raw.clear();
    postcard::serialize_with_flavor(parts, Reused(raw))
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    let len = u32::try_from(raw.len())
        .map_err(|_| std::io::Error::other("one article's parts exceed 4 GB"))?;
    // Grown rather than cleared: zeroed once, not at every part.
    let most = LENGTH + lz4_flex::block::get_maximum_output_size(raw.len());
    if out.len() < most {
        out.resize(most, 0);
    }
    out[..LENGTH].copy_from_slice(&len.to_le_bytes());
    let n = lz4_flex::block::compress_into(raw, &mut out[LENGTH..])
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    Ok(&out[..LENGTH + n])
}

/// The bytes before each frame's block: its length once decompressed.
const LENGTH: usize = 4;

/// The largest buffer a thread keeps for writing or reading frames: parts are some 25 KB decompressed
/// (notes/build-bench.md), a few dumps are megabytes.
const KEPT_BYTES: usize = 1 << 20;

/// A postcard output that appends to a buffer the thread keeps: `to_stdvec` grew a new vector
/// to each part's size, a dozen reallocations and copies a part (≈ 1 % of a build's
/// instructions, notes/build-bench.md).
struct Reused<'a>(&'a mut Vec<u8>);

impl postcard::ser_flavors::Flavor for Reused<'_> {
    type Output = ();

    fn try_extend(&mut self, data: &[u8]) -> postcard::Result<()> {
        self.0.extend_from_slice(data);
        Ok(())
    }

    fn try_push(&mut self, data: u8) -> postcard::Result<()> {
        self.0.push(data);
        Ok(())
    }

    fn finalize(self) -> postcard::Result<()> {
        Ok(())
    }
}

/// The parts in one stored frame.
pub fn decode(bytes: &[u8]) -> Result<Parts, String> {
    with_decompressed(bytes, |raw| {
        postcard::from_bytes(raw).map_err(|e| e.to_string())
    })
}

/// The body alone of one stored frame, its paragraphs as [`Parts`] reads them: what the
/// download writes. The frame is decompressed whole, but the dump's text after the body (most
/// of the frame) is neither checked nor copied: reading it was a sixth of the download's
/// reading (notes/serve-bench.md, session 45).
pub fn decode_lines(bytes: &[u8]) -> Result<Vec<String>, String> {
    /// The start of [`Parts`]' layout, read as it reads it (see [`decode_body`]).
    #[derive(Deserialize)]
    struct Lines {
        #[serde(deserialize_with = "crate::serde_utf8::lines")]
        body: Vec<String>,
    }
    with_decompressed(bytes, |raw| {
        let Lines { body } = postcard::from_bytes(raw).map_err(|e| e.to_string())?;
        Ok(body)
    })
}

/// The body alone of one stored frame, its paragraphs joined by `\n`: what a search passage
/// reads. The frame is decompressed whole, but the dump's text after the body (most of the
/// frame) is neither checked nor copied.
pub fn decode_body(bytes: &[u8]) -> Result<String, String> {
    /// The start of [`Parts`]' layout: postcard writes a struct's fields in order and reads
    /// what it is asked for, so the rest is left unread.
    #[derive(Deserialize)]
    struct Body<'a> {
        #[serde(borrow)]
        body: Vec<&'a [u8]>,
    }
    let joined = with_decompressed(bytes, |raw| {
        let Body { body } = postcard::from_bytes(raw).map_err(|e| e.to_string())?;
        Ok(body.join(&b'\n'))
    })?;
    simdutf8::basic::from_utf8(&joined)
        .map(str::to_owned)
        .map_err(|_| "a body that is not UTF-8".to_owned())
}

/// `read` of one stored frame decompressed, in a buffer the thread keeps. A length past
/// [`MAX_PART_BYTES`] or a block that does not decompress to it is refused.
fn with_decompressed<T>(
    bytes: &[u8],
    read: impl FnOnce(&[u8]) -> Result<T, String>,
) -> Result<T, String> {
    thread_local! {
        static BUFFER: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    }
    let (len, block) = bytes
        .split_first_chunk::<LENGTH>()
        .ok_or("a frame shorter than its length")?;
    let len = u32::from_le_bytes(*len) as usize;
    if len > MAX_PART_BYTES {
        return Err(format!("a frame claiming {len} bytes"));
    }
    BUFFER.with_borrow_mut(|buffer| {
        // Grown, not shrunk, so zeroed once rather than at every frame; given back after a
        // part past `KEPT_BYTES`, which a server's threads would otherwise each hold.
        if buffer.len() < len {
            buffer.resize(len, 0);
        }
        let raw = &mut buffer[..len];
        let read = match lz4_flex::block::decompress_into(block, raw) {
            Ok(n) if n == len => read(raw),
            Ok(n) => Err(format!("a frame of {n} bytes, not {len}")),
            Err(e) => Err(e.to_string()),
        };
        if buffer.len() > KEPT_BYTES {
            *buffer = Vec::new();
        }
        read
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_part_is_encoded_as_postcard_encodes_it_whatever_came_before() {
        let long = Parts {
            body: vec!["فقرة".repeat(500)],
            text: "نص".repeat(2000),
        };
        let short = Parts {
            body: vec!["ب".into()],
            text: "x".into(),
        };
        for parts in [&long, &short, &long, &Parts::default()] {
            let raw = with_decompressed(&encode(parts).unwrap(), |raw| Ok(raw.to_vec())).unwrap();
            assert_eq!(raw, postcard::to_stdvec(parts).unwrap());
            // The frame handed over from the thread's buffers is the whole frame.
            let handed = encode_with(parts, |frame| frame.to_vec()).unwrap();
            assert_eq!(handed, frame_of(&raw));
        }
    }

    #[test]
    fn stored_strings_read_back_as_written_and_bad_utf8_is_refused() {
        // The strings are read as bytes (see `Parts`): the frame is postcard's `String` layout,
        // so frames written before read the same, and bytes that are not UTF-8 are an error.
        let parts = Parts {
            body: vec!["فقرة أولى".into(), String::new(), "ascii, ثم عربي".into()],
            text: "نص الملف كما فُكّ ترميزه\n".repeat(100),
        };
        let bytes = postcard::to_allocvec(&parts).unwrap();
        assert_eq!(postcard::from_bytes::<Parts>(&bytes).unwrap(), parts);
        let as_bytes: (Vec<&[u8]>, &[u8]) = (vec![b"ok".as_slice()], b"\xd9\x86\xd8");
        let bad = postcard::to_allocvec(&as_bytes).unwrap();
        assert!(postcard::from_bytes::<Parts>(&bad).is_err());
        let bad_line: (Vec<&[u8]>, &[u8]) = (vec![b"\xff".as_slice()], b"ok");
        let bad_line = postcard::to_allocvec(&bad_line).unwrap();
        assert!(postcard::from_bytes::<Parts>(&bad_line).is_err());
        let good: (Vec<&[u8]>, &[u8]) = (vec!["سطر".as_bytes()], b"ok");
        let good = postcard::to_allocvec(&good).unwrap();
        let read = postcard::from_bytes::<Parts>(&good).unwrap();
        assert_eq!(
            (read.body, read.text.as_str()),
            (vec!["سطر".to_owned()], "ok")
        );
    }

    /// `raw` as [`encode`] frames it.
    fn frame_of(raw: &[u8]) -> Vec<u8> {
        let mut block = vec![0; lz4_flex::block::get_maximum_output_size(raw.len())];
        let n = lz4_flex::block::compress_into(raw, &mut block).unwrap();
        [&(raw.len() as u32).to_le_bytes()[..], &block[..n]].concat()
    }

    #[test]
    fn parts_of_every_size_come_back_equal_and_each_frame_is_its_own() {
        // Past 64 KB lz4 switches to a larger table; an empty part is a block of one token.
        let sizes = [0, 1, 70, 3_000, 70_000, 300_000];
        let parts: Vec<Parts> = sizes
            .iter()
            .map(|&n| Parts {
                body: (0..n / 700).map(|i| format!("فقرة {i} ")).collect(),
                text: "نص الملف، ascii 123\n".chars().cycle().take(n).collect(),
            })
            .collect();
        let frames: Vec<Vec<u8>> = parts.iter().map(|p| encode(p).unwrap()).collect();
        for (p, frame) in parts.iter().zip(&frames).rev() {
            assert_eq!(&decode(frame).unwrap(), p);
            assert_eq!(decode_body(frame).unwrap(), p.body.join("\n"));
            assert_eq!(decode_lines(frame).unwrap(), p.body);
        }
        // The dump's text is most of a part and repeats: it is stored compressed.
        assert!(frames[5].len() < 300_000 / 4, "{}", frames[5].len());
    }

    #[test]
    fn a_frame_that_is_not_what_its_length_says_is_refused() {
        let parts = Parts {
            body: vec!["فقرة".into()],
            text: "نص الملف\n".repeat(100),
        };
        let frame = encode(&parts).unwrap();
        let len = u32::from_le_bytes(frame[..4].try_into().unwrap());
        let with_len = |len: u32| {
            let mut f = frame.clone();
            f[..4].copy_from_slice(&len.to_le_bytes());
            f
        };
        let too_large = u32::try_from(MAX_PART_BYTES + 1).unwrap();
        for bad in [
            Vec::new(),
            frame[..3].to_vec(),
            frame[..frame.len() - 5].to_vec(),
            with_len(len - 1),
            with_len(len + 1),
            with_len(too_large),
            with_len(u32::MAX),
            [&frame[..4], &[0xff; 40]].concat(),
        ] {
            assert!(decode(&bad).is_err(), "{bad:?}");
            assert!(decode_body(&bad).is_err(), "{bad:?}");
            assert!(decode_lines(&bad).is_err(), "{bad:?}");
        }
        assert_eq!(decode(&frame).unwrap(), parts);
    }

    #[test]
    fn a_body_that_is_not_utf8_is_refused() {
        let bad: (Vec<&[u8]>, &[u8]) = (vec![b"ok", b"\xd9"], b"text");
        let bad = frame_of(&postcard::to_allocvec(&bad).unwrap());
        assert!(decode_body(&bad).is_err() && decode_lines(&bad).is_err());
        assert!(decode_body(b"not a frame").is_err());
        // The dump's text is not read: bytes there that are not UTF-8 leave the body readable.
        let bad_text: (Vec<&[u8]>, &[u8]) = (vec!["سطر".as_bytes()], b"\xd9");
        let frame = frame_of(&postcard::to_allocvec(&bad_text).unwrap());
        assert_eq!(decode_lines(&frame).unwrap(), vec!["سطر".to_owned()]);
    }
}
