//! The reading experience in a real browser (headless Chromium, `tests/common/browser.rs`):
//! axe-core finds no serious or critical accessibility violation caused by the theme, light or
//! dark; keyboard focus reaches code blocks and stays inside the phone menu; a printed PDF keeps
//! the end of a long code line. `scripts/test` installs Chromium, axe-core (npm, `tests/axe`) and
//! pdftotext (poppler-utils).

mod common;

use common::browser::*;
use common::*;
use std::path::{Path, PathBuf};

/// The sample site (`content/`) built into a temp folder, with one more note that has a long
/// code line, a wide table, footnotes and `<details>`.
fn sample_site(tmp: &Path) -> PathBuf {
    let site = copy_sample_site(tmp);
    std::fs::write(site.join("content/network/long-lines.md"), LONG_NOTE).unwrap();
    let sections: String =
        (1..=30).map(|i| format!("## 섹션 {i}\n\n{}\n\n", "긴 문단으로 화면을 채운다. ".repeat(40))).collect();
    std::fs::write(site.join("content/network/many-headings.md"), format!("# 여러 제목\n\n{sections}")).unwrap();
    let out = site.join("public");
    build_ok(&site, &out, &[]);
    out
}

const LONG_LINE_END: &str = "끝까지_읽힌다_END_OF_LINE";

const LONG_NOTE: &str = "# 긴 줄\n\n## 코드\n\n```java\n\
public class Main { public static void main(String[] args) { System.out.println(\"이 줄은 아주 길어서 \
한 화면에 다 들어가지 않는다 그러니 옆으로 스크롤해야 한다 그리고 인쇄하면 잘리면 안 된다\"); } } // 끝까지_읽힌다_END_OF_LINE\n\
```\n\n## 표\n\n| 이름 | 설명 | 시간 복잡도 | 공간 복잡도 | 안정성 | 비고 |\n|---|---|---|---|---|---|\n\
| 퀵 정렬 | 피벗을 기준으로 나눈다 | O(n log n) | O(log n) | 불안정 | 평균적으로 가장 빠르다 |\n\n\
## 각주\n\n본문에 각주가 있다[^1].\n\n[^1]: 각주의 내용.\n\n\
<details>\n<summary>답 보기</summary>\n\n숨겨진 답.\n\n</details>\n\n\
외부 링크: [RFC 793](https://www.rfc-editor.org/rfc/rfc793).\n";

fn axe_source() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/axe/node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!("{}: {e}; run scripts/test, which installs axe-core with npm ci --prefix tests/axe", path.display())
    })
}

/// axe-core's serious and critical violations on the page now loaded, as `rule: targets` lines.
fn axe_violations(browser: &mut Browser, axe: &str) -> Vec<String> {
    if browser.eval("typeof axe") != "object" {
        browser.eval(axe);
    }
    // Everything on the page is checked, the highlighter's token colours included, in both modes.
    let found = browser.eval(
        "axe.run(document, { resultTypes: ['violations'] }).then(r => r.violations
           .filter(v => v.impact === 'serious' || v.impact === 'critical')
           .map(v => v.id + ': ' + v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' ' + (n.failureSummary || '').replace(/\\s+/g, ' ').slice(0, 160)).join(' | ')))",
    );
    found.as_array().into_iter().flatten().filter_map(|v| v.as_str().map(str::to_string)).collect()
}

#[test]
fn axe_finds_no_serious_violation_from_the_theme_light_or_dark() {
    let tmp = tempfile::tempdir().unwrap();
    let out = sample_site(tmp.path());
    let axe = axe_source();
    let pages = ["network/tcp-udp.html", "network/long-lines.html", "network/index.html", "index.html"];
    let mut browser = Browser::open(&format!("file://{}", out.join(pages[0]).display()));
    browser.wait_for("location.protocol === 'file:' && document.readyState === 'complete'", 20, "the first page");
    let mut problems = Vec::new();
    for page in pages {
        for theme in ["light", "dark"] {
            for width in [1300, 420] {
                // The theme is set on the loaded page as the theme button does (storing it before
                // the load raced with the previous page's scripts); the query makes each load a
                // new address, so `navigate` waits for it.
                set_width(&mut browser, width, 800);
                browser.navigate(&format!("file://{}?{theme}-{width}", out.join(page).display()));
                browser.eval(&format!(
                    "localStorage.setItem('gongbu-theme', '{theme}'); document.documentElement.dataset.theme = '{theme}'"
                ));
                for v in axe_violations(&mut browser, &axe) {
                    problems.push(format!("{page} ({theme}, {width}px): {v}"));
                }
            }
        }
    }
    assert!(problems.is_empty(), "axe-core violations:\n{}", problems.join("\n"));
}

