//! Grammar patterns simple enough to search without Oniguruma: a fixed run of ASCII text, one
//! ASCII character of a set, the empty pattern, and a look-ahead for one of those or for the
//! next character that is not white space.
//!
//! About a third of all searches in a build are such patterns (`\(`, `(?=\S)`, `;`, `""`), and
//! each Oniguruma search costs a fixed thousand or so instructions before it looks at the text
//! (it sets up, and copies to the heap, a backtracking stack of several kilobytes). Here they
//! are a scan over the rest of the line. The answer is Oniguruma's: the leftmost match; ASCII
//! bytes never occur inside a UTF-8 sequence, so a byte scan cannot land mid-character.
//!
//! The reading accepts only what it fully understands and gives up on anything else (the
//! search then goes to Oniguruma); a test compares both on every such pattern of every grammar.

/// A pattern searched here, with what a match of it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Simple {
    /// `""`: matches, empty, where the search starts.
    Empty,
    /// These bytes (ASCII), one after the other.
    Text(Box<[u8]>),
    /// One ASCII byte of the set (bit `b` for byte `b`).
    OneOf(u128),
    /// `(?=…)` of the above: the empty match before where it matches.
    Ahead(Box<Simple>),
    /// `(?=\S)`: empty, before the next character that is not white space.
    NotSpaceAhead,
}

/// Characters with a meaning of their own outside a class.
const META: &[u8] = b".^$|?*+()[]{}\\";

impl Simple {
    /// How to search `regex` here; None when it is not simple enough.
    pub(super) fn of(regex: &str) -> Option<Simple> {
        if regex.is_empty() {
            return Some(Simple::Empty);
        }
        if let Some(inner) = regex.strip_prefix("(?=").and_then(|r| r.strip_suffix(')')) {
            if inner == "\\S" {
                return Some(Simple::NotSpaceAhead);
            }
            return match Simple::body(inner.as_bytes())? {
                Simple::Empty => None,
                body => Some(Simple::Ahead(Box::new(body))),
            };
        }
        Simple::body(regex.as_bytes())
    }

    /// A class, single characters separated by `|`, or a run of literal characters.
    fn body(regex: &[u8]) -> Option<Simple> {
        if regex.first() == Some(&b'[') {
            let (set, rest) = class(&regex[1..])?;
            return rest.is_empty().then_some(Simple::OneOf(set));
        }
        let mut bytes = Vec::new();
        let mut rest = regex;
        let mut alternatives = 0;
        while !rest.is_empty() {
            if rest[0] == b'|' {
                alternatives += 1;
                rest = &rest[1..];
                continue;
            }
            let (byte, after) = literal(rest)?;
            bytes.push(byte);
            rest = after;
        }
        if bytes.is_empty() {
            return None;
        }
        if alternatives == 0 {
            return Some(Simple::Text(bytes.into()));
        }
        // `a|b|c`: only one character per alternative, so the leftmost match is one byte.
        if alternatives + 1 != bytes.len() || regex.first() == Some(&b'|') || regex.last() == Some(&b'|') {
            return None;
        }
        let mut alternating = regex.split(|&b| b == b'|');
        if !alternating.all(|a| literal(a).is_some_and(|(_, after)| after.is_empty())) {
            return None;
        }
        Some(Simple::OneOf(bytes.iter().fold(0, |set, &b| set | 1 << b)))
    }

