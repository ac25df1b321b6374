//! Pages a build keeps from the last one instead of rendering them again (`gongbu build`, and the
//! first run of `gongbu serve`, over the output it updates in place).
//!
//! A page is kept when everything it was rendered from is unchanged, which is what a `serve`
//! session re-renders on (see `session`): the note itself (every field of the parsed note), what
//! the site puts on the page (`view::PageLinks::signature`), the run's settings (configuration,
//! the site's language, templates, glossary links), and what each site path the page linked to
//! means now (a note's heading ids, an asset, a folder). The cache records, per page, those inputs
//! and the page's outputs besides its HTML (problems, link targets, search text and terms, study
//! output); the HTML stays in the last output, checked by length and checksum before the write
//! stage links it into the new one (`write::Sink::previous`). A search text block (`d{N}.js`) made
//! from the same pages' text as the last output's is kept the same way (`PageCache::write_block`),
//! and at the start of `serve`, when no page's text changed, every term shard (`t{N}.js`) too
//! (`PageCache::write_shard`).
//! A cold build and a build with the cache write the same bytes (`tests/cache.rs`).

use crate::cache::{key_of, put_len, put_str, CodeCache, Fields, NoteCache, Store};
use crate::config::Config;
use crate::diagnostics::{Diagnostic, Severity};
use crate::model::{PageRef, Reference, Site};
use crate::render::study::NoteOutput;
use crate::search;
use crate::theme::TemplateSource;
use crate::write::Sink;
use std::hash::{Hash, Hasher};
use std::io::Read;
use std::path::Path;
use std::sync::OnceLock;

/// The page cache's file in the cache folder: one for `build`, one for `serve`, whose pages load
/// the theme files under other names (so neither replaces the other's pages).
const PAGES_FILE: &str = "pages.bin";
const SERVED_PAGES_FILE: &str = "pages-serve.bin";

/// What each kept page's file in the last output looked like when its bytes were last checked
/// (`PageCache::still_written`), one file for each page cache.
const SEEN_FILE: &str = "seen.bin";
const SERVED_SEEN_FILE: &str = "seen-serve.bin";

/// Everything a build may take from the last one.
pub(crate) struct BuildCache {
    pub(crate) notes: NoteCache,
    pub(crate) code: CodeCache,
    pub(crate) pages: PageCache,
}

impl BuildCache {
    /// No cache at all.
    pub(crate) fn none() -> BuildCache {
        BuildCache { notes: NoteCache::none(), code: CodeCache::none(), pages: PageCache::none() }
    }

    /// Parsed notes and highlighted code only: for runs that write no output (`check`).
    pub(crate) fn code_only(folder: Option<&Path>) -> BuildCache {
        BuildCache { notes: NoteCache::open(folder), code: CodeCache::open(folder), pages: PageCache::none() }
    }

    /// Code blocks and pages, for `gongbu build`, or for the first run of `gongbu serve`.
    pub(crate) fn open(folder: Option<&Path>, serving: bool) -> BuildCache {
        let (name, seen) = if serving { (SERVED_PAGES_FILE, SERVED_SEEN_FILE) } else { (PAGES_FILE, SEEN_FILE) };
        BuildCache {
            notes: NoteCache::open(folder),
            code: CodeCache::open(folder),
            pages: PageCache {
                store: Store::open(folder, name),
                seen: Store::open(folder, seen),
                run: OnceLock::new(),
            },
        }
    }

    /// Keep what this build used and made for the next one. A cache that cannot be written only
    /// makes the next build cold: no problem of this one.
    pub(crate) fn save(self) {
        let BuildCache { notes, code, pages } = self;
        // Four files, each mostly waiting on the disk.
        let PageCache { store, seen, .. } = pages;
        let _ = rayon::join(
            || rayon::join(|| notes.save(), || code.save()),
            || rayon::join(|| store.save(), || seen.save()),
        );
    }
}

/// The pages of the last build, by output path.
pub(crate) struct PageCache {
    store: Store,
    /// Each kept page's file as last checked (`still_written`).
    seen: Store,
    /// The run's settings, fingerprinted (`start_run`); until then nothing is reused or kept.
    run: OnceLock<u128>,
}

