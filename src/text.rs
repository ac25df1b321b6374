//! Cleaning the text of notes: what every stage that shows note text (titles, headings,
//! bodies, folder names, paths in messages) applies before it reaches HTML or `nav.js`.

use std::borrow::Cow;

/// Control characters never reach the HTML (where they are errors) or `nav.js`: NUL becomes
/// U+FFFD as CommonMark says, and so does every other C0 control but tab, newline and
/// carriage return, DEL and the C1 controls. One for one, so line numbers stay right.
pub(crate) fn without_controls(text: &str) -> Cow<'_, str> {
    let forbidden = |c: char| c.is_control() && !matches!(c, '\t' | '\n' | '\r');
    if !text.contains(forbidden) {
        return text.into();
    }
    text.chars().map(|c| if forbidden(c) { '\u{FFFD}' } else { c }).collect::<String>().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_become_replacement_characters() {
        assert_eq!(
            without_controls("a\0b\u{1}c\u{7f}d\u{85}e\u{1b}[0m"),
            "a\u{FFFD}b\u{FFFD}c\u{FFFD}d\u{FFFD}e\u{FFFD}[0m"
        );
        let kept = "tab\tnew\nline\r\n한글";
        assert!(matches!(without_controls(kept), Cow::Borrowed(s) if s == kept));
    }
}
