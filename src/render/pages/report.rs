//! The QBR report (`report/index.html`): one landscape page a revenue leader presents —
//! the plan's title, as-of date and (in a git work tree) commit, the "what this says"
//! strip, a segment × persona matrix, the ten largest gaps in money — and the strip's
//! sentences, which the coverage page shows too. `report/coverage.svg` is the matrix
//! as a picture for slides (see [`super::super::matrix_svg`]).

use std::path::Path;

use serde::Serialize;

use crate::coverage::Coverage;
use crate::format::{money, pct};
use crate::insights::{DUE_WITHIN_DAYS, Insights, OVER_COVERED};
use crate::library::Library;
use crate::plan::Plan;
use crate::render::renderer::Plain;
use crate::render::views::{CellView, SummaryView, Views};

/// The ten largest gaps in money.
const TOP_GAPS: usize = 10;

/// One sentence of the "what this says" strip, with a short heading.
#[derive(Serialize, Hash)]
pub(crate) struct Finding {
    what: &'static str,
    text: String,
}

/// One column of the matrix: a persona some segment's buying group has.
#[derive(Serialize)]
pub(crate) struct Column<'a> {
    pub id: &'a str,
    pub name: &'a str,
}

/// One (segment, persona) square of the matrix; `None` in [`MatrixRow::cells`] where
/// the persona is not in the segment's buying group.
#[derive(Serialize)]
pub(crate) struct MatrixCell {
    /// The persona's coverage in the segment, as a share.
    pub coverage: String,
    pub coverage_value: Option<f64>,
    /// ✓ full, ◐ part, ✕ none, – nothing wanted: the figure never rests on colour.
    pub symbol: &'static str,
    /// `full`, `part`, `none` or `na`, for the colour that repeats the symbol.
    pub band: &'static str,
    pub at_stake: String,
    pub at_stake_value: f64,
    /// Cells of the square at 3 × target or more.
    pub over_covered: usize,
}

#[derive(Serialize)]
pub(crate) struct MatrixRow<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub coverage: String,
    pub at_stake: String,
    pub cells: Vec<Option<MatrixCell>>,
}

#[derive(Serialize)]
pub(crate) struct Matrix<'a> {
    pub columns: Vec<Column<'a>>,
    pub rows: Vec<MatrixRow<'a>>,
}

#[derive(Serialize)]
pub(crate) struct ReportContext<'a> {
    summary: SummaryView,
    /// The library's commit, short, when it is built from a git work tree.
    commit: Option<String>,
    findings: Vec<Finding>,
    matrix: Matrix<'a>,
    top_gaps: Vec<CellView<'a>>,
    /// What changed since the previous trend point: filled in when the build has trend
    /// history; `None` (and no text on the page) until then.
    changes: Option<Vec<String>>,
}

/// The report page.
pub(crate) fn page<'a>(
    v: &Views<'a>,
    commit: Option<String>,
    changes: Option<Vec<String>>,
) -> Plain<'static, ReportContext<'a>> {
    Plain {
        template: "report.html",
        title: "Coverage report",
        section: "coverage",
        context: ReportContext {
            summary: v.summary(),
            commit,
            findings: findings(v.plan, v.cov),
            matrix: matrix(v.plan, v.cov),
            top_gaps: v
                .cov
                .gaps
                .iter()
                .take(TOP_GAPS)
                .map(|&i| v.cell_view(&v.cov.cells[i]))
                .collect(),
            changes,
        },
    }
}

/// The short hash of the commit checked out where the library is, when it is read from
/// disk inside a git work tree; `None` otherwise (or without git).
pub(crate) fn commit(lib: &Library) -> Option<String> {
    lib.source.disk_path(Path::new("plan.toml"))?;
    let out = crate::source::git_stdout(
        &lib.root,
        &["rev-parse", "--short=12", "--verify", "-q", "HEAD"],
    )?;
    let hash = out.trim().to_string();
    (!hash.is_empty() && hash.bytes().all(|b| b.is_ascii_hexdigit())).then_some(hash)
}

