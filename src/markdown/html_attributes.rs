//! Attributes written in raw HTML inside notes (`<a name="top">`, `<img src="img/a.png">`):
//! the one scanner behind the parse stage's link targets (`id`, `name`) and the render stage's
//! links to resolve (`href`, `src`).
//!
//! The rule, as HTML has it: attribute names ignore letter case (`ID=`, `HREF=` count), an
//! attribute follows ASCII whitespace, and its value is quoted with `"` or `'`. The value of an
//! attribute found is not searched for further ones; an unquoted value is passed over; an
//! unclosed quote runs to the end of the text, as it would in a browser. Not an HTML parser:
//! only the names asked for are read, so an apostrophe in text never hides a link, and text
//! that looks like an attribute (` id="x"` in a sentence, or inside another attribute's value)
//! counts too.

use std::ops::Range;

/// A quoted attribute value found in raw HTML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Attribute {
    /// Which of the names asked for it is (as asked, in lower case).
    pub(crate) name: &'static str,
    /// Byte offset of the attribute's name.
    pub(crate) start: usize,
    /// Byte range of the value, quotes left out.
    pub(crate) value: Range<usize>,
}

/// The quoted attributes named `names` (lower case) in `html`, in document order. Linear in
/// the length of `html`.
pub(crate) fn quoted_attributes<'h>(html: &'h str, names: &'static [&'static str]) -> QuotedAttributes<'h> {
    QuotedAttributes { html, names, at: 0 }
}

/// Iterator of `quoted_attributes`.
pub(crate) struct QuotedAttributes<'h> {
    html: &'h str,
    names: &'static [&'static str],
    at: usize,
}

impl Iterator for QuotedAttributes<'_> {
    type Item = Attribute;

    fn next(&mut self) -> Option<Attribute> {
        let bytes = self.html.as_bytes();
        while self.at < bytes.len() {
            let start = self.at;
            self.at += 1;
            if start == 0 || !bytes[start - 1].is_ascii_whitespace() {
                continue;
            }
            let Some(name) = self.names.iter().copied().find(|name| {
                let end = start + name.len();
                bytes.get(start..end).is_some_and(|b| b.eq_ignore_ascii_case(name.as_bytes()))
                    && bytes.get(end) == Some(&b'=')
            }) else {
                continue;
            };
            let quote_at = start + name.len() + 1;
            let Some(&quote) = bytes.get(quote_at).filter(|&&q| q == b'"' || q == b'\'') else {
                self.at = quote_at;
                continue;
            };
            let value_start = quote_at + 1;
            let Some(length) = bytes[value_start..].iter().position(|&b| b == quote) else {
                self.at = bytes.len();
                return None;
            };
            let value = value_start..value_start + length;
            self.at = value.end + 1;
            return Some(Attribute { name, start, value });
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(html: &str, names: &'static [&'static str]) -> Vec<(&'static str, String)> {
        quoted_attributes(html, names).map(|a| (a.name, html[a.value].to_string())).collect()
    }

    #[test]
    fn names_ignore_letter_case_and_values_keep_theirs() {
        let html = "<A HREF=\"Up.md\"><IMG Src='A.PNG'></A>";
        assert_eq!(found(html, &["href", "src"]), [("href", "Up.md".into()), ("src", "A.PNG".into())]);
        assert_eq!(
            found("<a NAME=\"Top\"></a><div Id='box'>", &["id", "name"]),
            [("name", "Top".into()), ("id", "box".into())]
        );
    }

    #[test]
    fn only_whole_names_after_whitespace_count() {
        let html = "<a data-href=\"x\" xsrc='y' href =\"z\"\n\tsrc=\"ok\">";
        assert_eq!(found(html, &["href", "src"]), [("src", "ok".into())]);
    }

    #[test]
    fn values_are_not_searched_and_unquoted_values_are_passed_over() {
        let html = "<a title=\"x\" href=plain.md> <a href=\"after.md\">";
        assert_eq!(found(html, &["href"]), [("href", "after.md".into())]);
        let html = "<div id=\"a id='b'\">";
        assert_eq!(found(html, &["id"]), [("id", "a id='b'".into())]);
    }

    #[test]
    fn an_unclosed_quote_runs_to_the_end() {
        assert_eq!(found("<a href=\"x.md> <img src='y.png'>", &["href", "src"]), []);
        assert_eq!(found("<a href=\"", &["href"]), []);
        assert_eq!(found(" href=", &["href"]), []);
    }

    #[test]
    fn offsets_point_into_the_html() {
        let html = "<p>한글 <img src=\"그림.png\">";
        let a = quoted_attributes(html, &["src"]).next().unwrap();
        assert_eq!(&html[a.start..a.value.start], "src=\"");
        assert_eq!(&html[a.value], "그림.png");
    }
}
