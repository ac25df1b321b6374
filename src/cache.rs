//! The build cache: pure work a build can take from the previous one instead of doing it again,
//! kept in `.gongbu-cache/` beside the output folder (where `gongbu check --external` keeps its
//! `links.json`).
//!
//! It is only ever a shortcut, never a source of truth: every entry is keyed by everything its
//! value depends on, every file carries a stamp of the gongbu build that wrote it (crate version,
//! `SCHEMA`, and the executable's size and time, so a rebuilt binary never trusts an older one's
//! work), and a file that is missing, stamped otherwise, truncated, too large or fails its
//! checksum is ignored as a whole (then replaced). Files are written through a temp file and a
//! rename, so a build killed half-way leaves the previous file whole; the folder is never used
//! through a symlink, nor are its files. Deleting the folder only makes the next build cold.
//!
//! Kept now: highlighted code blocks (`CodeCache`), keyed by (language label, the note's code
//! language, code text); the grammars are fixed by the binary, which the stamp names. Parsed
//! notes (`NoteCache`), keyed by the note's bytes, path and place and the question patterns.

mod notes;

pub use notes::NoteCache;

use crate::highlight::{Highlighted, Highlighter};
use crc32fast::Hasher as Crc;
use std::collections::HashMap;
use std::fs::File;
use std::hash::{Hash, Hasher};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

/// The cache folder's name, beside the output folder.
pub const DIR: &str = ".gongbu-cache";

/// Bumped whenever what a file holds, or how a value is encoded, changes.
const SCHEMA: u32 = 1;

/// A cache file is never read (nor written) above this size. The code cache holds the blocks of
/// the last build only, about 9 MB per 1,000 generated notes; past the bound the blocks that do
/// not fit are left out (highlighted again by the next build).
pub const MAX_FILE_BYTES: usize = 512 << 20;

/// A value no build used in this many writes of its file is evicted.
const KEPT_GENERATIONS: u32 = 8;

/// The code cache's file in the cache folder.
const CODE_FILE: &str = "code.bin";

/// First bytes of every cache file.
const MAGIC: &[u8] = b"gongbu-cache\n";

/// The cache folder of a build writing into `output`: beside it, named `DIR`. The default output
/// (`ROOT/public`) puts it at `ROOT/.gongbu-cache`.
pub fn folder_beside(output: &Path) -> PathBuf {
    output.parent().map_or_else(|| PathBuf::from(DIR), |parent| parent.join(DIR))
}

/// What wrote a cache file: a file with another stamp is ignored.
fn stamp(kind: &str) -> String {
    let exe = std::env::current_exe().and_then(std::fs::metadata).ok();
    let (len, modified) = exe.map_or((0, 0), |m| {
        let nanos = m.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok());
        (m.len(), nanos.map_or(0, |d| d.as_nanos()))
    });
    format!("gongbu {} schema {SCHEMA} {kind} exe {len}-{modified}", env!("CARGO_PKG_VERSION"))
}

/// A 128-bit key of `parts` (two SipHashes, told apart by a seed byte): collisions are out of reach
/// for any number of entries a cache holds.
pub fn key_of(parts: &[&[u8]]) -> u128 {
    let half = |seed: u8| {
        let mut h = std::hash::DefaultHasher::new();
        seed.hash(&mut h);
        for part in parts {
            part.hash(&mut h);
        }
        h.finish()
    };
    (u128::from(half(1)) << 64) | u128::from(half(2))
}

/// A cache folder that may be used: absent (it will be created), or a real folder, not a symlink.
fn usable_folder(folder: &Path) -> bool {
    match std::fs::symlink_metadata(folder) {
        Ok(meta) => meta.file_type().is_dir(),
        Err(e) => e.kind() == io::ErrorKind::NotFound,
    }
}

