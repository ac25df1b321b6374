//! What templates see: serialisable view structs, built for one page from what the site puts
//! on it (`SiteLinks`, `PageLinks`) and its own rendered body (`Content`). The hash of those
//! site values is the page's signature, which tells an incremental rebuild whether to render
//! the page again.

use crate::config::Words;
use crate::enrich::links::{encode_path, relative_path, root_prefix};
use crate::model::{PageRef, Reference, Site, TocEntry};
use rustc_hash::FxHasher;
use serde::Serialize;
use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::sync::OnceLock;

const GENERATOR: &str = concat!("gongbu ", env!("CARGO_PKG_VERSION"));

/// The whole context of one page template.
#[derive(Serialize)]
pub(crate) struct PageContext<'a> {
    pub(crate) lang: &'a str,
    pub(crate) site: SiteView<'a>,
    pub(crate) words: &'a Words,
    /// `../` per folder from this page up to the site root; every site link starts with it.
    pub(crate) root: String,
    pub(crate) generator: &'static str,
    /// The Atom feed's path from the site root (`atom.xml`), or "" when there is none.
    pub(crate) feed: &'static str,
    /// The theme's styles and scripts: `{{ root }}{{ assets["gongbu.css"] }}` (see `Chrome::assets`).
    pub(crate) assets: &'a BTreeMap<String, String>,
    pub(crate) page: PageView,
    /// Top-level folders only, so a page's size does not grow with the site.
    pub(crate) sections: Vec<NavLink>,
    /// A folder page's listing; None on note pages.
    pub(crate) section: Option<SectionView>,
    /// `words` and `assets` as Tera values, made once for every page (see `Chrome::words_value`).
    #[serde(skip)]
    pub(crate) words_value: &'a OnceLock<tera::Value>,
    #[serde(skip)]
    pub(crate) assets_value: &'a OnceLock<tera::Value>,
}

impl PageContext<'_> {
    /// This context as Tera reads it: what `tera::Context::from_serialize` makes of it, field
    /// for field, but with the site's words (62 strings) and the theme's asset paths, the same
    /// on every page, made into Tera values once per build and shared, where serialising copied
    /// them for every page.
    pub(crate) fn to_tera(&self) -> tera::TeraResult<tera::Context> {
        fn put<T: Serialize + ?Sized>(
            context: &mut tera::Context,
            key: &'static str,
            value: &T,
        ) -> tera::TeraResult<()> {
            context.insert_value(key, tera::Value::try_from_serializable(value)?);
            Ok(())
        }
        fn shared<T: Serialize + ?Sized>(made: &OnceLock<tera::Value>, value: &T) -> tera::TeraResult<tera::Value> {
            match made.get() {
                Some(value) => Ok(value.clone()),
                None => {
                    let value = tera::Value::try_from_serializable(value)?;
                    Ok(made.get_or_init(|| value).clone())
                }
            }
        }
        let mut context = tera::Context::new();
        put(&mut context, "lang", self.lang)?;
        put(&mut context, "site", &self.site)?;
        context.insert_value("words", shared(self.words_value, self.words)?);
        put(&mut context, "root", &self.root)?;
        put(&mut context, "generator", self.generator)?;
        put(&mut context, "feed", self.feed)?;
        context.insert_value("assets", shared(self.assets_value, self.assets)?);
        put(&mut context, "page", &self.page)?;
        put(&mut context, "sections", &self.sections)?;
        put(&mut context, "section", &self.section)?;
        Ok(context)
    }
}

impl<'a> PageContext<'a> {
    /// A page's context: what every page shares (`chrome`, the site's title and canonical base
    /// `url`, "" for none) around the page's own parts.
    fn with_chrome(
        chrome: &'a Chrome<'a>,
        title: &'a str,
        url: &'a str,
        root: String,
        page: PageView,
        sections: Vec<NavLink>,
        section: Option<SectionView>,
    ) -> PageContext<'a> {
        PageContext {
            lang: &chrome.lang,
            site: SiteView { title, description: chrome.description, url, search: chrome.search, anki: chrome.anki },
            words: &chrome.words,
            words_value: &chrome.words_value,
            assets_value: &chrome.assets_value,
            generator: GENERATOR,
            feed: chrome.feed,
            assets: &chrome.assets,
            root,
            page,
            sections,
            section,
        }
    }
}

