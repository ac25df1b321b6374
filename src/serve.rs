//! HTTP server for the built site plus the live-reload channel; knows nothing about Markdown.
//!
//! Files are served by tower-http's `ServeDir` (path decoding, MIME types, ranges, conditional
//! requests), with three things of ours around it:
//! - The request path is checked segment by segment first (no `..`, no backslashes, NUL or
//!   drive prefixes: 400) and passed on rebuilt from its plain segments, so a folder's
//!   trailing-slash redirect can never point at `//another-host`.
//! - ServeDir follows symlinks as the OS does; its file access goes through [`Inside`], which
//!   resolves every path and refuses (404) any whose real location leaves the canonical output
//!   folder.
//! - ServeDir streams files as they are; HTML responses are read whole and get a small script
//!   that listens on `/__gongbu/ws` and reloads the page or shows build errors (ranges are
//!   not offered for HTML, since the served bytes are not the file's). The files on disk stay
//!   exactly as `gongbu build` writes them. A miss serves the site's `404.html`, or, while there
//!   is none (the notes folder is gone, say), a bare page with the script, so the error overlay
//!   still shows and the page comes back by itself.
//!
//! DNS rebinding: a hostile page whose name is made to resolve to 127.0.0.1 would otherwise
//! read the preview and open its socket. Every request's `Host` must name this server, and a
//! request with an `Origin` header (any browser's WebSocket, cross-origin fetches) must come
//! from a page of this server; others get 403. See [`Hosts`] for the names; a request without
//! `Host` or `Origin` is no browser's and is answered.
//!
//! Socket messages are JSON text: `{"type":"connected"}` first (the client is subscribed from
//! then on), `{"type":"error","message":"file:line: …"}` right after it while the last build
//! has errors, then `{"type":"reload"}` or `error` after every rebuild that changed something.

