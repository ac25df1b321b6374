//! Optional front matter at the top of a note: YAML between `---` lines or TOML between `+++`.

use serde::Deserialize;

/// The fields gongbu reads; anything else in the block is ignored.
#[derive(Debug, Default, Clone, PartialEq, Deserialize)]
#[serde(default)]
pub(crate) struct FrontMatter {
    pub(crate) title: Option<String>,
    pub(crate) description: Option<String>,
    /// Position among siblings; lower comes first. Notes without one follow, by file name.
    pub(crate) weight: Option<i64>,
    pub(crate) draft: bool,
}

/// A note split into its front matter and Markdown body.
#[derive(Debug)]
pub(crate) struct Split<'a> {
    pub(crate) front: FrontMatter,
    pub(crate) body: &'a str,
    /// 1-based line of the file on which `body` starts.
    pub(crate) body_line: usize,
}

/// A front matter block that could not be read: `line` is 1-based in the whole file.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub(crate) struct FrontMatterError {
    pub(crate) line: usize,
    pub(crate) message: String,
}

/// Separate front matter from the body. A UTF-8 BOM and CRLF line endings are accepted.
pub(crate) fn split(text: &str) -> Result<Split<'_>, FrontMatterError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let no_front = Split { front: FrontMatter::default(), body: text, body_line: 1 };
    let fence = match first_line(text) {
        "---" => "---",
        "+++" => "+++",
        _ => return Ok(no_front),
    };
    let after_open = text.find('\n').map_or(text.len(), |i| i + 1);
    let mut offset = after_open;
    let mut line = 2;
    while offset < text.len() {
        let rest = &text[offset..];
        let this = first_line(rest);
        let next = rest.find('\n').map_or(text.len(), |i| offset + i + 1);
        if this == fence || (fence == "---" && this == "...") {
            let block = &text[after_open..offset];
            let front = parse_block(fence, block)?;
            return Ok(Split { front, body: &text[next..], body_line: line + 1 });
        }
        offset = next;
        line += 1;
    }
    // An opening `---` with no closing line is a thematic break, not front matter.
    if fence == "---" {
        return Ok(no_front);
    }
    Err(FrontMatterError { line: 1, message: "front matter opened with `+++` is never closed".into() })
}

fn first_line(text: &str) -> &str {
    text.split('\n').next().unwrap_or("").trim_end_matches('\r').trim_end()
}

fn parse_block(fence: &str, block: &str) -> Result<FrontMatter, FrontMatterError> {
    if block.trim().is_empty() {
        return Ok(FrontMatter::default());
    }
    if fence == "+++" {
        toml::from_str(block).map_err(|e| FrontMatterError {
            line: 2 + e.span().map_or(0, |s| block[..s.start].matches('\n').count()),
            message: format!("invalid TOML front matter: {}", e.message()),
        })
    } else {
        serde_saphyr::from_str(block).map_err(|e| FrontMatterError {
            line: 1 + e.location().map_or(1, |l| l.line() as usize),
            message: format!("invalid YAML front matter: {}", first_line(&e.to_string())),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_front_matter_keeps_everything() {
        let s = split("# 제목\n본문").unwrap();
        assert_eq!(s.front, FrontMatter::default());
        assert_eq!(s.body, "# 제목\n본문");
        assert_eq!(s.body_line, 1);
    }

    #[test]
    fn yaml_with_bom_and_crlf() {
        let s = split("\u{feff}---\r\ntitle: 동기와 비동기\r\nweight: 3\r\n---\r\n# H\r\n").unwrap();
        assert_eq!(s.front.title.as_deref(), Some("동기와 비동기"));
        assert_eq!(s.front.weight, Some(3));
        assert_eq!(s.body, "# H\r\n");
        assert_eq!(s.body_line, 5);
    }

    #[test]
    fn toml_front_matter() {
        let s = split("+++\ntitle = \"TCP\"\ndraft = true\n+++\nbody").unwrap();
        assert_eq!(s.front.title.as_deref(), Some("TCP"));
        assert!(s.front.draft);
        assert_eq!(s.body, "body");
    }

    #[test]
    fn unknown_fields_are_ignored() {
        let s = split("---\ntags: [a, b]\ndate: 2024-01-01\n---\n").unwrap();
        assert_eq!(s.front.title, None);
    }

    #[test]
    fn broken_yaml_reports_its_line() {
        let err = split("---\ntitle: ok\nweight: [1, 2\n---\nbody").unwrap_err();
        assert!(err.line >= 3, "line {} should point into the block", err.line);
        assert!(err.message.contains("YAML"));
    }

    #[test]
    fn broken_toml_reports_its_line() {
        let err = split("+++\ntitle = \"a\"\nweight = = 1\n+++\n").unwrap_err();
        assert_eq!(err.line, 3);
    }

    #[test]
    fn unclosed_dashes_are_a_thematic_break() {
        let s = split("---\n본문").unwrap();
        assert_eq!(s.body, "---\n본문");
    }
}
