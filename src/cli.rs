//! Command-line interface: clap types only.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// Turn a folder of Markdown interview-study notes into a study site.
#[derive(Debug, Parser)]
#[command(name = "gongbu", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into the output folder (default: PATH/public).
    Build(BuildArgs),
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// A site root (a folder with gongbu.toml) or any folder of notes.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Output folder; replaced as a whole when the build succeeds.
    #[arg(short, long, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Public address of the site (for sitemap.xml); pages link relatively and work anywhere.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Treat warnings (broken links, missing anchors) as errors.
    #[arg(long)]
    pub strict: bool,
    /// Replace an output folder that gongbu did not create.
    #[arg(long)]
    pub force: bool,
    /// Print how long each stage took.
    #[arg(long)]
    pub timings: bool,
    /// Worker threads (default: one per core).
    #[arg(short = 'j', long, value_name = "N")]
    pub jobs: Option<usize>,
}