/// The site as every page template sees it (`site.*`).
#[derive(Serialize)]
pub struct SiteView<'a> {
    /// The site title: `title` of `gongbu.toml`, else the root index note's, else the folder name.
    pub title: &'a str,
    /// `description` of `gongbu.toml`; "" when unset.
    pub description: &'a str,
    /// The absolute base URL (`https://me.github.io/notes/`) for canonical and Open Graph
    /// addresses; "" when the build has none (a path or nothing).
    pub url: &'a str,
    /// The site has full-text search (`[search] enabled`): the header shows its box.
    pub search: bool,
    /// The site has the Anki export (`[study] anki`): the quiz page links to it.
    pub anki: bool,
}

/// The page being rendered, as its template sees it (`page.*`).
#[derive(Serialize, Default, Hash)]
pub struct PageView {
    /// The page title: front matter, else the title heading, else the file or folder name.
    pub title: String,
    /// Show `title` as the page heading: false when the note's own title heading stays in
    /// `content` because it did not open the note.
    pub show_title: bool,
    /// Id for the page heading ("" for none): the note's title heading's, so links to it land.
    pub title_id: String,
    /// Path from the site root, percent-encoded.
    pub url: String,
    /// The rendered note body, HTML ready to insert unescaped; "" for generated folder pages.
    pub content: String,
    /// The page's headings for its table of contents (the title heading left out).
    pub toc: Vec<TocEntry>,
    /// The page's external links, each once, in order of first use.
    pub references: Vec<Reference>,
    /// Links to the site root and the folders above the page, outermost first (a deep page
    /// keeps the root and the nearest folders).
    pub breadcrumbs: Vec<Link>,
    /// The page before this one in reading order; None on the first page.
    pub prev: Option<Link>,
    /// The page after this one in reading order; None on the last page.
    pub next: Option<Link>,
    /// Source file from the notes folder; "" for generated pages.
    pub source: String,
    /// The note's file in its GitHub repository (`blob/HEAD/`: the default branch, whatever
    /// its name), for an "edit this page" link; "" when the repository is not known.
    pub edit: String,
    /// What the page is about, for `<meta name="description">` and Open Graph: the note's front
    /// matter `description`, else its first paragraph as text (shortened); "" for folder pages.
    pub description: String,
}

/// A link to another page of the site, as templates show it.
#[derive(Serialize, Debug, Clone, PartialEq, Eq, Hash)]
pub struct Link {
    /// The linked page's title.
    pub title: String,
    /// Relative from the current page, percent-encoded.
    pub href: String,
}

/// A top-level folder in the site navigation.
#[derive(Serialize, Hash)]
pub struct NavLink {
    /// The folder page's title.
    pub title: String,
    /// Relative from the current page (absolute on the 404 page), percent-encoded.
    pub href: String,
    /// The current page lies in this folder, so the navigation marks it.
    pub active: bool,
}

/// A folder page's listing (`section.*`).
#[derive(Serialize, Hash)]
pub struct SectionView {
    /// The notes directly in the folder, in reading order.
    pub notes: Vec<NoteLink>,
    /// Study questions in the folder's notes, at any depth.
    pub questions: usize,
    /// The folder's quiz: the query after `quiz/index.html` (`?s=PATH`; "" for the top folder).
    pub quiz: String,
    /// The folder's subfolders, in reading order.
    pub subsections: Vec<SubsectionLink>,
}

/// A note in a folder page's listing.
#[derive(Serialize, Hash)]
pub struct NoteLink {
    /// The note's title.
    pub title: String,
    /// Relative from the folder page, percent-encoded.
    pub href: String,
    /// How many study questions the note holds.
    pub questions: usize,
}

/// A subfolder in a folder page's listing.
#[derive(Serialize, Hash)]
pub struct SubsectionLink {
    /// The subfolder page's title.
    pub title: String,
    /// Relative from the folder page, percent-encoded.
    pub href: String,
    /// Notes under the folder, at any depth.
    pub count: usize,
}

/// Site-wide settings every page shows.
pub struct Chrome<'a> {
    pub(crate) lang: String,
    pub(crate) description: &'a str,
    pub(crate) words: Words,
    /// The notes' repository on GitHub, whose links to its own files become links to pages.
    pub(crate) repository: Option<&'a crate::model::Repository>,
    /// The absolute base URL, or "" (see `SiteView::url`).
    pub(crate) base_url: &'a str,
    /// The Atom feed's path from the site root, or "" when the site has none.
    pub(crate) feed: &'static str,
    /// The theme's styles and scripts by name (`gongbu.css`), each with its path from the site
    /// root as pages load it: content-hashed in a build (`static/gongbu.1a2b3c4d.css`).
    pub(crate) assets: BTreeMap<String, String>,
    /// `words` and `assets` as Tera values, made at the first page rendered and cloned (a few
    /// reference counts) into every page's context after it.
    pub(crate) words_value: OnceLock<tera::Value>,
    pub(crate) assets_value: OnceLock<tera::Value>,
    /// `[search] enabled` and `[study] anki` of the config (`SiteView::search`, `SiteView::anki`).
    pub(crate) search: bool,
    pub(crate) anki: bool,
}

