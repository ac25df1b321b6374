//! Incremental rebuilds (what `serve` runs) must end in exactly the site a fresh `gongbu build`
//! writes, after every kind of change, while rendering only the pages the change touches.

mod common;

use gongbu::config::{Config, Overrides};
use gongbu::session::Session;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// The output without gongbu's marker file (a fresh `build` and a session both write one).
fn site_files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = common::tree(dir);
    files.remove(gongbu::write::MARKER);
    files
}

struct Fixture {
    _tmp: tempfile::TempDir,
    src: PathBuf,
    out: PathBuf,
    fresh: PathBuf,
    session: Session,
    /// The text of the site's `gongbu.toml`, for the session and the fresh builds alike.
    config: Option<&'static str>,
}

impl Fixture {
    fn new(files: &[(&str, &str)]) -> Fixture {
        Fixture::with_config(files, None)
    }

    fn with_config(files: &[(&str, &str)], config_text: Option<&'static str>) -> Fixture {
        let tmp = tempfile::tempdir().unwrap();
        let src = tmp.path().join("notes");
        for (rel, text) in files {
            write(&src.join(rel), text);
        }
        let out = tmp.path().join("served");
        let fresh = tmp.path().join("fresh");
        let config =
            Config::from_parts(&src, config_text, Overrides { output_dir: Some(out.clone()), ..Default::default() })
                .unwrap();
        let mut session =
            Session::open(config, Overrides { output_dir: Some(out.clone()), ..Default::default() }, false).unwrap();
        let first = session.rebuild(&[]).unwrap();
        assert!(first.errors.is_empty(), "{:?}", first.errors);
        Fixture { _tmp: tmp, src, out, fresh, session, config: config_text }
    }

    /// Apply a change, rebuild incrementally, and compare with a fresh full build.
    fn change(&mut self, what: &str, paths: &[&str], act: impl FnOnce(&Path)) -> usize {
        act(&self.src);
        let changed: Vec<PathBuf> = paths.iter().map(|p| self.src.join(p)).collect();
        let rebuild = self.session.rebuild(&changed).unwrap();
        assert!(rebuild.errors.is_empty(), "{what}: {:?}", rebuild.errors);
        // The Anki export is written after the rebuild returns.
        assert_eq!(self.session.finish_writes(), [], "{what}");
        let config = Config::from_parts(
            &self.src,
            self.config,
            Overrides { output_dir: Some(self.fresh.clone()), ..Default::default() },
        )
        .unwrap();
        gongbu::pipeline::build(&config, true).unwrap();
        let (served, fresh) = (site_files(&self.out), site_files(&self.fresh));
        let served_paths: Vec<&String> = served.keys().collect();
        let fresh_paths: Vec<&String> = fresh.keys().collect();
        assert_eq!(served_paths, fresh_paths, "{what}: same files");
        for (path, bytes) in &fresh {
            assert!(
                served[path] == *bytes,
                "{what}: {path} differs from a fresh build:\n--- served\n{}\n--- fresh\n{}",
                String::from_utf8_lossy(&served[path]),
                String::from_utf8_lossy(bytes)
            );
        }
        rebuild.rendered
    }
}

