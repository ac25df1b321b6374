//! Study mode end to end (issue #11): questions, quiz data, Anki export, glossary, term links,
//! references, section counts, incremental rebuilds, and the browser side in headless Chromium.

mod common;

use common::browser::*;
use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A folder of notes built into `out`; returns (tempdir, notes folder, output, stderr).
fn built(files: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf, PathBuf, String) {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("notes");
    for (rel, text) in files {
        write(&src.join(rel), text);
    }
    let out = tmp.path().join("out");
    let stderr = build_ok(&src, &out, &[]);
    (tmp, src, out, stderr)
}

fn seed() -> String {
    std::fs::read_to_string(shared_dir().join("seed/interview-notes.md")).unwrap()
}

/// `quiz/questions.js` as JSON.
fn quiz_data(out: &Path) -> Value {
    let js = std::fs::read_to_string(out.join("quiz/questions.js")).unwrap();
    let json = js.trim().strip_prefix("window.GONGBU_QUIZ=").and_then(|j| j.strip_suffix(';')).expect("JSONP shape");
    serde_json::from_str(json).unwrap()
}

fn texts(doc: &scraper::Html, css: &str) -> Vec<String> {
    select(doc, css).iter().map(|e| e.text().collect::<String>().trim().to_string()).collect()
}

fn attrs(doc: &scraper::Html, css: &str, attr: &str) -> Vec<String> {
    select(doc, css).iter().filter_map(|e| e.value().attr(attr)).map(str::to_string).collect()
}

/// Records of a CSV text (RFC 4180 quoting: `"…"` fields, `""` for a quote, newlines inside).
fn csv_records(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let (mut record, mut field, mut quoted, mut chars) = (Vec::new(), String::new(), false, text.chars().peekable());
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => record.push(std::mem::take(&mut field)),
            ('\n', false) => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (c, _) => field.push(c),
        }
    }
    assert!(!quoted, "unbalanced quotes");
    records
}

