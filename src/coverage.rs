//! The coverage model (SPEC §2): for every (segment, persona, stage) cell of the plan,
//! how many assets serve it against how many the plan wants, rolled up per persona,
//! segment and plan, weighted by pipeline, with the gaps ranked by pipeline at stake.
//!
//! Plain data in, plain data out: no I/O, no templates. The cost is linear in the
//! number of assets times the cells each one is tagged for.

use serde::Serialize;

use crate::asset::Asset;
use crate::plan::Plan;

/// How a cell stands against its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// count >= target > 0
    Covered,
    /// 0 < count < target
    Thin,
    /// count 0, target > 0
    Gap,
    /// target 0: light coverage is the decided, correct call
    Waived,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Covered => "covered",
            Status::Thin => "thin",
            Status::Gap => "gap",
            Status::Waived => "waived",
        }
    }
}

/// One (segment, persona, stage) cell. Indices point into the plan and the library.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub segment: usize,
    pub persona: usize,
    pub stage: usize,
    /// Assets that count toward the cell (indices into the library's assets).
    pub assets: Vec<usize>,
    /// Stale assets tagged for the cell.
    pub stale_assets: Vec<usize>,
    pub target: u32,
    /// The decision that set the target, if one did.
    pub decision: Option<usize>,
    /// `min(count, target) / target`; `None` where the target is 0.
    pub fill: Option<f64>,
    pub status: Status,
    pub weight: f64,
    pub pipeline_at_stake: f64,
}

impl Cell {
    pub fn count(&self) -> usize {
        self.assets.len()
    }

    pub fn stale(&self) -> usize {
        self.stale_assets.len()
    }

    /// A gap whose only tagged assets are stale: content exists but needs review.
    pub fn stale_only(&self) -> bool {
        self.assets.is_empty() && !self.stale_assets.is_empty()
    }
}

/// Coverage of one persona within a segment.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonaCoverage {
    pub persona: usize,
    pub coverage: Option<f64>,
}

/// Roll-ups for one segment.
#[derive(Debug, Clone, PartialEq)]
pub struct SegmentCoverage {
    pub segment: usize,
    pub coverage: Option<f64>,
    /// The weakest member of the buying group.
    pub buying_group_coverage: Option<f64>,
    pub personas: Vec<PersonaCoverage>,
    pub pipeline_at_stake: f64,
    /// The cells of this segment: a range into `Coverage::cells`.
    pub cells: std::ops::Range<usize>,
}

/// Assets that answer one objection.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectionCoverage {
    pub objection: usize,
    pub assets: Vec<usize>,
}

/// Headline figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub assets: usize,
    pub counted: usize,
    pub stale: usize,
    pub cells: usize,
    pub covered: usize,
    pub thin: usize,
    pub gap: usize,
    pub waived: usize,
    pub coverage: Option<f64>,
    pub pipeline_weighted_coverage: Option<f64>,
    pub pipeline_at_stake: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Coverage {
    /// Every cell in plan order: segment, then persona, then stage.
    pub cells: Vec<Cell>,
    pub segments: Vec<SegmentCoverage>,
    /// Cells with fill < 1, largest pipeline at stake first, ties in plan order.
    pub gaps: Vec<usize>,
    /// Objections by times heard (most first), ties in plan order.
    pub objections: Vec<ObjectionCoverage>,
    pub summary: Summary,
}

