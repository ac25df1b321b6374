//! `gongbu check --external`: does each external (http/https) address the notes link to answer?
//!
//! Polite and bounded: at most `jobs` requests at once and `per_host` to any one host; each
//! request has a timeout; a 429, a 5xx or a timeout is retried with backoff (a `Retry-After` of a
//! few seconds is honoured); `HEAD` falls back to `GET` where servers refuse it (400, 403, 405,
//! 501); redirects are followed up to a bound. Addresses that answered are remembered in an
//! on-disk cache for a day, so a second check asks the network only about what failed or is new.
//! Failures are never cached: they are checked again every time.

use crate::diagnostics::Diagnostic;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The cache file's name inside the cache folder.
pub const CACHE_FILE: &str = "links.json";

/// The cache folder under a site root when none is given.
pub const CACHE_DIR: &str = crate::cache::DIR;

/// An external address as written at one place in a note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternalLink {
    /// The address (`//host/…` gets `https:`).
    pub url: String,
    /// The note, as diagnostics name it.
    pub file: String,
    /// 1-based line.
    pub line: usize,
}

/// Add a warning at every place that links to an address found broken to `problems`, keeping
/// them sorted by file and line.
pub fn add_problems(problems: &mut Vec<Diagnostic>, links: &[ExternalLink], outcomes: &BTreeMap<String, Outcome>) {
    problems.extend(links.iter().filter_map(|link| match outcomes.get(&link.url) {
        Some(Outcome::Broken(why)) => {
            Some(Diagnostic::warning(&link.file, link.line, format!("broken external link `{}`: {why}", link.url)))
        }
        _ => None,
    }));
    problems.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
}

/// How the addresses are checked.
#[derive(Debug, Clone)]
pub struct Options {
    /// Requests in flight at once.
    pub jobs: usize,
    /// Requests in flight to one host at once.
    pub per_host: usize,
    /// Whole-request timeout (connect, redirects and headers).
    pub timeout: Duration,
    /// Extra attempts after a 429, a 5xx or a timeout.
    pub retries: u32,
    /// Wait before the first retry; doubled for each further one.
    pub backoff: Duration,
    /// Redirects followed before the address counts as broken.
    pub max_redirects: u32,
    /// Where `links.json` is kept; None: no cache.
    pub cache_dir: Option<PathBuf>,
    /// How long an address that answered is trusted without asking again.
    pub max_age: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            jobs: 8,
            per_host: 2,
            timeout: Duration::from_secs(15),
            retries: 2,
            backoff: Duration::from_millis(500),
            max_redirects: 5,
            cache_dir: None,
            max_age: Duration::from_secs(24 * 60 * 60),
        }
    }
}

/// What checking one address gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// It answered with a success status (after redirects).
    Ok,
    /// It answered before, within the cache's lifetime, so it was not asked again.
    Cached,
    /// It did not answer with success: why, for the reader (`HTTP 404`, `timed out after 15 s`).
    Broken(String),
}

/// Every address of `urls` (duplicates allowed) with its outcome; the cache is read first and
/// updated after. A cache that cannot be read is ignored; one that cannot be written is an error
/// message in the returned `Err`, after the outcomes were found (the caller decides).
pub fn check(urls: &[String], options: &Options) -> (BTreeMap<String, Outcome>, Result<(), String>) {
    let now = unix_now();
    let mut cache = options.cache_dir.as_deref().map(Cache::read).unwrap_or_default();
    cache.ok.retain(|_, checked| now.saturating_sub(*checked) < options.max_age.as_secs());
    let mut outcomes = BTreeMap::new();
    let mut asked = Vec::new();
    for url in urls {
        if outcomes.contains_key(url) {
            continue;
        }
        if cache.ok.contains_key(url) {
            outcomes.insert(url.clone(), Outcome::Cached);
        } else {
            outcomes.insert(url.clone(), Outcome::Broken("not checked".into()));
            asked.push(url.clone());
        }
    }
    for (url, outcome) in check_all(asked, options) {
        if outcome == Outcome::Ok {
            cache.ok.insert(url.clone(), now);
        }
        outcomes.insert(url, outcome);
    }
    let saved = match &options.cache_dir {
        Some(dir) => cache.write(dir),
        None => Ok(()),
    };
    (outcomes, saved)
}

