//! The build, stage by stage: discover → read + outline notes → assemble the site → render
//! pages → write. Stages are functions from data to data; the disk is touched by `discover`,
//! `theme::read_templates`, `read_note` and the `write` sink only. There is one full run (`full_run`): `build` is that
//! run into a staging folder, then committed; `check` is that run into a sink that discards
//! (`write::Discard`); a `serve` session (`session`) starts with the same run and keeps its
//! result, re-rendering through the same stages only what a change touches.

use crate::cache::{CodeCache, NoteCache};
use crate::config::Config;
use crate::diagnostics::{Diagnostic, Severity};
use crate::discover::{self, DiscoverError, SourceFile};
use crate::enrich::links;
use crate::enrich::study::Glossary;
use crate::frontmatter;
use crate::highlight;
use crate::links_external::ExternalLink;
use crate::markdown::prepare::prepare;
use crate::markdown::{emoji::with_emoji, outline::outline_prepared};
use crate::markdown::{questions, terms};
use crate::minify;
use crate::model::{
    display_name, file_name_of, file_stem, is_index_note, is_readme, note_url, parent_of, reserved_output, Body, Dates,
    Note, NoteStudy, PageRef, Site, TextPool, HOSTING_FILES,
};
use crate::paths;
use crate::render::{body, feed, nav, study, view, Theme};
use crate::reuse::{text_key, BuildCache, PostedTerms, ReusedRef, TextKeys};
use crate::search;
use crate::text::{push_escaped_html, without_controls};
use crate::theme::{self, DEFAULT_STATIC};
use crate::write::{self, Sink, Staging, WriteError};
use rayon::prelude::*;
use std::cell::Cell;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Once;
use std::time::{Duration, Instant};

/// What a successful build did.
#[derive(Debug, Default)]
pub struct BuildReport {
    /// Notes read into the site.
    pub notes: usize,
    /// Pages written: notes and folder pages.
    pub pages: usize,
    /// Asset files copied.
    pub assets: usize,
    /// Problems that did not fail the build, sorted by file and line.
    pub warnings: Vec<Diagnostic>,
    /// Wall time of each stage, in order.
    pub timings: Vec<(&'static str, Duration)>,
    /// The site's language and why: `language: en (detected: 2% Hangul)`.
    pub language: String,
    /// What the build cache gave: notes taken from it, and parsed anew.
    pub cached_notes: (usize, usize),
    /// What the build cache gave: code blocks taken from it, and highlighted anew.
    pub cached_code: (usize, usize),
    /// Pages taken from the last output as they were, and pages rendered and kept.
    pub cached_pages: (usize, usize),
}

/// Why a build (or a session's run) failed; the previous output is left as it was.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// The notes folder could not be scanned.
    #[error(transparent)]
    Discover(#[from] DiscoverError),
    /// The output folder could not be claimed or written.
    #[error(transparent)]
    Write(#[from] WriteError),
    /// Every problem of the run, errors and (under `--strict`) warnings.
    #[error("build failed: {} problem(s)", .0.len())]
    Problems(Vec<Diagnostic>),
}

/// Build the site described by `config` into its output folder.
pub fn build(config: &Config, force: bool) -> Result<BuildReport, BuildError> {
    write::check_output(&config.output_dir, &config.content_dir, force)?;
    let staging = Staging::create(&config.output_dir, config.cache_dir.as_deref())?;
    let cache = BuildCache::open(config.cache_dir.as_deref(), false);
    let (mut report, problems) = if config.minify {
        build_into(config, &MinifiedPages(&staging), &cache)?
    } else {
        build_into(config, &staging, &cache)?
    };
    let fails = |d: &Diagnostic| d.severity == Severity::Error || config.strict;
    if problems.iter().any(fails) {
        return Err(BuildError::Problems(problems));
    }
    (report.cached_notes, report.cached_code, report.cached_pages) =
        (cache.notes.counts(), cache.code.counts(), cache.pages.counts());
    let started = Instant::now();
    // The cache is saved while the output is switched and the old one removed: both wait on the
    // disk, in other folders. A cache saved for an output that then failed to switch only makes
    // the next build check (and render) those pages again.
    let (committed, saved) = rayon::join(|| staging.commit(), || save_cache(cache));
    committed?;
    report.timings.push(("swap output", started.elapsed()));
    report.timings.push(saved);
    report.warnings = problems;
    Ok(report)
}

/// A sink that minifies the HTML pages written into it (`minify::html`); the theme's CSS and
/// JS come minified already, so their content-hashed names hash what is written.
struct MinifiedPages<'a>(&'a dyn Sink);

impl Sink for MinifiedPages<'_> {
    fn write(&self, rel: &str, bytes: &[u8]) -> std::io::Result<()> {
        self.0.write(rel, &self.shaped(rel, bytes))
    }

    fn copy(&self, rel: &str, from: &Path) -> std::io::Result<()> {
        // Copied files are the notes' own (and a site's own `static/`): published as they are.
        self.0.copy(rel, from)
    }

    fn previous(&self, rel: &str) -> Option<std::path::PathBuf> {
        self.0.previous(rel)
    }

    fn shaped<'b>(&self, rel: &str, bytes: &'b [u8]) -> std::borrow::Cow<'b, [u8]> {
        match rel.ends_with(".html") {
            true => std::borrow::Cow::Owned(minify::html(bytes)),
            false => std::borrow::Cow::Borrowed(bytes),
        }
    }

    fn write_part(&self, rel: &str, bytes: &[u8], first: bool) -> std::io::Result<()> {
        self.0.write_part(rel, bytes, first)
    }
}

/// What `gongbu check` found: everything a build would report, with nothing written.
#[derive(Debug, Default)]
pub struct CheckReport {
    /// Notes read into the site.
    pub notes: usize,
    /// Every problem (broken links, missing anchors and files, collisions, unreadable notes,
    /// template errors), sorted by file and line.
    pub problems: Vec<Diagnostic>,
    /// Every external (http/https) link and embed where it is written, repeats included, sorted
    /// by file and line; empty unless asked for.
    pub external: Vec<ExternalLink>,
}

/// A build of the site into a sink that discards (`write::Discard`): the same run and the
/// same problems as `gongbu build`, and no output folder is touched. With `external`, also the
/// external links of every note, from a second pass over the note bodies (the only one that
/// keeps each link's line; the pages are not rendered again).
pub fn check(config: &Config, external: bool) -> Result<CheckReport, BuildError> {
    let mut clock = Clock::start();
    // Read, never written: a check leaves the cache as the last build left it.
    let cache = BuildCache::code_only(config.cache_dir.as_deref());
    let FullRun { site, unread: mut problems, written, .. } =
        full_run(config, &write::Discard, &mut clock, false, &cache, || Ok(()))?;
    problems.extend(site.collisions.iter().cloned());
    match written {
        Ok((_, written)) => {
            problems.extend(written.rendered.into_iter().flat_map(|r| r.diagnostics));
            problems.extend(written.problems);
        }
        Err(errors) => problems.extend(errors),
    }
    problems.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    let external = if external { external_links(&site, config) } else { Vec::new() };
    Ok(CheckReport { notes: site.notes.len(), problems, external })
}

/// Every external link and embed of every note with its line, in file and line order.
fn external_links(site: &Site, config: &Config) -> Vec<ExternalLink> {
    let chrome = view::Chrome::of(config, site);
    let words = body::BodyWords::new(&chrome.words);
    let per_note: Vec<Vec<ExternalLink>> = (0..site.notes.len())
        .into_par_iter()
        .map(|n| {
            let note = &site.notes[n];
            let resolve = |dest: &str| links::resolve(site, n, dest, chrome.repository);
            // A panic here was already reported by the full run as this note's internal error.
            let found = guarded(&note.source, || {
                let note = with_body(note).ok()?;
                Some(body::render_body(&note, &resolve, &words, &CodeCache::none(), &Glossary::default()).external)
            });
            let mut found: Vec<ExternalLink> = found
                .ok()
                .flatten()
                .unwrap_or_default()
                .into_iter()
                .filter_map(|(href, line)| {
                    let url = if href.starts_with("//") { format!("https:{href}") } else { href };
                    let lower = url.get(..8).unwrap_or(&url).to_ascii_lowercase();
                    (lower.starts_with("http://") || lower.starts_with("https://")).then(|| ExternalLink {
                        url,
                        file: note.source.clone(),
                        line,
                    })
                })
                .collect();
            found.sort_by_key(|l| l.line);
            found
        })
        .collect();
    let mut all: Vec<ExternalLink> = per_note.into_iter().flatten().collect();
    all.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    all
}

/// Keep what the build cache gathered for the next build. A cache that cannot be written only
/// makes the next build cold: it is no problem of this one. The lap names what was reused.
pub(crate) fn save_cache(cache: BuildCache) -> (&'static str, Duration) {
    let started = Instant::now();
    cache.save();
    ("save cache", started.elapsed())
}