use axum::body::Body;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::serve::ListenerExt as _;
use axum::Router;
use percent_encoding::percent_decode_str;
use std::future::Future;
use std::io;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::{Component, Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use tokio::sync::broadcast;
use tower_http::services::fs::{Backend, ServeDir, TokioBackend, TokioFile};

/// Where the injected script connects.
pub(crate) const WS_PATH: &str = "/__gongbu/ws";

/// The port gongbu tries first when none is given.
pub const DEFAULT_PORT: u16 = 1111;

/// Browsers subscribed to rebuild results. Cloning shares the channel.
#[derive(Clone)]
pub struct LiveReload {
    inner: Arc<Shared>,
}

struct Shared {
    sender: broadcast::Sender<Arc<str>>,
    /// The error message of the last rebuild, if it failed; sent to clients as they connect.
    errors: Mutex<Option<Arc<str>>>,
}

impl Default for LiveReload {
    fn default() -> Self {
        let (sender, _) = broadcast::channel(16);
        LiveReload { inner: Arc::new(Shared { sender, errors: Mutex::new(None) }) }
    }
}

impl LiveReload {
    /// Tell every open page to reload (and so drop any error overlay).
    pub fn reload(&self) {
        let mut errors = self.inner.errors.lock().unwrap_or_else(|e| e.into_inner());
        *errors = None;
        let _ = self.inner.sender.send(reload_message().into());
    }

    /// Tell the open pages among `pages` (output paths, as `<body data-page>` has them) to
    /// reload; a page that does not say its path reloads too.
    pub fn reload_pages(&self, pages: &[String]) {
        let _ = self.inner.sender.send(serde_json::json!({ "type": "reload", "pages": pages }).to_string().into());
    }

    /// Show `message` (one `file:line: …` problem per line) over every open page, and over
    /// pages opened until the next successful rebuild.
    pub fn show_errors(&self, message: &str) {
        let text: Arc<str> = error_message(message).into();
        let mut errors = self.inner.errors.lock().unwrap_or_else(|e| e.into_inner());
        *errors = Some(text.clone());
        let _ = self.inner.sender.send(text);
    }

    /// Whether the last rebuild left errors on screen.
    pub fn has_errors(&self) -> bool {
        self.inner.errors.lock().unwrap_or_else(|e| e.into_inner()).is_some()
    }

    /// A new subscription plus the error message it must show first. Taken under the lock
    /// that senders hold, so a client sees every message exactly once.
    fn subscribe(&self) -> (broadcast::Receiver<Arc<str>>, Option<Arc<str>>) {
        let errors = self.inner.errors.lock().unwrap_or_else(|e| e.into_inner());
        (self.inner.sender.subscribe(), errors.clone())
    }
}

pub(crate) fn reload_message() -> String {
    serde_json::json!({ "type": "reload" }).to_string()
}

pub(crate) fn error_message(message: &str) -> String {
    serde_json::json!({ "type": "error", "message": message }).to_string()
}

/// Why `bind` could not open the listening socket.
#[derive(Debug, thiserror::Error)]
pub enum BindError {
    /// The exact port asked for is taken.
    #[error("port {port} on {addr} is already in use; choose another with --port N (or --port 0 for any free port)")]
    InUse {
        /// The address asked for.
        addr: IpAddr,
        /// The port asked for.
        port: u16,
    },
    /// Any other failure to listen (permission, address not available, ...).
    #[error("cannot listen on {addr}:{port}: {source}")]
    Io {
        /// The address asked for.
        addr: IpAddr,
        /// The port tried.
        port: u16,
        /// The underlying I/O error.
        source: io::Error,
    },
}

/// Which port to listen on.
#[derive(Debug, Clone, Copy)]
pub enum Port {
    /// Exactly this one (0: any free port); fail if it is taken.
    Exact(u16),
    /// This one, or the next free one after it.
    Preferred(u16),
}

/// Open the listening socket. For `Port::Preferred` the ports after the preferred one are
/// tried in turn (then any free port).
pub fn bind(addr: IpAddr, port: Port) -> Result<TcpListener, BindError> {
    let try_bind = |port: u16| match TcpListener::bind(SocketAddr::new(addr, port)) {
        Ok(listener) => Ok(listener),
        Err(e) if e.kind() == io::ErrorKind::AddrInUse => Err(BindError::InUse { addr, port }),
        Err(source) => Err(BindError::Io { addr, port, source }),
    };
    match port {
        Port::Exact(port) => try_bind(port),
        Port::Preferred(first) => {
            for port in (first..=first.saturating_add(99)).chain([0]) {
                match try_bind(port) {
                    Err(BindError::InUse { .. }) => continue,
                    other => return other,
                }
            }
            unreachable!("port 0 is never in use")
        }
    }
}

/// The address to show the user for a listening socket.
pub fn url_of(addr: SocketAddr) -> String {
    let ip = match addr.ip() {
        ip if ip.is_unspecified() && ip.is_ipv4() => IpAddr::from([127, 0, 0, 1]),
        ip if ip.is_unspecified() => IpAddr::from(std::net::Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    format!("http://{}/", SocketAddr::new(ip, addr.port()))
}

/// Which names the server answers to, in `Host` and `Origin`. A name is what a DNS rebinding
/// attack controls, so names are few: `localhost` and `*.localhost` (browsers resolve these
/// to loopback themselves, RFC 6761, so no DNS can point them elsewhere) and the names given
/// with `--allow-host`. Address literals are safe from rebinding, since a browser sends one
/// only for a page whose origin is that address: the loopback addresses and the bound one are
/// accepted, and when bound to all interfaces (`0.0.0.0`, `::`) every address literal is,
/// because the machine's own addresses (which change with Wi-Fi, VPN and DHCP while serving)
/// are what other devices use. The port must be the server's own (80 when none is given).
#[derive(Debug, Clone)]
pub struct Hosts {
    port: u16,
    bound: IpAddr,
    /// `--allow-host` names, lowercase, without a trailing dot.
    names: Vec<String>,
}

impl Hosts {
    /// The names for a server listening on `addr`, plus `names` (host names or addresses).
    pub fn new(addr: SocketAddr, names: &[String]) -> Hosts {
        let names = names.iter().map(|n| normal_name(n)).collect();
        Hosts { port: addr.port(), bound: addr.ip(), names }
    }

    /// Whether a `Host` header (or a request URI's authority) names this server.
    pub(crate) fn allows_host(&self, authority: &str) -> bool {
        self.allows_authority(authority, 80)
    }

    /// Whether an `Origin` header names a page of this server: `http://` or `https://` plus
    /// an allowed host, nothing else (not `null`, not a path).
    pub(crate) fn allows_origin(&self, origin: &str) -> bool {
        match origin.split_once("://") {
            Some((scheme, authority)) if scheme.eq_ignore_ascii_case("http") => self.allows_authority(authority, 80),
            Some((scheme, authority)) if scheme.eq_ignore_ascii_case("https") => self.allows_authority(authority, 443),
            _ => false,
        }
    }

    fn allows_authority(&self, authority: &str, default_port: u16) -> bool {
        let Some((host, port)) = split_authority(authority) else { return false };
        let port = match port {
            Some(port) => port.parse::<u16>().ok(),
            None => Some(default_port),
        };
        if port != Some(self.port) {
            return false;
        }
        let ip = match host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
            Some(v6) => v6.parse::<std::net::Ipv6Addr>().ok().map(IpAddr::V6),
            None => host.parse::<std::net::Ipv4Addr>().ok().map(IpAddr::V4),
        };
        match ip {
            Some(ip) => {
                let ip = ip.to_canonical();
                ip.is_loopback() || ip == self.bound.to_canonical() || self.bound.is_unspecified()
            }
            None if host.starts_with('[') => false,
            None => {
                let name = normal_name(host);
                let valid = !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._".contains(&b));
                valid && (name == "localhost" || name.ends_with(".localhost") || self.names.contains(&name))
            }
        }
    }
}

/// `host[:port]` or `[v6][:port]`; None for anything else (user info, paths, bare `:`).
fn split_authority(authority: &str) -> Option<(&str, Option<&str>)> {
    if authority.contains(['@', '/', '?', '#', ' ']) {
        return None;
    }
    let (host, port) = if authority.starts_with('[') {
        let end = authority.find(']')? + 1;
        match &authority[end..] {
            "" => (&authority[..end], None),
            rest => (&authority[..end], Some(rest.strip_prefix(':')?)),
        }
    } else {
        match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    (!host.is_empty()).then_some((host, port))
}

/// Lowercase, without the one trailing dot a fully qualified name may carry.
fn normal_name(name: &str) -> String {
    let name = name.to_ascii_lowercase();
    name.strip_suffix('.').map(str::to_string).unwrap_or(name)
}

#[derive(Clone)]
struct Site {
    /// The output folder's files; nothing outside it is ever served.
    files: ServeDir<tower_http::services::fs::DefaultServeDirFallback, Inside>,
    hosts: Arc<Hosts>,
    live: LiveReload,
}

/// The app: the live-reload socket at [`WS_PATH`], every other path a file of `output`; only
/// for requests that name one of `hosts`.
pub fn app(output: &Path, live: LiveReload, hosts: Hosts) -> io::Result<Router> {
    let root = Arc::new(output.canonicalize()?);
    let files = ServeDir::with_backend(root.as_path(), Inside { root: root.clone() });
    let site = Site { files, hosts: Arc::new(hosts), live };
    Ok(Router::new()
        .route(WS_PATH, get(socket))
        .fallback(file)
        .layer(middleware::from_fn_with_state(site.clone(), guard))
        .with_state(site))
}

/// Serve `app` on `listener` until the process ends.
pub async fn run(listener: TcpListener, app: Router) -> io::Result<()> {
    listener.set_nonblocking(true)?;
    // No Nagle delay: ServeDir writes a file's body after its headers, and a second small
    // write waiting for the client's delayed ACK costs 40 ms per file on a kept-alive connection.
    let listener = tokio::net::TcpListener::from_std(listener)?.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    axum::serve(listener, app).await
}

/// Refuse requests addressed to another name, or sent by another site's page (DNS rebinding).
async fn guard(State(site): State<Site>, request: Request, next: Next) -> Response {
    if let Some(refused) = foreign(&site.hosts, request.headers(), request.uri()) {
        let mut response = (StatusCode::FORBIDDEN, refused).into_response();
        response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        return response;
    }
    next.run(request).await
}

/// Why a request is not for this server, if it is not.
fn foreign(hosts: &Hosts, headers: &HeaderMap, uri: &Uri) -> Option<String> {
    const HINT: &str = "gongbu serve answers only to localhost, its own address and names given with --allow-host";
    let authorities = headers.get_all(header::HOST).iter().map(|v| v.to_str().ok());
    for host in authorities.chain(uri.authority().map(|a| Some(a.as_str()))) {
        if !host.is_some_and(|h| hosts.allows_host(h)) {
            return Some(format!(
                "403 Forbidden: {HINT}; this request names host {:?}\n",
                host.unwrap_or("(not text)")
            ));
        }
    }
    for origin in headers.get_all(header::ORIGIN) {
        let origin = origin.to_str().ok();
        if !origin.is_some_and(|o| hosts.allows_origin(o)) {
            return Some(format!(
                "403 Forbidden: {HINT}; this request comes from a page at {:?}\n",
                origin.unwrap_or("(not text)")
            ));
        }
    }
    None
}

async fn socket(State(site): State<Site>, upgrade: WebSocketUpgrade) -> Response {
    upgrade.on_upgrade(move |ws| client(ws, site.live))
}

/// One browser tab: forward rebuild results until either side goes away.
async fn client(mut ws: WebSocket, live: LiveReload) {
    let (mut messages, errors) = live.subscribe();
    let hello = serde_json::json!({ "type": "connected" }).to_string();
    if ws.send(Message::Text(hello.into())).await.is_err() {
        return;
    }
    if let Some(text) = errors {
        if ws.send(Message::Text(text.as_ref().into())).await.is_err() {
            return;
        }
    }
    loop {
        tokio::select! {
            message = messages.recv() => match message {
                Ok(text) => {
                    if ws.send(Message::Text(text.as_ref().into())).await.is_err() {
                        return;
                    }
                }
                // Too slow to keep up: what matters is the newest state, which follows.
                Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => return,
            },
            incoming = ws.recv() => match incoming {
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => return,
                Some(Ok(_)) => {}
            },
        }
    }
}

/// Why a request path cannot name a file of the site.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct BadPath;

/// The decoded segments of a request path, each one plain file or folder name. Refuses `.`
/// and `..`, encoded slashes, backslashes, NUL, invalid UTF-8 and anything a platform could
/// read as a root or drive; empty segments (`//`) are skipped.
pub(crate) fn segments(raw: &str) -> Result<Vec<String>, BadPath> {
    let rest = raw.strip_prefix('/').ok_or(BadPath)?;
    let mut out = Vec::new();
    for segment in rest.split('/').filter(|s| !s.is_empty()) {
        let name = percent_decode_str(segment).decode_utf8().map_err(|_| BadPath)?;
        if name == "." || name == ".." || name.contains(['/', '\\', '\0']) {
            return Err(BadPath);
        }
        let mut parts = Path::new(name.as_ref()).components();
        match (parts.next(), parts.next()) {
            (Some(Component::Normal(_)), None) => out.push(name.into_owned()),
            _ => return Err(BadPath),
        }
    }
    Ok(out)
}

/// ServeDir's file access, kept inside the output folder: each path is resolved (symlinks
/// followed) and refused as missing unless its real location is inside `root`, and the file
/// opened is that real path. ServeDir itself checks only the request's path segments.
#[derive(Clone)]
struct Inside {
    root: Arc<PathBuf>,
}

type Boxed<T> = Pin<Box<dyn Future<Output = io::Result<T>> + Send>>;

impl Inside {
    async fn resolve(root: &Path, path: &Path) -> io::Result<PathBuf> {
        let real = tokio::fs::canonicalize(path).await?;
        if real.starts_with(root) {
            Ok(real)
        } else {
            Err(io::ErrorKind::NotFound.into())
        }
    }
}

impl Backend for Inside {
    type File = TokioFile;
    type Metadata = std::fs::Metadata;
    type OpenFuture = Boxed<TokioFile>;
    type MetadataFuture = Boxed<std::fs::Metadata>;

    fn open(&self, path: PathBuf) -> Self::OpenFuture {
        let root = self.root.clone();
        Box::pin(async move { TokioBackend.open(Inside::resolve(&root, &path).await?).await })
    }

    fn metadata(&self, path: PathBuf) -> Self::MetadataFuture {
        let root = self.root.clone();
        Box::pin(async move { tokio::fs::metadata(Inside::resolve(&root, &path).await?).await })
    }
}

async fn file(State(site): State<Site>, request: Request) -> Response {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        return (StatusCode::METHOD_NOT_ALLOWED, [(header::ALLOW, "GET, HEAD")]).into_response();
    }
    let (mut parts, _) = request.into_parts();
    if segments(parts.uri.path()).is_err() {
        return plain(StatusCode::BAD_REQUEST, "400 Bad Request: path not allowed\n");
    }
    // Rebuilt from the raw segments: one leading slash, never `//host`, so that ServeDir's
    // redirect of a folder to its trailing slash stays on this site.
    let raw = parts.uri.path();
    let mut path = String::from("/");
    for segment in raw.split('/').filter(|s| !s.is_empty()) {
        path.push_str(segment);
        path.push('/');
    }
    if !raw.ends_with('/') && path.len() > 1 {
        path.pop();
    }
    if let Some(query) = parts.uri.query() {
        path.push('?');
        path.push_str(query);
    }
    let Ok(uri) = path.parse::<Uri>() else {
        return plain(StatusCode::BAD_REQUEST, "400 Bad Request: path not allowed\n");
    };
    parts.uri = uri;
    let head = parts.method == Method::HEAD;
    let mut response = match serve_file(&site, Request::from_parts(parts.clone(), Body::empty())).await {
        Some(response) => response,
        None => return not_found(&site, head).await,
    };
    if is_html(&response) && parts.headers.contains_key(header::RANGE) {
        // Ranges of the file are not ranges of the page served: ask again for all of it.
        parts.headers.remove(header::RANGE);
        parts.headers.remove(header::IF_RANGE);
        response = match serve_file(&site, Request::from_parts(parts, Body::empty())).await {
            Some(response) => response,
            None => return not_found(&site, head).await,
        };
    }
    finish(response, head).await
}

/// ServeDir's response, or None when the file is missing or refused.
async fn serve_file(site: &Site, request: Request) -> Option<Response> {
    let mut files = site.files.clone();
    match files.try_call(request).await {
        Ok(response) if response.status() == StatusCode::NOT_FOUND => None,
        Ok(response) => Some(response.map(Body::new)),
        Err(e) if e.kind() == io::ErrorKind::NotFound || e.kind() == io::ErrorKind::PermissionDenied => None,
        // ENOTDIR: a file's name used as a folder.
        Err(e) if e.kind() == io::ErrorKind::NotADirectory => None,
        Err(_) => Some(plain(StatusCode::INTERNAL_SERVER_ERROR, "500 Internal Server Error: cannot read the file\n")),
    }
}

/// The site's own `404.html`; while it is missing, a bare page that still carries the script.
async fn not_found(site: &Site, head: bool) -> Response {
    let mut request = Request::new(Body::empty());
    *request.uri_mut() = Uri::from_static("/404.html");
    let mut response = match serve_file(site, request).await {
        Some(response) if response.status() == StatusCode::OK && is_html(&response) => response,
        _ => {
            let mut response = Body::from(BARE_404).into_response();
            response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html"));
            response
        }
    };
    *response.status_mut() = StatusCode::NOT_FOUND;
    response.headers_mut().remove(header::LAST_MODIFIED);
    response.headers_mut().remove(header::ETAG);
    finish(response, head).await
}

const BARE_404: &str =
    "<!doctype html>\n<meta charset=\"utf-8\">\n<title>404 Not Found</title>\n<body>\n<p>404 Not Found</p>\n</body>\n";

fn is_html(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html"))
}

/// Every file's response: no caching, no sniffing, UTF-8 text, and the reload script in HTML.
async fn finish(response: Response, head: bool) -> Response {
    let html = is_html(&response);
    let (mut parts, body) = response.into_parts();
    let headers = &mut parts.headers;
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if let Some(kind) = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) {
        let text = kind.starts_with("text/") || kind.ends_with("/javascript");
        if text && !kind.contains(';') {
            if let Ok(value) = HeaderValue::from_str(&format!("{kind}; charset=utf-8")) {
                headers.insert(header::CONTENT_TYPE, value);
            }
        }
    }
    if !html || parts.status == StatusCode::NOT_MODIFIED {
        return Response::from_parts(parts, body);
    }
    parts.headers.remove(header::ACCEPT_RANGES);
    if head {
        // No body to change; its length is the file's plus the script's.
        let length = parts.headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
        if let Some(length) = length {
            parts.headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length + RELOAD_SCRIPT.len()));
        }
        return Response::from_parts(parts, body);
    }
    match axum::body::to_bytes(body, usize::MAX).await {
        Ok(bytes) => {
            parts.headers.remove(header::CONTENT_LENGTH);
            Response::from_parts(parts, Body::from(inject_script(bytes.into())))
        }
        Err(_) => plain(StatusCode::INTERNAL_SERVER_ERROR, "500 Internal Server Error: cannot read the file\n"),
    }
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    let mut response = (status, text).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The live-reload client. It saves the scroll position before reloading and restores it
/// after; shows build errors in an overlay (text set with `textContent`, never parsed as
/// HTML); and reconnects with backoff, reloading once the server is back.
pub const RELOAD_SCRIPT: &str = r#"<script>/* gongbu serve: live reload */(() => {
  const key = "gongbu:scroll:" + location.pathname;
  const saved = sessionStorage.getItem(key);
  if (saved !== null) {
    sessionStorage.removeItem(key);
    const restore = () => window.scrollTo(0, Number(saved) || 0);
    if (document.readyState === "complete") restore(); else addEventListener("load", restore);
  }
  const reload = () => { sessionStorage.setItem(key, String(window.scrollY)); location.reload(); };
  const hide = () => { const old = document.getElementById("__gongbu_errors"); if (old) old.remove(); };
  const show = (text) => {
    hide();
    const dark = matchMedia("(prefers-color-scheme: dark)").matches;
    const box = document.createElement("div");
    box.id = "__gongbu_errors";
    box.setAttribute("role", "alert");
    box.style.cssText = "position:fixed;left:1rem;right:1rem;bottom:1rem;max-height:60vh;overflow:auto;z-index:2147483647;"
      + "padding:.75rem 1rem;border-radius:6px;box-shadow:0 4px 24px rgba(0,0,0,.35);text-align:left;"
      + "font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,'D2Coding','Noto Sans Mono CJK KR',monospace;"
      + (dark ? "background:#2a1b1b;color:#ffe3e3;border:1px solid #ff7b7b;" : "background:#fff4f4;color:#5a0000;border:1px solid #d33;");
    const close = document.createElement("button");
    close.type = "button";
    close.textContent = "\u00d7";
    close.setAttribute("aria-label", "close");
    close.style.cssText = "float:right;font:inherit;font-size:20px;line-height:1;background:none;border:0;color:inherit;cursor:pointer";
    close.onclick = hide;
    const title = document.createElement("strong");
    title.textContent = "빌드 오류 · build error";
    const body = document.createElement("pre");
    body.style.cssText = "margin:.5rem 0 0;white-space:pre-wrap;font:inherit;color:inherit;background:none";
    body.textContent = text;
    box.append(close, title, body);
    (document.body || document.documentElement).appendChild(box);
  };
  let delay = 100, lost = false;
  const connect = () => {
    const ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/__gongbu/ws");
    ws.onopen = () => { delay = 100; if (lost) reload(); };
    ws.onmessage = (event) => {
      let m;
      try { m = JSON.parse(event.data); } catch (_) { return; }
      const page = document.body && document.body.dataset.page;
      if (m.type === "reload" && (!m.pages || !page || m.pages.includes(page))) reload();
      else if (m.type === "error") show(String(m.message));
    };
    ws.onclose = () => { lost = true; setTimeout(connect, delay); delay = Math.min(delay * 2, 5000); };
  };
  connect();
})();</script>
"#;

