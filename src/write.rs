//! Output: a build goes to a staging folder beside the output and is switched in with one atomic
//! rename only when the whole build succeeded, so the output is always either the previous site or
//! the new one, even when the build fails or is killed. A rebuild stages only the files whose bytes
//! changed and hard-links the unchanged ones in, so they are not written again. With the build
//! cache on, the replaced output is kept as the next build's staging folder (`spare`), so a
//! rebuild's links and unlinks scale with the files that changed, not with the site.
//!
//! What gongbu produced is listed in a manifest (`.gongbu-output`) in the output. A rebuild deletes
//! only files that manifest lists and the build no longer produces; every other file in the output
//! (a `CNAME`, a `.well-known/` folder) is carried into the new output. Nothing is ever written or
//! deleted through a symlink inside the output: a link where gongbu needs a folder is replaced.
//! `serve` writes in place with [`UpdateSink`], each file through a temp file and a rename.

mod spare;

use rayon::prelude::*;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

/// The manifest: marks a folder as gongbu's output and lists the files gongbu produced in it.
pub const MARKER: &str = ".gongbu-output";

/// First line of a manifest; a `.gongbu-output` file without it is not a manifest.
const MANIFEST_HEADER: &str =
    "# gongbu output manifest v1: the files gongbu produced here; a rebuild deletes only these";

/// Name part of staging folders: `.{output name}.gongbu-staging-{pid}` beside the output.
const STAGING_TAG: &str = ".gongbu-staging-";

/// Name part of the temp files a file is written to before it is renamed into place.
const TEMP_TAG: &str = ".gongbu-tmp-";

/// Where rendered files go. Paths are relative to the output root, `/`-separated.
pub(crate) trait Sink: Sync {
    fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()>;
    fn copy(&self, rel: &str, from: &Path) -> io::Result<()>;
    /// The file at `rel` of the output this one replaces, which `copy` from it keeps as it is
    /// (a page the build cache says is unchanged); None where there is no such output.
    fn previous(&self, _rel: &str) -> Option<PathBuf> {
        None
    }
    /// The bytes `write` puts at `rel` for `bytes` (a minifying sink changes pages), so what is
    /// recorded of a written file matches the file.
    fn shaped<'b>(&self, _rel: &str, bytes: &'b [u8]) -> std::borrow::Cow<'b, [u8]> {
        std::borrow::Cow::Borrowed(bytes)
    }
    /// Write the file at `rel` in parts, in order, for a file too large to hold whole (a
    /// build's Anki export): the `first` part starts it, each later one is added at its end.
    /// Never through `shaped`: such a file is no page.
    fn write_part(&self, _rel: &str, _bytes: &[u8], _first: bool) -> io::Result<()> {
        Err(io::Error::new(io::ErrorKind::Unsupported, "this output takes whole files only"))
    }
    /// `write` of the file whose bytes are `parts` joined, for a file too large to join (a
    /// session's Anki export, kept as each note's rows). Never through `shaped`.
    fn write_joined(&self, rel: &str, parts: &[&[u8]]) -> io::Result<()> {
        self.write(rel, &parts.concat())
    }
}

/// Why the output folder could not be claimed or written; each message tells the user what to do.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The output would overwrite the notes themselves (the folder shown).
    #[error("output folder {0} is the notes folder or contains it: choose another with --output")]
    OutputContainsSource(String),
    /// The output sits inside the notes folder and holds foreign files, which a build would publish.
    #[error("output folder {0} is inside the notes folder and holds files gongbu did not produce: choose another with --output (--force does not override this)")]
    OutputInsideSource(String),
    /// The manifest of an output inside the notes folder names a note (the one shown): it is not gongbu's.
    #[error("{0}: the manifest of this output folder inside the notes folder names this note, so it is not gongbu's; gongbu never deletes notes (--force does not override this): choose another with --output")]
    NotesInOutput(String),
    /// The output folder has files but no manifest, and `--force` was not given.
    #[error("output folder {0} is not empty and has no gongbu manifest; refusing to take it over (empty it, choose another with --output, or pass --force: gongbu then keeps every file it does not produce)")]
    ForeignOutput(String),
    /// The output path is a file, not a folder.
    #[error("output {0} exists and is not a folder")]
    NotAFolder(String),
    /// A user's file in the old output blocks a generated path; nothing was switched.
    #[error("{0}: this file, which gongbu did not produce, is in the way of a generated file or folder; move it (the previous output was left as it was)")]
    InTheWay(String),
    /// Completing or switching the staged output failed; the previous output is untouched.
    #[error("{path}: {source}; the previous output was left as it was")]
    Commit {
        /// The file or folder that failed.
        path: String,
        /// The underlying I/O error.
        source: io::Error,
    },
    /// Reading or writing a file or folder failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder that failed.
        path: String,
        /// The underlying I/O error.
        source: io::Error,
    },
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> WriteError + '_ {
    move |source| WriteError::Io { path: path.display().to_string(), source }
}

fn commit_err(path: &Path) -> impl FnOnce(io::Error) -> WriteError + '_ {
    move |source| WriteError::Commit { path: path.display().to_string(), source }
}

/// Refuse output folders that would put notes or foreign files at risk. `force` only waives the
/// check that a non-empty folder holds a manifest, never the checks that keep notes safe.
pub(crate) fn check_output(output: &Path, content: &Path, force: bool) -> Result<(), WriteError> {
    let out = crate::paths::canonical(output);
    let content = crate::paths::canonical(content);
    if content.starts_with(&out) {
        return Err(WriteError::OutputContainsSource(output.display().to_string()));
    }
    if out.exists() {
        if !out.is_dir() {
            return Err(WriteError::NotAFolder(output.display().to_string()));
        }
        let empty = std::fs::read_dir(&out).map_err(io_err(output))?.next().is_none();
        if empty {
            return Ok(());
        }
        // An output inside the notes folder (the default `public/`) is skipped by discovery.
        // One with other files and no manifest may be part of the notes; one whose manifest
        // names a note (gongbu never produces one) has a forged manifest that would delete it.
        if out.starts_with(&content) {
            return match read_manifest(&out) {
                None => Err(WriteError::OutputInsideSource(output.display().to_string())),
                Some(listed) => match listed.iter().find(|rel| names_a_note(rel)) {
                    Some(note) => Err(WriteError::NotesInOutput(out.join(note).display().to_string())),
                    None => Ok(()),
                },
            };
        }
        if read_manifest(&out).is_none() && !force {
            return Err(WriteError::ForeignOutput(output.display().to_string()));
        }
    }
    Ok(())
}

/// `rel` is a note's path (`.md`, `.markdown`), which gongbu never produces outside `static/`.
fn names_a_note(rel: &str) -> bool {
    !rel.starts_with("static/") && crate::discover::classify(rel) == crate::discover::FileKind::Note
}

