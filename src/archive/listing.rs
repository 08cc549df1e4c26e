//! A folder's files listed as a build needs them: every name read into one buffer and each
//! wanted one stamped by a stat relative to the open folder, on all cores, a batch at a time
//! as the folder is read; then sorted by their bytes, each made into its item in its place in
//! the list ([`Stamped::sorted`]), or read where they lie ([`Stamped::par_runs`]).
//!
//! At a million dumps the listing was above the `+1`'s whole aim by itself. The stats are
//! most of it and stay (a file rewritten in place changes nothing but its own inode), so what
//! goes is around them: `std::fs::ReadDir` allocates each name twice (the entry's and the
//! `OsString` asked of it) and `par_bridge` takes a lock per name; the stamped names were
//! gathered in rayon's lists, copied into one vector and sorted as 150-byte items.

use std::ffi::{CStr, OsString};
use std::io;
use std::path::Path;

use rayon::prelude::*;

use super::prefetch::{NAMES_AHEAD as AHEAD, prefetch};
use super::stamp::Stamp;
use super::str_order;

/// What the listing keeps of a name.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Wanted {
    /// Listed: sorted, stamped on all cores and made into an item.
    Listed,
    /// Stamped on its own and handed back aside (a few files, such as overrides).
    Aside,
    /// Neither: not even stamped.
    No,
}

/// One listed file, as its item is made from it.
pub(super) struct Listed<'a> {
    /// The name as the folder holds it (UTF-8 or not).
    pub(super) name: &'a [u8],
    /// A symbolic link, whose stamp is its target's.
    pub(super) is_link: bool,
    /// The file has this one name (not a link, one hard link): a watcher of the folder sees
    /// every change of it under this name (`super::watched`).
    pub(super) one_name: bool,
    /// `None` when the file could not even be looked at.
    pub(super) stamp: Option<Stamp>,
}

/// The files set aside, with their stamps.
pub(super) type Aside = Vec<(OsString, Stamp)>;

