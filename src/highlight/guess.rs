//! Guessing the language of an unlabeled code block from general language features. How well
//! it guesses is measured outside the library, by `src/bin/guess-accuracy.rs`.
//!
//! The guess is a hand-weighted scorer: each line adds evidence for one or more languages,
//! the best language must clear a minimum score and beat every other language family by a
//! margin. Prose, diagrams and program output are rejected before scoring, because plain text
//! is far better than wrong colours.

use super::Highlighter;

/// Languages the scorer can pick. Order inside a family is the tie-break order.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Lang {
    Python,
    Java,
    C,
    Cpp,
    CSharp,
    JavaScript,
    Jsx,
    TypeScript,
    Html,
    Xml,
    Css,
    Sql,
    Bash,
    Yaml,
    Json,
    Kotlin,
    Go,
    Rust,
}

const LANGS: [Lang; 18] = [
    Lang::Python,
    Lang::Java,
    Lang::C,
    Lang::Cpp,
    Lang::CSharp,
    Lang::JavaScript,
    Lang::Jsx,
    Lang::TypeScript,
    Lang::Html,
    Lang::Xml,
    Lang::Css,
    Lang::Sql,
    Lang::Bash,
    Lang::Yaml,
    Lang::Json,
    Lang::Kotlin,
    Lang::Go,
    Lang::Rust,
];

impl Lang {
    fn name(self) -> &'static str {
        match self {
            Lang::Python => "python",
            Lang::Java => "java",
            Lang::C => "c",
            Lang::Cpp => "cpp",
            Lang::CSharp => "csharp",
            Lang::JavaScript => "javascript",
            Lang::Jsx => "jsx",
            Lang::TypeScript => "typescript",
            Lang::Html => "html",
            Lang::Xml => "xml",
            Lang::Css => "css",
            Lang::Sql => "sql",
            Lang::Bash => "bash",
            Lang::Yaml => "yaml",
            Lang::Json => "json",
            Lang::Kotlin => "kotlin",
            Lang::Go => "go",
            Lang::Rust => "rust",
        }
    }

    /// Languages of one family share most features; the margin is measured against the best
    /// language of another family, and the family member is picked by its own markers.
    fn family(self) -> u8 {
        match self {
            Lang::C | Lang::Cpp => 1,
            Lang::JavaScript | Lang::Jsx | Lang::TypeScript => 2,
            Lang::Html | Lang::Xml => 3,
            Lang::Java | Lang::CSharp => 4,
            _ => 10 + self as u8,
        }
    }
}

/// Minimum evidence before anything is highlighted.
const MIN_SCORE: f32 = 3.0;
/// Only the first lines are read: enough evidence, bounded cost on huge blocks.
const MAX_LINES: usize = 300;

#[derive(Default)]
struct Scores([f32; LANGS.len()]);

impl Scores {
    fn add(&mut self, lang: Lang, w: f32) {
        self.0[lang as usize] += w;
    }
    fn get(&self, lang: Lang) -> f32 {
        self.0[lang as usize]
    }
    /// Same weight to every C-like language (declarations, `;`, braces).
    fn c_like(&mut self, w: f32) {
        for l in [Lang::Java, Lang::C, Lang::Cpp, Lang::CSharp] {
            self.add(l, w);
        }
    }
    fn js(&mut self, w: f32) {
        for l in [Lang::JavaScript, Lang::Jsx, Lang::TypeScript] {
            self.add(l, w);
        }
    }
    fn c_cpp(&mut self, c: f32, cpp: f32) {
        self.add(Lang::C, c);
        self.add(Lang::Cpp, cpp);
    }
}

/// Guess the language of an unlabeled block; None for prose, diagrams, output, or too little
/// evidence. Returns the canonical name.
pub fn guess_language(code: &str) -> Option<&'static str> {
    let first = code.lines().find(|l| !l.trim().is_empty())?.trim();
    if first.starts_with("#!") {
        return Highlighter::global().language_of_first_line(first);
    }
    if let Some(lang) = strong_marker(code) {
        return Some(lang);
    }
    let lines: Vec<Line> = split_lines(code);
    if lines.is_empty() || looks_like_text(&lines) {
        return None;
    }
    let scores = score(&lines);
    decide(&scores).map(Lang::name)
}

/// Markers that settle the question on their own.
fn strong_marker(code: &str) -> Option<&'static str> {
    if code.contains("<%@") || code.contains("<%=") {
        return Some("jsp");
    }
    if code.contains("<?php") {
        return Some("php");
    }
    let vue_attr = [
        "v-model=", "v-on:", "v-bind:", "v-if=", "v-for=", "v-show=", "@click=",
    ];
    let has_script = code.contains("<script");
    if code.contains("<template>")
        || (has_script && (code.contains("export default {") || code.contains("new Vue(")))
        || (!has_script && vue_attr.iter().any(|a| code.contains(a)))
    {
        return Some("vue");
    }
    None
}

/// One line of the block: `raw` is trimmed, `code` also has comments removed and string
/// contents blanked (quotes kept) so Korean comments and string text don't count as prose
/// and keywords inside strings don't count as code.
struct Line<'a> {
    raw: &'a str,
    code: String,
    indent: usize,
    /// A `# comment` follows code on this line (Python, shell, YAML style).
    trailing_hash: bool,
}

fn split_lines(code: &str) -> Vec<Line<'_>> {
    let mut out = Vec::new();
    let mut in_block_comment = false;
    for line in code.lines().take(MAX_LINES) {
        let raw = line.trim();
        if raw.is_empty() {
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        let (code, trailing_hash) = strip_line(raw, &mut in_block_comment);
        out.push(Line {
            raw,
            code,
            indent,
            trailing_hash,
        });
    }
    out
}

