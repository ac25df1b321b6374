//! Blocks as their authors see them on GitHub and in Docusaurus: GitHub alerts and `:::`
//! admonitions as labelled callouts, MDX (imports, JSX components, `require()` images), and a
//! raw HTML line right after a list item or table row, which ends the list or table exactly as
//! cmark-gfm (GitHub's parser) does. Each test builds notes of its own with the real binary.

mod common;

use common::browser::*;
use common::*;
use std::path::Path;

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// The body of a built page (inside `<div class="content">`), whitespace between tags removed.
fn body(out: &Path, page: &str) -> String {
    let html = std::fs::read_to_string(out.join(page)).unwrap();
    let start = html.find("<div class=\"content\">").expect("content div") + "<div class=\"content\">".len();
    let stop = ["<section class=\"refs\"", "<footer class=\"note-foot\"", "</article>"]
        .iter()
        .filter_map(|m| html[start..].find(m))
        .min()
        .unwrap();
    let end = html[..start + stop].rfind("</div>").unwrap();
    let collapsed = html[start..end].split_whitespace().collect::<Vec<_>>().join(" ");
    collapsed.replace(" <", "<").replace("> ", ">")
}

/// The 1-based line of `note` that first holds `needle`.
fn line_of(note: &str, needle: &str) -> usize {
    note.lines().position(|l| l.contains(needle)).expect("needle in note") + 1
}

fn texts(doc: &scraper::Html, css: &str) -> Vec<String> {
    select(doc, css).iter().map(|e| e.text().collect::<String>().trim().to_string()).collect()
}

#[test]
fn raw_html_after_a_list_item_or_table_row_matches_cmark_gfm() {
    // (note, body as cmark-gfm 0.29.0.gfm.13 renders it, from `cmarkgfm` with unsafe HTML on).
    let cases = [
        ("- a\n<br>\n", "<ul><li>a</li></ul><br>"),
        ("- a\n<br/>\n텍스트\n\n- b\n", "<ul><li>a</li></ul><br/>\n텍스트<ul><li>b</li></ul>"),
        ("1. a\n<img src=\"x.png\">\n", "<ol><li>a</li></ol><img src=\"x.png\">"),
        ("- a\n  - b\n<br>\n", "<ul><li>a<ul><li>b</li></ul></li></ul><br>"),
        ("- a\n    - b\n    <br>\n", "<ul><li>a<ul><li>b</li></ul><br></li></ul>"),
        ("- a\n  <br>\n", "<ul><li>a<br></li></ul>"),
        ("- a\n<span>x</span>\n", "<ul><li>a<span>x</span></li></ul>"),
        ("- a\n<br> 텍스트\n", "<ul><li>a<br>텍스트</li></ul>"),
        ("- a\n<div>x</div>\n", "<ul><li>a</li></ul><div>x</div>"),
        ("> a\n<br>\n", "<blockquote><p>a</p></blockquote><br>"),
        (
            "| a |\n|---|\n| 1 |\n<br>\n",
            "<table><thead><tr><th>a</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table><br>",
        ),
        ("- a\n<br>\n- b\n", "<ul><li>a</li></ul><br>\n- b"),
        ("- a\n<br>\n## 제목\n", "<ul><li>a</li></ul><br>\n## 제목"),
        ("* a\n\n  b\n</b>\n", "<ul><li><p>a</p><p>b</p></li></ul></b>"),
        ("- a\n<BR>\n", "<ul><li>a</li></ul><BR>"),
        (
            "10) a\n<img src=\"x.png\" width=\"100\"/>\n",
            "<ol start=\"10\"><li>a</li></ol><img src=\"x.png\" width=\"100\"/>",
        ),
        ("- a\n\t<br>\n", "<ul><li>a<br></li></ul>"),
    ];
    let tmp = tempfile::tempdir().unwrap();
    let (src, out) = (tmp.path().join("notes"), tmp.path().join("out"));
    write(&src, "x.png", "png");
    for (i, (note, _)) in cases.iter().enumerate() {
        write(&src, &format!("c{i:02}.md"), note);
    }
    build_ok(&src, &out, &[]);
    let mut wrong = Vec::new();
    for (i, (note, expected)) in cases.iter().enumerate() {
        let got = body(&out, &format!("c{i:02}.html"));
        let expected = expected.split_whitespace().collect::<Vec<_>>().join(" ").replace(" <", "<").replace("> ", ">");
        if got != expected {
            wrong.push(format!("{note:?}\n  cmark-gfm: {expected}\n  gongbu:    {got}"));
        }
    }
    assert!(wrong.is_empty(), "differs from cmark-gfm:\n{}", wrong.join("\n"));
    // The heading GitHub shows as text is not in the outline either: no id, no TOC entry.
    let page = read(&out.join("c12.html"));
    assert!(select(&page, "h2").is_empty() && select(&page, "[id='제목']").is_empty());
}

