//! Seeded mutation fuzzing of the note pipeline, in-process: parse → outline → a one-note site →
//! page HTML. Inputs start from the seed note and the shared corpus and are mutated the ways that
//! break Markdown pipelines (byte flips, splices, fences, deep nesting, long lines, control bytes,
//! invalid UTF-8, split Hangul, huge tables, bare URLs, HTML, broken front matter).
//!
//! Each case must not panic, must give HTML free of raw C0 control characters (tab and line
//! ends aside), and must finish within a generous time bound. A failing case prints its seed
//! and writes its input and a minimised copy to a temp folder. `GONGBU_FUZZ_CASES` (default 2,000) and `GONGBU_FUZZ_SEED` pick the budget
//! and the seed; a case's own seed run with `GONGBU_FUZZ_CASES=1` replays exactly that case.

mod common;

use gongbu::config::{Config, Overrides};
use gongbu::model::Site;
use gongbu::pipeline::{parse_note, render_page};
use gongbu::render::{nav, view, Theme};
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const DEFAULT_CASES: u64 = 2_000;
const DEFAULT_SEED: u64 = 0x6f6e_6762_7567_6f67;
/// Per case, in a debug build on a busy 2-core machine; linear work on the largest inputs made
/// here takes well under a second.
const CASE_LIMIT: Duration = Duration::from_secs(20);
const SOURCE: &str = "fuzz/case.md";
/// Where the last caught panic happened (the hook sees it, `catch_unwind` does not).
static PANIC_AT: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);
/// Failures that get a minimised reproducer (the rest keep the full input).
const MINIMISED: usize = 3;

/// SplitMix64: tiny, fast, and the same sequence for the same seed everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform-ish in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// The seed of case `i`: case 0 has the run's seed, so a printed case seed replays alone.
fn case_seed(base: u64, i: u64) -> u64 {
    base.wrapping_add(i.wrapping_mul(0xD1B5_4A32_D192_ED03))
}

fn env_u64(name: &str) -> Option<u64> {
    let raw = std::env::var(name).ok()?;
    let raw = raw.trim();
    let parsed = match raw.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => raw.parse(),
    };
    Some(parsed.unwrap_or_else(|_| panic!("{name}={raw} is not a number")))
}

/// The seed note and every note of the shared corpus.
fn starting_notes() -> Vec<Vec<u8>> {
    let shared = common::shared_dir();
    let mut notes = vec![std::fs::read(shared.join("seed/interview-notes.md")).expect("seed note")];
    let mut corpus: Vec<PathBuf> = walkdir::WalkDir::new(shared.join("corpora/tech-interview-for-developer"))
        .into_iter()
        .map(|e| e.expect("the shared corpus is readable"))
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect();
    corpus.sort();
    assert!(corpus.len() > 150, "the fuzzer starts from the corpus's notes, found {}", corpus.len());
    notes.extend(corpus.iter().map(|p| std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))));
    notes
}

// ---------------------------------------------------------------------------------------------
// Mutations

const FENCES: &[&str] =
    &["```", "~~~", "````", "```\n", "```bash\n", "```rust\n", "``` \n", "```가\n", "`", "``", "```{.x}\n"];
const NESTERS: &[&str] =
    &[">", "> ", "- ", "  - ", "1. ", "* ", "*", "_", "**", "[", "![", "<div>", "(", "|", "#", "\t", "    "];
const LONG_UNITS: &[&str] =
    &["a", "가", "x ", "$(", "\\\"", "'", "*a", "[a](b)", "`", "<", "&amp;", "https://x.io ", "한글 ", "{{", "--"];
const CONTROLS: &[&str] = &[
    "\0", "\x01", "\x07", "\x08", "\x0b", "\x0c", "\r", "\x1b[31m", "\x1f", "\x7f", "\u{85}", "\u{2028}", "\u{feff}",
    "\u{200b}", "\u{202e}", "\u{fffd}",
];
const BAD_UTF8: &[&[u8]] =
    &[b"\xff", b"\xfe", b"\xc0\x80", b"\xed\xa0\x80", b"\xea\xb0", b"\xf4\x90\x80\x80", b"\x80", b"\xe0\x80\xaf"];
