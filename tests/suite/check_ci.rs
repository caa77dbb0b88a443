//! `check` in CI (issue 16, item 2): GitHub annotations and the Markdown report, the
//! gates (plan, per segment, buying group) with one-decimal messages, --deny-warnings
//! on build and check, and paths relative to the folder covermap was started in.

use std::path::Path;
use std::process::Command;

use crate::common::{BIN, Run, TestLib, covermap, manifest_dir, small_plan, tree};

fn sample_root() -> &'static str {
    manifest_dir().to_str().unwrap()
}

/// `check` on the sample library (coverage 74.76 %, Enterprise 68.29 %, Enterprise's
/// buying group 25 %, Mid-Market's 50 %) with `args`.
fn check_sample(args: &[&str]) -> Run {
    let mut all = vec!["check", "--root", sample_root()];
    all.extend_from_slice(args);
    covermap(all)
}

/// Runs covermap in `dir` with `args` (no --root added).
fn run_in(dir: &Path, args: &[&str]) -> Run {
    Run::of(
        Command::new(BIN)
            .current_dir(dir)
            .env("NO_COLOR", "1")
            .args(args),
    )
}

/// A library with one error (a misspelt persona at line 3, column 12) and one warning.
fn broken() -> TestLib {
    TestLib::new()
        .plan(&small_plan(""))
        .asset(
            "deals/a.md",
            "---\ntitle: A\npersonas: [champoin]\nstages: [decision]\nsegments: [smb]\n---\n",
        )
        .asset(
            "b.md",
            "---\ntitle: B\npersonas: [champion]\nstages: [decision]\nsegments: [smb]\nreview_by: 2026-01-01\n---\n",
        )
}

/// A library with only a warning (a stale asset).
fn warned() -> TestLib {
    TestLib::new().plan(&small_plan("")).asset(
        "b.md",
        "---\ntitle: B\npersonas: [champion]\nstages: [decision]\nsegments: [smb]\nreview_by: 2026-01-01\n---\n",
    )
}

fn git(dir: &Path, args: &[&str]) {
    let ok = Command::new("git")
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap()
        .status
        .success();
    assert!(ok, "git {args:?}");
}

#[test]
fn the_plan_gate_shows_the_real_figure_with_one_decimal() {
    let o = check_sample(&["--min-coverage", "75%"]);
    o.code(1)
        .stderr_contains("coverage 74.8% is below the minimum 75%");
    check_sample(&["--min-coverage", "74%"]).success();
    check_sample(&["--min-coverage", "0.74"]).success();
}

#[test]
fn per_segment_and_buying_group_gates() {
    check_sample(&["--min-coverage", "enterprise=70%"])
        .code(1)
        .stderr_contains("Enterprise coverage 68.3% is below the minimum 70%");
    // Repeatable, and by name as well as id.
    check_sample(&[
        "--min-coverage",
        "enterprise=60%",
        "--min-coverage",
        "SMB=85%",
        "--min-coverage",
        "70%",
    ])
    .success();
    let o = check_sample(&["--min-buying-group", "50%"]);
    o.code(1)
        .stderr_contains("Enterprise buying-group coverage 25.0% is below the minimum 50%");
    assert!(
        !o.stderr_text().contains("Mid-Market buying-group"),
        "50.0% meets 50%: {}",
        o.stderr_text()
    );
    check_sample(&["--min-buying-group", "mid-market=50%"]).success();
    check_sample(&["--min-buying-group", "mid-market=50.1%"])
        .code(1)
        .stderr_contains("Mid-Market buying-group coverage 50.0% is below the minimum 50.1%");
    // The JSON format reports every gate.
    let o = check_sample(&[
        "--format",
        "json",
        "--min-coverage",
        "enterprise=70%",
        "--min-buying-group",
        "smb=50%",
    ]);
    o.code(1);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["ok"], false);
    assert_eq!(doc["schema_version"], 1);
    let gates = doc["gates"].as_array().unwrap();
    assert_eq!(gates.len(), 2);
    assert_eq!(gates[0]["segment"], "enterprise");
    assert_eq!(gates[0]["passed"], false);
    assert_eq!(gates[1]["gate"], "min_buying_group");
    assert_eq!(gates[1]["passed"], true);
}

#[test]
fn a_gate_on_an_unknown_segment_is_a_usage_error() {
    check_sample(&["--min-coverage", "enterprize=70%"])
        .code(2)
        .stderr_contains("`enterprize`")
        .stderr_contains("did you mean `enterprise`?");
    check_sample(&["--min-buying-group", "nowhere=50%"])
        .code(2)
        .stderr_contains("the plan's segments are `enterprise`, `mid-market`");
    // A malformed value is refused by the parser.
    check_sample(&["--min-coverage", "=70%"]).code(2);
    check_sample(&["--min-coverage", "enterprise=170%"]).code(2);
}

