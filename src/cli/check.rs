//! `covermap check`: validate the library and print its coverage, as a summary and
//! heatmap for people or as JSON for scripts (every diagnostic with its `code`), and
//! gate on `--min-coverage`. Nothing is written: the site is rendered into a
//! [`NullSink`] so template errors are found too.

use std::io::{self, Write};
use std::process::ExitCode;

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
    let Ok(Finished {
        library, coverage, ..
    }) = built
    else {
        if args.format == Format::Json {
            let doc =
                serde_json::json!({ "ok": false, "diagnostics": diagnostics_json(&diagnostics) });
            writeln!(io::stdout().lock(), "{doc}")?;
        }
        term.diagnostics(&diagnostics);
        term.say(format_args!(
            "check failed: {} error(s), {} warning(s)",
            diagnostics.errors(),
            diagnostics.warnings()
        ));
        return Ok(ExitCode::from(1));
    };
    let below = args
        .min_coverage
        .zip(coverage.summary.coverage)
        .is_some_and(|(min, c)| c + 1e-9 < min);
    match args.format {
        Format::Json => {
            let mut doc: serde_json::Value =
                serde_json::from_slice(&crate::render::coverage_json(&library, &coverage))
                    .unwrap_or_default();
            doc["ok"] = serde_json::json!(!below);
            doc["diagnostics"] = diagnostics_json(&diagnostics);
            let text = serde_json::to_string_pretty(&doc).unwrap_or_default();
            writeln!(io::stdout().lock(), "{text}")?;
        }
        Format::Text => {
            let color = term.stdout_color();
            let report = crate::report::summary_and_heatmap(&library.plan, &coverage, color);
            let mut out = crate::diagnostics::color::stream(io::stdout().lock(), color);
            out.write_all(report.as_bytes())?;
            out.flush()?;
        }
    }
    term.diagnostics(&diagnostics);
    // --no-regression BASE: the diff gate (src/cli/diff.rs).
    if let Some(base) = &args.no_regression
        && let Some(code) = super::diff::gate(&args.library, base, &library, &coverage, term)
    {
        return Ok(code);
    }
    if below {
        // Why the exit code is 1: shown even under --quiet, as an error would be.
        let _ = writeln!(
            io::stderr().lock(),
            "coverage {} is below the minimum {}",
            crate::format::pct(coverage.summary.coverage),
            crate::format::pct(args.min_coverage)
        );
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
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
