//! Glossary terms a note defines, as interview notes write them: a bold term, a colon, its
//! definition, at the start of a blockquote line (`> **'코루틴'**: …`), a list item
//! (`- **load factor** : …`) or a paragraph line (`**term** : …`); and HTML definition lists
//! (`<dt>term</dt><dd>…</dd>`). One pass over the lines, fenced code skipped.

use super::questions::{plain_text, prose_lines};
use super::slug::github_slug;
use crate::model::{Heading, Term};
use rustc_hash::FxHashSet;

/// Longest term taken, in characters: a longer bold run is a sentence, not a term.
const MAX_TERM_CHARS: usize = 40;

/// The terms defined in `body` (which starts on file line `body_line`), in order, each with an
/// anchor id unique on the page.
pub(crate) fn find(body: &str, body_line: usize, headings: &[Heading]) -> Vec<Term> {
    // memchr's searches: the standard library's (`contains`, `match_indices`) cost a third of
    // this function, and most of a note's bytes are looked at by them.
    let bytes = body.as_bytes();
    // Where a definition may be: one search over the whole body, not one per line.
    let mut marks = memchr::memmem::find_iter(bytes, b"**").peekable();
    // A body with no `**` and only an upper-case `<DT` has no terms (as ever): the lower-case
    // look decides alone here, once.
    let lower_dt = super::has_tag_opening(body, &["dt"]);
    if marks.peek().is_none() && !lower_dt {
        return Vec::new();
    }
    let has_dt = lower_dt || super::has_tag_opening(body, &["DT"]);
    let mut taken: FxHashSet<String> = headings.iter().map(|h| h.id().to_string()).collect();
    let mut terms = Vec::new();
    for (i, start, line) in prose_lines(body) {
        // Marks in the code before this line are passed over; one in it may start a term.
        while marks.next_if(|&m| m < start).is_some() {}
        let mut marked = false;
        while marks.next_if(|&m| m < start + line.len()).is_some() {
            marked = true;
        }
        if !(marked || (has_dt && line.contains('<'))) {
            continue;
        }
        if let Some((at, term, definition)) = bold_definition(line) {
            let id = unique(&mut taken, term_id(&term));
            terms.push(Term::new(&term, &definition, &id, start + at, body_line + i, false));
        } else if let Some((at, term, definition)) = html_definition(line) {
            let id = unique(&mut taken, term_id(&term));
            terms.push(Term::new(&term, &definition, &id, start + at, body_line + i, true));
        }
    }
    terms
}

/// `term-` and the term's slug, in a string made at its length (`format!` grew one from none).
fn term_id(term: &str) -> String {
    let slug = github_slug(term);
    let mut id = String::with_capacity(5 + slug.len());
    id.push_str("term-");
    id.push_str(&slug);
    id
}

fn unique(taken: &mut FxHashSet<String>, base: String) -> String {
    let mut id = base.clone();
    let mut n = 1;
    while taken.contains(&id) {
        id = format!("{base}-{n}");
        n += 1;
    }
    taken.insert(id.clone());
    id
}

/// `> **'term'**: definition` and the like: the byte offset of the opening `**` in the line,
/// the term and the definition.
fn bold_definition(line: &str) -> Option<(usize, String, String)> {
    let mut rest = line.trim_end();
    loop {
        let trimmed = rest.trim_start_matches([' ', '\t']);
        if let Some(after) = trimmed.strip_prefix('>') {
            rest = after;
        } else if let Some(after) = list_marker(trimmed) {
            rest = after;
        } else {
            rest = trimmed;
            break;
        }
    }
    let at = line.len() - rest.len() - (line.len() - line.trim_end().len());
    let inner = rest.strip_prefix("**")?;
    let close = inner.find("**")?;
    let raw = &inner[..close];
    let after = inner[close + 2..].trim_start();
    let (raw, definition) = match raw.trim_end().strip_suffix([':', '：']) {
        Some(term) => (term, after),
        None => (raw, after.strip_prefix([':', '：'])?),
    };
    let term = clean_term(raw)?;
    let definition = plain_text(definition.trim_end_matches('\\'));
    (!definition.is_empty()).then_some((at, term, definition))
}

