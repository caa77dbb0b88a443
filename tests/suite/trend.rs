//! The trend from git history (`[history]`): a scripted repository whose coverage is
//! known at every commit, built with each way of choosing points; the cache; a shallow
//! clone; a revision with errors; no repository at all.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::common::{Run, TestLib, command};

/// Two stages, one persona, one segment, target 1: coverage is the share of the two
/// stages that have an asset.
fn plan(history: &str) -> String {
    format!(
        "[site]\ntitle = \"T\"\n[plan]\ntitle = \"P\"\nas_of = 2026-11-01\n[coverage]\ntarget = 1\n\
         [[stages]]\nid = \"awareness\"\n[[stages]]\nid = \"decision\"\n[[personas]]\nid = \"champion\"\n\
         [[segments]]\nid = \"smb\"\npipeline = 100\n{history}"
    )
}

fn asset(title: &str, stage: &str) -> String {
    format!(
        "---\ntitle: {title}\ntype: one-pager\nupdated: 2026-10-01\nsegments: [smb]\npersonas: [champion]\nstages: [{stage}]\n---\nBody.\n"
    )
}

fn git(dir: &Path, args: &[&str], date: &str) {
    let out = Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {out:?}");
}

fn commit(dir: &Path, msg: &str, date: &str) {
    git(dir, &["add", "-A"], date);
    git(dir, &["commit", "-q", "-m", msg], date);
}

/// The library in a repo: Sep 15 awareness only (50 %), Oct 10 and Oct 20 both stages
/// (100 %), Nov 10 awareness dropped (50 %); the working tree adds it back (100 %).
fn repo(history: &str) -> TestLib {
    let lib = TestLib::new().plan(&plan(history));
    let root = lib.root().to_path_buf();
    git(&root, &["init", "-q"], "2026-09-15T12:00:00Z");
    lib.write("content/a.md", asset("A", "awareness"));
    commit(&root, "a", "2026-09-15T12:00:00Z");
    lib.write("content/b.md", asset("B", "decision"));
    commit(&root, "b", "2026-10-10T12:00:00Z");
    lib.write("content/b.md", asset("B2", "decision"));
    commit(&root, "b2", "2026-10-20T12:00:00Z");
    std::fs::remove_file(root.join("content/a.md")).unwrap();
    commit(&root, "drop a", "2026-11-10T12:00:00Z");
    lib.write("content/c.md", asset("C", "awareness"));
    lib
}

fn build(lib: &TestLib, cache: &Path) -> Run {
    Run::of(
        command(["build", "--root"])
            .arg(lib.root())
            .arg("--out")
            .arg(lib.out())
            .env("COVERMAP_CACHE_DIR", cache),
    )
}

fn points(lib: &TestLib) -> Vec<(String, Option<f64>)> {
    let json: Value = serde_json::from_str(&lib.read_out("trend.json")).unwrap();
    json["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["label"].as_str().unwrap().to_string(),
                p["coverage"].as_f64(),
            )
        })
        .collect()
}

fn cache_dir(lib: &TestLib) -> PathBuf {
    lib.dir().join("cache")
}

#[test]
fn every_commit_gives_a_point_each_oldest_first_and_the_working_tree_last() {
    let lib = repo("[history]\nevery = \"commit\"\n");
    build(&lib, &cache_dir(&lib)).success();
    let pts = points(&lib);
    let covs: Vec<Option<f64>> = pts.iter().map(|p| p.1).collect();
    assert_eq!(
        covs,
        [Some(0.5), Some(1.0), Some(1.0), Some(0.5), Some(1.0)],
        "{pts:?}"
    );
    assert_eq!(pts.last().unwrap().0, "now");
    let json: Value = serde_json::from_str(&lib.read_out("trend.json")).unwrap();
    let first = &json["points"][0];
    assert_eq!(first["date"], "2026-09-15");
    assert_eq!(first["assets_counted"], 1);
    assert_eq!(first["gaps"], 1);
    assert_eq!(first["segments"]["smb"], 0.5);
    assert_eq!(first["revision"].as_str().unwrap().len(), 40);
    for key in [
        "pipeline_weighted_coverage",
        "pipeline_at_stake",
        "assets_stale",
    ] {
        assert!(first.get(key).is_some(), "{key}");
    }
    // The page: charts with their tables, linked from every page's navigation.
    let page = lib.read_out("trend/index.html");
    assert_eq!(page.matches("<svg class=\"chart\"").count(), 3);
    assert_eq!(page.matches("<table class=\"trend-table\"").count(), 3);
    assert!(page.contains("<th scope=\"row\">now</th>"));
    assert!(
        lib.read_out("coverage/index.html")
            .contains("trend/index.html")
    );
}

#[test]
fn every_month_takes_the_last_commit_of_each_month_before_the_current_one() {
    let lib = repo("[history]\n");
    build(&lib, &cache_dir(&lib)).success();
    assert_eq!(
        points(&lib),
        [
            ("2026-09".to_string(), Some(0.5)),
            ("2026-10".to_string(), Some(1.0)),
            ("now".to_string(), Some(1.0)),
        ]
    );
}

