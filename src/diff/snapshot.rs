//! A [`Snapshot`] of a loaded library and its coverage: what `build` would write into
//! coverage.json and assets.json, kept as plain data to compare.

use std::collections::BTreeMap;

use super::model::{
    AssetSnap, AssetState, CellSnap, DecisionSnap, Figures, Model, Named, ObjectionSnap, PlanSnap,
    SegmentSnap, Snapshot, round2, round6,
};
use crate::coverage::Coverage;
use crate::library::Library;

impl Snapshot {
    /// A side whose library loaded: every figure, cell, asset and decision.
    pub fn from_model(
        label: impl Into<String>,
        source: &'static str,
        lib: &Library,
        cov: &Coverage,
    ) -> Snapshot {
        let p = &lib.plan;
        let cells: Vec<CellSnap> = cov
            .cells
            .iter()
            .map(|c| CellSnap {
                segment: p.segments[c.segment].id.clone(),
                persona: p.personas[c.persona].id.clone(),
                stage: p.stages[c.stage].id.clone(),
                count: c.count() as u64,
                target: u64::from(c.target),
                status: c.status,
                weight: c.weight,
                pipeline_at_stake: round2(c.pipeline_at_stake),
            })
            .collect();
        let segments = p
            .segments
            .iter()
            .map(|s| SegmentSnap {
                id: s.id.clone(),
                name: Some(s.name.clone()),
                pipeline: Some(s.pipeline),
                weights: BTreeMap::new(),
            })
            .collect();
        let named = |id: &str, name: &str| Named {
            id: id.to_string(),
            name: Some(name.to_string()),
        };
        let mut plan = PlanSnap {
            currency: p.currency.clone(),
            as_of: Some(p.as_of.to_string()),
            target: Some(p.target),
            segments,
            personas: p.personas.iter().map(|x| named(&x.id, &x.name)).collect(),
            stages: p.stages.iter().map(|x| named(&x.id, &x.name)).collect(),
        };
        fill_weights(&mut plan, &cells);
        let assets = lib
            .assets
            .iter()
            .map(|a| {
                let states = AssetState::ALL
                    .iter()
                    .map(|&(state, ..)| {
                        let on = match state {
                            AssetState::Stale => a.stale,
                            AssetState::Counted => a.counts_toward_coverage(p.count_stale),
                            AssetState::DueSoon => a.freshness.due_soon,
                            AssetState::Superseded => a.freshness.superseded_by.is_some(),
                            AssetState::Draft => a.draft,
                        };
                        (state, on)
                    })
                    .collect();
                let snap = AssetSnap {
                    title: Some(a.title.clone()),
                    states,
                };
                (a.slug.clone(), snap)
            })
            .collect();
        let decisions = p
            .decisions
            .iter()
            .map(|d| DecisionSnap {
                segment: d.segment.map(|i| p.segments[i].id.clone()),
                persona: d.persona.map(|i| p.personas[i].id.clone()),
                stage: d.stage.map(|i| p.stages[i].id.clone()),
                target: d.target,
                why: d.why.clone(),
                lapsed: d.lapsed(p.as_of),
            })
            .collect();
        let objections = cov
            .objections
            .iter()
            .map(|o| {
                let obj = &p.objections[o.objection];
                ObjectionSnap {
                    id: obj.id.clone(),
                    text: obj.text.clone(),
                    answers: o.assets.len(),
                }
            })
            .collect();
        let s = &cov.summary;
        Snapshot {
            label: label.into(),
            source,
            commit: None,
            errors: Vec::new(),
            model: Some(Model {
                plan,
                figures: Figures {
                    coverage: s.coverage.map(round6),
                    pipeline_weighted_coverage: s.pipeline_weighted_coverage.map(round6),
                    pipeline_at_stake: round2(s.pipeline_at_stake),
                },
                cells,
                assets: Some(assets),
                decisions: Some(decisions),
                objections,
            }),
        }
    }

    /// A side whose library has errors: only what they are.
    pub fn from_errors(
        label: impl Into<String>,
        source: &'static str,
        errors: Vec<String>,
    ) -> Snapshot {
        Snapshot {
            label: label.into(),
            source,
            commit: None,
            errors,
            model: None,
        }
    }

    /// The same side, resolved to `commit`.
    pub fn at_commit(mut self, commit: Option<String>) -> Snapshot {
        self.commit = commit;
        self
    }
}

/// Each segment's weights as the cells show them: a persona's weight is that of its
/// cells with a target (waived cells weigh 0 whatever the plan says).
pub(super) fn fill_weights(plan: &mut PlanSnap, cells: &[CellSnap]) {
    for seg in &mut plan.segments {
        for c in cells.iter().filter(|c| c.segment == seg.id && c.target > 0) {
            let w = seg.weights.entry(c.persona.clone()).or_insert(c.weight);
            *w = w.max(c.weight);
        }
    }
}
