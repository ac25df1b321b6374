//! The theme's files, read at the edge of the build: the default theme compiled into the
//! binary (templates and `static/` files), and a site's own `templates/*.html`/`*.xml`, which
//! override it file by file. `render::Theme` parses the text this module hands it.

use crate::diagnostics::Diagnostic;
use crate::discover;
use std::path::{Path, PathBuf};

/// The default theme, compiled in so gongbu works on any folder.
pub const DEFAULT_TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../templates/base.html")),
    ("page.html", include_str!("../templates/page.html")),
    ("section.html", include_str!("../templates/section.html")),
    ("404.html", include_str!("../templates/404.html")),
    ("search.html", include_str!("../templates/search.html")),
    ("quiz.html", include_str!("../templates/quiz.html")),
    ("glossary.html", include_str!("../templates/glossary.html")),
    ("references.html", include_str!("../templates/references.html")),
];

/// The default theme's static files, written under `static/`.
pub const DEFAULT_STATIC: &[(&str, &[u8])] = &[
    ("gongbu.css", include_bytes!("../static/gongbu.css")),
    ("gongbu.js", include_bytes!("../static/gongbu.js")),
    ("math.css", include_bytes!("../static/math.css")),
    ("search.css", include_bytes!("../static/search.css")),
    ("search.js", include_bytes!("../static/search.js")),
    ("study.css", include_bytes!("../static/study.css")),
    ("study.js", include_bytes!("../static/study.js")),
    ("reader.js", include_bytes!("../static/reader.js")),
    ("favicon.svg", include_bytes!("../static/favicon.svg")),
];

/// The two files every page loads, each the theme files named here joined in this order (the
/// order their rules cascade and their scripts run, as separate tags had them): one request
/// each instead of five and four, and a `<head>` 0.4 KB shorter on every page. A site's own
/// `static/` file over one of the parts is joined in its place; a site's own `theme.css` or
/// `theme.js` replaces the bundle whole. The parts stay published under their own names too.
pub const BUNDLES: &[(&str, &[&str])] = &[
    ("theme.css", &["gongbu.css", "highlight.css", "math.css", "search.css", "study.css"]),
    ("theme.js", &["gongbu.js", "search.js", "study.js", "reader.js"]),
];

/// `parts` of `files` one after the other; a script ends with `;` and a line break first, so
/// the next cannot continue its last statement or comment.
fn bundle(files: &std::collections::BTreeMap<String, Vec<u8>>, parts: &[&str], script: bool) -> Vec<u8> {
    let mut out = Vec::new();
    for bytes in parts.iter().filter_map(|p| files.get(*p)) {
        out.extend_from_slice(bytes);
        out.extend_from_slice(if script { b"\n;\n" } else { b"\n" });
    }
    out
}

/// Whether a theme file under `static/` is also published under a content-hashed name: the
/// styles and scripts every page loads, which hosts cache. Other files (the favicon, images a
/// stylesheet names) keep their names, so a stylesheet's relative `url(…)`s still resolve.
pub(crate) fn is_hashed(name: &str) -> bool {
    name.ends_with(".css") || name.ends_with(".js")
}

/// `name` with its content's checksum before the extension: `gongbu.css` → `gongbu.1a2b3c4d.css`.
pub(crate) fn hashed_name(name: &str, bytes: &[u8]) -> String {
    let sum = crc32fast::hash(bytes);
    match name.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}.{sum:08x}.{ext}"),
        None => format!("{name}.{sum:08x}"),
    }
}

/// The theme's styles and scripts as published under `static/`, by name: the default theme's,
/// `generated` ones (the highlighting CSS), minified when asked (`minify::asset`), then a site's
/// own `static/` files over them as they are (only those whose real path lies inside `root`, as
/// `pipeline` copies them), and the `BUNDLES` joined from them.
pub(crate) fn styles_and_scripts(
    static_dir: Option<&Path>,
    root: &Path,
    skip: &[&Path],
    generated: &[(&str, &[u8])],
    minify: bool,
) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut files: std::collections::BTreeMap<String, Vec<u8>> = DEFAULT_STATIC
        .iter()
        .chain(generated)
        .filter(|(name, _)| is_hashed(name))
        .map(|(name, bytes)| {
            (name.to_string(), if minify { crate::minify::asset(name, bytes) } else { bytes.to_vec() })
        })
        .collect();
    if let Some(dir) = static_dir.filter(|d| d.is_dir()) {
        if let Ok(found) = discover::scan_within(dir, root, skip) {
            for f in found.assets.into_iter().filter(|f| is_hashed(&f.rel)) {
                if let Ok(bytes) = std::fs::read(&f.abs) {
                    files.insert(f.rel, bytes);
                }
            }
        }
    }
    for (name, parts) in BUNDLES {
        if !files.contains_key(*name) {
            let joined = bundle(&files, parts, name.ends_with(".js"));
            files.insert(name.to_string(), joined);
        }
    }
    files
}

/// One template as read: its name for Tera, the path shown in messages, and its text.
#[derive(Debug, Clone)]
pub struct TemplateSource {
    pub(crate) name: String,
    pub(crate) shown: String,
    pub(crate) text: String,
}

/// The default templates, overridden by same-named files in `overrides` (a site's `templates/`).
/// `shown_root` is the folder paths in messages are relative to.
pub fn read_templates(overrides: Option<&Path>, shown_root: &Path) -> Result<Vec<TemplateSource>, Vec<Diagnostic>> {
    let mut sources: Vec<TemplateSource> = DEFAULT_TEMPLATES
        .iter()
        .map(|(name, text)| TemplateSource {
            name: name.to_string(),
            shown: format!("(default theme) templates/{name}"),
            text: text.to_string(),
        })
        .collect();
    let mut problems = Vec::new();
    if let Some(dir) = overrides.filter(|d| d.is_dir()) {
        let (files, refused) = template_files(dir, shown_root);
        problems.extend(refused);
        for (name, path) in files {
            let shown = path.strip_prefix(shown_root).unwrap_or(&path).display().to_string();
            match std::fs::read_to_string(&path) {
                Ok(text) => {
                    let source = TemplateSource { name, shown, text };
                    match sources.iter_mut().find(|t| t.name == source.name) {
                        Some(slot) => *slot = source,
                        None => sources.push(source),
                    }
                }
                Err(e) => problems.push(Diagnostic::error(shown, 0, format!("cannot read template: {e}"))),
            }
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(sources)
}

/// `*.html` and `*.xml` files under a templates folder, named by their path inside it. Only
/// files whose real path lies inside the site root are read: any other is an error, as a
/// template is published.
fn template_files(dir: &Path, site_root: &Path) -> (Vec<(String, PathBuf)>, Vec<Diagnostic>) {
    let shown = |rel: &str| format!("templates/{rel}");
    match discover::scan_within(dir, site_root, &[]) {
        Ok(found) => {
            let mut files: Vec<(String, PathBuf)> = found
                .notes
                .into_iter()
                .chain(found.assets)
                .map(|f| (f.rel, f.abs))
                .filter(|(name, _)| name.ends_with(".html") || name.ends_with(".xml"))
                .collect();
            files.sort();
            let refused =
                found.skipped.into_iter().map(|d| Diagnostic::error(shown(&d.file), d.line, d.message)).collect();
            (files, refused)
        }
        Err(e) => (Vec::new(), vec![Diagnostic::error("templates", 0, e.to_string())]),
    }
}
