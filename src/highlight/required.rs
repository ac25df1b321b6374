//! Literal text a grammar pattern cannot match without, read off its regex, so that a search
//! bound to fail is never started.
//!
//! Most patterns a line is searched with never match on it (`\{` on a line with no brace,
//! `\bwhile\b` on a line without that word), and each such search costs Oniguruma a fixed
//! couple of hundred nanoseconds before it looks at a single character. When every match of a
//! pattern must contain one of a few literals and the rest of the line holds none of them,
//! the search can be skipped: its answer is known to be "no match".
//!
//! A pattern may need several things at once (`\w+\s*=\s*(?:function|=>)` needs `=` and one
//! of `function`, `=>`): each is a factor, and a line must hold every factor. Lines of code
//! are full of `=`, far fewer hold a `=>` as well.
//!
//! A factor may also be a character class: `\b\d+\b` needs a digit, `\p{Lu}\w*` a capital
//! letter, `[<>]=?` one of `<>`. Lines without a digit are common in code, and the patterns for
//! numbers are many (a grammar has one per radix and suffix); each such search failed in
//! Oniguruma after scanning the whole rest of the line.
//!
//! Or two characters side by side, where one is a class: `\d\.` needs a digit right before a
//! dot, `[A-Z_][A-Z0-9_]+` two capitals in a row, `\w+(?=<)` a word character right before a
//! `<`. Code lines hold digits and dots, capitals and `<` apart far more often than together
//! (`x.len() < 10`), and such patterns were searched on them in vain.
//!
//! The reading is conservative: it understands literals, escapes, groups, alternation,
//! quantifiers, classes, look-arounds and the `i`/`x` options, and gives up (no requirement,
//! the search always runs) on anything else. Every requirement it returns must hold of every
//! match; tests check that against Oniguruma on real notes, and every class it reads against
//! Oniguruma character by character.

/// One literal of a requirement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Literal {
    pub(crate) text: String,
    /// Matched ignoring ASCII case (the pattern had the `i` option there).
    pub(crate) fold_case: bool,
}

/// One character of a class: the ASCII bytes it may be (bit `b` for byte `b`), and whether it
/// may be a character beyond ASCII.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Class {
    pub(crate) ascii: u128,
    pub(crate) non_ascii: bool,
    /// Every member beyond ASCII is a word character (`\w`), as in `\p{Lu}` or `\d`: what a
    /// word boundary next to the class's character needs (see `Part::Boundary`).
    pub(crate) word: bool,
}

/// One way to meet a factor: a literal, a character of a class, a character of the first
/// class right before one of the second, or a word character of a class at a word boundary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Part {
    Literal(Literal),
    Class(Class),
    Pair(Class, Class),
    /// `\b` right before (`Side::Start`) or after (`Side::End`) a character of the class, whose
    /// characters are all word characters: the character on the boundary's other side is not
    /// one, or the line ends there. The character before a match may lie before the search's
    /// start, so that one is looked at as well.
    Boundary(Side, Class),
    /// A character of `first`, then any number of characters of `gap`, then the literal `then`:
    /// `=\s*(?:\w+|\(.*\))\s*=>` needs a `=` before the `=>` with only spaces and word
    /// characters between, or a `=` right before spaces and a `(`. Lines of code hold a `=` and
    /// an `=>` (or a `(`) far more often than so close together (`xs = a.filter((x) => x)`).
    Then {
        first: Class,
        gap: Class,
        then: String,
    },
}

/// Which edge of a word a boundary is at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Side {
    Start,
    End,
}

/// Every match contains, for each factor, at least one of its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Required {
    /// The most selective factor first (longest shortest literal, classes last, the smallest
    /// class first), so that a check usually ends at the first; at most `MAX_FACTORS`.
    pub(crate) all_of: Vec<Vec<Part>>,
}

/// Factors kept per pattern: each costs a check, and the later ones seldom decide.
const MAX_FACTORS: usize = 4;

impl Required {
    /// What every match of `regex` (Oniguruma's Ruby syntax) must contain; None when that
    /// cannot be told.
    #[cfg(test)]
    pub(crate) fn of(regex: &str) -> Option<Required> {
        Required::with_lead(regex).0
    }

    /// `of` and `lead_of` from one reading of `regex`: a grammar's longest patterns cost tens of
    /// thousands of instructions to read.
    pub(crate) fn with_lead(regex: &str) -> (Option<Required>, Option<Class>) {
        let Some((need, lead)) = Reader::read(regex) else { return (None, None) };
        let full = lead.chars.ascii == u128::MAX && lead.chars.non_ascii;
        let required = (!need.is_empty()).then_some(Required { all_of: need });
        (required, (!lead.nullable && !full).then_some(lead.chars))
    }

    /// Whether the rest of `line` from byte `start` holds one part of every factor. `false`
    /// means the pattern cannot match there.
    pub(crate) fn found_in(&self, line: &LineBytes, start: usize) -> bool {
        self.all_of.iter().all(|any_of| any_of.iter().any(|part| part.found_in(line, start)))
    }

    /// A necessary condition of `found_in` that costs a few bit tests (see `Sieve`).
    pub(crate) fn sieve(&self) -> Sieve {
        let mut sieve = Sieve::OPEN;
        for (factor, any) in self.all_of.iter().zip(&mut sieve.any_of) {
            let mut needs = u128::MAX;
            *any = 0;
            for part in factor {
                let (part_any, part_needs) = part.bits();
                *any |= part_any;
                needs &= part_needs;
            }
            sieve.needs |= needs;
        }
        sieve
    }

    /// The characters a match of `regex` can start with, when every match starts with a
    /// character (it cannot be empty) and not just any. No match starts before the first of
    /// them at or after where a search starts, so the search may start there instead: for
    /// patterns Oniguruma tries at every position (`\b[\p{Ll}_]\w*(?=\()`), that spares it
    /// the positions in between. Not for patterns with `\G`, which matches where the search
    /// starts.
    #[cfg(test)]
    pub(crate) fn lead_of(regex: &str) -> Option<Class> {
        Required::with_lead(regex).1
    }

    /// The classes the reading of `regex` understood, each with its text.
    #[cfg(test)]
    pub(crate) fn classes_in(regex: &str) -> Vec<(String, Members)> {
        let mut reader = Reader::new(regex);
        let _ = reader.alternation(Flags::default(), true);
        reader.classes_seen
    }
}

impl Part {
    fn found_in(&self, line: &LineBytes, start: usize) -> bool {
        match self {
            Part::Literal(literal) => literal.found_in(line, start),
            Part::Class(class) => class.found_in(line, start),
            Part::Pair(first, second) => pair_found_in(*first, *second, line, start),
            Part::Boundary(side, class) => boundary_found_in(*side, *class, line, start),
            Part::Then { first, gap, then } => then_found_in(*first, *gap, then, line, start),
        }
    }

    /// What `found_in` implies of the line's bytes from `start`, as masks (see `Sieve`): one
    /// of the first set occurs, and all of the second.
    fn bits(&self) -> (u128, u128) {
        match self {
            // The word character is in the match; the other side may be the line's edge.
            Part::Class(class) | Part::Boundary(_, class) => class_bits(*class),
            // Both classes occur; the one with fewer members says more.
            Part::Pair(first, second) => {
                let smaller = if first.ascii.count_ones() <= second.ascii.count_ones() { first } else { second };
                class_bits(*smaller)
            }
            // The literal is in the rest of the line (the character before it may not be).
            Part::Then { then, .. } => {
                let all = then.bytes().fold(0, |all, b| all | sieve_bit(b));
                (all, all)
            }
            Part::Literal(literal) => {
                let Some(&first) = literal.text.as_bytes().first() else { return (u128::MAX, 0) };
                if literal.fold_case {
                    // Text beyond ASCII after `start` is enough (see `Literal::found_in`).
                    (1 | sieve_bit(first.to_ascii_lowercase()) | sieve_bit(first.to_ascii_uppercase()), 0)
                } else {
                    let all = literal.text.bytes().fold(0, |all, b| all | sieve_bit(b));
                    (all, all)
                }
            }
        }
    }
}

/// A class's bits in a sieve (see `Part::bits`): one of its bytes occurs.
fn class_bits(class: Class) -> (u128, u128) {
    let shared = class.non_ascii || class.ascii & (1 | ALWAYS) != 0;
    (class.ascii & !(1 | ALWAYS) | u128::from(shared), 0)
}

/// Whether the rest of `line` from byte `start` holds a character of `first` right before one
/// of `second`, read byte by byte: a character beyond ASCII ends in a byte of 0x80 or more and
/// starts with one, so any such byte stands for it on either side (more than it must, never
/// less).
fn pair_found_in(first: Class, second: Class, line: &LineBytes, start: usize) -> bool {
    if let Some(at) = line.at() {
        return at.of(first) & at.of(second) >> 1 & at.from(start) != 0;
    }
    if !first.found_in(line, start) || !second.found_in(line, start) {
        return false;
    }
    line.text.as_bytes()[start..].windows(2).any(|w| first.holds(w[0]) && second.holds(w[1]))
}

/// Whether the rest of `line` from byte `start` holds a character of `class` (word characters
/// only) at a word boundary on `side`: right after a character that is not a word character
/// (or the line's start), or right before one (or the line's end). Read byte by byte as
/// `pair_found_in` does, from the first character of the class: a byte of 0x80 or more may be
/// a character of the class, and may be a character that is not a word character.
fn boundary_found_in(side: Side, class: Class, line: &LineBytes, start: usize) -> bool {
    if let Some(at) = line.at() {
        // The edges count as not word characters (bit `len` of `not_word` is set).
        let next_to = match side {
            Side::Start => at.not_word << 1 | 1,
            Side::End => at.not_word >> 1,
        };
        return at.of(class) & next_to & at.from(start) != 0;
    }
    let Some(first) = class.first_in(line, start) else { return false };
    let bytes = line.text.as_bytes();
    let not_word = |at: Option<usize>| {
        at.and_then(|at| bytes.get(at)).is_none_or(|&b| BYTE_KIND[usize::from(b)] & MAY_BE_NOT_WORD != 0)
    };
    (first..bytes.len()).any(|at| {
        class.holds(bytes[at])
            && match side {
                Side::Start => not_word(at.checked_sub(1)),
                Side::End => not_word(Some(at + 1)),
            }
    })
}

/// Whether the rest of `line` from byte `start` holds a character of `first`, then characters of
/// `gap`, then `then`: from each copy of `then`, back over the characters of `gap` to one of
/// `first`. Read byte by byte as `pair_found_in` does: a byte of 0x80 or more stands for any
/// character beyond ASCII, in `gap` and in `first` alike.
fn then_found_in(first: Class, gap: Class, then: &str, line: &LineBytes, start: usize) -> bool {
    let needle = then.as_bytes();
    if needle.is_empty() || !needle.iter().all(|&b| line.occurs_from(b, start)) {
        return false;
    }
    let bytes = line.text.as_bytes();
    // `then` starts after `first`'s character, so at `start + 1` or later, and at a copy of
    // its first byte, up to the last.
    let last_start = bytes.len().saturating_sub(needle.len()).min(line.end_of_last(needle[0]).saturating_sub(1));
    let starts = (start + 1..=last_start).filter(|&at| bytes[at] == needle[0]);
    starts.filter(|&at| bytes[at..].starts_with(needle)).any(|at| {
        let mut before = at;
        while before > start {
            before -= 1;
            if first.holds(bytes[before]) {
                return true;
            }
            if !gap.holds(bytes[before]) {
                return false;
            }
        }
        false
    })
}

/// A requirement reduced to bit tests against the bytes a line holds from where a search starts
/// (`LineBytes::mask_from`): every byte of `needs`, and one byte of each `any_of`. Bit `b`
/// stands for ASCII byte `b`; bit 0 for NUL, DEL and every byte beyond ASCII alike; bit 127
/// (`ALWAYS`) is in every mask, even past the end of the line, so that a set holding it
/// passes everywhere (a pattern without a requirement, an empty literal). It holds
/// whenever `Required::found_in` does, and answers most checks without following a pointer:
/// the requirement's factors, parts and literals each live on the heap, and following them for
/// every search of a line cost more in cache misses than in instructions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Sieve {
    needs: u128,
    any_of: [u128; MAX_FACTORS],
}

impl Sieve {
    /// Passes every line: for patterns without a requirement.
    pub(crate) const OPEN: Sieve = Sieve { needs: 0, any_of: [u128::MAX; MAX_FACTORS] };

