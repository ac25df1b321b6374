//! `gongbu check`: every broken internal link, missing anchor and missing file at its exact
//! `file:line`, nothing written, exit status; `--external` against a local HTTP server of the
//! test's own (never the internet): statuses, redirects, retries, timeouts, HEAD refused, cache.

mod common;

use common::{copy_tree, gongbu, shared_dir, tree};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::Output;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn check(args: &[&str]) -> (Output, Vec<String>) {
    let mut all = vec!["check"];
    all.extend_from_slice(args);
    let output = gongbu(&all);
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let problems = stdout.lines().filter(|l| l.contains(": warning: ") || l.contains(": error: ")).map(String::from);
    (output, problems.collect())
}

/// Notes with known problems, each on a line of its own.
fn broken_notes(dir: &Path) {
    write(&dir.join("README.md"), "# Home\n\n- [Network](network/tcp.md)\n- [OS](os/README.md#스케줄링)\n");
    write(
        &dir.join("network/tcp.md"),
        "# TCP\n\n## 3-way handshake\n\n\
         [ok](#3-way-handshake) [home](../README.md)\n\
         [no such note](udp.md)\n\
         [missing anchor](#4-way-handshake)\n\
         ![missing image](img/handshake.png)\n\
         [case only](../OS/README.md)\n\
         <div>\n<p>raw html</p>\n<a href=\"gone.md#x\">gone</a>\n</div>\n",
    );
    write(&dir.join("os/README.md"), "# OS\n\n## 스케줄링\n\n[other note's anchor](../network/tcp.md#없는-제목)\n");
    write(&dir.join("os/pic.png"), "png");
}

#[test]
fn every_broken_link_missing_anchor_and_file_at_its_line_and_nothing_written() {
    let tmp = tempfile::tempdir().unwrap();
    let notes = tmp.path().join("notes");
    broken_notes(&notes);
    let before = tree(&notes);
    let (output, problems) = check(&[notes.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1), "{problems:#?}");
    assert_eq!(
        problems,
        [
            "network/tcp.md:6: warning: broken link: `udp.md`: no such note or file",
            "network/tcp.md:7: warning: no heading `#4-way-handshake` in network/tcp.md",
            "network/tcp.md:8: warning: broken link: `img/handshake.png`: no such note or file",
            "network/tcp.md:9: warning: link `../OS/README.md` matches a file only when letter case is ignored",
            "network/tcp.md:12: warning: broken link: `gone.md#x`: no such note or file",
            "os/README.md:5: warning: link `../network/tcp.md#없는-제목`: no heading `#없는-제목` in network/tcp.md",
        ]
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("checked 3 notes in ") && stdout.contains(": 6 problem(s) in 2 file(s)"), "{stdout}");
    // Nothing written: no output folder, the notes as they were.
    assert!(!notes.join("public").exists());
    assert_eq!(tree(&notes), before);

    // The same problems a build warns about.
    let out = tmp.path().join("out");
    let stderr = common::build_ok(&notes, &out, &[]);
    let warned: Vec<&str> = stderr.lines().filter(|l| l.contains(": warning: ")).collect();
    assert_eq!(warned, problems);
}

#[test]
fn a_site_without_problems_exits_zero_and_leaves_its_output_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    copy_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("content"), &site.join("content"));
    write(&site.join("gongbu.toml"), "title = \"t\"\n");
    common::build_ok(&site, &site.join("public"), &[]);
    let before = tree(&site);
    let (output, problems) = check(&[site.to_str().unwrap()]);
    assert!(problems.is_empty(), "{problems:#?}");
    assert_eq!(output.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&output.stdout).contains(": no problems"));
    assert_eq!(tree(&site), before, "check wrote nothing");
}

#[test]
fn the_shared_corpus_reports_what_its_build_warns_about() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus");
    copy_tree(&shared_dir().join("corpora/tech-interview-for-developer"), &corpus);
    let (output, problems) = check(&[corpus.to_str().unwrap()]);
    let stderr = common::build_ok(&corpus, &tmp.path().join("out"), &[]);
    let warned: Vec<&str> = stderr.lines().filter(|l| l.contains(": warning: ")).collect();
    assert!(!warned.is_empty(), "the corpus has known broken links");
    assert_eq!(problems, warned);
    assert_eq!(output.status.code(), Some(1));
}

