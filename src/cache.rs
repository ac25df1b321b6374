//! The build cache: pure work a build can take from the previous one instead of doing it again,
//! kept in `.gongbu-cache/` beside the output folder (where `gongbu check --external` keeps its
//! `links.json`).
//!
//! It is only ever a shortcut, never a source of truth: every entry is keyed by everything its
//! value depends on, every file carries a stamp of the gongbu build that wrote it (crate version,
//! `SCHEMA`, and the executable's size and time, so a rebuilt binary never trusts an older one's
//! work). An index that is missing, stamped otherwise, truncated, too large or fails its
//! checksum is ignored with its data file (then both replaced); a value that fails its own
//! checksum is not taken. Values are only appended to a data file, and indexes are written through a temp file and a
//! rename, so a build killed half-way leaves the previous cache whole (`store`); the folder is never used
//! through a symlink, nor are its files. Deleting the folder only makes the next build cold.
//!
//! Kept now: highlighted code blocks (`CodeCache`), keyed by (language label, the note's code
//! language, code text); the grammars are fixed by the binary, which the stamp names. Parsed
//! notes (`NoteCache`), keyed by the note's bytes, path and place and the question patterns.

mod notes;
mod store;

pub use notes::NoteCache;
pub use store::Store;

use crate::highlight::{Highlighted, Highlighter};
use std::fs::File;
use std::hash::Hasher;
use std::io;
use std::path::{Path, PathBuf};

/// The cache folder's name, beside the output folder.
pub const DIR: &str = ".gongbu-cache";

/// Bumped whenever what a file holds, or how a value is encoded, changes.
const SCHEMA: u32 = 5;

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

/// A 128-bit key of `parts`, each with its length (SipHash-1-3 with a 128-bit output, one pass
/// over the bytes: a warm build keys every note's bytes): collisions are out of reach for any
/// number of entries a cache holds.
pub fn key_of(parts: &[&[u8]]) -> u128 {
    use siphasher::sip128::Hasher128;
    let mut h = siphasher::sip128::SipHasher13::new();
    for part in parts {
        h.write(&(part.len() as u64).to_le_bytes());
        h.write(part);
    }
    h.finish128().as_u128()
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

/// `bytes` as text, if they are UTF-8 (as `std::str::from_utf8`, faster on long non-ASCII text).
pub(crate) fn utf8(bytes: &[u8]) -> Option<&str> {
    simdutf8::basic::from_utf8(bytes).ok()
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
        utf8(self.take(len)?)
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
    let language = (flags & 1 == 1).then(|| utf8(lang).map(str::to_string)).map_or(Some(None), |l| l.map(Some))?;
    let html = utf8(html)?.to_string();
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
        // Neither the data file nor its index.
        for name in [CODE_FILE.to_string(), format!("{CODE_FILE}.index")] {
            let (path, kept) = (folder.join(&name), elsewhere.join(&name));
            std::fs::rename(&path, &kept).unwrap();
            std::os::unix::fs::symlink(&kept, &path).unwrap();
            let linked = CodeCache::open(Some(&folder));
            highlight_all(&linked);
            assert_eq!(linked.counts(), (0, 4), "a linked {name} is not read");
            let before = std::fs::read(&kept).unwrap();
            linked.save().unwrap();
            assert_eq!(std::fs::read(&kept).unwrap(), before, "nor written through");
            assert!(!path.is_symlink(), "the link was replaced by a file");
        }
    }

    #[test]
    fn the_folder_is_beside_the_output() {
        assert_eq!(folder_beside(Path::new("/site/public")), Path::new("/site/.gongbu-cache"));
    }
}
