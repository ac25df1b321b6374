//! Guessing the language of an unlabeled code block from general language features. How well
//! it guesses is measured outside the library, by `src/bin/guess-accuracy.rs`.
//!
//! The guess is a hand-weighted scorer: each line adds evidence for one or more languages
//! (the table of rules in `rules.rs`), the best language must clear a minimum score and beat
//! every other language family by a margin. Prose, diagrams and program output are rejected
//! before scoring, because plain text is far better than wrong colours.
//!
//! Speed: `strip_line` copies runs of plain bytes, and the text tests answer ASCII lines (most
//! of them) by bytes, without the Hangul and arrow checks. Measured on the 1,000-note build
//! (-j 1): 5,542.0 M -> 5,520.3 M instructions.

use super::Highlighter;
use crate::text::is_hangul;

mod hint;
mod needles;
mod rules;

pub use hint::note_language;
use rules::{score, Lang, Scores, LANGS};

/// Minimum evidence before anything is highlighted, for blocks of three lines or more.
const MIN_SCORE: f32 = 3.0;
/// A one-liner cannot pile up evidence: one telling construct (`System.out.println(…)`,
/// `SELECT … FROM …`, `docker run -d …`) must do. Two lines sit in between.
const MIN_SCORE_ONE_LINE: f32 = 2.0;
const MIN_SCORE_TWO_LINES: f32 = 2.5;
/// Only the first lines are read: enough evidence, bounded cost on huge blocks.
const MAX_LINES: usize = 300;

/// Guess the language of an unlabeled block; None for prose, diagrams, output, or too little
/// evidence. Returns the canonical name.
pub fn guess_language(code: &str) -> Option<&'static str> {
    guess_language_in(code, None)
}

/// The guess for a block of a note whose code is in `note_language` (canonical name, from
/// `note_language`): a block that could be written in it and reads as no other language is
/// taken to be in it (see `hint.rs`). Text stays text whatever the note.
pub fn guess_language_in(code: &str, note_language: Option<&str>) -> Option<&'static str> {
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
    let decided = decide(&scores, lines.len());
    match note_language.and_then(Lang::from_name) {
        Some(hint) => hint::with_hint(hint, decided, &scores, &lines).map(Lang::name),
        None => decided.map(Lang::name),
    }
}

/// Markers that settle the question on their own.
fn strong_marker(code: &str) -> Option<&'static str> {
    if code.contains("<%@") || code.contains("<%=") {
        return Some("jsp");
    }
    if code.contains("<?php") {
        return Some("php");
    }
    let vue_attr = ["v-model=", "v-on:", "v-bind:", "v-if=", "v-for=", "v-show=", "@click="];
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
        out.push(Line { raw, code, indent, trailing_hash });
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
            // A `* text` line continues a block comment; `* {` is CSS's universal selector.
            b'*' if i == 0 && (b.len() == 1 || b[1] == b' ' || b[1] == b'/') && !raw.starts_with("* {") => break,
            b'#' if prev_space && is_hash_comment(raw, i) => {
                trailing_hash = i > 0 && !out.trim().is_empty();
                break;
            }
            b'-' if prev_space && (rest.starts_with(b"-- ") || rest.starts_with(b"-->")) => break,
            _ => {
                // Copy up to the next byte an arm above may take (`*` only counts at the line's
                // start). Those bytes are ASCII, so the run ends on a char boundary: lines hold
                // Hangul.
                let end = b[i + 1..]
                    .iter()
                    .position(|c| matches!(c, b'"' | b'\'' | b'`' | b'/' | b'<' | b'#' | b'-'))
                    .map_or(b.len(), |p| i + 1 + p);
                out.push_str(&raw[i..end]);
                i = end;
                continue;
            }
        }
        i += 1;
    }
    out.truncate(out.trim_end().len());
    (out, trailing_hash)
}

/// `#` starts a comment unless it is a C preprocessor directive, a shebang or a CSS id
/// selector at line start, or a CSS colour after a property (`color: #333;`).
fn is_hash_comment(raw: &str, i: usize) -> bool {
    if i > 0 {
        let colour = raw[i + 1..].split([';', ' ', '}']).next().unwrap_or("");
        let is_colour = matches!(colour.len(), 3 | 4 | 6 | 8)
            && colour.chars().all(|c| c.is_ascii_hexdigit())
            && raw[..i].trim_end().ends_with(':');
        return !is_colour;
    }
    match raw[1..].chars().next() {
        None => true,
        Some(c) => c.is_whitespace() || c == '#' || c == '-' || c == '=' || !c.is_ascii(),
    }
}

