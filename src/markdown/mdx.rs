//! The MDX that Docusaurus notes carry, read as far as a static page can use it: `import` and
//! `export` statements at the top of a note (code for the site's bundler, not text), JSX
//! components (`<Tabs>`, `<TabItem value="a">`: capitalised tags no browser knows, whose
//! content is ordinary Markdown), and images given as `src={require('./x.png').default}` or
//! `src={useBaseUrl('/img/x.png')}`. `prepare` applies these line by line.

/// Where the block of `import`/`export` statements starting at line `start` ends (the line
/// after its last statement), when every line up to the next blank line belongs to one: MDX's
/// ESM, which Docusaurus notes put at the top and sometimes before the components that use
/// them. A statement runs over several lines while its brackets are open
/// (`import {\n  A,\n} from './a';`), and must read as JavaScript (`import … from '…'`,
/// `export const …`), so a paragraph such as "import 문법 정리" stays text.
pub(crate) fn statements_at(lines: &[&str], start: usize) -> Option<usize> {
    let mut i = start;
    while i < lines.len() && !lines[i].trim().is_empty() {
        i = statement_end(lines, i)?;
    }
    (i > start).then_some(i)
}

/// A cheap look at whether `line` may start an `import`/`export` statement (Java's and
/// Python's `import java.util.List;`, `import numpy as np` do not).
pub(crate) fn may_start_statement(line: &str) -> bool {
    (line.starts_with("import") && (line.contains(" from ") || line.contains('{') || line.contains(['\'', '"'])))
        || exports(line)
}

/// Whether `line` starts a JavaScript `export` (`export const`, `export default`, `export {`).
fn exports(line: &str) -> bool {
    line.strip_prefix("export ").is_some_and(|rest| {
        let word = rest.trim_start().split(|c: char| !c.is_ascii_alphabetic()).next().unwrap_or("");
        ["const", "let", "var", "function", "default", "class", "async"].contains(&word)
            || rest.trim_start().starts_with(['{', '*'])
    })
}

/// Where the `import`/`export` statement starting at line `start` ends (the line after it).
fn statement_end(lines: &[&str], start: usize) -> Option<usize> {
    let first = lines[start].trim_end();
    let import = first.starts_with("import ") || first.starts_with("import{");
    let export = exports(first);
    if !import && !export {
        return None;
    }
    let (mut depth, mut end, mut statement) = (0i64, start, String::new());
    // A statement is at most a few dozen lines and holds no blank line.
    while end < lines.len() && end - start < 64 {
        if lines[end].trim().is_empty() {
            return None;
        }
        depth += bracket_balance(lines[end]);
        statement.push_str(lines[end].trim());
        statement.push(' ');
        end += 1;
        if depth <= 0 {
            break;
        }
    }
    if depth > 0 {
        return None;
    }
    let javascript = if import {
        let rest = statement["import".len()..].trim_start();
        rest.starts_with(['\'', '"']) || statement.contains(" from '") || statement.contains(" from \"")
    } else {
        true
    };
    javascript.then_some(end)
}

/// Opening minus closing brackets on a line, outside quotes.
fn bracket_balance(line: &str) -> i64 {
    let mut balance = 0;
    let mut quote = None;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'' | '`') => quote = Some(c),
            (None, '(' | '[' | '{') => balance += 1,
            (None, ')' | ']' | '}') => balance -= 1,
            _ => {}
        }
    }
    balance
}

/// The component tags of an opening tag written over several lines (`<Tabs\n  values={[…]}\n>`)
/// starting at line `start`: the line after the tag, and the tags. At most 40 lines, no blank one.
pub(crate) fn component_lines<'a>(lines: &[&'a str], start: usize) -> Option<(usize, Vec<Tag<'a>>)> {
    let first = lines[start].trim_start();
    if !first.starts_with('<') || !first[1..].starts_with(|c: char| c.is_ascii_uppercase()) {
        return None;
    }
    let mut joined = String::new();
    for (k, line) in lines.iter().enumerate().skip(start).take(40) {
        if line.trim().is_empty() {
            return None;
        }
        joined.push_str(line);
        joined.push('\n');
        if k > start {
            if let Some(tags) = component_line(&joined) {
                // The tags' names, borrowed from the first line (where a tag's name is).
                let names: Option<Vec<Tag<'a>>> = tags
                    .iter()
                    .map(|t| {
                        let at = lines[start].find(t.name)?;
                        Some(Tag { name: &lines[start][at..at + t.name.len()], shape: t.shape })
                    })
                    .collect();
                return names.map(|tags| (k + 1, tags));
            }
        }
    }
    None
}

/// One JSX tag of a component.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Tag<'a> {
    pub(crate) name: &'a str,
    pub(crate) shape: Shape,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    Open,
    Close,
    SelfClosing,
}

