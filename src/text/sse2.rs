//! Sixteen bytes compared at once (SSE2), for the scans that step over stretches of text that
//! need nothing done: the search text's (`search::chunks`) and the HTML minifier's. x86-64 only
//! (the module is compiled for no other target); callers keep a byte loop for the others.
//!
//! The intrinsics are `unsafe` for the processors that lack SSE2: no x86-64 processor does
//! (it is part of the target's baseline), so every call here is sound.
use std::arch::x86_64::{
    __m128i, _mm_and_si128, _mm_andnot_si128, _mm_cmpeq_epi8, _mm_max_epu8, _mm_movemask_epi8, _mm_or_si128,
    _mm_set1_epi8, _mm_set_epi64x,
};

/// The 16 bytes from `at` and the 16 from `at + 1`, when the text has them.
#[inline]
pub(crate) fn load(bytes: &[u8], at: usize) -> Option<(__m128i, __m128i)> {
    let chunk = |from: usize| {
        let b = bytes.get(from..)?.first_chunk::<16>()?;
        let (lo, hi) = (u128::from_le_bytes(*b) as u64, (u128::from_le_bytes(*b) >> 64) as u64);
        // SAFETY: SSE2 is part of every x86-64 processor (see the module's doc).
        Some(unsafe { _mm_set_epi64x(hi as i64, lo as i64) })
    };
    Some((chunk(at)?, chunk(at + 1)?))
}

/// The 16 bytes from `at`, when the text has them.
#[inline]
pub(crate) fn load_one(bytes: &[u8], at: usize) -> Option<__m128i> {
    let b = u128::from_le_bytes(*bytes.get(at..)?.first_chunk::<16>()?);
    // SAFETY: SSE2 is part of every x86-64 processor (see the module's doc).
    Some(unsafe { _mm_set_epi64x((b >> 64) as u64 as i64, b as u64 as i64) })
}

/// Bytes equal to `c`.
#[inline]
pub(crate) fn eq(v: __m128i, c: u8) -> __m128i {
    // SAFETY: SSE2 is part of every x86-64 processor.
    unsafe { _mm_cmpeq_epi8(v, _mm_set1_epi8(c as i8)) }
}

/// Bytes at least `c` (unsigned).
#[inline]
pub(crate) fn at_least(v: __m128i, c: u8) -> __m128i {
    // SAFETY: SSE2 is part of every x86-64 processor.
    unsafe { _mm_cmpeq_epi8(_mm_max_epu8(v, _mm_set1_epi8(c as i8)), v) }
}

/// Bytes from `low` to `high`.
#[inline]
pub(crate) fn within(v: __m128i, low: u8, high: u8) -> __m128i {
    and_not(at_least(v, high + 1), at_least(v, low))
}

/// Bytes of `b` not in `a`.
#[inline]
pub(crate) fn and_not(a: __m128i, b: __m128i) -> __m128i {
    // SAFETY: SSE2 is part of every x86-64 processor.
    unsafe { _mm_andnot_si128(a, b) }
}

/// Bytes in both.
#[inline]
pub(crate) fn and(a: __m128i, b: __m128i) -> __m128i {
    // SAFETY: SSE2 is part of every x86-64 processor.
    unsafe { _mm_and_si128(a, b) }
}

/// Bytes in either.
#[inline]
pub(crate) fn or(a: __m128i, b: __m128i) -> __m128i {
    // SAFETY: SSE2 is part of every x86-64 processor.
    unsafe { _mm_or_si128(a, b) }
}

/// One bit a byte, the first byte lowest.
#[inline]
pub(crate) fn bits(v: __m128i) -> u32 {
    // SAFETY: SSE2 is part of every x86-64 processor.
    unsafe { _mm_movemask_epi8(v) as u32 }
}
