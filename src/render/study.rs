//! Study mode in the render stage.
//!
//! In a note's body (`StudyWriter`, driven by `body::render_body`): each heading question (also
//! one inside a list item or block quote, whose answer then ends with it) is wrapped in `<section class="gb-q">` with its answer in
//! `<div class="gb-answer">`, so `static/study.js` can hide and reveal answers (without
//! JavaScript nothing is hidden); a `<details>` question gets a bare `data-q` (and an id). The
//! script makes each question's stable id (the page's percent-encoded path, `#`, its anchor: the
//! id `quiz/questions.js` gives it, so marks survive rebuilds) from the page's `data-page` and the
//! heading's or the `<details>`' id, and its number from the order: written out, the id was a
//! Hangul heading id once more per question (3% of the pages' bytes). A term's
//! definition gets its anchor; the first mention of another note's term links to it. The answers'
//! HTML is kept for the Anki export.
//!
//! For the site (`study_file`, one `StudyFile` at a time): `quiz/index.html` (one page for the site and, by its
//! `?s=FOLDER` query, for each folder), `quiz/questions.js` (the one file every quiz loads,
//! JSONP-style so it works from `file://`), `quiz/anki.csv`, `glossary/index.html` and
//! `references/index.html`.

use super::view::{self, Chrome, PageContext, SiteLinks};
use super::{escape, tag_around, Theme};
use crate::diagnostics::Diagnostic;
use crate::enrich::links::encode_path;
use crate::enrich::study::{fold, Glossary};
use crate::model::{Note, PageRef, QuestionKind, Reference, Site};
use crate::text::push_escaped_html;
use pulldown_cmark::{CowStr, Event, LinkType, Tag, TagEnd};
use rustc_hash::FxHashMap;
use serde::Serialize;
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

/// The query that opens the quiz on one folder's questions (`?s=Computer%20Science`), "" for the
/// whole site. A query, not a fragment: the page is the same file wherever it is opened from.
pub(crate) fn quiz_query(folder: &str) -> String {
    const QUERY: &percent_encoding::AsciiSet =
        &percent_encoding::NON_ALPHANUMERIC.remove(b'/').remove(b'-').remove(b'_').remove(b'.');
    if folder.is_empty() {
        return String::new();
    }
    format!("?s={}", percent_encoding::utf8_percent_encode(folder, QUERY))
}

/// Heading id → question number, for the table of contents' markers.
pub(crate) fn question_numbers(note: &Note) -> HashMap<String, usize> {
    let questions = note.study.questions.iter().enumerate();
    questions
        .filter(|(_, q)| matches!(q.kind, QuestionKind::Heading { .. }))
        .map(|(i, q)| (q.anchor(&note.headings).to_string(), i + 1))
        .collect()
}

/// What study mode adds to one note's body while it is rendered.
pub(crate) struct StudyWriter<'a> {
    note: &'a Note,
    glossary: &'a Glossary,
    /// Heading index → question index.
    heading_questions: FxHashMap<usize, usize>,
    /// Body offset of a `<details` → question index.
    details_questions: FxHashMap<usize, usize>,
    /// Body offset of a term's `**` (or `<dt`) → term index.
    terms: FxHashMap<usize, usize>,
    /// Nesting in block quotes, list items and footnotes: a question's answer ends with the
    /// container its heading is in.
    depth: usize,
    /// Open `<details>` blocks in raw HTML: headings inside one neither open nor close a wrapper.
    html_details: usize,
    in_heading: bool,
    /// The question whose heading is being written.
    asking: Option<usize>,
    /// Open heading questions: question, close level, first event of the answer, depth.
    open: Vec<(usize, u8, usize, usize)>,
    /// The `<details>` question being written: question, whether its `</summary>` was passed
    /// (then the answer's first event), nested `<details>` inside it.
    details: Option<(usize, Option<usize>, usize)>,
    /// Per question, the events of its answer.
    answers: Vec<Option<(usize, usize)>>,
    /// Terms this note defines (folded): mentions of them are not linked here.
    defined_here: Vec<String>,
    /// Glossary targets linked already on this page.
    linked: Vec<usize>,
    /// Events of answers that the Anki export writes otherwise, by event index: a code block as
    /// plain `<pre><code>`, a term's `<strong>` without its anchor, a term link left out (its
    /// text stays). Anki has no stylesheet for our classes and no page for our anchors and
    /// relative links; highlighting classes alone would triple the export's size.
    anki_events: FxHashMap<usize, Cow<'static, str>>,
}

