//! `gongbu build` minifies pages and the theme's CSS and JS (`src/minify.rs`); this proves a
//! reader sees and can do exactly what they could with `--no-minify`: the same site built both
//! ways, the same pages loaded in headless Chromium (`tests/common/browser.rs`) at desktop and
//! phone widths, light and dark, with the same text, every element's box and colours, and the
//! page scripts (theme, search, study mode, copy button) doing the same things.

mod common;

use common::browser::*;
use common::*;
use std::path::{Path, PathBuf};

/// A note with what a minifier can break: inline elements a space apart, a comment, `pre` with
/// a leading newline and indentation, text styled `white-space: pre-wrap`, a textarea, code
/// with a regex, `</script>` in a string and `a - -b`, a question, a table, math, a footnote.
const EDGES: &str = "# 줄이기 경계\n\n\
<p>첫 <b>굵게</b> <i>기울임</i>  <code>코드</code>\n끝</p>\n\n\
<!-- 작성자 메모: 보이지 않는다 -->\n\n\
<pre>\n\n  들여쓴 첫 줄\n    더   들여쓴 줄\n</pre>\n\n\
<div style=\"white-space: pre-wrap\">  두 칸   띄운   글\n  다음 줄</div>\n\n\
<textarea rows=\"3\">  그대로   둔다\n</textarea>\n\n\
```js\nconst re = /\\/*/g; // 주석\nconst s = \"</script>\";\nconst a = 1 - -2;\n```\n\n\
## Q. 줄이면 무엇이 달라지나요?\n\n보이는 것은 **아무것도** 달라지지 않는다.\n\n\
| 이름 | 값 |\n|---|---|\n| 하나   | 1 |\n\n\
수식 $x^2 + y$ 와 각주[^1].\n\n[^1]: 각주의   내용.\n";

/// The sample site (`content/`) with the note above, built minified and not.
fn built_both_ways(tmp: &Path) -> (PathBuf, PathBuf) {
    let site = copy_sample_site(tmp);
    std::fs::write(site.join("content/network/edges.md"), EDGES).unwrap();
    let (minified, plain) = (tmp.join("minified"), tmp.join("plain"));
    build_ok(&site, &minified, &[]);
    build_ok(&site, &plain, &["--no-minify"]);
    (minified, plain)
}

/// Pages that between them use every template and the page scripts.
const PAGES: &[&str] = &[
    "network/edges.html",
    "index.html",
    "network/index.html",
    "algorithm/sorting.html",
    "search/index.html",
    "quiz/index.html",
    "glossary/index.html",
];

/// What a reader gets from the page now loaded: its title and text, then each element's tag,
/// box and colours (elements correspond one to one: minifying removes only text and comments).
const SNAPSHOT: &str = "document.fonts.ready.then(() => [document.title, document.body.innerText].concat(
  [...document.querySelectorAll('body *')].map(e => {
    const r = e.getBoundingClientRect(), s = getComputedStyle(e), n = v => Math.round(v * 100) / 100;
    return `${e.tagName}#${e.id} ${n(r.x)},${n(r.y)} ${n(r.width)}x${n(r.height)} ${s.color} ${s.backgroundColor} ${s.borderTopColor} ${s.display}`;
  })))";

