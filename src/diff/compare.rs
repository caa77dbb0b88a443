//! The [`Diff`] between two snapshots: figures before → after, the cells, assets,
//! decisions and objections that changed, the plan's own changes, and what of it is a
//! regression.

use std::collections::{BTreeMap, HashMap};

use super::model::{
    AssetSnap, AssetState, CellSnap, DecisionSnap, Model, Named, PlanSnap, Snapshot, rank, round2,
};

/// Shares closer than this are equal (coverage.json keeps six places).
const EPS: f64 = 1e-9;

/// A figure on both sides; `None` where a side cannot tell or the figure is undefined.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Figure {
    pub before: Option<f64>,
    pub after: Option<f64>,
}

impl Figure {
    /// `after − before`, when both are known.
    pub fn change(&self) -> Option<f64> {
        Some(self.after? - self.before?)
    }
}

/// A cell whose count, target or status changed, or that one side lacks.
#[derive(Debug, Clone, PartialEq)]
pub struct CellChange {
    pub segment: String,
    pub persona: String,
    pub stage: String,
    pub before: Option<CellSnap>,
    pub after: Option<CellSnap>,
}

impl CellChange {
    /// The change in the cell's pipeline at stake (a missing side counts 0).
    pub fn stake_change(&self) -> f64 {
        let stake = |c: &Option<CellSnap>| c.as_ref().map_or(0.0, |c| c.pipeline_at_stake);
        round2(stake(&self.after) - stake(&self.before))
    }

    /// The status got worse (covered or waived → thin → gap).
    pub fn worse(&self) -> bool {
        matches!((&self.before, &self.after), (Some(b), Some(a)) if rank(a.status) < rank(b.status))
    }
}

/// What happened to one asset.
#[derive(Debug, Clone, PartialEq)]
pub enum AssetChange {
    Added {
        slug: String,
        title: Option<String>,
    },
    Removed {
        slug: String,
        title: Option<String>,
    },
    Retitled {
        slug: String,
        before: String,
        after: String,
    },
    /// The asset entered (`on`) or left one of its [`AssetState`]s.
    State {
        slug: String,
        title: Option<String>,
        state: AssetState,
        on: bool,
    },
}

impl AssetChange {
    /// The JSON key (and the text heading) the change is listed under.
    pub fn key(&self) -> &'static str {
        match self {
            AssetChange::Added { .. } => "added",
            AssetChange::Removed { .. } => "removed",
            AssetChange::Retitled { .. } => "retitled",
            AssetChange::State { state, on, .. } => {
                let row = AssetState::ALL.iter().find(|r| r.0 == *state);
                row.map_or("", |r| if *on { r.2 } else { r.3 })
            }
        }
    }

    pub fn slug(&self) -> &str {
        match self {
            AssetChange::Added { slug, .. }
            | AssetChange::Removed { slug, .. }
            | AssetChange::Retitled { slug, .. }
            | AssetChange::State { slug, .. } => slug,
        }
    }
}

/// What happened to one decision (known by the cells it names).
#[derive(Debug, Clone, PartialEq)]
pub enum DecisionChange {
    Added(DecisionSnap),
    Removed(DecisionSnap),
    /// Its review date passed: it no longer applies.
    Lapsed(DecisionSnap),
    /// Reviewed again: it applies once more.
    Renewed(DecisionSnap),
    /// Its target or reason changed.
    Changed {
        before: DecisionSnap,
        after: DecisionSnap,
    },
}

impl DecisionChange {
    pub fn key(&self) -> &'static str {
        match self {
            DecisionChange::Added(_) => "added",
            DecisionChange::Removed(_) => "removed",
            DecisionChange::Lapsed(_) => "lapsed",
            DecisionChange::Renewed(_) => "renewed",
            DecisionChange::Changed { .. } => "changed",
        }
    }

    pub fn decision(&self) -> &DecisionSnap {
        match self {
            DecisionChange::Added(d)
            | DecisionChange::Removed(d)
            | DecisionChange::Lapsed(d)
            | DecisionChange::Renewed(d)
            | DecisionChange::Changed { after: d, .. } => d,
        }
    }
}

/// An objection answered now and not before (or the other way round).
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectionChange {
    pub id: String,
    pub text: String,
    pub answered: bool,
    /// Answering assets before (`None`: the objection is new) and after.
    pub before: Option<usize>,
    pub after: usize,
}

/// A change to the plan itself: a segment, persona or stage added, removed or
/// renamed; a segment's pipeline, the default target or a weight changed.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanChange {
    /// `segment`, `persona`, `stage`, `pipeline`, `target` or `weight`.
    pub what: &'static str,
    /// `added`, `removed`, `renamed` or `changed`.
    pub change: &'static str,
    /// The id (`segment · persona` for a weight; empty for the default target).
    pub id: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// Everything that differs between two snapshots.
