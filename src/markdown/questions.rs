//! Study questions in a note, found from its outline and a light scan of its body, before any
//! note is rendered (section pages count them, the navigation shows progress by them):
//!
//! - headings that ask: `### Q. …` (`Q1.`, `Q)`, `Q:`), text ending in `?`/`？` or in a Korean
//!   question or prompt without one (`…인가요`, `…설명하시오`, `…말해주세요`), or matching a
//!   pattern of `gongbu.toml`'s `[study] question_patterns`;
//! - `## N번 문제` headings: one question holding its only asking heading (`### Q. …`, whose
//!   text is the question and `N번 문제` its label), else a question of its own when it holds
//!   none; with several, each of those is a question;
//! - `<details><summary>…</summary>` blocks outside any question's answer (a `<details>` inside
//!   one is part of that answer; a summary such as `정답` names no question).
//!
//! A heading question's answer runs to the next heading of the same level or higher. Anchors
//! are the heading ids (or the `<details>` block's own id, else one made from its summary), so
//! a question's id stays the same when notes are edited or reordered.

use super::html_attributes::quoted_attributes;
use super::slug::github_slug;
use crate::model::{Heading, Question, QuestionKind};
use std::collections::HashSet;

/// Question patterns declared in `gongbu.toml`, compiled once per run.
#[derive(Default)]
pub struct Rules {
    patterns: Vec<onig::Regex>,
}

impl Rules {
    /// Compile the patterns (Oniguruma's Ruby syntax, as the highlighter's grammars use);
    /// the error names the pattern that does not compile.
    pub fn new(patterns: &[String]) -> Result<Rules, String> {
        let patterns = patterns
            .iter()
            .map(|p| onig::Regex::new(p).map_err(|e| format!("question pattern {p:?}: {e}")))
            .collect::<Result<_, _>>()?;
        Ok(Rules { patterns })
    }

    fn matches(&self, text: &str) -> bool {
        self.patterns.iter().any(|p| p.find(text).is_some())
    }
}

/// The note's questions in document order. `headings` and `title_heading` come from its outline;
/// `body_line` is the file line `body` starts on.
pub(crate) fn find(
    body: &str,
    body_line: usize,
    headings: &[Heading],
    title_heading: Option<usize>,
    rules: &Rules,
) -> Vec<Question> {
    let mut found = heading_questions(headings, title_heading, rules);
    if has_details(body) {
        // A heading inside a `<details>` block belongs to that block: it asks no question of
        // its own (its answer could not end inside the block).
        let blocks = details_blocks(body, body_line);
        found.retain(|q| !blocks.iter().any(|&(from, to)| q.line > from && q.line < to));
        let spans: Vec<(usize, usize)> = found.iter().filter_map(|q| answer_lines(q, headings)).collect();
        let taken: HashSet<&str> = headings.iter().map(|h| h.id()).collect();
        let mut details = details_questions(body, body_line, &spans, &taken);
        found.append(&mut details);
        found.sort_by_key(|q| q.line);
    }
    found
}

/// What a heading's text says about it.
fn asks(text: &str, rules: &Rules) -> Option<String> {
    let text = text.trim();
    if let Some(rest) = strip_q_prefix(text) {
        return Some(rest.to_string());
    }
    let asks = text.ends_with(['?', '？']) || PROMPT_ENDINGS.iter().any(|e| text.ends_with(e)) || rules.matches(text);
    asks.then(|| text.to_string())
}

/// How Korean interview questions end when they have no question mark.
const PROMPT_ENDINGS: &[&str] = &["인가요", "나요", "까요", "하시오", "주세요", "주십시오"];

/// `Q. 질문`, `Q1) 질문`, `q: 질문` → `질문`.
fn strip_q_prefix(text: &str) -> Option<&str> {
    let rest = text.strip_prefix(['Q', 'q'])?;
    let rest = rest.trim_start_matches(|c: char| c.is_ascii_digit());
    let rest = rest.strip_prefix(['.', ')', ':', '．', '：'])?;
    let rest = rest.trim();
    (!rest.is_empty()).then_some(rest)
}

/// `1번 문제`, `2 번 문항`, `3번 질문`, `4번`: the numbered headings interview notes group by.
fn is_numbered(text: &str) -> bool {
    let t = text.trim();
    let digits = t.len() - t.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if digits == 0 {
        return false;
    }
    let Some(rest) = t[digits..].trim_start().strip_prefix('번') else { return false };
    let rest = rest.trim_start();
    rest.is_empty() || ["문제", "문항", "질문"].iter().any(|w| rest.starts_with(w))
}

