//! What `check` writes for CI: GitHub Actions workflow commands (`--format github`,
//! one annotation per diagnostic, paths relative to the git top folder as GitHub wants
//! them), a Markdown report (`--format markdown`, for `$GITHUB_STEP_SUMMARY` or a pull
//! request comment), and the paths of text output made relative to the folder covermap
//! was started in (before any `-C`), so they point at the file from where the user is.

use std::fmt::Write as _;
use std::path::{Component, Path, PathBuf};

use super::gates::{Gate, one_decimal};
use crate::coverage::{Coverage, Status};
use crate::diagnostics::{Diagnostic, Diagnostics, printable};
use crate::format::{cell_marker, money, pct};
use crate::plan::Plan;

/// Diagnostics past this many are summed up in the Markdown report, which must stay
/// well under a pull-request comment's 65,536 characters.
const MARKDOWN_DIAGNOSTICS: usize = 50;
/// Gaps listed in the Markdown report.
const MARKDOWN_GAPS: usize = 10;

/// Where a library's files are, to show their paths from another folder.
pub struct Paths {
    /// The library root, absolute.
    root: PathBuf,
    /// The folder paths are shown relative to, absolute.
    base: PathBuf,
}

impl Paths {
    /// Paths of the library at `root` (as given, relative to the current folder), shown
    /// relative to `base`. `None` where either folder cannot be resolved: paths then
    /// stay as they are.
    pub fn new(root: &Path, base: &Path) -> Option<Paths> {
        Some(Paths {
            root: std::fs::canonicalize(root).ok()?,
            base: std::fs::canonicalize(base).ok()?,
        })
    }

    /// Shown relative to the folder covermap was started in.
    pub fn from_start(root: &Path) -> Option<Paths> {
        Paths::new(root, &start_dir())
    }

    /// Shown relative to the git top folder of the library's repository, or else to the
    /// folder covermap was started in.
    pub fn from_git_top(root: &Path) -> Option<Paths> {
        let top = crate::source::git_stdout(root, &["rev-parse", "--show-toplevel"])
            .map(|s| PathBuf::from(s.trim_end_matches(['\n', '\r'])));
        match top {
            Some(top) => Paths::new(root, &top),
            None => Paths::from_start(root),
        }
    }

    /// `path` (as a diagnostic holds it: relative to the root where it is inside it,
    /// else as the command saw it) shown relative to the base.
    pub fn show(&self, given_root: &Path, path: &Path) -> PathBuf {
        if path.as_os_str().is_empty() {
            return PathBuf::new();
        }
        let inside = crate::diagnostics::display_path(given_root, path);
        let full = if inside.is_absolute() {
            inside
        } else {
            self.root.join(inside)
        };
        // Relative where that reads well: a file under the base, or anywhere in the
        // library when the base is inside it (`../plan.toml` from content/); absolute
        // otherwise, rather than a climb of `../../..` out of an unrelated folder.
        if full.starts_with(&self.base) || self.base.starts_with(&self.root) {
            relative(&self.base, &full)
        } else {
            full
        }
    }

    /// Every diagnostic with its path shown relative to the base.
    pub fn relocate(&self, given_root: &Path, diags: &Diagnostics) -> Diagnostics {
        let mut out = Diagnostics::default();
        out.extend(diags.iter().map(|d| Diagnostic {
            path: self.show(given_root, &d.path),
            ..d.clone()
        }));
        out
    }
}

/// The folder covermap was started in, before any `-C`: text output's paths are
/// relative to it. Set once by `main`; the current folder where it was not.
pub fn start_dir() -> PathBuf {
    START_DIR
        .get()
        .cloned()
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_default()
}

/// Remembers the current folder as [`start_dir`]; `main` calls it before `-C`.
pub fn remember_start_dir() {
    if let Ok(here) = std::env::current_dir() {
        let _ = START_DIR.set(here);
    }
}

static START_DIR: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();