#[test]
fn github_alerts_are_callouts_with_the_sites_labels() {
    let tmp = tempfile::tempdir().unwrap();
    let (src, out) = (tmp.path().join("notes"), tmp.path().join("out"));
    let note = "# 알림\n\n> [!NOTE]\n> 참고할 **내용**\n\n> [!tip]\n> 소문자도 됩니다\n\n> [!IMPORTANT]\n> 중요\n\n\
                > [!WARNING]\n> - 목록\n> - 항목\n\n> [!CAUTION]\n> ```js\n> rm();\n> ```\n\n> [!NOTE] 같은 줄\n\n\
                > [!FOO]\n> 모르는 종류\n\n> 평범한 인용\n\n[깨진 링크](missing.md)\n";
    write(&src, "alerts.md", note);
    let stderr = build_ok(&src, &out, &[]);
    let page = read(&out.join("alerts.html"));
    let kinds: Vec<String> = select(&page, "div.callout[role=note]")
        .iter()
        .map(|e| e.value().attr("class").unwrap_or_default().to_string())
        .collect();
    assert_eq!(
        kinds,
        [
            "callout callout-note",
            "callout callout-tip",
            "callout callout-important",
            "callout callout-warning",
            "callout callout-caution"
        ]
    );
    assert_eq!(texts(&page, ".callout > .callout-title"), ["참고", "팁", "중요", "경고", "주의"]);
    assert_eq!(select(&page, ".callout-title > svg.callout-icon[aria-hidden=true]").len(), 5);
    assert_eq!(texts(&page, ".callout-note > p:not(.callout-title)"), ["참고할 내용"]);
    assert_eq!(select(&page, ".callout-note strong").len(), 1);
    assert_eq!(texts(&page, ".callout-warning li"), ["목록", "항목"]);
    assert_eq!(select(&page, ".callout-caution pre.code[data-lang]").len(), 1);
    // As on GitHub: text after the marker, or an unknown kind, leaves a plain quote.
    let quotes = texts(&page, ".content blockquote");
    assert_eq!(quotes, ["[!NOTE] 같은 줄", "[!FOO]\n모르는 종류", "평범한 인용"]);
    // Lines after the alerts are still counted right.
    assert!(stderr.contains(&format!("alerts.md:{}: warning", line_of(note, "missing.md"))), "{stderr}");

    // English words, and a word of the site's own.
    std::fs::write(src.join("gongbu.toml"), "language = \"en\"\n[words]\ncallout_tip = \"Pro tip\"\n").unwrap();
    build_ok(&src, &out, &[]);
    let page = read(&out.join("alerts.html"));
    assert_eq!(texts(&page, ".callout > .callout-title"), ["Note", "Pro tip", "Important", "Warning", "Caution"]);
}