impl<'a> StudyWriter<'a> {
    pub(crate) fn new(note: &'a Note, glossary: &'a Glossary) -> StudyWriter<'a> {
        let mut heading_questions = FxHashMap::default();
        let mut details_questions = FxHashMap::default();
        for (i, q) in note.study.questions.iter().enumerate() {
            match q.kind {
                QuestionKind::Heading { index, .. } => heading_questions.insert(index, i),
                QuestionKind::Details { offset } => details_questions.insert(offset, i),
            };
        }
        StudyWriter {
            note,
            glossary,
            heading_questions,
            details_questions,
            terms: note.study.terms.iter().enumerate().map(|(i, t)| (t.offset, i)).collect(),
            depth: 0,
            html_details: 0,
            in_heading: false,
            asking: None,
            open: Vec::new(),
            details: None,
            answers: vec![None; note.study.questions.len()],
            defined_here: note.study.terms.iter().map(|t| fold(t.term())).collect(),
            linked: Vec::new(),
            anki_events: FxHashMap::default(),
        }
    }

    /// Whether the event pushed next is part of an answer.
    fn in_answer(&self) -> bool {
        !self.open.is_empty() || self.details.is_some_and(|(_, start, _)| start.is_some())
    }

    /// The event about to be pushed at `index` reads as `anki` in the Anki export.
    fn for_anki(&mut self, index: usize, anki: impl FnOnce() -> Cow<'static, str>) {
        if self.in_answer() {
            self.anki_events.insert(index, anki());
        }
    }

    /// A code block is about to be pushed at event `index`: keep its plain form for answers.
    pub(crate) fn code_block(&mut self, index: usize, code: &str) {
        self.for_anki(index, || format!("<pre><code>{}</code></pre>\n", escape(code)).into());
    }

    /// Before heading `index` starts: close the questions it ends, open the one it asks.
    pub(crate) fn heading_start(&mut self, index: usize, level: u8, events: &mut Vec<Event<'a>>) {
        self.in_heading = true;
        if self.html_details > 0 {
            return;
        }
        let depth = self.depth;
        while self.open.last().is_some_and(|&(_, close, _, at)| at == depth && level <= close) {
            self.close(events);
        }
        if let Some(&q) = self.heading_questions.get(&index) {
            events.push(Event::Html("<section class=\"gb-q\">\n".into()));
            self.asking = Some(q);
        }
    }

    /// After the heading's end: its answer starts.
    pub(crate) fn heading_end(&mut self, events: &mut Vec<Event<'a>>) {
        self.in_heading = false;
        if let Some(q) = self.asking.take() {
            let QuestionKind::Heading { close_level, .. } = self.note.study.questions[q].kind else { return };
            events.push(Event::Html("<div class=\"gb-answer\">\n".into()));
            self.open.push((q, close_level, events.len(), self.depth));
        }
    }

    fn close(&mut self, events: &mut Vec<Event<'a>>) {
        if let Some((q, _, start, _)) = self.open.pop() {
            self.answers[q] = Some((start, events.len()));
            events.push(Event::Html("</div>\n</section>\n".into()));
        }
    }

    /// A block quote, list item or footnote opens.
    pub(crate) fn enter(&mut self) {
        self.depth += 1;
    }

    /// A block quote, list item or footnote is about to close: so do the answers inside it.
    pub(crate) fn leave(&mut self, events: &mut Vec<Event<'a>>) {
        let depth = self.depth;
        while self.open.last().is_some_and(|&(_, _, _, at)| at >= depth) {
            self.close(events);
        }
        self.depth = depth.saturating_sub(1);
    }

    /// A `<strong>` opens at `offset`: a term's gets its anchor.
    pub(crate) fn strong(&mut self, offset: usize, events: &mut Vec<Event<'a>>) {
        let term = self.terms.get(&offset).map(|&t| &self.note.study.terms[t]).filter(|t| !t.html_dt);
        let Some(term) = term else { return events.push(Event::Start(Tag::Strong)) };
        let tag = tag_around(r#"<strong class="gb-term" id=""#, term.id(), r#"">"#);
        self.for_anki(events.len(), || "<strong>".into());
        events.push(Event::InlineHtml(tag.into()));
    }

    /// Raw HTML at body `offset`: pushed onto `events`, with a `<details>` question's and a
    /// `<dt>` term's attributes added, and split where a `<details>` answer starts and ends.
    pub(crate) fn html(&mut self, html: CowStr<'a>, offset: usize, inline: bool, events: &mut Vec<Event<'a>>) {
        let make = |s: String| -> Event<'a> {
            if inline {
                Event::InlineHtml(s.into())
            } else {
                Event::Html(s.into())
            }
        };
        let end = offset + html.len();
        let mentions_details =
            ["details", "DETAILS", "Details", "summary", "SUMMARY", "Summary"].iter().any(|t| html.contains(t));
        let has_dt = self.terms.keys().any(|&at| (offset..end).contains(&at));
        if !(mentions_details || has_dt) {
            events.push(if inline { Event::InlineHtml(html) } else { Event::Html(html) });
            return;
        }
        let mut text = html.to_string();
        // Attributes to add at a tag in this piece of HTML: a question's `<details`, a term's `<dt`.
        for (&at, &q) in &self.details_questions {
            if (offset..end).contains(&at) {
                if let Some(pos) = find_tag(&text, at - offset, "<details") {
                    let anchor = self.note.study.questions[q].anchor(&self.note.headings);
                    let has_id = tag_has_id(&text[pos..]);
                    let id = if has_id { String::new() } else { format!(" id=\"{}\"", escape(anchor)) };
                    let attrs = format!("{id} data-q");
                    text.insert_str(pos + 8, &attrs);
                    self.details = Some((q, None, 0));
                    self.html_details += 1;
                    // The tag itself is counted: skip it in the scan below.
                    let (before, after) = text.split_at(pos + 8 + attrs.len());
                    events.push(make(before.to_string()));
                    text = after.to_string();
                }
            }
        }
        for (&at, &t) in &self.terms {
            let term = &self.note.study.terms[t];
            if term.html_dt && (offset..end).contains(&at) {
                if let Some(pos) = find_tag(&text, at.saturating_sub(offset), "<dt") {
                    if !tag_has_id(&text[pos..]) {
                        text.insert_str(pos + 3, &format!(" class=\"gb-term\" id=\"{}\"", escape(term.id())));
                    }
                }
            }
        }
        // Follow `<details>` nesting, and cut out the answer of the `<details>` question.
        let lower = text.to_ascii_lowercase();
        let mut cut = 0;
        let mut at = 0;
        while let Some(pos) = next_of(&lower[at..], &["<details", "</details", "</summary"]) {
            let pos = at + pos;
            let closing = lower[pos..].starts_with("</details");
            let summary_end = lower[pos..].starts_with("</summary");
            at = pos + 2;
            match (&mut self.details, summary_end, closing) {
                (Some((_, start @ None, _)), true, _) => {
                    let split = pos + lower[pos..].find('>').map_or(lower.len() - pos, |e| e + 1);
                    events.push(make(text[cut..split].to_string()));
                    cut = split;
                    *start = Some(events.len());
                }
                (_, true, _) => {}
                (Some((_, _, nested)), false, false) => {
                    *nested += 1;
                    self.html_details += 1;
                }
                (Some((q, start, nested)), false, true) => {
                    self.html_details = self.html_details.saturating_sub(1);
                    if *nested > 0 {
                        *nested -= 1;
                    } else {
                        let q = *q;
                        if let Some(start) = *start {
                            events.push(make(text[cut..pos].to_string()));
                            cut = pos;
                            self.answers[q] = Some((start, events.len()));
                        }
                        self.details = None;
                    }
                }
                (None, false, false) => self.html_details += 1,
                (None, false, true) => self.html_details = self.html_details.saturating_sub(1),
            }
        }
        if cut < text.len() || cut == 0 {
            events.push(make(text[cut..].to_string()));
        }
    }

    /// A run of plain text outside links and code: the first mention of each term of another
    /// note becomes a link to its definition; the rest goes to `plain` (bare URLs and so on).
    pub(crate) fn text(
        &mut self,
        text: CowStr<'a>,
        events: &mut Vec<Event<'a>>,
        mut plain: impl FnMut(CowStr<'a>, &mut Vec<Event<'a>>),
    ) {
        if self.in_heading || self.glossary.is_empty() {
            return plain(text, events);
        }
        let mut rest: &str = &text;
        let mut pieces: Vec<(String, Option<(String, String)>)> = Vec::new();
        while let Some(m) = self.glossary.find(rest, &self.defined_here, &self.linked) {
            // A term inside a URL stays part of the URL.
            let word_start = rest[..m.start].rfind(char::is_whitespace).map_or(0, |i| i + 1);
            let word_end = rest[m.end..].find(char::is_whitespace).map_or(rest.len(), |i| m.end + i);
            let word = &rest[word_start..word_end];
            if word.contains("://") || word.contains("www.") {
                pieces.push((rest[..word_end].to_string(), None));
                rest = &rest[word_end..];
                continue;
            }
            self.linked.push(m.target);
            let href = self.glossary.href(m.target, &self.note.url);
            let title = self.glossary.term(m.target).to_string();
            pieces.push((rest[..m.start].to_string(), Some((href, title))));
            pieces.push((rest[m.start..m.end].to_string(), None));
            pieces.push((String::new(), Some((String::new(), String::new()))));
            rest = &rest[m.end..];
        }
        if pieces.is_empty() {
            return plain(text, events);
        }
        let tail = rest.to_string();
        for (t, link) in pieces {
            if !t.is_empty() {
                plain(t.into(), events);
            }
            let tag = match link {
                Some((href, title)) if !href.is_empty() => {
                    let mut tag = tag_around(r#"<a class="gb-termlink" href=""#, &href, r#"" title=""#);
                    tag.reserve(title.len() + 2);
                    push_escaped_html(&mut tag, &title);
                    tag.push_str(r#"">"#);
                    tag
                }
                Some(_) => "</a>".to_string(),
                None => continue,
            };
            self.for_anki(events.len(), || "".into());
            events.push(Event::InlineHtml(tag.into()));
        }
        if !tail.is_empty() {
            plain(tail.into(), events);
        }
    }

    /// Close what is still open; what is left are the answers, for the Anki export (`Answers`).
    pub(crate) fn finish(mut self, events: &mut Vec<Event<'a>>) -> Answers {
        while !self.open.is_empty() {
            self.close(events);
        }
        let count = self.answers.len();
        Answers { ranges: self.answers, anki_events: self.anki_events, apart: vec![None; count] }
    }
}

/// A note's answers as the Anki export shows them: each question's events rendered as HTML ("" when
/// it has none), code blocks plain, no study markup, links as pulldown-cmark writes them. The page
/// renders the same events; an answer is cut from the page's HTML (`Answers::cut`) with only its
/// substituted events written otherwise, rather than rendered a second time (~1.5% of a build).
/// Where the HTML writer's state would make the two differ (footnote numbers, an image, a table
/// begun before the answer, a line break the writer adds or not after a substituted event), the
/// answer is rendered on its own first (`render_apart`), as it always was.
pub(crate) struct Answers {
    /// Per question, the events of its answer.
    ranges: Vec<Option<(usize, usize)>>,
    /// Events of answers written otherwise for Anki (see `StudyWriter::anki_events`); links of
    /// answers to be cut are added by `render_apart`.
    anki_events: FxHashMap<usize, Cow<'static, str>>,
    /// Answers rendered on their own.
    apart: Vec<Option<String>>,
}

impl Answers {
    /// Before the page is written: each answer that cannot be cut from the page's HTML is
    /// rendered now; the others get their links as pulldown-cmark writes them (the page writes
    /// `href::compact` ones).
    pub(crate) fn render_apart(&mut self, events: &[Event<'_>]) {
        let mut links = Vec::new();
        for (q, range) in self.ranges.iter().enumerate() {
            let Some((start, end)) = *range else { continue };
            let answer = &events[start..end];
            if every_answer_apart() || !cuttable(answer, |i| self.anki_events.get(&(start + i)).map(|a| &**a)) {
                let anki = &self.anki_events;
                let events = answer.iter().enumerate().map(|(i, e)| match anki.get(&(start + i)) {
                    Some(html) => Event::Html(html.as_ref().into()),
                    None => e.clone(),
                });
                let mut html = String::new();
                pulldown_cmark::html::push_html(&mut html, events);
                self.apart[q] = Some(html.trim().to_string());
                continue;
            }
            for (i, event) in answer.iter().enumerate() {
                if let Event::Start(Tag::Link { link_type, dest_url, title, .. }) = event {
                    links.push((start + i, link_start(*link_type, dest_url, title)));
                }
            }
        }
        // Added once every answer apart is rendered: those render links themselves.
        for (i, html) in links {
            self.anki_events.entry(i).or_insert(html.into());
        }
    }

    /// Each answer's HTML: rendered apart, or cut from the page's `html`, where event `i` was
    /// written at `offsets[i]..offsets[i + 1]`.
    pub(crate) fn cut(self, html: &str, offsets: &[usize]) -> Vec<String> {
        let Answers { ranges, anki_events, apart } = self;
        let mut substituted: Vec<usize> = anki_events.keys().copied().collect();
        substituted.sort_unstable();
        ranges
            .into_iter()
            .zip(apart)
            .map(|(range, apart)| {
                let Some((start, end)) = range else { return String::new() };
                if let Some(apart) = apart {
                    return apart;
                }
                #[cfg(test)]
                ANSWERS_CUT.with(|cut| cut.set(cut.get() + 1));
                let (Some(&from), Some(&to)) = (offsets.get(start), offsets.get(end)) else { return String::new() };
                let mut out = String::with_capacity(to - from);
                let mut copied = from;
                let first = substituted.partition_point(|&i| i < start);
                for &i in substituted[first..].iter().take_while(|&&i| i < end) {
                    out.push_str(&html[copied..offsets[i]]);
                    out.push_str(&anki_events[&i]);
                    copied = offsets[i + 1];
                }
                out.push_str(&html[copied..to]);
                match out.trim() {
                    trimmed if trimmed.len() == out.len() => out,
                    trimmed => trimmed.to_string(),
                }
            })
            .collect()
    }
}

/// Whether an answer's events render as the page wrote them, but for the events `anki` gives
/// (by index in `answer`): pulldown-cmark's writer keeps footnote numbers and table state
/// across a page, reads an image's description on its own, and starts a block with a line
/// break when what it wrote last did not end in one (`end_newline`). The last is followed in
/// both writings: they may differ only before the answer writes anything (trimmed away).
fn cuttable<'e>(answer: &[Event<'_>], anki: impl Fn(usize) -> Option<&'e str>) -> bool {
    // Whether the page's and the export's writer last wrote a line break; None: not known yet
    // (the page's writer before the answer).
    let (mut page, mut export): (Option<bool>, Option<bool>) = (None, Some(true));
    let mut written = false;
    let mut tables = 0usize;
    for (i, event) in answer.iter().enumerate() {
        let (page_writes, starts_block) = match event {
            Event::FootnoteReference(_) => return false,
            Event::Start(Tag::FootnoteDefinition(_) | Tag::Image { .. } | Tag::MetadataBlock(_)) => return false,
            Event::End(TagEnd::Image | TagEnd::MetadataBlock(_)) => return false,
            Event::Start(Tag::Table(_)) => {
                tables += 1;
                (Some(false), false)
            }
            Event::End(TagEnd::Table) if tables == 0 => return false,
            Event::End(TagEnd::Table) => {
                tables -= 1;
                (Some(true), false)
            }
            Event::Start(Tag::TableHead | Tag::TableRow | Tag::TableCell)
            | Event::End(TagEnd::TableHead | TagEnd::TableRow | TagEnd::TableCell)
                if tables == 0 =>
            {
                return false
            }
            event => writes(event),
        };
        if starts_block && page != export && written {
            return false;
        }
        if let Some(ends_line) = page_writes {
            page = Some(ends_line);
            written = true;
        }
        match anki(i) {
            Some(html) if !html.is_empty() => export = Some(html.ends_with('\n')),
            Some(_) => {}
            None => export = page_writes.or(export),
        }
    }
    true
}

