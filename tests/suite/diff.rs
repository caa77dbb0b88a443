//! `covermap diff BASE [HEAD]` and `check --no-regression BASE` on scripted git
//! repositories: the library sits in a folder of the repository (a monorepo), a base
//! commit has every cell covered, and the change removes, retitles, adds and outdates
//! assets, lets a decision lapse, raises a segment's pipeline and adds an objection —
//! each with the exact cells, assets, decisions, objections and plan changes it must
//! show, in every format, with each side a revision, the working tree or an output
//! folder.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

use crate::common::{Run, command};

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(["-c", "protocol.file.allow=always"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn plan(pipeline: &str, review_by: &str, extra: &str) -> String {
    format!(
        r#"[site]
title = "T"
[plan]
title = "P"
currency = "USD"
as_of = 2026-11-01
[coverage]
target = 1
[[stages]]
id = "awareness"
name = "Awareness"
[[stages]]
id = "decision"
name = "Decision"
[[personas]]
id = "economic-buyer"
name = "Economic Buyer"
[[personas]]
id = "champion"
name = "Champion"
[[segments]]
id = "enterprise"
name = "Enterprise"
pipeline = {pipeline}
[[decisions]]
segment = "enterprise"
persona = "economic-buyer"
stage = "awareness"
target = 0
why = "The EB meets us at decision"
review_by = {review_by}
[[objections]]
id = "price"
text = "Too expensive"
heard = 5
[[objections]]
id = "security"
text = "Is it safe?"
heard = 3
{extra}"#
    )
}

fn asset(title: &str, persona: &str, stage: &str, extra: &str) -> String {
    format!(
        "---\ntitle: {title}\npersonas: [{persona}]\nstages: [{stage}]\nsegments: [enterprise]\n{extra}---\nBody.\n"
    )
}

/// A repository whose library is `sales/lib`, committed once (the base: every cell
/// covered, price answered, security not).
struct Repo {
    dir: tempfile::TempDir,
}

impl Repo {
    fn new() -> Repo {
        let repo = Repo {
            dir: tempfile::tempdir().unwrap(),
        };
        git(repo.top(), &["init", "-q"]);
        repo.write("plan.toml", &plan("1_000_000", "2026-12-01", ""));
        repo.write(
            "content/a.md",
            &asset(
                "Alpha",
                "economic-buyer",
                "decision",
                "objections: [price]\n",
            ),
        );
        repo.write("content/b.md", &asset("Beta", "champion", "awareness", ""));
        repo.write(
            "content/c.md",
            &asset("Gamma", "champion", "decision", "review_by: 2026-12-01\n"),
        );
        repo.commit("base");
        repo
    }

    fn top(&self) -> &Path {
        self.dir.path()
    }

    fn lib(&self) -> PathBuf {
        self.dir.path().join("sales/lib")
    }

    fn write(&self, path: &str, text: &str) {
        let p = self.lib().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    fn commit(&self, message: &str) {
        git(self.top(), &["add", "-A"]);
        git(self.top(), &["commit", "-q", "-m", message]);
    }

    /// The change under review, in the working tree.
    fn change(&self) {
        self.write(
            "plan.toml",
            &plan(
                "1_200_000",
                "2026-10-15",
                "[[objections]]\nid = \"integration\"\ntext = \"Does it fit our stack?\"\nheard = 1\n",
            ),
        );
        std::fs::remove_file(self.lib().join("content/a.md")).unwrap();
        self.write(
            "content/b.md",
            &asset("Beta two", "champion", "awareness", ""),
        );
        self.write(
            "content/c.md",
            &asset("Gamma", "champion", "decision", "review_by: 2026-10-01\n"),
        );
        self.write(
            "content/d.md",
            &asset("Delta", "champion", "awareness", "objections: [security]\n"),
        );
    }

    /// Runs covermap in the library's folder (found from there, as a user would).
    fn run(&self, args: &[&str]) -> Run {
        Run::of(command(args).current_dir(self.lib()))
    }

    fn json(&self, args: &[&str]) -> Value {
        let mut all = vec!["diff", "--format", "json"];
        all.extend(args);
        let run = self.run(&all);
        run.success();
        serde_json::from_slice(&run.stdout).expect("diff --format json prints JSON")
    }
}

fn cell(stage_persona: (&str, &str), before: Value, after: Value, change: f64) -> Value {
    json!({
        "segment": "enterprise", "persona": stage_persona.0, "stage": stage_persona.1,
        "before": before, "after": after, "pipeline_at_stake_change": change,
    })
}

fn side(count: u64, target: u64, status: &str, stake: f64) -> Value {
    json!({ "count": count, "target": target, "status": status, "pipeline_at_stake": stake })
}

/// Every change the scripted pull request makes, as JSON.
fn assert_the_change(d: &Value) {
    assert_eq!(d["coverage"], json!({ "before": 1.0, "after": 0.25 }));
    assert_eq!(
        d["pipeline_weighted_coverage"],
        json!({ "before": 1.0, "after": 0.25 })
    );
    assert_eq!(
        d["pipeline_at_stake"],
        json!({ "before": 0.0, "after": 900000.0 })
    );
    assert_eq!(
        d["cells"],
        json!([
            cell(
                ("economic-buyer", "awareness"),
                side(0, 0, "waived", 0.0),
                side(0, 1, "gap", 300000.0),
                300000.0
            ),
            cell(
                ("economic-buyer", "decision"),
                side(1, 1, "covered", 0.0),
                side(0, 1, "gap", 300000.0),
                300000.0
            ),
            cell(
                ("champion", "awareness"),
                side(1, 1, "covered", 0.0),
                side(2, 1, "covered", 0.0),
                0.0
            ),
            cell(
                ("champion", "decision"),
                side(1, 1, "covered", 0.0),
                side(0, 1, "gap", 300000.0),
                300000.0
            ),
        ])
    );
    assert_eq!(
        d["assets"],
        json!({
            "added": [{ "slug": "d", "title": "Delta" }],
            "removed": [{ "slug": "a", "title": "Alpha" }],
            "retitled": [{ "slug": "b", "before": "Beta", "after": "Beta two" }],
            "stale": [{ "slug": "c", "title": "Gamma" }],
            "fresh": [],
            "counted": [],
            "uncounted": [{ "slug": "c", "title": "Gamma" }],
            // Due soon at the base, stale now: it leaves "due soon" as it goes stale.
            "due_soon": [],
            "no_longer_due_soon": [{ "slug": "c", "title": "Gamma" }],
            "superseded": [],
            "no_longer_superseded": [],
            "in_progress": [],
            "out_of_draft": [],
        })
    );
    let lapsed = json!({
        "segment": "enterprise", "persona": "economic-buyer", "stage": "awareness",
        "target": 0, "why": "The EB meets us at decision", "lapsed": true,
    });
    assert_eq!(
        d["decisions"],
        json!({ "added": [], "removed": [], "lapsed": [lapsed], "renewed": [], "changed": [] })
    );
    assert_eq!(
        d["objections"],
        json!({
            "answered": [{ "id": "security", "text": "Is it safe?", "before": 0, "after": 1 }],
            "unanswered": [
                { "id": "price", "text": "Too expensive", "before": 1, "after": 0 },
                { "id": "integration", "text": "Does it fit our stack?", "before": null, "after": 0 },
            ],
        })
    );
    assert_eq!(
        d["plan"],
        json!([{ "what": "pipeline", "change": "changed", "id": "enterprise", "before": "$1M", "after": "$1.2M" }])
    );
    assert_eq!(d["regressed"], true);
    assert_eq!(
        d["regressions"],
        json!([
            "plan coverage fell from 100.0% to 25.0%",
            "enterprise · economic-buyer · awareness: waived 0/0 → gap 0/1",
            "enterprise · economic-buyer · decision: covered 1/1 → gap 0/1",
            "enterprise · champion · decision: covered 1/1 → gap 0/1",
        ])
    );
}

#[test]
fn two_revisions_and_the_working_tree_give_the_exact_changes_as_json() {
    let repo = Repo::new();
    repo.change();
    // The working tree against the last commit (HEAD defaults to the working tree).
    let d = repo.json(&["HEAD"]);
    assert_the_change(&d);
    assert_eq!(d["head"]["source"], "working tree");
    assert_eq!(d["base"]["source"], "git");
    assert_eq!(d["base"]["commit"].as_str().unwrap().len(), 40);
    assert_eq!(d["unavailable"], json!([]));
    // The same change committed: two revisions, with the working tree moved on.
    repo.commit("the change");
    repo.write(
        "content/e.md",
        &asset("Epsilon", "economic-buyer", "decision", ""),
    );
    std::fs::write(repo.lib().join("plan.toml"), "not a plan").unwrap();
    let d = repo.json(&["HEAD~1", "HEAD"]);
    assert_the_change(&d);
    assert_eq!(d["head"]["label"].as_str().unwrap()[..6], *"HEAD (");
    // Nothing changed between a revision and itself.
    let same = repo.json(&["HEAD", "HEAD"]);
    assert_eq!(same["cells"], json!([]));
    assert_eq!(same["regressed"], false);
}

#[test]
fn text_and_markdown_show_the_same_changes() {
    let repo = Repo::new();
    repo.change();
    let text = repo.run(&["diff", "HEAD"]);
    text.success();
    let text = text.stdout_text();
    for line in [
        "  plan coverage               100.0% → 25.0%  −75.0 pts",
        "  pipeline at stake           $0 → $900k  +$900k",
        "cells: 4 changed",
        "  Enterprise · Economic Buyer · Awareness  0/0 waived → 0/1 gap  at stake +$300k",
        "  Enterprise · Champion · Awareness        1/1 covered → 2/1 covered  at stake ±0",
        "  added      d “Delta”",
        "  removed    a “Alpha”",
        "  retitled   b: “Beta” → “Beta two”",
        "  stale      c “Gamma”",
        "  lapsed     enterprise · economic-buyer · awareness: target 0 (The EB meets us at decision)",
        "  answered   security “Is it safe?”",
        "  unanswered integration “Does it fit our stack?”",
        "  pipeline changed: enterprise $1M → $1.2M",
        "regressions: 4",
    ] {
        assert!(text.contains(line), "text lacks {line:?}:\n{text}");
    }
    let md = repo.run(&["diff", "HEAD", "--format", "markdown"]);
    md.success();
    let md = md.stdout_text();
    assert!(
        md.starts_with("<!-- covermap-diff -->\n### Coverage: HEAD ("),
        "{md}"
    );
    for line in [
        "| Plan coverage | 100.0% | 25.0% | −75.0 pts |",
        "| Pipeline at stake | $0 | $900k | +$900k |",
        "#### Cells (4 changed)",
        "| Enterprise · Economic Buyer · Decision | 1/1 covered | 0/1 gap | +$300k |",
        "- **retitled** b: “Beta” → “Beta two”",
        "- **lapsed** enterprise · economic-buyer · awareness: target 0 (The EB meets us at decision)",
        "- **plan** pipeline changed: enterprise $1M → $1.2M",
        "**Regressions (4):**",
    ] {
        assert!(md.contains(line), "markdown lacks {line:?}:\n{md}");
    }
}

#[test]
fn fail_on_regression_and_check_no_regression_gate_on_it() {
    let repo = Repo::new();
    repo.change();
    repo.run(&["diff", "HEAD"]).success();
    repo.run(&["diff", "HEAD", "--fail-on-regression"])
        .code(1)
        .stderr_contains("coverage regressed against HEAD: plan coverage fell from 100.0% to 25.0%; enterprise · economic-buyer · awareness: waived 0/0 → gap 0/1")
        .stderr_contains("[E0705]");
    repo.run(&["check", "--no-regression", "HEAD"])
        .code(1)
        .stderr_contains("plan coverage fell from 100.0% to 25.0%");
    // The other way round, coverage only rises: no regression.
    repo.commit("the change");
    repo.run(&["diff", "HEAD", "HEAD~1", "--fail-on-regression"])
        .success();
    repo.run(&["check", "--no-regression", "HEAD"]).success();
    repo.run(&["check", "--no-regression", "nosuch"])
        .code(2)
        .stderr_contains("[E0701]");
}

#[test]
fn an_output_folder_is_a_side_and_what_it_cannot_tell_is_unavailable() {
    let repo = Repo::new();
    let out = repo.top().join("base-site");
    repo.run(&["build", "-o", out.to_str().unwrap()]).success();
    repo.change();
    let folder = out.to_str().unwrap();
    let d = repo.json(&[folder]);
    assert_eq!(d["base"]["source"], "folder");
    assert_eq!(d["coverage"], json!({ "before": 1.0, "after": 0.25 }));
    assert_eq!(d["cells"].as_array().unwrap().len(), 4);
    assert_eq!(d["objections"]["answered"][0]["id"], "security");
    assert_eq!(d["decisions"], Value::Null);
    if !out.join("assets.json").exists() {
        assert_eq!(d["assets"], Value::Null);
        assert_eq!(d["unavailable"], json!(["assets", "decisions"]));
        // assets.json as an export writes it: one object per asset.
        std::fs::write(
            out.join("assets.json"),
            r#"[{"slug":"a","title":"Alpha","stale":false,"counted":true},
                {"slug":"b","title":"Beta","stale":false,"counted":true},
                {"slug":"c","title":"Gamma","stale":false,"counted":true}]"#,
        )
        .unwrap();
    }
    let d = repo.json(&[folder]);
    assert_eq!(
        d["assets"]["stale"],
        json!([{ "slug": "c", "title": "Gamma" }])
    );
    assert_eq!(
        d["assets"]["added"],
        json!([{ "slug": "d", "title": "Delta" }])
    );
    assert_eq!(d["unavailable"], json!(["decisions"]));
    // A folder, or its coverage.json, as the head too.
    // The folder was built from HEAD: read back, it is the same model.
    let d = repo.json(&["HEAD", &format!("{folder}/coverage.json")]);
    assert_eq!(d["cells"], json!([]));
    assert_eq!(d["plan"], json!([]));
    assert_eq!(d["coverage"], json!({ "before": 1.0, "after": 1.0 }));
    assert_eq!(d["objections"], json!({ "answered": [], "unanswered": [] }));
    let text = repo.run(&["diff", folder]);
    text.stdout_contains("note: decisions: unavailable");
}

#[test]
fn a_base_that_is_neither_a_revision_nor_a_build_is_exit_2() {
    let repo = Repo::new();
    repo.run(&["diff", "mian"])
        .code(2)
        .stderr_contains("`mian` is neither a git revision nor a folder holding coverage.json")
        .stderr_contains("did you mean `main`?")
        .stderr_contains("[E0701]");
    let empty = repo.top().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    repo.run(&["diff", empty.to_str().unwrap()]).code(2);
    std::fs::write(empty.join("coverage.json"), "{ not json").unwrap();
    repo.run(&["diff", empty.to_str().unwrap()])
        .code(2)
        .stderr_contains("is not JSON")
        .stderr_contains("[E0703]");
    std::fs::write(empty.join("coverage.json"), r#"{"cells": 3}"#).unwrap();
    repo.run(&["diff", empty.to_str().unwrap()])
        .code(2)
        .stderr_contains("not a covermap coverage.json: it has no `cells` list");
    // Outside any repository, a revision cannot be read.
    let lone = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(lone.path().join("content")).unwrap();
    std::fs::write(lone.path().join("plan.toml"), plan("1", "2026-12-01", "")).unwrap();
    Run::of(command(["diff", "HEAD"]).current_dir(lone.path()))
        .code(2)
        .stderr_contains("is not in a git repository");
}

#[test]
fn a_shallow_clone_names_the_fetch_command() {
    let repo = Repo::new();
    repo.change();
    repo.commit("the change");
    let clone = tempfile::tempdir().unwrap();
    let url = format!("file://{}", repo.top().display());
    git(
        clone.path(),
        &["clone", "-q", "--depth", "1", &url, "shallow"],
    );
    Run::of(command(["diff", "HEAD~1"]).current_dir(clone.path().join("shallow/sales/lib")))
        .code(2)
        .stderr_contains("shallow")
        .stderr_contains("git fetch --unshallow")
        .stderr_contains("fetch-depth: 0")
        .stderr_contains("[E0702]");
}

#[test]
fn a_base_whose_library_has_errors_shows_what_it_can() {
    let repo = Repo::new();
    repo.write("plan.toml", "[plan\n");
    repo.commit("broken plan");
    repo.write("plan.toml", &plan("1_000_000", "2026-12-01", ""));
    let d = repo.json(&["HEAD"]);
    assert_eq!(d["base"]["available"], false);
    assert!(
        d["base"]["errors"][0]
            .as_str()
            .unwrap()
            .starts_with("plan.toml:"),
        "{}",
        d["base"]["errors"]
    );
    assert_eq!(d["coverage"], json!({ "before": null, "after": 1.0 }));
    assert_eq!(d["cells"], json!([]));
    assert_eq!(d["regressed"], false);
    let run = repo.run(&["diff", "HEAD", "--fail-on-regression"]);
    run.success()
        .stderr_contains("has 1 error(s), so its coverage is unavailable")
        .stderr_contains("[W0704]");
    run.stdout_contains("note: the base (HEAD (");
    // A head with errors: the diff says so, and it is a regression.
    repo.commit("fixed");
    repo.write("plan.toml", "[plan\n");
    repo.run(&["diff", "HEAD", "--fail-on-regression"])
        .code(1)
        .stderr_contains("its coverage cannot be judged");
}
