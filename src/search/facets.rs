//! The library page's facets: each [`Dimension`] of the library's [`Membership`] with
//! what the page and the index need besides who carries what: its URL parameter, its
//! heading, the folder of its taxonomy pages, and each value's page and count. The
//! membership itself is derived in `membership.rs`, once, for the facets, the
//! taxonomies and the related assets alike.

use crate::library::Library;
use crate::membership::{Dim, Dimension, Membership};

/// One filterable dimension of the library.
#[derive(Debug, Clone, PartialEq)]
pub struct Facet {
    /// The URL parameter (`segment`, `tag`, …).
    pub key: &'static str,
    pub name: &'static str,
    /// The folder of its taxonomy pages (`segments`, `tags`, …).
    pub kind: &'static str,
    pub values: Vec<FacetValue>,
    /// For each asset (library order), the indices of its values, ascending.
    pub docs: Vec<Vec<u32>>,
}

/// One value of a facet.
#[derive(Debug, Clone, PartialEq)]
pub struct FacetValue {
    /// What the URL carries (`?tag=roi`).
    pub id: String,
    pub name: String,
    /// Path part of its taxonomy page (`tags/roi`).
    pub slug: String,
    /// How many assets have it.
    pub count: usize,
}

impl Facet {
    /// The assets (library indices) of each value.
    pub fn assets_by_value(&self) -> Vec<Vec<usize>> {
        let mut out = vec![Vec::new(); self.values.len()];
        for (doc, vals) in self.docs.iter().enumerate() {
            for &v in vals {
                if let Some(list) = out.get_mut(v as usize) {
                    list.push(doc);
                }
            }
        }
        out
    }
}

/// The facets of the library page, in the order the page shows them.
pub fn facets(lib: &Library) -> Vec<Facet> {
    facets_of(&Membership::of(lib))
}

/// The facets of a library whose membership is already derived.
pub fn facets_of(membership: &Membership) -> Vec<Facet> {
    membership.dims().iter().map(facet).collect()
}

/// The facet of one dimension: each value's page is at its membership slug (a plan
/// value's id, a free word's distinct slug).
fn facet(d: &Dimension) -> Facet {
    let (key, name, kind) = labels(d.dim);
    let values = d
        .values
        .iter()
        .zip(&d.slugs)
        .map(|(v, slug)| FacetValue {
            id: v.id.clone(),
            name: v.name.clone(),
            slug: slug.clone(),
            count: v.assets.len(),
        })
        .collect();
    Facet {
        key,
        name,
        kind,
        values,
        docs: d.of_asset.clone(),
    }
}

/// A dimension's URL parameter, heading and taxonomy folder.
fn labels(dim: Dim) -> (&'static str, &'static str, &'static str) {
    match dim {
        Dim::Segment => ("segment", "Segment", "segments"),
        Dim::Persona => ("persona", "Persona", "personas"),
        Dim::Stage => ("stage", "Stage", "stages"),
        Dim::Type => ("type", "Type", "types"),
        Dim::Audience => ("audience", "Audience", "audiences"),
        Dim::Tag => ("tag", "Tag", "tags"),
        Dim::Owner => ("owner", "Owner", "owners"),
    }
}
