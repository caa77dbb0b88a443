//! One point of the trend: a revision's coverage figures, as `trend.json` and the
//! cache hold them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::coverage::Coverage;
use crate::date::Date;
use crate::library::Library;

/// One point of the trend: a revision's coverage figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Point {
    /// The commit's hash, or "working tree".
    pub revision: String,
    /// The commit's date (UTC), or the working tree's `as_of`.
    pub date: String,
    pub label: String,
    pub coverage: Option<f64>,
    pub pipeline_weighted_coverage: Option<f64>,
    pub pipeline_at_stake: f64,
    pub assets_counted: usize,
    pub assets_stale: usize,
    pub gaps: usize,
    /// Coverage per segment id, for the segments of that revision's plan.
    pub segments: BTreeMap<String, Option<f64>>,
}

impl Point {
    /// The figures of a loaded library and its coverage.
    pub fn of(library: &Library, cov: &Coverage, revision: &str, date: Date, label: &str) -> Point {
        let s = &cov.summary;
        Point {
            revision: revision.to_string(),
            date: date.to_string(),
            label: label.to_string(),
            coverage: s.coverage,
            pipeline_weighted_coverage: s.pipeline_weighted_coverage,
            pipeline_at_stake: s.pipeline_at_stake,
            assets_counted: s.counted,
            assets_stale: s.stale,
            gaps: s.gap,
            segments: cov
                .segments
                .iter()
                .map(|sc| (library.plan.segments[sc.segment].id.clone(), sc.coverage))
                .collect(),
        }
    }
}