/// Prose, diagrams, numbered explanations: reject the block when enough lines read like text.
/// Pseudocode needs fewer such lines: its code-like lines (`S := S - 1`, `x = x + 1`) read as
/// several languages, and one `procedure`/`end if`/`then` line gives it away.
fn looks_like_text(lines: &[Line]) -> bool {
    let mut text_lines = 0;
    let mut pseudo_lines = 0;
    for line in lines {
        if is_pseudocode_line(line) {
            pseudo_lines += 1;
            text_lines += 1;
        } else if is_text_line(line) {
            text_lines += 1;
        }
    }
    text_lines * 10 >= lines.len() * 4 || pseudo_lines * 6 >= lines.len() || is_printed_value(lines)
}

/// A block that is one printed value (`undefined`, `True`, `null`): what a program printed,
/// not code, whatever language the note is in.
fn is_printed_value(lines: &[Line]) -> bool {
    let [line] = lines else {
        return false;
    };
    matches!(line.raw, "undefined" | "null" | "true" | "false" | "True" | "False" | "None" | "NaN" | "nil")
}

fn is_text_line(line: &Line) -> bool {
    let raw = line.raw;
    // Worked examples: `Input: arr[] = {1, 2}`, `Output: 72`.
    let head = &raw[..raw.bytes().position(|b| b == b':' || b == b' ').unwrap_or(raw.len())];
    if matches!(head, "Input" | "Output" | "Example" | "Result" | "Answer" | "input" | "output") {
        return true;
    }
    // Stack traces and tracebacks are program output.
    if (raw.starts_with("at ") && raw.ends_with(')'))
        || raw.starts_with("Exception in thread")
        || raw.starts_with("Caused by:")
        || raw.starts_with("Traceback (most recent call last)")
        || is_exception_message(raw)
    {
        return true;
    }
    // HTTP messages: two-face has no grammar for them, and their header lines would be
    // coloured as YAML keys; they stay plain (see `is_http_start_line`).
    if is_http_start_line(raw) {
        return true;
    }
    // Arrows and box-drawing characters outside comments belong to diagrams, not code. (None
    // is ASCII, nor is Hangul: most lines are answered by `is_ascii`.)
    let ascii = line.code.is_ascii();
    if !ascii
        && line.code.chars().any(|c| {
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
        })
    {
        return true;
    }
    // ASCII boxes and tables: `+---+---+`, `| a | b |`.
    if raw.starts_with("+-") || raw.starts_with("|") || raw.contains("-+-") {
        return true;
    }
    // A markup line (`<h1>제목</h1>`) holds text between tags; it is still markup.
    if raw.starts_with('<') && raw.ends_with('>') && rules::leading_tag(raw).is_some() {
        return false;
    }
    let mut hangul = 0;
    let mut ascii_words = 0;
    let mut alpha_words = 0;
    let mut tokens = 0;
    // A token with an ASCII letter is a word; a plain word (letters, `'`, `-`, then maybe
    // punctuation) counts twice. By bytes: a char of several bytes is none of these.
    let mut word = |tok: &[u8]| {
        if tok.iter().any(u8::is_ascii_alphabetic) {
            ascii_words += 1;
            let end = tok.iter().rposition(|b| !matches!(b, b',' | b'.' | b'!' | b'?' | b':')).map_or(0, |p| p + 1);
            let word = &tok[..end];
            // `-d` is a command's flag, not a word.
            if !word.is_empty()
                && word[0] != b'-'
                && word.iter().all(|&b| b.is_ascii_alphabetic() || b == b'\'' || b == b'-')
            {
                alpha_words += 1;
            }
        }
    };
    if ascii {
        // `split_whitespace` by bytes: its ASCII whitespace is tab to carriage return and space.
        for tok in line.code.as_bytes().split(|b| matches!(b, b'\t'..=b'\r' | b' ')).filter(|t| !t.is_empty()) {
            tokens += 1;
            word(tok);
        }
    } else {
        for tok in without_placeholders(&line.code).split_whitespace() {
            tokens += 1;
            if tok.chars().any(is_hangul) {
                hangul += 1;
            } else {
                word(tok.as_bytes());
            }
        }
    }
    if (hangul >= 2 && hangul > ascii_words) || (hangul >= 1 && ascii_words == 0) {
        return true;
    }
    // An English sentence: many plain words and none of the punctuation code is made of.
    let codeish =
        || line.code.bytes().any(|b| matches!(b, b'{' | b'}' | b';' | b'=' | b'(' | b')' | b'[' | b'<' | b'$' | b'"'));
    tokens >= 6 && alpha_words * 10 >= tokens * 8 && !codeish()
}

