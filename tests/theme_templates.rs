//! The default theme's templates render the pipeline's context into the expected page structure.
//!
//! Set `GONGBU_THEME_PREVIEW=/some/dir` to also write the rendered sample pages there for a look
//! in a browser (copy `static/` beside them and add a `nav.js` and `static/highlight.css`).

use gongbu::config::Words;
use gongbu::model::{Reference, TocEntry};
use gongbu::render::view::{Link, NavLink, NoteLink, PageView, SectionView, SiteView, SubsectionLink};
use scraper::{Html, Selector};
use tera::{Context, Tera};

const TEMPLATES: [&str; 4] = ["base.html", "page.html", "section.html", "404.html"];

fn link(title: &str, href: &str) -> Link {
    Link { title: title.into(), href: href.into() }
}

fn note_link(title: &str, href: &str) -> NoteLink {
    NoteLink { title: title.into(), href: href.into(), questions: 0 }
}

fn toc(depth: u8, id: &str, title: &str) -> TocEntry {
    TocEntry { question: None, depth, id: id.into(), title: title.into() }
}

fn tera() -> Tera {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/templates/");
    let sources: Vec<(&str, String)> = TEMPLATES
        .iter()
        .map(|name| {
            let text = std::fs::read_to_string(format!("{dir}{name}"))
                .unwrap_or_else(|e| panic!("reading template {name}: {e}"));
            (*name, text)
        })
        .collect();
    let mut tera = Tera::new();
    tera.add_raw_templates(sources).expect("templates parse");
    tera
}

const NOTE_HTML: &str = r##"<h2 id="1번-문제">1번 문제<a class="anchor" href="#1번-문제">#</a></h2>
<h3 id="q-동기와-비동기">Q. 동기와 비동기 프로그래밍에 대한 차이점을 설명해주세요.<a class="anchor" href="#q-동기와-비동기">#</a></h3>
<blockquote>
<p><strong>'결과 값을 기다린다'</strong>: A 함수에서 B 함수를 호출했을 때, A 함수가 B 함수의 결과 값을 기다리는지 여부를 의미</p>
</blockquote>
<ul>
<li>동기: Synchronous, A 함수에서 B 함수를 호출했을 때, B 함수의 리턴 값을 계속 확인하면서 함수를 실행하는 것</li>
<li>비동기: Asynchronous, 콜백 함수를 함께 전달해 B 함수가 실행이 완료되었을 때 콜백 함수를 실행하는 것 (<code>asyncio</code>, <code>await</code>)</li>
</ul>
<h2 id="2번-문제">2번 문제<a class="anchor" href="#2번-문제">#</a></h2>
<h3 id="q-이진-탐색">Q. 이진 탐색의 시간 복잡도는?<a class="anchor" href="#q-이진-탐색">#</a></h3>
<p>정렬된 배열에서 탐색 범위를 절반씩 줄여 나가므로 <strong>O(log N)</strong> 입니다. 자세한 내용은 https://ko.wikipedia.org/wiki/%EC%9D%B4%EC%A7%84_%EA%B2%80%EC%83%89_%EC%95%8C%EA%B3%A0%EB%A6%AC%EC%A6%98 참고.</p>
<pre class="code" data-lang="python"><code class="language-python"><span class="hl-keyword">def</span> <span class="hl-entity">binary_search</span>(arr, target):
    lo, hi <span class="hl-keyword">=</span> <span class="hl-constant">0</span>, <span class="hl-support">len</span>(arr) <span class="hl-keyword">-</span> <span class="hl-constant">1</span>
    <span class="hl-keyword">while</span> lo <span class="hl-keyword">&lt;=</span> hi:
        mid <span class="hl-keyword">=</span> (lo <span class="hl-keyword">+</span> hi) <span class="hl-keyword">//</span> <span class="hl-constant">2</span>  <span class="hl-comment"># 중간 인덱스</span>
        <span class="hl-keyword">if</span> arr[mid] <span class="hl-keyword">==</span> target:
            <span class="hl-keyword">return</span> mid
        <span class="hl-keyword">elif</span> arr[mid] <span class="hl-keyword">&lt;</span> target:
            lo <span class="hl-keyword">=</span> mid <span class="hl-keyword">+</span> <span class="hl-constant">1</span>
        <span class="hl-keyword">else</span>:
            hi <span class="hl-keyword">=</span> mid <span class="hl-keyword">-</span> <span class="hl-constant">1</span>
    <span class="hl-keyword">return</span> <span class="hl-keyword">-</span><span class="hl-constant">1</span>
