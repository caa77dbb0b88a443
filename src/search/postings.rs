//! Postings and shards: for every term, the assets it occurs in with their score
//! characters, encoded as `t/<n>.js` carries them (see `formats.rs`), sorted as
//! JavaScript compares strings, and cut by size into shards in term order. A fresh
//! build encodes every term in parallel ([`postings`]); a dev server keeps
//! [`Postings`] across rebuilds and re-encodes only the terms of the assets that
//! changed.

use std::sync::Arc;

use rayon::prelude::*;

use super::formats::posting;
use super::tokenizer::{DocTerms, Interner};

/// A term shard is closed once its text passes this many bytes (one term's postings
/// are never split, so a very common term makes a larger shard on its own).
const SHARD_BYTES: usize = 16 * 1024;

/// The postings of the last build, kept by a dev server: an edit re-encodes only the
/// terms of the assets whose terms changed. Any other change to the list of assets (one
/// added, removed or renamed) builds them anew.
#[derive(Debug, Default)]
pub struct Postings {
    /// The assets' terms as of the last build, in library order.
    docs: Vec<Arc<DocTerms>>,
    /// Per term: (asset, score), by asset.
    lists: Vec<Vec<(u32, u8)>>,
    /// Per term: its postings encoded.
    encoded: Vec<String>,
    /// The terms with postings, in JavaScript order.
    order: Vec<u32>,
}

impl Postings {
    pub(super) fn update(&mut self, docs: &[Arc<DocTerms>]) {
        let same_assets = self.docs.len() == docs.len();
        if !same_assets {
            *self = Postings::default();
        }
        let mut dirty: Vec<u32> = Vec::new();
        let grow = |lists: &mut Vec<Vec<(u32, u8)>>, id: u32| {
            if lists.len() <= id as usize {
                lists.resize_with(id as usize + 1, Vec::new);
            }
        };
        for (d, doc) in docs.iter().enumerate() {
            let old = self.docs.get(d);
            if old.is_some_and(|o| Arc::ptr_eq(o, doc)) {
                continue;
            }
            let d = d as u32;
            if let Some(old) = old {
                for &id in &old.ids {
                    let list = &mut self.lists[id as usize];
                    if let Ok(at) = list.binary_search_by_key(&d, |e| e.0) {
                        list.remove(at);
                    }
                    dirty.push(id);
                }
            }
            for (&id, &score) in doc.ids.iter().zip(&doc.scores) {
                grow(&mut self.lists, id);
                let list = &mut self.lists[id as usize];
                match list.binary_search_by_key(&d, |e| e.0) {
                    Ok(at) => list[at].1 = score,
                    Err(at) => list.insert(at, (d, score)),
                }
                dirty.push(id);
            }
        }
        self.docs = docs.to_vec();
        dirty.sort_unstable();
        dirty.dedup();
        self.encoded.resize_with(self.lists.len(), String::new);
        let mut order_changed = !same_assets;
        for id in dirty {
            let list = &self.lists[id as usize];
            let was_empty = self.encoded[id as usize].is_empty();
            let mut out = String::with_capacity(list.len() * 2);
            let mut last = -1i64;
            for &(doc, score) in list {
                posting((i64::from(doc) - last - 1) as u64, score, &mut out);
                last = i64::from(doc);
            }
            order_changed |= was_empty != out.is_empty();
            self.encoded[id as usize] = out;
        }
        if order_changed {
            self.order.clear();
        }
    }

    pub(super) fn sorted<'i>(&mut self, interner: &'i Interner) -> Vec<(&'i str, &str)> {
        if self.order.is_empty() {
            let mut order: Vec<u32> = (0..self.encoded.len() as u32)
                .filter(|&id| !self.encoded[id as usize].is_empty())
                .collect();
            order.par_sort_unstable_by(|&a, &b| {
                utf16_cmp(&interner.terms[a as usize], &interner.terms[b as usize])
            });
            self.order = order;
        }
        self.order
            .iter()
            .map(|&id| {
                (
                    &*interner.terms[id as usize],
                    self.encoded[id as usize].as_str(),
                )
            })
            .collect()
    }
}

/// Every term with its postings (gap-encoded asset numbers, each followed by its score
/// character), sorted as JavaScript compares strings (UTF-16 code units).
pub(super) fn postings<'i>(docs: &[&DocTerms], interner: &'i Interner) -> Vec<(&'i str, String)> {
    // Terms are split between threads by number; each thread reads every asset's terms
    // in library order and encodes its own terms' postings.
    let parts = rayon::current_num_threads().max(1);
    let per_part: Vec<Vec<(u32, String)>> = (0..parts)
        .into_par_iter()
        .map(|part| {
            // For each term of this part (id / parts): the last asset and the encoding.
            let mut acc: Vec<(i64, String)> = Vec::new();
            let mut used: Vec<u32> = Vec::new();
            for (doc, terms) in docs.iter().enumerate() {
                for (&id, &score) in terms.ids.iter().zip(&terms.scores) {
                    if id as usize % parts != part {
                        continue;
                    }
                    let k = id as usize / parts;
                    if acc.len() <= k {
                        acc.resize_with(k + 1, || (-1, String::new()));
                    }
                    let e = &mut acc[k];
                    if e.0 < 0 {
                        used.push(id);
                    }
                    posting((doc as i64 - e.0 - 1) as u64, score, &mut e.1);
                    e.0 = doc as i64;
                }
            }
            used.into_iter()
                .map(|id| {
                    let k = id as usize / parts;
                    (id, std::mem::take(&mut acc[k].1))
                })
                .collect()
        })
        .collect();
    let mut terms: Vec<(&str, String)> = per_part
        .into_iter()
        .flatten()
        .map(|(id, post)| (&*interner.terms[id as usize], post))
        .collect();
    terms.par_sort_unstable_by(|a, b| utf16_cmp(a.0, b.0));
    terms
}

/// Orders strings as JavaScript does: by UTF-16 code units. That is byte order except
/// where a character beyond U+FFFF meets one in U+E000–U+FFFF.
pub(super) fn utf16_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    if a.is_ascii() && b.is_ascii() {
        a.cmp(b)
    } else {
        a.encode_utf16().cmp(b.encode_utf16())
    }
}

/// Cuts the sorted terms into shards of about [`SHARD_BYTES`].
pub(super) fn shards(terms: &[(&str, &str)]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let (mut start, mut size) = (0, 0);
    for (i, (t, p)) in terms.iter().enumerate() {
        size += t.len() + p.len() + 6;
        if size >= SHARD_BYTES {
            out.push(start..i + 1);
            (start, size) = (i + 1, 0);
        }
    }
    if start < terms.len() {
        out.push(start..terms.len());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_cut_by_size_in_term_order() {
        let names: Vec<String> = (0..100).map(|i| format!("t{i:03}")).collect();
        let post = "A".repeat(1000);
        let terms: Vec<(&str, &str)> = names.iter().map(|t| (t.as_str(), post.as_str())).collect();
        let s = shards(&terms);
        assert!(s.len() > 1);
        assert_eq!(s.first().unwrap().start, 0);
        assert_eq!(s.last().unwrap().end, 100);
        assert!(s.windows(2).all(|w| w[0].end == w[1].start));
    }
}
