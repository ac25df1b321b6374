//! Output: files go to a staging folder beside the output and replace it only when the whole
//! build succeeded, so a failed build never damages the previous site. Nothing gongbu did not
//! generate is ever deleted.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Marks a folder as gongbu's output, so a later build may replace it.
pub const MARKER: &str = ".gongbu-output";

/// Where rendered files go. Paths are relative to the output root, `/`-separated.
pub trait Sink: Sync {
    fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()>;
    fn copy(&self, rel: &str, from: &Path) -> io::Result<()>;
}

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("output folder {0} is the notes folder or contains it: choose another with --output")]
    OutputContainsSource(String),
    #[error("output folder {0} is not empty and was not made by gongbu; refusing to replace it (empty it yourself, choose another with --output, or pass --force to replace it)")]
    ForeignOutput(String),
    #[error("output {0} exists and is not a folder")]
    NotAFolder(String),
    #[error("{path}: {source}")]
    Io { path: String, source: io::Error },
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> WriteError + '_ {
    move |source| WriteError::Io { path: path.display().to_string(), source }
}

/// Refuse output folders that would put notes or foreign files at risk.
pub fn check_output(output: &Path, content: &Path, force: bool) -> Result<(), WriteError> {
    let out = crate::discover::canonical(output);
    let content = crate::discover::canonical(content);
    if content.starts_with(&out) {
        return Err(WriteError::OutputContainsSource(output.display().to_string()));
    }
    if out.exists() {
        if !out.is_dir() {
            return Err(WriteError::NotAFolder(output.display().to_string()));
        }
        let empty = std::fs::read_dir(&out).map_err(io_err(output))?.next().is_none();
        if !empty && !out.join(MARKER).is_file() && !force {
            return Err(WriteError::ForeignOutput(output.display().to_string()));
        }
    }
    Ok(())
}

/// A folder beside the output that receives a build and replaces the output on `commit`, and
/// is removed if dropped uncommitted. When an output already exists, only files whose bytes
/// differ from it are staged; `commit` moves those in and removes files the build no longer
/// produces, so unchanged files are neither rewritten nor re-created.
pub struct Staging {
    dir: DirSink,
    output: PathBuf,
    /// The output existed when the build started: stage only what changed.
    delta: bool,
    /// Every path the build produced, and whether it was staged (changed).
    produced: Mutex<Vec<(String, bool)>>,
    committed: bool,
}

impl Staging {
    pub fn create(output: &Path) -> Result<Staging, WriteError> {
        let output = crate::discover::canonical(output);
        let parent = output.parent().unwrap_or(Path::new("/")).to_path_buf();
        std::fs::create_dir_all(&parent).map_err(io_err(&parent))?;
        let name = output.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "public".into());
        let dir = parent.join(format!(".{name}.gongbu-staging-{}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir).map_err(io_err(&dir))?;
        }
        mark_output(&dir)?;
        let delta = output.is_dir();
        Ok(Staging { dir: DirSink::new(&dir), output, delta, produced: Mutex::new(Vec::new()), committed: false })
    }

    pub fn path(&self) -> &Path {
        &self.dir.root
    }

    fn record(&self, rel: &str, staged: bool) {
        self.produced.lock().unwrap_or_else(|e| e.into_inner()).push((rel.to_string(), staged));
    }

    /// Make the staged build the output. A first build swaps the whole folder in; a rebuild
    /// moves the changed files in, then removes the files no longer produced.
    pub fn commit(mut self) -> Result<(), WriteError> {
        if !self.delta {
            std::fs::rename(&self.dir.root, &self.output).map_err(io_err(&self.output))?;
            self.committed = true;
            return Ok(());
        }
        let produced = std::mem::take(&mut *self.produced.lock().unwrap_or_else(|e| e.into_inner()));
        for (rel, _) in produced.iter().filter(|(_, staged)| *staged) {
            let target = self.output.join(rel);
            if let Some(folder) = target.parent() {
                std::fs::create_dir_all(folder).map_err(io_err(folder))?;
            }
            std::fs::rename(self.dir.root.join(rel), &target).map_err(io_err(&target))?;
        }
        mark_output(&self.output)?;
        let keep: std::collections::HashSet<&str> = produced.iter().map(|(rel, _)| rel.as_str()).chain([MARKER]).collect();
        remove_unlisted(&self.output, &keep)?;
        self.committed = true;
        std::fs::remove_dir_all(&self.dir.root).map_err(io_err(&self.dir.root))
    }
}