fn heading_questions(headings: &[Heading], title_heading: Option<usize>, rules: &Rules) -> Vec<Question> {
    let asking: Vec<Option<String>> = headings
        .iter()
        .enumerate()
        .map(|(i, h)| (Some(i) != title_heading).then(|| asks(h.text(), rules)).flatten())
        .collect();
    // Per heading: Some((label, close_level)) when it is a question's heading.
    let mut role: Vec<Option<(Option<String>, u8)>> = vec![None; headings.len()];
    let mut grouped = vec![false; headings.len()];
    for (i, h) in headings.iter().enumerate() {
        if Some(i) == title_heading || grouped[i] {
            continue;
        }
        if is_numbered(h.text()) {
            let end = section_end(headings, i);
            let inner: Vec<usize> = (i + 1..end).filter(|&j| asking[j].is_some()).collect();
            let top = inner.iter().map(|&j| headings[j].level).min();
            let at_top: Vec<usize> = inner.iter().copied().filter(|&j| Some(headings[j].level) == top).collect();
            match at_top.as_slice() {
                [] => role[i] = Some((None, h.level)),
                [only] => {
                    role[*only] = Some((Some(h.text().trim().to_string()), h.level));
                    grouped[*only] = true;
                }
                many => {
                    for &j in many {
                        role[j] = Some((Some(h.text().trim().to_string()), headings[j].level));
                        grouped[j] = true;
                    }
                }
            }
        } else if asking[i].is_some() {
            role[i] = Some((None, h.level));
        }
    }
    role.into_iter()
        .enumerate()
        .filter_map(|(i, role)| {
            let (label, close_level) = role?;
            let h = &headings[i];
            let text = asking[i].clone().unwrap_or_else(|| h.text().trim().to_string());
            let kind = QuestionKind::Heading { index: i, close_level };
            Some(Question::new(kind, h.id(), &text, label.as_deref(), h.line, headings))
        })
        .collect()
}

/// Index of the first heading after `i` at `i`'s level or higher (`headings.len()` at the end).
fn section_end(headings: &[Heading], i: usize) -> usize {
    let level = headings[i].level;
    (i + 1..headings.len()).find(|&j| headings[j].level <= level).unwrap_or(headings.len())
}

/// The file lines a heading question's answer covers: from its heading to the next heading of
/// its close level or higher.
fn answer_lines(q: &Question, headings: &[Heading]) -> Option<(usize, usize)> {
    let QuestionKind::Heading { index, close_level } = q.kind else { return None };
    let end = (index + 1..headings.len()).find(|&j| headings[j].level <= close_level);
    Some((headings[index].line, end.map_or(usize::MAX, |j| headings[j].line)))
}

fn has_details(body: &str) -> bool {
    super::has_tag_opening(body, &["details", "Details", "DETAILS"])
}

/// File lines of the outermost `<details>` blocks: where each opens and closes.
fn details_blocks(body: &str, body_line: usize) -> Vec<(usize, usize)> {
    let mut blocks = Vec::new();
    let mut open = None;
    let mut depth = 0usize;
    scan_details_tags(body, |line, _, closing| {
        if closing {
            depth = depth.saturating_sub(1);
            if depth == 0 {
                if let Some(from) = open.take() {
                    blocks.push((from, body_line + line));
                }
            }
        } else {
            if depth == 0 {
                open = Some(body_line + line);
            }
            depth += 1;
        }
    });
    if let Some(from) = open {
        blocks.push((from, usize::MAX));
    }
    blocks
}

/// Call `tag(line index, byte offset, closing)` for every `<details` and `</details` outside
/// fenced code, in order.
fn scan_details_tags(body: &str, mut tag: impl FnMut(usize, usize, bool)) {
    for (i, start, line) in prose_lines(body) {
        if !line.contains('<') {
            continue;
        }
        let lower = line.to_ascii_lowercase();
        let mut at = 0;
        while let Some(pos) = next_tag(&lower[at..]) {
            let pos = at + pos;
            let closing = lower[pos..].starts_with("</details");
            tag(i, start + pos, closing);
            at = pos + if closing { 9 } else { 8 };
        }
    }
}