#[test]
fn tags_give_one_point_each_and_max_points_keeps_the_newest() {
    let lib = repo("[history]\ntags = \"qbr-*\"\n");
    let root = lib.root();
    git(root, &["tag", "qbr-q3", "HEAD~3"], "2026-11-10T12:00:00Z");
    git(
        root,
        &["tag", "-a", "-m", "q4", "qbr-q4", "HEAD~1"],
        "2026-11-10T12:00:00Z",
    );
    git(root, &["tag", "other", "HEAD"], "2026-11-10T12:00:00Z");
    build(&lib, &cache_dir(&lib)).success();
    assert_eq!(
        points(&lib),
        [
            ("qbr-q3".to_string(), Some(0.5)),
            ("qbr-q4".to_string(), Some(1.0)),
            ("now".to_string(), Some(1.0)),
        ]
    );
    lib.write(
        "plan.toml",
        plan("[history]\ntags = \"qbr-*\"\nmax_points = 2\n"),
    );
    build(&lib, &cache_dir(&lib)).success();
    assert_eq!(
        points(&lib),
        [
            ("qbr-q4".to_string(), Some(1.0)),
            ("now".to_string(), Some(1.0)),
        ]
    );
}

#[test]
fn points_come_from_the_cache_once_computed() {
    let lib = repo("[history]\nevery = \"commit\"\n");
    let cache = cache_dir(&lib);
    build(&lib, &cache).success();
    let files: Vec<PathBuf> = walkdir::WalkDir::new(&cache)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
        .map(|e| e.into_path())
        .collect();
    // Four revisions, four library trees: one file each.
    assert_eq!(files.len(), 4, "{files:?}");
    // A marked value in every cached point shows the next build reads them.
    for f in &files {
        let mut v: Value = serde_json::from_slice(&std::fs::read(f).unwrap()).unwrap();
        v["coverage"] = Value::from(0.125);
        std::fs::write(f, serde_json::to_vec(&v).unwrap()).unwrap();
    }
    build(&lib, &cache).success();
    let covs: Vec<Option<f64>> = points(&lib).iter().map(|p| p.1).collect();
    assert_eq!(
        covs,
        [
            Some(0.125),
            Some(0.125),
            Some(0.125),
            Some(0.125),
            Some(1.0)
        ]
    );
    // The library itself holds no cache.
    assert!(
        !crate::common::tree(lib.root())
            .keys()
            .any(|k| k.contains("trend") && !k.starts_with(".git"))
    );
}

#[test]
fn a_revision_with_errors_is_left_out_with_one_warning() {
    let lib = repo("[history]\nevery = \"commit\"\n");
    let root = lib.root().to_path_buf();
    lib.write("content/broken.md", "---\ntitle: [unclosed\n---\n");
    commit(&root, "broken", "2026-11-12T12:00:00Z");
    std::fs::remove_file(root.join("content/broken.md")).unwrap();
    let run = build(&lib, &cache_dir(&lib));
    run.success()
        .stderr_contains("left out of the trend")
        .stderr_contains("W0431");
    // The broken commit is not a point; the four good ones and now are.
    assert_eq!(points(&lib).len(), 5);
}

#[test]
fn a_shallow_clone_warns_and_builds_without_a_trend() {
    let lib = repo("[history]\n");
    commit(lib.root(), "c", "2026-11-20T12:00:00Z");
    let clone = lib.dir().join("shallow");
    let url = format!("file://{}", lib.root().display());
    git(
        lib.dir(),
        &["clone", "-q", "--depth", "1", &url, clone.to_str().unwrap()],
        "2026-11-20T12:00:00Z",
    );
    let out = lib.dir().join("shallow-out");
    let run = Run::of(
        command(["build", "--root"])
            .arg(&clone)
            .arg("--out")
            .arg(&out)
            .env("COVERMAP_CACHE_DIR", cache_dir(&lib)),
    );
    run.success()
        .stderr_contains("history unavailable")
        .stderr_contains("fetch-depth: 0");
    assert!(!out.join("trend/index.html").exists());
    assert!(!out.join("trend.json").exists());
}

#[test]
fn no_repository_or_no_history_means_no_trend_and_no_error() {
    // [history] but no git repository.
    let lib = TestLib::new()
        .plan(&plan("[history]\n"))
        .asset("a.md", &asset("A", "awareness"));
    let run = build(&lib, &cache_dir(&lib));
    run.success();
    assert!(
        !run.stderr_text().contains("history"),
        "{}",
        run.stderr_text()
    );
    assert!(!lib.out().join("trend/index.html").exists());
    assert!(
        !lib.read_out("coverage/index.html")
            .contains("trend/index.html")
    );
    // A repository but no [history].
    let lib = repo("");
    build(&lib, &cache_dir(&lib)).success();
    assert!(!lib.out().join("trend.json").exists());
}

#[test]
fn the_trend_charts_are_well_formed_svg() {
    let lib = repo("[history]\nevery = \"commit\"\n");
    build(&lib, &cache_dir(&lib)).success();
    let page = lib.read_out("trend/index.html");
    let mut n = 0;
    for part in page.split("<svg class=\"chart\"").skip(1) {
        let svg = format!(
            "<svg class=\"chart\"{}</svg>",
            part.split("</svg>").next().unwrap()
        );
        roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{e}: {svg}"));
        n += 1;
    }
    assert_eq!(n, 3);
}
