//! What the Markdown parser reads of a note: the note's text with a few rewrites that pulldown-cmark
//! cannot be asked for by an option. Every pass that parses a note (outline, render, code blocks)
//! reads this text, so headings, ids and code are the same in each. Each rewrite stays on its
//! line, so line numbers (warnings at `file:line`) are those of the note.
//!
//! - `:::note 제목` … `:::` admonitions: both fence lines become HTML comments, which end
//!   paragraphs and lists as the fences do in Docusaurus; `Prepared::marks` tells the renderer
//!   which comment opens which callout (`callouts`).
//! - MDX (`mdx`): blocks of `import`/`export` statements become blank lines (and make the note
//!   MDX); in MDX notes, lines holding only JSX component tags become blank lines (a warning
//!   names the component) and the Markdown inside is unindented, so it reads as Markdown;
//!   `src={require('./x.png').default}` becomes `src="./x.png"`.
//! - A raw HTML line that lazily continues a paragraph inside a list item or a block quote
//!   (`- item` then `<br>` on the next line, not indented): cmark-gfm, GitHub's parser, ends the
//!   list there and starts an HTML block, because it only lets such a line (a CommonMark "type 7"
//!   HTML block start) continue a paragraph when the line's containers all matched. pulldown-cmark
//!   follows the spec's letter and keeps it inside the item. The line gets a prefix that makes it
//!   a block-level ("type 6") HTML start, which ends the list in pulldown-cmark too and runs to
//!   the next blank line as cmark-gfm's block does; the renderer removes the prefix again.
//!
//! Notes with none of these pay only a scan of their lines.

use super::callouts;
use super::{mdx, parser_options};
use crate::model::{Mark, Marked, Preparation};
use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use std::borrow::Cow;
use std::ops::Range;

/// Put before a lazily continuing HTML line: a block-level end tag no note leaves open here,
/// and which a browser would ignore; the renderer removes it.
pub(crate) const LAZY_HTML_PREFIX: &str = "</optgroup>";
const OPEN_COMMENT: &str = "<!--callout-->";
const CLOSE_COMMENT: &str = "<!--/callout-->";

/// A note's text as the parser reads it.
#[derive(Debug)]
pub(crate) struct Prepared<'a> {
    pub(crate) text: Cow<'a, str>,
    /// Lines of `text` the renderer writes differently, in order.
    pub(crate) marks: Vec<Mark>,
    /// Problems to report: the line (0-based, in the body) and the message.
    pub(crate) problems: Vec<(usize, String)>,
    /// The note is MDX (it starts with `import`/`export` statements).
    pub(crate) mdx: bool,
    /// Components already named in `problems`.
    pub(crate) components: Vec<String>,
}

impl Prepared<'_> {
    /// What the note keeps for its render (`model::Note::preparation`): None for a body read
    /// as written with nothing to report, which most notes are.
    pub(crate) fn kept(self) -> Option<Box<Preparation>> {
        let Prepared { text, marks, problems, mdx, components } = self;
        let text = match text {
            Cow::Borrowed(_) => None,
            Cow::Owned(text) => Some(text),
        };
        let preparation = Preparation { text, marks, problems, mdx, components };
        (preparation != Preparation::default()).then(|| Box::new(preparation))
    }
}

/// How one line of the note is rewritten.
#[derive(Debug, Clone, Default)]
struct Edit {
    /// Leading spaces to remove (the inside of a JSX component).
    dedent: usize,
    replace: Option<Replace>,
    /// Bytes of the line's text (after `dedent`) where `LAZY_HTML_PREFIX` goes.
    lazy_html_at: Option<usize>,
}

#[derive(Debug, Clone)]
enum Replace {
    Blank,
    Text(String),
    Mark(Marked),
}

