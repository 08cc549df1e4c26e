//! `arshif export --jsonl FILE`: every article as JSON Lines (`archive::dataset`), to a file
//! (gzip when its name ends in `.gz`) or to standard output (`-`).

use std::io::{self, Write};
use std::path::Path;

use anyhow::Context;

use crate::archive::{Archive, dataset};

/// Writes `archive` to `path`; gives back how many articles. A file is written beside its
/// name and renamed into place, so a reader never meets half of one.
pub fn write(archive: &Archive, path: &Path) -> anyhow::Result<usize> {
    if path == Path::new("-") {
        let mut out = io::BufWriter::new(io::stdout().lock());
        let n = dataset::write_jsonl(archive, &mut out).context("writing to stdout")?;
        out.flush().context("writing to stdout")?;
        return Ok(n);
    }
    let gzip = path.extension().is_some_and(|e| e == "gz");
    let mut tmp_name = path.as_os_str().to_owned();
    tmp_name.push(format!(".tmp{}", std::process::id()));
    let tmp = Path::new(&tmp_name);
    let result = (|| {
        let mut file = std::fs::File::create(tmp)?;
        let n = if gzip {
            dataset::write_jsonl_gz(archive, &mut file)?
        } else {
            let mut out = io::BufWriter::new(&mut file);
            let n = dataset::write_jsonl(archive, &mut out)?;
            out.flush()?;
            n
        };
        file.sync_all()?;
        std::fs::rename(tmp, path)?;
        Ok::<_, io::Error>(n)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(tmp);
    }
    result.with_context(|| format!("cannot write {}", path.display()))
}
