//! The order of notes and folders is the one their authors mean (issue #10, item 3): the numbers
//! people write in names and titles, front matter `weight`, and an index note's own list of
//! links. Checked on the real binary's output (the sidebar's `nav.js`, the home page's section
//! links, folder pages, previous/next), on the shared corpus against its README, and across
//! `serve` rebuilds.

mod common;

use common::{build_ok, read, select, shared_dir, write_notes};
use gongbu::config::{Config, Overrides};
use gongbu::session::Session;
use percent_encoding::percent_decode_str;
use std::fs;
use std::path::{Path, PathBuf};

/// `nav.js` of an output as JSON: `{t, u, c}` per entry (its first line; the second is the search
/// index's manifest).
fn nav(out: &Path) -> serde_json::Value {
    let js = fs::read_to_string(out.join("nav.js")).unwrap();
    let first = js.lines().next().unwrap_or_default();
    let json = first.strip_prefix("window.GONGBU_NAV=").unwrap().strip_suffix(';').unwrap();
    serde_json::from_str(json).unwrap()
}

/// The sidebar entry at `path` (titles from the top, the top itself being `[]`).
fn nav_at<'a>(nav: &'a serde_json::Value, path: &[&str]) -> &'a serde_json::Value {
    path.iter().fold(nav, |node, title| {
        node["c"]
            .as_array()
            .and_then(|c| c.iter().find(|n| n["t"] == *title))
            .unwrap_or_else(|| panic!("no {title} in {node}"))
    })
}

/// Titles of the sidebar entries under `path`.
fn nav_titles(nav: &serde_json::Value, path: &[&str]) -> Vec<String> {
    let node = nav_at(nav, path);
    node["c"].as_array().map_or(vec![], |c| c.iter().map(|n| n["t"].as_str().unwrap().to_string()).collect())
}

/// Every page in the sidebar, depth first: the reading order.
fn nav_pages(node: &serde_json::Value, out: &mut Vec<String>) {
    out.push(node["t"].as_str().unwrap().to_string());
    for child in node["c"].as_array().into_iter().flatten() {
        nav_pages(child, out);
    }
}

fn texts(doc: &scraper::Html, css: &str) -> Vec<String> {
    select(doc, css).iter().map(|e| e.text().collect::<String>().trim().to_string()).collect()
}

/// The previous and next titles of a page.
fn pager(out: &Path, page: &str) -> (Option<String>, Option<String>) {
    let doc = read(&out.join(page));
    let one = |css: &str| texts(&doc, css).into_iter().next();
    (one(".pager .prev .t"), one(".pager .next .t"))
}

#[test]
fn numbers_in_folder_and_note_titles_and_names_order_the_sidebar_and_pages() {
    let tmp = tempfile::tempdir().unwrap();
    let (src, out) = (tmp.path().join("notes"), tmp.path().join("out"));
    write_notes(
        &src,
        &[
            // Folders named without numbers: their READMEs' titles say the order.
            ("Algorithm/README.md", "# 5) Algorithm\n"),
            ("Database/README.md", "# 1) Database\n"),
            ("JAVA/README.md", "# 4) JAVA\n"),
            // Notes whose titles say the order.
            ("Database/join.md", "# Part 1-5 조인\n"),
            ("Database/index-structure.md", "# Part 1-10 인덱스\n"),
            ("Database/key.md", "# Part 1-2 키\n"),
            ("Database/transaction.md", "# Part 1-6 트랜잭션\n"),
            // Names say the order, in every way people write it.
            ("Algorithm/10_dp.md", "# 동적 계획법\n"),
            ("Algorithm/2-sort.md", "# 정렬\n"),
            ("Algorithm/[1] intro.md", "# 소개\n"),
            ("Algorithm/9) greedy.md", "# 그리디\n"),
            ("Algorithm/appendix.md", "# 부록\n"),
            ("JAVA/제2장 제네릭.md", "# 제네릭\n"),
            ("JAVA/1장 기초.md", "# 기초\n"),
            ("JAVA/제10장 스트림.md", "# 스트림\n"),
            // Folders numbered by name: the number orders them, the title reads without it.
            ("Algorithm/3. Graph/bfs.md", "# BFS\n"),
        ],
    );
    build_ok(&src, &out, &[]);
    let nav = nav(&out);
    assert_eq!(nav_titles(&nav, &[]), ["1) Database", "4) JAVA", "5) Algorithm"]);
    assert_eq!(
        nav_titles(&nav, &["1) Database"]),
        ["Part 1-2 키", "Part 1-5 조인", "Part 1-6 트랜잭션", "Part 1-10 인덱스"]
    );
    assert_eq!(nav_titles(&nav, &["5) Algorithm"]), ["소개", "정렬", "Graph", "그리디", "동적 계획법", "부록"]);
    assert_eq!(nav_titles(&nav, &["4) JAVA"]), ["기초", "제네릭", "스트림"]);

    // The home page's section links, the folder page's listing and previous/next agree.
    let home = read(&out.join("index.html"));
    assert_eq!(texts(&home, ".nav-sections a"), ["1) Database", "4) JAVA", "5) Algorithm"]);
    let database = read(&out.join("Database/index.html"));
    assert_eq!(
        texts(&database, ".note-list a"),
        ["Part 1-2 키", "Part 1-5 조인", "Part 1-6 트랜잭션", "Part 1-10 인덱스"]
    );
    assert_eq!(
        pager(&out, "Database/join.html"),
        (Some("Part 1-2 키".to_string()), Some("Part 1-6 트랜잭션".to_string()))
    );
    assert_eq!(
        pager(&out, "Database/index-structure.html"),
        (Some("Part 1-6 트랜잭션".into()), Some("4) JAVA".into()))
    );
    // A numbered folder sits between the notes by its number, in reading order too.
    assert_eq!(pager(&out, "Algorithm/3. Graph/bfs.html"), (Some("Graph".into()), Some("그리디".into())));
}

