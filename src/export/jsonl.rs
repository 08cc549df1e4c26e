//! `arshif export --jsonl FILE`: every article as JSON Lines (`archive::dataset`), to a file
//! (gzip when its name ends in `.gz`) or to standard output (`-`).

use std::io::{self, Write};
use std::path::Path;

use anyhow::Context;

use crate::archive::atomic_file::{self, Durability};
use crate::archive::{Archive, dataset};

/// Writes `archive` to `path`; gives back how many articles. A file is written beside its
/// name and renamed into place, so a reader never meets half of one; a device or a FIFO
/// (`/dev/null`, a pipe to another program) is written into ([`atomic_file::replace_named`]).
pub fn write(archive: &Archive, path: &Path) -> anyhow::Result<usize> {
    if path == Path::new("-") {
        let mut out = io::BufWriter::new(io::stdout().lock());
        let n = dataset::write_jsonl(archive, &mut out).context("writing to stdout")?;
        out.flush().context("writing to stdout")?;
        return Ok(n);
    }
    let gzip = path.extension().is_some_and(|e| e == "gz");
    let result = atomic_file::replace_named(path, Durability::Synced, |out| {
        if gzip {
            dataset::write_jsonl_gz(archive, &mut *out)
        } else {
            dataset::write_jsonl(archive, out)
        }
    });
    result.with_context(|| format!("cannot write {}", path.display()))
}
