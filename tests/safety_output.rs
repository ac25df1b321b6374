//! Output-folder safety, end to end with the real binary: nothing is written or deleted outside
//! the real output folder, files gongbu did not produce are kept, `--force` never puts notes at
//! risk, and the output is always the previous site or the new one entirely (failed switch,
//! stale staging folders, `kill -9` mid-build).

mod common;

use common::{build_ok, gongbu, tree};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::os::unix::fs::{symlink, MetadataExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Every file of a folder with its bytes (`common::tree`).
type Tree = BTreeMap<String, Vec<u8>>;

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A small notes folder: a top note, a folder with two notes, and an asset.
fn small_notes(dir: &Path) -> PathBuf {
    let notes = dir.join("notes");
    write(&notes.join("a.md"), "# A\n\nhello\n");
    write(&notes.join("sub/b.md"), "# B\n\nsee [a](../a.md)\n");
    write(&notes.join("sub/c.md"), "# C\n\nthird\n");
    write(&notes.join("sub/pic.txt"), "an asset\n");
    notes
}

/// `small_notes` in a temp folder, built into its `out/`: (temp folder, notes, output).
fn built_small_notes() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let notes = small_notes(tmp.path());
    let out = tmp.path().join("out");
    build_ok(&notes, &out, &[]);
    (tmp, notes, out)
}

