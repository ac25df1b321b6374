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

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Call `term` with every index term of `text`, in order, repeats included. Terms borrow from
/// `text` where they can (every bigram, and words already in lower case).
pub(crate) fn terms<'a>(text: &'a str, mut term: impl FnMut(Cow<'a, str>)) {
    match surely_nfc(text) {
        true => terms_nfc(text, &mut term),
        false => {
            let nfc: String = text.nfc().collect();
            terms_nfc(&nfc, &mut |t: Cow<str>| term(Cow::Owned(t.into_owned())));
        }
    }
}

/// Whether `text` is NFC by the quick check. Only the characters that can be other than NFC are
/// checked: the quick check looks each up in a table, and Latin and Hangul text is most of what
/// a site has. Leaving characters out never turns a "maybe" or "no" into "yes" (it can only make
/// the ordering check stricter). Characters below U+0300 are ASCII or start with a byte below
/// 0xCC, and so does every continuation byte; those starting with 0xEB or 0xEC are Hangul
/// syllables (U+B000–U+CFFF): only the others are decoded.
fn surely_nfc(text: &str) -> bool {
    let bytes = text.as_bytes();
    let unsure = (0..bytes.len()).filter(|&i| bytes[i] >= 0xCC && !matches!(bytes[i], 0xEB | 0xEC));
    let unsure = unsure.map(|i| char_at(text, i).0).filter(|&c| !('\u{AC00}'..='\u{D7A3}').contains(&c));
    is_nfc_quick(unsure) == IsNormalized::Yes
}

/// The character starting at byte `i` of `text` (a char boundary) and its length, decoded from
/// the bytes (valid UTF-8) without slicing the text: ASCII at once, Hangul in three bytes.
fn char_at(text: &str, i: usize) -> (char, usize) {
    let bytes = text.as_bytes();
    let (len, bits) = match bytes[i] {
        b @ 0..=0x7F => return (char::from(b), 1),
        b @ 0xC0..=0xDF => (2, b & 0x1F),
        b @ 0xE0..=0xEF => (3, b & 0x0F),
        b => (4, b & 0x07),
    };
    let code = bytes[i + 1..i + len].iter().fold(u32::from(bits), |c, &b| c << 6 | u32::from(b & 0x3F));
    (char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER), len)
}

/// Walks the text a character at a time by byte position (`char_at`), not through a peekable
/// `char_indices`: the index reads every page's whole text, and this loop is most of its cost.
fn terms_nfc<'a>(text: &'a str, term: &mut impl FnMut(Cow<'a, str>)) {
    let mut at = 0;
    while at < text.len() {
        let (start, (c, len)) = (at, char_at(text, at));
        at += len;
        if is_cjk(c) {
            // Each character with the one before it; a lone one alone.
            let mut previous = start;
            while at < text.len() {
                let (d, len) = char_at(text, at);
                if !is_cjk(d) {
                    break;
                }
                term(Cow::Borrowed(&text[previous..at + len]));
                previous = at;
                at += len;
            }
            if previous == start {
                term(Cow::Borrowed(&text[start..at]));
            }
        } else if is_word(c) {
            while at < text.len() {
                let (d, len) = char_at(text, at);
                let joins = d == '.' && at + 1 < text.len() && {
                    let n = char_at(text, at + 1).0;
                    is_word(n) && !is_cjk(n)
                };
                if is_cjk(d) || !(is_word(d) || joins) {
                    break;
                }
                at += len;
            }
            word_terms(&text[start..at], term);
        }
    }
}

/// `word` in lower case, borrowed when it already is.
fn lower(word: &str) -> Cow<'_, str> {
    if word.is_ascii() {
        return match word.bytes().any(|b| b.is_ascii_uppercase()) {
            true => Cow::Owned(word.to_ascii_lowercase()),
            false => Cow::Borrowed(word),
        };
    }
    if word.chars().any(|c| c.is_uppercase()) {
        Cow::Owned(word.to_lowercase())
    } else {
        Cow::Borrowed(word)
    }
}

/// A word's terms: itself (without outer `_` and `.`), then its parts when it has more than one.
fn word_terms<'a>(word: &'a str, term: &mut impl FnMut(Cow<'a, str>)) {
    let word = word.trim_matches(['_', '.']);
    let ascii = word.is_ascii();
    let chars = if ascii { word.len() } else { word.chars().count() };
    if word.is_empty() || chars > MAX_WORD {
        return;
    }
    term(lower(word));
    // Most words are ASCII: their characters are their bytes, read without decoding.
    let start = match ascii {
        true => cut_parts(word, word.bytes().map(char::from).enumerate(), term),
        false => cut_parts(word, word.char_indices(), term),
    };
    emit_part(word, start, word.len(), term);
}