/// What pulldown-cmark's HTML writer does with `event`'s line-break state: whether its output
/// ends in a line break (None: it writes nothing and the state stays), and whether it starts a
/// block (then it writes a line break first unless the last output ended in one).
fn writes(event: &Event<'_>) -> (Option<bool>, bool) {
    match event {
        Event::Text(text) => (Some(text.ends_with('\n')), false),
        Event::Html(html) | Event::InlineHtml(html) => (Some(html.ends_with('\n')).filter(|_| !html.is_empty()), false),
        Event::SoftBreak | Event::HardBreak | Event::TaskListMarker(_) => (Some(true), false),
        Event::Rule => (Some(true), true),
        Event::Code(_) | Event::InlineMath(_) | Event::DisplayMath(_) | Event::FootnoteReference(_) => {
            (Some(false), false)
        }
        Event::Start(tag) => match tag {
            Tag::HtmlBlock | Tag::MetadataBlock(_) => (None, false),
            Tag::Paragraph
            | Tag::Heading { .. }
            | Tag::Item
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition
            | Tag::CodeBlock(_)
            | Tag::FootnoteDefinition(_) => (Some(false), true),
            Tag::BlockQuote(_) | Tag::List(_) | Tag::DefinitionList => (Some(true), true),
            _ => (Some(false), false),
        },
        Event::End(tag) => match tag {
            TagEnd::HtmlBlock | TagEnd::MetadataBlock(_) | TagEnd::Image => (None, false),
            TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
            | TagEnd::TableCell => (Some(false), false),
            _ => (Some(true), false),
        },
    }
}

/// A link's start tag as pulldown-cmark's writer gives it (its href percent-encoded).
fn link_start(link_type: LinkType, dest: &str, title: &str) -> String {
    let mut html = String::from(if link_type == LinkType::Email { "<a href=\"mailto:" } else { "<a href=\"" });
    let _ = pulldown_cmark_escape::escape_href(&mut html, dest);
    if !title.is_empty() {
        html.push_str("\" title=\"");
        push_escaped_html(&mut html, title);
    }
    html.push_str("\">");
    html
}