#[derive(Debug, Clone, PartialEq)]
pub struct Diff<'a> {
    pub base: &'a Snapshot,
    pub head: &'a Snapshot,
    pub coverage: Figure,
    pub pipeline_weighted_coverage: Figure,
    pub pipeline_at_stake: Figure,
    pub cells: Vec<CellChange>,
    /// `None` when either side cannot tell its assets.
    pub assets: Option<Vec<AssetChange>>,
    /// `None` when either side cannot tell its decisions.
    pub decisions: Option<Vec<DecisionChange>>,
    pub objections: Vec<ObjectionChange>,
    pub plan: Vec<PlanChange>,
}

impl<'a> Diff<'a> {
    pub fn between(base: &'a Snapshot, head: &'a Snapshot) -> Diff<'a> {
        let (b, h) = (base.model.as_ref(), head.model.as_ref());
        let figure = |f: fn(&Model) -> Option<f64>| Figure {
            before: b.and_then(f),
            after: h.and_then(f),
        };
        let both = b.zip(h);
        Diff {
            base,
            head,
            coverage: figure(|m| m.figures.coverage),
            pipeline_weighted_coverage: figure(|m| m.figures.pipeline_weighted_coverage),
            pipeline_at_stake: figure(|m| Some(m.figures.pipeline_at_stake)),
            cells: both.map(|(b, h)| cells(b, h)).unwrap_or_default(),
            assets: both.and_then(|(b, h)| Some(assets(b.assets.as_ref()?, h.assets.as_ref()?))),
            decisions: both.and_then(|(b, h)| {
                Some(decisions(b.decisions.as_deref()?, h.decisions.as_deref()?))
            }),
            objections: both.map(|(b, h)| objections(b, h)).unwrap_or_default(),
            plan: both.map(|(b, h)| plan(b, h)).unwrap_or_default(),
        }
    }

    /// Whether the two sides could be compared at all (both libraries loaded).
    pub fn comparable(&self) -> bool {
        self.base.model.is_some() && self.head.model.is_some()
    }

    /// What got worse, one line each: plan coverage falling, a cell's status getting
    /// worse, the head's library having errors. Empty: no regression.
    pub fn regressions(&self) -> Vec<String> {
        let mut out = Vec::new();
        if !self.head.errors.is_empty() {
            out.push(format!(
                "{} has {} error(s): its coverage cannot be judged",
                self.head.label,
                self.head.errors.len()
            ));
        }
        if let (Some(b), Some(a)) = (self.coverage.before, self.coverage.after)
            && a + EPS < b
        {
            out.push(format!(
                "plan coverage fell from {:.1}% to {:.1}%",
                b * 100.0,
                a * 100.0
            ));
        }
        for c in self.cells.iter().filter(|c| c.worse()) {
            if let (Some(b), Some(a)) = (&c.before, &c.after) {
                out.push(format!(
                    "{} · {} · {}: {} {}/{} → {} {}/{}",
                    c.segment,
                    c.persona,
                    c.stage,
                    b.status.as_str(),
                    b.count,
                    b.target,
                    a.status.as_str(),
                    a.count,
                    a.target
                ));
            }
        }
        out
    }
}

fn cells(b: &Model, h: &Model) -> Vec<CellChange> {
    let before: HashMap<(&str, &str, &str), &CellSnap> =
        b.cells.iter().map(|c| (c.key(), c)).collect();
    let after: HashMap<(&str, &str, &str), &CellSnap> =
        h.cells.iter().map(|c| (c.key(), c)).collect();
    let change = |c: &CellSnap, before: Option<&CellSnap>, after: Option<&CellSnap>| CellChange {
        segment: c.segment.clone(),
        persona: c.persona.clone(),
        stage: c.stage.clone(),
        before: before.cloned(),
        after: after.cloned(),
    };
    let mut out = Vec::new();
    for c in &h.cells {
        let old = before.get(&c.key()).copied();
        let same =
            old.is_some_and(|o| o.count == c.count && o.target == c.target && o.status == c.status);
        if !same {
            out.push(change(c, old, Some(c)));
        }
    }
    for c in b.cells.iter().filter(|c| !after.contains_key(&c.key())) {
        out.push(change(c, Some(c), None));
    }
    out
}

fn assets(b: &BTreeMap<String, AssetSnap>, h: &BTreeMap<String, AssetSnap>) -> Vec<AssetChange> {
    let mut out = Vec::new();
    for (slug, a) in h {
        let Some(old) = b.get(slug) else {
            out.push(AssetChange::Added {
                slug: slug.clone(),
                title: a.title.clone(),
            });
            continue;
        };
        if let (Some(before), Some(after)) = (&old.title, &a.title)
            && before != after
        {
            out.push(AssetChange::Retitled {
                slug: slug.clone(),
                before: before.clone(),
                after: after.clone(),
            });
        }
        for (state, &on) in &a.states {
            if old.states.get(state).is_some_and(|&was| was != on) {
                out.push(AssetChange::State {
                    slug: slug.clone(),
                    title: a.title.clone(),
                    state: *state,
                    on,
                });
            }
        }
    }
    for (slug, a) in b.iter().filter(|(slug, _)| !h.contains_key(*slug)) {
        out.push(AssetChange::Removed {
            slug: slug.clone(),
            title: a.title.clone(),
        });
    }
    out
}