/// Remove comments (`//`, `/* */`, `<!-- -->`, `#`, `-- `) and blank string contents.
fn strip_line(raw: &str, in_block: &mut bool) -> (String, bool) {
    let b = raw.as_bytes();
    let mut out = String::with_capacity(raw.len());
    let mut i = 0;
    let mut quote: Option<u8> = None;
    let mut trailing_hash = false;
    while i < b.len() {
        let c = b[i];
        if *in_block {
            if b[i..].starts_with(b"*/") {
                *in_block = false;
                i += 2;
            } else if b[i..].starts_with(b"-->") {
                *in_block = false;
                i += 3;
            } else {
                i += 1;
            }
            continue;
        }
        if let Some(q) = quote {
            if c == b'\\' {
                i += 2;
                continue;
            }
            if c == q {
                quote = None;
                out.push(c as char);
            }
            i += 1;
            continue;
        }
        let prev_space = i == 0 || b[i - 1].is_ascii_whitespace();
        let rest = &b[i..];
        match c {
            b'"' | b'\'' | b'`' => {
                quote = Some(c);
                out.push(c as char);
            }
            b'/' if rest.starts_with(b"//") && (i == 0 || b[i - 1] != b':') => break,
            b'/' if rest.starts_with(b"/*") => {
                *in_block = true;
                i += 2;
                continue;
            }
            b'<' if rest.starts_with(b"<!--") => {
                *in_block = true;
                i += 4;
                continue;
            }
            b'*' if i == 0 && (b.len() == 1 || b[1] == b' ' || b[1] == b'/') => break,
            b'#' if prev_space && is_hash_comment(raw, i) => {
                trailing_hash = i > 0 && !out.trim().is_empty();
                break;
            }
            b'-' if prev_space && (rest.starts_with(b"-- ") || rest.starts_with(b"-->")) => break,
            _ => {
                // Push the whole char, not a byte: lines hold Hangul.
                let ch = raw.get(i..).and_then(|r| r.chars().next()).unwrap_or(' ');
                out.push(ch);
                i += ch.len_utf8();
                continue;
            }
        }
        i += 1;
    }
    out.truncate(out.trim_end().len());
    (out, trailing_hash)
}

/// `#` starts a comment unless it is a C preprocessor directive, a shebang or a CSS id
/// selector at line start.
fn is_hash_comment(raw: &str, i: usize) -> bool {
    if i > 0 {
        return true;
    }
    match raw[1..].chars().next() {
        None => true,
        Some(c) => c.is_whitespace() || c == '#' || c == '-' || c == '=' || !c.is_ascii(),
    }
}

fn is_hangul(c: char) -> bool {
    matches!(c, '\u{AC00}'..='\u{D7A3}' | '\u{3130}'..='\u{318F}' | '\u{1100}'..='\u{11FF}')
}

/// Prose, diagrams, numbered explanations: reject the block when enough lines read like text.
fn looks_like_text(lines: &[Line]) -> bool {
    let mut text_lines = 0;
    for line in lines {
        if is_text_line(line) {
            text_lines += 1;
        }
    }
    text_lines * 10 >= lines.len() * 4
}

fn is_text_line(line: &Line) -> bool {
    let raw = line.raw;
    // Worked examples: `Input: arr[] = {1, 2}`, `Output: 72`.
    let head = raw.split([':', ' ']).next().unwrap_or("");
    if matches!(
        head,
        "Input" | "Output" | "Example" | "Result" | "Answer" | "input" | "output"
    ) {
        return true;
    }
    // Stack traces and tracebacks are program output.
    if (raw.starts_with("at ") && raw.ends_with(')'))
        || raw.starts_with("Exception in thread")
        || raw.starts_with("Caused by:")
        || raw.starts_with("Traceback (most recent call last)")
    {
        return true;
    }
    // Arrows and box-drawing characters outside comments belong to diagrams, not code.
    if line.code.chars().any(|c| {
        matches!(
            c,
            '→' | '←'
                | '↑'
                | '↓'
                | '⇒'
                | '⇔'
                | '↔'
                | '─'
                | '│'
                | '┌'
                | '┐'
                | '└'
                | '┘'
                | '├'
                | '┤'
                | '■'
                | '●'
                | '※'
                | '★'
        )
    }) {
        return true;
    }
    // ASCII boxes and tables: `+---+---+`, `| a | b |`.
    if raw.starts_with("+-") || raw.starts_with("|") || raw.contains("-+-") {
        return true;
    }
    let mut hangul = 0;
    let mut ascii_words = 0;
    let mut alpha_words = 0;
    let mut tokens = 0;
    let code = without_placeholders(&line.code);
    for tok in code.split_whitespace() {
        tokens += 1;
        if tok.chars().any(is_hangul) {
            hangul += 1;
        } else if tok.chars().any(|c| c.is_ascii_alphabetic()) {
            ascii_words += 1;
            let word = tok.trim_end_matches([',', '.', '!', '?', ':']);
            if !word.is_empty()
                && word
                    .chars()
                    .all(|c| c.is_ascii_alphabetic() || c == '\'' || c == '-')
            {
                alpha_words += 1;
            }
        }
    }
    if (hangul >= 2 && hangul > ascii_words) || (hangul >= 1 && ascii_words == 0) {
        return true;
    }
    // An English sentence: many plain words and none of the punctuation code is made of.
    let codeish = line
        .code
        .contains(['{', '}', ';', '=', '(', ')', '[', '<', '$', '"']);
    tokens >= 6 && !codeish && alpha_words * 10 >= tokens * 8
}