/// A local HTTP/1.1 server: each path answers as the test needs, and every request is counted
/// by method and path.
struct Server {
    addr: String,
    requests: Arc<Mutex<Vec<(String, String)>>>,
}

impl Server {
    fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = requests.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let seen = seen.clone();
                std::thread::spawn(move || answer(stream, &seen));
            }
        });
        Server { addr, requests }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.addr)
    }

    fn count(&self, method: &str, path: &str) -> usize {
        self.requests.lock().unwrap().iter().filter(|(m, p)| m == method && p == path).count()
    }

    fn total(&self) -> usize {
        self.requests.lock().unwrap().len()
    }
}

fn answer(stream: TcpStream, seen: &Mutex<Vec<(String, String)>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    let mut parts = line.split_whitespace();
    let (method, path) = (parts.next().unwrap_or("").to_string(), parts.next().unwrap_or("").to_string());
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).unwrap_or(0) == 0 || header == "\r\n" {
            break;
        }
    }
    let earlier = {
        let mut seen = seen.lock().unwrap();
        let earlier = seen.iter().filter(|(_, p)| *p == path).count();
        seen.push((method.clone(), path.clone()));
        earlier
    };
    let (status, extra) = match path.as_str() {
        "/ok" | "/ok-too" => ("200 OK", ""),
        "/missing" => ("404 Not Found", ""),
        "/moved" => ("301 Moved Permanently", "Location: /ok\r\n"),
        "/busy" if earlier == 0 => ("429 Too Many Requests", "Retry-After: 0\r\n"),
        "/busy" => ("200 OK", ""),
        "/flaky" if earlier == 0 => ("503 Service Unavailable", ""),
        "/flaky" => ("200 OK", ""),
        "/slow" => {
            std::thread::sleep(Duration::from_secs(4));
            ("200 OK", "")
        }
        "/no-head" if method == "HEAD" => ("405 Method Not Allowed", ""),
        "/no-head" => ("200 OK", ""),
        "/loop" => ("302 Found", "Location: /loop\r\n"),
        _ => ("404 Not Found", ""),
    };
    let mut stream = stream;
    let _ = write!(stream, "HTTP/1.1 {status}\r\n{extra}Content-Length: 0\r\nConnection: close\r\n\r\n");
}

#[test]
fn external_links_are_checked_against_a_local_server_and_ok_ones_are_cached() {
    let server = Server::start();
    let tmp = tempfile::tempdir().unwrap();
    let notes = tmp.path().join("notes");
    let u = |p: &str| server.url(p);
    write(
        &notes.join("a.md"),
        &format!(
            "# A\n\n[ok]({})\n[missing]({})\n[moved]({})\n\n@{}\n<a href=\"{}\">no head</a>\n\n![img]({})\n",
            u("/ok"),
            u("/missing"),
            u("/moved"),
            u("/busy"),
            u("/no-head"),
            u("/flaky"),
        ),
    );
    write(
        &notes.join("sub/b.md"),
        &format!(
            "# B\n\nsee {} and\n\n- [again]({})\n- [slow]({})\n- [loop]({})\n",
            u("/ok-too"),
            u("/missing"),
            u("/slow"),
            u("/loop")
        ),
    );
    let cache = tmp.path().join("cache");
    let args = ["--external", "--timeout", "1", "--cache", cache.to_str().unwrap()];
    let mut first = vec![notes.to_str().unwrap()];
    first.extend_from_slice(&args);
    let started = Instant::now();
    let (output, problems) = check(&first);
    let took = started.elapsed();
    assert_eq!(output.status.code(), Some(1), "{problems:#?}");
    let (missing, slow, looping) = (u("/missing"), u("/slow"), u("/loop"));
    assert_eq!(
        problems,
        [
            format!("a.md:4: warning: broken external link `{missing}`: HTTP 404"),
            format!("sub/b.md:5: warning: broken external link `{missing}`: HTTP 404"),
            format!("sub/b.md:6: warning: broken external link `{slow}`: timed out"),
            format!("sub/b.md:7: warning: broken external link `{looping}`: too many redirects"),
        ]
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("10 external link(s) to 9 address(es): 6 answered, 0 from the cache, 3 broken"),
        "{stdout}"
    );
    // Each broken address was asked once per attempt; the slow one was retried twice, with a
    // timeout of a second each (and not four, the server's delay).
    assert_eq!(server.count("HEAD", "/missing"), 1);
    assert_eq!(server.count("HEAD", "/slow"), 3);
    assert!(took < Duration::from_secs(4 * 3), "timeouts bound the check: {took:?}");
    // 429 and 503 are retried, HEAD refused with 405 is asked again with GET, 301 followed.
    assert_eq!((server.count("HEAD", "/busy"), server.count("HEAD", "/flaky")), (2, 2));
    assert_eq!((server.count("HEAD", "/no-head"), server.count("GET", "/no-head")), (1, 1));
    assert_eq!((server.count("HEAD", "/moved"), server.count("HEAD", "/ok")), (1, 2));

    // Second run: the addresses that answered come from the cache; only the broken ones are
    // asked again.
    let asked_before: HashMap<&str, usize> = ["/ok", "/ok-too", "/busy", "/flaky", "/no-head", "/moved", "/missing"]
        .map(|p| (p, server.count("HEAD", p)))
        .into();
    let total_before = server.total();
    let (output, again) = check(&first);
    assert_eq!(again, problems);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("6 from the cache, 3 broken"), "{stdout}");
    for path in ["/ok", "/ok-too", "/busy", "/flaky", "/no-head", "/moved"] {
        assert_eq!(server.count("HEAD", path), asked_before[path], "{path} was cached");
    }
    assert_eq!(server.count("HEAD", "/missing"), asked_before["/missing"] + 1, "failures are asked again");
    assert!(server.total() > total_before);
    let cached = std::fs::read_to_string(cache.join("links.json")).unwrap();
    assert!(cached.contains(&u("/ok")) && !cached.contains(&missing), "{cached}");

    // Entries older than a day are asked again.
    let old: serde_json::Value = serde_json::from_str(&cached).unwrap();
    let mut aged = old.clone();
    for (_, checked) in aged["ok"].as_object_mut().unwrap().iter_mut() {
        *checked = serde_json::json!(checked.as_u64().unwrap() - 25 * 60 * 60);
    }
    std::fs::write(cache.join("links.json"), aged.to_string()).unwrap();
    let ok_before = server.count("HEAD", "/ok");
    check(&first);
    assert!(server.count("HEAD", "/ok") > ok_before, "an entry older than a day expired");
}

