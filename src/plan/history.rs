//! `[history]` in plan.toml: which revisions of the library's git history become the
//! trend's points (issue 16). `every` picks the last commit of each month, week or
//! every commit; `tags` one point per tag matching a glob instead; `max_points` how many
//! points at most, the working tree included.

use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use crate::diagnostics::{Code, Diagnostic};

type S<T> = Spanned<T>;

const FILE: &str = "plan.toml";

/// Points at most when `max_points` is not written.
pub const DEFAULT_MAX_POINTS: usize = 12;
/// The most points a trend may ask for: each point outside the cache is a whole load.
pub const MOST_POINTS: usize = 120;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawHistory {
    every: Option<S<String>>,
    tags: Option<S<String>>,
    max_points: Option<S<i64>>,
}

/// Which commits become points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Every {
    Commit,
    Week,
    Month,
}

impl Every {
    const NAMES: [(&'static str, Every); 3] = [
        ("commit", Every::Commit),
        ("week", Every::Week),
        ("month", Every::Month),
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Every::Commit => "commit",
            Every::Week => "week",
            Every::Month => "month",
        }
    }
}

/// The plan's `[history]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct History {
    pub every: Every,
    /// A glob over tag names (`qbr-*`): one point per matching tag, instead of `every`.
    pub tags: Option<String>,
    /// Points at most, the working tree's included; the newest are kept.
    pub max_points: usize,
}

fn error(src: &str, diags: &mut Vec<Diagnostic>, span: Range<usize>, msg: String, help: &str) {
    diags.push(
        Diagnostic::error(FILE, msg)
            .at_span(src, span)
            .help(help)
            .code(Code::HistoryValue),
    );
}

/// The `[history]` table checked; `None` when the plan has none.
pub(super) fn resolve(
    raw: Option<RawHistory>,
    src: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<History> {
    let raw = raw?;
    let every = match &raw.every {
        None => Every::Month,
        Some(e) => {
            let word = e.get_ref().trim().to_ascii_lowercase();
            match Every::NAMES.iter().find(|(n, _)| *n == word) {
                Some((_, every)) => *every,
                None => {
                    let names = Every::NAMES.map(|(n, _)| n);
                    let help = crate::diagnostics::suggest(&word, names.iter().copied())
                        .unwrap_or_else(|| format!("write one of: {}", names.join(", ")));
                    error(
                        src,
                        diags,
                        e.span(),
                        format!("`every = \"{}\"` is not a history interval", e.get_ref()),
                        &help,
                    );
                    Every::Month
                }
            }
        }
    };
    let tags = raw.tags.as_ref().and_then(|t| {
        let glob = t.get_ref().trim();
        match globset::Glob::new(glob) {
            Ok(_) if !glob.is_empty() => Some(glob.to_string()),
            _ => {
                error(
                    src,
                    diags,
                    t.span(),
                    format!("`tags = \"{}\"` is not a tag pattern", t.get_ref()),
                    "write a glob over tag names, such as \"qbr-*\"",
                );
                None
            }
        }
    });
    let max_points = match &raw.max_points {
        None => DEFAULT_MAX_POINTS,
        Some(n) => match usize::try_from(*n.get_ref()) {
            Ok(n) if (2..=MOST_POINTS).contains(&n) => n,
            _ => {
                error(
                    src,
                    diags,
                    n.span(),
                    format!("`max_points = {}` is out of range", n.get_ref()),
                    &format!("write a whole number from 2 to {MOST_POINTS}"),
                );
                DEFAULT_MAX_POINTS
            }
        },
    };
    Some(History {
        every,
        tags,
        max_points,
    })
}
