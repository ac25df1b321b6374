//! The HTML minifier as first written, byte by byte and name list by name list: kept (for
//! tests only) as the plain reading that the table-driven `minify::html` must match on any
//! input.

use super::{comment_end, find, is_html_space, keeps_comment, raw_text_end, Name};

/// Elements whose content the HTML parser reads as text until their end tag.
const RAW_TEXT: &[&str] =
    &["script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript", "plaintext"];
/// Elements whose whitespace shows as written (or is read as written, as a formula's source is).
const PRE_LIKE: &[&str] = &["pre", "listing", "annotation"];
/// Elements that may stand in `<head>`: whitespace between them is never shown.
const HEAD_ELEMENTS: &[&str] = &["head", "meta", "link", "title", "style", "script", "base", "noscript", "template"];
/// Elements that have no end tag.
const VOID: &[&str] =
    &["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"];

/// The name lists above, asked one by one (the new minifier asks `kind::of` once per tag).
impl Name {
    fn is(&self, name: &str) -> bool {
        self.len > 0 && self.as_bytes() == name.as_bytes()
    }

    // Bytes compared, not strings: this runs for every tag of every page.
    fn is_in(&self, names: &[&str]) -> bool {
        self.len > 0 && names.iter().any(|n| n.as_bytes() == self.as_bytes())
    }
}

/// One tag as read: its name, whether it is an end tag, and whether its inline style keeps
/// whitespace.
struct Tag {
    name: Name,
    end: bool,
    keeps_space: bool,
}

/// The HTML minifier's state over one page.
pub(super) struct Html<'a> {
    b: &'a [u8],
    out: Vec<u8>,
    /// A collapsed run of whitespace not yet written (`b' '` or `b'\n'`).
    space: Option<u8>,
    /// From `<head>` to `<body>`, where whitespace between tags is never shown.
    in_head: bool,
    /// The element whose content is kept as written and how deep it is nested in itself.
    verbatim: Option<(Name, usize)>,
}

impl<'a> Html<'a> {
    pub(super) fn new(b: &'a [u8]) -> Self {
        Html { b, out: Vec::with_capacity(b.len()), space: None, in_head: false, verbatim: None }
    }

    pub(super) fn run(mut self) -> Vec<u8> {
        let b = self.b;
        let mut i = 0;
        while i < b.len() {
            let c = b[i];
            if c == b'<' {
                if b[i..].starts_with(b"<!--") {
                    let end = comment_end(b, i);
                    if self.verbatim.is_some() || keeps_comment(&b[i..end]) {
                        self.flush_space();
                        self.out.extend_from_slice(&b[i..end]);
                    }
                    // A dropped comment leaves the whitespace on both sides as one run.
                    i = end;
                    continue;
                }
                if let Some((tag, end)) = self.tag(i) {
                    i = self.after_tag(&tag, end);
                    continue;
                }
                if b[i + 1..].first().is_some_and(|&n| n == b'!' || n == b'?') {
                    // A doctype, CDATA or processing instruction: as written.
                    let end = find(b, i, b">").map_or(b.len(), |e| e + 1);
                    self.flush_space();
                    self.out.extend_from_slice(&b[i..end]);
                    i = end;
                    continue;
                }
                // `<` that opens nothing is text.
                self.flush_space();
                self.out.push(c);
                i += 1;
                continue;
            }
            let verbatim = self.verbatim.is_some();
            if !verbatim && is_html_space(c) {
                let start = i;
                while i < b.len() && is_html_space(b[i]) {
                    i += 1;
                }
                let run = if b[start..i].contains(&b'\n') { b'\n' } else { b' ' };
                self.space = Some(match self.space {
                    Some(b'\n') => b'\n',
                    _ => run,
                });
                continue;
            }
            // A run of text, copied at once: up to the next tag (or blank, outside `pre`).
            let start = i;
            i += 1;
            while i < b.len() && b[i] != b'<' && (verbatim || !is_html_space(b[i])) {
                i += 1;
            }
            // Text ends the head (the parser would open the body).
            self.in_head = false;
            self.flush_space();
            self.out.extend_from_slice(&b[start..i]);
        }
        self.flush_space();
        self.out
    }

    fn flush_space(&mut self) {
        if let Some(s) = self.space.take() {
            self.out.push(s);
        }
    }

