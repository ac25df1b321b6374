//! Sixteen bytes of a page classed at once (SSE2, which every x86-64 processor has): the
//! minifier's scans of text, of content kept as written, of quoted attribute values and of
//! names and unquoted values in tags (`next_of`) step over a stretch that goes out as it is in
//! one step, and stop at the first byte that needs a look. Other targets (`None`) scan a word
//! (or a byte) at a time as before. The comparisons are `text::sse2`'s.
//!
//! Measured (callgrind, a cold build of 1,000 generated notes, `-j 1`): `minify::html` over the
//! build's 1,016 pages 290.1 M → 274.0 M instructions with what it calls; the build
//! 5,427.0 M → 5,412.7 M. `next_of` too (tags' names and values): 274.0 M → 255.1 M, the build
//! 5,412.7 M → 5,394.3 M.

/// The bytes of `bytes[at..at + 16]` where text stops going out as it is (see `text_end`), as a
/// bit mask (bit k for byte `at + k`): `<`, and every byte up to a space (blanks, control
/// bytes) but a space or line break before a byte of text (above a space, not `<`), which
/// collapsing leaves as it is. `None` when fewer than 17 bytes are left from `at` (or on another
/// target).
#[inline]
pub(super) fn text_stops(bytes: &[u8], at: usize) -> Option<u32> {
    #[cfg(target_arch = "x86_64")]
    {
        use crate::text::sse2::*;
        let (b, next) = load(bytes, at)?;
        let text = |v| bits(and_not(eq(v, b'<'), at_least(v, b' ' + 1)));
        let single = bits(or(eq(b, b' '), eq(b, b'\n'))) & text(next);
        Some(bits(eq(b, b'<')) | !(bits(at_least(b, b' ' + 1)) | single) & 0xFFFF)
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = (bytes, at);
        None
    }
}

/// The bytes of `bytes[at..at + 16]` equal to `byte`, as a bit mask (bit k for byte `at + k`).
/// `None` when fewer than 16 bytes are left from `at` (or on another target).
#[inline]
pub(super) fn equal_to(bytes: &[u8], at: usize, byte: u8) -> Option<u32> {
    #[cfg(target_arch = "x86_64")]
    {
        use crate::text::sse2::*;
        Some(bits(eq(load_one(bytes, at)?, byte)))
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = (bytes, at, byte);
        None
    }
}

/// The bytes of `bytes[at..at + 16]` in one of `classes` (of `CLASS`: `classes` is a constant
/// where this is inlined, so only its comparisons are made), as a bit mask (bit k for byte
/// `at + k`). `None` when fewer than 16 bytes are left from `at` (or on another target).
#[inline(always)]
pub(super) fn of_classes(bytes: &[u8], at: usize, classes: u8) -> Option<u32> {
    #[cfg(target_arch = "x86_64")]
    {
        use super::{EQUALS, GT, LT, SLASH, SPACE};
        use crate::text::sse2::*;
        let v = load_one(bytes, at)?;
        let mut found = 0;
        if classes & SPACE != 0 {
            // Tab, line feed, form feed, carriage return (9 to 13 but 11) and space.
            found |= bits(or(and_not(eq(v, 0x0b), within(v, b'\t', b'\r')), eq(v, b' ')));
        }
        for (class, byte) in [(LT, b'<'), (SLASH, b'/'), (GT, b'>'), (EQUALS, b'=')] {
            if classes & class != 0 {
                found |= bits(eq(v, byte));
            }
        }
        Some(found)
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = (bytes, at, classes);
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::random_below;

    /// Every byte value next to every other, at every offset: the masks are what byte by byte
    /// tests give, and there is no mask without the bytes it needs.
    #[test]
    fn chunks_are_classed_as_byte_by_byte() {
        let mut next = random_below(0x9E37_79B9_7F4A_7C15);
        let interesting =
            [0, 1, 9, 10, 11, 12, 13, 0x1F, b' ', b'!', b'"', b'\'', b'/', b'<', b'=', b'>', 0x7F, 0x80, 0xEA, 0xFF];
        let stops = |b: u8, n: u8| {
            let text = |c: u8| c > b' ' && c != b'<';
            b == b'<' || !(text(b) || matches!(b, b' ' | b'\n') && text(n))
        };
        for _ in 0..20_000 {
            let len = 17 + next(24);
            let bytes: Vec<u8> = (0..len)
                .map(|_| match next(2) {
                    0 => next(256) as u8,
                    _ => interesting[next(interesting.len())],
                })
                .collect();
            if cfg!(target_arch = "x86_64") {
                for at in 0..=len - 17 {
                    let want: u32 = (0..16).filter(|&k| stops(bytes[at + k], bytes[at + k + 1])).map(|k| 1 << k).sum();
                    assert_eq!(text_stops(&bytes, at), Some(want), "{bytes:x?} {at}");
                }
                for at in 0..=len - 16 {
                    let classes = next(32) as u8;
                    let want: u32 = (0..16)
                        .filter(|&k| super::super::CLASS[bytes[at + k] as usize] & classes != 0)
                        .map(|k| 1 << k)
                        .sum();
                    assert_eq!(of_classes(&bytes, at, classes), Some(want), "{bytes:x?} {at} {classes:x}");
                    let byte = bytes[next(len)];
                    let want: u32 = (0..16).filter(|&k| bytes[at + k] == byte).map(|k| 1 << k).sum();
                    assert_eq!(equal_to(&bytes, at, byte), Some(want), "{bytes:x?} {at} {byte:x}");
                }
            }
            assert_eq!(text_stops(&bytes, len - 16), None);
            assert_eq!(equal_to(&bytes, len - 15, b'<'), None);
            assert_eq!(of_classes(&bytes, len - 15, super::super::SPACE), None);
        }
    }
}
