//! Cleaning the text of notes: what every stage that shows note text (titles, headings,
//! bodies, folder names, paths in messages) applies before it reaches HTML or `nav.js`.

use std::borrow::Cow;

/// Control characters never reach the HTML (where they are errors) or `nav.js`: NUL becomes
/// U+FFFD as CommonMark says, and so does every other C0 control but tab, newline and
/// carriage return, DEL and the C1 controls. One for one, so line numbers stay right.
pub(crate) fn without_controls(text: &str) -> Cow<'_, str> {
    let forbidden = |c: char| c.is_control() && !matches!(c, '\t' | '\n' | '\r');
    // Every note passes through here: look at bytes first. A control is a byte below 0x20,
    // DEL (0x7F), or a C1 control, which UTF-8 writes as 0xC2 followed by 0x80..=0x9F.
    let bytes = text.as_bytes();
    let suspect = |(i, &b): (usize, &u8)| {
        (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r'))
            || b == 0x7f
            || (b == 0xc2 && bytes.get(i + 1).is_some_and(|n| (0x80..=0x9f).contains(n)))
    };
    if !bytes.iter().enumerate().any(suspect) {
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
        // Multi-byte letters (here with 0x80..=0x9F continuation bytes) are not controls.
        let kept = "tab\tnew\nline\r\n한글 ĀĂ 가힣 \u{a0}";
        assert!(matches!(without_controls(kept), Cow::Borrowed(s) if s == kept));
    }
}

/// For tests that compare a fast path with a plain one on many inputs: a xorshift stream of
/// numbers below `n`, the same sequence for the same seed everywhere.
#[cfg(test)]
pub(crate) fn random_below(mut seed: u64) -> impl FnMut(usize) -> usize {
    move |n| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    }
}
