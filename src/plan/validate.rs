//! `plan.toml` as written (the `Raw…` tables, every value with its byte span) checked
//! against every rule of SPEC §1.1 in one pass and resolved into a [`Plan`]: each broken
//! rule becomes a diagnostic naming `plan.toml`, line and column.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use crate::date::Date;
use crate::diagnostics::{Code, Diagnostic, suggest};
use crate::limits::MAX_CELLS;

use super::adoption::{self, Ids, RawAdoption, RawBuild, RawContent, RawFrontMatter};
use super::model::*;

// ---------------------------------------------------------------------------
// The file as written.

type S<T> = Spanned<T>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPlanFile {
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
    // Adoption (issue 14): checked in adoption.rs.
    build: Option<RawBuild>,
    content: Option<RawContent>,
    front_matter: Option<RawFrontMatter>,
    // The trend (issue 16): checked in history.rs.
    history: Option<super::history::RawHistory>,
    // Freshness governance (issue 15): checked in fresh.rs.
    #[serde(default)]
    types: Vec<S<super::fresh::RawType>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSite {
    title: S<String>,
    base_url: Option<S<String>>,
    theme: Option<S<String>>,
    raw_html: Option<bool>,
    robots: Option<S<String>>,
    // Issue 14: checked in site_keys.rs.
    sort: Option<S<String>>,
    language: Option<S<String>>,
    request_url: Option<S<String>>,
    stale: Option<S<String>>,
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
    review_every: Option<S<String>>,
    due_soon: Option<S<String>>,
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
    segments: Option<Vec<S<String>>>,
    personas: Option<Vec<S<String>>>,
    stages: Option<Vec<S<String>>>,
}

pub(super) struct Validator<'a> {
    pub(super) src: &'a str,
    pub(super) diags: Vec<Diagnostic>,
}

