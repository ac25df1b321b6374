//! `gongbu serve` end to end: the real binary on a fixture site in a temp folder, spoken to
//! over raw HTTP/1.1 and a WebSocket. Every wait polls against a deadline.

use gongbu::serve::RELOAD_SCRIPT;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

/// Generous: the CI machine has two busy cores and runs a debug build.
const RELOAD_WAIT: Duration = Duration::from_secs(10);
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";

/// A small Korean site: a root note, a section with a nested folder, an image and a pdf.
fn fixture() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("notes");
    let os = site.join("Computer Science/운영체제");
    std::fs::create_dir_all(&os).unwrap();
    std::fs::create_dir_all(site.join("img")).unwrap();
    std::fs::create_dir_all(site.join("docs")).unwrap();
    std::fs::write(site.join("README.md"), "# 공부 노트\n\n면접 준비 노트입니다.\n").unwrap();
    std::fs::write(site.join("Computer Science/README.md"), "# Computer Science\n\n전공 기초.\n").unwrap();
    std::fs::write(os.join("README.md"), "# 운영체제\n\n프로세스와 스레드의 차이.\n").unwrap();
    std::fs::write(os.join("프로세스.md"), "# 프로세스\n\n실행 중인 프로그램입니다.\n").unwrap();
    std::fs::write(site.join("img/그림.PNG"), PNG).unwrap();
    std::fs::write(site.join("docs/자료.pdf"), PDF).unwrap();
    (tmp, site)
}

/// A running `gongbu serve`, killed when dropped; its stderr is printed if the test failed.
struct Server {
    child: Child,
    /// `127.0.0.1:PORT`
    addr: String,
    log: Arc<Mutex<String>>,
}

impl Server {
    fn start(site: &Path) -> Server {
        Self::try_start(site, &["--port", "0"])
            .unwrap_or_else(|(status, log)| panic!("serve exited ({status}):\n{log}"))
    }

    fn try_start(site: &Path, args: &[&str]) -> Result<Server, (String, String)> {
        Self::try_start_in(site.parent().unwrap(), site, args)
    }

    /// Start in the working folder `cwd`, with `site` as given (relative paths allowed).
    fn try_start_in(cwd: &Path, site: &Path, args: &[&str]) -> Result<Server, (String, String)> {
        let mut child = Command::new(env!("CARGO_BIN_EXE_gongbu"))
            .current_dir(cwd)
            .arg("serve")
            .arg(site)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start gongbu serve");
        let log = Arc::new(Mutex::new(String::new()));
        let stderr = child.stderr.take().unwrap();
        let sink = log.clone();
        let drained = std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let mut log = sink.lock().unwrap();
                log.push_str(&line);
                log.push('\n');
            }
        });
        let (tx, rx) = mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                Ok(line) => {
                    if let Some(url) = line.strip_prefix("serving at ") {
                        let addr = url.trim_start_matches("http://").trim_end_matches('/').to_string();
                        return Ok(Server { child, addr, log });
                    }
                }
                Err(reason) => {
                    let status = match reason {
                        // Stdout closed: the child is exiting; its status comes in a moment.
                        mpsc::RecvTimeoutError::Disconnected => {
                            child.wait().map_or_else(|e| e.to_string(), |s| s.to_string())
                        }
                        mpsc::RecvTimeoutError::Timeout => {
                            let _ = child.kill();
                            "no `serving at` line within 60 s".into()
                        }
                    };
                    let _ = child.wait();
                    let _ = drained.join();
                    let log = log.lock().unwrap().clone();
                    return Err((status, log));
                }
            }
        }
    }

    fn get(&self, path: &str) -> Response {
        get(&self.addr, path)
    }

    fn get_as(&self, host: &str, path: &str) -> Response {
        get_as(&self.addr, host, path)
    }

    fn socket(&self) -> Socket {
        Socket::connect(&self.addr)
    }

    fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            eprintln!("--- gongbu serve stderr ---\n{}", self.log());
        }
    }
}

struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One HTTP/1.1 GET on a fresh connection; `path` is sent exactly as given.
fn get(addr: &str, path: &str) -> Response {
    get_as(addr, addr, path)
}

/// A GET to the server at `addr` that names `host` in its `Host` header, as a browser does
/// for a page whose name resolves to `addr`.
fn get_as(addr: &str, host: &str, path: &str) -> Response {
    request(addr, &format!("GET {path} HTTP/1.1\r\nHost: {host}\r\n"))
}

/// Send `head` (request line and headers, each ending in CRLF) and read the response.
fn request(addr: &str, head: &str) -> Response {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(stream, "{head}Connection: close\r\n\r\n").unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read response");
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("end of headers");
    let head = String::from_utf8(raw[..split].to_vec()).unwrap();
    let mut lines = head.split("\r\n");
    let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let headers: Vec<(String, String)> =
        lines.filter_map(|l| l.split_once(':')).map(|(n, v)| (n.trim().to_string(), v.trim().to_string())).collect();
    let response = Response { status, headers, body: raw[split + 4..].to_vec() };
    assert!(response.header("transfer-encoding").is_none(), "this client reads only sized bodies");
    response
}

/// `Computer Science/운영체제/index.html` → `/Computer%20Science/%EC%9A%B4…/index.html`
fn url(path: &str) -> String {
    const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.');
    path.split('/').map(|s| format!("/{}", utf8_percent_encode(s, SEGMENT))).collect()
}

/// A live-reload client.
struct Socket(tungstenite::WebSocket<TcpStream>);

impl Socket {
    fn connect(addr: &str) -> Socket {
        let stream = TcpStream::connect(addr).unwrap();
        let (ws, _) = tungstenite::client(format!("ws://{addr}/__gongbu/ws"), stream).expect("WebSocket handshake");
        let mut socket = Socket(ws);
        // Subscribed from here on: no rebuild can slip past.
        let hello = socket.next(RELOAD_WAIT).expect("a `connected` message");
        assert_eq!(hello["type"], "connected");
        socket
    }

    /// The next message, or None after `wait`.
    fn next(&mut self, wait: Duration) -> Option<serde_json::Value> {
        let deadline = Instant::now() + wait;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return None;
            }
            self.0.get_mut().set_read_timeout(Some(left)).unwrap();
            match self.0.read() {
                Ok(tungstenite::Message::Text(text)) => {
                    return Some(serde_json::from_str(&text).expect("JSON message"))
                }
                Ok(_) => continue,
                Err(tungstenite::Error::Io(e))
                    if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) =>
                {
                    return None
                }
                Err(e) => panic!("WebSocket: {e}"),
            }
        }
    }

    /// Wait for a message of `kind`, skipping others; panic after [`RELOAD_WAIT`].
    fn expect(&mut self, kind: &str) -> serde_json::Value {
        let deadline = Instant::now() + RELOAD_WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.next(left) {
                Some(m) if m["type"] == kind => return m,
                Some(_) => continue,
                None => panic!("no `{kind}` message within {RELOAD_WAIT:?}"),
            }
        }
    }
}

