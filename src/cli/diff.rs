//! `covermap diff BASE [HEAD]`: what a change does to coverage, and the same
//! comparison as `check --no-regression BASE`'s gate. Each side is an earlier build's
//! output folder (its coverage.json and assets.json) or a git revision of the repository
//! holding the library, read with the git CLI through [`GitTree`] (never a checkout);
//! HEAD defaults to the working tree. The comparison itself is [`crate::diff`].

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use super::output::Terminal;
use super::{DiffArgs, DiffFormat, LibraryArgs};
use crate::coverage::Coverage;
use crate::diagnostics::codes::Code;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::diff::{Diff, Snapshot, show};
use crate::library::{Library, LoadOptions};
use crate::source::{GitTree, git_in, git_stdout};
use crate::trace::Trace;

pub fn run(args: &DiffArgs, term: &Terminal) -> io::Result<ExitCode> {
    let root = match super::root::library_root(args.library.root.as_deref()) {
        Ok(root) => root,
        Err(e) => {
            term.error(&e);
            return Ok(ExitCode::from(2));
        }
    };
    let options = args.library.load_options();
    // The two sides load at once: each is a whole load of the library.
    let (base, head) = std::thread::scope(|s| {
        let head = s.spawn(|| match &args.head {
            Some(head) => side(&root, head, &options),
            None => Ok(working_tree(&root, &options)),
        });
        let base = side(&root, &args.base, &options);
        (
            base,
            head.join().unwrap_or_else(|e| std::panic::resume_unwind(e)),
        )
    });
    let (base, head) = match (base, head) {
        (Ok(b), Ok(h)) => (b, h),
        (b, h) => {
            let mut diags = Diagnostics::default();
            diags.extend(b.err().into_iter().chain(h.err()));
            term.diagnostics(&diags);
            return Ok(ExitCode::from(2));
        }
    };
    let diff = Diff::between(&base, &head);
    let text = match args.format {
        DiffFormat::Text => show::text(&diff),
        DiffFormat::Markdown => show::markdown(&diff),
        DiffFormat::Json => {
            let mut t = serde_json::to_string_pretty(&show::json(&diff)).unwrap_or_default();
            t.push('\n');
            t
        }
    };
    io::stdout().lock().write_all(text.as_bytes())?;
    term.diagnostics(&side_warnings(&diff));
    let regressions = diff.regressions();
    if args.fail_on_regression && !regressions.is_empty() {
        let _ = writeln!(
            io::stderr().lock(),
            "{}",
            regression_diagnostic(&args.base, &regressions).render(term.stderr_color())
        );
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

/// `check --no-regression BASE`: compares the checked library with BASE. `None` when
/// nothing regressed; else the exit code, the reason printed (1 a regression, 2 a BASE
/// that cannot be read).
pub fn gate(
    library_args: &LibraryArgs,
    base: &str,
    library: &Library,
    coverage: &Coverage,
    term: &Terminal,
) -> Option<ExitCode> {
    let root = super::root::library_root(library_args.root.as_deref()).ok()?;
    let base_side = match side(&root, base, &library_args.load_options()) {
        Ok(side) => side,
        Err(d) => {
            let mut diags = Diagnostics::default();
            diags.push(d);
            term.diagnostics(&diags);
            return Some(ExitCode::from(2));
        }
    };
    let head = Snapshot::from_model("the working tree", "working tree", library, coverage);
    let diff = Diff::between(&base_side, &head);
    term.diagnostics(&side_warnings(&diff));
    let regressions = diff.regressions();
    if regressions.is_empty() {
        return None;
    }
    let _ = writeln!(
        io::stderr().lock(),
        "{}",
        regression_diagnostic(base, &regressions).render(term.stderr_color())
    );
    Some(ExitCode::from(1))
}

fn regression_diagnostic(base: &str, regressions: &[String]) -> Diagnostic {
    Diagnostic::error(
        base,
        format!(
            "coverage regressed against {base}: {}",
            regressions.join("; ")
        ),
    )
    .help("add content for the cells named, or record a [[decisions]] entry in plan.toml for a target meant to fall; `covermap diff` shows every change")
    .code(Code::DiffRegression)
}

/// A warning for each side whose library has errors: its coverage is unavailable.
fn side_warnings(diff: &Diff) -> Diagnostics {
    let mut diags = Diagnostics::default();
    for side in [diff.base, diff.head] {
        if let Some(first) = side.errors.first() {
            diags.push(
                Diagnostic::warning(
                    side.label.as_str(),
                    format!(
                        "the library here has {} error(s), so its coverage is unavailable; first: {first}",
                        side.errors.len()
                    ),
                )
                .help("the diff shows what the other side tells; fix the errors there to compare coverage")
                .code(Code::DiffSideErrors),
            );
        }
    }
    diags
}

/// The library in the working tree, as `build` would load it.
fn working_tree(root: &Path, options: &LoadOptions) -> Snapshot {
    let (loaded, diags) = crate::load(root, options, &Default::default(), &Trace::start());
    match loaded {
        Some((lib, cov, _)) => Snapshot::from_model("working tree", "working tree", &lib, &cov),
        None => Snapshot::from_errors("working tree", "working tree", errors(&diags)),
    }
}

fn errors(diags: &Diagnostics) -> Vec<String> {
    diags
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{}: {}", d.location(), d.message))
        .collect()
}

/// One side: an output folder holding coverage.json, or a revision of the repository
/// holding the library at `root`.
fn side(root: &Path, arg: &str, options: &LoadOptions) -> Result<Snapshot, Diagnostic> {
    let path = Path::new(arg);
    if path.join("coverage.json").is_file() || (path.is_file() && arg.ends_with(".json")) {
        return Snapshot::from_output(path, arg).map_err(|why| {
            Diagnostic::error(arg, why)
                .help("pass the output folder of a covermap build (it holds coverage.json and assets.json)")
                .code(Code::DiffUnreadable)
        });
    }
    let neither = |why: String| {
        Diagnostic::error(
            arg,
            format!("`{arg}` is neither a git revision nor a folder holding coverage.json: {why}"),
        )
        .code(Code::DiffSideUnknown)
    };
    let Some((top, prefix)) = repository(root) else {
        return Err(neither(format!("{} is not in a git repository", root.display()))
            .help("pass an earlier build's output folder, or run covermap in a clone of the library's repository"));
    };
    let Some(commit) = rev_parse(root, &format!("{arg}^{{commit}}")) else {
        if is_shallow(root) {
            return Err(Diagnostic::error(
                arg,
                format!("`{arg}` is not in this clone: it is shallow, so older commits are missing"),
            )
            .help("fetch the history first: `git fetch --unshallow` (in GitHub Actions, `fetch-depth: 0` on actions/checkout)")
            .code(Code::DiffShallow));
        }
        let refs = refs(root);
        let mut d = neither(format!(
            "no such revision in the repository at {}",
            top.display()
        ));
        d = match crate::diagnostics::suggest(arg, refs.iter().map(String::as_str)) {
            Some(hint) => d.help(hint),
            None => d.help(
                "name a branch, tag or commit (`origin/main`, `HEAD~1`), or an output folder",
            ),
        };
        return Err(d);
    };
    let short = commit.get(..7).unwrap_or(&commit).to_string();
    let label = format!("{arg} ({short})");
    let tree = GitTree::open(&top, &commit, &prefix).map_err(|e| {
        Diagnostic::error(arg, format!("cannot read `{arg}`: {e}")).code(Code::DiffSideUnknown)
    })?;
    let (loaded, diags) = crate::load_from(
        Arc::new(tree),
        options,
        &Default::default(),
        &Trace::start(),
    );
    let snap = match loaded {
        Some((lib, cov, _)) => Snapshot::from_model(label, "git", &lib, &cov),
        None => Snapshot::from_errors(label, "git", errors(&diags)),
    };
    Ok(snap.at_commit(Some(commit)))
}

/// The first line git prints, when it succeeds.
fn git_line(dir: &Path, args: &[&str]) -> Option<String> {
    git_stdout(dir, args).map(|out| out.lines().next().unwrap_or_default().to_string())
}

/// The repository's top folder and the library's folder within it.
fn repository(root: &Path) -> Option<(PathBuf, PathBuf)> {
    let top = git_line(root, &["rev-parse", "--show-toplevel"])?;
    let prefix = git_line(root, &["rev-parse", "--show-prefix"])?;
    Some((
        PathBuf::from(top),
        PathBuf::from(prefix.trim_end_matches('/')),
    ))
}

fn rev_parse(root: &Path, rev: &str) -> Option<String> {
    if rev.starts_with('-') {
        return None;
    }
    git_line(
        root,
        &["rev-parse", "--verify", "--quiet", "--end-of-options", rev],
    )
    .filter(|s| !s.is_empty())
}

fn is_shallow(root: &Path) -> bool {
    git_line(root, &["rev-parse", "--is-shallow-repository"]).is_some_and(|s| s == "true")
}

/// Branch and tag names, for did-you-mean.
fn refs(root: &Path) -> Vec<String> {
    git_in(root)
        .args([
            "for-each-ref",
            "--format=%(refname:short)",
            "refs/heads",
            "refs/remotes",
            "refs/tags",
        ])
        .output()
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}
