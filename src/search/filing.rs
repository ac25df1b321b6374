//! A build thread's postings (`Index::streaming`): each page's terms are kept in a batch and filed
//! into the thread's own shards a batch of pages at a time, shard by shard.
//!
//! Posting a page's terms one by one into a 10,000-note index's 4,096 shard maps missed the cache
//! about four times a posting (the map's control bytes, its entry, the term's text, the list's
//! end: everything the page's rendering in between had evicted), a tenth of the build's CPU.
//! Filed by shard, the postings of `BATCH` pages to one shard follow each other, and the few
//! terms of the shard are looked up while in cache. The batch is filed in page order within each
//! shard, so a thread's lists stay sorted by page.

use super::{counted_out, post_to, Shard};

/// Pages a batch holds before it is filed: about 50,000 postings (1 MB) at 10,000 notes.
const BATCH: usize = 64;

/// A build thread's shards and its batch of postings not filed yet.
#[derive(Default)]
pub(super) struct ThreadPostings {
    shards: Vec<Shard>,
    batch: Vec<Pending>,
    /// The batch's terms, one after the other.
    text: String,
    pages: usize,
}

/// A posting waiting in a batch: its term is `text[start..end]`.
struct Pending {
    shard: u32,
    page: u32,
    weight: u32,
    start: u32,
    end: u32,
}

impl ThreadPostings {
    /// Add page `page`'s terms, as (shard, term, weight), for an index of `shards` shards.
    pub(super) fn post<'a>(&mut self, shards: usize, page: usize, terms: impl Iterator<Item = (usize, &'a str, u32)>) {
        if self.shards.is_empty() {
            self.shards.resize_with(shards, Shard::default);
        }
        for (shard, term, weight) in terms.filter(|&(shard, _, _)| shard < shards) {
            let start = self.text.len() as u32;
            self.text.push_str(term);
            let end = self.text.len() as u32;
            self.batch.push(Pending { shard: shard as u32, page: page as u32, weight, start, end });
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
            if let (Some(shard), Some(term)) =
                (self.shards.get_mut(p.shard as usize), self.text.get(p.start as usize..p.end as usize))
            {
                post_to(shard, p.page as usize, term, p.weight);
            }
        }
        self.batch.clear();
        self.text.clear();
        self.pages = 0;
    }

    /// Shard `s`'s postings, taken out (filed first).
    pub(super) fn take(&mut self, s: usize) -> Shard {
        if !self.batch.is_empty() {
            self.file();
        }
        self.shards.get_mut(s).map(std::mem::take).unwrap_or_default()
    }
}
