//! Code highlighting: owns the syntax set, the code-fence label alias table, the guess for
//! unlabeled blocks (in `guess`), classed HTML output and the matching light/dark theme CSS.
//! syntect supplies the grammars; `parse` runs them (syntect's rules, at a fraction of its
//! cost), skipping regex searches that `required` shows cannot match.

mod contrast;
mod guess;
mod parse;
mod required;
mod style;

pub use guess::{explain, guess_language, guess_language_in, note_language};

use std::sync::OnceLock;

use crate::text::push_escaped_html;
use std::cell::RefCell;
use std::collections::HashMap;
use syntect::html::{css_for_theme_with_class_style, ClassStyle};
use syntect::parsing::{BasicScopeStackOp, ParseState, Scope, ScopeStack, ScopeStackOp, SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

/// Every class starts with this, so theme rules cannot leak onto the page.
pub(crate) const CLASS_PREFIX: &str = "hl-";
const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: CLASS_PREFIX };

/// Canonical language name → syntax name in two-face's set. The canonical name is what readers
/// see and what goes into `language-{name}`.
const SYNTAXES: &[(&str, &str)] = &[
    ("python", "Python"),
    ("javascript", "JavaScript"),
    // The Babel grammar understands JSX tags inside JavaScript.
    ("jsx", "JavaScript (Babel)"),
    ("typescript", "TypeScript"),
    ("tsx", "TypeScriptReact"),
    ("vue", "Vue Component"),
    ("bash", "Bourne Again Shell (bash)"),
    ("c", "C"),
    ("cpp", "C++"),
    ("csharp", "C#"),
    ("java", "Java"),
    ("kotlin", "Kotlin"),
    ("swift", "Swift"),
    ("go", "Go"),
    ("rust", "Rust"),
    ("ruby", "Ruby"),
    ("php", "PHP Source"),
    ("sql", "SQL"),
    ("yaml", "YAML"),
    ("json", "JSON"),
    ("toml", "TOML"),
    ("xml", "XML"),
    ("html", "HTML"),
    ("jsp", "Java Server Page (JSP)"),
    ("css", "CSS"),
    ("scss", "SCSS"),
    ("markdown", "Markdown"),
    ("dockerfile", "Dockerfile"),
    ("makefile", "Makefile"),
    ("diff", "Diff"),
    ("ini", "INI"),
    ("properties", "Java Properties"),
    ("gradle", "Groovy"),
    ("groovy", "Groovy"),
    ("scala", "Scala"),
    ("r", "R"),
    ("lua", "Lua"),
    ("perl", "Perl"),
    ("dart", "Dart"),
];

/// Map an author's fence label (already lower-cased) to a canonical language name.
pub fn canonical_language(label: &str) -> Option<&'static str> {
    Some(match label {
        "py" | "python" | "python3" | "py3" => "python",
        "js" | "javascript" | "mjs" | "cjs" | "node" => "javascript",
        "jsx" => "jsx",
        "ts" | "typescript" => "typescript",
        "tsx" => "tsx",
        "vue" => "vue",
        "sh" | "bash" | "shell" | "zsh" | "console" | "shell-session" | "shellsession" | "terminal" => "bash",
        "c" | "h" => "c",
        "c++" | "cpp" | "cc" | "cxx" | "hpp" => "cpp",
        "cs" | "csharp" | "c#" => "csharp",
        "java" => "java",
        "kotlin" | "kt" | "kts" => "kotlin",
        "swift" => "swift",
        "go" | "golang" => "go",
        "rs" | "rust" => "rust",
        "rb" | "ruby" => "ruby",
        "php" => "php",
        "sql" | "plsql" | "mysql" | "postgresql" | "postgres" | "psql" | "sqlite" | "oracle" => "sql",
        "yml" | "yaml" => "yaml",
        "json" | "jsonc" | "json5" => "json",
        "toml" => "toml",
        "xml" | "svg" => "xml",
        "html" | "htm" | "xhtml" => "html",
        "jsp" => "jsp",
        "css" => "css",
        "scss" => "scss",
        "md" | "markdown" => "markdown",
        "dockerfile" | "docker" => "dockerfile",
        "makefile" | "make" | "mk" => "makefile",
        "diff" | "patch" => "diff",
        "ini" | "cfg" | "conf" => "ini",
        "properties" => "properties",
        "gradle" => "gradle",
        "groovy" => "groovy",
        "scala" => "scala",
        "r" => "r",
        "lua" => "lua",
        "perl" | "pl" => "perl",
        "dart" => "dart",
        _ => return None,
    })
}