    /// False when a line whose bytes from the search's start are `mask` cannot hold the
    /// requirement.
    pub(crate) fn passes(&self, mask: u128) -> bool {
        self.needs & !mask == 0 && self.any_of.iter().all(|any| any & mask != 0)
    }
}

/// The bit of a sieve mask that every mask holds (see `Sieve`).
const ALWAYS: u128 = 1 << 127;

/// The bit of `byte` in a sieve mask.
fn sieve_bit(byte: u8) -> u128 {
    if byte == 0 || byte >= 0x7f {
        1
    } else {
        1 << byte
    }
}

impl Class {
    const NONE: Class = Class { ascii: 0, non_ascii: false, word: true };
    const ANY: Class = Class { ascii: u128::MAX, non_ascii: true, word: false };

    fn union(self, other: Class) -> Class {
        Class {
            ascii: self.ascii | other.ascii,
            non_ascii: self.non_ascii || other.non_ascii,
            word: self.word && other.word,
        }
    }

    /// Every character of the class is a word character (`\w`), and there is one.
    fn all_word(&self) -> bool {
        self.word && self.ascii & !WORD == 0 && (self.ascii != 0 || self.non_ascii)
    }

    /// Whether a byte may be part of a character of the class, read byte by byte: a byte beyond
    /// ASCII stands for any character beyond ASCII.
    #[inline]
    fn holds(&self, b: u8) -> bool {
        if b < 0x80 {
            self.ascii >> b & 1 == 1
        } else {
            self.non_ascii
        }
    }

    /// Where the rest of `line` from byte `start` first holds a character of the class.
    pub(crate) fn first_in(&self, line: &LineBytes, start: usize) -> Option<usize> {
        // Most searches start right at a character of their lead.
        match line.text.as_bytes().get(start) {
            Some(&b) if self.holds(b) => return Some(start),
            None => return None,
            Some(_) => {}
        }
        if let Some(at) = line.at() {
            let found = at.of(*self) & at.from(start);
            return (found != 0).then(|| found.trailing_zeros() as usize);
        }
        if !self.found_in(line, start) {
            return None;
        }
        // A byte beyond ASCII met first in a scan from a character's start begins a character.
        let at = line.text.as_bytes()[start..].iter().position(|&b| self.holds(b));
        at.map(|at| start + at)
    }

    /// Whether the rest of `line` from byte `start` holds a character of the class: only the
    /// class's bytes that occur in the line at all are looked up.
    fn found_in(&self, line: &LineBytes, start: usize) -> bool {
        if self.non_ascii && !line.ascii_from(start) {
            return true;
        }
        let mut both = self.ascii & line.present;
        while both != 0 {
            if line.occurs_from(both.trailing_zeros() as u8, start) {
                return true;
            }
            both &= both - 1;
        }
        false
    }
}

impl Literal {
    /// Most checks end at the first byte of the literal that does not occur in the rest of
    /// the line; only when all occur is the literal looked for, up to where the last copy of
    /// its first byte could start it.
    fn found_in(&self, line: &LineBytes, start: usize) -> bool {
        let needle = self.text.as_bytes();
        let Some(&first) = needle.first() else { return true };
        if let Some(at) = line.at() {
            // Case folding beyond ASCII is left to Oniguruma (below).
            if needle.is_ascii() && (!self.fold_case || line.ascii_from(start)) {
                return at.of_text(needle, self.fold_case) & at.from(start) != 0;
            }
        }
        let bytes = line.text.as_bytes();
        // One past the last byte a match starting at the last copy of `first` would cover.
        let end = |last_first: usize| (last_first + needle.len() - 1).min(bytes.len());
        if !self.fold_case {
            return needle.iter().all(|&b| line.occurs_from(b, start))
                && find(&bytes[start..end(line.end_of_last(first))], needle, |a, b| a == b, |b| b);
        }
        // Case folding beyond ASCII (`ß` matches `ss`, the Kelvin sign matches `k`) is
        // Oniguruma's business: outside ASCII text, let it search.
        if !line.ascii_from(start) {
            return true;
        }
        let occurs =
            |b: u8| line.occurs_from(b.to_ascii_lowercase(), start) || line.occurs_from(b.to_ascii_uppercase(), start);
        let last_first = line.end_of_last(first.to_ascii_lowercase()).max(line.end_of_last(first.to_ascii_uppercase()));
        needle.iter().all(|&b| occurs(b))
            && find(
                &bytes[start..end(last_first)],
                needle,
                |a, b| a.eq_ignore_ascii_case(&b),
                |b| b.to_ascii_lowercase(),
            )
    }
}

/// Whether `needle` occurs in `haystack` (both short: a line, a keyword), bytes compared as
/// `same` says, which must agree with `key` (`same(a, b)` only when `key(a) == key(b)`).
/// Only where the first byte matches is the rest compared: a quarter of a build's
/// highlighting work outside Oniguruma was comparing whole windows, most at their first byte.
fn find(haystack: &[u8], needle: &[u8], same: impl Fn(u8, u8) -> bool, key: impl Fn(u8) -> u8) -> bool {
    let Some((&first, tail)) = needle.split_first() else { return true };
    let first = key(first);
    let Some(last_start) = haystack.len().checked_sub(needle.len()) else { return false };
    let mut at = 0;
    while let Some(found) = haystack[at..=last_start].iter().position(|&b| key(b) == first) {
        at += found;
        if haystack[at + 1..].iter().zip(tail).all(|(&a, &b)| same(a, b)) {
            return true;
        }
        at += 1;
        if at > last_start {
            return false;
        }
    }
    false
}

/// A line indexed for requirement checks: where each byte value occurs last, so that most
/// checks are answered by two lookups.
pub(crate) struct LineBytes<'a> {
    text: &'a str,
    /// One past the last index of each byte value; 0 when absent.
    last: [u32; 256],
    /// One past the last index of a non-ASCII byte; 0 when the line is ASCII.
    last_non_ascii: u32,
    /// The ASCII bytes the line holds (bit `b` for byte `b`).
    present: u128,
    /// For each byte index, the bytes of the line from there on as a `Sieve` tests them; one
    /// more for the end. Made in one backward pass, as searches ask at many places.
    masks: Vec<u128>,
    /// Where each byte occurs, when `short`.
    at: Box<Positions>,
    /// The line is at most `Positions::MAX_LEN` bytes long (most lines of code are).
    short: bool,
}

/// The memory of a line's index (see `LineBytes::reusing`); empty until a line is indexed in it.
#[derive(Default)]
pub(crate) struct LineMemory {
    masks: Vec<u128>,
    at: Option<Box<Positions>>,
}

/// The positions of a line's bytes as bit sets (bit `i` for byte index `i`), for lines of at
/// most `Positions::MAX_LEN` bytes: a class, a pair of classes, a class at a word boundary or an
/// ASCII literal is found in the rest of the line by a few masks rather than by a scan of it.
/// Requirement checks went from 285 to 250 M instructions inclusive at 1,000 notes (-j 1; the
/// whole build 5,427.3 -> 5,408.8 M). Kept in memory the parser reuses: a fresh table per line
/// cost more in clearing (`rep stosb`, counted per byte) than the checks saved.
pub(crate) struct Positions {
    /// Indexed by ASCII byte; entry 128 for every byte beyond ASCII.
    of_byte: [u128; 129],
    /// Bytes that may be part of a character that is not a word character, and bit `len`
    /// for the line's end.
    not_word: u128,
    /// The ASCII bytes the line holds: the entries of `of_byte` to read.
    present: u128,
    /// Where the line holds an ASCII byte.
    ascii: u128,
}

impl Positions {
    /// Bit `len` of `not_word` must fit.
    const MAX_LEN: usize = 127;

    /// The positions of `bytes` (at most `MAX_LEN`), in place of the previous line's: only the
    /// entries that line used are cleared.
    fn fill(&mut self, bytes: &[u8], present: u128) {
        let mut used = self.present;
        while used != 0 {
            self.of_byte[used.trailing_zeros() as usize] = 0;
            used &= used - 1;
        }
        self.of_byte[128] = 0;
        for (i, &b) in bytes.iter().enumerate() {
            self.of_byte[usize::from(b.min(128))] |= 1 << i;
        }
        self.present = present;
        self.ascii = ((1 << bytes.len()) - 1) & !self.of_byte[128];
        self.not_word = 1 << bytes.len() | self.of_byte[128];
        let mut not_word = present & !WORD;
        while not_word != 0 {
            self.not_word |= self.of_byte[not_word.trailing_zeros() as usize];
            not_word &= not_word - 1;
        }
    }

    /// Where the line holds a character of `class` (a byte beyond ASCII stands for any
    /// character beyond ASCII, as in the scans).
    fn of(&self, class: Class) -> u128 {
        let beyond = if class.non_ascii { self.of_byte[128] } else { 0 };
        let inside = class.ascii & self.present;
        let outside = self.present & !class.ascii;
        // Whichever takes fewer entries: the line's bytes in the class, or those outside it.
        let (mut bytes, ascii) =
            if inside.count_ones() <= outside.count_ones() { (inside, 0) } else { (outside, self.ascii) };
        let mut found = 0;
        while bytes != 0 {
            found |= self.of_byte[bytes.trailing_zeros() as usize];
            bytes &= bytes - 1;
        }
        (found ^ ascii) | beyond
    }

    /// Where the ASCII `text` starts in the line, each byte compared as itself or, with
    /// `fold_case`, ignoring ASCII case.
    fn of_text(&self, text: &[u8], fold_case: bool) -> u128 {
        let mut found = u128::MAX;
        for (i, &b) in text.iter().enumerate() {
            let here = if fold_case {
                self.of_ascii(b.to_ascii_lowercase()) | self.of_ascii(b.to_ascii_uppercase())
            } else {
                self.of_ascii(b)
            };
            found &= here >> i;
            if found == 0 {
                break;
            }
        }
        found
    }

    fn of_ascii(&self, b: u8) -> u128 {
        if self.present >> b & 1 == 1 {
            self.of_byte[usize::from(b)]
        } else {
            0
        }
    }

    /// The positions from `start` on.
    fn from(&self, start: usize) -> u128 {
        u128::MAX.checked_shl(start as u32).unwrap_or(0)
    }
}

/// What each byte may be part of: a word character, a character that is not one, or (beyond
/// ASCII) either.
const BYTE_KIND: [u8; 256] = {
    let mut kinds = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        kinds[b] = if b >= 0x80 {
            MAY_BE_WORD | MAY_BE_NOT_WORD
        } else if WORD >> b & 1 == 1 {
            MAY_BE_WORD
        } else {
            MAY_BE_NOT_WORD
        };
        b += 1;
    }
    kinds
};
const MAY_BE_WORD: u8 = 1;
const MAY_BE_NOT_WORD: u8 = 2;

