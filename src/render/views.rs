//! The plain, pre-formatted views templates get (the `*View` types), so a theme never
//! has to compute coverage or format money itself, and the small formatting helpers
//! the site and the terminal share.

use std::fmt::Write as _;

use serde::Serialize;

use crate::asset::Asset;
use crate::coverage::{Cell, Coverage};
use crate::format::{cell_marker, money, pct};
use crate::library::Library;
use crate::plan::Plan;
use crate::slug::slugify;

#[derive(Serialize, Clone)]
pub(super) struct Named<'a> {
    id: &'a str,
    name: &'a str,
    /// Path of the term's page from the site root.
    path: String,
    /// The name shortened for a narrow column ("Awareness" → "Awar."), for sighted
    /// readers on phones; `name` stays for screen readers.
    short: String,
}

/// `name` shortened when it is longer than six characters: a name of several words to
/// their initials ("Proof of concept" → "POC"), one word to its first four letters and a
/// full stop ("Awareness" → "Awar.").
pub(super) fn abbreviate(name: &str) -> String {
    if name.chars().count() <= 6 {
        return name.to_string();
    }
    let words: Vec<&str> = name.split_whitespace().collect();
    if words.len() > 1 {
        return words
            .iter()
            .filter_map(|w| w.chars().next())
            .flat_map(char::to_uppercase)
            .collect();
    }
    let cut: String = name.chars().take(4).collect();
    format!("{cut}.")
}

#[derive(Serialize)]
pub(super) struct CellView<'a> {
    segment: &'a str,
    persona: &'a str,
    stage: &'a str,
    segment_name: &'a str,
    persona_name: &'a str,
    stage_name: &'a str,
    count: usize,
    stale: usize,
    /// Counted assets due for review soon.
    due_soon: usize,
    target: u32,
    fill: Option<f64>,
    fill_pct: String,
    /// 0–4: fill in quarters, for the colour scale; -1 where waived.
    band: i32,
    status: &'static str,
    stale_only: bool,
    /// The text symbol that marks the status without colour.
    symbol: &'static str,
    /// Words for screen readers and tooltips.
    label: String,
    pipeline_at_stake: String,
    pipeline_at_stake_value: f64,
    /// Library link (from the site root) showing exactly the cell's counted assets.
    href: String,
    decision: Option<DecisionView<'a>>,
    /// A decision that matched the cell but has lapsed, so no longer applies.
    lapsed_decision: Option<DecisionView<'a>>,
    /// The cell's own page (from the site root), for a cell no asset counts toward: its
    /// context and what to use meanwhile (issue 15), where the library would be empty.
    page: Option<String>,
    /// "Request this asset": `[site] request_url` filled in, on a cell below its target.
    request: Option<String>,
    /// Drafts tagged for the cell (built with `--drafts`): in progress, never counted.
    drafts: usize,
}

#[derive(Serialize, Clone)]
pub(super) struct DecisionView<'a> {
    segment: Option<&'a str>,
    persona: Option<&'a str>,
    stage: Option<&'a str>,
    scope: String,
    target: u32,
    why: &'a str,
    owner: Option<&'a str>,
    decided: Option<String>,
    review_by: Option<String>,
    lapsed: bool,
}

#[derive(Serialize)]
pub(super) struct RowView<'a> {
    persona: Named<'a>,
    weight: f64,
    weight_label: String,
    coverage: String,
    cells: Vec<CellView<'a>>,
}

#[derive(Serialize)]
pub(super) struct SegmentView<'a> {
    id: &'a str,
    name: &'a str,
    description: Option<&'a str>,
    path: String,
    pipeline: String,
    coverage: String,
    coverage_value: Option<f64>,
    buying_group_coverage: String,
    weakest: Option<&'a str>,
    pipeline_at_stake: String,
    stages: Vec<Named<'a>>,
    rows: Vec<RowView<'a>>,
}

#[derive(Serialize)]
pub(super) struct SummaryView {
    assets: usize,
    counted: usize,
    stale: usize,
    cells: usize,
    covered: usize,
    thin: usize,
    gap: usize,
    waived: usize,
    coverage: String,
    pipeline_weighted_coverage: String,
    pipeline_at_stake: String,
    pipeline: String,
    revenue_goal: Option<String>,
    drafts_left_out: usize,
    /// Assets due for review soon (issue 15).
    due_soon: usize,
    /// `[site] stale = "hide"`: the library lists no stale asset.
    stale_hidden: bool,
}

