//! The code blocks of a note, read the way the render pass reads them (same parser options,
//! same fence label): one extraction for the tools and tests that grade or time highlighting
//! on real notes (`guess-accuracy`, the highlighter's parity tests, `highlight_bench`).
//! The render pass itself does not call it: it highlights each block where it stands in the
//! event stream it rewrites, and reads each fence's language with this module's `fence_language`.

use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};

use super::{parser_options, prepare::prepare};

/// One fenced or indented code block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeBlock {
    /// The fence's language word as the author wrote it (```` ```js:app.js ```` → `js`), before
    /// any alias or case folding; None for an unlabeled fence and for an indented block.
    pub label: Option<String>,
    /// false for an indented block.
    pub fenced: bool,
    /// The block's text, as highlighting receives it.
    pub code: String,
}

/// Every code block of `markdown`, in order.
pub fn code_blocks(markdown: &str) -> Vec<CodeBlock> {
    let mut blocks = Vec::new();
    let mut open: Option<CodeBlock> = None;
    let prepared = prepare(markdown);
    for event in Parser::new_ext(&prepared.text, parser_options()) {
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let (label, fenced) = match kind {
                    CodeBlockKind::Fenced(info) => (fence_language(&info), true),
                    CodeBlockKind::Indented => (None, false),
                };
                open = Some(CodeBlock { label, fenced, code: String::new() });
            }
            Event::Text(text) => {
                if let Some(block) = open.as_mut() {
                    block.code.push_str(&text);
                }
            }
            Event::End(TagEnd::CodeBlock) => blocks.extend(open.take()),
            _ => {}
        }
    }
    blocks
}

/// The language word of a fence's info string: "```python title=x" → python, "```js:app.js" → js.
pub(crate) fn fence_language(info: &str) -> Option<String> {
    let word = info.split_whitespace().next()?;
    let word = word.trim_matches(|c| c == '{' || c == '}' || c == '.');
    let word = word.split([':', ',']).next().unwrap_or(word);
    (!word.is_empty()).then(|| word.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fenced_and_indented_blocks_in_order_with_their_labels() {
        let note = "# T\n\n```Python title=x\nprint(1)\nprint(2)\n```\n\ntext `not code`\n\n    indented\n\n\
                    ~~~\nplain\n~~~\n\n> ```js:app.js\n> let a = '<b>';\n> ```\n";
        let blocks = code_blocks(note);
        let got: Vec<(Option<&str>, bool, &str)> =
            blocks.iter().map(|b| (b.label.as_deref(), b.fenced, b.code.as_str())).collect();
        assert_eq!(
            got,
            [
                (Some("Python"), true, "print(1)\nprint(2)\n"),
                (None, false, "indented\n"),
                (None, true, "plain\n"),
                (Some("js"), true, "let a = '<b>';\n"),
            ]
        );
    }

    #[test]
    fn an_unclosed_fence_runs_to_the_end_and_prose_has_none() {
        assert_eq!(code_blocks("no code here\n\n- list\n"), []);
        let blocks = code_blocks("```sh\necho a\n");
        assert_eq!(blocks, [CodeBlock { label: Some("sh".into()), fenced: true, code: "echo a\n".into() }]);
    }
}
