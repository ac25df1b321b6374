//! Publishing: a site built for a sub-path (`--base-url https://user.github.io/notes/`), served
//! under `/notes/` by a real HTTP server of the test's own and crawled from its start page, as a
//! host would serve it; the same output over `file://` paths; the 404 page at any depth, in
//! Chromium; the head tags (favicon) every page carries.

mod common;

use common::browser::{artifact_path, Browser};
use common::{build_ok, copy_tree, dead_links, read, select, shared_dir};
use percent_encoding::percent_decode_str;
use std::collections::{BTreeSet, HashMap, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};

/// The sub-path the test's server publishes the site under, as GitHub Pages does a project site.
const PREFIX: &str = "/notes/";

/// A static host: `root`'s files under `PREFIX`, `PREFIX/404.html` (status 404) for any
/// missing path, nothing outside the prefix. Answers GET and HEAD; one thread per connection.
struct Host {
    addr: String,
}

impl Host {
    fn start(root: &Path) -> Host {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let root = root.to_path_buf();
        std::thread::spawn(move || {
            for stream in listener.incoming().map_while(Result::ok) {
                let root = root.clone();
                std::thread::spawn(move || answer(stream, &root));
            }
        });
        Host { addr }
    }
}

fn answer(mut stream: TcpStream, root: &Path) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request = String::new();
    if reader.read_line(&mut request).is_err() {
        return;
    }
    // Read the headers to the empty line so the client's request is consumed.
    let mut line = String::new();
    while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
        line.clear();
    }
    let mut parts = request.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let path = target.split(['?', '#']).next().unwrap_or("");
    let decoded = percent_decode_str(path).decode_utf8_lossy().into_owned();
    let file = decoded
        .strip_prefix(PREFIX)
        .filter(|rel| !rel.split('/').any(|s| s == ".."))
        .map(|rel| root.join(rel))
        .map(|f| if f.is_dir() { f.join("index.html") } else { f });
    let (status, body, kind) = match file.filter(|f| f.is_file()) {
        Some(f) => ("200 OK", std::fs::read(&f).unwrap(), content_type(&f)),
        None => ("404 Not Found", std::fs::read(root.join("404.html")).unwrap(), "text/html; charset=utf-8"),
    };
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    if method != "HEAD" {
        let _ = stream.write_all(&body);
    }
}

fn content_type(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css",
        "js" => "text/javascript",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "xml" => "application/xml",
        _ => "application/octet-stream",
    }
}

/// Status code and body of `GET path` on `addr`.
fn get(addr: &str, path: &str) -> (u16, Vec<u8>) {
    let mut stream = TcpStream::connect(addr).unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").unwrap();
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).unwrap();
    let split = bytes.windows(4).position(|w| w == b"\r\n\r\n").expect("a response head");
    let head = String::from_utf8_lossy(&bytes[..split]).into_owned();
    let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, bytes[split + 4..].to_vec())
}

/// `href` read from a page at absolute path `page`: the absolute path it names, dots resolved.
fn resolve(page: &str, href: &str) -> String {
    let base = if href.starts_with('/') { "" } else { &page[..page.rfind('/').map_or(0, |i| i + 1)] };
    let mut parts: Vec<&str> = Vec::new();
    let joined = format!("{base}{href}");
    let trailing = joined.ends_with('/');
    for seg in joined.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    format!("/{}{}", parts.join("/"), if trailing && !parts.is_empty() { "/" } else { "" })
}

fn is_external(href: &str) -> bool {
    href.starts_with("//")
        || href.split_once(':').is_some_and(|(s, _)| {
            !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)) && !s.contains('/')
        })
}

/// What a crawl found: the pages reached and every reference that led nowhere.
#[derive(Debug, Default)]
struct Crawl {
    pages: BTreeSet<String>,
    assets: BTreeSet<String>,
    dead: Vec<String>,
}

