//! The unlabeled-block guess, measured on real notes and on a labelled evaluation set of our
//! own: accuracy on the corpus, recall and wrong guesses on the set, prose and diagrams stay
//! plain, the seed note's asyncio block is Python, a note's language helps guess its blocks on built pages.

mod common;

use std::path::Path;
use std::process::Command;

use gongbu::highlight::{guess_language, Highlighter};
use gongbu::markdown::code_blocks::code_blocks;

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpora/tech-interview-for-developer");
const SEED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/seed/interview-notes.md");
const SHARED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared");
const PLAIN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/plain-blocks");

/// Runs the `guess-accuracy` binary (the harness lives outside the library) on the corpus.
#[test]
fn corpus_accuracy_is_at_least_90_percent() {
    assert!(Path::new(CORPUS).is_dir(), "corpus folder missing: {CORPUS} (it ships with the shared workspace)");
    let out = Command::new(env!("CARGO_BIN_EXE_guess-accuracy")).arg(CORPUS).output().expect("guess-accuracy runs");
    let report = String::from_utf8_lossy(&out.stdout);
    println!("{report}");
    assert!(out.status.success(), "guess-accuracy failed: {}", String::from_utf8_lossy(&out.stderr));
    // Last line: `overall: 276/306 labeled blocks correct = 90.2%`.
    let overall = report
        .lines()
        .find_map(|l| l.strip_prefix("overall: "))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|f| f.split_once('/'))
        .and_then(|(c, s)| Some((c.parse::<usize>().ok()?, s.parse::<usize>().ok()?)))
        .expect("report ends with `overall: CORRECT/SCORED ...`");
    let (correct, scored) = overall;
    assert!(scored > 200, "too few labeled blocks found: {scored}");
    assert!(correct * 10 >= scored * 9, "guess accuracy fell below 90%:\n{report}");
}

/// The labelled evaluation set: `<label>.txt` files of blocks under one folder per round
/// (`tune`, `tune-2`, `tune-3`: written and then tuned on; `held-out`: written last and measured
/// once, before any rule was changed for it).
const SET: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/guess");

/// `guess-accuracy --set DIR`'s summary: (recalled, code blocks, wrong language, plain, text blocks).
fn set_summary(dir: &Path) -> (usize, usize, usize, usize, usize) {
    let out =
        Command::new(env!("CARGO_BIN_EXE_guess-accuracy")).arg("--set").arg(dir).output().expect("guess-accuracy runs");
    let report = String::from_utf8_lossy(&out.stdout);
    println!("== {}\n{report}", dir.display());
    assert!(out.status.success(), "guess-accuracy failed: {}", String::from_utf8_lossy(&out.stderr));
    // `code blocks: 179/187 recalled = 95.7%, wrong language: 0 = 0.0%; text blocks kept plain: 39/39`
    let line = report.lines().find_map(|l| l.strip_prefix("code blocks: ")).expect("report has a code blocks line");
    let numbers: Vec<usize> = line
        .split(|c: char| !c.is_ascii_digit() && c != '.')
        .filter(|w| !w.is_empty() && !w.contains('.'))
        .map(|w| w.parse().expect("a count"))
        .collect();
    match numbers[..] {
        [recalled, total, wrong, plain, text] => (recalled, total, wrong, plain, text),
        _ => panic!("unexpected summary: {line}"),
    }
}