const HTML: &[&str] = &[
    "<script>alert(1)</script>",
    "<details><summary>s</summary>",
    "</div></div>",
    "<!--",
    "-->",
    "<![CDATA[",
    "<img src=x onerror=alert(1)>",
    "&#0;",
    "&#x0;",
    "&#xD800;",
    "&#1114112;",
    "&#x1b;",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<style>*{}</style>",
    "<pre>",
    "<table><tr><td>",
    "<textarea>",
];
const FRONT: &[&str] = &[
    "---\n",
    "+++\n",
    "---\ntitle: [unclosed\n",
    "---\ntitle: \"\0\"\n---\n",
    "+++\ntitle = \"a\"\n",
    "---\ntitle: 가\ndraft: true\n---\n",
    "---\nweight: 99999999999999999999999\n---\n",
    "---\na: &a [x, x, x, x]\nb: &b [*a, *a, *a, *a]\nc: &c [*b, *b, *b, *b]\nd: [*c, *c, *c, *c]\n---\n",
    "+++\n[[x]]\n[x]\n+++\n",
    "---\ntitle:\n  - a\n  - b\n---\n",
    "\u{feff}---\ntitle: bom\n---\n",
    "---\r\ntitle: crlf\r\n---\r\n",
    "---\ntitle: \"\\u0000\\u001b\"\n---\n",
];

/// The first character boundary at or after `i` (a UTF-8 continuation byte is `10xxxxxx`).
fn boundary(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && bytes[i] & 0xC0 == 0x80 {
        i += 1;
    }
    i
}

/// One random edit of `note`; `other` is a second note for splices.
fn mutate(rng: &mut Rng, note: &mut Vec<u8>, other: &[u8]) {
    // Edits start and end on character boundaries: splitting characters is one mutation
    // of its own, not a side effect of every other (which would only test the UTF-8 check).
    let at = boundary(note, rng.below(note.len() + 1));
    let insert = |note: &mut Vec<u8>, at: usize, bytes: &[u8]| {
        note.splice(at..at, bytes.iter().copied());
    };
    let mut which = rng.below(16);
    if matches!(which, 6 | 7) && rng.below(4) != 0 {
        // Invalid UTF-8 ends a case at the first check: keep it to one case in ~30.
        which = *rng.pick(&[2, 3, 4, 5, 8, 9, 10, 11, 13, 14]);
    }
    match which {
        0 => {
            // Byte flips: mostly within ASCII (the text stays UTF-8), sometimes any bit.
            for _ in 0..1 + rng.below(8) {
                if note.is_empty() {
                    break;
                }
                let mut i = rng.below(note.len());
                if rng.below(8) != 0 {
                    // Look for an ASCII byte nearby and keep it ASCII.
                    if let Some(j) = (i..note.len().min(i + 64)).find(|&j| note[j] < 0x80) {
                        i = j;
                        note[i] ^= 1 << rng.below(7);
                        continue;
                    }
                }
                note[i] ^= 1 << rng.below(8);
            }
        }
        1 => {
            // Splice: a prefix of this note and a suffix of another.
            let from = boundary(other, rng.below(other.len() + 1));
            note.truncate(at);
            note.extend_from_slice(&other[from..]);
        }
        2 => {
            let fence = rng.pick(FENCES).as_bytes().to_vec();
            insert(note, at, &fence);
        }
        3 => {
            // Deep nesting, on a line of its own.
            let unit = rng.pick(NESTERS);
            let depth = 1 + rng.below(1_500);
            let mut text = String::from("\n");
            for _ in 0..depth {
                text.push_str(unit);
            }
            text.push_str(" 깊이 *em* `c`\n");
            insert(note, at, text.as_bytes());
        }
        4 => {
            let unit = rng.pick(LONG_UNITS);
            let text = unit.repeat(1 + rng.below(4_000 / unit.len()));
            insert(note, at, text.as_bytes());
        }
        5 => {
            for _ in 0..1 + rng.below(6) {
                let at = boundary(note, rng.below(note.len() + 1));
                let c = rng.pick(CONTROLS).as_bytes().to_vec();
                insert(note, at, &c);
            }
        }
        6 => {
            let bad = rng.pick(BAD_UTF8).to_vec();
            insert(note, at, &bad);
        }
        7 => {
            // Cut inside a multi-byte character (Hangul is 3 bytes in UTF-8), then maybe go on
            // with another note's text.
            if let Some(i) = (at..note.len()).find(|&i| note[i] & 0xC0 == 0x80) {
                note.truncate(i);
                if rng.below(2) == 0 {
                    note.extend_from_slice(&other[rng.below(other.len() + 1)..]);
                }
            }
        }
        8 => {
            // Code without a language: what the language guesser sees.
            let bodies = [
                "가* x",
                "가*x",
                "* 가",
                "가 ** 나",
                "\u{1F600}* x",
                "$가",
                "가<x>",
                "é* x",
                "가* x\n나* y",
                "#가",
                "//가",
            ];
            let body = rng.pick(&bodies);
            let text = format!("\n```\n{body}\n```\n\n    {body}\n");
            insert(note, at, text.as_bytes());
        }
        9 => {
            let cols = 1 + rng.below(20);
            let rows = 1 + rng.below(100);
            let mut t = String::from("\n");
            t.push_str(&"| 열 ".repeat(cols));
            t.push_str("|\n");
            t.push_str(&"|---".repeat(cols));
            t.push_str("|\n");
            for r in 0..rows {
                for c in 0..cols {
                    t.push_str(&format!("| `{r}` *{c}* [l](#h) "));
                }
                t.push_str("|\n");
            }
            insert(note, at, t.as_bytes());
        }
        10 => {
            let n = 1 + rng.below(800);
            let mut t = String::from("\n");
            for i in 0..n {
                t.push_str(&format!("https://example.com/{i}?q=가 www.x{i}.io "));
            }
            t.push('\n');
            insert(note, at, t.as_bytes());
        }
        11 => {
            let h = rng.pick(HTML).as_bytes().to_vec();
            insert(note, at, &h);
        }
        12 => {
            // Front matter breakage at the top.
            let f = rng.pick(FRONT).as_bytes().to_vec();
            insert(note, 0, &f);
        }
        13 => {
            // Headings that collide (ids, table of contents).
            let n = 1 + rng.below(200);
            let title = rng.pick(&["같은 제목", "a", "", "#", "`x`", "<b>", "-", "1"]);
            let mut t = String::from("\n");
            for _ in 0..n {
                t.push_str(&format!("## {title}\n\n"));
            }
            insert(note, at, t.as_bytes());
        }
        14 => {
            // Links: references, footnotes, odd destinations.
            let links = [
                "[a][b]\n\n[b]: <>",
                "[^1]\n\n[^1]: [^1]",
                "[x](../../../../etc/passwd)",
                "[x](#)",
                "[x](%ZZ)",
                "[x](가.md#나)",
                "![](\0)",
                "[x](<a b>)",
                "<http://a\0b>",
                "[x](javascript:alert(1))",
            ];
            let l = rng.pick(&links).as_bytes().to_vec();
            insert(note, at, &l);
        }
        _ => {
            // Delete a random range.
            let end = boundary(note, (at + rng.below(2_000)).min(note.len()));
            note.drain(at..end);
        }
    }
}