/// Crawl the site from `start` (an absolute path on `addr`) as a reader's browser would: every
/// `a[href]`, `link[href]`, `img[src]`, `script[src]` and `form[action]` (the search box) of every page reached, plus the page
/// addresses `nav.js` gives the navigation tree; each must answer 200 and stay under `PREFIX`,
/// and a `#fragment` must name an id on its page. `extra_pages` are crawled too even though
/// they answer 404 (the not-found page at a missing address).
fn crawl(addr: &str, start: &str, extra_pages: &[&str]) -> Crawl {
    let mut found = Crawl::default();
    let mut ids: HashMap<String, Vec<String>> = HashMap::new();
    let mut fragments: Vec<(String, String, String)> = Vec::new();
    let mut queue: VecDeque<String> = VecDeque::from([start.to_string()]);
    let mut allowed_404: BTreeSet<String> = extra_pages.iter().map(|s| s.to_string()).collect();
    queue.extend(allowed_404.iter().cloned());
    let mut seen: BTreeSet<String> = queue.iter().cloned().collect();
    while let Some(page) = queue.pop_front() {
        let (status, body) = get(addr, &page);
        if status != 200 && !allowed_404.remove(&page) {
            found.dead.push(format!("{page}: status {status}"));
            continue;
        }
        let doc = scraper::Html::parse_document(&String::from_utf8_lossy(&body));
        ids.insert(
            page.clone(),
            select(&doc, "[id]").iter().map(|e| e.value().attr("id").unwrap().to_string()).collect(),
        );
        found.pages.insert(page.clone());
        let followed = [
            ("a[href]", "href"),
            ("link[href]", "href"),
            ("img[src]", "src"),
            ("script[src]", "src"),
            ("form[action]", "action"),
        ];
        for (css, attr) in followed {
            for el in select(&doc, css) {
                let href = el.value().attr(attr).unwrap().trim();
                if href.is_empty() || is_external(href) {
                    continue;
                }
                let (path, fragment) = href.split_once('#').map_or((href, ""), |(p, f)| (p, f));
                let target = if path.is_empty() { page.clone() } else { resolve(&page, path) };
                let target = if target.ends_with('/') { format!("{target}index.html") } else { target };
                if !target.starts_with(PREFIX) {
                    found.dead.push(format!("{page}: {href} leaves {PREFIX}"));
                    continue;
                }
                if !fragment.is_empty() {
                    fragments.push((page.clone(), target.clone(), fragment.to_string()));
                }
                if !seen.insert(target.clone()) {
                    continue;
                }
                if target.ends_with(".html") {
                    queue.push_back(target);
                } else {
                    let (status, body) = get(addr, &target);
                    if status != 200 {
                        found.dead.push(format!("{page}: {href}: status {status}"));
                    }
                    if target == format!("{PREFIX}nav.js") {
                        for url in nav_urls(&String::from_utf8_lossy(&body)) {
                            let page_url = format!("{PREFIX}{url}");
                            if seen.insert(page_url.clone()) {
                                queue.push_back(page_url);
                            }
                        }
                    }
                    found.assets.insert(target);
                }
            }
        }
    }
    for (page, target, fragment) in fragments {
        let wanted = percent_decode_str(&fragment).decode_utf8_lossy().into_owned();
        let on_target = ids.get(&target).is_some_and(|ids| ids.iter().any(|id| *id == wanted || *id == fragment));
        if !on_target && target.ends_with(".html") {
            found.dead.push(format!("{page}: {target}#{fragment}: no such id"));
        }
    }
    found
}