/// Poll `check` until it holds, or panic with `what` after [`RELOAD_WAIT`].
fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + RELOAD_WAIT;
    while !check() {
        assert!(Instant::now() < deadline, "not within {RELOAD_WAIT:?}: {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn served_with(server: &Server, path: &str, text: &str) -> bool {
    let r = server.get(&url(path));
    r.status == 200 && r.text().contains(text)
}

fn gone(server: &Server, path: &str) -> bool {
    server.get(&url(path)).status == 404
}

#[test]
fn pages_assets_and_misses_are_served_with_their_types() {
    let (_tmp, site) = fixture();
    let server = Server::start(&site);
    let out = site.join("public");

    let home = server.get("/");
    assert_eq!(home.status, 200);
    assert_eq!(home.header("content-type"), Some("text/html; charset=utf-8"));
    assert_eq!(home.header("cache-control"), Some("no-store"));
    let on_disk = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(!on_disk.contains("__gongbu"), "the reload script is never written to disk");
    let served = home.text();
    assert!(served.contains("/__gongbu/ws"), "the reload script is injected");
    assert_eq!(served.replacen(RELOAD_SCRIPT, "", 1), on_disk, "served = file on disk + script");
    assert!(served.find(RELOAD_SCRIPT).unwrap() < served.rfind("</body>").unwrap(), "script before </body>");

    let hangul = "/Computer%20Science/%EC%9A%B4%EC%98%81%EC%B2%B4%EC%A0%9C/index.html";
    let page = server.get(hangul);
    assert_eq!(page.status, 200);
    let disk = std::fs::read_to_string(out.join("Computer Science/운영체제/index.html")).unwrap();
    assert_eq!(page.text().replacen(RELOAD_SCRIPT, "", 1), disk);
    assert!(disk.contains("프로세스와 스레드의 차이"));

    let folder = server.get("/Computer%20Science/%EC%9A%B4%EC%98%81%EC%B2%B4%EC%A0%9C/");
    assert_eq!(folder.status, 200, "a folder serves its index.html");
    assert_eq!(folder.body, page.body);

    let bare = server.get("/Computer%20Science/%EC%9A%B4%EC%98%81%EC%B2%B4%EC%A0%9C?x=1");
    assert!((300..400).contains(&bare.status), "a folder without its slash redirects: {}", bare.status);
    assert_eq!(bare.header("location"), Some("/Computer%20Science/%EC%9A%B4%EC%98%81%EC%B2%B4%EC%A0%9C/?x=1"));

    let note = server.get(&url("Computer Science/운영체제/프로세스.html"));
    assert_eq!(note.status, 200);
    assert!(note.text().contains("실행 중인 프로그램입니다"));

    let image = server.get(&url("img/그림.PNG"));
    assert_eq!(image.status, 200);
    assert_eq!(image.header("content-type"), Some("image/png"));
    assert_eq!(image.body, PNG);
    assert_eq!(image.header("cache-control"), Some("no-store"));

    let pdf = server.get(&url("docs/자료.pdf"));
    assert_eq!(pdf.status, 200);
    assert_eq!(pdf.header("content-type"), Some("application/pdf"));
    assert_eq!(pdf.body, PDF);

    let miss = server.get(&url("없는/페이지.html"));
    assert_eq!(miss.status, 404);
    assert_eq!(miss.header("content-type"), Some("text/html; charset=utf-8"));
    let not_found = std::fs::read_to_string(out.join("404.html")).unwrap();
    assert_eq!(miss.text().replacen(RELOAD_SCRIPT, "", 1), not_found, "the site's own 404 page");
}

#[cfg(unix)]
#[test]
fn nothing_outside_the_output_folder_is_served() {
    let (tmp, site) = fixture();
    let server = Server::start(&site);
    let secret = tmp.path().join("secret");
    std::fs::create_dir(&secret).unwrap();
    std::fs::write(secret.join("secret.txt"), "TOP-SECRET\n").unwrap();
    let out = site.join("public");
    std::os::unix::fs::symlink(secret.join("secret.txt"), out.join("leak.txt")).unwrap();
    std::os::unix::fs::symlink(&secret, out.join("leakdir")).unwrap();
    // The notes themselves sit just above the output folder.
    std::fs::write(site.join("private.txt"), "TOP-SECRET\n").unwrap();

    for path in [
        "/../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/%2E%2E/%2E%2E/%2E%2E/etc/passwd",
        "/..%2f..%2fetc/passwd",
        "/%5c..%5c..%5cetc%5cpasswd",
        "/img/..%2F..%2F..%2Fetc%2Fpasswd",
        "/img/../../../etc/passwd",
        "/..%2fprivate.txt",
        "/../private.txt",
        "/%2e%2e/private.txt",
        "/leak.txt",
        "/leakdir/secret.txt",
        "/leakdir/",
        "/index.html%00.png",
        "//etc/passwd",
        "/C:/Windows/win.ini",
    ] {
        let r = server.get(path);
        assert!(r.status == 400 || r.status == 404, "{path}: status {}", r.status);
        let text = r.text();
        assert!(!text.contains("root:") && !text.contains("TOP-SECRET"), "{path} leaked: {text}");
    }
}

#[test]
fn edits_renames_deletes_creates_and_moves_reload_the_page() {
    let (_tmp, site) = fixture();
    let server = Server::start(&site);
    let mut socket = server.socket();
    let os = site.join("Computer Science/운영체제");

    // A plain edit.
    std::fs::write(os.join("프로세스.md"), "# 프로세스\n\n수정된 설명: PCB.\n").unwrap();
    socket.expect("reload");
    eventually("the edited text", || {
        served_with(&server, "Computer Science/운영체제/프로세스.html", "수정된 설명: PCB.")
    });

    // An editor's atomic save: write a temp file, rename it over the note.
    std::fs::write(os.join("프로세스.md.tmp"), "# 프로세스\n\n원자적 저장으로 바뀐 내용.\n").unwrap();
    std::fs::rename(os.join("프로세스.md.tmp"), os.join("프로세스.md")).unwrap();
    socket.expect("reload");
    eventually("the renamed-over text", || {
        served_with(&server, "Computer Science/운영체제/프로세스.html", "원자적 저장으로 바뀐 내용.")
    });

    // A new note.
    std::fs::write(os.join("스레드.md"), "# 스레드\n\n스레드는 실행 흐름입니다.\n").unwrap();
    socket.expect("reload");
    eventually("the new note", || {
        served_with(&server, "Computer Science/운영체제/스레드.html", "스레드는 실행 흐름입니다.")
    });

    // A deleted note.
    std::fs::remove_file(os.join("스레드.md")).unwrap();
    socket.expect("reload");
    eventually("the deleted note's page to be gone", || gone(&server, "Computer Science/운영체제/스레드.html"));

    // A moved folder.
    std::fs::rename(&os, site.join("Computer Science/OS")).unwrap();
    socket.expect("reload");
    eventually("the moved folder", || {
        served_with(&server, "Computer Science/OS/프로세스.html", "원자적 저장으로 바뀐 내용.")
    });
    eventually("the old folder's pages to be gone", || {
        gone(&server, "Computer Science/운영체제/프로세스.html")
            && gone(&server, "Computer Science/운영체제/index.html")
    });
    assert!(served_with(&server, "Computer Science/OS/", "프로세스와 스레드의 차이"));

    // Edits inside the moved folder are still seen.
    std::fs::write(site.join("Computer Science/OS/프로세스.md"), "# 프로세스\n\n옮긴 뒤 수정.\n").unwrap();
    socket.expect("reload");
    eventually("an edit after the move", || served_with(&server, "Computer Science/OS/프로세스.html", "옮긴 뒤 수정."));
}

/// The glossary, references and quiz files are written after the reload (at 10,000 notes a
/// retitle remakes megabytes of them): once they are, the pages showing them are told to
/// reload again, by name, and what they then load is the new version.
#[test]
fn pages_showing_study_files_written_after_the_reload_are_reloaded_again() {
    let (_tmp, site) = fixture();
    let note = site.join("Computer Science/운영체제/프로세스.md");
    std::fs::write(&note, "# 프로세스\n\n> **'PCB'**: 프로세스 제어 블록\n\n### Q. PCB란?\n\n답.\n").unwrap();
    let server = Server::start(&site);
    let mut socket = server.socket();
    assert!(served_with(&server, "glossary/index.html", ">프로세스</a>"));

    std::fs::write(&note, "# 프로세스 정리\n\n> **'PCB'**: 프로세스 제어 블록\n\n### Q. PCB란?\n\n답.\n").unwrap();
    // Two reloads, in either order (on a small site the late writes may finish before the
    // rebuild's own reload goes out): every page, and the pages showing the late files.
    let (first, second) = (socket.expect("reload"), socket.expect("reload"));
    let (all, again) = if first.get("pages").is_none() { (first, second) } else { (second, first) };
    assert!(all.get("pages").is_none(), "the rebuild reloads every page: {all}");
    let pages: Vec<&str> = again["pages"].as_array().expect("pages named").iter().filter_map(|p| p.as_str()).collect();
    assert!(pages.contains(&"glossary/index.html") && pages.contains(&"quiz/index.html"), "{again}");
    assert!(!pages.iter().any(|p| p.contains("프로세스")), "the note's own page is not reloaded twice: {again}");
    assert!(served_with(&server, "glossary/index.html", ">프로세스 정리</a>"), "written before the message");
}

#[test]
fn a_broken_note_shows_its_error_and_keeps_the_last_good_page() {
    let (_tmp, site) = fixture();
    let server = Server::start(&site);
    let mut socket = server.socket();
    let note = site.join("Computer Science/운영체제/프로세스.md");
    let page = "Computer Science/운영체제/프로세스.html";

    std::fs::write(&note, "---\ntitle: [깨진\n---\n# 프로세스\n\n고치기 전.\n").unwrap();
    let error = socket.expect("error");
    let message = error["message"].as_str().unwrap();
    let at = message.find("프로세스.md:").unwrap_or_else(|| panic!("no file:line in {message:?}"));
    let line = &message[at + "프로세스.md:".len()..];
    assert!(line.starts_with(|c: char| c.is_ascii_digit()), "no line number in {message:?}");
    assert!(served_with(&server, page, "실행 중인 프로그램입니다"), "the last good page is still served");

    // A page opened now shows the overlay too.
    let mut late = server.socket();
    let shown = late.next(RELOAD_WAIT).expect("the current errors on connect");
    assert_eq!(shown["type"], "error");
    assert_eq!(shown["message"], error["message"]);

    std::fs::write(&note, "---\ntitle: 고친 프로세스\n---\n\n고친 뒤.\n").unwrap();
    socket.expect("reload");
    late.expect("reload");
    eventually("the fixed page", || served_with(&server, page, "고친 뒤."));
    let fresh = server.socket().next(Duration::from_millis(300));
    assert!(fresh.is_none(), "no errors are shown once fixed: {fresh:?}");
}

#[test]
fn a_burst_of_writes_ends_in_one_consistent_site_after_few_rebuilds() {
    const NOTES: usize = 500;
    let (_tmp, site) = fixture();
    let server = Server::start(&site);
    let mut socket = server.socket();
    let burst = site.join("묶음");
    std::fs::create_dir(&burst).unwrap();
    for i in 0..NOTES {
        std::fs::write(burst.join(format!("노트-{i}.md")), format!("# 노트 {i}\n\n초안 {i}.\n")).unwrap();
    }
    for i in 0..NOTES {
        std::fs::write(burst.join(format!("노트-{i}.md")), format!("# 노트 {i}\n\n최종 {i}.\n")).unwrap();
    }

    let deadline = Instant::now() + Duration::from_secs(120);
    let mut reloads = 0;
    loop {
        assert!(Instant::now() < deadline, "the burst never settled ({reloads} reloads)");
        if let Some(m) = socket.next(Duration::from_millis(500)) {
            assert_eq!(m["type"], "reload", "{m}");
            reloads += 1;
            continue;
        }
        // Quiet for half a second: is every page final?
        let last = format!("묶음/노트-{}.html", NOTES - 1);
        if reloads > 0 && served_with(&server, &last, &format!("최종 {}.", NOTES - 1)) {
            let stale: Vec<usize> = (0..NOTES)
                .filter(|i| !served_with(&server, &format!("묶음/노트-{i}.html"), &format!("최종 {i}.")))
                .collect();
            if stale.is_empty() {
                break;
            }
        }
    }
    while socket.next(Duration::from_millis(500)).is_some() {
        reloads += 1;
    }
    eprintln!("burst: {reloads} reload(s) for {} writes", 2 * NOTES);
    assert!(reloads <= 20, "{reloads} reloads for one burst of {} writes", 2 * NOTES);
}

#[test]
fn editor_temp_files_alone_trigger_nothing() {
    let (_tmp, site) = fixture();
    let server = Server::start(&site);
    let mut socket = server.socket();
    let os = site.join("Computer Science/운영체제");
    std::fs::write(os.join(".프로세스.md.swp"), "swap").unwrap();
    std::fs::write(os.join("프로세스.md~"), "backup").unwrap();
    std::fs::write(os.join("4913"), "").unwrap();
    std::fs::remove_file(os.join("4913")).unwrap();
    let got = socket.next(Duration::from_millis(1000));
    assert!(got.is_none(), "temp files caused {got:?}");

    // The socket does work: a real edit still reloads.
    std::fs::write(os.join("프로세스.md"), "# 프로세스\n\n진짜 수정.\n").unwrap();
    socket.expect("reload");
}

#[test]
fn a_port_in_use_is_a_clear_error() {
    let (_tmp, site) = fixture();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    match Server::try_start(&site, &["--port", &port]) {
        Ok(server) => panic!("serve started on a taken port: {}", server.addr),
        Err((status, log)) => {
            assert!(status.contains("exit status: 1"), "{status}");
            assert!(log.contains(&format!("port {port}")) && log.contains("already in use"), "{log}");
        }
    }
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_cleanly() {
    let (_tmp, site) = fixture();
    let mut server = Server::start(&site);
    assert_eq!(server.get("/").status, 200);
    let pid = server.child.id() as i32;
    assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0);
    let deadline = Instant::now() + RELOAD_WAIT;
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "still running after SIGINT");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{status}");
}

