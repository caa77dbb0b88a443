//! The freshness warnings an asset's front matter can earn (issue 15): a `type` the
//! plan's `[[types]]` does not list (W0330, with did-you-mean), and a review date,
//! worked out from `updated` and a review period, that has passed (W0310).

use std::path::Path;

use crate::diagnostics::{Code, Diagnostic, Place};
use crate::plan::Plan;

/// W0330 for a type the plan's `[[types]]` does not list, at `place`.
pub(super) fn unlisted_type(
    plan: &Plan,
    source: &Path,
    kind: Option<&str>,
    place: impl FnOnce() -> Place,
) -> Option<Diagnostic> {
    let f = &plan.freshness;
    let t = kind.filter(|t| !f.types.is_empty() && f.type_of(t).is_none())?;
    let ids = f.types.iter().map(|t| t.id.as_str());
    let help = crate::diagnostics::suggest(t, ids.clone()).unwrap_or_else(|| {
        format!(
            "the plan's types are: {}; add it to [[types]] in plan.toml if it is a new one",
            ids.collect::<Vec<_>>().join(", ")
        )
    });
    Some(
        Diagnostic::warning(
            source,
            format!("type `{t}` is not one of the plan's [[types]]"),
        )
        .at_place(&place())
        .help(help)
        .code(Code::UnlistedType),
    )
}

/// W0310 for an asset whose due date (`updated` + its review period, no `review_by`)
/// is before as_of, at `place` (its `updated`).
pub(super) fn stale_by_period(
    plan: &Plan,
    source: &Path,
    kind: Option<&str>,
    updated: Option<crate::date::Date>,
    place: impl FnOnce() -> Place,
) -> Option<Diagnostic> {
    let (due, from_period, stale, _) = plan.freshness.due(plan.as_of, kind, updated, None);
    let due = due.filter(|_| from_period && stale)?;
    Some(
        Diagnostic::warning(
            source,
            format!(
                "stale: review was due {due} (updated + the review period of its type), before {}, so the asset no longer counts toward coverage",
                plan.as_of
            ),
        )
        .at_place(&place())
        .help("review the asset and move `updated` forward (or set `review_by`), or retire it")
        .code(Code::Stale),
    )
}