/// The page addresses (from the site root, percent-encoded) of the navigation tree in `nav.js`
/// (its first line; the second is the search index's manifest).
fn nav_urls(nav_js: &str) -> Vec<String> {
    let first = nav_js.lines().next().unwrap_or_default();
    let json = first.trim_start_matches("window.GONGBU_NAV=").trim_end_matches(';');
    let tree: serde_json::Value = serde_json::from_str(json).expect("nav.js holds JSON");
    let mut urls = Vec::new();
    let mut stack = vec![&tree];
    while let Some(node) = stack.pop() {
        if let Some(u) = node.get("u").and_then(|u| u.as_str()) {
            urls.push(u.to_string());
        }
        stack.extend(node.get("c").and_then(|c| c.as_array()).into_iter().flatten());
    }
    urls
}

/// Every page the build wrote, as served under `PREFIX` (not encoded), the 404 page left out.
fn written_pages(out: &Path) -> BTreeSet<String> {
    common::html_files(out)
        .iter()
        .map(|p| p.strip_prefix(out).unwrap().to_string_lossy().into_owned())
        .filter(|rel| rel != "404.html")
        .map(|rel| format!("{PREFIX}{rel}"))
        .collect()
}

/// The note a page (path from the output root, not encoded) is made from.
fn source_of(page: &str) -> String {
    match page.strip_suffix("index.html") {
        Some(folder) => format!("{folder}README.md"),
        None => format!("{}.md", page.trim_end_matches(".html")),
    }
}

/// Notes the build warns about for a broken link or a missing anchor.
fn authored_mistakes(stderr: &str) -> BTreeSet<String> {
    common::warnings_by_file(stderr)
        .into_iter()
        .filter(|(_, lines)| lines.iter().any(|l| l.contains(": broken link:") || l.contains(": no heading")))
        .map(|(file, _)| file)
        .collect()
}

/// The shared corpus and the seed note, side by side: real notes with Hangul paths, images,
/// anchors and links to the repository's own files.
fn sample_site(dir: &Path) -> PathBuf {
    let site = dir.join("site");
    copy_tree(&shared_dir().join("corpora/tech-interview-for-developer"), &site);
    std::fs::create_dir_all(site.join("seed")).unwrap();
    std::fs::copy(shared_dir().join("seed/interview-notes.md"), site.join("seed/interview-notes.md")).unwrap();
    site
}

#[test]
fn a_sub_path_build_served_under_its_prefix_resolves_every_link_asset_and_anchor() {
    let tmp = tempfile::tempdir().unwrap();
    let site = sample_site(tmp.path());
    let out = tmp.path().join("out");
    let stderr = build_ok(&site, &out, &["--base-url", "https://user.github.io/notes/"]);
    let host = Host::start(&out);

    let missing = format!("{PREFIX}Algorithm/deeper/missing.html");
    let crawl = crawl(&host.addr, &format!("{PREFIX}index.html"), &[&missing]);
    // The only references that lead nowhere are the notes' own mistakes, which the build names.
    let dead_pages: BTreeSet<String> = crawl
        .dead
        .iter()
        .map(|d| {
            source_of(percent_decode_str(d.split(": ").next().unwrap()).decode_utf8_lossy().trim_start_matches(PREFIX))
        })
        .collect();
    assert_eq!(dead_pages, authored_mistakes(&stderr), "{:#?}", crawl.dead);
    assert_eq!(crawl.dead.len(), 2, "{:#?}", crawl.dead);
    let mut reached: BTreeSet<String> =
        crawl.pages.iter().map(|p| percent_decode_str(p).decode_utf8_lossy().into_owned()).collect();
    assert!(reached.remove(&missing), "the 404 page was crawled at a missing address");
    assert_eq!(reached, written_pages(&out), "the crawl reaches every page the build wrote");
    // The theme's styles and scripts under their hashed names (`static/gongbu.1a2b3c4d.css`).
    for (start, end) in
        [("static/theme.", ".css"), ("static/theme.", ".js"), ("static/favicon", ".svg"), ("nav", ".js")]
    {
        let loaded = crawl.assets.iter().any(|a| {
            a.strip_prefix(&format!("{PREFIX}{start}")).is_some_and(|rest| rest.ends_with(end) && !rest.contains('/'))
        });
        assert!(loaded, "{start}…{end} is loaded: {:?}", crawl.assets);
    }
    let images = crawl.assets.iter().filter(|a| a.starts_with(&format!("{PREFIX}resources/"))).count();
    assert!(images > 0, "the corpus's images are loaded: {:?}", crawl.assets);
}

