//! What templates see: serialisable view structs, built from the site for one page.

use crate::config::Words;
use crate::enrich::links::{encode_path, root_prefix};
use crate::enrich::site::Site;
use crate::model::{PageRef, Reference, TocEntry};
use serde::Serialize;

pub const GENERATOR: &str = concat!("gongbu ", env!("CARGO_PKG_VERSION"));

/// The whole context of one page template.
#[derive(Serialize)]
pub struct PageContext<'a> {
    pub lang: &'a str,
    pub site: SiteView<'a>,
    pub words: &'a Words,
    /// `../` per folder from this page up to the site root; every site link starts with it.
    pub root: String,
    pub generator: &'static str,
    pub page: PageView,
    /// Top-level folders only, so a page's size does not grow with the site.
    pub sections: Vec<NavLink>,
    /// A folder page's listing; None on note pages.
    pub section: Option<SectionView>,
}

#[derive(Serialize)]
pub struct SiteView<'a> {
    pub title: &'a str,
    pub description: &'a str,
}

#[derive(Serialize, Default, Hash)]
pub struct PageView {
    pub title: String,
    /// Show `title` as the page heading: false when the note's own title heading stays in
    /// `content` because it did not open the note.
    pub show_title: bool,
    /// Id for the page heading ("" for none): the note's title heading's, so links to it land.
    pub title_id: String,
    /// Path from the site root, percent-encoded.
    pub url: String,
    pub content: String,
    pub toc: Vec<TocEntry>,
    pub references: Vec<Reference>,
    pub breadcrumbs: Vec<Link>,
    pub prev: Option<Link>,
    pub next: Option<Link>,
    /// Source file from the notes folder; "" for generated pages.
    pub source: String,
}

#[derive(Serialize, Debug, Clone, PartialEq, Eq, Hash)]
pub struct Link {
    pub title: String,
    pub href: String,
}

#[derive(Serialize, Hash)]
pub struct NavLink {
    pub title: String,
    pub href: String,
    pub active: bool,
}

#[derive(Serialize, Hash)]
pub struct SectionView {
    pub notes: Vec<Link>,
    pub subsections: Vec<SubsectionLink>,
}

#[derive(Serialize, Hash)]
pub struct SubsectionLink {
    pub title: String,
    pub href: String,
    /// Notes under the folder, at any depth.
    pub count: usize,
}

/// Site-wide settings every page shows.
pub struct Chrome<'a> {
    pub lang: &'a str,
    pub description: &'a str,
    pub words: &'a Words,
}

impl<'a> Chrome<'a> {
    pub fn of(config: &'a crate::config::Config) -> Chrome<'a> {
        Chrome { lang: &config.lang, description: &config.description, words: &config.words }
    }
}

/// Whether `page` is the page of its folder (rendered with `section.html`).
pub fn is_folder_page(site: &Site, page: PageRef) -> bool {
    site.section_page(site.section_of(page)) == page
}

/// A fingerprint of everything the site, not the page's own note, puts on `page`: its title,
/// neighbours, breadcrumbs, top-level sections and folder listing. A rebuild re-renders the
/// pages whose signature changed, and no others.
pub fn signature(site: &Site, page: PageRef) -> u64 {
    use std::hash::{Hash, Hasher};
    let ctx = page_context(site, &Chrome { lang: "", description: "", words: &SIGNATURE_WORDS }, page, Content::default());
    let mut h = std::collections::hash_map::DefaultHasher::new();
    ctx.site.title.hash(&mut h);
    ctx.page.hash(&mut h);
    ctx.sections.hash(&mut h);
    ctx.section.hash(&mut h);
    h.finish()
}

static SIGNATURE_WORDS: std::sync::LazyLock<Words> = std::sync::LazyLock::new(Words::default);

/// The rendered body of a note page.
#[derive(Default)]
pub struct Content {
    pub html: String,
    pub title_id: Option<String>,
    pub title_in_body: bool,
    pub toc: Vec<TocEntry>,
    pub references: Vec<Reference>,
}

/// Build the context of `page`; `template` tells whether it is a folder page.
pub fn page_context<'a>(site: &'a Site, chrome: &Chrome<'a>, page: PageRef, content: Content) -> PageContext<'a> {
    let url = site.url_of(page);
    let root = root_prefix(&url);
    let link = |p: PageRef| Link { title: site.title_of(p).to_string(), href: format!("{root}{}", encode_path(&site.url_of(p))) };
    let own_section = site.section_of(page);
    let is_folder_page = is_folder_page(site, page);
    let mut crumbs = site.ancestry(own_section);
    if is_folder_page {
        crumbs.pop();
    }
    let (prev, next) = site.prev_next(page);
    let top_section = site.ancestry(own_section).get(1).copied();
    let sections = site.sections[0]
        .children
        .iter()
        .map(|&s| NavLink { title: site.sections[s].title.clone(), href: link(site.section_page(s)).href, active: Some(s) == top_section })
        .collect();
    let section = is_folder_page.then(|| {
        let s = &site.sections[own_section];
        SectionView {
            notes: s.notes.iter().map(|&n| link(PageRef::Note(n))).collect(),
            subsections: s
                .children
                .iter()
                .map(|&c| {
                    let Link { title, href } = link(site.section_page(c));
                    SubsectionLink { title, href, count: notes_under(site, c) }
                })
                .collect(),
        }
    });
    let source = match page {
        PageRef::Note(n) => site.notes[n].source.clone(),
        PageRef::Section(_) => String::new(),
    };
    PageContext {
        lang: chrome.lang,
        site: SiteView { title: &site.title, description: chrome.description },
        words: chrome.words,
        generator: GENERATOR,
        page: PageView {
            title: site.title_of(page).to_string(),
            show_title: !content.title_in_body,
            title_id: content.title_id.unwrap_or_default(),
            url: encode_path(&url),
            content: content.html,
            toc: content.toc,
            references: content.references,
            breadcrumbs: crumbs.into_iter().map(|s| link(site.section_page(s))).collect(),
            prev: prev.map(link),
            next: next.map(link),
            source,
        },
        root,
        sections,
        section,
    }
}

/// Context of the 404 page. Hosts serve it at any missing address, however deep, so its
/// links start from the site's absolute base path instead of a relative root.
pub fn not_found_context<'a>(site: &'a Site, chrome: &Chrome<'a>, base_path: &str) -> PageContext<'a> {
    let sections = site.sections[0]
        .children
        .iter()
        .map(|&s| NavLink { title: site.sections[s].title.clone(), href: encode_path(&site.url_of(site.section_page(s))), active: false })
        .collect();
    PageContext {
        lang: chrome.lang,
        site: SiteView { title: &site.title, description: chrome.description },
        words: chrome.words,
        generator: GENERATOR,
        root: base_path.to_string(),
        page: PageView { title: chrome.words.not_found.clone(), show_title: true, url: "404.html".into(), ..PageView::default() },
        sections,
        section: None,
    }
}

fn notes_under(site: &Site, s: usize) -> usize {
    let section = &site.sections[s];
    section.notes.len() + usize::from(section.index_note.is_some()) + section.children.iter().map(|&c| notes_under(site, c)).sum::<usize>()
}
