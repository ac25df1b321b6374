//! The built site in a real browser: Debian's headless Chromium runs the theme's JavaScript on a
//! page of the sample site, and the resulting DOM is checked. `scripts/test` installs Chromium.

mod common;

use common::browser::*;
use common::*;

#[test]
fn theme_scripts_build_navigation_and_copy_buttons_in_a_real_browser() {
    let tmp = tempfile::tempdir().unwrap();
    let site = copy_sample_site(tmp.path());
    let out = site.join("public");
    build_ok(&site, &out, &[]);

    let dom = dom_after_scripts(&out.join("network/tcp-udp.html"));
    // The sidebar tree comes from nav.js: every top-level folder, and the current folder opened
    // on its notes (other folders fill in when opened, so huge sites stay fast).
    let nav_links: Vec<String> = select(&dom, "nav a[href]").iter().map(|a| a.text().collect::<String>()).collect();
    for title in ["알고리즘", "비동기 프로그래밍", "네트워크", "TCP와 UDP", "HTTP와 HTTPS"] {
        assert!(nav_links.iter().any(|t| t.contains(title)), "sidebar lacks {title}: {nav_links:?}");
    }
    let current = select(&dom, "nav [aria-current=page]");
    assert_eq!(current.len(), 1, "exactly the current page is marked in the sidebar");
    assert!(current[0].text().collect::<String>().contains("TCP와 UDP"));
    // Every code block got a copy button, labelled in the site's language.
    let blocks = select(&dom, "pre.code").len();
    let buttons: Vec<String> =
        select(&dom, "button").iter().map(|b| b.text().collect::<String>()).filter(|t| t.contains("복사")).collect();
    assert!(blocks >= 2 && buttons.len() == blocks, "{blocks} code blocks, copy buttons: {buttons:?}");
    // The theme toggle and the scripts ran without breaking the page content.
    assert_eq!(select(&dom, "h2[id='1번-문제']").len(), 1);
}

#[test]
fn live_reload_in_a_real_browser_keeps_the_scroll_position_and_shows_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("notes");
    std::fs::create_dir(&site).unwrap();
    let paragraphs: String =
        (1..=120).map(|i| format!("{i}번째 문단: 스레드와 프로세스의 차이를 설명한다.\n\n")).collect();
    let note = |first: &str| format!("# 긴 노트\n\n{first}\n\n{paragraphs}");
    std::fs::write(site.join("long.md"), note("처음 문장.")).unwrap();
    let serve = Serve::start(&site);
    let mut browser = Browser::open(&format!("{}long.html", serve.1));
    browser.wait_for(
        "document.readyState === 'complete' && document.body.innerText.includes('처음 문장')",
        20,
        "the page to load",
    );
    // Give the reload script a moment to connect its socket before anything changes.
    std::thread::sleep(std::time::Duration::from_millis(500));
    // Chromium restores scroll on reload by itself; turn that off so the reload script's own
    // restoring (which other browsers and re-rendered pages need) is what is tested.
    browser.eval("history.scrollRestoration = 'manual'");
    assert_eq!(browser.eval("window.scrollTo(0, 1500); window.scrollY"), serde_json::json!(1500));

    std::fs::write(site.join("long.md"), note("고친 문장.")).unwrap();
    browser.wait_for("document.body.innerText.includes('고친 문장')", 15, "the edit to appear without a manual reload");
    browser.wait_for("window.scrollY === 1500", 5, "the scroll position to be restored");

    std::fs::write(site.join("long.md"), "---\ntitle: [깨진\n---\n본문\n").unwrap();
    browser.wait_for(
        "(document.getElementById('__gongbu_errors')?.innerText ?? '').includes('long.md:2')",
        15,
        "the error overlay naming long.md:2",
    );
    assert_eq!(
        browser.eval("document.body.innerText.includes('고친 문장')"),
        serde_json::json!(true),
        "the last good page stays"
    );

    std::fs::write(site.join("long.md"), note("다시 고친 문장.")).unwrap();
    browser.wait_for(
        "document.body.innerText.includes('다시 고친 문장') && !document.getElementById('__gongbu_errors')",
        15,
        "the fix to clear the overlay",
    );
}

