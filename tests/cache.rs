//! The build cache (`.gongbu-cache/` beside the output) never changes what a build writes: after
//! edits to notes, a note renamed or made a folder's page, the configuration, the theme, the hints
//! a block's language is guessed from, and with a damaged cache file, a build with the cache gives the same files, byte for byte, as a cold
//! build without it. It is also never used through a symlink.

mod common;

use common::{build_ok, tree};
use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A site root of generated notes (`content/`), building into `public/`, cache in `.gongbu-cache/`.
struct Site {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    cold: PathBuf,
}

impl Site {
    fn new(notes: usize) -> Site {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        let content = root.join("content");
        let generated = Command::new(env!("CARGO_BIN_EXE_gen-corpus"))
            .args(["--notes", &notes.to_string(), "--out", content.to_str().unwrap()])
            .output()
            .unwrap();
        assert!(generated.status.success(), "{}", String::from_utf8_lossy(&generated.stderr));
        fs::write(root.join("gongbu.toml"), "title = \"캐시\"\n").unwrap();
        let cold = tmp.path().join("cold");
        Site { _tmp: tmp, root, cold }
    }

    fn out(&self) -> PathBuf {
        self.root.join("public")
    }

    fn cache_file(&self) -> PathBuf {
        self.root.join(".gongbu-cache/code.bin")
    }

    /// A build with the cache: what it took from it and what it made.
    fn build_warm(&self) -> Reuse {
        let stderr = build_ok(&self.root, &self.out(), &["--cache", "--timings"]);
        let numbers = |what: &str| {
            let line = stderr.lines().find(|l| l.trim_start().starts_with(what)).expect("--timings tells the reuse");
            let numbers: Vec<usize> = line.split_whitespace().filter_map(|w| w.parse().ok()).collect();
            (numbers[0], numbers[1])
        };
        Reuse { notes: numbers("notes:"), code: numbers("code blocks:"), pages: numbers("pages:") }
    }

    /// Build cold (no cache) into another folder and compare every file with the warm output.
    fn assert_warm_is_cold(&self, after: &str) {
        let _ = fs::remove_dir_all(&self.cold);
        build_ok(&self.root, &self.cold, &[]);
        assert_same(&tree(&self.cold), &tree(&self.out()), after);
        assert_eq!(folders(&self.cold), folders(&self.out()), "after {after}: the same folders");
    }

    /// Notes files, sorted, with their text.
    fn notes(&self) -> Vec<(PathBuf, String)> {
        let mut notes: Vec<(PathBuf, String)> = walkdir::WalkDir::new(self.root.join("content"))
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
            .map(|e| (e.path().to_path_buf(), fs::read_to_string(e.path()).unwrap()))
            .collect();
        notes.sort();
        notes
    }
}

/// (taken from the cache, made anew), of parsed notes, code blocks and pages.
#[derive(Debug, PartialEq)]
struct Reuse {
    notes: (usize, usize),
    code: (usize, usize),
    pages: (usize, usize),
}

/// Every folder below `dir`, relative: a build staged in the spare (the output before the
/// last) leaves none that a cold build does not make.
fn folders(dir: &Path) -> Vec<PathBuf> {
    let all = walkdir::WalkDir::new(dir).sort_by_file_name().into_iter().filter_map(Result::ok);
    all.filter(|e| e.file_type().is_dir()).map(|e| e.path().strip_prefix(dir).unwrap().to_path_buf()).collect()
}

fn assert_same(cold: &BTreeMap<String, Vec<u8>>, warm: &BTreeMap<String, Vec<u8>>, after: &str) {
    let names = |t: &BTreeMap<String, Vec<u8>>| t.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(cold), names(warm), "after {after}: the same files");
    let differ: Vec<&String> = cold.keys().filter(|k| cold[*k] != warm[*k]).collect();
    assert!(differ.is_empty(), "after {after}: a build with the cache differs from a cold one in {differ:?}");
}