/// Every stage of a build, writing into `sink`. Returns the report and all problems found,
/// sorted by file and line; the caller decides whether they fail the build.
fn build_into(
    config: &Config,
    sink: &dyn Sink,
    cache: &BuildCache,
) -> Result<(BuildReport, Vec<Diagnostic>), BuildError> {
    let mut clock = Clock::start();
    let FullRun { site, assets, unread: mut problems, written } =
        full_run(config, sink, &mut clock, false, cache, || Ok(()))?;
    problems.extend(site.collisions.iter().cloned());
    let (_, written) = written.map_err(|mut errs| {
        errs.append(&mut problems);
        BuildError::Problems(errs)
    })?;
    problems.extend(written.rendered.into_iter().flat_map(|r| r.diagnostics));
    problems.extend(written.problems);

    problems.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    let report = BuildReport {
        notes: site.notes.len(),
        pages: site.order.len(),
        assets: assets.len(),
        warnings: Vec::new(),
        timings: clock.laps,
        language: config.language(site.letters()).to_string(),
        cached_notes: (0, 0),
        cached_code: (0, 0),
        cached_pages: (0, 0),
    };
    Ok((report, problems))
}

/// What a full run read and wrote: a build reports it, a session keeps it for the changes
/// that follow.
pub(crate) struct FullRun {
    pub site: Site,
    pub assets: Vec<SourceFile>,
    /// Notes that could not be read and entries that were skipped.
    pub unread: Vec<Diagnostic>,
    /// The theme and what was written with it; the theme's errors when it could not be loaded
    /// (then nothing was written).
    pub written: Result<(Theme, Written), Vec<Diagnostic>>,
}

/// The one full run of the site, for `build` and for a session's first (or fresh) run: load
/// the notes into a site, load the theme, write everything into `sink`. `claim_output` runs
/// once the notes were found, before anything is written.
/// `serving`: the run starts a `serve` session, which keeps the pages' text for later edits.
pub(crate) fn full_run(
    config: &Config,
    sink: &dyn Sink,
    clock: &mut Clock,
    serving: bool,
    cache: &BuildCache,
    claim_output: impl FnOnce() -> Result<(), BuildError>,
) -> Result<FullRun, BuildError> {
    // A session renders notes again later: it keeps their bodies.
    let Loaded { site, assets, problems } = load(config, clock, &cache.notes, serving)?;
    claim_output()?;
    let theme = theme::read_templates(config.templates_dir.as_deref(), &config.root).and_then(|sources| {
        cache.pages.start_run(config, &site, &sources, Glossary::of(&site).signature());
        Theme::from_sources(sources)
    });
    clock.lap("load theme");
    let written = theme.map(|theme| {
        let written = write_everything(&site, &theme, &assets, config, sink, clock, serving, cache);
        (theme, written)
    });
    Ok(FullRun { site, assets, unread: problems, written })
}

/// The notes folder read into a site: what every build starts from.
struct Loaded {
    pub site: Site,
    pub assets: Vec<SourceFile>,
    /// Notes that could not be read and entries that were skipped.
    pub problems: Vec<Diagnostic>,
}

/// Discover, read and outline every note (unchanged ones from `notes`), and assemble the site;
/// without `keep_bodies`, each note's body is let go once it is read (`model::Body`).
fn load(config: &Config, clock: &mut Clock, notes: &NoteCache, keep_bodies: bool) -> Result<Loaded, BuildError> {
    // Checked again here: while serving, the notes folder may be replaced after the config was read.
    discover::check_inside(&config.content_dir, &config.root)?;
    // A site root that is its own notes folder publishes its notes, not its config and theme.
    let own = config.own_files();
    let skip: Vec<&Path> =
        std::iter::once(config.output_dir.as_path()).chain(own.iter().map(PathBuf::as_path)).collect();
    let sources = discover::scan(&config.content_dir, &skip)?;
    clock.lap("discover");

    // What a note's parse depends on besides its bytes, path and place (for the note cache).
    let rules_key = format!("{:?}", config.question_patterns);
    let (notes, mut problems) = read_notes(&sources.notes, &study_rules(config), (notes, &rules_key), keep_bodies);
    problems.extend(sources.skipped);
    clock.lap("read + outline");

    let assets: Vec<String> = sources.assets.iter().map(|a| a.rel.clone()).collect();
    let site = Site::assemble(notes, assets, config.title.clone(), &folder_name(&config.root));
    // An asset that lost an output collision (see `enrich::assemble`) is not copied; the warnings
    // stay in `site.collisions`, current after every assembly.
    let assets = sources.assets.into_iter().filter(|a| site.publishes_asset(&a.rel)).collect();
    clock.lap("assemble site");
    Ok(Loaded { site, assets, problems })
}

/// The question patterns of `gongbu.toml` (checked when it was loaded).
pub(crate) fn study_rules(config: &Config) -> questions::Rules {
    questions::Rules::new(&config.question_patterns).unwrap_or_default()
}

/// Read every note in parallel; a note that cannot be read becomes a diagnostic, not a page.
/// `cache`: the note cache, and the fingerprint of `rules` its records are keyed by. Without
/// `keep_bodies`, each body is let go as soon as its note is read, so no build holds every
/// note's text at once.
fn read_notes(
    files: &[SourceFile],
    rules: &questions::Rules,
    cache: (&NoteCache, &str),
    keep_bodies: bool,
) -> (Vec<Note>, Vec<Diagnostic>) {
    let readme_folders: HashSet<&str> = files.iter().filter(|f| is_readme(&f.rel)).map(|f| parent_of(&f.rel)).collect();
    // Headings, questions and terms that notes repeat word for word are kept once.
    let texts = std::sync::Mutex::new(TextPool::default());
    let results: Vec<Result<Option<Note>, Diagnostic>> = files
        .par_iter()
        .map(|f| {
            let is_index = is_index_note(&f.rel, readme_folders.contains(parent_of(&f.rel)));
            let mut note = read_note_from(&f.rel, &f.abs, is_index, rules, cache);
            if let Ok(Some(note)) = &mut note {
                if !keep_bodies {
                    note.body.let_go(f.abs.clone());
                }
                note.share_texts(&mut texts.lock().unwrap_or_else(std::sync::PoisonError::into_inner));
            }
            note
        })
        .collect();
    let mut notes = Vec::with_capacity(results.len());
    let mut problems = Vec::new();
    for r in results {
        match r {
            Ok(Some(note)) => notes.push(note),
            Ok(None) => {}
            Err(d) => problems.push(d),
        }
    }
    (notes, problems)
}

/// One note from the disk, for a full run and an incremental one alike: `parse_note` on the
/// file's bytes, with a panic caught and reported as the note's internal error.
pub(crate) fn read_note(
    source: &str,
    path: &Path,
    is_index: bool,
    rules: &questions::Rules,
) -> Result<Option<Note>, Diagnostic> {
    read_note_from(source, path, is_index, rules, (&NoteCache::none(), ""))
}

/// `read_note`, taken from the note cache when its bytes were parsed before in the same context.
fn read_note_from(
    source: &str,
    path: &Path,
    is_index: bool,
    rules: &questions::Rules,
    (cache, rules_key): (&NoteCache, &str),
) -> Result<Option<Note>, Diagnostic> {
    let bytes = discover::read_source(path).map_err(|e| Diagnostic::error(source, 0, format!("cannot read: {e}")))?;
    let context: [&[u8]; 3] = [source.as_bytes(), &[u8::from(is_index)], rules_key.as_bytes()];
    guarded(source, || cache.parse(&context, &bytes, || parse_note_with(source, &bytes, is_index, rules)))?
}

/// `note` with its body: as kept, or read again from its file when it was let go (`load`);
/// an error when the file cannot be read or changed since.
pub(crate) fn with_body(note: &Note) -> Result<std::borrow::Cow<'_, Note>, Diagnostic> {
    let Some(path) = note.body.file() else { return Ok(std::borrow::Cow::Borrowed(note)) };
    let changed = || Diagnostic::error(&note.source, 0, "changed while the site was built: build again");
    let bytes =
        discover::read_source(path).map_err(|e| Diagnostic::error(&note.source, 0, format!("cannot read: {e}")))?;
    // Most files have no control characters: their text is the file's bytes as they are.
    let cleaned = || std::str::from_utf8(&bytes).ok().and_then(|t| note.body.found_in(without_controls(t).as_bytes()));
    let body = note.body.found_in(&bytes).or_else(cleaned).ok_or_else(changed)?;
    Ok(std::borrow::Cow::Owned(Note { body, ..note.clone() }))
}

/// One note from its bytes: UTF-8 check, front matter, outline, title. `None` for drafts.
pub fn parse_note(source: &str, bytes: &[u8], is_index: bool) -> Result<Option<Note>, Diagnostic> {
    parse_note_with(source, bytes, is_index, &questions::Rules::default())
}