#[test]
fn the_same_output_works_over_file_paths() {
    let tmp = tempfile::tempdir().unwrap();
    let site = sample_site(tmp.path());
    for base in [&["--base-url", "https://user.github.io/notes/"][..], &[]] {
        let out = tmp.path().join(format!("out{}", base.len()));
        let stderr = build_ok(&site, &out, base);
        // Every page's links, styles, scripts, images and anchors, read as files; the only dead
        // ones are the notes' own mistakes, which the build names. (The 404 page of a build for
        // `/notes/` starts its links there: it is for the host, crawled over HTTP above.)
        let dead: Vec<_> = dead_links(&out).into_iter().filter(|d| base.is_empty() || d.page != "404.html").collect();
        let dead_pages: BTreeSet<String> = dead.iter().map(|d| source_of(&d.page)).collect();
        assert_eq!(dead_pages, authored_mistakes(&stderr), "with {base:?}: {dead:#?}");
        assert_eq!(dead.len(), 2, "with {base:?}: {dead:#?}");
        // Pages link relatively, so none of them depends on where the output lies.
        for page in common::html_files(&out).iter().filter(|p| !p.ends_with("404.html")) {
            let doc = read(page);
            for el in select(&doc, "a[href], link[href], img[src], script[src]") {
                let href = el.value().attr("href").or(el.value().attr("src")).unwrap();
                assert!(!href.starts_with('/'), "{}: {href} is root-absolute", page.display());
            }
        }
    }
}

/// The 404 page as a host serves it for `/notes/a/b/missing.html`: styled (its CSS loaded), with
/// links that lead to the site's start page, with and without a base URL given to the build.
#[test]
fn the_404_page_is_styled_and_links_home_at_any_depth_under_a_sub_path() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("notes");
    std::fs::create_dir_all(site.join("Network")).unwrap();
    std::fs::write(site.join("README.md"), "# 면접 노트\n\n시작 페이지.\n").unwrap();
    std::fs::write(site.join("Network/README.md"), "# 네트워크\n\nTCP와 UDP.\n").unwrap();
    for (name, base) in [("base", &["--base-url", "https://user.github.io/notes/"][..]), ("plain", &[])] {
        let out = tmp.path().join(name);
        build_ok(&site, &out, base);
        let host = Host::start(&out);
        let mut browser = Browser::open(&format!("http://{}{PREFIX}a/b/missing.html", host.addr));
        browser.wait_for(
            "document.readyState === 'complete' && [...document.styleSheets].some(s => s.href && \
             /\\/notes\\/static\\/theme\\.([0-9a-f]{8}\\.)?css$/.test(s.href) && s.cssRules.length > 0) && \
             document.querySelector('.brand').href.endsWith('/notes/index.html')",
            20,
            &format!("the {name} 404 page to load its styles and link home"),
        );
        let shot = artifact_path(&format!("publish-404-{name}.png"));
        browser.screenshot(&shot);
        // Styled: the theme's layout applies (the header is a flex row, not a plain block).
        assert_eq!(browser.eval("getComputedStyle(document.querySelector('header.top')).display"), "flex");
        let links = browser.eval("[...document.querySelectorAll('a[href]')].map(a => a.href).join(' ')");
        let links = links.as_str().unwrap().to_string();
        assert!(links.contains(&format!("http://{}{PREFIX}Network/index.html", host.addr)), "{links}");
        // Following the home link reaches the start page.
        browser.eval("document.querySelector('.not-found a').click()");
        browser.wait_for("document.title.startsWith('면접 노트')", 10, "the start page");
        assert_eq!(browser.eval("location.pathname"), serde_json::json!(format!("{PREFIX}index.html")), "{name}");
    }
}

