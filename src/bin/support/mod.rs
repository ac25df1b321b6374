//! Helpers the benchmark binaries share (included with `#[path]`; not a binary of its own).

use std::path::{Path, PathBuf};

/// The `gongbu` binary to measure: the one given, else the one built next to this executable
/// (`target/release/gongbu` beside `target/release/bench`). Fails with how to build it.
pub fn gongbu_binary(given: Option<&Path>) -> Result<PathBuf, String> {
    let path = match given {
        Some(p) => p.to_path_buf(),
        None => {
            let exe = std::env::current_exe().map_err(|e| format!("locating this benchmark's binary: {e}"))?;
            exe.with_file_name(format!("gongbu{}", std::env::consts::EXE_SUFFIX))
        }
    };
    if !path.is_file() {
        return Err(format!(
            "gongbu binary not found at {} (build it with `cargo build --release`, or pass --gongbu)",
            path.display()
        ));
    }
    Ok(path)
}

/// Remove a folder and everything in it; a folder that is not there is fine.
pub fn remove_dir(dir: &Path) -> Result<(), String> {
    match std::fs::remove_dir_all(dir) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(format!("removing {}: {e}", dir.display())),
        _ => Ok(()),
    }
}
