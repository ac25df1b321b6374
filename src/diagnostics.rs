//! Problems found in the notes, each pinned to `file:line`, collected across a whole run.

use std::fmt;

/// How bad a problem is: errors fail the build, warnings fail it only under `--strict`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Severity {
    Warning,
    Error,
}

/// One problem in one source file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub(crate) severity: Severity,
    /// Path shown to the reader: relative to the notes folder where possible.
    pub file: String,
    /// 1-based line; 0 when the problem concerns the whole file.
    pub(crate) line: usize,
    pub(crate) message: String,
}

impl Diagnostic {
    pub(crate) fn error(file: impl Into<String>, line: usize, message: impl Into<String>) -> Self {
        Self { severity: Severity::Error, file: file.into(), line, message: message.into() }
    }

    pub(crate) fn warning(file: impl Into<String>, line: usize, message: impl Into<String>) -> Self {
        Self { severity: Severity::Warning, file: file.into(), line, message: message.into() }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        if self.line > 0 {
            write!(f, "{}:{}: {}: {}", self.file, self.line, kind, self.message)
        } else {
            write!(f, "{}: {}: {}", self.file, kind, self.message)
        }
    }
}

/// Maps byte offsets of a text to 1-based line numbers.
pub(crate) struct LineIndex {
    starts: Vec<usize>,
    /// Lines that precede the text (a front matter block that was cut off).
    first_line: usize,
}

impl LineIndex {
    pub(crate) fn new(text: &str, first_line: usize) -> Self {
        let mut starts = vec![0];
        // memchr's search: `match_indices` cost a note's outline and render a tenth of a parse each.
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        Self { starts, first_line }
    }

    pub(crate) fn line_of(&self, offset: usize) -> usize {
        let idx = self.starts.partition_point(|&s| s <= offset);
        self.first_line + idx.max(1) - 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_numbers_count_from_first_line() {
        let idx = LineIndex::new("a\nbc\n\nd", 1);
        assert_eq!(idx.line_of(0), 1);
        assert_eq!(idx.line_of(2), 2);
        assert_eq!(idx.line_of(5), 3);
        assert_eq!(idx.line_of(6), 4);
        let shifted = LineIndex::new("x\ny", 5);
        assert_eq!(shifted.line_of(2), 6);
    }

    #[test]
    fn display_is_file_line_message() {
        let d = Diagnostic::warning("a/b.md", 7, "broken link");
        assert_eq!(d.to_string(), "a/b.md:7: warning: broken link");
    }
}
