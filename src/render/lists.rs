//! What the site's lists are made of, derived once per render and kept across rebuilds
//! while the assets' tags and slugs stay the same: each asset's related assets, the
//! library's facets, and the taxonomies (one page per segment, persona, stage, type,
//! tag, audience and owner).

use std::collections::BTreeMap;
use std::hash::Hash;
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::fingerprint::fingerprint;
use crate::asset::Asset;
use crate::library::Library;
use crate::search::Facet;
use crate::slug::slugify;

/// A taxonomy: one page per value (segments, personas, …), and an index page.
pub(super) struct Taxonomy {
    pub kind: &'static str,
    pub title: &'static str,
    pub terms: Vec<Term>,
}

pub(super) struct Term {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    /// Library indices, ascending.
    pub assets: Vec<usize>,
}

/// What the lists of the site are made of, which only tags (personas, stages,
/// segments, tags, types, audiences, owners) and slugs change: kept across rebuilds
/// while those stay the same (a body or title edit leaves them).
#[derive(Default)]
pub(super) struct Lists {
    /// For each asset, up to five related ones, as library indices.
    pub related: Vec<Vec<u32>>,
    pub facets: Vec<Facet>,
    pub taxonomies: Vec<Taxonomy>,
}

impl Lists {
    pub fn of(lib: &Library) -> Lists {
        // Related assets take the longest; the facets are built beside them.
        let ((facets, taxonomies), related) = rayon::join(
            || {
                let facets = crate::search::facets(lib);
                let taxonomies = taxonomies(lib, &facets);
                (facets, taxonomies)
            },
            || related_all(&lib.assets),
        );
        Lists {
            related,
            facets,
            taxonomies,
        }
    }

    /// A fingerprint of everything [`Lists::of`] reads.
    pub fn fingerprint(lib: &Library) -> u64 {
        fingerprint(|h| {
            for a in &lib.assets {
                (&a.slug, &a.personas, &a.stages, &a.segments, &a.tags).hash(h);
                (&a.kind, a.audience.map(|x| x.as_str()), &a.owner).hash(h);
            }
        })
    }
}

/// The taxonomies: segments, personas and stages (plan order), types, and the free-word
/// facets tags, audiences and owners, each value with its assets.
fn taxonomies(lib: &Library, facets: &[Facet]) -> Vec<Taxonomy> {
    let p = &lib.plan;
    let assets = &lib.assets;
    let members = |get: fn(&Asset) -> Option<&Vec<usize>>, n: usize| {
        let mut lists = vec![Vec::new(); n];
        for (j, a) in assets.iter().enumerate() {
            for &i in get(a).into_iter().flatten() {
                lists[i].push(j);
            }
        }
        lists
    };
    let planned = |items: Vec<(&str, &str, Option<&str>)>, lists: Vec<Vec<usize>>| {
        items
            .into_iter()
            .zip(lists)
            .map(|((id, name, description), assets)| Term {
                id: id.to_string(),
                name: name.to_string(),
                description: description.map(str::to_string),
                assets,
            })
            .collect::<Vec<_>>()
    };
    let mut out = vec![
        Taxonomy {
            kind: "segments",
            title: "Segments",
            terms: planned(
                p.segments
                    .iter()
                    .map(|s| (s.id.as_str(), s.name.as_str(), s.description.as_deref()))
                    .collect(),
                members(|a| a.segments.as_ref(), p.segments.len()),
            ),
        },
        Taxonomy {
            kind: "personas",
            title: "Personas",
            terms: planned(
                p.personas
                    .iter()
                    .map(|s| (s.id.as_str(), s.name.as_str(), s.description.as_deref()))
                    .collect(),
                members(|a| a.personas.as_ref(), p.personas.len()),
            ),
        },
        Taxonomy {
            kind: "stages",
            title: "Stages",
            terms: planned(
                p.stages
                    .iter()
                    .map(|s| (s.id.as_str(), s.name.as_str(), s.description.as_deref()))
                    .collect(),
                members(|a| a.stages.as_ref(), p.stages.len()),
            ),
        },
    ];
    let mut types: BTreeMap<String, (String, Vec<usize>)> = BTreeMap::new();
    for (i, a) in assets.iter().enumerate() {
        if let Some(k) = &a.kind {
            types
                .entry(slugify(k))
                .or_insert_with(|| (k.clone(), Vec::new()))
                .1
                .push(i);
        }
    }
    out.push(Taxonomy {
        kind: "types",
        title: "Types",
        terms: types
            .into_iter()
            .map(|(id, (name, assets))| Term {
                id,
                name,
                description: None,
                assets,
            })
            .collect(),
    });
    // Tags, audiences and owners: the library's free-word facets, so every facet value
    // on the library page links to a page that works without JavaScript.
    for f in facets {
        let title = match f.kind {
            "tags" => "Tags",
            "audiences" => "Audiences",
            "owners" => "Owners",
            _ => continue,
        };
        // Values whose slugs collide share a page.
        let mut terms: BTreeMap<String, (String, Vec<usize>)> = BTreeMap::new();
        for (v, ids) in f.values.iter().zip(f.assets_by_value()) {
            let t = terms
                .entry(v.slug.clone())
                .or_insert_with(|| (v.name.clone(), Vec::new()));
            t.1.extend(ids);
        }
        out.push(Taxonomy {
            kind: f.kind,
            title,
            terms: terms
                .into_iter()
                .map(|(id, (name, mut assets))| {
                    assets.sort_unstable();
                    assets.dedup();
                    Term {
                        id,
                        name,
                        description: None,
                        assets,
                    }
                })
                .collect(),
        });
    }
    out
}