/// The text every parse of a note reads; see the module docs.
pub(crate) fn prepare(body: &str) -> Prepared<'_> {
    let mut prepared = Prepared {
        text: Cow::Borrowed(body),
        marks: Vec::new(),
        problems: Vec::new(),
        mdx: false,
        components: Vec::new(),
    };
    let originals = lines_of(body);
    let mut edits = vec![Edit::default(); originals.len()];
    let mut edited = false;
    if may_hold_blocks(body, &originals) {
        edited |= block_edits(body, &originals, &mut edits, &mut prepared);
    }
    // Most notes have no edit: their lines are `originals`, their text is `body`.
    let mut lines: Vec<Cow<str>> = Vec::new();
    if edited {
        lines = apply(&originals, &edits);
    }
    let possible = if edited {
        lazy_html_possible(lines.iter().map(|l| &**l))
    } else {
        lazy_html_possible(originals.iter().copied())
    };
    if possible {
        let joined = if edited { Cow::Owned(lines.join("\n")) } else { Cow::Borrowed(body) };
        for (line, at) in lazy_html_lines(&joined) {
            edits[line].lazy_html_at = Some(at);
            edited = true;
        }
        if edited {
            lines = apply(&originals, &edits);
        }
    }
    if !edited {
        return prepared;
    }
    let mut text = String::with_capacity(body.len() + 64);
    for (i, line) in lines.iter().enumerate() {
        let start = text.len();
        text.push_str(line);
        let mark = match &edits[i].replace {
            Some(Replace::Mark(m)) => Some(*m),
            _ => edits[i].lazy_html_at.map(|_| Marked::LazyHtml),
        };
        if let Some(what) = mark {
            let written = originals[i].trim().to_string();
            prepared.marks.push(Mark { line: start..text.len(), what, written });
        }
        if i + 1 < lines.len() {
            text.push('\n');
        }
    }
    prepared.text = Cow::Owned(text);
    prepared
}

/// `body.split('\n')`, by memchr's search (the standard one cost a third of `prepare`).
fn lines_of(body: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', body.as_bytes()) {
        lines.push(&body[start..end]);
        start = end + 1;
    }
    lines.push(&body[start..]);
    lines
}

/// The lines with their edits applied.
fn apply<'a>(originals: &[&'a str], edits: &[Edit]) -> Vec<Cow<'a, str>> {
    originals
        .iter()
        .zip(edits)
        .map(|(&line, edit)| {
            let cut = line.bytes().take(edit.dedent).take_while(|&b| b == b' ').count();
            let mut text: Cow<str> = match &edit.replace {
                None => Cow::Borrowed(&line[cut..]),
                Some(Replace::Blank) => Cow::Borrowed(""),
                Some(Replace::Text(t)) => Cow::Owned(t[cut.min(t.len())..].to_string()),
                Some(Replace::Mark(m)) => {
                    let indent = &line[cut..line.len() - line.trim_start().len()];
                    let comment = if matches!(m, Marked::Close) { CLOSE_COMMENT } else { OPEN_COMMENT };
                    Cow::Owned(format!("{indent}{comment}"))
                }
            };
            if let Some(at) = edit.lazy_html_at.filter(|&at| text.is_char_boundary(at)) {
                let mut with = text.into_owned();
                with.insert_str(at, LAZY_HTML_PREFIX);
                text = Cow::Owned(with);
            }
            text
        })
        .collect()
}

/// A cheap look for anything `block_edits` rewrites in `body`, split into `lines`.
fn may_hold_blocks(body: &str, lines: &[&str]) -> bool {
    // Looked for in the whole text at once: a search set up per line cost more than the look.
    let found = |word: &str| memchr::memmem::find(body.as_bytes(), word.as_bytes()).is_some();
    found("{require(")
        || found("useBaseUrl(")
        || lines.iter().any(|line| {
            let t = trimmed_start(line);
            t.starts_with(":::")
                || (t.starts_with('<') && t[1..].trim_start_matches('/').starts_with(|c: char| c.is_ascii_uppercase()))
                || mdx::may_start_statement(line)
        })
}