/// The files of `dir` that `wanted` lists, sorted by their names' bytes (the paths' order in
/// one folder) and each made by `make` on rayon's threads, and those it sets aside with their
/// stamps (unless they could not be looked at), in the folder's order.
#[cfg(test)]
fn list<T: Send>(
    dir: &Path,
    wanted: impl Fn(&[u8]) -> Wanted,
    make: impl Fn(Listed<'_>) -> T + Sync,
) -> io::Result<(Vec<T>, Aside)> {
    let (stamped, aside) = read(dir, wanted)?;
    Ok((stamped.sorted(make), aside))
}

/// The files of `dir` that `wanted` lists, each stamped, in the folder's order (not sorted:
/// [`Stamped::sorted`]), and those it sets aside with their stamps.
pub(super) fn read(dir: &Path, wanted: impl Fn(&[u8]) -> Wanted) -> io::Result<(Stamped, Aside)> {
    let folder = open(dir)?;
    // The names are stamped a batch at a time on rayon's threads while this one reads on,
    // as `par_bridge` did: the folder's reading is a tenth of the listing at a million and
    // would otherwise come before any stat.
    let (stamped, batches) = std::sync::mpsc::channel();
    let mut aside = Vec::new();
    rayon::in_place_scope(|scope| {
        let stamp_all = |batch: Batch| {
            let stamped = stamped.clone();
            let folder = &folder;
            scope.spawn(move |_| {
                let stamps = (0..batch.len()).map(|i| looked(stamp(folder, batch.c_name(i))));
                let _ = stamped.send((stamps.collect::<Vec<_>>(), batch));
            });
        };
        let mut batch = Batch::default();
        read_names(&folder, |name| match wanted(name.to_bytes()) {
            Wanted::Listed => {
                batch.push(name);
                if batch.len() == Batch::NAMES {
                    stamp_all(std::mem::take(&mut batch));
                }
            }
            Wanted::Aside => aside.push(name.to_bytes().to_vec()),
            Wanted::No => {}
        })?;
        stamp_all(batch);
        io::Result::Ok(())
    })?;
    drop(stamped);
    let batches = batches.into_iter().collect();
    let aside = aside
        .into_iter()
        .filter_map(|name| {
            let stamp = looked(stamp_bytes(&folder, &name)).2?;
            Some((os_string(name), stamp))
        })
        .collect();
    Ok((Stamped { batches }, aside))
}

/// What one stat gave a listed name: whether it is a link, whether it has one name, its stamp.
type Look = (bool, bool, Option<Stamp>);

/// The listed names, each stamped, in batches in the order the folder gave them.
pub(super) struct Stamped {
    batches: Vec<(Vec<Look>, Batch)>,
}

impl Stamped {
    /// The batches, each as a run of listed names, on rayon's threads.
    pub(super) fn par_runs(&self) -> impl IndexedParallelIterator<Item = Run<'_>> {
        (self.batches.par_iter()).map(|(stamps, batch)| Run { stamps, batch })
    }

    /// Each listed name made by `make`, in the order of their bytes, on rayon's threads.
    pub(super) fn sorted<T: Send>(self, make: impl Fn(Listed<'_>) -> T + Sync) -> Vec<T> {
        let batches = self.batches;
        // Each listed name as (its first bytes, (its batch, its place there)): sorted through
        // its first bytes beside it, as 16-byte items ([`str_order`]).
        let len = batches.iter().map(|(_, batch)| batch.len()).sum();
        let mut listed: Vec<(u64, (u32, u32))> = Vec::with_capacity(len);
        for (b, (_, batch)) in batches.iter().enumerate() {
            listed.extend(
                (0..batch.len()).map(|i| (str_order::prefix(batch.name(i)), (b as u32, i as u32))),
            );
        }
        let name_of = |&(b, i): &(u32, u32)| batches[b as usize].1.name(i as usize);
        // Names in one folder are unique: the unstable sort's order is the only one.
        str_order::par_sort(&mut listed, |a, b| name_of(a).cmp(name_of(b)));
        // In name order each name is in a batch at random, out of the caches (a miss for its
        // stamp, its end and its bytes, every name, at a million): the stamp and end of the
        // name `AHEAD` places on are asked for, and the bytes of the one half as far, whose
        // end came before.
        let at = |k: usize| {
            listed
                .get(k)
                .map(|&(_, (b, i))| (&batches[b as usize], i as usize))
        };
        (listed.par_iter().enumerate())
            .with_min_len(256)
            .map(|(k, &(_, (b, i)))| {
                if let Some(((stamps, batch), i)) = at(k + AHEAD) {
                    prefetch(stamps, i);
                    prefetch(&batch.ends, i.saturating_sub(1));
                }
                if let Some(((_, batch), i)) = at(k + AHEAD / 2) {
                    prefetch(&batch.bytes, batch.start(i));
                }
                let (stamps, batch) = &batches[b as usize];
                make(Run { stamps, batch }.listed(i as usize))
            })
            .collect()
    }
}

/// One batch of listed names, in the folder's order.
#[derive(Clone, Copy)]
pub(super) struct Run<'a> {
    stamps: &'a [Look],
    batch: &'a Batch,
}

impl<'a> Run<'a> {
    pub(super) fn len(&self) -> usize {
        self.batch.len()
    }

    /// Its name `i`'s bytes.
    pub(super) fn name(&self, i: usize) -> &'a [u8] {
        self.batch.name(i)
    }

    /// Its name `i` as the listing found it.
    pub(super) fn listed(&self, i: usize) -> Listed<'a> {
        let (is_link, one_name, stamp) = self.stamps[i];
        Listed {
            name: self.name(i),
            is_link,
            one_name,
            stamp,
        }
    }
}

/// A stat as the listing keeps it: a name listed but not there any more (gone since the folder
/// was read) is listed unstamped, like one that cannot be looked at.
fn looked(stat: io::Result<Looked>) -> (bool, bool, Option<Stamp>) {
    stat.map_or((false, false, None), |l| (l.is_link, l.one_name, l.stamp))
}

/// What one stat of a name found.
pub(super) struct Looked {
    pub(super) is_link: bool,
    pub(super) one_name: bool,
    /// `None` when a link's target cannot be looked at.
    pub(super) stamp: Option<Stamp>,
}