#[test]
fn weight_overrides_numbers_and_links_for_notes_and_folders() {
    let tmp = tempfile::tempdir().unwrap();
    let (src, out) = (tmp.path().join("notes"), tmp.path().join("out"));
    write_notes(
        &src,
        &[
            ("README.md", "# 노트\n\n- [A](a/README.md)\n- [B](b/)\n- [C](c/)\n"),
            ("a/README.md", "# A\n"),
            ("a/1. first.md", "# 첫째\n"),
            ("a/2. second.md", "---\nweight: 1\n---\n# 둘째\n"),
            ("b/README.md", "# B\n"),
            ("b/x.md", "# x\n"),
            ("c/README.md", "---\nweight: 1\n---\n# C\n"),
            ("c/y.md", "# y\n"),
        ],
    );
    build_ok(&src, &out, &[]);
    let nav = nav(&out);
    assert_eq!(nav_titles(&nav, &[]), ["C", "A", "B"]);
    assert_eq!(nav_titles(&nav, &["A"]), ["둘째", "첫째"]);
}

#[test]
fn an_index_notes_list_of_links_orders_its_folder_and_the_home_page_orders_the_top() {
    let tmp = tempfile::tempdir().unwrap();
    let (src, out) = (tmp.path().join("notes"), tmp.path().join("out"));
    write_notes(
        &src,
        &[
            (
                "README.md",
                "# 면접 노트\n\n[기여 방법](CONTRIBUTING.md)\n\n\
                 ## 📌 운영체제\n- [프로세스와 스레드](./OS/process.md)\n- [메모리](OS/memory.md)\n\n\
                 ## 📌 네트워크\n- [네트워크](./Network/README.md)\n\n\
                 ## 📌 자료구조\n- [자료구조](Data%20Structure/)\n",
            ),
            ("CONTRIBUTING.md", "# 기여 방법\n"),
            ("zz-guide.md", "# 안내\n"),
            (
                "OS/README.md",
                "# 운영체제\n\n### 기초\n- [메모리](memory.md)\n- [동기화](./sync.md)\n\n\
                 ### 심화\n- [가상 메모리](Virtual%20Memory/)\n- [홈](../README.md)\n- [TCP](../Network/tcp.md)\n",
            ),
            ("OS/process.md", "# 프로세스와 스레드\n"),
            ("OS/memory.md", "# 메모리\n"),
            ("OS/sync.md", "# 동기화\n"),
            ("OS/deadlock.md", "# 교착 상태\n"),
            ("OS/Virtual Memory/paging.md", "# 페이징\n"),
            ("OS/Archive/old.md", "# 옛 노트\n"),
            ("Network/README.md", "# 네트워크\n\n<ul><li><a href=\"udp.md\">UDP</a></li></ul>\n"),
            ("Network/tcp.md", "# TCP\n"),
            ("Network/udp.md", "# UDP\n"),
            ("Data Structure/heap.md", "# 힙\n"),
            ("Algorithm/sort.md", "# 정렬\n"),
        ],
    );
    build_ok(&src, &out, &[]);
    let nav = nav(&out);
    // The home page's list: linked folders in its order (a link in prose counts after the
    // list's), then the rest by name, notes first.
    assert_eq!(nav_titles(&nav, &[]), ["운영체제", "네트워크", "Data Structure", "기여 방법", "안내", "Algorithm"]);
    let home = read(&out.join("index.html"));
    assert_eq!(texts(&home, ".nav-sections a"), ["운영체제", "네트워크", "Data Structure", "Algorithm"]);
    // The folder's own list first (sub-folders where it lists them; links out of the folder
    // and back home count for nothing), then what the home page lists, then the rest.
    assert_eq!(
        nav_titles(&nav, &["운영체제"]),
        ["메모리", "동기화", "Virtual Memory", "프로세스와 스레드", "교착 상태", "Archive"]
    );
    // Raw HTML links count like Markdown ones.
    assert_eq!(nav_titles(&nav, &["네트워크"]), ["UDP", "TCP"]);
    let os = read(&out.join("OS/index.html"));
    assert_eq!(texts(&os, ".note-list a"), ["메모리", "동기화", "프로세스와 스레드", "교착 상태"]);
    assert_eq!(texts(&os, ".cards .card-title"), ["Virtual Memory", "Archive"]);
    assert_eq!(pager(&out, "OS/sync.html"), (Some("메모리".into()), Some("Virtual Memory".into())));
    assert_eq!(
        pager(&out, "OS/Virtual Memory/paging.html"),
        (Some("Virtual Memory".into()), Some("프로세스와 스레드".into()))
    );
}