#[derive(Serialize)]
pub(super) struct FacetView<'a> {
    key: &'static str,
    name: &'static str,
    values: Vec<FacetValue<'a>>,
}

#[derive(Serialize)]
pub(super) struct FacetValue<'a> {
    id: &'a str,
    name: &'a str,
    count: usize,
    path: Option<String>,
}

/// `site`, `plan` and `generator`: what every template gets.
pub(super) fn base(plan: &Plan) -> [(&'static str, tera::Value); 3] {
    [
        (
            "site",
            tera::Value::from_serializable(&serde_json::json!({
                "title": plan.site.title,
                "base_url": plan.site.base_url,
                "robots": plan.site.robots.as_str(),
                "language": plan.site.language,
                "sort": plan.site.sort.as_str(),
                "request_url": plan.site.request_url,
            })),
        ),
        (
            "plan",
            tera::Value::from_serializable(&serde_json::json!({
                "title": plan.title,
                "currency": plan.currency,
                "revenue_goal": plan.revenue_goal.map(|g| money(g, &plan.currency)),
                "qualified_lead": plan.qualified_lead,
                "as_of": plan.as_of.to_string(),
                "target": plan.target,
            })),
        ),
        (
            "generator",
            tera::Value::from(concat!("covermap ", env!("CARGO_PKG_VERSION"))),
        ),
    ]
}

/// Builds the coverage views of one library.
pub(super) struct Views<'a> {
    pub lib: &'a Library,
    pub plan: &'a Plan,
    pub cov: &'a Coverage,
    /// Drafts (library indices) by the cell they are tagged for: empty without `--drafts`.
    pub drafts: rustc_hash::FxHashMap<(usize, usize, usize), Vec<usize>>,
}

/// The page of the cell (`segment`, `persona`, `stage` ids), from the site root.
pub(super) fn cell_path(segment: &str, persona: &str, stage: &str) -> String {
    format!("coverage/{segment}/{persona}/{stage}/")
}

pub(super) fn term_path(kind: &str, id: &str) -> String {
    format!("{kind}/{id}/")
}

impl<'a> Views<'a> {
    pub(super) fn new(lib: &'a Library, cov: &'a Coverage) -> Self {
        let mut drafts: rustc_hash::FxHashMap<_, Vec<usize>> = Default::default();
        for (i, a) in lib.assets.iter().enumerate().filter(|(_, a)| a.draft) {
            let (Some(segs), Some(pers), Some(stgs)) = (&a.segments, &a.personas, &a.stages) else {
                continue;
            };
            for &s in segs {
                for &p in pers {
                    for &t in stgs {
                        if cov.cell(s, p, t).is_some() {
                            drafts.entry((s, p, t)).or_default().push(i);
                        }
                    }
                }
            }
        }
        Views {
            lib,
            plan: &lib.plan,
            cov,
            drafts,
        }
    }