/// A page taken from the cache: everything rendering it would have given but its HTML, which the
/// sink already took from the last output.
pub(crate) struct Reused {
    pub(crate) diagnostics: Vec<Diagnostic>,
    pub(crate) targets: Vec<String>,
    pub(crate) search: Option<search::Page>,
    /// The search terms of `search`, as they were posted (None: post them from its text).
    pub(crate) terms: Option<PostedTerms>,
    pub(crate) study: Option<NoteOutput>,
    /// `text_key` of `search` (None without it).
    pub(crate) text_key: Option<u128>,
}

/// A page's distinct search terms with their weights (`search::Page::sorted_terms`), kept with
/// the page so that a kept page's terms are posted without reading its text again. The terms
/// one after the other in one string, with each term's length, weight byte and shard for an
/// index of `bits` shard bits; the terms are in shard order, so a kept page's terms are posted
/// shard by shard without hashing or sorting them again (`search::Index::post_sharded`), and
/// cut by their lengths, not searched for separators.
pub(crate) struct PostedTerms {
    joined: String,
    lens: Vec<u16>,
    weights: Vec<u8>,
    bits: u8,
    shards: Vec<u16>,
}

impl PostedTerms {
    /// The terms of `page`, for an index of `pages` pages; None when a term is longer than a
    /// length's two bytes or a weight does not fit a byte (then they are not kept).
    pub(crate) fn of(page: &search::Page, pages: usize) -> Option<PostedTerms> {
        let bits = search::shard_bits(pages);
        let mut terms: Vec<(usize, std::borrow::Cow<'_, str>, u32)> =
            page.sorted_terms().into_iter().map(|(t, w)| (search::shard_of(&t, bits), t, w)).collect();
        terms.sort_by_key(|&(shard, _, _)| shard);
        let mut joined = String::with_capacity(terms.iter().map(|(_, t, _)| t.len()).sum());
        let (mut lens, mut weights, mut shards) = (Vec::new(), Vec::new(), Vec::new());
        for (shard, term, weight) in &terms {
            joined.push_str(term);
            lens.push(u16::try_from(term.len()).ok()?);
            weights.push(u8::try_from(*weight).ok()?);
            shards.push(u16::try_from(*shard).ok()?);
        }
        Some(PostedTerms { joined, lens, weights, bits: u8::try_from(bits).ok()?, shards })
    }

    /// The shard bits the terms were grouped for.
    pub(crate) fn bits(&self) -> u32 {
        u32::from(self.bits)
    }

    /// Each term with its shard and weight, in shard order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (usize, &str, u32)> {
        let mut at = 0;
        let terms = self.lens.iter().map(move |&len| {
            let term = self.joined.get(at..at + usize::from(len)).unwrap_or_default();
            at += usize::from(len);
            term
        });
        let shards = self.shards.iter().map(|&s| usize::from(s));
        shards.zip(terms).zip(&self.weights).map(|((s, t), &w)| (s, t, u32::from(w)))
    }

    /// As a page's record keeps them.
    fn encode(&self, w: &mut Vec<u8>) {
        put_str(w, &self.joined);
        put_len(w, self.weights.len());
        w.extend(&self.weights);
        w.push(self.bits);
        self.shards.iter().for_each(|s| w.extend(s.to_le_bytes()));
        self.lens.iter().for_each(|l| w.extend(l.to_le_bytes()));
    }

    /// `encode` undone; None unless the lengths cut the string into whole characters, all of
    /// it, and every shard is one an index of `bits` bits has.
    fn decode(r: &mut Fields) -> Option<PostedTerms> {
        let joined = r.string()?;
        let count = r.usize()?;
        let weights = r.take(count)?.to_vec();
        let bits = r.byte()?;
        let pairs = |r: &mut Fields| -> Option<Vec<u16>> {
            let bytes = r.take(count.checked_mul(2)?)?;
            Some(bytes.chunks_exact(2).map(|pair| u16::from_le_bytes([pair[0], pair[1]])).collect())
        };
        let (shards, lens) = (pairs(r)?, pairs(r)?);
        let mut at = 0;
        let whole = lens.iter().all(|&len| {
            at += usize::from(len);
            joined.is_char_boundary(at)
        });
        let in_range = bits <= 16 && shards.iter().all(|&s| u32::from(s) < 1 << bits);
        (whole && at == joined.len() && in_range).then_some(PostedTerms { joined, lens, weights, bits, shards })
    }
}

