//! `bench-serve`: live-reload latency of `gongbu serve` — the time from writing a note to the
//! `reload` message on the live-reload socket — on a copy of a site or on a generated corpus.
//!
//! `cargo run --release --bin bench-serve -- [--site PATH | --notes N] [--runs 20] [--retitle] [--settle-ms 150] [--gongbu PATH] [--work DIR]`
//!
//! The site is copied into the work folder first: the benchmark edits notes.

#[path = "gen-corpus/corpus.rs"]
mod corpus;
#[path = "support/mod.rs"]
mod support;

use clap::Parser;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

#[derive(Parser)]
#[command(about = "Measure write-to-reload latency of `gongbu serve`")]
struct Args {
    /// Site to measure on (copied first; `target`, `.git` and `public` are left out).
    #[arg(long, default_value = ".")]
    site: PathBuf,
    /// Generate a corpus of this many notes and measure on it instead of --site.
    #[arg(long)]
    notes: Option<usize>,
    /// Edits to measure.
    #[arg(long, default_value_t = 20)]
    runs: usize,
    /// gongbu binary [default: `gongbu` next to this executable].
    #[arg(long)]
    gongbu: Option<PathBuf>,
    /// Scratch folder for the copied site or the corpus.
    #[arg(long, default_value = "bench-out")]
    work: PathBuf,
    /// Corpus seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Change the note's title each time (front matter) instead of adding a line: the pages,
    /// navigation and study files showing it change too.
    #[arg(long)]
    retitle: bool,
    /// Quiet time on the socket before each edit, in ms: a retitle's study files are written
    /// after its reload (and a second reload names their pages); a longer wait keeps those
    /// writes out of the next edit's time, as with a person's pace.
    #[arg(long, default_value_t = 150)]
    settle_ms: u64,
}