#[test]
fn the_cache_is_under_the_site_root_by_default_and_no_cache_leaves_it_alone() {
    let server = Server::start();
    let tmp = tempfile::tempdir().unwrap();
    let notes = tmp.path().join("notes");
    write(&notes.join("a.md"), &format!("# A\n\n{}\n", server.url("/ok")));
    let (output, problems) = check(&[notes.to_str().unwrap(), "--external"]);
    assert_eq!((output.status.code(), problems.len()), (Some(0), 0));
    assert!(notes.join(".gongbu-cache/links.json").is_file());
    check(&[notes.to_str().unwrap(), "--external"]);
    assert_eq!(server.count("HEAD", "/ok"), 1, "the second check used the cache");
    check(&[notes.to_str().unwrap(), "--external", "--no-cache"]);
    assert_eq!(server.count("HEAD", "/ok"), 2, "--no-cache asks");
    // The cache folder is hidden: never published as notes.
    let out = tmp.path().join("out");
    common::build_ok(&notes, &out, &[]);
    assert!(!out.join(".gongbu-cache").exists());
}

#[test]
fn no_more_than_two_requests_to_one_host_at_once() {
    // A server that holds each request a while and records how many are open at once.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let open = Arc::new(Mutex::new((0usize, 0usize)));
    let state = open.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let state = state.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                while reader.read_line(&mut line).unwrap_or(0) > 0 && !line.ends_with("\r\n\r\n") {}
                {
                    let mut s = state.lock().unwrap();
                    s.0 += 1;
                    s.1 = s.1.max(s.0);
                }
                std::thread::sleep(Duration::from_millis(150));
                state.lock().unwrap().0 -= 1;
                let mut stream = stream;
                let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            });
        }
    });
    let tmp = tempfile::tempdir().unwrap();
    let notes = tmp.path().join("notes");
    let links: String = (0..8).map(|i| format!("- http://{addr}/page{i}\n")).collect();
    write(&notes.join("a.md"), &format!("# A\n\n{links}"));
    let (output, problems) = check(&[notes.to_str().unwrap(), "--external", "--no-cache"]);
    assert_eq!((output.status.code(), problems.len()), (Some(0), 0), "{problems:?}");
    assert_eq!(open.lock().unwrap().1, 2, "at most two at once, and the limit was used");
}
