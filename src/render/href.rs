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
    if href.bytes().all(|b| b != b'%' && b < 0x80 && href_safe(b)) {
        return Cow::Borrowed(href);
    }
    let mut out = String::with_capacity(href.len());
    let mut rest = href;
    while let Some(c) = rest.chars().next() {
        if c == '%' {
            let run = escaped_run(rest);
            if run > 0 {
                decode_run(&rest[..run], &mut out);
                rest = &rest[run..];
                continue;
            }
        }
        if c.is_ascii() {
            if href_safe(c as u8) || c == '%' {
                out.push(c);
            } else {
                push_escaped(&mut out, c);
            }
        } else if stays_raw(c) {
            out.push(c);
        } else {
            push_escaped(&mut out, c);
        }
        rest = &rest[c.len_utf8()..];
    }
    Cow::Owned(out)
}

/// ASCII a URL holds raw in an href (pulldown-cmark's `HREF_SAFE`), `&` and `'` too.
fn href_safe(b: u8) -> bool {
    HREF_SAFE[usize::from(b)]
}

/// The punctuation `href_safe` lets through.
const SAFE_PUNCTUATION: &[u8] = b"!#$%&'()*+,-./:;=?@^_~";

/// `href_safe` by byte: one look, where searching the punctuation cost every byte of every link
/// about twenty comparisons.
static HREF_SAFE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    let mut i = 0;
    while i < SAFE_PUNCTUATION.len() {
        table[SAFE_PUNCTUATION[i] as usize] = true;
        i += 1;
    }
    table
};

/// Decoded from its escape: a letter or digit of any script (never a space, a mark or a control).
fn is_letter(c: char) -> bool {
    !c.is_ascii() && c.is_alphanumeric()
}

/// Kept as written: non-ASCII that a URL holds as itself (an emoji, `·`), but no control, space,
/// invisible formatting character (bidi overrides, zero-width) or noncharacter.
fn stays_raw(c: char) -> bool {
    let u = c as u32;
    let invisible = matches!(u, 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F | 0xFEFF | 0xFFF9..=0xFFFB);
    let noncharacter = matches!(u, 0xFDD0..=0xFDEF) || (u & 0xFFFE) == 0xFFFE;
    !c.is_ascii() && !c.is_control() && !c.is_whitespace() && !invisible && !noncharacter
}

fn push_escaped(out: &mut String, c: char) {
    let mut buf = [0u8; 4];
    for b in c.encode_utf8(&mut buf).bytes() {
        out.push_str(&format!("%{b:02X}"));
    }
}

/// Length of the run of `%XX` escapes `s` starts with.
fn escaped_run(s: &str) -> usize {
    let b = s.as_bytes();
    let mut at = 0;
    while at + 2 < b.len() && b[at] == b'%' && b[at + 1].is_ascii_hexdigit() && b[at + 2].is_ascii_hexdigit() {
        at += 3;
    }
    at
}

/// A run of `%XX` escapes: each UTF-8 letter in it as itself, every other byte as written.
fn decode_run(run: &str, out: &mut String) {
    let bytes: Vec<u8> = run.as_bytes().chunks(3).map(|e| hex(e[1]) << 4 | hex(e[2])).collect();
    let mut i = 0;
    while i < bytes.len() {
        let len = utf8_len(bytes[i]);
        let decoded = bytes.get(i..i + len).and_then(|b| std::str::from_utf8(b).ok()).and_then(|s| s.chars().next());
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
mod tests {
    use super::{compact, href_safe};

    /// The table lets through what searching the list let through, byte for byte.
    #[test]
    fn the_table_holds_the_bytes_the_punctuation_list_names() {
        for b in 0..=255u8 {
            let listed = b.is_ascii_alphanumeric() || b"!#$%&'()*+,-./:;=?@^_~".contains(&b);
            assert_eq!(href_safe(b), listed, "byte {b:#04x}");
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
}
