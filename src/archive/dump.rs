//! The per-dump step: one dump read (refused unread when too large), parsed, its override
//! applied, and a link that leads out of the articles folder refused.

use std::fs;
use std::path::Path;

use super::entry::Entry;
use super::id;
use super::overrides::Override;
use super::report::Problem;
use super::scan::file_name;
use crate::parse::{self, Article};

/// One dump parsed, its override applied. `root` is the articles folder, canonical.
pub(super) fn build_one(
    root: Option<&Path>,
    path: &Path,
    is_link: bool,
) -> (Option<Entry>, Vec<Problem>) {
    let name = file_name(path);
    let problem = |message: String, is_error| Problem {
        file: name.clone(),
        message,
        is_error,
    };
    let mut problems = Vec::new();

    // A link in articles/ may point anywhere on the machine; only files inside the folder
    // are the archive's to publish.
    if is_link
        && let (Ok(real), Some(root)) = (fs::canonicalize(path), root)
        && !real.starts_with(root)
    {
        problems.push(problem(
            "links outside the articles folder; skipped".into(),
            true,
        ));
        return (None, problems);
    }

    let bytes = match read_dump(path) {
        Ok(b) => b,
        Err(e) => {
            problems.push(problem(e.to_string(), true));
            return (None, problems);
        }
    };
    let parsed = parse::parse_file(&bytes, &name);

    let over_path = path.with_extension("toml");
    let over = match fs::read_to_string(&over_path) {
        Ok(text) => match Override::from_toml(&text) {
            Ok(o) => Some(o),
            Err(e) => {
                let over_name = file_name(&over_path);
                problems.push(Problem {
                    file: over_name,
                    message: format!("override ignored: {e}"),
                    is_error: true,
                });
                None
            }
        },
        Err(_) => None,
    };

    let (mut article, text) = match parsed {
        Ok(p) => (p.article, p.text),
        Err(e) if over.as_ref().is_some_and(Override::is_complete) => {
            problems.push(problem(
                format!("{e}; the override supplies the article"),
                false,
            ));
            let article = Article {
                id: id::from_file_name(&name),
                source: name.clone(),
                ..Article::default()
            };
            (article, String::from_utf8_lossy(&bytes).into_owned())
        }
        Err(e) => {
            problems.push(problem(e.to_string(), true));
            return (None, problems);
        }
    };

    let mut note = None;
    let mut overridden = Vec::new();
    if let Some(mut o) = over {
        note = o.note.take();
        overridden = o
            .apply(&mut article)
            .into_iter()
            .map(String::from)
            .collect();
        if !overridden.is_empty() {
            problems.push(problem(
                format!("override sets {}", overridden.join(", ")),
                false,
            ));
        }
    }
    for w in &article.warnings {
        problems.push(problem(w.clone(), false));
    }
    (
        Some(Entry {
            article,
            note,
            overridden,
            text,
        }),
        problems,
    )
}

/// Why a dump's bytes could not be had.
#[derive(Debug, thiserror::Error)]
pub enum DumpReadError {
    #[error(transparent)]
    TooLarge(parse::ParseError),
    #[error("cannot read: {0}")]
    Io(std::io::Error),
}

/// A dump's bytes, unless it is over [`parse::MAX_DUMP_BYTES`]: then not even read, so a
/// huge file costs no memory. The read stops at the limit too, for a file that grows while
/// it is read.
pub fn read_dump(path: &Path) -> Result<Vec<u8>, DumpReadError> {
    use std::io::Read;
    let limit = parse::MAX_DUMP_BYTES as u64;
    let file = fs::File::open(path).map_err(DumpReadError::Io)?;
    let len = file.metadata().map_err(DumpReadError::Io)?.len();
    if len > limit {
        return Err(DumpReadError::TooLarge(parse::ParseError::TooLarge(len)));
    }
    let mut bytes = Vec::with_capacity(len as usize);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(DumpReadError::Io)?;
    Ok(bytes)
}
