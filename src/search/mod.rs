//! The library's search index and facet data, built here at build time so the browser
//! never indexes anything. Everything lands under `search/` as small files, each one
//! named piece of JSON, packaged as the build's [`Mode`] says: by default JSON files
//! (`meta.json`, …) that the page fetches, which only pages of the site's own origin
//! can read; with `build --offline` scripts (`meta.js`, …) that hand their data to a
//! global loader (`covermapSearch.add(name, data)`), so the page loads them with
//! `<script src>` from `file://` and shared drives, where `fetch()` is not allowed, at
//! the price that any page the reader visits can include them too. `meta` is loaded up
//! front: facet values with labels, every asset's facet memberships and flags packed
//! into short strings, heatmap cells, and the first term of each term shard. Term
//! shards (`t/<n>`) hold sorted terms with delta-encoded postings, cut by size in term
//! order so a prefix query loads one or two of them; display chunks (`d/<n>`) hold the
//! slug and the theme's own row (`partials/asset_row.html`, rendered) of a few assets
//! each, loaded only for the results on screen, so a theme's row reaches search results. Each posting carries field bits (title, summary, tags) and a body
//! term-frequency bucket, so the browser ranks title and summary matches first.
//!
//! Building is linear in the number of tokens. Assets are tokenized in batches, in
//! parallel, each batch with a dictionary of its own ([`Batch`]); an [`Interner`] then
//! numbers every term once, and each asset's terms ([`DocTerms`]) are kept by number,
//! so a rebuild (`serve`) re-tokenizes only the assets that changed. Every file is
//! ordered deterministically (sorted terms, plan and slug order), so the same library
//! gives the same bytes whatever was cached.
//!
//! The parts, one job each: `tokenizer` (text → terms), `postings` (terms → encoded
//! postings, cut into shards), `facets` (the library's membership as the page's
//! facets) and `formats` (one named type per file, and the packed encodings).

mod facets;
mod formats;
mod names;
mod postings;
mod terms;
#[cfg(test)]
mod tests;
mod tokenizer;

use std::collections::BTreeMap;
use std::sync::Arc;

use rayon::prelude::*;

use crate::coverage::Coverage;
use crate::library::Library;

pub use facets::{Facet, FacetValue, facets, facets_of};
pub use formats::{DIR, Mode, vlq};
pub use postings::Postings;
pub use terms::{fold, is_cjk, stem};
pub use tokenizer::{Batch, DocTerms, Interner, STOP_WORDS, term_of, tokens};

use formats::{
    B64, CellRow, DocChunk, DocRow, FLAG_COUNTED, FLAG_DRAFT, FLAG_DUE_SOON, FLAG_HIDDEN,
    FLAG_STALE, Meta, MetaFacet, TermShard,
};
use postings::{postings, shards};

/// Assets per display chunk: small, because the first page of results is usually
/// spread over many chunks and each one fetched costs its whole size.
const DOCS_PER_CHUNK: usize = 16;
/// Query words at least this long match every term they begin; shorter ones match
/// whole terms only, so two typed letters do not load half the index.
pub const MIN_PREFIX: usize = 3;

/// The built index: the files to put under [`DIR`], and what the pages need to know.
pub struct Index {
    /// Path from the site root → file content, for the files not yet handed to `emit`.
    pub files: Vec<(String, Vec<u8>)>,
    /// The path of every file of the index, those already emitted included.
    pub paths: Vec<String>,
    /// A hash of every file, appended to their URLs so a browser never mixes files of
    /// two builds from its cache.
    pub version: String,
}

/// Where an index's postings come from: each asset's terms (`docs[i]` for
/// `lib.assets[i]`), encoded anew and then dropped, or kept [`Postings`] (a dev
/// server's) updated for the assets whose terms changed.
pub enum Terms<'a> {
    Fresh(Vec<Arc<DocTerms>>),
    Kept(&'a mut Postings, &'a [Arc<DocTerms>]),
}

/// `sort`, loaded only when the reader sorts the library: per asset its place in the
/// library by title (case and diacritics folded) and by `updated`, newest first (then by
/// title; assets without a date last), each a string of [`vlq`]s in asset order.
#[derive(serde::Serialize)]
struct SortKeys {
    title: String,
    updated: String,
}

fn sort_keys(lib: &Library) -> SortKeys {
    let key: Vec<String> = lib
        .assets
        .iter()
        .map(|a| fold(&a.title.to_lowercase()).into_owned())
        .collect();
    let mut by_title: Vec<usize> = (0..lib.assets.len()).collect();
    by_title.sort_by(|&a, &b| (&key[a], &lib.assets[a].slug).cmp(&(&key[b], &lib.assets[b].slug)));
    let mut by_updated = by_title.clone();
    by_updated.sort_by_key(|&a| std::cmp::Reverse(lib.assets[a].updated));
    let pack = |order: &[usize]| {
        let mut rank = vec![0u64; order.len()];
        for (place, &a) in order.iter().enumerate() {
            rank[a] = place as u64;
        }
        let mut out = String::with_capacity(rank.len() * 3);
        for r in rank {
            vlq(r, &mut out);
        }
        out
    };
    SortKeys {
        title: pack(&by_title),
        updated: pack(&by_updated),
    }
}

/// A function that writes one file of the index (its path from the site root, its
/// bytes) as soon as it is made, so the display chunks — most of the index's bytes, the
/// rows of every asset — are never all held at once.
pub type Emit<'a, E> = &'a (dyn Fn(&str, Vec<u8>) -> Result<(), E> + Sync);

