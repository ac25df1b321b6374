//! Measure the unlabeled-block language guess on a folder of Markdown notes: every labeled
//! fenced block has its label hidden, is guessed, and the guess is compared with the label.
//! The library only guesses; walking folders of notes to grade it lives here.
//!
//! Usage: guess-accuracy [--misses] [--no-context] [FOLDER]   (default ../shared/corpora/tech-interview-for-developer)
//!        guess-accuracy [--misses] --set DIR   (an evaluation set, e.g. tests/fixtures/guess/tune)
//! On a folder each block is guessed in its note's context (`note_language` of the other
//! blocks' labels and the file's path), as the site does; `--no-context` guesses it alone.
//! `--misses` also prints every missed block with the scorer's three best scores, and every
//! unlabeled block that was guessed (to check it really is code).
//!
//! An evaluation set is a folder of `<label>.txt` files (`java.txt`, `plain.txt`, ...), each
//! holding blocks separated by a line `----8<----`; the file's name is every block's label, and
//! `plain` marks blocks that must stay plain (prose, output, pseudocode). A line
//! `#> context: LANG` gives the note context the blocks sit in (the language the rest of the
//! note is labelled or titled in; `none` for no context): as a file's first line it holds for
//! every block of the file, as a block's first line for that block only.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use gongbu::highlight::{canonical_language, explain, guess_language_in, is_plain_label, note_language};
use gongbu::markdown::code_blocks::code_blocks;

fn main() -> ExitCode {
    let mut show_misses = false;
    let mut is_set = false;
    let mut use_context = true;
    let mut folder = None;
    for arg in std::env::args_os().skip(1) {
        if arg == "--misses" {
            show_misses = true;
        } else if arg == "--no-context" {
            use_context = false;
        } else if arg == "--set" {
            is_set = true;
        } else {
            folder = Some(PathBuf::from(arg));
        }
    }
    let root = folder.unwrap_or_else(|| PathBuf::from("../shared/corpora/tech-interview-for-developer"));
    let result = if is_set { set_accuracy(&root, use_context) } else { accuracy(&root, use_context) };
    match result {
        Ok(report) => {
            if show_misses {
                for Miss { file, expected, guess, code, context } in &report.misses {
                    let head: String = code.lines().take(12).collect::<Vec<_>>().join("\n");
                    let note = context.as_deref().map(|c| format!(" in a {c} note")).unwrap_or_default();
                    println!("--- {file}: {expected} guessed {}{note} [{}]", guess.unwrap_or("(none)"), explain(code));
                    println!("{head}");
                }
            }
            if show_misses {
                for (file, guess, code) in &report.unlabeled_guessed {
                    let head: String = code.lines().take(6).collect::<Vec<_>>().join("\n");
                    println!("+++ {file}: unlabeled guessed {guess}");
                    println!("{head}");
                }
            }
            println!("{report}");
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("guess-accuracy: {}: {err}", root.display());
            ExitCode::from(2)
        }
    }
}

/// Counts for one expected language.
#[derive(Debug, Default, Clone)]
struct LangStats {
    total: usize,
    correct: usize,
    none: usize,
    /// Wrong guesses by guessed language.
    wrong: BTreeMap<String, usize>,
}

/// A labeled block guessed wrong or not at all.
#[derive(Debug, Clone)]
struct Miss {
    file: String,
    expected: String,
    guess: Option<&'static str>,
    code: String,
    /// The note's language the block was guessed in.
    context: Option<String>,
}

/// Guess accuracy over every fenced code block of a folder of Markdown notes.
#[derive(Debug, Default, Clone)]
struct AccuracyReport {
    files: usize,
    /// Labeled blocks by canonical label (text-like labels under "(text)", expected None).
    by_label: BTreeMap<String, LangStats>,
    /// Labels outside the alias table (typos, `mermaid`...): not scored.
    unknown_labels: BTreeMap<String, usize>,
    /// What unlabeled blocks were guessed as ("(none)" for plain).
    unlabeled: BTreeMap<String, usize>,
    /// Missed labeled blocks, for `guess-accuracy --misses`.
    misses: Vec<Miss>,
    /// Unlabeled blocks that were guessed: (file, guess, code), to check they really are code.
    unlabeled_guessed: Vec<(String, &'static str, String)>,
}

impl AccuracyReport {
    fn scored(&self) -> usize {
        self.by_label.values().map(|s| s.total).sum()
    }
    fn correct(&self) -> usize {
        self.by_label.values().map(|s| s.correct).sum()
    }
    /// Fraction of scored labeled blocks guessed right (1.0 when there are none).
    fn overall(&self) -> f64 {
        let scored = self.scored();
        if scored == 0 {
            1.0
        } else {
            self.correct() as f64 / scored as f64
        }
    }
}

const TEXT_LABEL: &str = "(text)";

fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        100.0
    } else {
        part as f64 * 100.0 / whole as f64
    }
}