/// `target` relative to `base` (both absolute): `../plan.toml` from `content/`. Where
/// they share nothing (another drive), `target` as it is.
pub fn relative(base: &Path, target: &Path) -> PathBuf {
    fn normal(p: &Path) -> Vec<Component<'_>> {
        p.components()
            .filter(|c| !matches!(c, Component::CurDir))
            .collect()
    }
    let (b, t) = (normal(base), normal(target));
    let common = b.iter().zip(&t).take_while(|(x, y)| x == y).count();
    if common == 0 {
        return target.to_path_buf();
    }
    let mut out = PathBuf::new();
    for _ in common..b.len() {
        out.push("..");
    }
    for c in &t[common..] {
        out.push(c.as_os_str());
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

/// A workflow command's message: `%`, CR and LF escaped, as @actions/core does.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property value: as [`escape_data`], and `:` and `,` too.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// One diagnostic as a workflow command: `::error file=…,line=…,col=…,title=covermap
/// E0305::message`, a file-level annotation where it has no line.
pub fn annotation(d: &Diagnostic) -> String {
    let level = if d.is_error() { "error" } else { "warning" };
    let mut props = Vec::new();
    let file = d.path.to_string_lossy().replace('\\', "/");
    if !file.is_empty() {
        props.push(format!("file={}", escape_property(&printable(&file))));
        if let Some(line) = d.line {
            props.push(format!("line={line}"));
            if let Some(col) = d.col {
                props.push(format!("col={col}"));
            }
        }
    }
    props.push(format!(
        "title={}",
        escape_property(&format!("covermap {}", d.code))
    ));
    let mut message = printable(&d.message);
    if let Some(help) = &d.help {
        let _ = write!(message, "\n\nhelp: {}", printable(help));
    }
    format!("::{level} {}::{}", props.join(","), escape_data(&message))
}

/// A message that belongs to no file (a gate, `--deny-warnings`) as a workflow command.
pub fn plain_annotation(error: bool, title: &str, message: &str) -> String {
    format!(
        "::{} title={}::{}",
        if error { "error" } else { "notice" },
        escape_property(title),
        escape_data(&printable(message))
    )
}

/// What `check` found, for the Markdown report.
pub struct Outcome<'a> {
    pub ok: bool,
    /// The plan and its model, where the library loaded.
    pub model: Option<(&'a Plan, &'a Coverage)>,
    pub gates: &'a [Gate],
    /// Why the check failed besides errors and gates (`--deny-warnings`).
    pub notes: &'a [String],
    pub diagnostics: &'a Diagnostics,
}