#[test]
fn a_relative_path_from_inside_the_notes_folder_works() {
    // `cd notes && gongbu serve .`: the watcher reports absolute paths; they must still be
    // recognised as notes.
    let (_tmp, site) = fixture();
    let server = Server::try_start_in(&site, Path::new("."), &["--port", "0"])
        .unwrap_or_else(|(status, log)| panic!("serve exited ({status}):\n{log}"));
    let mut socket = server.socket();
    std::fs::write(site.join("README.md"), "# 홈\n\n상대 경로에서 고친 문장.\n").unwrap();
    socket.expect("reload");
    assert!(server.get("/").text().contains("상대 경로에서 고친 문장"));
}

/// The WebSocket handshake's status: the server at `addr`, reached under the name `host`
/// (sent as `Host`), with `origin` as the `Origin` header (none: a non-browser client).
fn handshake_status(addr: &str, host: &str, origin: Option<&str>) -> u16 {
    use tungstenite::client::IntoClientRequest;
    let mut request = format!("ws://{host}/__gongbu/ws").into_client_request().unwrap();
    if let Some(origin) = origin {
        request.headers_mut().insert("origin", origin.parse().unwrap());
    }
    let stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    match tungstenite::client(request, stream) {
        Ok((_, response)) => response.status().as_u16(),
        Err(tungstenite::HandshakeError::Failure(tungstenite::Error::Http(response))) => response.status().as_u16(),
        Err(e) => panic!("handshake with Origin {origin:?}: {e}"),
    }
}