/// Drop `{...}` and `<...>` spans holding Hangul: placeholders such as `cd {프로젝트명}`.
fn without_placeholders(code: &str) -> std::borrow::Cow<'_, str> {
    if !code.chars().any(is_hangul) {
        return std::borrow::Cow::Borrowed(code);
    }
    let mut out = String::with_capacity(code.len());
    let mut rest = code;
    while let Some(open) = rest.find(['{', '<']) {
        let close_ch = if rest[open..].starts_with('{') {
            '}'
        } else {
            '>'
        };
        match rest[open..].find(close_ch) {
            Some(len) if rest[open..open + len].chars().any(is_hangul) => {
                out.push_str(&rest[..open]);
                out.push(' ');
                rest = &rest[open + len + 1..];
            }
            _ => {
                out.push_str(&rest[..=open]);
                rest = &rest[open + 1..];
            }
        }
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

fn starts_word(s: &str, w: &str) -> bool {
    s.starts_with(w) && !s[w.len()..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '$'
}

/// `w` occurs as a whole identifier somewhere in `s`.
fn has_word(s: &str, w: &str) -> bool {
    let mut from = 0;
    while let Some(pos) = s[from..].find(w) {
        let start = from + pos;
        let end = start + w.len();
        let before_ok = s[..start]
            .chars()
            .next_back()
            .is_none_or(|c| !is_ident_char(c));
        let after_ok = s[end..].chars().next().is_none_or(|c| !is_ident_char(c));
        if before_ok && after_ok {
            return true;
        }
        from = end;
    }
    false
}

fn first_word(s: &str) -> &str {
    let end = s
        .find(|c: char| !(is_ident_char(c) || c == '-' || c == '.' || c == '/' || c == '+'))
        .unwrap_or(s.len());
    &s[..end]
}

const C_TYPES: &[&str] = &[
    "int", "long", "double", "float", "char", "void", "short", "unsigned", "signed", "const",
];

const SHELL_COMMANDS: &[&str] = &[
    "git",
    "npm",
    "npx",
    "yarn",
    "pnpm",
    "node",
    "cd",
    "ls",
    "mkdir",
    "rm",
    "rmdir",
    "cp",
    "mv",
    "touch",
    "cat",
    "echo",
    "sudo",
    "apt",
    "apt-get",
    "yum",
    "dnf",
    "brew",
    "pip",
    "pip3",
    "curl",
    "wget",
    "chmod",
    "chown",
    "docker",
    "docker-compose",
    "kubectl",
    "ssh",
    "scp",
    "tar",
    "unzip",
    "grep",
    "ps",
    "kill",
    "nohup",
    "source",
    "export",
    "systemctl",
    "service",
    "vi",
    "vim",
    "nano",
    "gcc",
    "g++",
    "javac",
    "mvn",
    "gradle",
    "./gradlew",
    "./mvnw",
    "vue",
    "ng",
    "pwd",
    "whoami",
    "sed",
    "awk",
    "head",
    "tail",
    "which",
    "netstat",
    "lsof",
    "crontab",
    "ln",
    "df",
    "du",
    "top",
    "jps",
    "cargo",
    "rustup",
    "go",
    "java",
    "python",
    "python3",
    "pm2",
    "nginx",
    "su",
    "useradd",
    "passwd",
    "chgrp",
    "printenv",
    "env",
    "alias",
    "history",
    "man",
    "find",
    "xargs",
    "jest",
];

const SQL_STATEMENTS: &[&str] = &[
    "SELECT", "INSERT", "UPDATE", "DELETE", "CREATE", "ALTER", "DROP", "DECLARE", "BEGIN", "EXEC",
    "GRANT", "REVOKE", "TRUNCATE", "MERGE", "COMMIT", "ROLLBACK", "WITH",
];

const SQL_KEYWORDS: &[&str] = &[
    "FROM",
    "WHERE",
    "INTO",
    "VALUES",
    "SET",
    "TABLE",
    "JOIN",
    "INNER",
    "OUTER",
    "LEFT",
    "RIGHT",
    "GROUP",
    "ORDER",
    "BY",
    "HAVING",
    "UNION",
    "PROCEDURE",
    "FUNCTION",
    "END",
    "VARCHAR",
    "VARCHAR2",
    "INTEGER",
    "PRIMARY",
    "FOREIGN",
    "REFERENCES",
    "DISTINCT",
    "LIMIT",
    "INDEX",
    "VIEW",
    "TRIGGER",
    "CONSTRAINT",
    "REPLACE",
    "NUMBER",
    "IS",
    "AS",
    "ON",
    "AND",
    "OR",
    "NOT",
    "NULL",
];

const HTML_TAGS: &[&str] = &[
    "html", "head", "body", "div", "span", "p", "a", "ul", "ol", "li", "table", "tr", "td", "th",
    "thead", "tbody", "input", "button", "form", "h1", "h2", "h3", "h4", "h5", "h6", "img", "br",
    "script", "style", "meta", "link", "title", "section", "header", "footer", "nav", "main",
    "label", "select", "option", "textarea", "iframe", "strong", "em", "b", "i", "pre", "code",
    "article", "aside", "canvas", "video", "audio", "hr",
];

/// Name of the tag opening `s` (`<div class=..>` → `div`, `</p>` → `p`), if `s` starts with one.
fn leading_tag(s: &str) -> Option<&str> {
    let rest = s.strip_prefix("</").or_else(|| s.strip_prefix('<'))?;
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == ':' || c == '.'))
        .unwrap_or(rest.len());
    let name = &rest[..end];
    let next = rest[end..].chars().next();
    if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    matches!(next, None | Some(' ' | '>' | '/' | '\t')).then_some(name)
}

