//! First pass over a note: its headings with GitHub ids and its title, cheap enough to run on
//! every note before any is rendered, so links can be checked against every page's ids. It also
//! counts the letters of the note's prose (not code), from which the site's language is told.

use super::code_blocks::fence_language;
#[cfg(test)]
use super::prepare::prepare;
use super::{emoji::with_emoji, html_attributes::quoted_attributes, parser_options, slug::Slugger};
use crate::diagnostics::LineIndex;
use crate::model::{Heading, Letters, WrittenLink};
use crate::text::without_controls;
use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};

/// What the rest of the site needs to know about a note before it is rendered.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Outline {
    pub(crate) headings: Vec<Heading>,
    /// Index in `headings` of the heading that titles the note: the first H1, else a heading
    /// that opens the note and has no other heading at its level or above (`#### 힙 소트`);
    /// never a table of contents' heading (`목차`, `Contents`).
    pub(crate) title_heading: Option<usize>,
    /// Ids and names given in raw HTML (`<a name="top">`), and footnote labels.
    pub(crate) extra_ids: Vec<String>,
    /// Links in source order, Markdown and raw HTML `href`s alike (images left out).
    pub(crate) links: Vec<WrittenLink>,
    /// Letters of the note's text outside code and raw HTML.
    pub(crate) letters: Letters,
    /// The language words of the note's fences (```` ```java ```` → `java`), in order.
    pub(crate) code_labels: Vec<String>,
    /// The text of the first paragraph that has some (image alt text left out), what a page
    /// without a written description is described by; at most `LEAD_BYTES` and a word more.
    pub(crate) lead: String,
}

/// Lead text kept: four times the longest description shown (`render::view::description`).
pub(crate) const LEAD_BYTES: usize = 640;

/// Reads the lead paragraph from the outline's events, so describing a page costs no parse
/// of its own.
#[derive(Default)]
struct Lead {
    text: String,
    inside: bool,
    images: usize,
    done: bool,
}

impl Lead {
    fn feed(&mut self, event: &Event) {
        if self.done {
            return;
        }
        match event {
            Event::Start(Tag::Paragraph) => self.inside = true,
            Event::End(TagEnd::Paragraph) if !self.text.trim().is_empty() => self.done = true,
            Event::End(TagEnd::Paragraph) => self.inside = false,
            // An image's alt text describes the image, not the note.
            Event::Start(Tag::Image { .. }) => self.images += 1,
            Event::End(TagEnd::Image) => self.images = self.images.saturating_sub(1),
            Event::Text(t) | Event::Code(t) if self.inside && self.images == 0 => self.text.push_str(t),
            Event::SoftBreak | Event::HardBreak if self.inside => self.text.push(' '),
            _ => {}
        }
        self.done |= self.text.len() > LEAD_BYTES;
    }
}

/// A heading being read: its level, `{#id}`, the text as written (GitHub slugs shortcode
/// names as text: `:smiley: Hi` → `smiley-hi`), the text as shown (emoji) and its line.
struct OpenHeading {
    level: u8,
    custom_id: Option<String>,
    written: String,
    shown: String,
    line: usize,
}

/// Headings in document order with unique ids; `first_line` is the file line `body` starts on.
#[cfg(test)]
pub(crate) fn outline(body: &str, first_line: usize) -> Outline {
    outline_prepared(&prepare(body).text, first_line)
}

