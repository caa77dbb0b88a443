//! The page of a cell no asset counts toward (`coverage/<segment>/<persona>/<stage>/`),
//! where the library's view of the cell would be empty (issue 15, no dead ends): mostly
//! gaps, and cells made light by a decision that have no asset. The cell's context (target, pipeline at stake, decision), "Request this asset"
//! when the plan sets `[site] request_url`, its stale assets and drafts in progress, and
//! what to use meanwhile: the best counted assets for the same persona at the
//! neighbouring stages of the segment, and at the same stage in other segments. Made at
//! build time, so it needs neither JavaScript nor the search data.

use std::hash::{Hash, Hasher};

use rustc_hash::FxHashSet;
use serde::Serialize;
use tera::{Context, Value};

use crate::coverage::Cell;
use crate::diagnostics::Diagnostic;
use crate::render::renderer::{Page, Renderer};
use crate::render::rows::AssetList;
use crate::render::templates::{Templates, root_of};
use crate::render::views::CellView;

/// Assets shown per neighbouring stage; the other segments together show twice as many.
pub const MEANWHILE: usize = 3;

/// One list on the page: its heading, what it is for and its assets.
struct Group<'a> {
    title: String,
    kind: &'static str,
    count: usize,
    assets: AssetList<'a>,
}

/// What a cell's page shows.
pub(crate) struct CellPage<'a> {
    title: String,
    cell: CellView<'a>,
    description: Option<&'a str>,
    groups: Vec<Group<'a>>,
}

impl Hash for CellPage<'_> {
    fn hash<H: Hasher>(&self, h: &mut H) {
        self.title.hash(h);
        crate::render::fingerprint::json(&self.cell, h);
        self.description.hash(h);
        for g in &self.groups {
            (&g.title, g.kind).hash(h);
            g.assets.hash(h);
        }
    }
}

/// The best `n` of `ids`, left out those in `seen`: fresh before stale, most recently
/// updated first, then by slug (library order).
fn best(r: &Renderer, ids: Vec<usize>, seen: &mut FxHashSet<usize>, n: usize) -> Vec<usize> {
    let assets = &r.lib.assets;
    let mut ids: Vec<usize> = ids.into_iter().filter(|i| !seen.contains(i)).collect();
    ids.sort_unstable();
    ids.dedup();
    ids.sort_by_key(|&i| (assets[i].stale, std::cmp::Reverse(assets[i].updated), i));
    ids.truncate(n);
    seen.extend(ids.iter().copied());
    ids
}

impl<'a> CellPage<'a> {
    pub fn new(r: &'a Renderer, c: &'a Cell) -> Self {
        let plan = &r.lib.plan;
        let (seg, per, stg) = (
            &plan.segments[c.segment],
            &plan.personas[c.persona],
            &plan.stages[c.stage],
        );
        let list = |ids: Vec<usize>| AssetList::new(&r.prepared, ids);
        let mut groups = Vec::new();
        if let Some(d) = r.views.drafts.get(&(c.segment, c.persona, c.stage)) {
            groups.push(Group {
                title: "In progress: drafts for this cell".into(),
                kind: "drafts",
                count: d.len(),
                assets: list(d.clone()),
            });
        }
        if !c.stale_assets.is_empty() {
            groups.push(Group {
                title: "Stale: review before sending".into(),
                kind: "stale",
                count: c.stale_assets.len(),
                assets: list(c.stale_assets.clone()),
            });
        }
        let mut seen: FxHashSet<usize> = c.stale_assets.iter().copied().collect();
        let at = seg.stages.iter().position(|&t| t == c.stage);
        let neighbours = at
            .into_iter()
            .flat_map(|k| [k.checked_sub(1), Some(k + 1)])
            .flatten()
            .filter_map(|k| seg.stages.get(k).map(|&t| (k < at.unwrap_or(0), t)));
        for (before, t) in neighbours {
            let ids = r
                .cov
                .cell(c.segment, c.persona, t)
                .map(|n| n.assets.clone())
                .unwrap_or_default();
            let ids = best(r, ids, &mut seen, MEANWHILE);
            if !ids.is_empty() {
                groups.push(Group {
                    title: format!(
                        "{} at {} (the stage {})",
                        per.name,
                        plan.stages[t].name,
                        if before { "before" } else { "after" }
                    ),
                    kind: "meanwhile",
                    count: ids.len(),
                    assets: list(ids),
                });
            }
        }
        let others: Vec<usize> = (0..plan.segments.len())
            .filter(|&s| s != c.segment)
            .filter_map(|s| r.cov.cell(s, c.persona, c.stage))
            .flat_map(|n| n.assets.iter().copied())
            .collect();
        let others = best(r, others, &mut seen, 2 * MEANWHILE);
        if !others.is_empty() {
            groups.push(Group {
                title: format!("{} at {} in other segments", per.name, stg.name),
                kind: "meanwhile",
                count: others.len(),
                assets: list(others),
            });
        }
        CellPage {
            title: format!("{} · {} · {}", seg.name, per.name, stg.name),
            cell: r.views.cell_view(c),
            description: seg.description.as_deref(),
            groups,
        }
    }
}

