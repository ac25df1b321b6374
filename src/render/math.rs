//! Math in notes (`$…$`, `` $`…`$ ``, `$$…$$`, ```` ```math ```` blocks) as MathML written at
//! build time, so formulas show with no script in every browser that renders MathML Core.
//!
//! The Markdown parser finds `$` pairs with pulldown-cmark's rules (no space just inside the
//! opening or closing `$`); `is_inline_math` then applies GitHub's stricter view of what is
//! around them, so prices (`$5 and $10`) and shell variables in prose (`$HOME/bin:$PATH`) stay
//! text. A formula pulldown-latex cannot read is shown as its source in code, with a warning.

use pulldown_latex::config::DisplayMode;
use pulldown_latex::{push_mathml, Parser, ParserError, RenderConfig, Storage};
use std::error::Error;

use super::escape;

/// Formulas longer than this are shown as code: TeX macros can expand a short text a long way,
/// and no note needs a formula this long.
const MAX_FORMULA_BYTES: usize = 8 * 1024;

/// Whether an inline `$…$` that starts at `start` in `source` (its opening `$`) and holds `tex`
/// is math as GitHub reads it: the opening `$` does not follow a letter or digit, and the closing
/// `$` is not followed by a Latin letter or digit, `_`, `{`, `$` or `\`. Hangul may follow
/// (`$O(n)$의`), which is how Korean notes attach particles.
pub(crate) fn is_inline_math(source: &str, start: usize, tex: &str) -> bool {
    let before = source.get(..start).and_then(|s| s.chars().next_back());
    if before.is_some_and(|c| c.is_alphanumeric() || c == '\\') {
        return false;
    }
    // The closing `$` is found only when the formula is one piece of the source; a formula
    // broken over lines of a block quote or list item is judged by its opening alone.
    let after_open = start + 1;
    let closing = after_open + tex.len();
    let contiguous = source.get(after_open..closing) == Some(tex) && source.get(closing..closing + 1) == Some("$");
    let after = if contiguous { source.get(closing + 1..).and_then(|s| s.chars().next()) } else { None };
    !after.is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '{' | '$' | '\\'))
}

/// The TeX of `` $`…`$ `` (GitHub's form for formulas that hold Markdown characters) without
/// its backticks; other formulas as they are.
pub(crate) fn without_backticks(tex: &str) -> &str {
    match tex.strip_prefix('`').and_then(|t| t.strip_suffix('`')) {
        Some(inner) if !inner.is_empty() => inner,
        _ => tex,
    }
}

/// `tex` as a `<math>` element (`display="block"` when `display`), its source kept in an
/// annotation; or why it cannot be read. Never panics, whatever the input.
pub(crate) fn to_mathml(tex: &str, display: bool) -> Result<String, String> {
    if tex.len() > MAX_FORMULA_BYTES {
        return Err(format!("formula longer than {} KB", MAX_FORMULA_BYTES / 1024));
    }
    if tex.trim().is_empty() {
        return Err("empty formula".into());
    }
    // pulldown-latex writes the annotation as it is given: escape it here.
    let annotation = escape(tex.trim());
    let config = RenderConfig {
        display_mode: if display { DisplayMode::Block } else { DisplayMode::Inline },
        annotation: Some(&annotation),
        ..RenderConfig::default()
    };
    // The crate is young and says it has not been fuzzed: a panic in it is one unreadable formula.
    std::panic::catch_unwind(|| {
        let storage = Storage::new();
        let events = Parser::new(tex, &storage).collect::<Result<Vec<_>, ParserError>>().map_err(|e| reason(&e))?;
        let mut out = String::with_capacity(tex.len() * 8);
        push_mathml(&mut out, events.into_iter().map(Ok::<_, ParserError>), config).map_err(|e| e.to_string())?;
        Ok(escape_stray_angles(&out))
    })
    .unwrap_or_else(|_| Err("the formula could not be read".into()))
}

/// The one-line reason of a parse error (its `Display` adds a multi-line excerpt).
fn reason(error: &ParserError) -> String {
    error.source().map(|kind| kind.to_string()).unwrap_or_else(|| "invalid formula".into())
}

/// Where a formula sits on the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Placement {
    /// `$…$` in a line of text.
    Inline,
    /// `$$…$$` inside a paragraph: shown as a block, written as phrasing content (a `<span>`)
    /// because a `<div>` would end the paragraph early.
    InParagraph,
    /// A ```` ```math ```` block.
    Block,
}