#[test]
fn a_build_with_the_cache_writes_what_a_cold_build_writes() {
    let site = Site::new(40);
    fs::write(
        site.root.join("content/Language/hint.md"),
        "# Hint\n\n```\nint main() { std::vector<int> v; return 0; }\n```\n",
    )
    .unwrap();
    let first = site.build_warm();
    let (notes, blocks, pages) = (first.notes.1, first.code.1, first.pages.1);
    assert_eq!((first.notes.0, first.code.0, first.pages.0), (0, 0, 0), "the first build has nothing to reuse");
    assert!(blocks > 40 && pages > 40, "the notes have code ({blocks} blocks, {pages} pages)");
    assert!(site.cache_file().is_file());
    site.assert_warm_is_cold("a first build");

    // Unchanged notes: none is parsed, every page is kept as it was, no code is highlighted.
    assert_eq!(site.build_warm(), Reuse { notes: (notes, 0), code: (0, 0), pages: (pages, 0) });
    site.assert_warm_is_cold("a build with nothing changed");

    // Edits: a block's text, a block's language, a new block, a note removed, a note added.
    let notes = site.notes();
    let with_code: Vec<&(PathBuf, String)> = notes.iter().filter(|(_, t)| t.contains("```")).collect();
    let (path, text) = with_code[0];
    let at = text.find("```").unwrap();
    let line_end = at + text[at..].find('\n').unwrap() + 1;
    fs::write(path, format!("{}// 바뀐 줄\n{}", &text[..line_end], &text[line_end..])).unwrap();
    let (path, text) = with_code[1];
    let label = text[text.find("```").unwrap() + 3..].split('\n').next().unwrap().to_string();
    let relabelled = if label == "python" { "java" } else { "python" };
    fs::write(path, text.replacen(&format!("```{label}\n"), &format!("```{relabelled}\n"), 1)).unwrap();
    let (path, text) = with_code[2];
    fs::write(path, format!("{text}\n```rust\nfn added() -> u8 {{ 1 }}\n```\n")).unwrap();
    fs::remove_file(&with_code[3].0).unwrap();
    fs::write(site.root.join("content/Language/new.md"), "# New\n\n```go\nfunc main() {}\n```\n").unwrap();
    let warm = site.build_warm();
    let (kept, rendered) = warm.pages;
    assert!(kept > 0 && rendered > 0, "some pages kept, the changed ones rendered ({warm:?})");
    assert_eq!(warm.notes.1, 4, "the edited and the new notes were parsed ({warm:?})");
    assert!(warm.code.0 > 0 && warm.code.1 > 0, "the edited notes' other blocks came from the cache ({warm:?})");
    site.assert_warm_is_cold("edits to notes");

    // Enough notes added that the search index has more shards: the kept pages' terms, grouped
    // by the shards of the last build's index, are posted by the new one's.
    let shards = || {
        fs::read_dir(site.out().join("static/search"))
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().starts_with('t'))
            .count()
    };
    let before = shards();
    for i in 0..60 {
        fs::write(
            site.root.join(format!("content/Language/more {i}.md")),
            format!("# More {i}\n\n추가 노트 {i}: search terms\n"),
        )
        .unwrap();
    }
    let warm = site.build_warm();
    assert!(shards() > before, "more shards ({before} before)");
    assert!(warm.pages.0 > 0, "pages were kept ({warm:?})");
    site.assert_warm_is_cold("notes added past a change of the search index's shards");

    // A linked note's anchors change: the pages linking to it are rendered again (a broken anchor).
    let notes = site.notes();
    let linked = notes.iter().find(|(_, t)| t.contains("](") && t.contains(".md#")).expect("a link to an anchor");
    let (path, text) = linked;
    let at = text.find(".md#").unwrap();
    let start = text[..at].rfind("](").unwrap() + 2;
    let target = path.parent().unwrap().join(percent_decoded(&text[start..at + 3]));
    let target_text = fs::read_to_string(&target).unwrap();
    fs::write(&target, target_text.replace("\n## ", "\n## 바뀐 ")).unwrap();
    site.build_warm();
    site.assert_warm_is_cold("a change to a linked note's headings");

    // A note renamed with its bytes unchanged: parsed again under its new path (its address and
    // title come from the path).
    let notes = site.notes();
    let (path, _) = notes.iter().find(|(p, _)| p.file_name().unwrap() != "README.md").unwrap();
    fs::rename(path, path.with_file_name("다른 이름.md")).unwrap();
    site.build_warm();
    site.assert_warm_is_cold("a note renamed");

    // A folder's `index.md` is its page until a `README.md` beside it takes that place.
    let folder = site.root.join("content/Extra");
    fs::create_dir_all(&folder).unwrap();
    fs::write(folder.join("index.md"), "# Extra\n\n- [b](b.md)\n").unwrap();
    fs::write(folder.join("b.md"), "# B\n\ntext\n").unwrap();
    site.build_warm();
    site.assert_warm_is_cold("a folder with an index.md");
    fs::write(folder.join("README.md"), "# Readme\n").unwrap();
    site.build_warm();
    site.assert_warm_is_cold("a README.md beside an index.md");

    // A page's output file changed by hand: it is rendered again, not kept.
    let page = site.out().join("Language/hint.html");
    fs::write(&page, "tampered").unwrap();
    site.build_warm();
    site.assert_warm_is_cold("a page changed in the output");

    // Changed by hand again, in place and to the same length, once builds have checked the file
    // and trust it while it stays the same file with the same size and time: read and rendered again.
    site.build_warm();
    assert_eq!(site.build_warm().pages.1, 0, "nothing changed");
    blank_in_place(&page);
    assert_eq!(site.build_warm().pages.1, 1, "the page changed by hand is rendered again");
    site.assert_warm_is_cold("a page changed in place in the output");

    // The search index's text blocks are kept from the last output when their pages' text is
    // unchanged, but not when the file was changed by hand, nor in place to the same length.
    let block = site.out().join("static/search/d0.js");
    fs::write(&block, "tampered").unwrap();
    site.build_warm();
    site.assert_warm_is_cold("a search text block changed in the output");
    site.build_warm();
    blank_in_place(&block);
    site.build_warm();
    site.assert_warm_is_cold("a search text block changed in place in the output");

    // The note's language (the hint for its unlabeled block) changes with its labelled blocks.
    let hint = site.root.join("content/Language/hint.md");
    let labelled = "\n```python\nx = 1\n```\n\n```python\ny = 2\n```\n\n```python\nz = 3\n```\n";
    fs::write(&hint, format!("{}{labelled}", fs::read_to_string(&hint).unwrap())).unwrap();
    site.build_warm();
    site.assert_warm_is_cold("a change to a note's code language");

    // The configuration (language, words, question patterns) and the theme's templates.
    fs::write(
        site.root.join("gongbu.toml"),
        "title = \"캐시\"\nlanguage = \"en\"\n[words]\ntoc = \"Inside\"\n[study]\nquestion_patterns = [\"^Q\"]\n",
    )
    .unwrap();
    site.build_warm();
    site.assert_warm_is_cold("a configuration change");
    let page = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/page.html")).unwrap();
    fs::create_dir_all(site.root.join("templates")).unwrap();
    let changed = page.replacen("{% block main %}", "{% block main %}<!-- 테마 바뀜 -->", 1);
    assert_ne!(changed, page);
    fs::write(site.root.join("templates/page.html"), changed).unwrap();
    site.build_warm();
    site.assert_warm_is_cold("a template change");

    // A damaged index is ignored as a whole (with its data file), and replaced.
    let cache = site.root.join(".gongbu-cache");
    let read_index = |name: &str| fs::read(cache.join(format!("{name}.index"))).unwrap();
    for damage in [0, 1, 2] {
        let (code, pages, notes) = (read_index("code.bin"), read_index("pages.bin"), read_index("notes.bin"));
        let mut flipped = code.clone();
        flipped[code.len() / 2] ^= 1;
        let damaged = [code[..code.len() / 3].to_vec(), flipped, b"junk".to_vec()][damage].clone();
        fs::write(cache.join("code.bin.index"), &damaged).unwrap();
        fs::write(cache.join("pages.bin.index"), &pages[..pages.len() - 1]).unwrap();
        let mut notes_flipped = notes.clone();
        notes_flipped[notes.len() / 2] ^= 1;
        fs::write(cache.join("notes.bin.index"), notes_flipped).unwrap();
        let warm = site.build_warm();
        assert_eq!((warm.notes.0, warm.code.0, warm.pages.0), (0, 0, 0), "nothing is taken from a damaged index");
        site.assert_warm_is_cold("a damaged cache index");
        assert_ne!(read_index("code.bin"), damaged, "the damaged index was replaced");
        assert_eq!(site.build_warm().pages.1, 0, "by a sound one");
    }

    // A value damaged in a data file is not taken: its page is rendered and its note parsed again.
    for name in ["pages.bin", "notes.bin", "code.bin"] {
        let path = cache.join(name);
        let mut bytes = fs::read(&path).unwrap();
        let middle = bytes.len() / 2;
        bytes[middle] ^= 1;
        // In place, as a disk would: the file keeps its name and identity.
        fs::OpenOptions::new().write(true).open(&path).unwrap().write_all(&bytes).unwrap();
    }
    let warm = site.build_warm();
    assert!(warm.pages.1 >= 1 && warm.notes.1 >= 1, "the damaged values were made again ({warm:?})");
    assert!(warm.pages.0 > 0 && warm.notes.0 > 0, "the others were taken ({warm:?})");
    site.assert_warm_is_cold("a damaged cache value");
}