fn write(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

fn site() -> Fixture {
    Fixture::new(&[
        ("README.md", "# 노트\n\n[TCP](net/tcp.md#1번-문제) [없는 노트](net/udp.md)\n"),
        ("net/README.md", "# 네트워크\n"),
        ("net/tcp.md", "# TCP\n\n## 1번 문제\n\n## Duck Typing\n\n본문 ![그림](img/a.png)\n"),
        // `#Duck-Typing` resolves to `#duck-typing` only while tcp.md has that heading.
        ("net/http.md", "# HTTP\n\n[TCP의 1번](tcp.md#1번-문제) [덕](tcp.md#Duck-Typing)\n"),
        ("net/img/a.png", "png"),
        // Links to a note that does not exist yet: creating it must re-render this page.
        ("algo/sort.md", "# 정렬\n\n[UDP](../net/udp.md)\n\n```py\nprint(1)\n```\n"),
    ])
}

#[test]
fn a_site_without_search_or_the_anki_export_never_gets_their_files_in_serve() {
    let off = "[search]\nenabled = false\n[study]\nanki = false\n";
    let mut f = Fixture::with_config(
        &[("a.md", "# A\n\n### Q. 코루틴이란?\n\n답 하나\n"), ("b.md", "# B\n\n[A](a.md)\n")],
        Some(off),
    );
    let absent = |out: &Path| {
        let files = site_files(out);
        let found: Vec<&String> = files
            .keys()
            .filter(|p| p.starts_with("static/search/") || *p == "search/index.html" || *p == "quiz/anki.csv")
            .collect();
        assert!(found.is_empty(), "{found:?}");
        assert!(files.contains_key("quiz/index.html") && files.contains_key("a.html"), "the rest is there");
    };
    absent(&f.out);
    // An edit of an answer and a new note: still none of them, and the same as a fresh build.
    f.change("answer edited", &["a.md"], |src| write(&src.join("a.md"), "# A\n\n### Q. 코루틴이란?\n\n답 둘\n"));
    f.change("note added", &["c.md"], |src| write(&src.join("c.md"), "# C\n\n### Q. 스레드란?\n\n답\n"));
    absent(&f.out);
    absent(&f.fresh);
}

#[test]
fn body_edit_renders_one_page_and_matches_a_full_build() {
    let mut f = site();
    let rendered = f.change("body edit", &["algo/sort.md"], |s| {
        write(&s.join("algo/sort.md"), "# 정렬\n\n[UDP](../net/udp.md) 새 문단\n")
    });
    assert_eq!(rendered, 1, "only the edited page");
}

#[test]
fn changed_paths_may_be_relative_to_the_working_folder() {
    let mut f = site();
    write(&f.src.join("algo/sort.md"), "# 정렬\n\n상대 경로로 알린 수정\n");
    let cwd = std::env::current_dir().unwrap();
    let up = "../".repeat(cwd.components().count() - 1);
    let relative =
        PathBuf::from(format!("{up}{}", f.src.join("algo/sort.md").display().to_string().trim_start_matches('/')));
    let rebuild = f.session.rebuild(&[relative]).unwrap();
    assert_eq!(rebuild.rendered, 1);
    assert!(fs::read_to_string(f.out.join("algo/sort.html")).unwrap().contains("상대 경로로 알린 수정"));
}

#[test]
fn title_edit_updates_neighbours_section_and_navigation() {
    let mut f = site();
    let rendered =
        f.change("title edit", &["net/tcp.md"], |s| write(&s.join("net/tcp.md"), "# TCP 프로토콜\n\n## 1번 문제\n"));
    assert!(rendered > 1 && rendered < 7, "the page, its neighbours and its folder page: {rendered}");
}

#[test]
fn heading_change_re_renders_pages_linking_to_it() {
    let mut f = site();
    let rendered = f.change("heading ids change", &["net/tcp.md"], |s| {
        write(&s.join("net/tcp.md"), "# TCP\n\n## 1번 문제\n\n## Duck Typing 2\n")
    });
    assert_eq!(rendered, 3, "the page and the two pages linking to it (README.md, net/http.md)");
}

#[test]
fn create_and_delete_notes_and_assets() {
    let mut f = site();
    f.change("create a note that was linked before", &["net/udp.md"], |s| write(&s.join("net/udp.md"), "# UDP\n"));
    f.change("delete a note", &["net/http.md"], |s| fs::remove_file(s.join("net/http.md")).unwrap());
    f.change("delete an asset", &["net/img/a.png"], |s| fs::remove_file(s.join("net/img/a.png")).unwrap());
    f.change("create an asset", &["net/img/a.png"], |s| write(&s.join("net/img/a.png"), "png2"));
    f.change("index note for a folder", &["algo/README.md"], |s| write(&s.join("algo/README.md"), "# 알고리즘\n"));
    f.change("rename-save over a note", &["algo/sort.md", "algo/sort.md.tmp"], |s| {
        write(&s.join("algo/sort.md.tmp"), "# 정렬 2\n");
        fs::rename(s.join("algo/sort.md.tmp"), s.join("algo/sort.md")).unwrap();
    });
}

#[test]
fn folder_moves_and_drafts() {
    let mut f = site();
    f.change("move a folder", &["net", "network"], |s| fs::rename(s.join("net"), s.join("network")).unwrap());
    assert!(!f.out.join("net").exists(), "the moved folder's output folder is gone, not left empty");
    f.change("draft hides a note", &["algo/sort.md"], |s| {
        write(&s.join("algo/sort.md"), "---\ndraft: true\n---\n# 정렬\n")
    });
}

#[test]
fn a_broken_note_keeps_its_page_until_fixed() {
    let mut f = site();
    let before = fs::read(f.out.join("algo/sort.html")).unwrap();
    write(&f.src.join("algo/sort.md"), "---\ntitle: [oops\n---\n");
    let broken = f.session.rebuild(&[f.src.join("algo/sort.md")]).unwrap();
    assert_eq!(broken.errors.len(), 1);
    assert!(broken.errors[0].to_string().starts_with("algo/sort.md:2: error"), "{}", broken.errors[0]);
    assert_eq!(fs::read(f.out.join("algo/sort.html")).unwrap(), before, "last good page kept");
    let other = f.session.rebuild(&[f.src.join("README.md")]).unwrap();
    assert_eq!(other.errors.len(), 1, "still reported while unfixed");
    f.change("fix it", &["algo/sort.md"], |s| write(&s.join("algo/sort.md"), "# 정렬 고침\n"));
}

#[test]
fn unrelated_and_output_paths_are_ignored() {
    let f = site();
    assert!(!f.session.is_relevant(&f.out.join("index.html")));
    assert!(!f.session.is_relevant(&f.src.join(".sort.md.swp")));
    assert!(f.session.is_relevant(&f.src.join("algo/sort.md")));
}

#[test]
fn a_site_roots_config_file_and_theme_folders_are_watched() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write(&root.join("gongbu.toml"), "title = \"t\"\n");
    write(&root.join("content/a.md"), "# A\n");
    let config = Config::load(root, Overrides::default()).unwrap();
    let session = Session::open(config, Overrides::default(), false).unwrap();
    let watched = session.watched();
    let root = gongbu::paths::canonical(root);
    assert_eq!(
        watched,
        std::slice::from_ref(&root),
        "the root covers gongbu.toml, content/ and theme folders made later"
    );
    for relevant in ["gongbu.toml", "content/a.md", "templates/page.html", "static/x.css"] {
        assert!(session.is_relevant(&root.join(relevant)), "{relevant}");
    }
    for ignored in ["target/debug/x", "notes.log", "public/a.html", "content/.a.md.swp", "content/gongbu.toml.bak"] {
        assert!(!session.is_relevant(&root.join(ignored)), "{ignored}");
    }
}

