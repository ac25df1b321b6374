//! `nav.js`: the whole navigation tree in one shared file, so no page carries every other page.

use crate::enrich::links::encode_path;
use crate::model::{Item, PageRef, Site};

/// `window.GONGBU_NAV = {t, u, q, c}`: title, url from the root, number of study questions
/// (when any), children.
pub fn nav_js(site: &Site) -> String {
    let mut out = String::from("window.GONGBU_NAV=");
    section_json(site, 0, &mut out);
    out.push_str(";\n");
    out
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