/// Labels that mean "this is not code": no highlighting, no guessing, no language badge.
pub fn is_plain_label(label: &str) -> bool {
    matches!(label, "text" | "txt" | "plain" | "plaintext" | "none" | "nohighlight" | "raw")
}

/// Syntaxes + alias table, loaded once. Send + Sync; shared across rayon threads.
pub struct Highlighter {
    /// Lives as long as the process: the parser's per-thread tables point into it.
    syntaxes: &'static SyntaxSet,
    /// Canonical name → index into `syntaxes.syntaxes()`, resolved once at load.
    by_lang: Vec<(&'static str, usize)>,
    /// Shebang lines already resolved by `language_of_first_line`: the answer depends on the
    /// line alone, and trying every syntax's first-line regex costs ~90 K instructions a line
    /// (1k build: 96 lines, one distinct, 8.5 M).
    first_lines: std::sync::Mutex<Vec<(String, Option<&'static str>)>>,
}

/// Result of highlighting one code block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Highlighted {
    /// Canonical lower-case language name shown to readers and used in the class
    /// `language-{name}`, None when plain.
    pub language: Option<String>,
    /// true when the language was guessed from an unlabeled block.
    pub guessed: bool,
    /// Inner HTML for `<code>`: classed spans, or the escaped code when plain.
    pub html: String,
}

impl Highlighter {
    /// Process-wide instance, loaded lazily on first use.
    pub fn global() -> &'static Highlighter {
        static GLOBAL: OnceLock<Highlighter> = OnceLock::new();
        GLOBAL.get_or_init(Highlighter::load)
    }

    /// Deserialise two-face's bundled syntax dump (regexes compile lazily, on first use).
    fn load() -> Highlighter {
        // SAFETY: sets one of Oniguruma's plain global settings (read when a search starts),
        // before any regex of ours is searched; the call takes and returns integers only.
        unsafe {
            onig_sys::onig_set_retry_limit_in_search(RETRY_LIMIT_IN_SEARCH);
        }
        let syntaxes: &'static SyntaxSet = Box::leak(Box::new(two_face::syntax::extra_newlines()));
        let all = syntaxes.syntaxes();
        let by_lang = SYNTAXES
            .iter()
            .filter_map(|&(lang, name)| all.iter().position(|s| s.name == name).map(|i| (lang, i)))
            .collect();
        Highlighter { syntaxes, by_lang, first_lines: std::sync::Mutex::default() }
    }

    fn syntax_for(&self, lang: &str) -> Option<&SyntaxReference> {
        let &(_, i) = self.by_lang.iter().find(|(l, _)| *l == lang)?;
        self.syntaxes.syntaxes().get(i)
    }

    /// Canonical name of a shebang line's interpreter (`#!/usr/bin/env python3` → python).
    pub(crate) fn language_of_first_line(&self, line: &str) -> Option<&'static str> {
        // A poisoned lock only means another thread panicked mid-push: the list is still sound.
        let known =
            |seen: &Vec<(String, Option<&'static str>)>| seen.iter().find(|(l, _)| l == line).map(|&(_, lang)| lang);
        if let Some(lang) = known(&self.first_lines.lock().unwrap_or_else(|e| e.into_inner())) {
            return lang;
        }
        let lang = self.resolve_first_line(line);
        let mut seen = self.first_lines.lock().unwrap_or_else(|e| e.into_inner());
        // Bounded: a site with many distinct shebangs resolves the rest each time.
        if seen.len() < 64 && known(&seen).is_none() {
            seen.push((line.to_string(), lang));
        }
        lang
    }

