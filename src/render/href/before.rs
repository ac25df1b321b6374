//! `compact` as it was before it went over bytes (session 26): char by char, a `Vec` per run
//! of escapes and a `format!` per escaped byte. Kept (for tests only) as the reading the new
//! one must match on any href.

use super::{hex, is_letter, stays_raw, utf8_len};
use std::borrow::Cow;

pub(super) fn compact(href: &str) -> Cow<'_, str> {
    if href.bytes().all(|b| b != b'%' && b < 0x80 && href_safe(b)) {
        return Cow::Borrowed(href);
    }
    let mut out = String::with_capacity(href.len());
    let mut rest = href;
    while let Some(c) = rest.chars().next() {
        if c == '%' {
            let run = super::escaped_run(rest.as_bytes());
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
    b.is_ascii_alphanumeric() || b"!#$%&'()*+,-./:;=?@^_~".contains(&b)
}

fn push_escaped(out: &mut String, c: char) {
    let mut buf = [0u8; 4];
    for b in c.encode_utf8(&mut buf).bytes() {
        out.push_str(&format!("%{b:02X}"));
    }
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
