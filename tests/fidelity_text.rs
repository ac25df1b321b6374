//! Text the way authors see it on GitHub (issue #10, items 1, 2, 8, 9): emoji shortcodes become
//! emoji wherever text is shown, titles read like titles, a folder's README.md is its page
//! beside an index.md, and the site's language follows the notes. Each test builds notes of its
//! own with the real binary (or a live `Session`) and reads the HTML with a parser.

mod common;

use common::*;
use gongbu::config::{Config, Overrides};
use gongbu::session::Session;
use std::fs;
use std::path::{Path, PathBuf};

/// Texts of the elements `css` selects, whitespace trimmed.
fn texts(page: &Path, css: &str) -> Vec<String> {
    let doc = read(page);
    select(&doc, css).iter().map(|e| e.text().collect::<String>().trim().to_string()).collect()
}

fn attrs(page: &Path, css: &str, attr: &str) -> Vec<String> {
    let doc = read(page);
    select(&doc, css).iter().filter_map(|e| e.value().attr(attr)).map(str::to_string).collect()
}

fn html_lang(page: &Path) -> String {
    attrs(page, "html", "lang").concat()
}

/// Build `files` as a plain notes folder named `folder`; returns the output and stderr.
fn build(tmp: &Path, folder: &str, files: &[(&str, &str)]) -> (PathBuf, String) {
    let src = tmp.join(folder);
    write_notes(&src, files);
    let out = tmp.join("out");
    let stderr = build_ok(&src, &out, &[]);
    (out, stderr)
}

// Item 1: emoji shortcodes.

const QUESTIONS: &str = "# :question: 자주 묻는 질문

## :smiley: This is a friendly header

좋아요 :+1: :nerd_face: 하지만 :foo:, 12:30:45, std::vector 는 그대로.

`:smile:` 은 코드, 주소 https://example.com/:smile:/path 와 [링크 :tada:](https://example.com/:tada:)

```
:smile: in a code block
```

<img alt=\":smile:\" src=\"https://example.com/x.png\"> ![:tada: 그림](https://example.com/y.png)

<details><summary>:bulb: 정답</summary>

풀이 :white_check_mark: 와 <code>:smile:</code> <kbd>:smile:</kbd>

</details>

## :desert_island: Installation

## 🎉 Party
";

#[test]
fn emoji_shortcodes_show_as_emoji_wherever_text_is_shown() {
    let tmp = tempfile::tempdir().unwrap();
    let (out, stderr) = build(
        tmp.path(),
        "notes",
        &[
            ("README.md", "# 공부 :books:\n\n[질문](qa/questions.md)\n"),
            ("qa/questions.md", QUESTIONS),
            ("qa/rocket.md", "---\ntitle: \":rocket: 배포\"\n---\n\n본문 :white_check_mark:\n"),
        ],
    );
    assert!(warnings_by_file(&stderr).is_empty(), "{stderr}");
    let page = out.join("qa/questions.html");

    assert_eq!(texts(&page, "title"), ["❓ 자주 묻는 질문 · 공부 📚"]);
    assert_eq!(texts(&page, "h1.note-title"), ["❓ 자주 묻는 질문"]);
    // GitHub slugs a shortcode's name as text; a literal emoji is dropped.
    assert_eq!(
        attrs(&page, ".content h2", "id"),
        ["smiley-this-is-a-friendly-header", "desert_island-installation", "-party"]
    );
    assert_eq!(
        texts(&page, "#gb-toc-list a"),
        ["😃 This is a friendly header", "🏝️ Installation", "🎉 Party", "참고 자료"]
    );
    assert_eq!(
        attrs(&page, "#gb-toc-list a", "href")[..2],
        ["#smiley-this-is-a-friendly-header", "#desert_island-installation"]
    );
    let paragraphs = texts(&page, ".content p");
    assert!(paragraphs[0].contains("좋아요 👍 🤓 하지만 :foo:, 12:30:45, std::vector 는 그대로."), "{paragraphs:?}");
    // Never in code, URLs, link destinations or raw HTML attributes.
    assert_eq!(texts(&page, ".content > p code"), [":smile:"]);
    assert_eq!(texts(&page, ".content pre"), [":smile: in a code block"]);
    let hrefs = attrs(&page, ".content a[href^='https:']", "href");
    assert_eq!(hrefs, ["https://example.com/:smile:/path", "https://example.com/:tada:"]);
    assert_eq!(texts(&page, ".content a[href^='https:']")[1], "링크 🎉");
    assert_eq!(attrs(&page, ".content img", "alt"), [":smile:", ":tada: 그림"]);
    // Text in raw HTML is text (GitHub shows emoji there too), but not inside its <code>.
    assert_eq!(texts(&page, ".content summary"), ["💡 정답"]);
    assert_eq!(texts(&page, ".content details p"), ["풀이 ✅ 와 :smile: 😄"]);
    assert_eq!(texts(&page, ".content details code"), [":smile:"]);

    // Other pages show the titles with emoji: navigation, neighbours, the folder's listing.
    let nav = fs::read_to_string(out.join("nav.js")).unwrap();
    for title in ["공부 📚", "❓ 자주 묻는 질문", "🚀 배포"] {
        assert!(nav.contains(&format!("\"t\":\"{title}\"")), "{title} in {nav}");
    }
    assert_eq!(texts(&out.join("qa/rocket.html"), "h1.note-title"), ["🚀 배포"]);
    assert_eq!(texts(&out.join("qa/rocket.html"), ".content p"), ["본문 ✅"]);
    assert!(texts(&out.join("qa/rocket.html"), ".pager .prev .t") == ["❓ 자주 묻는 질문"]);
    assert_eq!(texts(&out.join("qa/index.html"), ".note-list a"), ["❓ 자주 묻는 질문", "🚀 배포"]);
    assert!(dead_links(&out).is_empty(), "{:?}", dead_links(&out));
}