#[test]
fn requests_for_other_host_names_are_refused() {
    // DNS rebinding: a page on attacker.example whose name then resolves to 127.0.0.1 sends
    // `Host: attacker.example:PORT` to the preview server.
    let (_tmp, site) = fixture();
    let server = Server::start(&site);
    let port = server.addr.rsplit_once(':').unwrap().1;
    for host in [
        format!("attacker.example:{port}"),
        format!("localhost.attacker.example:{port}"),
        format!("127.0.0.1.nip.io:{port}"),
        format!("192.168.1.20:{port}"),
        format!("localhost:{}", port.parse::<u16>().unwrap().wrapping_add(1)),
        "attacker.example".to_string(),
    ] {
        let r = server.get_as(&host, "/");
        assert_eq!(r.status, 403, "Host: {host}");
        assert!(!r.text().contains("공부 노트"), "Host {host} got the site");
    }
    for malformed in ["", "[::1", "localhost:port", "a b"] {
        let r = server.get_as(malformed, "/");
        assert!(r.status == 400 || r.status == 403, "Host: {malformed:?}: {}", r.status);
    }
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("LocalHost:{port}"),
        format!("localhost.:{port}"),
        format!("notes.localhost:{port}"),
        format!("[::1]:{port}"),
        format!("127.0.0.2:{port}"),
    ] {
        let r = server.get_as(&host, "/");
        assert_eq!(r.status, 200, "Host: {host}");
        assert!(r.text().contains("공부 노트"), "Host {host}");
    }
    // The socket too.
    assert_eq!(handshake_status(&server.addr, &format!("attacker.example:{port}"), None), 403);
}