impl<'a> LineBytes<'a> {
    #[cfg(test)]
    pub(crate) fn new(text: &'a str) -> LineBytes<'a> {
        LineBytes::reusing(text, LineMemory::default())
    }

    /// A line indexed in `memory` (see `into_memory`), so that a parser allocates none per
    /// line.
    pub(crate) fn reusing(text: &'a str, memory: LineMemory) -> LineBytes<'a> {
        let LineMemory { mut masks, at } = memory;
        // Entries of `of_byte` are cleared as lines use them (see `Positions::fill`).
        let mut at = at.unwrap_or_else(|| Box::new(Positions { of_byte: [0; 129], not_word: 0, present: 0, ascii: 0 }));
        masks.clear();
        masks.resize(text.len() + 1, ALWAYS);
        let mut mask = ALWAYS;
        for (i, &b) in text.as_bytes().iter().enumerate().rev() {
            mask |= sieve_bit(b);
            masks[i] = mask;
        }
        let mut last = [0u32; 256];
        let mut last_non_ascii = 0;
        let mut present = 0u128;
        for (i, &b) in text.as_bytes().iter().enumerate() {
            last[b as usize] = i as u32 + 1;
            if b >= 0x80 {
                last_non_ascii = i as u32 + 1;
            } else {
                present |= 1 << b;
            }
        }
        let short = text.len() <= Positions::MAX_LEN;
        if short {
            at.fill(text.as_bytes(), present);
        }
        LineBytes { text, last, last_non_ascii, present, masks, at, short }
    }

    /// The memory of the line's index, for the next line.
    pub(crate) fn into_memory(self) -> LineMemory {
        LineMemory { masks: self.masks, at: Some(self.at) }
    }

    /// Where the line's bytes are, when it is short enough.
    fn at(&self) -> Option<&Positions> {
        self.short.then_some(&*self.at)
    }

    /// The bytes of the line from `start` on, as a `Sieve` tests them.
    pub(crate) fn mask_from(&self, start: usize) -> u128 {
        self.masks.get(start).copied().unwrap_or(ALWAYS)
    }

    pub(crate) fn text(&self) -> &'a str {
        self.text
    }

    fn occurs_from(&self, byte: u8, start: usize) -> bool {
        self.last[byte as usize] as usize > start
    }

    /// One past the last index of `byte` in the line; 0 when it has none.
    fn end_of_last(&self, byte: u8) -> usize {
        self.last[byte as usize] as usize
    }

    fn ascii_from(&self, start: usize) -> bool {
        self.last_non_ascii as usize <= start
    }
}

/// The options that change how literals match.
#[derive(Clone, Copy, Default)]
struct Flags {
    ignore_case: bool,
    extended: bool,
}

/// The reading gave up.
struct Unknown;

/// What a piece of pattern requires: factors, each a set of parts one of which every match
/// contains; most selective first. Empty when nothing is known.
type Need = Vec<Vec<Part>>;

struct Reader {
    chars: Vec<char>,
    at: usize,
    /// The pattern has `\G`, which matches only where a search starts.
    anchored: bool,
    #[cfg(test)]
    classes_seen: Vec<(String, Members)>,
}

/// One element of a sequence.
enum Item {
    Char(char, bool),
    /// Something that matches text of its own (`.`, a class not understood, a back-reference):
    /// any character may start it.
    Opaque,
    /// One character of a class.
    Class(Class),
    /// Something that matches no text (`\B`, `^`, a look-behind, a negative look-ahead): the
    /// text on either side of it is adjacent, so sequences leave it out.
    ZeroWidth,
    /// A word boundary, `\b`: zero-width as well, and kept by a sequence as where it stands.
    Boundary,
    /// A group: what it needs, how a match of it starts and how it ends (see `Lead`), and how
    /// each of its alternatives' text starts (see `Branch`).
    Group(Need, Lead, Lead, Vec<Branch>),
    /// A look-ahead: what it needs, how its text starts, and with what literal when that is
    /// known (see `Heads`). It consumes nothing: for how a match starts and ends it is as if
    /// empty, and the text after it starts where it does.
    Ahead(Need, Lead, Option<Heads>),
}

/// How a piece of pattern's text starts: any number of characters of the class, then the
/// literal; one of these for every match. What a `Part::Then` is made of.
type Heads = Vec<(Class, String)>;

/// Literals a heads list may hold: the keyword lists of grammars would make checks that cost
/// more than they spare.
const MOST_HEADS: usize = 6;

/// One alternative of a group: how its text starts when that is known, and the characters its
/// text may hold. When the start is not known (`\w+`), the text after the group may say it:
/// `(?:\w+|\(\))\s*=>` starts with word characters and spaces, then `=>`, or with `(`.
#[derive(Clone)]
struct Branch {
    heads: Option<Heads>,
    alphabet: Class,
}

/// The characters a piece of pattern's match may start with, and whether it may be empty
/// (then what follows it may start the match as well); or, read from the other end, the
/// characters it may end with (its trail).
#[derive(Clone, Copy)]
struct Lead {
    chars: Class,
    nullable: bool,
}

impl Lead {
    const EMPTY: Lead = Lead { chars: Class::NONE, nullable: true };

    fn union(self, other: Lead) -> Lead {
        Lead { chars: self.chars.union(other.chars), nullable: self.nullable || other.nullable }
    }
}

impl Item {
    fn lead(&self) -> Lead {
        match self {
            Item::Group(_, lead, _, _) => *lead,
            _ => self.one_char(),
        }
    }

    /// The characters the item's text may end with.
    fn trail(&self) -> Lead {
        match self {
            Item::Group(_, _, trail, _) => *trail,
            _ => self.one_char(),
        }
    }

    /// The characters the item's text may hold.
    fn alphabet(&self) -> Class {
        match self {
            Item::Group(_, _, _, branches) => branches.iter().fold(Class::NONE, |all, b| all.union(b.alphabet)),
            Item::Ahead(..) | Item::ZeroWidth | Item::Boundary => Class::NONE,
            _ => self.one_char().chars,
        }
    }

    /// The character an item that matches one character (or something that starts with any)
    /// may be; empty for the zero-width items.
    fn one_char(&self) -> Lead {
        let chars = match self {
            Item::Char(c, fold) => match u8::try_from(*c).ok().filter(u8::is_ascii) {
                // Folded, `k` matches the Kelvin sign and `s` the long s.
                // Beyond ASCII, a letter folds to letters only (the Kelvin sign, the long s).
                Some(b) if *fold => Class {
                    ascii: 1 << b.to_ascii_lowercase() | 1 << b.to_ascii_uppercase(),
                    non_ascii: true,
                    word: b.is_ascii_alphabetic(),
                },
                Some(b) => Class { ascii: 1 << b, non_ascii: false, word: true },
                // Folded, `ß` matches `ss`.
                None if *fold => Class::ANY,
                None => Class { ascii: 0, non_ascii: true, word: false },
            },
            Item::Opaque => Class::ANY,
            Item::Class(class) => *class,
            Item::ZeroWidth | Item::Boundary | Item::Ahead(..) | Item::Group(..) => return Lead::EMPTY,
        };
        Lead { chars, nullable: false }
    }
}

impl Reader {
    /// What every match of `regex` needs, and how it starts; None when the reading gave up.
    fn read(regex: &str) -> Option<(Need, Lead)> {
        let mut reader = Reader::new(regex);
        let (need, mut lead, _, _) = reader.alternation(Flags::default(), true).ok()?;
        if reader.at != reader.chars.len() {
            return None;
        }
        if reader.anchored {
            lead = Lead { chars: Class::ANY, nullable: true };
        }
        Some((need, lead))
    }

    fn new(regex: &str) -> Reader {
        Reader {
            chars: regex.chars().collect(),
            at: 0,
            anchored: false,
            #[cfg(test)]
            classes_seen: Vec::new(),
        }
    }

    /// The class item read from `from` up to here: a class when `members` are known and the
    /// options leave them as read. Case folding adds members (`[a-z]` is `[A-Za-z]`, `[ß]`
    /// matches `ss`, `k` the Kelvin sign): with the `i` option, only a class that is the same
    /// either way (`case_closed`: `\d`, `\w`, `\s`, `\h`) keeps its reading.
    fn class_item(&mut self, from: usize, members: Option<Members>, flags: Flags, case_closed: bool) -> Item {
        let Some(members) = members else { return Item::Opaque };
        #[cfg(test)]
        self.classes_seen.push((self.chars[from..self.at].iter().collect(), members));
        let _ = from;
        if flags.ignore_case && !case_closed {
            return Item::Opaque;
        }
        Item::Class(Class { ascii: members.may, non_ascii: members.non_ascii, word: members.word })
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn peek_at(&self, offset: usize) -> Option<char> {
        self.chars.get(self.at + offset).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.at += 1;
        Some(c)
    }

    fn eat(&mut self, s: &str) -> bool {
        let n = s.chars().count();
        if self.chars.get(self.at..self.at + n).is_some_and(|w| w.iter().copied().eq(s.chars())) {
            self.at += n;
            return true;
        }
        false
    }

    /// Alternatives up to a closing `)` (not consumed) or the end. Leading options such as
    /// `(?x)` apply to the rest of the group.
    fn alternation(&mut self, mut flags: Flags, at_start: bool) -> Result<(Need, Lead, Lead, Vec<Branch>), Unknown> {
        if at_start {
            while self.peek() == Some('(') && self.peek_at(1) == Some('?') && self.isolated_options(&mut flags) {}
        }
        let (first, mut lead, mut trail, shape) = self.sequence(flags)?;
        let mut branches = vec![first];
        let mut shapes = vec![shape];
        while self.peek() == Some('|') {
            self.at += 1;
            let (branch, branch_lead, branch_trail, shape) = self.sequence(flags)?;
            branches.push(branch);
            shapes.push(shape);
            lead = lead.union(branch_lead);
            trail = trail.union(branch_trail);
        }
        if branches.len() == 1 {
            return Ok((branches.pop().unwrap_or_default(), lead, trail, shapes));
        }
        // A match is one branch's: it contains that branch's best factor. One factor, then,
        // of every branch's best literals; nothing when a branch needs nothing. And one of
        // every branch's first factor of places (see `places`), when each has one.
        let places = places(&branches);
        let mut any_of = Vec::new();
        for branch in branches {
            match branch.into_iter().next() {
                Some(best) => any_of.extend(best),
                None => return Ok((Vec::new(), lead, trail, shapes)),
            }
        }
        Ok((std::iter::once(any_of).chain(places).collect(), lead, trail, shapes))
    }

    /// `(?ix)` or `(?-i)` at the start of a group: returns true when it read one.
    fn isolated_options(&mut self, flags: &mut Flags) -> bool {
        let start = self.at;
        self.at += 2;
        match self.options(*flags) {
            Some((new, ')')) => {
                *flags = new;
                true
            }
            _ => {
                self.at = start;
                false
            }
        }
    }

    /// Option letters after `(?`, up to and including the `)` or `:` that ends them: the
    /// flags they leave and that character. None for letters not followed here.
    fn options(&mut self, mut flags: Flags) -> Option<(Flags, char)> {
        let mut on = true;
        loop {
            match self.next()? {
                'i' => flags.ignore_case = on,
                'x' => flags.extended = on,
                'm' => {}
                '-' if on => on = false,
                end @ (')' | ':') => return Some((flags, end)),
                _ => return None,
            }
        }
    }

    /// Items up to `|`, `)` or the end; the best requirement among them, and how a match of
    /// them starts and ends.
    fn sequence(&mut self, flags: Flags) -> Result<(Need, Lead, Lead, Branch), Unknown> {
        let mut items: Vec<(Item, Repeat)> = Vec::new();
        // Where each `\b` stands: before the item of that index.
        let mut boundaries: Vec<usize> = Vec::new();
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            if flags.extended && c.is_whitespace() {
                self.at += 1;
                continue;
            }
            if flags.extended && c == '#' {
                while self.next().is_some_and(|c| c != '\n') {}
                continue;
            }
            let mut scoped = flags;
            if c == '(' && self.peek_at(1) == Some('?') && self.isolated_options(&mut scoped) {
                // `a(?i)b|c` is `a(?i:b|c)`: the options rule the rest of the group,
                // alternatives included.
                let (rest, lead, trail, branches) = self.alternation(scoped, false)?;
                items.push((Item::Group(rest, lead, trail, branches), Repeat::Once));
                break;
            }
            let item = self.item(flags)?;
            let repeat = self.quantifier(flags)?;
            // Text matched before and after a zero-width item is adjacent: it is left out.
            match item {
                Item::ZeroWidth => {}
                Item::Boundary if repeat == Repeat::Once => boundaries.push(items.len()),
                Item::Boundary => {}
                item => items.push((item, repeat)),
            }
        }
        // The items up to the first that cannot be empty may start a match; those from the
        // last that cannot, end it.
        let edge = |item_edge: fn(&Item) -> Lead, items: &mut dyn Iterator<Item = &(Item, Repeat)>| {
            let mut edge = Lead::EMPTY;
            for (item, repeat) in items {
                let one = item_edge(item);
                edge = Lead { chars: edge.chars.union(one.chars), nullable: true };
                if !one.nullable && *repeat != Repeat::Optional {
                    edge.nullable = false;
                    break;
                }
            }
            edge
        };
        let lead = edge(Item::lead, &mut items.iter());
        let trail = edge(Item::trail, &mut items.iter().rev());
        let heads = heads(&items);
        let alphabet = items.iter().fold(Class::NONE, |all, (item, _)| all.union(item.alphabet()));
        let shape = Branch { heads: heads[0].clone(), alphabet };
        Ok((factors(items, &boundaries, &heads), lead, trail, shape))
    }

    fn item(&mut self, flags: Flags) -> Result<Item, Unknown> {
        let c = self.next().ok_or(Unknown)?;
        Ok(match c {
            '\\' => self.escape(flags)?,
            '.' => Item::Opaque,
            '^' | '$' => Item::ZeroWidth,
            '[' => {
                let from = self.at - 1;
                self.class()?;
                // Extended mode may or may not drop white space inside a class: not read.
                let body = &self.chars[from..self.at];
                let spaced = flags.extended && body.iter().any(|c| c.is_whitespace() || *c == '#');
                let members = if spaced { None } else { ClassReader { chars: body, at: 1 }.bracket() };
                self.class_item(from, members, flags, false)
            }
            '(' => self.group(flags)?,
            // A quantifier with nothing to repeat, or a brace Oniguruma may read either way.
            '*' | '+' | '?' | '{' => return Err(Unknown),
            c => Item::Char(c, flags.ignore_case),
        })
    }

