//! Inputs that once crashed or stalled a build (issue #8, items 6, 7 and 11), run through the
//! real binary on generated notes in temp folders. Each build must finish (a generous deadline
//! guards against hangs, it measures nothing) with the right exit status and output.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Far above what any of these inputs needs; only a hang or an exploding cost reaches it.
const HANG_GUARD: Duration = Duration::from_secs(60);

fn notes(files: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("notes");
    for (rel, text) in files {
        let path = src.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    std::fs::create_dir_all(&src).unwrap();
    let out = tmp.path().join("out");
    (tmp, src, out)
}

/// `gongbu build SRC -o OUT`, killed if it outlives the hang guard.
fn build(src: &Path, out: &Path) -> Output {
    let child = Command::new(env!("CARGO_BIN_EXE_gongbu"))
        .args(["build", src.to_str().unwrap(), "-o", out.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || tx.send(child.wait_with_output()));
    match rx.recv_timeout(HANG_GUARD) {
        Ok(output) => output.unwrap(),
        Err(_) => {
            let _ = Command::new("kill").arg(pid.to_string()).status();
            panic!("the build did not finish within {HANG_GUARD:?}");
        }
    }
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn build_ok(src: &Path, out: &Path) -> String {
    let output = build(src, out);
    assert!(output.status.success(), "build failed:\n{}", stderr(&output));
    stderr(&output)
}

/// A code block with no language whose text made the language guesser panic: the build
/// names the note, fails with exit 1 (not 101) and leaves the previous output as it was.
#[test]
#[cfg_attr(
    not(debug_assertions),
    ignore = "the test-panic hook exists in debug builds only (`pipeline::panic_if_asked`)"
)]
fn a_panicking_note_fails_the_build_by_name_and_keeps_the_previous_output() {
    // A note that panics while it is rendered (debug builds' fault injection, see
    // `pipeline::panic_if_asked`); its neighbour changes too, so a half-written output would show.
    let bad = "# Bad\n\ngongbu:test-panic-in-render\n";
    let (_tmp, src, out) = notes(&[("ok.md", "# Ok\n\nfine\n"), ("sub/bad.md", bad)]);
    std::fs::remove_file(src.join("sub/bad.md")).unwrap();
    build_ok(&src, &out);
    let before = common::tree(&out);
    std::fs::write(src.join("sub/bad.md"), bad).unwrap();
    std::fs::write(src.join("ok.md"), "# Ok\n\nchanged\n").unwrap();

    let output = build(&src, &out);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.contains("sub/bad.md: error: internal error: "), "{err}");
    assert!(!err.contains("panicked at"), "a caught panic prints no panic report:\n{err}");
    assert!(!err.contains("RUST_BACKTRACE"), "{err}");
    assert_eq!(common::tree(&out), before, "the previous output is untouched");
}

/// A running `gongbu serve`, killed when dropped.
struct Server {
    child: Child,
    addr: String,
    log: std::sync::Arc<std::sync::Mutex<String>>,
}

