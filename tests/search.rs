//! Full-text search over the shared corpus, run by the site's own `static/search.js` in headless
//! Chromium from `file://`: a table of queries (Korean inside words, compounds, several words,
//! mixed Korean/English, code identifiers) and the page each must put in its top 5; the header's
//! search box typed into and its result opened at the right heading, from `file://` and from
//! `gongbu serve` under a sub-path; the search page at `search/?q=`.

mod common;

use common::browser::*;
use common::*;
use percent_encoding::percent_decode_str;
use std::path::{Path, PathBuf};

/// (query, a part of the path of the page that must be among the first 5 results).
const TABLE: &[(&str, &str)] = &[
    // Korean: a word, inside words with particles and endings, compounds, several words.
    ("비동기", "interview-notes.html"),
    ("비동기적으로", "interview-notes.html"),
    ("스레드", "Operating System/Process vs Thread.html"),
    ("멀티스레드", "Process vs Thread.html"),
    ("탐색트리", "Data Structure/Binary Search Tree.html"),
    ("교착상태", "Operating System/DeadLock.html"),
    ("혼잡제어", "Network/TCP (흐름제어혼잡제어).html"),
    ("흐름제어", "Network/TCP (흐름제어혼잡제어).html"),
    ("메모이제이션", "Algorithm/동적 계획법 (Dynamic Programming).html"),
    ("다익스트라", "Algorithm/다익스트라(Dijkstra).html"),
    ("대칭키 공개키", "Network/대칭키 & 공개키.html"),
    ("직렬화", "[Java] 직렬화(Serialization).html"),
    ("페이지 교체 알고리즘", "Operating System/Page Replacement Algorithm.html"),
    ("트랜잭션 격리 수준", "Database/Transaction Isolation Level.html"),
    ("세마포어와 뮤텍스", "Operating System/Semaphore & Mutex.html"),
    ("프로세스와 스레드의 차이", "Operating System/Process vs Thread.html"),
    ("메세지 큐", "interview-notes.html"),
    // Mixed Korean and English.
    ("JWT 토큰", "Web/JWT(JSON Web Token).html"),
    ("Java 직렬화", "[Java] 직렬화(Serialization).html"),
    ("TCP 3-way handshake", "Network/TCP 3 way handshake & 4 way handshake.html"),
    // Code identifiers and English words.
    ("asyncio.run", "interview-notes.html"),
    ("asyncio", "interview-notes.html"),
    ("StringBuilder", "[java] String StringBuilder StringBuffer 차이.html"),
    ("getInstance", "Design Pattern/Singleton Pattern.html"),
    ("volatile", "Design Pattern/Singleton Pattern.html"),
    ("useEffect", "Web/React/React Hook.html"),
    ("fork()", "[OS] System Call (Fork Wait Exec).html"),
    ("LRU", "Operating System/Page Replacement Algorithm.html"),
    ("Serializable", "[Java] 직렬화(Serialization).html"),
];

/// The shared corpus and the seed note, built into `tmp/out`.
fn build_corpus(tmp: &Path) -> PathBuf {
    let src = tmp.join("notes");
    copy_tree(&shared_dir().join("corpora/tech-interview-for-developer"), &src);
    std::fs::copy(shared_dir().join("seed/interview-notes.md"), src.join("interview-notes.md")).unwrap();
    let out = tmp.join("out");
    build_ok(&src, &out, &[]);
    out
}