/// Where a link in the corpus's READMEs leads, as a path in the corpus: a GitHub link into the
/// repository itself (any owner: the README also links a former owner's name) whose file or
/// folder exists. Read independently of gongbu, to check it.
fn corpus_links(corpus: &Path, readme: &str) -> Vec<String> {
    const REPO: &str = "/tech-interview-for-developer/";
    let text = fs::read_to_string(corpus.join(readme)).unwrap();
    let mut paths = Vec::new();
    // Only the README's lists: lines that are list items.
    for line in text.lines().filter(|l| l.trim_start().starts_with("- ")) {
        let mut rest = line;
        while let Some(at) = rest.find("https://github.com/") {
            rest = &rest[at..];
            // The URL ends at the `)` that closes the link (URLs hold balanced parentheses),
            // at `>` or at a space.
            let (mut depth, mut end) = (0, rest.len());
            for (i, c) in rest.char_indices() {
                match c {
                    '(' => depth += 1,
                    ')' if depth == 0 => {
                        end = i;
                        break;
                    }
                    ')' => depth -= 1,
                    '>' | ' ' => {
                        end = i;
                        break;
                    }
                    _ => {}
                }
            }
            let url = &rest[..end];
            rest = &rest[end..];
            let Some(at) = url.find(REPO) else { continue };
            let tail = &url[at + REPO.len()..];
            let Some(path) = tail.strip_prefix("blob/master/").or_else(|| tail.strip_prefix("tree/master/")) else {
                continue;
            };
            let path = path.split('#').next().unwrap();
            let path = percent_decode_str(path).decode_utf8().unwrap().into_owned();
            if !corpus.join(&path).exists() {
                continue;
            }
            // Notes and folders (the lists also link a PDF).
            if path.ends_with(".md") || corpus.join(&path).is_dir() {
                paths.push(path);
            }
        }
    }
    paths
}