/// The paths a folder's manifest lists, or None when it has none (no file, not a regular file,
/// or no header). Lines that are not safe relative paths are dropped, so a forged manifest can
/// only ever name files inside the output.
pub(crate) fn read_manifest(dir: &Path) -> Option<BTreeSet<String>> {
    let path = dir.join(MARKER);
    if !std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file()) {
        return None;
    }
    let text = std::fs::read_to_string(&path).ok()?;
    let mut lines = text.lines();
    if lines.next() != Some(MANIFEST_HEADER) {
        return None;
    }
    Some(lines.filter_map(|l| serde_json::from_str::<String>(l).ok()).filter(|rel| is_safe_rel(rel)).collect())
}

fn manifest_text<'a>(paths: impl Iterator<Item = &'a str>) -> String {
    let mut text = format!("{MANIFEST_HEADER}\n");
    for rel in paths {
        // A JSON string per line: any file name fits, newlines included.
        text.push_str(&serde_json::to_string(rel).unwrap_or_default());
        text.push('\n');
    }
    text
}

/// Write the manifest of `dir` listing `paths` (through a temp file, so never through a link).
pub(crate) fn write_manifest<'a>(dir: &Path, paths: impl Iterator<Item = &'a str>) -> Result<(), WriteError> {
    let path = dir.join(MARKER);
    let text = manifest_text(paths);
    replace_file(&path, |tmp| std::fs::write(tmp, &text)).map_err(io_err(&path))
}

/// A relative `/`-separated path that stays inside the folder it is joined to.
fn is_safe_rel(rel: &str) -> bool {
    !rel.is_empty() && !rel.contains('\0') && rel.split('/').all(|part| !part.is_empty() && part != "." && part != "..")
}

/// What an existing output held when the build started (symlinks not followed).
struct OldOutput {
    /// Every entry below the output: relative path → real path, kind and inode.
    entries: HashMap<String, (PathBuf, Kind, u64)>,
    /// What its manifest says gongbu produced (empty if it had none).
    manifest: BTreeSet<String>,
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Kind {
    File,
    EmptyDir,
    Dir,
    Link,
    Other,
}

impl OldOutput {
    fn scan(output: &Path) -> OldOutput {
        use walkdir::DirEntryExt;
        let mut entries = HashMap::new();
        let mut parents: HashSet<PathBuf> = HashSet::new();
        for entry in walkdir::WalkDir::new(output).min_depth(1).into_iter().filter_map(Result::ok) {
            let t = entry.file_type();
            let kind = if t.is_symlink() {
                Kind::Link
            } else if t.is_dir() {
                Kind::EmptyDir
            } else if t.is_file() {
                Kind::File
            } else {
                Kind::Other
            };
            if let Some(parent) = entry.path().parent() {
                parents.insert(parent.to_path_buf());
            }
            let rel = crate::paths::normalise_rel(entry.path().strip_prefix(output).unwrap_or(entry.path()));
            entries.insert(rel, (entry.path().to_path_buf(), kind, entry.ino()));
        }
        for (path, kind, _) in entries.values_mut() {
            if *kind == Kind::EmptyDir && parents.contains(path.as_path()) {
                *kind = Kind::Dir;
            }
        }
        OldOutput { entries, manifest: read_manifest(output).unwrap_or_default() }
    }

    /// The real path of `rel` if it was a regular file reached without any symlink.
    fn file(&self, rel: &str) -> Option<&Path> {
        self.entries.get(rel).filter(|(_, kind, _)| *kind == Kind::File).map(|(path, _, _)| path.as_path())
    }

    /// The inode of the regular file `rel` (from its directory entry).
    fn ino(&self, rel: &str) -> Option<u64> {
        self.entries.get(rel).filter(|(_, kind, _)| *kind == Kind::File).map(|(_, _, ino)| *ino)
    }

    /// The entries gongbu did not produce, which a new output carries over: not the marker, a
    /// folder with entries, a path the new build produces or the old manifest lists, a temp file.
    fn foreign<'a>(&'a self, produced: &'a HashSet<&str>) -> impl Iterator<Item = (&'a String, &'a PathBuf, Kind)> {
        self.entries.iter().map(|(rel, (path, kind, _))| (rel, path, *kind)).filter(move |(rel, path, kind)| {
            let name = path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
            rel.as_str() != MARKER
                && *kind != Kind::Dir
                && !produced.contains(rel.as_str())
                && !self.manifest.contains(rel.as_str())
                && !name.contains(TEMP_TAG)
        })
    }
}

/// A folder beside the output that receives a build and becomes the output on `commit`, and is
/// removed if dropped uncommitted. Over an existing output, only files whose bytes differ are
/// written; `commit` hard-links the unchanged ones and the user's own files in, then swaps the
/// two folders in one atomic rename. With a cache folder, the folder starts as the spare (the
/// output before the last, `spare`) and the replaced output is kept as the next spare.
pub(crate) struct Staging {
    dir: DirSink,
    output: PathBuf,
    /// The output as it was when the build started, if it existed.
    old: Option<OldOutput>,
    /// Every path the build produced, and whether it was staged (changed).
    produced: Mutex<Vec<(String, bool)>>,
    /// What the staging folder held when it was claimed as the spare.
    spare: Option<spare::Spare>,
    /// The cache folder and the output's name, where the replaced output is kept as the spare.
    keep_in: Option<(PathBuf, String)>,
    committed: bool,
}