    fn resolve_first_line(&self, line: &str) -> Option<&'static str> {
        let syntax = self.syntaxes.find_syntax_by_first_line(line)?;
        let all = self.syntaxes.syntaxes();
        self.by_lang.iter().find(|&&(_, i)| all.get(i).is_some_and(|s| s.name == syntax.name)).map(|&(lang, _)| lang)
    }

    /// `lang` is the info string's first word as written by the author (may be "", "JAVA",
    /// "c++", "mermaid", ...). Never panics and never drops code: anything unknown is escaped.
    pub fn highlight(&self, lang: Option<&str>, code: &str) -> Highlighted {
        self.highlight_in(lang, code, None)
    }

    /// `highlight` for a block of a note whose code is in `note_language` (see
    /// `guess::note_language`): it helps the guess of an unlabeled block.
    pub fn highlight_in(&self, lang: Option<&str>, code: &str, note_language: Option<&str>) -> Highlighted {
        let label = lang.map(str::trim).filter(|l| !l.is_empty());
        let Some(label) = label else {
            return match guess_language_in(code, note_language) {
                Some(lang) => self.render(lang.to_string(), true, code),
                None => plain(None, code),
            };
        };
        let lower = label.to_lowercase();
        if is_plain_label(&lower) {
            return plain(None, code);
        }
        if let Some(lang) = canonical_language(&lower) {
            return self.render(lang.to_string(), false, code);
        }
        // Not in the alias table, but two-face may still know it by extension or name
        // (`hs`, `elixir`, `zig`...): highlight and keep the author's word.
        match self.syntaxes.find_syntax_by_token(label) {
            Some(syntax) if syntax.name != "Plain Text" => {
                let html = classed(self.syntaxes, syntax, code);
                Highlighted { language: Some(lower), guessed: false, html }
            }
            _ => plain(Some(lower), code),
        }
    }

    fn render(&self, lang: String, guessed: bool, code: &str) -> Highlighted {
        let syntax = if lang == "php" && code.contains("<?") {
            self.syntaxes.find_syntax_by_name("PHP")
        } else {
            self.syntax_for(&lang)
        };
        match syntax {
            Some(syntax) => Highlighted { html: classed(self.syntaxes, syntax, code), language: Some(lang), guessed },
            None => plain(Some(lang), code),
        }
    }
}

/// Classed HTML for `code`: one span per run of text whose colours depend on the same theme
/// rules (`style` picks the classes and checks them against the nested cascade), adjacent runs
/// with the same classes merged, whitespace between runs bare unless it shows a background.
/// Falls back to escaped text if the grammar errors out mid-way, because half-highlighted
/// output would lose the rest of the code.
fn classed(set: &'static SyntaxSet, syntax: &SyntaxReference, code: &str) -> String {
    style::STYLER.with(|styler| {
        let mut styler = styler.borrow_mut();
        let styler = styler.get_or_insert_with(|| style::Styler::new(themes(), classes()));
        classed_with(styler, set, syntax, code).unwrap_or_else(|| escaped(code))
    })
}

/// The span writer of `classed`: None when the grammar broke off.
fn classed_with(
    styler: &mut style::Styler,
    set: &'static SyntaxSet,
    syntax: &SyntaxReference,
    code: &str,
) -> Option<String> {
    let mut parser = Parser::new(set, syntax);
    let mut stack = ScopeStack::new();
    let mut out = Spans { html: String::with_capacity(code.len() * 2), open: None, pending: String::new() };
    let mut ops = Vec::new();
    for line in LinesWithEndings::from(code) {
        ops.clear();
        parser.parse_line(line, &mut ops).ok()?;
        let mut at = 0;
        for (i, op) in &ops {
            if *i > at {
                out.text(&line[at..*i], styler.class_for(stack.as_slice()));
                at = *i;
            }
            stack.apply(op).ok()?;
        }
        if at < line.len() {
            out.text(&line[at..], styler.class_for(stack.as_slice()));
        }
    }
    out.close();
    Some(out.html)
}

/// The output of `classed_with` as it is written: the span open now, and whitespace waiting to
/// learn whether the next text continues that span.
struct Spans {
    html: String,
    /// The opening tag written last.
    open: Option<std::sync::Arc<str>>,
    pending: String,
}