/// A cache file opened for reading, with its length, if it is a regular file (never followed
/// through a symlink) no larger than the bound.
fn open_file(path: &Path) -> Option<(File, u64)> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    let file = options.open(path).ok()?;
    let meta = file.metadata().ok()?;
    (meta.file_type().is_file() && meta.len() <= MAX_FILE_BYTES as u64).then_some((file, meta.len()))
}

/// Read exactly `buf.len()` bytes of `file` from `at`, without moving a shared cursor (threads
/// read values of one file at once).
#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], at: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, at)
}

#[cfg(windows)]
fn read_at(file: &File, mut buf: &mut [u8], mut at: u64) -> io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buf.is_empty() {
        match file.seek_read(buf, at)? {
            0 => return Err(io::ErrorKind::UnexpectedEof.into()),
            n => (buf, at) = (&mut buf[n..], at + n as u64),
        }
    }
    Ok(())
}

/// Each entry's key → where its value lies in the file read.
type Entries = HashMap<u128, Slot>;

/// A cache file's generation (how many builds wrote it) and where each entry's value lies, with
/// its checksum and the generation that last used it: read in one pass that holds no value,
/// `None` unless the whole file is sound (magic, `stamp`, entry bounds, checksum).
fn entries_of(file: &File, len: u64, stamp: &str) -> Option<(u32, Entries)> {
    let end = len.checked_sub(4)?;
    let mut scan = Scan { input: io::BufReader::with_capacity(1 << 20, file), at: 0, end, sum: Crc::new() };
    if scan.take(MAGIC.len())? != MAGIC {
        return None;
    }
    if scan.u32()? as usize != stamp.len() || scan.take(stamp.len())? != stamp.as_bytes() {
        return None;
    }
    let generation = scan.u32()?;
    let count = scan.u32()? as usize;
    // Each entry takes at least 24 bytes: a count beyond that is a lie, not an allocation.
    let mut entries = HashMap::with_capacity(count.min(end as usize / 24));
    for _ in 0..count {
        let key = u128::from_le_bytes(scan.take(16)?.try_into().ok()?);
        let last_used = scan.u32()?;
        let len = scan.u32()? as usize;
        let start = scan.at;
        let sum = scan.value(len)?;
        entries.insert(key, Slot { last_used, start, len, sum, used: false.into() });
    }
    let mut sum = [0; 4];
    scan.input.read_exact(&mut sum).ok()?;
    (scan.at == end && scan.sum.finalize().to_le_bytes() == sum).then_some((generation, entries))
}

/// Reads a cache file's parts in order, never past `end`, with the checksum of what was read.
struct Scan<R> {
    input: R,
    at: u64,
    end: u64,
    sum: Crc,
}

impl<R: io::BufRead> Scan<R> {
    /// The next `n` bytes (a header field: a few bytes).
    fn take(&mut self, n: usize) -> Option<Vec<u8>> {
        if self.at.checked_add(n as u64)? > self.end {
            return None;
        }
        let mut part = vec![0; n];
        self.input.read_exact(&mut part).ok()?;
        self.at += n as u64;
        self.sum.update(&part);
        Some(part)
    }

    fn u32(&mut self) -> Option<u32> {
        self.take(4)?.try_into().ok().map(u32::from_le_bytes)
    }

    /// Pass over a value of `n` bytes without keeping it: its checksum.
    fn value(&mut self, n: usize) -> Option<u32> {
        if self.at.checked_add(n as u64)? > self.end {
            return None;
        }
        let mut value = Crc::new();
        let mut left = n;
        while left > 0 {
            let chunk = self.input.fill_buf().ok()?;
            let k = chunk.len().min(left);
            if k == 0 {
                return None;
            }
            value.update(&chunk[..k]);
            self.input.consume(k);
            left -= k;
        }
        self.at += n as u64;
        self.sum.combine(&value);
        Some(value.finalize())
    }
}