/// Each of `names` of `dir` as [`list`] finds it, `None` where the folder holds no such name;
/// one stat a name and no reading of the folder (the names a watcher saw change, for a
/// listing made from the last one: `super::watched`). Any other failure to look is an error,
/// with the name (none when the folder cannot be opened): whether the folder lists the name
/// is not known then.
pub(super) fn look_at<'a>(
    dir: &Path,
    names: impl Iterator<Item = &'a [u8]>,
) -> Result<Vec<Option<Listed<'a>>>, (&'a [u8], io::Error)> {
    let folder = open(dir).map_err(|e| (&b""[..], e))?;
    names
        .map(|name| match stamp_bytes(&folder, name) {
            Ok(l) => Ok(Some(Listed {
                name,
                is_link: l.is_link,
                one_name: l.one_name,
                stamp: l.stamp,
            })),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err((name, e)),
        })
        .collect()
}

/// Names read one after another, stamped together.
struct Batch {
    /// Each name followed by its NUL, as the folder gave it: the stat takes it as it lies.
    /// Given as bytes, rustix copied every name onto the stack to end it, and checked it
    /// again, a million times a `+1` on the cores the stats keep busy; ended here, the
    /// stats took a fifth fewer samples (the kernel's entry and copies with them) and the
    /// million's `+1` 0.29 s less (notes/build-bench.md, session 68).
    bytes: Vec<u8>,
    /// Where each name's NUL is in `bytes` (a batch holds at most `NAMES` names of at most
    /// 255 bytes: under 2^32).
    ends: Vec<u32>,
}

impl Default for Batch {
    /// Sized once: grown by copying, a million names' batches were 808 of the listing's 984
    /// fresh pages at 100,000 (session 41). Room a page does not use is never touched.
    fn default() -> Batch {
        Batch {
            bytes: Vec::with_capacity(Batch::NAMES * Batch::NAME_BYTES),
            ends: Vec::with_capacity(Batch::NAMES),
        }
    }
}

impl Batch {
    /// Enough names that a batch's stats outweigh its handing over; few enough that the
    /// other threads start at once (a million names are 245 batches).
    const NAMES: usize = 4096;
    /// Room for a name at first: a dump's name is some 30 bytes; longer ones grow it.
    const NAME_BYTES: usize = 48;

    fn push(&mut self, name: &CStr) {
        let name = name.to_bytes_with_nul();
        self.bytes.extend_from_slice(name);
        self.ends.push((self.bytes.len() - 1) as u32);
    }

    fn len(&self) -> usize {
        self.ends.len()
    }

    fn name(&self, i: usize) -> &[u8] {
        &self.bytes[self.start(i)..self.ends[i] as usize]
    }

    /// Name `i` with its NUL.
    fn c_name(&self, i: usize) -> &CStr {
        let with_nul = &self.bytes[self.start(i)..=self.ends[i] as usize];
        // Pushed from a `CStr`: a check of its 30-odd bytes, never failing.
        CStr::from_bytes_with_nul(with_nul).unwrap_or_default()
    }

    /// Where name `i` begins in `bytes`.
    fn start(&self, i: usize) -> usize {
        if i == 0 {
            0
        } else {
            self.ends[i - 1] as usize + 1
        }
    }
}

fn os_string(name: Vec<u8>) -> OsString {
    use std::os::unix::ffi::OsStringExt;
    OsString::from_vec(name)
}

#[cfg(target_os = "linux")]
pub use linux::STAMP_FIELDS;
#[cfg(target_os = "linux")]
use linux::{open, read_names, stamp, stamp_bytes};

#[cfg(target_os = "linux")]
mod linux {
    use std::ffi::CStr;
    use std::io;
    use std::path::Path;

    use rustix::fd::OwnedFd;
    use rustix::fs::{AtFlags, CWD, FileType, Mode, OFlags, RawDir, StatxFlags};
    use rustix::path::Arg;

    use super::Looked;
    use crate::archive::stamp::Stamp;

    pub(super) type Folder = OwnedFd;