impl Spans {
    fn text(&mut self, text: &str, class: &style::SpanClass) {
        if class.bare_whitespace && text.bytes().all(|b| b.is_ascii_whitespace()) {
            self.pending.push_str(text);
            return;
        }
        if class.open != self.open {
            self.close();
            if let Some(open) = &class.open {
                self.html.push_str(open);
                self.open = Some(open.clone());
            }
        }
        if !self.pending.is_empty() {
            push_escaped_html(&mut self.html, &self.pending);
            self.pending.clear();
        }
        push_escaped_html(&mut self.html, text);
    }

    /// Close the open span (if any) and write the waiting whitespace after it.
    fn close(&mut self) {
        if self.open.take().is_some() {
            self.html.push_str("</span>");
        }
        push_escaped_html(&mut self.html, &self.pending);
        self.pending.clear();
    }
}

/// The themes' rules, parsed once from syntect's CSS for them.
fn themes() -> &'static style::Themes {
    static THEMES: OnceLock<style::Themes> = OnceLock::new();
    THEMES.get_or_init(|| {
        let (light, dark) = syntect_theme_css();
        style::Themes {
            light: style::parse_rules(&strip_css_comments(&light)),
            dark: style::parse_rules(&strip_css_comments(&dark)),
        }
    })
}

/// The themes' look classes (see `style`), fixed by the themes alone.
fn classes() -> &'static style::Classes {
    static CLASSES: OnceLock<style::Classes> = OnceLock::new();
    CLASSES.get_or_init(|| style::Classes::new(themes()))
}

/// Reference for tests: the nested `<span>` per scope markup gongbu wrote before one span per
/// token run (syntect's `ClassedHTMLGenerator` markup), read with `nested_theme_css`. The
/// colour test compares, in a browser, every character of both renderings.
#[doc(hidden)]
pub fn nested_reference_html(lang: Option<&str>, code: &str) -> Highlighted {
    let h = Highlighter::global();
    let mut out = h.highlight(lang, code);
    if let Some(language) = &out.language {
        let syntax = if language == "php" && code.contains("<?") {
            h.syntaxes.find_syntax_by_name("PHP")
        } else {
            h.syntax_for(language).or_else(|| h.syntaxes.find_syntax_by_token(language))
        };
        if let Some(syntax) = syntax.filter(|_| out.html.contains("<span")) {
            out.html = classed_nested(h.syntaxes, syntax, code);
        }
    }
    out
}

/// Classed HTML for `code`: the same nested `<span class="hl-…">` markup as syntect's
/// `ClassedHTMLGenerator`, but class names come from a per-thread cache instead of syntect's
/// global scope repository, whose lock every span would otherwise take (and contend for when
/// pages are rendered in parallel). Falls back to escaped text if the grammar errors out
/// mid-way, because half-highlighted output would lose the rest of the code.
fn classed_nested(set: &'static SyntaxSet, syntax: &SyntaxReference, code: &str) -> String {
    let mut parser = Parser::new(set, syntax);
    let mut stack = ScopeStack::new();
    let mut html = String::with_capacity(code.len() * 4);
    let mut open_spans = 0usize;
    let mut ops = Vec::new();
    for line in LinesWithEndings::from(code) {
        ops.clear();
        if parser.parse_line(line, &mut ops).is_err() {
            return escaped(code);
        }
        let mut at = 0;
        // An empty span (pushed and popped with no text between) is dropped, as syntect does.
        let mut empty_span: Option<usize> = None;
        for (i, op) in &ops {
            if *i > at {
                empty_span = None;
                push_escaped_html(&mut html, &line[at..*i]);
                at = *i;
            }
            let applied = stack.apply_with_hook(op, |basic, _| match basic {
                BasicScopeStackOp::Push(scope) => {
                    empty_span = Some(html.len());
                    html.push_str("<span class=\"");
                    CLASS_CACHE.with(|cache| {
                        html.push_str(cache.borrow_mut().entry(scope).or_insert_with(|| class_of(scope)))
                    });
                    html.push_str("\">");
                    open_spans += 1;
                }
                BasicScopeStackOp::Pop => {
                    match empty_span.take() {
                        Some(start) => html.truncate(start),
                        None => html.push_str("</span>"),
                    }
                    open_spans = open_spans.saturating_sub(1);
                }
            });
            if applied.is_err() {
                return escaped(code);
            }
        }
        push_escaped_html(&mut html, &line[at..]);
    }
    for _ in 0..open_spans {
        html.push_str("</span>");
    }
    html
}