/// Ask about every address in `urls` (no duplicates), `jobs` at a time and at most `per_host`
/// to one host, each through its own worker thread.
fn check_all(urls: Vec<String>, options: &Options) -> Vec<(String, Outcome)> {
    if urls.is_empty() {
        return Vec::new();
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(options.timeout))
        .max_redirects(options.max_redirects)
        .http_status_as_error(false)
        .user_agent(concat!("gongbu-check/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let queue = Queue::new(urls, options.per_host.max(1));
    let results = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..options.jobs.max(1) {
            scope.spawn(|| {
                while let Some((url, host)) = queue.next() {
                    let outcome = check_one(&agent, &url, options);
                    queue.done(&host);
                    results.lock().unwrap_or_else(|e| e.into_inner()).push((url, outcome));
                }
            });
        }
    });
    results.into_inner().unwrap_or_else(|e| e.into_inner())
}

/// The addresses still to ask about, per host in order, and how many requests each host has
/// in flight. A worker takes the next address whose host is below its limit, else waits.
struct Queue {
    state: Mutex<QueueState>,
    wake: Condvar,
    per_host: usize,
}

struct QueueState {
    /// Hosts with addresses left, in the order they were first seen.
    hosts: VecDeque<(String, VecDeque<String>)>,
    in_flight: HashMap<String, usize>,
}

impl Queue {
    fn new(urls: Vec<String>, per_host: usize) -> Queue {
        let mut hosts: VecDeque<(String, VecDeque<String>)> = VecDeque::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        for url in urls {
            let host = host_of(&url);
            let i = *index.entry(host.clone()).or_insert_with(|| {
                hosts.push_back((host, VecDeque::new()));
                hosts.len() - 1
            });
            hosts[i].1.push_back(url);
        }
        Queue { state: Mutex::new(QueueState { hosts, in_flight: HashMap::new() }), wake: Condvar::new(), per_host }
    }

    /// The next address and its host, or None when none are left.
    fn next(&self) -> Option<(String, String)> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if state.hosts.is_empty() {
                return None;
            }
            let QueueState { hosts, in_flight } = &mut *state;
            let free = hosts.iter().position(|(host, _)| in_flight.get(host).copied().unwrap_or(0) < self.per_host);
            if let Some(i) = free {
                let (host, urls) = &mut hosts[i];
                let host = host.clone();
                let url = urls.pop_front();
                if urls.is_empty() {
                    hosts.remove(i);
                } else if let Some(entry) = hosts.remove(i) {
                    // Round-robin: the host goes to the back, so one big host does not starve the rest.
                    hosts.push_back(entry);
                }
                *in_flight.entry(host.clone()).or_insert(0) += 1;
                if let Some(url) = url {
                    return Some((url, host));
                }
                continue;
            }
            state = self.wake.wait(state).unwrap_or_else(|e| e.into_inner());
        }
    }

    fn done(&self, host: &str) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = state.in_flight.get_mut(host) {
            *n = n.saturating_sub(1);
        }
        self.wake.notify_all();
    }
}

/// Lower-cased host (and port) of an address: what the per-host limit counts.
fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
    host.to_ascii_lowercase()
}

