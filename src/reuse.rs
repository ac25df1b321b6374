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
//! stage links it into the new one (`write::Sink::previous`). A cold build and a build with the cache write
//! the same bytes (`tests/cache.rs`).

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
}

/// A page's distinct search terms with their weights (`search::Page::sorted_terms`), kept with
/// the page so that a kept page's terms are posted without reading its text again. One string
/// of the terms, each ended by a NUL, and a weight byte per term.
pub(crate) struct PostedTerms {
    joined: String,
    weights: Vec<u8>,
}

impl PostedTerms {
    /// The terms of `page`; None when one holds a NUL or a weight does not fit a byte (then
    /// they are not kept).
    pub(crate) fn of(page: &search::Page) -> Option<PostedTerms> {
        let terms = page.sorted_terms();
        let mut joined = String::with_capacity(terms.iter().map(|(t, _)| t.len() + 1).sum());
        let mut weights = Vec::with_capacity(terms.len());
        for (term, weight) in &terms {
            if term.contains('\0') {
                return None;
            }
            joined.push_str(term);
            joined.push('\0');
            weights.push(u8::try_from(*weight).ok()?);
        }
        Some(PostedTerms { joined, weights })
    }

    /// Each term with its weight, in term order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&str, u32)> {
        self.joined.split_terminator('\0').zip(self.weights.iter().map(|&w| u32::from(w)))
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
        let shown = format!("{config:?}\n{:?}\n{templates:?}\n{glossary}", config.language(site.letters()));
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
        let seen = |meta: &std::fs::Metadata| {
            let mut value = file_identity(meta);
            value.extend(len.to_le_bytes());
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
            }
        }
        match out.terms {
            None => w.push(0),
            Some(terms) => {
                w.push(1);
                put_str(&mut w, &terms.joined);
                put_len(&mut w, terms.weights.len());
                w.extend(&terms.weights);
            }
        }
        match out.study {
            None => w.push(0),
            Some(study) => {
                w.push(1);
                put_len(&mut w, study.answers.len());
                study.answers.iter().for_each(|a| put_str(&mut w, a));
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
        let search = match r.byte()? {
            0 => None,
            1 => {
                let (url, title) = (r.string()?, r.string()?);
                let sections =
                    r.list(|r| Some(search::Section { id: r.string()?, heading: r.string()?, text: r.string()? }))?;
                Some(search::Page { url, title, sections })
            }
            _ => return None,
        };
        let terms = match r.flag()? {
            false => None,
            true => {
                let joined = r.string()?;
                let count = r.usize()?;
                let weights = r.take(count)?.to_vec();
                // One weight per term: the count of terms is the count of their ends.
                let ends = joined.bytes().filter(|&b| b == 0).count();
                Some(
                    (ends == count && joined.ends_with('\0') == (count > 0))
                        .then_some(PostedTerms { joined, weights })?,
                )
            }
        };
        let study = match r.byte()? {
            0 => None,
            1 => {
                let answers = r.list(Fields::string)?;
                let references = r.list(|r| Some(Reference { href: r.string()?, text: r.string()? }))?;
                Some(NoteOutput { answers, references })
            }
            _ => return None,
        };
        r.is_done()
            .then_some(Record {
                inputs,
                targets,
                html_len,
                html_sum,
                outputs: Reused { diagnostics, targets: Vec::new(), search, terms, study },
            })
            .map(|mut record| {
                record.outputs.targets = record.targets.iter().map(|(t, _)| t.clone()).collect();
                record
            })
    }
}
