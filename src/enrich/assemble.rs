//! Assembling the site (`Site::assemble`; the data is `model::Site`): a tree of sections with a
//! reading order, built from outlined notes. The order within each folder is `enrich::order`'s.
//!
//! Assembling also settles output collisions: every output path has one owner, compared
//! ignoring letter case (macOS, Windows and GitHub Pages would keep only one of `y.html` and
//! `Y.html`). Owners are decided in this order, and each loser is a warning on its own file
//! naming the winner; a loser is not published (renaming it would break links silently):
//! 1. gongbu's own files (`nav.js`, `404.html`, `sitemap.xml`, `static/…`, …): never replaced;
//! 2. notes: a `.md` name before any other spelling (`.MD`, `.markdown`), then the first in
//!    byte order of the source path;
//! 3. folder pages gongbu generates (a folder without an index note);
//! 4. assets: the first in byte order of the path.

use crate::diagnostics::Diagnostic;
use crate::enrich::order;
use crate::model::{file_name_of, fold_case, parent_of, reserved_output, Item, Note, PageRef, Section, Site};
use std::collections::HashMap;

impl Site {
    /// Assemble the site. `fallback_title` names the site when neither the config nor the top
    /// index note does (the folder's name).
    pub fn assemble(notes: Vec<Note>, assets: Vec<String>, title: Option<String>, fallback_title: &str) -> Site {
        let mut site = Site { notes, ..Site::default() };
        let mut claims = site.settle_notes();
        site.index_lookups();
        site.build_sections();
        site.settle_folder_pages(&mut claims);
        site.settle_assets(assets, &mut claims);
        site.retitle(title, fallback_title);
        site.arrange();
        site.order = site.reading_order(0);
        site.position = site.order.iter().enumerate().map(|(i, p)| (*p, i)).collect();
        site
    }

    /// Refresh the site's and the sections' titles after notes' titles changed; the set of
    /// pages and their order stay as they are.
    pub(crate) fn retitle(&mut self, title: Option<String>, fallback_title: &str) {
        for section in &mut self.sections {
            if let Some(i) = section.index_note {
                section.title = self.notes[i].title.clone();
            }
        }
        let root_title = self.sections[0].index_note.and_then(|i| self.notes[i].title_if_written());
        self.title = title.or(root_title).unwrap_or_else(|| fallback_title.to_string());
        // An untitled top page is named after the site, not after an empty folder name.
        if let Some(i) = self.sections[0].index_note.filter(|&i| !self.notes[i].title_written) {
            self.notes[i].title = self.title.clone();
        }
        // A top folder without an index note: its generated page is the site's home.
        self.sections[0].title = match self.sections[0].index_note {
            Some(i) => self.notes[i].title.clone(),
            None => self.title.clone(),
        };
    }

    /// Give every note's page path one owner (rules 1 and 2 of the module doc). Returns the
    /// claimed paths, case-folded, with who holds each (for messages).
    fn settle_notes(&mut self) -> HashMap<String, Claim> {
        let mut ranked: Vec<usize> = (0..self.notes.len()).collect();
        let rank = |n: &Note| (!n.source.ends_with(".md"), n.source.clone());
        ranked.sort_by_cached_key(|&i| rank(&self.notes[i]));
        let mut claims: HashMap<String, Claim> = HashMap::with_capacity(self.notes.len());
        let mut lost: Vec<(usize, Diagnostic)> = Vec::new();
        for i in ranked {
            let note = &self.notes[i];
            if let Some(what) = reserved_output(&note.url) {
                lost.push((i, Diagnostic::warning(&note.source, 0, format!("not published: its page {} would replace {what}, which gongbu writes itself; rename the note", note.url))));
                continue;
            }
            match claims.get(&fold_case(&note.url)) {
                Some(winner) => {
                    let rule = if winner.source.ends_with(".md") && !note.source.ends_with(".md") {
                        "a .md name wins"
                    } else {
                        "the first in byte order wins"
                    };
                    lost.push((
                        i,
                        Diagnostic::warning(
                            &note.source,
                            0,
                            format!(
                                "not published: its page {} is also the page of {}; {rule}",
                                note.url,
                                winner.describe(&note.url)
                            ),
                        ),
                    ));
                }
                None => {
                    claims.insert(fold_case(&note.url), Claim { source: note.source.clone(), url: note.url.clone() });
                }
            }
        }
        lost.sort_by_key(|(i, _)| *i);
        for (i, warning) in lost {
            self.unpublished.insert(i);
            self.collisions.push(warning);
        }
        claims
    }