/// Issue #10 item 10: on the evaluation set, at least 90% of code blocks get their language
/// back, under 2% get a wrong one, and every text block (prose, output, stack traces, trees,
/// diagrams, pseudocode, HTTP messages) stays plain. Each tuning round is checked on its own, so
/// a change cannot buy one part with another. The held-out part measures blocks the rules were
/// not written for: there recall must not fall below its first measurement (59/72 = 81.9%);
/// wrong languages and highlighted text are held to the same bar as everywhere. `held-out-2`
/// (written in note context, `#> context: LANG`, before the note hint existed: 45/72 = 62.5%
/// without it) is held to the goal, 90%.
#[test]
fn evaluation_set_meets_the_thresholds() {
    let mut parts: Vec<_> =
        std::fs::read_dir(SET).expect("evaluation set folder").flatten().map(|e| e.path()).collect();
    parts.sort();
    assert!(parts.iter().any(|p| p.ends_with("held-out")), "the held-out part is missing");
    assert!(parts.iter().any(|p| p.ends_with("held-out-2")), "the second held-out part is missing");
    let mut all = (0, 0, 0, 0, 0);
    for part in &parts {
        let (recalled, total, wrong, plain, text) = set_summary(part);
        let name = part.display();
        let min_recall = if part.ends_with("held-out") { 80 } else { 90 };
        assert!(total >= 60 && text >= 15, "{name}: too few blocks ({total} code, {text} text)");
        assert!(recalled * 100 >= total * min_recall, "{name}: recall {recalled}/{total} is under {min_recall}%");
        assert!(wrong * 100 < total * 2, "{name}: {wrong}/{total} code blocks got a wrong language (2% or more)");
        assert_eq!(plain, text, "{name}: {} text blocks were highlighted as code", text - plain);
        all = (all.0 + recalled, all.1 + total, all.2 + wrong, all.3 + plain, all.4 + text);
    }
    let (recalled, total, wrong, plain, text) = all;
    println!("all parts: {recalled}/{total} recalled, {wrong} wrong, {plain}/{text} text plain");
    assert!(total >= 400, "the set should hold a few hundred code blocks, has {total}");
    assert!(recalled * 100 >= total * 90, "whole set: recall {recalled}/{total} is under 90%");
}

#[test]
fn prose_diagrams_and_output_stay_plain() {
    let mut checked = 0;
    let mut entries: Vec<_> = std::fs::read_dir(PLAIN).expect("fixture folder").flatten().collect();
    entries.sort_by_key(|e| e.path());
    for entry in entries {
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "txt") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("fixture is UTF-8");
        assert_eq!(guess_language(&text), None, "{} was guessed as code", path.display());
        let out = Highlighter::global().highlight(None, &text);
        assert!(out.language.is_none() && !out.html.contains("<span"), "{}", path.display());
        checked += 1;
    }
    assert!(checked >= 20, "expected at least 20 plain fixtures, found {checked}");
}

#[test]
fn seed_unlabeled_block_is_python() {
    let seed = std::fs::read_to_string(SEED).unwrap_or_else(|e| panic!("seed note missing: {SEED}: {e}"));
    let blocks = code_blocks(&seed);
    let asyncio = blocks.iter().find(|b| b.code.starts_with("import asyncio"));
    let block = &asyncio.expect("seed has the asyncio block").code;
    assert!(block.contains("asyncio.run(") && block.lines().count() > 5, "the whole block: {block}");
    assert_eq!(asyncio.and_then(|b| b.label.as_deref()), None, "the block is unlabeled");
    assert_eq!(guess_language(block), Some("python"));
    let out = Highlighter::global().highlight(None, block);
    assert_eq!(out.language.as_deref(), Some("python"));
    assert!(out.guessed);
}

