//! The library's git history as the trend reads it, through the git CLI (as
//! [`crate::source::GitTree`] does): where the library sits in its repository, and
//! which revisions become points (`[history] every` or `tags`).

use std::path::{Path, PathBuf};
use std::process::Stdio;

use crate::date::Date;
use crate::plan::history::{Every, History};
use crate::source::{git_in, git_stdout};

/// One revision chosen for the trend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    /// The commit's full hash.
    pub commit: String,
    /// The commit's date (UTC).
    pub date: Date,
    /// What the point is called: the tag, the month (`2026-10`), the week
    /// (`2026-10-05`, its Monday) or the short hash.
    pub label: String,
}

/// The repository the library sits in.
#[derive(Debug, Clone)]
pub struct Repo {
    /// The repository's top folder.
    pub top: PathBuf,
    /// The library's folder relative to the top (`""` for the top itself).
    pub prefix: PathBuf,
    pub shallow: bool,
    /// HEAD's commit hash.
    pub head: String,
}

/// The repository holding `root`, if it is in a git work tree with at least one commit.
pub fn repo(root: &Path) -> Option<Repo> {
    let args = [
        "rev-parse",
        "--show-toplevel",
        "--show-prefix",
        "--is-shallow-repository",
        "--verify",
        "-q",
        "HEAD",
    ];
    let text = git_stdout(root, &args)?;
    let mut lines = text.lines();
    let top = PathBuf::from(lines.next()?);
    let prefix = PathBuf::from(lines.next()?.trim_end_matches('/'));
    let shallow = lines.next()? == "true";
    let head = lines.next()?.to_string();
    Some(Repo {
        top,
        prefix,
        shallow,
        head,
    })
}

/// Whether the library's files in the work tree differ from HEAD's (staged, unstaged
/// or new files).
pub fn work_tree_changed(root: &Path) -> bool {
    let args = [
        "status",
        "--porcelain",
        "--untracked-files=normal",
        "--",
        ".",
    ];
    git_stdout(root, &args).is_none_or(|s| !s.trim().is_empty())
}

/// The commits that changed the library, newest first: (hash, date).
fn commits(root: &Path) -> Option<Vec<(String, Date)>> {
    let args = [
        "log",
        "--first-parent",
        "--format=%H %ct",
        "HEAD",
        "--",
        ".",
    ];
    let text = git_stdout(root, &args)?;
    Some(text.lines().filter_map(hash_and_date).collect())
}

fn hash_and_date(line: &str) -> Option<(String, Date)> {
    let (hash, secs) = line.split_once(' ')?;
    let secs: i64 = secs.trim().parse().ok()?;
    Some((
        hash.to_string(),
        Date::from_days_since_epoch(secs.div_euclid(86_400)),
    ))
}

/// The tags matching `glob`, oldest first by their commit's date: (tag, hash, date).
fn tags(root: &Path, glob: &str) -> Option<Vec<(String, String, Date)>> {
    let matcher = globset::Glob::new(glob).ok()?.compile_matcher();
    let args = [
        "for-each-ref",
        "--format=%(refname:short) %(*objectname) %(objectname) %(*committerdate:unix) %(committerdate:unix)",
        "refs/tags",
    ];
    let text = git_stdout(root, &args)?;
    let mut out = Vec::new();
    for line in text.lines() {
        let f: Vec<&str> = line.split(' ').collect();
        let [name, peeled, object, peeled_date, date] = f[..] else {
            continue;
        };
        if !matcher.is_match(name) {
            continue;
        }
        // An annotated tag names its commit through `*`; a light one is the commit.
        let (commit, secs) = if peeled.is_empty() {
            (object, date)
        } else {
            (peeled, peeled_date)
        };
        let Ok(secs) = secs.parse::<i64>() else {
            continue; // a tag of a tree or a blob
        };
        let day = Date::from_days_since_epoch(secs.div_euclid(86_400));
        out.push((name.to_string(), commit.to_string(), day));
    }
    out.sort_by(|a, b| (a.2, &a.0).cmp(&(b.2, &b.0)));
    Some(out)
}