    /// The library page's facets, from the index's facet data: one source for the
    /// page's checkboxes and the counts the browser computes.
    pub(super) fn facets<'f>(&self, facets: &'f [crate::search::Facet]) -> Vec<FacetView<'f>> {
        facets
            .iter()
            .map(|f| FacetView {
                key: f.key,
                name: f.name,
                values: f
                    .values
                    .iter()
                    .map(|v| FacetValue {
                        id: &v.id,
                        name: &v.name,
                        count: v.count,
                        path: Some(term_path(f.kind, &v.slug)),
                    })
                    .collect(),
            })
            .collect()
    }

    pub(super) fn summary(&self) -> SummaryView {
        let s = &self.cov.summary;
        let cur = &self.plan.currency;
        SummaryView {
            assets: s.assets,
            counted: s.counted,
            stale: s.stale,
            cells: s.cells,
            covered: s.covered,
            thin: s.thin,
            gap: s.gap,
            waived: s.waived,
            coverage: pct(s.coverage),
            pipeline_weighted_coverage: pct(s.pipeline_weighted_coverage),
            pipeline_at_stake: money(s.pipeline_at_stake, cur),
            pipeline: money(self.plan.segments.iter().map(|s| s.pipeline).sum(), cur),
            revenue_goal: self.plan.revenue_goal.map(|g| money(g, cur)),
            drafts_left_out: self.lib.drafts_left_out,
            due_soon: self
                .lib
                .assets
                .iter()
                .filter(|a| a.freshness.due_soon && !a.draft)
                .count(),
            stale_hidden: self.plan.freshness.stale == crate::plan::fresh::StaleMode::Hide,
        }
    }

    pub(super) fn decision_view(&self, i: usize) -> DecisionView<'a> {
        let p = self.plan;
        let d = &p.decisions[i];
        let seg = d.segment.map(|s| p.segments[s].name.as_str());
        let per = d.persona.map(|x| p.personas[x].name.as_str());
        let stg = d.stage.map(|x| p.stages[x].name.as_str());
        let scope = [
            seg.unwrap_or("every segment"),
            per.unwrap_or("every persona"),
            stg.unwrap_or("every stage"),
        ]
        .join(" · ");
        DecisionView {
            segment: seg,
            persona: per,
            stage: stg,
            scope,
            target: d.target,
            why: &d.why,
            owner: d.owner.as_deref(),
            decided: d.decided.map(|x| x.to_string()),
            review_by: d.review_by.map(|x| x.to_string()),
            lapsed: d.lapsed(p.as_of),
        }
    }

    pub(super) fn cell_view(&self, c: &Cell) -> CellView<'a> {
        let p = self.plan;
        let (seg, per, stg) = (
            &p.segments[c.segment],
            &p.personas[c.persona],
            &p.stages[c.stage],
        );
        let stale_only = c.stale_only();
        let (symbol, words) = cell_marker(c);
        let band = c.fill.map_or(-1, |f| (f * 4.0).floor() as i32);
        let mut label = format!(
            "{} · {} · {}: {} of {} wanted, {}",
            seg.name,
            per.name,
            stg.name,
            c.count(),
            c.target,
            words
        );
        if c.stale() > 0 && !stale_only {
            let _ = write!(label, ", {} stale", c.stale());
        }
        let due_soon = c
            .assets
            .iter()
            .filter(|&&i| self.lib.assets[i].freshness.due_soon)
            .count();
        if due_soon > 0 {
            let _ = write!(label, ", {due_soon} due for review soon");
        }
        CellView {
            segment: &seg.id,
            persona: &per.id,
            stage: &stg.id,
            segment_name: &seg.name,
            persona_name: &per.name,
            stage_name: &stg.name,
            count: c.count(),
            stale: c.stale(),
            due_soon,
            target: c.target,
            fill: c.fill,
            fill_pct: pct(c.fill),
            band,
            status: c.status.as_str(),
            stale_only,
            symbol,
            label,
            pipeline_at_stake: money(c.pipeline_at_stake, &p.currency),
            pipeline_at_stake_value: c.pipeline_at_stake,
            href: format!(
                "index.html?segment={}&persona={}&stage={}&counted=1",
                seg.id, per.id, stg.id
            ),
            decision: c.decision.map(|d| self.decision_view(d)),
            lapsed_decision: p
                .decisions
                .iter()
                .enumerate()
                .filter(|(_, d)| d.lapsed(p.as_of) && d.matches(c.segment, c.persona, c.stage))
                .max_by_key(|(i, d)| (d.specificity(), std::cmp::Reverse(*i)))
                .map(|(i, _)| self.decision_view(i)),
            page: (c.count() == 0).then(|| cell_path(&seg.id, &per.id, &stg.id)),
            request: p
                .site
                .request_url
                .as_deref()
                .filter(|_| c.fill.is_some_and(|f| f < 1.0))
                .map(|u| {
                    crate::plan::request_url::fill(
                        u,
                        &[
                            ("segment", &seg.id),
                            ("persona", &per.id),
                            ("stage", &stg.id),
                        ],
                    )
                }),
            drafts: self
                .drafts
                .get(&(c.segment, c.persona, c.stage))
                .map_or(0, Vec::len),
        }
    }

    pub(super) fn segment_views(&self) -> Vec<SegmentView<'a>> {
        let p = self.plan;
        self.cov
            .segments
            .iter()
            .map(|sc| {
                let seg = &p.segments[sc.segment];
                let cells = &self.cov.cells[sc.cells.clone()];
                let rows = seg
                    .personas
                    .iter()
                    .enumerate()
                    .map(|(gi, &pi)| RowView {
                        persona: Named {
                            id: &p.personas[pi].id,
                            name: &p.personas[pi].name,
                            path: term_path("personas", &p.personas[pi].id),
                            short: abbreviate(&p.personas[pi].name),
                        },
                        weight: seg.weights[gi],
                        weight_label: format!("{}", seg.weights[gi]),
                        coverage: pct(sc.personas[gi].coverage),
                        cells: cells
                            .iter()
                            .filter(|c| c.persona == pi)
                            .map(|c| self.cell_view(c))
                            .collect(),
                    })
                    .collect();
                let weakest = sc
                    .personas
                    .iter()
                    .filter(|pc| pc.coverage.is_some() && pc.coverage == sc.buying_group_coverage)
                    .map(|pc| p.personas[pc.persona].name.as_str())
                    .next();
                SegmentView {
                    id: &seg.id,
                    name: &seg.name,
                    description: seg.description.as_deref(),
                    path: term_path("segments", &seg.id),
                    pipeline: money(seg.pipeline, &p.currency),
                    coverage: pct(sc.coverage),
                    coverage_value: sc.coverage,
                    buying_group_coverage: pct(sc.buying_group_coverage),
                    weakest,
                    pipeline_at_stake: money(sc.pipeline_at_stake, &p.currency),
                    stages: seg
                        .stages
                        .iter()
                        .map(|&t| Named {
                            id: &p.stages[t].id,
                            name: &p.stages[t].name,
                            path: term_path("stages", &p.stages[t].id),
                            short: abbreviate(&p.stages[t].name),
                        })
                        .collect(),
                    rows,
                }
            })
            .collect()
    }
}

