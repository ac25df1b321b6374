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

/// (query, the end of the path of the page that must be among the first 5 results): one table
/// for this test and `scripts/pagefind-compare`.
fn table() -> Vec<(&'static str, &'static str)> {
    include_str!("search-queries.tsv")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split_once('\t'))
        .collect()
}

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
    let table = table();
    for (q, expected) in &table {
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
    assert!(table.len() >= 20);
    assert!(missed.is_empty(), "{} of {} queries missed:\n{}", missed.len(), table.len(), missed.join("\n"));
}

/// The shared corpus built into `tmp`, and one of its pages open with search.js ready.
fn open_a_page(tmp: &Path) -> (Browser, String) {
    let out = build_corpus(tmp);
    let page = file_url(&out.join("Algorithm/index.html"));
    let mut browser = Browser::open(&page);
    browser.wait_for("typeof gongbuSearchQuery === 'function'", 20, "search.js");
    (browser, page)
}

/// The index files a page has asked for, by kind: `m` the manifest, `t` term shards, `d` text blocks.
fn loaded(browser: &mut Browser, kind: &str) -> usize {
    let pattern = if kind == "m" { "/static/search/index.js".to_string() } else { format!("/static/search/{kind}") };
    let count =
        browser.eval(&format!("document.querySelectorAll('script[src*={}]').length", serde_json::json!(pattern)));
    count.as_u64().unwrap_or_else(|| panic!("no count: {count}")) as usize
}

/// What a first query costs: the manifest came with `nav.js` (the same numbers as `index.js`),
/// so focusing the box loads nothing and no query waits for `index.js`; a keystroke starts the
/// search at once; a one-syllable query (the first keystroke of a Korean word) loads one term
/// shard, and a query no phrase can reorder loads the text of the shown results only;
/// keystrokes that come while a search loads end with the results for the box's last text.
#[test]
fn a_first_query_loads_few_files_and_starts_on_the_keystroke() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut browser, page) = open_a_page(tmp.path());
    let index_js = std::fs::read_to_string(tmp.path().join("out/static/search/index.js")).unwrap();
    let manifest = index_js.strip_prefix("gongbuSearch(\"m\",0,").and_then(|m| m.strip_suffix(");\n"));
    let manifest: serde_json::Value = serde_json::from_str(manifest.unwrap_or_else(|| panic!("{index_js}"))).unwrap();
    assert_eq!(browser.eval("window.GONGBU_SEARCH"), manifest, "nav.js carries index.js's manifest");
    assert_eq!(loaded(&mut browser, "m"), 0, "nothing is loaded before the box is used");
    press(&mut browser, "/");
    browser.wait_for("document.activeElement && document.activeElement.id === 'gb-q'", 10, "`/` to focus the box");
    browser.eval("new Promise(r => setTimeout(r, 300))");
    assert_eq!(
        (loaded(&mut browser, "m"), loaded(&mut browser, "t"), loaded(&mut browser, "d")),
        (0, 0, 0),
        "focus loads nothing: the manifest came with nav.js"
    );
    // A keystroke's search has asked for its shard before a timer of 0 ms fires (a debounce would not have).
    let asked = browser.eval(
        "(async () => { await new Promise(r => setTimeout(r, 300)); const box = document.getElementById('gb-q'); \
         box.value = '큐'; box.dispatchEvent(new InputEvent('input', {bubbles: true})); \
         await new Promise(r => setTimeout(r, 0)); \
         return document.querySelectorAll('script[src*=\"/static/search/t\"]').length })()",
    );
    assert_eq!(asked, 1, "the keystroke's search started at once, with one shard for one syllable");
    browser.wait_for("document.body.dataset.searched === '큐'", 20, "results for 큐");
    assert_eq!(loaded(&mut browser, "t"), 1, "a one-syllable query loads one term shard");
    assert_eq!(loaded(&mut browser, "m"), 0, "no query waits for index.js");
    assert!(loaded(&mut browser, "d") <= 8, "the text of the 8 shown results at most");

    // A word no phrase can reorder: the text of the shown results only.
    browser.navigate(&page);
    browser.wait_for("typeof gongbuSearchQuery === 'function'", 20, "search.js");
    let found = query(&mut browser, "volatile", 3);
    assert!(!found.is_empty());
    assert!(loaded(&mut browser, "d") <= 3, "{} text blocks for 3 results", loaded(&mut browser, "d"));

    // Three keystrokes at once: the panel ends with the results of the last text.
    browser.eval(
        "(() => { const box = document.getElementById('gb-q'); box.focus(); \
         for (const q of ['스', '스레', '스레드']) { box.value = q; box.dispatchEvent(new InputEvent('input', {bubbles: true})); } })()",
    );
    browser.wait_for("document.body.dataset.searched === '스레드'", 20, "the results of the last text");
    let titles = browser.eval("[...document.querySelectorAll('#gb-sr .sr-title')].map(e => e.textContent)");
    assert!(titles.as_array().is_some_and(|t| !t.is_empty()), "{titles}");
}