#[test]
fn the_corpus_sidebar_follows_its_readme() {
    let corpus = shared_dir().join("corpora/tech-interview-for-developer");
    let tmp = tempfile::tempdir().unwrap();
    let (src, out) = (tmp.path().join("tech-interview-for-developer"), tmp.path().join("out"));
    common::copy_tree(&corpus, &src);
    build_ok(&src, &out, &[]);
    let nav = nav(&out);

    // Read by eye from the README: its `## 📌` parts, each a list of links into that folder
    // (the `기술 면접 감 잡기` link into Interview above them is a heading, not the list).
    let top = ["Computer Science", "Algorithm", "Design Pattern", "Interview", "Language", "Web", "Linux"];
    let top: Vec<&str> = top.into_iter().chain(["New Technology", "Seminar", "ETC"]).collect();
    let root_links = corpus_links(&corpus, "README.md");
    let mut first_folders: Vec<&str> = root_links.iter().map(|p| p.split('/').next().unwrap()).collect();
    dedup_keeping_first(&mut first_folders);
    assert_eq!(first_folders, top, "the test reads the README's list as a reader does");
    let folder_of = |node: &serde_json::Value| {
        let url = percent_decode_str(node["u"].as_str().unwrap()).decode_utf8().unwrap().into_owned();
        url.split('/').next().unwrap().to_string()
    };
    let shown: Vec<String> = nav["c"].as_array().unwrap().iter().map(folder_of).collect();
    assert_eq!(shown, top);

    // In every folder, the entries the READMEs list come first, in the order of their first
    // link: the folder's own README's list (Web has one), then the top README's.
    let web_links = corpus_links(&corpus, "Web/README.md");
    assert!(web_links.len() >= 5, "{web_links:?}");
    let mut checked = 0;
    let mut folders = vec![(String::new(), &nav)];
    while let Some((path, node)) = folders.pop() {
        let own = if path == "Web" { web_links.clone() } else { Vec::new() };
        let prefix = if path.is_empty() { String::new() } else { format!("{path}/") };
        let mut expected: Vec<String> = own
            .iter()
            .chain(&root_links)
            .filter_map(|link| {
                let inside = link.strip_prefix(&prefix)?;
                match inside.split_once('/') {
                    Some((folder, _)) => Some(format!("{folder}/")),
                    None if inside == "README.md" || inside.is_empty() => None,
                    None if corpus.join(link).is_dir() => Some(format!("{inside}/")),
                    None => Some(inside.to_string()),
                }
            })
            .collect();
        dedup_keeping_first(&mut expected);
        let entries: Vec<(String, &serde_json::Value)> = node["c"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|child| {
                let url = percent_decode_str(child["u"].as_str().unwrap()).decode_utf8().unwrap().into_owned();
                let inside = url.strip_prefix(&prefix).unwrap().to_string();
                match inside.strip_suffix("/index.html") {
                    Some(folder) => (format!("{folder}/"), child),
                    None => (inside.replace(".html", ".md"), child),
                }
            })
            .collect();
        let names: Vec<&String> = entries.iter().map(|(name, _)| name).collect();
        assert!(names.len() >= expected.len(), "{path}: {names:?} vs {expected:?}");
        assert_eq!(names[..expected.len()], expected.iter().collect::<Vec<_>>(), "{path}: the listed entries lead");
        checked += expected.len();
        for (name, child) in &entries {
            if let Some(folder) = name.strip_suffix('/') {
                folders.push((format!("{prefix}{folder}"), child));
            }
        }
    }
    assert!(checked > 150, "the READMEs' lists were checked entry by entry ({checked})");

    // Reading order (previous/next) is the sidebar's, depth first.
    let mut pages = Vec::new();
    nav_pages(&nav, &mut pages);
    let os = "Computer Science/Operating System/Process vs Thread.html";
    let (prev, next) = pager(&out, os);
    let at = pages.iter().position(|t| *t == "프로세스 & 스레드").expect("the note's title is in the sidebar");
    assert_eq!((prev.as_deref(), next.as_deref()), (Some(pages[at - 1].as_str()), Some(pages[at + 1].as_str())));
}

fn dedup_keeping_first<T: PartialEq + Clone>(items: &mut Vec<T>) {
    let mut seen: Vec<T> = Vec::new();
    items.retain(|x| {
        let new = !seen.contains(x);
        if new {
            seen.push(x.clone());
        }
        new
    });
}

/// A `serve` session over a notes folder, compared with a fresh build after each change.
struct Served {
    _tmp: tempfile::TempDir,
    src: PathBuf,
    out: PathBuf,
    fresh: PathBuf,
    session: Session,
}

impl Served {
    fn new(files: &[(&str, &str)]) -> Served {
        let tmp = tempfile::tempdir().unwrap();
        let src = tmp.path().join("notes");
        write_notes(&src, files);
        let (out, fresh) = (tmp.path().join("served"), tmp.path().join("fresh"));
        let overrides = Overrides { output_dir: Some(out.clone()), ..Default::default() };
        let config = Config::from_parts(&src, None, overrides.clone()).unwrap();
        let mut session = Session::open(config, overrides, false).unwrap();
        assert!(session.rebuild(&[]).unwrap().errors.is_empty());
        Served { _tmp: tmp, src, out, fresh, session }
    }