fn set_width(browser: &mut Browser, width: u32, height: u32) {
    browser.call(
        "Emulation.setDeviceMetricsOverride",
        serde_json::json!({"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 800}),
    );
}

fn file_url(out: &Path, page: &str) -> String {
    format!("file://{}", out.join(page).display())
}

/// Load `page` of `out` and wait for its scripts (nav.js builds the sidebar).
fn load(browser: &mut Browser, out: &Path, page: &str, tag: &str) {
    browser.navigate(&format!("{}?{tag}", file_url(out, page)));
    browser.wait_for("document.querySelectorAll('#gb-tree a').length > 0", 20, "the navigation tree");
    assert_eq!(browser.eval("String(Math.random).includes('16807')"), true, "{page}: Math.random is seeded");
}

#[test]
fn minified_pages_show_and_do_what_readable_ones_do() {
    let tmp = tempfile::tempdir().unwrap();
    let (minified, plain) = built_both_ways(tmp.path());

    // It is smaller: pages and the theme's styles and scripts.
    let size = |out: &Path, ext: &str| -> usize {
        tree(out).iter().filter(|(p, _)| p.ends_with(ext)).map(|(_, b)| b.len()).sum()
    };
    for ext in [".html", ".css", ".js"] {
        assert!(size(&minified, ext) < size(&plain, ext), "{ext}: not smaller");
    }
    // The same files, under the same names but the content-hashed ones, whose checksum is of
    // what was written.
    let names = |out: &Path| -> std::collections::BTreeSet<String> {
        tree(out)
            .into_iter()
            .map(|(path, bytes)| {
                let hashed = path.rsplit_once('/').and_then(|(_, f)| f.split('.').nth(1)).filter(|s| s.len() == 8);
                match hashed {
                    Some(sum) => {
                        assert_eq!(format!("{:08x}", crc32fast::hash(&bytes)), sum, "{path}: its name's checksum");
                        path.replace(&format!(".{sum}."), ".HASH.")
                    }
                    None => path,
                }
            })
            .collect()
    };
    assert_eq!(names(&minified), names(&plain));

    let mut browser = Browser::open(&file_url(&minified, "index.html"));
    browser.wait_for("location.protocol === 'file:' && document.readyState === 'complete'", 20, "the first page");
    // The quiz shuffles: the same numbers on every load, so both builds show the same question.
    let seeded = "(() => { let s = 7; Math.random = () => (s = s * 16807 % 2147483647) / 2147483647; })()";
    browser.call("Page.enable", serde_json::json!({}));
    browser.call("Page.addScriptToEvaluateOnNewDocument", serde_json::json!({"source": seeded}));
    for theme in ["light", "dark"] {
        browser.eval(&format!("localStorage.setItem('gongbu-theme', '{theme}')"));
        browser.wait_for_stored("gongbu-theme", theme);
        for (width, height) in [(1300, 850), (390, 844)] {
            set_width(&mut browser, width, height);
            for page in PAGES {
                let mut seen = Vec::new();
                for out in [&minified, &plain] {
                    load(&mut browser, out, page, &format!("{theme}-{width}"));
                    // The stored choice normally sets it; set here too, so a storage read that
                    // races a navigation (seen once in CI: one page light in the dark pass) cannot
                    // make the two builds' pages differ.
                    browser.eval(&format!("document.documentElement.dataset.theme = '{theme}'; true"));
                    seen.push(browser.eval(SNAPSHOT));
                }
                let (small, readable) = (seen[0].as_array().unwrap(), seen[1].as_array().unwrap());
                assert!(readable.len() > 20, "{page}: a page was read: {readable:?}");
                let first_difference = small.iter().zip(readable).position(|(a, b)| a != b);
                if let Some(at) = first_difference {
                    panic!(
                        "{page} ({theme}, {width} px) differs at {at}:\n  minified: {}\n  readable: {}",
                        small[at], readable[at]
                    );
                }
                assert_eq!(small.len(), readable.len(), "{page} ({theme}, {width} px): element count");
            }
        }
    }
    browser.screenshot(&artifact_path("minified-edges-phone-dark.png"));

    // The scripts do the same things: theme switch, search, study mode, copy button.
    set_width(&mut browser, 1300, 850);
    let mut did = Vec::new();
    for out in [&minified, &plain] {
        load(&mut browser, out, "network/edges.html", "scripts");
        // No stored choice: cleared on the loaded page (a clear before the load can meet the last
        // page's document and be lost), and the theme the head script took from it undone.
        browser.eval("localStorage.clear(); delete document.documentElement.dataset.theme; true");
        let theme = browser.eval(
            "(() => { const t = document.documentElement.dataset.theme || ''; document.getElementById('gb-theme').click(); \
             return t + ' → ' + document.documentElement.dataset.theme })()",
        );
        browser.wait_for("typeof gongbuSearchQuery === 'function'", 20, "search.js");
        let found = browser.eval("Promise.resolve(gongbuSearchQuery('달라지지', 5)).then(r => JSON.stringify(r))");
        browser.wait_for("document.querySelector('.gb-toggle') !== null", 20, "the study bar");
        let study = browser.eval(
            "(() => { document.querySelector('.gb-toggle').click(); \
             const a = document.body.classList.contains('study-on'); \
             const hidden = [...document.querySelectorAll('.gb-show')].map(b => b.textContent).join(','); \
             document.querySelector('.gb-toggle').click(); return a + ' ' + hidden })()",
        );
        let copied = browser.eval(
            "new Promise(done => { navigator.clipboard.writeText = t => { done(t); return Promise.resolve(); }; \
             document.querySelector('.codeblock .copy').click(); setTimeout(() => done(null), 5000); })",
        );
        browser.wait_for("document.querySelector('.codeblock .copy.done') !== null", 5, "the copy button to say so");
        did.push((theme, found, study, copied));
    }
    let (theme, found, study, copied) = &did[0];
    // No stored choice: the page follows the system (light here); the button picks dark.
    assert_eq!(theme, " → dark", "the theme button switches");
    assert!(found.as_str().is_some_and(|f| f.contains("edges.html")), "search finds the note: {found}");
    assert!(study.as_str().is_some_and(|s| s.starts_with("true ")), "study mode turns on: {study}");
    assert_eq!(copied, "const re = /\\/*/g; // 주석\nconst s = \"</script>\";\nconst a = 1 - -2;\n", "copied code");
    assert_eq!(did[0], did[1], "the minified and the readable pages' scripts did the same");
}
