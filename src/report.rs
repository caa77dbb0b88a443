//! The coverage summary and heatmap for the terminal (`covermap check`): coloured
//! blocks on a terminal, plain text otherwise, with a symbol in every cell so the
//! picture never depends on colour alone. Colours are anstyle styles; the caller
//! decides whether there is colour at all (`--color`, NO_COLOR, a terminal).

use std::fmt::Write as _;

use anstyle::{AnsiColor, Style};

use crate::coverage::{Coverage, Status};
use crate::diagnostics::printable;
use crate::format::{cell_marker, money, pct};
use crate::plan::Plan;

pub fn summary_and_heatmap(plan: &Plan, cov: &Coverage, color: bool) -> String {
    let s = &cov.summary;
    let mut out = String::new();
    let paint = |style: Style| if color { style } else { Style::new() };
    let (bold, dim) = (paint(Style::new().bold()), paint(Style::new().dimmed()));
    let _ = writeln!(
        out,
        "{bold}{}{bold:#} — as of {}",
        printable(&plan.title),
        plan.as_of
    );
    if let Some(goal) = plan.revenue_goal {
        let _ = writeln!(out, "revenue goal {}", money(goal, &plan.currency));
    }
    let _ = writeln!(
        out,
        "coverage {bold}{}{bold:#} · pipeline-weighted {bold}{}{bold:#} · pipeline at stake {bold}{}{bold:#}",
        pct(s.coverage),
        pct(s.pipeline_weighted_coverage),
        money(s.pipeline_at_stake, &plan.currency)
    );
    let _ = writeln!(
        out,
        "{} assets ({} count, {} stale) · {} cells: {} covered, {} thin, {} gaps, {} light by decision",
        s.assets, s.counted, s.stale, s.cells, s.covered, s.thin, s.gap, s.waived
    );
    for sc in &cov.segments {
        let seg = &plan.segments[sc.segment];
        let _ = writeln!(
            out,
            "\n{bold}{}{bold:#}  pipeline {} · coverage {} · buying group {} · at stake {}",
            printable(&seg.name),
            money(seg.pipeline, &plan.currency),
            pct(sc.coverage),
            pct(sc.buying_group_coverage),
            money(sc.pipeline_at_stake, &plan.currency)
        );
        let name_w = seg
            .personas
            .iter()
            .map(|&p| plan.personas[p].name.chars().count())
            .max()
            .unwrap_or(0)
            .clamp(8, 24);
        let col_w = seg
            .stages
            .iter()
            .map(|&t| plan.stages[t].name.chars().count())
            .max()
            .unwrap_or(0)
            .clamp(7, 14);
        let _ = write!(out, "{:name_w$} ", "");
        for &t in &seg.stages {
            let _ = write!(
                out,
                " {dim}{:^col_w$}{dim:#}",
                truncate(&plan.stages[t].name, col_w)
            );
        }
        let _ = writeln!(out, "  {dim}coverage{dim:#}");
        for (gi, &p) in seg.personas.iter().enumerate() {
            let _ = write!(out, "{:name_w$} ", truncate(&plan.personas[p].name, name_w));
            for &t in &seg.stages {
                let Some(c) = cov.cell(sc.segment, p, t) else {
                    continue;
                };
                let symbol = cell_marker(c).0;
                let text = if c.status == Status::Waived {
                    format!("{symbol} {}", c.count())
                } else {
                    format!("{symbol} {}/{}", c.count(), c.target)
                };
                let cell = paint(cell_style(c));
                let _ = write!(out, " {cell}{text:^col_w$}{cell:#}");
            }
            let _ = writeln!(out, "  {}", pct(sc.personas[gi].coverage));
        }
    }
    let _ = writeln!(
        out,
        "\n{dim}✓ covered  ◐ thin  ✕ gap  ↻ only stale assets  – light coverage by decision{dim:#}"
    );
    if !cov.gaps.is_empty() {
        let _ = writeln!(out, "\n{bold}Largest gaps{bold:#}");
        for &i in cov.gaps.iter().take(5) {
            let c = &cov.cells[i];
            let _ = writeln!(
                out,
                "  {} · {} · {}: {} of {} — {} at stake",
                printable(&plan.segments[c.segment].name),
                printable(&plan.personas[c.persona].name),
                printable(&plan.stages[c.stage].name),
                c.count(),
                c.target,
                money(c.pipeline_at_stake, &plan.currency)
            );
        }
    }
    let unanswered: Vec<&str> = cov
        .objections
        .iter()
        .filter(|o| o.assets.is_empty())
        .map(|o| plan.objections[o.objection].text.as_str())
        .collect();
    for text in unanswered {
        let _ = writeln!(out, "unanswered objection: “{}”", printable(text));
    }
    out
}

/// A cell's colours: the heatmap's green, amber, magenta (stale only), red and grey.
fn cell_style(c: &crate::coverage::Cell) -> Style {
    let (fg, bg) = match c.status {
        Status::Covered => (AnsiColor::Black, AnsiColor::Green),
        Status::Thin => (AnsiColor::Black, AnsiColor::Yellow),
        Status::Gap if c.stale_only() => (AnsiColor::Black, AnsiColor::Magenta),
        Status::Gap => (AnsiColor::BrightWhite, AnsiColor::Red),
        Status::Waived => (AnsiColor::Black, AnsiColor::White),
    };
    fg.on(bg)
}

fn truncate(s: &str, width: usize) -> String {
    let s = printable(s);
    if s.chars().count() <= width {
        s
    } else {
        s.chars().take(width - 1).chain(['…']).collect()
    }
}
