//! The trend (issue 16): the library's coverage at points of its git history, oldest
//! first, the working tree last. Each point is one revision's files read from git
//! ([`crate::source::GitTree`], never a checkout) through the same load and coverage
//! model as a build, judged on that revision's plan `as_of` (else the commit's date),
//! and kept in a cache by the library's tree hash, so a rebuild computes only the
//! points it has not seen. Without a git repository or `[history]` there is no trend;
//! a shallow clone gives one warning and no trend.

mod cache;
mod git;
mod point;

use std::path::Path;
use std::sync::Arc;

use serde::Serialize;

use crate::coverage::Coverage;
use crate::diagnostics::{Code, Diagnostic, Diagnostics};
use crate::library::{Library, LoadOptions};
use crate::source::GitTree;

pub use git::Revision;
pub use point::Point;

/// The label and revision of the working tree's point.
pub const NOW: &str = "now";
const WORK_TREE: &str = "working tree";

/// The trend: its points, oldest first, the working tree last.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trend {
    pub points: Vec<Point>,
    /// Points computed this time (not found in the cache): for tests and tracing.
    #[serde(skip)]
    pub computed: usize,
}

/// What a session keeps of the trend between rebuilds: the past points as of one HEAD,
/// so `serve` and `watch` read git once per commit, not once per keystroke.
#[derive(Debug, Default)]
pub struct Memo {
    key: Option<(String, crate::plan::history::History)>,
    past: Option<Vec<Point>>,
    warnings: Vec<Diagnostic>,
}

/// The trend of `library` (whose coverage is `cov`), or `None` when the plan has no
/// `[history]`, the library is not in a git work tree, or its history cannot be read.
/// Warnings (a shallow clone, revisions left out) go to `diags`. `memo` keeps the past
/// points for the next call while HEAD stays where it is.
pub fn trend(
    library: &Library,
    cov: &Coverage,
    diags: &mut Diagnostics,
    memo: Option<&mut Memo>,
) -> Option<Trend> {
    let history = library.plan.history.as_ref()?;
    // Only a library on disk has a working tree and a history around it.
    library.source.disk_path(Path::new("plan.toml"))?;
    let root = &library.root;
    let repo = git::repo(root)?;
    let key = Some((repo.head.clone(), history.clone()));
    let mut fresh = Memo::default();
    let memo = memo.unwrap_or(&mut fresh);
    let mut computed = 0;
    if memo.key != key {
        let (past, warnings, n) = past(&repo, root, history);
        *memo = Memo {
            key,
            past,
            warnings,
        };
        computed = n;
    }
    diags.extend(memo.warnings.iter().cloned());
    let mut points = memo.past.clone()?;
    points.push(Point::of(library, cov, WORK_TREE, library.plan.as_of, NOW));
    Some(Trend { points, computed })
}

/// The points before the working tree's, the warnings met on the way, and how many
/// points were computed rather than found in the cache.
fn past(
    repo: &git::Repo,
    root: &Path,
    history: &crate::plan::history::History,
) -> (Option<Vec<Point>>, Vec<Diagnostic>, usize) {
    if repo.shallow {
        let w = Diagnostic::warning(
            "plan.toml",
            "history unavailable: this is a shallow clone, so the trend has no past points",
        )
        .help("fetch the whole history (`git fetch --unshallow`; in GitHub Actions, `fetch-depth: 0`)")
        .code(Code::HistoryUnavailable);
        return (None, vec![w], 0);
    }
    let head_is_work_tree = !git::work_tree_changed(root);
    let Some(revisions) = git::revisions(root, history, head_is_work_tree) else {
        let w = Diagnostic::warning(
            "plan.toml",
            "history unavailable: git could not list the library's commits",
        )
        .help("run `git log -- .` in the library's folder to see why")
        .code(Code::HistoryUnavailable);
        return (None, vec![w], 0);
    };
    let cache = cache::Cache::open();
    let mut points = Vec::with_capacity(revisions.len() + 1);
    let mut computed = 0;
    let mut left_out = Vec::new();
    let trees = git::trees(repo, &revisions);
    for (rev, tree) in revisions.iter().zip(trees) {
        let key = tree.as_deref().map(|t| cache::key(t, rev.date));
        if let Some(mut point) = key.as_deref().and_then(|k| cache.get(k)) {
            // The tree's figures; the label and commit are this revision's.
            point.revision.clone_from(&rev.commit);
            point.label.clone_from(&rev.label);
            point.date = rev.date.to_string();
            points.push(point);
            continue;
        }
        match point_at(repo, rev) {
            Some(point) => {
                computed += 1;
                if let Some(k) = &key {
                    cache.put(k, &point);
                }
                points.push(point);
            }
            None => left_out.push(rev.label.clone()),
        }
    }
    let mut warnings = Vec::new();
    if !left_out.is_empty() {
        warnings.push(
            Diagnostic::warning(
                "plan.toml",
                format!(
                    "{} revision(s) left out of the trend: the library had errors there ({})",
                    left_out.len(),
                    left_out.join(", ")
                ),
            )
            .help("`covermap diff REVISION` shows a revision's errors; the trend shows the others")
            .code(Code::HistoryPointLeftOut),
        );
    }
    (Some(points), warnings, computed)
}

