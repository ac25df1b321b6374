//! `nav.js`: the whole navigation tree in one shared file, so no page carries every other page.

use super::view::Chrome;
use crate::config::Words;
use crate::enrich::links::encode_path;
use crate::model::{Item, PageRef, Site};
use std::ops::Range;

/// `window.GONGBU_NAV = {t, u, q, c, w}`: title, url from the root, number of study questions
/// (when any), children; at the top also `w`, the theme scripts' words.
pub fn nav_js(site: &Site, chrome: &Chrome) -> String {
    NavJs::of(site, chrome).text
}

/// `nav.js` (`nav_js`) with where each page's entry (title, url, questions) lies in it, so that
/// a retitle makes a few entries again instead of the whole file (0.9 MB at 10,000 notes).
pub(crate) struct NavJs {
    text: String,
    /// Each page's entry, in the order of the file.
    entries: Vec<(PageRef, Range<usize>)>,
}

impl NavJs {
    pub(crate) fn of(site: &Site, chrome: &Chrome) -> NavJs {
        let mut nav = NavJs { text: String::from("window.GONGBU_NAV="), entries: Vec::new() };
        nav.section(site, 0);
        nav.text.pop();
        nav.text.push_str(",\"w\":");
        words_json(&chrome.words, &mut nav.text);
        nav.text.push_str("};\n");
        nav
    }

    pub(crate) fn text(&self) -> &str {
        &self.text
    }

    /// The file after the titles or question counts of `pages` changed, and nothing else of
    /// the site: the same pages in the same order, the same words.
    pub(crate) fn retitle(&mut self, site: &Site, pages: &[PageRef]) {
        let mut text = String::with_capacity(self.text.len() + 256);
        // How much of the old text is in `text` already.
        let mut copied = 0;
        for (page, range) in &mut self.entries {
            text.push_str(&self.text[copied..range.start]);
            let start = text.len();
            if pages.contains(page) {
                entry(site, *page, &mut text);
            } else {
                text.push_str(&self.text[range.clone()]);
            }
            copied = range.end;
            *range = start..text.len();
        }
        text.push_str(&self.text[copied..]);
        self.text = text;
    }

    fn section(&mut self, site: &Site, s: usize) {
        self.entry(site, site.section_page(s));
        let section = &site.sections[s];
        if !section.items.is_empty() {
            self.text.push_str(",\"c\":[");
            for (i, item) in section.items.iter().enumerate() {
                if i > 0 {
                    self.text.push(',');
                }
                match *item {
                    Item::Note(n) => {
                        self.entry(site, PageRef::Note(n));
                        self.text.push('}');
                    }
                    Item::Folder(c) => self.section(site, c),
                }
            }
            self.text.push(']');
        }
        self.text.push('}');
    }

    fn entry(&mut self, site: &Site, page: PageRef) {
        let start = self.text.len();
        entry(site, page, &mut self.text);
        self.entries.push((page, start..self.text.len()));
    }
}

/// A page's entry without its closing brace: `{"t":…,"u":…` and `,"q":N` for a note with questions.
fn entry(site: &Site, page: PageRef, out: &mut String) {
    entry_start(out, site.title_of(page), &site.url(page));
    if let PageRef::Note(n) = page {
        push_questions(out, site.notes[n].study.questions.len());
    }
}

/// The words the theme's scripts show, by the name of the `<body>` data attribute they read
/// (`searchNone` is `data-search-none`): `gongbu.js` copies them onto `<body>`, where an
/// attribute a page already has wins. Once here instead of on every page (0.6 KB a page).
fn words_json(words: &Words, out: &mut String) {
    let list = [
        &words.back_to_top,
        &words.shortcuts,
        &words.close,
        &words.prev,
        &words.next,
        &words.toc,
        &words.search,
        &words.menu,
        &words.theme,
    ];
    let list = list.iter().map(|w| w.as_str()).collect::<Vec<_>>().join("|");
    let pairs = [
        ("copy", words.copy.as_str()),
        ("copied", &words.copied),
        ("anchor", &words.anchor),
        ("search", &words.search),
        ("filter", &words.filter),
        ("searchNone", &words.search_none),
        ("searchAll", &words.search_all),
        ("searchCount", &words.search_count),
        ("words", &list),
        ("studyMode", &words.study_mode),
        ("show", &words.show_answer),
        ("hide", &words.hide_answer),
        ("showAll", &words.show_all),
        ("knew", &words.knew_it),
        ("again", &words.review_again),
        ("progress", &words.progress),
    ];
    out.push('{');
    for (i, (name, word)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        json_string(out, name);
        out.push(':');
        json_string(out, word);
    }
    out.push('}');
}

