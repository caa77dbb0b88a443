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
    use std::path::Path;
    use std::sync::Arc;

    use crate::asset::{Asset, ReadOptions, read};
    use crate::plan::Sort;

    fn asset(name: &str, title: &str, updated: Option<&str>) -> Arc<Asset> {
        let updated = updated.map_or(String::new(), |d| format!("updated: {d}\n"));
        let text = format!("---\ntitle: {title}\n{updated}---\n");
        let rel = format!("{name}.md");
        let plan = "[site]\ntitle='T'\n[plan]\ntitle='P'\n[[stages]]\nid='a'\n[[personas]]\nid='p'\n[[segments]]\nid='s'\npipeline=1\n";
        let plan = crate::plan::parse(plan, None).valid().unwrap();
        let (a, diags) = read(
            Path::new(&rel),
            Path::new(&rel),
            &text,
            Some(&plan),
            ReadOptions::default(),
        );
        Arc::new(a.unwrap_or_else(|| panic!("{diags:?}")))
    }

    fn order(sort: Sort) -> Vec<String> {
        let mut assets = vec![
            asset("a", "zebra", Some("2026-01-01")),
            asset("b", "Apple", None),
            asset("c", "mango", Some("2026-03-01")),
            asset("d", "banana", Some("2026-01-01")),
        ];
        super::apply(&mut assets, sort);
        assets.iter().map(|a| a.slug.clone()).collect()
    }

    #[test]
    fn path_title_and_updated_orders() {
        assert_eq!(order(Sort::Path), ["a", "b", "c", "d"]);
        assert_eq!(order(Sort::Title), ["b", "d", "c", "a"]);
        // Newest first, a tie by title (banana before zebra), undated last.
        assert_eq!(order(Sort::Updated), ["c", "d", "a", "b"]);
    }
}
