//! `coverage.json` and `coverage.csv`: the model of SPEC §2 for machines and
//! spreadsheets.

use std::fmt::Write as _;

use serde::Serialize;

use crate::coverage::Coverage;
use crate::library::Library;

// The document is serialized straight from these borrowing structs: through a
// `serde_json::Value` every slug of every cell became a string of its own (a hundred
// megabytes at 100,000 assets). Fields are in alphabetical order, the order a `Value`
// map writes them in, so the bytes stay as they were.

#[derive(Serialize)]
struct JsonDoc<'a> {
    cells: Vec<JsonCell<'a>>,
    gaps: Vec<String>,
    objections: Vec<JsonObjection<'a>>,
    plan: serde_json::Value,
    segments: Vec<serde_json::Value>,
    summary: serde_json::Value,
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
        plan: serde_json::json!({ "title": p.title, "currency": p.currency, "as_of": p.as_of.to_string(), "revenue_goal": p.revenue_goal, "target": p.target }),
        summary,
        segments: cov.segments.iter().map(|s| {
            let seg = &p.segments[s.segment];
            serde_json::json!({
                "id": seg.id, "name": seg.name, "pipeline": seg.pipeline,
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
    let mut out = serde_json::to_vec_pretty(&doc).unwrap_or_default();
    out.push(b'\n');
    out
}

fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// `coverage.csv`: one row per cell, for spreadsheets.
pub fn coverage_csv(lib: &Library, cov: &Coverage) -> Vec<u8> {
    let p = &lib.plan;
    let mut out =
        String::from("segment,persona,stage,count,target,fill,status,pipeline_at_stake\n");
    for c in &cov.cells {
        let fill = c.fill.map_or(String::new(), |f| format!("{}", round6(f)));
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{},{:.2}",
            csv_field(&p.segments[c.segment].id),
            csv_field(&p.personas[c.persona].id),
            csv_field(&p.stages[c.stage].id),
            c.count(),
            c.target,
            fill,
            c.status.as_str(),
            c.pipeline_at_stake
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
