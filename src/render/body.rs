//! Second pass over a note: Markdown to HTML with heading ids, highlighted code, resolved
//! links, bare URLs and `@` reference lines turned into links, and the page's references.
//! It reads the note as `markdown::prepare` gives it, and writes its marked lines: callouts
//! (with GitHub alerts), and raw HTML lines after lists without the prefix that placed them.

use super::autolink::{display_url, may_hold_link, split_urls, Piece};
use super::href::compact;
use super::study::StudyWriter;
use super::{escape, math};
use crate::cache::CodeCache;
use crate::config::Words;
use crate::diagnostics::{Diagnostic, LineIndex};
use crate::enrich::study::Glossary;
use crate::markdown::callouts::{self, Callout, Labels};
use crate::markdown::emoji::{with_emoji, RawHtml};
use crate::markdown::prepare::LAZY_HTML_PREFIX;
use crate::markdown::{code_blocks::fence_language, html_attributes::quoted_attributes, mdx, parser_options};
use crate::model::{Marked, Note, Preparation, Reference, Resolved, TocEntry};
use crate::text::{push_escaped_html, without_controls};
use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Parser, Tag, TagEnd, TextMergeWithOffset};
use std::borrow::Cow;
use std::collections::HashSet;

/// A note's body as HTML and what was learnt while producing it.
#[derive(Debug, Default)]
pub(crate) struct Body {
    pub(crate) html: String,
    pub(crate) toc: Vec<TocEntry>,
    pub(crate) references: Vec<Reference>,
    pub(crate) diagnostics: Vec<Diagnostic>,
    /// The note's title heading, when it opened the note and was lifted out of `html` for the
    /// page template to show: its id, so links to it still land.
    pub(crate) lifted_title_id: Option<String>,
    /// The title heading is still inside `html` (it did not open the note).
    pub(crate) title_in_body: bool,
    /// Site paths the note links to (see `Resolved::target`).
    pub(crate) targets: Vec<String>,
    /// Every external (http/https) link and embed with the line it is written on, repeats
    /// included: what `gongbu check --external` checks.
    pub(crate) external: Vec<(String, usize)>,
    /// Where in the body the event being written starts, and the bare URLs found so far with it:
    /// their lines are counted once at the end.
    at: usize,
    bare_urls: Vec<(String, usize)>,
    /// The note's text per heading section, for the search index: the index in
    /// `note.headings` of the section's heading (None: before the first one) and its text.
    pub(crate) sections: Vec<(Option<usize>, String)>,
    /// The HTML of each study question's answer, code blocks unhighlighted (for the Anki export),
    /// in `note.study.questions` order (see `render::study`).
    pub(crate) answers: Vec<String>,
    /// What `references` and `targets` already hold, so a note with many links stays linear.
    seen_references: HashSet<String>,
    seen_targets: HashSet<String>,
}

/// Words the body itself needs.
pub(crate) struct BodyWords<'a> {
    /// Labels of callouts.
    pub(crate) callouts: Labels<'a>,
    /// Accessible names of task list boxes, ticked and not.
    pub(crate) task_done: &'a str,
    pub(crate) task_todo: &'a str,
}

impl<'a> BodyWords<'a> {
    pub(crate) fn new(words: &'a Words) -> Self {
        BodyWords {
            callouts: Labels {
                note: &words.callout_note,
                tip: &words.callout_tip,
                important: &words.callout_important,
                warning: &words.callout_warning,
                caution: &words.callout_caution,
                info: &words.callout_info,
                danger: &words.callout_danger,
                details: &words.callout_details,
            },
            task_done: &words.task_done,
            task_todo: &words.task_todo,
        }
    }
}

/// Render `note`; `resolve` says where each written link goes, `glossary` where terms are defined.
pub(crate) fn render_body(
    note: &Note,
    resolve: &dyn Fn(&str) -> Resolved,
    words: &BodyWords,
    code_cache: &CodeCache,
    glossary: &Glossary,
) -> Body {
    // The parse stage prepared the body (`markdown::prepare`); its text is what is parsed here.
    let prepared = note.preparation();
    let text = note.parsed_text();
    let mut body = Body { toc: toc(note), ..Body::default() };
    for (line, problem) in &prepared.problems {
        body.diagnostics.push(Diagnostic::warning(&note.source, note.body_line + line, problem));
    }
    let mut writer = BodyWriter {
        study: StudyWriter::new(note, glossary),
        note,
        resolve,
        words,
        code_cache,
        lines: LineIndex::new(text, note.body_line),
        body,
        // Room for about one event per eight bytes of Markdown, not grown by doubling from none
        // (1k notes, `-j 1`: render_body 3,484.7 M -> 3,464.3 M instructions).
        events: Vec::with_capacity(text.len() / 8),
        heading: 0,
        in_heading: false,
        lifting_title: false,
        link_depth: 0,
        image_depth: 0,
        image_alt: None,
        autolink_text: false,
        code: None,
        raw_html: RawHtml::default(),
        prepared,
        text,
        depth: 0,
        callouts: Vec::new(),
        components: prepared.components.iter().cloned().collect(),
        // The section texts are about the note's text: room for it once.
        section_text: String::with_capacity(text.len()),
        section_starts: vec![(None, 0)],
    };
    let parser = TextMergeWithOffset::new(Parser::new_ext(text, parser_options()).into_offset_iter())
        .map(|(event, range)| (without_control_chars(event), range));
    for (event, range) in parser {
        if !writer.lifts_title(&event) {
            writer.body.at = range.start;
            writer.push(event, range.start);
        }
    }
    let bare = std::mem::take(&mut writer.body.bare_urls);
    writer.body.external.extend(bare.into_iter().map(|(href, at)| (href, writer.lines.line_of(at))));
    writer.finish()
}

