//! The prediction table (`p.js`): for each term, the text blocks of its best pages, so that a
//! query asks for its first screen's text blocks together with its term shards, in one round of
//! script loads, instead of waiting for the shards and its ranking first.
//!
//! A term's best pages are those a query of that term alone puts first (`static/search.js`):
//! title hits, then heading hits, then frequency, then page order; a Latin word's are those of
//! the words it is a prefix of, as the script matches them. A query takes the blocks most of its
//! terms name (`predict` in the script); a block it needs and did not predict is asked for after
//! the ranking, as before, so a wrong guess costs files, never a different result.
//!
//! Layout: one string of fixed-width slots, an open-addressing hash table over the terms' FNV-1a
//! hashes (no term text: at the shared corpus the terms alone would be 110 KB). A slot is two
//! check digits (the hash's top 12 bits) and `PREDICTED` block numbers of `width` digits each,
//! `.` where there is none; an empty slot is all `.`. A term is looked for at its hash modulo the
//! number of slots, then in the next slots until an empty one or one with its check digits. A
//! look-up may stop early at another term with the same check (1 in 4,096 for each slot passed;
//! with one check digit it was 1 in 64, and 12% of the words not in the index found a slot),
//! and so may that of a query's term that is not in the index: it then asks for a few useless
//! files and misses, nothing else.

use super::{fnv, postings::Postings, tokens, Shard, DIGITS};

/// Text blocks predicted for a term: a first screen's results.
pub(super) const PREDICTED: usize = 5;

/// Check digits of a slot: the top 12 bits of the term's hash.
const CHECK: usize = 2;

/// Slots per 4 terms: a table a fifth empty, so that most lookups read one slot.
const SLOTS_PER_4: usize = 5;

/// A term's prediction: the hash of its text and its best pages' blocks, best first.
pub(super) type Prediction = (u32, Vec<u32>);

/// A page as one query term ranks it, one number, higher better (the script's order for a
/// one-term query): title hit, heading hit, term frequency score (30 bits), then the lower page.
fn rank(title: bool, heading: bool, tf: u32, page: u32) -> u64 {
    (u64::from(title) << 63 | u64::from(heading) << 62 | u64::from(tf.min((1 << 30) - 1)) << 32) | u64::from(!page)
}

/// The page of a `rank`.
fn page_of(rank: u64) -> u32 {
    !(rank as u32)
}

/// The predictions of a shard's terms, for a site of `pages` pages in text blocks of `block`.
pub(super) fn of_shard(shard: &Shard, pages: usize, block: usize) -> Vec<Prediction> {
    let mut terms: Vec<(&str, &Postings)> = shard.iter().map(|(t, p)| (&**t, p)).collect();
    terms.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let mut out = Vec::with_capacity(terms.len());
    let mut best = Best::new(block);
    for (i, &(term, postings)) in terms.iter().enumerate() {
        let words = term.chars().next().is_some_and(|c| !tokens::is_cjk(c)) && term.chars().nth(1).is_some();
        // A word of two or more characters matches the words it starts, all in this shard.
        let run = if words { terms[i..].iter().take_while(|(t, _)| t.starts_with(term)).count() } else { 1 };
        if run == 1 {
            // One list: the count orders as its logarithm does.
            for (page, w) in postings.iter() {
                best.offer(rank(w & 2 != 0, w & 1 != 0, u32::from(w >> 2), page));
            }
        } else {
            prefix_lists(&terms[i..i + run], pages, &mut best);
        }
        out.push((fnv(term.chars()), best.blocks()));
    }
    out
}

/// The pages of a word's query matching it and the longer words it starts (`terms[0]` is the
/// word): flags joined, term frequency summed as the script sums it (the word itself gains half
/// a point), in fixed point.
fn prefix_lists(terms: &[(&str, &Postings)], pages: usize, best: &mut Best) {
    let df: usize = terms.iter().map(|(_, p)| p.iter().count()).sum();
    let idf = (1.0 + pages as f64 / (1.0 + df.min(pages) as f64)).ln();
    let mut by_page: rustc_hash::FxHashMap<u32, (bool, bool, f64)> = rustc_hash::FxHashMap::default();
    for (k, (_, postings)) in terms.iter().enumerate() {
        let bonus = if k == 0 { 0.5 } else { 0.0 };
        for (page, w) in postings.iter() {
            let r = by_page.entry(page).or_insert((false, false, 0.0));
            r.0 |= w & 2 != 0;
            r.1 |= w & 1 != 0;
            r.2 += (1.0 + f64::from(w >> 2)).ln() * idf + bonus;
        }
    }
    for (page, (title, heading, tf)) in by_page {
        best.offer(rank(title, heading, (tf * 65536.0) as u32, page));
    }
}

