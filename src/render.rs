//! Rendering: the library and its coverage model turned into a [`Site`] — every page
//! through the theme's templates, plus `coverage.json`, `coverage.csv`, the theme's
//! static files, attachments and `static/`. Every link is relative to the page it is
//! on, so the site works under any sub-path and from `file://`.
//!
//! Templates get plain, pre-formatted views (the `*View` types below), so a theme
//! never has to compute coverage or format money itself.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use rayon::prelude::*;
use serde::Serialize;
use tera::Context;

use crate::asset::Asset;
use crate::coverage::{Cell, Coverage, Status};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::library::Library;
use crate::output::{Content, Site};
use crate::plan::Plan;
use crate::theme::Theme;

/// Renders the whole site. Errors are template errors or output path clashes.
pub fn render(library: &Library, coverage: &Coverage, theme: &Theme) -> Result<Site, Diagnostics> {
    render_cached(library, coverage, theme, None)
}

/// [`render`], taking each page whose template context is unchanged since the last
/// build from `cache` instead of rendering it again (`serve` and `watch` rebuilds).
pub fn render_cached(
    library: &Library,
    coverage: &Coverage,
    theme: &Theme,
    cache: Option<&crate::incremental::PageCache>,
) -> Result<Site, Diagnostics> {
    let mut r = Renderer::new(library, coverage, theme);
    r.pages = cache.map(|c| c.begin(library));
    r.site()
}

#[derive(Serialize, Clone)]
struct Named<'a> {
    id: &'a str,
    name: &'a str,
    /// Path of the term's page from the site root.
    path: String,
}

#[derive(Serialize, Clone)]
struct AssetView<'a> {
    slug: &'a str,
    /// Path of the asset's page from the site root (`library/<slug>/`).
    path: String,
    title: &'a str,
    #[serde(rename = "type")]
    kind: Option<&'a str>,
    type_path: Option<String>,
    summary: Option<&'a str>,
    audience: Option<&'static str>,
    owner: Option<&'a str>,
    updated: Option<String>,
    review_by: Option<String>,
    stale: bool,
    draft: bool,
    /// Counts toward coverage: tagged on all three dimensions, not stale (unless the
    /// plan counts stale assets), not a draft.
    counted: bool,
    url: Option<&'a str>,
    tags: &'a [String],
    personas: Vec<Named<'a>>,
    stages: Vec<Named<'a>>,
    segments: Vec<Named<'a>>,
    objections: Vec<Named<'a>>,
    source: String,
    extra: &'a BTreeMap<String, serde_json::Value>,
}

#[derive(Serialize)]
struct CellView<'a> {
    segment: &'a str,
    persona: &'a str,
    stage: &'a str,
    segment_name: &'a str,
    persona_name: &'a str,
    stage_name: &'a str,
    count: usize,
    stale: usize,
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
}

#[derive(Serialize, Clone)]
struct DecisionView<'a> {
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
struct RowView<'a> {
    persona: Named<'a>,
    weight: f64,
    weight_label: String,
    coverage: String,
    cells: Vec<CellView<'a>>,
}

#[derive(Serialize)]
struct SegmentView<'a> {
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
struct SummaryView {
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
}

#[derive(Serialize)]
struct FacetView<'a> {
    key: &'static str,
    name: &'static str,
    values: Vec<FacetValue<'a>>,
}

#[derive(Serialize)]
struct FacetValue<'a> {
    id: &'a str,
    name: &'a str,
    count: usize,
    path: Option<String>,
}

struct Renderer<'a> {
    lib: &'a Library,
    plan: &'a Plan,
    cov: &'a Coverage,
    theme: &'a Theme,
    views: Vec<AssetView<'a>>,
    /// Each view converted to a template value once; lists share them (tera values
    /// are reference-counted), so a list page costs no re-serialisation.
    values: Vec<tera::Value>,
    base: Context,
    /// The last build's pages, when rebuilding for `serve` or `watch`.
    pages: Option<crate::incremental::PagePass<'a>>,
}