    /// The fields of a stat a listed file's stamp is made of, and the count of its links (the
    /// same stat, filled by the same call): all a listing asks the kernel for.
    pub const STAMP_FIELDS: StatxFlags = StatxFlags::TYPE
        .union(StatxFlags::SIZE)
        .union(StatxFlags::MTIME)
        .union(StatxFlags::CTIME)
        .union(StatxFlags::INO)
        .union(StatxFlags::NLINK);

    pub(super) fn open(dir: &Path) -> io::Result<Folder> {
        let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
        Ok(rustix::fs::openat(CWD, dir, flags, Mode::empty())?)
    }

    /// Every name of `folder` but `.` and `..`, in the folder's order, read into one buffer
    /// by `getdents64` (a few hundred calls at a million names, where `ReadDir`'s 32 KiB
    /// buffer took 1,472) and handed to `each` where they lie.
    pub(super) fn read_names(folder: &Folder, mut each: impl FnMut(&CStr)) -> io::Result<()> {
        // An entry is at most 280 bytes (a name is at most 255): this never comes short.
        let mut buf = Vec::with_capacity(256 << 10);
        let mut entries = RawDir::new(folder, buf.spare_capacity_mut());
        while let Some(entry) = entries.next() {
            let entry = entry?;
            let name = entry.file_name();
            if !matches!(name.to_bytes(), b"." | b"..") {
                each(name);
            }
        }
        Ok(())
    }

    /// Whether `name` in `folder` is a link or has other names, and its stamp (a link's
    /// target's). Asks the kernel for the stamp's fields alone (and the count of links: the
    /// same stat, filled by the same call), relative to the open folder (no path made). An
    /// error when `name` itself cannot be looked at.
    pub(super) fn stamp(folder: &Folder, name: &CStr) -> io::Result<Looked> {
        stamp_of(folder, name)
    }

    /// [`stamp`] of a name not ended by a NUL (copied to end it).
    pub(super) fn stamp_bytes(folder: &Folder, name: &[u8]) -> io::Result<Looked> {
        stamp_of(folder, name)
    }

    fn stamp_of(folder: &Folder, name: impl Arg + Copy) -> io::Result<Looked> {
        let at = |flags| rustix::fs::statx(folder, name, flags, STAMP_FIELDS);
        let own = at(AtFlags::SYMLINK_NOFOLLOW)?;
        let is_link = FileType::from_raw_mode(own.stx_mode.into()) == FileType::Symlink;
        let one_name = !is_link && own.stx_nlink == 1;
        // Retargeting a link or changing its target is a change: its stamp is the target's.
        let st = if is_link {
            at(AtFlags::empty()).ok()
        } else {
            Some(own)
        };
        let stamp = st.map(|s| {
            Stamp::of_parts(
                s.stx_size,
                (s.stx_mtime.tv_sec, s.stx_mtime.tv_nsec),
                (s.stx_ctime.tv_sec, s.stx_ctime.tv_nsec),
                s.stx_ino,
            )
        });
        Ok(Looked {
            is_link,
            one_name,
            stamp,
        })
    }
}

#[cfg(not(target_os = "linux"))]
use portable::{open, read_names, stamp, stamp_bytes};

/// Elsewhere, the same through `std::fs` (a path a name).
#[cfg(not(target_os = "linux"))]
mod portable {
    use std::ffi::{CStr, CString};
    use std::fs;
    use std::io;
    use std::path::{Path, PathBuf};

    use super::Looked;
    use crate::archive::stamp::Stamp;

    pub(super) type Folder = PathBuf;

    pub(super) fn open(dir: &Path) -> io::Result<Folder> {
        Ok(dir.to_path_buf())
    }

    pub(super) fn read_names(folder: &Folder, mut each: impl FnMut(&CStr)) -> io::Result<()> {
        for item in fs::read_dir(folder)? {
            let name = item?.file_name().into_encoded_bytes();
            // A name holds no NUL.
            if let Ok(name) = CString::new(name) {
                each(&name);
            }
        }
        Ok(())
    }