/// `parse_note` with the site's question patterns: also finds the note's questions and terms.
pub fn parse_note_with(
    source: &str,
    bytes: &[u8],
    is_index: bool,
    rules: &questions::Rules,
) -> Result<Option<Note>, Diagnostic> {
    // The vectorised check first (every note passes it); the standard one says where it fails.
    let text = simdutf8::basic::from_utf8(bytes).or_else(|_| std::str::from_utf8(bytes)).map_err(|e| {
        let line = bytes[..e.valid_up_to()].iter().filter(|&&b| b == b'\n').count() + 1;
        Diagnostic::error(source, line, "not valid UTF-8 (save the file as UTF-8)")
    })?;
    let text = &*without_controls(text);
    let split = frontmatter::split(text).map_err(|e| Diagnostic::error(source, e.line, e.message))?;
    panic_if_asked(text, "outline");
    if split.front.draft {
        return Ok(None);
    }
    // The text every parse of the note reads (see `prepare`): offsets of headings, details
    // blocks and terms are in it. The note keeps what the render needs of it.
    let preparation = prepare(split.body);
    let prepared = &*preparation.text;
    let mut outline = outline_prepared(prepared, split.body_line);
    if split.front.title.is_some() {
        // The front matter names the note; its headings are all content.
        outline.title_heading = None;
    }
    // YAML escapes (`"\u0001"`) decode to control characters: clean what the front matter says.
    let front_title = split.front.title.as_deref().map(|t| with_emoji(&without_controls(t)).into_owned());
    let written = front_title.or(outline.title().map(str::to_string)).filter(|t| !t.trim().is_empty());
    let dates = dates(&split.front, text).map_err(|(line, message)| Diagnostic::error(source, line, message))?;
    let title = written.clone().unwrap_or_else(|| {
        let name = if is_index { file_name_of(parent_of(source)) } else { file_stem(file_name_of(source)) };
        display_name(&without_controls(name))
    });
    let mut study = NoteStudy {
        questions: questions::find(prepared, split.body_line, &outline.headings, outline.title_heading, rules),
        terms: terms::find(prepared, split.body_line, &outline.headings),
    };
    // A site keeps every note's lists until it is written: no spare capacity.
    outline.headings.shrink_to_fit();
    outline.extra_ids.shrink_to_fit();
    study.questions.shrink_to_fit();
    study.terms.shrink_to_fit();
    let code_language = highlight::note_language(outline.code_labels.iter().map(String::as_str), &[&title, source]);
    Ok(Some(Note {
        study,
        source: source.to_string(),
        url: note_url(source, is_index),
        title,
        description: split.front.description.as_deref().map(|d| without_controls(d).into_owned()),
        weight: split.front.weight,
        // `split.body` is the end of `text`.
        body: Body::new(split.body, text.len() - split.body.len()),
        preparation: preparation.kept(),
        body_line: split.body_line,
        title_heading: outline.title_heading,
        headings: outline.headings,
        extra_ids: outline.extra_ids,
        // Only a folder's page orders anything with its links; other notes' would cost memory.
        links: if is_index { outline.links } else { Vec::new() },
        is_index,
        title_written: written.is_some(),
        letters: outline.letters,
        lead: outline.lead,
        code_language,
        dates,
    }))
}

/// A note's `date` and `updated`, as RFC 3339; a value that is not a date is an error on its
/// line of the front matter (the line and message as a pair).
fn dates(front: &frontmatter::FrontMatter, text: &str) -> Result<Dates, (usize, String)> {
    let read = |key: &str, value: &Option<frontmatter::DateValue>| match value {
        None => Ok(None),
        Some(v) => v.rfc3339().map(Some).ok_or_else(|| {
            let line = text
                .lines()
                .position(|l| l.strip_prefix(key).is_some_and(|r| r.trim_start().starts_with([':', '='])))
                .map_or(1, |i| i + 1);
            (
                line,
                format!("`{key}` is not a date: `{}` (write it as 2024-03-01 or 2024-03-01T09:30:00+09:00)", v.shown()),
            )
        }),
    };
    Ok(Dates { published: read("date", &front.date)?, updated: read("updated", &front.updated)? })
}

/// What a full run wrote.
pub(crate) struct Written {
    /// Every page, in `site.order`.
    pub rendered: Vec<RenderedPage>,
    /// Problems writing the shared files and copying assets.
    pub problems: Vec<Diagnostic>,
    /// The search index, written; a session keeps it for incremental updates.
    pub index: search::Index,
}

/// The full run's output stage, for `build` and for a session's first (or fresh) run alike:
/// render every page, write the shared files (navigation, theme CSS/JS, 404), copy the assets.
// Each input is one of the run's own (the build cache is the eighth); a struct would only rename them.
#[allow(clippy::too_many_arguments)]
pub(crate) fn write_everything(
    site: &Site,
    theme: &Theme,
    assets: &[SourceFile],
    config: &Config,
    sink: &dyn Sink,
    clock: &mut Clock,
    serving: bool,
    cache: &BuildCache,
) -> Written {
    let chrome = view::Chrome::of(config, site);
    let glossary = Glossary::of(site);
    let pages = site.order.len();
    let mut index = if serving { search::Index::new(pages) } else { search::Index::streaming(pages) };
    // The study files that need no rendered page are written while the pages render, and a
    // build makes the Anki export as they render (a session keeps each note's rows instead).
    let anki_file = FileInParts::new(sink, study::StudyFile::Anki.path());
    let spill = |part: &[u8]| anki_file.part(part);
    // Without the export (`[study] anki = false`) a build still takes each note's rows as its
    // page is done, and lets them go.
    let ignore = |_: &[u8]| {};
    let spill_to: &(dyn Fn(&[u8]) + Sync) = if config.anki { &spill } else { &ignore };
    let anki = (!serving).then(|| study::AnkiStream::new(spill_to));
    let searched = config.search.then_some(&index);
    let (mut rendered, mut problems) = rayon::join(
        || render_pages(site, theme, &chrome, &site.order, sink, searched, &glossary, anki.as_ref(), cache),
        || write_study(&study::StudyFile::FROM_SITE, site, theme, &chrome, &glossary, &[], sink),
    );
    problems.extend(write_shared(site, theme, &chrome, config, sink));
    if !serving {
        // A build highlights nothing more: each thread's line memo goes before the study files.
        rayon::broadcast(|_| highlight::release_thread_memory());
    }
    clock.lap("render + write pages");
    let texts = take_texts(site, &mut rendered);
    let keys = (serving && cache.pages.is_on()).then(|| text_keys(site, &rendered));
    let mut outputs: Vec<Option<&study::NoteOutput>> = vec![None; site.notes.len()];
    for r in &rendered {
        if let (PageRef::Note(n), Some(output)) = (r.page, &r.study) {
            outputs[n] = Some(output);
        }
    }
    // The search index's files and the references page, side by side: both are made from the
    // rendered pages only, and the page is one thread's work (a warm build's longest).
    let (index_problems, references_problems) = rayon::join(
        || {
            if !config.search {
                return Vec::new();
            }
            texts.into_iter().for_each(|(id, page)| index.store(id, page));
            let mut problems = keys.map(|keys| write_kept_index(&mut index, &keys, cache, sink)).unwrap_or_default();
            problems.extend(write_index_files(&mut index, sink));
            release_freed_memory();
            problems
        },
        || write_study(&[study::StudyFile::References], site, theme, &chrome, &glossary, &outputs, sink),
    );
    problems.extend(index_problems);
    clock.lap("search + references");
    // The Anki export: a build's was made as the pages rendered; a session writes its own from
    // the rows it keeps of each note (`session`), so the 79 MB file is never made twice.
    if let Some(anki) = anki.filter(|_| config.anki) {
        let (rest, spilled) = anki.finish();
        problems.extend(anki_file.finish(&rest, spilled));
    }
    problems.extend(references_problems);
    clock.lap("study files");
    problems.extend(copy_assets(assets, sink));
    clock.lap("copy assets");
    Written { rendered, problems, index }
}

/// A file written into a sink in parts as they are made (`Sink::write_part`), so it is never
/// held whole; the first problem writing it stops it.
struct FileInParts<'a> {
    sink: &'a dyn Sink,
    rel: &'static str,
    /// Whether a part was written, and the problem that stopped it.
    state: std::sync::Mutex<(bool, Option<Diagnostic>)>,
}