/// While an input method composes (Korean typing: ㅂ, 비, 빋, 비도, 비동, …), a passing state that
/// finds nothing does not flash an empty list between keystrokes: the results shown before (or
/// none) stay, and the empty answer shows once the typing pauses or the composition ends, and at
/// once when typed without composing.
#[test]
fn composing_states_that_find_nothing_do_not_flash_an_empty_list() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut browser, _page) = open_a_page(tmp.path());
    let seen = browser.eval(
        "(async () => { const box = document.getElementById('gb-q'), panel = document.getElementById('gb-sr'); \
         box.focus(); \
         const wait = (ms) => new Promise(r => setTimeout(r, ms)); \
         const empty = () => !panel.hidden && !!panel.querySelector('.sr-none'); \
         const shown = () => panel.hidden ? -1 : panel.querySelectorAll('.sr-item').length; \
         const type = async (q, composing) => { box.value = q; \
           box.dispatchEvent(new InputEvent('input', {bubbles: true, isComposing: composing})); \
           while (document.body.dataset.searched !== q) await wait(5); }; \
         const clear = () => { box.value = ''; box.dispatchEvent(new InputEvent('input', {bubbles: true})); }; \
         const flashes = []; \
         const mo = new MutationObserver(() => { if (empty()) flashes.push(box.value); }); \
         mo.observe(panel, {childList: true, subtree: true, attributes: true}); \
         const fluent = []; \
         for (const q of ['ㅂ', '비', '빋', '비도', '비동', '비동ㄱ', '비동기']) { await type(q, true); fluent.push([q, shown()]); } \
         mo.disconnect(); \
         clear(); await type('빋', true); const beforePause = empty(); await wait(700); const afterPause = empty(); \
         clear(); await type('비', true); await type('비도', true); const kept = shown(); \
         box.dispatchEvent(new CompositionEvent('compositionend', {bubbles: true, data: '비도'})); \
         await wait(0); const afterEnd = empty(); \
         clear(); await type('빋', false); const plain = empty(); \
         return {fluent, flashes, beforePause, afterPause, kept, afterEnd, plain}; })()",
    );
    let fluent: Vec<(String, i64)> = seen["fluent"]
        .as_array()
        .unwrap_or_else(|| panic!("{seen}"))
        .iter()
        .map(|s| (s[0].as_str().unwrap_or_default().to_string(), s[1].as_i64().unwrap_or(-2)))
        .collect();
    let count = |q: &str| fluent.iter().find(|(s, _)| s == q).map(|s| s.1).unwrap_or_else(|| panic!("{q}: {seen}"));
    assert_eq!(seen["flashes"], serde_json::json!([]), "no empty list while composing fluently: {seen}");
    assert_eq!(count("ㅂ"), -1, "nothing shown before, nothing shown for ㅂ: {seen}");
    assert!(count("비") > 0 && count("비동") > 0 && count("비동기") > 0, "{seen}");
    assert_eq!(count("빋"), count("비"), "빋 finds nothing: 비's results stay: {seen}");
    assert_eq!(count("비도"), count("비"), "비도 finds nothing: 비's results stay: {seen}");
    assert_eq!(seen["beforePause"], false, "{seen}");
    assert_eq!(seen["afterPause"], true, "paused on a state that finds nothing, the empty answer shows: {seen}");
    assert!(seen["kept"].as_i64().is_some_and(|n| n > 0), "{seen}");
    assert_eq!(seen["afterEnd"], true, "the composition ended: the empty answer at once: {seen}");
    assert_eq!(seen["plain"], true, "typed without composing, the empty answer at once: {seen}");
}

