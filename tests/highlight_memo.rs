//! The highlighter's line memo changes no output: every fenced block of a generated corpus,
//! highlighted in order on one thread (so lines recur across blocks and notes), gives byte for
//! byte the HTML it gives with the memo off.

use std::process::Command;

use gongbu::highlight::{without_line_memo, Highlighter};
use gongbu::markdown::code_blocks::code_blocks;

#[test]
fn generated_corpus_highlights_the_same_with_and_without_the_line_memo() {
    let dir = std::env::temp_dir().join(format!("gongbu-highlight-memo-{}", std::process::id()));
    let status = Command::new(env!("CARGO_BIN_EXE_gen-corpus"))
        .args(["--notes", "300", "--seed", "7", "--force", "--out"])
        .arg(&dir)
        .status()
        .expect("run gen-corpus");
    assert!(status.success(), "gen-corpus failed: {status}");
    let h = Highlighter::global();
    let (mut blocks, mut lines) = (0, 0);
    for entry in walkdir::WalkDir::new(&dir) {
        let entry = entry.expect("read the generated corpus");
        if entry.path().extension().is_none_or(|e| e != "md") {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).expect("read a note");
        for block in code_blocks(&text) {
            let label = block.label.as_deref();
            let with = h.highlight(label, &block.code);
            let without = without_line_memo(|| h.highlight(label, &block.code));
            assert_eq!(with, without, "{}:\n{}", entry.path().display(), block.code);
            blocks += 1;
            lines += block.code.lines().count();
        }
    }
    std::fs::remove_dir_all(&dir).ok();
    assert!(blocks > 300 && lines > 5_000, "{blocks} blocks, {lines} lines");
}