/// Line-level evidence. Weights: 4-5 near-certain marker, 2-3 typical construct, <1 weak hint.
fn score(lines: &[Line]) -> Scores {
    let mut s = Scores::default();
    let mut markup_lines = 0.0f32;
    let mut html_only = 0.0f32;
    let mut xml_only = 0.0f32;
    let mut jsx_only = 0.0f32;
    let mut css_selectors = 0;
    let mut css_props = 0.0f32;
    let mut sql_statement = false;
    let mut sql_words = 0.0f32;
    let mut yaml = Yaml::default();
    let mut json_keys = 0usize;
    let mut json_other = 0usize;

    for line in lines {
        let t = line.raw;
        let c = line.code.as_str();
        if c.is_empty() {
            if t.starts_with("# ") {
                // A whole-line `#` comment: Python or shell.
                s.add(Lang::Python, 0.7);
                s.add(Lang::Bash, 0.5);
            }
            continue;
        }
        let ends_semi = c.ends_with(';');
        let ends_brace = c.ends_with('{');

        // --- Punctuation common to brace languages.
        if ends_semi {
            s.c_like(0.4);
            s.js(0.3);
            s.add(Lang::Python, -1.0);
            s.add(Lang::Kotlin, -0.5);
            s.add(Lang::Go, -0.5);
        }
        if ends_brace || c == "}" || c == "};" {
            s.c_like(0.3);
            s.js(0.3);
            for l in [Lang::Kotlin, Lang::Go, Lang::Rust] {
                s.add(l, 0.3);
            }
            s.add(Lang::Python, -0.5);
        }

        // --- Python
        let py_block = c.ends_with(':') && !c.ends_with("::");
        if (starts_word(c, "def") || c.starts_with("async def "))
            && (py_block || c.contains(") ->"))
        {
            s.add(Lang::Python, 4.0);
        }
        if starts_word(c, "class") && py_block {
            s.add(Lang::Python, 3.0);
        }
        if py_block
            && [
                "elif", "except", "finally", "try", "with", "while", "for", "if", "else",
            ]
            .iter()
            .any(|k| starts_word(c, k))
        {
            let w = if starts_word(c, "elif") || starts_word(c, "except") {
                3.0
            } else {
                2.0
            };
            s.add(Lang::Python, w);
        }
        if c.starts_with("from ") && c.contains(" import ") {
            s.add(Lang::Python, 3.0);
        } else if c.starts_with("import ")
            && !ends_semi
            && !c.contains(" from ")
            && !c.contains(['"', '\'', '{'])
        {
            s.add(Lang::Python, 1.5);
            s.add(Lang::Kotlin, 0.5);
        }
        if c.contains("__name__")
            || c.contains("__init__")
            || c.contains("(self")
            || c.contains("self.")
        {
            s.add(Lang::Python, 2.0);
        }
        if t.starts_with(">>> ") {
            s.add(Lang::Python, 2.0);
        }
        if c.contains("print(") && !ends_semi {
            s.add(Lang::Python, 1.0);
        }
        for w in [
            "None", "True", "False", "lambda", "elif", "len", "range", "nonlocal",
        ] {
            if has_word(c, w) {
                s.add(Lang::Python, 0.5);
            }
        }
        if call_statement(c) {
            s.add(Lang::Python, 0.7);
            s.js(0.3);
            if keyword_arguments(c) {
                s.add(Lang::Python, 2.0);
            }
        }
        if line.trailing_hash && call_statement(c) {
            s.add(Lang::Python, 1.5);
        }
        if line.trailing_hash {
            s.add(Lang::Python, 1.0);
            s.add(Lang::Bash, 0.5);
        }

        // --- Java / C# / shared C-like declarations
        if c.contains("System.out.print") || c.contains("System.err.print") {
            s.add(Lang::Java, 5.0);
        }
        if ["public", "private", "protected"]
            .iter()
            .any(|k| starts_word(c, k))
            && !c.ends_with(':')
        {
            // A member declaration: modifier(s) then a type.
            let ty = c.split_whitespace().find(|w| {
                !matches!(
                    *w,
                    "public" | "private" | "protected" | "static" | "final" | "abstract"
                )
            });
            let typed = ty.is_some_and(|w| {
                C_TYPES.contains(&w)
                    || matches!(w, "boolean" | "class" | "interface")
                    || w.starts_with(|ch: char| ch.is_ascii_uppercase())
            });
            let w = if typed { 3.0 } else { 2.0 };
            s.add(Lang::Java, w);
            s.add(Lang::CSharp, w);
            s.add(Lang::TypeScript, 0.5);
            s.add(Lang::Kotlin, 0.5);
        }
        if (c.starts_with("import java")
            || c.starts_with("import org.")
            || c.starts_with("import com.")
            || c.starts_with("import static "))
            && ends_semi
        {
            s.add(Lang::Java, 4.0);
        }
        if starts_word(c, "package") && ends_semi {
            s.add(Lang::Java, 4.0);
        }
        if c.starts_with('@') && c[1..].starts_with(|ch: char| ch.is_ascii_uppercase()) {
            s.add(Lang::Java, 2.0);
            s.add(Lang::Kotlin, 1.0);
        }
        if has_word(c, "static") {
            s.add(Lang::Java, 0.7);
            s.add(Lang::CSharp, 0.7);
            s.c_cpp(0.5, 0.5);
        }
        let java_words = [
            "String",
            "boolean",
            "Integer",
            "ArrayList",
            "HashMap",
            "extends",
            "implements",
            "throws",
            "instanceof",
            "synchronized",
            "final",
            "Override",
            "Runnable",
            "Thread",
            "Optional",
            "Stream",
            "Collectors",
            "Arrays",
            "Scanner",
            "LinkedList",
            "Exception",
            "super",
        ];
        let n = java_words.iter().filter(|w| has_word(c, w)).count();
        if n > 0 {
            s.add(Lang::Java, 1.5 * n.min(2) as f32);
        }
        if typed_array(c) || (c.contains("new ") && c.contains("[") && ends_semi) {
            s.add(Lang::Java, 1.5);
            s.add(Lang::CSharp, 1.5);
        }
        if c.contains("new ")
            && c.split("new ")
                .nth(1)
                .is_some_and(|r| r.starts_with(|ch: char| ch.is_ascii_uppercase()))
        {
            s.add(Lang::Java, 1.0);
            s.add(Lang::CSharp, 1.0);
            s.js(0.8);
            s.add(Lang::Cpp, 0.3);
        }
        let fw = first_word(c);
        if C_TYPES.contains(&fw)
            && (fw != "const" || C_TYPES.iter().any(|t| c[5..].trim_start().starts_with(t)))
        {
            s.c_like(1.0);
            if fw == "char" || fw == "unsigned" {
                s.c_cpp(0.5, 0.5);
            }
        }
        if typed_declaration(c) {
            s.add(Lang::Java, 2.0);
            s.add(Lang::CSharp, 2.0);
            s.add(Lang::Cpp, 0.3);
        }
        if capitalized_generic(c) {
            s.add(Lang::Java, 1.5);
            s.add(Lang::CSharp, 1.5);
        }
        if [
            "Integer.",
            "Arrays.",
            "Collections.",
            "Character.",
            "Objects.",
        ]
        .iter()
        .any(|m| c.contains(m))
        {
            s.add(Lang::Java, 1.5);
        }
        if has_word(c, "true") || has_word(c, "false") {
            // Lower-case booleans: not C (which has none without stdbool), not Python.
            s.add(Lang::Java, 0.3);
            s.add(Lang::Cpp, 0.3);
            s.js(0.3);
        }
        if c.contains("java.") || c.contains("javax.") {
            s.add(Lang::Java, 3.0);
        }
        if c.contains(" -> ") {
            s.add(Lang::Java, 0.5);
        }
        if c.contains("using System") || c.contains("Console.Write") || c.contains("{ get; set; }")
        {
            s.add(Lang::CSharp, 5.0);
        }
        if c.contains("foreach (") {
            s.add(Lang::CSharp, 2.0);
        }

        // --- C / C++
        if c.starts_with("#include") {
            if c.contains(".h>") || c.contains(".h\"") {
                s.c_cpp(3.0, 1.5);
            } else {
                s.c_cpp(0.0, 5.0);
            }
        }
        if c.starts_with("#define") || c.starts_with("#ifndef") || c.starts_with("#pragma") {
            s.c_cpp(2.0, 1.5);
        }
        let c_calls = [
            "printf(", "scanf(", "malloc(", "calloc(", "realloc(", "free(", "sizeof(", "strcpy(",
            "strlen(", "memset(", "puts(", "fgets(",
        ];
        if c_calls.iter().any(|f| c.contains(f)) {
            s.c_cpp(2.0, 1.0);
        }
        if has_word(c, "struct") {
            s.c_cpp(1.5, 0.5);
            s.add(Lang::Go, 0.5);
            s.add(Lang::Rust, 0.5);
        }
        if has_word(c, "NULL") {
            s.c_cpp(1.5, 0.5);
        }
        if arrow_deref(c) {
            s.c_cpp(1.5, 1.5);
        }
        if pointer_declaration(c) {
            s.c_cpp(1.5, 1.5);
        }
        if C_TYPES.contains(&fw) && !c.contains('=') && c.ends_with(['{', ')']) && c.contains('(') {
            // A function defined without access modifier: C style (Java methods carry one).
            s.c_cpp(1.0, 1.0);
        }
        if c.contains("int main(") {
            s.c_cpp(2.0, 2.0);
        }
        let cpp_markers = [
            "std::",
            "using namespace",
            "template<",
            "template <",
            "nullptr",
            "vector<",
            "::iterator",
            "const&",
            "ios::",
            "pair<",
        ];
        let cpp_words = ["cout", "cin", "endl", "virtual", "namespace"];
        let n = cpp_markers.iter().filter(|m| c.contains(*m)).count()
            + cpp_words.iter().filter(|w| has_word(c, w)).count()
            + usize::from(matches!(fw, "string" | "auto" | "delete") && c.contains(' '));
        if n > 0 {
            s.add(Lang::Cpp, 3.0 * n.min(2) as f32);
        }
        if matches!(c, "public:" | "private:" | "protected:") {
            s.add(Lang::Cpp, 3.0);
        }
        if c.contains("::") && !c.contains("std::") {
            s.add(Lang::Cpp, 0.7);
            s.add(Lang::Rust, 0.7);
            s.add(Lang::Java, 0.3);
        }

        // --- JavaScript family
        if c.contains("console.") {
            s.js(4.0);
        }
        if has_word(c, "function") {
            s.js(2.5);
        }
        if ["const", "let"].iter().any(|k| starts_word(c, k)) && c.contains('=') {
            s.js(3.0);
            s.add(Lang::Rust, 0.5);
        } else if starts_word(c, "var") && c.contains('=') {
            s.js(3.0);
            s.add(Lang::Kotlin, 0.5);
            s.add(Lang::CSharp, 0.5);
            s.add(Lang::Java, 0.3);
        }
        if object_property(c) {
            s.js(0.5);
        }
        if c.contains("=>") {
            s.js(2.0);
            s.add(Lang::CSharp, 0.5);
        }
        if c.contains("===") || c.contains("!==") {
            s.js(3.0);
        }
        let js_markers = [
            "document.",
            "window.",
            "require(",
            "module.exports",
            "process.env",
            "JSON.",
            "Promise",
            ".then(",
            "setTimeout(",
            "addEventListener",
            "undefined",
            "prototype",
            "async ",
            "await ",
        ];
        if js_markers.iter().any(|m| c.contains(m)) {
            s.js(2.0);
        }
        if c.starts_with("export ")
            || (c.starts_with("import ")
                && (c.contains(" from ") || c.ends_with('\'') || c.ends_with("';")))
        {
            s.js(3.0);
        }
        if t.contains('`') && t.contains("${") {
            s.js(2.0);
        }
        if has_word(c, "this") && c.contains("this.") {
            s.js(1.0);
            s.add(Lang::Java, 0.5);
        }
        if c.contains(": function") || c.contains(":function") {
            s.js(2.0);
        }
        let jsx_markers = [
            "className=",
            "React.",
            "ReactDOM",
            "'react'",
            "useState",
            "useEffect",
            "render()",
            "props.",
            "<>",
            "</>",
            "return <",
            "(<",
            "={",
        ];
        let n = jsx_markers
            .iter()
            .filter(|m| c.contains(*m) || t.contains(*m))
            .count();
        jsx_only += 3.0 * n.min(2) as f32;
        if component_tag(c) {
            jsx_only += 2.0;
        }
        for m in [": string", ": number", ": boolean", ": any", ": void"] {
            if c.contains(m) {
                s.add(Lang::TypeScript, 1.5);
            }
        }
        if [
            "interface",
            "type",
            "enum",
            "readonly",
            "declare",
            "namespace",
        ]
        .iter()
        .any(|k| starts_word(c, k))
            && (c.contains('=') || ends_brace)
        {
            s.add(Lang::TypeScript, 1.5);
        }

        // --- Markup
        if let Some(tag) = leading_tag(c).or_else(|| {
            if c.starts_with("<!") || c.starts_with("<?xml") {
                Some("!")
            } else {
                None
            }
        }) {
            markup_lines += 1.5;
            if HTML_TAGS.contains(&tag.to_ascii_lowercase().as_str())
                || tag == "!" && c.to_ascii_lowercase().starts_with("<!doctype html")
            {
                html_only += 1.0;
            } else if tag != "!" {
                xml_only += 1.0;
            }
            if c.starts_with("<?xml") || c.contains("xmlns") {
                xml_only += 3.0;
            }
        }

        // --- CSS
        if css_selector(c) {
            css_selectors += 1;
        }
        if css_property(c) {
            css_props += 1.5;
        }

        // --- SQL
        let upper_first = first_word(c);
        if SQL_STATEMENTS
            .iter()
            .any(|k| upper_first.eq_ignore_ascii_case(k))
        {
            let upper = upper_first.chars().all(|ch| ch.is_ascii_uppercase());
            if upper
                || c.to_ascii_lowercase().contains(" from ")
                || c.to_ascii_lowercase().contains(" into ")
                || c.to_ascii_lowercase().contains(" table ")
            {
                sql_statement = true;
                sql_words += 2.0;
            }
        }
        let kw = c
            .split(|ch: char| !is_ident_char(ch))
            .filter(|w| SQL_KEYWORDS.contains(w) || SQL_STATEMENTS.contains(w))
            .count();
        sql_words += (0.7 * kw as f32).min(2.5);
        if c.contains("dbms_output") || c.contains("VARCHAR") {
            sql_words += 2.0;
        }

        // --- Shell
        if t.starts_with("$ ") {
            s.add(Lang::Bash, 3.0);
        }
        let cmd_line = t.strip_prefix("$ ").unwrap_or(c);
        let cmd = first_word(cmd_line);
        let after = &cmd_line[cmd.len()..];
        if SHELL_COMMANDS.contains(&cmd)
            && (after.is_empty() || after.starts_with(' '))
            && !cmd_line.ends_with([';', '{', '(', ',', ':'])
            && !cmd_line.contains(" = ")
            && !cmd_line.contains("=>")
            && !after.trim_start().starts_with(['=', '('])
            && !(cmd == "export"
                && (after.contains("default")
                    || after.contains("const")
                    || after.contains("function")
                    || after.contains("class")))
            && !(cmd == "go" && after.trim().is_empty())
        {
            let tool = [
                "git", "npm", "yarn", "docker", "kubectl", "apt", "apt-get", "brew", "pip", "pip3",
                "sudo", "npx", "cargo", "mvn", "vue",
            ];
            s.add(
                Lang::Bash,
                if tool.contains(&cmd) && !after.trim().is_empty() {
                    3.0
                } else {
                    2.0
                },
            );
            if after.contains(" -") {
                s.add(Lang::Bash, 0.5);
            }
        }
        if shell_assignment(c) {
            s.add(Lang::Bash, 1.5);
        }
        if c.contains("$(")
            || c.starts_with("if [")
            || matches!(c, "fi" | "done" | "esac" | "then" | "do")
            || c.ends_with("; then")
            || c.ends_with("; do")
        {
            s.add(Lang::Bash, 2.0);
        }
        if c.contains(" | grep") || c.contains(" 2>&1") || c.contains("> /dev/null") {
            s.add(Lang::Bash, 1.5);
        }

        // --- YAML / JSON
        yaml.line(line);
        if json_key_line(c) {
            json_keys += 1;
        } else if !matches!(c.trim_end_matches(','), "{" | "}" | "[" | "]" | "},")
            && !json_value_line(c)
        {
            json_other += 1;
        }

        // --- Kotlin / Go / Rust
        if starts_word(c, "fun") || c.contains(" fun ") {
            s.add(Lang::Kotlin, 4.0);
        }
        if (starts_word(c, "val") || starts_word(c, "var")) && !ends_semi {
            s.add(Lang::Kotlin, 1.5);
        }
        if c.starts_with("data class")
            || c.contains("companion object")
            || c.contains("println(") && !c.contains("System.") && !c.contains("fmt.")
        {
            s.add(Lang::Kotlin, 1.5);
        }
        if c == "package main" || c.contains("fmt.") {
            s.add(Lang::Go, 4.0);
        }
        if starts_word(c, "func") {
            s.add(Lang::Go, 3.0);
            s.add(Lang::Java, -1.0);
        }
        if c.contains(":=") {
            s.add(Lang::Go, 1.0);
            sql_words += 0.5;
        }
        if starts_word(c, "fn")
            || c.starts_with("pub fn ")
            || c.contains("let mut ")
            || c.starts_with("impl ")
            || c.contains("println!")
            || c.starts_with("use std::")
        {
            s.add(Lang::Rust, 4.0);
        }
    }

    // Block-level evidence.
    if jsx_only >= 2.0 && s.get(Lang::JavaScript) >= 2.0 {
        s.add(Lang::Jsx, jsx_only + markup_lines);
    }
    s.add(Lang::Html, markup_lines + html_only);
    s.add(Lang::Xml, markup_lines + xml_only);
    if markup_lines > 0.0 && jsx_only < 2.0 {
        // Tags without JSX evidence: JavaScript-looking lines are likely inline script.
        s.add(Lang::JavaScript, -markup_lines / 2.0);
    }
    if css_selectors > 0 && css_props > 0.0 {
        s.add(Lang::Css, css_props + 1.5 * css_selectors as f32);
    }
    if sql_statement {
        s.add(Lang::Sql, sql_words);
    }
    s.add(Lang::Yaml, yaml.score(lines.len()));
    if json_keys > 0 && json_other == 0 {
        s.add(Lang::Json, 2.0 + 2.0 * json_keys as f32);
    }
    s
}