/// The warm-up a page runs once idle (`warmUp` in search.js: the ranking and text functions on
/// made-up postings, a hidden panel laid out) loads no index file and changes no result: the
/// query table's results (8 each, with their headings and snippets) are the same in a page that
/// has warmed up, run again there in the reverse order (the ranking's arrays are reused from
/// query to query), and in the search page, whose own search starts before the page is idle, so
/// that it never warms up.
#[test]
fn the_warm_up_loads_nothing_and_changes_no_result() {
    let tmp = tempfile::tempdir().unwrap();
    let out = build_corpus(tmp.path());
    let queries: Vec<&str> = table().iter().map(|(q, _)| *q).chain(["큐", "async", "GIL 성능"]).collect();
    let warmed = "performance.getEntriesByName('gongbu-search-warm').length";

    let mut browser = Browser::open(&file_url(&out.join("Algorithm/index.html")));
    browser.wait_for(&format!("{warmed} === 1"), 20, "the warm-up");
    assert_eq!(
        (loaded(&mut browser, "m"), loaded(&mut browser, "t"), loaded(&mut browser, "d")),
        (0, 0, 0),
        "the warm-up loads no index file"
    );
    let warm: Vec<_> = queries.iter().map(|q| query(&mut browser, q, 8)).collect();
    assert!(warm.iter().filter(|r| !r.is_empty()).count() >= queries.len() - 1, "{warm:?}");
    let mut reversed: Vec<_> = queries.iter().rev().map(|q| query(&mut browser, q, 8)).collect();
    reversed.reverse();
    assert_eq!(warm, reversed, "the same results in the reverse order");

    let search_page = format!("{}?q=%ED%81%90", file_url(&out.join("search/index.html")));
    browser.navigate(&search_page);
    browser.wait_for("document.body.dataset.searched === '큐'", 20, "the search page's results for 큐");
    // Time enough for a warm-up after the load event (done in about 100 ms) had it started.
    browser.eval("new Promise(r => setTimeout(r, 1000))");
    assert_eq!(browser.eval(warmed), 0, "no warm-up once a search has started");
    let cold: Vec<_> = queries.iter().map(|q| query(&mut browser, q, 8)).collect();
    for ((q, w), c) in queries.iter().zip(&warm).zip(&cold) {
        assert_eq!(w, c, "{q}: the same results with and without the warm-up");
    }
}

