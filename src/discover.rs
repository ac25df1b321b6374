//! Which files under the notes folder are notes, which are assets, and which are ignored.
//! With `theme` (which reads the template files found here), the only stage besides `write`
//! that touches the disk; never reads the output folder.
//!
//! Nothing whose real path lies outside the folder being published is read: a symlink is
//! followed only when its target (resolved through every link and `..`) stays inside that
//! boundary, and every file handed on carries its real path, so the reader opens exactly what
//! was checked. FIFOs, sockets and devices are never opened (a FIFO would stall the build).
//! Each entry left out is a warning pinned to its path.

use crate::diagnostics::Diagnostic;
use crate::paths::{canonical, normalise_rel, real_path};
use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// One file found under the notes folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SourceFile {
    /// Path from the notes folder, `/`-separated and NFC-normalised (macOS writes NFD names).
    pub rel: String,
    /// Real path (symlinks resolved), checked to lie inside the folder being published.
    pub abs: PathBuf,
}

/// Everything a build reads, sorted by path so builds are deterministic.
#[derive(Debug, Default)]
pub(crate) struct Sources {
    pub notes: Vec<SourceFile>,
    pub assets: Vec<SourceFile>,
    /// Entries that were left out (a symlink loop or one leading outside, a folder without
    /// permission, a FIFO): warnings, so one bad corner does not stop the rest from building.
    pub skipped: Vec<Diagnostic>,
}

/// How a file takes part in the site, decided from its name alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FileKind {
    Note,
    Asset,
    Ignored,
}

/// Notes are Markdown files; hidden files and folders (`.git`, `.obsidian`, editor swap files)
/// are ignored; everything else is copied as an asset.
pub(crate) fn classify(rel: &str) -> FileKind {
    let hidden = rel.split('/').any(|part| part.starts_with('.') || part.ends_with('~'));
    if hidden {
        return FileKind::Ignored;
    }
    let lower = rel.to_lowercase();
    if lower.ends_with(".md") || lower.ends_with(".markdown") {
        FileKind::Note
    } else {
        FileKind::Asset
    }
}

/// Why the notes folder could not be scanned (single unreadable entries are only skipped).
#[derive(Debug, thiserror::Error)]
pub enum DiscoverError {
    /// The notes folder itself could not be listed.
    #[error("{path}: cannot read folder: {source}")]
    Walk {
        /// The folder that could not be read.
        path: String,
        /// The underlying walk error.
        source: walkdir::Error,
    },
    /// The folder to publish is itself (through a symlink or `..`) outside its boundary.
    #[error("{path}: refusing to read it: its real path {real} lies outside {boundary}")]
    Outside {
        /// The folder as given.
        path: String,
        /// Where it really is, symlinks and `..` resolved.
        real: String,
        /// The folder it must stay inside.
        boundary: String,
    },
}

/// Walk `content_dir`, skipping `skip` (the output folder). Nothing outside `content_dir` is read.
pub(crate) fn scan(content_dir: &Path, skip: &[&Path]) -> Result<Sources, DiscoverError> {
    scan_within(content_dir, content_dir, skip)
}

