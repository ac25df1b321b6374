//! One term's postings as the index collects them: (page, weight) pairs packed in bytes.
//!
//! At 10,000 notes the index holds about eight million postings until its shards are written; as
//! `page << 8 | weight` words in a `Vec<u32>` (4 bytes each, plus the spare capacity of a growing
//! list) they were the largest thing a build kept besides the notes. Here each posting is the
//! page's distance from the page posted before it, as a zigzag LEB128 number (pages come nearly
//! in order from the rendering threads, and a term's pages are close together, so mostly one
//! byte), then the weight's byte: about 2 bytes a posting. Most postings are of a term found
//! once on its page, in no title or heading (weight `ONCE`): the distance's lowest bit says so,
//! and such a posting has no weight byte. Lists are sorted when written.

/// The weight of a term found once on its page, in no title or heading (`min(1, 63) << 2`).
const ONCE: u8 = 1 << 2;

/// A term's (page, weight) pairs, in the order they were posted.
#[derive(Debug, Default, Clone)]
pub(super) struct Postings {
    bytes: Vec<u8>,
    /// The page posted last, that the next one is counted from.
    last: u32,
    /// Whether a page was posted after a later one.
    out_of_order: bool,
}

impl Postings {
    /// Add page `page` with weight `weight` (a weight is `min(count, 63) << 2 | flags`: one byte).
    #[inline]
    pub(super) fn push(&mut self, page: u32, weight: u8) {
        let delta = i64::from(page) - i64::from(self.last);
        let zigzag = ((delta << 1) ^ (delta >> 63)) as u64;
        let mut number = zigzag << 1 | u64::from(weight != ONCE);
        while number >= 0x80 {
            self.bytes.push(number as u8 | 0x80);
            number >>= 7;
        }
        self.bytes.push(number as u8);
        if weight != ONCE {
            self.bytes.push(weight);
        }
        self.out_of_order |= page < self.last;
        self.last = page;
    }

    /// Whether the pairs were posted in page order (`iter` gives them sorted).
    pub(super) fn is_in_order(&self) -> bool {
        !self.out_of_order
    }

    /// The pairs as posted.
    pub(super) fn iter(&self) -> impl Iterator<Item = (u32, u8)> + '_ {
        let mut rest = self.bytes.as_slice();
        let mut last = 0i64;
        std::iter::from_fn(move || {
            let mut number = 0u64;
            let mut shift = 0;
            loop {
                let (&byte, after) = rest.split_first()?;
                rest = after;
                number |= u64::from(byte & 0x7f) << shift;
                shift += 7;
                if byte < 0x80 {
                    break;
                }
            }
            let weight = if number & 1 == 0 {
                ONCE
            } else {
                let (&weight, after) = rest.split_first()?;
                rest = after;
                weight
            };
            let zigzag = number >> 1;
            last += (zigzag >> 1) as i64 ^ -((zigzag & 1) as i64);
            Some((last as u32, weight))
        })
    }

    /// The pairs of `lists` (one term's, from the threads that posted it) by page, into `pairs`
    /// (cleared first: one buffer serves a shard's terms). A page posts a term once, so pages
    /// are distinct and order by page alone. A thread posts its pages in order, so the pairs are
    /// sorted runs, one a list: not sorted again when in order (every list of a one-thread
    /// build), merged where not (the stable sort finds the runs).
    pub(super) fn sorted_into<'a>(lists: impl IntoIterator<Item = &'a Postings>, pairs: &mut Vec<(u32, u8)>) {
        pairs.clear();
        for list in lists {
            pairs.extend(list.iter());
        }
        if !pairs.is_sorted_by_key(|&(page, _)| page) {
            pairs.sort_by_key(|&(page, _)| page);
        }
    }

    /// Bytes held: about two a posting.
    pub(super) fn size(&self) -> usize {
        self.bytes.len()
    }

    /// Without page `page`'s posting (a page posted again after an edit).
    pub(super) fn without_page(&self, page: u32) -> Postings {
        let mut kept = Postings::default();
        for (p, w) in self.iter().filter(|&(p, _)| p != page) {
            kept.push(p, w);
        }
        kept
    }

    pub(super) fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_posted_in_any_order_come_back_as_posted_and_sorted() {
        let posted = [
            (5u32, 7u8),
            (6, 255),
            (3, 0),
            (200_000, 4),
            (199_990, 9),
            (0, 1),
            (16_777_215, 3),
            (7, 2),
            (8, 4),
            (9, 4),
        ];
        let mut postings = Postings::default();
        for &(p, w) in &posted {
            postings.push(p, w);
        }
        assert_eq!(postings.iter().collect::<Vec<_>>(), posted);
        assert!(!postings.is_in_order());
        let mut sorted = posted.to_vec();
        sorted.sort_unstable();
        let mut pairs = vec![(1, 1)];
        Postings::sorted_into([&postings], &mut pairs);
        assert_eq!(pairs, sorted);
        assert_eq!(postings.without_page(6).iter().filter(|&(p, _)| p == 6).count(), 0);
        assert_eq!(postings.without_page(6).iter().count(), posted.len() - 1);
        assert!(postings.without_page(6).iter().all(|pair| posted.contains(&pair)));
    }

    /// A term posted by two threads has a list from each, each in its thread's page order:
    /// together they are every pair once, by page.
    #[test]
    fn lists_of_one_term_from_several_threads_come_back_as_one_sorted_list() {
        let mut next = crate::text::random_below(0x2545_F491_4F6C_DD1D);
        let (mut a, mut b, mut want) = (Postings::default(), Postings::default(), Vec::new());
        for page in 0..5_000u32 {
            if next(3) == 0 {
                continue;
            }
            let weight = [ONCE, 9, 6][next(3)];
            if next(2) == 0 { &mut a } else { &mut b }.push(page, weight);
            want.push((page, weight));
        }
        assert!(a.is_in_order() && b.is_in_order() && Postings::default().is_in_order());
        let mut pairs = Vec::new();
        Postings::sorted_into([&a, &b], &mut pairs);
        assert_eq!(pairs, want);
        Postings::sorted_into([&b, &Postings::default(), &a], &mut pairs);
        assert_eq!(pairs, want);
        Postings::sorted_into([&a], &mut pairs);
        assert_eq!(pairs, a.iter().collect::<Vec<_>>());
    }

    #[test]
    fn a_posting_near_the_last_takes_two_bytes() {
        let mut postings = Postings::default();
        for page in 0..1000 {
            postings.push(page * 3, 40);
        }
        postings.push(2990, 40);
        assert_eq!(postings.bytes.len(), 2 * 1001, "one byte of distance, one of weight");
        assert!(!postings.is_empty() && Postings::default().is_empty());
    }

    #[test]
    fn a_term_found_once_near_the_last_page_takes_one_byte() {
        let mut postings = Postings::default();
        for page in 0..1000 {
            postings.push(page * 3, ONCE);
        }
        postings.push(2970, ONCE);
        assert_eq!(postings.bytes.len(), 1001, "the distance's byte alone");
        postings.push(2971, ONCE + 1);
        assert_eq!(postings.bytes.len(), 1003, "any other weight has its byte");
        let last: Vec<(u32, u8)> = postings.iter().skip(999).collect();
        assert_eq!(last, [(2997, ONCE), (2970, ONCE), (2971, ONCE + 1)]);
    }
}
