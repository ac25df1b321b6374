//! A long-lived build for `serve`: a build that keeps its state. Its first run is the build's
//! full run (`pipeline::full_run`) in place; after that it rebuilds in place after changes,
//! rendering only the pages whose note, links or site-given values (`view::PageLinks`)
//! changed, writes only files whose bytes changed, removes only files it generated itself,
//! and keeps the last good page of a note that is broken.

use crate::config::{Config, Overrides, CONFIG_FILE};
use crate::diagnostics::{Diagnostic, Severity};
use crate::discover::{self, classify, FileKind, SourceFile};
use crate::enrich::study::Glossary;
use crate::model::{reserved_output, Note, PageRef, Site, HOSTING_FILES};
use crate::paths;
use crate::pipeline::{self, BuildError};
use crate::render::nav::NavJs;
use crate::render::study::{self, StudyFile};
use crate::render::{view, Theme};
use crate::reuse::BuildCache;
use crate::search;
use crate::theme;
use crate::write::{self, Sink, UpdateSink, WriteError};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// What one rebuild did.
#[derive(Debug, Default)]
pub struct Rebuild {
    /// Output paths whose bytes changed (written, copied or removed).
    pub changed: Vec<String>,
    /// Output paths made again this time, whether or not their bytes changed (the rest were
    /// known to be up to date).
    pub written: Vec<String>,
    /// Problems that keep pages from being updated; their last good pages stay.
    pub errors: Vec<Diagnostic>,
    /// Problems that did not keep anything from being updated.
    pub warnings: Vec<Diagnostic>,
    /// Pages rendered this time (the rest were known to be up to date).
    pub rendered: usize,
    /// Wall time of the rebuild.
    pub elapsed: Duration,
    /// Output paths still being written when the rebuild returned (the Anki export, too big to
    /// keep a reload waiting): `Session::finish_writes` waits for them.
    pub pending: Vec<String>,
}

/// A build kept alive for `gongbu serve`: after the first full build, each change rebuilds only
/// the pages it touches, and the output is updated in place.
pub struct Session {
    config: Config,
    overrides: Overrides,
    state: Option<State>,
    /// Files written after a rebuild returns.
    late: LateWrites,
}

/// What a full build learnt, kept so the next change costs only what it touches.
struct State {
    theme: Theme,
    /// The question patterns of `gongbu.toml`, for notes read again.
    rules: crate::markdown::questions::Rules,
    site: Site,
    assets: Vec<SourceFile>,
    /// Per page (by output path): what the site puts on it, the site paths it links to, and
    /// the warnings its last render gave.
    pages: HashMap<String, PageInfo>,
    /// Notes that failed to read, by source path: reported until fixed.
    broken: BTreeMap<String, Diagnostic>,
    /// Output paths this session generated: the only files it may remove.
    generated: BTreeSet<String>,
    /// The set of pages or assets changed since stale outputs were last removed.
    needs_prune: bool,
    /// The search index as last written.
    index: search::Index,
    /// The site's glossary, made again only when the set of pages or a note's terms change.
    /// When what mentions link to (`Glossary::signature`) changes, every note is rendered again.
    glossary: Glossary,
    /// What the study pages show of the site besides their own data (`SiteLinks::signature`).
    study_chrome: u64,
    /// Each page's Anki rows (`PageInfo::anki`) in reading order, None for folder pages: the
    /// export in the making, shared with its late write, so an edit replaces one note's rows
    /// instead of looking up every note's.
    anki: Arc<Vec<Option<Arc<str>>>>,
    /// The pieces of `quiz/questions.js`, the glossary and the references page as last written
    /// (`study::Pieces`, in `LATE_STUDY_FILES` order): a retitle makes only the pieces showing
    /// the note again. None until a rebuild writes the file.
    pieces: [Option<Arc<study::Pieces>>; 3],
    /// `nav.js` as last written, with where each page's entry is: a retitle makes only the
    /// entries of the notes it retitled again. None until a rebuild or `Session::prepare` makes it.
    nav: Option<NavJs>,
}

/// The study files megabytes long at 10,000 notes, each listing every note's or term's title:
/// made from pieces (`State::pieces`) and written after the reload, as the Anki export is.
const LATE_STUDY_FILES: [StudyFile; 3] = [StudyFile::Questions, StudyFile::Glossary, StudyFile::References];

#[derive(Default)]
struct PageInfo {
    signature: u64,
    targets: Vec<String>,
    warnings: Vec<Diagnostic>,
    /// A note's references, for the references page (its answers are in `anki`).
    study: Option<study::NoteOutput>,
    /// A note's rows of `quiz/anki.csv`, kept so an edit writes the export again without every
    /// note's answers rendered again (None for folder pages).
    anki: Option<Arc<str>>,
}

impl PageInfo {
    /// A note's references as its last render found them (none for a folder page).
    fn references(&self) -> &[crate::model::Reference] {
        self.study.as_ref().map_or(&[][..], |s| &s.references[..])
    }
}

/// Which of the notes' rendered study outputs changed in a rebuild.
#[derive(Default, Clone, Copy)]
struct OutputChanges {
    anki: bool,
    references: bool,
}

/// How the notes changed, from a batch of changed paths.
#[derive(Default)]
struct NoteChanges {
    /// Source paths of notes whose pages must be rendered again.
    edited: HashSet<String>,
    /// Site paths whose meaning for links changed (a note's ids, a created or deleted file).
    retargeted: HashSet<String>,
    /// The set of pages or their order changed: the site must be assembled again.
    structure: bool,
    /// A title changed: navigation and the pages showing it must be updated.
    titles: bool,
    /// Source paths of the notes whose title changed: the study files listing them show it.
    retitled: Vec<String>,
    /// Source paths of the notes whose title or number of questions changed: the pages and
    /// `nav.js` entries showing them (`view::pages_showing`) change.
    shown: Vec<String>,
    /// A note's questions changed as the quiz shows them.
    questions: bool,
    /// A note's terms changed as the glossary shows them.
    terms: bool,
}

impl Session {
    /// Check the output folder may be used, as `build` does, and mark it as gongbu's.
    pub fn open(config: Config, overrides: Overrides, force: bool) -> Result<Session, WriteError> {
        write::check_output(&config.output_dir, &config.content_dir, force)?;
        write::mark_output(&config.output_dir)?;
        Ok(Session { config, overrides, state: None, late: LateWrites::default() })
    }

    /// Call `listener` with the pages showing the late-written files (`Rebuild::pending`: the
    /// glossary, the references and quiz pages) each time those writes are done, so that `serve`
    /// reloads a browser showing one of them again: the reload it sent after the rebuild came
    /// before these files were written.
    pub fn on_late_written(&self, listener: impl Fn(Vec<String>) + Send + Sync + 'static) {
        self.late.lock().listener = Some(Arc::new(listener));
    }

    /// Wait until the files the last rebuilds left writing (`Rebuild::pending`) are written;
    /// the problems writing them (else reported by the next rebuild).
    pub fn finish_writes(&self) -> Vec<Diagnostic> {
        self.late.wait()
    }