impl<'a> FileInParts<'a> {
    fn new(sink: &'a dyn Sink, rel: &'static str) -> FileInParts<'a> {
        FileInParts { sink, rel, state: std::sync::Mutex::new((false, None)) }
    }

    /// The next part, after the ones given before.
    fn part(&self, bytes: &[u8]) {
        let mut state = self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let (started, problem) = &mut *state;
        if problem.is_none() {
            let result = self.sink.write_part(self.rel, bytes, !*started);
            *problem = result.err().map(|e| Diagnostic::error(self.rel, 0, format!("cannot write: {e}")));
            *started = true;
        }
    }

    /// The file's last part, or all of it when no part was given (then written whole, as any
    /// file); the problem writing it, if any.
    fn finish(self, rest: &[u8], spilled: bool) -> Option<Diagnostic> {
        if !spilled {
            return write_all(self.sink, std::iter::once((self.rel, rest))).pop();
        }
        self.part(rest);
        self.state.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner).1
    }
}

/// The rendered pages' text the search index did not take yet (their terms were posted while
/// rendering), by their place in the index, for `Index::store`.
fn take_texts(site: &Site, rendered: &mut [RenderedPage]) -> Vec<(usize, search::Page)> {
    let texts = rendered.iter_mut().map(|r| {
        let text = r.search.take();
        Some((*site.position.get(&r.page)?, text?))
    });
    texts.flatten().collect()
}

/// Each rendered page's `text_key` by its place in the search index.
fn text_keys(site: &Site, rendered: &[RenderedPage]) -> TextKeys {
    let keys = TextKeys::new(site.order.len());
    for r in rendered {
        if let (Some(key), Some(&id)) = (r.text_key, site.position.get(&r.page)) {
            keys.set(id, key);
        }
    }
    keys
}

/// A session's first run writes its kept index's text blocks as a build writes them (the last
/// output's block made from the same pages' text is kept, not made and compared again), and its
/// term shards alike, all kept when no page's text changed.
fn write_kept_index(
    index: &mut search::Index,
    keys: &TextKeys,
    cache: &BuildCache,
    sink: &dyn Sink,
) -> Vec<Diagnostic> {
    let problem = |path: &str, e: std::io::Error| Diagnostic::error(path, 0, format!("cannot write: {e}"));
    let blocks = index.take_blocks();
    let written = blocks
        .par_iter()
        .map(|block| cache.pages.write_block(block, keys, sink).err().map(|e| problem(&block.path, e)));
    let mut problems: Vec<Diagnostic> = written.flatten().collect();
    drop(blocks);
    let all = keys.all();
    let shards = index.take_shards();
    let written = shards
        .par_iter()
        .map(|shard| cache.pages.write_shard(shard, Some(all), sink).err().map(|e| problem(&shard.path, e)));
    problems.par_extend(written.flatten());
    problems
}

/// Write the search index's files that changed since it was last written.
pub(crate) fn write_index_files(index: &mut search::Index, sink: &dyn Sink) -> Vec<Diagnostic> {
    let problems = index.put_files(|rel, bytes| write_all(sink, std::iter::once((rel.as_str(), bytes.as_slice()))));
    problems.into_iter().flatten().collect()
}

/// One page after rendering and writing.
pub(crate) struct RenderedPage {
    pub page: PageRef,
    /// False when its template failed: the page was not written.
    pub written: bool,
    pub diagnostics: Vec<Diagnostic>,
    /// Site paths the page links to.
    pub targets: Vec<String>,
    /// Fingerprint of what the site put on the page (see `view::PageLinks`).
    pub signature: u64,
    /// The page's text for the search index (taken by `take_texts`).
    pub search: Option<search::Page>,
    /// `reuse::text_key` of that text, when the build cache is on.
    pub text_key: Option<u128>,
    /// A note's Anki rows and references, for the site's study files (None for folder pages,
    /// and for a note whose page was not rendered).
    pub study: Option<study::NoteOutput>,
}

/// Render `pages` in parallel and write each into `sink` as soon as it is ready, so memory
/// does not grow with the site; post each page's terms to `index` when given, and each note's
/// Anki rows to `anki` (then not kept in its `RenderedPage`); reuse unchanged pages from `cache`.
// Each input is one of the run's own; a struct would only rename them.
#[allow(clippy::too_many_arguments)]
pub(crate) fn render_pages(
    site: &Site,
    theme: &Theme,
    chrome: &view::Chrome,
    pages: &[PageRef],
    sink: &dyn Sink,
    index: Option<&search::Index>,
    glossary: &Glossary,
    anki: Option<&study::AnkiStream>,
    cache: &BuildCache,
) -> Vec<RenderedPage> {
    let site_links = view::SiteLinks::of(site, chrome);
    // Text blocks made from the same pages' text as the last output's are kept: a build's as
    // they stream, a session's first run's once every page is in (`write_kept_index`).
    let keyed = index.filter(|_| cache.pages.is_on());
    let text_keys = TextKeys::new(keyed.map_or(0, search::Index::len));
    // What every page gives, rendered or reused: its terms to the index, its rows to `anki`.
    #[allow(clippy::too_many_arguments)]
    let finish = |position: usize,
                  page: PageRef,
                  written: bool,
                  mut diagnostics: Vec<Diagnostic>,
                  mut targets: Vec<String>,
                  signature: u64,
                  (text, terms, key): (Option<search::Page>, Option<PostedTerms>, Option<u128>),
                  mut study: Option<study::NoteOutput>| {
        if let (Some(key), Some(&id)) = (key, site.position.get(&page)) {
            text_keys.set(id, key);
        }
        let (mut search, problem) =
            index_page(site, index, page, text, terms.as_ref(), (&text_keys, &cache.pages), sink);
        diagnostics.extend(problem);
        if let Some(anki) = anki {
            // A build (it streams the Anki export) renders no page again: only a session
            // re-renders pages by the paths they link to. Without search, it wants no text.
            targets = Vec::new();
            search = search.filter(|_| index.is_some());
            // A note whose page failed gives its questions without answers.
            let rows = match (page, study.as_mut()) {
                (PageRef::Note(_), Some(s)) => Some(std::mem::take(&mut s.anki)),
                (PageRef::Note(n), None) => Some(study::note_anki_rows(site, n, &[])),
                (PageRef::Section(_), _) => None,
            };
            anki.add(position, rows);
        }
        let text_key = key;
        (position, RenderedPage { page, written, diagnostics, targets, signature, search, study, text_key })
    };
    // Taken one at a time in reading order (not split in ranges), so what is made in reading
    // order as pages finish (the Anki export) waits for few pages.
    let mut rendered: Vec<(usize, RenderedPage)> = pages
        .iter()
        .enumerate()
        .par_bridge()
        .map(|(position, &page)| {
            let source = || match page {
                PageRef::Note(n) => site.notes[n].source.clone(),
                PageRef::Section(_) => site.url_of(page),
            };
            let links = view::PageLinks::of(site, page);
            let signature = links.signature(&site_links);
            // A page whose inputs are all unchanged is taken from the last output as it is.
            if let Some(reused) = cache.pages.reuse(site, page, signature, sink) {
                let (diagnostics, targets, search, study) =
                    (reused.diagnostics, reused.targets, (reused.search, reused.terms, reused.text_key), reused.study);
                return finish(position, page, true, diagnostics, targets, signature, search, study);
            }
            let PageOutput { html, mut diagnostics, targets, search: text, study } = guarded(&source(), || {
                render_linked(site, &site_links, links, theme, chrome, page, glossary, &cache.code)
            })
            .unwrap_or_else(|d| PageOutput { diagnostics: vec![d], ..PageOutput::default() });
            let mut written = false;
            // A page the cache keeps keeps its search terms too (posted from them alike).
            let terms = text
                .as_ref()
                .filter(|_| cache.pages.is_on())
                .and_then(|t| PostedTerms::of(t, index.map_or(site.order.len(), |i| i.len())));
            // The generated page of a notes folder named like a study page's (`quiz/`) gives way.
            let html = html.filter(|_| matches!(page, PageRef::Note(_)) || reserved_output(&site.url(page)).is_none());
            if let Some(html) = html {
                let url = site.url_of(page);
                match sink.write(&url, &html) {
                    Ok(()) => written = true,
                    // Named by its note: that is the file the reader can rename or fix.
                    Err(e) => diagnostics.push(Diagnostic::error(source(), 0, format!("cannot write {url}: {e}"))),
                }
                if written {
                    let outputs = ReusedRef {
                        diagnostics: &diagnostics,
                        targets: &targets,
                        search: text.as_ref(),
                        terms: terms.as_ref(),
                        study: study.as_ref(),
                    };
                    cache.pages.keep(site, page, signature, || sink.shaped(&url, &html), outputs);
                }
            }
            let key = text.as_ref().filter(|_| keyed.is_some()).map(text_key);
            finish(position, page, written, diagnostics, targets, signature, (text, terms, key), study)
        })
        .collect();
    rendered.sort_unstable_by_key(|&(position, _)| position);
    rendered.into_iter().map(|(_, r)| r).collect()
}