impl PageCache {
    pub(crate) fn none() -> PageCache {
        PageCache { store: Store::none(PAGES_FILE), seen: Store::none(SEEN_FILE), run: OnceLock::new() }
    }

    /// Fingerprint what every page of this run is rendered with besides its own inputs: the
    /// configuration, the language told from the notes, the templates and what glossary terms
    /// link to.
    pub(crate) fn start_run(&self, config: &Config, site: &Site, templates: &[TemplateSource], glossary: u64) {
        if !self.store.is_on() {
            return;
        }
        // The language's code and words, not why it was chosen: the share of Hangul it names
        // moves with every note added and is shown only in the build's summary.
        let language = config.language(site.letters());
        let shown = format!("{config:?}\n{:?}\n{:?}\n{templates:?}\n{glossary}", language.code, language.words);
        let _ = self.run.set(key_of(&[shown.as_bytes()]));
    }

    /// Whether rendered pages are kept for the next build.
    pub(crate) fn is_on(&self) -> bool {
        self.run.get().is_some()
    }

    /// Pages taken from the cache, and pages rendered and kept, so far.
    pub(crate) fn counts(&self) -> (usize, usize) {
        self.store.counts()
    }

    /// The key of `page`'s record and the fingerprint of its inputs but the link targets.
    fn inputs(&self, site: &Site, page: PageRef, signature: u64) -> Option<(u128, u128)> {
        let run = *self.run.get()?;
        let url = site.url_of(page);
        let mut note = std::hash::DefaultHasher::new();
        // Every field of the parsed note (`Note` is `Hash`, so a field added later counts too).
        if let PageRef::Note(n) = page {
            site.notes[n].hash(&mut note);
        }
        let key = key_of(&[b"page", url.as_bytes()]);
        let inputs = key_of(&[&run.to_le_bytes(), &signature.to_le_bytes(), &note.finish().to_le_bytes()]);
        Some((key, inputs))
    }

    /// `page` as the last build rendered it, if nothing it was rendered from changed and the last
    /// output still holds the very file it wrote; that file is then given to `sink` as this
    /// build's (the write stage links it in).
    pub(crate) fn reuse(&self, site: &Site, page: PageRef, signature: u64, sink: &dyn Sink) -> Option<Reused> {
        let (key, inputs) = self.inputs(site, page, signature)?;
        let url = site.url_of(page);
        let previous = sink.previous(&url)?;
        self.store.take(key, |bytes| {
            let record = Record::decode(bytes)?;
            let same = record.inputs == inputs
                && record.targets.iter().all(|(t, state)| target_state(site, t) == *state)
                && self.still_written(&url, &previous, record.html_len, record.html_sum);
            (same && sink.copy(&url, &previous).is_ok()).then_some(record.outputs)
        })
    }

    /// Keep what rendering `page` gave for the next build; `written` gives the page's bytes as
    /// the sink wrote them (asked for only when the page is kept).
    pub(crate) fn keep<'h>(
        &self,
        site: &Site,
        page: PageRef,
        signature: u64,
        written: impl FnOnce() -> std::borrow::Cow<'h, [u8]>,
        outputs: ReusedRef,
    ) {
        let Some((key, inputs)) = self.inputs(site, page, signature) else { return };
        let html = written();
        let targets = outputs.targets.iter().map(|t| (t.clone(), target_state(site, t))).collect();
        let html_len = html.len() as u64;
        let html_sum = crc32fast::hash(&html);
        self.store.put(key, Record::encode(inputs, &targets, html_len, html_sum, &outputs));
    }
}

