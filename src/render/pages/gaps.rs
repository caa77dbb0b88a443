//! The gaps page (`gaps/`): every gap, the cells made light by a decision, and every
//! decision of the plan.

use serde::Serialize;

use crate::coverage::Status;
use crate::render::renderer::Plain;
use crate::render::views::{CellView, DecisionView, SummaryView, Views};

#[derive(Serialize)]
pub(in crate::render) struct GapsContext<'a> {
    gaps: Vec<CellView<'a>>,
    waived: Vec<CellView<'a>>,
    decisions: Vec<DecisionView<'a>>,
    summary: SummaryView,
}

/// The gaps page, as the model `v` shows it.
pub(in crate::render) fn page<'a>(v: &Views<'a>) -> Plain<'static, GapsContext<'a>> {
    Plain {
        template: "gaps.html",
        title: "Gaps",
        section: "gaps",
        context: GapsContext {
            gaps: v
                .cov
                .gaps
                .iter()
                .map(|&i| v.cell_view(&v.cov.cells[i]))
                .collect(),
            waived: v
                .cov
                .cells
                .iter()
                .filter(|c| c.status == Status::Waived)
                .map(|c| v.cell_view(c))
                .collect(),
            decisions: (0..v.plan.decisions.len())
                .map(|i| v.decision_view(i))
                .collect(),
            summary: v.summary(),
        },
    }
}