/// What `render_body` carries from one Markdown event to the next, and the events it passes on
/// to the HTML writer.
struct BodyWriter<'a> {
    note: &'a Note,
    resolve: &'a dyn Fn(&str) -> Resolved,
    words: &'a BodyWords<'a>,
    /// Highlights code blocks, or takes them from the last build.
    code_cache: &'a CodeCache,
    lines: LineIndex,
    body: Body,
    events: Vec<Event<'a>>,
    /// Index in `note.headings` of the next heading.
    heading: usize,
    /// Inside a heading: its text is the section's heading, not its text.
    in_heading: bool,
    /// Inside the opening title heading, which the page template shows instead of the body.
    lifting_title: bool,
    /// Inside a link or an image: its text is not searched for bare URLs.
    link_depth: usize,
    /// Inside an image: its text is the `alt` attribute, which keeps shortcodes as GitHub does.
    image_depth: usize,
    /// The outermost open image: where it starts, and whether its alt text has any words yet.
    image_alt: Option<(usize, bool)>,
    /// Inside an autolink (`<https://…>`): its text shows the readable URL.
    autolink_text: bool,
    /// Inside a code block: its language and its text so far.
    code: Option<(Option<String>, String)>,
    /// The raw HTML so far, for emoji in its text (and none inside its `<code>`).
    raw_html: RawHtml,
    /// The text parsed, and its marked lines.
    prepared: &'a Preparation,
    text: &'a str,
    /// How many tags (but raw HTML blocks) are open: callouts close with the block they opened in.
    depth: usize,
    /// Open `:::` callouts: their kind and the `depth` they opened at.
    callouts: Vec<(callouts::Kind, usize)>,
    /// JSX components already warned about.
    components: HashSet<String>,
    /// Study questions and glossary terms (`render::study`).
    study: StudyWriter<'a>,
    /// The text of every heading section so far, one after the other, and where each section
    /// starts in it with its heading (see `Body::sections`). One string made once: a string
    /// per section grew from none as its text came (1k notes, `-j 1`: 46,798 reallocations,
    /// 11.7 M instructions), and is now made at its size at the end.
    section_text: String,
    section_starts: Vec<(Option<usize>, usize)>,
}

impl<'a> BodyWriter<'a> {
    /// Whether `event` belongs to the note's title heading when that heading opens the note: it
    /// is left out of the body for the page template to show, its id kept so links still land.
    fn lifts_title(&mut self, event: &Event) -> bool {
        let opens_note = self.events.is_empty() && self.heading == 0 && self.note.title_heading == Some(0);
        if opens_note && matches!(event, Event::Start(Tag::Heading { .. })) {
            self.lifting_title = true;
            self.body.lifted_title_id = self.note.headings.first().map(|h| h.id().to_string());
        }
        if self.lifting_title && matches!(event, Event::End(TagEnd::Heading(_))) {
            self.lifting_title = false;
            self.heading += 1;
            return true;
        }
        self.lifting_title
    }