#[test]
fn the_socket_refuses_foreign_origins() {
    let (_tmp, site) = fixture();
    let server = Server::start(&site);
    let addr = server.addr.as_str();
    let port = addr.rsplit_once(':').unwrap().1;
    for origin in [
        "http://attacker.example".to_string(),
        format!("http://attacker.example:{port}"),
        "https://attacker.example".to_string(),
        "null".to_string(),
        format!("http://localhost:{}", port.parse::<u16>().unwrap().wrapping_add(1)),
        "not an origin".to_string(),
    ] {
        assert_eq!(handshake_status(addr, addr, Some(&origin)), 403, "Origin: {origin}");
    }
    for origin in [format!("http://{addr}"), format!("http://localhost:{port}"), format!("http://[::1]:{port}")] {
        assert_eq!(handshake_status(addr, addr, Some(&origin)), 101, "Origin: {origin}");
    }
    assert_eq!(handshake_status(addr, addr, None), 101, "a client without Origin is no browser page");
    // A refused socket gets no messages; an accepted one still works.
    let mut socket = server.socket();
    std::fs::write(site.join("README.md"), "# 공부 노트\n\n출처 확인 뒤 수정.\n").unwrap();
    socket.expect("reload");
}

#[test]
fn allow_host_adds_a_name() {
    let (_tmp, site) = fixture();
    let server = Server::try_start(&site, &["--port", "0", "--allow-host", "study.lan"])
        .unwrap_or_else(|(status, log)| panic!("serve exited ({status}):\n{log}"));
    let port = server.addr.rsplit_once(':').unwrap().1;
    assert_eq!(server.get_as(&format!("study.lan:{port}"), "/").status, 200);
    assert_eq!(server.get_as(&format!("STUDY.LAN:{port}"), "/").status, 200);
    assert_eq!(server.get_as(&format!("other.lan:{port}"), "/").status, 403);
    assert_eq!(handshake_status(&server.addr, &server.addr, Some(&format!("http://study.lan:{port}"))), 101);
}