</code></pre>
<h4 id="비교">비교<a class="anchor" href="#비교">#</a></h4>
<table>
<thead><tr><th>알고리즘</th><th>평균</th><th>최악</th><th>공간</th><th>비고</th></tr></thead>
<tbody>
<tr><td>선형 탐색</td><td>O(N)</td><td>O(N)</td><td>O(1)</td><td>정렬 필요 없음</td></tr>
<tr><td>이진 탐색</td><td>O(log N)</td><td>O(log N)</td><td>O(1)</td><td>정렬된 배열에서만 동작</td></tr>
</tbody>
</table>
<pre class="code"><code>$ python3 -m timeit -s "import bisect" "bisect.bisect_left(list(range(1000)), 500)"
</code></pre>
"##;

fn base_context(root: &str, page: &PageView, section: Option<&SectionView>) -> Context {
    let mut ctx = Context::new();
    ctx.insert("lang", "ko");
    let site = SiteView {
        title: "기술 면접 공부",
        description: "개발자 기술 면접 대비 노트",
        url: "",
        search: true,
        anki: true,
    };
    ctx.insert("site", &site);
    ctx.insert("words", &Words::default());
    ctx.insert("root", root);
    ctx.insert("generator", "gongbu 0.1.0");
    // Every theme file, as a build names them (`gongbu::theme::DEFAULT_STATIC`, and highlight.css).
    let assets: std::collections::BTreeMap<&str, String> = gongbu::theme::DEFAULT_STATIC
        .iter()
        .map(|(n, _)| *n)
        .chain(["highlight.css"])
        .chain(gongbu::theme::BUNDLES.iter().map(|(n, _)| *n))
        .map(|n| (n, format!("static/{n}")))
        .collect();
    ctx.insert("assets", &assets);
    ctx.insert("page", page);
    let sections = vec![
        NavLink { title: "Algorithm".into(), href: format!("{root}Algorithm/index.html"), active: true },
        NavLink {
            title: "Computer Science".into(),
            href: format!("{root}Computer%20Science/index.html"),
            active: false,
        },
        NavLink { title: "Design Pattern".into(), href: format!("{root}Design%20Pattern/index.html"), active: false },
    ];
    ctx.insert("sections", &sections);
    ctx.insert("section", &section);
    ctx
}

fn full_page() -> PageView {
    PageView {
        show_title: true,
        title_id: String::new(),
        title: "Binary Search <이진 탐색> & 응용".into(),
        url: "Algorithm/Binary%20Search.html".into(),
        content: NOTE_HTML.into(),
        toc: vec![
            toc(1, "1번-문제", "1번 문제"),
            toc(2, "q-동기와-비동기", "Q. 동기와 비동기 프로그래밍에 대한 차이점을 설명해주세요."),
            toc(1, "2번-문제", "2번 문제"),
            toc(2, "q-이진-탐색", "Q. 이진 탐색의 시간 복잡도는?"),
            toc(3, "비교", "비교"),
        ],
        references: vec![
            Reference {
                href: "https://ko.wikipedia.org/wiki/%EC%9D%B4%EC%A7%84_%EA%B2%80%EC%83%89".into(),
                text: "https://ko.wikipedia.org/wiki/이진_검색".into(),
            },
            Reference {
                href: "https://docs.python.org/3/library/bisect.html".into(),
                text: "https://docs.python.org/3/library/bisect.html".into(),
            },
        ],
        breadcrumbs: vec![link("기술 면접 공부", "../index.html"), link("Algorithm", "index.html")],
        prev: Some(link("Big O & 시간 복잡도", "Big%20O.html")),
        next: Some(link("DFS와 BFS", "DFS%EC%99%80%20BFS.html")),
        source: "Algorithm/Binary Search.md".into(),
        edit: String::new(),
        description: String::new(),
    }
}