impl Coverage {
    /// Computes the model for a plan and the assets in the site.
    pub fn compute<A: std::borrow::Borrow<Asset>>(plan: &Plan, assets: &[A]) -> Coverage {
        let assets: Vec<&Asset> = assets.iter().map(std::borrow::Borrow::borrow).collect();
        let (np, nt) = (plan.personas.len(), plan.stages.len());
        // Dense index from (segment, persona, stage) to cell, so each asset finds its
        // cells in constant time.
        let mut index = vec![usize::MAX; plan.segments.len() * np * nt];
        let mut cells = Vec::new();
        let mut segment_ranges = Vec::with_capacity(plan.segments.len());
        for (si, seg) in plan.segments.iter().enumerate() {
            let start = cells.len();
            for (gi, &p) in seg.personas.iter().enumerate() {
                for &t in &seg.stages {
                    index[(si * np + p) * nt + t] = cells.len();
                    let decision = plan.decision_for(si, p, t);
                    let target = decision.map_or(plan.target, |d| plan.decisions[d].target);
                    cells.push(Cell {
                        segment: si,
                        persona: p,
                        stage: t,
                        assets: Vec::new(),
                        stale_assets: Vec::new(),
                        target,
                        decision,
                        fill: None,
                        status: Status::Waived,
                        weight: if target == 0 { 0.0 } else { seg.weights[gi] },
                        pipeline_at_stake: 0.0,
                    });
                }
            }
            segment_ranges.push(start..cells.len());
        }

        let mut counted = 0;
        for (ai, a) in assets.iter().enumerate() {
            let (Some(segs), Some(pers), Some(stgs)) = (&a.segments, &a.personas, &a.stages) else {
                continue;
            };
            // A superseded asset is out of coverage altogether, stale or not.
            if a.draft || a.freshness.superseded_by.is_some() {
                continue;
            }
            let counting = a.counts_toward_coverage(plan.count_stale);
            counted += usize::from(counting);
            for &s in segs {
                for &p in pers {
                    for &t in stgs {
                        let ci = index[(s * np + p) * nt + t];
                        if ci == usize::MAX {
                            continue;
                        }
                        if counting {
                            cells[ci].assets.push(ai);
                        }
                        if a.stale {
                            cells[ci].stale_assets.push(ai);
                        }
                    }
                }
            }
        }

        for cell in &mut cells {
            let count = cell.assets.len() as u32;
            (cell.fill, cell.status) = if cell.target == 0 {
                (None, Status::Waived)
            } else {
                let fill = f64::from(count.min(cell.target)) / f64::from(cell.target);
                let status = match count {
                    0 => Status::Gap,
                    c if c >= cell.target => Status::Covered,
                    _ => Status::Thin,
                };
                (Some(fill), status)
            };
        }

        let mut segments = Vec::with_capacity(plan.segments.len());
        for (si, seg) in plan.segments.iter().enumerate() {
            let range = segment_ranges[si].clone();
            let seg_cells = &mut cells[range.clone()];
            let total_weight: f64 = seg_cells.iter().map(|c| c.weight).sum();
            let coverage = weighted_fill(seg_cells.iter());
            for c in seg_cells.iter_mut() {
                if let Some(fill) = c.fill
                    && total_weight > 0.0
                {
                    c.pipeline_at_stake = seg.pipeline * c.weight * (1.0 - fill) / total_weight;
                }
            }
            let personas: Vec<PersonaCoverage> = seg
                .personas
                .iter()
                .map(|&p| PersonaCoverage {
                    persona: p,
                    coverage: mean(
                        seg_cells
                            .iter()
                            .filter(|c| c.persona == p)
                            .filter_map(|c| c.fill),
                    ),
                })
                .collect();
            let buying_group_coverage = personas.iter().filter_map(|p| p.coverage).reduce(f64::min);
            segments.push(SegmentCoverage {
                segment: si,
                coverage,
                buying_group_coverage,
                personas,
                pipeline_at_stake: seg_cells.iter().map(|c| c.pipeline_at_stake).sum(),
                cells: range,
            });
        }

        let mut gaps: Vec<usize> = (0..cells.len())
            .filter(|&i| cells[i].fill.is_some_and(|f| f < 1.0))
            .collect();
        // Stable sort: equal pipeline at stake keeps plan order.
        gaps.sort_by(|&a, &b| {
            cells[b]
                .pipeline_at_stake
                .total_cmp(&cells[a].pipeline_at_stake)
        });

        let (mut pw_num, mut pw_den) = (0.0, 0.0);
        for s in &segments {
            if let Some(c) = s.coverage {
                pw_num += plan.segments[s.segment].pipeline * c;
                pw_den += plan.segments[s.segment].pipeline;
            }
        }

        let mut objections: Vec<ObjectionCoverage> = (0..plan.objections.len())
            .map(|o| ObjectionCoverage {
                objection: o,
                assets: (0..assets.len())
                    .filter(|&a| {
                        assets[a].counts_as_answer(plan.count_stale)
                            && assets[a].objections.contains(&o)
                    })
                    .collect(),
            })
            .collect();
        objections
            .sort_by_key(|o| std::cmp::Reverse(plan.objections[o.objection].heard.unwrap_or(0)));

        let by_status = |s: Status| cells.iter().filter(|c| c.status == s).count();
        let summary = Summary {
            assets: assets.iter().filter(|a| !a.draft).count(),
            counted,
            stale: assets
                .iter()
                .filter(|a| a.stale && !a.draft && a.freshness.superseded_by.is_none())
                .count(),
            cells: cells.len(),
            covered: by_status(Status::Covered),
            thin: by_status(Status::Thin),
            gap: by_status(Status::Gap),
            waived: by_status(Status::Waived),
            coverage: weighted_fill(cells.iter()),
            pipeline_weighted_coverage: (pw_den > 0.0).then(|| pw_num / pw_den),
            pipeline_at_stake: cells.iter().map(|c| c.pipeline_at_stake).sum(),
        };
        Coverage {
            cells,
            segments,
            gaps,
            objections,
            summary,
        }
    }

