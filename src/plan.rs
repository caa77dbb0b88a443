//! The revenue plan: `plan.toml` parsed, validated and resolved into plain data.
//!
//! Parsing keeps every value's byte span (via `toml::Spanned`) so that each broken
//! rule of SPEC §1.1 becomes a diagnostic naming `plan.toml`, line and column. All
//! rules are checked in one pass. A plan that breaks a rule still comes back, flagged
//! as not valid, so that the assets' ids can be checked against it in the same run.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use crate::date::Date;
use crate::diagnostics::{Diagnostic, suggest};
use crate::limits::{MAX_CELLS, MAX_NESTING};

/// Site settings from `[site]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    pub title: String,
    pub base_url: String,
    pub theme: String,
    /// Where `theme` is written in plan.toml (byte range), for a missing theme folder.
    pub theme_span: Option<Range<usize>>,
    pub raw_html: bool,
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
        let names: Vec<(&str, &str, &[String])> = match kind {
            Kind::Segment => self
                .segments
                .iter()
                .map(|s| (&*s.id, &*s.name, &[][..]))
                .collect(),
            Kind::Persona => self
                .personas
                .iter()
                .map(|p| (&*p.id, &*p.name, &p.aliases[..]))
                .collect(),
            Kind::Stage => self
                .stages
                .iter()
                .map(|s| (&*s.id, &*s.name, &[][..]))
                .collect(),
            Kind::Objection => self
                .objections
                .iter()
                .map(|o| (&*o.id, &*o.id, &[][..]))
                .collect(),
        };
        names.iter().position(|(id, _, _)| *id == v).or_else(|| {
            names.iter().position(|(id, name, aliases)| {
                id.eq_ignore_ascii_case(v)
                    || name.to_lowercase() == v.to_lowercase()
                    || aliases.iter().any(|a| a.to_lowercase() == v.to_lowercase())
            })
        })
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

// ---------------------------------------------------------------------------
// The file as written.