    /// Write `rel`, rebuild incrementally, and check the output is a fresh build's.
    fn edit(&mut self, rel: &str, text: &str) {
        write_notes(&self.src, &[(rel, text)]);
        let rebuild = self.session.rebuild(&[self.src.join(rel)]).unwrap();
        assert!(rebuild.errors.is_empty(), "{:?}", rebuild.errors);
        assert_eq!(self.session.finish_writes(), [], "the files written after the rebuild");
        let overrides = Overrides { output_dir: Some(self.fresh.clone()), ..Default::default() };
        gongbu::pipeline::build(&Config::from_parts(&self.src, None, overrides).unwrap(), true).unwrap();
        let (mut served, mut fresh) = (common::tree(&self.out), common::tree(&self.fresh));
        served.remove(gongbu::write::MARKER);
        fresh.remove(gongbu::write::MARKER);
        assert_eq!(served.keys().collect::<Vec<_>>(), fresh.keys().collect::<Vec<_>>());
        for (path, bytes) in &fresh {
            assert!(served[path] == *bytes, "after editing {rel}: {path} differs from a fresh build");
        }
    }
}

#[test]
fn serve_reorders_the_navigation_when_a_readme_list_or_a_title_number_changes() {
    let mut served = Served::new(&[
        ("README.md", "# 노트\n\n- [B](b/)\n- [A](a/)\n"),
        ("a/README.md", "# A\n\n- [둘](two.md)\n- [하나](one.md)\n"),
        ("a/one.md", "# 하나\n"),
        ("a/two.md", "# 둘\n"),
        ("a/three.md", "# 셋\n"),
        ("b/x.md", "# 1. 엑스\n"),
        ("b/y.md", "# 2. 와이\n"),
    ]);
    assert_eq!(nav_titles(&nav(&served.out), &[]), ["b", "A"]);
    assert_eq!(nav_titles(&nav(&served.out), &["A"]), ["둘", "하나", "셋"]);
    assert_eq!(pager(&served.out, "a/two.html").1.as_deref(), Some("하나"));

    served.edit("a/README.md", "# A\n\n- [하나](one.md)\n- [셋](three.md)\n- [둘](two.md)\n");
    assert_eq!(nav_titles(&nav(&served.out), &["A"]), ["하나", "셋", "둘"]);
    assert_eq!(pager(&served.out, "a/two.html").1, None, "the last page now");

    served.edit("README.md", "# 노트\n\n- [A](a/README.md)\n- [B](b/)\n");
    assert_eq!(nav_titles(&nav(&served.out), &[]), ["A", "b"]);
    let home = read(&served.out.join("index.html"));
    assert_eq!(texts(&home, ".nav-sections a"), ["A", "b"]);

    served.edit("b/y.md", "# 0. 와이\n");
    assert_eq!(nav_titles(&nav(&served.out), &["b"]), ["0. 와이", "1. 엑스"]);
}

#[test]
fn the_sidebar_in_a_real_browser_reads_in_the_readmes_order() {
    use common::browser::{artifact_path, Browser};
    let corpus = shared_dir().join("corpora/tech-interview-for-developer");
    let tmp = tempfile::tempdir().unwrap();
    let (src, out) = (tmp.path().join("tech-interview-for-developer"), tmp.path().join("out"));
    common::copy_tree(&corpus, &src);
    build_ok(&src, &out, &[]);
    let nav = nav(&out);
    let page = out.join("Computer Science/Operating System/Process vs Thread.html");
    let mut browser = Browser::open(&format!("file://{}", page.display()));
    browser.wait_for(
        "document.readyState === 'complete' && !!document.querySelector('#gb-tree li')",
        20,
        "the sidebar",
    );
    // Top-level folders, then the open folders down to the page, as the sidebar shows them.
    let mut shown = |selector: &str| -> Vec<String> {
        let script = format!(
            // The link's title, without study mode's progress badge.
            "Array.from(document.querySelectorAll({})).map(a => {{ const c = a.cloneNode(true); \
             c.querySelectorAll('.nav-progress').forEach(x => x.remove()); return c.textContent.trim(); }})",
            serde_json::json!(selector)
        );
        serde_json::from_value(browser.eval(&script)).unwrap()
    };
    let top = shown("#gb-tree > ul > li > .row > a, #gb-tree > ul > li.leaf > a");
    assert_eq!(top, nav_titles(&nav, &[]));
    assert_eq!(top[..3], ["Computer Science", "알고리즘(코딩테스트) 문제 접근법", "Design Pattern"]);
    // Only the folders on the way to the page are open (filled).
    let os = shown("#gb-tree > ul > li.folder > ul > li.folder > ul > li > a");
    assert_eq!(os, nav_titles(&nav, &["Computer Science", "Operating System"]));
    assert_eq!(os[..3], ["운영 체제란 무엇인가?", "프로세스 & 스레드", "프로세스의 주소 공간"]);
    browser.screenshot(&artifact_path("order-corpus-sidebar.png"));
}
