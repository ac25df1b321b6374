//! Measure syntax-set load time and single-thread highlight throughput on the fenced code
//! blocks of a folder of notes. Run in release:
//! `cargo run --release --example highlight_bench -- ../shared/corpora/tech-interview-for-developer`

use std::time::Instant;

use gongbu::highlight::Highlighter;
use gongbu::markdown::code_blocks::code_blocks;

fn main() {
    let root = std::env::args().nth(1).unwrap_or_else(|| "../shared/corpora/tech-interview-for-developer".into());
    let mut blocks: Vec<(String, String)> = Vec::new();
    for entry in walkdir::WalkDir::new(&root).into_iter().flatten() {
        if entry.path().extension().is_none_or(|e| e != "md") {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(entry.path()) else {
            continue;
        };
        let fenced = code_blocks(&text).into_iter().filter(|b| b.fenced);
        blocks.extend(fenced.map(|b| (b.label.unwrap_or_default(), b.code)));
    }
    let lines: usize = blocks.iter().map(|(_, b)| b.lines().count()).sum();

    let t = Instant::now();
    let h = Highlighter::global();
    println!("syntax set load: {:.1} ms", t.elapsed().as_secs_f64() * 1e3);
    let t = Instant::now();
    let css = gongbu::highlight::theme_css();
    println!("theme css: {:.1} ms ({} bytes)", t.elapsed().as_secs_f64() * 1e3, css.len());

    // First pass compiles each grammar's regexes lazily; report it separately.
    for pass in ["first (cold regexes)", "warm"] {
        let t = Instant::now();
        let mut bytes = 0;
        for (lang, code) in &blocks {
            let lang = (!lang.is_empty()).then_some(lang.as_str());
            bytes += h.highlight(lang, code).html.len();
        }
        let s = t.elapsed().as_secs_f64();
        println!(
            "{pass}: {} blocks, {lines} lines in {:.1} ms = {:.0} lines/s ({bytes} html bytes)",
            blocks.len(),
            s * 1e3,
            lines as f64 / s
        );
    }
    let t = Instant::now();
    let mut guessed = 0;
    for _ in 0..10 {
        for (_, code) in &blocks {
            guessed += usize::from(gongbu::highlight::guess_language(code).is_some());
        }
    }
    let s = t.elapsed().as_secs_f64() / 10.0;
    println!(
        "guess only: {} blocks in {:.2} ms = {:.0} lines/s ({})",
        blocks.len(),
        s * 1e3,
        lines as f64 / s,
        guessed / 10
    );
}
