//! Hostile notes folders and output folders, built with the real binary over a previous good
//! output. Each case is its own test: it checks the exit status (never a panic, a signal or a
//! hang), a message naming the file, and that a failed build left the previous output byte for
//! byte. Cases that must build fast are killed at their time limit, which fails the test.

mod common;

use common::*;
use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Limit for cases with nothing large in them; also the hang guard.
const HANG: Duration = Duration::from_secs(60);
/// Limit for cases that were superlinear: linear work on them takes seconds in a debug build
/// (up to ~25 s on a loaded 2-core machine running the whole suite); the quadratic paths took
/// many minutes. A guard against blow-ups, not a speed target (those live in `bench`).
const LINEAR: Duration = Duration::from_secs(60);

/// A notes folder with one good note, built once into `out`.
struct Case {
    tmp: tempfile::TempDir,
    notes: PathBuf,
    out: PathBuf,
    before: BTreeMap<String, Vec<u8>>,
}

impl Case {
    fn new() -> Case {
        let tmp = tempfile::tempdir().unwrap();
        let notes = tmp.path().join("notes");
        let out = tmp.path().join("out");
        put(&notes, "good.md", b"# Good\n\n\xec\xa2\x8b\xec\x9d\x80 \xeb\x85\xb8\xed\x8a\xb8\n");
        build_ok(&notes, &out, &[]);
        let before = tree(&out);
        Case { tmp, notes, out, before }
    }

    fn put(&self, rel: &str, bytes: &[u8]) {
        put(&self.notes, rel, bytes);
    }

    /// `gongbu build notes -o out EXTRA`, killed at `limit`.
    fn build(&self, extra: &[&str], limit: Duration) -> Run {
        let mut args: Vec<&OsStr> =
            vec![OsStr::new("build"), self.notes.as_os_str(), OsStr::new("-o"), self.out.as_os_str()];
        args.extend(extra.iter().map(OsStr::new));
        run_gongbu(&args, self.tmp.path(), limit)
    }

    /// The build failed cleanly: exit 1, `needle` (a `file:line` or `file:`) in its messages,
    /// and the previous output exactly as it was.
    fn failed_untouched(&self, run: &Run, needle: &str) {
        run.no_crash();
        assert_eq!(run.code, Some(1), "the build fails:\n{}", run.stderr);
        assert!(run.stderr.contains(needle), "the message names `{needle}`:\n{}", run.stderr);
        assert!(tree(&self.out) == self.before, "a failed build leaves the previous output byte for byte");
    }

    /// Either outcome is honest: it built, or it failed naming `needle` and left the output.
    fn built_or_refused(&self, run: &Run, needle: &str) -> bool {
        run.no_crash();
        if run.code == Some(0) {
            true
        } else {
            self.failed_untouched(run, needle);
            false
        }
    }

    /// Every HTML, JS and XML file of the output.
    fn texts(&self) -> Vec<(String, Vec<u8>)> {
        tree(&self.out).into_iter().filter(|(p, _)| [".html", ".js", ".xml"].iter().any(|x| p.ends_with(x))).collect()
    }
}

fn put(dir: &Path, rel: &str, bytes: &[u8]) {
    let path = dir.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, bytes).unwrap();
}

/// What a run of the binary did.
struct Run {
    /// None when killed by a signal or by the time limit.
    code: Option<i32>,
    timed_out: bool,
    took: Duration,
    stderr: String,
}

impl Run {
    /// Not killed at the limit, not a panic (101), not a signal (a stack overflow aborts).
    fn no_crash(&self) {
        assert!(!self.timed_out, "still running after {:?}: killed (work is not bounded)\n{}", self.took, self.stderr);
        assert!(self.code.is_some(), "killed by a signal (stack overflow?):\n{}", self.stderr);
        assert_ne!(self.code, Some(101), "panicked:\n{}", self.stderr);
        assert!(!self.stderr.contains("panicked at"), "panicked:\n{}", self.stderr);
    }

    fn succeeded(&self) {
        self.no_crash();
        assert_eq!(self.code, Some(0), "the build succeeds:\n{}", self.stderr);
    }