/// The header's box shows a query's first screen (5 results with their headings and snippets; their
/// titles may be shown before, see the next test) once those results' text blocks are
/// in, and only then asks for the rest's, then shows the whole list with the same five on top:
/// a query no phrase can reorder has its order from the postings alone; a phrased one's first
/// five are shown early once no later result can overtake them with a phrase bonus (so for this
/// query on the shared corpus).
#[test]
fn the_first_screen_is_shown_from_its_own_text_blocks_before_the_rest_are_asked_for() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut browser, page) = open_a_page(tmp.path());
    for q in ["큐", "프로세스와 스레드의 차이"] {
        browser.navigate(&page);
        browser.wait_for("typeof gongbuSearchQuery === 'function'", 20, "search.js");
        // The text blocks asked for (a script added) and arrived (its script ran), in order.
        let seen = browser.eval(&format!(
            "(async () => {{ const q = {}, box = document.getElementById('gb-q'), panel = document.getElementById('gb-sr'); \
             const urls = () => [...panel.querySelectorAll('.sr-item')].map(a => a.getAttribute('href')); \
             const log = [], add = document.head.appendChild, ran = window.gongbuSearch; \
             document.head.appendChild = function (s) {{ if (/\\/d\\d+\\.js$/.test(s.src)) log.push('asked'); return add.call(this, s); }}; \
             window.gongbuSearch = function (kind) {{ if (kind === 'd') log.push('arrived'); return ran.apply(this, arguments); }}; \
             let first = null; \
             new MutationObserver(() => {{ const list = panel.querySelector('.sr-list'); \
               if (!first && list && list.getAttribute('aria-busy') === 'true' \
                   && list.querySelectorAll('.sr-item:not(.sr-pending)').length >= 5) \
                 first = [...list.querySelectorAll('.sr-item:not(.sr-pending)')].map(a => a.getAttribute('href')); \
             }}).observe(panel, {{childList: true, subtree: true}}); \
             box.focus(); box.value = q; box.dispatchEvent(new InputEvent('input', {{bubbles: true}})); \
             while (document.body.dataset.searched !== q) await new Promise(r => setTimeout(r, 10)); \
             return {{first, urls: urls(), log, busy: panel.querySelector('.sr-list').getAttribute('aria-busy')}}; }})()",
            serde_json::json!(q)
        ));
        let strings = |v: &serde_json::Value| -> Vec<String> {
            v.as_array()
                .unwrap_or_else(|| panic!("{q}: {seen}"))
                .iter()
                .map(|u| u.as_str().unwrap_or_default().into())
                .collect()
        };
        assert!(seen["first"].is_array(), "{q}: no first screen was shown before the whole list: {seen}");
        let (early, all, log) = (strings(&seen["first"]), strings(&seen["urls"]), strings(&seen["log"]));
        assert_eq!(early.len(), 5, "{q}: {seen}");
        assert_eq!(all.len(), 8, "{q}: {seen}");
        assert_eq!(early[..], all[..5], "{q}: the first screen stays on top");
        let asked_first = log.iter().take_while(|e| *e == "asked").count();
        let asked = log.iter().filter(|e| *e == "asked").count();
        assert!(
            asked_first <= 5 && asked_first < asked,
            "{q}: the first screen's blocks first, the rest's after: {log:?}"
        );
        assert!(
            log.iter().skip(asked_first).take(asked_first).all(|e| e == "arrived"),
            "{q}: all arrived first: {log:?}"
        );
        assert!(seen["busy"].is_null(), "{q}: the whole list is no longer busy: {seen}");
    }
}