/// A folder outside the output holding files with the names gongbu writes into `sub/`.
fn victim(dir: &Path) -> (PathBuf, BTreeMap<String, Vec<u8>>) {
    let victim = dir.join("victim");
    for name in ["b.html", "c.html", "index.html", "pic.txt", "other.txt"] {
        write(&victim.join(name), &format!("victim's own {name}\n"));
    }
    let before = tree(&victim);
    (victim, before)
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn build_replaces_a_symlink_in_the_output_and_never_writes_through_it() {
    let (tmp, notes, out) = built_small_notes();
    let (victim, before) = victim(tmp.path());
    std::fs::remove_dir_all(out.join("sub")).unwrap();
    symlink(&victim, out.join("sub")).unwrap();

    write(&notes.join("sub/b.md"), "# B\n\nedited\n");
    std::fs::remove_file(notes.join("sub/c.md")).unwrap();
    build_ok(&notes, &out, &[]);

    assert_eq!(tree(&victim), before, "the folder the link pointed at is untouched, byte for byte");
    let sub = std::fs::symlink_metadata(out.join("sub")).unwrap();
    assert!(sub.is_dir(), "the link was replaced by a real folder");
    assert!(std::fs::read_to_string(out.join("sub/b.html")).unwrap().contains("edited"));
    assert!(!out.join("sub/c.html").exists());
}

/// `gongbu serve NOTES -o OUT`, returned once it serves (its first build is done).
fn start_serve(notes: &Path, out: &Path) -> std::process::Child {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gongbu"))
        .args(["serve", notes.to_str().unwrap(), "-o", out.to_str().unwrap(), "--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    if !lines.by_ref().map_while(Result::ok).any(|l| l.starts_with("serving at ")) {
        let _ = child.kill();
        panic!("serve did not start");
    }
    // Keep reading, so serve never blocks on a full pipe.
    std::thread::spawn(move || lines.map_while(Result::ok).for_each(drop));
    child
}

/// Wait up to 30 s for `check` to hold.
fn eventually(mut check: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if check() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

#[test]
fn serve_keeps_the_manifest_so_build_removes_its_stale_pages_and_keeps_yours() {
    let (_tmp, notes, out) = built_small_notes();
    write(&out.join("CNAME"), "example.org\n");

    let mut child = start_serve(&notes, &out);
    write(&notes.join("sub/added.md"), "# Added while serving\n");
    let served = eventually(|| out.join("sub/added.html").is_file());
    let _ = child.kill();
    let _ = child.wait();
    assert!(served, "serve wrote the new page");

    std::fs::remove_file(notes.join("sub/added.md")).unwrap();
    build_ok(&notes, &out, &[]);
    assert!(!out.join("sub/added.html").exists(), "a page serve produced is gongbu's, so it goes when its note goes");
    assert_eq!(std::fs::read_to_string(out.join("CNAME")).unwrap(), "example.org\n");
}

#[test]
fn serve_replaces_a_symlink_in_the_output_and_never_writes_or_deletes_through_it() {
    let (tmp, notes, out) = built_small_notes();
    let (victim, before) = victim(tmp.path());
    std::fs::remove_dir_all(out.join("sub")).unwrap();
    symlink(&victim, out.join("sub")).unwrap();

    let mut child = start_serve(&notes, &out);
    // An edit and a deleted note: serve rewrites one page and removes another.
    write(&notes.join("sub/b.md"), "# B\n\nedited while serving\n");
    std::fs::remove_file(notes.join("sub/c.md")).unwrap();
    let served = eventually(|| {
        let b = std::fs::read_to_string(out.join("sub/b.html")).unwrap_or_default();
        b.contains("edited while serving") && !out.join("sub/c.html").exists()
    });
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(tree(&victim), before, "the folder the link pointed at is untouched, byte for byte");
    assert!(served, "serve applied the edit and the deletion in the real output folder");
    assert!(std::fs::symlink_metadata(out.join("sub")).unwrap().is_dir(), "the link was replaced by a real folder");
}

#[test]
fn files_the_user_put_in_the_output_survive_every_build() {
    let tmp = tempfile::tempdir().unwrap();
    let notes = small_notes(tmp.path());
    write(&notes.join("CNAME"), "notes.example.org\n");
    let out = tmp.path().join("out");
    build_ok(&notes, &out, &[]);
    let mine = [
        ("CNAME.bak", "old.example.org\n"),
        (".well-known/security.txt", "Contact: me\n"),
        ("sub/notes-by-hand.txt", "mine\n"),
    ];
    for (rel, text) in mine {
        write(&out.join(rel), text);
    }
    std::fs::create_dir(out.join(".well-known/empty")).unwrap();

    std::fs::remove_file(notes.join("sub/c.md")).unwrap();
    write(&notes.join("a.md"), "# A\n\nchanged\n");
    build_ok(&notes, &out, &[]);
    build_ok(&notes, &out, &[]);

    for (rel, text) in mine {
        assert_eq!(std::fs::read_to_string(out.join(rel)).ok().as_deref(), Some(text), "{rel} survives");
    }
    assert!(out.join(".well-known/empty").is_dir(), "an empty folder of the user's survives");
    assert_eq!(
        std::fs::read_to_string(out.join("CNAME")).unwrap(),
        "notes.example.org\n",
        "CNAME from the notes is published"
    );
    assert!(out.join(".nojekyll").is_file());
    assert!(!out.join("sub/c.html").exists(), "the page of a deleted note is removed");
    assert!(std::fs::read_to_string(out.join("a.html")).unwrap().contains("changed"));
}

/// A site root keeps its hosting files in `static/`: they are published at the output's root
/// and survive every build; one that a file at the top of the notes would also publish loses to
/// it, with a warning on `static/`.
#[test]
fn a_site_roots_hosting_files_in_static_are_published_at_the_root() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    write(&root.join("gongbu.toml"), "title = \"노트\"\n");
    write(&root.join("content/a.md"), "# A\n");
    write(&root.join("static/CNAME"), "notes.example.org\n");
    write(&root.join("static/_redirects"), "/old /a.html 301\n");
    write(&root.join("static/extra.css"), "p {}\n");
    let out = tmp.path().join("out");
    for _ in 0..2 {
        let stderr = build_ok(&root, &out, &[]);
        assert!(!stderr.contains("warning"), "{stderr}");
        assert_eq!(std::fs::read_to_string(out.join("CNAME")).unwrap(), "notes.example.org\n");
        assert_eq!(std::fs::read_to_string(out.join("_redirects")).unwrap(), "/old /a.html 301\n");
        assert!(!out.join("static/CNAME").exists() && out.join("static/extra.css").is_file());
    }

    write(&root.join("content/CNAME"), "content.example.org\n");
    let stderr = build_ok(&root, &out, &[]);
    assert!(
        stderr.lines().any(|l| l.starts_with("static/CNAME: warning: not published at the site's root: the notes folder's CNAME")),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(out.join("CNAME")).unwrap(), "content.example.org\n");
    assert_eq!(std::fs::read_to_string(out.join("_redirects")).unwrap(), "/old /a.html 301\n");
}

#[test]
fn a_forged_marker_does_not_get_a_folder_emptied() {
    let tmp = tempfile::tempdir().unwrap();
    let notes = small_notes(tmp.path());
    let outside = tmp.path().join("outside.txt");
    write(&outside, "outside\n");

    // Any `.gongbu-output` file used to mark a folder as replaceable.
    let forged = tmp.path().join("forged");
    write(
        &forged.join(".gongbu-output"),
        "This folder is generated by gongbu; each build replaces what it generated.\n",
    );
    write(&forged.join("thesis.tex"), "years of work\n");
    let before = tree(&forged);
    let refused = gongbu(&["build", notes.to_str().unwrap(), "-o", forged.to_str().unwrap()]);
    assert!(!refused.status.success(), "a folder without a real manifest is not taken over without --force");
    assert!(stderr(&refused).contains("--force"), "{}", stderr(&refused));
    assert_eq!(tree(&forged), before);

    // A manifest in the right form can only name paths inside the output.
    let listed = tmp.path().join("listed");
    let header = "# gongbu output manifest v1: the files gongbu produced here; a rebuild deletes only these";
    write(
        &listed.join(".gongbu-output"),
        &format!("{header}\n\"../outside.txt\"\n\"{}\"\n\"old.html\"\n", outside.display()),
    );
    write(&listed.join("old.html"), "listed\n");
    write(&listed.join("thesis.tex"), "years of work\n");
    build_ok(&notes, &listed, &[]);
    assert_eq!(std::fs::read_to_string(&outside).unwrap(), "outside\n", "a manifest never reaches outside the output");
    assert_eq!(
        std::fs::read_to_string(listed.join("thesis.tex")).unwrap(),
        "years of work\n",
        "unlisted files are kept"
    );
    assert!(!listed.join("old.html").exists(), "a listed file no longer produced is removed");
}

#[test]
fn force_never_lets_the_output_overlap_the_notes() {
    let tmp = tempfile::tempdir().unwrap();
    let notes = small_notes(tmp.path());
    // A manifest in a notes folder that names a note: whoever wrote it, it is no licence.
    let header = "# gongbu output manifest v1: the files gongbu produced here; a rebuild deletes only these";
    write(&notes.join("sub/.gongbu-output"), &format!("{header}\n\"b.md\"\n"));
    let before = tree(&notes);
    let overlapping = [notes.join("sub"), notes.clone(), tmp.path().to_path_buf()];
    for out in &overlapping {
        let result = gongbu(&["build", notes.to_str().unwrap(), "-o", out.to_str().unwrap(), "--force"]);
        assert!(!result.status.success(), "-o {} --force must be refused", out.display());
        assert!(stderr(&result).contains("notes folder"), "{}", stderr(&result));
        assert_eq!(tree(&notes), before, "notes intact after -o {} --force", out.display());
    }

    // The default output inside the notes folder works, also again and with --force, and a
    // rebuild never touches a note.
    build_ok(&notes, &notes.join("public"), &[]);
    build_ok(&notes, &notes.join("public"), &["--force"]);
    let built = gongbu(&["build", notes.to_str().unwrap()]);
    assert!(built.status.success(), "{}", stderr(&built));
    let mut after = tree(&notes);
    after.retain(|rel, _| !rel.starts_with("public"));
    assert_eq!(after, before);
    assert!(notes.join("public/sub/b.html").is_file());
}

/// A site whose every page changes between builds: the title differs.
fn retitle(notes: &Path, title: &str) {
    write(&notes.join("gongbu.toml"), &format!("title = \"{title}\"\n"));
}

#[test]
fn a_failed_switch_leaves_the_previous_output_byte_identical() {
    let tmp = tempfile::tempdir().unwrap();
    let notes = small_notes(tmp.path());
    let out = tmp.path().join("out");
    retitle(&notes, "old");
    build_ok(&notes, &out, &[]);
    // The user's folder where the next build must put a page.
    write(&out.join("new.html/keep.txt"), "mine\n");
    let before = tree(&out);

    retitle(&notes, "new");
    write(&notes.join("new.md"), "# New\n");
    let failed = gongbu(&["build", notes.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert!(!failed.status.success());
    assert!(stderr(&failed).contains("the previous output was left as it was"), "{}", stderr(&failed));
    assert_eq!(tree(&out), before, "nothing of the new build got in");
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 2, "no staging folder left behind");
}

#[test]
fn an_undeletable_subfolder_never_leaves_a_mixed_site() {
    let tmp = tempfile::tempdir().unwrap();
    let notes = small_notes(tmp.path());
    let out = tmp.path().join("out");
    retitle(&notes, "old");
    build_ok(&notes, &out, &[]);
    let old = tree(&out);
    // Immutable: nothing can be added to or removed from it, even by root (the issue's
    // read-only folder, which root could still write).
    let chattr = |flag: &str, dir: &Path| Command::new("chattr").arg(flag).arg(dir).status().is_ok_and(|s| s.success());
    // Not skipped where it cannot run: scripts/test runs as root on ext4, where it can.
    assert!(
        chattr("+i", &out.join("sub")),
        "chattr +i failed: this test needs root and a file system with the immutable flag (ext4)"
    );
    retitle(&notes, "new");
    let result = gongbu(&["build", notes.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    let now = tree(&out);
    for entry in walkdir::WalkDir::new(tmp.path()).into_iter().filter_map(Result::ok).filter(|e| e.file_type().is_dir())
    {
        chattr("-i", entry.path());
    }
    let fresh = tmp.path().join("fresh");
    build_ok(&notes, &fresh, &[]);
    if result.status.success() {
        assert_eq!(now, tree(&fresh), "a successful build gives the whole new site");
    } else {
        assert_eq!(now, old, "a failed build leaves the whole old site:\n{}", stderr(&result));
    }
}

#[test]
fn stale_staging_folders_of_killed_builds_are_removed_and_nothing_else() {
    let tmp = tempfile::tempdir().unwrap();
    let notes = small_notes(tmp.path());
    let out = tmp.path().join("public");
    let header = "# gongbu output manifest v1: the files gongbu produced here; a rebuild deletes only these\n";
    // No process has these ids (above the kernel's largest pid).
    let stale = tmp.path().join(".public.gongbu-staging-99999991");
    write(&stale.join(".gongbu-output"), header);
    write(&stale.join("big/page.html"), &"x".repeat(100_000));
    let unmarked = tmp.path().join(".public.gongbu-staging-99999992");
    write(&unmarked.join("data.txt"), "not gongbu's\n");
    let other_output = tmp.path().join(".site.gongbu-staging-99999993");
    write(&other_output.join(".gongbu-output"), header);
    let other_name = tmp.path().join("public.gongbu-staging-x");
    write(&other_name.join(".gongbu-output"), header);

    build_ok(&notes, &out, &[]);
    assert!(!stale.exists(), "the staging folder of a killed build is removed");
    for kept in [&unmarked, &other_output, &other_name] {
        assert!(kept.exists(), "{} is kept", kept.display());
    }
}

/// The tree of a folder, or None while it is missing.
fn snapshot(dir: &Path) -> Option<BTreeMap<String, Vec<u8>>> {
    dir.is_dir().then(|| tree(dir))
}

/// Run a build of `notes` into `out` and kill it with SIGKILL after `delay`, or as soon as
/// anything in the output changes when `delay` is None.
fn build_and_kill(notes: &Path, out: &Path, delay: Option<Duration>, extra: &[&str]) {
    let folders: Vec<PathBuf> = std::iter::once(out.to_path_buf())
        .chain(std::fs::read_dir(out).unwrap().filter_map(Result::ok).map(|e| e.path()).filter(|p| p.is_dir()))
        .collect();
    let stamp = |dirs: &[PathBuf]| -> Vec<Option<(u64, i64, i64)>> {
        dirs.iter().map(|d| std::fs::symlink_metadata(d).ok().map(|m| (m.ino(), m.mtime(), m.mtime_nsec()))).collect()
    };
    let before = stamp(&folders);
    let mut child = Command::new(env!("CARGO_BIN_EXE_gongbu"))
        .args(["build", notes.to_str().unwrap(), "-o", out.to_str().unwrap()])
        .args(extra)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    loop {
        let due = match delay {
            Some(d) => started.elapsed() >= d,
            None => stamp(&folders) != before,
        };
        if due || child.try_wait().unwrap().is_some() {
            break;
        }
        if delay.is_some() {
            std::thread::sleep(Duration::from_millis(2));
        }
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// 200 generated notes in `dir/notes`.
fn generated_notes(dir: &Path) -> PathBuf {
    let notes = dir.join("notes");
    let generated = Command::new(env!("CARGO_BIN_EXE_gen-corpus"))
        .args(["--notes", "200", "--out", notes.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(generated.status.success());
    notes
}

#[test]
fn kill_9_during_a_build_never_leaves_a_mixed_site() {
    let tmp = tempfile::tempdir().unwrap();
    let notes = generated_notes(tmp.path());
    let out = tmp.path().join("out");

    retitle(&notes, "old");
    build_ok(&notes, &out, &[]);
    let old = tree(&out);
    retitle(&notes, "new");
    let fresh = tmp.path().join("fresh");
    let started = Instant::now();
    build_ok(&notes, &fresh, &[]);
    let full = started.elapsed();
    let new = tree(&fresh);
    assert_ne!(old, new);

    kill_at_points(&notes, &out, (&old, &new), full, &[]);
}

/// Kill builds of `notes` over `out` (holding `old`, to become `new`) at a few points of a build
/// taking about `full`, and right when the output starts to change: the output is always the old
/// or the new site, and the next build removes what the killed ones left beside it.
fn kill_at_points(notes: &Path, out: &Path, sites: (&Tree, &Tree), full: Duration, extra: &[&str]) {
    let (old, new) = sites;
    // Killed at a few points of the build, and right when the output starts to change.
    let mut outcomes = Vec::new();
    for delay in [Some(full / 2), Some(full * 9 / 10), None] {
        build_and_kill(notes, out, delay, extra);
        let now = snapshot(out);
        let which = if now.as_ref() == Some(old) {
            "old"
        } else if now.as_ref() == Some(new) {
            "new"
        } else {
            let now = now.unwrap_or_default();
            let from_new = now.iter().filter(|(k, v)| new.get(*k) == Some(v) && old.get(*k) != Some(v)).count();
            panic!("killed after {delay:?}: a mixed site ({from_new} of {} files new)", now.len());
        };
        outcomes.push(which);
        if which == "new" {
            break;
        }
    }
    eprintln!("kill outcomes: {outcomes:?}");

    // The next build removes what the killed ones left beside the output.
    build_ok(notes, out, extra);
    assert_eq!(&tree(out), new);
    let left: Vec<String> = std::fs::read_dir(out.parent().unwrap())
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(left.iter().all(|n| !n.contains("gongbu-staging")), "staging folders left: {left:?}");
}

/// The same with the build cache, whose builds are staged in the spare (the output before the
/// last, kept in `.gongbu-cache/`): a few notes edited, most pages kept.
#[test]
fn kill_9_during_a_warm_build_never_leaves_a_mixed_site() {
    let tmp = tempfile::tempdir().unwrap();
    let notes = generated_notes(tmp.path());
    let out = tmp.path().join("out");
    let mut pages: Vec<PathBuf> = walkdir::WalkDir::new(&notes)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.path().to_path_buf())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    pages.sort();
    let edit = |from: usize, text: &str| {
        for page in pages.iter().skip(from).step_by(40) {
            let mut note = std::fs::read_to_string(page).unwrap();
            note.push_str(&format!("\n{text}\n"));
            write(page, &note);
        }
    };

    build_ok(&notes, &out, &["--cache"]);
    edit(0, "첫 편집");
    let started = Instant::now();
    build_ok(&notes, &out, &["--cache"]);
    let full = started.elapsed();
    assert!(out.parent().unwrap().join(".gongbu-cache/spare-out").is_dir(), "the replaced output is kept as the spare");
    let old = tree(&out);
    edit(1, "둘째 편집");
    let fresh = tmp.path().join("fresh");
    build_ok(&notes, &fresh, &[]);
    let new = tree(&fresh);
    assert_ne!(old, new);
    kill_at_points(&notes, &out, (&old, &new), full, &["--cache"]);
}
