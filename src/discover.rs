//! Which files under the notes folder are notes, which are assets, and which are ignored.
//! The only stage besides `write` that touches the disk; never reads the output folder.

use std::path::{Path, PathBuf};
use unicode_normalization::UnicodeNormalization;
use walkdir::WalkDir;

/// One file found under the notes folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Path from the notes folder, `/`-separated and NFC-normalised (macOS writes NFD names).
    pub rel: String,
    pub abs: PathBuf,
}

/// Everything a build reads, sorted by path so builds are deterministic.
#[derive(Debug, Default)]
pub struct Sources {
    pub notes: Vec<SourceFile>,
    pub assets: Vec<SourceFile>,
    /// Entries that could not be read (a symlink loop, a folder without permission): warnings,
    /// so one bad corner does not stop the rest of the notes from building.
    pub skipped: Vec<crate::diagnostics::Diagnostic>,
}

/// How a file takes part in the site, decided from its name alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Note,
    Asset,
    Ignored,
}

/// Notes are Markdown files; hidden files and folders (`.git`, `.obsidian`, editor swap files)
/// are ignored; everything else is copied as an asset.
pub fn classify(rel: &str) -> FileKind {
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

#[derive(Debug, thiserror::Error)]
#[error("{path}: cannot read folder: {source}")]
pub struct DiscoverError {
    pub path: String,
    pub source: walkdir::Error,
}

/// Walk `content_dir`, skipping `output_dir` (and, for a site root, anything under `skip`).
pub fn scan(content_dir: &Path, skip: &[&Path]) -> Result<Sources, DiscoverError> {
    let skip: Vec<PathBuf> = skip.iter().map(|p| canonical(p)).collect();
    let root = canonical(content_dir);
    let mut sources = Sources::default();
    let walker = WalkDir::new(&root).follow_links(true).sort_by_file_name().into_iter();
    let walker = walker.filter_entry(|entry| {
        let is_hidden = entry.depth() > 0 && entry.file_name().to_string_lossy().starts_with('.');
        !is_hidden && !skip.iter().any(|s| entry.path() == s)
    });
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            // The notes folder itself must be readable; anything below it may be skipped.
            Err(source) if source.depth() == 0 => {
                return Err(DiscoverError { path: source.path().unwrap_or(&root).display().to_string(), source });
            }
            Err(source) => {
                let shown = source.path().and_then(|p| p.strip_prefix(&root).ok()).map_or_else(|| root.display().to_string(), normalise_rel);
                let reason = source.io_error().map_or_else(|| source.to_string(), |e| e.to_string());
                let reason = if source.loop_ancestor().is_some() { "symbolic link loop".to_string() } else { reason };
                sources.skipped.push(crate::diagnostics::Diagnostic::warning(shown, 0, format!("skipped: {reason}")));
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(&root) else { continue };
        let rel = normalise_rel(rel);
        let file = SourceFile { rel, abs: entry.path().to_path_buf() };
        match classify(&file.rel) {
            FileKind::Note => sources.notes.push(file),
            FileKind::Asset => sources.assets.push(file),
            FileKind::Ignored => {}
        }
    }
    Ok(sources)
}

/// `/`-separated, NFC-normalised relative path.
pub fn normalise_rel(rel: &Path) -> String {
    let parts: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().nfc().collect()).collect();
    parts.join("/")
}

/// Absolute, symlink-resolved form for comparisons; the path itself when it does not exist yet.
pub fn canonical(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| {
        if path.is_absolute() {
            path.to_path_buf()
        } else {
            std::env::current_dir().map(|d| d.join(path)).unwrap_or_else(|_| path.to_path_buf())
        }
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

    #[test]
    fn relative_paths_are_nfc_and_slashed() {
        let nfd = Path::new("\u{1112}\u{1161}\u{11AB}/note.md");
        assert_eq!(normalise_rel(nfd), "한/note.md");
    }
}
