//! `gongbu init [DIR]`: a new site root, ready to preview and to publish: `gongbu.toml` with every
//! option present and explained, a home page and a sample note in the style of interview notes,
//! a `.gitignore`, and a GitHub Actions workflow that publishes to GitHub Pages on push.
//!
//! It only ever creates: a folder that holds anything (but a fresh repository's `.git`) is
//! refused before a file is written, and each file is created new, never over an existing one.

use crate::cli::InitArgs;
use anyhow::{bail, Context};
use gongbu::config::{Words, CONFIG_FILE};
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

const CONFIG: &str = include_str!("../../init/gongbu.toml");
const GITIGNORE: &str = include_str!("../../init/gitignore");
const HOME: &str = include_str!("../../init/README.md");
const NOTE: &str = include_str!("../../init/os/process-and-thread.md");
const WORKFLOW: &str = include_str!("../../init/pages.yml");

/// Where the workflow installs gongbu from when this build does not know its own repository.
const GONGBU_GIT_PLACEHOLDER: &str = "https://github.com/OWNER/gongbu";

pub fn run(args: InitArgs) -> anyhow::Result<ExitCode> {
    let dir = &args.dir;
    refuse_unless_empty(dir)?;
    std::fs::create_dir_all(dir).with_context(|| format!("{}: cannot create the folder", dir.display()))?;
    let name = gongbu::paths::canonical(dir).file_name().map(|n| n.to_string_lossy().into_owned());
    let files = site_files(name.as_deref().unwrap_or("notes"))?;
    for (rel, text) in &files {
        create_new(&dir.join(rel), text)?;
    }
    println!("created a new site in {}:", dir.display());
    for (rel, _) in &files {
        println!("  {rel}");
    }
    println!("next: gongbu serve {} (preview), gongbu check {} (broken links)", dir.display(), dir.display());
    println!("to publish: push it to GitHub and set Settings → Pages → Source to \"GitHub Actions\"");
    if git_source().is_none() {
        println!("  (first set GONGBU_GIT in .github/workflows/pages.yml to gongbu's git repository)");
    }
    Ok(ExitCode::SUCCESS)
}

/// Fails unless `dir` is missing or empty; a `.git` folder alone (a fresh `git init`) is empty.
fn refuse_unless_empty(dir: &Path) -> anyhow::Result<()> {
    let meta = match std::fs::symlink_metadata(dir) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e).with_context(|| format!("{}: cannot read", dir.display())),
    };
    if !meta.is_dir() {
        bail!("{} exists and is not a folder; gongbu init needs a new or empty folder", dir.display());
    }
    let entries = std::fs::read_dir(dir).with_context(|| format!("{}: cannot read", dir.display()))?;
    let mut held: Vec<String> = entries
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name != ".git")
        .collect();
    if !held.is_empty() {
        held.sort();
        let shown = held.iter().take(3).cloned().collect::<Vec<_>>().join(", ");
        let more = if held.len() > 3 { format!(" and {} more", held.len() - 3) } else { String::new() };
        bail!(
            "{} is not empty ({shown}{more}); gongbu init writes only into a new or empty folder, and wrote nothing",
            dir.display()
        );
    }
    Ok(())
}

/// The new site's files, by path from its root.
fn site_files(name: &str) -> anyhow::Result<Vec<(&'static str, String)>> {
    let title = toml::Value::String(name.to_string()).to_string();
    let words = toml::to_string(&Words::default()).context("listing the site's words")?;
    let words: String = words.lines().map(|line| format!("# {line}\n")).collect();
    let config = CONFIG.replace("{{title}}", &title).replace("{{words}}\n", &words);
    let workflow =
        WORKFLOW.replace("{{git}}", git_source().unwrap_or(GONGBU_GIT_PLACEHOLDER)).replace("{{ref}}", "HEAD");
    Ok(vec![
        (CONFIG_FILE, config),
        (".gitignore", GITIGNORE.to_string()),
        ("content/README.md", HOME.to_string()),
        ("content/os/process-and-thread.md", NOTE.to_string()),
        (".github/workflows/pages.yml", workflow),
    ])
}

/// gongbu's own repository, when this build was made from a package that names it.
fn git_source() -> Option<&'static str> {
    option_env!("CARGO_PKG_REPOSITORY").filter(|url| !url.is_empty())
}

/// Create `path` with `text`; an existing file is an error, never overwritten.
fn create_new(path: &Path, text: &str) -> anyhow::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).with_context(|| format!("{}: cannot create the folder", parent.display()))?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .with_context(|| format!("{}: cannot create", path.display()))?;
    file.write_all(text.as_bytes()).with_context(|| format!("{}: cannot write", path.display()))
}