    fn escape(&mut self, flags: Flags) -> Result<Item, Unknown> {
        let from = self.at - 1;
        let c = self.next().ok_or(Unknown)?;
        Ok(match c {
            'n' => Item::Char('\n', flags.ignore_case),
            't' => Item::Char('\t', flags.ignore_case),
            'G' => {
                self.anchored = true;
                Item::ZeroWidth
            }
            'b' => Item::Boundary,
            'B' | 'A' | 'z' | 'Z' | 'K' => Item::ZeroWidth,
            // Only the classes that leave a character out often enough to be worth a check.
            'w' | 'd' | 's' | 'h' => self.class_item(from, escaped_class(c), flags, true),
            'W' | 'D' | 'S' | 'H' | 'N' | 'O' | 'R' | 'X' => Item::Opaque,
            'p' | 'P' => {
                if self.next() != Some('{') {
                    return Err(Unknown);
                }
                let name_from = self.at;
                self.skip_past('}')?;
                let name: String = self.chars[name_from..self.at - 1].iter().collect();
                let members = if c == 'p' { property(&name) } else { None };
                self.class_item(from, members, flags, false)
            }
            'x' => {
                if self.peek() == Some('{') {
                    self.skip_past('}')?;
                } else {
                    self.skip_while(|c| c.is_ascii_hexdigit(), 2);
                }
                Item::Opaque
            }
            'u' => {
                self.skip_while(|c| c.is_ascii_hexdigit(), 4);
                Item::Opaque
            }
            '0'..='9' => {
                self.skip_while(|c| c.is_ascii_digit(), 3);
                Item::Opaque
            }
            'k' | 'g' => {
                let close = match self.next() {
                    Some('<') => '>',
                    Some('\'') => '\'',
                    _ => return Err(Unknown),
                };
                self.skip_past(close)?;
                Item::Opaque
            }
            c if c.is_ascii_alphanumeric() => return Err(Unknown),
            c => Item::Char(c, flags.ignore_case),
        })
    }

    fn skip_past(&mut self, close: char) -> Result<(), Unknown> {
        while let Some(c) = self.next() {
            if c == close {
                return Ok(());
            }
        }
        Err(Unknown)
    }

    fn skip_while(&mut self, keep: impl Fn(char) -> bool, most: usize) {
        let mut n = 0;
        while n < most && self.peek().is_some_and(&keep) {
            self.at += 1;
            n += 1;
        }
    }

    /// A bracketed class, its `[` already read: skipped up to its `]`.
    fn class(&mut self) -> Result<(), Unknown> {
        self.eat("^");
        // A `]` right at the start is a member, not the end.
        if self.peek() == Some(']') {
            self.at += 1;
        }
        loop {
            match self.next().ok_or(Unknown)? {
                ']' => return Ok(()),
                '\\' => {
                    self.next().ok_or(Unknown)?;
                }
                '[' => {
                    if self.eat(":") {
                        self.skip_past(']')?; // [:alpha:]
                    } else {
                        self.class()?; // nested class
                    }
                }
                _ => {}
            }
        }
    }

    /// A group, its `(` already read.
    fn group(&mut self, flags: Flags) -> Result<Item, Unknown> {
        let (item_of, inner_flags): (ItemOf, Flags) = if self.eat("?") {
            if self.eat(":") || self.eat(">") {
                (Item::Group, flags)
            } else if self.eat("=") {
                // What a look-ahead needs lies at or after the match's start, so in the rest of
                // the line as well: a requirement of the match (never adjacent to its text).
                // It consumes nothing: the match starts with what follows it.
                (|need, lead, _, branches| Item::Ahead(need, lead, all_heads(&branches)), flags)
            } else if self.eat("!") || self.eat("<=") || self.eat("<!") {
                (|_, _, _, _| Item::ZeroWidth, flags)
            } else if self.eat("#") {
                self.skip_past(')')?;
                return Ok(Item::ZeroWidth);
            } else if self.peek() == Some('<') || self.peek() == Some('\'') || self.eat("P<") {
                let close = if self.next() == Some('\'') { '\'' } else { '>' };
                self.skip_past(close)?;
                (Item::Group, flags)
            } else {
                // Scoped options: (?i:...), (?-x:...). Options without a group in the middle
                // of a pattern change alternation in ways not worth following.
                match self.options(flags) {
                    Some((scoped, ':')) => (Item::Group, scoped),
                    _ => return Err(Unknown),
                }
            }
        } else {
            (Item::Group, flags)
        };
        let (need, lead, trail, branches) = self.alternation(inner_flags, true)?;
        if self.next() != Some(')') {
            return Err(Unknown);
        }
        Ok(item_of(need, lead, trail, branches))
    }

    /// The quantifier after an item, if any.
    fn quantifier(&mut self, flags: Flags) -> Result<Repeat, Unknown> {
        if flags.extended {
            // Extended mode allows space before a quantifier.
            while self.peek().is_some_and(char::is_whitespace) {
                self.at += 1;
            }
        }
        let repeat = match self.peek() {
            Some('?') | Some('*') => Repeat::Optional,
            Some('+') => Repeat::AtLeastOnce,
            Some('{') => {
                let start = self.at;
                self.at += 1;
                let mut min = String::new();
                while let Some(d) = self.peek().filter(char::is_ascii_digit) {
                    min.push(d);
                    self.at += 1;
                }
                if self.eat(",") {
                    self.skip_while(|c| c.is_ascii_digit(), usize::MAX);
                }
                if self.peek() != Some('}') {
                    // Not an interval: Oniguruma may read the brace as itself.
                    self.at = start;
                    return Err(Unknown);
                }
                if min.parse::<u32>().unwrap_or(0) > 0 {
                    Repeat::AtLeastOnce
                } else {
                    Repeat::Optional
                }
            }
            _ => return Ok(Repeat::Once),
        };
        self.at += 1;
        // Lazy or possessive forms.
        if matches!(self.peek(), Some('?') | Some('+')) {
            self.at += 1;
        }
        Ok(repeat)
    }
}

/// How often an item occurs.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Repeat {
    Once,
    /// `+`, `{2,}`: required, but what follows it need not be adjacent to its first copy.
    AtLeastOnce,
    /// `?`, `*`, `{0,3}`.
    Optional,
}

/// The requirements of a sequence: each run of adjacent required characters, the factors of
/// each required group, the pairs at each required item's edges (see `pairs`) and the word
/// boundaries at `boundaries` (before the item of each index).
fn factors(items: Vec<(Item, Repeat)>, boundaries: &[usize], heads: &[Option<Heads>]) -> Need {
    let pairs = pairs(&items, boundaries);
    let thens = thens(&items, heads);
    let mut all: Need = Vec::new();
    let mut run = String::new();
    let mut run_fold = false;
    for (item, repeat) in items {
        match (item, repeat) {
            (_, Repeat::Optional) | (Item::Opaque | Item::ZeroWidth | Item::Boundary, _) => {
                flush(&mut run, run_fold, &mut all)
            }
            (Item::Class(class), _) => {
                flush(&mut run, run_fold, &mut all);
                all.push(vec![Part::Class(class)]);
            }
            (Item::Char(c, fold), repeat) => {
                if fold != run_fold {
                    flush(&mut run, run_fold, &mut all);
                }
                run_fold = fold;
                run.push(c);
                if repeat == Repeat::AtLeastOnce {
                    // `ab+c` need not contain `abc`.
                    flush(&mut run, run_fold, &mut all);
                }
            }
            (Item::Group(factors, ..) | Item::Ahead(factors, ..), _) => {
                flush(&mut run, run_fold, &mut all);
                all.extend(factors);
            }
        }
    }
    flush(&mut run, run_fold, &mut all);
    all.extend(thens);
    ranked(all, pairs)
}

/// How the text from each item of a sequence on starts (see `Heads`), one more for its end
/// (where nothing is known). An optional item, a character class or a group whose start is not
/// known adds its characters to the gap before what follows it; a literal ends the gap. A
/// look-ahead's text starts where it stands.
fn heads(items: &[(Item, Repeat)]) -> Vec<Option<Heads>> {
    let mut heads: Vec<Option<Heads>> = vec![None; items.len() + 1];
    let gapped = |gap: Class, rest: &Option<Heads>| -> Option<Heads> {
        rest.as_ref().map(|rest| rest.iter().map(|(g, text)| (g.union(gap), text.clone())).collect())
    };
    for i in (0..items.len()).rev() {
        let (item, repeat) = &items[i];
        heads[i] = match item {
            _ if *repeat == Repeat::Optional => gapped(item.alphabet(), &heads[i + 1]),
            Item::Char(_, false) => {
                // The literal run that starts here, as `factors` reads it.
                let mut run = String::new();
                for (item, repeat) in &items[i..] {
                    match (item, repeat) {
                        (Item::Char(c, false), Repeat::Once) => run.push(*c),
                        (Item::Char(c, false), Repeat::AtLeastOnce) => {
                            run.push(*c);
                            break;
                        }
                        _ => break,
                    }
                }
                Some(vec![(Class::NONE, run)])
            }
            Item::Ahead(_, _, Some(ahead)) => Some(ahead.clone()),
            Item::Ahead(..) | Item::ZeroWidth | Item::Boundary => heads[i + 1].clone(),
            Item::Group(_, _, _, branches) => {
                let mut all = Vec::new();
                for branch in branches {
                    // An alternative whose start is not known, even with what follows, leaves
                    // the group's unknown.
                    let Some(known) = branch.heads.clone().or_else(|| gapped(branch.alphabet, &heads[i + 1])) else {
                        all.clear();
                        break;
                    };
                    all.extend(known);
                    if all.len() > MOST_HEADS {
                        all.clear();
                        break;
                    }
                }
                (!all.is_empty()).then_some(all)
            }
            Item::Char(_, true) | Item::Class(_) | Item::Opaque => gapped(item.alphabet(), &heads[i + 1]),
        };
        if heads[i].as_ref().is_some_and(|h| h.len() > MOST_HEADS || h.iter().any(|(_, text)| text.is_empty())) {
            heads[i] = None;
        }
    }
    heads
}

/// What a group is as an item, made of what its alternatives need, their lead and trail, and
/// their branches.
type ItemOf = fn(Need, Lead, Lead, Vec<Branch>) -> Item;

/// The heads of every alternative, when each has them.
fn all_heads(branches: &[Branch]) -> Option<Heads> {
    let mut all = Vec::new();
    for branch in branches {
        all.extend(branch.heads.clone()?);
    }
    (all.len() <= MOST_HEADS).then_some(all)
}

/// The `Part::Then` factors of a sequence: after each required item, its last character, then
/// what the text after it starts with (see `heads`), when a gap lies between.
fn thens(items: &[(Item, Repeat)], heads: &[Option<Heads>]) -> Need {
    let mut thens = Vec::new();
    for (i, (item, repeat)) in items.iter().enumerate() {
        let trail = item.trail();
        if *repeat == Repeat::Optional || trail.nullable || trail.chars.ascii.count_ones() > PAIR_CLASS_MOST {
            continue;
        }
        let Some(heads) = &heads[i + 1] else { continue };
        // Without a gap, the literals and pairs say as much; across a gap that may hold nearly
        // anything, little more.
        let small = |gap: &Class| gap.ascii.count_ones() <= PAIR_CLASS_MOST;
        if heads.iter().all(|(gap, _)| *gap == Class::NONE || !small(gap)) {
            continue;
        }
        let then = |(gap, then): &(Class, String)| Part::Then { first: trail.chars, gap: *gap, then: then.clone() };
        thens.push(heads.iter().map(then).collect());
    }
    thens
}