/// Runs `f` with the parser's line memo off on this thread, for tests that compare the
/// output with and without it.
#[doc(hidden)]
pub fn without_line_memo<R>(f: impl FnOnce() -> R) -> R {
    parse::memo::without(f)
}

/// Let go of what highlighting keeps on this thread (its line memo and the parser's tables) and
/// of the line memo the threads share, as a build does on each thread once every page is
/// highlighted; the next highlighting makes them again.
pub fn release_thread_memory() {
    parse::release_thread_tables();
    parse::release_shared_memo();
}

/// Our parser, or syntect's where ours cannot start (it finds syntect's start context through
/// syntect's `Debug` output; see `parse`).
enum Parser {
    Fast(parse::LineParser),
    Syntect(ParseState, &'static SyntaxSet),
}

impl Parser {
    fn new(set: &'static SyntaxSet, syntax: &SyntaxReference) -> Parser {
        match parse::LineParser::new(set, syntax) {
            Some(fast) => Parser::Fast(fast),
            None => Parser::Syntect(ParseState::new(syntax), set),
        }
    }

    fn parse_line(&mut self, line: &str, ops: &mut Vec<(usize, ScopeStackOp)>) -> Result<(), parse::Broken> {
        match self {
            Parser::Fast(p) => p.parse_line(line, ops),
            Parser::Syntect(state, set) => {
                ops.extend(state.parse_line(line, set).map_err(|_| parse::Broken)?);
                Ok(())
            }
        }
    }
}

thread_local! {
    static CLASS_CACHE: RefCell<HashMap<Scope, String>> = RefCell::new(HashMap::new());
}

/// `source.python` → `hl-source hl-python`.
fn class_of(scope: Scope) -> String {
    let name = scope.build_string();
    let mut class = String::with_capacity(name.len() + 8);
    for (i, atom) in name.split('.').enumerate() {
        if i > 0 {
            class.push(' ');
        }
        class.push_str(CLASS_PREFIX);
        class.push_str(atom);
    }
    class
}

fn plain(language: Option<String>, code: &str) -> Highlighted {
    Highlighted { language, guessed: false, html: escaped(code) }
}

/// Backtracking steps one regex search may take. Some grammar patterns retry a lookahead to the
/// end of the line at every position: quadratic in a long line (a 30 KB bash line took
/// seconds). Past the limit Oniguruma gives up and syntect counts the search as no match; the
/// parser's per-line budget (`parse::BUDGET_BASE`) bounds how many searches a line makes.
/// Ordinary code never comes near (the corpus tests compare with syntect's own parser).
const RETRY_LIMIT_IN_SEARCH: std::os::raw::c_ulong = 100_000;

/// The code of a block shown as it is (plain, or a grammar that broke off): escaped text.
fn escaped(code: &str) -> String {
    let mut html = String::with_capacity(code.len() + code.len() / 16);
    push_escaped_html(&mut html, code);
    html
}

/// Light theme (InspiredGitHub) by default; dark theme (OneHalfDark) when the OS prefers dark
/// and the page has not forced light, or when the page forces `data-theme=dark`.
pub fn theme_css() -> String {
    static CSS: OnceLock<String> = OnceLock::new();
    CSS.get_or_init(build_theme_css).clone()
}

/// syntect's CSS for the light and the dark theme (nested-span selectors), colours made readable.
fn syntect_theme_css() -> (String, String) {
    use two_face::theme::EmbeddedThemeName;
    let themes = two_face::theme::extra();
    let light =
        css_for_theme_with_class_style(themes.get(EmbeddedThemeName::InspiredGithub), CLASS_STYLE).unwrap_or_default();
    let dark =
        css_for_theme_with_class_style(themes.get(EmbeddedThemeName::OneHalfDark), CLASS_STYLE).unwrap_or_default();
    // Colours below WCAG AA on the code block's background are darkened (light) or lightened
    // (dark) just enough; see `contrast`.
    let readable = |css: String, dark: bool| match contrast::code_background(dark) {
        Some(bg) => contrast::readable_css(&css, bg),
        None => css,
    };
    (readable(light, false), readable(dark, true))
}

/// Where each theme applies: light when the page forces it, or the system is light and the
/// page does not force dark; dark when the page forces it, or the system is dark and the page
/// does not force light (as `gongbu.css` switches the page's own colours).
const LIGHT_SCOPES: [&str; 2] = ["[data-theme=light]", ":root:not([data-theme=dark])"];
const DARK_SCOPES: [&str; 2] = ["[data-theme=dark]", ":root:not([data-theme=light])"];

fn build_theme_css() -> String {
    let mut css = String::with_capacity(8 * 1024);
    css.push_str("/* Code highlighting: light theme InspiredGitHub, dark theme OneHalfDark. Each class names */\n");
    css.push_str("/* a look in each theme; l-* and d-* one declaration of one (see README, Highlighting). */\n");
    css.push_str(&style::classes_css(classes(), LIGHT_SCOPES, DARK_SCOPES));
    css
}

/// Reference for tests: the theme CSS for nested spans (`nested_reference_html`), each theme's
/// rules in its own mode only.
#[doc(hidden)]
pub fn nested_theme_css() -> String {
    let (light, dark) = syntect_theme_css();
    let mut css = String::with_capacity(light.len() * 4);
    css.push_str("/* Code highlighting: light theme InspiredGitHub, dark theme OneHalfDark. */\n");
    css.push_str(&scoped_rules(&light, &[LIGHT_SCOPES[0]]));
    css.push_str("@media (prefers-color-scheme: light) {\n");
    css.push_str(&scoped_rules(&light, &[LIGHT_SCOPES[1]]));
    css.push_str("}\n@media (prefers-color-scheme: dark) {\n");
    css.push_str(&scoped_rules(&dark, &[DARK_SCOPES[1]]));
    css.push_str("}\n");
    css.push_str(&scoped_rules(&dark, &[DARK_SCOPES[0]]));
    css
}

/// Re-emit syntect's rules with every selector prefixed by each of `scopes` (descendant
/// combinator), dropping its comments. An empty `scopes` keeps selectors as they are.
fn scoped_rules(css: &str, scopes: &[&str]) -> String {
    let mut out = String::with_capacity(css.len() * 2);
    let without_comments = strip_css_comments(css);
    for rule in without_comments.split('}') {
        let Some((selectors, body)) = rule.split_once('{') else {
            continue;
        };
        let body = body.trim();
        if body.is_empty() {
            continue;
        }
        let mut first = true;
        for sel in selectors.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            if scopes.is_empty() {
                if !first {
                    out.push_str(", ");
                }
                out.push_str(sel);
                first = false;
            }
            for scope in scopes {
                if !first {
                    out.push_str(", ");
                }
                out.push_str(scope);
                out.push(' ');
                out.push_str(sel);
                first = false;
            }
        }
        if first {
            continue;
        }
        out.push_str(" { ");
        for decl in body.lines().map(str::trim).filter(|d| !d.is_empty()) {
            out.push_str(decl);
            out.push(' ');
        }
        out.push_str("}\n");
    }
    out
}

