//! The coverage page (`coverage/`): the headline figures, each segment's heatmap and
//! the largest gaps.

use serde::Serialize;

use crate::render::renderer::Plain;
use crate::render::views::{CellView, SegmentView, SummaryView, Views};

#[derive(Serialize)]
pub(crate) struct CoverageContext<'a> {
    summary: SummaryView,
    segments: Vec<SegmentView<'a>>,
    top_gaps: Vec<CellView<'a>>,
    unanswered: super::objections::Unanswered,
}

/// The coverage page, as the model `v` shows it.
pub(crate) fn page<'a>(v: &Views<'a>) -> Plain<'static, CoverageContext<'a>> {
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
            unanswered: super::objections::Unanswered::of(v.plan, v.cov),
        },
    }
}

#[cfg(test)]
mod tests {
    use crate::render::testing::*;

    fn page(f: &Fixture) -> (u64, String) {
        let r = f.renderer();
        show(&r, "coverage/index.html", super::page(&r.views))
    }

    #[test]
    fn shows_each_segment_and_its_cells() {
        let (_, html) = page(&Fixture::new());
        assert!(html.contains("Mid-Market") && html.contains("SMB"));
        assert!(html.contains("Economic Buyer") && html.contains("Awareness"));
    }

    #[test]
    fn fingerprint_follows_the_model_not_the_titles() {
        let mut f = Fixture::new();
        let (fp, _) = page(&f);
        f.edit(INCUMBENT, INCUMBENT_TITLE, "Against the old tool");
        assert_eq!(page(&f).0, fp, "a title the page does not show");
        f.edit(
            INCUMBENT,
            r#"stages = ["evaluation"]"#,
            r#"stages = ["decision"]"#,
        );
        assert_ne!(page(&f).0, fp, "a cell's count");
    }
}