/// Write the cache file `name` of `folder`, stamped `stamp`, with `entries` (key, generation that
/// last used it, value length) within the size bound, `value(i, buf)` filling `buf` with entry
/// `i`'s value: through a temp file and a rename, so readers see the old file or the new one,
/// whole.
fn write_file(
    folder: &Path,
    name: &str,
    stamp: &str,
    generation: u32,
    entries: &[(u128, u32, usize)],
    mut value: impl FnMut(usize, &mut Vec<u8>) -> io::Result<()>,
) -> io::Result<()> {
    if !usable_folder(folder) {
        return Err(io::Error::other(format!("{} is not a folder", folder.display())));
    }
    // Within the bound, counted before anything is written: the entries that fit, in order.
    let mut size = MAGIC.len() + 4 + stamp.len() + 8 + 4;
    let fitting: Vec<usize> = (0..entries.len())
        .filter(|&i| {
            let fits = size + 24 + entries[i].2 <= MAX_FILE_BYTES;
            size += if fits { 24 + entries[i].2 } else { 0 };
            fits
        })
        .collect();

    std::fs::create_dir_all(folder)?;
    // Created new (never through a symlink someone left at that name) and unique to this process.
    // Not synced: a file the system lost half of fails its checksum and is ignored.
    let tmp = folder.join(format!(".{name}.{}.tmp", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    let written = std::fs::OpenOptions::new().write(true).create_new(true).open(&tmp).and_then(|file| {
        // Streamed, one value at a time: the file may be hundreds of megabytes.
        let mut out = Checksummed { file: io::BufWriter::with_capacity(1 << 20, file), sum: Crc::new() };
        out.put(MAGIC)?;
        out.put(&(stamp.len() as u32).to_le_bytes())?;
        out.put(stamp.as_bytes())?;
        out.put(&generation.to_le_bytes())?;
        out.put(&(fitting.len() as u32).to_le_bytes())?;
        let mut buf = Vec::new();
        for i in fitting {
            let (key, used, len) = entries[i];
            buf.clear();
            value(i, &mut buf)?;
            if buf.len() != len {
                return Err(io::Error::other("a cache value changed its length"));
            }
            out.put(&key.to_le_bytes())?;
            out.put(&used.to_le_bytes())?;
            out.put(&(len as u32).to_le_bytes())?;
            out.put(&buf)?;
        }
        let sum = out.sum.finalize();
        out.file.write_all(&sum.to_le_bytes())?;
        out.file.flush()
    });
    let written = written.and_then(|()| std::fs::rename(&tmp, folder.join(name)));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

/// A file being written, with the checksum of what was written so far.
struct Checksummed {
    file: io::BufWriter<File>,
    sum: Crc,
}

impl Checksummed {
    fn put(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.sum.update(bytes);
        self.file.write_all(bytes)
    }
}

/// One cache file: the values of the last build by key, and those of this one. A value the
/// build used or made is kept for the next build; the others (of notes that changed or went) are
/// evicted when it is saved. Shared by the threads of a build. Neither the last build's values
/// nor this one's are held in memory: the first are read from the file when taken, the second
/// go to an unnamed temp file beside it as they are made, and both are copied from there into
/// the new file when it is saved.
pub struct Store {
    /// Where it is saved; None: nothing is read or written.
    folder: Option<PathBuf>,
    name: &'static str,
    /// The file read at the start (kept open: a file renamed over it later does not change it).
    file: Option<File>,
    /// How many builds wrote the file read.
    generation: u32,
    old: Entries,
    /// Values made by this build.
    new: Mutex<Spill>,
    hits: AtomicUsize,
    made: AtomicUsize,
}

/// A value of the file read: where it lies, its checksum, the generation that last used it, and
/// whether this build used it.
struct Slot {
    last_used: u32,
    start: u64,
    len: usize,
    sum: u32,
    used: AtomicBool,
}

/// The values this build made, written one after the other into a temp file (created on the
/// first, and unlinked at once where the system allows: a killed build leaves nothing behind).
#[derive(Default)]
struct Spill {
    out: Option<io::BufWriter<File>>,
    /// Bytes written so far.
    at: u64,
    /// Each value's key, start and length in the temp file.
    entries: Vec<(u128, u64, usize)>,
    /// The temp file could not be made or written: values made from then on are not kept.
    broken: bool,
}

impl Store {
    /// No cache: nothing is found, nothing is kept.
    pub fn none(name: &'static str) -> Store {
        Store {
            folder: None,
            name,
            file: None,
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
        let opened = if usable_folder(folder) { open_file(&folder.join(name)) } else { None };
        let read = opened.and_then(|(file, len)| Some((entries_of(&file, len, &stamp(name))?, file)));
        let ((generation, old), file) = match read {
            Some((entries, file)) => (entries, Some(file)),
            None => ((0, HashMap::new()), None),
        };
        Store { folder: Some(folder.to_path_buf()), file, generation, old, ..Store::none(name) }
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
        // Checked again as read: the file was sound when opened.
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
        spill.entries.push((key, at, value.len()));
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
        let spill = self.new.into_inner().unwrap_or_else(|e| e.into_inner());
        let Some(out) = spill.out else {
            // Nothing made, or nowhere to put what was made (a folder that is not one).
            return match spill.broken {
                true => Err(io::Error::other(format!("{} cannot be written", folder.display()))),
                false => Ok(()),
            };
        };
        let made_file = out.into_inner().map_err(|e| e.into_error())?;
        let now = self.generation.wrapping_add(1);
        // Where each value of the new file comes from: the temp file (`true`) or the file read.
        let made = spill.entries.iter().map(|&(k, start, len)| (k, now, len, true, start, 0));
        let kept = self.old.iter().filter_map(|(&k, s)| {
            let used = if s.used.load(Ordering::Relaxed) { now } else { s.last_used };
            (now.wrapping_sub(used) <= KEPT_GENERATIONS).then_some((k, used, s.len, false, s.start, s.sum))
        });
        // A value made again replaces the one found (a page whose inputs changed).
        let mut all: Vec<(u128, u32, usize, bool, u64, u32)> = made.chain(kept).collect();
        // By key: the same values give the same file, whichever thread made which first.
        all.sort_by_key(|e| e.0);
        all.dedup_by_key(|e| e.0);
        let entries: Vec<(u128, u32, usize)> = all.iter().map(|&(k, used, len, ..)| (k, used, len)).collect();
        let saved = write_file(folder, self.name, &stamp(self.name), now, &entries, |i, buf| {
            let (_, _, len, made, start, sum) = all[i];
            buf.resize(len, 0);
            match (made, &self.file) {
                (true, _) => read_at(&made_file, buf, start),
                (false, Some(file)) => {
                    read_at(file, buf, start)?;
                    // A value of the file read changed since it was checked: the file is not trusted.
                    match crc32fast::hash(buf) == sum {
                        true => Ok(()),
                        false => Err(io::Error::other("a cache file changed while it was read")),
                    }
                }
                (false, None) => Err(io::ErrorKind::NotFound.into()),
            }
        });
        drop(made_file);
        let _ = std::fs::remove_file(spill_path(folder, self.name));
        saved
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
    std::fs::create_dir_all(folder)?;
    let path = spill_path(folder, name);
    let _ = std::fs::remove_file(&path);
    let file = std::fs::OpenOptions::new().read(true).write(true).create_new(true).open(&path)?;
    #[cfg(unix)]
    let _ = std::fs::remove_file(&path);
    Ok(file)
}

/// A length or count in a cache value.
pub(crate) fn put_len(w: &mut Vec<u8>, len: usize) {
    w.extend((len as u64).to_le_bytes());
}

/// A string in a cache value: its length, then its bytes.
pub(crate) fn put_str(w: &mut Vec<u8>, s: &str) {
    put_len(w, s.len());
    w.extend(s.as_bytes());
}

/// An optional string in a cache value: a flag byte, then the string if there is one.
pub(crate) fn put_opt_str(w: &mut Vec<u8>, s: Option<&str>) {
    match s {
        None => w.push(0),
        Some(s) => {
            w.push(1);
            put_str(w, s);
        }
    }
}

/// Reads a cache value's fields in order (`put_len`, `put_str`, …), never past its end.
pub(crate) struct Fields<'a>(&'a [u8]);

impl<'a> Fields<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Fields<'a> {
        Fields(bytes)
    }

    /// Every byte was read: a value with bytes left over is not one `encode` made.
    pub(crate) fn is_done(&self) -> bool {
        self.0.is_empty()
    }

    pub(crate) fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (part, rest) = self.0.split_at_checked(n)?;
        self.0 = rest;
        Some(part)
    }

    pub(crate) fn byte(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }

    /// A byte that must be 0 or 1.
    pub(crate) fn flag(&mut self) -> Option<bool> {
        match self.byte()? {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }

    pub(crate) fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    pub(crate) fn usize(&mut self) -> Option<usize> {
        usize::try_from(self.u64()?).ok()
    }

    pub(crate) fn str(&mut self) -> Option<&'a str> {
        let len = self.usize()?;
        std::str::from_utf8(self.take(len)?).ok()
    }

    pub(crate) fn string(&mut self) -> Option<String> {
        self.str().map(str::to_string)
    }

    /// `put_opt_str` undone.
    pub(crate) fn opt_string(&mut self) -> Option<Option<String>> {
        match self.flag()? {
            false => Some(None),
            true => self.string().map(Some),
        }
    }

    /// A count, then that many items; a count larger than the bytes left is refused before any
    /// allocation.
    pub(crate) fn list<T>(&mut self, mut item: impl FnMut(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        let count = self.usize()?;
        if count > self.0.len() {
            return None;
        }
        let mut items = Vec::with_capacity(count);
        for _ in 0..count {
            items.push(item(self)?);
        }
        Some(items)
    }
}

/// Highlighted code blocks of the last build, and those of this one: a block whose language label,
/// note language and text are all unchanged is taken as it was highlighted.
pub struct CodeCache(Store);

impl CodeCache {
    /// No cache: every block is highlighted, nothing is kept.
    pub fn none() -> CodeCache {
        CodeCache(Store::none(CODE_FILE))
    }

    /// The code cache of `folder` (None: no cache), empty when its file is missing or unsound.
    pub fn open(folder: Option<&Path>) -> CodeCache {
        CodeCache(Store::open(folder, CODE_FILE))
    }

    /// `Highlighter::highlight_in`, from the cache when this block was highlighted before.
    pub fn highlight_in(&self, lang: Option<&str>, code: &str, note_language: Option<&str>) -> Highlighted {
        if !self.0.is_on() {
            return Highlighter::global().highlight_in(lang, code, note_language);
        }
        let tag = [u8::from(lang.is_some()), u8::from(note_language.is_some())];
        let (lang_bytes, hint_bytes) = (lang.unwrap_or("").as_bytes(), note_language.unwrap_or("").as_bytes());
        let key = key_of(&[&tag, lang_bytes, hint_bytes, code.as_bytes()]);
        if let Some(found) = self.0.take(key, decode) {
            return found;
        }
        let made = Highlighter::global().highlight_in(lang, code, note_language);
        self.0.put(key, encode(&made));
        made
    }

    /// Blocks taken from the cache, and blocks highlighted, so far.
    pub fn counts(&self) -> (usize, usize) {
        self.0.counts()
    }

    /// Keep the blocks this build used, and only those, for the next build.
    pub fn save(self) -> io::Result<()> {
        self.0.save()
    }
}

/// A highlighted block as bytes: flags (language, guessed), language length and text, HTML.
fn encode(h: &Highlighted) -> Vec<u8> {
    let lang = h.language.as_deref().unwrap_or("");
    let mut out = Vec::with_capacity(5 + lang.len() + h.html.len());
    out.push(u8::from(h.language.is_some()) | (u8::from(h.guessed) << 1));
    out.extend((lang.len() as u32).to_le_bytes());
    out.extend(lang.as_bytes());
    out.extend(h.html.as_bytes());
    out
}

/// `encode` undone; None for bytes it cannot have made.
fn decode(bytes: &[u8]) -> Option<Highlighted> {
    let (&flags, rest) = bytes.split_first()?;
    let (len, rest) = rest.split_at_checked(4)?;
    let len = u32::from_le_bytes(len.try_into().ok()?) as usize;
    let (lang, html) = rest.split_at_checked(len)?;
    if flags > 3 {
        return None;
    }
    let language = (flags & 1 == 1).then(|| std::str::from_utf8(lang).map(str::to_string)).transpose().ok()?;
    let html = std::str::from_utf8(html).ok()?.to_string();
    Some(Highlighted { language, guessed: flags & 2 == 2, html })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks() -> Vec<(Option<&'static str>, &'static str, Option<&'static str>)> {
        vec![
            (Some("rust"), "fn main() { let x = 1; }\n", None),
            (None, "public static void main(String[] a) {}\n", Some("java")),
            (None, "def f(x):\n    return x\n", None),
            (Some("text"), "plain <b>\n", None),
        ]
    }

    fn highlight_all(cache: &CodeCache) -> Vec<Highlighted> {
        blocks().into_iter().map(|(l, c, n)| cache.highlight_in(l, c, n)).collect()
    }

    #[test]
    fn a_saved_cache_gives_what_the_highlighter_gives() {
        let tmp = tempfile::tempdir().unwrap();
        let folder = tmp.path().join(DIR);
        let direct: Vec<Highlighted> = highlight_all(&CodeCache::none());
        let cold = CodeCache::open(Some(&folder));
        assert_eq!(highlight_all(&cold), direct);
        assert_eq!(cold.counts(), (0, 4));
        cold.save().unwrap();
        let warm = CodeCache::open(Some(&folder));
        assert_eq!(highlight_all(&warm), direct);
        assert_eq!(warm.counts(), (4, 0), "every block came from the cache");
        // The note's language is part of the key: the same text with another hint is not a hit.
        let other = warm.highlight_in(None, "public static void main(String[] a) {}\n", None);
        assert_eq!(other, Highlighter::global().highlight_in(None, "public static void main(String[] a) {}\n", None));
        assert_eq!(warm.counts(), (4, 1));
    }

    #[test]
    fn an_unsound_file_is_ignored_and_replaced() {
        let tmp = tempfile::tempdir().unwrap();
        let folder = tmp.path().join(DIR);
        let cache = CodeCache::open(Some(&folder));
        highlight_all(&cache);
        cache.save().unwrap();
        let path = folder.join(CODE_FILE);
        let good = std::fs::read(&path).unwrap();
        let direct = highlight_all(&CodeCache::none());
        let mut flipped = good.clone();
        let middle = flipped.len() / 2;
        flipped[middle] ^= 0x20;
        let mut lying = good.clone();
        // An entry length far past the end (the checksum recomputed, as a forger would).
        let at = MAGIC.len() + 4 + stamp(CODE_FILE).len() + 4 + 4 + 16 + 4;
        lying[at..at + 4].copy_from_slice(&u32::MAX.to_le_bytes());
        let body = lying.len() - 4;
        let sum = crc32fast::hash(&lying[..body]).to_le_bytes();
        lying[body..].copy_from_slice(&sum);
        let unsound: [&[u8]; 5] = [&good[..good.len() / 2], &flipped, &lying, b"", b"gongbu-cache\n\xff\xff\xff\xff"];
        for bytes in unsound {
            std::fs::write(&path, bytes).unwrap();
            let cache = CodeCache::open(Some(&folder));
            assert_eq!(highlight_all(&cache), direct);
            assert_eq!(cache.counts(), (0, 4), "nothing taken from an unsound file");
            cache.save().unwrap();
            assert_eq!(std::fs::read(&path).unwrap(), good, "replaced by a sound one");
        }
    }

    #[test]
    #[cfg(unix)]
    fn a_symlinked_folder_or_file_is_not_used() {
        let tmp = tempfile::tempdir().unwrap();
        let elsewhere = tmp.path().join("elsewhere");
        std::fs::create_dir(&elsewhere).unwrap();
        let folder = tmp.path().join(DIR);
        std::os::unix::fs::symlink(&elsewhere, &folder).unwrap();
        let cache = CodeCache::open(Some(&folder));
        highlight_all(&cache);
        assert!(cache.save().is_err());
        assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0, "nothing written through the link");

        // A file linked from the folder is neither read nor written through.
        std::fs::remove_file(&folder).unwrap();
        let real = CodeCache::open(Some(&folder));
        highlight_all(&real);
        real.save().unwrap();
        std::fs::rename(folder.join(CODE_FILE), elsewhere.join("kept")).unwrap();
        std::os::unix::fs::symlink(elsewhere.join("kept"), folder.join(CODE_FILE)).unwrap();
        let linked = CodeCache::open(Some(&folder));
        highlight_all(&linked);
        assert_eq!(linked.counts(), (0, 4), "a linked file is not read");
        let before = std::fs::read(elsewhere.join("kept")).unwrap();
        linked.save().unwrap();
        assert_eq!(std::fs::read(elsewhere.join("kept")).unwrap(), before, "nor written through");
        assert!(!folder.join(CODE_FILE).is_symlink(), "the link was replaced by a file");
    }

    #[test]
    fn a_value_changed_after_the_file_was_opened_is_not_taken_nor_kept() {
        let tmp = tempfile::tempdir().unwrap();
        let folder = tmp.path().join(DIR);
        let cache = CodeCache::open(Some(&folder));
        let direct = highlight_all(&cache);
        cache.save().unwrap();
        let path = folder.join(CODE_FILE);
        let good = std::fs::read(&path).unwrap();
        let warm = CodeCache::open(Some(&folder));
        // The file's own bytes change in place (not a new file renamed over it): the last byte
        // of the last value, checked when the file was opened.
        let mut changed = good.clone();
        let at = changed.len() - 5;
        changed[at] ^= 1;
        std::fs::OpenOptions::new().write(true).open(&path).unwrap().write_all(&changed).unwrap();
        assert_eq!(highlight_all(&warm), direct);
        assert_eq!(warm.counts(), (3, 1), "the changed value is not taken");
        // Saving copies the other values from the file: a changed one stops the save.
        let again = CodeCache::open(Some(&folder));
        assert_eq!(again.counts(), (0, 0), "the file no longer passes its checksum");
        std::fs::write(&path, &good).unwrap();
        let kept = CodeCache::open(Some(&folder));
        highlight_all(&kept);
        std::fs::OpenOptions::new().write(true).open(&path).unwrap().write_all(&changed).unwrap();
        kept.highlight_in(Some("rust"), "fn other() {}\n", None);
        assert!(kept.save().is_err(), "a value that changed is not copied into the new file");
        assert_eq!(std::fs::read(&path).unwrap(), changed, "the file was left as it was");
    }

    #[test]
    fn another_stamp_is_ignored() {
        let tmp = tempfile::tempdir().unwrap();
        let folder = tmp.path().join(DIR);
        let fill = |_: usize, buf: &mut Vec<u8>| {
            buf.push(b'x');
            Ok(())
        };
        write_file(&folder, CODE_FILE, "gongbu 0.0.1 schema 1", 1, &[(1u128, 1, 1)], fill).unwrap();
        let (file, len) = open_file(&folder.join(CODE_FILE)).unwrap();
        assert!(entries_of(&file, len, "gongbu 0.0.1 schema 1").is_some_and(|(_, e)| e.len() == 1));
        assert!(entries_of(&file, len, &stamp(CODE_FILE)).is_none());
    }

    #[test]
    fn the_folder_is_beside_the_output() {
        assert_eq!(folder_beside(Path::new("/site/public")), Path::new("/site/.gongbu-cache"));
    }
}
