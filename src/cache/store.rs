//! One cache file's values on disk (`Store`): an append-only data file and its index.
//!
//! The data file (`NAME`) holds a header (`MAGIC`, the stamp, the file's random id) and then
//! values one after the other. A value is never changed nor moved once written: saving appends
//! the new values at the end, so a build still reading the file never sees one change. The index
//! (`NAME.index`) names the data file's id and how many of its bytes it covers, then each live
//! value's key, the generation that last used it, its place and its checksum, and ends with a
//! checksum of the whole index. Opening reads the index only (36 bytes a value), not the values:
//! each value is checked against its checksum when it is taken.
//!
//! Saving appends this build's values and writes a new index (through a temp file and a rename).
//! When the bytes no live value points to (values replaced or evicted) pass half the live ones, or
//! the file would pass the size bound, the data file is written anew with the live values only,
//! under a new id, and then its index: an index that names another id is ignored. A build killed
//! half-way leaves the old index, which covers only bytes that were whole before it started.

use super::{open_file, read_at, stamp, usable_folder, KEPT_GENERATIONS, MAGIC, MAX_FILE_BYTES};
use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

/// Bytes of one index entry: key, generation last used, start, length, checksum.
const ENTRY_BYTES: usize = 16 + 4 + 8 + 4 + 4;

/// Dead bytes a data file may carry besides half as many as its live values before it is
/// compacted: a small cache is not rewritten for every value replaced.
const SLACK: u64 = 1 << 20;

/// The index file of the data file `name`.
fn index_name(name: &str) -> String {
    format!("{name}.index")
}

/// A data file's first bytes: magic, stamp and id.
fn header(stamp: &str, id: u128) -> Vec<u8> {
    let mut head = Vec::with_capacity(MAGIC.len() + 4 + stamp.len() + 16);
    head.extend(MAGIC);
    head.extend((stamp.len() as u32).to_le_bytes());
    head.extend(stamp.as_bytes());
    head.extend(id.to_le_bytes());
    head
}

/// Each entry's key → where its value lies in the data file read.
type Entries = HashMap<u128, Slot>;

/// A value of the file read: where it lies, its checksum, the generation that last used it, and
/// whether this build used it.
struct Slot {
    last_used: u32,
    start: u64,
    len: usize,
    sum: u32,
    used: AtomicBool,
}

/// An index as read: the data file it describes (id, bytes covered), how many builds wrote it,
/// and its entries.
struct Index {
    id: u128,
    covered: u64,
    generation: u32,
    entries: Entries,
}

/// An index file's bytes undone; None unless they are sound (magic, `stamp`, checksum, every
/// entry within the covered bytes, past a header of `head_len` bytes).
fn parse_index(bytes: &[u8], stamp: &str) -> Option<Index> {
    let (body, sum) = bytes.split_at_checked(bytes.len().checked_sub(4)?)?;
    if crc32fast::hash(body).to_le_bytes() != sum {
        return None;
    }
    let mut r = super::Fields::new(body);
    let u32_of = |b: &[u8]| u32::from_le_bytes(b.try_into().unwrap_or_default());
    if r.take(MAGIC.len())? != MAGIC
        || u32_of(r.take(4)?) as usize != stamp.len()
        || r.take(stamp.len())? != stamp.as_bytes()
    {
        return None;
    }
    let id = u128::from_le_bytes(r.take(16)?.try_into().ok()?);
    let covered = r.u64()?;
    let generation = u32_of(r.take(4)?);
    let count = u32_of(r.take(4)?) as usize;
    let head_len = header(stamp, id).len() as u64;
    if r.take(count.checked_mul(ENTRY_BYTES)?)?.len() != count * ENTRY_BYTES || !r.is_done() {
        return None;
    }
    let listed = &body[body.len() - count * ENTRY_BYTES..];
    let mut entries = HashMap::with_capacity(count);
    for e in listed.chunks_exact(ENTRY_BYTES) {
        let key = u128::from_le_bytes(e[..16].try_into().ok()?);
        let last_used = u32_of(&e[16..20]);
        let start = u64::from_le_bytes(e[20..28].try_into().ok()?);
        let len = u32_of(&e[28..32]) as usize;
        let sum = u32_of(&e[32..36]);
        if start < head_len || start.checked_add(len as u64)? > covered {
            return None;
        }
        entries.insert(key, Slot { last_used, start, len, sum, used: false.into() });
    }
    Some(Index { id, covered, generation, entries })
}

