//! Text to index terms, the same rules as the query side in `static/search.js` (`terms`), so a
//! query finds what the index holds:
//!
//! - text is NFC-normalised (notes saved as decomposed jamo still match) and lower-cased;
//! - a run of Hangul syllables (or Han/kana) gives its character bigrams (`비동기적으로` →
//!   `비동`, `동기`, `기적`, `적으`, `으로`), or the one syllable of a one-syllable run, so a
//!   query matches inside words carrying particles and inside compounds;
//! - a run of other letters, digits, `_` and inner `.` is a word, kept whole (`asyncio.run`)
//!   and, when it has parts, also split on `.`, `_` and camelCase (`asyncio`, `run`).
//!
//! A one-syllable query (`큐`) finds the syllable alone and at the start of a run (`큐를`), not
//! inside one (`우선순위큐`): indexing every syllable as well would grow the index by about a
//! third for queries that are mostly particles. The index stores the lone syllable's term as
//! the union of the terms starting with it (`Page::weighted_terms`), so that query reads one list.

use std::borrow::Cow;
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// Longest word kept as a term, in characters (longer ones are base64 blobs or hashes).
const MAX_WORD: usize = 40;

/// Characters written in runs without spaces between words: Hangul syllables, Han, kana.
pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c, '\u{AC00}'..='\u{D7A3}' | '\u{3040}'..='\u{30FF}' | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}')
}

/// Letters, digits and `_`; ASCII answered without the Unicode tables.
fn is_word(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric() || c == '_'
    } else {
        c.is_alphanumeric()
    }
}

/// Call `term` with every index term of `text`, in order, repeats included. Terms borrow from
/// `text` where they can (every bigram, and words already in lower case).
#[cfg(test)]
pub(crate) fn terms<'a>(text: &'a str, mut term: impl FnMut(Cow<'a, str>)) {
    terms_marked(text, |t, _| term(t));
}

/// `terms`, each told whether it is a CJK bigram: two characters of `is_cjk`, six bytes (every
/// such character takes three), which no other term is.
pub(crate) fn terms_marked<'a>(text: &'a str, mut term: impl FnMut(Cow<'a, str>, bool)) {
    match is_nfc_quick(unsure_chars(text)) {
        IsNormalized::Yes => terms_nfc(text, &mut term),
        _ => {
            let nfc: String = text.nfc().collect();
            terms_nfc(&nfc, &mut |t: Cow<str>, bigram| term(Cow::Owned(t.into_owned()), bigram));
        }
    }
}

/// The characters of `text` that can be other than NFC, in order: U+0300 and above, Hangul
/// syllables aside. The quick check looks each up in a table, and Latin and Hangul text is most
/// of what a site has. Leaving characters out never turns a "maybe" or "no" into "yes" (it can
/// only make the ordering check stricter). By bytes: a character below U+0300 starts with a
/// byte below 0xCC, and continuation bytes are below it too, so only lead bytes are decoded.
fn unsure_chars(text: &str) -> impl Iterator<Item = char> + '_ {
    let bytes = text.as_bytes();
    let mut at = 0;
    std::iter::from_fn(move || {
        while at < bytes.len() {
            // Lead bytes 0xEB and 0xEC start Hangul syllables only (U+B000–U+CFFF).
            if bytes[at] < 0xCC || bytes[at] == 0xEB || bytes[at] == 0xEC {
                at += 1;
                continue;
            }
            let (c, len) = char_at(bytes, at);
            at += len;
            if !('\u{AC00}'..='\u{D7A3}').contains(&c) {
                return Some(c);
            }
        }
        None
    })
}

/// The character starting at byte `at` of valid UTF-8, and its length in bytes. Decoded by hand:
/// `str::chars` on a slice checks the boundary and builds an iterator for every character.
#[inline]
fn char_at(bytes: &[u8], at: usize) -> (char, usize) {
    let lead = u32::from(bytes[at]);
    let next = |k: usize| u32::from(bytes[at + k] & 0x3F);
    let (code, len) = match lead {
        0..0x80 => (lead, 1),
        0x80..0xE0 => ((lead & 0x1F) << 6 | next(1), 2),
        0xE0..0xF0 => ((lead & 0x0F) << 12 | next(1) << 6 | next(2), 3),
        _ => ((lead & 0x07) << 18 | next(1) << 12 | next(2) << 6 | next(3), 4),
    };
    (char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER), len)
}

