//! The per-file step: one file of the articles folder read (a dump refused unread when too
//! large), parsed (a crawl into its pages), its override applied, and a link that leads out
//! of the articles folder refused.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use super::entry::{Entry, Provenance};
use super::id;
use super::overrides::Override;
use super::read_once::{self, Cache};
use super::report::Problem;
use super::scan::file_name;
use crate::capture::warc::Skip;
use crate::capture::{self, Format, Origin, PageError, Served};
use crate::parse::{self, Article};

/// What one file gave: a dump or a saved page one entry at most, a crawl one per page.
#[derive(Debug, Default)]
pub(super) struct FileResult {
    pub(super) entries: Vec<Entry>,
    pub(super) problems: Vec<Problem>,
    /// A crawl's records that are not pages, by kind.
    pub(super) skipped: BTreeMap<Skip, usize>,
}

/// One file parsed, its override applied. `root` is the articles folder, canonical. The
/// entries of a dump or a saved page get their id from the file name later (see
/// [`super::scan::assign_ids`]); a crawl's pages have theirs, from their addresses.
/// `has_override`: whether the listing saw the file's override (only then is one read: a
/// million dumps were a million failed opens of a `.toml`, and an override the listing did
/// not see has no stamp in the build cache either). `started`: a dump's read, when it was
/// started ahead ([`start_dump`]).
pub(super) fn build_one(
    root: Option<&Path>,
    path: &Path,
    is_link: bool,
    format: Format,
    has_override: bool,
    started: Option<Result<read_once::Started, DumpReadError>>,
) -> FileResult {
    let name = file_name(path);
    // A link in articles/ may point anywhere on the machine; only files inside the folder
    // are the archive's to publish.
    if is_link
        && let (Ok(real), Some(root)) = (fs::canonicalize(path), root)
        && !real.starts_with(root)
    {
        return FileResult {
            problems: vec![Problem {
                file: name,
                message: "links outside the articles folder; skipped".into(),
                is_error: true,
            }],
            ..FileResult::default()
        };
    }
    match format {
        Format::Warc => crawl(path, name),
        Format::Text | Format::Html => {
            let bytes = started
                .unwrap_or_else(|| start_dump(path, None, Cache::DropCold))
                .and_then(finish_dump);
            page(path, name, format, bytes, has_override)
        }
    }
}

/// A text dump or a saved page, from its bytes.
fn page(
    path: &Path,
    name: String,
    format: Format,
    bytes: Result<Vec<u8>, DumpReadError>,
    has_override: bool,
) -> FileResult {
    let problem = |message: String, is_error| Problem {
        file: name.clone(),
        message,
        is_error,
    };
    let mut result = FileResult::default();
    let bytes = match bytes {
        Ok(b) => b,
        Err(e) => {
            result.problems.push(problem(e.to_string(), true));
            return result;
        }
    };
    let (read, bytes) = match format {
        Format::Html => (capture::read_html(&bytes, &name, &Served::default()), bytes),
        // The bytes become the text: a copy is kept only where an override may supply the
        // article of a dump that yields none (below).
        _ => {
            let kept = if has_override {
                bytes.clone()
            } else {
                Vec::new()
            };
            (capture::read_text(bytes, &name), kept)
        }
    };

    let over = if has_override {
        read_override(path, &mut result.problems)
    } else {
        None
    };

    let (mut article, text, origin) = match read {
        // A saved page's source view shows its HTML.
        Ok(c) => (c.record.article, c.html.unwrap_or(c.text), c.record.origin),
        Err(e) if over.as_ref().is_some_and(Override::is_complete) => {
            result.problems.push(problem(
                format!("{e}; the override supplies the article"),
                false,
            ));
            let article = Article {
                id: id::from_file_name(&name),
                source: name.clone(),
                ..Article::default()
            };
            let origin = Origin {
                format,
                ..Origin::default()
            };
            (
                article,
                String::from_utf8_lossy(&bytes).into_owned(),
                origin,
            )
        }
        Err(e) => {
            result.problems.push(problem(e.to_string(), true));
            return result;
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
            result.problems.push(problem(
                format!("override sets {}", overridden.join(", ")),
                false,
            ));
        }
    }
    for w in &article.warnings {
        result.problems.push(problem(w.to_string(), false));
    }
    result.entries.push(Entry {
        article,
        note,
        overridden,
        text,
        provenance: Provenance {
            origin,
            others: Vec::new(),
        },
    });
    result
}

/// The override beside `path`, when it can be read and understood; a problem when it cannot
/// be understood.
fn read_override(path: &Path, problems: &mut Vec<Problem>) -> Option<Override> {
    let over_path = path.with_extension("toml");
    let text = fs::read_to_string(&over_path).ok()?;
    match Override::from_toml(&text) {
        Ok(o) => Some(o),
        Err(e) => {
            problems.push(Problem {
                file: file_name(&over_path),
                message: format!("override ignored: {e}"),
                is_error: true,
            });
            None
        }
    }
}