/// `java.sql.SQLException: Access denied`, `ValueError: bad input`: an exception as printed.
fn is_exception_message(raw: &str) -> bool {
    // The first `: `, found by bytes (a text search costs more on these short lines).
    let Some(colon) = raw.as_bytes().windows(2).position(|w| w == b": ") else {
        return false;
    };
    let name = &raw[..colon];
    let class = name.rsplit('.').next().unwrap_or(name);
    (class.ends_with("Exception") || class.ends_with("Error"))
        && class.starts_with(|c: char| c.is_ascii_uppercase())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_' || c == '$')
}

/// `GET /index.html HTTP/1.1` or `HTTP/1.1 200 OK`: the first line of an HTTP request or
/// response, as notes list them.
fn is_http_start_line(raw: &str) -> bool {
    if raw.starts_with("HTTP/") {
        return true;
    }
    let mut words = raw.split_whitespace();
    let method = words.next().unwrap_or("");
    if !matches!(method, "GET" | "POST" | "PUT" | "DELETE" | "PATCH" | "HEAD" | "OPTIONS" | "CONNECT" | "TRACE") {
        return false;
    }
    let target = words.next().unwrap_or("");
    let version = words.next().unwrap_or("");
    (target.starts_with('/') || target.starts_with("http") || target == "*")
        && (version.starts_with("HTTP/") || version.is_empty())
        && words.next().is_none()
}

/// Textbook pseudocode, which no language in the table is written in: `FOR i = 1 TO n`,
/// `END IF`, `if a > b then`, `while x < n do`, `for each v of G:`, `procedure Sort(A)`,
/// `function DFS(v):`, or a phrase of plain words such as `mark v as visited`.
fn is_pseudocode_line(line: &Line) -> bool {
    let c = line.code.as_str();
    let first = c.split_whitespace().next().unwrap_or("");
    let is = |w: &str| first.eq_ignore_ascii_case(w);
    let no_semi = !c.contains(';');
    if ["procedure", "algorithm", "endfor", "endif", "endwhile", "repeat", "until"].iter().any(|w| is(w)) {
        return true;
    }
    // Only lines led by these words need the lower-cased text (most code lines are not).
    if !["end", "for", "if", "elif", "else", "while", "function"].iter().any(|w| is(w)) {
        return plain_phrase(c);
    }
    // `first` is where it is in `c` (after any blank a removed comment left): the same bytes
    // of `lower`, so the slice is on char boundaries.
    let start = c.len() - c.trim_start().len();
    let lower = c.to_ascii_lowercase();
    let first = &lower[start..start + first.len()];
    if (first == "end" && no_semi && c.split_whitespace().count() <= 2)
        || lower.starts_with("end for")
        || lower.starts_with("end if")
        || lower.starts_with("end while")
        || lower.starts_with("for each ")
        || lower.starts_with("for all ")
    {
        return true;
    }
    // `for i = 1 to n`, `for i ← 1 to n` (Basic-like loops).
    if first == "for" && (lower.contains(" to ") || lower.contains(" downto ")) && !c.contains('(') {
        return true;
    }
    // `if x then` / `while x do` without the shell's `;`.
    if matches!(first, "if" | "elif" | "else" | "while")
        && no_semi
        && (lower.ends_with(" then") || (first == "while" && lower.ends_with(" do")))
    {
        return true;
    }
    if first == "function" && c.ends_with(':') {
        return true;
    }
    // `if p < r`, `while i > 0`: a condition with neither Python's `:`, C's parentheses nor a
    // brace or the shell's `[`.
    if matches!(first, "if" | "while")
        && no_semi
        && !c[start + first.len()..].trim_start().starts_with(['(', '['])
        && !c.ends_with([':', '{', ')', '\\', ']'])
        && c.split_whitespace().count() >= 3
    {
        return true;
    }
    plain_phrase(c)
}

/// Three or more lower-case words and nothing else, not led by a keyword or a command:
/// `mark v as visited`, `return the smallest one`.
fn plain_phrase(c: &str) -> bool {
    // Bytes first: any punctuation or digit rules the line out without splitting it.
    if !c.bytes().all(|b| b.is_ascii_lowercase() || b == b' ' || b == b'\t') {
        return false;
    }
    let Some(first) = c.split_whitespace().next() else {
        return false;
    };
    c.split_whitespace().nth(2).is_some() && !rules::is_keyword_or_command(first)
}

