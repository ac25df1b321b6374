//! The same input gives byte-identical output: the same files with the same bytes, whichever
//! process, thread count, output folder or notes location builds it, and whether it is a fresh
//! build or a rebuild over a previous output (no timestamps, no hash-map or thread order).

mod common;

use common::{build_ok, copy_sample_site, copy_tree, shared_dir, tree};
use std::collections::BTreeMap;
use std::path::Path;

/// Build `notes` (copied to two places under the same name) four ways and compare every file.
fn assert_deterministic(notes: &Path, extra: &[&str]) {
    let tmp = tempfile::tempdir().unwrap();
    let name = notes.file_name().unwrap();
    let (here, there) = (tmp.path().join("a").join(name), tmp.path().join("b/c").join(name));
    copy_tree(notes, &here);
    copy_tree(notes, &there);

    let first = tmp.path().join("out1");
    build_ok(&here, &first, extra);
    let fresh = tree(&first);
    assert!(fresh.len() > 3, "something was built");

    let mut single = extra.to_vec();
    single.extend(["-j", "1"]);
    let runs: [(&str, &Path, &Path, &[&str]); 3] = [
        ("another process and output folder", &here, &tmp.path().join("out2"), extra),
        ("the notes somewhere else, one thread", &there, &tmp.path().join("elsewhere/out"), &single),
        ("a rebuild over the first output", &here, &first, extra),
    ];
    for (how, src, out, args) in runs {
        build_ok(src, out, args);
        assert_same(&fresh, &tree(out), how);
    }
}

fn assert_same(want: &BTreeMap<String, Vec<u8>>, got: &BTreeMap<String, Vec<u8>>, how: &str) {
    let names = |t: &BTreeMap<String, Vec<u8>>| t.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(want), names(got), "{how}: the same files");
    let differ: Vec<&String> =
        want.iter().filter(|(path, bytes)| got[*path] != **bytes).map(|(path, _)| path).collect();
    assert!(differ.is_empty(), "{how}: {} file(s) differ, first {:?}", differ.len(), &differ[..differ.len().min(5)]);
}

#[test]
fn the_shared_corpus_builds_byte_identically() {
    let corpus = shared_dir().join("corpora/tech-interview-for-developer");
    assert_deterministic(&corpus, &["--base-url", "https://me.github.io/notes/"]);
}

#[test]
fn the_sample_site_builds_byte_identically() {
    // The repository's own sample site (gongbu.toml + content/), as a site root.
    let tmp = tempfile::tempdir().unwrap();
    let site = copy_sample_site(tmp.path());
    assert_deterministic(&site, &["--base-url", "https://example.com/"]);
}

#[test]
fn the_seed_note_and_a_new_site_build_byte_identically() {
    let tmp = tempfile::tempdir().unwrap();
    let seed = tmp.path().join("seed");
    std::fs::create_dir_all(&seed).unwrap();
    std::fs::copy(shared_dir().join("seed/interview-notes.md"), seed.join("interview-notes.md")).unwrap();
    assert_deterministic(&seed, &[]);
    let site = tmp.path().join("new");
    assert!(common::gongbu(&["init", site.to_str().unwrap()]).status.success());
    assert_deterministic(&site, &[]);
}