/// Walk `dir`, admitting only files whose real path lies inside `boundary` (the notes folder
/// for notes; the site root for its `static/` and `templates/` folders).
pub(crate) fn scan_within(dir: &Path, boundary: &Path, skip: &[&Path]) -> Result<Sources, DiscoverError> {
    let skip: Vec<PathBuf> = skip.iter().map(|p| canonical(p)).collect();
    check_inside(dir, boundary)?;
    let boundary = canonical(boundary);
    let root = canonical(dir);
    let outside = if boundary == root { "the notes folder" } else { "the site root" };
    let mut sources = Sources::default();
    // Every name kept (NFC), with the spelling it has on disk.
    let mut seen: HashMap<String, String> = HashMap::new();
    // Real path of the folder at each depth of the walk: the real path of an entry that is not
    // a symlink is its folder's real path plus its name, so only links need resolving.
    let mut real_dirs: Vec<PathBuf> = vec![root.clone()];
    let mut walker = WalkDir::new(&root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| !(entry.depth() > 0 && entry.file_name().to_string_lossy().starts_with('.')));
    while let Some(entry) = walker.next() {
        let entry = match entry {
            Ok(entry) => entry,
            // The notes folder itself must be readable; anything below it may be skipped.
            Err(source) if source.depth() == 0 => {
                return Err(DiscoverError::Walk { path: source.path().unwrap_or(&root).display().to_string(), source });
            }
            Err(source) => {
                let shown = source
                    .path()
                    .and_then(|p| p.strip_prefix(&root).ok())
                    .map_or_else(|| root.display().to_string(), normalise_rel);
                let reason = source.io_error().map_or_else(|| source.to_string(), |e| e.to_string());
                let reason = if source.loop_ancestor().is_some() { "symbolic link loop".to_string() } else { reason };
                sources.skipped.push(Diagnostic::warning(shown, 0, format!("skipped: {reason}")));
                continue;
            }
        };
        let depth = entry.depth();
        if depth == 0 {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(&root) else { continue };
        let rel = normalise_rel(rel);
        let is_dir = entry.file_type().is_dir();
        let parent = real_dirs.get(depth - 1).cloned().unwrap_or_else(|| root.clone());
        let real = if entry.path_is_symlink() {
            match entry.path().canonicalize() {
                Ok(real) => real,
                Err(e) => {
                    sources.skipped.push(Diagnostic::warning(rel, 0, format!("skipped: {e}")));
                    skip_dir(&mut walker, is_dir);
                    continue;
                }
            }
        } else {
            parent.join(entry.file_name())
        };
        if !real.starts_with(&boundary) {
            sources.skipped.push(outside_warning(rel, &real, outside));
            skip_dir(&mut walker, is_dir);
            continue;
        }
        if skip.contains(&real) {
            skip_dir(&mut walker, is_dir);
            continue;
        }
        if is_dir {
            real_dirs.truncate(depth);
            real_dirs.push(real);
            continue;
        }
        let kind = classify(&rel);
        if !entry.file_type().is_file() {
            if kind != FileKind::Ignored {
                sources.skipped.push(special_warning(rel, &entry.file_type()));
            }
            continue;
        }
        // The name as it is on disk, which may be decomposed (NFD) where `rel` is NFC.
        let on_disk =
            entry.path().strip_prefix(&root).map_or_else(|_| rel.clone(), |raw| raw.to_string_lossy().into_owned());
        if kind != FileKind::Ignored {
            if let Some(kept) = seen.get(&rel) {
                // Two names that differ only in their Unicode form (NFC and NFD): the walk is
                // in byte order of the names on disk, so the same one wins every time. The
                // message shows both names as they are on disk.
                let form = |name: &str| if *name == rel { "NFC" } else { "a decomposed (NFD) form" };
                let message = format!(
                    "skipped: this file's name `{on_disk}` (in {}) is the same as that of `{kept}` (in {}) once both are normalised; the first in byte order of the names on disk is used",
                    form(&on_disk),
                    form(kept)
                );
                sources.skipped.push(Diagnostic::warning(rel.clone(), 0, message));
                continue;
            }
            seen.insert(rel.clone(), on_disk);
        }
        let file = SourceFile { rel, abs: real };
        match kind {
            FileKind::Note => sources.notes.push(file),
            FileKind::Asset => sources.assets.push(file),
            FileKind::Ignored => {}
        }
    }
    Ok(sources)
}

fn skip_dir<I>(walker: &mut walkdir::FilterEntry<walkdir::IntoIter, I>, is_dir: bool)
where
    I: FnMut(&walkdir::DirEntry) -> bool,
{
    if is_dir {
        walker.skip_current_dir();
    }
}

/// The warning for an entry left out because its real path lies outside `outside`.
fn outside_warning(rel: String, real: &Path, outside: &str) -> Diagnostic {
    let message = format!("skipped: a symbolic link to {}, outside {outside}", real.display());
    Diagnostic::warning(rel, 0, message)
}

/// The warning for an entry left out because it is not a regular file (never opened).
fn special_warning(rel: String, kind: &std::fs::FileType) -> Diagnostic {
    Diagnostic::warning(rel, 0, format!("skipped: {}, not a regular file", special_kind(kind)))
}

/// What a file that is neither a regular file nor a folder is, for messages.
fn special_kind(kind: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if kind.is_socket() {
            return "a socket";
        }
        if kind.is_block_device() || kind.is_char_device() {
            return "a device";
        }
    }
    let _ = kind;
    "a special file"
}

