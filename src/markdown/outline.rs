//! First pass over a note: its headings with GitHub ids and its title, cheap enough to run on
//! every note before any is rendered, so links can be checked against every page's ids.

use super::{html_attributes::quoted_attributes, parser_options, prepare::prepare, slug::Slugger};
use crate::diagnostics::LineIndex;
use crate::model::Heading;
use crate::text::without_controls;
use pulldown_cmark::{Event, Parser, Tag, TagEnd};

/// What the rest of the site needs to know about a note before it is rendered.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Outline {
    pub(crate) headings: Vec<Heading>,
    /// Index in `headings` of the heading that titles the note: the first H1, else a heading
    /// that opens the note and has no other heading at its level or above (`#### 힙 소트`).
    pub(crate) title_heading: Option<usize>,
    /// Ids and names given in raw HTML (`<a name="top">`), and footnote labels.
    pub(crate) extra_ids: Vec<String>,
}

/// Headings in document order with unique ids; `first_line` is the file line `body` starts on.
pub(crate) fn outline(body: &str, first_line: usize) -> Outline {
    let prepared = prepare(body);
    let body: &str = &prepared.text;
    let lines = LineIndex::new(body, first_line);
    let mut slugger = Slugger::default();
    let mut out = Outline::default();
    let mut current: Option<(u8, Option<String>, String, usize)> = None;
    let mut content_before_first_heading = false;
    for (event, range) in Parser::new_ext(body, parser_options()).into_offset_iter() {
        if out.headings.is_empty() && current.is_none() {
            content_before_first_heading |= matches!(
                event,
                Event::Start(Tag::Paragraph | Tag::List(_) | Tag::CodeBlock(_) | Tag::BlockQuote(_) | Tag::Table(_))
            );
        }
        match event {
            Event::Start(Tag::Heading { level, id, .. }) => {
                current = Some((level as u8, id.map(|s| s.to_string()), String::new(), lines.line_of(range.start)));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, custom_id, text, line)) = current.take() {
                    let text = collapse_spaces(&text);
                    let id = match custom_id {
                        Some(id) => slugger.claim(id),
                        None => slugger.slug(&text),
                    };
                    out.headings.push(Heading { level, id, text, line });
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, _, text, _)) = current.as_mut() {
                    // `&#1;` decodes to a control character; titles and the TOC must not hold one.
                    text.push_str(&without_controls(&t));
                }
            }
            Event::Html(html) | Event::InlineHtml(html) => out.extra_ids.extend(html_ids(&html)),
            Event::Start(Tag::FootnoteDefinition(label)) => out.extra_ids.push(label.to_string()),
            Event::SoftBreak | Event::HardBreak => {
                if let Some((_, _, text, _)) = current.as_mut() {
                    text.push(' ');
                }
            }
            _ => {}
        }
    }
    out.title_heading = title_heading(&out.headings, content_before_first_heading);
    out
}

fn title_heading(headings: &[Heading], content_before_first: bool) -> Option<usize> {
    let usable = |i: &usize| !headings[*i].text.is_empty();
    let first_h1 = headings.iter().position(|h| h.level == 1).filter(usable);
    first_h1.or_else(|| {
        let lead = headings.first().filter(|_| !content_before_first)?;
        let alone = headings.iter().skip(1).all(|h| h.level > lead.level);
        alone.then_some(0).filter(usable)
    })
}

impl Outline {
    /// Text of the title heading.
    pub(crate) fn title(&self) -> Option<&str> {
        self.title_heading.map(|i| self.headings[i].text.as_str())
    }
}

/// Values of `id="…"` and `name="…"` attributes in a piece of raw HTML, in document order.
fn html_ids(html: &str) -> impl Iterator<Item = String> + '_ {
    quoted_attributes(html, &["id", "name"]).map(|attribute| html[attribute.value].to_string())
}

/// Heading text as one line: runs of whitespace become one space, as GitHub shows it.
fn collapse_spaces(text: &str) -> String {
    // GitHub slugs keep each space, so only newlines/tabs are folded, not double spaces.
    text.trim().replace(['\n', '\t'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_style_headings() {
        let o = outline("## 목차\n- [1번 문제](#1번-문제)\n\n## 1번 문제\n### Q. 동기와 비동기?\n## 1번 문제\n", 1);
        let ids: Vec<&str> = o.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["목차", "1번-문제", "q-동기와-비동기", "1번-문제-1"]);
        assert_eq!(o.headings[1].line, 4);
        assert_eq!(o.title(), None, "목차 is one of several h2s, not a title");
    }

    #[test]
    fn h1_title_and_inline_markup() {
        let o = outline("# `Vec` 와 **슬라이스**\n\n# 두번째\n", 3);
        assert_eq!(o.title(), Some("Vec 와 슬라이스"));
        assert_eq!(o.headings[0].id, "vec-와-슬라이스");
        assert_eq!(o.headings[1].line, 5);
    }

    #[test]
    fn a_lone_leading_heading_of_any_level_is_the_title() {
        let o = outline("#### 힙 소트\n본문\n##### 과정\n##### 코드\n", 1);
        assert_eq!(o.title(), Some("힙 소트"));
        let o = outline("소개 문단\n\n#### 힙 소트\n", 1);
        assert_eq!(o.title(), None, "a heading after text does not title the note");
        let o = outline("## 하나\n## 둘\n", 1);
        assert_eq!(o.title(), None);
    }

    #[test]
    fn hashes_in_code_are_not_headings() {
        let o = outline("```\n# comment\n```\n", 1);
        assert!(o.headings.is_empty());
    }

    #[test]
    fn custom_ids_are_kept() {
        let o = outline("## Title {#custom}\n## custom\n", 1);
        assert_eq!(o.headings[0].id, "custom");
        assert_eq!(o.headings[1].id, "custom-1");
    }

    #[test]
    fn raw_html_anchors_and_footnotes_are_targets() {
        let o = outline("<a name=\"top\"></a>\n\n<div id='box'>x</div>\n\n본문[^1]\n\n[^1]: 각주\n", 1);
        assert_eq!(o.extra_ids, ["top", "box", "1"]);
    }

    #[test]
    fn raw_html_ids_ignore_the_letter_case_of_attribute_names() {
        let o = outline("<A NAME=\"Top\"></A> <span Id='Box'>x</span>\n", 1);
        assert_eq!(o.extra_ids, ["Top", "Box"]);
    }

    #[test]
    fn setext_headings_count() {
        let o = outline("제목\n===\n\n부제\n---\n", 1);
        assert_eq!(o.title(), Some("제목"));
        assert_eq!(o.headings[1].id, "부제");
    }
}
