//! The revenue plan as plain data: its entities (stages, personas, segments,
//! decisions, objections), every reference resolved to an index, and the lookups the
//! model and the asset reader ask of it. Nothing here reads or checks a file.

use std::ops::Range;

use crate::date::Date;

/// Where the plan lives relative to the root, for diagnostics.
pub const PLAN_FILE: &str = "plan.toml";

/// Site settings from `[site]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    pub title: String,
    pub base_url: String,
    pub theme: String,
    /// Where `theme` is written in plan.toml (byte range), for a missing theme folder.
    pub theme_span: Option<Range<usize>>,
    pub raw_html: bool,
    /// Whether search engines may index the site (`[site] robots`).
    pub robots: Robots,
    /// `[site] sort` and `language` (issue 14): the order of every list of assets, and
    /// every page's `lang`.
    pub sort: super::site_keys::Sort,
    pub language: String,
    /// `[site] request_url`: the "Request this asset" link's template (issue 15), checked
    /// (http(s), known placeholders) by `request_url.rs`.
    pub request_url: Option<String>,
}

/// `[site] robots`: `index` (the default) lets search engines index the site;
/// `noindex` asks them not to, with a `<meta name="robots">` on every page and a
/// `robots.txt` that disallows everything, for a library published on a public host
/// that is still meant for the sales team.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Robots {
    #[default]
    Index,
    NoIndex,
}

impl Robots {
    /// Every value, as written in plan.toml.
    pub const NAMES: [&str; 2] = ["index", "noindex"];

    pub fn as_str(self) -> &'static str {
        match self {
            Robots::Index => "index",
            Robots::NoIndex => "noindex",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Stage {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Persona {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub aliases: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub pipeline: f64,
    /// The buying group: indices into `Plan::personas`, in plan order.
    pub personas: Vec<usize>,
    /// Indices into `Plan::stages`, in plan order.
    pub stages: Vec<usize>,
    /// Weight of each persona of the buying group, parallel to `personas`.
    pub weights: Vec<f64>,
}

/// A deliberate choice about the target of the cells it matches.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub segment: Option<usize>,
    pub persona: Option<usize>,
    pub stage: Option<usize>,
    pub target: u32,
    pub why: String,
    pub owner: Option<String>,
    pub decided: Option<Date>,
    pub review_by: Option<Date>,
    /// Line in plan.toml, for diagnostics about the decision.
    pub line: u32,
}

impl Decision {
    /// How many of segment / persona / stage the decision names.
    pub fn specificity(&self) -> usize {
        [self.segment, self.persona, self.stage]
            .iter()
            .filter(|x| x.is_some())
            .count()
    }

    pub fn matches(&self, segment: usize, persona: usize, stage: usize) -> bool {
        self.segment.is_none_or(|s| s == segment)
            && self.persona.is_none_or(|p| p == persona)
            && self.stage.is_none_or(|t| t == stage)
    }

    /// A decision whose review date has passed no longer applies.
    pub fn lapsed(&self, as_of: Date) -> bool {
        self.review_by.is_some_and(|r| r < as_of)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Objection {
    pub id: String,
    pub text: String,
    pub heard: Option<u64>,
    /// Where the objection is heard (issue 15): plan indices, in plan order; empty
    /// when the plan does not say.
    pub segments: Vec<usize>,
    pub personas: Vec<usize>,
    pub stages: Vec<usize>,
}

/// The whole plan, every reference resolved to an index.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub site: Site,
    pub title: String,
    pub currency: String,
    pub revenue_goal: Option<f64>,
    pub qualified_lead: Option<String>,
    /// The day freshness is judged on, already resolved (CLI, plan, or today).
    pub as_of: Date,
    pub target: u32,
    pub count_stale: bool,
    pub stages: Vec<Stage>,
    pub personas: Vec<Persona>,
    pub segments: Vec<Segment>,
    pub decisions: Vec<Decision>,
    pub objections: Vec<Objection>,
    /// `[build]`, `[content]`, `[front_matter]`: how an existing repo is read (issue 14).
    pub adoption: super::adoption::Adoption,
    /// `[history]`: the revisions the trend is drawn from (issue 16); none, no trend.
    pub history: Option<super::history::History>,
    /// `[[types]]`, review periods, due soon, `[site] stale` (issue 15).
    pub freshness: super::fresh::Freshness,
}

/// What kind of plan entity an id names, for lookups and messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Segment,
    Persona,
    Stage,
    Objection,
}

impl Kind {
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Segment => "segment",
            Kind::Persona => "persona",
            Kind::Stage => "stage",
            Kind::Objection => "objection",
        }
    }
}

