//! What a build reads and where it writes, against hostile notes folders: symlinks leading out
//! of the notes folder (or, for `static/` and `templates/`, the site root) are never read or
//! published, special files are never opened, and output paths that collide (with each other
//! or with gongbu's own files) give one deterministic winner and a warning naming both sources.

mod common;

use gongbu::config::{Config, Overrides};
use gongbu::session::Session;
use std::fs;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

/// Bytes that must never reach the output.
const SECRET: &str = "SECRET-7f3a9c-do-not-publish";

/// Run the real binary with a time limit (a FIFO read would block forever) and `SECRET` in its
/// environment, so `/proc/self/environ` holds it too.
fn run(args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gongbu"))
        .args(args)
        .env("GONGBU_TEST_SECRET", SECRET)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run gongbu");
    for _ in 0..600 {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.kill().unwrap();
    panic!("gongbu {args:?} did not finish in 30 s (a blocking read?)");
}

fn build(src: &Path, out: &Path) -> (bool, String) {
    let output = run(&["build", src.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    (output.status.success(), String::from_utf8_lossy(&output.stderr).into_owned())
}

fn write(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

/// No file under `out` holds the secret, and no file name is a leaked one.
fn assert_no_secret(out: &Path) {
    let files = common::tree(out);
    assert!(!files.is_empty(), "{} is empty", out.display());
    for (path, bytes) in &files {
        let text = String::from_utf8_lossy(bytes);
        assert!(!text.contains(SECRET), "{path} holds the secret");
        assert!(!text.contains("GONGBU_TEST_SECRET"), "{path} holds the environment");
    }
}

/// `tmp/private/` holds secrets; `tmp/notes/` is a notes folder with one note.
fn notes_beside_secrets() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let private = tmp.path().join("private");
    write(&private.join("id_rsa"), SECRET);
    write(&private.join("notes.md"), &format!("# 비밀\n\n{SECRET}\n"));
    write(&private.join("sub/deep.md"), &format!("# Deep\n\n{SECRET}\n"));
    let notes = tmp.path().join("notes");
    write(&notes.join("a.md"), "# A\n\n[B](inner/b.md)\n");
    write(&notes.join("inner/b.md"), "# B\n");
    (tmp, notes, private)
}

fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0, "mkfifo {}", path.display());
}

#[test]
fn links_out_of_the_notes_folder_are_neither_read_nor_published() {
    let (tmp, notes, private) = notes_beside_secrets();
    symlink(private.join("id_rsa"), notes.join("key.txt")).unwrap();
    symlink("/proc/self/environ", notes.join("env.txt")).unwrap();
    symlink(private.join("notes.md"), notes.join("note-link.md")).unwrap();
    symlink(&private, notes.join("privdir")).unwrap();
    symlink("/etc", notes.join("etcdir")).unwrap();
    // `..` chains, a link to a link, and a link inside a folder reached through a link.
    symlink("../../private/id_rsa", notes.join("inner/dotdot.txt")).unwrap();
    symlink("key.txt", notes.join("link-to-link.txt")).unwrap();
    symlink("inner/../../private/sub", notes.join("chain")).unwrap();
    fs::create_dir(notes.join("real")).unwrap();
    symlink(private.join("sub/deep.md"), notes.join("real/deep.md")).unwrap();
    symlink(notes.join("real"), notes.join("alias")).unwrap();
    // Links that stay inside are followed.
    symlink("a.md", notes.join("same.md")).unwrap();
    symlink("inner", notes.join("inner-alias")).unwrap();
    // A FIFO would block a reader forever.
    mkfifo(&notes.join("pipe.md"));
    mkfifo(&notes.join("pipe.png"));

    let out = tmp.path().join("out");
    let (ok, stderr) = build(&notes, &out);
    assert!(ok, "{stderr}");
    assert_no_secret(&out);
    for name in [
        "key.txt",
        "env.txt",
        "note-link.md",
        "privdir",
        "etcdir",
        "inner/dotdot.txt",
        "link-to-link.txt",
        "chain",
        "real/deep.md",
        "alias/deep.md",
    ] {
        let warning = format!("{name}: warning: skipped: a symbolic link to ");
        assert!(
            stderr.lines().any(|l| l.starts_with(&warning) && l.ends_with("outside the notes folder")),
            "no warning for {name}:\n{stderr}"
        );
        assert!(!out.join(name).exists(), "{name} was published");
    }
    for name in ["pipe.md", "pipe.png"] {
        assert!(
            stderr.contains(&format!("{name}: warning: skipped: a FIFO (named pipe), not a regular file")),
            "{stderr}"
        );
    }
    for page in ["a.html", "inner/b.html", "same.html", "inner-alias/b.html"] {
        assert!(out.join(page).is_file(), "{page} missing:\n{stderr}");
    }
    assert!(!out.join("note-link.html").exists() && !out.join("real/deep.html").exists());
}

#[test]
fn a_site_roots_static_templates_and_notes_folder_stay_inside_the_root() {
    let (tmp, _, private) = notes_beside_secrets();
    write(&private.join("page.html"), &format!("{SECRET} {{{{ page.title }}}}"));
    let root = tmp.path().join("site");
    write(&root.join("gongbu.toml"), "title = \"사이트\"\n");
    write(&root.join("content/a.md"), "# A\n");
    write(&root.join("extra/theme.css"), "body{}");
    fs::create_dir_all(root.join("static")).unwrap();
    symlink(private.join("id_rsa"), root.join("static/leak.css")).unwrap();
    symlink(&private, root.join("static/privdir")).unwrap();
    // Inside the site root: allowed.
    symlink(root.join("extra/theme.css"), root.join("static/theme.css")).unwrap();
    let out = tmp.path().join("out");
    let (ok, stderr) = build(&root, &out);
    assert!(ok, "{stderr}");
    assert_no_secret(&out);
    assert!(
        stderr.lines().any(|l| l.starts_with("static/leak.css: warning: skipped: a symbolic link to ")
            && l.ends_with("outside the site root")),
        "{stderr}"
    );
    assert!(stderr.contains("static/privdir: warning: skipped:"), "{stderr}");
    assert_eq!(fs::read_to_string(out.join("static/theme.css")).unwrap(), "body{}");

    // A template read from outside the root would be published: the build is refused.
    fs::create_dir_all(root.join("templates")).unwrap();
    symlink(private.join("page.html"), root.join("templates/page.html")).unwrap();
    let out2 = tmp.path().join("out2");
    let (ok, stderr) = build(&root, &out2);
    assert!(!ok, "{stderr}");
    assert!(stderr.contains("templates/page.html: error: skipped: a symbolic link to "), "{stderr}");
    assert!(!out2.exists());
    fs::remove_file(root.join("templates/page.html")).unwrap();

    // The notes folder itself: `content_dir` out of the root, or `content/` a link out of it.
    for (toml, what) in [
        ("content_dir = \"../private\"\n", "content_dir = \"../private\""),
        ("content_dir = \"/etc\"\n", "content_dir = \"/etc\""),
    ] {
        write(&root.join("gongbu.toml"), &format!("title = \"사이트\"\n{toml}"));
        let (ok, stderr) = build(&root, &out2);
        assert!(!ok, "{stderr}");
        assert!(
            stderr.contains(&format!("gongbu.toml:2: {what} resolves to ")) && stderr.contains("outside the site root"),
            "{stderr}"
        );
        assert!(!out2.exists());
    }
    write(&root.join("gongbu.toml"), "title = \"사이트\"\n");
    fs::remove_dir_all(root.join("content")).unwrap();
    symlink(&private, root.join("content")).unwrap();
    let (ok, stderr) = build(&root, &out2);
    assert!(!ok, "{stderr}");
    assert!(stderr.contains("the notes folder content/ resolves to "), "{stderr}");
    assert!(!out2.exists());
}

#[test]
fn links_added_while_serving_are_refused_too() {
    let (tmp, notes, private) = notes_beside_secrets();
    let out = tmp.path().join("served");
    let overrides = Overrides { output_dir: Some(out.clone()), ..Default::default() };
    let config = Config::load(&notes, overrides.clone()).unwrap();
    let mut session = Session::open(config, overrides, false).unwrap();
    let first = session.rebuild(&[]).unwrap();
    assert!(first.errors.is_empty() && first.warnings.is_empty(), "{first:?}");

    symlink(private.join("id_rsa"), notes.join("key.txt")).unwrap();
    symlink(private.join("notes.md"), notes.join("leak.md")).unwrap();
    mkfifo(&notes.join("pipe.md"));
    let changed = [notes.join("key.txt"), notes.join("leak.md"), notes.join("pipe.md")];
    let rebuild = session.rebuild(&changed).unwrap();
    assert!(rebuild.errors.is_empty(), "{:?}", rebuild.errors);
    let warnings: Vec<String> = rebuild.warnings.iter().map(|w| w.to_string()).collect();
    for name in ["key.txt", "leak.md"] {
        assert!(
            warnings.iter().any(|w| w.starts_with(&format!("{name}: warning: skipped: a symbolic link to "))),
            "{name}: {warnings:?}"
        );
    }
    assert!(warnings.iter().any(|w| w.starts_with("pipe.md: warning: skipped: a FIFO")), "{warnings:?}");
    assert!(!out.join("key.txt").exists() && !out.join("leak.html").exists());
    assert_no_secret(&out);

    // A note edited into a link out of the folder loses its page; a folder linked in is rescanned.
    fs::remove_file(notes.join("inner/b.md")).unwrap();
    symlink(private.join("notes.md"), notes.join("inner/b.md")).unwrap();
    symlink(&private, notes.join("privdir")).unwrap();
    let rebuild = session.rebuild(&[notes.join("inner/b.md"), notes.join("privdir")]).unwrap();
    let warnings: Vec<String> = rebuild.warnings.iter().map(|w| w.to_string()).collect();
    assert!(
        warnings.iter().any(|w| w.starts_with("inner/b.md: warning: skipped: a symbolic link to ")),
        "{warnings:?}"
    );
    assert!(warnings.iter().any(|w| w.starts_with("privdir: warning: skipped: a symbolic link to ")), "{warnings:?}");
    assert!(!out.join("inner/b.html").exists(), "the page of a note that became a link out is removed");
    assert!(!out.join("privdir").exists());
    assert_no_secret(&out);
}

/// Notes and assets whose output paths collide, created in the given order.
const COLLIDING: &[(&str, &str)] = &[
    ("x.markdown", "# X from markdown\n"),
    ("x.md", "# X from md\n"),
    ("y.md", "# y lower\n"),
    ("y.MD", "# y upper ext\n"),
    ("Y.md", "# Y upper\n"),
    ("404.md", "# my 404 note\n"),
    ("p.md", "# P note\n"),
    ("p.html", "<p>RAW-P</p>"),
    ("index.md", "# Home note\n"),
    ("index.html", "<p>RAW-INDEX</p>"),
    ("nav.js", "alert('HIJACK')"),
    ("sitemap.xml", "<x>RAW-SITEMAP</x>"),
    ("static/gongbu.css", "body{HIJACK}"),
    ("img/a.png", "lower"),
    ("img/A.png", "upper"),
    ("\u{d55c}.md", "# NFC name\n"),
    ("\u{1112}\u{1161}\u{11ab}.md", "# NFD name\n"),
];

#[test]
fn colliding_outputs_warn_name_both_sources_and_never_replace_gongbus_files() {
    let mut outputs = Vec::new();
    for reversed in [false, true] {
        let tmp = tempfile::tempdir().unwrap();
        let notes = tmp.path().join("notes");
        let mut files: Vec<&(&str, &str)> = COLLIDING.iter().collect();
        if reversed {
            files.reverse();
        }
        for (rel, text) in files {
            write(&notes.join(rel), text);
        }
        let out = tmp.path().join("out");
        let (ok, stderr) = build(&notes, &out);
        assert!(ok, "{stderr}");
        let read = |rel: &str| fs::read_to_string(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
        assert!(read("x.html").contains("X from md"));
        assert!(read("Y.html").contains("Y upper") && !out.join("y.html").exists());
        assert!(read("404.html").contains("<html") && !read("404.html").contains("my 404 note"));
        assert!(read("p.html").contains("P note") && !read("p.html").contains("RAW-P"));
        assert!(read("index.html").contains("Home note") && !read("index.html").contains("RAW-INDEX"));
        assert!(read("nav.js").starts_with("window.GONGBU_NAV=") && !read("nav.js").contains("HIJACK"));
        assert!(
            !out.join("sitemap.xml").exists(),
            "no sitemap without an absolute base URL, and no note's in its place"
        );
        assert!(!read("static/gongbu.css").contains("HIJACK"));
        assert_eq!(read("img/A.png"), "upper");
        assert!(!out.join("img/a.png").exists());
        assert!(read("\u{d55c}.html").contains("NFD name"), "the NFD name is first in byte order on disk");
        for (file, says) in [
            ("x.markdown", "not published: its page x.html is also the page of x.md; a .md name wins"),
            ("y.md", "not published: its page y.html is also the page of Y.md (Y.html: the same path on macOS, Windows and GitHub Pages"),
            ("y.MD", "not published: its page y.html is also the page of Y.md"),
            ("404.md", "not published: its page 404.html would replace the not-found page"),
            ("p.html", "not copied: p.html is also the output path of p.md"),
            ("index.html", "not copied: index.html is also the output path of index.md"),
            ("nav.js", "not copied: it would replace the site's navigation"),
            ("sitemap.xml", "not copied: it would replace the sitemap"),
            ("static/gongbu.css", "not copied: it would replace the theme's files"),
            ("img/a.png", "not copied: img/a.png is also the output path of img/A.png"),
            ("\u{d55c}.md", "skipped: this file's name `\u{d55c}.md` (in NFC) is the same as that of `\u{1112}\u{1161}\u{11ab}.md` (in a decomposed (NFD) form)"),
        ] {
            let warning = format!("{file}: warning: {says}");
            assert!(stderr.lines().any(|l| l.starts_with(&warning)), "missing `{warning}` in:\n{stderr}");
        }
        outputs.push(common::tree(&out));
    }
    assert!(outputs[0] == outputs[1], "the winners do not depend on the order files were created in");
}

#[test]
fn collisions_while_serving_never_replace_a_winner() {
    let tmp = tempfile::tempdir().unwrap();
    let notes = tmp.path().join("notes");
    write(&notes.join("x.md"), "# X from md\n");
    write(&notes.join("x.markdown"), "# X from markdown\n");
    write(&notes.join("p.md"), "# P note\n");
    let out = tmp.path().join("served");
    let overrides = Overrides { output_dir: Some(out.clone()), ..Default::default() };
    let mut session = Session::open(Config::load(&notes, overrides.clone()).unwrap(), overrides, false).unwrap();
    let first = session.rebuild(&[]).unwrap();
    assert!(
        first.warnings.iter().any(|w| w.to_string().starts_with("x.markdown: warning: not published")),
        "{:?}",
        first.warnings
    );
    let nav = fs::read(out.join("nav.js")).unwrap();

    // The losing note is edited; files landing on gongbu's and on a page's paths appear.
    write(&notes.join("x.markdown"), "# X from markdown, edited\n");
    write(&notes.join("nav.js"), "alert('HIJACK')");
    write(&notes.join("p.html"), "<p>RAW-P</p>");
    let changed = [notes.join("x.markdown"), notes.join("nav.js"), notes.join("p.html")];
    let rebuild = session.rebuild(&changed).unwrap();
    assert!(rebuild.errors.is_empty(), "{:?}", rebuild.errors);
    let warnings: Vec<String> = rebuild.warnings.iter().map(|w| w.to_string()).collect();
    for file in ["x.markdown", "nav.js", "p.html"] {
        assert!(warnings.iter().any(|w| w.starts_with(&format!("{file}: warning: not "))), "{file}: {warnings:?}");
    }
    assert!(fs::read_to_string(out.join("x.html")).unwrap().contains("X from md"));
    assert!(fs::read_to_string(out.join("p.html")).unwrap().contains("P note"));
    assert_eq!(fs::read(out.join("nav.js")).unwrap(), nav);

    // Same when nav.js is edited again (now a known asset).
    write(&notes.join("nav.js"), "alert('HIJACK 2')");
    session.rebuild(&[notes.join("nav.js")]).unwrap();
    assert_eq!(fs::read(out.join("nav.js")).unwrap(), nav);
}

#[test]
fn a_site_root_that_is_its_own_notes_folder_publishes_its_notes_not_its_config_or_theme() {
    // No `content/`: the notes sit beside `gongbu.toml`, `templates/` and `static/`.
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    write(&root.join("gongbu.toml"), &format!("title = \"공부\"\n# {SECRET}\n"));
    write(&root.join("README.md"), "# 노트\n\n[정렬](algo/sort.md)\n");
    write(&root.join("algo/sort.md"), "# 정렬\n\n본문\n");
    write(&root.join("templates/page.html"), &format!("{{% extends \"base.html\" %}}{{# {SECRET} #}}\n"));
    write(&root.join("static/extra.css"), "body { margin: 0 }\n");
    let out = tmp.path().join("out");
    let (ok, stderr) = build(&root, &out);
    assert!(ok, "{stderr}");
    assert!(!stderr.contains("warning"), "the theme's own static/ is no note asset in the way: {stderr}");
    let files = common::tree(&out);
    assert!(files.contains_key("index.html") && files.contains_key("algo/sort.html"), "the notes are published");
    assert!(!files.contains_key("gongbu.toml") && !files.contains_key("templates/page.html"), "{:?}", files.keys());
    assert_eq!(files["static/extra.css"], b"body { margin: 0 }\n", "the site's own static file, as theme");
    assert!(!files.values().any(|b| String::from_utf8_lossy(b).contains(SECRET)));

    // Serving it, an edit of the config's neighbours (the theme's static file) is no note change.
    let config =
        Config::load(&root, Overrides { output_dir: Some(tmp.path().join("served")), ..Default::default() }).unwrap();
    let mut session =
        Session::open(config, Overrides { output_dir: Some(tmp.path().join("served")), ..Default::default() }, false)
            .unwrap();
    assert!(session.rebuild(&[]).unwrap().errors.is_empty());
    write(&root.join("static/extra.css"), "body { margin: 1px }\n");
    let rebuild = session.rebuild(&[root.join("static/extra.css")]).unwrap();
    assert!(rebuild.errors.is_empty(), "{:?}", rebuild.errors);
    let served = common::tree(&tmp.path().join("served"));
    assert!(!served.contains_key("gongbu.toml") && !served.contains_key("templates/page.html"));
    assert_eq!(served["static/extra.css"], b"body { margin: 1px }\n");
}
