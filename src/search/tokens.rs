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

#[cfg(test)]
use std::borrow::Cow;
#[cfg(test)]
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::{is_nfc_quick, IsNormalized};

/// Longest word kept as a term, in characters (longer ones are base64 blobs or hashes).
const MAX_WORD: usize = 40;

/// Characters written in runs without spaces between words: Hangul syllables, Han, kana.
pub(crate) fn is_cjk(c: char) -> bool {
    is_cjk_code(u32::from(c))
}

/// `is_cjk` of a character's code.
fn is_cjk_code(code: u32) -> bool {
    matches!(code, 0xAC00..=0xD7A3 | 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF)
}

/// Letters, digits and `_`; ASCII answered without the Unicode tables.
fn is_word(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric() || c == '_'
    } else {
        c.is_alphanumeric()
    }
}

/// One index term of a text, as `walk` finds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Term<'a, 'b> {
    /// A run of one CJK character: its three bytes and its code.
    Lone(&'a str, u32),
    /// A word or a part of one already in lower case, borrowed from the text.
    Word(&'a str),
    /// A word or a part of one put in lower case: it lives only for the call.
    Lowered(&'b str),
}

#[cfg(test)]
impl Term<'_, '_> {
    /// The term's text.
    pub(crate) fn text(&self) -> &str {
        match *self {
            Term::Lone(t, _) | Term::Word(t) => t,
            Term::Lowered(t) => t,
        }
    }
}

/// Call `term` with every index term of `text`, in order, repeats included, as the character
/// walk gave them (what `walk` is tested against).
#[cfg(test)]
pub(crate) fn terms(text: &str, mut term: impl FnMut(String)) {
    let nfc: String = text.nfc().collect();
    terms_nfc_by_chars(&nfc, &mut |t, _| term(t.into_owned()));
}

/// Whether `text` is NFC by the quick check (when it is not sure, `text` is normalised before
/// its terms are taken, which leaves NFC text as it is).
pub(crate) fn is_nfc(text: &str) -> bool {
    matches!(is_nfc_quick(unsure_chars(text)), IsNormalized::Yes)
}

/// The characters of `text` that can be other than NFC, in order: U+0300 and above, Hangul
/// syllables aside. The quick check looks each up in a table, and Latin and Hangul text is most
/// of what a site has. Leaving characters out never turns a "maybe" or "no" into "yes" (it can
/// only make the ordering check stricter). By bytes (`SURE`): only other lead bytes are decoded,
/// and 16 bytes of sure characters are stepped over at once (`chunks::unsure_leads`).
fn unsure_chars(text: &str) -> impl Iterator<Item = char> + '_ {
    let bytes = text.as_bytes();
    let mut at = 0;
    std::iter::from_fn(move || {
        while at < bytes.len() {
            // Sixteen bytes of sure characters at once; else on to the first unsure one's byte.
            if let Some(unsure) = super::chunks::unsure_leads(bytes, at) {
                if unsure == 0 {
                    at += 16;
                    continue;
                }
                at += unsure.trailing_zeros() as usize;
            }
            let step = SURE[usize::from(bytes[at])];
            if step > 0 {
                at += usize::from(step);
                continue;
            }
            // Hangul syllables starting with 0xEA (from U+AC00, `EA B0 80`) or 0xED (to U+D7A3,
            // `ED 9E A3`), told by their second byte: `가`, `고`, `기` are common.
            if matches!((bytes[at], bytes.get(at + 1)), (0xEA, Some(0xB0..)) | (0xED, Some(..0x9E))) {
                at += 3;
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

/// What `unsure_chars` steps over at a byte: 1 for a byte below 0xCC (a character below U+0300
/// starts with one, and every continuation byte is one), a whole character for 0xEB and 0xEC
/// (they start Hangul syllables only, U+B000–U+CFFF, three bytes each), 0 where the character
/// is decoded.
const SURE: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 0xCC {
        table[b] = 1;
        b += 1;
    }
    table[0xEB] = 3;
    table[0xEC] = 3;
    table
};

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

/// What a word has (`walk` gathers them as it reads the word): a word character (any ASCII
/// letter, digit or `_`), an ASCII capital, a joiner (`_` or an inner `.`), a non-ASCII
/// character.
const WORD: u8 = 1;
const CAPITAL: u8 = 2;
const JOINER: u8 = 4;
const OTHER: u8 = 8;

/// ASCII letters, digits and `_` by byte, with what each is (0 for any other byte).
const ASCII_WORD: [u8; 128] = {
    let mut table = [0; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        table[b] = if c.is_ascii_uppercase() {
            WORD | CAPITAL
        } else if c.is_ascii_alphanumeric() {
            WORD
        } else if c == b'_' {
            WORD | JOINER
        } else {
            0
        };
        b += 1;
    }
    table
};

/// The code of the CJK character (`is_cjk`) at byte `at`, if there is one there. Every one
/// takes three bytes starting with a byte from 0xE3 to 0xED, and those starting with 0xEB or
/// 0xEC are all Hangul syllables.
#[inline]
fn cjk_code_at(bytes: &[u8], at: usize) -> Option<u32> {
    // Valid UTF-8: fewer than three bytes left hold no three-byte character.
    let &[lead, second, third] = bytes.get(at..)?.first_chunk::<3>()?;
    let code = u32::from(lead & 0x0F) << 12 | u32::from(second & 0x3F) << 6 | u32::from(third & 0x3F);
    match lead {
        0xEB | 0xEC => Some(code),
        0xE3..=0xED if is_cjk_code(code) => Some(code),
        _ => None,
    }
}

/// The terms of NFC text, in order, walking its bytes: ASCII is classed by a table, other
/// characters are decoded by hand (`char_at`). Every CJK character takes three bytes, so a
/// run's bigrams are its six-byte windows: each is given to `bigram` (where it starts, and
/// `first << 16 | second`, every `is_cjk` character being below U+10000: a number that is
/// cheaper to count by than text), every other term to `term`. Bigrams are most of a Korean
/// page's terms, and `bigram`, called from one place, is inlined into the loop.
pub(crate) fn walk<'a>(text: &'a str, bigram: &mut impl FnMut(usize, u32), term: &mut impl FnMut(Term<'a, '_>)) {
    let bytes = text.as_bytes();
    // A word with capitals, lower-cased: its parts are slices of it.
    let mut lowered = String::new();
    let mut at = 0;
    while at < bytes.len() {
        let (c, len, mut kinds) = match bytes[at] {
            b if b.is_ascii() && ASCII_WORD[usize::from(b)] == 0 => {
                at += 1;
                continue;
            }
            b if b.is_ascii() => (char::from(b), 1, ASCII_WORD[usize::from(b)]),
            _ => {
                if let Some(mut previous) = cjk_code_at(bytes, at) {
                    let start = at;
                    let mut end = at + 3;
                    while let Some(code) = cjk_code_at(bytes, end) {
                        bigram(end - 3, previous << 16 | code);
                        previous = code;
                        end += 3;
                    }
                    if end - start == 3 {
                        term(Term::Lone(&text[start..end], previous));
                    }
                    at = end;
                    continue;
                }
                let (c, len) = char_at(bytes, at);
                (c, len, OTHER)
            }
        };
        if is_word(c) {
            let start = at;
            let mut end = at + len;
            while end < bytes.len() {
                let b = bytes[end];
                if b.is_ascii() && ASCII_WORD[usize::from(b)] != 0 {
                    kinds |= ASCII_WORD[usize::from(b)];
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
                    kinds |= JOINER;
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
                kinds |= OTHER;
                end += d_len;
            }
            word_terms(&text[start..end], kinds, &mut lowered, term);
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
            word_terms_by_chars(&text[start..end], &mut |t| term(t, false));
        } else {
            chars.next();
        }
    }
}

/// The word terms the character walk gave: the word, then its parts (cut before and after `.`
/// and `_` and at camelCase humps, outer `.` and `_` trimmed), each lower-cased when it has
/// capitals.
#[cfg(test)]
fn word_terms_by_chars<'a>(word: &'a str, term: &mut impl FnMut(Cow<'a, str>)) {
    let word = word.trim_matches(['_', '.']);
    if word.is_empty() || word.chars().count() > MAX_WORD {
        return;
    }
    term(lower(word));
    let chars: Vec<(usize, char)> = word.char_indices().collect();
    let mut pieces = Vec::new();
    let mut start = 0;
    for k in 1..chars.len() {
        let ((_, a), (i, c)) = (chars[k - 1], chars[k]);
        let next_lower = chars.get(k + 1).is_some_and(|&(_, n)| n.is_lowercase());
        if a == '.'
            || a == '_'
            || c == '.'
            || c == '_'
            || (a.is_lowercase() && c.is_uppercase())
            || (a.is_uppercase() && c.is_uppercase() && next_lower)
        {
            pieces.push(&word[start..i]);
            start = i;
        }
    }
    pieces.push(&word[start..]);
    for piece in pieces {
        let part = piece.trim_matches(['_', '.']);
        if !part.is_empty() && part.len() < word.len() {
            term(lower(part));
        }
    }
}

/// `terms_nfc_by_chars` through `walk`: each term's text, and whether it is a bigram (checking
/// the numbers `walk` gives against the characters).
#[cfg(test)]
fn walked(text: &str) -> Vec<(String, bool)> {
    let out = std::cell::RefCell::new(Vec::new());
    let mut bigram = |at: usize, key: u32| {
        let pair = &text[at..at + 6];
        let codes: Vec<u32> = pair.chars().map(u32::from).collect();
        assert_eq!(key, codes[0] << 16 | codes[1], "{text:?}");
        out.borrow_mut().push((pair.to_string(), true));
    };
    walk(text, &mut bigram, &mut |t| {
        if let Term::Lone(c, code) = t {
            assert_eq!([code], *c.chars().map(u32::from).collect::<Vec<_>>(), "{text:?}");
        }
        out.borrow_mut().push((t.text().to_string(), false));
    });
    out.into_inner()
}

/// `word` in lower case, borrowed when it already is.
#[cfg(test)]
fn lower(word: &str) -> Cow<'_, str> {
    if has_capitals(word) {
        Cow::Owned(word.to_lowercase())
    } else {
        Cow::Borrowed(word)
    }
}

/// Whether lower-casing changes `word`.
fn has_capitals(word: &str) -> bool {
    if word.is_ascii() {
        word.bytes().any(|b| b.is_ascii_uppercase())
    } else {
        word.chars().any(|c| c.is_uppercase())
    }
}

/// A word's terms: itself (without outer `_` and `.`), then its parts when it has more than one,
/// each in lower case. `kinds` says what the word may have (`WORD`, `CAPITAL`, …): an ASCII word
/// with no capital and no joiner is itself and has no parts (nearly every word of code and
/// prose), and is not read again. A word with capitals is lower-cased once into `lowered`: an
/// ASCII word's parts are at the same bytes of it (lower-casing ASCII keeps every byte in its
/// place).
fn word_terms<'a>(word: &'a str, kinds: u8, lowered: &mut String, term: &mut impl FnMut(Term<'a, '_>)) {
    let word = trim_joiners(word);
    if word.is_empty() || (word.len() > MAX_WORD && word.chars().count() > MAX_WORD) {
        return;
    }
    if kinds & OTHER != 0 {
        if has_capitals(word) {
            term(Term::Lowered(&word.to_lowercase()));
        } else {
            term(Term::Word(word));
        }
        // A part is lower-cased only when it has capitals (`ǅ`, title case, is kept as it is).
        word_parts(word, &mut |from, to| match &word[from..to] {
            part if has_capitals(part) => term(Term::Lowered(&part.to_lowercase())),
            part => term(Term::Word(part)),
        });
    } else if kinds & CAPITAL == 0 {
        term(Term::Word(word));
        if kinds & JOINER != 0 {
            ascii_word_parts(word, &mut |from, to| term(Term::Word(&word[from..to])));
        }
    } else {
        lowered.clear();
        lowered.push_str(word);
        lowered.make_ascii_lowercase();
        term(Term::Lowered(lowered));
        ascii_word_parts(word, &mut |from, to| term(Term::Lowered(&lowered[from..to])));
    }
}

/// The parts of a word (the byte ranges of its terms after itself), cut before and after `.`
/// and `_` and at camelCase humps; given only when there is more than one.
fn word_parts(word: &str, part: &mut impl FnMut(usize, usize)) {
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
            emit_part(word, start, i, part);
            start = i;
        }
        previous = Some(c);
    }
    emit_part(word, start, word.len(), part);
}

/// `word_parts` of an ASCII word, by bytes: the same cuts, where a character's case is
/// its byte's.
fn ascii_word_parts(word: &str, part: &mut impl FnMut(usize, usize)) {
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
            emit_part(word, start, i, part);
            start = i;
        }
    }
    emit_part(word, start, word.len(), part);
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