/// Builds the index of the library's assets from their terms, numbered by `interner`,
/// with the heatmap's cells from `coverage`, its files packaged as `mode` says. The
/// display chunks go to `emit` as they are made; the other files come back in
/// [`Index::files`].
#[allow(clippy::too_many_arguments)]
pub fn build<E: Send>(
    lib: &Library,
    coverage: &Coverage,
    facets: &[Facet],
    terms: Terms<'_>,
    interner: &Interner,
    mode: Mode,
    row: &(dyn Fn(usize) -> String + Sync),
    emit: Emit<'_, E>,
) -> Result<Index, E> {
    let assets = &lib.assets;

    let fresh;
    let terms: Vec<(&str, &str)> = match terms {
        Terms::Kept(kept, docs) => {
            kept.update(docs);
            kept.sorted(interner)
        }
        Terms::Fresh(docs) => {
            let refs: Vec<&DocTerms> = docs.iter().map(|d| &**d).collect();
            fresh = postings(&refs, interner);
            // The postings hold everything the shards need: free the terms first.
            drop(refs);
            crate::trace::drop_later(docs);
            fresh.iter().map(|(t, p)| (*t, p.as_str())).collect()
        }
    };
    // The plan's names (segments, personas with their aliases, stages, types) as terms.
    let names = names::name_postings(lib, facets);
    let merged = names::merged(&terms, &names);
    let terms: Vec<(&str, &str)> = merged.iter().map(|(t, p)| (*t, p.as_ref())).collect();
    let cuts = shards(&terms);
    let mut files: Vec<(String, Vec<u8>)> = cuts
        .par_iter()
        .enumerate()
        .map(|(n, shard)| {
            let shard = TermShard {
                entries: &terms[shard.clone()],
            };
            mode.file(&format!("t/{n}"), &shard)
        })
        .collect();
    let shard_firsts: Vec<&str> = cuts.iter().map(|c| terms[c.start].0).collect();

    // Each chunk is written as soon as it is made; only its path and hash are kept.
    let emitted: Vec<(String, u64)> = assets
        .par_chunks(DOCS_PER_CHUNK)
        .enumerate()
        .map(|(n, chunk)| {
            let rows = chunk
                .iter()
                .enumerate()
                .map(|(k, a)| DocRow {
                    slug: a.slug.as_str(),
                    title: a.title.as_str(),
                    html: row(n * DOCS_PER_CHUNK + k),
                })
                .collect();
            let docs = DocChunk { rows };
            let (path, bytes) = mode.chunk(n, &docs);
            let hash = file_hash(&path, &bytes);
            emit(&path, bytes)?;
            Ok((path, hash))
        })
        .collect::<Result<_, E>>()?;

    let p = &lib.plan;
    // The one statement of what counts, as the model and the asset pages ask it; an
    // asset tagged only for combinations outside every cell (a persona not in a
    // segment's buying group) counts too, as in coverage.json's `summary.counted`.
    let hide_stale = p.freshness.stale == crate::plan::fresh::StaleMode::Hide;
    let flags: String = assets
        .iter()
        .map(|a| {
            let counted = a.counts_toward_coverage(p.count_stale);
            let f = u8::from(a.stale) * FLAG_STALE
                + u8::from(counted) * FLAG_COUNTED
                + u8::from(a.draft) * FLAG_DRAFT
                + u8::from(a.freshness.due_soon) * FLAG_DUE_SOON
                + u8::from(a.stale && hide_stale) * FLAG_HIDDEN;
            B64[f as usize] as char
        })
        .collect();
    let cells: BTreeMap<String, CellRow> = coverage
        .cells
        .iter()
        .map(|c| {
            let (s, pe, t) = (
                &p.segments[c.segment],
                &p.personas[c.persona],
                &p.stages[c.stage],
            );
            (
                format!("{}|{}|{}", s.id, pe.id, t.id),
                CellRow {
                    label: format!("{} · {} · {}", s.name, pe.name, t.name),
                    count: c.count(),
                    target: c.target,
                    stale: c.stale(),
                },
            )
        })
        .collect();
    let meta = Meta {
        docs: assets.len(),
        chunk: DOCS_PER_CHUNK,
        min_prefix: MIN_PREFIX,
        stop: STOP_WORDS,
        shards: shard_firsts,
        flags,
        facets: facets.par_iter().map(MetaFacet::new).collect(),
        cells,
    };
    for f in &meta.facets {
        files.push(mode.file(&format!("facet-{}", f.key), &f.packed()));
    }
    files.push(mode.file("meta", &meta));
    files.push(mode.file("sort", &sort_keys(lib)));
    files.sort_by(|a, b| a.0.cmp(&b.0));

    // Every file's hash, in path order, folded into the version.
    let mut hashes: Vec<(String, u64)> = files
        .par_iter()
        .map(|(path, bytes)| (path.clone(), file_hash(path, bytes)))
        .collect();
    hashes.extend(emitted);
    hashes.sort_by(|a, b| a.0.cmp(&b.0));
    let mut h: u64 = FNV_OFFSET;
    for (_, f) in &hashes {
        h = fnv(h, &f.to_le_bytes());
    }
    Ok(Index {
        files,
        paths: hashes.into_iter().map(|(p, _)| p).collect(),
        version: format!("{:08x}", h >> 32),
    })
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// FNV-1a over `bytes`, eight bytes at a step, from `h`: cheap, and stable across
/// platforms.
fn fnv(h: u64, bytes: &[u8]) -> u64 {
    let mut h = h;
    let mut words = bytes.chunks_exact(8);
    for w in &mut words {
        let w = u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]);
        h = (h ^ w).wrapping_mul(0x0000_0100_0000_01b3);
    }
    for &b in words.remainder() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// One file's hash: its path, then its bytes.
fn file_hash(path: &str, bytes: &[u8]) -> u64 {
    fnv(fnv(FNV_OFFSET, path.as_bytes()), bytes)
}
