//! `bench`: end-to-end benchmark of the `gongbu build` CLI on generated corpora — cold build
//! time, peak memory, output size, a warm build (1% of the notes edited, with the build cache of
//! the last build), `gongbu serve` start-up with a warm build cache, and an in-process incremental
//! rebuild after a one-note edit — compared against the project's performance targets.
//!
//! `cargo run --release --bin bench -- [--notes 1,1000,10000] [--runs 3] [--gongbu PATH] [--work DIR]`

#[path = "gen-corpus/corpus.rs"]
mod corpus;
#[path = "support/mod.rs"]
mod support;

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use clap::Parser;

#[derive(Parser)]
#[command(about = "Benchmark `gongbu build` on generated corpora")]
struct Args {
    /// Corpus sizes to measure (comma-separated note counts).
    #[arg(long, value_delimiter = ',', default_values_t = [1, 1000, 10000])]
    notes: Vec<usize>,
    /// Cold builds (and warm rebuilds) per corpus size; the median is reported.
    #[arg(long, default_value_t = 3)]
    runs: usize,
    /// gongbu binary to benchmark [default: `gongbu` next to this executable].
    #[arg(long)]
    gongbu: Option<PathBuf>,
    /// Scratch folder for corpora and outputs (deleted and recreated per size).
    #[arg(long, default_value = "bench-out")]
    work: PathBuf,
    /// Corpus seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

/// One child-process run.
#[derive(Clone, Copy)]
struct Run {
    wall: Duration,
    /// Peak resident set size of the child, KiB (None where `wait4` is unavailable).
    peak_rss_kib: Option<u64>,
    /// The child's user and system CPU time (None where `wait4` is unavailable, and for the
    /// in-process rebuilds). Shown beside the wall time because on some file systems the
    /// kernel's share swings with what was deleted minutes before; user time does not.
    cpu: Option<Cpu>,
    /// For incremental rebuilds: the edit changed the note's title.
    retitle: bool,
}

/// User and system CPU time of a child process.
#[derive(Clone, Copy)]
struct Cpu {
    user: Duration,
    system: Duration,
}

/// What `wait_child` learns of a finished child besides its exit status.
struct ChildUsage {
    peak_rss_kib: Option<u64>,
    cpu: Option<Cpu>,
}

/// Everything measured for one corpus size.
struct SizeReport {
    notes: usize,
    gen_time: Duration,
    corpus_bytes: u64,
    cold: Vec<Run>,
    out_bytes: u64,
    out_files: u64,
    /// `gongbu build` over the last output, with its build cache, after 1% of the notes changed.
    warm_builds: Vec<Run>,
    /// `gongbu serve --cache` until it serves, with the cache of an earlier start.
    serve_starts: Vec<Run>,
    warm: Vec<Run>,
}

impl SizeReport {
    fn cold_walls(&self) -> Vec<Duration> {
        self.cold.iter().map(|r| r.wall).collect()
    }
    fn peak_mib(&self) -> Option<f64> {
        self.cold.iter().filter_map(|r| r.peak_rss_kib).max().map(|k| k as f64 / 1024.0)
    }
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> Result<(), String> {
    if args.runs == 0 || args.notes.contains(&0) {
        return Err("--runs and every --notes value must be at least 1".into());
    }
    let gongbu = support::gongbu_binary(args.gongbu.as_deref())?;
    fs::create_dir_all(&args.work).map_err(|e| format!("creating {}: {e}", args.work.display()))?;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("gongbu: {}\nwork dir: {}\ncores: {cores}\n", gongbu.display(), args.work.display());

    // Leftovers of an earlier run are set aside, not deleted, before anything is timed.
    for stale in fs::read_dir(&args.work).map_err(|e| e.to_string())?.filter_map(Result::ok) {
        if stale.file_name() != ".trash" {
            set_aside(&stale.path(), &args.work)?;
        }
    }
    let mut reports = Vec::new();
    for &n in &args.notes {
        reports.push(bench_size(&gongbu, args, n)?);
    }
    print_table(&reports, cores);
    print_targets(&reports);
    support::remove_dir(&args.work.join(".trash"))
}

fn bench_size(gongbu: &Path, args: &Args, n: usize) -> Result<SizeReport, String> {
    println!("== {n} notes ==");
    let corpus_dir = args.work.join(format!("corpus-{n}"));
    let out_dir = args.work.join(format!("out-{n}"));
    set_aside(&corpus_dir, &args.work)?;

    let start = Instant::now();
    let stats =
        corpus::generate(n, args.seed, &corpus_dir).map_err(|e| format!("generating {}: {e}", corpus_dir.display()))?;
    let gen_time = start.elapsed();
    println!("corpus generated in {}\n{}", fmt_dur(gen_time), stats.summary());

    // Cold builds: no previous output. (Page cache is deliberately not dropped.)
    // Each cold run writes a fresh folder, after the disk has settled (`sync`), so one run's
    // writeback and deletions do not land in the next run's timing; old outputs go at the end.
    let mut cold = Vec::with_capacity(args.runs);
    set_aside(&out_dir, &args.work)?;
    let run_dir = |i: usize| args.work.join(format!("out-{n}-cold-{i}"));
    for i in 1..=args.runs {
        set_aside(&run_dir(i), &args.work)?;
    }
    // The build cache sits beside the outputs; a cold build starts without it (and `gongbu
    // build` without `--cache` neither reads nor writes one).
    let cache_dir = args.work.join(".gongbu-cache");
    for i in 1..=args.runs {
        support::remove_dir(&cache_dir)?;
        settle_disk();
        let r = run_build(gongbu, &corpus_dir, &run_dir(i), false)?;
        println!(
            "  cold run {i}: {}, peak {}{}",
            fmt_dur(r.wall),
            fmt_mib(r.peak_rss_kib.map(|k| k as f64 / 1024.0)),
            fmt_cpu(r.cpu)
        );
        cold.push(r);
    }
    fs::rename(run_dir(args.runs), &out_dir).map_err(|e| format!("keeping the last output: {e}"))?;
    for i in 1..args.runs {
        set_aside(&run_dir(i), &args.work)?;
    }
    if !out_dir.is_dir() {
        return Err(format!("gongbu exited successfully but wrote nothing to {}", out_dir.display()));
    }
    let (out_bytes, out_files) = dir_size(&out_dir).map_err(|e| format!("measuring {}: {e}", out_dir.display()))?;

    // Over the last cold run's output, one build with `--cache` fills the cache (not timed), as
    // a first build in CI with a cached folder would.
    run_build(gongbu, &corpus_dir, &out_dir, true)?;
    let warm_builds = measure_warm_builds(gongbu, &corpus_dir, &out_dir, n, args.runs)?;
    let serve_starts = measure_serve_starts(gongbu, &corpus_dir, &args.work.join(format!("out-{n}-serve")), args.runs)?;

    // The output of the last cold run stays in place, as it would for a user editing notes.
    let edited = corpus_dir.join(corpus::note_rel_path(n / 2, n));
    let session_out = args.work.join(format!("out-{n}-session"));
    let warm = measure_one_note_rebuild(&corpus_dir, &session_out, &edited, args.runs)?;
    println!();

    Ok(SizeReport {
        notes: n,
        gen_time,
        corpus_bytes: stats.total_bytes,
        cold,
        out_bytes,
        out_files,
        warm_builds,
        serve_starts,
        warm,
    })
}

/// `gongbu build` after 1% of the notes (at least one) changed since the last build, as after a
/// `git pull`: each run edits other notes (a new line and a new code block each) and builds over
/// the last output with the build cache beside it. The notes are restored at the end.
fn measure_warm_builds(
    gongbu: &Path,
    corpus_dir: &Path,
    out_dir: &Path,
    n: usize,
    runs: usize,
) -> Result<Vec<Run>, String> {
    let edits = n.div_ceil(100);
    let mut originals = Vec::new();
    let mut results = Vec::with_capacity(runs);
    for run in 1..=runs {
        for k in 0..edits {
            let note = corpus_dir.join(corpus::note_rel_path((k * 100 + run * 37) % n, n));
            let text = fs::read_to_string(&note).map_err(|e| format!("reading {}: {e}", note.display()))?;
            let added = format!(
                "{text}
벤치마크 편집 {run}: 한 줄을 추가했다.

```python
print({run} * {k})
```
"
            );
            fs::write(&note, added).map_err(|e| format!("editing {}: {e}", note.display()))?;
            originals.push((note, text));
        }
        settle_disk();
        let r = run_build(gongbu, corpus_dir, out_dir, true)?;
        println!(
            "  warm build {run} ({edits} notes edited): {}, peak {}{}",
            fmt_dur(r.wall),
            fmt_mib(r.peak_rss_kib.map(|k| k as f64 / 1024.0)),
            fmt_cpu(r.cpu)
        );
        results.push(r);
    }
    // Restored newest first, so a note edited twice gets its first text back.
    for (note, text) in originals.into_iter().rev() {
        fs::write(&note, text).map_err(|e| format!("restoring {}: {e}", note.display()))?;
    }
    Ok(results)
}

/// `gongbu serve --cache` start-up: from launch until it prints `serving at` (its first build
/// written, the notes watched), with the build cache of an earlier start of the same notes (the
/// first start fills it and is not timed), and the output of that start in place.
fn measure_serve_starts(gongbu: &Path, corpus_dir: &Path, out_dir: &Path, runs: usize) -> Result<Vec<Run>, String> {
    let mut results = Vec::with_capacity(runs);
    for run in 0..=runs {
        settle_disk();
        let started = Instant::now();
        let mut child = Command::new(gongbu)
            .arg("serve")
            .arg(corpus_dir)
            .args(["--port", "0", "--cache", "-o"])
            .arg(out_dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("starting `{} serve`: {e}", gongbu.display()))?;
        let stdout = std::io::BufReader::new(child.stdout.take().expect("stdout is piped"));
        let ready = std::io::BufRead::lines(stdout).map_while(Result::ok).any(|l| l.starts_with("serving at "));
        let wall = started.elapsed();
        let _ = child.kill();
        let (_, status, usage) = wait_child(&mut child)?;
        if !ready {
            return Err(format!("`gongbu serve {}` did not start ({status})", corpus_dir.display()));
        }
        if run > 0 {
            // The CPU figure runs until the kill, a little after "serving at": not shown.
            let peak_rss_kib = usage.peak_rss_kib;
            let peak = fmt_mib(peak_rss_kib.map(|k| k as f64 / 1024.0));
            println!("  serve start-up {run} (warm cache): {}, peak {peak}", fmt_dur(wall));
            results.push(Run { wall, peak_rss_kib, cpu: None, retitle: false });
        }
    }
    Ok(results)
}

/// Time to bring an output up to date after one note changes, as `gongbu serve` does it: an
/// in-process `Session` that built the site once, then rebuilds after each edit. Two kinds of
/// edit are timed: a body edit (the common case) and a title edit, which also re-renders the
/// neighbours, the folder page and the navigation that show the title.
fn measure_one_note_rebuild(corpus_dir: &Path, out_dir: &Path, note: &Path, runs: usize) -> Result<Vec<Run>, String> {
    use gongbu::config::{Config, Overrides};
    use gongbu::session::Session;
    let overrides = Overrides { output_dir: Some(out_dir.to_path_buf()), ..Default::default() };
    let config = Config::load(corpus_dir, overrides.clone()).map_err(|e| e.to_string())?;
    let mut session = Session::open(config, overrides, true).map_err(|e| e.to_string())?;
    session.rebuild(&[]).map_err(|e| e.to_string())?;
    // `serve` prepares for the next edit while idle after each rebuild (`Session::prepare`).
    session.prepare(&|| false);
    let original = fs::read_to_string(note).map_err(|e| format!("reading {}: {e}", note.display()))?;
    let mut results = Vec::with_capacity(runs * 2);
    for i in 1..=runs * 2 {
        let retitle = i > runs;
        // A new line each time, so every rebuild sees a real content change.
        let text = if retitle {
            format!("---\ntitle: 벤치마크 제목 {i}\n---\n{original}")
        } else {
            format!("{original}\n벤치마크 편집 {i}: 한 줄을 추가했다.\n")
        };
        fs::write(note, text).map_err(|e| format!("editing {}: {e}", note.display()))?;
        let started = Instant::now();
        let rebuilt = session.rebuild(&[note.to_path_buf()]);
        let wall = started.elapsed();
        if i == runs * 2 || rebuilt.is_err() {
            fs::write(note, &original).map_err(|e| format!("restoring {}: {e}", note.display()))?;
        }
        let rebuilt = rebuilt.map_err(|e| e.to_string())?;
        // The study files a rebuild leaves to write after the reload (`Rebuild::pending`) are
        // written before the next edit, as between a person's saves; timed apart.
        let late_started = Instant::now();
        let late_problems = session.finish_writes();
        let late = late_started.elapsed();
        session.prepare(&|| false);
        if !late_problems.is_empty() {
            return Err(format!("writing after the rebuild failed: {late_problems:?}"));
        }
        if !rebuilt.errors.is_empty() {
            return Err(format!("incremental rebuild failed: {:?}", rebuilt.errors));
        }
        if rebuilt.rendered == 0 {
            return Err(format!("the edit of {} was not picked up: nothing was rendered", note.display()));
        }
        let kind = if retitle { "title edit" } else { "body edit" };
        println!(
            "  one-note incremental rebuild ({kind}) {}: {} ({} pages rendered, {} files changed; {} files written after it in {})",
            i,
            fmt_dur(wall),
            rebuilt.rendered,
            rebuilt.changed.len(),
            rebuilt.pending.len(),
            fmt_dur(late)
        );
        results.push(Run { wall, peak_rss_kib: None, cpu: None, retitle });
    }
    Ok(results)
}

/// Flush dirty pages so earlier writes are not still being written back during a timed run.
fn settle_disk() {
    let _ = std::process::Command::new("sync").status();
}

/// Runs `gongbu build CORPUS -o OUT` (with `--cache` when `cache`); a non-zero exit is an error
/// carrying the child's stderr.
fn run_build(gongbu: &Path, corpus_dir: &Path, out_dir: &Path, cache: bool) -> Result<Run, String> {
    let describe = || format!("{} build {} -o {}", gongbu.display(), corpus_dir.display(), out_dir.display());
    let start = Instant::now();
    let mut child = Command::new(gongbu)
        .arg("build")
        .arg(corpus_dir)
        .arg("-o")
        .arg(out_dir)
        .args(cache.then_some("--cache"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("starting `{}`: {e}", describe()))?;
    // Drain stderr on a thread so a chatty child cannot block on a full pipe.
    let mut stderr_pipe = child.stderr.take().expect("stderr is piped");
    let stderr_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stderr_pipe.read_to_end(&mut buf);
        buf
    });
    let (success, status_text, usage) = wait_child(&mut child)?;
    let wall = start.elapsed();
    let stderr = stderr_reader.join().unwrap_or_default();
    if !success {
        return Err(format!("`{}` failed ({status_text}); stderr:\n{}", describe(), String::from_utf8_lossy(&stderr)));
    }
    Ok(Run { wall, peak_rss_kib: usage.peak_rss_kib, cpu: usage.cpu, retitle: false })
}

/// Waits for the child with `wait4`, which also returns its exact peak RSS (`ru_maxrss`) and
/// CPU times. Returns (success, status description, usage).
#[cfg(unix)]
fn wait_child(child: &mut std::process::Child) -> Result<(bool, String, ChildUsage), String> {
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: rusage is plain old data; zeroed is a valid value and wait4 overwrites it.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: valid pointers to live locals; `pid` is our own unreaped child. std's
        // `Child` is never waited on afterwards, so the pid is reaped exactly once.
        let rc = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if rc == pid {
            break;
        }
        let err = std::io::Error::last_os_error();
        if err.kind() != std::io::ErrorKind::Interrupted {
            return Err(format!("wait4({pid}): {err}"));
        }
    }
    // Linux reports ru_maxrss in KiB (macOS in bytes; this benchmark targets Linux).
    let time = |t: libc::timeval| Duration::new(t.tv_sec.max(0) as u64, (t.tv_usec.max(0) as u32) * 1000);
    let found = ChildUsage {
        peak_rss_kib: u64::try_from(usage.ru_maxrss).ok(),
        cpu: Some(Cpu { user: time(usage.ru_utime), system: time(usage.ru_stime) }),
    };
    if libc::WIFEXITED(status) {
        let code = libc::WEXITSTATUS(status);
        Ok((code == 0, format!("exit code {code}"), found))
    } else if libc::WIFSIGNALED(status) {
        Ok((false, format!("killed by signal {}", libc::WTERMSIG(status)), found))
    } else {
        Ok((false, format!("wait status {status:#x}"), found))
    }
}

