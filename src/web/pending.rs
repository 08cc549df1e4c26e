//! What the watcher of the articles folder saw change since the last rebuild began
//! ([`Pending`]): the names of `.txt` dumps, or that any file may have; and whether the
//! start-up check vouched for the folder, so that the first rebuild may be told the names too.

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::path::Path;
use std::sync::{Arc, Mutex};

use notify::EventKind;

use crate::archive::Changes;
use crate::capture::Format;

/// What the watcher saw change since the last rebuild began: the names of `.txt` dumps, or
/// that any file may have (`unknown`). Taken whole by each rebuild ([`Pending::take`]).
#[derive(Debug)]
pub(super) struct Pending {
    /// Whether a watcher reports changes at all: without one every rebuild looks at every file.
    watching: bool,
    unknown: bool,
    names: BTreeSet<OsString>,
    /// `Some` until the first take: then `Some(stamp)` once the start-up check vouched for
    /// the folder ([`Pending::vouch`]).
    first: Option<Option<u64>>,
}

/// What one path of a watcher's event is to a build.
#[derive(Debug, PartialEq)]
enum Input {
    /// A `.txt` dump, by its name in the folder.
    Dump(OsString),
    /// Another file a build reads (an override, `about.md`, an HTML page or a crawl): told by
    /// name, only `.txt` dumps are, so any other makes the whole folder looked at.
    Other,
    /// Not read by a build (an editor's swap file).
    Ignored,
}

fn input(path: &Path) -> Input {
    let Some(name) = path.file_name() else {
        return Input::Ignored;
    };
    let bytes = name.as_encoded_bytes();
    match Format::of_bytes(bytes) {
        Some(Format::Text) => Input::Dump(name.to_owned()),
        Some(_) => Input::Other,
        None if path.extension().is_some_and(|e| e == "toml") || name == "about.md" => Input::Other,
        None => Input::Ignored,
    }
}

impl Pending {
    /// The first rebuild after a start looks at every file, unless the start-up check vouched
    /// for the folder first ([`Pending::vouch`]).
    pub(super) fn new(watching: bool) -> Pending {
        Pending {
            watching,
            unknown: false,
            names: BTreeSet::new(),
            first: Some(None),
        }
    }

    /// Notes what `event` changed; whether it concerns the archive (a rebuild is wanted).
    pub(super) fn note(&mut self, event: &notify::Event) -> bool {
        if matches!(event.kind, EventKind::Access(_)) {
            return false;
        }
        // An event without paths (the watcher rescanned) may hide any change.
        if event.paths.is_empty() {
            self.unknown = true;
            return true;
        }
        let mut concerns = false;
        for path in &event.paths {
            match input(path) {
                Input::Dump(name) => {
                    self.names.insert(name);
                    concerns = true;
                }
                Input::Other => {
                    self.unknown = true;
                    concerns = true;
                }
                Input::Ignored => {}
            }
        }
        concerns
    }

    /// The watcher lost track (an overflow, an error), or something asks for a whole look
    /// (SIGHUP, the start-up check, a failed rebuild).
    pub(super) fn lost_track(&mut self) {
        self.unknown = true;
    }

    /// The start-up check, begun once the watch was, found every file of the folder as the
    /// build folder's last listing found it, that listing being the one of the compiled
    /// archive stamped `stamp` ([`download::stamp`], taken before the check):
    /// [`crate::archive::folder_is_as_listed`] argues why the first rebuild may then be told
    /// the watcher's names. Too late once a rebuild has begun (it looked at every file).
    pub(super) fn vouch(&mut self, stamp: u64) {
        if let Some(first) = &mut self.first {
            *first = Some(stamp);
        }
    }

    /// The start-up check, begun once the watch was, found a file not as the last listing
    /// found it: the first rebuild is to look at every file; whether it is still to come (a
    /// rebuild begun since looked at every file: the change was before the watch, so before
    /// its listing, or after, and then an event).
    pub(super) fn found_stale(&mut self) -> bool {
        let to_come = self.first.is_some();
        self.unknown |= to_come;
        to_come
    }

    /// What changed since the last take, and for the first, the stamp of the compiled
    /// archive the start-up check vouched for (the rebuild is told the names only if the
    /// folder still holds that one); from now on, what changes after it.
    pub(super) fn take(&mut self) -> (Changes, Option<u64>) {
        let names = std::mem::take(&mut self.names);
        let unknown = std::mem::replace(&mut self.unknown, false);
        let (first, vouched) = match self.first.take() {
            Some(vouched) => (true, vouched),
            None => (false, None),
        };
        match unknown || !self.watching || (first && vouched.is_none()) {
            true => (Changes::Unknown, None),
            false => (Changes::Names(names), vouched),
        }
    }
}

pub(super) type Shared = Arc<Mutex<Pending>>;