/// Check one path found while serving (a created or changed file) the way `scan` checks what it
/// walks: `Ok(Some(real path))` for a regular file inside `boundary`, `Ok(None)` when it is gone,
/// and a warning for a link leading outside or a special file.
pub(crate) fn admit(boundary: &Path, path: &Path, rel: &str) -> Result<Option<PathBuf>, Diagnostic> {
    let Ok(real) = path.canonicalize() else { return Ok(None) };
    let boundary = canonical(boundary);
    if !real.starts_with(&boundary) {
        return Err(outside_warning(rel.to_string(), &real, "the notes folder"));
    }
    match std::fs::metadata(&real) {
        Ok(meta) if meta.is_file() => Ok(Some(real)),
        Ok(meta) if meta.is_dir() => Ok(None),
        Ok(meta) => Err(special_warning(rel.to_string(), &meta.file_type())),
        Err(_) => Ok(None),
    }
}

/// Read a file `scan` or `admit` found. The last component is not followed and a file that
/// turned into a FIFO or device since it was checked is refused, not waited on.
pub(crate) fn read_source(path: &Path) -> std::io::Result<Vec<u8>> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    let mut file = options.open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("{}, not a regular file", special_kind(&meta.file_type())),
        ));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Refuse a folder whose real path (through symlinks and `..`) lies outside `boundary`.
