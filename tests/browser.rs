//! The built site in a real browser: Debian's headless Chromium runs the theme's JavaScript on a
//! page of the sample site, and the resulting DOM is checked. `scripts/test` installs Chromium.

mod common;

use common::*;
use std::path::Path;
use std::process::Command;

fn chromium() -> &'static str {
    for candidate in ["chromium", "chromium-browser", "google-chrome"] {
        if Command::new(candidate).arg("--version").output().is_ok_and(|o| o.status.success()) {
            return candidate;
        }
    }
    panic!("no Chromium found: run the tests through scripts/test, which installs Debian's chromium");
}

/// The DOM after the page's scripts ran, as Chromium serialises it.
fn dom_after_scripts(page: &Path) -> scraper::Html {
    let profile = tempfile::tempdir().unwrap();
    let output = Command::new(chromium())
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(["--allow-file-access-from-files", "--virtual-time-budget=3000", "--dump-dom"])
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("run chromium");
    assert!(output.status.success(), "chromium failed: {}", String::from_utf8_lossy(&output.stderr));
    scraper::Html::parse_document(&String::from_utf8_lossy(&output.stdout))
}

#[test]
fn theme_scripts_build_navigation_and_copy_buttons_in_a_real_browser() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    std::fs::create_dir(&site).unwrap();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(repo.join("gongbu.toml"), site.join("gongbu.toml")).unwrap();
    copy_tree(&repo.join("content"), &site.join("content"));
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
    let buttons: Vec<String> = select(&dom, "button").iter().map(|b| b.text().collect::<String>()).filter(|t| t.contains("복사")).collect();
    assert!(blocks >= 2 && buttons.len() == blocks, "{blocks} code blocks, copy buttons: {buttons:?}");
    // The theme toggle and the scripts ran without breaking the page content.
    assert_eq!(select(&dom, "h2[id='1번-문제']").len(), 1);
}