/// The point of one revision: its files loaded from git and their coverage, or `None`
/// when the library there has errors.
fn point_at(repo: &git::Repo, rev: &Revision) -> Option<Point> {
    let source = GitTree::open(&repo.top, &rev.commit, &repo.prefix).ok()?;
    let source: Arc<dyn crate::source::Source> = Arc::new(source);
    // The plan's own as_of at that revision, else the commit's date.
    let as_of = match plan_has_as_of(&*source) {
        true => None,
        false => Some(rev.date),
    };
    let options = LoadOptions {
        as_of,
        ..LoadOptions::default()
    };
    let (library, diags) = crate::library::load_from(source, &options, None);
    let library = library.filter(|_| diags.errors() == 0)?;
    let cov = Coverage::compute(&library.plan, &library.assets);
    Some(Point::of(&library, &cov, &rev.commit, rev.date, &rev.label))
}

/// Whether the plan.toml of `source` writes `as_of` under `[plan]`.
fn plan_has_as_of(source: &dyn crate::source::Source) -> bool {
    let Ok(bytes) = source.read(Path::new("plan.toml"), crate::limits::MAX_PLAN_BYTES) else {
        return false;
    };
    let Ok(table) = std::str::from_utf8(&bytes)
        .ok()
        .map(toml::from_str::<toml::Table>)
        .transpose()
    else {
        return false;
    };
    table
        .as_ref()
        .and_then(|t| t.get("plan"))
        .and_then(|p| p.get("as_of"))
        .is_some()
}

/// What changed between the trend's last two points (the previous point and now), as
/// sentences for the report; `None` without an earlier point.
pub fn changes(trend: &Trend, currency: &str) -> Option<Vec<String>> {
    use crate::format::{money, pct};
    let [.., before, now] = trend.points.as_slice() else {
        return None;
    };
    let since = format!("since {} ({})", before.label, before.date);
    let mut out = Vec::new();
    let share = |what: &str, a: Option<f64>, b: Option<f64>| -> Option<String> {
        (a != b).then(|| format!("{what} {} → {} {since}", pct(a), pct(b)))
    };
    out.extend(share("Coverage", before.coverage, now.coverage));
    out.extend(share(
        "Pipeline-weighted coverage",
        before.pipeline_weighted_coverage,
        now.pipeline_weighted_coverage,
    ));
    if (before.pipeline_at_stake - now.pipeline_at_stake).abs() >= 0.5 {
        out.push(format!(
            "Pipeline at stake {} → {}",
            money(before.pipeline_at_stake, currency),
            money(now.pipeline_at_stake, currency)
        ));
    }
    for (what, a, b) in [
        ("Gaps", before.gaps, now.gaps),
        ("Assets counted", before.assets_counted, now.assets_counted),
        ("Stale assets", before.assets_stale, now.assets_stale),
    ] {
        if a != b {
            out.push(format!("{what} {a} → {b}"));
        }
    }
    for (id, b) in &now.segments {
        match before.segments.get(id) {
            Some(a) if a != b => out.push(format!("Segment {id}: {} → {}", pct(*a), pct(*b))),
            None => out.push(format!("Segment {id} is new since {}", before.label)),
            _ => {}
        }
    }
    if out.is_empty() {
        out.push(format!("No change in the figures {since}"));
    }
    Some(out)
}