fn decisions(b: &[DecisionSnap], h: &[DecisionSnap]) -> Vec<DecisionChange> {
    let scope = |d: &DecisionSnap| (d.segment.clone(), d.persona.clone(), d.stage.clone());
    let before: BTreeMap<_, &DecisionSnap> = b.iter().map(|d| (scope(d), d)).collect();
    let after: BTreeMap<_, &DecisionSnap> = h.iter().map(|d| (scope(d), d)).collect();
    let mut out = Vec::new();
    for d in h {
        match before.get(&scope(d)) {
            None => out.push(DecisionChange::Added(d.clone())),
            Some(old) if !old.lapsed && d.lapsed => out.push(DecisionChange::Lapsed(d.clone())),
            Some(old) if old.lapsed && !d.lapsed => out.push(DecisionChange::Renewed(d.clone())),
            Some(old) if old.target != d.target || old.why != d.why => {
                out.push(DecisionChange::Changed {
                    before: (*old).clone(),
                    after: d.clone(),
                });
            }
            Some(_) => {}
        }
    }
    for d in b.iter().filter(|d| !after.contains_key(&scope(d))) {
        out.push(DecisionChange::Removed(d.clone()));
    }
    out
}

fn objections(b: &Model, h: &Model) -> Vec<ObjectionChange> {
    let before: HashMap<&str, usize> = b
        .objections
        .iter()
        .map(|o| (o.id.as_str(), o.answers))
        .collect();
    // In the head's order (most heard first).
    h.objections
        .iter()
        .filter_map(|o| {
            let was = before.get(o.id.as_str()).copied();
            let answered = o.answers > 0;
            let changed = match was {
                Some(n) => (n > 0) != answered,
                // A new objection matters when nothing answers it yet.
                None => !answered,
            };
            changed.then(|| ObjectionChange {
                id: o.id.clone(),
                text: o.text.clone(),
                answered,
                before: was,
                after: o.answers,
            })
        })
        .collect()
}

fn change(
    what: &'static str,
    change: &'static str,
    id: &str,
    before: Option<String>,
    after: Option<String>,
) -> PlanChange {
    PlanChange {
        what,
        change,
        id: id.to_string(),
        before,
        after,
    }
}

/// Ids added, removed or renamed between two lists.
fn named(what: &'static str, before: &[Named], after: &[Named], out: &mut Vec<PlanChange>) {
    let old: HashMap<&str, &Named> = before.iter().map(|n| (n.id.as_str(), n)).collect();
    let new: HashMap<&str, &Named> = after.iter().map(|n| (n.id.as_str(), n)).collect();
    for n in after {
        match old.get(n.id.as_str()) {
            None => out.push(change(what, "added", &n.id, None, n.name.clone())),
            Some(o) if o.name.is_some() && n.name.is_some() && o.name != n.name => {
                out.push(change(
                    what,
                    "renamed",
                    &n.id,
                    o.name.clone(),
                    n.name.clone(),
                ));
            }
            Some(_) => {}
        }
    }
    for n in before.iter().filter(|n| !new.contains_key(n.id.as_str())) {
        out.push(change(what, "removed", &n.id, n.name.clone(), None));
    }
}

fn plan(b: &Model, h: &Model) -> Vec<PlanChange> {
    let mut out = Vec::new();
    let (bp, hp) = (&b.plan, &h.plan);
    let seg_names = |p: &PlanSnap| -> Vec<Named> {
        p.segments
            .iter()
            .map(|s| Named {
                id: s.id.clone(),
                name: s.name.clone(),
            })
            .collect()
    };
    named("segment", &seg_names(bp), &seg_names(hp), &mut out);
    named("persona", &bp.personas, &hp.personas, &mut out);
    named("stage", &bp.stages, &hp.stages, &mut out);
    if let (Some(x), Some(y)) = (bp.target, hp.target)
        && x != y
    {
        out.push(change(
            "target",
            "changed",
            "",
            Some(x.to_string()),
            Some(y.to_string()),
        ));
    }
    let money = |v: f64| crate::format::money(v, &hp.currency);
    for s in &hp.segments {
        let Some(old) = bp.segments.iter().find(|o| o.id == s.id) else {
            continue;
        };
        if let (Some(x), Some(y)) = (old.pipeline, s.pipeline)
            && (x - y).abs() > 0.005
        {
            out.push(change(
                "pipeline",
                "changed",
                &s.id,
                Some(money(x)),
                Some(money(y)),
            ));
        }
        for (persona, w) in &s.weights {
            if let Some(was) = old.weights.get(persona)
                && (was - w).abs() > EPS
            {
                let id = format!("{} · {persona}", s.id);
                out.push(change(
                    "weight",
                    "changed",
                    &id,
                    Some(trim(*was)),
                    Some(trim(*w)),
                ));
            }
        }
    }
    out
}

/// A weight as written in plan.toml: `3`, `1.5`.
fn trim(v: f64) -> String {
    let s = format!("{v:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}
