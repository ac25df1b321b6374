//! gongbu's command-line entry: parse arguments, run the subcommand, report errors, exit.

mod allocator;
mod cli;
mod cmd;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    #[cfg(not(target_os = "linux"))]
    allocator::tune();
    let cli = cli::Cli::parse();
    let result = match cli.command {
        cli::Command::Build(args) => cmd::build::run(args),
        cli::Command::Serve(args) => cmd::serve::run(args),
        cli::Command::Check(args) => cmd::check::run(args),
        cli::Command::Init(args) => cmd::init::run(args),
    };
    result.unwrap_or_else(|e| {
        eprintln!("error: {e:#}");
        ExitCode::FAILURE
    })
}
