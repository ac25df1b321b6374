//! Which of the rule table's texts occur in a line, found in one pass over it. The table asks
//! some 300 "does the line contain …" questions of every line; searching for each text on its
//! own cost more than all the rest of the guess. One walk over the line's bytes, trying only
//! the texts that start with the two bytes at hand, answers all of them at once.

/// The texts, numbered in the order they were added; each text is searched for in the line's
/// code, in its raw text, or both (see `Needles::add`). `finish` indexes them for searching.
#[derive(Default)]
pub(super) struct Needles {
    texts: Vec<&'static str>,
    /// (number, searched in code, searched in raw) of every text added.
    wanted: Vec<(u16, bool, bool)>,
    code: Index,
    raw: Index,
}

/// The texts of one kind by how they start: one-byte texts by their byte, longer ones in
/// buckets by their first two bytes (a bucket may hold texts of other pairs: each is compared).
#[derive(Default)]
struct Index {
    single: Vec<Option<u16>>,
    /// `texts[starts[b]..starts[b + 1]]` are the texts of bucket `b`, with their numbers.
    starts: Vec<u16>,
    texts: Vec<(&'static [u8], u16)>,
}

/// Two ASCII bytes (seven bits each) make a bucket of their own: a line's pairs that start no
/// text land in an empty bucket and cost no comparison (4,096 buckets of mixed pairs cost
/// ~3 M instructions more over the 1k corpus's unlabeled blocks).
const BUCKETS: usize = 1 << 14;

fn bucket(first: u8, second: u8) -> usize {
    (usize::from(first) << 7 ^ usize::from(second)) & (BUCKETS - 1)
}

/// The most texts a table may hold (the bits of `Found`).
const MAX_TEXTS: usize = 64 * 8;

/// The texts of one table that occur in one line, by number.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Found([u64; MAX_TEXTS / 64]);

impl Found {
    pub(super) fn has(&self, id: u16) -> bool {
        self.0[usize::from(id / 64)] & 1 << (id % 64) != 0
    }
    pub(super) fn insert(&mut self, id: u16) {
        self.0[usize::from(id / 64)] |= 1 << (id % 64);
    }
    pub(super) fn is_empty(&self) -> bool {
        self.0.iter().all(|&w| w == 0)
    }
    /// The lowest number in the set.
    pub(super) fn first(&self) -> Option<u16> {
        self.0.iter().enumerate().find(|(_, &w)| w != 0).map(|(i, w)| (i * 64) as u16 + w.trailing_zeros() as u16)
    }
    /// The set's nonzero words, by index: what `Sparse` keeps.
    pub(super) fn nonzero_words(&self) -> impl Iterator<Item = (usize, u64)> + '_ {
        self.0.iter().copied().enumerate().filter(|&(_, w)| w != 0)
    }
    pub(super) fn word(&self, i: usize) -> u64 {
        self.0[i]
    }
    /// The numbers in the set, lowest first.
    pub(super) fn ids(&self) -> impl Iterator<Item = u16> + '_ {
        set_bits(&self.0).map(|bit| bit as u16)
    }
    pub(super) fn union(mut self, other: &Found) -> Found {
        for (a, b) in self.0.iter_mut().zip(&other.0) {
            *a |= b;
        }
        self
    }
}

impl Needles {
    /// The number of `text`, searched for in the code (`code`) and/or the raw line (`raw`).
    /// Panics on an empty text or a table of more than `MAX_TEXTS` texts: both are mistakes in
    /// the rule table, seen by every test that guesses.
    pub(super) fn add(&mut self, text: &'static str, code: bool, raw: bool) -> u16 {
        assert!(!text.is_empty(), "an empty text in the guess rules");
        let id = match self.texts.iter().position(|&t| t == text) {
            Some(i) => i,
            None => {
                assert!(self.texts.len() < MAX_TEXTS, "more than {MAX_TEXTS} texts in the guess rules");
                self.texts.push(text);
                self.texts.len() - 1
            }
        } as u16;
        self.wanted.push((id, code, raw));
        id
    }

