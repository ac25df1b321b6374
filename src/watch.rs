//! File-system watching: notify events debounced into batches of changed paths.
//!
//! Folders are watched recursively (never single files), so the rename-over saves of vim,
//! VS Code and JetBrains are seen. A watched *file* is watched through its folder, and only its
//! own events are kept. Events are collected until [`QUIET`] passes without one, or [`MAX_WAIT`]
//! after the first, then sent as one [`Batch`]. Which paths matter is for the caller to decide.

use notify::event::{EventKind, MetadataKind, ModifyKind};
use notify::{Event, RecursiveMode, Watcher as _};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

/// A batch is sent once no event came for this long...
pub const QUIET: Duration = Duration::from_millis(30);
/// ...or this long after its first event, whichever is first.
pub const MAX_WAIT: Duration = Duration::from_millis(200);
/// How often `--poll` scans the watched folders.
pub const POLL_INTERVAL: Duration = Duration::from_millis(250);

/// Paths that changed (created, modified, removed, or either side of a rename).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Batch {
    pub paths: Vec<PathBuf>,
    /// Events were lost (the kernel queue overflowed): treat everything as changed.
    pub rescan: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    #[error(
        "too many folders to watch: the inotify watch limit is reached.\n\
         Raise it for this boot:   sudo sysctl fs.inotify.max_user_watches=524288\n\
         and keep it after reboot: echo fs.inotify.max_user_watches=524288 | sudo tee /etc/sysctl.d/90-gongbu.conf && sudo sysctl --system\n\
         or run `gongbu serve --poll` (scans for changes instead; slower)"
    )]
    Limit,
    #[error("cannot watch {path}: {source}")]
    Notify { path: String, source: notify::Error },
}

/// Watches until dropped; then the batch channel closes.
pub struct Watcher {
    _inner: Box<dyn notify::Watcher + Send>,
}

/// Watch `paths` (folders recursively; files through their folder) and send debounced batches
/// to `batches`. `poll` scans instead of using the OS's notification API.
pub fn watch(paths: &[PathBuf], poll: bool, batches: mpsc::Sender<Batch>) -> Result<Watcher, WatchError> {
    let mut folders = Vec::new();
    let mut files = Vec::new();
    for path in paths {
        let path = path.canonicalize().unwrap_or_else(|_| path.clone());
        if path.is_dir() {
            folders.push(path);
        } else if path.parent().is_some() {
            files.push(path);
        }
    }
    let (events, raw) = mpsc::channel::<notify::Result<Event>>();
    let handler = move |event: notify::Result<Event>| {
        let _ = events.send(event);
    };
    let mut inner: Box<dyn notify::Watcher + Send> = if poll {
        let config = notify::Config::default().with_poll_interval(POLL_INTERVAL);
        Box::new(notify::PollWatcher::new(handler, config).map_err(|e| error("", e))?)
    } else {
        Box::new(notify::RecommendedWatcher::new(handler, notify::Config::default()).map_err(|e| error("", e))?)
    };
    for folder in &folders {
        inner.watch(folder, RecursiveMode::Recursive).map_err(|e| error(&folder.display().to_string(), e))?;
    }
    for file in &files {
        let parent = file.parent().expect("checked above");
        if !folders.iter().any(|f| parent.starts_with(f)) {
            inner.watch(parent, RecursiveMode::NonRecursive).map_err(|e| error(&parent.display().to_string(), e))?;
        }
    }
    let wanted = move |path: &Path| folders.iter().any(|f| path.starts_with(f)) || files.iter().any(|f| f == path);
    thread::Builder::new()
        .name("gongbu-watch".into())
        .spawn(move || debounce(raw, wanted, batches))
        .expect("spawn the watch thread");
    Ok(Watcher { _inner: inner })
}

fn error(path: &str, source: notify::Error) -> WatchError {
    let limit = matches!(source.kind, notify::ErrorKind::MaxFilesWatch)
        || matches!(&source.kind, notify::ErrorKind::Io(e) if e.raw_os_error() == Some(28 /* ENOSPC */));
    if limit {
        WatchError::Limit
    } else {
        WatchError::Notify { path: path.to_string(), source }
    }
}

