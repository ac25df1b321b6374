//! Cleaning the text of notes: what every stage that shows note text (titles, headings,
//! bodies, folder names, paths in messages) applies before it reaches HTML or `nav.js`.

use std::borrow::Cow;

#[cfg(target_arch = "x86_64")]
pub(crate) mod sse2;

/// Control characters never reach the HTML (where they are errors) or `nav.js`: NUL becomes
/// U+FFFD as CommonMark says, and so does every other C0 control but tab, newline and
/// carriage return, DEL and the C1 controls. One for one, so line numbers stay right.
pub(crate) fn without_controls(text: &str) -> Cow<'_, str> {
    if !has_control(text.as_bytes()) {
        return text.into();
    }
    let forbidden = |c: char| c.is_control() && !matches!(c, '\t' | '\n' | '\r');
    text.chars().map(|c| if forbidden(c) { '\u{FFFD}' } else { c }).collect::<String>().into()
}

/// Hangul: syllables, jamo and compatibility jamo. What makes a note Korean to the site's
/// language detection (`model::Letters`) and a code block's text prose to the language guesser.
#[inline]
pub(crate) fn is_hangul(c: char) -> bool {
    matches!(c, '\u{AC00}'..='\u{D7A3}' | '\u{1100}'..='\u{11FF}' | '\u{3130}'..='\u{318F}')
}

/// Whether UTF-8 `bytes` hold a control `without_controls` replaces: a byte below 0x20 but
/// tab, newline and carriage return, DEL (0x7F), or a C1 control, which UTF-8 writes as 0xC2
/// followed by 0x80..=0x9F. Every note and every text of a page passes through here, so blocks
/// of 32 bytes are first checked at once with comparisons the compiler turns into vector
/// instructions (0xC2 alone, as in a no-break space, only sends its block to the exact check).
fn has_control(bytes: &[u8]) -> bool {
    const BLOCK: usize = 32;
    let rough = |b: u8| (b < 0x20) & (b != b'\t') & (b != b'\n') & (b != b'\r') | (b == 0x7f) | (b == 0xc2);
    let exact = |i: usize| {
        let b = bytes[i];
        (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r'))
            || b == 0x7f
            || (b == 0xc2 && bytes.get(i + 1).is_some_and(|n| (0x80..=0x9f).contains(n)))
    };
    bytes.chunks(BLOCK).enumerate().any(|(k, block)| {
        block.iter().fold(false, |any, &b| any | rough(b)) && (k * BLOCK..k * BLOCK + block.len()).any(exact)
    })
}

/// `text` HTML-escaped onto `html` as pulldown-cmark's escaper writes it (`&<>"'`; its own for
/// long runs, a plain walk for short ones): for element content and quoted attribute values
/// alike. Highlighted code uses it too, although `&<>` would do for element content: the quotes
/// have always been escaped there, and the built pages stay byte for byte what they were.
pub(crate) fn push_escaped_html(html: &mut String, text: &str) {
    if text.len() >= 32 {
        // Writing to a String cannot fail.
        let _ = pulldown_cmark_escape::escape_html(html, text);
        return;
    }
    // A code run is mostly a token or two, and a title or an id is short: a plain walk writes
    // the same bytes without the vector set-up, which cost more than the escaping (914,000 runs
    // in a 1,000-note build).
    let mut kept = 0;
    for (at, byte) in text.bytes().enumerate() {
        let escape = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        html.push_str(&text[kept..at]);
        html.push_str(escape);
        kept = at + 1;
    }
    html.push_str(&text[kept..]);
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The short-run walk writes what pulldown-cmark's escaper writes, at every length.
    #[test]
    fn escaping_short_runs_writes_what_the_escaper_writes() {
        let pieces = ["a", "&", "<", ">", "\"", "'", " ", "한", "😀", "&amp;", "\n", "x=1"];
        let mut next = random_below(0x2545_F491_4F6C_DD1D);
        for _ in 0..20_000 {
            let text: String = (0..next(24)).map(|_| pieces[next(pieces.len())]).collect();
            let (mut ours, mut theirs) = (String::from("<"), String::from("<"));
            push_escaped_html(&mut ours, &text);
            pulldown_cmark_escape::escape_html(&mut theirs, &text).unwrap();
            assert_eq!(ours, theirs, "{text:?}");
        }
    }

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

    /// The block check against the plain reading (every character asked), on random texts
    /// with controls, C1 controls, 0xC2 letters and Hangul at every offset of a block.
    #[test]
    fn the_block_check_finds_what_asking_every_character_finds() {
        let pieces = [
            "a", " ", "\t", "\n", "\r", "\0", "\u{1}", "\u{1f}", "\u{7f}", "\u{80}", "\u{85}", "\u{9f}", "\u{a0}",
            "\u{b7}", "\u{c2}", "é", "가", "힣", "😀", "xyz",
        ];
        let forbidden = |c: char| c.is_control() && !matches!(c, '\t' | '\n' | '\r');
        let mut next = random_below(0x2545_F491_4F6C_DD1D);
        for round in 0..20_000 {
            let n = next(80);
            // Mostly clean texts (the common case), some with one suspect piece.
            let text: String =
                (0..n).map(|_| pieces[if next(4) == 0 { next(pieces.len()) } else { next(2) }]).collect();
            let plain: String = text.chars().map(|c| if forbidden(c) { '\u{FFFD}' } else { c }).collect();
            let got = without_controls(&text);
            assert_eq!(got, plain, "round {round}: {text:?}");
            assert_eq!(matches!(got, Cow::Borrowed(_)), !text.chars().any(forbidden), "round {round}: {text:?}");
        }
    }
}