    /// The cell for (segment, persona, stage), if the plan has one.
    pub fn cell(&self, segment: usize, persona: usize, stage: usize) -> Option<&Cell> {
        let seg = self.segments.get(segment)?;
        self.cells[seg.cells.clone()]
            .iter()
            .find(|c| c.persona == persona && c.stage == stage)
    }
}

/// `Σ weight · fill / Σ weight` over cells with a target; `None` when there are none.
fn weighted_fill<'a>(cells: impl Iterator<Item = &'a Cell>) -> Option<f64> {
    let (mut num, mut den) = (0.0, 0.0);
    for c in cells {
        if let Some(fill) = c.fill {
            num += c.weight * fill;
            den += c.weight;
        }
    }
    (den > 0.0).then(|| num / den)
}

fn mean(values: impl Iterator<Item = f64>) -> Option<f64> {
    let (sum, n) = values.fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    (n > 0).then(|| sum / n as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::asset::Asset;

    /// A plan with two segments; enterprise has weights and a waived cell.
    fn plan(extra: &str) -> Plan {
        let src = format!(
            r#"
[site]
title = "T"
[plan]
title = "P"
as_of = 2026-11-01
[coverage]
target = 2
[[stages]]
id = "awareness"
[[stages]]
id = "consideration"
[[stages]]
id = "evaluation"
[[stages]]
id = "decision"
[[stages]]
id = "onboarding"
[[personas]]
id = "economic-buyer"
[[personas]]
id = "champion"
[[segments]]
id = "enterprise"
pipeline = 4_000_000
weights = {{ economic-buyer = 3 }}
[[segments]]
id = "smb"
pipeline = 1_000_000
personas = ["champion"]
stages = ["decision"]
[[decisions]]
segment = "enterprise"
persona = "economic-buyer"
stage = "awareness"
target = 0
why = "The EB signs off on a decision made one level down."
{extra}"#
        );
        let parsed = crate::plan::parse(&src, None);
        let diags = parsed.diagnostics.clone();
        parsed.valid().unwrap_or_else(|| panic!("{diags:?}"))
    }

    fn asset(slug: &str, segs: &[usize], pers: &[usize], stages: &[usize]) -> Asset {
        Asset {
            personas: Some(pers.to_vec()),
            stages: Some(stages.to_vec()),
            segments: Some(segs.to_vec()),
            ..Asset::new(slug)
        }
    }

    const EPS: f64 = 1e-9;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < EPS
    }

    /// SPEC's seed example: the economic buyer at 25 % in a priority segment — one of
    /// four (non-waived) stages covered.
    #[test]
    fn economic_buyer_at_25_percent() {
        let plan = plan("");
        let assets = vec![asset("a", &[0], &[0], &[3]), asset("b", &[0], &[0], &[3])];
        let cov = Coverage::compute(&plan, &assets);
        let ent = &cov.segments[0];
        assert_eq!(ent.personas[0].coverage, Some(0.25));
        assert_eq!(ent.personas[1].coverage, Some(0.0));
        assert_eq!(ent.buying_group_coverage, Some(0.0));
        // Weighted: EB cells weigh 3 (4 counted cells), champion cells 1 (5 cells).
        // Σ w·fill = 3·1 = 3; Σ w = 12 + 5 = 17.
        assert!(close(ent.coverage.unwrap(), 3.0 / 17.0));
        let waived = cov.cell(0, 0, 0).unwrap();
        assert_eq!(
            (
                waived.status,
                waived.fill,
                waived.weight,
                waived.pipeline_at_stake
            ),
            (Status::Waived, None, 0.0, 0.0)
        );
        assert!(waived.decision.is_some());
    }

    #[test]
    fn statuses_fill_and_counts() {
        let plan = plan("");
        let mut stale = asset("stale", &[0], &[1], &[2]);
        stale.stale = true;
        let mut draft = asset("draft", &[0], &[1], &[0]);
        draft.draft = true;
        let assets = vec![
            asset("one", &[0], &[1], &[1]),
            asset("two", &[0, 1], &[1], &[3]),
            asset("three", &[0], &[1], &[3]),
            stale,
            draft,
        ];
        let cov = Coverage::compute(&plan, &assets);
        let c = |p, t| cov.cell(0, p, t).unwrap();
        assert_eq!((c(1, 1).status, c(1, 1).fill), (Status::Thin, Some(0.5)));
        assert_eq!((c(1, 3).status, c(1, 3).count()), (Status::Covered, 2));
        assert_eq!(
            (c(1, 2).status, c(1, 2).count(), c(1, 2).stale()),
            (Status::Gap, 0, 1)
        );
        assert!(c(1, 2).stale_only());
        assert_eq!(c(1, 0).count(), 0, "drafts never count");
        let s = &cov.summary;
        assert_eq!((s.assets, s.counted, s.stale), (4, 3, 1));
        assert_eq!(s.cells, 2 * 5 + 1);
        assert_eq!(s.covered + s.thin + s.gap + s.waived, s.cells);
        assert_eq!(
            (s.covered, s.thin, s.waived),
            (1, 2, 1),
            "smb's single cell is thin"
        );
    }

    #[test]
    fn count_stale_counts_stale_assets() {
        let plan = plan("");
        let mut p = plan.clone();
        p.count_stale = true;
        let mut a = asset("s", &[1], &[1], &[3]);
        a.stale = true;
        assert_eq!(
            Coverage::compute(&plan, std::slice::from_ref(&a))
                .cell(1, 1, 3)
                .unwrap()
                .count(),
            0
        );
        assert_eq!(
            Coverage::compute(&p, &[a]).cell(1, 1, 3).unwrap().count(),
            1
        );
    }

    #[test]
    fn pipeline_at_stake_sums_to_pipeline_times_uncovered_share() {
        let plan = plan("");
        let assets = vec![
            asset("a", &[0], &[0], &[1, 2]),
            asset("b", &[0], &[0, 1], &[1]),
            asset("c", &[1], &[1], &[3]),
        ];
        let cov = Coverage::compute(&plan, &assets);
        for s in &cov.segments {
            let want = plan.segments[s.segment].pipeline * (1.0 - s.coverage.unwrap());
            assert!(
                close(s.pipeline_at_stake, want),
                "{} vs {want}",
                s.pipeline_at_stake
            );
        }
        // One hand-computed cell: enterprise·EB·consideration has 2 assets → fill 1 → 0.
        assert_eq!(cov.cell(0, 0, 1).unwrap().pipeline_at_stake, 0.0);
        // enterprise·EB·evaluation: 1 of 2 → 4M · 3 · 0.5 / 17.
        assert!(close(
            cov.cell(0, 0, 2).unwrap().pipeline_at_stake,
            4_000_000.0 * 3.0 * 0.5 / 17.0
        ));
        // smb's only cell: 1 of 2 → coverage 0.5; pipeline-weighted = (4M·cov_e + 1M·0.5) / 5M.
        let ent = cov.segments[0].coverage.unwrap();
        assert!(close(
            cov.summary.pipeline_weighted_coverage.unwrap(),
            (4e6 * ent + 1e6 * 0.5) / 5e6
        ));
    }

    #[test]
    fn gap_list_orders_by_stake_then_plan_order() {
        let plan = plan("");
        let cov = Coverage::compute::<Asset>(&plan, &[]);
        let stakes: Vec<f64> = cov
            .gaps
            .iter()
            .map(|&i| cov.cells[i].pipeline_at_stake)
            .collect();
        assert!(stakes.windows(2).all(|w| w[0] >= w[1]));
        // Waived cells are never gaps; every other cell is, with nothing covered.
        assert_eq!(cov.gaps.len(), cov.cells.len() - 1);
        // smb's single cell carries its whole 1M; then enterprise's EB cells (weight 3,
        // 4M·3/17 each), ties in plan order.
        assert_eq!(cov.cells[cov.gaps[0]].segment, 1);
        assert_eq!(
            cov.gaps[1..5]
                .iter()
                .map(|&i| cov.cells[i].stage)
                .collect::<Vec<_>>(),
            vec![1, 2, 3, 4]
        );
        assert_eq!(cov.summary.coverage, Some(0.0));
    }

    #[test]
    fn decisions_raise_targets_and_most_specific_wins() {
        let plan = plan(
            "[[decisions]]\npersona = \"champion\"\ntarget = 1\nwhy = \"x\"\n[[decisions]]\nsegment = \"enterprise\"\npersona = \"champion\"\nstage = \"decision\"\ntarget = 3\nwhy = \"y\"\n",
        );
        let cov = Coverage::compute(&plan, &[asset("a", &[0], &[1], &[3])]);
        assert_eq!(cov.cell(0, 1, 0).unwrap().target, 1);
        let d = cov.cell(0, 1, 3).unwrap();
        assert_eq!((d.target, d.status), (3, Status::Thin));
        assert!(close(d.fill.unwrap(), 1.0 / 3.0));
    }

    #[test]
    fn all_waived_segment_has_undefined_coverage() {
        let plan = plan("[[decisions]]\nsegment = \"smb\"\ntarget = 0\nwhy = \"not this half\"\n");
        let cov = Coverage::compute::<Asset>(&plan, &[]);
        let smb = &cov.segments[1];
        assert_eq!(
            (
                smb.coverage,
                smb.buying_group_coverage,
                smb.pipeline_at_stake
            ),
            (None, None, 0.0)
        );
        assert_eq!(
            cov.summary.pipeline_weighted_coverage,
            Some(0.0),
            "only enterprise is defined"
        );
    }

    #[test]
    fn objections_by_heard_with_answering_assets() {
        let plan = plan(
            "[[objections]]\nid = \"price\"\ntext = \"t\"\nheard = 3\n[[objections]]\nid = \"security\"\ntext = \"t\"\nheard = 10\n",
        );
        let mut a = asset("a", &[0], &[0], &[0]);
        a.objections = vec![0];
        let cov = Coverage::compute(&plan, &[a]);
        assert_eq!(
            cov.objections
                .iter()
                .map(|o| (o.objection, o.assets.len()))
                .collect::<Vec<_>>(),
            vec![(1, 0), (0, 1)]
        );
    }

    #[test]
    fn untagged_assets_are_listed_but_not_counted() {
        let plan = plan("");
        let mut a = asset("a", &[0], &[0], &[1]);
        a.stages = None;
        let cov = Coverage::compute(&plan, &[a]);
        assert_eq!((cov.summary.assets, cov.summary.counted), (1, 0));
    }
}