#[cfg(unix)]
#[test]
fn bound_to_all_interfaces_the_machines_own_addresses_are_hosts() {
    let (_tmp, site) = fixture();
    let server = Server::try_start(&site, &["--port", "0", "--bind", "0.0.0.0"])
        .unwrap_or_else(|(status, log)| panic!("serve exited ({status}):\n{log}"));
    let port = server.addr.rsplit_once(':').unwrap().1;
    // Any address literal: a browser sends one only for a page whose origin is that address.
    assert_eq!(server.get_as(&format!("192.168.1.20:{port}"), "/").status, 200);
    assert_eq!(server.get_as(&format!("attacker.example:{port}"), "/").status, 403);
}

/// Write the fixture's notes again into `site` (after it was deleted).
fn recreate(site: &Path, extra: &str) {
    let os = site.join("Computer Science/운영체제");
    std::fs::create_dir_all(&os).unwrap();
    std::fs::write(site.join("README.md"), "# 공부 노트\n\n면접 준비 노트입니다.\n").unwrap();
    std::fs::write(site.join("Computer Science/README.md"), "# Computer Science\n\n전공 기초.\n").unwrap();
    std::fs::write(os.join("README.md"), "# 운영체제\n\n프로세스와 스레드의 차이.\n").unwrap();
    std::fs::write(os.join("프로세스.md"), format!("# 프로세스\n\n{extra}\n")).unwrap();
}