impl Server {
    fn start(src: &Path, out: &Path) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_gongbu"))
            .args(["serve", src.to_str().unwrap(), "-o", out.to_str().unwrap(), "--port", "0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let log = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let sink = log.clone();
        let mut stderr = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = stderr.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            while std::io::BufRead::read_line(&mut stdout, &mut line).is_ok_and(|n| n > 0) {
                let _ = tx.send(std::mem::take(&mut line));
            }
        });
        let deadline = Instant::now() + HANG_GUARD;
        loop {
            let line = rx.recv_timeout(deadline.saturating_duration_since(Instant::now()));
            match line {
                Ok(line) => {
                    if let Some(url) = line.trim().strip_prefix("serving at ") {
                        let addr = url.trim_start_matches("http://").trim_end_matches('/').to_string();
                        return Server { child, addr, log };
                    }
                }
                Err(_) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    panic!("serve did not start:\n{}", log.lock().unwrap());
                }
            }
        }
    }

    /// Body of `GET path`, over real HTTP.
    fn get(&self, path: &str) -> String {
        let mut stream = TcpStream::connect(&self.addr).unwrap();
        write!(stream, "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n", self.addr).unwrap();
        let mut response = Vec::new();
        stream.read_to_end(&mut response).unwrap();
        String::from_utf8_lossy(&response).into_owned()
    }

    /// Wait until `GET path` answers with `text` in it.
    fn wait_for(&self, path: &str, text: &str) {
        let deadline = Instant::now() + HANG_GUARD;
        while !self.get(path).contains(text) {
            assert!(Instant::now() < deadline, "{path} never showed {text:?}; log:\n{}", self.log());
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `serve` starts on a site whose note panics, reports it, and keeps rebuilding: a note that
/// panics when saved is reported, and later edits (of it and of others) are still shown.
#[test]
#[cfg_attr(
    not(debug_assertions),
    ignore = "the test-panic hook exists in debug builds only (`pipeline::panic_if_asked`)"
)]
fn serve_survives_panicking_notes_and_shows_later_edits() {
    // Panics in the outline pass when it is read, in render when only its body changed.
    let bad = "# Bad\n\ngongbu:test-panic-in-outline\n";
    let (_tmp, src, out) = notes(&[("ok.md", "# Ok\n\nfirst\n"), ("bad.md", bad)]);
    let server = Server::start(&src, &out);
    server.wait_for("/ok.html", "first");
    let reported = |n: usize| {
        let deadline = Instant::now() + HANG_GUARD;
        while server.log().matches("bad.md: error: internal error: asked to panic").count() < n {
            assert!(Instant::now() < deadline, "panic {n} of the note was not reported:\n{}", server.log());
            std::thread::sleep(Duration::from_millis(100));
        }
    };
    reported(1);

    std::fs::write(src.join("bad.md"), "# Bad\n\nfixed now\n").unwrap();
    server.wait_for("/bad.html", "fixed now");
    std::fs::write(src.join("bad.md"), "# Bad\n\ngongbu:test-panic-in-render\n").unwrap();
    reported(2);
    std::fs::write(src.join("ok.md"), "# Ok\n\nsecond\n").unwrap();
    server.wait_for("/ok.html", "second");
    std::fs::write(src.join("bad.md"), "# Bad\n\nfixed again\n").unwrap();
    server.wait_for("/bad.html", "fixed again");
    assert!(!server.log().contains("panicked at"), "{}", server.log());
}

/// 40,000 bare URLs in one paragraph (autolinking and the reference list were quadratic):
/// every one becomes a link and a reference, once.
#[test]
fn forty_thousand_bare_urls_are_all_linked() {
    let urls: Vec<String> = (0..40_000).map(|i| format!("https://e{i}.com/x")).collect();
    let text = format!("# Links\n\n{} {}\n", urls.join(" "), urls[..100].join(" "));
    let (_tmp, src, out) = notes(&[("links.md", &text)]);
    build_ok(&src, &out);
    let page = common::read(&out.join("links.html"));
    let in_text = common::select(&page, "article p a");
    assert_eq!(in_text.len(), 40_100);
    assert_eq!(in_text[39_999].value().attr("href"), Some("https://e39999.com/x"));
    let references = common::select(&page, ".refs li a");
    assert_eq!(references.len(), 40_000, "each URL is one reference");
}

/// A note 200 folders deep: each page shows at most 8 breadcrumbs (the root and the nearest
/// folders), so pages grow linearly with depth instead of quadratically.
#[test]
fn deep_folders_keep_breadcrumbs_short() {
    let folders: Vec<String> = (0..200).map(|i| format!("d{i}")).collect();
    let deep = format!("{}/n.md", folders.join("/"));
    let (_tmp, src, out) = notes(&[(&deep, "# Deep\n\nbottom\n")]);
    build_ok(&src, &out);
    let page = common::read(&out.join(format!("{}/n.html", folders.join("/"))));
    let crumbs: Vec<String> = common::select(&page, "nav.crumbs a").iter().map(|a| a.text().collect()).collect();
    assert_eq!(crumbs.len(), 8, "{crumbs:?}");
    assert_eq!(crumbs[1..], folders[193..].iter().map(String::as_str).collect::<Vec<_>>()[..], "the nearest folders");
    assert!(common::dead_links(&out).is_empty(), "{:?}", common::dead_links(&out));
}

