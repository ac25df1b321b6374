//! GitHub's emoji shortcodes (`:question:`, `:+1:`, `:nerd_face:`) as the emoji they stand
//! for, from gemoji's table (the `emojis` crate). Callers pass only text a reader sees: never
//! code, URLs or link destinations; raw HTML goes through `RawHtml`, which leaves tags,
//! attributes and code alone. A name gemoji does not know (`:foo:`, `12:30:45`, `std::vector`)
//! stays as written.

use std::borrow::Cow;

/// Longest shortcode gemoji has is under 40 bytes; a longer run of name characters is no
/// shortcode, and stopping there keeps the scan linear.
const MAX_NAME: usize = 64;

/// `text` with every known `:name:` replaced by its emoji.
pub(crate) fn with_emoji(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let Some(first) = memchr::memchr(b':', bytes) else { return Cow::Borrowed(text) };
    let mut out: Option<String> = None;
    // `copied`: how far `text` is already in `out`; `at`: the colon that may open a shortcode.
    let (mut copied, mut at) = (0, first);
    while at < bytes.len() {
        let start = at + 1;
        let end = bytes[start..]
            .iter()
            .take(MAX_NAME + 1)
            .position(|&b| !is_name_byte(b))
            .map_or(bytes.len().min(start + MAX_NAME + 1), |i| start + i);
        if end > start && end - start <= MAX_NAME && bytes.get(end) == Some(&b':') {
            if let Some(emoji) = emojis::get_by_shortcode(&text[start..end]) {
                let buf = out.get_or_insert_with(|| String::with_capacity(text.len()));
                buf.push_str(&text[copied..at]);
                buf.push_str(emoji.as_str());
                copied = end + 1;
                at = match memchr::memchr(b':', &bytes[copied..]) {
                    Some(i) => copied + i,
                    None => break,
                };
                continue;
            }
        }
        // No shortcode opens here: the next colon (maybe the one that ended this name) may.
        at = match memchr::memchr(b':', &bytes[start..]) {
            Some(i) => start + i,
            None => break,
        };
    }
    match out {
        None => Cow::Borrowed(text),
        Some(mut buf) => {
            buf.push_str(&text[copied..]);
            Cow::Owned(buf)
        }
    }
}

/// Raw HTML read piece by piece (an HTML block comes line by line, inline HTML tag by tag), so
/// that shortcodes in its text become emoji as GitHub shows them (`<summary>:bulb: 답</summary>`)
/// but never inside a tag (`alt=":x:"`), a comment, or `<pre>`, `<code>`, `<tt>`, `<script>`,
/// `<style>`, `<textarea>`. What a piece leaves open (a tag, a comment, a `<pre>`) carries over to
/// the next piece.
#[derive(Debug, Default)]
pub(crate) struct RawHtml {
    state: HtmlState,
    /// How many elements whose text stays as written are open.
    verbatim: usize,
}

#[derive(Debug, Default, Clone, Copy, PartialEq)]
enum HtmlState {
    #[default]
    Text,
    Comment,
    /// Inside `<…>`: whether it closes (`</`), the quote open in it, its name so far (ASCII
    /// lower-case, cut at 10 bytes), whether the name is complete, the last non-space byte.
    Tag {
        closing: bool,
        quote: Option<u8>,
        name: [u8; 10],
        len: usize,
        named: bool,
        last: u8,
    },
}

/// Elements whose text GitHub does not turn into emoji, and raw-text elements.
const VERBATIM: &[&[u8]] = &[b"pre", b"code", b"tt", b"script", b"style", b"textarea"];

impl RawHtml {
    /// Inside an element whose text stays as written (`<code>` …): Markdown text there keeps
    /// its shortcodes too.
    pub(crate) fn verbatim(&self) -> bool {
        self.verbatim > 0
    }

    /// Forget what was open: a new HTML block or paragraph starts afresh.
    pub(crate) fn reset(&mut self) {
        *self = RawHtml::default();
    }

