//! `gongbu build` as a user runs it: help, exit codes, problems reported as `file:line`, and an
//! output folder that is never damaged by a failed build nor allowed to endanger other files.

mod common;

use common::*;
use std::fs;
use std::path::Path;

fn notes(dir: &Path, files: &[(&str, &[u8])]) {
    for (rel, bytes) in files {
        let path = dir.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    }
}

#[test]
fn help_for_every_command_and_option() {
    let top = gongbu(&["--help"]);
    assert!(top.status.success());
    assert!(String::from_utf8_lossy(&top.stdout).contains("build"));
    let build = String::from_utf8_lossy(&gongbu(&["build", "--help"]).stdout).into_owned();
    for option in ["--output", "--base-url", "--strict", "--force", "[PATH]"] {
        assert!(build.contains(option), "build --help lacks {option}:\n{build}");
    }
    assert!(!gongbu(&["build", "--no-such-flag"]).status.success());
}

#[test]
fn all_problems_reported_together_and_previous_output_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("notes");
    let out = tmp.path().join("out");
    notes(&src, &[("good.md", b"# Good\n")]);
    build_ok(&src, &out, &[]);
    let before = tree(&out);

    notes(
        &src,
        &[
            ("bad-utf8.md", b"# ok\n\nline \xff\xfe\n"),
            ("Network/bad-front.md", b"---\ntitle: [unclosed\n---\n# x\n"),
            ("bad-toml.md", b"+++\ntitle = = 1\n+++\n"),
        ],
    );
    let run = gongbu(&["build", src.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(!run.status.success(), "a broken note fails the build");
    assert!(stderr.contains("bad-utf8.md:3: error"), "{stderr}");
    assert!(
        stderr.contains("Network/bad-front.md:2: error") || stderr.contains("Network/bad-front.md:3: error"),
        "{stderr}"
    );
    assert!(stderr.contains("bad-toml.md:2: error"), "{stderr}");
    assert_eq!(tree(&out), before, "the previous output is left exactly as it was");
    let leftovers: Vec<_> = fs::read_dir(tmp.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(leftovers.len(), 2, "no staging folder left behind: {leftovers:?}");
}

#[test]
fn template_errors_name_the_template_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    notes(
        &site,
        &[
            ("gongbu.toml", b"title = \"t\"\n"),
            ("content/a.md", b"# A\n"),
            ("templates/page.html", b"<p>\n{{ page.title | nosuchfilter }}\n</p>\n"),
        ],
    );
    let run = gongbu(&["build", site.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(!run.status.success());
    assert!(stderr.contains("templates/page.html:2: error"), "{stderr}");
}

#[test]
fn broken_links_warn_and_strict_makes_them_fatal() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("notes");
    notes(&src, &[("a.md", b"# A\n\n## Real\n\nsee [moved](gone.md) and [typo](#reall)\n")]);
    let out = tmp.path().join("out");
    let stderr = build_ok(&src, &out, &[]);
    assert!(stderr.contains("a.md:5: warning: broken link: `gone.md`"), "{stderr}");
    assert!(stderr.contains("a.md:5: warning: no heading `#reall`"), "{stderr}");
    let strict = gongbu(&["build", src.to_str().unwrap(), "-o", out.to_str().unwrap(), "--strict"]);
    assert!(!strict.status.success());
}

#[test]
fn refuses_dangerous_output_folders() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("notes");
    notes(&src, &[("a.md", b"# A\n")]);
    for bad in [src.clone(), tmp.path().to_path_buf()] {
        let run = gongbu(&["build", src.to_str().unwrap(), "-o", bad.to_str().unwrap()]);
        assert!(!run.status.success());
        assert!(String::from_utf8_lossy(&run.stderr).contains("contains it"));
        assert!(src.join("a.md").is_file(), "notes are never touched");
    }

    let foreign = tmp.path().join("my-files");
    notes(&foreign, &[("thesis.docx", b"precious")]);
    let run = gongbu(&["build", src.to_str().unwrap(), "-o", foreign.to_str().unwrap()]);
    assert!(!run.status.success());
    assert!(String::from_utf8_lossy(&run.stderr).contains("--force"), "the error says how to force it");
    assert_eq!(fs::read(foreign.join("thesis.docx")).unwrap(), b"precious");

    build_ok(&src, &foreign, &["--force"]);
    assert!(foreign.join("a.html").is_file());
    // Now it is gongbu's own output and is replaced without --force.
    build_ok(&src, &foreign, &[]);
}

#[test]
fn plain_folder_with_assets_front_matter_and_gfm() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("notes");
    let readme = "\u{feff}# 홈\r\n\r\n[OS](Computer%20Science/운영체제/README.md#프로세스)\r\n";
    let os = "+++\ntitle = \"OS\"\n+++\n## 프로세스\n\n![diagram](img/Process%20State.PNG) [pdf](../slides.PDF)\n\n- [x] done\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~ text[^n]\n\n[^n]: note\n\n<details><summary>S</summary>hidden</details>\n";
    notes(
        &src,
        &[
            ("README.md", readme.as_bytes()),
            ("Computer Science/운영체제/README.md", os.as_bytes()),
            ("Computer Science/운영체제/img/Process State.PNG", b"\x89PNG"),
            ("Computer Science/slides.PDF", b"%PDF"),
            ("Language/Duck.md", b"---\ntitle: Duck\n---\n## Duck Typing\n\n[up](#Duck-Typing) [home](../README.md)\n"),
        ],
    );
    let out = tmp.path().join("site");
    let stderr = build_ok(&src, &out, &["--strict"]);
    assert!(dead_links(&out).is_empty(), "{:?}\n{stderr}", dead_links(&out));
    let os = read(&out.join("Computer Science/운영체제/index.html"));
    assert_eq!(select(&os, "h1.note-title")[0].text().collect::<String>(), "OS");
    for css in
        ["h2[id='프로세스']", "img[src='img/Process%20State.PNG']", "input[type=checkbox]", "table", "del", "details"]
    {
        assert_eq!(select(&os, css).len(), 1, "{css}");
    }
    let duck = read(&out.join("Language/Duck.html"));
    assert!(!select(&duck, "a[href='#duck-typing']").is_empty(), "case-different fragment points at the real id");
    let home = read(&out.join("index.html"));
    assert_eq!(select(&home, "title")[0].text().collect::<String>(), "홈");
}