/// For every asset, up to five related ones: those sharing the most stage, persona,
/// segment and tag values. Candidates come from the asset's (persona, stage) buckets,
/// the nearest in slug order, so the cost stays linear in the number of assets instead
/// of comparing every pair.
fn related_all(assets: &[Arc<Asset>]) -> Vec<Vec<u32>> {
    const NEIGHBOURS: usize = 24;
    let mut buckets: FxHashMap<(usize, usize), Vec<usize>> = FxHashMap::default();
    for (i, a) in assets.iter().enumerate() {
        for &p in a.personas.iter().flatten() {
            for &t in a.stages.iter().flatten() {
                buckets.entry((p, t)).or_default().push(i);
            }
        }
    }
    // Each asset's stages, personas and segments as bit sets, and its tags as sorted
    // numbers, so scoring a pair is a few popcounts and one merge.
    let width = |get: fn(&Asset) -> &Option<Vec<usize>>| {
        assets
            .iter()
            .filter_map(|a| get(a).as_ref())
            .flatten()
            .max()
            .map_or(1, |&m| m / 64 + 1)
    };
    let sets = |get: fn(&Asset) -> &Option<Vec<usize>>, words: usize| {
        let mut bits = vec![0u64; assets.len() * words];
        for (i, a) in assets.iter().enumerate() {
            for &v in get(a).iter().flatten() {
                bits[i * words + v / 64] |= 1 << (v % 64);
            }
        }
        bits
    };
    let (ws, wp, wg) = (
        width(|a| &a.stages),
        width(|a| &a.personas),
        width(|a| &a.segments),
    );
    let (stages, personas, segments) = (
        sets(|a| &a.stages, ws),
        sets(|a| &a.personas, wp),
        sets(|a| &a.segments, wg),
    );
    let overlap = |bits: &[u64], words: usize, i: usize, j: usize| -> usize {
        (0..words)
            .map(|w| (bits[i * words + w] & bits[j * words + w]).count_ones() as usize)
            .sum()
    };
    let mut tag_ids: FxHashMap<&str, u32> = FxHashMap::default();
    let tags: Vec<Vec<u32>> = assets
        .iter()
        .map(|a| {
            let mut ids: Vec<u32> = a
                .tags
                .iter()
                .map(|t| {
                    let next = tag_ids.len() as u32;
                    *tag_ids.entry(t.as_str()).or_insert(next)
                })
                .collect();
            ids.sort_unstable();
            ids.dedup();
            ids
        })
        .collect();
    let common = |x: &[u32], y: &[u32]| {
        let (mut i, mut j, mut n) = (0, 0, 0);
        while i < x.len() && j < y.len() {
            match x[i].cmp(&y[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    n += 1;
                    i += 1;
                    j += 1;
                }
            }
        }
        n
    };
    (0..assets.len())
        .into_par_iter()
        .map(|i| {
            let a = &assets[i];
            let mut candidates = Vec::new();
            for &p in a.personas.iter().flatten() {
                for &t in a.stages.iter().flatten() {
                    let Some(bucket) = buckets.get(&(p, t)) else {
                        continue;
                    };
                    // Buckets are in slug order because assets are.
                    let pos = bucket.binary_search(&i).unwrap_or_else(|x| x);
                    let lo = pos.saturating_sub(NEIGHBOURS / 2);
                    let hi = (pos + NEIGHBOURS / 2 + 1).min(bucket.len());
                    candidates.extend_from_slice(&bucket[lo..hi]);
                }
            }
            candidates.sort_unstable();
            candidates.dedup();
            let mut scored: Vec<(usize, usize)> = candidates
                .into_iter()
                .filter(|&j| j != i)
                .map(|j| {
                    let score = 3 * overlap(&stages, ws, i, j).min(1)
                        + 2 * overlap(&personas, wp, i, j)
                        + overlap(&segments, wg, i, j)
                        + common(&tags[i], &tags[j]);
                    (j, score)
                })
                .filter(|(_, s)| *s > 2)
                .collect();
            scored.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
            scored.into_iter().take(5).map(|(j, _)| j as u32).collect()
        })
        .collect()
}