    /// A folder without an index note gets a generated page, which a note whose page has the
    /// same path (`index.markdown`) would overwrite: the folder page wins (rule 3).
    fn settle_folder_pages(&mut self, claims: &mut HashMap<String, Claim>) {
        for s in 0..self.sections.len() {
            if self.sections[s].index_note.is_some() {
                continue;
            }
            let url = self.sections[s].url();
            let folder = if self.sections[s].path.is_empty() {
                "the top folder".to_string()
            } else {
                format!("folder {}/", self.sections[s].path)
            };
            match claims.get(&fold_case(&url)) {
                // A note that is not an index note (`index.markdown`) would overwrite the page.
                Some(claim) if self.note_by_source.get(&claim.source).is_some_and(|&n| !self.notes[n].is_index) => {
                    let n = self.note_by_source[&claim.source];
                    let warning = format!("not published: its page {} is also the page gongbu generates for {folder} (name it index.md to make it that page)", claim.url);
                    self.collisions.push(Diagnostic::warning(&claim.source, 0, warning));
                    self.unpublish(n);
                }
                // The page of a folder whose name differs only in letter case: two folders on
                // this disk, one on a case-insensitive host. Both are gongbu's pages; warn.
                Some(claim) => {
                    let warning = format!("the page of this folder, {url}, differs only in letter case from {}, the page of {}; rename one folder", claim.url, claim.source);
                    self.collisions.push(Diagnostic::warning(format!("{}/", self.sections[s].path), 0, warning));
                    continue;
                }
                None => {}
            }
            claims.insert(fold_case(&url), Claim { source: folder, url });
        }
    }

    /// Take note `n` out of every section and lookup.
    fn unpublish(&mut self, n: usize) {
        self.unpublished.insert(n);
        if let Some(&s) = self.section_by_path.get(self.notes[n].folder()) {
            self.sections[s].notes.retain(|&i| i != n);
        }
        let source = self.notes[n].source.clone();
        self.note_by_source.remove(&source);
        if self.note_by_source_lower.get(&source.to_lowercase()) == Some(&n) {
            self.note_by_source_lower.remove(&source.to_lowercase());
        }
    }

    /// Keep the assets that land on no page, no gongbu file and no earlier asset (rule 4).
    fn settle_assets(&mut self, mut assets: Vec<String>, claims: &mut HashMap<String, Claim>) {
        assets.sort();
        for asset in assets {
            if let Some(what) = reserved_output(&asset) {
                self.collisions.push(Diagnostic::warning(
                    &asset,
                    0,
                    format!("not copied: it would replace {what}, which gongbu writes itself; rename the file"),
                ));
                continue;
            }
            if let Some(winner) = claims.get(&fold_case(&asset)) {
                self.collisions.push(Diagnostic::warning(&asset, 0, format!("not copied: {asset} is also the output path of {}; pages win over files, then the first in byte order", winner.describe(&asset))));
                continue;
            }
            claims.insert(fold_case(&asset), Claim { source: asset.clone(), url: asset.clone() });
            self.assets_lower.entry(asset.to_lowercase()).or_insert_with(|| asset.clone());
            self.assets.insert(asset);
        }
    }

    fn index_lookups(&mut self) {
        for (i, note) in self.notes.iter().enumerate() {
            if self.unpublished.contains(&i) {
                continue;
            }
            self.note_by_source.insert(note.source.clone(), i);
            self.note_by_source_lower.entry(note.source.to_lowercase()).or_insert(i);
        }
    }

    fn build_sections(&mut self) {
        self.sections.push(Section { title: String::new(), ..Section::default() });
        self.section_by_path.insert(String::new(), 0);
        for i in 0..self.notes.len() {
            if self.unpublished.contains(&i) {
                continue;
            }
            let folder = self.notes[i].folder().to_string();
            let s = self.ensure_section(&folder);
            if self.notes[i].is_index {
                self.sections[s].index_note = Some(i);
            } else {
                self.sections[s].notes.push(i);
            }
        }
        for (i, section) in self.sections.iter().enumerate() {
            self.section_by_path_lower.entry(section.path.to_lowercase()).or_insert(i);
        }
    }

    /// Put every folder's notes and sub-folders in reading order (`enrich::order`), once the
    /// published notes, the lookups and the titles are settled.
    fn arrange(&mut self) {
        let ordered = order::section_items(self);
        for (section, items) in self.sections.iter_mut().zip(ordered) {
            section.notes = items.iter().filter_map(|i| if let Item::Note(n) = i { Some(*n) } else { None }).collect();
            section.children =
                items.iter().filter_map(|i| if let Item::Folder(s) = i { Some(*s) } else { None }).collect();
            section.items = items;
        }
    }