fn term_path(kind: &str, id: &str) -> String {
    format!("{kind}/{id}/")
}

/// Assets per taxonomy page before it is split into `page/N/` pages.
pub const TERM_PAGE_SIZE: usize = 500;

/// Assets per page of the library as served without JavaScript.
pub const LIBRARY_PAGE_SIZE: usize = 100;

/// Links between the pages of a paginated list whose first page is `base` (a path
/// from the site root ending in `/`): paths from the site root, for `{{ root }}`.
fn pager(base: &str, current: usize, total: usize) -> serde_json::Value {
    let path = |n: usize| {
        if n == 1 {
            base.to_string()
        } else {
            format!("{base}page/{n}/")
        }
    };
    serde_json::json!({
        "current": current,
        "total": total,
        "prev": (current > 1).then(|| path(current - 1)),
        "next": (current < total).then(|| path(current + 1)),
        "pages": (1..=total).map(|n| serde_json::json!({ "number": n, "path": path(n), "current": n == current })).collect::<Vec<_>>(),
    })
}

/// A word as a path part: lowercase, runs of other characters made `-`.
pub fn slugify(word: &str) -> String {
    let s = crate::asset::slug_from_path(std::path::Path::new(&word.replace('/', "-")));
    let s = s.trim_matches('-');
    if s.is_empty() { "-".into() } else { s.into() }
}

impl<'a> Renderer<'a> {
    fn new(lib: &'a Library, cov: &'a Coverage, theme: &'a Theme) -> Self {
        let plan = &lib.plan;
        let views: Vec<AssetView> = lib.assets.iter().map(|a| asset_view(plan, a)).collect();
        let values = views
            .par_iter()
            .map(tera::Value::from_serializable)
            .collect();
        let mut base = Context::new();
        base.insert(
            "site",
            &serde_json::json!({ "title": plan.site.title, "base_url": plan.site.base_url }),
        );
        base.insert(
            "plan",
            &serde_json::json!({
                "title": plan.title,
                "currency": plan.currency,
                "revenue_goal": plan.revenue_goal.map(|g| money(g, &plan.currency)),
                "qualified_lead": plan.qualified_lead,
                "as_of": plan.as_of.to_string(),
                "target": plan.target,
            }),
        );
        base.insert("generator", concat!("covermap ", env!("CARGO_PKG_VERSION")));
        Renderer {
            lib,
            plan,
            cov,
            theme,
            views,
            values,
            base,
            pages: None,
        }
    }

    fn page(
        &self,
        template: &str,
        path: &str,
        title: &str,
        section: &str,
        extra: Context,
    ) -> Result<(String, Content), Diagnostic> {
        let depth = path.matches('/').count();
        let root = if depth == 0 {
            "./".to_string()
        } else {
            "../".repeat(depth)
        };
        let mut ctx = self.base.clone();
        ctx.insert("root", &root);
        ctx.insert(
            "page",
            &serde_json::json!({ "title": title, "path": path, "section": section }),
        );
        ctx.extend(extra);
        let rendered = match &self.pages {
            Some(pages) => pages.render(&self.theme.tera, template, path, &ctx),
            None => (self.theme.tera.render(template, &ctx))
                .map(|html| Content::Bytes(html.into_bytes())),
        };
        rendered
            .map(|content| (path.to_string(), content))
            .map_err(|e| self.theme.error(&e))
    }