/// `outline` of a note's body after `prepare` (the text every parse of it reads).
pub(crate) fn outline_prepared(body: &str, first_line: usize) -> Outline {
    let lines = LineIndex::new(body, first_line);
    let mut slugger = Slugger::default();
    let mut out = Outline::default();
    let mut current: Option<OpenHeading> = None;
    let mut content_before_first_heading = false;
    let mut in_code_block = false;
    // Open lists and tables around the current event: a link inside one is `listed`.
    let mut lists_and_tables = 0usize;
    let mut lead = Lead::default();
    for (event, range) in Parser::new_ext(body, parser_options()).into_offset_iter() {
        lead.feed(&event);
        if out.headings.is_empty() && current.is_none() {
            content_before_first_heading |= matches!(
                event,
                Event::Start(Tag::Paragraph | Tag::List(_) | Tag::CodeBlock(_) | Tag::BlockQuote(_) | Tag::Table(_))
            );
        }
        match event {
            Event::Start(Tag::Heading { level, id, .. }) => {
                current = Some(OpenHeading {
                    level: level as u8,
                    custom_id: id.map(|s| s.to_string()),
                    written: String::new(),
                    shown: String::new(),
                    line: lines.line_of(range.start),
                });
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some(h) = current.take() {
                    let id = match h.custom_id {
                        Some(id) => slugger.claim(id),
                        None => slugger.slug(&collapse_spaces(&h.written)),
                    };
                    out.headings.push(Heading::new(h.level, &id, &collapse_spaces(&h.shown), h.line));
                }
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                in_code_block = true;
                if let CodeBlockKind::Fenced(info) = kind {
                    out.code_labels.extend(fence_language(&info));
                }
            }
            Event::End(TagEnd::CodeBlock) => in_code_block = false,
            Event::Text(t) if !in_code_block => {
                out.letters.count(&t);
                if let Some(h) = current.as_mut() {
                    // `&#1;` decodes to a control character; titles and the TOC must not hold one.
                    let t = without_controls(&t);
                    h.shown.push_str(&with_emoji(&t));
                    h.written.push_str(&t);
                }
            }
            // Code and math keep their text as written: no emoji, and not prose for the language.
            Event::Code(t) | Event::InlineMath(t) | Event::DisplayMath(t) => {
                if let Some(h) = current.as_mut() {
                    let t = without_controls(&t);
                    h.shown.push_str(&t);
                    h.written.push_str(&t);
                }
            }
            Event::Start(Tag::List(_) | Tag::Table(_)) => lists_and_tables += 1,
            Event::End(TagEnd::List(_) | TagEnd::Table) => lists_and_tables = lists_and_tables.saturating_sub(1),
            Event::Start(Tag::Link { dest_url, .. }) => {
                out.links.push(WrittenLink { dest: dest_url.into_string(), listed: lists_and_tables > 0 })
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                for attribute in quoted_attributes(&html, &["id", "name", "href"]) {
                    let value = html[attribute.value].to_string();
                    match attribute.name {
                        "href" => out.links.push(WrittenLink { dest: value, listed: lists_and_tables > 0 }),
                        _ => out.extra_ids.push(value),
                    }
                }
            }
            Event::Start(Tag::FootnoteDefinition(label)) => out.extra_ids.push(label.to_string()),
            Event::SoftBreak | Event::HardBreak => {
                if let Some(h) = current.as_mut() {
                    h.shown.push(' ');
                    h.written.push(' ');
                }
            }
            _ => {}
        }
    }
    out.title_heading = title_heading(&out.headings, content_before_first_heading);
    out.lead = lead.text;
    out
}

fn title_heading(headings: &[Heading], content_before_first: bool) -> Option<usize> {
    let usable = |i: &usize| !headings[*i].text().is_empty();
    let first_h1 = headings.iter().position(|h| h.level == 1 && !is_contents_heading(h.text())).filter(usable);
    first_h1.or_else(|| {
        let lead = headings.first().filter(|_| !content_before_first)?;
        let alone = headings.iter().skip(1).all(|h| h.level > lead.level);
        alone.then_some(0).filter(usable).filter(|_| !is_contents_heading(lead.text()))
    })
}

/// A heading that names a table of contents, not the note: `목차`, `차례`, `Table of Contents`,
/// `Contents`, `TOC`, `Index` (letter case, emoji and punctuation aside: `📚 목차`, `TOC:`).
fn is_contents_heading(text: &str) -> bool {
    // Read word by word, and only as far as a word that rules the name out (most headings: the
    // first). ASCII letter case is all that is ignored: no character outside ASCII lower-cases
    // to one of these words' letters (the Kelvin sign's `k` is in none of them).
    let mut words = text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty());
    let is = |word: Option<&str>, name: &str| word.is_some_and(|w| w.eq_ignore_ascii_case(name));
    let first = words.next();
    let named = if ["목차", "차례", "contents", "toc", "index"].iter().any(|name| is(first, name)) {
        true
    } else {
        is(first, "table") && is(words.next(), "of") && is(words.next(), "contents")
    };
    named && words.next().is_none()
}

impl Outline {
    /// Text of the title heading.
    pub(crate) fn title(&self) -> Option<&str> {
        self.title_heading.map(|i| self.headings[i].text())
    }
}

