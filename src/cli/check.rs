//! `covermap check`: validate the library and print its coverage — a summary and
//! heatmap for people, JSON for scripts (every diagnostic with its `code`), GitHub
//! Actions annotations or a Markdown report for CI ([`super::ci`]) — and gate on
//! `--min-coverage`, `--min-buying-group` ([`super::gates`]) and `--deny-warnings`.
//! Nothing is written: the site is rendered into a [`NullSink`] so template errors are
//! found too.

use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;

use super::ci::{self, Outcome, Paths};
use super::gates::Gate;
use super::output::Terminal;
use super::{CheckArgs, Format};
use crate::diagnostics::Diagnostics;
use crate::output::NullSink;
use crate::{Caches, Finished};

pub fn run(args: &CheckArgs, term: &Terminal) -> io::Result<ExitCode> {
    let root = match super::root::library_root(args.library.root.as_deref()) {
        Ok(root) => root,
        Err(e) => {
            term.error(&e);
            return Ok(ExitCode::from(2));
        }
    };
    let (built, diagnostics) = crate::build_to(
        &root,
        &args.library.load_options(),
        &mut Caches::default(),
        || Ok(NullSink::default()),
        None,
    );
    // Text and Markdown show paths from where covermap was started; GitHub from the
    // repository's top folder; JSON as they are (relative to the library root).
    let shown = match args.format {
        Format::Text | Format::Markdown => Paths::from_start(&root),
        Format::Github => Paths::from_git_top(&root),
        Format::Json => None,
    }
    .map_or_else(|| diagnostics.clone(), |p| p.relocate(&root, &diagnostics));
    let Ok(Finished {
        library, coverage, ..
    }) = built
    else {
        let failed = format!(
            "check failed: {} error(s), {} warning(s)",
            diagnostics.errors(),
            diagnostics.warnings()
        );
        let mut stdout = io::stdout().lock();
        match args.format {
            Format::Json => {
                let doc = serde_json::json!({
                    "schema_version": crate::render::SCHEMA_VERSION,
                    "ok": false,
                    "diagnostics": diagnostics_json(&diagnostics),
                });
                writeln!(stdout, "{doc}")?;
            }
            Format::Github => {
                github_annotations(&mut stdout, &shown)?;
                writeln!(stdout, "{failed}")?;
                return Ok(ExitCode::from(1));
            }
            Format::Markdown => {
                let outcome = Outcome {
                    ok: false,
                    model: None,
                    gates: &[],
                    notes: &[],
                    diagnostics: &shown,
                };
                stdout.write_all(ci::markdown(&outcome).as_bytes())?;
            }
            Format::Text => {}
        }
        term.diagnostics(&shown);
        term.say(format_args!("{failed}"));
        return Ok(ExitCode::from(1));
    };
    let gates = match super::gates::judge(
        &library.plan,
        &coverage,
        &args.min_coverage,
        &args.min_buying_group,
    ) {
        Ok(gates) => gates,
        Err(e) => {
            term.error(&e);
            return Ok(ExitCode::from(2));
        }
    };
    let failed_gates: Vec<&Gate> = gates.iter().filter(|g| !g.passed()).collect();
    let denied = denied(args.deny_warnings, &diagnostics);
    let notes: Vec<String> = denied.iter().cloned().collect();
    // --no-regression BASE: the diff gate (src/cli/diff.rs); it prints its own reason.
    let regression = args
        .no_regression
        .as_ref()
        .and_then(|base| super::diff::gate(&args.library, base, &library, &coverage, term));
    let ok = failed_gates.is_empty() && denied.is_none() && regression.is_none();
    let mut stdout = io::stdout().lock();
    match args.format {
        Format::Json => {
            let mut doc: serde_json::Value =
                serde_json::from_slice(&crate::render::coverage_json(&library, &coverage))
                    .unwrap_or_default();
            doc["ok"] = serde_json::json!(ok);
            doc["gates"] = gates.iter().map(Gate::to_json).collect();
            doc["diagnostics"] = diagnostics_json(&diagnostics);
            let text = serde_json::to_string_pretty(&doc).unwrap_or_default();
            writeln!(stdout, "{text}")?;
        }
        Format::Text => {
            let color = term.stdout_color();
            let report = crate::report::summary_and_heatmap(&library.plan, &coverage, color);
            let mut out = crate::diagnostics::color::stream(&mut stdout, color);
            out.write_all(report.as_bytes())?;
            out.flush()?;
        }
        Format::Github => {
            github_annotations(&mut stdout, &shown)?;
            for g in &failed_gates {
                writeln!(
                    stdout,
                    "{}",
                    ci::plain_annotation(true, "covermap gate", &g.message())
                )?;
            }
            for n in &notes {
                writeln!(
                    stdout,
                    "{}",
                    ci::plain_annotation(true, "covermap --deny-warnings", n)
                )?;
            }
            let report = crate::report::summary_and_heatmap(&library.plan, &coverage, false);
            stdout.write_all(report.as_bytes())?;
            for g in &gates {
                writeln!(stdout, "gate {}: {}", g.flag(), g.message())?;
            }
            return Ok(regression.unwrap_or_else(|| exit(ok)));
        }
        Format::Markdown => {
            let outcome = Outcome {
                ok,
                model: Some((&library.plan, &coverage)),
                gates: &gates,
                notes: &notes,
                diagnostics: &shown,
            };
            stdout.write_all(ci::markdown(&outcome).as_bytes())?;
        }
    }
    drop(stdout);
    term.diagnostics(&shown);
    // Why the exit code is 1: shown even under --quiet, as an error would be.
    let mut stderr = io::stderr().lock();
    for g in failed_gates {
        let _ = writeln!(stderr, "{}", g.message());
    }
    for n in notes {
        let _ = writeln!(stderr, "{n}");
    }
    Ok(regression.unwrap_or_else(|| exit(ok)))
}

fn exit(ok: bool) -> ExitCode {
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// Under `--deny-warnings`, why the warnings fail the run.
pub fn denied(deny: bool, diagnostics: &Diagnostics) -> Option<String> {
    let n = diagnostics.warnings();
    (deny && n > 0).then(|| format!("{n} warning(s), and --deny-warnings makes them fail the run"))
}

fn github_annotations(out: &mut impl Write, diags: &Diagnostics) -> io::Result<()> {
    for d in diags.iter() {
        writeln!(out, "{}", ci::annotation(d))?;
    }
    Ok(())
}

/// Text output's diagnostics: paths relative to the folder covermap was started in.
pub fn from_start(root: &Path, diags: &Diagnostics) -> Diagnostics {
    Paths::from_start(root).map_or_else(|| diags.clone(), |p| p.relocate(root, diags))
}

/// The diagnostics as `check --format json` gives them: one object each, with the
/// stable `code` of its kind.
pub fn diagnostics_json(diags: &Diagnostics) -> serde_json::Value {
    diags
        .iter()
        .map(|d| {
            serde_json::json!({
                "severity": if d.is_error() { "error" } else { "warning" },
                "code": d.code.as_str(),
                "file": d.path.to_string_lossy().replace('\\', "/"),
                "line": d.line,
                "column": d.col,
                "message": d.message,
                "help": d.help,
            })
        })
        .collect()
}
