//! Whole-site study data, once every note is parsed and the site assembled: the glossary (every
//! term a note defines, in 가나다 then alphabetical order) and its linker, which points the first
//! mention of a term in other notes at the term's definition.

use super::links::{encode_path, relative_path};
use crate::model::{PageRef, Site};
use rustc_hash::FxHashMap;
use std::hash::{Hash, Hasher};

/// Every term of the site and where each is defined.
#[derive(Default)]
pub(crate) struct Glossary {
    /// One per term (letter case ignored), in glossary order.
    pub(crate) entries: Vec<Entry>,
    /// One per term (letter case ignored): its first definition in reading order, the one
    /// mentions link to.
    targets: Vec<Target>,
    /// First two characters (ASCII lower-cased) → `targets` starting with them, longest first.
    by_start: FxHashMap<(char, char), Vec<usize>>,
    /// One bit per start some target has (see `start_bit`), so `find` passes over most words
    /// without decoding or hashing them.
    first_starts: Vec<u64>,
}

/// The bit of `first_starts` for a word starting with `bytes`: a first character of three bytes
/// (every Hangul syllable) by its code point, so only words of a term's first syllable pass, not
/// the 64 syllables that share its first two bytes; any other start by its first two bytes,
/// ASCII lower-cased. A mention's bytes are its term's up to ASCII case, as `find` compares
/// them. None for fewer than two bytes.
fn start_bit(bytes: &[u8]) -> Option<(usize, u64)> {
    let key = match *bytes {
        [a @ 0xE0..=0xEF, b, c, ..] => {
            1 << 16 | usize::from(a & 0x0F) << 12 | usize::from(b & 0x3F) << 6 | usize::from(c & 0x3F)
        }
        [a, b, ..] => usize::from(a.to_ascii_lowercase()) << 8 | usize::from(b.to_ascii_lowercase()),
        _ => return None,
    };
    Some((key >> 6, 1 << (key & 63)))
}

/// How `find` reads a byte: ASCII but a letter or digit ends a word (`BREAK`); an ASCII letter
/// or digit, or the first byte of a character outside ASCII, may start one (`START`); 0x80..=0xBF
/// continue a character (0). One table look per byte of every text of every note.
const BREAK: u8 = 1;
const START: u8 = 2;
static BYTE_CLASS: [u8; 256] = {
    let mut table = [0; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        table[b] = if byte >= 0xC0 || byte.is_ascii_alphanumeric() {
            START
        } else if byte < 0x80 {
            BREAK
        } else {
            0
        };
        b += 1;
    }
    table
};

/// One term of the glossary and its definitions: where they are, not copies of them (every
/// definition of a site would be held twice).
pub(crate) struct Entry {
    /// The group the glossary lists it under: a Hangul initial (`ㄱ`), a Latin capital, or `#`.
    pub(crate) group: String,
    /// Its different definitions, in reading order of their first note. Notes often define a
    /// term word for word alike (a generated 1,000-note site: ~70 terms defined 6,810 times);
    /// the reader sees each wording once, with every note that gives it.
    pub(crate) definitions: Vec<Definition>,
}

/// One wording of a term's definition and the notes giving it, in reading order, each once.
pub(crate) struct Definition {
    /// Each note (index into `Site::notes`) and its first term (into its `study.terms`) so
    /// worded; the first one's term is shown.
    pub(crate) defined_in: Vec<(usize, usize)>,
}

/// A term as mentions link to it.
#[derive(Hash)]
struct Target {
    term: String,
    folded: String,
    url: String,
    id: String,
}

/// A mention found in a run of text: the byte range and what it links to.
pub(crate) struct Mention {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) target: usize,
}