/// A query no phrase can reorder (`큐`) has its order once ranked: the header's box shows its
/// results' titles (from `nav.js`, which lists the pages in the index's order) before any text
/// block has come, then fills each one's heading and snippet into the same link, so a result
/// chosen with the arrows meanwhile stays chosen; Enter on a result still waiting for its
/// heading opens it at that heading once known.
#[test]
fn titles_come_before_the_text_blocks_and_their_cards_fill_the_same_links() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut browser, page) = open_a_page(tmp.path());
    let seen = browser.eval(
        "(async () => { const q = '큐', box = document.getElementById('gb-q'), panel = document.getElementById('gb-sr'); \
         let arrived = 0, titles = null; const ran = window.gongbuSearch; \
         window.gongbuSearch = function (kind) { if (kind === 'd') arrived++; return ran.apply(this, arguments); }; \
         const key = k => box.dispatchEvent(new KeyboardEvent('keydown', {key: k, bubbles: true, cancelable: true})); \
         new MutationObserver(() => { const items = [...panel.querySelectorAll('.sr-item')]; \
           if (titles || !items.length) return; \
           titles = {arrived, busy: panel.querySelector('.sr-list').getAttribute('aria-busy'), \
                     pending: items.filter(a => a.classList.contains('sr-pending')).length, \
                     hrefs: items.map(a => a.getAttribute('href')), texts: items.map(a => a.textContent)}; \
           items.forEach(a => { a.seenEarly = true; }); key('ArrowDown'); key('ArrowDown'); \
         }).observe(panel, {childList: true, subtree: true}); \
         box.focus(); box.value = q; box.dispatchEvent(new InputEvent('input', {bubbles: true})); \
         while (document.body.dataset.searched !== q) await new Promise(r => setTimeout(r, 10)); \
         const items = [...panel.querySelectorAll('.sr-item')]; \
         return {titles, same: items.every(a => a.seenEarly), hrefs: items.map(a => a.getAttribute('href')), \
                 texts: items.map(a => a.querySelector('.sr-title').textContent), \
                 pending: panel.querySelectorAll('.sr-pending').length, marked: items.filter(a => a.querySelector('mark')).length, \
                 active: items.findIndex(a => a.classList.contains('active')), \
                 busy: panel.querySelector('.sr-list').getAttribute('aria-busy')}; })()",
    );
    let titles = &seen["titles"];
    assert!(titles.is_object(), "no titles were shown: {seen}");
    let shown = titles["hrefs"].as_array().map_or(0, Vec::len);
    assert_eq!((shown, titles["pending"].as_u64()), (8, Some(8)), "8 titles, each waiting for its text: {seen}");
    assert_eq!(titles["arrived"], 0, "the titles came before any text block: {seen}");
    assert_eq!(titles["busy"], "true", "{seen}");
    assert_eq!(titles["texts"], seen["texts"], "the titles are the results' own, in their order: {seen}");
    let (early, last) = (titles["hrefs"].as_array().unwrap(), seen["hrefs"].as_array().unwrap());
    for (early, last) in early.iter().zip(last) {
        let (early, last) = (early.as_str().unwrap(), last.as_str().unwrap());
        assert_eq!(last.split('#').next(), Some(early), "a title links to its page, the card to its heading");
    }
    assert_eq!(seen["same"], true, "the cards filled the links the titles made: {seen}");
    assert_eq!(
        (seen["pending"].as_u64(), seen["marked"].as_u64(), seen["active"].as_i64()),
        (Some(0), Some(8), Some(1)),
        "every card has its marked match, and the result chosen among the titles stays chosen: {seen}"
    );
    assert!(seen["busy"].is_null(), "{seen}");

    // Enter while the chosen result shows its title alone: it opens at its heading when known.
    browser.navigate(&page);
    browser.wait_for("typeof gongbuSearchQuery === 'function'", 20, "search.js");
    // What the first result showed when Enter came is kept in `window.name` (it outlives the page).
    browser.eval(
        "(() => { const box = document.getElementById('gb-q'), panel = document.getElementById('gb-sr'); \
         new MutationObserver((_, mo) => { const first = panel.querySelector('.sr-item'); if (!first) return; mo.disconnect(); \
           window.name = first.classList.contains('sr-pending') ? 'entered on a title' : 'entered on a card'; \
           box.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', bubbles: true, cancelable: true})); \
         }).observe(panel, {childList: true, subtree: true}); \
         box.focus(); box.value = '큐'; box.dispatchEvent(new InputEvent('input', {bubbles: true})); })()",
    );
    browser.wait_for("location.hash.length > 1 && document.readyState === 'complete'", 20, "the result to open");
    assert_eq!(browser.eval("window.name"), "entered on a title", "Enter came while the result showed its title alone");
    let landed = browser.eval(
        "(() => { const h = document.getElementById(decodeURIComponent(location.hash.slice(1))); \
         return h ? h.tagName : null })()",
    );
    assert!(landed.as_str().is_some_and(|t| t.starts_with('H')), "the result opens at a heading: {landed}");
}