#[test]
fn every_page_names_the_theme_favicon() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("notes");
    std::fs::create_dir_all(site.join("a/b")).unwrap();
    std::fs::write(site.join("a/b/deep.md"), "# 깊은 노트\n").unwrap();
    let out = tmp.path().join("out");
    build_ok(&site, &out, &[]);
    let icon = std::fs::read_to_string(out.join("static/favicon.svg")).unwrap();
    assert!(icon.starts_with("<svg") && icon.contains("xmlns=\"http://www.w3.org/2000/svg\""), "{icon}");
    let doc = read(&out.join("a/b/deep.html"));
    let hrefs: Vec<&str> = select(&doc, "link[rel=icon]").iter().map(|e| e.value().attr("href").unwrap()).collect();
    assert_eq!(hrefs, ["../../static/favicon.svg"]);
}

#[test]
fn pages_carry_canonical_and_open_graph_tags_with_a_description() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("notes");
    std::fs::create_dir_all(site.join("네트워크")).unwrap();
    let long: String = (0..40).map(|i| format!("단어{i} ")).collect();
    std::fs::write(
        site.join("네트워크/TCP.md"),
        format!("# TCP\n\n![그림](x.png)\n\n**TCP**는 `연결` 지향 & <신뢰성> 프로토콜.\n{long}\n\n둘째 문단.\n"),
    )
    .unwrap();
    std::fs::write(
        site.join("네트워크/UDP.md"),
        "---\ndescription: \"UDP 요약 \\\"따옴표\\\"\"\n---\n# UDP\n\n본문.\n",
    )
    .unwrap();
    let out = tmp.path().join("out");
    build_ok(&site, &out, &["--base-url", "https://user.github.io/notes/"]);
    let meta = |page: &str, css: &str, attr: &str| -> Vec<String> {
        select(&read(&out.join(page)), css).iter().map(|e| e.value().attr(attr).unwrap().to_string()).collect()
    };
    let tcp = "네트워크/TCP.html";
    assert_eq!(
        meta(tcp, "link[rel=canonical]", "href"),
        ["https://user.github.io/notes/%EB%84%A4%ED%8A%B8%EC%9B%8C%ED%81%AC/TCP.html"]
    );
    assert_eq!(meta(tcp, "meta[property='og:url']", "content"), meta(tcp, "link[rel=canonical]", "href"));
    assert_eq!(meta(tcp, "meta[property='og:title']", "content"), ["TCP"]);
    assert_eq!(meta(tcp, "meta[property='og:type']", "content"), ["article"]);
    let description = meta(tcp, "meta[property='og:description']", "content");
    assert!(description[0].starts_with("TCP는 연결 지향 & <신뢰성> 프로토콜. 단어0 단어1"), "{description:?}");
    assert!(description[0].ends_with('…') && description[0].chars().count() <= 161, "{description:?}");
    assert_eq!(meta(tcp, "meta[name=description]", "content"), description);
    assert_eq!(meta("네트워크/UDP.html", "meta[property='og:description']", "content"), ["UDP 요약 \"따옴표\""]);
    assert_eq!(meta("index.html", "meta[property='og:type']", "content"), ["website"]);
    assert_eq!(meta("404.html", "link[rel=canonical]", "href"), Vec::<String>::new());

    // Without an absolute base URL there is no address to name: no canonical link, no og:url.
    let plain = tmp.path().join("plain");
    build_ok(&site, &plain, &[]);
    assert_eq!(select(&read(&plain.join(tcp)), "link[rel=canonical], meta[property='og:url']").len(), 0);
    assert_eq!(select(&read(&plain.join(tcp)), "meta[property='og:title']").len(), 1);
}

