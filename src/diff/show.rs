//! A [`Diff`] for people (text), for a pull request's sticky comment (Markdown) and for
//! scripts (JSON). Shares show one decimal, so a fall of a tenth of a point is seen;
//! statuses are spelled as in coverage.json.

use std::fmt::Write as _;

use serde_json::{Value, json};

use super::compare::{AssetChange, CellChange, DecisionChange, Diff, Figure, PlanChange};
use super::model::{AssetState, CellSnap, DecisionSnap, Snapshot};

/// The line an Action looks for to find (and update) its own comment.
pub const MARKER: &str = "<!-- covermap-diff -->";
/// Rows a Markdown section lists before summing up the rest.
pub const MARKDOWN_ROWS: usize = 50;
/// GitHub refuses a comment of 65,536 characters or more.
const COMMENT_LIMIT: usize = 65_000;

fn share(v: Option<f64>) -> String {
    v.map_or_else(|| "—".into(), |v| format!("{:.1}%", v * 100.0))
}

fn points(f: &Figure) -> String {
    f.change().map_or_else(String::new, |d| {
        format!("{} pts", signed(d * 100.0, |v| format!("{v:.1}")))
    })
}

fn signed(v: f64, body: impl Fn(f64) -> String) -> String {
    if v.abs() < 0.005 {
        "±0".into()
    } else if v > 0.0 {
        format!("+{}", body(v))
    } else {
        format!("−{}", body(-v))
    }
}

impl Diff<'_> {
    fn currency(&self) -> &str {
        [self.head, self.base]
            .iter()
            .find_map(|s| s.model.as_ref())
            .map(|m| m.plan.currency.as_str())
            .filter(|c| !c.is_empty())
            .unwrap_or("USD")
    }

    fn money(&self, v: Option<f64>) -> String {
        v.map_or_else(|| "—".into(), |v| crate::format::money(v, self.currency()))
    }

    fn money_change(&self, v: f64) -> String {
        signed(v, |v| crate::format::money(v, self.currency()))
    }

    /// The name of a segment, persona or stage, from the head (else the base); the id
    /// where neither side names it.
    fn name(&self, dimension: usize, id: &str) -> String {
        for side in [self.head, self.base] {
            let Some(m) = &side.model else { continue };
            let found = match dimension {
                0 => m
                    .plan
                    .segments
                    .iter()
                    .find(|s| s.id == id)
                    .and_then(|s| s.name.clone()),
                1 => m
                    .plan
                    .personas
                    .iter()
                    .find(|s| s.id == id)
                    .and_then(|s| s.name.clone()),
                _ => m
                    .plan
                    .stages
                    .iter()
                    .find(|s| s.id == id)
                    .and_then(|s| s.name.clone()),
            };
            if let Some(name) = found {
                return name;
            }
        }
        id.to_string()
    }

    fn cell_name(&self, c: &CellChange) -> String {
        format!(
            "{} · {} · {}",
            self.name(0, &c.segment),
            self.name(1, &c.persona),
            self.name(2, &c.stage)
        )
    }
}

fn cell_state(c: Option<&CellSnap>) -> String {
    c.map_or_else(
        || "—".into(),
        |c| format!("{}/{} {}", c.count, c.target, c.status.as_str()),
    )
}

fn side_json(s: &Snapshot) -> Value {
    json!({
        "label": s.label,
        "source": s.source,
        "commit": s.commit,
        "errors": s.errors,
        "available": s.model.is_some(),
    })
}

fn cell_json(c: Option<&CellSnap>) -> Value {
    c.map_or(Value::Null, |c| {
        json!({
            "count": c.count,
            "target": c.target,
            "status": c.status.as_str(),
            "pipeline_at_stake": c.pipeline_at_stake,
        })
    })
}

