//! The data of a comparison: a [`Snapshot`] of each side and its parts, plain values
//! keyed by the plan's ids so two sides with different plans still line up.

use std::collections::BTreeMap;

use crate::coverage::Status;

/// One side of a comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    /// What the side is, for people: `origin/main (1a2b3c4)`, `working tree`, a folder.
    pub label: String,
    /// `git`, `working tree` or `folder`.
    pub source: &'static str,
    /// The commit a git side resolved to.
    pub commit: Option<String>,
    /// The library's errors, when it has any: then there is no model below.
    pub errors: Vec<String>,
    /// The plan, cells and figures; `None` when the library has errors.
    pub model: Option<Model>,
}

/// What a side's library says, when it loads.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Model {
    pub plan: PlanSnap,
    pub figures: Figures,
    /// Every cell, by (segment, persona, stage) id, in plan order.
    pub cells: Vec<CellSnap>,
    /// Every asset in the build by slug; `None` when the side cannot tell (an output
    /// folder without assets.json).
    pub assets: Option<BTreeMap<String, AssetSnap>>,
    /// Every decision by the cells it names; `None` when the side cannot tell.
    pub decisions: Option<Vec<DecisionSnap>>,
    pub objections: Vec<ObjectionSnap>,
}

/// The plan's dimensions, names and targets, as far as the side tells them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PlanSnap {
    pub currency: String,
    pub as_of: Option<String>,
    /// The default target per cell.
    pub target: Option<u32>,
    pub segments: Vec<SegmentSnap>,
    pub personas: Vec<Named>,
    pub stages: Vec<Named>,
}

/// An id and, where the side gives it, its name.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Named {
    pub id: String,
    pub name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct SegmentSnap {
    pub id: String,
    pub name: Option<String>,
    pub pipeline: Option<f64>,
    /// Persona id → weight, for every persona with a cell that has a target (a weight
    /// only matters there, and it is all an output folder tells).
    pub weights: BTreeMap<String, f64>,
}

/// The headline figures, rounded as coverage.json rounds them (shares to six places,
/// money to cents), so a side read from a folder equals one built from the same files.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Figures {
    pub coverage: Option<f64>,
    pub pipeline_weighted_coverage: Option<f64>,
    pub pipeline_at_stake: f64,
}

/// One cell of one side.
#[derive(Debug, Clone, PartialEq)]
pub struct CellSnap {
    pub segment: String,
    pub persona: String,
    pub stage: String,
    pub count: u64,
    pub target: u64,
    pub status: Status,
    pub weight: f64,
    pub pipeline_at_stake: f64,
}

impl CellSnap {
    pub fn key(&self) -> (&str, &str, &str) {
        (&self.segment, &self.persona, &self.stage)
    }
}

/// A yes-or-no state of an asset that a diff reports changes of. One more state (due
/// soon, superseded, in progress) is one more variant here and one more row in
/// [`AssetState::ALL`]; the snapshot fills it from the asset and from assets.json's key
/// of the same name, and every format shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AssetState {
    /// Past its review date.
    Stale,
    /// Counts toward the cells it is tagged for.
    Counted,
    /// Due for review within `[coverage] due_soon`, not yet stale.
    DueSoon,
    /// Replaced by another asset (`superseded_by`): out of coverage.
    Superseded,
    /// A draft ("in progress"), in a build only with `--drafts`.
    Draft,
}

impl AssetState {
    /// Every state with its key (in assets.json and in the diff's JSON) and the words
    /// for entering and leaving it: (state, key, entered, left).
    pub const ALL: &[(AssetState, &'static str, &'static str, &'static str)] = &[
        (AssetState::Stale, "stale", "stale", "fresh"),
        (AssetState::Counted, "counted", "counted", "uncounted"),
        (
            AssetState::DueSoon,
            "due_soon",
            "due_soon",
            "no_longer_due_soon",
        ),
        (
            AssetState::Superseded,
            "superseded",
            "superseded",
            "no_longer_superseded",
        ),
        (AssetState::Draft, "draft", "in_progress", "out_of_draft"),
    ];

    pub fn key(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|row| row.0 == self)
            .map_or("", |row| row.1)
    }
}

/// One asset of one side.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AssetSnap {
    pub title: Option<String>,
    /// Each state the side tells: a state missing from the map is unavailable.
    pub states: BTreeMap<AssetState, bool>,
}

/// One decision of one side, known by the cells it names (`None`: every segment,
/// persona or stage).
#[derive(Debug, Clone, PartialEq)]
pub struct DecisionSnap {
    pub segment: Option<String>,
    pub persona: Option<String>,
    pub stage: Option<String>,
    pub target: u32,
    pub why: String,
    /// Past its review date on the side's as_of: it no longer applies.
    pub lapsed: bool,
}

impl DecisionSnap {
    /// Which cells it names, as `segment · persona · stage` with `*` for every one.
    pub fn scope(&self) -> String {
        [&self.segment, &self.persona, &self.stage]
            .iter()
            .map(|x| x.as_deref().unwrap_or("*"))
            .collect::<Vec<_>>()
            .join(" · ")
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ObjectionSnap {
    pub id: String,
    pub text: String,
    /// How many assets answer it.
    pub answers: usize,
}

/// A share rounded as coverage.json writes it.
pub(crate) fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

/// Money rounded as coverage.json writes it.
pub(crate) fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// How good a status is, for "got worse": covered and waived above thin above gap.
pub fn rank(status: Status) -> u8 {
    match status {
        Status::Covered | Status::Waived => 2,
        Status::Thin => 1,
        Status::Gap => 0,
    }
}

/// A status as coverage.json spells it.
pub fn parse_status(s: &str) -> Option<Status> {
    Some(match s {
        "covered" => Status::Covered,
        "thin" => Status::Thin,
        "gap" => Status::Gap,
        "waived" => Status::Waived,
        _ => return None,
    })
}