/// NUL and other control characters in a note (its text, headings, title, links, code, front
/// matter, file name) reach no generated file raw: NUL becomes U+FFFD, as CommonMark says.
#[test]
fn control_characters_never_reach_the_output() {
    let note = "---\ntitle: \"T\\u0001itle\"\ndescription: \"d\\u0007esc\"\n---\n# Head\0ing \u{1b}[31m &#1; &#x7f; `&#2;`\n\n## Sub\u{7f}\u{85}head\n\ntext\0 and \u{1}\u{2}\u{b}\u{c} [link\u{1}](https://a.com/\u{1}x \"ti\u{1}tle\") https://b.com/\u{1}y [e](https://c.com/&#1;z \"t&#1;t\") x&#1;y ![i&#1;](i.png \"&#1;\")\n\n```python\nx = '\0\u{1}'\n```\n\n```\nplain\0\u{1b}\n```\n\n<span title=\"a\u{1}b\">html\0</span>\n";
    let (_tmp, src, out) = notes(&[
        ("ctl.md", note),
        ("Fi\u{1}le.md", "no heading\u{3}\n"),
        ("tab.md", "# Tab\n\na\tb\r\nCR\n\n```\nc\td\n```\n"),
    ]);
    build_ok(&src, &out);
    for (path, bytes) in common::tree(&out) {
        let text = String::from_utf8_lossy(&bytes);
        let raw: Vec<(usize, char)> =
            text.char_indices().filter(|(_, c)| c.is_control() && !matches!(c, '\t' | '\n' | '\r')).collect();
        assert!(
            raw.is_empty(),
            "{path} holds control characters {raw:?}: {}",
            &text[raw.first().map_or(0, |r| r.0.saturating_sub(150))..][..200.min(text.len())]
        );
    }
    let page = std::fs::read_to_string(out.join("ctl.html")).unwrap();
    assert!(page.contains("text\u{FFFD} and"), "NUL in text becomes U+FFFD");
    assert!(page.contains("T\u{FFFD}itle"), "and in the title");
    let tab = std::fs::read_to_string(out.join("tab.html")).unwrap();
    // Tabs stay: as written in code; in prose, where a build's minified page folds blanks, as a blank.
    assert!(tab.contains("c\td"), "tabs stay in code");
    assert!(tab.contains("a\tb") || tab.contains("a b"), "a tab in prose stays a blank");
}

/// Long lines whose grammars search the rest of the line again at every token (quadratic):
/// each build finishes, with every line's text on the page.
#[test]
fn long_code_lines_are_shown_whole() {
    let line = |unit: &str, len: usize| unit.repeat(len / unit.len() + 1)[..len].to_string();
    let blocks = [
        ("bash", line("$((", 30_000)),
        ("bash", line("echo \"a $b\" | grep -e 'x' && ls ${y} ; ", 3_000)),
        ("js", line("f(a,{b:[1,\"x\"]},", 300_000)),
        ("js", line("a=>b=>", 30_000)),
        ("python", line("f(a, [1, \"x\"], {", 30_000)),
        ("c", line("f(a[1], (int)b) + ", 30_000)),
        ("json", line("{\"a\":[1,2,{\"b\":\"c\"}],", 30_000)),
        ("html", line("<div class=\"a\"><span>x</span>", 30_000)),
    ];
    let text: String = blocks.iter().map(|(lang, code)| format!("```{lang}\n{code}\necho after\n```\n\n")).collect();
    let (_tmp, src, out) = notes(&[("long.md", &format!("# Long\n\n{text}"))]);
    build_ok(&src, &out);
    let page = common::read(&out.join("long.html"));
    let codes: Vec<String> = common::select(&page, "pre code").iter().map(|c| c.text().collect()).collect();
    assert_eq!(codes.len(), blocks.len());
    for ((lang, code), shown) in blocks.iter().zip(&codes) {
        assert_eq!(shown, &format!("{code}\necho after\n"), "{lang}");
    }
}