/// The component tags a line holds when it holds nothing else (`<Tabs>`, `  </TabItem>`,
/// `<TabItem value="a" label={"A"}>`, `<Admonition type="note" />`); None for any other line.
pub(crate) fn component_line(line: &str) -> Option<Vec<Tag<'_>>> {
    let mut rest = line.trim();
    let mut tags = Vec::new();
    while !rest.is_empty() {
        let (tag, after) = component_tag(rest)?;
        tags.push(tag);
        rest = after.trim_start();
    }
    (!tags.is_empty()).then_some(tags)
}

/// The component tag `text` starts with, and the text after it.
fn component_tag(text: &str) -> Option<(Tag<'_>, &str)> {
    let after_lt = text.strip_prefix('<')?;
    let (closing, named) = match after_lt.strip_prefix('/') {
        Some(n) => (true, n),
        None => (false, after_lt),
    };
    let name_len = named.find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '_')).unwrap_or(named.len());
    let name = &named[..name_len];
    if !is_component_name(name) {
        return None;
    }
    // The attributes: quoted strings and `{…}` expressions may hold `>`.
    let body = &named[name_len..];
    let (mut depth, mut quote) = (0usize, None);
    for (i, c) in body.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'' | '`') => quote = Some(c),
            (None, '{') => depth += 1,
            (None, '}') => depth = depth.saturating_sub(1),
            (None, '>') if depth == 0 => {
                let inside = &body[..i];
                let shape = if closing {
                    Shape::Close
                } else if inside.trim_end().ends_with('/') {
                    Shape::SelfClosing
                } else {
                    Shape::Open
                };
                return Some((Tag { name, shape }, &body[i + 1..]));
            }
            _ => {}
        }
    }
    None
}

/// A JSX component's name: capitalised (`Tabs`, `Foo.Bar`), and no HTML element's name in
/// another letter case (`<BR>`, `<IMG>` are HTML).
pub(crate) fn is_component_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_uppercase())
        && !HTML_ELEMENTS.contains(&name.to_ascii_lowercase().as_str())
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_')
}

/// The names of the capitalised component tags in a piece of inline or block HTML.
pub(crate) fn components_in(html: &str) -> impl Iterator<Item = &str> {
    html.match_indices('<').filter_map(move |(at, _)| {
        let named = html[at + 1..].trim_start_matches('/');
        let len = named.find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '_')).unwrap_or(named.len());
        let name = &named[..len];
        is_component_name(name).then_some(name)
    })
}

/// `line` with `{require('./x.png').default}`, `{require("./x.png")}` and
/// `{useBaseUrl('/img/x.png')}` written as the quoted path (`"./x.png"`; `@site/x` as `/x`), so
/// the link is resolved like any other `src`; `skip(offset)` says whether a byte of the line
/// is code.
pub(crate) fn plain_image_paths(line: &str, skip: impl Fn(usize) -> bool) -> Option<String> {
    let mut out = String::new();
    let mut copied = 0;
    let mut from = 0;
    while let Some(found) = line[from..].find('{') {
        let at = from + found;
        from = at + 1;
        if skip(at) {
            continue;
        }
        let Some((path, end)) = required_path(&line[at..]) else { continue };
        out.push_str(&line[copied..at]);
        out.push('"');
        // Docusaurus's `@site/` is the site's root: the notes folder's, when it is the site.
        out.push_str(path.strip_prefix("@site").filter(|p| p.starts_with('/')).unwrap_or(path));
        out.push('"');
        copied = at + end;
        from = copied;
    }
    (copied > 0).then(|| {
        out.push_str(&line[copied..]);
        out
    })
}

/// `{require('p').default}` and the like at the start of `text`: the path and the length.
fn required_path(text: &str) -> Option<(&str, usize)> {
    let inner = text.strip_prefix('{')?.trim_start();
    let args = inner.strip_prefix("require(").or_else(|| inner.strip_prefix("useBaseUrl("))?.trim_start();
    let quote = args.chars().next().filter(|q| matches!(q, '\'' | '"' | '`'))?;
    let path_len = args[1..].find(quote)?;
    let path = &args[1..1 + path_len];
    if path.is_empty() || path.contains(['"', '<', '>', '{', '}', '$']) {
        return None;
    }
    let after = args[1 + path_len + 1..].trim_start().strip_prefix(')')?.trim_start();
    let after = after.strip_prefix(".default").unwrap_or(after).trim_start();
    let after = after.strip_prefix('}')?;
    Some((path, text.len() - after.len()))
}