impl<'a> Chrome<'a> {
    /// The page-independent settings: the description and repository from `config`, the
    /// language and its words as `config` decides them for the notes of `site` (see `Config::language`).
    pub fn of(config: &'a crate::config::Config, site: &Site) -> Chrome<'a> {
        let language = config.language(site.letters());
        Chrome {
            lang: language.code,
            description: &config.description,
            words: language.words,
            repository: config.repository.as_ref(),
            base_url: absolute_base(&config.base_url),
            feed: if super::feed::has_feed(site, absolute_base(&config.base_url)) { super::feed::FEED } else { "" },
            assets: asset_paths(config),
            words_value: OnceLock::new(),
            assets_value: OnceLock::new(),
            search: config.search,
            anki: config.anki,
        }
    }
}

#[cfg(test)]
impl Chrome<'static> {
    /// Korean words; no description, repository, base URL, feed or theme files.
    pub(crate) fn plain() -> Chrome<'static> {
        Chrome {
            lang: "ko".into(),
            description: "",
            words: Words::default(),
            repository: None,
            base_url: "",
            feed: "",
            assets: BTreeMap::new(),
            words_value: OnceLock::new(),
            assets_value: OnceLock::new(),
            search: true,
            anki: true,
        }
    }
}

/// Path from the site root of each theme style and script, by name (see `Chrome::assets`).
pub(crate) fn asset_paths(config: &crate::config::Config) -> BTreeMap<String, String> {
    theme_files(config)
        .into_iter()
        .map(|(name, bytes)| {
            let published = if config.hashed_assets { crate::theme::hashed_name(&name, &bytes) } else { name.clone() };
            (name, format!("static/{published}"))
        })
        .collect()
}

/// The theme's styles and scripts as `config`'s site publishes them (see `theme::styles_and_scripts`).
pub(crate) fn theme_files(config: &crate::config::Config) -> BTreeMap<String, Vec<u8>> {
    let highlight = crate::highlight::theme_css();
    crate::theme::styles_and_scripts(
        config.static_dir.as_deref(),
        &config.root,
        &[&config.output_dir],
        &[("highlight.css", highlight.as_bytes())],
        config.minify,
    )
}

/// `base_url` when it is an absolute `http(s)` address (what canonical links and feeds need), else "".
pub(crate) fn absolute_base(base_url: &str) -> &str {
    if base_url.starts_with("https://") || base_url.starts_with("http://") {
        base_url
    } else {
        ""
    }
}

/// Whether `page` is the page of its folder (rendered with `section.html`).
fn is_folder_page(site: &Site, page: PageRef) -> bool {
    site.section_page(site.section_of(page)) == page
}

/// A page as other pages show it: its title and where it lives. Borrowed from the site, so
/// making one costs nothing; its `Hash` is what a page depends on when it links here.
#[derive(Hash, Clone, Copy)]
pub(crate) struct PageLink<'a> {
    pub(crate) title: &'a str,
    place: Place<'a>,
}

/// Where a page lives: a note's URL, or a generated folder page's folder path (its URL is made
/// from the path only when shown, so fingerprinting a folder page allocates nothing).
#[derive(Hash, Clone, Copy)]
enum Place<'a> {
    Note(&'a str),
    Folder(&'a str),
}

impl<'a> PageLink<'a> {
    /// `page` as the site lists it, under `title`.
    fn of(site: &'a Site, page: PageRef, title: &'a str) -> PageLink<'a> {
        let place = match page {
            PageRef::Note(n) => Place::Note(&site.notes[n].url),
            PageRef::Section(s) => Place::Folder(&site.sections[s].path),
        };
        PageLink { title, place }
    }

    fn page(site: &'a Site, page: PageRef) -> PageLink<'a> {
        PageLink::of(site, page, site.title_of(page))
    }

    /// Output path from the site root (not percent-encoded), as `Site::url` gives it.
    pub(crate) fn url(&self) -> std::borrow::Cow<'a, str> {
        match self.place {
            Place::Note(url) => url.into(),
            Place::Folder("") => "index.html".into(),
            Place::Folder(path) => format!("{path}/index.html").into(),
        }
    }
}