    /// Pass one event on, rewritten where the page needs it; `offset` is where it starts in the
    /// note's body.
    fn push(&mut self, event: Event<'a>, offset: usize) {
        self.follow_depth(&event);
        self.record_text(&event);
        self.follow_image_alt(&event, offset);
        match event {
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                self.study.enter();
                let callout = Callout { kind: callouts::Kind::from_alert(kind), title: None };
                self.events.push(Event::Html(callouts::open_html(&callout, &self.words.callouts, escape).into()));
            }
            Event::End(TagEnd::BlockQuote(Some(kind))) => {
                self.study.leave(&mut self.events);
                self.events.push(Event::Html(callouts::close_html(callouts::Kind::from_alert(kind)).into()));
            }
            Event::Html(html) if self.prepared.mark_at(offset).is_some() => self.marked_html(html, offset, true),
            Event::InlineHtml(html) if self.prepared.mark_at(offset).is_some() => self.marked_html(html, offset, false),
            Event::Start(Tag::Heading { level, classes, attrs, .. }) => {
                self.study.heading_start(self.heading, level as u8, &mut self.events);
                let id = self.note.headings.get(self.heading).map(|h| CowStr::from(h.id().to_string()));
                self.events.push(Event::Start(Tag::Heading { level, id, classes, attrs }));
            }
            Event::End(TagEnd::Heading(level)) => {
                self.end_heading(level);
                self.study.heading_end(&mut self.events);
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => fence_language(&info),
                    CodeBlockKind::Indented => None,
                };
                self.code = Some((lang, String::new()));
            }
            Event::End(TagEnd::CodeBlock) => self.end_code_block(offset),
            Event::Text(text) if self.code.is_some() => {
                if let Some((_, buf)) = self.code.as_mut() {
                    buf.push_str(&text);
                }
            }
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                self.link_depth += 1;
                self.autolink_text = link_type == LinkType::Autolink;
                let dest_url = self.resolve_link(&dest_url, Kind::Link, offset);
                self.events.push(Event::Start(Tag::Link { link_type, dest_url, title, id }));
            }
            Event::End(TagEnd::Link) => {
                self.link_depth = self.link_depth.saturating_sub(1);
                self.autolink_text = false;
                self.events.push(Event::End(TagEnd::Link));
            }
            Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
                self.link_depth += 1;
                self.image_depth += 1;
                let dest_url = self.resolve_link(&dest_url, Kind::Embed, offset);
                self.events.push(Event::Start(Tag::Image { link_type, dest_url, title, id }));
            }
            Event::End(TagEnd::Image) => {
                self.link_depth = self.link_depth.saturating_sub(1);
                self.image_depth = self.image_depth.saturating_sub(1);
                self.events.push(Event::End(TagEnd::Image));
            }
            Event::Text(text) if self.autolink_text => self.events.push(Event::Text(display_url(&text).into())),
            Event::Text(text) if self.link_depth == 0 => {
                let shortcodes = !self.raw_html.verbatim();
                let body = &mut self.body;
                self.study.text(text, &mut self.events, |t, events| link_bare_urls(&t, shortcodes, events, body));
            }
            Event::Text(text) if !self.raw_html.verbatim() && self.image_depth == 0 => {
                self.events.push(Event::Text(emoji(text)))
            }
            Event::InlineMath(tex) => self.push_math(tex, false, offset),
            Event::DisplayMath(tex) => self.push_math(tex, true, offset),
            event @ (Event::Start(Tag::HtmlBlock) | Event::End(TagEnd::Paragraph)) => {
                self.raw_html.reset();
                self.events.push(event);
            }
            Event::Html(html) => {
                self.warn_components(&html, offset);
                let html = self.rewrite_raw_html(html, offset);
                let html = match self.raw_html.with_emoji(&html) {
                    Cow::Borrowed(_) => html,
                    Cow::Owned(shown) => shown.into(),
                };
                self.study.html(html, offset, false, &mut self.events);
            }
            Event::InlineHtml(html) => {
                self.warn_components(&html, offset);
                let html = self.rewrite_raw_html(html, offset);
                self.raw_html.skip(&html);
                self.study.html(html, offset, true, &mut self.events);
            }
            Event::Start(Tag::Strong) => self.study.strong(offset, &mut self.events),
            Event::Start(Tag::BlockQuote(_) | Tag::Item | Tag::FootnoteDefinition(_)) => {
                self.study.enter();
                self.events.push(event);
            }
            Event::End(TagEnd::BlockQuote(_) | TagEnd::Item | TagEnd::FootnoteDefinition) => {
                self.study.leave(&mut self.events);
                self.events.push(event);
            }
            Event::TaskListMarker(done) => {
                let label = if done { self.words.task_done } else { self.words.task_todo };
                self.events.push(Event::InlineHtml(task_marker_html(done, label).into()));
            }
            other => self.events.push(other),
        }
    }

    /// An image with no alt text is read to screen readers as its file name, or not at all:
    /// the build warns at its line (the page itself is the note's, not the theme's, to fix).
    fn follow_image_alt(&mut self, event: &Event, offset: usize) {
        match event {
            Event::Start(Tag::Image { .. }) if self.image_alt.is_none() => self.image_alt = Some((offset, false)),
            Event::Text(t) | Event::Code(t) if !t.trim().is_empty() => {
                if let Some((_, words)) = self.image_alt.as_mut() {
                    *words = true;
                }
            }
            Event::End(TagEnd::Image) if self.image_depth <= 1 => {
                if let Some((at, false)) = self.image_alt.take() {
                    let line = self.lines.line_of(at);
                    let message = "image has no alt text: describe it between the brackets, ![like this](…)";
                    self.body.diagnostics.push(Diagnostic::warning(&self.note.source, line, message));
                }
            }
            _ => {}
        }
    }

    /// Count open blocks; a `:::` callout still open when the block it opened in ends is
    /// closed first, so the HTML stays well nested whatever the fences say.
    fn follow_depth(&mut self, event: &Event) {
        match event {
            Event::Start(tag) if !matches!(tag, Tag::HtmlBlock) => self.depth += 1,
            Event::End(tag) if !matches!(tag, TagEnd::HtmlBlock) => {
                self.depth = self.depth.saturating_sub(1);
                self.close_callouts_deeper_than(Some(self.depth));
            }
            _ => {}
        }
    }

    /// Close the callouts opened inside more than `depth` blocks (all of them for None).
    fn close_callouts_deeper_than(&mut self, depth: Option<usize>) {
        while let Some(&(kind, opened_at)) = self.callouts.last() {
            if depth.is_some_and(|depth| opened_at <= depth) {
                break;
            }
            self.callouts.pop();
            self.events.push(Event::Html(callouts::close_html(kind).into()));
        }
    }

    /// Raw HTML on a line `prepare` marked: a callout's fence, or an HTML line after a list.
    /// A fence is acted on only as a block of its own (`block`); one the parser read inside a
    /// paragraph (an indented continuation line) stays the comment it was turned into.
    fn marked_html(&mut self, html: CowStr<'a>, offset: usize, block: bool) {
        let mark = self.prepared.mark_at(offset);
        match mark.map(|m| m.what) {
            // Shown as the author wrote it, as a paragraph's text.
            Some(Marked::Open | Marked::Close) if !block => {
                self.events.push(Event::Text(mark.map_or(String::new(), |m| m.written.clone()).into()))
            }
            Some(Marked::Open) => {
                // `prepare` marked the line because it is an opening fence: this reads its kind and title.
                if let Some(Some(callout)) = mark.and_then(|m| callouts::fence(&m.written)) {
                    let open = callouts::open_html(&callout, &self.words.callouts, escape);
                    self.events.push(Event::Html(open.into()));
                    self.callouts.push((callout.kind, self.depth));
                }
            }
            Some(Marked::Close) => {
                // A fence closes the callout opened in the same block; others were closed already.
                if let Some(&(kind, opened_at)) = self.callouts.last() {
                    if opened_at == self.depth {
                        self.callouts.pop();
                        self.events.push(Event::Html(callouts::close_html(kind).into()));
                    }
                }
            }
            Some(Marked::LazyHtml) | None => {
                let html = match html.find(LAZY_HTML_PREFIX) {
                    Some(at) if html[..at].trim().is_empty() => {
                        CowStr::from(format!("{}{}", &html[..at], &html[at + LAZY_HTML_PREFIX.len()..]))
                    }
                    _ => html,
                };
                self.warn_components(&html, offset);
                let html = self.rewrite_raw_html(html, offset);
                self.events.push(if block { Event::Html(html) } else { Event::InlineHtml(html) });
            }
        }
    }

    /// In an MDX note, a JSX component in raw HTML (`<Highlight color="x">`) is warned about
    /// once: the browser shows its text, but not what the component would have made of it.
    fn warn_components(&mut self, html: &str, offset: usize) {
        if !self.prepared.mdx || self.code.is_some() {
            return;
        }
        for name in mdx::components_in(html) {
            if self.components.insert(name.to_string()) {
                let line = self.lines.line_of(offset);
                let message = format!("JSX component `<{name}>` is not supported: only its text is shown");
                self.body.diagnostics.push(Diagnostic::warning(&self.note.source, line, message));
            }
        }
    }

    /// Keep the text of `event` in its heading section, for the search index.
    fn record_text(&mut self, event: &Event) {
        let text = match event {
            Event::Start(Tag::Heading { .. }) => {
                self.in_heading = true;
                self.section_starts.push((Some(self.heading), self.section_text.len()));
                return;
            }
            Event::End(TagEnd::Heading(_)) => {
                self.in_heading = false;
                return;
            }
            Event::Text(t) | Event::Code(t) if !self.in_heading => t,
            Event::SoftBreak | Event::HardBreak | Event::End(_) if !self.in_heading => " ",
            _ => return,
        };
        self.section_text.push_str(text);
    }

    /// A heading ends. Its `#` link is added by the theme's script (`gongbu.js`), from the
    /// heading's id: written on every heading of every page it was a twelfth of the pages' bytes.
    fn end_heading(&mut self, level: HeadingLevel) {
        self.heading += 1;
        self.events.push(Event::End(TagEnd::Heading(level)));
    }

    /// A code block is written whole once its text is known: highlighted, or escaped; a
    /// ```` ```math ```` block is a display formula (`offset`: the block's start).
    fn end_code_block(&mut self, offset: usize) {
        if let Some((lang, text)) = self.code.take() {
            if lang.as_deref().is_some_and(|l| l.eq_ignore_ascii_case("math")) {
                let first_line = self.lines.line_of(offset) + 1;
                return self.push_math_html(&text, math::Placement::Block, first_line);
            }
            self.study.code_block(self.events.len(), &text);
            let html = code_block_html(self.code_cache, lang.as_deref(), &text, self.note.code_language);
            self.events.push(Event::Html(html.into()));
        }
    }

    /// `$…$` or `$$…$$` at `offset` as MathML; an inline pair GitHub would not read as math
    /// stays the text it was.
    fn push_math(&mut self, tex: CowStr<'a>, display: bool, offset: usize) {
        if !display && !math::is_inline_math(self.text, offset, &tex) {
            let text = format!("${tex}$");
            let shortcodes = !self.raw_html.verbatim();
            if self.link_depth == 0 {
                link_bare_urls(&text.into(), shortcodes, &mut self.events, &mut self.body);
            } else if shortcodes && self.image_depth == 0 {
                self.events.push(Event::Text(emoji(text.into())));
            } else {
                self.events.push(Event::Text(text.into()));
            }
            return;
        }
        let line = self.lines.line_of(offset);
        match display {
            true => self.push_math_html(&tex, math::Placement::InParagraph, line),
            false => self.push_math_html(math::without_backticks(&tex), math::Placement::Inline, line),
        }
    }

    /// A formula's HTML; one that cannot be read is shown as code, with a warning at `line`.
    fn push_math_html(&mut self, tex: &str, placement: math::Placement, line: usize) {
        let (html, problem) = math::math_html(tex, placement);
        if let Some(why) = problem {
            let message = format!("math: {why}; the formula is shown as written");
            self.body.diagnostics.push(Diagnostic::warning(&self.note.source, line, message));
        }
        let block = placement == math::Placement::Block;
        self.events.push(if block { Event::Html(html.into()) } else { Event::InlineHtml(html.into()) });
    }

    /// Where a Markdown link or image goes, recorded on the body (reference, target, warning).
    fn resolve_link(&mut self, dest: &str, kind: Kind, offset: usize) -> CowStr<'a> {
        let resolved = (self.resolve)(dest);
        note_link(&mut self.body, &resolved, kind, self.lines.line_of(offset), self.note);
        resolved.href.into()
    }

    /// Raw HTML with its `href`/`src` links resolved like Markdown links.
    fn rewrite_raw_html(&mut self, html: CowStr<'a>, offset: usize) -> CowStr<'a> {
        let line = self.lines.line_of(offset);
        let rewritten = rewrite_html_links(&html, self.resolve, &mut self.body, line, self.note);
        rewritten.map_or(html, CowStr::from)
    }

    /// The body's HTML and what was learnt on the way.
    fn finish(mut self) -> Body {
        self.close_callouts_deeper_than(None);
        let mut answers = self.study.finish(&mut self.events);
        answers.render_apart(&self.events);
        let mut body = self.body;
        let ends = self.section_starts.iter().skip(1).map(|&(_, start)| start).chain([self.section_text.len()]);
        body.sections = (self.section_starts.iter().zip(ends))
            .map(|(&(heading, start), end)| (heading, self.section_text[start..end].to_string()))
            .collect();
        body.title_in_body = self.note.title_heading.is_some() && body.lifted_title_id.is_none();
        body.html.reserve(html_room(&self.events));
        let offsets = push_html_at(&mut body.html, with_compact_links(self.events));
        body.answers = answers.cut(&body.html, &offsets);
        body
    }
}