/// Whether the character at byte `at` is CJK (`is_cjk`): every one starts with a byte from 0xE3
/// to 0xED, and those starting with 0xEB or 0xEC are all Hangul syllables.
#[inline]
fn cjk_at(bytes: &[u8], at: usize) -> bool {
    match bytes[at] {
        0xEB | 0xEC => true,
        0xE3..=0xED => is_cjk(char_at(bytes, at).0),
        _ => false,
    }
}

/// ASCII letters, digits and `_`, by byte.
const ASCII_WORD: [bool; 128] = {
    let mut table = [false; 128];
    let mut b = 0;
    while b < 128 {
        table[b] = (b as u8).is_ascii_alphanumeric() || b == b'_' as usize;
        b += 1;
    }
    table
};

/// The terms of NFC text, walking its bytes: ASCII is classed by a table, other characters are
/// decoded by hand (`char_at`). Every CJK character takes three bytes, so a run's bigrams are
/// its six-byte windows.
fn terms_nfc<'a>(text: &'a str, term: &mut impl FnMut(Cow<'a, str>, bool)) {
    let bytes = text.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        let (c, len) = match bytes[at] {
            b if b.is_ascii() && !ASCII_WORD[usize::from(b)] => {
                at += 1;
                continue;
            }
            b if b.is_ascii() => (char::from(b), 1),
            _ => char_at(bytes, at),
        };
        if is_cjk(c) {
            let start = at;
            let mut end = at + 3;
            while end < bytes.len() && cjk_at(bytes, end) {
                end += 3;
            }
            if end - start == 3 {
                term(Cow::Borrowed(&text[start..end]), false);
            } else {
                let mut pair = start;
                while pair + 6 <= end {
                    term(Cow::Borrowed(&text[pair..pair + 6]), true);
                    pair += 3;
                }
            }
            at = end;
        } else if is_word(c) {
            let start = at;
            let mut end = at + len;
            while end < bytes.len() {
                let b = bytes[end];
                if b.is_ascii() && ASCII_WORD[usize::from(b)] {
                    end += 1;
                    continue;
                }
                // An inner `.` joins when a word character (not CJK) follows it.
                if b == b'.' {
                    let joins = end + 1 < bytes.len() && {
                        let n = char_at(bytes, end + 1).0;
                        is_word(n) && !is_cjk(n)
                    };
                    if !joins {
                        break;
                    }
                    end += 1;
                    continue;
                }
                if b.is_ascii() {
                    break;
                }
                let (d, d_len) = char_at(bytes, end);
                if is_cjk(d) || !is_word(d) {
                    break;
                }
                end += d_len;
            }
            word_terms(&text[start..end], &mut |t| term(t, false));
            at = end;
        } else {
            at += len;
        }
    }
}

/// The walk `terms_nfc` replaced, by characters: what the byte walk is tested against.
#[cfg(test)]
fn terms_nfc_by_chars<'a>(text: &'a str, term: &mut impl FnMut(Cow<'a, str>, bool)) {
    let mut chars = text.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        if is_cjk(c) {
            let (mut previous, mut end, mut count) = (start, start, 0);
            while let Some(&(i, d)) = chars.peek().filter(|(_, d)| is_cjk(*d)) {
                end = i + d.len_utf8();
                if count > 0 {
                    term(Cow::Borrowed(&text[previous..end]), true);
                }
                previous = i;
                count += 1;
                chars.next();
            }
            if count == 1 {
                term(Cow::Borrowed(&text[start..end]), false);
            }
        } else if is_word(c) {
            let mut end = start;
            while let Some(&(i, d)) = chars.peek() {
                let joins = d == '.' && text[i + 1..].chars().next().is_some_and(|n| is_word(n) && !is_cjk(n));
                if is_cjk(d) || !(is_word(d) || joins) {
                    break;
                }
                end = i + d.len_utf8();
                chars.next();
            }
            word_terms(&text[start..end], &mut |t| term(t, false));
        } else {
            chars.next();
        }
    }
}