/// A note the way real interview notes are written on GitHub: emoji shortcodes in the title and
/// text, an alert, a Docusaurus admonition, inline and display math. In Chromium every part
/// renders as GitHub shows it (the evidence screenshots of issue #10: light and dark).
#[test]
fn a_real_notes_page_with_alerts_math_and_emoji_in_a_real_browser() {
    let tmp = tempfile::tempdir().unwrap();
    let notes = tmp.path().join("notes");
    std::fs::create_dir(&notes).unwrap();
    std::fs::write(
        notes.join("정렬.md"),
        "# :bar_chart: 정렬 알고리즘 정리\n\n\
         퀵 정렬의 평균 시간 복잡도는 $O(n \\log n)$이다 :nerd_face:\n\n\
         > [!NOTE]\n> 면접에서는 **안정 정렬** 여부를 자주 묻는다.\n\n\
         > [!WARNING]\n> 최악의 경우 $O(n^2)$까지 느려진다.\n\n\
         :::tip 외우는 법\n분할 정복: 나누고, 풀고, 합친다 :+1:\n:::\n\n\
         $$\nT(n) = 2T\\left(\\frac{n}{2}\\right) + O(n)\n$$\n\n\
         ## :question: 1번 문제\n\n### Q. 퀵 정렬은 안정 정렬인가?\n\n아니다.\n",
    )
    .unwrap();
    let out = tmp.path().join("out");
    build_ok(&notes, &out, &[]);
    let page = format!("file://{}", out.join("정렬.html").display());
    let mut browser = Browser::open(&page);
    browser.wait_for("document.readyState === 'complete' && !!document.querySelector('math')", 20, "the page");
    let shown = browser.eval(
        r#"(() => ({
            title: document.title,
            h1: document.querySelector('h1').innerText,
            callouts: [...document.querySelectorAll('.callout')].map(c => [c.className, c.querySelector('.callout-title').innerText.trim()]),
            inlineMath: document.querySelectorAll('p math:not([display=block])').length,
            blockMath: document.querySelectorAll('math[display=block]').length,
            literalColons: document.querySelector('main').innerText.match(/:[a-z_+]+:/g),
            headingIds: [...document.querySelectorAll('h2[id]')].map(h => h.id),
        }))()"#,
    );
    assert!(shown["title"].as_str().unwrap_or_default().starts_with("📊 정렬 알고리즘 정리"), "{shown}");
    assert!(shown["h1"].as_str().unwrap_or_default().contains("📊 정렬 알고리즘 정리"), "{shown}");
    assert_eq!(
        shown["callouts"],
        serde_json::json!([
            ["callout callout-note", "참고"],
            ["callout callout-warning", "경고"],
            ["callout callout-tip", "외우는 법"]
        ]),
        "{shown}"
    );
    assert_eq!(shown["inlineMath"], serde_json::json!(2), "{shown}");
    assert_eq!(shown["blockMath"], serde_json::json!(1), "{shown}");
    assert_eq!(shown["literalColons"], serde_json::Value::Null, "no shortcode is left as text: {shown}");
    assert_eq!(shown["headingIds"], serde_json::json!(["question-1번-문제"]), "GitHub's id for a shortcode heading");
    // Tall enough to show the whole note in the screenshots.
    let size = serde_json::json!({"width": 1000, "height": 1250, "deviceScaleFactor": 1, "mobile": false});
    browser.call("Emulation.setDeviceMetricsOverride", size);
    browser.screenshot(&artifact_path("real-notes-light.png"));
    browser.eval("document.documentElement.dataset.theme = 'dark'");
    browser.screenshot(&artifact_path("real-notes-dark.png"));
}