/// A theme without `nav.js` (or a page that does not load it): the search loads the manifest
/// from `index.js` and shows its results with their headings and snippets.
#[test]
fn without_nav_js_the_manifest_comes_from_index_js() {
    let tmp = tempfile::tempdir().unwrap();
    let out = build_corpus(tmp.path());
    std::fs::remove_file(out.join("nav.js")).unwrap();
    let mut browser = Browser::open(&file_url(&out.join("Algorithm/index.html")));
    browser.wait_for("typeof gongbuSearchQuery === 'function'", 20, "search.js");
    assert_eq!(browser.eval("typeof window.GONGBU_SEARCH"), "undefined");
    browser.eval(
        "(() => { const box = document.getElementById('gb-q'); box.focus(); box.value = '스레드'; \
         box.dispatchEvent(new InputEvent('input', {bubbles: true})); })()",
    );
    browser.wait_for("document.body.dataset.searched === '스레드'", 20, "results for 스레드");
    assert_eq!(loaded(&mut browser, "m"), 1, "the manifest from index.js");
    let cards = browser.eval("document.querySelectorAll('#gb-sr .sr-item:not(.sr-pending) mark').length");
    assert!(cards.as_u64().is_some_and(|n| n > 0), "results with marked matches: {cards}");
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
    let blocks: Vec<&String> = changed.iter().filter(|p| p.starts_with("static/search/d")).collect();
    assert_eq!(blocks.len(), 1, "only the edited page's text block is rewritten: {changed:?}");
    assert!(String::from_utf8_lossy(&std::fs::read(served.join(blocks[0])).unwrap()).contains("비동기적으로"));
    assert!(index_files(&served).values().any(|b| String::from_utf8_lossy(b).contains("비동기적으로")));
    std::fs::write(src.join("new.md"), "# 새 노트\n").unwrap();
    check("a new note", &mut session, vec![src.join("new.md")]);
    let blocks = |out: &Path| index_files(out).keys().filter(|p| p.starts_with("static/search/d")).count();
    let before = blocks(&served);
    let gone: Vec<PathBuf> = (0..30).map(|i| src.join(format!("n{i:02}.md"))).collect();
    for path in &gone {
        std::fs::remove_file(path).unwrap();
    }
    check("deleted notes", &mut session, gone);
    assert!(blocks(&served) < before, "the blocks of deleted pages are removed ({before} before)");
}

/// Press one key in the page, as a person would (key down and up).
fn press(browser: &mut Browser, key: &str) {
    for kind in ["keyDown", "keyUp"] {
        let text = if key.chars().count() == 1 && kind == "keyDown" { key } else { "" };
        browser.call("Input.dispatchKeyEvent", serde_json::json!({"type": kind, "key": key, "text": text}));
    }
}

/// In the header's box of a page in a folder: `/`, type a Korean compound, see the note that
/// has it inside a longer word, choose it with the arrow keys and Enter, land on its heading.
fn type_and_open(browser: &mut Browser, page_url: &str, shot: &str) {
    browser.navigate(page_url);
    browser.wait_for("typeof gongbuSearchQuery === 'function'", 20, "search.js");
    press(browser, "/");
    browser.wait_for("document.activeElement && document.activeElement.id === 'gb-q'", 10, "`/` to focus the box");
    browser.call("Input.insertText", serde_json::json!({"text": "탐색트리"}));
    browser.wait_for(
        "[...document.querySelectorAll('#gb-sr .sr-title')].some(e => e.textContent.includes('Binary Search Tree')) \
         && !document.querySelector('#gb-sr .sr-pending')",
        20,
        "the results panel to show the Binary Search Tree note",
    );
    let marked = browser.eval("[...document.querySelectorAll('#gb-sr mark')].map(m => m.textContent)");
    assert!(marked.as_array().is_some_and(|m| !m.is_empty()), "matches are marked: {marked}");
    browser.screenshot(&artifact_path(shot));
    let position = browser.eval(
        "[...document.querySelectorAll('#gb-sr .sr-item')].findIndex(a => a.textContent.includes('Binary Search Tree'))",
    );
    let position = position.as_i64().unwrap();
    for _ in 0..=position {
        press(browser, "ArrowDown");
    }
    let chosen = browser.eval("document.querySelector('#gb-sr .sr-item.active').getAttribute('href')");
    press(browser, "Enter");
    browser.wait_for(
        "location.href.includes('Binary%20Search%20Tree.html#') && document.readyState === 'complete'",
        20,
        "the chosen result to open",
    );
    let landed = browser.eval(
        "(() => { const h = document.getElementById(decodeURIComponent(location.hash.slice(1))); \
         return h ? h.tagName + ' ' + h.textContent : null })()",
    );
    let landed = landed.as_str().unwrap_or_else(|| panic!("no element for the result's #fragment ({chosen})"));
    assert!(landed.starts_with('H'), "the result opens at a heading: {landed}");
    // Esc closes the panel on the next page too.
    browser.wait_for("document.readyState === 'complete' && typeof gongbuSearchQuery === 'function'", 20, "the page");
    press(browser, "/");
    browser.wait_for("document.activeElement && document.activeElement.id === 'gb-q'", 10, "`/` to focus the box");
    browser.call("Input.insertText", serde_json::json!({"text": "스레드"}));
    browser.wait_for("!document.getElementById('gb-sr').hidden", 20, "results for 스레드");
    press(browser, "Escape");
    browser.wait_for("document.getElementById('gb-sr').hidden", 5, "Esc to close the results");
}