    fn site(&self) -> Result<Site, Diagnostics> {
        let search = crate::search::build(self.lib, self.cov);
        let mut pages: Vec<Result<(String, Content), Diagnostic>> = vec![
            self.coverage_page(),
            self.gaps_page(),
            self.objections_page(),
        ];
        pages.extend(self.library_pages(&search));
        pages.extend(self.taxonomy_pages());
        pages.push(self.page("404.html", "404.html", "Not found", "", Context::new()));
        let related = self.related_all();
        let asset_pages: Vec<_> = (0..self.lib.assets.len())
            .into_par_iter()
            .map(|i| self.asset_page(i, &related[i]))
            .collect();
        pages.extend(asset_pages);

        let mut diags = Diagnostics::default();
        let mut site = Site::default();
        for p in pages {
            match p {
                Ok((path, content)) => {
                    site.insert(path, content);
                }
                Err(d) => diags.push(d),
            }
        }
        site.insert(
            "coverage.json",
            Content::Bytes(coverage_json(self.lib, self.cov)),
        );
        site.insert(
            "coverage.csv",
            Content::Bytes(coverage_csv(self.lib, self.cov)),
        );
        for (path, bytes) in search.files {
            site.insert(path, Content::Bytes(bytes));
        }
        for (path, content) in &self.theme.static_files {
            site.insert(path.clone(), content.clone());
        }
        let mut copy = |path: String, source: std::path::PathBuf, what: &str| {
            if site.files.contains_key(&path) {
                diags.push(
                    Diagnostic::error(
                        crate::diagnostics::display_path(&self.lib.root, &source),
                        format!("this {what} would overwrite the generated `{path}`"),
                    )
                    .help("rename or move the file: covermap writes that path itself"),
                );
            } else {
                site.insert(path, Content::Copy(source));
            }
        };
        for rel in &self.lib.attachments {
            copy(
                rel.to_string_lossy().replace('\\', "/"),
                self.lib.content_dir().join(rel),
                "attachment",
            );
        }
        for rel in &self.lib.static_files {
            copy(
                rel.to_string_lossy().replace('\\', "/"),
                self.lib.static_dir().join(rel),
                "static file",
            );
        }
        diags.sort();
        if diags.has_errors() {
            Err(diags)
        } else {
            Ok(site)
        }
    }

