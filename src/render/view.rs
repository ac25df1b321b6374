//! What templates see: serialisable view structs, built from the site for one page.

use crate::config::Words;
use crate::enrich::links::{encode_path, root_prefix};
use crate::model::{PageRef, Reference, Site, TocEntry};
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

/// Fingerprints, in `site.order`, of everything the site (not the page's own note) puts on
/// each page: its title, neighbours, breadcrumbs, top-level sections and folder listing — what
/// `page_context` reads from the site. A rebuild re-renders the pages whose fingerprint changed
/// and no others. Computed for every page after a title or file-set change, so it hashes
/// without allocating, shares the site-wide part, and runs in parallel.
pub fn signatures(site: &Site) -> Vec<u64> {
    use rayon::prelude::*;
    use std::hash::Hasher;
    let shared = site_fingerprint(site);
    site.order.par_iter().map(|&page| page_signature(site, page, shared.clone()).finish()).collect()
}

/// The part every page shows alike: the site's title and its top-level sections.
fn site_fingerprint(site: &Site) -> Fingerprint {
    use std::hash::Hash;
    let mut h = Fingerprint::new();
    site.title.hash(&mut h);
    for &top in &site.sections[0].children {
        hash_page(site, site.section_page(top), &mut h);
    }
    h
}

/// Fingerprints only need to tell page states apart, not resist attackers: this hashes eight
/// bytes per step (the FxHash mix; every step is a bijection of the state, so changing any one
/// word of input always changes the result), several times faster than SipHash or byte-wise
/// FNV on the titles and paths hashed here.
#[derive(Clone)]
struct Fingerprint(u64);

impl Fingerprint {
    fn new() -> Self {
        Fingerprint(0xcbf2_9ce4_8422_2325)
    }

    fn mix(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

impl std::hash::Hasher for Fingerprint {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            self.mix(u64::from_le_bytes(word.try_into().unwrap_or_default()));
        }
        let rest = words.remainder();
        let mut last = [0u8; 8];
        last[..rest.len()].copy_from_slice(rest);
        // The length keeps `ab` + `c` apart from `a` + `bc`.
        self.mix(u64::from_le_bytes(last) ^ ((bytes.len() as u64) << 56));
    }
}

fn hash_page(site: &Site, p: PageRef, h: &mut Fingerprint) {
    use std::hash::Hash;
    site.title_of(p).hash(h);
    match p {
        PageRef::Note(n) => site.notes[n].url.hash(h),
        PageRef::Section(s) => site.sections[s].path.hash(h),
    }
}

fn page_signature(site: &Site, page: PageRef, mut h: Fingerprint) -> Fingerprint {
    use std::hash::Hash;
    hash_page(site, page, &mut h);
    let (prev, next) = site.prev_next(page);
    for neighbour in [prev, next] {
        neighbour.is_some().hash(&mut h);
        if let Some(p) = neighbour {
            hash_page(site, p, &mut h);
        }
    }
    let own = site.section_of(page);
    let mut s = Some(own);
    while let Some(section) = s {
        hash_page(site, site.section_page(section), &mut h);
        s = site.sections[section].parent;
    }
    if is_folder_page(site, page) {
        let section = &site.sections[own];
        for &n in &section.notes {
            hash_page(site, PageRef::Note(n), &mut h);
        }
        for &c in &section.children {
            hash_page(site, site.section_page(c), &mut h);
            notes_under(site, c).hash(&mut h);
        }
    }
    h
}

/// The fingerprint of one page (see `signatures`).
pub fn signature(site: &Site, page: PageRef) -> u64 {
    use std::hash::Hasher;
    page_signature(site, page, site_fingerprint(site)).finish()
}

/// The rendered body of a note page.
#[derive(Default)]
pub struct Content {
    pub html: String,
    pub title_id: Option<String>,
    pub title_in_body: bool,
    pub toc: Vec<TocEntry>,
    pub references: Vec<Reference>,
}

/// Most breadcrumbs a page shows (the site root and the nearest folders).
const MAX_CRUMBS: usize = 8;

/// Build the context of `page`.
pub fn page_context<'a>(site: &'a Site, chrome: &Chrome<'a>, page: PageRef, content: Content) -> PageContext<'a> {
    let url = site.url_of(page);
    let root = root_prefix(&url);
    let link = |p: PageRef| Link {
        title: site.title_of(p).to_string(),
        href: format!("{root}{}", encode_path(&site.url_of(p))),
    };
    let own_section = site.section_of(page);
    let is_folder_page = is_folder_page(site, page);
    let mut crumbs = site.ancestry(own_section);
    if is_folder_page {
        crumbs.pop();
    }
    // Each crumb's link is as long as the page is deep: past MAX_CRUMBS, keep the root and the
    // nearest folders, so a page's size stays linear in its depth.
    if crumbs.len() > MAX_CRUMBS {
        crumbs.drain(1..crumbs.len() - (MAX_CRUMBS - 1));
    }
    let (prev, next) = site.prev_next(page);
    let top_section = site.ancestry(own_section).get(1).copied();
    let sections = site.sections[0]
        .children
        .iter()
        .map(|&s| NavLink {
            title: site.sections[s].title.clone(),
            href: link(site.section_page(s)).href,
            active: Some(s) == top_section,
        })
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
        // A file name may hold control characters; the page must not.
        PageRef::Note(n) => crate::text::without_controls(&site.notes[n].source).into_owned(),
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
            url: encode_path(&url).into_owned(),
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
        .map(|&s| NavLink {
            title: site.sections[s].title.clone(),
            href: format!("{base_path}{}", encode_path(&site.url_of(site.section_page(s)))),
            active: false,
        })
        .collect();
    PageContext {
        lang: chrome.lang,
        site: SiteView { title: &site.title, description: chrome.description },
        words: chrome.words,
        generator: GENERATOR,
        root: base_path.to_string(),
        page: PageView {
            title: chrome.words.not_found.clone(),
            show_title: true,
            url: "404.html".into(),
            ..PageView::default()
        },
        sections,
        section: None,
    }
}

fn notes_under(site: &Site, s: usize) -> usize {
    let section = &site.sections[s];
    section.notes.len()
        + usize::from(section.index_note.is_some())
        + section.children.iter().map(|&c| notes_under(site, c)).sum::<usize>()
}
