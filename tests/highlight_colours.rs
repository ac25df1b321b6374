//! Highlighted code looks the same with one span per token run as it did with one nested span
//! per scope: in headless Chromium, every character of every code block of the shared corpus
//! and the seed note gets the same computed colour, background, weight and style, in light mode,
//! in dark mode forced by the page (`data-theme=dark`) and in dark mode from the system.
//! "Before" is the reference renderer kept for this (`highlight::nested_reference_html` with
//! `highlight::nested_theme_css`, each theme's rules in its own mode), so the test keeps
//! comparing after the old markup is gone. A stylesheet with the light theme's rules unscoped
//! (as they were, leaking into dark mode) must fail the comparison.

mod common;

use common::browser::Browser;
use gongbu::highlight::{nested_reference_html, nested_theme_css, theme_css, Highlighter};
use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};

/// (language label, code) of every fenced code block in the notes under `dir`.
fn code_blocks(dir: &std::path::Path) -> Vec<(Option<String>, String)> {
    let mut blocks = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "md") {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(entry.path()) else { continue };
        let mut current: Option<(Option<String>, String)> = None;
        for event in Parser::new(&text) {
            match event {
                Event::Start(Tag::CodeBlock(kind)) => {
                    let lang = match kind {
                        CodeBlockKind::Fenced(info) => info.split_whitespace().next().map(str::to_string),
                        CodeBlockKind::Indented => None,
                    };
                    current = Some((lang, String::new()));
                }
                Event::Text(t) => {
                    if let Some((_, code)) = current.as_mut() {
                        code.push_str(&t);
                    }
                }
                Event::End(TagEnd::CodeBlock) => blocks.extend(current.take()),
                _ => {}
            }
        }
    }
    blocks
}

/// A page of code blocks the way the theme shows them, with `css` as its highlight.css.
fn page(blocks: &[String], css: &str) -> String {
    let mut html = String::from("<!doctype html><html><head><meta charset=utf-8><style>");
    html.push_str(include_str!("../static/gongbu.css"));
    html.push_str("</style><style>");
    html.push_str(css);
    html.push_str("</style></head><body>");
    for block in blocks {
        html.push_str("<pre class=\"code\"><code>");
        html.push_str(block);
        html.push_str("</code></pre>\n");
    }
    html.push_str("</body></html>");
    html
}

/// Per block, the runs of characters with the same look: `[look, count]`. Whitespace is
/// compared by the background it shows only (its colour and weight are invisible).
const LOOKS: &str = r#"
(() => {
  const out = [];
  for (const code of document.querySelectorAll('pre code')) {
    const runs = [];
    const walker = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node.parentElement;
      const s = getComputedStyle(el);
      let bg = 'none';
      for (let e = el; e && e !== code.parentElement; e = e.parentElement) {
        const b = getComputedStyle(e).backgroundColor;
        if (b !== 'rgba(0, 0, 0, 0)' && b !== 'transparent') { bg = b; break; }
      }
      const ink = `${s.color} ${s.fontWeight} ${s.fontStyle} ${s.textDecorationLine} on ${bg}`;
      for (const ch of node.data) {
        const look = /\s/.test(ch) ? `space on ${bg}` : ink;
        const last = runs[runs.length - 1];
        if (last && last[0] === look) last[1]++; else runs.push([look, 1]);
      }
    }
    out.push(runs);
  }
  return JSON.stringify(out);
})()
"#;

fn looks(browser: &mut Browser, url: &str, mode: &str) -> Vec<serde_json::Value> {
    let (attr, scheme) = match mode {
        "light" => (Some("light"), "light"),
        "dark (page)" => (Some("dark"), "light"),
        _ => (None, "dark"),
    };
    browser.call(
        "Emulation.setEmulatedMedia",
        serde_json::json!({"features": [{"name": "prefers-color-scheme", "value": scheme}]}),
    );
    browser.navigate(url);
    let set = match attr {
        Some(a) => format!("document.documentElement.setAttribute('data-theme', '{a}')"),
        None => "document.documentElement.removeAttribute('data-theme')".to_string(),
    };
    browser.eval(&set);
    let json = browser.eval(LOOKS);
    serde_json::from_str(json.as_str().expect("the looks as JSON")).unwrap()
}

#[test]
fn every_character_keeps_its_colours_in_every_mode() {
    let shared = common::shared_dir();
    let mut blocks = code_blocks(&shared.join("corpora/tech-interview-for-developer"));
    blocks.extend(code_blocks(&shared.join("seed")));
    let h = Highlighter::global();
    let (mut before, mut after, mut labels) = (Vec::new(), Vec::new(), Vec::new());
    let mut spans = (0, 0);
    for (lang, code) in &blocks {
        let new = h.highlight(lang.as_deref(), code);
        let Some(language) = new.language.clone().filter(|_| new.html.contains("<span")) else { continue };
        let old = nested_reference_html(lang.as_deref(), code);
        assert_eq!(old.language.as_deref(), Some(language.as_str()));
        spans.0 += old.html.matches("<span").count();
        spans.1 += new.html.matches("<span").count();
        before.push(old.html);
        after.push(new.html);
        labels.push(format!("{language}: {}", code.lines().next().unwrap_or("")));
    }
    assert!(before.len() > 300, "the corpus's highlighted blocks: {}", before.len());
    assert!(spans.1 * 2 < spans.0, "one span per token run: {} spans before, {} after", spans.0, spans.1);

    let dir = tempfile::tempdir().unwrap();
    let before_page = dir.path().join("before.html");
    let after_page = dir.path().join("after.html");
    let leaky_page = dir.path().join("leaky.html");
    std::fs::write(&before_page, page(&before, &nested_theme_css())).unwrap();
    std::fs::write(&after_page, page(&after, &theme_css())).unwrap();
    let leaky_css = theme_css().replace("[data-theme=light] pre", "pre");
    assert_ne!(leaky_css, theme_css());
    std::fs::write(&leaky_page, page(&after, &leaky_css)).unwrap();
    let mut browser = Browser::open(&format!("file://{}", before_page.display()));
    for mode in ["light", "dark (page)", "dark (system)"] {
        let old = looks(&mut browser, &format!("file://{}", before_page.display()), mode);
        let new = looks(&mut browser, &format!("file://{}", after_page.display()), mode);
        assert_eq!(old.len(), labels.len(), "{mode}: blocks on the page");
        assert_eq!(new.len(), labels.len(), "{mode}: blocks on the page");
        let differing: Vec<String> = labels
            .iter()
            .zip(old.iter().zip(&new))
            .filter(|(_, (o, n))| o != n)
            .map(|(label, (o, n))| format!("{label}\n  before: {o}\n  after:  {n}"))
            .take(5)
            .collect();
        assert!(differing.is_empty(), "{mode}: blocks whose characters look different:\n{}", differing.join("\n"));
        // The comparison sees colours: the dark and light looks are not all one colour.
        assert!(old.iter().flat_map(|b| b.as_array().into_iter().flatten()).count() > labels.len());
        if mode != "light" {
            let leaky = looks(&mut browser, &format!("file://{}", leaky_page.display()), mode);
            let leaked = old.iter().zip(&leaky).filter(|(o, l)| o != l).count();
            assert!(leaked > 0, "{mode}: light rules that apply in dark mode went unnoticed");
        }
    }
}