/// `%20` and other escapes of a link's path undone (the generated notes escape spaces only).
fn percent_decoded(path: &str) -> String {
    path.replace("%20", " ")
}

#[test]
fn a_build_of_another_binary_ignores_the_cache() {
    let site = Site::new(5);
    let made = site.build_warm().code.1;
    assert!(made > 0);
    // The same program under another name and time: another build of gongbu, as far as it can tell.
    let other = site.root.parent().unwrap().join("gongbu-other");
    fs::copy(env!("CARGO_BIN_EXE_gongbu"), &other).unwrap();
    let run =
        Command::new(&other).args(["build", site.root.to_str().unwrap(), "--cache", "--timings"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    assert!(stderr.contains(&format!("code blocks: 0 from the cache, {made} highlighted")), "{stderr}");
}

#[test]
#[cfg(unix)]
fn a_symlinked_cache_folder_is_left_alone() {
    let site = Site::new(5);
    let elsewhere = site.root.parent().unwrap().join("elsewhere");
    fs::create_dir(&elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, site.root.join(".gongbu-cache")).unwrap();
    site.build_warm();
    site.build_warm();
    assert_eq!(fs::read_dir(&elsewhere).unwrap().count(), 0, "nothing was written through the link");
    site.assert_warm_is_cold("a symlinked cache folder");
}

#[test]
fn without_cache_a_build_reads_and_writes_none() {
    let site = Site::new(5);
    build_ok(&site.root, &site.out(), &[]);
    assert!(!site.root.join(".gongbu-cache").exists());
}

/// Start `gongbu serve` on `root` into `out`, wait until it serves (its first build is written),
/// and stop it.
fn serve_once(root: &Path, out: &Path, extra: &[&str]) {
    use std::io::{BufRead, BufReader};
    let mut child = Command::new(env!("CARGO_BIN_EXE_gongbu"))
        .args(["serve", root.to_str().unwrap(), "--port", "0", "-o", out.to_str().unwrap()])
        .args(extra)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let ready = stdout.lines().map_while(Result::ok).any(|l| l.starts_with("serving at "));
    let _ = child.kill();
    let _ = child.wait();
    assert!(ready, "serve started");
}

#[test]
fn serve_starts_from_the_cache_with_what_a_cold_start_writes() {
    let site = Site::new(15);
    let tmp = site.root.parent().unwrap();
    let (warm, cold) = (tmp.join("served"), tmp.join("served-cold"));
    serve_once(&site.root, &warm, &["--cache"]);
    assert!(tmp.join(".gongbu-cache/pages-serve.bin").is_file(), "the first start kept its pages");
    let (path, text) = site.notes().into_iter().find(|(_, t)| t.contains("```")).unwrap();
    fs::write(&path, format!("{text}\n한 줄 더.\n\n```rust\nfn more() {{}}\n```\n")).unwrap();
    serve_once(&site.root, &warm, &["--cache"]);
    serve_once(&site.root, &cold, &[]);
    assert_same(&tree(&cold), &tree(&warm), "a start of serve with the cache");
}

#[test]
fn serve_keeps_the_search_index_files_of_the_last_start() {
    let site = Site::new(15);
    let tmp = site.root.parent().unwrap();
    let (warm, cold) = (tmp.join("served"), tmp.join("served-cold"));
    serve_once(&site.root, &warm, &["--cache"]);
    // The second start reads each kept block once and remembers its file as it found it.
    serve_once(&site.root, &warm, &["--cache"]);
    serve_once(&site.root, &cold, &[]);
    assert_same(&tree(&cold), &tree(&warm), "a second start of serve with the cache");

    // A text block and a term shard the last start wrote are kept, not made again: what tells is
    // a change made in place with the file's time put back, which only a file checked by its
    // identity keeps.
    let (block, shard) = (warm.join("static/search/d0.js"), warm.join("static/search/t0.js"));
    let blanked_in_secret = |path: &Path| {
        let (len, modified) = (fs::read(path).unwrap().len(), fs::metadata(path).unwrap().modified().unwrap());
        blank_in_place(path);
        fs::File::options().write(true).open(path).unwrap().set_modified(modified).unwrap();
        vec![b' '; len]
    };
    let (blank_block, blank_shard) = (blanked_in_secret(&block), blanked_in_secret(&shard));
    serve_once(&site.root, &warm, &["--cache"]);
    assert_eq!(fs::read(&block).unwrap(), blank_block, "the block was kept as it was");
    assert_eq!(fs::read(&shard).unwrap(), blank_shard, "the shard was kept as it was");

    // A change that shows (its time) is made again, and the start writes what a cold one does.
    blank_in_place(&block);
    blank_in_place(&shard);
    serve_once(&site.root, &warm, &["--cache"]);
    assert_same(&tree(&cold), &tree(&warm), "a search text block changed in place in the output");
    fs::write(&block, "tampered").unwrap();
    blank_in_place(&shard);
    serve_once(&site.root, &warm, &["--cache"]);
    assert_same(&tree(&cold), &tree(&warm), "a search text block and a shard changed in the output");

    // A note's text changed: its block and every shard are made again.
    let (path, text) = site.notes().into_iter().next().unwrap();
    fs::write(&path, format!("{text}\n새 문단 unseenword.\n")).unwrap();
    serve_once(&site.root, &warm, &["--cache"]);
    let _ = fs::remove_dir_all(&cold);
    serve_once(&site.root, &cold, &[]);
    assert_same(&tree(&cold), &tree(&warm), "a note's text changed");
}

/// Overwrite the file at `path` with as many spaces, in place: the same file (inode) and size,
/// only its time and bytes changed, as an editor writing over it might leave it.
fn blank_in_place(path: &Path) {
    let same_length = vec![b' '; fs::read(path).unwrap().len()];
    fs::OpenOptions::new().write(true).open(path).unwrap().write_all(&same_length).unwrap();
}