#[test]
fn deny_warnings_fails_check() {
    let lib = warned();
    lib.run(["check"]).success();
    lib.run(["check", "--deny-warnings"])
        .code(1)
        .stderr_contains("1 warning(s), and --deny-warnings makes them fail the run");
    let o = lib.run(["check", "--deny-warnings", "--format", "json"]);
    o.code(1);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["ok"], false);
    // No warning: nothing to deny.
    let clean = TestLib::new().plan(&small_plan("")).asset(
        "a.md",
        "---\ntitle: A\npersonas: [champion]\nstages: [decision]\nsegments: [smb]\n---\n",
    );
    clean.run(["check", "--deny-warnings"]).success();
    clean.run(["build", "--deny-warnings"]).success();
}

#[test]
fn deny_warnings_fails_build_and_leaves_the_last_good_site() {
    let lib = TestLib::new().plan(&small_plan("")).asset(
        "a.md",
        "---\ntitle: A\npersonas: [champion]\nstages: [decision]\nsegments: [smb]\n---\n",
    );
    lib.run(["build", "--deny-warnings"]).success();
    let before = tree(&lib.out());
    assert!(before.contains_key("library/a/index.html"));
    lib.write(
        "content/b.md",
        "---\ntitle: B\npersonas: [champion]\nstages: [decision]\nsegments: [smb]\nreview_by: 2026-01-01\n---\n",
    );
    let o = lib.run(["build", "--deny-warnings", "-q"]);
    o.code(1)
        .stderr_contains("build failed: 1 warning(s), and --deny-warnings makes them fail the run")
        .stderr_contains("is untouched")
        .stderr_contains("content/b.md:6:12: warning: stale");
    assert_eq!(tree(&lib.out()), before, "the last good site stays");
    // No temporary folder is left beside it.
    let left: Vec<_> = std::fs::read_dir(lib.dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("covermap"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    // Without the flag the warning does not fail the build.
    lib.run(["build"]).success();
    assert!(tree(&lib.out()).contains_key("library/b/index.html"));
}

#[test]
fn text_paths_are_relative_to_the_folder_covermap_was_started_in() {
    let lib = broken();
    let dir = lib.dir();
    // -C changes folder first; paths still read from where covermap was started.
    let o = run_in(dir, &["-C", "lib", "check"]);
    o.code(1)
        .stderr_contains("\nlib/content/deals/a.md:3:12: error: unknown persona `champoin`")
        .stderr_contains("lib/content/b.md:6:12: warning: stale");
    let o = run_in(dir, &["check", "--root", "lib"]);
    o.code(1)
        .stderr_contains("lib/content/deals/a.md:3:12: error");
    // From inside the library, relative to that folder, `..` included.
    let o = run_in(&lib.path("content/deals"), &["check"]);
    o.code(1)
        .stderr_contains("a.md:3:12: error")
        .stderr_contains("../b.md:6:12: warning");
    assert!(
        !o.stderr_text().contains("content/deals/a.md"),
        "{}",
        o.stderr_text()
    );
    let o = run_in(&lib.path("content/deals"), &["-C", "../..", "check"]);
    o.code(1).stderr_contains("\na.md:3:12: error");
    // From an unrelated folder, absolute.
    let elsewhere = tempfile::tempdir().unwrap();
    let o = run_in(
        elsewhere.path(),
        &["check", "--root", lib.root().to_str().unwrap()],
    );
    let abs = std::fs::canonicalize(lib.root()).unwrap();
    o.code(1).stderr_contains(&format!(
        "{}:3:12: error",
        abs.join("content/deals/a.md").display()
    ));
    // Build's diagnostics too.
    let o = run_in(dir, &["-C", "lib", "build", "-o", "../out"]);
    o.code(1)
        .stderr_contains("lib/content/deals/a.md:3:12: error");
}

#[test]
fn github_annotations_point_at_files_from_the_git_top_folder() {
    let lib = broken().asset(
        "odd,name:1.md",
        "---\ntitle: Odd\npersonas: [champion]\nstages: [decision]\nsegments: [smb]\nreview_by: 2026-02-01\n---\n",
    );
    // Not in a git repository: relative to the start folder.
    let o = run_in(lib.dir(), &["check", "--root", "lib", "--format", "github"]);
    o.code(1);
    let out = o.stdout_text();
    assert!(
        out.contains("::error file=lib/content/deals/a.md,line=3,col=12,title=covermap E0305::unknown persona `champoin`%0A%0Ahelp: did you mean `champion`?\n"),
        "{out}"
    );
    assert!(
        out.contains(
            "::warning file=lib/content/odd%2Cname%3A1.md,line=6,col=12,title=covermap W0310::stale"
        ),
        "{out}"
    );
    assert!(
        out.contains("\ncheck failed: 1 error(s), 2 warning(s)\n"),
        "{out}"
    );
    // The library in a monorepo's subfolder: relative to the repository's top, from
    // wherever covermap runs.
    let repo = lib.dir();
    git(repo, &["init", "-q"]);
    let o = run_in(&lib.path("content"), &["check", "--format", "github"]);
    o.code(1)
        .stdout_contains("::error file=lib/content/deals/a.md,line=3,col=12,");
    // The text format, from the same folder, is relative to it.
    run_in(&lib.path("content"), &["check"])
        .code(1)
        .stderr_contains("\ndeals/a.md:3:12: error");
}

#[test]
fn github_format_on_a_passing_library_prints_gates_and_the_summary() {
    let o = check_sample(&["--format", "github", "--min-coverage", "75%"]);
    o.code(1);
    let out = o.stdout_text();
    assert!(
        out.contains("::error title=covermap gate::coverage 74.8%25 is below the minimum 75%25\n"),
        "{out}"
    );
    assert!(
        out.contains(
            "::warning file=content/battlecards/stackwell.md,line=11,col=12,title=covermap W0310::"
        ),
        "{out}"
    );
    // A diagnostic without a line is a file-level annotation.
    assert!(
        out.lines()
            .filter(|l| l.starts_with("::"))
            .all(|l| !l.contains("line=") || l.contains(",col=")),
        "{out}"
    );
    // Then the summary as plain lines.
    assert!(
        out.contains("\nFY27 H1 revenue plan — as of 2026-11-01\n"),
        "{out}"
    );
    assert!(
        out.contains("\ngate --min-coverage 75%: coverage 74.8% is below the minimum 75%\n"),
        "{out}"
    );
    assert!(!out.contains('\x1b'));
    check_sample(&["--format", "github"]).success();
}

#[test]
fn markdown_report_for_the_step_summary() {
    let o = check_sample(&[
        "--format",
        "markdown",
        "--min-coverage",
        "70%",
        "--min-buying-group",
        "enterprise=50%",
    ]);
    o.code(1);
    let md = o.stdout_text();
    for part in [
        "## covermap check: ❌ failed\n",
        "**FY27 H1 revenue plan** — as of 2026-11-01",
        "| coverage | 74.8% |",
        "| `--min-coverage 70%` | ✅ coverage 74.8% meets the minimum 70% |",
        "| `--min-buying-group enterprise=50%` | ❌ Enterprise buying-group coverage 25.0% is below the minimum 50% |",
        "| persona | Awareness | Consideration | Evaluation | Decision | Onboarding | coverage |",
        "| Economic Buyer | – 4 | ✕ 0/2 | ✕ 0/2 | ✓ 2/2 | ✕ 0/2 | 25% |",
        "| IT \\& Security |",
        "✓ covered · ◐ thin · ✕ gap",
        "### Largest gaps\n\n1. Enterprise · Economic Buyer · Consideration: 0 of 2 — $395.1k at stake",
        "### Diagnostics: 0 error(s), 5 warning(s)",
        "- ⚠️ warning `content/battlecards/stackwell.md:11:12` stale",
    ] {
        assert!(md.contains(part), "lacks {part:?}:\n{md}");
    }
    assert!(md.len() < 65_536);
    check_sample(&["--format", "markdown"])
        .success()
        .stdout_contains("## covermap check: ✅ passed");
    // A library with errors: the verdict and the errors, first.
    let lib = broken();
    let o = lib.run(["check", "--format", "markdown"]);
    o.code(1);
    let md = o.stdout_text();
    assert!(md.starts_with("## covermap check: ❌ failed\n"), "{md}");
    assert!(
        md.contains("### Diagnostics: 1 error(s), 1 warning(s)\n\n- ❌ error `"),
        "{md}"
    );
    assert!(
        md.contains("content/deals/a.md:3:12` unknown persona `champoin` \\[E0305\\]"),
        "{md}"
    );
}

#[test]
fn json_format_names_its_schema_version_even_when_the_library_fails() {
    let o = broken().run(["check", "--format", "json"]);
    o.code(1);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["schema_version"], 1);
    assert_eq!(doc["ok"], false);
    // JSON keeps paths relative to the library root, for scripts.
    assert!(
        doc["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["file"] == "content/deals/a.md")
    );
}
