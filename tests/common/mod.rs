//! Shared helpers for integration tests: run the real binary on fixture folders in temp dirs
//! and check the HTML it wrote with a parser.

#![allow(dead_code)]

pub mod browser;

use percent_encoding::percent_decode_str;
use scraper::{Html, Selector};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn shared_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
    assert!(
        dir.is_dir(),
        "../shared must sit beside the project (it holds the seed and the corpora): {}",
        dir.display()
    );
    dir
}

/// Copy a folder recursively (fixtures are read-only; builds must not write into them).
/// Write `files` (path under `dir`, text) into `dir`, making folders as needed.
pub fn write_notes(dir: &Path, files: &[(&str, &str)]) {
    for (rel, text) in files {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

/// The repository's sample site (`gongbu.toml` and `content/`) copied to `dir/site`, a site root.
pub fn copy_sample_site(dir: &Path) -> PathBuf {
    let site = dir.join("site");
    std::fs::create_dir_all(&site).unwrap();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(repo.join("gongbu.toml"), site.join("gongbu.toml")).unwrap();
    copy_tree(&repo.join("content"), &site.join("content"));
    site
}

pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Every file under `dir`, by path from `dir`, with its bytes.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().strip_prefix(dir).unwrap().display().to_string(), std::fs::read(e.path()).unwrap()))
        .collect()
}

pub fn gongbu(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gongbu")).args(args).output().expect("run gongbu")
}

/// Run `gongbu build SRC -o OUT`, asserting success; returns stderr.
pub fn build_ok(src: &Path, out: &Path, extra: &[&str]) -> String {
    let mut args = vec!["build", src.to_str().unwrap(), "-o", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    let output = gongbu(&args);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "build failed:\n{stderr}");
    stderr
}

pub fn read(path: &Path) -> Html {
    Html::parse_document(&std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

pub fn select<'a>(doc: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    doc.select(&Selector::parse(css).unwrap()).collect()
}

pub fn html_files(out: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(out)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| e.into_path())
        .collect()
}

/// A link in the output that leads nowhere.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct DeadLink {
    /// Page holding the link, from the output root.
    pub page: String,
    pub href: String,
    pub reason: String,
}

/// Follow every internal `href`/`src` of every page: the file must exist and a `#fragment`
/// must name an element id (or `a[name]`) on the target page.
pub fn dead_links(out: &Path) -> Vec<DeadLink> {
    let mut ids_cache: HashMap<PathBuf, Vec<String>> = HashMap::new();
    let mut dead = Vec::new();
    let attrs = [("a[href]", "href"), ("link[href]", "href"), ("img[src]", "src"), ("script[src]", "src")];
    for page in html_files(out) {
        let doc = read(&page);
        let page_rel = page.strip_prefix(out).unwrap().to_string_lossy().into_owned();
        for (css, attr) in attrs {
            for el in select(&doc, css) {
                let href = el.value().attr(attr).unwrap().trim();
                if href.is_empty() || has_scheme(href) || href.starts_with("//") {
                    continue;
                }
                let (path_part, fragment) = match href.split_once('#') {
                    Some((p, f)) => (p, Some(f)),
                    None => (href, None),
                };
                let path_part = path_part.split('?').next().unwrap();
                let decoded = percent_decode_str(path_part).decode_utf8_lossy().into_owned();
                // Root-absolute links (the 404 page's, served at any depth) start at the site root.
                let target = match decoded.strip_prefix('/') {
                    Some(from_root) => out.join(from_root),
                    None if decoded.is_empty() => page.clone(),
                    None => page.parent().unwrap().join(&decoded),
                };
                let target = if target.is_dir() { target.join("index.html") } else { target };
                if !target.is_file() {
                    dead.push(DeadLink { page: page_rel.clone(), href: href.into(), reason: "no such file".into() });
                    continue;
                }
                let Some(fragment) = fragment.filter(|f| !f.is_empty()) else { continue };
                if target.extension().is_none_or(|x| x != "html") {
                    continue;
                }
                let ids = ids_cache.entry(target.clone()).or_insert_with(|| element_ids(&read(&target)));
                let wanted = percent_decode_str(fragment).decode_utf8_lossy().into_owned();
                if !ids.iter().any(|id| *id == wanted || id == fragment) {
                    dead.push(DeadLink { page: page_rel.clone(), href: href.into(), reason: "no such id".into() });
                }
            }
        }
    }
    dead.sort();
    dead
}

fn element_ids(doc: &Html) -> Vec<String> {
    let mut ids: Vec<String> = select(doc, "[id]").iter().map(|e| e.value().attr("id").unwrap().to_string()).collect();
    ids.extend(select(doc, "a[name]").iter().map(|e| e.value().attr("name").unwrap().to_string()));
    ids
}

fn has_scheme(href: &str) -> bool {
    href.split_once(':').is_some_and(|(s, _)| {
        !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)) && !s.contains('/')
    })
}

/// `file:line` warnings printed by a build, grouped by file.
pub fn warnings_by_file(stderr: &str) -> BTreeMap<String, Vec<String>> {
    let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in stderr.lines().filter(|l| l.contains(": warning: ")) {
        let file = line.split(": warning: ").next().unwrap();
        let file = file.rsplit_once(':').map_or(file, |(f, _)| f);
        map.entry(file.to_string()).or_default().push(line.to_string());
    }
    map
}
