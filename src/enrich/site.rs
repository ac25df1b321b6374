//! The site as a tree of sections with a reading order, built from outlined notes.

use crate::model::{file_name_of, parent_of, Note, PageRef, Section};
use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};

/// Every page of the site and how to find one by its source path.
#[derive(Debug, Default)]
pub struct Site {
    pub title: String,
    pub notes: Vec<Note>,
    /// `sections[0]` is the top folder.
    pub sections: Vec<Section>,
    /// Pages in reading order: a folder's page, its notes, then its sub-folders.
    pub order: Vec<PageRef>,
    position: HashMap<PageRef, usize>,
    note_by_source: HashMap<String, usize>,
    note_by_source_lower: HashMap<String, usize>,
    section_by_path: HashMap<String, usize>,
    section_by_path_lower: HashMap<String, usize>,
    assets: HashSet<String>,
    assets_lower: HashMap<String, String>,
}

impl Site {
    /// Assemble the site. `fallback_title` names the site when neither the config nor the top
    /// index note does (the folder's name).
    pub fn assemble(notes: Vec<Note>, assets: Vec<String>, title: Option<String>, fallback_title: &str) -> Site {
        let mut site = Site { notes, ..Site::default() };
        site.index_lookups(assets);
        site.build_sections();
        site.retitle(title, fallback_title);
        site.order = site.reading_order(0);
        site.position = site.order.iter().enumerate().map(|(i, p)| (*p, i)).collect();
        site
    }

    /// Refresh the site's and the sections' titles after notes' titles changed; the set of
    /// pages and their order stay as they are.
    pub fn retitle(&mut self, title: Option<String>, fallback_title: &str) {
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
        self.sections[0].title = self.title_of(self.section_page(0)).to_string();
    }

    fn index_lookups(&mut self, assets: Vec<String>) {
        for (i, note) in self.notes.iter().enumerate() {
            self.note_by_source.insert(note.source.clone(), i);
            self.note_by_source_lower.entry(note.source.to_lowercase()).or_insert(i);
        }
        for asset in assets {
            self.assets_lower.entry(asset.to_lowercase()).or_insert_with(|| asset.clone());
            self.assets.insert(asset);
        }
    }

    fn build_sections(&mut self) {
        self.sections.push(Section { title: String::new(), ..Section::default() });
        self.section_by_path.insert(String::new(), 0);
        for i in 0..self.notes.len() {
            let folder = self.notes[i].folder().to_string();
            let s = self.ensure_section(&folder);
            if self.notes[i].is_index {
                self.sections[s].index_note = Some(i);
            } else {
                self.sections[s].notes.push(i);
            }
        }
        for s in 0..self.sections.len() {
            let mut notes = std::mem::take(&mut self.sections[s].notes);
            notes.sort_by(|&a, &b| by_weight_then_name(&self.notes[a], &self.notes[b]));
            self.sections[s].notes = notes;
            let mut children = std::mem::take(&mut self.sections[s].children);
            children.sort_by(|&a, &b| self.section_weight(a).cmp(&self.section_weight(b)).then_with(|| natural_cmp(&self.sections[a].path, &self.sections[b].path)));
            self.sections[s].children = children;
        }
        for (i, section) in self.sections.iter().enumerate() {
            self.section_by_path_lower.entry(section.path.to_lowercase()).or_insert(i);
        }
    }

    fn section_weight(&self, s: usize) -> (bool, i64) {
        let w = self.sections[s].index_note.and_then(|i| self.notes[i].weight);
        (w.is_none(), w.unwrap_or(0))
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
            title: file_name_of(folder).to_string(),
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
        order.extend(section.notes.iter().map(|&n| PageRef::Note(n)));
        for &child in &section.children {
            order.extend(self.reading_order(child));
        }
        order
    }

    /// Output path of a page from the site root (not percent-encoded).
    pub fn url_of(&self, page: PageRef) -> String {
        self.url(page).into_owned()
    }

