//! `nav.js`: the whole navigation tree in one shared file, so no page carries every other page.

use super::view::Chrome;
use crate::config::Words;
use crate::enrich::links::encode_path;
use crate::model::{Item, PageRef, Site};

/// `window.GONGBU_NAV = {t, u, q, c, w}`: title, url from the root, number of study questions
/// (when any), children; at the top also `w`, the theme scripts' words.
pub fn nav_js(site: &Site, chrome: &Chrome) -> String {
    let mut out = String::from("window.GONGBU_NAV=");
    section_json(site, 0, &mut out);
    out.pop();
    out.push_str(",\"w\":");
    words_json(&chrome.words, &mut out);
    out.push_str("};\n");
    out
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

fn section_json(site: &Site, s: usize, out: &mut String) {
    let page = site.section_page(s);
    entry_start(out, site.title_of(page), &site.url(page));
    if let PageRef::Note(n) = page {
        push_questions(out, site.notes[n].study.questions.len());
    }
    let section = &site.sections[s];
    if !section.items.is_empty() {
        out.push_str(",\"c\":[");
        for (i, item) in section.items.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            match *item {
                Item::Note(n) => {
                    entry_start(out, site.title_of(PageRef::Note(n)), &site.notes[n].url);
                    push_questions(out, site.notes[n].study.questions.len());
                    out.push('}');
                }
                Item::Folder(c) => section_json(site, c, out),
            }
        }
        out.push(']');
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

    #[test]
    fn escapes_json() {
        let mut s = String::new();
        json_string(&mut s, "a\"b\\c\n</script>\u{1}");
        assert_eq!(s, r#""a\"b\\c\n\u003c/script>\u0001""#);
    }
}
