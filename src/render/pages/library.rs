//! The library pages (`index.html`, `page/<n>/`): every asset, a page of them at a time,
//! with the facets, the headline figures and the heatmap's cells, which every library
//! page shares.

use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};

use tera::{Context, Value};

use crate::diagnostics::Diagnostic;
use crate::render::fingerprint::{fingerprint, json};
use crate::render::pager::{LIBRARY_PAGE_SIZE, Pager};
use crate::render::renderer::{Page, Renderer};
use crate::render::rows::{AssetList, ROWS_MARK};
use crate::render::templates::{Templates, root_of};
use crate::render::views::json_for_script;

/// What `search_version` is while a library page is rendered: the page is kept with it
/// and given the search index's version as it is handed over, so a body edit (which
/// changes the version) does not render every library page again.
const VERSION_MARK: &str = "\u{0}covermap-search-version\u{0}";

/// What every library page shows besides its assets, made once per render. Its hash
/// is the hash of all three, made with them.
pub(crate) struct LibraryShared {
    facets: Value,
    /// How `library.js` reads the search files ([`crate::search::Mode::name`]).
    search: &'static str,
    summary: Value,
    cells_json: String,
    hash: u64,
    /// The assets listed, when not all (see [`listed`]).
    listed: Option<Vec<usize>>,
}

impl Hash for LibraryShared {
    fn hash<H: Hasher>(&self, h: &mut H) {
        self.hash.hash(h);
    }
}

impl LibraryShared {
    pub fn new(r: &Renderer) -> Self {
        let facets = r.views.facets(&r.lists.facets);
        let summary = r.views.summary();
        let cells_json = cells_json(r);
        let hash = if r.incremental {
            fingerprint(|h| {
                json(&facets, h);
                json(&summary, h);
                cells_json.hash(h);
            })
        } else {
            0
        };
        LibraryShared {
            facets: Value::from_serializable(&facets),
            search: crate::search::Mode::of(r.lib.offline).name(),
            summary: Value::from_serializable(&summary),
            cells_json,
            hash,
            listed: listed(r.lib),
        }
    }
}

/// Each cell's name and target, so a link from the heatmap can say which cell it
/// shows (kept for themes; the default one reads them from the search data's `meta`).
fn cells_json(r: &Renderer) -> String {
    let plan = &r.lib.plan;
    let cells: BTreeMap<String, serde_json::Value> = r
        .cov
        .cells
        .iter()
        .map(|c| {
            let (seg, per, stg) = (
                &plan.segments[c.segment],
                &plan.personas[c.persona],
                &plan.stages[c.stage],
            );
            (
                format!("{}|{}|{}", seg.id, per.id, stg.id),
                serde_json::json!({ "label": format!("{} · {} · {}", seg.name, per.name, stg.name), "count": c.count(), "target": c.target, "status": c.status.as_str() }),
            )
        })
        .collect();
    json_for_script(&cells)
}

/// The assets the library pages list, in library order, when not all of them: under
/// `[site] stale = "hide"`, all but the stale ones (their own pages stay). `None`
/// lists every asset.
fn listed(lib: &crate::library::Library) -> Option<Vec<usize>> {
    (lib.plan.freshness.stale == crate::plan::fresh::StaleMode::Hide).then(|| {
        (0..lib.assets.len())
            .filter(|&i| !lib.assets[i].stale)
            .collect()
    })
}

/// How many assets the library pages list (see [`listed`]).
pub(crate) fn listed_count(lib: &crate::library::Library) -> usize {
    match lib.plan.freshness.stale {
        crate::plan::fresh::StaleMode::Show => lib.assets.len(),
        crate::plan::fresh::StaleMode::Hide => lib.assets.iter().filter(|a| !a.stale).count(),
    }
}