    /// The library page's facets, from the index's facet data: one source for the
    /// page's checkboxes and the counts the browser computes.
    fn facets<'f>(&self, facets: &'f [crate::search::Facet]) -> Vec<FacetView<'f>> {
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

    /// The library: every asset, [`LIBRARY_PAGE_SIZE`] a page (`index.html`, then
    /// `page/N/index.html`), so it reads without JavaScript; `library.js` with the
    /// index under `search/` adds search and live facet counts on top.
    fn library_pages(
        &self,
        index: &crate::search::Index,
    ) -> Vec<Result<(String, Content), Diagnostic>> {
        let n = self.values.len();
        let pages = n.div_ceil(LIBRARY_PAGE_SIZE).max(1);
        // Converted once: every page shares them (tera values are reference-counted).
        let facets = tera::Value::from_serializable(&self.facets(&index.facets));
        let summary = tera::Value::from_serializable(&self.summary());
        // Each cell's name and target, so a link from the heatmap can say which cell
        // it shows (kept for themes; the default one reads them from search/meta.js).
        let cells: BTreeMap<String, serde_json::Value> = self
            .cov
            .cells
            .iter()
            .map(|c| {
                let v = self.cell_view(c);
                (format!("{}|{}|{}", v.segment, v.persona, v.stage), serde_json::json!({ "label": format!("{} · {} · {}", v.segment_name, v.persona_name, v.stage_name), "count": v.count, "target": v.target, "status": v.status }))
            })
            .collect();
        let cells = json_for_script(&cells);
        (1..=pages)
            .into_par_iter()
            .map(|k| {
                let mut ctx = Context::new();
                ctx.insert_value("facets", facets.clone());
                ctx.insert_value("summary", summary.clone());
                ctx.insert("search_version", &index.version);
                ctx.insert("cells_json", &cells);
                let first = ((k - 1) * LIBRARY_PAGE_SIZE).min(n);
                ctx.insert("first", &(first + 1));
                ctx.insert_value(
                    "assets",
                    self.asset_list(first..(k * LIBRARY_PAGE_SIZE).min(n)),
                );
                ctx.insert("pager", &pager("", k, pages));
                let path = if k == 1 {
                    "index.html".to_string()
                } else {
                    format!("page/{k}/index.html")
                };
                self.page("library.html", &path, &self.plan.site.title, "library", ctx)
            })
            .collect()
    }

    /// A list of assets for a template, by index.
    fn asset_list(&self, ids: impl IntoIterator<Item = usize>) -> tera::Value {
        tera::Value::from(
            ids.into_iter()
                .map(|i| self.values[i].clone())
                .collect::<Vec<_>>(),
        )
    }

    fn asset_page(&self, i: usize, related: &[usize]) -> Result<(String, Content), Diagnostic> {
        let a = &self.lib.assets[i];
        let view = &self.views[i];
        let mut ctx = Context::new();
        ctx.insert("asset", view);
        ctx.insert("body", &a.body_html);
        ctx.insert_value("related", self.asset_list(related.iter().copied()));
        self.page(
            "asset.html",
            &format!("library/{}/index.html", a.slug),
            &a.title,
            "library",
            ctx,
        )
    }

    /// For every asset, up to five related ones: those sharing the most stage, persona,
    /// segment and tag values. Candidates come from the asset's (persona, stage)
    /// buckets, the nearest in slug order, so the cost stays linear in the number of
    /// assets instead of comparing every pair.
    fn related_all(&self) -> Vec<Vec<usize>> {
        const NEIGHBOURS: usize = 24;
        let assets = &self.lib.assets;
        let mut buckets: std::collections::HashMap<(usize, usize), Vec<usize>> = Default::default();
        for (i, a) in assets.iter().enumerate() {
            for &p in a.personas.iter().flatten() {
                for &t in a.stages.iter().flatten() {
                    buckets.entry((p, t)).or_default().push(i);
                }
            }
        }
        let overlap = |x: &Option<Vec<usize>>, y: &Option<Vec<usize>>| match (x, y) {
            (Some(x), Some(y)) => x.iter().filter(|v| y.contains(v)).count(),
            _ => 0,
        };
        (0..assets.len())
            .into_par_iter()
            .map(|i| {
                let a = &assets[i];
                let mut candidates = Vec::new();
                for &p in a.personas.iter().flatten() {
                    for &t in a.stages.iter().flatten() {
                        let bucket = &buckets[&(p, t)];
                        // Buckets are in slug order because assets are.
                        let pos = bucket.binary_search(&i).unwrap_or_else(|x| x);
                        let lo = pos.saturating_sub(NEIGHBOURS / 2);
                        let hi = (pos + NEIGHBOURS / 2 + 1).min(bucket.len());
                        candidates.extend_from_slice(&bucket[lo..hi]);
                    }
                }
                candidates.sort_unstable();
                candidates.dedup();
                let mut scored: Vec<(usize, usize)> = candidates
                    .into_iter()
                    .filter(|&j| j != i)
                    .map(|j| {
                        let b = &assets[j];
                        let tags = a.tags.iter().filter(|t| b.tags.contains(t)).count();
                        let score = 3 * overlap(&a.stages, &b.stages).min(1)
                            + 2 * overlap(&a.personas, &b.personas)
                            + overlap(&a.segments, &b.segments)
                            + tags;
                        (j, score)
                    })
                    .filter(|(_, s)| *s > 2)
                    .collect();
                scored.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
                scored.into_iter().take(5).map(|(j, _)| j).collect()
            })
            .collect()
    }

    fn summary(&self) -> SummaryView {
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
        }
    }

    fn decision_view(&self, i: usize) -> DecisionView<'a> {
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

    fn cell_view(&self, c: &Cell) -> CellView<'a> {
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
        CellView {
            segment: &seg.id,
            persona: &per.id,
            stage: &stg.id,
            segment_name: &seg.name,
            persona_name: &per.name,
            stage_name: &stg.name,
            count: c.count(),
            stale: c.stale(),
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
        }
    }

    fn segment_views(&self) -> Vec<SegmentView<'a>> {
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
                        })
                        .collect(),
                    rows,
                }
            })
            .collect()
    }

    fn coverage_page(&self) -> Result<(String, Content), Diagnostic> {
        let mut ctx = Context::new();
        ctx.insert("summary", &self.summary());
        ctx.insert("segments", &self.segment_views());
        let top: Vec<CellView> = self
            .cov
            .gaps
            .iter()
            .take(5)
            .map(|&i| self.cell_view(&self.cov.cells[i]))
            .collect();
        ctx.insert("top_gaps", &top);
        self.page(
            "coverage.html",
            "coverage/index.html",
            "Coverage",
            "coverage",
            ctx,
        )
    }

    fn gaps_page(&self) -> Result<(String, Content), Diagnostic> {
        let mut ctx = Context::new();
        let gaps: Vec<CellView> = self
            .cov
            .gaps
            .iter()
            .map(|&i| self.cell_view(&self.cov.cells[i]))
            .collect();
        ctx.insert("gaps", &gaps);
        let waived: Vec<CellView> = self
            .cov
            .cells
            .iter()
            .filter(|c| c.status == Status::Waived)
            .map(|c| self.cell_view(c))
            .collect();
        ctx.insert("waived", &waived);
        let decisions: Vec<DecisionView> = (0..self.plan.decisions.len())
            .map(|i| self.decision_view(i))
            .collect();
        ctx.insert("decisions", &decisions);
        ctx.insert("summary", &self.summary());
        self.page("gaps.html", "gaps/index.html", "Gaps", "gaps", ctx)
    }

    fn objections_page(&self) -> Result<(String, Content), Diagnostic> {
        let list: Vec<tera::Value> = self
            .cov
            .objections
            .iter()
            .map(|o| {
                let obj = &self.plan.objections[o.objection];
                let mut map = tera::Map::new();
                map.insert("id".into(), obj.id.as_str().into());
                map.insert("text".into(), obj.text.as_str().into());
                map.insert("heard".into(), tera::Value::from_serializable(&obj.heard));
                map.insert("answered".into(), (!o.assets.is_empty()).into());
                map.insert("assets".into(), self.asset_list(o.assets.iter().copied()));
                tera::Value::from(map)
            })
            .collect();
        let mut ctx = Context::new();
        ctx.insert_value("objections", tera::Value::from(list));
        self.page(
            "objections.html",
            "objections/index.html",
            "Objections",
            "objections",
            ctx,
        )
    }

    /// One page per segment, persona, stage and type (paginated past
    /// [`TERM_PAGE_SIZE`] assets), and an index page per kind. Rendered in parallel.
    fn taxonomy_pages(&self) -> Vec<Result<(String, Content), Diagnostic>> {
        let p = self.plan;
        let assets = &self.lib.assets;
        // (kind, kind title, [(id, name, description, asset ids)])
        type Term<'t> = (String, String, Option<&'t str>, Vec<usize>);
        let mut kinds: Vec<(&str, &str, Vec<Term>)> = Vec::new();
        let members = |get: fn(&Asset) -> Option<&Vec<usize>>, n: usize| {
            let mut lists = vec![Vec::new(); n];
            for (j, a) in assets.iter().enumerate() {
                for &i in get(a).into_iter().flatten() {
                    lists[i].push(j);
                }
            }
            lists
        };
        let seg = members(|a| a.segments.as_ref(), p.segments.len());
        kinds.push((
            "segments",
            "Segments",
            p.segments
                .iter()
                .zip(seg)
                .map(|(s, l)| (s.id.clone(), s.name.clone(), s.description.as_deref(), l))
                .collect(),
        ));
        let per = members(|a| a.personas.as_ref(), p.personas.len());
        kinds.push((
            "personas",
            "Personas",
            p.personas
                .iter()
                .zip(per)
                .map(|(s, l)| (s.id.clone(), s.name.clone(), s.description.as_deref(), l))
                .collect(),
        ));
        let stg = members(|a| a.stages.as_ref(), p.stages.len());
        kinds.push((
            "stages",
            "Stages",
            p.stages
                .iter()
                .zip(stg)
                .map(|(s, l)| (s.id.clone(), s.name.clone(), s.description.as_deref(), l))
                .collect(),
        ));
        let mut types: BTreeMap<String, (String, Vec<usize>)> = BTreeMap::new();
        for (i, a) in assets.iter().enumerate() {
            if let Some(k) = &a.kind {
                types
                    .entry(slugify(k))
                    .or_insert_with(|| (k.clone(), Vec::new()))
                    .1
                    .push(i);
            }
        }
        kinds.push((
            "types",
            "Types",
            types
                .into_iter()
                .map(|(slug, (name, l))| (slug, name, None, l))
                .collect(),
        ));
        // Tags, audiences and owners: the library's free-word facets, so every facet
        // value on the library page links to a page that works without JavaScript.
        for f in crate::search::facets(self.lib) {
            let title = match f.kind {
                "tags" => "Tags",
                "audiences" => "Audiences",
                "owners" => "Owners",
                _ => continue,
            };
            // Values whose slugs collide share a page.
            let mut terms: BTreeMap<String, (String, Vec<usize>)> = BTreeMap::new();
            for (v, ids) in f.values.iter().zip(f.assets_by_value()) {
                let t = terms
                    .entry(v.slug.clone())
                    .or_insert_with(|| (v.name.clone(), Vec::new()));
                t.1.extend(ids);
            }
            kinds.push((
                f.kind,
                title,
                terms
                    .into_iter()
                    .map(|(slug, (name, mut l))| {
                        l.sort_unstable();
                        l.dedup();
                        (slug, name, None, l)
                    })
                    .collect(),
            ));
        }

        // Every page to render: (template, path, title, section, context).
        let mut specs: Vec<(&str, String, String, &str, Context)> = Vec::new();
        for (kind, kind_title, terms) in &kinds {
            let mut index = Vec::new();
            for (id, name, description, ids) in terms {
                index.push(serde_json::json!({ "id": id, "name": name, "path": term_path(kind, id), "count": ids.len() }));
                let pages = ids.len().div_ceil(TERM_PAGE_SIZE).max(1);
                for n in 1..=pages {
                    let chunk = &ids[((n - 1) * TERM_PAGE_SIZE).min(ids.len())
                        ..(n * TERM_PAGE_SIZE).min(ids.len())];
                    let path = if n == 1 {
                        format!("{kind}/{id}/index.html")
                    } else {
                        format!("{kind}/{id}/page/{n}/index.html")
                    };
                    let mut ctx = Context::new();
                    ctx.insert("term", &serde_json::json!({ "kind": kind, "kind_title": kind_title, "id": id, "name": name, "description": description, "count": ids.len() }));
                    ctx.insert_value("assets", self.asset_list(chunk.iter().copied()));
                    ctx.insert("pager", &pager(&format!("{kind}/{id}/"), n, pages));
                    specs.push(("term.html", path, name.clone(), kind, ctx));
                }
            }
            let mut ctx = Context::new();
            ctx.insert("terms", &index);
            ctx.insert("kind", kind);
            specs.push((
                "terms.html",
                format!("{kind}/index.html"),
                kind_title.to_string(),
                kind,
                ctx,
            ));
        }
        specs
            .into_par_iter()
            .map(|(template, path, title, section, ctx)| {
                self.page(template, &path, &title, section, ctx)
            })
            .collect()
    }
}