/// Post a page's text to the search index, if there is one (its `terms` when known); a streaming
/// index takes the text and its block is written. Gives back the text the index did not take,
/// and a write problem.
fn index_page(
    site: &Site,
    index: Option<&search::Index>,
    page: PageRef,
    mut text: Option<search::Page>,
    terms: Option<&PostedTerms>,
    (keys, cache): (&TextKeys, &crate::reuse::PageCache),
    sink: &dyn Sink,
) -> (Option<search::Page>, Option<Diagnostic>) {
    let mut problem = None;
    if let (Some(index), Some(page_text), Some(&id)) = (index, &text, site.position.get(&page)) {
        match terms {
            Some(terms) => index.post_sharded(id, terms.bits(), terms.iter()),
            None => index.post(id, page_text),
        }
        if index.is_streaming() {
            let block = text.take().and_then(|t| index.stream(id, t));
            if let Some(block) = block {
                if let Err(e) = cache.write_block(&block, keys, sink) {
                    problem = Some(Diagnostic::error(block.path, 0, format!("cannot write: {e}")));
                }
            }
        }
    }
    (text, problem)
}

/// Files every site has besides its pages: navigation files and theme files.
fn write_shared(
    site: &Site,
    theme: &Theme,
    chrome: &view::Chrome,
    config: &Config,
    sink: &dyn Sink,
) -> Vec<Diagnostic> {
    let mut diagnostics = write_navigation(site, theme, chrome, config, sink);
    diagnostics.extend(write_theme_files(site, config, sink));
    diagnostics
}

/// Files that list the site's pages and titles: `nav.js`, `404.html`, `sitemap.xml`, `atom.xml`.
pub(crate) fn write_navigation(
    site: &Site,
    theme: &Theme,
    chrome: &view::Chrome,
    config: &Config,
    sink: &dyn Sink,
) -> Vec<Diagnostic> {
    write_navigation_files(site, theme, chrome, config, sink, nav::nav_js(site, chrome).as_bytes(), true)
}

/// `write_navigation` with `nav.js` made already (`nav`), and without the search and 404 pages
/// unless `shell`: they show only what every page shows of the site (`view::SiteLinks`), which
/// a session knows when it did not change.
pub(crate) fn write_navigation_files(
    site: &Site,
    theme: &Theme,
    chrome: &view::Chrome,
    config: &Config,
    sink: &dyn Sink,
    nav: &[u8],
    shell: bool,
) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let mut files: Vec<(&str, Vec<u8>)> = Vec::new();
    if shell {
        match search_page(site, theme, chrome) {
            Ok(Some(html)) => files.push((search::PAGE, html.into_bytes())),
            Ok(None) => {}
            Err(d) => diagnostics.push(d),
        }
        match theme.render(
            "404.html",
            &view::not_found_context(&view::SiteLinks::of(site, chrome), chrome, &base_path(&config.base_url)),
        ) {
            Ok(html) => files.push(("404.html", html.into_bytes())),
            Err(d) => diagnostics.push(d),
        }
    }
    if let Some(xml) = sitemap(site, &config.base_url) {
        files.push(("sitemap.xml", xml.into_bytes()));
    }
    let summary = |n: usize| view::description(site.notes[n].description.as_deref(), &site.notes[n].lead);
    if let Some(xml) = feed::atom(site, chrome.base_url, summary) {
        files.push((feed::FEED, xml.into_bytes()));
    }
    // The search index's manifest rides with the navigation, which every page loads before a query.
    let nav = if chrome.search {
        [nav, b"window.GONGBU_SEARCH=", search::manifest(site.order.len()).as_bytes(), b";\n"].concat()
    } else {
        nav.to_vec()
    };
    let files =
        std::iter::once(("nav.js", nav.as_slice())).chain(files.iter().map(|(rel, bytes)| (*rel, bytes.as_slice())));
    diagnostics.extend(write_all(sink, files));
    diagnostics
}

/// The search page (`search/index.html`, which reads `?q=`), unless the site has no search or
/// a folder of the notes named `search/` has its page there.
fn search_page(site: &Site, theme: &Theme, chrome: &view::Chrome) -> Result<Option<String>, Diagnostic> {
    if !chrome.search || site.order.iter().any(|&p| crate::model::fold_case(&site.url(p)) == search::PAGE) {
        return Ok(None);
    }
    let mut context = view::not_found_context(&view::SiteLinks::of(site, chrome), chrome, "../");
    context.page.title = chrome.words.search.clone();
    context.page.url = search::PAGE.to_string();
    theme.render("search.html", &context).map(Some)
}

/// The theme's files: its CSS and JS (embedded, then the site's own `static/`), the code
/// highlighting CSS, and `.nojekyll` for GitHub Pages.
pub(crate) fn write_theme_files(site: &Site, config: &Config, sink: &dyn Sink) -> Vec<Diagnostic> {
    let css = highlight::theme_css();
    let embedded = DEFAULT_STATIC.iter().map(|(name, bytes)| (*name, *bytes));
    let files: Vec<(String, Vec<u8>)> = embedded
        .chain([("highlight.css", css.as_bytes())])
        // Under their plain names as under the hashed ones: the same bytes.
        .map(|(name, bytes)| {
            (format!("static/{name}"), if config.minify { minify::asset(name, bytes) } else { bytes.to_vec() })
        })
        .chain([(".nojekyll".to_string(), Vec::new())])
        .collect();
    let mut diagnostics = write_all(sink, files.iter().map(|(rel, bytes)| (rel.as_str(), bytes.as_slice())));
    // The bundles pages load (`theme::BUNDLES`), joined from the site's files, under plain names too.
    let theme_files = view::theme_files(config);
    let bundles: Vec<(String, &[u8])> = theme_files
        .iter()
        .filter(|(name, _)| theme::BUNDLES.iter().any(|(bundle, _)| bundle == name))
        .map(|(name, bytes)| (format!("static/{name}"), bytes.as_slice()))
        .collect();
    diagnostics.extend(write_all(sink, bundles.iter().map(|(rel, bytes)| (rel.as_str(), *bytes))));
    diagnostics.extend(copy_site_static(site, config, sink));
    if config.hashed_assets {
        // Also under hashed names, which pages load; the plain names stay for anything that
        // names them (a site's own templates, scripts that fetch them).
        let hashed: Vec<(String, &[u8])> = theme_files
            .iter()
            .map(|(name, bytes)| (format!("static/{}", theme::hashed_name(name, bytes)), bytes.as_slice()))
            .collect();
        diagnostics.extend(write_all(sink, hashed.iter().map(|(rel, bytes)| (rel.as_str(), *bytes))));
    }
    if let Some(robots) = robots_txt(site, config) {
        diagnostics.extend(write_all(sink, [(ROBOTS_TXT, robots.as_bytes())].into_iter()));
    }
    diagnostics
}

/// The crawlers' file at the site's root.
const ROBOTS_TXT: &str = "robots.txt";

/// `robots.txt`: every crawler may read everything, and the sitemap is named when there is one
/// (an absolute base URL). None when the site has its own: a notes folder's `robots.txt` at its
/// top (an asset, published as it is) or a site root's `static/robots.txt` (a hosting file).
fn robots_txt(site: &Site, config: &Config) -> Option<String> {
    let own_static = config.static_dir.as_ref().is_some_and(|d| d.join(ROBOTS_TXT).is_file());
    if own_static || site.find_asset(ROBOTS_TXT).is_some() {
        return None;
    }
    let mut text = String::from("User-agent: *\nAllow: /\n");
    if sitemap_url(&config.base_url) {
        text.push_str(&format!("\nSitemap: {}sitemap.xml\n", config.base_url));
    }
    Some(text)
}

/// Search engines need full addresses: a sitemap is written only for an absolute base URL.
fn sitemap_url(base_url: &str) -> bool {
    base_url.starts_with("http://") || base_url.starts_with("https://")
}

/// Study files (`render::study`: quiz, glossary, references, Anki export), from each note's
/// rendered output; each is written as soon as it is made and let go.
#[allow(clippy::too_many_arguments)]
pub(crate) fn write_study(
    files: &[study::StudyFile],
    site: &Site,
    theme: &Theme,
    chrome: &view::Chrome,
    glossary: &Glossary,
    outputs: &[Option<&study::NoteOutput>],
    sink: &dyn Sink,
) -> Vec<Diagnostic> {
    let input = study::StudyInput { site, theme, chrome, glossary, outputs };
    files
        .par_iter()
        .flat_map_iter(|&file| {
            let written = match study::study_file(file, &input) {
                Ok(bytes) => write_all(sink, std::iter::once((file.path(), bytes.as_slice()))),
                Err(d) => vec![d],
            };
            release_freed_memory();
            written
        })
        .collect()
}

/// Give the memory freed by a large step back to the system: glibc keeps what a thread freed
/// in that thread's arena, where the next large step, on another thread, cannot use it (the
/// search postings, a study file's template context).
fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `malloc_trim` takes an integer and only returns the allocator's free pages to the system.
    unsafe {
        libc::malloc_trim(0);
    }
}

