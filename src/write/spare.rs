//! The spare: with the build cache on, the output a build replaced is not deleted but kept in the
//! cache folder (`.gongbu-cache/spare-{output name}`), and the next build is staged in it. Files
//! are only ever replaced by rename or unlink, never changed in place, so a spare file with the
//! same inode as the live output's file at the same path *is* that file: the next build leaves
//! it, writes only what changed, links what changed in the last build, unlinks what is no longer
//! produced, and switches again. Unlinks and links then scale with the changes, not the site.
//!
//! A spare is hostile input (a cloned repository may ship one): its bytes are never trusted,
//! only inode equality with the live output is; symlinks and special files in it are unlinked
//! before anything is written; any file the build does not want there is unlinked, every file
//! written is created anew (never through an existing file, which may be a hard link to another);
//! and one that is not a marked real folder on a file system whose directory entries give true
//! inode numbers is not used at all.

use super::{read_manifest, remove_marked, MARKER};
use std::collections::{HashMap, HashSet};
use std::io;
use std::path::{Path, PathBuf};

/// Where the spare of the output named `name` waits between builds.
pub(super) fn path(cache: &Path, name: &str) -> PathBuf {
    cache.join(format!("spare-{name}"))
}

/// What a claimed spare held, from its directory entries (no stat): a staged build replaces the
/// entries it writes, and `commit` keeps only those whose inode is the live output's.
pub(super) struct Spare {
    /// Every regular file: relative path → inode.
    files: HashMap<String, u64>,
    /// Every folder, relative path.
    folders: HashSet<String>,
}

impl Spare {
    /// Move the spare of `name` in `cache` to `into` (a staging folder beside `output`, which
    /// must not exist) and read it; None, with nothing claimed, where there is no usable spare.
    pub(super) fn claim(cache: &Path, name: &str, into: &Path, output: &Path) -> Option<Spare> {
        let at = path(cache, name);
        let real_dir = |p: &Path| std::fs::symlink_metadata(p).is_ok_and(|m| m.is_dir());
        let parent = output.parent()?;
        if !real_dir(cache) || !real_dir(&at) || !true_inodes(parent) || read_manifest(&at).is_none() {
            return None;
        }
        // A rename claims it: of two builds at once, one gets it. It also fails across file systems.
        std::fs::rename(&at, into).ok()?;
        let spare = Spare::read(into);
        if spare.is_none() {
            let _ = remove_marked(into);
        }
        spare
    }

    /// The entries of the claimed spare at `dir`, its symlinks and special files unlinked (the
    /// live output's own links are made again by `carry_foreign`). None if it cannot be read whole.
    fn read(dir: &Path) -> Option<Spare> {
        use walkdir::DirEntryExt;
        let (mut files, mut folders) = (HashMap::new(), HashSet::new());
        for entry in walkdir::WalkDir::new(dir).min_depth(1) {
            let entry = entry.ok()?;
            let rel = crate::paths::normalise_rel(entry.path().strip_prefix(dir).ok()?);
            let kind = entry.file_type();
            if kind.is_dir() {
                folders.insert(rel);
            } else if kind.is_file() {
                files.insert(rel, entry.ino());
            } else {
                std::fs::remove_file(entry.path()).ok()?;
            }
        }
        Some(Spare { files, folders })
    }

    /// Make room at `root/rel` for a file the build writes anew: unlink the spare's file there
    /// (it may be the live output's, linked) or on a folder of the way, or remove its folder there.
    pub(super) fn clear(&self, root: &Path, rel: &str) -> io::Result<()> {
        let gone = |r: io::Result<()>| match r {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        };
        let above = rel.match_indices('/').map(|(at, _)| &rel[..at]);
        for rel in above.chain(std::iter::once(rel)).filter(|r| self.files.contains_key(*r)) {
            gone(std::fs::remove_file(root.join(rel)))?;
        }
        if self.folders.contains(rel) {
            gone(std::fs::remove_dir_all(root.join(rel)))?;
        }
        Ok(())
    }

    /// The spare already holds the file whose inode is `ino` at `rel`.
    pub(super) fn holds(&self, rel: &str, ino: Option<u64>) -> bool {
        ino.is_some() && self.files.get(rel).copied() == ino
    }

    /// Unlink every file of the spare at `root` that `keep` refuses (the marker aside, which the
    /// manifest replaces), then every folder no kept entry needs, deepest first.
    pub(super) fn tidy(&self, root: &Path, keep: impl Fn(&str, u64) -> bool, needed: &HashSet<&str>) -> io::Result<()> {
        for (rel, &ino) in &self.files {
            if rel != MARKER && !keep(rel, ino) {
                match std::fs::remove_file(root.join(rel)) {
                    Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                    _ => {}
                }
            }
        }
        let mut unneeded: Vec<&String> = self.folders.iter().filter(|f| !needed.contains(f.as_str())).collect();
        unneeded.sort_by_key(|f| std::cmp::Reverse(f.matches('/').count()));
        for folder in unneeded {
            match std::fs::remove_dir(root.join(folder)) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
        }
        Ok(())
    }
}

/// Every folder above each of `rels` (`a` and `a/b` for `a/b/c.html`).
pub(super) fn folders_of<'a>(rels: impl Iterator<Item = &'a str>) -> HashSet<&'a str> {
    let mut needed = HashSet::new();
    for rel in rels {
        needed.extend(rel.match_indices('/').map(|(at, _)| &rel[..at]));
    }
    needed
}

/// Whether the file system of `dir` gives each file one inode number that directory entries
/// report truly (ext4, XFS, Btrfs, tmpfs). Elsewhere (overlay and network file systems) a
/// directory entry's number may not be the file's, and no spare is used.
fn true_inodes(dir: &Path) -> bool {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::ffi::OsStrExt;
        const KNOWN: [i64; 4] = [0xEF53, 0x5846_5342, 0x9123_683E, 0x0102_1994];
        let Ok(c) = std::ffi::CString::new(dir.as_os_str().as_bytes()) else { return false };
        let mut stats: libc::statfs = unsafe { std::mem::zeroed() };
        // SAFETY: `c` is a valid NUL-terminated path and `stats` a writable statfs that outlive the call.
        let rc = unsafe { libc::statfs(c.as_ptr(), &mut stats) };
        #[allow(clippy::unnecessary_cast)]
        return rc == 0 && KNOWN.contains(&(stats.f_type as i64));
    }
    #[allow(unreachable_code)]
    false
}

/// Keep the folder `dir` (the output a build just replaced, or a build that failed) as the spare
/// of `name` in `cache`, or remove it where it cannot be kept.
pub(super) fn park(dir: &Path, cache: &Path, name: &str) {
    let kept = match std::fs::symlink_metadata(cache) {
        Ok(m) => m.is_dir(),
        Err(e) => e.kind() == io::ErrorKind::NotFound && std::fs::create_dir(cache).is_ok(),
    } && std::fs::rename(dir, path(cache, name)).is_ok();
    if !kept {
        let _ = remove_marked(dir);
    }
}