    /// A warning on a line that names `file` as `file:` or `file:line:`.
    fn warns_about(&self, file: &str) {
        let named = self.stderr.lines().any(|l| l.contains("warning") && l.contains(&format!("{file}:")));
        assert!(named, "a warning names `{file}`:\n{}", self.stderr);
    }
}

/// Run the binary with `args` in `cwd`; kill it at `limit`. Stderr goes to a file so a chatty
/// run cannot block on a full pipe.
fn run_gongbu(args: &[&OsStr], cwd: &Path, limit: Duration) -> Run {
    let log = tempfile::NamedTempFile::new().unwrap();
    let started = std::time::Instant::now();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_gongbu"))
        .args(args)
        .current_dir(cwd)
        .stdout(std::process::Stdio::null())
        .stderr(log.reopen().unwrap())
        .spawn()
        .expect("run gongbu");
    let mut timed_out = false;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > limit {
            timed_out = true;
            let _ = child.kill();
            break child.wait().unwrap();
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let took = started.elapsed();
    let stderr = String::from_utf8_lossy(&fs::read(log.path()).unwrap()).into_owned();
    Run { code: if timed_out { None } else { status.code() }, timed_out, took, stderr }
}

fn no_raw_controls(case: &Case) {
    for (path, bytes) in case.texts() {
        if let Some(i) = bytes.iter().position(|&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) {
            panic!("{path}: raw control byte 0x{:02x} at {i}", bytes[i]);
        }
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// A 10 MB note of Korean prose with a heading every ~12 KB.
fn huge_note() -> Vec<u8> {
    let para = "프로세스와 스레드의 차이는 *메모리* 공유에 있다. 운영체제는 [링크](good.md) 스케줄링을 한다 `code` **굵게**.\n\n";
    let block = format!("## 제목 섹션\n\n{}- 항목\n- 목록\n\n", para.repeat(60));
    let body = block.repeat(10_000_000 / block.len() + 1);
    format!("# Huge\n\n{body}").into_bytes()
}

// ---------------------------------------------------------------------------------------------
// Bad input

#[test]
fn invalid_utf8_fails_naming_the_line() {
    let case = Case::new();
    case.put("Network/bad.md", b"# ok\n\nline \xff\xfe\n");
    let run = case.build(&[], HANG);
    case.failed_untouched(&run, "Network/bad.md:3:");
}

#[test]
fn huge_note_of_10_mb_builds() {
    let case = Case::new();
    case.put("huge.md", &huge_note());
    let run = case.build(&[], HANG);
    run.succeeded();
    assert!(fs::metadata(case.out.join("huge.html")).unwrap().len() > 10_000_000);
}

#[test]
fn blockquotes_10000_deep_build() {
    let case = Case::new();
    case.put("deep.md", format!("# Deep\n\n{} 깊은 인용\n", ">".repeat(10_000)).as_bytes());
    case.build(&[], HANG).succeeded();
    assert!(case.out.join("deep.html").is_file());
}

#[test]
fn lists_10000_deep_build() {
    let case = Case::new();
    case.put(
        "deep.md",
        format!("# Deep\n\n{}깊은 목록\n\n{}x\n", "- ".repeat(10_000), "1. ".repeat(10_000)).as_bytes(),
    );
    case.build(&[], HANG).succeeded();
    assert!(case.out.join("deep.html").is_file());
}

#[test]
fn emphasis_and_links_10000_deep_build() {
    let case = Case::new();
    let text = format!(
        "# Deep\n\n{}a{}\n\n{}x{}\n",
        "*".repeat(10_000),
        "*".repeat(10_000),
        "[".repeat(10_000),
        "](y)".repeat(10_000)
    );
    case.put("deep.md", text.as_bytes());
    case.build(&[], LINEAR).succeeded();
}

#[test]
fn a_thousand_nested_folders_build_fast() {
    let case = Case::new();
    let mut rel = String::new();
    for i in 0..1_000 {
        rel.push_str(if i % 2 == 0 { "d/" } else { "e/" });
    }
    case.put(&format!("{rel}bottom.md"), b"# Bottom\n\n[home](/good.md)\n");
    case.put("d/top.md", b"# Top\n");
    let run = case.build(&[], LINEAR);
    run.succeeded();
    assert!(case.out.join(format!("{rel}bottom.html")).is_file());
}

#[test]
fn nul_in_a_note_does_not_reach_the_html() {
    let case = Case::new();
    case.put("nul.md", b"# Ti\0tle\n\nbody \0 text `co\0de`\n\n```\nin\0 code\n```\n\n<span title=\"a\0b\">x</span> &#0; \x01\x1b[31m\n");
    case.build(&[], HANG).succeeded();
    assert!(case.out.join("nul.html").is_file());
    no_raw_controls(&case);
}

#[test]
fn hangul_star_in_a_block_without_language_builds() {
    let case = Case::new();
    case.put("Language/guess.md", "# Guess\n\n```\n가* x\n```\n".as_bytes());
    // The guesser once panicked here (a byte index inside `가`): the note must build, whole.
    case.build(&[], HANG).succeeded();
    let page = read(&case.out.join("Language/guess.html"));
    let code: Vec<String> = select(&page, "pre code").iter().map(|c| c.text().collect()).collect();
    assert_eq!(code, ["가* x\n"], "the code is on the page");
}

#[test]
fn a_3_kb_bash_line_builds_fast() {
    let case = Case::new();
    let line = "echo \"$(( ${a:-1} + ${b:-2} ))\" | grep -E '^[a-z]+$' && x=${y//\\//_} ".repeat(3_000 / 62 + 1);
    case.put("long.md", format!("# Long\n\n```bash\n{line}\n```\n").as_bytes());
    let run = case.build(&[], LINEAR);
    run.succeeded();
}

#[test]
fn forty_thousand_bare_urls_build_fast() {
    let case = Case::new();
    let urls: String = (0..40_000).map(|i| format!("https://example.com/{i} ")).collect();
    case.put("urls.md", format!("# URLs\n\n{urls}\n").as_bytes());
    let run = case.build(&[], LINEAR);
    run.succeeded();
}

// ---------------------------------------------------------------------------------------------
// Hostile names

#[test]
fn symlink_loops_are_skipped_with_a_warning() {
    let case = Case::new();
    std::os::unix::fs::symlink(".", case.notes.join("loop")).unwrap();
    std::os::unix::fs::symlink("b", case.notes.join("a")).unwrap();
    std::os::unix::fs::symlink("a", case.notes.join("b")).unwrap();
    let run = case.build(&[], HANG);
    run.succeeded();
    run.warns_about("loop");
    run.warns_about("a");
    assert!(case.out.join("good.html").is_file());
}

#[test]
fn dot_dot_like_names_stay_inside_the_output() {
    let case = Case::new();
    case.put("...md", b"# Dots\n");
    case.put("..%2F..%2Fescape.md", b"# Escape\n");
    case.put(".../x.md", b"# In dots\n");
    case.put("a..b/..c.md", b"# C\n");
    case.build(&[], HANG).succeeded();
    let mut outside: Vec<_> = fs::read_dir(case.tmp.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    outside.sort();
    assert_eq!(outside, [gongbu::cache::DIR, "notes", "out"], "nothing but the build cache written beside the output");
    assert!(dead_links(&case.out).is_empty(), "{:?}", dead_links(&case.out));
}

#[test]
fn a_newline_in_a_name_builds_and_stays_out_of_the_html_raw() {
    let case = Case::new();
    case.put("two\nlines.md", b"# Two lines\n");
    case.put("tab\there.md", b"text\n");
    let run = case.build(&[], HANG);
    run.succeeded();
    no_raw_controls(&case);
}

#[test]
fn control_characters_in_names_do_not_reach_the_html_raw() {
    let case = Case::new();
    case.put("bell\x07.md", b"no title here\n");
    case.put("\x1b[31mred.md", b"no title either\n");
    case.put("dir\x01/x.md", b"# X\n");
    case.build(&[], HANG).succeeded();
    no_raw_controls(&case);
}

#[test]
fn script_in_a_name_is_escaped() {
    let case = Case::new();
    case.put("<script>alert(1)<script>.md", b"untitled\n");
    case.put("<img src=x onerror=alert(2)>/a.md", b"untitled\n");
    case.build(&[], HANG).succeeded();
    // Both notes are pages, and their names are shown (escaped): the checks below have input.
    assert!(case.out.join("<script>alert(1)<script>.html").is_file());
    assert!(case.out.join("<img src=x onerror=alert(2)>/a.html").is_file());
    let index = fs::read(case.out.join("index.html")).unwrap();
    assert!(contains(&index, b">&lt;script&gt;alert(1)&lt;script&gt;<"), "the note's name is listed, escaped");
    assert!(contains(&index, b">&lt;img src=x onerror=alert(2)&gt;<"), "the folder's name is listed, escaped");
    let pages: Vec<_> = case.texts().into_iter().filter(|(p, _)| p.ends_with(".html")).collect();
    assert!(pages.len() >= 4, "{} pages", pages.len());
    for (path, bytes) in pages {
        assert!(!contains(&bytes, b"<script>alert(1)"), "{path} holds the name raw");
        assert!(!contains(&bytes, b"<img src=x onerror"), "{path} holds the name raw");
    }
}

#[test]
fn a_very_long_name_builds_or_is_named() {
    let case = Case::new();
    let long = format!("{}.md", "가".repeat(84)); // 255 bytes: the page name would be longer
    case.put(&long, b"# Long name\n");
    let run = case.build(&[], HANG);
    if case.built_or_refused(&run, &long) {
        let page = case.out.join(format!("{}.html", "가".repeat(84)));
        assert!(
            page.is_file() || run.stderr.contains(&format!("{long}:")),
            "the page is there or a warning names the note:\n{}",
            run.stderr
        );
    }
}

#[test]
fn names_with_a_leading_dash_are_notes_not_options() {
    let case = Case::new();
    case.put("-o.md", b"# Dash o\n");
    case.put("--force.md", b"# Force\n");
    case.put("-/x.md", b"# X\n");
    case.build(&[], HANG).succeeded();
    assert!(case.out.join("-o.html").is_file());
    assert!(case.out.join("--force.html").is_file());
}

// ---------------------------------------------------------------------------------------------
// Collisions: a warning naming both sources, one deterministic winner, gongbu's files kept

/// Build the same notes into a fresh folder: the colliding page must be the same both times.
fn same_again(case: &Case, page: &str) {
    let again = case.tmp.path().join("again");
    build_ok(&case.notes, &again, &[]);
    assert_eq!(
        fs::read(case.out.join(page)).ok(),
        fs::read(again.join(page)).ok(),
        "{page}: the same winner every build"
    );
    fs::remove_dir_all(again).unwrap();
}

fn collision(files: &[(&str, &str)], page: &str) {
    let case = Case::new();
    for (rel, text) in files {
        case.put(rel, text.as_bytes());
    }
    let run = case.build(&[], HANG);
    run.succeeded();
    let (a, b) = (files[0].0, files[1].0);
    let both = run.stderr.lines().any(|l| {
        l.contains("warning")
            && l.contains(a)
            && l.contains(b)
            && (l.starts_with(&format!("{a}:")) || l.starts_with(&format!("{b}:")))
    });
    assert!(both, "one `file:line` warning names `{a}` and `{b}`:\n{}", run.stderr);
    same_again(&case, page);
}

#[test]
fn collision_md_and_markdown() {
    collision(&[("x.md", "# From md\n"), ("x.markdown", "# From markdown\n")], "x.html");
}

#[test]
fn collision_md_and_upper_md() {
    collision(&[("y.md", "# Lower\n"), ("y.MD", "# Upper\n")], "y.html");
}

#[test]
fn collision_nfc_and_nfd_names() {
    collision(&[("\u{d55c}.md", "# NFC\n"), ("\u{1112}\u{1161}\u{11ab}.md", "# NFD\n")], "\u{d55c}.html");
}

#[test]
fn collision_note_and_html_asset() {
    collision(&[("p.md", "# Note\n"), ("p.html", "<p>asset</p>\n")], "p.html");
}

#[test]
fn collision_index_note_and_index_html() {
    collision(&[("index.md", "# Home\n"), ("index.html", "<p>asset</p>\n")], "index.html");
}

#[test]
fn a_note_named_404_does_not_replace_the_404_page() {
    let case = Case::new();
    case.put("404.md", b"# Not the error page\n");
    let run = case.build(&[], HANG);
    run.succeeded();
    run.warns_about("404.md");
    let page = fs::read_to_string(case.out.join("404.html")).unwrap();
    assert!(page.contains("not-found"), "gongbu's own 404 page is kept:\n{page}");
}

#[test]
fn an_asset_named_nav_js_does_not_replace_the_navigation() {
    let case = Case::new();
    case.put("nav.js", b"alert('owned')\n");
    let run = case.build(&[], HANG);
    run.succeeded();
    run.warns_about("nav.js");
    assert!(
        fs::read_to_string(case.out.join("nav.js")).unwrap().starts_with("window.GONGBU_NAV="),
        "gongbu's own nav.js is kept"
    );
}

#[test]
fn an_asset_named_like_the_theme_css_does_not_replace_it() {
    let case = Case::new();
    case.put("static/gongbu.css", b"body{display:none}\n");
    let run = case.build(&[], HANG);
    run.succeeded();
    run.warns_about("static/gongbu.css");
    assert_ne!(
        fs::read(case.out.join("static/gongbu.css")).unwrap(),
        b"body{display:none}\n",
        "gongbu's own CSS is kept"
    );
}

// ---------------------------------------------------------------------------------------------
// Leaks and data loss

#[test]
fn symlinks_to_outside_the_notes_are_not_published() {
    let case = Case::new();
    let secret = case.tmp.path().join("secret");
    put(&secret, "id_rsa", b"SECRET-KEY-BYTES\n");
    put(&secret, "notes.md", b"# SECRET-NOTE-TITLE\n");
    std::os::unix::fs::symlink(secret.join("id_rsa"), case.notes.join("key.txt")).unwrap();
    std::os::unix::fs::symlink(secret.join("notes.md"), case.notes.join("stolen.md")).unwrap();
    std::os::unix::fs::symlink(&secret, case.notes.join("etcdir")).unwrap();
    std::os::unix::fs::symlink("good.md", case.notes.join("inside.md")).unwrap();
    let run = case.build(&[], HANG);
    run.succeeded();
    for skipped in ["key.txt", "stolen.md", "etcdir"] {
        run.warns_about(skipped);
    }
    for (path, bytes) in tree(&case.out) {
        assert!(!contains(&bytes, b"SECRET-"), "{path} publishes a file from outside the notes");
    }
    assert!(case.out.join("inside.html").is_file(), "a link that stays inside the notes is followed");
}

#[test]
fn content_dir_outside_the_site_root_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    put(&site, "gongbu.toml", b"title = \"t\"\n");
    put(&site, "content/a.md", b"# A\n");
    put(tmp.path(), "elsewhere/private.md", b"# PRIVATE-NOTE\n");
    let out = site.join("public");
    build_ok(&site, &out, &[]);
    let before = tree(&out);
    put(&site, "gongbu.toml", b"title = \"t\"\ncontent_dir = \"../elsewhere\"\n");
    let run = run_gongbu(&[OsStr::new("build"), site.as_os_str()], tmp.path(), HANG);
    run.no_crash();
    assert_eq!(run.code, Some(1), "refused:\n{}", run.stderr);
    assert!(
        run.stderr.contains("gongbu.toml") && run.stderr.contains("content_dir"),
        "the error names the file and key:\n{}",
        run.stderr
    );
    assert!(tree(&out) == before, "the previous output is kept");
}

#[test]
fn a_symlink_in_the_output_is_replaced_not_written_through() {
    let case = Case::new();
    case.put("sub/a.md", b"# A\n");
    case.put("sub/b.md", b"# B\n");
    build_ok(&case.notes, &case.out, &[]);
    let victim = case.tmp.path().join("victim");
    put(&victim, "a.html", b"VICTIM PAGE\n");
    put(&victim, "keep.txt", b"keep me\n");
    let victim_before = tree(&victim);
    fs::remove_dir_all(case.out.join("sub")).unwrap();
    std::os::unix::fs::symlink(&victim, case.out.join("sub")).unwrap();
    let run = case.build(&[], HANG);
    run.no_crash();
    assert!(tree(&victim) == victim_before, "nothing outside the output is written or deleted");
    if run.code == Some(0) {
        assert!(!fs::symlink_metadata(case.out.join("sub")).unwrap().file_type().is_symlink(), "the link is replaced");
        assert!(case.out.join("sub/a.html").is_file());
    }
}

#[test]
fn files_the_user_put_in_the_output_survive() {
    let case = Case::new();
    put(&case.out, "CNAME", b"notes.example.com\n");
    put(&case.out, ".well-known/security.txt", b"Contact: me\n");
    let run = case.build(&[], HANG);
    run.no_crash();
    // The honest rules: keep what gongbu did not make, or refuse and leave everything.
    assert_eq!(
        fs::read(case.out.join("CNAME")).ok().as_deref(),
        Some(&b"notes.example.com\n"[..]),
        "CNAME survives:\n{}",
        run.stderr
    );
    assert!(case.out.join(".well-known/security.txt").is_file(), ".well-known survives:\n{}", run.stderr);
}

#[test]
fn a_forged_marker_does_not_empty_a_folder() {
    let case = Case::new();
    let mine = case.tmp.path().join("my-files");
    // The marker file name of today's output folders, written by hand (the name is in the issue).
    put(&mine, ".gongbu-output", b"");
    put(&mine, "thesis.docx", b"precious");
    let run = run_gongbu(
        &[OsStr::new("build"), case.notes.as_os_str(), OsStr::new("-o"), mine.as_os_str()],
        case.tmp.path(),
        HANG,
    );
    run.no_crash();
    assert_eq!(
        fs::read(mine.join("thesis.docx")).ok().as_deref(),
        Some(&b"precious"[..]),
        "a file gongbu did not make survives:\n{}",
        run.stderr
    );
}

#[test]
fn force_never_puts_the_output_over_notes() {
    let case = Case::new();
    case.put("Network/tcp.md", b"# TCP\n");
    let notes_before = tree(&case.notes);
    let inside = case.notes.join("Network");
    let run = run_gongbu(
        &[OsStr::new("build"), case.notes.as_os_str(), OsStr::new("-o"), inside.as_os_str(), OsStr::new("--force")],
        case.tmp.path(),
        HANG,
    );
    run.no_crash();
    assert_eq!(run.code, Some(1), "refused even with --force:\n{}", run.stderr);
    assert!(tree(&case.notes) == notes_before, "no note is deleted or changed");
}

#[test]
fn a_killed_build_keeps_the_output_and_the_next_build_removes_its_staging() {
    let case = Case::new();
    case.put("huge.md", &huge_note());
    let beside = |tmp: &Path| {
        let mut names: Vec<String> =
            fs::read_dir(tmp).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        // The build cache of earlier builds stays beside the output: not a work folder.
        names.retain(|name| name != gongbu::cache::DIR);
        names.sort();
        names
    };
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_gongbu"))
        .args([OsStr::new("build"), case.notes.as_os_str(), OsStr::new("-o"), case.out.as_os_str()])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait for the build's work folder to appear beside the output, then kill -9 it.
    let started = std::time::Instant::now();
    while beside(case.tmp.path()).len() == 2 && started.elapsed() < HANG && child.try_wait().unwrap().is_none() {
        std::thread::sleep(Duration::from_millis(5));
    }
    std::thread::sleep(Duration::from_millis(100));
    let finished_first = child.try_wait().unwrap().is_some();
    let _ = child.kill();
    child.wait().unwrap();
    assert!(!finished_first, "the build ended before it could be killed: make the note bigger");
    assert!(tree(&case.out) == case.before, "a killed build leaves the previous output byte for byte");
    let stale = beside(case.tmp.path());
    assert!(stale.len() > 2, "the killed build left its work folder: {stale:?}");

    fs::remove_file(case.notes.join("huge.md")).unwrap();
    case.build(&[], HANG).succeeded();
    assert_eq!(beside(case.tmp.path()), ["notes", "out"], "the next build removed the stale work folder");
}