/// A fingerprint of a page's text as the search index stores it in its text block: its place in
/// the block aside, the block's bytes are made from these.
pub(crate) fn text_key(page: &search::Page) -> u128 {
    let mut parts: Vec<&[u8]> = Vec::with_capacity(2 + 3 * page.sections.len());
    parts.extend([page.url.as_bytes(), page.title.as_bytes()]);
    for s in &page.sections {
        parts.extend([s.id.as_bytes(), s.heading.as_bytes(), s.text.as_bytes()]);
    }
    key_of(&parts)
}

/// Each page's `text_key`, by its place in a build's search index, set as pages are rendered or
/// kept (`PageCache::write_block`). Empty: no text block is kept.
pub(crate) struct TextKeys(Vec<OnceLock<u128>>);

impl TextKeys {
    /// Room for `pages` pages.
    pub(crate) fn new(pages: usize) -> TextKeys {
        TextKeys((0..pages).map(|_| OnceLock::new()).collect())
    }

    pub(crate) fn set(&self, id: usize, key: u128) {
        if let Some(slot) = self.0.get(id) {
            let _ = slot.set(key);
        }
    }

    /// What block `block`'s file is made from: its number and its pages' text, each page's
    /// known.
    fn of(&self, block: &search::TextBlock) -> Option<u128> {
        let keys: Vec<[u8; 16]> =
            block.ids().map(|id| Some(self.0.get(id)?.get()?.to_le_bytes())).collect::<Option<_>>()?;
        let number = (block.number as u64).to_le_bytes();
        let mut parts: Vec<&[u8]> = vec![b"block", &number];
        parts.extend(keys.iter().map(|k| k.as_slice()));
        Some(key_of(&parts))
    }

    /// What every term shard file of an index of these pages is made from: each page's text in
    /// its place (a page without text has no terms). Any page's text changed, or pages added,
    /// removed or moved, changes it.
    pub(crate) fn all(&self) -> u128 {
        let keys: Vec<[u8; 17]> = self
            .0
            .iter()
            .map(|slot| {
                let mut marked = [0u8; 17];
                if let Some(key) = slot.get() {
                    marked[0] = 1;
                    marked[1..].copy_from_slice(&key.to_le_bytes());
                }
                marked
            })
            .collect();
        let mut parts: Vec<&[u8]> = vec![b"pages"];
        parts.extend(keys.iter().map(|k| k.as_slice()));
        key_of(&parts)
    }
}

impl PageCache {
    /// Write the search text block `block` into `sink`; when the last output has its file made
    /// from the same pages' text (`keys`), and still holds it as written, that file is kept
    /// instead (made and compared with nothing). What each block was made from is kept with the
    /// files' identities (`seen`).
    pub(crate) fn write_block(
        &self,
        block: &search::TextBlock,
        keys: &TextKeys,
        sink: &dyn Sink,
    ) -> std::io::Result<()> {
        self.write_made_from(&block.path, keys.of(block), || block.bytes(), sink)
    }

    /// Write the term shard `shard` of a session's first index into `sink`, or keep the last
    /// output's when it was made from the same pages' text (`TextKeys::all`), as `write_block`.
    pub(crate) fn write_shard(
        &self,
        shard: &search::ShardFile,
        all: Option<u128>,
        sink: &dyn Sink,
    ) -> std::io::Result<()> {
        let number = (shard.number as u64).to_le_bytes();
        let made_from = all.map(|all| key_of(&[b"shard", &number, &all.to_le_bytes()]));
        self.write_made_from(&shard.path, made_from, || shard.bytes(), sink)
    }

    /// Write the file at `path` (made by `bytes`) into `sink`, or keep the last output's, made
    /// from the same inputs (`made_from`) and still as written.
    fn write_made_from(
        &self,
        path: &str,
        made_from: Option<u128>,
        bytes: impl FnOnce() -> Vec<u8>,
        sink: &dyn Sink,
    ) -> std::io::Result<()> {
        let made_from = made_from.filter(|_| self.is_on());
        let key = key_of(&[b"block", path.as_bytes()]);
        if let (Some(made_from), Some(previous)) = (made_from, sink.previous(path)) {
            let kept = self.seen.take(key, |bytes| {
                let mut r = Fields::new(bytes);
                let (from, len) = (r.take(16)?, r.u64()?);
                let sum = u32::from_le_bytes(r.take(4)?.try_into().ok()?);
                let same =
                    r.is_done() && from == made_from.to_le_bytes() && self.still_written(path, &previous, len, sum);
                (same && sink.copy(path, &previous).is_ok()).then_some(())
            });
            if kept.is_some() {
                return Ok(());
            }
        }
        let bytes = bytes();
        sink.write(path, &bytes)?;
        if let Some(made_from) = made_from {
            let written = sink.shaped(path, &bytes);
            let mut value = made_from.to_le_bytes().to_vec();
            value.extend((written.len() as u64).to_le_bytes());
            value.extend(crc32fast::hash(&written).to_le_bytes());
            self.seen.put(key, value);
        }
        Ok(())
    }
}