/// Without `wait4` there is no peak-memory figure; timing still works.
#[cfg(not(unix))]
fn wait_child(child: &mut std::process::Child) -> Result<(bool, String, ChildUsage), String> {
    let status = child.wait().map_err(|e| format!("waiting for gongbu: {e}"))?;
    Ok((status.success(), status.to_string(), ChildUsage { peak_rss_kib: None, cpu: None }))
}

/// Total bytes and file count under `dir` (symlinks are not followed).
fn dir_size(dir: &Path) -> std::io::Result<(u64, u64)> {
    let (mut bytes, mut files) = (0, 0);
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d)? {
            let entry = entry?;
            let meta = entry.metadata()?;
            if meta.is_dir() {
                stack.push(entry.path());
            } else if meta.is_file() {
                bytes += meta.len();
                files += 1;
            }
        }
    }
    Ok((bytes, files))
}

/// Move a folder out of the way without deleting it: deleting thousands of files right before
/// a timed build makes the file system slower to create new ones (ext4 without a journal skips
/// recently freed inodes for minutes), which no real cold build pays. `run` deletes the set-aside
/// folders once every measurement is done.
fn set_aside(dir: &Path, work: &Path) -> Result<(), String> {
    if !dir.exists() {
        return Ok(());
    }
    let trash = work.join(".trash");
    fs::create_dir_all(&trash).map_err(|e| format!("creating {}: {e}", trash.display()))?;
    // The first free number: a count of what is there can name a folder still there when an
    // earlier run was stopped half-way through deleting its own.
    let free = (0..).map(|n| trash.join(format!("{}-{n}", std::process::id()))).find(|t| !t.exists());
    let target = free.expect("an unused name");
    fs::rename(dir, &target).map_err(|e| format!("moving {} aside: {e}", dir.display()))
}

