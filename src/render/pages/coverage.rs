//! The coverage page (`coverage/`): the headline figures, the "what this says" strip
//! and what the figures mean, each segment's heatmap with over-covered cells marked and
//! the reasons for its decisions in plain text, and the largest gaps.

use serde::Serialize;

use super::report::{Finding, findings, scope};
use crate::render::renderer::Plain;
use crate::render::views::{CellView, SegmentView, SummaryView, Views};

/// A decision that sets a target in a segment, as read under its grid.
#[derive(Serialize)]
pub(crate) struct Reason<'a> {
    scope: String,
    target: u32,
    why: &'a str,
    owner: Option<&'a str>,
    review_by: Option<String>,
}

#[derive(Serialize)]
pub(crate) struct CoverageContext<'a> {
    summary: SummaryView,
    findings: Vec<Finding>,
    segments: Vec<SegmentView<'a>>,
    /// Per segment (plan order), the decisions its cells follow, in plan order.
    reasons: Vec<Vec<Reason<'a>>>,
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
            findings: findings(v.plan, v.cov),
            segments: v.segment_views(),
            reasons: reasons(v),
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

fn reasons<'a>(v: &Views<'a>) -> Vec<Vec<Reason<'a>>> {
    let plan = v.plan;
    v.cov
        .segments
        .iter()
        .map(|sc| {
            let mut ds: Vec<usize> = v.cov.cells[sc.cells.clone()]
                .iter()
                .filter_map(|c| c.decision)
                .collect();
            ds.sort_unstable();
            ds.dedup();
            ds.into_iter()
                .map(|d| {
                    let dec = &plan.decisions[d];
                    Reason {
                        scope: scope(plan, d),
                        target: dec.target,
                        why: &dec.why,
                        owner: dec.owner.as_deref(),
                        review_by: dec.review_by.map(|r| r.to_string()),
                    }
                })
                .collect()
        })
        .collect()
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