/// The "what this says" strip, from the model.
pub(crate) fn findings(plan: &Plan, cov: &Coverage) -> Vec<Finding> {
    let ins = Insights::of(plan, cov);
    let cur = &plan.currency;
    let name = |p: usize| plan.personas[p].name.as_str();
    let mut out = Vec::new();
    if let Some(top) = ins.personas.first() {
        let rest: Vec<String> = ins
            .personas
            .iter()
            .skip(1)
            .take(3)
            .map(|p| format!("{} {}", name(p.persona), pct(Some(p.share))))
            .collect();
        let mut text = format!(
            "{} of the pipeline at stake ({} of {}) is the {}.",
            pct(Some(top.share)),
            money(top.at_stake, cur),
            money(cov.summary.pipeline_at_stake, cur),
            name(top.persona)
        );
        if !rest.is_empty() {
            text.push_str(&format!(" Then: {}.", rest.join(", ")));
        }
        out.push(Finding {
            what: "Where the money is",
            text,
        });
    }
    if !ins.weakest.is_empty() {
        let parts: Vec<String> = ins
            .weakest
            .iter()
            .map(|w| {
                format!(
                    "{}: {} ({})",
                    plan.segments[w.segment].name,
                    name(w.persona),
                    pct(Some(w.coverage))
                )
            })
            .collect();
        out.push(Finding {
            what: "Weakest buying-group member",
            text: format!("{}.", parts.join("; ")),
        });
    }
    if ins.personas.is_empty() {
        out.insert(
            0,
            Finding {
                what: "Where the money is",
                text: "Nothing is at stake: every cell with a target has reached it.".into(),
            },
        );
    }
    let over = ins.over_covered.len();
    let short = match ins.short {
        0 => "no cell is short of target.".to_string(),
        n => format!(
            "{n} {} short of target hold {} at stake.",
            cells(n),
            money(ins.short_at_stake, cur)
        ),
    };
    let text = match ins.over_covered_most {
        Some((p, n)) => format!(
            "{over} {} at {OVER_COVERED} × target or more ({n} of them the {}'s); {short}",
            cells(over),
            name(p)
        ),
        None => format!("No cell is at {OVER_COVERED} × its target or more; {short}"),
    };
    out.push(Finding {
        what: "Where the work went",
        text,
    });
    let unanswered: Vec<&str> = ins
        .unanswered
        .iter()
        .map(|&o| plan.objections[o].text.trim_end_matches('.'))
        .collect();
    if !plan.objections.is_empty() {
        out.push(Finding {
            what: "Unanswered objections",
            text: if unanswered.is_empty() {
                "Every objection in the plan has an asset that answers it.".into()
            } else {
                format!(
                    "{} of {}: {}.",
                    unanswered.len(),
                    plan.objections.len(),
                    unanswered.join("; ")
                )
            },
        });
    }
    if !ins.decisions_due.is_empty() {
        let parts: Vec<String> = ins
            .decisions_due
            .iter()
            .map(|&d| {
                let dec = &plan.decisions[d];
                let review = dec.review_by.map(|r| r.to_string()).unwrap_or_default();
                format!("{} (review by {review})", scope(plan, d))
            })
            .collect();
        out.push(Finding {
            what: "Decisions due",
            text: format!("Within {DUE_WITHIN_DAYS} days: {}.", parts.join("; ")),
        });
    }
    out
}

fn cells(n: usize) -> &'static str {
    if n == 1 { "cell" } else { "cells" }
}

/// "Enterprise · Economic Buyer · every stage".
pub(crate) fn scope(plan: &Plan, d: usize) -> String {
    let d = &plan.decisions[d];
    [
        d.segment
            .map_or("every segment", |s| plan.segments[s].name.as_str()),
        d.persona
            .map_or("every persona", |p| plan.personas[p].name.as_str()),
        d.stage
            .map_or("every stage", |t| plan.stages[t].name.as_str()),
    ]
    .join(" · ")
}