/// Admonitions and MDX, outside code. Returns whether any line changed.
fn block_edits(body: &str, lines: &[&str], edits: &mut [Edit], prepared: &mut Prepared) -> bool {
    let code = code_ranges(body);
    let in_code = |offset: usize| {
        let i = code.partition_point(|r| r.start <= offset);
        i > 0 && offset < code[i - 1].end
    };
    let mut starts = Vec::with_capacity(lines.len());
    let mut offset = 0;
    for line in lines {
        starts.push(offset);
        offset += line.len() + 1;
    }
    let mut changed = false;
    // MDX's import/export statements, in blocks of their own, outside code.
    let mut i = 0;
    while i < lines.len() {
        let after_blank = i == 0 || lines[i - 1].trim().is_empty();
        if after_blank && !in_code(starts[i]) && (lines[i].starts_with("import") || lines[i].starts_with("export ")) {
            if let Some(end) = mdx::statements_at(lines, i) {
                for edit in &mut edits[i..end] {
                    edit.replace = Some(Replace::Blank);
                }
                prepared.mdx = true;
                changed = true;
                i = end;
                continue;
            }
        }
        i += 1;
    }
    let mut open: Vec<(usize, &str)> = Vec::new();
    // JSX components: how deep inside them each tag line leaves the text.
    let mut depth = 0usize;
    let mut tag_lines: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        i += 1;
        if in_code(starts[i - 1]) || edits[i - 1].replace.is_some() {
            continue;
        }
        let trimmed = line.trim_start();
        if trimmed.starts_with(":::") {
            match callouts::fence(trimmed.trim_end()) {
                // The renderer reads the callout from the fence again (`Mark::written`).
                Some(Some(_)) => open.push((i - 1, trimmed.trim_end())),
                Some(None) => {
                    if let Some((opened, _)) = open.pop() {
                        edits[opened].replace = Some(Replace::Mark(Marked::Open));
                        edits[i - 1].replace = Some(Replace::Mark(Marked::Close));
                        changed = true;
                    }
                }
                None => {}
            }
            continue;
        }
        // Only in MDX: elsewhere a capitalised tag is raw HTML, as GitHub reads it.
        if prepared.mdx && trimmed.starts_with('<') {
            let found = match mdx::component_line(trimmed) {
                Some(tags) => Some((i, tags)),
                None => mdx::component_lines(lines, i - 1),
            };
            if let Some((end, tags)) = found {
                for tag in &tags {
                    match tag.shape {
                        mdx::Shape::Open => depth += 1,
                        mdx::Shape::Close => depth = depth.saturating_sub(1),
                        mdx::Shape::SelfClosing => {}
                    }
                    if !prepared.components.iter().any(|c| c == tag.name) {
                        prepared.components.push(tag.name.to_string());
                        prepared.problems.push((
                            i - 1,
                            format!(
                                "JSX component `<{}>` is not supported: its tags are left out and its content is shown as Markdown",
                                tag.name
                            ),
                        ));
                    }
                }
                for edit in &mut edits[i - 1..end] {
                    edit.replace = Some(Replace::Blank);
                }
                tag_lines.push((end - 1, depth));
                changed = true;
                i = end;
                continue;
            }
        }
        if line.contains('{') {
            if let Some(rewritten) = mdx::plain_image_paths(line, |at| in_code(starts[i - 1] + at)) {
                edits[i - 1].replace = Some(Replace::Text(rewritten));
                changed = true;
            }
        }
    }
    for (line, written) in open {
        prepared.problems.push((line, format!("`{written}` has no closing `:::` line, so it is shown as written")));
    }
    // The Markdown between a component's tag lines is unindented, as MDX reads it.
    for (k, &(line, depth_after)) in tag_lines.iter().enumerate() {
        if depth_after == 0 {
            continue;
        }
        let end = tag_lines.get(k + 1).map_or(lines.len(), |&(next, _)| next);
        let run = line + 1..end;
        let indent = lines[run.clone()]
            .iter()
            .filter(|l| !l.trim().is_empty())
            .map(|l| l.bytes().take_while(|&b| b == b' ').count())
            .min()
            .unwrap_or(0);
        for edit in &mut edits[run] {
            edit.dedent = indent;
        }
    }
    changed
}