/// A note's study questions, `"q":N`, for the progress `static/study.js` shows; none when 0.
fn push_questions(out: &mut String, questions: usize) {
    if questions > 0 {
        out.push_str(&format!(",\"q\":{questions}"));
    }
}

fn entry_start(out: &mut String, title: &str, url: &str) {
    out.push_str("{\"t\":");
    json_string(out, title);
    out.push_str(",\"u\":");
    json_string(out, &encode_path(url));
}

/// A JSON string literal; `<` is escaped too so the data is also safe inside a `<script>`.
fn json_string(out: &mut String, s: &str) {
    out.push('"');
    // Most titles and paths need no escaping at all: copy them whole.
    let needs_escape = |b: u8| b < 0x20 || b == b'"' || b == b'\\' || b == b'<' || b == 0xE2;
    if !s.bytes().any(needs_escape) {
        out.push_str(s);
        out.push('"');
        return;
    }
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '<' => out.push_str("\\u003c"),
            c if (c as u32) < 0x20 || c == '\u{2028}' || c == '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The site of `notes` (source path, Markdown).
    fn site_of(notes: &[(&str, &str)]) -> Site {
        let notes = notes.iter().filter_map(|(source, text)| {
            crate::pipeline::parse_note(source, text.as_bytes(), source.ends_with("README.md")).ok().flatten()
        });
        Site::assemble(notes.collect(), Vec::new(), None, "notes")
    }

    /// A retitled entry is made again in place; the rest of the file stays as it was, so the
    /// file is the one made afresh (and stays so over a second retitle).
    #[test]
    fn a_retitle_remakes_the_entries_as_the_whole_file_would() {
        let notes = [
            ("README.md", "# 노트\n"),
            ("net/README.md", "# 네트워크\n"),
            ("net/tcp.md", "# TCP\n### Q. 무엇인가?\n답\n"),
            ("net/http.md", "# HTTP\n"),
            ("algo/sort.md", "# 정렬\n"),
        ];
        let mut site = site_of(&notes);
        let chrome = Chrome::plain();
        let mut nav = NavJs::of(&site, &chrome);
        for (source, title) in [("net/tcp.md", "TCP \"긴\" 제목 <b>"), ("net/README.md", "망"), ("net/tcp.md", "T")]
        {
            let n = site.note_by_source[source];
            site.notes[n].title = title.to_string();
            if let Some(question) = site.notes[n].study.questions.first().cloned() {
                site.notes[n].study.questions.push(question);
            }
            nav.retitle(&site, &[PageRef::Note(n)]);
            assert_eq!(nav.text(), nav_js(&site, &chrome), "after retitling {source}");
        }
        assert!(nav.text().contains(r#""t":"T","u":"net/tcp.html","q":3}"#), "{}", nav.text());
    }

    /// `nav.js` lists the pages in the site's reading order, which numbers the search index's
    /// pages: the search script takes a result's title from `nav.js` by that number.
    #[test]
    fn entries_are_in_the_order_that_numbers_the_search_index() {
        let notes = [
            ("README.md", "# 노트\n"),
            ("net/README.md", "# 네트워크\n"),
            ("net/tcp.md", "# TCP\n"),
            ("net/deep/udp.md", "# UDP\n"),
            ("net/http.md", "# HTTP\n"),
            ("algo/sort.md", "# 정렬\n"),
            ("top.md", "# 위\n"),
        ];
        let site = site_of(&notes);
        let nav = NavJs::of(&site, &Chrome::plain());
        let listed: Vec<PageRef> = nav.entries.iter().map(|(page, _)| *page).collect();
        assert_eq!(listed, site.order);
        assert_eq!(listed.len(), 9, "every note and folder page: {listed:?}");
    }

    #[test]
    fn escapes_json() {
        let mut s = String::new();
        json_string(&mut s, "a\"b\\c\n</script>\u{1}");
        assert_eq!(s, r#""a\"b\\c\n\u003c/script>\u0001""#);
    }
}