impl Staging {
    /// Start a build into `output`. If `output` is a symlink, the build goes to the folder it
    /// points to. Staging folders left by killed builds of the same output are removed first.
    /// With a `cache` folder, the build is staged in the spare kept there, if there is one.
    pub(crate) fn create(output: &Path, cache: Option<&Path>) -> Result<Staging, WriteError> {
        let output = crate::paths::canonical(output);
        let parent = output.parent().unwrap_or(Path::new("/")).to_path_buf();
        std::fs::create_dir_all(&parent).map_err(io_err(&parent))?;
        let name = output.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "public".into());
        remove_stale_staging(&parent, &name);
        let dir = parent.join(format!(".{name}{STAGING_TAG}{}", std::process::id()));
        if std::fs::symlink_metadata(&dir).is_ok() {
            std::fs::remove_dir_all(&dir).or_else(|_| std::fs::remove_file(&dir)).map_err(io_err(&dir))?;
        }
        let spare = cache.and_then(|cache| spare::Spare::claim(cache, &name, &dir, &output));
        if spare.is_none() {
            std::fs::create_dir(&dir).map_err(io_err(&dir))?;
            // The content marker by which a later build recognises a left-over staging folder.
            std::fs::write(dir.join(MARKER), manifest_text(std::iter::empty())).map_err(io_err(&dir))?;
        }
        let old = output.is_dir().then(|| OldOutput::scan(&output));
        Ok(Staging {
            dir: DirSink::new(&dir),
            output,
            old,
            produced: Mutex::new(Vec::new()),
            spare,
            keep_in: cache.map(|cache| (cache.to_path_buf(), name)),
            committed: false,
        })
    }

    fn record(&self, rel: &str, staged: bool) {
        self.produced.lock().unwrap_or_else(|e| e.into_inner()).push((rel.to_string(), staged));
    }

    /// Make room for a file the build writes anew: in a spare, the file there may be the live
    /// output's (linked), so it is unlinked, never written through.
    fn clear(&self, rel: &str) -> io::Result<()> {
        match &self.spare {
            Some(spare) => spare.clear(&self.dir.root, checked(rel)?),
            None => Ok(()),
        }
    }

    /// Make the staged build the output: complete it with the unchanged files and the user's
    /// files of the old output, write the manifest, then switch the folders atomically.
    pub(crate) fn commit(mut self) -> Result<(), WriteError> {
        let completed = self.complete();
        if completed.is_err() {
            // A spare that could not be made the new output is not trusted again.
            self.keep_in = None;
        }
        completed?;
        let root = self.dir.root.clone();
        if self.old.is_some() {
            switch(&root, &self.output)?;
            self.committed = true;
            // `root` now holds the previous output: the next spare, or removed. If it cannot all
            // go (a read-only folder, or the build is killed meanwhile), the next build tries again.
            match &self.keep_in {
                Some((cache, name)) => spare::park(&root, cache, name),
                None => drop(remove_marked(&root)),
            }
        } else {
            std::fs::rename(&root, &self.output).map_err(commit_err(&self.output))?;
            self.committed = true;
        }
        Ok(())
    }

    /// Complete the staging folder: in a spare, unlink what the new output does not hold; link
    /// the unchanged files and carry the user's files of the old output in; write the manifest.
    fn complete(&self) -> Result<(), WriteError> {
        let produced = std::mem::take(&mut *self.produced.lock().unwrap_or_else(|e| e.into_inner()));
        let root = &self.dir.root;
        let produced_set: HashSet<&str> = produced.iter().map(|(rel, _)| rel.as_str()).collect();
        if let Some(spare) = &self.spare {
            let staged: HashSet<&str> =
                produced.iter().filter(|(_, staged)| *staged).map(|(rel, _)| rel.as_str()).collect();
            let foreign: Vec<(&String, &PathBuf, Kind)> =
                self.old.iter().flat_map(|old| old.foreign(&produced_set)).collect();
            let wanted: HashSet<&str> =
                produced_set.iter().copied().chain(foreign.iter().map(|(rel, _, _)| rel.as_str())).collect();
            let mut needed = spare::folders_of(wanted.iter().copied());
            needed
                .extend(foreign.iter().filter(|(_, _, kind)| *kind == Kind::EmptyDir).map(|(rel, _, _)| rel.as_str()));
            let old_ino = |rel: &str| self.old.as_ref().and_then(|old| old.ino(rel));
            let keep = |rel: &str, ino: u64| wanted.contains(rel) && old_ino(rel) == Some(ino);
            spare.tidy(root, keep, &staged, &needed).map_err(commit_err(root))?;
        }
        if let Some(old) = &self.old {
            let in_spare = |rel: &str| self.spare.as_ref().is_some_and(|spare| spare.holds(rel, old.ino(rel)));
            let unchanged =
                produced.iter().filter(|(rel, staged)| !staged && !in_spare(rel)).map(|(rel, _)| rel.as_str());
            // A folder's files on one thread, folders side by side: the kernel changes a folder's
            // entries under that folder's lock, so two threads in one folder would wait on each other.
            by_folder(unchanged).into_par_iter().try_for_each(|rels| {
                for rel in rels {
                    if let Some(from) = old.file(rel) {
                        let to = self.dir.target(rel).map_err(commit_err(&root.join(rel)))?;
                        link_or_copy(from, &to).map_err(commit_err(from))?;
                    }
                }
                Ok::<(), WriteError>(())
            })?;
            carry_foreign(old, &produced_set, root, &in_spare)?;
        }
        let mut paths: Vec<&str> = produced_set.into_iter().collect();
        paths.sort_unstable();
        // Through a temp file: in a spare, the marker may be a link to a file elsewhere.
        let manifest = root.join(MARKER);
        let text = manifest_text(paths.into_iter());
        replace_file(&manifest, |tmp| std::fs::write(tmp, &text)).map_err(commit_err(root))
    }
}

/// Carry every entry of the old output that gongbu did not produce into the new one: files are
/// hard-linked, symlinks re-created as links (never followed), empty folders re-created. A link
/// where the new build has a folder or file is dropped (replaced); a file of the user's in the
/// way of a generated one stops the commit. A file the staging spare `holds` already stays.
fn carry_foreign(
    old: &OldOutput,
    produced: &HashSet<&str>,
    root: &Path,
    holds: &dyn Fn(&str) -> bool,
) -> Result<(), WriteError> {
    let mut foreign: Vec<(&String, &PathBuf, Kind)> = old.foreign(produced).collect();
    foreign.sort_by(|a, b| a.0.cmp(b.0));
    for (rel, from, kind) in foreign {
        if kind == Kind::File && holds(rel) {
            continue;
        }
        let to = root.join(rel);
        let in_the_way = |e: io::Error| match e.kind() {
            io::ErrorKind::AlreadyExists | io::ErrorKind::NotADirectory => {
                WriteError::InTheWay(from.display().to_string())
            }
            _ => WriteError::Commit { path: to.display().to_string(), source: e },
        };
        let taken = std::fs::symlink_metadata(&to).is_ok();
        match kind {
            Kind::Link if taken => continue,
            Kind::EmptyDir if is_real_dir(&to) => continue,
            Kind::Other => continue,
            _ if taken => return Err(in_the_way(io::ErrorKind::AlreadyExists.into())),
            _ => {}
        }
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent).map_err(in_the_way)?;
        }
        match kind {
            Kind::File => link_or_copy(from, &to).map_err(commit_err(from))?,
            Kind::Link => {
                let target = std::fs::read_link(from).map_err(commit_err(from))?;
                std::os::unix::fs::symlink(target, &to).map_err(commit_err(&to))?;
            }
            Kind::EmptyDir => std::fs::create_dir(&to).map_err(commit_err(&to))?,
            Kind::Dir | Kind::Other => {}
        }
    }
    Ok(())
}

/// A hard link, or a copy where the file system refuses one.
fn link_or_copy(from: &Path, to: &Path) -> io::Result<()> {
    std::fs::hard_link(from, to).or_else(|_| std::fs::copy(from, to).map(|_| ()))
}