/// What one library page shows.
#[derive(Hash)]
pub(crate) struct LibraryPage<'a> {
    title: &'a str,
    shared: &'a LibraryShared,
    /// The number of the page's first asset in the library, from 1.
    first: usize,
    assets: AssetList<'a>,
    pager: Pager,
    version: Version<'a>,
}

/// The search index's version, put in as the page is handed over ([`Page::fill`]).
struct Version<'a>(&'a str);

impl Hash for Version<'_> {
    fn hash<H: Hasher>(&self, _: &mut H) {}
}

impl<'a> LibraryPage<'a> {
    /// Page `page` of `pages`, for the search index at `version`.
    pub fn new(
        r: &'a Renderer,
        shared: &'a LibraryShared,
        page: usize,
        pages: usize,
        version: &'a str,
    ) -> Self {
        let n = shared.listed.as_ref().map_or(r.lib.assets.len(), Vec::len);
        let range = ((page - 1) * LIBRARY_PAGE_SIZE).min(n)..(page * LIBRARY_PAGE_SIZE).min(n);
        let shown = match &shared.listed {
            Some(listed) => listed[range.clone()].to_vec(),
            None => range.clone().collect(),
        };
        LibraryPage {
            title: &r.lib.plan.site.title,
            shared,
            first: range.start + 1,
            assets: AssetList::new(&r.prepared, shown),
            pager: Pager {
                base: String::new(),
                current: page,
                total: pages,
            },
            version: Version(version),
        }
    }
}

impl Page for LibraryPage<'_> {
    fn make(self, t: &Templates, path: &str) -> Result<Vec<u8>, Diagnostic> {
        let LibraryPage {
            title,
            shared,
            first,
            assets,
            pager,
            version: _,
        } = self;
        let mut ctx = Context::new();
        ctx.insert_value("facets", shared.facets.clone());
        ctx.insert_value("summary", shared.summary.clone());
        ctx.insert_value("search_version", Value::safe_string(VERSION_MARK));
        ctx.insert("search_mode", shared.search);
        ctx.insert("cells_json", &shared.cells_json);
        ctx.insert("first", &first);
        ctx.insert_value("assets", assets.views());
        ctx.insert_value("asset_rows", Value::safe_string(ROWS_MARK));
        ctx.insert("pager", &pager.json());
        let html = t.page("library.html", path, title, "library", ctx)?;
        assets.splice(t, html, &root_of(path))
    }

    fn fill(&self) -> Option<(&'static str, &str)> {
        Some((VERSION_MARK, self.version.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::testing::*;

    fn page(f: &Fixture, version: &str) -> (u64, String) {
        let r = f.renderer();
        let shared = LibraryShared::new(&r);
        show(
            &r,
            "index.html",
            LibraryPage::new(&r, &shared, 1, 1, version),
        )
    }

    #[test]
    fn shows_every_asset_and_the_search_version() {
        let (_, html) = page(&Fixture::new(), "v123");
        for title in [FIRST_TITLE, OVERVIEW_TITLE, INCUMBENT_TITLE] {
            assert!(html.contains(title), "{title}");
        }
        assert!(html.contains("v123"));
        assert!(!html.contains('\0'), "every mark is replaced");
    }

    #[test]
    fn fingerprint_follows_the_assets_and_figures_not_bodies_or_the_version() {
        let mut f = Fixture::new();
        let (fp, _) = page(&f, "v1");
        assert_eq!(page(&f, "v2").0, fp, "the version is filled in, not hashed");
        f.edit(INCUMBENT, "Landmines", "Traps");
        assert_eq!(page(&f, "v1").0, fp, "a body the page does not show");
        f.edit(OVERVIEW, OVERVIEW_TITLE, "Overview, renamed");
        let (title, _) = page(&f, "v1");
        assert_ne!(title, fp, "an asset's title");
        f.edit(
            INCUMBENT,
            r#"stages = ["evaluation"]"#,
            r#"stages = ["decision"]"#,
        );
        assert_ne!(page(&f, "v1").0, title, "the figures and facets");
    }
}
