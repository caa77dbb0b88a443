//! `coverage.json` and `coverage.csv`: the model of SPEC §2 for machines and
//! spreadsheets, each complete without plan.toml (names, orders, as_of, currency), so
//! an analyst can pivot and stack weekly exports. `assets.*` and the JSON Schemas are
//! in [`super::exports`].

use std::fmt::Write as _;

use serde::Serialize;

use crate::coverage::Coverage;
use crate::json::{self, Escape};
use crate::library::Library;

/// The version of the exports' layout (coverage.*, assets.*): raised when a field or
/// column is removed or changes meaning, not when one is added.
pub const SCHEMA_VERSION: u32 = 1;

/// `covermap X.Y.Z`, as the exports name what wrote them.
pub fn generator() -> String {
    format!("covermap {}", env!("CARGO_PKG_VERSION"))
}

// The document is serialized straight from these borrowing structs: through a
// `serde_json::Value` every slug of every cell became a string of its own (a hundred
// megabytes at 100,000 assets). Fields are in alphabetical order, the order a `Value`
// map writes them in, so `check --format json` (which goes through one) keeps the order.

#[derive(Serialize)]
struct JsonDoc<'a> {
    cells: Vec<JsonCell<'a>>,
    gaps: Vec<String>,
    generator: String,
    objections: Vec<JsonObjection<'a>>,
    personas: Vec<JsonDimension<'a>>,
    plan: serde_json::Value,
    schema_version: u32,
    segments: Vec<serde_json::Value>,
    stages: Vec<JsonDimension<'a>>,
    summary: serde_json::Value,
}

/// A persona or stage: its id, name and 1-based place in the plan.
#[derive(Serialize)]
struct JsonDimension<'a> {
    id: &'a str,
    name: &'a str,
    order: usize,
}

#[derive(Serialize)]
struct JsonCell<'a> {
    assets: Vec<&'a str>,
    count: usize,
    decision: Option<serde_json::Value>,
    fill: Option<f64>,
    persona: &'a str,
    pipeline_at_stake: f64,
    segment: &'a str,
    stage: &'a str,
    stale: usize,
    stale_assets: Vec<&'a str>,
    status: &'static str,
    target: u32,
    weight: f64,
}

#[derive(Serialize)]
struct JsonObjection<'a> {
    assets: Vec<&'a str>,
    heard: Option<u64>,
    id: &'a str,
    text: &'a str,
}

/// `coverage.json`: the model of SPEC §2 for machines.
pub fn coverage_json(lib: &Library, cov: &Coverage) -> Vec<u8> {
    let p = &lib.plan;
    let slug = |i: &usize| lib.assets[*i].slug.as_str();
    let cells: Vec<JsonCell> = cov
        .cells
        .iter()
        .map(|c| JsonCell {
            segment: &p.segments[c.segment].id,
            persona: &p.personas[c.persona].id,
            stage: &p.stages[c.stage].id,
            count: c.count(),
            stale: c.stale(),
            target: c.target,
            fill: c.fill.map(round6),
            status: c.status.as_str(),
            weight: c.weight,
            pipeline_at_stake: round2(c.pipeline_at_stake),
            assets: c.assets.iter().map(slug).collect(),
            stale_assets: c.stale_assets.iter().map(slug).collect(),
            decision: c.decision.map(|d| {
                let d = &p.decisions[d];
                serde_json::json!({ "target": d.target, "why": d.why, "owner": d.owner, "review_by": d.review_by })
            }),
        })
        .collect();
    let mut summary = serde_json::to_value(&cov.summary).unwrap_or_default();
    for key in ["coverage", "pipeline_weighted_coverage"] {
        if let Some(v) = summary.get_mut(key)
            && let Some(f) = v.as_f64()
        {
            *v = serde_json::json!(round6(f));
        }
    }
    summary["pipeline_at_stake"] = serde_json::json!(round2(cov.summary.pipeline_at_stake));
    let doc = JsonDoc {
        schema_version: SCHEMA_VERSION,
        generator: generator(),
        personas: p
            .personas
            .iter()
            .enumerate()
            .map(|(i, x)| JsonDimension { id: &x.id, name: &x.name, order: i + 1 })
            .collect(),
        stages: p
            .stages
            .iter()
            .enumerate()
            .map(|(i, x)| JsonDimension { id: &x.id, name: &x.name, order: i + 1 })
            .collect(),
        plan: serde_json::json!({ "title": p.title, "currency": p.currency, "as_of": p.as_of.to_string(), "revenue_goal": p.revenue_goal, "target": p.target }),
        summary,
        segments: cov.segments.iter().map(|s| {
            let seg = &p.segments[s.segment];
            serde_json::json!({
                "id": seg.id, "name": seg.name, "order": s.segment + 1, "pipeline": seg.pipeline,
                "coverage": s.coverage.map(round6),
                "buying_group_coverage": s.buying_group_coverage.map(round6),
                "pipeline_at_stake": round2(s.pipeline_at_stake),
                "personas": s.personas.iter().map(|pc| serde_json::json!({ "id": p.personas[pc.persona].id, "coverage": pc.coverage.map(round6) })).collect::<Vec<_>>(),
            })
        }).collect(),
        cells,
        gaps: cov.gaps.iter().map(|&i| {
            let c = &cov.cells[i];
            format!("{}|{}|{}", p.segments[c.segment].id, p.personas[c.persona].id, p.stages[c.stage].id)
        }).collect(),
        objections: cov.objections.iter().map(|o| {
            let obj = &p.objections[o.objection];
            JsonObjection { id: &obj.id, text: &obj.text, heard: obj.heard, assets: o.assets.iter().map(slug).collect() }
        }).collect(),
    };
    json::pretty(&doc, Escape::Markup)
}