/// Byte ranges of the code blocks and code spans of `text`, in order.
fn code_ranges(text: &str) -> Vec<Range<usize>> {
    let mut ranges: Vec<Range<usize>> = Parser::new_ext(text, parser_options())
        .into_offset_iter()
        .filter(|(event, _)| matches!(event, Event::Start(Tag::CodeBlock(_)) | Event::Code(_)))
        .map(|(_, range)| range)
        .collect();
    ranges.sort_by_key(|r| r.start);
    ranges
}

/// A cheap look for a line `lazy_html_lines` may find: an HTML tag alone on its line, right
/// after a line of a paragraph that is in a list item or a block quote.
fn lazy_html_possible<'a>(lines: impl Iterator<Item = &'a str>) -> bool {
    let mut in_container = false;
    let mut previous_blank = true;
    let mut previous_row = false;
    for line in lines {
        // Byte by byte: the characters trimmed are ASCII (a search for a set of them cost more).
        let t = &line[line.bytes().position(|b| !matches!(b, b' ' | b'\t' | b'>')).unwrap_or(line.len())..];
        if trimmed_start(t).trim_end().is_empty() {
            previous_blank = true;
            in_container = false;
            continue;
        }
        if !previous_blank
            && (in_container || previous_row)
            && t.starts_with('<')
            && tag_line_continues_paragraph(t.trim_end())
        {
            return true;
        }
        previous_row = memchr::memchr(b'|', line.as_bytes()).is_some();
        if previous_blank {
            in_container = line.starts_with([' ', '\t', '>']);
        }
        let trimmed = trimmed_start(line);
        in_container |= list_marker_len(trimmed).is_some() || trimmed.starts_with('>');
        previous_blank = false;
    }
    false
}

/// `line.trim_start()`, the common line (one that starts with neither whitespace nor a byte
/// that may start a space outside ASCII: U+0085, U+00A0, U+1680, U+2000..=U+205F, U+3000)
/// answered from its first byte. Every line of every note is trimmed so, several times.
fn trimmed_start(line: &str) -> &str {
    match line.as_bytes().first() {
        Some(&b) if !matches!(b, b'\t'..=b'\r' | b' ' | 0xC2 | 0xE1 | 0xE2 | 0xE3) => line,
        _ => line.trim_start(),
    }
}

/// The lines (index, byte in the line) where a tag line lazily continues a paragraph inside a
/// list item or a block quote, or would be a table's next row: cmark-gfm reads both as the
/// start of an HTML block.
fn lazy_html_lines(text: &str) -> Vec<(usize, usize)> {
    let line_starts: Vec<usize> = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
    let line_of = |offset: usize| line_starts.partition_point(|&s| s <= offset) - 1;
    let line_text = |line: usize| {
        let end = line_starts.get(line + 1).map_or(text.len(), |&s| s - 1);
        &text[line_starts[line]..end]
    };
    let mut found = Vec::new();
    let mut stack: Vec<Container> = Vec::new();
    let mut previous_soft_break = false;
    let (mut tables, mut row_line) = (0usize, usize::MAX);
    for (event, range) in Parser::new_ext(text, parser_options()).into_offset_iter() {
        let after_break = std::mem::replace(&mut previous_soft_break, matches!(event, Event::SoftBreak));
        match event {
            Event::Start(Tag::Table(_)) => tables += 1,
            Event::End(TagEnd::Table) => tables = tables.saturating_sub(1),
            Event::Start(Tag::TableRow) => row_line = line_of(range.start),
            // A row that is one tag alone: cmark-gfm ends the table there (its container is
            // the table, not a paragraph, so the tag line starts an HTML block).
            Event::InlineHtml(_) if tables > 0 => {
                let line = line_of(range.start);
                let text_of_line = line_text(line);
                let at = range.start - line_starts[line];
                let matched_to = match match_containers(text_of_line, &stack) {
                    Ok(pos) | Err(pos) => pos,
                };
                if line == row_line
                    && shallow_indent(text_of_line, matched_to, at)
                    && tag_line_continues_paragraph(text_of_line[at..].trim_end())
                {
                    found.push((line, at));
                }
            }
            Event::Start(Tag::BlockQuote(_)) => stack.push(Container::Quote),
            Event::Start(Tag::Item) => {
                let line = line_of(range.start);
                let within = range.start - line_starts[line];
                stack.push(item_container(line_text(line), within, &stack));
            }
            Event::Start(Tag::FootnoteDefinition(_) | Tag::DefinitionListDefinition) => stack.push(Container::Other),
            Event::End(
                TagEnd::BlockQuote(_) | TagEnd::Item | TagEnd::FootnoteDefinition | TagEnd::DefinitionListDefinition,
            ) => {
                stack.pop();
            }
            Event::InlineHtml(_) if after_break && !stack.is_empty() => {
                let line = line_of(range.start);
                let text_of_line = line_text(line);
                let at = range.start - line_starts[line];
                if !text_of_line[at..].starts_with('<') || !tag_line_continues_paragraph(text_of_line[at..].trim_end())
                {
                    continue;
                }
                if stack.contains(&Container::Other) {
                    continue;
                }
                if let Err(matched_to) = match_containers(text_of_line, &stack) {
                    if shallow_indent(text_of_line, matched_to, at) {
                        found.push((line, at));
                    }
                }
            }
            _ => {}
        }
    }
    found
}