/// Summaries that only offer to show an answer: the question is elsewhere.
const REVEAL_WORDS: &[&str] = &[
    "정답",
    "답",
    "답안",
    "해답",
    "풀이",
    "해설",
    "코드",
    "예시",
    "보기",
    "펼치기",
    "더보기",
    "접기",
    "answer",
    "solution",
    "code",
    "show",
    "more",
    "details",
    "click",
];

/// `<details>` blocks outside fenced code and outside `spans` (answers of heading questions),
/// not nested in another `<details>`.
fn details_questions(body: &str, body_line: usize, spans: &[(usize, usize)], taken: &HashSet<&str>) -> Vec<Question> {
    let mut out = Vec::new();
    let mut made: HashSet<String> = HashSet::new();
    let mut depth = 0usize;
    scan_details_tags(body, |i, at, closing| {
        if closing {
            depth = depth.saturating_sub(1);
            return;
        }
        depth += 1;
        let file_line = body_line + i;
        if depth > 1 || spans.iter().any(|&(from, to)| file_line > from && file_line < to) {
            return;
        }
        let Some(summary) = summary_text(&body[at..]) else { return };
        if summary.is_empty() || REVEAL_WORDS.iter().any(|w| summary.eq_ignore_ascii_case(w)) {
            return;
        }
        let tag = &body[at..body[at..].find('>').map_or(body.len(), |e| at + e)];
        let own_id = quoted_attributes(tag, &["id"]).next().map(|a| tag[a.value].to_string());
        let anchor = own_id.unwrap_or_else(|| {
            let base = format!("q-{}", github_slug(&summary));
            let mut anchor = base.clone();
            let mut n = 1;
            while taken.contains(anchor.as_str()) || made.contains(&anchor) {
                anchor = format!("{base}-{n}");
                n += 1;
            }
            anchor
        });
        made.insert(anchor.clone());
        let text = strip_q_prefix(&summary).unwrap_or(&summary);
        out.push(Question::new(QuestionKind::Details { offset: at }, &anchor, text, None, file_line, &[]));
    });
    out
}

