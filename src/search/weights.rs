//! A page's terms counted into weights (`Page::weighted_terms`): each distinct term once, with
//! `min(count, 63) << 2 | title << 1 | heading`, and each CJK character that starts a term
//! standing for all of them (a one-syllable query reads one posting list).
//!
//! Most terms of a Korean page are bigrams: they are counted by their characters' codes (a
//! `u32`, one multiplication to hash), not by their text, and lone syllables go straight into
//! their characters' counts. Counts are summed and capped at 63 when they are joined, so the
//! order in which terms are counted does not change a weight.

use rustc_hash::FxHashMap;
use std::borrow::Cow;
use std::collections::hash_map::Entry;

use super::tokens::{self, Term};

/// Terms counted so far, borrowing from the page's text where they can.
pub(super) struct Weights<'p> {
    words: FxHashMap<Cow<'p, str>, u32>,
    /// By `first << 16 | second`.
    bigrams: FxHashMap<u32, (Cow<'p, str>, u32)>,
    /// Lone CJK characters, by their code; bigrams join in at the end.
    leads: FxHashMap<u32, (Cow<'p, str>, u32)>,
}

impl<'p> Weights<'p> {
    /// Empty tables sized for `bytes` bytes of text (a Korean page has a distinct bigram in about
    /// every 16 bytes of text, a word in about 32), not grown and rehashed step by step.
    pub(super) fn for_bytes(bytes: usize) -> Weights<'p> {
        let mut words = FxHashMap::default();
        let mut bigrams = FxHashMap::default();
        words.reserve(bytes / 32);
        bigrams.reserve(bytes / 16);
        Weights { words, bigrams, leads: FxHashMap::default() }
    }

    /// Count the terms of `text`, each with weight `w` (`count << 2 | flags` of one occurrence).
    pub(super) fn add(&mut self, text: &'p str, w: u32) {
        if tokens::is_nfc(text) {
            tokens::walk(text, &mut |t| self.count(t, w, Cow::Borrowed));
        } else {
            // Decomposed jamo and the like: the terms are of its NFC form, owned.
            use unicode_normalization::UnicodeNormalization;
            let nfc: String = text.nfc().collect();
            tokens::walk(&nfc, &mut |t| self.count(t, w, |t: &str| Cow::Owned(t.to_owned())));
        }
    }

    /// Count one term; `keep` makes a term of the walked text into a stored one.
    fn count<'t>(&mut self, term: Term<'t, '_>, w: u32, keep: impl Fn(&'t str) -> Cow<'p, str>) {
        match term {
            Term::Bigram(t, key) => match self.bigrams.entry(key) {
                Entry::Occupied(mut e) => e.get_mut().1 = merged(e.get().1, w),
                Entry::Vacant(e) => {
                    e.insert((keep(t), w));
                }
            },
            Term::Lone(t) => {
                let code = t.chars().next().map_or(0, u32::from);
                match self.leads.entry(code) {
                    Entry::Occupied(mut e) => e.get_mut().1 = merged(e.get().1, w),
                    Entry::Vacant(e) => {
                        e.insert((keep(t), w));
                    }
                }
            }
            Term::Word(t) => match self.words.get_mut(t) {
                Some(x) => *x = merged(*x, w),
                None => {
                    self.words.insert(keep(t), w);
                }
            },
            Term::Lowered(t) => match self.words.get_mut(t) {
                Some(x) => *x = merged(*x, w),
                None => {
                    self.words.insert(Cow::Owned(t.to_owned()), w);
                }
            },
        }
    }

    /// Each distinct term with its weight, in no order; a lead (a CJK character) holds every
    /// bigram starting with it. No word is a bigram (six bytes of two CJK characters) or a lead
    /// (one of them): a word has no CJK character.
    pub(super) fn into_terms(self) -> Vec<(Cow<'p, str>, u32)> {
        let Weights { words, bigrams, mut leads } = self;
        for (&key, (term, w)) in &bigrams {
            match leads.entry(key >> 16) {
                Entry::Occupied(mut e) => e.get_mut().1 = merged(e.get().1, *w),
                Entry::Vacant(e) => {
                    // Every CJK character takes three bytes.
                    let lead = match term {
                        Cow::Borrowed(t) => Cow::Borrowed(&t[..3]),
                        Cow::Owned(t) => Cow::Owned(t[..3].to_string()),
                    };
                    e.insert((lead, *w));
                }
            }
        }
        let mut all = Vec::with_capacity(words.len() + bigrams.len() + leads.len());
        all.extend(words);
        all.extend(bigrams.into_values());
        all.extend(leads.into_values());
        all
    }
}

/// Two weights of one term joined: counts added (at most 63), flags kept.
pub(super) fn merged(x: u32, w: u32) -> u32 {
    ((x >> 2) + (w >> 2)).min(63) << 2 | (x & 3) | (w & 3)
}