#[test]
fn admonitions_are_callouts_with_markdown_inside() {
    let tmp = tempfile::tempdir().unwrap();
    let (src, out) = (tmp.path().join("notes"), tmp.path().join("out"));
    let note = "# 어드모니션\n\n\
                :::note\n기본 **제목**\n:::\n\n\
                :::tip 알아두면 좋은 것\n- 하나\n- 둘\n\n```python\nprint(1)\n```\n:::\n\n\
                ::: warning\n바로 앞 문단\n:::\n\
                :::danger[위험한 일]\n조심\n:::\n\n\
                ::::info\n바깥\n\n:::caution\n안쪽\n:::\n\n여전히 바깥\n::::\n\n\
                ::: details 펼쳐 보기\n숨은 내용\n:::\n\n\
                ```md\n:::note\n코드 안의 펜스\n:::\n```\n\n\
                :::unknown\n모르는 이름\n:::\n\n\
                - 목록 항목\n\n  :::tip\n  항목 안의 팁\n  :::\n\n\
                - 밖에서 닫히는 항목\n\n  :::note\n  항목과 함께 닫힘\n\n## 안쪽 제목\n\n:::\n\n\
                :::warning 닫히지 않음\n끝까지\n\n[깨진 링크](missing.md)\n";
    write(&src, "adm.md", note);
    let stderr = build_ok(&src, &out, &[]);
    let page = read(&out.join("adm.html"));
    let titles = texts(&page, ".callout > .callout-title");
    assert_eq!(titles, ["참고", "알아두면 좋은 것", "경고", "위험한 일", "정보", "주의", "펼쳐 보기", "팁", "참고"]);
    assert_eq!(texts(&page, ".content > .callout-note > p:not(.callout-title)"), ["기본 제목"]);
    assert_eq!(texts(&page, ".callout-tip li"), ["하나", "둘"]);
    assert_eq!(select(&page, ".callout-tip pre.code[data-lang=python]").len(), 1);
    assert_eq!(texts(&page, ".callout-warning > p:not(.callout-title)"), ["바로 앞 문단"]);
    // Nesting: the caution box is inside the info box, which goes on after it.
    assert_eq!(select(&page, ".callout-info > .callout-caution").len(), 1);
    assert_eq!(texts(&page, ".callout-info > p:not(.callout-title)"), ["바깥", "여전히 바깥"]);
    assert_eq!(texts(&page, "details.callout-details > summary.callout-title"), ["펼쳐 보기"]);
    assert_eq!(texts(&page, "details.callout-details > p"), ["숨은 내용"]);
    // Fences inside code are code; unknown and unclosed ones stay as written, with a warning.
    assert!(texts(&page, "pre.code").iter().any(|t| t.contains(":::note\n코드 안의 펜스\n:::")));
    let paragraphs = texts(&page, ".content > p");
    assert!(paragraphs.iter().any(|p| p.starts_with(":::unknown")), "{paragraphs:?}");
    assert!(paragraphs.iter().any(|p| p == ":::warning 닫히지 않음\n끝까지"), "{paragraphs:?}");
    let unclosed =
        format!("adm.md:{}: warning: `:::warning 닫히지 않음` has no closing `:::` line", line_of(note, "닫히지"));
    assert!(stderr.contains(&unclosed), "{stderr}");
    let broken = format!("adm.md:{}: warning", line_of(note, "missing.md"));
    assert!(stderr.contains(&broken), "line numbers hold after the rewrites: {stderr}");
    // Each box ends where its fence closes it, or with the list item it opened in.
    assert_eq!(select(&page, ".content > h2[id='안쪽-제목']").len(), 1);
    assert_eq!(texts(&page, ".content > ul > li > .callout-tip > p:not(.callout-title)"), ["항목 안의 팁"]);
    assert_eq!(texts(&page, ".content > ul > li > .callout-note > p:not(.callout-title)"), ["항목과 함께 닫힘"]);
    assert_eq!(select(&page, ".content > .callout-note + .callout-tip + .callout-warning + .callout-danger").len(), 1);
}

