//! Hrefs as short as valid HTML allows: letters of any script written as themselves instead of
//! percent-encoded (`#1번-문제`, not `#1%EB%B2%88-%EB%AC%B8%EC%A0%9C`, a third of the bytes).
//! A browser encodes them again, as UTF-8, when it follows the link, so it goes to the same
//! address; everything else (`%20`, `%23`, a `%`-escape that is not UTF-8) stays as it was.

use std::borrow::Cow;

/// `href` with every non-ASCII letter or digit as itself, whether it was written raw or
/// percent-encoded; other non-ASCII written raw stays raw (`📚`) unless it is invisible or a
/// space; every other character a URL may not hold raw percent-encoded (ASCII as
/// pulldown-cmark's `escape_href` does, other non-ASCII as UTF-8). `&` and `'` stay: the caller
/// escapes the result for its attribute.
pub(crate) fn compact(href: &str) -> Cow<'_, str> {
    let b = href.as_bytes();
    // Most hrefs (`#1번-문제` aside) are plain ASCII a URL holds raw: given back as they are.
    let Some(first) = b.iter().position(|&c| !KEPT[c as usize]) else {
        return Cow::Borrowed(href);
    };
    let mut out = String::with_capacity(href.len());
    out.push_str(&href[..first]);
    let mut at = first;
    while at < b.len() {
        let c = b[at];
        if KEPT[c as usize] {
            // A run of bytes kept as they are, copied at once.
            let end = b[at..].iter().position(|&c| !KEPT[c as usize]).map_or(b.len(), |p| at + p);
            out.push_str(&href[at..end]);
            at = end;
        } else if c == b'%' {
            let run = escaped_run(&b[at..]);
            if run > 0 {
                decode_run(&href[at..at + run], &mut out);
            } else {
                // A `%` that escapes nothing stays.
                out.push('%');
            }
            at += run.max(1);
        } else if c < 0x80 {
            push_escaped(&mut out, c);
            at += 1;
        } else {
            let Some(ch) = href[at..].chars().next() else { break };
            let end = at + ch.len_utf8();
            if stays_raw(ch) {
                out.push_str(&href[at..end]);
            } else {
                b[at..end].iter().for_each(|&byte| push_escaped(&mut out, byte));
            }
            at = end;
        }
    }
    Cow::Owned(out)
}

/// ASCII a URL holds raw in an href (pulldown-cmark's `HREF_SAFE`), `&` and `'` too, but not
/// `%`: the bytes `compact` leaves as they are, without a look at what follows.
const KEPT: [bool; 256] = {
    let mut table = [false; 256];
    let mut c = 0;
    while c < 128 {
        table[c] = (c as u8).is_ascii_alphanumeric();
        c += 1;
    }
    let punctuation = b"!#$&'()*+,-./:;=?@^_~";
    let mut i = 0;
    while i < punctuation.len() {
        table[punctuation[i] as usize] = true;
        i += 1;
    }
    table
};

/// Decoded from its escape: a letter or digit of any script (never a space, a mark or a control).
/// Hangul syllables (all letters) are told without the standard library's table search, which
/// cost 29 M instructions in a 1,000-note build (percent-encoded Korean in reference links).
fn is_letter(c: char) -> bool {
    matches!(c, '\u{AC00}'..='\u{D7A3}') || (!c.is_ascii() && c.is_alphanumeric())
}

/// Kept as written: non-ASCII that a URL holds as itself (an emoji, `·`), but no control, space,
/// invisible formatting character (bidi overrides, zero-width) or noncharacter.
fn stays_raw(c: char) -> bool {
    let u = c as u32;
    let invisible = matches!(u, 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F | 0xFEFF | 0xFFF9..=0xFFFB);
    let noncharacter = matches!(u, 0xFDD0..=0xFDEF) || (u & 0xFFFE) == 0xFFFE;
    !c.is_ascii() && !c.is_control() && !c.is_whitespace() && !invisible && !noncharacter
}

/// `byte` as `%XX`, upper-case.
fn push_escaped(out: &mut String, byte: u8) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    out.push('%');
    out.push(HEX[usize::from(byte >> 4)] as char);
    out.push(HEX[usize::from(byte & 0xF)] as char);
}

/// Length of the run of `%XX` escapes `b` starts with.
fn escaped_run(b: &[u8]) -> usize {
    let mut at = 0;
    while at + 2 < b.len() && b[at] == b'%' && b[at + 1].is_ascii_hexdigit() && b[at + 2].is_ascii_hexdigit() {
        at += 3;
    }
    at
}

/// A run of `%XX` escapes: each UTF-8 letter in it as itself, every other byte as written.
fn decode_run(run: &str, out: &mut String) {
    let escapes = run.len() / 3;
    let byte = |i: usize| hex(run.as_bytes()[i * 3 + 1]) << 4 | hex(run.as_bytes()[i * 3 + 2]);
    let mut i = 0;
    while i < escapes {
        let len = utf8_len(byte(i));
        let mut sequence = [0u8; 4];
        let decoded = (i + len <= escapes)
            .then(|| {
                for (k, to) in sequence[..len].iter_mut().enumerate() {
                    *to = byte(i + k);
                }
                std::str::from_utf8(&sequence[..len]).ok().and_then(|s| s.chars().next())
            })
            .flatten();
        match decoded {
            Some(c) if is_letter(c) => {
                out.push(c);
                i += len;
            }
            _ => {
                out.push_str(&run[i * 3..i * 3 + 3]);
                i += 1;
            }
        }
    }
}