impl Validator<'_> {
    fn error(
        &mut self,
        code: Code,
        span: Range<usize>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        self.diags.push(
            Diagnostic::error(PLAN_FILE, message)
                .at_span(self.src, span)
                .help(help)
                .code(code),
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
                Code::PlanId,
                id.span(),
                format!("{kind} id `{value}` is not a valid id"),
                "ids are lowercase letters, digits and `-`, such as `mid-market`",
            );
        } else if let Some(first) = seen.get(value) {
            let line = self.line_of(first);
            self.error(
                Code::PlanId,
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
                    Code::PlanType,
                    v.span(),
                    format!("{what} must be a number, found {}", other.type_str()),
                    format!("write {what} as a plain number, such as `4_200_000`"),
                );
                return None;
            }
        };
        if n < 0.0 {
            self.error(
                Code::PlanValue,
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
                    Code::PlanValue,
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
                Code::PlanValue,
                v.span(),
                format!("{what} is not a date"),
                "write dates as YYYY-MM-DD, such as `2026-11-01`",
            );
        }
        parsed
    }

    /// `[site] robots`: an unknown value is an error (a typo must not quietly publish
    /// a site meant to stay out of search engines), with the closest value suggested.
    fn robots(&mut self, r: &S<String>) -> Robots {
        match r.get_ref().as_str() {
            "index" => Robots::Index,
            "noindex" => Robots::NoIndex,
            other => {
                // Of two values only the closer one is worth naming.
                let lower = other.to_lowercase();
                let closest = Robots::NAMES
                    .into_iter()
                    .map(|name| (strsim::jaro_winkler(&lower, name), name))
                    .max_by(|a, b| a.0.total_cmp(&b.0))
                    .filter(|(score, _)| *score >= 0.75);
                let help = match closest {
                    Some((_, name)) => format!(
                        "did you mean `{name}`? (`index` is the default, `noindex` keeps search engines out)"
                    ),
                    None => "use `noindex` to keep search engines out, or `index` (the default)"
                        .to_string(),
                };
                self.diags.push(
                    Diagnostic::error(
                        PLAN_FILE,
                        format!(
                            "robots `{}` is neither `index` nor `noindex`",
                            crate::diagnostics::printable(other)
                        ),
                    )
                    .at_span(self.src, r.span())
                    .help(help)
                    .code(crate::diagnostics::Code::PlanValue),
                );
                // Kept out of search engines until the value is fixed.
                Robots::NoIndex
            }
        }
    }

    /// `[site] request_url`: each problem placed on the placeholder or scheme it is in.
    fn request_url(&mut self, u: S<String>) -> String {
        let span = u.span();
        let url = u.into_inner();
        // Inside a plain quoted string the value's bytes are the file's, one on.
        let raw = self.src.get(span.clone()).unwrap_or_default();
        let plain = raw.len() == url.len() + 2 && raw[1..raw.len() - 1] == url;
        for p in super::request_url::problems(&url) {
            let at = if plain {
                span.start + 1 + p.at.start..span.start + 1 + p.at.end
            } else {
                span.clone()
            };
            self.error(Code::RequestUrl, at, p.message, p.help);
        }
        url
    }

    pub(super) fn reference(&mut self, r: &S<String>, kind: &str, ids: &[String]) -> Option<usize> {
        let value = r.get_ref();
        let found = ids.iter().position(|id| id == value);
        if found.is_none() {
            let help = suggest(value, ids.iter().map(String::as_str))
                .unwrap_or_else(|| format!("the {kind}s are: {}", ids.join(", ")));
            self.error(
                Code::PlanUnknownId,
                r.span(),
                format!("unknown {kind} `{value}`"),
                help,
            );
        }
        found
    }

    pub(super) fn plan(&mut self, raw: RawPlanFile, as_of_override: Option<Date>) -> Plan {
        let site_raw = raw.site.into_inner();
        let stale_raw = site_raw.stale.clone();
        let meta_span = raw.plan.span();
        let meta = raw.plan.into_inner();
        for (s, what) in [(&site_raw.title, "site title"), (&meta.title, "plan title")] {
            if s.get_ref().trim().is_empty() {
                self.error(
                    Code::PlanValue,
                    s.span(),
                    format!("the {what} is empty"),
                    "give it a title",
                );
            }
        }
        let theme_span = site_raw.theme.as_ref().map(Spanned::span);
        let theme = site_raw.theme.map_or_else(
            || "default".to_string(),
            |t| {
                let name = t.get_ref().clone();
                if !is_valid_id(&name) && name != "default" {
                    self.error(
                        Code::PlanValue,
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
            robots: site_raw
                .robots
                .as_ref()
                .map_or(Robots::Index, |r| self.robots(r)),
            sort: site_raw.sort.as_ref().map_or_else(Default::default, |s| {
                super::site_keys::sort(self.src, s.get_ref(), s.span(), &mut self.diags)
            }),
            language: site_raw.language.as_ref().map_or_else(
                || super::site_keys::DEFAULT_LANGUAGE.to_string(),
                |l| super::site_keys::language(self.src, l.get_ref(), l.span(), &mut self.diags),
            ),
            request_url: site_raw.request_url.map(|u| self.request_url(u)),
        };
        let currency = match meta.currency {
            Some(c) => {
                let code = c.get_ref().clone();
                if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
                    self.error(
                        Code::PlanValue,
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
                Code::PlanShape,
                0..0,
                "the plan has no stages",
                "add [[stages]] tables, first to last stage of the buyer's journey",
            );
        }
        if personas.is_empty() {
            self.error(
                Code::PlanShape,
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
                    self.error(Code::PlanType, seg.id.span(), format!("segment `{id}` has no pipeline"), "add `pipeline = <amount>`: the pipeline this segment must produce in the period");
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
                        Code::PlanShape,
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
                            Code::PlanUnknownId,
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
                Code::PlanShape,
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
            self.error(Code::PlanShape,
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
                    self.error(Code::Decision, span.clone(), "decision has no target", "add `target = 0` (light coverage is the right call) or the number of assets wanted");
                    0
                }
            };
            let why = match &d.why {
                Some(w) if !w.get_ref().trim().is_empty() => w.get_ref().clone(),
                Some(w) => {
                    self.error(
                        Code::Decision,
                        w.span(),
                        "decision's `why` is empty",
                        "say why this coverage is the right call, so the next reader can judge it",
                    );
                    String::new()
                }
                None => {
                    self.error(
                        Code::Decision,
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
                let mut refs = |list: &Option<Vec<S<String>>>, kind: &str, ids: &[String]| {
                    let mut found: Vec<usize> = list
                        .iter()
                        .flatten()
                        .filter_map(|r| self.reference(r, kind, ids))
                        .collect();
                    found.sort_unstable();
                    found.dedup();
                    found
                };
                Objection {
                    segments: refs(&o.segments, "segment", &segment_ids),
                    personas: refs(&o.personas, "persona", &persona_ids),
                    stages: refs(&o.stages, "stage", &stage_ids),
                    id,
                    text: o.text.get_ref().clone(),
                    heard,
                }
            })
            .collect();

        let adoption = adoption::resolve(
            RawAdoption {
                build: raw.build,
                content: raw.content,
                front_matter: raw.front_matter,
            },
            &Ids {
                segments: &segment_ids,
                personas: &persona_ids,
                stages: &stage_ids,
            },
            self.src,
            &mut self.diags,
        );
        let history = super::history::resolve(raw.history, self.src, &mut self.diags);
        let freshness = super::fresh::resolve(
            super::fresh::RawFreshness {
                types: raw.types,
                review_every: raw.coverage.as_ref().and_then(|c| c.review_every.clone()),
                due_soon: raw.coverage.as_ref().and_then(|c| c.due_soon.clone()),
                stale: stale_raw,
            },
            self.src,
            &mut self.diags,
        );
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
            adoption,
            history,
            freshness,
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
                        .help("review the decision: renew `review_by` if it still holds, or delete it")
                        .code(Code::DecisionLapsed),
                );
            }
        }
        for (a, b) in plan.decision_conflicts() {
            let (da, db) = (&plan.decisions[a], &plan.decisions[b]);
            self.error(Code::Decision,
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
            self.diags.push(
                Diagnostic::warning(
                    PLAN_FILE,
                    format!("segment `{segment}` lists no {kind}s, so it has no cells"),
                )
                .code(Code::EmptySegment),
            );
        }
        found
    }
}