#[test]
fn mdx_imports_are_dropped_components_warned_and_required_images_resolved() {
    let tmp = tempfile::tempdir().unwrap();
    let (src, out) = (tmp.path().join("notes"), tmp.path().join("out"));
    write(&src, "docs/img/x.png", "png");
    write(&src, "img/y.png", "png");
    let note = "import Tabs from '@theme/Tabs';\n\
                import TabItem from '@theme/TabItem';\n\
                import {\n  Highlight,\n} from './highlight';\n\
                export const year = 2024;\n\
                \n\
                # MDX 노트\n\
                \n\
                <Tabs>\n  <TabItem value=\"java\" label=\"Java\">\n\n    ```java\n    int a = 1;\n    ```\n\n  </TabItem>\n\
                \x20 <TabItem value=\"py\" label=\"Python\">\n    - 리스트 **굵게**\n  </TabItem>\n</Tabs>\n\
                \n\
                <img src={require('./img/x.png').default} alt=\"그림\" />\n\
                <img src={useBaseUrl('/img/y.png')} />\n\
                \n\
                <Highlight color=\"#25c2a0\">강조</Highlight> 문장.\n\
                \n\
                ```jsx\n<img src={require('./img/x.png').default} />\n```\n\
                \n\
                [깨진 링크](missing.md)\n";
    write(&src, "docs/mdx.md", note);
    let stderr = build_ok(&src, &out, &[]);
    let page = read(&out.join("docs/mdx.html"));
    let html = std::fs::read_to_string(out.join("docs/mdx.html")).unwrap();
    assert!(!html.contains("import Tabs") && !html.contains("export const"), "imports are not text");
    assert_eq!(texts(&page, "h1.note-title"), ["MDX 노트"], "the heading after the imports titles the note");
    // The components' content is Markdown: a highlighted code block and a list.
    assert_eq!(select(&page, ".content > pre.code[data-lang=java]").len(), 1);
    assert_eq!(texts(&page, ".content > ul > li"), ["리스트 굵게"]);
    assert!(!html.contains("<Tabs") && !html.contains("<TabItem"));
    // Images given by require() or useBaseUrl() are linked like Markdown images.
    let srcs: Vec<&str> = select(&page, ".content img").iter().filter_map(|i| i.value().attr("src")).collect();
    assert_eq!(srcs, ["img/x.png", "../img/y.png"]);
    assert!(out.join("docs/img/x.png").is_file() && out.join("img/y.png").is_file());
    // … but not in code, which shows what the author wrote.
    assert!(texts(&page, "pre.code").iter().any(|t| t.contains("src={require('./img/x.png').default}")));
    let warnings = warnings_by_file(&stderr);
    let warnings = warnings.get("docs/mdx.md").cloned().unwrap_or_default();
    for expected in [
        format!("docs/mdx.md:{}: warning: JSX component `<Tabs>`", line_of(note, "<Tabs>")),
        format!("docs/mdx.md:{}: warning: JSX component `<TabItem>`", line_of(note, "<TabItem")),
        format!("docs/mdx.md:{}: warning: JSX component `<Highlight>`", line_of(note, "<Highlight")),
        format!("docs/mdx.md:{}: warning", line_of(note, "missing.md")),
    ] {
        assert!(warnings.iter().any(|w| w.starts_with(&expected)), "no {expected:?} in {warnings:#?}");
    }
    assert_eq!(warnings.len(), 4, "{warnings:#?}");

    // Statements before the components that use them, an opening tag over several lines, and
    // content written at the left margin between indented tags.
    let note = "# 예제\n\n설명 문단.\n\n## 사용 예\n\n\
                import Tabs from '@theme/Tabs'; import TabItem from '@theme/TabItem';\n\n\
                <Tabs\n    defaultValue=\"a\"\n    values={[\n        { label: 'A>', value: 'a' },\n    ]}\n>\n\n\
                \x20 <TabItem value=\"a\">\n\n## 탭 안의 제목\n\n```bash\necho 1\n```\n\n  </TabItem>\n</Tabs>\n";
    write(&src, "docs/mid.md", note);
    let stderr = build_ok(&src, &out, &[]);
    let page = read(&out.join("docs/mid.html"));
    assert_eq!(texts(&page, ".content > p"), ["설명 문단."], "statements and tags are not text");
    assert_eq!(select(&page, ".content > h2[id='탭-안의-제목']").len(), 1);
    assert_eq!(select(&page, ".content > pre.code[data-lang]").len(), 1);
    let line = format!("docs/mid.md:{}: warning: JSX component `<Tabs>`", line_of(note, "<Tabs"));
    assert!(stderr.contains(&line), "{stderr}");

    // A note that is not MDX keeps an `import` sentence and a capitalised tag as GitHub does.
    write(&src, "plain.md", "import 문법 정리\n\nexport 할 때 주의\n\n<Foo>\n");
    let stderr = build_ok(&src, &out, &[]);
    let page = read(&out.join("plain.html"));
    assert_eq!(texts(&page, ".content > p"), ["import 문법 정리", "export 할 때 주의"]);
    assert!(!stderr.contains("plain.md"), "{stderr}");
}

