//! `/archive.jsonl.gz`, the whole archive as one download: written once per build into the
//! build folder (`archive-<stamp>.jsonl.gz`, the stamp naming the compiled archive it was
//! made from), then served as a file, with `Content-Length`, ranges and an `ETag`.
//!
//! Writing it takes a while on a large archive (it reads every body), longer than a client
//! should wait for the first byte. So the first request starts the writing in the background
//! and is itself answered by a stream made as it goes (no `Content-Length`), as is every
//! request until the file is ready; at most [`LIVE_STREAMS`] such streams run at once (each
//! costs a core's compression), others get a 503 with `Retry-After`. Both ways hold one
//! article at a time in memory.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc};

use crate::archive::atomic_file::{self, Durability};
use crate::archive::{Archive, compiled, dataset};
use crate::stable_hash::stable_hash;

/// Streams made on the fly at once, before the file is ready.
pub const LIVE_STREAMS: usize = 2;

/// The download of one site: its file, if the site has a build folder, and how far it is.
pub struct Download {
    /// Where this build's file goes; `None` for a site built in memory (every download is
    /// then a stream).
    path: Option<PathBuf>,
    /// The stamp of the compiled archive, for the file's name and `ETag`.
    stamp: u64,
    state: Mutex<State>,
    live: Arc<Semaphore>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Missing,
    Writing,
    /// Written: its length.
    Ready(u64),
    /// Writing failed (logged); downloads stay streams until the next build.
    Failed,
}

/// The file to send: where it is, how long, and its `ETag`.
pub struct ReadyFile {
    pub path: PathBuf,
    pub len: u64,
    pub etag: String,
}

impl Download {
    /// The download of a site with no build folder: always streamed.
    pub fn in_memory() -> Download {
        Download {
            path: None,
            stamp: 0,
            state: Mutex::new(State::Missing),
            live: Arc::new(Semaphore::new(LIVE_STREAMS)),
        }
    }

    /// The download of the archive compiled at `compiled_path`, kept beside it; ready at
    /// once when an earlier run wrote it for this same compiled file.
    pub fn beside(compiled_path: &Path) -> Download {
        let stamp = stamp(compiled_path);
        let dir = compiled_path.parent().unwrap_or(Path::new("."));
        let path = dir.join(file_name(stamp));
        let state = match std::fs::metadata(&path) {
            Ok(meta) if meta.is_file() => State::Ready(meta.len()),
            _ => State::Missing,
        };
        Download {
            path: Some(path),
            stamp,
            state: Mutex::new(state),
            live: Arc::new(Semaphore::new(LIVE_STREAMS)),
        }
    }

    /// The file, when it is written.
    pub fn ready(&self) -> Option<ReadyFile> {
        match *self.state.lock().unwrap_or_else(|e| e.into_inner()) {
            State::Ready(len) => Some(ReadyFile {
                path: self.path.clone()?,
                len,
                etag: format!("\"{:016x}-jsonl\"", self.stamp),
            }),
            _ => None,
        }
    }

    /// Whether the caller is the one to write the file (it was neither written nor being
    /// written, and the site has a build folder); the state is then `Writing`.
    fn claim(&self) -> bool {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if *state == State::Missing && self.path.is_some() {
            *state = State::Writing;
            true
        } else {
            false
        }
    }

    fn set(&self, new: State) {
        *self.state.lock().unwrap_or_else(|e| e.into_inner()) = new;
    }

    /// A permit to stream on the fly, when fewer than [`LIVE_STREAMS`] run.
    pub fn live_permit(&self) -> Option<OwnedSemaphorePermit> {
        self.live.clone().try_acquire_owned().ok()
    }
}

/// What a download is made from: a site, with its archive and its [`Download`] (the site
/// type lives above this module, which only needs these two).
pub trait Source: Send + Sync + 'static {
    fn archive(&self) -> &Archive;
    fn download(&self) -> &Download;
}

/// Starts writing the file of `site`'s archive on a thread of its own, unless it is written,
/// being written, or has nowhere to go. The thread holds `site` until it is done.
pub fn start_writing(site: Arc<impl Source>) {
    if !site.download().claim() {
        return;
    }
    let spawned = std::thread::Builder::new()
        .name("jsonl-download".into())
        .spawn(move || {
            let download = site.download();
            let path = download.path.as_deref().expect("claimed: it has a path");
            match write_file(site.archive(), path) {
                Ok(len) => {
                    tracing::info!("wrote {} ({len} bytes)", path.display());
                    download.set(State::Ready(len));
                    remove_others(path);
                }
                Err(e) => {
                    tracing::error!("cannot write {}: {e}", path.display());
                    download.set(State::Failed);
                }
            }
        });
    if let Err(e) = spawned {
        tracing::error!("cannot start writing the download: {e}");
    }
}