fn write_all<'a>(sink: &dyn Sink, files: impl Iterator<Item = (&'a str, &'a [u8])>) -> Vec<Diagnostic> {
    files
        .filter_map(|(rel, bytes)| {
            sink.write(rel, bytes).err().map(|e| Diagnostic::error(rel, 0, format!("cannot write: {e}")))
        })
        .collect()
}

/// One page's HTML (None when its template failed; the failure is in the diagnostics) and the
/// site paths it links to.
pub fn render_page(
    site: &Site,
    theme: &Theme,
    chrome: &view::Chrome,
    page: PageRef,
) -> (Option<String>, Vec<Diagnostic>, Vec<String>) {
    let glossary = Glossary::of(site);
    let site_links = view::SiteLinks::of(site, chrome);
    let PageOutput { html, diagnostics, targets, .. } = render_linked(
        site,
        &site_links,
        view::PageLinks::of(site, page),
        theme,
        chrome,
        page,
        &glossary,
        &CodeCache::none(),
    );
    // Tera writes only text: the lossy path is never taken.
    let html =
        html.map(|h| String::from_utf8(h).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()));
    (html, diagnostics, targets)
}

/// A rendered page: its HTML (None when its template failed), problems, the site paths it
/// links to, its text for the search index and a note's study output.
#[derive(Default)]
struct PageOutput {
    html: Option<Vec<u8>>,
    diagnostics: Vec<Diagnostic>,
    targets: Vec<String>,
    search: Option<search::Page>,
    study: Option<study::NoteOutput>,
}

/// `render_page` with what the site puts on the page already gathered.
// Each input is one of the run's own (the build cache is the eighth); a struct would only rename them.
#[allow(clippy::too_many_arguments)]
fn render_linked<'a>(
    site: &'a Site,
    site_links: &view::SiteLinks<'a>,
    links: view::PageLinks<'a>,
    theme: &Theme,
    chrome: &'a view::Chrome<'a>,
    page: PageRef,
    glossary: &Glossary,
    code: &CodeCache,
) -> PageOutput {
    let mut diagnostics = Vec::new();
    let mut targets = Vec::new();
    let mut sections = Vec::new();
    let mut study = None;
    let content = match page {
        PageRef::Note(n) => {
            let note = match with_body(&site.notes[n]) {
                Ok(note) => note,
                Err(d) => return PageOutput { diagnostics: vec![d], ..PageOutput::default() },
            };
            panic_if_asked(&note.body, "render");
            let resolve = |dest: &str| links::resolve(site, n, dest, chrome.repository);
            let words = body::BodyWords::new(&chrome.words);
            let b = body::render_body(&note, &resolve, &words, code, glossary);
            diagnostics.extend(b.diagnostics);
            targets = b.targets;
            let anki = study::note_anki_rows(site, n, &b.answers);
            study = Some(study::NoteOutput { anki, references: b.references.clone() });
            // Text before the first heading is found at the title heading, if the note has one.
            let top = note.title_heading.and_then(|i| note.headings.get(i)).map(|h| h.id().to_string());
            sections = b
                .sections
                .into_iter()
                .map(|(h, text)| match h.and_then(|h| note.headings.get(h)) {
                    Some(h) => search::Section { id: h.id().to_string(), heading: h.text().to_string(), text },
                    None => search::Section { id: top.clone().unwrap_or_default(), heading: String::new(), text },
                })
                .collect();
            view::Content {
                html: b.html,
                title_id: b.lifted_title_id,
                title_in_body: b.title_in_body,
                toc: b.toc,
                references: b.references,
                description: view::description(site.notes[n].description.as_deref(), &site.notes[n].lead),
            }
        }
        PageRef::Section(_) => view::Content::default(),
    };
    let template = if links.folder_page { "section.html" } else { "page.html" };
    // Room for the body and the page around it, so the body is copied in once.
    let expected = content.html.len() + (16 << 10);
    let context = view::page_context(site_links, &links, chrome, content);
    match theme.render_bytes(template, &context, expected) {
        Ok(html) => {
            let url = links::encode_path(&site.url(page)).to_string();
            let text = search::Page::new(url, site.title_of(page).to_string(), sections);
            PageOutput { html: Some(html), diagnostics, targets, search: Some(text), study }
        }
        Err(mut d) => {
            d.message = format!("{} (rendering {})", d.message, site.url_of(page));
            diagnostics.push(d);
            PageOutput { html: None, diagnostics, targets, search: None, study }
        }
    }
}

fn copy_assets(assets: &[SourceFile], sink: &dyn Sink) -> Vec<Diagnostic> {
    assets
        .par_iter()
        .filter_map(|a| {
            sink.copy(&a.rel, &a.abs).err().map(|e| Diagnostic::error(&a.rel, 0, format!("cannot copy: {e}")))
        })
        .collect()
}

/// A site root's own `static/` files, over the default theme's; its hosting files
/// (`model::HOSTING_FILES`) go to the output's root, unless the notes folder has a file of that
/// name there, which then wins with a warning. Only files whose real path lies inside the site
/// root are copied; the others are warnings.
fn copy_site_static(site: &Site, config: &Config, sink: &dyn Sink) -> Vec<Diagnostic> {
    let Some(dir) = config.static_dir.as_ref().filter(|d| d.is_dir()) else { return Vec::new() };
    match discover::scan_within(dir, &config.root, &[&config.output_dir]) {
        Ok(found) => {
            let shown = |rel: &str| format!("static/{rel}");
            let mut diagnostics = Vec::new();
            let mut files = Vec::new();
            for f in found.assets.into_iter().chain(found.notes) {
                if !HOSTING_FILES.contains(&f.rel.as_str()) {
                    files.push(SourceFile { rel: shown(&f.rel), abs: f.abs });
                } else if let Some((asset, _)) = site.find_asset(&f.rel) {
                    let message =
                        format!("not published at the site's root: the notes folder's {asset} is published there");
                    diagnostics.push(Diagnostic::warning(shown(&f.rel), 0, message));
                } else {
                    files.push(f);
                }
            }
            diagnostics.extend(copy_assets(&files, sink));
            diagnostics.extend(found.skipped.into_iter().map(|d| Diagnostic { file: shown(&d.file), ..d }));
            diagnostics
        }
        Err(e) => vec![Diagnostic::error(dir.display().to_string(), 0, e.to_string())],
    }
}

/// `sitemap.xml`, only when the base URL is absolute (search engines need full addresses).
fn sitemap(site: &Site, base_url: &str) -> Option<String> {
    if !sitemap_url(base_url) {
        return None;
    }
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for &page in &site.order {
        let url = site.url_of(page);
        xml.push_str("  <url><loc>");
        // XML needs `&<` escaped; `&#39;`/`&quot;` are valid XML too.
        push_escaped_html(&mut xml, &format!("{base_url}{}", links::encode_path(&url)));
        xml.push_str("</loc></url>\n");
    }
    xml.push_str("</urlset>\n");
    Some(xml)
}

/// Path part of the base URL: `https://me.github.io/notes/` → `/notes/`.
fn base_path(base_url: &str) -> String {
    let after_scheme =
        base_url.split_once("://").map_or(base_url, |(_, rest)| rest.find('/').map_or("/", |i| &rest[i..]));
    let path = if base_url.contains("://") { after_scheme } else { base_url };
    format!("/{}/", path.trim_matches('/')).replace("//", "/")
}

/// The name of the folder gongbu was pointed at, as a title: the site's title when nothing
/// names it.
pub(crate) fn folder_name(root: &Path) -> String {
    let abs = paths::canonical(root);
    abs.file_name().map(|n| display_name(&without_controls(&n.to_string_lossy()))).unwrap_or_else(|| "gongbu".into())
}

/// Run `work` for one file; a panic in it becomes that file's `internal error` instead of taking
/// the whole build (or the server's rebuild thread) down. While `work` runs, the panic hook
/// keeps quiet on this thread and only remembers where the panic happened, for the message;
/// panics anywhere else are reported by the default hook as before.
pub fn guarded<T>(file: &str, work: impl FnOnce() -> T) -> Result<T, Diagnostic> {
    install_quiet_hook();
    let outer = GUARDED.replace(true);
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work));
    GUARDED.set(outer);
    result.map_err(|payload| {
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panic".to_string());
        let at = PANIC_AT.take().map(|at| format!(" at {at}")).unwrap_or_default();
        Diagnostic::error(
            file,
            0,
            format!("internal error: {what}{at} (gongbu has a bug; please report it with this note)"),
        )
    })
}

thread_local! {
    /// This thread is inside `guarded`.
    static GUARDED: Cell<bool> = const { Cell::new(false) };
    /// Source location of the last panic caught by `guarded` on this thread.
    static PANIC_AT: Cell<Option<String>> = const { Cell::new(None) };
}