/// The data file `name` of `folder` and its index, if both are sound and belong together.
fn read_store(folder: &Path, name: &str, stamp: &str) -> Option<(File, Index)> {
    let (index_file, index_len) = open_file(&folder.join(index_name(name)))?;
    let mut bytes = Vec::with_capacity(index_len as usize);
    index_file.take(index_len + 1).read_to_end(&mut bytes).ok()?;
    let index = parse_index(&bytes, stamp)?;
    let (file, len) = open_file(&folder.join(name))?;
    let head = header(stamp, index.id);
    let mut found = vec![0; head.len()];
    read_at(&file, &mut found, 0).ok()?;
    (len >= index.covered && found == head).then_some((file, index))
}

/// Create the cache folder if missing, with a `.gitignore` that ignores all of it: a repository
/// that never ran `gongbu init` would otherwise show (and let `git add -A` commit) the cache and
/// the spare output kept in it. Created new, so a symlink left at that name is never followed.
fn make_folder(folder: &Path) -> io::Result<()> {
    std::fs::create_dir_all(folder)?;
    let ignore = folder.join(".gitignore");
    if std::fs::symlink_metadata(&ignore).is_err() {
        let made = std::fs::OpenOptions::new().write(true).create_new(true).open(&ignore);
        // Best effort: another build may have made it meanwhile; the cache works without it.
        let _ = made.and_then(|mut f| f.write_all(GITIGNORE.as_bytes()));
    }
    Ok(())
}

/// The cache folder's `.gitignore`.
const GITIGNORE: &str = "# gongbu's build cache: safe to delete, never committed\n*\n";

