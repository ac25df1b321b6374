//! Checks that `gen-corpus` is deterministic and writes notes shaped like the real ones:
//! sizes, valid tables of contents, unlabeled code fences and working links between notes.

use gongbu::markdown::code_blocks::code_blocks;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

const NOTES: usize = 200;

fn generate(seed: u64, out: &Path) {
    let status = Command::new(env!("CARGO_BIN_EXE_gen-corpus"))
        .args(["--notes", &NOTES.to_string(), "--seed", &seed.to_string(), "--out"])
        .arg(out)
        .stdout(std::process::Stdio::null())
        .status()
        .expect("run gen-corpus");
    assert!(status.success(), "gen-corpus failed: {status}");
}

/// Every file under `root`, keyed by its path relative to `root`.
fn read_tree(root: &Path) -> BTreeMap<PathBuf, String> {
    let mut files = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let text = std::fs::read_to_string(&path).unwrap();
                files.insert(path.strip_prefix(root).unwrap().to_path_buf(), text);
            }
        }
    }
    files
}

/// GitHub's anchor rule, written independently of the generator's copy.
fn slug(heading: &str) -> String {
    let mut out = String::new();
    for c in heading.trim().to_lowercase().chars() {
        if c == ' ' {
            out.push('-');
        } else if c.is_alphanumeric() || c == '-' || c == '_' {
            out.push(c);
        }
    }
    out
}

/// (level, text) of every ATX heading outside fenced code.
fn headings(text: &str) -> Vec<(usize, String)> {
    let mut in_fence = false;
    let mut out = Vec::new();
    for line in text.lines() {
        if line.starts_with("```") {
            in_fence = !in_fence;
        } else if !in_fence {
            let level = line.chars().take_while(|&c| c == '#').count();
            if (1..=6).contains(&level) && line[level..].starts_with(' ') {
                out.push((level, line[level + 1..].to_string()));
            }
        }
    }
    out
}

/// Info strings of opening fences, read line by line on purpose (not with
/// `gongbu::markdown::code_blocks`): this checks the text the generator wrote, every fence opened
/// and closed at the start of a line, which a Markdown parser would forgive. The test then checks
/// that gongbu reads the same blocks.
fn fence_labels(text: &str) -> Vec<String> {
    let mut in_fence = false;
    let mut labels = Vec::new();
    for line in text.lines().filter(|l| l.starts_with("```")) {
        if !in_fence {
            labels.push(line[3..].trim().to_string());
        }
        in_fence = !in_fence;
    }
    assert!(!in_fence, "unclosed fence");
    labels
}

/// Destinations of inline Markdown links `[text](dest)`.
fn link_targets(text: &str) -> Vec<String> {
    text.match_indices("](")
        .filter_map(|(i, _)| {
            let rest = &text[i + 2..];
            rest.find(')').map(|end| rest[..end].to_string())
        })
        .collect()
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

#[test]
fn same_seed_same_bytes_other_seed_differs() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, c) = (dir.path().join("a"), dir.path().join("b"), dir.path().join("c"));
    generate(7, &a);
    generate(7, &b);
    generate(8, &c);
    let (ta, tb, tc) = (read_tree(&a), read_tree(&b), read_tree(&c));
    assert_eq!(ta, tb, "same seed must give byte-identical output");
    // Same file names (layout depends only on N), different contents.
    assert_eq!(ta.keys().collect::<Vec<_>>(), tc.keys().collect::<Vec<_>>());
    let differing = ta.iter().filter(|(k, v)| tc[*k] != **v).count();
    assert!(differing > NOTES / 2, "another seed changed only {differing} files");
}

#[test]
fn refuses_non_empty_output_without_force() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("keep.txt"), "x").unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_gen-corpus"))
        .args(["--notes", "3", "--out"])
        .arg(dir.path())
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(!status.success());
    assert!(dir.path().join("keep.txt").exists());
}

