//! `gongbu build`: one full build, problems printed as `file:line: message`.

use crate::cli::BuildArgs;
use gongbu::config::{Config, Overrides};
use gongbu::pipeline::{self, BuildError};
use std::process::ExitCode;
use std::time::Instant;

pub fn run(args: BuildArgs) -> anyhow::Result<ExitCode> {
    if let Some(jobs) = args.jobs {
        rayon::ThreadPoolBuilder::new().num_threads(jobs).build_global()?;
    }
    let started = Instant::now();
    let overrides = Overrides {
        output_dir: args.output,
        base_url: args.base_url,
        strict: args.strict,
        hashed_assets: true,
        minify: !args.no_minify,
        cache: args.cache,
    };
    let config = Config::load(&args.path, overrides)?;
    match pipeline::build(&config, args.force) {
        Ok(report) => {
            for w in &report.warnings {
                eprintln!("{w}");
            }
            if args.timings {
                for (stage, time) in &report.timings {
                    eprintln!("  {stage:<22} {:>8.1} ms", time.as_secs_f64() * 1000.0);
                }
                if args.cache {
                    let (reused, parsed) = report.cached_notes;
                    eprintln!("  notes: {reused} from the cache, {parsed} parsed");
                    let (reused, made) = report.cached_code;
                    eprintln!("  code blocks: {reused} from the cache, {made} highlighted");
                    let (kept, rendered) = report.cached_pages;
                    eprintln!("  pages: {kept} kept from the last build, {rendered} rendered");
                }
            }
            let warned = if report.warnings.is_empty() {
                String::new()
            } else {
                format!(", {} warning(s)", report.warnings.len())
            };
            eprintln!(
                "built {} pages ({} notes, {} files copied) into {} in {} ms{warned}; {}",
                report.pages,
                report.notes,
                report.assets,
                config.output_dir.display(),
                started.elapsed().as_millis(),
                report.language
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(BuildError::Problems(problems)) => {
            for p in &problems {
                eprintln!("{p}");
            }
            eprintln!("build failed: {} problem(s); the previous output was left as it was", problems.len());
            Ok(ExitCode::FAILURE)
        }
        Err(other) => Err(other.into()),
    }
}