/// Write `bytes_of` into the file `name` of `folder` through a temp file created new (never
/// through a symlink someone left at that name) and a rename, so readers see the old file or the
/// new one, whole. Not synced: a file the system lost half of fails its checks and is ignored.
fn replace(folder: &Path, name: &str, fill: impl FnOnce(&mut io::BufWriter<File>) -> io::Result<()>) -> io::Result<()> {
    if !usable_folder(folder) {
        return Err(io::Error::other(format!("{} is not a folder", folder.display())));
    }
    make_folder(folder)?;
    let tmp = folder.join(format!(".{name}.{}.tmp", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    let written = std::fs::OpenOptions::new().write(true).create_new(true).open(&tmp).and_then(|file| {
        let mut out = io::BufWriter::with_capacity(1 << 20, file);
        fill(&mut out)?;
        out.flush()
    });
    let written = written.and_then(|()| std::fs::rename(&tmp, folder.join(name)));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

/// An entry of an index being written: key, generation last used, start, length, checksum.
type Listed = (u128, u32, u64, usize, u32);

/// Write the index of the data file `name` (id `id`, `covered` bytes) with `entries`.
fn write_index(
    folder: &Path,
    name: &str,
    stamp: &str,
    id: u128,
    covered: u64,
    generation: u32,
    entries: &[Listed],
) -> io::Result<()> {
    let mut bytes = Vec::with_capacity(MAGIC.len() + 4 + stamp.len() + 32 + entries.len() * ENTRY_BYTES + 4);
    bytes.extend(MAGIC);
    bytes.extend((stamp.len() as u32).to_le_bytes());
    bytes.extend(stamp.as_bytes());
    bytes.extend(id.to_le_bytes());
    bytes.extend(covered.to_le_bytes());
    bytes.extend(generation.to_le_bytes());
    bytes.extend((entries.len() as u32).to_le_bytes());
    for &(key, used, start, len, sum) in entries {
        bytes.extend(key.to_le_bytes());
        bytes.extend(used.to_le_bytes());
        bytes.extend(start.to_le_bytes());
        bytes.extend((len as u32).to_le_bytes());
        bytes.extend(sum.to_le_bytes());
    }
    let sum = crc32fast::hash(&bytes);
    bytes.extend(sum.to_le_bytes());
    replace(folder, &index_name(name), |out| out.write_all(&bytes))
}

/// A new data file's id: another for every file written (a rewritten file is never taken for
/// the one an index describes).
fn new_id(name: &str) -> u128 {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    static WRITTEN: AtomicUsize = AtomicUsize::new(0);
    let count = WRITTEN.fetch_add(1, Ordering::Relaxed);
    super::key_of(&[name.as_bytes(), &nanos.to_le_bytes(), &std::process::id().to_le_bytes(), &count.to_le_bytes()])
}

/// One cache file: the values of the last build by key, and those of this one. A value the
/// build used or made is kept for the next build; the others (of notes that changed or went) are
/// evicted when it is saved. Shared by the threads of a build. Neither the last build's values
/// nor this one's are held in memory: the first are read from the data file when taken, the
/// second go to an unnamed temp file beside it as they are made, and are appended from there to
/// the data file when it is saved.
pub struct Store {
    /// Where it is saved; None: nothing is read or written.
    folder: Option<PathBuf>,
    name: &'static str,
    /// The data file read at the start (kept open: a file renamed over it later does not change
    /// it), and its index.
    file: Option<File>,
    id: u128,
    covered: u64,
    /// How many builds wrote the index read.
    generation: u32,
    old: Entries,
    /// Values made by this build.
    new: Mutex<Spill>,
    hits: AtomicUsize,
    made: AtomicUsize,
}

/// The values this build made, written one after the other into a temp file (created on the
/// first, and unlinked at once where the system allows: a killed build leaves nothing behind).
#[derive(Default)]
struct Spill {
    out: Option<io::BufWriter<File>>,
    /// Bytes written so far.
    at: u64,
    /// Each value's key, start and length in the temp file, and its checksum.
    entries: Vec<(u128, u64, usize, u32)>,
    /// The temp file could not be made or written: values made from then on are not kept.
    broken: bool,
}

/// A value of the file saved: key, generation last used, length, checksum, and where it is now:
/// in the temp file of values made (`true`) or the data file read, from `start`.
struct Saved {
    key: u128,
    used: u32,
    len: usize,
    sum: u32,
    made: bool,
    start: u64,
}

impl Store {
    /// No cache: nothing is found, nothing is kept.
    pub fn none(name: &'static str) -> Store {
        Store {
            folder: None,
            name,
            file: None,
            id: 0,
            covered: 0,
            generation: 0,
            old: HashMap::new(),
            new: Mutex::default(),
            hits: 0.into(),
            made: 0.into(),
        }
    }

    /// The file `name` of `folder` (None: no cache), empty when it is missing or unsound.
    pub fn open(folder: Option<&Path>, name: &'static str) -> Store {
        let Some(folder) = folder else { return Store::none(name) };
        let read = if usable_folder(folder) { read_store(folder, name, &stamp(name)) } else { None };
        let store = Store { folder: Some(folder.to_path_buf()), ..Store::none(name) };
        match read {
            Some((file, Index { id, covered, generation, entries })) => {
                Store { file: Some(file), id, covered, generation, old: entries, ..store }
            }
            None => store,
        }
    }

    /// Whether values are looked up and kept at all.
    pub fn is_on(&self) -> bool {
        self.folder.is_some()
    }

    /// The last build's value for `key`, if `accept` takes it; it is then kept for the next build.
    pub fn take<T>(&self, key: u128, accept: impl FnOnce(&[u8]) -> Option<T>) -> Option<T> {
        let slot = self.old.get(&key)?;
        let mut value = vec![0; slot.len];
        read_at(self.file.as_ref()?, &mut value, slot.start).ok()?;
        // Values are checked as they are read, not when the file is opened.
        if crc32fast::hash(&value) != slot.sum {
            return None;
        }
        let found = accept(&value)?;
        slot.used.store(true, Ordering::Relaxed);
        self.hits.fetch_add(1, Ordering::Relaxed);
        Some(found)
    }

    /// Keep `value` for `key` for the next build.
    pub fn put(&self, key: u128, value: Vec<u8>) {
        let Some(folder) = &self.folder else { return };
        self.made.fetch_add(1, Ordering::Relaxed);
        let sum = crc32fast::hash(&value);
        let mut spill = self.new.lock().unwrap_or_else(|e| e.into_inner());
        if spill.broken {
            return;
        }
        if spill.out.is_none() {
            match spill_file(folder, self.name) {
                Ok(file) => spill.out = Some(io::BufWriter::with_capacity(1 << 20, file)),
                Err(_) => {
                    spill.broken = true;
                    return;
                }
            }
        }
        let Some(out) = spill.out.as_mut() else { return };
        if out.write_all(&value).is_err() {
            spill.broken = true;
            return;
        }
        let at = spill.at;
        spill.entries.push((key, at, value.len(), sum));
        spill.at += value.len() as u64;
    }

    /// Values taken from the cache, and values made, so far.
    pub fn counts(&self) -> (usize, usize) {
        (self.hits.load(Ordering::Relaxed), self.made.load(Ordering::Relaxed))
    }

    /// Save what this build used or made, and what an earlier one used within the last
    /// `KEPT_GENERATIONS` writes (a page kept as it was uses none of its code blocks; its next edit
    /// will). Nothing is written without a folder, or when this build made nothing new.
    pub fn save(self) -> io::Result<()> {
        let Some(folder) = &self.folder else { return Ok(()) };
        let spill = std::mem::take(&mut *self.new.lock().unwrap_or_else(|e| e.into_inner()));
        let Some(out) = spill.out else {
            // Nothing made, or nowhere to put what was made (a folder that is not one).
            return match spill.broken {
                true => Err(io::Error::other(format!("{} cannot be written", folder.display()))),
                false => Ok(()),
            };
        };
        let made_file = out.into_inner().map_err(|e| e.into_error())?;
        let now = self.generation.wrapping_add(1);
        let made =
            spill.entries.iter().map(|&(key, start, len, sum)| Saved { key, used: now, len, sum, made: true, start });
        let kept = self.old.iter().filter_map(|(&key, s)| {
            let used = if s.used.load(Ordering::Relaxed) { now } else { s.last_used };
            (now.wrapping_sub(used) <= KEPT_GENERATIONS).then_some(Saved {
                key,
                used,
                len: s.len,
                sum: s.sum,
                made: false,
                start: s.start,
            })
        });
        // A value made again replaces the one found (a page whose inputs changed).
        let mut all: Vec<Saved> = made.chain(kept).collect();
        // By key: the same values give the same index, whichever thread made which first.
        all.sort_by_key(|e| e.key);
        all.dedup_by_key(|e| e.key);
        let saved = match self.append(folder, &all, &made_file, spill.at, now) {
            Some(appended) => appended,
            None => self.rewrite(folder, &all, &made_file, now),
        };
        drop(made_file);
        let _ = std::fs::remove_file(spill_path(folder, self.name));
        saved
    }

    /// Append the values made (`made_len` bytes of `made_file`) to the data file read and index
    /// `all`; None when the data file is due to be compacted, or is not the one read any more.
    /// One process appends at a time (a lock on the data file).
    #[cfg(unix)]
    fn append(
        &self,
        folder: &Path,
        all: &[Saved],
        made_file: &File,
        made_len: u64,
        now: u32,
    ) -> Option<io::Result<()>> {
        use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
        use std::os::unix::io::AsRawFd;
        let read = self.file.as_ref()?;
        let file = std::fs::OpenOptions::new()
            .write(true)
            .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
            .open(folder.join(self.name))
            .ok()?;
        // SAFETY: a valid open descriptor; the lock goes with it when `file` is closed.
        if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) } != 0 {
            return None;
        }
        let (now_meta, read_meta) = (file.metadata().ok()?, read.metadata().ok()?);
        // The very file read, not one written over its name since.
        if !now_meta.is_file() || (now_meta.dev(), now_meta.ino()) != (read_meta.dev(), read_meta.ino()) {
            return None;
        }
        let at = now_meta.len();
        let end = at.checked_add(made_len)?;
        let live: u64 = all.iter().map(|e| e.len as u64).sum();
        if at < self.covered || end > MAX_FILE_BYTES as u64 || end.saturating_sub(live) > live / 2 + SLACK {
            return None;
        }
        let appended = (|| {
            let mut from = made_file;
            from.seek(io::SeekFrom::Start(0))?;
            let mut to = &file;
            to.seek(io::SeekFrom::Start(at))?;
            if io::copy(&mut from.take(made_len), &mut to)? != made_len {
                return Err(io::Error::other("the values made were cut short"));
            }
            let entries: Vec<Listed> = all
                .iter()
                .map(|e| (e.key, e.used, if e.made { at + e.start } else { e.start }, e.len, e.sum))
                .collect();
            write_index(folder, self.name, &stamp(self.name), self.id, end, now, &entries)
        })();
        Some(appended)
    }

    #[cfg(not(unix))]
    fn append(&self, _: &Path, _: &[Saved], _: &File, _: u64, _: u32) -> Option<io::Result<()>> {
        None
    }

    /// Write the data file anew with `all` (those that fit the bound), under a new id, then its
    /// index. A value of the file read that changed since it was written stops the save.
    fn rewrite(&self, folder: &Path, all: &[Saved], made_file: &File, now: u32) -> io::Result<()> {
        let stamp = stamp(self.name);
        let id = new_id(self.name);
        let head = header(&stamp, id);
        let mut at = head.len() as u64;
        let mut entries: Vec<Listed> = Vec::with_capacity(all.len());
        replace(folder, self.name, |out| {
            out.write_all(&head)?;
            let mut buf = Vec::new();
            for e in all {
                if at + e.len as u64 > MAX_FILE_BYTES as u64 {
                    continue;
                }
                buf.resize(e.len, 0);
                match (e.made, &self.file) {
                    (true, _) => read_at(made_file, &mut buf, e.start)?,
                    (false, Some(file)) => read_at(file, &mut buf, e.start)?,
                    (false, None) => return Err(io::ErrorKind::NotFound.into()),
                }
                if crc32fast::hash(&buf) != e.sum {
                    return Err(io::Error::other("a cache file changed while it was read"));
                }
                out.write_all(&buf)?;
                entries.push((e.key, e.used, at, e.len, e.sum));
                at += e.len as u64;
            }
            Ok(())
        })?;
        write_index(folder, self.name, &stamp, id, at, now, &entries)
    }
}

/// Where this process's values made for the cache file `name` go until it is saved.
fn spill_path(folder: &Path, name: &str) -> PathBuf {
    folder.join(format!(".{name}.{}.made", std::process::id()))
}

/// A new temp file for the values made for `name`: in the cache folder (created if need be,
/// never through a symlink), created new, and unlinked at once where the system allows.
fn spill_file(folder: &Path, name: &str) -> io::Result<File> {
    if !usable_folder(folder) {
        return Err(io::Error::other(format!("{} is not a folder", folder.display())));
    }
    make_folder(folder)?;
    let path = spill_path(folder, name);
    let _ = std::fs::remove_file(&path);
    let file = std::fs::OpenOptions::new().read(true).write(true).create_new(true).open(&path)?;
    #[cfg(unix)]
    let _ = std::fs::remove_file(&path);
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAME: &str = "test.bin";

    fn value(seed: u8, len: usize) -> Vec<u8> {
        (0..len).map(|i| seed.wrapping_add((i % 251) as u8)).collect()
    }

    /// Open the store of `folder`, take `keys`, put `made`, save; what each key gave.
    fn build(folder: &Path, keys: &[u128], made: &[(u128, Vec<u8>)]) -> Vec<Option<Vec<u8>>> {
        let store = Store::open(Some(folder), NAME);
        let found = keys.iter().map(|&k| store.take(k, |v| Some(v.to_vec()))).collect();
        for (k, v) in made {
            store.put(*k, v.clone());
        }
        store.save().unwrap();
        found
    }

    fn data(folder: &Path) -> Vec<u8> {
        std::fs::read(folder.join(NAME)).unwrap()
    }

    #[test]
    fn the_folder_a_save_makes_ignores_itself_in_git_and_never_writes_through_a_link() {
        let tmp = tempfile::tempdir().unwrap();
        let folder = tmp.path().join("cache");
        build(&folder, &[], &[(1, value(1, 10))]);
        assert_eq!(std::fs::read_to_string(folder.join(".gitignore")).unwrap(), GITIGNORE);
        assert!(GITIGNORE.lines().any(|l| l == "*"));

        // A link left at that name (a cloned repository's) is neither followed nor replaced.
        let other = tempfile::tempdir().unwrap();
        let outside = other.path().join("outside");
        std::fs::write(&outside, "mine").unwrap();
        let linked = tmp.path().join("linked");
        std::fs::create_dir(&linked).unwrap();
        std::os::unix::fs::symlink(&outside, linked.join(".gitignore")).unwrap();
        build(&linked, &[], &[(1, value(1, 10))]);
        assert_eq!(std::fs::read_to_string(&outside).unwrap(), "mine");
        assert!(std::fs::symlink_metadata(linked.join(".gitignore")).unwrap().file_type().is_symlink());
    }

    #[test]
    fn a_save_appends_the_new_values_and_leaves_the_others_in_place() {
        let tmp = tempfile::tempdir().unwrap();
        let folder = tmp.path().join("cache");
        let (a, b, c) = (value(1, 1000), value(2, 3000), value(3, 500));
        build(&folder, &[], &[(1, a.clone()), (2, b.clone())]);
        let first = data(&folder);
        assert_eq!(build(&folder, &[1, 2], &[(3, c.clone())]), [Some(a.clone()), Some(b.clone())]);
        let second = data(&folder);
        assert_eq!(second.len(), first.len() + c.len(), "only the new value was written");
        assert_eq!(&second[..first.len()], &first[..], "the others did not move");
        assert_eq!(build(&folder, &[1, 2, 3, 4], &[]), [Some(a), Some(b), Some(c), None]);
    }

    #[test]
    fn replaced_values_are_compacted_away() {
        let tmp = tempfile::tempdir().unwrap();
        let folder = tmp.path().join("cache");
        let kept = value(9, 100_000);
        build(&folder, &[], &[(1, kept.clone())]);
        let size = 700_000;
        for round in 0..12u8 {
            // Key 2 is replaced every build: its old values are dead bytes.
            let found = build(&folder, &[1, 2], &[(2, value(round, size))]);
            assert_eq!(found[0].as_ref(), Some(&kept), "round {round}");
            assert_eq!(found[1], round.checked_sub(1).map(|r| value(r, size)), "round {round}");
            let live = (kept.len() + size) as u64;
            let len = data(&folder).len() as u64;
            assert!(len <= live + live / 2 + SLACK + 200, "round {round}: {len} bytes for {live} live");
        }
        assert_eq!(build(&folder, &[1, 2], &[])[1], Some(value(11, size)));
    }

    #[test]
    fn an_unsound_index_is_ignored_and_replaced() {
        let tmp = tempfile::tempdir().unwrap();
        let folder = tmp.path().join("cache");
        let (a, b) = (value(1, 1000), value(2, 3000));
        build(&folder, &[], &[(1, a.clone()), (2, b.clone())]);
        let path = folder.join(index_name(NAME));
        let half = |good: Vec<u8>| good[..good.len() / 2].to_vec();
        let flipped = |mut bytes: Vec<u8>| {
            let middle = bytes.len() / 2;
            bytes[middle] ^= 0x20;
            bytes
        };
        // The last entry's start past the bytes covered (the checksum recomputed, as a forger would).
        let lying = |mut bytes: Vec<u8>| {
            let at = bytes.len() - 4 - ENTRY_BYTES + 20;
            bytes[at..at + 8].copy_from_slice(&(1u64 << 40).to_le_bytes());
            let body = bytes.len() - 4;
            let sum = crc32fast::hash(&bytes[..body]).to_le_bytes();
            bytes[body..].copy_from_slice(&sum);
            bytes
        };
        let empty = |_| Vec::new();
        let junk = |_| b"gongbu-cache\n\xff\xff\xff\xff".to_vec();
        let damages: [&dyn Fn(Vec<u8>) -> Vec<u8>; 5] = [&half, &flipped, &lying, &empty, &junk];
        for damage in damages {
            // Made from the index of the data file there now (an older one would name another).
            std::fs::write(&path, damage(std::fs::read(&path).unwrap())).unwrap();
            assert_eq!(build(&folder, &[1, 2], &[(1, a.clone())]), [None, None], "nothing taken from an unsound index");
            assert_eq!(build(&folder, &[1, 2], &[]), [Some(a.clone()), None], "replaced by a sound one");
            build(&folder, &[], &[(2, b.clone())]);
        }
        // Another stamp (another gongbu) is not this one's.
        let (_, index) = read_store(&folder, NAME, &stamp(NAME)).unwrap();
        assert_eq!(index.entries.len(), 2);
        assert!(read_store(&folder, NAME, "gongbu 0.0.1 schema 1").is_none());
    }

    #[test]
    fn a_data_file_that_is_not_the_one_indexed_is_not_used() {
        let tmp = tempfile::tempdir().unwrap();
        let folder = tmp.path().join("cache");
        let (a, b) = (value(1, 1000), value(2, 3000));
        build(&folder, &[], &[(1, a.clone()), (2, b.clone())]);
        let head = header(&stamp(NAME), 0).len();
        let other_id = |mut bytes: Vec<u8>| {
            bytes[head - 1] ^= 1;
            bytes
        };
        // Cut short: the index covers bytes the file no longer has.
        let cut = |mut bytes: Vec<u8>| {
            bytes.pop();
            bytes
        };
        let damages: [&dyn Fn(Vec<u8>) -> Vec<u8>; 2] = [&other_id, &cut];
        for damage in damages {
            std::fs::write(folder.join(NAME), damage(data(&folder))).unwrap();
            assert_eq!(build(&folder, &[1, 2], &[(1, a.clone())]), [None, None]);
            assert_eq!(build(&folder, &[1], &[(2, b.clone())]), [Some(a.clone())], "written anew");
        }
    }

    #[test]
    fn a_damaged_value_is_not_taken_and_a_changed_one_stops_a_compaction() {
        let tmp = tempfile::tempdir().unwrap();
        let folder = tmp.path().join("cache");
        let (a, b) = (value(1, 2 << 20), value(2, 3000));
        build(&folder, &[], &[(1, a.clone()), (2, b.clone())]);
        let good = data(&folder);
        // The last byte of the last value changes in place (not a new file renamed over it).
        let mut changed = good.clone();
        let at = changed.len() - 1;
        changed[at] ^= 1;
        let damage =
            || std::fs::OpenOptions::new().write(true).open(folder.join(NAME)).unwrap().write_all(&changed).unwrap();
        damage();
        let found = build(&folder, &[1, 2], &[]);
        assert_eq!(found.iter().filter(|v| v.is_some()).count(), 1, "the changed value is not taken");

        // Changed after the store was opened; a save that compacts copies the values, checked.
        std::fs::write(folder.join(NAME), &good).unwrap();
        let store = Store::open(Some(&folder), NAME);
        assert!(store.take(1, |v| Some(v.to_vec())).is_some());
        damage();
        // The large value replaced by a small one: its dead bytes call for a compaction.
        store.put(1, value(3, 10));
        let index = std::fs::read(folder.join(index_name(NAME))).unwrap();
        assert!(store.save().is_err(), "a value that changed is not copied into the new file");
        assert_eq!(data(&folder), changed, "the file was left as it was");
        assert_eq!(std::fs::read(folder.join(index_name(NAME))).unwrap(), index, "and its index");
    }

    #[test]
    fn two_builds_saving_one_after_the_other_leave_a_sound_store() {
        let tmp = tempfile::tempdir().unwrap();
        let folder = tmp.path().join("cache");
        let (a, b, c) = (value(1, 1000), value(2, 3000), value(3, 700));
        build(&folder, &[], &[(1, a.clone())]);
        let (first, second) = (Store::open(Some(&folder), NAME), Store::open(Some(&folder), NAME));
        first.put(2, b.clone());
        second.put(3, c.clone());
        first.save().unwrap();
        // The second appends after the first's values, and its index (the last written) wins.
        second.save().unwrap();
        assert_eq!(build(&folder, &[1, 2, 3], &[]), [Some(a), None, Some(c)]);
    }
}