/// HTML's element names (with SVG's and MathML's common ones), which are not components.
const HTML_ELEMENTS: &[&str] = &[
    "a",
    "abbr",
    "address",
    "area",
    "article",
    "aside",
    "audio",
    "b",
    "base",
    "bdi",
    "bdo",
    "blockquote",
    "body",
    "br",
    "button",
    "canvas",
    "caption",
    "center",
    "cite",
    "code",
    "col",
    "colgroup",
    "data",
    "datalist",
    "dd",
    "del",
    "details",
    "dfn",
    "dialog",
    "div",
    "dl",
    "dt",
    "em",
    "embed",
    "fieldset",
    "figcaption",
    "figure",
    "font",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hr",
    "html",
    "i",
    "iframe",
    "img",
    "input",
    "ins",
    "kbd",
    "label",
    "legend",
    "li",
    "link",
    "main",
    "map",
    "mark",
    "math",
    "menu",
    "meta",
    "meter",
    "nav",
    "noscript",
    "object",
    "ol",
    "optgroup",
    "option",
    "output",
    "p",
    "param",
    "picture",
    "pre",
    "progress",
    "q",
    "rp",
    "rt",
    "ruby",
    "s",
    "samp",
    "script",
    "section",
    "select",
    "small",
    "source",
    "span",
    "strike",
    "strong",
    "style",
    "sub",
    "summary",
    "sup",
    "svg",
    "table",
    "tbody",
    "td",
    "template",
    "textarea",
    "tfoot",
    "th",
    "thead",
    "time",
    "title",
    "tr",
    "track",
    "tt",
    "u",
    "ul",
    "var",
    "video",
    "wbr",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_and_export_statements() {
        let lines = [
            "import Tabs from '@theme/Tabs'; import X from \"x\";",
            "import {",
            "  A,",
            "} from './a';",
            "export const x = 1;",
            "",
            "# 제목",
        ];
        assert_eq!(statements_at(&lines, 0), Some(5));
        assert_eq!(statements_at(&lines, 5), None);
        assert_eq!(statements_at(&["import x from 'y';", "본문"], 0), None, "a paragraph that goes on is text");
        assert_eq!(statements_at(&["important text"], 0), None);
        assert_eq!(statements_at(&["import 문법 정리", "", "본문"], 0), None, "a sentence, not a statement");
        assert_eq!(statements_at(&["export 할 때 주의"], 0), None);
        assert_eq!(statements_at(&["import {", "  A", "", "} from './a';"], 0), None, "no blank line inside");
        let lines = ["import './style.css';", "export default function X() {", "  return 1;", "}", "", "본문"];
        assert_eq!(statements_at(&lines, 0), Some(4));
        for line in ["import java.util.List;", "import numpy as np", "export 할 때"] {
            assert!(!may_start_statement(line), "{line}");
        }
        for line in ["import A from 'a';", "import {", "import './a.css';", "export const a = 1;", "export default {"] {
            assert!(may_start_statement(line), "{line}");
        }
    }

    #[test]
    fn tags_alone_on_their_lines() {
        let tags = component_line("  <TabItem value=\"a\" label={\"A>\"} default>").unwrap();
        assert_eq!(tags, [Tag { name: "TabItem", shape: Shape::Open }]);
        let tags = component_line("</TabItem></Tabs>").unwrap();
        assert_eq!(
            tags.iter().map(|t| (t.name, t.shape)).collect::<Vec<_>>(),
            [("TabItem", Shape::Close), ("Tabs", Shape::Close)]
        );
        assert_eq!(component_line("<Admonition type=\"note\" />").unwrap()[0].shape, Shape::SelfClosing);
        assert_eq!(component_line("<BR>"), None, "an HTML element in capitals");
        assert_eq!(component_line("<Tabs> text"), None);
        assert_eq!(component_line("<div>"), None);
        assert_eq!(component_line("<TabItem value=\"a\""), None, "an unclosed tag");
        let lines = ["<Tabs", "    values={[", "        { label: 'A>', value: 'a' },", "    ]}", ">", "", "본문"];
        assert_eq!(component_lines(&lines, 0), Some((5, vec![Tag { name: "Tabs", shape: Shape::Open }])));
        assert_eq!(component_lines(&["<Tabs", "", ">"], 0), None);
    }

    #[test]
    fn required_images_become_paths() {
        let line = "<img src={require('./img/a.png').default} alt=\"a\" /> <img src={ useBaseUrl(\"/img/b.png\") }>";
        assert_eq!(
            plain_image_paths(line, |_| false).as_deref(),
            Some("<img src=\"./img/a.png\" alt=\"a\" /> <img src=\"/img/b.png\">")
        );
        assert_eq!(plain_image_paths(line, |_| true), None);
        assert_eq!(
            plain_image_paths("<img src={require('@site/static/img/c.png').default} />", |_| false).as_deref(),
            Some("<img src=\"/static/img/c.png\" />")
        );
        assert_eq!(plain_image_paths("{require(x)}", |_| false), None);
    }

    #[test]
    fn inline_components() {
        let found: Vec<_> = components_in("<Highlight color=\"x\"> a </Highlight><BR><b>").collect();
        assert_eq!(found, ["Highlight", "Highlight"]);
    }
}
