//! `covermap init`: a small library that builds, to start from.

use std::path::{Path, PathBuf};

const FILES: &[(&str, &str)] = &[
    ("plan.toml", include_str!("init/plan.toml")),
    (
        "content/case-studies/first-customer.md",
        include_str!("init/first-customer.md"),
    ),
    (
        "content/one-pagers/product-overview.md",
        include_str!("init/product-overview.md"),
    ),
    (
        "content/battlecards/incumbent.md",
        include_str!("init/incumbent.md"),
    ),
];

/// The CI files `init --ci` writes, per forge: the same files as `examples/ci/`.
fn ci_files(ci: Ci) -> &'static [(&'static str, &'static str)] {
    match ci {
        Ci::Github => &[
            (
                ".github/workflows/covermap.yml",
                include_str!("../examples/ci/github/covermap.yml"),
            ),
            (
                ".github/workflows/covermap-review.yml",
                include_str!("../examples/ci/github/covermap-review.yml"),
            ),
        ],
        Ci::Gitlab => &[(
            ".gitlab-ci.yml",
            include_str!("../examples/ci/gitlab/.gitlab-ci.yml"),
        )],
    }
}

/// A forge whose CI `init --ci` sets up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ci {
    Github,
    Gitlab,
}

/// What `init` keeps out of git: the site it builds.
const GITIGNORE: &str = "# covermap's output (covermap build)\n/public/\n";

/// Writes `.gitignore` into `dir` unless one exists (nothing the user wrote is
/// overwritten); the path when written.
pub fn gitignore(dir: &Path) -> Result<Option<PathBuf>, String> {
    let path = dir.join(".gitignore");
    if path.exists() {
        return Ok(None);
    }
    write_new(&path, GITIGNORE).map(|()| Some(path))
}

/// Refuses when any of the CI files for `ci` exists in `dir`.
pub fn check_ci(dir: &Path, ci: Ci) -> Result<(), String> {
    match ci_files(ci).iter().find(|(rel, _)| dir.join(rel).exists()) {
        Some((rel, _)) => Err(format!(
            "{} already exists; covermap init never overwrites files (examples/ci/ in covermap's repo has the same workflow to merge by hand)",
            dir.join(rel).display()
        )),
        None => Ok(()),
    }
}

/// Writes the CI workflow files for `ci` into `dir`. Refuses, writing nothing, when any
/// of them exists.
pub fn ci(dir: &Path, ci: Ci) -> Result<Vec<PathBuf>, String> {
    check_ci(dir, ci)?;
    let files = ci_files(ci);
    let mut written = Vec::new();
    for (rel, body) in files {
        let path = dir.join(rel);
        write_new(&path, body)?;
        written.push(path);
    }
    Ok(written)
}

/// Creates `path` (and its folders) holding `body`; fails if it exists.
fn write_new(path: &Path, body: &str) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .and_then(|mut f| std::io::Write::write_all(&mut f, body.as_bytes()))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Writes the starter library into `dir`. Refuses to touch a folder that already
/// holds a plan.toml or a content/ folder: nothing the user wrote is overwritten.
pub fn init(dir: &Path) -> Result<Vec<PathBuf>, String> {
    for existing in ["plan.toml", "content"] {
        if dir.join(existing).exists() {
            return Err(format!(
                "{} already exists; covermap init only starts new libraries and never overwrites files",
                dir.join(existing).display()
            ));
        }
    }
    let mut written = Vec::new();
    for (rel, body) in FILES {
        let path = dir.join(rel);
        write_new(&path, body)?;
        written.push(path);
    }
    written.extend(gitignore(dir)?);
    Ok(written)
}