#[derive(Serialize)]
struct GroupView {
    title: String,
    kind: &'static str,
    count: usize,
    rows: String,
}

impl Page for CellPage<'_> {
    fn make(self, t: &Templates, path: &str) -> Result<Vec<u8>, Diagnostic> {
        let root = root_of(path);
        let mut groups = Vec::with_capacity(self.groups.len());
        for g in &self.groups {
            groups.push(GroupView {
                title: g.title.clone(),
                kind: g.kind,
                count: g.count,
                rows: g.assets.rows(t, &root)?,
            });
        }
        let mut ctx = Context::new();
        ctx.insert("cell", &self.cell);
        ctx.insert("segment_description", &self.description);
        ctx.insert_value("groups", Value::from_serializable(&groups));
        ctx.insert(
            "meanwhile",
            &groups.iter().filter(|g| g.kind == "meanwhile").count(),
        );
        t.page("cell.html", path, &self.title, "coverage", ctx)
    }
}

#[cfg(test)]
mod tests {
    use crate::render::testing::*;

    /// The page of the cell SMB · champion · evaluation, left empty by an edit.
    fn empty_cell(f: &mut Fixture) -> String {
        f.edit(FIRST, "segments: all", "segments: [mid-market]");
        f.edit(
            INCUMBENT,
            r#"stages = ["evaluation"]"#,
            r#"stages = ["decision"]"#,
        );
        let r = f.renderer();
        let plan = &r.lib.plan;
        let at = |ids: &[String], id: &str| ids.iter().position(|x| x == id).unwrap();
        let segs: Vec<String> = plan.segments.iter().map(|s| s.id.clone()).collect();
        let pers: Vec<String> = plan.personas.iter().map(|s| s.id.clone()).collect();
        let stgs: Vec<String> = plan.stages.iter().map(|s| s.id.clone()).collect();
        let c = r
            .cov
            .cell(
                at(&segs, "smb"),
                at(&pers, "champion"),
                at(&stgs, "evaluation"),
            )
            .unwrap();
        assert_eq!(
            c.count(),
            0,
            "the edit empties the cell: {:?}",
            c.assets
                .iter()
                .map(|&i| &r.lib.assets[i].slug)
                .collect::<Vec<_>>()
        );
        show(
            &r,
            "coverage/smb/champion/evaluation/index.html",
            super::CellPage::new(&r, c),
        )
        .1
    }

    #[test]
    fn an_empty_cell_shows_its_context_and_what_to_use_meanwhile() {
        let mut f = Fixture::new();
        let html = empty_cell(&mut f);
        assert!(html.contains("Pipeline at stake"), "{html}");
        assert!(html.contains("Use meanwhile"), "{html}");
        assert!(html.contains("in other segments"), "{html}");
        assert!(
            html.contains("Champion at Decision (the stage after)"),
            "{html}"
        );
        assert!(html.contains(INCUMBENT_TITLE), "{html}");
        // The first customer story still serves the champion in mid-market.
        assert!(html.contains(FIRST_TITLE), "{html}");
        assert!(
            html.contains("../../../../index.html?segment=smb&amp;persona=champion&amp;stage=evaluation&amp;counted=1"),
            "a link to the cell in the library: {html}"
        );
        assert!(
            !html.contains("Request this asset"),
            "no request_url, no link"
        );
    }

    #[test]
    fn request_url_adds_the_link_url_encoded() {
        let mut f = Fixture::new();
        f.edit(
            "plan.toml",
            "[site]\n",
            "[site]\nrequest_url = \"https://git.test/content/issues/new?title=Need+{segment}+{persona}+{stage}\"\n",
        );
        let html = empty_cell(&mut f);
        assert!(
            html.contains(
                "href=\"https://git.test/content/issues/new?title=Need+smb+champion+evaluation\""
            ),
            "{html}"
        );
    }
}