/// The input of one case: a starting note and one to six mutations.
fn case_input(seed: u64, notes: &[Vec<u8>]) -> Vec<u8> {
    let mut rng = Rng(seed);
    let mut note = rng.pick(notes).clone();
    for _ in 0..1 + rng.below(6) {
        let other = rng.pick(notes).clone();
        mutate(&mut rng, &mut note, &other);
    }
    note
}

// ---------------------------------------------------------------------------------------------
// One case

/// What the pipeline needs besides the note; built once.
struct Fixture {
    config: Config,
    theme: Theme,
}

impl Fixture {
    fn new() -> Fixture {
        let root = std::env::temp_dir();
        let config = Config::from_parts(&root, None, Overrides::default()).expect("default config");
        let theme = gongbu::theme::read_templates(None, &root)
            .and_then(Theme::from_sources)
            .unwrap_or_else(|e| panic!("default theme: {e:?}"));
        Fixture { config, theme }
    }
}

/// Run one note through the pipeline; `Err` says what is wrong with the output, `Ok(true)`
/// that pages were rendered (not a draft or a note refused with an error).
fn check(fixture: &Fixture, bytes: &[u8]) -> Result<bool, String> {
    let note = match parse_note(SOURCE, bytes, false) {
        Ok(Some(note)) => note,
        Ok(None) => return Ok(false), // a draft
        Err(d) => {
            let shown = d.to_string();
            return if shown.starts_with(SOURCE) {
                Ok(false)
            } else {
                Err(format!("error does not name the note: {shown}"))
            };
        }
    };
    let site = Site::assemble(vec![note], vec![], None, "fuzz");
    let chrome = view::Chrome::of(&fixture.config, &site);
    let mut outputs = vec![("nav.js".to_string(), nav::nav_js(&site, &chrome))];
    for &page in &site.order {
        let (html, diagnostics, _) = render_page(&site, &fixture.theme, &chrome, page);
        let url = site.url_of(page);
        let html = html.ok_or_else(|| format!("{url}: not rendered: {diagnostics:?}"))?;
        for d in &diagnostics {
            if !d.file.starts_with("fuzz/") {
                return Err(format!("diagnostic does not name the note: {d}"));
            }
        }
        outputs.push((url, html));
    }
    for (url, text) in &outputs {
        // A String is UTF-8 by construction; check the bytes anyway, the way a browser gets them.
        std::str::from_utf8(text.as_bytes()).map_err(|e| format!("{url}: not UTF-8: {e}"))?;
        if let Some((i, c)) = text.char_indices().find(|&(_, c)| c < ' ' && !matches!(c, '\t' | '\n' | '\r')) {
            let from = text[..i].char_indices().rev().nth(40).map_or(0, |(j, _)| j);
            return Err(format!("{url}: raw control character U+{:04X} at byte {i}: {:?}", c as u32, &text[from..i]));
        }
    }
    Ok(true)
}