#[test]
fn template_static_and_config_changes_on_a_site_root() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    write(&root.join("gongbu.toml"), "title = \"처음 제목\"\n");
    write(&root.join("content/README.md"), "# 홈\n");
    write(&root.join("content/a.md"), "# A\n\n본문\n");
    let out = root.join("public");
    let config = Config::load(&root, Overrides::default()).unwrap();
    let mut session = Session::open(config, Overrides::default(), false).unwrap();
    assert!(session.rebuild(&[]).unwrap().errors.is_empty());

    let matches_fresh = |what: &str| {
        let fresh = tmp.path().join("fresh");
        let config = Config::load(&root, Overrides { output_dir: Some(fresh.clone()), ..Default::default() }).unwrap();
        gongbu::pipeline::build(&config, true).unwrap();
        assert_eq!(site_files(&out), site_files(&fresh), "{what}");
    };

    let page = gongbu::theme::DEFAULT_TEMPLATES.iter().find(|(n, _)| *n == "page.html").unwrap().1;
    write(
        &root.join("templates/page.html"),
        &page.replace("<div class=\"content\">", "<div class=\"content custom\">"),
    );
    let r = session.rebuild(&[root.join("templates/page.html")]).unwrap();
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert!(fs::read_to_string(out.join("a.html")).unwrap().contains("content custom"));
    matches_fresh("template override");

    write(&root.join("templates/page.html"), "{{ nope }}");
    let broken = session.rebuild(&[root.join("templates/page.html")]).unwrap();
    assert!(broken.errors.iter().any(|e| e.file == "templates/page.html"), "{:?}", broken.errors);
    assert!(fs::read_to_string(out.join("a.html")).unwrap().contains("content custom"), "last good pages stay");
    fs::remove_file(root.join("templates/page.html")).unwrap();
    assert!(session.rebuild(&[root.join("templates/page.html")]).unwrap().errors.is_empty());
    matches_fresh("template override removed");

    write(&root.join("static/extra.css"), "body{}");
    session.rebuild(&[root.join("static/extra.css")]).unwrap();
    matches_fresh("site static file");

    write(&root.join("gongbu.toml"), "title = \"새 제목\"\nlanguage = \"en\"\n");
    let r = session.rebuild(&[root.join("gongbu.toml")]).unwrap();
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert!(fs::read_to_string(out.join("a.html")).unwrap().contains("lang=\"en\""));
    matches_fresh("config change");
}