#[test]
fn a_deleted_and_recreated_notes_folder_is_picked_up_again() {
    let (_tmp, site) = fixture();
    let server = Server::start(&site);
    let mut socket = server.socket();
    let page = "Computer Science/운영체제/프로세스.html";

    std::fs::remove_dir_all(&site).unwrap();
    let error = socket.expect("error");
    assert!(!error["message"].as_str().unwrap().is_empty(), "{error}");
    // A page opened now is a 404 that still shows the overlay and comes back by itself.
    let missing = server.get("/");
    assert_eq!(missing.status, 404);
    assert!(missing.text().contains(RELOAD_SCRIPT), "{}", missing.text());
    assert_eq!(server.socket().next(RELOAD_WAIT).expect("the error on connect"), error);

    // `git clone` again, say: the folder comes back with different text.
    recreate(&site, "다시 만든 폴더의 내용.");
    socket.expect("reload");
    eventually("the recreated folder's page", || served_with(&server, page, "다시 만든 폴더의 내용."));

    // The watch is armed again: a later edit is seen.
    std::fs::write(site.join("Computer Science/운영체제/프로세스.md"), "# 프로세스\n\n다시 만든 뒤 수정.\n").unwrap();
    socket.expect("reload");
    eventually("an edit after the folder came back", || served_with(&server, page, "다시 만든 뒤 수정."));

    // The output folder went with the notes and was made again: still gongbu's own.
    drop(server);
    let again = Server::start(&site);
    assert!(served_with(&again, page, "다시 만든 뒤 수정."));
}

#[test]
fn a_deleted_and_recreated_content_folder_is_picked_up_again() {
    // A site root whose notes live in `content/`: the root stays, the notes folder goes.
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(root.join("gongbu.toml"), "title = \"노트\"\n").unwrap();
    let content = root.join("content");
    recreate(&content, "처음 내용.");
    let server = Server::start(&root);
    let mut socket = server.socket();
    let page = "Computer Science/운영체제/프로세스.html";
    assert!(served_with(&server, page, "처음 내용."));

    std::fs::remove_dir_all(&content).unwrap();
    socket.expect("error");
    recreate(&content, "다시 만든 내용.");
    socket.expect("reload");
    eventually("the recreated content folder's page", || served_with(&server, page, "다시 만든 내용."));
    std::fs::write(content.join("Computer Science/운영체제/프로세스.md"), "# 프로세스\n\n그다음 수정.\n").unwrap();
    socket.expect("reload");
    eventually("a later edit", || served_with(&server, page, "그다음 수정."));
}

#[test]
fn head_and_range_requests_fit_what_is_served() {
    let (_tmp, site) = fixture();
    let server = Server::start(&site);
    let addr = server.addr.as_str();
    let page = server.get("/");
    assert!(page.text().contains(RELOAD_SCRIPT));

    // HEAD of a page: no body, the length of the page as served (file + script).
    let head = request(addr, &format!("HEAD / HTTP/1.1\r\nHost: {addr}\r\n"));
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(head.header("content-length"), Some(page.body.len().to_string().as_str()));
    assert_eq!(head.header("content-type"), Some("text/html; charset=utf-8"));

    // A range of a page would cut the served bytes wrongly: the whole page comes back.
    let ranged = request(addr, &format!("GET / HTTP/1.1\r\nHost: {addr}\r\nRange: bytes=0-9\r\n"));
    assert_eq!(ranged.status, 200);
    assert_eq!(ranged.body, page.body);

    // Other files are served in ranges (video and audio seek with them).
    let image = request(addr, &format!("GET {} HTTP/1.1\r\nHost: {addr}\r\nRange: bytes=1-3\r\n", url("img/그림.PNG")));
    assert_eq!(image.status, 206);
    assert_eq!(image.body, &PNG[1..4]);
    assert_eq!(image.header("cache-control"), Some("no-store"));

    let post = request(addr, &format!("POST / HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 0\r\n"));
    assert_eq!(post.status, 405);
    assert_eq!(post.header("allow"), Some("GET, HEAD"));
}
