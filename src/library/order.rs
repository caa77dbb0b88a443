//! The order of the library's assets, which every list follows (the library index, the
//! taxonomy and objection pages, ties among related assets and search results):
//! `[site] sort` (issue 14 item 7). The assets come in sorted by slug, the order of a
//! plan that leaves `sort` out.

use std::cmp::Ordering;
use std::sync::Arc;

use crate::asset::Asset;
use crate::plan::Sort;

/// Sorts `assets` (already in slug order) as `sort` says; the sort is stable, so the
/// slug breaks every remaining tie and the order is the same on every build.
pub(super) fn apply(assets: &mut [Arc<Asset>], sort: Sort) {
    match sort {
        Sort::Path => {}
        Sort::Title => assets.sort_by_cached_key(|a| title_key(&a.title)),
        Sort::Updated => assets.sort_by(|a, b| {
            // Newest first; an undated asset after every dated one.
            match (a.updated, b.updated) {
                (Some(x), Some(y)) => y.cmp(&x),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            }
            .then_with(|| title_key(&a.title).cmp(&title_key(&b.title)))
        }),
    }
}

/// A title as it sorts: lowercased, so `apple` and `Banana` come in alphabet order.
fn title_key(title: &str) -> String {
    title.trim().to_lowercase()
}

#[cfg(test)]
mod tests {
    use crate::library::in_memory;

    const PLAN: &str = "[site]\ntitle = \"S\"\nSORT\n[plan]\ntitle = \"P\"\n\n[[stages]]\nid = \"a\"\n[[personas]]\nid = \"p\"\n[[segments]]\nid = \"s\"\npipeline = 1\n";

    fn order(sort: &str) -> Vec<String> {
        let plan = PLAN.replace("SORT", sort);
        let lib = in_memory(&[
            ("plan.toml", &plan),
            (
                "content/a.md",
                "---\ntitle: zebra\nupdated: 2026-01-01\n---\n",
            ),
            ("content/b.md", "---\ntitle: Apple\n---\n"),
            (
                "content/c.md",
                "---\ntitle: mango\nupdated: 2026-03-01\n---\n",
            ),
            (
                "content/d.md",
                "---\ntitle: banana\nupdated: 2026-01-01\n---\n",
            ),
        ]);
        lib.assets.iter().map(|a| a.slug.clone()).collect()
    }

    #[test]
    fn path_title_and_updated_orders() {
        assert_eq!(order(""), ["a", "b", "c", "d"]);
        assert_eq!(order("sort = \"path\""), ["a", "b", "c", "d"]);
        assert_eq!(order("sort = \"title\""), ["b", "d", "c", "a"]);
        // Newest first, a tie by title (banana before zebra), undated last.
        assert_eq!(order("sort = \"updated\""), ["c", "d", "a", "b"]);
    }
}