type S<T> = Spanned<T>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlanFile {
    site: S<RawSite>,
    plan: S<RawPlanMeta>,
    #[serde(default)]
    coverage: Option<RawCoverage>,
    #[serde(default)]
    stages: Vec<S<RawStage>>,
    #[serde(default)]
    personas: Vec<S<RawPersona>>,
    #[serde(default)]
    segments: Vec<S<RawSegment>>,
    #[serde(default)]
    decisions: Vec<S<RawDecision>>,
    #[serde(default)]
    objections: Vec<S<RawObjection>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSite {
    title: S<String>,
    base_url: Option<S<String>>,
    theme: Option<S<String>>,
    raw_html: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlanMeta {
    title: S<String>,
    currency: Option<S<String>>,
    revenue_goal: Option<S<toml::Value>>,
    qualified_lead: Option<String>,
    as_of: Option<S<toml::Value>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCoverage {
    target: Option<S<toml::Value>>,
    count_stale: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStage {
    id: S<String>,
    name: Option<String>,
    description: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPersona {
    id: S<String>,
    name: Option<String>,
    description: Option<String>,
    #[serde(default)]
    aliases: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSegment {
    id: S<String>,
    name: Option<String>,
    description: Option<String>,
    pipeline: Option<S<toml::Value>>,
    personas: Option<Vec<S<String>>>,
    stages: Option<Vec<S<String>>>,
    weights: Option<BTreeMap<S<String>, S<toml::Value>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDecision {
    segment: Option<S<String>>,
    persona: Option<S<String>>,
    stage: Option<S<String>>,
    target: Option<S<toml::Value>>,
    why: Option<S<String>>,
    owner: Option<String>,
    decided: Option<S<toml::Value>>,
    review_by: Option<S<toml::Value>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawObjection {
    id: S<String>,
    text: S<String>,
    heard: Option<S<toml::Value>>,
}

/// Where the plan lives relative to the root, for diagnostics.
pub const PLAN_FILE: &str = "plan.toml";

/// What [`parse`] makes of `plan.toml`.
#[derive(Debug, Clone)]
pub struct Parsed {
    /// The plan, whenever the TOML syntax and the tables' shape are right — even when
    /// it breaks a rule of SPEC §1.1 (then [`Parsed::is_valid`] is false). A broken plan
    /// is still good for resolving the ids assets name, so that one run reports the
    /// plan's errors and the assets' together; it is never good for a build.
    pub plan: Option<Plan>,
    /// Every problem found, errors and warnings.
    pub diagnostics: Vec<Diagnostic>,
}

impl Parsed {
    /// Whether the plan parsed and breaks no rule.
    pub fn is_valid(&self) -> bool {
        self.plan.is_some() && !self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// The plan, only when it breaks no rule.
    pub fn valid(self) -> Option<Plan> {
        if self.is_valid() { self.plan } else { None }
    }
}

/// Parses and validates `plan.toml`. `as_of` from the command line overrides the plan's;
/// without either, freshness is judged on today. Every rule is checked and reported;
/// see [`Parsed`] for when a plan comes back.
pub fn parse(source: &str, as_of: Option<Date>) -> Parsed {
    let mut v = Validator {
        src: source,
        diags: Vec::new(),
    };
    // Nesting deeper than a plan ever needs is refused before the parser recurses into it.
    let (depth, at) = crate::limits::toml_nesting(source);
    if depth > MAX_NESTING {
        v.diags.push(
            Diagnostic::error(
                PLAN_FILE,
                format!("arrays, tables or dotted keys nested more than {MAX_NESTING} levels deep"),
            )
            .at_offset(source, at)
            .help("a plan nests two or three levels at most: see the plan.toml reference in the README"),
        );
        return Parsed {
            plan: None,
            diagnostics: v.diags,
        };
    }
    // Trojan Source: bidi controls make a plan read differently than it is parsed, in
    // names and comments alike; a plan never needs them.
    if let Some((at, c)) = source
        .char_indices()
        .find(|&(_, c)| crate::diagnostics::is_bidi_control(c))
    {
        v.diags.push(
            Diagnostic::error(
                PLAN_FILE,
                format!(
                    "plan.toml holds the bidi control character U+{:04X}",
                    c as u32
                ),
            )
            .at_offset(source, at)
            .help("remove it: it makes the text around it show in an order other than it is read"),
        );
    }
    let raw: RawPlanFile = match toml::from_str(source) {
        Ok(raw) => raw,
        Err(e) => {
            v.diags
                .push(toml_error(Path::new(PLAN_FILE), source, &e, 0));
            return Parsed {
                plan: None,
                diagnostics: v.diags,
            };
        }
    };
    let plan = v.plan(raw, as_of);
    Parsed {
        plan: Some(plan),
        diagnostics: v.diags,
    }
}

/// Turns a TOML parse error into a diagnostic; `line_offset` shifts it into the file
/// the TOML came from (front matter starts below the `+++` line).
pub fn toml_error(path: &Path, source: &str, e: &toml::de::Error, line_offset: u32) -> Diagnostic {
    let message = e.message().trim().to_string();
    let mut help = "check the TOML syntax: strings need quotes, tables are `[name]`";
    if message.contains("unknown field") {
        help = "remove the key or fix its spelling; the expected keys are listed above";
    } else if message.contains("missing field") {
        help = "add the key; see the plan.toml reference in the README";
    } else if message.contains("invalid type") {
        help = "check the value's type against the plan.toml reference in the README";
    }
    let d = Diagnostic::error(path, message).help(help);
    match e.span() {
        Some(span) => {
            let mut d = d.at_span(source, span);
            if let Some(line) = d.line.as_mut() {
                *line += line_offset;
            }
            d
        }
        None => d,
    }
}

struct Validator<'a> {
    src: &'a str,
    diags: Vec<Diagnostic>,
}

impl Validator<'_> {
    fn error(&mut self, span: Range<usize>, message: impl Into<String>, help: impl Into<String>) {
        self.diags.push(
            Diagnostic::error(PLAN_FILE, message)
                .at_span(self.src, span)
                .help(help),
        );
    }

    fn line_of(&self, span: &Range<usize>) -> u32 {
        crate::diagnostics::line_col(self.src, span.start).0
    }

    fn id(
        &mut self,
        id: &S<String>,
        kind: &str,
        seen: &mut HashMap<String, Range<usize>>,
    ) -> String {
        let value = id.get_ref();
        if !is_valid_id(value) {
            self.error(
                id.span(),
                format!("{kind} id `{value}` is not a valid id"),
                "ids are lowercase letters, digits and `-`, such as `mid-market`",
            );
        } else if let Some(first) = seen.get(value) {
            let line = self.line_of(first);
            self.error(
                id.span(),
                format!("{kind} id `{value}` is used twice"),
                format!(
                    "the first `{value}` is on line {line}; ids must be unique within their kind"
                ),
            );
        } else {
            seen.insert(value.clone(), id.span());
        }
        value.clone()
    }

    fn number(&mut self, v: &S<toml::Value>, what: &str) -> Option<f64> {
        let n = match v.get_ref() {
            toml::Value::Integer(i) => *i as f64,
            toml::Value::Float(f) if f.is_finite() => *f,
            other => {
                self.error(
                    v.span(),
                    format!("{what} must be a number, found {}", other.type_str()),
                    format!("write {what} as a plain number, such as `4_200_000`"),
                );
                return None;
            }
        };
        if n < 0.0 {
            self.error(
                v.span(),
                format!("{what} must be >= 0, found {n}"),
                "use 0 or a positive number",
            );
            return None;
        }
        Some(n)
    }

    fn whole(&mut self, v: &S<toml::Value>, what: &str) -> Option<u32> {
        match v.get_ref() {
            toml::Value::Integer(i) if (0..=i64::from(u32::MAX)).contains(i) => Some(*i as u32),
            other => {
                self.error(
                    v.span(),
                    format!("{what} must be a whole number >= 0, found `{other}`"),
                    format!("write {what} as 0, 1, 2, …"),
                );
                None
            }
        }
    }

    fn date(&mut self, v: &S<toml::Value>, what: &str) -> Option<Date> {
        let parsed = match v.get_ref() {
            toml::Value::Datetime(dt) => dt
                .date
                .and_then(|d| Date::new(i32::from(d.year), d.month, d.day)),
            toml::Value::String(s) => Date::parse(s),
            _ => None,
        };
        if parsed.is_none() {
            self.error(
                v.span(),
                format!("{what} is not a date"),
                "write dates as YYYY-MM-DD, such as `2026-11-01`",
            );
        }
        parsed
    }

    fn reference(&mut self, r: &S<String>, kind: &str, ids: &[String]) -> Option<usize> {
        let value = r.get_ref();
        let found = ids.iter().position(|id| id == value);
        if found.is_none() {
            let help = suggest(value, ids.iter().map(String::as_str))
                .unwrap_or_else(|| format!("the {kind}s are: {}", ids.join(", ")));
            self.error(r.span(), format!("unknown {kind} `{value}`"), help);
        }
        found
    }

    fn plan(&mut self, raw: RawPlanFile, as_of_override: Option<Date>) -> Plan {
        let site_raw = raw.site.into_inner();
        let meta_span = raw.plan.span();
        let meta = raw.plan.into_inner();
        for (s, what) in [(&site_raw.title, "site title"), (&meta.title, "plan title")] {
            if s.get_ref().trim().is_empty() {
                self.error(s.span(), format!("the {what} is empty"), "give it a title");
            }
        }
        let theme_span = site_raw.theme.as_ref().map(Spanned::span);
        let theme = site_raw.theme.map_or_else(
            || "default".to_string(),
            |t| {
                let name = t.get_ref().clone();
                if !is_valid_id(&name) && name != "default" {
                    self.error(
                        t.span(),
                        format!("theme `{name}` is not a valid folder name"),
                        "name a folder under themes/, in lowercase letters, digits and `-`",
                    );
                }
                name
            },
        );
        let site = Site {
            title: site_raw.title.into_inner(),
            base_url: site_raw
                .base_url
                .map_or_else(|| "/".to_string(), Spanned::into_inner),
            theme,
            theme_span,
            raw_html: site_raw.raw_html.unwrap_or(false),
        };
        let currency = match meta.currency {
            Some(c) => {
                let code = c.get_ref().clone();
                if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
                    self.error(
                        c.span(),
                        format!("currency `{code}` is not an ISO 4217 code"),
                        "use a three-letter code such as `USD` or `EUR`",
                    );
                }
                code
            }
            None => "USD".to_string(),
        };
        let revenue_goal = meta
            .revenue_goal
            .as_ref()
            .and_then(|g| self.number(g, "revenue_goal"));
        let plan_as_of = meta.as_of.as_ref().and_then(|d| self.date(d, "as_of"));
        let as_of = as_of_override.or(plan_as_of).unwrap_or_else(Date::today);
        let _ = meta_span;

        let (target, count_stale) = match &raw.coverage {
            Some(c) => (
                c.target
                    .as_ref()
                    .and_then(|t| self.whole(t, "coverage.target"))
                    .unwrap_or(1),
                c.count_stale.unwrap_or(false),
            ),
            None => (1, false),
        };

        let mut seen = HashMap::new();
        let stages: Vec<Stage> = raw
            .stages
            .iter()
            .map(|s| {
                let s = s.get_ref();
                let id = self.id(&s.id, "stage", &mut seen);
                Stage {
                    name: s.name.clone().unwrap_or_else(|| id.clone()),
                    description: s.description.clone(),
                    id,
                }
            })
            .collect();
        let mut seen = HashMap::new();
        let personas: Vec<Persona> = raw
            .personas
            .iter()
            .map(|p| {
                let p = p.get_ref();
                let id = self.id(&p.id, "persona", &mut seen);
                Persona {
                    name: p.name.clone().unwrap_or_else(|| id.clone()),
                    description: p.description.clone(),
                    aliases: p.aliases.clone(),
                    id,
                }
            })
            .collect();
        let stage_ids: Vec<String> = stages.iter().map(|s| s.id.clone()).collect();
        let persona_ids: Vec<String> = personas.iter().map(|p| p.id.clone()).collect();
        if stages.is_empty() {
            self.error(
                0..0,
                "the plan has no stages",
                "add [[stages]] tables, first to last stage of the buyer's journey",
            );
        }
        if personas.is_empty() {
            self.error(
                0..0,
                "the plan has no personas",
                "add [[personas]] tables, one per member of the buying group",
            );
        }

        let mut seen = HashMap::new();
        let mut segments = Vec::new();
        for seg in &raw.segments {
            let seg_span = seg.span();
            let seg = seg.get_ref();
            let id = self.id(&seg.id, "segment", &mut seen);
            let pipeline = match &seg.pipeline {
                Some(p) => self.number(p, "pipeline").unwrap_or(0.0),
                None => {
                    self.error(seg.id.span(), format!("segment `{id}` has no pipeline"), "add `pipeline = <amount>`: the pipeline this segment must produce in the period");
                    0.0
                }
            };
            let personas_of = self.subset(&seg.personas, "persona", &persona_ids, &id);
            let stages_of = self.subset(&seg.stages, "stage", &stage_ids, &id);
            let mut weights = vec![1.0; personas_of.len()];
            for (key, w) in seg.weights.iter().flatten() {
                let name = key.get_ref();
                let Some(value) = self.number(w, "weight") else {
                    continue;
                };
                match personas_of.iter().position(|&p| persona_ids[p] == *name) {
                    Some(i) if value > 0.0 => weights[i] = value,
                    Some(_) => self.error(
                        w.span(),
                        format!("weight of `{name}` must be > 0"),
                        "leave the persona out of the buying group instead of weighting it 0",
                    ),
                    None => {
                        let group: Vec<&str> = personas_of
                            .iter()
                            .map(|&p| persona_ids[p].as_str())
                            .collect();
                        let help = if persona_ids.contains(name) {
                            format!(
                                "`{name}` is not in this segment's buying group ({}); add it to `personas` or remove the weight",
                                group.join(", ")
                            )
                        } else {
                            suggest(name, group.iter().copied()).unwrap_or_else(|| {
                                format!("the buying group is: {}", group.join(", "))
                            })
                        };
                        self.error(
                            key.span(),
                            format!(
                                "weight for `{name}`, which is not in segment `{id}`'s buying group"
                            ),
                            help,
                        );
                    }
                }
            }
            let _ = seg_span;
            segments.push(Segment {
                name: seg.name.clone().unwrap_or_else(|| id.clone()),
                description: seg.description.clone(),
                id,
                pipeline,
                personas: personas_of,
                stages: stages_of,
                weights,
            });
        }
        if segments.is_empty() {
            self.error(
                0..0,
                "the plan has no segments",
                "add [[segments]] tables with an id, a name and a pipeline",
            );
        }
        // The model holds a cell, and the heatmap a square, for every combination.
        let combinations = segments
            .len()
            .saturating_mul(personas.len())
            .saturating_mul(stages.len());
        if combinations > MAX_CELLS {
            self.error(
                0..0,
                format!(
                    "the plan has {} segments × {} personas × {} stages = {combinations} coverage cells, more than {MAX_CELLS}",
                    segments.len(),
                    personas.len(),
                    stages.len()
                ),
                "merge segments, personas or stages: a heatmap this big cannot be read",
            );
        }
        let segment_ids: Vec<String> = segments.iter().map(|s| s.id.clone()).collect();

        let mut decisions = Vec::new();
        for d in &raw.decisions {
            let span = d.span();
            let d = d.get_ref();
            let segment = d
                .segment
                .as_ref()
                .and_then(|r| self.reference(r, "segment", &segment_ids));
            let persona = d
                .persona
                .as_ref()
                .and_then(|r| self.reference(r, "persona", &persona_ids));
            let stage = d
                .stage
                .as_ref()
                .and_then(|r| self.reference(r, "stage", &stage_ids));
            let target = match &d.target {
                Some(t) => self.whole(t, "target").unwrap_or(0),
                None => {
                    self.error(span.clone(), "decision has no target", "add `target = 0` (light coverage is the right call) or the number of assets wanted");
                    0
                }
            };
            let why = match &d.why {
                Some(w) if !w.get_ref().trim().is_empty() => w.get_ref().clone(),
                Some(w) => {
                    self.error(
                        w.span(),
                        "decision's `why` is empty",
                        "say why this coverage is the right call, so the next reader can judge it",
                    );
                    String::new()
                }
                None => {
                    self.error(
                        span.clone(),
                        "decision has no `why`",
                        "add `why = \"…\"`: every decision records its reason",
                    );
                    String::new()
                }
            };
            let decided = d.decided.as_ref().and_then(|x| self.date(x, "decided"));
            let review_by = d.review_by.as_ref().and_then(|x| self.date(x, "review_by"));
            let line = self.line_of(&span);
            decisions.push(Decision {
                segment,
                persona,
                stage,
                target,
                why,
                owner: d.owner.clone(),
                decided,
                review_by,
                line,
            });
        }

        let mut seen = HashMap::new();
        let objections = raw
            .objections
            .iter()
            .map(|o| {
                let o = o.get_ref();
                let id = self.id(&o.id, "objection", &mut seen);
                let heard = o
                    .heard
                    .as_ref()
                    .and_then(|h| self.whole(h, "heard"))
                    .map(u64::from);
                Objection {
                    id,
                    text: o.text.get_ref().clone(),
                    heard,
                }
            })
            .collect();

        let plan = Plan {
            site,
            title: meta.title.into_inner(),
            currency,
            revenue_goal,
            qualified_lead: meta.qualified_lead,
            as_of,
            target,
            count_stale,
            stages,
            personas,
            segments,
            decisions,
            objections,
        };

        for (i, d) in plan.decisions.iter().enumerate() {
            if let Some(review_by) = d.review_by.filter(|_| d.lapsed(as_of)) {
                let span = raw.decisions[i]
                    .get_ref()
                    .review_by
                    .as_ref()
                    .map_or(raw.decisions[i].span(), |r| r.span());
                self.diags.push(
                    Diagnostic::warning(PLAN_FILE, format!("decision lapsed on {review_by}: it no longer applies, so its cells count against target {}", plan.target))
                        .at_span(self.src, span)
                        .help("review the decision: renew `review_by` if it still holds, or delete it"),
                );
            }
        }
        for (a, b) in plan.decision_conflicts() {
            let (da, db) = (&plan.decisions[a], &plan.decisions[b]);
            self.error(
                raw.decisions[b].span(),
                format!("this decision (target {}) conflicts with the one on line {} (target {}): both match the same cells equally specifically", db.target, da.line, da.target),
                "make one of them more specific (name a segment, persona or stage), or delete one",
            );
        }
        plan
    }

    fn subset(
        &mut self,
        refs: &Option<Vec<S<String>>>,
        kind: &str,
        ids: &[String],
        segment: &str,
    ) -> Vec<usize> {
        let Some(refs) = refs else {
            return (0..ids.len()).collect();
        };
        let mut found: Vec<usize> = refs
            .iter()
            .filter_map(|r| self.reference(r, kind, ids))
            .collect();
        found.sort_unstable();
        found.dedup();
        if found.is_empty() && refs.is_empty() {
            self.diags.push(Diagnostic::warning(
                PLAN_FILE,
                format!("segment `{segment}` lists no {kind}s, so it has no cells"),
            ));
        }
        found
    }
}

/// Ids are lowercase `[a-z0-9-]+`.
pub fn is_valid_id(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
[site]
title = "T"
[plan]
title = "P"
as_of = 2026-11-01
[[stages]]
id = "awareness"
name = "Awareness"
[[stages]]
id = "decision"
[[personas]]
id = "economic-buyer"
name = "Economic Buyer"
aliases = ["EB", "CFO"]
[[personas]]
id = "champion"
[[segments]]
id = "enterprise"
pipeline = 1_000
weights = { economic-buyer = 3 }
"#;

    fn errors(src: &str) -> Vec<String> {
        parse(src, None)
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| format!("{}: {}", d.location(), d.message))
            .collect()
    }

    #[test]
    fn parses_minimal_plan_with_defaults() {
        let parsed = parse(MINIMAL, None);
        assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
        let plan = parsed.valid().unwrap();
        assert_eq!(plan.as_of.to_string(), "2026-11-01");
        assert_eq!(plan.target, 1);
        assert_eq!(plan.currency, "USD");
        assert_eq!(plan.stages[1].name, "decision");
        assert_eq!(plan.segments[0].personas, vec![0, 1]);
        assert_eq!(plan.segments[0].weights, vec![3.0, 1.0]);
        assert_eq!(plan.lookup(Kind::Persona, "cfo"), Some(0));
        assert_eq!(plan.lookup(Kind::Persona, "economic buyer"), Some(0));
        assert_eq!(plan.lookup(Kind::Stage, "Awareness"), Some(0));
        assert_eq!(plan.lookup(Kind::Persona, "nobody"), None);
    }

    #[test]
    fn a_plan_that_breaks_a_rule_comes_back_flagged() {
        let src = MINIMAL.replace(
            "as_of = 2026-11-01",
            "as_of = 2026-11-01\ncurrency = \"usd\"",
        );
        let parsed = parse(&src, None);
        assert!(!parsed.is_valid());
        assert!(parsed.diagnostics.iter().any(Diagnostic::is_error));
        let plan = parsed.plan.clone().expect("the structure parsed");
        assert_eq!(plan.lookup(Kind::Persona, "EB"), Some(0));
        assert_eq!(parsed.valid(), None);

        let parsed = parse("[site]\ntitle = \"T\"\n", None);
        assert!(parsed.plan.is_none() && !parsed.is_valid());
    }

    #[test]
    fn as_of_override_wins() {
        let plan = parse(MINIMAL, Date::parse("2027-01-01")).valid();
        assert_eq!(plan.unwrap().as_of.to_string(), "2027-01-01");
    }

    #[test]
    fn rule_violations_name_line_and_column() {
        let cases: &[(&str, &str, &str)] = &[
            ("[site]\ntitle = \"T\"\n", "", "missing field `plan`"),
            (
                MINIMAL,
                "[[segments]]\nid = \"enterprise\"\npipeline = 5\n",
                "plan.toml:23:6: segment id `enterprise` is used twice",
            ),
            (
                MINIMAL,
                "[[segments]]\nid = \"smb\"\npipeline = -5\n",
                "plan.toml:24:12: pipeline must be >= 0, found -5",
            ),
            (
                MINIMAL,
                "[[segments]]\nid = \"smb\"\npipeline = \"lots\"\n",
                "plan.toml:24:12: pipeline must be a number, found string",
            ),
            (
                MINIMAL,
                "[[segments]]\nid = \"smb\"\npipeline = 1\npersonas = [\"champion\"]\nweights = { economic-buyer = 2 }\n",
                "plan.toml:26:13: weight for `economic-buyer`, which is not in segment `smb`'s buying group",
            ),
            (
                MINIMAL,
                "[[segments]]\nid = \"SMB\"\npipeline = 1\n",
                "plan.toml:23:6: segment id `SMB` is not a valid id",
            ),
            (
                MINIMAL,
                "[[decisions]]\nsegment = \"enterprize\"\ntarget = 0\nwhy = \"x\"\n",
                "plan.toml:23:11: unknown segment `enterprize`",
            ),
            (
                MINIMAL,
                "[[decisions]]\nstage = \"awareness\"\ntarget = 0\n",
                "decision has no `why`",
            ),
            (
                MINIMAL,
                "[[decisions]]\nstage = \"awareness\"\ntarget = -1\nwhy = \"x\"\n",
                "plan.toml:24:10: target must be a whole number >= 0, found `-1`",
            ),
            (
                MINIMAL,
                "[[decisions]]\nstage = \"awareness\"\ntarget = 0\nwhy = \"a\"\n[[decisions]]\npersona = \"champion\"\ntarget = 3\nwhy = \"b\"\n",
                "conflicts with the one on line 22",
            ),
            (
                MINIMAL,
                "[coverage]\ntargett = 2\n",
                "unknown field `targett`",
            ),
        ];
        for (base, extra, want) in cases {
            let src = format!("{base}{extra}");
            let errs = errors(&src);
            assert!(
                errs.iter().any(|e| e.contains(want)),
                "want {want:?} in {errs:#?}"
            );
        }
    }

    #[test]
    fn most_specific_decision_wins_and_lapsed_ones_do_not_apply() {
        let src = format!(
            "{MINIMAL}[[decisions]]\nstage = \"awareness\"\ntarget = 0\nwhy = \"a\"\n[[decisions]]\nstage = \"awareness\"\npersona = \"champion\"\ntarget = 3\nwhy = \"b\"\n[[decisions]]\nstage = \"decision\"\ntarget = 5\nwhy = \"c\"\nreview_by = 2026-10-01\n"
        );
        let Parsed {
            plan,
            diagnostics: diags,
        } = parse(&src, None);
        let plan = plan.unwrap();
        assert_eq!(plan.decision_for(0, 0, 0), Some(0));
        assert_eq!(plan.decision_for(0, 1, 0), Some(1));
        assert_eq!(plan.decision_for(0, 1, 1), None, "lapsed");
        assert_eq!(diags.len(), 1);
        assert!(
            diags[0]
                .message
                .starts_with("decision lapsed on 2026-10-01")
        );
    }
}