fn file_url(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// The top `n` results of `query` as (decoded url, heading id, heading and snippet).
fn query(browser: &mut Browser, query: &str, n: usize) -> Vec<(String, String, String)> {
    let expr = format!("gongbuSearchQuery({}, {n})", serde_json::json!(query));
    let value = browser.eval(&expr);
    let list = value.as_array().unwrap_or_else(|| panic!("{query}: no result list: {value}"));
    list.iter()
        .map(|r| {
            let url = percent_decode_str(r["url"].as_str().unwrap_or_default()).decode_utf8_lossy().into_owned();
            let shown = format!(
                "{} | {}",
                r["heading"].as_str().unwrap_or_default(),
                r["snippet"].as_str().unwrap_or_default()
            );
            (url, r["id"].as_str().unwrap_or_default().to_string(), shown)
        })
        .collect()
}

#[test]
fn the_query_table_finds_its_pages_in_the_top_five_from_file_urls() {
    let tmp = tempfile::tempdir().unwrap();
    let out = build_corpus(tmp.path());
    let mut browser = Browser::open(&file_url(&out.join("index.html")));
    browser.wait_for("typeof gongbuSearchQuery === 'function'", 20, "search.js");
    let mut missed = Vec::new();
    for (q, expected) in TABLE {
        let results = query(&mut browser, q, 5);
        if !results.iter().any(|(url, _, _)| url.ends_with(expected)) {
            missed
                .push(format!("{q:?}: wanted {expected}, got {:?}", results.iter().map(|r| &r.0).collect::<Vec<_>>()));
        }
        // Every result shows where the query matched, in its heading or its snippet.
        for (url, _, shown) in &results {
            if !shown.contains("<mark>") {
                missed.push(format!("{q:?}: the result {url} marks no match: {shown}"));
            }
        }
    }
    assert!(TABLE.len() >= 20);
    assert!(missed.is_empty(), "{} of {} queries missed:\n{}", missed.len(), TABLE.len(), missed.join("\n"));
}

/// A served site's index stays what a fresh build writes: an edit, a new note, and deleting
/// notes until the index has fewer text blocks and shards (the stale files go).
#[test]
fn serve_keeps_the_index_equal_to_a_fresh_builds() {
    use gongbu::config::{Config, Overrides};
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("notes");
    std::fs::create_dir_all(&src).unwrap();
    for i in 0..40 {
        std::fs::write(src.join(format!("n{i:02}.md")), format!("# 노트 {i}\n\n## 본문\n\n스레드 {i}번 설명\n"))
            .unwrap();
    }
    let served = tmp.path().join("served");
    let overrides = |out: &Path| Overrides { output_dir: Some(out.to_path_buf()), ..Default::default() };
    let config = Config::from_parts(&src, None, overrides(&served)).unwrap();
    let mut session = gongbu::session::Session::open(config, overrides(&served), false).unwrap();
    assert!(session.rebuild(&[]).unwrap().errors.is_empty());
    let index_files = |out: &Path| -> std::collections::BTreeMap<String, Vec<u8>> {
        tree(out).into_iter().filter(|(p, _)| p.starts_with("static/search/")).collect()
    };
    let check = |what: &str, session: &mut gongbu::session::Session, changed: Vec<PathBuf>| {
        let r = session.rebuild(&changed).unwrap();
        assert!(r.errors.is_empty(), "{what}: {:?}", r.errors);
        let fresh = tmp.path().join(format!("fresh-{}", what.len()));
        gongbu::pipeline::build(&Config::from_parts(&src, None, overrides(&fresh)).unwrap(), true).unwrap();
        let (got, want) = (index_files(&served), index_files(&fresh));
        assert_eq!(got.keys().collect::<Vec<_>>(), want.keys().collect::<Vec<_>>(), "{what}: same index files");
        for (path, bytes) in &want {
            assert!(got[path] == *bytes, "{what}: {path} differs from a fresh build");
        }
        r.changed
    };
    std::fs::write(src.join("n07.md"), "# 노트 7\n\n## 본문\n\n비동기적으로 고친 내용\n").unwrap();
    let changed = check("an edit", &mut session, vec![src.join("n07.md")]);
    assert!(changed.iter().any(|p| p == "static/search/d0.js"), "{changed:?}");
    assert!(!changed.iter().any(|p| p == "static/search/d1.js"), "other blocks stay: {changed:?}");
    assert!(index_files(&served).values().any(|b| String::from_utf8_lossy(b).contains("비동기적으로")));
    std::fs::write(src.join("new.md"), "# 새 노트\n").unwrap();
    check("a new note", &mut session, vec![src.join("new.md")]);
    let gone: Vec<PathBuf> = (0..30).map(|i| src.join(format!("n{i:02}.md"))).collect();
    for path in &gone {
        std::fs::remove_file(path).unwrap();
    }
    check("deleted notes", &mut session, gone);
    assert!(!served.join("static/search/d2.js").exists(), "the blocks of deleted pages are removed");
}