#[test]
fn links_to_shortcode_headings_use_githubs_ids() {
    let tmp = tempfile::tempdir().unwrap();
    let (out, stderr) = build(
        tmp.path(),
        "notes",
        &[
            ("a.md", QUESTIONS),
            ("b.md", "# B\n\n[설치](a.md#desert_island-installation) [인사](a.md#smiley-this-is-a-friendly-header)\n"),
        ],
    );
    assert!(warnings_by_file(&stderr).is_empty(), "hand-written GitHub anchors land:\n{stderr}");
    assert!(dead_links(&out).is_empty(), "{:?}", dead_links(&out));
}

// Item 2: titles.

#[test]
fn titles_from_names_read_like_titles() {
    let tmp = tempfile::tempdir().unwrap();
    let (out, _) = build(
        tmp.path(),
        "my_study_notes",
        &[
            ("3_디자인_패턴/2_팩토리_패턴.md", "본문만 있는 노트\n"),
            ("3_디자인_패턴/Regular_Expression.md", "정규식\n"),
            ("3_디자인_패턴/01-intro.md", "소개\n"),
            ("3_디자인_패턴/1. 자료구조.md", "자료구조\n"),
            ("3_디자인_패턴/binary-search.md", "이분 탐색\n"),
            ("3_디자인_패턴/404.md", "숫자만\n"),
        ],
    );
    let folder = out.join("3_디자인_패턴/index.html");
    assert_eq!(texts(&folder, "h1.note-title"), ["디자인 패턴"]);
    assert_eq!(texts(&folder, "title"), ["디자인 패턴 · my study notes"]);
    let mut listed = texts(&folder, ".note-list a");
    listed.sort();
    assert_eq!(listed, ["404", "Regular Expression", "binary search", "intro", "자료구조", "팩토리 패턴"]);
    assert_eq!(texts(&out.join("3_디자인_패턴/2_팩토리_패턴.html"), "h1.note-title"), ["팩토리 패턴"]);

    // A notes folder without a README: its home page and the navigation's first entry are
    // named after the folder, never empty.
    let home = out.join("index.html");
    assert_eq!(texts(&home, "h1.note-title"), ["my study notes"]);
    let nav = fs::read_to_string(out.join("nav.js")).unwrap();
    assert!(nav.starts_with("window.GONGBU_NAV={\"t\":\"my study notes\""), "{nav}");
    assert!(nav.contains("{\"t\":\"디자인 패턴\""), "{nav}");
}