    /// The first match at or after byte `start` of `line`, or None when there is none; the
    /// outer None when the line's text is beyond this reading (Oniguruma must answer).
    pub(super) fn search(&self, line: &str, start: usize) -> Option<Option<(usize, usize)>> {
        let rest = &line.as_bytes()[start..];
        Some(match self {
            Simple::Empty => Some((start, start)),
            Simple::Text(text) => find(rest, text).map(|at| (start + at, start + at + text.len())),
            Simple::OneOf(set) => {
                rest.iter().position(|&b| b < 128 && set >> b & 1 == 1).map(|at| (start + at, start + at + 1))
            }
            Simple::Ahead(inner) => inner.search(line, start)?.map(|(at, _)| (at, at)),
            Simple::NotSpaceAhead => {
                // White space beyond ASCII (no-break space, ideographic space) is Unicode's
                // business: past a non-ASCII character, Oniguruma answers.
                let at = rest.iter().position(|&b| !matches!(b, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r'));
                match at {
                    Some(at) if rest[at] >= 0x80 => return None,
                    Some(at) => Some((start + at, start + at)),
                    None => None,
                }
            }
        })
    }
}

/// One literal character at the start of `regex` (plain or a backslash before punctuation),
/// and what follows; None when it is anything else, or when a quantifier follows it.
fn literal(regex: &[u8]) -> Option<(u8, &[u8])> {
    let (byte, rest) = match *regex {
        [b'\\', escaped, ref rest @ ..] if is_escapable(escaped) => (escaped, rest),
        [byte, ref rest @ ..] if byte.is_ascii_graphic() && !META.contains(&byte) || byte == b' ' => (byte, rest),
        _ => return None,
    };
    // A quantifier would apply to this character (`{` is one only sometimes: not simple).
    if rest.first().is_some_and(|b| b"?*+{".contains(b)) {
        return None;
    }
    Some((byte, rest))
}

/// Punctuation that a backslash makes literal. (`\<`, `\>` are word boundaries in some regex
/// syntaxes: left out rather than relied on.)
fn is_escapable(byte: u8) -> bool {
    byte.is_ascii_punctuation() && byte != b'<' && byte != b'>'
}

/// The members of a class whose `[` is already read, and what follows its `]`. Only plain
/// members: no negation, ranges, nested classes, POSIX brackets, or escapes but punctuation.
fn class(regex: &[u8]) -> Option<(u128, &[u8])> {
    if matches!(regex.first(), Some(b'^' | b':' | b']')) {
        return None;
    }
    let mut set = 0u128;
    let mut at = 0;
    loop {
        let byte = match regex.get(at..)? {
            [b']', ..] => break,
            [b'\\', escaped, ..] if is_escapable(*escaped) => {
                at += 1;
                *escaped
            }
            [b'-', b']', ..] => b'-',
            [b'-', ..] if at == 0 => b'-',
            [b'[' | b'\\' | b'-', ..] => return None,
            [b'&', b'&', ..] => return None,
            [byte, ..] if byte.is_ascii_graphic() || *byte == b' ' => *byte,
            _ => return None,
        };
        set |= 1 << byte;
        at += 1;
    }
    let rest = &regex[at + 1..];
    if set == 0 || rest.first().is_some_and(|b| b"?*+{".contains(b)) {
        return None;
    }
    Some((set, rest))
}

/// Where `needle` first occurs in `haystack`.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    let (&first, tail) = needle.split_first()?;
    let mut from = 0;
    while let Some(at) = haystack.get(from..)?.iter().position(|&b| b == first) {
        let at = from + at;
        if haystack.get(at + 1..at + 1 + tail.len()) == Some(tail) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(bytes: &[u8]) -> Simple {
        Simple::OneOf(bytes.iter().fold(0, |set, &b| set | 1 << b))
    }

    #[test]
    fn reads_what_it_understands_and_nothing_else() {
        let text = |s: &str| Simple::Text(s.as_bytes().into());
        let ahead = |s: Simple| Simple::Ahead(Box::new(s));
        for (regex, expected) in [
            ("", Some(Simple::Empty)),
            ("\\(", Some(text("("))),
            ("=", Some(text("="))),
            ("\\'", Some(text("'"))),
            ("::", Some(text("::"))),
            ("(?=\\S)", Some(Simple::NotSpaceAhead)),
            ("(?=\\()", Some(ahead(text("(")))),
            ("(?=[;})\\]])", Some(ahead(set(b";})]")))),
            ("\\)|\\}|\\]", Some(set(b")}]"))),
            ("(?=;|\\)|\\}|,)", Some(ahead(set(b";)},")))),
            ("[-+%/*]", Some(set(b"-+%/*"))),
            ("[&|^]", Some(set(b"&|^"))),
            ("[!<>=]", Some(set(b"!<>="))),
            ("(?=)", None),
            ("[a-z]", None),
            ("[^;]", None),
            ("[:alpha:]", None),
            ("[a&&b]", None),
            ("\\d", None),
            ("\\1", None),
            ("\\<", None),
            ("a+", None),
            ("a{2}", None),
            ("\\.?", None),
            ("[ab]*", None),
            ("ab|c", None),
            ("a||b", None),
            ("|a", None),
            ("(a)", None),
            ("(?i)a", None),
            ("(?=a)b", None),
            ("a$", None),
            ("^a", None),
            (".", None),
            ("é", None),
            ("(?m:$)|(?=\\S)", None),
        ] {
            assert_eq!(Simple::of(regex), expected, "{regex:?}");
        }
    }

    #[test]
    fn finds_the_leftmost_match_from_the_start_given() {
        let line = "  f(a, b) == c;\n";
        let search = |regex: &str, start: usize| Simple::of(regex).unwrap().search(line, start).unwrap();
        assert_eq!(search("", 5), Some((5, 5)));
        assert_eq!(search("\\(", 0), Some((3, 4)));
        assert_eq!(search("\\(", 4), None);
        assert_eq!(search("==", 0), Some((10, 12)));
        assert_eq!(search("= c", 0), Some((11, 14)));
        assert_eq!(search("(?=\\S)", 0), Some((2, 2)));
        assert_eq!(search("(?=\\S)", 15), None);
        assert_eq!(search("(?=[;,])", 0), Some((5, 5)));
        assert_eq!(search("\\)|\\;", 9), Some((14, 15)));
        // Past a non-ASCII character, white space is not this reading's to judge.
        assert_eq!(Simple::NotSpaceAhead.search(" \u{a0}x\n", 0), None);
        assert_eq!(Simple::NotSpaceAhead.search(" é\n", 0), None);
        assert_eq!(Simple::of("\\(").unwrap().search("é(\n", 0), Some(Some((2, 3))));
    }
}