/// Put the complete new output `staged` in place of `output` in one step: afterwards `staged`
/// holds the previous output. Where the file system cannot exchange two folders atomically,
/// the output is moved aside and the new one renamed in, and put back if that fails.
fn switch(staged: &Path, output: &Path) -> Result<(), WriteError> {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::ffi::OsStrExt;
        let c = |p: &Path| {
            std::ffi::CString::new(p.as_os_str().as_bytes()).map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))
        };
        let (a, b) = (c(staged).map_err(commit_err(staged))?, c(output).map_err(commit_err(output))?);
        // SAFETY: both arguments are valid NUL-terminated paths that outlive the call.
        let rc =
            unsafe { libc::renameat2(libc::AT_FDCWD, a.as_ptr(), libc::AT_FDCWD, b.as_ptr(), libc::RENAME_EXCHANGE) };
        if rc == 0 {
            return Ok(());
        }
        let e = io::Error::last_os_error();
        if !matches!(e.raw_os_error(), Some(libc::EINVAL) | Some(libc::ENOSYS)) {
            return Err(commit_err(output)(e));
        }
    }
    let aside = PathBuf::from(format!("{}-old", staged.display()));
    std::fs::rename(output, &aside).map_err(commit_err(output))?;
    if let Err(e) = std::fs::rename(staged, output) {
        let _ = std::fs::rename(&aside, output);
        return Err(commit_err(output)(e));
    }
    std::fs::rename(&aside, staged).map_err(commit_err(staged))
}

/// Paths grouped by the folder they are in (`a/b.html` and `a/c.html` together).
fn by_folder<'a>(rels: impl Iterator<Item = &'a str>) -> Vec<Vec<&'a str>> {
    let mut folders: HashMap<&str, Vec<&str>> = HashMap::new();
    for rel in rels {
        let folder = rel.rsplit_once('/').map_or("", |(folder, _)| folder);
        folders.entry(folder).or_default().push(rel);
    }
    folders.into_values().collect()
}

/// Files of one folder removed on one thread at a time (`remove_marked`).
const REMOVAL_RUN: usize = 256;

/// Remove a folder of gongbu's (staging, or a previous output set aside) with its marker last:
/// a removal cut short (the build killed, a file that cannot go) leaves a folder that is still
/// marked as gongbu's, so a later build removes the rest (`remove_stale_staging`).
fn remove_marked(dir: &Path) -> io::Result<()> {
    // Every file but the marker first, in runs of a folder's files side by side (tens of
    // thousands of files at 10,000 notes), then the emptied folders, deepest first. Runs, not
    // whole folders: the search index's folder holds 40% of the files at 10,000 notes, and two
    // threads in one folder share its lock only for the entry itself, not for the path's walk
    // or the file's freeing.
    let mut folders = Vec::new();
    let mut files: Vec<Vec<PathBuf>> = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        let mut here = Vec::new();
        for entry in std::fs::read_dir(&folder)? {
            let entry = entry?;
            // Never followed: a symlink is removed as a file.
            if entry.file_type()?.is_dir() {
                pending.push(entry.path());
            } else if !(folder == dir && entry.file_name() == MARKER) {
                here.push(entry.path());
            }
        }
        files.push(here);
        if folder != dir {
            folders.push(folder);
        }
    }
    let runs = files.par_iter().flat_map(|here| here.par_chunks(REMOVAL_RUN));
    runs.try_for_each(|run| run.iter().try_for_each(std::fs::remove_file))?;
    folders.sort_by_key(|f| std::cmp::Reverse(f.components().count()));
    folders.iter().try_for_each(std::fs::remove_dir)?;
    match std::fs::remove_file(dir.join(MARKER)) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    std::fs::remove_dir(dir)
}

/// Remove the staging folders that killed builds of this output left beside it: only folders
/// named `.{name}.gongbu-staging-{pid}` (or `…-old`) whose process is gone and that hold a
/// gongbu manifest; an unmarked one is removed only if empty.
fn remove_stale_staging(parent: &Path, name: &str) {
    let prefix = format!(".{name}{STAGING_TAG}");
    let Ok(entries) = std::fs::read_dir(parent) else { return };
    for entry in entries.filter_map(Result::ok) {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = file_name.strip_prefix(&prefix) else { continue };
        let pid = rest.strip_suffix("-old").unwrap_or(rest);
        if pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let alive = pid != std::process::id().to_string() && Path::new("/proc").join(pid).exists();
        let path = entry.path();
        if alive || !is_real_dir(&path) {
            continue;
        }
        if read_manifest(&path).is_some() {
            let _ = remove_marked(&path);
        } else {
            let _ = std::fs::remove_dir(&path);
        }
    }
}

impl Sink for Staging {
    fn previous(&self, rel: &str) -> Option<PathBuf> {
        self.old.as_ref().and_then(|o| o.file(rel)).map(Path::to_path_buf)
    }

    fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        let unchanged = self.old.as_ref().and_then(|o| o.file(rel)).is_some_and(|old| same_bytes(old, bytes));
        if !unchanged {
            self.clear(rel)?;
            self.dir.write(rel, bytes)?;
        }
        self.record(rel, !unchanged);
        Ok(())
    }

    fn copy(&self, rel: &str, from: &Path) -> io::Result<()> {
        // A copy of the old output's own file (a kept page) is that file: nothing to compare.
        let unchanged =
            self.old.as_ref().and_then(|o| o.file(rel)).is_some_and(|old| old == from || same_copy(from, old));
        if !unchanged {
            self.clear(rel)?;
            self.dir.copy(rel, from)?;
        }
        self.record(rel, !unchanged);
        Ok(())
    }

    fn write_part(&self, rel: &str, bytes: &[u8], first: bool) -> io::Result<()> {
        // Always staged: a part cannot be compared with the old file.
        if first {
            self.clear(rel)?;
        }
        self.dir.write_part(rel, bytes, first)?;
        if first {
            self.record(rel, true);
        }
        Ok(())
    }
}

impl Drop for Staging {
    /// An abandoned build's folder is kept as the spare where there is a cache folder (the next
    /// build trusts none of its files that are not the live output's), else removed.
    fn drop(&mut self) {
        if !self.committed {
            match &self.keep_in {
                Some((cache, name)) => spare::park(&self.dir.root, cache, name),
                None => drop(remove_marked(&self.dir.root)),
            }
        }
    }
}

/// Create `dir` if needed and give it an (empty) manifest if it has none, as `serve` does
/// before writing in place.
pub(crate) fn mark_output(dir: &Path) -> Result<(), WriteError> {
    std::fs::create_dir_all(dir).map_err(io_err(dir))?;
    if read_manifest(dir).is_none() {
        write_manifest(dir, std::iter::empty())?;
    }
    Ok(())
}

/// `path` (a regular file) already holds exactly `bytes`: read to its length and one byte past,
/// so neither a stat nor a size hint is asked for (thousands of files at each warm build). Read
/// into room left unwritten: zeroing a buffer first cost eight times the compare (a 1,000-note
/// build over its last output, `--force`, `-j 1`: 5,856.5 M -> 5,822.5 M instructions).
fn same_bytes(path: &Path, bytes: &[u8]) -> bool {
    use std::io::Read;
    let Ok(file) = std::fs::File::open(path) else { return false };
    let mut old = Vec::with_capacity(bytes.len() + 1);
    file.take(bytes.len() as u64 + 1).read_to_end(&mut old).is_ok() && old == bytes
}