/// Each edit changes a different value the site puts on other pages (see `view::PageLinks`):
/// the pages showing it must re-render, so the served site stays the one a fresh build writes.
#[test]
fn every_site_value_a_page_shows_re_renders_the_pages_showing_it() {
    let mut f = site();
    // Pages of notes and folders (the 404, search and study pages are shared files).
    let shared =
        |p: &str| p == "404.html" || ["search/", "quiz/", "glossary/", "references/"].iter().any(|d| p.starts_with(d));
    let pages = |out: &Path| common::tree(out).keys().filter(|p| p.ends_with(".html") && !shared(p)).count();
    let rendered = f.change("home title (the site's title, on every page)", &["README.md"], |s| {
        write(&s.join("README.md"), "# 공부 노트\n\n[TCP](net/tcp.md#1번-문제) [없는 노트](net/udp.md)\n")
    });
    assert_eq!(rendered, pages(&f.out), "every page shows the site's title");
    let rendered = f.change("top-level folder title (navigation, breadcrumbs)", &["net/README.md"], |s| {
        write(&s.join("net/README.md"), "# 네트워크 정리\n")
    });
    assert_eq!(rendered, pages(&f.out), "every page lists the top-level folders");
    f.change("order (neighbours)", &["net/http.md"], |s| {
        write(&s.join("net/http.md"), "---\nweight: -1\n---\n# HTTP\n\n[TCP의 1번](tcp.md#1번-문제)\n")
    });
    f.change("a subfolder (folder listing and note counts)", &["algo/graph/bfs.md"], |s| {
        write(&s.join("algo/graph/bfs.md"), "# BFS\n")
    });
    f.change("a note in the subfolder (counts only)", &["algo/graph/dfs.md"], |s| {
        write(&s.join("algo/graph/dfs.md"), "# DFS\n")
    });
    f.change("a new top-level folder", &["db/sql.md"], |s| write(&s.join("db/sql.md"), "# SQL\n"));
    let deep = "a/b/c/d/e/f/g/h/i/j/x.md";
    f.change("a deep note", &[deep], |s| write(&s.join(deep), "# 깊은 노트\n"));
    f.change("a deep folder title (breadcrumbs)", &["a/b/c/d/e/f/g/h/README.md"], |s| {
        write(&s.join("a/b/c/d/e/f/g/h/README.md"), "# 여덟째\n")
    });
    f.change("a folder gets its own page (template)", &["algo/README.md"], |s| {
        write(&s.join("algo/README.md"), "# 알고리즘\n")
    });
}