pub(crate) fn check_inside(dir: &Path, boundary: &Path) -> Result<(), DiscoverError> {
    let (real, boundary) = (real_path(dir), real_path(boundary));
    if real.starts_with(&boundary) {
        return Ok(());
    }
    Err(DiscoverError::Outside {
        path: dir.display().to_string(),
        real: real.display().to_string(),
        boundary: boundary.display().to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_by_name() {
        assert_eq!(classify("a/b.md"), FileKind::Note);
        assert_eq!(classify("README.MD"), FileKind::Note);
        assert_eq!(classify("x.markdown"), FileKind::Note);
        assert_eq!(classify("img/그림 1.PNG"), FileKind::Asset);
        assert_eq!(classify(".git/config"), FileKind::Ignored);
        assert_eq!(classify("a/.note.md.swp"), FileKind::Ignored);
        assert_eq!(classify("a/note.md~"), FileKind::Ignored);
    }

    #[test]
    fn a_symlink_loop_is_skipped_with_a_warning() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir(tmp.path().join("a")).unwrap();
        std::fs::write(tmp.path().join("a/n.md"), "# N").unwrap();
        std::os::unix::fs::symlink("..", tmp.path().join("a/up")).unwrap();
        let found = scan(tmp.path(), &[]).unwrap();
        assert_eq!(found.notes.len(), 1);
        assert_eq!(found.skipped.len(), 1);
        assert_eq!(found.skipped[0].to_string(), "a/up: warning: skipped: symbolic link loop");
    }

    /// A notes folder beside a secret: `(tmp, notes folder, secret file)`.
    fn notes_beside_a_secret() -> (tempfile::TempDir, PathBuf, PathBuf) {
        let tmp = tempfile::tempdir().unwrap();
        let notes = tmp.path().join("notes");
        std::fs::create_dir_all(notes.join("inner")).unwrap();
        std::fs::write(notes.join("a.md"), "# A").unwrap();
        std::fs::write(notes.join("inner/b.md"), "# B").unwrap();
        std::fs::create_dir(tmp.path().join("private")).unwrap();
        let secret = tmp.path().join("private/id_rsa");
        std::fs::write(&secret, "SECRET").unwrap();
        (tmp, notes, secret)
    }

    fn shown(found: &Sources) -> (Vec<&str>, Vec<String>) {
        let files = found.notes.iter().chain(&found.assets).map(|f| f.rel.as_str()).collect();
        (files, found.skipped.iter().map(|d| d.to_string()).collect())
    }

    #[test]
    fn links_leading_outside_are_skipped_with_a_warning() {
        use std::os::unix::fs::symlink;
        let (tmp, notes, secret) = notes_beside_a_secret();
        let private = tmp.path().join("private");
        symlink(&secret, notes.join("key.txt")).unwrap();
        symlink(&private, notes.join("etcdir")).unwrap();
        symlink(notes.join("key.txt"), notes.join("link-to-link.md")).unwrap();
        symlink("../../private/id_rsa", notes.join("inner/dotdot.md")).unwrap();
        symlink("inner/../../private", notes.join("chain")).unwrap();
        // A folder inside that is a link to another folder inside, holding a link out.
        std::fs::create_dir(notes.join("real")).unwrap();
        symlink(&secret, notes.join("real/deep.png")).unwrap();
        symlink(notes.join("real"), notes.join("alias")).unwrap();
        let found = scan(&notes, &[]).unwrap();
        let (files, skipped) = shown(&found);
        assert_eq!(files, ["a.md", "inner/b.md"]);
        let names: Vec<&str> = found.skipped.iter().map(|d| d.file.as_str()).collect();
        assert_eq!(
            names,
            ["alias/deep.png", "chain", "etcdir", "inner/dotdot.md", "key.txt", "link-to-link.md", "real/deep.png"],
            "{skipped:#?}"
        );
        assert!(
            skipped
                .iter()
                .all(|s| s.contains(": warning: skipped: a symbolic link to ")
                    && s.ends_with("outside the notes folder")),
            "{skipped:#?}"
        );
        assert!(found.notes.iter().chain(&found.assets).all(|f| f.abs.starts_with(notes.canonicalize().unwrap())));
    }

    #[test]
    fn links_that_stay_inside_are_followed_and_carry_their_real_path() {
        use std::os::unix::fs::symlink;
        let (_tmp, notes, _) = notes_beside_a_secret();
        symlink("a.md", notes.join("same.md")).unwrap();
        symlink("inner", notes.join("alias")).unwrap();
        let found = scan(&notes, &[]).unwrap();
        let (files, skipped) = shown(&found);
        assert_eq!(files, ["a.md", "alias/b.md", "inner/b.md", "same.md"]);
        assert!(skipped.is_empty(), "{skipped:?}");
        let real = notes.canonicalize().unwrap();
        let abs: Vec<&Path> = found.notes.iter().map(|f| f.abs.as_path()).collect();
        assert_eq!(abs, [real.join("a.md"), real.join("inner/b.md"), real.join("inner/b.md"), real.join("a.md")]);
    }

    #[test]
    fn a_notes_folder_that_is_itself_a_link_is_walked_where_it_points() {
        let (tmp, notes, _) = notes_beside_a_secret();
        let link = tmp.path().join("link");
        std::os::unix::fs::symlink(&notes, &link).unwrap();
        let found = scan(&link, &[]).unwrap();
        assert_eq!(shown(&found).0, ["a.md", "inner/b.md"]);
    }

    #[test]
    fn static_folders_may_link_inside_the_site_root_only() {
        use std::os::unix::fs::symlink;
        let (tmp, notes, secret) = notes_beside_a_secret();
        let static_dir = notes.join("static");
        std::fs::create_dir(&static_dir).unwrap();
        symlink(notes.join("a.md"), static_dir.join("ok.css")).unwrap();
        symlink(&secret, static_dir.join("leak.css")).unwrap();
        let found = scan_within(&static_dir, &notes, &[]).unwrap();
        assert_eq!(shown(&found).0, ["ok.css"]);
        assert_eq!(found.skipped.len(), 1);
        assert!(
            found.skipped[0].to_string().starts_with("leak.css: warning: skipped: a symbolic link to ")
                && found.skipped[0].message.ends_with("outside the site root"),
            "{:?}",
            found.skipped
        );
        symlink(tmp.path().join("private"), notes.join("elsewhere")).unwrap();
        let err = scan_within(&notes.join("elsewhere"), &notes, &[]).unwrap_err();
        assert!(err.to_string().contains("outside"), "{err}");
    }

    #[test]
    fn special_files_are_skipped_without_being_opened() {
        let (_tmp, notes, _) = notes_beside_a_secret();
        let fifo = notes.join("pipe.md");
        let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
        std::os::unix::fs::symlink("pipe.md", notes.join("to-pipe.txt")).unwrap();
        let found = scan(&notes, &[]).unwrap();
        let (files, skipped) = shown(&found);
        assert_eq!(files, ["a.md", "inner/b.md"]);
        assert_eq!(
            skipped,
            [
                "pipe.md: warning: skipped: a FIFO (named pipe), not a regular file",
                "to-pipe.txt: warning: skipped: a FIFO (named pipe), not a regular file"
            ]
        );
        // Reading one directly fails at once instead of waiting for a writer.
        let err = read_source(&fifo).unwrap_err();
        assert!(err.to_string().contains("FIFO"), "{err}");
        assert!(admit(&notes, &fifo, "pipe.md").is_err());
    }

    #[test]
    fn admit_checks_a_single_path_like_scan() {
        let (_tmp, notes, secret) = notes_beside_a_secret();
        std::os::unix::fs::symlink(&secret, notes.join("key.md")).unwrap();
        let refused = admit(&notes, &notes.join("key.md"), "key.md").unwrap_err();
        assert!(refused.to_string().starts_with("key.md: warning: skipped: a symbolic link to "), "{refused}");
        assert_eq!(
            admit(&notes, &notes.join("a.md"), "a.md").unwrap(),
            Some(notes.canonicalize().unwrap().join("a.md"))
        );
        assert_eq!(admit(&notes, &notes.join("gone.md"), "gone.md").unwrap(), None);
        let err = read_source(&notes.join("key.md")).unwrap_err();
        assert_eq!(err.raw_os_error(), Some(libc::ELOOP), "the last component is never followed");
    }

    #[test]
    fn names_equal_after_nfc_keep_the_first_in_byte_order() {
        let tmp = tempfile::tempdir().unwrap();
        let (nfc, nfd) = ("\u{d55c}.md", "\u{1112}\u{1161}\u{11AB}.md");
        std::fs::write(tmp.path().join(nfc), "# NFC").unwrap();
        std::fs::write(tmp.path().join(nfd), "# NFD").unwrap();
        let found = scan(tmp.path(), &[]).unwrap();
        assert_eq!(found.notes.len(), 1);
        // U+1112 (e1 84 92) sorts before U+D55C (ed 95 9c).
        assert_eq!(std::fs::read_to_string(&found.notes[0].abs).unwrap(), "# NFD");
        assert_eq!(found.skipped.len(), 1);
        let expected = "\u{d55c}.md: warning: skipped: this file's name `\u{d55c}.md` (in NFC) is the same as that of `\u{1112}\u{1161}\u{11AB}.md` (in a decomposed (NFD) form) once both are normalised";
        assert!(found.skipped[0].to_string().starts_with(expected), "{:?}", found.skipped);
    }
}