fn main() -> ExitCode {
    match run(&Args::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench-serve: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> Result<(), String> {
    if args.runs == 0 {
        return Err("--runs must be at least 1".into());
    }
    let gongbu = support::gongbu_binary(args.gongbu.as_deref())?;
    std::fs::create_dir_all(&args.work).map_err(|e| format!("creating {}: {e}", args.work.display()))?;
    let work = args.work.canonicalize().map_err(|e| format!("{}: {e}", args.work.display()))?;

    let (site, label) = match args.notes {
        Some(n) => {
            let dir = work.join(format!("serve-corpus-{n}"));
            support::remove_dir(&dir)?;
            let started = Instant::now();
            corpus::generate(n, args.seed, &dir).map_err(|e| format!("generating {}: {e}", dir.display()))?;
            println!("generated {n} notes in {:.1} s", started.elapsed().as_secs_f64());
            (dir, format!("{n}-note corpus"))
        }
        None => {
            let from = args.site.canonicalize().map_err(|e| format!("{}: {e}", args.site.display()))?;
            let dir = work.join("serve-site");
            support::remove_dir(&dir)?;
            copy_site(&from, &dir, &work)?;
            (dir, format!("site {}", args.site.display()))
        }
    };
    let note = pick_note(&site)?;
    println!("site: {label}\nedited note: {}", note.strip_prefix(&site).unwrap_or(&note).display());

    let started = Instant::now();
    let mut server = Server::start(&gongbu, &site)?;
    println!("server ready in {:.1} s at {}", started.elapsed().as_secs_f64(), server.addr);
    let mut ws = Socket::connect(&server.addr)?;

    let original = std::fs::read_to_string(&note).map_err(|e| format!("{}: {e}", note.display()))?;
    let mut times = Vec::with_capacity(args.runs);
    for i in 1..=args.runs {
        // Let the previous rebuild settle so edits are measured one at a time.
        while ws.next(Duration::from_millis(args.settle_ms))?.is_some() {}
        let written = Instant::now();
        if args.retitle {
            let text = format!("---\ntitle: 벤치마크 제목 {i}\n---\n{original}");
            std::fs::write(&note, text).map_err(|e| format!("{}: {e}", note.display()))?;
        } else {
            let mut file =
                std::fs::OpenOptions::new().append(true).open(&note).map_err(|e| format!("{}: {e}", note.display()))?;
            writeln!(file, "\n벤치마크 편집 {i}.").map_err(|e| format!("{}: {e}", note.display()))?;
        }
        let deadline = written + Duration::from_secs(120);
        loop {
            match ws.next(deadline.saturating_duration_since(Instant::now()))? {
                Some(m) if m.contains("\"reload\"") => break,
                Some(m) if m.contains("\"error\"") => return Err(format!("the site has errors: {m}")),
                Some(_) => continue,
                None => return Err(format!("no reload within 120 s of edit {i}")),
            }
        }
        let took = written.elapsed();
        times.push(took);
        // The server prints its summary just after it sends the reload.
        let mut rebuilt: Vec<String> =
            server.rebuilds.recv_timeout(Duration::from_millis(200)).into_iter().map(|ms| format!("{ms}")).collect();
        rebuilt.extend(server.rebuilds.try_iter().map(|ms| format!("{ms}")));
        println!("  edit {i:>3}: {:>8.1} ms   (server: rebuilt in {} ms)", ms(took), rebuilt.join(" + "));
    }
    server.stop();

    times.sort();
    let pick = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    let (min, median, p95, max) = (times[0], pick(0.5), pick(0.95), times[times.len() - 1]);
    println!(
        "\nwrite → reload over {} edits: min {:.1} ms, median {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        times.len(),
        ms(min),
        ms(median),
        ms(p95),
        ms(max)
    );
    // The project's targets; other corpus sizes have none.
    let target = match args.notes {
        None => Some((50.0, "the sample site")),
        Some(n) if n >= 10_000 => Some((100.0, "10,000 notes")),
        Some(_) => None,
    };
    match target {
        Some((limit, what)) => {
            let verdict = if ms(median) < limit { "PASS" } else { "MISS" };
            println!("target: median < {limit} ms on {what}: {verdict} (informational)");
        }
        None => println!("targets (informational): < 50 ms on the sample site, < 100 ms at 10,000 notes"),
    }
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Copy a site, leaving out build output, VCS data, and the work folder itself.
fn copy_site(from: &Path, to: &Path, work: &Path) -> Result<(), String> {
    let skip = |p: &Path| {
        p.starts_with(work)
            || p.file_name().is_some_and(|n| n == "target" || n == ".git" || n == "public" || n == "node_modules")
    };
    let walk = walkdir::WalkDir::new(from).into_iter().filter_entry(|e| e.depth() == 0 || !skip(e.path()));
    for entry in walk {
        let entry = entry.map_err(|e| e.to_string())?;
        let target = to.join(entry.path().strip_prefix(from).expect("inside the site"));
        let done = if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target)
        } else if entry.file_type().is_file() {
            std::fs::copy(entry.path(), &target).map(drop)
        } else {
            Ok(())
        };
        done.map_err(|e| format!("copying {}: {e}", entry.path().display()))?;
    }
    Ok(())
}

/// The first note (by path) that is not a folder's README or index.
fn pick_note(site: &Path) -> Result<PathBuf, String> {
    let content = if site.join("gongbu.toml").is_file() && site.join("content").is_dir() {
        site.join("content")
    } else {
        site.to_path_buf()
    };
    let mut notes: Vec<PathBuf> = walkdir::WalkDir::new(&content)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    notes.sort();
    let plain = notes.iter().find(|p| p.file_stem().is_some_and(|s| s != "README" && s != "index" && s != "_index"));
    plain.or(notes.first()).cloned().ok_or_else(|| format!("no notes in {}", content.display()))
}

/// `gongbu serve SITE --port 0`, killed when dropped.
struct Server {
    child: Child,
    addr: String,
    /// The server's own `rebuilt in N ms` figures, as they are printed.
    rebuilds: std::sync::mpsc::Receiver<f64>,
}

impl Server {
    fn start(gongbu: &Path, site: &Path) -> Result<Server, String> {
        let mut child = Command::new(gongbu)
            .arg("serve")
            .arg(site)
            .args(["--port", "0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("starting {}: {e}", gongbu.display()))?;
        let (tx, rebuilds) = std::sync::mpsc::channel();
        let stderr = BufReader::new(child.stderr.take().expect("piped"));
        std::thread::spawn(move || {
            for line in stderr.lines().map_while(Result::ok) {
                let figure =
                    line.strip_prefix("rebuilt in ").and_then(|r| r.split(' ').next()).and_then(|n| n.parse().ok());
                match figure {
                    Some(ms) => drop(tx.send(ms)),
                    None if line.contains("error") => eprintln!("gongbu serve: {line}"),
                    None => {}
                }
            }
        });
        let mut lines = BufReader::new(child.stdout.take().expect("piped"));
        let mut line = String::new();
        loop {
            line.clear();
            if lines.read_line(&mut line).map_err(|e| e.to_string())? == 0 {
                let _ = child.wait();
                return Err("gongbu serve exited before serving (try it by hand)".into());
            }
            if let Some(url) = line.trim().strip_prefix("serving at ") {
                let addr = url.trim_start_matches("http://").trim_end_matches('/').to_string();
                return Ok(Server { child, addr, rebuilds });
            }
        }
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The smallest WebSocket client that reads the server's text messages (unmasked, unfragmented).
struct Socket {
    stream: TcpStream,
    buf: Vec<u8>,
}

impl Socket {
    fn connect(addr: &str) -> Result<Socket, String> {
        let io = |e: std::io::Error| format!("WebSocket {addr}: {e}");
        let mut stream = TcpStream::connect(addr).map_err(io)?;
        stream.set_nodelay(true).map_err(io)?;
        write!(
            stream,
            "GET /__gongbu/ws HTTP/1.1\r\nHost: {addr}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
             Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        )
        .map_err(io)?;
        let mut buf = Vec::new();
        let mut chunk = [0u8; 1024];
        let end = loop {
            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            let n = stream.read(&mut chunk).map_err(io)?;
            if n == 0 {
                return Err(format!("WebSocket {addr}: closed during the handshake"));
            }
            buf.extend_from_slice(&chunk[..n]);
        };
        if !buf.starts_with(b"HTTP/1.1 101") {
            return Err(format!("WebSocket {addr}: {}", String::from_utf8_lossy(&buf[..end])));
        }
        let mut socket = Socket { stream, buf: buf.split_off(end) };
        match socket.next(Duration::from_secs(30))? {
            Some(m) if m.contains("\"connected\"") => Ok(socket),
            other => Err(format!("WebSocket {addr}: expected `connected`, got {other:?}")),
        }
    }

    /// The next text message, or None after `wait`.
    fn next(&mut self, wait: Duration) -> Result<Option<String>, String> {
        let deadline = Instant::now() + wait;
        loop {
            if let Some((opcode, payload, used)) = frame(&self.buf) {
                self.buf.drain(..used);
                match opcode {
                    1 => return Ok(Some(String::from_utf8_lossy(&payload).into_owned())),
                    8 => return Err("the server closed the socket".into()),
                    _ => continue,
                }
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Ok(None);
            }
            self.stream.set_read_timeout(Some(left)).map_err(|e| e.to_string())?;
            let mut chunk = [0u8; 4096];
            match self.stream.read(&mut chunk) {
                Ok(0) => return Err("the server closed the socket".into()),
                Ok(n) => self.buf.extend_from_slice(&chunk[..n]),
                Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {
                    return Ok(None)
                }
                Err(e) => return Err(e.to_string()),
            }
        }
    }
}

/// One complete frame at the start of `buf`: (opcode, payload, bytes used).
fn frame(buf: &[u8]) -> Option<(u8, Vec<u8>, usize)> {
    let (&b0, &b1) = (buf.first()?, buf.get(1)?);
    let (len, mut at) = match b1 & 0x7f {
        126 => (u16::from_be_bytes(buf.get(2..4)?.try_into().ok()?) as usize, 4),
        127 => (u64::from_be_bytes(buf.get(2..10)?.try_into().ok()?) as usize, 10),
        n => (n as usize, 2),
    };
    let mask = if b1 & 0x80 != 0 {
        let m: [u8; 4] = buf.get(at..at + 4)?.try_into().ok()?;
        at += 4;
        Some(m)
    } else {
        None
    };
    let mut payload = buf.get(at..at + len)?.to_vec();
    if let Some(m) = mask {
        payload.iter_mut().enumerate().for_each(|(i, b)| *b ^= m[i % 4]);
    }
    Some((b0 & 0x0f, payload, at + len))
}