/// About the bytes `push_html_at` writes for `events`: their texts (highlighted code is most
/// of a page with code) and a tag's worth for each. Room for one and a half times the note's
/// Markdown was too little for pages with much highlighted code, whose HTML then grew by
/// copying (1k notes, `-j 1`: 896 reallocations of page bodies, 10.8 M instructions).
fn html_room(events: &[Event]) -> usize {
    let texts: usize = events
        .iter()
        .map(|event| match event {
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => t.len(),
            Event::InlineMath(t) | Event::DisplayMath(t) | Event::FootnoteReference(t) => t.len(),
            Event::Start(Tag::Link { dest_url, title, .. } | Tag::Image { dest_url, title, .. }) => {
                dest_url.len() + title.len()
            }
            Event::Start(Tag::Heading { id, .. }) => id.as_ref().map_or(0, |id| id.len()),
            _ => 0,
        })
        .sum();
    texts + events.len() * 8
}

/// `pulldown_cmark::html::push_html`, and where in `html` each event's output starts (and,
/// last, where the output ends): the Anki export cuts answers from it.
pub(super) fn push_html_at<'e>(html: &mut String, events: impl Iterator<Item = Event<'e>>) -> Vec<usize> {
    /// Appends to the page, keeping its length where the events can read it.
    struct Counted<'s> {
        html: &'s mut String,
        len: &'s std::cell::Cell<usize>,
    }
    impl std::fmt::Write for Counted<'_> {
        fn write_str(&mut self, s: &str) -> std::fmt::Result {
            self.html.push_str(s);
            self.len.set(self.html.len());
            Ok(())
        }
    }
    let len = std::cell::Cell::new(html.len());
    let mut offsets = Vec::with_capacity(events.size_hint().0 + 1);
    // The writer asks for an event once it has written every one before.
    let events = events.inspect(|_| offsets.push(len.get()));
    // Writing to a `String` cannot fail.
    let _ = pulldown_cmark::html::write_html_fmt(Counted { html, len: &len }, events);
    offsets.push(len.get());
    offsets
}