/// Makes what templates see of an asset (`asset` on its page, `a` in rows, each of
/// `assets`): a map built directly as a template value, whose segment, persona, stage
/// and objection entries are made once per plan value and shared by every asset that
/// has them. At 100,000 assets that halves the memory views take.
pub(super) struct ViewMaker {
    personas: Vec<tera::Value>,
    stages: Vec<tera::Value>,
    segments: Vec<tera::Value>,
    objections: Vec<tera::Value>,
    empty: tera::Value,
    count_stale: bool,
    type_slugs: rustc_hash::FxHashMap<String, String>,
    freshness: crate::plan::fresh::Freshness,
}

/// `{id, name, path}` for a plan value: `path` is its page from the site root.
fn named(kind: &str, id: &str, name: &str) -> tera::Value {
    let mut m = tera::Map::with_capacity(3);
    m.insert("id".into(), id.into());
    m.insert("name".into(), name.into());
    m.insert("path".into(), term_path(kind, id).into());
    tera::Value::from(m)
}

fn opt(v: Option<impl Into<tera::Value>>) -> tera::Value {
    v.map_or_else(tera::Value::none, Into::into)
}

impl ViewMaker {
    pub(super) fn new(plan: &Plan, type_slugs: &rustc_hash::FxHashMap<String, String>) -> Self {
        ViewMaker {
            type_slugs: type_slugs.clone(),
            personas: plan
                .personas
                .iter()
                .map(|x| named("personas", &x.id, &x.name))
                .collect(),
            stages: plan
                .stages
                .iter()
                .map(|x| named("stages", &x.id, &x.name))
                .collect(),
            segments: plan
                .segments
                .iter()
                .map(|x| named("segments", &x.id, &x.name))
                .collect(),
            objections: plan
                .objections
                .iter()
                .map(|x| named("objections", &x.id, &x.text))
                .collect(),
            empty: tera::Value::from(tera::Map::new()),
            count_stale: plan.count_stale,
            freshness: plan.freshness.clone(),
        }
    }

