//! Text to index terms, the same rules as the query side in `static/search.js` (`terms`), so a
//! query finds what the index holds:
//!
//! - text is NFC-normalised (notes saved as decomposed jamo still match) and lower-cased;
//! - a run of Hangul syllables (or Han/kana) gives its character bigrams (`비동기적으로` →
//!   `비동`, `동기`, `기적`, `적으`, `으로`), or the one syllable of a one-syllable run, so a
//!   query matches inside words carrying particles and inside compounds;
//! - a run of other letters, digits, `_` and inner `.` is a word, kept whole (`asyncio.run`)
//!   and, when it has parts, also split on `.`, `_` and camelCase (`asyncio`, `run`).

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

/// Call `term` with every index term of `text`, in order, repeats included.
pub(crate) fn terms(text: &str, mut term: impl FnMut(&str)) {
    let nfc: std::borrow::Cow<str> = match is_nfc_quick(text.chars()) {
        IsNormalized::Yes => text.into(),
        _ => text.nfc().collect::<String>().into(),
    };
    let chars: Vec<char> = nfc.chars().collect();
    let mut buf = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if is_cjk(c) {
            let start = i;
            while i < chars.len() && is_cjk(chars[i]) {
                i += 1;
            }
            if i - start == 1 {
                buf.clear();
                buf.push(c);
                term(&buf);
            }
            for pair in chars[start..i].windows(2) {
                buf.clear();
                buf.extend(pair.iter().copied());
                term(&buf);
            }
        } else if is_word(c) && !is_cjk(c) {
            let start = i;
            while i < chars.len()
                && !is_cjk(chars[i])
                && (is_word(chars[i])
                    || (chars[i] == '.' && i + 1 < chars.len() && is_word(chars[i + 1]) && !is_cjk(chars[i + 1])))
            {
                i += 1;
            }
            word_terms(&chars[start..i], &mut buf, &mut term);
        } else {
            i += 1;
        }
    }
}

/// A word's terms: itself (without outer `_`), then its parts when it has more than one.
fn word_terms(word: &[char], buf: &mut String, term: &mut impl FnMut(&str)) {
    let word = trim(word);
    if word.is_empty() || word.len() > MAX_WORD {
        return;
    }
    buf.clear();
    buf.extend(word.iter().flat_map(|c| c.to_lowercase()));
    term(buf);
    let mut start = 0;
    for k in 1..=word.len() {
        let cut = k == word.len() || {
            let (a, b) = (word[k - 1], word[k]);
            let next_lower = word.get(k + 1).is_some_and(|c| c.is_lowercase());
            a == '.'
                || a == '_'
                || b == '.'
                || b == '_'
                || (a.is_lowercase() && b.is_uppercase())
                || (a.is_uppercase() && b.is_uppercase() && next_lower)
        };
        if cut {
            let part = trim(&word[start..k]);
            if !part.is_empty() && part.len() < word.len() {
                buf.clear();
                buf.extend(part.iter().flat_map(|c| c.to_lowercase()));
                term(buf);
            }
            start = k;
        }
    }
}

fn trim(word: &[char]) -> &[char] {
    let start = word.iter().position(|&c| c != '_' && c != '.').unwrap_or(word.len());
    let end = word.iter().rposition(|&c| c != '_' && c != '.').map_or(start, |e| e + 1);
    &word[start..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        terms(text, |t| out.push(t.to_string()));
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
    }
}
