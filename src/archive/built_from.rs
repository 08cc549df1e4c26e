//! What a compiled archive was built from ([`Source`], written first in its file by
//! [`super::compiled`]): which articles folder, by which program.

use std::fs;
use std::path::Path;

use serde::{Deserialize, Serialize};

/// What a compiled archive was built from: a build folder holding the archive of another
/// source is not the archive asked for, however new it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    /// The articles folder's canonical path, as the OS's bytes (a folder's name need not be
    /// UTF-8), so that `articles` and `/srv/site/articles` are one folder.
    articles: Vec<u8>,
    /// The arshif that built it. `build` has no flag that changes what is built (`--build-dir`
    /// says where, `--timings` what is printed), so the program is the one build option; a
    /// new flag that shapes the archive belongs here.
    program: String,
}

impl Source {
    /// The source of a build of `articles` by this program; an error when the folder is not
    /// there (then there is nothing to build from either).
    pub fn of(articles: &Path) -> std::io::Result<Source> {
        let canonical = fs::canonicalize(articles)?;
        Ok(Source {
            articles: canonical.into_os_string().into_encoded_bytes(),
            program: env!("CARGO_PKG_VERSION").to_owned(),
        })
    }

    /// The articles folder, for messages.
    pub fn articles(&self) -> String {
        String::from_utf8_lossy(&self.articles).into_owned()
    }

    /// Whether both are builds of the same articles folder (by any program).
    pub fn same_folder(&self, other: &Source) -> bool {
        self.articles == other.articles
    }
}