    /// The asset's view. Its fields: `slug`, `path` (its page from the site root,
    /// `library/<slug>/`), `title`, `type`, `type_path`, `summary`, `audience`, `owner`,
    /// `updated`, `review_by`, `stale`, `draft`, `counted` (tagged on all three
    /// dimensions, not stale unless the plan counts stale assets, not a draft), `url`,
    /// `tags`, `personas`, `stages`, `segments`, `objections` (each `{id, name, path}`),
    /// `source`, `extra` (the front matter keys covermap does not know) and, when a
    /// `[[front_matter.rules]]` tagged the asset, `tagged_by` (`plan.toml:LINE` each).
    /// Freshness (issue 15): `type_name` (the type's label), `due` (its review date,
    /// from `review_by` or a review period), `due_soon`, `freshness` (`overdue`, `due
    /// soon`, `fresh` or `no review date`) and `superseded_by` (a slug).
    /// The slug of a type's page: its word made a slug, unless another spelling holds
    /// that slug (see [`super::lists::Lists::type_slugs`]).
    pub(super) fn type_slug(&self, kind: &str) -> String {
        self.type_slugs
            .get(kind)
            .cloned()
            .unwrap_or_else(|| slugify(kind))
    }

    /// The numbered slug of the asset's type, when its type has one.
    pub(super) fn type_override(&self, a: &Asset) -> Option<&String> {
        a.kind.as_ref().and_then(|k| self.type_slugs.get(k))
    }

    pub(super) fn view(&self, a: &Asset) -> tera::Value {
        let list = |ids: Option<&Vec<usize>>, values: &[tera::Value]| {
            tera::Value::from(
                ids.into_iter()
                    .flatten()
                    .map(|&i| values[i].clone())
                    .collect::<Vec<_>>(),
            )
        };
        let mut m = tera::Map::with_capacity(23);
        let mut put = |k: &'static str, v: tera::Value| {
            m.insert(k.into(), v);
        };
        put("slug", a.slug.as_str().into());
        put("path", format!("library/{}/", a.slug).into());
        put("title", a.title.as_str().into());
        put("type", opt(a.kind.as_deref()));
        put(
            "type_name",
            opt(a.kind.as_deref().map(|k| self.freshness.type_name(k))),
        );
        put(
            "type_path",
            opt(a
                .kind
                .as_deref()
                .map(|k| term_path("types", &self.type_slug(k)))),
        );
        put("summary", opt(a.summary.as_deref()));
        put("audience", opt(a.audience.map(|x| x.as_str())));
        put("owner", opt(a.owner.as_deref()));
        put("updated", opt(a.updated.map(|d| d.to_string())));
        put("review_by", opt(a.review_by.map(|d| d.to_string())));
        put("stale", a.stale.into());
        let f = &a.freshness;
        put("due", opt(f.due.map(|d| d.to_string())));
        put("due_soon", f.due_soon.into());
        put("freshness", crate::freshness::State::of(a).label().into());
        put("superseded_by", opt(f.superseded_by.as_deref()));
        put("draft", a.draft.into());
        put("counted", a.counts_toward_coverage(self.count_stale).into());
        put("url", opt(a.url.as_deref()));
        let (kind, label) = file_kind(a.url.as_deref(), a.kind.as_deref());
        put("file_kind", kind.into());
        put("file_label", label.into());
        put(
            "tags",
            tera::Value::from(
                a.tags
                    .iter()
                    .map(|t| tera::Value::from(t.as_str()))
                    .collect::<Vec<_>>(),
            ),
        );
        put("personas", list(a.personas.as_ref(), &self.personas));
        put("stages", list(a.stages.as_ref(), &self.stages));
        put("segments", list(a.segments.as_ref(), &self.segments));
        put("objections", list(Some(&a.objections), &self.objections));
        if !a.tagged_by.is_empty() {
            let rules = a
                .tagged_by
                .iter()
                .map(|l| tera::Value::from(format!("plan.toml:{l}")));
            put("tagged_by", tera::Value::from(rules.collect::<Vec<_>>()));
        }
        put(
            "source",
            a.source.to_string_lossy().replace('\\', "/").into(),
        );
        put(
            "extra",
            if a.extra.is_empty() {
                self.empty.clone()
            } else {
                tera::Value::from_serializable(&a.extra)
            },
        );
        tera::Value::from(m)
    }
}