fn install_quiet_hook() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if GUARDED.get() {
                PANIC_AT.set(info.location().map(|l| format!("{}:{}", l.file(), l.line())));
            } else {
                default(info);
            }
        }));
    });
}

/// Stage timings for `--timings`.
pub(crate) struct Clock {
    last: Instant,
    laps: Vec<(&'static str, Duration)>,
}

impl Clock {
    pub(crate) fn start() -> Clock {
        Clock { last: Instant::now(), laps: Vec::new() }
    }

    fn lap(&mut self, stage: &'static str) {
        let now = Instant::now();
        self.laps.push((stage, now - self.last));
        self.last = now;
    }
}

/// A panic on demand, so catching panics stays tested end to end (`tests/safety_robust.rs` runs
/// the real binary) however few real bugs are left: a note whose text holds
/// `gongbu:test-panic-in-<stage>` panics in that stage (`outline`, `render`). Debug builds
/// only, which is what `cargo test` runs; a release build has no such hook.
#[cfg(debug_assertions)]
fn panic_if_asked(text: &str, stage: &str) {
    if text.contains("gongbu:test-panic-in-") && text.contains(&format!("gongbu:test-panic-in-{stage}")) {
        panic!("asked to panic in {stage}");
    }
}

#[cfg(not(debug_assertions))]
fn panic_if_asked(_text: &str, _stage: &str) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guarded_turns_a_panic_into_the_files_internal_error() {
        let err = guarded("x/y.md", || -> usize { panic!("boom {}", 42) }).unwrap_err();
        assert_eq!((err.file.as_str(), err.line, err.severity), ("x/y.md", 0, Severity::Error));
        assert!(err.message.starts_with("internal error: boom 42 at src/pipeline.rs:"), "{err}");
        assert_eq!(guarded("x/y.md", || 7).unwrap(), 7);
        // Nested: the inner boundary catches, the outer one goes on.
        let outer = guarded("a.md", || guarded("b.md", || -> () { panic!("inner") }).unwrap_err().file);
        assert_eq!(outer.unwrap(), "b.md");
    }