#[cfg(test)]
thread_local! {
    /// Tests render every answer on its own, as the export's oracle.
    static EVERY_ANSWER_APART: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// Answers cut from the page on this thread: a test sees the cut taken.
    static ANSWERS_CUT: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

#[cfg(test)]
fn every_answer_apart() -> bool {
    EVERY_ANSWER_APART.with(std::cell::Cell::get)
}

#[cfg(not(test))]
fn every_answer_apart() -> bool {
    false
}

/// `work` with every answer rendered on its own (`Answers::render_apart`), on this thread.
#[cfg(test)]
fn with_every_answer_apart<T>(work: impl FnOnce() -> T) -> T {
    EVERY_ANSWER_APART.with(|apart| apart.set(true));
    let result = work();
    EVERY_ANSWER_APART.with(|apart| apart.set(false));
    result
}

/// Position of `tag` in `text` at or after `from` (else its first one), case ignored.
fn find_tag(text: &str, from: usize, tag: &str) -> Option<usize> {
    let lower = text.to_ascii_lowercase();
    let from = from.min(lower.len());
    lower.get(from..).and_then(|l| l.find(tag)).map(|p| p + from).or_else(|| lower.find(tag))
}

fn tag_has_id(tag_start: &str) -> bool {
    let end = tag_start.find('>').unwrap_or(tag_start.len());
    crate::markdown::html_attributes::quoted_attributes(&tag_start[..end], &["id"]).next().is_some()
}

/// The first of `needles` in `hay`.
fn next_of(hay: &str, needles: &[&str]) -> Option<usize> {
    needles.iter().filter_map(|n| hay.find(n)).min()
}

/// What a rendered note gives the site's study files.
#[derive(Debug, Default, Clone, PartialEq, Eq, Hash)]
pub(crate) struct NoteOutput {
    /// The note's rows of the Anki export (`note_anki_rows`: its questions with the HTML of
    /// their answers), made once as the page renders and kept with a kept page: a warm build
    /// joins them as they are. The quiz shows answers from the note's own page instead
    /// (`static/study.js` opens it on one question), so no page or shared file carries every
    /// answer twice.
    pub(crate) anki: String,
    pub(crate) references: Vec<Reference>,
}

/// A study page's template context: the common page context and the page's own data.
#[derive(Serialize)]
struct StudyContext<'a, T: Serialize> {
    #[serde(flatten)]
    base: PageContext<'a>,
    study: T,
}

/// `quiz.html`'s data.
#[derive(Serialize)]
struct QuizView {
    questions: usize,
    /// Folders with questions, for the section quizzes.
    sections: Vec<QuizSection>,
}

/// A folder's quiz: `quiz/index.html?s=PATH`.
#[derive(Serialize)]
struct QuizSection {
    path: String,
    /// `index.html?s=PATH`, percent-encoded.
    href: String,
    title: String,
    questions: usize,
}

/// `glossary.html`'s data: terms grouped by initial.
#[derive(Serialize)]
struct GlossaryView {
    terms: usize,
    /// The groups' initials, for the page's index: `g-N` is the id of group N (from 1).
    initials: Vec<String>,
    /// Where the groups go, as HTML (`section.glossary-group` > `h2#g-N` + `dl.glossary` of
    /// `dt`/`dd`), "" when there are none: written here, not by a template loop, as a site may
    /// define thousands of terms.
    html: &'static str,
}

/// `references.html`'s data: where each note's external links go, every address once, as HTML
/// (`section.ref-note` > `h2` + `ol.ref-list`), "" when there are none.
#[derive(Serialize)]
struct ReferencesView {
    html: &'static str,
}

/// One of the site's study files. Each is made on its own, so a build can write it and let it
/// go before it makes the next: together they are several times the size of one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum StudyFile {
    Quiz,
    Questions,
    Glossary,
    References,
    Anki,
}

impl StudyFile {
    /// Made from the site alone: a build writes them while the pages render.
    pub(crate) const FROM_SITE: [StudyFile; 3] = [StudyFile::Quiz, StudyFile::Questions, StudyFile::Glossary];
    /// Made from the rendered notes' outputs, once every page is rendered.
    pub(crate) const FROM_PAGES: [StudyFile; 2] = [StudyFile::References, StudyFile::Anki];

    /// Its path in the output.
    pub(crate) fn path(self) -> &'static str {
        match self {
            StudyFile::Quiz => "quiz/index.html",
            StudyFile::Questions => "quiz/questions.js",
            StudyFile::Glossary => "glossary/index.html",
            StudyFile::References => "references/index.html",
            StudyFile::Anki => "quiz/anki.csv",
        }
    }

    /// The page a reader sees it on (the quiz page loads `questions.js`); None for the Anki
    /// export, which no page shows.
    pub(crate) fn shown_on(self) -> Option<&'static str> {
        match self {
            StudyFile::Quiz | StudyFile::Questions => Some(StudyFile::Quiz.path()),
            StudyFile::Glossary | StudyFile::References => Some(self.path()),
            StudyFile::Anki => None,
        }
    }
}

/// What the study files are made from: the rendered notes' outputs (`outputs[n]` for note `n`,
/// None when it was not rendered) only for `StudyFile::FROM_PAGES`.
pub(crate) struct StudyInput<'a> {
    pub(crate) site: &'a Site,
    pub(crate) theme: &'a Theme,
    pub(crate) chrome: &'a Chrome<'a>,
    pub(crate) glossary: &'a Glossary,
    pub(crate) outputs: &'a [Option<&'a NoteOutput>],
}

/// The bytes of one study file, or its template's error.
pub(crate) fn study_file(file: StudyFile, input: &StudyInput) -> Result<Vec<u8>, Diagnostic> {
    let StudyInput { site, chrome, outputs, .. } = *input;
    match file {
        StudyFile::Quiz => {
            let total: usize = reading_order(site).map(|n| site.notes[n].study.questions.len()).sum();
            let view = QuizView { questions: total, sections: quiz_sections(site) };
            page(file, input, &chrome.words.quiz, &view).map(String::into_bytes)
        }
        StudyFile::Anki => {
            let notes: Vec<usize> = reading_order(site).collect();
            Ok(anki_csv(site, &notes, outputs).into_bytes())
        }
        StudyFile::Questions | StudyFile::Glossary | StudyFile::References => {
            study_pieces(file, input).map(|p| p.bytes())
        }
    }
}

/// The published notes in reading order.
fn reading_order(site: &Site) -> impl Iterator<Item = usize> + '_ {
    site.order.iter().filter_map(|p| if let PageRef::Note(n) = p { Some(*n) } else { None })
}

/// A study page of `file` titled `title`, its template given `data`.
fn page(file: StudyFile, input: &StudyInput, title: &str, data: &dyn erased::Data) -> Result<String, Diagnostic> {
    let template = match file {
        StudyFile::Quiz => "quiz.html",
        StudyFile::Glossary => "glossary.html",
        _ => "references.html",
    };
    let (site, chrome) = (input.site, input.chrome);
    let base = view::study_page_context(&SiteLinks::of(site, chrome), chrome, file.path(), title);
    data.render(input.theme, template, base)
}

/// Stands for a page's list in its template's output, which is cut there (`Pieces`).
const LIST_MARK: &str = "\u{1}gongbu-study-list\u{1}";

/// A study file as fixed text around lists of pieces, one piece per note or term, so a `serve`
/// session makes again only the pieces showing a retitled note (`retitle_pieces`) and joins the
/// rest as they were: a title edit at 10,000 notes would otherwise make 40 MB of pages again,
/// and the page's template is given no whole-site context (it held ~50 MB at 10,000 notes).
#[derive(Clone, Default)]
pub(crate) struct Pieces {
    /// The text before, between and after the lists: one more than `slots`.
    frame: Vec<String>,
    /// Which of `lists` goes between two parts of the frame (a template may show its list twice).
    slots: Vec<usize>,
    /// Each list: the text between two of its non-empty pieces, and its pieces.
    lists: Vec<(&'static str, Vec<Arc<str>>)>,
    /// The references page's: every address (`reference_key`) → the notes citing it, in
    /// reading order, for a piece made again (shared by a session's copies).
    citing: Arc<FxHashMap<String, Vec<usize>>>,
    /// The glossary's links to notes, which show their titles.
    glossary_links: Arc<Vec<GlossaryLink>>,
}

impl Pieces {
    /// The file's bytes.
    pub(crate) fn bytes(&self) -> Vec<u8> {
        let list_len = |l: usize| self.lists[l].1.iter().map(|p| p.len() + self.lists[l].0.len()).sum::<usize>();
        let len =
            self.frame.iter().map(String::len).sum::<usize>() + self.slots.iter().map(|&l| list_len(l)).sum::<usize>();
        let mut out = String::with_capacity(len);
        for (i, part) in self.frame.iter().enumerate() {
            out.push_str(part);
            let Some(&l) = self.slots.get(i) else { continue };
            let (separator, pieces) = &self.lists[l];
            for (k, piece) in pieces.iter().filter(|p| !p.is_empty()).enumerate() {
                if k > 0 {
                    out.push_str(separator);
                }
                out.push_str(piece);
            }
        }
        out.into_bytes()
    }