#[test]
fn an_atom_feed_lists_dated_notes_newest_first_with_absolute_links() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("notes");
    std::fs::create_dir_all(site.join("OS")).unwrap();
    let files: &[(&str, &str)] = &[
        ("OS/프로세스.md", "---\ndate: 2024-03-01\nupdated: 2024-05-02T09:30:00+09:00\n---\n# 프로세스 & 스레드\n\n실행 중인 <프로그램>.\n"),
        ("OS/메모리.md", "+++\ndate = 2024-04-10\n+++\n# 메모리\n\n페이징.\n"),
        ("OS/undated.md", "# 날짜 없음\n\n본문.\n"),
        ("README.md", "# 면접 노트\n"),
    ];
    for (path, text) in files {
        std::fs::write(site.join(path), text).unwrap();
    }
    let out = tmp.path().join("out");
    build_ok(&site, &out, &["--base-url", "https://user.github.io/notes/"]);
    let feed = std::fs::read_to_string(out.join("atom.xml")).unwrap();
    assert!(
        feed.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">")
    );
    assert!(feed.contains("<title>면접 노트</title>"), "{feed}");
    assert!(feed.contains("<link rel=\"self\" href=\"https://user.github.io/notes/atom.xml\"/>"), "{feed}");
    // The feed's own date is its newest entry's: never the build's time.
    assert!(feed.contains("<updated>2024-05-02T09:30:00+09:00</updated>\n  <generator>"), "{feed}");
    let entries: Vec<&str> = feed.split("<entry>").skip(1).collect();
    assert_eq!(entries.len(), 2, "undated notes are left out:\n{feed}");
    assert!(entries[0].contains("<title>프로세스 &amp; 스레드</title>"), "{feed}");
    assert!(entries[0]
        .contains("<link href=\"https://user.github.io/notes/OS/%ED%94%84%EB%A1%9C%EC%84%B8%EC%8A%A4.html\"/>"));
    assert!(entries[0].contains("<published>2024-03-01T00:00:00Z</published>"), "{feed}");
    assert!(entries[0].contains("<summary>실행 중인 &lt;프로그램&gt;.</summary>"), "{feed}");
    assert!(
        entries[1].contains("<title>메모리</title>") && entries[1].contains("<updated>2024-04-10T00:00:00Z</updated>")
    );
    // Every page names the feed, relative to itself.
    let doc = read(&out.join("OS/undated.html"));
    let alternate = select(&doc, "link[rel=alternate][type='application/atom+xml']");
    assert_eq!(alternate.iter().map(|e| e.value().attr("href").unwrap()).collect::<Vec<_>>(), ["../atom.xml"]);
    // The same input gives the same feed.
    let again = tmp.path().join("again");
    build_ok(&site, &again, &["--base-url", "https://user.github.io/notes/"]);
    assert_eq!(std::fs::read_to_string(again.join("atom.xml")).unwrap(), feed);

    // Without an absolute base URL a feed has no addresses to give: none is written or named.
    let plain = tmp.path().join("plain");
    build_ok(&site, &plain, &[]);
    assert!(!plain.join("atom.xml").exists());
    assert_eq!(select(&read(&plain.join("OS/undated.html")), "link[rel=alternate]").len(), 0);
}

#[test]
fn a_date_that_is_not_a_date_is_an_error_on_its_line() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("notes");
    std::fs::create_dir_all(&site).unwrap();
    std::fs::write(site.join("a.md"), "---\ntitle: A\nupdated: 어제\n---\n# A\n").unwrap();
    let out = tmp.path().join("out");
    let output = common::gongbu(&["build", site.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("a.md:3: error: `updated` is not a date: `어제`"), "{stderr}");
}