/// The best pages offered, as many as fill `PREDICTED` blocks: `(PREDICTED - 1) * block + 1`
/// pages are in at least `PREDICTED` blocks.
struct Best {
    ranks: Vec<u64>,
    keep: usize,
    block: u32,
    /// Where the worst of `ranks` is, and its rank, once `keep` are in.
    worst: (usize, u64),
}

impl Best {
    fn new(block: usize) -> Best {
        let keep = (PREDICTED - 1) * block + 1;
        Best { ranks: Vec::with_capacity(keep), keep, block: block as u32, worst: (0, 0) }
    }

    fn offer(&mut self, rank: u64) {
        if self.ranks.len() < self.keep {
            self.ranks.push(rank);
            if self.ranks.len() == self.keep {
                self.find_worst();
            }
        } else if rank > self.worst.1 {
            // Most pages of a long list are not better than the worst kept: one comparison.
            self.ranks[self.worst.0] = rank;
            self.find_worst();
        }
    }

    fn find_worst(&mut self) {
        self.worst = self.ranks.iter().copied().enumerate().min_by_key(|&(_, r)| r).unwrap_or((0, 0));
    }

    /// The distinct blocks of the pages offered, best first, up to `PREDICTED`; then empty
    /// for the next term.
    fn blocks(&mut self) -> Vec<u32> {
        self.ranks.sort_unstable_by(|a, b| b.cmp(a));
        let mut blocks: Vec<u32> = Vec::with_capacity(PREDICTED);
        for &r in &self.ranks {
            let b = page_of(r) / self.block;
            if !blocks.contains(&b) {
                blocks.push(b);
                if blocks.len() == PREDICTED {
                    break;
                }
            }
        }
        self.ranks.clear();
        blocks
    }
}

/// Digits of a block number for a site of `blocks` text blocks (at least one).
fn width(blocks: usize) -> usize {
    let mut width = 1;
    while 64usize.pow(width as u32) < blocks {
        width += 1;
    }
    width
}