/// The asset lists by key, every key present (empty when nothing moved).
fn asset_lists(changes: &[AssetChange]) -> Vec<(&'static str, Vec<&AssetChange>)> {
    let mut keys = vec!["added", "removed", "retitled"];
    for row in AssetState::ALL {
        keys.extend([row.2, row.3]);
    }
    keys.into_iter()
        .map(|k| (k, changes.iter().filter(|c| c.key() == k).collect()))
        .collect()
}

fn decision_lists(changes: &[DecisionChange]) -> Vec<(&'static str, Vec<&DecisionChange>)> {
    ["added", "removed", "lapsed", "renewed", "changed"]
        .into_iter()
        .map(|k| (k, changes.iter().filter(|c| c.key() == k).collect()))
        .collect()
}

fn decision_json(d: &DecisionSnap) -> Value {
    json!({
        "segment": d.segment, "persona": d.persona, "stage": d.stage,
        "target": d.target, "why": d.why, "lapsed": d.lapsed,
    })
}

/// The JSON document: the keys the issue names, and what of each side is unavailable.
pub fn json(diff: &Diff) -> Value {
    let fig = |f: &Figure| json!({ "before": f.before, "after": f.after });
    let cells: Vec<Value> = diff
        .cells
        .iter()
        .map(|c| {
            json!({
                "segment": c.segment, "persona": c.persona, "stage": c.stage,
                "before": cell_json(c.before.as_ref()),
                "after": cell_json(c.after.as_ref()),
                "pipeline_at_stake_change": c.stake_change(),
            })
        })
        .collect();
    let assets = diff.assets.as_ref().map_or(Value::Null, |changes| {
        let map: serde_json::Map<String, Value> = asset_lists(changes)
            .into_iter()
            .map(|(k, list)| {
                let items = list
                    .into_iter()
                    .map(|c| match c {
                        AssetChange::Retitled {
                            slug,
                            before,
                            after,
                        } => {
                            json!({ "slug": slug, "before": before, "after": after })
                        }
                        AssetChange::Added { slug, title }
                        | AssetChange::Removed { slug, title }
                        | AssetChange::State { slug, title, .. } => {
                            json!({ "slug": slug, "title": title })
                        }
                    })
                    .collect();
                (k.to_string(), Value::Array(items))
            })
            .collect();
        Value::Object(map)
    });
    let decisions = diff.decisions.as_ref().map_or(Value::Null, |changes| {
        let map: serde_json::Map<String, Value> = decision_lists(changes)
            .into_iter()
            .map(|(k, list)| {
                let items = list
                    .into_iter()
                    .map(|c| match c {
                        DecisionChange::Changed { before, after } => {
                            json!({ "before": decision_json(before), "after": decision_json(after) })
                        }
                        other => decision_json(other.decision()),
                    })
                    .collect();
                (k.to_string(), Value::Array(items))
            })
            .collect();
        Value::Object(map)
    });
    let objection = |answered: bool| -> Vec<Value> {
        diff.objections
            .iter()
            .filter(|o| o.answered == answered)
            .map(|o| json!({ "id": o.id, "text": o.text, "before": o.before, "after": o.after }))
            .collect()
    };
    let plan: Vec<Value> = diff
        .plan
        .iter()
        .map(|p| json!({ "what": p.what, "change": p.change, "id": p.id, "before": p.before, "after": p.after }))
        .collect();
    let regressions = diff.regressions();
    json!({
        "base": side_json(diff.base),
        "head": side_json(diff.head),
        "coverage": fig(&diff.coverage),
        "pipeline_weighted_coverage": fig(&diff.pipeline_weighted_coverage),
        "pipeline_at_stake": fig(&diff.pipeline_at_stake),
        "cells": cells,
        "assets": assets,
        "decisions": decisions,
        "objections": { "answered": objection(true), "unanswered": objection(false) },
        "plan": plan,
        "unavailable": unavailable(diff),
        "regressed": !regressions.is_empty(),
        "regressions": regressions,
    })
}

