//! Which assets carry which value of each dimension (segment, persona, stage, type,
//! audience, tag, owner), derived once per build from the [`Library`]: the model stage
//! that the search facets, the taxonomy pages and the related assets all read, so the
//! three cannot disagree on who belongs where. Plan dimensions keep the plan's values in
//! plan order (values no asset carries included); the free-word dimensions hold the
//! values met in front matter, sorted by id, each named by its first spelling in library
//! order. Both directions are kept: the assets of each value and the values of each
//! asset. Each value has the one slug its page is at, distinct within its dimension:
//! two words that make one slug (`café`, `cafe`) get two pages and a warning.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;

use crate::asset::{Asset, Audience};
use crate::diagnostics::{Code, Diagnostic};
use crate::library::Library;
use crate::slug::slugify;

/// A dimension assets are sorted by, in the order the library page shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dim {
    Segment,
    Persona,
    Stage,
    Type,
    Audience,
    Tag,
    Owner,
}

impl Dim {
    /// Every dimension, in the library page's order; [`Membership::dims`] follows it.
    pub const ALL: [Dim; 7] = [
        Dim::Segment,
        Dim::Persona,
        Dim::Stage,
        Dim::Type,
        Dim::Audience,
        Dim::Tag,
        Dim::Owner,
    ];

    /// Whether the plan lists its values (segments, personas, stages).
    pub fn planned(self) -> bool {
        matches!(self, Dim::Segment | Dim::Persona | Dim::Stage)
    }
}

/// One value of a dimension.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Value {
    /// The plan id, or the front matter word (an owner's slugified, so spellings of
    /// one name meet).
    pub id: String,
    /// What a reader sees: the plan's name, or the first spelling met.
    pub name: String,
    /// The assets (library indices) carrying it, ascending.
    pub assets: Vec<usize>,
}

/// One dimension's membership.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dimension {
    pub dim: Dim,
    pub values: Vec<Value>,
    /// Each value's slug, the path part of its page (`tags/<slug>/`), distinct within
    /// the dimension: the plan's id, or the word made a slug, and when two words make
    /// one slug (`café` and `cafe`), the later in id order numbered (`cafe-2`).
    pub slugs: Vec<String>,
    /// The values whose words made one slug: (the value keeping it, the value numbered).
    pub clashes: Vec<(u32, u32)>,
    /// For each asset (library order), the indices of its values in `values`, ascending.
    pub of_asset: Vec<Vec<u32>>,
}

/// Every dimension's membership, in [`Dim::ALL`] order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    /// Indexed by `Dim as usize`: one place per variant, so a lookup cannot miss.
    dims: [Dimension; 7],
}

impl Default for Membership {
    /// No assets: every dimension empty.
    fn default() -> Self {
        Membership {
            dims: Dim::ALL.map(|dim| Dimension {
                dim,
                values: Vec::new(),
                slugs: Vec::new(),
                clashes: Vec::new(),
                of_asset: Vec::new(),
            }),
        }
    }
}

impl Membership {
    /// Derives every dimension from the library's assets.
    pub fn of(lib: &Library) -> Membership {
        let p = &lib.plan;
        let a = &lib.assets;
        let planned =
            |dim, values: Vec<(String, String)>, get: fn(&Asset) -> &Option<Vec<usize>>| {
                // The asset loader sorts and dedups plan indices; done again here so the
                // membership keeps its promise whoever made the assets.
                let of_asset = a
                    .iter()
                    .map(|x| {
                        let mut v: Vec<u32> = get(x).iter().flatten().map(|&i| i as u32).collect();
                        v.sort_unstable();
                        v.dedup();
                        v
                    })
                    .collect();
                Dimension::new(dim, values, of_asset)
            };
        let owners: Vec<Option<String>> =
            a.iter().map(|x| x.owner.as_deref().map(slugify)).collect();
        let dims = [
            planned(
                Dim::Segment,
                p.segments
                    .iter()
                    .map(|x| (x.id.clone(), x.name.clone()))
                    .collect(),
                |x| &x.segments,
            ),
            planned(
                Dim::Persona,
                p.personas
                    .iter()
                    .map(|x| (x.id.clone(), x.name.clone()))
                    .collect(),
                |x| &x.personas,
            ),
            planned(
                Dim::Stage,
                p.stages
                    .iter()
                    .map(|x| (x.id.clone(), x.name.clone()))
                    .collect(),
                |x| &x.stages,
            ),
            {
                // Types read as labels: the plan's [[types]] name, else the word humanised.
                let mut types = type_dim(a);
                for v in &mut types.values {
                    v.name = p.freshness.type_name(&v.id);
                }
                types
            },
            free(Dim::Audience, a, |_, x, out| {
                if let Some(au) = x.audience {
                    out.push((au.as_str(), audience_name(au)));
                }
            }),
            tag_dim(a),
            free(Dim::Owner, a, |i, x, out| {
                if let (Some(id), Some(name)) = (&owners[i], &x.owner) {
                    out.push((id, name));
                }
            }),
        ];
        Membership { dims }
    }

