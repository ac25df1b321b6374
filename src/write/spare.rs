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

use super::{is_real_dir, read_manifest, remove_marked, MARKER};
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
        let parent = output.parent()?;
        if !is_real_dir(cache) || !is_real_dir(&at) || !true_inodes(parent) || read_manifest(&at).is_none() {
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
        let mut entries = walkdir::WalkDir::new(dir).min_depth(1).into_iter();
        while let Some(entry) = entries.next() {
            let entry = entry.ok()?;
            let kind = entry.file_type();
            // Names as they are on disk, so each is the very path a build writes or unlinks; a
            // name that is not UTF-8 is none that gongbu writes, and goes now.
            let Some(rel) = entry.path().strip_prefix(dir).ok()?.to_str().map(str::to_owned) else {
                if kind.is_dir() {
                    std::fs::remove_dir_all(entry.path()).ok()?;
                    entries.skip_current_dir();
                } else {
                    std::fs::remove_file(entry.path()).ok()?;
                }
                continue;
            };
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
    /// manifest replaces), then every folder no kept entry `needed`, deepest first. What the build
    /// `staged` replaced (`clear`) is left: a file there now, or a folder where a file was.
    pub(super) fn tidy(
        &self,
        root: &Path,
        keep: impl Fn(&str, u64) -> bool,
        staged: &HashSet<&str>,
        needed: &HashSet<&str>,
    ) -> io::Result<()> {
        for (rel, &ino) in &self.files {
            if rel != MARKER && !staged.contains(rel.as_str()) && !keep(rel, ino) {
                match std::fs::remove_file(root.join(rel)) {
                    Err(e) if !replaced_already(&e) => return Err(e),
                    _ => {}
                }
            }
        }
        let replaced = |rel: &str| staged.contains(rel) || needed.contains(rel);
        let mut unneeded: Vec<&String> = self.folders.iter().filter(|f| !replaced(f)).collect();
        unneeded.sort_by_key(|f| std::cmp::Reverse(f.matches('/').count()));
        for folder in unneeded {
            match std::fs::remove_dir(root.join(folder)) {
                Err(e) if !replaced_already(&e) => return Err(e),
                _ => {}
            }
        }
        Ok(())
    }
}

/// An unlink failed because the build replaced the entry (`clear`): gone, a folder there now, or
/// a file where a folder above it was.
fn replaced_already(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::NotFound || matches!(e.raw_os_error(), Some(libc::EISDIR) | Some(libc::ENOTDIR))
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
    // Made here if missing: the cache, saved at the same time, may make it first.
    let ready = is_real_dir(cache) || std::fs::create_dir(cache).is_ok() || is_real_dir(cache);
    let kept = ready && std::fs::rename(dir, path(cache, name)).is_ok();
    if !kept {
        let _ = remove_marked(dir);
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Sink, Staging};
    use super::*;
    use std::collections::BTreeMap;

    /// Every entry below `dir`: a file's bytes, a link's target (`-> …`), a folder as `/`.
    fn tree(dir: &Path) -> BTreeMap<String, String> {
        walkdir::WalkDir::new(dir)
            .min_depth(1)
            .into_iter()
            .map(|e| {
                let e = e.unwrap();
                let rel = crate::paths::normalise_rel(e.path().strip_prefix(dir).unwrap());
                let what = if e.file_type().is_symlink() {
                    format!("-> {}", std::fs::read_link(e.path()).unwrap().display())
                } else if e.file_type().is_dir() {
                    "/".to_string()
                } else {
                    std::fs::read_to_string(e.path()).unwrap()
                };
                (rel, what)
            })
            .collect()
    }

    /// The staging folders in `dir`.
    fn staging_left(dir: &Path) -> Vec<String> {
        let names = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned());
        names.filter(|n| n.contains("gongbu-staging")).collect()
    }

    /// A build of `files` into `out`, with the cache folder `cache` (a spare kept there), committed.
    fn build(out: &Path, cache: Option<&Path>, files: &[(&str, &str)]) {
        let staging = Staging::create(out, cache).unwrap();
        for (rel, bytes) in files {
            staging.write(rel, bytes.as_bytes()).unwrap();
        }
        staging.commit().unwrap();
    }

    /// `files` built cold into a fresh folder, with the user's `extra` files added before the last
    /// step as they were to the output: what any build over an output must give.
    fn cold(tmp: &Path, files: &[(&str, &str)], extra: &[(&str, &str)]) -> BTreeMap<String, String> {
        let out = tmp.join("cold");
        let _ = std::fs::remove_dir_all(&out);
        build(&out, None, &[]);
        for (rel, bytes) in extra {
            std::fs::create_dir_all(out.join(rel).parent().unwrap()).unwrap();
            std::fs::write(out.join(rel), bytes).unwrap();
        }
        build(&out, None, files);
        tree(&out)
    }

    const V1: &[(&str, &str)] =
        &[("a.html", "a1"), ("sub/b.html", "b"), ("sub/deep/c.html", "c"), ("gone/x.html", "x"), ("f", "f")];
    const V2: &[(&str, &str)] = &[("a.html", "a2"), ("sub/b.html", "b"), ("new/d.html", "d"), ("f", "f")];
    const V3: &[(&str, &str)] = &[("a.html", "a2"), ("sub/b.html", "b2"), ("f/g.html", "g"), ("new/d.html", "d")];

    /// Builds staged in the spare, over an output the user added a file, a link and an empty
    /// folder to, give what a cold build gives, file for file and folder for folder: files
    /// changed, gone, a file become a folder and back, folders emptied.
    #[test]
    fn repeated_builds_through_the_spare_give_what_a_cold_build_gives() {
        let tmp = tempfile::tempdir().unwrap();
        let (out, cache) = (tmp.path().join("public"), tmp.path().join(".gongbu-cache"));
        build(&out, Some(&cache), V1);
        std::fs::write(out.join("CNAME"), "example.org").unwrap();
        std::os::unix::fs::symlink("/nowhere", out.join("link")).unwrap();
        std::fs::create_dir(out.join("empty")).unwrap();
        let extra = [("CNAME", "example.org")];
        for (i, files) in [V2, V3, V1, V3, V3, V2].iter().enumerate() {
            build(&out, Some(&cache), files);
            let mut expected = cold(tmp.path(), files, &extra);
            expected.insert("link".into(), "-> /nowhere".into());
            expected.insert("empty".into(), "/".into());
            assert_eq!(tree(&out), expected, "build {} through the spare", i + 2);
            assert!(read_manifest(&path(&cache, "public")).is_some(), "the replaced output is kept as the spare");
        }
        assert_eq!(staging_left(tmp.path()), Vec::<String>::new(), "no staging folder left");
    }

    /// A spare whose files were changed (one edited, one a hard link to a file elsewhere, a
    /// foreign file and a symlink to a folder elsewhere put in) gives the right output, and nothing
    /// outside is written: only a spare file that is the live output's own is kept.
    #[test]
    fn a_tampered_spare_is_never_trusted() {
        use std::os::unix::fs::MetadataExt;
        let tmp = tempfile::tempdir().unwrap();
        let (out, cache) = (tmp.path().join("public"), tmp.path().join(".gongbu-cache"));
        let victim = tmp.path().join("victim");
        std::fs::create_dir(&victim).unwrap();
        std::fs::write(victim.join("x.html"), "victim").unwrap();
        std::fs::write(victim.join("linked"), "victim").unwrap();
        build(&out, Some(&cache), V1);
        build(&out, Some(&cache), V2);
        let spare = path(&cache, "public");
        // `a.html` changed in V2, so the spare holds V1's file: same name, other inode.
        assert_ne!(
            std::fs::metadata(spare.join("a.html")).unwrap().ino(),
            std::fs::metadata(out.join("a.html")).unwrap().ino()
        );
        std::fs::write(spare.join("a.html"), "evil").unwrap();
        std::fs::remove_file(spare.join("sub/b.html")).unwrap();
        std::fs::hard_link(victim.join("linked"), spare.join("sub/b.html")).unwrap();
        std::fs::write(spare.join("evil.html"), "evil").unwrap();
        std::os::unix::fs::symlink(&victim, spare.join("new2")).unwrap();
        use std::os::unix::ffi::OsStrExt;
        std::fs::write(spare.join(std::ffi::OsStr::from_bytes(b"bad\xff.html")), "evil").unwrap();
        std::fs::create_dir(spare.join(std::ffi::OsStr::from_bytes(b"bad\xfe"))).unwrap();
        std::fs::write(spare.join("e\u{301}.html"), "evil").unwrap();

        let files: &[(&str, &str)] = &[("a.html", "a2"), ("sub/b.html", "b3"), ("new2/x.html", "new"), ("f", "f")];
        build(&out, Some(&cache), files);
        assert_eq!(tree(&out), cold(tmp.path(), files, &[]));
        assert_eq!(std::fs::read_to_string(victim.join("x.html")).unwrap(), "victim", "not written through a link");
        assert_eq!(
            std::fs::read_to_string(victim.join("linked")).unwrap(),
            "victim",
            "not written through a hard link"
        );
        assert_eq!(std::fs::read_dir(&victim).unwrap().count(), 2);
    }

    /// A build that fails after writing into the spare leaves the output as it was, and its
    /// folder, kept as the spare, gives the next build the right output; so does a spare a
    /// killed build took (its staging folder is removed, the next build starts afresh).
    #[test]
    fn a_failed_or_killed_build_in_the_spare_leaves_the_output_whole() {
        let tmp = tempfile::tempdir().unwrap();
        let (out, cache) = (tmp.path().join("public"), tmp.path().join(".gongbu-cache"));
        build(&out, Some(&cache), V1);
        build(&out, Some(&cache), V2);
        let before = tree(&out);

        let failed = Staging::create(&out, Some(&cache)).unwrap();
        for (rel, bytes) in V3 {
            failed.write(rel, format!("{bytes}-failed").as_bytes()).unwrap();
        }
        drop(failed);
        assert_eq!(tree(&out), before, "a failed build leaves the output as it was");
        build(&out, Some(&cache), V3);
        assert_eq!(tree(&out), cold(tmp.path(), V3, &[]));

        let killed = Staging::create(&out, Some(&cache)).unwrap();
        killed.write("a.html", b"killed").unwrap();
        std::mem::forget(killed);
        // As a killed process would leave it: under a pid no process has (above the kernel's largest).
        let dead = tmp.path().join(".public.gongbu-staging-99999995");
        std::fs::rename(tmp.path().join(format!(".public.gongbu-staging-{}", std::process::id())), &dead).unwrap();
        assert_eq!(tree(&out), cold(tmp.path(), V3, &[]), "a killed build leaves the output as it was");
        build(&out, Some(&cache), V1);
        assert_eq!(tree(&out), cold(tmp.path(), V1, &[]));
        assert_eq!(staging_left(tmp.path()), Vec::<String>::new(), "the killed build's folder is removed");
    }

    /// A spare that is not gongbu's (no marker, or a symlink to a folder elsewhere) is not used,
    /// and nothing in it or behind it is touched.
    #[test]
    fn an_unmarked_or_linked_spare_is_not_used() {
        let tmp = tempfile::tempdir().unwrap();
        let (out, cache) = (tmp.path().join("public"), tmp.path().join(".gongbu-cache"));
        build(&out, Some(&cache), V1);
        let _ = std::fs::remove_dir_all(&cache);
        let elsewhere = tmp.path().join("elsewhere");
        std::fs::create_dir_all(elsewhere.join("sub")).unwrap();
        std::fs::write(elsewhere.join("sub/b.html"), "mine").unwrap();
        std::fs::write(elsewhere.join(MARKER), super::super::manifest_text(std::iter::empty())).unwrap();
        std::fs::create_dir(&cache).unwrap();
        std::os::unix::fs::symlink(&elsewhere, path(&cache, "public")).unwrap();
        build(&out, Some(&cache), V2);
        assert_eq!(tree(&out), cold(tmp.path(), V2, &[]));
        assert_eq!(std::fs::read_to_string(elsewhere.join("sub/b.html")).unwrap(), "mine");

        assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 2, "nothing parked through the link");
        std::fs::remove_file(path(&cache, "public")).unwrap();
        std::fs::create_dir_all(path(&cache, "public").join("sub")).unwrap();
        std::fs::write(path(&cache, "public").join("sub/b.html"), "mine").unwrap();
        build(&out, Some(&cache), V3);
        assert_eq!(tree(&out), cold(tmp.path(), V3, &[]));
        assert_eq!(std::fs::read_to_string(path(&cache, "public").join("sub/b.html")).unwrap(), "mine");
    }
}