/// What rendering a page gave besides its HTML, borrowed for `PageCache::keep`.
pub(crate) struct ReusedRef<'a> {
    pub(crate) diagnostics: &'a [Diagnostic],
    pub(crate) targets: &'a [String],
    pub(crate) search: Option<&'a search::Page>,
    pub(crate) terms: Option<&'a PostedTerms>,
    pub(crate) study: Option<&'a NoteOutput>,
}

/// What the site path `target` (as a page's links name it) means now: the note there with its
/// address and anchors, a folder page, an asset, or nothing.
fn target_state(site: &Site, target: &str) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    if let Some((n, exact)) = site.find_note(target) {
        let note = &site.notes[n];
        (exact, &note.url, site.is_published(n), &note.extra_ids).hash(&mut h);
        note.headings.iter().for_each(|heading| heading.id().hash(&mut h));
    }
    let trimmed = target.trim_end_matches('/');
    site.find_section(trimmed).map(|(s, exact)| (exact, site.url_of(PageRef::Section(s)))).hash(&mut h);
    site.find_asset(trimmed).map(|(a, exact)| (a, exact, site.publishes_asset(a))).hash(&mut h);
    h.finish()
}

impl PageCache {
    /// The last output's file `previous` of the page at `url` still holds the `len` bytes with
    /// checksum `sum` the page was written with. Read and checked once; then, as long as the
    /// file is the same one (device, inode), with the same size and modification time as when it
    /// was read, it is not read again (a file changed by hand changes its time; one replaced, its
    /// inode).
    fn still_written(&self, url: &str, previous: &Path, len: u64, sum: u32) -> bool {
        let key = key_of(&[b"seen", url.as_bytes()]);
        // The identity holds the size, which is `len` wherever it is taken.
        let seen = |meta: &std::fs::Metadata| {
            let mut value = file_identity(meta);
            value.extend(sum.to_le_bytes());
            value
        };
        let Ok(now) = std::fs::symlink_metadata(previous) else { return false };
        if !now.is_file() || now.len() != len {
            return false;
        }
        let now = seen(&now);
        if self.seen.take(key, |found| (found == now.as_slice()).then_some(())).is_some() {
            return true;
        }
        // Read, then remembered as it was before it was read: a change while it is read gives
        // it another time, and it is read again next time.
        match file_is(previous, len, sum) {
            Some(before) => {
                self.seen.put(key, seen(&before));
                true
            }
            None => false,
        }
    }
}

/// A file's device, inode, size and modification time, as bytes.
fn file_identity(meta: &std::fs::Metadata) -> Vec<u8> {
    let mut identity = Vec::with_capacity(40);
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        identity.extend(meta.dev().to_le_bytes());
        identity.extend(meta.ino().to_le_bytes());
    }
    let modified = meta.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok());
    identity.extend(modified.map_or(0, |d| d.as_nanos()).to_le_bytes());
    identity.extend(meta.len().to_le_bytes());
    identity
}

/// The file at `path` has `len` bytes with checksum `sum` (never read through a symlink): its
/// metadata before it was read, if so.
fn file_is(path: &Path, len: u64, sum: u32) -> Option<std::fs::Metadata> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    let file = options.open(path).ok()?;
    let meta = file.metadata().ok().filter(|m| m.is_file() && m.len() == len)?;
    let mut bytes = Vec::with_capacity(len as usize);
    let read = file.take(len + 1).read_to_end(&mut bytes).is_ok();
    (read && bytes.len() as u64 == len && crc32fast::hash(&bytes) == sum).then_some(meta)
}

