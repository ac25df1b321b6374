//! GitHub-compatible heading ids: Hangul and other letters are kept, never romanised.

use rustc_hash::FxHashMap;
use unicode_normalization::UnicodeNormalization;

/// The id GitHub gives a heading with this text: NFC, lower-case, letters, marks, numbers,
/// `_` and `-` kept, each space turned into `-`, everything else dropped.
pub(crate) fn github_slug(text: &str) -> String {
    let text = text.trim();
    ascii_and_hangul_slug(text).unwrap_or_else(|| general_slug(text))
}

/// `github_slug` of a text of ASCII and Hangul syllables, most headings, which is NFC and
/// lower-cased by hand: the runs of characters kept as they are copied whole, not character by
/// character. None for a text with any other character.
fn ascii_and_hangul_slug(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for (i, c) in text.char_indices() {
        if matches!(c, 'a'..='z' | '0'..='9' | '_' | '-' | '\u{AC00}'..='\u{D7A3}') {
            continue;
        }
        if !c.is_ascii() {
            return None;
        }
        out.push_str(&text[copied..i]);
        copied = i + 1;
        if c == ' ' {
            out.push('-');
        } else if c.is_ascii_uppercase() {
            out.push(c.to_ascii_lowercase());
        }
    }
    out.push_str(&text[copied..]);
    Some(out)
}

/// `github_slug` of any text: normalised, then lower-cased by the Unicode tables.
fn general_slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // Headings are nearly always NFC already; normalising costs more than the check.
    let normalised: Box<dyn Iterator<Item = char>> = match unicode_normalization::is_nfc_quick(text.chars()) {
        unicode_normalization::IsNormalized::Yes => Box::new(text.chars()),
        _ => Box::new(text.nfc()),
    };
    for c in normalised.flat_map(char::to_lowercase) {
        if c == ' ' {
            out.push('-');
        } else if is_kept(c) {
            out.push(c);
        }
    }
    out
}

/// Letters, marks, numbers, `_` and `-`. Hangul syllables are checked first: they fill Korean
/// headings and `char::is_alphanumeric` looks them up in a slow table.
fn is_kept(c: char) -> bool {
    match c {
        'a'..='z' | '0'..='9' | '_' | '-' | '\u{AC00}'..='\u{D7A3}' => true,
        c if c.is_ascii() => false,
        c => c.is_alphanumeric() || is_combining_mark(c),
    }
}

/// Combining marks survive GitHub's filter; `char` has no general-category test, so the common
/// blocks are listed.
fn is_combining_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

/// Hands out unique ids in document order, as GitHub does: `a`, `a-1`, `a-2`.
#[derive(Default)]
pub(crate) struct Slugger {
    seen: FxHashMap<String, usize>,
}

impl Slugger {
    pub(crate) fn slug(&mut self, text: &str) -> String {
        self.claim(github_slug(text))
    }

    /// Reserve an id chosen by the author (`{#id}`) or derived from text.
    pub(crate) fn claim(&mut self, base: String) -> String {
        let mut candidate = base.clone();
        while let Some(count) = self.seen.get_mut(&candidate) {
            *count += 1;
            candidate = format!("{base}-{count}");
        }
        self.seen.insert(candidate.clone(), 0);
        if candidate != base {
            self.seen.entry(base).or_insert(0);
        }
        candidate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_hangul_and_numbers() {
        assert_eq!(github_slug("1번 문제"), "1번-문제");
        assert_eq!(github_slug("목차"), "목차");
    }

    #[test]
    fn drops_punctuation_but_keeps_each_space() {
        assert_eq!(github_slug("Timsort : Python의 내부 sort"), "timsort--python의-내부-sort");
        assert_eq!(github_slug("Q. 동기와 비동기?"), "q-동기와-비동기");
        assert_eq!(github_slug("C++ & Java (JVM)"), "c--java-jvm");
        assert_eq!(github_slug("snake_case-and-dash"), "snake_case-and-dash");
    }

    #[test]
    fn lower_cases_latin() {
        assert_eq!(github_slug("Duck Typing"), "duck-typing");
    }

    #[test]
    fn normalises_decomposed_hangul() {
        let nfd = "\u{1112}\u{1161}\u{11AB}"; // 한 as NFD jamo
        assert_eq!(github_slug(nfd), "한");
    }

    #[test]
    fn fast_path_keeps_exactly_what_the_rule_keeps() {
        let rule = |c: char| c.is_alphanumeric() || c == '_' || c == '-' || is_combining_mark(c);
        let samples = (0u32..0x3400).chain(0xAB00..0xD800).chain(0xFE00..0xFFFF);
        // `is_kept` sees characters after lower-casing.
        for c in samples.filter_map(char::from_u32).flat_map(char::to_lowercase) {
            assert_eq!(is_kept(c), rule(c), "U+{:04X}", c as u32);
        }
    }

    /// The ASCII and Hangul path gives what the general one gives, on random headings.
    #[test]
    fn ascii_and_hangul_slugs_match_the_general_ones() {
        let pieces = [
            "A", "z", "0", " ", "-", "_", ".", "?", "&", "(", "\t", "한", "글", "\u{D7A3}", "Q", "~", "\u{7F}", "가",
            "é",
        ];
        let mut next = crate::text::random_below(0x9E37_79B9_7F4A_7C15);
        for _ in 0..5_000 {
            let mut text = String::new();
            for _ in 0..1 + next(9) {
                text.push_str(pieces[next(pieces.len())]);
            }
            assert_eq!(github_slug(&text), general_slug(text.trim()), "{text:?}");
        }
    }

    #[test]
    fn duplicates_get_counters() {
        let mut s = Slugger::default();
        assert_eq!(s.slug("정리"), "정리");
        assert_eq!(s.slug("정리"), "정리-1");
        assert_eq!(s.slug("정리"), "정리-2");
        assert_eq!(s.slug("정리 1"), "정리-1-1");
    }
}