#[test]
fn typing_a_korean_query_opens_the_result_at_its_heading_from_file_and_under_a_sub_path() {
    let tmp = tempfile::tempdir().unwrap();
    let out = build_corpus(tmp.path());
    let page = out.join("Algorithm/index.html");
    let mut browser = Browser::open(&file_url(&page));
    type_and_open(&mut browser, &file_url(&page), "search-box-file.png");

    // The search page reads ?q= and shows the results.
    browser.navigate(&format!("{}?q=%EB%B9%84%EB%8F%99%EA%B8%B0", file_url(&out.join("search/index.html"))));
    browser.wait_for("document.querySelectorAll('#gb-search-results a').length > 0", 20, "the search page's results");
    let first = browser.eval("document.querySelector('#gb-search-results a').href");
    assert!(first.as_str().is_some_and(|h| h.contains("interview-notes.html#")), "{first}");
    assert_eq!(browser.eval("document.getElementById('gb-search-q').value"), "비동기");
    browser.screenshot(&artifact_path("search-page-file.png"));

    // A GitHub Pages project site: the same output served under /notes/.
    let server = SubPathServer::start(&out, "/notes/");
    let url = format!("http://{}/notes/Algorithm/index.html", server.addr);
    type_and_open(&mut browser, &url, "search-box-sub-path.png");
}

/// A static file server for one folder published under a sub-path, like a GitHub Pages project
/// site (`https://me.github.io/notes/`).
struct SubPathServer {
    addr: String,
}

impl SubPathServer {
    fn start(dir: &Path, prefix: &'static str) -> SubPathServer {
        use std::io::{BufRead, BufReader, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let dir = dir.to_path_buf();
        std::thread::spawn(move || {
            for stream in listener.incoming().map_while(Result::ok) {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut request = String::new();
                if reader.read_line(&mut request).is_err() {
                    continue;
                }
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                    line.clear();
                }
                let path = request.split(' ').nth(1).unwrap_or("/").split(['?', '#']).next().unwrap_or("/");
                let path = percent_decode_str(path).decode_utf8_lossy().into_owned();
                let file = path.strip_prefix(prefix).map(|rel| dir.join(rel)).filter(|_| !path.contains(".."));
                let mut stream = stream;
                let response = match file.and_then(|f| std::fs::read(&f).ok().map(|b| (f, b))) {
                    Some((f, body)) => {
                        let kind = match f.extension().and_then(|e| e.to_str()) {
                            Some("html") => "text/html; charset=utf-8",
                            Some("js") => "text/javascript; charset=utf-8",
                            Some("css") => "text/css; charset=utf-8",
                            _ => "application/octet-stream",
                        };
                        let head = format!("HTTP/1.1 200 OK\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
                        [head.into_bytes(), body].concat()
                    }
                    None => b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_vec(),
                };
                let _ = stream.write_all(&response);
            }
        });
        SubPathServer { addr }
    }
}