/// A crawl: one entry per page, each with the id of its address. A damaged record is an
/// error naming its offset; a sound page with no article in it (a home or section page, which
/// every crawl fetches) a warning.
fn crawl(path: &Path, name: String) -> FileResult {
    let mut result = FileResult::default();
    let file = match fs::File::open(path) {
        Ok(f) => f,
        Err(e) => {
            result.problems.push(Problem {
                file: name,
                message: format!("cannot read: {e}"),
                is_error: true,
            });
            return result;
        }
    };
    let crawl = capture::read_warc(std::io::BufReader::new(file), &name);
    result.skipped = crawl.skipped;
    for page in crawl.pages {
        let c = match page {
            Ok(c) => c,
            Err(e) => {
                result.problems.push(Problem {
                    file: name.clone(),
                    message: e.to_string(),
                    is_error: matches!(e, PageError::Warc(_)),
                });
                continue;
            }
        };
        let mut article = c.record.article;
        let origin = c.record.origin;
        let at = origin.offset.unwrap_or_default();
        article.id = c
            .target
            .as_deref()
            .and_then(id::from_url)
            .unwrap_or_else(|| id::from_file_name(&format!("{name}-{at}.warc")));
        let url = c.target.as_deref().unwrap_or_default();
        for w in &article.warnings {
            result.problems.push(Problem {
                file: name.clone(),
                message: format!("at offset {at} ({url}): {w}"),
                is_error: false,
            });
        }
        result.entries.push(Entry {
            article,
            note: None,
            overridden: Vec::new(),
            text: c.html.unwrap_or(c.text),
            provenance: Provenance {
                origin,
                others: Vec::new(),
            },
        });
    }
    result
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
/// it is read. A dump read from the disk leaves the page cache as it found it
/// ([`read_once`]).
pub fn read_dump(path: &Path) -> Result<Vec<u8>, DumpReadError> {
    finish_dump(start_dump(path, None, Cache::DropCold)?)
}

/// A dump opened and its read started ([`read_once::start`]), when it is not too large: the
/// first half of [`read_dump`], which a build does a few dumps ahead of the second
/// ([`super::read_ahead`]). `listed` is the length the folder's listing saw, when it saw one:
/// then the file is not asked again (a `statx` a dump, a million at a million dumps). It only
/// sizes the buffer and the non-blocking first read: the read goes on to the file's end, so
/// a file that grew since is read whole, or refused past the limit by the parser.
pub(super) fn start_dump(
    path: &Path,
    listed: Option<u64>,
    cache: Cache,
) -> Result<read_once::Started, DumpReadError> {
    let limit = parse::MAX_DUMP_BYTES as u64;
    let file = fs::File::open(path).map_err(DumpReadError::Io)?;
    let len = match listed {
        Some(len) => len,
        None => file.metadata().map_err(DumpReadError::Io)?.len(),
    };
    if len > limit {
        return Err(DumpReadError::TooLarge(parse::ParseError::TooLarge(len)));
    }
    Ok(read_once::start(
        file,
        Vec::with_capacity(len as usize),
        cache,
    ))
}

/// The read a build starts ahead of a file's parse ([`super::read_ahead`]): a dump's or a
/// saved page's, not a crawl's (read as a stream) nor a link's (whose target is checked first).
pub(super) fn start_ahead(
    path: &Path,
    format: Format,
    is_link: bool,
    listed: Option<u64>,
    cache: Cache,
) -> Option<Result<read_once::Started, DumpReadError>> {
    (format != Format::Warc && !is_link).then(|| start_dump(path, listed, cache))
}

/// The second half of [`read_dump`]: the rest of the dump read, up to one byte past the limit
/// (so that a dump grown past it is refused by the parser).
fn finish_dump(started: read_once::Started) -> Result<Vec<u8>, DumpReadError> {
    started
        .finish(parse::MAX_DUMP_BYTES as u64 + 1)
        .map_err(DumpReadError::Io)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The listing's length only sizes the first read: a dump that grew since it was listed
    /// is read whole.
    #[test]
    fn a_dump_longer_than_listed_is_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let dump = dir.path().join("a.txt");
        let text = "عنوان\nنص أطول مما رآه الفهرس\n".repeat(50);
        fs::write(&dump, &text).unwrap();
        for listed in [0, 3, text.len() as u64 / 2, text.len() as u64] {
            let bytes =
                finish_dump(start_dump(&dump, Some(listed), Cache::DropCold).unwrap()).unwrap();
            assert_eq!(bytes, text.as_bytes(), "listed {listed}");
        }
    }

    /// The build reads an override only when the listing saw it, so a `.toml` that came
    /// after the listing (and has no stamp in the build cache) waits for the next build. The
    /// dump it supplies the article of keeps its text (the parser took its bytes).
    #[test]
    fn an_override_is_read_only_when_the_listing_saw_it() {
        let dir = tempfile::tempdir().unwrap();
        let dump = dir.path().join("a.txt");
        let text = "سطر واحد لا مقال فيه\n";
        fs::write(&dump, text).unwrap();
        fs::write(dir.path().join("a.toml"), "title = \"ع\"\nbody = [\"ب\"]\n").unwrap();
        let built = |seen| build_one(None, &dump, false, Format::Text, seen, None);
        let seen = built(true);
        assert_eq!(seen.entries.len(), 1);
        assert_eq!(seen.entries[0].article.title, "ع");
        assert_eq!(seen.entries[0].text, text);
        let unseen = built(false);
        assert!(unseen.entries.is_empty());
        assert!(unseen.problems.iter().any(|p| p.is_error));
    }
}