/// An open container block, as cmark matches a line against it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Container {
    Quote,
    /// A list item whose content starts this many columns after its parent's content.
    Item(usize),
    /// Anything this module does not follow (footnotes): lines in it are left alone.
    Other,
}

/// The list item whose marker is at byte `at` of `line`, inside `parents`.
fn item_container(line: &str, at: usize, parents: &[Container]) -> Container {
    let parent_content = match match_containers(line, parents) {
        Ok(pos) | Err(pos) => pos,
    };
    // pulldown-cmark starts an item where its parent's content starts, before the marker's indent.
    let at = at + line.get(at..).map_or(0, |rest| rest.bytes().take_while(|&b| b == b' ').count());
    let marker_offset = at.saturating_sub(parent_content);
    let rest = &line[at..];
    let marker = list_marker_len(rest).unwrap_or(1);
    let after = rest.get(marker..).unwrap_or("");
    let spaces = after.bytes().take_while(|&b| b == b' ').count();
    let padding = if after.trim().is_empty() || spaces >= 5 { marker + 1 } else { marker + spaces };
    Container::Item(marker_offset + padding)
}

/// Match `line` against the open containers as cmark does: Ok(byte where the content starts)
/// when every one matches, Err(byte after the last one that matched) when one does not.
fn match_containers(line: &str, stack: &[Container]) -> Result<usize, usize> {
    let bytes = line.as_bytes();
    let mut pos = 0;
    for container in stack {
        match *container {
            Container::Quote => {
                let spaces = bytes[pos..].iter().take_while(|&&b| b == b' ').count();
                if spaces <= 3 && bytes.get(pos + spaces) == Some(&b'>') {
                    pos += spaces + 1;
                    if matches!(bytes.get(pos), Some(b' ' | b'\t')) {
                        pos += 1;
                    }
                } else {
                    return Err(pos);
                }
            }
            Container::Item(required) => {
                // Columns, with a tab reaching the next multiple of 4.
                let (mut end, mut columns) = (pos, 0);
                while columns < required {
                    match bytes.get(end) {
                        Some(b' ') => columns += 1,
                        Some(b'\t') => columns += 4 - (column(line, end) % 4),
                        _ => return Err(pos),
                    }
                    end += 1;
                }
                pos = end;
            }
            Container::Other => {}
        }
    }
    Ok(pos)
}

/// The column byte `at` of `line` is at, tabs reaching the next multiple of 4.
fn column(line: &str, at: usize) -> usize {
    line.bytes().take(at).fold(0, |col, b| if b == b'\t' { col + 4 - col % 4 } else { col + 1 })
}

/// Whether the text between bytes `from` and `to` of `line` is indentation of under 4 columns.
fn shallow_indent(line: &str, from: usize, to: usize) -> bool {
    line.get(from..to).is_some_and(|gap| gap.bytes().all(|b| b == b' ' || b == b'\t'))
        && column(line, to) - column(line, from) < 4
}