/// Heading text as one line: runs of whitespace become one space, as GitHub shows it.
fn collapse_spaces(text: &str) -> String {
    // GitHub slugs keep each space, so only newlines/tabs are folded, not double spaces.
    let text = text.trim();
    // Most headings are one line: copied, not searched character by character.
    if memchr::memchr2(b'\n', b'\t', text.as_bytes()).is_some() {
        text.replace(['\n', '\t'], " ")
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `is_contents_heading` as first written: every word lower-cased and collected.
    fn is_contents_heading_plainly(text: &str) -> bool {
        let words: Vec<String> =
            text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect();
        matches!(
            words.iter().map(String::as_str).collect::<Vec<_>>().as_slice(),
            ["목차"] | ["차례"] | ["contents"] | ["table", "of", "contents"] | ["toc"] | ["index"]
        )
    }

    /// Word by word, ASCII case ignored, it tells what lower-casing every word told, on random
    /// headings of the names, their words in other cases and orders, and what may stand around them.
    #[test]
    fn contents_headings_read_word_by_word_are_those_read_whole() {
        let pieces = [
            "목차", "차례", "목", "contents", "Contents", "CONTENTS", "table", "Table", "of", "OF", "toc", "TOC",
            "index", "İndex", "\u{212A}", "Index", " ", ": ", "📚 ", "-", "a", "1", "정리",
        ];
        let mut next = crate::text::random_below(0x2545_F491_4F6C_DD1D);
        let mut named = 0;
        for round in 0..20_000 {
            let text: String = (0..1 + next(6)).map(|_| pieces[next(pieces.len())]).collect();
            let plainly = is_contents_heading_plainly(&text);
            assert_eq!(is_contents_heading(&text), plainly, "round {round}: {text:?}");
            named += usize::from(plainly);
        }
        assert!(named > 200, "too few contents headings to tell: {named}");
    }

    #[test]
    fn heading_text_is_one_line_with_each_space_kept() {
        assert_eq!(collapse_spaces(" a\tb\nc  d "), "a b c  d");
        assert_eq!(collapse_spaces("\t한  글\n"), "한  글");
    }

    #[test]
    fn seed_style_headings() {
        let o = outline("## 목차\n- [1번 문제](#1번-문제)\n\n## 1번 문제\n### Q. 동기와 비동기?\n## 1번 문제\n", 1);
        let ids: Vec<&str> = o.headings.iter().map(|h| h.id()).collect();
        assert_eq!(ids, ["목차", "1번-문제", "q-동기와-비동기", "1번-문제-1"]);
        assert_eq!(o.headings[1].line, 4);
        assert_eq!(o.title(), None, "목차 is one of several h2s, not a title");
    }

    #[test]
    fn h1_title_and_inline_markup() {
        let o = outline("# `Vec` 와 **슬라이스**\n\n# 두번째\n", 3);
        assert_eq!(o.title(), Some("Vec 와 슬라이스"));
        assert_eq!(o.headings[0].id(), "vec-와-슬라이스");
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
        assert_eq!(o.headings[0].id(), "custom");
        assert_eq!(o.headings[1].id(), "custom-1");
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
    fn shortcodes_show_as_emoji_and_slug_as_names() {
        let o = outline("# :rocket: 배포 `:smile:`\n## :smiley: This is a friendly header\n## 🎉 Party\n", 1);
        let shown: Vec<(&str, &str)> = o.headings.iter().map(|h| (h.text(), h.id())).collect();
        assert_eq!(
            shown,
            [
                ("🚀 배포 :smile:", "rocket-배포-smile"),
                ("😃 This is a friendly header", "smiley-this-is-a-friendly-header"),
                ("🎉 Party", "-party"),
            ]
        );
    }

    #[test]
    fn a_table_of_contents_heading_does_not_title_the_note() {
        assert_eq!(outline("# 목차\n- a\n# 운영체제\n", 1).title(), Some("운영체제"));
        for text in ["## 📚 Table of Contents\n### a\n", "# TOC:\n", "### 차례\n", "# Index\n## a\n", "# contents\n"]
        {
            assert_eq!(outline(text, 1).title(), None, "{text}");
        }
        assert_eq!(outline("# 목차 정리법\n", 1).title(), Some("목차 정리법"));
    }

    #[test]
    fn letters_count_prose_not_code() {
        let o =
            outline("# 제목 ab\n\n본문 `코드` text\n\n```\n한글한글한글\n```\n\n    들여쓴코드\n\n<p>한글</p>\n", 1);
        assert_eq!(o.letters, Letters { hangul: 4, all: 10 });
    }

    #[test]
    fn links_are_recorded_in_source_order_with_whether_a_list_or_table_holds_them() {
        let o = outline(
            "먼저 [소개](intro.md).\n\n- [하나](a.md)\n  - [둘][ref]\n\n| <a HREF=\"t.md\">표</a> |\n|---|\n\n\
             ![그림](img.png) <a href='p.md' id='x'>끝</a>\n\n[ref]: ./b.md\n",
            1,
        );
        let links: Vec<(&str, bool)> = o.links.iter().map(|l| (l.dest.as_str(), l.listed)).collect();
        assert_eq!(links, [("intro.md", false), ("a.md", true), ("./b.md", true), ("t.md", true), ("p.md", false)]);
        assert_eq!(o.extra_ids, ["x"]);
    }

    #[test]
    fn setext_headings_count() {
        let o = outline("제목\n===\n\n부제\n---\n", 1);
        assert_eq!(o.title(), Some("제목"));
        assert_eq!(o.headings[1].id(), "부제");
    }
}