/// `- `, `* `, `+ `, `1. `, `1) ` at the start of `text`: the text after it.
fn list_marker(text: &str) -> Option<&str> {
    if let Some(after) = text.strip_prefix(['-', '*', '+']) {
        return after.starts_with([' ', '\t']).then_some(after);
    }
    let digits = text.len() - text.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if digits == 0 || digits > 9 {
        return None;
    }
    let after = text[digits..].strip_prefix(['.', ')'])?;
    after.starts_with([' ', '\t']).then_some(after)
}

/// A bold run as a term: quotes taken off; None when it reads as a sentence or markup.
fn clean_term(raw: &str) -> Option<String> {
    let quotes: &[char] = &['\'', '"', '‘', '’', '“', '”', '「', '」', '『', '』'];
    let term = raw.trim().trim_matches(quotes).trim();
    let chars = term.chars().count();
    let plain = !term.contains(['*', '`', '[', ']', '<', '>', '_']) && term.chars().any(char::is_alphanumeric);
    (plain && (1..=MAX_TERM_CHARS).contains(&chars) && !term.ends_with(['.', '!', '?', '？'])).then(|| term.to_string())
}

/// `<dt>term</dt><dd>definition</dd>` on one line: the offset of `<dt`, the term and the definition.
fn html_definition(line: &str) -> Option<(usize, String, String)> {
    let lower = line.to_ascii_lowercase();
    let at = lower.find("<dt")?;
    let open_end = at + lower[at..].find('>')? + 1;
    let close = open_end + lower[open_end..].find("</dt>")?;
    let term = clean_term(&plain_text(&line[open_end..close]))?;
    let dd = close + lower[close..].find("<dd")?;
    let dd_start = dd + lower[dd..].find('>')? + 1;
    let dd_end = lower[dd_start..].find("</dd>").map_or(line.len(), |e| dd_start + e);
    let definition = plain_text(&line[dd_start..dd_end]);
    (!definition.is_empty()).then_some((at, term, definition))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(body: &str) -> Vec<(String, String)> {
        find(body, 1, &[]).into_iter().map(|t| (t.term().to_string(), t.definition().to_string())).collect()
    }

    #[test]
    fn blockquote_list_and_paragraph_definitions() {
        let body = "> **'코루틴'**: Coroutine, 실행을 재개  \n> **'서브 루틴'**: 함수\n\n- **load factor** : 키의 개수 / 버킷 크기\n  * **리해싱(Rehashing)** : 다시 해싱\n1. **스택** : LIFO\n**힙** ： 트리\n";
        let found = terms(body);
        let names: Vec<&str> = found.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(names, ["코루틴", "서브 루틴", "load factor", "리해싱(Rehashing)", "스택", "힙"]);
        assert_eq!(found[0].1, "Coroutine, 실행을 재개");
        let t = &find(body, 10, &[])[2];
        assert_eq!((&body[t.offset..t.offset + 4], t.line, t.id()), ("**lo", 13, "term-load-factor"));
    }

    #[test]
    fn bold_that_is_not_a_definition_is_not_a_term() {
        let body = "> **최소 공배수**는 간단하다: 곱한다\n**★ 3번, 4번 문항 조금 더 ★**\n- **굵게** 그리고 : 뒤\n**끝.** : 문장\n**`code`** : x\n**빈 정의** :\n```\n**코드 안** : 무시\n```\n";
        assert!(terms(body).is_empty(), "{:?}", terms(body));
    }

    #[test]
    fn colon_inside_the_bold_and_html_definition_lists() {
        let found =
            terms("**프로세스:** 실행 중인 프로그램\n<dl><dt>TCP</dt><dd>연결 지향 <b>프로토콜</b></dd></dl>\n");
        assert_eq!(
            found,
            [("프로세스".into(), "실행 중인 프로그램".into()), ("TCP".into(), "연결 지향 프로토콜".into())]
        );
    }

    #[test]
    fn ids_are_unique_on_the_page() {
        let ids: Vec<String> =
            find("- **힙** : a\n- **힙** : b\n", 1, &[]).into_iter().map(|t| t.id().to_string()).collect();
        assert_eq!(ids, ["term-힙", "term-힙-1"]);
    }
}
