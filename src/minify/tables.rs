//! The HTML minifier as it was before it copied unchanged runs of a page lazily (session 26):
//! one table lookup per byte, every tag and text run copied as it was read. Kept (for tests
//! only) as a second reading that `minify::html` must match on any input.

use super::{as_written_end, CLASS, GT, LT, SLASH, SPACE};
use super::{comment_end, find, keeps_comment, kind, next_of, raw_text_end, skip_spaces, write_tag_rest, Name};

impl Name {
    /// Its `kind` flags (none for a name too long to tell).
    fn kind(&self) -> u8 {
        if self.len == 0 {
            0
        } else {
            kind::of(self.as_bytes())
        }
    }
}

/// One tag as read: its name and kind, whether it is an end tag, and whether its inline style
/// keeps whitespace.
struct Tag {
    name: Name,
    kind: u8,
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
            if !verbatim && CLASS[c as usize] == SPACE {
                let end = skip_spaces(b, i);
                let run = if b[i..end].contains(&b'\n') { b'\n' } else { b' ' };
                self.space = Some(match self.space {
                    Some(b'\n') => b'\n',
                    _ => run,
                });
                i = end;
                continue;
            }
            // A run of text, copied at once: up to the next tag (or blank, outside `pre`). A
            // lone space between two words is copied with them: it is what collapsing gives.
            let end = match verbatim {
                true => memchr::memchr(b'<', &b[i + 1..]).map_or(b.len(), |p| i + 1 + p),
                false => {
                    let mut end = next_of(b, i + 1, LT | SPACE);
                    while b.get(end) == Some(&b' ')
                        && b.get(end + 1).is_some_and(|&n| CLASS[n as usize] & (LT | SPACE) == 0)
                    {
                        end = next_of(b, end + 2, LT | SPACE);
                    }
                    end
                }
            };
            // Text ends the head (the parser would open the body).
            self.in_head = false;
            self.flush_space();
            self.out.extend_from_slice(&b[i..end]);
            i = end;
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
        let j = next_of(b, name_at, SPACE | SLASH | GT);
        let name = Name::of(&b[name_at..j]);
        let kind = name.kind();
        // Whitespace before the head's tags (and the body's start) is never shown.
        let head_tag = end_tag || kind & (kind::HEAD_ELEMENT | kind::BODY) != 0;
        let (space, written) = (self.space, self.out.len());
        if self.in_head && head_tag || kind & kind::HEAD != 0 && !end_tag {
            self.space = None;
        } else {
            self.flush_space();
        }
        let undo = |this: &mut Self| {
            this.out.truncate(written);
            this.space = space;
            None
        };
        // Most tags are written as they should be: copied whole.
        if let Some((end, keeps_space)) = as_written_end(b, j) {
            self.out.extend_from_slice(&b[i..end]);
            return Some((Tag { name, kind, end: end_tag, keeps_space }, end));
        }
        self.out.extend_from_slice(&b[i..j]);
        match write_tag_rest(b, j, &mut self.out) {
            Some((end, keeps_space)) => Some((Tag { name, kind, end: end_tag, keeps_space }, end)),
            None => undo(self),
        }
    }

    /// Track what the tag opens or closes; copy a raw-text element's content as it is. Returns
    /// where reading goes on.
    fn after_tag(&mut self, tag: &Tag, end: usize) -> usize {
        let (name, kind) = (tag.name, tag.kind);
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
        if kind & kind::HEAD != 0 {
            self.in_head = true;
        } else if kind & kind::HEAD_ELEMENT == 0 {
            self.in_head = false;
        }
        // `<x/>` is read as an opening tag: right in HTML, and in SVG or MathML (where it closes
        // itself) it only keeps more as written than needed.
        if kind & kind::VOID != 0 {
            return end;
        }
        if kind & kind::RAW_TEXT != 0 {
            let close = if kind & kind::PLAINTEXT != 0 { None } else { raw_text_end(self.b, end, name.as_bytes()) };
            let close = close.unwrap_or(self.b.len());
            self.out.extend_from_slice(&self.b[end..close]);
            return close;
        }
        match &mut self.verbatim {
            // Saturating: a name too long to tell starts at `usize::MAX` and never closes.
            Some((open, depth)) if *open == name => *depth = depth.saturating_add(1),
            Some(_) => {}
            // An element whose name is too long to tell from another keeps the rest as written.
            None if kind & kind::PRE_LIKE != 0 || tag.keeps_space => {
                self.verbatim = Some((name, if name.len == 0 { usize::MAX } else { 1 }))
            }
            None => {}
        }
        end
    }
}