fn symbol(coverage: Option<f64>) -> (&'static str, &'static str) {
    match coverage {
        None => ("–", "na"),
        Some(c) if c >= 1.0 => ("✓", "full"),
        Some(c) if c > 0.0 => ("◐", "part"),
        Some(_) => ("✕", "none"),
    }
}

/// The segment × persona matrix: each persona's coverage in each segment and the
/// pipeline at stake its cells hold.
pub(crate) fn matrix<'a>(plan: &'a Plan, cov: &Coverage) -> Matrix<'a> {
    let mut used = vec![false; plan.personas.len()];
    for s in &plan.segments {
        for &p in &s.personas {
            used[p] = true;
        }
    }
    let personas: Vec<usize> = (0..plan.personas.len()).filter(|&p| used[p]).collect();
    let cur = &plan.currency;
    let rows = cov
        .segments
        .iter()
        .map(|sc| {
            let seg = &plan.segments[sc.segment];
            let seg_cells = &cov.cells[sc.cells.clone()];
            let cells = personas
                .iter()
                .map(|&p| {
                    let pc = sc.personas.iter().find(|pc| pc.persona == p)?;
                    let mine = seg_cells.iter().filter(|c| c.persona == p);
                    let at_stake: f64 = mine.clone().map(|c| c.pipeline_at_stake).sum();
                    let over_covered = mine
                        .filter(|c| {
                            c.target > 0 && c.count() as u64 >= u64::from(OVER_COVERED * c.target)
                        })
                        .count();
                    let (symbol, band) = symbol(pc.coverage);
                    Some(MatrixCell {
                        coverage: pct(pc.coverage),
                        coverage_value: pc.coverage,
                        symbol,
                        band,
                        at_stake: money(at_stake, cur),
                        at_stake_value: at_stake,
                        over_covered,
                    })
                })
                .collect();
            MatrixRow {
                id: &seg.id,
                name: &seg.name,
                coverage: pct(sc.coverage),
                at_stake: money(sc.pipeline_at_stake, cur),
                cells,
            }
        })
        .collect();
    Matrix {
        columns: personas
            .iter()
            .map(|&p| Column {
                id: &plan.personas[p].id,
                name: &plan.personas[p].name,
            })
            .collect(),
        rows,
    }
}

#[cfg(test)]
mod tests {
    use crate::render::testing::*;

    fn page(f: &Fixture, commit: Option<&str>) -> (u64, String) {
        let r = f.renderer();
        let p = super::page(&r.views, commit.map(str::to_string), None);
        show(&r, "report/index.html", p)
    }

    #[test]
    fn shows_the_strip_the_matrix_and_the_gaps() {
        let f = Fixture::new();
        let (_, html) = page(&f, None);
        assert!(html.contains("What this says"), "{html}");
        // The starter library meets every target.
        assert!(html.contains("Nothing is at stake"), "{html}");
        assert!(html.contains("no cell is short of target."), "{html}");
        assert!(html.contains("a priority score, not a forecast"));
        assert!(html.contains("class=\"matrix\"") && html.contains("Economic Buyer"));
        assert!(!html.contains("commit <code>"));
    }

    #[test]
    fn the_commit_and_the_model_are_in_the_fingerprint() {
        let mut f = Fixture::new();
        let (fp, _) = page(&f, None);
        let (with, html) = page(&f, Some("0123456789ab"));
        assert!(html.contains("commit <code>0123456789ab</code>"), "{html}");
        assert_ne!(with, fp, "the commit");
        f.edit("plan.toml", "target = 1", "target = 2");
        let (moved, html) = page(&f, None);
        assert_ne!(moved, fp, "the model");
        assert!(html.contains("of the pipeline at stake"), "{html}");
    }

    #[test]
    fn the_matrix_has_a_column_per_persona_in_a_buying_group_and_a_row_per_segment() {
        let f = Fixture::new();
        let m = super::matrix(&f.lib.plan, &f.cov);
        assert_eq!(m.rows.len(), f.lib.plan.segments.len());
        for row in &m.rows {
            assert_eq!(row.cells.len(), m.columns.len());
        }
    }
}