    /// A page of one list: its template's output cut where it shows the list (`LIST_MARK`).
    fn page(rendered: &str, separator: &'static str, pieces: Vec<Arc<str>>) -> Pieces {
        let frame: Vec<String> = rendered.split(LIST_MARK).map(str::to_string).collect();
        let slots = vec![0; frame.len() - 1];
        Pieces {
            frame,
            slots,
            lists: vec![(separator, pieces)],
            citing: Arc::default(),
            glossary_links: Arc::default(),
        }
    }
}

/// The pieces of `quiz/questions.js`, `glossary/index.html` or `references/index.html`.
pub(crate) fn study_pieces(file: StudyFile, input: &StudyInput) -> Result<Pieces, Diagnostic> {
    let StudyInput { site, chrome, glossary, outputs, .. } = *input;
    let words = &chrome.words;
    // The list's place in the page: only a page that lists something shows it.
    let mark = |pieces: &[Arc<str>]| if pieces.iter().any(|p| !p.is_empty()) { LIST_MARK } else { "" };
    match file {
        StudyFile::Questions => Ok(questions_pieces(site)),
        StudyFile::Glossary => {
            let (initials, pieces, links) = glossary_pieces(site, glossary);
            let view = GlossaryView { terms: glossary.entries.len(), initials, html: mark(&pieces) };
            let mut pieces = Pieces::page(&page(file, input, &words.glossary, &view)?, "", pieces);
            pieces.glossary_links = Arc::new(links);
            Ok(pieces)
        }
        StudyFile::References => {
            let citing = citing(site, outputs);
            let links = NoteLinks::new(site);
            // A piece per page of the reading order (a folder page's is empty).
            let piece = |p: &PageRef| match *p {
                PageRef::Note(n) => Arc::from(references_piece(input, &citing, &links, n)),
                PageRef::Section(_) => Arc::from(""),
            };
            let pieces = site.order.iter().map(piece).collect::<Vec<_>>();
            let view = ReferencesView { html: mark(&pieces) };
            let mut pieces = Pieces::page(&page(file, input, &words.references, &view)?, "", pieces);
            pieces.citing = Arc::new(citing);
            Ok(pieces)
        }
        StudyFile::Quiz | StudyFile::Anki => Ok(Pieces::default()),
    }
}

/// Make again the pieces of `file` (as `study_pieces` made them) that show the title of one of
/// the `retitled` notes; nothing else of the site may have changed since.
pub(crate) fn retitle_pieces(file: StudyFile, input: &StudyInput, pieces: &mut Pieces, retitled: &[usize]) {
    let site = input.site;
    match file {
        StudyFile::Questions => {
            // The notes' list is the first: a note's entry there holds its title.
            for &n in retitled {
                let at = site.position.get(&PageRef::Note(n));
                if let Some(&at) = at.filter(|_| !site.notes[n].study.questions.is_empty()) {
                    pieces.lists[0].1[at] = Arc::from(question_note_piece(site, n));
                }
            }
        }
        StudyFile::Glossary => {
            let links = NoteLinks::new(site);
            for link in pieces.glossary_links.iter().filter(|l| retitled.contains(&l.note)) {
                pieces.lists[0].1[link.piece] = Arc::from(link.html(site, &links));
            }
        }
        StudyFile::References => {
            // A note's own piece shows its title, and so does the piece of the first note citing
            // an address it cites too (its "also in").
            let mut remake: Vec<usize> = retitled.to_vec();
            for &n in retitled {
                let firsts = references_of(input.outputs, n)
                    .iter()
                    .filter_map(|r| pieces.citing.get(&reference_key(&r.href)).and_then(|list| list.first().copied()));
                remake.extend(firsts);
            }
            remake.sort_unstable();
            remake.dedup();
            let links = NoteLinks::new(site);
            for n in remake {
                if let Some(&at) = site.position.get(&PageRef::Note(n)) {
                    pieces.lists[0].1[at] = Arc::from(references_piece(input, &pieces.citing, &links, n));
                }
            }
        }
        StudyFile::Quiz | StudyFile::Anki => {}
    }
}

/// Each note's address from a study page (`../` and its percent-encoded path) and its title,
/// escaped as HTML shows them, each made once for a study file: a note is linked from many of
/// its pieces (every term it defines, every address it shares with another note).
struct NoteLinks<'a> {
    site: &'a Site,
    made: Vec<std::cell::OnceCell<(String, String)>>,
}

impl<'a> NoteLinks<'a> {
    fn new(site: &'a Site) -> NoteLinks<'a> {
        NoteLinks { site, made: site.notes.iter().map(|_| std::cell::OnceCell::new()).collect() }
    }

    /// Note `n`'s address and title, escaped.
    fn of(&self, n: usize) -> (&str, &str) {
        let (href, title) = self.made[n].get_or_init(|| {
            let note = &self.site.notes[n];
            (escape(&format!("../{}", encode_path(&note.url))), escape(&note.title))
        });
        (href, title)
    }
}

/// Template rendering over any study view (the page closure takes them as one type).
mod erased {
    use super::*;

    pub(super) trait Data {
        fn render(&self, theme: &Theme, template: &str, base: PageContext) -> Result<String, Diagnostic>;
    }

