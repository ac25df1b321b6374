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

/// Chromium without a window, network chatter or first-run screens.
const HEADLESS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
];

/// The DOM after the page's scripts ran, as Chromium serialises it.
fn dom_after_scripts(page: &Path) -> scraper::Html {
    let profile = tempfile::tempdir().unwrap();
    let output = Command::new(chromium())
        .args(HEADLESS)
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
    let buttons: Vec<String> =
        select(&dom, "button").iter().map(|b| b.text().collect::<String>()).filter(|t| t.contains("복사")).collect();
    assert!(blocks >= 2 && buttons.len() == blocks, "{blocks} code blocks, copy buttons: {buttons:?}");
    // The theme toggle and the scripts ran without breaking the page content.
    assert_eq!(select(&dom, "h2[id='1번-문제']").len(), 1);
}

/// A headless Chromium driven over the DevTools protocol: enough to load a page, run script in
/// it, and watch what live reload does to it. Killed when dropped.
struct Browser {
    child: std::process::Child,
    _profile: tempfile::TempDir,
    page: tungstenite::WebSocket<std::net::TcpStream>,
    next_id: u64,
}

impl Browser {
    fn open(url: &str) -> Browser {
        use std::io::{BufRead, BufReader};
        let profile = tempfile::tempdir().unwrap();
        let mut child = Command::new(chromium())
            .args(HEADLESS)
            .args(["--remote-debugging-port=0", "--window-size=1000,700"])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg(url)
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("start chromium");
        // "DevTools listening on ws://127.0.0.1:PORT/devtools/browser/…"
        let stderr = BufReader::new(child.stderr.take().unwrap());
        let mut port = None;
        for line in stderr.lines().map_while(Result::ok) {
            if let Some(rest) = line.split("ws://127.0.0.1:").nth(1) {
                port = rest.split('/').next().map(str::to_string);
                break;
            }
        }
        let port = port.expect("chromium printed its DevTools address");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        let ws_url = loop {
            let list = http_get(&format!("127.0.0.1:{port}"), "/json/list");
            let targets: serde_json::Value = serde_json::from_str(&list).unwrap_or_default();
            let page = targets
                .as_array()
                .into_iter()
                .flatten()
                .find(|t| t["type"] == "page" && t["url"].as_str().is_some_and(|u| u.starts_with("http")));
            if let Some(ws) = page.and_then(|p| p["webSocketDebuggerUrl"].as_str()) {
                break ws.to_string();
            }
            assert!(std::time::Instant::now() < deadline, "no page target: {list}");
            std::thread::sleep(std::time::Duration::from_millis(100));
        };
        let host = ws_url.trim_start_matches("ws://").split('/').next().unwrap().to_string();
        let stream = std::net::TcpStream::connect(&host).unwrap();
        let (page, _) = tungstenite::client(ws_url.as_str(), stream).expect("DevTools websocket");
        Browser { child, _profile: profile, page, next_id: 0 }
    }

    /// Evaluate `expression` in the page and return its value.
    fn eval(&mut self, expression: &str) -> serde_json::Value {
        self.next_id += 1;
        let id = self.next_id;
        let call = serde_json::json!({"id": id, "method": "Runtime.evaluate", "params": {"expression": expression, "returnByValue": true}});
        self.page.send(tungstenite::Message::text(call.to_string())).unwrap();
        loop {
            let message = self.page.read().expect("DevTools message");
            let Ok(text) = message.to_text() else { continue };
            let reply: serde_json::Value = serde_json::from_str(text).unwrap_or_default();
            if reply["id"] == id {
                return reply["result"]["result"]["value"].clone();
            }
        }
    }

    /// Poll `expression` until it is true, or fail after `seconds`.
    fn wait_for(&mut self, expression: &str, seconds: u64, what: &str) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
        while std::time::Instant::now() < deadline {
            if self.eval(expression) == serde_json::Value::Bool(true) {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        panic!("timed out waiting for {what} ({expression})");
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A plain HTTP GET; the body is read up to its `Content-Length` (the DevTools endpoint keeps
/// connections open).
fn http_get(addr: &str, path: &str) -> String {
    use std::io::{Read, Write};
    let Ok(mut stream) = std::net::TcpStream::connect(addr) else { return String::new() };
    stream.set_read_timeout(Some(std::time::Duration::from_secs(5))).unwrap();
    let _ = write!(stream, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    let mut bytes = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let length = head.lines().find_map(|l| {
                l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse::<usize>().unwrap_or(0))
            });
            if length.is_some_and(|n| body.len() >= n) {
                return body.to_string();
            }
        }
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return text.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default(),
            Ok(n) => bytes.extend_from_slice(&chunk[..n]),
        }
    }
}

/// `gongbu serve` on a folder; killed when dropped.
struct Serve(std::process::Child, String);

impl Serve {
    fn start(site: &Path) -> Serve {
        use std::io::{BufRead, BufReader};
        let mut child = Command::new(env!("CARGO_BIN_EXE_gongbu"))
            .args(["serve", site.to_str().unwrap(), "--port", "0"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let line = stdout
            .lines()
            .map_while(Result::ok)
            .find(|l| l.starts_with("serving at "))
            .expect("serve prints its address");
        let url = line.trim_start_matches("serving at ").to_string();
        Serve(child, url)
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
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