/// What the comparison cannot tell, by JSON key.
fn unavailable(diff: &Diff) -> Vec<&'static str> {
    let mut out = Vec::new();
    if !diff.comparable() {
        out.extend(["coverage", "cells", "objections", "plan"]);
    }
    if diff.assets.is_none() {
        out.push("assets");
    }
    if diff.decisions.is_none() {
        out.push("decisions");
    }
    out
}

/// Why a side has no coverage, or what it cannot tell: one line each.
fn notes(diff: &Diff) -> Vec<String> {
    let mut out = Vec::new();
    for (which, side) in [("base", diff.base), ("head", diff.head)] {
        if !side.errors.is_empty() {
            out.push(format!(
                "the {which} ({}) has {} error(s), so its coverage is unavailable; first: {}",
                side.label,
                side.errors.len(),
                side.errors[0]
            ));
        }
    }
    if diff.comparable() {
        if diff.assets.is_none() {
            out.push(
                "assets: unavailable (an output folder without assets.json does not list its assets)"
                    .into(),
            );
        }
        if diff.decisions.is_none() {
            out.push(
                "decisions: unavailable (an output folder does not record the plan's decisions; \
                 compare git revisions to see them)"
                    .into(),
            );
        }
    }
    out
}

fn title_of(t: Option<&String>) -> String {
    t.map_or_else(String::new, |t| format!(" “{t}”"))
}

fn asset_line(c: &AssetChange) -> String {
    match c {
        AssetChange::Retitled {
            slug,
            before,
            after,
        } => format!("{slug}: “{before}” → “{after}”"),
        AssetChange::Added { slug, title }
        | AssetChange::Removed { slug, title }
        | AssetChange::State { slug, title, .. } => format!("{slug}{}", title_of(title.as_ref())),
    }
}

fn decision_line(c: &DecisionChange) -> String {
    match c {
        DecisionChange::Changed { before, after } => format!(
            "{}: target {} → {} ({})",
            after.scope(),
            before.target,
            after.target,
            after.why
        ),
        other => {
            let d = other.decision();
            format!("{}: target {} ({})", d.scope(), d.target, d.why)
        }
    }
}

fn plan_line(p: &PlanChange) -> String {
    let what = if p.what == "target" {
        "default target per cell"
    } else {
        p.what
    };
    let mut s = format!("{what} {}", p.change);
    if !p.id.is_empty() {
        let _ = write!(s, ": {}", p.id);
    }
    match (&p.before, &p.after) {
        (Some(b), Some(a)) => {
            let _ = write!(s, " {b} → {a}");
        }
        (Some(x), None) | (None, Some(x)) => {
            let _ = write!(s, " ({x})");
        }
        (None, None) => {}
    }
    s
}