/// What every page shows of the site alike: its title and its top-level sections.
pub(crate) struct SiteLinks<'a> {
    shown: SiteShown<'a>,
    /// The fingerprint of `shown`, the start of every page's signature.
    seed: FxHasher,
}

#[derive(Hash)]
struct SiteShown<'a> {
    title: &'a str,
    /// Top-level folders only, so a page's size does not grow with the site; each under its
    /// section's title.
    sections: Vec<PageLink<'a>>,
}

impl<'a> SiteLinks<'a> {
    /// What every page shows of `site`, with `chrome` (language, words) in its fingerprint: a
    /// page whose language changed is rendered again.
    pub(crate) fn of(site: &'a Site, chrome: &Chrome) -> SiteLinks<'a> {
        let sections = site.sections[0]
            .children
            .iter()
            .map(|&s| PageLink::of(site, site.section_page(s), &site.sections[s].title))
            .collect();
        let shown = SiteShown { title: &site.title, sections };
        let mut seed = FxHasher::default();
        shown.hash(&mut seed);
        (&chrome.lang, chrome.description, &chrome.words, chrome.base_url, chrome.feed, &chrome.assets).hash(&mut seed);
        (chrome.search, chrome.anki).hash(&mut seed);
        chrome.repository.map(|r| (r.name(), r.notes_prefix())).hash(&mut seed);
        SiteLinks { shown, seed }
    }

    /// The fingerprint of what every page shows of the site: the study pages show this and
    /// their own data only.
    pub(crate) fn signature(&self) -> u64 {
        self.seed.finish()
    }
}

/// Everything the site (not the page's own note) puts on one page: `page_context` reads the
/// site through this and `SiteLinks` only. Its `Hash`, after the site's, is the page's
/// signature: a rebuild re-renders the pages whose signature changed and no others, and a
/// value added here is fingerprinted by construction, so a signature cannot forget an input.
#[derive(Hash)]
pub(crate) struct PageLinks<'a> {
    /// The page of its folder, rendered with `section.html`.
    pub(crate) folder_page: bool,
    pub(crate) this: PageLink<'a>,
    /// Source file from the notes folder; "" for generated pages.
    source: &'a str,
    breadcrumbs: Vec<PageLink<'a>>,
    prev: Option<PageLink<'a>>,
    next: Option<PageLink<'a>>,
    /// Which of `SiteLinks`' sections the page is under.
    active_section: Option<usize>,
    listing: Option<Listing<'a>>,
}