#[test]
fn the_repository_sample_site_builds_cleanly() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    fs::create_dir(&site).unwrap();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    fs::copy(repo.join("gongbu.toml"), site.join("gongbu.toml")).unwrap();
    for dir in ["content", "templates", "static"] {
        copy_tree(&repo.join(dir), &site.join(dir));
    }
    let stderr = build_ok(&site, &site.join("public"), &["--strict"]);
    assert!(!stderr.contains("warning"), "{stderr}");
    let out = site.join("public");
    assert!(dead_links(&out).is_empty(), "{:?}", dead_links(&out));
    let seed = read(&out.join("async/interview-notes.html"));
    assert!(
        !select(&seed, "pre.code[data-lang=python] span[class]").is_empty(),
        "the seed's unlabeled Python is highlighted"
    );
    let css = fs::read_to_string(out.join("static/highlight.css")).unwrap();
    // Minified: `@media (prefers-color-scheme:dark)`; a rule per look, `pre :is(.a,.b…)`.
    assert!(css.contains("pre :is(.a,") && css.contains("prefers-color-scheme:dark"), "{css}");
    let nav = fs::read_to_string(out.join("nav.js")).unwrap();
    assert!(nav.contains("TCP와 UDP"));
}

#[test]
fn the_404_page_links_from_the_base_path_so_it_works_at_any_depth() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("notes");
    notes(&src, &[("README.md", b"# Home\n"), ("Network/README.md", b"# Net\n")]);
    let out = tmp.path().join("out");
    build_ok(&src, &out, &["--base-url", "https://me.github.io/notes"]);
    let doc = read(&out.join("404.html"));
    let hrefs: Vec<&str> = select(&doc, "a[href], link[href], script[src]")
        .iter()
        .map(|e| e.value().attr("href").or(e.value().attr("src")).unwrap())
        .filter(|h| !h.starts_with('#') && !h.starts_with("http"))
        .collect();
    assert!(!hrefs.is_empty());
    for href in hrefs {
        assert!(href.starts_with("/notes/"), "{href} must start at the base path");
    }
    let sitemap = fs::read_to_string(out.join("sitemap.xml")).unwrap();
    assert!(sitemap.contains("<loc>https://me.github.io/notes/Network/index.html</loc>"), "{sitemap}");
}

#[test]
fn a_site_may_turn_off_search_and_the_anki_export() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    notes(
        &root,
        &[
            ("content/README.md", "# 노트\n\n[A](a.md)\n".as_bytes()),
            ("content/a.md", "# A\n\n## 1번 문제\n\n### Q. 코루틴이란?\n\n답\n".as_bytes()),
        ],
    );
    let search_box = |out: &Path| !select(&read(&out.join("a.html")), "form.search-box input#gb-q").is_empty();
    let anki_link = |out: &Path| !select(&read(&out.join("quiz/index.html")), "a[href=\"anki.csv\"]").is_empty();
    let search_files =
        |out: &Path| ["static/search/index.js", "search/index.html"].iter().filter(|p| out.join(p).exists()).count();

    fs::write(root.join("gongbu.toml"), "title = \"공부\"\n").unwrap();
    let on = tmp.path().join("on");
    build_ok(&root, &on, &[]);
    assert!(search_box(&on) && anki_link(&on) && on.join("quiz/anki.csv").is_file(), "both are on by default");
    assert_eq!(search_files(&on), 2);

    fs::write(root.join("gongbu.toml"), "title = \"공부\"\n[search]\nenabled = false\n[study]\nanki = false\n")
        .unwrap();
    let off = tmp.path().join("off");
    build_ok(&root, &off, &[]);
    assert!(!search_box(&off), "no box that would search nothing");
    assert!(!anki_link(&off) && !off.join("quiz/anki.csv").exists(), "no export and no link to it");
    assert_eq!(search_files(&off), 0);
    assert!(!off.join("static/search").exists());
    assert!(!fs::read_to_string(off.join("nav.js")).unwrap().contains("GONGBU_SEARCH"), "no index manifest");
    assert!(fs::read_to_string(on.join("nav.js")).unwrap().contains("GONGBU_SEARCH"));
    // Everything else is there, and nothing links to what is gone.
    assert!(off.join("quiz/questions.js").is_file() && off.join("a.html").is_file());
    assert_eq!(dead_links(&off), vec![]);
}

#[test]
fn the_allocator_is_tuned_before_its_first_allocation() {
    // mimalloc prints its options when it starts, before Rust's runtime first allocates: the
    // values must already be ours there, under the names the numbers in `src/allocator.rs` mean.
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_gongbu"))
        .arg("--version")
        .env("MIMALLOC_VERBOSE", "1")
        .output()
        .unwrap();
    assert!(output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    for option in ["'arena_eager_commit': 0", "'purge_delay': 1"] {
        assert!(stderr.contains(option), "mimalloc did not start with {option}:\n{stderr}");
    }
}