    impl<T: Serialize> Data for T {
        fn render(&self, theme: &Theme, template: &str, base: PageContext) -> Result<String, Diagnostic> {
            theme.render(template, &StudyContext { base, study: self })
        }
    }
}

/// Folders holding questions (at any depth), in reading order, with how many.
fn quiz_sections(site: &Site) -> Vec<QuizSection> {
    fn count(site: &Site, s: usize, out: &mut Vec<QuizSection>) -> usize {
        let section = &site.sections[s];
        let own: usize =
            section.index_note.iter().chain(&section.notes).map(|&n| site.notes[n].study.questions.len()).sum();
        let slot = out.len();
        let href = format!("index.html{}", quiz_query(&section.path));
        out.push(QuizSection { path: section.path.clone(), href, title: section.title.clone(), questions: 0 });
        let total = own + section.children.iter().map(|&c| count(site, c, out)).sum::<usize>();
        out[slot].questions = total;
        total
    }
    let mut out = Vec::new();
    count(site, 0, &mut out);
    out.retain(|s| !s.path.is_empty() && s.questions > 0);
    out
}

/// Per glossary entry, its group's number (from 1) and whether the entry opens the group.
fn glossary_groups(glossary: &Glossary) -> Vec<(usize, bool)> {
    let mut n = 0;
    let entries = glossary.entries.iter().enumerate();
    let groups = entries.map(|(i, e)| {
        let opens = i == 0 || glossary.entries[i - 1].group != e.group;
        n += usize::from(opens);
        (n, opens)
    });
    groups.collect()
}

/// The glossary's initials (group `g-N` is the Nth), its pieces and where its links to notes
/// are among them. Each note linked is a piece, as a term may be defined in thousands of notes.
fn glossary_pieces(site: &Site, glossary: &Glossary) -> (Vec<String>, Vec<Arc<str>>, Vec<GlossaryLink>) {
    use std::fmt::Write;
    let groups = glossary_groups(glossary);
    let initials = glossary.entries.iter().zip(&groups).filter(|(_, g)| g.1).map(|(e, _)| e.group.clone()).collect();
    let (mut pieces, mut links): (Vec<Arc<str>>, _) = (Vec::new(), Vec::new());
    let note_links = NoteLinks::new(site);
    for (entry, &(group, opens)) in glossary.entries.iter().zip(&groups) {
        let mut html = String::new();
        if opens {
            if group > 1 {
                html.push_str(GLOSSARY_GROUP_END);
            }
            let _ = write!(
                html,
                "<section class=\"glossary-group\" aria-labelledby=\"g-{group}\">\n  <h2 id=\"g-{group}\">{}</h2>\n  <dl class=\"glossary\">\n",
                escape(&entry.group)
            );
        }
        let _ = writeln!(html, "    <dt>{}</dt>", escape(crate::enrich::study::glossary_term(site, entry)));
        // Each wording once, then every note giving it.
        for definition in &entry.definitions {
            let (first, k) = definition.defined_in[0];
            let _ = write!(html, "    <dd>{}", escape(site.notes[first].study.terms[k].definition()));
            pieces.push(Arc::from(std::mem::take(&mut html)));
            for (i, &(note, term)) in definition.defined_in.iter().enumerate() {
                let link = GlossaryLink { piece: pieces.len(), note, term, first: i == 0 };
                pieces.push(Arc::from(link.html(site, &note_links)));
                links.push(link);
            }
            html.push_str("</dd>\n");
        }
        pieces.push(Arc::from(html));
    }
    if !pieces.is_empty() {
        pieces.push(Arc::from(GLOSSARY_GROUP_END));
    }
    (initials, pieces, links)
}

const GLOSSARY_GROUP_END: &str = "  </dl>\n</section>\n";

/// A glossary definition's link to a note giving it: the piece it is, the note and its term.
#[derive(Clone, Copy)]
struct GlossaryLink {
    piece: usize,
    note: usize,
    term: usize,
    /// The definition's first link (the others follow a comma).
    first: bool,
}

impl GlossaryLink {
    fn html(&self, site: &Site, links: &NoteLinks) -> String {
        // Escaped piece by piece as it would be whole: HTML escaping goes character by character.
        let (href, title) = links.of(self.note);
        let id = escape(site.notes[self.note].study.terms[self.term].id());
        let comma = if self.first { "" } else { "," };
        format!("{comma} <a class=\"defined-in\" href=\"{href}#{id}\">{title}</a>")
    }
}

/// An address as duplicates are recognised: scheme, `www.`, fragment and trailing `/` ignored.
fn reference_key(href: &str) -> String {
    let no_scheme = href.split_once("://").map_or(href, |(_, rest)| rest);
    let no_fragment = no_scheme.split('#').next().unwrap_or(no_scheme);
    let trimmed = no_fragment.trim_end_matches('/');
    let (host, path) = trimmed.split_once('/').unwrap_or((trimmed, ""));
    let mut key = host.to_ascii_lowercase();
    if key.starts_with("www.") {
        key.drain(..4);
    }
    // The key is made in the host's string: `format!` grew a new one from none.
    key.reserve_exact(path.len() + 1);
    key.push('/');
    key.push_str(path);
    key
}

/// The host of an address, without `www.`.
fn domain(href: &str) -> String {
    let rest = href.split_once("://").map_or(href, |(_, rest)| rest);
    let host = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h).to_ascii_lowercase();
    host.strip_prefix("www.").unwrap_or(&host).to_string()
}

/// A note's references as its last render found them.
fn references_of<'a>(outputs: &[Option<&'a NoteOutput>], n: usize) -> &'a [Reference] {
    outputs.get(n).copied().flatten().map_or(&[][..], |o| &o.references[..])
}

/// Every address's notes, in reading order; it is listed under the first.
fn citing(site: &Site, outputs: &[Option<&NoteOutput>]) -> FxHashMap<String, Vec<usize>> {
    let mut citing: FxHashMap<String, Vec<usize>> = FxHashMap::default();
    for n in reading_order(site) {
        for r in references_of(outputs, n) {
            let list = citing.entry(reference_key(&r.href)).or_default();
            if list.last() != Some(&n) {
                list.push(n);
            }
        }
    }
    citing
}

/// Note `n`'s part of the references page: the addresses it cites first, each with the other
/// notes citing it ("" when it cites none first).
fn references_piece(input: &StudyInput, citing: &FxHashMap<String, Vec<usize>>, links: &NoteLinks, n: usize) -> String {
    use std::fmt::Write;
    let link = |m: usize| {
        let (href, title) = links.of(m);
        format!("<a href=\"{href}\">{title}</a>")
    };
    let mut items = String::new();
    // Two spellings of one address in a note (`http://`, a trailing `/`): listed once.
    let mut keys = rustc_hash::FxHashSet::default();
    for r in references_of(input.outputs, n) {
        let key = reference_key(&r.href);
        let Some(list) = citing.get(&key) else { continue };
        if list.first() != Some(&n) || !keys.insert(key) {
            continue;
        }
        let _ = write!(
            items,
            "\n    <li><a href=\"{}\" rel=\"noopener\">{}</a> <span class=\"domain\">{}</span>",
            escape(&r.href),
            escape(&r.text),
            escape(&domain(&r.href))
        );
        if list.len() > 1 {
            let also: Vec<String> = list[1..].iter().map(|&m| link(m)).collect();
            let _ = write!(
                items,
                " <span class=\"also\">{}: {}</span>",
                escape(&input.chrome.words.also_in),
                also.join(", ")
            );
        }
        items.push_str("</li>");
    }
    if items.is_empty() {
        return items;
    }
    format!(
        "\n<section class=\"ref-note\">\n  <h2>{}</h2>\n  <ol class=\"ref-list\">{items}\n  </ol>\n</section>",
        link(n)
    )
}

/// The quiz data every quiz page loads: `window.GONGBU_QUIZ = {notes, q}`; a note is
/// `{u: url, t: title, s: folder}`, a question `{n: note, a: anchor, l: label, t: text}`. The
/// answers stay in the notes' pages, which the quiz shows one question of. Its pieces: per note
/// in reading order, its entry in `notes` and its questions (nothing for a note without, or a
/// folder page).
fn questions_pieces(site: &Site) -> Pieces {
    #[derive(Serialize)]
    struct QuestionData<'a> {
        n: usize,
        a: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        l: Option<&'a str>,
        t: &'a str,
    }
    let (mut notes, mut questions) = (Vec::new(), Vec::new());
    let mut place = 0;
    // A piece per page of the reading order (a folder page's is empty).
    for &page in &site.order {
        let note = match page {
            PageRef::Note(n) => Some((n, &site.notes[n])).filter(|(_, note)| !note.study.questions.is_empty()),
            PageRef::Section(_) => None,
        };
        let Some((n, note)) = note else {
            notes.push(Arc::from(""));
            questions.push(Arc::from(""));
            continue;
        };
        notes.push(Arc::from(question_note_piece(site, n)));
        let hs = &note.headings;
        let data = note.study.questions.iter().map(|q| QuestionData {
            n: place,
            a: q.anchor(hs),
            l: q.label(hs),
            t: q.text(hs),
        });
        let data: Vec<String> = data.map(|q| json(&q)).collect();
        questions.push(Arc::from(data.join(",")));
        place += 1;
    }
    let frame = ["window.GONGBU_QUIZ={\"notes\":[", "],\"q\":[", "]};\n"].map(String::from).to_vec();
    Pieces {
        frame,
        slots: vec![0, 1],
        lists: vec![(",", notes), (",", questions)],
        citing: Arc::default(),
        glossary_links: Arc::default(),
    }
}

/// Note `n`'s entry in the quiz data's notes.
fn question_note_piece(site: &Site, n: usize) -> String {
    #[derive(Serialize)]
    struct NoteData<'a> {
        u: &'a str,
        t: &'a str,
        s: &'a str,
    }
    let note = &site.notes[n];
    json(&NoteData { u: &encode_path(&note.url), t: &note.title, s: note.folder() })
}

/// A value as JSON safe in a script (`js_safe`); `null` should it not serialise.
fn json(value: &impl Serialize) -> String {
    serde_json::to_string(value).map_or_else(|_| "null".into(), js_safe)
}