    /// Make what a later edit would otherwise make before its reload, while `stop` says
    /// nothing waits for the session (checked before each step): `nav.js`'s entries and, one
    /// file at a time, the pieces of the study files (`State::pieces`, hundreds of milliseconds
    /// at 10,000 notes), which a first retitle would otherwise wait for. `serve` calls it when idle.
    pub fn prepare(&mut self, stop: &dyn Fn() -> bool) {
        if let Some(state) = self.state.as_mut() {
            state.prepare(&self.config, stop);
        }
    }

    /// The configuration the session builds with (reloaded when `gongbu.toml` changes).
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The site's language and why (`language: en (detected: 2% Hangul)`), once built.
    pub fn language(&self) -> Option<String> {
        let state = self.state.as_ref()?;
        Some(self.config.language(state.site.letters()).to_string())
    }

    /// Folders whose changes matter: the site root (notes, `gongbu.toml`, and theme folders that
    /// may appear later), plus the notes folder if the config puts it elsewhere. Events from the
    /// output folder inside are dropped by `is_relevant`.
    pub fn watched(&self) -> Vec<PathBuf> {
        let mut paths = vec![self.config.root.clone()];
        if !self.config.content_dir.starts_with(&self.config.root) {
            paths.push(self.config.content_dir.clone());
        }
        paths
    }

    /// Whether a changed path can affect the site: a note or asset, a theme file or the config
    /// file, but not the output folder, an editor's temp file, or anything else in the root
    /// (a `target/` folder, a log).
    pub fn is_relevant(&self, path: &Path) -> bool {
        let config = &self.config;
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if is_editor_temp(&name) || path.starts_with(&config.output_dir) {
            return false;
        }
        let in_theme = [&config.templates_dir, &config.static_dir].into_iter().flatten().any(|d| path.starts_with(d));
        path.starts_with(&config.content_dir) || in_theme || path == config.root.join(CONFIG_FILE)
    }

    /// Bring the output up to date after `changed` paths changed (empty: rebuild everything).
    /// Paths may be relative to the working folder, or reach the notes through symlinks.
    pub fn rebuild(&mut self, changed: &[PathBuf]) -> Result<Rebuild, BuildError> {
        let started = Instant::now();
        let changed: Vec<PathBuf> = changed.iter().map(|p| self.absolute(p)).collect();
        let changed = changed.as_slice();
        let config_file = self.config.root.join(CONFIG_FILE);
        let config_changed = changed.contains(&config_file);
        if config_changed {
            match Config::load(&self.config.root, self.overrides.clone()) {
                Ok(config) => self.config = config,
                Err(e) => {
                    let error = Diagnostic::error(CONFIG_FILE, 0, e.to_string());
                    return Ok(Rebuild { errors: vec![error], elapsed: started.elapsed(), ..Rebuild::default() });
                }
            }
        }
        let sink = UpdateSink::new(&self.config.output_dir);
        let mut rebuild = match self.state.take() {
            Some(state) if !changed.is_empty() && !config_changed => {
                let (state, rebuild) = self.update(state, changed, &sink);
                self.state = Some(state);
                rebuild
            }
            previous => {
                // Everything is written again: a late write must not land after it.
                let late = self.late.wait();
                // A fresh session takes over what the last build's manifest lists, so it may
                // remove those files once they are no longer produced.
                let generated = previous
                    .map(|s| s.generated)
                    .unwrap_or_else(|| write::read_manifest(&self.config.output_dir).unwrap_or_default());
                let mut rebuild = self.full(&sink, generated)?;
                rebuild.errors.extend(late);
                rebuild
            }
        };
        (rebuild.changed, rebuild.written) = self.finish(&sink, rebuild.errors.is_empty());
        rebuild.elapsed = started.elapsed();
        Ok(rebuild)
    }

    /// Build everything again, keeping what the last state generated so stale files can go.
    fn full(&mut self, sink: &UpdateSink, generated: BTreeSet<String>) -> Result<Rebuild, BuildError> {
        let config = &self.config;
        let claim_output = || {
            if !config.output_dir.exists() {
                // The output went away (with the notes folder, or by hand): a missing folder is
                // nobody's, so claim it again before writing into it.
                write::mark_output(&config.output_dir).map_err(BuildError::Write)?;
            }
            Ok(())
        };
        // The build cache makes a session's start as cheap as a warm build; its edits after
        // that render a few pages, and highlight their code again.
        let cache = BuildCache::open(config.cache_dir.as_deref(), true);
        let run = pipeline::full_run(config, sink, &mut pipeline::Clock::start(), true, &cache, claim_output)?;
        pipeline::save_cache(cache);
        let broken: BTreeMap<String, Diagnostic> = run.unread.into_iter().map(|d| (d.file.clone(), d)).collect();
        let (theme, written) = match run.written {
            Ok(written) => written,
            Err(errors) => {
                let errors = errors.into_iter().chain(broken.into_values()).collect();
                return Ok(Rebuild { errors, ..Rebuild::default() });
            }
        };
        let (site, assets) = (run.site, run.assets);
        let rules = pipeline::study_rules(config);
        let glossary = Glossary::of(&site);
        let study_chrome = view::SiteLinks::of(&site, &view::Chrome::of(config, &site)).signature();
        let pages = HashMap::new();
        let index = search::Index::new(0);
        let (needs_prune, anki) = (true, Arc::default());
        let mut state = State {
            theme,
            rules,
            site,
            assets,
            pages,
            broken,
            generated,
            needs_prune,
            glossary,
            study_chrome,
            index,
            anki,
            pieces: Default::default(),
            nav: None,
        };
        let rebuild = state.absorb(written, config, sink);
        self.state = Some(state);
        Ok(rebuild)
    }