/// The theme's styles and scripts load under names that change with their content, so a host
/// may cache them for good; a site's own `static/` file over the theme's gets its own name, and
/// the names of a previous build are gone after the next.
#[test]
fn styles_and_scripts_load_under_content_hashed_names() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    std::fs::create_dir_all(site.join("content/a")).unwrap();
    std::fs::create_dir_all(site.join("static")).unwrap();
    std::fs::write(site.join("gongbu.toml"), "title = \"노트\"\n").unwrap();
    std::fs::write(site.join("content/a/note.md"), "# 노트\n").unwrap();
    let out = tmp.path().join("out");
    let loaded = |out: &Path| -> Vec<String> {
        let doc = read(&out.join("a/note.html"));
        let mut refs: Vec<String> = select(&doc, "link[rel=stylesheet], script[src]")
            .iter()
            .map(|e| e.value().attr("href").or(e.value().attr("src")).unwrap().to_string())
            .collect();
        refs.sort();
        refs
    };
    fn hashed(name: &str) -> impl Fn(&String) -> bool + '_ {
        let (stem, ext) = name.rsplit_once('.').unwrap();
        move |r: &String| {
            r.strip_prefix(&format!("../static/{stem}."))
                .and_then(|rest| rest.strip_suffix(&format!(".{ext}")))
                .is_some_and(|sum| sum.len() == 8 && sum.bytes().all(|b| b.is_ascii_hexdigit()))
        }
    }

    std::fs::write(site.join("static/gongbu.css"), "body { color: red }\n").unwrap();
    build_ok(&site, &out, &[]);
    let first = loaded(&out);
    // Pages load the theme's two bundles (`theme::BUNDLES`) and nav.js.
    assert_eq!(first.len(), 3, "{first:?}");
    for name in ["theme.css", "theme.js"] {
        let r = first.iter().find(|r| hashed(name)(r)).unwrap_or_else(|| panic!("{name} hashed: {first:?}"));
        // The hashed file holds what the plain one does.
        let bytes = std::fs::read(out.join("a").join(r)).unwrap();
        assert_eq!(bytes, std::fs::read(out.join("static").join(name)).unwrap(), "{name}");
    }
    assert_eq!(first.iter().filter(|r| r.ends_with("nav.js")).count(), 1, "nav.js keeps its name: {first:?}");
    let css = |refs: &[String]| refs.iter().find(|r| hashed("theme.css")(r)).unwrap().clone();
    // The bundle joins the site's own gongbu.css in the theme's place, then the other parts.
    let bundle = std::fs::read_to_string(out.join("a").join(css(&first))).unwrap();
    assert!(bundle.starts_with("body { color: red }\n"), "{}", &bundle[..200.min(bundle.len())]);
    let highlight = std::fs::read_to_string(out.join("static/highlight.css")).unwrap();
    assert!(bundle.contains(&highlight) && !bundle.contains("--code-bg:"), "the parts, the theme's gongbu.css not");
    assert_eq!(std::fs::read_to_string(out.join("static/gongbu.css")).unwrap(), "body { color: red }\n");

    // Same input, same names; changed CSS, a new name, and the old file is removed.
    build_ok(&site, &out, &[]);
    assert_eq!(loaded(&out), first);
    std::fs::write(site.join("static/gongbu.css"), "body { color: blue }\n").unwrap();
    build_ok(&site, &out, &[]);
    let second = loaded(&out);
    assert_ne!(css(&second), css(&first));
    assert!(!out.join("a").join(css(&first)).exists(), "the old hashed file is gone");
    assert_eq!(dead_links(&out), []);
}

#[test]
fn a_description_skips_what_the_page_does_not_show() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("notes");
    std::fs::create_dir_all(&site).unwrap();
    let note = "import Tabs from '@theme/Tabs';\n\n# MDX\n\n![그림](x.png)\n\n첫 문단.\n";
    std::fs::write(site.join("mdx.md"), note).unwrap();
    let out = tmp.path().join("out");
    build_ok(&site, &out, &[]);
    let doc = read(&out.join("mdx.html"));
    let description: Vec<&str> =
        select(&doc, "meta[name=description]").iter().map(|e| e.value().attr("content").unwrap()).collect();
    assert_eq!(description, ["첫 문단."]);
}