/// Days since 1970-01-01 of a date.
fn days(d: Date) -> i64 {
    let (y, m) = if d.month <= 2 {
        (i64::from(d.year) - 1, i64::from(d.month) + 9)
    } else {
        (i64::from(d.year), i64::from(d.month) - 3)
    };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let doy = (153 * m + 2) / 5 + i64::from(d.day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The Monday of `d`'s week.
fn monday(d: Date) -> Date {
    let n = days(d);
    // 1970-01-01 was a Thursday: days + 3 counts from a Monday.
    Date::from_days_since_epoch(n - (n + 3).rem_euclid(7))
}

/// The revisions the trend shows, oldest first, before the working tree's own point:
/// at most `history.max_points - 1` of them, the newest kept. With `every`, the period
/// HEAD falls in is the working tree's (its last state is now), and so is HEAD itself
/// when the library's files are unchanged since.
pub fn revisions(root: &Path, history: &History, head_is_work_tree: bool) -> Option<Vec<Revision>> {
    let keep = history.max_points.saturating_sub(1);
    let mut chosen: Vec<Revision> = match &history.tags {
        Some(glob) => tags(root, glob)?
            .into_iter()
            .map(|(label, commit, date)| Revision {
                commit,
                date,
                label,
            })
            .collect(),
        None => {
            let commits = commits(root)?;
            let period = |d: Date| -> (Date, String) {
                match history.every {
                    Every::Commit => (d, String::new()),
                    Every::Week => {
                        let m = monday(d);
                        (m, m.to_string())
                    }
                    Every::Month => (
                        Date {
                            year: d.year,
                            month: d.month,
                            day: 1,
                        },
                        format!("{:04}-{:02}", d.year, d.month),
                    ),
                }
            };
            let mut out: Vec<Revision> = Vec::new();
            let mut seen = std::collections::HashSet::new();
            let head_period = commits.first().map(|(_, d)| period(*d).0);
            for (i, (commit, date)) in commits.iter().enumerate() {
                let (start, label) = period(*date);
                match history.every {
                    Every::Commit => {
                        if i == 0 && head_is_work_tree {
                            continue;
                        }
                        out.push(Revision {
                            commit: commit.clone(),
                            date: *date,
                            label: commit[..commit.len().min(7)].to_string(),
                        });
                    }
                    Every::Week | Every::Month => {
                        // Newest first: the first commit met in a period is its last.
                        if Some(start) == head_period || !seen.insert(start) {
                            continue;
                        }
                        out.push(Revision {
                            commit: commit.clone(),
                            date: *date,
                            label,
                        });
                    }
                }
            }
            // Oldest first; first-parent order is the history's, whatever the dates say.
            out.reverse();
            out
        }
    };
    let drop = chosen.len().saturating_sub(keep);
    chosen.drain(..drop);
    Some(chosen)
}

/// The library folder's tree hash at each revision (`None` where git cannot say), read
/// with one `git cat-file --batch-check`.
pub fn trees(repo: &Repo, revisions: &[Revision]) -> Vec<Option<String>> {
    use std::io::Write;
    if revisions.is_empty() {
        return Vec::new();
    }
    let prefix = repo.prefix.to_string_lossy().replace('\\', "/");
    let input: String = revisions
        .iter()
        .map(|r| format!("{}:{prefix}\n", r.commit))
        .collect();
    let child = git_in(&repo.top)
        .args(["cat-file", "--batch-check"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn();
    let Ok(mut child) = child else {
        return vec![None; revisions.len()];
    };
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(input.as_bytes());
    }
    let Ok(out) = child.wait_with_output() else {
        return vec![None; revisions.len()];
    };
    let text = String::from_utf8_lossy(&out.stdout);
    let mut trees: Vec<Option<String>> = text
        .lines()
        .map(|l| {
            let mut f = l.split(' ');
            match (f.next(), f.next()) {
                (Some(oid), Some("tree")) => Some(oid.to_string()),
                _ => None,
            }
        })
        .collect();
    trees.resize(revisions.len(), None);
    trees
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_and_mondays() {
        for n in [-800_000, -1, 0, 1, 59, 365, 20_000, 20_424] {
            assert_eq!(days(Date::from_days_since_epoch(n)), n);
        }
        let d = |s| Date::parse(s).unwrap();
        assert_eq!(monday(d("2026-12-02")), d("2026-11-30"));
        assert_eq!(monday(d("2026-11-30")), d("2026-11-30"));
        assert_eq!(monday(d("2026-12-06")), d("2026-11-30"));
        assert_eq!(monday(d("1970-01-01")), d("1969-12-29"));
    }
}
