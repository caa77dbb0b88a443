//! The gaps page (`gaps/`): every gap, the cells made light by a decision, and every
//! decision of the plan.

use serde::Serialize;

use crate::coverage::Status;
use crate::render::renderer::Plain;
use crate::render::views::{CellView, DecisionView, SummaryView, Views};

#[derive(Serialize)]
pub(crate) struct GapsContext<'a> {
    gaps: Vec<CellView<'a>>,
    waived: Vec<CellView<'a>>,
    decisions: Vec<DecisionView<'a>>,
    summary: SummaryView,
}

/// The gaps page, as the model `v` shows it.
pub(crate) fn page<'a>(v: &Views<'a>) -> Plain<'static, GapsContext<'a>> {
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

#[cfg(test)]
mod tests {
    use crate::render::testing::*;

    fn page(f: &Fixture) -> (u64, String) {
        let r = f.renderer();
        show(&r, "gaps/index.html", super::page(&r.views))
    }

    #[test]
    fn shows_the_gaps_and_the_decisions() {
        let (_, html) = page(&Fixture::new());
        assert!(
            html.contains("SMB buyers arrive through partners"),
            "{html}"
        );
    }

    #[test]
    fn fingerprint_follows_the_model_not_the_titles() {
        let mut f = Fixture::new();
        let (fp, _) = page(&f);
        f.edit(FIRST, FIRST_TITLE, "Payback in one quarter");
        assert_eq!(page(&f).0, fp, "a title the page does not show");
        f.edit(
            INCUMBENT,
            r#"stages = ["evaluation"]"#,
            r#"stages = ["decision"]"#,
        );
        assert_eq!(page(&f).0, fp, "a cell's count, in no gap");
        // SMB's champion is left with nothing at the evaluation stage.
        f.edit(FIRST, "segments: all", "segments: [mid-market]");
        let (gap, html) = page(&f);
        assert_ne!(gap, fp, "a gap opened");
        assert!(
            html.contains("../coverage/smb/champion/evaluation/index.html"),
            "{html}"
        );
    }
}