fn hex(b: u8) -> u8 {
    (b as char).to_digit(16).unwrap_or(0) as u8
}

/// Bytes of the UTF-8 sequence a first byte starts (1 for a byte that starts none).
fn utf8_len(first: u8) -> usize {
    match first {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => 1,
    }
}

#[cfg(test)]
mod before;

#[cfg(test)]
mod tests {
    use super::{compact, is_letter};

    /// The Hangul fast path says what the table says, for every character.
    #[test]
    fn is_letter_agrees_with_the_standard_library_everywhere() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            assert_eq!(is_letter(c), !c.is_ascii() && c.is_alphanumeric(), "{c:?}");
        }
    }

    #[test]
    fn letters_of_any_script_are_written_as_themselves() {
        assert_eq!(compact("#1%EB%B2%88-%EB%AC%B8%EC%A0%9C"), "#1번-문제");
        assert_eq!(
            compact("../Computer%20Science/%EC%9A%B4%EC%98%81.html#%eb%aa%a9"),
            "../Computer%20Science/운영.html#목"
        );
        assert_eq!(
            compact("https://velog.io/@n/%EB%B8%94%EB%A1%9C%ED%82%B9?q=%ED%82%B9&x=1"),
            "https://velog.io/@n/블로킹?q=킹&x=1"
        );
        assert_eq!(compact("#가나"), "#가나");
        assert_eq!(compact("https://a.com/x"), "https://a.com/x");
    }

    #[test]
    fn everything_else_keeps_or_gets_its_escape() {
        // ASCII escapes, spaces of other scripts, emoji, a lone `%`, bytes that are not UTF-8.
        assert_eq!(compact("a%20b%23c%2F"), "a%20b%23c%2F");
        assert_eq!(compact("a%E3%80%80b"), "a%E3%80%80b", "an ideographic space stays encoded");
        assert_eq!(compact("a\u{3000}b 😀\u{202E}"), "a%E3%80%80b%20😀%E2%80%AE", "emoji written raw stay");
        assert_eq!(compact("%F0%9F%98%80"), "%F0%9F%98%80", "only letters are decoded");
        assert_eq!(compact("100%"), "100%");
        assert_eq!(compact("%B0%A1%EB%B2"), "%B0%A1%EB%B2", "EUC-KR and a cut sequence stay as written");
        assert_eq!(compact("a\"b<c>`{|}\\"), "a%22b%3Cc%3E%60%7B%7C%7D%5C");
        assert_eq!(compact("q?a=1&b='x'"), "q?a=1&b='x'", "the caller escapes & and ' for HTML");
    }

    /// Random hrefs made of every kind of piece `compact` treats apart give what the reading
    /// it replaced gives, and so does every word of the shared corpus's notes (their links,
    /// escaped and raw, among them).
    #[test]
    fn compact_gives_what_it_gave_before() {
        let pieces = [
            "a",
            "Z",
            "09",
            "/",
            "#",
            "?",
            "=",
            "&",
            "'",
            "!$()*+,-.:;@^_~",
            " ",
            "\"",
            "<",
            ">",
            "`",
            "{",
            "|",
            "}",
            "\\",
            "\t",
            "\n",
            "\u{7f}",
            "%",
            "%2",
            "%zz",
            "%20",
            "%2F",
            "%23",
            "%25",
            "%EB%B2%88",
            "%eb%aa%a9",
            "%EC%A0%9C",
            "%F0%9F%98%80",
            "%E3%80%80",
            "%B0%A1",
            "%EB%B2",
            "%C2%80",
            "%CC%81",
            "%ED%A0%80",
            "%C0%AF",
            "%F4%90%80%80",
            "번",
            "가나",
            "é",
            "e\u{301}",
            "😀",
            "·",
            "\u{80}",
            "\u{a0}",
            "\u{3000}",
            "\u{200B}",
            "\u{202E}",
            "\u{2060}",
            "\u{FEFF}",
            "\u{FDD0}",
            "\u{FFFE}",
            "\u{1FFFF}",
            "\u{FFF9}",
        ];
        let mut next = crate::text::random_below(0x5EED_2026);
        for round in 0..20_000 {
            let href: String = (0..next(12)).map(|_| pieces[next(pieces.len())]).collect();
            assert_eq!(compact(&href), super::before::compact(&href), "round {round}: {href:?}");
        }
        let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora");
        let mut words = 0;
        let mut folders = vec![corpus];
        while let Some(folder) = folders.pop() {
            for entry in std::fs::read_dir(&folder).unwrap().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    folders.push(path);
                } else if let Ok(text) = std::fs::read_to_string(&path) {
                    for word in text.split_whitespace() {
                        assert_eq!(compact(word), super::before::compact(word), "{}: {word:?}", path.display());
                        words += 1;
                    }
                }
            }
        }
        assert!(words > 50_000, "{words} words");
    }
}
