//! gongbu: turn a folder of Markdown interview-study notes into a themed HTML study site.
//!
//! Data flows one way, each stage using only the ones before it (and the leaf modules):
//!
//! | stage | modules | does |
//! |---|---|---|
//! | config | `config` | `gongbu.toml` + defaults + CLI flags → `Config` |
//! | discover | `discover`, `theme` | which files are notes and assets; the theme's template text (I/O) |
//! | parse | `frontmatter`, `markdown` | per note: front matter, outline (title, heading ids) |
//! | assemble | `enrich::assemble` | sections, reading order, output collisions → `model::Site` |
//! | resolve | `enrich::links` | where each written link goes → `model::Resolved` |
//! | render | `render` (`body`, `view`, `nav`) | note bodies, pages through the templates, `nav.js` |
//! | write | `write` | staging folder, manifest and atomic switch; in-place updates (I/O) |
//!
//! Leaf modules any stage may use: `model` (plain data), `diagnostics`, `paths`, `text`
//! (cleaning note text), `highlight` (code blocks). `pipeline` drives a build through the
//! stages; for `gongbu serve`, `session` keeps a build alive between changes, `watch` reports
//! changed files and `serve` serves the output with live reload.

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