fn asset_view<'a>(plan: &'a Plan, a: &'a Asset) -> AssetView<'a> {
    let names = |ids: &Option<Vec<usize>>,
                 kind: &str,
                 f: &dyn Fn(usize) -> (&'a str, &'a str)|
     -> Vec<Named<'a>> {
        ids.iter()
            .flatten()
            .map(|&i| f(i))
            .map(|(id, name)| Named {
                id,
                name,
                path: term_path(kind, id),
            })
            .collect()
    };
    AssetView {
        slug: &a.slug,
        path: format!("library/{}/", a.slug),
        title: &a.title,
        kind: a.kind.as_deref(),
        type_path: a.kind.as_deref().map(|k| term_path("types", &slugify(k))),
        summary: a.summary.as_deref(),
        audience: a.audience.map(|x| x.as_str()),
        owner: a.owner.as_deref(),
        updated: a.updated.map(|d| d.to_string()),
        review_by: a.review_by.map(|d| d.to_string()),
        stale: a.stale,
        draft: a.draft,
        counted: a.is_tagged() && !a.draft && (!a.stale || plan.count_stale),
        url: a.url.as_deref(),
        tags: &a.tags,
        personas: names(&a.personas, "personas", &|i| {
            (&plan.personas[i].id, &plan.personas[i].name)
        }),
        stages: names(&a.stages, "stages", &|i| {
            (&plan.stages[i].id, &plan.stages[i].name)
        }),
        segments: names(&a.segments, "segments", &|i| {
            (&plan.segments[i].id, &plan.segments[i].name)
        }),
        objections: names(&Some(a.objections.clone()), "objections", &|i| {
            (&plan.objections[i].id, &plan.objections[i].text)
        }),
        source: a.source.to_string_lossy().replace('\\', "/"),
        extra: &a.extra,
    }
}

