//! WARC records (ISO 28500) out of a `.warc` file or a `.warc.gz` of gzip members, read as a
//! stream, each with the offset an archivist can find it at, and past any damage.
//!
//! A reader of our own rather than the `warc` crate: that crate reads a `.warc.gz` as one
//! decompressed stream, so it can neither give a record's offset (the gzip member's, as CDX
//! indexes and `zcat | dd` use it) nor go on after a corrupt member or a broken header,
//! which the build must do ("keep every good record before and after it"). Here each gzip
//! member is decoded on its own; after a broken header the rest of its member is skipped,
//! after a corrupt member the next gzip header is looked for, and in an uncompressed file
//! the next `WARC/1.` line.

use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};

use flate2::bufread::GzDecoder;

/// One record's header and, when asked for and not too large, its block.
#[derive(Debug)]
pub struct RawRecord {
    /// Where the record starts: its gzip member's offset in a `.warc.gz`.
    pub offset: u64,
    pub headers: Vec<(String, String)>,
    /// The block, or `None` when it was skipped unread (not asked for, or over the limit).
    pub block: Option<Vec<u8>>,
}

impl RawRecord {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What is wrong at an offset of a WARC file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    #[error("the file ends inside this record")]
    Truncated,
    #[error("broken record header: {0}")]
    BadHeader(String),
    #[error("the compressed data does not decode: {0}")]
    Corrupt(String),
    #[error("no gzip member starts here")]
    NotGzip,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("at offset {offset}: {problem}")]
pub struct WarcError {
    pub offset: u64,
    pub problem: Problem,
}

/// Longest header line, and longest header, a record may have.
const MAX_LINE: u64 = 64 * 1024;
const MAX_HEADER: usize = 256 * 1024;

enum State<R: BufRead> {
    Start(R),
    Plain(R),
    Gz(R),
    Member {
        offset: u64,
        // Boxed: the decoder's state is tens of kilobytes, the other states a reader.
        decoder: Box<BufReader<GzDecoder<R>>>,
    },
    Done,
}

/// The records of a WARC file, in file order; an `Err` names a damaged place, and reading
/// goes on after it.
pub struct Records<R: BufRead + Seek> {
    state: State<R>,
    /// Which records' blocks to read (the others are skipped unread).
    wanted: fn(&[(String, String)]) -> bool,
    /// Largest block read into memory.
    limit: u64,
}

impl<R: BufRead + Seek> Records<R> {
    pub fn new(reader: R, wanted: fn(&[(String, String)]) -> bool, limit: u64) -> Self {
        Records {
            state: State::Start(reader),
            wanted,
            limit,
        }
    }
}

impl<R: BufRead + Seek> Iterator for Records<R> {
    type Item = Result<RawRecord, WarcError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            match std::mem::replace(&mut self.state, State::Done) {
                State::Done => return None,
                State::Start(mut r) => {
                    self.state = match peek_gzip(&mut r) {
                        Ok(None) => State::Done,
                        Ok(Some(true)) => State::Gz(r),
                        Ok(Some(false)) => State::Plain(r),
                        Err(e) => return Some(Err(unreadable(0, &e))),
                    };
                }
                State::Plain(mut r) => {
                    let offset = match r.stream_position() {
                        Ok(o) => o,
                        Err(e) => return Some(Err(unreadable(0, &e))),
                    };
                    match read_record(&mut r, offset, self.wanted, self.limit) {
                        Ok(Some(record)) => {
                            self.state = State::Plain(r);
                            return Some(Ok(record));
                        }
                        Ok(None) => return None,
                        Err(problem) => {
                            if seek_past(&mut r, offset + 1, b"\nWARC/1.", 1).unwrap_or(false) {
                                self.state = State::Plain(r);
                            }
                            return Some(Err(WarcError { offset, problem }));
                        }
                    }
                }
                State::Gz(mut r) => {
                    let (offset, head) = match (r.stream_position(), peek_gzip(&mut r)) {
                        (Ok(o), Ok(h)) => (o, h),
                        (Err(e), _) | (_, Err(e)) => return Some(Err(unreadable(0, &e))),
                    };
                    match head {
                        None => return None,
                        Some(true) => {
                            self.state = State::Member {
                                offset,
                                decoder: Box::new(BufReader::new(GzDecoder::new(r))),
                            };
                        }
                        Some(false) => {
                            if seek_past(&mut r, offset + 1, &[0x1f, 0x8b, 0x08], 0)
                                .unwrap_or(false)
                            {
                                self.state = State::Gz(r);
                            }
                            return Some(Err(WarcError {
                                offset,
                                problem: Problem::NotGzip,
                            }));
                        }
                    }
                }
                State::Member {
                    offset,
                    mut decoder,
                } => match read_record(&mut decoder, offset, self.wanted, self.limit) {
                    Ok(Some(record)) => {
                        self.state = State::Member { offset, decoder };
                        return Some(Ok(record));
                    }
                    Ok(None) => self.state = State::Gz(decoder.into_inner().into_inner()),
                    Err(problem) => {
                        // A broken header in a sound member: the member's end is the next
                        // record's start. A corrupt or cut-off member: look for the next one.
                        let drained = matches!(problem, Problem::BadHeader(_))
                            && io::copy(&mut decoder, &mut io::sink()).is_ok();
                        let mut r = decoder.into_inner().into_inner();
                        if drained
                            || seek_past(&mut r, offset + 1, &[0x1f, 0x8b, 0x08], 0)
                                .unwrap_or(false)
                        {
                            self.state = State::Gz(r);
                        }
                        return Some(Err(WarcError { offset, problem }));
                    }
                },
            }
        }
    }
}

