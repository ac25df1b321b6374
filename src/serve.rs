//! HTTP server for the built site plus the live-reload channel; knows nothing about Markdown.
//!
//! Every request is answered from the output folder only: the decoded path is checked segment
//! by segment (no `..`, no backslashes, NUL or drive prefixes) and the final file, symlinks
//! resolved, must lie inside the canonical output folder. HTML responses get a small script
//! that listens on `/__gongbu/ws` and reloads the page or shows build errors; the files on disk
//! stay exactly as `gongbu build` writes them.
//!
//! Socket messages are JSON text: `{"type":"connected"}` first (the client is subscribed from
//! then on), `{"type":"error","message":"file:line: …"}` right after it while the last build
//! has errors, then `{"type":"reload"}` or `error` after every rebuild that changed something.

use axum::body::Body;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use percent_encoding::percent_decode_str;
use std::io;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};
use tokio::sync::broadcast;

/// Where the injected script connects.
pub const WS_PATH: &str = "/__gongbu/ws";

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

pub fn reload_message() -> String {
    serde_json::json!({ "type": "reload" }).to_string()
}

pub fn error_message(message: &str) -> String {
    serde_json::json!({ "type": "error", "message": message }).to_string()
}

#[derive(Debug, thiserror::Error)]
pub enum BindError {
    #[error("port {port} on {addr} is already in use; choose another with --port N (or --port 0 for any free port)")]
    InUse { addr: IpAddr, port: u16 },
    #[error("cannot listen on {addr}:{port}: {source}")]
    Io { addr: IpAddr, port: u16, source: io::Error },
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

#[derive(Clone)]
struct Site {
    /// Canonical output folder; nothing outside it is ever served.
    root: Arc<PathBuf>,
    live: LiveReload,
}

/// The app: the live-reload socket at [`WS_PATH`], every other path a file of `output`.
pub fn app(output: &Path, live: LiveReload) -> io::Result<Router> {
    let root = Arc::new(output.canonicalize()?);
    Ok(Router::new().route(WS_PATH, get(socket)).fallback(file).with_state(Site { root, live }))
}

/// Serve `app` on `listener` until the process ends.
pub async fn run(listener: TcpListener, app: Router) -> io::Result<()> {
    listener.set_nonblocking(true)?;
    let listener = tokio::net::TcpListener::from_std(listener)?;
    axum::serve(listener, app).await
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
pub struct BadPath;

/// The decoded segments of a request path, each one plain file or folder name. Refuses `.`
/// and `..`, encoded slashes, backslashes, NUL, invalid UTF-8 and anything a platform could
/// read as a root or drive; empty segments (`//`) are skipped.
pub fn segments(raw: &str) -> Result<Vec<String>, BadPath> {
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

async fn file(State(site): State<Site>, request: Request) -> Response {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        return (StatusCode::METHOD_NOT_ALLOWED, [(header::ALLOW, "GET, HEAD")]).into_response();
    }
    let uri = request.uri();
    let raw = uri.path();
    let Ok(names) = segments(raw) else {
        return plain(StatusCode::BAD_REQUEST, "400 Bad Request: path not allowed\n");
    };
    let mut path = site.root.to_path_buf();
    path.extend(&names);
    match tokio::fs::metadata(&path).await {
        Ok(meta) if meta.is_dir() => {
            if !raw.ends_with('/') {
                // Rebuilt from the raw segments: one leading slash, never `//host`.
                let mut location = String::from("/");
                for segment in raw.split('/').filter(|s| !s.is_empty()) {
                    location.push_str(segment);
                    location.push('/');
                }
                if let Some(query) = uri.query() {
                    location.push('?');
                    location.push_str(query);
                }
                return redirect(&location);
            }
            path.push("index.html");
        }
        Ok(_) => {}
        Err(_) => return not_found(&site).await,
    }
    match read_inside(&site.root, &path).await {
        Some(bytes) => page(StatusCode::OK, &path, bytes),
        None => not_found(&site).await,
    }
}

/// The bytes of `path` if it is a file whose real location (symlinks resolved) is inside
/// `root`.
async fn read_inside(root: &Path, path: &Path) -> Option<Vec<u8>> {
    let real = tokio::fs::canonicalize(path).await.ok()?;
    if !real.starts_with(root) {
        return None;
    }
    if !tokio::fs::metadata(&real).await.ok()?.is_file() {
        return None;
    }
    tokio::fs::read(&real).await.ok()
}

async fn not_found(site: &Site) -> Response {
    let path = site.root.join("404.html");
    match read_inside(&site.root, &path).await {
        Some(bytes) => page(StatusCode::NOT_FOUND, &path, bytes),
        None => plain(StatusCode::NOT_FOUND, "404 Not Found\n"),
    }
}

/// A file's response: its content type, no caching, and the reload script in HTML.
fn page(status: StatusCode, path: &Path, bytes: Vec<u8>) -> Response {
    let kind = content_type(path);
    let body = if kind.starts_with("text/html") { inject_script(bytes) } else { bytes };
    let mut response = (status, Body::from(body)).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    response
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    let mut response = (status, text).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn redirect(location: &str) -> Response {
    let mut response = StatusCode::TEMPORARY_REDIRECT.into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Content type by file extension, case-insensitive.
pub fn content_type(path: &Path) -> &'static str {
    let ext = path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "xml" => "application/xml",
        "txt" | "md" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "bmp" => "image/bmp",
        "pdf" => "application/pdf",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "wasm" => "application/wasm",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "mp3" => "audio/mpeg",
        "ogg" => "audio/ogg",
        "wav" => "audio/wav",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
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
      if (m.type === "reload") reload();
      else if (m.type === "error") show(String(m.message));
    };
    ws.onclose = () => { lost = true; setTimeout(connect, delay); delay = Math.min(delay * 2, 5000); };
  };
  connect();
})();</script>
"#;

/// Insert [`RELOAD_SCRIPT`] before the last `</body>` (any case), or append it.
pub fn inject_script(mut html: Vec<u8>) -> Vec<u8> {
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
    fn content_types_ignore_case() {
        assert_eq!(content_type(Path::new("img/그림.PNG")), "image/png");
        assert_eq!(content_type(Path::new("a.JPG")), "image/jpeg");
        assert_eq!(content_type(Path::new("index.html")), "text/html; charset=utf-8");
        assert_eq!(content_type(Path::new("f.woff2")), "font/woff2");
        assert_eq!(content_type(Path::new("noext")), "application/octet-stream");
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