/// Give each part of `word` but the last (cut at `.`, `_` and camelCase), from its characters
/// with their byte positions; returns where the last part starts.
fn cut_parts<'a>(
    word: &'a str,
    chars: impl Iterator<Item = (usize, char)>,
    term: &mut impl FnMut(Cow<'a, str>),
) -> usize {
    let mut start = 0;
    let mut chars = chars.peekable();
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
    start
}

fn emit_part<'a>(word: &'a str, from: usize, to: usize, term: &mut impl FnMut(Cow<'a, str>)) {
    let part = word[from..to].trim_matches(['_', '.']);
    if !part.is_empty() && part.len() < word.len() {
        term(lower(part));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        terms(text, |t| out.push(t.into_owned()));
        out
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

    /// The terms as the first version made them, through `char_indices` and the quick check on
    /// every character: what the byte-position loop and the ASCII word path must give.
    fn reference(text: &str) -> Vec<String> {
        fn word_terms_slow(word: &str, out: &mut Vec<String>) {
            let lower = |w: &str| match w.chars().any(|c| c.is_uppercase()) {
                true => w.to_lowercase(),
                false => w.to_string(),
            };
            let word = word.trim_matches(['_', '.']);
            if word.is_empty() || word.chars().count() > MAX_WORD {
                return;
            }
            out.push(lower(word));
            let mut start = 0;
            let mut emit = |from: usize, to: usize, out: &mut Vec<String>| {
                let part = word[from..to].trim_matches(['_', '.']);
                if !part.is_empty() && part.len() < word.len() {
                    out.push(lower(part));
                }
            };
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
                    emit(start, i, out);
                    start = i;
                }
                previous = Some(c);
            }
            emit(start, word.len(), out);
        }
        let text: String = match is_nfc_quick(text.chars()) {
            IsNormalized::Yes => text.to_string(),
            _ => text.nfc().collect(),
        };
        let mut out = Vec::new();
        let mut chars = text.char_indices().peekable();
        while let Some(&(start, c)) = chars.peek() {
            if is_cjk(c) {
                let (mut previous, mut end, mut count) = (start, start, 0);
                while let Some(&(i, d)) = chars.peek().filter(|(_, d)| is_cjk(*d)) {
                    end = i + d.len_utf8();
                    if count > 0 {
                        out.push(text[previous..end].to_string());
                    }
                    previous = i;
                    count += 1;
                    chars.next();
                }
                if count == 1 {
                    out.push(text[start..end].to_string());
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
                word_terms_slow(&text[start..end], &mut out);
            } else {
                chars.next();
            }
        }
        out
    }

    /// Random text from pieces that meet at every kind of boundary the tokenizer draws: Hangul,
    /// Han and kana runs, ASCII and accented words in both cases, `.`/`_` inside and at the ends
    /// of words, digits, decomposed jamo and combining accents (not NFC), spaces and symbols.
    #[test]
    fn the_fast_paths_give_what_the_plain_walk_gives() {
        let pieces = [
            "비동기",
            "큐",
            "스택과",
            "漢字",
            "かな",
            "カタ",
            "HashMap",
            "httpServer",
            "HTTPServer",
            "snake_case",
            "asyncio",
            "run",
            "x",
            "Z",
            "3",
            "14",
            "0x1F",
            ".",
            "..",
            "_",
            "__",
            " ",
            "  ",
            "\n",
            "(",
            ")",
            "-",
            "/",
            ",",
            "é",
            "É",
            "Straße",
            "ÄÖÜ",
            "ǅ",
            "ς",
            "\u{1100}\u{1161}\u{11A8}",
            "e\u{301}",
            "\u{300}",
            "Ω",
            "Ⅻ",
            "١٢",
            "😀",
            "\u{AC00}",
            "\u{D7A3}",
            "\u{D7A4}",
            "\u{4DBF}",
            "\u{3040}",
            "a".repeat(40).leak(),
            "A".repeat(41).leak(),
            "İ",
            "ǈǉ",
        ];
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..20_000 {
            let n = 1 + next() % 8;
            let text: String = (0..n).map(|_| pieces[(next() % pieces.len() as u64) as usize]).collect();
            assert_eq!(all(&text), reference(&text), "{text:?}");
        }
        for text in ["", ".", "a.", ".a", "a.b.", "가.a", "a.가", "a.é", "É.a", "x\u{300}y"] {
            assert_eq!(all(text), reference(text), "{text:?}");
        }
    }
}
