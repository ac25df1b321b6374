//! gongbu: turn a folder of Markdown interview-study notes into a themed HTML study site.
//!
//! The pipeline, in the order the modules run (see `pipeline::build`):
//! `config` → `discover` → `frontmatter` + `markdown` (per note) → `enrich` (whole site)
//! → `render` → `write`. `highlight` is used by the markdown code pass.

pub mod highlight;
