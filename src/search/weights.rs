//! A page's terms counted into weights (`Page::weighted_terms`): each distinct term once, with
//! `min(count, 63) << 2 | title << 1 | heading`, and each CJK character that starts a term
//! standing for all of them (a one-syllable query reads one posting list).
//!
//! Most terms of a Korean page are bigrams: they are counted by their characters' codes (a
//! `u32`, one multiplication to hash), not by their text, and lone syllables go straight into
//! their characters' counts. Counts are summed and capped at 63 when they are joined, so the
//! order in which terms are counted does not change a weight.
//!
//! Measured (callgrind, a cold build of 1,000 generated notes, `-j 1`): `Page::weighted_terms`
//! 610 M instructions with every term a `Cow` counted in a `HashMap` (bigrams by their six
//! bytes), 400 M now; `Index::post`, which also groups and posts the terms, 869 M → 611 M.

use rustc_hash::FxHashMap;
use std::borrow::Cow;

use super::tokens::{self, Term};

/// A page's words with their weights, and its CJK terms by number with theirs
/// (`Weights::into_words_and_cjk`).
pub(super) type WordsAndCjk<'p> = (Vec<(Cow<'p, str>, u32)>, Vec<(u32, u32)>);

/// Terms counted so far, borrowing from the page's text where they can.
pub(super) struct Weights<'p> {
    words: FxHashMap<Cow<'p, str>, u32>,
    /// By `first << 16 | second`.
    bigrams: ByNumber<'p>,
    /// Lone CJK characters, by their code; bigrams join in at the end.
    leads: ByNumber<'p>,
}

impl<'p> Weights<'p> {
    /// Empty tables sized for `bytes` bytes of text (a Korean page has a distinct bigram in about
    /// every 16 bytes of text, a word in about 32, a distinct lead (a bigram's first character)
    /// in about 48), not grown and rehashed step by step.
    pub(super) fn for_bytes(bytes: usize) -> Weights<'p> {
        let mut words = FxHashMap::default();
        words.reserve(bytes / 32);
        Weights { words, bigrams: ByNumber::for_terms(bytes / 16), leads: ByNumber::for_terms(bytes / 48) }
    }

    /// Count the terms of `text`, each with weight `w` (`count << 2 | flags` of one occurrence).
    pub(super) fn add(&mut self, text: &'p str, w: u32) {
        let Weights { words, bigrams, leads } = self;
        if tokens::is_nfc(text) {
            let mut bigram = |at: usize, key| bigrams.add(key, w, || Cow::Borrowed(&text[at..at + 6]));
            tokens::walk(text, &mut bigram, &mut |t| count(words, leads, t, w, Cow::Borrowed));
        } else {
            // Decomposed jamo and the like: the terms are of its NFC form, owned.
            use unicode_normalization::UnicodeNormalization;
            let nfc: String = text.nfc().collect();
            let owned = |t: &str| Cow::Owned(t.to_owned());
            let mut bigram = |at: usize, key| bigrams.add(key, w, || owned(&nfc[at..at + 6]));
            tokens::walk(&nfc, &mut bigram, &mut |t| count(words, leads, t, w, owned));
        }
    }

    /// Each distinct term with its weight, in no order; a lead (a CJK character) holds every
    /// bigram starting with it. No word is a bigram (six bytes of two CJK characters) or a lead
    /// (one of them): a word has no CJK character.
    pub(super) fn into_terms(self) -> Vec<(Cow<'p, str>, u32)> {
        let Weights { words, bigrams, mut leads } = self;
        for (key, term, w) in bigrams.iter() {
            // Every CJK character takes three bytes.
            leads.add(key >> 16, w, || match term {
                Cow::Borrowed(t) => Cow::Borrowed(&t[..3]),
                Cow::Owned(t) => Cow::Owned(t[..3].to_string()),
            });
        }
        let mut all = Vec::with_capacity(words.len() + bigrams.terms.len() + leads.terms.len());
        all.extend(words);
        all.extend(bigrams.into_terms());
        all.extend(leads.into_terms());
        all
    }

    /// `into_terms` with the CJK terms by number, not text (what a build posts, `Index::post`):
    /// the words by text, then each lead by its code and each bigram by `first << 16 | second`
    /// (`push_cjk_text` gives their text back). Every CJK code is below U+10000 and above
    /// U+3040, so a number below 0x10000 is a lead's.
    pub(super) fn into_words_and_cjk(self) -> WordsAndCjk<'p> {
        let Weights { words, bigrams, mut leads } = self;
        let mut cjk = Vec::with_capacity(bigrams.terms.len() + leads.terms.len());
        for (key, _, w) in bigrams.iter() {
            // A lead new here is posted by its number: its text is not needed.
            leads.add(key >> 16, w, || Cow::Borrowed(""));
            cjk.push((key, w));
        }
        cjk.extend(leads.iter().map(|(key, _, w)| (key, w)));
        (words.into_iter().collect(), cjk)
    }
}