/// The HTML shown for math in a note: MathML, or its source as code when it cannot be read
/// (with the reason, for the warning the caller gives at the formula's line). Display math is
/// wrapped so a wide formula scrolls sideways instead of widening the page.
pub(crate) fn math_html(tex: &str, placement: Placement) -> (String, Option<String>) {
    match to_mathml(tex, placement != Placement::Inline) {
        Ok(mathml) => match placement {
            Placement::Inline => (mathml, None),
            Placement::InParagraph => (format!("<span class=\"math-display\">{mathml}</span>"), None),
            Placement::Block => (format!("<div class=\"math-display\">{mathml}</div>\n"), None),
        },
        Err(why) => {
            let (code, title) = (escape(tex), escape(&why));
            let html = match placement {
                Placement::Inline => format!("<code class=\"math-error\" title=\"{title}\">${code}$</code>"),
                Placement::InParagraph => {
                    format!("<code class=\"math-error math-error-display\" title=\"{title}\">$${code}$$</code>")
                }
                Placement::Block => {
                    format!("<pre class=\"math-error\" title=\"{title}\"><code>{code}</code></pre>\n")
                }
            };
            (html, Some(why))
        }
    }
}

/// Elements and attributes pulldown-latex writes; see `escape_stray_angles`.
const ELEMENTS: &[&str] = &[
    "math",
    "semantics",
    "annotation",
    "mrow",
    "mi",
    "mo",
    "mn",
    "ms",
    "mtext",
    "mspace",
    "msup",
    "msub",
    "msubsup",
    "munder",
    "mover",
    "munderover",
    "mfrac",
    "msqrt",
    "mroot",
    "mstyle",
    "mpadded",
    "mphantom",
    "mtable",
    "mtr",
    "mtd",
    "menclose",
    "merror",
    "mmultiscripts",
    "mprescripts",
    "none",
];
const ATTRIBUTES: &[&str] = &[
    "class",
    "depth",
    "display",
    "displaystyle",
    "encoding",
    "height",
    "largeop",
    "linethickness",
    "mathvariant",
    "maxsize",
    "minsize",
    "movablelimits",
    "scriptlevel",
    "stretchy",
    "style",
    "symmetric",
    "width",
    "xmlns",
    "lspace",
    "rspace",
    "accent",
    "accentunder",
    "form",
    "fence",
    "separator",
    "columnalign",
    "rowalign",
];

