//! File-system watching: notify events debounced into batches of changed paths.
//!
//! Folders are watched recursively (never single files), so the rename-over saves of vim,
//! VS Code and JetBrains are seen. A watched *file* is watched through its folder, and only its
//! own events are kept. Events are collected until [`QUIET`] passes without one, or [`MAX_WAIT`]
//! after the first, then sent as one [`Batch`]. Which paths matter is for the caller to decide.
//!
//! A watched folder that is deleted takes its OS watch with it, and one created again at the
//! same path (`rm -rf notes && git clone …`, a branch switch, a restore) would never be seen.
//! So when a watched folder itself is removed or renamed, or is found missing after a batch,
//! it is checked every [`REARM_CHECK`]; once it is there again its watch is set up anew and a
//! batch with `rescan` follows, since what it now holds arrived unwatched.

use notify::event::{EventKind, MetadataKind, ModifyKind};
use notify::{Event, RecursiveMode, Watcher as _};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex, Weak};
use std::thread;
use std::time::{Duration, Instant};

/// A batch is sent once no event came for this long...
pub(crate) const QUIET: Duration = Duration::from_millis(30);
/// ...or this long after its first event, whichever is first.
pub(crate) const MAX_WAIT: Duration = Duration::from_millis(200);
/// How often `--poll` scans the watched folders.
pub(crate) const POLL_INTERVAL: Duration = Duration::from_millis(250);
/// How often a deleted watched folder is looked for.
pub(crate) const REARM_CHECK: Duration = Duration::from_millis(250);

/// Paths that changed (created, modified, removed, or either side of a rename).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Batch {
    /// The changed paths, as the watcher reported them.
    pub paths: Vec<PathBuf>,
    /// Events were lost (the kernel queue overflowed): treat everything as changed.
    pub rescan: bool,
}

/// Why watching could not start.
#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    /// The inotify watch limit is reached; the message says how to raise it or use `--poll`.
    #[error(
        "too many folders to watch: the inotify watch limit is reached.\n\
         Raise it for this boot:   sudo sysctl fs.inotify.max_user_watches=524288\n\
         and keep it after reboot: echo fs.inotify.max_user_watches=524288 | sudo tee /etc/sysctl.d/90-gongbu.conf && sudo sysctl --system\n\
         or run `gongbu serve --poll` (scans for changes instead; slower)"
    )]
    Limit,
    /// Any other failure to watch a folder.
    #[error("cannot watch {path}: {source}")]
    Notify {
        /// The folder that could not be watched.
        path: String,
        /// The underlying notify error.
        source: notify::Error,
    },
}

type Inner = Mutex<Box<dyn notify::Watcher + Send>>;

/// Watches until dropped; then the batch channel closes.
pub struct Watcher {
    /// The only strong reference: the debounce thread holds a weak one to re-arm folders,
    /// so dropping this closes the event channel and ends the thread.
    _inner: Arc<Inner>,
}

/// A folder under watch (a watched file's folder, non-recursively) and whether its watch is
/// live.
struct Target {
    path: PathBuf,
    mode: RecursiveMode,
    armed: bool,
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
    let mut targets: Vec<Target> =
        folders.iter().map(|f| Target { path: f.clone(), mode: RecursiveMode::Recursive, armed: true }).collect();
    for file in &files {
        let Some(parent) = file.parent() else { continue };
        if !folders.iter().any(|f| parent.starts_with(f)) && !targets.iter().any(|t| t.path == parent) {
            targets.push(Target { path: parent.to_path_buf(), mode: RecursiveMode::NonRecursive, armed: true });
        }
    }
    for target in &targets {
        inner.watch(&target.path, target.mode).map_err(|e| error(&target.path.display().to_string(), e))?;
    }
    let inner = Arc::new(Mutex::new(inner));
    let weak = Arc::downgrade(&inner);
    let wanted = move |path: &Path| folders.iter().any(|f| path.starts_with(f)) || files.iter().any(|f| f == path);
    thread::Builder::new()
        .name("gongbu-watch".into())
        .spawn(move || debounce(raw, wanted, batches, Rearm { targets, watcher: weak }))
        .map_err(|e| error("", notify::Error::io(e)))?;
    Ok(Watcher { _inner: inner })
}

/// The watched folders, kept armed across deletion and re-creation.
struct Rearm {
    targets: Vec<Target>,
    watcher: Weak<Inner>,
}

impl Rearm {
    /// Note events that remove or rename a watched folder itself: its watch is gone.
    fn note(&mut self, event: &Event) {
        let gone = matches!(event.kind, EventKind::Remove(_) | EventKind::Modify(ModifyKind::Name(_)) | EventKind::Any);
        if gone || event.need_rescan() {
            for target in &mut self.targets {
                if event.paths.contains(&target.path) || event.need_rescan() {
                    target.armed = false;
                }
            }
        }
    }

    fn any_missing(&self) -> bool {
        self.targets.iter().any(|t| !t.armed)
    }

