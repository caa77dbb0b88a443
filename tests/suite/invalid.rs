//! Every diagnostic covermap emits, one invalid library per diagnostic: each folder of
//! `tests/fixtures/invalid/` is run through the real binary as `check --root <case>`,
//! and its `expected` file says what must come out. The format of `expected`:
//!
//! ```text
//! exit: 1
//! # a comment (ignored), e.g. why the case exists
//! content/a.md:3:12: error: unknown persona `ecomonic-buyer`
//! help: did you mean `economic-buyer`?
//! ```
//!
//! The first line is the exit code; every further non-empty, non-comment line must
//! appear verbatim somewhere in stderr (leading spaces count, so caret lines can be
//! checked too). All cases run before anything fails, so one run lists every mismatch.

use crate::common::{command, fixtures, tree};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

/// Runs the binary without failing on a panic: each case reports its problems, a panic
/// among them, and the test lists every failing case at the end.
fn covermap(args: &[&std::ffi::OsStr]) -> Output {
    command(args).output().expect("run covermap")
}

/// What a case's `expected` file asks for.
struct Expected {
    exit: i32,
    lines: Vec<String>,
}

fn parse_expected(text: &str) -> Result<Expected, String> {
    let mut lines = text.lines().map(|l| l.trim_end_matches('\r'));
    let first = lines.next().unwrap_or("");
    let exit = first
        .strip_prefix("exit:")
        .and_then(|n| n.trim().parse().ok())
        .ok_or_else(|| format!("first line must be `exit: N`, found {first:?}"))?;
    let lines: Vec<String> = lines
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(str::to_owned)
        .collect();
    if lines.is_empty() {
        return Err("no expected stderr lines after the exit line".into());
    }
    Ok(Expected { exit, lines })
}

/// Runs one case; returns the problems found, empty when it passes.
fn run_case(dir: &Path) -> Vec<String> {
    let expected = match fs::read_to_string(dir.join("expected"))
        .map_err(|e| format!("cannot read `expected`: {e}"))
        .and_then(|t| parse_expected(&t))
    {
        Ok(e) => e,
        Err(e) => return vec![e],
    };
    let out = covermap(&["check".as_ref(), "--root".as_ref(), dir.as_os_str()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let mut problems = Vec::new();
    match out.status.code() {
        Some(code) if code == expected.exit => {}
        code => problems.push(format!("exit code: want {}, got {code:?}", expected.exit)),
    }
    for line in &expected.lines {
        if !stderr.contains(line.as_str()) {
            problems.push(format!("missing from stderr: {line}"));
        }
    }
    if stderr.contains("panicked") {
        problems.push("covermap panicked".into());
    }
    problems
}

#[test]
fn every_invalid_fixture_reports_its_diagnostic() {
    let root = fixtures().join("invalid");
    let mut cases: Vec<PathBuf> = fs::read_dir(&root)
        .expect("read tests/fixtures/invalid")
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(!cases.is_empty(), "no cases in {}", root.display());

    let mut failures = Vec::new();
    for dir in &cases {
        let problems = run_case(dir);
        if problems.is_empty() {
            continue;
        }
        let name = dir.file_name().unwrap_or_default().to_string_lossy();
        let expected = fs::read_to_string(dir.join("expected")).unwrap_or_default();
        let out = covermap(&["check".as_ref(), "--root".as_ref(), dir.as_os_str()]);
        failures.push(format!(
            "── {name}\n{}\n-- expected:\n{}-- actual (exit {:?}) stderr:\n{}",
            problems.join("\n"),
            expected,
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    assert!(
        failures.is_empty(),
        "{} of {} invalid fixtures failed:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn failed_build_leaves_previous_output_untouched() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join("public");
    let build = |root: &Path| {
        covermap(&[
            "build".as_ref(),
            "--root".as_ref(),
            root.as_os_str(),
            "--out".as_ref(),
            out.as_os_str(),
        ])
    };

    let first = build(&fixtures().join("valid-small"));
    assert_eq!(
        first.status.code(),
        Some(0),
        "valid-small must build: {}",
        String::from_utf8_lossy(&first.stderr)
    );
    let before = tree(&out);
    assert!(
        before.contains_key("index.html"),
        "the valid build wrote no index.html: {:?}",
        before.keys().collect::<Vec<_>>()
    );

    let second = build(&fixtures().join("invalid/several-errors"));
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert_eq!(second.status.code(), Some(1), "stderr:\n{stderr}");
    assert!(
        stderr.contains("content/a.md:3:12: error: unknown persona `ecomonic-buyer`"),
        "stderr:\n{stderr}"
    );
    assert!(!stderr.contains("panicked"), "stderr:\n{stderr}");
    let after = tree(&out);
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>(),
        "the failed build changed which files are in the output"
    );
    for (path, bytes) in &before {
        assert!(after[path] == *bytes, "the failed build changed {path}");
    }
}