/// Guesses pinned for a sample of real blocks (a few per language, prose, and the closest calls
/// of the corpus): the scorer's rule table can be reworked or extended, but these answers only
/// change on purpose.
/// (path under the shared folder, number of the code block in the file from 1, guess)
const PINNED: &[(&str, usize, Option<&str>)] = &[
    ("corpora/tech-interview-for-developer/Algorithm/Binary Search.md", 1, None),
    ("corpora/tech-interview-for-developer/Computer Science/Data Structure/Array.md", 4, None),
    ("corpora/tech-interview-for-developer/Computer Science/Network/[Network] Blocking,Non-blocking & Synchronous,Asynchronous.md", 2, None),
    ("corpora/tech-interview-for-developer/Computer Science/Software Engineering/애자일(Agile)2.md", 1, None),
    ("corpora/tech-interview-for-developer/Interview/Interview List.md", 9, None),
    ("corpora/tech-interview-for-developer/New Technology/AI/Linear regression 실습.md", 5, None),
    ("corpora/tech-interview-for-developer/ETC/Collaborate with Git on Javascript and Node.js.md", 1, Some("bash")),
    ("corpora/tech-interview-for-developer/ETC/Collaborate with Git on Javascript and Node.js.md", 20, Some("bash")),
    ("corpora/tech-interview-for-developer/Web/DevOps/[AWS] 스프링 부트 배포 스크립트 생성.md", 1, Some("bash")),
    ("corpora/tech-interview-for-developer/Algorithm/DFS & BFS.md", 1, Some("c")),
    ("corpora/tech-interview-for-developer/Computer Science/Data Structure/Linked List.md", 3, Some("c")),
    ("corpora/tech-interview-for-developer/Language/[C] 구조체 메모리 크기 계산.md", 3, Some("c")),
    ("corpora/tech-interview-for-developer/Algorithm/Sort_Radix.md", 1, Some("cpp")),
    ("corpora/tech-interview-for-developer/Language/[C++] Vector Container.md", 1, Some("cpp")),
    ("corpora/tech-interview-for-developer/Language/[C++] Vector Container.md", 3, Some("cpp")),
    ("corpora/tech-interview-for-developer/Web/React/React & Spring Boot 연동하여 환경 구축하기.md", 10, Some("css")),
    ("corpora/tech-interview-for-developer/Language/[Javascript] Closure.md", 9, Some("html")),
    ("corpora/tech-interview-for-developer/Web/React/React Fragment.md", 4, Some("html")),
    ("corpora/tech-interview-for-developer/Algorithm/Binary Search.md", 2, Some("java")),
    ("corpora/tech-interview-for-developer/Computer Science/Data Structure/Trie.md", 2, Some("java")),
    ("corpora/tech-interview-for-developer/Language/[Java] Auto Boxing & Unboxing.md", 2, Some("java")),
    ("corpora/tech-interview-for-developer/Computer Science/Software Engineering/Fuctional Programming.md", 2, Some("javascript")),
    ("corpora/tech-interview-for-developer/Language/[Javascript] Closure.md", 12, Some("javascript")),
    ("corpora/tech-interview-for-developer/Language/[Javascript] ES2015+ 요약 정리.md", 14, Some("javascript")),
    ("corpora/tech-interview-for-developer/ETC/Collaborate with Git on Javascript and Node.js.md", 5, Some("json")),
    ("corpora/tech-interview-for-developer/ETC/Collaborate with Git on Javascript and Node.js.md", 19, Some("json")),
    ("corpora/tech-interview-for-developer/Web/React/React & Spring Boot 연동하여 환경 구축하기.md", 1, Some("json")),
    ("corpora/tech-interview-for-developer/Web/React/React & Spring Boot 연동하여 환경 구축하기.md", 9, Some("jsp")),
    ("corpora/tech-interview-for-developer/Web/React/React & Spring Boot 연동하여 환경 구축하기.md", 11, Some("jsx")),
    ("corpora/tech-interview-for-developer/Web/React/React Fragment.md", 2, Some("jsx")),
    ("corpora/tech-interview-for-developer/Web/React/React Fragment.md", 5, Some("jsx")),
    ("corpora/tech-interview-for-developer/Language/[Python] 매크로 라이브러리.md", 2, Some("python")),
    ("corpora/tech-interview-for-developer/Language/[Python] 매크로 라이브러리.md", 8, Some("python")),
    ("corpora/tech-interview-for-developer/New Technology/Big Data/데이터 분석.md", 1, Some("python")),
    ("seed/interview-notes.md", 1, Some("python")),
    ("corpora/tech-interview-for-developer/Computer Science/Database/SQL Injection.md", 1, Some("sql")),
    ("corpora/tech-interview-for-developer/Computer Science/Database/[Database SQL] JOIN.md", 3, Some("sql")),
    ("corpora/tech-interview-for-developer/Computer Science/Database/[Database SQL] JOIN.md", 6, Some("sql")),
    ("corpora/tech-interview-for-developer/Web/Vue/Vue.js + Firebase로 이메일 회원가입로그인 구현.md", 5, Some("vue")),
    ("corpora/tech-interview-for-developer/Web/Vue/Vue.js + Firebase로 이메일 회원가입로그인 구현.md", 11, Some("vue")),
    ("corpora/tech-interview-for-developer/Web/Vue/Vue.js + Firebase로 페이스북(facebook) 로그인 연동하기.md", 1, Some("vue")),
    ("corpora/tech-interview-for-developer/Web/React/React & Spring Boot 연동하여 환경 구축하기.md", 2, Some("xml")),
    ("corpora/tech-interview-for-developer/ETC/Collaborate with Git on Javascript and Node.js.md", 17, Some("yaml")),
    ("corpora/tech-interview-for-developer/Web/DevOps/[Travis CI] 프로젝트 연동하기.md", 2, Some("yaml")),
    ("corpora/tech-interview-for-developer/Web/DevOps/[Travis CI] 프로젝트 연동하기.md", 3, Some("yaml")),
    // Close calls: blocks whose best score sits nearest the minimum or the winning margin.
    ("corpora/tech-interview-for-developer/Algorithm/Hash Table 구현하기.md", 5, Some("java")),
    ("corpora/tech-interview-for-developer/Computer Science/Data Structure/Stack & Queue.md", 12, Some("java")),
    ("corpora/tech-interview-for-developer/Computer Science/Data Structure/Stack & Queue.md", 13, Some("java")),
    ("corpora/tech-interview-for-developer/Computer Science/Data Structure/Stack & Queue.md", 18, Some("java")),
    ("corpora/tech-interview-for-developer/Computer Science/Data Structure/Stack & Queue.md", 19, Some("java")),
    ("corpora/tech-interview-for-developer/Computer Science/Software Engineering/TDD(Test Driven Development).md", 4, Some("java")),
    ("corpora/tech-interview-for-developer/Computer Science/Software Engineering/클린코드(Clean Code) & 시큐어코딩(Secure Coding).md", 7, Some("java")),
    ("corpora/tech-interview-for-developer/Computer Science/Software Engineering/클린코드(Clean Code) & 시큐어코딩(Secure Coding).md", 8, Some("java")),
    ("corpora/tech-interview-for-developer/Design Pattern/Design Pattern_Factory Method.md", 1, Some("java")),
    ("corpora/tech-interview-for-developer/Design Pattern/Observer pattern.md", 3, Some("java")),
    ("corpora/tech-interview-for-developer/ETC/Collaborate with Git on Javascript and Node.js.md", 15, Some("bash")),
    ("corpora/tech-interview-for-developer/ETC/GitHub Fork로 협업하기.md", 2, Some("bash")),
    ("corpora/tech-interview-for-developer/Language/[Python] 매크로 라이브러리.md", 1, Some("bash")),
    ("corpora/tech-interview-for-developer/Language/[java] Record.md", 3, Some("java")),
    ("corpora/tech-interview-for-developer/Web/DevOps/[AWS] 스프링 부트 배포 스크립트 생성.md", 2, Some("bash")),
    ("corpora/tech-interview-for-developer/Computer Science/Data Structure/Array vs ArrayList vs LinkedList.md", 1, Some("java")),
    ("corpora/tech-interview-for-developer/Interview/Mock Test/2019년 #기업 필기테스트.md", 1, Some("java")),
    ("corpora/tech-interview-for-developer/Language/[java] Stream.md", 1, Some("java")),
    ("corpora/tech-interview-for-developer/Algorithm/Hash Table 구현하기.md", 8, Some("java")),
    ("corpora/tech-interview-for-developer/Design Pattern/Composite Pattern.md", 3, Some("java")),
    ("corpora/tech-interview-for-developer/Algorithm/다익스트라(Dijkstra).md", 6, None),
    ("corpora/tech-interview-for-developer/Language/[java] Casting(업캐스팅 & 다운캐스팅).md", 1, None),
    ("corpora/tech-interview-for-developer/Algorithm/Hash Table 구현하기.md", 6, None),
    ("corpora/tech-interview-for-developer/Language/[Python] 매크로 라이브러리.md", 4, Some("python")),
    ("corpora/tech-interview-for-developer/Language/[Python] 매크로 라이브러리.md", 10, Some("python")),
    ("corpora/tech-interview-for-developer/Language/[C] 포인터(Pointer).md", 7, Some("c")),
    ("corpora/tech-interview-for-developer/Algorithm/동적 계획법 (Dynamic Programming).md", 1, None),
    ("corpora/tech-interview-for-developer/Computer Science/Data Structure/Stack & Queue.md", 4, Some("java")),
    ("corpora/tech-interview-for-developer/Computer Science/Data Structure/Stack & Queue.md", 5, Some("java")),
    ("corpora/tech-interview-for-developer/Computer Science/Operating System/Semaphore & Mutex.md", 4, None),
];