/// Count a term other than a bigram into `words` or `leads`; `keep` makes a term of the walked
/// text into a stored one.
#[inline(never)]
fn count<'p, 't>(
    words: &mut FxHashMap<Cow<'p, str>, u32>,
    leads: &mut ByNumber<'p>,
    term: Term<'t, '_>,
    w: u32,
    keep: impl Fn(&'t str) -> Cow<'p, str>,
) {
    match term {
        Term::Lone(t, code) => leads.add(code, w, || keep(t)),
        Term::Word(t) => match words.get_mut(t) {
            Some(x) => *x = merged(*x, w),
            None => {
                words.insert(keep(t), w);
            }
        },
        Term::Lowered(t) => match words.get_mut(t) {
            Some(x) => *x = merged(*x, w),
            None => {
                words.insert(Cow::Owned(t.to_owned()), w);
            }
        },
    }
}

/// Weights of terms by a nonzero number (a bigram's, a character's code): open addressing,
/// probing slot after slot from the number's Fibonacci hash, at most half the slots full. A
/// `u32` compared in place, where a general map's lookup costs several times as much, and
/// bigrams are most of a Korean page's terms.
struct ByNumber<'p> {
    /// (number, place in `terms` + 1); (0, 0) is an empty slot.
    slots: Vec<(u32, u32)>,
    /// Each term's text and weight, in the order first counted.
    terms: Vec<(Cow<'p, str>, u32)>,
    /// 32 less the bits of `slots.len()`.
    shift: u32,
}

impl<'p> ByNumber<'p> {
    /// A table with room for `terms` terms.
    fn for_terms(terms: usize) -> ByNumber<'p> {
        let bits = (2 * terms.max(8)).next_power_of_two().trailing_zeros().min(31);
        ByNumber { slots: vec![(0, 0); 1 << bits], terms: Vec::with_capacity(terms), shift: 32 - bits }
    }

    /// Count number `key` (never 0) with weight `w`; `text` gives its term when it is new.
    #[inline]
    fn add(&mut self, key: u32, w: u32, text: impl FnOnce() -> Cow<'p, str>) {
        let mask = self.slots.len() - 1;
        let mut at = (key.wrapping_mul(0x9E37_79B9) >> self.shift) as usize;
        loop {
            match self.slots[at] {
                (k, place) if k == key => {
                    if let Some((_, x)) = self.terms.get_mut(place as usize - 1) {
                        *x = merged(*x, w);
                    }
                    return;
                }
                (0, _) => break,
                _ => at = (at + 1) & mask,
            }
        }
        self.terms.push((text(), w));
        self.slots[at] = (key, self.terms.len() as u32);
        if 2 * self.terms.len() > self.slots.len() {
            self.grow();
        }
    }

    /// Twice the slots, every number placed again.
    #[inline(never)]
    fn grow(&mut self) {
        let len = 2 * self.slots.len();
        let old = std::mem::replace(&mut self.slots, vec![(0, 0); len]);
        self.shift -= 1;
        let mask = self.slots.len() - 1;
        for (key, place) in old.into_iter().filter(|&(key, _)| key != 0) {
            let mut at = (key.wrapping_mul(0x9E37_79B9) >> self.shift) as usize;
            while self.slots[at].0 != 0 {
                at = (at + 1) & mask;
            }
            self.slots[at] = (key, place);
        }
    }

    /// Each number with its term and weight.
    fn iter(&self) -> impl Iterator<Item = (u32, &Cow<'p, str>, u32)> + '_ {
        let placed = self.slots.iter().filter(|&&(key, _)| key != 0);
        placed.filter_map(|&(key, place)| self.terms.get(place as usize - 1).map(|(t, w)| (key, t, *w)))
    }

    fn into_terms(self) -> Vec<(Cow<'p, str>, u32)> {
        self.terms
    }
}

/// Two weights of one term joined: counts added (at most 63), flags kept.
pub(super) fn merged(x: u32, w: u32) -> u32 {
    ((x >> 2) + (w >> 2)).min(63) << 2 | (x & 3) | (w & 3)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Numbers counted in a table that grows from its smallest size many times over get the
    /// weights and first texts a map gives them.
    #[test]
    fn numbers_counted_while_the_table_grows_get_the_weights_of_a_map() {
        let mut next = crate::text::random_below(0x6A09_E667_F3BC_C909);
        let mut table = ByNumber::for_terms(0);
        let mut want: FxHashMap<u32, (String, u32)> = FxHashMap::default();
        for i in 0..50_000 {
            // Many repeats, and numbers whose hashes collide in a small table.
            let key = 1 + (next(3_000) as u32) * if i % 2 == 0 { 1 << 16 } else { 7 };
            let w = [1, 2, 4][next(3)];
            let text = format!("{key}-{i}");
            table.add(key, w, || Cow::Owned(text.clone()));
            want.entry(key).and_modify(|(_, x)| *x = merged(*x, w)).or_insert((text, w));
        }
        assert!(table.slots.len() >= 2 * want.len(), "at most half full");
        let got: FxHashMap<u32, (String, u32)> = table.iter().map(|(k, t, w)| (k, (t.to_string(), w))).collect();
        assert_eq!(got, want);
        assert_eq!(table.into_terms().len(), want.len());
    }
}
