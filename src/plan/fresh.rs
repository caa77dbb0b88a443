//! Freshness governance in plan.toml: `[[types]]` (each content type's name and
//! review period), `[coverage] review_every` and `due_soon`, and `[site] stale`. The
//! keys as written are read in validate.rs; here they are checked (durations, ids,
//! values, each error placed with did-you-mean) and resolved into [`Freshness`].
//! Like adoption.rs, this file imports nothing else of the plan, so the model can
//! hold its result without an import cycle.

use std::collections::HashMap;

use serde::Deserialize;
use toml::Spanned;

use crate::date::Date;
use crate::diagnostics::{Code, Diagnostic};
use crate::duration::Duration;

/// Where the plan lives, for diagnostics (the model's `PLAN_FILE`, not imported).
const PLAN_FILE: &str = "plan.toml";

/// `[[types]]`: a content type the library uses.
#[derive(Debug, Clone, PartialEq)]
pub struct ContentType {
    pub id: String,
    /// Shown on pages; default: the id humanised ("case-study" → "Case study").
    pub name: String,
    /// How long an asset of the type stays fresh after `updated`; default: the plan's.
    pub review_every: Option<Duration>,
}

/// `[site] stale`: whether stale assets are listed in the library.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StaleMode {
    /// Listed, marked overdue (the default).
    #[default]
    Show,
    /// Left out of the library list and search; their pages stay.
    Hide,
}

/// The freshness settings of a plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Freshness {
    pub types: Vec<ContentType>,
    /// `[coverage] review_every`: the period of a type that names none.
    pub review_every: Option<Duration>,
    /// `[coverage] due_soon`: how far ahead of as_of "due soon" looks (default 30 days).
    pub due_soon: Duration,
    pub stale: StaleMode,
}

impl Default for Freshness {
    fn default() -> Self {
        Freshness {
            types: Vec::new(),
            review_every: None,
            due_soon: Duration::days(30),
            stale: StaleMode::Show,
        }
    }
}

impl Freshness {
    /// The `[[types]]` entry for an asset's type word (lowercased as assets keep it):
    /// by id, by name ignoring case, or by the word made a slug.
    pub fn type_of(&self, kind: &str) -> Option<&ContentType> {
        if self.types.is_empty() {
            return None;
        }
        self.types.iter().find(|t| t.id == kind).or_else(|| {
            let slug = crate::slug::slugify(kind);
            self.types
                .iter()
                .find(|t| t.name.to_lowercase() == kind || t.id == slug)
        })
    }

    /// The review period of an asset of type `kind`: its type's, else the plan's.
    pub fn review_every(&self, kind: Option<&str>) -> Option<Duration> {
        kind.and_then(|k| self.type_of(k))
            .and_then(|t| t.review_every)
            .or(self.review_every)
    }

    /// When an asset is due for review on `as_of`: `(due, from_period, stale,
    /// due_soon)`. `due` is `review_by`, else `updated` + the review period of its
    /// type (or the plan's), else none; stale once `as_of` is past it; due soon when
    /// not stale and it falls within `due_soon` of `as_of`.
    pub fn due(
        &self,
        as_of: Date,
        kind: Option<&str>,
        updated: Option<Date>,
        review_by: Option<Date>,
    ) -> (Option<Date>, bool, bool, bool) {
        let (due, from_period) = match review_by {
            Some(r) => (Some(r), false),
            None => match (updated, self.review_every(kind)) {
                (Some(u), Some(every)) => (Some(every.after(u)), true),
                _ => (None, false),
            },
        };
        let stale = due.is_some_and(|d| d < as_of);
        let soon = !stale && due.is_some_and(|d| d <= self.due_soon.after(as_of));
        (due, from_period, stale, soon)
    }

    /// What pages call a type: its `[[types]]` name, else the word humanised.
    pub fn type_name(&self, kind: &str) -> String {
        match self.type_of(kind) {
            Some(t) => t.name.clone(),
            None => humanise(kind),
        }
    }
}

/// An id or type word as a label: `-` and `_` become spaces and the first letter is
/// capitalised ("case-study" → "Case study", "roi_calculator" → "Roi calculator").
pub fn humanise(id: &str) -> String {
    let spaced: String = id
        .chars()
        .map(|c| if c == '-' || c == '_' { ' ' } else { c })
        .collect();
    let spaced = spaced.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut chars = spaced.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

type S<T> = Spanned<T>;

/// `[[types]]` as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawType {
    id: S<String>,
    name: Option<String>,
    review_every: Option<S<String>>,
}