#[test]
fn a_table_of_contents_heading_is_not_the_title() {
    let tmp = tempfile::tempdir().unwrap();
    let (out, _) = build(
        tmp.path(),
        "notes",
        &[
            ("README.md", "# 노트\n"),
            ("toc-h1.md", "# 목차\n\n- [프로세스](#프로세스)\n\n# 프로세스\n\n## 스레드\n"),
            ("toc-lead.md", "## :books: Table of Contents\n\n- [a](#a)\n\n## A\n"),
            ("toc-alone.md", "# Contents\n\n본문\n"),
            ("toc-caps.md", "### TOC\n\n#### 하나\n"),
            ("real.md", "# 목차 만들기\n\n본문\n"),
        ],
    );
    let h1 = |name: &str| texts(&out.join(name), "h1.note-title");
    // The next H1 titles the note; it stays where it is in the body, after the 목차.
    assert_eq!(texts(&out.join("toc-h1.html"), "title"), ["프로세스 · 노트"]);
    assert_eq!(texts(&out.join("toc-h1.html"), ".content h1"), ["목차", "프로세스"]);
    assert!(fs::read_to_string(out.join("nav.js")).unwrap().contains("{\"t\":\"프로세스\",\"u\":\"toc-h1.html\"}"));
    assert_eq!(h1("toc-lead.html"), ["toc lead"]);
    assert_eq!(h1("toc-alone.html"), ["toc alone"]);
    assert_eq!(h1("toc-caps.html"), ["toc caps"]);
    assert_eq!(h1("real.html"), ["목차 만들기"], "a title that only starts with 목차 is a title");
}

// Item 8: README.md and index.md.

#[test]
fn readme_is_the_folder_page_and_index_md_an_ordinary_note() {
    let tmp = tempfile::tempdir().unwrap();
    let (out, stderr) = build(
        tmp.path(),
        "notes",
        &[
            ("README.md", "# 노트\n\n[색인](net/index.md#용어) [네트워크](net/) [알고리즘](algo/index.md)\n"),
            ("net/README.md", "# 네트워크\n\n[색인](index.md)\n"),
            ("net/index.md", "# 색인\n\n## 용어\n\n[폴더](README.md) [TCP](tcp.md)\n"),
            ("net/tcp.md", "# TCP\n\n[색인](./index.md#용어) [색인](../net/index.md)\n"),
            ("algo/index.md", "# 알고리즘\n"),
            ("algo/sort.md", "# 정렬\n"),
        ],
    );
    assert!(warnings_by_file(&stderr).is_empty(), "{stderr}");
    assert_eq!(texts(&out.join("net/index.html"), "h1.note-title"), ["네트워크"]);
    assert_eq!(texts(&out.join("net/index.md.html"), "h1.note-title"), ["색인"]);
    // A folder with only index.md: that is its page.
    assert_eq!(texts(&out.join("algo/index.html"), "h1.note-title"), ["알고리즘"]);
    assert!(!out.join("algo/index.md.html").exists());
    // Every link to index.md lands on its page, with its anchors.
    assert_eq!(attrs(&out.join("index.html"), ".content a", "href")[0], "net/index.md.html#용어");
    assert_eq!(attrs(&out.join("net/index.html"), ".content a", "href"), ["index.md.html"]);
    assert_eq!(attrs(&out.join("net/tcp.html"), ".content a", "href"), ["index.md.html#용어", "index.md.html"]);
    // It is listed as a note of its folder, and the navigation has it once.
    let mut listed = texts(&out.join("net/index.html"), ".note-list a");
    listed.sort();
    assert_eq!(listed, ["TCP", "색인"]);
    let nav = fs::read_to_string(out.join("nav.js")).unwrap();
    assert_eq!(nav.matches("net/index.md.html").count(), 1, "{nav}");
    assert!(dead_links(&out).is_empty(), "{:?}", dead_links(&out));
}

// Item 9: the site's language.

const ENGLISH: &str =
    "# Binary search\n\nBinary search halves the range on every step, so it runs in logarithmic time.\n";
const KOREAN: &str =
    "# 이분 탐색\n\n이분 탐색은 매 단계마다 범위를 절반으로 줄이므로 로그 시간에 끝난다. HashMap 과 TCP 도 쓴다.\n";

