//! `gongbu init`: a new site that builds with no warnings, a `gongbu.toml` naming every option
//! `Config` accepts, a GitHub Pages workflow, and a non-empty folder refused untouched.

mod common;

use common::{gongbu, tree};
use std::collections::BTreeSet;
use std::path::Path;

fn init(dir: &Path) -> std::process::Output {
    gongbu(&["init", dir.to_str().unwrap()])
}

#[test]
fn a_new_site_builds_and_checks_with_no_warnings() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("new/notes");
    let output = init(&site);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let files: BTreeSet<String> = tree(&site).into_keys().collect();
    let expected = [
        ".github/workflows/pages.yml",
        ".gitignore",
        "content/README.md",
        "content/os/process-and-thread.md",
        "gongbu.toml",
    ];
    assert_eq!(files, expected.iter().map(|s| s.to_string()).collect());

    let stderr =
        common::build_ok(&site, &site.join("public"), &["--strict", "--base-url", "https://me.github.io/notes/"]);
    assert!(!stderr.contains("warning"), "{stderr}");
    // Every link resolves (without a base URL: the 404 page's root-absolute links then start at
    // the output's root).
    let plain = tmp.path().join("plain");
    common::build_ok(&site, &plain, &[]);
    assert_eq!(common::dead_links(&plain), []);
    let check = gongbu(&["check", site.to_str().unwrap()]);
    assert_eq!(check.status.code(), Some(0), "{}", String::from_utf8_lossy(&check.stdout));

    // The title is the folder's name; the sample note reads like the seed's notes.
    let config = std::fs::read_to_string(site.join("gongbu.toml")).unwrap();
    assert!(config.contains("title = \"notes\""), "{config}");
    let note = std::fs::read_to_string(site.join("content/os/process-and-thread.md")).unwrap();
    for shape in ["\n## 1번 문제\n### Q. ", "\n> **'", "\n```\n", "@https://"] {
        assert!(note.contains(shape), "the sample note has {shape:?}");
    }
    let page = common::read(&site.join("public/os/process-and-thread.html"));
    assert!(!common::select(&page, "h2[id='1번-문제']").is_empty());
    assert!(!common::select(&page, "a.ref[href^='https://']").is_empty());
}

/// Every top-level key `gongbu.toml` accepts, from the parser's own message about an unknown key.
fn accepted_keys() -> BTreeSet<String> {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("gongbu.toml"), "no_such_key = 1\n").unwrap();
    let output = gongbu(&["check", tmp.path().to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let expected = stderr.split("expected one of").nth(1).unwrap_or_else(|| panic!("{stderr}"));
    let keys: BTreeSet<String> = expected.split('`').skip(1).step_by(2).map(String::from).collect();
    assert!(keys.contains("title") && keys.contains("words"), "{stderr}");
    keys
}

#[test]
fn gongbu_toml_names_every_option_and_is_valid_with_all_of_them_on() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    assert!(init(&site).status.success());
    let config = std::fs::read_to_string(site.join("gongbu.toml")).unwrap();
    // Turn every commented-out option on: `# key = value` → `key = value`.
    let on: String = config
        .lines()
        .map(|line| match line.strip_prefix("# ") {
            Some(rest)
                if rest
                    .split_once(" = ")
                    .is_some_and(|(k, _)| k.chars().all(|c| c.is_ascii_lowercase() || c == '_')) =>
            {
                rest.to_string()
            }
            _ => line.to_string(),
        })
        .map(|l| l + "\n")
        .collect();
    let table: toml::Table = toml::from_str(&on).unwrap();
    let written: BTreeSet<String> = table.keys().cloned().collect();
    assert_eq!(written, accepted_keys(), "gongbu init's gongbu.toml must name every option (init/gongbu.toml)");
    let words: BTreeSet<String> = table["words"].as_table().unwrap().keys().cloned().collect();
    let all_words = serde_json::to_value(gongbu::config::Words::default()).unwrap();
    let all_words: BTreeSet<String> = all_words.as_object().unwrap().keys().cloned().collect();
    assert_eq!(words, all_words, "every word of [words]");
    // Each option has a comment line right above it (or above its group).
    for key in &written {
        let at = config
            .lines()
            .position(|l| l.trim_start_matches("# ").starts_with(&format!("{key} = ")) || l == format!("[{key}]"))
            .unwrap();
        assert!(config.lines().take(at).last().unwrap().starts_with('#'), "{key} is explained");
    }
    // With everything on (the examples point at a repository, the notes at content/), the site
    // still loads and builds.
    std::fs::write(site.join("gongbu.toml"), &on).unwrap();
    common::build_ok(&site, &tmp.path().join("out"), &[]);
}

#[test]
fn the_workflow_builds_with_gongbu_and_deploys_to_pages() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    assert!(init(&site).status.success());
    let text = std::fs::read_to_string(site.join(".github/workflows/pages.yml")).unwrap();
    let flow: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
    assert!(flow["on"]["push"]["branches"].as_array().unwrap().contains(&"main".into()));
    assert_eq!(flow["permissions"]["pages"], "write");
    assert_eq!(flow["permissions"]["id-token"], "write");
    assert_eq!(flow["permissions"]["contents"], "read");
    assert_eq!(flow["concurrency"]["group"], "pages");
    let steps = |job: &str| flow["jobs"][job]["steps"].as_array().unwrap().clone();
    let uses = |job: &str| -> Vec<String> {
        steps(job).iter().filter_map(|s| s["uses"].as_str()).map(|u| u.split('@').next().unwrap().to_string()).collect()
    };
    let runs: String = steps("build").iter().filter_map(|s| s["run"].as_str()).collect();
    for action in ["actions/checkout", "actions/configure-pages", "actions/upload-pages-artifact"] {
        assert!(uses("build").contains(&action.to_string()), "{action}");
    }
    assert!(runs.contains("cargo install --locked --git"), "{runs}");
    assert!(runs.contains("gongbu build --base-url \"${{ steps.pages.outputs.base_url }}/\""), "{runs}");
    let upload = steps("build")
        .into_iter()
        .find(|s| s["uses"].as_str().unwrap_or("").starts_with("actions/upload-pages-artifact"))
        .unwrap();
    assert_eq!(upload["with"]["path"], "public");
    assert_eq!(uses("deploy"), ["actions/deploy-pages"]);
    assert_eq!(flow["jobs"]["deploy"]["needs"], "build");
    assert_eq!(flow["jobs"]["deploy"]["environment"]["name"], "github-pages");
    // gongbu's placeholders are filled; GitHub's own `${{ … }}` expressions stay.
    assert_eq!(text.matches("{{").count(), text.matches("${{").count(), "every placeholder filled: {text}");
}

#[test]
fn a_non_empty_folder_is_refused_and_left_as_it_was() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("notes");
    std::fs::create_dir_all(dir.join("old")).unwrap();
    std::fs::write(dir.join("old/a.md"), "# mine").unwrap();
    std::fs::write(dir.join("gongbu.toml"), "title = \"mine\"").unwrap();
    let before = tree(&dir);
    let output = init(&dir);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("is not empty (gongbu.toml, old)") && stderr.contains("wrote nothing"), "{stderr}");
    assert_eq!(tree(&dir), before);
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 2, "no folder was added either");

    // A file is refused too; a fresh repository (only .git) is empty enough.
    let file = tmp.path().join("file");
    std::fs::write(&file, "x").unwrap();
    assert_eq!(init(&file).status.code(), Some(1));
    let repo = tmp.path().join("repo");
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    assert!(init(&repo).status.success());
    assert!(repo.join("gongbu.toml").is_file());
}
