//! `gongbu check`: the build's own problems (broken links, missing anchors, missing files), and
//! with `--external` the external links that do not answer, each as `file:line`, with nothing
//! written. Exit status 1 when there is any problem, 0 otherwise.

use crate::cli::CheckArgs;
use gongbu::config::{Config, Overrides};
use gongbu::links_external::{self, Options, Outcome};
use gongbu::pipeline;
use std::process::ExitCode;
use std::time::{Duration, Instant};

pub fn run(args: CheckArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let config = Config::load(&args.path, Overrides::default())?;
    let report = pipeline::check(&config, args.external)?;
    let mut problems = report.problems;
    let mut external_summary = String::new();
    if args.external {
        let urls: Vec<String> = report.external.iter().map(|l| l.url.clone()).collect();
        let cache_dir = match (args.no_cache, args.cache) {
            (true, _) => None,
            (false, Some(dir)) => Some(dir),
            (false, None) => Some(gongbu::cache::folder_beside(&config.output_dir)),
        };
        let options = Options {
            jobs: args.jobs.get(),
            timeout: Duration::from_secs(args.timeout.max(1)),
            cache_dir,
            ..Options::default()
        };
        let (outcomes, saved) = links_external::check(&urls, &options);
        if let Err(e) = saved {
            eprintln!("warning: {e}");
        }
        let count = |want: fn(&Outcome) -> bool| outcomes.values().filter(|o| want(o)).count();
        let broken = count(|o| matches!(o, Outcome::Broken(_)));
        let cached = count(|o| *o == Outcome::Cached);
        external_summary = format!(
            "; {} external link(s) to {} address(es): {} answered, {cached} from the cache, {broken} broken",
            report.external.len(),
            outcomes.len(),
            outcomes.len() - broken - cached,
        );
        links_external::add_problems(&mut problems, &report.external, &outcomes);
    }
    for problem in &problems {
        println!("{problem}");
    }
    let mut files: Vec<&str> = problems.iter().map(|p| p.file.as_str()).collect();
    files.dedup();
    let ms = started.elapsed().as_millis();
    let notes = match report.notes {
        1 => "1 note".to_string(),
        n => format!("{n} notes"),
    };
    if problems.is_empty() {
        println!("checked {notes} in {ms} ms: no problems{external_summary}");
        Ok(ExitCode::SUCCESS)
    } else {
        let (n, f) = (problems.len(), files.len());
        println!("checked {notes} in {ms} ms: {n} problem(s) in {f} file(s){external_summary}");
        Ok(ExitCode::FAILURE)
    }
}
