//! A [`Snapshot`] of an earlier build's output folder: its coverage.json (required)
//! and assets.json (when there). Read leniently: a key an older or newer build does not
//! write is unavailable, not an error; only a coverage.json that is not JSON or has no
//! cells is refused.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use super::model::{
    AssetSnap, AssetState, CellSnap, Figures, Model, Named, ObjectionSnap, PlanSnap, SegmentSnap,
    Snapshot, parse_status,
};
use super::snapshot::fill_weights;

/// Files above this size are not read (coverage.json of 100,000 assets is ~30 MB).
const MAX_BYTES: u64 = 1 << 30;

impl Snapshot {
    /// The build in `folder` (or the coverage.json file `folder` names, with the
    /// assets.json beside it).
    pub fn from_output(folder: &Path, label: impl Into<String>) -> Result<Snapshot, String> {
        let (dir, coverage) = if folder.is_file() {
            (
                folder.parent().unwrap_or(Path::new(".")),
                folder.to_path_buf(),
            )
        } else {
            (folder, folder.join("coverage.json"))
        };
        let doc = read_json(&coverage)?;
        let assets_path = dir.join("assets.json");
        let assets = if assets_path.is_file() {
            Some(parse_assets(&read_json(&assets_path)?))
        } else {
            None
        };
        let model = parse_coverage(&doc, assets).map_err(|why| {
            format!(
                "{} is not a covermap coverage.json: {why}",
                coverage.display()
            )
        })?;
        Ok(Snapshot {
            label: label.into(),
            source: "folder",
            commit: None,
            errors: Vec::new(),
            model: Some(model),
        })
    }
}

fn read_json(path: &Path) -> Result<Value, String> {
    let file =
        std::fs::File::open(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut text = Vec::new();
    std::io::Read::read_to_end(&mut std::io::Read::take(file, MAX_BYTES), &mut text)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_slice(&text).map_err(|e| format!("{} is not JSON: {e}", path.display()))
}

fn string(v: &Value) -> Option<String> {
    v.as_str().map(str::to_string)
}

/// A list of ids or of `{id, name}` objects, as a newer coverage.json may give the
/// personas and stages with their names.
fn named_list(v: &Value) -> Option<Vec<Named>> {
    let items = v.as_array()?;
    let list: Vec<Named> = items
        .iter()
        .filter_map(|x| match x {
            Value::String(id) => Some(Named {
                id: id.clone(),
                name: None,
            }),
            Value::Object(o) => Some(Named {
                id: o.get("id").and_then(Value::as_str)?.to_string(),
                name: o.get("name").and_then(Value::as_str).map(str::to_string),
            }),
            _ => None,
        })
        .collect();
    (!list.is_empty()).then_some(list)
}

/// The ids of `key` in cell order, each once: the dimensions an output folder implies.
fn ids_in_order(cells: &[CellSnap], key: fn(&CellSnap) -> &str) -> Vec<Named> {
    let mut seen = std::collections::HashSet::new();
    cells
        .iter()
        .map(key)
        .filter(|id| seen.insert(*id))
        .map(|id| Named {
            id: id.to_string(),
            name: None,
        })
        .collect()
}

pub(super) fn parse_coverage(
    doc: &Value,
    assets: Option<BTreeMap<String, AssetSnap>>,
) -> Result<Model, String> {
    let Some(raw_cells) = doc.get("cells").and_then(Value::as_array) else {
        return Err("it has no `cells` list".into());
    };
    let mut cells = Vec::with_capacity(raw_cells.len());
    for (i, c) in raw_cells.iter().enumerate() {
        let field = |k: &str| c.get(k).and_then(Value::as_str);
        let (Some(segment), Some(persona), Some(stage)) =
            (field("segment"), field("persona"), field("stage"))
        else {
            return Err(format!("cell {} has no segment, persona or stage", i + 1));
        };
        let Some(status) = field("status").and_then(parse_status) else {
            return Err(format!("cell {} has no status covermap knows", i + 1));
        };
        let num = |k: &str| c.get(k).and_then(Value::as_f64).unwrap_or(0.0);
        cells.push(CellSnap {
            segment: segment.to_string(),
            persona: persona.to_string(),
            stage: stage.to_string(),
            count: c.get("count").and_then(Value::as_u64).unwrap_or(0),
            target: c.get("target").and_then(Value::as_u64).unwrap_or(0),
            status,
            weight: num("weight"),
            pipeline_at_stake: num("pipeline_at_stake"),
        });
    }
    let plan_v = &doc["plan"];
    let segments = doc["segments"]
        .as_array()
        .map(|list| {
            list.iter()
                .filter_map(|s| {
                    Some(SegmentSnap {
                        id: string(&s["id"])?,
                        name: string(&s["name"]),
                        pipeline: s["pipeline"].as_f64(),
                        weights: BTreeMap::new(),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    let dimension = |key: &str, from_cells: fn(&CellSnap) -> &str| {
        named_list(&doc[key])
            .or_else(|| named_list(&plan_v[key]))
            .unwrap_or_else(|| ids_in_order(&cells, from_cells))
    };
    let mut plan = PlanSnap {
        currency: string(&plan_v["currency"]).unwrap_or_default(),
        as_of: string(&plan_v["as_of"]),
        target: plan_v["target"]
            .as_u64()
            .and_then(|t| u32::try_from(t).ok()),
        segments,
        personas: dimension("personas", |c| &c.persona),
        stages: dimension("stages", |c| &c.stage),
    };
    fill_weights(&mut plan, &cells);
    let summary = &doc["summary"];
    let figures = Figures {
        coverage: summary["coverage"].as_f64(),
        pipeline_weighted_coverage: summary["pipeline_weighted_coverage"].as_f64(),
        pipeline_at_stake: summary["pipeline_at_stake"]
            .as_f64()
            .unwrap_or_else(|| cells.iter().map(|c| c.pipeline_at_stake).sum()),
    };
    let objections = doc["objections"]
        .as_array()
        .map(|list| {
            list.iter()
                .filter_map(|o| {
                    Some(ObjectionSnap {
                        id: string(&o["id"])?,
                        text: string(&o["text"]).unwrap_or_default(),
                        answers: o["assets"].as_array().map_or(0, Vec::len),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(Model {
        plan,
        figures,
        cells,
        assets,
        // coverage.json shows the decision behind each cell, not the decisions
        // themselves (nor those that lapsed): unavailable.
        decisions: None,
        objections,
    })
}

/// assets.json: a list of asset objects, or an object holding one under `assets`.
pub(super) fn parse_assets(doc: &Value) -> BTreeMap<String, AssetSnap> {
    let list = doc
        .as_array()
        .or_else(|| doc.get("assets").and_then(Value::as_array));
    list.into_iter()
        .flatten()
        .filter_map(|a| {
            let slug = string(a.get("slug")?)?;
            let states = AssetState::ALL
                .iter()
                .filter_map(|&(state, key, ..)| match state {
                    // assets.json names the replacement; the state is whether it has one.
                    AssetState::Superseded => Some((state, !a.get("superseded_by")?.is_null())),
                    _ => Some((state, a.get(key)?.as_bool()?)),
                })
                .collect();
            let title = a.get("title").and_then(string);
            Some((slug, AssetSnap { title, states }))
        })
        .collect()
}
