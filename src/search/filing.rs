//! A build thread's postings (`Index::streaming`): each page's terms are kept in a batch and filed
//! into the thread's own shards a batch of pages at a time, shard by shard.
//!
//! Posting a page's terms one by one into a 10,000-note index's 4,096 shard maps missed the cache
//! about four times a posting (the map's control bytes, its entry, the term's text, the list's
//! end: everything the page's rendering in between had evicted), a tenth of the build's CPU.
//! Filed by shard, the postings of `BATCH` pages to one shard follow each other, and the few
//! terms of the shard are looked up while in cache. The batch is filed in page order within each
//! shard, so a thread's lists stay sorted by page.
//!
//! CJK terms (leads and bigrams, most of a Korean page's terms) are filed by number into maps of
//! their own (`CjkShard`): a `u32` hashed with one multiplication and compared in place, where a
//! term's text was copied into the batch, hashed byte by byte, compared with `memcmp` and boxed.
//! Their text is made when their shard is written (`Index::shard_js`), sorted by number in the
//! text's order (`cjk_order`). Measured (callgrind, a cold build of 1,000 generated notes,
//! `-j 1`): `Index::post` 593 M → 507 M instructions, the build 5,884.1 M → 5,784.2 M.

use super::{counted_out, post_to, CjkShard, Shard};

/// Pages a batch holds before it is filed: about 50,000 postings (1 MB) at 10,000 notes.
const BATCH: usize = 64;

/// A build thread's shards and its batch of postings not filed yet.
#[derive(Default)]
pub(super) struct ThreadPostings {
    shards: Vec<Shard>,
    /// Each shard's CJK terms by number.
    cjk: Vec<CjkShard>,
    batch: Vec<Pending>,
    /// The batch's terms, one after the other.
    text: String,
    pages: usize,
}

/// A posting waiting in a batch.
struct Pending {
    shard: u32,
    page: u32,
    weight: u32,
    term: PendingTerm,
}

/// A pending posting's term.
enum PendingTerm {
    /// `text[start..end]` of the batch.
    Text { start: u32, end: u32 },
    /// A CJK term by its number (`super::cjk_shard`).
    Cjk(u32),
}

impl ThreadPostings {
    /// Add page `page`'s terms, as (shard, term, weight), and its CJK terms by number, as
    /// (shard, number, weight), for an index of `shards` shards.
    pub(super) fn post<'a>(
        &mut self,
        shards: usize,
        page: usize,
        terms: impl Iterator<Item = (usize, &'a str, u32)>,
        cjk: impl Iterator<Item = (usize, u32, u32)>,
    ) {
        if self.shards.is_empty() {
            self.shards.resize_with(shards, Shard::default);
            self.cjk.resize_with(shards, CjkShard::default);
        }
        let page = page as u32;
        for (shard, term, weight) in terms.filter(|&(shard, _, _)| shard < shards) {
            let start = self.text.len() as u32;
            self.text.push_str(term);
            let end = self.text.len() as u32;
            self.batch.push(Pending { shard: shard as u32, page, weight, term: PendingTerm::Text { start, end } });
        }
        for (shard, key, weight) in cjk.filter(|&(shard, _, _)| shard < shards) {
            self.batch.push(Pending { shard: shard as u32, page, weight, term: PendingTerm::Cjk(key) });
        }
        self.pages += 1;
        if self.pages >= BATCH {
            self.file();
        }
    }

    /// File the batch into the shards: counted out by shard, each shard's postings in the order
    /// posted.
    pub(super) fn file(&mut self) {
        // Every pending shard is below `shards.len()` (`post`).
        let order = counted_out(self.shards.len(), self.batch.iter().map(|p| p.shard as usize));
        for &i in &order {
            let p = &self.batch[i as usize];
            let s = p.shard as usize;
            match p.term {
                PendingTerm::Text { start, end } => {
                    if let (Some(shard), Some(term)) =
                        (self.shards.get_mut(s), self.text.get(start as usize..end as usize))
                    {
                        post_to(shard, p.page as usize, term, p.weight);
                    }
                }
                PendingTerm::Cjk(key) => {
                    if let Some(shard) = self.cjk.get_mut(s) {
                        shard.entry(key).or_default().push(p.page, p.weight as u8);
                    }
                }
            }
        }
        self.batch.clear();
        self.text.clear();
        self.pages = 0;
    }

    /// Shard `s`'s postings, and those of its CJK terms by number, taken out (filed first).
    pub(super) fn take(&mut self, s: usize) -> (Shard, CjkShard) {
        if !self.batch.is_empty() {
            self.file();
        }
        let terms = self.shards.get_mut(s).map(std::mem::take).unwrap_or_default();
        (terms, self.cjk.get_mut(s).map(std::mem::take).unwrap_or_default())
    }
}