    /// Apply a batch of changes to the kept state, rendering only the pages they touch.
    fn update(&self, mut state: State, changed: &[PathBuf], sink: &UpdateSink) -> (State, Rebuild) {
        let config = &self.config;
        let in_dir = |dir: &Option<PathBuf>, p: &Path| dir.as_ref().is_some_and(|d| p.starts_with(d));
        if changed.iter().any(|p| in_dir(&config.templates_dir, p)) {
            // Every file is written again: a late write must not land after it.
            let late = self.late.wait();
            let mut rebuild = state.retheme(config, sink);
            rebuild.errors.extend(late);
            return (state, rebuild);
        }
        let mut errors = self.late.take_problems();
        if changed.iter().any(|p| in_dir(&config.static_dir, p)) {
            errors.extend(pipeline::write_theme_files(&state.site, config, sink));
        }
        let notes_changed: Vec<&PathBuf> =
            changed.iter().filter(|p| p.starts_with(&config.content_dir) && !config.is_own_file(p)).collect();
        let language = config.language(state.site.letters());
        let Some(mut changes) = state.apply_changes(config, &notes_changed, sink) else {
            // A folder appeared, vanished or moved: rescan everything (after the late writes,
            // so none lands after it).
            errors.extend(self.late.wait());
            let generated = std::mem::take(&mut state.generated);
            let (config, overrides) = (config.clone(), self.overrides.clone());
            let mut fresh = Session { config, overrides, state: None, late: LateWrites::default() };
            let mut rebuild = fresh.full(sink, generated).unwrap_or_else(|e| Rebuild {
                errors: vec![Diagnostic::error("notes", 0, e.to_string())],
                ..Rebuild::default()
            });
            rebuild.errors.extend(errors);
            return (fresh.state.unwrap_or(state), rebuild);
        };
        // The notes' language flipped: every page and the 404 page show other words.
        changes.titles |= config.language(state.site.letters()).code != language.code;
        let mut to_render = Vec::new();
        let site_changed = changes.structure || changes.titles;
        if site_changed {
            errors.extend(state.reassemble(config, &changes, sink));
        }
        // What every page shows of the site, made once for the pages, the navigation and the
        // study files.
        let chrome = view::Chrome::of(config, &state.site);
        if site_changed {
            let retitled = state.retitled_pages(&chrome, &changes);
            to_render.extend(state.stale_pages(&chrome, retitled.as_ref().map(|(_, reach)| &reach[..])));
            let retitled = retitled.map(|(notes, _)| notes);
            errors.extend(state.write_navigation(config, &chrome, retitled.as_deref(), sink));
        }
        to_render.extend(state.edited_pages(&changes.edited));
        to_render.extend(state.pages_linking_to(&changes.retargeted));
        // Mentions of terms link to their definitions in other notes: when a term appears,
        // moves or goes away, any note may link differently.
        if changes.structure || changes.terms {
            let glossary = Glossary::of(&state.site);
            if glossary.signature() != state.glossary.signature() {
                to_render.extend(state.site.order.iter().filter(|p| matches!(p, PageRef::Note(_))));
            }
            state.glossary = glossary;
        }
        to_render.sort_by_key(|p| match p {
            PageRef::Note(n) => (0, *n),
            PageRef::Section(s) => (1, *s),
        });
        to_render.dedup();
        let (rendered, page_errors, outputs) = render_into(&mut state, &chrome, &to_render, sink, changes.structure);
        errors.extend(page_errors);
        let files = state.stale_study_files(&chrome, &changes, outputs);
        let (study_errors, mut pending) = state.write_study_files(&chrome, &files, &changes, sink, config, &self.late);
        errors.extend(study_errors);
        if changes.structure {
            state.anki = Arc::new(state.anki_rows());
        }
        // Without the export (`[study] anki = false`) the rows kept are never written.
        if (changes.structure || outputs.anki) && config.anki {
            // The export is the largest file of a site (79 MB at 10,000 notes): written after
            // the reload, from the rows kept per note.
            let rows = Arc::clone(&state.anki);
            let bytes = move || study::anki_file(rows.iter().flatten().map(|r| &**r));
            self.late.submit(config.output_dir.clone(), StudyFile::Anki.path(), Box::new(bytes));
            pending.push(StudyFile::Anki.path().to_string());
        }
        let mut rebuild = state.report(errors, rendered);
        rebuild.pending = pending;
        (state, rebuild)
    }

    /// `path` in the same absolute, symlink-resolved form as the config's folders. A deleted
    /// file cannot be resolved itself, so its folder is.
    fn absolute(&self, path: &Path) -> PathBuf {
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        if absolute.starts_with(&self.config.root) {
            return absolute;
        }
        match (absolute.parent().and_then(|p| p.canonicalize().ok()), absolute.file_name()) {
            (Some(folder), Some(name)) => folder.join(name),
            _ => absolute,
        }
    }

    /// Remove stale outputs (only after a rebuild without errors, so a broken note keeps its
    /// last good page); list what changed on disk, and what was written (changed or not).
    fn finish(&mut self, sink: &UpdateSink, clean: bool) -> (Vec<String>, Vec<String>) {
        let touched = sink.take();
        let mut changed: Vec<String> = touched.iter().filter(|(_, c)| *c).map(|(p, _)| p.clone()).collect();
        let mut written: Vec<String> = touched.iter().map(|(p, _)| p.clone()).collect();
        written.sort();
        written.dedup();
        if let Some(state) = self.state.as_mut() {
            let known = state.generated.len();
            state.generated.extend(touched.into_iter().map(|(p, _)| p));
            let mut listed = state.generated.len() != known;
            // Only a change to the set of pages or assets can leave files behind; checking
            // costs a pass over the whole site, so body edits skip it.
            if clean && state.needs_prune {
                state.needs_prune = false;
                let pages: HashSet<String> = state.site.order.iter().map(|&p| state.site.url_of(p)).collect();
                state.pages.retain(|url, _| pages.contains(url));
                let live = state.live_outputs();
                let stale: Vec<String> = state.generated.iter().filter(|p| !live.contains(*p)).cloned().collect();
                for path in stale {
                    let file = self.config.output_dir.join(&path);
                    if write::remove_generated(&self.config.output_dir, &path) {
                        changed.push(path.clone());
                        remove_empty_parents(&file, &self.config.output_dir);
                    }
                    state.generated.remove(&path);
                    listed = true;
                }
            }
            if listed {
                // Keep the manifest true, so a later `build` deletes only what gongbu produced.
                let _ = write::write_manifest(&self.config.output_dir, state.generated.iter().map(String::as_str));
            }
        }
        changed.sort();
        changed.dedup();
        (changed, written)
    }
}

impl State {
    /// Read the changed notes and assets into the state. None when the batch holds folders
    /// or paths that cannot be placed, which needs a full rescan.
    fn apply_changes(&mut self, config: &Config, paths: &[&PathBuf], sink: &dyn Sink) -> Option<NoteChanges> {
        let mut changes = NoteChanges::default();
        for path in paths {
            let rel = paths::normalise_rel(path.strip_prefix(&config.content_dir).ok()?);
            if path.is_dir() || (!path.exists() && self.is_known_folder(&rel)) {
                return None;
            }
            let kind = classify(&rel);
            // Checked as `discover::scan` checks: a link leading outside the notes folder or a
            // FIFO is a warning (kept until the path changes again) and counts as no file.
            let (real, skipped) = match kind {
                FileKind::Ignored => (None, None),
                _ => discover::admit(&config.content_dir, path, &rel)
                    .map_or_else(|d| (None, Some(d)), |real| (real, None)),
            };
            match kind {
                FileKind::Ignored => {}
                FileKind::Asset => {
                    let known = self.assets.iter().position(|a| a.rel == rel);
                    self.broken.remove(&rel);
                    match (real, known) {
                        (Some(real), Some(i)) => {
                            if self.site.publishes_asset(&rel) {
                                let _ = sink.copy(&rel, &real);
                            }
                            self.assets[i].abs = real;
                        }
                        (Some(real), None) => {
                            // Copied once the site is assembled with it, if it wins its output path.
                            self.assets.push(SourceFile { rel: rel.clone(), abs: real });
                            changes.structure = true;
                            changes.retargeted.insert(rel.clone());
                        }
                        (None, Some(i)) => {
                            self.assets.remove(i);
                            changes.structure = true;
                            changes.retargeted.insert(rel.clone());
                        }
                        (None, None) => {}
                    }
                }
                // A README.md or index.md coming or going may change which note is the folder's
                // page (and the other's output path): rescan.
                FileKind::Note
                    if (crate::model::is_readme(&rel) || crate::model::is_index_md(&rel))
                        && real.is_some() != self.site.notes.iter().any(|n| n.source == rel) =>
                {
                    return None
                }
                FileKind::Note => self.apply_note_change(&rel, real.as_deref(), &mut changes),
            }
            if let Some(skipped) = skipped {
                self.broken.insert(rel, skipped);
            }
        }
        Some(changes)
    }