impl Plan {
    /// Finds a segment, persona, stage or objection by id, or by name or alias
    /// ignoring case.
    pub fn lookup(&self, kind: Kind, value: &str) -> Option<usize> {
        let v = value.trim();
        // (id, name, aliases) of entry `i`: looked up for every value of every asset,
        // so without collecting the entries first.
        let entry = |i: usize| -> (&str, &str, &[String]) {
            match kind {
                Kind::Segment => (&self.segments[i].id, &self.segments[i].name, &[]),
                Kind::Persona => {
                    let p = &self.personas[i];
                    (&p.id, &p.name, &p.aliases)
                }
                Kind::Stage => (&self.stages[i].id, &self.stages[i].name, &[]),
                Kind::Objection => (&self.objections[i].id, &self.objections[i].id, &[]),
            }
        };
        let n = self.count(kind);
        (0..n).find(|&i| entry(i).0 == v).or_else(|| {
            let lower = v.to_lowercase();
            (0..n).find(|&i| {
                let (id, name, aliases) = entry(i);
                id.eq_ignore_ascii_case(v)
                    || name.to_lowercase() == lower
                    || aliases.iter().any(|a| a.to_lowercase() == lower)
            })
        })
    }

    /// How many entries of a kind the plan has.
    pub fn count(&self, kind: Kind) -> usize {
        match kind {
            Kind::Segment => self.segments.len(),
            Kind::Persona => self.personas.len(),
            Kind::Stage => self.stages.len(),
            Kind::Objection => self.objections.len(),
        }
    }

    /// Every id of a kind, in plan order.
    pub fn ids(&self, kind: Kind) -> Vec<&str> {
        match kind {
            Kind::Segment => self.segments.iter().map(|s| s.id.as_str()).collect(),
            Kind::Persona => self.personas.iter().map(|p| p.id.as_str()).collect(),
            Kind::Stage => self.stages.iter().map(|s| s.id.as_str()).collect(),
            Kind::Objection => self.objections.iter().map(|o| o.id.as_str()).collect(),
        }
    }

    /// The decision in force for a cell: the most specific one matching it that has
    /// not lapsed. Conflicts are reported by [`Plan::decision_conflicts`] at load time;
    /// here the first in plan order wins.
    pub fn decision_for(&self, segment: usize, persona: usize, stage: usize) -> Option<usize> {
        let mut best: Option<usize> = None;
        for (i, d) in self.decisions.iter().enumerate() {
            if d.lapsed(self.as_of) || !d.matches(segment, persona, stage) {
                continue;
            }
            if best.is_none_or(|b| d.specificity() > self.decisions[b].specificity()) {
                best = Some(i);
            }
        }
        best
    }

    /// Pairs of decisions that are equally specific, both in force, both match some
    /// cell and disagree on its target.
    pub fn decision_conflicts(&self) -> Vec<(usize, usize)> {
        let mut conflicts = Vec::new();
        for (i, a) in self.decisions.iter().enumerate() {
            for (j, b) in self.decisions.iter().enumerate().skip(i + 1) {
                if a.target == b.target
                    || a.specificity() != b.specificity()
                    || a.lapsed(self.as_of)
                    || b.lapsed(self.as_of)
                {
                    continue;
                }
                let clash = self.segments.iter().enumerate().any(|(si, s)| {
                    s.personas.iter().any(|&p| {
                        s.stages.iter().any(|&t| {
                            a.matches(si, p, t)
                                && b.matches(si, p, t)
                                && self.decision_for(si, p, t).is_none_or(|d| {
                                    self.decisions[d].specificity() == a.specificity()
                                })
                        })
                    })
                });
                if clash {
                    conflicts.push((i, j));
                }
            }
        }
        conflicts
    }
}

/// Ids are lowercase `[a-z0-9-]+`.
pub fn is_valid_id(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}
