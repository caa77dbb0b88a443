//! Lists cut into pages: how many assets a page holds, the path of each page
//! (`base`, then `base` + `page/<n>/`), and the pager that links them.

/// Assets per taxonomy page before it is split into `page/N/` pages.
pub const TERM_PAGE_SIZE: usize = 500;

/// Assets per page of the library as served without JavaScript.
pub const LIBRARY_PAGE_SIZE: usize = 100;

/// Pages either side of the current one that a pager links to by number.
const PAGER_WINDOW: usize = 2;

/// Links between the pages of a paginated list whose first page is `base` (a path
/// from the site root ending in `/`): paths from the site root, for `{{ root }}`.
/// `pages` numbers the first and last pages and those within [`PAGER_WINDOW`] of the
/// current one, with a `gap` entry for each run left out, so a page links to at most
/// nine others however long the list (all of them on every page would make the
/// library's thousand pages a million links).
pub(super) fn pager(base: &str, current: usize, total: usize) -> serde_json::Value {
    let path = |n: usize| page_path(base, n);
    let mut pages = Vec::new();
    let mut last = 0;
    for n in pager_numbers(current, total) {
        if n > last + 1 {
            pages.push(serde_json::json!({ "gap": true }));
        }
        pages.push(serde_json::json!({ "number": n, "path": path(n), "current": n == current, "gap": false }));
        last = n;
    }
    serde_json::json!({
        "current": current,
        "total": total,
        "prev": (current > 1).then(|| path(current - 1)),
        "next": (current < total).then(|| path(current + 1)),
        "pages": pages,
    })
}

/// A pager as a page shows it: see [`pager`].
#[derive(Hash)]
pub(super) struct Pager {
    /// The list's first page, from the site root.
    pub base: String,
    pub current: usize,
    pub total: usize,
}

impl Pager {
    pub fn json(&self) -> serde_json::Value {
        pager(&self.base, self.current, self.total)
    }
}

/// Page `n` (from 1) of a paginated list whose first page is `base` (a folder path
/// ending in `/`, or `""` for the site root): `base` itself, then `base` + `page/<n>/`.
pub(super) fn page_path(base: &str, n: usize) -> String {
    if n == 1 {
        base.to_string()
    } else {
        format!("{base}page/{n}/")
    }
}

/// The items on page `page` (from 1) of `list` cut into pages of `size`.
pub(super) fn page_of<T>(list: &[T], page: usize, size: usize) -> &[T] {
    let at = |n: usize| (n * size).min(list.len());
    &list[at(page - 1)..at(page)]
}

/// The page numbers a pager shows, in order.
fn pager_numbers(current: usize, total: usize) -> Vec<usize> {
    let low = current.saturating_sub(PAGER_WINDOW).max(1);
    let high = (current + PAGER_WINDOW).min(total);
    let mut numbers = vec![1];
    numbers.extend((low..=high).filter(|&n| n > 1 && n < total));
    if total > 1 {
        numbers.push(total);
    }
    numbers
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pagers_link_the_ends_and_the_pages_near_the_current_one() {
        assert_eq!(pager_numbers(1, 1), [1]);
        assert_eq!(pager_numbers(1, 2), [1, 2]);
        assert_eq!(pager_numbers(1, 5), [1, 2, 3, 5]);
        assert_eq!(pager_numbers(4, 7), [1, 2, 3, 4, 5, 6, 7]);
        assert_eq!(pager_numbers(500, 981), [1, 498, 499, 500, 501, 502, 981]);
        assert_eq!(pager_numbers(981, 981), [1, 979, 980, 981]);
        // Every page of a long list links to a bounded number of others.
        for current in 1..=981 {
            assert!(pager_numbers(current, 981).len() <= 2 * PAGER_WINDOW + 3);
        }
        let p = pager("tags/x/", 1, 5);
        let pages = p["pages"].as_array().unwrap();
        let gaps: Vec<bool> = pages.iter().map(|e| e["gap"] == true).collect();
        assert_eq!(gaps, [false, false, false, true, false]);
        assert_eq!(pages[4]["path"], "tags/x/page/5/");
        assert_eq!(pages[0]["path"], "tags/x/");
    }
}
