//! Command-line interface: clap types only.

use clap::{Args, Parser, Subcommand};
use std::net::IpAddr;
use std::num::NonZeroUsize;
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
    /// Build the site, serve it, and rebuild and reload open pages when notes change.
    Serve(ServeArgs),
    /// Report broken links, missing anchors and missing files as file:line; writes nothing.
    ///
    /// Runs the whole build into nothing and prints every problem it finds (the build's own
    /// warnings); --external also asks every external address. Exit status 1 when there is any
    /// problem, 0 otherwise.
    Check(CheckArgs),
    /// Start a new site in DIR: gongbu.toml, a sample note and a GitHub Pages workflow.
    Init(InitArgs),
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
    /// Write pages and the theme's CSS/JS as they are, not minified (to read the output).
    #[arg(long)]
    pub no_minify: bool,
    /// Keep a build cache in `.gongbu-cache/` beside the output folder: the next build reuses
    /// unchanged notes, pages and highlighted code (same output).
    #[arg(long)]
    pub cache: bool,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// A site root (a folder with gongbu.toml) or any folder of notes.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Port to listen on; fails if it is taken. 0 picks any free port.
    /// [default: 1111, or the next free port after it]
    #[arg(short, long, value_name = "N")]
    pub port: Option<u16>,
    /// Address to listen on (0.0.0.0 makes the preview reachable from other machines).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    pub bind: IpAddr,
    /// Also answer requests addressed to this host name (a LAN name or a tunnel); repeatable.
    /// Others are refused, against DNS rebinding; localhost and addresses need no flag.
    #[arg(long, value_name = "NAME")]
    pub allow_host: Vec<String>,
    /// Open the site in the default browser.
    #[arg(long)]
    pub open: bool,
    /// Scan for changes instead of using OS notifications (network drives, containers,
    /// or when the inotify watch limit is reached).
    #[arg(long)]
    pub poll: bool,
    /// Output folder, updated in place as notes change.
    #[arg(short, long, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Use an output folder that gongbu did not create.
    #[arg(long)]
    pub force: bool,
    /// Start from the build cache in `.gongbu-cache/` beside the output folder, and keep it
    /// (unchanged notes and pages are reused: a faster start on a large site).
    #[arg(long)]
    pub cache: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// A site root (a folder with gongbu.toml) or any folder of notes.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Also check external (http/https) links over the network.
    #[arg(long)]
    pub external: bool,
    /// Folder of the external links' cache [default: PATH/.gongbu-cache].
    #[arg(long, value_name = "DIR", requires = "external")]
    pub cache: Option<PathBuf>,
    /// Ask about every external link, ignoring and leaving the cache alone.
    #[arg(long, requires = "external", conflicts_with = "cache")]
    pub no_cache: bool,
    /// Seconds one external request may take.
    #[arg(long, value_name = "SECS", default_value_t = 15, requires = "external")]
    pub timeout: u64,
    /// External requests in flight at once (at most 2 to one host).
    #[arg(short = 'j', long, value_name = "N", default_value = "8", requires = "external")]
    pub jobs: NonZeroUsize,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Folder of the new site; created if missing, refused if not empty.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
}