/// `word` in lower case, borrowed when it already is.
fn lower(word: &str) -> Cow<'_, str> {
    let upper = if word.is_ascii() {
        word.bytes().any(|b| b.is_ascii_uppercase())
    } else {
        word.chars().any(|c| c.is_uppercase())
    };
    if upper {
        Cow::Owned(word.to_lowercase())
    } else {
        Cow::Borrowed(word)
    }
}

/// A word's terms: itself (without outer `_` and `.`), then its parts when it has more than one.
fn word_terms<'a>(word: &'a str, term: &mut impl FnMut(Cow<'a, str>)) {
    let word = trim_joiners(word);
    if word.is_empty() || (word.len() > MAX_WORD && word.chars().count() > MAX_WORD) {
        return;
    }
    term(lower(word));
    if word.is_ascii() {
        ascii_word_parts(word, term);
    } else {
        word_parts(word, term);
    }
}

/// The parts of a word, cut before and after `.` and `_` and at camelCase humps.
fn word_parts<'a>(word: &'a str, term: &mut impl FnMut(Cow<'a, str>)) {
    let mut start = 0;
    let mut chars = word.char_indices().peekable();
    let mut previous: Option<char> = None;
    while let Some((i, c)) = chars.next() {
        let next = chars.peek().map(|&(_, n)| n);
        let cut_before = previous.is_some_and(|a| {
            let next_lower = next.is_some_and(|n| n.is_lowercase());
            a == '.'
                || a == '_'
                || c == '.'
                || c == '_'
                || (a.is_lowercase() && c.is_uppercase())
                || (a.is_uppercase() && c.is_uppercase() && next_lower)
        });
        if cut_before {
            emit_part(word, start, i, term);
            start = i;
        }
        previous = Some(c);
    }
    emit_part(word, start, word.len(), term);
}

/// `word_parts` of an ASCII word, by bytes: the same cuts, where a character's case is
/// its byte's.
fn ascii_word_parts<'a>(word: &'a str, term: &mut impl FnMut(Cow<'a, str>)) {
    let bytes = word.as_bytes();
    let mut start = 0;
    for i in 1..bytes.len() {
        let (a, c) = (bytes[i - 1], bytes[i]);
        let next_lower = bytes.get(i + 1).is_some_and(u8::is_ascii_lowercase);
        let cut_before = a == b'.'
            || a == b'_'
            || c == b'.'
            || c == b'_'
            || (a.is_ascii_lowercase() && c.is_ascii_uppercase())
            || (a.is_ascii_uppercase() && c.is_ascii_uppercase() && next_lower);
        if cut_before {
            emit_part(word, start, i, term);
            start = i;
        }
    }
    emit_part(word, start, word.len(), term);
}

/// `text` without leading and trailing `_` and `.`, by bytes (both are ASCII, so any cut is at
/// a character boundary).
fn trim_joiners(text: &str) -> &str {
    let bytes = text.as_bytes();
    let joiner = |b: u8| b == b'_' || b == b'.';
    let start = bytes.iter().position(|&b| !joiner(b)).unwrap_or(bytes.len());
    let end = bytes.iter().rposition(|&b| !joiner(b)).map_or(start, |i| i + 1);
    &text[start..end]
}