pub(super) fn lock(pending: &Shared) -> std::sync::MutexGuard<'_, Pending> {
    // A panic while holding it left a set at worst too small to be trusted: look at all.
    pending.lock().unwrap_or_else(|poisoned| {
        let mut pending = poisoned.into_inner();
        pending.lost_track();
        pending
    })
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    fn event(kind: EventKind, path: &str) -> notify::Event {
        notify::Event::new(kind).add_path(PathBuf::from(path))
    }

    fn names(names: &[&str]) -> Changes {
        Changes::Names(names.iter().map(OsString::from).collect())
    }

    #[test]
    fn only_the_archives_inputs_matter_and_only_txt_dumps_by_name() {
        use notify::event::{AccessKind, CreateKind, ModifyKind, RemoveKind};
        let modify = EventKind::Modify(ModifyKind::Any);
        let mut pending = Pending::new(true);
        pending.take();
        assert!(pending.note(&event(modify, "/a/x.txt")));
        assert!(!pending.note(&event(modify, "/a/.x.txt.swp")));
        assert!(!pending.note(&event(modify, "/a/notes.md")));
        assert!(!pending.note(&event(EventKind::Access(AccessKind::Any), "/a/y.txt")));
        assert!(pending.note(&event(EventKind::Remove(RemoveKind::File), "/a/z.TXT")));
        assert_eq!(pending.take().0, names(&["x.txt", "z.TXT"]));
        for other in [
            "/a/x.toml",
            "/a/about.md",
            "/a/page.html",
            "/a/crawl.warc.gz",
        ] {
            assert!(pending.note(&event(EventKind::Create(CreateKind::File), other)));
            assert_eq!(pending.take().0, Changes::Unknown, "{other}");
        }
        // An event without paths (the watcher rescanned) may hide any change.
        assert!(pending.note(&notify::Event::new(EventKind::Any)));
        assert_eq!(pending.take().0, Changes::Unknown);
    }

    #[test]
    fn a_rename_names_both_files() {
        use notify::event::{ModifyKind, RenameMode};
        let mut pending = Pending::new(true);
        pending.take();
        let rename = notify::Event::new(EventKind::Modify(ModifyKind::Name(RenameMode::Both)))
            .add_path(PathBuf::from("/a/old.txt"))
            .add_path(PathBuf::from("/a/new.txt"));
        assert!(pending.note(&rename));
        assert_eq!(pending.take().0, names(&["new.txt", "old.txt"]));
    }

    #[test]
    fn the_set_starts_unknown_and_each_take_starts_it_again() {
        use notify::event::ModifyKind;
        let modify = EventKind::Modify(ModifyKind::Any);
        let mut pending = Pending::new(true);
        pending.note(&event(modify, "/a/x.txt"));
        // The first rebuild after a start looks at every file.
        assert_eq!(pending.take().0, Changes::Unknown);
        assert_eq!(pending.take().0, names(&[]));
        pending.note(&event(modify, "/a/x.txt"));
        pending.note(&event(modify, "/a/x.txt"));
        assert_eq!(pending.take().0, names(&["x.txt"]));
        // An overflow (or SIGHUP, the start-up check, a failed rebuild) lists everything,
        // whatever was named before or after it, once.
        pending.note(&event(modify, "/a/x.txt"));
        pending.lost_track();
        pending.note(&event(modify, "/a/y.txt"));
        assert_eq!(pending.take().0, Changes::Unknown);
        pending.note(&event(modify, "/a/y.txt"));
        assert_eq!(pending.take().0, names(&["y.txt"]));
    }

    #[test]
    fn without_a_watcher_every_rebuild_looks_at_every_file() {
        let mut pending = Pending::new(false);
        pending.vouch(7);
        assert_eq!(pending.take(), (Changes::Unknown, None));
        assert_eq!(pending.take().0, Changes::Unknown);
    }

    /// The start-up check's vouching tells the first rebuild the names seen since the watch
    /// began, and the stamp it vouched for; not once a rebuild began, nor past a lost track.
    #[test]
    fn a_vouched_start_tells_the_first_rebuild_the_names() {
        use notify::event::ModifyKind;
        let modify = EventKind::Modify(ModifyKind::Any);
        let mut pending = Pending::new(true);
        pending.note(&event(modify, "/a/x.txt"));
        pending.vouch(7);
        pending.note(&event(modify, "/a/y.txt"));
        assert_eq!(pending.take(), (names(&["x.txt", "y.txt"]), Some(7)));
        // Too late: a rebuild began.
        pending.vouch(8);
        assert_eq!(pending.take(), (names(&[]), None));

        let mut pending = Pending::new(true);
        pending.vouch(7);
        pending.lost_track();
        assert_eq!(pending.take(), (Changes::Unknown, None));

        // Found stale before the first rebuild: it looks at every file; after, nothing more
        // (that rebuild looked at every file).
        let mut pending = Pending::new(true);
        assert!(pending.found_stale());
        assert_eq!(pending.take(), (Changes::Unknown, None));
        assert!(!pending.found_stale());
        assert_eq!(pending.take(), (names(&[]), None));

        // Not vouched before the first take (the check still running): every file.
        let mut pending = Pending::new(true);
        pending.note(&event(modify, "/a/x.txt"));
        assert_eq!(pending.take(), (Changes::Unknown, None));
        pending.vouch(7);
        assert_eq!(pending.take(), (names(&[]), None));
    }
}