/// A folder page's listing: its notes, and its subfolders with how many notes each holds.
#[derive(Hash)]
struct Listing<'a> {
    /// Each note with its number of questions.
    notes: Vec<(PageLink<'a>, usize)>,
    questions: usize,
    path: &'a str,
    subsections: Vec<(PageLink<'a>, usize)>,
}

/// Most breadcrumbs a page shows (the site root and the nearest folders).
const MAX_CRUMBS: usize = 8;

impl<'a> PageLinks<'a> {
    pub(crate) fn of(site: &'a Site, page: PageRef) -> PageLinks<'a> {
        let own_section = site.section_of(page);
        let folder_page = is_folder_page(site, page);
        let ancestry = site.ancestry(own_section);
        let active_section = ancestry.get(1).and_then(|top| site.sections[0].children.iter().position(|s| s == top));
        let mut crumbs = ancestry;
        if folder_page {
            crumbs.pop();
        }
        // Each crumb's link is as long as the page is deep: past MAX_CRUMBS, keep the root and
        // the nearest folders, so a page's size stays linear in its depth.
        if crumbs.len() > MAX_CRUMBS {
            crumbs.drain(1..crumbs.len() - (MAX_CRUMBS - 1));
        }
        let (prev, next) = site.prev_next(page);
        let listing = folder_page.then(|| {
            let s = &site.sections[own_section];
            let notes = s
                .notes
                .iter()
                .map(|&n| (PageLink::page(site, PageRef::Note(n)), site.notes[n].study.questions.len()))
                .collect();
            let subsections = s
                .children
                .iter()
                .map(|&c| (PageLink::page(site, site.section_page(c)), notes_under(site, c)))
                .collect();
            Listing { notes, subsections, questions: questions_under(site, own_section), path: &s.path }
        });
        PageLinks {
            folder_page,
            this: PageLink::page(site, page),
            source: match page {
                PageRef::Note(n) => &site.notes[n].source,
                PageRef::Section(_) => "",
            },
            breadcrumbs: crumbs.into_iter().map(|s| PageLink::page(site, site.section_page(s))).collect(),
            prev: prev.map(|p| PageLink::page(site, p)),
            next: next.map(|p| PageLink::page(site, p)),
            active_section,
            listing,
        }
    }

    /// The page's signature on a site whose shared part is `site`.
    pub(crate) fn signature(&self, site: &SiteLinks) -> u64 {
        let mut h = site.seed.clone();
        self.hash(&mut h);
        h.finish()
    }
}

/// Signatures of `pages` (see `PageLinks`), in their order. Computed for every page after a
/// file-set change, so it borrows instead of allocating and runs in parallel.
pub(crate) fn signatures(site: &Site, chrome: &Chrome, pages: &[PageRef]) -> Vec<u64> {
    use rayon::prelude::*;
    let shared = SiteLinks::of(site, chrome);
    pages.par_iter().map(|&page| PageLinks::of(site, page).signature(&shared)).collect()
}

/// The pages whose `PageLinks` may show the title or question count of one of `notes`, in
/// reading order: each note's own page and its neighbours (previous/next), the folder pages
/// above it (listings, counts of questions), and for a folder's own note every page under that
/// folder (breadcrumbs). Only while the site's pages, their order and `SiteLinks` stay the same
/// (a top-level folder's title is in `SiteLinks`): then no other page's signature can change,
/// so a retitle fingerprints these instead of every page. Keep in step with `PageLinks::of`.
pub(crate) fn pages_showing(site: &Site, notes: &[usize]) -> Vec<PageRef> {
    let mut pages = Vec::new();
    let mut folders = Vec::new();
    for &n in notes {
        let page = PageRef::Note(n);
        if !site.position.contains_key(&page) {
            continue;
        }
        pages.push(page);
        let (prev, next) = site.prev_next(page);
        pages.extend(prev.into_iter().chain(next));
        let own = site.section_of(page);
        pages.extend(site.ancestry(own).into_iter().map(|s| site.section_page(s)));
        if site.section_page(own) == page {
            folders.push(own);
        }
    }
    if !folders.is_empty() {
        let under: Vec<bool> =
            (0..site.sections.len()).map(|s| site.ancestry(s).iter().any(|a| folders.contains(a))).collect();
        pages.extend(site.order.iter().copied().filter(|&p| under[site.section_of(p)]));
    }
    pages.sort_by_key(|p| site.position.get(p).copied());
    pages.dedup();
    pages
}

/// The rendered body of a note page.
#[derive(Default)]
pub(crate) struct Content {
    pub(crate) html: String,
    pub(crate) title_id: Option<String>,
    pub(crate) title_in_body: bool,
    pub(crate) toc: Vec<TocEntry>,
    pub(crate) references: Vec<Reference>,
    pub(crate) description: String,
}

/// Build the context of a page from what the site puts on it and its own rendered body.
pub(crate) fn page_context<'a>(
    site: &SiteLinks<'a>,
    links: &PageLinks<'a>,
    chrome: &'a Chrome<'a>,
    content: Content,
) -> PageContext<'a> {
    let url = links.this.url();
    let root = root_prefix(&url);
    // The shortest way there (`index.html` beside, not `../Algorithm/index.html`), letters as letters.
    let link = |p: &PageLink| Link {
        title: p.title.to_string(),
        href: super::href::compact(&encode_path(&relative_path(&url, &p.url()))).into_owned(),
    };
    let sections = site
        .shown
        .sections
        .iter()
        .enumerate()
        .map(|(i, s)| NavLink {
            title: s.title.to_string(),
            href: link(s).href,
            active: Some(i) == links.active_section,
        })
        .collect();
    let section = links.listing.as_ref().map(|Listing { notes, subsections, questions, path }| SectionView {
        quiz: super::study::quiz_query(path),
        notes: notes
            .iter()
            .map(|(n, questions)| {
                let Link { title, href } = link(n);
                NoteLink { title, href, questions: *questions }
            })
            .collect(),
        questions: *questions,
        subsections: subsections
            .iter()
            .map(|(c, count)| {
                let Link { title, href } = link(c);
                SubsectionLink { title, href, count: *count }
            })
            .collect(),
    });
    let page = PageView {
        title: links.this.title.to_string(),
        show_title: !content.title_in_body,
        title_id: content.title_id.unwrap_or_default(),
        url: encode_path(&url).into_owned(),
        content: content.html,
        toc: content.toc,
        references: content
            .references
            .into_iter()
            .map(|r| Reference { href: super::href::compact(&r.href).into_owned(), ..r })
            .collect(),
        breadcrumbs: links.breadcrumbs.iter().map(link).collect(),
        prev: links.prev.as_ref().map(link),
        next: links.next.as_ref().map(link),
        // A file name may hold control characters; the page must not.
        source: crate::text::without_controls(links.source).into_owned(),
        edit: edit_href(chrome.repository, links.source),
        description: content.description,
    };
    PageContext::with_chrome(chrome, site.shown.title, chrome.base_url, root, page, sections, section)
}

