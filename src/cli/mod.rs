//! The command line: what covermap accepts (clap), and nothing else. Each command runs
//! in a file of its own beside this one (`build.rs`, `check.rs`, `serve.rs`, `watch.rs`,
//! `init.rs`, `completions.rs`); `main` picks the command, applies the global flags and
//! owns the exit code (0 success, 1 the library has errors, 2 usage or I/O). Flags that
//! several commands share are defined once ([`Global`], [`LibraryArgs`]), so their
//! help reads the same everywhere.

pub mod build;
pub mod check;
pub mod ci;
pub mod completions;
pub mod diff;
pub mod gates;
pub mod init;
pub mod output;
pub mod progress;
pub mod review;
pub mod root;
pub mod serve;
pub mod watch;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::date::Date;
use crate::library::LoadOptions;

#[derive(Parser, Debug)]
#[command(
    name = "covermap",
    version,
    about = "Build a sales content library and its coverage heatmap against the revenue plan",
    long_about = None,
    after_help = "Without --root, a command uses the first folder holding plan.toml, from the \
                  current folder up.\nExit codes: 0 success, 1 the library has errors (or misses \
                  a gate, or has warnings under --deny-warnings), 2 usage or I/O error."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Flags for every command.
#[derive(Args, Debug, Clone)]
pub struct Global {
    /// Change to DIR before doing anything (as `git -C` and `cargo -C`).
    #[arg(short = 'C', value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// When to colour: auto colours a terminal unless NO_COLOR is set and not empty;
    /// CLICOLOR_FORCE colours a pipe too.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = Color::Auto, global = true)]
    pub color: Color,
    /// Print only diagnostics and errors: no progress or summary lines.
    #[arg(short, long, global = true)]
    pub quiet: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

impl From<Color> for crate::diagnostics::color::ColorWhen {
    fn from(c: Color) -> Self {
        match c {
            Color::Auto => Self::Auto,
            Color::Always => Self::Always,
            Color::Never => Self::Never,
        }
    }
}

/// Which library, and how to read it: shared by build, serve, watch and check.
#[derive(Args, Debug, Clone)]
pub struct LibraryArgs {
    /// The library folder (holds plan.toml and content/) [default: the first folder
    /// holding plan.toml, from the current folder up].
    #[arg(short, long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Include drafts (assets with `draft: true`).
    #[arg(long)]
    pub drafts: bool,
    /// Judge freshness on this day (YYYY-MM-DD) instead of the plan's as_of or today.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<Date>,
    /// Which assets the site holds: external leaves every `audience: internal` asset
    /// out of every page, search file and export (for a site published outside the
    /// company), and `check` then judges coverage on external assets only; all (the
    /// default) publishes internal assets with the rest.
    #[arg(long, value_enum, value_name = "WHO", default_value_t = AudienceArg::All)]
    pub audience: AudienceArg,
}

/// The values of `--audience`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum AudienceArg {
    All,
    External,
}

impl LibraryArgs {
    pub fn load_options(&self) -> LoadOptions {
        LoadOptions {
            drafts: self.drafts,
            as_of: self.as_of,
            external_only: self.audience == AudienceArg::External,
            // `build` and `watch` set it from their `--offline`; `serve` serves over
            // http, where the JSON the default build writes works.
            offline: false,
        }
    }
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Validate the library and write the site.
    Build(BuildArgs),
    /// Build into memory, serve it on 127.0.0.1, rebuild on every change and reload open pages.
    Serve(ServeArgs),
    /// Build, then rebuild the output folder on every change.
    Watch(WatchArgs),
    /// Validate the library and print the coverage summary and heatmap.
    Check(CheckArgs),
    /// Write a small working library to start from.
    Init(InitArgs),
    /// Print a shell completion script to stdout.
    Completions(CompletionsArgs),
    /// Print the manual page (roff) to stdout.
    Man,
    /// Compare coverage between two builds: git revisions or output folders.
    Diff(DiffArgs),
    /// Print the review queue: assets overdue or due soon, decisions lapsing (exit 0
    /// whatever it holds; 1 only when the library has errors).
    Review(ReviewArgs),
}

#[derive(Args, Debug)]
pub struct BuildArgs {
    #[command(flatten)]
    pub library: LibraryArgs,
    /// Where to write the site [default: ROOT/public].
    #[arg(short, long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Write the search data as scripts, so search works opened from disk (file://) or
    /// a shared drive; any web page can then read it (see README, publishing).
    #[arg(long)]
    pub offline: bool,
    /// Seconds to wait for another build writing the same output folder (0: refuse at once).
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    pub lock_wait: u64,
    /// Fail (exit 1) on any warning, as on an error: the output folder keeps the last
    /// good site.
    #[arg(long)]
    pub deny_warnings: bool,
}

#[derive(Args, Debug)]
pub struct ServeArgs {
    #[command(flatten)]
    pub library: LibraryArgs,
    /// Port on 127.0.0.1; 0 for any free one [default: 1111, or the next free one].
    /// A port given here that is in use is an error (exit 2).
    #[arg(short, long, value_name = "N")]
    pub port: Option<u16>,
    /// Also answer requests whose Host is this name (a tunnel's or a local proxy's);
    /// repeatable. localhost, 127.0.0.1 and [::1] are always answered; others get 403.
    #[arg(long, value_name = "HOST")]
    pub allow_host: Vec<String>,
    /// Open the site in the default browser.
    #[arg(long)]
    pub open: bool,
}

