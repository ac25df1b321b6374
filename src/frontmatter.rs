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
    /// When the note was written and last changed (`2024-03-01`, `2024-03-01T09:30:00+09:00`):
    /// the Atom feed's dates.
    pub(crate) date: Option<DateValue>,
    pub(crate) updated: Option<DateValue>,
}

/// A date as written: YAML gives text, TOML a datetime of its own.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub(crate) enum DateValue {
    Text(String),
    Toml(toml::value::Datetime),
}

impl DateValue {
    /// The date as RFC 3339 (what Atom needs): a bare date is midnight, a time without a zone
    /// is UTC. None when it is not a date.
    pub(crate) fn rfc3339(&self) -> Option<String> {
        let text = match self {
            DateValue::Text(t) => t.trim().to_string(),
            DateValue::Toml(d) => d.to_string(),
        };
        rfc3339(&text)
    }

    pub(crate) fn shown(&self) -> String {
        match self {
            DateValue::Text(t) => t.clone(),
            DateValue::Toml(d) => d.to_string(),
        }
    }
}

/// `YYYY-MM-DD`, then optionally `T` or a space, `HH:MM[:SS[.frac]]` and `Z` or `±HH:MM`.
fn rfc3339(text: &str) -> Option<String> {
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let number = |s: &str| s.parse::<u32>().ok();
    let date = text.get(..10)?;
    let (y, m, d) = (date.get(..4)?, date.get(5..7)?, date.get(8..10)?);
    if !(digits(y, 4) && digits(m, 2) && digits(d, 2) && &date[4..5] == "-" && &date[7..8] == "-") {
        return None;
    }
    let (m, d) = (number(m)?, number(d)?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let rest = &text[10..];
    if rest.is_empty() {
        return Some(format!("{date}T00:00:00Z"));
    }
    let rest = rest.strip_prefix(['T', 't', ' '])?;
    let zone_at = rest.find(['Z', 'z', '+', '-']).unwrap_or(rest.len());
    let (time, zone) = rest.split_at(zone_at);
    let time = time.split('.').next()?;
    let parts: Vec<&str> = time.split(':').collect();
    let ok_time = matches!(parts.len(), 2 | 3)
        && parts.iter().all(|p| digits(p, 2))
        && number(parts[0])? < 24
        && parts[1..].iter().all(|p| number(p).is_some_and(|n| n < 60));
    if !ok_time {
        return None;
    }
    let seconds = parts.get(2).copied().unwrap_or("00");
    let zone = match zone {
        "" | "Z" | "z" => "Z".to_string(),
        z if z.len() == 6 && digits(&z[1..3], 2) && &z[3..4] == ":" && digits(&z[4..6], 2) => z.to_string(),
        _ => return None,
    };
    Some(format!("{date}T{}:{}:{seconds}{zone}", parts[0], parts[1]))
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
        let s = split("---\ntags: [a, b]\nauthor: 나\n---\n").unwrap();
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
    fn dates_from_yaml_and_toml_become_rfc3339() {
        let yaml = split("---\ndate: 2024-03-01\nupdated: \"2024-03-05 09:30\"\n---\n").unwrap().front;
        assert_eq!(yaml.date.and_then(|d| d.rfc3339()).as_deref(), Some("2024-03-01T00:00:00Z"));
        assert_eq!(yaml.updated.and_then(|d| d.rfc3339()).as_deref(), Some("2024-03-05T09:30:00Z"));
        let toml = split("+++\ndate = 2024-03-01T09:30:15+09:00\nupdated = 2024-04-02\n+++\n").unwrap().front;
        assert_eq!(toml.date.and_then(|d| d.rfc3339()).as_deref(), Some("2024-03-01T09:30:15+09:00"));
        assert_eq!(toml.updated.and_then(|d| d.rfc3339()).as_deref(), Some("2024-04-02T00:00:00Z"));
        for bad in ["어제", "2024-13-01", "2024-1-1", "2024-03-01T25:00", "2024-03-01 9시", "20240301"] {
            assert_eq!(rfc3339(bad), None, "{bad}");
        }
    }

    #[test]
    fn unclosed_dashes_are_a_thematic_break() {
        let s = split("---\n본문").unwrap();
        assert_eq!(s.body, "---\n본문");
    }
}