/// Insert [`RELOAD_SCRIPT`] before the last `</body>` (any case), or append it.
pub(crate) fn inject_script(mut html: Vec<u8>) -> Vec<u8> {
    const END: &[u8] = b"</body>";
    let at = html.windows(END.len()).rposition(|w| w.eq_ignore_ascii_case(END)).unwrap_or(html.len());
    html.splice(at..at, RELOAD_SCRIPT.bytes());
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_and_hangul_paths_decode() {
        assert_eq!(segments("/").unwrap(), Vec::<String>::new());
        assert_eq!(
            segments("/Computer%20Science/%EC%9A%B4%EC%98%81%EC%B2%B4%EC%A0%9C/index.html").unwrap(),
            ["Computer Science", "운영체제", "index.html"]
        );
        assert_eq!(segments("//a//b.html").unwrap(), ["a", "b.html"]);
    }

    #[test]
    fn traversal_is_refused() {
        for raw in [
            "/../etc/passwd",
            "/%2e%2e/%2e%2e/etc/passwd",
            "/%2E%2E/etc/passwd",
            "/..%2f..%2fetc/passwd",
            "/%5c..%5c..%5cetc%5cpasswd",
            "/img/..%2F..%2F..%2Fetc%2Fpasswd",
            "/a/./b",
            "/a%00.html",
            "/%ff.html",
            "etc/passwd",
        ] {
            assert_eq!(segments(raw), Err(BadPath), "{raw}");
        }
    }

    #[test]
    fn hosts_are_loopback_names_the_bound_address_and_allowed_names() {
        let hosts = Hosts::new(SocketAddr::from(([127, 0, 0, 1], 1111)), &["Study.LAN.".to_string()]);
        for ok in [
            "localhost:1111",
            "LOCALHOST.:1111",
            "a.b.localhost:1111",
            "127.0.0.1:1111",
            "127.9.9.9:1111",
            "[::1]:1111",
            "[::ffff:127.0.0.1]:1111",
            "study.lan:1111",
        ] {
            assert!(hosts.allows_host(ok), "{ok}");
        }
        for bad in [
            "evil.example:1111",
            "localhost.evil.example:1111",
            "localhost:1112",
            "localhost",
            "10.0.0.1:1111",
            "[::1:1111",
            "::1:1111",
            ":1111",
            "",
            "user@localhost:1111",
            "localhost:1111/x",
            "localhost:-1",
            "local host:1111",
        ] {
            assert!(!hosts.allows_host(bad), "{bad}");
        }
        assert!(hosts.allows_origin("http://localhost:1111"));
        assert!(hosts.allows_origin("HTTP://127.0.0.1:1111"));
        for bad in [
            "null",
            "http://evil.example:1111",
            "file://",
            "localhost:1111",
            "http://localhost:1111/page",
            "http://localhost",
        ] {
            assert!(!hosts.allows_origin(bad), "{bad}");
        }
        let port80 = Hosts::new(SocketAddr::from(([127, 0, 0, 1], 80)), &[]);
        assert!(port80.allows_host("localhost") && port80.allows_origin("http://localhost"));
        let all = Hosts::new(SocketAddr::from(([0, 0, 0, 0], 1111)), &[]);
        assert!(all.allows_host("192.168.0.7:1111") && all.allows_host("[fe80::1]:1111"));
        assert!(!all.allows_host("my-laptop.local:1111"), "names still need --allow-host");
    }

    #[test]
    fn script_goes_before_the_last_body_end() {
        let html = inject_script(b"<html><body>x</BODY></html>".to_vec());
        let html = String::from_utf8(html).unwrap();
        assert!(html.starts_with("<html><body>x<script>"));
        assert!(html.ends_with("</script>\n</BODY></html>"));
        let bare = String::from_utf8(inject_script(b"<p>x".to_vec())).unwrap();
        assert!(bare.starts_with("<p>x<script>"));
    }

    #[test]
    fn a_taken_preferred_port_moves_on_and_an_exact_one_fails() {
        let localhost = IpAddr::from([127, 0, 0, 1]);
        let taken = TcpListener::bind((localhost, 0)).unwrap();
        let port = taken.local_addr().unwrap().port();
        let next = bind(localhost, Port::Preferred(port)).unwrap();
        assert_ne!(next.local_addr().unwrap().port(), port);
        let err = bind(localhost, Port::Exact(port)).unwrap_err();
        assert!(matches!(err, BindError::InUse { .. }), "{err}");
        assert!(err.to_string().contains("already in use"));
    }

    #[test]
    fn messages_are_json() {
        assert_eq!(reload_message(), r#"{"type":"reload"}"#);
        let m: serde_json::Value = serde_json::from_str(&error_message("a.md:3: error: \"x\" <b>")).unwrap();
        assert_eq!(m["type"], "error");
        assert_eq!(m["message"], "a.md:3: error: \"x\" <b>");
    }
}