fn minimal_page() -> PageView {
    PageView {
        show_title: true,
        title_id: String::new(),
        title: "메모".into(),
        url: "memo.html".into(),
        content: "<p>짧은 메모.</p>".into(),
        toc: vec![],
        references: vec![],
        breadcrumbs: vec![],
        prev: None,
        next: None,
        source: "memo.md".into(),
        edit: String::new(),
        description: String::new(),
    }
}

fn render(tera: &Tera, name: &str, ctx: &Context) -> Html {
    let out = tera.render(name, ctx).unwrap_or_else(|e| panic!("rendering {name}: {e:?}"));
    Html::parse_document(&out)
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap_or_else(|e| panic!("selector {s}: {e:?}"))
}

fn attrs(doc: &Html, selector: &str, attr: &str) -> Vec<String> {
    doc.select(&sel(selector)).filter_map(|e| e.value().attr(attr)).map(String::from).collect()
}

fn texts(doc: &Html, selector: &str) -> Vec<String> {
    doc.select(&sel(selector)).map(|e| e.text().collect::<String>().trim().to_string()).collect()
}

fn count(doc: &Html, selector: &str) -> usize {
    doc.select(&sel(selector)).count()
}

#[test]
fn note_page_has_the_full_structure() {
    let page = full_page();
    let doc = render(&tera(), "page.html", &base_context("../", &page, None));

    assert_eq!(attrs(&doc, "html", "lang"), ["ko"]);
    assert_eq!(attrs(&doc, "body", "data-root"), ["../"]);
    assert_eq!(attrs(&doc, "body", "data-page"), ["Algorithm/Binary%20Search.html"]);
    // The scripts' words are in nav.js once, not on every page.
    assert_eq!(attrs(&doc, "body", "data-copy"), Vec::<String>::new());
    assert_eq!(texts(&doc, "title"), ["Binary Search <이진 탐색> & 응용 · 기술 면접 공부"]);

    // Assets, all relative to the root, scripts deferred, no external requests.
    assert_eq!(attrs(&doc, "script[src][defer]", "src"), ["../nav.js", "../static/theme.js"]);
    assert_eq!(attrs(&doc, r#"link[rel="stylesheet"]"#, "href"), ["../static/theme.css"]);
    for url in attrs(&doc, "[src]", "src").iter().chain(&attrs(&doc, "link[href]", "href")) {
        assert!(url.starts_with("../"), "asset not under root: {url}");
    }

    // Landmarks and accessible controls.
    for landmark in ["header.top", "nav#gb-nav", "main#gb-main", "aside#gb-toc", "footer.site-foot"] {
        assert_eq!(count(&doc, landmark), 1, "{landmark}");
    }
    assert_eq!(attrs(&doc, "a.skip", "href"), ["#gb-main"]);
    assert_eq!(texts(&doc, "a.skip"), ["본문으로 건너뛰기"]);
    assert_eq!(attrs(&doc, "aside#gb-toc", "aria-label"), ["이 페이지"]);
    assert_eq!(attrs(&doc, "header a.brand", "href"), ["../index.html"]);
    assert_eq!(attrs(&doc, "button#gb-theme", "aria-label"), ["테마 전환"]);
    assert_eq!(attrs(&doc, "button#gb-menu", "aria-label"), ["메뉴"]);
    assert_eq!(attrs(&doc, "nav#gb-nav", "aria-label"), ["노트"]);

    // Server-rendered section list for no-JS, active item marked.
    assert_eq!(
        attrs(&doc, "#gb-tree .nav-sections a", "href"),
        ["../Algorithm/index.html", "../Computer%20Science/index.html", "../Design%20Pattern/index.html"]
    );
    assert_eq!(texts(&doc, r#"#gb-tree .nav-sections a[aria-current="true"]"#), ["Algorithm"]);

    // Breadcrumbs.
    assert_eq!(attrs(&doc, "nav.crumbs a", "href"), ["../index.html", "index.html"]);
    assert_eq!(texts(&doc, "nav.crumbs a"), ["기술 면접 공부", "Algorithm"]);

    // Title is escaped text, content is raw HTML.
    assert_eq!(texts(&doc, "h1.note-title"), ["Binary Search <이진 탐색> & 응용"]);
    assert_eq!(attrs(&doc, ".content pre.code", "data-lang"), ["python"]);
    assert_eq!(count(&doc, ".content pre.code"), 2);
    assert_eq!(count(&doc, ".content h2 > a.anchor"), 2);

    // Table of contents: every heading in order, depth as a class, plus the references.
    assert_eq!(texts(&doc, "#gb-toc .toc-title"), ["목차"]);
    assert_eq!(
        attrs(&doc, "#gb-toc li a", "href"),
        ["#1번-문제", "#q-동기와-비동기", "#2번-문제", "#q-이진-탐색", "#비교", "#gb-refs"]
    );
    assert_eq!(count(&doc, "#gb-toc li"), 6);
    assert_eq!(attrs(&doc, "#gb-toc li[class]", "class"), ["d2", "d2", "d3"], "depth 1 needs no class");

    // References: real links (no rel=noopener: without target=_blank it does nothing), under the localized heading.
    assert_eq!(texts(&doc, "section.refs h2#gb-refs"), ["참고 자료"]);
    assert_eq!(
        attrs(&doc, "section.refs a", "href"),
        [
            "https://ko.wikipedia.org/wiki/%EC%9D%B4%EC%A7%84_%EA%B2%80%EC%83%89",
            "https://docs.python.org/3/library/bisect.html"
        ]
    );
    assert_eq!(texts(&doc, "section.refs a")[0], "https://ko.wikipedia.org/wiki/이진_검색");

    // Previous / next and the source path.
    assert_eq!(attrs(&doc, r#".pager a[rel="prev"]"#, "href"), ["Big%20O.html"]);
    assert_eq!(attrs(&doc, r#".pager a[rel="next"]"#, "href"), ["DFS%EC%99%80%20BFS.html"]);
    assert_eq!(texts(&doc, ".pager .prev .t"), ["Big O & 시간 복잡도"]);
    assert!(texts(&doc, ".pager .next .dir")[0].contains("다음"));
    assert_eq!(texts(&doc, ".note-foot .source"), ["Algorithm/Binary Search.md"]);
}

#[test]
fn optional_parts_vanish_cleanly() {
    let page = minimal_page();
    let html = tera().render("page.html", &base_context("", &page, None)).unwrap();
    let doc = Html::parse_document(&html);

    assert_eq!(attrs(&doc, "body", "data-root"), [""]);
    assert_eq!(attrs(&doc, "script[src][defer]", "src"), ["nav.js", "static/theme.js"]);
    assert_eq!(attrs(&doc, "header a.brand", "href"), ["index.html"]);
    for gone in
        ["#gb-toc", ".toc-list", "section.refs", "#gb-refs", ".pager", "a[rel=prev]", "a[rel=next]", "nav.crumbs"]
    {
        assert_eq!(count(&doc, gone), 0, "{gone} should not render");
    }
    assert!(!html.contains("<ol>\n    </ol>") && !html.contains("<ol></ol>"), "no empty lists");
    assert_eq!(texts(&doc, ".content p"), ["짧은 메모."]);
    assert_eq!(texts(&doc, ".source"), ["memo.md"]);
}

#[test]
fn section_index_lists_subsections_and_notes() {
    let page = PageView {
        show_title: true,
        title_id: String::new(),
        title: "Algorithm".into(),
        url: "Algorithm/index.html".into(),
        content: "<p>알고리즘 면접 질문 모음입니다.</p>".into(),
        toc: vec![],
        references: vec![],
        breadcrumbs: vec![link("기술 면접 공부", "../index.html")],
        prev: None,
        next: Some(link("Big O", "Big%20O.html")),
        source: "Algorithm/README.md".into(),
        edit: String::new(),
        description: String::new(),
    };
    let section = SectionView {
        notes: vec![note_link("Big O", "Big%20O.html"), note_link("Binary Search", "Binary%20Search.html")],
        questions: 0,
        quiz: String::new(),
        subsections: vec![SubsectionLink { title: "Sorting".into(), href: "Sorting/index.html".into(), count: 7 }],
    };
    let t = tera();
    let doc = render(&t, "section.html", &base_context("../", &page, Some(&section)));

    assert_eq!(texts(&doc, "h1.note-title"), ["Algorithm"]);
    assert_eq!(texts(&doc, ".content p"), ["알고리즘 면접 질문 모음입니다."]);
    assert_eq!(texts(&doc, "#gb-subsections"), ["섹션"]);
    assert_eq!(attrs(&doc, ".cards a", "href"), ["Sorting/index.html"]);
    assert!(texts(&doc, ".cards .count")[0].starts_with('7'));
    assert_eq!(texts(&doc, "#gb-notes"), ["노트"]);
    assert_eq!(attrs(&doc, ".note-list a", "href"), ["Big%20O.html", "Binary%20Search.html"]);
    assert_eq!(texts(&doc, ".note-list a"), ["Big O", "Binary Search"]);

    // An empty README and an empty folder leave no empty blocks behind.
    let bare = PageView { content: String::new(), next: None, ..page };
    let empty = SectionView { notes: vec![], questions: 0, quiz: String::new(), subsections: vec![] };
    let doc = render(&t, "section.html", &base_context("../", &bare, Some(&empty)));
    for gone in [".content", ".listing", ".cards", ".note-list", ".pager"] {
        assert_eq!(count(&doc, gone), 0, "{gone} should not render");
    }
    assert_eq!(texts(&doc, "h1.note-title"), ["Algorithm"]);
}

#[test]
fn not_found_page_links_home() {
    let page = PageView { content: String::new(), source: String::new(), ..minimal_page() };
    let doc = render(&tera(), "404.html", &base_context("", &page, None));
    assert_eq!(texts(&doc, "h1"), ["페이지를 찾을 수 없습니다"]);
    assert_eq!(attrs(&doc, ".not-found a", "href"), ["index.html"]);
    assert_eq!(texts(&doc, ".not-found a"), ["홈으로"]);
    assert!(texts(&doc, "title")[0].starts_with("페이지를 찾을 수 없습니다"));
    assert_eq!(count(&doc, ".source"), 0);
}

/// Writes a small sample site when `GONGBU_THEME_PREVIEW` names a folder (for screenshots).
#[test]
fn write_preview_when_asked() {
    let Ok(dir) = std::env::var("GONGBU_THEME_PREVIEW") else { return };
    let dir = std::path::Path::new(&dir);
    std::fs::create_dir_all(dir.join("Algorithm")).unwrap();
    let t = tera();
    let write = |path: &str, name: &str, ctx: &Context| {
        std::fs::write(dir.join(path), t.render(name, ctx).unwrap()).unwrap();
    };
    write("Algorithm/Binary Search.html", "page.html", &base_context("../", &full_page(), None));
    write("memo.html", "page.html", &base_context("", &minimal_page(), None));
    let home = PageView {
        title: "기술 면접 공부".into(),
        url: "index.html".into(),
        content: "<p>개발자 기술 면접을 준비하며 정리한 노트입니다.</p>".into(),
        breadcrumbs: vec![],
        ..minimal_page()
    };
    let folders = SectionView {
        notes: vec![note_link("메모", "memo.html")],
        questions: 0,
        quiz: String::new(),
        subsections: vec![
            SubsectionLink { title: "Algorithm".into(), href: "Algorithm/index.html".into(), count: 12 },
            SubsectionLink {
                title: "Computer Science".into(),
                href: "Computer%20Science/index.html".into(),
                count: 48,
            },
            SubsectionLink { title: "Design Pattern".into(), href: "Design%20Pattern/index.html".into(), count: 9 },
        ],
    };
    write("index.html", "section.html", &base_context("", &home, Some(&folders)));
    write("404.html", "404.html", &base_context("", &PageView { content: String::new(), ..minimal_page() }, None));
}
