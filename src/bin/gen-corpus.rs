//! `gen-corpus`: writes a deterministic synthetic corpus of Korean interview-study notes
//! (for benchmarks and tests). Usage: `gen-corpus --notes N --seed S --out DIR [--force]`.

#[path = "gen-corpus/corpus.rs"]
mod corpus;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "usage: gen-corpus --notes N [--seed S] --out DIR [--force]\n\
  --notes N   number of notes to write (spread over 8 topic folders)\n\
  --seed S    PRNG seed (default 1); same arguments give byte-identical files\n\
  --out DIR   output folder; must be empty or missing unless --force\n\
  --force     delete DIR first if it already has content";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gen-corpus: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let mut notes: Option<usize> = None;
    let mut seed: u64 = 1;
    let mut out: Option<PathBuf> = None;
    let mut force = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value\n{USAGE}"));
        match arg.as_str() {
            "--notes" => notes = Some(value("--notes")?.parse().map_err(|e| format!("--notes: {e}"))?),
            "--seed" => seed = value("--seed")?.parse().map_err(|e| format!("--seed: {e}"))?,
            "--out" => out = Some(value("--out")?.into()),
            "--force" => force = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    let notes = notes.ok_or(format!("--notes is required\n{USAGE}"))?;
    let out = out.ok_or(format!("--out is required\n{USAGE}"))?;
    if notes == 0 {
        return Err("--notes must be at least 1".into());
    }

    // Refuse to mix a new corpus into old files: stale notes would break determinism.
    let non_empty = out.read_dir().map(|mut d| d.next().is_some()).unwrap_or(false);
    if non_empty {
        if !force {
            return Err(format!("{} is not empty (use --force to replace it)", out.display()));
        }
        std::fs::remove_dir_all(&out).map_err(|e| format!("removing {}: {e}", out.display()))?;
    }

    let start = Instant::now();
    let stats = corpus::generate(notes, seed, &out).map_err(|e| format!("writing {}: {e}", out.display()))?;
    println!("wrote {} in {:.2?}", out.display(), start.elapsed());
    println!("{}", stats.summary());
    Ok(())
}