/// pulldown-latex writes the characters of a formula raw: a `<` operator as `<mo><</mo>`, and
/// `\operatorname{<b}` as `<mi><b</mi>`. Every `<` that does not begin one of the tags it writes
/// (a known element with known attributes, values without markup) becomes `&lt;`, so the page is
/// valid HTML and no formula can open an element or add an event handler. Linear in the output.
fn escape_stray_angles(mathml: &str) -> String {
    let mut out = String::with_capacity(mathml.len() + 16);
    let mut rest = mathml;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        match rest.find('>').map(|end| &rest[..=end]).filter(|tag| is_known_tag(tag)) {
            Some(tag) => {
                out.push_str(tag);
                rest = &rest[tag.len()..];
            }
            None => {
                out.push_str("&lt;");
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// `tag` (`<…>`, no `<` or `>` inside) is one pulldown-latex writes: `</name>`, or `<name` with
/// `attr="value"` pairs and an optional ` /`.
fn is_known_tag(tag: &str) -> bool {
    let inner = &tag[1..tag.len() - 1];
    if inner.contains('<') {
        return false;
    }
    if let Some(name) = inner.strip_prefix('/') {
        return ELEMENTS.contains(&name);
    }
    let inner = inner.strip_suffix(" /").unwrap_or(inner);
    let (name, mut attrs) = inner.split_once(' ').unwrap_or((inner, ""));
    if !ELEMENTS.contains(&name) {
        return false;
    }
    while !attrs.is_empty() {
        let Some((attr, after)) = attrs.trim_start().split_once("=\"") else { return false };
        let Some((value, after)) = after.split_once('"') else { return false };
        let safe_value = !value.contains("url") && !value.contains("expression") && !value.contains('\\');
        if !ATTRIBUTES.contains(&attr) || !safe_value {
            return false;
        }
        attrs = after;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inline(source: &str) -> bool {
        let start = source.find('$').unwrap();
        let end = source[start + 1..].find('$').unwrap() + start + 1;
        is_inline_math(source, start, &source[start + 1..end])
    }

    #[test]
    fn github_boundaries() {
        assert!(inline("$x$"));
        assert!(inline("값 $x^2$ 이다"));
        assert!(inline("$O(n)$의 시간"), "Hangul particles may follow");
        assert!(inline("($x$)"));
        assert!(inline("$x$."));
        assert!(!inline("a$x$"), "after a letter");
        assert!(!inline("1$x$"));
        assert!(!inline("$HOME/bin:$PATH"), "a letter follows the closing $");
        assert!(!inline("$x$1"));
        assert!(!inline("${A}:${B}"));
        assert!(!inline("\\$x$"));
    }

    #[test]
    fn backtick_form() {
        assert_eq!(without_backticks("`a<b`"), "a<b");
        assert_eq!(without_backticks("``"), "``");
        assert_eq!(without_backticks("x`"), "x`");
    }

    #[test]
    fn renders_mathml_with_escaped_annotation() {
        let html = to_mathml(r"\frac{a}{b} < c", false).unwrap();
        assert!(html.starts_with("<math"), "{html}");
        assert!(html.contains("<mfrac>"), "{html}");
        assert!(html.contains(r#"<annotation encoding="application/x-tex">\frac{a}{b} &lt; c</annotation>"#), "{html}");
        let block = to_mathml("x", true).unwrap();
        assert!(block.contains(r#"display="block""#), "{block}");
    }

    #[test]
    fn nothing_raw_reaches_the_html() {
        for tex in [
            r"\text{<img src=x onerror=alert(1)>}",
            "a<b>c",
            "<script>x</script>",
            "a<b",
            "a <b",
            r"\operatorname{<b}",
            r"\mathrm{<b>}",
            r"\mathbf{<b}",
            r"\text{&lt;b}",
            r"\mbox{<b}",
            r"\textbf{<b}",
            r"\color{red}{<b}",
            r#"\textcolor{"><b}{x}"#,
            r"\def\x{<b}\x",
            r"\left<b\right>",
            r"\begin{array}{c}<b\end{array}",
            r#"\class{"><b}{x}"#,
            r#"\href{"><b}{x}"#,
            r"\verb|<b|",
            r#"\operatorname{<mi onclick="alert(1)">x}"#,
        ] {
            let (html, _) = math_html(tex, Placement::Inline);
            assert!(!html.contains("<img") && !html.contains("<b") && !html.contains("<script"), "{html}");
            assert!(!html.contains("<mi onclick"), "{html}");
            assert!(!html.contains("<<") && !html.contains("< "), "{html}");
        }
    }

    #[test]
    fn invalid_formulas_are_code_with_a_reason() {
        for tex in [r"\frac{a", r"\notacommand", "}{", r"\begin{matrix} a", &"{".repeat(20_000)] {
            let (html, why) = math_html(tex, Placement::Block);
            assert!(why.is_some(), "{tex}: {html}");
            assert!(html.starts_with("<pre class=\"math-error\""), "{html}");
        }
        let (html, why) = math_html(r"\frac{a", Placement::Inline);
        assert_eq!(
            html,
            r#"<code class="math-error" title="{}">$\frac{a$</code>"#.replace("{}", &escape(&why.unwrap()))
        );
    }

    #[test]
    fn hostile_macros_end() {
        // Self-recursion and doubling: the crate's expansion limit, or our length cap, stops them.
        let name = |i: u8| format!(r"\q{}", (b'a' + i) as char);
        let mut doubling = r"\def\qa{x}".to_string();
        for i in 1..26 {
            doubling.push_str(&format!(r"\def{}{{{}{}}}", name(i), name(i - 1), name(i - 1)));
        }
        doubling.push_str(&name(25));
        for tex in [r"\def\a{\a}\a".to_string(), doubling, r"\def\a{\a\a}\a".into()] {
            let start = std::time::Instant::now();
            let _ = math_html(&tex, Placement::Inline);
            assert!(start.elapsed().as_secs() < 5, "{tex}");
        }
    }

    /// Random formulas from TeX's sharp edges: never a panic, never a tag pulldown-latex does
    /// not write, each one quick.
    #[test]
    fn random_formulas_never_escape() {
        let tokens = [
            r"\frac",
            "{",
            "}",
            "^",
            "_",
            r"\begin{matrix}",
            r"\end{matrix}",
            "&",
            r"\\",
            "<",
            ">",
            "\"",
            "'",
            r"\operatorname{",
            r"\text{",
            r"\def\a#1{",
            r"\a",
            r"\left(",
            r"\right)",
            "x",
            "1",
            r"\sqrt[",
            "]",
            r"\color{red}",
            "#1",
            "%",
            "\\",
            "é",
            "한",
            " ",
            "$",
            r"\mathbb{",
            r"\not",
            r"\verb",
            r"\begin{align}",
            r"\end{align}",
            r"\hline",
            r"\tag{1}",
            "\n",
            r"\limits",
            r"\sum",
            "=",
            "<mi onclick=",
            "&amp;",
        ];
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..3000 {
            let len = (next() % 24) as usize;
            let tex: String = (0..len).map(|_| tokens[(next() % tokens.len() as u64) as usize]).collect();
            let start = std::time::Instant::now();
            if let Ok(html) = to_mathml(&tex, next() % 2 == 0) {
                assert_eq!(escape_stray_angles(&html), html, "{tex:?}");
                assert!(html.starts_with("<math") && html.ends_with("</math>"), "{tex:?}: {html}");
            }
            assert!(start.elapsed().as_secs() < 2, "{tex:?}");
        }
    }
}