#[test]
fn the_language_is_told_from_the_notes_and_said_in_the_summary() {
    let tmp = tempfile::tempdir().unwrap();
    // English prose; Korean only in code (comments, strings), which does not count.
    let korean_code =
        format!("```java\n// {}\nString s = \"{}\";\n```\n", "한글 주석 ".repeat(50), "문자열".repeat(50));
    let english = [("README.md", ENGLISH.to_string()), ("b.md", format!("# Notes\n\nA short note.\n\n{korean_code}"))];
    let english: Vec<(&str, &str)> = english.iter().map(|(a, b)| (*a, b.as_str())).collect();
    let (out, stderr) = build(tmp.path(), "en", &english);
    assert!(stderr.contains("language: en (detected: 0% Hangul)"), "{stderr}");
    assert_eq!(html_lang(&out.join("b.html")), "en");
    assert_eq!(texts(&out.join("b.html"), ".toc-title"), Vec::<String>::new(), "b has no TOC");
    assert_eq!(texts(&out.join("b.html"), ".pager .dir"), ["← Previous"]);
    assert_eq!(texts(&out.join("404.html"), "h1"), ["Page not found"]);
    assert_eq!(html_lang(&out.join("404.html")), "en");

    let tmp = tempfile::tempdir().unwrap();
    let korean_notes =
        [("README.md", KOREAN), ("b.md", "# 정리\n\n## 하나\n\n```\nEnglish code only here and here\n```\n")];
    let (out, stderr) = build(tmp.path(), "ko", &korean_notes);
    assert!(stderr.contains("language: ko (detected: "), "{stderr}");
    assert_eq!(html_lang(&out.join("b.html")), "ko");
    assert_eq!(texts(&out.join("b.html"), ".toc-title"), ["목차"]);

    // An explicit language always wins.
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    write_notes(&root, &[("gongbu.toml", "language = \"ko\"\n"), ("content/a.md", ENGLISH)]);
    let stderr = build_ok(&root, &tmp.path().join("out"), &[]);
    assert!(stderr.contains("language: ko (gongbu.toml)"), "{stderr}");
    assert_eq!(html_lang(&tmp.path().join("out/a.html")), "ko");
}

/// A live session against a fresh build after each change, byte for byte.
struct Live {
    _tmp: tempfile::TempDir,
    src: PathBuf,
    out: PathBuf,
    fresh: PathBuf,
    session: Session,
}

impl Live {
    fn new(files: &[(&str, &str)]) -> Live {
        let tmp = tempfile::tempdir().unwrap();
        let src = tmp.path().join("notes");
        write_notes(&src, files);
        let (out, fresh) = (tmp.path().join("served"), tmp.path().join("fresh"));
        let overrides = Overrides { output_dir: Some(out.clone()), ..Default::default() };
        let config = Config::from_parts(&src, None, overrides.clone()).unwrap();
        let mut session = Session::open(config, overrides, false).unwrap();
        assert!(session.rebuild(&[]).unwrap().errors.is_empty());
        Live { _tmp: tmp, src, out, fresh, session }
    }

    /// Write (or with None delete) notes, rebuild the session, and check it wrote what a fresh
    /// build writes. Returns the pages rendered.
    fn change(&mut self, what: &str, files: &[(&str, Option<&str>)]) -> usize {
        for (rel, text) in files {
            match text {
                Some(text) => write_notes(&self.src, &[(rel, text)]),
                None => fs::remove_file(self.src.join(rel)).unwrap(),
            }
        }
        let paths: Vec<PathBuf> = files.iter().map(|(rel, _)| self.src.join(rel)).collect();
        let rebuild = self.session.rebuild(&paths).unwrap();
        assert!(rebuild.errors.is_empty(), "{what}: {:?}", rebuild.errors);
        assert_eq!(self.session.finish_writes(), [], "{what}: the files written after the rebuild");
        let overrides = Overrides { output_dir: Some(self.fresh.clone()), ..Default::default() };
        gongbu::pipeline::build(&Config::from_parts(&self.src, None, overrides).unwrap(), true).unwrap();
        let mut served = tree(&self.out);
        let mut fresh = tree(&self.fresh);
        served.remove(gongbu::write::MARKER);
        fresh.remove(gongbu::write::MARKER);
        assert_eq!(served.keys().collect::<Vec<_>>(), fresh.keys().collect::<Vec<_>>(), "{what}: same files");
        for (path, bytes) in &fresh {
            assert!(served[path] == *bytes, "{what}: {path} differs from a fresh build");
        }
        rebuild.rendered
    }
}