/// `check`, with a panic turned into an error carrying its message.
fn run_case(fixture: &Fixture, bytes: &[u8]) -> Result<bool, String> {
    match panic::catch_unwind(AssertUnwindSafe(|| check(fixture, bytes))) {
        Ok(result) => result,
        Err(payload) => {
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            let at = PANIC_AT.lock().ok().and_then(|mut slot| slot.take()).unwrap_or_default();
            Err(format!("panic: {message} (at {at})"))
        }
    }
}

/// The kind of a failure, to keep minimising towards the same bug (positions left out).
fn kind(error: &str) -> &str {
    if error.starts_with("panic") {
        return "panic";
    }
    error.split(" at byte").next().unwrap_or(error)
}

/// Shrink `bytes` while it still fails the same way: drop lines, then byte ranges, halving the
/// chunk size (a small delta debugging). Bounded number of attempts.
fn minimise(fixture: &Fixture, bytes: &[u8], error: &str) -> Vec<u8> {
    let want = kind(error);
    let fails = |b: &[u8]| run_case(fixture, b).err().is_some_and(|e| kind(&e) == want);
    let mut best = bytes.to_vec();
    let mut attempts = 0;
    let started = Instant::now();
    let mut chunk = best.len() / 2;
    while chunk >= 1 && attempts < 2_000 && started.elapsed() < Duration::from_secs(5) {
        let mut i = 0;
        let mut shrunk = false;
        while i < best.len() && attempts < 2_000 && started.elapsed() < Duration::from_secs(5) {
            let end = (i + chunk).min(best.len());
            let mut candidate = best[..i].to_vec();
            candidate.extend_from_slice(&best[end..]);
            attempts += 1;
            if fails(&candidate) {
                best = candidate;
                shrunk = true;
            } else {
                i += chunk;
            }
        }
        if !shrunk {
            chunk /= 2;
        }
    }
    best
}

fn save_reproducer(seed: u64, bytes: &[u8], minimised: Option<&[u8]>) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gongbu-fuzz-{seed:016x}"));
    let _ = std::fs::create_dir_all(&dir);
    let _ = std::fs::write(dir.join("case.md"), bytes);
    if let Some(m) = minimised {
        let _ = std::fs::write(dir.join("minimised.md"), m);
    }
    dir
}

fn report(seed: u64, error: &str, dir: &Path) -> String {
    format!(
        "fuzz case seed 0x{seed:016x}: {error}\n  reproducer: {}/case.md (minimised: {0}/minimised.md)\n  replay: GONGBU_FUZZ_SEED=0x{seed:016x} GONGBU_FUZZ_CASES=1 cargo test --test fuzz",
        dir.display()
    )
}

// ---------------------------------------------------------------------------------------------

