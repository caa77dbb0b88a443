//! What the site's lists are made of, derived once per render and kept across rebuilds
//! while the assets' tags and slugs stay the same: each asset's related assets, the
//! library's facets, and the taxonomies (one page per segment, persona, stage, type,
//! tag, audience and owner).

use std::hash::Hash;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::fingerprint::fingerprint;
use crate::library::Library;
use crate::membership::{Dim, Membership};
use crate::search::Facet;

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
    /// The types whose page is not at their word made a slug: the later of two
    /// spellings that make one slug (`Case study` beside `case-study`) is numbered.
    /// Almost always empty; asset views link their type's page through it.
    pub type_slugs: FxHashMap<String, String>,
}

impl Lists {
    pub fn of(lib: &Library) -> Lists {
        // Related assets take the longest; the facets are built beside them.
        let membership = Membership::of(lib);
        let ((facets, taxonomies), related) = rayon::join(
            || {
                (
                    crate::search::facets_of(&membership),
                    taxonomies(lib, &membership),
                )
            },
            || related_all(&membership),
        );
        let types = membership.get(Dim::Type);
        let type_slugs = types
            .clashes
            .iter()
            .map(|&(_, numbered)| {
                let v = numbered as usize;
                (types.values[v].id.clone(), types.slugs[v].clone())
            })
            .collect();
        Lists {
            related,
            facets,
            taxonomies,
            type_slugs,
        }
    }

    /// A fingerprint of everything [`Lists::of`] reads: the assets' tags and slugs, and
    /// the plan, whose segments, personas and stages name and describe the taxonomy
    /// pages. The plan goes in whole (its debug form, a few kilobytes), so a key added
    /// to it can never be missed here; a plan edit re-derives the lists, which is rare.
    pub fn fingerprint(lib: &Library) -> u64 {
        fingerprint(|h| {
            format!("{:?}", lib.plan).hash(h);
            for a in &lib.assets {
                (&a.slug, &a.personas, &a.stages, &a.segments, &a.tags).hash(h);
                (&a.kind, a.audience.map(|x| x.as_str()), &a.owner).hash(h);
            }
        })
    }
}

/// The taxonomies: segments, personas and stages (plan order), then types, audiences,
/// tags and owners, each value with its assets.
fn taxonomies(lib: &Library, m: &Membership) -> Vec<Taxonomy> {
    let p = &lib.plan;
    let planned = |dim, kind, title, descriptions: Vec<Option<&String>>| Taxonomy {
        kind,
        title,
        terms: m
            .get(dim)
            .values
            .iter()
            .zip(descriptions)
            .map(|(v, description)| Term {
                id: v.id.clone(),
                name: v.name.clone(),
                description: description.cloned(),
                assets: v.assets.clone(),
            })
            .collect(),
    };
    // Free words: one page per value, at the value's own slug (membership gives two
    // spellings that would share a slug distinct ones, and warns), in slug order.
    let free = |dim, kind, title| {
        let d = m.get(dim);
        Taxonomy {
            kind,
            title,
            terms: d
                .by_slug()
                .into_iter()
                .map(|g| Term {
                    id: g.slug,
                    name: g
                        .values
                        .first()
                        .map_or_else(String::new, |&v| d.values[v as usize].name.clone()),
                    description: None,
                    assets: g.assets,
                })
                .collect(),
        }
    };
    vec![
        planned(
            Dim::Segment,
            "segments",
            "Segments",
            p.segments.iter().map(|x| x.description.as_ref()).collect(),
        ),
        planned(
            Dim::Persona,
            "personas",
            "Personas",
            p.personas.iter().map(|x| x.description.as_ref()).collect(),
        ),
        planned(
            Dim::Stage,
            "stages",
            "Stages",
            p.stages.iter().map(|x| x.description.as_ref()).collect(),
        ),
        free(Dim::Type, "types", "Types"),
        free(Dim::Audience, "audiences", "Audiences"),
        free(Dim::Tag, "tags", "Tags"),
        free(Dim::Owner, "owners", "Owners"),
    ]
}

/// For every asset, up to five related ones: those sharing the most stage, persona,
/// segment and tag values. Candidates come from the asset's (persona, stage) buckets,
/// the nearest in slug order, so the cost stays linear in the number of assets instead
/// of comparing every pair.
fn related_all(m: &Membership) -> Vec<Vec<u32>> {
    const NEIGHBOURS: usize = 24;
    let (stages, personas, segments, tags) = (
        m.get(Dim::Stage),
        m.get(Dim::Persona),
        m.get(Dim::Segment),
        m.get(Dim::Tag),
    );
    let n = stages.of_asset.len();
    let mut buckets: FxHashMap<(u32, u32), Vec<usize>> = FxHashMap::default();
    for i in 0..n {
        for &p in personas.values_of(i) {
            for &t in stages.values_of(i) {
                buckets.entry((p, t)).or_default().push(i);
            }
        }
    }
    // Each asset's stages, personas and segments as bit sets, and its tags as sorted
    // numbers, so scoring a pair is a few popcounts and one merge.
    let sets = |d: &crate::membership::Dimension| {
        let words = d.values.len() / 64 + 1;
        let mut bits = vec![0u64; n * words];
        for i in 0..n {
            for &v in d.values_of(i) {
                bits[i * words + v as usize / 64] |= 1 << (v % 64);
            }
        }
        (bits, words)
    };
    let ((stage_bits, ws), (persona_bits, wp), (segment_bits, wg)) =
        (sets(stages), sets(personas), sets(segments));
    let overlap = |bits: &[u64], words: usize, i: usize, j: usize| -> usize {
        (0..words)
            .map(|w| (bits[i * words + w] & bits[j * words + w]).count_ones() as usize)
            .sum()
    };
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
    (0..n)
        .into_par_iter()
        .map(|i| {
            let mut candidates = Vec::new();
            for &p in personas.values_of(i) {
                for &t in stages.values_of(i) {
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
                    let score = 3 * overlap(&stage_bits, ws, i, j).min(1)
                        + 2 * overlap(&persona_bits, wp, i, j)
                        + overlap(&segment_bits, wg, i, j)
                        + common(tags.values_of(i), tags.values_of(j));
                    (j, score)
                })
                .filter(|(_, s)| *s > 2)
                .collect();
            scored.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
            scored.into_iter().take(5).map(|(j, _)| j as u32).collect()
        })
        .collect()
}