#[test]
fn notes_look_like_real_interview_notes() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("corpus");
    generate(1, &root);
    let tree = read_tree(&root);

    let readmes: Vec<_> = tree.keys().filter(|p| p.ends_with("README.md")).collect();
    let notes: Vec<_> = tree.iter().filter(|(p, _)| !p.ends_with("README.md")).collect();
    assert_eq!(notes.len(), NOTES);
    assert_eq!(readmes.len(), 8 + 1, "8 topic indexes + root index");
    assert!(tree.keys().any(|p| p.to_string_lossy().contains(' ')), "a folder with a space");
    assert!(tree.keys().any(|p| p.to_string_lossy().contains("운영체제")), "a Hangul folder");

    // Size and length close to the real corpus.
    let bytes: usize = notes.iter().map(|(_, t)| t.len()).sum();
    let lines: usize = notes.iter().map(|(_, t)| t.lines().count()).sum();
    let avg_kb = bytes as f64 / NOTES as f64 / 1000.0;
    let avg_lines = lines as f64 / NOTES as f64;
    assert!((6.0..=8.5).contains(&avg_kb), "average note size {avg_kb:.2} KB");
    assert!((110.0..=160.0).contains(&avg_lines), "average note length {avg_lines:.1} lines");

    let heading_slugs: BTreeMap<&PathBuf, Vec<String>> =
        tree.iter().map(|(p, t)| (p, headings(t).iter().map(|(_, h)| slug(h)).collect())).collect();

    let (mut fences, mut unlabeled, mut cross_links) = (0, 0, 0);
    for (path, text) in &notes {
        // The TOC lists every level-2 heading (except itself), in order, by GitHub anchor.
        let toc_start = text.find("## 목차\n").unwrap_or_else(|| panic!("{path:?} has no TOC"));
        let toc: Vec<String> = text[toc_start..]
            .lines()
            .skip(1)
            .take_while(|l| l.starts_with("- ["))
            .map(|l| {
                let anchor = l.split("](#").nth(1).unwrap_or_else(|| panic!("{path:?}: bad TOC line {l}"));
                anchor.trim_end_matches(')').to_string()
            })
            .collect();
        let expected: Vec<String> =
            headings(text).iter().filter(|(lvl, h)| *lvl == 2 && h != "목차").map(|(_, h)| slug(h)).collect();
        assert!(toc.len() >= 5, "{path:?}: TOC too short");
        assert_eq!(toc, expected, "{path:?}: TOC anchors must match headings");

        let labels = fence_labels(text);
        let read: Vec<String> = code_blocks(text)
            .into_iter()
            .map(|b| if b.fenced { b.label.unwrap_or_default() } else { "(indented)".into() })
            .collect();
        assert_eq!(read, labels, "{path:?}: gongbu reads the code blocks as written");
        assert!((1..=3).contains(&labels.len()), "{path:?}: {} code blocks", labels.len());
        for l in &labels {
            assert!(["", "bash", "python", "java", "javascript", "rust", "sql"].contains(&l.as_str()));
        }
        fences += labels.len();
        unlabeled += labels.iter().filter(|l| l.is_empty()).count();
    }

    // Relative links (from notes and READMEs) resolve to existing files and headings.
    for (path, text) in &tree {
        for target in link_targets(text) {
            if target.starts_with('#') || target.starts_with("http") {
                continue;
            }
            let (file, anchor) = match target.split_once('#') {
                Some((f, a)) => (f, Some(a)),
                None => (target.as_str(), None),
            };
            let mut resolved = path.parent().unwrap().to_path_buf();
            for part in percent_decode(file).split('/') {
                match part {
                    ".." => assert!(resolved.pop(), "{path:?}: link {target} leaves the corpus"),
                    p => resolved.push(p),
                }
            }
            let slugs = heading_slugs
                .get(&resolved)
                .unwrap_or_else(|| panic!("{path:?}: link {target} points at missing {resolved:?}"));
            if let Some(anchor) = anchor {
                assert!(slugs.iter().any(|s| s == anchor), "{path:?}: link {target} has no such heading");
            }
            cross_links += 1;
        }
    }
    let share = unlabeled as f64 / fences as f64;
    assert!((0.2..=0.4).contains(&share), "unlabeled fences: {:.0}%", share * 100.0);
    assert!(cross_links > NOTES, "only {cross_links} relative links");
    assert!(notes.iter().any(|(_, t)| t.starts_with("---\n")), "some notes have front matter");
    assert!(notes.iter().any(|(_, t)| t.starts_with("# ")), "some notes have an H1 title");
    let velog: Vec<&str> =
        notes.iter().flat_map(|(_, t)| t.lines()).filter(|l| l.starts_with("> @https://velog.io/@")).collect();
    assert!(!velog.is_empty(), "velog references");
    assert!(velog.iter().all(|l| l.contains("%E")), "velog slugs are percent-encoded Hangul");
    assert!(notes.iter().all(|(_, t)| t.contains("<br/>")));
}