#[test]
fn fuzz_note_pipeline() {
    let cases = env_u64("GONGBU_FUZZ_CASES").unwrap_or(DEFAULT_CASES);
    let base = env_u64("GONGBU_FUZZ_SEED").unwrap_or(DEFAULT_SEED);
    let notes = starting_notes();
    assert!(notes.len() > 100, "the shared corpus is there: {} notes", notes.len());

    // Panics on the fuzz thread are caught per case: note where they happened and keep their
    // messages out of the output. Other threads' panics are reported as usual.
    let default_hook = std::sync::Arc::new(panic::take_hook());
    let hook = default_hook.clone();
    panic::set_hook(Box::new(move |info| {
        if std::thread::current().name() != Some("fuzz") {
            return hook(info);
        }
        if let Ok(mut slot) = PANIC_AT.lock() {
            *slot = info.location().map(|l| format!("{}:{}", l.file(), l.line()));
        }
    }));

    // Cases run on a worker thread so the main thread can stop at the first one that hangs.
    let (tx, rx) = mpsc::channel::<(u64, Duration, bool, Option<(String, Vec<u8>)>)>();
    let worker_notes = notes.clone();
    std::thread::Builder::new()
        .name("fuzz".into())
        .stack_size(64 << 20)
        .spawn(move || {
            let fixture = Fixture::new();
            let mut failed = 0;
            for i in 0..cases {
                let seed = case_seed(base, i);
                let input = case_input(seed, &worker_notes);
                let case_started = Instant::now();
                let result = run_case(&fixture, &input);
                let rendered = result != Ok(false);
                let failure = result.err();
                let took = case_started.elapsed();
                let failure = failure
                    .or_else(|| (took > CASE_LIMIT).then(|| format!("took {took:.1?}, over the {CASE_LIMIT:?} bound")));
                // Minimise the first few failures only: it reruns the case many times (and a
                // slow case is not minimised: no rerun checks the time).
                let failure = failure.map(|error| {
                    let small = if failed < MINIMISED && took <= CASE_LIMIT {
                        minimise(&fixture, &input, &error)
                    } else {
                        input.clone()
                    };
                    failed += 1;
                    (error, small)
                });
                if tx.send((i, took, rendered, failure)).is_err() {
                    return;
                }
            }
        })
        .expect("spawn fuzz worker");

    let started = Instant::now();
    let mut failures = Vec::new();
    let mut slowest = (Duration::ZERO, 0);
    let mut rendered_cases = 0;
    for i in 0..cases {
        // Minimising a failure may take up to 5 s more.
        match rx.recv_timeout(CASE_LIMIT + Duration::from_secs(5)) {
            Ok((done, took, rendered, failure)) => {
                assert_eq!(done, i);
                rendered_cases += u64::from(rendered);
                if took > slowest.0 {
                    slowest = (took, i);
                }
                if let Some((error, small)) = failure {
                    if failures.len() >= MINIMISED {
                        failures.push(format!("fuzz case seed 0x{:016x}: {error}", case_seed(base, i)));
                        continue;
                    }
                    let seed = case_seed(base, i);
                    let dir = save_reproducer(seed, &case_input(seed, &notes), Some(&small));
                    failures.push(report(seed, &error, &dir));
                }
            }
            Err(_) => {
                let seed = case_seed(base, i);
                let dir = save_reproducer(seed, &case_input(seed, &notes), None);
                failures.push(report(seed, &format!("still running after {CASE_LIMIT:?} (work not bounded)"), &dir));
                break;
            }
        }
    }
    let _ = panic::take_hook(); // drops our hook and its clone of the default
    if let Ok(hook) = std::sync::Arc::try_unwrap(default_hook) {
        panic::set_hook(hook);
    }
    if cases == 1 {
        // Replaying one case: keep its input to look at.
        let dir = save_reproducer(base, &case_input(base, &notes), None);
        eprintln!("fuzz: the input is {}/case.md", dir.display());
    }
    let slow_seed = case_seed(base, slowest.1);
    eprintln!(
        "fuzz: {cases} cases ({rendered_cases} went past the note's checks, the rest were refused with an error or drafts) from seed 0x{base:016x} in {:.1?}; slowest 0x{slow_seed:016x} in {:.1?}; {} failed",
        started.elapsed(),
        slowest.0,
        failures.len()
    );
    assert!(failures.is_empty(), "{} fuzz case(s) failed:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn prng_is_deterministic_and_mutations_change_notes() {
    let a: Vec<u64> = (0..4).map(|i| Rng(case_seed(7, i)).next()).collect();
    let b: Vec<u64> = (0..4).map(|i| Rng(case_seed(7, i)).next()).collect();
    assert_eq!(a, b);
    assert_ne!(a[0], a[1]);
    let notes = vec![b"# a\n\ntext \xea\xb0\x80\n".to_vec(), b"- b\n".to_vec()];
    assert_eq!(case_input(42, &notes), case_input(42, &notes));
    let changed = (0..50).filter(|&s| !notes.contains(&case_input(s, &notes))).count();
    assert!(changed > 40, "mutations change the note: {changed}/50");
}