    /// A warning for each two tags or types whose words make one slug, naming both and
    /// the slug each page gets, on the first asset carrying the numbered one.
    pub fn slug_warnings(&self, lib: &Library) -> Vec<Diagnostic> {
        clash_warnings([self.get(Dim::Type), self.get(Dim::Tag)], lib)
    }

    /// One dimension.
    pub fn get(&self, dim: Dim) -> &Dimension {
        &self.dims[dim as usize]
    }

    /// Every dimension, in [`Dim::ALL`] order.
    pub fn dims(&self) -> &[Dimension] {
        &self.dims
    }
}

impl Dimension {
    /// A dimension from its values (id, name) and each asset's value indices (sorted,
    /// without repeats), filling in each value's assets.
    fn new(dim: Dim, values: Vec<(String, String)>, of_asset: Vec<Vec<u32>>) -> Dimension {
        let mut values: Vec<Value> = values
            .into_iter()
            .map(|(id, name)| Value {
                id,
                name,
                assets: Vec::new(),
            })
            .collect();
        for (asset, vals) in of_asset.iter().enumerate() {
            for &v in vals {
                if let Some(value) = values.get_mut(v as usize) {
                    value.assets.push(asset);
                }
            }
        }
        let (slugs, clashes) = if dim.planned() {
            (values.iter().map(|v| v.id.clone()).collect(), Vec::new())
        } else {
            distinct_slugs(&values)
        };
        Dimension {
            dim,
            values,
            slugs,
            clashes,
            of_asset,
        }
    }

    /// The indices of an asset's values, ascending; none for an index out of range.
    pub fn values_of(&self, asset: usize) -> &[u32] {
        self.of_asset.get(asset).map_or(&[], Vec::as_slice)
    }

    /// The values in slug order, each with its assets: the pages at `<kind>/<slug>/`.
    pub fn by_slug(&self) -> Vec<SlugGroup> {
        let mut order: Vec<u32> = (0..self.values.len() as u32).collect();
        order.sort_by(|&a, &b| self.slugs[a as usize].cmp(&self.slugs[b as usize]));
        order
            .into_iter()
            .map(|v| SlugGroup {
                slug: self.slugs[v as usize].clone(),
                values: vec![v],
                assets: self.values[v as usize].assets.clone(),
            })
            .collect()
    }
}

/// Each value's slug, distinct: values in id order take their word's slug first come,
/// and a value whose slug is taken gets the first free `<slug>-N` (N from 2). The pairs
/// (keeping, numbered) of each clash come too.
fn distinct_slugs(values: &[Value]) -> (Vec<String>, Vec<(u32, u32)>) {
    let natural: Vec<String> = values.iter().map(|v| slugify(&v.id)).collect();
    let mut owner: FxHashMap<&str, u32> = FxHashMap::default();
    let mut taken = vec![false; values.len()];
    for (i, slug) in natural.iter().enumerate() {
        if !owner.contains_key(slug.as_str()) {
            owner.insert(slug, i as u32);
            taken[i] = true;
        }
    }
    if taken.iter().all(|&t| t) {
        return (natural, Vec::new());
    }
    let mut used: rustc_hash::FxHashSet<String> = natural.iter().cloned().collect();
    let mut slugs = natural.clone();
    let mut clashes = Vec::new();
    for (i, slug) in natural.iter().enumerate() {
        if taken[i] {
            continue;
        }
        let numbered = (2..)
            .map(|n| format!("{slug}-{n}"))
            .find(|s| !used.contains(s))
            .unwrap_or_default();
        used.insert(numbered.clone());
        slugs[i] = numbered;
        clashes.push((owner[slug.as_str()], i as u32));
    }
    (slugs, clashes)
}