    /// `html` with shortcodes in its text replaced, reading its tags on the way.
    pub(crate) fn with_emoji<'a>(&mut self, html: &'a str) -> Cow<'a, str> {
        let mut texts = Vec::new();
        self.read(html, |range| texts.push(range));
        if !html.contains(':') {
            return Cow::Borrowed(html);
        }
        let mut out = String::new();
        let mut copied = 0;
        for range in texts {
            if let Cow::Owned(shown) = with_emoji(&html[range.clone()]) {
                out.push_str(&html[copied..range.start]);
                out.push_str(&shown);
                copied = range.end;
            }
        }
        if copied == 0 {
            return Cow::Borrowed(html);
        }
        out.push_str(&html[copied..]);
        Cow::Owned(out)
    }

    /// Read `html` (tags only: no text changes), as `with_emoji` does.
    pub(crate) fn skip(&mut self, html: &str) {
        self.read(html, |_| {});
    }

    /// Walk `html`, calling `text` with each range of text shown outside verbatim elements.
    fn read(&mut self, html: &str, mut text: impl FnMut(std::ops::Range<usize>)) {
        let b = html.as_bytes();
        let mut i = 0;
        while i < b.len() {
            match self.state {
                HtmlState::Text => {
                    // A `<` that opens no tag (`a < b`) is text.
                    let opens =
                        |j: usize| b.get(j + 1).is_some_and(|&c| c.is_ascii_alphabetic() || c == b'/' || c == b'!');
                    let end = (i..b.len()).find(|&j| b[j] == b'<' && opens(j)).unwrap_or(b.len());
                    if end > i && self.verbatim == 0 {
                        text(i..end);
                    }
                    if end == b.len() {
                        return;
                    }
                    if b[end..].starts_with(b"<!--") {
                        self.state = HtmlState::Comment;
                        i = end + 4;
                    } else {
                        let closing = b[end + 1] == b'/';
                        let name = [0; 10];
                        self.state = HtmlState::Tag { closing, quote: None, name, len: 0, named: false, last: b'<' };
                        i = end + 1 + usize::from(closing);
                    }
                }
                HtmlState::Comment => match html[i..].find("-->") {
                    Some(k) => {
                        self.state = HtmlState::Text;
                        i += k + 3;
                    }
                    None => return,
                },
                HtmlState::Tag { closing, mut quote, mut name, mut len, mut named, mut last } => {
                    while i < b.len() {
                        let c = b[i];
                        i += 1;
                        match quote {
                            Some(q) if c == q => quote = None,
                            Some(_) => {}
                            None if c == b'"' || c == b'\'' => quote = Some(c),
                            None if c == b'>' => {
                                // A name longer than `name` holds is none of VERBATIM's.
                                let verbatim = name.get(..len).is_some_and(|n| VERBATIM.contains(&n));
                                if verbatim && closing {
                                    self.verbatim = self.verbatim.saturating_sub(1);
                                } else if verbatim && last != b'/' {
                                    self.verbatim += 1;
                                }
                                self.state = HtmlState::Text;
                                break;
                            }
                            None if !named && c.is_ascii_alphanumeric() => {
                                if len < name.len() {
                                    name[len] = c.to_ascii_lowercase();
                                }
                                len += 1;
                            }
                            None => named = true,
                        }
                        if !c.is_ascii_whitespace() {
                            last = c;
                        }
                    }
                    if self.state != HtmlState::Text {
                        self.state = HtmlState::Tag { closing, quote, name, len, named, last };
                    }
                }
            }
        }
    }
}

/// Characters of gemoji's names: lower-case letters, digits, `_`, `+`, `-`.
fn is_name_byte(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'_' | b'+' | b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_shortcodes_become_emoji() {
        assert_eq!(with_emoji(":question: 질문"), "❓ 질문");
        assert_eq!(with_emoji("위로 :arrow_double_up:"), "위로 ⏫");
        assert_eq!(with_emoji(":nerd_face::+1::-1:"), "🤓👍👎");
        assert_eq!(with_emoji("a:smile:b"), "a😄b");
    }

    #[test]
    fn unknown_names_and_colons_stay() {
        for text in [":foo:", "12:30:45", "std::vector", "a : b : c", "::", ":", "", ":Smile:", "http://x"] {
            assert_eq!(with_emoji(text), text);
            assert!(matches!(with_emoji(text), Cow::Borrowed(_)), "{text}");
        }
    }

    #[test]
    fn a_failed_name_lets_its_closing_colon_open_the_next() {
        assert_eq!(with_emoji(":foo:smile:"), ":foo😄");
        assert_eq!(with_emoji("10:30:smile:"), "10:30😄");
    }

    #[test]
    fn raw_html_text_gets_emoji_but_not_tags_comments_or_code() {
        let mut html = RawHtml::default();
        let shown = html.with_emoji("<details><summary>:bulb: 답</summary> <img alt=\":smile:\" src='a:tada:b'>");
        assert_eq!(shown, "<details><summary>💡 답</summary> <img alt=\":smile:\" src='a:tada:b'>");
        assert_eq!(html.with_emoji("<!-- :smile: --> a < b :smile:"), "<!-- :smile: --> a < b 😄");
        assert_eq!(
            html.with_emoji("<code>:smile:</code> <PRE class=x>:smile:"),
            "<code>:smile:</code> <PRE class=x>:smile:"
        );
        // The open <pre> carries over to the next line of the block, until it closes.
        assert!(html.verbatim());
        assert_eq!(html.with_emoji(":smile:</pre>:smile:"), ":smile:</pre>😄");
        assert!(!html.verbatim());
        // A tag or comment split over lines, as an HTML block hands them over.
        assert_eq!(html.with_emoji("<img alt=\":smile:"), "<img alt=\":smile:");
        assert_eq!(html.with_emoji("\" :smile: > :smile:"), "\" :smile: > 😄");
        assert_eq!(html.with_emoji("<br/> <code/> :+1:"), "<br/> <code/> 👍");
        html.skip("<code>");
        assert!(html.verbatim());
        html.reset();
        assert!(!html.verbatim());
        // Tag names longer than any verbatim one (found by tests/fuzz.rs).
        assert_eq!(html.with_emoji("<daaaaaaaaaa>:+1:</daaaaaaaaaa>"), "<daaaaaaaaaa>👍</daaaaaaaaaa>");
        assert_eq!(html.with_emoji("<codecodecode>:+1:"), "<codecodecode>👍");
        let untouched = "<p align=\"center\">no shortcodes</p>";
        assert!(matches!(html.with_emoji(untouched), Cow::Borrowed(_)));
    }

    #[test]
    fn long_runs_stay_linear_and_unchanged() {
        let text = format!(":{}:", "a".repeat(100_000)).repeat(3);
        assert_eq!(with_emoji(&text), text);
        let many = ":+1:".repeat(50_000);
        assert_eq!(with_emoji(&many), "👍".repeat(50_000));
    }
}