/// `Type name =`, `Type<T> name;`, `Type name(`: a declaration with a capitalised type, the
/// shape of Java/C# code.
fn typed_declaration(c: &str) -> bool {
    let mut parts = c.split_whitespace();
    let (Some(ty), Some(name)) = (parts.next(), parts.next()) else {
        return false;
    };
    let ty_ok = ty.starts_with(|ch: char| ch.is_ascii_uppercase())
        && ty
            .chars()
            .all(|ch| is_ident_char(ch) || matches!(ch, '<' | '>' | ',' | '[' | ']' | '?'))
        && ty.chars().any(|ch| ch.is_ascii_lowercase());
    let name_ident: String = name.chars().take_while(|&ch| is_ident_char(ch)).collect();
    let name_ok = name.starts_with(|ch: char| ch.is_ascii_lowercase() || ch == '_');
    let rest = &name[name_ident.len()..];
    let follow = parts.next().unwrap_or("");
    ty_ok
        && name_ok
        && (rest.starts_with([';', '(', '='])
            || follow.starts_with('=')
            || (rest.is_empty() && follow.is_empty() && c.ends_with(';')))
}

/// `key: value,` inside an object literal.
fn object_property(c: &str) -> bool {
    let Some((key, value)) = c.split_once(':') else {
        return false;
    };
    !key.is_empty() && key.chars().all(is_ident_char) && value.starts_with(' ') && c.ends_with(',')
}