#[derive(Args, Debug)]
pub struct WatchArgs {
    #[command(flatten)]
    pub library: LibraryArgs,
    /// Where to write the site [default: ROOT/public].
    #[arg(short, long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Write the search data as scripts, as `build --offline` does.
    #[arg(long)]
    pub offline: bool,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    #[command(flatten)]
    pub library: LibraryArgs,
    /// Fail (exit 1) when plan coverage is below this share, 0.0–1.0 or 0%–100%; as
    /// SEGMENT=SHARE, when that segment's coverage is (repeatable).
    #[arg(long, value_name = "[SEGMENT=]SHARE", value_parser = gates::parse_minimum)]
    pub min_coverage: Vec<gates::Minimum>,
    /// Fail (exit 1) when any segment's buying-group coverage (its weakest persona) is
    /// below this share; as SEGMENT=SHARE, that segment's (repeatable).
    #[arg(long, value_name = "[SEGMENT=]SHARE", value_parser = gates::parse_minimum)]
    pub min_buying_group: Vec<gates::Minimum>,
    /// Fail (exit 1) on any warning, as on an error.
    #[arg(long)]
    pub deny_warnings: bool,
    /// text: the summary and heatmap, for people; json: coverage.json's data, `ok`, the
    /// gates and every diagnostic with its code, for scripts; github: GitHub Actions
    /// annotations, one per diagnostic, then the summary; markdown: a report for
    /// $GITHUB_STEP_SUMMARY or a pull-request comment.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Fail (exit 1) when coverage regressed against BASE (a git revision or an earlier
    /// build's output folder): plan coverage fell or a cell's status got worse.
    #[arg(long, value_name = "BASE")]
    pub no_regression: Option<String>,
}

#[derive(Args, Debug)]
pub struct InitArgs {
    /// Folder to create the library in.
    #[arg(default_value = ".", value_name = "DIR")]
    pub dir: PathBuf,
    /// Adopt the existing repo at DIR in place: write only DIR/plan.toml, drafted from
    /// its folders and front matter.
    #[arg(long, value_name = "DIR", conflicts_with = "dir")]
    pub from: Option<PathBuf>,
    /// With --from: the output folder to record in the plan [default: a free one].
    #[arg(long, value_name = "DIR", requires = "from")]
    pub out: Option<String>,
    /// Also write a CI setup: GitHub Actions workflows (check, diff comment, Pages,
    /// review queue) or a GitLab CI file. In an existing library, writes only that.
    #[arg(long, value_enum, value_name = "FORGE")]
    pub ci: Option<CiForge>,
}

/// A forge `init --ci` writes CI files for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CiForge {
    Github,
    Gitlab,
}

impl From<CiForge> for crate::init::Ci {
    fn from(f: CiForge) -> Self {
        match f {
            CiForge::Github => crate::init::Ci::Github,
            CiForge::Gitlab => crate::init::Ci::Gitlab,
        }
    }
}

#[derive(Args, Debug)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `covermap review` (issue 15).
#[derive(Args, Debug)]
pub struct ReviewArgs {
    #[command(flatten)]
    pub library: LibraryArgs,
    /// Only this owner's assets and decisions (as front matter writes it, any case).
    #[arg(long, value_name = "NAME")]
    pub owner: Option<String>,
    /// How far ahead to look: N days|weeks|months|years [default: the plan's
    /// `[coverage] due_soon`, 30 days].
    #[arg(long, value_name = "DURATION", value_parser = crate::review::parse_within)]
    pub within: Option<crate::duration::Duration>,
    /// text for people, markdown for an issue body, json for scripts.
    #[arg(long, value_enum, default_value_t = crate::review::ReviewFormat::Text)]
    pub format: crate::review::ReviewFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
    Github,
    Markdown,
}

fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse(s).ok_or_else(|| format!("`{s}` is not a date; write YYYY-MM-DD"))
}

#[cfg(test)]
mod tests;

/// `covermap diff`'s arguments (src/cli/diff.rs).
#[derive(Args, Debug)]
pub struct DiffArgs {
    #[command(flatten)]
    pub library: LibraryArgs,
    /// The build to compare against: a git revision of the repository holding the
    /// library (`origin/main`, `HEAD~1`, a tag), or an earlier build's output folder
    /// (holding coverage.json).
    #[arg(value_name = "BASE")]
    pub base: String,
    /// The build to compare: a revision or an output folder [default: the working tree].
    #[arg(value_name = "HEAD")]
    pub head: Option<String>,
    /// text for people; markdown for a pull request comment (a hidden
    /// `<!-- covermap-diff -->` marker first); json for scripts.
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,
    /// Exit 1 when plan coverage falls or any cell's status gets worse.
    #[arg(long)]
    pub fail_on_regression: bool,
}

/// The values of `diff --format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    Text,
    Markdown,
    Json,
}