    /// The section for `folder`, created with its ancestors when missing.
    fn ensure_section(&mut self, folder: &str) -> usize {
        if let Some(&s) = self.section_by_path.get(folder) {
            return s;
        }
        let parent = self.ensure_section(parent_of(folder));
        let s = self.sections.len();
        self.sections.push(Section {
            path: folder.to_string(),
            title: crate::model::display_name(&crate::text::without_controls(file_name_of(folder))),
            parent: Some(parent),
            ..Section::default()
        });
        self.sections[parent].children.push(s);
        self.section_by_path.insert(folder.to_string(), s);
        s
    }

    fn reading_order(&self, s: usize) -> Vec<PageRef> {
        let section = &self.sections[s];
        let mut order = vec![section.index_note.map_or(PageRef::Section(s), PageRef::Note)];
        for item in &section.items {
            match *item {
                Item::Note(n) => order.push(PageRef::Note(n)),
                Item::Folder(child) => order.extend(self.reading_order(child)),
            }
        }
        order
    }
}

/// Who holds an output path: a source path (or a generated page) and its output spelling.
struct Claim {
    source: String,
    url: String,
}

impl Claim {
    /// The holder, saying so when only letter case tells the paths apart.
    fn describe(&self, other_url: &str) -> String {
        if self.url == other_url {
            self.source.clone()
        } else {
            format!(
                "{} ({}: the same path on macOS, Windows and GitHub Pages, which ignore letter case)",
                self.source, self.url
            )
        }
    }
}