/// `obj.method(args)` or `f(args)` as a whole line, without a semicolon.
fn call_statement(c: &str) -> bool {
    let Some(open) = c.find('(') else {
        return false;
    };
    let callee = &c[..open];
    !callee.is_empty()
        && callee.chars().all(|ch| is_ident_char(ch) || ch == '.')
        && !callee.starts_with('.')
        && c.ends_with(')')
        && !["if", "for", "while", "switch", "return"].contains(&callee)
}

/// `int[] a`, `String[][] grid`: array types written Java/C# style.
fn typed_array(c: &str) -> bool {
    c.match_indices("[]").any(|(i, _)| {
        let word = c[..i]
            .rsplit(|ch: char| !is_ident_char(ch))
            .next()
            .unwrap_or("");
        let is_type = C_TYPES.contains(&word)
            || matches!(word, "boolean" | "byte" | "String" | "Object")
            || word.starts_with(|ch: char| ch.is_ascii_uppercase());
        is_type && !word.is_empty() && c[i..].trim_start_matches("[]").starts_with(' ')
    })
}

/// `List<String>`, `Map<Integer, Node>`: generics over capitalised class types.
fn capitalized_generic(c: &str) -> bool {
    c.match_indices('<').any(|(i, _)| {
        c[..i].ends_with(|ch: char| ch.is_ascii_alphabetic())
            && c[..i]
                .rsplit(|ch: char| !is_ident_char(ch))
                .next()
                .is_some_and(|w| w.starts_with(|ch: char| ch.is_ascii_uppercase()))
            && c[i + 1..].starts_with(|ch: char| ch.is_ascii_uppercase())
    })
}