    /// Load the changed templates and render every page with them; while they are broken, keep
    /// serving the pages of the last good ones.
    fn retheme(&mut self, config: &Config, sink: &dyn Sink) -> Rebuild {
        match theme::read_templates(config.templates_dir.as_deref(), &config.root).and_then(Theme::from_sources) {
            Ok(theme) => {
                self.theme = theme;
                // The pages' pieces sit in the old templates' frames.
                self.pieces = Default::default();
                self.write_everything(config, sink, false)
            }
            Err(template_errors) => self.report(template_errors, 0),
        }
    }

    /// After the set of pages or their titles changed: assemble the site again (copying the
    /// assets that joined it), or only refresh its titles.
    fn reassemble(&mut self, config: &Config, changes: &NoteChanges, sink: &dyn Sink) -> Vec<Diagnostic> {
        self.needs_prune |= changes.structure;
        if !changes.structure {
            self.site.retitle(config.title.clone(), &pipeline::folder_name(&config.root));
            return Vec::new();
        }
        let notes = std::mem::take(&mut self.site.notes);
        let assets = self.assets.iter().map(|a| a.rel.clone()).collect();
        self.site = Site::assemble(notes, assets, config.title.clone(), &pipeline::folder_name(&config.root));
        let added =
            self.assets.iter().filter(|a| changes.retargeted.contains(&a.rel) && self.site.publishes_asset(&a.rel));
        added
            .filter_map(|a| {
                sink.copy(&a.rel, &a.abs).err().map(|e| Diagnostic::error(&a.rel, 0, format!("cannot copy: {e}")))
            })
            .collect()
    }

    /// When the site's pages, their order and what every page shows of the site
    /// (`view::SiteLinks`) stayed the same, only notes' titles or numbers of questions changed:
    /// their pages, and the pages that may show them (`view::pages_showing`).
    fn retitled_pages(&self, chrome: &view::Chrome, changes: &NoteChanges) -> Option<(Vec<PageRef>, Vec<PageRef>)> {
        let shared = view::SiteLinks::of(&self.site, chrome).signature();
        if changes.structure || shared != self.study_chrome {
            return None;
        }
        let notes: Vec<usize> = changes.shown.iter().filter_map(|s| self.site.note_by_source.get(s).copied()).collect();
        let reach = view::pages_showing(&self.site, &notes);
        Some((notes.into_iter().map(PageRef::Note).collect(), reach))
    }

    /// Pages, among `reach` (else all), on which the site now shows something else than at
    /// their last render (see `view::PageLinks`), or that were never rendered.
    fn stale_pages(&self, chrome: &view::Chrome, reach: Option<&[PageRef]>) -> Vec<PageRef> {
        let pages = reach.unwrap_or(&self.site.order);
        let fresh = view::signatures(&self.site, chrome, pages);
        let stale = pages.iter().zip(fresh);
        stale
            .filter(|&(&page, signature)| self.info(page).is_none_or(|info| info.signature != signature))
            .map(|(&page, _)| page)
            .collect()
    }

    /// `nav.js` and the other files listing the site's pages (`pipeline::write_navigation`).
    /// When only the titles or numbers of questions of the pages `retitled` changed (see
    /// `retitled_pages`), `nav.js` is the kept one with their entries made again, and the search
    /// and 404 pages, which show nothing of them, stay as they are.
    fn write_navigation(
        &mut self,
        config: &Config,
        chrome: &view::Chrome,
        retitled: Option<&[PageRef]>,
        sink: &dyn Sink,
    ) -> Vec<Diagnostic> {
        let nav = match (retitled, self.nav.as_mut()) {
            (Some(pages), Some(nav)) => {
                nav.retitle(&self.site, pages);
                nav
            }
            _ => self.nav.insert(NavJs::of(&self.site, chrome)),
        };
        debug_assert_eq!(
            nav.text(),
            crate::render::nav::nav_js(&self.site, chrome),
            "a retitled nav.js is made afresh"
        );
        let (site, theme) = (&self.site, &self.theme);
        pipeline::write_navigation_files(site, theme, chrome, config, sink, nav.text().as_bytes(), retitled.is_none())
    }

    /// The published pages of the edited notes.
    fn edited_pages(&self, edited: &HashSet<String>) -> Vec<PageRef> {
        // The site's lookup holds every published note (and no other) by its source path.
        let mut found: Vec<usize> =
            edited.iter().filter_map(|source| self.site.note_by_source.get(source).copied()).collect();
        found.sort_unstable();
        found.into_iter().map(PageRef::Note).collect()
    }

    /// Pages whose last render linked to a site path whose meaning changed.
    fn pages_linking_to(&self, retargeted: &HashSet<String>) -> Vec<PageRef> {
        if retargeted.is_empty() {
            return Vec::new();
        }
        // Usually one path changed meaning: comparing it with each link beats hashing every
        // link of the site.
        let few: Option<Vec<&String>> = (retargeted.len() <= 8).then(|| retargeted.iter().collect());
        let is_retargeted =
            |target: &String| few.as_ref().map_or_else(|| retargeted.contains(target), |few| few.contains(&target));
        let pages = self.site.order.iter().copied();
        pages.filter(|&page| self.info(page).is_some_and(|info| info.targets.iter().any(is_retargeted))).collect()
    }