#[test]
fn pinned_sample_guesses_do_not_drift() {
    let mut wrong = Vec::new();
    for &(file, n, want) in PINNED {
        let path = format!("{SHARED}/{file}");
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("sample note missing: {path}: {e}"));
        // The n-th code block, from 1, fenced or indented.
        let block = code_blocks(&text).into_iter().nth(n - 1).unwrap_or_else(|| panic!("{file} has no code block {n}"));
        let got = guess_language(&block.code);
        if got != want {
            wrong.push(format!("{file} block {n}: want {want:?}, got {got:?}"));
        }
    }
    assert!(wrong.is_empty(), "guesses changed:\n{}", wrong.join("\n"));
}

/// The note's language reaches the built page: in a note whose other block is labelled `java`,
/// an unlabeled C-style block is highlighted as Java (alone it reads as Java, C and C++ alike
/// and stays plain); prose and output in the same note stay plain, and a note titled Python
/// gets its unlabeled tuple swap as Python.
#[test]
fn built_pages_guess_unlabeled_blocks_in_the_note_language() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let src = tmp.path().join("notes");
    std::fs::create_dir_all(src.join("Language")).expect("folder");
    let java = "# 반복문\n\n```java\nList<Integer> xs = new ArrayList<>();\n```\n\n\
                ```\nfor (int i = 0; i < n; i++) {\n    sum += arr[i];\n}\n```\n\n\
                ```\n[1, 2, 3]\n```\n\n```\n결과는 배열의 합이다.\n```\n";
    std::fs::write(src.join("Language/loops.md"), java).expect("write");
    std::fs::write(src.join("Language/[Python] 기초.md"), "# 스왑\n\n```\nx, y = y, x\n```\n").expect("write");
    let out = tmp.path().join("out");
    common::build_ok(&src, &out, &[]);
    let page = common::read(&out.join("Language/loops.html"));
    let langs: Vec<Option<String>> =
        common::select(&page, "pre.code").iter().map(|pre| pre.value().attr("data-lang").map(str::to_string)).collect();
    assert_eq!(langs, [Some("java".to_string()), Some("java".to_string()), None, None]);
    let page = common::read(&out.join("Language/[Python] 기초.html"));
    let langs: Vec<Option<&str>> =
        common::select(&page, "pre.code").iter().map(|pre| pre.value().attr("data-lang")).collect();
    assert_eq!(langs, [Some("python")]);
    assert_eq!(guess_language("for (int i = 0; i < n; i++) {\n    sum += arr[i];\n}\n"), None);
    assert_eq!(guess_language("x, y = y, x\n"), None);
}
