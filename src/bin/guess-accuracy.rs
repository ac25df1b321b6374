//! Measure the unlabeled-block language guess on a folder of Markdown notes: every labeled
//! fenced block has its label hidden, is guessed, and the guess is compared with the label.
//!
//! Usage: guess-accuracy [--misses] [FOLDER]   (default ../shared/corpora/tech-interview-for-developer)
//! `--misses` also prints every missed block with the scorer's three best scores, and every
//! unlabeled block that was guessed (to check it really is code).

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut show_misses = false;
    let mut folder = None;
    for arg in std::env::args_os().skip(1) {
        if arg == "--misses" {
            show_misses = true;
        } else {
            folder = Some(PathBuf::from(arg));
        }
    }
    let root =
        folder.unwrap_or_else(|| PathBuf::from("../shared/corpora/tech-interview-for-developer"));
    match gongbu::highlight::accuracy(&root) {
        Ok(report) => {
            if show_misses {
                for (file, expected, guess, code) in &report.misses {
                    let head: String = code.lines().take(12).collect::<Vec<_>>().join("\n");
                    println!(
                        "--- {file}: {expected} guessed {} [{}]",
                        guess.unwrap_or("(none)"),
                        gongbu::highlight::explain(code)
                    );
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