/// The kind of file an asset is, for its row's icon, and its words: from the extension
/// of its `url` (an attachment or a link), else from its type, else a page.
pub(super) fn file_kind(url: Option<&str>, kind: Option<&str>) -> (&'static str, &'static str) {
    let by_ext = |ext: &str| match ext {
        "pdf" => Some(("pdf", "PDF")),
        "ppt" | "pptx" | "key" | "odp" => Some(("slides", "Slides")),
        "doc" | "docx" | "odt" | "rtf" | "txt" | "md" => Some(("doc", "Document")),
        "xls" | "xlsx" | "ods" | "csv" | "numbers" => Some(("sheet", "Spreadsheet")),
        "mp4" | "mov" | "webm" | "m4v" => Some(("video", "Video")),
        "png" | "jpg" | "jpeg" | "gif" | "svg" | "webp" => Some(("image", "Image")),
        "zip" => Some(("archive", "Archive")),
        _ => None,
    };
    if let Some(url) = url {
        let path = url.split(['?', '#']).next().unwrap_or_default();
        let last = path.rsplit('/').next().unwrap_or_default();
        let ext = last
            .rsplit_once('.')
            .map(|(_, e)| e.to_ascii_lowercase())
            .unwrap_or_default();
        if let Some(k) = by_ext(&ext) {
            return k;
        }
        if url.starts_with("http://") || url.starts_with("https://") {
            return ("link", "Web link");
        }
    }
    let kind = kind.unwrap_or_default().to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| kind.contains(w));
    if has(&["video", "webinar", "recording", "demo"]) {
        ("video", "Video")
    } else if has(&["deck", "slide", "presentation", "pitch"]) {
        ("slides", "Slides")
    } else if has(&["calculator", "sheet", "model", "roi"]) {
        ("sheet", "Spreadsheet")
    } else {
        ("page", "Page")
    }
}

/// A hash of everything of an asset its view shows (the plan's names are the
/// render's globals).
pub(super) fn view_hash(a: &Asset, h: &mut impl std::hash::Hasher) {
    use std::hash::Hash;
    (
        &a.slug,
        &a.title,
        &a.kind,
        &a.summary,
        a.audience.map(|x| x.as_str()),
        &a.owner,
    )
        .hash(h);
    (
        a.updated.map(|d| d.to_string()),
        a.review_by.map(|d| d.to_string()),
    )
        .hash(h);
    (a.stale, a.draft, a.is_tagged(), &a.url, &a.tags, &a.source).hash(h);
    let f = &a.freshness;
    (f.due.map(|d| d.to_string()), f.due_soon, &f.superseded_by).hash(h);
    (&a.personas, &a.stages, &a.segments, &a.objections).hash(h);
    serde_json::to_string(&a.extra).unwrap_or_default().hash(h);
}

/// JSON safe to embed in a `<script type="application/json">` element.
pub(super) fn json_for_script<T: Serialize>(value: &T) -> String {
    let bytes = crate::json::compact(value, crate::json::Escape::Script);
    // Serde's output with only ASCII escapes added: UTF-8 still.
    String::from_utf8(bytes).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_money_and_percent() {
        assert_eq!(money(4_200_000.0, "USD"), "$4.2M");
        assert_eq!(money(5_000_000.0, "USD"), "$5M");
        assert_eq!(money(65_625.0, "EUR"), "€65.6k");
        assert_eq!(money(950.0, "CHF"), "CHF 950");
        assert_eq!(pct(Some(0.25)), "25%");
        assert_eq!(pct(None), "—");
    }

    #[test]
    fn long_names_are_abbreviated_for_narrow_columns() {
        assert_eq!(abbreviate("Awareness"), "Awar.");
        assert_eq!(abbreviate("Consideration"), "Cons.");
        assert_eq!(abbreviate("Demo"), "Demo");
        assert_eq!(abbreviate("Решение"), "Реше.");
        assert_eq!(abbreviate("Proof of concept"), "POC");
    }

    #[test]
    fn file_kinds_come_from_the_extension_then_the_type() {
        assert_eq!(file_kind(Some("files/deck.PPTX"), None).0, "slides");
        assert_eq!(
            file_kind(Some("https://x.test/a.pdf?dl=1"), Some("video")).0,
            "pdf"
        );
        assert_eq!(file_kind(Some("https://x.test/roi"), None).0, "link");
        assert_eq!(file_kind(None, Some("roi-calculator")).0, "sheet");
        assert_eq!(file_kind(None, Some("case-study")), ("page", "Page"));
    }

    #[test]
    fn script_json_cannot_close_the_script() {
        assert_eq!(json_for_script(&"</script>"), "\"\\u003c/script\\u003e\"");
    }
}