/// `f(x=1, y=2)`: keyword arguments, written without spaces around `=`.
fn keyword_arguments(c: &str) -> bool {
    let Some(args) = c.split_once('(').map(|(_, a)| a) else {
        return false;
    };
    args.split(',').any(|arg| {
        let arg = arg.trim();
        arg.split_once('=').is_some_and(|(k, v)| {
            !k.is_empty() && k.chars().all(is_ident_char) && !v.is_empty() && !v.starts_with('=')
        })
    })
}

/// `a->b` without spaces: C/C++ member access through a pointer.
fn arrow_deref(c: &str) -> bool {
    c.match_indices("->").any(|(i, _)| {
        let before = c[..i].chars().next_back();
        let after = c[i + 2..].chars().next();
        before.is_some_and(|ch| is_ident_char(ch) || ch == ')' || ch == ']')
            && after.is_some_and(|ch| ch.is_ascii_alphabetic() || ch == '_')
    })
}

/// `int *p`, `char* s`, `Node** head`, `struct Node *next`.
fn pointer_declaration(c: &str) -> bool {
    c.match_indices('*').any(|(i, _)| {
        let before = c[..i].trim_end();
        // The identifier just before `*`; trimmed by chars, so Hangul before it is no problem
        // (a byte offset `+ 1` past it is not a char boundary).
        let word = &before[before.trim_end_matches(is_ident_char).len()..];
        let after = c[i..].trim_start_matches('*').trim_start();
        let is_type = C_TYPES.contains(&word)
            || (word.starts_with(|ch: char| ch.is_ascii_uppercase())
                && word.len() > 1
                && word.chars().any(|ch| ch.is_ascii_lowercase()));
        is_type && after.starts_with(|ch: char| ch.is_ascii_alphabetic() || ch == '_' || ch == ')')
    })
}

/// A JSX component tag: `<Columns />`, `<MainPage/>`, `<Fragment>`.
fn component_tag(c: &str) -> bool {
    c.match_indices('<').any(|(i, _)| {
        let rest = &c[i + 1..];
        let rest = rest.strip_prefix('/').unwrap_or(rest);
        let name: String = rest
            .chars()
            .take_while(|ch| ch.is_ascii_alphanumeric())
            .collect();
        name.starts_with(|ch: char| ch.is_ascii_uppercase())
            && name.chars().any(|ch| ch.is_ascii_lowercase())
            && rest[name.len()..].trim_start().starts_with(['>', '/'])
            && !c[..i].ends_with(|ch: char| is_ident_char(ch))
    })
}

fn css_selector(c: &str) -> bool {
    let Some(sel) = c.strip_suffix('{') else {
        return false;
    };
    let sel = sel.trim();
    if sel.is_empty() || sel.contains(['(', '=', ';', '"']) && !sel.starts_with('@') {
        return false;
    }
    sel.split(',').map(str::trim).all(|part| {
        let head = part.split([' ', ':', '>', '.', '#']).next().unwrap_or("");
        part.starts_with(['.', '#', '*', ':', '@']) || HTML_TAGS.contains(&head)
    })
}

/// `color: red;`, `font-size: 14px;`
fn css_property(c: &str) -> bool {
    let Some((prop, value)) = c.split_once(':') else {
        return false;
    };
    !prop.is_empty()
        && prop
            .trim_end()
            .chars()
            .all(|ch| ch.is_ascii_lowercase() || ch == '-')
        && !prop.ends_with(' ')
        && c.ends_with(';')
        && !value.trim().is_empty()
}

/// `NAME=value` with no spaces around `=`.
fn shell_assignment(c: &str) -> bool {
    let Some((name, value)) = c.split_once('=') else {
        return false;
    };
    !name.is_empty()
        && !value.is_empty()
        && !value.starts_with(['=', ' '])
        && name
            .chars()
            .all(|ch| ch.is_ascii_uppercase() || ch.is_ascii_digit() || ch == '_')
        && name.starts_with(|ch: char| ch.is_ascii_uppercase())
}

fn json_key_line(c: &str) -> bool {
    let Some(rest) = c.strip_prefix('"') else {
        return false;
    };
    let Some(end) = rest.find('"') else {
        return false;
    };
    rest[end + 1..].trim_start().starts_with(':')
}

fn json_value_line(c: &str) -> bool {
    let v = c.trim_end_matches(',');
    v.starts_with('"') && v.ends_with('"')
        || v.parse::<f64>().is_ok()
        || matches!(v, "true" | "false" | "null")
}

/// YAML: `key: value` and `- item` lines, some nesting, nothing that ends like code.
#[derive(Default)]
struct Yaml {
    keys: usize,
    open_keys: usize,
    items: usize,
    nested: usize,
    codeish: usize,
    doc_start: bool,
}

impl Yaml {
    fn line(&mut self, line: &Line) {
        let c = line.code.as_str();
        if c == "---" {
            self.doc_start = true;
            return;
        }
        if c.ends_with([';', '{', '}', ',', '(', ')']) || c.contains(" = ") {
            self.codeish += 1;
            return;
        }
        if let Some(item) = c.strip_prefix("- ") {
            if !item.trim().is_empty() {
                self.items += 1;
                return;
            }
        }
        let Some((key, value)) = c.split_once(':') else {
            self.codeish += 1;
            return;
        };
        let key_ok = key.starts_with(|ch: char| {
            ch.is_ascii_alphabetic() || ch == '_' || ch == '"' || ch == '\''
        }) && key
            .chars()
            .all(|ch| is_ident_char(ch) || matches!(ch, '-' | '.' | '"' | '\''));
        if !key_ok || !(value.is_empty() || value.starts_with(' ')) {
            self.codeish += 1;
            return;
        }
        self.keys += 1;
        if value.trim().is_empty() {
            self.open_keys += 1;
        }
        if line.indent > 0 {
            self.nested += 1;
        }
    }

