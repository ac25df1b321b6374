//! A real browser for tests: Debian's headless Chromium (installed by `scripts/test`), driven
//! over the DevTools protocol, and `gongbu serve` started on a fixture folder.

use std::path::Path;
use std::process::Command;

/// Where tests leave screenshots to look at: `target/test-artifacts/NAME`.
pub fn artifact_path(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target/test-artifacts").join(name)
}

pub fn chromium() -> &'static str {
    for candidate in ["chromium", "chromium-browser", "google-chrome"] {
        if Command::new(candidate).arg("--version").output().is_ok_and(|o| o.status.success()) {
            return candidate;
        }
    }
    panic!("no Chromium found: run the tests through scripts/test, which installs Debian's chromium");
}

/// Chromium without a window, network chatter or first-run screens.
pub const HEADLESS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
];

/// The DOM after the page's scripts ran, as Chromium serialises it.
pub fn dom_after_scripts(page: &Path) -> scraper::Html {
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

/// A headless Chromium driven over the DevTools protocol: enough to load a page, run script in
/// it, and watch what live reload does to it. Killed when dropped.
pub struct Browser {
    child: std::process::Child,
    _profile: tempfile::TempDir,
    page: tungstenite::WebSocket<std::net::TcpStream>,
    next_id: u64,
}

impl Browser {
    pub fn open(url: &str) -> Browser {
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
            let page = targets.as_array().into_iter().flatten().find(|t| {
                t["type"] == "page"
                    && t["url"].as_str().is_some_and(|u| u.starts_with("http") || u.starts_with("file:"))
            });
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

    /// Send one DevTools command to the page and return its whole reply.
    fn send(&mut self, method: &str, params: serde_json::Value) -> serde_json::Value {
        self.next_id += 1;
        let id = self.next_id;
        let call = serde_json::json!({"id": id, "method": method, "params": params});
        self.page.send(tungstenite::Message::text(call.to_string())).unwrap();
        loop {
            let message = self.page.read().expect("DevTools message");
            let Ok(text) = message.to_text() else { continue };
            let reply: serde_json::Value = serde_json::from_str(text).unwrap_or_default();
            if reply["id"] == id {
                return reply;
            }
        }
    }

    /// Send one DevTools command to the page and return its `result`; an error fails the test.
    pub fn call(&mut self, method: &str, params: serde_json::Value) -> serde_json::Value {
        let reply = self.send(method, params);
        assert!(reply.get("error").is_none(), "{method} failed: {reply}");
        reply["result"].clone()
    }

    /// Evaluate `expression` in the page and return its value (promises are awaited). While the
    /// page is navigating away, Chromium answers with an error ("Inspected target navigated"):
    /// that is no value yet (null), so `wait_for` simply asks again.
    pub fn eval(&mut self, expression: &str) -> serde_json::Value {
        let params = serde_json::json!({"expression": expression, "returnByValue": true, "awaitPromise": true});
        self.send("Runtime.evaluate", params)["result"]["result"]["value"].clone()
    }

    /// Wait until the browser process holds `key` in the page's localStorage with a value
    /// containing `part`. A page's `setItem` reaches the browser asynchronously, so a page
    /// loaded right after might otherwise still read the old value (seen under heavy load).
    pub fn wait_for_stored(&mut self, key_prefix: &str, part: &str) {
        let origin = self.eval("location.protocol === 'file:' ? 'file://' : location.origin");
        let storage_id = serde_json::json!({"securityOrigin": origin, "isLocalStorage": true});
        self.call("DOMStorage.enable", serde_json::json!({}));
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        loop {
            let items = self.call("DOMStorage.getDOMStorageItems", serde_json::json!({"storageId": storage_id}));
            let stored = items["entries"].as_array().into_iter().flatten().any(|entry| {
                entry[0].as_str().is_some_and(|k| k.starts_with(key_prefix))
                    && entry[1].as_str().is_some_and(|v| v.contains(part))
            });
            if stored {
                return;
            }
            assert!(std::time::Instant::now() < deadline, "localStorage {key_prefix}… never held {part:?}: {items}");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }

    /// Load `url` in the page and wait until the new document has finished loading. The old
    /// document is marked first: loading the same URL again would otherwise pass the wait on the
    /// old page, and the next check would run against the new one while it is still loading.
    pub fn navigate(&mut self, url: &str) {
        self.eval("window.__gongbuOldDocument = true");
        self.call("Page.navigate", serde_json::json!({"url": url}));
        self.wait_for(
            &format!(
                "!window.__gongbuOldDocument && location.href === {} && document.readyState === 'complete'",
                serde_json::json!(url)
            ),
            20,
            "the page to load",
        );
    }

    /// Save a PNG of the visible page to `path` (test artifacts to look at).
    pub fn screenshot(&mut self, path: &Path) {
        use base64::Engine;
        let shot = self.call("Page.captureScreenshot", serde_json::json!({"format": "png"}));
        let bytes =
            base64::engine::general_purpose::STANDARD.decode(shot["data"].as_str().unwrap_or_default()).unwrap();
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(path, bytes).unwrap();
    }

    /// Poll `expression` until it is true, or fail after `seconds`.
    pub fn wait_for(&mut self, expression: &str, seconds: u64, what: &str) {
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
pub fn http_get(addr: &str, path: &str) -> String {
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
pub struct Serve(pub std::process::Child, pub String);

impl Serve {
    pub fn start(site: &Path) -> Serve {
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