/// The pairs a match of the sequence holds: at each edge of a required item, the characters
/// it may end (start) with and those the text right after (before) it may start (end) with,
/// when both are sure to be there. What comes next may begin with an optional item
/// (`=\s*(?:function|\w+\s*=>)` holds a `=` right before a space, a letter or `(`, never `=>`'s
/// `>`); a look-ahead's text starts where the next item's does. Two characters side by side are
/// in their literal already.
///
/// A word boundary beside characters that are all word characters (`\b[A-Z_]`, `\d+\b`) needs
/// one that is not on its other side, or the line's edge: `Part::Boundary`. Code is full of
/// capitals, digits and underscores inside words (`worker_79`, `HashMap`), where the patterns
/// for constants and numbers were searched in vain.
fn pairs(items: &[(Item, Repeat)], boundaries: &[usize]) -> Need {
    // How an item and what follows (precedes) it may start (end): the item's own edge when it
    // is sure to be there and cannot be empty, else that joined with the rest's.
    let joined = |own: Lead, repeat: Repeat, rest: Lead| {
        if own.nullable || repeat == Repeat::Optional {
            Lead { chars: own.chars.union(rest.chars), nullable: rest.nullable }
        } else {
            own
        }
    };
    let n = items.len();
    let mut starts = vec![Lead::EMPTY; n + 1];
    for i in (0..n).rev() {
        starts[i] = joined(items[i].0.lead(), items[i].1, starts[i + 1]);
    }
    let mut ends = vec![Lead::EMPTY; n + 1];
    for i in 0..n {
        ends[i + 1] = joined(items[i].0.trail(), items[i].1, ends[i]);
    }
    // Items `i` and `i + 1` in one literal run (see `factors`).
    let in_run = |i: usize| match (items.get(i), items.get(i + 1)) {
        (Some((Item::Char(_, a), Repeat::Once)), Some((Item::Char(_, b), Repeat::Once | Repeat::AtLeastOnce))) => {
            a == b
        }
        _ => false,
    };
    let mut pairs: Need = Vec::new();
    let mut add = |first: Lead, second: Lead| {
        if !first.nullable && !second.nullable {
            pair(first.chars, second.chars, &mut pairs);
        }
    };
    for (i, (item, repeat)) in items.iter().enumerate() {
        if *repeat == Repeat::Optional {
            continue;
        }
        if let Item::Ahead(_, ahead, _) = item {
            add(ends[i], *ahead);
            continue;
        }
        if !(i > 0 && in_run(i - 1)) {
            add(ends[i], item.lead());
        }
        if !in_run(i) {
            add(item.trail(), starts[i + 1]);
        }
    }
    for &at in boundaries {
        let (after, before) = (starts[at], ends[at]);
        if !after.nullable && after.chars.all_word() {
            pairs.push(vec![Part::Boundary(Side::Start, after.chars)]);
        }
        if !before.nullable && before.chars.all_word() {
            pairs.push(vec![Part::Boundary(Side::End, before.chars)]);
        }
    }
    pairs
}

/// A factor of the places every branch of an alternation needs, one branch's parts each:
/// characters side by side (a pair, a word boundary, a literal after a gap), which lines hold
/// apart far more often than together. The number patterns (`0|[1-9]\d*(?:\.\d*|[Ee]\d+)|\.\d+`)
/// need a digit right before a dot or an exponent, or a dot right before a digit, where their
/// literals and classes (a dot, a digit) are in most lines of code. None when a branch has no
/// such factor, or their parts would make a check that costs more than it spares.
fn places(branches: &[Need]) -> Option<Vec<Part>> {
    let placed = |part: &Part| matches!(part, Part::Pair(..) | Part::Boundary(..) | Part::Then { .. });
    let mut any_of: Vec<Part> = Vec::new();
    for branch in branches {
        let factor = branch.iter().find(|factor| factor.iter().all(placed))?;
        for part in factor {
            if !any_of.contains(part) {
                any_of.push(part.clone());
            }
        }
    }
    (any_of.len() <= MOST_HEADS).then_some(any_of)
}

/// Classes this large are in nearly every line: a pair with one says little for its cost.
const PAIR_CLASS_MOST: u32 = 100;

/// The pair `first`, `second` as a factor, unless one side could be nearly anything.
fn pair(first: Class, second: Class, pairs: &mut Need) {
    let small = |c: Class| c.ascii.count_ones() <= PAIR_CLASS_MOST;
    if small(first) && small(second) {
        pairs.push(vec![Part::Pair(first, second)]);
    }
}

fn flush(run: &mut String, fold_case: bool, all: &mut Need) {
    if !run.is_empty() {
        all.push(vec![Part::Literal(Literal { text: std::mem::take(run), fold_case })]);
    }
}

/// The factors most selective first: by their shortest literal, longest first, then those
/// with a class, by their largest class (the earlier among equals); then the pairs, which
/// cost a look at each byte, in the places left. A factor with an empty literal is found
/// everywhere: left out.
fn ranked(mut all: Need, pairs: Need) -> Need {
    // How often a part is met, in rank: a longer literal less often, any literal less often
    // than a class, a class with fewer members less often.
    let commonness = |part: &Part| match part {
        Part::Literal(l) => 1000 - l.text.len().min(999) as u32,
        Part::Class(c) => 1000 + c.ascii.count_ones() + u32::from(c.non_ascii),
        // After the literals, as a literal with a character before it, by how many that may be.
        Part::Then { first, .. } => 1000 + first.ascii.count_ones() + u32::from(first.non_ascii),
        // A group's pairs, met here among its other factors, go last as well.
        Part::Pair(..) | Part::Boundary(..) => 2000,
    };
    all.retain(|factor| factor.iter().all(|part| !matches!(part, Part::Literal(l) if l.text.is_empty())));
    all.sort_by_key(|factor| factor.iter().map(commonness).max().unwrap_or(0));
    all.extend(pairs);
    let mut kept: Need = Vec::new();
    for factor in all {
        if !kept.contains(&factor) {
            kept.push(factor);
        }
    }
    kept.truncate(MAX_FACTORS);
    kept
}

/// What a class may match: ASCII bytes it may match (`may`) and surely matches (`must`), and
/// whether it may match beyond ASCII. Both sets are kept so that a negated class (`[^"]`, whose
/// members are those its inner class surely leaves out) stays a superset of what it matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Members {
    pub(crate) may: u128,
    pub(crate) must: u128,
    pub(crate) non_ascii: bool,
    /// Every member beyond ASCII is a word character (see `Class::word`).
    pub(crate) word: bool,
}

const fn ascii_range(lo: u8, hi: u8) -> u128 {
    (u128::MAX >> (127 - hi)) & (u128::MAX << lo)
}

const DIGITS: u128 = ascii_range(b'0', b'9');
const UPPER: u128 = ascii_range(b'A', b'Z');
const LOWER: u128 = ascii_range(b'a', b'z');
const LETTERS: u128 = UPPER | LOWER;
const HEX: u128 = DIGITS | ascii_range(b'A', b'F') | ascii_range(b'a', b'f');
const WORD: u128 = LETTERS | DIGITS | 1 << b'_';
/// `\t \n \f \r` and the space; the vertical tab is white space to some readings only.
const SPACE: u128 = 1 << b'\t' | 1 << b'\n' | 1 << 0x0c | 1 << b'\r' | 1 << b' ';
const VERTICAL_TAB: u128 = 1 << 0x0b;

impl Members {
    const NONE: Members = Members { may: 0, must: 0, non_ascii: false, word: true };

    /// ASCII `ascii` exactly, and perhaps characters beyond ASCII: word characters only when
    /// `word`.
    fn unicode(ascii: u128, word: bool) -> Members {
        Members { may: ascii, must: ascii, non_ascii: true, word }
    }

    fn union(self, other: Members) -> Members {
        Members {
            may: self.may | other.may,
            must: self.must | other.must,
            non_ascii: self.non_ascii || other.non_ascii,
            word: self.word && other.word,
        }
    }

    fn negated(self) -> Members {
        Members { may: !self.must, must: !self.may, non_ascii: true, word: false }
    }

    /// The characters `lo..=hi`.
    fn range(lo: u32, hi: u32) -> Option<Members> {
        if lo > hi {
            return None;
        }
        let ascii = if lo < 128 { ascii_range(lo as u8, hi.min(127) as u8) } else { 0 };
        // Which characters beyond ASCII are word characters is not read from a range.
        Some(Members { may: ascii, must: ascii, non_ascii: hi >= 128, word: hi < 128 })
    }
}

/// `\d`, `\w`, `\s`, `\h`: in Oniguruma's Unicode mode the first three match beyond ASCII.
fn escaped_class(c: char) -> Option<Members> {
    let (ascii, negated, word) = match c.to_ascii_lowercase() {
        'd' => (DIGITS, None, true),
        'w' => (WORD, None, true),
        's' => (SPACE, Some(VERTICAL_TAB), false),
        'h' => (HEX, None, false),
        _ => return None,
    };
    let mut members = Members::unicode(ascii, word);
    members.may |= negated.unwrap_or(0);
    Some(if c.is_ascii_uppercase() { members.negated() } else { members })
}

/// A Unicode general category by its short name (`\p{Lu}`); None for any other property.
/// Letters, marks, decimal digits, letter numbers and connector punctuation are word
/// characters (Oniguruma's `\w`); of the other numbers some are (`²`) and some not (`৴`).
fn property(name: &str) -> Option<Members> {
    let (ascii, word) = match name {
        "L" => (LETTERS, true),
        "Lu" => (UPPER, true),
        "Ll" => (LOWER, true),
        "Nd" => (DIGITS, true),
        "N" => (DIGITS, false),
        "Pc" => (1 << b'_', true),
        "Lt" | "Lm" | "Lo" | "M" | "Mn" | "Mc" | "Me" | "Nl" => (0, true),
        "No" => (0, false),
        _ => return None,
    };
    Some(Members::unicode(ascii, word))
}

/// `[:alpha:]` and the like, by name.
fn posix(name: &str) -> Option<Members> {
    let (ascii, vertical_tab, word) = match name {
        "alpha" => (LETTERS, 0, true),
        "digit" => (DIGITS, 0, true),
        "alnum" => (LETTERS | DIGITS, 0, true),
        // Beyond letters, `Other_Uppercase` holds circled letters and the like.
        "upper" => (UPPER, 0, false),
        "lower" => (LOWER, 0, false),
        "xdigit" => (HEX, 0, false),
        "word" => (WORD, 0, true),
        "space" => (SPACE, VERTICAL_TAB, false),
        "blank" => (1 << b' ' | 1 << b'\t', 0, false),
        _ => return None,
    };
    let mut members = Members::unicode(ascii, word);
    members.may |= vertical_tab;
    Some(members)
}

/// The members of a bracketed class, read from its text; None for anything not understood
/// (intersections, octal escapes, unknown properties, a range ending in a class).
struct ClassReader<'a> {
    chars: &'a [char],
    at: usize,
}

/// One element of a class: a character, or a set (`\w`, `\p{L}`).
enum ClassAtom {
    Char(u32),
    Set(Members),
}