    /// `path`: the note's real path, None when it is gone (or may not be read).
    fn apply_note_change(&mut self, rel: &str, path: Option<&Path>, changes: &mut NoteChanges) {
        let known = self.site.notes.iter().position(|n| n.source == rel);
        let read = match path {
            Some(path) => pipeline::read_note(rel, path, self.is_index(rel, known), &self.rules),
            None => Ok(None),
        };
        match (read, known) {
            (Err(problem), _) => {
                // Keep the last good note and page; report until fixed.
                self.broken.insert(rel.to_string(), problem);
            }
            (Ok(Some(note)), Some(i)) => {
                self.broken.remove(rel);
                let old = &self.site.notes[i];
                changes.structure |= crate::enrich::order::inputs_differ(old, &note);
                // Folder pages and the navigation show how many questions a note holds.
                changes.titles |= old.title != note.title || old.study.questions.len() != note.study.questions.len();
                if old.title != note.title {
                    changes.retitled.push(rel.to_string());
                }
                if old.title != note.title || old.study.questions.len() != note.study.questions.len() {
                    changes.shown.push(rel.to_string());
                }
                changes.questions |= quiz_questions(old).ne(quiz_questions(&note));
                changes.terms |= glossary_terms(old).ne(glossary_terms(&note));
                if old.headings.iter().map(|h| h.id()).ne(note.headings.iter().map(|h| h.id()))
                    || old.extra_ids != note.extra_ids
                {
                    changes.retargeted.insert(rel.to_string());
                }
                changes.edited.insert(rel.to_string());
                self.site.notes[i] = note;
            }
            (Ok(Some(note)), None) => {
                self.broken.remove(rel);
                changes.structure = true;
                changes.retargeted.insert(rel.to_string());
                changes.edited.insert(rel.to_string());
                self.site.notes.push(note);
            }
            (Ok(None), known) => {
                self.broken.remove(rel);
                if let Some(i) = known {
                    self.site.notes.remove(i);
                    changes.structure = true;
                    changes.retargeted.insert(rel.to_string());
                }
            }
        }
    }

    /// A README.md is its folder's page; an index.md is unless the folder also has a README.md.
    fn is_index(&self, rel: &str, known: Option<usize>) -> bool {
        if let Some(i) = known {
            return self.site.notes[i].is_index;
        }
        let folder = crate::model::parent_of(rel);
        let folder_has_readme =
            self.site.notes.iter().any(|n| n.folder() == folder && crate::model::is_readme(&n.source));
        crate::model::is_index_note(rel, folder_has_readme)
    }

    fn is_known_folder(&self, rel: &str) -> bool {
        let prefix = format!("{rel}/");
        self.site.notes.iter().any(|n| n.source.starts_with(&prefix))
            || self.assets.iter().any(|a| a.rel.starts_with(&prefix))
    }

    /// Every output path the current site consists of: pages, assets and the shared files.
    fn live_outputs(&self) -> HashSet<String> {
        let mut live: HashSet<String> = self.site.order.iter().map(|&p| self.site.url_of(p)).collect();
        live.extend(self.assets.iter().map(|a| a.rel.clone()));
        // gongbu's own files (`nav.js`, `static/…`) and a site root's hosting files.
        let shared = |p: &&String| {
            let in_index = p.strip_prefix(search::DIR).is_some_and(|rest| rest.starts_with('/'));
            let stale_index = in_index && !self.index.is_current_file(p);
            (reserved_output(p).is_some() || HOSTING_FILES.contains(&p.as_str())) && !stale_index
        };
        live.extend(self.generated.iter().filter(shared).cloned());
        // Pages of broken notes keep their last good version.
        for (source, _) in self.broken.iter().filter(|(_, d)| d.severity == Severity::Error) {
            live.insert(crate::model::note_url(source, self.is_index(source, None)));
        }
        live
    }

    /// What the last render of `page` showed and linked to.
    fn info(&self, page: PageRef) -> Option<&PageInfo> {
        self.pages.get(self.site.url(page).as_ref())
    }

    /// A full run's output stage on the kept site (`pipeline::write_everything`), remembered:
    /// after a full load (with the assets) or a template change (without).
    fn write_everything(&mut self, config: &Config, sink: &dyn Sink, with_assets: bool) -> Rebuild {
        let assets: &[SourceFile] = if with_assets { &self.assets } else { &[] };
        let written = pipeline::write_everything(
            &self.site,
            &self.theme,
            assets,
            config,
            sink,
            &mut pipeline::Clock::start(),
            true,
            &BuildCache::none(),
        );
        self.absorb(written, config, sink)
    }

    /// The outcome of writing every page: remember what each showed, write the Anki export
    /// from the rows kept (the full run leaves it to the session) unless `[study] anki` turned
    /// it off, report every problem.
    fn absorb(&mut self, written: pipeline::Written, config: &Config, sink: &dyn Sink) -> Rebuild {
        self.index = written.index;
        let mut errors = written.problems;
        errors.extend(self.remember(written.rendered).0);
        self.anki = Arc::new(self.anki_rows());
        if config.anki {
            errors.extend(self.write_anki(sink));
        }
        self.report(errors, self.site.order.len())
    }

    /// `quiz/anki.csv` from the rows kept (`anki`), never joined whole: compared with the file
    /// in place and written only if it differs (`Sink::write_joined`).
    fn write_anki(&self, sink: &dyn Sink) -> Option<Diagnostic> {
        let rel = StudyFile::Anki.path();
        let written = sink.write_joined(rel, &study::anki_parts(self.anki.iter().flatten().map(|r| &**r)));
        written.err().map(|e| Diagnostic::error(rel, 0, format!("cannot write: {e}")))
    }

    /// Keep what each rendered page showed, linked to and warned about; returns the pages'
    /// errors and which of the notes' study outputs (Anki rows, references) changed.
    fn remember(&mut self, mut rendered: Vec<pipeline::RenderedPage>) -> (Vec<Diagnostic>, OutputChanges) {
        use rayon::prelude::*;
        // Each note's rows as its page made them (a kept page's as the cache kept them).
        let rows: Vec<Option<Arc<str>>> = rendered
            .par_iter_mut()
            .map(|page| match (page.page, page.study.as_mut()) {
                (PageRef::Note(_), Some(output)) if page.written => Some(Arc::from(std::mem::take(&mut output.anki))),
                _ => None,
            })
            .collect();
        let mut errors = Vec::new();
        let mut changed = OutputChanges::default();
        for (page, anki) in rendered.into_iter().zip(rows) {
            let url = self.site.url_of(page.page);
            let (page_errors, warnings): (Vec<_>, Vec<_>) =
                page.diagnostics.into_iter().partition(|d| d.severity == Severity::Error);
            errors.extend(page_errors);
            if !page.written {
                continue;
            }
            // The order's rows are made again after the set of pages changes (`anki_rows`).
            if let Some(&at) = self.site.position.get(&page.page).filter(|_| self.anki.len() == self.site.order.len()) {
                Arc::make_mut(&mut self.anki)[at] = anki.clone();
            }
            let info = PageInfo { signature: page.signature, targets: page.targets, warnings, study: page.study, anki };
            match self.pages.get_mut(&url) {
                Some(old) => {
                    changed.anki |= old.anki != info.anki;
                    changed.references |= old.references() != info.references();
                    *old = info;
                }
                None => {
                    changed.anki |= info.anki.is_some();
                    changed.references |= !info.references().is_empty();
                    self.pages.insert(url, info);
                }
            }
        }
        (errors, changed)
    }