// ---------------------------------------------------------------------------------------
// Reporting
// ---------------------------------------------------------------------------------------

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    let m = xs.len() / 2;
    if xs.len() % 2 == 0 {
        (xs[m - 1] + xs[m]) / 2
    } else {
        xs[m]
    }
}

fn fmt_dur(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        format!("{:.1} ms", d.as_secs_f64() * 1000.0)
    } else {
        format!("{:.2} s", d.as_secs_f64())
    }
}

/// ", CPU 1.52 s user + 0.19 s system", or nothing where unknown.
fn fmt_cpu(cpu: Option<Cpu>) -> String {
    cpu.map_or(String::new(), |c| {
        format!(", CPU {:.2} s user + {:.2} s system", c.user.as_secs_f64(), c.system.as_secs_f64())
    })
}

fn fmt_mib(m: Option<f64>) -> String {
    m.map_or("n/a".into(), |m| format!("{m:.1} MiB"))
}

fn print_table(reports: &[SizeReport], cores: usize) {
    const MIB: f64 = 1024.0 * 1024.0;
    println!("## gongbu build benchmark ({cores} cores)\n");
    println!(
        "| notes | corpus MiB | gen time | cold median | cold min | cold max | notes/s | peak MiB | output MiB | output files | bytes/note | warm build, 1% edited (median) | warm peak MiB | serve start-up, warm cache (median) | serve peak MiB | one-note rebuild, body edit (median) | title edit (median) |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for r in reports {
        let walls = r.cold_walls();
        let med = median(walls.clone());
        let min = *walls.iter().min().expect("at least one run");
        let max = *walls.iter().max().expect("at least one run");
        println!(
            "| {} | {:.1} | {} | {} | {} | {} | {:.0} | {} | {:.1} | {} | {:.0} | {} | {} | {} | {} | {} | {} |",
            r.notes,
            r.corpus_bytes as f64 / MIB,
            fmt_dur(r.gen_time),
            fmt_dur(med),
            fmt_dur(min),
            fmt_dur(max),
            r.notes as f64 / med.as_secs_f64().max(1e-9),
            r.peak_mib().map_or("n/a".into(), |m| format!("{m:.1}")),
            r.out_bytes as f64 / MIB,
            r.out_files,
            r.out_bytes as f64 / r.notes as f64,
            fmt_dur(median(r.warm_builds.iter().map(|w| w.wall).collect())),
            peak_of(&r.warm_builds),
            fmt_dur(median(r.serve_starts.iter().map(|w| w.wall).collect())),
            peak_of(&r.serve_starts),
            fmt_dur(median(r.warm.iter().filter(|w| !w.retitle).map(|w| w.wall).collect())),
            fmt_dur(median(r.warm.iter().filter(|w| w.retitle).map(|w| w.wall).collect())),
        );
    }
    println!();
}