impl ClassReader<'_> {
    fn peek(&self, offset: usize) -> Option<char> {
        self.chars.get(self.at + offset).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek(0)?;
        self.at += 1;
        Some(c)
    }

    /// A class, its `[` already read, up to and including its `]`.
    fn bracket(&mut self) -> Option<Members> {
        let negate = self.peek(0) == Some('^');
        if negate {
            self.at += 1;
        }
        let mut members = Members::NONE;
        let mut first = true;
        loop {
            let c = self.next()?;
            let element = match c {
                // A `]` right at the start is a member.
                ']' if !first => break,
                '[' if self.peek(0) == Some(':') => {
                    self.at += 1;
                    let negated = self.peek(0) == Some('^');
                    self.at += usize::from(negated);
                    let from = self.at;
                    while self.peek(0)?.is_ascii_alphabetic() {
                        self.at += 1;
                    }
                    let name: String = self.chars[from..self.at].iter().collect();
                    if self.next()? != ':' || self.next()? != ']' {
                        return None;
                    }
                    let named = posix(&name)?;
                    if negated {
                        named.negated()
                    } else {
                        named
                    }
                }
                '[' => self.bracket()?,
                '&' if self.peek(0) == Some('&') => return None,
                _ => match (self.atom(c)?, self.peek(0), self.peek(1)) {
                    (ClassAtom::Char(lo), Some('-'), Some(after)) if after != ']' => {
                        self.at += 1;
                        let hi = self.next()?;
                        match self.atom(hi)? {
                            ClassAtom::Char(hi) => Members::range(lo, hi)?,
                            ClassAtom::Set(_) => return None,
                        }
                    }
                    (ClassAtom::Char(c), _, _) => Members::range(c, c)?,
                    // `[\w-x]`: whether that `-` is a member is not worth knowing.
                    (ClassAtom::Set(_), Some('-'), Some(after)) if after != ']' => return None,
                    (ClassAtom::Set(set), _, _) => set,
                },
            };
            members = members.union(element);
            first = false;
        }
        Some(if negate { members.negated() } else { members })
    }

    /// The element that starts with `c`.
    fn atom(&mut self, c: char) -> Option<ClassAtom> {
        if c != '\\' {
            return Some(ClassAtom::Char(c as u32));
        }
        let escaped = self.next()?;
        let code = match escaped {
            'd' | 'D' | 'w' | 'W' | 's' | 'S' | 'h' | 'H' => return escaped_class(escaped).map(ClassAtom::Set),
            'p' | 'P' => {
                if self.next()? != '{' {
                    return None;
                }
                let from = self.at;
                while self.next()? != '}' {}
                let name: String = self.chars[from..self.at - 1].iter().collect();
                let named = property(&name)?;
                return Some(ClassAtom::Set(if escaped == 'P' { named.negated() } else { named }));
            }
            'n' => 0x0a,
            't' => 0x09,
            'r' => 0x0d,
            'f' => 0x0c,
            'v' => 0x0b,
            'a' => 0x07,
            'e' => 0x1b,
            'b' => 0x08,
            'x' | 'u' => {
                let braced = escaped == 'x' && self.peek(0) == Some('{');
                self.at += usize::from(braced);
                let from = self.at;
                let most = if braced {
                    8
                } else if escaped == 'x' {
                    2
                } else {
                    4
                };
                while self.at - from < most && self.peek(0).is_some_and(|c| c.is_ascii_hexdigit()) {
                    self.at += 1;
                }
                let digits: String = self.chars[from..self.at].iter().collect();
                if braced && self.next()? != '}' || digits.is_empty() || escaped == 'u' && digits.len() != 4 {
                    return None;
                }
                u32::from_str_radix(&digits, 16).ok()?
            }
            c if c.is_ascii_alphanumeric() => return None,
            c => c as u32,
        };
        Some(ClassAtom::Char(code))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A part as text: a class as its ASCII members in brackets, `…` when it may hold more.
    fn shown(part: Part) -> (String, bool) {
        match part {
            Part::Literal(l) => (l.text, l.fold_case),
            Part::Class(c) => (class_shown(c), false),
            Part::Pair(first, second) => (format!("{}{}", class_shown(first), class_shown(second)), false),
            Part::Boundary(Side::Start, class) => (format!("\\b{}", class_shown(class)), false),
            Part::Boundary(Side::End, class) => (format!("{}\\b", class_shown(class)), false),
            Part::Then { first, gap, then } => (format!("{}{}*{then}", class_shown(first), class_shown(gap)), false),
        }
    }

    fn class_shown(c: Class) -> String {
        let members: String = (0..128u8).filter(|&b| c.ascii >> b & 1 == 1).map(char::from).collect();
        format!("[{members}{}]", if c.non_ascii { "…" } else { "" })
    }

    fn need(regex: &str) -> Option<Vec<(String, bool)>> {
        let best = Required::of(regex)?.all_of.into_iter().next()?;
        Some(best.into_iter().map(shown).collect())
    }

    fn exact(words: &[&str]) -> Option<Vec<(String, bool)>> {
        Some(words.iter().map(|w| (w.to_string(), false)).collect())
    }

    #[test]
    fn literals_and_escapes() {
        assert_eq!(need(r"\{"), exact(&["{"]));
        assert_eq!(need(r"/\*"), exact(&["/*"]));
        assert_eq!(need(r#"""#), exact(&["\""]));
        assert_eq!(need(r"\\\n"), exact(&["\\\n"]));
        assert_eq!(need(r"\bif\b"), exact(&["if"]));
        assert_eq!(need(r"(?<=\.)foo(?=\()"), exact(&["foo"]));
        // A look-ahead's text is in the rest of the line; a look-behind's may come before it.
        assert_eq!(need(r"(?=\w+\s*=>)"), exact(&["=>"]));
        assert_eq!(need(r"\w+(?=\s*::)"), exact(&["::"]));
        assert_eq!(need(r"(?<=::)\w+"), exact(&[WORD_SHOWN]));
        assert_eq!(need(r"(?!::)\w+"), exact(&[WORD_SHOWN]));
        assert_eq!(need(r"\p{L}+abc"), exact(&["abc"]));
        assert_eq!(need("한글"), exact(&["한글"]));
    }

    #[test]
    fn alternatives_need_one_of_their_literals() {
        assert_eq!(need(r"\b(?:boolean|byte|char)\b"), exact(&["boolean", "byte", "char"]));
        assert_eq!(need(r"\)|\}|\]"), exact(&[")", "}", "]"]));
        // One alternative without a literal or class: nothing is required.
        assert_eq!(need(r"foo|\w+"), exact(&["foo", WORD_SHOWN]));
        assert_eq!(need(r"foo|.+"), None);
        assert_eq!(need(r"(a|)b"), exact(&["b"]));
    }

    #[test]
    fn optional_and_repeated_parts() {
        assert_eq!(need("ab?c"), exact(&["a"]));
        assert_eq!(need("ab+c"), exact(&["ab"]));
        assert_eq!(need("x{0,2}yz"), exact(&["yz"]));
        assert_eq!(need("x{2}yz"), exact(&["yz"]));
        assert_eq!(need("(foo)?bar"), exact(&["bar"]));
        assert_eq!(need("(?:foo)+"), exact(&["foo"]));
        assert_eq!(need("a*"), None);
        assert_eq!(need(r"[abc]+def"), exact(&["def"]));
        assert_eq!(need(r"[\]\[(]x"), exact(&["x"]));
        assert_eq!(need(r"[[:alpha:]&&[^a]]yy"), exact(&["yy"]));
    }

    #[test]
    fn options() {
        assert_eq!(need(r"(?i:\b(and|or)\b)"), Some(vec![("and".into(), true), ("or".into(), true)]));
        assert_eq!(need(r"(?i)SELECT\s"), Some(vec![("SELECT".into(), true)]));
        // Extended mode: spaces and comments are not literals.
        assert_eq!(need("(?x)\n  \\b ( foo # first\n  | bar ) \\b\n"), exact(&["foo", "bar"]));
        assert_eq!(need("(?x: a b )"), exact(&["ab"]));
        assert_eq!(need("a b"), exact(&["a b"]));
    }

    fn factors(regex: &str) -> Vec<Vec<&'static str>> {
        let texts = |factor: Vec<Part>| factor.into_iter().map(|p| &*shown(p).0.leak()).collect();
        Required::of(regex).map_or_else(Vec::new, |r| r.all_of.into_iter().map(texts).collect())
    }

    #[test]
    fn every_required_part_is_a_factor() {
        assert_eq!(
            factors(r"\w+\s*=\s*(?:function|=>)"),
            [
                vec!["function", "=>"],
                vec!["="],
                vec![&*format!("[=]{SPACE_SHOWN}*function"), &*format!("[=]{SPACE_SHOWN}*=>")],
                vec![WORD_SHOWN]
            ]
        );
        assert_eq!(factors(r"ab?c"), [vec!["a"], vec!["c"], vec!["[a][b]*c"], vec!["[a][bc]"]]);
        assert_eq!(
            factors(r"(?=x\()foo\s*::"),
            [vec!["foo"], vec!["x("], vec!["::"], vec![&*format!("[o]{SPACE_SHOWN}*::")]]
        );
        // Within an alternation, only a branch's best factor is certain.
        assert_eq!(factors(r"foo\s*bar|baz"), [vec!["foo", "baz"]]);
        // And one of the branches' places, when each branch has some.
        let number = r"(?:0|[1-9]\d*)(?:\.\d*|[Ee]\d+)|\.\d+";
        assert_eq!(factors(number), [vec![".", "[Ee]", "."], vec!["[0123456789…][.Ee]", "[.][0123456789…]"]]);
        assert!(!found(number, "x = a.b + 10;", 0) && found(number, "x = .5;", 0) && found(number, "x = 1e3;", 0));
        // Then the pairs (`[bd]` right before the dot), in the places left.
        assert_eq!(factors(r"(?:ab|cd)\.(?:ef)+"), [vec!["ab", "cd"], vec!["ef"], vec!["."], vec!["[bd][.]"]]);
        // Classes come after literals, the smallest first.
        assert_eq!(factors(r"\w\d[<>]=|x"), [vec!["=", "x"]]);
        assert_eq!(factors(r"\w+\s*[<>]=\d"), [vec!["="], vec!["[<>]"], vec!["[0123456789…]"], vec![WORD_SHOWN]]);
        // The same factor twice is checked once; at most four are kept.
        assert_eq!(factors(r"a.a"), [vec!["a"]]);
        assert_eq!(factors(r"a\sb\sc\sd\se"), [vec!["a"], vec!["b"], vec!["c"], vec!["d"]]);
        assert!(found(r"\w+\s*=\s*(?:function|=>)", "f = function (a) { return a; }", 0));
        // Only spaces may lie between the `=` and the `=>`.
        assert!(!found(r"\w+\s*=\s*(?:function|=>)", "f = (a) => a", 0));
        assert!(!found(r"\w+\s*=\s*(?:function|=>)", "const f = g(a);", 0));
        assert!(!found(r"\w+\s*=\s*(?:function|=>)", "x => y; z = 1", 6));
    }

    const DIGIT_SHOWN: &str = "[0123456789…]";

    #[test]
    fn characters_side_by_side_are_a_pair_when_one_is_a_class() {
        // Inside a sequence, across a group's edges, and before a look-ahead's text.
        assert_eq!(
            factors(r"\b((?:\d[\d_]*)?\d\.)(?!\.)"),
            [vec!["."], vec![DIGIT_SHOWN], vec!["[0123456789…][.]"], vec!["\\b[0123456789…]"]]
        );
        assert_eq!(
            factors(r"\b([\p{Lu}_][\p{Lu}\p{Nd}_]+)\b"),
            [
                vec!["[ABCDEFGHIJKLMNOPQRSTUVWXYZ_…]"],
                vec!["[0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_…]"],
                vec!["[ABCDEFGHIJKLMNOPQRSTUVWXYZ_…][0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_…]"],
                vec!["\\b[ABCDEFGHIJKLMNOPQRSTUVWXYZ_…]"]
            ]
        );
        assert_eq!(
            factors(r"(?:\b(?:Vec|Box)\b|[a-z]\w*)(?=<)"),
            [
                vec!["<"],
                vec!["Vec", "Box", "[abcdefghijklmnopqrstuvwxyz]"],
                vec![&*format!("{}[<]", "[0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz…]")]
            ]
        );
        assert!(found(r"\d\.", "x = 3.14", 0) && !found(r"\d\.", "x.len() < 10", 0) && !found(r"\d\.", "3.14", 1));
        // What follows may begin with an optional item: then with it or with what comes after.
        let assigned_arrow = r"=\s*(?:async\s+)?(?:\w+|\(\))\s*=>";
        assert_eq!(factors(assigned_arrow)[..2], [vec!["=>"], vec!["="]]);
        assert!(found(assigned_arrow, "const f = async () => 1;", 0));
        assert!(!found(assigned_arrow, "items.forEach((x) => x.id);", 0), "the only `=` is the arrow's");
        assert!(found(r"\w+(?=<)", "let v: Vec<i64>", 0) && !found(r"\w+(?=<)", "if a < b {", 0));
        // Beyond ASCII, any such byte may be the character on either side.
        assert!(found(r"\w(?=<)", "한<", 0) && found(r"<\w", "<한", 0) && !found(r"\d(?=<)", "ab <", 0));
        // Two characters are a literal already; an optional item, `.` or a large class between
        // or beside them makes no pair.
        assert_eq!(factors(r"ab"), [vec!["ab"]]);
        assert_eq!(factors(r"\d?\.|x"), [vec![".", "x"]]);
        assert_eq!(factors(r"\d.\."), [vec!["."], vec![DIGIT_SHOWN]]);
        assert_eq!(
            factors(r"[^x]\."),
            [
                vec!["."],
                vec![&*format!("[{}…]", (0..128u8).filter(|&b| b != b'x').map(char::from).collect::<String>())]
            ]
        );
        assert_eq!(factors(r"(?:a|)\d"), [vec![DIGIT_SHOWN]]);
    }

    /// A word boundary beside a class of word characters needs a character that is not one on
    /// its other side (or the line's edge); the character before the search's start counts.
    #[test]
    fn word_boundaries_beside_word_characters_are_required() {
        let constant = r"\b([\p{Lu}_][\p{Lu}\p{Nd}_]+)\b";
        assert!(found(constant, "MAX_SIZE = 3", 0) && found(constant, "x = MAX_SIZE", 0) && found(constant, "(IO)", 0));
        // Capitals and underscores inside words only.
        assert!(!found(constant, "let worker_79: i64 = xs.iter().sum();", 0));
        assert!(!found(constant, "let n = hashMap_A;", 0));
        // Where the search starts, the character before it decides.
        assert!(found(constant, "x MAX", 2) && !found(constant, "xMAX", 1) && found(constant, "MAX", 0));
        assert_eq!(factors(r"\b_\b"), [vec!["_"], vec!["\\b[_]"], vec!["[_]\\b"]]);
        assert!(found(r"\b_\b", "for _ in x", 0) && !found(r"\b_\b", "snake_case _x", 0));
        assert!(found(r"\b_\b", "f(_)", 0) && found(r"\b_\b", "_", 0) && !found(r"\b_\b", "a_", 0));
        // At the end: a digit run not followed by a word character.
        assert_eq!(factors(r"\d+\b"), [vec![DIGIT_SHOWN], vec!["[0123456789…]\\b"]]);
        assert!(found(r"\d+\b", "x1 = 2;", 0) && !found(r"\d+\b", "x1y", 0) && found(r"\d+\b", "a1", 0));
        // Beyond ASCII, a byte may be a word character of the class or one that is not.
        assert!(found(r"\b\p{Lu}", "한Ä", 0) && found(r"\p{L}\b", "x한 ", 0) && found(r"\b\d", "٣", 0));
        // No boundary part where a side may be other than a word character, or may be empty.
        for regex in [r"\b[\w$]+", r"\b\p{N}", r"\b[^a]", r"\b\.", r"\b(?:a|)", r"\b[[:upper:]]", r"\b\h", r"\b\d?"] {
            let boundary = |part: &Part| matches!(part, Part::Boundary(..));
            assert!(!Required::of(regex).is_some_and(|r| r.all_of.iter().flatten().any(boundary)), "{regex}");
        }
        // An optional item after the boundary: the text may start with it or what follows.
        assert!(factors(r"\b_?[A-Z]+").contains(&vec!["\\b[ABCDEFGHIJKLMNOPQRSTUVWXYZ_]"]));
        assert!(found(r"\b_?[A-Z]+", "(_X)", 0) && found(r"\b_?[A-Z]+", " X", 0) && !found(r"\b_?[A-Z]+", "a_X", 0));
    }

    /// A literal after a gap needs a character of what comes before the gap right before the
    /// gap's characters: across alternatives whose start is known only with what follows them,
    /// and into look-aheads.
    #[test]
    fn a_literal_after_a_gap_needs_what_comes_before_the_gap() {
        let assigned_arrow = r"=\s*(?:async\s*)?(?:\w+|\([^()]*\))\s*=>";
        let word_or_space = "[\t\n\u{b}\u{c}\r 0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz…]";
        assert_eq!(
            factors(assigned_arrow)[..3],
            [vec!["=>"], vec!["="], vec![&*format!("[=]{word_or_space}*=>"), "[=][\t\n\u{b}\u{c}\r acnsy…]*("]]
        );
        for (line, holds) in [
            ("const f = (a, b) => a + b;", true),
            ("const f = async x => x;", true),
            ("f = g=>1", true),
            ("let g = 한 => 1", true),
            ("const workers = token.items.filter((x) => x.worker > 74);", false),
            ("items.forEach((x) => x.id);", false),
            ("a = b; c(d) => e", false),
        ] {
            assert_eq!(found(assigned_arrow, line, 0), holds, "{line}");
            let regex = syntect::parsing::Regex::new(assigned_arrow.into());
            assert!(holds || !regex.search(line, 0, line.len(), None), "{line}");
        }
        // From where the search starts: the `=` must be in the rest of the line.
        assert!(found(assigned_arrow, "x = y => 1", 2) && !found(assigned_arrow, "x = y => 1", 3));
        // Into a look-ahead, after an optional item, and from a character class.
        assert!(factors(r"\w+(?=\s*`)").contains(&vec![&*format!("{WORD_SHOWN}{SPACE_SHOWN}*`")]));
        assert!(!found(r"\w+(?=\s*`)", "fetch(`${url}`)", 0) && found(r"\w+(?=\s*`)", "html `<p>`", 0));
        assert!(!found(r"(=)\s*(?=\|)", "let x: i64 = xs.iter().filter(|x| x > 1)", 0));
        assert!(found(r"(=)\s*(?=\|)", "let f = |x| x", 0));
        // An alternative whose start is not known even with what follows leaves the group's unknown.
        assert!(!factors(r"=\s*(?:\w+|$)").iter().flatten().any(|p| p.contains('*')));
        // A gap that may hold nearly anything, or none at all: no such factor.
        assert!(!factors(r"\d.*\.").iter().flatten().any(|p| p.contains('*')));
        assert!(!factors(r"\d\.").iter().flatten().any(|p| p.contains('*')));
    }

    /// Every line of code in the notes of `../shared` (more than 5,000).
    fn shared_code_lines() -> Vec<String> {
        let mut lines: Vec<String> = Vec::new();
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared");
        for entry in walkdir::WalkDir::new(root).into_iter().flatten() {
            if entry.path().extension().is_some_and(|e| e == "md") {
                let text = std::fs::read_to_string(entry.path()).unwrap();
                for block in crate::markdown::code_blocks::code_blocks(&text) {
                    lines.extend(block.code.split_inclusive('\n').map(String::from));
                }
            }
        }
        assert!(lines.len() > 5_000, "{} lines", lines.len());
        lines
    }

    /// Every regex of the grammars, once.
    fn distinct_grammar_regexes() -> Vec<String> {
        let mut regexes = super::super::parse::every_grammar_regex();
        regexes.sort();
        regexes.dedup();
        regexes
    }

    /// A gap never turns away a search that matches: every grammar pattern whose requirement
    /// has a literal after a gap, on lines of code of the shared notes, wherever such a factor
    /// decides (the rest of the requirement holds there): Oniguruma finds no match.
    #[test]
    fn gaps_turn_away_only_searches_that_fail() {
        let (lines, regexes) = (shared_code_lines(), distinct_grammar_regexes());
        let (mut with_gaps, mut decided) = (0, 0);
        for regex in &regexes {
            let Some(required) = Required::of(regex) else { continue };
            let is_then = |factor: &Vec<Part>| factor.iter().any(|p| matches!(p, Part::Then { .. }));
            let without = Required { all_of: required.all_of.iter().filter(|f| !is_then(f)).cloned().collect() };
            if without.all_of.len() == required.all_of.len() {
                continue;
            }
            let options = onig::RegexOptions::REGEX_OPTION_CAPTURE_GROUP;
            let Ok(compiled) = onig::Regex::with_options(regex, options, onig::Syntax::default()) else { continue };
            with_gaps += 1;
            for line in lines.iter().step_by(3) {
                let bytes = LineBytes::new(line);
                for start in [0, line.floor_char_boundary(line.len() / 3), line.floor_char_boundary(line.len() / 2)] {
                    if !without.found_in(&bytes, start) || required.found_in(&bytes, start) {
                        continue;
                    }
                    decided += 1;
                    let how = onig::SearchOptions::SEARCH_OPTION_NONE;
                    let hit =
                        compiled.search_with_param(line, start, line.len(), how, None, onig::MatchParam::default());
                    assert!(!matches!(hit, Ok(Some(_))), "{regex:?} matches {line:?} from {start}: {required:?}");
                }
            }
        }
        assert!(
            with_gaps > 300 && decided > 20_000,
            "{with_gaps} patterns with gaps, {decided} searches decided by them"
        );
    }

    /// A pair never turns away a search that matches: every grammar pattern whose requirement
    /// has one (a pair of characters or a word boundary), on lines of code of the shared notes,
    /// wherever the pairs decide (the rest of the requirement holds there and a pair does not):
    /// Oniguruma finds no match.
    #[test]
    fn pairs_turn_away_only_searches_that_fail() {
        let (lines, regexes) = (shared_code_lines(), distinct_grammar_regexes());
        let (mut with_pairs, mut decided, mut by_boundaries) = (0, 0, 0);
        for regex in &regexes {
            let Some(required) = Required::of(regex) else { continue };
            let is_pair = |factor: &Vec<Part>| factor.iter().any(|p| matches!(p, Part::Pair(..) | Part::Boundary(..)));
            let is_boundary = |factor: &Vec<Part>| factor.iter().any(|p| matches!(p, Part::Boundary(..)));
            let other_pairs =
                Required { all_of: required.all_of.iter().filter(|f| !is_boundary(f)).cloned().collect() };
            let without = Required { all_of: required.all_of.iter().filter(|f| !is_pair(f)).cloned().collect() };
            if without.all_of.len() == required.all_of.len() {
                continue;
            }
            // As syntect compiles it; a pattern with back-references to another's captures is
            // only ever searched with them filled in, and does not compile as it is.
            let options = onig::RegexOptions::REGEX_OPTION_CAPTURE_GROUP;
            let Ok(compiled) = onig::Regex::with_options(regex, options, onig::Syntax::default()) else { continue };
            with_pairs += 1;
            // Every fifth line, from its start and from its middle: a debug build's Oniguruma
            // takes a minute for every line from four places.
            for line in lines.iter().step_by(5) {
                let bytes = LineBytes::new(line);
                for start in [0, line.floor_char_boundary(line.len() / 2)] {
                    if !without.found_in(&bytes, start) || required.found_in(&bytes, start) {
                        continue;
                    }
                    decided += 1;
                    by_boundaries += usize::from(other_pairs.found_in(&bytes, start));
                    // An error (a search over its retry limit) is no match, as in syntect.
                    let how = onig::SearchOptions::SEARCH_OPTION_NONE;
                    let hit =
                        compiled.search_with_param(line, start, line.len(), how, None, onig::MatchParam::default());
                    assert!(
                        !matches!(hit, Ok(Some(_))),
                        "{regex:?} matches {line:?} from {start}, where its pairs {:?} are not found",
                        required.all_of.iter().filter(|f| is_pair(f)).collect::<Vec<_>>()
                    );
                }
            }
        }
        assert!(
            with_pairs > 400 && decided > 20_000 && by_boundaries > 5_000,
            "{with_pairs} patterns with pairs, {decided} searches decided by them, {by_boundaries} by boundaries alone"
        );
    }

    /// The search that looks at the first byte first answers as comparing every window does.
    #[test]
    fn find_agrees_with_comparing_every_window() {
        let every_window = |haystack: &[u8], needle: &[u8], fold: bool| {
            let same = |a: &u8, b: &u8| if fold { a.eq_ignore_ascii_case(b) } else { a == b };
            haystack.len() >= needle.len()
                && haystack.windows(needle.len()).any(|w| w.iter().zip(needle).all(|(a, b)| same(a, b)))
        };
        let haystacks = ["", "a", "ab", "aab", "abab", "xAbAB", "if (x) { y(); }", "ababa", "한글 abc 한", "--->"];
        let needles = ["a", "b", "ab", "ba", "aba", "AB", "abab", "x", "{", "y()", "한", "글 a", "-->", "abc 한"];
        let mut checked = 0;
        for haystack in haystacks {
            for needle in needles {
                let (h, n) = (haystack.as_bytes(), needle.as_bytes());
                assert_eq!(find(h, n, |a, b| a == b, |b| b), every_window(h, n, false), "{needle:?} in {haystack:?}");
                let fold = find(h, n, |a, b| a.eq_ignore_ascii_case(&b), |b| b.to_ascii_lowercase());
                assert_eq!(fold, every_window(h, n, true), "{needle:?} in {haystack:?}, any case");
                checked += 1;
            }
        }
        assert_eq!(checked, 140);
    }

    #[test]
    fn anything_unclear_requires_nothing() {
        for regex in
            ["", r"(?=\S)", r"\D+", ".", "a{", "[abc", r"(?(1)a|b)", r"\cA", "a(?i", r"(?~abc)", "(?y{g}a)", r"\1"]
        {
            assert_eq!(need(regex), None, "{regex}");
        }
    }

    const SPACE_SHOWN: &str = "[\t\n\u{b}\u{c}\r …]";
    const WORD_SHOWN: &str = "[0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz…]";

    #[test]
    fn classes_need_one_of_their_characters() {
        assert_eq!(need(r"\b\d+\b"), exact(&["[0123456789…]"]));
        assert_eq!(need(r"\b\p{Lu}\w*"), exact(&["[ABCDEFGHIJKLMNOPQRSTUVWXYZ…]"]));
        assert_eq!(need(r"[!<>=]=|[<>]"), exact(&["=", "[<>]"]));
        assert_eq!(need(r"[\-+*/%]"), exact(&["[%*+-/]"]));
        assert_eq!(need(r"[a-c_\x41\u0042]"), exact(&["[AB_abc]"]));
        assert_eq!(need(r"[[:digit:]x]"), exact(&["[0123456789x…]"]));
        assert_eq!(need("[é가]"), exact(&["[…]"]));
        // Negated: every character the inner class surely leaves out.
        let not_quote: String = (0..128u8).filter(|&b| b != b'"').map(char::from).collect();
        assert_eq!(need(r#"[^"]"#), exact(&[&format!("[{not_quote}…]")]));
        // A class only at the optional places, or not understood: nothing is required.
        for regex in [r"\d*", r"[a-z]?", r"[a-z&&[^b]]", r"[\w-x]", r"[\p{Greek}]", r"[\1]", "(?x)[ a]"] {
            assert_eq!(need(regex), None, "{regex}");
        }
        // With the `i` option, only the classes that case folding leaves as they are.
        assert_eq!(need(r"(?i)\d"), exact(&["[0123456789…]"]));
        assert_eq!(need(r"(?i)[a-z]"), None);
        assert_eq!(need(r"(?i)\p{Lu}"), None);
        assert_eq!(need(r"(?i:[ß])"), None);
        assert!(!found(r"\b\d+\b", "let x = y;", 0));
        assert!(found(r"\b\d+\b", "let x = 1;", 0));
        assert!(!found(r"\b\d+\b", "let x = 1;", 9));
        // Beyond ASCII, a digit may be another script's.
        assert!(found(r"\b\d+\b", "x = ٣", 0));
        assert!(!found(r"[<>]", "x = ٣", 0));
    }

    #[test]
    fn options_in_the_middle_rule_the_rest_of_the_group() {
        assert_eq!(
            factors(r"\b(?i)(0x)\h*(L)"),
            [vec!["0x"], vec!["L"], vec!["[Xx…][0123456789ABCDEFLabcdefl…]"], vec!["[0123456789ABCDEFXabcdefx…][Ll…]"]]
        );
        assert_eq!(
            factors(r"\b(?i)(0x)\h+"),
            [vec!["0x"], vec!["[0123456789ABCDEFabcdef…]"], vec!["[Xx…][0123456789ABCDEFabcdef…]"]]
        );
        assert_eq!(need(r"\b(?i)(0x)\h*(L)"), Some(vec![("0x".into(), true)]));
        // `a(?i)b|c` is `a(?i:b|c)`, so it needs the `a`.
        assert_eq!(factors("a(?i)b|c"), [vec!["a"], vec!["b", "c"], vec!["[a][BCbc…]"]]);
        let regex = syntect::parsing::Regex::new("a(?i)b|c".into());
        assert!(regex.search("xaC", 0, 3, None) && !regex.search("c", 0, 1, None));
    }

    /// Every class the reading understands, in every grammar pattern and in the examples here,
    /// against Oniguruma character by character: what it matches the reading may hold, and
    /// what the reading surely holds it matches.
    #[test]
    fn classes_agree_with_oniguruma() {
        let mut regexes: Vec<String> = super::super::parse::every_grammar_regex();
        regexes.extend(
            [
                r"[^\s]",
                r"[^\d\p{Lu}]",
                r"[\W]",
                r"[^\H]",
                r"[[:space:]]",
                r"[^[:alnum:][:blank:]]",
                r"[^[:^word:]]",
                r"[^\v\a\e\b\f\x{7F}\u00e9]",
                r"[^]a-]",
                r"[]]",
                r"[^\P{Ll}]",
                r"[^\p{Mn}\p{Pc}\p{Nl}]",
                "[^\t-\r]",
                r"\p{N}",
                r"\p{L}",
                r"\p{Lt}",
                r"\p{Lm}",
                r"\p{Lo}",
                r"\p{M}",
                r"\p{Mc}",
                r"\p{Me}",
                r"\p{No}",
                r"[^\p{N}\p{L}\p{Lt}\p{Lm}\p{Lo}\p{M}\p{Mc}\p{Me}\p{No}]",
                r"[\p{Nl}\p{Pc}\p{Mn}\p{Lt}\p{Lm}]",
                r"[[:alpha:][:digit:]]",
                r"[[:alnum:]_]",
                r"[[:word:]]",
                r"[\d\w]",
            ]
            .map(String::from),
        );
        let beyond = ["é", "ß", "한", "\u{a0}", "\u{85}", "\u{2028}", "\u{3000}", "٣", "\u{212a}", "Ⅻ", "\u{301}", "ª"];
        // Every character beyond ASCII that Oniguruma's `\w` leaves out, assigned and not for
        // private use (a class of word characters holds none of those: no category does), and
        // a sample of the rest.
        let word = syntect::parsing::Regex::new(r"\A\w\z".into());
        let unassigned = syntect::parsing::Regex::new(r"\A[\p{Cn}\p{Co}]\z".into());
        let not_word: String = (0x80..=0x10ffff_u32)
            .filter_map(char::from_u32)
            .filter(|c| {
                let one = c.to_string();
                !word.search(&one, 0, one.len(), None)
                    && (*c as u32 % 97 == 0 || !unassigned.search(&one, 0, one.len(), None))
            })
            .collect();
        assert!(
            not_word.contains('€')
                && not_word.contains('\u{3000}')
                && !not_word.contains('한')
                && !not_word.contains('²')
        );
        let mut region = syntect::parsing::Region::new();
        let mut word_classes = 0;
        let mut checked = 0;
        for regex in &regexes {
            for (text, members) in Required::classes_in(regex) {
                let class = syntect::parsing::Regex::new(text.clone());
                for b in 0..128u8 {
                    let one = char::from(b).to_string();
                    let matches = class.search(&one, 0, 1, None);
                    let (may, must) = (members.may >> b & 1 == 1, members.must >> b & 1 == 1);
                    assert!(!matches || may, "{text} matches {one:?}, which the reading leaves out");
                    assert!(matches || !must, "{text} does not match {one:?}, which the reading holds");
                }
                for other in beyond {
                    assert!(members.non_ascii || !class.search(other, 0, other.len(), None), "{text} on {other:?}");
                }
                if members.word && members.non_ascii {
                    let hit = class.search(&not_word, 0, not_word.len(), Some(&mut region)).then(|| region.pos(0));
                    let hit = hit.flatten().map(|(s, e)| &not_word[s..e]);
                    assert!(hit.is_none(), "{text} holds only word characters beyond ASCII, but matches {hit:?}");
                    word_classes += 1;
                }
                checked += 1;
            }
        }
        assert!(checked > 1000 && word_classes > 300, "{checked} classes, {word_classes} of word characters");
    }

    fn lead(regex: &str) -> Option<String> {
        Required::lead_of(regex).map(|class| shown(Part::Class(class)).0)
    }

    #[test]
    fn a_match_starts_with_its_lead() {
        assert_eq!(lead(r"\b[\p{Ll}_][\p{Ll}\p{Nd}_]*(?=\()").as_deref(), Some("[_abcdefghijklmnopqrstuvwxyz…]"));
        assert_eq!(lead(r"(?<=\.)\s*(?:foo|\d)").as_deref(), Some("[\t\n\u{b}\u{c}\r 0123456789f…]"));
        assert_eq!(lead(r"x?y*(?=a)z").as_deref(), Some("[xyz]"));
        assert_eq!(lead(r"(?i)if|\$").as_deref(), Some("[$Ii…]"));
        // Folded, a character beyond ASCII may match ASCII text (`ß` matches `ss`).
        assert_eq!(lead(r"(?i)ß"), None);
        // A match that may be empty, one that may start anywhere, or `\G`: no lead.
        for regex in [r"x?", r"(?=a)", r"a|", r"(?:a|b?)", ".x", r"\Wa", r"\1a", r"\Ga", "(?(1)a)"] {
            assert_eq!(lead(regex), None, "{regex}");
        }
        let start =
            |regex: &str, text: &str, from: usize| Required::lead_of(regex)?.first_in(&LineBytes::new(text), from);
        assert_eq!(start(r"\b\d+", "let x = 12;", 0), Some(8));
        assert_eq!(start(r"\b\d+", "let x = 12;", 9), Some(9));
        assert_eq!(start(r"\b\d+", "let x = 12;", 10), None);
        assert_eq!(start(r"\p{Lu}", "x = 한", 0), Some(4));
    }

    fn found(regex: &str, text: &str, start: usize) -> bool {
        Required::of(regex).unwrap().found_in(&LineBytes::new(text), start)
    }

    /// Whether the sieve of `regex`'s requirement passes `text` from `start`.
    fn sieved(regex: &str, text: &str, start: usize) -> bool {
        let line = LineBytes::new(text);
        Required::of(regex).unwrap().sieve().passes(line.mask_from(start))
    }

    /// The sieve passes wherever the requirement holds, beyond ASCII and with NUL bytes too,
    /// and turns away lines that lack what it needs.
    #[test]
    fn the_sieve_passes_where_the_requirement_holds() {
        let regexes = [
            r"(?i)\bselect\b",
            r"\{|\}",
            "abc",
            "한글",
            r"\d+\.\d*",
            r"[^\x00-\x7f]x",
            r"[\x00]|\p{Lu}",
            r"\w+\s*=\s*(?:function|=>)",
            r"(?i:ß)",
        ];
        let texts = [
            "x = SELECT 1",
            "UPDATE t -- 주석",
            "a b c abc",
            "x = '한글';",
            "3.14",
            "é x",
            "\0 a",
            "Ä",
            "f = () => 1",
            "STRASSE",
            "",
        ];
        let (mut held, mut turned_away) = (0, 0);
        for regex in regexes {
            for text in texts {
                let line = LineBytes::new(text);
                let required = Required::of(regex).unwrap_or_else(|| panic!("{regex:?}"));
                for start in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
                    let passes = required.sieve().passes(line.mask_from(start));
                    if required.found_in(&line, start) {
                        held += 1;
                        assert!(passes, "{regex:?} on {text:?} from {start}");
                    } else {
                        turned_away += usize::from(!passes);
                    }
                }
            }
        }
        assert!(held > 50 && turned_away > 200, "{held} held, {turned_away} turned away");
        // Where nothing is required, at the end of a line too, and with an empty literal.
        for text in texts {
            let line = LineBytes::new(text);
            assert!(Sieve::OPEN.passes(line.mask_from(text.len())), "{text:?}");
            let empty =
                Required { all_of: vec![vec![Part::Literal(Literal { text: String::new(), fold_case: false })]] };
            assert!(empty.found_in(&line, text.len()) && empty.sieve().passes(line.mask_from(text.len())));
        }
        assert!(sieved(r"[\x7f]", "a\x7f", 1) && sieved(r"\p{Lu}|[\x7f]", "a\x7f", 0));
        assert!(!sieved("abc", "cab a b", 3) && sieved("abc", "cab a b", 0), "every byte of a literal is needed");
        assert!(sieved("(?i)select", "주석", 0), "folded, text beyond ASCII may match");
        assert!(!sieved(r"\d", "a1", 2));
        assert!(sieved(r"[\x00]|\p{Lu}", "a\0", 0));
    }

    #[test]
    fn found_in_text() {
        assert!(found(r"(?i)\bselect\b", "x = SELECT * FROM t", 0));
        assert!(found(r"(?i)\bselect\b", "x = sElEcT * FROM t", 4));
        assert!(!found(r"(?i)\bselect\b", "x = SELECT * FROM t", 5));
        assert!(!found(r"(?i)\bselect\b", "UPDATE t SET a = 1", 0));
        // Outside ASCII, case folding is left to the regex engine, but only where the rest of
        // the line is not ASCII.
        assert!(found(r"(?i)\bselect\b", "UPDATE t -- 주석", 0));
        assert!(!found(r"(?i)\bselect\b", "주석 UPDATE t", "주석".len()));
        assert!(found(r"\{|\}", "fn main() {", 0));
        assert!(!found(r"\{|\}", "let x = 1;", 0));
        assert!(!found(r"\{|\}", "{ let x = 1;", 1));
        // The first and last bytes occur, but not together.
        assert!(!found("abc", "a b c cab", 0));
        assert!(found("abc", "a b c abc", 0));
        assert!(found("한글", "x = '한글';", 0));
        assert!(!found("한글", "x = '한국';", 0));
    }
}
