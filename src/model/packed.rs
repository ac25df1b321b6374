//! A few strings of one item in one allocation (`Packed`): a site keeps every note's headings,
//! questions and terms until its last page is written, and at 10,000 notes their small strings,
//! each a `String` with its own allocation, were about a third of a build's peak memory. Notes
//! repeat many of them word for word (`## 1번 문제`, `## 목차`, a term defined alike in many
//! notes): a build keeps one copy of each (`TextPool`).

use rustc_hash::FxHashSet;
use std::sync::Arc;

/// `N` strings stored end to end in one shared `str`, with where each ends. Compares and hashes
/// as its strings do. A string starting past 4 GiB into the whole reads as empty (no heading,
/// question or term is that long).
#[derive(Clone, PartialEq, Eq, Hash)]
pub(crate) struct Packed<const N: usize> {
    text: Arc<str>,
    ends: [u32; N],
}

/// The texts of the `Packed` strings seen so far, each kept once.
pub(crate) type TextPool = FxHashSet<Arc<str>>;

impl<const N: usize> Packed<N> {
    pub(crate) fn new(parts: [&str; N]) -> Packed<N> {
        let mut text = String::with_capacity(parts.iter().map(|p| p.len()).sum());
        let mut ends = [0; N];
        for (end, part) in ends.iter_mut().zip(parts) {
            text.push_str(part);
            *end = u32::try_from(text.len()).unwrap_or(u32::MAX);
        }
        Packed { text: Arc::from(text), ends }
    }

    /// Share the text of an equal one seen before, or keep this one's for the next.
    pub(crate) fn share(&mut self, pool: &mut TextPool) {
        match pool.get(&self.text) {
            Some(seen) => self.text = Arc::clone(seen),
            None => {
                pool.insert(Arc::clone(&self.text));
            }
        }
    }

    /// The `i`th string (`i < N`).
    pub(crate) fn get(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        self.text.get(start..self.ends[i] as usize).unwrap_or("")
    }
}

impl<const N: usize> std::fmt::Debug for Packed<N> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries((0..N).map(|i| self.get(i))).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_string_comes_back_as_given() {
        let p = Packed::new(["q-동기와-비동기", "", "동기와 비동기?"]);
        assert_eq!([p.get(0), p.get(1), p.get(2)], ["q-동기와-비동기", "", "동기와 비동기?"]);
        let empty = Packed::new(["", "", "x"]);
        assert_eq!([empty.get(0), empty.get(1), empty.get(2)], ["", "", "x"]);
        assert_eq!(format!("{p:?}"), r#"["q-동기와-비동기", "", "동기와 비동기?"]"#);
    }

    #[test]
    fn strings_that_join_alike_are_still_different() {
        assert_ne!(Packed::new(["ab", "c"]), Packed::new(["a", "bc"]));
        assert_eq!(Packed::new(["a", "bc"]), Packed::new(["a", "bc"]));
    }

    #[test]
    fn one_allocation_of_exactly_the_strings() {
        let p = Packed::new(["heading-id", "Heading text"]);
        assert_eq!(p.text.len(), "heading-idHeading text".len());
        assert_eq!(std::mem::size_of::<Packed<2>>(), 24);
    }

    #[test]
    fn equal_texts_are_kept_once_in_a_pool() {
        let mut pool = TextPool::default();
        let mut first = Packed::new(["1번-문제", "1번 문제"]);
        let mut again = Packed::new(["1번-문제", "1번 문제"]);
        let mut other = Packed::new(["1번-문", "제1번 문제"]);
        for p in [&mut first, &mut again, &mut other] {
            p.share(&mut pool);
        }
        assert!(Arc::ptr_eq(&first.text, &again.text), "the second took the first's text");
        assert!(Arc::ptr_eq(&first.text, &other.text), "the same text cut elsewhere is still the same text");
        assert_eq!([other.get(0), other.get(1)], ["1번-문", "제1번 문제"]);
        assert_eq!(pool.len(), 1);
        let mut new = Packed::new(["2번-문제", "2번 문제"]);
        new.share(&mut pool);
        assert!(!Arc::ptr_eq(&first.text, &new.text));
        assert_eq!((pool.len(), [new.get(0), new.get(1)]), (2, ["2번-문제", "2번 문제"]));
    }
}