/// Context of the 404 page. Hosts serve it at any missing address, however deep, so with a
/// base path below the host's root (`/notes/`) its links start from that path. With none
/// (`/`, where the site may yet be put under any folder or opened from `file://`) they are
/// relative to the site root, where `404.html` lies, and the template's script finds the
/// root when the page is served elsewhere.
pub(crate) fn not_found_context<'a>(site: &SiteLinks<'a>, chrome: &'a Chrome<'a>, base_path: &str) -> PageContext<'a> {
    let base_path = if base_path == "/" { "" } else { base_path };
    let sections = top_sections(site, base_path);
    let page = PageView {
        title: chrome.words.not_found.clone(),
        show_title: true,
        url: "404.html".into(),
        ..PageView::default()
    };
    // No canonical address: hosts serve this page at every missing one.
    PageContext::with_chrome(chrome, site.shown.title, "", base_path.to_string(), page, sections, None)
}

/// Longest description shown, in characters (search results show about this many).
const DESCRIPTION_CHARS: usize = 160;

/// A note's description: its front matter's, else its lead paragraph (`Note::lead`),
/// shortened to `DESCRIPTION_CHARS` at a word's end.
pub(crate) fn description(written: Option<&str>, lead: &str) -> String {
    let text = written.unwrap_or(lead);
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut short = String::new();
    for word in words {
        let len = short.chars().count() + word.chars().count();
        if len >= DESCRIPTION_CHARS {
            if short.is_empty() {
                short.extend(word.chars().take(DESCRIPTION_CHARS - 1));
            }
            short.push('…');
            break;
        }
        if !short.is_empty() {
            short.push(' ');
        }
        short.push_str(word);
    }
    short
}

/// The top-level folders for a page that is none of theirs, linked from `prefix` (the way to
/// the site root).
fn top_sections(site: &SiteLinks, prefix: &str) -> Vec<NavLink> {
    let link = |s: &PageLink| NavLink {
        title: s.title.to_string(),
        href: format!("{prefix}{}", encode_path(&s.url())),
        active: false,
    };
    site.shown.sections.iter().map(link).collect()
}

/// Context of a study page (`quiz/`, `glossary/`, `references/`) at `url`, titled `title`.
pub(crate) fn study_page_context<'a>(
    site: &SiteLinks<'a>,
    chrome: &'a Chrome<'a>,
    url: &str,
    title: &str,
) -> PageContext<'a> {
    let root = root_prefix(url);
    let sections = top_sections(site, &root);
    let page = PageView {
        title: title.to_string(),
        show_title: true,
        url: encode_path(url).into_owned(),
        ..PageView::default()
    };
    PageContext::with_chrome(chrome, site.shown.title, chrome.base_url, root, page, sections, None)
}

/// Study questions in the notes of folder `s` and its subfolders.
fn questions_under(site: &Site, s: usize) -> usize {
    let section = &site.sections[s];
    let own: usize =
        section.index_note.iter().chain(&section.notes).map(|&n| site.notes[n].study.questions.len()).sum();
    own + section.children.iter().map(|&c| questions_under(site, c)).sum::<usize>()
}

/// Where a note's source is shown on GitHub, from where its pencil button edits it.
fn edit_href(repository: Option<&crate::model::Repository>, source: &str) -> String {
    match repository {
        Some(repo) if !source.is_empty() => {
            let path = match repo.notes_prefix() {
                "" => source.to_string(),
                prefix => format!("{prefix}/{source}"),
            };
            format!("https://github.com/{}/blob/HEAD/{}", repo.name(), encode_path(&path))
        }
        _ => String::new(),
    }
}