/// The part of `word` from byte `from` to `to`, without outer `_` and `.`, unless that is
/// empty or the whole word.
fn emit_part(word: &str, from: usize, to: usize, part: &mut impl FnMut(usize, usize)) {
    let bytes = word.as_bytes();
    let joiner = |b: u8| b == b'_' || b == b'.';
    let (mut from, mut to) = (from, to);
    while from < to && joiner(bytes[from]) {
        from += 1;
    }
    while to > from && joiner(bytes[to - 1]) {
        to -= 1;
    }
    if from < to && to - from < word.len() {
        part(from, to);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::random_below;

    /// The terms `walk` gives, of the text's NFC form when it is not NFC.
    fn all(text: &str) -> Vec<String> {
        let nfc: String = text.nfc().collect();
        assert_eq!(is_nfc(text), nfc == text, "{text:?}");
        walked(&nfc).into_iter().map(|(t, _)| t).collect()
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
        for i in 0..20_000 {
            // Some long enough to be read 16 bytes at a time (`chunks`).
            let len = if i % 4 == 0 { 40 } else { 12 };
            let text: String = (0..1 + next(len)).map(|_| pieces[next(pieces.len())]).collect();
            let mut expected = Vec::new();
            terms_nfc_by_chars(&text, &mut |t, b| expected.push((t.into_owned(), b)));
            assert_eq!(walked(&text), expected, "{text:?}");
            let unsure: Vec<char> =
                text.chars().filter(|&c| c >= '\u{300}' && !('\u{AC00}'..='\u{D7A3}').contains(&c)).collect();
            assert_eq!(unsure_chars(&text).collect::<Vec<_>>(), unsure, "{text:?}");
            assert_eq!(trim_joiners(&text), text.trim_matches(['_', '.']), "{text:?}");
            let cjk: Vec<Option<u32>> = text.char_indices().map(|(i, _)| cjk_code_at(text.as_bytes(), i)).collect();
            assert_eq!(cjk, text.chars().map(|c| is_cjk(c).then_some(u32::from(c))).collect::<Vec<_>>(), "{text:?}");
        }
    }

    /// The same on real notes (the shared corpus, generated ones), line by line.
    #[test]
    fn walking_real_notes_gives_the_terms_walking_characters_gave() {
        for note in crate::search::tests::real_notes() {
            for line in note.lines() {
                let line: String = line.nfc().collect();
                let mut expected = Vec::new();
                terms_nfc_by_chars(&line, &mut |t, b| expected.push((t.into_owned(), b)));
                assert_eq!(walked(&line), expected, "{line:?}");
            }
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
            ascii_word_parts(&word, &mut |from, to| by_bytes.push((from, to)));
            word_parts(&word, &mut |from, to| by_chars.push((from, to)));
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