/// The length of the list marker `text` starts with (`-`, `*`, `+`, `1.`, `12)`), when one
/// is followed by a space or the end of the line.
fn list_marker_len(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let len = match bytes.first()? {
        b'-' | b'*' | b'+' => 1,
        b'0'..=b'9' => {
            let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
            if digits > 9 || !matches!(bytes.get(digits), Some(b'.' | b')')) {
                return None;
            }
            digits + 1
        }
        _ => return None,
    };
    matches!(bytes.get(len), None | Some(b' ' | b'\t' | b'\r')).then_some(len)
}

/// Whether `line` (starting with `<`) is one complete open or closing tag and nothing else,
/// of an element that is not block-level: CommonMark's HTML block start 7, the one that cannot
/// interrupt a paragraph (`<br>`, `<img src="a.png">`, `</span>`). Block-level tags (start 6:
/// `<div>`, `<p>`, `<details>`) and `<script>`/`<pre>`/… (start 1) already end a paragraph.
fn tag_line_continues_paragraph(line: &str) -> bool {
    let bytes = line.as_bytes();
    let mut i = 1;
    let closing = bytes.get(i) == Some(&b'/');
    if closing {
        i += 1;
    }
    if !bytes.get(i).is_some_and(u8::is_ascii_alphabetic) {
        return false;
    }
    let name_start = i;
    while bytes.get(i).is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'-') {
        i += 1;
    }
    let name = line[name_start..i].to_ascii_lowercase();
    if BLOCK_TAGS.contains(&name.as_str()) || ["script", "style", "pre", "textarea"].contains(&name.as_str()) {
        return false;
    }
    let space = |i: &mut usize| {
        let from = *i;
        while bytes.get(*i).is_some_and(|b| b.is_ascii_whitespace()) {
            *i += 1;
        }
        *i > from
    };
    if !closing {
        loop {
            let had_space = space(&mut i);
            let Some(&b) = bytes.get(i) else { return false };
            if !(had_space && (b.is_ascii_alphabetic() || b == b'_' || b == b':')) {
                break;
            }
            while bytes.get(i).is_some_and(|b| b.is_ascii_alphanumeric() || b"_.:-".contains(b)) {
                i += 1;
            }
            let before_value = i;
            space(&mut i);
            if bytes.get(i) != Some(&b'=') {
                i = before_value;
                continue;
            }
            i += 1;
            space(&mut i);
            match bytes.get(i) {
                Some(&q @ (b'"' | b'\'')) => match bytes[i + 1..].iter().position(|&b| b == q) {
                    Some(len) => i += len + 2,
                    None => return false,
                },
                Some(_) => {
                    let from = i;
                    while bytes.get(i).is_some_and(|b| !b.is_ascii_whitespace() && !b"\"'=<>`".contains(b)) {
                        i += 1;
                    }
                    if i == from {
                        return false;
                    }
                }
                None => return false,
            }
        }
        if bytes.get(i) == Some(&b'/') {
            i += 1;
        }
    } else {
        space(&mut i);
    }
    bytes.get(i) == Some(&b'>') && line[i + 1..].trim().is_empty()
}

/// CommonMark's block-level tag names (HTML block start 6), as cmark-gfm has them.
const BLOCK_TAGS: &[&str] = &[
    "address",
    "article",
    "aside",
    "base",
    "basefont",
    "blockquote",
    "body",
    "caption",
    "center",
    "col",
    "colgroup",
    "dd",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "frame",
    "frameset",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hr",
    "html",
    "iframe",
    "legend",
    "li",
    "link",
    "main",
    "menu",
    "menuitem",
    "nav",
    "noframes",
    "ol",
    "optgroup",
    "option",
    "p",
    "param",
    "section",
    "source",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "title",
    "tr",
    "track",
    "ul",
];

#[cfg(test)]
mod tests {
    use super::*;