/// The freshness keys as written, gathered from their tables.
pub(super) struct RawFreshness {
    pub types: Vec<S<RawType>>,
    pub review_every: Option<S<String>>,
    pub due_soon: Option<S<String>>,
    pub stale: Option<S<String>>,
}

/// Checks the freshness keys of plan.toml (`src`), each problem into `diags`.
pub(super) fn resolve(raw: RawFreshness, src: &str, diags: &mut Vec<Diagnostic>) -> Freshness {
    Check { src, diags }.freshness(raw)
}

struct Check<'a> {
    src: &'a str,
    diags: &'a mut Vec<Diagnostic>,
}

impl Check<'_> {
    /// A duration key: its value, or an error at it (E0220) with what to write.
    fn duration(&mut self, v: &S<String>, key: &str) -> Option<Duration> {
        match Duration::parse(v.get_ref()) {
            Ok(d) => Some(d),
            Err(e) => {
                self.diags.push(
                    Diagnostic::error(PLAN_FILE, format!("{key}: {}", e.message))
                        .at_span(self.src, v.span())
                        .help(e.help)
                        .code(Code::PlanDuration),
                );
                None
            }
        }
    }

    /// A type's id: valid (`[a-z0-9-]+`) and unique, else an error at it.
    fn id(&mut self, id: &S<String>, seen: &mut HashMap<String, usize>) -> String {
        let value = id.get_ref();
        let valid = !value.is_empty()
            && value
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        let problem = if !valid {
            Some((
                format!(
                    "type id `{}` is not a valid id",
                    crate::diagnostics::printable(value)
                ),
                format!(
                    "ids are lowercase letters, digits and `-`, such as `{}`",
                    crate::slug::slugify(value)
                ),
            ))
        } else if let Some(&first) = seen.get(value) {
            let line = crate::diagnostics::line_col(self.src, first).0;
            Some((
                format!("type id `{value}` is used twice"),
                format!(
                    "the first `{value}` is on line {line}; ids must be unique within their kind"
                ),
            ))
        } else {
            seen.insert(value.clone(), id.span().start);
            None
        };
        if let Some((message, help)) = problem {
            self.diags.push(
                Diagnostic::error(PLAN_FILE, message)
                    .at_span(self.src, id.span())
                    .help(help)
                    .code(Code::PlanId),
            );
        }
        value.clone()
    }

    fn freshness(&mut self, raw: RawFreshness) -> Freshness {
        let mut f = Freshness::default();
        if let Some(d) = raw.review_every.as_ref() {
            f.review_every = self.duration(d, "review_every");
        }
        if let Some(d) = raw.due_soon.as_ref()
            && let Some(d) = self.duration(d, "due_soon")
        {
            f.due_soon = d;
        }
        if let Some(s) = raw.stale.as_ref() {
            f.stale = match s.get_ref().as_str() {
                "show" => StaleMode::Show,
                "hide" => StaleMode::Hide,
                other => {
                    let help = crate::diagnostics::suggest(other, ["show", "hide"])
                        .map(|s| format!("{s} (`show` lists stale assets marked overdue, `hide` leaves them out of the library)"))
                        .unwrap_or_else(|| "use `show` (the default: listed, marked overdue) or `hide` (left out of the library list and search; their pages stay)".to_string());
                    self.diags.push(
                        Diagnostic::error(
                            PLAN_FILE,
                            format!(
                                "stale `{}` is neither `show` nor `hide`",
                                crate::diagnostics::printable(other)
                            ),
                        )
                        .at_span(self.src, s.span())
                        .help(help)
                        .code(Code::PlanValue),
                    );
                    StaleMode::Show
                }
            };
        }
        let mut seen = HashMap::new();
        for t in &raw.types {
            let t = t.get_ref();
            let id = self.id(&t.id, &mut seen);
            let review_every = t
                .review_every
                .as_ref()
                .and_then(|d| self.duration(d, "review_every"));
            f.types.push(ContentType {
                name: t.name.clone().unwrap_or_else(|| humanise(&id)),
                id,
                review_every,
            });
        }
        f
    }
}
