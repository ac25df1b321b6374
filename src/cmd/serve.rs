//! `gongbu serve`: build, serve the output with live reload, and rebuild on every change.
//!
//! Three parts, each on its own thread: the watcher sends debounced batches of changed paths;
//! the builder owns the `Session`, folds all pending batches into one rebuild and tells the
//! browsers (reload, or the errors to show); the HTTP server runs on tokio until Ctrl-C.

use crate::cli::ServeArgs;
use anyhow::Context;
use gongbu::config::{Config, Overrides, CONFIG_FILE};
use gongbu::pipeline::{self, BuildError};
use gongbu::serve::{self, LiveReload, Port};
use gongbu::session::{Rebuild, Session};
use gongbu::watch::{self, Batch};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::mpsc;

pub fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    let overrides = Overrides {
        output_dir: args.output,
        base_url: None,
        strict: false,
        hashed_assets: false,
        minify: false,
        cache: args.cache,
    };
    let config = Config::load(&args.path, overrides.clone())?;
    let output = config.output_dir.clone();
    let mut session = Session::open(config, overrides, args.force)?;
    let watched = session.watched();

    // Claim the port before the first build, so a taken port fails at once.
    let port = match args.port {
        Some(port) => Port::Exact(port),
        None => Port::Preferred(serve::DEFAULT_PORT),
    };
    let listener = serve::bind(args.bind, port)?;
    let addr = listener.local_addr()?;
    if args.port.is_none() && addr.port() != serve::DEFAULT_PORT {
        eprintln!("port {} is in use; using port {} instead", serve::DEFAULT_PORT, addr.port());
    }

    let live = LiveReload::default();
    let first = rebuild(&mut session, &[]).context("first build failed")?;
    report("built", &first, &live);
    let language = session.language();
    if let Some(language) = &language {
        eprintln!("{language}");
    }

    // The glossary, references and quiz pages are written after the reload (a retitle at
    // 10,000 notes remakes megabytes of them): a browser showing one reloads again once it is.
    let late = live.clone();
    session.on_late_written(move |pages| late.reload_pages(&pages));

    let (batches, incoming) = mpsc::channel();
    let watcher = watch::watch(&watched, args.poll, batches)?;
    let builder = {
        let live = live.clone();
        std::thread::Builder::new()
            .name("gongbu-build".into())
            .spawn(move || rebuild_loop(session, incoming, live, language))?
    };

    let url = serve::url_of(addr);
    let app = serve::app(&output, live, serve::Hosts::new(addr, &args.allow_host))?;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let served = runtime.block_on(async move {
        let server = tokio::spawn(serve::run(listener, app));
        println!("serving at {url}");
        std::io::stdout().flush()?;
        if addr.ip().is_unspecified() {
            eprintln!("listening on all interfaces ({addr})");
        }
        eprintln!("watching for changes; press Ctrl-C to stop");
        if args.open {
            open_browser(&url);
        }
        tokio::select! {
            result = server => result.context("the server stopped")?.context("the server failed"),
            signal = tokio::signal::ctrl_c() => signal.context("waiting for Ctrl-C"),
        }
    });
    // Stop watching; the builder finishes the rebuild it is in, then sees the channel close.
    drop(watcher);
    let _ = builder.join();
    runtime.shutdown_background();
    served?;
    eprintln!("stopped");
    Ok(ExitCode::SUCCESS)
}

/// Rebuild once per group of pending batches until the watcher stops. Batches that arrive
/// during a rebuild wait in the channel and are all folded into the next one.
/// A change of the site's language (told from the notes) is printed when it happens.
fn rebuild_loop(mut session: Session, incoming: mpsc::Receiver<Batch>, live: LiveReload, mut language: Option<String>) {
    while let Ok(batch) = incoming.recv() {
        let mut rescan = batch.rescan;
        let mut paths: Vec<PathBuf> = batch.paths;
        while let Ok(more) = incoming.try_recv() {
            rescan |= more.rescan;
            paths.extend(more.paths);
        }
        paths.retain(|p| session.is_relevant(p));
        paths.sort();
        paths.dedup();
        if rescan {
            // Events were lost, or the notes folder was deleted and is back: read the config
            // again and rebuild everything (a changed config file means both).
            paths = vec![session.config().root.join(CONFIG_FILE)];
        } else if paths.is_empty() {
            continue;
        }
        match rebuild(&mut session, &paths) {
            Ok(rebuild) => {
                report("rebuilt", &rebuild, &live);
                let now = session.language();
                if now != language {
                    if let Some(now) = &now {
                        eprintln!("{now}");
                    }
                    language = now;
                }
            }
            Err(e) => {
                let message = format!("{e}");
                eprintln!("rebuild failed: {message}");
                live.show_errors(&message);
            }
        }
    }
}

/// `session.rebuild`, surviving a panic: it becomes an error shown like any other, and the
/// builder keeps serving later edits (the next rebuild starts afresh).
fn rebuild(session: &mut Session, paths: &[PathBuf]) -> Result<Rebuild, BuildError> {
    let notes = session.config().content_dir.display().to_string();
    pipeline::guarded(&notes, || session.rebuild(paths))
        .unwrap_or_else(|error| Ok(Rebuild { errors: vec![error], ..Rebuild::default() }))
}

/// Print a one-line summary (or the problems) and tell the browsers.
fn report(what: &str, rebuild: &Rebuild, live: &LiveReload) {
    let ms = rebuild.elapsed.as_millis();
    for warning in &rebuild.warnings {
        eprintln!("{warning}");
    }
    if rebuild.errors.is_empty() {
        let n = rebuild.changed.len();
        eprintln!("{what} in {ms} ms: {n} file{} changed", if n == 1 { "" } else { "s" });
        // Nothing to show unless bytes changed or an error overlay must go.
        if n > 0 || live.has_errors() {
            live.reload();
        }
    } else {
        let lines: Vec<String> = rebuild.errors.iter().map(|e| e.to_string()).collect();
        for line in &lines {
            eprintln!("{line}");
        }
        eprintln!("{what} in {ms} ms with {} error(s); the last good pages are still served", lines.len());
        live.show_errors(&lines.join("\n"));
    }
}

/// Best effort: a missing opener is not an error.
fn open_browser(url: &str) {
    let mut command = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(windows) {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else {
        std::process::Command::new("xdg-open")
    };
    let spawned = command
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    match spawned {
        // Reap the opener when it exits.
        Ok(mut child) => drop(std::thread::spawn(move || child.wait())),
        Err(_) => eprintln!("could not open a browser; visit {url}"),
    }
}
