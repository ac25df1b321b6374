//! gongbu: turn a folder of Markdown interview-study notes into a themed HTML study site.
//!
//! Data flows one way, each stage using only the ones before it (and the leaf modules):
//!
//! | stage | modules | does |
//! |---|---|---|
//! | config | `config` | `gongbu.toml` + defaults + CLI flags → `Config` |
//! | discover | `discover`, `theme` | which files are notes and assets; the theme's template text (I/O) |
//! | parse | `frontmatter`, `markdown` | per note: front matter, `prepare` (callouts, MDX), outline (title, heading ids, links), questions, terms |
//! | assemble | `enrich::assemble`, `enrich::order` | sections, reading order, output collisions → `model::Site` |
//! | resolve | `enrich::links`, `enrich::study` | where each written link goes → `model::Resolved`; the site's glossary |
//! | render | `render` (`body`, `view`, `nav`, `study`, `math`, `feed`) | note bodies, pages through the templates, `nav.js`, quiz/glossary/references, the feed |
//! | search | `search` | the full-text index of the pages' text, as script files |
//! | write | `write` | staging folder, manifest and atomic switch; in-place updates (I/O) |
//!
//! Leaf modules any stage may use: `model` (plain data), `diagnostics`, `paths`, `text`
//! (cleaning note text), `highlight` (code blocks), `minify` (smaller HTML, CSS and JS for a
//! build), `cache` (work kept between builds). `pipeline` drives a build through the stages;
//! for `gongbu serve`, `session` keeps a build alive between changes, `watch` reports changed
//! files and `serve` serves the output with live reload; `links_external` checks the notes'
//! external links for `gongbu check --external`.

// Every public item says what it is (clippy's -D warnings in CI makes this an error).
#![warn(missing_docs)]

pub mod cache;
pub mod config;
pub mod diagnostics;
pub mod discover;
pub(crate) mod enrich;
pub mod frontmatter;
pub mod highlight;
pub mod links_external;
pub mod markdown;
pub mod minify;
pub mod model;
pub mod paths;
pub mod pipeline;
pub mod render;
mod reuse;
pub(crate) mod search;
pub mod serve;
pub mod session;
pub(crate) mod text;
pub mod theme;
pub mod watch;
pub mod write;

/// The benchmark's generated notes (`gen-corpus`), as real text for tests.
#[cfg(test)]
#[path = "bin/gen-corpus/corpus.rs"]
mod generated_notes;

/// The stage order of the module map above, checked against the source's imports.
#[cfg(test)]
mod module_map {
    /// Modules by stage, earliest first (`theme` reads the template files `discover` finds);
    /// `LEAVES` may be used by any of them. Unit tests are not held to it. Driver modules (`pipeline`, `session`, `serve`,
    /// `watch`, the binaries) use every stage and are not listed.
    const STAGES: &[&[&str]] = &[
        &["config"],
        &["discover"],
        &["theme"],
        &["frontmatter", "markdown"],
        &["enrich"],
        &["render"],
        &["search"],
        &["write"],
    ];
    const LEAVES: &[&str] = &["model", "diagnostics", "paths", "text", "highlight", "minify", "cache"];

    /// The module of the crate a path under `src/` belongs to: `render/body.rs` → `render`.
    fn top_module(rel: &std::path::Path) -> String {
        let first = rel.components().next().map(|c| c.as_os_str().to_string_lossy().into_owned()).unwrap_or_default();
        first.trim_end_matches(".rs").to_string()
    }

    /// Every module named after `crate::` in `text` outside comment lines, with its line;
    /// `crate::{a, b::c}` names `a` and `b`, over several lines too.
    fn crate_imports(text: &str) -> Vec<(usize, String)> {
        let code: Vec<&str> = text.lines().map(|l| if l.trim_start().starts_with("//") { "" } else { l }).collect();
        let code = code.join("\n");
        let mut found = Vec::new();
        for (at, _) in code.match_indices("crate::") {
            let line = code[..at].matches('\n').count() + 1;
            let rest = &code[at + "crate::".len()..];
            let names: Vec<&str> = match rest.strip_prefix('{') {
                Some(group) => group.split('}').next().unwrap_or("").split(',').map(str::trim).collect(),
                None => vec![rest],
            };
            for name in names {
                let module: String = name.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                if !module.is_empty() {
                    found.push((line, module));
                }
            }
        }
        found
    }

    fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("src/ is readable").flatten() {
            let path = entry.path();
            if path.is_dir() {
                rust_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    #[test]
    fn stages_import_only_the_stages_before_them_and_the_leaves() {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let stage_of = |module: &str| STAGES.iter().position(|stage| stage.contains(&module));
        let mut files = Vec::new();
        rust_files(&src, &mut files);
        let mut checked = 0;
        let mut wrong = Vec::new();
        for file in files {
            let rel = file.strip_prefix(&src).unwrap_or(&file);
            let module = top_module(rel);
            let text = std::fs::read_to_string(&file).expect("a source file is readable");
            // A module's unit tests (at its end) may build fixtures with any stage.
            let code = text.split("\n#[cfg(test)]\nmod tests").next().unwrap_or(&text);
            for (line, used) in crate_imports(code) {
                let allowed = if LEAVES.contains(&module.as_str()) {
                    LEAVES.contains(&used.as_str())
                } else if let Some(stage) = stage_of(&module) {
                    checked += 1;
                    used == module || LEAVES.contains(&used.as_str()) || stage_of(&used).is_some_and(|s| s < stage)
                } else {
                    true
                };
                if !allowed {
                    wrong.push(format!("src/{}:{line}: `{module}` uses `{used}`", rel.display()));
                }
            }
        }
        assert!(checked > 20, "the stage modules' imports were found ({checked})");
        assert!(wrong.is_empty(), "imports against the flow of data:\n{}", wrong.join("\n"));
    }

    #[test]
    fn imports_are_read_from_single_and_grouped_uses() {
        let text = "use crate::model::Site;\n// crate::write in a comment\nuse crate::{paths, text::without_controls};\nlet x = crate::discover::scan(a);\nuse crate::{\n    config,\n    render::Theme,\n};";
        let modules: Vec<(usize, String)> = crate_imports(text);
        let shown: Vec<(usize, &str)> = modules.iter().map(|(l, m)| (*l, m.as_str())).collect();
        assert_eq!(shown, [(1, "model"), (3, "paths"), (3, "text"), (4, "discover"), (5, "config"), (5, "render")]);
    }
}