pub(super) fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

pub(super) fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// The columns of `coverage.csv`: the first eight as they always were, then what makes
/// the file stand without plan.toml.
pub const COVERAGE_CSV_COLUMNS: &[&str] = &[
    "segment",
    "persona",
    "stage",
    "count",
    "target",
    "fill",
    "status",
    "pipeline_at_stake",
    "segment_name",
    "persona_name",
    "stage_name",
    "segment_order",
    "persona_order",
    "stage_order",
    "stale",
    "weight",
    "gap_rank",
    "as_of",
    "currency",
];

/// `coverage.csv`: one row per cell, for spreadsheets. `gap_rank` is the cell's place
/// in the gap list (1 = the largest pipeline at stake, ties in plan order), empty for a
/// cell at target or waived.
pub fn coverage_csv(lib: &Library, cov: &Coverage) -> Vec<u8> {
    let p = &lib.plan;
    let mut rank = vec![None; cov.cells.len()];
    for (i, &c) in cov.gaps.iter().enumerate() {
        rank[c] = Some(i + 1);
    }
    let (as_of, currency) = (p.as_of.to_string(), csv_field(&p.currency));
    let mut out = COVERAGE_CSV_COLUMNS.join(",");
    out.push('\n');
    for (c, rank) in cov.cells.iter().zip(rank) {
        let fill = c.fill.map_or(String::new(), |f| format!("{}", round6(f)));
        let (seg, per, stg) = (
            &p.segments[c.segment],
            &p.personas[c.persona],
            &p.stages[c.stage],
        );
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{},{:.2},{},{},{},{},{},{},{},{},{},{},{}",
            csv_field(&seg.id),
            csv_field(&per.id),
            csv_field(&stg.id),
            c.count(),
            c.target,
            fill,
            c.status.as_str(),
            c.pipeline_at_stake,
            csv_field(&seg.name),
            csv_field(&per.name),
            csv_field(&stg.name),
            c.segment + 1,
            c.persona + 1,
            c.stage + 1,
            c.stale(),
            round6(c.weight),
            rank.map_or(String::new(), |r| r.to_string()),
            as_of,
            currency,
        );
    }
    out.into_bytes()
}

/// Quotes a CSV field when needed and neutralises spreadsheet formulas.
pub fn csv_field(s: &str) -> String {
    let mut s = s.to_string();
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        s.insert(0, '\'');
    }
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_formulas_neutralised() {
        assert_eq!(csv_field("mid-market"), "mid-market");
        assert_eq!(csv_field("=cmd()"), "'=cmd()");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }
}