/// [`Membership::slug_warnings`] without deriving the other dimensions: what loading a
/// library reports.
pub fn slug_warnings(lib: &Library) -> Vec<Diagnostic> {
    clash_warnings([&type_dim(&lib.assets), &tag_dim(&lib.assets)], lib)
}

fn type_dim(a: &[std::sync::Arc<Asset>]) -> Dimension {
    free(Dim::Type, a, |_, x, out| {
        if let Some(k) = &x.kind {
            out.push((k, k));
        }
    })
}

fn tag_dim(a: &[std::sync::Arc<Asset>]) -> Dimension {
    free(Dim::Tag, a, |_, x, out| {
        out.extend(x.tags.iter().map(|t| (t.as_str(), t.as_str())));
    })
}

fn clash_warnings(dims: [&Dimension; 2], lib: &Library) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for d in dims {
        let (kind, key) = match d.dim {
            Dim::Type => ("types", "type"),
            _ => ("tags", "tag"),
        };
        for &(keeps, numbered) in &d.clashes {
            let (a, b) = (&d.values[keeps as usize], &d.values[numbered as usize]);
            let source = b
                .assets
                .first()
                .and_then(|&i| lib.assets.get(i))
                .map_or_else(|| std::path::PathBuf::from("content"), |x| x.source.clone());
            out.push(
                    Diagnostic::warning(
                        source,
                        format!(
                            "{key}s `{}` and `{}` make one slug: `{}` has the page {kind}/{}/, `{}` the page {kind}/{}/",
                            a.id, b.id, a.id, d.slugs[keeps as usize], b.id, d.slugs[numbered as usize]
                        ),
                    )
                    .help(format!("if they are one {key}, spell it one way in every asset; if not, make them differ in letters or digits"))
                    .code(Code::TermSlugClash),
                );
        }
    }
    out
}

/// A value of one dimension with its page's slug ([`Dimension::by_slug`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlugGroup {
    pub slug: String,
    /// The index into [`Dimension::values`] (one: slugs are distinct).
    pub values: Vec<u32>,
    /// Every asset carrying it, ascending.
    pub assets: Vec<usize>,
}

/// How the audience values read on the library page.
fn audience_name(a: Audience) -> &'static str {
    match a {
        Audience::External => "External (forwardable)",
        Audience::Internal => "Internal only",
    }
}

