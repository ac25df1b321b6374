//! Issue #10, items 5 and 6, with the real binary: math written in notes becomes MathML at
//! build time (no script), dollars that GitHub leaves alone stay text, an unreadable formula is
//! a warning at its `file:line` and shown as written; bare URLs and e-mail addresses become
//! links by GFM's extended autolink rules. The page with math is also looked at in Chromium.

mod common;

use common::browser::*;
use common::*;
use std::fs;
use std::path::Path;

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

const MATH_NOTE: &str = r#"# 수식 노트

이차방정식 $ax^2 + bx + c = 0$의 근은 $`x = \frac{-b \pm \sqrt{b^2-4ac}}{2a}`$ 이다.

정렬은 평균 $O(n \log n)$, 최악 $O(n^2)$.

$$\sum_{k=1}^{n} k = \frac{n(n+1)}{2}$$

```math
\begin{pmatrix} a & b \\ c & d \end{pmatrix}
\begin{pmatrix} x \\ y \end{pmatrix}
=
\begin{pmatrix} ax + by \\ cx + dy \end{pmatrix}
+ \int_0^\infty e^{-x^2} dx + \sum_{i=1}^{100} \frac{1}{i^2} + \prod_{j=1}^{50} \left(1 + \frac{1}{j}\right) + \lim_{n \to \infty} \left(1+\frac{1}{n}\right)^n
```

잘못된 수식 $\undefinedmacro{x}$ 은 쓴 그대로 보인다.

```math
\frac{1}{
```
"#;

#[test]
fn math_becomes_mathml_without_javascript() {
    let tmp = tempfile::tempdir().unwrap();
    let (src, out) = (tmp.path().join("notes"), tmp.path().join("out"));
    write(&src, "수식.md", MATH_NOTE);
    let stderr = build_ok(&src, &out, &[]);
    let doc = read(&out.join("수식.html"));

    let inline = select(&doc, ".content p > math:not([display=block])");
    assert_eq!(inline.len(), 4, "$…$ and $`…`$ are inline MathML");
    let annotation = select(&doc, "annotation[encoding='application/x-tex']");
    let sources: Vec<String> = annotation.iter().map(|a| a.text().collect()).collect();
    assert!(sources.contains(&r"x = \frac{-b \pm \sqrt{b^2-4ac}}{2a}".to_string()), "backticks dropped: {sources:?}");
    assert!(!select(&doc, "mfrac").is_empty());

    let display = select(&doc, ".math-display > math[display=block]");
    assert_eq!(display.len(), 2, "$$…$$ and ```math are display math");
    assert_eq!(select(&doc, "p > span.math-display").len(), 1, "$$ inside a paragraph stays phrasing content");
    assert_eq!(select(&doc, "div.math-display").len(), 1, "a ```math block is a block");
    assert!(select(&doc, "pre.code").is_empty(), "a math block does not go through the highlighter");
    let scripts: Vec<&str> = select(&doc, "script[src]").iter().filter_map(|s| s.value().attr("src")).collect();
    // The theme's scripts only (under content-hashed names in a build): none renders the math.
    let theme = ["gongbu", "search", "study", "reader", "theme"];
    let theme_script = |s: &str| {
        s == "nav.js"
            || s.strip_prefix("static/").is_some_and(|rest| {
                theme.iter().any(|t| rest.strip_prefix(t).is_some_and(|r| r.starts_with('.') && r.ends_with(".js")))
            })
    };
    assert!(scripts.iter().all(|s| theme_script(s)), "no script renders the math: {scripts:?}");

    // An unreadable formula: a warning at its line, its source shown as code, the build succeeds.
    let warnings = warnings_by_file(&stderr);
    let ours = warnings.get("수식.md").cloned().unwrap_or_default();
    assert_eq!(ours.len(), 2, "{stderr}");
    assert!(ours[0].starts_with("수식.md:17: warning: math: "), "{ours:?}");
    assert!(ours[1].starts_with("수식.md:20: warning: math: "), "the first line of the formula: {ours:?}");
    let errors = select(&doc, ".math-error");
    assert_eq!(errors.len(), 2);
    assert_eq!(errors[0].text().collect::<String>(), r"$\undefinedmacro{x}$");
    assert_eq!(errors[1].text().collect::<String>(), "\\frac{1}{\n");
    assert!(fs::read(out.join("static/math.css")).is_ok_and(|css| !css.is_empty()));
}

#[test]
fn dollars_github_does_not_read_as_math_stay_text() {
    let tmp = tempfile::tempdir().unwrap();
    let (src, out) = (tmp.path().join("notes"), tmp.path().join("out"));
    let lines = [
        "Set $HOME and $PATH first.",
        "It costs $5 and $10 a month.",
        "export PATH=$HOME/bin:$PATH 를 실행한다.",
        "가격은 $5, 세금 포함 $10이다.",
        "변수 ${A}:${B} 를 이어 붙인다.",
        "단어에 붙은 a$x$ 와 $x$1 은 수식이 아니다.",
        "$ npm install 처럼 $ 뒤에 공백이 오면 수식이 아니다 $",
        "`echo $HOME` 은 코드다.",
    ];
    write(&src, "dollar.md", &lines.join("\n\n"));
    build_ok(&src, &out, &[]);
    let doc = read(&out.join("dollar.html"));
    assert!(select(&doc, "math").is_empty(), "{}", doc.html());
    let paragraphs: Vec<String> = select(&doc, ".content p").iter().map(|p| p.text().collect()).collect();
    let shown: Vec<String> = lines.iter().map(|l| l.replace('`', "")).collect();
    assert_eq!(paragraphs, shown);
}