    /// Watch again each folder that lost its watch and is there again; true if any was.
    /// A folder found missing is marked, to be looked for until it is back.
    fn check(&mut self) -> bool {
        let mut back = false;
        for target in &mut self.targets {
            if !target.path.is_dir() {
                target.armed = false;
                continue;
            }
            if target.armed {
                continue;
            }
            let Some(watcher) = self.watcher.upgrade() else { return back };
            let mut watcher = watcher.lock().unwrap_or_else(|e| e.into_inner());
            // The old watch may still be listed; a fresh one is wanted either way.
            let _ = watcher.unwatch(&target.path);
            match watcher.watch(&target.path, target.mode) {
                Ok(()) => {
                    target.armed = true;
                    back = true;
                }
                Err(e) => eprintln!("warning: {}", error(&target.path.display().to_string(), e)),
            }
        }
        back
    }
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
fn debounce(
    raw: mpsc::Receiver<notify::Result<Event>>,
    wanted: impl Fn(&Path) -> bool,
    batches: mpsc::Sender<Batch>,
    mut rearm: Rearm,
) {
    let mut warned = false;
    // Add an event's paths to `batch`; true if it contributed anything.
    let mut take =
        |event: notify::Result<Event>, batch: &mut BTreeSet<PathBuf>, rescan: &mut bool, rearm: &mut Rearm| -> bool {
            if let Ok(event) = &event {
                rearm.note(event);
            }
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
        // Wait for the first event that counts, or a deleted folder to come back.
        loop {
            let event = if rearm.any_missing() {
                match raw.recv_timeout(REARM_CHECK) {
                    Ok(event) => event,
                    Err(RecvTimeoutError::Timeout) => {
                        if rearm.check() {
                            rescan = true;
                            break;
                        }
                        continue;
                    }
                    Err(RecvTimeoutError::Disconnected) => return,
                }
            } else {
                match raw.recv() {
                    Ok(event) => event,
                    Err(_) => return,
                }
            };
            if take(event, &mut paths, &mut rescan, &mut rearm) {
                break;
            }
        }
        let first = Instant::now();
        let mut last = first;
        let closed = loop {
            let deadline = (last + QUIET).min(first + MAX_WAIT);
            match raw.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                Ok(event) => {
                    if take(event, &mut paths, &mut rescan, &mut rearm) {
                        last = Instant::now();
                    }
                }
                Err(RecvTimeoutError::Timeout) => break false,
                Err(RecvTimeoutError::Disconnected) => break true,
            }
        };
        // A folder deleted and made again within the batch is back already.
        rescan |= rearm.check();
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

    /// Take batches until one names `path`; every path they named.
    fn wait_for(batches: &mpsc::Receiver<Batch>, path: &Path) -> BTreeSet<PathBuf> {
        let mut seen = BTreeSet::new();
        while !seen.contains(path) {
            seen.extend(next(batches).paths);
        }
        seen
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
        let seen = wait_for(&rx, &dir.join("sub/a.md"));
        assert!(seen.contains(&dir.join("sub/a.md.tmp")), "{seen:?}");

        std::fs::remove_file(dir.join("sub/a.md")).unwrap();
        assert!(next(&rx).paths.contains(&dir.join("sub/a.md")));
    }

    #[test]
    fn a_folder_deleted_and_made_again_is_watched_again() {
        for poll in [false, true] {
            let tmp = tempfile::tempdir().unwrap();
            let dir = tmp.path().canonicalize().unwrap().join("notes");
            std::fs::create_dir_all(dir.join("sub")).unwrap();
            let (tx, rx) = mpsc::channel();
            let _watcher = watch(std::slice::from_ref(&dir), poll, tx).unwrap();
            std::fs::remove_dir_all(&dir).unwrap();
            assert!(next(&rx).paths.iter().any(|p| p.starts_with(&dir)), "poll: {poll}");

            std::fs::create_dir_all(dir.join("sub")).unwrap();
            // Coming back is a rescan: what the folder holds arrived unwatched.
            while !next(&rx).rescan {}
            std::fs::write(dir.join("sub/a.md"), "# A\n").unwrap();
            wait_for(&rx, &dir.join("sub/a.md"));
        }
    }

    #[test]
    fn a_folder_swapped_for_another_by_renames_is_watched_again() {
        let tmp = tempfile::tempdir().unwrap();
        let base = tmp.path().canonicalize().unwrap();
        let dir = base.join("notes");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::create_dir_all(base.join("new/sub")).unwrap();
        let (tx, rx) = mpsc::channel();
        let _watcher = watch(std::slice::from_ref(&dir), false, tx).unwrap();
        std::fs::rename(&dir, base.join("old")).unwrap();
        std::fs::rename(base.join("new"), &dir).unwrap();
        while !next(&rx).rescan {}
        std::fs::write(dir.join("sub/a.md"), "# A\n").unwrap();
        wait_for(&rx, &dir.join("sub/a.md"));
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