fn emit_part<'a>(word: &'a str, from: usize, to: usize, term: &mut impl FnMut(Cow<'a, str>)) {
    let part = trim_joiners(&word[from..to]);
    if !part.is_empty() && part.len() < word.len() {
        term(lower(part));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::random_below;

    fn all(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        terms(text, |t| out.push(t.into_owned()));
        out
    }

    /// The byte walk gives the terms the character walk gave, in order, on text of every kind
    /// of character next to every other: ASCII, Hangul, kana, Han, Latin-1 letters, combining
    /// marks, 2- and 4-byte letters and digits (`𝐀`, `٣`), emoji, `.`, `_` and spaces.
    #[test]
    fn walking_bytes_gives_the_terms_walking_characters_gave() {
        let pieces = [
            "\u{3040}",
            "\u{30FF}",
            "\u{3100}",
            "\u{4DBF}",
            "\u{4DC0}",
            "\u{4E00}",
            "\u{ABFF}",
            "\u{AC00}",
            "\u{B000}",
            "\u{CFFF}",
            "\u{E000}",
            "a",
            "Z",
            "7",
            "_",
            ".",
            " ",
            "\n",
            "-",
            "(",
            "가",
            "힣",
            "ㄱ",
            "\u{1100}",
            "か",
            "カ",
            "漢",
            "\u{3400}",
            "\u{9FFF}",
            "\u{A000}",
            "\u{D7A4}",
            "\u{303F}",
            "é",
            "ß",
            "\u{0301}",
            "\u{0300}",
            "Ω",
            "٣",
            "𝐀",
            "😀",
            "\u{212A}",
            "ǅ",
            "HashMap",
            "x.y",
            "비동기",
            "\u{00A0}",
            "\u{3000}",
            "\u{FFFD}",
        ];
        let mut next = random_below(0x2545_F491_4F6C_DD1D);
        for _ in 0..20_000 {
            let text: String = (0..1 + next(12)).map(|_| pieces[next(pieces.len())]).collect();
            let (mut walked, mut expected) = (Vec::new(), Vec::new());
            terms_nfc(&text, &mut |t, b| walked.push((t.into_owned(), b)));
            terms_nfc_by_chars(&text, &mut |t, b| expected.push((t.into_owned(), b)));
            assert_eq!(walked, expected, "{text:?}");
            let unsure: Vec<char> =
                text.chars().filter(|&c| c >= '\u{300}' && !('\u{AC00}'..='\u{D7A3}').contains(&c)).collect();
            assert_eq!(unsure_chars(&text).collect::<Vec<_>>(), unsure, "{text:?}");
            assert_eq!(trim_joiners(&text), text.trim_matches(['_', '.']), "{text:?}");
            let cjk: Vec<bool> = text.char_indices().map(|(i, _)| cjk_at(text.as_bytes(), i)).collect();
            assert_eq!(cjk, text.chars().map(is_cjk).collect::<Vec<_>>(), "{text:?}");
        }
    }

    /// ASCII words are cut by bytes where any other word is cut by characters: the same parts.
    #[test]
    fn ascii_words_are_cut_by_bytes_where_characters_cut_them() {
        let pieces = ["a", "b", "Z", "Q", "7", "_", ".", "__", "..", "HTTP", "Server", "x"];
        let mut next = random_below(0x1234_5678_9ABC_DEF1);
        for _ in 0..20_000 {
            let word: String = (0..1 + next(8)).map(|_| pieces[next(pieces.len())]).collect();
            let (mut by_bytes, mut by_chars) = (Vec::new(), Vec::new());
            ascii_word_parts(&word, &mut |t| by_bytes.push(t.into_owned()));
            word_parts(&word, &mut |t| by_chars.push(t.into_owned()));
            assert_eq!(by_bytes, by_chars, "{word:?}");
            assert_eq!(lower(&word), word.to_lowercase(), "{word:?}");
            assert_eq!(trim_joiners(&word), word.trim_matches(['_', '.']), "{word:?}");
        }
    }

    #[test]
    fn hangul_runs_give_bigrams_and_lone_syllables_themselves() {
        assert_eq!(all("비동기적으로"), ["비동", "동기", "기적", "적으", "으로"]);
        assert_eq!(all("스택과 큐"), ["스택", "택과", "큐"]);
        // Decomposed jamo (a macOS file name, some editors) is composed first.
        assert_eq!(all("\u{1100}\u{1161}\u{11A8}\u{1100}\u{1161}"), ["각가"]);
    }

    #[test]
    fn words_are_kept_whole_and_split_into_their_parts() {
        assert_eq!(all("asyncio.run()"), ["asyncio.run", "asyncio", "run"]);
        assert_eq!(all("HashMap의"), ["hashmap", "hash", "map", "의"]);
        assert_eq!(all("HTTPServer"), ["httpserver", "http", "server"]);
        assert_eq!(all("__init__"), ["init"]);
        assert_eq!(all("snake_case end."), ["snake_case", "snake", "case", "end"]);
        assert_eq!(all("GIL 성능"), ["gil", "성능"]);
        assert_eq!(all("3.14"), ["3.14", "3", "14"]);
        assert_eq!(all("a.b_"), ["a.b", "a", "b"]);
        assert_eq!(all("x"), ["x"]);
    }
}