impl Glossary {
    /// The glossary of the published notes, in reading order.
    pub(crate) fn of(site: &Site) -> Glossary {
        let mut glossary = Glossary::default();
        let mut seen: FxHashMap<String, usize> = FxHashMap::default();
        // Folded term → its entry; (entry, definition text) → its definition.
        let mut entry_of: FxHashMap<String, usize> = FxHashMap::default();
        let mut definition_of: FxHashMap<(usize, &str), usize> = FxHashMap::default();
        for &page in &site.order {
            let PageRef::Note(n) = page else { continue };
            let note = &site.notes[n];
            for (k, t) in note.study.terms.iter().enumerate() {
                let folded = fold(t.term());
                let e = *entry_of.entry(folded.clone()).or_insert_with(|| {
                    glossary.entries.push(Entry { group: group_of(t.term()), definitions: Vec::new() });
                    glossary.entries.len() - 1
                });
                let definitions = &mut glossary.entries[e].definitions;
                let d = *definition_of.entry((e, t.definition())).or_insert_with(|| {
                    definitions.push(Definition { defined_in: Vec::new() });
                    definitions.len() - 1
                });
                let defined_in = &mut definitions[d].defined_in;
                // A note giving one definition twice is listed once, at its first.
                if defined_in.last().is_none_or(|&(m, _)| m != n) {
                    defined_in.push((n, k));
                }
                if folded.chars().count() >= 2 && !seen.contains_key(&folded) {
                    seen.insert(folded.clone(), glossary.targets.len());
                    glossary.targets.push(Target {
                        term: t.term().to_string(),
                        folded,
                        url: note.url.clone(),
                        id: t.id().to_string(),
                    });
                }
            }
        }
        glossary.entries.sort_by_cached_key(|e| order_key(glossary_term(site, e)));
        glossary.first_starts = vec![0; (1 << 17) / 64];
        for (i, t) in glossary.targets.iter().enumerate() {
            if let Some(start) = start_of(&t.term) {
                glossary.by_start.entry(start).or_default().push(i);
            }
            if let Some((word, bit)) = start_bit(t.term.as_bytes()) {
                glossary.first_starts[word] |= bit;
            }
        }
        for list in glossary.by_start.values_mut() {
            list.sort_by_key(|&i| std::cmp::Reverse(glossary.targets[i].term.len()));
        }
        glossary
    }

    /// A fingerprint of what mentions link to: when it changes, every note may link differently.
    pub(crate) fn signature(&self) -> u64 {
        let mut h = rustc_hash::FxHasher::default();
        self.targets.hash(&mut h);
        h.finish()
    }

    /// Whether any term may be linked.
    pub(crate) fn is_empty(&self) -> bool {
        self.targets.is_empty()
    }

    /// The first mention in `text` of a term the note does not define itself (`defined_here`,
    /// folded) and `linked` does not hold yet. A mention starts a word; a term ending in a Latin letter or digit
    /// must end one too (Korean particles may follow a Hangul term: `코루틴을`).
    pub(crate) fn find(&self, text: &str, defined_here: &[String], linked: &[usize]) -> Option<Mention> {
        // Every text of every note passes through here: bytes, no allocation. A word starts
        // after an ASCII space or punctuation (or at the start); Korean words are spaced.
        let bytes = text.as_bytes();
        let mut after_break = true;
        for (i, &b) in bytes.iter().enumerate() {
            let class = BYTE_CLASS[usize::from(b)];
            let starts_word = after_break && class == START;
            after_break = class == BREAK;
            if !starts_word {
                continue;
            }
            let Some((word, bit)) = start_bit(&bytes[i..]) else { break };
            if self.first_starts.get(word).is_none_or(|w| w & bit == 0) {
                continue;
            }
            let Some(candidates) = start_of(&text[i..]).and_then(|start| self.by_start.get(&start)) else { continue };
            for &t in candidates {
                let target = &self.targets[t];
                let end = i + target.term.len();
                let Some(found) = text.get(i..end) else { continue };
                if !found.eq_ignore_ascii_case(&target.term) {
                    continue;
                }
                let last = target.term.chars().next_back().unwrap_or(' ');
                let next = text[end..].chars().next();
                if last.is_ascii_alphanumeric() && next.is_some_and(|n| n.is_ascii_alphanumeric()) {
                    continue;
                }
                if linked.contains(&t) || defined_here.contains(&target.folded) {
                    continue;
                }
                return Some(Mention { start: i, end, target: t });
            }
        }
        None
    }

    /// The link from the page at `from_url` to a target's definition, percent-encoded.
    pub(crate) fn href(&self, target: usize, from_url: &str) -> String {
        let t = &self.targets[target];
        format!("{}#{}", encode_path(&relative_path(from_url, &t.url)), t.id)
    }

    /// The term a target links to.
    pub(crate) fn term(&self, target: usize) -> &str {
        &self.targets[target].term
    }
}

/// The term an entry shows: as its first definition in reading order spells it.
pub(crate) fn glossary_term<'a>(site: &'a Site, entry: &Entry) -> &'a str {
    let (n, k) = entry.definitions[0].defined_in[0];
    site.notes[n].study.terms[k].term()
}

/// The first two characters of `text`, ASCII lower-cased: a term has at least two.
fn start_of(text: &str) -> Option<(char, char)> {
    let mut chars = text.chars();
    Some((chars.next()?.to_ascii_lowercase(), chars.next()?.to_ascii_lowercase()))
}