/// One address: HEAD (GET where HEAD is refused), retried on 429, 5xx and timeouts.
fn check_one(agent: &ureq::Agent, url: &str, options: &Options) -> Outcome {
    let mut attempt = 0;
    loop {
        let answer = ask(agent, url);
        let retry = match &answer {
            Answer::Status(status, _) => *status == 429 || *status >= 500,
            Answer::Failed(_, transient) => *transient,
        };
        if !retry || attempt >= options.retries {
            return match answer {
                Answer::Status(status, _) if (200..300).contains(&status) => Outcome::Ok,
                Answer::Status(status, _) => Outcome::Broken(format!("HTTP {status}")),
                Answer::Failed(why, _) => Outcome::Broken(why),
            };
        }
        let backoff = options.backoff.saturating_mul(1 << attempt.min(16));
        let wait = match answer {
            // A server that says when to come back is believed, within reason.
            Answer::Status(_, Some(after)) => after.min(Duration::from_secs(10)).max(backoff),
            _ => backoff,
        };
        std::thread::sleep(wait);
        attempt += 1;
    }
}

/// What one request gave: a status (and a `Retry-After`), or a failure and whether it may pass.
enum Answer {
    Status(u16, Option<Duration>),
    Failed(String, bool),
}

fn ask(agent: &ureq::Agent, url: &str) -> Answer {
    let head = agent.head(url).call();
    let refused_head = matches!(&head, Ok(r) if matches!(r.status().as_u16(), 400 | 403 | 405 | 501));
    let response = if refused_head { agent.get(url).call() } else { head };
    match response {
        Ok(response) => {
            let retry_after = response
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map(Duration::from_secs);
            Answer::Status(response.status().as_u16(), retry_after)
        }
        Err(e) => failure(e),
    }
}

/// A request error in words, and whether trying again may help.
fn failure(e: ureq::Error) -> Answer {
    match e {
        ureq::Error::Timeout(_) => Answer::Failed("timed out".into(), true),
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::TimedOut => Answer::Failed("timed out".into(), true),
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
            Answer::Failed("connection refused".into(), false)
        }
        // A connection reset or cut short may pass.
        ureq::Error::Io(io) => Answer::Failed(format!("connection failed: {io}"), true),
        ureq::Error::HostNotFound => Answer::Failed("host not found".into(), false),
        ureq::Error::ConnectionFailed => Answer::Failed("connection refused".into(), false),
        ureq::Error::TooManyRedirects => Answer::Failed("too many redirects".into(), false),
        other => Answer::Failed(other.to_string(), false),
    }
}

/// Addresses that answered, with when (Unix seconds).
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
struct Cache {
    ok: BTreeMap<String, u64>,
}

impl Cache {
    fn read(dir: &Path) -> Cache {
        std::fs::read(dir.join(CACHE_FILE))
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default()
    }

    /// Through a temp file and a rename, so a check killed half-way leaves the old cache whole.
    fn write(&self, dir: &Path) -> Result<(), String> {
        let path = dir.join(CACHE_FILE);
        let shown = |e: std::io::Error| format!("{}: cannot write the link cache: {e}", path.display());
        std::fs::create_dir_all(dir).map_err(shown)?;
        let text = serde_json::to_string_pretty(self).map_err(|e| e.to_string())?;
        let tmp = dir.join(format!(".{CACHE_FILE}.tmp-{}", std::process::id()));
        std::fs::write(&tmp, text).map_err(shown)?;
        std::fs::rename(&tmp, &path).map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            shown(e)
        })
    }
}

fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_are_counted_without_scheme_path_or_user() {
        assert_eq!(host_of("https://Velog.io/@a/b?x#y"), "velog.io");
        assert_eq!(host_of("http://u:p@127.0.0.1:8080/x"), "127.0.0.1:8080");
    }

    #[test]
    fn the_queue_never_gives_a_host_more_than_its_limit() {
        let urls = ["a/1", "a/2", "a/3", "b/1"].map(|u| format!("http://{u}")).to_vec();
        let queue = Queue::new(urls, 2);
        let first: Vec<_> = (0..3).filter_map(|_| queue.next()).map(|(u, _)| u).collect();
        // Two of a, then b, even though a has a third address waiting.
        assert_eq!(first, ["http://a/1", "http://b/1", "http://a/2"]);
        queue.done("a");
        assert_eq!(queue.next().map(|(u, _)| u).as_deref(), Some("http://a/3"));
        assert!(queue.next().is_none());
    }
}