#[test]
fn seed_has_five_questions_its_five_terms_and_every_study_link_resolves() {
    let (_tmp, _src, out, stderr) = built(&[("interview-notes.md", &seed())]);
    assert!(!stderr.contains("warning"), "{stderr}");

    let quiz = quiz_data(&out);
    let questions = quiz["q"].as_array().unwrap();
    assert_eq!(questions.len(), 5);
    let labels: Vec<&str> = questions.iter().map(|q| q["l"].as_str().unwrap()).collect();
    assert_eq!(labels, ["1번 문제", "2번 문제", "3번 문제", "4번 문제", "5번 문제"]);
    assert_eq!(questions[1]["t"], "블로킹과 논블로킹의 차이점을 설명해주세요.");
    assert!(questions.iter().all(|q| q.get("h").is_none()), "the quiz data holds no answers: the pages do");

    // The note page: each question wrapped, its heading first (study.js makes the question's id
    // from the page and the heading's anchor, and its number from the order).
    let page = read(&out.join("interview-notes.html"));
    let ids = attrs(&page, "section.gb-q > h3:first-child", "id");
    assert_eq!(ids.len(), 5);
    assert_eq!(ids[0], "q-동기와-비동기-프로그래밍에-대한-차이점을-설명해주세요");
    assert_eq!(attrs(&page, "body", "data-page"), ["interview-notes.html"]);
    assert_eq!(select(&page, "section.gb-q > .gb-answer").len(), 5);
    assert_eq!(texts(&page, ".toc .toc-q"), ["Q1", "Q2", "Q3", "Q4", "Q5"], "the TOC marks the questions");
    assert_eq!(texts(&page, ".nav-study a"), ["퀴즈", "용어집", "참고 자료"]);

    // The glossary: the five terms in 가나다 order, each linking to its definition.
    let glossary = read(&out.join("glossary/index.html"));
    assert_eq!(
        texts(&glossary, "dl.glossary dt"),
        ["결과 값을 기다린다", "메세지 큐", "서브 루틴", "제어권", "코루틴"]
    );
    assert_eq!(attrs(&glossary, "dd a.defined-in", "href")[4], "../interview-notes.html#term-코루틴");
    assert_eq!(select(&page, "strong.gb-term[id]").len(), 5);

    // References: the note's external links, decoded, with their domains.
    let refs = read(&out.join("references/index.html"));
    let domains = texts(&refs, ".ref-list .domain");
    assert_eq!(
        domains,
        ["github.com", "velog.io", "inpa.tistory.com", "blex.me", "it-eldorado.tistory.com", "12bme.tistory.com"]
    );
    assert!(texts(&refs, ".ref-list a")[1].starts_with("velog.io/@nittre/블로킹-Vs.-논블로킹"));

    // Anki: directives, then one properly quoted row per question, HTML on the back.
    let csv = std::fs::read_to_string(out.join("quiz/anki.csv")).unwrap();
    let directives: Vec<&str> = csv.lines().take_while(|l| l.starts_with('#')).collect();
    assert_eq!(directives, ["#separator:Comma", "#html:true", "#columns:Front,Back,Tags", "#tags column:3"]);
    let body: String = csv.lines().skip(directives.len()).map(|l| format!("{l}\n")).collect();
    let records = csv_records(&body);
    assert_eq!(records.len(), 5);
    assert!(records.iter().all(|r| r.len() == 3), "{records:?}");
    assert!(records[0][0].starts_with("동기와 비동기 프로그래밍에 대한 차이점을 설명해주세요."));
    assert!(records[0][1].contains("<strong>'결과 값을 기다린다'</strong>"), "{}", records[0][1]);
    assert!(
        records[2][1].contains("<pre><code>import asyncio\n"),
        "code plain, without highlighting: {}",
        records[2][1]
    );
    assert!(records.iter().all(|r| !r[1].contains("<h2")), "an answer ends at the next 번 문제");
    assert!(records[4][1].contains("github.com/Jjenny-K/crowdfunding"), "the last answer runs to the end");
    assert!(read(&out.join("quiz/index.html")).html().contains(r#"href="anki.csv""#), "the quiz page links the export");

    assert_eq!(dead_links(&out), [], "every quiz, glossary and references link resolves");
}

#[test]
fn corpus_questions_terms_and_answers_match_what_the_notes_hold() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("corpus");
    copy_tree(&shared_dir().join("corpora/tech-interview-for-developer"), &src);
    let out = tmp.path().join("out");
    build_ok(&src, &out, &[]);
    let quiz = quiz_data(&out);
    let notes = quiz["notes"].as_array().unwrap();
    let count = |url: &str| {
        let n = notes.iter().position(|n| n["u"] == url).unwrap_or_else(|| panic!("{url} has no questions"));
        quiz["q"].as_array().unwrap().iter().filter(|q| q["n"] == n).count()
    };
    // Read in the notes: six `### …?` headings (lines 13, 28, 51, 87, 104, 128).
    assert_eq!(count("Interview/%5BJava%5D%20Interview%20List.html"), 6);
    // Four `##### *…?*` headings; `#### 멀티스레드 환경에서 안전한 싱글톤 만드는 법` asks nothing.
    assert_eq!(count("Design%20Pattern/Singleton%20Pattern.html"), 4);
    // A `5. ##### …최선은?` heading inside a numbered list item: its answer is the rest of the item.
    assert_eq!(count("Interview/Mock%20Test/2019%EB%85%84%20%23%EA%B8%B0%EC%97%85%20%ED%95%84%EA%B8%B0%ED%85%8C%EC%8A%A4%ED%8A%B8.html"), 1);
    let csv = std::fs::read_to_string(out.join("quiz/anki.csv")).unwrap();
    let rows: Vec<Vec<String>> = csv_records(&csv).into_iter().filter(|r| !r[0].starts_with('#')).collect();
    assert_eq!(rows.len(), quiz["q"].as_array().unwrap().len());
    // In reading order, as the quiz data has them (a build writes the rows as pages render).
    let unescape = |t: &str| t.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&");
    let fronts: Vec<String> = rows.iter().map(|r| unescape(r[0].split("<br><small>").next().unwrap())).collect();
    let asked: Vec<&str> = quiz["q"].as_array().unwrap().iter().map(|q| q["t"].as_str().unwrap()).collect();
    assert_eq!(fronts, asked);
    let empty: Vec<&Vec<String>> = rows.iter().filter(|r| r[1].trim().is_empty()).collect();
    assert!(empty.is_empty(), "every question of the corpus has an answer: {empty:?}");

    let glossary = read(&out.join("glossary/index.html"));
    let terms = texts(&glossary, "dl.glossary dt");
    // Web/OAuth.md lines 19–24: `- **사용자** : …` … `- **접근 토큰** : …`.
    for term in ["사용자", "소비자", "서비스 제공자", "소비자 비밀번호", "요청 토큰", "접근 토큰"]
    {
        assert!(terms.contains(&term.to_string()), "{term} missing from {terms:?}");
    }
    // Computer Science/Data Structure/Hash.md lines 50 and 54.
    assert!(terms.contains(&"load factor".to_string()) && terms.contains(&"리해싱(Rehashing)".to_string()));
    // `> **최소 공배수**는 간단하다…` has no colon after the bold text: no term.
    assert!(!terms.contains(&"최소 공배수".to_string()));
    let first_latin = terms.iter().position(|t| t.starts_with(|c: char| c.is_ascii_alphabetic())).unwrap();
    assert!(terms[..first_latin].iter().all(|t| t.starts_with(|c: char| ('가'..='힣').contains(&c))), "{terms:?}");

    let dead: Vec<DeadLink> = dead_links(&out)
        .into_iter()
        .filter(|d| {
            ["quiz/", "glossary/", "references/"].iter().any(|p| d.page.starts_with(p)) || d.href.contains("#term-")
        })
        .collect();
    assert_eq!(dead, [], "study pages and term links resolve");
    let page = read(&out.join("Interview/Interview List.html"));
    assert!(select(&page, "a.gb-termlink").len() > 3, "the corpus's notes link terms defined elsewhere");
}

#[test]
fn anki_answers_are_plain_html_without_highlighting_or_study_markup() {
    let (_tmp, _src, out, _) = built(&[
        ("a.md", "# 비동기\n\n> **'코루틴'**: 실행을 멈췄다 재개하는 서브 루틴\n"),
        (
            "b.md",
            "# 질문\n\n### Q. 코루틴이 a < b\u{2028}일 때는?\n\n코루틴을 **직접** 쓴다.\n\n- **스레드** : 실행 흐름\n\n```rust\nfn main() { let s = \"<b>\"; }\n```\n",
        ),
    ]);
    // The page keeps its highlighting, term anchor and term link; the export has none of them.
    let page = read(&out.join("b.html"));
    assert!(!select(&page, "pre span[class]").is_empty(), "{}", page.html());
    assert_eq!(select(&page, "strong.gb-term[id]").len(), 1);
    assert_eq!(select(&page, "a.gb-termlink").len(), 1);
    let csv = std::fs::read_to_string(out.join("quiz/anki.csv")).unwrap();
    let rows: Vec<Vec<String>> = csv_records(&csv).into_iter().filter(|r| !r[0].starts_with('#')).collect();
    assert_eq!(rows.len(), 1, "{rows:?}");
    let back = &rows[0][1];
    assert!(back.contains("<pre><code>fn main() { let s = &quot;&lt;b&gt;&quot;; }\n</code></pre>"), "{back}");
    assert!(back.contains("<p>코루틴을 <strong>직접</strong> 쓴다.</p>"), "a term link leaves its text: {back}");
    assert!(back.contains("<li><strong>스레드</strong> : 실행 흐름</li>"), "{back}");
    for markup in ["<span", "class=", " id=", "href="] {
        assert!(!back.contains(markup), "{markup} in {back}");
    }
    // The quiz data is safe in a script and reads back as written.
    let js = std::fs::read_to_string(out.join("quiz/questions.js")).unwrap();
    assert!(!js.contains('<') && !js.contains('\u{2028}'), "{js}");
    assert_eq!(quiz_data(&out)["q"][0]["t"], "코루틴이 a < b\u{2028}일 때는?");
}

#[test]
fn a_term_links_once_per_other_note_outside_code_links_and_headings() {
    let (_tmp, _src, out, _) = built(&[
        ("a.md", "# 비동기\n\n> **'코루틴'**: 실행을 멈췄다 재개하는 서브 루틴\n\n코루틴은 여기서 정의된다.\n"),
        (
            "sub/b.md",
            "# 파이썬\n\n## 코루틴 정리\n\n`코루틴` 과 [코루틴](../a.md) 다음에 코루틴을 쓴다. 또 코루틴.\n\n```\n코루틴\n```\n",
        ),
    ]);
    let b = read(&out.join("sub/b.html"));
    let links = select(&b, "a.gb-termlink");
    assert_eq!(links.len(), 1, "{}", b.html());
    assert_eq!(links[0].value().attr("href"), Some("../a.html#term-코루틴"));
    assert_eq!(links[0].text().collect::<String>(), "코루틴");
    assert!(b.html().contains("다음에 <a class=\"gb-termlink\""), "the first mention in plain text: {}", b.html());
    assert_eq!(select(&read(&out.join("a.html")), "a.gb-termlink").len(), 0, "not in the defining note");
    assert_eq!(dead_links(&out), []);
}

#[test]
fn details_blocks_configured_patterns_and_section_counts() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write(&root.join("gongbu.toml"), "[study]\nquestion_patterns = [\"^문제 \\\\d+\"]\n");
    write(
        &root.join("content/os/memo.md"),
        "# 메모\n\n## 문제 1\n\n페이징 설명\n\n## 정리\n\n<details><summary>스레드란?</summary>\n\n실행 흐름\n\n</details>\n",
    );
    write(&root.join("content/os/plain.md"), "# 평범\n\n본문\n");
    let out = root.join("public");
    build_ok(root, &out, &[]);
    let memo = read(&out.join("os/memo.html"));
    assert_eq!(attrs(&memo, "section.gb-q > :first-child", "id"), ["문제-1"]);
    assert_eq!(attrs(&memo, "details[data-q]", "id"), ["q-스레드란"]);
    let csv = std::fs::read_to_string(out.join("quiz/anki.csv")).unwrap();
    let answers: Vec<String> =
        csv_records(&csv).into_iter().filter(|r| !r[0].starts_with('#')).map(|r| r[1].clone()).collect();
    assert!(answers[0].contains("페이징 설명"), "{answers:?}");
    assert!(answers[1].contains("실행 흐름") && !answers[1].contains("summary"), "{answers:?}");
    // The folder page counts each note's questions and links the folder's quiz.
    let folder = read(&out.join("os/index.html"));
    assert_eq!(texts(&folder, ".note-list .q-count"), ["2 문제"]);
    assert_eq!(attrs(&folder, ".section-quiz a", "href"), ["../quiz/index.html?s=os"]);
    let nav = std::fs::read_to_string(out.join("nav.js")).unwrap();
    assert!(nav.contains(r#""u":"os/memo.html","q":2}"#), "{nav}");
    assert!(!nav.contains(r#""u":"os/plain.html","q""#));
    assert_eq!(dead_links(&out), []);
}

#[test]
fn a_notes_folder_named_quiz_does_not_replace_the_quiz_page() {
    let (_tmp, _src, out, stderr) =
        built(&[("quiz/README.md", "# 내 퀴즈\n"), ("quiz/one.md", "# 하나\n\n## 왜?\n답\n")]);
    assert!(stderr.contains("quiz/README.md") && stderr.contains("the quiz page"), "{stderr}");
    assert!(read(&out.join("quiz/index.html")).html().contains("id=\"gb-quiz\""));
    assert!(out.join("quiz/one.html").is_file(), "its other notes are published");

    // Without a README, the folder's generated page gives way too, also when serve renders it again.
    use gongbu::config::{Config, Overrides};
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("notes");
    write(
        &src.join("quiz/one.md"),
        "# 하나
",
    );
    let out = tmp.path().join("out");
    let overrides = Overrides { output_dir: Some(out.clone()), ..Default::default() };
    let config = Config::from_parts(&src, None, overrides.clone()).unwrap();
    let mut session = gongbu::session::Session::open(config, overrides, false).unwrap();
    session.rebuild(&[]).unwrap();
    write(
        &src.join("quiz/one.md"),
        "# 둘
",
    );
    session.rebuild(&[src.join("quiz/one.md")]).unwrap();
    assert!(read(&out.join("quiz/index.html")).html().contains("id=\"gb-quiz\""));
}

#[test]
fn question_ids_do_not_depend_on_order_or_position() {
    let note = |a: &str, b: &str| format!("# 노트\n\n서론\n\n## {a}\n답 A\n\n## {b}\n답 B\n");
    let (_t1, _s1, out1, _) = built(&[("n.md", &note("TCP란?", "UDP란?"))]);
    let (_t2, _s2, out2, _) = built(&[("n.md", &format!("추가 문단\n\n{}", note("UDP란?", "TCP란?")))]);
    // study.js keeps marks under the page's path and the question heading's id.
    let ids = |out: &Path| attrs(&read(&out.join("n.html")), "section.gb-q > :first-child", "id");
    let (mut ids1, mut ids2) = (ids(&out1), ids(&out2));
    assert_eq!(ids1, ["tcp란", "udp란"]);
    ids1.sort();
    ids2.sort();
    assert_eq!(ids1, ids2, "marks are kept under ids that survive reordering and edits");
}

#[test]
fn serve_updates_the_study_files_like_a_fresh_build() {
    serve_updates_the_study_files(false);
}

/// As `serve` does while idle, the session prepares after each rebuild (`Session::prepare`):
/// `nav.js`'s entries and the study files' pieces are made before the next edit, not by it,
/// and every file stays a fresh build's.
#[test]
fn serve_prepared_while_idle_updates_the_study_files_like_a_fresh_build() {
    serve_updates_the_study_files(true);
}

/// Edits one after another in a session (`prepare`: preparing after each, as `serve` does
/// when idle), each followed by a byte-for-byte comparison with a fresh build.
fn serve_updates_the_study_files(prepare: bool) {
    use gongbu::config::{Config, Overrides};
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("notes");
    write(&src.join("a.md"), "# A\n\n## 1번 문제\n### Q. 스택?\nLIFO\n");
    write(&src.join("net/b.md"), "# B\n\n스택과 큐를 비교한다. https://example.com/x\n");
    let defines = "# G\n\n- **트라이** : 문자열의 트리\n";
    if prepare {
        write(&src.join("g.md"), defines);
    }
    let (out, fresh) = (tmp.path().join("served"), tmp.path().join("fresh"));
    let overrides = |dir: &Path| Overrides { output_dir: Some(dir.to_path_buf()), ..Default::default() };
    let config = Config::from_parts(&src, None, overrides(&out)).unwrap();
    let mut session = gongbu::session::Session::open(config, overrides(&out), false).unwrap();
    assert!(session.rebuild(&[]).unwrap().errors.is_empty());
    if prepare {
        session.prepare(&|| false);
    }
    // Apply one change (None deletes the note), rebuild, and compare every file with a fresh
    // build; returns the served files and the study files the rebuild made again (changed or
    // not), late ones included: each is megabytes on a large site.
    let mut check = |what: &str, rel: &str, text: Option<&str>| {
        match text {
            Some(text) => write(&src.join(rel), text),
            None => std::fs::remove_file(src.join(rel)).unwrap(),
        }
        let r = session.rebuild(&[src.join(rel)]).unwrap();
        assert!(r.errors.is_empty(), "{what}: {:?}", r.errors);
        assert_eq!(session.finish_writes(), [], "{what}: the files written after the rebuild");
        let config = Config::from_parts(&src, None, overrides(&fresh)).unwrap();
        gongbu::pipeline::build(&config, true).unwrap();
        let (mut served, mut built) = (tree(&out), tree(&fresh));
        served.remove(gongbu::write::MARKER);
        built.remove(gongbu::write::MARKER);
        assert_eq!(served.keys().collect::<Vec<_>>(), built.keys().collect::<Vec<_>>(), "{what}");
        for (path, bytes) in &built {
            assert!(served[path] == *bytes, "{what}: {path} differs from a fresh build");
        }
        if prepare {
            session.prepare(&|| false);
        }
        let study =
            ["quiz/index.html", "quiz/questions.js", "quiz/anki.csv", "glossary/index.html", "references/index.html"];
        let mut made: Vec<String> =
            r.written.into_iter().chain(r.pending).filter(|p| study.contains(&p.as_str())).collect();
        made.sort();
        (served, made)
    };
    let text = |files: &std::collections::BTreeMap<String, Vec<u8>>, path: &str| {
        String::from_utf8_lossy(&files[path]).into_owned()
    };
    if prepare {
        // Retitles first, while every study file's pieces are the prepared ones: the quiz
        // questions (a), the glossary (g) and the references (b); then back as they were.
        let file = |rel: &str| std::fs::read_to_string(src.join(rel)).unwrap();
        let (a, b) = (file("a.md"), file("net/b.md"));
        let (files, made) = check("a note with questions retitled first", "a.md", Some(&a.replace("# A", "# 에이0")));
        assert!(text(&files, "quiz/questions.js").contains("에이0"));
        assert!(made.contains(&"quiz/questions.js".to_string()), "{made:?}");
        let (files, _) = check("a defining note retitled first", "g.md", Some(&defines.replace("# G", "# 지0")));
        assert!(text(&files, "glossary/index.html").contains("지0"));
        let (files, _) = check("a citing note retitled first", "net/b.md", Some(&b.replace("# B", "# 비0")));
        assert!(text(&files, "references/index.html").contains("비0"));
        check("back", "a.md", Some(&a));
        check("back", "net/b.md", Some(&b));
    }

    let (_, made) = check(
        "a body edit outside answers",
        "net/b.md",
        Some("# B\n\n스택과 큐를 비교한다. https://example.com/x\n\n더.\n"),
    );
    assert_eq!(made, [""; 0], "no study file shows it");
    let (files, made) =
        check("an answer edited", "a.md", Some("# A\n\n## 1번 문제\n### Q. 스택?\nLast In First Out\n"));
    assert!(text(&files, "quiz/anki.csv").contains("Last In First Out"));
    assert_eq!(made, ["quiz/anki.csv"]);
    let two = "# A\n\n## 1번 문제\n### Q. 스택?\nLIFO\n\n## 2번 문제\n### Q. 큐?\nFIFO\n";
    let (files, made) = check("a question added", "a.md", Some(two));
    assert!(text(&files, "quiz/questions.js").contains("큐?"));
    assert!(text(&files, "nav.js").contains(r#""u":"a.html","q":2"#));
    assert_eq!(made, ["quiz/anki.csv", "quiz/index.html", "quiz/questions.js"], "the quiz counts questions");
    let (files, made) = check("a question reworded", "a.md", Some(&two.replace("큐?", "큐는?")));
    assert!(text(&files, "quiz/questions.js").contains("큐는?"));
    assert_eq!(made, ["quiz/anki.csv", "quiz/questions.js"]);
    let defined = format!(
        "# A\n\n- **스택** : 나중에 넣은 것을 먼저 꺼낸다\n\n{}",
        &two.replace("큐?", "큐는?")["# A\n\n".len()..]
    );
    let (files, made) = check("a term defined", "a.md", Some(&defined));
    assert!(text(&files, "net/b.html").contains(r#"href="../a.html#term-스택""#), "other notes link it");
    assert!(text(&files, "glossary/index.html").contains("<dt>스택</dt>"));
    assert_eq!(made, ["glossary/index.html"], "the answers and questions are the same");
    let (files, made) = check("a definition edited", "a.md", Some(&defined.replace("먼저 꺼낸다", "먼저 꺼내는 구조")));
    assert!(text(&files, "glossary/index.html").contains("먼저 꺼내는 구조"));
    assert_eq!(made, ["glossary/index.html"]);
    let cited = "# B\n\n스택. https://example.com/x https://docs.rs/y\n";
    let (files, made) = check("a reference added", "net/b.md", Some(cited));
    assert!(text(&files, "references/index.html").contains("docs.rs"));
    assert_eq!(made, ["references/index.html"]);
    let (files, made) = check("a citing note retitled", "net/b.md", Some(&cited.replace("# B", "# 비")));
    assert!(text(&files, "references/index.html").contains(">비<"));
    assert_eq!(made, ["quiz/index.html", "references/index.html"], "the quiz lists folder titles");
    let retitled = defined.replace("먼저 꺼낸다", "먼저 꺼내는 구조").replace("# A", "# 에이");
    let (files, made) = check("a note with questions and terms retitled", "a.md", Some(&retitled));
    assert!(text(&files, "quiz/questions.js").contains("에이") && text(&files, "glossary/index.html").contains("에이"));
    assert!(text(&files, "quiz/anki.csv").contains("<small>에이"), "each card names its note");
    let expected = ["glossary/index.html", "quiz/anki.csv", "quiz/index.html", "quiz/questions.js"];
    assert_eq!(made, expected);
    // A second note defining 스택 word for word alike and citing b's address: one glossary entry
    // and one definition linking to both; a retitle of it shows where its title is listed
    // (the glossary's link, the references page's "also in" under the first citer).
    let second = "# D\n\n- **스택** : 나중에 넣은 것을 먼저 꺼내는 구조\n\n참고: https://example.com/x\n";
    let (files, _) = check("a second definer and citer added", "net/d.md", Some(second));
    assert_eq!(text(&files, "glossary/index.html").matches("<dt>스택</dt>").count(), 1);
    assert_eq!(text(&files, "glossary/index.html").matches("<dd>나중에 넣은 것을 먼저 꺼내는 구조").count(), 1);
    let (files, made) = check("a second definer and citer retitled", "net/d.md", Some(&second.replace("# D", "# 디")));
    assert!(text(&files, "glossary/index.html").contains(">디</a>"));
    assert!(text(&files, "references/index.html").contains(">디</a>"));
    assert_eq!(made, ["glossary/index.html", "quiz/index.html", "references/index.html"]);
    let (files, _) =
        check("a note added", "c.md", Some("# C\n\n## Q. 힙?\n트리\n\n- **힙** : 트리 https://example.com/h\n"));
    for (path, added) in [
        ("quiz/questions.js", "힙?"),
        ("quiz/anki.csv", "트리"),
        ("glossary/index.html", "<dt>힙</dt>"),
        ("references/index.html", "example.com/h"),
    ] {
        assert!(text(&files, path).contains(added), "{path}");
    }
    let (files, _) = check("a note removed", "c.md", None);
    assert!(!text(&files, "quiz/questions.js").contains("힙?") && !text(&files, "glossary/index.html").contains("힙"));
}

/// Study mode in a real browser from `file://`: hide, reveal, mark, reload; then the quiz.
#[test]
fn study_mode_and_quiz_in_a_real_browser() {
    let (_tmp, _src, out, _) = built(&[("interview-notes.md", &seed())]);
    let url = format!("file://{}", out.join("interview-notes.html").display());
    let mut b = Browser::open(&url);
    b.wait_for("document.readyState === 'complete' && !!document.querySelector('.gb-studybar')", 20, "study bar");
    let hidden = "getComputedStyle(document.querySelector('section.gb-q .gb-answer')).display === 'none'";
    assert_eq!(b.eval(hidden), Value::Bool(false), "without study mode every answer shows");
    b.eval("document.querySelector('.gb-toggle').click()");
    assert_eq!(b.eval(hidden), Value::Bool(true), "study mode hides the answer");
    assert_eq!(b.eval("document.querySelector('section.gb-q .gb-show').tagName"), "BUTTON", "keyboard reachable");
    b.eval("document.querySelector('section.gb-q .gb-show').click()");
    assert_eq!(b.eval(hidden), Value::Bool(false), "revealed");
    b.eval("document.querySelector('section.gb-q .gb-knew').click()");
    // The mark is kept under the id quiz/questions.js has (study.js makes it from the page's
    // path and the heading's id), and the questions are numbered as the table of contents has them.
    let quiz = quiz_data(&out);
    let first = format!("{}#{}", quiz["notes"][0]["u"].as_str().unwrap(), quiz["q"][0]["a"].as_str().unwrap());
    assert_eq!(first, "interview-notes.html#q-동기와-비동기-프로그래밍에-대한-차이점을-설명해주세요");
    let kept = b.eval("Object.keys(JSON.parse(localStorage.getItem(Object.keys(localStorage).find(k => k.startsWith('gongbu-study:')))).q)");
    assert_eq!(kept, serde_json::json!([first]));
    assert_eq!(
        b.eval("[...document.querySelectorAll('section.gb-q .gb-qn')].map(e => e.textContent).join()"),
        b.eval("[...document.querySelectorAll('.toc .toc-q')].map(e => e.textContent).join()"),
    );
    // The mark and the mode must have reached the browser before the page is loaded again.
    b.wait_for_stored("gongbu-study-mode:", "1");
    b.wait_for_stored("gongbu-study:", &first);
    b.navigate(&url);
    b.wait_for("!!document.querySelector('.gb-studybar')", 20, "study bar after reload");
    assert_eq!(b.eval("document.body.classList.contains('study-on')"), Value::Bool(true), "study mode kept");
    assert_eq!(b.eval("document.querySelectorAll('.gb-controls.known').length"), 1, "the mark survived the reload");
    assert_eq!(b.eval("document.querySelector('.gb-progress').textContent"), "진행 1/5");
    assert_eq!(b.eval(hidden), Value::Bool(true));
    assert_eq!(
        b.eval("[...document.querySelectorAll('#gb-tree .nav-progress')].map(e => e.textContent).join()"),
        "1/5",
        "the sidebar shows the note's progress"
    );
    b.eval("document.querySelectorAll('section.gb-q .gb-show')[1].click()");
    b.eval("document.querySelector('section.gb-q').scrollIntoView()");
    b.screenshot(&artifact_path("study-note.png"));

    // The quiz: what is due (the four not known yet), one at a time, answer hidden until revealed.
    // A page's localStorage writes reach other documents asynchronously (a quiz loaded at once
    // was seen reading none of them): load the quiz again until it has read the mark, for at
    // most 20 s. A mark stored under the wrong id or not kept fails here every time.
    let quiz = format!("file://{}", out.join("quiz/index.html").display());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        b.navigate(&quiz);
        b.wait_for("!!document.querySelector('.quiz-question')", 20, "a quiz question");
        let read_the_mark = b.eval("document.querySelector('.quiz-info').textContent.startsWith('진행 1/')");
        if read_the_mark == Value::Bool(true) || std::time::Instant::now() > deadline {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert_eq!(
        b.eval("document.querySelector('.quiz-info').textContent"),
        "진행 1/5 · 남은 문제 4",
        "due: the four not known"
    );
    assert_eq!(b.eval("document.querySelector('.quiz-answer').hidden"), Value::Bool(true));
    b.eval("document.querySelector('.quiz-card .gb-show').click()");
    assert_eq!(b.eval("document.querySelector('.quiz-answer').hidden"), Value::Bool(false));
    // The answer is its note's page showing only that answer; the frame reports its height.
    b.wait_for("!!document.querySelector('.quiz-answer.loaded')", 20, "the answer's frame");
    let src = b.eval("document.querySelector('.quiz-answer iframe').getAttribute('src')");
    assert!(src.as_str().unwrap().starts_with("../interview-notes.html?gb-only=q-"), "{src}");
    let height = b.eval("document.querySelector('.quiz-answer iframe').offsetHeight").as_u64().unwrap();
    assert!(height > 60 && height < 2000, "the frame fits its answer: {height}px");
    b.screenshot(&artifact_path("study-quiz.png"));
    let mut seen = Vec::new();
    for _ in 0..4 {
        seen.push(b.eval("document.querySelector('.quiz-question').textContent"));
        b.eval("document.querySelector('.quiz-card .gb-knew').click()");
    }
    assert!(!seen.contains(&Value::from("동기와 비동기 프로그래밍에 대한 차이점을 설명해주세요.")), "{seen:?}");
    assert_eq!(b.eval("!!document.querySelector('.quiz-done')"), Value::Bool(true), "nothing left is due");
    let marks = b.eval("Object.keys(JSON.parse(localStorage.getItem(Object.keys(localStorage).find(k => k.startsWith('gongbu-study:')))).q).length");
    assert_eq!(marks, 5);
}