/// Notes under a section, for its card: its own README is the section's page, not a note.
fn notes_under(site: &Site, s: usize) -> usize {
    let section = &site.sections[s];
    section.notes.len() + section.children.iter().map(|&c| notes_under(site, c)).sum::<usize>()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::parse_note;

    fn site_of(notes: &[(&str, &str)], title: Option<&str>) -> Site {
        let notes = notes
            .iter()
            .filter_map(|(source, text)| {
                let is_index = source.ends_with("README.md");
                parse_note(source, text.as_bytes(), is_index).ok().flatten()
            })
            .collect();
        Site::assemble(notes, Vec::new(), title.map(str::to_string), "notes")
    }

    /// Every page's context (with an empty body) and signature, by URL.
    fn pages(site: &Site) -> std::collections::BTreeMap<String, (String, u64)> {
        let chrome = Chrome::plain();
        let shared = SiteLinks::of(site, &chrome);
        let signatures = signatures(site, &chrome, &site.order);
        site.order
            .iter()
            .zip(signatures)
            .map(|(&page, signature)| {
                let links = PageLinks::of(site, page);
                assert_eq!(links.signature(&shared), signature, "one page's signature is its place in `signatures`");
                let context = page_context(&shared, &links, &chrome, Content::default());
                let json = serde_json::to_string(&context).unwrap_or_default();
                (site.url_of(page), (format!("{}{json}", links.folder_page), signature))
            })
            .collect()
    }

    /// The context made with the shared words and asset paths holds, key for key, what
    /// serialising the whole context gives, for note and folder pages, before and after the
    /// shared values are made.
    #[test]
    fn the_context_with_shared_words_and_assets_is_the_serialised_one() {
        let site = site_of(
            &[("README.md", "# 노트\n"), ("net/README.md", "# 네트워크\n"), ("net/tcp.md", "# TCP\n\n## 연결\n")],
            None,
        );
        let mut chrome = Chrome::plain();
        chrome.assets = [("theme.css", "static/theme.1a2b3c4d.css"), ("theme.js", "static/theme.js")]
            .map(|(name, path)| (name.to_string(), path.to_string()))
            .into();
        let shared = SiteLinks::of(&site, &chrome);
        for (round, &page) in site.order.iter().chain(&site.order).enumerate() {
            let links = PageLinks::of(&site, page);
            let content = Content { html: "<p>본문 &amp; <b>x</b></p>".repeat(round + 1), ..Content::default() };
            let context = page_context(&shared, &links, &chrome, content);
            let serialised = tera::Context::from_serialize(&context).expect("serialises");
            let made = context.to_tera().expect("made");
            let serde_json::Value::Object(keys) = serde_json::to_value(&context).expect("to JSON") else {
                panic!("a map")
            };
            assert!(keys.contains_key("words") && keys.contains_key("page") && keys.contains_key("assets"), "{keys:?}");
            for key in keys.keys() {
                assert!(serialised.get(key).is_some(), "{key}");
                assert!(made.get(key) == serialised.get(key), "round {round}: {key} differs");
            }
            for skipped in ["words_value", "assets_value"] {
                assert!(made.get(skipped).is_none() && serialised.get(skipped).is_none(), "{skipped}");
            }
        }
        assert!(chrome.words_value.get().is_some() && chrome.assets_value.get().is_some(), "made once and kept");
    }

    #[test]
    fn section_cards_count_notes_but_not_the_section_readme() {
        let notes = [
            ("README.md", "# 노트\n"),
            ("net/README.md", "# 네트워크\n"),
            ("net/tcp.md", "# TCP\n"),
            ("net/http.md", "# HTTP\n"),
            ("net/deep/README.md", "# 깊이\n"),
            ("net/deep/x.md", "# X\n"),
        ];
        let site = site_of(&notes, None);
        let home = PageLinks::of(&site, site.order[0]);
        let counts: Vec<(String, usize)> = home
            .listing
            .iter()
            .flat_map(|l| l.subsections.iter().map(|(link, n)| (link.title.to_string(), *n)))
            .collect();
        assert_eq!(counts, vec![("네트워크".to_string(), 3)]);
    }

    /// A retitle, or a note's questions counted again, changes the signature of no page but
    /// those `pages_showing` names, or else changes what every page shows (`SiteLinks`), and
    /// the session fingerprints every page.
    #[test]
    fn a_retitle_changes_only_the_pages_showing_the_note() {
        let base: Vec<(&str, &str)> = vec![
            ("README.md", "# 노트\n"),
            ("net/README.md", "# 네트워크\n"),
            ("net/tcp.md", "# TCP\n"),
            ("net/http.md", "# HTTP\n### Q. 무엇인가?\n답\n"),
            ("net/udp.md", "# UDP\n"),
            ("net/deep/README.md", "# 깊이\n"),
            ("net/deep/x.md", "# X\n"),
            ("net/deep/more/y.md", "# Y\n"),
            ("algo/sort.md", "# 정렬\n"),
            ("algo/graph/bfs.md", "# BFS\n"),
            ("algo/graph/dfs.md", "# DFS\n"),
        ];
        let chrome = Chrome::plain();
        let shared = |site: &Site| SiteLinks::of(site, &chrome).signature();
        let base_site = site_of(&base, None);
        let before = pages(&base_site);
        let urls = |site: &Site| site.order.iter().map(|&p| site.url_of(p)).collect::<Vec<_>>();
        let (mut narrowed, mut everywhere) = (0, 0);
        for (i, &(source, text)) in base.iter().enumerate() {
            let retitled = text.replacen("\n", " 다시\n", 1);
            let recounted = format!("{text}### Q. 새 질문?\n답\n");
            for edited in [retitled, recounted] {
                let mut notes = base.clone();
                notes[i] = (source, &edited);
                let site = site_of(&notes, None);
                assert_eq!(urls(&site), urls(&base_site), "{source}: the order stays");
                if shared(&site) != shared(&base_site) {
                    everywhere += 1;
                    continue;
                }
                let n = site.note_by_source[source];
                let reach: Vec<String> = pages_showing(&site, &[n]).into_iter().map(|p| site.url_of(p)).collect();
                for (url, (_, signature)) in pages(&site) {
                    if before[&url].1 != signature {
                        assert!(reach.contains(&url), "{source}: {url} changed but is not among {reach:?}");
                    }
                }
                narrowed += 1;
            }
        }
        assert!(narrowed > 10 && everywhere > 0, "{narrowed} narrowed, {everywhere} everywhere");
    }

    /// Whatever the site changes on a page, its signature changes too: a rebuild that skips
    /// pages with unchanged signatures can never leave a stale page. Each edit below changes a
    /// different site-derived value a page shows (title, neighbours, breadcrumbs, top-level
    /// sections, folder listing and counts, site title, template).
    #[test]
    fn a_page_whose_context_changed_has_a_new_signature() {
        let base: Vec<(&str, &str)> = vec![
            ("README.md", "# 노트\n"),
            ("net/README.md", "# 네트워크\n"),
            ("net/tcp.md", "# TCP\n"),
            ("net/http.md", "# HTTP\n"),
            ("net/deep/a/b/c/d/e/f/g/h/i/x.md", "# 깊은 노트\n"),
            ("algo/sort.md", "# 정렬\n"),
            ("algo/graph/bfs.md", "# BFS\n"),
        ];
        let edit = |from: &str, to: (&'static str, &'static str)| {
            let mut notes: Vec<(&str, &str)> = base.iter().filter(|(s, _)| *s != from).copied().collect();
            notes.push(to);
            notes
        };
        type Variant<'a> = (&'a str, Vec<(&'a str, &'a str)>, Option<&'a str>);
        let variants: Vec<Variant> = vec![
            ("note title", edit("net/tcp.md", ("net/tcp.md", "# TCP 프로토콜\n")), None),
            ("folder title", edit("net/README.md", ("net/README.md", "# 네트워크 정리\n")), None),
            ("home title", edit("README.md", ("README.md", "# 공부\n")), None),
            ("order", edit("net/tcp.md", ("net/tcp.md", "---\nweight: -1\n---\n# TCP\n")), None),
            ("new note", edit("", ("algo/graph/dfs.md", "# DFS\n")), None),
            ("deleted note", edit("algo/sort.md", ("net/udp.md", "# UDP\n")), None),
            ("folder page appears", edit("", ("algo/README.md", "# 알고리즘\n")), None),
            ("new top-level folder", edit("", ("db/sql.md", "# SQL\n")), None),
            ("deep crumb", edit("", ("net/deep/a/b/c/d/e/f/g/h/README.md", "# H\n")), None),
            ("site title", base.clone(), Some("새 사이트")),
        ];
        let before = pages(&site_of(&base, None));
        for (what, notes, title) in variants {
            let after = pages(&site_of(&notes, title));
            let mut changed = 0;
            for (url, (context, signature)) in &after {
                let Some((old_context, old_signature)) = before.get(url) else { continue };
                if context != old_context {
                    changed += 1;
                    assert_ne!(signature, old_signature, "{what}: {url} shows other site values, same signature");
                }
            }
            assert!(changed > 0, "{what}: the edit must change some page that was there before");
        }
    }
}