/// Whether a gzip member starts at `r`'s position (`None` at the end), leaving `r` there.
///
/// `fill_buf` alone is not enough: when the buffer ends one byte into the member it holds
/// only `0x1f`, and the member would be taken for damage. Then the two bytes are read and
/// `r` is moved back.
fn peek_gzip<R: BufRead + Seek>(r: &mut R) -> io::Result<Option<bool>> {
    const MAGIC: [u8; 2] = [0x1f, 0x8b];
    let buf = r.fill_buf()?;
    if buf.len() >= MAGIC.len() {
        return Ok(Some(buf.starts_with(&MAGIC)));
    }
    if buf.is_empty() {
        return Ok(None);
    }
    let mut head = Vec::with_capacity(MAGIC.len());
    (&mut *r).take(MAGIC.len() as u64).read_to_end(&mut head)?;
    r.seek(SeekFrom::Current(-(head.len() as i64)))?;
    Ok(Some(head == MAGIC))
}

fn unreadable(offset: u64, e: &io::Error) -> WarcError {
    WarcError {
        offset,
        problem: Problem::Corrupt(e.to_string()),
    }
}

fn problem(e: io::Error) -> Problem {
    match e.kind() {
        io::ErrorKind::UnexpectedEof => Problem::Truncated,
        _ => Problem::Corrupt(e.to_string()),
    }
}

/// Reads one record; `Ok(None)` at the end of the stream (blank lines before it ignored).
fn read_record(
    r: &mut impl BufRead,
    offset: u64,
    wanted: fn(&[(String, String)]) -> bool,
    limit: u64,
) -> Result<Option<RawRecord>, Problem> {
    let mut line = Vec::new();
    loop {
        line.clear();
        if read_line(r, &mut line)? == 0 {
            return Ok(None);
        }
        if !line.iter().all(u8::is_ascii_whitespace) {
            break;
        }
    }
    if !line.starts_with(b"WARC/") {
        return Err(Problem::BadHeader(format!(
            "expected a `WARC/1.x` line, found {:?}",
            snippet(&line)
        )));
    }
    let mut headers: Vec<(String, String)> = Vec::new();
    let mut size = 0;
    loop {
        line.clear();
        let n = read_line(r, &mut line)?;
        if n == 0 {
            return Err(Problem::Truncated);
        }
        size += n;
        if size > MAX_HEADER {
            return Err(Problem::BadHeader("the header does not end".into()));
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            break;
        }
        if text.starts_with([' ', '\t']) {
            match headers.last_mut() {
                Some((_, value)) => {
                    value.push(' ');
                    value.push_str(text.trim());
                }
                None => return Err(Problem::BadHeader("a continuation line first".into())),
            }
            continue;
        }
        match text.split_once(':') {
            Some((name, value)) if !name.trim().is_empty() => {
                headers.push((name.trim().to_string(), value.trim().to_string()));
            }
            _ => {
                return Err(Problem::BadHeader(format!(
                    "a header line without a name: {:?}",
                    snippet(text.as_bytes())
                )));
            }
        }
    }
    let length = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse::<u64>().ok())
        .ok_or_else(|| Problem::BadHeader("no valid Content-Length".into()))?;
    let block = if length <= limit && wanted(&headers) {
        let mut block = Vec::with_capacity(length.min(1 << 20) as usize);
        (&mut *r)
            .take(length)
            .read_to_end(&mut block)
            .map_err(problem)?;
        if (block.len() as u64) < length {
            return Err(Problem::Truncated);
        }
        Some(block)
    } else {
        let skipped = io::copy(&mut (&mut *r).take(length), &mut io::sink()).map_err(problem)?;
        if skipped < length {
            return Err(Problem::Truncated);
        }
        None
    };
    // The two line breaks that end a record; tolerate fewer (or bare `\n`).
    for _ in 0..4 {
        match r.fill_buf().map_err(problem)?.first() {
            Some(b'\r' | b'\n') => r.consume(1),
            _ => break,
        }
    }
    Ok(Some(RawRecord {
        offset,
        headers,
        block,
    }))
}