/// A dimension whose values are free words from front matter: `get` pushes an asset's
/// (id, name) pairs (it gets the asset's index too). Values are sorted by id, the first
/// spelling met in library order naming each.
fn free<'a>(
    dim: Dim,
    assets: &'a [std::sync::Arc<Asset>],
    get: impl Fn(usize, &'a Asset, &mut Vec<(&'a str, &'a str)>),
) -> Dimension {
    let mut names: BTreeMap<&str, &str> = BTreeMap::new();
    let mut per_asset: Vec<Vec<(&str, &str)>> = Vec::with_capacity(assets.len());
    for (i, a) in assets.iter().enumerate() {
        let mut pairs = Vec::new();
        get(i, a, &mut pairs);
        for &(id, name) in &pairs {
            names.entry(id).or_insert(name);
        }
        per_asset.push(pairs);
    }
    let index: FxHashMap<&str, u32> = names
        .keys()
        .enumerate()
        .map(|(i, id)| (*id, i as u32))
        .collect();
    let of_asset = per_asset
        .iter()
        .map(|pairs| {
            let mut v: Vec<u32> = pairs
                .iter()
                .filter_map(|(id, _)| index.get(id).copied())
                .collect();
            v.sort_unstable();
            v.dedup();
            v
        })
        .collect();
    let values = names
        .into_iter()
        .map(|(id, name)| (id.to_string(), name.to_string()))
        .collect();
    Dimension::new(dim, values, of_asset)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAN: &str = r#"
[site]
title = "T"
[plan]
title = "P"
as_of = 2026-11-01
[[stages]]
id = "awareness"
[[stages]]
id = "decision"
[[personas]]
id = "cfo"
name = "CFO"
[[segments]]
id = "smb"
name = "SMB"
pipeline = 1
"#;

    #[test]
    fn values_whose_slugs_collide_get_distinct_slugs_and_a_warning() {
        let lib = crate::library::in_memory(&[
            ("plan.toml", PLAN),
            ("content/a.md", "---\ntitle: A\ntags: [a-b, c, 経理]\n---\n"),
            ("content/b.md", "---\ntitle: B\ntags: [a b, 法務]\n---\n"),
            (
                "content/c.md",
                "---\ntitle: C\ntags: [a b, a-b, café, cafe]\n---\n",
            ),
        ]);
        let m = Membership::of(&lib);
        let tags = m.get(Dim::Tag);
        let pairs: Vec<(&str, &str)> = tags
            .values
            .iter()
            .zip(&tags.slugs)
            .map(|(v, s)| (v.id.as_str(), s.as_str()))
            .collect();
        assert_eq!(
            pairs,
            [
                ("a b", "a-b"),
                ("a-b", "a-b-2"),
                ("c", "c"),
                ("cafe", "cafe"),
                ("café", "cafe-2"),
                ("法務", "法務"),
                ("経理", "経理"),
            ]
        );
        let groups = tags.by_slug();
        let slugs: Vec<&str> = groups.iter().map(|g| g.slug.as_str()).collect();
        assert_eq!(
            slugs,
            ["a-b", "a-b-2", "c", "cafe", "cafe-2", "法務", "経理"]
        );
        assert_eq!(groups[0].assets, [1, 2]);
        assert_eq!(groups[1].assets, [0, 2]);
        let warnings: Vec<String> = m
            .slug_warnings(&lib)
            .iter()
            .map(|d| format!("{}: {} [{}]", d.location(), d.message, d.code))
            .collect();
        assert_eq!(
            warnings,
            [
                "content/a.md: tags `a b` and `a-b` make one slug: `a b` has the page tags/a-b/, `a-b` the page tags/a-b-2/ [W0403]",
                "content/c.md: tags `cafe` and `café` make one slug: `cafe` has the page tags/cafe/, `café` the page tags/cafe-2/ [W0403]",
            ]
        );
    }

    #[test]
    fn both_directions_in_plan_and_id_order() {
        let lib = crate::library::in_memory(&[
            ("plan.toml", PLAN),
            (
                "content/a.md",
                "---\ntitle: A\nstage: decision\ntags: [roi, erp]\nowner: Sales Ops\ntype: guide\n---\n",
            ),
            (
                "content/b.md",
                "---\ntitle: B\nstages: all\ntags: [erp]\nowner: sales ops\naudience: internal\n---\n",
            ),
            ("content/c.md", "---\ntitle: C\n---\n"),
        ]);
        let m = Membership::of(&lib);
        let dims: Vec<Dim> = m.dims().iter().map(|d| d.dim).collect();
        assert_eq!(dims, Dim::ALL);

        let stages = m.get(Dim::Stage);
        let ids: Vec<&str> = stages.values.iter().map(|v| v.id.as_str()).collect();
        assert_eq!(ids, ["awareness", "decision"], "plan order");
        assert_eq!(stages.values[0].assets, [1]);
        assert_eq!(stages.values[1].assets, [0, 1]);
        assert_eq!(stages.of_asset, [vec![1], vec![0, 1], vec![]]);
        assert_eq!(m.get(Dim::Segment).values[0].assets, Vec::<usize>::new());

        let tags = m.get(Dim::Tag);
        let ids: Vec<&str> = tags.values.iter().map(|v| v.id.as_str()).collect();
        assert_eq!(ids, ["erp", "roi"], "sorted by id");
        assert_eq!(tags.values_of(0), [0, 1]);
        assert_eq!(tags.values_of(1), [0]);
        assert_eq!(tags.values_of(9), [] as [u32; 0], "out of range: none");

        let owners = m.get(Dim::Owner);
        assert_eq!(owners.values.len(), 1, "spellings of one owner meet");
        assert_eq!(owners.values[0].id, "sales-ops");
        assert_eq!(
            owners.values[0].name, "Sales Ops",
            "first spelling names it"
        );
        assert_eq!(owners.values[0].assets, [0, 1]);

        let groups = tags.by_slug();
        let slugs: Vec<&str> = groups.iter().map(|g| g.slug.as_str()).collect();
        assert_eq!(slugs, ["erp", "roi"]);
        assert_eq!(groups[0].assets, [0, 1]);

        let aud = m.get(Dim::Audience);
        assert_eq!(aud.values[0].id, "internal");
        assert_eq!(aud.values[0].name, "Internal only");
        assert_eq!(m.get(Dim::Type).values[0].assets, [0]);
    }
}