    /// The study files whose inputs this rebuild changed, but the Anki export (see `anki_rows`):
    /// at 10,000 notes they are megabytes each, too many to write again for every edit. With
    /// each, whether all of it changed (else only the titles of `changes.retitled`).
    fn stale_study_files(
        &mut self,
        chrome: &view::Chrome,
        changes: &NoteChanges,
        outputs: OutputChanges,
    ) -> Vec<(StudyFile, bool)> {
        let shown = view::SiteLinks::of(&self.site, chrome).signature();
        let chrome_changed = std::mem::replace(&mut self.study_chrome, shown) != shown;
        let pages = chrome_changed || changes.structure;
        // Each study file shows the title of the notes it lists.
        let retitled = |lists: &dyn Fn(&Note, &PageInfo) -> bool| {
            changes.retitled.iter().any(|source| {
                let note = self.site.note_by_source.get(source).map(|&n| &self.site.notes[n]);
                note.is_some_and(|n| self.pages.get(&n.url).is_some_and(|info| lists(n, info)))
            })
        };
        let mut files = Vec::new();
        // Folder titles and question counts.
        if pages || changes.titles {
            files.push((StudyFile::Quiz, true));
        }
        let whole = changes.structure || changes.questions;
        if whole || retitled(&|n, _| !n.study.questions.is_empty()) {
            files.push((StudyFile::Questions, whole));
        }
        let whole = pages || changes.terms;
        if whole || retitled(&|n, _| !n.study.terms.is_empty()) {
            files.push((StudyFile::Glossary, whole));
        }
        let cites = |_: &Note, info: &PageInfo| !info.references().is_empty();
        let whole = pages || outputs.references;
        if whole || retitled(&cites) {
            files.push((StudyFile::References, whole));
        }
        files
    }

    /// Write the study `files` (`stale_study_files`), from every note's last render: the quiz
    /// page now; the rest after the reload (`late`), each from its kept pieces with only those
    /// showing a retitled note made again, unless all of it changed. The problems, and the
    /// paths left writing.
    fn write_study_files(
        &mut self,
        chrome: &view::Chrome,
        files: &[(StudyFile, bool)],
        changes: &NoteChanges,
        sink: &dyn Sink,
        config: &Config,
        late: &LateWrites,
    ) -> (Vec<Diagnostic>, Vec<String>) {
        use rayon::prelude::*;
        if files.is_empty() {
            return (Vec::new(), Vec::new());
        }
        let outputs = note_outputs(&self.site, &self.pages);
        let (site, theme, glossary) = (&self.site, &self.theme, &self.glossary);
        let now: Vec<StudyFile> = files.iter().map(|&(f, _)| f).filter(|f| !LATE_STUDY_FILES.contains(f)).collect();
        let mut errors = pipeline::write_study(&now, site, theme, chrome, glossary, &outputs, sink);
        let input = study::StudyInput { site, theme, chrome, glossary, outputs: &outputs };
        let retitled: Vec<usize> =
            changes.retitled.iter().filter_map(|s| site.note_by_source.get(s).copied()).collect();
        let kept = &mut self.pieces;
        let remade: Vec<(usize, Result<Arc<study::Pieces>, Diagnostic>)> = files
            .iter()
            .filter_map(|&(file, whole)| Some((LATE_STUDY_FILES.iter().position(|&f| f == file)?, whole)))
            .map(|(slot, whole)| (slot, kept[slot].take().filter(|_| !whole)))
            .collect::<Vec<_>>()
            .into_par_iter()
            .map(|(slot, kept)| {
                let file = LATE_STUDY_FILES[slot];
                let pieces = match kept {
                    Some(mut pieces) => {
                        study::retitle_pieces(file, &input, Arc::make_mut(&mut pieces), &retitled);
                        Ok(pieces)
                    }
                    None => study::study_pieces(file, &input).map(Arc::new),
                };
                (slot, pieces)
            })
            .collect();
        let mut pending = Vec::new();
        for (slot, pieces) in remade {
            match pieces {
                Ok(pieces) => {
                    let path = LATE_STUDY_FILES[slot].path();
                    let bytes = Arc::clone(&pieces);
                    late.submit(config.output_dir.clone(), path, Box::new(move || bytes.bytes()));
                    pending.push(path.to_string());
                    kept[slot] = Some(pieces);
                }
                Err(problem) => errors.push(problem),
            }
        }
        (errors, pending)
    }

    /// `Session::prepare`: what is not kept of `nav` and `pieces`, made from the site as it is
    /// now (as the files were last written).
    fn prepare(&mut self, config: &Config, stop: &dyn Fn() -> bool) {
        let missing = LATE_STUDY_FILES.iter().zip(&self.pieces).filter(|(_, kept)| kept.is_none());
        let missing: Vec<StudyFile> = missing.map(|(&file, _)| file).collect();
        if (self.nav.is_some() && missing.is_empty()) || stop() {
            return;
        }
        let chrome = view::Chrome::of(config, &self.site);
        self.nav.get_or_insert_with(|| NavJs::of(&self.site, &chrome));
        for (slot, file) in LATE_STUDY_FILES.iter().enumerate().filter(|(_, f)| missing.contains(f)) {
            if stop() {
                return;
            }
            let outputs = note_outputs(&self.site, &self.pages);
            let (site, theme, glossary) = (&self.site, &self.theme, &self.glossary);
            let input = study::StudyInput { site, theme, chrome: &chrome, glossary, outputs: &outputs };
            // A template that fails is reported by the rebuild that writes the file.
            if let Ok(pieces) = study::study_pieces(*file, &input) {
                self.pieces[slot] = Some(Arc::new(pieces));
            }
        }
    }

    /// Each page's rows of the Anki export, in reading order: None for folder pages; a note
    /// whose page never rendered has its questions without answers, as in a build.
    fn anki_rows(&self) -> Vec<Option<Arc<str>>> {
        let rows = self.site.order.iter().map(|&page| {
            let PageRef::Note(n) = page else { return None };
            let kept = self.pages.get(&self.site.notes[n].url).and_then(|p| p.anki.clone());
            Some(kept.unwrap_or_else(|| Arc::from(study::note_anki_rows(&self.site, n, &[]))))
        });
        rows.collect()
    }

    /// The rebuild's outcome: this run's errors plus every note still broken, and the
    /// current warnings of all pages.
    fn report(&self, mut errors: Vec<Diagnostic>, rendered: usize) -> Rebuild {
        errors.extend(self.broken.values().cloned());
        errors.extend(self.site.collisions.iter().cloned());
        errors.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
        errors.dedup();
        let (errors, mut warnings): (Vec<_>, Vec<_>) = errors.into_iter().partition(|d| d.severity == Severity::Error);
        warnings.extend(self.pages.values().flat_map(|p| p.warnings.iter().cloned()));
        warnings.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
        Rebuild { errors, warnings, rendered, ..Rebuild::default() }
    }
}

/// Each note's study output as its last render made it (by `Site::notes` index).
fn note_outputs<'a>(site: &'a Site, pages: &'a HashMap<String, PageInfo>) -> Vec<Option<&'a study::NoteOutput>> {
    site.notes.iter().map(|n| pages.get(&n.url).and_then(|p| p.study.as_ref())).collect()
}

