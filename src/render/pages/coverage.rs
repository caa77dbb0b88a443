//! The coverage page (`coverage/`): the headline figures, each segment's heatmap and
//! the largest gaps.

use serde::Serialize;

use crate::render::renderer::Plain;
use crate::render::views::{CellView, SegmentView, SummaryView, Views};

#[derive(Serialize)]
pub(in crate::render) struct CoverageContext<'a> {
    summary: SummaryView,
    segments: Vec<SegmentView<'a>>,
    top_gaps: Vec<CellView<'a>>,
}

/// The coverage page, as the model `v` shows it.
pub(in crate::render) fn page<'a>(v: &Views<'a>) -> Plain<'static, CoverageContext<'a>> {
    Plain {
        template: "coverage.html",
        title: "Coverage",
        section: "coverage",
        context: CoverageContext {
            summary: v.summary(),
            segments: v.segment_views(),
            top_gaps: v
                .cov
                .gaps
                .iter()
                .take(5)
                .map(|&i| v.cell_view(&v.cov.cells[i]))
                .collect(),
        },
    }
}