/// A guess counts as right when it names the same language, or a sibling the reader would not
/// mind: C code guessed as C++ (or back), JSX guessed as JavaScript (or back).
fn guess_matches(expected: &str, guessed: Option<&str>) -> bool {
    let Some(g) = guessed else {
        return expected == TEXT_LABEL;
    };
    g == expected
        || matches!((expected, g), ("c", "cpp") | ("cpp", "c") | ("jsx", "javascript") | ("javascript", "jsx"))
}

/// The line between two blocks of an evaluation set file.
const SEPARATOR: &str = "----8<----";

/// Guess every block of an evaluation set (`<label>.txt` files under `root`) and count.
fn set_accuracy(root: &Path, use_context: bool) -> std::io::Result<AccuracyReport> {
    if !root.is_dir() {
        return Err(std::io::Error::new(std::io::ErrorKind::NotFound, format!("{} is not a folder", root.display())));
    }
    let mut report = AccuracyReport::default();
    for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
        let entry = entry.map_err(std::io::Error::other)?;
        let path = entry.path();
        if !entry.file_type().is_file() || path.extension().is_none_or(|e| e != "txt") {
            continue;
        }
        let label = path.file_stem().map(|s| s.to_string_lossy().to_lowercase()).unwrap_or_default();
        let text = std::fs::read_to_string(path)?;
        report.files += 1;
        let file = path.strip_prefix(root).unwrap_or(path).display().to_string();
        for (i, (context, block)) in split_set_file(&text).into_iter().enumerate() {
            let context = context.filter(|_| use_context);
            report.count(&format!("{file} #{}", i + 1), &label, &block, context.as_deref());
        }
    }
    Ok(report)
}

/// The line that gives the note context of a set file or block.
const CONTEXT: &str = "#> context:";

/// The blocks of one set file with their note context, each ending with a newline as a fenced
/// block's code does.
fn split_set_file(text: &str) -> Vec<(Option<String>, String)> {
    let mut lines = text.lines().peekable();
    let mut file_context = None;
    if let Some(first) = lines.peek() {
        if let Some(c) = context_line(first) {
            file_context = c;
            lines.next();
        }
    }
    let mut blocks = Vec::new();
    let mut current = String::new();
    let mut context = file_context.clone();
    for line in lines {
        if line.trim_end() == SEPARATOR {
            blocks.push((std::mem::replace(&mut context, file_context.clone()), std::mem::take(&mut current)));
        } else if let Some(c) = context_line(line).filter(|_| current.is_empty()) {
            context = c;
        } else {
            current.push_str(line);
            current.push('\n');
        }
    }
    blocks.push((context, current));
    blocks.retain(|(_, b)| !b.trim().is_empty());
    blocks
}

/// `#> context: java` → Some(Some("java")), `#> context: none` → Some(None), other lines None.
fn context_line(line: &str) -> Option<Option<String>> {
    let lang = line.trim().strip_prefix(CONTEXT)?.trim().to_lowercase();
    Some((!lang.is_empty() && lang != "none").then_some(lang))
}

/// Hide the label of every labeled fenced block under `root`, guess, and count.
fn accuracy(root: &Path, use_context: bool) -> std::io::Result<AccuracyReport> {
    if !root.is_dir() {
        return Err(std::io::Error::new(std::io::ErrorKind::NotFound, format!("{} is not a folder", root.display())));
    }
    let mut report = AccuracyReport::default();
    for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
        let entry = entry.map_err(std::io::Error::other)?;
        if !entry.file_type().is_file() || entry.path().extension().is_none_or(|e| e != "md") {
            continue;
        }
        let text = std::fs::read_to_string(entry.path())?;
        report.files += 1;
        let file = entry.path().strip_prefix(root).unwrap_or(entry.path()).display().to_string();
        let blocks = code_blocks(&text);
        let names = [file.as_str()];
        for (i, block) in blocks.iter().enumerate().filter(|(_, b)| b.fenced) {
            // The note's context as the site sees it with this block's label hidden: the
            // other blocks' labels, the file and folder names, never this block's own label.
            let others = blocks.iter().enumerate().filter(|&(j, _)| j != i).filter_map(|(_, b)| b.label.as_deref());
            let context = if use_context { note_language(others, &names) } else { None };
            let label = block.label.clone().unwrap_or_default().to_lowercase();
            report.count(&file, &label, &block.code, context);
        }
    }
    Ok(report)
}

