//! The assembled site: every page, the sections and reading order, and lookups by path.
//! Plain data with read-only queries; `enrich::assemble` builds it (`Site::assemble`).

use super::{Letters, Note, PageRef, Section};
use crate::diagnostics::Diagnostic;
use std::collections::{HashMap, HashSet};

/// Every page of the site and how to find one by its source path.
#[derive(Debug, Default)]
pub struct Site {
    pub(crate) title: String,
    pub(crate) notes: Vec<Note>,
    /// `sections[0]` is the top folder.
    pub(crate) sections: Vec<Section>,
    /// Pages in reading order: a folder's page, its notes, then its sub-folders.
    pub order: Vec<PageRef>,
    pub(crate) position: HashMap<PageRef, usize>,
    pub(crate) note_by_source: HashMap<String, usize>,
    pub(crate) note_by_source_lower: HashMap<String, usize>,
    pub(crate) section_by_path: HashMap<String, usize>,
    pub(crate) section_by_path_lower: HashMap<String, usize>,
    pub(crate) assets: HashSet<String>,
    pub(crate) assets_lower: HashMap<String, String>,
    /// Notes whose output path belongs to another note or to gongbu: kept (a session edits
    /// them) but not in any section, lookup or the reading order, and never rendered.
    pub(crate) unpublished: HashSet<usize>,
    /// One warning per note or asset left out by a collision, in source order.
    pub(crate) collisions: Vec<Diagnostic>,
}

impl Site {
    /// Whether note `n` has a page (it lost no output collision).
    pub(crate) fn is_published(&self, n: usize) -> bool {
        !self.unpublished.contains(&n)
    }

    /// The letters of every published note's prose, for the site's language.
    pub(crate) fn letters(&self) -> Letters {
        let published = self.notes.iter().enumerate().filter(|(n, _)| self.is_published(*n));
        published.fold(Letters::default(), |sum, (_, note)| sum.add(note.letters))
    }

    /// Whether the asset at `rel` is copied (it lost no output collision).
    pub(crate) fn publishes_asset(&self, rel: &str) -> bool {
        self.assets.contains(rel)
    }

    /// Output path of a page from the site root (not percent-encoded).
    pub fn url_of(&self, page: PageRef) -> String {
        self.url(page).into_owned()
    }

    /// The page's URL, borrowed where the site keeps it (every note's).
    pub(crate) fn url(&self, page: PageRef) -> std::borrow::Cow<'_, str> {
        match page {
            PageRef::Note(n) => std::borrow::Cow::Borrowed(&self.notes[n].url),
            PageRef::Section(s) => std::borrow::Cow::Owned(self.sections[s].url()),
        }
    }

    pub(crate) fn title_of(&self, page: PageRef) -> &str {
        match page {
            PageRef::Note(n) => &self.notes[n].title,
            PageRef::Section(s) => &self.sections[s].title,
        }
    }

    /// The page of a folder: its index note, or the generated folder page.
    pub(crate) fn section_page(&self, s: usize) -> PageRef {
        self.sections[s].index_note.map_or(PageRef::Section(s), PageRef::Note)
    }

    pub(crate) fn prev_next(&self, page: PageRef) -> (Option<PageRef>, Option<PageRef>) {
        let Some(&i) = self.position.get(&page) else { return (None, None) };
        let prev = i.checked_sub(1).map(|j| self.order[j]);
        (prev, self.order.get(i + 1).copied())
    }

    /// The section a page belongs to: a note's folder, or the folder of a folder page.
    pub(crate) fn section_of(&self, page: PageRef) -> usize {
        match page {
            PageRef::Note(n) => self.section_by_path[self.notes[n].folder()],
            PageRef::Section(s) => s,
        }
    }

    /// Sections from the top down to `s`, inclusive.
    pub(crate) fn ancestry(&self, s: usize) -> Vec<usize> {
        let mut chain = vec![s];
        while let Some(parent) = self.sections[*chain.last().unwrap_or(&0)].parent {
            chain.push(parent);
        }
        chain.reverse();
        chain
    }

    /// Note by source path; `exact` is false when only a case-insensitive match was found.
    pub(crate) fn find_note(&self, source: &str) -> Option<(usize, bool)> {
        if let Some(&i) = self.note_by_source.get(source) {
            return Some((i, true));
        }
        self.note_by_source_lower.get(&source.to_lowercase()).map(|&i| (i, false))
    }

    pub(crate) fn find_section(&self, path: &str) -> Option<(usize, bool)> {
        if let Some(&i) = self.section_by_path.get(path) {
            return Some((i, true));
        }
        self.section_by_path_lower.get(&path.to_lowercase()).map(|&i| (i, false))
    }

    /// Asset by path, returning its real spelling.
    pub(crate) fn find_asset(&self, path: &str) -> Option<(&str, bool)> {
        if let Some(a) = self.assets.get(path) {
            return Some((a.as_str(), true));
        }
        self.assets_lower.get(&path.to_lowercase()).map(|a| (a.as_str(), false))
    }
}
