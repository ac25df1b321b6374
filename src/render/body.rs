//! Second pass over a note: Markdown to HTML with heading anchors, highlighted code, resolved
//! links, bare URLs and `@` reference lines turned into links, and the page's references.

use super::autolink::{display_url, split_urls, Piece};
use crate::diagnostics::{Diagnostic, LineIndex};
use crate::highlight::{escape, Highlighter};
use crate::markdown::{html_attributes::quoted_attributes, parser_options};
use crate::model::{Note, Reference, Resolved, TocEntry};
use crate::text::without_controls;
use pulldown_cmark::{CodeBlockKind, CowStr, Event, LinkType, Parser, Tag, TagEnd, TextMergeWithOffset};
use std::borrow::Cow;
use std::collections::HashSet;

/// A note's body as HTML and what was learnt while producing it.
#[derive(Debug, Default)]
pub struct Body {
    pub html: String,
    pub toc: Vec<TocEntry>,
    pub references: Vec<Reference>,
    pub diagnostics: Vec<Diagnostic>,
    /// The note's title heading, when it opened the note and was lifted out of `html` for the
    /// page template to show: its id, so links to it still land.
    pub lifted_title_id: Option<String>,
    /// The title heading is still inside `html` (it did not open the note).
    pub title_in_body: bool,
    /// Site paths the note links to (see `Resolved::target`).
    pub targets: Vec<String>,
    /// What `references` and `targets` already hold, so a note with many links stays linear.
    seen_references: HashSet<String>,
    seen_targets: HashSet<String>,
}

/// Words the body itself needs.
pub struct BodyWords<'a> {
    /// Accessible label of heading anchor links.
    pub anchor: &'a str,
}

/// Render `note`; `resolve` says where each written link goes.
pub fn render_body(
    note: &Note,
    resolve: &dyn Fn(&str) -> Resolved,
    words: &BodyWords,
    highlighter: &Highlighter,
) -> Body {
    let lines = LineIndex::new(&note.body, note.body_line);
    let mut body = Body { toc: toc(note), ..Body::default() };
    let mut events: Vec<Event> = Vec::new();
    let mut heading = 0;
    let mut link_depth = 0usize;
    let mut autolink_text = false;
    let mut code: Option<(Option<String>, String)> = None;
    let parser = TextMergeWithOffset::new(Parser::new_ext(&note.body, parser_options()).into_offset_iter())
        .map(|(event, range)| (without_control_chars(event), range));
    let mut lifting_title = false;
    for (event, range) in parser {
        if events.is_empty()
            && heading == 0
            && note.title_heading == Some(0)
            && matches!(event, Event::Start(Tag::Heading { .. }))
        {
            lifting_title = true;
            body.lifted_title_id = note.headings.first().map(|h| h.id.clone());
        }
        if lifting_title {
            if matches!(event, Event::End(TagEnd::Heading(_))) {
                lifting_title = false;
                heading += 1;
            }
            continue;
        }
        match event {
            Event::Start(Tag::Heading { level, classes, attrs, .. }) => {
                let id = note.headings.get(heading).map(|h| CowStr::from(h.id.clone()));
                events.push(Event::Start(Tag::Heading { level, id, classes, attrs }));
            }
            Event::End(TagEnd::Heading(level)) => {
                if let Some(h) = note.headings.get(heading) {
                    let id = escape(&h.id);
                    let label = escape(words.anchor);
                    events.push(Event::InlineHtml(
                        format!(r##" <a class="anchor" href="#{id}" aria-label="{label}">#</a>"##).into(),
                    ));
                }
                heading += 1;
                events.push(Event::End(TagEnd::Heading(level)));
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => fence_language(&info),
                    CodeBlockKind::Indented => None,
                };
                code = Some((lang, String::new()));
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some((lang, text)) = code.take() {
                    events.push(Event::Html(code_block_html(highlighter, lang.as_deref(), &text).into()));
                }
            }
            Event::Text(text) if code.is_some() => {
                if let Some((_, buf)) = code.as_mut() {
                    buf.push_str(&text);
                }
            }
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                link_depth += 1;
                let resolved = resolve(&dest_url);
                note_link(&mut body, &resolved, Kind::Link, lines.line_of(range.start), note);
                autolink_text = link_type == LinkType::Autolink;
                events.push(Event::Start(Tag::Link { link_type, dest_url: resolved.href.into(), title, id }));
            }
            Event::End(TagEnd::Link) => {
                link_depth = link_depth.saturating_sub(1);
                autolink_text = false;
                events.push(Event::End(TagEnd::Link));
            }
            Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
                link_depth += 1;
                let resolved = resolve(&dest_url);
                note_link(&mut body, &resolved, Kind::Embed, lines.line_of(range.start), note);
                events.push(Event::Start(Tag::Image { link_type, dest_url: resolved.href.into(), title, id }));
            }
            Event::End(TagEnd::Image) => {
                link_depth = link_depth.saturating_sub(1);
                events.push(Event::End(TagEnd::Image));
            }
            Event::Text(text) if autolink_text => events.push(Event::Text(display_url(&text).into())),
            Event::Text(text) if link_depth == 0 => link_bare_urls(&text, &mut events, &mut body),
            Event::Html(html) => {
                let rewritten = rewrite_html_links(&html, resolve, &mut body, lines.line_of(range.start), note);
                events.push(Event::Html(rewritten.map_or(html, CowStr::from)));
            }
            Event::InlineHtml(html) => {
                let rewritten = rewrite_html_links(&html, resolve, &mut body, lines.line_of(range.start), note);
                events.push(Event::InlineHtml(rewritten.map_or(html, CowStr::from)));
            }
            other => events.push(other),
        }
    }
    body.title_in_body = note.title_heading.is_some() && body.lifted_title_id.is_none();
    body.html.reserve(note.body.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut body.html, events.into_iter());
    body
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