/// JSON made safe inside a `<script>` too, and in every JavaScript engine: `<`, U+2028 and
/// U+2029 escaped. Each can only be inside a string of the JSON, where the escape means the same.
/// Found with `memchr2` over the whole text (questions.js is 16 MB at 10,000 notes, mostly
/// Hangul, whose bytes are never `<` nor `0xE2`): a text without one is given back as it is.
fn js_safe(json: String) -> String {
    let bytes = json.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0;
    for at in memchr::memchr2_iter(b'<', 0xE2, bytes) {
        let (escape, len) = match bytes[at..] {
            [b'<', ..] => ("\\u003c", 1),
            [0xE2, 0x80, 0xA8, ..] => ("\\u2028", 3),
            [0xE2, 0x80, 0xA9, ..] => ("\\u2029", 3),
            _ => continue,
        };
        // `at` starts a character (`<` or a three-byte one's lead byte): the cuts are whole.
        let out = out.get_or_insert_with(|| String::with_capacity(json.len() + 64));
        out.push_str(&json[copied..at]);
        out.push_str(escape);
        copied = at + len;
    }
    match out {
        None => json,
        Some(mut out) => {
            out.push_str(&json[copied..]);
            out
        }
    }
}

/// `quiz/anki.csv`'s header: Anki's directives.
const ANKI_HEADER: &str = "#separator:Comma\n#html:true\n#columns:Front,Back,Tags\n#tags column:3\n";

/// `quiz/anki.csv`: Anki's header directives, then one `question,answer,tags` row per question;
/// the answer's links point at the published pages' paths from the site root.
fn anki_csv(site: &Site, notes: &[usize], outputs: &[Option<&NoteOutput>]) -> String {
    // Sized once: the file is as large as every answer.
    let rows: usize = outputs.iter().flatten().map(|o| o.anki.len()).sum();
    let mut csv = String::with_capacity(ANKI_HEADER.len() + rows);
    csv.push_str(ANKI_HEADER);
    for &n in notes {
        match outputs.get(n).copied().flatten() {
            Some(output) => csv.push_str(&output.anki),
            None => anki_rows(&mut csv, site, n, &[]),
        }
    }
    csv
}

/// Note `n`'s rows of `quiz/anki.csv` on their own, for a `serve` session, which keeps them so
/// an edit writes the export again without every note's answers rendered again.
pub(crate) fn note_anki_rows(site: &Site, n: usize, answers: &[String]) -> String {
    let mut rows = String::new();
    anki_rows(&mut rows, site, n, answers);
    rows
}

/// `quiz/anki.csv` from every published note's rows (`note_anki_rows`), in reading order.
pub(crate) fn anki_file<'a>(rows: impl Iterator<Item = &'a str>) -> Vec<u8> {
    anki_parts(rows).concat()
}

/// `anki_file` as its parts, the header and then the rows, for a writer that never joins them
/// (`Sink::write_joined`: 79 MB at 10,000 notes).
pub(crate) fn anki_parts<'a>(rows: impl Iterator<Item = &'a str>) -> Vec<&'a [u8]> {
    std::iter::once(ANKI_HEADER.as_bytes()).chain(rows.map(str::as_bytes)).collect()
}

/// Note `n`'s rows of `quiz/anki.csv`, its questions with their `answers`.
fn anki_rows(csv: &mut String, site: &Site, n: usize, answers: &[String]) {
    let note = &site.notes[n];
    let tag: String = note.folder().chars().map(|c| if c.is_whitespace() { '_' } else { c }).collect();
    let tag = tag.replace('/', "::");
    for (k, q) in note.study.questions.iter().enumerate() {
        let text = q.text(&note.headings);
        // The question, then its note's title and its label, if any, in small print.
        let label = q.label(&note.headings);
        let mut front = tag_around("", text, "<br><small>");
        front.reserve(note.title.len() + label.map_or(0, str::len) + 24);
        push_escaped_html(&mut front, &note.title);
        if let Some(label) = label {
            front.push_str(" · ");
            push_escaped_html(&mut front, label);
        }
        front.push_str("</small>");
        let back = answers.get(k).map_or("", String::as_str);
        for (i, field) in [front.as_str(), back, tag.as_str()].iter().enumerate() {
            if i > 0 {
                csv.push(',');
            }
            // Quoted, a quote doubled: newlines and commas stay inside the field.
            csv.push('"');
            for (j, part) in field.split('"').enumerate() {
                if j > 0 {
                    csv.push_str("\"\"");
                }
                csv.push_str(part);
            }
            csv.push('"');
        }
        csv.push('\n');
    }
}

/// `quiz/anki.csv` made while the pages render, for a build: a note's rows go in as soon as
/// every page before it in reading order is in (pages render about in that order), so no
/// note's answers are kept until the end of the build. The file is as large as every answer of
/// the site (78 MB at 10,000 notes): each `ANKI_CHUNK` of it is handed to `spill` as soon as it
/// is made, in order, and let go.
pub(crate) struct AnkiStream<'a> {
    state: std::sync::Mutex<AnkiState>,
    spill: &'a (dyn Fn(&[u8]) + Sync),
}

/// Bytes of `quiz/anki.csv` gathered before they are spilled: few writes, little held.
const ANKI_CHUNK: usize = 1 << 20;

struct AnkiState {
    /// The position of the first page not in yet.
    next: usize,
    /// Pages in ahead of it: a note's rows (None: a folder page).
    waiting: FxHashMap<usize, Option<String>>,
    /// The file's bytes made and not spilled yet.
    csv: String,
    /// Whether any were.
    spilled: bool,
}