/// A page's record in the cache.
struct Record {
    inputs: u128,
    targets: Vec<(String, u64)>,
    html_len: u64,
    html_sum: u32,
    outputs: Reused,
}

impl Record {
    fn encode(inputs: u128, targets: &Vec<(String, u64)>, html_len: u64, html_sum: u32, out: &ReusedRef) -> Vec<u8> {
        let mut w = Vec::new();
        w.extend(inputs.to_le_bytes());
        w.extend(html_len.to_le_bytes());
        w.extend(html_sum.to_le_bytes());
        put_len(&mut w, targets.len());
        for (t, state) in targets {
            put_str(&mut w, t);
            w.extend(state.to_le_bytes());
        }
        put_len(&mut w, out.diagnostics.len());
        for d in out.diagnostics {
            w.push(u8::from(d.severity == Severity::Error));
            put_str(&mut w, &d.file);
            w.extend((d.line as u64).to_le_bytes());
            put_str(&mut w, &d.message);
        }
        match out.search {
            None => w.push(0),
            Some(page) => {
                w.push(1);
                put_str(&mut w, &page.url);
                put_str(&mut w, &page.title);
                put_len(&mut w, page.sections.len());
                for s in &page.sections {
                    put_str(&mut w, &s.id);
                    put_str(&mut w, &s.heading);
                    put_str(&mut w, &s.text);
                }
                w.extend(text_key(page).to_le_bytes());
            }
        }
        match out.terms {
            None => w.push(0),
            Some(terms) => {
                w.push(1);
                terms.encode(&mut w);
            }
        }
        match out.study {
            None => w.push(0),
            Some(study) => {
                w.push(1);
                put_str(&mut w, &study.anki);
                put_len(&mut w, study.references.len());
                for r in &study.references {
                    put_str(&mut w, &r.href);
                    put_str(&mut w, &r.text);
                }
            }
        }
        // Kept until the build ends, with every other page's: no spare capacity.
        w.shrink_to_fit();
        w
    }