/// Turn URLs in a text run into links; `@`-marked ones get the `ref` class.
fn link_bare_urls<'a>(text: &CowStr<'a>, events: &mut Vec<Event<'a>>, body: &mut Body) {
    let pieces = split_urls(text);
    if let [Piece::Text(_)] = pieces.as_slice() {
        events.push(Event::Text(text.clone()));
        return;
    }
    for piece in pieces {
        match piece {
            Piece::Text(t) => events.push(Event::Text(t.to_string().into())),
            Piece::Url { href, marked, .. } => {
                add_reference(body, &href);
                let class = if marked { r#" class="ref""# } else { "" };
                let html = format!(r#"<a{class} href="{}">{}</a>"#, escape(&href), escape(&display_url(&href)));
                events.push(Event::InlineHtml(html.into()));
            }
        }
    }
}

/// The language word of a fence's info string: "```python title=x" → python, "```js:app.js" → js.
fn fence_language(info: &str) -> Option<String> {
    let word = info.split_whitespace().next()?;
    let word = word.trim_matches(|c| c == '{' || c == '}' || c == '.');
    let word = word.split([':', ',']).next().unwrap_or(word);
    (!word.is_empty()).then(|| word.to_string())
}

fn code_block_html(highlighter: &Highlighter, lang: Option<&str>, code: &str) -> String {
    let highlighted = highlighter.highlight(lang, code);
    match highlighted.language {
        Some(name) => {
            let name = escape(&name);
            format!(
                "<pre class=\"code\" data-lang=\"{name}\"><code class=\"language-{name}\">{}</code></pre>\n",
                highlighted.html
            )
        }
        None => format!("<pre class=\"code\"><code>{}</code></pre>\n", highlighted.html),
    }
}

/// The page's headings, less the one that is its title.
fn toc(note: &Note) -> Vec<TocEntry> {
    let shown: Vec<_> =
        note.headings.iter().enumerate().filter(|(i, _)| Some(*i) != note.title_heading).map(|(_, h)| h).collect();
    let top = shown.iter().map(|h| h.level).min().unwrap_or(1);
    shown.into_iter().map(|h| TocEntry { depth: h.level - top + 1, id: h.id.clone(), title: h.text.clone() }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::outline::outline;

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
            body_line: 1,
            headings: o.headings,
            extra_ids: o.extra_ids,
            is_index: false,
            title_written: true,
        }
    }

    fn render(body: &str) -> Body {
        let resolve = |dest: &str| Resolved {
            href: dest.replace(".md", ".html"),
            external: dest.starts_with("http"),
            problem: dest.contains("missing").then(|| "broken link".to_string()),
            target: None,
        };
        render_body(&note(body), &resolve, &BodyWords { anchor: "연결" }, Highlighter::global())
    }

    #[test]
    fn headings_get_ids_and_anchors() {
        let b = render("## 1번 문제\n## 1번 문제\n");
        assert!(
            b.html.contains(
                r##"<h2 id="1번-문제">1번 문제 <a class="anchor" href="#1번-문제" aria-label="연결">#</a></h2>"##
            ),
            "{}",
            b.html
        );
        assert!(b.html.contains(r#"<h2 id="1번-문제-1">"#));
        assert_eq!(b.toc.len(), 2);
    }

    #[test]
    fn reference_lines_become_links() {
        let b = render("> **References**\n>\n> @https://velog.io/@n/%EB%B8%94%EB%A1%9C%ED%82%B9  \n> @https://it-eldorado.tistory.com/159\n");
        assert!(
            b.html.contains(
                r#"<a class="ref" href="https://velog.io/@n/%EB%B8%94%EB%A1%9C%ED%82%B9">velog.io/@n/블로킹</a>"#
            ),
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
        assert!(b.html.contains(">b.com/가</a>"), "{}", b.html);
        assert_eq!(
            b.references.iter().map(|r| r.href.as_str()).collect::<Vec<_>>(),
            ["https://a.com/x", "https://b.com/%EA%B0%80"]
        );
    }

    #[test]
    fn urls_inside_code_and_links_stay_put() {
        let b = render("`https://a.com` [https://b.com](https://b.com)\n\n```\ncurl https://c.com\n```\n");
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
    fn toc_skips_the_title_h1() {
        let b = render("# 제목\n## 하나\n### 둘\n");
        let depths: Vec<(u8, &str)> = b.toc.iter().map(|t| (t.depth, t.id.as_str())).collect();
        assert_eq!(depths, [(1, "하나"), (2, "둘")]);
    }
}