impl Note {
    fn title_if_written(&self) -> Option<String> {
        self.title_written.then(|| self.title.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn note(source: &str, title: &str, is_index: bool) -> Note {
        let url = crate::model::note_url(source, is_index);
        Note {
            source: source.into(),
            url,
            title: title.into(),
            description: None,
            weight: None,
            body: Default::default(),
            preparation: None,
            lead: String::new(),
            body_line: 1,
            title_heading: None,
            headings: vec![],
            is_index,
            title_written: true,
            letters: Default::default(),
            code_language: None,
            dates: Default::default(),
            links: vec![],
            extra_ids: vec![],
            study: Default::default(),
        }
    }

    #[test]
    fn sections_order_and_prev_next() {
        let notes = vec![
            note("README.md", "노트", true),
            note("Network/README.md", "네트워크", true),
            note("Network/TCP.md", "TCP", false),
            note("Algorithm/Sort.md", "정렬", false),
            note("Algorithm/Binary Search.md", "이분 탐색", false),
        ];
        let site = Site::assemble(notes, vec!["Algorithm/img/a.PNG".into()], None, "folder");
        assert_eq!(site.title, "노트");
        let titles: Vec<&str> = site.order.iter().map(|p| site.title_of(*p)).collect();
        assert_eq!(titles, ["노트", "Algorithm", "이분 탐색", "정렬", "네트워크", "TCP"]);
        let algo = site.find_section("Algorithm").unwrap().0;
        assert_eq!(site.section_page(algo), PageRef::Section(algo));
        assert_eq!(site.url_of(PageRef::Section(algo)), "Algorithm/index.html");
        let (prev, next) = site.prev_next(PageRef::Note(2));
        assert_eq!(prev, Some(PageRef::Note(1)));
        assert_eq!(next, None);
        assert_eq!(site.find_asset("algorithm/img/a.png"), Some(("Algorithm/img/a.PNG", false)));
        assert_eq!(site.find_note("network/tcp.md"), Some((2, false)));
    }

    fn warnings(site: &Site) -> Vec<String> {
        site.collisions.iter().map(|d| d.to_string()).collect()
    }

    fn published(site: &Site) -> Vec<&str> {
        site.order
            .iter()
            .map(|&p| site.url(p))
            .map(|u| match u {
                std::borrow::Cow::Borrowed(u) => u,
                std::borrow::Cow::Owned(_) => "(folder page)",
            })
            .collect()
    }

    #[test]
    fn colliding_notes_keep_one_winner_whatever_their_order() {
        let sources = [
            ("x.markdown", false),
            ("x.md", false),
            ("y.md", false),
            ("Y.md", false),
            ("y.MD", false),
            ("404.md", false),
            ("INDEX.md", true),
            ("index.md", true),
            ("static/s.md", false),
        ];
        let mut expected_pages = None;
        for reversed in [false, true] {
            let mut notes: Vec<Note> = sources.iter().map(|(s, i)| note(s, s, *i)).collect();
            if reversed {
                notes.reverse();
            }
            let site = Site::assemble(notes, vec![], None, "n");
            let winners: Vec<&str> = site
                .order
                .iter()
                .filter_map(|p| match p {
                    PageRef::Note(n) => Some(site.notes[*n].source.as_str()),
                    PageRef::Section(_) => None,
                })
                .collect();
            assert_eq!(winners, ["INDEX.md", "x.md", "Y.md"], "reversed: {reversed}");
            let w = warnings(&site);
            assert_eq!(w.len(), 6, "{w:#?}");
            let find = |file: &str| {
                w.iter()
                    .find(|m| m.starts_with(&format!("{file}: warning: not published: ")))
                    .unwrap_or_else(|| panic!("{file}: {w:#?}"))
                    .clone()
            };
            assert!(find("x.markdown").ends_with("is also the page of x.md; a .md name wins"), "{w:#?}");
            assert!(find("y.md").contains("is also the page of Y.md (Y.html: the same path on macOS"), "{w:#?}");
            assert!(find("y.MD").contains("is also the page of Y.md"), "{w:#?}");
            assert!(find("index.md").contains("is also the page of INDEX.md; the first in byte order wins"), "{w:#?}");
            assert!(find("404.md").contains("would replace the not-found page"), "{w:#?}");
            assert!(find("static/s.md").contains("would replace the theme's files"), "{w:#?}");
            // Losers are found by no link and appear in no section.
            assert_eq!(site.find_note("x.markdown"), None);
            assert!(site.find_section("static").is_none());
            let pages = published(&site).join(" ");
            assert_eq!(*expected_pages.get_or_insert(pages.clone()), pages);
        }
    }

    #[test]
    fn assets_lose_to_gongbus_files_pages_and_earlier_assets() {
        let notes = vec![
            note("p.md", "P", false),
            note("index.md", "I", true),
            note("sub/index.markdown", "M", false),
            note("sub/q.md", "Q", false),
        ];
        let assets = [
            "nav.js",
            "NAV.JS",
            "sitemap.xml",
            "static/gongbu.css",
            "p.html",
            "index.html",
            "sub/INDEX.html",
            "img/b.png",
            "img/B.png",
            "img/c.png",
        ];
        let site = Site::assemble(notes, assets.iter().map(|a| a.to_string()).collect(), None, "n");
        let kept: Vec<&str> = assets.iter().copied().filter(|a| site.publishes_asset(a)).collect();
        assert_eq!(kept, ["img/B.png", "img/c.png"]);
        let w = warnings(&site);
        assert_eq!(w.len(), 9, "{w:#?}");
        for (file, says) in [
            ("nav.js", "not copied: it would replace the site's navigation"),
            ("NAV.JS", "not copied: it would replace the site's navigation"),
            ("sitemap.xml", "not copied: it would replace the sitemap"),
            ("static/gongbu.css", "not copied: it would replace the theme's files"),
            ("p.html", "not copied: p.html is also the output path of p.md;"),
            ("index.html", "not copied: index.html is also the output path of index.md;"),
            (
                "sub/INDEX.html",
                "not copied: sub/INDEX.html is also the output path of folder sub/ (sub/index.html: the same path",
            ),
            ("img/b.png", "not copied: img/b.png is also the output path of img/B.png (img/B.png: the same path"),
            (
                "sub/index.markdown",
                "not published: its page sub/index.html is also the page gongbu generates for folder sub/",
            ),
        ] {
            assert!(w.iter().any(|m| m.starts_with(&format!("{file}: warning: {says}"))), "{file}: {w:#?}");
        }
        let sub = site.find_section("sub").unwrap().0;
        assert_eq!(site.section_page(sub), PageRef::Section(sub), "the folder keeps its generated page");
        assert!(!site.is_published(2) && site.is_published(3));
    }

    #[test]
    fn folders_differing_in_case_warn_and_keep_both_pages() {
        let site = Site::assemble(vec![note("A/x.md", "x", false), note("a/y.md", "y", false)], vec![], None, "n");
        assert_eq!(site.order.len(), 5, "top, A/, x, a/, y");
        let w = warnings(&site);
        assert_eq!(w.len(), 1, "{w:#?}");
        assert!(w[0].starts_with("a/: warning: the page of this folder, a/index.html, differs only in letter case from A/index.html, the page of folder A/"), "{w:#?}");
    }

    #[test]
    fn site_title_falls_back_to_folder() {
        let mut index = note("README.md", "README", true);
        index.title_written = false;
        let site = Site::assemble(vec![index, note("a.md", "a", false)], vec![], None, "my-notes");
        assert_eq!(site.title, "my-notes");
        assert_eq!(site.sections[0].title, "my-notes");
    }
}