/// The symbol and words that mark a cell's status without relying on colour; the
/// site and the terminal heatmap share them.
pub fn cell_marker(c: &Cell) -> (&'static str, &'static str) {
    match c.status {
        Status::Covered => ("✓", "covered"),
        Status::Thin => ("◐", "thin"),
        Status::Gap if c.stale_only() => ("↻", "gap: only stale assets"),
        Status::Gap => ("✕", "gap"),
        Status::Waived => ("–", "light coverage by decision"),
    }
}

/// JSON safe to embed in a `<script type="application/json">` element.
fn json_for_script<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value)
        .unwrap_or_else(|_| "null".into())
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// A share as a whole percentage; "—" where undefined.
pub fn pct(v: Option<f64>) -> String {
    v.map_or_else(|| "—".to_string(), |v| format!("{:.0}%", v * 100.0))
}

/// Money, short: `$4.2M`, `$65.6k`, `EUR 950`.
pub fn money(v: f64, currency: &str) -> String {
    let symbol = match currency {
        "USD" => "$",
        "EUR" => "€",
        "GBP" => "£",
        "JPY" => "¥",
        _ => "",
    };
    let prefix = if symbol.is_empty() {
        format!("{currency} ")
    } else {
        symbol.to_string()
    };
    let a = v.abs();
    let body = if a >= 1e9 {
        format!("{:.1}B", v / 1e9)
    } else if a >= 1e6 {
        format!("{:.1}M", v / 1e6)
    } else if a >= 1e3 {
        format!("{:.1}k", v / 1e3)
    } else {
        format!("{v:.0}")
    };
    format!(
        "{prefix}{}",
        body.replace(".0M", "M")
            .replace(".0k", "k")
            .replace(".0B", "B")
    )
}