    /// `encode` undone; None for bytes it cannot have made.
    fn decode(bytes: &[u8]) -> Option<Record> {
        let mut r = Fields::new(bytes);
        let inputs = u128::from_le_bytes(r.take(16)?.try_into().ok()?);
        let html_len = r.u64()?;
        let html_sum = u32::from_le_bytes(r.take(4)?.try_into().ok()?);
        let targets = r.list(|r| Some((r.string()?, r.u64()?)))?;
        let diagnostics = r.list(|r| {
            let severity = match r.byte()? {
                1 => Severity::Error,
                0 => Severity::Warning,
                _ => return None,
            };
            let file = r.string()?;
            let line = usize::try_from(r.u64()?).ok()?;
            let message = r.string()?;
            Some(Diagnostic { severity, file, line, message })
        })?;
        let (search, text_key) = match r.byte()? {
            0 => (None, None),
            1 => {
                let (url, title) = (r.string()?, r.string()?);
                let sections =
                    r.list(|r| Some(search::Section { id: r.string()?, heading: r.string()?, text: r.string()? }))?;
                let key = u128::from_le_bytes(r.take(16)?.try_into().ok()?);
                (Some(search::Page { url, title, sections }), Some(key))
            }
            _ => return None,
        };
        let terms = match r.flag()? {
            false => None,
            true => Some(PostedTerms::decode(&mut r)?),
        };
        let study = match r.byte()? {
            0 => None,
            1 => {
                let anki = r.string()?;
                let references = r.list(|r| Some(Reference { href: r.string()?, text: r.string()? }))?;
                Some(NoteOutput { anki, references })
            }
            _ => return None,
        };
        r.is_done()
            .then_some(Record {
                inputs,
                targets,
                html_len,
                html_sum,
                outputs: Reused { diagnostics, targets: Vec::new(), search, terms, study, text_key },
            })
            .map(|mut record| {
                record.outputs.targets = record.targets.iter().map(|(t, _)| t.clone()).collect();
                record
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pages() -> Vec<search::Page> {
        let section = |id: &str, heading: &str, text: &str| search::Section {
            id: id.to_string(),
            heading: heading.to_string(),
            text: text.to_string(),
        };
        (0..30)
            .map(|i| {
                let text = format!("이진 탐색 트리 {i}번 binarySearch node_{i} 해시 테이블 충돌 해결 page{}", i % 7);
                search::Page::new(
                    format!("p{i}.html"),
                    format!("제목 {i} Title"),
                    vec![section("", "", &text), section("h", "힙 정렬", "heap sort 우선순위 큐")],
                )
            })
            .collect()
    }

    /// The index files of `pages` posted by `post`.
    fn index_files(
        pages: &[search::Page],
        post: impl Fn(&search::Index, usize, &search::Page),
    ) -> Vec<(String, Vec<u8>)> {
        let mut index = search::Index::new(pages.len());
        for (id, page) in pages.iter().enumerate() {
            post(&index, id, page);
            index.store(id, page.clone());
        }
        index.take_files()
    }

    #[test]
    fn kept_terms_post_what_the_page_posts_whatever_the_shards_they_were_grouped_for() {
        let pages = pages();
        let direct = index_files(&pages, |index, id, page| index.post(id, page));
        // Grouped for this index's shards (taken as they come), for fewer and for more shards
        // (hashed again): the same files.
        for grouped_for in [pages.len(), 4, 5_000] {
            let kept = |index: &search::Index, id, page: &search::Page| {
                let terms = PostedTerms::of(page, grouped_for).unwrap();
                index.post_sharded(id, terms.bits(), terms.iter());
            };
            assert_eq!(search::shard_bits(grouped_for) == search::shard_bits(pages.len()), grouped_for == pages.len());
            assert!(index_files(&pages, kept) == direct, "terms grouped for {grouped_for} pages");
        }
    }

    #[test]
    fn a_record_gives_back_its_terms_and_refuses_shards_or_lengths_encode_cannot_make() {
        let page = &pages()[3];
        let terms = PostedTerms::of(page, 1_000).unwrap();
        let outputs =
            ReusedRef { diagnostics: &[], targets: &[], search: Some(page), terms: Some(&terms), study: None };
        let bytes = Record::encode(7, &Vec::new(), 10, 11, &outputs);
        let record = Record::decode(&bytes).unwrap();
        let back = record.outputs.terms.unwrap();
        assert_eq!(back.bits(), terms.bits());
        assert!(back.iter().eq(terms.iter()));
        assert!(terms.iter().all(|(s, t, _)| s == search::shard_of(t, terms.bits())));
        // The bits byte follows the weights: one bit fewer puts the largest shard out of range.
        let at = bytes.len() - 1 - 4 * terms.shards.len() - 1;
        assert_eq!(bytes[at], terms.bits);
        let mut fewer = bytes.clone();
        fewer[at] -= 1;
        assert!(terms.shards.iter().any(|&s| u32::from(s) >= 1 << (terms.bits - 1)));
        assert!(Record::decode(&fewer).is_none());
        // Lengths that cut a term inside a character, or do not add up to the string: refused.
        let n = terms.lens.len();
        let lens_at = bytes.len() - 1 - 2 * n;
        let k = (0..n - 1).find(|&k| terms.iter().nth(k).unwrap().1.ends_with(|c: char| c.len_utf8() > 1)).unwrap();
        let mut cut = bytes.clone();
        cut[lens_at + 2 * k] -= 1;
        cut[lens_at + 2 * k + 2] += 1;
        assert!(Record::decode(&cut).is_none(), "a term cut inside a character");
        let short =
            PostedTerms { joined: "abc".into(), lens: vec![1, 1], weights: vec![4, 4], bits: 2, shards: vec![0, 1] };
        let mut w = Vec::new();
        short.encode(&mut w);
        assert!(PostedTerms::decode(&mut Fields::new(&w)).is_none(), "lengths one byte short of the string");
        let whole = PostedTerms { lens: vec![1, 2], ..short };
        let mut w = Vec::new();
        whole.encode(&mut w);
        assert!(PostedTerms::decode(&mut Fields::new(&w)).is_some_and(|t| t.iter().eq(whole.iter())));
    }
}