    /// Read the tag at `i` and write it without needless blanks; its end offset, or None when
    /// `<` does not open a tag here (then nothing was written: it is text).
    fn tag(&mut self, i: usize) -> Option<(Tag, usize)> {
        let b = self.b;
        let end_tag = b.get(i + 1) == Some(&b'/');
        let name_at = if end_tag { i + 2 } else { i + 1 };
        if !b.get(name_at).is_some_and(u8::is_ascii_alphabetic) {
            return None;
        }
        let mut j = name_at;
        while j < b.len() && !is_html_space(b[j]) && b[j] != b'/' && b[j] != b'>' {
            j += 1;
        }
        let name = Name::of(&b[name_at..j]);
        // Whitespace before the head's tags (and the body's start) is never shown.
        let head_tag = end_tag || name.is_in(HEAD_ELEMENTS) || name.is("body");
        let (space, written) = (self.space, self.out.len());
        if self.in_head && head_tag || name.is("head") && !end_tag {
            self.space = None;
        } else {
            self.flush_space();
        }
        let undo = |this: &mut Self| {
            this.out.truncate(written);
            this.space = space;
            None
        };
        self.out.extend_from_slice(&b[i..j]);
        let mut keeps_space = false;
        let mut last_unquoted = false;
        loop {
            let blank = j;
            while j < b.len() && is_html_space(b[j]) {
                j += 1;
            }
            let had_blank = j > blank;
            match b.get(j) {
                None => return undo(self),
                Some(b'>') => {
                    self.out.push(b'>');
                    j += 1;
                    break;
                }
                Some(b'/') => {
                    // `<a href=x />`: the blank keeps the slash out of the unquoted value.
                    if had_blank && last_unquoted {
                        self.out.push(b' ');
                    }
                    self.out.push(b'/');
                    j += 1;
                    last_unquoted = false;
                    continue;
                }
                Some(_) => {}
            }
            // An attribute: its name (which may start with `=`), then `= value` if any.
            let name_start = j;
            j += 1;
            while j < b.len() && !is_html_space(b[j]) && !matches!(b[j], b'/' | b'>' | b'=') {
                j += 1;
            }
            let attribute = &b[name_start..j];
            self.out.push(b' ');
            self.out.extend_from_slice(attribute);
            let mut k = j;
            while k < b.len() && is_html_space(b[k]) {
                k += 1;
            }
            last_unquoted = false;
            if b.get(k) != Some(&b'=') {
                continue;
            }
            k += 1;
            while k < b.len() && is_html_space(b[k]) {
                k += 1;
            }
            let value_start = k;
            match b.get(k) {
                None => return undo(self),
                Some(&q) if q == b'"' || q == b'\'' => match b[k + 1..].iter().position(|&c| c == q) {
                    Some(p) => j = k + 1 + p + 1,
                    None => return undo(self),
                },
                Some(b'>') => {
                    // `a=>`: an empty value.
                    j = k;
                }
                Some(_) => {
                    while k < b.len() && !is_html_space(b[k]) && b[k] != b'>' {
                        k += 1;
                    }
                    j = k;
                    last_unquoted = true;
                }
            }
            self.out.push(b'=');
            self.out.extend_from_slice(&b[value_start..j]);
            if attribute.eq_ignore_ascii_case(b"style") {
                let value = String::from_utf8_lossy(&b[value_start..j]).to_ascii_lowercase();
                keeps_space |=
                    value.contains("white-space") && (value.contains("pre") || value.contains("break-spaces"));
            }
        }
        Some((Tag { name, end: end_tag, keeps_space }, j))
    }

    /// Track what the tag opens or closes; copy a raw-text element's content as it is. Returns
    /// where reading goes on.
    fn after_tag(&mut self, tag: &Tag, end: usize) -> usize {
        let name = tag.name;
        if tag.end {
            if let Some((open, depth)) = &mut self.verbatim {
                if *open == name {
                    *depth -= 1;
                    if *depth == 0 {
                        self.verbatim = None;
                    }
                }
            }
            return end;
        }
        if name.is("head") {
            self.in_head = true;
        } else if !name.is_in(HEAD_ELEMENTS) {
            self.in_head = false;
        }
        // `<x/>` is read as an opening tag: right in HTML, and in SVG or MathML (where it closes
        // itself) it only keeps more as written than needed.
        if name.is_in(VOID) {
            return end;
        }
        if name.is_in(RAW_TEXT) {
            let close = if name.is("plaintext") { None } else { raw_text_end(self.b, end, name.as_bytes()) };
            let close = close.unwrap_or(self.b.len());
            self.out.extend_from_slice(&self.b[end..close]);
            return close;
        }
        match &mut self.verbatim {
            Some((open, depth)) if *open == name => *depth = depth.saturating_add(1),
            Some(_) => {}
            // An element whose name is too long to tell from another keeps the rest as written.
            None if name.is_in(PRE_LIKE) || tag.keeps_space => {
                self.verbatim = Some((name, if name.len == 0 { usize::MAX } else { 1 }))
            }
            None => {}
        }
        end
    }
}