    /// The page's URL, borrowed where the site keeps it (every note's).
    pub fn url(&self, page: PageRef) -> std::borrow::Cow<'_, str> {
        match page {
            PageRef::Note(n) => std::borrow::Cow::Borrowed(&self.notes[n].url),
            PageRef::Section(s) => std::borrow::Cow::Owned(self.sections[s].url()),
        }
    }

    pub fn title_of(&self, page: PageRef) -> &str {
        match page {
            PageRef::Note(n) => &self.notes[n].title,
            PageRef::Section(s) => &self.sections[s].title,
        }
    }

    /// The page of a folder: its index note, or the generated folder page.
    pub fn section_page(&self, s: usize) -> PageRef {
        self.sections[s].index_note.map_or(PageRef::Section(s), PageRef::Note)
    }

    pub fn prev_next(&self, page: PageRef) -> (Option<PageRef>, Option<PageRef>) {
        let Some(&i) = self.position.get(&page) else { return (None, None) };
        let prev = i.checked_sub(1).map(|j| self.order[j]);
        (prev, self.order.get(i + 1).copied())
    }

    /// The section a page belongs to: a note's folder, or the folder of a folder page.
    pub fn section_of(&self, page: PageRef) -> usize {
        match page {
            PageRef::Note(n) => self.section_by_path[self.notes[n].folder()],
            PageRef::Section(s) => s,
        }
    }

    /// Sections from the top down to `s`, inclusive.
    pub fn ancestry(&self, s: usize) -> Vec<usize> {
        let mut chain = vec![s];
        while let Some(parent) = self.sections[*chain.last().unwrap_or(&0)].parent {
            chain.push(parent);
        }
        chain.reverse();
        chain
    }

    /// Note by source path; `exact` is false when only a case-insensitive match was found.
    pub fn find_note(&self, source: &str) -> Option<(usize, bool)> {
        if let Some(&i) = self.note_by_source.get(source) {
            return Some((i, true));
        }
        self.note_by_source_lower.get(&source.to_lowercase()).map(|&i| (i, false))
    }

    pub fn find_section(&self, path: &str) -> Option<(usize, bool)> {
        if let Some(&i) = self.section_by_path.get(path) {
            return Some((i, true));
        }
        self.section_by_path_lower.get(&path.to_lowercase()).map(|&i| (i, false))
    }

    /// Asset by path, returning its real spelling.
    pub fn find_asset(&self, path: &str) -> Option<(&str, bool)> {
        if let Some(a) = self.assets.get(path) {
            return Some((a.as_str(), true));
        }
        self.assets_lower.get(&path.to_lowercase()).map(|a| (a.as_str(), false))
    }
}

impl Note {
    fn title_if_written(&self) -> Option<String> {
        self.title_written.then(|| self.title.clone())
    }
}

/// `Binary Search.md` → `Binary Search`.
pub fn file_stem(name: &str) -> &str {
    name.rfind('.').map_or(name, |i| &name[..i])
}

fn by_weight_then_name(a: &Note, b: &Note) -> Ordering {
    match (a.weight, b.weight) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
    .then_with(|| natural_cmp(file_name_of(&a.source), file_name_of(&b.source)))
}

/// Order names as people expect: `2번` before `10번`, letter case ignored.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut a, mut b) = (a.chars().peekable(), b.chars().peekable());
    loop {
        match (a.peek().copied(), b.peek().copied()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) if x.is_ascii_digit() && y.is_ascii_digit() => {
                let take = |it: &mut std::iter::Peekable<std::str::Chars>| {
                    let mut n = String::new();
                    while let Some(c) = it.peek().copied().filter(char::is_ascii_digit) {
                        n.push(c);
                        it.next();
                    }
                    n
                };
                let (na, nb) = (take(&mut a), take(&mut b));
                let (ta, tb) = (na.trim_start_matches('0'), nb.trim_start_matches('0'));
                let ord = ta.len().cmp(&tb.len()).then_with(|| ta.cmp(tb));
                if ord != Ordering::Equal {
                    return ord;
                }
            }
            (Some(x), Some(y)) => {
                let ord = x.to_lowercase().cmp(y.to_lowercase());
                if ord != Ordering::Equal {
                    return ord;
                }
                a.next();
                b.next();
            }
        }
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
            body: String::new(),
            body_line: 1,
            title_heading: None,
            headings: vec![],
            is_index,
            title_written: true,
            extra_ids: vec![],
        }
    }

    #[test]
    fn natural_order() {
        let mut v = vec!["10번.md", "2번.md", "b.md", "A.md", "1번.md"];
        v.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(v, ["1번.md", "2번.md", "10번.md", "A.md", "b.md"]);
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

    #[test]
    fn site_title_falls_back_to_folder() {
        let mut index = note("README.md", "README", true);
        index.title_written = false;
        let site = Site::assemble(vec![index, note("a.md", "a", false)], vec![], None, "my-notes");
        assert_eq!(site.title, "my-notes");
        assert_eq!(site.sections[0].title, "my-notes");
    }
}