    /// Trimming from the first byte gives what the standard trim gives, on random lines of
    /// every kind of whitespace, characters that share its first bytes, markers and text.
    #[test]
    fn lines_trimmed_from_their_first_byte_are_trimmed_as_the_standard_trim_does() {
        let pieces = [
            " ", "\t", "\n", "\u{B}", "\u{C}", "\r", "\u{85}", "\u{A0}", "\u{1680}", "\u{2003}", "\u{2028}",
            "\u{205F}", "\u{3000}", "·", "→", "\u{1681}", "「", ">", "-", ":::", "<", "가", "a", "\u{1}",
        ];
        let mut next = crate::text::random_below(0x6A09_E667_F3BC_C908);
        for round in 0..20_000 {
            let line: String = (0..next(6)).map(|_| pieces[next(pieces.len())]).collect();
            assert_eq!(trimmed_start(&line), line.trim_start(), "round {round}: {line:?}");
        }
    }

    #[test]
    fn tag_lines() {
        for yes in [
            "<br>",
            "<br/>",
            "<br />",
            "<img src=\"a.png\" alt='x'>",
            "</span>",
            "<img src=a.png>  ",
            "<a\thref=\"x\">",
        ] {
            assert!(tag_line_continues_paragraph(yes), "{yes}");
        }
        for no in [
            "<div>",
            "<p>x</p>",
            "<br> text",
            "<span>x</span>",
            "<details>",
            "<img src=\"a.png\"",
            "<1>",
            "<!-- c -->",
            "<pre>",
            "<a href=\"x\"b>",
        ] {
            assert!(!tag_line_continues_paragraph(no), "{no}");
        }
    }

    #[test]
    fn lines_are_split_at_each_newline() {
        for text in ["", "\n", "a", "a\n", "\na\n\nb", "한\r\n글\n\n"] {
            assert_eq!(lines_of(text), text.split('\n').collect::<Vec<_>>(), "{text:?}");
        }
    }

    #[test]
    fn plain_notes_are_borrowed() {
        let p = prepare("# 제목\n\n- 항목\n\n<br>\n본문 `:::note`\n");
        assert!(matches!(p.text, Cow::Borrowed(_)));
        assert!(p.marks.is_empty());
        assert_eq!(p.kept(), None, "nothing to keep");
    }

    #[test]
    fn rewrites_keep_the_lines() {
        let body = "import A from './a';\n\n:::tip 제목\n- 항목\n<br>\n:::\n<Tabs>\n  <TabItem value=\"a\">\n    본문\n  </TabItem>\n</Tabs>\n";
        let p = prepare(body);
        assert_eq!(p.text.lines().count(), body.lines().count(), "{}", p.text);
        assert_eq!(p.text, "\n\n<!--callout-->\n- 항목\n</optgroup><br>\n<!--/callout-->\n\n\n본문\n\n\n");
        let whats: Vec<_> = p.marks.iter().map(|m| (&p.text[m.line.clone()], m.what)).collect();
        assert_eq!(
            whats,
            [
                ("<!--callout-->", Marked::Open),
                ("</optgroup><br>", Marked::LazyHtml),
                ("<!--/callout-->", Marked::Close),
            ]
        );
        let open = callouts::fence(&p.marks[0].written);
        assert_eq!(open, Some(Some(callouts::Callout { kind: callouts::Kind::Tip, title: Some("제목".into()) })));
        assert!(p.mdx);
        assert_eq!(p.problems.iter().map(|(l, _)| *l).collect::<Vec<_>>(), [6, 7]);
        let kept = p.kept().expect("a rewritten body is kept");
        let text = kept.text.as_deref().unwrap();
        assert_eq!(kept.mark_at(text.find("</opt").unwrap()).map(|m| m.what), Some(Marked::LazyHtml));
        assert_eq!(kept.mark_at(0), None);
    }

    #[test]
    fn fences_in_code_are_text() {
        let p = prepare("```md\n:::note\nx\n:::\n<Tabs>\n```\n");
        assert!(p.marks.is_empty());
        assert!(p.problems.is_empty());
        assert_eq!(p.text, "```md\n:::note\nx\n:::\n<Tabs>\n```\n");
    }
}
