//! Markdown to the document model: an outline pass over every note (titles, heading ids) and a
//! render pass that turns one note into HTML once the whole site is known.

pub mod autolink;
pub mod code_blocks;
pub mod outline;
pub mod render;
pub mod slug;

use pulldown_cmark::Options;

/// CommonMark plus the GitHub extensions notes are written with.
pub fn parser_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
}