#[test]
fn serve_follows_the_language_when_an_edit_flips_it() {
    let mut live = Live::new(&[("a.md", ENGLISH), ("b.md", ENGLISH), ("c/d.md", ENGLISH)]);
    assert_eq!(html_lang(&live.out.join("c/d.html")), "en");
    assert_eq!(live.session.language().as_deref(), Some("language: en (detected: 0% Hangul)"));
    // One body edit (the title stays) makes most of the text Korean: every page changes language.
    let long_korean = format!("# Binary search\n\n{}", KOREAN.repeat(5));
    let rendered = live.change("to Korean", &[("a.md", Some(&long_korean))]);
    assert!(rendered >= 5, "every page is rendered again, not only the edited one ({rendered})");
    assert_eq!(html_lang(&live.out.join("c/d.html")), "ko");
    assert_eq!(texts(&live.out.join("404.html"), "h1"), ["페이지를 찾을 수 없습니다"]);
    live.change("back to English", &[("a.md", Some(ENGLISH))]);
    assert_eq!(html_lang(&live.out.join("c/d.html")), "en");
    // A body edit that keeps the language renders only its page.
    assert_eq!(live.change("plain edit", &[("b.md", Some("# Binary search\n\nEdited.\n"))]), 1);
}

#[test]
fn serve_moves_index_md_when_a_readme_comes_and_goes() {
    let mut live = Live::new(&[("net/index.md", "# 색인\n"), ("net/tcp.md", "# TCP\n\n[색인](index.md)\n")]);
    assert_eq!(texts(&live.out.join("net/index.html"), "h1.note-title"), ["색인"]);
    live.change("README created", &[("net/README.md", Some("# 네트워크\n"))]);
    assert_eq!(texts(&live.out.join("net/index.html"), "h1.note-title"), ["네트워크"]);
    assert_eq!(attrs(&live.out.join("net/tcp.html"), ".content a", "href"), ["index.md.html"]);
    live.change("README deleted", &[("net/README.md", None)]);
    assert_eq!(texts(&live.out.join("net/index.html"), "h1.note-title"), ["색인"]);
    assert!(!live.out.join("net/index.md.html").exists());
}

#[test]
fn emoji_titles_in_a_real_browser() {
    use common::browser::{artifact_path, Browser};
    let tmp = tempfile::tempdir().unwrap();
    let (out, _) = build(
        tmp.path(),
        "notes",
        &[
            ("README.md", "# 공부 :books:\n"),
            ("qa/questions.md", QUESTIONS),
            ("qa/rocket.md", "---\ntitle: \":rocket: 배포\"\n---\n\n본문 :white_check_mark:\n"),
        ],
    );
    let mut browser = Browser::open(&format!("file://{}", out.join("qa/questions.html").display()));
    // The sidebar is built by nav.js from the titles: they hold the emoji.
    browser.wait_for(
        "[...document.querySelectorAll('#gb-nav a')].some(a => a.textContent.includes('🚀 배포'))",
        15,
        "the sidebar to list the notes with emoji titles",
    );
    let shown = browser.eval("document.querySelector('h1.note-title').textContent + '|' + document.title");
    assert_eq!(shown, "❓ 자주 묻는 질문|❓ 자주 묻는 질문 · 공부 📚");
    // The colour emoji font draws the emoji: one glyph about as wide as a Hangul syllable.
    let widths = browser.eval(
        "(() => { const c = document.createElement('canvas').getContext('2d'); \
         c.font = getComputedStyle(document.querySelector('h1.note-title')).font; \
         return [c.measureText('❓').width, c.measureText('가').width]; })()",
    );
    let (emoji, hangul) = (widths[0].as_f64().unwrap(), widths[1].as_f64().unwrap());
    assert!(emoji > hangul * 0.6, "emoji {emoji}px vs Hangul {hangul}px");
    browser.screenshot(&artifact_path("fidelity-text-emoji.png"));
}