    /// Index the texts added so far: call once, after the last `add`.
    pub(super) fn finish(&mut self) {
        let mut code = Vec::new();
        let mut raw = Vec::new();
        for &(id, in_code, in_raw) in &self.wanted {
            for (wanted, list) in [(in_code, &mut code), (in_raw, &mut raw)] {
                if wanted && !list.contains(&id) {
                    list.push(id);
                }
            }
        }
        self.code = self.index(&code);
        self.raw = self.index(&raw);
    }

    fn index(&self, ids: &[u16]) -> Index {
        let mut single = vec![None; 256];
        let mut buckets = vec![Vec::new(); BUCKETS];
        for &id in ids {
            match *self.texts[usize::from(id)].as_bytes() {
                [only] => single[usize::from(only)] = Some(id),
                [first, second, ..] => buckets[bucket(first, second)].push(id),
                [] => {}
            }
        }
        let mut starts = vec![0];
        let mut flat = Vec::new();
        for b in buckets {
            flat.extend(b.into_iter().map(|id| (self.texts[usize::from(id)].as_bytes(), id)));
            starts.push(u16::try_from(flat.len()).expect("guess texts fit a u16"));
        }
        Index { single, starts, texts: flat }
    }

    #[cfg(test)]
    pub(super) fn texts(&self) -> &[&'static str] {
        &self.texts
    }

    /// The code texts that occur in `code`.
    pub(super) fn in_code(&self, code: &str) -> Found {
        self.find(&self.code, code)
    }

    /// The raw texts that occur in `raw`.
    pub(super) fn in_raw(&self, raw: &str) -> Found {
        self.find(&self.raw, raw)
    }

    fn find(&self, index: &Index, line: &str) -> Found {
        let bytes = line.as_bytes();
        let mut found = Found::default();
        if index.starts.is_empty() {
            return found; // Not `finish`ed: nothing to look for.
        }
        for (i, &b) in bytes.iter().enumerate() {
            if let Some(id) = index.single[usize::from(b)] {
                found.insert(id);
            }
            let Some(&second) = bytes.get(i + 1) else {
                break;
            };
            let b = bucket(b, second);
            let (start, end) = (usize::from(index.starts[b]), usize::from(index.starts[b + 1]));
            if start == end {
                continue;
            }
            let rest = &bytes[i..];
            for &(text, id) in &index.texts[start..end] {
                // Byte-wise, as `str::contains` compares: UTF-8 never matches inside a character.
                if rest.len() >= text.len() && rest.iter().zip(text).all(|(a, t)| a == t) {
                    found.insert(id);
                }
            }
        }
        found
    }
}

/// The numbers of the set bits of `words` (64 a word, lowest first): the iteration both a text
/// set here and a rule set in `rules` need.
pub(super) fn set_bits(words: &[u64]) -> impl Iterator<Item = usize> + '_ {
    words.iter().enumerate().flat_map(|(i, &w)| {
        let mut word = w;
        std::iter::from_fn(move || {
            (word != 0).then(|| {
                let bit = word.trailing_zeros() as usize;
                word &= word - 1;
                i * 64 + bit
            })
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_exactly_the_texts_contains_finds() {
        let texts = ["a", "ab", "b(", "가", "->", "print(", "(", "((", "나a", "a("];
        let mut needles = Needles::default();
        let ids: Vec<u16> = texts.iter().map(|t| needles.add(t, true, false)).collect();
        // A text added again keeps its number; a raw-only text is not searched in code.
        assert_eq!(needles.add("ab", true, false), ids[1]);
        let raw_only = needles.add("zz", false, true);
        needles.finish();
        for line in ["", "a", "xab(", "가나a", "print((x))", "a->b", "zz", "b", "print", "a(", "ba("] {
            let found = needles.in_code(line);
            for (t, &id) in texts.iter().zip(&ids) {
                assert_eq!(found.has(id), line.contains(t), "{line:?} {t:?}");
            }
            assert!(!found.has(raw_only));
            assert_eq!(needles.in_raw(line).has(raw_only), line.contains("zz"));
        }
    }
}
