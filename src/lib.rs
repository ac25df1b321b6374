//! gongbu: turn a folder of Markdown interview-study notes into a themed HTML study site.
//!
//! The pipeline, in the order `pipeline::build` runs it:
//! `config` → `discover` → `frontmatter` + `markdown::outline` (per note) → `enrich` (whole
//! site: sections, reading order, links) → `markdown::render` + `render` (per page) → `write`.
//! `highlight` serves the markdown code pass. For `gongbu serve`, `session` keeps a build alive
//! between changes, `watch` reports changed files and `serve` serves the output with live reload.

pub mod config;
pub mod diagnostics;
pub mod discover;
pub mod enrich;
pub mod frontmatter;
pub mod highlight;
pub mod markdown;
pub mod model;
pub mod paths;
pub mod pipeline;
pub mod render;
pub mod serve;
pub mod session;
pub mod text;
pub mod theme;
pub mod watch;
pub mod write;