#[test]
fn callouts_in_a_real_browser_are_styled_and_readable_in_both_themes() {
    let tmp = tempfile::tempdir().unwrap();
    let (src, out) = (tmp.path().join("notes"), tmp.path().join("out"));
    let note = "# 콜아웃\n\n> [!NOTE]\n> 알림은 **GitHub** 문법입니다.\n\n> [!TIP]\n> `:::tip` 도 같은 모양입니다.\n\n\
                > [!IMPORTANT]\n> 중요한 내용\n\n> [!WARNING]\n> 경고 내용\n\n> [!CAUTION]\n> 주의 내용\n\n\
                :::info 직접 정한 제목\n- 목록도 됩니다\n:::\n\n:::danger\n위험 😱\n:::\n\n> 평범한 인용문\n";
    write(&src, "callouts.md", note);
    build_ok(&src, &out, &[]);
    let url = format!("file://{}", out.join("callouts.html").display());
    let mut browser = Browser::open(&url);
    browser.navigate(&url);
    // Every title's colour against its box's colour, as the browser paints them (a canvas
    // turns any CSS colour into sRGB bytes), and the box's left border colour.
    let measure = r#"(() => {
        const ctx = document.createElement('canvas').getContext('2d');
        const rgb = c => { ctx.clearRect(0, 0, 1, 1); ctx.fillStyle = '#000'; ctx.fillStyle = c; ctx.fillRect(0, 0, 1, 1);
                           return Array.from(ctx.getImageData(0, 0, 1, 1).data.slice(0, 3)); };
        const lum = c => { const [r, g, b] = c.map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
                           return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
        const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
        return [...document.querySelectorAll('.callout')].map(box => {
            const s = getComputedStyle(box), t = getComputedStyle(box.querySelector('.callout-title'));
            const bg = rgb(s.backgroundColor);
            return { kind: box.className, title: ratio(rgb(t.color), bg), text: ratio(rgb(s.color), bg),
                     border: rgb(s.borderLeftColor).join(','), width: s.borderLeftWidth,
                     icon: box.querySelector('.callout-icon').getBoundingClientRect().width };
        });
    })()"#;
    let mut borders_by_theme = Vec::new();
    for theme in ["light", "dark"] {
        browser.eval(&format!("document.documentElement.dataset.theme = '{theme}'"));
        let boxes = browser.eval(measure);
        let boxes = boxes.as_array().expect("callouts measured");
        assert_eq!(boxes.len(), 7, "{boxes:?}");
        for b in boxes {
            assert!(b["title"].as_f64().unwrap() >= 4.5, "{theme}: title contrast {b}");
            assert!(b["text"].as_f64().unwrap() >= 7.0, "{theme}: text contrast {b}");
            assert_eq!(b["width"], "4px", "{b}");
            assert_eq!(b["icon"], 16.0, "{b}");
        }
        let borders: Vec<String> = boxes.iter().map(|b| b["border"].as_str().unwrap().to_string()).collect();
        let distinct: std::collections::BTreeSet<&String> = borders[..5].iter().collect();
        assert_eq!(distinct.len(), 5, "each alert kind has its own colour: {borders:?}");
        borders_by_theme.push(borders);
        browser.call(
            "Emulation.setDeviceMetricsOverride",
            serde_json::json!({"width": 900, "height": 1400, "deviceScaleFactor": 1, "mobile": false}),
        );
        browser.screenshot(&artifact_path(&format!("callouts-{theme}.png")));
    }
    assert_ne!(borders_by_theme[0], borders_by_theme[1], "the dark theme has its own colours");
}