/// A term as mentions are compared with it: lower-cased.
pub(crate) fn fold(term: &str) -> String {
    term.to_lowercase()
}

/// Glossary order: 가나다 first (Hangul syllables sort in Unicode order), then Latin letters
/// alphabetically, then the rest; letter case ignored.
fn order_key(term: &str) -> (u8, String, String) {
    let class = match term.chars().next() {
        Some('\u{AC00}'..='\u{D7A3}' | '\u{3131}'..='\u{318E}') => 0,
        Some(c) if c.is_ascii_alphabetic() => 1,
        _ => 2,
    };
    (class, fold(term), term.to_string())
}

/// The initial a term is grouped under: `코루틴` → `ㅋ`, `까치` → `ㄱ`, `load` → `L`, `3-way` → `#`.
pub(crate) fn group_of(term: &str) -> String {
    const INITIALS: [char; 19] = [
        'ㄱ', 'ㄱ', 'ㄴ', 'ㄷ', 'ㄷ', 'ㄹ', 'ㅁ', 'ㅂ', 'ㅂ', 'ㅅ', 'ㅅ', 'ㅇ', 'ㅈ', 'ㅈ', 'ㅊ', 'ㅋ', 'ㅌ', 'ㅍ',
        'ㅎ',
    ];
    match term.chars().next() {
        Some(c @ '\u{AC00}'..='\u{D7A3}') => INITIALS[(c as usize - 0xAC00) / 588].to_string(),
        Some(c @ '\u{3131}'..='\u{318E}') => c.to_string(),
        Some(c) if c.is_ascii_alphabetic() => c.to_ascii_uppercase().to_string(),
        _ => "#".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::parse_note;

    fn site(notes: &[(&str, &str)]) -> Site {
        let notes = notes.iter().filter_map(|(s, t)| parse_note(s, t.as_bytes(), false).ok().flatten()).collect();
        Site::assemble(notes, Vec::new(), None, "notes")
    }

    /// `find` as first written: every byte asked whether it starts a word, every word start
    /// decoded and looked up.
    fn find_plainly(
        g: &Glossary,
        text: &str,
        defined_here: &[String],
        linked: &[usize],
    ) -> Option<(usize, usize, usize)> {
        let bytes = text.as_bytes();
        for (i, &b) in bytes.iter().enumerate() {
            let after_break = i == 0 || (bytes[i - 1].is_ascii() && !bytes[i - 1].is_ascii_alphanumeric());
            if !after_break || !(b >= 0xC0 || b.is_ascii_alphanumeric()) {
                continue;
            }
            let Some(candidates) = start_of(&text[i..]).and_then(|start| g.by_start.get(&start)) else { continue };
            for &t in candidates {
                let target = &g.targets[t];
                let end = i + target.term.len();
                let Some(found) = text.get(i..end) else { continue };
                let last = target.term.chars().next_back().unwrap_or(' ');
                let next = text[end..].chars().next();
                let joined = last.is_ascii_alphanumeric() && next.is_some_and(|n| n.is_ascii_alphanumeric());
                if found.eq_ignore_ascii_case(&target.term)
                    && !joined
                    && !linked.contains(&t)
                    && !defined_here.contains(&target.folded)
                {
                    return Some((i, end, t));
                }
            }
        }
        None
    }

    /// The start filter passes over words no term starts like and finds what the plain reading
    /// finds, on random texts of terms, their pieces, other cases, syllables that share a term's
    /// first two bytes (`슥`, `콕`, `핫`) and what may follow them.
    #[test]
    fn find_with_the_start_filter_finds_what_the_plain_reading_finds() {
        let s = site(&[(
            "a.md",
            "- **스택** : 접시\n- **코루틴** : 재개\n- **Stack** : LIFO\n- **load factor** : 비율\n- **3-way** : 악수\n- **해시맵** : 표\n- **é1** : x\n",
        )]);
        let g = Glossary::of(&s);
        let pieces = [
            "스택",
            "슥",
            "콕",
            "핫",
            "슥택",
            "스",
            "택",
            "코루틴을",
            "코",
            "루틴",
            " ",
            ".",
            "(",
            "stack",
            "STACK",
            "Stacks",
            "sT",
            "load",
            " factor",
            "LOAD FACTOR",
            "해시",
            "해시맵",
            "3-way",
            "3",
            "-way",
            "a",
            "é",
            "é1",
            "É1",
            "\u{a0}",
            "😀",
            "x",
        ];
        let mut next = crate::text::random_below(0x243F_6A88_85A3_08D3);
        let mut found = 0;
        // More rounds than the guard's first 20,000: the syllables added for the first-start
        // filter thin out the mentions each round finds.
        for round in 0..25_000 {
            let text: String = (0..next(16)).map(|_| pieces[next(pieces.len())]).collect();
            let linked: Vec<usize> = (0..next(3)).map(|_| next(g.targets.len())).collect();
            let defined_here: Vec<String> =
                (0..next(2)).map(|_| g.targets[next(g.targets.len())].folded.clone()).collect();
            let got = g.find(&text, &defined_here, &linked).map(|m| (m.start, m.end, m.target));
            assert_eq!(got, find_plainly(&g, &text, &defined_here, &linked), "round {round}: {text:?}");
            found += usize::from(got.is_some());
        }
        assert!(found > 5_000, "too few mentions to tell: {found}");
    }

    #[test]
    fn glossary_is_in_ganada_then_alphabetical_order() {
        let s = site(&[
            ("a.md", "- **load factor** : 비율\n- **해시** : 함수\n- **Bucket** : 칸\n- **가비지** : 쓰레기\n- **3-way** : 악수\n"),
            ("b.md", "> **'코루틴'**: 재개\n> **'까치'**: 새\n"),
        ]);
        let g = Glossary::of(&s);
        let order: Vec<(&str, &str)> = g.entries.iter().map(|e| (glossary_term(&s, e), e.group.as_str())).collect();
        assert_eq!(
            order,
            [
                ("가비지", "ㄱ"),
                ("까치", "ㄱ"),
                ("코루틴", "ㅋ"),
                ("해시", "ㅎ"),
                ("Bucket", "B"),
                ("load factor", "L"),
                ("3-way", "#")
            ]
        );
    }

    #[test]
    fn a_term_is_one_entry_and_each_wording_of_it_one_definition() {
        let s = site(&[
            ("a.md", "- **스택** : 나중에 넣은 것을 먼저 꺼낸다\n- **큐** : 먼저 넣은 것을 먼저\n- **스택** : 나중에 넣은 것을 먼저 꺼낸다\n"),
            ("b.md", "- **스택** : 나중에 넣은 것을 먼저 꺼낸다\n- **Stack** : LIFO\n"),
            ("c.md", "- **스택** : 접시 더미\n- **STACK** : LIFO\n"),
        ]);
        let g = Glossary::of(&s);
        // Each entry: its term, and per definition the notes (source, term index) giving it.
        type Shown<'a> = (&'a str, Vec<Vec<(&'a str, usize)>>);
        let shown: Vec<Shown> =
            g.entries
                .iter()
                .map(|e| {
                    let definitions = e.definitions.iter().map(|d| {
                        d.defined_in.iter().map(|&(n, k)| (s.notes[n].source.as_str(), k)).collect::<Vec<_>>()
                    });
                    (glossary_term(&s, e), definitions.collect())
                })
                .collect();
        assert_eq!(
            shown,
            [
                // Word for word alike in a.md (twice: listed once, at its first) and b.md; c.md's differs.
                ("스택", vec![vec![("a.md", 0), ("b.md", 0)], vec![("c.md", 0)]]),
                ("큐", vec![vec![("a.md", 1)]]),
                // Letter case does not make another term; the first spelling is shown.
                ("Stack", vec![vec![("b.md", 1), ("c.md", 1)]]),
            ]
        );
    }

    #[test]
    fn mentions_link_once_outside_the_defining_note_at_word_starts() {
        let s = site(&[("a.md", "> **'코루틴'**: 재개\n- **load factor** : 비율\n"), ("b.md", "본문\n")]);
        let g = Glossary::of(&s);
        let m = g.find("파이썬 코루틴을 쓴다", &[], &[]).expect("a Hangul term takes a particle");
        assert_eq!(&"파이썬 코루틴을 쓴다"[m.start..m.end], "코루틴");
        assert!(g.find("서브코루틴", &[], &[]).is_none(), "not inside a word");
        assert!(g.find("코루틴", &["코루틴".into()], &[]).is_none(), "not where the note defines it");
        assert!(g.find("코루틴", &[], &[m.target]).is_none(), "once per note");
        assert!(g.find("the load factors", &[], &[]).is_none(), "a Latin term ends a word");
        assert!(g.find("The Load Factor is", &[], &[]).is_some(), "letter case is ignored");
        assert_eq!(g.href(m.target, "x/b.html"), "../a.html#term-코루틴");
    }
}