/// For a terminal: every change, one line each.
pub fn text(diff: &Diff) -> String {
    let mut out = format!("coverage diff: {} → {}\n", diff.base.label, diff.head.label);
    for note in notes(diff) {
        let _ = writeln!(out, "  note: {note}");
    }
    let rows = [
        (
            "plan coverage",
            share(diff.coverage.before),
            share(diff.coverage.after),
            points(&diff.coverage),
        ),
        (
            "pipeline-weighted coverage",
            share(diff.pipeline_weighted_coverage.before),
            share(diff.pipeline_weighted_coverage.after),
            points(&diff.pipeline_weighted_coverage),
        ),
        (
            "pipeline at stake",
            diff.money(diff.pipeline_at_stake.before),
            diff.money(diff.pipeline_at_stake.after),
            diff.pipeline_at_stake
                .change()
                .map_or_else(String::new, |d| diff.money_change(d)),
        ),
    ];
    for (what, before, after, change) in rows {
        let _ = writeln!(out, "  {what:<27} {before} → {after}  {change}");
    }
    if diff.comparable() {
        let _ = writeln!(out, "\ncells: {} changed", diff.cells.len());
        let width = diff
            .cells
            .iter()
            .map(|c| diff.cell_name(c).chars().count())
            .max()
            .unwrap_or(0);
        for c in &diff.cells {
            let name = diff.cell_name(c);
            let pad = " ".repeat(width - name.chars().count());
            let _ = writeln!(
                out,
                "  {name}{pad}  {} → {}  at stake {}",
                cell_state(c.before.as_ref()),
                cell_state(c.after.as_ref()),
                diff.money_change(c.stake_change())
            );
        }
    }
    if let Some(changes) = &diff.assets {
        let _ = writeln!(out, "\nassets: {} changed", changes.len());
        for (key, list) in asset_lists(changes) {
            for c in list {
                let _ = writeln!(out, "  {key:<10} {}", asset_line(c));
            }
        }
    }
    if let Some(changes) = &diff.decisions {
        let _ = writeln!(out, "\ndecisions: {} changed", changes.len());
        for (key, list) in decision_lists(changes) {
            for c in list {
                let _ = writeln!(out, "  {key:<10} {}", decision_line(c));
            }
        }
    }
    if diff.comparable() {
        let _ = writeln!(out, "\nobjections: {} changed", diff.objections.len());
        for o in &diff.objections {
            let key = if o.answered { "answered" } else { "unanswered" };
            let _ = writeln!(out, "  {key:<10} {} “{}”", o.id, o.text);
        }
        let _ = writeln!(out, "\nplan changes: {}", diff.plan.len());
        for p in &diff.plan {
            let _ = writeln!(out, "  {}", plan_line(p));
        }
    }
    let regressions = diff.regressions();
    if regressions.is_empty() {
        out.push_str("\nno regression\n");
    } else {
        let _ = writeln!(out, "\nregressions: {}", regressions.len());
        for r in regressions {
            let _ = writeln!(out, "  {r}");
        }
    }
    out
}