/// Writes the file beside a temporary name, then renames it into place: a reader meets the
/// whole file or none.
fn write_file(archive: &Archive, path: &Path) -> io::Result<u64> {
    atomic_file::replace(path, Durability::Synced, |out| {
        dataset::write_jsonl_gz(archive, &mut *out)?;
        out.flush()?;
        out.get_ref().metadata().map(|m| m.len())
    })
}

/// Removes the downloads of earlier builds beside `path` (a server still sending one keeps
/// reading it until it is done).
fn remove_others(path: &Path) {
    let (Some(dir), Some(keep)) = (path.parent(), path.file_name()) else {
        return;
    };
    // A site replaced by a live rebuild of the same folder may finish its file after the new
    // site wrote its own: the one of the archive there now stays too.
    let current = file_name(stamp(&compiled::path_in(dir)));
    let Ok(items) = std::fs::read_dir(dir) else {
        return;
    };
    for item in items.flatten() {
        let name = item.file_name();
        let text = name.to_string_lossy();
        let ours = name == keep || text == current;
        if !ours && text.starts_with("archive-") && text.ends_with(".jsonl.gz") {
            let _ = std::fs::remove_file(item.path());
        }
    }
}

fn file_name(stamp: u64) -> String {
    format!("archive-{stamp:016x}.jsonl.gz")
}

/// What names one compiled archive file: its inode, length and time. A build writes a new
/// file (renamed into place), so each build has its own stamp.
pub(super) fn stamp(compiled_path: &Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    let Ok(meta) = std::fs::metadata(compiled_path) else {
        return 0;
    };
    let mut key = Vec::with_capacity(32);
    for n in [
        meta.dev(),
        meta.ino(),
        meta.len(),
        meta.mtime() as u64,
        meta.mtime_nsec() as u64,
    ] {
        key.extend_from_slice(&n.to_le_bytes());
    }
    stable_hash(&key)
}

/// The download made on the fly for one request: a body fed by a thread that writes the
/// gzip of `site`'s archive into a small bounded channel, so that it runs as fast as the
/// client reads and no faster. The permit is held until the stream ends.
pub fn stream(site: Arc<impl Source>, permit: OwnedSemaphorePermit) -> Body {
    let (tx, rx) = mpsc::channel::<io::Result<Bytes>>(4);
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        let mut out = ChannelWriter {
            tx: tx.clone(),
            buffer: Vec::with_capacity(CHUNK),
        };
        let written = dataset::write_jsonl_gz(site.archive(), &mut out);
        if let Err(e) = written {
            // The client went away (the send failed), or the store could not be read: the
            // body then ends with an error, which the client sees as a cut-off download.
            if e.kind() != io::ErrorKind::BrokenPipe {
                tracing::error!("streaming the download: {e}");
                let _ = tx.blocking_send(Err(e));
            }
        }
    });
    Body::from_stream(tokio_stream_from(rx))
}

/// Bytes sent to the client in pieces of about this size.
const CHUNK: usize = 64 * 1024;

struct ChannelWriter {
    tx: mpsc::Sender<io::Result<Bytes>>,
    buffer: Vec<u8>,
}

impl ChannelWriter {
    fn send(&mut self) -> io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(
            &mut self.buffer,
            Vec::with_capacity(CHUNK),
        ));
        self.tx
            .blocking_send(Ok(chunk))
            .map_err(|_| io::Error::from(io::ErrorKind::BrokenPipe))
    }
}

impl Write for ChannelWriter {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.buffer.extend_from_slice(bytes);
        if self.buffer.len() >= CHUNK {
            self.send()?;
        }
        Ok(bytes.len())
    }

    /// Sends what is buffered. The gzip writer calls this once, when it has finished.
    fn flush(&mut self) -> io::Result<()> {
        self.send()
    }
}

/// The receiving end of the channel as a stream of body chunks.
fn tokio_stream_from(
    mut rx: mpsc::Receiver<io::Result<Bytes>>,
) -> impl futures_util::Stream<Item = io::Result<Bytes>> + use<> {
    futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_written_file_removes_the_others_but_that_of_the_archive_there_now() {
        let dir = tempfile::tempdir().unwrap();
        let compiled_path = compiled::path_in(dir.path());
        std::fs::write(&compiled_path, b"the archive a live rebuild wrote").unwrap();
        let current = dir.path().join(file_name(stamp(&compiled_path)));
        let (written, older) = (dir.path().join(file_name(1)), dir.path().join(file_name(2)));
        for path in [&current, &written, &older] {
            std::fs::write(path, b"").unwrap();
        }
        remove_others(&written);
        assert!(written.exists() && current.exists());
        assert!(!older.exists());
    }
}