/// The highest peak memory of `runs`, MiB.
fn peak_of(runs: &[Run]) -> String {
    runs.iter().filter_map(|w| w.peak_rss_kib).max().map_or("n/a".into(), |k| format!("{:.1}", k as f64 / 1024.0))
}

/// Informational only: a MISS does not change the exit code.
fn print_targets(reports: &[SizeReport]) {
    println!("## targets\n");
    let find = |n: usize| reports.iter().find(|r| r.notes == n);
    let verdict = |ok: bool| if ok { "PASS" } else { "MISS" };
    // One line per target: the median of `walls` of the `n`-note corpus against `limit`.
    let target = |n: usize, limit: Duration, label: &str, walls: fn(&SizeReport) -> Vec<Duration>| match find(n) {
        Some(r) => {
            let med = median(walls(r));
            println!("- {}: {label} < {} — median {}", verdict(med < limit), fmt_dur(limit), fmt_dur(med));
        }
        None => println!("- n/a: {label} < {} — not measured (add {n} to --notes)", fmt_dur(limit)),
    };
    let cold = |r: &SizeReport| r.cold_walls();
    // Cold, warm, serve and memory limits are #15's (every feature on); the rest are older ones.
    target(1, Duration::from_millis(50), "one-note site cold build", cold);
    target(1000, Duration::from_millis(600), "1,000 notes cold build", cold);
    target(10_000, Duration::from_secs(5), "10,000 notes cold build", cold);
    let warm = |r: &SizeReport| r.warm_builds.iter().map(|w| w.wall).collect();
    target(10_000, Duration::from_millis(1500), "10,000 notes warm build (1% edited, build cache)", warm);
    let serve = |r: &SizeReport| r.serve_starts.iter().map(|w| w.wall).collect();
    target(10_000, Duration::from_millis(1500), "10,000 notes `serve` start-up with a warm cache", serve);
    match find(10_000) {
        Some(r) => {
            let body = median(r.warm.iter().filter(|w| !w.retitle).map(|w| w.wall).collect());
            let title = median(r.warm.iter().filter(|w| w.retitle).map(|w| w.wall).collect());
            println!(
                "- {}: 10,000 notes one-note incremental rebuild < 20 ms — body edit {}, title edit {}",
                verdict(body < Duration::from_millis(20) && title < Duration::from_millis(20)),
                fmt_dur(body),
                fmt_dur(title)
            );
        }
        None => {
            println!("- n/a: 10,000 notes one-note incremental rebuild < 20 ms — not measured (add 10000 to --notes)")
        }
    }
    match find(10_000).map(|r| r.peak_mib()) {
        Some(Some(m)) => println!("- {}: 10,000 notes peak memory < 150 MiB — {m:.1} MiB", verdict(m < 150.0)),
        Some(None) => {
            println!("- n/a: 10,000 notes peak memory < 150 MiB — not available on this platform")
        }
        None => println!("- n/a: 10,000 notes peak memory < 150 MiB — not measured (add 10000 to --notes)"),
    }
}