/// Text in a Markdown table cell or list item: what would start markup is escaped;
/// backticks are kept, so the `ids` messages quote read as code.
pub fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in printable(s).chars() {
        if matches!(
            c,
            '\\' | '|' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '~' | '&' | '!'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The Markdown report: headline figures, the gates, a compact heatmap per segment
/// (a symbol in every cell), the largest gaps and the diagnostics.
pub fn markdown(o: &Outcome) -> String {
    let mut out = String::new();
    let verdict = if o.ok { "✅ passed" } else { "❌ failed" };
    let _ = writeln!(out, "## covermap check: {verdict}\n");
    if let Some((plan, cov)) = o.model {
        headline(&mut out, plan, cov);
    }
    if !o.gates.is_empty() || !o.notes.is_empty() {
        let _ = writeln!(out, "### Gates\n\n| gate | result |\n|---|---|");
        for g in o.gates {
            let mark = if g.passed() { "✅" } else { "❌" };
            let _ = writeln!(out, "| `{}` | {mark} {} |", g.flag(), md(&g.message()));
        }
        for n in o.notes {
            let _ = writeln!(out, "| `--deny-warnings` | ❌ {} |", md(n));
        }
        out.push('\n');
    }
    if let Some((plan, cov)) = o.model {
        heatmap(&mut out, plan, cov);
        gaps(&mut out, plan, cov);
    }
    diagnostics(&mut out, o.diagnostics);
    out
}

fn headline(out: &mut String, plan: &Plan, cov: &Coverage) {
    let s = &cov.summary;
    let figure = |v: Option<f64>| v.map_or_else(|| "—".to_string(), |v| one_decimal(v, None));
    let _ = writeln!(out, "**{}** — as of {}\n", md(&plan.title), plan.as_of);
    let _ = writeln!(out, "| figure | value |\n|---|---|");
    let _ = writeln!(out, "| coverage | {} |", figure(s.coverage));
    let _ = writeln!(
        out,
        "| pipeline-weighted coverage | {} |",
        figure(s.pipeline_weighted_coverage)
    );
    let _ = writeln!(
        out,
        "| pipeline at stake (priority score, not a forecast) | {} |",
        md(&money(s.pipeline_at_stake, &plan.currency))
    );
    let _ = writeln!(
        out,
        "| assets | {} ({} count, {} stale) |",
        s.assets, s.counted, s.stale
    );
    let _ = writeln!(
        out,
        "| cells | {}: {} covered, {} thin, {} gaps, {} light by decision |\n",
        s.cells, s.covered, s.thin, s.gap, s.waived
    );
}

fn heatmap(out: &mut String, plan: &Plan, cov: &Coverage) {
    let _ = writeln!(out, "### Heatmap\n");
    for sc in &cov.segments {
        let seg = &plan.segments[sc.segment];
        let _ = writeln!(
            out,
            "**{}** — coverage {} · buying group {} · at stake {}\n",
            md(&seg.name),
            pct(sc.coverage),
            pct(sc.buying_group_coverage),
            md(&money(sc.pipeline_at_stake, &plan.currency))
        );
        out.push_str("| persona |");
        for &t in &seg.stages {
            let _ = write!(out, " {} |", md(&plan.stages[t].name));
        }
        out.push_str(" coverage |\n|---|");
        for _ in &seg.stages {
            out.push_str(":-:|");
        }
        out.push_str("--:|\n");
        for (gi, &p) in seg.personas.iter().enumerate() {
            let _ = write!(out, "| {} |", md(&plan.personas[p].name));
            for &t in &seg.stages {
                match cov.cell(sc.segment, p, t) {
                    Some(c) if c.status == Status::Waived => {
                        let _ = write!(out, " {} {} |", cell_marker(c).0, c.count());
                    }
                    Some(c) => {
                        let _ = write!(out, " {} {}/{} |", cell_marker(c).0, c.count(), c.target);
                    }
                    None => out.push_str(" |"),
                }
            }
            let _ = writeln!(out, " {} |", pct(sc.personas[gi].coverage));
        }
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "✓ covered · ◐ thin · ✕ gap · ↻ only stale assets · – light coverage by decision\n"
    );
}

fn gaps(out: &mut String, plan: &Plan, cov: &Coverage) {
    if cov.gaps.is_empty() {
        return;
    }
    let _ = writeln!(out, "### Largest gaps\n");
    for (n, &i) in cov.gaps.iter().take(MARKDOWN_GAPS).enumerate() {
        let c = &cov.cells[i];
        let _ = writeln!(
            out,
            "{}. {} · {} · {}: {} of {} — {} at stake",
            n + 1,
            md(&plan.segments[c.segment].name),
            md(&plan.personas[c.persona].name),
            md(&plan.stages[c.stage].name),
            c.count(),
            c.target,
            md(&money(c.pipeline_at_stake, &plan.currency))
        );
    }
    if cov.gaps.len() > MARKDOWN_GAPS {
        let _ = writeln!(out, "\n… and {} more", cov.gaps.len() - MARKDOWN_GAPS);
    }
    out.push('\n');
}

fn diagnostics(out: &mut String, diags: &Diagnostics) {
    let _ = writeln!(
        out,
        "### Diagnostics: {} error(s), {} warning(s)\n",
        diags.errors(),
        diags.warnings()
    );
    // Errors first: they are what failed the check.
    let mut listed: Vec<&Diagnostic> = diags.iter().filter(|d| d.is_error()).collect();
    listed.extend(diags.iter().filter(|d| !d.is_error()));
    for d in listed.iter().take(MARKDOWN_DIAGNOSTICS) {
        let mark = if d.is_error() {
            "❌ error"
        } else {
            "⚠️ warning"
        };
        let location = d.location().replace('\\', "/").replace('`', "'");
        let _ = write!(
            out,
            "- {mark} `{}` {} \\[{}\\]",
            printable(&location),
            md(&d.message),
            d.code
        );
        if let Some(help) = &d.help {
            let _ = write!(out, " — {}", md(help));
        }
        out.push('\n');
    }
    if listed.len() > MARKDOWN_DIAGNOSTICS {
        let _ = writeln!(
            out,
            "- … and {} more (run `covermap check` to see every one)",
            listed.len() - MARKDOWN_DIAGNOSTICS
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Code;

    #[test]
    fn workflow_commands_escape_data_and_properties() {
        assert_eq!(escape_data("50% done\r\nnext"), "50%25 done%0D%0Anext");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
        let d = Diagnostic::error("content/a,b:c.md", "bad 100%\nvalue")
            .at("x: y\n", 1, 4)
            .help("fix it")
            .code(Code::UnknownId);
        assert_eq!(
            annotation(&d),
            "::error file=content/a%2Cb%3Ac.md,line=1,col=4,title=covermap E0305::bad 100%25\\u{a}value%0A%0Ahelp: fix it"
        );
        // No line: a file-level annotation.
        let d = Diagnostic::warning("plan.toml", "no stages");
        assert_eq!(
            annotation(&d),
            "::warning file=plan.toml,title=covermap W0000::no stages"
        );
        assert_eq!(
            plain_annotation(true, "covermap gate", "coverage 74.8% is below"),
            "::error title=covermap gate::coverage 74.8%25 is below"
        );
    }

    #[test]
    fn paths_are_relative_to_the_base() {
        let rel = |b: &str, t: &str| relative(Path::new(b), Path::new(t));
        assert_eq!(
            rel("/w/lib", "/w/lib/content/a.md"),
            Path::new("content/a.md")
        );
        assert_eq!(
            rel("/w/lib/content", "/w/lib/plan.toml"),
            Path::new("../plan.toml")
        );
        assert_eq!(rel("/w", "/w/lib/plan.toml"), Path::new("lib/plan.toml"));
        assert_eq!(rel("/w/a", "/w/a"), Path::new("."));
    }

    #[test]
    fn markdown_escapes_what_would_be_markup() {
        assert_eq!(md("a|b *c* <d>"), "a\\|b \\*c\\* \\<d\\>");
    }
}