/// One line, at most [`MAX_LINE`] bytes (a longer one is not a header).
fn read_line(r: &mut impl BufRead, line: &mut Vec<u8>) -> Result<usize, Problem> {
    let n = (&mut *r)
        .take(MAX_LINE)
        .read_until(b'\n', line)
        .map_err(problem)?;
    if n as u64 == MAX_LINE && line.last() != Some(&b'\n') {
        return Err(Problem::BadHeader("a header line over 64 KiB".into()));
    }
    Ok(n)
}

fn snippet(line: &[u8]) -> String {
    String::from_utf8_lossy(&line[..line.len().min(40)])
        .trim_end()
        .to_string()
}

/// Moves `r` to the first `needle` at or after `from` (plus `skip`); `false` when there is
/// none (then `r` is at the end).
fn seek_past<R: BufRead + Seek>(
    r: &mut R,
    from: u64,
    needle: &[u8],
    skip: usize,
) -> io::Result<bool> {
    let mut at = r.seek(SeekFrom::Start(from))?;
    let finder = memchr::memmem::Finder::new(needle);
    // The end of the last buffer, in case the needle straddles two.
    let mut carry: Vec<u8> = Vec::new();
    loop {
        let buf = r.fill_buf()?;
        if buf.is_empty() {
            return Ok(false);
        }
        let mut window = std::mem::take(&mut carry);
        let carried = window.len() as u64;
        window.extend_from_slice(buf);
        if let Some(i) = finder.find(&window) {
            let target = at - carried + i as u64 + skip as u64;
            r.seek(SeekFrom::Start(target))?;
            return Ok(true);
        }
        let n = buf.len();
        at += n as u64;
        r.consume(n);
        let keep = needle.len().saturating_sub(1).min(window.len());
        carry = window[window.len() - keep..].to_vec();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Cursor, Write};

    pub fn record(kind: &str, body: &[u8]) -> Vec<u8> {
        let mut r = format!(
            "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Date: 2024-01-02T03:04:05Z\r\nContent-Length: {}\r\n\r\n",
            body.len()
        )
        .into_bytes();
        r.extend_from_slice(body);
        r.extend_from_slice(b"\r\n\r\n");
        r
    }

    fn gz(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    /// Each record's offset, type and block, or its error.
    type Read = Result<(u64, String, Option<Vec<u8>>), WarcError>;

    fn all(bytes: Vec<u8>) -> Vec<Read> {
        Records::new(Cursor::new(bytes), |_| true, 1 << 20)
            .map(|r| {
                r.map(|r| {
                    (
                        r.offset,
                        r.header("warc-type").unwrap_or("").to_string(),
                        r.block,
                    )
                })
            })
            .collect()
    }

    #[test]
    fn plain_records_in_order_with_offsets() {
        let a = record("warcinfo", b"software: x");
        let b = record("response", b"HTTP/1.1 200 OK\r\n\r\nhi");
        let got = all([a.clone(), b.clone()].concat());
        assert_eq!(
            got,
            [
                Ok((0, "warcinfo".into(), Some(b"software: x".to_vec()))),
                Ok((
                    a.len() as u64,
                    "response".into(),
                    Some(b"HTTP/1.1 200 OK\r\n\r\nhi".to_vec())
                )),
            ]
        );
    }

    #[test]
    fn gzip_members_each_give_their_offset() {
        let (a, b, c) = (
            gz(&record("request", b"GET /")),
            gz(&record("response", b"x")),
            gz(&record("metadata", b"y")),
        );
        let got = all([a.clone(), b.clone(), c].concat());
        let offsets: Vec<u64> = got.iter().map(|r| r.as_ref().unwrap().0).collect();
        assert_eq!(offsets, [0, a.len() as u64, (a.len() + b.len()) as u64]);
    }

    #[test]
    fn a_member_starting_at_the_last_byte_of_the_buffer_is_read() {
        // wget's members fall anywhere; whichever read buffer ends one byte into a member,
        // every record is read and none is taken for damage.
        let members: Vec<Vec<u8>> = (0..4)
            .map(|i| {
                gz(&record(
                    "response",
                    &vec![b'a' + i; 50 * usize::from(i + 1)],
                ))
            })
            .collect();
        let bytes = members.concat();
        for capacity in 1..=bytes.len() {
            let reader = BufReader::with_capacity(capacity, Cursor::new(bytes.clone()));
            let got: Vec<_> = Records::new(reader, |_| true, 1 << 20).collect();
            assert_eq!(got.len(), members.len(), "buffer of {capacity} bytes");
            assert!(
                got.iter().all(Result::is_ok),
                "buffer of {capacity}: {got:?}"
            );
        }
    }

    #[test]
    fn one_member_holding_several_records() {
        let whole = gz(&[record("request", b"a"), record("response", b"b")].concat());
        let got = all(whole);
        assert_eq!(got.len(), 2);
        assert!(got.iter().all(|r| r.as_ref().unwrap().0 == 0));
    }

    #[test]
    fn a_truncated_warc_gz_keeps_what_came_before() {
        let a = gz(&record("response", b"first"));
        let b = gz(&record("response", &[b'x'; 5000]));
        let mut bytes = [a.clone(), b.clone()].concat();
        bytes.truncate(a.len() + b.len() / 2);
        let got = all(bytes);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].as_ref().unwrap().2.as_deref(), Some(&b"first"[..]));
        let err = got[1].as_ref().unwrap_err();
        assert_eq!(
            (err.offset, &err.problem),
            (a.len() as u64, &Problem::Truncated)
        );
    }

    #[test]
    fn a_broken_header_loses_only_its_record() {
        let good = record("response", b"ok");
        let broken =
            b"WARC/1.0\r\nWARC-Type: response\r\nno colon here\r\n\r\nbody\r\n\r\n".to_vec();
        let plain = all([good.clone(), broken.clone(), good.clone()].concat());
        assert_eq!(plain.len(), 3, "{plain:?}");
        assert!(plain[0].is_ok() && plain[2].is_ok());
        assert!(
            matches!(plain[1], Err(WarcError { offset, problem: Problem::BadHeader(_) }) if offset == good.len() as u64)
        );

        let gzipped = all([gz(&good), gz(&broken), gz(&good)].concat());
        assert_eq!(gzipped.len(), 3, "{gzipped:?}");
        assert!(gzipped[0].is_ok() && gzipped[2].is_ok() && gzipped[1].is_err());
    }

    #[test]
    fn a_corrupt_member_is_skipped_to_the_next() {
        let a = gz(&record("response", b"one"));
        let mut b = gz(&record("response", &[b'z'; 3000]));
        let mid = b.len() / 2;
        b[mid..mid + 8].copy_from_slice(b"\xff\x00\xff\x00\xff\x00\xff\x00");
        let c = gz(&record("response", b"three"));
        let got = all([a, b, c].concat());
        let blocks: Vec<_> = got
            .iter()
            .filter_map(|r| r.as_ref().ok())
            .map(|r| r.2.clone().unwrap())
            .collect();
        assert_eq!(blocks, [b"one".to_vec(), b"three".to_vec()]);
        assert!(got.iter().any(Result::is_err));
    }

    #[test]
    fn a_missing_content_length_and_garbage_between_records() {
        let good = record("response", b"ok");
        let no_length = b"WARC/1.0\r\nWARC-Type: response\r\n\r\n".to_vec();
        let got = all([
            good.clone(),
            b"junk\njunk\n".to_vec(),
            no_length,
            good.clone(),
        ]
        .concat());
        let oks = got.iter().filter(|r| r.is_ok()).count();
        assert_eq!(oks, 2, "{got:?}");
    }

    #[test]
    fn unwanted_and_oversized_blocks_are_skipped_unread() {
        let bytes = [
            record("request", b"GET /"),
            record("response", &[b'a'; 100]),
        ]
        .concat();
        let got: Vec<_> = Records::new(
            Cursor::new(bytes),
            |h| h.iter().any(|(_, v)| v == "response"),
            50,
        )
        .map(|r| r.unwrap())
        .collect();
        assert_eq!(got.len(), 2);
        assert!(got[0].block.is_none());
        assert!(got[1].block.is_none());
    }

    #[test]
    fn nothing_at_all() {
        assert!(all(Vec::new()).is_empty());
        assert!(all(b"\r\n\r\n".to_vec()).is_empty());
        assert_eq!(all(b"<html>not a warc</html>".to_vec()).len(), 1);
        assert_eq!(all(vec![0x1f, 0x8b]).len(), 1);
    }
}