/// `path` already holds exactly `parts` joined: compared a buffer at a time, so neither the
/// file nor the joined parts are ever held whole.
fn same_joined(path: &Path, parts: &[&[u8]]) -> bool {
    use std::io::Read;
    let len: usize = parts.iter().map(|p| p.len()).sum();
    let Ok(file) = std::fs::File::open(path) else { return false };
    if !file.metadata().is_ok_and(|m| m.len() == len as u64) {
        return false;
    }
    let mut file = io::BufReader::with_capacity(1 << 16, file);
    let mut buffer = vec![0; 1 << 16];
    for part in parts {
        for piece in part.chunks(buffer.len()) {
            let read = &mut buffer[..piece.len()];
            if file.read_exact(read).is_err() || read != piece {
                return false;
            }
        }
    }
    // The file may have grown since its length was taken.
    file.read(&mut [0]).is_ok_and(|n| n == 0)
}

/// `to` is a copy of `from` made after `from` last changed (same length, not older).
fn same_copy(from: &Path, to: &Path) -> bool {
    match (std::fs::metadata(from), std::fs::metadata(to)) {
        (Ok(src), Ok(dst)) => src.len() == dst.len() && dst.modified().ok() >= src.modified().ok(),
        _ => false,
    }
}

/// Write a file by filling a temp file beside it and renaming it over the target, so the file
/// is never seen half-written and a symlink at `path` is replaced, not written through.
fn replace_file(path: &Path, fill: impl FnOnce(&Path) -> io::Result<()>) -> io::Result<()> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = path.with_file_name(format!(
        ".{name}{TEMP_TAG}{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let result = fill(&tmp).and_then(|()| std::fs::rename(&tmp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// `root/rel` with every folder between them a real folder: missing ones are created, and a
/// symlink where a folder must be is replaced by an empty folder, so nothing is written through it.
fn real_target(root: &Path, rel: &str) -> io::Result<PathBuf> {
    let mut path = root.to_path_buf();
    let mut parts = checked(rel)?.split('/').peekable();
    while let Some(part) = parts.next() {
        path.push(part);
        if parts.peek().is_none() {
            break;
        }
        match std::fs::symlink_metadata(&path) {
            Ok(m) if m.is_dir() => {}
            Ok(m) if m.file_type().is_symlink() => {
                std::fs::remove_file(&path)?;
                std::fs::create_dir(&path)?;
            }
            Ok(_) => {
                return Err(io::Error::new(
                    io::ErrorKind::AlreadyExists,
                    format!("{} is a file where a folder is needed", path.display()),
                ))
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => match std::fs::create_dir(&path) {
                Err(e) if e.kind() != io::ErrorKind::AlreadyExists => return Err(e),
                _ => {}
            },
            Err(e) => return Err(e),
        }
    }
    Ok(path)
}

/// `rel` if it stays inside the folder it is joined to, else an error: no write ever leaves it.
fn checked(rel: &str) -> io::Result<&str> {
    if is_safe_rel(rel) {
        Ok(rel)
    } else {
        Err(io::Error::new(io::ErrorKind::InvalidInput, format!("{rel:?} is not a path inside the output")))
    }
}

/// Whether `root/rel` is reached without passing through a symlink (the file itself may be one).
fn reached_directly(root: &Path, rel: &str) -> bool {
    let mut path = root.to_path_buf();
    let parts: Vec<&str> = rel.split('/').collect();
    is_safe_rel(rel)
        && parts[..parts.len() - 1].iter().all(|part| {
            path.push(part);
            is_real_dir(&path)
        })
}

/// Delete the generated file `rel` under `root`, and only if no symlink lies on the way to it
/// (a file of the old site behind a link that now points elsewhere is not ours to delete).
/// Returns whether a file was removed.
pub(crate) fn remove_generated(root: &Path, rel: &str) -> bool {
    reached_directly(root, rel) && std::fs::remove_file(root.join(rel)).is_ok()
}

/// Writes under a folder it created itself, creating parent folders as needed.
pub(crate) struct DirSink {
    root: PathBuf,
    /// Folders this sink already made sure of: most files go into a folder an earlier file
    /// made, and asking the kernel again costs a `mkdir` and a `stat` per file.
    made: Mutex<HashSet<PathBuf>>,
}

impl DirSink {
    pub(crate) fn new(root: &Path) -> DirSink {
        DirSink { root: root.to_path_buf(), made: Mutex::new(HashSet::new()) }
    }

    fn target(&self, rel: &str) -> io::Result<PathBuf> {
        let path = self.root.join(checked(rel)?);
        if let Some(parent) = path.parent() {
            let known = self.made.lock().is_ok_and(|made| made.contains(parent));
            if !known {
                std::fs::create_dir_all(parent)?;
                if let Ok(mut made) = self.made.lock() {
                    made.insert(parent.to_path_buf());
                }
            }
        }
        Ok(path)
    }
}

impl Sink for DirSink {
    fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        std::fs::write(self.target(rel)?, bytes)
    }

    fn copy(&self, rel: &str, from: &Path) -> io::Result<()> {
        std::fs::copy(from, self.target(rel)?).map(|_| ())
    }

    fn write_part(&self, rel: &str, bytes: &[u8], first: bool) -> io::Result<()> {
        if first {
            return self.write(rel, bytes);
        }
        use std::io::Write;
        std::fs::OpenOptions::new().append(true).open(self.root.join(checked(rel)?))?.write_all(bytes)
    }
}

/// Writes nothing: `gongbu check` runs the whole build into it, so a check finds every problem a
/// build would and never touches an output folder. A copy still opens its source, so an asset
/// that cannot be read is reported as it would be by a build.
pub(crate) struct Discard;

impl Sink for Discard {
    fn write(&self, _: &str, _: &[u8]) -> io::Result<()> {
        Ok(())
    }

    fn copy(&self, _: &str, from: &Path) -> io::Result<()> {
        std::fs::File::open(from).map(|_| ())
    }

    fn write_part(&self, _: &str, _: &[u8], _: bool) -> io::Result<()> {
        Ok(())
    }
}

/// Writes in place under the output folder, skipping files whose bytes are already there, and
/// remembers every path it was given: what `serve` uses so browsers reload only on real change.
/// Each file is written to a temp file beside it and renamed over it, so a page is never served
/// empty or half-written, and symlinks inside the output are replaced, never written through.
pub(crate) struct UpdateSink {
    root: PathBuf,
    /// Every path given this run, and whether it changed on disk.
    pub(crate) touched: Mutex<Vec<(String, bool)>>,
    /// Folders this run found real (or made): the folders above a file are checked once a run,
    /// not for each of its files (a `stat` a folder for each of 10,000 kept pages at start-up).
    real: Mutex<HashSet<PathBuf>>,
}

impl UpdateSink {
    pub(crate) fn new(root: &Path) -> UpdateSink {
        UpdateSink { root: root.to_path_buf(), touched: Mutex::new(Vec::new()), real: Mutex::new(HashSet::new()) }
    }

    /// `real_target` of `rel`, its folders walked only if this run has not found them real.
    fn target(&self, rel: &str) -> io::Result<PathBuf> {
        let path = self.root.join(checked(rel)?);
        let parent = path.parent().unwrap_or(&self.root);
        if self.real.lock().is_ok_and(|real| real.contains(parent)) {
            return Ok(path);
        }
        let path = real_target(&self.root, rel)?;
        if let (Some(parent), Ok(mut real)) = (path.parent(), self.real.lock()) {
            real.insert(parent.to_path_buf());
        }
        Ok(path)
    }

    fn record(&self, rel: &str, changed: bool) {
        self.touched.lock().unwrap_or_else(|e| e.into_inner()).push((rel.to_string(), changed));
    }

    pub(crate) fn take(&self) -> Vec<(String, bool)> {
        std::mem::take(&mut *self.touched.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

/// `path` is a regular file itself (not a link to one).
fn is_plain_file(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file())
}

/// `path` is a folder itself, not a link to one.
fn is_real_dir(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir())
}

impl UpdateSink {
    /// Before a file is created, add it to the manifest (when there is one), so a `serve`
    /// killed right after still leaves it listed as gongbu's, for the next build to remove.
    fn list_if_new(&self, path: &Path, rel: &str) -> io::Result<()> {
        use std::io::Write;
        use std::os::unix::fs::OpenOptionsExt;
        if std::fs::symlink_metadata(path).is_ok() {
            return Ok(());
        }
        let line = format!("{}\n", serde_json::to_string(rel).unwrap_or_default());
        match std::fs::OpenOptions::new().append(true).custom_flags(libc::O_NOFOLLOW).open(self.root.join(MARKER)) {
            Ok(mut manifest) => manifest.write_all(line.as_bytes()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(e),
        }
    }
}

impl Sink for UpdateSink {
    /// The file in place, which `copy` from itself leaves as it is.
    fn previous(&self, rel: &str) -> Option<PathBuf> {
        self.target(rel).ok().filter(|path| is_plain_file(path))
    }

    fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        let path = self.target(rel)?;
        let same = is_plain_file(&path) && same_bytes(&path, bytes);
        if !same {
            self.list_if_new(&path, rel)?;
            replace_file(&path, |tmp| std::fs::write(tmp, bytes))?;
        }
        self.record(rel, !same);
        Ok(())
    }

    /// As `write`, but the file in place is compared with the parts, and written from them,
    /// a buffer at a time: at 10,000 notes the Anki export is 79 MB.
    fn write_joined(&self, rel: &str, parts: &[&[u8]]) -> io::Result<()> {
        use std::io::Write;
        let path = self.target(rel)?;
        let same = is_plain_file(&path) && same_joined(&path, parts);
        if !same {
            self.list_if_new(&path, rel)?;
            replace_file(&path, |tmp| {
                let mut file = io::BufWriter::with_capacity(1 << 20, std::fs::File::create(tmp)?);
                parts.iter().try_for_each(|part| file.write_all(part))?;
                file.into_inner().map_err(io::IntoInnerError::into_error).map(drop)
            })?;
        }
        self.record(rel, !same);
        Ok(())
    }

    fn copy(&self, rel: &str, from: &Path) -> io::Result<()> {
        // A copy of the file in place onto itself (a kept page, found by `previous`) keeps it.
        if from == self.root.join(checked(rel)?) {
            self.record(rel, false);
            return Ok(());
        }
        let path = self.target(rel)?;
        let fresh = is_plain_file(&path) && same_copy(from, &path);
        if !fresh {
            self.list_if_new(&path, rel)?;
            replace_file(&path, |tmp| std::fs::copy(from, tmp).map(|_| ()))?;
        }
        self.record(rel, !fresh);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A removal that stops half way keeps the folder marked as gongbu's: the marker goes last.
    /// Each folder holds its marker and a folder that cannot be emptied (immutable); in
    /// whatever order the directory lists the two, the marker must stay (eight folders, so a
    /// removal that ignores the marker keeps it in all of them once in 256). Then, the flag cleared,
    /// a later build's clean-up removes the rest. Needs root and ext4's immutable flag.
    #[test]
    fn a_removal_cut_short_leaves_the_folder_marked() {
        use std::process::Command;
        let tmp = tempfile::tempdir().unwrap();
        let chattr =
            |flag: &str, dir: &Path| Command::new("chattr").arg(flag).arg(dir).status().is_ok_and(|s| s.success());
        let folders: Vec<PathBuf> =
            (0..8).map(|i| tmp.path().join(format!(".site.gongbu-staging-{}", 99_999_900 + i))).collect();
        for dir in &folders {
            std::fs::create_dir_all(dir.join("a")).unwrap();
            std::fs::write(dir.join("a/f.html"), "x").unwrap();
            assert!(chattr("+i", &dir.join("a")), "chattr +i failed: this test needs root and ext4");
            write_manifest(dir, ["a/f.html"].into_iter()).unwrap();
        }
        for dir in &folders {
            assert!(remove_marked(dir).is_err(), "nothing could be removed");
            assert!(read_manifest(dir).is_some(), "{}: the marker went before the folder's files", dir.display());
        }
        for dir in &folders {
            chattr("-i", &dir.join("a"));
        }
        remove_stale_staging(tmp.path(), "site");
        assert!(folders.iter().all(|d| !d.exists()), "a later clean-up removes the marked rest");
    }

    /// Removing a previous output takes every file and folder of it, across folders and on
    /// several threads, and nothing a link in it points to.
    #[test]
    fn removing_an_old_output_takes_all_of_it_and_nothing_through_its_links() {
        let tmp = tempfile::tempdir().unwrap();
        let victim = tmp.path().join("victim");
        std::fs::create_dir_all(victim.join("deep")).unwrap();
        std::fs::write(victim.join("deep/x.html"), "victim").unwrap();
        let old = tmp.path().join(".site.gongbu-staging-1");
        let mut files: Vec<String> =
            (0..40).map(|i| format!("{}/{}/p{i}.html", ["a", "b", "c/d"][i % 3], i % 2)).collect();
        // A folder of several runs, as the search index's.
        files.extend((0..REMOVAL_RUN * 3 + 7).map(|i| format!("search/t{i}.js")));
        for rel in &files {
            std::fs::create_dir_all(old.join(rel).parent().unwrap()).unwrap();
            std::fs::write(old.join(rel), rel).unwrap();
        }
        std::os::unix::fs::symlink(&victim, old.join("a/linked")).unwrap();
        std::os::unix::fs::symlink(victim.join("deep/x.html"), old.join("c/x.html")).unwrap();
        write_manifest(&old, files.iter().map(String::as_str)).unwrap();

        remove_marked(&old).unwrap();
        assert!(!old.exists(), "the old output is gone");
        assert_eq!(std::fs::read_to_string(victim.join("deep/x.html")).unwrap(), "victim");
        assert_eq!(std::fs::read_dir(&victim).unwrap().count(), 1, "nothing removed through the links");
    }

    /// A sink remembers the folders it made: a file in one of them, or in a new folder below
    /// one, still lands where it should.
    #[test]
    fn a_dir_sink_makes_every_folder_a_file_needs() {
        let tmp = tempfile::tempdir().unwrap();
        let sink = DirSink::new(&tmp.path().join("out"));
        let source = tmp.path().join("source.txt");
        std::fs::write(&source, "copied").unwrap();
        let files = ["top.html", "x/a.html", "x/b.html", "x/y/z/c.html", "x/y/d.html", "x/y/z/e.html"];
        for rel in files {
            sink.write(rel, rel.as_bytes()).unwrap();
        }
        sink.copy("x/y/w/f.txt", &source).unwrap();
        sink.write_part("x/v/g.js", b"1", true).unwrap();
        sink.write_part("x/v/g.js", b"2", false).unwrap();
        let out = tmp.path().join("out");
        for rel in files {
            assert_eq!(std::fs::read_to_string(out.join(rel)).unwrap(), rel);
        }
        assert_eq!(std::fs::read_to_string(out.join("x/y/w/f.txt")).unwrap(), "copied");
        assert_eq!(std::fs::read_to_string(out.join("x/v/g.js")).unwrap(), "12");
    }

    #[test]
    fn refuses_output_that_contains_notes() {
        let tmp = tempfile::tempdir().unwrap();
        let notes = tmp.path().join("notes");
        std::fs::create_dir(&notes).unwrap();
        assert!(matches!(check_output(&notes, &notes, true), Err(WriteError::OutputContainsSource(_))));
        assert!(matches!(check_output(tmp.path(), &notes, true), Err(WriteError::OutputContainsSource(_))));
        assert!(check_output(&notes.join("public"), &notes, false).is_ok());
    }

    #[test]
    fn refuses_foreign_non_empty_output_unless_forced() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("site");
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join("mine.txt"), "keep").unwrap();
        let err = check_output(&out, tmp.path().join("notes").as_path(), false).unwrap_err();
        assert!(err.to_string().contains("--force"));
        assert!(check_output(&out, tmp.path().join("notes").as_path(), true).is_ok());
    }

    #[test]
    fn staging_replaces_output_only_on_commit() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");

        let first = Staging::create(&out, None).unwrap();
        first.write("a/new.html", b"new").unwrap();
        first.commit().unwrap();
        assert_eq!(std::fs::read_to_string(out.join("a/new.html")).unwrap(), "new");
        assert!(out.join(MARKER).is_file());

        let dropped = Staging::create(&out, None).unwrap();
        dropped.write("a/new.html", b"changed").unwrap();
        drop(dropped);
        assert_eq!(
            std::fs::read_to_string(out.join("a/new.html")).unwrap(),
            "new",
            "an abandoned build leaves the output alone"
        );
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1, "no staging folder left behind");
    }

    #[test]
    fn a_rebuild_moves_in_only_changes_and_removes_what_is_gone() {
        use std::os::unix::fs::MetadataExt;
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let first = Staging::create(&out, None).unwrap();
        for (rel, bytes) in [("same.html", "same"), ("edit.html", "old"), ("gone/old.html", "old")] {
            first.write(rel, bytes.as_bytes()).unwrap();
        }
        first.commit().unwrap();
        let inode = |rel: &str| std::fs::metadata(out.join(rel)).unwrap().ino();
        let same_before = inode("same.html");

        let second = Staging::create(&out, None).unwrap();
        second.write("same.html", b"same").unwrap();
        second.write("edit.html", b"new").unwrap();
        second.write("added/x.html", b"x").unwrap();
        second.commit().unwrap();
        assert_eq!(inode("same.html"), same_before, "an unchanged file is not rewritten");
        assert_eq!(std::fs::read_to_string(out.join("edit.html")).unwrap(), "new");
        assert_eq!(std::fs::read_to_string(out.join("added/x.html")).unwrap(), "x");
        assert!(!out.join("gone").exists(), "stale files and their empty folders are removed");
        assert!(out.join(MARKER).is_file());
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1, "staging folder removed");
    }
    #[test]
    fn a_manifest_names_only_paths_inside_the_output() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        std::fs::create_dir(&out).unwrap();
        assert_eq!(read_manifest(&out), None, "no file, no manifest");
        std::fs::write(out.join(MARKER), "generated by gongbu\n\"a.html\"\n").unwrap();
        assert_eq!(read_manifest(&out), None, "no header, no manifest");
        let lines =
            ["\"a.html\"", "\"sub/b.html\"", "\"../x\"", "\"/etc/passwd\"", "\"a//b\"", "\"./c\"", "\"\"", "garbage"];
        std::fs::write(out.join(MARKER), format!("{MANIFEST_HEADER}\n{}\n", lines.join("\n"))).unwrap();
        let listed: Vec<String> = read_manifest(&out).unwrap().into_iter().collect();
        assert_eq!(listed, ["a.html", "sub/b.html"]);

        write_manifest(&out, ["x\ny.html", "z.html"].into_iter()).unwrap();
        let listed: Vec<String> = read_manifest(&out).unwrap().into_iter().collect();
        assert_eq!(listed, ["x\ny.html", "z.html"], "any file name survives the round trip");

        let elsewhere = tmp.path().join("elsewhere");
        std::fs::rename(out.join(MARKER), &elsewhere).unwrap();
        std::os::unix::fs::symlink(&elsewhere, out.join(MARKER)).unwrap();
        assert_eq!(read_manifest(&out), None, "a link is not a manifest");
    }

    #[test]
    fn force_never_takes_over_a_folder_inside_the_notes() {
        let tmp = tempfile::tempdir().unwrap();
        let notes = tmp.path().join("notes");
        let chapter = notes.join("chapter");
        std::fs::create_dir_all(&chapter).unwrap();
        std::fs::write(chapter.join("figure.svg"), "<svg/>").unwrap();
        assert!(matches!(check_output(&chapter, &notes, true), Err(WriteError::OutputInsideSource(_))));
        std::fs::write(chapter.join("note.md"), "# note").unwrap();
        std::fs::write(chapter.join(MARKER), manifest_text(["note.md"].into_iter())).unwrap();
        assert!(
            matches!(check_output(&chapter, &notes, true), Err(WriteError::NotesInOutput(_))),
            "a forged manifest does not open notes to deletion"
        );
        assert!(check_output(&notes.join("public"), &notes, true).is_ok(), "a missing default output is fine");
        mark_output(&notes.join("public")).unwrap();
        std::fs::write(notes.join("public/page.html"), "page").unwrap();
        assert!(
            check_output(&notes.join("public"), &notes, false).is_ok(),
            "gongbu's own output inside the notes is fine"
        );
    }

    #[test]
    fn a_rebuild_keeps_what_gongbu_did_not_produce() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let first = Staging::create(&out, None).unwrap();
        first.write("page.html", b"page").unwrap();
        first.write("gone.html", b"gone").unwrap();
        first.commit().unwrap();
        std::fs::write(out.join("CNAME"), "example.org").unwrap();
        std::fs::create_dir_all(out.join(".well-known/empty")).unwrap();
        std::os::unix::fs::symlink("/nowhere", out.join("link")).unwrap();

        let second = Staging::create(&out, None).unwrap();
        second.write("page.html", b"page").unwrap();
        second.commit().unwrap();
        assert_eq!(std::fs::read_to_string(out.join("CNAME")).unwrap(), "example.org");
        assert!(out.join(".well-known/empty").is_dir());
        assert_eq!(
            std::fs::read_link(out.join("link")).unwrap(),
            Path::new("/nowhere"),
            "a link of the user's is kept as a link"
        );
        assert!(!out.join("gone.html").exists(), "what gongbu produced and no longer does is removed");
        assert_eq!(read_manifest(&out).unwrap().into_iter().collect::<Vec<_>>(), ["page.html"]);
    }

    #[test]
    fn staging_never_writes_through_a_symlink_in_the_output() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let victim = tmp.path().join("victim");
        std::fs::create_dir(&victim).unwrap();
        std::fs::write(victim.join("x.html"), "victim").unwrap();
        let first = Staging::create(&out, None).unwrap();
        first.write("top.html", b"top").unwrap();
        first.commit().unwrap();
        std::os::unix::fs::symlink(&victim, out.join("sub")).unwrap();

        let second = Staging::create(&out, None).unwrap();
        second.write("top.html", b"top").unwrap();
        second.write("sub/x.html", b"victim").unwrap();
        second.commit().unwrap();
        assert!(std::fs::symlink_metadata(out.join("sub")).unwrap().is_dir(), "the link became a real folder");
        assert_eq!(std::fs::read_to_string(out.join("sub/x.html")).unwrap(), "victim");
        assert_eq!(std::fs::read_dir(&victim).unwrap().count(), 1);
        assert_eq!(std::fs::read_to_string(victim.join("x.html")).unwrap(), "victim");
    }

    /// A file holds given bytes only when it has them all and nothing more.
    #[test]
    fn same_bytes_needs_the_whole_file() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("page.html");
        assert!(!same_bytes(&file, b""), "no file");
        std::fs::write(&file, "page").unwrap();
        assert!(same_bytes(&file, b"page"));
        assert!(!same_bytes(&file, b"pag"), "the file is longer");
        assert!(!same_bytes(&file, b"pages"), "the file is shorter");
        assert!(!same_bytes(&file, b"paGe"), "other bytes");
        std::fs::write(&file, "").unwrap();
        assert!(same_bytes(&file, b""));
    }

    /// A file given in parts (the Anki export of a session) is compared with the file in place
    /// across part and buffer boundaries: written when one byte differs anywhere, left alone
    /// when the same bytes come split otherwise.
    #[test]
    fn a_file_given_in_parts_is_written_only_when_its_bytes_differ() {
        use std::os::unix::fs::MetadataExt;
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        mark_output(&out).unwrap();
        let sink = UpdateSink::new(&out);
        let whole: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        let file = out.join("quiz/anki.csv");
        let split = |at: &[usize]| -> Vec<&[u8]> {
            let mut bounds = vec![0];
            bounds.extend(at);
            bounds.push(whole.len());
            bounds.windows(2).map(|w| &whole[w[0]..w[1]]).collect()
        };

        sink.write_joined("quiz/anki.csv", &split(&[10, 70_000, 70_001])).unwrap();
        assert_eq!(std::fs::read(&file).unwrap(), whole);
        let inode = std::fs::metadata(&file).unwrap().ino();
        sink.write_joined("quiz/anki.csv", &split(&[65_536, 131_000])).unwrap();
        assert_eq!(std::fs::metadata(&file).unwrap().ino(), inode, "the same bytes are not written again");

        for at in [0, 65_535, 65_536, 150_000, whole.len() - 1] {
            let mut other = whole.clone();
            other[at] ^= 1;
            let parts: Vec<&[u8]> = other.chunks(40_000).collect();
            sink.write_joined("quiz/anki.csv", &parts).unwrap();
            assert_eq!(std::fs::read(&file).unwrap(), other, "byte {at} differs");
        }
        std::fs::write(&file, [&whole[..], b"more"].concat()).unwrap();
        sink.write_joined("quiz/anki.csv", &split(&[])).unwrap();
        assert_eq!(std::fs::read(&file).unwrap(), whole, "a longer file is replaced");
        let changed: Vec<bool> = sink.take().into_iter().map(|(_, c)| c).collect();
        assert_eq!(changed, [true, false, true, true, true, true, true, true]);
        assert_eq!(read_manifest(&out).unwrap().into_iter().collect::<Vec<_>>(), ["quiz/anki.csv"]);
    }

    #[test]
    fn update_sink_replaces_links_and_files_whole() {
        use std::os::unix::fs::MetadataExt;
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let victim = tmp.path().join("victim");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::create_dir(&victim).unwrap();
        std::fs::write(victim.join("x.html"), "victim").unwrap();
        std::os::unix::fs::symlink(&victim, out.join("sub")).unwrap();
        std::fs::write(out.join("page.html"), "old").unwrap();
        let inode = std::fs::metadata(out.join("page.html")).unwrap().ino();

        mark_output(&out).unwrap();
        let sink = UpdateSink::new(&out);
        sink.write("sub/x.html", b"new").unwrap();
        sink.write("page.html", b"new").unwrap();
        sink.write("same.html", b"same").unwrap();
        sink.write("same.html", b"same").unwrap();
        assert_eq!(std::fs::read_to_string(victim.join("x.html")).unwrap(), "victim", "not written through the link");
        assert_eq!(std::fs::read_to_string(out.join("sub/x.html")).unwrap(), "new");
        assert_ne!(
            std::fs::metadata(out.join("page.html")).unwrap().ino(),
            inode,
            "a new file renamed over the old, not rewritten in place"
        );
        assert_eq!(std::fs::read_to_string(out.join("page.html")).unwrap(), "new");
        let changed: Vec<bool> = sink.take().into_iter().map(|(_, c)| c).collect();
        assert_eq!(changed, [true, true, true, false]);
        let listed: Vec<String> = read_manifest(&out).unwrap().into_iter().collect();
        assert_eq!(listed, ["same.html", "sub/x.html"], "new files are listed as they are created");
        let names: Vec<String> = walkdir::WalkDir::new(&out)
            .into_iter()
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert!(names.iter().all(|n| !n.contains(TEMP_TAG)), "no temp files left: {names:?}");

        std::fs::remove_file(out.join("sub/x.html")).unwrap();
        std::fs::remove_dir(out.join("sub")).unwrap();
        std::os::unix::fs::symlink(&victim, out.join("sub")).unwrap();
        assert!(!remove_generated(&out, "sub/x.html"), "nothing is deleted through a link");
        assert!(victim.join("x.html").is_file());
        assert!(!remove_generated(&out, "../victim/x.html"));
        assert!(sink.write("../victim/x.html", b"escape").is_err(), "no write leaves the output");
        assert!(Staging::create(&out, None).unwrap().write("a/../../victim/x.html", b"escape").is_err());
        assert_eq!(std::fs::read_to_string(victim.join("x.html")).unwrap(), "victim");
        assert!(remove_generated(&out, "page.html"));
    }
}