/// Drop `{...}` and `<...>` spans holding Hangul: placeholders such as `cd {프로젝트명}`.
fn without_placeholders(code: &str) -> std::borrow::Cow<'_, str> {
    if !code.chars().any(is_hangul) {
        return std::borrow::Cow::Borrowed(code);
    }
    let mut out = String::with_capacity(code.len());
    let mut rest = code;
    while let Some(open) = rest.find(['{', '<']) {
        let close_ch = if rest[open..].starts_with('{') { '}' } else { '>' };
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

/// The three best scores, to see why a block was (not) guessed.
pub fn explain(code: &str) -> String {
    let lines = split_lines(code);
    if looks_like_text(&lines) {
        return "text-like".to_string();
    }
    let scores = score(&lines);
    let mut all: Vec<(f32, &str)> = LANGS.iter().map(|&l| (scores.get(l), l.name())).collect();
    all.sort_by(|a, b| b.0.total_cmp(&a.0));
    all.iter().take(3).map(|(s, l)| format!("{l}={s:.1}")).collect::<Vec<_>>().join(" ")
}

/// Best language if it has enough evidence for a block of `lines` lines and clearly beats every
/// other family.
fn decide(scores: &Scores, lines: usize) -> Option<Lang> {
    let best = LANGS.iter().copied().fold(Lang::Python, |acc, l| if scores.get(l) > scores.get(acc) { l } else { acc });
    let top = scores.get(best);
    let min = match lines {
        1 => MIN_SCORE_ONE_LINE,
        2 => MIN_SCORE_TWO_LINES,
        _ => MIN_SCORE,
    };
    if top < min {
        return None;
    }
    let runner_up = LANGS.iter().filter(|l| l.family() != best.family()).map(|&l| scores.get(l)).fold(0.0f32, f32::max);
    if top - runner_up < (0.15 * top).max(1.5) {
        return None;
    }
    // Within a family the first-listed member wins ties (C before C++, JS before JSX).
    LANGS.iter().copied().filter(|l| l.family() == best.family()).find(|&l| scores.get(l) >= top)
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

    /// One telling construct is enough for a one-line block (issue #10: Java and SQL
    /// one-liners were left plain).
    #[test]
    fn one_liners() {
        let cases = [
            ("java", "System.out.println(\"hi\");\n"),
            ("java", "int[] arr = new int[10];\n"),
            ("sql", "select * from post where title like '%a%' limit 10;\n"),
            ("sql", "SET TRANSACTION ISOLATION LEVEL READ COMMITTED;\n"),
            ("bash", "docker run -d -p 8080:80 nginx\n"),
            ("bash", "export JAVA_HOME=/usr/lib/jvm/java-17\n"),
            ("go", "x := 10\n"),
            ("kotlin", "val list = listOf(1, 2, 3)\n"),
            ("python", "print(\"hello\")\n"),
            ("css", "body { margin: 0; }\n"),
            ("json", "{\"id\": 1, \"name\": \"kim\"}\n"),
            ("typescript", "const users: User[] = [];\n"),
            // A Rust binding's type is not a TypeScript annotation.
            ("rust", "let total: i64 = xs.iter().sum();\nprintln!(\"{}\", total);\n"),
        ];
        for (want, code) in cases {
            assert_eq!(guess_language(code), Some(want), "{code}");
        }
    }

    /// Pseudocode, HTTP messages and printed exceptions are text (issue #10: pseudocode was
    /// highlighted as Python, Bash, Go or Java).
    #[test]
    fn pseudocode_http_and_exceptions_stay_plain() {
        for code in [
            "FOR i = 1 TO n\n    sum ← sum + A[i]\nEND FOR\n",
            "procedure P(S)\n    while S=0 do wait\n    S := S-1\nend P\n",
            "function DFS(v):\n    mark v as visited\n    for each neighbor w of v:\n        if w is not visited:\n            DFS(w)\n",
            "MergeSort(A, p, r)\n    if p < r\n        q = (p + r) / 2\n        MergeSort(A, p, q)\n        Merge(A, p, q, r)\n",
            "DELETE /api/items/5 HTTP/1.1\nHost: localhost\n",
            "HTTP/1.1 200 OK\nContent-Type: text/html\nContent-Length: 138\n",
            "java.sql.SQLException: Access denied for user 'root'@'localhost'\n",
            "Thread-0 start\nThread-1 start\nThread-0 end\n",
        ] {
            assert_eq!(guess_language(code), None, "{code}");
        }
    }

    #[test]
    fn shebang_uses_first_line() {
        assert_eq!(guess_language("#!/usr/bin/env python3\nx = 1\n"), Some("python"));
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
            "/* 주석 */ if 가나 then\n/* x */ end 가\n/**/ for 가 to 나",
            "export 가=나\nFROM 가:1 AS 나\n$('가') 가!(나) let 가: i64 -> 가 color: #fff가; 가.Lock()",
        ];
        let symbols = [
            "", "*", "->", "#", "/", "//", "/*", "<", "{", "}", "\"", "'", "`", "\\", "@", "$", ":", "=", ";", "[",
            "]", "(", ")", "-", " ", "\n", "<!--", "*/",
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
