//! The owners page (`owners/`): each owner's assets grouped overdue / due soon / fresh,
//! with a freshness figure per owner and overall: the share of counted assets (tagged,
//! not a draft, not superseded) reviewed on time, that is, not overdue. Overdue and
//! due-soon assets are listed (they are the work to do); fresh ones are counted and
//! linked through the owner's own page, so the page stays small at any library size.

use serde::Serialize;

use crate::format::pct;
use crate::freshness::{OwnerFreshness, by_owner};
use crate::render::lists::Taxonomy;
use crate::render::renderer::Plain;
use crate::render::views::term_path;

#[derive(Serialize)]
pub(crate) struct OwnersContext {
    owners: Vec<OwnerView>,
    overall: Figure,
    due_soon_window: String,
}

#[derive(Serialize)]
struct OwnerView {
    /// "No owner" for the assets without one.
    name: String,
    /// The owner's own page (`owners/<slug>/`), when the owner has one.
    path: Option<String>,
    figure: Figure,
    overdue: Vec<Item>,
    due_soon: Vec<Item>,
    fresh: usize,
    undated: usize,
}

#[derive(Serialize)]
struct Figure {
    /// "83%", or "—" with nothing counted.
    on_time: String,
    on_time_n: usize,
    countable: usize,
    overdue: usize,
    due_soon: usize,
}

#[derive(Serialize)]
struct Item {
    title: String,
    path: String,
    due: Option<String>,
}

fn figure(f: &OwnerFreshness) -> Figure {
    Figure {
        on_time: pct(f.on_time_share()),
        on_time_n: f.on_time,
        countable: f.countable,
        overdue: f.overdue.len(),
        due_soon: f.due_soon.len(),
    }
}

/// The owners page of the library's assets; `owners` is the owners taxonomy, whose
/// pages the owners link to.
pub(crate) fn page(
    lib: &crate::library::Library,
    owners: Option<&Taxonomy>,
) -> Plain<'static, OwnersContext> {
    let (list, all) = by_owner(&lib.assets);
    let items = |ids: &[usize]| -> Vec<Item> {
        ids.iter()
            .map(|&i| {
                let a = &lib.assets[i];
                Item {
                    title: a.title.clone(),
                    path: format!("library/{}/", a.slug),
                    due: a.freshness.due.map(|d| d.to_string()),
                }
            })
            .collect()
    };
    let path_of = |name: &str| {
        owners.and_then(|tax| {
            tax.terms
                .iter()
                .find(|t| t.name == name)
                .map(|t| term_path(tax.kind, &t.id))
        })
    };
    let owners = list
        .iter()
        .map(|(name, f)| OwnerView {
            name: name.clone().unwrap_or_else(|| "No owner".to_string()),
            path: name.as_deref().and_then(path_of),
            figure: figure(f),
            overdue: items(&f.overdue),
            due_soon: items(&f.due_soon),
            fresh: f.fresh.len(),
            undated: f.undated.len(),
        })
        .collect();
    Plain {
        template: "owners.html",
        title: "Owners",
        section: "owners",
        context: OwnersContext {
            owners,
            overall: figure(&all),
            due_soon_window: lib.plan.freshness.due_soon.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use crate::render::testing::*;

    fn page(f: &Fixture) -> (u64, String) {
        let r = f.renderer();
        let owners = r.lists.taxonomies.iter().find(|t| t.kind == "owners");
        show(&r, "owners/index.html", super::page(r.lib, owners))
    }

    #[test]
    fn shows_each_owner_and_the_overall_figure() {
        let (_, html) = page(&Fixture::new());
        assert!(html.contains("reviewed on time"), "{html}");
        assert!(html.contains("<h2"), "{html}");
    }
}
