use crate::coverage::Status;
use std::collections::BTreeMap;

use super::*;
use crate::diff::show;

fn cell(
    seg: &str,
    persona: &str,
    stage: &str,
    count: u64,
    target: u64,
    status: Status,
) -> CellSnap {
    CellSnap {
        segment: seg.into(),
        persona: persona.into(),
        stage: stage.into(),
        count,
        target,
        status,
        weight: 1.0,
        pipeline_at_stake: if status == Status::Covered {
            0.0
        } else {
            100.0
        },
    }
}

fn side(label: &str, coverage: f64, cells: Vec<CellSnap>) -> Snapshot {
    Snapshot {
        label: label.into(),
        source: "folder",
        commit: None,
        errors: Vec::new(),
        model: Some(Model {
            figures: Figures {
                coverage: Some(coverage),
                pipeline_weighted_coverage: Some(coverage),
                pipeline_at_stake: cells.iter().map(|c| c.pipeline_at_stake).sum(),
            },
            cells,
            ..Model::default()
        }),
    }
}

#[test]
fn a_status_getting_worse_or_coverage_falling_is_a_regression() {
    let base = side(
        "b",
        0.5,
        vec![
            cell("e", "p", "s", 2, 2, Status::Covered),
            cell("e", "p", "t", 0, 0, Status::Waived),
        ],
    );
    // covered → thin is worse; waived → covered is not; a cell new in the head is not.
    let head = side(
        "h",
        0.5,
        vec![
            cell("e", "p", "s", 1, 2, Status::Thin),
            cell("e", "p", "t", 1, 1, Status::Covered),
            cell("e", "p", "u", 0, 1, Status::Gap),
        ],
    );
    let diff = Diff::between(&base, &head);
    assert_eq!(diff.cells.len(), 3);
    assert!(diff.cells[2].before.is_none());
    assert_eq!(
        diff.regressions(),
        vec!["e · p · s: covered 2/2 → thin 1/2".to_string()]
    );
    // The other way round, only the fall from covered to gap of the cell... none: thin →
    // covered and covered → waived are no worse, and a removed cell is not judged.
    let back = Diff::between(&head, &base);
    assert_eq!(back.regressions(), Vec::<String>::new());
    let lower = side("h", 0.4999, base.model.clone().unwrap().cells);
    assert_eq!(
        Diff::between(&base, &lower).regressions(),
        vec!["plan coverage fell from 50.0% to 50.0%".to_string()],
        "a fall under a tenth of a point still fails the gate"
    );
}

#[test]
fn a_side_with_errors_has_no_figures_and_a_head_with_errors_regresses() {
    let ok = side("b", 0.5, vec![cell("e", "p", "s", 2, 2, Status::Covered)]);
    let broken = Snapshot::from_errors("h", "git", vec!["plan.toml:3: error".into()]);
    let diff = Diff::between(&ok, &broken);
    assert!(!diff.comparable());
    assert_eq!(
        (diff.coverage.before, diff.coverage.after),
        (Some(0.5), None)
    );
    assert!(diff.cells.is_empty() && diff.assets.is_none());
    assert_eq!(diff.regressions().len(), 1);
    assert_eq!(Diff::between(&broken, &ok).regressions().len(), 0);
    let j = show::json(&Diff::between(&broken, &ok));
    assert_eq!(j["base"]["available"], false);
    assert_eq!(j["coverage"]["before"], serde_json::Value::Null);
    assert_eq!(j["assets"], serde_json::Value::Null);
}

#[test]
fn asset_states_enter_and_leave() {
    let asset = |title: &str, stale: bool| AssetSnap {
        title: Some(title.into()),
        states: BTreeMap::from([(AssetState::Stale, stale), (AssetState::Counted, !stale)]),
    };
    let mut base = side("b", 1.0, vec![]);
    let mut head = base.clone();
    base.model.as_mut().unwrap().assets = Some(BTreeMap::from([
        ("a".into(), asset("A", false)),
        ("b".into(), asset("B", true)),
        ("gone".into(), asset("G", false)),
    ]));
    head.model.as_mut().unwrap().assets = Some(BTreeMap::from([
        ("a".into(), asset("A2", true)),
        ("b".into(), asset("B", false)),
        (
            "new".into(),
            AssetSnap {
                title: Some("N".into()),
                states: BTreeMap::new(),
            },
        ),
    ]));
    let diff = Diff::between(&base, &head);
    let keys: Vec<(&str, &str)> = diff
        .assets
        .as_ref()
        .unwrap()
        .iter()
        .map(|c| (c.key(), c.slug()))
        .collect();
    assert_eq!(
        keys,
        vec![
            ("retitled", "a"),
            ("stale", "a"),
            ("uncounted", "a"),
            ("fresh", "b"),
            ("counted", "b"),
            ("added", "new"),
            ("removed", "gone"),
        ]
    );
    let j = show::json(&diff);
    for key in [
        "added",
        "removed",
        "retitled",
        "stale",
        "fresh",
        "counted",
        "uncounted",
    ] {
        assert!(j["assets"][key].is_array(), "{key}");
    }
    assert_eq!(
        j["assets"]["retitled"][0],
        serde_json::json!({"slug": "a", "before": "A", "after": "A2"})
    );
}