/// Text made inert in Markdown: no table breaks, no HTML, no emphasis or links.
pub fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().take(200) {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' | '\t' => out.push(' '),
            '|' | '\\' | '*' | '_' | '`' | '[' | ']' | '#' | '~' | '!' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// For a pull request's sticky comment: the marker line first, a table of the
/// figures, then each kind of change, each list summed up past [`MARKDOWN_ROWS`].
pub fn markdown(diff: &Diff) -> String {
    let mut out = format!(
        "{MARKER}\n### Coverage: {} → {}\n\n",
        md(&diff.base.label),
        md(&diff.head.label)
    );
    for note in notes(diff) {
        let _ = writeln!(out, "> **Note:** {}\n", md(&note));
    }
    out.push_str("| | before | after | change |\n|---|---:|---:|---:|\n");
    let _ = writeln!(
        out,
        "| Plan coverage | {} | {} | {} |",
        share(diff.coverage.before),
        share(diff.coverage.after),
        points(&diff.coverage)
    );
    let _ = writeln!(
        out,
        "| Pipeline-weighted coverage | {} | {} | {} |",
        share(diff.pipeline_weighted_coverage.before),
        share(diff.pipeline_weighted_coverage.after),
        points(&diff.pipeline_weighted_coverage)
    );
    let _ = writeln!(
        out,
        "| Pipeline at stake | {} | {} | {} |\n",
        diff.money(diff.pipeline_at_stake.before),
        diff.money(diff.pipeline_at_stake.after),
        diff.pipeline_at_stake
            .change()
            .map_or_else(String::new, |d| diff.money_change(d))
    );
    let regressions = diff.regressions();
    if regressions.is_empty() {
        out.push_str("No regression.\n");
    } else {
        let _ = writeln!(out, "**Regressions ({}):**\n", regressions.len());
        for r in regressions.iter().take(MARKDOWN_ROWS) {
            let _ = writeln!(out, "- {}", md(r));
        }
        if regressions.len() > MARKDOWN_ROWS {
            let _ = writeln!(out, "- … and {} more", regressions.len() - MARKDOWN_ROWS);
        }
    }
    if diff.comparable() && !diff.cells.is_empty() {
        let _ = writeln!(
            out,
            "\n#### Cells ({} changed)\n\n| Cell | Before | After | At stake |\n|---|---|---|---:|",
            diff.cells.len()
        );
        // The rows a reviewer needs first: cells that got worse, then the largest
        // moves in pipeline at stake; ties keep plan order.
        let mut cells: Vec<&CellChange> = diff.cells.iter().collect();
        cells.sort_by(|a, b| {
            b.worse()
                .cmp(&a.worse())
                .then(b.stake_change().abs().total_cmp(&a.stake_change().abs()))
        });
        for c in cells.iter().take(MARKDOWN_ROWS) {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                md(&diff.cell_name(c)),
                cell_state(c.before.as_ref()),
                cell_state(c.after.as_ref()),
                diff.money_change(c.stake_change())
            );
        }
        if diff.cells.len() > MARKDOWN_ROWS {
            let rest = &cells[MARKDOWN_ROWS..];
            let worse = rest.iter().filter(|c| c.worse()).count();
            let stake: f64 = rest.iter().map(|c| c.stake_change()).sum();
            let _ = writeln!(
                out,
                "| … and {} more cells ({worse} worse) | | | {} |",
                rest.len(),
                diff.money_change(stake)
            );
        }
    }
    let mut section = |title: &str, lines: Vec<(&str, String)>| {
        if lines.is_empty() {
            return;
        }
        let _ = writeln!(out, "\n#### {title} ({} changed)\n", lines.len());
        for (key, line) in lines.iter().take(MARKDOWN_ROWS) {
            let _ = writeln!(out, "- **{key}** {line}");
        }
        if lines.len() > MARKDOWN_ROWS {
            let mut rest: Vec<(&str, usize)> = Vec::new();
            for (key, _) in &lines[MARKDOWN_ROWS..] {
                match rest.iter_mut().find(|(k, _)| k == key) {
                    Some((_, n)) => *n += 1,
                    None => rest.push((key, 1)),
                }
            }
            let summed: Vec<String> = rest.iter().map(|(k, n)| format!("{n} {k}")).collect();
            let _ = writeln!(
                out,
                "- … and {} more: {}",
                lines.len() - MARKDOWN_ROWS,
                summed.join(", ")
            );
        }
    };
    if let Some(changes) = &diff.assets {
        let lines = asset_lists(changes)
            .into_iter()
            .flat_map(|(k, list)| list.into_iter().map(move |c| (k, md(&asset_line(c)))))
            .collect();
        section("Assets", lines);
    }
    if let Some(changes) = &diff.decisions {
        let lines = decision_lists(changes)
            .into_iter()
            .flat_map(|(k, list)| list.into_iter().map(move |c| (k, md(&decision_line(c)))))
            .collect();
        section("Decisions", lines);
    }
    let lines = diff
        .objections
        .iter()
        .map(|o| {
            let key = if o.answered { "answered" } else { "unanswered" };
            (key, md(&format!("{} “{}”", o.id, o.text)))
        })
        .collect();
    section("Objections", lines);
    let lines = diff
        .plan
        .iter()
        .map(|p| ("plan", md(&plan_line(p))))
        .collect();
    section("Plan changes", lines);
    fit(out)
}

/// The comment cut at a line to stay under GitHub's limit, saying so.
fn fit(mut out: String) -> String {
    if out.len() <= COMMENT_LIMIT {
        return out;
    }
    let mut cut = COMMENT_LIMIT - 200;
    while !out.is_char_boundary(cut) {
        cut -= 1;
    }
    let cut = out[..cut].rfind('\n').map_or(cut, |i| i + 1);
    out.truncate(cut);
    out.push_str("\n… cut to fit a comment: `covermap diff --format text` shows the rest.\n");
    out
}
