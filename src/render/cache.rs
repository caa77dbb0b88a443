//! The page cache: what one render keeps for the next (`serve`, `watch`). Each page is
//! kept under its fingerprint (and, for a sink that keeps nothing, with its bytes); each
//! unchanged asset keeps its view, row and search terms; the lists and `coverage.json`
//! are kept under fingerprints of what they are made of. [`keep`] updates the cache in
//! place from a successful render, so an edit touches only the entries it changes.

use std::hash::Hash;
use std::sync::Arc;

use rustc_hash::{FxHashMap, FxHashSet};

use super::fingerprint::fingerprint;
use super::lists::Lists;
use super::rows::Prepared;
use crate::asset::Asset;
use crate::output::Bytes;
use crate::search::{DocTerms, Interner};

/// What one render keeps for the next: each asset's view, row and search terms, each
/// page's fingerprint (and, for `serve`, its bytes), and the numbering of search terms.
/// `build` starts from an empty one and drops it.
#[derive(Default)]
pub struct RenderCache {
    /// Fingerprint of everything every page depends on: the plan, the options, the
    /// templates. A different one makes every entry useless.
    pub(super) globals: u64,
    /// By slug (unique in a library).
    pub(super) assets: FxHashMap<String, Arc<Prepared>>,
    pub(super) docs: FxHashMap<String, (u64, Arc<DocTerms>)>,
    pub(super) pages: FxHashMap<String, (u64, Option<Bytes>)>,
    pub(super) lists: Option<(u64, Arc<Lists>)>,
    /// `coverage.json` and `coverage.csv`, under a fingerprint of the model.
    pub(super) data: Option<(u64, Bytes, Bytes)>,
    pub(super) interner: Interner,
    pub(super) postings: crate::search::Postings,
    /// Fingerprint pages and keep what the next render can use (off for a one-off
    /// build, which would only pay for it).
    pub(super) enabled: bool,
    /// Keep each page's bytes (for a sink that cannot keep a page itself).
    pub(super) keep_bytes: bool,
}

impl RenderCache {
    /// A cache for rebuilds into memory: it keeps every page's bytes.
    pub fn keeping_pages() -> Self {
        RenderCache {
            enabled: true,
            keep_bytes: true,
            ..Self::default()
        }
    }

    /// A cache for rebuilds into a sink that keeps its own files (see `Sink::keep`):
    /// only each page's fingerprint is kept.
    pub fn fingerprints_only() -> Self {
        RenderCache {
            enabled: true,
            ..Self::default()
        }
    }
}

/// What a successful render leaves for the next one.
#[derive(Default)]
pub(super) struct Next {
    pub prepared: Vec<Arc<Prepared>>,
    pub docs: Vec<Arc<DocTerms>>,
    /// Pages rendered anew, with their fingerprints.
    pub pages: Vec<(String, u64, Option<Bytes>)>,
    /// Every page of the site, when pages may have come or gone.
    pub paths: Option<FxHashSet<String>>,
    pub lists: Option<(u64, Arc<Lists>)>,
    pub data: Option<(u64, Bytes, Bytes)>,
}

/// Updates the cache in place from a successful render: most entries stay as they were.
pub(super) fn keep(cache: &mut RenderCache, next: Next) {
    let mut changed = false;
    for (p, d) in next.prepared.iter().zip(next.docs) {
        let slug = p.asset.slug.as_str();
        if !cache
            .assets
            .get(slug)
            .is_some_and(|old| Arc::ptr_eq(old, p))
        {
            cache.assets.insert(slug.to_string(), p.clone());
            changed = true;
        }
        let key = doc_key(&p.asset);
        if !cache
            .docs
            .get(slug)
            .is_some_and(|(k, old)| *k == key && Arc::ptr_eq(old, &d))
        {
            cache.docs.insert(slug.to_string(), (key, d));
        }
    }
    // Entries of assets gone from the library (there are more entries than assets).
    if changed || cache.assets.len() != next.prepared.len() {
        let current: FxHashSet<&str> = next
            .prepared
            .iter()
            .map(|p| p.asset.slug.as_str())
            .collect();
        cache.assets.retain(|k, _| current.contains(k.as_str()));
        cache.docs.retain(|k, _| current.contains(k.as_str()));
    }
    for (path, fp, bytes) in next.pages {
        cache.pages.insert(path, (fp, bytes));
    }
    if let Some(paths) = next.paths {
        cache.pages.retain(|k, _| paths.contains(k));
    }
    cache.lists = next.lists;
    cache.data = next.data;
}

/// What an asset's search terms are made of besides the body.
pub(super) fn doc_key(a: &Asset) -> u64 {
    fingerprint(|h| (a.body_hash, &a.title, &a.summary, &a.tags).hash(h))
}
