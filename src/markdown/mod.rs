//! The parse stage's Markdown: the outline pass over every note (titles, heading ids, other
//! link targets), its study questions and glossary terms, GitHub's heading slugs and emoji
//! shortcodes, and the parser options every pass uses (the render stage's `render::body` parses
//! with the same options once the whole site is known), and what every pass parses: the note's
//! text after `prepare` (admonitions, MDX, raw HTML after lists).

pub(crate) mod callouts;
pub mod code_blocks;
pub(crate) mod emoji;
pub(crate) mod html_attributes;
pub(crate) mod mdx;
pub(crate) mod outline;
pub(crate) mod prepare;
pub mod questions;
pub(crate) mod slug;
pub(crate) mod terms;

use pulldown_cmark::Options;

/// Whether `text` holds a `<` right before one of `names` (`<details`, `<dt`): each `<` is
/// looked at, found by memchr, where a substring search per name, set up for every note, cost
/// more.
pub(crate) fn has_tag_opening(text: &str, names: &[&str]) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr_iter(b'<', bytes).any(|i| names.iter().any(|name| bytes[i + 1..].starts_with(name.as_bytes())))
}

/// CommonMark plus the GitHub extensions notes are written with, math (`$…$`, `$$…$$`) included.
pub(crate) fn parser_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_MATH
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
}
