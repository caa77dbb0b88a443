//! What the coverage model says, as facts a revenue leader reads first (the "what this
//! says" strip of the coverage page and the QBR report): which personas hold the
//! pipeline at stake, each segment's weakest buying-group member, the cells covered
//! three times over against the cells short of target, the objections nothing answers
//! and the decisions due for review.
//!
//! Plain data from the model, no formatting: the pages word and format it.

use crate::coverage::Coverage;
use crate::date::Date;
use crate::plan::Plan;

/// A cell holding this many times its target or more is over-covered: work that went
/// where the plan wanted less.
pub const OVER_COVERED: u32 = 3;

/// A decision whose `review_by` falls within this many days of the plan's as-of date
/// (and has not passed) is due.
pub const DUE_WITHIN_DAYS: i64 = 30;

/// One persona's part of the plan's pipeline at stake.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonaShare {
    pub persona: usize,
    pub at_stake: f64,
    /// `at_stake` over the plan's pipeline at stake, 0–1.
    pub share: f64,
}

/// The buying-group member with the lowest coverage in one segment.
#[derive(Debug, Clone, PartialEq)]
pub struct Weakest {
    pub segment: usize,
    pub persona: usize,
    pub coverage: f64,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Insights {
    /// Personas with pipeline at stake, most first, ties in plan order.
    pub personas: Vec<PersonaShare>,
    /// One per segment with a buying group, in plan order.
    pub weakest: Vec<Weakest>,
    /// Cells (indices into `Coverage::cells`) with count ≥ 3 × a target above 0, in
    /// plan order.
    pub over_covered: Vec<usize>,
    /// The persona with the most over-covered cells and how many (ties: plan order).
    pub over_covered_most: Option<(usize, usize)>,
    /// Cells short of target (fill < 1) and the pipeline at stake they hold.
    pub short: usize,
    pub short_at_stake: f64,
    /// Objections (indices into the plan) no counted asset answers, most heard first.
    pub unanswered: Vec<usize>,
    /// Decisions (indices into the plan) whose review falls within 30 days of as-of,
    /// soonest first.
    pub decisions_due: Vec<usize>,
}

impl Insights {
    pub fn of(plan: &Plan, cov: &Coverage) -> Insights {
        let total = cov.summary.pipeline_at_stake;
        let mut by_persona = vec![0.0; plan.personas.len()];
        let mut over_by_persona = vec![0usize; plan.personas.len()];
        let mut over_covered = Vec::new();
        let (mut short, mut short_at_stake) = (0, 0.0);
        for (i, c) in cov.cells.iter().enumerate() {
            by_persona[c.persona] += c.pipeline_at_stake;
            if c.target > 0 && c.count() as u64 >= u64::from(OVER_COVERED * c.target) {
                over_covered.push(i);
                over_by_persona[c.persona] += 1;
            }
            if c.fill.is_some_and(|f| f < 1.0) {
                short += 1;
                short_at_stake += c.pipeline_at_stake;
            }
        }
        let mut personas: Vec<PersonaShare> = by_persona
            .iter()
            .enumerate()
            .filter(|(_, v)| **v > 0.0 && total > 0.0)
            .map(|(persona, &at_stake)| PersonaShare {
                persona,
                at_stake,
                share: at_stake / total,
            })
            .collect();
        personas.sort_by(|a, b| b.at_stake.total_cmp(&a.at_stake));
        let over_covered_most = over_by_persona
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .fold(None, |best: Option<(usize, usize)>, (p, &n)| match best {
                Some((_, m)) if m >= n => best,
                _ => Some((p, n)),
            });
        let weakest = cov
            .segments
            .iter()
            .filter_map(|sc| {
                let low = sc.buying_group_coverage?;
                let pc = sc.personas.iter().find(|pc| pc.coverage == Some(low))?;
                Some(Weakest {
                    segment: sc.segment,
                    persona: pc.persona,
                    coverage: low,
                })
            })
            .collect();
        let unanswered = cov
            .objections
            .iter()
            .filter(|o| o.assets.is_empty())
            .map(|o| o.objection)
            .collect();
        let today = days(plan.as_of);
        let mut decisions_due: Vec<usize> = (0..plan.decisions.len())
            .filter(|&d| {
                plan.decisions[d]
                    .review_by
                    .is_some_and(|r| (0..=DUE_WITHIN_DAYS).contains(&(days(r) - today)))
            })
            .collect();
        decisions_due.sort_by_key(|&d| plan.decisions[d].review_by);
        Insights {
            personas,
            weakest,
            over_covered,
            over_covered_most,
            short,
            short_at_stake,
            unanswered,
            decisions_due,
        }
    }
}

/// Days since 1970-01-01 (the inverse of `Date::from_days_since_epoch`).
fn days(d: Date) -> i64 {
    let y = i64::from(d.year) - i64::from(d.month <= 2);
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(d.month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d.day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::asset::Asset;

    // Personas: 0 buyer, 1 champ. Stages: 0 aware, 1 decide. Segments: 0 ent, 1 smb.
    const PLAN: &str = r#"
[site]
title = "T"
[plan]
title = "FY27"
as_of = 2026-11-01
[coverage]
target = 1
[[stages]]
id = "aware"
[[stages]]
id = "decide"
[[personas]]
id = "buyer"
[[personas]]
id = "champ"
[[segments]]
id = "ent"
pipeline = 1000
weights = { buyer = 3 }
[[segments]]
id = "smb"
pipeline = 400
[[decisions]]
segment = "smb"
stage = "aware"
target = 1
why = "soon"
review_by = 2026-11-20
[[decisions]]
segment = "ent"
persona = "champ"
stage = "aware"
target = 1
why = "later"
review_by = 2027-01-20
[[decisions]]
segment = "smb"
persona = "champ"
stage = "decide"
target = 1
why = "passed"
review_by = 2026-10-01
[[decisions]]
segment = "ent"
persona = "champ"
stage = "decide"
target = 1
why = "today"
review_by = 2026-11-01
[[objections]]
id = "price"
text = "Too dear"
heard = 5
[[objections]]
id = "lock"
text = "Lock-in"
heard = 9
"#;

    fn asset(seg: usize, per: usize, stage: usize, objections: &[usize]) -> Asset {
        Asset {
            personas: Some(vec![per]),
            stages: Some(vec![stage]),
            segments: Some(vec![seg]),
            objections: objections.to_vec(),
            ..Asset::new("a")
        }
    }

    fn insights(assets: &[Asset]) -> (Plan, Coverage, Insights) {
        let parsed = crate::plan::parse(PLAN, None);
        let diags = parsed.diagnostics.clone();
        let plan = parsed.valid().unwrap_or_else(|| panic!("{diags:?}"));
        let cov = Coverage::compute(&plan, assets);
        let ins = Insights::of(&plan, &cov);
        (plan, cov, ins)
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn shares_of_pipeline_at_stake_by_persona_sum_to_one() {
        // ent·buyer·aware covered; everything else empty.
        let (plan, _, ins) = insights(&[asset(0, 0, 0, &[])]);
        let total: f64 = ins.personas.iter().map(|p| p.share).sum();
        assert!(close(total, 1.0), "{total}");
        // ent: W = 3+3+1+1 = 8; buyer: 1000·3/8 (decide) = 375; champ: 1000·2/8 = 250.
        // smb: W = 4; 100 a cell: buyer 200, champ 200.
        assert_eq!(plan.personas[ins.personas[0].persona].id, "buyer");
        assert!(close(ins.personas[0].at_stake, 575.0));
        assert!(close(ins.personas[1].at_stake, 450.0));
        assert!(close(ins.personas[0].share, 575.0 / 1025.0));
        assert_eq!(ins.short, 7);
        assert!(close(ins.short_at_stake, 1025.0));
    }

    #[test]
    fn weakest_member_per_segment_and_over_covered_cells() {
        let a = asset(0, 1, 0, &[1]);
        let b = asset(0, 0, 1, &[]);
        let (plan, cov, ins) = insights(&[a.clone(), a.clone(), a, b]);
        // ent: champ·aware has 3 of 1 (over-covered); buyer has one of two stages.
        assert_eq!(ins.over_covered.len(), 1);
        let c = &cov.cells[ins.over_covered[0]];
        assert_eq!(
            (plan.personas[c.persona].id.as_str(), c.count()),
            ("champ", 3)
        );
        assert_eq!(ins.over_covered_most, Some((c.persona, 1)));
        let ent = &ins.weakest[0];
        assert_eq!(plan.personas[ent.persona].id, "buyer");
        assert!(close(ent.coverage, 0.5));
        assert_eq!(ins.weakest.len(), 2);
        assert!(close(ins.weakest[1].coverage, 0.0));
        // Lock-in is answered; Too dear is not.
        let unanswered: Vec<&str> = ins
            .unanswered
            .iter()
            .map(|&o| plan.objections[o].id.as_str())
            .collect();
        assert_eq!(unanswered, ["price"]);
    }

    #[test]
    fn twice_the_target_is_not_over_covered() {
        let a = asset(0, 1, 0, &[]);
        let (_, _, ins) = insights(&[a.clone(), a]);
        assert!(ins.over_covered.is_empty() && ins.over_covered_most.is_none());
    }

    #[test]
    fn decisions_due_within_thirty_days_not_past_ones_nor_later_ones() {
        let (plan, _, ins) = insights(&[]);
        let why: Vec<&str> = ins
            .decisions_due
            .iter()
            .map(|&d| plan.decisions[d].why.as_str())
            .collect();
        assert_eq!(why, ["today", "soon"]);
    }

    #[test]
    fn days_inverts_the_calendar() {
        for n in [-1000, 0, 59, 60, 365, 20_000, 20_759] {
            assert_eq!(days(Date::from_days_since_epoch(n)), n);
        }
    }
}