#[derive(Serialize)]
struct JsonCell<'a> {
    segment: &'a str,
    persona: &'a str,
    stage: &'a str,
    count: usize,
    stale: usize,
    target: u32,
    fill: Option<f64>,
    status: &'static str,
    weight: f64,
    pipeline_at_stake: f64,
    assets: Vec<&'a str>,
    stale_assets: Vec<&'a str>,
    decision: Option<serde_json::Value>,
}

/// `coverage.json`: the model of SPEC §2 for machines.
pub fn coverage_json(lib: &Library, cov: &Coverage) -> Vec<u8> {
    let p = &lib.plan;
    let slug = |i: &usize| lib.assets[*i].slug.as_str();
    let cells: Vec<JsonCell> = cov
        .cells
        .iter()
        .map(|c| JsonCell {
            segment: &p.segments[c.segment].id,
            persona: &p.personas[c.persona].id,
            stage: &p.stages[c.stage].id,
            count: c.count(),
            stale: c.stale(),
            target: c.target,
            fill: c.fill.map(round6),
            status: c.status.as_str(),
            weight: c.weight,
            pipeline_at_stake: round2(c.pipeline_at_stake),
            assets: c.assets.iter().map(slug).collect(),
            stale_assets: c.stale_assets.iter().map(slug).collect(),
            decision: c.decision.map(|d| {
                let d = &p.decisions[d];
                serde_json::json!({ "target": d.target, "why": d.why, "owner": d.owner, "review_by": d.review_by })
            }),
        })
        .collect();
    let mut summary = serde_json::to_value(&cov.summary).unwrap_or_default();
    for key in ["coverage", "pipeline_weighted_coverage"] {
        if let Some(v) = summary.get_mut(key)
            && let Some(f) = v.as_f64()
        {
            *v = serde_json::json!(round6(f));
        }
    }
    summary["pipeline_at_stake"] = serde_json::json!(round2(cov.summary.pipeline_at_stake));
    let doc = serde_json::json!({
        "plan": { "title": p.title, "currency": p.currency, "as_of": p.as_of.to_string(), "revenue_goal": p.revenue_goal, "target": p.target },
        "summary": summary,
        "segments": cov.segments.iter().map(|s| {
            let seg = &p.segments[s.segment];
            serde_json::json!({
                "id": seg.id, "name": seg.name, "pipeline": seg.pipeline,
                "coverage": s.coverage.map(round6),
                "buying_group_coverage": s.buying_group_coverage.map(round6),
                "pipeline_at_stake": round2(s.pipeline_at_stake),
                "personas": s.personas.iter().map(|pc| serde_json::json!({ "id": p.personas[pc.persona].id, "coverage": pc.coverage.map(round6) })).collect::<Vec<_>>(),
            })
        }).collect::<Vec<_>>(),
        "cells": cells,
        "gaps": cov.gaps.iter().map(|&i| {
            let c = &cov.cells[i];
            format!("{}|{}|{}", p.segments[c.segment].id, p.personas[c.persona].id, p.stages[c.stage].id)
        }).collect::<Vec<_>>(),
        "objections": cov.objections.iter().map(|o| {
            let obj = &p.objections[o.objection];
            serde_json::json!({ "id": obj.id, "text": obj.text, "heard": obj.heard, "assets": o.assets.iter().map(slug).collect::<Vec<_>>() })
        }).collect::<Vec<_>>(),
    });
    let mut out = serde_json::to_vec_pretty(&doc).unwrap_or_default();
    out.push(b'\n');
    out
}

fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// `coverage.csv`: one row per cell, for spreadsheets.
pub fn coverage_csv(lib: &Library, cov: &Coverage) -> Vec<u8> {
    let p = &lib.plan;
    let mut out =
        String::from("segment,persona,stage,count,target,fill,status,pipeline_at_stake\n");
    for c in &cov.cells {
        let fill = c.fill.map_or(String::new(), |f| format!("{}", round6(f)));
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{},{:.2}",
            csv_field(&p.segments[c.segment].id),
            csv_field(&p.personas[c.persona].id),
            csv_field(&p.stages[c.stage].id),
            c.count(),
            c.target,
            fill,
            c.status.as_str(),
            c.pipeline_at_stake
        );
    }
    out.into_bytes()
}

/// Quotes a CSV field when needed and neutralises spreadsheet formulas.
pub fn csv_field(s: &str) -> String {
    let mut s = s.to_string();
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        s.insert(0, '\'');
    }
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
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
    fn csv_fields_are_quoted_and_formulas_neutralised() {
        assert_eq!(csv_field("mid-market"), "mid-market");
        assert_eq!(csv_field("=cmd()"), "'=cmd()");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }

    #[test]
    fn script_json_cannot_close_the_script() {
        assert_eq!(json_for_script(&"</script>"), "\"\\u003c/script\\u003e\"");
    }
}