/// `p.js`: every prediction in one table (see the module doc) for a site of `blocks` text blocks.
/// The same predictions in any order make the same file (inserted in hash order).
pub(super) fn table_js(mut predictions: Vec<&Prediction>, blocks: usize) -> String {
    predictions.sort_unstable();
    let width = width(blocks);
    let slot = CHECK + PREDICTED * width;
    let slots = (predictions.len() * SLOTS_PER_4).div_ceil(4).max(1);
    let mut table = vec![b'.'; slots * slot];
    for (hash, best) in predictions {
        let mut at = *hash as usize % slots;
        while table[at * slot] != b'.' {
            at = (at + 1) % slots;
        }
        let cell = &mut table[at * slot..(at + 1) * slot];
        cell[0] = DIGITS[(hash >> 26) as usize];
        cell[1] = DIGITS[(hash >> 20) as usize & 63];
        for (k, &b) in best.iter().enumerate() {
            for d in 0..width {
                cell[CHECK + k * width + d] = DIGITS[(b as usize >> (6 * (width - 1 - d))) & 63];
            }
        }
    }
    let mut out = String::with_capacity(table.len() + 32);
    out.push_str("gongbuSearch(\"p\",0,\"");
    out.push_str(std::str::from_utf8(&table).unwrap_or_default());
    out.push_str("\");\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shard(lists: &[(&str, &[(u32, u8)])]) -> Shard {
        lists
            .iter()
            .map(|(t, pairs)| {
                let mut p = Postings::default();
                pairs.iter().for_each(|&(page, w)| p.push(page, w));
                (Box::from(*t), p)
            })
            .collect()
    }

    /// The predictions read back from `p.js` as the script reads them.
    fn lookup(js: &str, blocks: usize, term: &str) -> Option<Vec<u32>> {
        let table = js.strip_prefix("gongbuSearch(\"p\",0,\"")?.strip_suffix("\");\n")?.as_bytes();
        let (width, hash) = (width(blocks), fnv(term.chars()));
        let slot = CHECK + PREDICTED * width;
        let slots = table.len() / slot;
        let digit = |c: u8| DIGITS.iter().position(|&d| d == c);
        let mut at = hash as usize % slots;
        loop {
            let cell = &table[at * slot..(at + 1) * slot];
            if cell[0] == b'.' {
                return None;
            }
            if digit(cell[0]) == Some((hash >> 26) as usize) && digit(cell[1]) == Some((hash >> 20) as usize & 63) {
                return Some(
                    cell[CHECK..]
                        .chunks(width)
                        .take_while(|c| c[0] != b'.')
                        .map(|c| c.iter().fold(0, |n, &d| n * 64 + digit(d).unwrap() as u32))
                        .collect(),
                );
            }
            at = (at + 1) % slots;
        }
    }

    #[test]
    fn a_terms_blocks_are_its_best_pages_by_title_heading_and_count() {
        // Block of 4 pages. Page 40 has the term in its title, page 9 in a heading, page 13 three
        // times, page 14 twice, pages 0..3 once (one block), page 70 once.
        let lists: &[(u32, u8)] =
            &[(13, 3 << 2), (0, 4), (1, 4), (2, 4), (3, 4), (9, 1 << 2 | 1), (14, 2 << 2), (40, 2), (70, 4)];
        let s = shard(&[("큐", lists)]);
        let p = of_shard(&s, 100, 4);
        assert_eq!(
            p,
            [(fnv("큐".chars()), vec![10, 2, 3, 0, 17])],
            "title 40, heading 9, 13 and 14 (one block), then 0..3"
        );
    }

    #[test]
    fn a_word_predicts_the_pages_of_the_words_it_starts() {
        // `async` is once on page 0; `asyncio` in page 20's title: a query `async` puts page 20 first.
        let s = shard(&[("async", &[(0, 4)]), ("asyncio", &[(20, 2 | 4)]), ("asy", &[(30, 8)]), ("at", &[(50, 4)])]);
        let p: std::collections::BTreeMap<u32, Vec<u32>> = of_shard(&s, 64, 4).into_iter().collect();
        assert_eq!(p[&fnv("async".chars())], [5, 0]);
        assert_eq!(p[&fnv("asy".chars())], [5, 7, 0], "title, then frequency");
        assert_eq!(p[&fnv("asyncio".chars())], [5]);
        assert_eq!(p[&fnv("at".chars())], [12]);
    }

    #[test]
    fn the_table_finds_every_term_and_is_the_same_in_any_order() {
        for blocks in [1, 60, 64, 65, 2500, 5000] {
            let predictions: Vec<Prediction> = (0..3000u32)
                .map(|i| (fnv(format!("단어{i}").chars()), (0..i % 6).map(|k| (i * 7 + k) % blocks as u32).collect()))
                .collect();
            let js = table_js(predictions.iter().collect(), blocks);
            assert_eq!(js, table_js(predictions.iter().rev().collect(), blocks));
            // A term's probe may pass a slot of another term with the same check (1 in 4,096 a
            // slot passed) and take its blocks: a few useless files, never a wrong result.
            let right = predictions
                .iter()
                .enumerate()
                .filter(|(i, (_, best))| lookup(&js, blocks, &format!("단어{i}")).as_ref() == Some(best))
                .count();
            assert!(
                right * 1000 >= predictions.len() * 995,
                "{right} of {} terms find their own blocks",
                predictions.len()
            );
            // Not a term: nothing found, or (the check matched) another term's blocks.
            let strays = (0..1000).filter(|i| lookup(&js, blocks, &format!("없는{i}")).is_some()).count();
            assert!(strays < 10, "{strays} of 1000 terms not in the table found a slot");
        }
        assert_eq!(table_js(Vec::new(), 1), "gongbuSearch(\"p\",0,\".......\");\n");
    }
}