/// Links written with `href::compact` hrefs (pulldown-cmark's writer percent-encodes every
/// non-ASCII byte: a Hangul anchor three times as long); a link inside an image's description
/// stays an event, as the writer keeps only its text there.
fn with_compact_links(events: Vec<Event<'_>>) -> impl Iterator<Item = Event<'_>> {
    let mut in_image = 0usize;
    events.into_iter().map(move |event| match event {
        Event::Start(Tag::Image { .. }) => {
            in_image += 1;
            event
        }
        Event::End(TagEnd::Image) => {
            in_image = in_image.saturating_sub(1);
            event
        }
        Event::Start(Tag::Link { link_type, dest_url, title, .. }) if in_image == 0 => {
            let mailto = if link_type == LinkType::Email { "mailto:" } else { "" };
            let href = compact(&dest_url);
            // Escaped straight into a string with room for the tag: `format!` grew it.
            let mut html = String::with_capacity(href.len() + title.len() + 32);
            html.push_str(r#"<a href=""#);
            html.push_str(mailto);
            push_escaped_html(&mut html, &href);
            html.push('"');
            if !title.is_empty() {
                html.push_str(r#" title=""#);
                push_escaped_html(&mut html, &title);
                html.push('"');
            }
            html.push('>');
            Event::InlineHtml(html.into())
        }
        Event::End(TagEnd::Link) if in_image == 0 => Event::InlineHtml("</a>".into()),
        other => other,
    })
}

/// The note's text is free of control characters, but entities (`&#1;`) decode to them:
/// text, code, link targets and titles are cleaned again here, so none reaches the HTML.
fn without_control_chars(event: Event<'_>) -> Event<'_> {
    fn clean(s: CowStr<'_>) -> CowStr<'_> {
        match without_controls(&s) {
            Cow::Borrowed(_) => s,
            Cow::Owned(cleaned) => cleaned.into(),
        }
    }
    match event {
        Event::Text(t) => Event::Text(clean(t)),
        Event::Code(t) => Event::Code(clean(t)),
        Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
            Event::Start(Tag::Link { link_type, dest_url: clean(dest_url), title: clean(title), id })
        }
        Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
            Event::Start(Tag::Image { link_type, dest_url: clean(dest_url), title: clean(title), id })
        }
        other => other,
    }
}

/// What a link does: a link a reader follows (an external one is a reference), or something
/// embedded in the page (an image, a script), which is not.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Link,
    Embed,
}

/// Record a resolved link: a reference when an external link, a warning when it may not work.
fn note_link(body: &mut Body, resolved: &Resolved, kind: Kind, line: usize, note: &Note) {
    if resolved.external && kind == Kind::Link {
        add_reference(body, &resolved.href);
    }
    if resolved.external {
        body.external.push((resolved.href.clone(), line));
    }
    if let Some(target) = &resolved.target {
        if body.seen_targets.insert(target.clone()) {
            body.targets.push(target.clone());
        }
    }
    if let Some(problem) = &resolved.problem {
        body.diagnostics.push(Diagnostic::warning(&note.source, line, problem));
    }
}

/// Links written in raw HTML (`<a href="../OS/README.md">`, `<img src="img/a.png">`) go
/// where Markdown links go. Returns the rewritten HTML, or None when nothing changed.
fn rewrite_html_links(
    html: &str,
    resolve: &dyn Fn(&str) -> Resolved,
    body: &mut Body,
    line: usize,
    note: &Note,
) -> Option<String> {
    let mut out = String::new();
    let mut copied = 0;
    // Lines are counted from the previous attribute on, so many links in one block stay linear.
    let (mut counted_to, mut line) = (0, line);
    for attribute in quoted_attributes(html, &["href", "src"]) {
        let kind = if attribute.name == "href" { Kind::Link } else { Kind::Embed };
        line += html[counted_to..attribute.start].matches('\n').count();
        counted_to = attribute.start;
        let (value_start, value_end) = (attribute.value.start, attribute.value.end);
        let value = &html[value_start..value_end];
        if value.trim().is_empty() || value.contains(['{', '$']) {
            continue; // template placeholders in HTML samples, not links
        }
        let resolved = resolve(value.trim());
        note_link(body, &resolved, kind, line, note);
        if resolved.href != value.trim() {
            out.push_str(&html[copied..value_start]);
            out.push_str(&escape(&resolved.href));
            copied = value_end;
        }
    }
    (copied > 0).then(|| {
        out.push_str(&html[copied..]);
        out
    })
}

fn add_reference(body: &mut Body, href: &str) {
    if body.seen_references.insert(href.to_string()) {
        body.references.push(Reference { href: href.to_string(), text: display_url(href) });
    }
}

/// Turn URLs and e-mail addresses in a text run into links; `@`-marked URLs get the `ref`
/// class. Addresses are not references (nothing to read there). `shortcodes`: the text between
/// them shows GitHub's emoji shortcodes as emoji.
fn link_bare_urls<'a>(text: &CowStr<'a>, shortcodes: bool, events: &mut Vec<Event<'a>>, body: &mut Body) {
    let shown = |t: CowStr<'a>| if shortcodes { emoji(t) } else { t };
    if !may_hold_link(text) {
        events.push(Event::Text(shown(text.clone())));
        return;
    }
    let pieces = split_urls(text);
    if let [Piece::Text(_)] = pieces.as_slice() {
        events.push(Event::Text(shown(text.clone())));
        return;
    }
    for piece in pieces {
        match piece {
            Piece::Text(t) => events.push(Event::Text(shown(t.to_string().into()))),
            Piece::Url { href, marked, .. } => {
                add_reference(body, &href);
                body.bare_urls.push((href.to_string(), body.at));
                let class = if marked { r#" class="ref""# } else { "" };
                let html =
                    format!(r#"<a{class} href="{}">{}</a>"#, escape(&compact(&href)), escape(&display_url(&href)));
                events.push(Event::InlineHtml(html.into()));
            }
            Piece::Email { href, raw } => {
                let html = format!(r#"<a href="{}">{}</a>"#, escape(&href), escape(raw));
                events.push(Event::InlineHtml(html.into()));
            }
        }
    }
}

/// Text a reader sees with GitHub's emoji shortcodes as emoji (never code, URLs or HTML).
fn emoji(text: CowStr<'_>) -> CowStr<'_> {
    match with_emoji(&text) {
        Cow::Borrowed(_) => text,
        Cow::Owned(shown) => shown.into(),
    }
}

/// A task list's box, named by its state (a bare disabled checkbox has no accessible name).
fn task_marker_html(done: bool, label: &str) -> String {
    let checked = if done { " checked" } else { "" };
    format!(r#"<input type="checkbox" disabled{checked} aria-label="{}"> "#, escape(label))
}

/// A code block. It takes keyboard focus (`tabindex="0"`) so a line wider than the page can be
/// scrolled with the arrow keys; every block does, since whether it overflows depends on the
/// reader's screen. `note_language`: the note's code language, the hint for an unlabeled
/// block's guess.
fn code_block_html(code_cache: &CodeCache, lang: Option<&str>, code: &str, note_language: Option<&str>) -> String {
    let highlighted = code_cache.highlight_in(lang, code, note_language);
    match highlighted.language {
        Some(name) => {
            let name = escape(&name);
            format!(
                "<pre class=\"code\" data-lang=\"{name}\" tabindex=\"0\"><code class=\"language-{name}\">{}</code></pre>\n",
                highlighted.html
            )
        }
        None => format!("<pre class=\"code\" tabindex=\"0\"><code>{}</code></pre>\n", highlighted.html),
    }
}

/// The page's headings, less the one that is its title.
fn toc(note: &Note) -> Vec<TocEntry> {
    let shown: Vec<_> =
        note.headings.iter().enumerate().filter(|(i, _)| Some(*i) != note.title_heading).map(|(_, h)| h).collect();
    let top = shown.iter().map(|h| h.level).min().unwrap_or(1);
    let numbers = super::study::question_numbers(note);
    shown
        .into_iter()
        .map(|h| TocEntry {
            question: numbers.get(h.id()).copied(),
            depth: h.level - top + 1,
            id: h.id().to_string(),
            title: h.text().to_string(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::outline::outline;
    use crate::markdown::prepare::prepare;

    fn note(body: &str) -> Note {
        let o = outline(body, 1);
        Note {
            title_heading: o.title_heading,
            source: "n.md".into(),
            url: "n.html".into(),
            title: "n".into(),
            description: None,
            weight: None,
            body: body.into(),
            preparation: prepare(body).kept(),
            lead: o.lead,
            body_line: 1,
            headings: o.headings,
            extra_ids: o.extra_ids,
            is_index: false,
            title_written: true,
            letters: Default::default(),
            code_language: None,
            dates: Default::default(),
            links: vec![],
            study: Default::default(),
        }
    }

    fn render(body: &str) -> Body {
        render_note(&note(body))
    }

    fn render_note(note: &Note) -> Body {
        let resolve = |dest: &str| Resolved {
            href: dest.replace(".md", ".html"),
            external: dest.starts_with("http"),
            problem: dest.contains("missing").then(|| "broken link".to_string()),
            target: None,
        };
        let words = Words::default();
        render_body(note, &resolve, &BodyWords::new(&words), &CodeCache::none(), &Glossary::default())
    }

    /// The parse stage prepares a note once and keeps what the render needs: the render reads
    /// that, and prepares nothing again.
    #[test]
    fn the_body_is_rendered_from_the_preparation_the_note_keeps() {
        let body = ":::tip 제목\n본문\n:::\n\n<Tabs>\n";
        let mut n = note(body);
        let kept = n.preparation.clone().expect("callout fences are rewritten");
        assert!(kept.text.as_deref().is_some_and(|t| t.starts_with("<!--callout-->")), "{kept:?}");
        let b = render_note(&n);
        assert!(b.html.contains("callout-tip") && b.html.contains("제목"), "{}", b.html);
        assert!(!b.html.contains(":::"), "{}", b.html);
        // Without it, the body is read as written: the fences are the paragraph's text.
        n.preparation = None;
        let b = render_note(&n);
        assert!(!b.html.contains("callout") && b.html.contains(":::tip 제목"), "{}", b.html);
        // Its problems are the render's warnings, on the note's lines: here none, as the note is not MDX.
        assert!(b.diagnostics.is_empty(), "{:?}", b.diagnostics);
        let mdx = note("import A from './a';\n\n<Tabs>\n본문\n</Tabs>\n");
        let warned: Vec<String> = render_note(&mdx).diagnostics.iter().map(ToString::to_string).collect();
        assert_eq!(warned.len(), 1, "{warned:?}");
        assert!(warned[0].starts_with("n.md:3: warning: JSX component `<Tabs>`"), "{warned:?}");
        // A note read as written keeps nothing.
        assert_eq!(note("# 제목\n\n본문 `:::note`\n").preparation, None);
    }

    #[test]
    fn headings_get_ids_and_no_anchor_markup() {
        let b = render("## 1번 문제\n## 1번 문제\n");
        // The `#` link is the script's (gongbu.js): the page holds only the id.
        assert!(b.html.contains(r##"<h2 id="1번-문제">1번 문제</h2>"##), "{}", b.html);
        assert!(b.html.contains(r#"<h2 id="1번-문제-1">"#));
        assert_eq!(b.toc.len(), 2);
    }

    #[test]
    fn reference_lines_become_links() {
        let b = render("> **References**\n>\n> @https://velog.io/@n/%EB%B8%94%EB%A1%9C%ED%82%B9  \n> @https://it-eldorado.tistory.com/159\n");
        assert!(
            b.html.contains(r#"<a class="ref" href="https://velog.io/@n/블로킹">velog.io/@n/블로킹</a>"#),
            "{}",
            b.html
        );
        assert!(!b.html.contains('@') || !b.html.contains(">@"));
        assert_eq!(b.references.len(), 2);
        assert_eq!(b.references[0].text, "velog.io/@n/블로킹");
    }

    #[test]
    fn explicit_and_angle_links() {
        let b = render("[노트](other.md) [외부](https://a.com/x) <https://b.com/%EA%B0%80>\n");
        assert!(b.html.contains(r#"<a href="other.html">노트</a>"#));
        assert!(b.html.contains(r#"<a href="https://b.com/가">b.com/가</a>"#), "{}", b.html);
        assert!(b.html.contains(r#"<a href="https://a.com/x">외부</a>"#), "{}", b.html);
        assert_eq!(
            b.references.iter().map(|r| r.href.as_str()).collect::<Vec<_>>(),
            ["https://a.com/x", "https://b.com/%EA%B0%80"]
        );
    }

    #[test]
    fn urls_inside_code_and_links_stay_put() {
        // `text`: an unlabelled `curl …` line is now guessed as Bash and split into spans.
        let b = render("`https://a.com` [https://b.com](https://b.com)\n\n```text\ncurl https://c.com\n```\n");
        assert_eq!(b.references.len(), 1);
        assert!(b.html.contains("curl https://c.com"));
    }

    #[test]
    fn broken_links_warn_with_line() {
        let b = render("첫 줄\n\n[x](missing.md)\n");
        assert_eq!(b.diagnostics.len(), 1);
        assert_eq!(b.diagnostics[0].line, 3);
        assert!(b.diagnostics[0].to_string().starts_with("n.md:3: warning"));
    }

    #[test]
    fn raw_html_and_gfm_pass_through() {
        let b = render("a<br/>b\n\n<details><summary>정답</summary>\n\n내용\n\n</details>\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done\n\n~~del~~ 각주[^1]\n\n[^1]: 설명\n");
        for needle in ["<br/>", "<details>", "<table>", "type=\"checkbox\"", "<del>del</del>", "footnote"] {
            assert!(b.html.contains(needle), "missing {needle} in {}", b.html);
        }
    }

    #[test]
    fn raw_html_links_resolve_like_markdown_links() {
        let b = render("<a href=\"other.md\">x</a> <img src='missing.png'>\n\n<p><a href=\"https://ext.com/a\">e</a> <img src=\"https://img.shields.io/b.svg\"></p>\n");
        assert!(b.html.contains(r#"<a href="other.html">x</a>"#), "{}", b.html);
        assert_eq!(b.diagnostics.len(), 1, "{:?}", b.diagnostics);
        assert_eq!(
            b.references.iter().map(|r| r.href.as_str()).collect::<Vec<_>>(),
            ["https://ext.com/a"],
            "images are not references"
        );
    }

    #[test]
    fn raw_html_links_after_an_unquoted_one_still_resolve() {
        let b = render("<p><A HREF=plain.md>x</A> <a href=\"other.md\">y</a> <IMG SRC='pic.md'></p>\n");
        assert!(
            b.html.contains(r#"<A HREF=plain.md>x</A> <a href="other.html">y</a> <IMG SRC='pic.html'>"#),
            "{}",
            b.html
        );
    }

    #[test]
    fn markdown_images_are_not_references() {
        let b = render("[![badge](https://img.shields.io/x.svg)](https://site.com)\n");
        assert_eq!(b.references.iter().map(|r| r.href.as_str()).collect::<Vec<_>>(), ["https://site.com"]);
    }

    #[test]
    fn fence_info_strings() {
        assert_eq!(fence_language("python title=\"a.py\""), Some("python".into()));
        assert_eq!(fence_language("{.rust}"), Some("rust".into()));
        assert_eq!(fence_language("js:app.js"), Some("js".into()));
        assert_eq!(fence_language(""), None);
    }

    #[test]
    fn an_opening_title_heading_is_lifted_out_for_the_template() {
        let b = render("# 제목\n본문\n## 하나\n");
        assert_eq!(b.lifted_title_id.as_deref(), Some("제목"));
        assert!(!b.html.contains("<h1"), "{}", b.html);
        assert!(b.html.contains(r#"<h2 id="하나">"#));
        assert!(!b.title_in_body);
        let b = render("배지\n\n# 제목\n");
        assert_eq!(b.lifted_title_id, None);
        assert!(b.title_in_body);
        assert!(b.html.contains(r#"<h1 id="제목">"#));
    }

    #[test]
    fn a_fence_read_inside_a_paragraph_opens_no_box() {
        let b = render("문단\n    :::note\n내용\n    :::\n");
        assert_eq!(b.html, "<p>문단\n:::note\n내용\n:::</p>\n");
    }

    /// Random mixes of fences, lists, quotes, tables, components and raw HTML lines: no panic,
    /// every callout box closed exactly once, and warnings on lines of the note.
    #[test]
    fn callouts_stay_well_nested_whatever_the_fences_say() {
        const PIECES: &[&str] = &[
            ":::note",
            ":::tip 제목",
            "::::info",
            ":::",
            "::::",
            "  :::warning",
            "  :::",
            "::: details 더보기",
            "- 항목",
            "  - 안쪽",
            "1. 번호",
            "> 인용",
            "> :::note",
            "> [!TIP]",
            "> 내용",
            "- > [!NOTE]",
            "<br>",
            "  <br>",
            "\t<img src=\"a.png\">",
            "| a | b |",
            "|---|---|",
            "```",
            "    코드",
            "",
            "",
            "본문 **굵게**",
            "<Tabs>",
            "</Tabs>",
            "  <TabItem value=\"a\">",
            "  </TabItem>",
            "<img src={require('./a.png').default} />",
            "import A from './a';",
            "## 제목",
            "[링크](missing.md)",
            "한글\r",
        ];
        let mut seed: u64 = 0x5eed;
        let mut next = |n: usize| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) as usize % n
        };
        for _ in 0..3000 {
            let count = 1 + next(14);
            let lines: Vec<&str> = (0..count).map(|_| PIECES[next(PIECES.len())]).collect();
            let note = lines.join("\n") + "\n";
            let b = render(&note);
            let opened =
                b.html.matches("<div class=\"callout").count() + b.html.matches("<details class=\"callout").count();
            let closed = b.html.matches("</div>").count() + b.html.matches("</details>").count();
            assert_eq!(opened, closed, "{note:?}\n{}", b.html);
            assert!(!b.html.contains(LAZY_HTML_PREFIX), "{note:?}\n{}", b.html);
            for d in &b.diagnostics {
                assert!((1..=count).contains(&d.line), "{note:?}: {d}");
            }
        }
    }

    #[test]
    fn images_without_alt_text_warn_at_their_line() {
        let body = render("# 제목\n\n![](a.png)\n\n![설명](b.png) ![ ](c.png)\n\n[![](d.png)](https://x.test)\n");
        let lines: Vec<usize> =
            body.diagnostics.iter().filter(|d| d.message.contains("alt text")).map(|d| d.line).collect();
        assert_eq!(lines, vec![3, 5, 7], "{:?}", body.diagnostics);
    }

    #[test]
    fn toc_skips_the_title_h1() {
        let b = render("# 제목\n## 하나\n### 둘\n");
        let depths: Vec<(u8, &str)> = b.toc.iter().map(|t| (t.depth, t.id.as_str())).collect();
        assert_eq!(depths, [(1, "하나"), (2, "둘")]);
    }
}
