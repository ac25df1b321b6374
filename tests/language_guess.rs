//! The unlabeled-block guess, measured on real notes: accuracy on the corpus, prose and
//! diagrams stay plain, the seed note's asyncio block is Python.

use std::path::Path;

use gongbu::highlight::{accuracy, guess_language, Highlighter};

const CORPUS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/corpora/tech-interview-for-developer"
);
const SEED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/seed/interview-notes.md"
);
const PLAIN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/plain-blocks");

#[test]
fn corpus_accuracy_is_at_least_90_percent() {
    let root = Path::new(CORPUS);
    assert!(
        root.is_dir(),
        "corpus folder missing: {CORPUS} (it ships with the shared workspace)"
    );
    let report = accuracy(root).expect("corpus is readable");
    println!("{report}");
    assert!(
        report.scored() > 200,
        "too few labeled blocks found: {}",
        report.scored()
    );
    assert!(
        report.overall() >= 0.90,
        "guess accuracy fell below 90%:\n{report}"
    );
}

#[test]
fn prose_diagrams_and_output_stay_plain() {
    let mut checked = 0;
    let mut entries: Vec<_> = std::fs::read_dir(PLAIN)
        .expect("fixture folder")
        .flatten()
        .collect();
    entries.sort_by_key(|e| e.path());
    for entry in entries {
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "txt") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("fixture is UTF-8");
        assert_eq!(
            guess_language(&text),
            None,
            "{} was guessed as code",
            path.display()
        );
        let out = Highlighter::global().highlight(None, &text);
        assert!(
            out.language.is_none() && !out.html.contains("<span"),
            "{}",
            path.display()
        );
        checked += 1;
    }
    assert!(
        checked >= 20,
        "expected at least 20 plain fixtures, found {checked}"
    );
}

#[test]
fn seed_unlabeled_block_is_python() {
    let seed =
        std::fs::read_to_string(SEED).unwrap_or_else(|e| panic!("seed note missing: {SEED}: {e}"));
    let start = seed
        .find("```\nimport asyncio")
        .expect("seed has the unlabeled asyncio block")
        + 4;
    let end = start + seed[start..].find("```").expect("block is closed");
    let block = &seed[start..end];
    assert_eq!(guess_language(block), Some("python"));
    let out = Highlighter::global().highlight(None, block);
    assert_eq!(out.language.as_deref(), Some("python"));
    assert!(out.guessed);
}