/// Render `pages` into `sink` and remember what each showed and linked to; also says which of
/// the notes' study outputs changed.
fn render_into(
    state: &mut State,
    chrome: &view::Chrome,
    pages: &[PageRef],
    sink: &dyn Sink,
    moved: bool,
) -> (usize, Vec<Diagnostic>, OutputChanges) {
    let mut rendered = pipeline::render_pages(
        &state.site,
        &state.theme,
        chrome,
        pages,
        sink,
        None,
        &state.glossary,
        None,
        &BuildCache::none(),
    );
    let texts = rendered.iter_mut().filter_map(|r| Some((r.page, r.search.take()?))).collect();
    // A site without search (`[search] enabled = false`) has no index to bring up to date.
    let mut errors = if chrome.search { state.reindex(texts, sink, moved) } else { Vec::new() };
    let (remembered, outputs) = state.remember(rendered);
    errors.extend(remembered);
    (pages.len(), errors, outputs)
}

/// A note's questions as the quiz data shows them (not where they sit in the note).
fn quiz_questions(note: &Note) -> impl Iterator<Item = (&str, Option<&str>, &str)> {
    note.study.questions.iter().map(|q| (q.anchor(&note.headings), q.label(&note.headings), q.text(&note.headings)))
}

/// A note's terms as the glossary shows and links them (not where they sit in the note).
fn glossary_terms(note: &Note) -> impl Iterator<Item = (&str, &str, &str)> {
    note.study.terms.iter().map(|t| (t.term(), t.definition(), t.id()))
}

/// Files written after a rebuild returns, on a thread of their own: the Anki export, which the
/// browsers' reload need not wait for. One file of a path waits at a time: a newer version
/// replaces one not started yet, and one being written is finished before the next starts, so
/// an older version never lands after a newer one.
#[derive(Default)]
struct LateWrites {
    shared: Arc<(Mutex<Pending>, Condvar)>,
    /// Started at the first late write.
    worker: Mutex<Option<JoinHandle<()>>>,
}

/// The files waiting to be written, and how the writing went.
#[derive(Default)]
struct Pending {
    waiting: Vec<LateFile>,
    /// A file is being written now.
    busy: bool,
    /// The session is going away: write what waits, then stop.
    closed: bool,
    /// Problems writing, for the next rebuild to report.
    problems: Vec<Diagnostic>,
    /// The pages showing the files written since nothing last waited (`StudyFile::shown_on`).
    shown: Vec<String>,
    /// Told those pages when nothing waits any more (`Session::on_late_written`).
    listener: Option<Arc<dyn Fn(Vec<String>) + Send + Sync>>,
}

/// One file to write into an output folder: its path there and what makes its bytes.
struct LateFile {
    root: PathBuf,
    rel: &'static str,
    bytes: Box<dyn FnOnce() -> Vec<u8> + Send>,
}

impl LateWrites {
    fn lock(&self) -> MutexGuard<'_, Pending> {
        self.shared.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Write `rel` under `root` with the bytes `bytes` makes, after the calls waiting for it.
    fn submit(&self, root: PathBuf, rel: &'static str, bytes: Box<dyn FnOnce() -> Vec<u8> + Send>) {
        let file = LateFile { root, rel, bytes };
        let mut worker = self.worker.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if worker.is_none() {
            let shared = Arc::clone(&self.shared);
            match std::thread::Builder::new().name("gongbu-late-writes".into()).spawn(move || write_late(&shared)) {
                Ok(started) => *worker = Some(started),
                // No thread to spare: write it now.
                Err(_) => return self.lock().problems.extend(write_file(file)),
            }
        }
        let mut pending = self.lock();
        pending.waiting.retain(|w| (&w.root, w.rel) != (&file.root, file.rel));
        pending.waiting.push(file);
        self.shared.1.notify_all();
    }

    /// Wait until nothing waits or is being written; the problems so far.
    fn wait(&self) -> Vec<Diagnostic> {
        let mut pending = self.lock();
        while pending.busy || !pending.waiting.is_empty() {
            pending = self.shared.1.wait(pending).unwrap_or_else(std::sync::PoisonError::into_inner);
        }
        std::mem::take(&mut pending.problems)
    }

    /// The problems so far, without waiting.
    fn take_problems(&self) -> Vec<Diagnostic> {
        std::mem::take(&mut self.lock().problems)
    }
}

impl Drop for LateWrites {
    /// What waits is written before the session goes: the output stays whole.
    fn drop(&mut self) {
        self.lock().closed = true;
        self.shared.1.notify_all();
        let worker = self.worker.get_mut().unwrap_or_else(std::sync::PoisonError::into_inner).take();
        if let Some(worker) = worker {
            let _ = worker.join();
        }
    }
}

/// The late writes' thread: write each file as it comes, in order, until the session closes.
fn write_late(shared: &(Mutex<Pending>, Condvar)) {
    let (lock, ready) = shared;
    let take = || lock.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    loop {
        let mut pending = take();
        while pending.waiting.is_empty() && !pending.closed {
            pending = ready.wait(pending).unwrap_or_else(std::sync::PoisonError::into_inner);
        }
        if pending.waiting.is_empty() {
            return;
        }
        let file = pending.waiting.remove(0);
        pending.busy = true;
        drop(pending);
        let page = page_showing(file.rel);
        let problems = write_file(file);
        let mut pending = take();
        pending.busy = false;
        pending.problems.extend(problems);
        if let Some(page) = page.filter(|p| !pending.shown.iter().any(|s| s == p)) {
            pending.shown.push(page.to_string());
        }
        let told = match (&pending.listener, pending.waiting.is_empty() && !pending.shown.is_empty()) {
            (Some(listener), true) => Some((Arc::clone(listener), std::mem::take(&mut pending.shown))),
            _ => None,
        };
        ready.notify_all();
        drop(pending);
        if let Some((listener, pages)) = told {
            listener(pages);
        }
    }
}

/// The page showing the study file at `rel`, if a reader sees it on one.
fn page_showing(rel: &str) -> Option<&'static str> {
    let mut all = StudyFile::FROM_SITE.into_iter().chain(StudyFile::FROM_PAGES);
    all.find(|f| f.path() == rel).and_then(StudyFile::shown_on)
}

/// Write one late file, as the rebuild's own files are written (`UpdateSink`); nothing when its
/// output folder is gone (the next full rebuild writes everything again).
fn write_file(file: LateFile) -> Option<Diagnostic> {
    if !file.root.is_dir() {
        return None;
    }
    let bytes = (file.bytes)();
    let written = UpdateSink::new(&file.root).write(file.rel, &bytes);
    written.err().map(|e| Diagnostic::error(file.rel, 0, format!("cannot write: {e}")))
}