    fn score(&self, lines: usize) -> f32 {
        let yamlish = self.keys + self.items;
        let structured = self.open_keys > 0 && (self.nested > 0 || self.items > 0);
        if self.keys >= 2 && structured && yamlish * 10 >= lines * 8 && self.codeish * 10 <= lines {
            1.0 + yamlish as f32 + if self.doc_start { 1.0 } else { 0.0 }
        } else {
            0.0
        }
    }
}

/// The three best scores, to see why a block was (not) guessed.
pub fn explain(code: &str) -> String {
    let lines = split_lines(code);
    if looks_like_text(&lines) {
        return "text-like".to_string();
    }
    let scores = score(&lines);
    let mut all: Vec<(f32, &str)> = LANGS.iter().map(|&l| (scores.get(l), l.name())).collect();
    all.sort_by(|a, b| b.0.total_cmp(&a.0));
    all.iter()
        .take(3)
        .map(|(s, l)| format!("{l}={s:.1}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Best language if it has enough evidence and clearly beats every other family.
fn decide(scores: &Scores) -> Option<Lang> {
    let best = LANGS.iter().copied().fold(Lang::Python, |acc, l| {
        if scores.get(l) > scores.get(acc) {
            l
        } else {
            acc
        }
    });
    let top = scores.get(best);
    if top < MIN_SCORE {
        return None;
    }
    let runner_up = LANGS
        .iter()
        .filter(|l| l.family() != best.family())
        .map(|&l| scores.get(l))
        .fold(0.0f32, f32::max);
    if top - runner_up < (0.15 * top).max(1.5) {
        return None;
    }
    // Within a family the first-listed member wins ties (C before C++, JS before JSX).
    LANGS
        .iter()
        .copied()
        .filter(|l| l.family() == best.family())
        .find(|&l| scores.get(l) >= top)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_languages() {
        let cases = [
            ("python", "import os\n\ndef main():\n    for x in range(3):\n        print(x)\n"),
            ("java", "public class A {\n    public static void main(String[] args) {\n        System.out.println(\"hi\");\n    }\n}\n"),
            ("c", "#include <stdio.h>\n\nint main(void) {\n    printf(\"%d\\n\", 1);\n    return 0;\n}\n"),
            ("cpp", "#include <iostream>\nusing namespace std;\nint main() {\n    cout << 1 << endl;\n}\n"),
            ("javascript", "const add = (a, b) => a + b;\nconsole.log(add(1, 2));\n"),
            ("jsx", "import React from 'react';\nfunction App() {\n  return <div className=\"app\">hi</div>;\n}\n"),
            ("bash", "$ git clone https://example.com/repo.git\n$ cd repo\n$ npm install\n"),
            ("sql", "SELECT name, age\nFROM users\nWHERE age > 20\nORDER BY name;\n"),
            ("yaml", "language: java\njdk:\n  - openjdk11\ncache:\n  directories:\n    - $HOME/.m2\n"),
            ("json", "{\n  \"name\": \"gongbu\",\n  \"version\": \"1.0.0\",\n  \"private\": true\n}\n"),
            ("css", ".main {\n  font-size: 24px;\n  color: red;\n}\n"),
            ("html", "<div class=\"box\">\n  <p>Hello</p>\n  <input type=\"text\">\n</div>\n"),
            ("kotlin", "fun main() {\n    val name = \"kim\"\n    println(name)\n}\n"),
            ("go", "package main\n\nimport \"fmt\"\n\nfunc main() {\n    fmt.Println(\"hi\")\n}\n"),
            ("rust", "fn main() {\n    let mut v = Vec::new();\n    v.push(1);\n    println!(\"{:?}\", v);\n}\n"),
            ("vue", "<template>\n  <div>{{ msg }}</div>\n</template>\n<script>\nexport default { data() { return { msg: 'hi' } } }\n</script>\n"),
        ];
        for (want, code) in cases {
            assert_eq!(guess_language(code), Some(want), "{code}");
        }
    }

    #[test]
    fn shebang_uses_first_line() {
        assert_eq!(
            guess_language("#!/usr/bin/env python3\nx = 1\n"),
            Some("python")
        );
        assert_eq!(guess_language("#!/bin/bash\necho hi\n"), Some("bash"));
    }

    #[test]
    fn too_little_evidence_is_plain() {
        for code in ["", "x", "5\n3\n2\n", "OK\nOK\nabcd1\n", "a = n / M\n"] {
            assert_eq!(guess_language(code), None, "{code:?}");
        }
    }

    #[test]
    fn hangul_before_a_star_does_not_panic() {
        // Issue #8: `가* x` sliced the line one byte into the Hangul syllable.
        assert_eq!(guess_language("가* x"), None);
        assert_eq!(guess_language("int main() {\n    노드* p = 0;\n}\n"), Some("c"));
    }

    /// Every byte-index slice in this file must land on a char boundary, whatever the input:
    /// guess every prefix, suffix and split of Hangul-and-symbol lines, and each with an ASCII
    /// symbol the scorer looks at inserted between two characters.
    #[test]
    fn no_input_split_panics() {
        let samples = [
            "가* x",
            "int 가*p = 노드->다음; // 주석 #태그",
            "<가 class=\"나\">{값}</가> `${이름}` @주석 '문자열\\'",
            "public 클래스<타입> 변수 = new 배열[3]; /* 주석 */ -- 설명",
            "#가 \"나\\\"다\" a->가 $(명령) 가::나 f(가=1) 노드** 머리",
            "- 키: 값\n  항목: [가, 나]\n\"키\": \"값\",",
        ];
        let symbols = [
            "", "*", "->", "#", "/", "//", "/*", "<", "{", "}", "\"", "'", "`", "\\", "@", "$",
            ":", "=", ";", "[", "]", "(", ")", "-", " ", "\n", "<!--", "*/",
        ];
        for s in samples {
            let cuts: Vec<usize> = s.char_indices().map(|(i, _)| i).chain([s.len()]).collect();
            for &i in &cuts {
                let (head, tail) = s.split_at(i);
                guess_language(head);
                guess_language(tail);
                for sym in symbols {
                    guess_language(&format!("{head}{sym}{tail}"));
                    guess_language(&format!("{head}{sym}\n{tail}"));
                }
            }
        }
    }
}
