//! Paths on disk as the build compares them: real (symlink-resolved) paths, and the
//! `/`-separated NFC form of a path relative to the notes or output folder. Leaf helpers used by
//! `config`, `discover`, `write` and the driver (they ask the OS to resolve links, and read or
//! write nothing).

use std::path::{Path, PathBuf};
use unicode_normalization::UnicodeNormalization;

/// Where `path` really is, even when it does not exist (yet): its longest existing ancestor
/// resolved through symlinks, then the rest of it with `.` and `..` applied.
pub(crate) fn real_path(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    let mut base = loop {
        if let Ok(real) = existing.canonicalize() {
            break real;
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            // `..` as the last component, or the filesystem root: resolve it lexically.
            _ => break PathBuf::new(),
        }
    };
    if base.as_os_str().is_empty() {
        rest.clear();
        for component in absolute.components() {
            match component {
                std::path::Component::ParentDir => {
                    base.pop();
                }
                std::path::Component::CurDir => {}
                other => base.push(other),
            }
        }
        return base;
    }
    for name in rest.into_iter().rev() {
        if name == ".." {
            base.pop();
        } else if name != "." {
            base.push(name);
        }
    }
    base
}

/// Whether the real path of `path` (through symlinks and `..`) lies inside that of `boundary`.
pub(crate) fn lies_inside(path: &Path, boundary: &Path) -> bool {
    real_path(path).starts_with(real_path(boundary))
}

/// `/`-separated, NFC-normalised relative path.
pub(crate) fn normalise_rel(rel: &Path) -> String {
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
    fn real_paths_of_missing_paths() {
        let tmp = tempfile::tempdir().unwrap();
        let base = tmp.path().canonicalize().unwrap();
        assert_eq!(real_path(&base.join("a/../b/./c")), base.join("b/c"));
        assert_eq!(real_path(&base.join("missing/../../x")), base.parent().unwrap().join("x"));
    }

    #[test]
    fn relative_paths_are_nfc_and_slashed() {
        let nfd = Path::new("\u{1112}\u{1161}\u{11AB}/note.md");
        assert_eq!(normalise_rel(nfd), "한/note.md");
    }
}