impl AccuracyReport {
    fn count(&mut self, file: &str, label: &str, body: &str, context: Option<&str>) {
        let guess = guess_language_in(body, context);
        if label.is_empty() {
            *self.unlabeled.entry(guess.unwrap_or("(none)").to_string()).or_default() += 1;
            if let Some(g) = guess {
                self.unlabeled_guessed.push((file.to_string(), g, body.to_string()));
            }
            return;
        }
        let expected = if is_plain_label(label) {
            TEXT_LABEL
        } else if let Some(lang) = canonical_language(label) {
            lang
        } else {
            *self.unknown_labels.entry(label.to_string()).or_default() += 1;
            return;
        };
        let stats = self.by_label.entry(expected.to_string()).or_default();
        stats.total += 1;
        if guess_matches(expected, guess) {
            stats.correct += 1;
            return;
        }
        self.misses.push(Miss {
            file: file.to_string(),
            expected: expected.to_string(),
            guess,
            code: body.to_string(),
            context: context.map(str::to_string),
        });
        if let Some(g) = guess {
            *stats.wrong.entry(g.to_string()).or_default() += 1;
        } else {
            stats.none += 1;
        }
    }
}

impl fmt::Display for AccuracyReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "files read: {}", self.files)?;
        writeln!(f, "Rules: label hidden, guess compared with the canonical label (js=javascript, c++=cpp, JAVA=java, plsql=sql).")?;
        writeln!(f, "       Also counted correct: c<->cpp and jsx<->javascript; \"(none)\" is a miss, except for text-labeled blocks where it is the right answer.")?;
        writeln!(f, "{:<12} {:>6} {:>8} {:>6} {:>8}  wrong guesses", "label", "blocks", "correct", "none", "acc")?;
        for (lang, s) in &self.by_label {
            let acc = if s.total == 0 { 1.0 } else { s.correct as f64 / s.total as f64 };
            let wrong: Vec<String> = s.wrong.iter().map(|(g, n)| format!("{g}:{n}")).collect();
            writeln!(
                f,
                "{:<12} {:>6} {:>8} {:>6} {:>7.1}%  {}",
                lang,
                s.total,
                s.correct,
                s.none,
                acc * 100.0,
                wrong.join(" ")
            )?;
        }
        if !self.unknown_labels.is_empty() {
            let unknown: Vec<String> = self.unknown_labels.iter().map(|(l, n)| format!("{l}:{n}")).collect();
            writeln!(f, "not scored (label not in alias table): {}", unknown.join(" "))?;
        }
        let unlabeled_total: usize = self.unlabeled.values().sum();
        let guessed: Vec<String> = self.unlabeled.iter().map(|(l, n)| format!("{l}:{n}")).collect();
        writeln!(f, "unlabeled blocks: {unlabeled_total} → {}", guessed.join(" "))?;
        let (code, text): (Vec<_>, Vec<_>) = self.by_label.iter().partition(|(l, _)| l.as_str() != TEXT_LABEL);
        let positives: usize = code.iter().map(|(_, s)| s.total).sum();
        let recalled: usize = code.iter().map(|(_, s)| s.correct).sum();
        let wrong: usize = code.iter().map(|(_, s)| s.wrong.values().sum::<usize>()).sum();
        let negatives: usize = text.iter().map(|(_, s)| s.total).sum();
        let plain: usize = text.iter().map(|(_, s)| s.correct).sum();
        writeln!(
            f,
            "code blocks: {recalled}/{positives} recalled = {:.1}%, wrong language: {wrong} = {:.1}%; text blocks kept plain: {plain}/{negatives}",
            percent(recalled, positives),
            percent(wrong, positives)
        )?;
        write!(
            f,
            "overall: {}/{} labeled blocks correct = {:.1}%",
            self.correct(),
            self.scored(),
            self.overall() * 100.0
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_files_split_at_the_separator_line_only() {
        let text = "a = 1\n----8<----\n\n----8<----  \nx----8<----\n  y\n";
        assert_eq!(split_set_file(text), [(None, "a = 1\n".into()), (None, "x----8<----\n  y\n".into())]);
        assert!(split_set_file("").is_empty());
    }

    #[test]
    fn context_lines_hold_for_the_file_or_one_block() {
        let text =
            "#> context: Java\na\n----8<----\n#> context: none\nb\n----8<----\n#> context: go\nc\n#> context: x\n";
        let want = [
            (Some("java".to_string()), "a\n".to_string()),
            (None, "b\n".to_string()),
            (Some("go".to_string()), "c\n#> context: x\n".to_string()),
        ];
        assert_eq!(split_set_file(text), want);
    }

    #[test]
    fn match_rule_accepts_siblings_only() {
        assert!(guess_matches("cpp", Some("c")));
        assert!(guess_matches("jsx", Some("javascript")));
        assert!(!guess_matches("java", Some("javascript")));
        assert!(!guess_matches("java", None));
        assert!(guess_matches(TEXT_LABEL, None));
    }
}