    pub(super) fn stamp(folder: &Folder, name: &CStr) -> io::Result<Looked> {
        stamp_bytes(folder, name.to_bytes())
    }

    /// Never `one_name`: without a count of links, nothing is listed by name alone.
    pub(super) fn stamp_bytes(folder: &Folder, name: &[u8]) -> io::Result<Looked> {
        let path = folder.join(super::os_string(name.to_vec()));
        let own = fs::symlink_metadata(&path)?;
        let is_link = own.file_type().is_symlink();
        let meta = if is_link {
            fs::metadata(&path).ok()
        } else {
            Some(own)
        };
        Ok(Looked {
            is_link,
            one_name: false,
            stamp: meta.map(|m| Stamp::of(&m)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn stamp_of(path: &Path) -> Option<Stamp> {
        fs::metadata(path).ok().map(|m| Stamp::of(&m))
    }

    #[test]
    fn a_batch_gives_each_name_back_with_and_without_its_nul() {
        let mut batch = Batch::default();
        let names = [c"a.txt", c"", c"\xd9\x85.html", c"b"];
        for name in names {
            batch.push(name);
        }
        assert_eq!(batch.len(), names.len());
        for (i, name) in names.iter().enumerate() {
            assert_eq!(batch.c_name(i), *name);
            assert_eq!(batch.name(i), name.to_bytes());
        }
    }

    #[test]
    fn names_of_several_batches_are_sorted_together() {
        let dir = tempfile::tempdir().unwrap();
        // Written in reverse and hashed into the folder's order: each batch holds names from
        // all over the sorted list.
        let n = 2 * Batch::NAMES + 3;
        for i in (0..n).rev() {
            fs::write(dir.path().join(format!("{i:05}.txt")), i.to_string()).unwrap();
        }
        let (items, _) = list(
            dir.path(),
            |_| Wanted::Listed,
            |l| (String::from_utf8(l.name.to_vec()).unwrap(), l.stamp),
        )
        .unwrap();
        let expected: Vec<_> = (0..n)
            .map(|i| format!("{i:05}.txt"))
            .map(|name| (name.clone(), stamp_of(&dir.path().join(&name))))
            .collect();
        assert_eq!(items, expected);
    }

    #[test]
    fn names_are_sorted_by_bytes_and_stamped_as_std_stamps_them() {
        let dir = tempfile::tempdir().unwrap();
        let p = |n: &str| dir.path().join(n);
        for (name, text) in [
            ("b.txt", "b"),
            ("a.txt", "a a"),
            ("abcdefghij.txt", "long"),
            ("abcdefgh.txt", "eight"),
            ("x.toml", "over"),
            ("notes.md", "skipped"),
        ] {
            fs::write(p(name), text).unwrap();
        }
        // Before 1970, and a link to a file, and one to nothing.
        let old = fs::File::options().write(true).open(p("b.txt")).unwrap();
        old.set_modified(std::time::UNIX_EPOCH - std::time::Duration::from_millis(1500))
            .unwrap();
        std::os::unix::fs::symlink("a.txt", p("link.txt")).unwrap();
        std::os::unix::fs::symlink("gone.txt", p("dangling.txt")).unwrap();
        let (items, aside) = list(
            dir.path(),
            |name| match name {
                _ if name.ends_with(b".txt") => Wanted::Listed,
                _ if name.ends_with(b".toml") => Wanted::Aside,
                _ => Wanted::No,
            },
            |l| {
                (
                    String::from_utf8(l.name.to_vec()).unwrap(),
                    l.is_link,
                    l.stamp,
                )
            },
        )
        .unwrap();
        let expected = |n: &str, is_link| (n.to_string(), is_link, stamp_of(&p(n)));
        assert_eq!(
            items,
            vec![
                expected("a.txt", false),
                expected("abcdefgh.txt", false),
                expected("abcdefghij.txt", false),
                expected("b.txt", false),
                ("dangling.txt".to_string(), true, None),
                expected("link.txt", true),
            ]
        );
        assert_eq!(
            aside,
            vec![("x.toml".into(), stamp_of(&p("x.toml")).unwrap())]
        );
    }
}