fn strip_css_comments(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        out.push_str(&rest[..start]);
        match rest[start + 2..].find("*/") {
            Some(end) => rest = &rest[start + 2 + end + 2..],
            None => return out,
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {

    /// Our generator must produce exactly syntect's `ClassedHTMLGenerator` markup, which the
    /// theme CSS is written for.
    #[test]
    fn classed_markup_matches_syntect() {
        use syntect::html::ClassedHTMLGenerator;
        let h = Highlighter::global();
        let samples = [
            ("python", "import asyncio\n\nasync def main():\n    await x  # '<&>\"'\n    s = f\"{a}\"\n"),
            ("java", "public class A {\n  /* c */ String s = \"<b>\";\n}\n"),
            ("javascript", "const f = (a) => `${a}<`;\n// done"),
            ("rust", "fn main() { let s = r#\"x\"#; }\n"),
            ("bash", "$ echo \"hi\" | grep h && ls -la\n"),
            ("sql", "SELECT * FROM t WHERE a = 'x';\n"),
        ];
        for (lang, code) in samples {
            let syntax = h.syntax_for(lang).expect(lang);
            let mut gen = ClassedHTMLGenerator::new_with_class_style(syntax, h.syntaxes, CLASS_STYLE);
            for line in LinesWithEndings::from(code) {
                gen.parse_html_for_line_which_includes_newline(line).unwrap();
            }
            let theirs = gen.finalize().replace("&#39;", "'").replace("&quot;", "\"");
            let ours = classed_nested(h.syntaxes, syntax, code).replace("&#39;", "'").replace("&quot;", "\"");
            assert_eq!(ours, theirs, "{lang}");
        }
    }
    use super::*;

    fn hl(lang: &str, code: &str) -> Highlighted {
        Highlighter::global().highlight(Some(lang), code)
    }

    /// If our parser could not start (say, a syntect upgrade hid its start context), syntect's
    /// own parser takes over with the same result.
    #[test]
    fn syntect_parser_stands_in_with_the_same_operations() {
        let h = Highlighter::global();
        for (lang, code) in [("rust", "fn main() {\n    let s = r#\"x\"#;\n}\n"), ("bash", "cat <<EOF\n$HOME\nEOF\n")] {
            let syntax = h.syntax_for(lang).expect(lang);
            let mut ours = Parser::new(h.syntaxes, syntax);
            assert!(matches!(ours, Parser::Fast(_)), "{lang}");
            let mut stand_in = Parser::Syntect(ParseState::new(syntax), h.syntaxes);
            for line in LinesWithEndings::from(code) {
                let (mut a, mut b) = (Vec::new(), Vec::new());
                ours.parse_line(line, &mut a).unwrap();
                stand_in.parse_line(line, &mut b).unwrap();
                assert_eq!(a, b, "{lang}: {line:?}");
            }
        }
    }

    /// Every colour a theme rule gives a token meets WCAG AA (4.5:1) against what it is shown
    /// on: the rule's own background, else the code block's (`--code-bg` in gongbu.css), in
    /// light mode and in dark mode. The rules as the themes write them: the stylesheet's look
    /// classes are their declaration blocks, and single declarations only where a token's look
    /// mixes two blocks (a declaration alone is no look, so it is not checked alone).
    #[test]
    fn every_token_colour_meets_wcag_aa() {
        let page_css = include_str!("../static/gongbu.css");
        let code_bgs: Vec<[u8; 3]> =
            page_css.split("--code-bg:").skip(1).filter_map(|v| contrast::parse_hex(v.trim_start())).collect();
        assert!(code_bgs.len() >= 2, "gongbu.css sets --code-bg for light and dark");
        let css = nested_theme_css();
        let (light, dark) = css.split_once("@media (prefers-color-scheme: dark)").expect("a dark part");
        let mut checked = 0;
        for (part, bg) in [(light, code_bgs[0]), (dark, code_bgs[1])] {
            for rule in part.split('}') {
                let Some((selector, body)) = rule.split_once('{') else { continue };
                let value = |name: &str| {
                    body.split(';')
                        .filter_map(|d| d.split_once(':'))
                        .find(|(p, _)| p.trim() == name)
                        .and_then(|(_, v)| contrast::parse_hex(v.trim()))
                };
                let Some(colour) = value("color") else { continue };
                let behind = value("background-color").unwrap_or(bg);
                let ratio = contrast::ratio(colour, behind);
                assert!(ratio >= contrast::AA, "{ratio:.2}:1 for {} on {}", selector.trim(), contrast::hex(behind));
                checked += 1;
            }
        }
        assert!(checked > 100, "{checked}");
    }

    #[test]
    fn aliases_resolve_case_insensitively() {
        for (label, want) in [
            ("py", "python"),
            ("JAVA", "java"),
            ("c++", "cpp"),
            ("yml", "yaml"),
            ("jsx", "jsx"),
            ("JSX", "jsx"),
            ("vue", "vue"),
            ("kotlin", "kotlin"),
            ("ts", "typescript"),
            ("sh", "bash"),
            ("SH", "bash"),
            ("plsql", "sql"),
        ] {
            // Plain text in a Vue component's template has no colour, so no span: use a tag.
            let code = if want == "vue" { "<template><div>x</div></template>\n" } else { "x = 1\n" };
            let out = hl(label, code);
            assert_eq!(out.language.as_deref(), Some(want), "label {label}");
            assert!(!out.guessed);
            assert!(out.html.contains("<span class="), "label {label} was not highlighted: {}", out.html);
        }
    }

    #[test]
    fn every_canonical_language_has_a_syntax() {
        let h = Highlighter::global();
        for (lang, name) in SYNTAXES {
            assert!(h.syntax_for(lang).is_some(), "{lang}: two-face has no syntax {name:?}");
        }
    }

    #[test]
    fn classed_output_has_prefixed_spans_and_no_inline_style() {
        let out = hl("java", "class A { String s = \"<&>\"; }\n");
        assert!(out.html.contains("<span class="), "{}", out.html);
        assert!(!out.html.contains("style="));
        assert!(out.html.contains("&lt;&amp;&gt;"));
        assert_eq!(out.html.matches("<span").count(), out.html.matches("</span>").count());
    }

    #[test]
    fn plain_output_escapes() {
        let out = hl("text", "a < b && c > d\n");
        assert_eq!(out.language, None);
        assert_eq!(out.html, "a &lt; b &amp;&amp; c &gt; d\n");
    }

    #[test]
    fn unknown_label_stays_plain_but_keeps_its_name() {
        let out = hl("Mermaid", "graph TD; A-->B<C>\n");
        assert_eq!(out.language.as_deref(), Some("mermaid"));
        assert!(!out.guessed);
        assert_eq!(out.html, "graph TD; A--&gt;B&lt;C&gt;\n");
    }

    #[test]
    fn unlabeled_code_is_guessed_and_prose_is_not() {
        let h = Highlighter::global();
        let out = h.highlight(None, "def f(x):\n    return x + 1\n\nprint(f(2))\n");
        assert_eq!(out.language.as_deref(), Some("python"));
        assert!(out.guessed);
        let prose = "이것은 설명 문장입니다.\n코드가 아닙니다.\n";
        let out = h.highlight(Some(""), prose);
        assert_eq!(out.language, None);
        assert_eq!(out.html, prose);
    }

    /// `html` without its tags, still escaped.
    fn without_tags(html: &str) -> String {
        let mut text = String::with_capacity(html.len());
        let mut rest = html;
        while let Some(open) = rest.find('<') {
            text.push_str(&rest[..open]);
            rest = rest[open..].split_once('>').map_or("", |(_, after)| after);
        }
        text.push_str(rest);
        text
    }

    /// The text a reader sees in `html`: tags removed, our five escapes decoded.
    fn shown_text(html: &str) -> String {
        let text = without_tags(html);
        text.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&")
    }

    #[test]
    fn code_without_trailing_newline_is_kept_whole() {
        for code in ["x = 1\ny = 2", "x = 1\ny = 2\n", "s = '<a & b>'\nz = \"q\"", "한 = 1"] {
            let out = hl("python", code);
            assert!(out.html.contains("<span"), "highlighted: {}", out.html);
            assert_eq!(shown_text(&out.html), code, "{}", out.html);
        }
    }

    /// Code is escaped with quotes too, highlighted or plain, as it always has been: the built
    /// pages stay byte for byte the same (a body-text escaper would leave `"` and `'`).
    #[test]
    fn quotes_and_markup_in_code_are_escaped() {
        let code = "a = \"<b>\" + '&'\n";
        assert_eq!(hl("text", code).html, "a = &quot;&lt;b&gt;&quot; + &#39;&amp;&#39;\n");
        let highlighted = hl("python", code).html;
        assert!(highlighted.contains("<span"), "{highlighted}");
        assert_eq!(without_tags(&highlighted), "a = &quot;&lt;b&gt;&quot; + &#39;&amp;&#39;\n", "{highlighted}");
    }

    #[test]
    fn theme_css_has_light_and_dark_rules() {
        let css = theme_css();
        assert!(css.contains("@media (prefers-color-scheme: light)"));
        assert!(css.contains("@media (prefers-color-scheme: dark)"));
        for scope in
            ["[data-theme=light]", ":root:not([data-theme=dark])", ":root:not([data-theme=light])", "[data-theme=dark]"]
        {
            assert!(css.contains(&format!("\n{scope} pre :is(.")), "{scope}");
        }
        assert!(!css.contains("/* theme"));
        // Braces balance, so the file parses.
        assert_eq!(css.matches('{').count(), css.matches('}').count());
    }
}