const LINKS_NOTE: &str = "# 링크\n\n\
CORS 정리는 https://x.tistory.com/entry/WEB-📚-CORS-정리-💯-해결-방법 에 있다.\n\n\
[https://a.example.com/docs] 를 보라.\n\n\
문의는 dev.kim@example.co.kr 으로, 또는 mailto:help@example.org 로.\n\n\
> @https://velog.io/@nittre/%EB%B8%94%EB%A1%9C%ED%82%B9\n\n\
www.commonmark.org/help 와 (https://en.wikipedia.org/wiki/Heap_(data_structure)).\n\n\
https://a.example.com/x<y 와 www.example.a_b.com 과 hello@mail+xyz.example.\n";

#[test]
fn bare_urls_and_addresses_follow_gfm() {
    let tmp = tempfile::tempdir().unwrap();
    let (src, out) = (tmp.path().join("notes"), tmp.path().join("out"));
    write(&src, "links.md", LINKS_NOTE);
    build_ok(&src, &out, &[]);
    let doc = read(&out.join("links.html"));
    let links: Vec<(String, String)> = select(&doc, ".content a")
        .iter()
        .filter(|a| a.value().attr("class") != Some("anchor"))
        .map(|a| (a.value().attr("href").unwrap_or_default().to_string(), a.text().collect()))
        .collect();
    let expected = [
        (
            "https://x.tistory.com/entry/WEB-📚-CORS-정리-💯-해결-방법",
            "x.tistory.com/entry/WEB-📚-CORS-정리-💯-해결-방법",
        ),
        ("https://a.example.com/docs", "a.example.com/docs"),
        ("mailto:dev.kim@example.co.kr", "dev.kim@example.co.kr"),
        ("mailto:help@example.org", "mailto:help@example.org"),
        // Letters as letters in the href (a browser encodes them again when it follows it).
        ("https://velog.io/@nittre/블로킹", "velog.io/@nittre/블로킹"),
        ("https://www.commonmark.org/help", "www.commonmark.org/help"),
        ("https://en.wikipedia.org/wiki/Heap_(data_structure)", "en.wikipedia.org/wiki/Heap_(data_structure)"),
        ("https://a.example.com/x", "a.example.com/x"),
    ];
    let expected: Vec<(String, String)> = expected.iter().map(|(h, t)| (h.to_string(), t.to_string())).collect();
    assert_eq!(links, expected);
    let text: String = select(&doc, ".content").iter().map(|c| c.text().collect::<String>()).collect();
    assert!(text.contains("[a.example.com/docs] 를"), "the brackets stay as text: {text}");
    assert!(text.contains("a.example.com/x<y"), "{text}");
    assert!(select(&doc, "a.ref").len() == 1, "the @ reference line keeps its style");
    // Addresses are links, not references to read.
    let references: Vec<String> =
        select(&doc, ".references a").iter().map(|a| a.value().attr("href").unwrap_or_default().to_string()).collect();
    assert!(references.iter().all(|r| !r.starts_with("mailto:")), "{references:?}");
}

#[test]
fn math_page_in_chromium_light_and_dark() {
    let tmp = tempfile::tempdir().unwrap();
    let (src, out) = (tmp.path().join("notes"), tmp.path().join("out"));
    write(&src, "math.md", MATH_NOTE);
    build_ok(&src, &out, &[]);
    let page = format!("file://{}", out.join("math.html").display());
    let mut browser = Browser::open(&page);
    browser.navigate(&page);
    browser.wait_for("document.querySelectorAll('math').length === 6", 20, "the formulas");
    // MathML is laid out as math: a fraction is taller than a line of text, the display formula
    // is centred in its column, and the wide one scrolls inside its box instead of widening the page.
    let layout = browser.eval(
        r#"(() => { try {
            const frac = document.querySelector('mfrac').getBoundingClientRect();
            const line = parseFloat(getComputedStyle(document.querySelector('.content p')).fontSize);
            const [para, block] = document.querySelectorAll('.math-display');
            const m = para.querySelector('math').getBoundingClientRect(), box = para.getBoundingClientRect();
            return {
                tall: frac.height > line * 1.3,
                centred: Math.abs((m.left - box.left) - (box.right - m.right)) < 4,
                scrolls: block.scrollWidth > block.clientWidth && getComputedStyle(block).overflowX === 'auto',
                pageFits: document.documentElement.scrollWidth <= window.innerWidth,
            };
        } catch (e) { return String(e); } })()"#,
    );
    for key in ["tall", "centred", "scrolls", "pageFits"] {
        assert_eq!(layout[key], serde_json::Value::Bool(true), "{key}: {layout}");
    }
    browser.screenshot(&artifact_path("math-light.png"));
    browser.eval("document.documentElement.dataset.theme = 'dark'");
    let contrast = browser.eval(
        r#"(() => {
            const math = getComputedStyle(document.querySelector('math')).color;
            const bg = getComputedStyle(document.body).backgroundColor;
            const lum = c => c.match(/\d+/g).slice(0, 3).reduce((a, b) => a + Number(b), 0);
            return lum(math) - lum(bg);
        })()"#,
    );
    assert!(contrast.as_f64().is_some_and(|d| d > 300.0), "light formulas on the dark background: {contrast}");
    browser.screenshot(&artifact_path("math-dark.png"));
}
