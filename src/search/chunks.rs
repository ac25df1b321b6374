//! Sixteen bytes of text classed at once (SSE2, which every x86-64 processor has): the byte
//! scans of `tokens::is_nfc`, `squeeze` and `push_json_string` step over a stretch of bytes that needs nothing done
//! in one step, not character by character, and stop at the first byte that needs a look.
//! Other targets scan byte by byte as before (`None`). The comparisons are `text::sse2`'s.
//!
//! Each scan looks at a byte and the one after it (a Hangul syllable is told by its first two
//! bytes, a space that stays by the byte after it), so a chunk is taken only with its next byte
//! in the text too.
//!
//! Measured (callgrind, a cold build of 1,000 generated notes, `-j 1`): `squeeze` 39.3 M →
//! 27.1 M instructions, `Weights::add` (which has `is_nfc`'s scan inlined) 206.0 M → 190.9 M;
//! the build 5,631.1 M → 5,604.6 M. `push_json_string` (the text blocks) 36.8 M → 14.5 M, the
//! build 5,604.6 M → 5,577.4 M.

/// The bytes of `bytes[at..at + 16]` where a character that can be other than NFC may start, as
/// a bit mask (bit k for byte `at + k`): a byte from 0xCC up (a character from U+0300), but
/// not the first byte of a Hangul syllable, told as `tokens::unsure_chars` tells it (0xEB, 0xEC,
/// 0xEA before 0xB0 and up, 0xED before one below 0x9E). `None` when fewer than 17 bytes are
/// left from `at` (or on another target).
#[inline]
pub(super) fn unsure_leads(bytes: &[u8], at: usize) -> Option<u32> {
    #[cfg(target_arch = "x86_64")]
    {
        use crate::text::sse2::*;
        let (b, next) = load(bytes, at)?;
        let hangul = or(
            within(b, 0xEB, 0xEC),
            or(and(eq(b, 0xEA), at_least(next, 0xB0)), and_not(at_least(next, 0x9E), eq(b, 0xED))),
        );
        Some(bits(and_not(hangul, at_least(b, 0xCC))))
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = (bytes, at);
        None
    }
}

/// The bytes of `bytes[at..at + 16]` where `squeeze` has to look, as a bit mask (bit k for byte
/// `at + k`): a byte that can start whitespace (ASCII whitespace, 0xC2, 0xE1 to 0xE3), but not
/// a space before a byte that cannot. `None` when fewer than 17 bytes are left from `at` (or on
/// another target).
#[inline]
pub(super) fn blank_stops(bytes: &[u8], at: usize) -> Option<u32> {
    #[cfg(target_arch = "x86_64")]
    {
        use crate::text::sse2::*;
        let (b, next) = load(bytes, at)?;
        let may_be_blank = |v| or(or(within(v, 9, 13), eq(v, b' ')), or(eq(v, 0xC2), within(v, 0xE1, 0xE3)));
        let single_space = and_not(may_be_blank(next), eq(b, b' '));
        Some(bits(and_not(single_space, may_be_blank(b))))
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = (bytes, at);
        None
    }
}

/// The bytes of `bytes[at..at + 16]` that `push_json_string` escapes (`"`, `\`, control
/// characters), as a bit mask (bit k for byte `at + k`). `None` when fewer than 16 bytes are
/// left from `at` (or on another target).
#[inline]
pub(super) fn json_escapes(bytes: &[u8], at: usize) -> Option<u32> {
    #[cfg(target_arch = "x86_64")]
    {
        use crate::text::sse2::*;
        let b = load_one(bytes, at)?;
        let plain = and_not(or(eq(b, b'"'), eq(b, b'\\')), at_least(b, 0x20));
        Some(!bits(plain) & 0xFFFF)
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = (bytes, at);
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::random_below;

    /// What each mask says of byte `at + k`, byte by byte.
    fn by_bytes(bytes: &[u8], at: usize, flagged: impl Fn(u8, u8) -> bool) -> u32 {
        (0..16).filter(|&k| flagged(bytes[at + k], bytes[at + k + 1])).map(|k| 1 << k).sum()
    }

    fn unsure(b: u8, next: u8) -> bool {
        let hangul = matches!((b, next), (0xEB | 0xEC, _) | (0xEA, 0xB0..) | (0xED, ..0x9E));
        b >= 0xCC && !hangul
    }

    fn stops(b: u8, next: u8) -> bool {
        let may_be_blank = |c: u8| matches!(c, 9..=13 | b' ' | 0xC2 | 0xE1..=0xE3);
        let single_space = b == b' ' && !may_be_blank(next);
        may_be_blank(b) && !single_space
    }

    /// Every byte value next to every other, at every offset: the masks are what the byte by
    /// byte tests give, and there is no mask without a next byte.
    #[test]
    fn chunks_are_classed_as_byte_by_byte() {
        let mut next = random_below(0x9E37_79B9_7F4A_7C15);
        let interesting =
            [0, 9, 10, 13, 14, 0x1F, 32, 33, b'"', b'\\', 0x7F, 0x80, 0x9D, 0x9E, 0xAF, 0xB0, 0xBF, 0xC2, 0xCB, 0xCC];
        let more = [0xE0, 0xE1, 0xE3, 0xE4, 0xE9, 0xEA, 0xEB, 0xEC, 0xED, 0xEE, 0xFF];
        for _ in 0..20_000 {
            let len = 17 + next(24);
            let bytes: Vec<u8> = (0..len)
                .map(|_| match next(3) {
                    0 => next(256) as u8,
                    1 => interesting[next(interesting.len())],
                    _ => more[next(more.len())],
                })
                .collect();
            for at in 0..=len - 17 {
                if cfg!(target_arch = "x86_64") {
                    assert_eq!(unsure_leads(&bytes, at), Some(by_bytes(&bytes, at, unsure)), "{bytes:x?} {at}");
                    assert_eq!(blank_stops(&bytes, at), Some(by_bytes(&bytes, at, stops)), "{bytes:x?} {at}");
                }
            }
            for at in 0..=len - 16 {
                if cfg!(target_arch = "x86_64") {
                    let escaped = |b: u8| b < 0x20 || b == b'"' || b == b'\\';
                    let want: u32 = (0..16).filter(|&k| escaped(bytes[at + k])).map(|k| 1 << k).sum();
                    assert_eq!(json_escapes(&bytes, at), Some(want), "{bytes:x?} {at}");
                }
            }
            assert_eq!(json_escapes(&bytes, len - 15), None);
            assert_eq!(unsure_leads(&bytes, len - 16), None);
            assert_eq!(blank_stops(&bytes, len - 16), None);
        }
    }
}