impl<'a> AnkiStream<'a> {
    /// `spill` takes the file's start and each part after it, in order (called under a lock).
    pub(crate) fn new(spill: &'a (dyn Fn(&[u8]) + Sync)) -> AnkiStream<'a> {
        let csv = ANKI_HEADER.to_string();
        let state = AnkiState { next: 0, waiting: FxHashMap::default(), csv, spilled: false };
        AnkiStream { state: std::sync::Mutex::new(state), spill }
    }

    /// The page at `position` of the pages rendered is done: a note's rows (`note_anki_rows`;
    /// None for a folder page). Every position must come in once.
    pub(crate) fn add(&self, position: usize, rows: Option<String>) {
        let mut state = self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let AnkiState { next, waiting, csv, spilled } = &mut *state;
        waiting.insert(position, rows);
        while let Some(page) = waiting.remove(next) {
            if let Some(rows) = page {
                csv.push_str(&rows);
            }
            *next += 1;
            if csv.len() >= ANKI_CHUNK {
                (self.spill)(csv.as_bytes());
                csv.clear();
                *spilled = true;
            }
        }
    }

    /// The file's bytes not spilled, and whether any were (then these are its end).
    pub(crate) fn finish(self) -> (Vec<u8>, bool) {
        let state = self.state.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
        (state.csv.into_bytes(), state.spilled)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quiz_json_escapes_what_ends_a_script_or_a_line_and_nothing_else() {
        // `<`, U+2028 and U+2029 escaped; other characters led by the same byte (`—`, `€`,
        // `…`) and Hangul kept as they are; a text with none of them given back whole.
        let text = "a</script>—b\u{2028}c€\u{2029}d…<!--한글";
        assert_eq!(json(&text), "\"a\\u003c/script>—b\\u2028c€\\u2029d…\\u003c!--한글\"");
        assert_eq!(json(&"이진 탐색 — 트리"), "\"이진 탐색 — 트리\"");
        assert_eq!(json(&["<", "\u{2028}"]), "[\"\\u003c\",\"\\u2028\"]");
        // The escapes parse back to the text.
        let back: String = serde_json::from_str(&json(&text)).unwrap();
        assert_eq!(back, text);
    }

    /// Notes whose answers hold what pulldown-cmark's writer writes with state: footnotes,
    /// tables, images, a rule, blocks after a code block or a term link, `<details>` answers.
    const TRICKY: [&str; 3] = [
        "# 용어\n\n- **스레드** : 실행 흐름\n- **프로세스** : 실행 중인 프로그램\n\n## 1번 문제\n### Q. 스레드란?\n\
         프로세스 안의 흐름, [링크](다른.md#가나) <mailto:a@b.c> https://예시.com/경로 [t](https://x.com/한 \"제목\")\n\n\
         ```rust\nfn main() {}\n```\n다음 문단.\n\n---\n\n| 가 | 나 |\n|:-|-:|\n| 프로세스 | x |\n\n\
         각주[^1] 입니다.\n\n[^1]: 각주 내용\n\n![프로세스 **그림**](그림.png \"제목\")\n\n\
         ### Q. 두 번째\n> 인용 **프로세스**\n> ```\n> code\n> ```\n\n```\nx\n```\n- 프로세스\n\n\
         ### Q. 세 번째\n```\nonly code\n```\n",
        "# 세부\n\n<details><summary>Q. 프로세스는?</summary>\n\n답은 프로세스.\n\n```\nx\n```\n</details>\n\n\
         <details>\n<summary>Q. 스레드는?</summary>\n텍스트 바로 뒤\n- 목록 프로세스\n\n| a |\n|-|\n| b |\n</details>\n\n\
         <details><summary>Q. 표 안</summary>\n\n| a | b |\n|-|-|\n| 1 | 2 |\n\n***\n\n1. 하나\n</details>\n",
        "# 이어서\n\n머리말[^a]\n\n[^a]: 앞\n\n## Q. 바깥\n\n프로세스\n\n### Q. 안쪽\n\n- 스레드\n  ```\n  c\n  ```\n\n> ### Q. 인용 안\n> 답\n>\n> ---\n\n\
         ## Q. 마지막\n\n1. 스레드\n2. [^n]\n\n[^n]: 주\n",
    ];

    #[test]
    fn answers_cut_from_the_page_are_the_answers_rendered_on_their_own() {
        use crate::render::body::{render_body, BodyWords};
        // The shared corpus (`../shared`), 40 generated notes and the tricky ones.
        let shared = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora");
        let sources = crate::discover::scan(&shared, &[]).expect("../shared/corpora");
        let mut texts: Vec<String> =
            sources.notes.iter().map(|f| std::fs::read_to_string(&f.abs).expect("a note")).collect();
        assert!(texts.len() > 150, "the shared corpus: {} notes", texts.len());
        texts.extend((0..40).map(|i| crate::generated_notes::note_text(1, i * 25, 1000).0));
        texts.extend(TRICKY.iter().map(|t| t.to_string()));
        let notes = texts.iter().enumerate().filter_map(|(i, text)| {
            crate::pipeline::parse_note(&format!("n{i}.md"), text.as_bytes(), false).ok().flatten()
        });
        let site = Site::assemble(notes.collect(), Vec::new(), None, "site");
        let glossary = Glossary::of(&site);
        let words = crate::config::Words::default();
        let (mut answers, mut cut) = (0, 0);
        for (n, note) in site.notes.iter().enumerate() {
            let resolve = |dest: &str| crate::enrich::links::resolve(&site, n, dest, None);
            let body =
                || render_body(note, &resolve, &BodyWords::new(&words), &crate::cache::CodeCache::none(), &glossary);
            let before = ANSWERS_CUT.with(std::cell::Cell::get);
            let page = body();
            cut += ANSWERS_CUT.with(std::cell::Cell::get) - before;
            let apart = with_every_answer_apart(body);
            assert_eq!(page.html, apart.html);
            assert_eq!(page.answers, apart.answers, "{}", note.source);
            answers += page.answers.iter().filter(|a| !a.is_empty()).count();
        }
        // Most answers are cut from the page; the tricky ones are rendered on their own.
        assert!(answers > 300 && cut * 10 > answers * 9, "{cut} of {answers} answers cut from the page");
        assert!(cut < answers, "{cut} of {answers}");
    }

    /// `events` with `substitutes` (event index → its Anki HTML) as one answer: cut from the
    /// page's HTML, and rendered on its own.
    fn cut_and_apart(events: Vec<Event<'static>>, substitutes: &[(usize, &'static str)]) -> (String, String) {
        let answers = |all_apart: bool| {
            let mut answers = Answers {
                ranges: vec![Some((0, events.len()))],
                anki_events: substitutes.iter().map(|&(i, html)| (i, Cow::Borrowed(html))).collect(),
                apart: vec![None],
            };
            match all_apart {
                true => with_every_answer_apart(|| answers.render_apart(&events)),
                false => answers.render_apart(&events),
            }
            answers
        };
        let mut html = String::new();
        let offsets = crate::render::body::push_html_at(&mut html, events.clone().into_iter());
        let cut = answers(false).cut(&html, &offsets).remove(0);
        let apart = answers(true).cut(&html, &offsets).remove(0);
        (cut, apart)
    }

    #[test]
    fn an_answer_is_cut_from_the_page_only_where_the_writer_would_write_it_alike() {
        // A block after a substitute that ends its line where the page's event did not: the
        // page's writer breaks the line before `<p>`, the export's does not.
        let events = || {
            vec![
                Event::Start(Tag::Paragraph),
                Event::Text("a".into()),
                Event::End(TagEnd::Paragraph),
                Event::Html("<div>".into()),
                Event::Start(Tag::Paragraph),
                Event::Text("b".into()),
                Event::End(TagEnd::Paragraph),
            ]
        };
        let (cut, apart) = cut_and_apart(events(), &[(3, "<hr>\n")]);
        assert_eq!(cut, apart);
        assert_eq!(apart, "<p>a</p>\n<hr>\n<p>b</p>");
        assert!(!cuttable(&events(), |i| (i == 3).then_some("<hr>\n")));
        // Ending alike, it is cut.
        assert!(cuttable(&events(), |i| (i == 3).then_some("<hr>")));
        assert_eq!(cut_and_apart(events(), &[(3, "<hr>")]).0, "<p>a</p>\n<hr>\n<p>b</p>");
        // A link is written as pulldown-cmark writes it, percent-encoded.
        let link = Tag::Link {
            link_type: LinkType::Inline,
            dest_url: "가.html#나".into(),
            title: "\"t\"".into(),
            id: "".into(),
        };
        let (cut, apart) =
            cut_and_apart(vec![Event::Start(link), Event::Text("x".into()), Event::End(TagEnd::Link)], &[]);
        assert_eq!(
            (cut.as_str(), apart.as_str()),
            (apart.as_str(), "<a href=\"%EA%B0%80.html#%EB%82%98\" title=\"&quot;t&quot;\">x</a>")
        );
        // Footnote numbers and a table begun before the answer: rendered on its own.
        let footnote = vec![Event::Text("x".into()), Event::FootnoteReference("n".into())];
        assert!(!cuttable(&footnote, |_| None));
        let cell = vec![Event::Start(Tag::TableCell), Event::Text("x".into()), Event::End(TagEnd::TableCell)];
        assert!(!cuttable(&cell, |_| None));
        // A substitute in an image's description, which the writer reads on its own.
        let image =
            Tag::Image { link_type: LinkType::Inline, dest_url: "i.png".into(), title: "".into(), id: "".into() };
        let events = vec![
            Event::Start(image),
            Event::InlineHtml("<b>".into()),
            Event::Text("x".into()),
            Event::End(TagEnd::Image),
        ];
        let (cut, apart) = cut_and_apart(events, &[(1, "<i>")]);
        assert_eq!((cut.as_str(), apart.as_str()), (apart.as_str(), "<img src=\"i.png\" alt=\"x\" />"));
        let table = [
            vec![Event::Start(Tag::Table(vec![])), Event::Start(Tag::TableHead)],
            cell,
            vec![Event::End(TagEnd::TableHead), Event::End(TagEnd::Table)],
        ]
        .concat();
        assert!(cuttable(&table, |_| None));
    }

    #[test]
    fn references_merge_by_address() {
        assert_eq!(reference_key("https://www.A.com/x/#frag"), reference_key("http://a.com/x"));
        assert_ne!(reference_key("https://a.com/x"), reference_key("https://a.com/y"));
        assert_eq!(domain("https://www.Velog.io/@n/글"), "velog.io");
        assert_eq!(domain("https://user@host.com:8080/a"), "host.com:8080");
    }
}