impl State {
    /// Bring the search index up to date with the pages just rendered (`texts`): replace their
    /// text, or index every page again when the set or order of pages changed (which only
    /// `moved`, the site assembled again, may do); then write the index files that changed.
    fn reindex(&mut self, texts: Vec<(PageRef, search::Page)>, sink: &dyn Sink, moved: bool) -> Vec<Diagnostic> {
        let order = &self.site.order;
        let url = |p: PageRef| crate::enrich::links::encode_path(&self.site.url(p)).into_owned();
        let same_pages = self.index.len() == order.len()
            && (!moved || order.iter().enumerate().all(|(id, &p)| self.index.url(id) == Some(url(p).as_str())));
        if same_pages {
            for (page, text) in texts {
                if let Some(&id) = self.site.position.get(&page) {
                    self.index.replace(id, text);
                }
            }
        } else {
            let old = std::mem::replace(&mut self.index, search::Index::new(0)).into_pages();
            let mut by_url: HashMap<String, search::Page> =
                old.into_iter().flatten().map(|p| (p.url.clone(), p)).collect();
            for (_, text) in texts {
                by_url.insert(text.url.clone(), text);
            }
            let mut index = search::Index::new(order.len());
            for (id, &p) in order.iter().enumerate() {
                if let Some(text) = by_url.remove(&url(p)) {
                    index.post(id, &text);
                    index.store(id, text);
                }
            }
            self.index = index;
        }
        pipeline::write_index_files(&mut self.index, sink)
    }
}

/// After a generated file is removed, remove the folders it leaves empty, up to the output root
/// (a moved notes folder must not leave an empty folder that still answers requests).
fn remove_empty_parents(file: &Path, output: &Path) {
    let mut dir = file.parent();
    while let Some(d) = dir.filter(|d| d.starts_with(output) && *d != output) {
        // `remove_dir` refuses non-empty folders, so nothing else can be lost.
        if std::fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}

/// Files editors write beside the real one while saving: swap, backup and atomic-save temps.
pub(crate) fn is_editor_temp(name: &str) -> bool {
    name.starts_with(".#")
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".swo")
        || name.ends_with(".tmp")
        || name.ends_with(".bak")
        || name.contains(".tmp.")
        || name.ends_with("___jb_tmp___")
        || name.ends_with("___jb_old___")
        || name == "4913"
        || (name.starts_with('.') && name.ends_with(".kate-swp"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_temp_files() {
        for name in [".note.md.swp", "note.md~", "4913", ".#note.md", "note.md___jb_tmp___", "note.md.tmp.1234"] {
            assert!(is_editor_temp(name), "{name}");
        }
        for name in ["note.md", "그림.PNG", "README.md"] {
            assert!(!is_editor_temp(name), "{name}");
        }
    }

    #[test]
    fn late_writes_land_in_order_and_a_newer_one_replaces_a_waiting_one() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().to_path_buf();
        let late = LateWrites::default();
        let made = Arc::new(Mutex::new(Vec::new()));
        let (started, start) = std::sync::mpsc::channel();
        let (go, gate) = std::sync::mpsc::channel::<()>();
        let version = |v: &'static str, wait: Option<std::sync::mpsc::Receiver<()>>| {
            let (made, started) = (Arc::clone(&made), started.clone());
            Box::new(move || {
                let _ = started.send(());
                if let Some(gate) = wait {
                    let _ = gate.recv();
                }
                made.lock().unwrap().push(v);
                v.as_bytes().to_vec()
            })
        };
        late.submit(root.clone(), "quiz/anki.csv", version("1", Some(gate)));
        start.recv().unwrap();
        // While 1 is being written, 2 waits and 3 replaces it.
        late.submit(root.clone(), "quiz/anki.csv", version("2", None));
        late.submit(root.clone(), "quiz/anki.csv", version("3", None));
        go.send(()).unwrap();
        assert!(late.wait().is_empty());
        assert_eq!(*made.lock().unwrap(), ["1", "3"]);
        assert_eq!(std::fs::read_to_string(root.join("quiz/anki.csv")).unwrap(), "3");

        // A write that fails is reported; the session's going waits for what is left.
        std::fs::write(root.join("blocked"), "a file where a folder is needed").unwrap();
        late.submit(root.clone(), "blocked/anki.csv", version("4", None));
        let problems = late.wait();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].file, "blocked/anki.csv");
        late.submit(root.clone(), "quiz/anki.csv", version("5", None));
        drop(late);
        assert_eq!(std::fs::read_to_string(root.join("quiz/anki.csv")).unwrap(), "5");
    }

    /// Once the late writes are done, the pages showing them are told (to reload them), once
    /// each; the Anki export shows on no page.
    #[test]
    fn the_pages_showing_late_written_files_are_told_when_they_are_written() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().to_path_buf();
        let late = LateWrites::default();
        let (tell, told) = std::sync::mpsc::channel();
        late.lock().listener = Some(Arc::new(move |pages| tell.send(pages).unwrap()));
        let (go, gate) = std::sync::mpsc::channel::<()>();
        let file = |bytes: &'static str, wait: Option<std::sync::mpsc::Receiver<()>>| {
            Box::new(move || {
                if let Some(gate) = wait {
                    let _ = gate.recv();
                }
                bytes.as_bytes().to_vec()
            })
        };
        late.submit(root.clone(), StudyFile::Anki.path(), file("anki", Some(gate)));
        for study in [StudyFile::Questions, StudyFile::Glossary, StudyFile::References] {
            late.submit(root.clone(), study.path(), file("study", None));
        }
        go.send(()).unwrap();
        let wait = std::time::Duration::from_secs(10);
        assert_eq!(
            told.recv_timeout(wait).unwrap(),
            ["quiz/index.html", "glossary/index.html", "references/index.html"]
        );
        assert!(late.wait().is_empty());
        assert_eq!(std::fs::read_to_string(root.join("glossary/index.html")).unwrap(), "study");
        late.submit(root.clone(), StudyFile::Anki.path(), file("anki 2", None));
        assert!(late.wait().is_empty());
        assert!(told.recv_timeout(std::time::Duration::from_millis(300)).is_err(), "the export shows on no page");
    }

    #[test]
    fn rebuild_in_place_writes_only_changes_and_keeps_broken_pages() {
        let tmp = tempfile::tempdir().unwrap();
        let src = tmp.path().join("notes");
        std::fs::create_dir(&src).unwrap();
        std::fs::write(src.join("a.md"), "# A\n").unwrap();
        std::fs::write(src.join("b.md"), "# B\n").unwrap();
        let config = Config::from_parts(&src, None, Overrides::default()).unwrap();
        let mut session = Session::open(config, Overrides::default(), false).unwrap();
        let first = session.rebuild(&[]).unwrap();
        assert!(first.changed.contains(&"a.html".to_string()));

        let again = session.rebuild(&[]).unwrap();
        assert!(again.changed.is_empty(), "nothing changed: {:?}", again.changed);

        std::fs::write(src.join("a.md"), "---\ntitle: [broken\n---\n").unwrap();
        let broken = session.rebuild(&[src.join("a.md")]).unwrap();
        assert_eq!(broken.errors.len(), 1);
        assert!(src.join("public/a.html").exists(), "last good page kept");

        std::fs::remove_file(src.join("a.md")).unwrap();
        let removed = session.rebuild(&[src.join("a.md")]).unwrap();
        assert!(removed.errors.is_empty());
        assert!(removed.changed.contains(&"a.html".to_string()));
        assert!(!src.join("public/a.html").exists());
        assert!(src.join("public/b.html").exists());
    }
}