/// Remove the files under `output` whose paths are not in `keep`, then the folders left empty.
fn remove_unlisted(output: &Path, keep: &std::collections::HashSet<&str>) -> Result<(), WriteError> {
    let entries: Vec<walkdir::DirEntry> = walkdir::WalkDir::new(output).contents_first(true).into_iter().filter_map(Result::ok).collect();
    for entry in entries {
        let path = entry.path();
        if path == output {
            continue;
        }
        if entry.file_type().is_dir() {
            // Only empty folders go; `remove_dir` refuses the others.
            let _ = std::fs::remove_dir(path);
            continue;
        }
        let rel = crate::discover::normalise_rel(path.strip_prefix(output).unwrap_or(path));
        if !keep.contains(rel.as_str()) {
            std::fs::remove_file(path).map_err(io_err(path))?;
        }
    }
    Ok(())
}

impl Sink for Staging {
    fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        let unchanged = self.delta && same_bytes(&self.output.join(rel), bytes);
        if !unchanged {
            self.dir.write(rel, bytes)?;
        }
        self.record(rel, !unchanged);
        Ok(())
    }

    fn copy(&self, rel: &str, from: &Path) -> io::Result<()> {
        let unchanged = self.delta && same_copy(from, &self.output.join(rel));
        if !unchanged {
            self.dir.copy(rel, from)?;
        }
        self.record(rel, !unchanged);
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.dir.root);
        }
    }
}

/// Create `dir` if needed and mark it as gongbu's output.
pub fn mark_output(dir: &Path) -> Result<(), WriteError> {
    let marker = dir.join(MARKER);
    std::fs::create_dir_all(dir).map_err(io_err(dir))?;
    if !marker.is_file() {
        std::fs::write(&marker, "This folder is generated by gongbu; each build replaces what it generated.\n").map_err(io_err(&marker))?;
    }
    Ok(())
}

/// `path` already holds exactly `bytes`.
fn same_bytes(path: &Path, bytes: &[u8]) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.len() == bytes.len() as u64) && std::fs::read(path).is_ok_and(|old| old == bytes)
}

/// `to` is a copy of `from` made after `from` last changed (same length, not older).
fn same_copy(from: &Path, to: &Path) -> bool {
    match (std::fs::metadata(from), std::fs::metadata(to)) {
        (Ok(src), Ok(dst)) => src.len() == dst.len() && dst.modified().ok() >= src.modified().ok(),
        _ => false,
    }
}

/// Writes under a folder, creating parent folders as needed.
pub struct DirSink {
    root: PathBuf,
}

impl DirSink {
    pub fn new(root: &Path) -> DirSink {
        DirSink { root: root.to_path_buf() }
    }

    fn target(&self, rel: &str) -> io::Result<PathBuf> {
        let path = self.root.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
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
}

/// Writes in place under the output folder, skipping files whose bytes are already there, and
/// remembers every path it was given: what `serve` uses so browsers reload only on real change.
pub struct UpdateSink {
    dir: DirSink,
    /// Every path given this run, and whether it changed on disk.
    pub touched: Mutex<Vec<(String, bool)>>,
}

impl UpdateSink {
    pub fn new(root: &Path) -> UpdateSink {
        UpdateSink { dir: DirSink::new(root), touched: Mutex::new(Vec::new()) }
    }

    fn record(&self, rel: &str, changed: bool) {
        self.touched.lock().unwrap_or_else(|e| e.into_inner()).push((rel.to_string(), changed));
    }

    pub fn take(&self) -> Vec<(String, bool)> {
        std::mem::take(&mut *self.touched.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

impl Sink for UpdateSink {
    fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        let same = same_bytes(&self.dir.root.join(rel), bytes);
        if !same {
            self.dir.write(rel, bytes)?;
        }
        self.record(rel, !same);
        Ok(())
    }

    fn copy(&self, rel: &str, from: &Path) -> io::Result<()> {
        let fresh = same_copy(from, &self.dir.root.join(rel));
        if !fresh {
            self.dir.copy(rel, from)?;
        }
        self.record(rel, !fresh);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

        let first = Staging::create(&out).unwrap();
        first.write("a/new.html", b"new").unwrap();
        first.commit().unwrap();
        assert_eq!(std::fs::read_to_string(out.join("a/new.html")).unwrap(), "new");
        assert!(out.join(MARKER).is_file());

        let dropped = Staging::create(&out).unwrap();
        dropped.write("a/new.html", b"changed").unwrap();
        drop(dropped);
        assert_eq!(std::fs::read_to_string(out.join("a/new.html")).unwrap(), "new", "an abandoned build leaves the output alone");
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1, "no staging folder left behind");
    }

    #[test]
    fn a_rebuild_moves_in_only_changes_and_removes_what_is_gone() {
        use std::os::unix::fs::MetadataExt;
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let first = Staging::create(&out).unwrap();
        for (rel, bytes) in [("same.html", "same"), ("edit.html", "old"), ("gone/old.html", "old")] {
            first.write(rel, bytes.as_bytes()).unwrap();
        }
        first.commit().unwrap();
        let inode = |rel: &str| std::fs::metadata(out.join(rel)).unwrap().ino();
        let same_before = inode("same.html");

        let second = Staging::create(&out).unwrap();
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
}