/// The next `<details` or `</details` in lower-cased text.
fn next_tag(lower: &str) -> Option<usize> {
    let open = lower.find("<details");
    let close = lower.find("</details");
    match (open, close) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// The text of the `<summary>` that opens a `<details>` block starting at `from`: tags
/// removed, entities for `&<>"'` decoded, spaces collapsed. None when the block has none.
fn summary_text(from: &str) -> Option<String> {
    let lower = from.get(..from.len().min(4096))?.to_ascii_lowercase();
    let open = lower.find("<summary")?;
    if lower[..open].contains("</details") {
        return None;
    }
    let inner_start = open + lower[open..].find('>')? + 1;
    let inner_end = inner_start + lower[inner_start..].find("</summary")?;
    Some(plain_text(&from[inner_start..inner_end]))
}

/// HTML or Markdown inline text as plain text: tags and `*`/`` ` `` markers out, a few
/// entities decoded, whitespace collapsed. One pass: every definition of a site goes through it.
pub(crate) fn plain_text(html: &str) -> String {
    let bytes = html.as_bytes();
    let mut out = PlainText { text: String::with_capacity(html.len()), in_tag: false, space: false };
    let mut at = 0;
    while at < html.len() {
        if !out.in_tag {
            // Characters kept as they are (nearly all of a definition) are copied a run at a time.
            let run = bytes[at..].iter().position(|&b| may_be_marked(b)).map_or(bytes.len(), |n| at + n);
            if run > at {
                if std::mem::take(&mut out.space) {
                    out.text.push(' ');
                }
                out.text.push_str(&html[at..run]);
                at = run;
                continue;
            }
        }
        at += out.read_char(&html[at..]);
    }
    out.text
}

/// `plain_text` so far, and what it reads next into.
struct PlainText {
    text: String,
    in_tag: bool,
    /// Whitespace was passed since the last character written.
    space: bool,
}

impl PlainText {
    /// Read the character `rest` starts with (an entity whole): the bytes read.
    fn read_char(&mut self, rest: &str) -> usize {
        let Some(c) = rest.chars().next() else { return 0 };
        match c {
            '<' => self.in_tag = true,
            '>' if self.in_tag => self.in_tag = false,
            _ if self.in_tag => {}
            '*' | '`' => {}
            c if c.is_whitespace() => self.space = !self.text.is_empty(),
            c => {
                let (decoded, len) = match c {
                    '&' => entity(rest).unwrap_or(('&', 1)),
                    c => (c, c.len_utf8()),
                };
                if std::mem::take(&mut self.space) {
                    self.text.push(' ');
                }
                self.text.push(decoded);
                return len;
            }
        }
        c.len_utf8()
    }
}

/// Whether a character starting with byte `b` may be one `plain_text` does not copy as it is: a
/// tag's or entity's start or end, `*`, `` ` ``, or whitespace (ASCII, or the first byte of the
/// other whitespace characters: U+0085, U+00A0, U+1680, U+2000..=U+205F, U+3000).
fn may_be_marked(b: u8) -> bool {
    matches!(b, b'<' | b'>' | b'*' | b'`' | b'&' | b'\t'..=b'\r' | b' ' | 0xC2 | 0xE1 | 0xE2 | 0xE3)
}

/// The character an entity at the start of `text` stands for, and the entity's length.
fn entity(text: &str) -> Option<(char, usize)> {
    const ENTITIES: &[(&str, char)] =
        &[("&lt;", '<'), ("&gt;", '>'), ("&quot;", '"'), ("&#39;", '\''), ("&nbsp;", ' '), ("&amp;", '&')];
    ENTITIES.iter().find(|(e, _)| text.starts_with(e)).map(|(e, c)| (*c, e.len()))
}

/// The lines of `body` outside fenced code (the fence lines left out too), each with its index
/// and byte offset: what questions and terms are looked for in.
pub(crate) fn prose_lines(body: &str) -> impl Iterator<Item = (usize, usize, &str)> {
    let mut fence = None;
    let mut offset = 0;
    body.split_inclusive('\n').enumerate().filter_map(move |(i, line)| {
        let start = offset;
        offset += line.len();
        if let Some(f) = fence_change(line, fence) {
            fence = f;
            return None;
        }
        fence.is_none().then_some((i, start, line))
    })
}

/// A fenced code block opening or closing on `line`: the new state (`Some(None)` = closed).
fn fence_change(line: &str, open: Option<(u8, usize)>) -> Option<Option<(u8, usize)>> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    // The marker first: trimming the end of every prose line would cost more than the check.
    let marker = *line.as_bytes().get(indent)?;
    if marker != b'`' && marker != b'~' {
        return None;
    }
    let rest = line[indent..].trim_end();
    let run = rest.len() - rest.trim_start_matches(marker as char).len();
    if run < 3 {
        return None;
    }
    match open {
        None if marker == b'`' && rest[run..].contains('`') => None,
        None => Some(Some((marker, run))),
        Some((m, n)) if m == marker && run >= n && rest[run..].trim().is_empty() => Some(None),
        Some(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::outline::outline;

    /// A note's questions, with its headings they are read against.
    struct Found {
        qs: Vec<Question>,
        headings: Vec<Heading>,
    }

    impl Found {
        fn texts(&self) -> Vec<(&str, Option<&str>)> {
            self.qs.iter().map(|q| (q.text(&self.headings), q.label(&self.headings))).collect()
        }

        fn anchor(&self, i: usize) -> &str {
            self.qs[i].anchor(&self.headings)
        }
    }

    fn questions_with(body: &str, rules: &Rules) -> Found {
        let o = outline(body, 1);
        Found { qs: find(body, 1, &o.headings, o.title_heading, rules), headings: o.headings }
    }

    fn questions(body: &str) -> Found {
        questions_with(body, &Rules::default())
    }

    /// `plain_text` as first written: character by character.
    fn plain_text_by_characters(html: &str) -> String {
        let mut out = PlainText { text: String::new(), in_tag: false, space: false };
        let mut at = 0;
        while at < html.len() {
            at += out.read_char(&html[at..]);
        }
        out.text
    }

    /// Copying runs gives what reading character by character gives, on random texts of tags,
    /// entities, markers, every kind of whitespace and characters that share its first bytes.
    #[test]
    fn plain_text_copied_in_runs_is_plain_text_read_by_characters() {
        let pieces = [
            "<b>", "</b>", "<", ">", "*", "`", "&lt;", "&amp;", "&", "&nbsp;", "&#39;", " ", "\t", "\n", "\u{B}",
            "\u{85}", "\u{A0}", "\u{1680}", "\u{2003}", "\u{2028}", "\u{205F}", "\u{3000}", "·", "→", "\u{1681}", "「",
            "가", "a",
        ];
        let mut next = crate::text::random_below(0xDA94_2042_E4DD_58B5);
        for round in 0..20_000 {
            let text: String = (0..next(16)).map(|_| pieces[next(pieces.len())]).collect();
            assert_eq!(plain_text(&text), plain_text_by_characters(&text), "round {round}: {text:?}");
        }
    }

    #[test]
    fn numbered_problem_with_one_q_heading_is_one_question() {
        let qs = questions(
            "## 목차\n\n## 1번 문제\n### Q. 동기와 비동기?\n답\n## 2번 문제\n### Q. 블로킹\n답\n### 보충\n더\n",
        );
        assert_eq!(qs.texts(), [("동기와 비동기?", Some("1번 문제")), ("블로킹", Some("2번 문제"))]);
        assert_eq!(qs.anchor(0), "q-동기와-비동기");
        // The answer of a grouped question runs to the end of its `N번 문제` section.
        assert_eq!(qs.qs[1].kind, QuestionKind::Heading { index: 4, close_level: 2 });
    }

    #[test]
    fn numbered_heading_without_a_q_is_the_question_and_with_several_each_is() {
        let qs = questions("## 1번 문제\n설명하시오\n## 2번 문제\n### Q1. 가\n### Q2. 나\n");
        assert_eq!(qs.texts(), [("1번 문제", None), ("가", Some("2번 문제")), ("나", Some("2번 문제"))]);
    }

    #[test]
    fn question_marks_prefixes_and_patterns() {
        let body = "# 제목이란?\n## 가비지 컬렉션이란?\n## 정리\n## Q) 힙\n## q: 스택\n## Question time\n## 전각？\n## 문제 3\n## OSI 7계층을 설명하시오\n## 인덱스란 무엇인가요\n## 참고 사이트\n";
        let qs = questions(body);
        assert_eq!(
            qs.texts().iter().map(|t| t.0).collect::<Vec<_>>(),
            ["가비지 컬렉션이란?", "힙", "스택", "전각？", "OSI 7계층을 설명하시오", "인덱스란 무엇인가요"]
        );
        let rules = Rules::new(&["^문제 \\d+".to_string()]).unwrap();
        assert_eq!(questions_with(body, &rules).qs.len(), 7);
        assert!(Rules::new(&["(".to_string()]).err().is_some_and(|e| e.contains("\"(\"")));
    }

    #[test]
    fn question_marks_in_code_are_not_questions() {
        assert!(questions("```\n# 이건 주석인가?\n```\n\n문장인가?\n").qs.is_empty());
    }

    #[test]
    fn details_blocks_are_questions_outside_answers() {
        let body = "<details><summary>TCP란?</summary>\n\n연결 지향\n\n</details>\n\n## Q. 힙?\n<details>\n<summary>정답</summary>\n\n트리\n</details>\n\n## 기타\n<details id=\"own\"><summary><b>UDP</b>란</summary>\n<details><summary>중첩</summary>x</details>\n</details>\n";
        let qs = questions(body);
        assert_eq!(qs.texts().iter().map(|t| t.0).collect::<Vec<_>>(), ["TCP란?", "힙?", "UDP란"]);
        assert_eq!(qs.anchor(0), "q-tcp란");
        assert_eq!(qs.anchor(2), "own", "a block's own id is its anchor");
        let QuestionKind::Details { offset } = qs.qs[0].kind else { panic!() };
        assert_eq!(&body[offset..offset + 8], "<details");
    }

    #[test]
    fn headings_inside_details_do_not_end_it_and_fenced_details_are_code() {
        let body = "<details><summary>왜 쓰나</summary>\n\n### 이유?\n내용\n</details>\n\n```html\n<details><summary>예제</summary></details>\n```\n";
        let qs = questions(body);
        // The heading inside belongs to the block; the fenced block is code.
        assert_eq!(qs.texts().iter().map(|t| t.0).collect::<Vec<_>>(), ["왜 쓰나"]);
    }

    #[test]
    fn seed_has_five_questions() {
        let seed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/seed/interview-notes.md"))
            .expect("../shared/seed");
        let qs = questions(&seed);
        assert_eq!(qs.qs.len(), 5, "{:?}", qs.texts());
        assert!(qs.texts().iter().enumerate().all(|(i, t)| t.1 == Some(&format!("{}번 문제", i + 1))));
    }
}