#[test]
fn markdown_starts_with_the_marker_sums_up_past_fifty_rows_and_fits_a_comment() {
    let many = |status| {
        (0..400)
            .map(|i| cell("seg", "p", &format!("stage-{i:03}"), 0, 2, status))
            .collect::<Vec<_>>()
    };
    let mut base = side("b", 0.8, many(Status::Covered));
    let mut head = side("h", 0.2, many(Status::Gap));
    let long = "x|<b>*".repeat(300);
    let assets = |n: usize| {
        (0..n)
            .map(|i| {
                (
                    format!("asset-{i:04}"),
                    AssetSnap {
                        title: Some(long.clone()),
                        states: BTreeMap::new(),
                    },
                )
            })
            .collect()
    };
    base.model.as_mut().unwrap().assets = Some(assets(0));
    head.model.as_mut().unwrap().assets = Some(assets(3000));
    let md = show::markdown(&Diff::between(&base, &head));
    assert!(md.starts_with("<!-- covermap-diff -->\n"));
    assert!(md.len() < 65_536, "{}", md.len());
    assert!(
        md.contains("| … and 350 more cells (350 worse) | | | +$35k |"),
        "{md}"
    );
    assert!(md.contains("- … and 2950 more: 2950 added"));
    assert_eq!(md.matches("| seg · p · stage-").count(), 50);
    assert!(!md.contains("<b>"), "titles are inert");
}

#[test]
fn markdown_text_is_inert() {
    assert_eq!(
        show::md("a|b <script> *x* [l](u)"),
        "a\\|b &lt;script&gt; \\*x\\* \\[l\\](u)"
    );
}

#[test]
fn an_output_folder_reads_as_the_model_it_was_written_from() {
    let doc = serde_json::json!({
        "plan": {"currency": "EUR", "as_of": "2026-11-01", "target": 2},
        "summary": {"coverage": 0.5, "pipeline_weighted_coverage": 0.25, "pipeline_at_stake": 10.5},
        "segments": [{"id": "e", "name": "Enterprise", "pipeline": 100.0}],
        "cells": [
            {"segment": "e", "persona": "p", "stage": "s", "count": 1, "target": 2, "status": "thin", "weight": 3.0, "pipeline_at_stake": 10.5},
            {"segment": "e", "persona": "q", "stage": "s", "count": 0, "target": 0, "status": "waived", "weight": 0.0, "pipeline_at_stake": 0.0}
        ],
        "objections": [{"id": "o", "text": "t", "assets": ["a"]}]
    });
    let m = output_folder::parse_coverage(&doc, None).unwrap();
    assert_eq!(m.figures.coverage, Some(0.5));
    assert_eq!(m.cells[0].status, Status::Thin);
    assert_eq!(
        m.plan
            .personas
            .iter()
            .map(|n| n.id.as_str())
            .collect::<Vec<_>>(),
        ["p", "q"]
    );
    assert_eq!(
        m.plan.segments[0].weights,
        BTreeMap::from([("p".to_string(), 3.0)])
    );
    assert_eq!(m.objections[0].answers, 1);
    assert!(m.assets.is_none() && m.decisions.is_none());
    // A newer coverage.json names the dimensions (with their order) at the top.
    let mut named = doc.clone();
    named["personas"] = serde_json::json!([
        {"id": "q", "name": "Q", "order": 1},
        {"id": "p", "name": "P", "order": 2}
    ]);
    let m2 = output_folder::parse_coverage(&named, None).unwrap();
    let personas: Vec<(&str, Option<&str>)> = m2
        .plan
        .personas
        .iter()
        .map(|n| (n.id.as_str(), n.name.as_deref()))
        .collect();
    assert_eq!(personas, [("q", Some("Q")), ("p", Some("P"))]);
    assert!(m2.plan.stages[0].name.is_none());
    assert!(
        output_folder::parse_coverage(&serde_json::json!({"cells": [{"segment": "e"}]}), None)
            .is_err()
    );
    // assets.json: a list (or an object holding one); a state it lacks is unavailable.
    let assets = output_folder::parse_assets(&serde_json::json!({"assets": [
        {"slug": "a", "title": "A", "stale": true},
        {"title": "no slug"}
    ]}));
    assert_eq!(assets.len(), 1);
    assert_eq!(
        assets["a"].states,
        BTreeMap::from([(AssetState::Stale, true)])
    );
}