    #[test]
    #[cfg_attr(
        not(debug_assertions),
        ignore = "the test-panic hook exists in debug builds only (`pipeline::panic_if_asked`)"
    )]
    fn a_panicking_note_is_an_error_and_the_others_are_built() {
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("notes");
        std::fs::create_dir(&site).unwrap();
        std::fs::write(site.join("ok.md"), "# Ok\n\nfine\n").unwrap();
        std::fs::write(site.join("read.md"), "# R\n\ngongbu:test-panic-in-outline\n").unwrap();
        std::fs::write(site.join("render.md"), "# P\n\ngongbu:test-panic-in-render\n").unwrap();
        let out = tmp.path().join("out");
        let config =
            Config::load(&site, crate::config::Overrides { output_dir: Some(out.clone()), ..Default::default() })
                .unwrap();
        let Err(BuildError::Problems(problems)) = build(&config, false) else { panic!("the build must fail") };
        let shown: Vec<String> = problems.iter().map(|d| d.to_string()).collect();
        assert_eq!(shown.len(), 2, "{shown:?}");
        assert!(
            shown[0].starts_with("read.md: error: internal error: asked to panic in outline at src/pipeline.rs:"),
            "{shown:?}"
        );
        assert!(
            shown[1].starts_with("render.md: error: internal error: asked to panic in render at src/pipeline.rs:"),
            "{shown:?}"
        );
        assert!(!out.join("ok.html").exists(), "a failed build publishes nothing");

        // The same notes render (into a folder sink) with only the panicking one missing.
        let out = tmp.path().join("direct");
        let (report, problems) = build_into(&config, &write::DirSink::new(&out), &BuildCache::none()).unwrap();
        assert_eq!((report.notes, problems.len()), (2, 2));
        assert!(out.join("ok.html").is_file());
        assert!(!out.join("render.html").exists());
    }

    #[test]
    fn invalid_utf8_names_the_line() {
        let err = parse_note("a.md", b"ok\nstill ok\nbad \xff here\n", false).unwrap_err();
        assert_eq!(err.to_string(), "a.md:3: error: not valid UTF-8 (save the file as UTF-8)");
    }

    #[test]
    fn broken_front_matter_is_an_error_with_line() {
        let err = parse_note("b.md", b"---\ntitle: [unclosed\n---\nbody", false).unwrap_err();
        assert_eq!(err.file, "b.md");
        assert!(err.line >= 2);
    }

    #[test]
    fn titles_front_matter_then_h1_then_file_name() {
        let n = parse_note("x/Binary Search.md", b"---\ntitle: FM\n---\n# H1\n", false).unwrap().unwrap();
        assert_eq!(n.title, "FM");
        let n = parse_note("x/Binary Search.md", b"# H1 \xec\xa0\x9c\xeb\xaa\xa9\n", false).unwrap().unwrap();
        assert_eq!(n.title, "H1 제목");
        let n = parse_note("x/Binary Search.md", b"no heading", false).unwrap().unwrap();
        assert_eq!(n.title, "Binary Search");
        assert!(!n.title_written);
        let n = parse_note("Network/README.md", b"text", true).unwrap().unwrap();
        assert_eq!((n.title.as_str(), n.url.as_str()), ("Network", "Network/index.html"));
    }

    #[test]
    fn fallback_titles_read_like_titles_and_front_matter_gets_emoji() {
        let n = parse_note("x/2_팩토리_패턴.md", b"text", false).unwrap().unwrap();
        assert_eq!((n.title.as_str(), n.url.as_str()), ("팩토리 패턴", "x/2_팩토리_패턴.html"));
        let n = parse_note("01_Network/README.md", b"text", true).unwrap().unwrap();
        assert_eq!(n.title, "Network");
        let n = parse_note("a.md", b"---\ntitle: ':memo: \xeb\xa9\x94\xeb\xaa\xa8'\n---\n", false).unwrap().unwrap();
        assert_eq!(n.title, "📝 메모");
    }

    #[test]
    fn sitemap_lists_absolute_urls_only_with_an_absolute_base() {
        let note = parse_note("Network/TCP 정리.md", b"# TCP", false).unwrap().unwrap();
        let site = Site::assemble(vec![note], vec![], None, "notes");
        assert!(sitemap(&site, "/").is_none());
        let xml = sitemap(&site, "https://me.github.io/notes/").unwrap();
        assert!(
            xml.contains("<url><loc>https://me.github.io/notes/Network/TCP%20%EC%A0%95%EB%A6%AC.html</loc></url>"),
            "{xml}"
        );
    }

    #[test]
    fn base_paths() {
        assert_eq!(base_path("/"), "/");
        assert_eq!(base_path("https://me.github.io/notes/"), "/notes/");
        assert_eq!(base_path("https://example.com"), "/");
        assert_eq!(base_path("/a/b/"), "/a/b/");
    }

    /// Records the paths written into it.
    #[derive(Default)]
    struct Paths(std::sync::Mutex<Vec<String>>);

    impl Sink for Paths {
        fn write(&self, rel: &str, _: &[u8]) -> std::io::Result<()> {
            self.0.lock().unwrap().push(rel.to_string());
            Ok(())
        }

        fn copy(&self, rel: &str, _: &Path) -> std::io::Result<()> {
            self.write(rel, b"")
        }
    }

    #[test]
    fn every_file_gongbu_writes_besides_pages_and_assets_is_reserved() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        std::fs::write(root.join("gongbu.toml"), "base_url = \"https://me.github.io/n/\"\n").unwrap();
        std::fs::create_dir_all(root.join("content/a")).unwrap();
        std::fs::create_dir_all(root.join("static")).unwrap();
        std::fs::write(root.join("content/a/x.md"), "# X").unwrap();
        std::fs::write(root.join("content/a/pic.png"), "png").unwrap();
        std::fs::write(root.join("static/extra.css"), "p{}").unwrap();
        let config =
            Config::load(root, crate::config::Overrides { output_dir: Some(root.join("out")), ..Default::default() })
                .unwrap();
        let sink = Paths::default();
        let (_, problems) = build_into(&config, &sink, &BuildCache::none()).unwrap();
        assert!(problems.is_empty(), "{problems:?}");
        let Loaded { site, assets, .. } = load(&config, &mut Clock::start(), &NoteCache::none(), true).unwrap();
        let ours: Vec<String> =
            site.order.iter().map(|&p| site.url_of(p)).chain(assets.iter().map(|a| a.rel.clone())).collect();
        let written = sink.0.into_inner().unwrap();
        assert!(
            written.contains(&"sitemap.xml".to_string()) && written.contains(&"static/extra.css".to_string()),
            "{written:?}"
        );
        for path in written.iter().filter(|p| !ours.contains(p)) {
            assert!(
                crate::model::reserved_output(path).is_some() || HOSTING_FILES.contains(&path.as_str()),
                "{path} is written by gongbu but neither reserved in model::RESERVED_OUTPUTS nor a hosting file"
            );
        }
    }

    /// Build the site root `root` (with `gongbu.toml` holding `toml`) into `root/out`; the
    /// `robots.txt` written, if any.
    fn robots_of(root: &Path, toml: &str, base_url: Option<&str>) -> Option<String> {
        std::fs::write(root.join("gongbu.toml"), toml).unwrap();
        std::fs::create_dir_all(root.join("content")).unwrap();
        std::fs::write(root.join("content/a.md"), "# A").unwrap();
        let out = root.join("out");
        let _ = std::fs::remove_dir_all(&out);
        let overrides = crate::config::Overrides {
            output_dir: Some(out.clone()),
            base_url: base_url.map(str::to_string),
            ..Default::default()
        };
        let config = Config::load(root, overrides).unwrap();
        let (_, problems) = build_into(&config, &write::DirSink::new(&out), &BuildCache::none()).unwrap();
        assert!(problems.is_empty(), "{problems:?}");
        std::fs::read_to_string(out.join("robots.txt")).ok()
    }

    #[test]
    fn robots_txt_allows_all_and_names_the_sitemap_of_an_absolute_base_url() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        assert_eq!(robots_of(root, "", None).as_deref(), Some("User-agent: *\nAllow: /\n"));
        let absolute = robots_of(root, "base_url = \"https://me.github.io/notes\"\n", None).unwrap();
        assert_eq!(absolute, "User-agent: *\nAllow: /\n\nSitemap: https://me.github.io/notes/sitemap.xml\n");
        let flag = robots_of(root, "", Some("https://example.com/")).unwrap();
        assert!(flag.ends_with("Sitemap: https://example.com/sitemap.xml\n"), "{flag}");
    }

    #[test]
    fn a_sites_own_robots_txt_is_published_instead() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        // The site root's static/robots.txt goes to the output's root, as it is.
        std::fs::create_dir_all(root.join("static")).unwrap();
        std::fs::write(root.join("static/robots.txt"), "User-agent: *\nDisallow: /drafts/\n").unwrap();
        assert_eq!(robots_of(root, "", Some("https://e.com/")).as_deref(), Some("User-agent: *\nDisallow: /drafts/\n"));
        // A robots.txt at the top of the notes folder is published as it is.
        std::fs::remove_file(root.join("static/robots.txt")).unwrap();
        std::fs::create_dir_all(root.join("content")).unwrap();
        std::fs::write(root.join("content/robots.txt"), "User-agent: mine\n").unwrap();
        assert_eq!(robots_of(root, "", Some("https://e.com/")).as_deref(), Some("User-agent: mine\n"));
    }

    /// Records what is written: whole files, and each file written in parts.
    #[derive(Default)]
    struct Recorder {
        whole: std::sync::Mutex<Vec<String>>,
        parts: std::sync::Mutex<Vec<(String, usize, bool)>>,
    }

    impl Sink for Recorder {
        fn write(&self, rel: &str, _: &[u8]) -> std::io::Result<()> {
            self.whole.lock().unwrap().push(rel.to_string());
            Ok(())
        }

        fn copy(&self, rel: &str, _: &Path) -> std::io::Result<()> {
            self.write(rel, b"")
        }

        fn write_part(&self, rel: &str, bytes: &[u8], first: bool) -> std::io::Result<()> {
            self.parts.lock().unwrap().push((rel.to_string(), bytes.len(), first));
            Ok(())
        }
    }

    #[test]
    fn a_build_without_search_keeps_no_page_text_while_a_session_keeps_it_for_its_index() {
        let tmp = tempfile::tempdir().unwrap();
        let notes = tmp.path().join("notes");
        std::fs::create_dir(&notes).unwrap();
        for i in 0..6 {
            std::fs::write(notes.join(format!("n{i}.md")), format!("# N{i}\n\n## 절 {i}\n\n본문 {i}\n")).unwrap();
        }
        let overrides = crate::config::Overrides { output_dir: Some(tmp.path().join("out")), ..Default::default() };
        let config = Config::from_parts(&notes, Some("[search]\nenabled = false\n"), overrides).unwrap();
        let cache = BuildCache::none();
        let Loaded { site, .. } = load(&config, &mut Clock::start(), &cache.notes, false).unwrap();
        let theme = theme::read_templates(None, &config.root).and_then(Theme::from_sources).unwrap();
        let (chrome, glossary) = (view::Chrome::of(&config, &site), Glossary::of(&site));
        let ignore = |_: &[u8]| {};
        let anki = study::AnkiStream::new(&ignore);
        let render = |anki| {
            render_pages(&site, &theme, &chrome, &site.order, &Recorder::default(), None, &glossary, anki, &cache)
        };
        // A build (the Anki stream) with no index to take each page's text lets it go as the
        // page is done: nothing holds on to them until the end (78 MB at 10,000 notes).
        assert!(render(Some(&anki)).iter().all(|r| r.search.is_none()));
        // A session (no stream) keeps them: it brings its index up to date from them.
        assert!(render(None).iter().filter(|r| r.search.is_some()).count() >= 6);
    }

    #[test]
    fn a_large_anki_export_is_written_in_parts_while_the_pages_render() {
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("notes");
        std::fs::create_dir(&site).unwrap();
        // 40 notes with 100 KB of answers each: 4 MB of export.
        let answer = "긴 답변입니다. ".repeat(5_000);
        for i in 0..40 {
            std::fs::write(site.join(format!("n{i:02}.md")), format!("# N{i}\n\n### Q. 질문 {i}?\n\n{answer}\n"))
                .unwrap();
        }
        let out = tmp.path().join("out");
        let config =
            Config::load(&site, crate::config::Overrides { output_dir: Some(out.clone()), ..Default::default() })
                .unwrap();
        let recorder = Recorder::default();
        let (_, problems) = build_into(&config, &recorder, &BuildCache::none()).unwrap();
        assert!(problems.is_empty(), "{problems:?}");
        let anki = study::StudyFile::Anki.path();
        assert!(!recorder.whole.into_inner().unwrap().iter().any(|rel| rel == anki), "not written whole");
        let parts = recorder.parts.into_inner().unwrap();
        assert!(parts.iter().all(|(rel, _, _)| rel == anki), "{parts:?}");
        let firsts: Vec<bool> = parts.iter().map(|p| p.2).collect();
        assert!(firsts.len() >= 4 && firsts[0] && !firsts[1..].contains(&true), "{firsts:?}");
        assert!(parts.iter().all(|p| p.1 < 2 << 20), "no part holds much more than a chunk: {parts:?}");

        // Into a folder, over an old export: the parts make the whole file, the one a session writes.
        std::fs::create_dir_all(out.join("quiz")).unwrap();
        std::fs::write(out.join(anki), "old").unwrap();
        build_into(&config, &write::DirSink::new(&out), &BuildCache::none()).unwrap();
        let written = std::fs::read(out.join(anki)).unwrap();
        assert_eq!(written.len(), parts.iter().map(|p| p.1).sum::<usize>());
        // A session writes it from the rows it keeps of each note, never joined whole.
        let served = tmp.path().join("served");
        let overrides = crate::config::Overrides { output_dir: Some(served.clone()), ..Default::default() };
        let config = Config::load(&site, overrides.clone()).unwrap();
        let mut session = crate::session::Session::open(config, overrides, false).unwrap();
        let first = session.rebuild(&[]).unwrap();
        assert!(first.errors.is_empty() && first.changed.iter().any(|rel| rel == anki), "{:?}", first.errors);
        assert_eq!(written, std::fs::read(served.join(anki)).unwrap());
    }

    /// A body let go is read again from its file: the same text when the file is unchanged
    /// (control characters removed as on the first read), an error naming the note when it
    /// changed in the meantime, or when it is gone.
    #[test]
    fn a_body_let_go_is_read_again_or_the_change_is_an_error() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("a.md");
        let text = "# A\n\n본문\u{7}입니다.\n";
        std::fs::write(&path, text).unwrap();
        let rules = questions::Rules::default();
        let kept = read_note("a.md", &path, false, &rules).unwrap().unwrap();
        let mut note = kept.clone();
        note.body.let_go(path.clone());
        assert_eq!(&*note.body, "", "let go");
        assert_eq!(&*with_body(&note).unwrap().body, &*kept.body);
        std::fs::write(&path, text.replace("본문", "변경")).unwrap();
        let err = with_body(&note).unwrap_err();
        assert_eq!((err.file.as_str(), err.severity), ("a.md", Severity::Error));
        assert!(err.message.contains("changed while the site was built"), "{err}");
        std::fs::remove_file(&path).unwrap();
        assert!(with_body(&note).unwrap_err().message.starts_with("cannot read"));
    }

    #[test]
    fn drafts_are_left_out() {
        assert!(parse_note("d.md", b"+++\ndraft = true\n+++\n", false).unwrap().is_none());
    }
}