/// Press a key in the page as a person would (DevTools input events, so the browser's own
/// behaviour runs: Tab moves focus).
fn press(browser: &mut Browser, key: &str, code: &str, key_code: u32, shift: bool) {
    let text = match key {
        "Enter" => "\r",
        k if k.chars().count() == 1 => k,
        _ => "",
    };
    let modifiers = if shift { 8 } else { 0 };
    let common =
        serde_json::json!({"key": key, "code": code, "windowsVirtualKeyCode": key_code, "modifiers": modifiers});
    let mut down = common.clone();
    down["type"] = "keyDown".into();
    down["text"] = text.into();
    browser.call("Input.dispatchKeyEvent", down);
    let mut up = common;
    up["type"] = "keyUp".into();
    browser.call("Input.dispatchKeyEvent", up);
}

/// What has focus: tag, id or class, and the first words of its text.
const FOCUSED: &str = "(() => { const e = document.activeElement; if (!e) return ''; \
    const where = e.closest('#gb-nav') ? 'nav' : e.closest('#gb-toc') ? 'toc' : e.closest('main') ? 'main' : 'other'; \
    return where + ':' + e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ')[0] : '') + ':' + (e.textContent || '').trim().slice(0, 20); })()";

fn set_width(browser: &mut Browser, width: u32, height: u32) {
    browser.call(
        "Emulation.setDeviceMetricsOverride",
        serde_json::json!({"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 800}),
    );
    // A phone has a touch screen: (pointer: coarse) and (hover: none) apply.
    browser
        .call("Emulation.setTouchEmulationEnabled", serde_json::json!({"enabled": width < 800, "maxTouchPoints": 5}));
}

#[test]
fn keyboard_reaches_code_blocks_before_the_contents_and_headings_read_as_their_text() {
    let tmp = tempfile::tempdir().unwrap();
    let out = sample_site(tmp.path());
    let url = format!("file://{}", out.join("network/long-lines.html").display());
    let mut browser = Browser::open(&url);
    set_width(&mut browser, 1300, 800);
    browser.navigate(&format!("{url}?desktop"));
    let mut order = Vec::new();
    for _ in 0..60 {
        press(&mut browser, "Tab", "Tab", 9, false);
        order.push(browser.eval(FOCUSED).as_str().unwrap_or_default().to_string());
    }
    let code = order.iter().position(|f| f.starts_with("main:pre.code"));
    let toc = order.iter().position(|f| f.starts_with("toc:"));
    assert!(code.is_some(), "Tab never reached the code block: {order:?}");
    assert!(toc.is_some(), "Tab never reached the contents: {order:?}");
    assert!(code < toc, "the contents come before the article in Tab order: {order:?}");
    // The code block scrolls with the arrow keys once it has focus.
    browser.eval("document.querySelector('pre.code').focus()");
    for _ in 0..30 {
        press(&mut browser, "ArrowRight", "ArrowRight", 39, false);
    }
    // Scrolling may be smooth: on a loaded machine it lands a moment after the last key.
    browser.wait_for(
        "document.querySelector('pre.code').scrollLeft > 0",
        10,
        "arrow keys to scroll the focused code block",
    );
    // Headings are named by their own text: the # link is hidden from screen readers and Tab.
    let names = browser.eval(
        "Array.from(document.querySelectorAll('.content h2')).map(h => h.querySelector('.anchor').getAttribute('aria-hidden') + ' ' + h.querySelector('.anchor').tabIndex)",
    );
    assert_eq!(names, serde_json::json!(["true -1", "true -1", "true -1"]));
    assert!(!order.iter().any(|f| f.contains("a.anchor")), "an anchor took focus: {order:?}");
}

#[test]
fn phone_menu_takes_focus_keeps_it_locks_the_page_and_gives_it_back() {
    let tmp = tempfile::tempdir().unwrap();
    let out = sample_site(tmp.path());
    let url = format!("file://{}", out.join("network/tcp-udp.html").display());
    let mut browser = Browser::open(&url);
    set_width(&mut browser, 400, 760);
    browser.navigate(&format!("{url}?phone"));
    browser.eval("document.getElementById('gb-menu').focus()");
    press(&mut browser, "Enter", "Enter", 13, false);
    browser.wait_for("document.body.classList.contains('nav-open')", 5, "the menu to open");
    assert!(
        browser.eval(FOCUSED).as_str().unwrap_or_default().starts_with("nav:"),
        "focus did not move into the menu: {}",
        browser.eval(FOCUSED)
    );
    assert_eq!(browser.eval("getComputedStyle(document.documentElement).overflowY"), "hidden", "page behind scrolls");
    for shift in [false, true] {
        for _ in 0..40 {
            press(&mut browser, "Tab", "Tab", 9, shift);
            let f = browser.eval(FOCUSED).as_str().unwrap_or_default().to_string();
            let on_menu = browser.eval("document.activeElement.id === 'gb-menu'") == true;
            assert!(f.starts_with("nav:") || on_menu, "focus left the open menu: {f}");
        }
    }
    press(&mut browser, "Escape", "Escape", 27, false);
    assert_eq!(browser.eval("document.body.classList.contains('nav-open')"), false);
    assert_eq!(browser.eval("document.activeElement.id"), "gb-menu", "focus not given back to the menu button");
    assert_ne!(browser.eval("getComputedStyle(document.documentElement).overflowY"), "hidden");
    // Folder toggles are big enough to hit on a touch screen (44 px) and with a mouse (24 px).
    let sizes = browser.eval(
        "Array.from(document.querySelectorAll('.twisty')).map(b => Math.min(b.getBoundingClientRect().width, b.getBoundingClientRect().height))",
    );
    let sizes: Vec<f64> = sizes.as_array().into_iter().flatten().filter_map(|v| v.as_f64()).collect();
    assert!(!sizes.is_empty() && sizes.iter().all(|s| *s >= 44.0), "toggle sizes on a phone: {sizes:?}");
}

#[test]
fn printed_pdf_keeps_long_code_lines_link_targets_and_hidden_answers() {
    let tmp = tempfile::tempdir().unwrap();
    let out = sample_site(tmp.path());
    let pdf = tmp.path().join("note.pdf");
    let profile = tempfile::tempdir().unwrap();
    let status = std::process::Command::new(chromium())
        .args(HEADLESS)
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(["--allow-file-access-from-files", "--no-pdf-header-footer", "--virtual-time-budget=3000"])
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", out.join("network/long-lines.html").display()))
        .output()
        .expect("run chromium");
    assert!(pdf.is_file(), "no PDF: {}", String::from_utf8_lossy(&status.stderr));
    let text = std::process::Command::new("pdftotext")
        .args([pdf.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils, installed by scripts/test)");
    // Wrapped lines may break anywhere: compare without white space.
    let text: String = String::from_utf8_lossy(&text.stdout).chars().filter(|c| !c.is_whitespace()).collect();
    assert!(text.contains(LONG_LINE_END), "the end of the long code line is cut off in print:\n{text}");
    assert!(text.contains("rfc-editor.org/rfc/rfc793"), "external link target not printed:\n{text}");
    assert!(text.contains("숨겨진답"), "a closed <details> is not printed:\n{text}");
    assert!(!text.contains("본문으로건너뛰기") && !text.contains("TCP와UDP"), "chrome printed:\n{text}");
}

#[test]
fn notes_link_to_their_source_on_github_when_the_repository_is_known() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    std::fs::create_dir_all(site.join("content/os")).unwrap();
    std::fs::write(site.join("gongbu.toml"), "title = \"노트\"\nrepository = \"me/notes\"\n").unwrap();
    std::fs::write(site.join("content/README.md"), "# 노트\n").unwrap();
    std::fs::write(site.join("content/os/운영 체제.md"), "# 운영 체제\n\n본문.\n").unwrap();
    let out = tmp.path().join("out");
    build_ok(&site, &out, &[]);
    let page = read(&out.join("os/운영 체제.html"));
    let edit: Vec<String> =
        select(&page, "a.edit-page").iter().filter_map(|a| a.value().attr("href").map(str::to_string)).collect();
    assert_eq!(edit, ["https://github.com/me/notes/blob/HEAD/content/os/%EC%9A%B4%EC%98%81%20%EC%B2%B4%EC%A0%9C.md"]);
    // Without a repository (the sample site has no git remote of its own here), no link.
    std::fs::remove_file(site.join("gongbu.toml")).unwrap();
    std::fs::write(site.join("gongbu.toml"), "title = \"노트\"\n").unwrap();
    build_ok(&site, &out, &[]);
    assert!(select(&read(&out.join("os/운영 체제.html")), "a.edit-page").is_empty());
}

#[test]
fn contents_follow_the_reader_and_shortcuts_folders_and_back_to_top_work() {
    let tmp = tempfile::tempdir().unwrap();
    let out = sample_site(tmp.path());
    let url = format!("file://{}", out.join("network/many-headings.html").display());
    let mut browser = Browser::open(&url);
    set_width(&mut browser, 1300, 800);
    browser.navigate(&format!("{url}?desktop"));
    let active = "(document.querySelector('#gb-toc a.active') || {}).textContent";
    // A jump lands on its heading; scrolling back up follows, entry by entry.
    browser.eval("location.hash = '#섹션-20'");
    browser.wait_for(&format!("{active} === '섹션 20'"), 5, "the contents to follow a jump");
    browser.eval("document.getElementById('섹션-12').scrollIntoView()");
    browser.wait_for(&format!("{active} === '섹션 12'"), 5, "the contents to follow scrolling up");
    // The active entry is inside the contents pane's visible part.
    let visible = browser.eval(
        "(() => { const a = document.querySelector('#gb-toc a.active').getBoundingClientRect(), t = document.getElementById('gb-toc').getBoundingClientRect(); return a.top >= t.top && a.bottom <= t.bottom && a.bottom <= innerHeight; })()",
    );
    assert_eq!(visible, true, "the active contents entry is scrolled out of view");
    let shot = artifact_path("reading-toc-active.png");
    browser.screenshot(&shot);
    // Back to top, once far down.
    browser.wait_for("!document.querySelector('.to-top').hidden", 5, "the back-to-top button");
    browser.eval("document.querySelector('.to-top').click()");
    browser.wait_for("scrollY === 0", 5, "the page to scroll to the top");
    // ? lists the shortcuts, / for search among them; Esc closes the list.
    press(&mut browser, "?", "Slash", 191, true);
    browser.wait_for(
        "!!document.querySelector('.keys') && !document.querySelector('.keys').hidden",
        5,
        "the shortcuts",
    );
    let listed = browser.eval("document.querySelector('.keys').innerText");
    let listed = listed.as_str().unwrap_or_default();
    assert!(
        listed.contains('/') && listed.contains("검색") && listed.contains('j') && listed.contains('k'),
        "{listed}"
    );
    press(&mut browser, "Escape", "Escape", 27, false);
    assert_eq!(browser.eval("document.querySelector('.keys').hidden"), true);
    // A folder the reader opens stays open on the next page.
    let algo = "[...document.querySelectorAll('#gb-tree .folder')].find(f => f.textContent.includes('알고리즘')).querySelector('.twisty')";
    assert_eq!(browser.eval(&format!("{algo}.getAttribute('aria-expanded')")), "false");
    browser.eval(&format!("{algo}.click()"));
    // j goes to the next note.
    let next = browser.eval("document.querySelector('.pager a[rel=next]').href");
    let next = next.as_str().expect("the page has a next note").to_string();
    press(&mut browser, "j", "KeyJ", 74, false);
    browser.wait_for(
        &format!("location.href === {} && document.readyState === 'complete'", serde_json::json!(next)),
        10,
        "j to open the next note",
    );
    assert_eq!(
        browser.eval(&format!("{algo}.getAttribute('aria-expanded')")),
        "true",
        "the opened folder closed again"
    );
    // k comes back.
    press(&mut browser, "k", "KeyK", 75, false);
    browser.wait_for("location.pathname.endsWith('many-headings.html')", 10, "k to open the previous note");
}

#[test]
fn screenshots_of_phone_and_desktop_light_and_dark() {
    let tmp = tempfile::tempdir().unwrap();
    let out = sample_site(tmp.path());
    let url = format!("file://{}", out.join("network/long-lines.html").display());
    let mut browser = Browser::open(&url);
    browser.wait_for("location.protocol === 'file:' && document.readyState === 'complete'", 20, "the first page");
    for theme in ["light", "dark"] {
        browser.eval(&format!("localStorage.setItem('gongbu-theme', '{theme}')"));
        browser.wait_for_stored("gongbu-theme", theme);
        for (name, width, height) in [("desktop", 1300, 850), ("tablet", 1000, 800), ("phone", 390, 844)] {
            set_width(&mut browser, width, height);
            browser.navigate(&format!("{url}?{theme}-{name}"));
            browser.screenshot(&artifact_path(&format!("reading-{name}-{theme}.png")));
            // Nothing is wider than the screen: tables and code scroll inside themselves.
            let wide = browser.eval("document.documentElement.scrollWidth <= innerWidth");
            assert_eq!(wide, true, "{name} {theme}: the page scrolls sideways");
            if name == "phone" {
                browser.eval("document.getElementById('gb-menu').click()");
                browser.wait_for("document.body.classList.contains('nav-open')", 5, "the menu");
                std::thread::sleep(std::time::Duration::from_millis(300));
                browser.screenshot(&artifact_path(&format!("reading-phone-menu-{theme}.png")));
                browser.eval("document.getElementById('gb-menu').click()");
                std::thread::sleep(std::time::Duration::from_millis(300));
                // The contents button shows once the contents box above the article is out of view.
                browser.eval("scrollTo(0, document.documentElement.scrollHeight)");
                browser.wait_for("!document.querySelector('.toc-float').hidden", 5, "the contents button");
                browser.eval("document.querySelector('.toc-float').click()");
                browser.wait_for(
                    "document.getElementById('gb-toc').classList.contains('pop')",
                    5,
                    "the contents popup",
                );
                browser.screenshot(&artifact_path(&format!("reading-phone-contents-{theme}.png")));
                let links = browser.eval("document.querySelectorAll('#gb-toc.pop a').length");
                assert!(links.as_u64().unwrap_or(0) >= 3, "the contents popup lists the headings");
            }
        }
    }
}

/// Below 1200 px the contents sit in a box above the article, and a floating 목차 button opens
/// them from elsewhere on the page: one of the two shows at a time, never both.
#[test]
fn below_1200_px_the_contents_box_or_its_button_shows_never_both() {
    let tmp = tempfile::tempdir().unwrap();
    let out = sample_site(tmp.path());
    let url = format!("file://{}", out.join("network/many-headings.html").display());
    let mut browser = Browser::open(&url);
    browser.wait_for("location.protocol === 'file:' && document.readyState === 'complete'", 20, "the first page");
    // Which 목차 controls a reader sees on the screen now: the box in the page, the button.
    let shown = "(() => { const seen = e => { const r = e.getBoundingClientRect(); \
                   return e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden' && r.bottom > 0 && r.top < innerHeight && r.width > 0; }; \
                   return [seen(document.getElementById('gb-toc')), seen(document.querySelector('.toc-float'))].join(' '); })()";
    for (width, height) in [(1000, 800), (390, 844)] {
        set_width(&mut browser, width, height);
        browser.navigate(&format!("{url}?{width}"));
        browser.wait_for("document.querySelector('.toc-float') !== null", 10, "reader.js");
        assert_eq!(browser.eval(shown), "true false", "{width} px, top of the page: the box only");
        browser.screenshot(&artifact_path(&format!("contents-{width}-top.png")));
        browser.eval("scrollTo(0, document.documentElement.scrollHeight / 2)");
        browser.wait_for("!document.querySelector('.toc-float').hidden", 5, "the button once the box is out of view");
        assert_eq!(browser.eval(shown), "false true", "{width} px, half way down: the button only");
        // The button opens the contents over the page; a chosen heading closes them again.
        browser.eval("document.querySelector('.toc-float').click()");
        browser.wait_for("document.getElementById('gb-toc').classList.contains('pop')", 5, "the contents popup");
        assert_eq!(browser.eval(shown), "true true", "{width} px: the popup and the button that closes it");
        browser.screenshot(&artifact_path(&format!("contents-{width}-popup.png")));
        browser.eval("[...document.querySelectorAll('#gb-toc a')].at(-1).click()");
        browser.wait_for("!document.getElementById('gb-toc').classList.contains('pop')", 5, "the popup to close");
        browser.wait_for(
            "location.hash === '#섹션-30' || decodeURIComponent(location.hash) === '#섹션-30'",
            5,
            "the jump",
        );
        assert_eq!(browser.eval(shown), "false true", "{width} px, at the last heading: the button only");
        browser.eval("scrollTo(0, 0)");
        browser.wait_for("document.querySelector('.toc-float').hidden", 5, "the button to go at the top");
        assert_eq!(browser.eval(shown), "true false", "{width} px, back at the top: the box only");
    }
    // From 1200 px the contents stand beside the article and there is no button.
    set_width(&mut browser, 1300, 850);
    browser.navigate(&format!("{url}?wide"));
    browser.wait_for("document.querySelector('.toc-float') !== null", 10, "reader.js");
    browser.eval("scrollTo(0, document.documentElement.scrollHeight / 2)");
    std::thread::sleep(std::time::Duration::from_millis(200));
    assert_eq!(browser.eval(shown), "true false", "1300 px: the contents beside the article only");
}