/// Collect events into batches until the watcher goes away.
fn debounce(raw: mpsc::Receiver<notify::Result<Event>>, wanted: impl Fn(&Path) -> bool, batches: mpsc::Sender<Batch>) {
    let mut warned = false;
    // Add an event's paths to `batch`; true if it contributed anything.
    let mut take = |event: notify::Result<Event>, batch: &mut BTreeSet<PathBuf>, rescan: &mut bool| -> bool {
        let event = match event {
            Ok(event) => event,
            Err(e) => {
                let e = error("", e);
                if !warned || !matches!(e, WatchError::Limit) {
                    eprintln!("warning: {e}");
                }
                warned |= matches!(e, WatchError::Limit);
                return false;
            }
        };
        if event.need_rescan() {
            *rescan = true;
            return true;
        }
        let counts = match event.kind {
            EventKind::Create(_) | EventKind::Remove(_) | EventKind::Any => true,
            // `--poll` reports edits as a new write time; access times and permissions do
            // not change what is built.
            EventKind::Modify(ModifyKind::Metadata(MetadataKind::WriteTime)) => true,
            EventKind::Modify(ModifyKind::Metadata(_)) => false,
            EventKind::Modify(_) => true,
            EventKind::Access(_) | EventKind::Other => false,
        };
        let before = batch.len();
        if counts {
            batch.extend(event.paths.into_iter().filter(|p| wanted(p)));
        }
        batch.len() > before
    };
    loop {
        let mut paths = BTreeSet::new();
        let mut rescan = false;
        // Wait for the first event that counts.
        loop {
            match raw.recv() {
                Ok(event) => {
                    if take(event, &mut paths, &mut rescan) {
                        break;
                    }
                }
                Err(_) => return,
            }
        }
        let first = Instant::now();
        let mut last = first;
        let closed = loop {
            let deadline = (last + QUIET).min(first + MAX_WAIT);
            match raw.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                Ok(event) => {
                    if take(event, &mut paths, &mut rescan) {
                        last = Instant::now();
                    }
                }
                Err(RecvTimeoutError::Timeout) => break false,
                Err(RecvTimeoutError::Disconnected) => break true,
            }
        };
        if batches.send(Batch { paths: paths.into_iter().collect(), rescan }).is_err() || closed {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn next(batches: &mpsc::Receiver<Batch>) -> Batch {
        batches.recv_timeout(Duration::from_secs(10)).expect("a batch within 10 s")
    }

    #[test]
    fn writes_renames_and_removals_arrive_as_batches() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().canonicalize().unwrap();
        std::fs::create_dir(dir.join("sub")).unwrap();
        let (tx, rx) = mpsc::channel();
        let _watcher = watch(std::slice::from_ref(&dir), false, tx).unwrap();

        std::fs::write(dir.join("sub/a.md"), "# A\n").unwrap();
        assert!(next(&rx).paths.contains(&dir.join("sub/a.md")));

        std::fs::write(dir.join("sub/a.md.tmp"), "# A2\n").unwrap();
        std::fs::rename(dir.join("sub/a.md.tmp"), dir.join("sub/a.md")).unwrap();
        let mut seen = BTreeSet::new();
        while !seen.contains(&dir.join("sub/a.md")) {
            seen.extend(next(&rx).paths);
        }
        assert!(seen.contains(&dir.join("sub/a.md.tmp")), "{seen:?}");

        std::fs::remove_file(dir.join("sub/a.md")).unwrap();
        assert!(next(&rx).paths.contains(&dir.join("sub/a.md")));
    }

    #[test]
    fn a_burst_is_one_batch_or_few() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().canonicalize().unwrap();
        let (tx, rx) = mpsc::channel();
        let _watcher = watch(std::slice::from_ref(&dir), false, tx).unwrap();
        for i in 0..200 {
            std::fs::write(dir.join(format!("{i}.md")), "x").unwrap();
        }
        let mut seen = BTreeSet::new();
        let mut batches = 0;
        while seen.len() < 200 {
            seen.extend(next(&rx).paths);
            batches += 1;
        }
        assert!(batches <= 20, "{batches} batches");
    }

    #[test]
    fn the_watch_limit_says_how_to_raise_it() {
        let enospc = notify::Error::io(std::io::Error::from_raw_os_error(28));
        for e in [notify::Error::new(notify::ErrorKind::MaxFilesWatch), enospc] {
            let message = error("/notes", e).to_string();
            assert!(message.contains("sudo sysctl fs.inotify.max_user_watches=524288"), "{message}");
            assert!(message.contains("/etc/sysctl.d/") && message.contains("--poll"), "{message}");
        }
    }

    #[test]
    fn a_watched_file_is_watched_through_its_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().canonicalize().unwrap();
        std::fs::write(dir.join("gongbu.toml"), "").unwrap();
        let (tx, rx) = mpsc::channel();
        let _watcher = watch(&[dir.join("gongbu.toml")], false, tx).unwrap();
        std::fs::write(dir.join("other.txt"), "x").unwrap();
        std::fs::write(dir.join("gongbu.toml"), "title = \"x\"\n").unwrap();
        assert_eq!(next(&rx).paths, [dir.join("gongbu.toml")]);
    }
}
