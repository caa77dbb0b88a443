//! Comparing two builds of a library (`covermap diff`, `check --no-regression`): a
//! [`Snapshot`] of each side — made from a loaded library and its coverage
//! ([`Snapshot::from_model`]) or from an earlier build's `coverage.json` and
//! `assets.json` ([`Snapshot::from_output`]) — and the [`Diff`] between two of them
//! ([`Diff::between`]), shown as text, Markdown or JSON ([`show`]).
//!
//! Plain data, no I/O beyond reading the two files of an output folder: where the
//! sides come from (a git revision, the working tree, a folder) is the command line's
//! business. What one side cannot tell (an output folder has no decisions; an older one
//! no assets.json; a side whose library has errors has no coverage at all) is `None`
//! and shown as unavailable, never guessed.

mod compare;
mod model;
mod output_folder;
pub mod show;
mod snapshot;

pub use compare::{
    AssetChange, CellChange, DecisionChange, Diff, Figure, ObjectionChange, PlanChange,
};
pub use model::{
    AssetSnap, AssetState, CellSnap, DecisionSnap, Figures, Model, Named, ObjectionSnap, PlanSnap,
    SegmentSnap, Snapshot, parse_status, rank,
};

#[cfg(test)]
mod tests;
