//! File and folder names shown as titles, for notes and folders that name themselves nowhere
//! else: `2_팩토리_패턴` → `팩토리 패턴`. The raw name still decides order and paths.

/// `name` (a file stem or a folder name) as a title: underscores become spaces, runs of spaces
/// one, and an order prefix (`01_`, `2_`, `1.`, `1)`, `03-`, `3 `) is dropped when a title is
/// left after it that does not start with a digit (`1.5 단계`, `2020-01` and `404` stay). A
/// kebab-case name (one word, hyphens between letters: `binary-search`) reads as words too, as
/// MkDocs shows it; in a name with spaces a hyphen is the author's (`Part 1-2`, `Call-by-value 정리`).
pub(crate) fn display_name(name: &str) -> String {
    let spaced: String = name.replace('_', " ");
    let spaced = spaced.split_whitespace().collect::<Vec<_>>().join(" ");
    let shown = without_order_prefix(&spaced).unwrap_or(&spaced);
    if shown.is_empty() {
        // `_` alone, or spaces: nothing readable is left, so show the name as it is.
        return name.to_string();
    }
    if shown.contains(' ') {
        return shown.to_string();
    }
    unkebab(shown)
}

/// Hyphens between two letters become spaces: `binary-search` → `binary search`, `2020-01` stays.
fn unkebab(word: &str) -> String {
    let chars: Vec<char> = word.chars().collect();
    let letter = |i: Option<&char>| i.is_some_and(|c| c.is_alphabetic());
    let mut out = String::with_capacity(word.len());
    for (i, &c) in chars.iter().enumerate() {
        let between_letters = i > 0 && letter(chars.get(i - 1)) && letter(chars.get(i + 1));
        out.push(if c == '-' && between_letters { ' ' } else { c });
    }
    out
}

/// The rest of `name` after a leading number and its separator, if what follows is a title.
fn without_order_prefix(name: &str) -> Option<&str> {
    let digits = name.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return None;
    }
    let after = &name[digits..];
    let rest = after.strip_prefix(['.', ')', '-', ' ']).or_else(|| after.strip_prefix(". "))?;
    let rest = rest.trim_start_matches(['.', ')', '-']).trim_start();
    let starts_like_a_title = rest.chars().next().is_some_and(|c| !c.is_ascii_digit() && c.is_alphanumeric());
    starts_like_a_title.then_some(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn underscores_and_order_prefixes() {
        for (name, shown) in [
            ("2_팩토리_패턴", "팩토리 패턴"),
            ("Regular_Expression", "Regular Expression"),
            ("01-intro", "intro"),
            ("01_intro", "intro"),
            ("1. 자료구조", "자료구조"),
            ("5) Algorithm", "Algorithm"),
            ("3 Network", "Network"),
            ("10.Database", "Database"),
            ("__init__", "init"),
            ("interview-notes", "interview notes"),
            ("01-binary-search", "binary search"),
            ("운영체제-프로세스", "운영체제 프로세스"),
        ] {
            assert_eq!(display_name(name), shown, "{name}");
        }
    }

    #[test]
    fn names_that_are_not_order_prefixes_stay() {
        for name in [
            "404",
            "1.5 단계",
            "2020-01-01",
            "3sum",
            "Part 1-2",
            "C++",
            "_",
            "Binary Search",
            "Call-by-value 정리",
            "x-1",
        ] {
            assert_eq!(display_name(name), name, "{name}");
        }
    }
}
